//! Opening SQLite databases and running statements on them.

use rusqlite::types::{Value, ValueRef};
use std::path::PathBuf;
use std::time::{Duration, Instant};
use strata_dialect_api::{
    ConnInfo, DbUrl, DialectConnection, ErrorKind, InspectOptions, PluginError, Realm, Rows, SqlValue, mask,
};

/// An open SQLite database.
pub struct SqliteConn {
    conn: rusqlite::Connection,
    /// The database file, `None` for in-memory databases (which need no lock).
    path: Option<PathBuf>,
    /// Named locks this connection holds. Each is an exclusive `flock` on an
    /// open file: closing the file (unlock, drop, or the process dying by any
    /// signal) releases it, so a killed run never blocks the next one.
    locks: Vec<HeldLock>,
    /// True between `begin` and `commit`/`rollback`.
    in_tx: bool,
    /// The first failure inside the open transaction. SQLite keeps a
    /// transaction open after most failed statements; committing it would keep
    /// half of the work, so commit refuses (as PostgreSQL does).
    doomed: Option<String>,
    /// Answers to digest queries (see [`crate::digest`]), each with the
    /// `data_version` it was read at: the host reads them ahead, on the
    /// thread that opened the file, and again once it holds the migration
    /// lock (see [`SqliteConn::digest_query`]).
    digests: Vec<(String, i64, Rows)>,
}

/// A lock held by this connection: its name and the locked file.
struct HeldLock {
    name: String,
    /// Kept open for the flock it carries; dropping it releases the lock.
    _file: std::fs::File,
}

/// Opens `sqlite://PATH` (a file, created if missing; `sqlite:///abs.db` is
/// absolute), Atlas's `sqlite://file:PATH?cache=shared&_fk=1`, or
/// `sqlite://NAME?mode=memory`. Query parameters are read as go-sqlite3 reads
/// them for Atlas: `_fk` (or `_foreign_keys`) sets foreign keys on or off,
/// `mode` is `memory`, `ro`, `rw` or `rwc`; others (`cache=shared`,
/// `_busy_timeout`, ...) are accepted and ignored.
///
/// # Errors
/// When the URL is not a SQLite URL or the file cannot be opened.
pub fn open(url: &str) -> Result<SqliteConn, PluginError> {
    use rusqlite::OpenFlags;
    configure();
    // The host's parser, so that both read the same file from the same URL.
    let parsed = DbUrl::parse(url).map_err(|e| PluginError::new(ErrorKind::InvalidUrl, e))?;
    let invalid = |why: String| PluginError::new(ErrorKind::InvalidUrl, format!("{parsed}: {why}"));
    if !matches!(parsed.scheme.as_str(), "sqlite" | "sqlite3") {
        return Err(invalid("not a sqlite:// URL".into()));
    }
    let param = |k: &str| parsed.query.get(k).map(String::as_str);
    let base = OpenFlags::SQLITE_OPEN_URI | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let flags = match param("mode") {
        None | Some("rwc" | "memory") => base | OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE,
        Some("rw") => base | OpenFlags::SQLITE_OPEN_READ_WRITE,
        Some("ro") => base | OpenFlags::SQLITE_OPEN_READ_ONLY,
        Some(other) => return Err(invalid(format!("unknown mode {other:?}: use memory, ro, rw or rwc"))),
    };
    let foreign_keys = match param("_fk").or_else(|| param("_foreign_keys")).map(str::to_ascii_lowercase).as_deref() {
        None => None,
        Some("1" | "true" | "yes" | "on") => Some(true),
        Some("0" | "false" | "no" | "off") => Some(false),
        Some(other) => return Err(invalid(format!("invalid _fk value {other:?}: use 1 or 0"))),
    };
    let memory = param("mode") == Some("memory");
    if parsed.path.is_empty() && !memory {
        return Err(invalid("names no database file".into()));
    }
    let (conn, path) = if memory {
        // Each open gets a fresh private database: a dev database must start clean.
        (rusqlite::Connection::open_in_memory().map_err(classify)?, None)
    } else {
        let path = PathBuf::from(&parsed.path);
        let conn = rusqlite::Connection::open_with_flags(&path, flags)
            .map_err(|e| PluginError::new(ErrorKind::Connection, mask(&format!("opening {}: {e}", path.display()))))?;
        (conn, Some(path))
    };
    // The host's fingerprint and digest queries call it.
    crate::digest::register(&conn).map_err(classify)?;
    // Without `_fk` the build's default holds (on for rusqlite's bundled SQLite).
    if let Some(on) = foreign_keys {
        conn.execute_batch(if on { "PRAGMA foreign_keys = ON" } else { "PRAGMA foreign_keys = OFF" })
            .map_err(classify)?;
    }
    // Fail on a file that is not a database now, not at the first statement.
    conn.query_row("SELECT count(*) FROM sqlite_master", [], |_| Ok(())).map_err(|e| {
        let mut err = classify(e);
        err.kind = ErrorKind::Connection;
        err
    })?;
    Ok(SqliteConn { conn, path, locks: Vec::new(), in_tx: false, doomed: None, digests: Vec::new() })
}

/// Turns SQLite's memory statistics off, once, before this library's first
/// connection. Kept (the default), they take one process-wide mutex around
/// every allocation SQLite makes: parsing the schema of a 300-table file is
/// tens of thousands of them, and while one thread parses, another thread's
/// connection (the deployment registry's) contends for the same mutex. Nothing
/// reads the statistics (`sqlite3_memory_used`, `sqlite3_status`); SQLite's
/// own list of recommended options has them off (`SQLITE_DEFAULT_MEMSTATUS=0`).
/// A warm `migrate down 50` of 300 tables opened its target 0.5 ms sooner.
fn configure() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        // SAFETY: sqlite3_config must not run concurrently with any other
        // SQLite call and only takes effect before sqlite3_initialize. Every
        // connection of this library opens here, after this closure returned
        // (`Once` makes other openers wait). Called after SQLite initialized
        // (a test that opened rusqlite directly first), it returns
        // SQLITE_MISUSE and changes nothing, which is fine: the statistics
        // stay on, as before.
        let _ = unsafe { rusqlite::ffi::sqlite3_config(rusqlite::ffi::SQLITE_CONFIG_MEMSTATUS, 0 as std::ffi::c_int) };
    });
}

impl SqliteConn {
    fn exec_inner(&mut self, sql: &str, args: &[SqlValue]) -> Result<u64, PluginError> {
        let params = args.iter().map(to_sql).collect::<Result<Vec<Value>, _>>()?;
        // Step through whatever the statement yields (PRAGMA, RETURNING) so it completes.
        let digests = &mut self.digests;
        let step = |stmt: &mut rusqlite::Statement<'_>| -> Result<(), PluginError> {
            forget_on_write(digests, stmt);
            let mut rows = stmt.query(rusqlite::params_from_iter(params)).map_err(classify)?;
            while rows.next().map_err(classify)?.is_some() {}
            Ok(())
        };
        // Statements with arguments are the host's bookkeeping, the same text
        // file after file: prepared once. Migration SQL runs once; caching it
        // would only evict them.
        if args.is_empty() {
            step(&mut self.conn.prepare(sql).map_err(classify)?)?;
        } else {
            step(&mut *self.conn.prepare_cached(sql).map_err(classify)?)?;
        }
        Ok(self.conn.changes())
    }

    fn query_inner(&mut self, sql: &str, args: &[SqlValue]) -> Result<Rows, PluginError> {
        let mut stmt = self.conn.prepare(sql).map_err(classify)?;
        forget_on_write(&mut self.digests, &stmt);
        let columns: Vec<String> = stmt.column_names().map(String::from).collect();
        let params = args.iter().map(to_sql).collect::<Result<Vec<Value>, _>>()?;
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

    /// Answers a digest query, from what was read before when no other
    /// connection has committed since (SQLite's `PRAGMA data_version`, which
    /// its own page cache trusts the same way) and this one has not written
    /// or ended a transaction ([`forget_on_write`], `begin`, `commit`,
    /// `rollback`): the database is then the one that answer was read from.
    /// A warm `migrate down` digests 750 schema rows and 300 revisions, most
    /// of a millisecond, on the thread that opened the file while the host
    /// reads its directory; this makes the host's second read free.
    fn digest_query(&mut self, sql: &str) -> Result<Rows, PluginError> {
        let version: i64 = self.conn.query_row("PRAGMA data_version", [], |r| r.get(0)).map_err(classify)?;
        if let Some((.., rows)) = self.digests.iter().find(|(s, v, _)| s == sql && *v == version) {
            return Ok(rows.clone());
        }
        let rows = self.query_inner(sql, &[])?;
        self.digests.retain(|(s, ..)| s != sql);
        self.digests.push((sql.to_string(), version, rows.clone()));
        Ok(rows)
    }

    /// Remembers the first failure inside an open transaction (see `commit`).
    fn track<T>(&mut self, result: Result<T, PluginError>) -> Result<T, PluginError> {
        if let Err(e) = &result
            && self.in_tx
            && self.doomed.is_none()
        {
            self.doomed = Some(e.message.to_string());
        }
        result
    }

    /// The underlying rusqlite connection (tests and inspection use it).
    pub fn raw(&self) -> &rusqlite::Connection {
        &self.conn
    }

    /// The lock file for `name` on this database: `$TMPDIR/strata_<name>_<key>.lock`,
    /// keyed by a SHA-256 of the canonical database path so that two paths to
    /// one file share a lock and different files never do.
    fn lock_path(&self, name: &str) -> Option<PathBuf> {
        use sha2::{Digest, Sha256};
        let path = self.path.as_ref()?;
        let abs = std::fs::canonicalize(path).unwrap_or_else(|_| path.clone());
        let mut hasher = Sha256::new();
        // The name is hashed too: the sanitized name below could merge two names.
        hasher.update(name.as_bytes());
        hasher.update([0]);
        hasher.update(abs.as_os_str().as_encoded_bytes());
        let key: String = hasher.finalize().iter().take(8).map(|b| format!("{b:02x}")).collect();
        let safe: String =
            name.chars().map(|c| if c.is_ascii_alphanumeric() || c == '_' || c == '-' { c } else { '_' }).collect();
        Some(std::env::temp_dir().join(format!("strata_{safe}_{key}.lock")))
    }
}

/// Forgets remembered digests before `stmt` runs when it may write: this
/// connection's own changes do not move `data_version`.
fn forget_on_write(digests: &mut Vec<(String, i64, Rows)>, stmt: &rusqlite::Statement<'_>) {
    if !stmt.readonly() {
        digests.clear();
    }
}

fn to_sql(value: &SqlValue) -> Result<Value, PluginError> {
    match value {
        SqlValue::Null => Ok(Value::Null),
        SqlValue::Int(i) => Ok(Value::Integer(*i)),
        SqlValue::Text(s) => Ok(Value::Text(s.to_string())),
        SqlValue::Bytes(b) => Ok(Value::Blob(b.to_vec())),
        other => Err(other.unsupported()),
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
        let result = self.exec_inner(sql, args);
        self.track(result)
    }

    fn query(&mut self, sql: &str, args: &[SqlValue]) -> Result<Rows, PluginError> {
        let result = if args.is_empty() && crate::digest::queries(sql) {
            self.digest_query(sql)
        } else {
            self.query_inner(sql, args)
        };
        self.track(result)
    }

    fn begin(&mut self) -> Result<(), PluginError> {
        self.digests.clear();
        self.conn.execute_batch("BEGIN").map_err(classify)?;
        self.in_tx = true;
        self.doomed = None;
        Ok(())
    }

    fn commit(&mut self) -> Result<(), PluginError> {
        self.digests.clear();
        let doomed = self.doomed.take();
        let was_open = std::mem::replace(&mut self.in_tx, false);
        if let Some(why) = doomed {
            if !self.conn.is_autocommit() {
                let _ = self.conn.execute_batch("ROLLBACK");
            }
            return Err(PluginError::new(
                ErrorKind::Database,
                format!(
                    "the transaction was rolled back, nothing of it was committed: a statement in it failed: {why}"
                ),
            ));
        }
        if was_open && self.conn.is_autocommit() {
            // SQLite ended the transaction itself (RAISE(ROLLBACK), a full disk).
            return Err(PluginError::new(
                ErrorKind::Database,
                "the transaction was rolled back by SQLite before the commit: nothing of it was committed",
            ));
        }
        self.conn.execute_batch("COMMIT").map_err(classify)
    }

    fn rollback(&mut self) -> Result<(), PluginError> {
        // What this connection wrote and read back goes: data_version does not move for it.
        self.digests.clear();
        self.in_tx = false;
        self.doomed = None;
        if self.conn.is_autocommit() {
            return Ok(());
        }
        self.conn.execute_batch("ROLLBACK").map_err(classify)
    }

    fn lock(&mut self, name: &str, timeout: Duration) -> Result<(), PluginError> {
        let Some(path) = self.lock_path(name) else { return Ok(()) };
        let db = self.path.as_ref().map(|p| p.display().to_string()).unwrap_or_default();
        // The file is never removed: deleting it while another process waits on
        // the old inode would let a third one lock a new file beside it. A file
        // left behind is harmless, only the flock on it counts.
        let file =
            std::fs::OpenOptions::new().read(true).write(true).create(true).truncate(false).open(&path).map_err(
                |e| PluginError::new(ErrorKind::PermissionDenied, format!("opening lock file {}: {e}", path.display())),
            )?;
        let deadline = Instant::now() + timeout;
        // flock has no wait with a timeout: poll. A try costs one syscall, so a
        // short fixed pause keeps a waiter within 10 ms of the release.
        let pause = Duration::from_millis(10);
        loop {
            match file.try_lock() {
                Ok(()) => {
                    self.locks.push(HeldLock { name: name.to_string(), _file: file });
                    return Ok(());
                }
                Err(std::fs::TryLockError::WouldBlock) => {
                    let now = Instant::now();
                    if now >= deadline {
                        return Err(PluginError::new(
                            ErrorKind::LockTimeout,
                            format!(
                                "lock on {name:?} already taken for database {db} by another session \
                                 (lock file {})",
                                path.display()
                            ),
                        ));
                    }
                    std::thread::sleep(pause.min(deadline - now));
                }
                Err(std::fs::TryLockError::Error(e)) => {
                    return Err(PluginError::new(ErrorKind::Internal, format!("locking {}: {e}", path.display())));
                }
            }
        }
    }

    fn unlock(&mut self, name: &str) -> Result<(), PluginError> {
        // Closing the file releases the flock.
        self.locks.retain(|held| held.name != name);
        Ok(())
    }

    fn close(&mut self) -> Result<(), PluginError> {
        Ok(())
    }
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
            C::ReadOnly => ErrorKind::ReadOnly,
            C::PermissionDenied | C::AuthorizationForStatementDenied => ErrorKind::PermissionDenied,
            C::CannotOpen | C::NotADatabase => ErrorKind::Connection,
            _ if message.contains("syntax error") || message.starts_with("incomplete input") => ErrorKind::Syntax,
            _ if message.starts_with("no such") => ErrorKind::ObjectMissing,
            _ if message.contains("already exists") => ErrorKind::ObjectExists,
            _ => ErrorKind::Database,
        },
        // What sqlite3_prepare rejected, with its offset (rusqlite's
        // "modern_sqlite" reporting): the text is not SQL SQLite accepts.
        rusqlite::Error::SqlInputError { msg, .. }
            if msg.contains("syntax error") || msg.contains("incomplete input") =>
        {
            ErrorKind::Syntax
        }
        rusqlite::Error::SqlInputError { msg, .. } if msg.starts_with("no such") => ErrorKind::ObjectMissing,
        rusqlite::Error::MultipleStatement => ErrorKind::Syntax,
        _ => ErrorKind::Database,
    };
    PluginError::new(kind, message)
}
