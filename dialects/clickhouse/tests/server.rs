//! Integration tests against a real ClickHouse server (`STRATA_TEST_CLICKHOUSE_URL`,
//! e.g. `clickhouse://default@127.0.0.1:8123/default`). Each test works in its
//! own databases (`strata_ch_<test>_<pid>`), so they run in parallel.
//! Outcomes are read from the server's own catalog (`system.tables`'
//! `create_table_query`), not only from the plugin's inspection. The crate is
//! linked statically and blocks on its own runtime, so tests are plain
//! `#[test]` functions.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::{Duration, Instant};
use strata_clickhouse::{ChConn, diff_realm, open, plan_changes, quote, render};
use strata_dialect_api::{
    Change, DialectConnection, DiffOptions, ErrorKind, Generated, InspectOptions, Plan, PlanOptions, Realm,
    RenderReply, RenderRequest, SqlValue,
};

/// The server URL, or `None` (after saying so) when tests must skip.
fn server() -> Option<String> {
    match std::env::var("STRATA_TEST_CLICKHOUSE_URL") {
        Ok(url) if !url.is_empty() => Some(url),
        _ => {
            if std::env::var("CI").is_ok_and(|v| v == "true") {
                panic!("STRATA_TEST_CLICKHOUSE_URL not set (required when CI=true)");
            }
            println!("skipping: STRATA_TEST_CLICKHOUSE_URL not set");
            None
        }
    }
}

/// `url` with its database replaced by `db`.
fn with_db(url: &str, db: &str) -> String {
    let (base, query) = url.split_once('?').map_or((url, String::new()), |(b, q)| (b, format!("?{q}")));
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let host_end = base[scheme_end..].find('/').map_or(base.len(), |i| scheme_end + i);
    format!("{}/{db}{query}", &base[..host_end])
}

/// A database created for one test and dropped when the test ends.
struct TestDb {
    name: String,
    url: String,
    server: String,
}

impl TestDb {
    fn new(server: &str, test: &str) -> TestDb {
        let name = format!("strata_ch_{test}_{}", std::process::id());
        let mut admin = open(server).unwrap();
        admin.exec(&format!("DROP DATABASE IF EXISTS {}", quote(&name)), &[]).unwrap();
        admin.exec(&format!("CREATE DATABASE {}", quote(&name)), &[]).unwrap();
        TestDb { url: with_db(server, &name), name, server: server.to_string() }
    }

    fn open(&self) -> ChConn {
        open(&self.url).unwrap()
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Ok(mut admin) = open(&self.server) {
            let _ = admin.exec(&format!("DROP DATABASE IF EXISTS {}", quote(&self.name)), &[]);
        }
    }
}

fn exec(conn: &mut ChConn, sql: &str) {
    conn.exec(sql, &[]).unwrap_or_else(|e| panic!("executing {sql}: {} ({})", e.message, e.detail));
}

/// Runs a script of statements separated by `;` at line ends.
fn script(conn: &mut ChConn, sql: &str) {
    for s in sql.split(";\n").map(str::trim).filter(|s| !s.is_empty()) {
        exec(conn, s);
    }
}

fn rows(conn: &mut ChConn, sql: &str) -> Vec<Vec<Option<String>>> {
    conn.query(sql, &[]).unwrap_or_else(|e| panic!("{sql}: {}", e.message)).rows
}

fn scalar(conn: &mut ChConn, sql: &str) -> Option<String> {
    rows(conn, sql).into_iter().next().and_then(|r| r.into_iter().next().flatten())
}

fn inspect(conn: &mut ChConn) -> Realm {
    conn.inspect(&InspectOptions::default()).unwrap()
}

/// Every table's and view's `create_table_query` as the server keeps it, the
/// database's own name removed (it qualifies every name).
fn show_create(conn: &mut ChConn) -> Vec<(String, String)> {
    let db = scalar(conn, "SELECT currentDatabase()").unwrap();
    rows(
        conn,
        "SELECT name, create_table_query FROM system.tables WHERE database = currentDatabase() \
         AND NOT startsWith(name, 'strata_lock_') ORDER BY name",
    )
    .into_iter()
    .map(|r| {
        // `MergeTree()` and `MergeTree` are one engine; the server keeps the spelling written.
        let text = r[1]
            .clone()
            .unwrap()
            .replace(&format!("{db}."), "")
            .replace(&format!("`{db}`."), "")
            .replace("MergeTree() ", "MergeTree ");
        (r[0].clone().unwrap(), text)
    })
    .collect()
}

fn diff(from: &Realm, to: &Realm) -> Vec<Change> {
    diff_realm(from, to, &DiffOptions { ignore_schema_names: true }).unwrap()
}

fn plan(changes: &[Change], checks: bool) -> Plan {
    plan_changes(changes, &PlanOptions { checks, qualify: false }).unwrap()
}

fn apply(conn: &mut ChConn, plan: &Plan) {
    for s in &plan.statements {
        for check in &s.checks {
            let ok = scalar(conn, &check.sql);
            assert_eq!(ok.as_deref(), Some("1"), "check failed: {} ({})", check.reason, check.sql);
        }
        exec(conn, &s.sql);
    }
}

fn apply_reverse(conn: &mut ChConn, plan: &Plan) {
    for s in plan.statements.iter().rev() {
        for r in &s.reverse {
            exec(conn, r);
        }
    }
}

/// Builds `from` and `to` in two databases, plans `from` → `to` from their
/// inspections, applies it, and asserts that the server shows the same
/// definitions as `to`'s and that a new diff is empty; then applies the
/// reverse statements and asserts the same against `from`. Returns the plan.
fn converge(server: &str, test: &str, from: &str, to: &str) -> Plan {
    let want = TestDb::new(server, &format!("{test}_w"));
    let mut w = want.open();
    script(&mut w, to);
    let got = TestDb::new(server, &format!("{test}_g"));
    let mut g = got.open();
    script(&mut g, from);
    let before = show_create(&mut g);
    let from_realm = inspect(&mut g);
    let to_realm = inspect(&mut w);
    assert!(diff(&to_realm, &to_realm).is_empty(), "an inspected state differs from itself");
    let changes = diff(&from_realm, &to_realm);
    let p = plan(&changes, true);
    apply(&mut g, &p);
    let sql: Vec<&str> = p.statements.iter().map(|s| s.sql.as_str()).collect();
    assert_eq!(show_create(&mut g), show_create(&mut w), "forward plan did not converge:\n{}", sql.join(";\n"));
    let again = diff(&inspect(&mut g), &to_realm);
    assert!(again.is_empty(), "re-diff not empty after:\n{}\n{again:#?}", sql.join(";\n"));
    apply_reverse(&mut g, &p);
    assert_eq!(show_create(&mut g), before, "reverse plan did not restore:\n{}", sql.join(";\n"));
    assert!(diff(&inspect(&mut g), &from_realm).is_empty());
    p
}

fn sqls(plan: &Plan) -> Vec<&str> {
    plan.statements.iter().map(|s| s.sql.as_str()).collect()
}

/// A table using every kind of column, key and clause the inspector reads,
/// plus views of each kind.
const RICH: &str = r"
CREATE TABLE events (
  d Date,
  ts DateTime('UTC') DEFAULT now(),
  id UInt64,
  name LowCardinality(String) COMMENT 'the name',
  note Nullable(String) COMMENT 'it''s \\ here',
  tags Array(UInt8),
  kind Enum8('a' = 1, 'b' = 2),
  amount Decimal(10, 2) DEFAULT 0,
  doubled UInt64 MATERIALIZED id * 2,
  label String ALIAS concat(toString(id), '!'),
  nest Nested(x UInt8, y String)
) ENGINE = MergeTree() PARTITION BY toYYYYMM(d) ORDER BY (id, intHash32(id)) SAMPLE BY intHash32(id) SETTINGS index_granularity = 4096;
CREATE TABLE agg (id UInt64, c UInt64) ENGINE = SummingMergeTree ORDER BY id;
CREATE TABLE versions (id UInt64, v UInt32) ENGINE = ReplacingMergeTree(v) ORDER BY (id, v) PRIMARY KEY id;
CREATE TABLE mem (a String) ENGINE = Memory;
CREATE VIEW recent AS SELECT id, name FROM events WHERE d > today() - 7;
CREATE MATERIALIZED VIEW counts TO agg AS SELECT id, count() AS c FROM events GROUP BY id;
CREATE MATERIALIZED VIEW sums ENGINE = SummingMergeTree ORDER BY id AS SELECT id, sum(amount) AS s FROM events GROUP BY id
";

#[test]
fn open_reports_the_database_and_version() {
    let Some(server) = server() else { return };
    let db = TestDb::new(&server, "open");
    let mut conn = db.open();
    let info = conn.info();
    assert_eq!(info.schema.as_deref(), Some(db.name.as_str()));
    assert_eq!(info.flavour, "clickhouse");
    assert!(info.version.starts_with(|c: char| c.is_ascii_digit()), "{}", info.version);
    assert!(conn.version().0 >= 18);
    assert_eq!(scalar(&mut conn, "SELECT currentDatabase()").as_deref(), Some(db.name.as_str()));
    // Arguments bound client-side, a `?` in a literal left alone, NULL as None.
    let got = conn
        .query(
            "SELECT ? AS a, ? AS b, ? AS c, '?' AS d, ? AS e",
            &[
                SqlValue::Int(-7),
                SqlValue::Text("it's a \\ \"test\"\n\tok".into()),
                SqlValue::Null,
                SqlValue::Bytes(b"a\x01".to_vec().into()),
            ],
        )
        .unwrap();
    assert_eq!(got.columns, ["a", "b", "c", "d", "e"]);
    assert_eq!(
        got.rows,
        [vec![
            Some("-7".to_string()),
            Some("it's a \\ \"test\"\n\tok".to_string()),
            None,
            Some("?".to_string()),
            Some("a\u{1}".to_string())
        ]]
    );
    // An empty string in a one-column result is a row.
    assert_eq!(conn.query("SELECT '' AS x", &[]).unwrap().rows, [vec![Some(String::new())]]);
    assert_eq!(conn.exec("CREATE TABLE t (a UInt8) ENGINE = Memory", &[]).unwrap(), 0);
    assert_eq!(conn.exec("INSERT INTO t (a) VALUES (?), (?)", &[SqlValue::Int(1), SqlValue::Int(2)]).unwrap(), 0);
    assert_eq!(scalar(&mut conn, "SELECT sum(a) FROM t").as_deref(), Some("3"));
    // A setting holds for the connection's later statements, and only there.
    exec(&mut conn, "SET max_threads = 3");
    let setting = "SELECT value FROM system.settings WHERE name = 'max_threads'";
    assert_eq!(scalar(&mut conn, setting).as_deref(), Some("3"));
    assert_ne!(scalar(&mut db.open(), setting).as_deref(), Some("3"));
    conn.close().unwrap();
}

#[test]
fn errors_are_classified() {
    let Some(server) = server() else { return };
    let db = TestDb::new(&server, "errors");
    let mut conn = db.open();
    let err = conn.query("SELECT * FROM missing", &[]).unwrap_err();
    assert_eq!(err.kind, ErrorKind::ObjectMissing, "{}", err.message);
    assert!(err.message.contains("missing") && err.detail.as_str() == "Code: 60", "{} / {}", err.message, err.detail);
    let err = conn.query("SELECT 1 FROM missing WHERE 1 = 0", &[]).unwrap_err();
    assert_eq!(err.kind, ErrorKind::ObjectMissing);
    let err = conn.exec("STRATA IS NOT SQL", &[]).unwrap_err();
    assert_eq!(err.kind, ErrorKind::Syntax, "{}", err.message);
    assert!(err.message.starts_with("syntax error"), "{}", err.message);
    assert!(err.message.len() < 400, "{}", err.message);
    exec(&mut conn, "CREATE TABLE t (a UInt8) ENGINE = Memory");
    let err = conn.exec("CREATE TABLE t (a UInt8) ENGINE = Memory", &[]).unwrap_err();
    assert_eq!(err.kind, ErrorKind::ObjectExists, "{}", err.message);
    let err = conn.exec("ALTER TABLE t DROP COLUMN nope", &[]).unwrap_err();
    assert_eq!(err.kind, ErrorKind::ObjectMissing, "{}", err.message);
    let err = conn.query("SELECT nope FROM t", &[]).unwrap_err();
    assert_eq!(err.kind, ErrorKind::ObjectMissing, "{}", err.message);
    let err = conn.query("SELECT * FROM no_such_db.t", &[]).unwrap_err();
    assert_eq!(err.kind, ErrorKind::ObjectMissing, "{}", err.message);
    let err = conn.query("SELECT ?", &[]).unwrap_err();
    assert_eq!(err.kind, ErrorKind::Syntax, "{}", err.message);

    // Credentials: the password never shows.
    let (scheme, rest) = server.split_once("://").unwrap();
    let host = rest.rsplit_once('@').map_or(rest, |(_, h)| h);
    let user = rest.rsplit_once('@').map_or("default", |(u, _)| u.split(':').next().unwrap());
    let err = open(&format!("{scheme}://{user}:s3cr3t-pw@{host}")).err().unwrap();
    assert_eq!(err.kind, ErrorKind::Auth, "{}", err.message);
    assert!(!err.message.contains("s3cr3t-pw") && !err.detail.contains("s3cr3t-pw"), "{}", err.message);
    assert!(err.message.contains(user), "{}", err.message);
    let err = open(&format!("{scheme}://nobody_strata:s3cr3t-pw@{host}")).err().unwrap();
    assert_eq!(err.kind, ErrorKind::Auth, "{}", err.message);
    assert!(!err.message.contains("s3cr3t-pw"), "{}", err.message);
    // A database that does not exist; a server that does not answer.
    let err = open(&with_db(&server, "strata_ch_no_such_db")).err().unwrap();
    assert_eq!(err.kind, ErrorKind::ObjectMissing, "{}", err.message);
    let err = open("clickhouse://default:s3cr3t-pw@127.0.0.1:1/default").err().unwrap();
    assert_eq!(err.kind, ErrorKind::Connection, "{}", err.message);
    assert!(!err.message.contains("s3cr3t-pw"), "{}", err.message);
}

#[test]
fn inspect_reads_a_rich_table() {
    let Some(server) = server() else { return };
    let db = TestDb::new(&server, "inspect");
    let mut conn = db.open();
    script(&mut conn, RICH);
    conn.lock("inspect lock", Duration::ZERO).unwrap();
    let realm = inspect(&mut conn);
    assert_eq!(realm.schemas.len(), 1);
    let schema = &realm.schemas[0];
    assert_eq!(schema.name, db.name);
    let names: Vec<&str> = schema.tables.iter().map(|t| t.name.as_str()).collect();
    // No lock table, no `.inner.` table of `sums`.
    assert_eq!(names, ["agg", "events", "mem", "versions"]);
    let events = schema.table("events").unwrap();
    let columns: Vec<(&str, &str)> = events.columns.iter().map(|c| (c.name.as_str(), c.ty.as_str())).collect();
    assert_eq!(
        columns,
        [
            ("d", "Date"),
            ("ts", "DateTime('UTC')"),
            ("id", "UInt64"),
            ("name", "LowCardinality(String)"),
            ("note", "Nullable(String)"),
            ("tags", "Array(UInt8)"),
            ("kind", "Enum8('a' = 1, 'b' = 2)"),
            ("amount", "Decimal(10, 2)"),
            ("nest.x", "Array(UInt8)"),
            ("nest.y", "Array(String)"),
            ("doubled", "UInt64"),
            ("label", "String"),
        ]
    );
    let col = |n: &str| events.column(n).unwrap();
    assert!(col("note").nullable && !col("name").nullable && !col("tags").nullable);
    assert_eq!(col("ts").default.as_deref(), Some("now()"));
    assert_eq!(col("amount").default.as_deref(), Some("CAST(0, 'Decimal(10, 2)')"));
    assert_eq!(col("doubled").generated, Some(Generated { expr: "id * 2".into(), stored: true }));
    assert_eq!(col("label").generated.as_ref().map(|g| g.stored), Some(false));
    assert!(col("label").generated.as_ref().unwrap().expr.contains("concat(toString(id), '!')"));
    assert_eq!(col("name").comment.as_deref(), Some("the name"));
    assert_eq!(col("note").comment.as_deref(), Some("it's \\ here"));
    assert_eq!(col("id").comment, None);
    assert!(events.primary_key.is_none() && events.indexes.is_empty());
    let attr = |t: &strata_dialect_api::Table, n: &str| {
        t.attrs.iter().find_map(|a| match a {
            strata_dialect_api::Attr::Other { dialect, name, value } if dialect == "clickhouse" && name == n => {
                value.as_str().map(str::to_string)
            }
            _ => None,
        })
    };
    assert_eq!(attr(events, "engine").as_deref(), Some("MergeTree"));
    assert_eq!(attr(events, "engine_args"), None);
    assert_eq!(attr(events, "partition_by").as_deref(), Some("toYYYYMM(d)"));
    assert_eq!(attr(events, "order_by").as_deref(), Some("(id, intHash32(id))"));
    assert_eq!(attr(events, "sample_by").as_deref(), Some("intHash32(id)"));
    assert_eq!(attr(events, "settings").as_deref(), Some("index_granularity = 4096"));
    assert_eq!(attr(events, "primary_key"), None);
    let versions = schema.table("versions").unwrap();
    assert_eq!(attr(versions, "engine").as_deref(), Some("ReplacingMergeTree"));
    assert_eq!(attr(versions, "engine_args").as_deref(), Some("v"));
    assert_eq!(attr(versions, "primary_key").as_deref(), Some("id"));
    assert_eq!(attr(versions, "order_by").as_deref(), Some("(id, v)"));
    assert_eq!(attr(schema.table("mem").unwrap(), "engine").as_deref(), Some("Memory"));

    let views: Vec<&str> = schema.views.iter().map(|v| v.name.as_str()).collect();
    assert_eq!(views, ["counts", "recent", "sums"]);
    let view_attr = |v: &str, n: &str| {
        schema.view(v).unwrap().attrs.iter().find_map(|a| match a {
            strata_dialect_api::Attr::Other { name, value, .. } if name == n => Some(value.clone()),
            _ => None,
        })
    };
    let recent = schema.view("recent").unwrap();
    assert!(recent.def.starts_with("SELECT id, name FROM events"), "{}", recent.def);
    assert!(!recent.def.contains(&db.name), "{}", recent.def);
    assert!(recent.attrs.is_empty());
    assert_eq!(view_attr("counts", "materialized"), Some(true.into()));
    assert_eq!(view_attr("counts", "to"), Some("agg".into()));
    assert_eq!(view_attr("sums", "engine"), Some("SummingMergeTree".into()));
    assert_eq!(view_attr("sums", "order_by"), Some("id".into()));
    assert_eq!(view_attr("sums", "to"), None);

    // The same SQL elsewhere inspects equal; inspection diffs empty with itself.
    assert!(diff(&realm, &realm).is_empty());
    let other = TestDb::new(&server, "inspect2");
    let mut o = other.open();
    script(&mut o, RICH);
    assert!(diff(&realm, &inspect(&mut o)).is_empty());
    // `exclude_tables` leaves a table out.
    let options = InspectOptions { exclude_tables: vec!["events".into()], ..InspectOptions::default() };
    assert!(o.inspect(&options).unwrap().schemas[0].table("events").is_none());
    conn.unlock("inspect lock").unwrap();
}

#[test]
fn plans_create_everything_from_nothing_and_back() {
    let Some(server) = server() else { return };
    let p = converge(&server, "create", "", RICH);
    assert!(p.statements.iter().all(|s| !s.transactional));
    // Tables before the views that read them.
    let sql = sqls(&p);
    let at = |prefix: &str| sql.iter().position(|s| s.starts_with(prefix)).unwrap();
    assert!(at("CREATE TABLE `events`") < at("CREATE VIEW `recent`"));
    assert!(at("CREATE TABLE `agg`") < at("CREATE MATERIALIZED VIEW `counts` TO `agg`"));
    // And everything dropped again.
    let p = converge(&server, "dropall", RICH, "");
    assert!(p.statements.iter().filter(|s| s.sql.starts_with("DROP TABLE `events`")).all(|s| s.destructive));
    let sql = sqls(&p);
    let at = |prefix: &str| sql.iter().position(|s| s.starts_with(prefix)).unwrap();
    assert!(at("DROP TABLE `recent`") < at("DROP TABLE `events`"));
}

#[test]
fn plans_change_columns_in_place() {
    let Some(server) = server() else { return };
    let from = r"
CREATE TABLE t (
  id UInt64,
  gone String,
  retyped UInt8 DEFAULT 1,
  commented String COMMENT 'old',
  regen UInt64 MATERIALIZED id + 1,
  al String ALIAS toString(id)
) ENGINE = MergeTree ORDER BY id;
CREATE TABLE dropped (a UInt8) ENGINE = Memory;
CREATE VIEW v AS SELECT id FROM t
";
    let to = r"
CREATE TABLE t (
  id UInt64,
  added Nullable(String) COMMENT 'new',
  retyped UInt32 DEFAULT 7,
  commented String COMMENT 'new',
  regen UInt64 MATERIALIZED id + 2,
  also UInt64 MATERIALIZED id * 3,
  al String ALIAS concat(toString(id), 'x')
) ENGINE = MergeTree ORDER BY id;
CREATE TABLE created (a UInt8, b Array(String) DEFAULT ['x']) ENGINE = Log;
CREATE VIEW v AS SELECT id, retyped FROM t WHERE id > 0
";
    let p = converge(&server, "columns", from, to);
    let sql = sqls(&p);
    assert!(sql.contains(&"ALTER TABLE `t` DROP COLUMN `gone`"), "{sql:#?}");
    assert!(sql.contains(&"ALTER TABLE `t` ADD COLUMN `added` Nullable(String) AFTER `id`"), "{sql:#?}");
    assert!(sql.contains(&"ALTER TABLE `t` COMMENT COLUMN `added` 'new'"), "{sql:#?}");
    assert!(sql.contains(&"ALTER TABLE `t` ADD COLUMN `also` UInt64 MATERIALIZED id * 3 AFTER `regen`"), "{sql:#?}");
    assert!(sql.contains(&"ALTER TABLE `t` COMMENT COLUMN `commented` 'new'"), "{sql:#?}");
    assert!(sql.contains(&"DROP TABLE `dropped`"), "{sql:#?}");
    assert!(sql.contains(&"DROP TABLE `v`"), "{sql:#?}");
    let retype = p.statements.iter().find(|s| s.sql.contains("MODIFY COLUMN `retyped`")).unwrap();
    assert!(retype.rewrites_table && !retype.destructive && !retype.transactional, "{retype:?}");
    assert_eq!(retype.checks.len(), 1);
    let regen = p.statements.iter().find(|s| s.sql.contains("MODIFY COLUMN `regen`")).unwrap();
    assert!(!regen.rewrites_table);
    let gone = p.statements.iter().find(|s| s.sql.ends_with("DROP COLUMN `gone`")).unwrap();
    assert!(gone.destructive && gone.reverse == ["ALTER TABLE `t` ADD COLUMN `gone` String AFTER `id`"]);
    // Every ALTER carries one command.
    assert!(sql.iter().filter(|s| s.starts_with("ALTER")).all(|s| !s.contains(", ADD") && !s.contains(", DROP")));
}

#[test]
fn checks_guard_data() {
    let Some(server) = server() else { return };
    let db = TestDb::new(&server, "checks");
    let mut conn = db.open();
    script(
        &mut conn,
        "CREATE TABLE t (id UInt64, big UInt32, n Nullable(String)) ENGINE = MergeTree ORDER BY id;\n\
         INSERT INTO t VALUES (1, 300, NULL)",
    );
    let from = inspect(&mut conn);
    let mut to = from.clone();
    let t = &mut to.schemas[0].tables[0];
    t.columns[1].ty = "UInt8".into();
    t.columns.truncate(2);
    let p = plan(&diff(&from, &to), true);
    let verdicts: Vec<(String, Option<String>)> = p
        .statements
        .iter()
        .flat_map(|s| s.checks.iter().map(|c| (c.reason.clone(), c.sql.clone())).collect::<Vec<_>>())
        .map(|(reason, sql)| (reason, scalar(&mut conn, &sql)))
        .collect();
    // 300 does not fit UInt8; the NULL-only column holds nothing.
    assert!(
        verdicts.contains(&("every value of column \"big\" of table \"t\" fits UInt8".into(), Some("0".into()))),
        "{verdicts:?}"
    );
    assert!(verdicts.contains(&("column \"n\" of table \"t\" is empty".into(), Some("1".into()))), "{verdicts:?}");
    let drop = plan(
        &diff(
            &from,
            &Realm { schemas: vec![strata_dialect_api::Schema { name: db.name.clone(), ..Default::default() }] },
        ),
        true,
    );
    assert_eq!(scalar(&mut conn, &drop.statements[0].checks[0].sql).as_deref(), Some("0"));
}

#[test]
fn engine_and_key_changes_are_refused() {
    let Some(server) = server() else { return };
    let a = TestDb::new(&server, "keys_a");
    let b = TestDb::new(&server, "keys_b");
    let (mut ca, mut cb) = (a.open(), b.open());
    exec(&mut ca, "CREATE TABLE events (a UInt64, b UInt64) ENGINE = MergeTree ORDER BY (a)");
    exec(&mut cb, "CREATE TABLE events (a UInt64, b UInt64) ENGINE = MergeTree ORDER BY (a, b)");
    let changes = diff(&inspect(&mut ca), &inspect(&mut cb));
    let err = plan_changes(&changes, &PlanOptions::default()).unwrap_err();
    assert_eq!(err.kind, ErrorKind::Unsupported);
    assert_eq!(
        err.message,
        "table \"events\": ClickHouse cannot change the ORDER BY of a MergeTree table in place (from a to (a, b)); \
         create a new table and copy the rows"
    );
    exec(&mut cb, "DROP TABLE events");
    exec(&mut cb, "CREATE TABLE events (a UInt64, b UInt64) ENGINE = ReplacingMergeTree(b) ORDER BY a");
    let err = plan_changes(&diff(&inspect(&mut ca), &inspect(&mut cb)), &PlanOptions::default()).unwrap_err();
    assert!(err.message.contains("cannot change the engine of a MergeTree table"), "{}", err.message);
    exec(&mut cb, "DROP TABLE events");
    exec(&mut cb, "CREATE TABLE events (a UInt64, b UInt64) ENGINE = MergeTree PARTITION BY b % 4 ORDER BY a");
    let err = plan_changes(&diff(&inspect(&mut ca), &inspect(&mut cb)), &PlanOptions::default()).unwrap_err();
    assert!(err.message.contains("PARTITION BY") && err.message.contains("from none to b % 4"), "{}", err.message);
}

#[test]
fn renames_run() {
    let Some(server) = server() else { return };
    let db = TestDb::new(&server, "rename");
    let mut conn = db.open();
    exec(&mut conn, "CREATE TABLE old_name (a UInt8) ENGINE = Memory");
    let change = Change::RenameTable { schema: db.name.clone(), from: "old_name".into(), to: "new_name".into() };
    let p = plan(&[change], false);
    apply(&mut conn, &p);
    assert!(inspect(&mut conn).schemas[0].table("new_name").is_some());
    apply_reverse(&mut conn, &p);
    assert!(inspect(&mut conn).schemas[0].table("old_name").is_some());
}

#[test]
fn locks_exclude_other_sessions() {
    let Some(server) = server() else { return };
    let db = TestDb::new(&server, "locks");
    let (mut one, mut two) = (db.open(), db.open());
    one.lock("atlas_migrate_execute", Duration::from_secs(5)).unwrap();
    let started = Instant::now();
    let err = two.lock("atlas_migrate_execute", Duration::from_millis(300)).unwrap_err();
    assert!(started.elapsed() >= Duration::from_millis(300));
    assert_eq!(err.kind, ErrorKind::LockTimeout, "{}", err.message);
    assert!(
        err.message.contains("DROP TABLE") && err.message.contains("strata_lock_atlas_migrate_execute"),
        "{}",
        err.message
    );
    assert!(err.message.contains(&format!("process {}", std::process::id())), "{}", err.message);
    // Unlocking a lock another session holds leaves it alone.
    two.unlock("atlas_migrate_execute").unwrap();
    assert_eq!(two.lock("atlas_migrate_execute", Duration::ZERO).unwrap_err().kind, ErrorKind::LockTimeout);
    one.unlock("atlas_migrate_execute").unwrap();
    two.lock("atlas_migrate_execute", Duration::from_secs(5)).unwrap();
    // A lock goes with its connection.
    drop(two);
    one.lock("atlas_migrate_execute", Duration::from_secs(1)).unwrap();
    one.unlock("atlas_migrate_execute").unwrap();
    // Names that are not plain identifiers.
    one.lock("strata registry/é", Duration::ZERO).unwrap();
    assert!(inspect(&mut one).schemas[0].tables.is_empty());
    one.unlock("strata registry/é").unwrap();
    assert_eq!(
        scalar(&mut one, "SELECT count() FROM system.tables WHERE database = currentDatabase()").as_deref(),
        Some("0")
    );
}

#[test]
fn statements_stand_alone() {
    let Some(server) = server() else { return };
    let db = TestDb::new(&server, "tx");
    let mut conn = db.open();
    conn.begin().unwrap();
    exec(&mut conn, "CREATE TABLE t (a UInt8) ENGINE = Memory");
    assert!(conn.exec("STRATA IS NOT SQL", &[]).is_err());
    let err = conn.commit().unwrap_err();
    assert!(err.message.contains("cannot roll back") && err.message.contains("1 statement"), "{}", err.message);
    // What ran stays.
    assert!(inspect(&mut conn).schemas[0].table("t").is_some());
    conn.begin().unwrap();
    exec(&mut conn, "INSERT INTO t VALUES (1)");
    assert_eq!(conn.rollback().unwrap_err().kind, ErrorKind::Unsupported);
    conn.rollback().unwrap();
    conn.begin().unwrap();
    conn.commit().unwrap();
}

#[test]
fn bookkeeping_tables_take_appended_rows() {
    let Some(server) = server() else { return };
    let db = TestDb::new(&server, "book");
    let mut conn = db.open();
    for request in [RenderRequest::RevisionsTable { schema: None }, RenderRequest::HistoryTable { schema: None }] {
        let RenderReply::Statements { statements } = render(&request).unwrap() else { panic!() };
        for _ in 0..2 {
            for s in &statements {
                exec(&mut conn, s);
            }
        }
    }
    let RenderReply::Text { text: at } =
        render(&RenderRequest::TimestampValue { utc: "2026-01-02 03:04:05.123456+00:00".into() }).unwrap()
    else {
        panic!()
    };
    let insert = "INSERT INTO `atlas_schema_revisions` (version, description, type, applied, total, executed_at, \
                  execution_time, error, error_stmt, hash, partial_hashes, operator_version, seq, deleted) \
                  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    let row = |applied: i64, seq: i64| {
        vec![
            SqlValue::from("1"),
            SqlValue::from("it's a \"test\""),
            SqlValue::Int(2),
            SqlValue::Int(applied),
            SqlValue::Int(3),
            SqlValue::from(at.as_str()),
            SqlValue::Int(10),
            SqlValue::from("failed at 'x'"),
            SqlValue::Null,
            SqlValue::from("aGFzaA=="),
            SqlValue::Null,
            SqlValue::from("Strata"),
            SqlValue::Int(seq),
            SqlValue::Int(0),
        ]
    };
    assert_eq!(conn.exec(insert, &row(1, 1_700_000_000_000_000_001)).unwrap(), 0);
    conn.exec(insert, &row(2, 1_700_000_000_000_000_002)).unwrap();
    let got = rows(
        &mut conn,
        "SELECT description, applied, executed_at, error, error_stmt, seq FROM atlas_schema_revisions ORDER BY seq DESC",
    );
    assert_eq!(got.len(), 2);
    assert_eq!(
        got[0],
        [
            Some("it's a \"test\"".into()),
            Some("2".into()),
            Some("2026-01-02 03:04:05".into()),
            Some("failed at 'x'".into()),
            None,
            Some("1700000000000000002".into())
        ]
    );
    conn.exec(
        "INSERT INTO `atlas_schema_revisions` (version, seq, deleted) VALUES (?, ?, ?)",
        &[SqlValue::from("1"), SqlValue::Int(1_700_000_000_000_000_003), SqlValue::Int(1)],
    )
    .unwrap();
    assert_eq!(scalar(&mut conn, "SELECT argMax(deleted, seq) FROM atlas_schema_revisions").as_deref(), Some("1"));
    // Once merged, only the newest row of the version is left.
    exec(&mut conn, "OPTIMIZE TABLE atlas_schema_revisions FINAL");
    assert_eq!(scalar(&mut conn, "SELECT count() FROM atlas_schema_revisions").as_deref(), Some("1"));
    // The host's probe of a table that is not there.
    let err = conn.query("SELECT 1 FROM `strata_schema_historyx` WHERE 1 = 0", &[]).unwrap_err();
    assert_eq!(err.kind, ErrorKind::ObjectMissing);
}

#[test]
fn hostile_names_round_trip() {
    let Some(server) = server() else { return };
    let db = TestDb::new(&server, "names");
    let mut conn = db.open();
    let names = ["id", "select", "na\"me", "it's `tick`", "back\\slash", "tab\there", "nest.x"];
    let column = |n: &str| strata_dialect_api::Column {
        name: n.into(),
        ty: if n.starts_with("nest.") { "Array(UInt8)".into() } else { "String".into() },
        comment: Some(format!("about {n}")),
        ..Default::default()
    };
    // A model that names no engine gets `MergeTree ORDER BY tuple()`.
    let table = strata_dialect_api::Table {
        name: "strata \"Mixed\" 'q' `x` \\".into(),
        columns: names.iter().map(|n| column(n)).collect(),
        ..Default::default()
    };
    let base = inspect(&mut conn);
    let mut want = base.clone();
    want.schemas[0].tables.push(table.clone());
    apply(&mut conn, &plan(&diff(&base, &want), true));
    let got = inspect(&mut conn);
    let t = got.schemas[0].table(&table.name).unwrap();
    assert_eq!(t.columns.iter().map(|c| c.name.as_str()).collect::<Vec<_>>(), names);
    assert!(t.columns.iter().all(|c| c.comment.as_deref() == Some(&format!("about {}", c.name))));
    let mut more = got.clone();
    more.schemas[0].tables[0].columns.push(column("more \"q\" 'x' `y` \\z"));
    apply(&mut conn, &plan(&diff(&got, &more), true));
    assert!(diff(&inspect(&mut conn), &more).is_empty());
    // A view over it, by the quoted names.
    let view = strata_dialect_api::View {
        name: "v 'w'".into(),
        def: format!("SELECT {} FROM {}", quote("it's `tick`"), quote(&table.name)),
        attrs: vec![],
    };
    let mut with_view = more.clone();
    with_view.schemas[0].views.push(view);
    apply(&mut conn, &plan(&diff(&more, &with_view), true));
    let now = inspect(&mut conn);
    assert!(diff(&now, &with_view).is_empty(), "{:?}", now.schemas[0].views);
}
