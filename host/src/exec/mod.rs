//! Executing what was planned: the one executor ([`run`]) for migration files,
//! reverts and declarative plans; pre-migration checks; the migration lock's
//! name. Nothing here decides what to run.

mod check;
mod run;

pub use check::{PlanCheck, check_refusal, execute, execute_guarded, run_checks, skipped_checks};
pub use run::{Options, Outcome, Policy, RevisionLog, StepReport, Stop, StopKind, precheck, run};

/// The lock the commands that change a database hold on it. Atlas's name, so
/// the two tools exclude each other where the lock lives in the server
/// (PostgreSQL's advisory lock, MySQL's `GET_LOCK`); on SQLite Strata's lock is
/// a kernel `flock` of its own, released when a process dies, which Atlas's
/// expiring lock file is not.
pub const LOCK_APPLY: &str = "atlas_migrate_execute";

/// Runs `f` holding the migration lock ([`LOCK_APPLY`], waiting up to
/// `timeout`), released afterwards whatever `f` returned.
///
/// # Errors
/// When the lock cannot be taken; otherwise what `f` returns.
pub fn locked<T>(
    conn: &mut crate::plugin::Conn,
    timeout: std::time::Duration,
    f: impl FnOnce(&mut crate::plugin::Conn) -> Result<T, crate::Error>,
) -> Result<T, crate::Error> {
    conn.lock(LOCK_APPLY, timeout).map_err(crate::error::db("acquiring database lock"))?;
    let result = f(conn);
    let _ = conn.unlock(LOCK_APPLY);
    result
}

/// Receives progress while a run executes; the text reporter prints it as it
/// happens, the JSON reporter ignores it and prints the final report.
pub trait Progress {
    /// The run is about to start: from `current` (empty when none) to `target`.
    fn start(&mut self, _current: &str, _target: &str, _files: usize, _reverting: bool) {}
    /// Checks of a file are about to run.
    fn checks_start(&mut self, _version: &str, _reverting: bool) {}
    /// One assertion ran.
    fn check(&mut self, _sql: &str, _ok: bool) {}
    /// A check guarding the next statement ran (inside a file, not before it).
    fn guard(&mut self, _sql: &str, _ok: bool) {}
    /// The checks finished.
    fn checks_done(&mut self, _elapsed: std::time::Duration, _failed: usize) {}
    /// A file is about to run (`reverting` for `migrate down`).
    fn file_start(&mut self, _version: &str, _reverting: bool) {}
    /// The file continues an interrupted run: `done` of its `total` statements
    /// already ran and are not run again.
    fn resume(&mut self, _done: usize, _total: usize) {}
    /// A statement is about to run.
    fn stmt(&mut self, _sql: &str) {}
    /// The last statement failed.
    fn stmt_error(&mut self, _error: &str) {}
    /// The file finished.
    fn file_done(&mut self, _elapsed: std::time::Duration) {}
}

/// Discards progress.
pub struct Quiet;

impl Progress for Quiet {}

/// True when the first column of the first row reads as true: how a check
/// assertion passes.
pub fn truthy(rows: &strata_dialect_api::Rows) -> bool {
    is_true(rows.rows.first().and_then(|r| r.first()).and_then(Option::as_deref))
}

/// True when a value reads as true (see [`truthy`]).
fn is_true(value: Option<&str>) -> bool {
    value.is_some_and(|v| matches!(v.trim().to_ascii_lowercase().as_str(), "1" | "t" | "true" | "yes" | "on"))
}
