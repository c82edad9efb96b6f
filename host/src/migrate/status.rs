//! `migrate status`: where the database stands against the directory, read
//! from its revisions table (and Strata's history, for a rolled-back failure).

use super::Context;
use crate::dir::Dir;
use crate::error::Error;
use crate::plan::{self, ExecOrder};
use crate::report::{FileRef, StatusReport};
use crate::revisions::{HistoryStore, RevisionStore, TYPE_BASELINE};

/// Reads the status of the database at `url` against `dir`, the revisions
/// table in `revisions_schema`.
///
/// # Errors
/// The database cannot be reached or read; applied files were deleted or
/// edited; the env's `exec_order` is not one.
pub fn status(cx: &Context, dir: &Dir, url: &str, revisions_schema: Option<&str>) -> Result<StatusReport, Error> {
    let mut conn = plan::open(&cx.registry, url)?;
    let store = RevisionStore::new(&conn, revisions_schema)?;
    let revisions = store.read(&mut conn)?;
    let files = dir.files();
    // Applied files deleted or edited are errors; files added out of order are
    // treated as the env's exec_order has `migrate apply` treat them (linear:
    // pending, with Atlas's error text).
    plan::check_applied(files, &revisions).map_err(|e| e.into_error(dir.path()))?;
    let order = cx.exec_order(&None)?;
    let state = plan::classify(files, &revisions);
    let out_of_order = if order == ExecOrder::LinearSkip { Vec::new() } else { state.out_of_order.clone() };
    let history_error =
        if order == ExecOrder::Linear { state.out_of_order_error().map(|e| e.to_string()) } else { None };
    let partial = state.partial;
    let current = state.last.map(|r| r.version.clone());
    let mut pending = state.pending.clone();
    if order == ExecOrder::NonLinear {
        pending.splice(0..0, out_of_order.iter().copied());
    }
    let executed = revisions.iter().filter(|r| r.kind & TYPE_BASELINE == 0).count();
    // A file that failed and was rolled back is not a revision (it blocks
    // nothing), but its failure is worth showing until a run succeeds.
    let failed_attempt = match partial {
        Some(_) => None,
        None => HistoryStore::new(&conn, revisions_schema)?.failure(&mut conn)?,
    };
    let status = if pending.is_empty() && history_error.is_none() { "OK" } else { "PENDING" };
    // Atlas leaves the next version unknown while the history is not linear.
    let next = if history_error.is_some() { None } else { pending.first().map(|f| f.version().to_string()) };
    Ok(StatusReport {
        driver: conn.driver().name().to_string(),
        url: conn.url().redacted(),
        dir: dir.path().to_path_buf(),
        available: files.iter().map(FileRef::of).collect(),
        pending: pending.iter().map(|f| FileRef::of(f)).collect(),
        out_of_order: out_of_order.iter().map(|f| FileRef::of(f)).collect(),
        partial: partial.cloned(),
        applied: revisions.clone(),
        current,
        next,
        executed,
        total: files.len(),
        status,
        history_error,
        failed_attempt,
    })
}
