//! The revision logs the executor records progress through: one for applying
//! files (the revisions table, Atlas's format), one for reverting them
//! (Strata's history table, then the revision row goes).

use crate::clock;
use crate::error::Error;
use crate::exec::{RevisionLog, Stop, StopKind};
use crate::plan::Step;
use crate::plugin::Conn;
use crate::revisions::{FailedAttempt, History, HistoryStore, Revision, RevisionStore};
use std::collections::{BTreeMap, BTreeSet};
use std::time::{Instant, SystemTime};

/// What `migrate apply` knows of each file beside its step.
struct FileEntry {
    rev: Revision,
    /// The revisions table has a row for it.
    stored: bool,
    hash: String,
    name: String,
    path: String,
    lines: Vec<usize>,
    /// When its first statement ran, and how long all of them took: its
    /// records may be written later than that.
    began: Option<Instant>,
    took: Option<i64>,
}

/// Progress of `migrate apply`: a revision row per file, written when the file
/// starts, after each statement when no transaction keeps the file whole, and
/// when it ends.
pub struct ApplyLog<'a> {
    store: &'a RevisionStore,
    history: &'a HistoryStore,
    files: BTreeMap<String, FileEntry>,
    /// Versions the history table has a row for.
    histories: BTreeSet<String>,
    /// Writes held back until the record's transaction commits
    /// (`before_commit`), to make them with a few statements instead of two or
    /// three per file: the versions whose revision row is written then (as
    /// `files` has it), and new history rows.
    held: (Vec<String>, Vec<History>),
    /// The revisions and history tables are created by this log (see
    /// [`ApplyLog::creating_tables`]); `created` once the first record made them.
    lazy: bool,
    created: bool,
}

impl<'a> ApplyLog<'a> {
    /// A log writing through `store` and `history`, whose table has rows for
    /// `histories`: knowing which rows exist saves a write per file.
    pub fn new(store: &'a RevisionStore, history: &'a HistoryStore, histories: BTreeSet<String>) -> ApplyLog<'a> {
        ApplyLog {
            store,
            history,
            files: BTreeMap::new(),
            histories,
            held: (Vec::new(), Vec::new()),
            lazy: false,
            created: false,
        }
    }

    /// The log creates the revisions and history tables with its first
    /// record, inside that record's transaction, instead of the caller
    /// creating them first: a fresh database's first apply then commits once
    /// rather than three times. Only where DDL is transactional.
    #[must_use]
    pub fn creating_tables(self) -> Self {
        ApplyLog { lazy: true, ..self }
    }

    /// Creates the tables if this log creates them and `again` or they were not yet.
    fn tables(&mut self, conn: &mut Conn, again: bool) -> Result<(), Error> {
        if self.lazy && (again || !self.created) {
            self.store.ensure(conn)?;
            self.history.ensure(conn)?;
            self.created = true;
        }
        Ok(())
    }

    /// The revision row of `version` is written when the record commits.
    fn hold(&mut self, version: &str) {
        if !self.held.0.iter().any(|v| v == version) {
            self.held.0.push(version.to_string());
        }
    }

    /// Registers a file: its revision row (`stored` when the table has it),
    /// its atlas.sum hash, name, path and the line of each statement.
    pub fn add(&mut self, (rev, stored): (Revision, bool), hash: String, name: &str, path: String, lines: Vec<usize>) {
        let entry = FileEntry { rev, stored, hash, name: name.into(), path, lines, began: None, took: None };
        self.files.insert(entry.rev.version.clone(), entry);
    }

    fn entry(&mut self, step: &Step) -> Result<&mut FileEntry, Error> {
        self.files
            .get_mut(&step.version)
            .ok_or_else(|| Error::Failed(format!("internal logic error: no revision for version {}", step.version)))
    }
}

/// Nanoseconds since `since`.
fn nanos(since: Instant) -> i64 {
    i64::try_from(since.elapsed().as_nanos()).unwrap_or(i64::MAX)
}

impl FileEntry {
    /// How long the file has run (or took).
    fn elapsed(&self) -> i64 {
        self.took.unwrap_or_else(|| self.began.map_or(0, nanos))
    }
}

fn count(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

impl RevisionLog for ApplyLog<'_> {
    fn began(&mut self, step: &Step) {
        if let Ok(entry) = self.entry(step) {
            entry.began = Some(Instant::now());
        }
    }

    fn ran(&mut self, step: &Step) {
        if let Ok(entry) = self.entry(step) {
            entry.took = Some(entry.elapsed());
        }
    }

    fn start(&mut self, conn: &mut Conn, step: &Step) -> Result<(), Error> {
        let history = self.history;
        let entry = self.entry(step)?;
        entry.began.get_or_insert_with(Instant::now);
        // Unlike Atlas, refresh total and hash on resume: the file may have been fixed.
        entry.rev.total = count(step.stmts.len());
        entry.rev.hash = entry.hash.clone();
        entry.rev.applied = count(step.done);
        entry.rev.error = None;
        entry.rev.error_stmt = None;
        // In a transaction the row is written once, when the file is done.
        if !step.tx {
            self.hold(&step.version);
        }
        // Kept so that `migrate down` can replay this version without its file.
        let absent = self.histories.insert(step.version.clone());
        let row = History {
            version: step.version.clone(),
            description: step.description.clone(),
            statements: step.stmts.clone(),
            ..History::default()
        };
        if absent {
            self.held.1.push(row);
            return Ok(());
        }
        history.write_row(conn, &row, absent)
    }

    fn progress(&mut self, _: &mut Conn, step: &Step, ran: usize) -> Result<(), Error> {
        let entry = self.entry(step)?;
        entry.rev.applied = count(ran);
        entry.rev.partial_hashes = Some(crate::dir::partial_hashes(&step.stmts[..ran.min(step.stmts.len())]));
        entry.rev.execution_time = entry.elapsed();
        self.hold(&step.version);
        Ok(())
    }

    fn finish(&mut self, _: &mut Conn, step: &Step) -> Result<(), Error> {
        let entry = self.entry(step)?;
        entry.rev.applied = entry.rev.total;
        entry.rev.partial_hashes = None;
        entry.rev.execution_time = entry.elapsed();
        self.hold(&step.version);
        Ok(())
    }

    fn before_commit(&mut self, conn: &mut Conn) -> Result<(), Error> {
        self.tables(conn, false)?;
        let (versions, rows) = std::mem::take(&mut self.held);
        self.history.insert_all(conn, &rows)?;
        let entries: Vec<&FileEntry> = versions.iter().filter_map(|v| self.files.get(v)).collect();
        let new: Vec<Revision> = entries.iter().filter(|e| !e.stored).map(|e| e.rev.clone()).collect();
        self.store.insert_all(conn, &new)?;
        for entry in entries.iter().filter(|e| e.stored) {
            self.store.write(conn, &entry.rev)?;
        }
        for version in &versions {
            if let Some(entry) = self.files.get_mut(version) {
                entry.stored = true;
            }
        }
        Ok(())
    }

    fn failed(&mut self, conn: &mut Conn, step: &Step, stop: &Stop) -> Result<(), Error> {
        // Writes held back died with their transaction (or were never made),
        // and so may the tables this log created in it.
        self.held = (Vec::new(), Vec::new());
        self.tables(conn, true)?;
        let (store, history) = (self.store, self.history);
        let entry = self.entry(step)?;
        let elapsed = entry.elapsed();
        let stmt = step.stmts.get(stop.stmt).cloned().unwrap_or_default();
        if stop.rolled_back || (stop.kind == StopKind::Check && step.done == 0) {
            // Nothing of the file stays, so no revision may say otherwise (a
            // partial revision would block removing or fixing the file). The
            // attempt is kept beside it for `migrate status`.
            let line = entry.lines.get(stop.stmt).copied().unwrap_or_default();
            let error = match stop.kind {
                StopKind::Statement => format!(
                    "{}:{line}: executing statement {stmt:?} from version {:?}: {}",
                    entry.path, step.version, stop.message
                ),
                _ => stop.message.clone(),
            };
            let attempt = FailedAttempt {
                version: step.version.clone(),
                name: entry.name.clone(),
                stmt: if stop.kind == StopKind::Statement { stmt } else { String::new() },
                error,
                at: clock::rfc3339(SystemTime::now()),
            };
            history.ensure(conn)?;
            return history.record_failure(conn, &attempt);
        }
        if stop.kind == StopKind::Statement {
            // Statements before the failed one stay applied: the revision says
            // how far the file got, and the next run resumes there.
            entry.rev.applied = count(stop.stmt);
            entry.rev.partial_hashes = Some(crate::dir::partial_hashes(&step.stmts[..stop.stmt.min(step.stmts.len())]));
            entry.rev.error = Some(stop.message.clone());
            entry.rev.error_stmt = Some(stmt);
            entry.rev.execution_time = elapsed;
            store.write_row(conn, &entry.rev, !entry.stored)?;
            entry.stored = true;
        }
        Ok(())
    }
}

/// Progress of `migrate down` on a database without transactional DDL: the
/// revert of each version is recorded in Strata's history table before it
/// starts and after each statement; when it ends, the version's rows go.
pub struct DownLog<'a> {
    store: &'a RevisionStore,
    history: &'a HistoryStore,
    /// Rows of the history table as the run found them.
    known: BTreeMap<String, History>,
    /// Whether the history table exists (a database Atlas migrated may have none).
    has_history: bool,
    /// Held back until the record commits (`before_commit`), to write them
    /// with a few statements: history rows to write (as `known` has them),
    /// and the versions whose revision and history rows go.
    writes: Vec<String>,
    deletes: (Vec<String>, Vec<String>),
}

impl<'a> DownLog<'a> {
    /// A log writing through `store` and `history`.
    pub fn new(
        store: &'a RevisionStore,
        history: &'a HistoryStore,
        known: BTreeMap<String, History>,
        has_history: bool,
    ) -> DownLog<'a> {
        DownLog { store, history, known, has_history, writes: Vec::new(), deletes: (Vec::new(), Vec::new()) }
    }

    /// The history row of `version` is written when the record commits.
    fn hold(&mut self, version: &str) {
        if !self.writes.iter().any(|v| v == version) {
            self.writes.push(version.to_string());
        }
    }

    fn entry(&mut self, step: &Step) -> &mut History {
        self.known.entry(step.version.clone()).or_insert_with(|| History {
            version: step.version.clone(),
            description: step.description.clone(),
            ..History::default()
        })
    }
}

impl RevisionLog for DownLog<'_> {
    fn start(&mut self, _: &mut Conn, step: &Step) -> Result<(), Error> {
        if step.tx {
            // All or nothing: there is no progress to keep.
            return Ok(());
        }
        // Record the plan before running it: a run killed midway is finished by
        // running the same command again.
        let entry = self.entry(step);
        entry.down_statements = Some(step.stmts.clone());
        entry.down_applied = step.done;
        self.hold(&step.version);
        Ok(())
    }

    fn progress(&mut self, _: &mut Conn, step: &Step, ran: usize) -> Result<(), Error> {
        self.entry(step).down_applied = ran;
        self.hold(&step.version);
        Ok(())
    }

    fn finish(&mut self, _: &mut Conn, step: &Step) -> Result<(), Error> {
        // Its rows go: what was held for them need not be written.
        self.writes.retain(|v| *v != step.version);
        self.deletes.0.push(step.version.clone());
        if self.has_history || !step.tx {
            self.deletes.1.push(step.version.clone());
        }
        Ok(())
    }

    fn before_commit(&mut self, conn: &mut Conn) -> Result<(), Error> {
        for version in std::mem::take(&mut self.writes) {
            if let Some(entry) = self.known.get(&version) {
                self.history.write(conn, entry)?;
            }
        }
        let (revisions, histories) = std::mem::take(&mut self.deletes);
        self.store.delete_all(conn, &revisions.iter().map(String::as_str).collect::<Vec<_>>())?;
        self.history.delete_all(conn, &histories.iter().map(String::as_str).collect::<Vec<_>>())
    }

    fn failed(&mut self, _: &mut Conn, _: &Step, _: &Stop) -> Result<(), Error> {
        // The history row already says how far the revert got.
        Ok(())
    }
}
