//! Random schema pairs (issue 9): a current schema and a desired one derived
//! from it by 1–6 random changes go through declarative apply, versioned
//! diff + apply, `migrate down` and a re-diff; each outcome is judged from the
//! database's own catalog against a reference database the database's own
//! client loaded. A failing pair is shrunk to a minimal case.
//!
//! SQLite, PostgreSQL (`STRATA_TEST_POSTGRES_URL`) and MySQL/MariaDB
//! (`STRATA_TEST_MYSQL_URL`; judged by the server's `SHOW CREATE`, key and
//! column order included).
//!
//! `STRATA_PAIRS` (default 40) pairs per dialect from seed `STRATA_PAIRS_SEED`
//! (default 1); `STRATA_PAIRS_SHRINK` (default 6) bounds how many distinct
//! failures are shrunk, `STRATA_PAIRS_SHRINK_STEPS` (default 40) the steps of each; `STRATA_PAIRS_REPORT=FILE` appends the minimized
//! cases to FILE as Markdown.

#[path = "pairs/catalog.rs"]
mod catalog;
#[path = "pairs/gen.rs"]
mod generator;

use generator::{Dialect, Pair};
use std::path::Path;
use std::process::Command;
use std::time::Instant;
use strata_tests::{MyDb, PgDb, Sandbox, server_url};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Op {
    Declarative,
    Versioned,
    Down,
    Rediff,
}

const OPS: [Op; 4] = [Op::Declarative, Op::Versioned, Op::Down, Op::Rediff];

impl Op {
    fn label(self) -> &'static str {
        match self {
            Op::Declarative => "schema apply",
            Op::Versioned => "migrate diff+apply",
            Op::Down => "migrate down",
            Op::Rediff => "re-diff empty",
        }
    }
}

#[derive(Clone, Debug)]
enum Outcome {
    Pass,
    Fail(String),
    /// Not run: the step it builds on failed.
    Skip,
}

const SQLITE_DEV: &str = "sqlite://dev?mode=memory";

fn env_u64(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

/// Runs `psql -f FILE` on a database; the error text when it refuses.
fn psql_file(url: &str, file: &Path) -> Result<(), String> {
    let out = Command::new("psql")
        .args([url, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-f"])
        .arg(file)
        .output()
        .expect("run psql");
    if out.status.success() { Ok(()) } else { Err(String::from_utf8_lossy(&out.stderr).into_owned()) }
}

/// One dialect's databases for one pair.
enum Dbs {
    Sqlite,
    /// Current (then the declarative target), desired reference, versioned target, dev.
    Postgres {
        cur: PgDb,
        des: PgDb,
        ver: PgDb,
        dev: PgDb,
    },
    /// The same four on MySQL/MariaDB: a database is cheap to create there, so all are fresh per pair.
    Mysql {
        cur: MyDb,
        des: MyDb,
        ver: MyDb,
        dev: MyDb,
    },
}

/// Target and reference databases are reused across pairs (emptied and
/// checked empty by the catalog): creating three databases per pair tripled
/// the run time. The dev database is still a fresh one per pair.
static POOL: std::sync::Mutex<Vec<PgDb>> = std::sync::Mutex::new(Vec::new());

const PG_EMPTY: &str = "DO $$ DECLARE r record; BEGIN \
    DROP SCHEMA IF EXISTS aux CASCADE; DROP SCHEMA IF EXISTS atlas_schema_revisions CASCADE; \
    FOR r IN SELECT c.relkind, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
        WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm', 'S') LOOP \
      EXECUTE format('DROP %s IF EXISTS public.%I CASCADE', CASE r.relkind WHEN 'v' THEN 'VIEW' \
        WHEN 'm' THEN 'MATERIALIZED VIEW' WHEN 'S' THEN 'SEQUENCE' ELSE 'TABLE' END, r.relname); \
    END LOOP; \
    FOR r IN SELECT t.typname FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace \
        WHERE n.nspname = 'public' AND t.typtype IN ('e', 'd') LOOP \
      EXECUTE format('DROP TYPE IF EXISTS public.%I CASCADE', r.typname); \
    END LOOP; END $$";

/// A pooled database, emptied; a fresh one when emptying leaves anything behind.
fn pooled(label: &str) -> PgDb {
    if let Some(db) = POOL.lock().unwrap().pop() {
        let emptied = psql_sql(&db.url(), PG_EMPTY).is_ok();
        if emptied && catalog::postgres(&db) == ["schema | public"] {
            return db;
        }
    }
    PgDb::create(label).expect("server configured")
}

fn psql_sql(url: &str, sql: &str) -> Result<(), String> {
    let out =
        Command::new("psql").args([url, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-c", sql]).output().expect("run psql");
    if out.status.success() { Ok(()) } else { Err(String::from_utf8_lossy(&out.stderr).into_owned()) }
}

impl Drop for Run {
    fn drop(&mut self) {
        if let Dbs::Postgres { cur, des, ver, .. } = std::mem::replace(&mut self.dbs, Dbs::Sqlite) {
            POOL.lock().unwrap().extend([cur, des, ver]);
        }
    }
}

struct Run {
    sb: Sandbox,
    dbs: Dbs,
    cur_cat: Vec<String>,
    des_cat: Vec<String>,
}

impl Run {
    /// Loads both schemas with the database's own client; Err when it refuses (an invalid pair).
    fn load(d: Dialect, cur: &str, des: &str) -> Result<Run, String> {
        let sb = Sandbox::new("pairs");
        let cur_file = sb.write("current.sql", cur);
        let des_file = sb.write("desired.sql", des);
        match d {
            Dialect::Sqlite => {
                for (db, sql) in [("cur.db", cur), ("des.db", des)] {
                    let conn = rusqlite::Connection::open(sb.path.join(db)).map_err(|e| e.to_string())?;
                    conn.execute_batch(sql).map_err(|e| format!("{db}: {e}"))?;
                }
                let cur_cat = catalog::sqlite(&sb.path.join("cur.db"));
                let des_cat = catalog::sqlite(&sb.path.join("des.db"));
                Ok(Run { sb, dbs: Dbs::Sqlite, cur_cat, des_cat })
            }
            Dialect::Postgres => {
                let (cur, des, ver) = (pooled("pairs_cur"), pooled("pairs_des"), pooled("pairs_ver"));
                let dev = PgDb::create("pairs_dev").expect("server configured");
                psql_file(&cur.url(), &cur_file)?;
                psql_file(&des.url(), &des_file)?;
                let cur_cat = catalog::postgres(&cur);
                let des_cat = catalog::postgres(&des);
                Ok(Run { sb, dbs: Dbs::Postgres { cur, des, ver, dev }, cur_cat, des_cat })
            }
            Dialect::Mysql => {
                let db = |label: &str| MyDb::create(label).expect("server configured");
                let (cur_db, des_db) = (db("pairs_cur"), db("pairs_des"));
                cur_db.source(cur)?;
                des_db.source(des)?;
                let cur_cat = catalog::mysql(&cur_db);
                let des_cat = catalog::mysql(&des_db);
                let dbs = Dbs::Mysql { cur: cur_db, des: des_db, ver: db("pairs_ver"), dev: db("pairs_dev") };
                Ok(Run { sb, dbs, cur_cat, des_cat })
            }
        }
    }

    fn url(&self, which: &str) -> String {
        match &self.dbs {
            Dbs::Sqlite if which == "dev" => SQLITE_DEV.into(),
            Dbs::Sqlite => self.sb.sqlite_url(&format!("{which}.db")),
            Dbs::Postgres { cur, des, ver, dev } => match which {
                "cur" => cur.url(),
                "des" => des.url(),
                "ver" => ver.url(),
                _ => dev.url(),
            },
            Dbs::Mysql { cur, des, ver, dev } => match which {
                "cur" => cur.url(),
                "des" => des.url(),
                "ver" => ver.url(),
                _ => dev.url(),
            },
        }
    }

    fn catalog(&self, which: &str) -> Vec<String> {
        match &self.dbs {
            Dbs::Sqlite => catalog::sqlite(&self.sb.path.join(format!("{which}.db"))),
            Dbs::Postgres { cur, ver, .. } => catalog::postgres(if which == "cur" { cur } else { ver }),
            Dbs::Mysql { cur, ver, .. } => catalog::mysql(if which == "cur" { cur } else { ver }),
        }
    }

    /// A failed step leaves the dev database in an unknown state: start the next on a fresh one.
    fn fresh_dev(&mut self) {
        match &mut self.dbs {
            Dbs::Postgres { dev, .. } => *dev = PgDb::create("pairs_dev").expect("server configured"),
            Dbs::Mysql { dev, .. } => *dev = MyDb::create("pairs_dev").expect("server configured"),
            Dbs::Sqlite => {}
        }
    }

    fn strata(&self, args: &[&str]) -> Result<String, String> {
        self.sb.strata(args).result()
    }

    fn judge(&self, which: &str, want: &[String]) -> Outcome {
        let got = self.catalog(which);
        if got == want {
            return Outcome::Pass;
        }
        Outcome::Fail(format!(
            "catalog differs from the reference (- database, + reference):\n{}\n--- database (normalized)\n{}\n--- reference (normalized)\n{}",
            catalog::diff(&got, want),
            got.join("\n"),
            want.join("\n")
        ))
    }

    fn declarative(&self) -> Outcome {
        let (url, dev) = (self.url("cur"), self.url("dev"));
        let args = [
            "schema",
            "apply",
            "--url",
            &url,
            "--to",
            "file://desired.sql",
            "--dev-url",
            &dev,
            "--auto-approve",
            "--skip-checks",
        ];
        match self.strata(&args) {
            Ok(_) => self.judge("cur", &self.des_cat),
            Err(e) => Outcome::Fail(e),
        }
    }

    /// Versioned up; Err when the state for `down` was not reached.
    fn versioned(&self) -> Result<Outcome, String> {
        let (url, dev) = (self.url("ver"), self.url("dev"));
        let cur = self.sb.read("current.sql");
        self.sb.write("migrations/1_init.sql", &cur);
        self.strata(&["migrate", "hash"])?;
        self.strata(&["migrate", "apply", "--url", &url])?;
        self.strata(&["migrate", "diff", "next", "--to", "file://desired.sql", "--dev-url", &dev])?;
        self.strata(&["migrate", "apply", "--url", &url])?;
        Ok(self.judge("ver", &self.des_cat))
    }

    /// Whether `migrate diff` wrote a second version (it writes none when nothing changed).
    fn has_next(&self) -> bool {
        std::fs::read_dir(self.sb.path.join("migrations"))
            .map(|d| d.filter_map(Result::ok).any(|e| e.file_name().to_string_lossy().ends_with("_next.sql")))
            .unwrap_or(false)
    }

    fn down(&self) -> Outcome {
        let (url, dev) = (self.url("ver"), self.url("dev"));
        match self.strata(&["migrate", "down", "--url", &url, "--dev-url", &dev, "--skip-checks"]) {
            Ok(_) => self.judge("ver", &self.cur_cat),
            Err(e) => Outcome::Fail(e),
        }
    }

    fn rediff(&self) -> Outcome {
        let (url, dev) = (self.url("des"), self.url("dev"));
        match self.strata(&["schema", "diff", "--from", &url, "--to", "file://desired.sql", "--dev-url", &dev]) {
            Ok(out) if out.contains("Schemas are synced") => Outcome::Pass,
            Ok(out) => {
                Outcome::Fail(format!("re-diff of the desired database against desired.sql is not empty:\n{out}"))
            }
            Err(e) => Outcome::Fail(e),
        }
    }

    /// Runs the operations (`only` one, with what it builds on, when shrinking).
    fn ops(&mut self, only: Option<Op>) -> Vec<(Op, Outcome)> {
        let wants = |op: Op| only.is_none_or(|o| o == op || (o == Op::Down && op == Op::Versioned));
        let mut out = vec![];
        let mut step = |run: &mut Run, op: Op, o: Outcome| {
            if matches!(o, Outcome::Fail(_)) {
                run.fresh_dev();
            }
            out.push((op, o));
        };
        if wants(Op::Rediff) {
            let o = self.rediff();
            step(self, Op::Rediff, o);
        }
        if wants(Op::Declarative) {
            let o = self.declarative();
            step(self, Op::Declarative, o);
        }
        if wants(Op::Versioned) {
            match self.versioned() {
                Ok(o) => {
                    step(self, Op::Versioned, o);
                    // Without a second version, down would revert the initial one: not this pair's question.
                    if wants(Op::Down) && !self.has_next() {
                        step(self, Op::Down, Outcome::Skip);
                    } else if wants(Op::Down) {
                        let o = self.down();
                        step(self, Op::Down, o);
                    }
                }
                Err(e) => {
                    step(self, Op::Versioned, Outcome::Fail(e));
                    if wants(Op::Down) {
                        step(self, Op::Down, Outcome::Skip);
                    }
                }
            }
        }
        out
    }
}

/// Loads a pair and runs it; Err when the database's client refuses one of its schemas.
fn run_pair(d: Dialect, pair: &Pair, only: Option<Op>) -> Result<Vec<(Op, Outcome)>, String> {
    let cur = pair.base.sql();
    let des = pair.desired().0.sql();
    let mut run = Run::load(d, &cur, &des)?;
    Ok(run.ops(only))
}

/// What kind of failure this is, without names or numbers, so that a shrink
/// step that turns one bug into another is not taken.
fn signature(op: Op, err: &str) -> String {
    let class = if err.starts_with("catalog differs") {
        let kinds: std::collections::BTreeSet<&str> = err
            .lines()
            .skip(1)
            .take_while(|l| l.starts_with("- ") || l.starts_with("+ "))
            .filter_map(|l| l[2..].split([' ', '|']).next())
            .collect();
        format!("catalog: {}", kinds.into_iter().collect::<Vec<_>>().join(","))
    } else {
        // The first error line of the strata output, with quoted names and digits removed.
        let line = err
            .lines()
            .find(|l| l.starts_with("error"))
            .or_else(|| err.lines().find(|l| l.to_lowercase().contains("error")))
            .or_else(|| err.lines().nth(1))
            .unwrap_or("");
        let mut s = String::new();
        let mut quoted = None;
        for c in line.chars() {
            match quoted {
                Some(q) if c == q => quoted = None,
                Some(_) => {}
                None if matches!(c, '"' | '`' | '\'') => {
                    quoted = Some(c);
                    s.push('_');
                }
                None if !c.is_ascii_digit() && c != '\\' => s.push(c),
                None => {}
            }
        }
        s
    };
    format!("{}: {class}", op.label())
}

fn failure_of(d: Dialect, pair: &Pair, op: Op) -> Option<String> {
    let outcomes = run_pair(d, pair, Some(op)).ok()?;
    outcomes.into_iter().find_map(|(o, out)| match out {
        Outcome::Fail(e) if o == op => Some(e),
        _ => None,
    })
}

/// Reductions of a pair, smallest steps last: drop a change, a table, a view, a constraint, a column.
fn reductions(p: &Pair) -> Vec<Pair> {
    let mut out = vec![];
    for i in 0..p.changes.len() {
        let mut q = p.clone();
        q.changes.remove(i);
        out.push(q);
    }
    for t in &p.base.tables {
        let mut q = p.clone();
        q.base.remove_table(&t.schema, &t.name);
        out.push(q);
    }
    for i in 0..p.base.views.len() {
        let mut q = p.clone();
        q.base.views.remove(i);
        out.push(q);
    }
    for (ti, t) in p.base.tables.iter().enumerate() {
        for (len, f) in [
            (t.indexes.len(), 0),
            (t.uniques.len(), 1),
            (t.checks.len(), 2),
            (t.fks.len(), 3),
            (t.triggers.len(), 5),
            (t.cols.len(), 4),
        ] {
            for j in 0..len {
                let mut q = p.clone();
                let t = &mut q.base.tables[ti];
                match f {
                    0 => drop(t.indexes.remove(j)),
                    1 => drop(t.uniques.remove(j)),
                    2 => drop(t.checks.remove(j)),
                    3 => drop(t.fks.remove(j)),
                    5 => drop(t.triggers.remove(j)),
                    _ => {
                        // Only columns nothing else mentions.
                        let c = t.cols[j].name.clone();
                        if t.cols.len() < 2 || t.used_locally(&c) || p.base.used_elsewhere(&t.schema, &t.name, &c) {
                            continue;
                        }
                        drop(t.cols.remove(j));
                    }
                }
                out.push(q);
            }
        }
    }
    for i in 0..p.base.enums.len() {
        let mut q = p.clone();
        q.base.enums.remove(i);
        out.push(q);
    }
    for i in 0..p.base.seqs.len() {
        let mut q = p.clone();
        q.base.seqs.remove(i);
        out.push(q);
    }
    out
}

/// Shrinks a failing pair while the same kind of failure persists.
fn shrink(d: Dialect, pair: &Pair, op: Op, sig: &str) -> (Pair, String) {
    let mut best = pair.clone();
    let mut best_err = failure_of(d, pair, op).unwrap_or_default();
    // Each step re-runs the pair (about 2 s on PostgreSQL): bound the search.
    let mut budget = env_u64("STRATA_PAIRS_SHRINK_STEPS", 40);
    'outer: loop {
        for cand in reductions(&best) {
            if budget == 0 {
                break 'outer;
            }
            budget -= 1;
            if let Some(e) = failure_of(d, &cand, op)
                && signature(op, &e) == sig
            {
                best = cand;
                best_err = e;
                continue 'outer;
            }
        }
        break;
    }
    (best, best_err)
}

struct Failure {
    seed: u64,
    op: Op,
    sig: String,
    /// The number of pairs that failed this way.
    count: usize,
    minimal: Option<(Pair, String)>,
}

fn rerun_hint(d: Dialect, seed: u64) -> String {
    let test = match d {
        Dialect::Sqlite => "sqlite",
        Dialect::Postgres => "postgres",
        Dialect::Mysql => "mysql",
    };
    format!("STRATA_PAIRS_SEED={seed} STRATA_PAIRS=1 cargo test -p strata-tests --test pairs {test} -- --nocapture")
}

fn report_case(d: Dialect, f: &Failure) -> String {
    let Some((p, err)) = &f.minimal else { return String::new() };
    let (desired, descs) = p.desired();
    format!(
        "### {:?} / {} (seed {}, {} pair(s) failed this way)\n\nRe-run: `{}`\n\nChanges: {}\n\nCurrent:\n```sql\n{}```\nDesired:\n```sql\n{}```\nOutcome:\n```\n{}\n```\n\n",
        d,
        f.op.label(),
        f.seed,
        f.count,
        rerun_hint(d, f.seed),
        if descs.is_empty() { "(none)".into() } else { descs.join("; ") },
        p.base.sql(),
        desired.sql(),
        err.trim_end()
    )
}

fn property(d: Dialect) {
    let pairs = env_u64("STRATA_PAIRS", 40);
    let start = env_u64("STRATA_PAIRS_SEED", 1);
    let shrink_max = env_u64("STRATA_PAIRS_SHRINK", 6) as usize;
    let t0 = Instant::now();
    // [op] -> (passed, failed, skipped)
    let mut counts = [(0usize, 0usize, 0usize); 4];
    let mut failures: Vec<Failure> = vec![];
    let mut invalid = 0;
    for seed in start..start + pairs {
        // Regenerate (deterministically) until the database's own client loads both schemas.
        let mut outcome = None;
        for attempt in 0..20 {
            let pair = Pair::random(d, seed, attempt);
            match run_pair(d, &pair, None) {
                Ok(o) => {
                    outcome = Some((pair, o));
                    break;
                }
                Err(e) => {
                    invalid += 1;
                    if std::env::var_os("STRATA_PAIRS_VERBOSE").is_some() {
                        eprintln!("seed {seed} attempt {attempt} refused by the client: {e}");
                    }
                }
            }
        }
        let (pair, outcomes) = outcome.unwrap_or_else(|| panic!("seed {seed}: no loadable pair in 20 attempts"));
        if std::env::var_os("STRATA_PAIRS_VERBOSE").is_some() {
            let (desired, descs) = pair.desired();
            eprintln!("seed {seed}: {descs:?}\n{}--\n{}{outcomes:?}", pair.base.sql(), desired.sql());
        }
        for (op, o) in outcomes {
            let i = OPS.iter().position(|x| *x == op).unwrap();
            match o {
                Outcome::Pass => counts[i].0 += 1,
                Outcome::Skip => counts[i].2 += 1,
                Outcome::Fail(e) => {
                    counts[i].1 += 1;
                    let sig = signature(op, &e);
                    eprintln!("seed {seed}: {sig}");
                    if let Some(f) = failures.iter_mut().find(|f| f.sig == sig) {
                        f.count += 1;
                    } else {
                        failures.push(Failure { seed, op, sig, count: 1, minimal: Some((pair.clone(), e)) });
                    }
                }
            }
        }
    }
    let run_time = t0.elapsed();
    for (n, f) in failures.iter_mut().enumerate() {
        if n < shrink_max {
            let (p, _) = f.minimal.take().unwrap();
            f.minimal = Some(shrink(d, &p, f.op, &f.sig));
        }
    }
    let mut table = format!(
        "\n{d:?}: {pairs} pairs from seed {start} in {:.0?} (+{:.0?} shrinking; {invalid} generated schemas refused by the client and regenerated)\n{:<20} {:>6} {:>6} {:>8}\n",
        run_time,
        t0.elapsed() - run_time,
        "operation",
        "passed",
        "failed",
        "not run"
    );
    for (i, op) in OPS.iter().enumerate() {
        table.push_str(&format!("{:<20} {:>6} {:>6} {:>8}\n", op.label(), counts[i].0, counts[i].1, counts[i].2));
    }
    let mut cases = String::new();
    for f in &failures {
        cases.push_str(&format!("- {} ×{} (first at seed {}): {}\n", f.sig, f.count, f.seed, rerun_hint(d, f.seed)));
    }
    let mut minimized = String::new();
    for f in &failures {
        minimized.push_str(&report_case(d, f));
    }
    if let Ok(path) = std::env::var("STRATA_PAIRS_REPORT") {
        use std::io::Write as _;
        let mut file = std::fs::OpenOptions::new().create(true).append(true).open(path).expect("open report");
        write!(file, "## {d:?}\n{table}\n{cases}\n{minimized}").expect("write report");
    }
    println!("{table}");
    // Statics are never dropped: drop the pooled databases before the verdict.
    POOL.lock().unwrap().clear();
    assert!(failures.is_empty(), "{table}\ndistinct failures:\n{cases}\nminimized:\n\n{minimized}");
}

#[test]
fn sqlite() {
    property(Dialect::Sqlite);
}

#[test]
fn postgres() {
    if server_url("STRATA_TEST_POSTGRES_URL").is_none() {
        return;
    }
    property(Dialect::Postgres);
}

/// Judged by `SHOW CREATE`, the order of columns and keys included: the
/// server orders keys by class (unique keys over NOT NULL columns first) and,
/// within one, by when they were created.
#[test]
fn mysql() {
    if server_url("STRATA_TEST_MYSQL_URL").is_none() {
        return;
    }
    property(Dialect::Mysql);
}
