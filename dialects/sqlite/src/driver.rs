//! Opening SQLite databases and running statements on them.

use rusqlite::types::{Value, ValueRef};
use std::path::PathBuf;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};
use strata_dialect_api::{ConnInfo, DialectConnection, ErrorKind, InspectOptions, PluginError, Realm, Rows, SqlValue};

/// An open SQLite database.
pub struct SqliteConn {
    conn: rusqlite::Connection,
    /// The database file, `None` for in-memory databases (which need no lock).
    path: Option<PathBuf>,
    /// Lock files this connection holds, removed on unlock and on drop.
    locks: Vec<PathBuf>,
}

/// Opens `sqlite://PATH` (a file, created if missing) or `sqlite://NAME?mode=memory`.
///
/// # Errors
/// When the URL is not a SQLite URL or the file cannot be opened.
pub fn open(url: &str) -> Result<SqliteConn, PluginError> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite3://"))
        .ok_or_else(|| PluginError::new(ErrorKind::InvalidUrl, format!("{url:?} is not a sqlite:// URL")))?;
    let (target, query) = rest.split_once('?').unwrap_or((rest, ""));
    let params: Vec<(&str, &str)> =
        query.split('&').filter(|p| !p.is_empty()).map(|p| p.split_once('=').unwrap_or((p, ""))).collect();
    let param = |k: &str| params.iter().find(|(key, _)| *key == k).map(|(_, v)| *v);
    let target = target.strip_prefix("file:").unwrap_or(target);
    if target.is_empty() && param("mode") != Some("memory") {
        return Err(PluginError::new(ErrorKind::InvalidUrl, format!("{url:?} names no database file")));
    }
    let (conn, path) = if param("mode") == Some("memory") {
        // Each open gets a fresh private database: a dev database must start clean.
        (rusqlite::Connection::open_in_memory().map_err(classify)?, None)
    } else {
        let path = PathBuf::from(target);
        let conn = rusqlite::Connection::open(&path)
            .map_err(|e| PluginError::new(ErrorKind::Connection, format!("opening {}: {e}", path.display())))?;
        (conn, Some(path))
    };
    // Atlas enables foreign keys only with `_fk=1`; keep that contract.
    if matches!(param("_fk"), Some("1" | "true")) {
        conn.execute_batch("PRAGMA foreign_keys = on").map_err(classify)?;
    }
    // Fail on a file that is not a database now, not at the first statement.
    conn.query_row("SELECT count(*) FROM sqlite_master", [], |_| Ok(())).map_err(|e| {
        let mut err = classify(e);
        err.kind = ErrorKind::Connection;
        err
    })?;
    Ok(SqliteConn { conn, path, locks: Vec::new() })
}

impl SqliteConn {
    /// The underlying rusqlite connection (tests and inspection use it).
    pub fn raw(&self) -> &rusqlite::Connection {
        &self.conn
    }

    fn lock_path(&self, name: &str) -> Option<PathBuf> {
        let path = self.path.as_ref()?;
        let abs = std::fs::canonicalize(path).unwrap_or_else(|_| path.clone());
        let tag = adler32(abs.to_string_lossy().as_bytes());
        Some(std::env::temp_dir().join(format!("{name}_{tag:08x}.lock")))
    }
}

impl Drop for SqliteConn {
    fn drop(&mut self) {
        for lock in self.locks.drain(..) {
            let _ = std::fs::remove_file(lock);
        }
    }
}

fn to_sql(value: &SqlValue) -> Value {
    match value {
        SqlValue::Null => Value::Null,
        SqlValue::Int(i) => Value::Integer(*i),
        SqlValue::Text(s) => Value::Text(s.to_string()),
    }
}

fn to_text(value: ValueRef<'_>) -> Option<String> {
    match value {
        ValueRef::Null => None,
        ValueRef::Integer(i) => Some(i.to_string()),
        ValueRef::Real(f) => Some(f.to_string()),
        ValueRef::Text(t) => Some(String::from_utf8_lossy(t).into_owned()),
        ValueRef::Blob(b) => Some(String::from_utf8_lossy(b).into_owned()),
    }
}

impl DialectConnection for SqliteConn {
    fn info(&self) -> ConnInfo {
        ConnInfo { schema: Some("main".into()), version: rusqlite::version().into(), flavour: "sqlite".into() }
    }

    fn inspect(&mut self, options: &InspectOptions) -> Result<Realm, PluginError> {
        // Files only: an in-memory database is a dev database, a new state each time.
        let cache = self.path.as_ref().and(strata_dialect_api::cache_dir()).map(|d| d.join("sqlite-inspect"));
        crate::inspect::inspect_realm_cached(&self.conn, options, cache.as_deref())
    }

    fn exec(&mut self, sql: &str, args: &[SqlValue]) -> Result<u64, PluginError> {
        let mut stmt = self.conn.prepare(sql).map_err(classify)?;
        let params: Vec<Value> = args.iter().map(to_sql).collect();
        let mut rows = stmt.query(rusqlite::params_from_iter(params)).map_err(classify)?;
        // Step through whatever the statement yields (PRAGMA, RETURNING) so it completes.
        while rows.next().map_err(classify)?.is_some() {}
        Ok(self.conn.changes())
    }

    fn query(&mut self, sql: &str, args: &[SqlValue]) -> Result<Rows, PluginError> {
        let mut stmt = self.conn.prepare(sql).map_err(classify)?;
        let columns: Vec<String> = stmt.column_names().map(String::from).collect();
        let params: Vec<Value> = args.iter().map(to_sql).collect();
        let mut rows = stmt.query(rusqlite::params_from_iter(params)).map_err(classify)?;
        let mut out = Vec::new();
        while let Some(row) = rows.next().map_err(classify)? {
            let mut values = Vec::with_capacity(columns.len());
            for i in 0..columns.len() {
                values.push(to_text(row.get_ref(i).map_err(classify)?));
            }
            out.push(values);
        }
        Ok(Rows { columns, rows: out })
    }

    fn begin(&mut self) -> Result<(), PluginError> {
        self.conn.execute_batch("BEGIN").map_err(classify)
    }

    fn commit(&mut self) -> Result<(), PluginError> {
        self.conn.execute_batch("COMMIT").map_err(classify)
    }

    fn rollback(&mut self) -> Result<(), PluginError> {
        if self.conn.is_autocommit() {
            return Ok(());
        }
        self.conn.execute_batch("ROLLBACK").map_err(classify)
    }

    fn lock(&mut self, name: &str, timeout: Duration) -> Result<(), PluginError> {
        let Some(path) = self.lock_path(name) else { return Ok(()) };
        let deadline = Instant::now() + timeout;
        loop {
            match std::fs::OpenOptions::new().write(true).create_new(true).open(&path) {
                Ok(mut file) => {
                    use std::io::Write;
                    // The content is the lock's expiry, so a lock left by a killed
                    // process stops blocking after an hour.
                    let expiry = now_nanos() + 3_600_000_000_000;
                    let _ = write!(file, "{expiry}");
                    self.locks.push(path);
                    return Ok(());
                }
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                    let expired = std::fs::read_to_string(&path)
                        .ok()
                        .and_then(|s| s.trim().parse::<u128>().ok())
                        .is_some_and(|expiry| expiry < now_nanos());
                    if expired {
                        let _ = std::fs::remove_file(&path);
                        continue;
                    }
                    if Instant::now() >= deadline {
                        return Err(PluginError::new(
                            ErrorKind::LockTimeout,
                            format!("lock on {name:?} already taken (lock file {})", path.display()),
                        ));
                    }
                    std::thread::sleep(Duration::from_millis(25));
                }
                Err(e) => {
                    return Err(PluginError::new(
                        ErrorKind::PermissionDenied,
                        format!("creating lock file {}: {e}", path.display()),
                    ));
                }
            }
        }
    }

    fn unlock(&mut self, name: &str) -> Result<(), PluginError> {
        let Some(path) = self.lock_path(name) else { return Ok(()) };
        self.locks.retain(|p| p != &path);
        std::fs::remove_file(&path)
            .or_else(|e| if e.kind() == std::io::ErrorKind::NotFound { Ok(()) } else { Err(e) })
            .map_err(|e| PluginError::new(ErrorKind::Internal, format!("removing lock file {}: {e}", path.display())))
    }

    fn close(&mut self) -> Result<(), PluginError> {
        Ok(())
    }
}

fn now_nanos() -> u128 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or_default()
}

fn adler32(data: &[u8]) -> u32 {
    let (mut a, mut b) = (1u32, 0u32);
    for &byte in data {
        a = (a + u32::from(byte)) % 65521;
        b = (b + a) % 65521;
    }
    (b << 16) | a
}

/// Classifies a rusqlite error. SQLite reports most failures as the generic
/// `SQLITE_ERROR`, so the message is the only signal; it is read here, in the
/// plugin, so the host never has to.
pub(crate) fn classify(err: rusqlite::Error) -> PluginError {
    use rusqlite::ErrorCode as C;
    let message = match &err {
        rusqlite::Error::SqliteFailure(_, Some(msg)) => msg.clone(),
        other => other.to_string(),
    };
    let kind = match &err {
        rusqlite::Error::SqliteFailure(e, _) => match e.code {
            C::ConstraintViolation => ErrorKind::Constraint,
            C::DatabaseBusy | C::DatabaseLocked => ErrorKind::LockTimeout,
            C::PermissionDenied | C::ReadOnly | C::AuthorizationForStatementDenied => ErrorKind::PermissionDenied,
            C::CannotOpen | C::NotADatabase => ErrorKind::Connection,
            _ if message.contains("syntax error") || message.starts_with("incomplete input") => ErrorKind::Syntax,
            _ if message.starts_with("no such") => ErrorKind::ObjectMissing,
            _ if message.contains("already exists") => ErrorKind::ObjectExists,
            _ => ErrorKind::Database,
        },
        rusqlite::Error::MultipleStatement => ErrorKind::Syntax,
        _ => ErrorKind::Database,
    };
    PluginError::new(kind, message)
}
