//! The SQLite dialect: inspection, diffing and planning over rusqlite (bundled).
//!
//! This is an ordinary library so tests can link it; the loadable plugin is the
//! few-line cdylib in `plugin/`, which only exports [`Sqlite`] as a root module.

mod checks;
mod diff;
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
    API_VERSION, Capabilities, Change, Dialect, DialectConnection, DiffOptions, ErrorKind, LexerOptions, Manifest,
    Placeholder, Plan, PlanOptions, PluginError, Realm, RenderReply, RenderRequest,
};

/// The SQLite dialect.
pub struct Sqlite;

impl Dialect for Sqlite {
    fn manifest() -> Manifest {
        Manifest {
            name: "sqlite".into(),
            api_version: API_VERSION,
            version: env!("CARGO_PKG_VERSION").into(),
            url_schemes: vec!["sqlite".into(), "sqlite3".into()],
            capabilities: Capabilities {
                transactional_ddl: true,
                advisory_locks: true,
                schemas: false,
                concurrent_index: false,
                placeholder: Placeholder::Question,
            },
            // Atlas's SQLite scanner: BEGIN … END grouping for trigger bodies only.
            lexer: LexerOptions { match_begin: true, ..LexerOptions::default() },
        }
    }

    fn open(url: &str) -> Result<Box<dyn DialectConnection>, PluginError> {
        Ok(Box::new(open(url)?))
    }

    fn diff(from: &Realm, to: &Realm, options: &DiffOptions) -> Result<Vec<Change>, PluginError> {
        diff_realm(from, to, options)
    }

    fn plan(changes: &[Change], options: &PlanOptions) -> Result<Plan, PluginError> {
        plan_changes(changes, options)
    }

    fn render(request: &RenderRequest) -> Result<RenderReply, PluginError> {
        match request {
            RenderRequest::QuoteIdent { name } => Ok(RenderReply::Text { text: types::quote(name) }),
            RenderRequest::TimestampValue { utc } => Ok(RenderReply::Text { text: utc.clone() }),
            RenderRequest::QualifiedTable { schema, name } => {
                if let Some(s) = schema.as_deref().filter(|s| *s != "main") {
                    return Err(revisions_schema_error(s));
                }
                Ok(RenderReply::Text { text: types::quote(name) })
            }
            RenderRequest::RevisionsTable { schema } => {
                if let Some(s) = schema.as_deref().filter(|s| *s != "main") {
                    return Err(revisions_schema_error(s));
                }
                // Atlas's column set and types (reference/atlas-behavior.md §4.1).
                Ok(RenderReply::Statements {
                    statements: vec![
                        "CREATE TABLE IF NOT EXISTS `atlas_schema_revisions` (`version` text NOT NULL, \
                         `description` text NOT NULL, `type` integer NOT NULL DEFAULT 2, \
                         `applied` integer NOT NULL DEFAULT 0, `total` integer NOT NULL DEFAULT 0, \
                         `executed_at` datetime NOT NULL, `execution_time` integer NOT NULL, \
                         `error` text NULL, `error_stmt` text NULL, `hash` text NOT NULL, \
                         `partial_hashes` json NULL, `operator_version` text NOT NULL, PRIMARY KEY (`version`))"
                            .into(),
                    ],
                })
            }
            RenderRequest::HistoryTable { schema } => {
                if let Some(s) = schema.as_deref().filter(|s| *s != "main") {
                    return Err(revisions_schema_error(s));
                }
                Ok(RenderReply::Statements {
                    statements: vec![
                        "CREATE TABLE IF NOT EXISTS `strata_schema_history` (`version` text NOT NULL, \
                         `description` text NOT NULL, `statements` text NOT NULL, `down_statements` text NULL, \
                         `down_applied` integer NOT NULL DEFAULT 0, PRIMARY KEY (`version`))"
                            .into(),
                    ],
                })
            }
            #[allow(unreachable_patterns)]
            other => Err(PluginError::new(ErrorKind::Unsupported, format!("unsupported render request {other:?}"))),
        }
    }
}

fn revisions_schema_error(schema: &str) -> PluginError {
    PluginError::new(
        ErrorKind::Unsupported,
        format!("cannot store revisions-table in a separate schema ({schema:?}) with SQLite driver"),
    )
}
