//! Where an interrupted run stopped. A run without a transaction records its
//! progress after each statement, or where DDL commits on its own, once after
//! a run of statements inspection can see (`steps::chains`, across versions
//! too); killed before the record, it leaves some of those statements run. The
//! database says how many: its schema equals the expected state after k
//! statements, or after one of the statements that may have run. Anything else
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

/// How many of `stmts` an interrupted run left the database holding, when
/// `k` were recorded and statements `k..=end` may have run unrecorded (see
/// [`crate::steps::unrecorded_end`]). The dev database holds the state after
/// `k`; each candidate state is compared with the actual one in order, so a
/// statement that leaves the schema alone counts as not run (it is run again).
///
/// # Errors
/// When a statement or inspection fails.
pub fn reached(
    dev: &mut DevDb,
    actual: &Realm,
    (stmts, k, end): (&[String], usize, usize),
    origin: &str,
) -> Result<Reached, Error> {
    let mut first_drift = None;
    for (at, next) in stmts.iter().enumerate().take(end + 1).skip(k) {
        match side(dev, actual, next, origin)? {
            Side::Before => return Ok(Reached::At(at)),
            Side::After => return Ok(Reached::At(at + 1)),
            Side::Doubt => return Ok(Reached::Doubt(at)),
            // Not this one, nor the next: maybe a later one of the run.
            Side::Drift(sql) => {
                first_drift.get_or_insert(sql);
            }
        }
    }
    Ok(match first_drift {
        Some(sql) => Reached::Drift(sql),
        None => Reached::At(k),
    })
}

/// Where [`reached`] found the database.
pub enum Reached {
    /// After this many statements.
    At(usize),
    /// Before a data statement whose fate the schema cannot tell (see [`Side::Doubt`]).
    Doubt(usize),
    /// In none of the candidate states: the SQL turning the recorded one into the actual one.
    Drift(String),
}

/// How many statements of the interrupted file `steps[0]` (at `done` as
/// recorded) and the files after it the database really holds, counted from
/// the first statement of `steps[0]`: a run that records progress only where
/// settling needs it (`steps::chains`) may have gone on into the next files
/// without a record.
///
/// # Errors
/// Refused when no dev database can replay the directory, or the database
/// holds none of the candidate states (drift, with the statements that differ).
pub fn settle_apply(
    registry: &Registry,
    conn: &mut Conn,
    (dev_url, in_doubt): (Option<&str>, Option<InDoubt>),
    dir: &Dir,
    lex: &LexOptions,
    (revisions, history): (&[Revision], &BTreeMap<String, History>),
    steps: &[Step],
) -> Result<usize, Error> {
    let Some(step) = steps.first() else { return Ok(0) };
    let k = step.done;
    if k >= step.stmts.len() {
        return Ok(k);
    }
    let flat: Vec<String> = steps.iter().flat_map(|s| s.stmts.iter().cloned()).collect();
    let end = crate::steps::unrecorded_end(&flat, k, crate::steps::batches_ddl(&conn.driver().manifest.capabilities));
    // Where flat position `n` is: the version and the statement in it.
    let at = |n: usize| crate::steps::locate(steps.iter().map(|s| (s.version.as_str(), s.stmts.len())), n);
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
        reached(&mut dev, &actual, (&flat, k, end), &format!("version {}", step.version))
    })();
    let reset = dev.reset();
    let reached = result?;
    reset?;
    match reached {
        Reached::At(n) => Ok(n),
        Reached::Doubt(n) => match in_doubt {
            Some(InDoubt::Skip) => Ok(n + 1),
            Some(InDoubt::Run) => Ok(n),
            None => {
                let (version, stmt) = at(n);
                Err(doubt(version, stmt, flat.get(n).map_or("", String::as_str), conn.driver().name()))
            }
        },
        Reached::Drift(sql) => {
            let states = if end > k {
                let (version, stmt) = at(end);
                let last = if version == step.version { String::new() } else { format!(" of version {version}") };
                format!("any state from after statement {k} to after statement {}{last}", stmt + 1)
            } else {
                format!("neither the state before statement {} nor after it", k + 1)
            };
            Err(Error::refused(
                format!(
                    "version {} was interrupted after statement {k}, but the database holds {states}; it differs from the state after statement {k} by:\n{sql}",
                    step.version
                ),
                format!(
                    "bring the schema back to the state after statement {k} of version {} (or after one of the statements that may have run), then run the same command again; `strata migrate status` shows the partial version",
                    step.version
                ),
            ))
        }
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
