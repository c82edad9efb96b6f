//! Pre-migration checks, and running a declarative plan (`schema apply`,
//! `schema clean`) through the one executor.

use super::run::{Options, Policy, RevisionLog, Stop, StopKind, run};
use super::{Progress, Quiet, is_true, truthy};
use crate::error::Error;
use crate::plugin::Conn;
use crate::steps::{Check, Guard, Step};
use strata_dialect_api::{Plan, PreCheck, Statement};

/// A pre-migration check (or txtar assertion) and its outcome.
#[derive(Debug, Clone, serde::Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct PlanCheck {
    /// The assertion.
    pub stmt: String,
    /// Why it exists, e.g. `column "c" of table "t" is empty`.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub reason: String,
    /// Whether it held (absent when checks were skipped).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ok: Option<bool>,
    /// The error, when it failed to run.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

impl PlanCheck {
    /// A check listed but not run (`--skip-checks`, or deferred in a dry run).
    pub fn skipped(check: &PreCheck) -> PlanCheck {
        PlanCheck { stmt: check.sql.clone(), reason: check.reason.clone(), ok: None, error: None }
    }

    /// Runs `check` on `conn`: it holds when its first value reads as true; a
    /// query that fails does not hold.
    pub fn evaluate(conn: &mut Conn, check: &PreCheck) -> PlanCheck {
        let (ok, error) = match conn.query(&check.sql, Vec::new()) {
            Ok(rows) => (truthy(&rows), None),
            Err(e) => (false, Some(strata_dialect_api::mask(&e.message))),
        };
        PlanCheck { stmt: check.sql.clone(), reason: check.reason.clone(), ok: Some(ok), error }
    }

    /// Whether each of `checks` holds, asked in one query per hundred
    /// (`SELECT (check1), (check2), …`): a round trip each adds up on a
    /// server. `None` when that query fails (a check reads a table that is
    /// not there yet, or returns more than one value); ask them one by one then.
    pub fn evaluate_all(conn: &mut Conn, checks: &[&str]) -> Option<Vec<bool>> {
        let mut out = Vec::with_capacity(checks.len());
        for chunk in checks.chunks(100) {
            let sql = format!("SELECT {}", chunk.iter().map(|c| format!("({c})")).collect::<Vec<_>>().join(", "));
            let rows = conn.query(&sql, Vec::new()).ok()?;
            let row = rows.rows.into_iter().next()?;
            if row.len() != chunk.len() {
                return None;
            }
            out.extend(row.iter().map(|v| is_true(v.as_deref())));
        }
        Some(out)
    }

    /// True when the check ran and held.
    pub fn held(&self) -> bool {
        self.ok == Some(true)
    }
}

/// The checks guarding `stmts`, not run (what `--skip-checks` reports).
pub fn skipped_checks(stmts: &[Statement]) -> Vec<PlanCheck> {
    stmts.iter().flat_map(|s| &s.checks).map(PlanCheck::skipped).collect()
}

/// Runs the pre-migration checks of `stmts` on `conn`: every outcome, and the
/// refusal message of the first that did not hold.
pub fn run_checks(conn: &mut Conn, stmts: &[Statement]) -> (Vec<PlanCheck>, Option<String>) {
    let mut out = Vec::new();
    let mut failed = None;
    for stmt in stmts {
        for c in &stmt.checks {
            let outcome = PlanCheck::evaluate(conn, c);
            if !outcome.held() && failed.is_none() {
                failed = Some(refusal_text(stmt.destructive, c, outcome.error.as_deref()));
            }
            out.push(outcome);
        }
    }
    (out, failed)
}

fn refusal_text(destructive: bool, c: &PreCheck, error: Option<&str>) -> String {
    let loss = if destructive { "data would be lost: " } else { "" };
    match error {
        Some(e) => format!("{loss}pre-migration check could not run: {} ({}): {e}", c.reason, c.sql),
        None => format!("{loss}pre-migration check failed: expected {} ({})", c.reason, c.sql),
    }
}

/// A refusal because a pre-migration check did not hold (`message` from [`run_checks`]).
pub fn check_refusal(message: String) -> Error {
    Error::refused(
        format!("{message}; nothing was executed"),
        "move or remove the data first, or pass --skip-checks to destroy it",
    )
}

/// Runs a plan: in one transaction when the dialect and every statement allow,
/// so a failure leaves the database as it was.
///
/// # Errors
/// When a statement fails (after rolling back where possible).
pub fn execute(conn: &mut Conn, plan: &Plan) -> Result<(), Error> {
    execute_guarded(conn, plan, false)
}

/// A declarative plan keeps no revisions.
struct NoLog;

impl RevisionLog for NoLog {
    fn start(&mut self, _: &mut Conn, _: &Step) -> Result<(), Error> {
        Ok(())
    }
    fn progress(&mut self, _: &mut Conn, _: &Step, _: usize) -> Result<(), Error> {
        Ok(())
    }
    fn finish(&mut self, _: &mut Conn, _: &Step) -> Result<(), Error> {
        Ok(())
    }
    fn failed(&mut self, _: &mut Conn, _: &Step, _: &Stop) -> Result<(), Error> {
        Ok(())
    }
}

/// Runs a plan like [`execute`], each statement's pre-migration checks first
/// when `checks`. In a transaction they run inside it, right before the
/// statement they guard, so nothing can change the data between check and
/// statement; a failure rolls everything back. Without a transaction every
/// check runs before the first statement, since nothing could be undone.
///
/// # Errors
/// [`Error::Refused`] when a check fails (nothing executed); otherwise as [`execute`].
pub fn execute_guarded(conn: &mut Conn, plan: &Plan, checks: bool) -> Result<(), Error> {
    if plan.is_empty() {
        return Ok(());
    }
    let tx = conn.driver().manifest.capabilities.transactional_ddl && plan.transactional();
    let mut guards = Vec::new();
    if checks {
        for (i, stmt) in plan.statements.iter().enumerate() {
            let before = if tx { i } else { 0 };
            guards.extend(stmt.checks.iter().map(|c| Guard { before, check: Check::Plan(c.clone()) }));
        }
    }
    let step = Step { stmts: plan.statements.iter().map(|s| s.sql.clone()).collect(), guards, tx, ..Step::default() };
    let opts = Options { policy: Policy::PerStep, skip_checks: false, reverting: false };
    let progress: &mut dyn Progress = &mut Quiet;
    let outcome = run(conn, std::slice::from_ref(&step), &opts, &mut NoLog, progress)?;
    let Some(stop) = outcome.stop else { return Ok(()) };
    let undone = if stop.rolled_back { " (rolled back: nothing was changed)" } else { "" };
    match stop.kind {
        StopKind::Check => {
            let failed = outcome.steps.last().and_then(|r| r.checks.iter().find(|c| !c.held()));
            let text = failed
                .and_then(|c| {
                    let stmt = plan.statements.iter().find(|s| s.checks.iter().any(|k| k.sql == c.stmt))?;
                    let pre = PreCheck { sql: c.stmt.clone(), reason: c.reason.clone() };
                    Some(refusal_text(stmt.destructive, &pre, c.error.as_deref()))
                })
                .unwrap_or(stop.message);
            Err(check_refusal(text))
        }
        StopKind::Statement => {
            let sql = plan.statements.get(stop.stmt).map(|s| s.sql.as_str()).unwrap_or_default();
            Err(Error::Failed(format!("executing statement {sql:?}: {}{undone}", stop.message)))
        }
        StopKind::Commit | StopKind::Record => Err(Error::Failed(format!("{}{undone}", stop.message))),
    }
}
