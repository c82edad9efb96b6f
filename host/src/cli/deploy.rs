//! The deployment registry on the command line: every run that changes a
//! target is recorded (`Recorder`), `strata deployments` lists and verifies
//! the records, promotion is enforced before `migrate apply` runs.

use std::time::{Instant, SystemTime};

use clap::Subcommand;
use serde_json::json;
use sha2::{Digest, Sha256};

use super::Ctx;
use crate::clock;
use crate::error::Error;
use crate::registry::{Deployment, Filter, Ledger};

#[derive(Debug, Subcommand)]
pub enum DeploymentsCmd {
    /// List the recorded deployments, oldest first (the default).
    List {
        /// Only deployments of this directory (its name in the registry).
        #[arg(long)]
        repo: Option<String>,
    },
    /// Walk the registry's hash chain; name the first record altered, removed
    /// or reordered (exit 1).
    Verify,
}

/// A run that changes a target, recorded when it ends.
pub(crate) struct Recorder {
    /// Opened before the run: a registry that cannot be written (or is newer
    /// than this binary) stops the run before anything executes.
    ledger: std::cell::RefCell<Ledger>,
    kind: &'static str,
    repo: String,
    target: String,
    started: SystemTime,
    clock: Instant,
}

/// How a recorded run ended.
#[derive(Default)]
pub(crate) struct Outcome {
    pub before: String,
    pub after: String,
    pub statements: Vec<String>,
    pub checks: serde_json::Value,
    /// `APPLIED`, `NOTHING_TO_DO`, `REFUSED` or `FAILED`.
    pub status: String,
    pub error: Option<String>,
}

impl Outcome {
    /// A run stopped by `err` before it changed anything (or after, for `Failed`).
    pub fn from_error(before: &str, err: &Error) -> Outcome {
        let status = match err {
            Error::Refused { .. } => "REFUSED",
            _ => "FAILED",
        };
        Outcome {
            before: before.to_string(),
            after: before.to_string(),
            status: status.into(),
            error: Some(strata_dialect_api::mask(&err.to_string())),
            ..Outcome::default()
        }
    }
}

impl Recorder {
    /// Opens the registry and starts the clock of a `kind` run of `repo` against `url`.
    pub fn start(ctx: &Ctx, kind: &'static str, repo: &str, url: &str) -> Result<Recorder, Error> {
        Ok(Recorder {
            ledger: std::cell::RefCell::new(ctx.ledger()?),
            kind,
            repo: repo.to_string(),
            target: identity(url),
            started: SystemTime::now(),
            clock: Instant::now(),
        })
    }
}

/// A target's identity in the registry: its URL without credentials, and a
/// SQLite file by its absolute path (the same file, whatever the working directory).
fn identity(url: &str) -> String {
    if let Some(rest) = url.strip_prefix("sqlite://") {
        let (path, query) = rest.split_once('?').map_or((rest, None), |(p, q)| (p, Some(q)));
        let memory = path.is_empty() || path == ":memory:" || query.is_some_and(|q| q.contains("mode=memory"));
        if !memory && let Ok(abs) = std::path::absolute(path) {
            return match query {
                Some(q) => format!("sqlite://{}?{q}", abs.display()),
                None => format!("sqlite://{}", abs.display()),
            };
        }
    }
    crate::plan::parse_url(url).map(|u| u.redacted()).unwrap_or_else(|_| strata_dialect_api::mask(url))
}

impl Recorder {
    /// Records the run. A deployment that happened but could not be recorded
    /// is an error: promotion reads the registry.
    pub fn finish(&self, ctx: &Ctx, outcome: Outcome) -> Result<Deployment, Error> {
        let plan_hash = {
            let mut h = Sha256::new();
            for s in &outcome.statements {
                h.update((s.len() as u64).to_le_bytes());
                h.update(s.as_bytes());
            }
            h.finalize().iter().map(|b| format!("{b:02x}")).collect()
        };
        let d = Deployment {
            kind: self.kind.into(),
            repo: self.repo.clone(),
            env: ctx.env.as_ref().map(|e| e.name.clone()).unwrap_or_default(),
            target: self.target.clone(),
            version_before: outcome.before,
            version_after: outcome.after,
            plan_hash,
            statements: outcome.statements,
            checks: outcome.checks,
            status: outcome.status,
            error: outcome.error,
            operator: ctx.operator.clone(),
            started_at: clock::rfc3339(self.started),
            finished_at: clock::rfc3339(SystemTime::now()),
            duration_ms: i64::try_from(self.clock.elapsed().as_millis()).unwrap_or(i64::MAX),
            ..Deployment::default()
        };
        self.ledger.borrow_mut().record(d).map_err(|e| {
            Error::Failed(format!("the run ended but recording it in the deployment registry failed: {e}"))
        })
    }
}

/// The OS user, for `operator` when `--operator` is not given.
pub(crate) fn os_user() -> String {
    ["USER", "LOGNAME", "USERNAME"]
        .iter()
        .find_map(|k| std::env::var(k).ok().filter(|v| !v.is_empty()))
        .or_else(|| {
            // Containers and CI runners often set none of them.
            let out = std::process::Command::new("id").arg("-un").output().ok()?;
            let name = String::from_utf8(out.stdout).ok()?.trim().to_string();
            (out.status.success() && !name.is_empty()).then_some(name)
        })
        .unwrap_or_else(|| "unknown".into())
}

/// `strata deployments [list|verify]`; `env` is the global `--env`, a filter here.
pub(crate) fn run(ctx: &Ctx, cmd: Option<&DeploymentsCmd>, env: Option<&str>) -> Result<i32, Error> {
    let mut ledger = ctx.ledger()?;
    match cmd {
        None => list(ctx, &mut ledger, &Filter { env: env.map(String::from), repo: None }),
        Some(DeploymentsCmd::List { repo }) => {
            list(ctx, &mut ledger, &Filter { env: env.map(String::from), repo: repo.clone() })
        }
        Some(DeploymentsCmd::Verify) => verify(ctx, &mut ledger),
    }
}

fn list(ctx: &Ctx, ledger: &mut Ledger, filter: &Filter) -> Result<i32, Error> {
    let records = ledger.list(filter)?;
    if ctx.out.json() {
        ctx.out.print_json(&records);
        return Ok(0);
    }
    if records.is_empty() {
        crate::outln!("No deployments recorded in {}", ledger.url());
        return Ok(0);
    }
    let dash = |s: &str| if s.is_empty() { "-".to_string() } else { s.to_string() };
    let rows: Vec<[String; 8]> = records
        .iter()
        .map(|d| {
            [
                d.seq.to_string(),
                d.finished_at.clone(),
                dash(&d.env),
                dash(&d.repo),
                d.kind.clone(),
                format!("{} -> {}", dash(&d.version_before), dash(&d.version_after)),
                d.status.clone(),
                format!("{} @ {}", d.operator, d.target),
            ]
        })
        .collect();
    let head = ["#", "finished", "env", "repo", "command", "versions", "status", "operator @ target"];
    let widths: Vec<usize> = (0..head.len())
        .map(|i| rows.iter().map(|r| r[i].chars().count()).max().unwrap_or(0).max(head[i].len()))
        .collect();
    let line = |cells: &[String]| {
        let parts: Vec<String> = cells.iter().zip(&widths).map(|(c, w)| format!("{c:<w$}")).collect();
        parts.join("  ").trim_end().to_string()
    };
    crate::outln!("{}", line(&head.map(String::from)));
    for (r, d) in rows.iter().zip(&records) {
        crate::outln!("{}", line(r));
        if let Some(e) = &d.error {
            crate::outln!("    error: {}", strata_dialect_api::mask(e));
        }
    }
    Ok(0)
}

fn verify(ctx: &Ctx, ledger: &mut Ledger) -> Result<i32, Error> {
    let (n, broken) = ledger.verify()?;
    if ctx.out.json() {
        ctx.out.print_json(&json!({ "Registry": ledger.url(), "Records": n, "Break": broken }));
    }
    match broken {
        None => {
            if !ctx.out.json() {
                crate::outln!(
                    "The deployment registry {} is intact: {n} record{} chained",
                    ledger.url(),
                    crate::report::plural(n)
                );
            }
            Ok(0)
        }
        Some(b) => Err(Error::Refused {
            message: format!("the deployment registry {} was tampered with: {}", ledger.url(), b.problem),
            hint: Some(format!("records from {} on cannot be trusted; restore the registry from a backup", b.seq)),
        }),
    }
}
