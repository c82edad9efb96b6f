//! The one executor. `migrate apply`, `migrate down` and `schema apply` hand it
//! ordered steps (a version's statements, the checks guarding them, whether
//! they may share a transaction); it runs them under the transaction policy
//! the plugin allows and records progress through a [`RevisionLog`]. It never
//! plans: what to run, and from which statement, is decided before it starts.

use super::{PlanCheck, Progress, truthy};
use crate::clock;
use crate::error::{Error, db};
use crate::plugin::Conn;
use crate::steps::{Check, Guard, Step, batches_ddl, chains, is_data, is_ddl};
use std::collections::HashMap;
use std::time::{Instant, SystemTime};

/// How steps share transactions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Policy {
    /// One transaction for the whole run (every step must allow it).
    All,
    /// A transaction per step where the step allows it; statement by statement,
    /// with progress recorded after each, where it does not (a run of data
    /// statements sharing one transaction where `Step::data_tx` says so).
    PerStep,
}

/// How the executor runs.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// The transaction policy.
    pub policy: Policy,
    /// List checks without running them.
    pub skip_checks: bool,
    /// The run reverts versions (progress output says so).
    pub reverting: bool,
}

/// What happened to one step.
#[derive(Debug, Clone, Default)]
pub struct StepReport {
    /// The step's version.
    pub version: String,
    /// When it started (RFC 3339).
    pub start: String,
    /// When it ended.
    pub end: String,
    /// Statements an earlier run executed.
    pub skipped: usize,
    /// Statements run (emptied when a transaction rolled them back).
    pub applied: Vec<String>,
    /// Checks evaluated, in order.
    pub checks: Vec<PlanCheck>,
    /// The statement that failed and its error.
    pub error: Option<(String, String)>,
}

/// Why a run stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StopKind {
    /// A check did not hold.
    Check,
    /// A statement failed.
    Statement,
    /// The database did not commit.
    Commit,
    /// Recording progress failed.
    Record,
}

/// A run that stopped before its end.
#[derive(Debug, Clone)]
pub struct Stop {
    /// Why.
    pub kind: StopKind,
    /// Index (in the run's steps) of the step that stopped.
    pub step: usize,
    /// Index of the statement that failed or whose check failed.
    pub stmt: usize,
    /// What went wrong, passwords masked.
    pub message: String,
    /// A transaction rolled back what the failed step (or run) had done.
    pub rolled_back: bool,
}

/// What a run did.
#[derive(Debug, Clone, Default)]
pub struct Outcome {
    /// A report per step started.
    pub steps: Vec<StepReport>,
    /// Where and why it stopped, if it did.
    pub stop: Option<Stop>,
}

/// Where a run's progress is recorded, so that a run killed midway can be
/// finished by running the same command again. Writes made while a transaction
/// is open commit or roll back with the step.
pub trait RevisionLog {
    /// A step is about to run its first statement (or resume after `done`).
    ///
    /// # Errors
    /// When the write fails; the step does not run.
    fn start(&mut self, conn: &mut Conn, step: &Step) -> Result<(), Error>;
    /// `ran` statements of a step running without a transaction have executed.
    ///
    /// # Errors
    /// When the write fails; the run stops.
    fn progress(&mut self, conn: &mut Conn, step: &Step, ran: usize) -> Result<(), Error>;
    /// Every statement of the step ran.
    ///
    /// # Errors
    /// When the write fails; the run stops.
    fn finish(&mut self, conn: &mut Conn, step: &Step) -> Result<(), Error>;
    /// The step's first statement (or its first check) is about to run. Its
    /// start may be written later (see `Ledger`): a log that times steps
    /// starts the clock here.
    fn began(&mut self, _step: &Step) {}
    /// Every statement of the step ran; its finish may be written later.
    fn ran(&mut self, _step: &Step) {}
    /// A transaction is about to commit (or, without transactions, a record
    /// is written): writes the log held back to batch them must be made now,
    /// inside it. A log may hold writes back only until then.
    ///
    /// # Errors
    /// When the write fails; the transaction rolls back.
    fn before_commit(&mut self, _conn: &mut Conn) -> Result<(), Error> {
        Ok(())
    }
    /// The step stopped at `stop`. After a rollback nothing of it is applied;
    /// otherwise its first `stop.stmt` statements are.
    ///
    /// # Errors
    /// When the write fails.
    fn failed(&mut self, conn: &mut Conn, step: &Step, stop: &Stop) -> Result<(), Error>;
}

/// Runs `steps` in order under `opts.policy`, recording progress in `log`.
///
/// Returns how far the run got; a stop (failed check, statement or commit) is
/// part of the outcome, not an error.
///
/// # Errors
/// When bookkeeping or the connection fails in a way that leaves the outcome
/// unknown (a transaction is rolled back first).
pub fn run(
    conn: &mut Conn,
    steps: &[Step],
    opts: &Options,
    log: &mut dyn RevisionLog,
    progress: &mut dyn Progress,
) -> Result<Outcome, Error> {
    let mut out = Outcome::default();
    if opts.policy == Policy::All {
        conn.begin().map_err(db("starting a transaction"))?;
        for (i, step) in steps.iter().enumerate() {
            match run_step(conn, (i, step, None), true, opts, log, progress, &mut out, &mut Ledger::default()) {
                Ok(None) => {}
                Ok(Some(stop)) => return roll_back_all(conn, steps, log, stop, out),
                Err(e) => {
                    let _ = conn.rollback();
                    return Err(e);
                }
            }
        }
        if let Err(e) = log.before_commit(conn) {
            let stop = Stop {
                kind: StopKind::Record,
                step: steps.len().saturating_sub(1),
                stmt: 0,
                message: e.to_string(),
                rolled_back: true,
            };
            return roll_back_all(conn, steps, log, stop, out);
        }
        if let Err(e) = conn.commit() {
            let stop = Stop {
                kind: StopKind::Commit,
                step: steps.len().saturating_sub(1),
                stmt: 0,
                message: format!("committing the run: {}", strata_dialect_api::mask(&e.message)),
                rolled_back: true,
            };
            return roll_back_all(conn, steps, log, stop, out);
        }
        return Ok(out);
    }
    let mut ledger = Ledger::default();
    for (i, step) in steps.iter().enumerate() {
        if step.tx {
            // Not inside the step's transaction: a rollback would take it too.
            if let Err(e) = flush(conn, log, &mut ledger) {
                return record_stop(conn, steps, log, i.saturating_sub(1), &e, out);
            }
            conn.begin().map_err(db("starting a transaction"))?;
        }
        let next = steps.get(i + 1);
        let stopped = match run_step(conn, (i, step, next), step.tx, opts, log, progress, &mut out, &mut ledger) {
            Ok(stopped) => stopped,
            Err(e) => {
                if step.tx {
                    let _ = conn.rollback();
                }
                let _ = flush(conn, log, &mut ledger);
                return Err(e);
            }
        };
        let stopped = match stopped {
            Some(stop) => {
                if stop.rolled_back {
                    let _ = conn.rollback();
                }
                Some(stop)
            }
            // Ended either way: what is recorded of the stop is written outside it.
            None if step.tx => match log.before_commit(conn) {
                Err(e) => {
                    let _ = conn.rollback();
                    Some(Stop { kind: StopKind::Record, step: i, stmt: 0, message: e.to_string(), rolled_back: true })
                }
                Ok(()) => conn.commit().err().map(|e| {
                    let _ = conn.rollback();
                    Stop {
                        kind: StopKind::Commit,
                        step: i,
                        stmt: 0,
                        message: format!(
                            "committing version {}: {}",
                            step.version,
                            strata_dialect_api::mask(&e.message)
                        ),
                        rolled_back: true,
                    }
                }),
            },
            None => None,
        };
        if let Some(stop) = stopped {
            if stop.rolled_back
                && let Some(report) = out.steps.last_mut()
            {
                report.applied.clear();
            }
            log.failed(conn, step, &stop)?;
            out.stop = Some(stop);
            return Ok(out);
        }
    }
    if let Err(e) = flush(conn, log, &mut ledger) {
        return record_stop(conn, steps, log, steps.len().saturating_sub(1), &e, out);
    }
    Ok(out)
}

/// A revision-log call a run owes: written with its next record.
#[derive(Clone, Copy)]
enum Call<'s> {
    Start(&'s Step),
    Finish(&'s Step),
}

/// The bookkeeping a run without one transaction carries from statement to
/// statement and step to step. Where the dialect's DDL commits on its own, a
/// record costs a commit of its own; the run writes one only where settling a
/// killed run by inspection could not tell how far it got without it (see
/// `steps::chains`): a step's finish, the next step's start and the progress
/// in between wait for the next record that is needed.
#[derive(Default)]
struct Ledger<'s> {
    /// Calls not yet written, in order; every record writes them first.
    owed: Vec<Call<'s>>,
    /// The last statement the run executed.
    last: Option<&'s str>,
    /// The last record written names a position inside a step (a partial
    /// revision): a run killed after it is settled by inspection from there.
    marked: bool,
    /// The next step's start is written already (with the record that
    /// finished the step before).
    started: bool,
}

impl Ledger<'_> {
    /// Writes the owed calls inside the caller's transaction; they stay owed
    /// until the caller knows it committed.
    fn write(&self, conn: &mut Conn, log: &mut dyn RevisionLog) -> Result<(), Error> {
        for call in &self.owed {
            match call {
                Call::Start(step) => log.start(conn, step)?,
                Call::Finish(step) => log.finish(conn, step)?,
            }
        }
        Ok(())
    }

    /// A record (the owed calls first) was written and committed; `marked`:
    /// it names a position inside a step.
    fn written(&mut self, marked: bool) {
        self.owed.clear();
        self.marked = marked;
    }
}

/// Writes what the run owes, if anything, in one transaction.
fn flush(conn: &mut Conn, log: &mut dyn RevisionLog, ledger: &mut Ledger) -> Result<(), Error> {
    if ledger.owed.is_empty() {
        return Ok(());
    }
    logged(conn, log, false, |conn, log| ledger.write(conn, log))?;
    ledger.written(false);
    Ok(())
}

/// Ends a run whose deferred finish of step `i` could not be recorded: its
/// statements ran; the next run settles the record by inspection.
fn record_stop(
    conn: &mut Conn,
    steps: &[Step],
    log: &mut dyn RevisionLog,
    i: usize,
    e: &Error,
    mut out: Outcome,
) -> Result<Outcome, Error> {
    let stmts = steps.get(i).map_or(0, |s| s.stmts.len());
    let stop = Stop { kind: StopKind::Record, step: i, stmt: stmts, message: e.to_string(), rolled_back: false };
    if let Some(step) = steps.get(i) {
        log.failed(conn, step, &stop)?;
    }
    out.stop = Some(stop);
    Ok(out)
}

/// Ends a one-transaction run that stopped: nothing of it stays.
fn roll_back_all(
    conn: &mut Conn,
    steps: &[Step],
    log: &mut dyn RevisionLog,
    mut stop: Stop,
    mut out: Outcome,
) -> Result<Outcome, Error> {
    let _ = conn.rollback();
    stop.rolled_back = true;
    for report in &mut out.steps {
        report.applied.clear();
    }
    if let Some(step) = steps.get(stop.step) {
        log.failed(conn, step, &stop)?;
    }
    out.stop = Some(stop);
    Ok(out)
}

/// Runs one step from its `done` statement on; `in_tx` when a transaction is
/// open around it; `next` is the step after it. Pushes the step's report;
/// returns where it stopped.
#[allow(clippy::too_many_arguments, clippy::too_many_lines)]
fn run_step<'s>(
    conn: &mut Conn,
    (index, step, next): (usize, &'s Step, Option<&'s Step>),
    in_tx: bool,
    opts: &Options,
    log: &mut dyn RevisionLog,
    progress: &mut dyn Progress,
    out: &mut Outcome,
    ledger: &mut Ledger<'s>,
) -> Result<Option<Stop>, Error> {
    let timer = Instant::now();
    out.steps.push(StepReport {
        version: step.version.clone(),
        start: clock::rfc3339(SystemTime::now()),
        skipped: step.done,
        ..StepReport::default()
    });
    let stop = |kind, stmt, message: String| Stop { kind, step: index, stmt, message, rolled_back: in_tx };
    log.began(step);
    // The checks guarding where the step starts; a resumed step's earlier
    // checks held before the statements that already ran.
    let first: Vec<&Guard> = step.guards.iter().filter(|g| g.before == step.done).collect();
    if !first.is_empty() {
        progress.checks_start(&step.version, opts.reverting);
        let timer = Instant::now();
        let failed = evaluate(
            conn,
            (&step.version, &HashMap::new()),
            &first,
            opts.skip_checks,
            true,
            opts.reverting,
            last(out),
            progress,
        );
        progress.checks_done(timer.elapsed(), last(out).checks.iter().filter(|c| c.ok == Some(false)).count());
        if let Some(message) = failed {
            // The steps before are done whatever this one's checks say.
            if let Err(e) = flush(conn, log, ledger) {
                finish_report(out);
                let message = format!("{message}; recording the version before as applied failed too: {e}");
                return Ok(Some(stop(StopKind::Record, step.done, message)));
            }
            finish_report(out);
            return Ok(Some(stop(StopKind::Check, step.done, message)));
        }
    }
    let caps = &conn.driver().manifest.capabilities;
    let (ddl_commits, no_tx) = (!caps.transactional_ddl, caps.no_transactions);
    let batches = batches_ddl(caps);
    let first_sql = step.stmts.get(step.done).map(String::as_str);
    if std::mem::take(&mut ledger.started) {
        // Written with the record that finished the step before.
    } else if !in_tx
        && batches
        && ledger.marked
        && !ledger.owed.is_empty()
        && ledger.last.zip(first_sql).is_some_and(|(prev, next)| chains(prev, next))
    {
        // The run goes on from the step before without a record: its finish
        // and this step's start wait for the next one.
        ledger.owed.push(Call::Start(step));
    } else {
        // What is owed (the step before's finish) and this step's start land together.
        ledger.owed.push(Call::Start(step));
        if let Err(e) = logged(conn, log, in_tx, |conn, log| ledger.write(conn, log)) {
            // All rolled back: the steps before ran whole, so what they owe
            // is written on its own (if that fails too, the next run settles it).
            ledger.owed.pop();
            let _ = flush(conn, log, ledger);
            finish_report(out);
            return Ok(Some(stop(StopKind::Record, step.done, e.to_string())));
        }
        ledger.written(first_sql.is_some());
    }
    progress.file_start(&step.version, opts.reverting);
    if step.done > 0 {
        progress.resume(step.done, step.stmts.len());
    }
    // The step after starts with the record finishing this one when nothing
    // is checked in between.
    let then =
        next.filter(|n| !in_tx && !n.tx && n.done < n.stmts.len() && !n.guards.iter().any(|g| g.before == n.done));
    // Statements the records say ran: behind `j` after unrecorded ones.
    let mut recorded = step.done;
    // The step's finish is written (with its last statement).
    let mut finished = false;
    // Where statements share a transaction of their own with their record, a
    // run of data statements shares one (`Step::data_tx`): one commit for the
    // run instead of one each. It starts at `group` and stays open while the
    // next statement joins it; a failure inside it rolls it back, and its
    // statements run again one by one up to the failing one (`alone`), so
    // the stop names the statement and everything before it is applied.
    let joins = |k: usize| {
        step.data_tx
            && !in_tx
            && step.stmts.get(k).is_some_and(|s| is_data(s))
            && !step.guards.iter().any(|g| g.before == k)
    };
    let mut group: Option<usize> = None;
    let mut alone = 0;
    // Statements shown so far: a group run again one by one is not shown twice.
    let mut shown = step.done;
    let mut j = step.done;
    while let Some(sql) = step.stmts.get(j) {
        // Without a transaction around the step, each statement shares one
        // with its progress record, so a run killed between the two cannot
        // leave the record behind the database. DDL that commits on its own
        // (MySQL) gains nothing from one: it is settled by inspection when the
        // run resumes.
        let own = !(in_tx || ddl_commits && is_ddl(sql));
        if own && group.is_none() {
            conn.begin().map_err(db("starting a transaction"))?;
        }
        // Statements of the open group before this one (rolled back with it).
        let held = group.map_or(0, |g| j - g);
        if j > step.done {
            let guards: Vec<&Guard> = step.guards.iter().filter(|g| g.before == j).collect();
            let answers = HashMap::new();
            if let Some(message) = evaluate(
                conn,
                (&step.version, &answers),
                &guards,
                opts.skip_checks,
                false,
                opts.reverting,
                last(out),
                progress,
            ) {
                if own {
                    let _ = conn.rollback();
                }
                catch_up(conn, log, step, ledger, (in_tx, recorded, j));
                finish_report(out);
                return Ok(Some(stop(StopKind::Check, j, message)));
            }
        }
        if j >= shown {
            progress.stmt(sql);
            shown = j + 1;
        }
        let mut result = conn.exec(sql, Vec::new());
        if own && held == 0 && result.as_ref().is_err_and(|e| refuses_transaction(&e.message)) {
            // The statement cannot run inside a transaction (CREATE INDEX
            // CONCURRENTLY, VACUUM): run it on its own.
            let _ = conn.rollback();
            result = conn.exec(sql, Vec::new());
            conn.begin().map_err(db("starting a transaction"))?;
        }
        if let Err(e) = result {
            if own {
                let _ = conn.rollback();
            }
            if let Some(g) = group.take() {
                // The group is gone: run it again statement by statement.
                let report = last(out);
                report.applied.truncate(report.applied.len().saturating_sub(held));
                (alone, j) = (j, g);
                continue;
            }
            let text = strata_dialect_api::mask(&e.message);
            progress.stmt_error(&text);
            last(out).error = Some((sql.clone(), text.clone()));
            catch_up(conn, log, step, ledger, (in_tx, recorded, j));
            finish_report(out);
            return Ok(Some(stop(StopKind::Statement, j, text)));
        }
        let end = j + 1 == step.stmts.len();
        // The next statement joins this one's transaction: no record yet.
        if own && j >= alone && joins(j) && joins(j + 1) {
            group.get_or_insert(j);
            ledger.last = Some(sql.as_str());
            last(out).applied.push(sql.clone());
            j += 1;
            continue;
        }
        let first = group.take().unwrap_or(j);
        // A statement that committed on its own needs no record of its own
        // when the run goes on to a statement settling can find or one that
        // shares a transaction with its record (`steps::chains`): a kill in
        // between is settled by inspection, which finds how far the run got.
        // Nor does a step's last one: its finish waits for the next record.
        // Each record saved is a commit saved. One that shares a transaction
        // with its record keeps it, and a step's last one writes the finish.
        let unrecorded = !own && (end || batches && step.stmts.get(j + 1).is_some_and(|n| chains(sql, n)));
        if !in_tx && !unrecorded {
            let record = |conn: &mut Conn, log: &mut dyn RevisionLog| -> Result<(), Error> {
                ledger.write(conn, log)?;
                if end {
                    log.finish(conn, step)?;
                    if let Some(n) = then {
                        log.start(conn, n)?;
                    }
                    Ok(())
                } else {
                    log.progress(conn, step, j + 1)
                }
            };
            let written = if own || ledger.owed.is_empty() && !end {
                record(conn, log).and_then(|()| log.before_commit(conn))
            } else {
                logged(conn, log, false, record)
            };
            if let Err(e) = written {
                if own {
                    let _ = conn.rollback();
                    let report = last(out);
                    report.applied.truncate(report.applied.len().saturating_sub(j - first));
                } else {
                    // It committed on its own: it ran, whatever the record says.
                    last(out).applied.push(sql.clone());
                }
                finish_report(out);
                return Ok(Some(stop(StopKind::Record, if own { first } else { j + 1 }, e.to_string())));
            }
            if !own {
                ledger.written(!end);
            }
            recorded = j + 1;
        }
        if own && let Err(e) = conn.commit() {
            // A commit that failed may leave the transaction open (SQLite's
            // BUSY): end it, or the records written next would join it.
            let _ = conn.rollback();
            let report = last(out);
            report.applied.truncate(report.applied.len().saturating_sub(j - first));
            let text = strata_dialect_api::mask(&e.message);
            finish_report(out);
            return Ok(Some(stop(StopKind::Commit, first, format!("committing statement {sql:?}: {text}"))));
        }
        if end {
            log.ran(step);
        }
        if own && !in_tx {
            ledger.written(!end || then.is_some());
            if end {
                finished = true;
                ledger.started = then.is_some();
            }
        }
        ledger.last = Some(sql.as_str());
        last(out).applied.push(sql.clone());
        j += 1;
    }
    // Without a transaction of its own, the finish waits for the next record
    // (one commit for both); a run killed in between is settled like one
    // killed after the last statement.
    if !finished && !in_tx && !no_tx {
        ledger.owed.push(Call::Finish(step));
    } else if !finished && let Err(e) = logged(conn, log, in_tx, |conn, log| log.finish(conn, step)) {
        finish_report(out);
        return Ok(Some(stop(StopKind::Record, step.stmts.len(), e.to_string())));
    }
    progress.file_done(timer.elapsed());
    finish_report(out);
    Ok(None)
}

/// A run that stops at statement `j` knows exactly what ran: what it owes and
/// the statements it ran without a record are recorded now, so the next run
/// starts from the record instead of settling by inspection. Best effort: a
/// failure here leaves the gap to that settling.
fn catch_up<'s>(
    conn: &mut Conn,
    log: &mut dyn RevisionLog,
    step: &'s Step,
    ledger: &mut Ledger<'s>,
    (in_tx, recorded, j): (bool, usize, usize),
) {
    if in_tx || j <= recorded && ledger.owed.is_empty() {
        return;
    }
    let written = logged(conn, log, false, |conn, log| {
        ledger.write(conn, log)?;
        if j > recorded { log.progress(conn, step, j) } else { Ok(()) }
    });
    if written.is_ok() {
        ledger.written(true);
    }
}

/// Writes a step's bookkeeping. Outside the step's transaction its writes (a
/// revision and a history row) share one of their own where the dialect has
/// transactions: they land together, for one commit instead of one each,
/// which on a server that syncs every commit is most of a small step's time.
/// What the log held back to batch is written before the commit; inside the
/// step's transaction, when that commits.
fn logged(
    conn: &mut Conn,
    log: &mut dyn RevisionLog,
    in_tx: bool,
    write: impl FnOnce(&mut Conn, &mut dyn RevisionLog) -> Result<(), Error>,
) -> Result<(), Error> {
    if in_tx {
        return write(conn, log);
    }
    if conn.driver().manifest.capabilities.no_transactions {
        write(conn, log)?;
        return log.before_commit(conn);
    }
    conn.begin().map_err(db("starting a transaction"))?;
    if let Err(e) = write(conn, log).and_then(|()| log.before_commit(conn)) {
        let _ = conn.rollback();
        return Err(e);
    }
    conn.commit().map_err(|e| {
        // A failed commit may leave the transaction open (SQLite's BUSY).
        let _ = conn.rollback();
        db("committing the revision records")(e)
    })
}

/// True when a database refused a statement because a transaction was open.
fn refuses_transaction(message: &str) -> bool {
    let m = message.to_ascii_lowercase();
    m.contains("cannot run inside a transaction block") || m.contains("within a transaction")
}

fn last(out: &mut Outcome) -> &mut StepReport {
    if out.steps.is_empty() {
        out.steps.push(StepReport::default());
    }
    let n = out.steps.len() - 1;
    &mut out.steps[n]
}

fn finish_report(out: &mut Outcome) {
    last(out).end = clock::rfc3339(SystemTime::now());
}

/// Why a run refuses: a check on `version` did not hold. The reason says what
/// the check expects, e.g. `column "c" of table "t" is empty`.
fn check_failed(reverting: bool, version: &str, reason: &str, sql: &str) -> String {
    let what = if reverting { "reverting version" } else { "version" };
    format!("check before {what} {version} failed: expected {reason} ({sql})")
}

/// Evaluates guards, recording each outcome in `report`. `block` prints them as
/// a block before the step, otherwise inline before their statement. Returns
/// why the first one that did not hold failed.
#[allow(clippy::too_many_arguments)]
fn evaluate(
    conn: &mut Conn,
    (version, answers): (&str, &HashMap<String, bool>),
    guards: &[&Guard],
    skip: bool,
    block: bool,
    reverting: bool,
    report: &mut StepReport,
    progress: &mut dyn Progress,
) -> Option<String> {
    let mut failed: Option<String> = None;
    for guard in guards {
        match &guard.check {
            Check::Plan(c) if skip => report.checks.push(PlanCheck::skipped(c)),
            Check::Plan(c) => {
                let outcome = match answers.get(&c.sql) {
                    Some(&ok) => PlanCheck { stmt: c.sql.clone(), reason: c.reason.clone(), ok: Some(ok), error: None },
                    None => PlanCheck::evaluate(conn, c),
                };
                let ok = outcome.held();
                if block {
                    progress.check(&c.sql, ok);
                } else {
                    progress.guard(&c.sql, ok);
                }
                if !ok && failed.is_none() {
                    let why = outcome.error.as_deref().map(|e| format!(": {e}")).unwrap_or_default();
                    failed = Some(format!("{}{why}", check_failed(reverting, version, &c.reason, &c.sql)));
                }
                report.checks.push(outcome);
            }
            Check::Asserts { stmts, oneof } => {
                let mut any = false;
                let mut first_false = None;
                let mut failures = 0;
                for sql in stmts {
                    let (ok, error) = match conn.query(sql, Vec::new()) {
                        Ok(rows) => (truthy(&rows), None),
                        Err(e) => (false, Some(strata_dialect_api::mask(&e.message))),
                    };
                    progress.check(sql, ok);
                    any |= ok;
                    if !ok {
                        failures += 1;
                        first_false.get_or_insert_with(|| match &error {
                            Some(e) => format!("check assertion {sql:?} failed: {e}"),
                            None => format!("check assertion {sql:?} returned false"),
                        });
                    }
                    report.checks.push(PlanCheck { stmt: sql.clone(), reason: String::new(), ok: Some(ok), error });
                }
                let group_failed = if *oneof { !any && !stmts.is_empty() } else { first_false.is_some() };
                if group_failed && failed.is_none() {
                    failed = first_false.map(|f| format!("{failures} of {} assertions failed: {f}", stmts.len()));
                }
            }
        }
    }
    failed
}

/// Evaluates the checks guarding the start of each step before any step runs:
/// for dry runs, and for steps that run without a transaction, where nothing
/// could be undone once a later check fails. A check that held is removed from
/// its step; one that could not run (it reads a table or column an earlier
/// step restores) stays, and runs when its step starts. Returns the outcomes
/// per step, the checks left for later, and the first check that did not hold.
pub fn precheck(
    conn: &mut Conn,
    steps: &mut [Step],
    skip: bool,
    reverting: bool,
    progress: &mut dyn Progress,
) -> (Vec<StepReport>, Option<String>) {
    let mut reports = Vec::new();
    let mut failed = None;
    // Every check up front in one query where they all run.
    let sqls: Vec<&str> = steps
        .iter()
        .flat_map(|s| s.guards.iter().filter(|g| g.before == s.done))
        .filter_map(|g| match &g.check {
            Check::Plan(c) if !skip => Some(c.sql.as_str()),
            _ => None,
        })
        .collect();
    let answers: HashMap<String, bool> = match sqls.len() {
        0 | 1 => HashMap::new(),
        _ => PlanCheck::evaluate_all(conn, &sqls)
            .map(|oks| sqls.iter().map(|s| (*s).to_string()).zip(oks).collect())
            .unwrap_or_default(),
    };
    for step in steps.iter_mut() {
        let mut report = StepReport { version: step.version.clone(), ..StepReport::default() };
        let (first, rest): (Vec<Guard>, Vec<Guard>) = step.guards.drain(..).partition(|g| g.before == step.done);
        step.guards = rest;
        if !first.is_empty() {
            progress.checks_start(&step.version, reverting);
            let timer = Instant::now();
            let refs: Vec<&Guard> = first.iter().collect();
            let message =
                evaluate(conn, (&step.version, &answers), &refs, skip, true, reverting, &mut report, progress);
            let mut deferred = Vec::new();
            if first.iter().all(|g| matches!(g.check, Check::Plan(_))) {
                // One outcome per plan check, in order.
                for (guard, outcome) in first.iter().zip(&report.checks) {
                    if outcome.ok == Some(false) && outcome.error.is_some() {
                        deferred.push(guard.clone());
                    } else if outcome.ok == Some(false) && failed.is_none() {
                        failed = Some(check_failed(reverting, &step.version, &outcome.reason, &outcome.stmt));
                    }
                }
                report.checks.retain(|c| c.ok != Some(false) || c.error.is_none());
            } else if failed.is_none() {
                failed = message;
            }
            progress.checks_done(timer.elapsed(), report.checks.iter().filter(|c| c.ok == Some(false)).count());
            step.guards.splice(0..0, deferred);
        }
        reports.push(report);
    }
    (reports, failed)
}
