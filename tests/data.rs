//! End-to-end scenarios for atlas.hcl data sources: `data "sql"` feeding
//! `for_each` and locals, `data "external"` read with `jsondecode`, and their
//! failures reported at the data block before anything is applied.

use strata_tests::{PgDb, Sandbox, sqlite_tables};

const USERS: &str = "CREATE TABLE users (id integer PRIMARY KEY, name text NOT NULL);\n";

/// A sandbox with one hashed migration file and a `tenants.db` listing
/// tenants (`initech` inactive).
fn project(name: &str) -> Sandbox {
    let sb = Sandbox::new(name);
    sb.write("migrations/1_users.sql", USERS);
    sb.strata(&["migrate", "hash"]).ok();
    let conn = rusqlite::Connection::open(sb.path.join("tenants.db")).unwrap();
    conn.execute_batch(
        "CREATE TABLE tenants (name text NOT NULL, active boolean NOT NULL);
         INSERT INTO tenants VALUES ('globex', 1), ('acme', 1), ('initech', 0);",
    )
    .unwrap();
    sb
}

/// The stderr line of a run that failed: exactly one line.
#[track_caller]
fn error_line(run: &strata_tests::Run) -> String {
    let stderr = run.stderr();
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    stderr.trim_end().to_string()
}

#[test]
fn sql_values_feed_for_each_and_apply_every_tenant() {
    let sb = project("data-sql-for-each");
    sb.write(
        "atlas.hcl",
        r#"data "sql" "tenants" {
  url   = "sqlite://tenants.db"
  query = "SELECT name FROM tenants WHERE active = ? ORDER BY name"
  args  = [true]
}

env "tenant" {
  for_each = toset(data.sql.tenants.values)
  url      = "sqlite://${each.value}.db"
  migration {
    dir = "file://migrations"
  }
}
"#,
    );
    sb.strata(&["migrate", "apply", "--env", "tenant"]).ok();
    for tenant in ["acme", "globex"] {
        assert_eq!(sqlite_tables(&sb.path.join(format!("{tenant}.db"))), ["users"], "{tenant}");
    }
    assert!(!sb.path.join("initech.db").exists(), "an inactive tenant was migrated");
    // The query ran as given: the source database is untouched.
    assert_eq!(sqlite_tables(&sb.path.join("tenants.db")), ["tenants"]);
}

#[test]
fn sql_value_and_count_in_a_local() {
    let sb = project("data-sql-value-count");
    sb.write(
        "atlas.hcl",
        r#"data "sql" "tenants" {
  url   = "sqlite://tenants.db"
  query = "SELECT name, active FROM tenants ORDER BY name"
}

data "sql" "none" {
  url   = "sqlite://tenants.db"
  query = "SELECT name FROM tenants WHERE 0"
}

data "sql" "null" {
  url   = "sqlite://tenants.db"
  query = "SELECT NULL"
}

locals {
  db = "${data.sql.tenants.value}-${data.sql.tenants.count}-${data.sql.none.count}-${coalesce(data.sql.none.value, data.sql.null.value, "none")}"
}

env "one" {
  url = "sqlite://${local.db}.db"
}
"#,
    );
    sb.strata(&["migrate", "apply", "--env", "one"]).ok();
    assert_eq!(sqlite_tables(&sb.path.join("acme-3-0-none.db")), ["users"]);
}

#[test]
fn external_json_is_decoded_into_an_env_url() {
    // The project file sits in proj/ and strata runs from its parent: the
    // program's working_dir resolves against the project file, not the cwd.
    let sb = Sandbox::new("data-external-json");
    sb.write("proj/migrations/1_users.sql", USERS);
    sb.strata(&["migrate", "hash", "--dir", "file://proj/migrations"]).ok();
    sb.write("proj/tools/conf.json", r#"{"db": "from-program.db"}"#);
    sb.write(
        "proj/atlas.hcl",
        r#"data "external" "conf" {
  program     = ["sh", "-c", "cat conf.json; echo ignored >&2"]
  working_dir = "tools"
}

locals {
  conf = jsondecode(data.external.conf)
}

env "ext" {
  url = "sqlite://${local.conf.db}"
  migration {
    dir = "file://migrations"
  }
}
"#,
    );
    let run = sb.strata(&["migrate", "apply", "--config", "file://proj/atlas.hcl", "--env", "ext"]).ok();
    assert!(!run.stderr().contains("ignored"), "{}", run.stderr());
    assert_eq!(sqlite_tables(&sb.path.join("from-program.db")), ["users"]);
}

#[test]
fn failing_query_is_reported_at_the_data_block_and_nothing_runs() {
    let sb = project("data-sql-fails");
    sb.write(
        "atlas.hcl",
        r#"# Tenants come from the control database.
data "sql" "tenants" {
  url   = "sqlite://tenants.db"
  query = "SELECT name FROM customers"
}

env "tenant" {
  for_each = toset(data.sql.tenants.values)
  url      = "sqlite://${each.value}.db"
}

env "app" {
  url = "sqlite://app.db"
}
"#,
    );
    let run = sb.strata(&["migrate", "apply", "--env", "tenant"]).expect_code(2);
    assert_eq!(
        error_line(&run),
        "error: atlas.hcl:2:1: data source \"sql\" \"tenants\": \
         executing query on sqlite://tenants.db: no such table: customers"
    );
    let mut files: Vec<String> = std::fs::read_dir(&sb.path)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".db"))
        .collect();
    files.sort();
    assert_eq!(files, ["tenants.db"], "a database was created");
    assert_eq!(sqlite_tables(&sb.path.join("tenants.db")), ["tenants"]);
    // An env that does not read the data source never runs the query.
    sb.strata(&["migrate", "apply", "--env", "app"]).ok();
    assert_eq!(sqlite_tables(&sb.path.join("app.db")), ["users"]);
}

#[test]
fn failing_program_is_reported_at_the_data_block_and_nothing_runs() {
    let sb = project("data-external-fails");
    sb.write(
        "atlas.hcl",
        r#"locals {
  dir = "file://migrations"
}
data "external" "conf" {
  program = ["sh", "-c", "echo partial; echo 'cannot reach vault' >&2; exit 3"]
}

env "ext" {
  url = "sqlite://${jsondecode(data.external.conf).db}"
  migration {
    dir = local.dir
  }
}
"#,
    );
    let run = sb.strata(&["migrate", "apply", "--env", "ext"]).expect_code(2);
    assert_eq!(
        error_line(&run),
        "error: atlas.hcl:4:1: data source \"external\" \"conf\": program \"sh\" exited with status 3: cannot reach vault"
    );
    sb.write("atlas.hcl", "data \"external\" \"conf\" {\n  program = [\"strata-no-such-program\"]\n}\nenv \"ext\" {\n  url = data.external.conf\n}\n");
    let run = sb.strata(&["migrate", "apply", "--env", "ext"]).expect_code(2);
    assert_eq!(
        error_line(&run),
        "error: atlas.hcl:1:1: data source \"external\" \"conf\": \
         cannot start program \"strata-no-such-program\": No such file or directory (os error 2)"
    );
    let dbs = std::fs::read_dir(&sb.path).unwrap().filter(|e| {
        e.as_ref().is_ok_and(|e| e.file_name().to_string_lossy().ends_with(".db") && e.file_name() != "tenants.db")
    });
    assert_eq!(dbs.count(), 0, "a database was created");
}

/// `url` with `password` put in its userinfo, unless it already has one; the
/// password the test must never see printed.
fn with_password(url: &str, password: &str) -> (String, String) {
    let (scheme, rest) = url.split_once("://").unwrap();
    let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
    match rest[..authority_end].rsplit_once('@') {
        Some((info, _)) if info.contains(':') => (url.to_string(), info.split_once(':').unwrap().1.to_string()),
        Some((user, host)) => {
            (format!("{scheme}://{user}:{password}@{host}{}", &rest[authority_end..]), password.to_string())
        }
        None => (format!("{scheme}://postgres:{password}@{rest}"), password.to_string()),
    }
}

#[test]
fn sql_on_postgres_feeds_for_each_and_never_prints_the_password() {
    let Some(pg) = PgDb::create("data_sql") else { return };
    pg.exec(
        "CREATE TABLE tenants (name text NOT NULL, active boolean NOT NULL);
         INSERT INTO tenants VALUES ('pg_b', true), ('pg_a', true), ('pg_c', false);",
    );
    // A server that trusts local connections ignores the password; one that
    // checks it was given it in STRATA_TEST_POSTGRES_URL.
    let (url, password) = with_password(&pg.url(), "s3cret-Pw0rd");
    let shown = url.replacen(&format!(":{password}@"), ":****@", 1);
    let sb = Sandbox::new("data-sql-postgres");
    sb.write("migrations/1_users.sql", USERS);
    sb.strata(&["migrate", "hash"]).ok();
    let hcl = |query: &str| {
        format!(
            "data \"sql\" \"tenants\" {{\n  url   = getenv(\"TENANTS_URL\")\n  query = \"{query}\"\n  args  = [true]\n}}\n\n\
             env \"tenant\" {{\n  for_each = toset(data.sql.tenants.values)\n  url      = \"sqlite://${{each.value}}.db\"\n}}\n"
        )
    };
    sb.write("atlas.hcl", &hcl("SELECT name FROM tenants WHERE active = $1 ORDER BY name"));
    let env = [("TENANTS_URL", url.as_str())];
    sb.strata_env(&["migrate", "apply", "--env", "tenant"], &env).ok();
    for tenant in ["pg_a", "pg_b"] {
        assert_eq!(sqlite_tables(&sb.path.join(format!("{tenant}.db"))), ["users"], "{tenant}");
    }
    assert!(!sb.path.join("pg_c.db").exists());

    sb.write("atlas.hcl", &hcl("SELECT name FROM customers WHERE active = $1"));
    let run = sb.strata_env(&["migrate", "apply", "--env", "tenant"], &env).expect_code(2);
    let line = error_line(&run);
    assert!(!run.stderr().contains(&password) && !run.stdout().contains(&password), "{line}");
    let prefix = format!("error: atlas.hcl:1:1: data source \"sql\" \"tenants\": executing query on {shown}: ");
    assert!(line.starts_with(&prefix), "{line}\nwanted it to start with {prefix}");
    assert!(line.contains("\"customers\" does not exist"), "{line}");

    // A server that cannot be reached: the connection error names the URL, masked.
    let (unreachable, _) = with_password("postgres://strata@127.0.0.1:1/db?sslmode=disable", &password);
    let run = sb
        .strata_env(&["migrate", "apply", "--env", "tenant"], &[("TENANTS_URL", unreachable.as_str())])
        .expect_code(2);
    let line = error_line(&run);
    assert!(!run.stderr().contains(&password), "{line}");
    assert!(
        line.starts_with(
            "error: atlas.hcl:1:1: data source \"sql\" \"tenants\": \
             connecting to postgres://strata:****@127.0.0.1:1/db?sslmode=disable: "
        ),
        "{line}"
    );
}
