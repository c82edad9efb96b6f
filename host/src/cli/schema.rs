//! `strata schema …`

use super::Ctx;
use crate::error::{Error, db};
use crate::exec;
use crate::plan::{self, DevDb, Source};
use crate::plugin::Conn;
use crate::registry::{Outcome, Recorder};
use clap::Subcommand;
use serde_json::json;
use std::io::{BufRead, IsTerminal};
use std::time::Duration;
use strata_dialect_api::{InspectOptions, PlanOptions};

#[derive(Debug, Subcommand)]
pub enum SchemaCmd {
    /// Print the current schema as SQL DDL (default) or JSON (`--format json`).
    Inspect {
        /// The database to inspect.
        #[arg(short = 'u', long)]
        url: Option<String>,
        /// Only these schemas.
        #[arg(short = 's', long = "schema")]
        schemas: Vec<String>,
        /// Leave out these tables.
        #[arg(long)]
        exclude: Vec<String>,
    },
    /// Print the SQL that turns `--from` into `--to`.
    Diff {
        /// The current state: a URL or file://schema.sql.
        #[arg(long)]
        from: String,
        /// The desired state: a URL or file://schema.sql.
        #[arg(long)]
        to: String,
        /// An empty database to normalize SQL files on.
        #[arg(long)]
        dev_url: Option<String>,
    },
    /// Bring a database to the desired schema.
    Apply {
        /// The database to change.
        #[arg(short = 'u', long)]
        url: Option<String>,
        /// The desired state: file://schema.sql (or a URL).
        #[arg(long)]
        to: Option<String>,
        /// An empty database to normalize SQL files on.
        #[arg(long)]
        dev_url: Option<String>,
        /// Print the plan, change nothing.
        #[arg(long, conflicts_with = "auto_approve")]
        dry_run: bool,
        /// Apply without asking.
        #[arg(long)]
        auto_approve: bool,
        /// How long to wait for the migration lock (a Go duration: 10s, 500ms, 1m30s, 0).
        #[arg(long, value_name = "DURATION", value_parser = super::migrate::lock_timeout_arg)]
        lock_timeout: Option<String>,
        /// Do not run pre-migration checks: allows destroying data (a dropped
        /// column or table that still holds rows).
        #[arg(long)]
        skip_checks: bool,
    },
    /// Drop every object in the database's scope, the revisions table included.
    Clean {
        /// The database to clean.
        #[arg(short = 'u', long)]
        url: Option<String>,
        /// Clean without asking.
        #[arg(long)]
        auto_approve: bool,
    },
}

pub fn run(ctx: &Ctx, cmd: &SchemaCmd) -> Result<i32, Error> {
    match cmd {
        SchemaCmd::Inspect { url, schemas, exclude } => inspect(ctx, url, schemas, exclude),
        SchemaCmd::Diff { from, to, dev_url } => diff(ctx, from, to, dev_url),
        SchemaCmd::Apply { .. } => apply(ctx, cmd),
        SchemaCmd::Clean { url, auto_approve } => clean(ctx, url, *auto_approve),
    }
}

fn inspect(ctx: &Ctx, url: &Option<String>, schemas: &[String], exclude: &[String]) -> Result<i32, Error> {
    let url = ctx.url(url)?;
    let mut conn = plan::open(&ctx.registry, &url)?;
    let options = InspectOptions { schemas: schemas.to_vec(), exclude_tables: exclude.to_vec() };
    let realm = plan::inspect_target(&mut conn, &options)?;
    if ctx.out.json() {
        ctx.out.print_json(&realm);
        return Ok(0);
    }
    let driver = conn.driver().clone();
    let plan = plan::plan(&driver, &plan::empty_realm(&realm, conn.info()), &realm, &conn.plan_options(false))?;
    crate::out!("{}", plan::plan_sql(&plan, true));
    Ok(0)
}

/// Opens the dev database a source needs (files only).
fn dev_for(ctx: &Ctx, flag: &Option<String>, sources: &[&Source], hint: Option<&str>) -> Result<Option<DevDb>, Error> {
    if !sources.iter().any(|s| matches!(s, Source::Files(_))) {
        return Ok(None);
    }
    let dev = ctx.dev(flag, hint)?;
    DevDb::open(&ctx.registry, &dev).map(Some)
}

fn diff(ctx: &Ctx, from: &str, to: &str, dev_url: &Option<String>) -> Result<i32, Error> {
    let (from, to) = (Source::parse(from), Source::parse(to));
    let hint = [&from, &to].iter().find_map(|s| match s {
        Source::Url(u) => Some(u.clone()),
        Source::Files(_) => None,
    });
    let mut dev = dev_for(ctx, dev_url, &[&from, &to], hint.as_deref().or(Some("sqlite")))?;
    let driver = match (&dev, &hint) {
        (Some(d), _) => d.driver().clone(),
        (None, Some(u)) => ctx.registry.driver_for(&plan::parse_url(u)?)?.clone(),
        (None, None) => return Err(Error::Usage("schema diff needs at least one URL or a --dev-url".into())),
    };
    let (from_realm, to_realm) = match (&from, &to) {
        // Two live databases: inspect them at the same time (calls into a plugin block).
        (Source::Url(_), Source::Url(_)) => std::thread::scope(|scope| {
            let from_job = scope.spawn(|| plan::load_state(&ctx.registry, &from, None));
            let to_realm = plan::load_state(&ctx.registry, &to, None);
            let from_realm = from_job
                .join()
                .unwrap_or_else(|_| Err(Error::Failed("internal logic error: inspecting --from panicked".into())));
            (from_realm, to_realm)
        }),
        _ => {
            let from_realm = plan::load_state(&ctx.registry, &from, dev.as_mut());
            (from_realm, plan::load_state(&ctx.registry, &to, dev.as_mut()))
        }
    };
    let (from_realm, to_realm) = (from_realm?, to_realm?);
    let plan = plan::plan(&driver, &from_realm, &to_realm, &PlanOptions::default())?;
    if ctx.out.json() {
        ctx.out.print_json(
            &json!({ "Changes": plan.statements.iter().map(|s| &s.sql).collect::<Vec<_>>(), "Plan": plan }),
        );
    } else if plan.is_empty() {
        crate::outln!("Schemas are synced, no changes to be made.");
    } else {
        crate::out!("{}", plan::plan_sql(&plan, true));
    }
    Ok(0)
}

fn confirm(question: &str) -> Result<bool, Error> {
    if !std::io::stdin().is_terminal() {
        return Err(Error::Usage(
            "refusing to change the database without confirmation: stdin is not a terminal; pass --auto-approve (or --dry-run)".into(),
        ));
    }
    crate::out!("{question} [y/N]: ");
    crate::report::flush_stdout();
    let mut answer = String::new();
    std::io::stdin().lock().read_line(&mut answer).map_err(|e| Error::Usage(format!("reading the answer: {e}")))?;
    Ok(matches!(answer.trim(), "y" | "Y" | "yes"))
}

fn apply(ctx: &Ctx, cmd: &SchemaCmd) -> Result<i32, Error> {
    let SchemaCmd::Apply { url, to, dev_url, dry_run, auto_approve, skip_checks, lock_timeout } = cmd else {
        return Ok(2);
    };
    // Checked by clap already; 10s is Atlas's default, as for migrate apply.
    let lock_timeout = match lock_timeout {
        Some(t) => super::migrate::go_duration(t).map_err(Error::Usage)?,
        None => Duration::from_secs(10),
    };
    let url = ctx.url(url)?;
    let to = to
        .clone()
        .or_else(|| ctx.env.as_ref().and_then(|e| e.src.first().cloned()))
        .ok_or_else(|| Error::Usage("required flag \"to\" not set (pass --to file://schema.sql)".into()))?;
    let to = Source::parse(&to);
    let mut conn = plan::open(&ctx.registry, &url)?;
    let flags = (*dry_run, *auto_approve, *skip_checks);
    // The migration lock, as migrate apply and down take it: planned and executed
    // against a state no other run changes meanwhile.
    exec::locked(&mut conn, lock_timeout, |conn| apply_locked(ctx, conn, &url, &to, dev_url, flags))
}

fn apply_locked(
    ctx: &Ctx,
    conn: &mut Conn,
    url: &str,
    to: &Source,
    dev_url: &Option<String>,
    (dry_run, auto_approve, skip_checks): (bool, bool, bool),
) -> Result<i32, Error> {
    let mut dev = dev_for(ctx, dev_url, &[to], Some(url))?;
    let desired = plan::load_state(&ctx.registry, to, dev.as_mut())?;
    let current = plan::inspect_target(conn, &InspectOptions::default())?;
    let driver = conn.driver().clone();
    let plan = plan::plan(&driver, &current, &desired, &conn.plan_options(true))?;
    let pending: Vec<&str> = plan.statements.iter().map(|s| s.sql.as_str()).collect();
    let (driver_name, redacted) = (driver.name().to_string(), conn.url().redacted());
    if plan.is_empty() {
        if ctx.out.json() {
            ctx.out.print_json(&json!({ "Driver": driver_name, "URL": redacted, "Changes": {} }));
        } else {
            crate::outln!("Schema is synced, no changes to be made");
        }
        return Ok(0);
    }
    // What the plan destroys and whether the data allows it, read now to show
    // the user; the checks run again right before the statements they guard.
    let destroys = plan::destructions(conn, &plan);
    let (checks, failed) = if skip_checks {
        (exec::skipped_checks(&plan.statements), None)
    } else {
        exec::run_checks(conn, &plan.statements)
    };
    if !ctx.out.json() {
        crate::outln!("-- Planned Changes:");
        crate::out!("{}", plan::plan_sql(&plan, true));
        for d in &destroys {
            crate::outln!("-- destructive: {d}");
        }
        if skip_checks && !checks.is_empty() {
            crate::outln!("-- pre-migration checks skipped (--skip-checks): the data above is destroyed");
        }
    }
    let report = |applied: &[&str], error: Option<String>| {
        json!({
            "Driver": driver_name, "URL": redacted,
            "Changes": { "Applied": applied, "Pending": pending, "Error": error },
            "Destructive": destroys, "Checks": checks,
        })
    };
    let recorder = (!dry_run)
        .then(|| ctx.ledger().map(|l| Recorder::start(l, ctx.env.as_ref(), &ctx.operator, "schema apply", "", url)))
        .transpose()?;
    // The policies, on the plan, before anything runs.
    let policies = ctx.policies()?;
    if policies.enforces() {
        let subject = strata_policies::Subject {
            dialect: driver.name().to_string(),
            transactional_ddl: driver.manifest.capabilities.transactional_ddl,
            ..strata_policies::Subject::default()
        };
        let findings = policies.enforce(&subject, &plan::plan_units(&plan), "", "schema apply", "plan")?;
        super::lint::print_findings(ctx, &findings);
        if let Some(err) = crate::migrate::denial(&findings, "the schema change") {
            if ctx.out.json() {
                ctx.out.print_json(&json!({
                    "Driver": driver_name, "URL": redacted, "Changes": { "Pending": pending, "Error": err.to_string() },
                    "Findings": findings,
                }));
            }
            if let Some(recorder) = &recorder {
                recorder.finish(Outcome {
                    statements: pending.iter().map(|s| s.to_string()).collect(),
                    status: "REFUSED".into(),
                    error: Some(err.to_string()),
                    ..Outcome::default()
                })?;
            }
            return Err(err);
        }
    }
    let outcome = |status: &str, statements: Vec<String>, error: Option<String>| Outcome {
        statements,
        checks: serde_json::to_value(&checks).unwrap_or_default(),
        status: status.into(),
        error,
        ..Outcome::default()
    };
    if let Some(message) = failed {
        let err = exec::check_refusal(message);
        if ctx.out.json() {
            ctx.out.print_json(&report(&[], Some(err.to_string())));
        }
        if let Some(recorder) = &recorder {
            let planned = pending.iter().map(|s| s.to_string()).collect();
            recorder.finish(outcome("REFUSED", planned, Some(err.to_string())))?;
        }
        return Err(err);
    }
    if dry_run {
        if ctx.out.json() {
            ctx.out.print_json(&json!({
                "Driver": driver_name, "URL": redacted, "Changes": { "Pending": pending },
                "Destructive": destroys, "Checks": checks,
            }));
        }
        return Ok(0);
    }
    if !auto_approve && !confirm("Apply these changes?")? {
        crate::outln!("Aborted: nothing was changed.");
        return Ok(1);
    }
    let result = exec::execute_guarded(conn, &plan, !skip_checks).and_then(|()| confirm_synced(conn, &desired));
    if let Some(recorder) = &recorder {
        let (status, error) = match &result {
            Ok(()) => ("APPLIED", None),
            Err(e) => ("FAILED", Some(e.to_string())),
        };
        recorder.finish(outcome(status, pending.iter().map(|s| s.to_string()).collect(), error))?;
    }
    if ctx.out.json() {
        let error = result.as_ref().err().map(ToString::to_string);
        let applied: Vec<&str> = if result.is_ok() { pending.clone() } else { Vec::new() };
        ctx.out.print_json(&report(&applied, error));
    }
    result.map(|()| 0)
}

fn clean(ctx: &Ctx, url: &Option<String>, auto_approve: bool) -> Result<i32, Error> {
    let url = ctx.url(url)?;
    let mut conn = plan::open(&ctx.registry, &url)?;
    let realm = conn.inspect(&InspectOptions::default()).map_err(db(format!("inspecting {}", conn.url())))?;
    if realm.is_empty() {
        if ctx.out.json() {
            ctx.out.print_json(&json!({ "Dropped": [] }));
        } else {
            crate::outln!("Nothing to drop");
        }
        return Ok(0);
    }
    if !auto_approve && !confirm(&format!("Drop every object in {}?", conn.url()))? {
        crate::outln!("Aborted: nothing was changed.");
        return Ok(1);
    }
    let plan = plan::clean_plan(&mut conn)?;
    exec::execute(&mut conn, &plan)?;
    if ctx.out.json() {
        ctx.out.print_json(&json!({ "Dropped": plan.statements.iter().map(|s| &s.sql).collect::<Vec<_>>() }));
    } else {
        crate::outln!("-- Dropped:");
        crate::out!("{}", plan::plan_sql(&plan, true));
    }
    Ok(0)
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
