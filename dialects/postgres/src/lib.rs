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
    API_VERSION, Capabilities, ErrorKind, LexerOptions, Manifest, Placeholder, PluginError, RenderReply, RenderRequest,
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

fn no_fingerprint() -> PluginError {
    PluginError::new(ErrorKind::Unsupported, "PostgreSQL has no schema fingerprint query")
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
        // No single cheap catalog read covers what inspection reads: the
        // host inspects every time.
        RenderRequest::SchemaFingerprint => return Err(no_fingerprint()),
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
