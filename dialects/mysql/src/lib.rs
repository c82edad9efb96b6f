//! The MySQL and MariaDB dialect: inspection, diffing and planning over mysql_async.
//!
//! This is an ordinary library so tests can link it; the loadable plugin is the
//! few-line cdylib in `plugin/`, which only exports [`Mysql`] as a root module.
//! The async driver runs on a runtime this crate owns; every call blocks on it.
//!
//! Databases are the schemas: a URL with a path is bound to that database, one
//! without sees the realm. MySQL-only facts (engine, collations, index prefix
//! lengths, `ON UPDATE`, …) ride in the model as `Attr::Other { dialect: "mysql", .. }`
//! (see `attrs.rs`). Flavour differences are explicit in [`Flavour`].

mod attrs;
mod diff;
mod driver;
mod inspect;
mod objects;
mod plan;
mod sql;
mod types;

pub use diff::diff_realm;
pub use driver::{Flavour, MyConn, open};
pub use inspect::inspect_realm;
pub use plan::plan_changes;
pub use types::{literal, quote};

use strata_dialect_api::{
    API_VERSION, Capabilities, ErrorKind, LexerOptions, Manifest, Placeholder, PluginError, RenderReply, RenderRequest,
};
use strata_dialect_kit::bookkeeping::Bookkeeping;

/// The MySQL/MariaDB dialect.
pub struct Mysql;

strata_dialect_kit::impl_dialect!(Mysql);

/// What the plugin says about itself.
pub fn manifest() -> Manifest {
    Manifest {
        name: "mysql".into(),
        api_version: API_VERSION,
        api_minor: strata_dialect_api::API_MINOR,
        version: env!("CARGO_PKG_VERSION").into(),
        url_schemes: ["mysql", "maria", "mariadb", "mysql+unix", "maria+unix", "mariadb+unix"]
            .map(String::from)
            .to_vec(),
        capabilities: Capabilities {
            // Every DDL statement commits implicitly
            // (https://dev.mysql.com/doc/refman/8.0/en/implicit-commit.html).
            transactional_ddl: false,
            advisory_locks: true,
            schemas: true,
            concurrent_index: false,
            placeholder: Placeholder::Question,
            append_only_bookkeeping: false,
            no_transactions: false,
        },
        // Atlas's MySQL scanner options (reference §2.1); DELIMITER is the host lexer's.
        lexer: LexerOptions {
            match_begin: true,
            backslash_escapes: true,
            hash_comments: true,
            ..LexerOptions::default()
        },
    }
}

fn no_fingerprint() -> PluginError {
    PluginError::new(ErrorKind::Unsupported, "MySQL has no schema fingerprint query")
}

/// Answers a render request.
///
/// # Errors
/// Never: every request has an answer.
pub fn render(request: &RenderRequest) -> Result<RenderReply, PluginError> {
    Ok(match request {
        RenderRequest::QuoteIdent { name } => RenderReply::Text { text: quote(name) },
        // MariaDB rejects an offset in a timestamp literal; the connection's
        // time zone is UTC, so the bare UTC time is the same instant.
        RenderRequest::TimestampValue { utc } => RenderReply::Text {
            text: utc.strip_suffix("+00:00").or_else(|| utc.strip_suffix('Z')).unwrap_or(utc).to_string(),
        },
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
        // Without a fingerprint no plan is remembered: nothing to key.
        RenderRequest::RowsDigest { .. } => {
            return Err(PluginError::new(ErrorKind::Unsupported, "MySQL computes no rows digest"));
        }
    })
}

/// Atlas's column types and table options (reference/atlas-behavior.md §4.1);
/// a schema is a database.
const BOOKKEEPING: Bookkeeping = Bookkeeping {
    quote,
    create_schema: "CREATE DATABASE IF NOT EXISTS",
    string: "varchar(255)",
    integer: "bigint",
    bitmask: "bigint unsigned",
    timestamp: "timestamp(6)",
    text: "longtext",
    json: "json",
    table_options: "CHARSET utf8mb4 COLLATE utf8mb4_bin",
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
                "CREATE DATABASE IF NOT EXISTS `s`".to_string(),
                "CREATE TABLE IF NOT EXISTS `s`.`atlas_schema_revisions` (`version` varchar(255) NOT NULL, \
                 `description` varchar(255) NOT NULL, `type` bigint unsigned NOT NULL DEFAULT 2, \
                 `applied` bigint NOT NULL DEFAULT 0, `total` bigint NOT NULL DEFAULT 0, \
                 `executed_at` timestamp(6) NOT NULL, `execution_time` bigint NOT NULL, \
                 `error` longtext NULL, `error_stmt` longtext NULL, `hash` varchar(255) NOT NULL, \
                 `partial_hashes` json NULL, `operator_version` varchar(255) NOT NULL, \
                 PRIMARY KEY (`version`)) CHARSET utf8mb4 COLLATE utf8mb4_bin"
                    .to_string()
            ]
        );
        assert_eq!(
            statements(RenderRequest::HistoryTable { schema: None }),
            ["CREATE TABLE IF NOT EXISTS `strata_schema_history` (`version` varchar(255) NOT NULL, \
                 `description` varchar(255) NOT NULL, `statements` longtext NOT NULL, \
                 `down_statements` longtext NULL, `down_applied` bigint NOT NULL DEFAULT 0, \
                 PRIMARY KEY (`version`)) CHARSET utf8mb4 COLLATE utf8mb4_bin"]
        );
    }

    fn text(r: RenderRequest) -> String {
        match render(&r).unwrap() {
            RenderReply::Text { text } => text,
            RenderReply::Statements { statements } => statements.join(";\n"),
        }
    }

    #[test]
    fn render_requests() {
        assert_eq!(text(RenderRequest::QuoteIdent { name: "a`b".into() }), "`a``b`");
        assert_eq!(text(RenderRequest::QualifiedTable { schema: Some("s".into()), name: "t".into() }), "`s`.`t`");
        assert_eq!(text(RenderRequest::QualifiedTable { schema: None, name: "t".into() }), "`t`");
        assert_eq!(
            text(RenderRequest::TimestampValue { utc: "2026-01-02 03:04:05.123456+00:00".into() }),
            "2026-01-02 03:04:05.123456"
        );
        let ddl = text(RenderRequest::RevisionsTable { schema: Some("atlas_schema_revisions".into()) });
        assert!(ddl.starts_with(
            "CREATE DATABASE IF NOT EXISTS `atlas_schema_revisions`;\n\
             CREATE TABLE IF NOT EXISTS `atlas_schema_revisions`.`atlas_schema_revisions` ("
        ));
        assert!(ddl.contains("`type` bigint unsigned NOT NULL DEFAULT 2"));
        assert!(ddl.ends_with("CHARSET utf8mb4 COLLATE utf8mb4_bin"));
        assert!(
            text(RenderRequest::HistoryTable { schema: None })
                .starts_with("CREATE TABLE IF NOT EXISTS `strata_schema_history` (")
        );
    }

    #[test]
    fn manifest_states_mysql_facts() {
        let m = manifest();
        assert!(!m.capabilities.transactional_ddl && m.capabilities.advisory_locks && m.capabilities.schemas);
        assert!(m.lexer.backslash_escapes && m.lexer.hash_comments && m.lexer.match_begin);
        assert!(!m.lexer.dollar_quote);
    }
}
