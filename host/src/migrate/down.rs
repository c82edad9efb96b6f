//! `migrate down`: lock, plan the revert from the database's actual state
//! (plan), run it (exec), confirm from the revisions table what it did.

use super::DownLog;
use crate::clock;
use crate::dir::Dir;
use crate::error::Error;
use crate::exec::{self, PlanCheck, Policy, Progress, StepReport, StopKind};
use crate::plan::{Check, DownOptions, DownPlan, StateCache, Step};
use crate::plugin::{Conn, Registry};
use crate::report::{CheckOutcome, DownReport, RevertedFile, StmtError};
use crate::revisions::{HistoryStore, PlannedRevert, RevisionStore};
use std::time::{Duration, SystemTime};

const CHECK_HINT: &str = "remove or move the data first, or pass --skip-checks to revert anyway";

/// Reverts applied versions of `dir` on the database behind `conn`, using the
/// dev database `dev_url` to compute states.
///
/// Returns the report also when the run was refused (drift, failed check) or
/// failed midway; `status` and `error` say so.
///
/// # Errors
/// Usage errors (unknown target version, missing files without history, a dev
/// database that is not clean or of another dialect) and database failures
/// before planning.
pub fn down(
    with: &DownWith<'_>,
    conn: &mut Conn,
    dir: &Dir,
    opts: &DownOptions,
    progress: &mut dyn Progress,
) -> Result<DownReport, Error> {
    exec::locked(conn, opts.lock_timeout, |conn| down_locked(with, conn, dir, opts, progress))
}

/// What a revert works with besides the target: plugins, the dev database,
/// the state cache and the policies its plan must pass.
pub struct DownWith<'a> {
    /// The dialect plugins.
    pub registry: &'a Registry,
    /// The dev database's URL.
    pub dev_url: &'a str,
    /// Inspected states, by version.
    pub cache: &'a StateCache,
    /// Checked on the plan before anything runs.
    pub policies: &'a super::Policies,
}

fn down_locked(
    with: &DownWith<'_>,
    conn: &mut Conn,
    dir: &Dir,
    opts: &DownOptions,
    progress: &mut dyn Progress,
) -> Result<DownReport, Error> {
    let (registry, dev_url, cache) = (with.registry, with.dev_url, with.cache);
    let started = SystemTime::now();
    let mut report = DownReport {
        driver: conn.driver().name().to_string(),
        url: conn.url().redacted(),
        start: clock::rfc3339(started),
        ..DownReport::default()
    };
    let plan = crate::plan::plan_down(registry, conn, dev_url, dir, opts, cache, with.policies.enforces())?;
    report.current = plan.current.clone();
    report.target = plan.target.clone().unwrap_or_default();
    report.total = plan.total;
    if let Some(refusal) = plan.refusal {
        report.drift = refusal.drift;
        return Ok(refuse(report, refusal.error, refusal.hint));
    }
    if plan.steps.is_empty() {
        report.status = "NOTHING_TO_DO".into();
        report.end = clock::rfc3339(SystemTime::now());
        return Ok(report);
    }
    report.planned = plan.planned.clone();
    // The policies, on the plan, before anything runs (a dry run shows them too).
    if with.policies.enforces() {
        let caps = &conn.driver().manifest.capabilities;
        let mut denied = None;
        for ((step, units), planned) in plan.steps.iter().zip(&plan.units).zip(&plan.planned) {
            let subject = strata_policies::Subject {
                dialect: conn.driver().name().to_string(),
                transactional_ddl: caps.transactional_ddl,
                file: Some(planned.name.clone()),
                ..strata_policies::Subject::default()
            };
            let findings = with.policies.enforce(&subject, units, &step.version, "migrate down", &planned.source)?;
            if denied.is_none() {
                denied = super::denial(&findings, &format!("reverting version {}", step.version));
            }
            report.findings.extend(findings);
        }
        if let Some(e) = denied {
            let (message, hint) = match e {
                Error::Refused { message, hint } => (message, hint.unwrap_or_default()),
                other => (other.to_string(), String::new()),
            };
            return Ok(refuse(report, message, hint));
        }
    }
    let target = if report.target.is_empty() { "0 (nothing applied)" } else { report.target.as_str() };
    progress.start(&report.current, target, plan.steps.len(), true);

    if opts.dry_run {
        return Ok(dry_run(conn, &plan.steps, opts.skip_checks, report, progress));
    }
    execute(conn, plan, opts, report, progress)
}

/// Nothing runs, so every check reads the current state: exact for the checks
/// before a step; a check guarding a later statement of a down.sql depends on
/// the statements before it and is only listed.
fn dry_run(
    conn: &mut Conn,
    steps: &[Step],
    skip_checks: bool,
    mut report: DownReport,
    progress: &mut dyn Progress,
) -> DownReport {
    let mut steps = steps.to_vec();
    let (checked, failed) = exec::precheck(conn, &mut steps, skip_checks, true, progress);
    push_checks(&mut report, &checked);
    // What is left reads objects or rows the statements before it change.
    for step in &steps {
        for guard in &step.guards {
            if let Check::Plan(c) = &guard.check {
                let mut check = PlanCheck::skipped(c);
                check.reason = if guard.before > step.done {
                    format!("{} (evaluated before statement {} runs)", c.reason, guard.before + 1)
                } else {
                    format!("{} (evaluated when the revert of version {} starts)", c.reason, step.version)
                };
                report.checks.push(CheckOutcome { version: step.version.clone(), check });
            }
        }
    }
    if let Some(message) = failed {
        return refuse(report, format!("{message}; nothing was executed, nothing was changed"), CHECK_HINT.into());
    }
    for step in &steps {
        progress.file_start(&step.version, true);
        if step.done > 0 {
            progress.resume(step.done, step.stmts.len());
        }
        for stmt in &step.stmts[step.done.min(step.stmts.len())..] {
            progress.stmt(stmt);
        }
        progress.file_done(Duration::ZERO);
    }
    report.status = "DRY_RUN".into();
    report.end = clock::rfc3339(SystemTime::now());
    report
}

fn push_checks(report: &mut DownReport, steps: &[StepReport]) {
    for step in steps {
        report
            .checks
            .extend(step.checks.iter().map(|c| CheckOutcome { version: step.version.clone(), check: c.clone() }));
    }
}

/// Runs the planned revert: one transaction where the dialect allows (checks
/// inside it, before the statements they guard), else version by version,
/// statement by statement, the run recorded first so that running the same
/// command again finishes it.
fn execute(
    conn: &mut Conn,
    mut plan: DownPlan,
    opts: &DownOptions,
    mut report: DownReport,
    progress: &mut dyn Progress,
) -> Result<DownReport, Error> {
    let store = RevisionStore::new(conn, opts.revisions_schema.as_deref())?;
    let history = HistoryStore::new(conn, opts.revisions_schema.as_deref())?;
    // Strata's history table is optional (a database Atlas migrated has none):
    // learn whether it exists before any transaction, where a failed probe
    // would abort the transaction.
    let has_history = history.exists(conn)?;
    let all_tx = plan.steps.iter().all(|s| s.tx);
    let mut exec_opts = exec::Options { policy: Policy::All, skip_checks: opts.skip_checks, reverting: true };
    if !all_tx {
        // Nothing of such a run can be undone: every check guarding a step's
        // start runs before the first statement of any.
        for step in &mut plan.steps {
            step.tx = false;
        }
        let (checked, failed) = exec::precheck(conn, &mut plan.steps, opts.skip_checks, true, progress);
        push_checks(&mut report, &checked);
        if let Some(message) = failed {
            return Ok(refuse(
                report,
                format!("{message}; nothing was executed, nothing was changed"),
                CHECK_HINT.into(),
            ));
        }
        // Progress needs the history table; a database only Atlas migrated has
        // none, so the run creates it and the run that finishes drops it.
        history.ensure(conn)?;
        if let Some(run) = &mut plan.run {
            run.created_table |= !has_history;
            run.plan = plan
                .steps
                .iter()
                .map(|s| PlannedRevert { version: s.version.clone(), stmts: s.stmts.clone() })
                .collect();
            history.record_down_run(conn, run)?;
        }
        exec_opts.policy = Policy::PerStep;
    }
    let mut log = DownLog::new(&store, &history, std::mem::take(&mut plan.history), has_history);
    crate::trace::mark("down: executing");
    let outcome = exec::run(conn, &plan.steps, &exec_opts, &mut log, progress)?;
    crate::trace::mark("down: executed");
    push_checks(&mut report, &outcome.steps);
    for (step, r) in plan.steps.iter().zip(&outcome.steps) {
        report.reverted.push(RevertedFile {
            version: step.version.clone(),
            description: step.description.clone(),
            start: r.start.clone(),
            end: r.end.clone(),
            applied: r.applied.clone(),
            skipped: r.skipped,
            error: r.error.clone().map(|(stmt, text)| StmtError { stmt, text }),
        });
    }
    if let Some(stop) = outcome.stop {
        let step = plan.steps.get(stop.step);
        let version = step.map(|s| s.version.as_str()).unwrap_or_default();
        let message = match stop.kind {
            StopKind::Statement => {
                let sql = step.and_then(|s| s.stmts.get(stop.stmt)).map(String::as_str).unwrap_or_default();
                format!("reverting version {version}: statement {sql:?} failed: {}", stop.message)
            }
            _ => stop.message.clone(),
        };
        report.status = if stop.kind == StopKind::Check { "REFUSED" } else { "FAILED" }.into();
        if exec_opts.policy == Policy::All {
            if stop.kind == StopKind::Check {
                report.hint = Some(CHECK_HINT.into());
            }
            report.error = Some(format!("{message} (rolled back: nothing was changed)"));
        } else {
            let ran = report.reverted.last().map_or(0, |f| f.skipped + f.applied.len());
            let total = step.map_or(0, |s| s.stmts.len());
            report.error = Some(format!("{message}; {ran} of {total} statements ran"));
            report.hint =
                Some("fix the cause, then run the same command again: it continues where this run stopped".into());
        }
        report.end = clock::rfc3339(SystemTime::now());
        return Ok(report);
    }
    if !all_tx {
        history.clear_down_run(conn)?;
        if plan.run.as_ref().is_some_and(|r| r.created_table) {
            history.drop_if_empty(conn)?;
        }
    }
    report.status = "APPLIED".into();
    confirm_reverted(conn, &store, &plan.steps, &mut report)?;
    crate::trace::mark("down: confirmed");
    report.end = clock::rfc3339(SystemTime::now());
    Ok(report)
}

/// "ok" is a fact: after the run, the revisions table must no longer hold any
/// reverted version. Anything else is a failure, whatever the database said.
fn confirm_reverted(
    conn: &mut Conn,
    store: &RevisionStore,
    steps: &[Step],
    report: &mut DownReport,
) -> Result<(), Error> {
    let after = store.versions(conn)?;
    let left: Vec<&str> = steps.iter().filter(|s| after.contains(&s.version)).map(|s| s.version.as_str()).collect();
    if !left.is_empty() {
        report.status = "FAILED".into();
        report.error = Some(format!(
            "the revert reported success but the revisions table still records version(s) {}: the database did not keep the changes",
            left.join(", ")
        ));
        return Ok(());
    }
    report.target = after.last().cloned().unwrap_or_default();
    Ok(())
}

fn refuse(mut report: DownReport, message: String, hint: String) -> DownReport {
    report.status = "REFUSED".into();
    report.error = Some(message);
    report.hint = Some(hint);
    report.end = clock::rfc3339(SystemTime::now());
    report
}
