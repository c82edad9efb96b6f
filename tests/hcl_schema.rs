//! Atlas's schema HCL as a desired state: `schema apply`, `schema diff` and
//! `migrate diff` read `.hcl` files (alone, or beside `.sql` files) through
//! the dev database, on every dialect that reads them; and every kind of
//! mistake in a file is reported at its line and column.

use strata_tests::Sandbox;
use strata_tests::db::{Db, Kind};

const SQLITE_DEV: &str = "sqlite://dev?mode=memory";

/// The rich schema in `db`'s dialect. `v2` adds column `users.bio` and drops
/// index `users_score_desc`.
fn schema(db: &Db, v2: bool) -> String {
    let (schema, id, text, string, created, comment) = match db.kind {
        Kind::Sqlite => {
            ("main", "integer", "text", "varchar(255)", "text\n    default = sql(\"CURRENT_TIMESTAMP\")", false)
        }
        Kind::Postgres(..) => {
            ("public", "int", "text", "character_varying(255)", "timestamptz\n    default = sql(\"now()\")", true)
        }
        // The bound database takes the file's one schema whatever its name.
        Kind::Mysql(..) => {
            ("app", "int", "varchar(100)", "varchar(255)", "timestamp\n    default = sql(\"CURRENT_TIMESTAMP\")", true)
        }
        Kind::Clickhouse(..) => unreachable!("ClickHouse has its own HCL tests (tests/hcl_clickhouse.rs)"),
    };
    let table_comment = if comment { "  comment = \"people\"\n" } else { "" };
    let column_comment = if comment { "    comment = \"login\"\n" } else { "" };
    let schema_block = match db.kind {
        Kind::Postgres(..) => "schema \"public\" {\n  comment = \"the app\"\n}\n".to_string(),
        _ => format!("schema \"{schema}\" {{}}\n"),
    };
    let bio =
        if v2 { format!("  column \"bio\" {{\n    type = {text}\n    null = true\n  }}\n") } else { String::new() };
    let desc = if v2 {
        String::new()
    } else {
        "  index \"users_score_desc\" {\n    on {\n      column = column.score\n      desc = true\n    }\n  }\n"
            .to_string()
    };
    format!(
        r#"{schema_block}
table "users" {{
  schema = schema.{schema}
{table_comment}  column "id" {{
    type = {id}
  }}
  column "email" {{
    type = {string}
{column_comment}  }}
  column "name" {{
    type = {text}
    null = true
    default = "anon"
  }}
  column "score" {{
    type = int
    default = 0
  }}
  column "created" {{
    type = {created}
  }}
{bio}  primary_key {{
    columns = [column.id]
  }}
  index "users_email" {{
    unique = true
    columns = [column.email]
  }}
{desc}  check "score_positive" {{
    expr = "score >= 0"
  }}
}}

table "posts" {{
  schema = schema.{schema}
  column "id" {{
    type = {id}
  }}
  column "user_id" {{
    type = {id}
    null = true
  }}
  column "title" {{
    type = {text}
  }}
  primary_key {{
    columns = [column.id]
  }}
  index "posts_user" {{
    columns = [column.user_id]
  }}
  foreign_key "posts_user_fk" {{
    columns = [column.user_id]
    ref_columns = [table.users.column.id]
    on_delete = CASCADE
  }}
}}

table "tags" {{
  schema = schema.{schema}
  column "post_id" {{
    type = {id}
  }}
  column "tag" {{
    type = varchar(50)
  }}
  primary_key {{
    columns = [column.post_id, column.tag]
  }}
  foreign_key "tags_post_fk" {{
    columns = [column.post_id]
    ref_columns = [table.posts.column.id]
    on_delete = CASCADE
  }}
}}

view "user_titles" {{
  schema = schema.{schema}
  as = <<-SQL
    SELECT u.name, p.title FROM users u JOIN posts p ON p.user_id = u.id
  SQL
  depends_on = [table.users, table.posts]
}}
"#
    )
}

fn apply(db: &Db) -> strata_tests::Run {
    db.strata(&[
        "schema",
        "apply",
        "--url",
        &db.url,
        "--to",
        "file://schema.hcl",
        "--dev-url",
        &db.dev,
        "--auto-approve",
    ])
}

fn assert_synced(db: &Db) {
    let out = apply(db).ok().stdout();
    assert!(out.contains("Schema is synced, no changes to be made"), "{out}");
    let out = db.strata(&["schema", "diff", "--from", &db.url, "--to", "file://schema.hcl", "--dev-url", &db.dev]).ok();
    assert!(out.stdout().contains("Schemas are synced, no changes to be made."), "{}", out.stdout());
}

/// `(referenced table, ON DELETE rule)` of a foreign key, from the catalog.
fn foreign_key(db: &Db, table: &str, name: &str) -> Vec<Vec<String>> {
    let sql = match db.kind {
        Kind::Sqlite => format!("SELECT \"table\", on_delete FROM pragma_foreign_key_list('{table}')"),
        Kind::Postgres(..) => format!(
            "SELECT confrelid::regclass::text, CASE confdeltype WHEN 'c' THEN 'CASCADE' ELSE confdeltype::text END \
             FROM pg_constraint WHERE conname = '{name}'"
        ),
        Kind::Mysql(..) => format!(
            "SELECT referenced_table_name, delete_rule FROM information_schema.referential_constraints \
             WHERE constraint_schema = DATABASE() AND constraint_name = '{name}'"
        ),
        Kind::Clickhouse(..) => unreachable!("ClickHouse has its own HCL tests (tests/hcl_clickhouse.rs)"),
    };
    db.rows(&sql)
}

/// Whether column `column` of `table` allows NULL, from the catalog.
fn nullable(db: &Db, table: &str, column: &str) -> bool {
    let sql = match db.kind {
        Kind::Sqlite => format!(
            "SELECT CASE \"notnull\" WHEN 0 THEN 'YES' ELSE 'NO' END FROM pragma_table_info('{table}') WHERE name = '{column}'"
        ),
        Kind::Postgres(..) => format!(
            "SELECT is_nullable FROM information_schema.columns WHERE table_schema = 'public' \
             AND table_name = '{table}' AND column_name = '{column}'"
        ),
        Kind::Mysql(..) => format!(
            "SELECT is_nullable FROM information_schema.columns WHERE table_schema = DATABASE() \
             AND table_name = '{table}' AND column_name = '{column}'"
        ),
        Kind::Clickhouse(..) => unreachable!("ClickHouse has its own HCL tests (tests/hcl_clickhouse.rs)"),
    };
    db.rows(&sql) == [["YES"]]
}

fn has_view(db: &Db, name: &str) -> bool {
    let sql = match db.kind {
        Kind::Sqlite => format!("SELECT count(*) FROM sqlite_master WHERE type = 'view' AND name = '{name}'"),
        Kind::Postgres(..) => format!(
            "SELECT count(*) FROM information_schema.views WHERE table_schema = 'public' AND table_name = '{name}'"
        ),
        Kind::Mysql(..) => format!(
            "SELECT count(*) FROM information_schema.views WHERE table_schema = DATABASE() AND table_name = '{name}'"
        ),
        Kind::Clickhouse(..) => unreachable!("ClickHouse has its own HCL tests (tests/hcl_clickhouse.rs)"),
    };
    db.rows(&sql) == [["1"]]
}

fn has_check(db: &Db, name: &str) -> bool {
    let sql = match db.kind {
        Kind::Sqlite => format!("SELECT count(*) FROM sqlite_master WHERE name = 'users' AND sql LIKE '%{name}%'"),
        Kind::Postgres(..) => format!("SELECT count(*) FROM pg_constraint WHERE contype = 'c' AND conname = '{name}'"),
        Kind::Mysql(..) => format!(
            "SELECT count(*) FROM information_schema.check_constraints WHERE constraint_schema = DATABASE() \
             AND constraint_name = '{name}'"
        ),
        Kind::Clickhouse(..) => unreachable!("ClickHouse has its own HCL tests (tests/hcl_clickhouse.rs)"),
    };
    db.rows(&sql) == [["1"]]
}

mod scenarios {
    use super::*;

    /// The rich schema applies, converges, diffs as synced; a change applies and converges.
    pub fn apply_converge_change(db: Db) {
        db.write("schema.hcl", &schema(&db, false));
        let out = apply(&db).ok().stdout();
        assert!(out.contains("-- Planned Changes:"), "{out}");
        assert_eq!(db.tables(), ["posts", "tags", "users"]);
        assert_eq!(db.columns("users"), ["id", "email", "name", "score", "created"]);
        assert_eq!(db.columns("tags"), ["post_id", "tag"]);
        for index in ["users_email", "users_score_desc", "posts_user"] {
            assert!(db.has_index(index), "index {index} is missing");
        }
        assert_eq!(foreign_key(&db, "posts", "posts_user_fk"), [["users", "CASCADE"]]);
        assert_eq!(foreign_key(&db, "tags", "tags_post_fk"), [["posts", "CASCADE"]]);
        assert!(nullable(&db, "users", "name") && nullable(&db, "posts", "user_id"));
        assert!(!nullable(&db, "users", "email") && !nullable(&db, "users", "score"));
        assert!(has_view(&db, "user_titles"));
        assert!(has_check(&db, "score_positive"));
        // Defaults fill what an insert leaves out.
        db.exec("INSERT INTO users (id, email) VALUES (1, 'ada@example.com')");
        assert_eq!(db.rows("SELECT name, score FROM users"), [["anon", "0"]]);
        match &db.kind {
            Kind::Postgres(..) => {
                let rows = db.rows(
                    "SELECT obj_description('public.users'::regclass, 'pg_class'), \
                     col_description('public.users'::regclass, 2), obj_description('public'::regnamespace)",
                );
                assert_eq!(rows, [["people", "login", "the app"]]);
            }
            Kind::Mysql(..) => {
                let rows = db.rows(
                    "SELECT t.table_comment, c.column_comment FROM information_schema.tables t \
                     JOIN information_schema.columns c ON c.table_schema = t.table_schema AND c.table_name = t.table_name \
                     WHERE t.table_schema = DATABASE() AND t.table_name = 'users' AND c.column_name = 'email'",
                );
                assert_eq!(rows, [["people", "login"]]);
            }
            Kind::Sqlite => {}
            Kind::Clickhouse(..) => unreachable!("ClickHouse has its own HCL tests (tests/hcl_clickhouse.rs)"),
        }
        assert_synced(&db);

        // A change in the file: a column more, an index less.
        db.write("schema.hcl", &schema(&db, true));
        let out = apply(&db).ok().stdout();
        assert!(out.contains("bio"), "{out}");
        assert_eq!(db.columns("users"), ["id", "email", "name", "score", "created", "bio"]);
        assert!(!db.has_index("users_score_desc"));
        assert!(db.has_index("users_email") && db.has_index("posts_user"));
        // The row survived (SQLite rebuilds the table).
        assert_eq!(db.rows("SELECT name, score FROM users"), [["anon", "0"]]);
        assert_synced(&db);
    }
}

macro_rules! suite {
    ($dialect:ident, $make:expr) => {
        mod $dialect {
            use super::*;

            #[test]
            fn apply_converge_change() {
                if let Some(db) = $make("hcl-apply") {
                    scenarios::apply_converge_change(db)
                }
            }
        }
    };
}

suite!(sqlite, Db::sqlite);
suite!(postgres, Db::postgres);
suite!(mysql, Db::mysql);

// ---------------------------------------------------------------- SQLite-only flows

/// A directory of `.hcl` and `.sql` files: the HCL runs first, the SQL after it
/// (here a trigger-free view over an HCL table); `migrate diff` writes the
/// migration that reaches it, which applies and leaves nothing to diff.
#[test]
fn directory_mixing_hcl_and_sql_and_migrate_diff() {
    let sb = Sandbox::new("hcl-mixed");
    sb.write(
        "schema/tables.hcl",
        "table \"items\" {\n  column \"id\" {\n    type = integer\n  }\n  column \"label\" {\n    type = text\n    null = true\n  }\n  primary_key {\n    columns = [column.id]\n  }\n}\n",
    );
    sb.write("schema/views.sql", "CREATE VIEW labelled AS SELECT id, label FROM items WHERE label IS NOT NULL;\n");
    let run = sb.strata(&["migrate", "diff", "init", "--to", "file://schema", "--dev-url", SQLITE_DEV]).ok();
    let written = std::fs::read_dir(sb.path.join("migrations"))
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|x| x == "sql"))
        .unwrap_or_else(|| panic!("no migration written: {}", run.stdout()));
    let sql = std::fs::read_to_string(written).unwrap();
    assert!(sql.contains("CREATE TABLE `items`") && sql.contains("CREATE VIEW"), "{sql}");
    let again = sb.strata(&["migrate", "diff", "--to", "file://schema", "--dev-url", SQLITE_DEV]).ok();
    assert!(again.stdout().contains("The migration directory is synced"), "{}", again.stdout());
    let url = sb.sqlite_url("app.db");
    sb.strata(&["migrate", "apply", "--url", &url]).ok();
    let diff = sb.strata(&["schema", "diff", "--from", &url, "--to", "file://schema", "--dev-url", SQLITE_DEV]).ok();
    assert!(diff.stdout().contains("Schemas are synced"), "{}", diff.stdout());
}

/// A statement the dev database rejects is reported at the block it came from.
#[test]
fn dev_database_errors_point_at_the_table() {
    let sb = Sandbox::new("hcl-dev-error");
    sb.write(
        "schema.hcl",
        "table \"ok\" {\n  column \"id\" {\n    type = integer\n  }\n}\n\ntable \"t\" {\n  column \"id\" {\n    type = integer\n  }\n  index \"t_nope\" {\n    columns = [column.id]\n    where = \"nope > 0\"\n  }\n}\n",
    );
    let url = sb.sqlite_url("app.db");
    let run = sb
        .strata(&[
            "schema",
            "apply",
            "--url",
            &url,
            "--to",
            "file://schema.hcl",
            "--dev-url",
            SQLITE_DEV,
            "--auto-approve",
        ])
        .expect_code(1);
    let err = run.stderr();
    assert!(err.contains("error: schema.hcl:7:1: table \"t\": the dev database rejected"), "{err}");
    assert!(err.contains("no such column: nope"), "{err}");
}

// ---------------------------------------------------------------- functions and triggers

/// Atlas's example of a PostgreSQL trigger, hand-written in its structured
/// form, with the function it executes and a SQL function a check uses.
const PG_TRIGGER_HCL: &str = r#"
schema "public" {}

table "orders" {
  schema = schema.public
  column "id" {
    type = int
  }
  column "amount" {
    type = numeric
  }
  column "note" {
    type = text
    null = true
  }
  primary_key {
    columns = [column.id]
  }
  check "amount_positive" {
    expr = "positive(amount)"
  }
}

table "orders_audit" {
  schema = schema.public
  column "order_id" {
    type = int
  }
  column "operation" {
    type = text
  }
}

function "positive" {
  schema = schema.public
  lang   = SQL
  arg "v" {
    type = numeric
  }
  return = boolean
  as     = "SELECT v > 0"
}

function "audit_orders_changes" {
  schema = schema.public
  lang   = PLpgSQL
  return = trigger
  as     = <<-SQL
    BEGIN
      INSERT INTO orders_audit (order_id, operation) VALUES (NEW.id, TG_OP);
      RETURN NEW;
    END;
  SQL
}

trigger "trigger_orders_audit" {
  on = table.orders
  after {
    insert    = true
    update_of = [table.orders.column.amount]
  }
  foreach = ROW
  execute {
    function = function.audit_orders_changes
  }
}
"#;

/// The hand-written trigger is in PostgreSQL's catalog as written, fires,
/// and the file then diffs as synced; a change to its events is planned.
#[test]
fn postgres_structured_trigger_lands_in_the_catalog() {
    let Some(db) = Db::postgres("hcl-trigger") else { return };
    db.write("schema.hcl", PG_TRIGGER_HCL);
    let out = apply(&db).ok().stdout();
    assert!(out.contains("CREATE TRIGGER trigger_orders_audit"), "{out}");
    let trigger = db.rows(
        "SELECT t.tgname, c.relname, p.proname, t.tgtype::int & 1 = 1 AS row_level, t.tgtype::int & 2 = 2 AS before, \
         t.tgtype::int & 4 = 4 AS on_insert, t.tgtype::int & 8 = 8 AS on_delete, t.tgtype::int & 16 = 16 AS on_update, \
         (SELECT string_agg(a.attname, ',') FROM unnest(t.tgattr) k JOIN pg_attribute a \
            ON a.attrelid = t.tgrelid AND a.attnum = k) AS columns \
         FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_proc p ON p.oid = t.tgfoid \
         WHERE NOT t.tgisinternal",
    );
    assert_eq!(
        trigger,
        [["trigger_orders_audit", "orders", "audit_orders_changes", "t", "f", "t", "f", "t", "amount"]]
    );
    assert_eq!(
        db.rows("SELECT pg_get_triggerdef(oid) FROM pg_trigger WHERE tgname = 'trigger_orders_audit'"),
        [["CREATE TRIGGER trigger_orders_audit AFTER INSERT OR UPDATE OF amount ON public.orders FOR EACH ROW \
             EXECUTE FUNCTION audit_orders_changes()"]]
    );
    let langs = db.rows(
        "SELECT p.proname, l.lanname, pg_get_function_result(p.oid) FROM pg_proc p JOIN pg_language l \
         ON l.oid = p.prolang WHERE p.pronamespace = 'public'::regnamespace ORDER BY 1",
    );
    assert_eq!(langs, [["audit_orders_changes", "plpgsql", "trigger"], ["positive", "sql", "boolean"]]);
    // It fires; the check calls the function.
    db.exec(
        "INSERT INTO orders (id, amount) VALUES (1, 10); UPDATE orders SET amount = 20; UPDATE orders SET note = 'x'",
    );
    assert_eq!(db.rows("SELECT order_id, operation FROM orders_audit"), [["1", "INSERT"], ["1", "UPDATE"]]);
    let bad = db.strata(&["schema", "diff", "--from", &db.url, "--to", "file://schema.hcl", "--dev-url", &db.dev]).ok();
    assert!(bad.stdout().contains("Schemas are synced"), "{}", bad.stdout());
    assert_synced(&db);

    // Inspected, the trigger is written back in the same structured form.
    let hcl = db.strata(&["schema", "inspect", "--url", &db.url]).ok().stdout();
    let flat = hcl.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        flat.contains(
            "trigger \"trigger_orders_audit\" { on = table.orders after { insert = true update_of = \
             [table.orders.column.amount] } foreach = ROW execute { function = function.audit_orders_changes } }"
        ),
        "{hcl}"
    );
    assert!(!hcl.contains("# not written"), "{hcl}");

    // Another event: the trigger is replaced.
    db.write("schema.hcl", &PG_TRIGGER_HCL.replace("insert    = true", "delete    = true"));
    let out = apply(&db).ok().stdout();
    assert!(out.contains("DROP TRIGGER") && out.contains("AFTER DELETE OR UPDATE OF amount"), "{out}");
    assert_synced(&db);
}

/// Triggers on MySQL and SQLite, in Atlas's form: they land, fire, and the file converges.
#[test]
fn mysql_and_sqlite_triggers_fire() {
    let hcl = |schema: &str| {
        format!(
            r#"schema "{schema}" {{}}
table "items" {{
  schema = schema.{schema}
  column "id" {{
    type = int
  }}
  column "qty" {{
    type = int
  }}
  primary_key {{
    columns = [column.id]
  }}
}}
trigger "items_no_negative" {{
  on = table.items
  before {{
    insert = true
  }}
  as = <<-SQL
    BEGIN
      SELECT CASE WHEN NEW.qty < 0 THEN RAISE(ABORT, 'negative') END;
    END
  SQL
}}
"#
        )
    };
    if let Some(db) = Db::sqlite("hcl-trigger") {
        db.write("schema.hcl", &hcl("main"));
        apply(&db).ok();
        let stored = db.rows("SELECT sql FROM sqlite_master WHERE type = 'trigger'");
        assert_eq!(
            stored,
            [["CREATE TRIGGER \"items_no_negative\" BEFORE INSERT ON \"items\" FOR EACH ROW BEGIN\n  \
                 SELECT CASE WHEN NEW.qty < 0 THEN RAISE(ABORT, 'negative') END;\nEND"]]
        );
        assert_synced(&db);
    }
    if let Some(db) = Db::mysql("hcl-trigger") {
        let text = hcl("app").replace(
            "SELECT CASE WHEN NEW.qty < 0 THEN RAISE(ABORT, 'negative') END;",
            "IF NEW.qty < 0 THEN\n        SET NEW.qty = 0;\n      END IF;",
        );
        db.write("schema.hcl", &text);
        apply(&db).ok();
        let trigger = db.rows(
            "SELECT trigger_name, action_timing, event_manipulation, event_object_table FROM information_schema.triggers \
             WHERE trigger_schema = DATABASE()",
        );
        assert_eq!(trigger, [["items_no_negative", "BEFORE", "INSERT", "items"]]);
        db.exec("INSERT INTO items VALUES (1, -5)");
        assert_eq!(db.rows("SELECT qty FROM items"), [["0"]]);
        assert_synced(&db);
    }
}

// ---------------------------------------------------------------- errors in the file

/// Runs `schema apply` on `text` and returns stderr, asserting exit code 2.
fn file_error(text: &str) -> String {
    let sb = Sandbox::new("hcl-error");
    sb.write("schema.hcl", text);
    let url = sb.sqlite_url("app.db");
    let run = sb
        .strata(&[
            "schema",
            "apply",
            "--url",
            &url,
            "--to",
            "file://schema.hcl",
            "--dev-url",
            SQLITE_DEV,
            "--auto-approve",
        ])
        .expect_code(2);
    // Nothing was created.
    assert!(strata_tests::sqlite_tables(&sb.path.join("app.db")).is_empty());
    run.stderr()
}

#[test]
fn unknown_block() {
    let err = file_error("schema \"main\" {}\n\ntabel \"users\" {\n}\n");
    assert!(err.starts_with("error: schema.hcl:3:1: unknown block \"tabel\"; did you mean \"table\"?"), "{err}");
    let err = file_error("table \"users\" {\n  colum \"id\" {\n    type = int\n  }\n}\n");
    assert!(
        err.starts_with("error: schema.hcl:2:3: unknown block \"colum\" in table \"users\"; did you mean \"column\"?"),
        "{err}"
    );
}

#[test]
fn unknown_attribute_with_hint() {
    let err = file_error("table \"users\" {\n  column \"id\" {\n    type = int\n    nul = true\n  }\n}\n");
    assert!(
        err.starts_with("error: schema.hcl:4:5: unknown attribute \"nul\" in column \"id\"; did you mean \"null\"?"),
        "{err}"
    );
}

#[test]
fn unknown_type() {
    let err = file_error("table \"users\" {\n  column \"id\" {\n    type = integr\n  }\n}\n");
    assert!(
        err.starts_with("error: schema.hcl:3:12: unknown type \"integr\" for sqlite; did you mean \"integer\"?"),
        "{err}"
    );
}

#[test]
fn dangling_reference() {
    let err = file_error(
        "table \"users\" {\n  column \"id\" {\n    type = int\n  }\n  primary_key {\n    columns = [column.nope]\n  }\n}\n",
    );
    assert!(err.starts_with("error: schema.hcl:6:16: column \"nope\" is not defined in table \"users\""), "{err}");
    let err = file_error(
        "table \"posts\" {\n  column \"user_id\" {\n    type = int\n  }\n  foreign_key \"fk\" {\n    columns = [column.user_id]\n    ref_columns = [table.userz.column.id]\n  }\n}\n",
    );
    assert!(err.starts_with("error: schema.hcl:7:20: table \"userz\" is not declared"), "{err}");
}

#[test]
fn trigger_errors() {
    let table = "table \"t\" {\n  column \"a\" {\n    type = int\n  }\n}\n";
    let err = file_error(&format!("{table}trigger \"tr\" {{\n  after {{\n    insert = true\n  }}\n}}\n"));
    assert!(err.starts_with("error: schema.hcl:6:1: trigger \"tr\": missing attribute \"on\""), "{err}");
    let err = file_error(&format!(
        "{table}trigger \"tr\" {{\n  on = table.t\n  after {{\n    update_of = [column.b]\n  }}\n  as = \"SELECT 1\"\n}}\n"
    ));
    assert!(err.starts_with("error: schema.hcl:9:18: column \"b\" is not defined in table \"t\""), "{err}");
    let err = file_error(&format!("{table}function \"f\" {{\n}}\n"));
    assert!(err.starts_with("error: schema.hcl:6:1: function blocks are not supported by sqlite"), "{err}");
}

#[test]
fn cyclic_view() {
    let err = file_error(
        "view \"a\" {\n  as = \"SELECT 1\"\n  depends_on = [view.b]\n}\n\nview \"b\" {\n  as = \"SELECT 1\"\n  depends_on = [view.a]\n}\n",
    );
    assert!(err.starts_with("error: schema.hcl:3:3: cyclic view dependency: \"a\" -> \"b\" -> \"a\""), "{err}");
}

/// A function the dev database rejects is reported at its own block, and
/// nothing reaches the target.
#[test]
fn postgres_function_errors_point_at_the_function() {
    let Some(db) = Db::postgres("hcl-fn-error") else { return };
    db.write(
        "schema.hcl",
        "schema \"public\" {\n}\n\ntable \"t\" {\n  schema = schema.public\n  column \"id\" {\n    null = false\n    type = integer\n  }\n}\n\nfunction \"f\" {\n  schema = schema.public\n  lang   = SQL\n  return = integer\n  as     = \"SELECT nope FROM missing\"\n}\n",
    );
    let run = apply(&db).expect_code(1);
    assert!(
        run.stderr()
            .contains("schema.hcl:12:1: function \"f\": the dev database rejected the statement planned for it"),
        "{}",
        run.stderr()
    );
    assert!(db.tables().is_empty(), "{:?}", db.tables());
}
