//! `migrate apply` and `migrate down` whole, as the command line runs them:
//! config → plan → policies → exec → report, with the deployment registry
//! around the run (recorded when it ends, promotion and approval before it
//! starts). The caller prints what comes back.

use std::time::{Duration, Instant};

use serde_json::json;
use strata_policies::Finding;

use super::{ApplyOptions, ApplyReport, Context, DownReport, DownWith};
use crate::dir::{Dir, File};
use crate::error::Error;
use crate::exec::{self, Progress};
use crate::plan::{self, DevDb, DownOptions, StateCache};
use crate::plugin::Conn;
use crate::registry::{self, Ledger, Outcome, Proposal, Recorder};
use crate::revisions::RevisionStore;

/// What a pipeline reports besides the run's own report.
pub struct Ran<T> {
    /// The run's report.
    pub report: T,
    /// How long the run took, from planning to the last statement.
    pub elapsed: Duration,
}

/// Runs `migrate apply` of `dir` against `url`: records the run in the
/// deployment registry (unless a dry run), holds it to promotion, the
/// policies and approval, then applies. Progress goes to `progress`, the
/// policies' findings to `findings` as they are found, before anything runs.
///
/// # Errors
/// A run refused or stopped before it began (recorded as such); see
/// [`super::apply`]. A failure midway is in the report's `error`.
#[allow(clippy::too_many_arguments)]
pub fn run_apply(
    cx: &Context,
    opened: Opened,
    dir: &Dir,
    url: &str,
    repo: &str,
    opts: &ApplyOptions,
    progress: &mut dyn Progress,
    findings: &mut dyn FnMut(&[Finding]),
) -> Result<Ran<ApplyReport>, Error> {
    let (recorder, conn) = opened.start(cx, "migrate apply", repo, url);
    // A target that cannot be reached is a failed deployment too.
    let mut conn = match conn {
        Ok(conn) => conn,
        Err(e) => return failed_before(recorder.as_ref(), e),
    };
    if let Some(recorder) = recorder.as_ref() {
        let (applied, _) = pending(&mut conn, dir, opts).or_else(|e| refused(recorder, e))?;
        let current = applied.last().cloned().unwrap_or_default();
        recorder.set_before(&current);
        promotion_check(cx, &mut conn, dir, opts, repo).or_else(|e| refused(recorder, e))?;
    }
    crate::trace::mark("apply: pending files and promotion read");
    let denied = apply_policies(cx, &mut conn, dir, opts, url, findings);
    crate::trace::mark("apply: policies");
    match (denied, recorder.as_ref()) {
        (Err(e), Some(recorder)) => return refused(recorder, e),
        (Err(e), None) => return Err(e),
        (Ok(()), _) => {}
    }
    let gated = recorder.is_some() && registry::needs_approval(cx.env.as_ref())?;
    let approved = match recorder.as_ref().filter(|_| gated) {
        Some(recorder) => {
            let (applied, files) = pending(&mut conn, dir, opts)?;
            let current = applied.last().cloned().unwrap_or_default();
            let proposal = Proposal {
                kind: "migrate apply",
                repo: repo.to_string(),
                version_before: current,
                statements: files
                    .iter()
                    .map(|f| format!("-- {}\n{}", f.name(), String::from_utf8_lossy(f.bytes())))
                    .collect(),
            };
            // Nothing to run needs nobody's approval.
            if proposal.statements.is_empty() {
                None
            } else {
                registry::approval_gate(cx.env.as_ref(), recorder, proposal).or_else(|e| refused(recorder, e))?
            }
        }
        None => None,
    };
    let started = Instant::now();
    let result = super::apply(&cx.registry, &mut conn, dir, opts, progress);
    crate::trace::mark("apply: applied");
    let report = close_while(conn, || record(recorder.as_ref(), result, apply_outcome))?;
    if let Some(recorder) = &recorder
        && report.error.is_none()
    {
        registry::executed(recorder, approved)?;
    }
    crate::trace::mark("apply: recorded in the deployment registry");
    Ok(Ran { report, elapsed: started.elapsed() })
}

/// Runs `migrate down` of `dir` against `url`, computing states on `dev_url`:
/// records the run in the deployment registry (unless a dry run) and, where
/// the env requires approval, has the plan a dry run computes approved first.
///
/// # Errors
/// A run refused before it began (recorded as such); see [`super::down`].
/// Refusals found while planning (drift, a failed check) are in the report.
#[allow(clippy::too_many_arguments)]
pub fn run_down(
    cx: &Context,
    opened: Opened,
    dir: &Dir,
    url: &str,
    dev_url: &str,
    repo: &str,
    opts: &DownOptions,
    progress: &mut dyn Progress,
) -> Result<Ran<DownReport>, Error> {
    let (recorder, conn) = opened.start(cx, "migrate down", repo, url);
    let mut conn = match conn {
        Ok(conn) => conn,
        Err(e) => return failed_before(recorder.as_ref(), e),
    };
    let started = Instant::now();
    let cache = StateCache::from_env();
    let policies = cx.policies()?;
    let with = DownWith { registry: &cx.registry, dev_url, cache: &cache, policies: &policies };
    let gated = recorder.is_some() && registry::needs_approval(cx.env.as_ref())?;
    let approved = match recorder.as_ref().filter(|_| gated) {
        Some(recorder) => {
            // The plan a reviewer approves is the one this run computes: a dry run first.
            let preview = DownOptions { dry_run: true, ..opts.clone() };
            let plan = super::down(&with, &mut conn, dir, &preview, &mut exec::Quiet)?;
            recorder.set_before(&plan.current);
            let proposal = Proposal {
                kind: "migrate down",
                repo: repo.to_string(),
                version_before: plan.current.clone(),
                statements: plan.planned.iter().map(|p| format!("-- {}\n{}", p.name, p.content)).collect(),
            };
            if plan.status == "DRY_RUN" {
                registry::approval_gate(cx.env.as_ref(), recorder, proposal).or_else(|e| refused(recorder, e))?
            } else {
                None
            }
        }
        None => None,
    };
    let result = super::down(&with, &mut conn, dir, opts, progress);
    let report = close_while(conn, || record(recorder.as_ref(), result, down_outcome))?;
    if let Some(recorder) = &recorder
        && report.status == "APPLIED"
    {
        registry::executed(recorder, approved)?;
    }
    crate::trace::mark("down: recorded in the deployment registry");
    Ok(Ran { report, elapsed: started.elapsed() })
}

/// Closes the target on another thread while `f` (recording the run in the
/// registry) runs on this one: a run is over once it is confirmed, closing a
/// SQLite file frees its whole parsed schema (a millisecond on 300 tables)
/// and a record waits on the disk.
fn close_while<T>(conn: Conn, f: impl FnOnce() -> T) -> T {
    std::thread::scope(|s| {
        s.spawn(move || drop(conn));
        f()
    })
}

/// What a run opens before it plans: the deployment registry (for a run that
/// changes the target) and the target.
pub struct Opened {
    ledger: Option<Ledger>,
    /// The target, or why it could not be reached: that is a failed
    /// deployment, recorded once the run knows what it is.
    conn: Result<Conn, Error>,
}

impl Opened {
    /// Starts recording the run (when it changes the target) and hands over
    /// the target.
    fn start(self, cx: &Context, kind: &'static str, repo: &str, url: &str) -> (Option<Recorder>, Result<Conn, Error>) {
        let recorder = self.ledger.map(|l| Recorder::start(l, cx.env.as_ref(), &cx.operator, kind, repo, url));
        (recorder, self.conn)
    }
}

/// Opens the target on another thread while `meanwhile` (reading the
/// directory) runs on this one, then the deployment registry here (when the
/// run `changes` the target and `meanwhile` succeeded). Each costs
/// milliseconds (a SQLite file parses its whole schema, a server answers a
/// handshake) and none needs the others; two threads, since the machine may
/// have two cores: the target's open is the longest, the directory and the
/// registry together take less.
///
/// A target that opening would create (a SQLite file not there yet) is
/// opened after `meanwhile`, so that a wrong directory leaves nothing
/// behind; its plugin loads meanwhile. A target the command line named and
/// the process has been opening since it started ([`Context::opening`]) is
/// taken from there instead: no thread is started for it. A registry that
/// cannot be opened stops the run; `meanwhile`'s error comes first.
///
/// # Errors
/// `meanwhile`'s, then the registry's.
pub fn open<T>(
    cx: &Context,
    url: &str,
    changes: bool,
    meanwhile: impl FnOnce() -> Result<T, Error>,
) -> Result<(T, Opened), Error> {
    if cx.opening.opens(url) {
        // Opening since the process started (see `plugin::Preload`).
        let before = meanwhile()?;
        let ledger = if changes { Some(cx.ledger()?) } else { None };
        let conn = cx.opening.take(url).map_or_else(|| plan::open(&cx.registry, url), Ok);
        crate::trace::mark("registry and target open");
        return Ok((before, Opened { ledger, conn }));
    }
    let create_target = plan::creates_on_open(url);
    let (before, conn, ledger) = std::thread::scope(|s| {
        let opener = s.spawn(|| {
            if create_target {
                plan::load_plugin(&cx.registry, url).map(|()| None)
            } else {
                plan::open(&cx.registry, url).map(Some)
            }
        });
        let before = meanwhile();
        let ledger = (changes && before.is_ok()).then(|| cx.ledger());
        let conn = opener
            .join()
            .unwrap_or_else(|_| Err(Error::Failed("internal logic error: opening the target panicked".into())));
        (before, conn, ledger)
    });
    let before = before?;
    let ledger = ledger.transpose()?;
    let conn = match conn {
        Ok(Some(conn)) => Ok(conn),
        Ok(None) => plan::open(&cx.registry, url),
        Err(e) => Err(e),
    };
    crate::trace::mark("registry and target open");
    Ok((before, Opened { ledger, conn }))
}

/// What a `migrate apply` report says for the registry.
fn apply_outcome(report: &ApplyReport) -> Outcome {
    let done = report.applied.iter().take_while(|f| f.error.is_none()).last();
    Outcome {
        before: report.current.clone(),
        after: done.map_or_else(|| report.current.clone(), |f| f.file.version.clone()),
        statements: report.applied.iter().flat_map(|f| f.applied.iter().cloned()).collect(),
        checks: report
            .applied
            .iter()
            .filter(|f| !f.checks.is_empty())
            .map(|f| json!({ "version": f.file.version, "checks": f.checks }))
            .collect(),
        status: if report.error.is_some() {
            "FAILED"
        } else if report.applied.is_empty() {
            "NOTHING_TO_DO"
        } else {
            "APPLIED"
        }
        .into(),
        error: report.error.clone(),
    }
}

/// What a `migrate down` report says for the registry.
fn down_outcome(report: &DownReport) -> Outcome {
    let status = match report.status.as_str() {
        "APPLIED" | "NOTHING_TO_DO" | "REFUSED" => report.status.clone(),
        _ => "FAILED".to_string(),
    };
    let ran: Vec<String> = report.reverted.iter().flat_map(|f| f.applied.iter().cloned()).collect();
    Outcome {
        before: report.current.clone(),
        // A failed revert's own report says how far it got; the registry keeps
        // where the run started unless it finished.
        after: if status == "APPLIED" { report.target.clone() } else { report.current.clone() },
        statements: if status == "REFUSED" { report.planned.iter().map(|p| p.content.clone()).collect() } else { ran },
        checks: serde_json::to_value(&report.checks).unwrap_or_default(),
        status,
        error: report.error.clone(),
    }
}

/// Records how a run ended (a usage error ran nothing against the target and
/// is not a deployment), then hands its result on.
fn record<T>(
    recorder: Option<&Recorder>,
    result: Result<T, Error>,
    outcome: impl Fn(&T) -> Outcome,
) -> Result<T, Error> {
    match result {
        Ok(report) => {
            if let Some(recorder) = recorder {
                recorder.finish(outcome(&report))?;
            }
            Ok(report)
        }
        Err(e) => failed_before(recorder, e),
    }
}

/// A refusal before the run is recorded too, then returned.
pub(super) fn refused<T>(recorder: &Recorder, e: Error) -> Result<T, Error> {
    failed_before(Some(recorder), e)
}

/// A run that stopped before it began is recorded (unless the input was
/// wrong: that ran nothing against the target), then returned.
fn failed_before<T>(recorder: Option<&Recorder>, e: Error) -> Result<T, Error> {
    if let Some(recorder) = recorder
        && !matches!(e, Error::Usage(_))
    {
        recorder.finish(Outcome::from_error(&recorder.before(), &e))?;
    }
    Err(e)
}

/// The policies on the files this apply would run, each replayed statement by
/// statement on the dev database (only when a rule or a configured analyzer
/// has something to enforce): a denial refuses the run before it starts.
fn apply_policies(
    cx: &Context,
    conn: &mut crate::plugin::Conn,
    dir: &Dir,
    opts: &ApplyOptions,
    url: &str,
    report: &mut dyn FnMut(&[Finding]),
) -> Result<(), Error> {
    let policies = cx.policies()?;
    if !policies.enforces() {
        return Ok(());
    }
    let (applied, files) = pending(conn, dir, opts)?;
    if files.is_empty() {
        return Ok(());
    }
    let applied: std::collections::BTreeSet<String> = applied.into_iter().collect();
    let base: Vec<&File> = dir.files().iter().filter(|f| applied.contains(f.version())).collect();
    let dev_url = cx.dev(&opts.dev_url, Some(url)).map_err(|_| {
        Error::Usage(
            "the policies check pending files on a dev database: pass --dev-url (or set dev in the env)".into(),
        )
    })?;
    let mut dev = DevDb::open(&cx.registry, &dev_url)?;
    let mut all = Vec::new();
    for unit in plan::file_units(&mut dev, dir.path(), &base, &files)? {
        let findings = policies.enforce(&unit.subject, &unit.units, &unit.version, "migrate apply", "file")?;
        all.push((unit.version, findings));
    }
    for (_, findings) in &all {
        report(findings);
    }
    match all.iter().find_map(|(v, f)| super::denial(f, &format!("version {v}"))) {
        Some(e) => Err(e),
        None => Ok(()),
    }
}

/// The versions the target has applied (in order) and the files this apply
/// would run, read without planning (for promotion, approval and policies,
/// before anything runs).
fn pending<'d>(
    conn: &mut crate::plugin::Conn,
    dir: &'d Dir,
    opts: &ApplyOptions,
) -> Result<(Vec<String>, Vec<&'d File>), Error> {
    let store = RevisionStore::new(conn, opts.revisions_schema.as_deref())?;
    let applied = store.versions(conn)?;
    let known: std::collections::BTreeSet<&str> = applied.iter().map(String::as_str).collect();
    let files = dir
        .files()
        .iter()
        .filter(|f| !known.contains(f.version()))
        .filter(|f| opts.to_version.as_deref().is_none_or(|t| registry::version_at_least(t, f.version())))
        .take(opts.amount.unwrap_or(usize::MAX))
        .collect();
    Ok((applied, files))
}

/// `promotion { from = "ENV" }`: every version this run would apply must have
/// been applied successfully to every target of ENV first.
fn promotion_check(
    cx: &Context,
    conn: &mut crate::plugin::Conn,
    dir: &Dir,
    opts: &ApplyOptions,
    repo: &str,
) -> Result<(), Error> {
    let Some(from) = registry::promotion_from(cx.env.as_ref())? else { return Ok(()) };
    let (_, files) = pending(conn, dir, opts)?;
    let Some(version) = files.last().map(|f| f.version()) else { return Ok(()) };
    registry::check_promotion(&mut cx.ledger()?, repo, from, version)
}
