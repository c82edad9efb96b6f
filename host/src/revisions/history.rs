//! `strata_schema_history`: what Strata keeps beside the revisions table so that
//! `migrate down` works without the files (GitOps: the old commit lacks them)
//! and a revert killed midway can be finished by running it again.

use super::keyed::Which;
use super::{Keyed, schema_for, table_exists, table_sql};
use crate::error::db;
use crate::plugin::Conn;
use std::collections::BTreeMap;
use strata_dialect_api::{ErrorKind, RenderRequest, SqlValue};

/// The history table's name.
pub const HISTORY_TABLE: &str = "strata_schema_history";

/// One version's row.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct History {
    /// The file version.
    pub version: String,
    /// The file description.
    pub description: String,
    /// The statements the file ran, in order.
    pub statements: Vec<String>,
    /// The statements of a revert of this version in progress.
    pub down_statements: Option<Vec<String>>,
    /// How many of `down_statements` already ran.
    pub down_applied: usize,
}

/// The key of the row recording the last failed attempt of a file whose
/// transaction rolled back. A leading dot never starts a version (Atlas keeps
/// its own `.atlas_cloud_identifier` row the same way).
const FAILED_ATTEMPT: &str = ".strata_failed_attempt";

/// A row's columns besides its version.
fn columns(entry: &History) -> [(&'static str, SqlValue); 4] {
    let json = |v: &Vec<String>| serde_json::to_string(v).unwrap_or_default();
    [
        ("description", SqlValue::from(entry.description.as_str())),
        ("statements", SqlValue::from(json(&entry.statements).as_str())),
        ("down_statements", SqlValue::opt_text(entry.down_statements.as_ref().map(json).as_deref())),
        ("down_applied", SqlValue::Int(i64::try_from(entry.down_applied).unwrap_or(i64::MAX))),
    ]
}

/// The key of the row recording a revert in progress (see [`DownRun`]).
const DOWN_RUN: &str = ".strata_down_run";

/// The table's columns, as read.
const COLUMNS: [&str; 5] = ["version", "description", "statements", "down_statements", "down_applied"];

/// A `migrate down` run that did not finish: recorded before its first
/// statement, so that running the same command again finishes this run
/// instead of counting versions anew from where it stopped.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct DownRun {
    /// The version the run reverts to (empty: nothing applied).
    pub target: String,
    /// The version the database was at when the run started.
    pub from: String,
    /// The command's request, e.g. `2` or `--to-version 3`.
    pub request: String,
    /// The run created the history table for its progress (a database only
    /// Atlas migrated has none); the run that finishes drops it again.
    #[serde(default)]
    pub created_table: bool,
    /// Each version's revert as the run planned it, newest first: a run that
    /// goes on from one version to the next without a record (where DDL
    /// commits on its own, see `steps::chains`) is settled across them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub plan: Vec<PlannedRevert>,
}

/// One version's revert as recorded with its run (see [`DownRun::plan`]).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PlannedRevert {
    /// The version.
    pub version: String,
    /// The statements reverting it.
    pub stmts: Vec<String>,
}

/// A file that failed and was rolled back: not a revision (nothing of it is
/// applied, so it blocks nothing), kept so `migrate status` can show it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct FailedAttempt {
    /// The file's version.
    pub version: String,
    /// The file's name.
    pub name: String,
    /// The statement that failed.
    pub stmt: String,
    /// The error.
    pub error: String,
    /// When it failed (RFC 3339).
    pub at: String,
}

/// Reads and writes the history table over one connection.
pub struct HistoryStore {
    table: Keyed,
    create: Vec<String>,
}

impl HistoryStore {
    /// Prepares a store beside the revisions table in `schema`.
    ///
    /// # Errors
    /// When the dialect cannot keep the table there.
    pub fn new(conn: &Conn, schema: Option<&str>) -> Result<HistoryStore, crate::Error> {
        let schema = schema_for(conn, schema);
        let schema = schema.as_deref();
        let (table, create) =
            table_sql(conn, schema, HISTORY_TABLE, RenderRequest::HistoryTable { schema: schema.map(String::from) })?;
        Ok(HistoryStore { table: Keyed::new(conn, table), create })
    }

    /// Creates the table if it does not exist.
    ///
    /// # Errors
    /// When the database refuses.
    pub fn ensure(&self, conn: &mut Conn) -> Result<(), crate::Error> {
        for stmt in &self.create {
            conn.exec(stmt, Vec::new()).map_err(db("creating the history table"))?;
        }
        Ok(())
    }

    /// True when the table exists. Ask before a transaction: on PostgreSQL a
    /// failed probe inside one aborts it.
    ///
    /// # Errors
    /// When the check fails for another reason than a missing table.
    pub fn exists(&self, conn: &mut Conn) -> Result<bool, crate::Error> {
        table_exists(conn, &self.table.table, "reading the history table")
    }

    /// The versions that have a row (without reading the statements); none
    /// when the table does not exist.
    ///
    /// # Errors
    /// When the query fails for another reason.
    pub fn versions(&self, conn: &mut Conn) -> Result<std::collections::BTreeSet<String>, crate::Error> {
        let rows = match self.table.select(conn, "version", Which::All) {
            Ok(rows) => rows,
            Err(e) if e.kind == ErrorKind::ObjectMissing => return Ok(Default::default()),
            Err(e) => return Err(db("reading the history table")(e)),
        };
        Ok(rows.rows.into_iter().filter_map(|r| r.into_iter().next().flatten()).collect())
    }

    /// Every row by version; none when the table does not exist (a database
    /// migrated by Atlas, or before Strata kept history).
    ///
    /// # Errors
    /// When the query fails for another reason.
    pub fn read(&self, conn: &mut Conn) -> Result<BTreeMap<String, History>, crate::Error> {
        Ok(self.read_with_run(conn)?.0)
    }

    /// The rows (see [`HistoryStore::read`]) and the revert in progress (see
    /// [`HistoryStore::down_run`]), with one query.
    ///
    /// # Errors
    /// When the query fails for another reason than a missing table.
    pub fn read_with_run(&self, conn: &mut Conn) -> Result<(BTreeMap<String, History>, Option<DownRun>), crate::Error> {
        self.read_rows(conn, Which::All)
    }

    /// The rows of `versions` (those that have one).
    ///
    /// # Errors
    /// See [`HistoryStore::read`].
    pub fn read_versions(&self, conn: &mut Conn, versions: &[&str]) -> Result<BTreeMap<String, History>, crate::Error> {
        Ok(self.read_rows(conn, Which::Versions(versions))?.0)
    }

    /// A digest of every row the database computes, when it can (see
    /// [`Keyed::digest`]).
    pub fn digest(&self, conn: &mut Conn) -> Option<String> {
        self.table.digest(conn, &COLUMNS)
    }

    fn read_rows(
        &self,
        conn: &mut Conn,
        which: Which<'_>,
    ) -> Result<(BTreeMap<String, History>, Option<DownRun>), crate::Error> {
        let rows = match self.table.select(conn, &COLUMNS.join(", "), which) {
            Ok(rows) => rows,
            Err(e) if e.kind == ErrorKind::ObjectMissing => return Ok((BTreeMap::new(), None)),
            Err(e) => return Err(db("reading the history table")(e)),
        };
        let mut out = BTreeMap::new();
        let mut run = None;
        for row in rows.rows {
            let mut values = row.into_iter();
            let mut text = || values.next().flatten();
            let (version, description, statements, down, applied) = (text(), text(), text(), text(), text());
            let version = version.unwrap_or_default();
            if version == DOWN_RUN {
                run = statements.as_deref().and_then(|j| serde_json::from_str(j).ok());
            }
            if version.starts_with('.') {
                continue;
            }
            let entry = History {
                version: version.clone(),
                description: description.unwrap_or_default(),
                statements: statements.and_then(|j| serde_json::from_str(&j).ok()).unwrap_or_default(),
                down_statements: down.and_then(|j| serde_json::from_str(&j).ok()),
                down_applied: applied.and_then(|n| n.parse().ok()).unwrap_or_default(),
            };
            out.insert(version, entry);
        }
        Ok((out, run))
    }

    /// Writes a row (update, else insert).
    ///
    /// # Errors
    /// When the write fails.
    pub fn write(&self, conn: &mut Conn, entry: &History) -> Result<(), crate::Error> {
        self.write_row(conn, entry, false)
    }

    /// Writes a row; `absent` skips the update when the caller knows the row
    /// does not exist yet.
    ///
    /// # Errors
    /// When the write fails.
    pub fn write_row(&self, conn: &mut Conn, entry: &History, absent: bool) -> Result<(), crate::Error> {
        self.table.upsert(conn, (&entry.version, absent), &columns(entry), &[]).map_err(db("writing the history table"))
    }

    /// Inserts rows known not to exist, many per statement.
    ///
    /// # Errors
    /// When the write fails.
    pub fn insert_all(&self, conn: &mut Conn, entries: &[History]) -> Result<(), crate::Error> {
        let rows: Vec<Vec<(&str, SqlValue)>> = entries
            .iter()
            .map(|e| std::iter::once(("version", SqlValue::from(e.version.as_str()))).chain(columns(e)).collect())
            .collect();
        self.table.insert_rows(conn, &rows).map_err(db("writing the history table"))
    }

    /// Deletes the row of `version`.
    ///
    /// # Errors
    /// When the delete fails.
    pub fn delete(&self, conn: &mut Conn, version: &str) -> Result<(), crate::Error> {
        self.delete_all(conn, &[version])
    }

    /// Deletes the rows of `versions`, with one statement.
    ///
    /// # Errors
    /// When the delete fails.
    pub fn delete_all(&self, conn: &mut Conn, versions: &[&str]) -> Result<(), crate::Error> {
        self.table.delete(conn, versions).map_err(db("writing the history table"))
    }

    /// Records a failed, rolled-back attempt (replacing an earlier one).
    ///
    /// # Errors
    /// When the write fails.
    pub fn record_failure(&self, conn: &mut Conn, attempt: &FailedAttempt) -> Result<(), crate::Error> {
        self.write_special(conn, FAILED_ATTEMPT, &serde_json::to_string(attempt).unwrap_or_default())
    }

    /// The last failed, rolled-back attempt, if one is recorded.
    ///
    /// # Errors
    /// When the query fails for another reason than a missing table.
    pub fn failure(&self, conn: &mut Conn) -> Result<Option<FailedAttempt>, crate::Error> {
        Ok(self.read_special(conn, FAILED_ATTEMPT)?.and_then(|j| serde_json::from_str(&j).ok()))
    }

    /// Records a revert in progress (replacing an earlier record).
    ///
    /// # Errors
    /// When the write fails.
    pub fn record_down_run(&self, conn: &mut Conn, run: &DownRun) -> Result<(), crate::Error> {
        self.write_special(conn, DOWN_RUN, &serde_json::to_string(run).unwrap_or_default())
    }

    /// The revert in progress, if one is recorded.
    ///
    /// # Errors
    /// When the query fails for another reason than a missing table.
    pub fn down_run(&self, conn: &mut Conn) -> Result<Option<DownRun>, crate::Error> {
        Ok(self.read_special(conn, DOWN_RUN)?.and_then(|j| serde_json::from_str(&j).ok()))
    }

    /// Forgets the revert in progress (a missing table has none).
    ///
    /// # Errors
    /// When the delete fails.
    pub fn clear_down_run(&self, conn: &mut Conn) -> Result<(), crate::Error> {
        self.delete_special(conn, &[DOWN_RUN])
    }

    fn write_special(&self, conn: &mut Conn, key: &str, json: &str) -> Result<(), crate::Error> {
        let values = [
            ("description", SqlValue::from(key)),
            ("statements", SqlValue::from(json)),
            ("down_statements", SqlValue::Null),
            ("down_applied", SqlValue::Int(0)),
        ];
        self.table.upsert(conn, (key, false), &values, &[]).map_err(db("writing the history table"))
    }

    fn read_special(&self, conn: &mut Conn, key: &str) -> Result<Option<String>, crate::Error> {
        let rows = match self.table.select(conn, "version, statements", Which::Version(key)) {
            Ok(rows) => rows,
            Err(e) if e.kind == ErrorKind::ObjectMissing => return Ok(None),
            Err(e) => return Err(db("reading the history table")(e)),
        };
        Ok(rows.rows.first().and_then(|r| r.get(1).cloned().flatten()))
    }

    fn delete_special(&self, conn: &mut Conn, keys: &[&str]) -> Result<(), crate::Error> {
        match self.table.delete(conn, keys) {
            Ok(_) => Ok(()),
            Err(e) if e.kind == ErrorKind::ObjectMissing => Ok(()),
            Err(e) => Err(db("writing the history table")(e)),
        }
    }

    /// Drops the table when no row is left in it: a table a revert created for
    /// its progress goes when the revert is done.
    ///
    /// # Errors
    /// When the query or the drop fails.
    pub fn drop_if_empty(&self, conn: &mut Conn) -> Result<(), crate::Error> {
        let rows = self.table.select(conn, "version", Which::All).map_err(db("reading the history table"))?;
        if rows.rows.is_empty() {
            conn.exec(&format!("DROP TABLE {}", self.table.table), Vec::new())
                .map_err(db("dropping the history table"))?;
        }
        Ok(())
    }

    /// Forgets what a successful `migrate apply` supersedes: the last failed
    /// attempt and an unfinished revert (one statement for both).
    ///
    /// # Errors
    /// When the delete fails.
    pub fn clear_superseded(&self, conn: &mut Conn) -> Result<(), crate::Error> {
        self.delete_special(conn, &[FAILED_ATTEMPT, DOWN_RUN])
    }
}
