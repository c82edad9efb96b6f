//! The revisions table `atlas_schema_revisions`: Atlas's columns and meanings,
//! read and written through any dialect plugin.

use crate::clock;
use crate::plugin::Conn;
use serde::Serialize;
use std::time::SystemTime;
use strata_dialect_api::{ErrorKind, RenderReply, RenderRequest, SqlValue};

/// The revisions table's name.
pub const TABLE: &str = "atlas_schema_revisions";

/// The `type` bitmask: a baseline row.
pub const TYPE_BASELINE: i64 = 1;
/// The `type` bitmask: executed by `migrate apply`.
pub const TYPE_EXECUTE: i64 = 2;
/// The `type` bitmask: resolved manually (`migrate set`).
pub const TYPE_RESOLVED: i64 = 4;

/// What strata writes in `operator_version`.
pub fn operator_version() -> String {
    format!("Strata CLI v{}", env!("CARGO_PKG_VERSION"))
}

/// One row of the revisions table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Revision {
    /// The file version.
    pub version: String,
    /// The file description.
    pub description: String,
    /// The `type` bitmask.
    #[serde(rename = "Type", serialize_with = "type_text")]
    pub kind: i64,
    /// Statements applied so far.
    pub applied: i64,
    /// Statements in the file.
    pub total: i64,
    /// When the row was first written.
    pub executed_at: String,
    /// Nanoseconds the file took.
    pub execution_time: i64,
    /// The last error, empty when none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// The statement that failed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error_stmt: Option<String>,
    /// The file's atlas.sum hash (base64, without `h1:`).
    pub hash: String,
    /// Running hashes of the applied statements of a partial file.
    #[serde(skip)]
    pub partial_hashes: Option<Vec<String>>,
    /// The tool that wrote the row.
    pub operator_version: String,
}

fn type_text<S: serde::Serializer>(kind: &i64, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&type_name(*kind))
}

/// Atlas's text for a `type` value.
pub fn type_name(kind: i64) -> String {
    match kind {
        TYPE_BASELINE => "baseline".into(),
        TYPE_EXECUTE => "applied".into(),
        TYPE_RESOLVED => "manually set".into(),
        6 => "applied + manually set".into(),
        other => format!("unknown ({other:04b})"),
    }
}

impl Revision {
    /// A fresh row for a file about to run.
    pub fn new(version: &str, description: &str, kind: i64, total: usize, hash: &str) -> Revision {
        Revision {
            version: version.into(),
            description: description.into(),
            kind,
            applied: 0,
            total: i64::try_from(total).unwrap_or(i64::MAX),
            executed_at: clock::timestamp(SystemTime::now()),
            execution_time: 0,
            error: None,
            error_stmt: None,
            hash: hash.into(),
            partial_hashes: None,
            operator_version: operator_version(),
        }
    }

    /// True when the file stopped before its end (and was not resolved by hand).
    pub fn is_partial(&self) -> bool {
        self.kind & TYPE_RESOLVED == 0
            && (self.applied < self.total || self.error.as_deref().is_some_and(|e| !e.is_empty()))
    }

    /// True when the run applying the file died without recording why: the
    /// statement after the last one recorded may or may not have run.
    pub fn interrupted(&self) -> bool {
        self.is_partial() && self.error.as_deref().is_none_or(str::is_empty)
    }
}

/// The quoted, qualified name of one of our tables and the statements creating it.
fn table_sql(
    conn: &Conn,
    schema: Option<&str>,
    name: &str,
    create: RenderRequest,
) -> Result<(String, Vec<String>), crate::Error> {
    let driver = conn.driver();
    let usage = |e: strata_dialect_api::PluginError| crate::Error::Usage(e.to_string());
    let table = match driver
        .render(&RenderRequest::QualifiedTable { schema: schema.map(String::from), name: name.into() })
        .map_err(usage)?
    {
        RenderReply::Text { text } => text,
        RenderReply::Statements { .. } => return Err(crate::Error::Usage("unexpected render reply".into())),
    };
    let create = match driver.render(&create).map_err(usage)? {
        RenderReply::Statements { statements } => statements,
        RenderReply::Text { text } => vec![text],
    };
    Ok((table, create))
}

/// The revisions table's columns, as Atlas has them.
const COLUMNS: [&str; 12] = [
    "version",
    "description",
    "type",
    "applied",
    "total",
    "executed_at",
    "execution_time",
    "error",
    "error_stmt",
    "hash",
    "partial_hashes",
    "operator_version",
];

/// Reads and writes the revisions table over one connection.
pub struct RevisionStore {
    table: Keyed,
    create: Vec<String>,
    driver: crate::plugin::Driver,
}

mod history;
mod keyed;

use keyed::Keyed;

pub use history::{DownRun, FailedAttempt, HISTORY_TABLE, History, HistoryStore, PlannedRevert};

/// Where Strata keeps its tables on `conn`, as Atlas does: the
/// `--revisions-schema`, else the URL's bound schema, else (for dialects with
/// schemas) the schema `atlas_schema_revisions`.
pub fn schema_for(conn: &Conn, flag: Option<&str>) -> Option<String> {
    flag.map(String::from)
        .or_else(|| conn.info().schema.clone())
        .or_else(|| conn.driver().manifest.capabilities.schemas.then(|| TABLE.to_string()))
}

use crate::error::db;

impl RevisionStore {
    /// Prepares a store for the table in `schema` (the connection's default when `None`).
    ///
    /// # Errors
    /// When the dialect cannot keep the table there.
    pub fn new(conn: &Conn, schema: Option<&str>) -> Result<RevisionStore, crate::Error> {
        let schema = schema_for(conn, schema);
        let schema = schema.as_deref();
        let (table, create) =
            table_sql(conn, schema, TABLE, RenderRequest::RevisionsTable { schema: schema.map(String::from) })?;
        Ok(RevisionStore { table: Keyed::new(conn, table), create, driver: conn.driver().clone() })
    }

    /// Creates the table if it does not exist.
    ///
    /// # Errors
    /// When the database refuses (e.g. no permission to create tables).
    pub fn ensure(&self, conn: &mut Conn) -> Result<(), crate::Error> {
        for stmt in &self.create {
            conn.exec(stmt, Vec::new()).map_err(db("creating the revisions table"))?;
        }
        Ok(())
    }

    /// True when the table exists.
    ///
    /// # Errors
    /// When the check itself fails for another reason than a missing table.
    pub fn exists(&self, conn: &mut Conn) -> Result<bool, crate::Error> {
        table_exists(conn, &self.table.table, "reading the revisions table")
    }

    /// Every revision, ordered by version (byte-wise, as Atlas compares them).
    /// A missing table reads as no revisions.
    ///
    /// # Errors
    /// When the query fails.
    pub fn read(&self, conn: &mut Conn) -> Result<Vec<Revision>, crate::Error> {
        self.read_columns(conn, &COLUMNS)
    }

    /// A digest of every row the database computes, when it can (see
    /// [`Keyed::digest`]).
    pub fn digest(&self, conn: &mut Conn) -> Option<String> {
        self.table.digest(conn, &COLUMNS)
    }

    /// Every revision as [`Self::read`] has it, with only what says how far
    /// it got (version, type, applied of total, error): the rest is empty. A
    /// run confirms its outcome with it, at a fraction of the cost.
    ///
    /// # Errors
    /// When the query fails.
    pub fn read_progress(&self, conn: &mut Conn) -> Result<Vec<Revision>, crate::Error> {
        self.read_columns(conn, &["version", "type", "applied", "total", "error"])
    }

    /// The versions of every revision, in order: what a run that only needs
    /// to know which versions are applied reads (one value a row).
    ///
    /// # Errors
    /// When the query fails.
    pub fn versions(&self, conn: &mut Conn) -> Result<Vec<String>, crate::Error> {
        Ok(self.read_columns(conn, &["version"])?.into_iter().map(|r| r.version).collect())
    }

    fn read_columns(&self, conn: &mut Conn, columns: &[&str]) -> Result<Vec<Revision>, crate::Error> {
        // One query: a missing table reads as no revisions.
        let rows = match self.table.select(conn, &columns.join(", "), keyed::Which::All) {
            Ok(rows) => rows,
            Err(e) if e.kind == ErrorKind::ObjectMissing => return Ok(Vec::new()),
            Err(e) => return Err(db("reading the revisions table")(e)),
        };
        let at = |name: &str| columns.iter().position(|c| *c == name);
        let mut revisions = Vec::new();
        for row in rows.rows {
            let text = |name: &str| at(name).and_then(|i| row.get(i).cloned().flatten());
            let int = |name: &str| text(name).and_then(|s| s.parse::<i64>().ok()).unwrap_or_default();
            let version = text("version").unwrap_or_default();
            if version == ".atlas_cloud_identifier" {
                continue;
            }
            revisions.push(Revision {
                version,
                description: text("description").unwrap_or_default(),
                kind: int("type"),
                applied: int("applied"),
                total: int("total"),
                executed_at: text("executed_at").unwrap_or_default(),
                execution_time: int("execution_time"),
                error: text("error").filter(|e| !e.is_empty()),
                error_stmt: text("error_stmt").filter(|e| !e.is_empty()),
                hash: text("hash").unwrap_or_default(),
                partial_hashes: text("partial_hashes").and_then(|j| serde_json::from_str(&j).ok()),
                operator_version: text("operator_version").unwrap_or_default(),
            });
        }
        revisions.sort_by(|a, b| a.version.as_bytes().cmp(b.version.as_bytes()));
        Ok(revisions)
    }

    /// Writes a revision: update by version, insert when absent.
    /// `executed_at` and `description` are never updated.
    ///
    /// # Errors
    /// When the write fails.
    pub fn write(&self, conn: &mut Conn, rev: &Revision) -> Result<(), crate::Error> {
        self.write_row(conn, rev, false)
    }

    /// Writes a revision; `absent` skips the update when the caller knows the
    /// row does not exist yet.
    ///
    /// # Errors
    /// When the write fails.
    pub fn write_row(&self, conn: &mut Conn, rev: &Revision, absent: bool) -> Result<(), crate::Error> {
        let (values, insert_only) = self.columns(rev);
        self.table
            .upsert(conn, (&rev.version, absent), &values, &insert_only)
            .map_err(db("writing the revisions table"))
    }

    /// Inserts revisions known not to exist, many rows per statement.
    ///
    /// # Errors
    /// When the write fails.
    pub fn insert_all(&self, conn: &mut Conn, revs: &[Revision]) -> Result<(), crate::Error> {
        let rows: Vec<Vec<(&str, SqlValue)>> = revs
            .iter()
            .map(|rev| {
                let (values, insert_only) = self.columns(rev);
                std::iter::once(("version", SqlValue::from(rev.version.as_str())))
                    .chain(values)
                    .chain(insert_only)
                    .collect()
            })
            .collect();
        self.table.insert_rows(conn, &rows).map_err(db("writing the revisions table"))
    }

    /// A row's columns: those a write updates, and those only an insert sets.
    fn columns(&self, rev: &Revision) -> ([Column; 9], [Column; 2]) {
        let partial = rev.partial_hashes.as_ref().map(|h| serde_json::to_string(h).unwrap_or_default());
        let values = [
            ("type", SqlValue::Int(rev.kind)),
            ("applied", SqlValue::Int(rev.applied)),
            ("total", SqlValue::Int(rev.total)),
            ("execution_time", SqlValue::Int(rev.execution_time)),
            ("error", SqlValue::Text(rev.error.clone().unwrap_or_default().into())),
            ("error_stmt", SqlValue::opt_text(rev.error_stmt.as_deref())),
            ("hash", SqlValue::from(rev.hash.as_str())),
            ("partial_hashes", SqlValue::opt_text(partial.as_deref())),
            ("operator_version", SqlValue::from(rev.operator_version.as_str())),
        ];
        // The dialect writes timestamps its way (MariaDB takes no offset).
        let executed_at = match self.driver.render(&RenderRequest::TimestampValue { utc: rev.executed_at.clone() }) {
            Ok(RenderReply::Text { text }) => text,
            _ => rev.executed_at.clone(),
        };
        let insert_only = [
            ("description", SqlValue::from(rev.description.as_str())),
            ("executed_at", SqlValue::from(executed_at.as_str())),
        ];
        (values, insert_only)
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
        self.table.delete(conn, versions).map_err(db("writing the revisions table"))
    }
}

/// True when `table` (quoted, qualified) exists. Ask before a transaction: on
/// PostgreSQL a failed probe inside one aborts it.
fn table_exists(conn: &mut Conn, table: &str, context: &str) -> Result<bool, crate::Error> {
    match conn.query(&format!("SELECT 1 FROM {table} WHERE 1 = 0"), Vec::new()) {
        Ok(_) => Ok(true),
        Err(e) if e.kind == ErrorKind::ObjectMissing => Ok(false),
        Err(e) => Err(db(context)(e)),
    }
}

type Column = keyed::Column<'static>;
