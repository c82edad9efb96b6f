//! The examples under `examples/` run as their READMEs say: the promotion
//! walkthrough end to end on a real PostgreSQL server (`STRATA_TEST_POSTGRES_URL`;
//! without one the test skips, under CI it fails).

use std::process::Command;

use strata_tests::{bin_dir, repo_root, server_url};

#[test]
fn promotion_walkthrough_runs_from_dev_to_production() {
    let Some(pg_url) = server_url("STRATA_TEST_POSTGRES_URL") else { return };
    let example = repo_root().join("examples").join("promotion");
    // Databases of their own: test processes may run at the same time.
    let prefix = format!("strata_example_{}", std::process::id());
    let output = Command::new("bash")
        .arg(example.join("walkthrough.sh"))
        .env("PG_URL", &pg_url)
        .env("STRATA", bin_dir().join("strata"))
        .env("PROMO_DB_PREFIX", &prefix)
        .env("NO_COLOR", "1")
        .env_remove("STRATA_PLUGIN_PATH")
        .output()
        .expect("run bash");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "walkthrough.sh failed ({})\n--- stdout\n{stdout}\n--- stderr\n{stderr}",
        output.status
    );

    let expect = |text: &str| assert!(stdout.contains(text), "the walkthrough's output lacks {text:?}:\n{stdout}");
    // Production refused until staging ran the version.
    expect(
        "error: promotion: version 20240615090000 of \"app\" was never applied to env \"staging\": \
         the registry has no deployment of it there",
    );
    // The apply and the down wait for bob, then run.
    expect("awaits approval (0 of 1)");
    expect("error: alice is the author of plan");
    assert_eq!(stdout.matches("bob approved plan ").count(), 2, "{stdout}");
    expect("Migrating down from version 20240615090000 to 20240601090100");
    expect("production: orders users\nstaging:    orders refunds users\n");
    // The chain holds, breaks when a record is rewritten, holds once it is put back.
    expect("is intact: 10 records chained");
    expect("was altered after it was written");
    // Nothing left behind in the repository or on the server.
    assert!(!example.join(".strata").exists(), "the walkthrough wrote .strata/ into the example");
    let left = Command::new("psql")
        .args(["-X", "-At", &pg_url, "-c", &format!("SELECT datname FROM pg_database WHERE datname LIKE '{prefix}%'")])
        .output()
        .expect("run psql");
    assert_eq!(String::from_utf8_lossy(&left.stdout).trim(), "", "databases left behind");
}
