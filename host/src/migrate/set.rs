//! `migrate set`: mark the database as being at a version without running
//! anything, in one transaction where the dialect's DDL is transactional.

use super::Context;
use crate::dir::{Dir, HashFile};
use crate::error::{Error, db};
use crate::exec;
use crate::plan;
use crate::plugin::Conn;
use crate::report::SetReport;
use crate::revisions::{HistoryStore, Revision, RevisionStore, TYPE_EXECUTE, TYPE_RESOLVED};
use std::time::Duration;

/// Sets the revisions table of the database at `url` (in `revisions_schema`)
/// to end at `version` of `dir` (the directory's last, when `None` and the
/// table is not empty), holding the migration lock up to `lock_timeout`.
///
/// # Errors
/// An unknown version; no version on an empty table; the lock, the
/// database, or a table that did not keep the change.
pub fn set(
    cx: &Context,
    dir: &Dir,
    url: &str,
    version: Option<&str>,
    revisions_schema: Option<&str>,
    lock_timeout: Duration,
) -> Result<SetReport, Error> {
    let mut conn = plan::open(&cx.registry, url)?;
    exec::locked(&mut conn, lock_timeout, |conn| set_locked(conn, dir, version, revisions_schema))
}

fn set_locked(conn: &mut Conn, dir: &Dir, version: Option<&str>, schema: Option<&str>) -> Result<SetReport, Error> {
    let store = RevisionStore::new(conn, schema)?;
    store.ensure(conn)?;
    let revisions = store.read(conn)?;
    let files = dir.files();
    let target = match version {
        Some(v) => {
            if !files.iter().any(|f| f.version() == v) {
                return Err(Error::Usage(format!("migration with version {v:?} not found")));
            }
            v.to_string()
        }
        None if revisions.is_empty() => return Err(Error::Usage("accepts 1 arg(s), received 0".into())),
        None => files.last().map(|f| f.version().to_string()).unwrap_or_default(),
    };
    let sum = HashFile::compute(files);
    let mut added = Vec::new();
    let mut removed = Vec::new();
    // Strata's history of a removed version would otherwise outlive it; the
    // table is optional, so look before the transaction.
    let history = HistoryStore::new(conn, schema)?;
    let has_history = history.exists(conn)?;
    let tx = conn.driver().manifest.capabilities.transactional_ddl;
    if tx {
        conn.begin().map_err(db("starting a transaction"))?;
    }
    let result = (|| -> Result<(), Error> {
        for rev in revisions.iter().filter(|r| r.version.as_str() > target.as_str()) {
            store.delete(conn, &rev.version)?;
            if has_history {
                history.delete(conn, &rev.version)?;
            }
            removed.push(rev.clone());
        }
        if let Some(rev) = revisions.iter().find(|r| r.version == target).filter(|r| r.is_partial()) {
            let mut rev = rev.clone();
            rev.kind = TYPE_EXECUTE | TYPE_RESOLVED;
            store.write(conn, &rev)?;
        }
        let last = revisions.iter().map(|r| r.version.as_str()).rfind(|v| *v <= target.as_str());
        for f in files.iter().filter(|f| f.version() <= target.as_str() && last.is_none_or(|l| f.version() > l)) {
            let rev =
                Revision::new(f.version(), f.desc(), TYPE_RESOLVED, 0, sum.file_hash(f.name()).unwrap_or_default());
            store.write(conn, &rev)?;
            added.push(rev);
        }
        Ok(())
    })();
    match result {
        Ok(()) if tx => conn.commit().map_err(db("committing the transaction (nothing was changed)"))?,
        Ok(()) => {}
        Err(e) => {
            if tx {
                let _ = conn.rollback();
            }
            return Err(e);
        }
    }
    // "ok" is a fact: the revisions table must now end at the target.
    let after = store.read(conn)?;
    let last = after.last().map(|r| r.version.as_str()).unwrap_or_default();
    if last != target || after.iter().any(|r| r.version == target && r.is_partial()) {
        return Err(Error::Failed(format!(
            "the revisions table ends at version {last:?} after setting it to {target:?}: the database did not keep the change"
        )));
    }
    Ok(SetReport { current: target, added, removed })
}
