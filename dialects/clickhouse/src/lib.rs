//! The ClickHouse dialect: inspection, diffing and planning over ClickHouse's
//! HTTP interface (the `clickhouse` crate).
//!
//! This is an ordinary library so tests can link it; the loadable plugin is the
//! few-line cdylib in `plugin/`, which only exports [`ClickHouse`] as a root
//! module. The HTTP client runs on a runtime this crate owns; every call
//! blocks on it.
//!
//! A connection is bound to the URL's database (`default` when none), like a
//! MySQL URL naming a database: ClickHouse databases are not schemas inside
//! one connection. There are no transactions (every statement is its own
//! unit), no advisory locks (a lock is a table, see [`ChConn`]'s `lock`), and
//! no `UPDATE`/`DELETE` of Strata's own tables: the manifest asks the host to
//! append rows instead (`append_only_bookkeeping`), and the bookkeeping tables
//! are `ReplacingMergeTree`s keyed by `version`.
//!
//! Written against ClickHouse 18.16 (the server Debian ships), whose SQL is
//! the narrowest: no `DROP VIEW`, no `RENAME COLUMN`, no `MODIFY ORDER BY`, no
//! `EXISTS`. ClickHouse-only facts ride in the model as
//! `Attr::Other { dialect: "clickhouse", .. }` (see `attrs.rs`).

mod attrs;
mod diff;
mod driver;
mod inspect;
mod plan;
mod sql;
mod types;

pub use diff::diff_realm;
pub use driver::{ChConn, open};
pub use inspect::inspect_realm;
pub use plan::plan_changes;
pub use types::{literal, quote};

use strata_dialect_api::{ErrorKind, Manifest, Placeholder, PluginError, RenderReply, RenderRequest};

/// The ClickHouse dialect.
pub struct ClickHouse;

strata_dialect_kit::impl_dialect!(ClickHouse);

/// What the plugin says about itself. Built from [`Manifest::new`] with
/// field assignments, so that fields a later API minor adds take their
/// defaults.
pub fn manifest() -> Manifest {
    let mut m = Manifest::new("clickhouse", &["clickhouse"]);
    m.version = env!("CARGO_PKG_VERSION").into();
    let c = &mut m.capabilities;
    // No transactions at all: each statement takes effect on its own.
    c.transactional_ddl = false;
    // A lock table stands for the lock (see `ChConn::lock`).
    c.advisory_locks = true;
    // Bound to the URL's database, like MySQL with a database.
    c.schemas = false;
    c.concurrent_index = false;
    c.placeholder = Placeholder::Question;
    // `ALTER TABLE … UPDATE/DELETE` are asynchronous mutations, not
    // statements the host can rely on: it appends rows instead.
    c.append_only_bookkeeping = true;
    c.no_transactions = true;
    // String literals take backslash escapes; 18.16 knows no `#` comments
    // and no `BEGIN … END` blocks.
    m.lexer.backslash_escapes = true;
    m
}

fn no_fingerprint() -> PluginError {
    PluginError::new(ErrorKind::Unsupported, "ClickHouse has no schema fingerprint query")
}

/// Answers a render request.
///
/// # Errors
/// Never: every request has an answer.
pub fn render(request: &RenderRequest) -> Result<RenderReply, PluginError> {
    Ok(match request {
        RenderRequest::QuoteIdent { name } => RenderReply::Text { text: quote(name) },
        RenderRequest::TimestampValue { utc } => RenderReply::Text { text: timestamp(utc) },
        RenderRequest::QualifiedTable { schema, name } => {
            RenderReply::Text { text: types::qualified(schema.as_deref(), name) }
        }
        RenderRequest::RevisionsTable { schema } => {
            RenderReply::Statements { statements: bookkeeping(schema.as_deref(), "atlas_schema_revisions", &REVISIONS) }
        }
        RenderRequest::HistoryTable { schema } => {
            RenderReply::Statements { statements: bookkeeping(schema.as_deref(), "strata_schema_history", &HISTORY) }
        }
        // No single cheap catalog read covers what inspection reads: the
        // host inspects every time.
        RenderRequest::SchemaFingerprint => return Err(no_fingerprint()),
        // Without a fingerprint no plan is remembered: nothing to key.
        RenderRequest::RowsDigest { .. } => {
            return Err(PluginError::new(ErrorKind::Unsupported, "ClickHouse computes no rows digest"));
        }
    })
}

/// `YYYY-MM-DD hh:mm:ss`: a `DateTime` takes neither a fraction nor an
/// offset. The host's times are UTC, as the bookkeeping column is.
fn timestamp(utc: &str) -> String {
    let t = utc.trim().replacen('T', " ", 1);
    let end = t.find(['.', '+', 'Z']).unwrap_or(t.len());
    t[..end].trim_end_matches("-00:00").to_string()
}

/// The revisions table's columns: Atlas's (`strata_dialect_kit::bookkeeping`)
/// in ClickHouse's types (no `NOT NULL`: a column is non-null unless
/// `Nullable`), then `seq` and `deleted` for the host's append-only writes.
const REVISIONS: [(&str, &str); 14] = [
    ("version", "String"),
    ("description", "String"),
    ("type", "Int64 DEFAULT 2"),
    ("applied", "Int64 DEFAULT 0"),
    ("total", "Int64 DEFAULT 0"),
    ("executed_at", "DateTime('UTC')"),
    ("execution_time", "Int64"),
    ("error", "Nullable(String)"),
    ("error_stmt", "Nullable(String)"),
    ("hash", "String"),
    ("partial_hashes", "Nullable(String)"),
    ("operator_version", "String"),
    ("seq", "UInt64"),
    ("deleted", "UInt8 DEFAULT 0"),
];

/// The history table's columns, with `seq` and `deleted`.
const HISTORY: [(&str, &str); 7] = [
    ("version", "String"),
    ("description", "String"),
    ("statements", "String"),
    ("down_statements", "Nullable(String)"),
    ("down_applied", "Int64 DEFAULT 0"),
    ("seq", "UInt64"),
    ("deleted", "UInt8 DEFAULT 0"),
];

/// The database (when named) and then a bookkeeping table.
///
/// ClickHouse cannot update or delete rows in place (its `ALTER TABLE …
/// UPDATE/DELETE` are asynchronous mutations), so the host appends: each write
/// is a whole new row with a larger `seq`, a removal a row with `deleted = 1`,
/// and a read keeps the newest row of each `version` and skips deleted ones.
/// `ReplacingMergeTree(seq) ORDER BY version` keeps, when it merges parts,
/// only the row with the largest `seq` of each version, so old rows are
/// compacted away on their own; reads never depend on when that happens.
fn bookkeeping(schema: Option<&str>, name: &str, columns: &[(&str, &str)]) -> Vec<String> {
    let mut statements = Vec::new();
    if let Some(s) = schema {
        statements.push(format!("CREATE DATABASE IF NOT EXISTS {}", quote(s)));
    }
    let columns: Vec<String> = columns.iter().map(|(c, ty)| format!("{} {ty}", quote(c))).collect();
    statements.push(format!(
        "CREATE TABLE IF NOT EXISTS {} ({}) ENGINE = ReplacingMergeTree({}) ORDER BY {}",
        types::qualified(schema, name),
        columns.join(", "),
        quote("seq"),
        quote("version")
    ));
    statements
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(r: RenderRequest) -> String {
        match render(&r).unwrap() {
            RenderReply::Text { text } => text,
            RenderReply::Statements { statements } => statements.join(";\n"),
        }
    }

    #[test]
    fn bookkeeping_ddl() {
        assert_eq!(
            text(RenderRequest::RevisionsTable { schema: None }),
            "CREATE TABLE IF NOT EXISTS `atlas_schema_revisions` (`version` String, `description` String, \
             `type` Int64 DEFAULT 2, `applied` Int64 DEFAULT 0, `total` Int64 DEFAULT 0, \
             `executed_at` DateTime('UTC'), `execution_time` Int64, `error` Nullable(String), \
             `error_stmt` Nullable(String), `hash` String, `partial_hashes` Nullable(String), \
             `operator_version` String, `seq` UInt64, `deleted` UInt8 DEFAULT 0) \
             ENGINE = ReplacingMergeTree(`seq`) ORDER BY `version`"
        );
        assert_eq!(
            text(RenderRequest::HistoryTable { schema: Some("s".into()) }),
            "CREATE DATABASE IF NOT EXISTS `s`;\n\
             CREATE TABLE IF NOT EXISTS `s`.`strata_schema_history` (`version` String, `description` String, \
             `statements` String, `down_statements` Nullable(String), `down_applied` Int64 DEFAULT 0, \
             `seq` UInt64, `deleted` UInt8 DEFAULT 0) ENGINE = ReplacingMergeTree(`seq`) ORDER BY `version`"
        );
    }

    #[test]
    fn render_requests() {
        assert_eq!(text(RenderRequest::QuoteIdent { name: "a`b\\".into() }), "`a\\`b\\\\`");
        assert_eq!(text(RenderRequest::QualifiedTable { schema: Some("s".into()), name: "t".into() }), "`s`.`t`");
        assert_eq!(text(RenderRequest::QualifiedTable { schema: None, name: "t".into() }), "`t`");
        for utc in ["2026-01-02 03:04:05.123456+00:00", "2026-01-02T03:04:05Z", "2026-01-02 03:04:05"] {
            assert_eq!(text(RenderRequest::TimestampValue { utc: utc.into() }), "2026-01-02 03:04:05");
        }
    }

    #[test]
    fn manifest_states_clickhouse_facts() {
        let m = manifest();
        let c = &m.capabilities;
        assert!(!c.transactional_ddl && c.advisory_locks && !c.schemas && c.append_only_bookkeeping);
        assert_eq!(c.placeholder, Placeholder::Question);
        assert_eq!(m.url_schemes, ["clickhouse"]);
        assert_eq!((m.api_version, m.api_minor), (strata_dialect_api::API_VERSION, strata_dialect_api::API_MINOR));
        assert!(m.lexer.backslash_escapes && !m.lexer.hash_comments);
    }
}
