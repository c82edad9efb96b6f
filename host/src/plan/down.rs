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
//! 7. Hand the steps to the executor (`migrate/down.rs` runs them): one
//!    transaction where the dialect allows, else statement by statement with
//!    progress recorded so a re-run finishes. An interrupted revert is planned
//!    as its rest, from the statement the database says it reached (in a
//!    later version than recorded, where the run went on without a record).

use super::{Check, DevDb, Guard, StateCache, Step, chain_keys, plan as plan_diff, plan_sql};
use crate::dir::{Dir, LexOptions};
use crate::error::Error;
use crate::plugin::{Conn, Registry};
use crate::revisions::{DownRun, History, HistoryStore, PlannedRevert, Revision, RevisionStore, TYPE_BASELINE};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use std::time::Duration;
use strata_dialect_api::Realm;

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

/// A version planned for reverting.
#[derive(Debug, Clone, Serialize, Deserialize)]
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

/// One applied version and the statements it ran.
pub(super) struct Link {
    pub(super) version: String,
    pub(super) statements: Vec<String>,
    /// Statements of it that ran (less than all for a partial file).
    pub(super) take: usize,
}

/// One version's revert as planned, with where its statements come from.
struct Planned {
    step: Step,
    units: Vec<strata_policies::Unit>,
    name: String,
    /// `plan`, `down.sql` or `resumed`.
    source: &'static str,
}

/// An interrupted revert being finished: the versions it may have reached
/// (newest first, their statements as recorded) and how many of their
/// statements, counted across them, the database holds.
struct Resumed {
    versions: Vec<PlannedRevert>,
    done: usize,
}

impl Resumed {
    /// Version `n`'s statements and how many of them ran.
    fn version(&self, n: usize) -> Option<(&[String], usize)> {
        let before: usize = self.versions.iter().take(n).map(|v| v.stmts.len()).sum();
        let v = self.versions.get(n)?;
        Some((&v.stmts, self.done.saturating_sub(before).min(v.stmts.len())))
    }

    /// The version and statement at position `at` counted across versions.
    fn at(&self, at: usize) -> (&str, usize) {
        crate::steps::locate(self.versions.iter().map(|v| (v.version.as_str(), v.stmts.len())), at)
    }
}

/// Why planning refused to revert.
#[derive(Debug, Clone)]
pub struct Refusal {
    /// What is wrong.
    pub error: String,
    /// The command or action that resolves it.
    pub hint: String,
    /// SQL turning the expected schema into the actual one, when drift refused.
    pub drift: Option<String>,
}

/// A planned revert: the steps, newest version first, or why there are none.
#[derive(Debug, Clone, Default)]
pub struct DownPlan {
    /// The version the database is at.
    pub current: String,
    /// The version it reverts to (`None`: nothing stays applied).
    pub target: Option<String>,
    /// Versions to revert.
    pub total: usize,
    /// What runs, newest version first.
    pub steps: Vec<Step>,
    /// The steps as the report lists them.
    pub planned: Vec<PlannedFile>,
    /// Set when the revert must not run.
    pub refusal: Option<Refusal>,
    /// The run as it is recorded before executing, so that running the same
    /// command again after a kill finishes it.
    pub run: Option<DownRun>,
    /// Strata's history rows as read before planning: those of the reverted
    /// versions, which a revert recorded as it goes updates (a remembered
    /// plan whose steps all share the run's transaction reads none).
    pub history: BTreeMap<String, History>,
    /// Each step's statements as the policies see them, with the changes
    /// they make (empty for the rest of an interrupted revert).
    pub units: Vec<Vec<strata_policies::Unit>>,
}

impl DownPlan {
    fn refused(mut self, error: String, hint: String, drift: Option<String>) -> DownPlan {
        self.refusal = Some(Refusal { error, hint, drift });
        self
    }
}

/// Makes the reads [`plan_down`] starts with on a target opened ahead of
/// the command (see `plugin::Preload::read_ahead`).
pub fn read_ahead_down(conn: &mut Conn) {
    super::memo::read_ahead(conn);
}

/// Plans reverting applied versions of `dir` on the database behind `conn`,
/// using the dev database `dev_url` to compute states. Reads the target, never
/// writes it; the caller holds the migration lock.
///
/// A refusal (drift, downs that disagree, a down.sql that misses its state) is
/// part of the plan; nothing is to run then. The policies' units are in the
/// plan when `units` (or when it was planned afresh).
///
/// # Errors
/// Usage errors (unknown target version, missing files without history, a dev
/// database that is not clean or of another dialect) and database failures.
#[allow(clippy::too_many_lines)]
pub fn plan_down(
    registry: &Registry,
    conn: &mut Conn,
    dev_url: &str,
    dir: &Dir,
    opts: &DownOptions,
    cache: &StateCache,
    units: bool,
) -> Result<DownPlan, Error> {
    let driver = conn.driver().clone();
    let store = RevisionStore::new(conn, opts.revisions_schema.as_deref())?;
    let history_store = HistoryStore::new(conn, opts.revisions_schema.as_deref())?;
    crate::trace::mark("plan_down: start");
    // The plan an earlier run made from exactly this state, when the dialect
    // can tell the schema is the one it planned for (see `memo`). Where the
    // database digests the revisions and history tables, their rows are
    // read only when there is a plan to make, save for the history rows of
    // the versions the plan reverts, which a revert outside a transaction
    // updates.
    let digests = super::memo::digests(conn, &store, &history_store);
    let mut memo_key = None;
    if let Some(digests) = &digests {
        let tables = super::memo::Tables::Digests(digests);
        let inputs = super::memo::DownInputs { dev_url, dir, opts, tables };
        memo_key = super::memo::down_key(conn, &inputs, super::memo::Schema::Fingerprint);
        crate::trace::mark("plan_down: schema and tables digested");
        if let Some((remembered, units)) = memo_key.as_deref().and_then(|k| super::memo::recall(cache, k, units)) {
            // Only a revert recorded as it goes (a step outside a
            // transaction) writes the rows it reads here.
            let history = if remembered.all_tx() {
                BTreeMap::new()
            } else {
                history_store.read_versions(conn, &remembered.versions())?
            };
            crate::trace::mark("plan_down: plan reused (schema, revisions and directory as planned before)");
            return Ok(remembered.into_plan(history, units));
        }
    }
    let revisions = store.read(conn)?;
    let (history, recorded) = history_store.read_with_run(conn)?;
    crate::trace::mark("plan_down: revisions and history read");
    let mut out = DownPlan::default();
    let Some(last) = revisions.last() else { return Ok(out) };
    out.current = last.version.clone();
    let request = request_of(opts);
    let target = resolve_target(&revisions, opts, &request, recorded.as_ref())?;
    out.target = target.clone();
    let reverting: Vec<&Revision> =
        revisions.iter().rev().take_while(|r| target.as_deref().is_none_or(|t| r.version.as_str() > t)).collect();
    if reverting.is_empty() {
        return Ok(out);
    }
    if let Some(b) = reverting.iter().find(|r| r.kind == TYPE_BASELINE) {
        return Err(Error::refused(
            format!("cannot revert below the baseline version {}", b.version),
            format!("revert to version {} at most", b.version),
        ));
    }
    out.total = reverting.len();
    // Without a fingerprint, the schema is known once inspected (below).
    let by_inspection = digests.is_none() && !super::memo::fingerprints(conn);
    let recorded_then = if by_inspection { recorded.clone() } else { None };
    if digests.is_none() && !by_inspection {
        let tables =
            super::memo::Tables::Rows { revisions: &revisions, history: &history, recorded: recorded.as_ref() };
        let inputs = super::memo::DownInputs { dev_url, dir, opts, tables };
        memo_key = super::memo::down_key(conn, &inputs, super::memo::Schema::Fingerprint);
        crate::trace::mark("plan_down: schema fingerprinted");
        if let Some((remembered, units)) = memo_key.as_deref().and_then(|k| super::memo::recall(cache, k, units)) {
            crate::trace::mark("plan_down: plan reused (schema, revisions and directory as planned before)");
            return Ok(remembered.into_plan(history, units));
        }
    }
    // A run finishing an interrupted one keeps its record (and where it started).
    out.run = Some(match recorded.filter(|r| Some(r.target.as_str()) == Some(target.as_deref().unwrap_or(""))) {
        Some(run) => run,
        None => DownRun {
            target: target.clone().unwrap_or_default(),
            from: out.current.clone(),
            request,
            created_table: false,
            plan: Vec::new(),
        },
    });

    // The actual schema is read from the target while the dev database is
    // opened and it (or the cache) gives the expected ones: two databases, so
    // two threads.
    let conn_url = conn.url().to_string();
    let (expected, actual) = std::thread::scope(|scope| {
        let inspecting = scope.spawn(|| {
            let actual = super::inspect_target(conn, &strata_dialect_api::InspectOptions::default());
            crate::trace::mark("plan_down: target inspected");
            actual
        });
        let expected = (|| {
            // The dev database must be the target's dialect: states are compared across them.
            let mut dev = DevDb::open(registry, dev_url)?;
            if dev.driver().name() != driver.name() {
                return Err(Error::Usage(format!(
                    "the dev database is {} but the target is {}: --dev-url must use the same dialect",
                    dev.driver().name(),
                    driver.name()
                )));
            }
            // The target itself given as the dev database: refused now, even
            // when the cache would spare the dev database any use.
            if dev.url() == conn_url {
                dev.check()?;
            }
            crate::trace::mark("plan_down: dev database open");
            let lex = dev.lex();
            let chain = build_chain(dir, &lex, &revisions, &history)?;
            let target_idx: Option<usize> = target.as_ref().and_then(|t| chain.iter().position(|l| &l.version == t));
            let stmts: Vec<&[String]> = chain.iter().map(|l| &l.statements[..l.take]).collect();
            let keys = chain_keys(&super::cache::StateSeed::new(dev.driver(), dev.info()), &stmts);
            crate::trace::mark("plan_down: chain built and keyed");
            // The state the database should be in, and for each version to
            // revert the parts of the states around it that differ (what its
            // revert must undo).
            let states = materialize(&mut dev, &chain, &keys, target_idx, cache)?;
            crate::trace::mark("plan_down: expected states materialized");
            Ok((dev, lex, chain, states))
        })();
        let actual = inspecting
            .join()
            .unwrap_or_else(|_| Err(Error::Failed("internal logic error: inspecting the target panicked".into())));
        (expected, actual)
    });
    let (mut dev, lex, chain, States { expected: replayed, steps: pairs }) = expected?;
    let actual = actual?;
    if by_inspection {
        let tables =
            super::memo::Tables::Rows { revisions: &revisions, history: &history, recorded: recorded_then.as_ref() };
        let inputs = super::memo::DownInputs { dev_url, dir, opts, tables };
        memo_key = super::memo::down_key(conn, &inputs, super::memo::Schema::Inspected(&actual));
        if let Some((remembered, units)) = memo_key.as_deref().and_then(|k| super::memo::recall(cache, k, units)) {
            crate::trace::mark("plan_down: plan reused (inspected schema, revisions and directory as planned before)");
            return Ok(remembered.into_plan(history, units));
        }
    }
    let current_idx = chain.len() - 1;

    // An interrupted revert of the newest version: the expected state is its
    // state plus the down statements that already ran, and perhaps the ones
    // after them, which may have run before the run died (the database says).
    // Where DDL commits on its own the run may have gone on into the next
    // versions' reverts, as its record planned them, without recording them.
    let mut resumed = history.get(&last.version).and_then(|h| h.down_statements.clone()).map(|stmts| {
        let mut versions = vec![PlannedRevert { version: last.version.clone(), stmts }];
        let recorded = out.run.as_ref().map_or(&[][..], |r| r.plan.as_slice());
        if crate::steps::batches_ddl(&driver.manifest.capabilities)
            && let Some(at) = recorded.iter().position(|p| p.version == last.version)
        {
            let later = recorded.iter().skip(at + 1).zip(reverting.iter().skip(1));
            versions.extend(later.take_while(|(p, r)| p.version == r.version).map(|(p, _)| p.clone()));
        }
        let done = history.get(&last.version).map_or(0, |h| h.down_applied);
        Resumed { done: done.min(versions[0].stmts.len()), versions }
    });
    let drift = match &mut resumed {
        Some(resumed) => {
            let flat: Vec<String> = resumed.versions.iter().flat_map(|v| v.stmts.iter().cloned()).collect();
            let done = resumed.done;
            dev.load(&replayed)?;
            let result = (|| {
                dev.exec_all("the interrupted revert", &flat[..done])?;
                match flat.get(done) {
                    Some(_) => {
                        let batches = crate::steps::batches_ddl(&driver.manifest.capabilities);
                        let end = crate::steps::unrecorded_end(&flat, done, batches);
                        let window = (flat.as_slice(), done, end);
                        Ok(match super::reached(&mut dev, &actual, window, "the interrupted revert")? {
                            super::Reached::At(n) => {
                                resumed.done = n;
                                None
                            }
                            super::Reached::Drift(sql) => Some(sql),
                            super::Reached::Doubt(at) => {
                                let (version, stmt) = resumed.at(at);
                                let next = flat.get(at).map_or("", String::as_str);
                                return Err(super::settle::doubt(version, stmt, next, driver.name()));
                            }
                        })
                    }
                    None => {
                        let expected = dev.inspect()?;
                        drift_sql(conn, &driver, &expected, &actual)
                    }
                }
            })();
            let reset = dev.reset();
            let drift = result?;
            reset?;
            drift
        }
        None => drift_sql(conn, &driver, &replayed, &actual)?,
    };
    crate::trace::mark("plan_down: drift compared");
    // Drift: what the revisions say must be what the database holds.
    if let Some(sql) = drift {
        let error = format!(
            "the database has drifted from version {}: its schema is not what the applied migrations produce; nothing was executed",
            last.version
        );
        let hint = "inspect the differences above; bring the database back (or record the change in a new migration) before reverting";
        return Ok(out.refused(error, hint.into(), Some(sql)));
    }

    // Plans, newest first.
    let transactional = driver.manifest.capabilities.transactional_ddl;
    let mut steps: Vec<Planned> = Vec::new();
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
        let guards: Vec<Guard> = plan
            .statements
            .iter()
            .flat_map(|s| s.checks.iter().cloned().map(|c| Guard { before: 0, check: Check::Plan(c) }))
            .collect();
        let tx = transactional && plan.transactional();
        let units = super::plan_units(&plan);
        let mut planned = Planned {
            units,
            step: Step {
                version: rev.version.clone(),
                description: rev.description.clone(),
                stmts: plan.statements.into_iter().map(|s| s.sql).collect(),
                guards,
                done: 0,
                tx,
                // A revert's statements each keep their own record.
                data_tx: false,
            },
            name,
            source: "plan",
        };
        // An interrupted revert, and those after it it went on to: their
        // statements as recorded, from where the database says they got.
        if let Some((stmts, done)) = resumed.as_ref().and_then(|r| r.version(n))
            && (n == 0 || done > 0)
        {
            planned.step.stmts = stmts.to_vec();
            planned.step.done = done;
            planned.step.guards.clear();
            planned.units.clear();
            // An interrupted revert ran without a transaction; so does its rest.
            planned.step.tx = false;
            planned.source = "resumed";
        }
        steps.push(planned);
    }

    crate::trace::mark("plan_down: steps planned");
    // Manual downs: used when every version to revert has one (unless --plan).
    if !opts.force_plan && resumed.is_none() {
        let downs: Vec<Option<Vec<String>>> = steps
            .iter()
            .map(|s| {
                let file = dir.files().iter().find(|f| f.version() == s.step.version)?;
                let section = file.down().ok().flatten()?;
                Some(section.stmts(&lex).ok()?.into_iter().map(|st| st.text).collect())
            })
            .collect();
        let with: Vec<&str> =
            steps.iter().zip(&downs).filter(|(_, d)| d.is_some()).map(|(s, _)| s.step.version.as_str()).collect();
        if !with.is_empty() && with.len() < steps.len() {
            let (error, hint) = (split_message(&steps, &downs), split_hint(&steps, &downs, &chain));
            return Ok(out.refused(error, hint, None));
        }
        if with.len() == steps.len() {
            // Verify on the dev database, newest first from the expected state:
            // each down must land exactly on the state before its version.
            dev.load(&replayed)?;
            let mut want = replayed.clone();
            let verified = (|| -> Result<Option<(String, String)>, Error> {
                for (n, (planned, down)) in steps.iter_mut().zip(downs).enumerate() {
                    let Some(down) = down else { continue };
                    let step = &mut planned.step;
                    let idx = current_idx - n;
                    if let Some((from, to)) = pairs.get(&idx) {
                        undo(&mut want, from, to);
                    }
                    // Run it one statement at a time: what each statement does to
                    // the schema is planned with checks, and those checks guard
                    // that statement when the down runs for real.
                    let mut got = dev.inspect()?;
                    let mut guards = Vec::new();
                    let mut units = Vec::new();
                    for (k, stmt) in down.iter().enumerate() {
                        dev.exec_all(
                            &format!("down.sql of version {} (statement {})", step.version, k + 1),
                            std::slice::from_ref(stmt),
                        )?;
                        let after = dev.inspect()?;
                        let plan = plan_diff(&driver, &got, &after, &conn.plan_options(true))?;
                        let any = |f: fn(&strata_dialect_api::Statement) -> bool| plan.statements.iter().any(f);
                        units.push(strata_policies::Unit {
                            sql: stmt.clone(),
                            changes: plan.changes.clone(),
                            destructive: any(|s| s.destructive),
                            transactional: plan.statements.iter().all(|s| s.transactional),
                            locks_table: any(|s| s.locks_table),
                            rewrites_table: any(|s| s.rewrites_table),
                            has_checks: any(|s| !s.checks.is_empty()),
                            ..strata_policies::Unit::default()
                        });
                        guards.extend(
                            plan.statements
                                .into_iter()
                                .flat_map(|s| s.checks)
                                .map(|c| Guard { before: k, check: Check::Plan(c) }),
                        );
                        got = after;
                    }
                    let diff = super::diff(&driver, &got, &want)?;
                    if !diff.is_empty() {
                        let missing = driver
                            .plan(&diff, &conn.plan_options(false))
                            .map(|p| plan_sql(&p, false))
                            .unwrap_or_default();
                        return Ok(Some((
                            format!(
                                "down.sql of version {} does not return the schema to the state before it; still needed:\n{missing}",
                                step.version
                            ),
                            "fix the down.sql section, or pass --plan to use the computed plan".into(),
                        )));
                    }
                    step.stmts = down;
                    step.guards = guards;
                    planned.units = units;
                    step.tx = transactional;
                    planned.source = "down.sql";
                }
                Ok(None)
            })();
            let reset = dev.reset();
            if let Some((error, hint)) = verified? {
                return Ok(out.refused(error, hint, None));
            }
            reset?;
        }
    }
    drop(dev);

    out.planned = steps
        .iter()
        .map(|s| PlannedFile {
            name: s.name.clone(),
            version: s.step.version.clone(),
            description: s.step.description.clone(),
            content: s.step.stmts[s.step.done..]
                .iter()
                .map(|st| if st.ends_with(';') { format!("{st}\n") } else { format!("{st};\n") })
                .collect(),
            source: s.source.into(),
        })
        .collect();
    out.units = steps.iter().map(|s| s.units.clone()).collect();
    out.steps = steps.into_iter().map(|s| s.step).collect();
    // The rest of an interrupted revert was settled by inspection against
    // the dev database: plan it afresh each time.
    if let Some(key) = memo_key.filter(|_| resumed.is_none()) {
        super::memo::remember(cache, &key, &out);
    }
    out.history = history;
    Ok(out)
}

/// The SQL turning `expected` into `actual`, when they differ.
fn drift_sql(
    conn: &Conn,
    driver: &crate::plugin::Driver,
    expected: &Realm,
    actual: &Realm,
) -> Result<Option<String>, Error> {
    let drift = super::diff(driver, expected, actual)?;
    if drift.is_empty() {
        return Ok(None);
    }
    Ok(Some(
        driver
            .plan(&drift, &conn.plan_options(false))
            .map(|p| plan_sql(&p, true))
            .unwrap_or_else(|_| drift.iter().map(|c| format!("-- {}\n", c.describe())).collect()),
    ))
}

/// The command's request as recorded with an interrupted run, e.g. `2` or
/// `--to-version 3`.
fn request_of(opts: &DownOptions) -> String {
    match (&opts.to_version, &opts.to_ref_version) {
        (Some(v), _) => format!("--to-version {v}"),
        (None, Some(v)) => format!("--to-tag (version {})", v.as_deref().unwrap_or("none")),
        (None, None) => opts.amount.to_string(),
    }
}

fn split_message(steps: &[Planned], downs: &[Option<Vec<String>>]) -> String {
    let list = |want: bool| -> String {
        steps
            .iter()
            .zip(downs)
            .filter(|(_, d)| d.is_some() == want)
            .map(|(s, _)| s.step.version.as_str())
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
fn split_hint(steps: &[Planned], downs: &[Option<Vec<String>>], chain: &[Link]) -> String {
    let first_kind = downs.first().is_some_and(Option::is_some);
    let run = downs.iter().take_while(|d| d.is_some() == first_kind).count();
    let boundary = steps.get(run.saturating_sub(1)).map(|s| s.step.version.as_str()).unwrap_or_default();
    let below = chain.iter().rev().map(|l| l.version.as_str()).find(|v| *v < boundary).unwrap_or("");
    let what = if first_kind { "using their down.sql" } else { "with computed plans" };
    format!(
        "split the run: `strata migrate down --to-version {below}` reverts {run} version(s) {what}; then run `strata migrate down` again for the rest (or pass --plan to compute every version's plan)"
    )
}

/// The version to revert to. A recorded run that did not finish, whose range
/// still holds the current version, is finished by the same command (or by
/// naming its target); another command is refused until it is.
fn resolve_target(
    revisions: &[Revision],
    opts: &DownOptions,
    request: &str,
    recorded: Option<&DownRun>,
) -> Result<Option<String>, Error> {
    let current = revisions.last().map(|r| r.version.clone()).unwrap_or_default();
    if let Some(run) = recorded
        && current.as_str() <= run.from.as_str()
        && current.as_str() > run.target.as_str()
    {
        let target = (!run.target.is_empty()).then(|| run.target.clone());
        if run.request == request || opts.to_version.as_deref() == Some(run.target.as_str()) {
            return Ok(target);
        }
        let finish = match &target {
            Some(t) => format!("`strata migrate down --to-version {t}`"),
            None => format!("`strata migrate down {}`", revisions.len()),
        };
        return Err(Error::refused(
            format!(
                "an interrupted revert from version {} to {} is unfinished (it was started by `strata migrate down {}`); the database is at version {current}",
                run.from,
                target.as_deref().unwrap_or("0 (nothing applied)"),
                run.request
            ),
            format!("finish it first: run `strata migrate down {}` again, or {finish}", run.request),
        ));
    }
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
pub(super) fn build_chain(
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
    cache: &StateCache,
) -> Result<States, Error> {
    let lo = target.map_or(0, |t| t + 1);
    let hi = chain.len() - 1;
    // Warm path: walk up by patches, keeping only what each version touched.
    let base = match target {
        Some(t) => cached_state(cache, keys, t),
        None => Some(dev.empty()?),
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

    // Cold path: replay, inspecting after the target and every later version,
    // and as many versions below the target as this run reverts: the next
    // `down` of the same size (the usual sequence) then finds its states and
    // patches in the cache instead of replaying everything again.
    let empty = dev.empty()?;
    let mut previous = match target {
        None => Some(empty.clone()),
        Some(_) => None,
    };
    let inspect_from = target.map(|t| t.saturating_sub(hi - t));
    let mut steps = HashMap::new();
    let result = (|| {
        for (i, link) in chain.iter().enumerate().take(hi + 1) {
            dev.exec_all(&format!("replaying version {}", link.version), &link.statements[..link.take])?;
            if inspect_from.is_some_and(|from| i < from) {
                continue;
            }
            let realm = dev.inspect()?;
            let patch = previous.as_ref().and_then(|prev| crate::plan::Patch::between(prev, &realm));
            if let Some(patch) = &patch {
                cache.put_patch(&keys[i], patch);
            }
            // Full states only where a walk starts: the target, the top, every
            // CHECKPOINT versions, and where no patch leads (the first state
            // inspected; a schema came or went). The cache grows by patches,
            // not by whole schemas.
            if patch.is_none() || Some(i) == target || i == hi || i % CHECKPOINT == 0 {
                cache.put(&keys[i], &realm);
            }
            if let Some(prev) = &previous
                && i >= lo
            {
                let (from, to) = super::reduce(&realm, prev);
                steps.insert(i, (from, to));
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

/// Versions between two full states kept in the cache.
const CHECKPOINT: usize = 32;

/// The cached state after chain index `t`: stored whole, or the nearest whole
/// state below it walked up by patches.
fn cached_state(cache: &StateCache, keys: &[String], t: usize) -> Option<Realm> {
    let start = (t.saturating_sub(CHECKPOINT)..=t).rev().find_map(|j| cache.get(keys.get(j)?).map(|r| (j, r)));
    let (j, mut realm) = start?;
    for key in keys.get(j + 1..=t)? {
        if !cache.get_patch(key)?.apply(&mut realm) {
            return None;
        }
    }
    Some(realm)
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
