//! Where an interrupted run stopped. A run without a transaction records its
//! progress after each statement; killed between a statement and its record,
//! it leaves the statement run or not run. The database says which: its schema
//! equals the expected state after k statements, or after k + 1. Anything else
//! is drift, and nothing runs.

use super::{DevDb, EMBEDDED_DEV, diff, inspect_target, plan_sql};
use crate::dir::{Dir, LexOptions};
use crate::error::Error;
use crate::plan::Step;
use crate::plugin::{Conn, Registry};
use crate::revisions::{History, Revision};
use std::collections::BTreeMap;
use strata_dialect_api::Realm;

/// What the user says of a data statement an interrupted run left in doubt
/// (a database without transactions could not record it with its progress).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InDoubt {
    /// It ran: count it and go on after it.
    Skip,
    /// It did not run: run it.
    Run,
}

/// Which side of the next statement the database is on.
pub enum Side {
    /// It did not run.
    Before,
    /// It ran.
    After,
    /// Neither: the database holds something else. The SQL turning the state
    /// before the statement into the actual one.
    Drift(String),
    /// The statement changes only data and the database has no transactions
    /// to have made it atomic with its record: the schema cannot tell.
    Doubt,
}

/// Compares the actual schema with the states before and after `next`: the
/// dev database holds the state before it, and is left holding the state after.
///
/// # Errors
/// When a statement or inspection fails.
pub fn side(dev: &mut DevDb, actual: &Realm, next: &str, origin: &str) -> Result<Side, Error> {
    let driver = dev.driver().clone();
    let before = dev.inspect()?;
    let changes = diff(&driver, &before, actual)?;
    // A statement that leaves the schema alone shared a transaction with its
    // record: not recorded means not run. Without transactions it did not,
    // and only a statement that would have changed the schema is settled by it.
    let no_tx = driver.manifest.capabilities.no_transactions;
    if changes.is_empty() && !no_tx {
        return Ok(Side::Before);
    }
    dev.exec_all(origin, &[next.to_string()])?;
    let after = dev.inspect()?;
    if changes.is_empty() {
        return Ok(if diff(&driver, &before, &after)?.is_empty() { Side::Doubt } else { Side::Before });
    }
    if diff(&driver, &after, actual)?.is_empty() {
        return Ok(Side::After);
    }
    let sql = driver
        .plan(&changes, &dev.plan_options(false))
        .map(|p| plan_sql(&p, true))
        .unwrap_or_else(|_| changes.iter().map(|c| format!("-- {}\n", c.describe())).collect());
    Ok(Side::Drift(sql))
}

/// How many statements of the interrupted file `step` (at `step.done` as
/// recorded) the database really holds.
///
/// # Errors
/// Refused when no dev database can replay the directory, or the database
/// holds neither state (drift, with the statements that differ).
pub fn settle_apply(
    registry: &Registry,
    conn: &mut Conn,
    (dev_url, in_doubt): (Option<&str>, Option<InDoubt>),
    dir: &Dir,
    lex: &LexOptions,
    (revisions, history): (&[Revision], &BTreeMap<String, History>),
    step: &Step,
) -> Result<usize, Error> {
    let k = step.done;
    let Some(next) = step.stmts.get(k) else { return Ok(k) };
    let url = match dev_url {
        Some(url) => url.to_string(),
        None if conn.driver().name() == "sqlite" => EMBEDDED_DEV.to_string(),
        None => {
            return Err(Error::refused(
                format!(
                    "version {} was interrupted after statement {k}: whether statement {} ran must be read from the database, which needs a dev database",
                    step.version,
                    k + 1
                ),
                "run the same command again with --dev-url pointing at an empty database of the same dialect",
            ));
        }
    };
    let mut dev = DevDb::open(registry, &url)?;
    let chain = super::down::build_chain(dir, lex, revisions, history)?;
    let actual = inspect_target(conn, &strata_dialect_api::InspectOptions::default())?;
    let result = (|| {
        for link in &chain {
            dev.exec_all(&format!("replaying version {}", link.version), &link.statements[..link.take])?;
        }
        side(&mut dev, &actual, next, &format!("version {} (statement {})", step.version, k + 1))
    })();
    let reset = dev.reset();
    let side = result?;
    reset?;
    match side {
        Side::Before => Ok(k),
        Side::After => Ok(k + 1),
        Side::Doubt => match in_doubt {
            Some(InDoubt::Skip) => Ok(k + 1),
            Some(InDoubt::Run) => Ok(k),
            None => Err(doubt(&step.version, k, next, conn.driver().name())),
        },
        Side::Drift(sql) => Err(Error::refused(
            format!(
                "version {} was interrupted after statement {k}, but the database holds neither the state before statement {} nor after it; it differs by:\n{sql}",
                step.version,
                k + 1
            ),
            format!(
                "bring the schema back to the state after statement {k} of version {} (or after statement {}), then run the same command again; `strata migrate status` shows the partial version",
                step.version,
                k + 1
            ),
        )),
    }
}

/// The refusal for a data statement whose fate the schema cannot tell.
pub fn doubt(version: &str, k: usize, next: &str, dialect: &str) -> Error {
    let shown: String = next.split_whitespace().collect::<Vec<_>>().join(" ");
    let shown = match shown.char_indices().nth(120) {
        Some((i, _)) => format!("{}…", &shown[..i]),
        None => shown,
    };
    Error::refused(
        format!(
            "version {version} was interrupted after statement {k}; statement {} changes only data ({shown}), which {dialect} cannot record together with its progress, so whether it ran cannot be read from the database",
            k + 1
        ),
        format!(
            "look for what statement {} writes: run the same command again with --in-doubt skip if it ran, or --in-doubt run if it did not",
            k + 1
        ),
    )
}
