//! A DuckDB dialect plugin for strata, built outside the strata workspace as a
//! third-party vendor would build one: against a released `strata-dialect-api`
//! (2.0), with its own small SQL helpers, and without linking DuckDB. The
//! plugin opens DuckDB's shared library at run time (`STRATA_DUCKDB_LIB`, else
//! `libduckdb.so` through the dynamic loader's search path).
//!
//! URLs: `duckdb://PATH` (a file, created when missing; `duckdb:///abs/path`),
//! `duckdb://:memory:` or `duckdb://NAME?mode=memory` (a private in-memory
//! database, for `--dev-url`), `?mode=ro` to open a file read-only.
//!
//! The plugin manages the schema `main` of the file. Build it with
//! `cargo build --manifest-path examples/duckdb/Cargo.toml`, then point strata
//! at `libstrata_dialect_duckdb.so` with `STRATA_PLUGIN_PATH`.

mod conn;
mod diff;
mod ffi;
mod inspect;
mod plan;
mod sql;

use strata_dialect_api::{
    API_MINOR, API_VERSION, Capabilities, Change, DialectConnection, DiffOptions, ErrorKind, LexerOptions, Manifest,
    Placeholder, Plan, PlanOptions, PluginError, Realm, RenderReply, RenderRequest,
};

pub use conn::{DuckConn, open, parse_url};
pub use ffi::LIB_VAR;

/// The DuckDB dialect.
pub struct DuckDb;

impl strata_dialect_api::Dialect for DuckDb {
    fn manifest() -> Manifest {
        manifest()
    }

    fn open(url: &str) -> Result<Box<dyn DialectConnection>, PluginError> {
        Ok(Box::new(conn::open(url)?))
    }

    fn diff(from: &Realm, to: &Realm, options: &DiffOptions) -> Result<Vec<Change>, PluginError> {
        diff::diff(from, to, options)
    }

    fn plan(changes: &[Change], options: &PlanOptions) -> Result<Plan, PluginError> {
        plan::plan(changes, options)
    }

    fn render(request: &RenderRequest) -> Result<RenderReply, PluginError> {
        render(request)
    }
}

/// What the plugin says about itself.
pub fn manifest() -> Manifest {
    Manifest {
        name: "duckdb".into(),
        api_version: API_VERSION,
        api_minor: API_MINOR,
        version: env!("CARGO_PKG_VERSION").into(),
        url_schemes: vec!["duckdb".into()],
        capabilities: Capabilities {
            // CREATE/ALTER/DROP run inside transactions and roll back.
            transactional_ddl: true,
            // A lock file per database (DuckDB itself lets one process write a file).
            advisory_locks: true,
            // The plugin binds to `main`.
            schemas: false,
            concurrent_index: false,
            placeholder: Placeholder::Question,
        },
        // DuckDB's parser is PostgreSQL's: $tag$ quoting and E'' strings.
        lexer: LexerOptions { dollar_quote: true, escaped_string_ext: true, ..LexerOptions::default() },
    }
}

/// Strata's bookkeeping tables: Atlas's revisions table and Strata's history
/// table, with DuckDB types. They live in `main`.
fn bookkeeping(name: &str, columns: &[(&str, &str, &str)]) -> Vec<String> {
    let cols: Vec<String> =
        columns.iter().map(|(c, ty, constraint)| format!("{} {ty} {constraint}", sql::quote(c))).collect();
    vec![format!(
        "CREATE TABLE IF NOT EXISTS {} ({}, PRIMARY KEY ({}))",
        sql::quote(name),
        cols.join(", "),
        sql::quote("version")
    )]
}

fn main_only(schema: Option<&str>) -> Result<(), PluginError> {
    match schema.filter(|s| *s != inspect::SCHEMA) {
        Some(s) => Err(PluginError::new(
            ErrorKind::Unsupported,
            format!("cannot store revisions-table in a separate schema ({s:?}) with the DuckDB plugin"),
        )),
        None => Ok(()),
    }
}

/// Answers a render request.
///
/// # Errors
/// [`ErrorKind::Unsupported`] for a schema other than `main`.
pub fn render(request: &RenderRequest) -> Result<RenderReply, PluginError> {
    const TEXT: &str = "VARCHAR";
    const INT: &str = "BIGINT";
    match request {
        RenderRequest::QuoteIdent { name } => Ok(RenderReply::Text { text: sql::quote(name) }),
        // Stored in a TIMESTAMP column (UTC, no zone): the offset goes.
        RenderRequest::TimestampValue { utc } => {
            Ok(RenderReply::Text { text: utc.strip_suffix("+00:00").unwrap_or(utc).to_string() })
        }
        RenderRequest::QualifiedTable { schema, name } => {
            main_only(schema.as_deref())?;
            Ok(RenderReply::Text { text: sql::quote(name) })
        }
        RenderRequest::RevisionsTable { schema } => {
            main_only(schema.as_deref())?;
            let statements = bookkeeping(
                "atlas_schema_revisions",
                &[
                    ("version", TEXT, "NOT NULL"),
                    ("description", TEXT, "NOT NULL"),
                    ("type", INT, "NOT NULL DEFAULT 2"),
                    ("applied", INT, "NOT NULL DEFAULT 0"),
                    ("total", INT, "NOT NULL DEFAULT 0"),
                    ("executed_at", "TIMESTAMP", "NOT NULL"),
                    ("execution_time", INT, "NOT NULL"),
                    ("error", TEXT, "NULL"),
                    ("error_stmt", TEXT, "NULL"),
                    ("hash", TEXT, "NOT NULL"),
                    ("partial_hashes", TEXT, "NULL"),
                    ("operator_version", TEXT, "NOT NULL"),
                ],
            );
            Ok(RenderReply::Statements { statements })
        }
        RenderRequest::HistoryTable { schema } => {
            main_only(schema.as_deref())?;
            let statements = bookkeeping(
                "strata_schema_history",
                &[
                    ("version", TEXT, "NOT NULL"),
                    ("description", TEXT, "NOT NULL"),
                    ("statements", TEXT, "NOT NULL"),
                    ("down_statements", TEXT, "NULL"),
                    ("down_applied", INT, "NOT NULL DEFAULT 0"),
                ],
            );
            Ok(RenderReply::Statements { statements })
        }
        #[allow(unreachable_patterns)]
        other => Err(PluginError::new(ErrorKind::Unsupported, format!("unsupported render request {other:?}"))),
    }
}

/// The plugin's root module, found by the host.
#[abi_stable::export_root_module]
pub fn get_library() -> strata_dialect_api::DialectModRef {
    strata_dialect_api::root_module::<DuckDb>()
}
