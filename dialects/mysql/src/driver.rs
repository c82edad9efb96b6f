//! Connections over mysql_async, driven by a runtime the plugin owns.
//!
//! Every call blocks on that runtime, so the ABI stays synchronous and no tokio
//! object ever crosses it (reference/crate-probe.md, "Async drivers inside plugins").

use crate::inspect::inspect_realm;
use mysql_async::prelude::Queryable;
use mysql_async::{Conn, Opts, OptsBuilder, Params, Row, Value};
use std::time::{Duration, Instant};
use strata_dialect_api::{
    ConnInfo, DbUrl, DialectConnection, ErrorKind, InspectOptions, PluginError, Realm, Rows, SqlValue,
};
use strata_dialect_kit::scrub;

/// The two server families the plugin speaks to; their catalogs differ in
/// details that inspection must know (check constraints, JSON, defaults).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flavour {
    /// Oracle MySQL (5.7, 8.x).
    Mysql,
    /// MariaDB (10.3 and later).
    Mariadb,
}

impl Flavour {
    /// The name reported in [`ConnInfo::flavour`].
    pub fn name(self) -> &'static str {
        match self {
            Flavour::Mysql => "mysql",
            Flavour::Mariadb => "mariadb",
        }
    }
}

/// Timestamps are read and written in UTC, as Atlas does.
const SESSION_TIME_ZONE: &str = "SET time_zone = '+00:00'";

/// Runs `fut` on the plugin's runtime (kit's current-thread bridge).
fn block_on<F: std::future::Future>(fut: F) -> Result<F::Output, PluginError> {
    strata_dialect_kit::runtime::block_on("mysql", fut)
}

/// An open MySQL or MariaDB connection.
pub struct MyConn {
    conn: Option<Conn>,
    /// What opened `conn`, to open `side` alike.
    opts: Opts,
    /// A second session for catalog reads made alongside `conn`'s (see
    /// [`MyConn::rows_split`]), opened on first use.
    side: Option<Conn>,
    /// The second session failed once (a user allowed one session, a server
    /// at its limit): later reads stay on `conn`.
    side_failed: bool,
    info: ConnInfo,
    flavour: Flavour,
    /// (major, minor, patch) of the server.
    version: (u32, u32, u32),
    /// The password, kept only to scrub it from any message that might echo it.
    password: Option<String>,
    in_tx: bool,
    /// The first failure inside the open transaction: it dooms the transaction.
    doomed: Option<String>,
    /// A statement of the open transaction committed it implicitly (DDL,
    /// https://dev.mysql.com/doc/refman/8.0/en/implicit-commit.html): what ran
    /// before it is committed whatever happens next.
    implicit_commit: bool,
}

/// True for a statement that commits the open transaction implicitly.
fn commits_implicitly(sql: &str) -> bool {
    let word = sql.trim_start().split(|c: char| !c.is_ascii_alphabetic()).next().unwrap_or("");
    [
        "CREATE", "ALTER", "DROP", "RENAME", "TRUNCATE", "LOCK", "UNLOCK", "GRANT", "REVOKE", "ANALYZE", "OPTIMIZE",
        "REPAIR",
    ]
    .iter()
    .any(|k| word.eq_ignore_ascii_case(k))
}

/// Parses `VERSION()` text: the flavour and the version numbers.
pub(crate) fn parse_version(text: &str) -> (Flavour, (u32, u32, u32)) {
    let flavour = if text.to_ascii_lowercase().contains("mariadb") { Flavour::Mariadb } else { Flavour::Mysql };
    // MariaDB behind MySQL's replication protocol prefixes "5.5.5-".
    let text = text.strip_prefix("5.5.5-").unwrap_or(text);
    let mut nums = text.split(|c: char| !c.is_ascii_digit()).map(|p| p.parse::<u32>().unwrap_or(0));
    let v = (nums.next().unwrap_or(0), nums.next().unwrap_or(0), nums.next().unwrap_or(0));
    (flavour, v)
}

/// Opens `mysql://user:pass@host:port/db` (also `maria://`, `mariadb://`), or
/// over a Unix socket `mysql+unix://user:pass@/path/to.sock?database=db`
/// (also `maria+unix://`, `mariadb+unix://`), as Atlas writes them.
///
/// # Errors
/// [`ErrorKind::InvalidUrl`] for a malformed URL; [`ErrorKind::Connection`] or
/// [`ErrorKind::Auth`] when the server refuses; [`ErrorKind::Unsupported`] for
/// servers older than MySQL 5.7 or MariaDB 10.3.
pub fn open(url: &str) -> Result<MyConn, PluginError> {
    let parsed = DbUrl::parse(url).map_err(|e| PluginError::new(ErrorKind::InvalidUrl, e))?;
    let socket = parsed.scheme.ends_with("+unix");
    if !matches!(parsed.scheme.trim_end_matches("+unix"), "mysql" | "maria" | "mariadb") {
        return Err(PluginError::new(
            ErrorKind::InvalidUrl,
            format!("{} is not a mysql://, maria:// or mariadb:// URL", parsed.redacted()),
        ));
    }
    let schema = if socket { parsed.query.get("database").cloned() } else { Some(parsed.path.clone()) }
        .map(|s| s.trim_end_matches('/').to_string())
        .filter(|s| !s.is_empty());
    let host = if parsed.host.is_empty() { "127.0.0.1".to_string() } else { parsed.host.clone() };
    let opts = OptsBuilder::default()
        .socket(socket.then(|| format!("/{}", parsed.path.trim_start_matches('/'))))
        .ip_or_hostname(host)
        .tcp_port(parsed.port.unwrap_or(3306))
        .user(Some(parsed.user.clone().filter(|u| !u.is_empty()).unwrap_or_else(|| "root".into())))
        .pass(parsed.password.clone())
        .db_name(schema.clone())
        // `exec` reports rows matched, not changed: the host's revision upsert
        // (UPDATE, then INSERT when it touched no row) relies on it.
        .client_found_rows(true)
        .prefer_socket(false)
        .stmt_cache_size(0);
    let opts = Opts::from(opts);
    let password = parsed.password.clone();
    let conn = block_on(Conn::new(opts.clone()))?.map_err(|e| {
        let mut err = classify(&e);
        if err.kind == ErrorKind::Database {
            err.kind = ErrorKind::Connection;
        }
        scrub(err, password.as_deref())
    })?;
    let mut my = MyConn {
        conn: Some(conn),
        opts,
        side: None,
        side_failed: false,
        info: ConnInfo::default(),
        flavour: Flavour::Mysql,
        version: (0, 0, 0),
        password,
        in_tx: false,
        doomed: None,
        implicit_commit: false,
    };
    my.run(SESSION_TIME_ZONE, &[])?;
    let version = my.scalar("SELECT VERSION()")?.unwrap_or_default();
    let (flavour, numbers) = parse_version(&version);
    let supported = match flavour {
        Flavour::Mysql => numbers >= (5, 7, 0),
        Flavour::Mariadb => numbers >= (10, 3, 0),
    };
    if !supported {
        return Err(PluginError::new(
            ErrorKind::Unsupported,
            format!(
                "{} {version} is not supported: the mysql plugin needs MySQL 5.7 or later, or MariaDB 10.3 or later",
                flavour.name()
            ),
        ));
    }
    my.flavour = flavour;
    my.version = numbers;
    // MariaDB refuses to alter a system-versioned table unless told to keep
    // its history rows as they are; plans alter them like any other table.
    if flavour == Flavour::Mariadb {
        my.run("SET SESSION system_versioning_alter_history = 'KEEP'", &[])?;
    }
    my.info = ConnInfo { schema, version, flavour: flavour.name().into() };
    Ok(my)
}

fn param(value: &SqlValue) -> Result<Value, PluginError> {
    match value {
        SqlValue::Null => Ok(Value::NULL),
        SqlValue::Int(i) => Ok(Value::Int(*i)),
        SqlValue::Text(t) => Ok(Value::Bytes(t.as_bytes().to_vec())),
        SqlValue::Bytes(b) => Ok(Value::Bytes(b.to_vec())),
        other => Err(other.unsupported()),
    }
}

/// A value as the server would print it in the text protocol: binary-protocol
/// dates and times are written with the column's fractional digits.
fn text(value: &Value, column: Option<&mysql_async::Column>) -> Option<String> {
    use mysql_async::consts::ColumnType;
    let decimals = column.map_or(0, |c| usize::from(c.decimals()).min(6));
    let fraction = |us: u32| if decimals == 0 { String::new() } else { format!(".{us:06}")[..=decimals].to_string() };
    match (value, column.map(mysql_async::Column::column_type)) {
        (Value::Date(y, mo, d, ..), Some(ColumnType::MYSQL_TYPE_DATE | ColumnType::MYSQL_TYPE_NEWDATE)) => {
            return Some(format!("{y:04}-{mo:02}-{d:02}"));
        }
        (Value::Date(y, mo, d, h, mi, s, us), Some(_)) => {
            return Some(format!("{y:04}-{mo:02}-{d:02} {h:02}:{mi:02}:{s:02}{}", fraction(*us)));
        }
        (Value::Time(neg, d, h, mi, s, us), Some(_)) => {
            let hours = u64::from(*d) * 24 + u64::from(*h);
            return Some(format!("{}{hours:02}:{mi:02}:{s:02}{}", if *neg { "-" } else { "" }, fraction(*us)));
        }
        _ => {}
    }
    Some(match value {
        Value::NULL => return None,
        Value::Bytes(b) => String::from_utf8_lossy(b).into_owned(),
        Value::Int(i) => i.to_string(),
        Value::UInt(u) => u.to_string(),
        Value::Float(f) => f.to_string(),
        Value::Double(d) => d.to_string(),
        Value::Date(y, mo, d, h, mi, s, us) => {
            let mut t = format!("{y:04}-{mo:02}-{d:02} {h:02}:{mi:02}:{s:02}");
            if *us > 0 {
                t.push_str(&format!(".{us:06}"));
            }
            t
        }
        Value::Time(neg, d, h, mi, s, us) => {
            let hours = u64::from(*d) * 24 + u64::from(*h);
            let mut t = format!("{}{hours:02}:{mi:02}:{s:02}", if *neg { "-" } else { "" });
            if *us > 0 {
                t.push_str(&format!(".{us:06}"));
            }
            t
        }
    })
}

/// A query without parameters over the text protocol.
async fn text_rows(conn: &mut Conn, sql: &str) -> Result<Rows, mysql_async::Error> {
    collect_rows(conn.query_iter(sql).await?).await
}

/// A result's rows, every value as text, whichever protocol carried them.
async fn collect_rows<P: mysql_async::prelude::Protocol>(
    mut result: mysql_async::QueryResult<'_, '_, P>,
) -> Result<Rows, mysql_async::Error> {
    let columns = result.columns_ref().iter().map(|c| c.name_str().into_owned()).collect();
    let rows: Vec<Row> = result.collect().await?;
    Ok(to_rows(columns, rows))
}

fn to_rows(columns: Vec<String>, rows: Vec<Row>) -> Rows {
    let rows = rows
        .iter()
        .map(|r| (0..r.len()).map(|i| r.as_ref(i).and_then(|v| text(v, r.columns_ref().get(i)))).collect())
        .collect();
    Rows { columns, rows }
}

impl MyConn {
    /// The server family.
    pub fn flavour(&self) -> Flavour {
        self.flavour
    }

    /// The server version numbers.
    pub fn version(&self) -> (u32, u32, u32) {
        self.version
    }

    fn fail(&mut self, err: &mysql_async::Error) -> PluginError {
        let err = scrub(classify(err), self.password.as_deref());
        if self.in_tx && self.doomed.is_none() {
            self.doomed = Some(err.message.to_string());
        }
        err
    }

    fn conn(&mut self) -> Result<&mut Conn, PluginError> {
        self.conn.as_mut().ok_or_else(|| PluginError::new(ErrorKind::Connection, "the connection is closed"))
    }

    /// Runs a statement; returns the rows it matched.
    fn run(&mut self, sql: &str, args: &[SqlValue]) -> Result<u64, PluginError> {
        let params = args.iter().map(param).collect::<Result<Vec<Value>, _>>()?;
        let conn = self.conn()?;
        let result = block_on(async {
            if params.is_empty() {
                conn.query_drop(sql).await?;
            } else {
                conn.exec_drop(sql, Params::Positional(params)).await?;
            }
            Ok::<_, mysql_async::Error>(conn.affected_rows())
        })?;
        result.map_err(|e| self.fail(&e))
    }

    /// Runs a query; every value as text.
    pub(crate) fn rows(&mut self, sql: &str, args: &[SqlValue]) -> Result<Rows, PluginError> {
        let params = args.iter().map(param).collect::<Result<Vec<Value>, _>>()?;
        let conn = self.conn()?;
        let result = block_on(async {
            if params.is_empty() {
                text_rows(conn, sql).await
            } else {
                collect_rows(conn.exec_iter(sql, Params::Positional(params)).await?).await
            }
        })?;
        result.map_err(|e| self.fail(&e))
    }

    /// Runs the `main` queries on this connection while the `side` ones run
    /// on a second session, and returns each list's rows in order.
    ///
    /// Catalog reads are CPU-bound in the server, one thread per session: on a
    /// 300-table MariaDB database inspection's queries take 20 to 40 ms in a
    /// row, and over two sessions `schema inspect` takes a sixth less
    /// (bench/README.md). Inside a transaction everything
    /// runs here, so that no read misses what the transaction holds; when the
    /// second session cannot be had (or fails), its queries run here after
    /// the others, and a failure is reported as this connection's own.
    pub(crate) fn rows_split<const M: usize, const S: usize>(
        &mut self,
        main: [&str; M],
        side: [&str; S],
    ) -> Result<([Rows; M], [Rows; S]), PluginError> {
        let shape = |_| PluginError::new(ErrorKind::Internal, "a catalog read returned the wrong number of results");
        if self.in_tx || self.side_failed || S == 0 {
            let main = main.iter().map(|sql| self.rows(sql, &[])).collect::<Result<Vec<_>, _>>()?;
            let side = side.iter().map(|sql| self.rows(sql, &[])).collect::<Result<Vec<_>, _>>()?;
            return Ok((main.try_into().map_err(shape)?, side.try_into().map_err(shape)?));
        }
        let opts = self.opts.clone();
        let reused = self.side.take();
        let conn = self.conn()?;
        let (first, second) = block_on(futures_util::future::join(
            async {
                let mut out = Vec::with_capacity(M);
                for sql in main {
                    out.push(text_rows(conn, sql).await?);
                }
                Ok::<_, mysql_async::Error>(out)
            },
            async {
                let mut other = match reused {
                    Some(other) => other,
                    None => {
                        let mut other = Conn::new(opts).await?;
                        other.query_drop(SESSION_TIME_ZONE).await?;
                        other
                    }
                };
                let mut out = Vec::with_capacity(S);
                for sql in side {
                    out.push(text_rows(&mut other, sql).await?);
                }
                Ok::<_, mysql_async::Error>((other, out))
            },
        ))?;
        let second = second.map(|(other, out)| {
            self.side = Some(other);
            out
        });
        let first = first.map_err(|e| self.fail(&e))?;
        let second = match second {
            Ok(out) => out,
            Err(_) => {
                self.side_failed = true;
                side.iter().map(|sql| self.rows(sql, &[])).collect::<Result<Vec<_>, _>>()?
            }
        };
        Ok((first.try_into().map_err(shape)?, second.try_into().map_err(shape)?))
    }

    fn scalar(&mut self, sql: &str) -> Result<Option<String>, PluginError> {
        Ok(self.rows(sql, &[])?.rows.into_iter().next().and_then(|r| r.into_iter().next().flatten()))
    }
}

impl DialectConnection for MyConn {
    fn info(&self) -> ConnInfo {
        self.info.clone()
    }

    fn inspect(&mut self, options: &InspectOptions) -> Result<Realm, PluginError> {
        let password = self.password.clone();
        inspect_realm(self, options).map_err(|e| scrub(e, password.as_deref()))
    }

    fn exec(&mut self, sql: &str, args: &[SqlValue]) -> Result<u64, PluginError> {
        if self.in_tx && commits_implicitly(sql) {
            self.implicit_commit = true;
        }
        self.run(sql, args)
    }

    fn query(&mut self, sql: &str, args: &[SqlValue]) -> Result<Rows, PluginError> {
        self.rows(sql, args)
    }

    fn begin(&mut self) -> Result<(), PluginError> {
        self.run("BEGIN", &[])?;
        self.in_tx = true;
        self.doomed = None;
        self.implicit_commit = false;
        Ok(())
    }

    fn commit(&mut self) -> Result<(), PluginError> {
        // MySQL keeps a transaction open after a failed statement and would
        // commit the rest; the contract says a failure dooms it, so roll back.
        if let Some(why) = self.doomed.take() {
            self.in_tx = false;
            let _ = self.run("ROLLBACK", &[]);
            let kept = if std::mem::take(&mut self.implicit_commit) {
                "what ran before its last DDL statement stays committed (MySQL commits DDL implicitly)"
            } else {
                "nothing of it was committed"
            };
            return Err(PluginError::new(
                ErrorKind::Database,
                format!("the transaction was rolled back, {kept}: a statement in it failed: {why}"),
            ));
        }
        // After an implicit commit every statement ran in its own transaction
        // and none failed: all of them are committed, which is what Ok says.
        self.implicit_commit = false;
        self.in_tx = false;
        self.run("COMMIT", &[]).map(|_| ())
    }

    fn rollback(&mut self) -> Result<(), PluginError> {
        self.in_tx = false;
        self.doomed = None;
        self.run("ROLLBACK", &[]).map(|_| ())
    }

    fn lock(&mut self, name: &str, timeout: Duration) -> Result<(), PluginError> {
        // Atlas: GET_LOCK(name, seconds); 0 means another session holds it
        // (reference §5.3). Whole seconds are waited in the server, which hands
        // the lock over the moment the holder releases it; a sub-second rest
        // is polled, so a short timeout is honoured rather than rounded up.
        let deadline = Instant::now() + timeout;
        let mut wait = Duration::from_millis(25);
        let name_sql = crate::types::literal(name);
        loop {
            let secs = deadline.saturating_duration_since(Instant::now()).as_secs();
            let sql = format!("SELECT GET_LOCK({name_sql}, {secs})");
            match self.scalar(&sql)?.as_deref() {
                Some("1") => return Ok(()),
                Some("0") => {}
                other => {
                    return Err(PluginError::new(
                        ErrorKind::Database,
                        format!("taking lock {name:?}: GET_LOCK returned {}", other.unwrap_or("NULL")),
                    ));
                }
            }
            let now = Instant::now();
            if now >= deadline {
                return Err(PluginError::new(
                    ErrorKind::LockTimeout,
                    format!("lock {name:?} is held by another session (waited {timeout:?})"),
                )
                .with_detail("GET_LOCK"));
            }
            std::thread::sleep(wait.min(deadline - now));
            wait = (wait * 2).min(Duration::from_millis(250));
        }
    }

    fn unlock(&mut self, name: &str) -> Result<(), PluginError> {
        self.scalar(&format!("SELECT RELEASE_LOCK({})", crate::types::literal(name))).map(|_| ())
    }

    fn close(&mut self) -> Result<(), PluginError> {
        if let Some(side) = self.side.take() {
            let _ = block_on(side.disconnect());
        }
        if let Some(conn) = self.conn.take() {
            block_on(conn.disconnect())?.map_err(|e| classify(&e))?;
        }
        Ok(())
    }
}

impl Drop for MyConn {
    fn drop(&mut self) {
        // Say goodbye to the server rather than leave the session to time out
        // (its GET_LOCK locks go with it).
        if let Some(side) = self.side.take() {
            let _ = block_on(side.disconnect());
        }
        if let Some(conn) = self.conn.take() {
            let _ = block_on(conn.disconnect());
        }
    }
}

/// The kind of a server error code
/// (https://dev.mysql.com/doc/mysql-errors/8.0/en/server-error-reference.html,
/// https://mariadb.com/kb/en/mariadb-error-code-reference/).
pub(crate) fn kind_of(code: u16) -> ErrorKind {
    match code {
        1045 | 1698 => ErrorKind::Auth,
        1044 | 1142 | 1143 | 1227 | 1370 => ErrorKind::PermissionDenied,
        // Unknown table, database, column, key; nothing to drop.
        1146 | 1049 | 1051 | 1054 | 1091 | 1008 | 1305 | 1360 | 1176 | 1109 | 4031 => ErrorKind::ObjectMissing,
        1050 | 1007 | 1060 | 1061 | 1359 | 1826 | 1304 | 3822 => ErrorKind::ObjectExists,
        1064 | 1149 => ErrorKind::Syntax,
        1205 | 3572 => ErrorKind::LockTimeout,
        1062 | 1451 | 1452 | 1048 | 1216 | 1217 | 3819 | 4025 | 1265 | 1264 | 1406 | 1292 | 1366 => {
            ErrorKind::Constraint
        }
        1040 | 1053 | 1077 | 1152 | 1153 | 1159 | 1160 | 1161 | 2002 | 2003 | 2006 | 2013 => ErrorKind::Connection,
        _ => ErrorKind::Database,
    }
}

/// Classifies a mysql_async error.
pub(crate) fn classify(err: &mysql_async::Error) -> PluginError {
    match err {
        mysql_async::Error::Server(e) => {
            PluginError::new(kind_of(e.code), e.message.clone()).with_detail(format!("{} ({})", e.code, e.state))
        }
        mysql_async::Error::Io(e) => PluginError::new(ErrorKind::Connection, e.to_string()),
        mysql_async::Error::Url(e) => PluginError::new(ErrorKind::InvalidUrl, e.to_string()),
        mysql_async::Error::Driver(e) => PluginError::new(ErrorKind::Connection, e.to_string()),
        mysql_async::Error::Other(e) => PluginError::new(ErrorKind::Database, e.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_and_flavours() {
        assert_eq!(parse_version("10.11.19-MariaDB-0+deb12u1"), (Flavour::Mariadb, (10, 11, 19)));
        assert_eq!(parse_version("5.5.5-10.3.39-MariaDB"), (Flavour::Mariadb, (10, 3, 39)));
        assert_eq!(parse_version("8.0.36"), (Flavour::Mysql, (8, 0, 36)));
    }

    #[test]
    fn refused_connections_hide_the_password() {
        let err = open("mysql://u:hunter2@127.0.0.1:1/db").err().map(|e| (e.kind, e.message));
        let (kind, message) = err.unwrap_or((ErrorKind::Internal, "opened".into()));
        assert_eq!(kind, ErrorKind::Connection, "{message}");
        assert!(!message.contains("hunter2"), "{message}");
        let err = open("postgres://u:hunter2@127.0.0.1:1/db").err().map(|e| (e.kind, e.message));
        let (kind, message) = err.unwrap_or((ErrorKind::Internal, "opened".into()));
        assert_eq!(kind, ErrorKind::InvalidUrl);
        assert!(!message.contains("hunter2"), "{message}");
    }
}
