//! The executor with its revision log replaced: what it runs, what it records,
//! and what a database holds when recording fails midway. Runs on the SQLite
//! plugin built by `cargo build --workspace`.

// A test that cannot set up fails with the panic.
#![allow(clippy::unwrap_used)]

use std::path::PathBuf;
use strata::Error;
use strata::exec::{self, Options, Policy, Quiet, RevisionLog, Stop, StopKind};
use strata::plan::{Check, Guard, Step};
use strata::plugin::{Conn, Registry, SearchPath};
use strata_dialect_api::PreCheck;

/// Records every call; fails `progress` once `ran` reaches `crash_at`.
#[derive(Default)]
struct Recorder {
    calls: Vec<String>,
    crash_at: Option<usize>,
}

impl RevisionLog for Recorder {
    fn start(&mut self, _: &mut Conn, step: &Step) -> Result<(), Error> {
        self.calls.push(format!("start {} at {}", step.version, step.done));
        Ok(())
    }
    fn progress(&mut self, _: &mut Conn, step: &Step, ran: usize) -> Result<(), Error> {
        if self.crash_at == Some(ran) {
            return Err(Error::Failed("the log's disk is full".into()));
        }
        self.calls.push(format!("progress {} {ran}", step.version));
        Ok(())
    }
    fn finish(&mut self, _: &mut Conn, step: &Step) -> Result<(), Error> {
        self.calls.push(format!("finish {}", step.version));
        Ok(())
    }
    fn failed(&mut self, _: &mut Conn, step: &Step, stop: &Stop) -> Result<(), Error> {
        self.calls.push(format!("failed {} at {} rolled back {}", step.version, stop.stmt, stop.rolled_back));
        Ok(())
    }
}

fn sqlite() -> (Conn, tempdir::Dir) {
    let plugin = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/debug/libstrata_dialect_sqlite.so");
    assert!(plugin.exists(), "{} is missing: run `cargo build --workspace` before the tests", plugin.display());
    let registry = Registry::load(&SearchPath { dirs: Vec::new(), files: vec![plugin] }).unwrap();
    let dir = tempdir::Dir::new();
    let url = strata_dialect_api::DbUrl::parse(&format!("sqlite://{}", dir.0.join("app.db").display())).unwrap();
    let conn = registry.driver_for(&url).unwrap().open(&url).unwrap();
    (conn, dir)
}

/// Table names from SQLite's own catalog.
fn tables(conn: &mut Conn) -> Vec<String> {
    let rows = conn.query("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name", Vec::new()).unwrap();
    rows.rows.into_iter().filter_map(|r| r.into_iter().next().flatten()).collect()
}

/// A connection through the MySQL plugin to a scratch MariaDB database
/// (dropped with the guard); `None` when no server is configured outside CI.
fn mariadb(label: &str) -> Option<(Conn, strata_tests::MyDb)> {
    let db = strata_tests::MyDb::create(label)?;
    let plugin = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/debug/libstrata_dialect_mysql.so");
    assert!(plugin.exists(), "{} is missing: run `cargo build --workspace` before the tests", plugin.display());
    let registry = Registry::load(&SearchPath { dirs: Vec::new(), files: vec![plugin] }).unwrap();
    let url = strata_dialect_api::DbUrl::parse(&db.url()).unwrap();
    let conn = registry.driver_for(&url).unwrap().open(&url).unwrap();
    Some((conn, db))
}

fn step(version: &str, stmts: &[&str], tx: bool) -> Step {
    Step { version: version.into(), stmts: stmts.iter().map(|s| s.to_string()).collect(), tx, ..Step::default() }
}

fn opts(policy: Policy) -> Options {
    Options { policy, skip_checks: false, reverting: false }
}

#[test]
fn statement_by_statement_progress_is_recorded_with_each_statement() {
    let (mut conn, _dir) = sqlite();
    let steps = [step("1", &["CREATE TABLE a (x int)", "CREATE TABLE b (x int)"], false)];
    let mut log = Recorder::default();
    let out = exec::run(&mut conn, &steps, &opts(Policy::PerStep), &mut log, &mut Quiet).unwrap();
    assert!(out.stop.is_none());
    // The last statement's transaction records the finish.
    assert_eq!(log.calls, ["start 1 at 0", "progress 1 1", "finish 1"]);
    assert_eq!(tables(&mut conn), ["a", "b"]);
}

#[test]
fn a_statement_whose_progress_cannot_be_recorded_does_not_stay() {
    let (mut conn, _dir) = sqlite();
    let steps = [step("1", &["CREATE TABLE a (x int)", "CREATE TABLE b (x int)", "CREATE TABLE c (x int)"], false)];
    let mut log = Recorder { crash_at: Some(2), ..Recorder::default() };
    let out = exec::run(&mut conn, &steps, &opts(Policy::PerStep), &mut log, &mut Quiet).unwrap();
    let stop = out.stop.unwrap();
    assert_eq!((stop.kind, stop.stmt), (StopKind::Record, 1));
    assert!(stop.message.contains("disk is full"), "{}", stop.message);
    // The statement and its record share a transaction: the record is never
    // behind the database.
    assert_eq!(tables(&mut conn), ["a"]);
    assert_eq!(log.calls, ["start 1 at 0", "progress 1 1", "failed 1 at 1 rolled back false"]);
}

#[test]
fn one_transaction_for_the_run_keeps_nothing_of_a_failed_run() {
    let (mut conn, _dir) = sqlite();
    let steps = [
        step("1", &["CREATE TABLE a (x int)"], true),
        step("2", &["CREATE TABLE b (x int)", "CREATE TABLE b (x int)"], true),
    ];
    let mut log = Recorder::default();
    let out = exec::run(&mut conn, &steps, &opts(Policy::All), &mut log, &mut Quiet).unwrap();
    let stop = out.stop.unwrap();
    assert_eq!((stop.kind, stop.step, stop.stmt, stop.rolled_back), (StopKind::Statement, 1, 1, true));
    assert!(tables(&mut conn).is_empty());
    assert!(out.steps.iter().all(|s| s.applied.is_empty()), "a rolled-back run reports nothing applied");
    assert_eq!(log.calls.last().map(String::as_str), Some("failed 2 at 1 rolled back true"));
}

#[test]
fn a_resumed_step_starts_after_what_ran() {
    let (mut conn, _dir) = sqlite();
    conn.exec("CREATE TABLE a (x int)", Vec::new()).unwrap();
    let mut resumed = step("1", &["CREATE TABLE a (x int)", "CREATE TABLE b (x int)"], false);
    resumed.done = 1;
    let mut log = Recorder::default();
    let out = exec::run(&mut conn, &[resumed], &opts(Policy::PerStep), &mut log, &mut Quiet).unwrap();
    assert!(out.stop.is_none());
    assert_eq!(out.steps[0].skipped, 1);
    assert_eq!(log.calls, ["start 1 at 1", "finish 1"]);
    assert_eq!(tables(&mut conn), ["a", "b"]);
}

/// Where DDL commits on its own, a record is a commit of its own: the run
/// writes one only where settling a killed run could not do without it. Here
/// that is inside the one data change's transaction (with everything owed
/// before it and the next version's start) and at the end.
#[test]
fn without_transactional_ddl_records_go_only_where_settling_needs_them() {
    let Some((mut conn, db)) = mariadb("exec_chain") else { return };
    let steps = [
        step("1", &["CREATE TABLE a (x int)", "CREATE INDEX ax ON a (x)"], false),
        step("2", &["CREATE TABLE b (x int)", "INSERT INTO b VALUES (1)"], false),
        step("3", &["CREATE TABLE c (x int)"], false),
    ];
    let mut log = Recorder::default();
    let out = exec::run(&mut conn, &steps, &opts(Policy::PerStep), &mut log, &mut Quiet).unwrap();
    assert!(out.stop.is_none(), "{:?}", out.stop);
    assert_eq!(log.calls, ["start 1 at 0", "finish 1", "start 2 at 0", "finish 2", "start 3 at 0", "finish 3"]);
    let tables = db.rows(&format!(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = '{}' ORDER BY 1",
        db.name
    ));
    assert_eq!(tables, [["a"], ["b"], ["c"]]);
    assert_eq!(db.rows("SELECT COUNT(*) FROM b"), [["1"]]);
}

/// The record inside a data change's transaction carries what the run owes:
/// when it cannot be written, the data change does not stay either.
#[test]
fn without_transactional_ddl_a_failed_record_takes_its_data_change_back() {
    let Some((mut conn, db)) = mariadb("exec_chain_fail") else { return };
    let steps = [
        step("1", &["CREATE TABLE a (x int)"], false),
        step("2", &["CREATE TABLE b (x int)", "INSERT INTO b VALUES (1)", "CREATE TABLE c (x int)"], false),
    ];
    let mut log = Recorder { crash_at: Some(2), ..Recorder::default() };
    let out = exec::run(&mut conn, &steps, &opts(Policy::PerStep), &mut log, &mut Quiet).unwrap();
    let stop = out.stop.unwrap();
    assert_eq!((stop.kind, stop.step, stop.stmt), (StopKind::Record, 1, 1));
    assert_eq!(db.rows("SELECT COUNT(*) FROM b"), [["0"]]);
    let tables = db.rows(&format!(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = '{}' ORDER BY 1",
        db.name
    ));
    assert_eq!(tables, [["a"], ["b"]]);
}

#[test]
fn a_check_that_does_not_hold_stops_before_its_statement() {
    let (mut conn, _dir) = sqlite();
    conn.exec("CREATE TABLE a (x int)", Vec::new()).unwrap();
    conn.exec("INSERT INTO a VALUES (1)", Vec::new()).unwrap();
    let mut guarded = step("1", &["CREATE TABLE b (x int)", "DROP TABLE a"], true);
    let check = PreCheck { sql: "SELECT NOT EXISTS (SELECT 1 FROM a)".into(), reason: "table \"a\" is empty".into() };
    guarded.guards = vec![Guard { before: 1, check: Check::Plan(check) }];
    let mut log = Recorder::default();
    let out = exec::run(&mut conn, &[guarded], &opts(Policy::PerStep), &mut log, &mut Quiet).unwrap();
    let stop = out.stop.unwrap();
    assert_eq!((stop.kind, stop.stmt, stop.rolled_back), (StopKind::Check, 1, true));
    assert!(stop.message.contains("table \"a\" is empty"), "{}", stop.message);
    // The statement before the check rolled back with it.
    assert_eq!(tables(&mut conn), ["a"]);
}

#[test]
fn checks_up_front_hold_refuse_or_wait_for_what_an_earlier_step_restores() {
    let (mut conn, _dir) = sqlite();
    conn.exec("CREATE TABLE a (x int)", Vec::new()).unwrap();
    conn.exec("INSERT INTO a VALUES (1)", Vec::new()).unwrap();
    let plan = |sql: &str, reason: &str| Guard {
        before: 0,
        check: Check::Plan(PreCheck { sql: sql.into(), reason: reason.into() }),
    };
    // Step 2 checks table b, which step 1 creates: it cannot run yet.
    let mut steps = [step("2", &["CREATE TABLE b (x int)"], false), step("1", &["DROP TABLE b"], false)];
    steps[1].guards = vec![plan("SELECT NOT EXISTS (SELECT 1 FROM b)", "table \"b\" is empty")];
    steps[0].guards = vec![plan("SELECT 1", "always")];
    let (reports, failed) = exec::precheck(&mut conn, &mut steps, false, true, &mut Quiet);
    assert_eq!(failed, None);
    assert_eq!(reports[0].checks.len(), 1, "the check that held is reported");
    assert!(steps[0].guards.is_empty(), "a check that held is not run again");
    assert_eq!(steps[1].guards.len(), 1, "the check on b waits for its step");
    let mut log = Recorder::default();
    let out = exec::run(&mut conn, &steps, &opts(Policy::PerStep), &mut log, &mut Quiet).unwrap();
    assert!(out.stop.is_none(), "{:?}", out.stop);
    assert_eq!(out.steps[1].checks.iter().map(|c| c.ok).collect::<Vec<_>>(), [Some(true)]);
    assert_eq!(tables(&mut conn), ["a"]);

    // A check that runs and does not hold refuses before anything runs.
    let mut steps = [step("3", &["DROP TABLE a"], false)];
    steps[0].guards = vec![plan("SELECT NOT EXISTS (SELECT 1 FROM a)", "table \"a\" is empty")];
    let (_, failed) = exec::precheck(&mut conn, &mut steps, false, true, &mut Quiet);
    assert_eq!(
        failed.as_deref(),
        Some(
            "check before reverting version 3 failed: expected table \"a\" is empty (SELECT NOT EXISTS (SELECT 1 FROM a))"
        )
    );
}

mod tempdir {
    /// A directory removed when dropped.
    pub struct Dir(pub std::path::PathBuf);

    impl Dir {
        pub fn new() -> Dir {
            use std::sync::atomic::{AtomicUsize, Ordering};
            static N: AtomicUsize = AtomicUsize::new(0);
            let path = std::env::temp_dir().join(format!(
                "strata-exec-{}-{}",
                std::process::id(),
                N.fetch_add(1, Ordering::Relaxed)
            ));
            std::fs::create_dir_all(&path).unwrap();
            Dir(path)
        }
    }

    impl Drop for Dir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
}
