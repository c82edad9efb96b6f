//! The SQLite dialect: inspection, diffing and planning over rusqlite (bundled).
//!
//! This is an ordinary library so tests can link it; the loadable plugin is the
//! few-line cdylib in `plugin/`, which only exports [`Sqlite`] as a root module.

mod checks;
mod diff;
mod digest;
mod driver;
mod inspect;
mod plan;
mod sql;
mod types;

pub use diff::diff_realm;
pub use driver::{SqliteConn, open};
pub use inspect::inspect_realm;
pub use plan::plan_changes;

use strata_dialect_api::{
    API_VERSION, Capabilities, ErrorKind, LexerOptions, Manifest, Placeholder, PluginError, RenderReply, RenderRequest,
};
use strata_dialect_kit::bookkeeping::Bookkeeping;

/// The SQLite dialect.
pub struct Sqlite;

strata_dialect_kit::impl_dialect!(Sqlite);

/// What the plugin says about itself.
pub fn manifest() -> Manifest {
    Manifest {
        name: "sqlite".into(),
        api_version: API_VERSION,
        api_minor: strata_dialect_api::API_MINOR,
        version: env!("CARGO_PKG_VERSION").into(),
        url_schemes: vec!["sqlite".into(), "sqlite3".into()],
        capabilities: Capabilities {
            transactional_ddl: true,
            advisory_locks: true,
            schemas: false,
            concurrent_index: false,
            placeholder: Placeholder::Question,
            append_only_bookkeeping: false,
            no_transactions: false,
        },
        // Atlas's SQLite scanner: BEGIN … END grouping for trigger bodies only.
        lexer: LexerOptions { match_begin: true, ..LexerOptions::default() },
    }
}

/// The schema fingerprint query (see [`RenderRequest::SchemaFingerprint`]):
/// a digest of `sqlite_master`, which holds everything inspection reads
/// (every table, index, view and trigger is its CREATE statement there),
/// computed by [`digest`] in one value: 80 KB of CREATE statements on 300
/// tables cost a millisecond to carry across the boundary.
const FINGERPRINT: &str = "SELECT strata_digest(type, name, tbl_name, sql) FROM main.sqlite_master";

/// Answers a render request.
///
/// # Errors
/// [`ErrorKind::Unsupported`] for a schema other than `main`.
pub fn render(request: &RenderRequest) -> Result<RenderReply, PluginError> {
    match request {
        RenderRequest::QuoteIdent { name } => Ok(RenderReply::Text { text: types::quote(name) }),
        RenderRequest::TimestampValue { utc } => Ok(RenderReply::Text { text: utc.clone() }),
        // Inspection reads nothing but what these rows hold: every table,
        // index, view and trigger is its CREATE statement here.
        RenderRequest::SchemaFingerprint => Ok(RenderReply::Text { text: FINGERPRINT.into() }),
        RenderRequest::RowsDigest { table, columns } => Ok(RenderReply::Text { text: digest::query(table, columns) }),
        RenderRequest::QualifiedTable { schema, name } => {
            main_only(schema.as_deref())?;
            Ok(RenderReply::Text { text: types::quote(name) })
        }
        RenderRequest::RevisionsTable { schema } => {
            main_only(schema.as_deref())?;
            Ok(RenderReply::Statements { statements: BOOKKEEPING.revisions_table(None) })
        }
        RenderRequest::HistoryTable { schema } => {
            main_only(schema.as_deref())?;
            Ok(RenderReply::Statements { statements: BOOKKEEPING.history_table(None) })
        }
        #[allow(unreachable_patterns)]
        other => Err(PluginError::new(ErrorKind::Unsupported, format!("unsupported render request {other:?}"))),
    }
}

/// Atlas's column types (reference/atlas-behavior.md §4.1). The tables are
/// always in `main`: no schema is ever passed.
const BOOKKEEPING: Bookkeeping = Bookkeeping {
    quote: types::quote,
    create_schema: "",
    string: "text",
    integer: "integer",
    bitmask: "integer",
    timestamp: "datetime",
    text: "text",
    json: "json",
    table_options: "",
};

/// The bookkeeping tables live in `main`, as Atlas's do (§4.2): any other
/// schema is refused with Atlas's message.
fn main_only(schema: Option<&str>) -> Result<(), PluginError> {
    match schema.filter(|s| *s != "main") {
        Some(s) => Err(PluginError::new(
            ErrorKind::Unsupported,
            format!("cannot store revisions-table in a separate schema ({s:?}) with SQLite driver"),
        )),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The fingerprint counts every object, one without SQL too (a unique
    /// key's index), and any change of one moves it.
    #[test]
    fn fingerprint_holds_every_object() {
        let db = rusqlite::Connection::open_in_memory().unwrap();
        digest::register(&db).unwrap();
        let fingerprint =
            |db: &rusqlite::Connection| -> String { db.query_row(FINGERPRINT, [], |r| r.get(0)).unwrap() };
        assert!(fingerprint(&db).starts_with("0 "));
        db.execute_batch(
            "CREATE TABLE a (id integer PRIMARY KEY, b text UNIQUE, c text);
             CREATE INDEX a_b ON a (b);
             CREATE VIEW v AS SELECT 1 AS x;",
        )
        .unwrap();
        let before = fingerprint(&db);
        assert!(before.starts_with("4 "), "{before}");
        for change in [
            "DROP INDEX a_b; CREATE INDEX a_b ON a (b DESC);",
            "ALTER TABLE a RENAME TO a2;",
            "ALTER TABLE a ADD COLUMN d integer;",
            "DROP VIEW v; CREATE VIEW v AS SELECT 2 AS x;",
            "CREATE TRIGGER tr AFTER INSERT ON a BEGIN SELECT 1; END;",
        ] {
            let db = rusqlite::Connection::open_in_memory().unwrap();
            digest::register(&db).unwrap();
            db.execute_batch(
                "CREATE TABLE a (id integer PRIMARY KEY, b text UNIQUE, c text);
                 CREATE INDEX a_b ON a (b);
                 CREATE VIEW v AS SELECT 1 AS x;",
            )
            .unwrap();
            assert_eq!(fingerprint(&db), before);
            db.execute_batch(change).unwrap();
            assert_ne!(fingerprint(&db), before, "{change}");
        }
    }

    /// The bookkeeping tables' DDL, byte for byte as Atlas writes it.
    #[test]
    fn bookkeeping_ddl() {
        let statements = |r: RenderRequest| match render(&r) {
            Ok(RenderReply::Statements { statements }) => statements,
            other => panic!("{other:?}"),
        };
        assert_eq!(
            statements(RenderRequest::RevisionsTable { schema: Some("main".into()) }),
            ["CREATE TABLE IF NOT EXISTS `atlas_schema_revisions` (`version` text NOT NULL, \
                         `description` text NOT NULL, `type` integer NOT NULL DEFAULT 2, \
                         `applied` integer NOT NULL DEFAULT 0, `total` integer NOT NULL DEFAULT 0, \
                         `executed_at` datetime NOT NULL, `execution_time` integer NOT NULL, \
                         `error` text NULL, `error_stmt` text NULL, `hash` text NOT NULL, \
                         `partial_hashes` json NULL, `operator_version` text NOT NULL, PRIMARY KEY (`version`))"]
        );
        assert_eq!(
            statements(RenderRequest::HistoryTable { schema: None }),
            ["CREATE TABLE IF NOT EXISTS `strata_schema_history` (`version` text NOT NULL, \
                         `description` text NOT NULL, `statements` text NOT NULL, `down_statements` text NULL, \
                         `down_applied` integer NOT NULL DEFAULT 0, PRIMARY KEY (`version`))"]
        );
        let refused = render(&RenderRequest::HistoryTable { schema: Some("other".into()) });
        assert_eq!(
            refused.err().map(|e| e.message.to_string()).as_deref(),
            Some("cannot store revisions-table in a separate schema (\"other\") with SQLite driver")
        );
    }
}
