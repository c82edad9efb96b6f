//! Plans: ordered SQL statements with what policies and the executor must know.

use crate::change::Change;
use serde::{Deserialize, Serialize};

/// What to inspect ([`crate::DialectConnection::inspect`]).
///
/// The host passes the defaults (everything in scope) except for `schema
/// inspect --schema S --exclude T`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct InspectOptions {
    /// Only these schemas. Empty: the schema the connection is bound to
    /// ([`crate::ConnInfo::schema`]), else every schema the user can see,
    /// system schemas left out.
    pub schemas: Vec<String>,
    /// Tables to leave out, by exact name, with their indexes, keys and
    /// triggers. The host does not use this for its own tables: a plugin
    /// inspects those like any table, and the host removes them from what it
    /// compares.
    pub exclude_tables: Vec<String>,
}

/// How to diff two realms ([`crate::Dialect::diff`]).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct DiffOptions {
    /// Compare schemas by position rather than by name (a schema-bound URL
    /// against a file normalized in another schema). With one schema on each
    /// side, those two are compared whatever their names and the changes name
    /// `from`'s schema; with several, schemas still match by name. The host
    /// sets it on every diff it asks for.
    pub ignore_schema_names: bool,
}

/// How to turn changes into SQL ([`crate::Dialect::plan`]).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct PlanOptions {
    /// Qualify object names with their schema; without it, write them
    /// unqualified (the connection's schema). For SQL run on a connection the
    /// host sets it when [`crate::Capabilities::schemas`] holds and the
    /// connection is not bound to a schema.
    pub qualify: bool,
    /// Generate pre-migration checks ([`Statement::checks`]) for statements
    /// that destroy data. Set for `schema apply` and `migrate down`.
    pub checks: bool,
}

/// An assertion that must return true before a statement runs, or the run is
/// refused (`--skip-checks` overrides).
///
/// The host runs it right before its statement when the plan runs in one
/// transaction, and before the plan's first statement otherwise (and for
/// `migrate down`'s computed plans always; `schema apply` also runs every
/// check once before it asks to proceed): write it so that it reads the same
/// at both points, e.g. the rows of the table the statement drops.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PreCheck {
    /// A query returning one row whose first value reads as true (`1`, `t`,
    /// `true`, `yes`, `on`) when the statement may run. A query that fails
    /// counts as not holding.
    pub sql: String,
    /// What must hold, e.g. `table "logs" is empty`: shown as "expected …"
    /// when the check fails.
    pub reason: String,
}

/// One statement of a plan. Its flags are what the executor and the lint
/// policies go by; they must describe the statement truthfully.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Statement {
    /// The SQL, one statement without a trailing delimiter; the host sends it
    /// to [`crate::DialectConnection::exec`] as is, and prints plans as these
    /// followed by `;`.
    pub sql: String,
    /// A short lowercase comment, e.g. `create "users" table`; printed as an
    /// SQL comment above the statement (first letter upper-cased).
    #[serde(default)]
    pub comment: String,
    /// Statements that undo this one, planned with it. Carried in plans; the
    /// host does not run them (`migrate down` plans its revert from states).
    #[serde(default)]
    pub reverse: Vec<String>,
    /// Index into [`Plan::changes`] of the change it came from. The host
    /// counts the rows a `DropTable` or `DropColumn` change destroys through
    /// it, and shows the change to the lint policies with the first statement
    /// that names it.
    #[serde(default)]
    pub source: usize,
    /// It can lose data: the host lists it (with the rows at stake) before
    /// `schema apply` asks, and a failed check of it reads "data would be
    /// lost".
    #[serde(default)]
    pub destructive: bool,
    /// It can run inside a transaction. A plan runs in one transaction only
    /// when every statement can and the dialect has transactional DDL;
    /// otherwise statement by statement. The lint reads it too.
    #[serde(default = "yes")]
    pub transactional: bool,
    /// It locks the table against writes while it runs (read by the lint).
    #[serde(default)]
    pub locks_table: bool,
    /// It rewrites the table, copying every row (read by the lint).
    #[serde(default)]
    pub rewrites_table: bool,
    /// Assertions that must hold before it runs, planned only with
    /// [`PlanOptions::checks`].
    #[serde(default)]
    pub checks: Vec<PreCheck>,
}

fn yes() -> bool {
    true
}

impl Statement {
    /// A plain transactional, non-destructive statement.
    pub fn new(sql: impl Into<String>, comment: impl Into<String>, source: usize) -> Self {
        Statement {
            sql: sql.into(),
            comment: comment.into(),
            reverse: Vec::new(),
            source,
            destructive: false,
            transactional: true,
            locks_table: false,
            rewrites_table: false,
            checks: Vec::new(),
        }
    }
}

/// An ordered set of statements turning one schema into another: run in
/// order on a database holding the `from` side of the diff, they leave one
/// that inspects to the `to` side.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Plan {
    /// The changes the statements came from, indexed by
    /// [`Statement::source`]: the changes the plugin was asked to plan.
    #[serde(default)]
    pub changes: Vec<Change>,
    /// The statements, in order.
    #[serde(default)]
    pub statements: Vec<Statement>,
}

impl Plan {
    /// True when every statement can run inside one transaction.
    pub fn transactional(&self) -> bool {
        self.statements.iter().all(|s| s.transactional)
    }

    /// True when every statement has a reverse.
    pub fn reversible(&self) -> bool {
        self.statements.iter().all(|s| !s.reverse.is_empty())
    }

    /// True when there is nothing to run.
    pub fn is_empty(&self) -> bool {
        self.statements.is_empty()
    }
}

/// Dialect SQL the host needs without a connection
/// ([`crate::Dialect::render`]).
///
/// The host fails a command with a usage error when the bookkeeping requests
/// fail (`RevisionsTable`, `HistoryTable`, and `QualifiedTable` for those
/// tables); it falls back when `TimestampValue` fails. A variant added in a
/// later minor fails to decode in older plugins ([`crate::ErrorKind::Decode`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "request", rename_all = "snake_case")]
pub enum RenderRequest {
    /// Quote an identifier. Reply [`RenderReply::Text`]: the identifier quoted
    /// so that any text round-trips (embedded quotes, keywords, case, spaces,
    /// backslashes).
    QuoteIdent {
        /// The identifier.
        name: String,
    },
    /// The statements creating the revisions table `atlas_schema_revisions`
    /// (and its schema, when given), idempotently: they run on every
    /// `migrate apply`. Reply [`RenderReply::Statements`], executed in order.
    ///
    /// The table is Atlas's, so that either tool reads the other's: primary
    /// key `version`, columns `version`, `description` (strings, NOT NULL),
    /// `type` (integer NOT NULL DEFAULT 2), `applied`, `total` (integers NOT
    /// NULL DEFAULT 0), `executed_at` (timestamp NOT NULL), `execution_time`
    /// (integer NOT NULL), `error`, `error_stmt` (long text NULL), `hash`
    /// (string NOT NULL), `partial_hashes` (JSON NULL), `operator_version`
    /// (string NOT NULL), with the types Atlas uses for the database
    /// (`strata-dialect-kit`'s `bookkeeping` has them for PostgreSQL, MySQL and
    /// SQLite). The host names the columns bare and lower-case in its SQL
    /// (`type` included) and binds JSON and timestamps as text.
    RevisionsTable {
        /// The schema to keep it in; the connection's default when absent.
        schema: Option<String>,
    },
    /// The statements creating Strata's own history table `strata_schema_history`
    /// (beside the revisions table), idempotently. Columns: `version` (text,
    /// primary key), `description` (text), `statements` (text: JSON array of the
    /// statements applied), `down_statements` (text NULL: JSON array of a revert in
    /// progress), `down_applied` (integer: statements of it already run).
    /// Reply [`RenderReply::Statements`], executed in order.
    HistoryTable {
        /// The schema to keep it in; the connection's default when absent.
        schema: Option<String>,
    },
    /// A table name as the host must write it in queries, schema-qualified when
    /// given, quoted as [`RenderRequest::QuoteIdent`] would. Reply
    /// [`RenderReply::Text`], used verbatim.
    QualifiedTable {
        /// The schema; `None` for an unqualified name.
        schema: Option<String>,
        /// The table.
        name: String,
    },
    /// The text to bind for a point in time written to a timestamp column of
    /// Strata's tables (`executed_at`). Reply [`RenderReply::Text`]: `utc`
    /// unchanged when the database accepts it, else rewritten (MariaDB takes
    /// no offset). A plugin that does not know this request fails it, and the
    /// host binds `utc` unchanged.
    TimestampValue {
        /// The time in UTC as `YYYY-MM-DD hh:mm:ss.ffffff+00:00`.
        utc: String,
    },
    /// A query that fingerprints the schema (since 2.2). Reply
    /// [`RenderReply::Text`]: one query the host runs through
    /// [`crate::DialectConnection::query`] and hashes, row by row, to learn
    /// whether a schema is one it inspected before without inspecting it
    /// again (a warm `migrate down` reuses its plan when the fingerprint, the
    /// revisions and the directory are those it was planned for).
    ///
    /// The contract is strict: two reads that return the same rows, on any
    /// two databases of the dialect, must mean that
    /// [`crate::DialectConnection::inspect`] with default options returns
    /// equal realms for them. Cover everything inspection reads for its
    /// default scope (a superset is fine: it only costs reuse); SQLite's
    /// `sqlite_master` is such a query. A dialect without one fails the
    /// request ([`crate::ErrorKind::Unsupported`]), and the host always
    /// inspects; it does the same for a plugin that predates the request.
    SchemaFingerprint,
    /// A query that digests rows (since 2.3). Reply [`RenderReply::Text`]:
    /// one query, returning one row of one column, whose value changes
    /// whenever any of `columns` changes in any row of `table` or a row comes
    /// or goes (save for a hash collision), whatever order the rows are
    /// stored in. The host keys a remembered `migrate down` plan by digests of
    /// Strata's revisions and history tables instead of reading thousands of
    /// values across the boundary. A dialect without one fails the request
    /// ([`crate::ErrorKind::Unsupported`]) and the host reads the rows; it
    /// does the same for a plugin that predates the request.
    RowsDigest {
        /// The table, as [`RenderRequest::QualifiedTable`] answered.
        table: String,
        /// The columns, bare and lower-case, as the host names them.
        columns: Vec<String>,
    },
}

/// The answer to a [`RenderRequest`], of the kind each request names. For
/// `RevisionsTable` and `HistoryTable` the host also accepts one `Text` (one
/// statement); for the others, `Statements` is an error.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "reply", rename_all = "snake_case")]
pub enum RenderReply {
    /// One piece of SQL text.
    Text {
        /// The text.
        text: String,
    },
    /// Statements to run in order.
    Statements {
        /// The statements.
        statements: Vec<String>,
    },
}
