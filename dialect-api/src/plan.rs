//! Plans: ordered SQL statements with what policies and the executor must know.

use crate::change::Change;
use serde::{Deserialize, Serialize};

/// What to inspect.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct InspectOptions {
    /// Only these schemas (all visible ones when empty, or the URL's bound schema).
    pub schemas: Vec<String>,
    /// Tables to leave out, by name (the revisions table, for instance).
    pub exclude_tables: Vec<String>,
}

/// How to diff two realms.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct DiffOptions {
    /// Compare schemas by position rather than by name (a schema-bound URL
    /// against a file normalized in another schema).
    pub ignore_schema_names: bool,
}

/// How to turn changes into SQL.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct PlanOptions {
    /// Qualify object names with their schema.
    pub qualify: bool,
    /// Generate pre-migration checks for destructive statements.
    pub checks: bool,
}

/// An assertion that must return true before a statement runs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PreCheck {
    /// A query returning one row with one boolean-ish column.
    pub sql: String,
    /// Why the check exists, e.g. `table "logs" is empty`.
    pub reason: String,
}

/// One statement of a plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Statement {
    /// The SQL, without a trailing delimiter.
    pub sql: String,
    /// A short comment, e.g. `create "users" table`.
    #[serde(default)]
    pub comment: String,
    /// Statements that undo this one, planned with it.
    #[serde(default)]
    pub reverse: Vec<String>,
    /// Index into [`Plan::changes`] of the change it came from.
    #[serde(default)]
    pub source: usize,
    /// It can lose data.
    #[serde(default)]
    pub destructive: bool,
    /// It can run inside a transaction.
    #[serde(default = "yes")]
    pub transactional: bool,
    /// It locks the table against writes while it runs.
    #[serde(default)]
    pub locks_table: bool,
    /// It rewrites the table (copies every row).
    #[serde(default)]
    pub rewrites_table: bool,
    /// Assertions that must hold before it runs.
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

/// An ordered set of statements turning one schema into another.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Plan {
    /// The changes the statements came from.
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

/// Dialect SQL the host needs without a connection.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "request", rename_all = "snake_case")]
pub enum RenderRequest {
    /// Quote an identifier.
    QuoteIdent {
        /// The identifier.
        name: String,
    },
    /// The statements creating the revisions table `atlas_schema_revisions`
    /// (and its schema, when given), idempotently.
    RevisionsTable {
        /// The schema to keep it in; the connection's default when absent.
        schema: Option<String>,
    },
    /// The statements creating Strata's own history table `strata_schema_history`
    /// (beside the revisions table), idempotently. Columns: `version` (text,
    /// primary key), `description` (text), `statements` (text: JSON array of the
    /// statements applied), `down_statements` (text NULL: JSON array of a revert in
    /// progress), `down_applied` (integer: statements of it already run).
    HistoryTable {
        /// The schema to keep it in; the connection's default when absent.
        schema: Option<String>,
    },
    /// A table name as the host must write it in queries, schema-qualified when given.
    QualifiedTable {
        /// The schema.
        schema: Option<String>,
        /// The table.
        name: String,
    },
    /// The text to bind for a point in time written to a timestamp column of
    /// Strata's tables (`executed_at`). A plugin that does not know this request
    /// fails it, and the host binds `utc` unchanged.
    TimestampValue {
        /// The time in UTC as `YYYY-MM-DD hh:mm:ss.ffffff+00:00`.
        utc: String,
    },
}

/// The answer to a [`RenderRequest`].
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
