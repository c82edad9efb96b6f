//! Connections over tokio-postgres, driven by one runtime the plugin owns.
//!
//! Every call blocks on that runtime, so the ABI stays synchronous and no tokio
//! object ever crosses it (reference/crate-probe.md, "Async drivers inside plugins").

use crate::inspect::inspect_realm;
use std::error::Error as _;
use std::sync::OnceLock;
use std::time::Duration;
use strata_dialect_api::{
    ConnInfo, DbUrl, DialectConnection, ErrorKind, InspectOptions, PluginError, Realm, Rows, SqlValue,
};
use strata_dialect_kit::scrub;
use tokio::runtime::Runtime;
use tokio_postgres::types::{FromSql, IsNull, ToSql, Type};
use tokio_postgres::{Client, NoTls, SimpleQueryMessage};

/// The plugin's runtime: one worker thread drives every connection's I/O task,
/// created on first use. Callers block on it from their own threads.
fn runtime() -> Result<&'static Runtime, PluginError> {
    static RUNTIME: OnceLock<Runtime> = OnceLock::new();
    if let Some(rt) = RUNTIME.get() {
        return Ok(rt);
    }
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .thread_name("strata-postgres")
        .enable_all()
        .build()
        .map_err(|e| PluginError::new(ErrorKind::Internal, format!("starting the postgres runtime: {e}")))?;
    // Two threads racing here build two runtimes; the loser's is dropped unused.
    Ok(RUNTIME.get_or_init(|| rt))
}

/// Runs `fut` to completion on the plugin's runtime.
pub(crate) fn block_on<F: std::future::Future>(fut: F) -> Result<F::Output, PluginError> {
    Ok(runtime()?.block_on(fut))
}

/// An open PostgreSQL connection.
pub struct PgConn {
    client: Client,
    info: ConnInfo,
    /// The password, kept only to scrub it from any message that might echo it.
    password: Option<String>,
    /// True between `begin` and `commit`/`rollback`.
    in_tx: bool,
    /// The first failure inside the open transaction: PostgreSQL aborts the
    /// transaction on it, and a later COMMIT silently rolls back.
    doomed: Option<String>,
}

/// Opens `postgres://user:pass@host:port/db?sslmode=disable&search_path=s`.
///
/// # Errors
/// [`ErrorKind::InvalidUrl`] for a malformed URL or an unsupported `sslmode`;
/// [`ErrorKind::Connection`] or [`ErrorKind::Auth`] when the server refuses.
pub fn open(url: &str) -> Result<PgConn, PluginError> {
    let parsed = DbUrl::parse(url).map_err(|e| PluginError::new(ErrorKind::InvalidUrl, e))?;
    if parsed.scheme != "postgres" && parsed.scheme != "postgresql" {
        return Err(PluginError::new(
            ErrorKind::InvalidUrl,
            format!("{} is not a postgres:// or postgresql:// URL", parsed.redacted()),
        ));
    }
    let mut config = tokio_postgres::Config::new();
    let host = parsed.query.get("host").cloned().unwrap_or_else(|| parsed.host.clone());
    config.host(if host.is_empty() { "localhost" } else { host.as_str() });
    config.port(parsed.port.unwrap_or(5432));
    let user = parsed.user.clone().filter(|u| !u.is_empty()).unwrap_or_else(|| "postgres".into());
    config.user(&user);
    if let Some(password) = &parsed.password {
        config.password(password);
    }
    config.dbname(if parsed.path.is_empty() { user.as_str() } else { parsed.path.as_str() });
    config.application_name("strata");
    let timeout = parsed.query.get("connect_timeout").and_then(|t| t.parse::<u64>().ok()).unwrap_or(10);
    config.connect_timeout(Duration::from_secs(timeout.max(1)));
    match parsed.query.get("sslmode").map(String::as_str) {
        None | Some("disable" | "allow" | "prefer") => {
            config.ssl_mode(tokio_postgres::config::SslMode::Disable);
        }
        Some(mode) => {
            return Err(PluginError::new(
                ErrorKind::InvalidUrl,
                format!(
                    "sslmode={mode} needs TLS, which the postgres plugin does not support yet: \
                     use sslmode=disable ({})",
                    parsed.redacted()
                ),
            ));
        }
    }
    let schema = parsed.query.get("search_path").filter(|s| !s.is_empty()).cloned();
    let password = parsed.password.clone();
    let scrub = |e: PluginError| scrub(e, password.as_deref());
    let client = block_on(async {
        let (client, connection) = config.connect(NoTls).await?;
        // The connection object performs the I/O; it ends when the client is dropped.
        tokio::spawn(async move {
            let _ = connection.await;
        });
        Ok::<_, tokio_postgres::Error>(client)
    })?
    .map_err(|e| {
        let mut err = classify(&e);
        if err.kind == ErrorKind::Database {
            err.kind = ErrorKind::Connection;
        }
        // The host names the (redacted) URL it was connecting to.
        scrub(err)
    })?;
    let mut conn = PgConn { client, info: ConnInfo::default(), password, in_tx: false, doomed: None };
    if let Some(schema) = &schema {
        // Atlas binds a connection to a schema with `search_path` (reference §9):
        // unqualified SQL then creates and finds objects there.
        conn.simple(&format!("SET search_path TO {}", crate::types::quote(schema)))?;
    }
    let version = conn.simple("SHOW server_version")?;
    conn.info = ConnInfo {
        schema,
        version: version.rows.first().and_then(|r| r.first().cloned().flatten()).unwrap_or_default(),
        flavour: "postgres".into(),
    };
    Ok(conn)
}

impl PgConn {
    /// The underlying client, for inspection.
    pub(crate) fn client(&self) -> &Client {
        &self.client
    }

    /// The server version as a number (`150020` for 15.20), 0 when unknown.
    pub(crate) fn version_num(&self) -> u32 {
        let mut parts = self.info.version.split(|c: char| !c.is_ascii_digit()).filter(|p| !p.is_empty());
        let major = parts.next().and_then(|p| p.parse::<u32>().ok()).unwrap_or(0);
        let minor = parts.next().and_then(|p| p.parse::<u32>().ok()).unwrap_or(0);
        major * 10_000 + minor
    }

    fn fail(&mut self, err: &tokio_postgres::Error) -> PluginError {
        let err = scrub(classify(err), self.password.as_deref());
        if self.in_tx && self.doomed.is_none() {
            self.doomed = Some(err.message.to_string());
        }
        err
    }

    /// Runs `sql` through the simple-query protocol: several statements allowed,
    /// every value comes back as the server prints it.
    fn simple(&mut self, sql: &str) -> Result<Rows, PluginError> {
        let messages = block_on(self.client.simple_query(sql))?.map_err(|e| self.fail(&e))?;
        let mut rows = Rows::default();
        for message in messages {
            match message {
                SimpleQueryMessage::RowDescription(columns) => {
                    rows.columns = columns.iter().map(|c| c.name().to_string()).collect();
                    rows.rows.clear();
                }
                SimpleQueryMessage::Row(row) => {
                    if rows.columns.is_empty() {
                        rows.columns = row.columns().iter().map(|c| c.name().to_string()).collect();
                    }
                    rows.rows.push((0..row.len()).map(|i| row.get(i).map(str::to_string)).collect());
                }
                _ => {}
            }
        }
        Ok(rows)
    }
}

/// A parameter sent in PostgreSQL's text format, whatever type the server
/// inferred for it. The host binds text and integers only; sending their text
/// lets the server parse them into the column's type (`jsonb`, `timestamptz`,
/// `bigint`, …) exactly as it would a quoted literal, which the binary format
/// of a Rust `&str` cannot do.
#[derive(Debug)]
struct TextParam(Option<String>);

impl ToSql for TextParam {
    fn to_sql(
        &self,
        _ty: &Type,
        out: &mut bytes::BytesMut,
    ) -> Result<IsNull, Box<dyn std::error::Error + Sync + Send>> {
        match &self.0 {
            None => Ok(IsNull::Yes),
            Some(text) => {
                out.extend_from_slice(text.as_bytes());
                Ok(IsNull::No)
            }
        }
    }

    fn accepts(_ty: &Type) -> bool {
        true
    }

    fn encode_format(&self, _ty: &Type) -> tokio_postgres::types::Format {
        tokio_postgres::types::Format::Text
    }

    tokio_postgres::types::to_sql_checked!();
}

/// Arguments in the text format; bytes in bytea hex form (`\x0a1b`).
fn params(args: &[SqlValue]) -> Result<Vec<TextParam>, PluginError> {
    args.iter()
        .map(|a| match a {
            SqlValue::Null => Ok(TextParam(None)),
            SqlValue::Int(i) => Ok(TextParam(Some(i.to_string()))),
            SqlValue::Text(t) => Ok(TextParam(Some(t.to_string()))),
            SqlValue::Bytes(b) => Ok(TextParam(Some(b.iter().fold("\\x".to_string(), |mut hex, byte| {
                hex.push_str(&format!("{byte:02x}"));
                hex
            })))),
            other => Err(other.unsupported()),
        })
        .collect()
}

/// A result value decoded from the binary format into the text the server would print.
struct AnyText(Option<String>);

impl<'a> FromSql<'a> for AnyText {
    fn from_sql(ty: &Type, raw: &'a [u8]) -> Result<Self, Box<dyn std::error::Error + Sync + Send>> {
        Ok(AnyText(crate::values::decode(ty, raw)))
    }

    fn from_sql_null(_ty: &Type) -> Result<Self, Box<dyn std::error::Error + Sync + Send>> {
        Ok(AnyText(None))
    }

    fn accepts(_ty: &Type) -> bool {
        true
    }
}

impl DialectConnection for PgConn {
    fn info(&self) -> ConnInfo {
        self.info.clone()
    }

    fn inspect(&mut self, options: &InspectOptions) -> Result<Realm, PluginError> {
        inspect_realm(self, options).map_err(|e| scrub(e, self.password.as_deref()))
    }

    fn exec(&mut self, sql: &str, args: &[SqlValue]) -> Result<u64, PluginError> {
        if args.is_empty() {
            let messages = block_on(self.client.simple_query(sql))?.map_err(|e| self.fail(&e))?;
            return Ok(messages
                .iter()
                .filter_map(|m| match m {
                    SimpleQueryMessage::CommandComplete(n) => Some(*n),
                    _ => None,
                })
                .next_back()
                .unwrap_or(0));
        }
        let params = params(args)?;
        let refs: Vec<&(dyn ToSql + Sync)> = params.iter().map(|p| p as &(dyn ToSql + Sync)).collect();
        block_on(self.client.execute(sql, &refs))?.map_err(|e| self.fail(&e))
    }

    fn query(&mut self, sql: &str, args: &[SqlValue]) -> Result<Rows, PluginError> {
        if args.is_empty() {
            return self.simple(sql);
        }
        let params = params(args)?;
        let refs: Vec<&(dyn ToSql + Sync)> = params.iter().map(|p| p as &(dyn ToSql + Sync)).collect();
        let client = &self.client;
        let (columns, rows) = block_on(async {
            let stmt = client.prepare(sql).await?;
            let rows = client.query(&stmt, &refs).await?;
            let columns: Vec<String> = stmt.columns().iter().map(|c| c.name().to_string()).collect();
            Ok::<_, tokio_postgres::Error>((columns, rows))
        })?
        .map_err(|e| self.fail(&e))?;
        let rows = rows
            .iter()
            .map(|row| (0..row.len()).map(|i| row.try_get::<_, AnyText>(i).ok().and_then(|v| v.0)).collect::<Vec<_>>())
            .collect();
        Ok(Rows { columns, rows })
    }

    fn begin(&mut self) -> Result<(), PluginError> {
        self.simple("BEGIN")?;
        self.in_tx = true;
        self.doomed = None;
        Ok(())
    }

    fn commit(&mut self) -> Result<(), PluginError> {
        // COMMIT of an aborted transaction answers with a ROLLBACK tag, not an
        // error. Whatever failed inside (even an error the caller chose to
        // ignore) makes the commit an error. A query probes for failures we
        // did not see: it fails in an aborted transaction.
        let probe = if self.doomed.is_none() { self.simple("SELECT 1").err() } else { None };
        if let Some(why) = self.doomed.take().or_else(|| probe.map(|e| e.message.to_string())) {
            self.in_tx = false;
            let _ = self.simple("ROLLBACK");
            return Err(PluginError::new(
                ErrorKind::Database,
                format!(
                    "the transaction was rolled back, nothing of it was committed: a statement in it failed: {why}"
                ),
            ));
        }
        self.in_tx = false;
        self.simple("COMMIT").map(|_| ())
    }

    fn rollback(&mut self) -> Result<(), PluginError> {
        self.in_tx = false;
        self.doomed = None;
        // Outside a transaction the server only warns.
        self.simple("ROLLBACK").map(|_| ())
    }

    fn lock(&mut self, name: &str, timeout: Duration) -> Result<(), PluginError> {
        // Atlas's key: a session-level advisory lock on the FNV-1 hash of the
        // name (reference §5.3). The server queues the waiter and wakes it the
        // moment the holder releases; `lock_timeout` bounds the wait.
        let id = lock_id(name);
        let held = || {
            PluginError::new(
                ErrorKind::LockTimeout,
                format!("lock {name:?} is held by another session (waited {timeout:?})"),
            )
            .with_detail(format!("advisory lock {id}"))
        };
        if timeout.is_zero() {
            let rows = self.simple(&format!("SELECT pg_try_advisory_lock({id})"))?;
            let got = rows.rows.first().and_then(|r| r.first().cloned().flatten()).as_deref() == Some("t");
            return if got { Ok(()) } else { Err(held()) };
        }
        let ms = timeout.as_millis().clamp(1, i32::MAX as u128);
        self.simple(&format!("SET lock_timeout = {ms}"))?;
        let result = self.simple(&format!("SELECT pg_advisory_lock({id})"));
        let reset = self.simple("RESET lock_timeout");
        match result {
            Ok(_) => reset.map(|_| ()),
            Err(e) if e.kind == ErrorKind::LockTimeout => Err(held()),
            Err(e) => Err(e),
        }
    }

    fn unlock(&mut self, name: &str) -> Result<(), PluginError> {
        self.simple(&format!("SELECT pg_advisory_unlock({})", lock_id(name))).map(|_| ())
    }

    fn close(&mut self) -> Result<(), PluginError> {
        // Dropping the client ends the session; nothing must be flushed first.
        Ok(())
    }
}

/// The advisory-lock id of a lock name: FNV-1 (not 1a), 32 bits, as Atlas computes it.
pub fn lock_id(name: &str) -> i64 {
    let mut hash: u32 = 2_166_136_261;
    for byte in name.bytes() {
        hash = hash.wrapping_mul(16_777_619);
        hash ^= u32::from(byte);
    }
    i64::from(hash)
}

/// Classifies a tokio-postgres error by SQLSTATE
/// (https://www.postgresql.org/docs/current/errcodes-appendix.html). Its
/// `Display` for server errors is only "db error", so the message comes from
/// `as_db_error()`.
pub(crate) fn classify(err: &tokio_postgres::Error) -> PluginError {
    if let Some(db) = err.as_db_error() {
        let code = db.code().code();
        let kind = match code {
            "28P01" | "28000" => ErrorKind::Auth,
            "42501" => ErrorKind::PermissionDenied,
            "42P01" | "42704" | "3F000" | "42883" | "42703" | "3D000" => ErrorKind::ObjectMissing,
            "42P07" | "42710" | "42P06" | "42723" | "42701" => ErrorKind::ObjectExists,
            "42601" => ErrorKind::Syntax,
            "55P03" => ErrorKind::LockTimeout,
            c if c.starts_with("23") => ErrorKind::Constraint,
            c if c.starts_with("08") || c.starts_with("57P") => ErrorKind::Connection,
            _ => ErrorKind::Database,
        };
        let mut message = db.message().to_string();
        if let Some(detail) = db.detail() {
            message.push_str(&format!(" ({detail})"));
        }
        return PluginError::new(kind, message).with_detail(code);
    }
    let io = err.source().and_then(|s| s.downcast_ref::<std::io::Error>()).is_some();
    let kind = if io || err.is_closed() || err.to_string().contains("timed out") {
        ErrorKind::Connection
    } else {
        ErrorKind::Database
    };
    let mut message = err.to_string();
    if let Some(source) = err.source() {
        let source = source.to_string();
        if !message.contains(&source) {
            message = format!("{message}: {source}");
        }
    }
    PluginError::new(kind, message)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lock_ids_match_atlas() {
        assert_eq!(lock_id("atlas_migrate_execute"), 2_686_470_616);
        assert_eq!(lock_id("atlas_migrate_diff"), 361_947_982);
    }

    #[test]
    fn tls_modes_are_refused_without_the_password() {
        let err = open("postgres://u:hunter2@127.0.0.1:1/db?sslmode=require").err().map(|e| (e.kind, e.message));
        let (kind, message) = err.unwrap_or((ErrorKind::Internal, "opened".into()));
        assert_eq!(kind, ErrorKind::InvalidUrl);
        assert!(message.contains("TLS") && !message.contains("hunter2"), "{message}");
    }

    #[test]
    fn refused_connections_are_connection_errors() {
        let err = open("postgres://u:hunter2@127.0.0.1:1/db?sslmode=disable").err().map(|e| (e.kind, e.message));
        let (kind, message) = err.unwrap_or((ErrorKind::Internal, "opened".into()));
        assert_eq!(kind, ErrorKind::Connection, "{message}");
        assert!(!message.contains("hunter2"), "{message}");
    }
}
