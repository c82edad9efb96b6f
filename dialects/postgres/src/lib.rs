//! The PostgreSQL dialect: inspection, diffing and planning over tokio-postgres.
//!
//! This is an ordinary library so tests can link it; the loadable plugin is the
//! few-line cdylib in `plugin/`, which only exports [`Postgres`] as a root module.
//! The async driver runs on a runtime this crate owns; every call blocks on it.
//!
//! Sequences, enum types, domains, extensions and functions have no place in the
//! shared model: they ride in `Schema.attrs` as `Attr::Other { dialect: "postgres", .. }`
//! (see `objects.rs`).

mod checks;
mod diff;
mod driver;
mod inspect;
mod objects;
mod plan;
mod sql;
mod types;
mod values;

pub use diff::diff_realm;
pub use driver::{PgConn, lock_id, open};
pub use plan::plan_changes;
pub use types::{literal, quote};

use strata_dialect_api::{
    API_VERSION, Capabilities, LexerOptions, Manifest, Placeholder, PluginError, RenderReply, RenderRequest,
};
use strata_dialect_kit::bookkeeping::Bookkeeping;

/// The PostgreSQL dialect.
pub struct Postgres;

strata_dialect_kit::impl_dialect!(Postgres);

/// What the plugin says about itself.
pub fn manifest() -> Manifest {
    Manifest {
        name: "postgres".into(),
        api_version: API_VERSION,
        api_minor: strata_dialect_api::API_MINOR,
        version: env!("CARGO_PKG_VERSION").into(),
        url_schemes: vec!["postgres".into(), "postgresql".into()],
        capabilities: Capabilities {
            transactional_ddl: true,
            advisory_locks: true,
            schemas: true,
            concurrent_index: true,
            placeholder: Placeholder::Dollar,
            append_only_bookkeeping: false,
            no_transactions: false,
        },
        // Atlas's PostgreSQL scanner options (reference §2.1).
        lexer: LexerOptions {
            match_begin: true,
            begin_atomic: true,
            dollar_quote: true,
            escaped_string_ext: true,
            ..LexerOptions::default()
        },
    }
}

/// The schema fingerprint query (see [`RenderRequest::SchemaFingerprint`]):
/// which catalog rows exist and which transaction wrote each, not what they
/// say. Every DDL statement writes the catalog rows it changes as new row
/// versions (a new `xmin`), so equal rows mean no statement touched the
/// schema in between; reading definitions back (`pg_get_expr` and the like)
/// would cost as much as inspecting (10 against 60 ms on 300 tables).
///
/// Covered: every catalog inspection reads, for objects created after
/// `initdb` (oid 16384 on, `FirstNormalObjectId`), and every schema. Object
/// and transaction ids are counters of the whole cluster, never handed out
/// twice short of wraparound, so a pair names one row version for good; the
/// cluster's system identifier tells another cluster, counting the same way,
/// apart. A database cloned from a template holds the same rows and is
/// rightly the same schema; one restored from a dump has new ids and is
/// planned afresh. Index flags that change in place (`indisvalid`, ...) are
/// read as values, and `search_path`, which changes how inspection prints
/// names, is part of it. The large catalogs (columns, dependencies) are
/// summed as 64-bit hashes, which needs no sort. Needs `hashtextextended`
/// (PostgreSQL 11); where the query fails, planning inspects as before.
const FINGERPRINT: &str = "SELECT (SELECT system_identifier FROM pg_control_system()), \
    current_setting('server_version_num'), current_setting('search_path'), \
    (SELECT concat_ws(' ', count(*), string_agg(oid || ' ' || xmin, ',' ORDER BY oid)) FROM pg_namespace), \
    (SELECT concat_ws(' ', count(*), md5(string_agg(oid || ' ' || xmin, ',' ORDER BY oid))) FROM pg_class WHERE oid >= 16384), \
    (SELECT concat_ws(' ', count(*), sum(hashtextextended(xmin::text, attrelid::int8 * 65536 + attnum)::numeric) \
      ) FROM pg_attribute WHERE attrelid >= 16384 AND attnum > 0), \
    (SELECT concat_ws(' ', count(*), md5(string_agg(oid || ' ' || xmin, ',' ORDER BY oid))) FROM pg_attrdef WHERE oid >= 16384), \
    (SELECT concat_ws(' ', count(*), md5(string_agg(oid || ' ' || xmin, ',' ORDER BY oid))) FROM pg_constraint WHERE oid >= 16384), \
    (SELECT concat_ws(' ', count(*), md5(string_agg(indexrelid || ' ' || xmin || ' ' || indisvalid || indisready || indislive, ',' \
       ORDER BY indexrelid))) FROM pg_index WHERE indexrelid >= 16384), \
    (SELECT concat_ws(' ', count(*), md5(string_agg(oid || ' ' || xmin, ',' ORDER BY oid))) FROM pg_trigger WHERE oid >= 16384), \
    (SELECT concat_ws(' ', count(*), md5(string_agg(oid || ' ' || xmin, ',' ORDER BY oid))) FROM pg_rewrite WHERE oid >= 16384), \
    (SELECT concat_ws(' ', count(*), md5(string_agg(oid || ' ' || xmin, ',' ORDER BY oid))) FROM pg_proc WHERE oid >= 16384), \
    (SELECT concat_ws(' ', count(*), md5(string_agg(oid || ' ' || xmin, ',' ORDER BY oid))) FROM pg_type WHERE oid >= 16384), \
    (SELECT concat_ws(' ', count(*), md5(string_agg(oid || ' ' || xmin, ',' ORDER BY oid))) FROM pg_enum WHERE oid >= 16384), \
    (SELECT concat_ws(' ', count(*), md5(string_agg(seqrelid || ' ' || xmin, ',' ORDER BY seqrelid))) FROM pg_sequence \
       WHERE seqrelid >= 16384), \
    (SELECT concat_ws(' ', count(*), md5(string_agg(objoid || ' ' || classoid || ' ' || objsubid || ' ' || xmin, ',' \
       ORDER BY objoid, classoid, objsubid))) FROM pg_description \
       WHERE objoid >= 16384 OR classoid = 'pg_namespace'::regclass), \
    (SELECT concat_ws(' ', count(*), sum(hashtextextended(xmin::text, objid::int8 * 65536 + objsubid)::numeric) \
      ) FROM pg_depend WHERE objid >= 16384 OR refobjid >= 16384), \
    (SELECT concat_ws(' ', count(*), md5(string_agg(oid || ' ' || xmin, ',' ORDER BY oid))) FROM pg_policy), \
    (SELECT concat_ws(' ', count(*), md5(string_agg(inhrelid || ' ' || inhseqno || ' ' || xmin, ',' ORDER BY inhrelid, inhseqno)) \
      ) FROM pg_inherits), \
    (SELECT concat_ws(' ', count(*), md5(string_agg(partrelid || ' ' || xmin, ',' ORDER BY partrelid))) FROM pg_partitioned_table), \
    (SELECT concat_ws(' ', count(*), md5(string_agg(oid || ' ' || xmin, ',' ORDER BY oid))) FROM pg_extension), \
    (SELECT concat_ws(' ', count(*), md5(string_agg(oid || ' ' || xmin, ',' ORDER BY oid))) FROM pg_collation WHERE oid >= 16384), \
    (SELECT concat_ws(' ', count(*), md5(string_agg(oid || ' ' || xmin, ',' ORDER BY oid))) FROM pg_opclass WHERE oid >= 16384), \
    (SELECT concat_ws(' ', count(*), md5(string_agg(oid || ' ' || rolname, ',' ORDER BY oid))) FROM pg_roles)";

/// The rows digest query (see [`RenderRequest::RowsDigest`]): the row count
/// and the sum of each row's md5 (its first 64 bits), taken of the row as a
/// composite value's text, which quotes whatever would be ambiguous. A sum
/// does not depend on the order rows come in, and needs no sort.
fn rows_digest(table: &str, columns: &[String]) -> String {
    format!(
        "SELECT concat_ws(' ', count(*), sum(('x' || left(md5(ROW({})::text), 16))::bit(64)::bigint::numeric)) FROM {table}",
        columns.join(", ")
    )
}

/// Answers a render request.
///
/// # Errors
/// Never: every request has an answer.
pub fn render(request: &RenderRequest) -> Result<RenderReply, PluginError> {
    Ok(match request {
        RenderRequest::QuoteIdent { name } => RenderReply::Text { text: quote(name) },
        RenderRequest::TimestampValue { utc } => RenderReply::Text { text: utc.clone() },
        RenderRequest::QualifiedTable { schema, name } => {
            RenderReply::Text { text: types::qualified(schema.as_deref(), name) }
        }
        RenderRequest::RevisionsTable { schema } => {
            RenderReply::Statements { statements: BOOKKEEPING.revisions_table(schema.as_deref()) }
        }
        RenderRequest::HistoryTable { schema } => {
            RenderReply::Statements { statements: BOOKKEEPING.history_table(schema.as_deref()) }
        }
        RenderRequest::SchemaFingerprint => RenderReply::Text { text: FINGERPRINT.into() },
        RenderRequest::RowsDigest { table, columns } => RenderReply::Text { text: rows_digest(table, columns) },
    })
}

/// Atlas's column types (reference/atlas-behavior.md §4.1). `partial_hashes` is
/// jsonb: the host binds it as text, which the driver sends in the text format
/// for the server to parse.
const BOOKKEEPING: Bookkeeping = Bookkeeping {
    quote,
    create_schema: "CREATE SCHEMA IF NOT EXISTS",
    string: "character varying",
    integer: "bigint",
    bitmask: "bigint",
    timestamp: "timestamptz",
    text: "text",
    json: "jsonb",
    table_options: "",
};

#[cfg(test)]
mod tests {
    use super::*;

    /// The bookkeeping tables' DDL, byte for byte as Atlas writes it.
    #[test]
    fn bookkeeping_ddl() {
        let statements = |r: RenderRequest| match render(&r).unwrap() {
            RenderReply::Statements { statements } => statements,
            RenderReply::Text { text } => vec![text],
        };
        assert_eq!(
            statements(RenderRequest::RevisionsTable { schema: Some("s".into()) }),
            [
                "CREATE SCHEMA IF NOT EXISTS \"s\"".to_string(),
                "CREATE TABLE IF NOT EXISTS \"s\".\"atlas_schema_revisions\" (\"version\" character varying NOT NULL, \
                 \"description\" character varying NOT NULL, \"type\" bigint NOT NULL DEFAULT 2, \
                 \"applied\" bigint NOT NULL DEFAULT 0, \"total\" bigint NOT NULL DEFAULT 0, \
                 \"executed_at\" timestamptz NOT NULL, \"execution_time\" bigint NOT NULL, \
                 \"error\" text NULL, \"error_stmt\" text NULL, \"hash\" character varying NOT NULL, \
                 \"partial_hashes\" jsonb NULL, \"operator_version\" character varying NOT NULL, \
                 PRIMARY KEY (\"version\"))"
                    .to_string()
            ]
        );
        assert_eq!(
            statements(RenderRequest::HistoryTable { schema: None }),
            ["CREATE TABLE IF NOT EXISTS \"strata_schema_history\" (\"version\" character varying NOT NULL, \
                 \"description\" character varying NOT NULL, \"statements\" text NOT NULL, \
                 \"down_statements\" text NULL, \"down_applied\" bigint NOT NULL DEFAULT 0, \
                 PRIMARY KEY (\"version\"))"]
        );
    }

    #[test]
    fn render_requests() {
        let text = |r: RenderRequest| match render(&r).unwrap() {
            RenderReply::Text { text } => text,
            RenderReply::Statements { statements } => statements.join(";\n"),
        };
        assert_eq!(text(RenderRequest::QuoteIdent { name: "a\"b".into() }), "\"a\"\"b\"");
        assert_eq!(text(RenderRequest::QualifiedTable { schema: Some("s".into()), name: "t".into() }), "\"s\".\"t\"");
        assert_eq!(text(RenderRequest::QualifiedTable { schema: None, name: "t".into() }), "\"t\"");
        let ddl = text(RenderRequest::RevisionsTable { schema: Some("atlas_schema_revisions".into()) });
        assert!(ddl.starts_with(
            "CREATE SCHEMA IF NOT EXISTS \"atlas_schema_revisions\";\n\
             CREATE TABLE IF NOT EXISTS \"atlas_schema_revisions\".\"atlas_schema_revisions\" ("
        ));
        assert!(ddl.contains("\"partial_hashes\" jsonb NULL"));
        let ddl = text(RenderRequest::HistoryTable { schema: None });
        assert!(ddl.starts_with("CREATE TABLE IF NOT EXISTS \"strata_schema_history\" ("));
    }
}
