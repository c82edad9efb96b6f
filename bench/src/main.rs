//! `strata-bench`: times the `strata` binary as whole processes against a
//! baseline measured in the same run, and prints a table.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::{Duration, Instant};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("raw") if args.len() == 3 => raw(Path::new(&args[1]), Path::new(&args[2])),
        Some("down") | None => down(args.get(1..).unwrap_or_default()),
        Some("pg-inspect") => pg_inspect(args.get(1..).unwrap_or_default()),
        Some("pg-diff") => pg_diff(args.get(1..).unwrap_or_default()),
        _ => Err("usage: strata-bench down [--files N] [--revert M] [--runs R] | pg-inspect [--tables N] | \
                  pg-diff [--tables N] [--migra PATH] | raw DB FILE"
            .into()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
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

fn run(cmd: &mut Command) -> Result<Duration, String> {
    let start = Instant::now();
    let out = cmd.output().map_err(|e| e.to_string())?;
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

struct Row {
    name: &'static str,
    times: Vec<Duration>,
}

impl Row {
    fn median(&self) -> Duration {
        let mut t = self.times.clone();
        t.sort();
        t[t.len() / 2]
    }
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

fn down(args: &[String]) -> Result<(), String> {
    let files = flag(args, "--files", 300)?;
    let revert = flag(args, "--revert", 50)?;
    let runs = flag(args, "--runs", 5)?.max(1);
    let bin = std::env::current_exe().map_err(|e| e.to_string())?;
    let bin_dir = bin.parent().ok_or("no binary directory")?.to_path_buf();
    let strata = bin_dir.join("strata");
    if !strata.exists() {
        return Err(format!("{} is missing: run `cargo build --release --workspace` first", strata.display()));
    }
    let work = std::env::temp_dir().join(format!("strata-bench-down-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&work);
    let dir = work.join("migrations");
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;

    // Each version: a table with 10 columns, 2 indexes and a foreign key to the previous one.
    for i in 1..=files {
        let fk = if i > 1 { format!(" REFERENCES t{} (id)", i - 1) } else { String::new() };
        let sql = format!(
            "CREATE TABLE t{i} (id integer PRIMARY KEY, ref_id integer{fk}, c1 text NOT NULL, c2 integer, c3 real, \
             c4 text, c5 integer DEFAULT 0, c6 text, c7 integer, c8 text);\n\
             CREATE INDEX t{i}_c1 ON t{i} (c1);\nCREATE INDEX t{i}_c2_c3 ON t{i} (c2, c3);\n"
        );
        std::fs::write(dir.join(format!("{i:06}_t{i}.sql")), sql).map_err(|e| e.to_string())?;
    }
    let downs: String = std::iter::once("BEGIN;\n".to_string())
        .chain(((files - revert + 1)..=files).rev().map(|i| format!("DROP TABLE t{i};\n")))
        .chain(std::iter::once(
            "DELETE FROM atlas_schema_revisions WHERE version > '".to_string()
                + &format!("{:06}", files - revert)
                + "';\nCOMMIT;\n",
        ))
        .collect();
    let downs_file = work.join("downs.sql");
    std::fs::write(&downs_file, downs).map_err(|e| e.to_string())?;

    let dir_url = format!("file://{}", dir.display());
    run(Command::new(&strata).args(["migrate", "hash", "--dir", &dir_url]))?;
    let base = work.join("base.db");
    let apply = run(Command::new(&strata).args([
        "migrate",
        "apply",
        "--dir",
        &dir_url,
        "--url",
        &format!("sqlite://{}", base.display()),
    ]))?;
    eprintln!("setup: {files} files applied in {}", ms(apply));

    let db = work.join("run.db");
    let fresh = || std::fs::copy(&base, &db).map(|_| ()).map_err(|e| e.to_string());
    let url = format!("sqlite://{}", db.display());
    let cold_cache = work.join("cache-cold");
    let warm_cache = work.join("cache-warm");
    let n = revert.to_string();
    let strata_down = |cache: &Path, extra: &[&str]| {
        let mut cmd = Command::new(&strata);
        cmd.args(["migrate", "down", &n, "--dir", &dir_url, "--url", &url, "--dev-url", "sqlite://dev?mode=memory"])
            .args(extra)
            .env("STRATA_CACHE_DIR", cache);
        cmd
    };

    // The sqlite3 CLI is the raw client users have; the minimal rusqlite client
    // is the stricter baseline (no shell, no output), so ratios use it.
    let sqlite3 = Command::new("sqlite3").arg("-version").output().is_ok_and(|o| o.status.success());
    let mut rows = vec![
        Row { name: "raw client (baseline)", times: Vec::new() },
        Row { name: "strata down, cold cache", times: Vec::new() },
        Row { name: "strata down, warm cache", times: Vec::new() },
        Row { name: "strata plan only (dry run), warm", times: Vec::new() },
        Row { name: "sqlite3 CLI, same downs", times: Vec::new() },
    ];
    // Fill the warm cache once.
    fresh()?;
    run(&mut strata_down(&warm_cache, &["--dry-run"]))?;
    for _ in 0..runs {
        fresh()?;
        rows[0].times.push(run(Command::new(&bin).arg("raw").arg(&db).arg(&downs_file))?);
        if sqlite3 {
            fresh()?;
            let input = std::fs::File::open(&downs_file).map_err(|e| e.to_string())?;
            rows[4].times.push(run(Command::new("sqlite3").arg(&db).stdin(input))?);
            check_reverted(&db, files - revert)?;
        }
        fresh()?;
        let _ = std::fs::remove_dir_all(&cold_cache);
        rows[1].times.push(run(&mut strata_down(&cold_cache, &[]))?);
        check_reverted(&db, files - revert)?;
        fresh()?;
        rows[2].times.push(run(&mut strata_down(&warm_cache, &[]))?);
        check_reverted(&db, files - revert)?;
        fresh()?;
        rows[3].times.push(run(&mut strata_down(&warm_cache, &["--dry-run"]))?);
    }

    if !sqlite3 {
        rows.pop();
    }
    print_table(&format!("migrate down {revert} on a {files}-file SQLite directory ({runs} runs each)"), &rows);
    if let Some(cli) = rows.get(4) {
        let ratio = rows[2].median().as_secs_f64() / cli.median().as_secs_f64();
        println!("\nwarm strata down vs the sqlite3 CLI: {ratio:.2}x");
    }
    let _ = std::fs::remove_dir_all(&work);
    Ok(())
}

/// Prints rows with min/median/max and the ratio of each median to the first row's.
fn print_table(title: &str, rows: &[Row]) {
    let baseline = rows[0].median();
    println!("{title}\n");
    println!("| {:<34} | {:>10} | {:>10} | {:>10} | {:>12} |", "command", "min", "median", "max", "vs baseline");
    println!("|{:-<36}|{:->12}|{:->12}|{:->12}|{:->14}|", "", "", "", "", "");
    for row in rows {
        let min = row.times.iter().min().copied().unwrap_or_default();
        let max = row.times.iter().max().copied().unwrap_or_default();
        let ratio = row.median().as_secs_f64() / baseline.as_secs_f64();
        println!(
            "| {:<34} | {:>10} | {:>10} | {:>10} | {:>11.2}x |",
            row.name,
            ms(min),
            ms(row.median()),
            ms(max),
            ratio
        );
    }
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

fn strata_path() -> Result<PathBuf, String> {
    let bin = std::env::current_exe().map_err(|e| e.to_string())?;
    let strata = bin.parent().ok_or("no binary directory")?.join("strata");
    if strata.exists() {
        Ok(strata)
    } else {
        Err(format!("{} is missing: build the workspace in release", strata.display()))
    }
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
    let mut row = Row { name: "strata schema inspect (json)", times: Vec::new() };
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

    let mut theirs = Row { name: "migra (baseline)", times: Vec::new() };
    let mut ours = Row { name: "strata schema diff", times: Vec::new() };
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

/// The run must really have reverted: `remaining` tables of ours left.
fn check_reverted(db: &PathBuf, remaining: usize) -> Result<(), String> {
    let conn = rusqlite::Connection::open(db).map_err(|e| e.to_string())?;
    let n: i64 = conn
        .query_row("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name LIKE 't%'", [], |r| r.get(0))
        .map_err(|e| e.to_string())?;
    if usize::try_from(n).ok() == Some(remaining) {
        Ok(())
    } else {
        Err(format!("expected {remaining} tables after the revert, found {n}"))
    }
}
