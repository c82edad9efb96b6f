//! Round trips on real in-memory SQLite databases: plan the diff from a start
//! schema to a target, apply it, check that nothing is left to diff, then apply
//! the reverse statements and check that the start schema is back.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::rows;
use rusqlite::Connection;
use strata_dialect_api::{Change, DiffOptions, InspectOptions, Plan, PlanOptions, Realm};
use strata_sqlite::{diff_realm, inspect_realm, plan_changes};

const RICH: &str = "
CREATE TABLE users (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  email VARCHAR(255) NOT NULL COLLATE NOCASE UNIQUE,
  name TEXT DEFAULT 'anon',
  created_at DATETIME DEFAULT CURRENT_TIMESTAMP,
  score REAL DEFAULT (0.5 * 2),
  CONSTRAINT email_len CHECK (length(email) > 3)
);
CREATE TABLE posts (
  user_id INTEGER NOT NULL,
  slug TEXT NOT NULL,
  body TEXT,
  words INT GENERATED ALWAYS AS (length(body)) VIRTUAL,
  upper_slug TEXT AS (upper(slug)) STORED,
  PRIMARY KEY (user_id, slug DESC),
  CONSTRAINT fk_user FOREIGN KEY (user_id) REFERENCES users(id) ON DELETE CASCADE ON UPDATE NO ACTION DEFERRABLE INITIALLY DEFERRED,
  UNIQUE (slug, body)
);
CREATE INDEX posts_body ON posts (lower(body) DESC, slug COLLATE NOCASE) WHERE body IS NOT NULL;
CREATE UNIQUE INDEX users_name ON users (name);
CREATE TABLE kv (k TEXT PRIMARY KEY, v BLOB) WITHOUT ROWID;
CREATE TABLE strict_t (a INTEGER, b TEXT) STRICT;
CREATE TABLE tags (id INTEGER PRIMARY KEY, post_user INTEGER REFERENCES users, label TEXT CHECK (label <> ''));
CREATE VIEW user_posts AS SELECT u.email, p.slug FROM users u JOIN posts p ON p.user_id = u.id;
CREATE VIEW recent AS SELECT * FROM user_posts;
CREATE TRIGGER posts_touch AFTER UPDATE ON posts BEGIN
  UPDATE users SET name = name WHERE id = NEW.user_id;
  SELECT CASE WHEN NEW.body IS NULL THEN RAISE(IGNORE) END;
END;
CREATE TRIGGER user_posts_ins INSTEAD OF INSERT ON user_posts BEGIN SELECT 1; END;
";

/// A variant of RICH: columns added, dropped and changed, an index and a check
/// missing, a view and a trigger written differently, an extra table.
const RICH_VARIANT: &str = "
CREATE TABLE users (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  email VARCHAR(100) NOT NULL UNIQUE,
  name TEXT DEFAULT 'anon',
  legacy TEXT,
  created_at DATETIME DEFAULT CURRENT_TIMESTAMP
);
CREATE TABLE posts (
  user_id INTEGER NOT NULL,
  slug TEXT NOT NULL,
  body TEXT,
  PRIMARY KEY (user_id, slug),
  FOREIGN KEY (user_id) REFERENCES users(id)
);
CREATE TABLE kv (k TEXT PRIMARY KEY, v TEXT) WITHOUT ROWID;
CREATE TABLE strict_t (a INTEGER, b TEXT, c INT) STRICT;
CREATE TABLE tags (id INTEGER PRIMARY KEY, post_user INTEGER REFERENCES users, label TEXT CHECK (label <> ''));
CREATE TABLE gone (x INT);
CREATE INDEX gone_x ON gone (x);
CREATE VIEW user_posts AS SELECT u.email FROM users u JOIN posts p ON p.user_id = u.id;
CREATE TRIGGER posts_touch AFTER INSERT ON posts BEGIN SELECT 1; END;
CREATE TRIGGER user_posts_ins INSTEAD OF INSERT ON user_posts BEGIN SELECT 1; END;
";

fn db(ddl: &str) -> Connection {
    let conn = Connection::open_in_memory().unwrap();
    conn.execute_batch(ddl).unwrap();
    conn
}

fn inspect(conn: &Connection) -> Realm {
    inspect_realm(conn, &InspectOptions::default()).unwrap()
}

fn diff(from: &Realm, to: &Realm) -> Vec<Change> {
    diff_realm(from, to, &DiffOptions::default()).unwrap()
}

fn plan(from: &Realm, to: &Realm) -> Plan {
    plan_changes(&diff(from, to), &PlanOptions { checks: true, ..PlanOptions::default() }).unwrap()
}

fn exec(conn: &Connection, sql: &str) {
    conn.execute_batch(sql).unwrap_or_else(|e| panic!("executing {sql}: {e}"));
}

fn assert_synced(conn: &Connection, want: &Realm, what: &str) {
    let changes = diff(&inspect(conn), want);
    assert!(changes.is_empty(), "{what}: drift left: {changes:#?}");
}

/// Plans start → target on a fresh database, applies it (in one transaction when
/// `tx`), checks the result, then applies the reverse and checks the start.
fn round_trip(start: &str, target: &str, tx: bool) {
    let want = inspect(&db(target));
    let b = db(start);
    if tx {
        exec(&b, "PRAGMA foreign_keys = on");
    }
    let before = inspect(&b);
    let plan = plan(&before, &want);
    assert!(!plan.statements.is_empty() || start == target);
    if tx {
        exec(&b, "BEGIN");
    }
    for s in &plan.statements {
        assert!(!s.sql.ends_with(';'), "{}", s.sql);
        assert!(s.transactional);
        exec(&b, &s.sql);
    }
    if tx {
        exec(&b, "COMMIT");
    }
    assert_synced(&b, &want, "forward");
    if tx {
        exec(&b, "BEGIN");
    }
    for s in plan.statements.iter().rev() {
        for r in &s.reverse {
            exec(&b, r);
        }
    }
    if tx {
        exec(&b, "COMMIT");
    }
    assert_synced(&b, &before, "reverse");
}

#[test]
fn inspect_reports_what_was_declared() {
    let realm = inspect(&db(RICH));
    let schema = realm.schema("main").unwrap();
    let names: Vec<&str> = schema.tables.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(names, ["kv", "posts", "strict_t", "tags", "users"]);
    let users = schema.table("users").unwrap();
    assert_eq!(users.column("email").unwrap().ty, "varchar(255)");
    assert_eq!(users.column("email").unwrap().collation.as_deref(), Some("NOCASE"));
    assert!(!users.column("email").unwrap().nullable);
    assert!(users.column("id").unwrap().nullable, "a PRIMARY KEY column is reported as declared");
    assert_eq!(users.column("score").unwrap().default.as_deref(), Some("0.5 * 2"));
    assert_eq!(users.primary_key.as_ref().unwrap().attrs, [strata_dialect_api::Attr::AutoIncrement]);
    assert_eq!(users.checks[0].name.as_deref(), Some("email_len"));
    assert_eq!(users.indexes.len(), 2, "{:?}", users.indexes);
    let posts = schema.table("posts").unwrap();
    let pk = posts.primary_key.as_ref().unwrap();
    assert_eq!(pk.parts.len(), 2);
    assert!(pk.parts[1].desc);
    let fk = &posts.foreign_keys[0];
    assert_eq!(fk.name.as_deref(), Some("fk_user"));
    assert_eq!(fk.on_delete.as_deref(), Some("CASCADE"));
    assert_eq!(fk.on_update, None);
    assert_eq!(fk.deferrable.as_deref(), Some("DEFERRABLE INITIALLY DEFERRED"));
    let words = posts.column("words").unwrap().generated.as_ref().unwrap();
    assert_eq!((words.expr.as_str(), words.stored), ("length(body)", false));
    assert!(posts.column("upper_slug").unwrap().generated.as_ref().unwrap().stored);
    let idx = posts.index("posts_body").unwrap();
    assert_eq!(idx.parts[0].expr.as_deref(), Some("lower(body)"));
    assert!(idx.parts[0].desc);
    assert_eq!(idx.parts[1].collation.as_deref(), Some("NOCASE"));
    assert_eq!(idx.predicate.as_deref(), Some("body IS NOT NULL"));
    assert_eq!(schema.table("kv").unwrap().attrs, [strata_dialect_api::Attr::WithoutRowid]);
    assert_eq!(schema.table("strict_t").unwrap().attrs, [strata_dialect_api::Attr::Strict]);
    assert_eq!(schema.table("tags").unwrap().foreign_keys[0].ref_columns, ["id"]);
    assert_eq!(schema.views.iter().map(|v| v.name.as_str()).collect::<Vec<_>>(), ["recent", "user_posts"]);
    assert_eq!(schema.triggers[0].table, "posts");

    let excluded =
        inspect_realm(&db(RICH), &InspectOptions { exclude_tables: vec!["kv".into()], ..InspectOptions::default() })
            .unwrap();
    assert!(excluded.schemas[0].table("kv").is_none());
}

#[test]
fn inspected_schema_diffs_empty_against_itself() {
    assert!(diff(&inspect(&db(RICH)), &inspect(&db(RICH))).is_empty());
}

#[test]
fn round_trip_from_empty() {
    round_trip("", RICH, false);
}

#[test]
fn round_trip_to_empty() {
    round_trip(RICH, "", false);
}

#[test]
fn round_trip_between_variants() {
    round_trip(RICH_VARIANT, RICH, false);
    round_trip(RICH, RICH_VARIANT, false);
}

#[test]
fn round_trip_in_a_transaction_with_foreign_keys_on() {
    round_trip("", RICH, true);
    round_trip(RICH_VARIANT, RICH, true);
}

#[test]
fn round_trip_alterable_changes() {
    let start = "CREATE TABLE t (a INT, b TEXT, c INT); CREATE INDEX t_b ON t (b);";
    let target = "CREATE TABLE t (a INT, b TEXT, d INT NOT NULL DEFAULT 3, e TEXT); CREATE INDEX t_a ON t (a DESC);";
    let want = inspect(&db(target));
    let plan = plan(&inspect(&db(start)), &want);
    assert!(plan.statements.iter().all(|s| !s.rewrites_table), "{:#?}", plan.statements);
    round_trip(start, target, false);
}

fn apply(conn: &Connection, plan: &Plan, tx: bool) {
    if tx {
        exec(conn, "BEGIN");
    }
    for s in &plan.statements {
        exec(conn, &s.sql);
    }
    if tx {
        exec(conn, "COMMIT");
    }
}

#[test]
fn rebuild_keeps_rows() {
    let b = db("CREATE TABLE t (a INT, b TEXT, c INT, PRIMARY KEY (a, c)); CREATE INDEX t_b ON t (b);
                INSERT INTO t VALUES (1, 'one', 10), (2, NULL, 20), (3, 'three', 30);");
    let target = "CREATE TABLE t (a INTEGER NOT NULL, b VARCHAR(10) NOT NULL DEFAULT 'none', n INT NOT NULL DEFAULT 7,
                  CHECK (a > 0), PRIMARY KEY (a)); CREATE INDEX t_b ON t (b);";
    let want = inspect(&db(target));
    let plan = plan(&inspect(&b), &want);
    let drop = plan.statements.iter().find(|s| s.sql == "DROP TABLE `t`").unwrap();
    assert!(drop.destructive, "dropping column c loses data");
    assert_eq!(drop.checks[0].sql, "SELECT NOT EXISTS (SELECT 1 FROM `t` WHERE `c` IS NOT NULL) AS `is_empty`");
    apply(&b, &plan, false);
    assert_synced(&b, &want, "rebuild");
    assert_eq!(
        rows(&b, "SELECT a, b, n FROM t ORDER BY a"),
        [["1", "one", "7"], ["2", "none", "7"], ["3", "three", "7"]]
    );
    // The index came back with the table.
    assert_eq!(rows(&b, "SELECT name FROM sqlite_master WHERE type = 'index' AND name = 't_b'"), [["t_b"]]);
}

#[test]
fn rebuild_of_a_referenced_table_inside_a_transaction() {
    let b = db("CREATE TABLE p (id INTEGER PRIMARY KEY, name TEXT);
                CREATE TABLE c (id INTEGER PRIMARY KEY, p_id INTEGER REFERENCES p(id));
                CREATE VIEW pv AS SELECT name FROM p;
                CREATE TRIGGER p_ins AFTER INSERT ON p BEGIN SELECT 1; END;
                INSERT INTO p VALUES (1, 'a'), (2, NULL);
                INSERT INTO c VALUES (1, 1), (2, 2);");
    exec(&b, "PRAGMA foreign_keys = on");
    let target = "CREATE TABLE p (id INTEGER PRIMARY KEY, name TEXT NOT NULL DEFAULT '' CHECK (length(name) >= 0));
                  CREATE TABLE c (id INTEGER PRIMARY KEY, p_id INTEGER REFERENCES p(id));
                  CREATE VIEW pv AS SELECT name FROM p;
                  CREATE TRIGGER p_ins AFTER INSERT ON p BEGIN SELECT 1; END;";
    let want = inspect(&db(target));
    let before = inspect(&b);
    let plan = plan(&before, &want);
    apply(&b, &plan, true);
    assert_synced(&b, &want, "rebuild in a transaction");
    assert_eq!(rows(&b, "SELECT id, p_id FROM c ORDER BY id"), [["1", "1"], ["2", "2"]]);
    assert_eq!(rows(&b, "SELECT id, name FROM p ORDER BY id"), [["1", "a"], ["2", ""]]);
    assert_eq!(rows(&b, "SELECT count(*) FROM pragma_foreign_key_check"), [["0"]]);
    // Enforcement is still on.
    assert!(b.execute_batch("INSERT INTO c VALUES (3, 99)").is_err());

    // A rebuild that changes the referenced keys fails at COMMIT instead of orphaning rows.
    let b2 = db("CREATE TABLE p (id INTEGER PRIMARY KEY, name TEXT);
                 CREATE TABLE c (id INTEGER PRIMARY KEY, p_id INTEGER REFERENCES p(id));
                 INSERT INTO p VALUES (1, 'a'); INSERT INTO c VALUES (1, 1);");
    exec(&b2, "PRAGMA foreign_keys = on");
    exec(&b2, "BEGIN");
    for s in &plan.statements {
        if s.sql.starts_with("INSERT INTO `p`") {
            continue;
        }
        if s.sql.contains("VIEW") || s.sql.contains("TRIGGER") {
            continue;
        }
        exec(&b2, &s.sql);
    }
    assert!(b2.execute_batch("COMMIT").is_err());
}

#[test]
fn checks_guard_destructive_statements() {
    let b = db("CREATE TABLE logs (x INT); INSERT INTO logs VALUES (1);");
    let plan = plan(&inspect(&b), &inspect(&db("")));
    let drop = plan.statements.iter().find(|s| s.destructive).unwrap();
    assert_eq!(drop.checks[0].reason, "table \"logs\" is empty");
    let ok: bool = b.query_row(&drop.checks[0].sql, [], |r| r.get(0)).unwrap();
    assert!(!ok);
}

#[test]
fn rebuild_keeps_the_primary_key_constraint_name() {
    for (start, target) in [
        (
            "CREATE TABLE users (id INTEGER, name TEXT, CONSTRAINT pk_users PRIMARY KEY (id));",
            "CREATE TABLE users (id INTEGER, name TEXT NOT NULL DEFAULT '', CONSTRAINT pk_users PRIMARY KEY (id));",
        ),
        (
            "CREATE TABLE users (id INTEGER CONSTRAINT pk_users PRIMARY KEY AUTOINCREMENT, name TEXT);",
            "CREATE TABLE users (id INTEGER CONSTRAINT pk_users PRIMARY KEY AUTOINCREMENT, \
             name TEXT NOT NULL DEFAULT '');",
        ),
    ] {
        let b = db(start);
        exec(&b, "INSERT INTO users (id, name) VALUES (1, 'a'), (2, NULL)");
        let pk = inspect(&b).schemas[0].tables[0].primary_key.clone().unwrap();
        assert_eq!(pk.name.as_deref(), Some("pk_users"), "{start}");
        let want = inspect(&db(target));
        let plan = plan(&inspect(&b), &want);
        assert!(plan.statements.iter().any(|s| s.sql == "DROP TABLE `users`"), "a rebuild: {plan:#?}");
        apply(&b, &plan, true);
        assert_synced(&b, &want, "rebuild");
        let sql = rows(&b, "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'users'");
        assert!(sql[0][0].contains("CONSTRAINT `pk_users` PRIMARY KEY"), "{}", sql[0][0]);
        let pk = inspect(&b).schemas[0].tables[0].primary_key.clone().unwrap();
        assert_eq!(pk.name.as_deref(), Some("pk_users"));
        assert_eq!(rows(&b, "SELECT id, name FROM users ORDER BY id"), [["1", "a"], ["2", ""]]);
    }
    // A name on another column constraint is not the key's.
    let b = db("CREATE TABLE t (id INTEGER CONSTRAINT nn NOT NULL PRIMARY KEY)");
    assert_eq!(inspect(&b).schemas[0].tables[0].primary_key.clone().unwrap().name, None);
}

/// Plans the database's schema → `target` from the catalog and runs the plan in
/// one transaction with foreign keys enforced, as `schema apply` and
/// `migrate down` do; then nothing is left to diff and no key is violated.
fn migrate(conn: &Connection, target: &str) {
    let want = inspect(&db(target));
    let plan = plan(&inspect(conn), &want);
    exec(conn, "PRAGMA foreign_keys = on");
    apply(conn, &plan, true);
    assert_synced(conn, &want, target);
    assert_eq!(rows(conn, "SELECT count(*) FROM pragma_foreign_key_check"), [["0"]]);
    assert_eq!(rows(conn, "PRAGMA foreign_keys"), [["1"]]);
}

fn indexes(conn: &Connection) -> Vec<Vec<String>> {
    rows(
        conn,
        "SELECT name, tbl_name FROM sqlite_master WHERE type = 'index' AND name NOT LIKE 'sqlite_%' ORDER BY name",
    )
}

fn tables(conn: &Connection) -> Vec<Vec<String>> {
    rows(conn, "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
}

fn columns(conn: &Connection, table: &str) -> Vec<Vec<String>> {
    rows(conn, &format!("SELECT name FROM pragma_table_xinfo('{table}') ORDER BY cid"))
}

fn foreign_keys(conn: &Connection, table: &str) -> Vec<Vec<String>> {
    rows(
        conn,
        &format!(
            "SELECT \"table\", \"from\", \"to\", on_delete FROM pragma_foreign_key_list('{table}') ORDER BY id, seq"
        ),
    )
}

#[test]
fn a_renamed_table_keeps_its_index_name() {
    let start = "CREATE TABLE users (id INTEGER PRIMARY KEY, note TEXT); CREATE INDEX ix_users ON users (note);";
    let target = "CREATE TABLE users_v2 (id INTEGER PRIMARY KEY, note TEXT); CREATE INDEX ix_users ON users_v2 (note);";
    let b = db(start);
    migrate(&b, target);
    assert_eq!(tables(&b), [["users_v2"]]);
    assert_eq!(indexes(&b), [["ix_users", "users_v2"]]);
    migrate(&b, start);
    assert_eq!(indexes(&b), [["ix_users", "users"]]);
}

#[test]
fn a_parent_key_dropped_with_the_key_using_it_rebuilds_the_child_first() {
    let start = "CREATE TABLE parent (id INTEGER PRIMARY KEY, code TEXT UNIQUE, name TEXT);
                 CREATE TABLE child (id INTEGER PRIMARY KEY, parent_code TEXT REFERENCES parent (code), parent_id INT);";
    let target = "CREATE TABLE parent (id INTEGER PRIMARY KEY, name TEXT);
                  CREATE TABLE child (id INTEGER PRIMARY KEY, parent_code TEXT, parent_id INT REFERENCES parent (id));";
    let b = db(start);
    exec(
        &b,
        "INSERT INTO parent VALUES (1, 'a', 'one'), (2, 'b', 'two'); INSERT INTO child VALUES (1, 'a', 1), (2, NULL, 2);",
    );
    let plan = plan(&inspect(&b), &inspect(&db(target)));
    let position = |sql: &str| plan.statements.iter().position(|s| s.sql == sql).unwrap();
    assert!(position("DROP TABLE `child`") < position("DROP TABLE `parent`"));
    // Enforcement cannot be switched off inside a transaction: checks are deferred instead.
    assert_eq!(plan.statements[1].sql, "PRAGMA defer_foreign_keys = on");
    migrate(&b, target);
    assert_eq!(columns(&b, "parent"), [["id"], ["name"]]);
    assert_eq!(foreign_keys(&b, "child"), [["parent", "parent_id", "id", "NO ACTION"]]);
    assert_eq!(rows(&b, "SELECT id, name FROM parent ORDER BY id"), [["1", "one"], ["2", "two"]]);
    assert_eq!(
        rows(&b, "SELECT id, parent_code, parent_id FROM child ORDER BY id"),
        [["1", "a", "1"], ["2", "NULL", "2"]]
    );

    // And back (what migrate down plans): the parent gets its key column before the child uses it.
    exec(&b, "UPDATE child SET parent_code = NULL");
    migrate(&b, start);
    assert_eq!(columns(&b, "parent"), [["id"], ["code"], ["name"]]);
    assert_eq!(foreign_keys(&b, "child"), [["parent", "parent_code", "code", "NO ACTION"]]);
    assert_eq!(rows(&b, "SELECT id, parent_id FROM child ORDER BY id"), [["1", "1"], ["2", "2"]]);
}

#[test]
fn a_rebuilt_parent_keeps_the_rows_its_children_would_delete_or_null() {
    let start = "CREATE TABLE parent (id INTEGER PRIMARY KEY, name TEXT);
                 CREATE TABLE cascades (id INTEGER PRIMARY KEY, p INT REFERENCES parent (id) ON DELETE CASCADE);
                 CREATE TABLE nulls (id INTEGER PRIMARY KEY, p INT REFERENCES parent (id) ON DELETE SET NULL);
                 CREATE TABLE defaults (id INTEGER PRIMARY KEY, p INT DEFAULT 2 REFERENCES parent (id) ON DELETE SET DEFAULT);
                 CREATE TABLE restricts (id INTEGER PRIMARY KEY, p INT REFERENCES parent (id) ON DELETE RESTRICT);
                 CREATE TABLE grandchild (id INTEGER PRIMARY KEY, c INT REFERENCES cascades (id) ON DELETE CASCADE);
                 CREATE TABLE log (what TEXT);
                 CREATE TRIGGER cascades_ins AFTER INSERT ON cascades BEGIN INSERT INTO log VALUES ('insert'); END;";
    let target = &start.replace("name TEXT", "name TEXT NOT NULL DEFAULT ''");
    let b = db(start);
    exec(
        &b,
        "INSERT INTO parent VALUES (1, 'a'), (2, NULL);
              INSERT INTO cascades VALUES (1, 1); INSERT INTO nulls VALUES (1, 1); INSERT INTO defaults VALUES (1, 1);
              INSERT INTO restricts VALUES (1, 1); INSERT INTO grandchild VALUES (1, 1);",
    );
    assert_eq!(rows(&b, "SELECT count(*) FROM log"), [["1"]]);
    migrate(&b, target);
    assert_eq!(rows(&b, "SELECT id, name FROM parent ORDER BY id"), [["1", "a"], ["2", ""]]);
    for table in ["cascades", "nulls", "defaults", "restricts"] {
        assert_eq!(rows(&b, &format!("SELECT id, p FROM {table}")), [["1", "1"]], "{table}");
    }
    assert_eq!(rows(&b, "SELECT id, c FROM grandchild"), [["1", "1"]]);
    assert_eq!(foreign_keys(&b, "cascades"), [["parent", "p", "id", "CASCADE"]]);
    // The trigger on a child rebuilt with it is back, and copying rows back did not fire it.
    assert_eq!(
        rows(&b, "SELECT name, tbl_name FROM sqlite_master WHERE type = 'trigger'"),
        [["cascades_ins", "cascades"]]
    );
    assert_eq!(rows(&b, "SELECT count(*) FROM log"), [["1"]]);
    // The actions still work afterwards.
    let err = b.execute_batch("DELETE FROM parent WHERE id = 1").unwrap_err();
    assert_eq!(err.to_string(), "FOREIGN KEY constraint failed", "restricts still restricts");
    exec(&b, "DELETE FROM restricts; DELETE FROM parent WHERE id = 1");
    assert_eq!(rows(&b, "SELECT count(*) FROM grandchild"), [["0"]]);
    assert_eq!(rows(&b, "SELECT id, p FROM nulls"), [["1", "NULL"]]);
    assert_eq!(rows(&b, "SELECT id, p FROM defaults"), [["1", "2"]]);
}

#[test]
fn a_foreign_key_to_a_table_created_in_the_same_plan() {
    let start = "CREATE TABLE orders (id INTEGER PRIMARY KEY, customer INT);";
    // `orders` is rebuilt with a key to a new table, itself referencing a newer one.
    let target = "CREATE TABLE orders (id INTEGER PRIMARY KEY, customer INT REFERENCES customers (id));
                  CREATE TABLE customers (id INTEGER PRIMARY KEY, region INT REFERENCES regions (id));
                  CREATE TABLE regions (id INTEGER PRIMARY KEY);";
    let b = db(start);
    exec(&b, "INSERT INTO orders VALUES (1, NULL)");
    migrate(&b, target);
    assert_eq!(foreign_keys(&b, "orders"), [["customers", "customer", "id", "NO ACTION"]]);
    assert_eq!(foreign_keys(&b, "customers"), [["regions", "region", "id", "NO ACTION"]]);
    assert_eq!(rows(&b, "SELECT id, customer FROM orders"), [["1", "NULL"]]);
    migrate(&b, start);
    assert_eq!(tables(&b), [["orders"]]);
    assert_eq!(rows(&b, "SELECT id FROM orders"), [["1"]]);
}

#[test]
fn renaming_the_only_column_adds_before_it_drops() {
    let b = db("CREATE TABLE t (a TEXT); INSERT INTO t VALUES ('x');");
    let plan = plan(&inspect(&b), &inspect(&db("CREATE TABLE t (b TEXT);")));
    assert!(plan.statements.iter().all(|s| !s.rewrites_table));
    migrate(&b, "CREATE TABLE t (b TEXT);");
    assert_eq!(columns(&b, "t"), [["b"]]);
    assert_eq!(rows(&b, "SELECT count(*) FROM t"), [["1"]]);
}

#[test]
fn an_index_follows_its_column_renamed() {
    let start =
        "CREATE TABLE t (id INT, a TEXT); CREATE INDEX ix ON t (a); CREATE INDEX ix2 ON t (id) WHERE a IS NOT NULL;";
    let target =
        "CREATE TABLE t (id INT, b TEXT); CREATE INDEX ix ON t (b); CREATE INDEX ix2 ON t (id) WHERE b IS NOT NULL;";
    let b = db(start);
    exec(&b, "INSERT INTO t VALUES (1, NULL)");
    migrate(&b, target);
    assert_eq!(columns(&b, "t"), [["id"], ["b"]]);
    assert_eq!(rows(&b, "SELECT name FROM pragma_index_info('ix')"), [["b"]]);
    migrate(&b, start);
    assert_eq!(rows(&b, "SELECT name FROM pragma_index_info('ix')"), [["a"]]);
}

#[test]
fn two_tables_swap_names_and_indexes() {
    let start = "CREATE TABLE a (x INT, y INT NOT NULL DEFAULT 0); CREATE INDEX ix_a ON a (x);
                 CREATE TABLE b (z TEXT UNIQUE); CREATE INDEX ix_b ON b (z);";
    let target = "CREATE TABLE b (x INT, y INT NOT NULL DEFAULT 0); CREATE INDEX ix_a ON b (x);
                  CREATE TABLE a (z TEXT UNIQUE); CREATE INDEX ix_b ON a (z);";
    let b = db(start);
    migrate(&b, target);
    assert_eq!(indexes(&b), [["ix_a", "b"], ["ix_b", "a"]]);
    assert_eq!(columns(&b, "a"), [["z"]]);
    migrate(&b, start);
    assert_eq!(indexes(&b), [["ix_a", "a"], ["ix_b", "b"]]);
}

#[test]
fn views_over_a_rebuilt_table() {
    let start = "CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT, b TEXT);
                 CREATE VIEW kept AS SELECT id FROM t;
                 CREATE VIEW changed AS SELECT id, b FROM t;
                 CREATE VIEW over AS SELECT * FROM changed;
                 CREATE TRIGGER t_upd AFTER UPDATE ON t BEGIN SELECT 1; END;
                 CREATE TABLE other (k TEXT, gone TEXT);";
    // `t` loses `b` (a rebuild: a check is added), the views using it change;
    // `other` drops a column with ALTER, which re-reads every view in the schema.
    let target = "CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT CHECK (a <> ''));
                  CREATE VIEW kept AS SELECT id FROM t;
                  CREATE VIEW changed AS SELECT id, a FROM t;
                  CREATE VIEW over AS SELECT * FROM changed;
                  CREATE TRIGGER t_upd AFTER UPDATE ON t BEGIN SELECT 1; END;
                  CREATE TABLE other (k TEXT);";
    let b = db(start);
    exec(&b, "INSERT INTO t VALUES (1, 'x', 'y')");
    migrate(&b, target);
    assert_eq!(columns(&b, "t"), [["id"], ["a"]]);
    assert_eq!(rows(&b, "SELECT * FROM over"), [["1", "x"]]);
    assert_eq!(rows(&b, "SELECT name, tbl_name FROM sqlite_master WHERE type = 'trigger'"), [["t_upd", "t"]]);
    migrate(&b, start);
    assert_eq!(rows(&b, "SELECT * FROM over"), [["1", "NULL"]]);
}

#[test]
fn a_dropped_table_referenced_by_a_rebuilt_one() {
    let start = "CREATE TABLE p (id INTEGER PRIMARY KEY);
                 CREATE TABLE c (id INTEGER PRIMARY KEY, p INT REFERENCES p (id));";
    let target = "CREATE TABLE c (id INTEGER PRIMARY KEY, p INT);";
    let b = db(start);
    exec(&b, "INSERT INTO p VALUES (1); INSERT INTO c VALUES (1, 1);");
    let plan = plan(&inspect(&b), &inspect(&db(target)));
    let position = |sql: &str| plan.statements.iter().position(|s| s.sql == sql).unwrap();
    assert!(position("DROP TABLE `c`") < position("DROP TABLE `p`"));
    migrate(&b, target);
    assert_eq!(tables(&b), [["c"]]);
    assert_eq!(foreign_keys(&b, "c"), Vec::<Vec<String>>::new());
    assert_eq!(rows(&b, "SELECT id, p FROM c"), [["1", "1"]]);
}

#[test]
fn two_tables_referencing_each_other_rebuilt_together() {
    let start = "CREATE TABLE users (id INTEGER PRIMARY KEY, account INT REFERENCES accounts (id) ON DELETE SET NULL, flag REAL);
                 CREATE TABLE accounts (id INTEGER PRIMARY KEY, owner INT REFERENCES users (id) ON DELETE CASCADE, name TEXT);";
    let target = "CREATE TABLE users (id INTEGER PRIMARY KEY, account INT REFERENCES accounts (id) ON DELETE SET NULL, flag REAL UNIQUE);
                  CREATE TABLE accounts (id INTEGER PRIMARY KEY, owned_by INT REFERENCES users (id) ON DELETE CASCADE, name TEXT);";
    let b = db(start);
    exec(
        &b,
        "INSERT INTO users VALUES (1, NULL, 0.5); INSERT INTO accounts VALUES (1, 1, 'a'); UPDATE users SET account = 1;",
    );
    migrate(&b, target);
    assert_eq!(foreign_keys(&b, "accounts"), [["users", "owned_by", "id", "CASCADE"]]);
    assert_eq!(rows(&b, "SELECT id, account, flag FROM users"), [["1", "1", "0.5"]]);
    assert_eq!(rows(&b, "SELECT id, name FROM accounts"), [["1", "a"]]);
    migrate(&b, start);
    assert_eq!(rows(&b, "SELECT id, account FROM users"), [["1", "1"]]);
    assert_eq!(rows(&b, "SELECT id, name FROM accounts"), [["1", "a"]]);
}

#[test]
fn dropping_tables_in_a_foreign_key_cycle_and_a_table_one_references() {
    let start = "CREATE TABLE accounts (id INTEGER PRIMARY KEY);
                 CREATE TABLE items (id INTEGER PRIMARY KEY, other INT REFERENCES others (id) ON DELETE CASCADE);
                 CREATE TABLE others (id INTEGER PRIMARY KEY, item INT REFERENCES items (id) ON DELETE CASCADE,
                                      account INT REFERENCES accounts (id) ON DELETE CASCADE);";
    let b = db(start);
    exec(
        &b,
        "INSERT INTO accounts VALUES (1); INSERT INTO items VALUES (1, NULL); INSERT INTO others VALUES (1, 1, 1);
              UPDATE items SET other = 1;",
    );
    migrate(&b, "");
    assert_eq!(tables(&b), Vec::<Vec<String>>::new());
}

#[test]
fn a_dropped_table_referencing_a_rebuilt_one_that_loses_the_key() {
    // notes and items reference each other; notes goes, items renames the column notes referenced.
    let start = "CREATE TABLE notes (id INTEGER PRIMARY KEY, item INT REFERENCES items (id));
                 CREATE TABLE items (id INTEGER PRIMARY KEY, note INT REFERENCES notes (id), body TEXT);";
    let target = "CREATE TABLE items (id_2 INTEGER PRIMARY KEY, note INT, body TEXT);";
    let b = db(start);
    exec(&b, "INSERT INTO items VALUES (1, NULL, 'x')");
    let plan = plan(&inspect(&b), &inspect(&db(target)));
    let position = |prefix: &str| plan.statements.iter().position(|s| s.sql.starts_with(prefix)).unwrap();
    assert!(position("DROP TABLE `notes`") < position("INSERT INTO `items`"));
    migrate(&b, target);
    assert_eq!(tables(&b), [["items"]]);
    assert_eq!(columns(&b, "items"), [["id_2"], ["note"], ["body"]]);
    assert_eq!(rows(&b, "SELECT note, body FROM items"), [["NULL", "x"]]);
}
