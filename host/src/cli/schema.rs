//! `strata schema …`

use super::Ctx;
use crate::error::Error;
use crate::migrate::{self, SchemaApplyOptions, SchemaApplyUi};
use crate::plan::{self, Source};
use crate::report::{CleanStatus, SchemaApplyStatus, SchemaPlan};
use clap::Subcommand;
use serde_json::json;
use std::io::{BufRead, IsTerminal};
use std::time::Duration;
use strata_dialect_api::{InspectOptions, PlanOptions};

#[derive(Debug, Subcommand)]
pub enum SchemaCmd {
    /// Print the current schema as Atlas's schema HCL (default), SQL DDL
    /// (`--format sql`) or JSON (`--format json`).
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
        /// Output format: hcl (default), sql or json, or Atlas's templates
        /// '{{ hcl . }}', '{{ sql . }}' and '{{ json . }}'.
        // The same id as the global `--format`, which clap then does not add
        // here. The value found here also becomes the global one, which the
        // command line maps to its output mode: hence `inspect_format` gives
        // `text` (HCL), `sql` or `json`, all of which it accepts.
        #[arg(long, value_name = "FORMAT", value_parser = inspect_format)]
        format: Option<String>,
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
        SchemaCmd::Inspect { url, schemas, exclude, format } => inspect(ctx, url, schemas, exclude, format),
        SchemaCmd::Diff { from, to, dev_url } => diff(ctx, from, to, dev_url),
        SchemaCmd::Apply { .. } => apply(ctx, cmd),
        SchemaCmd::Clean { url, auto_approve } => clean(ctx, url, *auto_approve),
    }
}

/// The formats `schema inspect --format` accepts, as its error lists them.
const INSPECT_FORMATS: &str = "hcl (the default), sql, json, or Atlas's templates '{{ hcl . }}', '{{ sql . }}' and \
     '{{ json . }}'";

/// Reads `schema inspect --format`: a format name or one of Atlas's Go
/// templates (`{{ sql . }}`, spaces inside the braces free). Gives `text`
/// for HCL, `sql` or `json`.
fn inspect_format(value: &str) -> Result<String, String> {
    let trimmed = value.trim();
    let name = match trimmed.strip_prefix("{{").and_then(|t| t.strip_suffix("}}")) {
        Some(inner) => match inner.split_whitespace().collect::<Vec<_>>().as_slice() {
            [name, "."] => *name,
            _ => "",
        },
        None => trimmed,
    };
    match name {
        "hcl" => Ok("text".into()),
        "sql" | "json" => Ok(name.into()),
        _ if trimmed.starts_with("{{") => {
            Err(format!("unsupported template {value:?}: schema inspect prints {INSPECT_FORMATS}"))
        }
        _ => Err(format!("unknown format {value:?}: schema inspect prints {INSPECT_FORMATS}")),
    }
}

fn inspect(
    ctx: &Ctx,
    url: &Option<String>,
    schemas: &[String],
    exclude: &[String],
    format: &Option<String>,
) -> Result<i32, Error> {
    let url = ctx.url(url)?;
    let mut conn = plan::open(&ctx.registry, &url)?;
    let options = InspectOptions { schemas: schemas.to_vec(), exclude_tables: exclude.to_vec() };
    let realm = plan::inspect_target(&mut conn, &options)?;
    match format.as_deref() {
        Some("json") => ctx.out.print_json(&realm),
        _ if ctx.out.json() => ctx.out.print_json(&realm),
        Some("sql") => {
            let driver = conn.driver().clone();
            let empty = plan::empty_realm(&realm, conn.info());
            let plan = plan::plan(&driver, &empty, &realm, &conn.plan_options(false))?;
            crate::out!("{}", plan::plan_sql(&plan, true));
        }
        _ => crate::out!("{}", crate::schema_hcl::write(&realm, &conn.driver().manifest.name)),
    }
    Ok(0)
}

fn diff(ctx: &Ctx, from: &str, to: &str, dev_url: &Option<String>) -> Result<i32, Error> {
    let (from, to) = (Source::parse(from), Source::parse(to));
    let hint = [&from, &to].iter().find_map(|s| match s {
        Source::Url(u) => Some(u.clone()),
        Source::Files(_) => None,
    });
    let mut dev = ctx.dev_for(dev_url, &[&from, &to], hint.as_deref().or(Some("sqlite")))?;
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
    let opts = SchemaApplyOptions {
        url,
        to: Source::parse(&to),
        dev_url: dev_url.clone(),
        dry_run: *dry_run,
        skip_checks: *skip_checks,
        lock_timeout,
    };
    let mut report = migrate::schema_apply(ctx, &opts, &mut Prompt { ctx, auto_approve: *auto_approve })?;
    if report.status == SchemaApplyStatus::Aborted {
        crate::outln!("Aborted: nothing was changed.");
        return Ok(1);
    }
    if ctx.out.json() {
        ctx.out.print_json(&report);
    } else if report.status == SchemaApplyStatus::Synced {
        crate::outln!("Schema is synced, no changes to be made");
    }
    match report.error.take() {
        Some(err) => Err(err),
        None => Ok(0),
    }
}

/// Shows a `schema apply` plan and asks before it runs.
struct Prompt<'a> {
    ctx: &'a Ctx,
    auto_approve: bool,
}

impl SchemaApplyUi for Prompt<'_> {
    fn planned(&mut self, planned: &SchemaPlan) {
        if self.ctx.out.json() {
            return;
        }
        crate::outln!("-- Planned Changes:");
        crate::out!("{}", plan::plan_sql(&planned.plan, true));
        for d in &planned.destructive {
            crate::outln!("-- destructive: {d}");
        }
        if planned.skip_checks && !planned.checks.is_empty() {
            crate::outln!("-- pre-migration checks skipped (--skip-checks): the data above is destroyed");
        }
    }

    fn findings(&mut self, findings: &[strata_policies::Finding]) {
        super::lint::print_findings(self.ctx, findings);
    }

    fn confirm(&mut self) -> Result<bool, Error> {
        Ok(self.auto_approve || confirm("Apply these changes?")?)
    }
}

fn clean(ctx: &Ctx, url: &Option<String>, auto_approve: bool) -> Result<i32, Error> {
    let url = ctx.url(url)?;
    let mut ask = |target: &str| Ok(auto_approve || confirm(&format!("Drop every object in {target}?"))?);
    let report = migrate::schema_clean(ctx, &url, &mut ask)?;
    match report.status {
        CleanStatus::Aborted => {
            crate::outln!("Aborted: nothing was changed.");
            return Ok(1);
        }
        _ if ctx.out.json() => ctx.out.print_json(&report),
        CleanStatus::Empty => crate::outln!("Nothing to drop"),
        CleanStatus::Dropped => {
            crate::outln!("-- Dropped:");
            crate::out!("{}", plan::plan_sql(&report.plan, true));
        }
    }
    Ok(0)
}
