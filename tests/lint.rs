//! Policies end to end: `migrate lint` (text, JSON, GitHub annotations,
//! nolint, lint blocks, --git-base), rules enforced by `migrate apply`,
//! `migrate down` and `schema apply` on every dialect with nothing executed on
//! a denial, the shipped rule files, and bad rules refused when atlas.hcl is
//! read.

use strata_tests::db::Db;
use strata_tests::{Sandbox, sqlite_rows};

const V1: &str = "CREATE TABLE users (id integer PRIMARY KEY, name varchar(100));\nCREATE TABLE logs (id integer);\n";
const V2: &str = "DROP TABLE logs;\n-- atlas:nolint DS103\nALTER TABLE users DROP COLUMN name;\n\
                  CREATE TABLE tmp (id integer);\nDROP TABLE tmp;\nINSERT INTO users (id) VALUES (1);\n";

fn sqlite_project(name: &str, v2: &str) -> Sandbox {
    let sb = Sandbox::new(name);
    sb.write("migrations/1_init.sql", V1);
    sb.write("migrations/2_change.sql", v2);
    sb.strata(&["migrate", "hash"]).ok();
    sb
}

const DEV: &str = "sqlite://dev?mode=memory";

#[test]
fn lint_reports_findings_with_their_lines_in_every_format() {
    let sb = sqlite_project("lint-formats", V2);
    let run = sb.strata(&["migrate", "lint", "--dev-url", DEV, "--latest", "1"]).expect_code(1);
    let out = run.stdout();
    assert!(out.starts_with("Analyzing changes from version 1 to 2 (1 migration in total):"), "{out}");
    // DS102 on line 1; the column drop is silenced by its nolint; the table
    // created and dropped in the same file is not destructive.
    assert!(out.contains("    -- L1: DS102: Dropping table \"logs\" (error, destructive)"), "{out}");
    assert!(!out.contains("DS103") && !out.contains("\"tmp\""), "{out}");
    assert!(out.contains("  -- 1 diagnostic (1 error, 0 warnings)"), "{out}");

    let json =
        sb.strata(&["migrate", "lint", "--dev-url", DEV, "--latest", "1", "--format", "json"]).expect_code(1).json();
    assert_eq!(json["errors"], 1);
    assert_eq!(json["files"][0]["statements"], 5);
    let f = &json["files"][0]["findings"][0];
    assert_eq!((f["code"].as_str(), f["pos"]["line"].as_u64()), (Some("DS102"), Some(1)));

    let gh = sb.strata(&["migrate", "lint", "--dev-url", DEV, "--latest", "1", "--format", "github"]).expect_code(1);
    let first = gh.stdout().lines().next().unwrap_or_default().to_string();
    assert!(
        first.starts_with("::error file=migrations/2_change.sql,line=1,title=DS102 (destructive)::Dropping table \"logs\"%0Asuggested fix: "),
        "{first}"
    );

    // The whole file silenced: nothing to report, exit 0.
    sb.write("migrations/2_change.sql", &format!("-- atlas:nolint\n\n{V2}"));
    sb.strata(&["migrate", "hash"]).ok();
    let ok = sb.strata(&["migrate", "lint", "--dev-url", DEV, "--latest", "1"]).ok().stdout();
    assert!(ok.contains("  -- 0 diagnostics (0 errors, 0 warnings)"), "{ok}");
}

#[test]
fn lint_blocks_set_levels_and_git_base_selects_new_files() {
    let sb = sqlite_project("lint-config", V2);
    sb.write(
        "atlas.hcl",
        r#"
lint {
  destructive { error = false }
  data_depend { level = "off" }
  naming {
    match   = "^[a-z_]+$"
    message = "snake case"
  }
}
env "ci" {
  dev = "sqlite://dev?mode=memory"
}
"#,
    );
    let run = sb.strata(&["migrate", "lint", "--env", "ci", "--latest", "1"]).ok();
    assert!(run.stdout().contains("(warning, destructive)"), "{}", run.stdout());

    // --git-base: files added since the ref are the new ones.
    strata_tests::git(&sb.path, &["init", "-q"]);
    strata_tests::git(&sb.path, &["add", "."]);
    strata_tests::git(&sb.path, &["commit", "-q", "-m", "base"]);
    sb.write("migrations/3_Bad.sql", "CREATE TABLE BadName (id integer);\n");
    sb.strata(&["migrate", "hash"]).ok();
    let out = sb.strata(&["migrate", "lint", "--env", "ci", "--git-base", "HEAD"]).ok().stdout();
    assert!(out.contains("Analyzing changes from version 2 to 3 (1 migration in total)"), "{out}");
    assert!(out.contains("NM102"), "{out}");

    // An unknown analyzer: a usage error before any database is touched.
    sb.write(
        "atlas.hcl",
        "lint {\n  destructiv { error = true }\n}\nenv \"ci\" {\n  dev = \"sqlite://dev?mode=memory\"\n}\n",
    );
    let run = sb.strata(&["migrate", "lint", "--env", "ci", "--latest", "1"]).expect_code(2);
    assert!(
        run.stderr().contains("unknown analyzer \"destructiv\" in lint block (did you mean \"destructive\"?)"),
        "{}",
        run.stderr()
    );
}

const RULES: &str = r#"
policy "no-drop-in-production" {
  match   = change.kind == "DropTable" && !change.table_created
  envs    = ["production"]
  action  = "deny"
  message = "dropping ${change.table} is not allowed in production"
}

policy "data-changes" {
  match   = stmt.data
  action  = "warn"
  message = "a data change in ${stmt.file} line ${stmt.line}"
}
"#;

/// Runs on every dialect: the rule denies apply, down and schema apply in
/// production, with nothing executed; elsewhere the same plans run.
fn enforcement(db: Db) {
    db.write(
        "migrations/1_init.sql",
        "CREATE TABLE users (id integer PRIMARY KEY);\nCREATE TABLE logs (id integer);\n",
    );
    db.write("migrations/2_drop.sql", "DROP TABLE logs;\n");
    db.hash();
    db.write(
        "atlas.hcl",
        &format!(
            "{RULES}\nenv \"production\" {{\n  url = \"{url}\"\n  dev = \"{dev}\"\n}}\n\nenv \"staging\" {{\n  url = \"{url}\"\n  dev = \"{dev}\"\n}}\n",
            url = db.url,
            dev = db.dev
        ),
    );
    db.strata(&["migrate", "apply", "--env", "production", "1"]).ok();
    let denied = db.strata(&["migrate", "apply", "--env", "production"]).expect_code(1);
    assert!(
        denied.stderr().contains(
            "error: policy \"no-drop-in-production\" denies version 2 (2_drop.sql:1): dropping logs is not allowed in production; nothing was executed"
        ),
        "{}",
        denied.stderr()
    );
    assert!(
        denied.stdout().contains("-- error: 2_drop.sql:1: policy \"no-drop-in-production\""),
        "{}",
        denied.stdout()
    );
    assert_eq!(db.tables(), ["logs", "users"]);
    assert_eq!(db.versions(), ["1"]);
    // The refusal is in the deployment registry.
    let refused = sqlite_rows(
        &db.sb.path.join(".strata/registry.db"),
        "SELECT status FROM strata_deployments WHERE env = 'production' ORDER BY seq",
    );
    assert_eq!(refused, [["APPLIED"], ["REFUSED"]]);

    // Down and schema apply: the same rule, the same refusal.
    let down = db.strata(&["migrate", "down", "--env", "production"]).expect_code(1);
    assert!(down.stderr().contains("policy \"no-drop-in-production\" denies reverting version 1"), "{}", down.stderr());
    assert_eq!(db.tables(), ["logs", "users"]);
    db.write("schema.sql", "CREATE TABLE users (id integer PRIMARY KEY);\n");
    let schema = db
        .strata(&[
            "schema",
            "apply",
            "--env",
            "production",
            "--to",
            "file://schema.sql",
            "--dev-url",
            &db.dev,
            "--auto-approve",
        ])
        .expect_code(1);
    assert!(schema.stderr().contains("denies the schema change"), "{}", schema.stderr());
    assert_eq!(db.tables(), ["logs", "users"]);

    // In staging the rule does not apply: the drop runs (and the data rule only warns).
    db.strata(&["migrate", "apply", "--env", "staging"]).ok();
    assert_eq!(db.tables(), ["users"]);
    assert_eq!(db.versions(), ["1", "2"]);
}

#[test]
fn enforcement_sqlite() {
    if let Some(db) = Db::sqlite("lint-enforce") {
        enforcement(db);
    }
}

#[test]
fn enforcement_postgres() {
    if let Some(db) = Db::postgres("lint_enforce") {
        enforcement(db);
    }
}

#[test]
fn enforcement_mysql() {
    if let Some(db) = Db::mysql("lint_enforce") {
        enforcement(db);
    }
}

#[test]
fn shipped_rule_files_load_and_deny() {
    let sb = sqlite_project("lint-shipped", "DROP TABLE logs;\nCREATE INDEX users_name ON users (name);\n");
    let rules = strata_tests::repo_root().join("policies/rules");
    for entry in std::fs::read_dir(&rules).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        sb.write(&format!("rules/{name}"), &std::fs::read_to_string(&path).unwrap());
    }
    sb.write(
        "atlas.hcl",
        "policies {\n  files = [\"rules/*.hcl\"]\n}\n\nenv \"production\" {\n  url = \"sqlite://prod.db\"\n  dev = \"sqlite://dev?mode=memory\"\n}\n",
    );
    let out = sb.strata(&["migrate", "lint", "--env", "production", "--latest", "1"]).expect_code(1).stdout();
    assert!(
        out.contains("dropping table logs is not allowed in production (error, no-drop-table-in-production)"),
        "{out}"
    );
    assert!(out.contains("index users_name on users: name it idx_users_<columns>"), "{out}");
    assert!(out.contains("(warning, index-names)"), "{out}");
}

/// One bad rule, the exact error line (exit 2, no database touched).
#[track_caller]
fn bad_rule(rule: &str, want: &str) {
    let sb = Sandbox::new("lint-bad-rule");
    sb.write("atlas.hcl", &format!("{rule}\nenv \"production\" {{\n  url = \"sqlite://prod.db\"\n}}\n"));
    let run = sb.strata(&["migrate", "status", "--env", "production"]).expect_code(2);
    assert_eq!(
        run.stderr().lines().next().unwrap_or_default(),
        format!("error: {}/atlas.hcl:{want}", sb.path.display()).replace(&format!("{}/", sb.path.display()), "")
    );
    assert!(!sb.path.join("prod.db").exists());
}

#[test]
fn bad_rules_are_refused_where_they_are_written() {
    bad_rule(
        "policy \"p\" {\n  match   = change.tabel == \"x\"\n  message = \"m\"\n}\n",
        "2:20: policy \"p\": change.tabel is not an attribute (did you mean \"table\"?): change has kind, schema, table, column, index, foreign_key, check, view, trigger, name, from, to, type, table_created",
    );
    bad_rule(
        "policy \"p\" {\n  match   = change.kind == \"DropTabel\"\n  message = \"m\"\n}\n",
        "2:28: policy \"p\": can never match: no change is of kind \"DropTabel\" (did you mean \"DropTable\"?)",
    );
    bad_rule(
        "policy \"p\" {\n  match   = change.kind == \"DropTable\"\n  envs    = [\"prodution\"]\n  message = \"m\"\n}\n",
        "3:13: policy \"p\" can never match: no env \"prodution\" is declared (did you mean \"production\"?)",
    );
    bad_rule(
        "policy \"p\" {\n  match   = chnage.kind == \"DropTable\"\n  message = \"m\"\n}\n",
        "2:13: policy \"p\": unknown name \"chnage\" (did you mean \"change\"?): a rule can read change, stmt, env, version, command, dialect, var",
    );
    bad_rule(
        "policy \"p\" {\n  match   = true\n  action  = \"block\"\n  message = \"m\"\n}\n",
        "3:13: policy \"p\": action must be \"deny\" or \"warn\", got \"block\"",
    );
    bad_rule("policy \"p\" {\n  match = true\n}\n", "1:1: policy \"p\" requires a \"message\" attribute");
    bad_rule("policy \"p\" {\n  match = (true\n}\n", "3:1: expected `)`");
}
