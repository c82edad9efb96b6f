//! `schema apply` and `schema clean`. Apply brings a database to a desired schema. Under the migration
//! lock: plan (inspect, diff), policies, checks, then — once the caller
//! confirmed — execute, confirm the database now holds the desired schema,
//! and record the run in the deployment registry.

use super::Context;
use crate::error::{Error, db};
use crate::exec;
use crate::plan::{self, Source};
use crate::plugin::Conn;
use crate::registry::{Outcome, Recorder};
use crate::report::{CleanReport, CleanStatus, SchemaApplyReport, SchemaApplyStatus, SchemaPlan};
use std::time::Duration;
use strata_dialect_api::InspectOptions;
use strata_policies::Finding;

/// Options of `schema apply`.
#[derive(Debug, Clone)]
pub struct SchemaApplyOptions {
    /// The database to change.
    pub url: String,
    /// The desired state.
    pub to: Source,
    /// `--dev-url`, when given (else the env's, else an embedded one for SQLite).
    pub dev_url: Option<String>,
    /// Plan, change nothing.
    pub dry_run: bool,
    /// Do not run pre-migration checks.
    pub skip_checks: bool,
    /// How long to wait for the migration lock.
    pub lock_timeout: Duration,
}

/// What the caller shows and decides while a `schema apply` runs: the plan
/// before the policies run on it, their findings, and whether to execute.
pub trait SchemaApplyUi {
    /// The plan, before the policies and anything else run.
    fn planned(&mut self, plan: &SchemaPlan);
    /// What the policies found in the plan.
    fn findings(&mut self, findings: &[Finding]);
    /// Whether to execute the plan (asked only when it may run).
    ///
    /// # Errors
    /// When no answer can be had.
    fn confirm(&mut self) -> Result<bool, Error>;
}

/// Runs `schema apply`. Refusals (policies, checks) and a failed execution
/// come back in the report (`status`, `error`); the run is recorded in the
/// deployment registry unless it is a dry run, was declined, or had nothing to do.
///
/// # Errors
/// The target, the dev database or the desired state cannot be read; the
/// lock; the registry cannot be opened or written.
pub fn schema_apply(
    cx: &Context,
    opts: &SchemaApplyOptions,
    ui: &mut dyn SchemaApplyUi,
) -> Result<SchemaApplyReport, Error> {
    let mut conn = plan::open(&cx.registry, &opts.url)?;
    // The migration lock, as migrate apply and down take it: planned and executed
    // against a state no other run changes meanwhile.
    exec::locked(&mut conn, opts.lock_timeout, |conn| apply_locked(cx, conn, opts, ui))
}

fn apply_locked(
    cx: &Context,
    conn: &mut Conn,
    opts: &SchemaApplyOptions,
    ui: &mut dyn SchemaApplyUi,
) -> Result<SchemaApplyReport, Error> {
    let mut dev = cx.dev_for(&opts.dev_url, &[&opts.to], Some(&opts.url))?;
    let desired = plan::load_state(&cx.registry, &opts.to, dev.as_mut())?;
    let current = plan::inspect_target(conn, &InspectOptions::default())?;
    let driver = conn.driver().clone();
    let plan = plan::plan(&driver, &current, &desired, &conn.plan_options(true))?;
    let mut report = SchemaApplyReport {
        driver: driver.name().to_string(),
        url: conn.url().redacted(),
        status: SchemaApplyStatus::Synced,
        planned: SchemaPlan::default(),
        findings: Vec::new(),
        error: None,
    };
    if plan.is_empty() {
        return Ok(report);
    }
    // What the plan destroys and whether the data allows it, read now to show
    // the user; the checks run again right before the statements they guard.
    let destructive = plan::destructions(conn, &plan);
    let (checks, failed) = if opts.skip_checks {
        (exec::skipped_checks(&plan.statements), None)
    } else {
        exec::run_checks(conn, &plan.statements)
    };
    report.planned = SchemaPlan { plan, destructive, checks, skip_checks: opts.skip_checks };
    ui.planned(&report.planned);
    let pending: Vec<String> = report.planned.pending().into_iter().map(String::from).collect();
    let recorder = if opts.dry_run {
        None
    } else {
        Some(Recorder::start(cx.ledger()?, cx.env.as_ref(), &cx.operator, "schema apply", "", &opts.url))
    };
    // The policies, on the plan, before anything runs.
    let policies = cx.policies()?;
    if policies.enforces() {
        let subject = strata_policies::Subject {
            dialect: driver.name().to_string(),
            transactional_ddl: driver.manifest.capabilities.transactional_ddl,
            ..strata_policies::Subject::default()
        };
        let findings =
            policies.enforce(&subject, &plan::plan_units(&report.planned.plan), "", "schema apply", "plan")?;
        ui.findings(&findings);
        report.findings = findings;
        if let Some(err) = super::denial(&report.findings, "the schema change") {
            if let Some(recorder) = &recorder {
                recorder.finish(Outcome {
                    statements: pending,
                    status: "REFUSED".into(),
                    error: Some(err.to_string()),
                    ..Outcome::default()
                })?;
            }
            report.status = SchemaApplyStatus::Denied;
            report.error = Some(err);
            return Ok(report);
        }
    }
    let checks = serde_json::to_value(&report.planned.checks).unwrap_or_default();
    let outcome = |status: &str, statements: Vec<String>, error: Option<String>| Outcome {
        statements,
        checks: checks.clone(),
        status: status.into(),
        error,
        ..Outcome::default()
    };
    if let Some(message) = failed {
        let err = exec::check_refusal(message);
        if let Some(recorder) = &recorder {
            recorder.finish(outcome("REFUSED", pending, Some(err.to_string())))?;
        }
        report.status = SchemaApplyStatus::ChecksFailed;
        report.error = Some(err);
        return Ok(report);
    }
    if opts.dry_run {
        report.status = SchemaApplyStatus::DryRun;
        return Ok(report);
    }
    if !ui.confirm()? {
        report.status = SchemaApplyStatus::Aborted;
        return Ok(report);
    }
    let result = exec::execute_guarded(conn, &report.planned.plan, !opts.skip_checks)
        .and_then(|()| confirm_synced(conn, &desired));
    if let Some(recorder) = &recorder {
        let (status, error) = match &result {
            Ok(()) => ("APPLIED", None),
            Err(e) => ("FAILED", Some(e.to_string())),
        };
        recorder.finish(outcome(status, pending, error))?;
    }
    match result {
        Ok(()) => report.status = SchemaApplyStatus::Applied,
        Err(e) => {
            report.status = SchemaApplyStatus::Failed;
            report.error = Some(e);
        }
    }
    Ok(report)
}

/// "ok" is a fact: after the apply, the database is inspected again and must
/// hold the desired schema.
fn confirm_synced(conn: &mut Conn, desired: &strata_dialect_api::Realm) -> Result<(), Error> {
    let after = plan::inspect_target(conn, &InspectOptions::default())?;
    let left = plan::diff(&conn.driver().clone(), &after, desired)?;
    if left.is_empty() {
        return Ok(());
    }
    let still: Vec<String> = left.iter().map(|c| c.describe()).collect();
    Err(Error::Failed(format!(
        "the apply reported success but the database does not hold the desired schema; still different: {}",
        still.join("; ")
    )))
}

/// Runs `schema clean`: drops every object in the scope of the database at
/// `url`, the revisions table included, once `confirm` (given the target's
/// masked URL) agreed.
///
/// # Errors
/// The database cannot be reached, inspected or cleaned; `confirm` fails.
pub fn schema_clean(
    cx: &Context,
    url: &str,
    confirm: &mut dyn FnMut(&str) -> Result<bool, Error>,
) -> Result<CleanReport, Error> {
    let mut conn = plan::open(&cx.registry, url)?;
    let realm = conn.inspect(&InspectOptions::default()).map_err(db(format!("inspecting {}", conn.url())))?;
    let mut report = CleanReport { status: CleanStatus::Empty, plan: strata_dialect_api::Plan::default() };
    if realm.is_empty() {
        return Ok(report);
    }
    if !confirm(&conn.url().to_string())? {
        report.status = CleanStatus::Aborted;
        return Ok(report);
    }
    report.plan = plan::clean_plan(&mut conn)?;
    exec::execute(&mut conn, &report.plan)?;
    report.status = CleanStatus::Dropped;
    Ok(report)
}
