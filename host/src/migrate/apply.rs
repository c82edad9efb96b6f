use super::{LOCK_APPLY, Progress, truthy};
use crate::clock;
use crate::dir::{Dir, File, Stmt};
use crate::error::{Error, db};
use crate::plugin::Conn;
use crate::revisions::{FailedAttempt, History, HistoryStore, Revision, RevisionStore, TYPE_BASELINE, TYPE_EXECUTE};
use serde::Serialize;
use std::time::{Duration, Instant, SystemTime};

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

/// What to do with files added before the last applied version.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ExecOrder {
    /// Refuse them (the default).
    #[default]
    Linear,
    /// Skip them.
    LinearSkip,
    /// Run them first.
    NonLinear,
}

impl std::str::FromStr for ExecOrder {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().replace('_', "-").as_str() {
            "linear" => Ok(ExecOrder::Linear),
            "linear-skip" => Ok(ExecOrder::LinearSkip),
            "non-linear" => Ok(ExecOrder::NonLinear),
            _ => Err(format!("unknown execution order: {s:?}")),
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
}

/// A file named in a report.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct FileRef {
    /// File name.
    pub name: String,
    /// Version.
    pub version: String,
    /// Description.
    pub description: String,
}

impl FileRef {
    fn of(file: &File) -> FileRef {
        FileRef { name: file.name().into(), version: file.version().into(), description: file.desc().into() }
    }
}

/// A statement that failed.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct StmtError {
    /// The statement.
    pub stmt: String,
    /// The error text.
    pub text: String,
}

/// What happened to one file.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct AppliedFile {
    /// Which file.
    #[serde(flatten)]
    pub file: FileRef,
    /// When it started (RFC 3339).
    pub start: String,
    /// When it ended.
    pub end: String,
    /// Statements skipped because an earlier run applied them.
    #[serde(skip_serializing_if = "is_zero")]
    pub skipped: usize,
    /// Statements run.
    pub applied: Vec<String>,
    /// Check assertions run before the file, with their result.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub checks: Vec<CheckResult>,
    /// The failure, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<StmtError>,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

/// One pre-migration assertion and its result.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct CheckResult {
    /// The assertion.
    pub stmt: String,
    /// True when it held.
    pub ok: bool,
    /// The error, when it failed to run.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// The result of `migrate apply`, shaped like Atlas's JSON.
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ApplyReport {
    /// The dialect.
    pub driver: String,
    /// The URL, password masked.
    #[serde(rename = "URL")]
    pub url: String,
    /// The migration directory.
    pub dir: String,
    /// Files that were pending when the run started.
    pub pending: Vec<FileRef>,
    /// Files run.
    pub applied: Vec<AppliedFile>,
    /// The version before the run.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub current: String,
    /// The version the run aimed for.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub target: String,
    /// Start time.
    pub start: String,
    /// End time.
    pub end: String,
    /// The error, when the run failed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// A summary line.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub message: String,
    /// True when nothing was written.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub dry_run: bool,
}

/// Applies pending files of `dir` to the database behind `conn`.
///
/// The report is returned even when a file fails (with `error` set), so the
/// caller can print how far the run got; `Err` means nothing ran.
///
/// # Errors
/// When the run is refused before any statement executes (dirty database,
/// out-of-order files, history changed, lock taken, unknown version).
pub fn apply(
    conn: &mut Conn,
    dir: &Dir,
    opts: &ApplyOptions,
    progress: &mut dyn Progress,
) -> Result<ApplyReport, Error> {
    conn.lock(LOCK_APPLY, opts.lock_timeout).map_err(db("acquiring database lock"))?;
    let result = apply_locked(conn, dir, opts, progress);
    let _ = conn.unlock(LOCK_APPLY);
    result
}

/// A file to run, from which statement on.
struct Pending<'a> {
    file: &'a File,
    stmts: Vec<Stmt>,
    start: usize,
    revision: Option<Revision>,
}

fn apply_locked(
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
    for p in &mut pending {
        if p.stmts.is_empty() && p.start == 0 {
            p.stmts = p.file.stmts(&lex).map_err(|e| lex_error(dir, p.file, e))?;
        }
        let directives = p.file.directives().map_err(|e| Error::Refused {
            message: format!("{}: {e}", dir.path().join(p.file.name()).display()),
            hint: None,
        })?;
        if opts.tx_mode == TxMode::All && directives.txmode.is_some() {
            return Err(Error::Usage(format!(
                "{}: the atlas:txmode directive cannot be used with --tx-mode all",
                p.file.name()
            )));
        }
    }

    report.pending = pending.iter().map(|p| FileRef::of(p.file)).collect();
    // Nothing is written before this point: a refused run leaves the database as it was.
    if !opts.dry_run && (baseline_row.is_some() || !pending.is_empty()) {
        store.ensure(conn)?;
        history.ensure(conn)?;
        if let Some(row) = &baseline_row {
            store.write(conn, row)?;
        }
    }
    if pending.is_empty() {
        report.message = "No migration files to execute".into();
        report.end = clock::rfc3339(SystemTime::now());
        return Ok(report);
    }
    report.target = pending.last().map(|p| p.file.version().to_string()).unwrap_or_default();

    progress.start(&report.current, &report.target, pending.len(), false);
    let all = opts.tx_mode == TxMode::All && !opts.dry_run;
    if all {
        conn.begin().map_err(db("starting a transaction"))?;
    }
    let sum = crate::dir::HashFile::compute(files);
    for p in &pending {
        let outcome = run_file(conn, (&store, &history), dir, p, &sum, opts, &lex, progress);
        let (file_report, failure) = match outcome {
            Ok(done) => done,
            Err(e) => {
                if all {
                    let _ = conn.rollback();
                }
                return Err(e);
            }
        };
        report.applied.push(file_report);
        if let Some(message) = failure {
            if all {
                // One transaction for the run: nothing of it stays.
                let _ = conn.rollback();
                for f in &mut report.applied {
                    f.applied.clear();
                }
                let stmt = p
                    .stmts
                    .iter()
                    .find(|s| report.applied.last().and_then(|f| f.error.as_ref()).is_some_and(|e| e.stmt == s.text));
                record_failure(conn, &history, p.file, stmt, &message)?;
                report.error = Some(format!("{message} (rolled back: nothing of this run was applied)"));
            } else {
                report.error = Some(message);
            }
            confirm_applied(conn, &store, &mut report)?;
            report.end = clock::rfc3339(SystemTime::now());
            return Ok(report);
        }
    }
    if all && let Err(e) = conn.commit() {
        for f in &mut report.applied {
            f.applied.clear();
        }
        report.error = Some(format!(
            "committing the run: {} (rolled back: nothing of this run was applied)",
            strata_dialect_api::mask(&e.message)
        ));
        report.end = clock::rfc3339(SystemTime::now());
        return Ok(report);
    }
    confirm_applied(conn, &store, &mut report)?;
    if report.error.is_some() {
        report.end = clock::rfc3339(SystemTime::now());
        return Ok(report);
    }
    // The run succeeded: an earlier rolled-back attempt is history.
    if history.exists(conn)? {
        history.clear_failure(conn)?;
    }
    report.end = clock::rfc3339(SystemTime::now());
    report.message = match report.current.as_str() {
        "" => format!("Migrated to version {} ({} migrations in total)", report.target, report.applied.len()),
        c => format!("Migrated to version {} from {c} ({} migrations in total)", report.target, report.applied.len()),
    };
    Ok(report)
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

/// Runs the checks and statements of one file. Returns the file's report and,
/// when a statement or check failed, the error message (the run stops there).
#[allow(clippy::too_many_arguments)]
fn run_file(
    conn: &mut Conn,
    (store, history): (&RevisionStore, &HistoryStore),
    dir: &Dir,
    p: &Pending,
    sum: &crate::dir::HashFile,
    opts: &ApplyOptions,
    lex: &crate::dir::LexOptions,
    progress: &mut dyn Progress,
) -> Result<(AppliedFile, Option<String>), Error> {
    let started = SystemTime::now();
    let timer = Instant::now();
    let file = p.file;
    let mut out = AppliedFile {
        file: FileRef::of(file),
        start: clock::rfc3339(started),
        end: String::new(),
        skipped: p.start,
        applied: Vec::new(),
        checks: Vec::new(),
        error: None,
    };

    let directives = file.directives().map_err(|e| Error::Usage(e.to_string()))?;
    let mode = match (opts.tx_mode, directives.txmode) {
        (TxMode::All, _) => TxMode::All,
        (_, Some(crate::dir::TxMode::None)) => TxMode::None,
        (_, Some(crate::dir::TxMode::File)) => TxMode::File,
        (mode, None) => mode,
    };
    // txtar checks guard the file: inside its transaction, right before its
    // statements, so nothing can change what they asserted (dry runs too,
    // without a transaction). A failure rolls the file back.
    let checks = file.checks().map_err(|e| Error::Refused {
        message: format!("{}: {e}", dir.path().join(file.name()).display()),
        hint: None,
    })?;
    let own_tx = mode == TxMode::File && !opts.dry_run;
    if own_tx {
        conn.begin().map_err(db("starting a transaction"))?;
    }
    if !checks.is_empty() && p.start == 0 {
        progress.checks_start(file.version(), false);
        let check_timer = Instant::now();
        let mut failed: Option<String> = None;
        let mut total = 0;
        let mut failures = 0;
        for check in &checks {
            let stmts = match check.stmts(lex) {
                Ok(stmts) => stmts,
                Err(e) => {
                    if own_tx {
                        let _ = conn.rollback();
                    }
                    return Err(lex_error(dir, file, e));
                }
            };
            let oneof = check.assert_oneof();
            let mut any_true = false;
            let mut first_false: Option<String> = None;
            for stmt in &stmts {
                total += 1;
                let result = conn.query(&stmt.text, Vec::new());
                let (ok, error) = match &result {
                    Ok(rows) => (truthy(rows), None),
                    Err(e) => (false, Some(strata_dialect_api::mask(&e.message))),
                };
                progress.check(&stmt.text, ok);
                out.checks.push(CheckResult { stmt: stmt.text.clone(), ok, error: error.clone() });
                any_true |= ok;
                if !ok {
                    failures += 1;
                    first_false.get_or_insert_with(|| match error {
                        Some(e) => format!("check assertion {:?} failed: {e}", stmt.text),
                        None => format!("check assertion {:?} returned false", stmt.text),
                    });
                }
            }
            let check_failed = if oneof { !any_true && !stmts.is_empty() } else { first_false.is_some() };
            if check_failed && failed.is_none() {
                failed = first_false;
            }
        }
        progress.checks_done(check_timer.elapsed(), failures);
        if let Some(reason) = failed {
            if own_tx {
                let _ = conn.rollback();
            }
            out.end = clock::rfc3339(SystemTime::now());
            return Ok((out, Some(format!("{failures} of {total} assertions failed: {reason}"))));
        }
    }

    progress.file_start(file.version(), false);
    let hash = sum.file_hash(file.name()).unwrap_or_default().to_string();
    let mut rev =
        p.revision.clone().unwrap_or_else(|| Revision::new(file.version(), file.desc(), TYPE_EXECUTE, 0, &hash));
    // Unlike Atlas, refresh total and hash on resume: the file may have been fixed.
    rev.total = i64::try_from(p.stmts.len()).unwrap_or(i64::MAX);
    rev.hash = hash;
    rev.error = None;
    rev.error_stmt = None;
    let texts: Vec<&str> = p.stmts.iter().map(|s| s.text.as_str()).collect();

    if opts.dry_run {
        for stmt in &p.stmts[p.start..] {
            progress.stmt(&stmt.text);
            out.applied.push(stmt.text.clone());
        }
        progress.file_done(timer.elapsed());
        out.end = clock::rfc3339(SystemTime::now());
        return Ok((out, None));
    }

    let ran = run_stmts(conn, (store, history), p, &mut rev, &texts, mode, timer, &mut out, progress);
    let failed = match ran {
        Ok(None) if mode == TxMode::File => match conn.commit() {
            Ok(()) => None,
            Err(e) => Some((
                None,
                format!(
                    "committing version {}: {} (rolled back)",
                    file.version(),
                    strata_dialect_api::mask(&e.message)
                ),
            )),
        },
        Ok(None) => None,
        Ok(Some((stmt, text))) => {
            let location = format!("{}:{}", dir.path().join(file.name()).display(), stmt.line);
            let message =
                format!("{location}: executing statement {:?} from version {:?}: {text}", stmt.text, file.version());
            Some((Some((stmt, text)), message))
        }
        Err(e) => Some((None, e.to_string())),
    };
    if let Some((stmt, message)) = failed {
        out.end = clock::rfc3339(SystemTime::now());
        match mode {
            TxMode::None => {
                // Statements before the failed one stay applied: the revision
                // says how far the file got, and the next run resumes there.
                if let Some((stmt, text)) = stmt {
                    rev.error = Some(text);
                    rev.error_stmt = Some(stmt.text.clone());
                    rev.execution_time = nanos(timer);
                    store.write(conn, &rev)?;
                }
            }
            TxMode::File => {
                // Nothing of the file stays, so no revision may say otherwise
                // (a partial revision would block removing or fixing the file).
                // The attempt is kept beside it for `migrate status`.
                let _ = conn.rollback();
                record_failure(conn, history, file, stmt.as_ref().map(|(s, _)| s), &message)?;
            }
            // The caller rolls the whole run back and records the attempt.
            TxMode::All => {}
        }
        return Ok((out, Some(message)));
    }
    progress.file_done(timer.elapsed());
    out.end = clock::rfc3339(SystemTime::now());
    Ok((out, None))
}

fn nanos(timer: Instant) -> i64 {
    i64::try_from(timer.elapsed().as_nanos()).unwrap_or(i64::MAX)
}

/// Runs a file's statements from `p.start`, writing the revision as it goes
/// (after each statement when nothing else would keep the progress). Returns
/// the statement that failed and its error.
#[allow(clippy::too_many_arguments)]
fn run_stmts(
    conn: &mut Conn,
    (store, history): (&RevisionStore, &HistoryStore),
    p: &Pending,
    rev: &mut Revision,
    texts: &[&str],
    mode: TxMode,
    timer: Instant,
    out: &mut AppliedFile,
    progress: &mut dyn Progress,
) -> Result<Option<(Stmt, String)>, Error> {
    let file = p.file;
    store.write(conn, rev)?;
    // Kept so that `migrate down` can replay this version without its file.
    history.write(
        conn,
        &History {
            version: file.version().into(),
            description: file.desc().into(),
            statements: texts.iter().map(|t| t.to_string()).collect(),
            ..History::default()
        },
    )?;
    for (i, stmt) in p.stmts.iter().enumerate().skip(p.start) {
        progress.stmt(&stmt.text);
        if let Err(e) = conn.exec(&stmt.text, Vec::new()) {
            let text = strata_dialect_api::mask(&e.message);
            progress.stmt_error(&text);
            out.error = Some(StmtError { stmt: stmt.text.clone(), text: text.clone() });
            return Ok(Some((stmt.clone(), text)));
        }
        out.applied.push(stmt.text.clone());
        rev.applied = i64::try_from(i + 1).unwrap_or(i64::MAX);
        rev.partial_hashes = Some(crate::dir::partial_hashes(&texts[..=i]));
        rev.execution_time = nanos(timer);
        if mode == TxMode::None {
            store.write(conn, rev)?;
        }
    }
    rev.applied = rev.total;
    rev.partial_hashes = None;
    rev.execution_time = nanos(timer);
    store.write(conn, rev)?;
    Ok(None)
}

/// Keeps a rolled-back file's failure for `migrate status`, outside any
/// transaction. Strata's history table is created for it if needed.
fn record_failure(
    conn: &mut Conn,
    history: &HistoryStore,
    file: &File,
    stmt: Option<&Stmt>,
    message: &str,
) -> Result<(), Error> {
    history.ensure(conn)?;
    history.record_failure(
        conn,
        &FailedAttempt {
            version: file.version().into(),
            name: file.name().into(),
            stmt: stmt.map(|s| s.text.clone()).unwrap_or_default(),
            error: message.into(),
            at: clock::rfc3339(SystemTime::now()),
        },
    )
}

/// "ok" is a fact: re-reads the revisions and checks that every file the run
/// reports as applied is recorded complete. Sets the report's error otherwise.
fn confirm_applied(conn: &mut Conn, store: &RevisionStore, report: &mut ApplyReport) -> Result<(), Error> {
    if report.dry_run {
        return Ok(());
    }
    let after = store.read(conn)?;
    let missing: Vec<&str> = report
        .applied
        .iter()
        .filter(|f| f.error.is_none() && !f.applied.is_empty())
        .filter(|f| !after.iter().any(|r| r.version == f.file.version && !r.is_partial()))
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
