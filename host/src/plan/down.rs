//! `migrate down`: a rollback plan computed from the database's actual state.
//!
//! 1. Lock, read the revisions (and Strata's history table).
//! 2. Resolve the target version.
//! 3. Build the chain of applied versions with the statements each ran: from
//!    the history table (what really ran), else the directory's file.
//! 4. On the dev database, replay the chain to get the state after each version
//!    from the target up (cached by hash chain), including a partial last file.
//! 5. Drift: the expected state must equal the actual one, or nothing runs.
//! 6. Plan version by version, newest first, in the plugin, with pre-migration
//!    checks; or use each version's down.sql, verified on the dev database.
//! 7. Run every check; then execute: one transaction where the dialect allows,
//!    else statement by statement with progress recorded so a re-run finishes.

use super::{DevDb, PlanCheck, StateCache, chain_keys, plan as plan_diff, plan_sql};
use crate::clock;
use crate::dir::{Dir, LexOptions};
use crate::error::{Error, db};
use crate::exec::{LOCK_APPLY, Progress};
use crate::plugin::{Conn, Registry};
use crate::revisions::{History, HistoryStore, Revision, RevisionStore, TYPE_BASELINE};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};
use std::time::{Duration, Instant, SystemTime};
use strata_dialect_api::{PreCheck, Realm};

/// Options of `migrate down`.
#[derive(Debug, Clone)]
pub struct DownOptions {
    /// Revert this many versions (default 1).
    pub amount: usize,
    /// Revert everything applied after this version.
    pub to_version: Option<String>,
    /// Revert to the newest version the directory held at a Git ref: `Some(None)`
    /// when the directory was empty there.
    pub to_ref_version: Option<Option<String>>,
    /// Print the plan and run the checks; change nothing.
    pub dry_run: bool,
    /// Do not run pre-migration checks.
    pub skip_checks: bool,
    /// Compute plans even where a down.sql exists.
    pub force_plan: bool,
    /// Where the revisions table lives.
    pub revisions_schema: Option<String>,
    /// How long to wait for the migration lock.
    pub lock_timeout: Duration,
}

impl Default for DownOptions {
    fn default() -> Self {
        DownOptions {
            amount: 1,
            to_version: None,
            to_ref_version: None,
            dry_run: false,
            skip_checks: false,
            force_plan: false,
            revisions_schema: None,
            lock_timeout: Duration::from_secs(10),
        }
    }
}

/// A pre-migration check and its outcome, with the version whose revert it guards.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct CheckOutcome {
    /// The version whose revert it guards.
    pub version: String,
    /// The check and its outcome.
    #[serde(flatten)]
    pub check: super::PlanCheck,
}

/// A version planned for reverting.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct PlannedFile {
    /// The file name (or version, when the file is gone).
    pub name: String,
    /// Version.
    pub version: String,
    /// Description.
    pub description: String,
    /// The statements that revert it.
    pub content: String,
    /// `plan` (computed from the database), `down.sql` (the file's own), or
    /// `resumed` (the rest of an interrupted revert).
    pub source: String,
}

/// A version reverted (or attempted).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct RevertedFile {
    /// Version.
    pub version: String,
    /// Description.
    pub description: String,
    /// Start time.
    pub start: String,
    /// End time.
    pub end: String,
    /// Statements run.
    pub applied: Vec<String>,
    /// Statements an earlier, interrupted run already executed.
    #[serde(skip_serializing_if = "is_zero")]
    pub skipped: usize,
    /// The failure, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<crate::exec::StmtError>,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

/// The result of `migrate down`.
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DownReport {
    /// The dialect.
    pub driver: String,
    /// The URL, password masked.
    #[serde(rename = "URL")]
    pub url: String,
    /// The version before the run.
    pub current: String,
    /// The version after the run (empty: nothing applied).
    pub target: String,
    /// Versions to revert.
    pub total: usize,
    /// The plan, newest version first.
    pub planned: Vec<PlannedFile>,
    /// Pre-migration checks.
    pub checks: Vec<CheckOutcome>,
    /// What ran.
    pub reverted: Vec<RevertedFile>,
    /// Differences between the expected and the actual schema (SQL turning the
    /// expected state into the actual one), when drift stopped the run.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub drift: Option<String>,
    /// `APPLIED`, `DRY_RUN`, `NOTHING_TO_DO`, `REFUSED` or `FAILED`.
    pub status: String,
    /// Start time.
    pub start: String,
    /// End time.
    pub end: String,
    /// The error, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// A hint naming the next command, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
}

/// One applied version and the statements it ran.
struct Link {
    version: String,
    statements: Vec<String>,
    /// Statements of it that ran (less than all for a partial file).
    take: usize,
}

/// One version's revert.
struct Step {
    version: String,
    description: String,
    name: String,
    statements: Vec<String>,
    /// Pre-migration checks with the index of the statement each guards; a
    /// check runs immediately before its statement (index 0: before the step).
    checks: Vec<(usize, PreCheck)>,
    source: &'static str,
    /// Statements of `statements` an interrupted run already executed.
    done: usize,
    transactional: bool,
}

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
    registry: &Registry,
    conn: &mut Conn,
    dev_url: &str,
    dir: &Dir,
    opts: &DownOptions,
    cache: &StateCache,
    progress: &mut dyn Progress,
) -> Result<DownReport, Error> {
    conn.lock(LOCK_APPLY, opts.lock_timeout).map_err(db("acquiring database lock"))?;
    let result = down_locked(registry, conn, dev_url, dir, opts, cache, progress);
    let _ = conn.unlock(LOCK_APPLY);
    result
}

#[allow(clippy::too_many_lines)]
fn down_locked(
    registry: &Registry,
    conn: &mut Conn,
    dev_url: &str,
    dir: &Dir,
    opts: &DownOptions,
    cache: &StateCache,
    progress: &mut dyn Progress,
) -> Result<DownReport, Error> {
    let started = SystemTime::now();
    let driver = conn.driver().clone();
    let store = RevisionStore::new(conn, opts.revisions_schema.as_deref())?;
    let history_store = HistoryStore::new(conn, opts.revisions_schema.as_deref())?;
    let revisions = store.read(conn)?;
    let history = history_store.read(conn)?;
    let mut report = DownReport {
        driver: driver.name().to_string(),
        url: conn.url().redacted(),
        start: clock::rfc3339(started),
        ..DownReport::default()
    };
    let Some(last) = revisions.last() else {
        report.status = "NOTHING_TO_DO".into();
        report.error = None;
        report.end = clock::rfc3339(SystemTime::now());
        return Ok(report);
    };
    report.current = last.version.clone();
    let target = resolve_target(&revisions, opts)?;
    report.target = target.clone().unwrap_or_default();
    let reverting: Vec<&Revision> =
        revisions.iter().rev().take_while(|r| target.as_deref().is_none_or(|t| r.version.as_str() > t)).collect();
    if reverting.is_empty() {
        report.status = "NOTHING_TO_DO".into();
        report.end = clock::rfc3339(SystemTime::now());
        return Ok(report);
    }
    if let Some(b) = reverting.iter().find(|r| r.kind == TYPE_BASELINE) {
        return Err(Error::refused(
            format!("cannot revert below the baseline version {}", b.version),
            format!("revert to version {} at most", b.version),
        ));
    }
    report.total = reverting.len();

    // The dev database must be the target's dialect: states are compared across them.
    let mut dev = DevDb::open(registry, dev_url)?;
    if dev.driver().name() != driver.name() {
        return Err(Error::Usage(format!(
            "the dev database is {} but the target is {}: --dev-url must use the same dialect",
            dev.driver().name(),
            driver.name()
        )));
    }
    let lex = dev.lex();
    let chain = build_chain(dir, &lex, &revisions, &history)?;
    let current_idx = chain.len() - 1;
    let target_idx: Option<usize> = target.as_ref().and_then(|t| chain.iter().position(|l| &l.version == t));
    let stmts: Vec<&[String]> = chain.iter().map(|l| &l.statements[..l.take]).collect();
    let keys = chain_keys(&super::cache::StateSeed::new(dev.driver(), dev.info()), &stmts);

    // The state the database should be in, and for each version to revert the
    // parts of the states around it that differ (what its revert must undo).
    let empty = {
        let realm = dev.inspect()?;
        super::empty_realm(&realm, dev.info())
    };
    // The actual schema is read from the target while the dev database (or the
    // cache) gives the expected ones: two databases, so two threads.
    let (states, actual) = std::thread::scope(|scope| {
        let target = scope.spawn(|| super::inspect_target(conn, &strata_dialect_api::InspectOptions::default()));
        let states = materialize(&mut dev, &chain, &keys, target_idx, &empty, cache);
        let actual = target
            .join()
            .unwrap_or_else(|_| Err(Error::Failed("internal logic error: inspecting the target panicked".into())));
        (states, actual)
    });
    let States { expected: replayed, steps: pairs } = states?;
    let actual = actual?;

    // An interrupted revert of the newest version: the expected state is its
    // state plus the down statements that already ran.
    let resumed = history.get(&last.version).and_then(|h| h.down_statements.clone().map(|s| (s, h.down_applied)));
    let mut expected = replayed.clone();
    if let Some((down_stmts, done)) = &resumed {
        dev.load(&expected)?;
        dev.exec_all("the interrupted revert", &down_stmts[..(*done).min(down_stmts.len())])?;
        expected = dev.inspect()?;
        dev.reset()?;
    }

    // Drift: what the revisions say must be what the database holds.
    let drift = super::diff(&driver, &expected, &actual)?;
    if !drift.is_empty() {
        let sql = driver
            .plan(&drift, &conn.plan_options(false))
            .map(|p| plan_sql(&p, true))
            .unwrap_or_else(|_| drift.iter().map(|c| format!("-- {}\n", c.describe())).collect());
        report.drift = Some(sql);
        report.status = "REFUSED".into();
        report.error = Some(format!(
            "the database has drifted from version {}: its schema is not what the applied migrations produce; nothing was executed",
            last.version
        ));
        report.hint = Some(
            "inspect the differences above; bring the database back (or record the change in a new migration) before reverting"
                .into(),
        );
        report.end = clock::rfc3339(SystemTime::now());
        return Ok(report);
    }

    // Plans, newest first.
    let mut steps: Vec<Step> = Vec::new();
    for (n, rev) in reverting.iter().enumerate() {
        let idx = current_idx - n;
        // No drift: the replayed state stands for the actual one.
        let (from, to) = pairs
            .get(&idx)
            .ok_or_else(|| Error::Failed(format!("internal logic error: no state for version {}", rev.version)))?;
        let plan = plan_diff(&driver, from, to, &conn.plan_options(true))?;
        let name = dir
            .files()
            .iter()
            .find(|f| f.version() == rev.version)
            .map_or_else(|| rev.version.clone(), |f| f.name().to_string());
        // A computed plan's checks read the state before the version's revert,
        // so they guard the step as a whole: they run before its first statement.
        let checks: Vec<(usize, PreCheck)> =
            plan.statements.iter().flat_map(|s| s.checks.iter().cloned().map(|c| (0, c))).collect();
        let transactional = plan.transactional();
        let mut step = Step {
            version: rev.version.clone(),
            description: rev.description.clone(),
            name,
            statements: plan.statements.into_iter().map(|s| s.sql).collect(),
            checks,
            source: "plan",
            done: 0,
            transactional,
        };
        if n == 0
            && let Some((down_stmts, done)) = &resumed
        {
            step.statements = down_stmts.clone();
            step.done = (*done).min(down_stmts.len());
            step.source = "resumed";
            step.checks.clear();
        }
        steps.push(step);
    }

    // Manual downs: used when every version to revert has one (unless --plan).
    if !opts.force_plan && resumed.is_none() {
        let downs: Vec<Option<Vec<String>>> = steps
            .iter()
            .map(|s| {
                let file = dir.files().iter().find(|f| f.version() == s.version)?;
                let section = file.down().ok().flatten()?;
                Some(section.stmts(&lex).ok()?.into_iter().map(|st| st.text).collect())
            })
            .collect();
        let with: Vec<&str> =
            steps.iter().zip(&downs).filter(|(_, d)| d.is_some()).map(|(s, _)| s.version.as_str()).collect();
        if !with.is_empty() && with.len() < steps.len() {
            return Ok(refuse(report, split_message(&steps, &downs), split_hint(&steps, &downs, &chain)));
        }
        if with.len() == steps.len() {
            // Verify on the dev database, newest first from the expected state:
            // each down must land exactly on the state before its version.
            dev.load(&replayed)?;
            let mut want = replayed.clone();
            let verified = (|| -> Result<Option<DownReport>, Error> {
                for (n, (step, down)) in steps.iter_mut().zip(downs).enumerate() {
                    let Some(down) = down else { continue };
                    let idx = current_idx - n;
                    if let Some((from, to)) = pairs.get(&idx) {
                        undo(&mut want, from, to);
                    }
                    // Run it one statement at a time: what each statement does to
                    // the schema is planned with checks, and those checks guard
                    // that statement when the down runs for real.
                    let mut got = dev.inspect()?;
                    let mut checks = Vec::new();
                    for (k, stmt) in down.iter().enumerate() {
                        dev.exec_all(
                            &format!("down.sql of version {} (statement {})", step.version, k + 1),
                            std::slice::from_ref(stmt),
                        )?;
                        let after = dev.inspect()?;
                        let plan = plan_diff(&driver, &got, &after, &conn.plan_options(true))?;
                        checks.extend(plan.statements.into_iter().flat_map(|s| s.checks).map(|c| (k, c)));
                        got = after;
                    }
                    let diff = super::diff(&driver, &got, &want)?;
                    if !diff.is_empty() {
                        let missing = driver
                            .plan(&diff, &conn.plan_options(false))
                            .map(|p| plan_sql(&p, false))
                            .unwrap_or_default();
                        return Ok(Some(refuse(
                            report.clone(),
                            format!(
                                "down.sql of version {} does not return the schema to the state before it; still needed:\n{missing}",
                                step.version
                            ),
                            "fix the down.sql section, or pass --plan to use the computed plan".into(),
                        )));
                    }
                    step.statements = down;
                    step.checks = checks;
                    step.source = "down.sql";
                    step.transactional = true;
                }
                Ok(None)
            })();
            let reset = dev.reset();
            if let Some(refused) = verified? {
                return Ok(refused);
            }
            reset?;
        }
    }
    drop(dev);

    report.planned = steps
        .iter()
        .map(|s| PlannedFile {
            name: s.name.clone(),
            version: s.version.clone(),
            description: s.description.clone(),
            content: s.statements[s.done..]
                .iter()
                .map(|st| if st.ends_with(';') { format!("{st}\n") } else { format!("{st};\n") })
                .collect(),
            source: s.source.into(),
        })
        .collect();

    progress.start(
        &report.current,
        if report.target.is_empty() { "0 (nothing applied)" } else { &report.target },
        steps.len(),
        true,
    );

    if opts.dry_run {
        // Nothing runs, so every check reads the current state: exact for the
        // checks before a step; a check guarding a later statement of a
        // down.sql depends on the statements before it and is only listed.
        if let Some(message) = run_upfront_checks(conn, &steps, opts.skip_checks, true, &mut report, progress) {
            return Ok(refuse(
                report,
                format!("{message}; nothing was executed, nothing was changed"),
                CHECK_HINT.into(),
            ));
        }
        for step in &steps {
            progress.file_start(&step.version, true);
            for stmt in &step.statements[step.done..] {
                progress.stmt(stmt);
            }
            progress.file_done(Duration::ZERO);
        }
        report.status = "DRY_RUN".into();
        report.end = clock::rfc3339(SystemTime::now());
        return Ok(report);
    }

    // Strata's history table is optional (a database Atlas migrated has none):
    // learn whether it exists before any transaction, where a failed probe
    // would abort the transaction.
    let has_history = history_store.exists(conn)?;
    let tx = driver.manifest.capabilities.transactional_ddl && steps.iter().all(|s| s.transactional);
    let ctx = ExecCtx { store: &store, history: &history_store, has_history, skip_checks: opts.skip_checks };
    if tx {
        execute_in_transaction(conn, &ctx, &steps, &mut report, progress)?;
    } else {
        if let Some(message) = run_upfront_checks(conn, &steps, opts.skip_checks, false, &mut report, progress) {
            return Ok(refuse(
                report,
                format!("{message}; nothing was executed, nothing was changed"),
                CHECK_HINT.into(),
            ));
        }
        history_store.ensure(conn)?;
        execute_stepwise(conn, &ctx, &history, &steps, &mut report, progress)?;
    }
    if report.status == "APPLIED" {
        confirm_reverted(conn, &store, &steps, &mut report)?;
    }
    report.end = clock::rfc3339(SystemTime::now());
    Ok(report)
}

const CHECK_HINT: &str = "remove or move the data first, or pass --skip-checks to revert anyway";

/// "ok" is a fact: after the commit, the revisions table must no longer hold
/// any reverted version. Anything else is a failure, whatever the database said.
fn confirm_reverted(
    conn: &mut Conn,
    store: &RevisionStore,
    steps: &[Step],
    report: &mut DownReport,
) -> Result<(), Error> {
    let after = store.read(conn)?;
    let left: Vec<&str> =
        steps.iter().filter(|s| after.iter().any(|r| r.version == s.version)).map(|s| s.version.as_str()).collect();
    if !left.is_empty() {
        report.status = "FAILED".into();
        report.error = Some(format!(
            "the revert reported success but the revisions table still records version(s) {}: the database did not keep the changes",
            left.join(", ")
        ));
        return Ok(());
    }
    report.target = after.last().map(|r| r.version.clone()).unwrap_or_default();
    Ok(())
}

fn refuse(mut report: DownReport, message: String, hint: String) -> DownReport {
    report.status = "REFUSED".into();
    report.error = Some(message);
    report.hint = Some(hint);
    report.end = clock::rfc3339(SystemTime::now());
    report
}

fn split_message(steps: &[Step], downs: &[Option<Vec<String>>]) -> String {
    let list = |want: bool| -> String {
        steps
            .iter()
            .zip(downs)
            .filter(|(_, d)| d.is_some() == want)
            .map(|(s, _)| s.version.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    format!(
        "some versions to revert have a down.sql ({}) and others do not ({}); one run uses either the files' own downs or computed plans",
        list(true),
        list(false)
    )
}

/// The command reverting the newest run of versions that agree (all with a
/// down.sql, or all without), so the rest can follow in a second run.
fn split_hint(steps: &[Step], downs: &[Option<Vec<String>>], chain: &[Link]) -> String {
    let first_kind = downs.first().is_some_and(Option::is_some);
    let run = downs.iter().take_while(|d| d.is_some() == first_kind).count();
    let boundary = steps.get(run - 1).map(|s| s.version.as_str()).unwrap_or_default();
    let below = chain.iter().rev().map(|l| l.version.as_str()).find(|v| *v < boundary).unwrap_or("");
    let what = if first_kind { "using their down.sql" } else { "with computed plans" };
    format!(
        "split the run: `strata migrate down --to-version {below}` reverts {run} version(s) {what}; then run `strata migrate down` again for the rest (or pass --plan to compute every version's plan)"
    )
}

fn resolve_target(revisions: &[Revision], opts: &DownOptions) -> Result<Option<String>, Error> {
    let current = revisions.last().map(|r| r.version.clone()).unwrap_or_default();
    if let Some(v) = &opts.to_version {
        if v.as_str() > current.as_str() {
            return Err(Error::Usage(format!("target version {v} is above the current version {current}")));
        }
        if !revisions.iter().any(|r| &r.version == v) {
            return Err(Error::Usage(format!(
                "version {v:?} is not applied to this database: pass one of {}",
                revisions.iter().map(|r| r.version.as_str()).collect::<Vec<_>>().join(", ")
            )));
        }
        return Ok(Some(v.clone()));
    }
    if let Some(at_ref) = &opts.to_ref_version {
        return Ok(at_ref.as_ref().and_then(|newest| {
            revisions.iter().rev().find(|r| r.version.as_str() <= newest.as_str()).map(|r| r.version.clone())
        }));
    }
    if opts.amount == 0 {
        return Err(Error::Usage("cannot revert '0' migration files".into()));
    }
    let n = revisions.len();
    Ok(if opts.amount >= n { None } else { Some(revisions[n - 1 - opts.amount].version.clone()) })
}

/// The applied versions and their statements: what ran, from the history table,
/// else the directory's file (a baseline stands for the files up to it).
fn build_chain(
    dir: &Dir,
    lex: &LexOptions,
    revisions: &[Revision],
    history: &BTreeMap<String, History>,
) -> Result<Vec<Link>, Error> {
    let lex_file = |file: &crate::dir::File| -> Result<Vec<String>, Error> {
        file.stmts(lex).map(|s| s.into_iter().map(|st| st.text).collect()).map_err(|e| Error::Refused {
            message: format!("{}:{e}", dir.path().join(file.name()).display()),
            hint: None,
        })
    };
    let mut chain = Vec::new();
    for rev in revisions {
        let statements = if rev.kind == TYPE_BASELINE {
            let mut all = Vec::new();
            for file in dir.files().iter().filter(|f| f.version() <= rev.version.as_str()) {
                all.extend(lex_file(file)?);
            }
            all
        } else if let Some(h) = history.get(&rev.version).filter(|h| !h.statements.is_empty()) {
            h.statements.clone()
        } else if let Some(file) = dir.files().iter().find(|f| f.version() == rev.version) {
            lex_file(file)?
        } else {
            return Err(Error::refused(
                format!(
                    "version {} is applied but its migration file is missing and no history of it was recorded (it was applied before Strata kept history)",
                    rev.version
                ),
                "restore the file in the migration directory (e.g. from the newer commit) and run the command again",
            ));
        };
        let take = if rev.is_partial() {
            usize::try_from(rev.applied).unwrap_or(0).min(statements.len())
        } else {
            statements.len()
        };
        chain.push(Link { version: rev.version.clone(), statements, take });
    }
    Ok(chain)
}

/// What planning a revert needs from the replayed directory.
struct States {
    /// The state after every applied version (the last one maybe partial).
    expected: Realm,
    /// For each version to revert, by chain index: the parts of the state after
    /// it and of the state before it that differ.
    steps: HashMap<usize, (Realm, Realm)>,
}

/// Replays the chain from the target up: from the cache where possible (one
/// full state, then a patch per version), else on the dev database.
fn materialize(
    dev: &mut DevDb,
    chain: &[Link],
    keys: &[String],
    target: Option<usize>,
    empty: &Realm,
    cache: &StateCache,
) -> Result<States, Error> {
    let lo = target.map_or(0, |t| t + 1);
    let hi = chain.len() - 1;
    // Warm path: walk up by patches, keeping only what each version touched.
    let base = match target {
        Some(t) => cache.get(&keys[t]),
        None => Some(empty.clone()),
    };
    if let Some(mut realm) = base {
        let mut steps = HashMap::new();
        for (i, key) in keys.iter().enumerate().take(hi + 1).skip(lo) {
            let Some(patch) = cache.get_patch(key) else { break };
            let whole = patch.changes_objects(&realm);
            let to = if whole { realm.clone() } else { patch.subset(&realm) };
            if !patch.apply(&mut realm) {
                break;
            }
            let from = if whole { realm.clone() } else { patch.subset(&realm) };
            steps.insert(i, (from, to));
        }
        if steps.len() == hi + 1 - lo {
            return Ok(States { expected: realm, steps });
        }
    }

    // Cold path: replay, inspecting after the target and every later version.
    let mut previous = match target {
        None => Some(empty.clone()),
        Some(_) => None,
    };
    let mut steps = HashMap::new();
    let result = (|| {
        for (i, link) in chain.iter().enumerate().take(hi + 1) {
            dev.exec_all(&format!("replaying version {}", link.version), &link.statements[..link.take])?;
            if target.is_some_and(|t| i < t) {
                continue;
            }
            let realm = dev.inspect()?;
            cache.put(&keys[i], &realm);
            if let Some(prev) = &previous {
                if let Some(patch) = crate::plan::Patch::between(prev, &realm) {
                    cache.put_patch(&keys[i], &patch);
                }
                if i >= lo {
                    let (from, to) = super::reduce(&realm, prev);
                    steps.insert(i, (from, to));
                }
            }
            previous = Some(realm);
        }
        Ok::<(), Error>(())
    })();
    let reset = dev.reset();
    result?;
    reset?;
    let expected = previous.unwrap_or_else(|| empty.clone());
    Ok(States { expected, steps })
}

/// Turns a state into the state before a version, given that version's pair of
/// differing parts (`from` as after it, `to` as before it).
fn undo(state: &mut Realm, from: &Realm, to: &Realm) {
    for (schema, (f, t)) in state.schemas.iter_mut().zip(from.schemas.iter().zip(&to.schemas)) {
        schema.tables.retain(|x| !f.tables.iter().any(|y| y.name == x.name));
        schema.tables.extend(t.tables.iter().cloned());
        schema.tables.sort_by(|a, b| a.name.cmp(&b.name));
        schema.views = t.views.clone();
        schema.triggers = t.triggers.clone();
        schema.attrs = t.attrs.clone();
    }
}

/// What executing a revert needs besides the connection.
struct ExecCtx<'a> {
    store: &'a RevisionStore,
    history: &'a HistoryStore,
    /// Whether Strata's history table exists on the target.
    has_history: bool,
    skip_checks: bool,
}

/// Runs the checks guarding the start of every step (all of them, before any
/// statement): for dry runs and for dialects that cannot put them inside one
/// transaction. Returns the first failure.
fn run_upfront_checks(
    conn: &mut Conn,
    steps: &[Step],
    skip: bool,
    dry_run: bool,
    report: &mut DownReport,
    progress: &mut dyn Progress,
) -> Option<String> {
    let mut failed = None;
    for step in steps {
        let (now, later): (Vec<_>, Vec<_>) = step.checks.iter().partition(|(k, _)| *k <= step.done);
        if dry_run {
            for (k, c) in later {
                let mut check = PlanCheck::skipped(c);
                check.reason = format!("{} (evaluated before statement {} runs)", c.reason, k + 1);
                report.checks.push(CheckOutcome { version: step.version.clone(), check });
            }
        }
        let now: Vec<PreCheck> = now.into_iter().map(|(_, c)| c.clone()).collect();
        if let Some(message) = run_checks(conn, &step.version, &now, skip, true, report, progress) {
            failed.get_or_insert(message);
        }
    }
    failed
}

/// Evaluates `checks` guarding part of a version's revert, recording each
/// outcome. `block` prints them as a block before the step; otherwise inline,
/// before the statement they guard. Returns the failure, if any.
fn run_checks(
    conn: &mut Conn,
    version: &str,
    checks: &[PreCheck],
    skip: bool,
    block: bool,
    report: &mut DownReport,
    progress: &mut dyn Progress,
) -> Option<String> {
    if checks.is_empty() {
        return None;
    }
    if skip {
        for c in checks {
            report.checks.push(CheckOutcome { version: version.into(), check: PlanCheck::skipped(c) });
        }
        return None;
    }
    if block {
        progress.checks_start(version, true);
    }
    let timer = Instant::now();
    let mut failures = 0;
    let mut failed = None;
    for c in checks {
        let check = PlanCheck::evaluate(conn, c);
        let ok = check.held();
        if block {
            progress.check(&c.sql, ok);
        } else {
            progress.guard(&c.sql, ok);
        }
        if !ok {
            failures += 1;
            failed.get_or_insert_with(|| {
                let why = check.error.as_deref().map(|e| format!(": {e}")).unwrap_or_default();
                format!("check before reverting version {version} failed: {} ({}){why}", c.reason, c.sql)
            });
        }
        report.checks.push(CheckOutcome { version: version.into(), check });
    }
    if block {
        progress.checks_done(timer.elapsed(), failures);
    }
    failed
}

/// Transactional dialects: one transaction for every statement, the checks
/// guarding them (evaluated right before their statements, so nothing can slip
/// in between a passing check and its DROP) and the bookkeeping. Any failure
/// rolls everything back.
fn execute_in_transaction(
    conn: &mut Conn,
    ctx: &ExecCtx<'_>,
    steps: &[Step],
    report: &mut DownReport,
    progress: &mut dyn Progress,
) -> Result<(), Error> {
    conn.begin().map_err(db("starting a transaction"))?;
    let mut reverted = Vec::new();
    let outcome = (|| -> Result<Option<(Failure, String)>, Error> {
        for step in steps {
            let (file, failed) = run_step(conn, step, ctx.skip_checks, true, report, progress, |_, _| Ok(()))?;
            reverted.push(file);
            if let Some(failure) = failed {
                return Ok(Some(failure));
            }
            ctx.store.delete(conn, &step.version)?;
            if ctx.has_history {
                ctx.history.delete(conn, &step.version)?;
            }
        }
        Ok(None)
    })();
    let failure = match outcome {
        Ok(None) => match conn.commit() {
            Ok(()) => None,
            Err(e) => {
                Some((Failure::Statement, format!("committing the revert: {}", strata_dialect_api::mask(&e.message))))
            }
        },
        Ok(Some(failure)) => {
            let _ = conn.rollback();
            Some(failure)
        }
        Err(e) => {
            let _ = conn.rollback();
            Some((Failure::Statement, e.to_string()))
        }
    };
    if let Some((kind, message)) = failure {
        // All or nothing: nothing of this run stays, so report nothing as applied.
        for f in &mut reverted {
            f.applied.clear();
        }
        report.reverted = reverted;
        match kind {
            Failure::Check => {
                report.status = "REFUSED".into();
                report.hint = Some(CHECK_HINT.into());
            }
            Failure::Statement => report.status = "FAILED".into(),
        }
        report.error = Some(format!("{message} (rolled back: nothing was changed)"));
        return Ok(());
    }
    report.reverted = reverted;
    report.status = "APPLIED".into();
    Ok(())
}

/// Dialects without transactional DDL: version by version, statement by
/// statement, recording progress so that running the command again finishes
/// an interrupted revert.
fn execute_stepwise(
    conn: &mut Conn,
    ctx: &ExecCtx<'_>,
    known: &BTreeMap<String, History>,
    steps: &[Step],
    report: &mut DownReport,
    progress: &mut dyn Progress,
) -> Result<(), Error> {
    for step in steps {
        let mut entry = known.get(&step.version).cloned().unwrap_or_else(|| History {
            version: step.version.clone(),
            description: step.description.clone(),
            ..History::default()
        });
        // Record the plan before running it: a run killed midway is finished by
        // running the same command again.
        entry.down_statements = Some(step.statements.clone());
        entry.down_applied = step.done;
        ctx.history.write(conn, &entry)?;
        let (file, failed) = run_step(conn, step, ctx.skip_checks, false, report, progress, |conn, ran| {
            entry.down_applied = ran;
            ctx.history.write(conn, &entry)
        })?;
        let ran = step.done + file.applied.len();
        report.reverted.push(file);
        if let Some((kind, message)) = failed {
            report.status = if kind == Failure::Check { "REFUSED" } else { "FAILED" }.into();
            report.error = Some(format!("{message}; {ran} of {} statements ran", step.statements.len()));
            report.hint =
                Some("fix the cause, then run the same command again: it continues where this run stopped".into());
            return Ok(());
        }
        ctx.store.delete(conn, &step.version)?;
        ctx.history.delete(conn, &step.version)?;
    }
    report.status = "APPLIED".into();
    Ok(())
}

/// Why a step stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Failure {
    /// A pre-migration check did not hold.
    Check,
    /// A statement failed.
    Statement,
}

/// Runs one step's statements from where an earlier run stopped, each after
/// the checks guarding it (`all_checks`: also those before the step, which the
/// stepwise path ran up front), calling `after_each` with the count run so far
/// after every statement. Returns what ran and, when a check or statement
/// failed, why.
#[allow(clippy::too_many_arguments)]
fn run_step(
    conn: &mut Conn,
    step: &Step,
    skip_checks: bool,
    all_checks: bool,
    report: &mut DownReport,
    progress: &mut dyn Progress,
    mut after_each: impl FnMut(&mut Conn, usize) -> Result<(), Error>,
) -> Result<(RevertedFile, Option<(Failure, String)>), Error> {
    let timer = Instant::now();
    let mut file = RevertedFile {
        version: step.version.clone(),
        description: step.description.clone(),
        start: clock::rfc3339(SystemTime::now()),
        end: String::new(),
        applied: Vec::new(),
        skipped: step.done,
        error: None,
    };
    let guarding =
        |k: usize| -> Vec<PreCheck> { step.checks.iter().filter(|(i, _)| *i == k).map(|(_, c)| c.clone()).collect() };
    if all_checks {
        let before: Vec<PreCheck> =
            step.checks.iter().filter(|(i, _)| *i <= step.done).map(|(_, c)| c.clone()).collect();
        if let Some(message) = run_checks(conn, &step.version, &before, skip_checks, true, report, progress) {
            file.end = clock::rfc3339(SystemTime::now());
            return Ok((file, Some((Failure::Check, message))));
        }
    }
    progress.file_start(&step.version, true);
    for (j, stmt) in step.statements.iter().enumerate().skip(step.done) {
        if j > step.done
            && let Some(message) = run_checks(conn, &step.version, &guarding(j), skip_checks, false, report, progress)
        {
            file.end = clock::rfc3339(SystemTime::now());
            return Ok((file, Some((Failure::Check, message))));
        }
        progress.stmt(stmt);
        if let Err(e) = conn.exec(stmt, Vec::new()) {
            let text = strata_dialect_api::mask(&e.message);
            progress.stmt_error(&text);
            file.error = Some(crate::exec::StmtError { stmt: stmt.clone(), text: text.clone() });
            file.end = clock::rfc3339(SystemTime::now());
            let message = format!("reverting version {}: statement {stmt:?} failed: {text}", step.version);
            return Ok((file, Some((Failure::Statement, message))));
        }
        file.applied.push(stmt.clone());
        after_each(conn, j + 1)?;
    }
    progress.file_done(timer.elapsed());
    file.end = clock::rfc3339(SystemTime::now());
    Ok((file, None))
}
