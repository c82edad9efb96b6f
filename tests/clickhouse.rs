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
    for lock in
        ch.db.rows("SELECT name FROM system.tables WHERE database = currentDatabase() AND name LIKE 'strata\\\\_lock%'")
    {
        ch.db.exec(&format!("DROP TABLE `{}`", lock[0]));
    }
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
