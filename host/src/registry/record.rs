//! Recording a run in the deployment registry as it ends (`Recorder`), and
//! the two gates the registry holds before a run starts: promotion (the
//! version ran in an earlier env first) and approval (a reviewer approved
//! this exact plan), with the reviewers' decisions on plans (`decide`).

use std::time::{Instant, SystemTime};

use sha2::{Digest, Sha256};

use super::{Deployment, Ledger, Plan};
use crate::clock;
use crate::config::Env;
use crate::error::Error;

/// A run that changes a target, recorded when it ends.
pub struct Recorder {
    /// Opened before the run: a registry that cannot be written (or is newer
    /// than this binary) stops the run before anything executes.
    ledger: std::cell::RefCell<Ledger>,
    /// The target's version when the run started, once known: a run refused
    /// before it began is recorded at that version.
    before: std::cell::RefCell<String>,
    kind: &'static str,
    repo: String,
    /// The env's name (empty without one), as recorded.
    env: String,
    /// Who runs the command: recorded, and the author of a plan awaiting approval.
    operator: String,
    target: String,
    started: SystemTime,
    clock: Instant,
}

/// How a recorded run ended.
#[derive(Default)]
pub struct Outcome {
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
    /// Starts the clock of a `kind` run of `repo` against `url`, by
    /// `operator` in `env`, to be recorded in `ledger`.
    pub fn start(
        ledger: Ledger,
        env: Option<&Env>,
        operator: &str,
        kind: &'static str,
        repo: &str,
        url: &str,
    ) -> Recorder {
        Recorder {
            ledger: std::cell::RefCell::new(ledger),
            before: std::cell::RefCell::default(),
            kind,
            repo: repo.to_string(),
            env: env.map(|e| e.name.clone()).unwrap_or_default(),
            operator: operator.to_string(),
            target: identity(url),
            started: SystemTime::now(),
            clock: Instant::now(),
        }
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
    pub fn finish(&self, outcome: Outcome) -> Result<Deployment, Error> {
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
            env: self.env.clone(),
            target: self.target.clone(),
            version_before: outcome.before,
            version_after: outcome.after,
            plan_hash,
            statements: outcome.statements,
            checks: outcome.checks,
            status: outcome.status,
            error: outcome.error,
            operator: self.operator.clone(),
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
pub fn os_user() -> String {
    ["USER", "LOGNAME", "USERNAME"]
        .iter()
        .find_map(|k| std::env::var(k).ok().filter(|v| !v.is_empty()))
        .or_else(passwd_name)
        .or_else(|| {
            // Containers and CI runners often set none of them, and users may
            // come from a directory service /etc/passwd does not list.
            let out = std::process::Command::new("id").arg("-un").output().ok()?;
            let name = String::from_utf8(out.stdout).ok()?.trim().to_string();
            (out.status.success() && !name.is_empty()).then_some(name)
        })
        .unwrap_or_else(|| "unknown".into())
}

/// The name /etc/passwd gives this process's user: read, not asked of `id`,
/// whose start costs more than a whole warm `migrate down`'s planning.
fn passwd_name() -> Option<String> {
    use std::os::unix::fs::MetadataExt;
    let uid = std::fs::metadata("/proc/self").ok()?.uid().to_string();
    let passwd = std::fs::read_to_string("/etc/passwd").ok()?;
    passwd.lines().find_map(|line| {
        let mut fields = line.split(':');
        let name = fields.next()?;
        (fields.nth(1)? == uid && !name.is_empty()).then(|| name.to_string())
    })
}

/// An env's `approval { required = N, reviewers = [...] }`.
struct Approval {
    required: i64,
    reviewers: Vec<String>,
}

fn approval_of(env: &Env) -> Result<Option<Approval>, Error> {
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
pub struct Proposal {
    pub kind: &'static str,
    pub repo: String,
    pub version_before: String,
    pub statements: Vec<String>,
}

/// Whether the env requires approval (and the configuration is valid).
pub fn needs_approval(env: Option<&Env>) -> Result<bool, Error> {
    Ok(match env {
        Some(env) => approval_of(env)?.is_some(),
        None => false,
    })
}

/// The approval gate: returns the approved plan matching `proposal` (to mark
/// executed once it ran), or refuses with the id of the plan that awaits
/// approval, recorded in the registry. `None`: the env needs no approval.
pub fn approval_gate(env: Option<&Env>, recorder: &Recorder, proposal: Proposal) -> Result<Option<Plan>, Error> {
    let Some(env) = env else { return Ok(None) };
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
        author: recorder.operator.clone(),
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
pub fn executed(recorder: &Recorder, plan: Option<Plan>) -> Result<(), Error> {
    if let Some(mut plan) = plan {
        plan.status = "EXECUTED".into();
        recorder.ledger.borrow_mut().update_plan(&plan)?;
    }
    Ok(())
}

/// The env whose deployments gate this one's (`promotion { from = "ENV" }`), if any.
///
/// # Errors
/// A `from` that is not an env name.
pub fn promotion_from(env: Option<&Env>) -> Result<Option<&str>, Error> {
    let Some(env) = env else { return Ok(None) };
    let Some(from) = env.attrs.get("promotion").and_then(|p| p.get("from")) else { return Ok(None) };
    match from.as_str() {
        Some(from) => Ok(Some(from)),
        None => Err(Error::Usage(format!("env {:?}: promotion.from must be an env name (a string)", env.name))),
    }
}

/// Promotion: `version` of `repo` must have been applied successfully to
/// every target of env `from` first.
///
/// # Errors
/// A refusal naming the targets that lack it; a registry that cannot be read.
pub fn check_promotion(ledger: &mut Ledger, repo: &str, from: &str, version: &str) -> Result<(), Error> {
    match ledger.lacking(repo, from, version)? {
        None => Err(Error::Refused {
            message: format!(
                "promotion: version {version} of {repo:?} was never applied to env {from:?}: the registry has no deployment of it there"
            ),
            hint: Some(format!("apply it to every target of env {from:?} first (strata migrate apply --env {from})")),
        }),
        Some(missing) if missing.is_empty() => Ok(()),
        Some(missing) => Err(Error::Refused {
            message: format!(
                "promotion: version {version} of {repo:?} has not been applied successfully to every target of env {from:?}; missing on {}",
                missing.join(", ")
            ),
            hint: Some(format!("apply it to env {from:?} first (strata migrate apply --env {from})")),
        }),
    }
}

/// A reviewer's decision on a plan awaiting approval (`approve`, else
/// reject), kept on the plan and recorded in the audit chain.
///
/// # Errors
/// `who` is not a reviewer, is the plan's author, already approved it, or the
/// plan awaits no decision; the registry cannot be written.
pub fn decide(ledger: &mut Ledger, mut p: Plan, who: &str, approve: bool) -> Result<Plan, Error> {
    let refuse = |message: String| Err(Error::Refused { message, hint: None });
    if !p.reviewers.iter().any(|r| r == who) {
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
        if p.approvals.iter().any(|a| a == who) {
            return refuse(format!("{who} already approved plan {}", p.id));
        }
        p.approvals.push(who.to_string());
        if p.approvals.len() as i64 >= p.required {
            p.status = "APPROVED".into();
        }
    } else {
        p.status = "REJECTED".into();
        p.rejected_by = Some(who.to_string());
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
        operator: who.to_string(),
        started_at: clock::rfc3339(SystemTime::now()),
        finished_at: clock::rfc3339(SystemTime::now()),
        ..Deployment::default()
    })?;
    Ok(p)
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_passwd_name_is_the_one_id_prints() {
        let out = std::process::Command::new("id").arg("-un").output().unwrap();
        let id = String::from_utf8(out.stdout).unwrap().trim().to_string();
        assert_eq!(super::passwd_name().as_deref(), Some(id.as_str()));
    }
}
