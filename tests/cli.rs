//! End-to-end scenarios: the built `strata` binary against real SQLite files.

use strata_tests::{Sandbox, cdylib, repo_root, sqlite_rows, sqlite_tables};

const V1: &str = "CREATE TABLE users (id integer PRIMARY KEY, name text NOT NULL);\n";
const V2: &str = "CREATE TABLE posts (id integer PRIMARY KEY, user_id integer REFERENCES users (id), title text);\n\
                  CREATE INDEX posts_user ON posts (user_id);\n";
const V3: &str = "ALTER TABLE users ADD COLUMN email text;\n";

/// A sandbox with three migration files hashed by strata.
fn project(name: &str) -> Sandbox {
    let sb = Sandbox::new(name);
    sb.write("migrations/1_users.sql", V1);
    sb.write("migrations/2_posts.sql", V2);
    sb.write("migrations/3_email.sql", V3);
    sb.strata(&["migrate", "hash"]).ok();
    sb
}

#[test]
fn apply_then_status_reports_every_version() {
    let sb = project("apply-status");
    let url = sb.sqlite_url("app.db");
    let run = sb.strata(&["migrate", "apply", "--url", &url]).ok();
    assert!(
        run.stdout().contains("Migrating to version 3 (3 migrations in total)")
            || run.stdout().contains("-- 3 migrations"),
        "{}",
        run.stdout()
    );
    assert_eq!(sqlite_tables(&sb.path.join("app.db")), ["posts", "users"]);
    let ours = sqlite_rows(
        &sb.path.join("app.db"),
        "SELECT name FROM sqlite_master WHERE name IN ('atlas_schema_revisions', 'strata_schema_history') ORDER BY name",
    );
    assert_eq!(ours, [["atlas_schema_revisions"], ["strata_schema_history"]]);
    let revs = sqlite_rows(
        &sb.path.join("app.db"),
        "SELECT version, type, applied, total, error FROM atlas_schema_revisions ORDER BY version",
    );
    assert_eq!(revs, [["1", "2", "1", "1", ""], ["2", "2", "2", "2", ""], ["3", "2", "1", "1", ""]]);

    let status = sb.strata(&["migrate", "status", "--url", &url, "--format", "json"]).ok().json();
    assert_eq!(status["Status"], "OK");
    assert_eq!(status["Current"], "3");
    assert_eq!(status["Pending"].as_array().map(Vec::len), Some(0));
    let text = sb.strata(&["migrate", "status", "--url", &url]).ok().stdout();
    assert!(text.contains("Migration Status: OK") && text.contains("Already at latest version"), "{text}");

    // Nothing left: a second apply changes nothing.
    let again = sb.strata(&["migrate", "apply", "--url", &url]).ok();
    assert!(again.stdout().contains("No migration files to execute"), "{}", again.stdout());
}

#[test]
fn apply_amount_and_to_version() {
    let sb = project("apply-amount");
    let url = sb.sqlite_url("app.db");
    sb.strata(&["migrate", "apply", "1", "--url", &url]).ok();
    assert_eq!(sqlite_tables(&sb.path.join("app.db")), ["users"]);
    let json = sb.strata(&["migrate", "apply", "--url", &url, "--to-version", "2", "--format", "json"]).ok().json();
    assert_eq!(json["Current"], "1");
    assert_eq!(json["Target"], "2");
    assert_eq!(json["Applied"].as_array().map(Vec::len), Some(1));
    let status = sb.strata(&["migrate", "status", "--url", &url, "--format", "json"]).ok().json();
    assert_eq!(status["Status"], "PENDING");
    assert_eq!(status["Next"], "3");
    sb.strata(&["migrate", "apply", "0", "--url", &url]).expect_code(2);
    sb.strata(&["migrate", "apply", "--url", &url, "--to-version", "9"]).expect_code(2);
}

#[test]
fn dry_run_changes_nothing() {
    let sb = project("dry-run");
    let url = sb.sqlite_url("app.db");
    let run = sb.strata(&["migrate", "apply", "--url", &url, "--dry-run"]).ok();
    assert!(run.stdout().contains("CREATE TABLE users"), "{}", run.stdout());
    assert!(sqlite_tables(&sb.path.join("app.db")).is_empty());
}

#[test]
fn partial_failure_is_recorded_and_resumed() {
    let sb = Sandbox::new("partial");
    sb.write("migrations/1_users.sql", V1);
    // Non-transactional file: the first two statements stay applied when the third fails.
    sb.write(
        "migrations/2_broken.sql",
        "-- atlas:txmode none\n\nCREATE TABLE a (id int);\nCREATE TABLE b (id int);\nINSERT INTO missing VALUES (1);\nCREATE TABLE c (id int);\n",
    );
    sb.strata(&["migrate", "hash"]).ok();
    let url = sb.sqlite_url("app.db");
    let db = sb.path.join("app.db");
    let run = sb.strata(&["migrate", "apply", "--url", &url]).expect_code(1);
    assert!(run.stderr().contains("no such table: missing"), "{}", run.stderr());
    assert!(run.stderr().contains("2_broken.sql:5"), "error names file:line: {}", run.stderr());
    assert_eq!(sqlite_tables(&db), ["a", "b", "users"]);
    let rev =
        sqlite_rows(&db, "SELECT applied, total, error, error_stmt FROM atlas_schema_revisions WHERE version = '2'");
    assert_eq!(rev, [["2", "4", "no such table: missing", "INSERT INTO missing VALUES (1);"]]);

    let status = sb.strata(&["migrate", "status", "--url", &url]).ok().stdout();
    assert!(status.contains("2 (2 statements applied)"), "{status}");
    assert!(status.contains("Last migration attempt had errors"), "{status}");

    // Fix the failing statement (statements after it may change); resume runs only the rest.
    sb.write(
        "migrations/2_broken.sql",
        "-- atlas:txmode none\n\nCREATE TABLE a (id int);\nCREATE TABLE b (id int);\nCREATE TABLE missing (id int);\nCREATE TABLE c (id int);\n",
    );
    sb.strata(&["migrate", "hash"]).ok();
    // The next run says what it will do before doing it.
    let plan = sb.strata(&["migrate", "apply", "--url", &url, "--dry-run"]).ok().stdout();
    assert!(plan.contains("continuing where an earlier run stopped: 2 of 4 statements already ran"), "{plan}");
    assert!(plan.contains("-> CREATE TABLE missing (id int);") && !plan.contains("-> CREATE TABLE a"), "{plan}");
    let json = sb.strata(&["migrate", "apply", "--url", &url, "--format", "json"]).ok().json();
    assert_eq!(json["Applied"][0]["Skipped"], 2);
    assert_eq!(json["Applied"][0]["Applied"].as_array().map(Vec::len), Some(2));
    assert_eq!(sqlite_tables(&db), ["a", "b", "c", "missing", "users"]);
    let rev = sqlite_rows(&db, "SELECT applied, total, error FROM atlas_schema_revisions WHERE version = '2'");
    assert_eq!(rev, [["4", "4", ""]]);
}

#[test]
fn transactional_file_failure_leaves_nothing_applied() {
    let sb = Sandbox::new("tx-file");
    sb.write("migrations/1_users.sql", V1);
    sb.write("migrations/2_broken.sql", "CREATE TABLE a (id int);\nINSERT INTO missing VALUES (1);\n");
    sb.strata(&["migrate", "hash"]).ok();
    let url = sb.sqlite_url("app.db");
    let db = sb.path.join("app.db");
    sb.strata(&["migrate", "apply", "--url", &url]).expect_code(1);
    // Version 1 committed; version 2 rolled back entirely and, as in Atlas, left
    // no revision (its attempt is kept beside it for status, see tests/adopt.rs).
    assert_eq!(sqlite_tables(&db), ["users"]);
    let rev = sqlite_rows(&db, "SELECT version, applied, total, error FROM atlas_schema_revisions ORDER BY version");
    assert_eq!(rev, [["1", "1", "1", ""]]);
}

#[test]
fn tx_mode_all_rolls_back_the_whole_run() {
    let sb = Sandbox::new("tx-all");
    sb.write("migrations/1_users.sql", V1);
    sb.write("migrations/2_broken.sql", "CREATE TABLE a (id int);\nINSERT INTO missing VALUES (1);\n");
    sb.strata(&["migrate", "hash"]).ok();
    let url = sb.sqlite_url("app.db");
    sb.strata(&["migrate", "apply", "--url", &url, "--tx-mode", "all"]).expect_code(1);
    assert_eq!(sqlite_tables(&sb.path.join("app.db")), [] as [&str; 0]);
    let rows = sqlite_rows(&sb.path.join("app.db"), "SELECT count(*) FROM atlas_schema_revisions");
    assert_eq!(rows, [["0"]]);
}

#[test]
fn tampered_sum_is_refused_and_nothing_runs() {
    let sb = project("tampered");
    sb.write("migrations/2_posts.sql", "DROP TABLE users;\n");
    let url = sb.sqlite_url("app.db");
    let run = sb.strata(&["migrate", "apply", "--url", &url]).expect_code(1);
    assert!(run.stderr().contains("checksum mismatch"), "{}", run.stderr());
    assert!(run.stderr().contains("2_posts.sql was edited"), "{}", run.stderr());
    assert!(run.stderr().contains("migrate hash"), "names the next command: {}", run.stderr());
    assert!(sqlite_tables(&sb.path.join("app.db")).is_empty());
    sb.strata(&["migrate", "validate"]).expect_code(1);
}

#[test]
fn broken_sql_names_file_line_and_column() {
    let sb = Sandbox::new("broken-sql");
    sb.write("migrations/1_users.sql", V1);
    sb.write("migrations/2_bad.sql", "CREATE TABLE t (\n  id int,\n  name text DEFAULT 'x\n);\n");
    sb.strata(&["migrate", "hash"]).ok();
    let url = sb.sqlite_url("app.db");
    let run = sb.strata(&["migrate", "apply", "--url", &url]).expect_code(1);
    assert!(run.stderr().contains("2_bad.sql:3:"), "{}", run.stderr());
    assert!(run.stderr().contains("unclosed quote"), "{}", run.stderr());
    // Nothing ran: file 1 was not applied either, since every file is parsed first.
    assert!(sqlite_tables(&sb.path.join("app.db")).is_empty());
}

#[test]
fn dirty_database_needs_baseline() {
    let sb = project("baseline");
    let db = sb.path.join("app.db");
    rusqlite::Connection::open(&db).unwrap().execute_batch(V1).unwrap();
    let url = sb.sqlite_url("app.db");
    let run = sb.strata(&["migrate", "apply", "--url", &url]).expect_code(1);
    assert!(run.stderr().contains("connected database is not clean: found table \"users\""), "{}", run.stderr());
    sb.strata(&["migrate", "apply", "--url", &url, "--baseline", "1"]).ok();
    let revs = sqlite_rows(&db, "SELECT version, type FROM atlas_schema_revisions ORDER BY version");
    assert_eq!(revs, [["1", "1"], ["2", "2"], ["3", "2"]]);
}

#[test]
fn txtar_checks_guard_the_file() {
    let sb = Sandbox::new("txtar-checks");
    sb.write(
        "migrations/1_users.sql",
        "CREATE TABLE users (id integer PRIMARY KEY, email text);\nINSERT INTO users (email) VALUES ('a'), ('a');\n",
    );
    sb.write(
        "migrations/2_unique.sql",
        "-- atlas:txtar\n\n-- checks.sql --\nSELECT NOT EXISTS (SELECT email FROM users GROUP BY email HAVING count(*) > 1);\n\n-- migration.sql --\nCREATE UNIQUE INDEX users_email ON users (email);\n\n-- down.sql --\nDROP INDEX users_email;\n",
    );
    sb.strata(&["migrate", "hash"]).ok();
    let url = sb.sqlite_url("app.db");
    let run = sb.strata(&["migrate", "apply", "--url", &url]).expect_code(1);
    assert!(run.stderr().contains("1 of 1 assertions failed"), "{}", run.stderr());
    assert!(run.stdout().contains("-- checks before migrating version 2"), "{}", run.stdout());
    let idx = sqlite_rows(&sb.path.join("app.db"), "SELECT count(*) FROM sqlite_master WHERE name = 'users_email'");
    assert_eq!(idx, [["0"]]);
    rusqlite::Connection::open(sb.path.join("app.db")).unwrap().execute("DELETE FROM users WHERE id = 2", []).unwrap();
    sb.strata(&["migrate", "apply", "--url", &url]).ok();
    let idx = sqlite_rows(&sb.path.join("app.db"), "SELECT count(*) FROM sqlite_master WHERE name = 'users_email'");
    assert_eq!(idx, [["1"]]);
}

#[test]
fn migrate_set_and_rm() {
    let sb = project("set-rm");
    let url = sb.sqlite_url("app.db");
    sb.strata(&["migrate", "apply", "--url", &url]).ok();
    let run = sb.strata(&["migrate", "set", "1", "--url", &url]).ok();
    assert!(run.stdout().contains("Current version is 1 (0 set, 2 removed)"), "{}", run.stdout());
    let revs = sqlite_rows(&sb.path.join("app.db"), "SELECT version FROM atlas_schema_revisions");
    assert_eq!(revs, [["1"]]);
    sb.strata(&["migrate", "rm", "3"]).ok();
    assert!(!sb.path.join("migrations/3_email.sql").exists());
    sb.strata(&["migrate", "validate"]).ok();
    assert!(!sb.read("migrations/atlas.sum").contains("3_email.sql"));
}

#[test]
fn migrate_new_and_diff_write_versions() {
    let sb = Sandbox::new("diff");
    sb.write(
        "schema.sql",
        "CREATE TABLE users (id integer PRIMARY KEY, name text NOT NULL);\nCREATE INDEX users_name ON users (name);\n",
    );
    let run = sb
        .strata(&["migrate", "diff", "init", "--to", "file://schema.sql", "--dev-url", "sqlite://dev?mode=memory"])
        .ok();
    let first = run.stdout().trim().to_string();
    assert!(first.ends_with("_init.sql"), "{first}");
    let body = std::fs::read_to_string(sb.path.join(&first)).unwrap();
    assert!(body.contains("CREATE TABLE `users`"), "{body}");
    sb.strata(&["migrate", "validate", "--dev-url", "sqlite://dev?mode=memory"]).ok();
    let again = sb
        .strata(&["migrate", "diff", "noop", "--to", "file://schema.sql", "--dev-url", "sqlite://dev?mode=memory"])
        .ok();
    assert!(again.stdout().contains("no changes to be made"), "{}", again.stdout());
    let new = sb.strata(&["migrate", "new", "empty"]).ok();
    let second = new.stdout().trim().to_string();
    assert!(second.ends_with("_empty.sql"));
    // Made within the same second, the new file still sorts after the first.
    let version = |p: &str| p.rsplit('/').next().unwrap().split('_').next().unwrap().to_string();
    assert!(version(&second) > version(&first), "{first} then {second}");
    sb.strata(&["migrate", "validate"]).ok();
}

#[test]
fn schema_apply_converges_on_a_rich_schema() {
    let sb = Sandbox::new("schema-apply");
    let schema = "\
CREATE TABLE users (id integer PRIMARY KEY AUTOINCREMENT, email text NOT NULL COLLATE NOCASE, age int CHECK (age >= 0));
CREATE UNIQUE INDEX users_email ON users (lower(email));
CREATE TABLE orgs (id int, region text, PRIMARY KEY (id, region));
CREATE TABLE members (
  user_id integer NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  org_id int NOT NULL, region text NOT NULL,
  role text NOT NULL DEFAULT 'member',
  CONSTRAINT role_ok CHECK (role IN ('member', 'admin')),
  FOREIGN KEY (org_id, region) REFERENCES orgs (id, region) DEFERRABLE INITIALLY DEFERRED
);
CREATE INDEX members_admins ON members (org_id DESC) WHERE role = 'admin';
CREATE VIEW admins AS SELECT user_id FROM members WHERE role = 'admin';
CREATE TRIGGER members_lower AFTER INSERT ON members BEGIN UPDATE members SET role = lower(NEW.role) WHERE user_id = NEW.user_id; END;
";
    sb.write("schema.sql", schema);
    let url = sb.sqlite_url("app.db");
    let run = sb.strata(&["schema", "apply", "--url", &url, "--to", "file://schema.sql", "--auto-approve"]).ok();
    assert!(run.stdout().contains("-- Planned Changes:"), "{}", run.stdout());
    let again = sb.strata(&["schema", "apply", "--url", &url, "--to", "file://schema.sql", "--auto-approve"]).ok();
    assert!(
        again.stdout().contains("Schema is synced, no changes to be made"),
        "second run plans nothing:\n{}",
        again.stdout()
    );

    // Change the desired schema: a column added, a check changed, an index dropped.
    sb.write(
        "schema.sql",
        &schema
            .replace("age int CHECK (age >= 0)", "age int CHECK (age >= 18), nick text")
            .replace("CREATE INDEX members_admins ON members (org_id DESC) WHERE role = 'admin';\n", ""),
    );
    rusqlite::Connection::open(sb.path.join("app.db"))
        .unwrap()
        .execute("INSERT INTO users (email, age) VALUES ('A@x', 30)", [])
        .unwrap();
    sb.strata(&["schema", "apply", "--url", &url, "--to", "file://schema.sql", "--auto-approve"]).ok();
    let again = sb.strata(&["schema", "apply", "--url", &url, "--to", "file://schema.sql", "--auto-approve"]).ok();
    assert!(again.stdout().contains("Schema is synced"), "{}", again.stdout());
    assert_eq!(sqlite_rows(&sb.path.join("app.db"), "SELECT email, age, nick FROM users"), [["A@x", "30", "NULL"]]);

    let diff = sb
        .strata(&[
            "schema",
            "diff",
            "--from",
            &url,
            "--to",
            "file://schema.sql",
            "--dev-url",
            "sqlite://dev?mode=memory",
        ])
        .ok();
    assert!(diff.stdout().contains("Schemas are synced"), "{}", diff.stdout());
    let json = sb.strata(&["schema", "inspect", "--url", &url, "--format", "json"]).ok().json();
    let tables: Vec<&str> =
        json["schemas"][0]["tables"].as_array().unwrap().iter().map(|t| t["name"].as_str().unwrap()).collect();
    assert_eq!(tables, ["members", "orgs", "users"]);
    let sql = sb.strata(&["schema", "inspect", "--url", &url, "--format", "sql"]).ok().stdout();
    assert!(sql.contains("CREATE TABLE `orgs`"), "{sql}");
}

#[test]
fn schema_apply_without_approval_on_a_pipe_is_refused() {
    let sb = Sandbox::new("schema-approve");
    sb.write("schema.sql", V1);
    let url = sb.sqlite_url("app.db");
    sb.strata(&["schema", "apply", "--url", &url, "--to", "file://schema.sql"]).expect_code(2);
    assert!(sqlite_tables(&sb.path.join("app.db")).is_empty());
    let dry = sb.strata(&["schema", "apply", "--url", &url, "--to", "file://schema.sql", "--dry-run"]).ok();
    assert!(dry.stdout().contains("CREATE TABLE `users`"), "{}", dry.stdout());
    assert!(sqlite_tables(&sb.path.join("app.db")).is_empty());
}

#[test]
fn schema_clean_drops_everything() {
    let sb = project("clean");
    let url = sb.sqlite_url("app.db");
    sb.strata(&["migrate", "apply", "--url", &url]).ok();
    sb.strata(&["schema", "clean", "--url", &url, "--auto-approve"]).ok();
    assert!(sqlite_tables(&sb.path.join("app.db")).is_empty());
    let run = sb.strata(&["schema", "clean", "--url", &url, "--auto-approve"]).ok();
    assert!(run.stdout().contains("Nothing to drop"));
}

#[test]
fn env_from_atlas_hcl_with_vars_and_getenv() {
    let sb = project("env");
    sb.write(
        "atlas.hcl",
        "variable \"db\" {\n  type = string\n  default = \"app.db\"\n}\nlocals {\n  dir = \"file://${getenv(\"MIG_DIR\")}\"\n}\nenv \"local\" {\n  url = \"sqlite://${var.db}\"\n  migration {\n    dir = local.dir\n  }\n}\n",
    );
    sb.strata_env(&["migrate", "apply", "--env", "local", "--var", "db=other.db"], &[("MIG_DIR", "migrations")]).ok();
    assert_eq!(sqlite_tables(&sb.path.join("other.db")), ["posts", "users"]);
    let run = sb.strata(&["migrate", "status", "--env", "nope"]).expect_code(2);
    assert!(run.stderr().contains("env \"nope\" not defined"), "{}", run.stderr());
}

#[test]
fn malformed_atlas_hcl_names_file_line_column() {
    let sb = Sandbox::new("bad-hcl");
    sb.write("atlas.hcl", "env \"local\" {\n  url = \n}\n");
    let run = sb.strata(&["migrate", "status", "--env", "local"]).expect_code(2);
    assert!(run.stderr().contains("atlas.hcl:2:"), "{}", run.stderr());
}

#[test]
fn unknown_scheme_and_masked_password() {
    let sb = Sandbox::new("scheme");
    let run = sb.strata(&["schema", "inspect", "--url", "oracle://scott:tiger@db:1521/x"]).expect_code(2);
    assert!(run.stderr().contains("unknown URL scheme \"oracle\""), "{}", run.stderr());
    assert!(run.stderr().contains("oracle://scott:****@db:1521/x"), "{}", run.stderr());
    assert!(!run.stderr().contains("tiger"), "password printed: {}", run.stderr());
}

#[test]
fn unreadable_directory_is_a_usage_error() {
    let sb = Sandbox::new("no-dir");
    let url = sb.sqlite_url("app.db");
    let run = sb.strata(&["migrate", "apply", "--url", &url, "--dir", "file://does-not-exist"]).expect_code(2);
    assert!(run.stderr().contains("does-not-exist"), "{}", run.stderr());
    assert!(!sb.path.join("app.db").exists() || sqlite_tables(&sb.path.join("app.db")).is_empty());
}

#[test]
fn plugin_with_incompatible_api_version_is_refused() {
    let sb = Sandbox::new("plugin-version");
    let plugin = cdylib("strata_fixture_bad_api_version");
    let run = sb
        .strata_env(
            &["schema", "inspect", "--url", "sqlite://x.db"],
            &[("STRATA_PLUGIN_PATH", plugin.to_str().unwrap())],
        )
        .expect_code(2);
    let err = run.stderr();
    assert!(err.contains(plugin.to_str().unwrap()), "names the file: {err}");
    let host = format!("{}.{}", strata_dialect_api::API_VERSION, strata_dialect_api::API_MINOR);
    assert!(
        err.contains("built against dialect API version 99.0; this strata speaks version ")
            && err.contains(&format!("speaks version {host}: rebuild the plugin against strata-dialect-api {host}")),
        "names both API versions: {err}"
    );
    // A newer minor version is refused too; an older one (same major) loads.
    let path = plugin.to_str().unwrap();
    let newer = format!("{}.{}", strata_dialect_api::API_VERSION, strata_dialect_api::API_MINOR + 1);
    let run = sb.strata_env(&["plugin", "verify", path], &[("STRATA_FIXTURE_API", &newer)]).expect_code(2);
    assert!(
        run.stderr().contains(&format!("built against dialect API version {newer}; this strata speaks version {host}")),
        "{}",
        run.stderr()
    );
    // The previous major (1.x: another layout) is refused, naming both.
    let run = sb.strata_env(&["plugin", "verify", path], &[("STRATA_FIXTURE_API", "1.1")]).expect_code(2);
    assert!(
        run.stderr().contains(&format!("built against dialect API version 1.1; this strata speaks version {host}")),
        "{}",
        run.stderr()
    );
    let run = sb.strata_env(&["plugin", "verify", path], &[("STRATA_FIXTURE_API", "2.0")]).ok();
    assert!(run.stdout().starts_with("future 9.9.9 (dialect API version 2.0)"), "{}", run.stdout());
    let run = sb
        .strata_env(&["plugin", "info", "future"], &[("STRATA_FIXTURE_API", "2.0"), ("STRATA_PLUGIN_PATH", path)])
        .ok();
    assert!(run.stdout().contains("schemes:      future"), "{}", run.stdout());
    // A manifest that lies about its schemes: refused at load, exit 2.
    for (schemes, want) in [
        ("", "dialect future declares no URL scheme"),
        ("sql ite", "dialect future declares \"sql ite\", which is not a URL scheme"),
        ("future,future", "declares the URL scheme \"future\" twice"),
    ] {
        let run = sb
            .strata_env(
                &["plugin", "verify", path],
                &[("STRATA_FIXTURE_API", "2.0"), ("STRATA_FIXTURE_SCHEMES", schemes)],
            )
            .expect_code(2);
        assert!(run.stderr().contains(want), "{schemes:?}: {}", run.stderr());
    }
    // One that claims a scheme another plugin opens is refused by name.
    let run = sb
        .strata_env(
            &["schema", "inspect", "--url", "sqlite://x.db"],
            &[("STRATA_FIXTURE_API", "2.0"), ("STRATA_FIXTURE_SCHEMES", "sqlite"), ("STRATA_PLUGIN_PATH", path)],
        )
        .expect_code(2);
    assert!(run.stderr().contains("URL scheme \"sqlite\" is claimed by two plugins"), "{}", run.stderr());
}

#[test]
fn plugin_with_incompatible_layout_is_refused() {
    let sb = Sandbox::new("plugin-layout");
    let plugin = cdylib("strata_fixture_incompatible_layout");
    let run = sb
        .strata_env(
            &["schema", "inspect", "--url", "sqlite://x.db"],
            &[("STRATA_PLUGIN_PATH", plugin.to_str().unwrap())],
        )
        .expect_code(2);
    let err = run.stderr();
    assert!(err.contains(plugin.to_str().unwrap()), "names the file: {err}");
    assert!(
        err.contains(&format!(
            "does not match this strata's dialect API {}.{}",
            strata_dialect_api::API_VERSION,
            strata_dialect_api::API_MINOR
        )),
        "names the host's API: {err}"
    );
    assert!(err.len() < 2000, "no layout dump: {} bytes", err.len());
}

#[test]
fn plugin_panic_becomes_an_error() {
    let sb = Sandbox::new("plugin-panic");
    let plugin = cdylib("strata_fixture_panicky");
    let run = sb
        .strata_env(
            &["schema", "inspect", "--url", "panicky://admin:hunter2@x/db"],
            &[("STRATA_PLUGIN_PATH", plugin.to_str().unwrap())],
        )
        .expect_code(2);
    assert!(run.stderr().contains("plugin panicky panicked in open"), "{}", run.stderr());
    assert!(run.output.status.code().is_some(), "no abort");
    // The plugin's own panic output and the host's error are both masked.
    assert!(!run.stderr().contains("hunter2") && !run.stdout().contains("hunter2"), "{}", run.stderr());
    assert!(run.stderr().contains("admin:****@x"), "{}", run.stderr());
    // A panic in `info` (which decides where the revisions table is read from)
    // is an error too, never a default.
    let run = sb
        .strata_env(
            &["schema", "inspect", "--url", "panicky://info/db"],
            &[("STRATA_PLUGIN_PATH", plugin.to_str().unwrap())],
        )
        .expect_code(2);
    assert!(
        run.stderr().contains("plugin panicky sent no usable connection facts (it failed in info:"),
        "{}",
        run.stderr()
    );
}

#[test]
fn quickstart_example_applies() {
    let sb = Sandbox::new("quickstart");
    let example = repo_root().join("examples/quickstart");
    std::fs::copy(example.join("atlas.hcl"), sb.path.join("atlas.hcl")).unwrap();
    std::fs::create_dir_all(sb.path.join("migrations")).unwrap();
    for entry in std::fs::read_dir(example.join("migrations")).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), sb.path.join("migrations").join(entry.file_name())).unwrap();
    }
    sb.strata(&["migrate", "validate", "--env", "local"]).ok();
    sb.strata(&["migrate", "apply", "--env", "local"]).ok();
    let status = sb.strata(&["migrate", "status", "--env", "local", "--format", "json"]).ok().json();
    assert_eq!(status["Status"], "OK");
    assert_eq!(status["Current"], "20240104000000");
    assert_eq!(sqlite_tables(&sb.path.join("quickstart.db")), ["posts", "tags", "users"]);
}

/// The sha256 of a file, as `sha256sum` prints it.
fn sha256sum(path: &std::path::Path) -> String {
    let out = std::process::Command::new("sha256sum").arg(path).output().unwrap();
    String::from_utf8_lossy(&out.stdout).split_whitespace().next().unwrap_or_default().to_string()
}

#[test]
fn plugin_named_in_atlas_hcl_is_loaded() {
    let sb = Sandbox::new("plugin-hcl");
    let plugin = cdylib("strata_fixture_panicky");
    let hcl = |pin: &str| {
        format!(
            "plugin \"panicky\" {{\n  path = \"{}\"\n{pin}}}\n\nenv \"x\" {{\n  url = \"panicky://db\"\n}}\n",
            plugin.display()
        )
    };
    // A library a project names is loaded only when pinned (or allowed by the user).
    sb.write("atlas.hcl", &hcl(""));
    let run = sb.strata(&["schema", "inspect", "--env", "x"]).expect_code(2);
    let sum = sha256sum(&plugin);
    assert!(
        run.stderr().contains(&format!("atlas.hcl:1:1: plugin \"panicky\": {} is not pinned", plugin.display()))
            && run.stderr().contains(&format!("sha256 = \"{sum}\"")),
        "{}",
        run.stderr()
    );
    let allowed =
        sb.strata_env(&["schema", "inspect", "--env", "x"], &[("STRATA_PLUGIN_ALLOW", plugin.to_str().unwrap())]);
    assert!(allowed.stderr().contains("plugin panicky panicked in open"), "{}", allowed.stderr());
    sb.write("atlas.hcl", &hcl(&format!("  sha256 = \"{}\"\n", "0".repeat(64))));
    let run = sb.strata(&["schema", "inspect", "--env", "x"]).expect_code(2);
    assert!(run.stderr().contains(&format!("is {sum}, not the pinned {}", "0".repeat(64))), "{}", run.stderr());
    sb.write("atlas.hcl", &hcl(&format!("  sha256 = \"{sum}\"\n")));
    // Loaded from the config (not from STRATA_PLUGIN_PATH): its panic is reported as an error.
    let run = sb.strata(&["schema", "inspect", "--env", "x"]).expect_code(2);
    assert!(run.stderr().contains("plugin panicky panicked in open"), "{}", run.stderr());
    // Without the block the scheme is unknown.
    sb.write("atlas.hcl", "env \"x\" {\n  url = \"panicky://db\"\n}\n");
    let run = sb.strata(&["schema", "inspect", "--env", "x"]).expect_code(2);
    assert!(run.stderr().contains("unknown URL scheme \"panicky\""), "{}", run.stderr());
}

/// A `strata migrate apply` of [`project`]'s files on `app.db`, started with the
/// sandbox's `tmp/` as its temp dir and kept waiting inside the migration lock:
/// the returned connection holds a write transaction, so strata blocks on its
/// busy timeout (5 s) right after taking the lock. Returns once the lock is
/// held, with the lock file (found by trying to flock every file strata made).
fn blocked_apply(sb: &Sandbox) -> (std::process::Child, rusqlite::Connection, std::path::PathBuf) {
    let db = sb.path.join("app.db");
    let holder = rusqlite::Connection::open(&db).unwrap();
    // IMMEDIATE, not EXCLUSIVE: strata must still be able to read while it opens.
    holder.execute_batch("BEGIN IMMEDIATE").unwrap();
    let tmp = sb.path.join("tmp");
    std::fs::create_dir_all(&tmp).unwrap();
    let mut child = std::process::Command::new(strata_tests::bin_dir().join("strata"))
        .args(["migrate", "apply", "--url", &sb.sqlite_url("app.db")])
        .current_dir(&sb.path)
        .env("TMPDIR", &tmp)
        .env_remove("STRATA_PLUGIN_PATH")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            panic!("strata exited ({status}) before it was seen holding the lock");
        }
        for entry in std::fs::read_dir(&tmp).unwrap() {
            let path = entry.unwrap().path();
            // The migration lock's file, not the deployment registry's.
            if !path.file_name().unwrap().to_string_lossy().starts_with("strata_atlas_migrate_execute_") {
                continue;
            }
            let file = std::fs::File::open(&path).unwrap();
            if matches!(file.try_lock(), Err(std::fs::TryLockError::WouldBlock)) {
                return (child, holder, path);
            }
        }
        assert!(std::time::Instant::now() < deadline, "strata never took the migration lock");
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
}

/// Kills a blocked apply with `signal`, then checks that the next apply runs at
/// once (a zero lock timeout) and migrates everything.
fn killed_apply_leaves_no_lock(name: &str, signal: &str) {
    use std::os::unix::process::ExitStatusExt;
    let sb = project(name);
    let (mut child, holder, lock) = blocked_apply(&sb);
    let pid = child.id().to_string();
    let kill = std::process::Command::new("kill").args([signal, &pid]).status().unwrap();
    assert!(kill.success());
    let status = child.wait().unwrap();
    // Killed while waiting, not exited by itself after its busy timeout.
    let number = if signal == "-KILL" { 9 } else { 15 };
    assert_eq!(status.signal(), Some(number), "{status}");
    holder.execute_batch("ROLLBACK").unwrap();
    drop(holder);
    let db = sb.path.join("app.db");
    assert!(sqlite_tables(&db).is_empty());
    // The killed process left its lock file behind; only the flock counted.
    assert!(lock.exists());
    let tmp = sb.path.join("tmp");
    let url = sb.sqlite_url("app.db");
    sb.strata_env(&["migrate", "apply", "--url", &url, "--lock-timeout", "0s"], &[("TMPDIR", tmp.to_str().unwrap())])
        .ok();
    assert_eq!(sqlite_tables(&db), ["posts", "users"]);
    assert_eq!(sqlite_rows(&db, "SELECT count(*) FROM atlas_schema_revisions"), [["3"]]);
}

#[test]
fn apply_killed_by_sigkill_does_not_block_the_next() {
    killed_apply_leaves_no_lock("sigkill", "-KILL");
}

#[test]
fn apply_killed_by_sigterm_does_not_block_the_next() {
    killed_apply_leaves_no_lock("sigterm", "-TERM");
}

#[test]
fn held_migration_lock_refuses_and_changes_nothing() {
    let sb = project("lock");
    let db = sb.path.join("app.db");
    let url = sb.sqlite_url("app.db");
    let tmp = sb.path.join("tmp");
    let env = [("TMPDIR", tmp.to_str().unwrap())];
    // While one apply holds the lock, a second gives up after its timeout.
    let (mut child, holder, lock) = blocked_apply(&sb);
    let run = sb.strata_env(&["migrate", "apply", "--url", &url, "--lock-timeout", "100ms"], &env).expect_code(1);
    let err = run.stderr();
    assert!(err.contains("acquiring database lock"), "{err}");
    assert!(err.contains("lock on \"atlas_migrate_execute\" already taken"), "{err}");
    assert!(err.contains(&db.display().to_string()), "{err}");
    child.kill().unwrap();
    child.wait().unwrap();
    holder.execute_batch("ROLLBACK").unwrap();
    drop(holder);
    assert!(sqlite_tables(&db).is_empty());
    // Any holder counts, whoever took the flock: here the test itself.
    let held = std::fs::File::open(&lock).unwrap();
    held.lock().unwrap();
    for cmd in ["apply", "down"] {
        let run = sb.strata_env(&["migrate", cmd, "--url", &url, "--lock-timeout", "100ms"], &env).expect_code(1);
        assert!(run.stderr().contains("already taken"), "{cmd}: {}", run.stderr());
    }
    assert!(sqlite_tables(&db).is_empty());
    // Released: the same command runs.
    drop(held);
    sb.strata_env(&["migrate", "apply", "--url", &url], &env).ok();
    assert_eq!(sqlite_tables(&db), ["posts", "users"]);
}

#[test]
fn closed_stdout_does_not_stop_a_migration() {
    let sb = project("closed-stdout");
    let url = sb.sqlite_url("app.db");
    // The reader goes away before strata prints: the apply must still finish.
    let mut child = std::process::Command::new(strata_tests::bin_dir().join("strata"))
        .args(["migrate", "apply", "--url", &url])
        .current_dir(&sb.path)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(!String::from_utf8_lossy(&out.stderr).contains("panicked"));
    assert_eq!(sqlite_tables(&sb.path.join("app.db")), ["posts", "users"]);
    let revs = sqlite_rows(&sb.path.join("app.db"), "SELECT count(*) FROM atlas_schema_revisions");
    assert_eq!(revs, [["3"]]);
}

// --- The directory's history checked as Atlas checks it (exec_order) ---

/// Asserts a refusal: exit 1 and `error: MESSAGE` as the first line of stderr.
#[track_caller]
fn refused(run: strata_tests::Run, message: &str) -> strata_tests::Run {
    let run = run.expect_code(1);
    assert_eq!(run.stderr().lines().next(), Some(format!("error: {message}").as_str()), "{}", run.stderr());
    run
}

fn versions(db: &std::path::Path) -> Vec<Vec<String>> {
    sqlite_rows(db, "SELECT version FROM atlas_schema_revisions ORDER BY version")
}

/// `apply`, `status` and `validate --url` all refuse with `message`, and the
/// database keeps the revisions it had.
#[track_caller]
fn refused_everywhere(sb: &Sandbox, message: &str, revisions: &[&str]) -> strata_tests::Run {
    let url = sb.sqlite_url("app.db");
    let db = sb.path.join("app.db");
    let run = refused(sb.strata(&["migrate", "apply", "--url", &url]), message);
    refused(sb.strata(&["migrate", "status", "--url", &url]), message);
    refused(sb.strata(&["migrate", "validate", "--url", &url]), message);
    let want: Vec<Vec<String>> = revisions.iter().map(|v| vec![v.to_string()]).collect();
    assert_eq!(versions(&db), want);
    run
}

#[test]
fn duplicate_versions_are_refused_by_every_command() {
    let sb = project("dup-version");
    let url = sb.sqlite_url("app.db");
    sb.strata(&["migrate", "apply", "1", "--url", &url]).ok();
    sb.write("migrations/2_more.sql", "CREATE TABLE more (id int);\n");
    sb.strata(&["migrate", "hash"]).ok();
    let message = "migration files 2_more.sql, 2_posts.sql have the same version 2";
    let run = refused_everywhere(&sb, message, &["1"]);
    assert!(run.stderr().contains("then run 'strata migrate hash'"), "{}", run.stderr());
    refused(sb.strata(&["migrate", "validate"]), message);
    refused(sb.strata(&["migrate", "set", "2", "--url", &url]), message);
    refused(sb.strata(&["migrate", "down", "--url", &url]), message);
    assert_eq!(sqlite_tables(&sb.path.join("app.db")), ["users"]);
}

#[test]
fn file_without_a_version_is_refused() {
    let sb = project("no-version");
    let url = sb.sqlite_url("app.db");
    sb.strata(&["migrate", "apply", "1", "--url", &url]).ok();
    sb.write("migrations/_x.sql", "CREATE TABLE x (id int);\n");
    sb.strata(&["migrate", "hash"]).ok();
    let message = "migration file _x.sql has no version: a migration file name starts with its version, as in \
                   1_create_users.sql";
    refused_everywhere(&sb, message, &["1"]);
    refused(sb.strata(&["migrate", "validate"]), message);
    // A name that is not a version at all.
    std::fs::remove_file(sb.path.join("migrations/_x.sql")).unwrap();
    sb.write("migrations/schema.sql", "CREATE TABLE x (id int);\n");
    sb.strata(&["migrate", "hash"]).ok();
    refused(
        sb.strata(&["migrate", "validate"]),
        "migration file schema.sql has no version: a migration file name starts with its version, as in \
         1_create_users.sql",
    );
    assert_eq!(sqlite_tables(&sb.path.join("app.db")), ["users"]);
}

/// Versions 1 and 3 applied, then 2_posts.sql added (and hashed).
fn out_of_order_project(name: &str) -> Sandbox {
    let sb = Sandbox::new(name);
    sb.write("migrations/1_users.sql", V1);
    sb.write("migrations/3_email.sql", V3);
    sb.strata(&["migrate", "hash"]).ok();
    sb.strata(&["migrate", "apply", "--url", &sb.sqlite_url("app.db")]).ok();
    sb.write("migrations/2_posts.sql", V2);
    sb.strata(&["migrate", "hash"]).ok();
    sb
}

const OUT_OF_ORDER: &str =
    "migration file 2_posts.sql was added out of order. See: https://atlasgo.io/versioned/apply#non-linear-error";

#[test]
fn file_added_out_of_order_is_refused_under_linear() {
    let sb = out_of_order_project("ooo-linear");
    let url = sb.sqlite_url("app.db");
    let db = sb.path.join("app.db");
    refused(sb.strata(&["migrate", "apply", "--url", &url]), OUT_OF_ORDER);
    refused(sb.strata(&["migrate", "validate", "--url", &url]), OUT_OF_ORDER);
    // Without a database there is no history to compare with.
    sb.strata(&["migrate", "validate"]).ok();
    assert_eq!(versions(&db), [["1"], ["3"]]);
    assert_eq!(sqlite_tables(&db), ["users"]);

    // Status is not an error (as in Atlas): PENDING, with the reason.
    let text = sb.strata(&["migrate", "status", "--url", &url]).ok().stdout();
    assert_eq!(
        text,
        format!(
            "Migration Status: PENDING\n  -- Current Version: 3\n  -- Next Version:    UNKNOWN\n  -- Executed Files:  2\n  \
             -- Pending Files:   1 (out of order)\n\n  ERROR: {OUT_OF_ORDER}\n"
        )
    );
    let json = sb.strata(&["migrate", "status", "--url", &url, "--format", "json"]).ok().json();
    assert_eq!(json["Status"], "PENDING");
    assert_eq!(json["Error"], OUT_OF_ORDER);
    assert_eq!(json["OutOfOrder"][0]["Name"], "2_posts.sql");
    assert_eq!(json["Pending"].as_array().map(Vec::len), Some(0));

    // Two files: the plural, both named.
    sb.write("migrations/2.5_more.sql", "CREATE TABLE more (id int);\n");
    sb.strata(&["migrate", "hash"]).ok();
    refused(
        sb.strata(&["migrate", "apply", "--url", &url]),
        "migration files 2.5_more.sql, 2_posts.sql were added out of order. See: \
         https://atlasgo.io/versioned/apply#non-linear-error",
    );
    assert_eq!(versions(&db), [["1"], ["3"]]);
}

#[test]
fn linear_skip_ignores_the_out_of_order_file() {
    let sb = out_of_order_project("ooo-skip");
    let url = sb.sqlite_url("app.db");
    let db = sb.path.join("app.db");
    let run = sb.strata(&["migrate", "apply", "--url", &url, "--exec-order", "linear-skip"]).ok();
    assert_eq!(run.stdout(), "No migration files to execute\n");
    sb.strata(&["migrate", "validate", "--url", &url, "--exec-order", "linear-skip"]).ok();
    // A newer file still runs; the skipped one never does.
    sb.write("migrations/4_tags.sql", "CREATE TABLE tags (id int);\n");
    sb.strata(&["migrate", "hash"]).ok();
    sb.strata(&["migrate", "apply", "--url", &url, "--exec-order", "linear-skip"]).ok();
    assert_eq!(versions(&db), [["1"], ["3"], ["4"]]);
    assert_eq!(sqlite_tables(&db), ["tags", "users"]);
}

#[test]
fn non_linear_from_atlas_hcl_applies_the_out_of_order_file() {
    let sb = out_of_order_project("ooo-non-linear");
    sb.write(
        "atlas.hcl",
        "env \"local\" {\n  url = \"sqlite://app.db\"\n  migration {\n    dir = \"file://migrations\"\n    exec_order = NON_LINEAR\n  }\n}\n",
    );
    let db = sb.path.join("app.db");
    let status = sb.strata(&["migrate", "status", "--env", "local", "--format", "json"]).ok().json();
    assert_eq!(
        (status["Status"].as_str(), status["Next"].as_str(), status["Error"].as_str()),
        (Some("PENDING"), Some("2"), Some(""))
    );
    let json = sb.strata(&["migrate", "apply", "--env", "local", "--format", "json"]).ok().json();
    assert_eq!(json["Applied"][0]["Name"], "2_posts.sql");
    assert_eq!(json["Applied"].as_array().map(Vec::len), Some(1));
    assert_eq!(versions(&db), [["1"], ["2"], ["3"]]);
    assert_eq!(sqlite_tables(&db), ["posts", "users"]);
    // 3's recorded hash predates 2_posts.sql: that is history, not an edit.
    let text = sb.strata(&["migrate", "status", "--env", "local"]).ok().stdout();
    assert!(text.starts_with("Migration Status: OK\n"), "{text}");
    sb.strata(&["migrate", "apply", "--env", "local"]).ok();
    sb.strata(&["migrate", "validate", "--url", &sb.sqlite_url("app.db")]).ok();
}

#[test]
fn deleted_applied_file_is_refused_but_down_still_works() {
    let sb = project("deleted-file");
    let url = sb.sqlite_url("app.db");
    sb.strata(&["migrate", "apply", "--url", &url]).ok();
    std::fs::remove_file(sb.path.join("migrations/2_posts.sql")).unwrap();
    sb.strata(&["migrate", "hash"]).ok();
    let run = refused_everywhere(
        &sb,
        "version 2 was applied but its migration file 2_posts.sql was deleted from the migration directory",
        &["1", "2", "3"],
    );
    assert!(
        run.stderr().contains(
            "hint: restore 2_posts.sql (e.g. from version control), or, if it was removed on purpose, record the \
             history without it: 'strata migrate set 1' then 'strata migrate set 3'"
        ),
        "{}",
        run.stderr()
    );
    // Rolling back works without the files: Strata kept what each version ran.
    sb.strata(&["migrate", "down", "--url", &url]).ok();
    assert_eq!(versions(&sb.path.join("app.db")), [["1"], ["2"]]);
}

#[test]
fn deleted_file_hint_set_then_set_clears_the_error() {
    let sb = project("deleted-set");
    let url = sb.sqlite_url("app.db");
    sb.strata(&["migrate", "apply", "--url", &url]).ok();
    std::fs::remove_file(sb.path.join("migrations/2_posts.sql")).unwrap();
    sb.strata(&["migrate", "hash"]).ok();
    sb.strata(&["migrate", "set", "1", "--url", &url]).ok();
    sb.strata(&["migrate", "set", "3", "--url", &url]).ok();
    assert_eq!(versions(&sb.path.join("app.db")), [["1"], ["3"]]);
    let text = sb.strata(&["migrate", "status", "--url", &url]).ok().stdout();
    assert!(text.starts_with("Migration Status: OK\n"), "{text}");
}

#[test]
fn edited_applied_file_is_refused() {
    let sb = project("edited-file");
    let url = sb.sqlite_url("app.db");
    sb.strata(&["migrate", "apply", "--url", &url]).ok();
    sb.write("migrations/2_posts.sql", "CREATE TABLE posts (id integer PRIMARY KEY);\n");
    sb.strata(&["migrate", "hash"]).ok();
    let run = refused_everywhere(
        &sb,
        "migration file 2_posts.sql was edited after it was applied (revision hash differs)",
        &["1", "2", "3"],
    );
    assert!(run.stderr().contains("'strata migrate hash'"), "{}", run.stderr());
    // Restoring the content (and the hash) makes the history whole again.
    sb.write("migrations/2_posts.sql", V2);
    sb.strata(&["migrate", "hash"]).ok();
    sb.strata(&["migrate", "validate", "--url", &url]).ok();
    let hashes = sqlite_rows(&sb.path.join("app.db"), "SELECT hash FROM atlas_schema_revisions WHERE version = '2'");
    assert!(sb.read("migrations/atlas.sum").contains(&format!("2_posts.sql h1:{}\n", hashes[0][0])));
}

#[test]
fn revision_missing_from_the_directory_is_refused() {
    let sb = project("revision-not-in-dir");
    let url = sb.sqlite_url("app.db");
    sb.strata(&["migrate", "apply", "--url", &url]).ok();
    std::fs::remove_file(sb.path.join("migrations/3_email.sql")).unwrap();
    sb.strata(&["migrate", "hash"]).ok();
    let run = refused_everywhere(
        &sb,
        "version 3 was applied but its migration file 3_email.sql is not in the migration directory (it was \
         deleted, or the directory is older than the database)",
        &["1", "2", "3"],
    );
    assert!(run.stderr().contains("'strata migrate down --to-version 2'"), "{}", run.stderr());
}

/// The columns of a SQLite table, read from its catalog.
fn columns(db: &std::path::Path, table: &str) -> Vec<String> {
    sqlite_rows(db, &format!("SELECT name FROM pragma_table_info('{table}') ORDER BY cid"))
        .into_iter()
        .map(|r| r[0].clone())
        .collect()
}

#[test]
fn schema_apply_refuses_to_drop_a_column_holding_values() {
    let sb = Sandbox::new("schema-apply-checks");
    let db = sb.path.join("app.db");
    rusqlite::Connection::open(&db)
        .unwrap()
        .execute_batch(
            "CREATE TABLE users (id integer PRIMARY KEY, name text, email text);
             INSERT INTO users VALUES (1, 'a', 'a@x'), (2, 'b', NULL);",
        )
        .unwrap();
    // A rename in the desired schema is planned as drop + add: email's values would go.
    sb.write("schema.sql", "CREATE TABLE users (id integer PRIMARY KEY, name text, mail text);\n");
    let url = sb.sqlite_url("app.db");
    let apply = |extra: &[&str]| {
        let mut args = vec!["schema", "apply", "--url", &url, "--to", "file://schema.sql"];
        args.extend_from_slice(extra);
        sb.strata(&args)
    };
    let refusal = "data would be lost: pre-migration check failed: expected column \"email\" of table \"users\" \
                   is empty (SELECT NOT EXISTS (SELECT 1 FROM `users` WHERE `email` IS NOT NULL) AS `is_empty`); \
                   nothing was executed";
    let intact = [["1", "a", "a@x"], ["2", "b", "NULL"]];
    for extra in [&["--dry-run"][..], &["--auto-approve"]] {
        let run = apply(extra).expect_code(1);
        assert!(
            run.stdout().contains("-- destructive: drops column users.email (1 row holds a value)\n"),
            "{}",
            run.stdout()
        );
        assert!(run.stderr().contains(refusal), "{}", run.stderr());
        assert!(run.stderr().contains("pass --skip-checks to destroy it"), "{}", run.stderr());
        assert_eq!(columns(&db, "users"), ["id", "name", "email"]);
        assert_eq!(sqlite_rows(&db, "SELECT id, name, email FROM users ORDER BY id"), intact);
    }
    // JSON carries what is destroyed and the checks' outcomes.
    let run = apply(&["--auto-approve", "--format", "json"]).expect_code(1);
    let json = run.json();
    assert_eq!(json["Destructive"][0]["What"], "drops column users.email");
    assert_eq!(json["Destructive"][0]["Rows"], 1);
    assert_eq!(json["Checks"][0]["Reason"], "column \"email\" of table \"users\" is empty");
    assert_eq!(json["Checks"][0]["Ok"], false);
    assert_eq!(json["Changes"]["Applied"].as_array().unwrap().len(), 0);
    assert_eq!(columns(&db, "users"), ["id", "name", "email"]);

    // --skip-checks destroys the values, as asked.
    let run = apply(&["--auto-approve", "--skip-checks"]).ok();
    assert!(run.stdout().contains("-- destructive: drops column users.email (1 row holds a value)\n"));
    assert_eq!(columns(&db, "users"), ["id", "name", "mail"]);
    assert_eq!(
        sqlite_rows(&db, "SELECT id, name, mail FROM users ORDER BY id"),
        [["1", "a", "NULL"], ["2", "b", "NULL"]]
    );
}

#[test]
fn schema_apply_refuses_to_drop_a_table_holding_rows_in_a_rebuild_too() {
    let sb = Sandbox::new("schema-apply-checks-table");
    let db = sb.path.join("app.db");
    rusqlite::Connection::open(&db)
        .unwrap()
        .execute_batch(
            "CREATE TABLE logs (line text);
             CREATE TABLE users (id integer PRIMARY KEY, name text, email text);
             CREATE INDEX users_email ON users (email);
             INSERT INTO logs VALUES ('x'); INSERT INTO users VALUES (1, 'a', 'a@x');",
        )
        .unwrap();
    sb.write("schema.sql", "CREATE TABLE users (id integer PRIMARY KEY, name text NOT NULL DEFAULT '');\n");
    let url = sb.sqlite_url("app.db");
    let args = ["schema", "apply", "--url", &url, "--to", "file://schema.sql", "--auto-approve"];
    let run = sb.strata(&args).expect_code(1);
    let out = run.stdout();
    assert!(out.contains("-- destructive: drops table logs (1 row)\n"), "{out}");
    assert!(out.contains("-- destructive: drops column users.email (1 row holds a value)\n"), "{out}");
    assert!(run.stderr().contains("data would be lost"), "{}", run.stderr());
    assert_eq!(sqlite_tables(&db), ["logs", "users"]);
    assert_eq!(sqlite_rows(&db, "SELECT line FROM logs"), [["x"]]);
    assert_eq!(sqlite_rows(&db, "SELECT id, name, email FROM users"), [["1", "a", "a@x"]]);
    // Emptied, the same plan runs without flags (the checks run inside its transaction).
    rusqlite::Connection::open(&db).unwrap().execute_batch("DELETE FROM logs; UPDATE users SET email = NULL").unwrap();
    sb.strata(&args).ok();
    assert_eq!(sqlite_tables(&db), ["users"]);
    assert_eq!(sqlite_rows(&db, "SELECT id, name FROM users"), [["1", "a"]]);
}

#[test]
fn schema_apply_drops_an_empty_column_without_flags() {
    let sb = Sandbox::new("schema-apply-empty-column");
    let db = sb.path.join("app.db");
    rusqlite::Connection::open(&db)
        .unwrap()
        .execute_batch(
            "CREATE TABLE users (id integer PRIMARY KEY, name text, note text);
             INSERT INTO users VALUES (1, 'a', NULL), (2, 'b', NULL);",
        )
        .unwrap();
    sb.write("schema.sql", "CREATE TABLE users (id integer PRIMARY KEY, name text);\n");
    let url = sb.sqlite_url("app.db");
    let run = sb.strata(&["schema", "apply", "--url", &url, "--to", "file://schema.sql", "--auto-approve"]).ok();
    assert!(
        run.stdout().contains("-- destructive: drops column users.note (0 rows hold a value)\n"),
        "{}",
        run.stdout()
    );
    assert_eq!(columns(&db, "users"), ["id", "name"]);
    assert_eq!(sqlite_rows(&db, "SELECT id, name FROM users ORDER BY id"), [["1", "a"], ["2", "b"]]);
}

#[test]
fn schema_apply_takes_the_migration_lock() {
    let sb = project("schema-apply-lock");
    let db = sb.path.join("app.db");
    // Find the lock file through a run that holds it, then hold it from here.
    let (mut child, holder, lock) = blocked_apply(&sb);
    child.kill().unwrap();
    child.wait().unwrap();
    holder.execute_batch("ROLLBACK").unwrap();
    drop(holder);
    let held = std::fs::File::open(&lock).unwrap();
    held.lock().unwrap();
    sb.write("schema.sql", V1);
    let url = sb.sqlite_url("app.db");
    let tmp = sb.path.join("tmp");
    let env = [("TMPDIR", tmp.to_str().unwrap())];
    let args = ["schema", "apply", "--url", &url, "--to", "file://schema.sql", "--auto-approve"];
    let run = sb.strata_env(&args, &env).expect_code(1);
    assert!(run.stderr().contains("acquiring database lock"), "{}", run.stderr());
    assert!(run.stderr().contains("lock on \"atlas_migrate_execute\" already taken"), "{}", run.stderr());
    assert!(sqlite_tables(&db).is_empty());
    drop(held);
    sb.strata_env(&args, &env).ok();
    assert_eq!(sqlite_tables(&db), ["users"]);
}

#[test]
fn url_passwords_never_print() {
    let sb = project("url-passwords");
    // (URL, the secret, exit code, what the error must say)
    let cases = [
        ("postgres://u:s3cr%aé@127.0.0.1:1/db", "s3cr", None, "postgres://u:****@127.0.0.1:1/db"),
        (
            "postgres://u:p/w?x@h/db",
            "p/w",
            Some(2),
            "invalid URL \"postgres://u:****@h/db\": the port after \"u\" is not a number from 0 to 65535",
        ),
        (
            "postgres:u:pw@h/db",
            "pw",
            Some(2),
            "invalid URL \"postgres:u:****@h/db\": missing \"//\" after \"postgres:\"",
        ),
        ("postgres://h/db?password=topsecret", "topsecret", None, "postgres://h/db?password=****"),
        (
            "sqlite://user:pw@/tmp/x.db",
            "pw",
            Some(2),
            "invalid URL \"sqlite://user:****@/tmp/x.db\": a SQLite URL takes no user name or password",
        ),
    ];
    for (url, secret, code, says) in cases {
        for format in [&[][..], &["--format", "json"][..]] {
            let mut args = vec!["migrate", "status", "--url", url];
            args.extend_from_slice(format);
            let run = sb.strata(&args);
            let (out, err) = (run.stdout(), run.stderr());
            // A server URL fails to connect (1), or names an unknown scheme (2)
            // where the plugin is not built; never a panic.
            match code {
                Some(c) => assert_eq!(run.code(), c, "{url}: {err}"),
                None => assert!(matches!(run.code(), 1 | 2), "{url} exited {}: {err}", run.code()),
            }
            assert!(!out.contains(secret) && !err.contains(secret), "{url} printed its password:\n{out}\n{err}");
            assert!(err.starts_with("error: ") && err.contains(says), "{url}: {err}");
            assert!(!err.contains("panicked") && !err.contains("internal error"), "{url}: {err}");
            if !format.is_empty() {
                assert!(run.json()["Error"].as_str().is_some_and(|e| e.contains(says)), "{url}: {out}");
            }
        }
    }
}

#[test]
fn lock_timeout_is_a_go_duration_on_every_locking_command() {
    let sb = project("lock-timeout-flag");
    let url = sb.sqlite_url("app.db");
    for value in ["99999999999999999999s", "10", "1y", "-1s"] {
        let flag = format!("--lock-timeout={value}");
        let run = sb.strata(&["migrate", "apply", "--url", &url, &flag]).expect_code(2);
        assert!(
            run.stderr().starts_with(&format!("error: invalid value '{value}' for '--lock-timeout <DURATION>': ")),
            "{}",
            run.stderr()
        );
    }
    assert!(sqlite_tables(&sb.path.join("app.db")).is_empty());
    sb.strata(&["migrate", "apply", "1", "--url", &url, "--lock-timeout", "0"]).ok();
    sb.strata(&["migrate", "apply", "--url", &url, "--lock-timeout", "1m30s"]).ok();
    sb.strata(&["migrate", "down", "--url", &url, "--lock-timeout", "10s"]).ok();
    sb.strata(&["migrate", "set", "2", "--url", &url, "--lock-timeout", "500ms"]).ok();
    sb.write("schema.sql", V1);
    let schema_apply = ["schema", "apply", "--url", &url, "--to", "file://schema.sql", "--auto-approve"];
    let run = sb.strata(&[&schema_apply[..], &["--lock-timeout", "1.5h"]].concat()).ok();
    assert!(run.stdout().contains("-- Planned Changes:"), "{}", run.stdout());
    let run = sb.strata(&[&schema_apply[..], &["--lock-timeout", "1e3s"]].concat()).expect_code(2);
    assert!(run.stderr().contains("'1e3s' for '--lock-timeout <DURATION>'"), "{}", run.stderr());

    // Held elsewhere: set and schema apply give up after the timeout asked for,
    // well before the default 10s.
    let (mut child, holder, lock) = blocked_apply(&sb);
    child.kill().unwrap();
    child.wait().unwrap();
    holder.execute_batch("ROLLBACK").unwrap();
    drop(holder);
    let held = std::fs::File::open(&lock).unwrap();
    held.lock().unwrap();
    let tmp = sb.path.join("tmp");
    let env = [("TMPDIR", tmp.to_str().unwrap())];
    for args in [
        &["migrate", "set", "1", "--url", &url, "--lock-timeout", "100ms"][..],
        &[&schema_apply[..], &["--lock-timeout", "100ms"]].concat(),
    ] {
        let started = std::time::Instant::now();
        let run = sb.strata_env(args, &env).expect_code(1);
        assert!(run.stderr().contains("already taken"), "{args:?}: {}", run.stderr());
        assert!(started.elapsed() < std::time::Duration::from_secs(8), "{args:?} waited {:?}", started.elapsed());
    }
}

#[test]
fn plugin_list_info_and_verify() {
    let sb = Sandbox::new("plugin-cmds");
    let list = sb.strata(&["plugin", "list", "--format", "json"]).ok().json();
    let names: Vec<&str> = list["Plugins"].as_array().unwrap().iter().map(|p| p["Name"].as_str().unwrap()).collect();
    for want in ["mysql", "postgres", "sqlite"] {
        assert!(names.contains(&want), "{names:?}");
    }
    let sqlite = cdylib("strata_dialect_sqlite");
    let info = sb.strata(&["plugin", "info", "sqlite3"]).ok().stdout();
    assert!(info.starts_with("sqlite "), "{info}");
    assert!(info.contains(&format!("  sha256:       {}", sha256sum(&sqlite))), "{info}");
    assert!(info.contains("capabilities: transactional DDL, migration lock"), "{info}");
    let ok = sb.strata(&["plugin", "verify", sqlite.to_str().unwrap()]).ok().stdout();
    let host = format!("{}.{}", strata_dialect_api::API_VERSION, strata_dialect_api::API_MINOR);
    assert!(ok.trim_end().ends_with(&format!("compatible: this strata uses dialect API version {host}")), "{ok}");

    // Bad files: exit 2, a clear message, never a crash.
    let verify =
        |path: &std::path::Path| sb.strata(&["plugin", "verify", path.to_str().unwrap()]).expect_code(2).stderr();
    let not = sb.write("not-a-plugin.so", "hello");
    assert!(verify(&not).contains("not a shared library (no ELF header)"));
    let bytes = std::fs::read(&sqlite).unwrap();
    let cut = sb.path.join("truncated.so");
    std::fs::write(&cut, &bytes[..bytes.len() / 2]).unwrap();
    assert!(verify(&cut).contains("the file is truncated"));
    let mut other = bytes.clone();
    other[18] = 0x28; // ELF machine: ARM
    let arm = sb.path.join("arm.so");
    std::fs::write(&arm, &other).unwrap();
    assert!(verify(&arm).contains("built for another machine"));
    assert!(verify(&cdylib("strata_fixture_bad_api_version")).contains("built against dialect API version 99"));
    // A real library that is not a plugin (the missing export).
    let libm = std::path::Path::new("/lib/x86_64-linux-gnu/libm.so.6");
    assert!(verify(libm).contains("not a strata dialect plugin: it exports no root module"));
    let run = sb.strata(&["plugin", "info", "nope"]).expect_code(2);
    assert!(run.stderr().contains("no plugin named \"nope\" was found"), "{}", run.stderr());
}

/// The target named by `--url` is opened while the command line and the
/// directory are read (a SQLite file that exists); what the command then does
/// with it, and how it fails, is what it did when it opened the file itself.
#[test]
fn a_target_opened_early_fails_and_works_as_one_opened_late() {
    let sb = project("early-open");
    let junk = "not a database, only text long enough to fill a SQLite header and more\n";
    sb.write("junk.db", junk);
    let run = sb.strata(&["migrate", "apply", "--url", "sqlite://junk.db"]);
    assert_eq!(run.code(), 1, "{}", run.stderr());
    assert_eq!(run.stderr(), "error: connecting to sqlite://junk.db: file is not a database\n");
    assert_eq!(sb.read("junk.db"), junk);

    // A relative URL, read from the working directory as always.
    sb.strata(&["migrate", "apply", "1", "--url", "sqlite://app.db"]).ok();
    sb.strata(&["migrate", "apply", "--url", "sqlite://app.db"]).ok();
    assert_eq!(sqlite_tables(&sb.path.join("app.db")), ["posts", "users"]);
    sb.strata(&["migrate", "down", "--url", "sqlite://app.db"]).ok();
    let cols = sqlite_rows(&sb.path.join("app.db"), "SELECT name FROM pragma_table_info('users') ORDER BY cid");
    assert_eq!(cols, [["id"], ["name"]]);
    let revs = sqlite_rows(&sb.path.join("app.db"), "SELECT version FROM atlas_schema_revisions ORDER BY version");
    assert_eq!(revs, [["1"], ["2"]]);

    // A project with plugins of its own loads its registry again: what the
    // early open made is closed first, and the run opens the file itself.
    let plugin = cdylib("strata_fixture_panicky");
    let pin = sha256sum(&plugin);
    sb.write(
        "atlas.hcl",
        &format!("plugin \"panicky\" {{\n  path = \"{}\"\n  sha256 = \"{pin}\"\n}}\n", plugin.display()),
    );
    sb.strata(&["migrate", "down", "--url", "sqlite://app.db"]).ok();
    assert_eq!(sqlite_tables(&sb.path.join("app.db")), ["users"]);
    let revs = sqlite_rows(&sb.path.join("app.db"), "SELECT version FROM atlas_schema_revisions ORDER BY version");
    assert_eq!(revs, [["1"]]);
}
