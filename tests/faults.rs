//! Seeded fault injection: `strata migrate apply` and `strata migrate down`
//! are killed with SIGKILL at random points, the same command is run again
//! until it succeeds, and the database must end exactly where an
//! uninterrupted run would have left it. The bar: re-running the command that
//! was interrupted finishes its job, whatever point it died at.
//!
//! Each trial gets a fresh database and a migration directory generated from
//! the trial's seed (several files, 60–200 portable statements: CREATE TABLE
//! with indexes and foreign keys, ALTER TABLE ADD/DROP COLUMN, CREATE INDEX,
//! DROP TABLE, INSERT, UPDATE). It runs one mode (trial number modulo 4):
//!
//! - `migrate apply --tx-mode none`
//! - `migrate apply` (one transaction per file)
//! - `migrate down N` after applying everything: the re-run must finish the
//!   original revert (N below the version before the first attempt), not
//!   count N again
//! - `migrate down --to-version V` after applying everything
//!
//! Half the kills land after a random delay drawn from a range calibrated,
//! per mode, by timing one uninterrupted run (and the run's fixed part: a
//! no-op apply, or a revert's planning); the other half right after a random
//! point of the command's output: the k-th statement of an apply, a random
//! time into a revert, or just after a revert printed its summary (committed,
//! not yet exited). The table counts what each kill left: the database as
//! before, changed midway, or already at the end state.
//!
//! The expected end state is computed independently: the same files applied
//! up to the expected version to a second fresh database by a clean
//! `migrate apply`; both catalogs are read with the server's own catalog
//! queries and compared, with the revisions (versions, none partial) and the
//! rows the files inserted and updated (the generator's own model of them).
//! A re-run that fails counts as a wrong end state, whatever its hint says.
//!
//! `concurrent_apply`: eight `migrate apply` started at once on one database
//! must apply each version exactly once and all exit 0.
//!
//! Environment:
//! - `STRATA_FAULTS`: trials per dialect (default 12; a full run is ≥ 100)
//! - `STRATA_FAULTS_SEED`: the seed (default 1)
//! - `STRATA_FAULTS_TRIAL`: run only this trial (printed on a failure)
//! - `STRATA_FAULTS_DELAY_MS`: kill after exactly this many milliseconds
//! - `STRATA_FAULTS_MODE`: only trials of one mode (`none`, `file`, `down-n`, `down-to`)
//! - `STRATA_FAULTS_BIN`: a directory holding another `strata` build and its
//!   plugins (default: `target/debug`)
//! - `STRATA_FAULTS_APPLY_DEV_URL=1`: pass `--dev-url` to `migrate apply` too
//! - `STRATA_FAULTS_DROP_ANY=0`: drop a table or column only in the file that
//!   made it (by default any later file may drop what an older one changed)
//!
//! `cargo test -p strata-tests --test faults -- --nocapture` prints a table
//! per dialect and, for every wrong end state, what happened and the command
//! that re-runs only that trial.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::os::unix::process::ExitStatusExt;
use std::path::PathBuf;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};
use strata_tests::db::{Db, Kind};

// ---------------------------------------------------------------------------
// Settings and randomness

fn env_u64(var: &str) -> Option<u64> {
    let text = std::env::var(var).ok().filter(|v| !v.is_empty())?;
    Some(text.parse().unwrap_or_else(|_| panic!("{var}={text:?} is not a number")))
}

fn trials() -> u64 {
    env_u64("STRATA_FAULTS").unwrap_or(12)
}

fn seed() -> u64 {
    env_u64("STRATA_FAULTS_SEED").unwrap_or(1)
}

/// The directory of the `strata` binary the trials run.
fn bin_dir() -> PathBuf {
    match std::env::var_os("STRATA_FAULTS_BIN").filter(|v| !v.is_empty()) {
        Some(dir) => PathBuf::from(dir),
        None => strata_tests::bin_dir(),
    }
}

/// xorshift64, seeded through splitmix64 so that neighbouring seeds diverge.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        let mut z = seed.wrapping_add(0x9E37_79B9_7F4A_7C15);
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        Rng((z ^ (z >> 31)) | 1)
    }

    /// The generator of one trial: the same trial number draws the same
    /// directory and mode on every dialect.
    fn trial(seed: u64, trial: u64) -> Rng {
        Rng::new(seed.wrapping_mul(0x2545_F491_4F6C_DD1D) ^ trial.wrapping_add(1).wrapping_mul(0x9E37_79B9_7F4A_7C15))
    }

    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    /// lo..=hi
    fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi - lo + 1)
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }

    /// In [0, 1).
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

// ---------------------------------------------------------------------------
// The migration directory

#[derive(Clone)]
struct Col {
    name: String,
    ty: &'static str,
    /// Added by ALTER TABLE (nullable, or NOT NULL DEFAULT 0 on a table without rows).
    added: bool,
    indexed: bool,
    /// The file that created it.
    file: usize,
}

struct Table {
    name: String,
    cols: Vec<Col>,
    /// Created by the first file, given rows, never dropped.
    base: bool,
    live: bool,
    /// Tables its foreign keys reference.
    refs: Vec<String>,
    /// The file that created it, and the last file that changed it.
    created: usize,
    touched: usize,
}

/// A generated directory: its files, and the rows of its tables after all of them.
struct Migrations {
    /// (file name, content, statements)
    files: Vec<(String, String, usize)>,
    /// The rows (id, label, n) of every base table after every file ran.
    rows: BTreeMap<String, Vec<Vec<String>>>,
}

impl Migrations {
    fn stmts(&self) -> usize {
        self.files.iter().map(|f| f.2).sum()
    }

    fn last(&self) -> usize {
        self.files.len()
    }
}

/// Rows of a query, every value as text.
type Rows = Vec<Vec<String>>;

/// One base-table row: id, label, n, parent.
type Row = (i64, String, i64, Option<i64>);

/// Generates portable SQL (valid on SQLite, PostgreSQL and MariaDB) from the
/// trial's generator, keeping a model of the schema so that every statement
/// is valid where it runs, and so that every version can be reverted by
/// `migrate down` with its checks: only base tables (never dropped, all
/// created by version 1) hold rows, and columns added later hold only NULLs;
/// a dropped column is always a table's last, so reverting re-adds it where it was.
///
/// With `STRATA_FAULTS_DROP_ANY=0`, a table is dropped only by the file
/// that created it, or when version 1 created it and no later file changed
/// it; a column only by the file that added it, or when version 1 added it.
/// By default a later file may drop what an older one changed, so the check
/// of an older version can read a table or column only a newer version's
/// revert re-creates: `migrate down` must wait with such a check until its
/// version's revert starts.
struct Gen<'r> {
    rng: &'r mut Rng,
    /// The file being generated.
    file: usize,
    drop_any: bool,
    tables: Vec<Table>,
    counter: usize,
    /// (table, columns) of every index, not to create one twice.
    indexes: BTreeSet<(String, String)>,
    rows: BTreeMap<String, Vec<Row>>,
    next_id: i64,
}

const TYPES: [&str; 5] = ["integer", "bigint", "varchar(40)", "text", "decimal(10,2)"];

impl<'r> Gen<'r> {
    fn name(&mut self, prefix: &str) -> String {
        self.counter += 1;
        format!("{prefix}{}", self.counter)
    }

    fn live(&self) -> Vec<usize> {
        (0..self.tables.len()).filter(|&i| self.tables[i].live).collect()
    }

    fn base_create(&mut self, out: &mut Vec<String>) {
        let n_base = self.rng.range(2, 3);
        for b in 1..=n_base {
            let name = format!("b{b}");
            let mut cols = vec![
                Col { name: "id".into(), ty: "integer", added: false, indexed: true, file: 0 },
                Col { name: "label".into(), ty: "varchar(40)", added: false, indexed: false, file: 0 },
                Col { name: "n".into(), ty: "integer", added: false, indexed: false, file: 0 },
            ];
            let mut sql =
                format!("CREATE TABLE {name} (id integer PRIMARY KEY, label varchar(40) NOT NULL, n integer NOT NULL");
            let mut refs = Vec::new();
            if b > 1 {
                let parent = format!("b{}", b - 1);
                cols.push(Col { name: "parent_id".into(), ty: "integer", added: false, indexed: false, file: 0 });
                write!(sql, ", parent_id integer NOT NULL, CONSTRAINT fk_{name}_parent FOREIGN KEY (parent_id) REFERENCES {parent} (id)").unwrap();
                refs.push(parent);
            }
            sql.push(')');
            out.push(sql);
            self.tables.push(Table { name: name.clone(), cols, base: true, live: true, refs, created: 1, touched: 1 });
            self.rows.insert(name.clone(), Vec::new());
            if self.rng.chance(70) {
                let ix = self.name("ix_");
                out.push(format!("CREATE INDEX {ix} ON {name} (label)"));
                self.indexes.insert((name.clone(), "label".into()));
                self.tables.last_mut().unwrap().cols[1].indexed = true;
            }
            self.insert(&name, out);
        }
    }

    /// Rows for a base table (a parent's existing rows referenced).
    fn insert(&mut self, table: &str, out: &mut Vec<String>) {
        let parent = self.tables.iter().find(|t| t.name == table).unwrap().refs.first().cloned();
        let has_parent = parent.is_some();
        let parent_ids: Vec<i64> = parent.map(|p| self.rows[&p].iter().map(|r| r.0).collect()).unwrap_or_default();
        if has_parent && parent_ids.is_empty() {
            return;
        }
        let count = self.rng.range(1, 4);
        let mut values = Vec::new();
        for _ in 0..count {
            self.next_id += 1;
            let id = self.next_id;
            let label = format!("{table}-row-{id}");
            let n = self.rng.range(0, 1000) as i64;
            let parent = has_parent.then(|| *self.rng.pick(&parent_ids));
            values.push(match parent {
                Some(p) => format!("({id}, '{label}', {n}, {p})"),
                None => format!("({id}, '{label}', {n})"),
            });
            self.rows.get_mut(table).unwrap().push((id, label, n, parent));
        }
        let cols = if has_parent { "id, label, n, parent_id" } else { "id, label, n" };
        out.push(format!("INSERT INTO {table} ({cols}) VALUES {}", values.join(", ")));
    }

    /// One random statement (or none when the chosen kind does not fit).
    fn step(&mut self, out: &mut Vec<String>) {
        let live = self.live();
        match self.rng.below(100) {
            0..=14 => self.create_table(out),
            15..=39 => {
                let i = *self.rng.pick(&live);
                let col = self.name("c");
                let t = &mut self.tables[i];
                let ty = *self.rng.pick(&TYPES);
                // NOT NULL DEFAULT only where no row gets the default (a
                // revert's check refuses to drop a column holding values).
                if !t.base && ty != "text" && self.rng.chance(30) {
                    let default = if ty == "varchar(40)" { "'x'" } else { "0" };
                    out.push(format!("ALTER TABLE {} ADD COLUMN {col} {ty} NOT NULL DEFAULT {default}", t.name));
                } else {
                    out.push(format!("ALTER TABLE {} ADD COLUMN {col} {ty}", t.name));
                }
                t.cols.push(Col { name: col, ty, added: true, indexed: false, file: self.file });
                t.touched = self.file;
            }
            40..=59 => self.create_index(out),
            60..=72 => {
                let bases: Vec<String> = self.tables.iter().filter(|t| t.base).map(|t| t.name.clone()).collect();
                let table = self.rng.pick(&bases).clone();
                self.insert(&table, out);
            }
            73..=82 => {
                let bases: Vec<String> = self.tables.iter().filter(|t| t.base).map(|t| t.name.clone()).collect();
                let table = self.rng.pick(&bases).clone();
                let rows = self.rows.get_mut(&table).unwrap();
                if rows.is_empty() {
                    return;
                }
                let limit = rows[self.rng.below(rows.len())].0;
                let add = self.rng.range(1, 9) as i64;
                for r in rows.iter_mut().filter(|r| r.0 <= limit) {
                    r.2 += add;
                }
                out.push(format!("UPDATE {table} SET n = n + {add} WHERE id <= {limit}"));
            }
            83..=91 => {
                // A table's last column, added later and not indexed.
                let droppable: Vec<usize> = live
                    .iter()
                    .copied()
                    .filter(|&i| {
                        let t = &self.tables[i];
                        t.cols.len() > 2
                            && t.cols.last().is_some_and(|c| {
                                c.added && !c.indexed && (self.drop_any || c.file == self.file || c.file == 1)
                            })
                    })
                    .collect();
                if droppable.is_empty() {
                    return;
                }
                let i = *self.rng.pick(&droppable);
                let t = &mut self.tables[i];
                t.touched = self.file;
                let col = t.cols.pop().unwrap();
                out.push(format!("ALTER TABLE {} DROP COLUMN {}", t.name, col.name));
            }
            _ => {
                // A table without rows that no live table references.
                let droppable: Vec<usize> = live
                    .iter()
                    .copied()
                    .filter(|&i| {
                        let t = &self.tables[i];
                        !t.base
                            && (self.drop_any || t.created == self.file || (t.created == 1 && t.touched == 1))
                            && !self.tables.iter().any(|o| o.live && o.name != t.name && o.refs.contains(&t.name))
                    })
                    .collect();
                if droppable.is_empty() {
                    return;
                }
                let i = *self.rng.pick(&droppable);
                self.tables[i].live = false;
                out.push(format!("DROP TABLE {}", self.tables[i].name));
            }
        }
    }

    fn create_table(&mut self, out: &mut Vec<String>) {
        let name = self.name("t");
        let mut cols = vec![Col { name: "id".into(), ty: "integer", added: false, indexed: true, file: 0 }];
        let mut defs = vec!["id integer PRIMARY KEY".to_string()];
        let mut constraints = Vec::new();
        let mut refs = Vec::new();
        let label_not_null = self.rng.chance(50);
        defs.push(format!("label varchar(40){}", if label_not_null { " NOT NULL" } else { "" }));
        cols.push(Col { name: "label".into(), ty: "varchar(40)", added: false, indexed: false, file: 0 });
        for _ in 0..self.rng.range(0, 3) {
            let col = self.name("c");
            let ty = *self.rng.pick(&TYPES);
            defs.push(format!("{col} {ty}"));
            cols.push(Col { name: col, ty, added: false, indexed: false, file: 0 });
        }
        let live = self.live();
        if self.rng.chance(60) {
            let target = self.tables[*self.rng.pick(&live)].name.clone();
            let fk = format!("fk_{name}_ref");
            defs.push("ref_id integer".into());
            cols.push(Col { name: "ref_id".into(), ty: "integer", added: false, indexed: true, file: 0 });
            let action = if self.rng.chance(30) { " ON DELETE CASCADE" } else { "" };
            constraints.push(format!("CONSTRAINT {fk} FOREIGN KEY (ref_id) REFERENCES {target} (id){action}"));
            refs.push(target);
        }
        if self.rng.chance(30) {
            constraints.push(format!("CONSTRAINT uq_{name}_label UNIQUE (label)"));
            cols[1].indexed = true;
            self.indexes.insert((name.clone(), "label".into()));
        }
        defs.extend(constraints);
        out.push(format!("CREATE TABLE {name} ({})", defs.join(", ")));
        let file = self.file;
        self.tables.push(Table { name, cols, base: false, live: true, refs, created: file, touched: file });
        if self.rng.chance(50) {
            self.create_index_on(self.tables.len() - 1, out);
        }
    }

    fn create_index(&mut self, out: &mut Vec<String>) {
        let live = self.live();
        let i = *self.rng.pick(&live);
        self.create_index_on(i, out);
    }

    fn create_index_on(&mut self, i: usize, out: &mut Vec<String>) {
        let t = &self.tables[i];
        // MariaDB indexes no text column without a prefix length.
        let candidates: Vec<usize> = (1..t.cols.len()).filter(|&c| t.cols[c].ty != "text").collect();
        if candidates.is_empty() {
            return;
        }
        let mut chosen = vec![*self.rng.pick(&candidates)];
        if candidates.len() > 1 && self.rng.chance(30) {
            let other = *self.rng.pick(&candidates);
            if other != chosen[0] {
                chosen.push(other);
            }
        }
        let names: Vec<String> = chosen.iter().map(|&c| t.cols[c].name.clone()).collect();
        let (table, base) = (t.name.clone(), t.base);
        let key = (table.clone(), names.join(","));
        if self.indexes.contains(&key) {
            return;
        }
        // UNIQUE only where no rows are (a unique index on rows could conflict).
        let unique = !base && self.rng.chance(25);
        let ix = self.name(if unique { "ux_" } else { "ix_" });
        out.push(format!("CREATE {}INDEX {ix} ON {table} ({})", if unique { "UNIQUE " } else { "" }, names.join(", ")));
        self.indexes.insert(key);
        self.tables[i].touched = self.file;
        for c in chosen {
            self.tables[i].cols[c].indexed = true;
        }
    }
}

fn generate(rng: &mut Rng) -> Migrations {
    let files = rng.range(4, 7);
    let total = rng.range(60, 200);
    let drop_any = std::env::var("STRATA_FAULTS_DROP_ANY").map_or(true, |v| v != "0");
    let mut g = Gen {
        rng,
        file: 1,
        drop_any,
        tables: Vec::new(),
        counter: 0,
        indexes: BTreeSet::new(),
        rows: BTreeMap::new(),
        next_id: 0,
    };
    let mut out = Vec::new();
    for v in 1..=files {
        let mut stmts = Vec::new();
        g.file = v;
        if v == 1 {
            g.base_create(&mut stmts);
        }
        let want = total / files;
        while stmts.len() < want {
            g.step(&mut stmts);
        }
        let desc = if v == 1 { "base" } else { "step" };
        let body: String = stmts.iter().map(|s| format!("{s};\n")).collect();
        out.push((format!("{v}_{desc}.sql"), body, stmts.len()));
    }
    let rows = g
        .rows
        .iter()
        .map(|(t, rows)| {
            (t.clone(), rows.iter().map(|r| vec![r.0.to_string(), r.1.clone(), r.2.to_string()]).collect())
        })
        .collect();
    Migrations { files: out, rows }
}

// ---------------------------------------------------------------------------
// Modes and commands

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
enum Mode {
    ApplyNone,
    ApplyFile,
    DownN,
    DownTo,
}

const MODES: [Mode; 4] = [Mode::ApplyNone, Mode::ApplyFile, Mode::DownN, Mode::DownTo];

impl Mode {
    fn label(self) -> &'static str {
        match self {
            Mode::ApplyNone => "apply --tx-mode none",
            Mode::ApplyFile => "apply (tx-mode file)",
            Mode::DownN => "down N",
            Mode::DownTo => "down --to-version V",
        }
    }

    fn key(self) -> &'static str {
        match self {
            Mode::ApplyNone => "none",
            Mode::ApplyFile => "file",
            Mode::DownN => "down-n",
            Mode::DownTo => "down-to",
        }
    }

    fn is_down(self) -> bool {
        matches!(self, Mode::DownN | Mode::DownTo)
    }
}

/// The command a trial interrupts, and the version it must end at.
struct Plan {
    args: Vec<String>,
    expected_version: usize,
}

fn plan(db: &Db, mode: Mode, m: &Migrations, rng: &mut Rng) -> Plan {
    let last = m.last();
    let url = db.url.clone();
    let s = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    // STRATA_FAULTS_APPLY_DEV_URL=1: applies get --dev-url too (to settle an
    // interrupted non-transactional file by inspection).
    // Without transactional DDL (MariaDB) settling needs one, as a project's
    // env `dev` gives it.
    let dev: Vec<String> = match std::env::var("STRATA_FAULTS_APPLY_DEV_URL") {
        Ok(v) if v == "1" => s(&["--dev-url", &db.dev]),
        _ if !db.transactional() => s(&["--dev-url", &db.dev]),
        _ => Vec::new(),
    };
    match mode {
        Mode::ApplyNone => Plan {
            args: [s(&["migrate", "apply", "--url", &url, "--tx-mode", "none"]), dev].concat(),
            expected_version: last,
        },
        Mode::ApplyFile => {
            Plan { args: [s(&["migrate", "apply", "--url", &url]), dev].concat(), expected_version: last }
        }
        // Never below version 1: its tables hold rows, which a revert's checks keep.
        Mode::DownN => {
            let n = rng.range(1, last - 1);
            Plan {
                args: s(&["migrate", "down", "--url", &url, "--dev-url", &db.dev, &n.to_string()]),
                expected_version: last - n,
            }
        }
        Mode::DownTo => {
            let v = rng.range(1, last - 1);
            Plan {
                args: s(&["migrate", "down", "--url", &url, "--dev-url", &db.dev, "--to-version", &v.to_string()]),
                expected_version: v,
            }
        }
    }
}

/// `strata ARGS` in the database's sandbox, with its own state cache.
fn strata(db: &Db, args: &[String], cache: &str) -> Command {
    let mut cmd = Command::new(bin_dir().join("strata"));
    cmd.args(args)
        .current_dir(&db.sb.path)
        .env_remove("STRATA_PLUGIN_PATH")
        .env("NO_COLOR", "1")
        .env("STRATA_CACHE_DIR", db.sb.path.join(cache));
    cmd
}

struct Done {
    status: ExitStatus,
    stdout: String,
    stderr: String,
    took: Duration,
}

impl Done {
    fn ok(&self) -> bool {
        self.status.success()
    }

    fn describe(&self) -> String {
        match (self.status.code(), self.status.signal()) {
            (Some(c), _) => format!("exit {c}"),
            (None, Some(s)) => format!("signal {s}"),
            _ => "?".into(),
        }
    }
}

/// Longest any single run may take before it counts as hung.
const HANG: Duration = Duration::from_secs(180);

/// Starts a command with its output in files (no pipe to fill up).
fn spawn(db: &Db, args: &[String], cache: &str, tag: &str) -> (Child, PathBuf, PathBuf) {
    let out = db.sb.path.join(format!("{tag}.stdout"));
    let err = db.sb.path.join(format!("{tag}.stderr"));
    let child = strata(db, args, cache)
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(&out).unwrap())
        .stderr(std::fs::File::create(&err).unwrap())
        .spawn()
        .expect("spawn strata");
    (child, out, err)
}

/// Waits for a child, killing it after `limit` (then the status says SIGKILL).
fn wait_until(child: &mut Child, limit: Duration) -> (ExitStatus, bool) {
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return (status, false);
        }
        let elapsed = start.elapsed();
        if elapsed >= limit {
            let _ = child.kill();
            return (child.wait().unwrap(), true);
        }
        std::thread::sleep((limit - elapsed).min(Duration::from_millis(1)));
    }
}

/// When the first attempt is killed.
#[derive(Clone, Copy, Debug)]
enum Kill {
    /// This long after it started.
    Timed(Duration),
    /// Once its output shows the k-th statement, after a further delay.
    AfterStmt { k: usize, jitter: Duration },
    /// Once its output shows this text, after a further delay.
    AfterText { text: &'static str, jitter: Duration },
}

/// What `migrate down` prints when its revert starts executing (the checks
/// of the newest version run inside the revert), and after it has committed.
const DOWN_STARTS: &str = "-- checks before reverting version";
const DOWN_DONE: &str = "  -------------------------";

impl Kill {
    fn describe(&self) -> String {
        let ms = |d: &Duration| format!("{:.1} ms", d.as_secs_f64() * 1e3);
        match self {
            Kill::Timed(d) => format!("{} after the start", ms(d)),
            Kill::AfterStmt { k, jitter } => format!("{} after it printed statement {k}", ms(jitter)),
            Kill::AfterText { text, jitter } => format!("{} after it printed {:?}", ms(jitter), text.trim()),
        }
    }

    fn fired(&self, stdout: &str) -> bool {
        match self {
            Kill::Timed(_) => false,
            Kill::AfterStmt { k, .. } => stdout.lines().filter(|l| l.trim_start().starts_with("->")).count() >= *k,
            Kill::AfterText { text, .. } => stdout.contains(text),
        }
    }

    fn style(&self) -> &'static str {
        match self {
            Kill::Timed(_) => "timed",
            Kill::AfterStmt { .. } => "after a statement",
            Kill::AfterText { text: DOWN_DONE, .. } => "after the summary",
            Kill::AfterText { .. } => "into the revert",
        }
    }

    fn jitter(&self) -> Option<Duration> {
        match self {
            Kill::Timed(_) => None,
            Kill::AfterStmt { jitter, .. } | Kill::AfterText { jitter, .. } => Some(*jitter),
        }
    }
}

/// Runs the first attempt to its kill (or its end): the status, and whether
/// the kill point was reached.
fn kill_first(child: &mut Child, stdout: &PathBuf, kill: Kill) -> (ExitStatus, bool) {
    let start = Instant::now();
    let mut at = match kill {
        Kill::Timed(d) => Some(start + d),
        _ => None,
    };
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return (status, false);
        }
        let now = Instant::now();
        if at.is_none()
            && let Some(jitter) = kill.jitter()
            && kill.fired(&read(stdout))
        {
            at = Some(now + jitter);
        }
        if at.is_some_and(|t| now >= t) || now - start >= HANG {
            let _ = child.kill();
            return (child.wait().unwrap(), true);
        }
        let pause = match at {
            Some(t) => t.saturating_duration_since(now).min(Duration::from_micros(100)),
            None => Duration::from_micros(100),
        };
        std::thread::sleep(pause);
    }
}

fn read(path: &PathBuf) -> String {
    std::fs::read_to_string(path).unwrap_or_default()
}

/// Runs a command to the end (or HANG).
fn run(db: &Db, args: &[String], cache: &str, tag: &str) -> Done {
    let start = Instant::now();
    let (mut child, out, err) = spawn(db, args, cache, tag);
    let (status, hung) = wait_until(&mut child, HANG);
    let mut stderr = read(&err);
    if hung {
        stderr.push_str(&format!("\n[faults: killed after {HANG:?}: hung]"));
    }
    Done { status, stdout: read(&out), stderr, took: start.elapsed() }
}

/// Runs a command that must succeed (setup, reference runs, calibration).
#[track_caller]
fn must(db: &Db, args: &[String], cache: &str, tag: &str) -> Done {
    let done = run(db, args, cache, tag);
    assert!(
        done.ok(),
        "strata {} ({}) failed on an uninterrupted run — the generated directory or the planner, not a kill:\n\
         --- stdout\n{}\n--- stderr\n{}\n(files in {}; set STRATA_KEEP_TEST_DIRS=1 to keep them)",
        args.join(" "),
        done.describe(),
        done.stdout,
        done.stderr,
        db.sb.path.display()
    );
    done
}

fn write_dir(db: &Db, m: &Migrations) {
    for (name, body, _) in &m.files {
        db.write(&format!("migrations/{name}"), body);
    }
    must(db, &args(&["migrate", "hash"]), "cache", "hash");
}

fn args(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

fn apply_all(db: &Db, to: Option<usize>) {
    let mut a = args(&["migrate", "apply", "--url", &db.url]);
    if let Some(v) = to {
        a.extend(args(&["--to-version", &v.to_string()]));
    }
    must(db, &a, "cache", "setup");
}

// ---------------------------------------------------------------------------
// What a database holds

#[derive(Clone, Copy, PartialEq, Eq)]
enum Dialect {
    Sqlite,
    Postgres,
    Mysql,
}

fn dialect(db: &Db) -> Dialect {
    match &db.kind {
        Kind::Sqlite => Dialect::Sqlite,
        Kind::Postgres(..) => Dialect::Postgres,
        Kind::Mysql(..) => Dialect::Mysql,
        // tests/clickhouse.rs has ClickHouse's own kill harness.
        Kind::Clickhouse(..) => unreachable!("ClickHouse is not in the faults suite"),
    }
}

/// A revisions-table row.
#[derive(Clone, PartialEq, Eq, Debug)]
struct Rev {
    version: String,
    applied: String,
    total: String,
    error: String,
}

impl Rev {
    fn partial(&self) -> bool {
        self.applied != self.total || !self.error.is_empty()
    }
}

/// Rows of a PostgreSQL query through `psql` (one connection: each `psql`
/// costs a noticeable start-up, so catalogs are read in one query); `None`
/// when the query fails (a table not created yet).
fn pg_try(url: &str, sql: &str) -> Option<Vec<Vec<String>>> {
    let out = Command::new("psql")
        .args([url, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-At", "-F", "\x1f", "-P", "null=NULL", "-c", sql])
        .output()
        .expect("run psql");
    out.status.success().then(|| {
        String::from_utf8_lossy(&out.stdout).lines().map(|l| l.split('\x1f').map(String::from).collect()).collect()
    })
}

/// The revisions (none when the table does not exist yet).
fn revisions(db: &Db) -> Vec<Rev> {
    let query = |table: &str| {
        format!(
            "SELECT version, applied, total, coalesce(error, '') FROM {table} WHERE version NOT LIKE '.%' \
             ORDER BY version"
        )
    };
    let exists = match dialect(db) {
        Dialect::Sqlite => {
            "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'atlas_schema_revisions'"
        }
        Dialect::Postgres => {
            let rows = pg_try(&db.url, &query("atlas_schema_revisions.atlas_schema_revisions")).unwrap_or_default();
            return rows.into_iter().map(rev).collect();
        }
        Dialect::Mysql => {
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = DATABASE() \
             AND table_name = 'atlas_schema_revisions'"
        }
    };
    if db.rows(exists) != [["1"]] {
        return Vec::new();
    }
    db.rows(&query("atlas_schema_revisions")).into_iter().map(rev).collect()
}

fn rev(r: Vec<String>) -> Rev {
    Rev { version: r[0].clone(), applied: r[1].clone(), total: r[2].clone(), error: r[3].clone() }
}

/// How rows (id, label, n) differ: missing, extra, changed ids.
fn row_delta(got: &Rows, want: &Rows) -> String {
    let by_id = |rows: &Rows| rows.iter().map(|r| (r[0].clone(), r[1..].join(" n="))).collect::<BTreeMap<_, _>>();
    let (g, w) = (by_id(got), by_id(want));
    let mut parts = Vec::new();
    let missing: Vec<&String> = w.keys().filter(|id| !g.contains_key(*id)).collect();
    if !missing.is_empty() {
        parts.push(format!("missing ids {missing:?}"));
    }
    let extra: Vec<&String> = g.keys().filter(|id| !w.contains_key(*id)).collect();
    if !extra.is_empty() {
        parts.push(format!("unexpected ids {extra:?}"));
    }
    for (id, v) in &g {
        if let Some(want) = w.get(id).filter(|want| *want != v) {
            parts.push(format!("id {id}: {v}, want {want}"));
        }
    }
    if got.len() != g.len() {
        parts.push(format!("{} rows for {} ids", got.len(), g.len()));
    }
    parts.join("; ")
}

/// The base tables whose rows differ from what the files leave: (table,
/// rows, expected rows), read in one query.
fn row_diffs(db: &Db, m: &Migrations) -> Vec<(String, Rows, Rows)> {
    let query: Vec<String> = m.rows.keys().map(|t| format!("SELECT '{t}' AS t, id, label, n FROM {t}")).collect();
    let mut got: BTreeMap<String, Vec<Vec<String>>> = m.rows.keys().map(|t| (t.clone(), Vec::new())).collect();
    for mut r in db.rows(&format!("{} ORDER BY 1, 2", query.join(" UNION ALL "))) {
        let t = r.remove(0);
        got.entry(t).or_default().push(r);
    }
    got.into_iter()
        .filter(|(t, rows)| m.rows.get(t) != Some(rows))
        .map(|(t, rows)| {
            let want = m.rows.get(&t).cloned().unwrap_or_default();
            (t, rows, want)
        })
        .collect()
}

fn one_col(rows: Vec<Vec<String>>) -> Vec<String> {
    rows.into_iter().map(|r| r[0].clone()).collect()
}

/// The user's schema as the server's catalog describes it, one line per fact.
/// SQLite: the pragmas (columns, indexes with their columns, foreign keys) —
/// and, with `texts`, sqlite_master's SQL (whitespace normalized): a revert
/// that rebuilds a table writes other (equivalent) SQL than the file did.
/// PostgreSQL: information_schema.columns (in order, without the position
/// numbers a dropped column leaves gaps in), pg_indexes, pg_constraint.
/// MariaDB: SHOW CREATE TABLE of every table, keys sorted.
fn catalog(db: &Db, texts: bool) -> Vec<String> {
    let mut lines = Vec::new();
    match dialect(db) {
        Dialect::Sqlite => {
            let tables = strata_tests::sqlite_tables(&db.sb.path.join("app.db"));
            for t in &tables {
                lines.push(format!("table {t}"));
                for r in db.rows(&format!(
                    "SELECT name, upper(type), \"notnull\", coalesce(dflt_value, 'NULL'), pk \
                     FROM pragma_table_info('{t}') ORDER BY cid"
                )) {
                    lines.push(format!("  column {}", r.join(" ")));
                }
                for r in db.rows(&format!(
                    "SELECT il.name, il.\"unique\", il.origin, il.partial, \
                     (SELECT group_concat(name, ',') FROM (SELECT name FROM pragma_index_info(il.name) ORDER BY seqno)) \
                     FROM pragma_index_list('{t}') il ORDER BY il.name"
                )) {
                    lines.push(format!("  index {}", r.join(" ")));
                }
                let mut fks: Vec<String> = db
                    .rows(&format!(
                        "SELECT \"table\", \"from\", \"to\", on_update, on_delete FROM pragma_foreign_key_list('{t}')"
                    ))
                    .into_iter()
                    .map(|r| format!("  fk {}", r.join(" ")))
                    .collect();
                fks.sort();
                lines.extend(fks);
            }
            if texts {
                for r in db.rows(
                    "SELECT type, name, coalesce(sql, '') FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' \
                     AND tbl_name NOT IN ('atlas_schema_revisions', 'strata_schema_history') ORDER BY type, name",
                ) {
                    lines.push(format!(
                        "sql {} {}: {}",
                        r[0],
                        r[1],
                        r[2].split_whitespace().collect::<Vec<_>>().join(" ")
                    ));
                }
            }
        }
        Dialect::Postgres => {
            let sql = "SELECT line FROM (\
                 SELECT 1 AS k, table_name::text AS t, ordinal_position::int AS o, 'column ' || concat_ws(' ', \
                 table_name, column_name, data_type, coalesce(character_maximum_length::text, ''), \
                 coalesce(numeric_precision::text, '') || ',' || coalesce(numeric_scale::text, ''), is_nullable, \
                 coalesce(column_default, '')) AS line FROM information_schema.columns WHERE table_schema = 'public' \
                 UNION ALL SELECT 2, tablename::text, 0, 'index ' || concat_ws(' ', tablename, indexname, indexdef) \
                 FROM pg_indexes WHERE schemaname = 'public' \
                 UNION ALL SELECT 3, conrelid::regclass::text, 0, 'constraint ' || concat_ws(' ', \
                 conrelid::regclass::text, conname, contype, pg_get_constraintdef(oid)) FROM pg_constraint \
                 WHERE connamespace = 'public'::regnamespace) x ORDER BY k, t, o, line";
            lines.extend(one_col(db.rows(sql)));
        }
        Dialect::Mysql => {
            let tables = one_col(db.rows(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = DATABASE() \
                 AND table_type = 'BASE TABLE' \
                 AND table_name NOT IN ('atlas_schema_revisions', 'strata_schema_history') ORDER BY 1",
            ));
            for t in &tables {
                // The client prints the statement's own newlines: rejoin the
                // lines, then drop the leading table name column.
                let text: Vec<String> =
                    db.rows(&format!("SHOW CREATE TABLE `{t}`")).into_iter().map(|r| r.join("\t")).collect();
                let text = text.join("\n");
                let text = text.split_once('\t').map_or(text.as_str(), |(_, s)| s);
                let mut cols = Vec::new();
                let mut keys = Vec::new();
                for line in text.lines() {
                    let line = line.trim().trim_end_matches(',');
                    if line.starts_with('`') {
                        cols.push(format!("  {line}"));
                    } else if line.starts_with("PRIMARY KEY")
                        || line.contains("KEY `")
                        || line.starts_with("CONSTRAINT")
                    {
                        keys.push(format!("  {line}"));
                    } else if line.starts_with(')') {
                        // Table options; AUTO_INCREMENT counters are state, not schema.
                        let opts: Vec<&str> =
                            line.split_whitespace().filter(|w| !w.starts_with("AUTO_INCREMENT=")).collect();
                        cols.push(format!("  {}", opts.join(" ")));
                    }
                }
                keys.sort();
                lines.push(format!("table {t}"));
                lines.extend(cols);
                lines.extend(keys);
            }
        }
    }
    lines
}

/// Lines only in `a`, and only in `b`.
fn diff(a: &[String], b: &[String]) -> (Vec<String>, Vec<String>) {
    let sa: BTreeSet<&String> = a.iter().collect();
    let sb: BTreeSet<&String> = b.iter().collect();
    let only_a = a.iter().filter(|l| !sb.contains(l)).cloned().collect();
    let only_b = b.iter().filter(|l| !sa.contains(l)).cloned().collect();
    (only_a, only_b)
}

/// The database's state, in brief, for the report.
fn brief(revs: &[Rev]) -> String {
    if revs.is_empty() {
        return "no revisions".into();
    }
    revs.iter()
        .map(|r| {
            if r.partial() {
                let err =
                    if r.error.is_empty() { String::new() } else { format!(", error {:?}", short(&r.error, 120)) };
                format!("{} (partial {}/{}{err})", r.version, r.applied, r.total)
            } else {
                r.version.clone()
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn short(s: &str, n: usize) -> String {
    let s = s.trim();
    if s.chars().count() <= n { s.to_string() } else { format!("{}…", s.chars().take(n).collect::<String>()) }
}

// ---------------------------------------------------------------------------
// Databases

/// Fresh databases for the trials. A PostgreSQL database is reused, emptied
/// (creating and dropping one costs about a second each, many times what a
/// trial's runs take); others are made anew.
struct Pool<'a> {
    make: &'a dyn Fn(&str) -> Option<Db>,
    spare: Vec<Db>,
}

impl Pool<'_> {
    fn get(&mut self, label: &str) -> Db {
        match self.spare.pop() {
            Some(db) => {
                reset(&db);
                db
            }
            None => (self.make)(label).expect("database server"),
        }
    }

    fn put(&mut self, db: Db) {
        if dialect(&db) == Dialect::Postgres {
            self.spare.push(db);
        }
    }
}

/// Empties a PostgreSQL database and its dev database as a fresh one is (the
/// generated files create tables, indexes and constraints only; Strata its
/// own schema), and the sandbox.
fn reset(db: &Db) {
    const EMPTY: &str = "DO $$ DECLARE r record; BEGIN \
        FOR r IN SELECT nspname FROM pg_namespace WHERE nspname NOT IN ('public', 'information_schema') \
        AND nspname NOT LIKE 'pg\\_%' LOOP EXECUTE format('DROP SCHEMA %I CASCADE', r.nspname); END LOOP; \
        FOR r IN SELECT viewname FROM pg_views WHERE schemaname = 'public' \
        LOOP EXECUTE format('DROP VIEW IF EXISTS public.%I CASCADE', r.viewname); END LOOP; \
        FOR r IN SELECT tablename FROM pg_tables WHERE schemaname = 'public' \
        LOOP EXECUTE format('DROP TABLE IF EXISTS public.%I CASCADE', r.tablename); END LOOP; \
        FOR r IN SELECT sequencename FROM pg_sequences WHERE schemaname = 'public' \
        LOOP EXECUTE format('DROP SEQUENCE IF EXISTS public.%I CASCADE', r.sequencename); END LOOP; \
        FOR r IN SELECT typname FROM pg_type WHERE typnamespace = 'public'::regnamespace AND typtype IN ('e', 'd') \
        LOOP EXECUTE format('DROP TYPE IF EXISTS public.%I CASCADE', r.typname); END LOOP; END $$";
    if let Kind::Postgres(target, dev) = &db.kind {
        target.exec(EMPTY);
        dev.exec(EMPTY);
    }
    for entry in std::fs::read_dir(&db.sb.path).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            std::fs::remove_dir_all(&path).unwrap();
        } else {
            std::fs::remove_file(&path).unwrap();
        }
    }
}

// ---------------------------------------------------------------------------
// Calibration

/// Timings of one uninterrupted run of a mode: its fixed part (start-up and,
/// for down, planning: until the revert starts printing) and the whole, for
/// a directory of `stmts` statements.
#[derive(Clone, Copy)]
struct Calib {
    fixed: Duration,
    full: Duration,
    stmts: usize,
}

impl Calib {
    /// The kill window for a directory of `stmts` statements.
    fn window(&self, stmts: usize, down: bool) -> (Duration, Duration) {
        let r = stmts as f64 / self.stmts as f64;
        let fixed = if down { self.fixed.mul_f64(r) } else { self.fixed };
        let var = self.full.saturating_sub(self.fixed).mul_f64(r);
        // A revert's fixed part is its planning (dev-database replays): worth
        // killing in too.
        (fixed.mul_f64(if down { 0.3 } else { 0.8 }), (fixed + var).mul_f64(1.15))
    }
}

fn calibrate(pool: &mut Pool, mode: Mode, seed: u64, trial: u64) -> Calib {
    let mut rng = Rng::trial(seed, trial);
    let m = generate(&mut rng);
    let mut best: Option<Calib> = None;
    // The fastest of two rounds: one run is noisy while other work shares the cores.
    for round in 0..2 {
        let db = pool.get(&format!("faults-cal-{}", mode.key()));
        write_dir(&db, &m);
        let p = plan(&db, mode, &m, &mut Rng(rng.0));
        let (fixed, full) = if mode.is_down() {
            // The planning part ends when the revert starts printing. (Not a
            // --dry-run: it runs every version's checks up front, against a
            // database the newer versions' reverts have not changed yet, and
            // fails where the real run passes.)
            apply_all(&db, None);
            let start = Instant::now();
            let (mut child, out, err) = spawn(&db, &p.args, &format!("cache-cal-{round}"), "cal");
            let mut fixed = None;
            let status = loop {
                if let Some(status) = child.try_wait().unwrap() {
                    break status;
                }
                if fixed.is_none() && read(&out).contains(DOWN_STARTS) {
                    fixed = Some(start.elapsed());
                }
                assert!(start.elapsed() < HANG, "calibration run hung");
                std::thread::sleep(Duration::from_micros(200));
            };
            let full = start.elapsed();
            assert!(status.success(), "calibration: strata {} failed:\n{}", p.args.join(" "), read(&err));
            (fixed.unwrap_or(full), full)
        } else {
            let full = must(&db, &p.args, "cache", "cal").took;
            let fixed = must(&db, &p.args, "cache", "cal-noop").took;
            (fixed, full)
        };
        pool.put(db);
        let c = Calib { fixed: fixed.min(full), full, stmts: m.stmts() };
        best = Some(match best {
            Some(b) => Calib { fixed: b.fixed.min(c.fixed), full: b.full.min(c.full), stmts: c.stmts },
            None => c,
        });
    }
    best.unwrap()
}

// ---------------------------------------------------------------------------
// One trial

#[derive(Default)]
struct Tally {
    trials: usize,
    killed: usize,
    /// Of the killed: the database as before the command, changed but not at
    /// the end state, already at the end state.
    untouched: usize,
    midway: usize,
    at_end: usize,
    no_kill: usize,
    wrong: usize,
    /// Wrong although every re-run exited 0.
    silent: usize,
    /// Re-runs that failed, and how many of those named no command to run.
    rerun_failures: usize,
    no_command_named: usize,
    /// Per kill style: (killed, trials).
    styles: BTreeMap<&'static str, (usize, usize)>,
}

struct Outcome {
    killed: bool,
    style: &'static str,
    /// 0 untouched, 1 midway, 2 at the end state (killed trials only).
    after_kill: u8,
    wrong: Option<String>,
    rerun_failures: usize,
    no_command_named: usize,
}

/// Whether stderr names a command to run (`strata …` or `atlas …`).
fn names_command(stderr: &str) -> bool {
    stderr.contains("strata migrate") || stderr.contains("strata schema") || stderr.contains("atlas migrate")
}

fn trial(pool: &mut Pool, mode: Mode, seed: u64, n: u64, calib: &Calib) -> Outcome {
    let mut rng = Rng::trial(seed, n);
    let m = generate(&mut rng);
    let db = pool.get(&format!("faults-{n}"));
    write_dir(&db, &m);
    let p = plan(&db, mode, &m, &mut rng);
    let last = m.last();
    if mode.is_down() {
        apply_all(&db, None);
    }
    let before_revs = revisions(&db);
    let before_cat = catalog(&db, false);

    // The reference: a second fresh database, a clean run to the expected version.
    let reference = pool.get(&format!("faults-{n}-ref"));
    write_dir(&reference, &m);
    apply_all(&reference, (p.expected_version < last).then_some(p.expected_version));
    let texts = !mode.is_down();
    let want_cat = catalog(&reference, texts);
    let want_revs: Vec<String> = (1..=p.expected_version).map(|v| v.to_string()).collect();
    assert_eq!(
        revisions(&reference).iter().map(|r| r.version.clone()).collect::<Vec<_>>(),
        want_revs,
        "reference database"
    );
    pool.put(reference);

    // The interrupted run: half the trials kill at a random time in the
    // calibrated window, half right after a random point of the output (a
    // statement of apply; for down, a random time into the revert or right
    // after its end), which lands kills in the short window where a revert
    // executes and commits.
    let (lo, hi) = calib.window(m.stmts(), mode.is_down());
    let kill = match env_u64("STRATA_FAULTS_DELAY_MS") {
        Some(ms) => Kill::Timed(Duration::from_millis(ms)),
        None if rng.chance(50) => Kill::Timed(lo + (hi.saturating_sub(lo)).mul_f64(rng.unit())),
        // While the revert executes, or after it committed and before the
        // process ended (a re-run of `down N` must not revert N more).
        None if mode.is_down() && rng.chance(50) => {
            let exec = calib.full.saturating_sub(calib.fixed).max(Duration::from_millis(3));
            Kill::AfterText { text: DOWN_STARTS, jitter: exec.mul_f64(rng.unit()) }
        }
        None if mode.is_down() => Kill::AfterText { text: DOWN_DONE, jitter: Duration::ZERO },
        None => {
            let per_stmt = calib.full.saturating_sub(calib.fixed).div_f64(calib.stmts as f64);
            Kill::AfterStmt { k: rng.range(1, m.stmts()), jitter: per_stmt.mul_f64(1.5 * rng.unit()) }
        }
    };
    let (mut child, out, err) = spawn(&db, &p.args, "cache", "first");
    let (status, _) = kill_first(&mut child, &out, kill);
    let killed = status.signal() == Some(9);
    let first = Done { status, stdout: read(&out), stderr: read(&err), took: Duration::ZERO };

    let mut log = String::new();
    let cmd = format!("strata {}", p.args.join(" "));
    writeln!(log, "  command (in {}): {cmd}", db.sb.path.display()).unwrap();
    writeln!(
        log,
        "  directory: {} files, {} statements; expected end: version {} (before: {})",
        last,
        m.stmts(),
        p.expected_version,
        brief(&before_revs)
    )
    .unwrap();
    let mut wrong: Vec<String> = Vec::new();
    let mut after_kill = 0;
    let mut rerun_failures = 0;
    let mut no_command_named = 0;
    if killed {
        let revs = revisions(&db);
        let cat = catalog(&db, false);
        let at_end = revs.iter().map(|r| r.version.clone()).collect::<Vec<_>>() == want_revs
            && !revs.iter().any(Rev::partial)
            && cat == catalog_of_kind(&want_cat, texts);
        after_kill = if revs == before_revs && cat == before_cat {
            0
        } else if at_end {
            2
        } else {
            1
        };
        let state = ["as before the command", "changed, not at the end state", "already at the end state"];
        writeln!(
            log,
            "  killed {}: database {}; revisions: {}",
            kill.describe(),
            state[after_kill as usize],
            brief(&revs)
        )
        .unwrap();
        let progress = first.stdout.lines().filter(|l| l.trim_start().starts_with("->")).count();
        writeln!(log, "  first attempt printed {progress} statements before the kill").unwrap();
        // Re-run the same command until it succeeds (a few times at most). A
        // revert that committed before the kill is done: `down N` run again
        // is a new request (nothing tells it from a user reverting N more),
        // so the end state is judged as the kill left it.
        let finished_revert = after_kill == 2 && p.args.get(1).is_some_and(|a| a == "down");
        if finished_revert {
            writeln!(log, "  the revert had committed: not re-run").unwrap();
        }
        for attempt in (1..=3).filter(|_| !finished_revert) {
            let done = run(&db, &p.args, "cache", &format!("rerun{attempt}"));
            if done.ok() {
                writeln!(log, "  re-run {attempt}: ok").unwrap();
                break;
            }
            rerun_failures += 1;
            let named = names_command(&done.stderr);
            if !named {
                no_command_named += 1;
            }
            writeln!(
                log,
                "  re-run {attempt}: {}{}; stderr:\n{}",
                done.describe(),
                if named { "" } else { " (stderr names no command to run)" },
                indent(&done.stderr, "      ")
            )
            .unwrap();
            wrong.push(format!("re-run {attempt} failed ({})", done.describe()));
        }
    } else {
        writeln!(log, "  finished before the kill ({}): {}", kill.describe(), first.describe()).unwrap();
        if !first.ok() {
            wrong.push(format!("uninterrupted run failed ({})", first.describe()));
            writeln!(log, "  stderr:\n{}", indent(&first.stderr, "      ")).unwrap();
        }
    }

    // The end state.
    let revs = revisions(&db);
    let versions: Vec<String> = revs.iter().map(|r| r.version.clone()).collect();
    if versions != want_revs {
        wrong.push("revisions".into());
        writeln!(log, "  revisions: {} (want 1..={})", brief(&revs), p.expected_version).unwrap();
    } else if revs.iter().any(Rev::partial) {
        wrong.push("partial revision".into());
        writeln!(log, "  revisions: {}", brief(&revs)).unwrap();
    }
    let cat = catalog(&db, texts);
    if cat != want_cat {
        wrong.push("schema".into());
        let (extra, missing) = diff(&cat, &want_cat);
        writeln!(log, "  schema differs from the reference (apply to version {}):", p.expected_version).unwrap();
        for l in extra.iter().take(25) {
            writeln!(log, "    + {l}").unwrap();
        }
        for l in missing.iter().take(25) {
            writeln!(log, "    - {l}").unwrap();
        }
        if extra.is_empty() && missing.is_empty() {
            writeln!(log, "    (same facts, another order)").unwrap();
        }
    }
    for (table, got, want) in row_diffs(&db, &m) {
        wrong.push(format!("rows of {table}"));
        writeln!(log, "  rows of {table}: {}", row_delta(&got, &want)).unwrap();
    }
    let wrong = (!wrong.is_empty()).then(|| format!("wrong end state: {}\n{log}", wrong.join("; ")));
    if wrong.is_some() && std::env::var_os("STRATA_KEEP_TEST_DIRS").is_some() {
        // Keep the sandbox and the database.
        std::mem::forget(db);
    } else {
        pool.put(db);
    }
    Outcome { killed, style: kill.style(), after_kill, wrong, rerun_failures, no_command_named }
}

/// The reference catalog without sqlite_master's SQL texts.
fn catalog_of_kind(cat: &[String], texts: bool) -> Vec<String> {
    if texts { cat.iter().filter(|l| !l.starts_with("sql ")).cloned().collect() } else { cat.to_vec() }
}

fn indent(text: &str, pad: &str) -> String {
    let text = text.trim_end();
    if text.is_empty() {
        return format!("{pad}(empty)");
    }
    text.lines().map(|l| format!("{pad}{l}")).collect::<Vec<_>>().join("\n")
}

// ---------------------------------------------------------------------------
// The suites

/// The environment a re-run of one trial needs besides the seed.
fn rerun_env(name: &str) -> String {
    let mut env = String::new();
    for var in ["STRATA_FAULTS_BIN", "STRATA_FAULTS_APPLY_DEV_URL", "STRATA_FAULTS_DROP_ANY"] {
        if let Some(v) = std::env::var(var).ok().filter(|v| !v.is_empty()) {
            env.push_str(&format!("{var}={v:?} "));
        }
    }
    env + &match name {
        "postgres" => format!(
            "CI=true STRATA_TEST_POSTGRES_URL={:?} ",
            std::env::var("STRATA_TEST_POSTGRES_URL").unwrap_or_default()
        ),
        "mysql" => {
            format!("CI=true STRATA_TEST_MYSQL_URL={:?} ", std::env::var("STRATA_TEST_MYSQL_URL").unwrap_or_default())
        }
        _ => String::new(),
    }
}

fn kills(name: &str, make: &dyn Fn(&str) -> Option<Db>) {
    // Skipped (or failed under CI) when the dialect's server is not configured.
    let Some(probe) = make("faults-probe") else { return };
    let mut pool = Pool { make, spare: Vec::new() };
    pool.put(probe);
    let seed = seed();
    let only = env_u64("STRATA_FAULTS_TRIAL");
    let only_mode = std::env::var("STRATA_FAULTS_MODE").ok().filter(|m| !m.is_empty());
    let trial_numbers: Vec<u64> = match only {
        Some(t) => vec![t],
        None => (0..trials()).collect(),
    };
    let started = Instant::now();
    let mut calibs: BTreeMap<Mode, Calib> = BTreeMap::new();
    let mut tallies: BTreeMap<Mode, Tally> = BTreeMap::new();
    let mut failures = Vec::new();
    for n in trial_numbers {
        let mode = MODES[(n % 4) as usize];
        if only_mode.as_deref().is_some_and(|m| m != mode.key()) {
            continue;
        }
        let calib = *calibs.entry(mode).or_insert_with(|| {
            let c = calibrate(&mut pool, mode, seed, n);
            eprintln!(
                "faults {name}: calibrated {}: fixed part {} ms, whole run {} ms ({} statements)",
                mode.label(),
                c.fixed.as_millis(),
                c.full.as_millis(),
                c.stmts
            );
            c
        });
        let outcome = trial(&mut pool, mode, seed, n, &calib);
        let t = tallies.entry(mode).or_default();
        t.trials += 1;
        if outcome.killed {
            t.killed += 1;
            match outcome.after_kill {
                0 => t.untouched += 1,
                1 => t.midway += 1,
                _ => t.at_end += 1,
            }
        } else {
            t.no_kill += 1;
        }
        t.rerun_failures += outcome.rerun_failures;
        t.no_command_named += outcome.no_command_named;
        let style = t.styles.entry(outcome.style).or_default();
        style.0 += usize::from(outcome.killed);
        style.1 += 1;
        if let Some(report) = outcome.wrong {
            t.wrong += 1;
            t.silent += usize::from(outcome.rerun_failures == 0);
            let rerun = format!(
                "{}STRATA_FAULTS_SEED={seed} STRATA_FAULTS_TRIAL={n} cargo test -p strata-tests --test faults \
                 {name}::kills -- --nocapture",
                rerun_env(name)
            );
            eprintln!("faults {name}: trial {n} ({}): {report}  re-run only this trial: {rerun}\n", mode.label());
            failures.push(format!("trial {n} ({})", mode.label()));
        }
    }

    let mut table = format!(
        "\nfaults {name} (seed {seed}, {:.1} s)\n{:<22} {:>6} {:>7} {:>22} {:>8} {:>6} {:>6} {:>15}\n",
        started.elapsed().as_secs_f64(),
        "mode",
        "trials",
        "killed",
        "(untouched/mid/at-end)",
        "no-kill",
        "WRONG",
        "silent",
        "failed re-runs"
    );
    let mut total = Tally::default();
    for (mode, t) in &tallies {
        writeln!(
            table,
            "{:<22} {:>6} {:>7} {:>22} {:>8} {:>6} {:>6} {:>15}",
            mode.label(),
            t.trials,
            t.killed,
            format!("{}/{}/{}", t.untouched, t.midway, t.at_end),
            t.no_kill,
            t.wrong,
            t.silent,
            format!("{} ({} no cmd)", t.rerun_failures, t.no_command_named)
        )
        .unwrap();
        total.trials += t.trials;
        total.killed += t.killed;
        total.no_kill += t.no_kill;
        total.wrong += t.wrong;
        total.silent += t.silent;
    }
    writeln!(
        table,
        "{:<22} {:>6} {:>7} {:>22} {:>8} {:>6} {:>6}",
        "total", total.trials, total.killed, "", total.no_kill, total.wrong, total.silent
    )
    .unwrap();
    writeln!(
        table,
        "(untouched/mid/at-end: what the killed run left; silent: wrong although the re-run exited 0)\n\
         kills landed (killed/trials) per kill point:"
    )
    .unwrap();
    for (mode, t) in &tallies {
        let styles: Vec<String> = t.styles.iter().map(|(s, (k, n))| format!("{s} {k}/{n}")).collect();
        writeln!(table, "  {:<22} {}", mode.label(), styles.join(", ")).unwrap();
    }
    eprintln!("{table}");
    assert!(failures.is_empty(), "{name}: {} wrong end state(s): {}", failures.len(), failures.join(", "));
}

/// Eight `migrate apply` started at once on one database, with the
/// migration lock: every process exits 0, each version is applied exactly
/// once (one process applies it, the others wait and find nothing left), and
/// the database ends as a clean run leaves it. Once per transaction mode.
fn concurrent_apply(name: &str, make: &dyn Fn(&str) -> Option<Db>) {
    let Some(probe) = make("faults-concurrent") else { return };
    let mut pool = Pool { make, spare: Vec::new() };
    pool.put(probe);
    let mut rng = Rng::trial(seed(), 1_000_000);
    let m = generate(&mut rng);
    let reference = pool.get("faults-concurrent-ref");
    write_dir(&reference, &m);
    apply_all(&reference, None);
    let want_cat = catalog(&reference, true);
    pool.put(reference);

    let mut problems = Vec::new();
    for tx_mode in ["file", "none"] {
        let db = pool.get("faults-concurrent");
        write_dir(&db, &m);
        let a = args(&[
            "migrate",
            "apply",
            "--url",
            &db.url,
            "--tx-mode",
            tx_mode,
            "--lock-timeout",
            "2m",
            "--format",
            "json",
        ]);
        let children: Vec<_> = (0..8).map(|i| spawn(&db, &a, "cache", &format!("p{i}"))).collect();
        let mut applied: BTreeMap<String, usize> = BTreeMap::new();
        let mut idle = 0;
        for (i, (mut child, out, err)) in children.into_iter().enumerate() {
            let (status, hung) = wait_until(&mut child, HANG);
            let (stdout, stderr) = (read(&out), read(&err));
            if hung || !status.success() {
                problems.push(format!(
                    "--tx-mode {tx_mode}: process {i}: {status:?}{}\n{}",
                    if hung { " (hung)" } else { "" },
                    indent(&stderr, "    ")
                ));
                continue;
            }
            let json: serde_json::Value = match serde_json::from_str(&stdout) {
                Ok(j) => j,
                Err(e) => {
                    problems.push(format!("--tx-mode {tx_mode}: process {i}: stdout is not JSON ({e}): {stdout}"));
                    continue;
                }
            };
            let files = json["Applied"].as_array().cloned().unwrap_or_default();
            if files.is_empty() {
                idle += 1;
            }
            for f in files {
                *applied.entry(f["Version"].as_str().unwrap_or("?").to_string()).or_default() += 1;
            }
        }
        let want: BTreeMap<String, usize> = (1..=m.last()).map(|v| (v.to_string(), 1)).collect();
        if applied != want {
            problems.push(format!("--tx-mode {tx_mode}: times each version was applied: {applied:?}, want once each"));
        }
        let revs = revisions(&db);
        if revs.iter().map(|r| r.version.clone()).collect::<Vec<_>>() != want.keys().cloned().collect::<Vec<_>>()
            || revs.iter().any(Rev::partial)
        {
            problems.push(format!("--tx-mode {tx_mode}: revisions: {}", brief(&revs)));
        }
        let cat = catalog(&db, true);
        if cat != want_cat {
            let (extra, missing) = diff(&cat, &want_cat);
            problems.push(format!("--tx-mode {tx_mode}: schema differs: extra {extra:?}, missing {missing:?}"));
        }
        for (table, got, want) in row_diffs(&db, &m) {
            problems.push(format!("--tx-mode {tx_mode}: rows of {table}: {}", row_delta(&got, &want)));
        }
        eprintln!(
            "faults {name}: 8 concurrent `migrate apply --tx-mode {tx_mode}` of {} files ({} statements): \
             {} found nothing to do",
            m.last(),
            m.stmts(),
            idle
        );
        pool.put(db);
    }
    assert!(problems.is_empty(), "{name}: concurrent apply:\n{}", problems.join("\n"));
}

macro_rules! suite {
    ($dialect:ident, $make:expr) => {
        mod $dialect {
            use super::*;

            #[test]
            fn kills() {
                super::kills(stringify!($dialect), &$make)
            }

            #[test]
            fn concurrent_apply() {
                super::concurrent_apply(stringify!($dialect), &$make)
            }
        }
    };
}

suite!(sqlite, Db::sqlite);
suite!(postgres, Db::postgres);
suite!(mysql, Db::mysql);
