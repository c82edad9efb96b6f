//! `strata-bench`: times the `strata` binary as whole processes against a
//! baseline measured in the same run, and prints a table.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Command, ExitCode, Stdio};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

const USAGE: &str = "usage: strata-bench \
    down [--files N] [--revert M] [--runs R] [--dialect D] [--twice] [--trace] | \
    apply [--files N] [--runs R] [--dialect D] [--trace] | \
    lines [--stmts N,N,..] [--runs R] | \
    lock [--runs R] [--dialect D] | \
    pg-inspect [--tables N] | pg-diff [--tables N] [--migra PATH] | mysql-diff [--tables N] | \
    fanout [--tenants N] [--runs R] | raw DB FILE \
    (D: sqlite, postgres or mysql)";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let rest = args.get(1..).unwrap_or_default();
    let result = match args.first().map(String::as_str) {
        Some("raw") if args.len() == 3 => raw(Path::new(&args[1]), Path::new(&args[2])),
        Some("down") | None => down(rest),
        Some("apply") => apply(rest),
        Some("lines") => lines(rest),
        Some("lock") => lock(rest),
        Some("pg-inspect") => pg_inspect(rest),
        Some("pg-diff") => pg_diff(rest),
        Some("mysql-diff") => mysql_diff(rest),
        Some("fanout") => fanout(rest),
        _ => Err(USAGE.into()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Writes out whatever the page cache holds for the disk (`sync`).
fn settle_disk() -> Result<(), String> {
    run(&mut Command::new("sync")).map(drop)
}

/// The baseline client: run a SQL file on a SQLite database, nothing else.
fn raw(db: &Path, file: &Path) -> Result<(), String> {
    let sql = std::fs::read_to_string(file).map_err(|e| e.to_string())?;
    let conn = rusqlite::Connection::open(db).map_err(|e| e.to_string())?;
    conn.execute_batch(&sql).map_err(|e| e.to_string())
}

fn flag(args: &[String], name: &str, default: usize) -> Result<usize, String> {
    match args.iter().position(|a| a == name) {
        Some(i) => args.get(i + 1).and_then(|v| v.parse().ok()).ok_or_else(|| format!("{name} needs a number")),
        None => Ok(default),
    }
}

fn text_flag<'a>(args: &'a [String], name: &str) -> Result<Option<&'a str>, String> {
    match args.iter().position(|a| a == name) {
        Some(i) => args.get(i + 1).map(|v| Some(v.as_str())).ok_or_else(|| format!("{name} needs a value")),
        None => Ok(None),
    }
}

/// Times one whole process; a failure is an error with its output.
fn run(cmd: &mut Command) -> Result<Duration, String> {
    let start = Instant::now();
    let out = cmd.output().map_err(|e| format!("{cmd:?}: {e}"))?;
    let took = start.elapsed();
    if !out.status.success() {
        return Err(format!(
            "{cmd:?} failed:\n{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    Ok(took)
}

/// What a row's ratio column compares its median with.
#[derive(Clone, Copy)]
enum Vs {
    /// The median of another row (by index).
    Row(usize),
    /// A fixed target.
    Target(Duration),
}

struct Row {
    name: String,
    times: Vec<Duration>,
    /// Items (statements) each run did: the table shows the median per item when > 1.
    per: usize,
    vs: Vs,
}

impl Row {
    fn new(name: impl Into<String>) -> Row {
        Row { name: name.into(), times: Vec::new(), per: 1, vs: Vs::Row(0) }
    }

    fn median(&self) -> Duration {
        let mut t = self.times.clone();
        t.sort();
        t.get(t.len() / 2).copied().unwrap_or_default()
    }
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

/// Prints rows with min/median/max (and the median per item where a row has
/// items) and the ratio of each median to its baseline row or target.
fn print_table(title: &str, rows: &[Row]) {
    let per = rows.iter().any(|r| r.per > 1);
    println!("{title}\n");
    let per_head = if per { format!(" {:>12} |", "per stmt") } else { String::new() };
    let per_rule = if per { format!("{:->14}|", "") } else { String::new() };
    println!("| {:<44} | {:>10} | {:>10} | {:>10} |{per_head} {:>12} |", "command", "min", "median", "max", "ratio");
    println!("|{:-<46}|{:->12}|{:->12}|{:->12}|{per_rule}{:->14}|", "", "", "", "", "");
    for row in rows {
        let min = row.times.iter().min().copied().unwrap_or_default();
        let max = row.times.iter().max().copied().unwrap_or_default();
        let (base, what) = match row.vs {
            Vs::Row(i) => (rows.get(i).map(Row::median).unwrap_or_default(), "x"),
            Vs::Target(t) => (t, "x target"),
        };
        let ratio = format!("{:.2}{what}", row.median().as_secs_f64() / base.as_secs_f64());
        let per_cell = if per {
            let us = row.median().as_secs_f64() * 1e6 / row.per as f64;
            format!(" {:>12} |", format!("{us:.2} µs"))
        } else {
            String::new()
        };
        println!(
            "| {:<44} | {:>10} | {:>10} | {:>10} |{per_cell} {:>12} |",
            row.name,
            ms(min),
            ms(row.median()),
            ms(max),
            ratio
        );
    }
}

fn strata_path() -> Result<PathBuf, String> {
    let bin = std::env::current_exe().map_err(|e| e.to_string())?;
    let strata = bin.parent().ok_or("no binary directory")?.join("strata");
    if strata.exists() {
        Ok(strata)
    } else {
        Err(format!("{} is missing: run `cargo build --release --workspace` first", strata.display()))
    }
}

/// A scratch directory for one benchmark, removed by the benchmark at its
/// end, and the working directory of the commands it runs: strata keeps its
/// deployment registry in the working directory's `.strata/`, which must be
/// the benchmark's own, not the checkout's.
fn work_dir(name: &str) -> Result<PathBuf, String> {
    let work = std::env::temp_dir().join(format!("strata-bench-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&work);
    std::fs::create_dir_all(&work).map_err(|e| e.to_string())?;
    std::env::set_current_dir(&work).map_err(|e| format!("entering {}: {e}", work.display()))?;
    Ok(work)
}

fn write(path: &Path, text: &str) -> Result<(), String> {
    std::fs::write(path, text).map_err(|e| format!("writing {}: {e}", path.display()))
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Dialect {
    Sqlite,
    Postgres,
    Mysql,
}

impl Dialect {
    fn parse(args: &[String]) -> Result<Dialect, String> {
        match text_flag(args, "--dialect")? {
            None | Some("sqlite") => Ok(Dialect::Sqlite),
            Some("postgres") => Ok(Dialect::Postgres),
            Some("mysql" | "mariadb") => Ok(Dialect::Mysql),
            Some(other) => Err(format!("unknown dialect {other:?} (sqlite, postgres or mysql)")),
        }
    }

    fn name(self) -> &'static str {
        match self {
            Dialect::Sqlite => "SQLite",
            Dialect::Postgres => "PostgreSQL",
            Dialect::Mysql => "MariaDB",
        }
    }

    /// `Err` with the reason when this dialect cannot run here (its plugin is not built).
    fn available(self, strata: &Path) -> Result<(), String> {
        let plugin = match self {
            Dialect::Sqlite => "libstrata_dialect_sqlite.so",
            Dialect::Postgres => "libstrata_dialect_postgres.so",
            Dialect::Mysql => "libstrata_dialect_mysql.so",
        };
        let path = strata.with_file_name(plugin);
        if path.exists() {
            Ok(())
        } else {
            Err(format!(
                "skipping {}: {} is not built (cargo build --release --workspace)",
                self.name(),
                path.display()
            ))
        }
    }

    /// The client's script: the statements in one transaction (psql gets `-1`).
    fn in_tx(self, body: &str) -> String {
        match self {
            Dialect::Sqlite => format!("BEGIN;\n{body}COMMIT;\n"),
            Dialect::Postgres => body.to_string(),
            Dialect::Mysql => format!("START TRANSACTION;\n{body}COMMIT;\n"),
        }
    }

    /// The revisions table as an unbound PostgreSQL URL and a MariaDB database URL keep it.
    fn revisions(self) -> &'static str {
        match self {
            Dialect::Postgres => "atlas_schema_revisions.atlas_schema_revisions",
            Dialect::Sqlite | Dialect::Mysql => "atlas_schema_revisions",
        }
    }
}

/// Version `i` of a generated directory: a table with 7 columns, 1 or 2
/// indexes and a foreign key to the previous table; with `rows`, every third
/// file also inserts a row.
fn version_sql(d: Dialect, i: usize, rows: bool) -> String {
    let (int, text, num, ts) = match d {
        Dialect::Sqlite => ("integer", "text", "real", "text"),
        Dialect::Postgres => ("bigint", "text", "numeric(10,2)", "timestamptz"),
        Dialect::Mysql => ("bigint", "varchar(100)", "decimal(10,2)", "datetime"),
    };
    let fk = if i > 1 {
        format!(",\n  CONSTRAINT t{i}_ref FOREIGN KEY (ref_id) REFERENCES t{} (id)", i - 1)
    } else {
        String::new()
    };
    let mut sql = format!(
        "CREATE TABLE t{i} (\n  id {int} PRIMARY KEY,\n  ref_id {int},\n  name {text} NOT NULL,\n  qty integer DEFAULT 0,\n  \
         price {num},\n  note {text},\n  created {ts}{fk}\n);\nCREATE INDEX t{i}_name ON t{i} (name);\n"
    );
    if i.is_multiple_of(2) {
        sql.push_str(&format!("CREATE INDEX t{i}_qty_price ON t{i} (qty, price);\n"));
    }
    if rows && i.is_multiple_of(3) {
        sql.push_str(&format!(
            "INSERT INTO t{i} (id, ref_id, name, qty, price) VALUES (1, NULL, 'row {i}', {i}, 9.99);\n"
        ));
    }
    sql
}

/// Writes `files` versions into `work/migrations`, hashes the directory, and
/// returns its `file://` URL and all the statements in order.
fn write_dir(
    strata: &Path,
    work: &Path,
    files: usize,
    version: &dyn Fn(usize) -> String,
) -> Result<(String, String), String> {
    let dir = work.join("migrations");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let mut all = String::new();
    for i in 1..=files {
        let sql = version(i);
        write(&dir.join(format!("{i:06}_v{i}.sql")), &sql)?;
        all.push_str(&sql);
    }
    let url = format!("file://{}", dir.display());
    run(Command::new(strata).args(["migrate", "hash", "--dir", &url]))?;
    Ok((url, all))
}

/// A scratch database of one dialect, with the database's own client.
struct Db {
    dialect: Dialect,
    /// The server's URL (any database on it), for creating and dropping ours.
    server: String,
    /// Our database's name (a file under the work directory for SQLite).
    name: String,
    work: PathBuf,
}

impl Db {
    fn new(dialect: Dialect, work: &Path, name: &str) -> Db {
        let server = match dialect {
            Dialect::Sqlite => String::new(),
            Dialect::Postgres => std::env::var("STRATA_TEST_POSTGRES_URL")
                .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable".into()),
            Dialect::Mysql => {
                std::env::var("STRATA_TEST_MYSQL_URL").unwrap_or_else(|_| "mysql://root@127.0.0.1:3306/test".into())
            }
        };
        Db { dialect, server, name: name.to_string(), work: work.to_path_buf() }
    }

    fn path(&self) -> PathBuf {
        self.work.join(format!("{}.db", self.name))
    }

    /// The URL strata gets.
    fn url(&self) -> String {
        match self.dialect {
            Dialect::Sqlite => format!("sqlite://{}", self.path().display()),
            Dialect::Postgres | Dialect::Mysql => with_db(&self.server, &self.name),
        }
    }

    /// Drops the database if it exists and creates it empty.
    fn create(&self) -> Result<(), String> {
        self.drop()?;
        match self.dialect {
            Dialect::Sqlite => Ok(()),
            Dialect::Postgres => psql(&self.server, &format!("CREATE DATABASE {}", self.name)).map(|_| ()),
            Dialect::Mysql => mysql(&self.server, None, &format!("CREATE DATABASE {}", self.name)).map(|_| ()),
        }
    }

    fn drop(&self) -> Result<(), String> {
        match self.dialect {
            Dialect::Sqlite => {
                for ext in ["db", "db-journal", "db-wal", "db-shm"] {
                    let _ = std::fs::remove_file(self.work.join(format!("{}.{ext}", self.name)));
                }
                Ok(())
            }
            Dialect::Postgres => {
                psql(&self.server, &format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name)).map(|_| ())
            }
            Dialect::Mysql => mysql(&self.server, None, &format!("DROP DATABASE IF EXISTS {}", self.name)).map(|_| ()),
        }
    }

    /// The first column of the first row of `sql`, as text.
    fn scalar(&self, sql: &str) -> Result<String, String> {
        let text = match self.dialect {
            Dialect::Sqlite => {
                let conn = rusqlite::Connection::open(self.path()).map_err(|e| e.to_string())?;
                conn.query_row(sql, [], |r| {
                    Ok(match r.get_ref(0)? {
                        rusqlite::types::ValueRef::Integer(i) => i.to_string(),
                        rusqlite::types::ValueRef::Real(f) => f.to_string(),
                        rusqlite::types::ValueRef::Text(t) => String::from_utf8_lossy(t).into_owned(),
                        _ => String::new(),
                    })
                })
                .map_err(|e| format!("{sql}: {e}"))?
            }
            Dialect::Postgres => psql(&self.url(), sql)?,
            Dialect::Mysql => mysql(&self.server, Some(&self.name), sql)?,
        };
        Ok(text.trim().to_string())
    }

    /// How many of the generated tables `t1`… exist.
    fn tables(&self) -> Result<usize, String> {
        let sql = match self.dialect {
            Dialect::Sqlite => "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name LIKE 't%'",
            Dialect::Postgres => "SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tablename LIKE 't%'",
            Dialect::Mysql => {
                "SELECT count(*) FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name LIKE 't%'"
            }
        };
        let n = self.scalar(sql)?;
        n.parse().map_err(|_| format!("counting tables: {n:?}"))
    }

    fn expect_tables(&self, n: usize) -> Result<(), String> {
        match self.tables()? {
            found if found == n => Ok(()),
            found => Err(format!("expected {n} generated tables in {}, found {found}", self.name)),
        }
    }

    /// The database's own client running `file` (its own script, see [`Dialect::in_tx`]);
    /// for SQLite the `sqlite3` CLI when installed, else the rusqlite client (`raw`).
    fn client(&self, file: &Path) -> Result<(String, Command), String> {
        let input = || std::fs::File::open(file).map_err(|e| e.to_string());
        Ok(match self.dialect {
            Dialect::Sqlite if sqlite3_installed() => {
                let mut cmd = Command::new("sqlite3");
                cmd.arg(self.path()).stdin(input()?);
                ("sqlite3 CLI".into(), cmd)
            }
            Dialect::Sqlite => {
                let mut cmd = Command::new(std::env::current_exe().map_err(|e| e.to_string())?);
                cmd.arg("raw").arg(self.path()).arg(file);
                ("rusqlite client".into(), cmd)
            }
            Dialect::Postgres => {
                let mut cmd = Command::new("psql");
                cmd.args([&self.url(), "-X", "-q", "-1", "-v", "ON_ERROR_STOP=1", "-f"]).arg(file);
                ("psql -1".into(), cmd)
            }
            Dialect::Mysql => {
                let mut cmd = Command::new("mariadb");
                cmd.args(mysql_args(&self.server)).arg(&self.name).stdin(input()?);
                ("mariadb client".into(), cmd)
            }
        })
    }
}

fn sqlite3_installed() -> bool {
    Command::new("sqlite3").arg("-version").output().is_ok_and(|o| o.status.success())
}

/// `mariadb` client arguments for a `mysql://user:pass@host:port/db` URL (no database).
fn mysql_args(url: &str) -> Vec<String> {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let rest = rest.split(['/', '?']).next().unwrap_or_default();
    let (auth, host) = rest.rsplit_once('@').unwrap_or(("root", rest));
    let (user, pass) = auth.split_once(':').map_or((auth, None), |(u, p)| (u, Some(p)));
    let (host, port) = host.split_once(':').unwrap_or((host, "3306"));
    let mut args = vec![format!("-h{host}"), format!("-P{port}"), format!("-u{user}")];
    if let Some(pass) = pass {
        args.push(format!("-p{pass}"));
    }
    args
}

fn mysql(server: &str, db: Option<&str>, sql: &str) -> Result<String, String> {
    let out = Command::new("mariadb")
        .args(mysql_args(server))
        .args(db)
        .args(["-N", "-B", "-e", sql])
        .output()
        .map_err(|e| format!("running mariadb: {e}"))?;
    if !out.status.success() {
        return Err(format!("mariadb: {}", String::from_utf8_lossy(&out.stderr)));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// `mysql-diff`: `strata schema diff` between two MariaDB databases of `n`
/// tables, 5% of them different, timed; then the plan applied to the first
/// and diffed again, which must find nothing.
fn mysql_diff(args: &[String]) -> Result<(), String> {
    let n = flag(args, "--tables", 500)?;
    let runs = flag(args, "--runs", 5)?.max(1);
    let server = std::env::var("STRATA_TEST_MYSQL_URL").unwrap_or_else(|_| "mysql://root@127.0.0.1:3306/test".into());
    let strata = strata_path()?;
    let base = server.split_once("://").map_or(server.as_str(), |(_, r)| r);
    let host = base.split(['/', '?']).next().unwrap_or_default();
    let url = |db: &str| format!("mysql://{host}/{db}");
    let schema = |changed: &dyn Fn(usize) -> bool| {
        let mut sql = String::new();
        for i in 1..=n {
            let fk = if i > 1 { format!(", FOREIGN KEY (ref_id) REFERENCES t{} (id)", i - 1) } else { String::new() };
            let (c4, extra, idx) = if changed(i) {
                ("varchar(200)", ", c9 tinyint(1) DEFAULT 0", format!("CREATE INDEX t{i}_c4 ON t{i} (c4);"))
            } else {
                ("varchar(100)", "", format!("CREATE INDEX t{i}_c2_c3 ON t{i} (c2, c3);"))
            };
            sql.push_str(&format!(
                "CREATE TABLE t{i} (id bigint PRIMARY KEY, ref_id bigint, c1 varchar(50) NOT NULL, c2 int, \
                 c3 decimal(10,2), c4 {c4}, c5 int DEFAULT 0, c6 datetime, c7 tinyint(1), c8 text{extra}{fk}) ENGINE=InnoDB;\n\
                 CREATE INDEX t{i}_c1 ON t{i} (c1);\n{idx}\n"
            ));
        }
        sql
    };
    let changed = |i: usize| i.is_multiple_of(20);
    // `schema apply` records a deployment: in the scratch directory's registry.
    let work = work_dir("mysql-diff")?;
    let load = |db: &str, sql: &str| -> Result<(), String> {
        use std::io::Write;
        mysql(&server, None, &format!("DROP DATABASE IF EXISTS {db}; CREATE DATABASE {db}"))?;
        // Through stdin: a 500-table schema is too long for an argument.
        let mut child = Command::new("mariadb")
            .args(mysql_args(&server))
            .arg(db)
            .stdin(std::process::Stdio::piped())
            .spawn()
            .map_err(|e| format!("running mariadb: {e}"))?;
        if let Some(mut stdin) = child.stdin.take() {
            stdin.write_all(format!("SET foreign_key_checks = 0;\n{sql}").as_bytes()).map_err(|e| e.to_string())?;
        }
        let status = child.wait().map_err(|e| e.to_string())?;
        if status.success() { Ok(()) } else { Err(format!("loading {db} failed")) }
    };
    load("strata_bench_from", &schema(&|_| false))?;
    load("strata_bench_to", &schema(&changed))?;
    let (from, to) = (url("strata_bench_from"), url("strata_bench_to"));
    let mut ours = Row::new("strata schema diff");
    for _ in 0..runs {
        ours.times.push(run(Command::new(&strata).args(["schema", "diff", "--from", &from, "--to", &to]))?);
    }
    print_table(
        &format!("diff two {n}-table MariaDB databases differing in {} tables ({runs} runs, whole process)", n / 20),
        &[ours],
    );
    // Convergence: apply the plan to `from`, then diff again.
    let applied = Command::new(&strata)
        .args(["schema", "apply", "--url", &from, "--to", &to, "--auto-approve"])
        .output()
        .map_err(|e| e.to_string())?;
    if !applied.status.success() {
        return Err(format!("schema apply failed: {}", String::from_utf8_lossy(&applied.stderr)));
    }
    let again = Command::new(&strata)
        .args(["schema", "diff", "--from", &from, "--to", &to])
        .output()
        .map_err(|e| e.to_string())?;
    let text = String::from_utf8_lossy(&again.stdout).into_owned();
    if text.contains("Schemas are synced") {
        println!("\nstrata's plan converges: a second diff is empty");
    } else {
        println!("\nstrata's plan does NOT converge; left:\n{text}");
    }
    mysql(&server, None, "DROP DATABASE IF EXISTS strata_bench_from; DROP DATABASE IF EXISTS strata_bench_to")?;
    let _ = std::fs::remove_dir_all(&work);
    Ok(())
}

/// Total size of the files under `dir`.
fn dir_size(dir: &Path) -> u64 {
    let Ok(entries) = std::fs::read_dir(dir) else { return 0 };
    entries
        .flatten()
        .map(|e| match e.file_type() {
            Ok(t) if t.is_dir() => dir_size(&e.path()),
            _ => e.metadata().map(|m| m.len()).unwrap_or(0),
        })
        .sum()
}

/// `strata migrate apply` of a generated directory to a fresh database each
/// run, against the database's own client running the same statements in one
/// transaction.
fn apply(args: &[String]) -> Result<(), String> {
    let files = flag(args, "--files", 300)?;
    let runs = flag(args, "--runs", 5)?.max(1);
    let d = Dialect::parse(args)?;
    let strata = strata_path()?;
    if let Err(skip) = d.available(&strata) {
        println!("{skip}");
        return Ok(());
    }
    let work = work_dir("apply")?;
    let (dir, all) = write_dir(&strata, &work, files, &|i| version_sql(d, i, true))?;
    let script = work.join("all.sql");
    write(&script, &d.in_tx(&all))?;
    let db = Db::new(d, &work, "strata_bench_apply");
    let url = db.url();
    let (client_name, _) = db.client(&script)?;
    let mut rows = vec![
        Row::new(format!("{client_name}, one transaction (baseline)")),
        Row::new("strata migrate apply --tx-mode all"),
    ];
    // Each command runs first in every other round: on a server, the one run
    // second works while the server still flushes what the first wrote.
    for round in 0..runs {
        for which in if round % 2 == 0 { [0, 1] } else { [1, 0] } {
            db.create()?;
            let took = if which == 0 {
                run(&mut db.client(&script)?.1)?
            } else {
                let mut cmd = Command::new(&strata);
                cmd.args(["migrate", "apply", "--tx-mode", "all", "--dir", &dir, "--url", &url]);
                run(&mut cmd)?
            };
            rows[which].times.push(took);
            db.expect_tables(files)?;
        }
    }
    print_table(
        &format!("apply {files} files to a fresh {} database ({runs} runs each, whole processes)", d.name()),
        &rows,
    );
    if args.iter().any(|a| a == "--trace") {
        // Where one more run's time goes, by strata's own phase marks.
        db.create()?;
        let out = Command::new(&strata)
            .args(["migrate", "apply", "--tx-mode", "all", "--dir", &dir, "--url", &url])
            .env("STRATA_TRACE", "1")
            .output()
            .map_err(|e| format!("running strata: {e}"))?;
        db.expect_tables(files)?;
        println!("\none strata apply, STRATA_TRACE=1:\n{}", String::from_utf8_lossy(&out.stderr));
    }
    db.drop()?;
    let _ = std::fs::remove_dir_all(&work);
    Ok(())
}

/// One file of N statements (a CREATE TABLE, then N INSERTs) applied with
/// the default tx mode, for several N: the time per statement should not
/// grow with N, nor be far from the client's.
fn lines(args: &[String]) -> Result<(), String> {
    let stmts: Vec<usize> = text_flag(args, "--stmts")?
        .unwrap_or("2000,16000,100000")
        .split(',')
        .map(|n| n.trim().parse().map_err(|_| format!("--stmts: {n:?} is not a number")))
        .collect::<Result<_, _>>()?;
    let runs = flag(args, "--runs", 3)?.max(1);
    let d = Dialect::parse(args)?;
    let strata = strata_path()?;
    if let Err(skip) = d.available(&strata) {
        println!("{skip}");
        return Ok(());
    }
    let work = work_dir("lines")?;
    let db = Db::new(d, &work, "strata_bench_lines");
    let url = db.url();
    let mut rows = Vec::new();
    for &n in &stmts {
        let (dir, all) = write_dir(&strata, &work, 1, &|_| {
            let mut sql =
                String::from("CREATE TABLE l (id integer PRIMARY KEY, name varchar(40) NOT NULL, qty integer);\n");
            for k in 1..=n {
                sql.push_str(&format!("INSERT INTO l (id, name, qty) VALUES ({k}, 'name {k}', {k});\n"));
            }
            sql
        })?;
        let script = work.join("all.sql");
        write(&script, &d.in_tx(&all))?;
        let (client_name, _) = db.client(&script)?;
        let mut client = Row::new(format!("{client_name}, {n} INSERTs"));
        client.per = n + 1;
        client.vs = Vs::Row(rows.len());
        let mut ours = Row::new(format!("strata migrate apply, {n} INSERTs"));
        ours.per = n + 1;
        ours.vs = Vs::Row(rows.len());
        for _ in 0..runs {
            db.create()?;
            client.times.push(run(&mut db.client(&script)?.1)?);
            db.create()?;
            ours.times.push(run(Command::new(&strata).args(["migrate", "apply", "--dir", &dir, "--url", &url]))?);
            let count = db.scalar("SELECT count(*) FROM l")?;
            if count != n.to_string() {
                return Err(format!("expected {n} rows after the apply, found {count}"));
            }
        }
        rows.push(client);
        rows.push(ours);
    }
    print_table(
        &format!(
            "one {} file of a CREATE TABLE and N INSERTs, default tx mode ({runs} runs each; \
             ratio: strata vs the client at the same N)",
            d.name()
        ),
        &rows,
    );
    db.drop()?;
    let _ = std::fs::remove_dir_all(&work);
    Ok(())
}

/// `migrate down` on a generated directory against the database's own client
/// running the hand-written downs; `--twice` reverts twice in a row.
fn down(args: &[String]) -> Result<(), String> {
    let files = flag(args, "--files", 300)?;
    let revert = flag(args, "--revert", 50)?;
    let runs = flag(args, "--runs", 5)?.max(1);
    let twice = args.iter().any(|a| a == "--twice");
    let trace = args.iter().any(|a| a == "--trace");
    let keep = args.iter().any(|a| a == "--keep");
    let d = Dialect::parse(args)?;
    let reverted = if twice { 2 * revert } else { revert };
    if reverted > files {
        return Err(format!("cannot revert {reverted} of {files} files"));
    }
    let strata = strata_path()?;
    if let Err(skip) = d.available(&strata) {
        println!("{skip}");
        return Ok(());
    }
    let work = work_dir("down")?;
    let (dir, _) = write_dir(&strata, &work, files, &|i| version_sql(d, i, false))?;
    // The hand-written downs of the first `revert` versions, in one transaction.
    let mut downs: String = ((files - revert + 1)..=files).rev().map(|i| format!("DROP TABLE t{i};\n")).collect();
    downs.push_str(&format!("DELETE FROM {} WHERE version > '{:06}';\n", d.revisions(), files - revert));
    let downs_file = work.join("downs.sql");
    write(&downs_file, &d.in_tx(&downs))?;

    let db = Db::new(d, &work, "strata_bench_down");
    let url = db.url();
    let dev = Db::new(d, &work, "strata_bench_dev");
    let dev_url = match d {
        Dialect::Sqlite => "sqlite://dev?mode=memory".to_string(),
        Dialect::Postgres | Dialect::Mysql => {
            dev.create()?;
            dev.url()
        }
    };
    db.create()?;
    let strata_apply = || {
        let mut cmd = Command::new(&strata);
        cmd.args(["migrate", "apply", "--dir", &dir, "--url", &url]);
        run(&mut cmd)
    };
    eprintln!("setup: {files} files applied in {}", ms(strata_apply()?));
    let base = work.join("base.db");
    // PostgreSQL's copy of a database: a clone of it as a template.
    let template = Db::new(d, &work, "strata_bench_base");
    match d {
        Dialect::Sqlite => {
            std::fs::copy(db.path(), &base).map_err(|e| e.to_string())?;
        }
        Dialect::Postgres => {
            template.drop()?;
            psql(&template.server, &format!("CREATE DATABASE {} TEMPLATE {}", template.name, db.name))?;
        }
        Dialect::Mysql => {}
    }
    // Back to all files applied: a copy for SQLite, a clone of the template
    // for PostgreSQL (the same catalog rows, as a file copy is the same
    // file), re-applying the reverted versions on MariaDB (untimed each).
    // Each timed command starts from the restored state with nothing left
    // for the disk to write: a run's fsyncs must not wait out what the
    // restore or the previous row (a cold run writes its state cache) left
    // in the page cache.
    let restore_state = || -> Result<(), String> {
        match d {
            Dialect::Sqlite => std::fs::copy(&base, db.path()).map(|_| ()).map_err(|e| e.to_string()),
            Dialect::Postgres => {
                db.drop()?;
                psql(&db.server, &format!("CREATE DATABASE {} TEMPLATE {}", db.name, template.name))?;
                db.expect_tables(files)
            }
            Dialect::Mysql => {
                if db.tables()? != files {
                    strata_apply()?;
                }
                db.expect_tables(files)
            }
        }
    };
    let restore = || -> Result<(), String> {
        restore_state()?;
        settle_disk()
    };
    let n = revert.to_string();
    let strata_down = |cache: &Path, extra: &[&str]| {
        let mut cmd = Command::new(&strata);
        cmd.args(["migrate", "down", &n, "--dir", &dir, "--url", &url, "--dev-url", &dev_url])
            .args(extra)
            .env("STRATA_CACHE_DIR", cache);
        cmd
    };
    // The baseline client: for SQLite the minimal rusqlite client (no shell, no
    // output; the sqlite3 CLI gets its own row), else the server's own client.
    let baseline = || -> Result<(String, Command), String> {
        if d == Dialect::Sqlite {
            let mut cmd = Command::new(std::env::current_exe().map_err(|e| e.to_string())?);
            cmd.arg("raw").arg(db.path()).arg(&downs_file);
            Ok(("raw client".into(), cmd))
        } else {
            db.client(&downs_file)
        }
    };
    let mut rows = vec![Row::new(format!("{} running the downs (baseline)", baseline()?.0))];
    let cold_cache = work.join("cache-cold");
    let warm_cache = work.join("cache-warm");

    if twice {
        rows.push(Row::new(format!("strata down {revert}, 1st (empty cache)")));
        rows.push(Row::new(format!("strata down {revert}, 2nd (next {revert})")));
        for _ in 0..runs {
            restore()?;
            rows[0].times.push(run(&mut baseline()?.1)?);
            db.expect_tables(files - revert)?;
            restore()?;
            let _ = std::fs::remove_dir_all(&cold_cache);
            rows[1].times.push(run(&mut strata_down(&cold_cache, &[]))?);
            db.expect_tables(files - revert)?;
            rows[2].times.push(run(&mut strata_down(&cold_cache, &[]))?);
            db.expect_tables(files - 2 * revert)?;
        }
        print_table(
            &format!(
                "migrate down {revert} twice in a row on a {files}-file {} directory ({runs} runs each)",
                d.name()
            ),
            &rows,
        );
        let size = dir_size(&cold_cache);
        println!("\nstate cache after the two downs: {:.1} MB ({size} bytes)", size as f64 / 1e6);
    } else {
        rows.push(Row::new("strata down, cold cache"));
        rows.push(Row::new("strata down, warm cache"));
        rows.push(Row::new("strata plan only (dry run), warm"));
        let sqlite3 = d == Dialect::Sqlite && sqlite3_installed();
        if sqlite3 {
            rows.push(Row::new("sqlite3 CLI, same downs"));
        }
        // Fill the warm cache once.
        restore()?;
        run(&mut strata_down(&warm_cache, &["--dry-run"]))?;
        for _ in 0..runs {
            restore()?;
            rows[0].times.push(run(&mut baseline()?.1)?);
            db.expect_tables(files - revert)?;
            if sqlite3 {
                restore()?;
                rows[4].times.push(run(&mut db.client(&downs_file)?.1)?);
                db.expect_tables(files - revert)?;
            }
            restore()?;
            let _ = std::fs::remove_dir_all(&cold_cache);
            rows[1].times.push(run(&mut strata_down(&cold_cache, &[]))?);
            db.expect_tables(files - revert)?;
            restore()?;
            rows[2].times.push(run(&mut strata_down(&warm_cache, &[]))?);
            db.expect_tables(files - revert)?;
            restore()?;
            rows[3].times.push(run(&mut strata_down(&warm_cache, &["--dry-run"]))?);
        }
        print_table(
            &format!("migrate down {revert} on a {files}-file {} directory ({runs} runs each)", d.name()),
            &rows,
        );
        if let Some(cli) = rows.get(4) {
            let ratio = rows[2].median().as_secs_f64() / cli.median().as_secs_f64();
            println!("\nwarm strata down vs the sqlite3 CLI: {ratio:.2}x");
        }
        if trace {
            // Where one more warm run's time goes, by strata's own phase marks.
            restore()?;
            let out = strata_down(&warm_cache, &[])
                .env("STRATA_TRACE", "1")
                .output()
                .map_err(|e| format!("running strata: {e}"))?;
            db.expect_tables(files - revert)?;
            println!("\none warm strata down, STRATA_TRACE=1:\n{}", String::from_utf8_lossy(&out.stderr));
        }
    }
    db.drop()?;
    if d != Dialect::Sqlite {
        dev.drop()?;
    }
    if d == Dialect::Postgres {
        template.drop()?;
    }
    if keep && d == Dialect::Sqlite {
        println!("\nkept for profiling: {} (base.db is the applied database)", work.display());
    } else {
        let _ = std::fs::remove_dir_all(&work);
    }
    Ok(())
}

/// How soon a `strata migrate apply` waiting for the migration lock runs its
/// first statement after the holder releases the lock (see bench/README.md).
fn lock(args: &[String]) -> Result<(), String> {
    let runs = flag(args, "--runs", 5)?.max(1);
    let strata = strata_path()?;
    let dialects = match text_flag(args, "--dialect")? {
        Some(_) => vec![Dialect::parse(args)?],
        None => vec![Dialect::Postgres, Dialect::Mysql, Dialect::Sqlite],
    };
    let work = work_dir("lock")?;
    let mut rows = Vec::new();
    for d in dialects {
        if let Err(skip) = d.available(&strata) {
            println!("{skip}");
            continue;
        }
        let mut row = Row::new(format!("{}, waiter start after release", d.name()));
        row.vs = Vs::Target(Duration::from_millis(50));
        for i in 0..runs {
            // Spread the hold over runs so a polling waiter is caught at
            // different points of its back-off.
            let hold = Duration::from_millis(300 + (i as u64 * 61) % 250);
            row.times.push(lock_once(d, &strata, &work, hold)?);
        }
        rows.push(row);
    }
    if !rows.is_empty() {
        print_table(
            &format!(
                "migration lock hand-over: waiter start after the holder's release ({runs} runs each; target 50 ms)"
            ),
            &rows,
        );
    }
    let _ = std::fs::remove_dir_all(&work);
    Ok(())
}

/// A client process holding the lock, driven through its stdin.
struct Holder {
    child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
}

impl Holder {
    fn start(mut cmd: Command) -> Result<Holder, String> {
        let mut child =
            cmd.stdin(Stdio::piped()).stdout(Stdio::piped()).spawn().map_err(|e| format!("{cmd:?}: {e}"))?;
        let stdin = child.stdin.take().ok_or("no stdin")?;
        let stdout = BufReader::new(child.stdout.take().ok_or("no stdout")?);
        Ok(Holder { child, stdin, stdout })
    }

    /// Sends one statement and reads its one line of output.
    fn ask(&mut self, sql: &str) -> Result<String, String> {
        writeln!(self.stdin, "{sql}").and_then(|()| self.stdin.flush()).map_err(|e| e.to_string())?;
        let mut line = String::new();
        self.stdout.read_line(&mut line).map_err(|e| e.to_string())?;
        Ok(line.trim().to_string())
    }

    fn finish(mut self) {
        drop(self.stdin);
        let _ = self.child.wait();
    }
}

fn lock_once(d: Dialect, strata: &Path, work: &Path, hold: Duration) -> Result<Duration, String> {
    const LOCK: &str = "atlas_migrate_execute";
    let db = Db::new(d, work, "strata_bench_lock");
    db.create()?;
    let (ts, now) = match d {
        Dialect::Sqlite => ("real", "(julianday('now') - 2440587.5) * 86400000.0"),
        Dialect::Postgres => ("timestamptz", "clock_timestamp()"),
        Dialect::Mysql => ("datetime(6)", "SYSDATE(6)"),
    };
    let (dir, _) = write_dir(strata, work, 2, &|i| match i {
        1 => format!("CREATE TABLE bench_marks (what varchar(20), at {ts});\n"),
        _ => format!("INSERT INTO bench_marks (what, at) VALUES ('waiter', {now});\n"),
    })?;
    // SQLite's lock is a file in the waiter's temporary directory: a private one.
    let tmp = work.join("tmp");
    std::fs::create_dir_all(&tmp).map_err(|e| e.to_string())?;
    let url = db.url();
    let strata_apply = |extra: &[&str]| {
        let mut cmd = Command::new(strata);
        cmd.args(["migrate", "apply", "--dir", &dir, "--url", &url]).args(extra).env("TMPDIR", &tmp);
        cmd
    };
    run(&mut strata_apply(&["1"]))?;

    // Take the lock.
    let mut holder = None;
    let mut file = None;
    match d {
        Dialect::Sqlite => {
            let path = std::fs::read_dir(&tmp)
                .map_err(|e| e.to_string())?
                .flatten()
                .map(|e| e.path())
                .find(|p| p.file_name().is_some_and(|n| n.to_string_lossy().starts_with(&format!("strata_{LOCK}_"))))
                .ok_or("the first apply left no lock file")?;
            let f = std::fs::OpenOptions::new().read(true).write(true).open(&path).map_err(|e| e.to_string())?;
            f.lock().map_err(|e| e.to_string())?;
            file = Some(f);
        }
        Dialect::Postgres => {
            let mut cmd = Command::new("psql");
            cmd.args([&url, "-X", "-q", "-At"]);
            let mut h = Holder::start(cmd)?;
            let got = h.ask(&format!("SELECT 'held' FROM (SELECT pg_advisory_lock({})) s;", lock_id(LOCK)))?;
            if got != "held" {
                return Err(format!("psql could not take the lock: {got:?}"));
            }
            holder = Some(h);
        }
        Dialect::Mysql => {
            let mut cmd = Command::new("mariadb");
            cmd.args(mysql_args(&db.server)).arg(&db.name).args(["-n", "-N", "-B"]);
            let mut h = Holder::start(cmd)?;
            let got = h.ask(&format!("SELECT GET_LOCK('{LOCK}', 0);"))?;
            if got != "1" {
                return Err(format!("mariadb could not take the lock: {got:?}"));
            }
            holder = Some(h);
        }
    }

    // Start the waiter; make sure it waits, then hold on a while.
    let waiter = strata_apply(&[]).stdout(Stdio::null()).stderr(Stdio::piped()).spawn().map_err(|e| e.to_string())?;
    // A server shows the waiter queued (SQLite cannot: the hold alone covers its start).
    let queued = match d {
        Dialect::Sqlite => None,
        Dialect::Postgres => Some("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"),
        Dialect::Mysql => {
            Some("SELECT count(*) FROM information_schema.processlist WHERE info LIKE 'SELECT GET_LOCK%'")
        }
    };
    if let Some(queued) = queued {
        let deadline = Instant::now() + Duration::from_secs(10);
        while db.scalar(queued)? == "0" {
            if Instant::now() > deadline {
                return Err("the waiter never queued for the lock".into());
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }
    std::thread::sleep(hold);

    // Release, reading the clock just before (so the figure can only be too large).
    let released = match (d, holder.as_mut(), file.take()) {
        (Dialect::Sqlite, _, Some(f)) => {
            let at = SystemTime::now().duration_since(UNIX_EPOCH).map_err(|e| e.to_string())?;
            drop(f);
            format!("{}", at.as_secs_f64() * 1000.0)
        }
        (Dialect::Postgres, Some(h), _) => {
            let line = h.ask(&format!("SELECT clock_timestamp(), pg_advisory_unlock({});", lock_id(LOCK)))?;
            line.split('|').next().unwrap_or_default().to_string()
        }
        (Dialect::Mysql, Some(h), _) => {
            let line = h.ask(&format!("SELECT SYSDATE(6), RELEASE_LOCK('{LOCK}');"))?;
            line.split('\t').next().unwrap_or_default().to_string()
        }
        _ => return Err("no lock holder".into()),
    };
    let out = waiter.wait_with_output().map_err(|e| e.to_string())?;
    if let Some(h) = holder {
        h.finish();
    }
    if !out.status.success() {
        return Err(format!("the waiting apply failed: {}", String::from_utf8_lossy(&out.stderr)));
    }
    let latency_ms = match d {
        Dialect::Sqlite => format!("SELECT at - {released} FROM bench_marks WHERE what = 'waiter'"),
        Dialect::Postgres => format!(
            "SELECT extract(epoch FROM at - '{released}'::timestamptz) * 1000 FROM bench_marks WHERE what = 'waiter'"
        ),
        Dialect::Mysql => {
            format!("SELECT TIMESTAMPDIFF(MICROSECOND, '{released}', at) / 1000 FROM bench_marks WHERE what = 'waiter'")
        }
    };
    let text = db.scalar(&latency_ms)?;
    let ms: f64 = text.parse().map_err(|_| format!("latency {text:?}"))?;
    db.drop()?;
    Ok(Duration::from_secs_f64(ms.max(0.0) / 1000.0))
}

/// The PostgreSQL advisory-lock id of a lock name: FNV-1 (not 1a), 32 bits, as
/// Atlas (and strata's plugin) compute it.
fn lock_id(name: &str) -> i64 {
    let mut hash: u32 = 2_166_136_261;
    for byte in name.bytes() {
        hash = hash.wrapping_mul(16_777_619);
        hash ^= u32::from(byte);
    }
    i64::from(hash)
}

/// The server to use: `--url`, else `STRATA_TEST_POSTGRES_URL`.
fn pg_base(args: &[String]) -> Result<String, String> {
    match args.iter().position(|a| a == "--url") {
        Some(i) => args.get(i + 1).cloned().ok_or_else(|| "--url needs a value".to_string()),
        None => std::env::var("STRATA_TEST_POSTGRES_URL")
            .map_err(|_| "set STRATA_TEST_POSTGRES_URL (or pass --url) to a PostgreSQL server".to_string()),
    }
}

/// `url` with its database replaced by `db`.
fn with_db(url: &str, db: &str) -> String {
    let (head, query) = url.split_once('?').unwrap_or((url, ""));
    let start = head.find("://").map_or(0, |i| i + 3);
    let head = head[start..].find('/').map_or(head, |i| &head[..start + i]);
    if query.is_empty() { format!("{head}/{db}") } else { format!("{head}/{db}?{query}") }
}

fn psql(url: &str, sql: &str) -> Result<String, String> {
    let out = Command::new("psql")
        .args([url, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-At", "-c", sql])
        .output()
        .map_err(|e| format!("running psql: {e}"))?;
    if !out.status.success() {
        return Err(format!("psql: {}", String::from_utf8_lossy(&out.stderr)));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

fn fresh_db(base: &str, name: &str) -> Result<String, String> {
    psql(base, &format!("DROP DATABASE IF EXISTS {name}"))?;
    psql(base, &format!("CREATE DATABASE {name}"))?;
    Ok(with_db(base, name))
}

/// DDL of `n` tables, each with 10 columns, 2 indexes and a foreign key to the
/// previous one; tables for which `changed` holds differ a little.
fn pg_schema(n: usize, changed: &dyn Fn(usize) -> bool) -> String {
    let mut sql = String::new();
    for i in 1..=n {
        let fk = if i > 1 { format!(" REFERENCES t{} (id)", i - 1) } else { String::new() };
        let (c4, extra, idx) = if changed(i) {
            ("varchar(200)", ", c9 boolean DEFAULT false", format!("CREATE INDEX t{i}_c4 ON t{i} (c4);"))
        } else {
            ("text", "", format!("CREATE INDEX t{i}_c2_c3 ON t{i} (c2, c3);"))
        };
        sql.push_str(&format!(
            "CREATE TABLE t{i} (id bigint PRIMARY KEY, ref_id bigint{fk}, c1 text NOT NULL, c2 integer, \
             c3 numeric(10,2), c4 {c4}, c5 integer DEFAULT 0, c6 timestamptz, c7 boolean, c8 jsonb{extra});\n\
             CREATE INDEX t{i}_c1 ON t{i} (c1);\n{idx}\n"
        ));
    }
    sql
}

fn load(url: &str, work: &Path, name: &str, sql: &str) -> Result<(), String> {
    let file = work.join(format!("{name}.sql"));
    std::fs::write(&file, sql).map_err(|e| e.to_string())?;
    let out = Command::new("psql")
        .args([url, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-1", "-f"])
        .arg(&file)
        .output()
        .map_err(|e| e.to_string())?;
    if out.status.success() { Ok(()) } else { Err(format!("loading {name}: {}", String::from_utf8_lossy(&out.stderr))) }
}

/// Peak RSS (KiB) of one run of `cmd`, read with GNU time.
fn peak_rss(cmd: &[&str]) -> Option<u64> {
    let out = Command::new("/usr/bin/time").arg("-f").arg("%M").args(cmd).output().ok()?;
    String::from_utf8_lossy(&out.stderr).lines().last()?.trim().parse().ok()
}

fn pg_inspect(args: &[String]) -> Result<(), String> {
    let n = flag(args, "--tables", 1000)?;
    let runs = flag(args, "--runs", 5)?.max(1);
    let base = pg_base(args)?;
    let strata = strata_path()?;
    let work = std::env::temp_dir().join(format!("strata-bench-pg-{}", std::process::id()));
    std::fs::create_dir_all(&work).map_err(|e| e.to_string())?;
    let url = fresh_db(&base, "strata_bench_inspect")?;
    load(&url, &work, "schema", &pg_schema(n, &|_| false))?;
    let mut row = Row::new("strata schema inspect (json)");
    for _ in 0..runs {
        row.times.push(run(Command::new(&strata).args(["schema", "inspect", "--url", &url, "--format", "json"]))?);
    }
    let s = strata.to_string_lossy().into_owned();
    let rss = peak_rss(&[&s, "schema", "inspect", "--url", &url, "--format", "json"]);
    print_table(
        &format!(
            "inspect a {n}-table PostgreSQL schema (10 columns, 2 indexes, 1 FK each; {runs} runs, whole process)"
        ),
        &[row],
    );
    match rss {
        Some(kib) => println!("\npeak RSS: {:.1} MB", kib as f64 / 1024.0),
        None => println!("\npeak RSS: unknown (/usr/bin/time missing)"),
    }
    psql(&base, "DROP DATABASE IF EXISTS strata_bench_inspect")?;
    let _ = std::fs::remove_dir_all(&work);
    Ok(())
}

fn pg_diff(args: &[String]) -> Result<(), String> {
    let n = flag(args, "--tables", 500)?;
    let runs = flag(args, "--runs", 5)?.max(1);
    let base = pg_base(args)?;
    let strata = strata_path()?;
    let migra = match args.iter().position(|a| a == "--migra") {
        Some(i) => args.get(i + 1).cloned().ok_or("--migra needs a path")?,
        None => "migra".to_string(),
    };
    let work = std::env::temp_dir().join(format!("strata-bench-pgdiff-{}", std::process::id()));
    std::fs::create_dir_all(&work).map_err(|e| e.to_string())?;
    // 5% of the tables differ: a column added, a type changed, an index swapped.
    let changed = |i: usize| i.is_multiple_of(20);
    let from = fresh_db(&base, "strata_bench_from")?;
    let to = fresh_db(&base, "strata_bench_to")?;
    load(&from, &work, "from", &pg_schema(n, &|_| false))?;
    load(&to, &work, "to", &pg_schema(n, &changed))?;

    let mut theirs = Row::new("migra (baseline)");
    let mut ours = Row::new("strata schema diff");
    let mut migra_sql = String::new();
    // SQLAlchemy (under migra) knows only the `postgresql://` spelling.
    let alchemy = |u: &str| u.replacen("postgres://", "postgresql://", 1);
    let (from_a, to_a) = (alchemy(&from), alchemy(&to));
    for _ in 0..runs {
        let start = Instant::now();
        let out = Command::new(&migra)
            .args(["--unsafe", &from_a, &to_a])
            .output()
            .map_err(|e| format!("running migra: {e}"))?;
        theirs.times.push(start.elapsed());
        // migra exits 2 when it found differences.
        if !matches!(out.status.code(), Some(0 | 2)) {
            return Err(format!("migra failed: {}", String::from_utf8_lossy(&out.stderr)));
        }
        migra_sql = String::from_utf8_lossy(&out.stdout).into_owned();
        ours.times.push(run(Command::new(&strata).args(["schema", "diff", "--from", &from, "--to", &to]))?);
    }
    let rows = [theirs, ours];
    print_table(
        &format!("diff two {n}-table PostgreSQL databases differing in {} tables ({runs} runs, whole process)", n / 20),
        &rows,
    );
    let speedup = rows[0].median().as_secs_f64() / rows[1].median().as_secs_f64();
    println!("\nstrata is {speedup:.1}x faster than migra");

    // Convergence: apply each tool's plan to a copy of `from`, then diff again.
    let converges = |name: &str, sql: &str| -> Result<String, String> {
        let copy = fresh_db(&base, name)?;
        load(&copy, &work, "from-copy", &pg_schema(n, &|_| false))?;
        load(&copy, &work, name, sql)?;
        let out = Command::new(&strata)
            .args(["schema", "diff", "--from", &copy, "--to", &to])
            .output()
            .map_err(|e| e.to_string())?;
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        psql(&base, &format!("DROP DATABASE IF EXISTS {name}"))?;
        Ok(if text.contains("Schemas are synced") {
            "converges (a second diff is empty)".into()
        } else {
            format!("does NOT converge; left:\n{text}")
        })
    };
    let our_sql = Command::new(&strata)
        .args(["schema", "diff", "--from", &from, "--to", &to])
        .output()
        .map_err(|e| e.to_string())?
        .stdout;
    println!("strata's plan: {}", converges("strata_bench_ours", &String::from_utf8_lossy(&our_sql))?);
    println!("migra's plan:  {}", converges("strata_bench_migra", &migra_sql)?);
    for db in ["strata_bench_from", "strata_bench_to"] {
        psql(&base, &format!("DROP DATABASE IF EXISTS {db}"))?;
    }
    let _ = std::fs::remove_dir_all(&work);
    Ok(())
}

/// `migrate apply --env tenant` over a `for_each` env of N SQLite tenant
/// files (a 5-file directory), one target at a time vs `--parallel 2`.
fn fanout(args: &[String]) -> Result<(), String> {
    let tenants = flag(args, "--tenants", 1000)?.max(1);
    let runs = flag(args, "--runs", 3)?.max(1);
    let strata = strata_path()?;
    let work = work_dir("fanout")?;
    write_dir(&strata, &work, 5, &|i| version_sql(Dialect::Sqlite, i, i == 5))?;
    let names: Vec<String> = (0..tenants).map(|i| format!("\"t{i:05}\"")).collect();
    write(
        &work.join("atlas.hcl"),
        &format!(
            "env \"tenant\" {{\n  for_each = toset([{}])\n  url      = \"sqlite://tenants/${{each.value}}.db\"\n}}\n",
            names.join(", ")
        ),
    )?;
    let mut rows = vec![Row::new("--parallel 1 (one tenant at a time)"), Row::new("--parallel 2")];
    for _ in 0..runs {
        for (row, parallel) in rows.iter_mut().zip(["1", "2"]) {
            // Fresh tenants and a fresh registry each run.
            for d in ["tenants", ".strata"] {
                let _ = std::fs::remove_dir_all(work.join(d));
            }
            std::fs::create_dir_all(work.join("tenants")).map_err(|e| e.to_string())?;
            // The previous run's writes reach the disk now, not during this one.
            let _ = Command::new("sync").status();
            let mut cmd = Command::new(&strata);
            cmd.args(["migrate", "apply", "--env", "tenant", "--parallel", parallel]).current_dir(&work);
            row.times.push(run(&mut cmd)?);
            // Every tenant holds the five versions.
            for i in 0..tenants {
                let db = work.join("tenants").join(format!("t{i:05}.db"));
                let conn = rusqlite::Connection::open(&db).map_err(|e| e.to_string())?;
                let n: i64 = conn
                    .query_row("SELECT count(*) FROM atlas_schema_revisions", [], |r| r.get(0))
                    .map_err(|e| format!("{}: {e}", db.display()))?;
                if n != 5 {
                    return Err(format!("{} holds {n} versions, not 5", db.display()));
                }
            }
        }
    }
    print_table(&format!("migrate apply of a 5-file directory to {tenants} SQLite tenants ({runs} runs each)"), &rows);
    let speedup = rows[0].median().as_secs_f64() / rows[1].median().as_secs_f64();
    println!("\n--parallel 2 speedup: {speedup:.2}x (target 1.7x on 2 cores)");
    let _ = std::fs::remove_dir_all(&work);
    Ok(())
}
