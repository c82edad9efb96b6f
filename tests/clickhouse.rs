//! ClickHouse end to end through `strata`: versioned migrations (apply,
//! status, down, a partial failure reverted, a GitOps rollback without the
//! files, a run killed midway finished by running it again) and the
//! declarative commands (schema apply, inspect, diff, clean). Every outcome
//! is read from ClickHouse's own catalog over HTTP, never through strata.

use std::process::Stdio;
use std::time::{Duration, Instant};
use strata_tests::{ChDb, Sandbox};

const V1: &str = "CREATE TABLE users (id UInt64, name String) ENGINE = MergeTree ORDER BY id;\n";
const V2: &str =
    "CREATE TABLE posts (id UInt64, user_id UInt64, title Nullable(String)) ENGINE = MergeTree ORDER BY id;\n";
const V3: &str = "ALTER TABLE users ADD COLUMN email Nullable(String);\n\
    CREATE TABLE logs (id UInt64, line String) ENGINE = Log;\n";

/// A target and a dev database, and a project directory.
struct Ch {
    sb: Sandbox,
    db: ChDb,
    dev: ChDb,
}

impl Ch {
    fn new(label: &str) -> Option<Ch> {
        let db = ChDb::create(label)?;
        let dev = ChDb::create(&format!("{label}_dev"))?;
        Some(Ch { sb: Sandbox::new(&format!("ch-{label}")), db, dev })
    }

    fn url(&self) -> String {
        self.db.url()
    }

    fn hash(&self) {
        self.sb.strata(&["migrate", "hash"]).ok();
    }

    fn apply(&self) -> strata_tests::Run {
        self.sb.strata(&["migrate", "apply", "--url", &self.url()])
    }

    fn down(&self, extra: &[&str]) -> strata_tests::Run {
        let (url, dev) = (self.url(), self.dev.url());
        let mut args = vec!["migrate", "down", "--url", &url, "--dev-url", &dev];
        args.extend_from_slice(extra);
        self.sb.strata(&args)
    }

    fn three_applied(&self) {
        self.sb.write("migrations/1_users.sql", V1);
        self.sb.write("migrations/2_posts.sql", V2);
        self.sb.write("migrations/3_logs.sql", V3);
        self.hash();
        self.apply().ok();
        self.db.exec("INSERT INTO users (id, name) VALUES (1, 'ada'), (2, 'bob')");
    }
}

#[test]
fn apply_status_and_down() {
    let Some(ch) = Ch::new("updown") else { return };
    ch.three_applied();
    assert_eq!(ch.db.tables(), ["logs", "posts", "users"]);
    assert_eq!(ch.db.columns("users"), ["id", "name", "email"]);
    assert_eq!(ch.db.versions(), ["1", "2", "3"]);
    let status = ch.sb.strata(&["migrate", "status", "--url", &ch.url(), "--format", "json"]).ok().json();
    assert_eq!(status["Current"], "3", "{status}");
    assert_eq!(status["Status"], "OK", "{status}");
    // Applying again finds nothing to do.
    let again = ch.apply().ok().stdout();
    assert!(again.contains("No migration files to execute"), "{again}");

    let out = ch.down(&[]).ok().stdout();
    assert!(out.contains("Migrating down from version 3 to 2"), "{out}");
    assert_eq!(ch.db.tables(), ["posts", "users"]);
    assert_eq!(ch.db.columns("users"), ["id", "name"]);
    assert_eq!(ch.db.rows("SELECT id, name FROM users ORDER BY id"), [["1", "ada"], ["2", "bob"]]);
    assert_eq!(ch.db.versions(), ["1", "2"]);

    ch.down(&["--to-version", "1"]).ok();
    assert_eq!(ch.db.tables(), ["users"]);
    assert_eq!(ch.db.versions(), ["1"]);
    ch.apply().ok();
    assert_eq!(ch.db.tables(), ["logs", "posts", "users"]);
    assert_eq!(ch.db.versions(), ["1", "2", "3"]);
}

/// The seed's first scenario: a version adds `email`, then fails adding
/// `phone`; `migrate down` returns to the previous version, rows kept.
#[test]
fn partial_failure_reverted() {
    let Some(ch) = Ch::new("partial") else { return };
    ch.sb.write("migrations/1_users.sql", V1);
    ch.sb.write(
        "migrations/2_contact.sql",
        "ALTER TABLE users ADD COLUMN email Nullable(String);\nALTER TABLE users ADD COLUMN phone NoSuchType;\n",
    );
    ch.hash();
    let run = ch.apply().expect_code(1);
    assert!(run.stderr().contains("NoSuchType"), "{}", run.stderr());
    assert_eq!(ch.db.columns("users"), ["id", "name", "email"]);
    // Rows written meanwhile, none with an email (a value there would be
    // guarded: reverting drops the column).
    ch.db.exec("INSERT INTO users (id, name) VALUES (1, 'ada')");
    let json = ch.down(&["--format", "json"]).ok().json();
    assert_eq!(json["Current"], "2", "{json}");
    assert_eq!(json["Target"], "1", "{json}");
    assert_eq!(ch.db.columns("users"), ["id", "name"]);
    assert_eq!(ch.db.rows("SELECT id, name FROM users"), [["1", "ada"]]);
    assert_eq!(ch.db.versions(), ["1"]);
}

/// The seed's third scenario: a rollback run from an older commit's
/// directory, which lacks the newer file, reaches the older version.
#[test]
fn gitops_rollback_without_files() {
    let Some(ch) = Ch::new("gitops") else { return };
    ch.three_applied();
    std::fs::remove_file(ch.sb.path.join("migrations/3_logs.sql")).unwrap();
    ch.hash();
    ch.down(&[]).ok();
    assert_eq!(ch.db.tables(), ["posts", "users"]);
    assert_eq!(ch.db.columns("users"), ["id", "name"]);
    assert_eq!(ch.db.versions(), ["1", "2"]);
}

/// A `migrate apply` killed midway (no transactions: statement by statement,
/// progress recorded after each) is finished by running it again.
#[test]
fn killed_apply_finished_by_rerun() {
    let Some(ch) = Ch::new("killed") else { return };
    let file: String = (0..40).map(|i| format!("CREATE TABLE t{i:02} (id UInt64) ENGINE = Log;\n")).collect();
    ch.sb.write("migrations/1_many.sql", &file);
    ch.hash();
    let strata = strata_tests::bin_dir().join("strata");
    let mut child = std::process::Command::new(&strata)
        .args(["migrate", "apply", "--url", &ch.url()])
        .current_dir(&ch.sb.path)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Kill it once some statements ran, before it finishes.
    let start = Instant::now();
    loop {
        let made = ch.db.tables().len();
        if made >= 5 || start.elapsed() > Duration::from_secs(60) {
            break;
        }
        if child.try_wait().unwrap().is_some() {
            break;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    let _ = child.kill();
    let _ = child.wait();
    let made = ch.db.tables().len();
    assert!(made < 40, "the run finished before it could be killed ({made} tables)");
    // The migration lock (a table) outlives the killed process; break it as
    // the error tells the user to.
    ch.db.break_locks();
    // Whether the statement after the last recorded one ran is read from the
    // database, which needs a dev database: without one the re-run says so.
    let done = ch.db.rows("SELECT argMax(applied, seq) FROM atlas_schema_revisions WHERE version = '1'");
    if done.first().is_some_and(|r| r[0] != "40") {
        let run = ch.apply().expect_code(1);
        assert!(run.stderr().contains("hint: run the same command again with --dev-url"), "{}", run.stderr());
    }
    ch.sb.strata(&["migrate", "apply", "--url", &ch.url(), "--dev-url", &ch.dev.url()]).ok();
    let want: Vec<String> = (0..40).map(|i| format!("t{i:02}")).collect();
    assert_eq!(ch.db.tables(), want);
    assert_eq!(ch.db.versions(), ["1"]);
    let rev =
        ch.db.rows("SELECT argMax(applied, seq), argMax(total, seq) FROM atlas_schema_revisions WHERE version = '1'");
    assert_eq!(rev, [["40", "40"]]);
}

#[test]
fn schema_apply_inspect_diff_clean() {
    let Some(ch) = Ch::new("schema") else { return };
    let schema = "CREATE TABLE events (id UInt64, kind LowCardinality(String), at DateTime('UTC'), \
        amount Decimal(10, 2) DEFAULT 0, tags Array(String), note Nullable(String) COMMENT 'free text') \
        ENGINE = MergeTree PARTITION BY toYYYYMM(at) ORDER BY (id, at);\n\
        CREATE VIEW recent AS SELECT id, kind FROM events WHERE at > now() - 3600;\n";
    ch.sb.write("schema.sql", schema);
    let (url, dev) = (ch.url(), ch.dev.url());
    let apply = ["schema", "apply", "--url", &url, "--to", "file://schema.sql", "--dev-url", &dev, "--auto-approve"];
    ch.sb.strata(&apply).ok();
    assert_eq!(ch.db.tables(), ["events"]);
    let cols = ch.db.rows(
        "SELECT name, type, default_expression, comment FROM system.columns \
         WHERE database = currentDatabase() AND table = 'events'",
    );
    assert_eq!(
        cols,
        [
            ["id", "UInt64", "", ""],
            ["kind", "LowCardinality(String)", "", ""],
            ["at", "DateTime('UTC')", "", ""],
            ["amount", "Decimal(10, 2)", "CAST(0, 'Decimal(10, 2)')", ""],
            ["tags", "Array(String)", "", ""],
            ["note", "Nullable(String)", "", "free text"],
        ]
    );
    let keys = ch.db.rows(
        "SELECT engine, partition_key, sorting_key FROM system.tables \
         WHERE database = currentDatabase() AND name = 'events'",
    );
    assert_eq!(keys, [["MergeTree", "toYYYYMM(at)", "id, at"]]);
    assert_eq!(
        ch.db.rows("SELECT engine FROM system.tables WHERE database = currentDatabase() AND name = 'recent'"),
        [["View"]]
    );
    // Converged: a second apply and a diff find nothing.
    let again = ch.sb.strata(&apply).ok().stdout();
    assert!(again.contains("Schema is synced, no changes to be made"), "{again}");
    let diff = ch.sb.strata(&["schema", "diff", "--from", &url, "--to", "file://schema.sql", "--dev-url", &dev]).ok();
    assert!(diff.stdout().contains("Schemas are synced"), "{}", diff.stdout());
    let inspect = ch.sb.strata(&["schema", "inspect", "--url", &url, "--format", "sql"]).ok().stdout();
    assert!(inspect.contains("ORDER BY (id, at)") && inspect.contains("LowCardinality(String)"), "{inspect}");

    // A change the engine cannot make in place is refused, naming the table;
    // nothing is half-done.
    ch.sb.write("schema.sql", &schema.replace("ORDER BY (id, at)", "ORDER BY (kind, id, at)"));
    let run = ch.sb.strata(&apply).expect_code(1);
    assert!(run.stderr().contains("table \"events\": ClickHouse cannot change the ORDER BY"), "{}", run.stderr());
    assert_eq!(
        ch.db.rows("SELECT sorting_key FROM system.tables WHERE database = currentDatabase() AND name = 'events'"),
        [["id, at"]]
    );

    ch.sb.strata(&["schema", "clean", "--url", &url, "--auto-approve"]).ok();
    assert!(ch.db.tables().is_empty(), "{:?}", ch.db.tables());
}

#[test]
fn wrong_password_is_refused_without_printing_it() {
    let Some(ch) = Ch::new("auth") else { return };
    let url = ch.url().replacen("://default@", "://default:hunter2@", 1);
    let run = ch.sb.strata(&["schema", "inspect", "--url", &url]);
    assert_ne!(run.code(), 0);
    let all = format!("{}{}", run.stdout(), run.stderr());
    assert!(!all.contains("hunter2"), "{all}");
    assert!(all.contains("default:****@"), "{all}");
}

/// A small deterministic generator (SplitMix64).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

/// Three migration files for a trial: the first creates tables and rows, the
/// later ones add and drop nullable columns and create empty tables (so a
/// revert's data checks pass and only the kill decides the outcome).
fn fault_files(rng: &mut Rng) -> Vec<String> {
    let tables = 2 + rng.below(3);
    let mut first = String::new();
    for t in 0..tables {
        // 18.16's Log engine alters nothing but comments: MergeTree kinds only.
        let engine = if rng.below(2) == 0 { "MergeTree ORDER BY id" } else { "ReplacingMergeTree ORDER BY id" };
        first.push_str(&format!("CREATE TABLE t{t} (id UInt64, v String) ENGINE = {engine};\n"));
        first.push_str(&format!("INSERT INTO t{t} (id, v) VALUES (1, 'a'), (2, 'b');\n"));
    }
    let mut files = vec![first];
    let mut added: Vec<(u64, String)> = Vec::new();
    for f in 1..3 {
        let mut sql = String::new();
        for s in 0..(4 + rng.below(8)) {
            let t = rng.below(tables);
            match rng.below(4) {
                0 if !added.is_empty() => {
                    let (t, c) = added.remove(rng.below(added.len() as u64) as usize);
                    sql.push_str(&format!("ALTER TABLE t{t} DROP COLUMN {c};\n"));
                }
                1 => sql.push_str(&format!("CREATE TABLE e{f}_{s} (id UInt64) ENGINE = Log;\n")),
                _ => {
                    let c = format!("c{f}_{s}");
                    sql.push_str(&format!("ALTER TABLE t{t} ADD COLUMN {c} Nullable(String);\n"));
                    added.push((t, c));
                }
            }
        }
        files.push(sql);
    }
    files
}

/// What a database holds: columns of the user's tables, rows of the first
/// file's tables, and the applied versions.
fn state(db: &ChDb) -> (Vec<Vec<String>>, Vec<Vec<String>>, Vec<String>) {
    let columns = db.rows(
        "SELECT table, name, type FROM system.columns WHERE database = currentDatabase() \
         AND table NOT IN ('atlas_schema_revisions', 'strata_schema_history') AND table NOT LIKE 'strata\\\\_lock%' \
         ORDER BY table, name",
    );
    let mut rows = Vec::new();
    for t in db.tables().iter().filter(|t| t.starts_with('t')) {
        rows.extend(db.rows(&format!("SELECT '{t}', id, v FROM {t} ORDER BY id")));
    }
    (columns, rows, db.versions())
}

/// Runs `args` against `db` until it exits 0 (at most five times), breaking
/// a lock a killed run left as the error tells the user to.
fn finish(sb: &Sandbox, db: &ChDb, args: &[String], doubts: &std::cell::Cell<u32>) -> Result<(), String> {
    let mut last = String::new();
    let mut args = args.to_vec();
    for _ in 0..5 {
        let run = sb.strata(&args.iter().map(String::as_str).collect::<Vec<_>>());
        if run.code() == 0 {
            return Ok(());
        }
        last = run.stderr();
        // A data statement in doubt: look, as the hint says, and answer. The
        // generator's INSERTs fill a table their file has just created.
        if let Some(rest) = last.split("changes only data (INSERT INTO ").nth(1) {
            assert!(last.contains("--in-doubt skip if it ran, or --in-doubt run if it did not"), "{last}");
            let table: String = rest.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
            let ran = db.rows(&format!("SELECT count() FROM {table}")) != [["0"]];
            args.retain(|a| a != "--in-doubt" && a != "skip" && a != "run");
            args.extend(["--in-doubt".to_string(), if ran { "skip" } else { "run" }.to_string()]);
            doubts.set(doubts.get() + 1);
        }
        if last.contains("strata_lock_") {
            db.break_locks();
        }
    }
    Err(last)
}

/// The kill-and-resume harness on ClickHouse: `migrate apply` and
/// `migrate down 2` killed with SIGKILL at a seeded random time, then the
/// same command run again until it succeeds; the end state must equal an
/// uninterrupted run's. `STRATA_CH_FAULTS` trials (default 6; a full run is
/// ≥ 50), `STRATA_CH_FAULTS_SEED` (default 1).
#[test]
fn kills_are_finished_by_reruns() {
    let Some(probe) = ChDb::create("faults_probe") else { return };
    drop(probe);
    let env = |name: &str, default: u64| std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default);
    let (trials, seed) = (env("STRATA_CH_FAULTS", 6), env("STRATA_CH_FAULTS_SEED", 1));
    let strata = strata_tests::bin_dir().join("strata");
    let mut wrong = Vec::new();
    let mut killed_midway = 0;
    let doubts = std::cell::Cell::new(0);
    for trial in 0..trials {
        let mut rng = Rng(seed.wrapping_mul(1_000_003).wrapping_add(trial));
        let files = fault_files(&mut rng);
        let down = trial % 2 == 1;
        let (Some(db), Some(dev), Some(want)) =
            (ChDb::create("faults"), ChDb::create("faults_dev"), ChDb::create("faults_want"))
        else {
            return;
        };
        let sb = Sandbox::new("ch-faults");
        for (i, f) in files.iter().enumerate() {
            sb.write(&format!("migrations/{}_f.sql", i + 1), f);
        }
        sb.strata(&["migrate", "hash"]).ok();
        // The expected end: an uninterrupted apply to where the command ends.
        let to = if down { "1" } else { "3" };
        sb.strata(&["migrate", "apply", "--url", &want.url(), "--to-version", to]).ok();
        let args: Vec<String> = if down {
            sb.strata(&["migrate", "apply", "--url", &db.url()]).ok();
            ["migrate", "down", "2", "--url", &db.url(), "--dev-url", &dev.url()].map(String::from).to_vec()
        } else {
            ["migrate", "apply", "--url", &db.url(), "--dev-url", &dev.url()].map(String::from).to_vec()
        };
        // Kill after a random delay within a generous bound of the run.
        let delay = Duration::from_millis(20 + rng.below(if down { 900 } else { 700 }));
        let mut child = std::process::Command::new(&strata)
            .args(&args)
            .current_dir(&sb.path)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let start = Instant::now();
        let mut finished = false;
        while start.elapsed() < delay {
            if child.try_wait().unwrap().is_some() {
                finished = true;
                break;
            }
            std::thread::sleep(Duration::from_millis(1));
        }
        if !finished {
            let _ = child.kill();
            killed_midway += 1;
        }
        let _ = child.wait();
        // A run that finished needs no re-run; nor does a revert whose last
        // version was reverted before the kill: `down 2` run again would be a
        // new request (nothing tells it from a user reverting 2 more).
        let done = finished || (down && db.versions() == want.versions());
        let rerun = if done { Ok(()) } else { finish(&sb, &db, &args, &doubts) };
        let outcome = rerun.and_then(|()| {
            let (got, expected) = (state(&db), state(&want));
            if got == expected { Ok(()) } else { Err(format!("ended with {got:?}\nwanted {expected:?}")) }
        });
        if let Err(e) = outcome {
            wrong.push(format!(
                "trial {trial} ({}, killed after {delay:?}): {e}\n  files: {files:?}",
                if down { "down 2" } else { "apply" }
            ));
        }
    }
    eprintln!(
        "clickhouse faults: {trials} trials (seed {seed}), {killed_midway} killed before finishing, {} INSERT(s) in doubt \
         answered with --in-doubt as the hint says",
        doubts.get()
    );
    assert!(wrong.is_empty(), "{} wrong end state(s):\n{}", wrong.len(), wrong.join("\n"));
}

/// A run killed while an INSERT runs: ClickHouse cannot record the INSERT
/// with its progress, so the re-run refuses to guess and names the way out;
/// answered after looking at the rows, it finishes with every row once.
#[test]
fn data_statement_in_doubt_is_asked_not_guessed() {
    let Some(ch) = Ch::new("doubt") else { return };
    ch.sb.write(
        "migrations/1_slow.sql",
        "CREATE TABLE t (id UInt64, x UInt8) ENGINE = MergeTree ORDER BY id;\n\
         INSERT INTO t SELECT number, sleepEachRow(0.5) FROM numbers(4);\n\
         CREATE TABLE u (id UInt64) ENGINE = Log;\n",
    );
    ch.hash();
    let mut child = std::process::Command::new(strata_tests::bin_dir().join("strata"))
        .args(["migrate", "apply", "--url", &ch.url()])
        .current_dir(&ch.sb.path)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Killed once the table exists, while the INSERT (2 s) runs.
    let start = Instant::now();
    while ch.db.tables().is_empty() && start.elapsed() < Duration::from_secs(30) {
        std::thread::sleep(Duration::from_millis(5));
    }
    std::thread::sleep(Duration::from_millis(300));
    child.kill().unwrap();
    child.wait().unwrap();
    // The server may finish the INSERT on its own: wait until it settles.
    std::thread::sleep(Duration::from_millis(2500));
    ch.db.break_locks();
    let (url, dev) = (ch.url(), ch.dev.url());
    let rerun = ["migrate", "apply", "--url", &url, "--dev-url", &dev];
    let run = ch.sb.strata(&rerun).expect_code(1);
    let err = run.stderr();
    assert!(
        err.contains(
            "version 1 was interrupted after statement 1; statement 2 changes only data (INSERT INTO t SELECT number"
        ) && err.contains("clickhouse cannot record together with its progress"),
        "{err}"
    );
    assert!(err.contains("--in-doubt skip if it ran, or --in-doubt run if it did not"), "{err}");
    assert!(ch.db.tables() == ["t"], "nothing ran: {:?}", ch.db.tables());
    // Look, and answer.
    let ran = ch.db.rows("SELECT count() FROM t") == [["4"]];
    let answer = if ran { "skip" } else { "run" };
    ch.sb.strata(&[&rerun[..], &["--in-doubt", answer]].concat()).ok();
    assert_eq!(ch.db.rows("SELECT count(), uniqExact(id) FROM t"), [["4", "4"]]);
    assert_eq!(ch.db.tables(), ["t", "u"]);
    assert_eq!(ch.db.versions(), ["1"]);
}

/// `migrate diff` writes the next file from a desired schema (computed on the
/// dev database), which then applies and leaves nothing to diff.
#[test]
fn migrate_diff_writes_the_next_file() {
    let Some(ch) = Ch::new("mdiff") else { return };
    ch.sb.write("migrations/1_users.sql", V1);
    ch.hash();
    let dev = ch.dev.url();
    ch.sb.write(
        "schema.sql",
        "CREATE TABLE users (id UInt64, name String, email Nullable(String) COMMENT 'contact') \
         ENGINE = MergeTree ORDER BY id;\n\
         CREATE TABLE events (id UInt64, at DateTime) ENGINE = MergeTree PARTITION BY toDate(at) ORDER BY id;\n",
    );
    ch.sb.strata(&["migrate", "diff", "add_events", "--to", "file://schema.sql", "--dev-url", &dev]).ok();
    let files: Vec<String> = std::fs::read_dir(ch.sb.path.join("migrations"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with("_add_events.sql"))
        .collect();
    assert_eq!(files.len(), 1, "{files:?}");
    let sql = ch.sb.read(&format!("migrations/{}", files[0]));
    assert!(sql.contains("ALTER TABLE `users` ADD COLUMN `email` Nullable(String)"), "{sql}");
    assert!(sql.contains("CREATE TABLE `events`") && sql.contains("PARTITION BY toDate(at)"), "{sql}");
    ch.apply().ok();
    assert_eq!(ch.db.tables(), ["events", "users"]);
    assert_eq!(
        ch.db.rows("SELECT comment FROM system.columns WHERE database = currentDatabase() AND table = 'users' AND name = 'email'"),
        [["contact"]]
    );
    assert_eq!(ch.db.versions().len(), 2);
    // Nothing left: a second diff writes no file.
    let again = ch.sb.strata(&["migrate", "diff", "again", "--to", "file://schema.sql", "--dev-url", &dev]).ok();
    assert!(again.stdout().contains("The migration directory is synced with the desired state"), "{}", again.stdout());
}
