//! Connections over ClickHouse's HTTP interface (the `clickhouse` crate),
//! driven by a runtime the plugin owns.
//!
//! Every call blocks on that runtime, so the ABI stays synchronous and no tokio
//! object ever crosses it (reference/crate-probe.md, "Async drivers inside
//! plugins"). A "connection" is a client bound to the URL's server, user and
//! database, with an HTTP session of its own (`session_id`) so that `SET`
//! and temporary tables last from one statement to the next; every statement
//! is its own request.
//!
//! SQL goes out verbatim (`query_raw`): the crate's own binding would read
//! every `?` as a placeholder, string literals included, and servers before
//! 23.x take no server-side parameters over HTTP. Arguments are bound here
//! (`sql::bind`). Results come back as `TabSeparatedWithNames`, every value
//! as text.

use crate::inspect::inspect_realm;
use crate::sql::bind;
use crate::types::{literal, qualified};
use clickhouse::Client;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};
use strata_dialect_api::{
    ConnInfo, DbUrl, DialectConnection, ErrorKind, InspectOptions, PluginError, Realm, Rows, SqlValue,
};
use strata_dialect_kit::scrub;

/// The HTTP port when the URL names none.
const DEFAULT_PORT: u16 = 8123;

/// How long `open` waits for the server's first answer.
const OPEN_TIMEOUT: Duration = Duration::from_secs(10);

/// How often a contended migration lock is tried again.
const LOCK_POLL: Duration = Duration::from_millis(100);

/// Lock tables are named this, then the lock's name (see [`lock_table`]);
/// inspection leaves them out.
pub(crate) const LOCK_PREFIX: &str = "strata_lock_";

/// Runs `fut` on the plugin's runtime (kit's current-thread bridge).
fn block_on<F: std::future::Future>(fut: F) -> Result<F::Output, PluginError> {
    strata_dialect_kit::runtime::block_on("clickhouse", fut)
}

/// An open ClickHouse "connection": an HTTP client bound to a server, a user
/// and a database.
pub struct ChConn {
    client: Client,
    info: ConnInfo,
    database: String,
    /// `host:port`, for messages.
    server: String,
    /// (major, minor, patch) of the server.
    version: (u32, u32, u32),
    /// The password, kept only to scrub it from any message that might echo it.
    password: Option<String>,
    /// Between `begin` and `commit`: statements run there, and failed.
    tx: Option<Tx>,
    /// Lock tables this connection created and has not dropped yet.
    held: Vec<String>,
}

/// What happened since `begin`: ClickHouse has no transactions, so this only
/// tells `commit` and `rollback` what to report.
#[derive(Debug, Default)]
struct Tx {
    ran: usize,
    failed: Option<String>,
}

/// Parses `version()` text: `18.16.1`, `24.3.2.23`.
pub(crate) fn parse_version(text: &str) -> (u32, u32, u32) {
    let mut nums = text.split(|c: char| !c.is_ascii_digit()).map(|p| p.parse::<u32>().unwrap_or(0));
    (nums.next().unwrap_or(0), nums.next().unwrap_or(0), nums.next().unwrap_or(0))
}

/// Opens `clickhouse://user:pass@host:port/database` (the HTTP port, 8123 when
/// absent; user `default` and database `default` when absent). Query
/// parameters are passed to the server as settings.
///
/// # Errors
/// [`ErrorKind::InvalidUrl`] for a malformed URL or `secure=true` (this plugin
/// speaks plain HTTP only); [`ErrorKind::Connection`] when the server cannot
/// be reached; [`ErrorKind::Auth`] when it refuses the credentials;
/// [`ErrorKind::ObjectMissing`] when the database does not exist.
pub fn open(url: &str) -> Result<ChConn, PluginError> {
    let parsed = DbUrl::parse(url).map_err(|e| PluginError::new(ErrorKind::InvalidUrl, e))?;
    if parsed.scheme != "clickhouse" && parsed.scheme != "clickhouse+http" {
        return Err(PluginError::new(
            ErrorKind::InvalidUrl,
            format!("{} is not a clickhouse:// URL", parsed.redacted()),
        ));
    }
    if parsed.query.get("secure").is_some_and(|v| v == "true" || v == "1") {
        return Err(PluginError::new(
            ErrorKind::InvalidUrl,
            format!("{}: this plugin speaks plain HTTP only (no TLS)", parsed.redacted()),
        ));
    }
    let host = if parsed.host.is_empty() { "127.0.0.1".to_string() } else { parsed.host.clone() };
    let port = parsed.port.unwrap_or(DEFAULT_PORT);
    let server = if host.contains(':') { format!("[{host}]:{port}") } else { format!("{host}:{port}") };
    let database = Some(parsed.path.trim_matches('/').to_string()).filter(|d| !d.is_empty());
    let database = database.unwrap_or_else(|| "default".to_string());
    let user = parsed.user.clone().filter(|u| !u.is_empty()).unwrap_or_else(|| "default".to_string());
    let mut client = Client::default()
        .with_url(format!("http://{server}"))
        .with_user(user.clone())
        .with_database(database.clone())
        // Typed row validation asks for formats and settings 18.16 lacks
        // (reference/crate-probe.md); this plugin reads text anyway.
        .with_validation(false)
        // Errors come with the HTTP status rather than after data already sent.
        .with_setting("wait_end_of_query", "1");
    if let Some(password) = parsed.password.as_deref().filter(|p| !p.is_empty()) {
        client = client.with_password(password);
    }
    // An HTTP session per connection, so that what a statement sets (`SET`,
    // temporary tables) holds for the statements after it, as on a
    // connection; the server ends it after `session_timeout` (60 s) idle.
    client = client.with_setting("session_id", session_id());
    // `param_*` names are server-side query parameters to the crate, not settings.
    for (name, value) in parsed.query.iter().filter(|(k, _)| k.as_str() != "secure" && !k.starts_with("param_")) {
        client = client.with_setting(name, value);
    }
    let first =
        block_on(async { tokio::time::timeout(OPEN_TIMEOUT, fetch(&client, "SELECT version() AS version")).await })?;
    let body = match first {
        Ok(result) => result.map_err(|e| {
            let mut e = classify(&e, &server);
            if e.kind == ErrorKind::Auth {
                e.message = format!("clickhouse at {server} refused user {user:?}: {}", e.message).into();
            }
            scrub(e, parsed.password.as_deref())
        })?,
        Err(_) => {
            return Err(PluginError::new(
                ErrorKind::Connection,
                format!("clickhouse at {server} did not answer within {OPEN_TIMEOUT:?}"),
            ));
        }
    };
    let version =
        parse_tsv(&body).rows.into_iter().next().and_then(|r| r.into_iter().next().flatten()).unwrap_or_default();
    let numbers = parse_version(&version);
    if numbers.0 < 19 {
        // LowCardinality is an experimental type before 19.x: without this a
        // table using it can neither be created nor planned.
        client = client.with_setting("allow_experimental_low_cardinality_type", "1");
    }
    Ok(ChConn {
        client,
        info: ConnInfo { schema: Some(database.clone()), version, flavour: "clickhouse".into() },
        database,
        server,
        version: numbers,
        password: parsed.password.clone(),
        tx: None,
        held: Vec::new(),
    })
}

/// A session id unique to this connection.
fn session_id() -> String {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos());
    format!("strata-{}-{}-{nanos}", std::process::id(), NEXT.fetch_add(1, Ordering::Relaxed))
}

/// Runs `sql` and returns the whole response body, as `TabSeparatedWithNames`
/// unless the SQL names another format.
async fn fetch(client: &Client, sql: &str) -> Result<Vec<u8>, clickhouse::error::Error> {
    let mut cursor = client.query_raw(sql).fetch_bytes("TabSeparatedWithNames")?;
    let mut out = Vec::new();
    while let Some(chunk) = cursor.next().await? {
        out.extend_from_slice(&chunk);
    }
    Ok(out)
}

/// Parses `TabSeparatedWithNames`: the first line names the columns; `\N` is
/// NULL; escapes are resolved.
pub(crate) fn parse_tsv(body: &[u8]) -> Rows {
    let text = String::from_utf8_lossy(body);
    let mut lines = text.split('\n');
    let columns: Vec<String> = match lines.next() {
        Some(header) if !header.is_empty() => header.split('\t').map(|f| unescape(f).unwrap_or_default()).collect(),
        _ => return Rows::default(),
    };
    let rows = lines
        .filter(|line| !line.is_empty() || columns.len() == 1)
        .map(|line| line.split('\t').map(unescape).collect())
        .collect::<Vec<Vec<Option<String>>>>();
    // A single-column result's empty string is an empty line; the body's
    // final newline leaves one empty line too, which is not a row.
    let rows = if columns.len() == 1 && text.ends_with('\n') {
        let mut rows = rows;
        rows.pop();
        rows
    } else {
        rows
    };
    Rows { columns, rows }
}

/// One TSV field: `\N` is NULL, backslash escapes resolved.
fn unescape(field: &str) -> Option<String> {
    if field == "\\N" {
        return None;
    }
    if !field.contains('\\') {
        return Some(field.to_string());
    }
    let mut out = String::with_capacity(field.len());
    let mut chars = field.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('r') => out.push('\r'),
            Some('b') => out.push('\u{8}'),
            Some('f') => out.push('\u{c}'),
            Some('0') => out.push('\0'),
            Some(other) => out.push(other),
            None => out.push('\\'),
        }
    }
    Some(out)
}

/// The name of the table that stands for lock `name`: letters, digits and
/// `_` kept, anything else made `_`, with a hash of the name appended when
/// anything was replaced (so that distinct names stay distinct).
pub(crate) fn lock_table(name: &str) -> String {
    let clean: String = name.chars().map(|c| if c.is_ascii_alphanumeric() || c == '_' { c } else { '_' }).collect();
    if clean == name && !clean.is_empty() {
        return format!("{LOCK_PREFIX}{clean}");
    }
    // FNV-1a: stable across builds and platforms.
    let hash = name.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3));
    format!("{LOCK_PREFIX}{clean}_{:08x}", hash & 0xffff_ffff)
}

/// Who takes a lock, as the lock table records it.
fn holder() -> String {
    let host = std::env::var("HOSTNAME")
        .ok()
        .or_else(|| std::fs::read_to_string("/proc/sys/kernel/hostname").ok())
        .map(|h| h.trim().to_string())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "unknown host".into());
    let since = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
    format!("process {} on {host}, since unix time {since}", std::process::id())
}

impl ChConn {
    /// The server version numbers.
    pub fn version(&self) -> (u32, u32, u32) {
        self.version
    }

    /// The database the connection is bound to.
    pub fn database(&self) -> &str {
        &self.database
    }

    fn fail(&self, err: &clickhouse::error::Error) -> PluginError {
        scrub(classify(err, &self.server), self.password.as_deref())
    }

    /// Runs a statement, its response discarded.
    fn run(&self, sql: &str) -> Result<(), PluginError> {
        block_on(self.client.query_raw(sql).execute())?.map_err(|e| self.fail(&e))
    }

    /// Runs a query; every value as text.
    pub(crate) fn rows(&self, sql: &str) -> Result<Rows, PluginError> {
        let body = block_on(fetch(&self.client, sql))?.map_err(|e| self.fail(&e))?;
        Ok(parse_tsv(&body))
    }

    /// Notes the outcome of a statement run between `begin` and `commit`.
    fn note<T>(&mut self, result: Result<T, PluginError>) -> Result<T, PluginError> {
        if let Some(tx) = &mut self.tx {
            match &result {
                Ok(_) => tx.ran += 1,
                Err(e) if tx.failed.is_none() => tx.failed = Some(e.message.to_string()),
                Err(_) => {}
            }
        }
        result
    }

    /// Waits until no mutation of `table` is left unfinished (polling
    /// `system.mutations`), for at most [`MUTATION_WAIT`].
    fn await_mutations(&self, database: Option<&str>, table: &str) -> Result<(), PluginError> {
        let database = database.unwrap_or(&self.database);
        let sql = format!(
            "SELECT count() FROM system.mutations WHERE database = {} AND table = {} AND is_done = 0",
            crate::types::literal(database),
            crate::types::literal(table)
        );
        let start = std::time::Instant::now();
        loop {
            let left = self.rows(&sql)?.rows.into_iter().next().and_then(|r| r.into_iter().next().flatten());
            if left.as_deref() == Some("0") {
                return Ok(());
            }
            if start.elapsed() > MUTATION_WAIT {
                return Err(PluginError::new(
                    ErrorKind::LockTimeout,
                    format!(
                        "the mutation of table {table:?} is still running after {} s (see system.mutations)",
                        MUTATION_WAIT.as_secs()
                    ),
                ));
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
    }

    fn drop_lock_table(&self, table: &str) -> Result<(), PluginError> {
        self.run(&format!("DROP TABLE IF EXISTS {}", qualified(Some(&self.database), table)))
    }

    /// Who holds the lock of `table`, as far as its row says.
    fn lock_holder(&self, table: &str) -> Option<String> {
        let sql = format!("SELECT holder FROM {} LIMIT 1", qualified(Some(&self.database), table));
        self.rows(&sql).ok()?.rows.into_iter().next()?.into_iter().next().flatten().filter(|h| !h.is_empty())
    }
}

/// How long a statement waits for its mutation to finish.
const MUTATION_WAIT: std::time::Duration = std::time::Duration::from_secs(600);

impl DialectConnection for ChConn {
    fn info(&self) -> ConnInfo {
        self.info.clone()
    }

    fn inspect(&mut self, options: &InspectOptions) -> Result<Realm, PluginError> {
        let password = self.password.clone();
        inspect_realm(self, options).map_err(|e| scrub(e, password.as_deref()))
    }

    /// ClickHouse reports no count of rows a statement matched: DDL and
    /// `INSERT` return 0. (The host writes its own tables append-only here,
    /// so it never reads an `UPDATE`'s count.)
    ///
    /// An `ALTER TABLE … DELETE | UPDATE` returns once ClickHouse has
    /// finished it: the server runs mutations in the background, and what
    /// comes next (a down file's check, the next statement) must see its
    /// effect, as after any other statement.
    fn exec(&mut self, sql: &str, args: &[SqlValue]) -> Result<u64, PluginError> {
        let result = bind(sql, args).and_then(|sql| {
            self.run(&sql)?;
            match crate::sql::mutation_target(&sql) {
                Some((database, table)) => self.await_mutations(database.as_deref(), &table),
                None => Ok(()),
            }
        });
        self.note(result.map(|()| 0))
    }

    fn query(&mut self, sql: &str, args: &[SqlValue]) -> Result<Rows, PluginError> {
        let result = bind(sql, args).and_then(|sql| self.rows(&sql));
        self.note(result)
    }

    /// A no-op that succeeds: ClickHouse has no transactions, every statement
    /// is its own unit and takes effect when it returns. The manifest says so
    /// (`transactional_ddl: false`), so the host runs plans statement by
    /// statement and records progress after each; this only remembers, for
    /// `commit`, whether a statement failed.
    fn begin(&mut self) -> Result<(), PluginError> {
        self.tx = Some(Tx::default());
        Ok(())
    }

    /// Succeeds when every statement since `begin` succeeded (each already
    /// took effect on its own); fails when one failed, saying that what ran
    /// before it stays applied.
    fn commit(&mut self) -> Result<(), PluginError> {
        match self.tx.take() {
            Some(Tx { ran, failed: Some(why) }) => Err(PluginError::new(
                ErrorKind::Database,
                format!(
                    "a statement failed and ClickHouse cannot roll back: the {ran} statement(s) that succeeded \
                     before it stay applied: {why}"
                ),
            )),
            _ => Ok(()),
        }
    }

    /// ClickHouse cannot undo what ran: an [`ErrorKind::Unsupported`] error
    /// when statements ran since `begin` (they stay applied; the host settles
    /// a failed non-transactional step by inspection). Harmless, and `Ok`,
    /// with nothing to undo.
    fn rollback(&mut self) -> Result<(), PluginError> {
        match self.tx.take() {
            Some(Tx { ran, .. }) if ran > 0 => Err(PluginError::new(
                ErrorKind::Unsupported,
                format!("ClickHouse cannot roll back: the {ran} statement(s) run since BEGIN stay applied"),
            )),
            _ => Ok(()),
        }
    }

    /// ClickHouse has no advisory locks: a lock is a table,
    /// `strata_lock_<name>` (`ENGINE = Memory`) in the URL's database, which
    /// only one session can create (the others get `TABLE_ALREADY_EXISTS`,
    /// and try again every 100 ms until `timeout`). Its one row names the
    /// holder. `unlock` and closing the connection drop it; a run killed in
    /// between leaves it behind (a server restart removes it, the table being
    /// in memory), and the timeout message says how to break it.
    fn lock(&mut self, name: &str, timeout: Duration) -> Result<(), PluginError> {
        let table = lock_table(name);
        let table_sql = qualified(Some(&self.database), &table);
        let create = format!("CREATE TABLE {table_sql} (holder String) ENGINE = Memory");
        let deadline = Instant::now() + timeout;
        loop {
            match self.run(&create) {
                Ok(()) => {
                    self.held.push(table.clone());
                    // Best effort: the lock is held whether or not the row is written.
                    let _ = self.run(&format!("INSERT INTO {table_sql} (holder) VALUES ({})", literal(&holder())));
                    return Ok(());
                }
                Err(e) if e.kind == ErrorKind::ObjectExists => {}
                Err(e) => return Err(e),
            }
            let now = Instant::now();
            if now >= deadline {
                let by = self.lock_holder(&table).map(|h| format!(" by {h}")).unwrap_or_default();
                return Err(PluginError::new(
                    ErrorKind::LockTimeout,
                    format!(
                        "lock {name:?} is held{by} (table {table_sql} exists; waited {timeout:?}); \
                         if no other run is in progress the lock is stale (left by a killed run): \
                         break it with DROP TABLE {table_sql}"
                    ),
                )
                .with_detail(table_sql));
            }
            std::thread::sleep(LOCK_POLL.min(deadline - now));
        }
    }

    /// Drops the lock's table when this connection created it; a lock held by
    /// another session is left alone.
    fn unlock(&mut self, name: &str) -> Result<(), PluginError> {
        let table = lock_table(name);
        if let Some(at) = self.held.iter().position(|t| *t == table) {
            self.drop_lock_table(&table)?;
            self.held.remove(at);
        }
        Ok(())
    }

    fn close(&mut self) -> Result<(), PluginError> {
        let mut first = Ok(());
        for table in std::mem::take(&mut self.held) {
            let result = self.drop_lock_table(&table);
            if first.is_ok() {
                first = result;
            }
        }
        first
    }
}

impl Drop for ChConn {
    fn drop(&mut self) {
        // A lock is released when its session ends.
        let _ = self.close();
    }
}

/// The error code and message of a ClickHouse exception text, as 18.x
/// (`Code: 60, e.displayText() = DB::Exception: Table x doesn't exist., e.what() = DB::Exception`)
/// and later servers (`Code: 60. DB::Exception: Table x does not exist. (UNKNOWN_TABLE) (version …)`)
/// print it.
pub(crate) fn parse_exception(text: &str) -> (Option<u32>, String) {
    let text = text.trim();
    let code = text
        .find("Code: ")
        .and_then(|i| text[i + 6..].split(|c: char| !c.is_ascii_digit()).next())
        .and_then(|n| n.parse().ok());
    let mut message = match text.find("Exception: ") {
        Some(i) => &text[i + "Exception: ".len()..],
        None => text,
    };
    for end in [", e.what() = ", " (version "] {
        if let Some(i) = message.find(end) {
            message = &message[..i];
        }
    }
    let mut message = message.split_whitespace().collect::<Vec<_>>().join(" ");
    // Newer servers append the code's name: `… does not exist. (UNKNOWN_TABLE)`.
    if let Some(open) = message.rfind(" (")
        && message.ends_with(')')
        && message[open + 2..message.len() - 1].chars().all(|c| c.is_ascii_uppercase() || c == '_')
    {
        message.truncate(open);
    }
    // The list of what the parser expected is long and rarely helps.
    if let Some(i) = message.find(" Expected one of: ")
        && message.len() - i > 200
    {
        let cut = message[..i + 200].char_indices().last().map_or(i, |(j, c)| j + c.len_utf8());
        message.truncate(cut);
        message.push('…');
    }
    let message = message.trim_end_matches('.').trim().to_string();
    let mut chars = message.chars();
    let message = match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => message,
    };
    (code, message)
}

/// The kind of a ClickHouse error code
/// (https://github.com/ClickHouse/ClickHouse/blob/master/src/Common/ErrorCodes.cpp).
pub(crate) fn kind_of(code: u32, message: &str) -> ErrorKind {
    match code {
        // UNKNOWN_USER, WRONG_PASSWORD, REQUIRED_PASSWORD, AUTHENTICATION_FAILED.
        192 | 193 | 194 | 516 => ErrorKind::Auth,
        // ACCESS_DENIED, NOT_ENOUGH_PRIVILEGES.
        291 | 497 => ErrorKind::PermissionDenied,
        // READONLY.
        164 => ErrorKind::ReadOnly,
        // UNKNOWN_TABLE, UNKNOWN_DATABASE, UNKNOWN_IDENTIFIER,
        // NO_SUCH_COLUMN_IN_TABLE, NOT_FOUND_COLUMN_IN_BLOCK, UNKNOWN_FUNCTION.
        60 | 81 | 47 | 16 | 10 | 46 => ErrorKind::ObjectMissing,
        // TABLE_ALREADY_EXISTS, DATABASE_ALREADY_EXISTS, DUPLICATE_COLUMN.
        57 | 82 | 15 => ErrorKind::ObjectExists,
        // ILLEGAL_COLUMN says both "cannot find column" and "already exists".
        44 if message.contains("Cannot find column") || message.contains("cannot find column") => {
            ErrorKind::ObjectMissing
        }
        44 if message.contains("already exists") => ErrorKind::ObjectExists,
        // SYNTAX_ERROR.
        62 => ErrorKind::Syntax,
        // DEADLOCK_AVOIDED: a table lock was not had in time.
        473 => ErrorKind::LockTimeout,
        // CANNOT_PARSE_TEXT, CANNOT_PARSE_INPUT_ASSERTION_FAILED,
        // CANNOT_PARSE_DATETIME, CANNOT_CONVERT_TYPE, CANNOT_PARSE_NUMBER,
        // VIOLATED_CONSTRAINT.
        6 | 27 | 41 | 70 | 72 | 469 => ErrorKind::Constraint,
        // NOT_IMPLEMENTED.
        48 => ErrorKind::Unsupported,
        // SOCKET_TIMEOUT, NETWORK_ERROR.
        209 | 210 => ErrorKind::Connection,
        _ => ErrorKind::Database,
    }
}

/// Classifies an error of the `clickhouse` crate; `server` (`host:port`)
/// names the server in connection failures.
pub(crate) fn classify(err: &clickhouse::error::Error, server: &str) -> PluginError {
    use clickhouse::error::Error;
    match err {
        Error::BadResponse(text) => {
            let (code, message) = parse_exception(text);
            match code {
                Some(code) => PluginError::new(kind_of(code, &message), message).with_detail(format!("Code: {code}")),
                None => PluginError::new(ErrorKind::Database, message),
            }
        }
        Error::Network(_) | Error::TimedOut => {
            PluginError::new(ErrorKind::Connection, format!("cannot reach clickhouse at {server}: {}", chain(err)))
        }
        Error::InvalidParams(_) => PluginError::new(ErrorKind::InvalidUrl, chain(err)),
        Error::Unsupported(_) => PluginError::new(ErrorKind::Unsupported, chain(err)),
        _ => PluginError::new(ErrorKind::Database, chain(err)),
    }
}

/// An error and its sources, `: `-separated (hyper's own text is only
/// "client error (Connect)"; the cause is in its sources).
fn chain(err: &dyn std::error::Error) -> String {
    let mut out = err.to_string();
    let mut source = err.source();
    while let Some(s) = source {
        let text = s.to_string();
        if !out.contains(&text) {
            out.push_str(": ");
            out.push_str(&text);
        }
        source = s.source();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exceptions_of_both_eras() {
        let (code, message) = parse_exception(
            "Code: 60, e.displayText() = DB::Exception: Table probe.nope doesn't exist., e.what() = DB::Exception\n",
        );
        assert_eq!((code, message.as_str()), (Some(60), "table probe.nope doesn't exist"));
        let (code, message) = parse_exception(
            "Code: 60. DB::Exception: Table default.nope does not exist. (UNKNOWN_TABLE) (version 24.3.2.23 (official build))",
        );
        assert_eq!((code, message.as_str()), (Some(60), "table default.nope does not exist"));
        let (code, message) = parse_exception(
            "Code: 193, e.displayText() = DB::Exception: Wrong password for user default, e.what() = DB::Exception",
        );
        assert_eq!(
            (code, kind_of(193, &message), message.as_str()),
            (Some(193), ErrorKind::Auth, "wrong password for user default")
        );
        let long = format!(
            "Code: 62, e.displayText() = DB::Exception: Syntax error: failed at position 1: X. Expected one of: {}, e.what() = DB::Exception",
            "a, ".repeat(200)
        );
        let (_, message) = parse_exception(&long);
        assert!(message.len() < 300 && message.ends_with('…'), "{message}");
        assert_eq!(kind_of(44, "Wrong column name. Cannot find column nope to drop"), ErrorKind::ObjectMissing);
        assert_eq!(kind_of(44, "Cannot add column x: column with this name already exists"), ErrorKind::ObjectExists);
    }

    #[test]
    fn tsv_results() {
        let rows = parse_tsv(b"a\tb\n1\t\\N\nx\\ty\\\\z\t\\'q\\'\n");
        assert_eq!(rows.columns, ["a", "b"]);
        assert_eq!(rows.rows, [vec![Some("1".into()), None], vec![Some("x\ty\\z".into()), Some("'q'".into())]]);
        let rows = parse_tsv(b"s\n\nx\n");
        assert_eq!(rows.rows, [vec![Some(String::new())], vec![Some("x".into())]]);
        assert_eq!(parse_tsv(b"").columns.len(), 0);
        assert_eq!(parse_tsv(b"n\n").rows.len(), 0);
    }

    #[test]
    fn lock_tables_are_plain_names() {
        assert_eq!(lock_table("atlas_migrate_execute"), "strata_lock_atlas_migrate_execute");
        assert!(lock_table("a b").starts_with("strata_lock_a_b_"));
        assert_ne!(lock_table("a b"), lock_table("a-b"));
        assert_eq!(parse_version("18.16.1"), (18, 16, 1));
    }

    #[test]
    fn refused_connections_hide_the_password() {
        let err = open("clickhouse://u:hunter2@127.0.0.1:1/db").err().map(|e| (e.kind, e.message));
        let (kind, message) = err.unwrap_or((ErrorKind::Internal, "opened".into()));
        assert_eq!(kind, ErrorKind::Connection, "{message}");
        assert!(!message.contains("hunter2"), "{message}");
        let err = open("mysql://u:hunter2@127.0.0.1:1/db").err().map(|e| (e.kind, e.message));
        let (kind, message) = err.unwrap_or((ErrorKind::Internal, "opened".into()));
        assert_eq!(kind, ErrorKind::InvalidUrl);
        assert!(!message.contains("hunter2"), "{message}");
    }
}
