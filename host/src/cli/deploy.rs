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
use crate::registry::{Deployment, Filter, Ledger, Plan};

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
    /// The target's version when the run started, once known: a run refused
    /// before it began is recorded at that version.
    before: std::cell::RefCell<String>,
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
            before: std::cell::RefCell::default(),
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
    /// Sets the version the target was at when the run started.
    pub fn set_before(&self, version: &str) {
        *self.before.borrow_mut() = version.to_string();
    }

    /// The version the target was at when the run started, if known.
    pub fn before(&self) -> String {
        self.before.borrow().clone()
    }

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

#[derive(Debug, Subcommand)]
pub enum PlanCmd {
    /// List recorded plans (`--env` filters).
    List,
    /// Print a plan's statements and approvals.
    Show {
        /// The plan's id.
        id: String,
    },
    /// Approve a plan (as `--operator`, else the OS user): a listed reviewer
    /// who is not its author.
    Approve {
        /// The plan's id.
        id: String,
    },
    /// Reject a plan: it never runs.
    Reject {
        /// The plan's id.
        id: String,
    },
}

/// An env's `approval { required = N, reviewers = [...] }`.
struct Approval {
    required: i64,
    reviewers: Vec<String>,
}

fn approval_of(env: &crate::config::Env) -> Result<Option<Approval>, Error> {
    let Some(block) = env.attrs.get("approval") else { return Ok(None) };
    let at = env.location("approval").map(|l| format!("{l}: ")).unwrap_or_default();
    let reviewers: Vec<String> = match block.get("reviewers") {
        Some(serde_json::Value::Array(items)) => items.iter().filter_map(|v| v.as_str().map(String::from)).collect(),
        _ => Vec::new(),
    };
    if reviewers.is_empty() {
        return Err(Error::Usage(format!("{at}approval block needs reviewers = [\"name\", ...]")));
    }
    let required = match block.get("required") {
        None => 1,
        Some(v) => v.as_i64().filter(|n| *n >= 1).ok_or_else(|| {
            Error::Usage(format!("{at}approval.required must be a whole number of at least 1, got {v}"))
        })?,
    };
    if required > reviewers.len() as i64 {
        return Err(Error::Usage(format!(
            "{at}approval.required is {required} but only {} reviewer{} listed",
            reviewers.len(),
            if reviewers.len() == 1 { " is" } else { "s are" }
        )));
    }
    Ok(Some(Approval { required, reviewers }))
}

/// What a gated run is about to execute.
pub(crate) struct Proposal {
    pub kind: &'static str,
    pub repo: String,
    pub version_before: String,
    pub statements: Vec<String>,
}

/// Whether the env requires approval (and the configuration is valid).
pub(crate) fn needs_approval(ctx: &Ctx) -> Result<bool, Error> {
    Ok(match ctx.env.as_ref() {
        Some(env) => approval_of(env)?.is_some(),
        None => false,
    })
}

/// The approval gate: returns the approved plan matching `proposal` (to mark
/// executed once it ran), or refuses with the id of the plan that awaits
/// approval, recorded in the registry. `None`: the env needs no approval.
pub(crate) fn approval_gate(ctx: &Ctx, recorder: &Recorder, proposal: Proposal) -> Result<Option<Plan>, Error> {
    let Some(env) = ctx.env.as_ref() else { return Ok(None) };
    let Some(approval) = approval_of(env)? else { return Ok(None) };
    let hash = {
        let mut h = Sha256::new();
        for part in [proposal.kind, &recorder.target, &proposal.version_before] {
            h.update((part.len() as u64).to_le_bytes());
            h.update(part.as_bytes());
        }
        for s in &proposal.statements {
            h.update((s.len() as u64).to_le_bytes());
            h.update(s.as_bytes());
        }
        h.finalize().iter().map(|b| format!("{b:02x}")).collect::<String>()
    };
    let mut ledger = recorder.ledger.borrow_mut();
    let plans = ledger.plans(Some(&env.name), Some(&recorder.target))?;
    let same: Vec<&Plan> = plans.iter().filter(|p| p.kind == proposal.kind && p.hash == hash).collect();
    if let Some(p) = same.iter().find(|p| p.status == "APPROVED") {
        return Ok(Some((*p).clone()));
    }
    if let Some(p) = same.iter().find(|p| p.status == "PENDING") {
        return Err(awaiting(p, String::new()));
    }
    let mut notes = Vec::new();
    if let Some(p) = same.iter().rev().find(|p| p.status == "REJECTED") {
        notes.push(format!("plan {} was rejected by {}; ", p.id, p.rejected_by.as_deref().unwrap_or("a reviewer")));
    }
    // An approval is for one exact plan: once the database or the directory
    // changed, it no longer applies.
    for old in plans.iter().filter(|p| p.kind == proposal.kind && p.status == "APPROVED") {
        let mut stale = old.clone();
        stale.status = "STALE".into();
        ledger.update_plan(&stale)?;
        notes.push(format!(
            "the approved plan {} no longer applies: the database or the migration directory changed since it was approved; ",
            old.id
        ));
    }
    let created_at = clock::rfc3339(SystemTime::now());
    let id: String = Sha256::digest(format!("{hash}\n{}\n{created_at}", recorder.target).as_bytes())
        .iter()
        .take(5)
        .map(|b| format!("{b:02x}"))
        .collect();
    let plan = Plan {
        id,
        kind: proposal.kind.into(),
        repo: proposal.repo,
        env: env.name.clone(),
        target: recorder.target.clone(),
        hash,
        version_before: proposal.version_before,
        statements: proposal.statements,
        author: ctx.operator.clone(),
        created_at,
        required: approval.required,
        reviewers: approval.reviewers,
        approvals: Vec::new(),
        status: "PENDING".into(),
        rejected_by: None,
    };
    ledger.add_plan(&plan)?;
    Err(awaiting(&plan, notes.concat()))
}

fn awaiting(plan: &Plan, prefix: String) -> Error {
    Error::Refused {
        message: format!("{prefix}plan {} awaits approval ({} of {})", plan.id, plan.approvals.len(), plan.required),
        hint: Some(format!(
            "review it with `strata plan show {id}`; a listed reviewer other than {} approves it with `strata plan approve {id} --operator NAME`, then run the same command again",
            plan.author,
            id = plan.id
        )),
    }
}

/// Marks an approved plan as executed: it is not run twice.
pub(crate) fn executed(recorder: &Recorder, plan: Option<Plan>) -> Result<(), Error> {
    if let Some(mut plan) = plan {
        plan.status = "EXECUTED".into();
        recorder.ledger.borrow_mut().update_plan(&plan)?;
    }
    Ok(())
}

/// `strata plan list|show|approve|reject`.
pub(crate) fn plan_cmd(ctx: &Ctx, cmd: &PlanCmd, env: Option<&str>) -> Result<i32, Error> {
    let mut ledger = ctx.ledger()?;
    let get = |ledger: &mut Ledger, id: &str| -> Result<Plan, Error> {
        ledger
            .plan(id)?
            .ok_or_else(|| Error::Usage(format!("no plan {id:?} in the deployment registry {}", ledger.url())))
    };
    match cmd {
        PlanCmd::List => {
            let plans = ledger.plans(env, None)?;
            if ctx.out.json() {
                ctx.out.print_json(&plans);
            } else if plans.is_empty() {
                crate::outln!("No plans recorded in {}", ledger.url());
            } else {
                for p in &plans {
                    crate::outln!(
                        "{}  {:<8}  {}  {}  {} ({} of {})  by {}  {}",
                        p.id,
                        p.status,
                        p.env,
                        p.kind,
                        p.target,
                        p.approvals.len(),
                        p.required,
                        p.author,
                        p.created_at
                    );
                }
            }
            Ok(0)
        }
        PlanCmd::Show { id } => {
            let p = get(&mut ledger, id)?;
            if ctx.out.json() {
                ctx.out.print_json(&p);
                return Ok(0);
            }
            crate::outln!("plan {} ({}): {} of {:?} on env {:?}, {}", p.id, p.status, p.kind, p.repo, p.env, p.target);
            crate::outln!(
                "  by {} at {}; approvals {} of {}: {}",
                p.author,
                p.created_at,
                p.approvals.len(),
                p.required,
                if p.approvals.is_empty() { "none yet".to_string() } else { p.approvals.join(", ") }
            );
            crate::outln!("  reviewers: {}", p.reviewers.join(", "));
            for s in &p.statements {
                crate::outln!("{}", s.trim_end());
            }
            Ok(0)
        }
        PlanCmd::Approve { id } | PlanCmd::Reject { id } => {
            let approve = matches!(cmd, PlanCmd::Approve { .. });
            let mut p = get(&mut ledger, id)?;
            let who = ctx.operator.clone();
            let refuse = |message: String| Err(Error::Refused { message, hint: None });
            if !p.reviewers.contains(&who) {
                return refuse(format!(
                    "{who} is not a reviewer of plan {} (reviewers: {}); pass --operator NAME",
                    p.id,
                    p.reviewers.join(", ")
                ));
            }
            if who == p.author {
                return refuse(format!("{who} is the author of plan {}: another reviewer must decide on it", p.id));
            }
            if p.status != "PENDING" {
                return refuse(format!("plan {} is {}, not awaiting approval", p.id, p.status.to_lowercase()));
            }
            if approve {
                if p.approvals.contains(&who) {
                    return refuse(format!("{who} already approved plan {}", p.id));
                }
                p.approvals.push(who.clone());
                if p.approvals.len() as i64 >= p.required {
                    p.status = "APPROVED".into();
                }
            } else {
                p.status = "REJECTED".into();
                p.rejected_by = Some(who.clone());
            }
            ledger.update_plan(&p)?;
            // The decision joins the audit chain.
            ledger.record(Deployment {
                kind: if approve { "plan approve" } else { "plan reject" }.into(),
                repo: p.repo.clone(),
                env: p.env.clone(),
                target: p.target.clone(),
                version_before: p.version_before.clone(),
                version_after: p.version_before.clone(),
                plan_hash: p.hash.clone(),
                checks: serde_json::Value::Null,
                status: p.status.clone(),
                operator: who.clone(),
                started_at: clock::rfc3339(SystemTime::now()),
                finished_at: clock::rfc3339(SystemTime::now()),
                ..Deployment::default()
            })?;
            if ctx.out.json() {
                ctx.out.print_json(&p);
            } else if approve {
                crate::outln!(
                    "{who} approved plan {} ({} of {}): {}",
                    p.id,
                    p.approvals.len(),
                    p.required,
                    p.status.to_lowercase()
                );
            } else {
                crate::outln!("{who} rejected plan {}: it will not run", p.id);
            }
            Ok(0)
        }
    }
}
