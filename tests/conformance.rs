//! `strata plugin test`, the conformance kit, passes for every dialect we
//! ship, on real servers, and fails a plugin that breaks the contract.

use strata_tests::db::Db;
use strata_tests::{ChDb, Sandbox, cdylib};

/// Runs the kit and returns (status, detail) per check, asserting exit 0.
fn kit(db: &Db, plugin: &str) -> Vec<(String, String, String)> {
    kit_on(&db.sb, plugin, &db.url, &db.dev, &[])
}

fn kit_on(sb: &Sandbox, plugin: &str, url: &str, dev: &str, extra: &[&str]) -> Vec<(String, String, String)> {
    let mut args = vec!["plugin", "test", plugin, "--url", url, "--dev-url", dev, "--format", "json"];
    args.extend_from_slice(extra);
    let run = sb.strata(&args);
    let report = run.json();
    let checks: Vec<(String, String, String)> = report["Checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["Name"].as_str().unwrap().into(),
                c["Status"].as_str().unwrap().into(),
                c["Detail"].as_str().unwrap().into(),
            )
        })
        .collect();
    assert_eq!(run.code(), 0, "{checks:#?}");
    checks
}

fn assert_passes(db: &Db, plugin: &str, skipped: &[&str]) {
    let checks = kit(db, plugin);
    assert_checks(&checks, skipped);
    // The kit leaves nothing behind: read from the server's own catalog.
    let left: Vec<String> = db.tables().into_iter().filter(|t| t.starts_with("strata_conformance")).collect();
    assert!(left.is_empty(), "{left:?}");
}

fn assert_checks(checks: &[(String, String, String)], skipped: &[&str]) {
    let names: Vec<&str> = checks.iter().map(|c| c.0.as_str()).collect();
    assert_eq!(
        names,
        [
            "open",
            "errors.object_missing",
            "errors.syntax",
            "bind",
            "bind.newer_kinds",
            "inspect.create",
            "diff.idempotent",
            "diff.modify",
            "transactions",
            "locks",
            "revisions",
            "dev.declarative",
            "cleanup"
        ]
    );
    for (name, status, detail) in checks {
        let want = if skipped.contains(&name.as_str()) { "Skip" } else { "Pass" };
        assert_eq!(status, want, "{name}: {detail}");
    }
}

#[test]
fn sqlite_plugin_conforms() {
    let db = Db::sqlite("conformance").unwrap();
    assert_passes(&db, "sqlite", &[]);
}

#[test]
fn postgres_plugin_conforms() {
    let Some(db) = Db::postgres("conformance") else { return };
    assert_passes(&db, "postgres", &[]);
}

#[test]
fn mysql_plugin_conforms() {
    let Some(db) = Db::mysql("conformance") else { return };
    // MariaDB's DDL commits implicitly: the plugin does not claim transactions.
    assert_passes(&db, "mysql", &["transactions"]);
}

#[test]
fn clickhouse_plugin_conforms() {
    let (Some(target), Some(dev)) = (ChDb::create("conformance"), ChDb::create("conformance_dev")) else { return };
    let sb = Sandbox::new("conformance-ch");
    let checks = kit_on(&sb, "clickhouse", &target.url(), &dev.url(), &["--types", "Int64,String"]);
    // No transactions to claim; no keys or indexes either, refused cleanly.
    assert_checks(&checks, &["transactions"]);
    let create = checks.iter().find(|c| c.0 == "inspect.create").unwrap();
    assert!(create.2.contains("refuses primary keys and indexes as unsupported"), "{create:?}");
    assert!(!target.tables().iter().any(|t| t.starts_with("strata_conformance")), "{:?}", target.tables());
}

#[test]
fn a_plugin_that_breaks_the_contract_fails_the_kit() {
    let sb = Sandbox::new("conformance-bad");
    let plugin = cdylib("strata_fixture_panicky");
    let run = sb.strata(&["plugin", "test", plugin.to_str().unwrap(), "--url", "panicky://admin:hunter2@x/db"]);
    assert_eq!(run.code(), 1, "{}", run.stdout());
    let out = run.stdout();
    assert!(out.contains("FAIL  open"), "{out}");
    assert!(out.contains("plugin panicky panicked in open"), "{out}");
    assert!(!out.contains("hunter2") && !run.stderr().contains("hunter2"), "password leaked");
    // A URL the plugin does not open is a usage error, named.
    let run = sb.strata(&["plugin", "test", "sqlite", "--url", "postgres://u:secret@h/db"]);
    assert_eq!(run.code(), 2);
    assert!(run.stderr().contains("plugin sqlite opens sqlite, sqlite3, not \"postgres\""), "{}", run.stderr());
    assert!(!run.stderr().contains("secret"));
}
