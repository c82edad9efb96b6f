//! `migrate apply`: choose the pending files (plan), run them (exec), record
//! them (revisions), confirm from the database what it now holds.

use super::ApplyLog;
use crate::clock;
use crate::dir::{Dir, File};
use crate::error::Error;
use crate::exec::{self, Policy, Progress, StopKind};
use crate::plan::{Check, ExecOrder, Guard, Step};
use crate::plugin::{Conn, Registry};
use crate::report::{AppliedFile, ApplyReport, FileRef, StmtError};
use crate::revisions::{HistoryStore, Revision, RevisionStore, TYPE_BASELINE, TYPE_EXECUTE};
use serde::Serialize;
use std::time::{Duration, SystemTime};

/// How files are wrapped in transactions.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TxMode {
    /// One transaction per file (the default).
    #[default]
    File,
    /// One transaction for the whole run.
    All,
    /// No transaction: statements commit one by one.
    None,
}

impl std::str::FromStr for TxMode {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "file" => Ok(TxMode::File),
            "all" => Ok(TxMode::All),
            "none" => Ok(TxMode::None),
            other => Err(format!("unknown tx-mode {other:?}")),
        }
    }
}

/// Options of `migrate apply`.
#[derive(Debug, Clone, Default)]
pub struct ApplyOptions {
    /// Apply at most this many files.
    pub amount: Option<usize>,
    /// Stop after this version.
    pub to_version: Option<String>,
    /// On a first run against a non-empty database, record this version as the baseline.
    pub baseline: Option<String>,
    /// On a first run, apply to a non-empty database.
    pub allow_dirty: bool,
    /// Print and check, change nothing.
    pub dry_run: bool,
    /// Transaction mode.
    pub tx_mode: TxMode,
    /// Where the revisions table lives.
    pub revisions_schema: Option<String>,
    /// How long to wait for the migration lock.
    pub lock_timeout: Duration,
    /// Out-of-order policy.
    pub exec_order: ExecOrder,
    /// The dev database that settles where an interrupted run stopped.
    pub dev_url: Option<String>,
    /// The user's answer for a data statement whose fate is unknown.
    pub in_doubt: Option<crate::plan::InDoubt>,
}

/// Applies pending files of `dir` to the database behind `conn`.
///
/// The report is returned even when a file fails (with `error` set), so the
/// caller can print how far the run got; `Err` means nothing ran.
///
/// # Errors
/// When the run is refused before any statement executes (dirty database,
/// out-of-order files, history changed, lock taken, unknown version, an
/// interrupted statement whose effect cannot be settled).
pub fn apply(
    registry: &Registry,
    conn: &mut Conn,
    dir: &Dir,
    opts: &ApplyOptions,
    progress: &mut dyn Progress,
) -> Result<ApplyReport, Error> {
    exec::locked(conn, opts.lock_timeout, |conn| apply_locked(registry, conn, dir, opts, progress))
}

/// A file to run, from which statement on.
struct Pending<'a> {
    file: &'a File,
    stmts: Vec<crate::dir::Stmt>,
    start: usize,
    revision: Option<Revision>,
}

#[allow(clippy::too_many_lines)]
fn apply_locked(
    registry: &Registry,
    conn: &mut Conn,
    dir: &Dir,
    opts: &ApplyOptions,
    progress: &mut dyn Progress,
) -> Result<ApplyReport, Error> {
    let started = SystemTime::now();
    let lex = crate::dir::lex_options(&conn.driver().manifest.lexer);
    let store = RevisionStore::new(conn, opts.revisions_schema.as_deref())?;
    let history = HistoryStore::new(conn, opts.revisions_schema.as_deref())?;
    let revisions = store.read(conn)?;
    let files = dir.files();
    let mut report = ApplyReport {
        driver: conn.driver().name().to_string(),
        url: conn.url().redacted(),
        dir: dir.path().display().to_string(),
        start: clock::rfc3339(started),
        dry_run: opts.dry_run,
        ..ApplyReport::default()
    };
    if let Some(v) = &opts.to_version
        && !files.iter().any(|f| f.version() == v)
    {
        return Err(Error::Usage(format!("migration with version {v:?} not found")));
    }
    // The directory and its history are checked, and the files to run chosen, by plan.
    let planned = crate::plan::pending(
        files,
        &revisions,
        &crate::plan::PendingOptions { order: opts.exec_order, baseline: opts.baseline.as_deref() },
        &lex,
    )
    .map_err(|e| e.into_error(dir.path()))?;
    if revisions.is_empty() && planned.baseline.is_none() && !opts.allow_dirty {
        ensure_clean(conn)?;
    }
    let baseline_row = planned.baseline.map(|f| Revision::new(f.version(), f.desc(), TYPE_BASELINE, 0, ""));
    report.current = match (planned.baseline, revisions.last()) {
        (Some(f), _) => f.version().to_string(),
        (None, Some(last)) => last.version.clone(),
        (None, None) => String::new(),
    };
    let mut pending: Vec<Pending> = planned
        .files
        .into_iter()
        .map(|p| Pending { file: p.file, stmts: p.stmts, start: p.start, revision: p.revision })
        .collect();

    if let Some(v) = &opts.to_version {
        pending.retain(|p| p.file.version() <= v.as_str());
    }
    if let Some(n) = opts.amount {
        pending.truncate(n);
    }
    // Parse every file (and its directives) before running anything, so broken
    // SQL in file 5 does not leave files 1–4 applied.
    let caps = &conn.driver().manifest.capabilities;
    let (transactional, has_transactions) = (caps.transactional_ddl, !caps.no_transactions);
    let mut steps = Vec::with_capacity(pending.len());
    for p in &mut pending {
        if p.stmts.is_empty() && p.start == 0 {
            p.stmts = p.file.stmts(&lex).map_err(|e| lex_error(dir, p.file, e))?;
        }
        let located = |e: &dyn std::fmt::Display| Error::Refused {
            message: format!("{}: {e}", dir.path().join(p.file.name()).display()),
            hint: None,
        };
        let directives = p.file.directives().map_err(|e| located(&e))?;
        if opts.tx_mode == TxMode::All && directives.txmode.is_some() {
            return Err(Error::Usage(format!(
                "{}: the atlas:txmode directive cannot be used with --tx-mode all",
                p.file.name()
            )));
        }
        let mode = match (opts.tx_mode, directives.txmode) {
            (TxMode::All, _) => TxMode::All,
            (_, Some(crate::dir::TxMode::None)) => TxMode::None,
            (_, Some(crate::dir::TxMode::File)) => TxMode::File,
            (mode, None) => mode,
        };
        // txtar checks guard the file: inside its transaction, right before its
        // statements, so nothing can change what they asserted.
        let mut guards = Vec::new();
        for check in p.file.checks().map_err(|e| located(&e))? {
            let stmts = check.stmts(&lex).map_err(|e| lex_error(dir, p.file, e))?;
            guards.push(Guard {
                before: 0,
                check: Check::Asserts {
                    stmts: stmts.into_iter().map(|s| s.text).collect(),
                    oneof: check.assert_oneof(),
                },
            });
        }
        steps.push(Step {
            version: p.file.version().into(),
            description: p.file.desc().into(),
            stmts: p.stmts.iter().map(|s| s.text.clone()).collect(),
            guards,
            done: p.start,
            // Without transactional DDL a transaction protects nothing: such
            // files run statement by statement, progress recorded after each,
            // but for runs of data statements, which a transaction holds.
            tx: transactional && mode != TxMode::None,
            data_tx: !transactional && has_transactions && mode != TxMode::None,
        });
    }
    // A table the run gives an engine without transactions (MyISAM) would
    // keep what a rolled-back run of data statements wrote to it.
    if steps.iter().any(|s| s.stmts.iter().any(|sql| crate::steps::names_untransactional_engine(sql))) {
        steps.iter_mut().for_each(|s| s.data_tx = false);
    }

    report.pending = pending.iter().map(|p| FileRef::of(p.file)).collect();
    if pending.is_empty() {
        if !opts.dry_run
            && let Some(row) = &baseline_row
        {
            store.ensure(conn)?;
            store.write(conn, row)?;
        }
        report.message = "No migration files to execute".into();
        report.end = clock::rfc3339(SystemTime::now());
        return Ok(report);
    }
    report.target = pending.last().map(|p| p.file.version().to_string()).unwrap_or_default();

    // A file interrupted between a statement and its progress record: the
    // database says whether that statement ran. With transactional DDL each
    // statement committed with its record, so the record is the truth.
    if !transactional
        && let Some(i) = pending.iter().position(|p| p.revision.as_ref().is_some_and(Revision::interrupted))
    {
        let known = history.read(conn)?;
        let dev = opts.dev_url.as_deref();
        let ran = crate::plan::settle_apply(
            registry,
            conn,
            (dev, opts.in_doubt),
            dir,
            &lex,
            (&revisions, &known),
            &steps[i..],
        )?;
        // The run may have gone on into later files without recording them.
        let mut ran = ran;
        for (step, p) in steps.iter_mut().zip(pending.iter_mut()).skip(i) {
            step.done = ran.min(step.stmts.len());
            p.start = step.done;
            ran -= step.done;
            if ran == 0 {
                break;
            }
        }
    }

    if opts.dry_run {
        progress.start(&report.current, &report.target, pending.len(), false);
        for (p, step) in pending.iter().zip(&steps) {
            report.applied.push(dry_run_file(conn, p, step, progress));
        }
        report.end = clock::rfc3339(SystemTime::now());
        return Ok(report);
    }
    // Nothing is written before this point: a refused run leaves the database as it was.
    // Where DDL is transactional the log creates the tables with its first record.
    let lazy_tables = transactional && baseline_row.is_none();
    if !lazy_tables {
        store.ensure(conn)?;
        history.ensure(conn)?;
    }
    if let Some(row) = &baseline_row {
        store.write(conn, row)?;
    }

    progress.start(&report.current, &report.target, pending.len(), false);
    let policy = if opts.tx_mode == TxMode::All && steps.iter().all(|s| s.tx) { Policy::All } else { Policy::PerStep };
    let sum = dir.sum();
    let mut log = ApplyLog::new(&store, &history, history.versions(conn)?);
    if lazy_tables {
        log = log.creating_tables();
    }
    for p in &pending {
        let hash = sum.file_hash(p.file.name()).unwrap_or_default().to_string();
        let rev = match &p.revision {
            Some(rev) => (rev.clone(), true),
            None => (Revision::new(p.file.version(), p.file.desc(), TYPE_EXECUTE, p.stmts.len(), &hash), false),
        };
        let lines: Vec<usize> = p.stmts.iter().map(|s| s.line).collect();
        log.add(rev, hash, p.file.name(), dir.path().join(p.file.name()).display().to_string(), lines);
    }
    let exec_opts = exec::Options { policy, skip_checks: false, reverting: false };
    crate::trace::mark("apply: files read and parsed");
    let outcome = exec::run(conn, &steps, &exec_opts, &mut log, progress)?;
    crate::trace::mark("apply: executed");
    for (p, step_report) in pending.iter().zip(outcome.steps) {
        report.applied.push(AppliedFile {
            file: FileRef::of(p.file),
            start: step_report.start,
            end: step_report.end,
            skipped: step_report.skipped,
            applied: step_report.applied,
            checks: step_report.checks,
            error: step_report.error.map(|(stmt, text)| StmtError { stmt, text }),
        });
    }
    if let Some(stop) = &outcome.stop {
        let message = match (stop.kind, pending.get(stop.step)) {
            (StopKind::Statement, Some(p)) => {
                let line = p.stmts.get(stop.stmt).map_or(0, |s| s.line);
                let sql = p.stmts.get(stop.stmt).map(|s| s.text.as_str()).unwrap_or_default();
                format!(
                    "{}:{line}: executing statement {sql:?} from version {:?}: {}",
                    dir.path().join(p.file.name()).display(),
                    p.file.version(),
                    stop.message
                )
            }
            _ => stop.message.clone(),
        };
        report.error = Some(if policy == Policy::All {
            format!("{message} (rolled back: nothing of this run was applied)")
        } else if stop.rolled_back && matches!(stop.kind, StopKind::Commit | StopKind::Record) {
            format!("{message} (rolled back)")
        } else {
            message
        });
    }
    confirm_applied(conn, &store, &mut report)?;
    if report.error.is_some() {
        report.end = clock::rfc3339(SystemTime::now());
        return Ok(report);
    }
    // The run succeeded: an earlier rolled-back attempt, or an unfinished
    // revert that this run superseded, is history.
    history.clear_superseded(conn)?;
    report.end = clock::rfc3339(SystemTime::now());
    report.message = match report.current.as_str() {
        "" => format!("Migrated to version {} ({} migrations in total)", report.target, report.applied.len()),
        c => format!("Migrated to version {} from {c} ({} migrations in total)", report.target, report.applied.len()),
    };
    Ok(report)
}

/// A dry run of one file: its checks run (nothing changes), its statements listed.
fn dry_run_file(conn: &mut Conn, p: &Pending, step: &Step, progress: &mut dyn Progress) -> AppliedFile {
    let (mut reports, _) = exec::precheck(conn, &mut [step.clone()], false, false, progress);
    progress.file_start(&step.version, false);
    if step.done > 0 {
        progress.resume(step.done, step.stmts.len());
    }
    let applied: Vec<String> = step.stmts[step.done.min(step.stmts.len())..].to_vec();
    for stmt in &applied {
        progress.stmt(stmt);
    }
    progress.file_done(Duration::ZERO);
    let now = clock::rfc3339(SystemTime::now());
    AppliedFile {
        file: FileRef::of(p.file),
        start: now.clone(),
        end: now,
        skipped: step.done,
        applied,
        checks: reports.pop().map(|r| r.checks).unwrap_or_default(),
        error: None,
    }
}

fn lex_error(dir: &Dir, file: &File, err: crate::dir::LexError) -> Error {
    Error::Refused {
        message: format!("{}:{err}", dir.path().join(file.name()).display()),
        hint: Some("fix the SQL, then run `strata migrate hash` to update atlas.sum".into()),
    }
}

/// Refuses a first run against a database that holds anything but the revisions table.
fn ensure_clean(conn: &mut Conn) -> Result<(), Error> {
    let realm = crate::plan::inspect_target(conn, &strata_dialect_api::InspectOptions::default())?;
    let tables: Vec<(&str, &str)> =
        realm.schemas.iter().flat_map(|s| s.tables.iter().map(move |t| (s.name.as_str(), t.name.as_str()))).collect();
    let reason = match tables.as_slice() {
        [] if realm.is_empty() => return Ok(()),
        [] => "found views or triggers".to_string(),
        [(schema, table)] => format!("found table {table:?} in schema {schema:?}"),
        many => format!("found multiple tables: {}", many.len()),
    };
    Err(Error::refused(
        format!("connected database is not clean: {reason}. baseline version or allow-dirty is required"),
        "pass --baseline VERSION to start from an existing schema, or --allow-dirty",
    ))
}

/// "ok" is a fact: re-reads the revisions and checks that every file the run
/// reports as applied is recorded complete. Sets the report's error otherwise.
fn confirm_applied(conn: &mut Conn, store: &RevisionStore, report: &mut ApplyReport) -> Result<(), Error> {
    if report.dry_run {
        return Ok(());
    }
    let complete: std::collections::BTreeSet<String> =
        store.read_progress(conn)?.into_iter().filter(|r| !r.is_partial()).map(|r| r.version).collect();
    let missing: Vec<&str> = report
        .applied
        .iter()
        .filter(|f| f.error.is_none() && !f.applied.is_empty())
        .filter(|f| !complete.contains(&f.file.version))
        .map(|f| f.file.version.as_str())
        .collect();
    if !missing.is_empty() {
        let message = format!(
            "the run reported version(s) {} as applied, but the revisions table does not record them: the database did not keep the changes",
            missing.join(", ")
        );
        report.error = Some(match report.error.take() {
            Some(e) => format!("{e}; {message}"),
            None => message,
        });
    }
    Ok(())
}
