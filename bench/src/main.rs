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
        _ => Err("usage: strata-bench down [--files N] [--revert M] [--runs R] | strata-bench raw DB FILE".into()),
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

    let mut rows = vec![
        Row { name: "raw client (baseline)", times: Vec::new() },
        Row { name: "strata down, cold cache", times: Vec::new() },
        Row { name: "strata down, warm cache", times: Vec::new() },
        Row { name: "strata plan only (dry run), warm", times: Vec::new() },
    ];
    // Fill the warm cache once.
    fresh()?;
    run(&mut strata_down(&warm_cache, &["--dry-run"]))?;
    for _ in 0..runs {
        fresh()?;
        rows[0].times.push(run(Command::new(&bin).arg("raw").arg(&db).arg(&downs_file))?);
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

    let baseline = rows[0].median();
    println!("migrate down {revert} on a {files}-file SQLite directory ({runs} runs each)\n");
    println!("| {:<34} | {:>10} | {:>10} | {:>10} | {:>12} |", "command", "min", "median", "max", "vs baseline");
    println!("|{:-<36}|{:->12}|{:->12}|{:->12}|{:->14}|", "", "", "", "", "");
    for row in &rows {
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
