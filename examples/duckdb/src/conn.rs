//! URLs, connections, transactions and the migration lock.

use crate::ffi::{self, Database, Target};
use std::path::PathBuf;
use std::time::{Duration, Instant};
use strata_dialect_api::{
    ConnInfo, DialectConnection, ErrorKind, InspectOptions, PluginError, Realm, Rows, SqlValue, mask,
};

/// Reads a `duckdb://` URL the way strata reads SQLite's: everything between
/// `//` and `?` names the file (`duckdb://app.duckdb` relative to the working
/// directory, `duckdb:///var/db/app.duckdb` absolute, an optional `file:`
/// prefix), and `duckdb://:memory:` or `duckdb://NAME?mode=memory` is a
/// private in-memory database (a dev database). `mode=ro` opens the file
/// read-only; `mode=rw` requires it to exist; `mode=rwc` (the default)
/// creates it.
///
/// # Errors
/// [`ErrorKind::InvalidUrl`] for another scheme, credentials, no file name or
/// an unknown mode; the URL in the message is masked.
pub fn parse_url(url: &str) -> Result<Target, PluginError> {
    let invalid = |why: &str| PluginError::new(ErrorKind::InvalidUrl, format!("invalid URL {:?}: {why}", mask(url)));
    let (scheme, rest) = url.split_once("://").ok_or_else(|| invalid("write duckdb://PATH"))?;
    if !scheme.eq_ignore_ascii_case("duckdb") {
        return Err(invalid("not a duckdb:// URL"));
    }
    let (target, query) = rest.split_once('?').unwrap_or((rest, ""));
    let target = target.strip_prefix("file:").unwrap_or(target);
    if target.rsplit_once('@').is_some_and(|(info, _)| info.contains(':')) {
        return Err(invalid("a DuckDB URL takes no user name or password"));
    }
    let mut mode = None;
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        // Other parameters (Atlas-style `_fk=1`, ...) mean nothing to DuckDB.
        if let Some(("mode", value)) = pair.split_once('=') {
            mode = Some(value);
        }
    }
    let path = decode(target);
    if target == ":memory:" || mode == Some("memory") {
        return Ok(Target::Memory);
    }
    if path.is_empty() {
        return Err(invalid("names no database file (use duckdb://PATH, or duckdb://:memory: for a dev database)"));
    }
    let path = PathBuf::from(path);
    let read_only = match mode {
        None | Some("rwc") => false,
        Some("ro") => true,
        Some("rw") if path.exists() => false,
        Some("rw") => {
            return Err(PluginError::new(
                ErrorKind::Connection,
                format!("database file {} does not exist (mode=rw does not create it)", path.display()),
            ));
        }
        Some(other) => return Err(invalid(&format!("unknown mode {other:?}: use memory, ro, rw or rwc"))),
    };
    // One key per file, however it is spelled (and before it exists), so that
    // connections of this process share one DuckDB instance of it.
    let path = match std::env::current_dir() {
        Ok(dir) if path.is_relative() => dir.join(path),
        _ => path,
    };
    let path = std::fs::canonicalize(&path).ok().unwrap_or_else(|| {
        match (path.parent().and_then(|p| std::fs::canonicalize(p).ok()), path.file_name()) {
            (Some(dir), Some(name)) => dir.join(name),
            _ => path.clone(),
        }
    });
    Ok(Target::File { path, read_only })
}

/// Percent-decodes `s` (`%20` → space); other text is kept as is.
fn decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        let hex = |at: usize| bytes.get(at).and_then(|c| char::from(*c).to_digit(16));
        if b == b'%'
            && let (Some(hi), Some(lo)) = (hex(i + 1), hex(i + 2))
        {
            out.push(u8::try_from(hi * 16 + lo).unwrap_or(b'?'));
            i += 3;
            continue;
        }
        out.push(b);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// An open connection.
pub struct DuckConn {
    conn: ffi::Connection,
    /// The database file; `None` in memory (which needs no lock).
    path: Option<PathBuf>,
    version: String,
    /// Locks held: each an exclusive `flock` on an open file, released when
    /// the file closes (unlock, drop, or the process dying).
    locks: Vec<(String, std::fs::File)>,
    /// True between `begin` and `commit`/`rollback`.
    in_tx: bool,
    /// The first failure inside the open transaction. DuckDB answers COMMIT of
    /// an aborted transaction with success after rolling it back, and keeps a
    /// transaction going after a binder or catalog error: commit refuses both.
    doomed: Option<String>,
}

/// Opens a connection to `url`.
///
/// # Errors
/// An invalid URL, a missing DuckDB library (naming `STRATA_DUCKDB_LIB`), or a
/// file DuckDB cannot open.
pub fn open(url: &str) -> Result<DuckConn, PluginError> {
    let target = parse_url(url)?;
    let db = Database::open(&target)?;
    let conn = ffi::Connection::new(db)?;
    let path = match target {
        Target::Memory => None,
        Target::File { path, .. } => Some(path),
    };
    let version = ffi::library_version()?;
    Ok(DuckConn { conn, path, version, locks: Vec::new(), in_tx: false, doomed: None })
}

impl DuckConn {
    /// Remembers the first failure inside an open transaction.
    fn track<T>(&mut self, result: Result<T, PluginError>) -> Result<T, PluginError> {
        if let Err(e) = &result
            && self.in_tx
            && self.doomed.is_none()
        {
            self.doomed = Some(e.message.to_string());
        }
        result
    }

    /// Runs a catalog query of the plugin's own.
    pub(crate) fn rows(&mut self, sql: &str) -> Result<ffi::Table, PluginError> {
        self.conn.rows(sql)
    }

    /// The lock file for `name` on this database: `$TMPDIR/strata_duckdb_<name>_<key>.lock`,
    /// keyed by the canonical database path (the lock is this machine's, as
    /// DuckDB's own lock on the file is).
    fn lock_path(&self, name: &str) -> Option<PathBuf> {
        let path = self.path.as_ref()?;
        let safe: String =
            name.chars().map(|c| if c.is_ascii_alphanumeric() || c == '_' || c == '-' { c } else { '_' }).collect();
        let key = fnv1a(&[name.as_bytes(), &[0], path.as_os_str().as_encoded_bytes()]);
        Some(std::env::temp_dir().join(format!("strata_duckdb_{safe}_{key:016x}.lock")))
    }
}

/// FNV-1a over `parts`: a stable file-name key (not a security boundary).
fn fnv1a(parts: &[&[u8]]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in parts.iter().flat_map(|p| p.iter()) {
        hash ^= u64::from(*byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    hash
}

impl DialectConnection for DuckConn {
    fn info(&self) -> ConnInfo {
        ConnInfo { schema: Some("main".into()), version: self.version.clone(), flavour: "duckdb".into() }
    }

    fn inspect(&mut self, options: &InspectOptions) -> Result<Realm, PluginError> {
        let result = crate::inspect::inspect(self, options);
        self.track(result)
    }

    fn exec(&mut self, sql: &str, args: &[SqlValue]) -> Result<u64, PluginError> {
        let result =
            if args.is_empty() { self.conn.execute(sql) } else { self.conn.prepared(sql, args, false).map(|r| r.0) };
        self.track(result)
    }

    fn query(&mut self, sql: &str, args: &[SqlValue]) -> Result<Rows, PluginError> {
        let result = self.conn.prepared(sql, args, true).map(|(_, t)| Rows { columns: t.columns, rows: t.rows });
        self.track(result)
    }

    fn begin(&mut self) -> Result<(), PluginError> {
        self.conn.execute("BEGIN TRANSACTION")?;
        self.in_tx = true;
        self.doomed = None;
        Ok(())
    }

    fn commit(&mut self) -> Result<(), PluginError> {
        let was_open = std::mem::replace(&mut self.in_tx, false);
        if let Some(why) = self.doomed.take() {
            let _ = self.conn.execute("ROLLBACK");
            return Err(PluginError::new(
                ErrorKind::Database,
                format!(
                    "the transaction was rolled back, nothing of it was committed: a statement in it failed: {why}"
                ),
            ));
        }
        if !was_open {
            return Err(PluginError::new(ErrorKind::Database, "commit without an open transaction"));
        }
        self.conn.execute("COMMIT").map(|_| ())
    }

    fn rollback(&mut self) -> Result<(), PluginError> {
        let was_open = std::mem::replace(&mut self.in_tx, false);
        self.doomed = None;
        if !was_open {
            return Ok(());
        }
        self.conn.execute("ROLLBACK").map(|_| ())
    }

    fn lock(&mut self, name: &str, timeout: Duration) -> Result<(), PluginError> {
        let Some(path) = self.lock_path(name) else { return Ok(()) };
        let db = self.path.as_ref().map(|p| p.display().to_string()).unwrap_or_default();
        // Never removed: deleting it while another process waits on the old
        // inode would let a third lock a new file beside it.
        let file =
            std::fs::OpenOptions::new().read(true).write(true).create(true).truncate(false).open(&path).map_err(
                |e| PluginError::new(ErrorKind::PermissionDenied, format!("opening lock file {}: {e}", path.display())),
            )?;
        let deadline = Instant::now() + timeout;
        loop {
            match file.try_lock() {
                Ok(()) => {
                    self.locks.push((name.to_string(), file));
                    return Ok(());
                }
                Err(std::fs::TryLockError::WouldBlock) => {
                    let now = Instant::now();
                    if now >= deadline {
                        return Err(PluginError::new(
                            ErrorKind::LockTimeout,
                            format!(
                                "lock on {name:?} already taken for database {db} by another session (lock file {})",
                                path.display()
                            ),
                        ));
                    }
                    std::thread::sleep(Duration::from_millis(10).min(deadline - now));
                }
                Err(std::fs::TryLockError::Error(e)) => {
                    return Err(PluginError::new(ErrorKind::Internal, format!("locking {}: {e}", path.display())));
                }
            }
        }
    }

    fn unlock(&mut self, name: &str) -> Result<(), PluginError> {
        self.locks.retain(|(held, _)| held != name);
        Ok(())
    }

    fn close(&mut self) -> Result<(), PluginError> {
        if self.in_tx {
            self.in_tx = false;
            let _ = self.conn.execute("ROLLBACK");
        }
        self.locks.clear();
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls() {
        assert_eq!(parse_url("duckdb://:memory:").unwrap(), Target::Memory);
        assert_eq!(parse_url("duckdb://dev?mode=memory").unwrap(), Target::Memory);
        assert_eq!(
            parse_url("duckdb:///nonexistent/dir/a%20b.duckdb").unwrap(),
            Target::File { path: "/nonexistent/dir/a b.duckdb".into(), read_only: false }
        );
        assert_eq!(
            parse_url("duckdb://file:/nonexistent/x.duckdb?mode=ro").unwrap(),
            Target::File { path: "/nonexistent/x.duckdb".into(), read_only: true }
        );
        let err = parse_url("duckdb://u:secret@/x.duckdb").unwrap_err();
        assert_eq!(err.kind, ErrorKind::InvalidUrl);
        assert!(!err.message.contains("secret"), "{}", err.message);
        assert_eq!(parse_url("sqlite://x.db").unwrap_err().kind, ErrorKind::InvalidUrl);
        assert_eq!(parse_url("duckdb://").unwrap_err().kind, ErrorKind::InvalidUrl);
        assert_eq!(parse_url("duckdb://x?mode=bogus").unwrap_err().kind, ErrorKind::InvalidUrl);
    }
}
