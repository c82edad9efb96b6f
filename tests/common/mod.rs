//! Helpers for end-to-end tests: run the built `strata` binary in a scratch
//! directory and look at the databases it leaves behind.

pub mod db;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};

/// The directory holding the built binary and plugins (`target/debug`).
pub fn bin_dir() -> PathBuf {
    // Test executables live in target/<profile>/deps.
    let exe = std::env::current_exe().expect("test executable path");
    let dir = exe.parent().and_then(Path::parent).expect("target dir").to_path_buf();
    let strata = dir.join(format!("strata{}", std::env::consts::EXE_SUFFIX));
    assert!(strata.exists(), "{} is missing: run `cargo build --workspace` before the tests", strata.display());
    dir
}

/// The shared library of a workspace cdylib crate, e.g. `strata_fixture_panicky`.
pub fn cdylib(name: &str) -> PathBuf {
    let path = bin_dir().join(format!("{}{name}{}", std::env::consts::DLL_PREFIX, std::env::consts::DLL_SUFFIX));
    assert!(path.exists(), "{} is missing: run `cargo build --workspace` before the tests", path.display());
    path
}

/// The repository root.
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("repo root").to_path_buf()
}

/// A scratch directory for one test, removed when dropped (kept on failure
/// when STRATA_KEEP_TEST_DIRS is set).
pub struct Sandbox {
    /// The directory.
    pub path: PathBuf,
}

static COUNTER: AtomicUsize = AtomicUsize::new(0);

impl Sandbox {
    /// A fresh directory named after the test.
    pub fn new(name: &str) -> Sandbox {
        let n = COUNTER.fetch_add(1, Ordering::SeqCst);
        let path = std::env::temp_dir().join(format!("strata-test-{name}-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).expect("create sandbox");
        Sandbox { path }
    }

    /// Writes a file (creating parent directories).
    pub fn write(&self, rel: &str, content: &str) -> PathBuf {
        let path = self.path.join(rel);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(&path, content).expect("write file");
        path
    }

    /// Reads a file.
    pub fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.path.join(rel)).expect("read file")
    }

    /// A `sqlite://` URL of a database file in the sandbox.
    pub fn sqlite_url(&self, name: &str) -> String {
        format!("sqlite://{}", self.path.join(name).display())
    }

    /// Runs `strata ARGS` in the sandbox.
    pub fn strata(&self, args: &[&str]) -> Run {
        self.strata_env(args, &[])
    }

    /// Starts `strata ARGS` in the sandbox without waiting for it (output discarded).
    pub fn spawn(&self, args: &[&str]) -> std::process::Child {
        Command::new(bin_dir().join("strata"))
            .args(args)
            .current_dir(&self.path)
            .env_remove("STRATA_PLUGIN_PATH")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("start strata")
    }

    /// Runs `strata ARGS` in the sandbox with extra environment variables.
    pub fn strata_env(&self, args: &[&str], env: &[(&str, &str)]) -> Run {
        let mut cmd = Command::new(bin_dir().join("strata"));
        cmd.args(args).current_dir(&self.path).env_remove("STRATA_PLUGIN_PATH").env("NO_COLOR", "1");
        for (k, v) in env {
            cmd.env(k, v);
        }
        let output = cmd.output().expect("run strata");
        Run { args: args.iter().map(|s| s.to_string()).collect(), output }
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        if std::env::var_os("STRATA_KEEP_TEST_DIRS").is_none() && !std::thread::panicking() {
            let _ = std::fs::remove_dir_all(&self.path);
        }
    }
}

/// The outcome of one `strata` run.
pub struct Run {
    args: Vec<String>,
    /// The process output.
    pub output: Output,
}

impl Run {
    /// Standard output.
    pub fn stdout(&self) -> String {
        String::from_utf8_lossy(&self.output.stdout).into_owned()
    }

    /// Standard error.
    pub fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.output.stderr).into_owned()
    }

    /// The exit code.
    pub fn code(&self) -> i32 {
        self.output.status.code().unwrap_or(-1)
    }

    /// Standard output when the run exited 0; otherwise the command, its exit code and its output.
    pub fn result(&self) -> Result<String, String> {
        if self.code() == 0 {
            Ok(self.stdout())
        } else {
            Err(format!("strata {} exited {}\n{}{}", self.args.join(" "), self.code(), self.stdout(), self.stderr()))
        }
    }

    /// Asserts the exit code, printing the output when it differs.
    #[track_caller]
    pub fn expect_code(self, code: i32) -> Run {
        assert_eq!(
            self.code(),
            code,
            "strata {:?} exited {} (wanted {code})\n--- stdout\n{}\n--- stderr\n{}",
            self.args,
            self.code(),
            self.stdout(),
            self.stderr()
        );
        self
    }

    /// Asserts success.
    #[track_caller]
    pub fn ok(self) -> Run {
        self.expect_code(0)
    }

    /// Parses stdout as JSON.
    #[track_caller]
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout())
            .unwrap_or_else(|e| panic!("stdout of strata {:?} is not JSON ({e}):\n{}", self.args, self.stdout()))
    }
}

/// Runs `git ARGS` in `dir` as a fixed author, panicking on failure.
pub fn git(dir: &Path, args: &[&str]) {
    let out = Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_AUTHOR_NAME", "t")
        .env("GIT_AUTHOR_EMAIL", "t@x")
        .env("GIT_COMMITTER_NAME", "t")
        .env("GIT_COMMITTER_EMAIL", "t@x")
        .output()
        .expect("run git");
    assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
}

/// Runs a query on a SQLite file and returns every row as strings.
pub fn sqlite_rows(path: &Path, sql: &str) -> Vec<Vec<String>> {
    let conn = rusqlite::Connection::open(path).expect("open sqlite");
    let mut stmt = conn.prepare(sql).expect("prepare");
    let n = stmt.column_count();
    let rows = stmt
        .query_map([], |row| {
            (0..n)
                .map(|i| {
                    let v: rusqlite::types::Value = row.get(i)?;
                    Ok(match v {
                        rusqlite::types::Value::Null => "NULL".to_string(),
                        rusqlite::types::Value::Integer(i) => i.to_string(),
                        rusqlite::types::Value::Real(f) => f.to_string(),
                        rusqlite::types::Value::Text(t) => t,
                        rusqlite::types::Value::Blob(b) => format!("{b:?}"),
                    })
                })
                .collect()
        })
        .expect("query");
    rows.map(|r| r.expect("row")).collect()
}

/// The names of the user's tables in a SQLite file (SQLite's and Strata's own excluded).
pub fn sqlite_tables(path: &Path) -> Vec<String> {
    sqlite_rows(
        path,
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' \
         AND name NOT IN ('atlas_schema_revisions', 'strata_schema_history') ORDER BY name",
    )
    .into_iter()
    .map(|r| r[0].clone())
    .collect()
}

/// A database server URL from the environment. Without it the test is skipped
/// with a visible message — except under CI (`CI=true`), where a missing server
/// is a failure.
pub fn server_url(var: &str) -> Option<String> {
    match std::env::var(var) {
        Ok(url) if !url.is_empty() => Some(url),
        _ if std::env::var("CI").is_ok_and(|v| v == "true") => {
            panic!("{var} is not set: CI must provide this database server (see .ci/run)")
        }
        _ => {
            skipped(var);
            None
        }
    }
}

/// Says that the running test skips for want of the server named by `var`: a
/// fixed marker line on stderr, and the same line appended to the file named
/// by `STRATA_TEST_SKIP_LOG` (set by `scripts/test`, which counts them).
fn skipped(var: &str) {
    let server = var.trim_start_matches("STRATA_TEST_").trim_end_matches("_URL").to_lowercase();
    let binary = std::env::current_exe()
        .ok()
        .and_then(|p| p.file_stem().map(|s| s.to_string_lossy().into_owned()))
        .map(|s| s.rsplit_once('-').map_or(s.clone(), |(name, _hash)| name.to_string()))
        .unwrap_or_default();
    let test = std::thread::current().name().unwrap_or("?").to_string();
    let line = format!("strata-test-skip: {server} {binary}::{test} ({var} not set)\n");
    eprint!("{line}");
    if let Some(path) = std::env::var_os("STRATA_TEST_SKIP_LOG") {
        use std::io::Write as _;
        // One write per line, appended: parallel test processes do not interleave.
        if let Ok(mut file) = std::fs::OpenOptions::new().create(true).append(true).open(path) {
            let _ = file.write_all(line.as_bytes());
        }
    }
}

/// A PostgreSQL database created for one test (and dropped after it), driven
/// through `psql`.
pub struct PgDb {
    /// The database name.
    pub name: String,
    base: String,
}

/// `url` with its database replaced by `db`.
fn with_database(url: &str, db: &str) -> String {
    let (head, query) = url.split_once('?').unwrap_or((url, ""));
    let scheme_end = head.find("://").map_or(0, |i| i + 3);
    let head = match head[scheme_end..].find('/') {
        Some(i) => &head[..scheme_end + i],
        None => head,
    };
    if query.is_empty() { format!("{head}/{db}") } else { format!("{head}/{db}?{query}") }
}

fn psql(url: &str, sql: &str) -> std::process::Output {
    Command::new("psql")
        .args([url, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-At", "-F", "\x1f", "-P", "null=NULL", "-c", sql])
        .output()
        .expect("run psql")
}

impl PgDb {
    /// Creates a fresh database named after the test; `None` when no server is configured.
    pub fn create(label: &str) -> Option<PgDb> {
        let base = server_url("STRATA_TEST_POSTGRES_URL")?;
        let n = COUNTER.fetch_add(1, Ordering::SeqCst);
        let name = format!("strata_{}_{}_{n}", label.replace('-', "_"), std::process::id());
        // One statement per call: CREATE/DROP DATABASE cannot share a transaction.
        for sql in [format!("DROP DATABASE IF EXISTS {name}"), format!("CREATE DATABASE {name}")] {
            let out = psql(&base, &sql);
            assert!(out.status.success(), "creating database {name}: {}", String::from_utf8_lossy(&out.stderr));
        }
        Some(PgDb { name, base })
    }

    /// The database's URL.
    pub fn url(&self) -> String {
        with_database(&self.base, &self.name)
    }

    /// Runs SQL, panicking on error.
    pub fn exec(&self, sql: &str) {
        let out = psql(&self.url(), sql);
        assert!(out.status.success(), "psql {sql}: {}", String::from_utf8_lossy(&out.stderr));
    }

    /// Rows of a query, every value as text (`NULL` for null).
    pub fn rows(&self, sql: &str) -> Vec<Vec<String>> {
        let out = psql(&self.url(), sql);
        assert!(out.status.success(), "psql {sql}: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8_lossy(&out.stdout).lines().map(|l| l.split('\x1f').map(String::from).collect()).collect()
    }
}

impl Drop for PgDb {
    fn drop(&mut self) {
        let _ = psql(&self.base, &format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name));
    }
}

/// The `mariadb` (or `mysql`) client's connection arguments for a
/// `mysql://user[:password]@host[:port][/database]` URL (also `maria://`,
/// `mariadb://`), always over TCP; the password goes in `MYSQL_PWD`.
fn my_client(url: &str) -> Command {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let rest = rest.split_once('?').map_or(rest, |(r, _)| r);
    let (auth, rest) = rest.rsplit_once('@').unwrap_or(("", rest));
    let (hostport, db) = rest.split_once('/').unwrap_or((rest, ""));
    let (user, password) = auth.split_once(':').map_or((auth, None), |(u, p)| (u, Some(p)));
    let (host, port) = hostport.split_once(':').unwrap_or((hostport, "3306"));
    static CLIENT: std::sync::OnceLock<&str> = std::sync::OnceLock::new();
    let client = CLIENT
        .get_or_init(|| if Command::new("mariadb").arg("--version").output().is_ok() { "mariadb" } else { "mysql" });
    let mut cmd = Command::new(client);
    cmd.args(["--protocol=TCP", "-h", if host.is_empty() { "127.0.0.1" } else { host }, "-P", port]);
    cmd.args(["-u", if user.is_empty() { "root" } else { user }]);
    // A user's file is UTF-8 throughout (emoji included); the client's own
    // default, utf8mb3, refuses four-byte characters.
    cmd.args(["--batch", "--skip-column-names", "--default-character-set=utf8mb4"]);
    if let Some(p) = password {
        cmd.env("MYSQL_PWD", p);
    }
    if !db.is_empty() {
        cmd.arg(db);
    }
    cmd
}

/// A value as the client's batch mode prints it, unescaped (`\n`, `\t`, `\\`, `\0`).
fn unescape_batch(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let mut chars = value.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('0') => out.push('\0'),
            Some(other) => out.push(other),
            None => out.push('\\'),
        }
    }
    out
}

fn mysql(url: &str, sql: &str) -> std::process::Output {
    my_client(url).args(["-e", sql]).output().expect("run the mariadb client")
}

/// A MariaDB/MySQL database created for one test (and dropped after it),
/// driven through the `mariadb` client: no MySQL driver in the test build.
pub struct MyDb {
    /// The database name.
    pub name: String,
    base: String,
}

impl MyDb {
    /// Creates a fresh database named after the test; `None` when no server is configured.
    pub fn create(label: &str) -> Option<MyDb> {
        let base = server_url("STRATA_TEST_MYSQL_URL")?;
        let n = COUNTER.fetch_add(1, Ordering::SeqCst);
        let suffix = format!("_{}_{n}", std::process::id());
        let mut name = format!("strata_{}", label.replace('-', "_"));
        // MySQL names are at most 64 characters.
        name.truncate(64 - suffix.len());
        name.push_str(&suffix);
        let out = mysql(&base, &format!("DROP DATABASE IF EXISTS `{name}`; CREATE DATABASE `{name}`"));
        assert!(out.status.success(), "creating database {name}: {}", String::from_utf8_lossy(&out.stderr));
        Some(MyDb { name, base })
    }

    /// The database's URL: bound to it, as a MySQL URL with a path is.
    pub fn url(&self) -> String {
        with_database(&self.base, &self.name)
    }

    /// Runs SQL (one or more statements), panicking on error.
    pub fn exec(&self, sql: &str) {
        let out = mysql(&self.url(), sql);
        assert!(out.status.success(), "mariadb {sql}: {}", String::from_utf8_lossy(&out.stderr));
    }

    /// Runs a script as `mariadb --comments db < file` does (client commands
    /// such as `DELIMITER` included; comments kept in trigger and routine
    /// bodies, as a driver sends them); Err with the client's message when it refuses.
    pub fn source(&self, script: &str) -> Result<(), String> {
        use std::io::Write;
        let mut child = my_client(&self.url())
            .arg("--comments")
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .map_err(|e| format!("starting the mariadb client: {e}"))?;
        if let Some(mut stdin) = child.stdin.take() {
            stdin.write_all(script.as_bytes()).map_err(|e| format!("writing to the mariadb client: {e}"))?;
        }
        let out = child.wait_with_output().map_err(|e| format!("running the mariadb client: {e}"))?;
        if out.status.success() { Ok(()) } else { Err(String::from_utf8_lossy(&out.stderr).into_owned()) }
    }

    /// Starts a client session running `sql` without waiting for it.
    pub fn spawn(&self, sql: &str) -> std::process::Child {
        my_client(&self.url())
            .args(["-e", sql])
            .stdout(std::process::Stdio::null())
            .spawn()
            .expect("start the mariadb client")
    }

    /// Rows of a query, every value as text (`NULL` for null; newlines and
    /// tabs inside values kept, e.g. in `SHOW CREATE TABLE`).
    pub fn rows(&self, sql: &str) -> Vec<Vec<String>> {
        let out = mysql(&self.url(), sql);
        assert!(out.status.success(), "mariadb {sql}: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8_lossy(&out.stdout).lines().map(|l| l.split('\t').map(unescape_batch).collect()).collect()
    }
}

impl Drop for MyDb {
    fn drop(&mut self) {
        let _ = mysql(&self.base, &format!("DROP DATABASE IF EXISTS `{}`", self.name));
    }
}

/// A ClickHouse database created for one test (and dropped after it), driven
/// through `curl` and the HTTP interface the URL names
/// (`clickhouse://user[:password]@host[:port][/database]`): no ClickHouse
/// driver in the test build.
pub struct ChDb {
    /// The database name.
    pub name: String,
    base: String,
}

/// Runs one statement over ClickHouse's HTTP interface; stdout on success.
fn clickhouse(url: &str, sql: &str) -> Result<String, String> {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let rest = rest.split_once('?').map_or(rest, |(r, _)| r);
    let (auth, rest) = rest.rsplit_once('@').unwrap_or(("default", rest));
    let (hostport, db) = rest.split_once('/').unwrap_or((rest, ""));
    let hostport = if hostport.contains(':') { hostport.to_string() } else { format!("{hostport}:8123") };
    let (user, password) = auth.split_once(':').unwrap_or((auth, ""));
    let db = if db.is_empty() { "default" } else { db };
    let out = Command::new("curl")
        .args(["-sS", "--fail-with-body", "--max-time", "60", "--data-binary", "@-"])
        // LowCardinality is experimental on 18.16 (later servers ignore the setting).
        .arg(format!("http://{hostport}/?database={db}&allow_experimental_low_cardinality_type=1"))
        .args(["-H", &format!("X-ClickHouse-User: {user}"), "-H", &format!("X-ClickHouse-Key: {password}")])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            use std::io::Write as _;
            child.stdin.take().expect("stdin").write_all(sql.as_bytes())?;
            child.wait_with_output()
        })
        .expect("run curl");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    if out.status.success() { Ok(stdout) } else { Err(format!("{stdout}{}", String::from_utf8_lossy(&out.stderr))) }
}

/// Splits a script into statements at `;` outside quotes.
fn statements(sql: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quote: Option<char> = None;
    let mut chars = sql.chars();
    while let Some(c) = chars.next() {
        cur.push(c);
        match (quote, c) {
            (Some(_), '\\') => {
                if let Some(n) = chars.next() {
                    cur.push(n);
                }
            }
            (Some(q), c) if c == q => quote = None,
            (None, '\'' | '"' | '`') => quote = Some(c),
            (None, ';') => {
                cur.pop();
                out.push(std::mem::take(&mut cur));
            }
            _ => {}
        }
    }
    out.push(cur);
    out.into_iter().map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).collect()
}

impl ChDb {
    /// Creates a fresh database named after the test; `None` when no server is configured.
    pub fn create(label: &str) -> Option<ChDb> {
        let base = server_url("STRATA_TEST_CLICKHOUSE_URL")?;
        let n = COUNTER.fetch_add(1, Ordering::SeqCst);
        let name = format!("strata_{}_{}_{n}", label.replace('-', "_"), std::process::id());
        for sql in [format!("DROP DATABASE IF EXISTS `{name}`"), format!("CREATE DATABASE `{name}`")] {
            if let Err(e) = clickhouse(&base, &sql) {
                panic!("creating database {name}: {e}");
            }
        }
        Some(ChDb { name, base })
    }

    /// The database's URL, bound to it.
    pub fn url(&self) -> String {
        with_database(&self.base, &self.name)
    }

    /// Runs SQL (one or more statements), panicking on error.
    pub fn exec(&self, sql: &str) {
        for stmt in statements(sql) {
            if let Err(e) = clickhouse(&self.url(), &stmt) {
                panic!("clickhouse {stmt}: {e}");
            }
        }
    }

    /// Rows of a query, every value as text (`\N` for null), TSV unescaped.
    pub fn rows(&self, sql: &str) -> Vec<Vec<String>> {
        let out = clickhouse(&self.url(), &format!("{sql} FORMAT TabSeparated"))
            .unwrap_or_else(|e| panic!("clickhouse {sql}: {e}"));
        out.lines().map(|l| l.split('\t').map(unescape_batch).collect()).collect()
    }

    /// The user's tables (Strata's own and its lock tables excluded).
    pub fn tables(&self) -> Vec<String> {
        self.rows(
            "SELECT name FROM system.tables WHERE database = currentDatabase() AND engine NOT LIKE '%View' \
             AND name NOT IN ('atlas_schema_revisions', 'strata_schema_history') \
             AND name NOT LIKE 'strata\\\\_lock\\\\_%' ORDER BY name",
        )
        .into_iter()
        .map(|r| r[0].clone())
        .collect()
    }

    /// Drops the migration lock tables a killed run left, as the error
    /// that names them tells the user to.
    pub fn break_locks(&self) {
        for lock in self
            .rows("SELECT name FROM system.tables WHERE database = currentDatabase() AND name LIKE 'strata\\\\_lock%'")
        {
            self.exec(&format!("DROP TABLE `{}`", lock[0]));
        }
    }

    /// A table's columns in order.
    pub fn columns(&self, table: &str) -> Vec<String> {
        self.rows(&format!("SELECT name FROM system.columns WHERE database = currentDatabase() AND table = '{table}'"))
            .into_iter()
            .map(|r| r[0].clone())
            .collect()
    }

    /// The applied versions: the newest row of each version in the
    /// append-only revisions table, tombstones dropped.
    pub fn versions(&self) -> Vec<String> {
        self.rows(
            "SELECT version FROM (SELECT version, argMax(deleted, seq) AS gone FROM atlas_schema_revisions \
             GROUP BY version) WHERE gone = 0 AND version NOT LIKE '.%' ORDER BY version",
        )
        .into_iter()
        .map(|r| r[0].clone())
        .collect()
    }
}

impl Drop for ChDb {
    fn drop(&mut self) {
        let _ = clickhouse(&self.base, &format!("DROP DATABASE IF EXISTS `{}`", self.name));
    }
}
