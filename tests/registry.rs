//! The deployment registry end to end: every run recorded (read back from the
//! registry's own tables), the audit chain broken with plain SQL, a registry
//! on PostgreSQL, promotion refused and allowed, `cloud_databases` capping
//! production at staging's version.

use std::path::Path;

use strata_tests::{PgDb, Sandbox, sqlite_rows, sqlite_tables};

const V1: &str = "CREATE TABLE users (id integer PRIMARY KEY, name text NOT NULL);\n";
const V2: &str = "CREATE TABLE posts (id integer PRIMARY KEY, title text);\n";
const V3: &str = "CREATE TABLE tags (id integer PRIMARY KEY);\n";

fn project(name: &str) -> Sandbox {
    let sb = Sandbox::new(name);
    sb.write("migrations/1_users.sql", V1);
    sb.write("migrations/2_posts.sql", V2);
    sb.write("migrations/3_tags.sql", V3);
    sb.strata(&["migrate", "hash"]).ok();
    sb
}

/// The registry's records, read with SQL (not through strata).
fn records(registry: &Path) -> Vec<Vec<String>> {
    sqlite_rows(
        registry,
        "SELECT seq, kind, repo, env, target, version_before, version_after, status, operator, coalesce(error, '') \
         FROM strata_deployments ORDER BY seq",
    )
}

fn registry(sb: &Sandbox) -> std::path::PathBuf {
    sb.path.join(".strata/registry.db")
}

#[test]
fn every_run_is_recorded_with_its_outcome() {
    let sb = project("registry-records");
    let url = sb.sqlite_url("app.db");
    let target = format!("sqlite://{}", sb.path.join("app.db").display());
    sb.strata(&["migrate", "apply", "--url", &url, "2", "--operator", "alice"]).ok();
    sb.strata(&["migrate", "apply", "--url", &url, "--dry-run"]).ok();
    sb.strata(&["migrate", "apply", "--url", &url, "--operator", "bob"]).ok();
    sb.strata(&["migrate", "apply", "--url", &url, "--operator", "bob"]).ok();
    sb.strata(&["migrate", "down", "--url", &url, "--operator", "carol"]).ok();
    // A refused revert: users holds a row, its check refuses the drop.
    sb.strata(&["migrate", "down", "--url", &url, "2", "--operator", "carol"]).ok();
    sb.strata(&["migrate", "apply", "--url", &url, "--operator", "dave"]).ok();
    let db = rusqlite::Connection::open(sb.path.join("app.db")).unwrap();
    db.execute("INSERT INTO users VALUES (1, 'ada')", []).unwrap();
    drop(db);
    let refused = sb.strata(&["migrate", "down", "--url", &url, "3", "--operator", "erin"]).expect_code(1);
    assert!(refused.stderr().contains("users"), "{}", refused.stderr());
    sb.write("schema.sql", &format!("{V1}{V2}{V3}CREATE TABLE extra (id integer);\n"));
    sb.strata(&["schema", "apply", "--url", &url, "--to", "file://schema.sql", "--auto-approve", "--operator", "fay"])
        .ok();

    let rows = records(&registry(&sb));
    let row = |seq: &str, kind: &str, before: &str, after: &str, status: &str, op: &str| {
        vec![seq, kind, "migrations", "", &target, before, after, status, op].into_iter().map(String::from).collect()
    };
    let mut want: Vec<Vec<String>> = vec![
        row("1", "migrate apply", "", "2", "APPLIED", "alice"),
        row("2", "migrate apply", "2", "3", "APPLIED", "bob"),
        row("3", "migrate apply", "3", "3", "NOTHING_TO_DO", "bob"),
        row("4", "migrate down", "3", "2", "APPLIED", "carol"),
        row("5", "migrate down", "2", "", "APPLIED", "carol"),
        row("6", "migrate apply", "", "3", "APPLIED", "dave"),
        row("7", "migrate down", "3", "3", "REFUSED", "erin"),
        row("8", "schema apply", "", "", "APPLIED", "fay"),
    ];
    for w in &mut want {
        w.push(String::new());
    }
    want[7][2] = String::new();
    // The refusal keeps its error.
    let error = rows[6].last().cloned().unwrap_or_default();
    assert!(error.contains("users"), "{error}");
    want[6][9] = error;
    assert_eq!(rows, want);

    // The statements that ran, and a plan hash, are kept.
    let ran = sqlite_rows(&registry(&sb), "SELECT statements, length(plan_hash) FROM strata_deployments WHERE seq = 2");
    assert_eq!(ran, [[r#"["CREATE TABLE tags (id integer PRIMARY KEY);"]"#, "64"]]);

    // `deployments` lists them; JSON carries the same.
    let list = sb.strata(&["deployments"]).ok().stdout();
    assert_eq!(list.lines().count(), 1 + 8 + 1, "{list}");
    assert!(list.lines().nth(7).is_some_and(|l| l.contains("REFUSED") && l.contains("erin")), "{list}");
    let json = sb.strata(&["deployments", "--format", "json"]).ok().json();
    assert_eq!(json.as_array().map(Vec::len), Some(8));
    assert_eq!(json[3]["kind"], "migrate down");
    assert_eq!(json[3]["statements"][0], "DROP TABLE `tags`");
    sb.strata(&["deployments", "verify"]).ok();
}

/// The registry file alone holds every record once a run has ended (no log
/// beside it to replay): a team copying `.strata/registry.db` between CI
/// stages, or committing it, loses nothing.
#[test]
fn the_registry_file_alone_holds_every_record() {
    let sb = project("registry-file-alone");
    let url = sb.sqlite_url("app.db");
    sb.strata(&["migrate", "apply", "--url", &url, "2"]).ok();
    sb.strata(&["migrate", "apply", "--url", &url]).ok();
    sb.strata(&["migrate", "down", "--url", &url]).ok();
    let copy = sb.path.join("copied-registry.db");
    std::fs::copy(registry(&sb), &copy).unwrap();
    let copied = records(&copy);
    assert_eq!(copied.len(), 3, "{copied:?}");
    assert_eq!(copied, records(&registry(&sb)));
    assert!(!sb.path.join(".strata/registry.db-wal").exists());
}

#[test]
fn verify_finds_records_altered_removed_or_reordered() {
    let sb = project("registry-tamper");
    let url = sb.sqlite_url("app.db");
    for _ in 0..3 {
        sb.strata(&["migrate", "apply", "--url", &url]).ok();
        sb.strata(&["migrate", "down", "--url", &url, "3"]).ok();
    }
    let reg = registry(&sb);
    let pristine = std::fs::read(&reg).unwrap();
    let ok = sb.strata(&["deployments", "verify"]).ok().stdout();
    assert!(ok.contains("intact: 6 records chained"), "{ok}");

    let tamper = |sql: &str| {
        std::fs::write(&reg, &pristine).unwrap();
        rusqlite::Connection::open(&reg).unwrap().execute_batch(sql).unwrap();
        let run = sb.strata(&["deployments", "verify"]).expect_code(1);
        run.stderr().lines().next().unwrap_or_default().to_string()
    };
    let shown = format!("sqlite://{}", Path::new(".strata").join("registry.db").display());
    let broken = |what: &str| format!("error: the deployment registry {shown} was tampered with: {what}");
    assert_eq!(
        tamper("UPDATE strata_deployments SET operator = 'mallory' WHERE seq = 3"),
        broken("record 3 was altered after it was written")
    );
    assert_eq!(
        tamper("DELETE FROM strata_deployments WHERE seq = 2"),
        broken("record 2 was removed (the chain continues at record 3)")
    );
    // Rows 2 and 3 trade places (their numbers swapped through a free one).
    assert_eq!(
        tamper(
            "UPDATE strata_deployments SET seq = 100 WHERE seq = 2;
             UPDATE strata_deployments SET seq = 2 WHERE seq = 3;
             UPDATE strata_deployments SET seq = 3 WHERE seq = 100;"
        ),
        broken("record 2 does not follow record 1: a record before it was removed, replaced or reordered")
    );
    assert_eq!(
        tamper("DELETE FROM strata_deployments WHERE seq = 6"),
        broken("record 6 was removed: the registry's head is record 6")
    );
    std::fs::write(&reg, &pristine).unwrap();
    sb.strata(&["deployments", "verify"]).ok();
}

const PROMOTION: &str = r#"
env "staging" {
  for_each = toset(["s1", "s2"])
  url      = "sqlite://${each.value}.db"
  migration {
    dir = "file://migrations"
  }
}

env "production" {
  url = "sqlite://prod.db"
  migration {
    dir = "file://migrations"
  }
  promotion {
    from = "staging"
  }
}
"#;

#[test]
fn promotion_refuses_versions_staging_has_not_run_everywhere() {
    let sb = project("registry-promotion");
    sb.write("atlas.hcl", PROMOTION);
    // Nothing deployed to staging yet.
    let run = sb.strata(&["migrate", "apply", "--env", "production"]).expect_code(1);
    assert_eq!(
        run.stderr().lines().next().unwrap_or_default(),
        "error: promotion: version 3 of \"migrations\" was never applied to env \"staging\": the registry has no deployment of it there"
    );
    assert!(!sb.path.join("prod.db").exists() || sqlite_tables(&sb.path.join("prod.db")).is_empty());

    // Staging at 1 on both targets, at 2 on s1 only (`--url` points both
    // instances at s1): version 2 lacks s2, so production may not take it.
    sb.strata(&["migrate", "apply", "--env", "staging", "1"]).ok();
    sb.strata(&["migrate", "apply", "--url", "sqlite://s1.db", "2", "--env", "staging"]).ok();
    let run = sb.strata(&["migrate", "apply", "--env", "production", "2"]).expect_code(1);
    let s2 = format!("sqlite://{}", sb.path.join("s2.db").display());
    assert!(run.stderr().contains(&format!("missing on {s2}")), "{}", run.stderr());
    assert!(run.stderr().contains("version 2 of \"migrations\""), "{}", run.stderr());

    // Both staging targets at 3 (the for_each env applies to each): production follows.
    sb.strata(&["migrate", "apply", "--env", "staging"]).ok();
    sb.strata(&["migrate", "apply", "--env", "production", "2"]).ok();
    assert_eq!(sqlite_tables(&sb.path.join("prod.db")), ["posts", "users"]);
    sb.strata(&["migrate", "apply", "--env", "production"]).ok();
    assert!(sqlite_tables(&sb.path.join("prod.db")).contains(&"tags".to_string()));

    // The refusals are in the registry too.
    let refused =
        sqlite_rows(&registry(&sb), "SELECT env, status FROM strata_deployments WHERE status = 'REFUSED' ORDER BY seq");
    assert_eq!(refused, [["production", "REFUSED"], ["production", "REFUSED"]]);
}

#[test]
fn cloud_databases_caps_production_at_what_staging_runs() {
    let sb = project("registry-cloud-databases");
    sb.write(
        "atlas.hcl",
        r#"
data "cloud_databases" "staging" {
  repo = "migrations"
  env  = "staging"
}

env "staging" {
  url = "sqlite://staging.db"
  migration {
    dir = "file://migrations"
  }
}

env "production" {
  url = "sqlite://prod.db"
  migration {
    dir        = "file://migrations"
    to_version = data.cloud_databases.staging.targets[0].current_version
  }
}
"#,
    );
    // No staging deployment: production cannot even be evaluated, and says why.
    let run = sb.strata(&["migrate", "apply", "--env", "production"]).expect_code(2);
    let stderr = run.stderr();
    assert!(
        stderr.contains("atlas.hcl:2:1: data source \"cloud_databases\" \"staging\": the deployment registry")
            && stderr.contains("has no deployment of repo \"migrations\" to env \"staging\""),
        "{stderr}"
    );
    assert!(!sb.path.join("prod.db").exists());

    sb.strata(&["migrate", "apply", "--env", "staging", "2"]).ok();
    sb.strata(&["migrate", "apply", "--env", "production"]).ok();
    let prod = sb.path.join("prod.db");
    assert_eq!(sqlite_rows(&prod, "SELECT version FROM atlas_schema_revisions ORDER BY version"), [["1"], ["2"]]);
    sb.strata(&["migrate", "apply", "--env", "staging"]).ok();
    sb.strata(&["migrate", "apply", "--env", "production"]).ok();
    assert_eq!(
        sqlite_rows(&prod, "SELECT version FROM atlas_schema_revisions ORDER BY version"),
        [["1"], ["2"], ["3"]]
    );
}

#[test]
fn registry_on_postgres_records_without_credentials_and_refuses_a_newer_schema() {
    let Some(reg) = PgDb::create("registry") else { return };
    let Some(target) = PgDb::create("registry_target") else { return };
    // trust authentication ignores the password: it must still never be shown or stored.
    let with_password = |url: &str| url.replacen("://postgres@", "://postgres:s3cr3t@", 1);
    let sb = project("registry-postgres");
    sb.write(
        "atlas.hcl",
        &format!(
            "registry {{\n  url = \"{}\"\n}}\n\nenv \"prod\" {{\n  url = \"{}\"\n  migration {{\n    dir = \"file://migrations\"\n  }}\n}}\n",
            with_password(&reg.url()),
            with_password(&target.url())
        ),
    );
    let run = sb.strata(&["migrate", "apply", "--env", "prod", "--operator", "ci"]).ok();
    assert!(!run.stdout().contains("s3cr3t") && !run.stderr().contains("s3cr3t"));
    let rows = reg.rows("SELECT seq, env, target, version_after, status, operator FROM strata_deployments");
    assert_eq!(rows.len(), 1);
    assert_eq!(
        rows[0][1..],
        [
            "prod".to_string(),
            target.url().replacen("://postgres@", "://postgres:****@", 1),
            "3".into(),
            "APPLIED".into(),
            "ci".into()
        ]
    );
    assert!(!reg.rows("SELECT statements || target FROM strata_deployments")[0][0].contains("s3cr3t"));
    let list = sb.strata(&["deployments", "--env", "prod"]).ok().stdout();
    assert!(list.contains("APPLIED") && !list.contains("s3cr3t"), "{list}");
    sb.strata(&["deployments", "verify"]).ok();

    // A registry written by a newer strata: refused before anything runs.
    reg.exec("UPDATE strata_registry_meta SET value = '99' WHERE name = 'schema_version'");
    target.exec("DELETE FROM atlas_schema_revisions.atlas_schema_revisions WHERE version = '3'; DROP TABLE tags;");
    let run = sb.strata(&["migrate", "apply", "--env", "prod"]).expect_code(1);
    assert!(run.stderr().contains("has schema version 99, newer than this strata knows (1)"), "{}", run.stderr());
    assert!(!run.stderr().contains("s3cr3t"));
    assert_eq!(target.rows("SELECT count(*) FROM atlas_schema_revisions.atlas_schema_revisions"), [["2"]]);
}

#[test]
fn pushed_directory_is_applied_and_rolled_back_by_tag() {
    let sb = Sandbox::new("registry-push");
    sb.write("migrations/1_users.sql", V1);
    sb.write("migrations/2_posts.sql", V2);
    sb.strata(&["migrate", "hash"]).ok();
    let pushed = sb.strata(&["migrate", "push", "app:v1"]).ok().stdout();
    assert!(pushed.starts_with("Pushed app:v1 (2 files) to sqlite://.strata/registry.db"), "{pushed}");
    sb.write("migrations/3_tags.sql", V3);
    sb.strata(&["migrate", "hash"]).ok();
    sb.strata(&["migrate", "push", "app:v2"]).ok();
    // Without a tag, the current Git commit names the snapshot.
    strata_tests::git(&sb.path, &["init", "-q"]);
    strata_tests::git(&sb.path, &["add", "migrations"]);
    strata_tests::git(&sb.path, &["commit", "-q", "-m", "three"]);
    sb.strata(&["migrate", "push", "app"]).ok();
    let head = std::process::Command::new("git").args(["rev-parse", "HEAD"]).current_dir(&sb.path).output().unwrap();
    let head = String::from_utf8_lossy(&head.stdout).trim().to_string();
    let tags =
        sqlite_rows(&registry(&sb), "SELECT tag FROM strata_registry_dirs WHERE repo = 'app' ORDER BY created_at");
    assert_eq!(tags, [["v1".to_string()], ["v2".to_string()], [head]]);

    // The local files are gone: everything comes from the registry.
    std::fs::remove_dir_all(sb.path.join("migrations")).unwrap();
    std::fs::remove_dir_all(sb.path.join(".git")).unwrap();
    sb.write(
        "atlas.hcl",
        r#"
data "remote_dir" "first" {
  name = "app"
  tag  = "v1"
}

env "prod" {
  url = "sqlite://prod.db"
  migration {
    dir = "atlas://app"
  }
}

env "old" {
  url = "sqlite://old.db"
  migration {
    dir = data.remote_dir.first.url
  }
}
"#,
    );
    sb.strata(&["migrate", "apply", "--env", "prod"]).ok();
    let prod = sb.path.join("prod.db");
    assert_eq!(sqlite_tables(&prod), ["posts", "tags", "users"]);
    // GitOps rollback: back to what tag v1 held, planned from the database.
    sb.strata(&["migrate", "down", "--env", "prod", "--to-tag", "v1"]).ok();
    assert_eq!(sqlite_tables(&prod), ["posts", "users"]);
    assert_eq!(sqlite_rows(&prod, "SELECT version FROM atlas_schema_revisions ORDER BY version"), [["1"], ["2"]]);
    let down = sqlite_rows(
        &registry(&sb),
        "SELECT repo, kind, version_before, version_after FROM strata_deployments WHERE kind = 'migrate down'",
    );
    assert_eq!(down, [["app", "migrate down", "3", "2"]]);

    // A tag read back through a data source: only its two files.
    sb.strata(&["migrate", "apply", "--env", "old"]).ok();
    assert_eq!(sqlite_tables(&sb.path.join("old.db")), ["posts", "users"]);
    let status = sb.strata(&["migrate", "status", "--env", "old"]).ok().stdout();
    assert!(status.contains("Already at latest version"), "{status}");

    // Unknown names and tags: usage errors, nothing applied.
    let run = sb.strata(&["migrate", "apply", "--url", "sqlite://x.db", "--dir", "atlas://nope"]).expect_code(2);
    assert!(run.stderr().contains("the deployment registry has no snapshot of directory \"nope\""), "{}", run.stderr());
    let run = sb.strata(&["migrate", "down", "--env", "prod", "--to-tag", "v9"]).expect_code(2);
    assert!(run.stderr().contains("no tag \"v9\" of directory \"app\""), "{}", run.stderr());
    assert!(!sb.path.join("x.db").exists());
}

/// The plan id in a refusal's first line (`error: ...plan ID awaits approval (k of n)`).
#[track_caller]
fn awaiting(run: &strata_tests::Run) -> (String, String) {
    let line = run.stderr().lines().next().unwrap_or_default().to_string();
    let at = line.rfind("plan ").unwrap_or_else(|| panic!("no plan id in {line:?}"));
    let id = line[at + 5..].split(' ').next().unwrap_or_default().to_string();
    (id, line)
}

#[test]
fn approvals_gate_apply_and_down_and_go_stale() {
    let sb = project("registry-approval");
    sb.write(
        "atlas.hcl",
        r#"
env "prod" {
  url = "sqlite://prod.db"
  migration {
    dir = "file://migrations"
  }
  approval {
    required  = 2
    reviewers = ["bob", "carol", "dave"]
  }
}
"#,
    );
    let prod = sb.path.join("prod.db");
    let apply = |op: &str| sb.strata(&["migrate", "apply", "--env", "prod", "--operator", op]);
    let (id, line) = awaiting(&apply("alice").expect_code(1));
    assert_eq!(line, format!("error: plan {id} awaits approval (0 of 2)"));
    assert!(!prod.exists() || sqlite_tables(&prod).is_empty(), "nothing runs before approval");
    // The same plan, asked again: the same id.
    assert_eq!(awaiting(&apply("alice").expect_code(1)).1, line);
    let show = sb.strata(&["plan", "show", &id]).ok().stdout();
    assert!(show.contains("CREATE TABLE tags") && show.contains("by alice"), "{show}");

    let decide = |verb: &str, op: &str| sb.strata(&["plan", verb, &id, "--operator", op]);
    let no = decide("approve", "alice").expect_code(1);
    assert!(no.stderr().contains("alice is not a reviewer of plan"), "{}", no.stderr());
    let once = decide("approve", "bob").ok().stdout();
    assert_eq!(once.trim(), format!("bob approved plan {id} (1 of 2): pending"));
    let twice = decide("approve", "bob").expect_code(1);
    assert!(twice.stderr().contains(&format!("bob already approved plan {id}")), "{}", twice.stderr());
    assert_eq!(awaiting(&apply("alice").expect_code(1)).1, format!("error: plan {id} awaits approval (1 of 2)"));
    decide("approve", "carol").ok();
    apply("alice").ok();
    assert_eq!(sqlite_tables(&prod), ["posts", "tags", "users"]);
    let status = sqlite_rows(&registry(&sb), &format!("SELECT status FROM strata_registry_plans WHERE id = '{id}'"));
    assert_eq!(status, [["EXECUTED"]]);
    // Nothing left to apply: nothing to approve.
    let nothing = apply("alice").ok().stdout();
    assert!(nothing.contains("No migration files to execute"), "{nothing}");

    // A down by a reviewer: the author cannot approve their own plan.
    let down = |op: &str| sb.strata(&["migrate", "down", "--env", "prod", "--operator", op]);
    let (d1, _) = awaiting(&down("bob").expect_code(1));
    let own = sb.strata(&["plan", "approve", &d1, "--operator", "bob"]).expect_code(1);
    assert!(own.stderr().contains(&format!("bob is the author of plan {d1}")), "{}", own.stderr());
    sb.strata(&["plan", "approve", &d1, "--operator", "carol"]).ok();
    sb.strata(&["plan", "approve", &d1, "--operator", "dave"]).ok();
    // Meanwhile the database moves on (a file applied outside the env): the
    // approved plan no longer describes what would run.
    sb.write("migrations/4_notes.sql", "CREATE TABLE notes (id integer);\n");
    sb.strata(&["migrate", "hash"]).ok();
    sb.strata(&["migrate", "apply", "--url", "sqlite://prod.db"]).ok();
    let (d2, line) = awaiting(&down("bob").expect_code(1));
    assert_eq!(
        line,
        format!(
            "error: the approved plan {d1} no longer applies: the database or the migration directory changed since it was approved; plan {d2} awaits approval (0 of 2)"
        )
    );
    assert_eq!(sqlite_tables(&prod), ["notes", "posts", "tags", "users"]);
    sb.strata(&["plan", "reject", &d2, "--operator", "dave"]).ok();
    let (d3, line) = awaiting(&down("bob").expect_code(1));
    assert_eq!(line, format!("error: plan {d2} was rejected by dave; plan {d3} awaits approval (0 of 2)"));
    sb.strata(&["plan", "approve", &d3, "--operator", "carol"]).ok();
    sb.strata(&["plan", "approve", &d3, "--operator", "dave"]).ok();
    down("bob").ok();
    assert_eq!(sqlite_tables(&prod), ["posts", "tags", "users"]);

    // Decisions are in the audit chain, and the chain holds.
    let decisions = sqlite_rows(
        &registry(&sb),
        "SELECT kind, operator, status FROM strata_deployments WHERE kind LIKE 'plan %' ORDER BY seq",
    );
    let row = |k: &str, o: &str, s: &str| vec![k.to_string(), o.to_string(), s.to_string()];
    assert_eq!(
        decisions,
        [
            row("plan approve", "bob", "PENDING"),
            row("plan approve", "carol", "APPROVED"),
            row("plan approve", "carol", "PENDING"),
            row("plan approve", "dave", "APPROVED"),
            row("plan reject", "dave", "REJECTED"),
            row("plan approve", "carol", "PENDING"),
            row("plan approve", "dave", "APPROVED"),
        ]
    );
    sb.strata(&["deployments", "verify"]).ok();
}

#[test]
fn fan_out_runs_every_tenant_and_reports_each_outcome() {
    let sb = project("registry-fanout");
    let hcl = |tenants: &str| {
        format!(
            r#"
env "tenant" {{
  for_each = toset([{tenants}])
  url      = each.value == "broken" ? "sqlite://missing/x.db" : "sqlite://${{each.value}}.db"
  migration {{
    dir = "file://migrations"
  }}
}}
"#
        )
    };
    sb.write("atlas.hcl", &hcl(r#""a", "b", "broken", "c""#));
    let run = sb.strata(&["migrate", "apply", "--env", "tenant", "--parallel", "2"]).expect_code(1);
    for t in ["a", "b", "c"] {
        assert_eq!(sqlite_tables(&sb.path.join(format!("{t}.db"))), ["posts", "tags", "users"], "{t}");
    }
    let stdout = run.stdout();
    assert!(stdout.contains("== 4 targets: 3 ok, 1 failed"), "{stdout}");
    assert_eq!(stdout.matches("== target ").count(), 4, "{stdout}");
    assert!(stdout.contains("failed: env \"tenant\", sqlite://missing/x.db: connecting to"), "{stdout}");
    assert!(run.stderr().contains("unable to open database file"), "{}", run.stderr());
    // One record per target, the failure too.
    let rows = sqlite_rows(&registry(&sb), "SELECT target, status FROM strata_deployments ORDER BY target");
    let at = |name: &str| format!("sqlite://{}", sb.path.join(name).display());
    assert_eq!(
        rows,
        [
            [at("a.db"), "APPLIED".into()],
            [at("b.db"), "APPLIED".into()],
            [at("c.db"), "APPLIED".into()],
            [at("missing/x.db"), "FAILED".into()],
        ]
    );

    // JSON: one document, every target's outcome and report.
    let json = sb.strata(&["migrate", "apply", "--env", "tenant", "--format", "json"]).expect_code(1).json();
    let statuses: Vec<(&str, &str)> =
        json.as_array().unwrap().iter().map(|t| (t["URL"].as_str().unwrap(), t["Status"].as_str().unwrap())).collect();
    assert_eq!(
        statuses,
        [
            ("sqlite://a.db", "ok"),
            ("sqlite://b.db", "ok"),
            ("sqlite://missing/x.db", "failed"),
            ("sqlite://c.db", "ok")
        ]
    );
    assert_eq!(json[0]["Report"]["Message"], "No migration files to execute");
    assert!(json[2]["Error"].as_str().unwrap().contains("unable to open database file"));

    // --fail-fast, one at a time: the targets after the failure never start.
    sb.write("atlas.hcl", &hcl(r#""d", "broken", "e""#));
    let run = sb.strata(&["migrate", "apply", "--env", "tenant", "--fail-fast"]).expect_code(1);
    assert!(run.stdout().contains("== 3 targets: 1 ok, 1 failed, 1 not started (--fail-fast)"), "{}", run.stdout());
    assert_eq!(sqlite_tables(&sb.path.join("d.db")), ["posts", "tags", "users"]);
    assert!(!sb.path.join("e.db").exists());
}

#[test]
fn an_unreachable_registry_stops_the_run_before_anything_executes() {
    let sb = project("registry-unreachable");
    sb.write(
        "atlas.hcl",
        "registry {\n  url = \"postgres://postgres:hunter2@127.0.0.1:1/registry?sslmode=disable\"\n}\n\
         env \"prod\" {\n  url = \"sqlite://prod.db\"\n  migration {\n    dir = \"file://migrations\"\n  }\n}\n",
    );
    let run = sb.strata(&["migrate", "apply", "--env", "prod"]).expect_code(1);
    let first = run.stderr().lines().next().unwrap_or_default().to_string();
    assert!(
        first.starts_with(
            "error: opening the deployment registry (connecting to postgres://postgres:****@127.0.0.1:1/registry"
        ),
        "{first}"
    );
    assert!(!run.stderr().contains("hunter2") && !run.stdout().contains("hunter2"));
    assert!(!sb.path.join("prod.db").exists() || sqlite_tables(&sb.path.join("prod.db")).is_empty());
    // Reading the registry fails the same way.
    let run = sb.strata(&["deployments"]).expect_code(1);
    assert!(run.stderr().contains("opening the deployment registry"), "{}", run.stderr());
}
