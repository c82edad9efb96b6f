//! Tests of the writer: every construct, the escapes and the `sql("…")` fallbacks.

use super::*;
use crate::schema_hcl::routines::{FunctionSql, parse_function};
use serde_json::json;
use strata_dialect_api::{Generated, Trigger};

fn col(name: &str, ty: &str, nullable: bool) -> Column {
    Column { name: name.into(), ty: ty.into(), nullable, ..Column::default() }
}

fn other(dialect: &str, name: &str, value: Value) -> Attr {
    Attr::Other { dialect: dialect.into(), name: name.into(), value }
}

fn realm(schemas: Vec<Schema>) -> Realm {
    Realm { schemas }
}

/// Asserts that `hcl` is valid HCL (hcl-rs reads it) and returns it.
fn parsed(hcl: String) -> String {
    if let Err(e) = hcl::parse(&hcl) {
        panic!("not valid HCL ({e}):\n{hcl}");
    }
    hcl
}

#[track_caller]
fn contains(hcl: &str, snippet: &str) {
    assert!(hcl.contains(snippet), "missing:\n{snippet}\n--- in:\n{hcl}");
}

fn sqlite_realm() -> Realm {
    let teams = Table {
        name: "teams".into(),
        columns: vec![col("id", "integer", false), col("name", "text", false)],
        primary_key: Some(PrimaryKey {
            name: None,
            parts: vec![IndexPart::column("id")],
            attrs: vec![Attr::AutoIncrement],
        }),
        indexes: vec![Index {
            name: "sqlite_autoindex_teams_1".into(),
            unique: true,
            parts: vec![IndexPart::column("name")],
            predicate: None,
            attrs: vec![other("sqlite", "constraint", json!("unique"))],
        }],
        ..Table::default()
    };
    let users = Table {
        name: "users".into(),
        columns: vec![
            col("id", "integer", false),
            Column { default: Some("'x'".into()), ..col("name", "varchar(255)", true) },
            col("team_id", "integer", true),
            Column { default: Some("CURRENT_TIMESTAMP".into()), ..col("at", "datetime", true) },
            Column {
                generated: Some(Generated { expr: "id * 2".into(), stored: false }),
                collation: Some("NOCASE".into()),
                ..col("twice", "", true)
            },
        ],
        primary_key: Some(PrimaryKey { name: None, parts: vec![IndexPart::column("id")], attrs: vec![] }),
        indexes: vec![
            Index {
                name: "idx_lower".into(),
                unique: false,
                parts: vec![
                    IndexPart { expr: Some("lower(name)".into()), desc: true, ..IndexPart::default() },
                    IndexPart::column("team_id"),
                ],
                predicate: Some("team_id IS NOT NULL".into()),
                attrs: vec![],
            },
            Index { name: "idx_name".into(), unique: true, parts: vec![IndexPart::column("name")], ..Index::default() },
        ],
        foreign_keys: vec![ForeignKey {
            columns: vec!["team_id".into()],
            ref_table: "teams".into(),
            ref_columns: vec!["id".into()],
            on_delete: Some("CASCADE".into()),
            ..ForeignKey::default()
        }],
        checks: vec![
            Check { name: Some("positive".into()), expr: "id > 0".into(), attrs: vec![] },
            Check { name: None, expr: "length(name) < 300".into(), attrs: vec![] },
        ],
        attrs: vec![Attr::WithoutRowid, Attr::Strict],
        ..Table::default()
    };
    realm(vec![Schema {
        name: "main".into(),
        tables: vec![teams, users],
        views: vec![
            View { name: "v".into(), def: "CREATE VIEW v AS SELECT id FROM users".into(), attrs: vec![] },
            View { name: "w".into(), def: "CREATE VIEW w(a) AS SELECT id FROM users".into(), attrs: vec![] },
        ],
        triggers: vec![
            // As its author wrote it: the whole definition.
            Trigger {
                name: "trg".into(),
                table: "users".into(),
                def: "CREATE TRIGGER trg AFTER INSERT ON users BEGIN SELECT 1; END".into(),
            },
            // As Strata renders Atlas's structured form.
            Trigger {
                name: "trg2".into(),
                table: "users".into(),
                def: "CREATE TRIGGER \"trg2\" BEFORE UPDATE OF \"name\" ON \"users\" FOR EACH ROW WHEN new.name <> '' \
                      BEGIN\n  SELECT RAISE(ABORT, 'no');\nEND"
                    .into(),
            },
        ],
        attrs: vec![],
    }])
}

#[test]
fn sqlite_document() {
    let hcl = parsed(write(&sqlite_realm(), "sqlite"));
    assert_eq!(
        hcl,
        r#"table "teams" {
  schema = schema.main
  column "id" {
    null           = false
    type           = integer
    auto_increment = true
  }
  column "name" {
    null = false
    type = text
  }
  primary_key {
    columns = [column.id]
  }
  unique "sqlite_autoindex_teams_1" {
    columns = [column.name]
  }
}
table "users" {
  schema = schema.main
  column "id" {
    null = false
    type = integer
  }
  column "name" {
    null    = true
    type    = varchar(255)
    default = "x"
  }
  column "team_id" {
    null = true
    type = integer
  }
  column "at" {
    null    = true
    type    = datetime
    default = sql("CURRENT_TIMESTAMP")
  }
  column "twice" {
    null    = true
    type    = sql("")
    collate = "NOCASE"
    as {
      expr = "id * 2"
      type = VIRTUAL
    }
  }
  primary_key {
    columns = [column.id]
  }
  foreign_key {
    columns     = [column.team_id]
    ref_columns = [table.teams.column.id]
    on_update   = NO_ACTION
    on_delete   = CASCADE
  }
  index "idx_lower" {
    on {
      expr = "lower(name)"
      desc = true
    }
    on {
      column = column.team_id
    }
    where = "team_id IS NOT NULL"
  }
  index "idx_name" {
    unique  = true
    columns = [column.name]
  }
  check "positive" {
    expr = "id > 0"
  }
  check {
    expr = "length(name) < 300"
  }
  without_rowid = true
  strict        = true
}
view "v" {
  schema = schema.main
  as     = "SELECT id FROM users"
}
view "w" {
  schema = schema.main
  as     = "CREATE VIEW w(a) AS SELECT id FROM users"
}
trigger "trg" {
  on = table.users
  as = sql("CREATE TRIGGER trg AFTER INSERT ON users BEGIN SELECT 1; END")
}
trigger "trg2" {
  on = table.users
  before {
    update_of = [table.users.column.name]
  }
  when = "new.name <> ''"
  as   = <<-SQL
    BEGIN
      SELECT RAISE(ABORT, 'no');
    END
  SQL
}
schema "main" {
}
"#
    );
    // The same model writes the same text.
    assert_eq!(write(&sqlite_realm(), "sqlite"), hcl);
}

fn postgres_realm() -> Realm {
    let mut orders = Table {
        name: "orders".into(),
        columns: vec![
            Column {
                attrs: vec![
                    other("postgres", "identity", json!("BY DEFAULT")),
                    other("postgres", "identity_options", json!({"start": 10, "increment": 5, "cache": 20})),
                ],
                ..col("id", "bigint", false)
            },
            Column {
                default: Some("'new'::character varying".into()),
                comment: Some("the state".into()),
                ..col("state", "character varying(20)", false)
            },
            col("tags", "text[]", true),
            Column { default: Some("now()".into()), ..col("at", "timestamp(3) with time zone", false) },
            col("doc", "jsonb", true),
            col("mood", "mood", true),
            Column {
                generated: Some(Generated { expr: "(id * 2)".into(), stored: true }),
                ..col("twice", "bigint", true)
            },
        ],
        primary_key: Some(PrimaryKey {
            name: Some("orders_pkey".into()),
            parts: vec![IndexPart::column("id"), IndexPart::column("at")],
            attrs: vec![],
        }),
        indexes: vec![
            Index {
                name: "orders_doc".into(),
                unique: false,
                parts: vec![IndexPart::column("doc"), IndexPart { desc: true, ..IndexPart::column("state") }],
                predicate: None,
                attrs: vec![
                    other("postgres", "method", json!("gin")),
                    other("postgres", "opclass", json!(["jsonb_path_ops", null])),
                    other("postgres", "nulls", json!([null, "LAST"])),
                    other("postgres", "with", json!(["fastupdate=off"])),
                    other("postgres", "comment", json!("docs")),
                ],
            },
            Index {
                name: "orders_state_key".into(),
                unique: true,
                parts: vec![IndexPart::column("state")],
                predicate: None,
                attrs: vec![
                    other("postgres", "include", json!(["doc"])),
                    other("postgres", "nulls_not_distinct", json!(true)),
                    other("postgres", "constraint", json!("unique")),
                ],
            },
            Index {
                name: "orders_recent".into(),
                unique: true,
                parts: vec![IndexPart { collation: Some("C".into()), ..IndexPart::column("state") }],
                predicate: Some("(at > '2020-01-01 00:00:00+00'::timestamp with time zone)".into()),
                attrs: vec![
                    other("postgres", "method", json!("brin")),
                    other("postgres", "with", json!(["pages_per_range=16"])),
                ],
            },
        ],
        foreign_keys: vec![ForeignKey {
            name: Some("orders_owner".into()),
            columns: vec!["id".into()],
            ref_schema: Some("other".into()),
            ref_table: "users".into(),
            ref_columns: vec!["id".into()],
            on_update: Some("SET NULL".into()),
            on_delete: Some("RESTRICT".into()),
            deferrable: Some("DEFERRABLE INITIALLY DEFERRED".into()),
            attrs: vec![other("postgres", "match", json!("FULL"))],
        }],
        checks: vec![Check {
            name: Some("orders_id_check".into()),
            expr: "(id > 0)".into(),
            attrs: vec![other("postgres", "not_valid", json!(true))],
        }],
        comment: Some("all orders".into()),
        attrs: vec![
            other("postgres", "rls", json!(true)),
            other("postgres", "partition_by", json!("RANGE (at, lower((state)::text))")),
            other("postgres", "policies", json!({"p": {}})),
        ],
    };
    orders.columns[0].comment = None;
    let public = Schema {
        name: "public".into(),
        tables: vec![
            orders,
            Table { name: "users".into(), columns: vec![col("id", "integer", false)], ..Table::default() },
        ],
        views: vec![
            View {
                name: "totals".into(),
                def: "SELECT count(*) AS n FROM orders".into(),
                attrs: vec![
                    other("postgres", "materialized", json!(true)),
                    other("postgres", "indexes", json!(["CREATE INDEX …"])),
                ],
            },
            View { name: "recent".into(), def: "SELECT id FROM orders".into(), attrs: vec![] },
        ],
        triggers: vec![
            Trigger {
                name: "orders_audit".into(),
                table: "orders".into(),
                def: "CREATE TRIGGER orders_audit AFTER INSERT OR UPDATE OF state ON orders FOR EACH ROW \
                      EXECUTE FUNCTION audit()"
                    .into(),
            },
            Trigger {
                name: "orders_args".into(),
                table: "orders".into(),
                def:
                    "CREATE TRIGGER orders_args BEFORE DELETE ON orders FOR EACH STATEMENT EXECUTE FUNCTION audit('x')"
                        .into(),
            },
        ],
        attrs: vec![
            other("postgres", "comment", json!("the app")),
            other("postgres", "enum", json!({"name": "mood", "values": ["sad", "o'k"]})),
            other(
                "postgres",
                "domain",
                json!({"name": "zip", "type": "text", "not_null": true, "default": "'00000'::text",
                       "checks": [["zip_check", "CHECK ((length(VALUE) = 5))"]]}),
            ),
            other(
                "postgres",
                "sequence",
                json!({"name": "seq", "type": "integer", "start": 1, "increment": 2, "min": 1,
                       "max": 2147483647, "cache": 1, "cycle": true}),
            ),
            other("postgres", "extension", json!({"name": "pgcrypto", "version": "1.3"})),
            other(
                "postgres",
                "function",
                json!({"name": "audit", "args": "", "kind": "function", "def": "CREATE OR REPLACE FUNCTION audit()\n \
                       RETURNS trigger\n LANGUAGE plpgsql\nAS $function$\nBEGIN\n  RETURN NEW;\nEND;\n$function$"}),
            ),
            other(
                "postgres",
                "function",
                json!({"name": "f", "args": "a integer", "kind": "function", "comment": "adds",
                       "def": "CREATE OR REPLACE FUNCTION f(a integer DEFAULT 1, OUT b text)\n RETURNS text\n \
                       LANGUAGE sql\n IMMUTABLE STRICT COST 5\nAS $function$select a, 'x'$function$"}),
            ),
            other(
                "postgres",
                "function",
                json!({"name": "f", "args": "a text", "kind": "function",
                       "def": "CREATE OR REPLACE FUNCTION f(a text)\n RETURNS text\n LANGUAGE sql\nRETURN a"}),
            ),
            other(
                "postgres",
                "function",
                json!({"name": "p", "args": "", "kind": "procedure",
                       "def": "CREATE OR REPLACE PROCEDURE p()\n LANGUAGE sql\n SET search_path TO 'public'\nAS $procedure$select 1$procedure$"}),
            ),
        ],
    };
    let other_schema = Schema {
        name: "other".into(),
        tables: vec![Table { name: "users".into(), columns: vec![col("id", "integer", false)], ..Table::default() }],
        ..Schema::default()
    };
    realm(vec![other_schema, public])
}

#[test]
fn postgres_constructs() {
    let hcl = parsed(write(&postgres_realm(), "postgres"));
    for snippet in [
        // A table name found in two schemas is qualified, and so are references to it.
        "table \"other\" \"users\" {\n  schema = schema.other\n",
        "table \"public\" \"users\" {\n  schema = schema.public\n",
        "table \"orders\" {\n  schema = schema.public\n",
        "  column \"id\" {\n    null = false\n    type = bigint\n    identity {\n      generated = BY_DEFAULT\n      \
         start     = 10\n      increment = 5\n    }\n    # not written (no Atlas HCL form): identity cache\n  }\n",
        "  column \"state\" {\n    null    = false\n    type    = character_varying(20)\n    default = \"new\"\n    \
         comment = \"the state\"\n  }\n",
        "    type = sql(\"text[]\")\n",
        "    type    = timestamptz(3)\n    default = sql(\"now()\")\n",
        // An enum type of the table's own schema is referenced, as Atlas does.
        "  column \"mood\" {\n    null = true\n    type = enum.mood\n  }\n",
        "    as {\n      expr = \"(id * 2)\"\n      type = STORED\n    }\n",
        "  primary_key {\n    columns = [column.id, column.at]\n  }\n",
        "  foreign_key \"orders_owner\" {\n    columns     = [column.id]\n    ref_columns = [table.other.users.column.id]\n    \
         on_update   = SET_NULL\n    on_delete   = RESTRICT\n    # not written (no Atlas HCL form): deferrable \
         (DEFERRABLE INITIALLY DEFERRED), match\n  }\n",
        "  index \"orders_doc\" {\n    on {\n      column = column.doc\n      ops    = jsonb_path_ops\n    }\n    on {\n      \
         column     = column.state\n      desc       = true\n      nulls_last = true\n    }\n    type    = GIN\n    \
         comment = \"docs\"\n    # not written (no Atlas HCL form): storage parameter fastupdate=off\n  }\n",
        "  index \"orders_recent\" {\n    unique = true\n    on {\n      column  = column.state\n      collate = \"C\"\n    }\n    \
         type           = BRIN\n    where          = \"(at > '2020-01-01 00:00:00+00'::timestamp with time zone)\"\n    \
         page_per_range = 16\n  }\n",
        "  check \"orders_id_check\" {\n    expr = \"(id > 0)\"\n    # not written (no Atlas HCL form): not_valid\n  }\n",
        "  comment = \"all orders\"\n  unique \"orders_state_key\" {\n    columns        = [column.state]\n    \
         nulls_distinct = false\n    include        = [column.doc]\n  }\n",
        "  partition {\n    type = RANGE\n    by {\n      column = column.at\n    }\n    by {\n      \
         expr = \"lower((state)::text)\"\n    }\n  }\n  row_security {\n    enabled = true\n  }\n  \
         # not written (no Atlas HCL form): policies\n}\n",
        "view \"recent\" {\n  schema = schema.public\n  as     = \"SELECT id FROM orders\"\n}\n",
        "materialized \"totals\" {\n  schema = schema.public\n  as     = \"SELECT count(*) AS n FROM orders\"\n  \
         # not written (no Atlas HCL form): indexes\n}\n",
        "enum \"mood\" {\n  schema = schema.public\n  values = [\"sad\", \"o'k\"]\n}\n",
        "domain \"zip\" {\n  schema  = schema.public\n  type    = text\n  null    = false\n  default = \"00000\"\n  \
         check \"zip_check\" {\n    expr = \"(length(VALUE) = 5)\"\n  }\n}\n",
        "sequence \"seq\" {\n  schema    = schema.public\n  type      = integer\n  start     = 1\n  increment = 2\n  \
         min_value = 1\n  max_value = 2147483647\n  cache     = 1\n  cycle     = true\n}\n",
        "extension \"pgcrypto\" {\n  schema  = schema.public\n  version = \"1.3\"\n}\n",
        "function \"audit\" {\n  schema = schema.public\n  lang   = PLpgSQL\n  return = trigger\n  as     = <<-SQL\n\n    \
         BEGIN\n      RETURN NEW;\n    END;\n  SQL\n}\n",
        "function \"f\" {\n  schema = schema.public\n  lang   = SQL\n  arg \"a\" {\n    type    = integer\n    default = 1\n  }\n  \
         arg \"b\" {\n    type = text\n    mode = OUT\n  }\n  return     = text\n  volatility = IMMUTABLE\n  \
         strict     = true\n  cost       = 5\n  as         = \"select a, 'x'\"\n  comment    = \"adds\"\n}\n",
        // What the structured form has no place for: the whole definition.
        "procedure \"p\" {\n  schema = schema.public\n  as     = sql(<<-SQL\n    CREATE OR REPLACE PROCEDURE p()\n     \
         LANGUAGE sql\n     SET search_path TO 'public'\n    AS $procedure$select 1$procedure$\n  SQL\n  )\n}\n",
        "trigger \"orders_audit\" {\n  on = table.orders\n  after {\n    insert    = true\n    \
         update_of = [table.orders.column.state]\n  }\n  foreach = ROW\n  execute {\n    function = function.audit\n  }\n}\n",
        "trigger \"orders_args\" {\n  on = table.orders\n  as = sql(\"CREATE TRIGGER orders_args BEFORE DELETE ON orders \
         FOR EACH STATEMENT EXECUTE FUNCTION audit('x')\")\n}\n",
        // An overload: one function of a name is written.
        "schema \"other\" {\n}\nschema \"public\" {\n  comment = \"the app\"\n  \
         # not written (no Atlas HCL form): function f(a text) (an overload)\n}\n",
    ] {
        contains(&hcl, snippet);
    }
    // Tables first, then views, materialized views, objects, schemas.
    let at = |s: &str| hcl.find(s).unwrap_or_else(|| panic!("{s} in {hcl}"));
    assert!(at("table \"orders\"") < at("view \"recent\""));
    assert!(at("view \"recent\"") < at("materialized \"totals\""));
    assert!(at("materialized \"totals\"") < at("enum \"mood\""));
    assert!(at("enum \"mood\"") < at("domain \"zip\""));
    assert!(at("extension \"pgcrypto\"") < at("function \"audit\""));
    assert!(at("procedure \"p\"") < at("trigger \"orders_audit\""));
    assert!(at("trigger \"orders_args\"") < at("schema \"other\""));
}

#[test]
fn postgres_default_primary_key_name_is_left_out_and_others_kept() {
    let table = |pk: &str| Table {
        name: "t".into(),
        columns: vec![col("id", "integer", false)],
        primary_key: Some(PrimaryKey { name: Some(pk.into()), parts: vec![IndexPart::column("id")], attrs: vec![] }),
        ..Table::default()
    };
    let write_pk = |pk: &str| {
        write(&realm(vec![Schema { name: "public".into(), tables: vec![table(pk)], ..Schema::default() }]), "postgres")
    };
    contains(&write_pk("t_pkey"), "  primary_key {\n");
    contains(&write_pk("t_key"), "  primary_key \"t_key\" {\n");
}

fn mysql_realm() -> Realm {
    let users = Table {
        name: "users".into(),
        columns: vec![
            Column { attrs: vec![other("mysql", "auto_increment", json!(true))], ..col("id", "int unsigned", false) },
            Column { collation: Some("utf8mb4_bin".into()), ..col("name", "varchar(255)", false) },
            Column { default: Some("'a'".into()), ..col("kind", "enum('a','b')", false) },
            Column {
                default: Some("CURRENT_TIMESTAMP".into()),
                attrs: vec![
                    other("mysql", "on_update", json!("CURRENT_TIMESTAMP")),
                    other("mysql", "invisible", json!(true)),
                ],
                ..col("at", "timestamp", false)
            },
            Column { default: Some("0".into()), ..col("n", "decimal(10,2)", false) },
            col("z", "smallint(5) unsigned zerofill", true),
        ],
        primary_key: Some(PrimaryKey { name: None, parts: vec![IndexPart::column("id")], attrs: vec![] }),
        indexes: vec![
            Index {
                name: "name_prefix".into(),
                unique: false,
                parts: vec![IndexPart::column("name"), IndexPart::column("kind")],
                predicate: None,
                attrs: vec![
                    other("mysql", "sub_parts", json!([10, null])),
                    other("mysql", "comment", json!("by name")),
                    other("mysql", "invisible", json!(true)),
                ],
            },
            Index {
                name: "name_text".into(),
                unique: false,
                parts: vec![IndexPart::column("name")],
                predicate: None,
                attrs: vec![other("mysql", "type", json!("FULLTEXT"))],
            },
        ],
        attrs: vec![
            other("mysql", "engine", json!("InnoDB")),
            other("mysql", "collation", json!("utf8mb4_0900_ai_ci")),
            other("mysql", "auto_increment", json!(1000)),
            other("mysql", "options", json!(["ROW_FORMAT=DYNAMIC"])),
        ],
        ..Table::default()
    };
    let latin = Table {
        name: "latin".into(),
        attrs: vec![other("mysql", "engine", json!("MyISAM")), other("mysql", "collation", json!("latin1_swedish_ci"))],
        ..Table::default()
    };
    let schema = Schema {
        name: "app".into(),
        tables: vec![users, latin],
        views: vec![View {
            name: "v".into(),
            def: "select `users`.`id` AS `id` from `users`".into(),
            attrs: vec![
                other("mysql", "check_option", json!("CASCADED")),
                other("mysql", "security", json!("INVOKER")),
            ],
        }],
        triggers: vec![Trigger {
            name: "users_bi".into(),
            table: "users".into(),
            def: "CREATE TRIGGER `users_bi` BEFORE INSERT ON `users` FOR EACH ROW SET NEW.name = lower(NEW.name)"
                .into(),
        }],
        attrs: vec![
            other("mysql", "charset", json!("utf8mb4")),
            other("mysql", "collation", json!("utf8mb4_0900_ai_ci")),
        ],
    };
    realm(vec![schema])
}

#[test]
fn mysql_constructs() {
    let hcl = parsed(write(&mysql_realm(), "mysql"));
    for snippet in [
        // A trigger as Atlas writes it for MySQL: its event and body.
        "trigger \"users_bi\" {\n  on = table.users\n  before {\n    insert = true\n  }\n  \
         as = \"SET NEW.name = lower(NEW.name)\"\n}\n",
        // Unsigned integers as Atlas writes them; other unsigned types (zerofill) stay sql().
        "  column \"id\" {\n    null           = false\n    type           = int\n    unsigned       = true\n    \
         auto_increment = true\n  }\n",
        "    type = sql(\"smallint(5) unsigned zerofill\")\n",
        "    type    = varchar(255)\n    collate = \"utf8mb4_bin\"\n",
        "    type    = enum(\"a\",\"b\")\n    default = \"a\"\n",
        "    type      = timestamp\n    default   = sql(\"CURRENT_TIMESTAMP\")\n    \
         on_update = sql(\"CURRENT_TIMESTAMP\")\n    # not written (no Atlas HCL form): invisible\n",
        "    type    = decimal(10,2)\n    default = 0\n",
        "  index \"name_prefix\" {\n    on {\n      column = column.name\n      prefix = 10\n    }\n    on {\n      \
         column = column.kind\n    }\n    comment = \"by name\"\n    # not written (no Atlas HCL form): invisible\n  }\n",
        "  index \"name_text\" {\n    columns = [column.name]\n    type    = FULLTEXT\n  }\n",
        "  engine         = InnoDB\n  auto_increment = 1000\n  # not written (no Atlas HCL form): options\n}\n",
        "table \"latin\" {\n  schema  = schema.app\n  engine  = MyISAM\n  collate = \"latin1_swedish_ci\"\n}\n",
        "view \"v\" {\n  schema       = schema.app\n  as           = \"select `users`.`id` AS `id` from `users`\"\n  \
         check_option = CASCADED\n  security     = INVOKER\n}\n",
        "schema \"app\" {\n  charset = \"utf8mb4\"\n  collate = \"utf8mb4_0900_ai_ci\"\n}\n",
    ] {
        contains(&hcl, snippet);
    }
}

fn clickhouse_realm() -> Realm {
    let ch = |name: &str, value: Value| other("clickhouse", name, value);
    let events = Table {
        name: "events".into(),
        columns: vec![
            col("id", "UInt64", false),
            col("kind", "LowCardinality(String)", false),
            Column { comment: Some("who".into()), ..col("user", "Nullable(String)", true) },
            col("odd", "LowCardinality(Nullable(String))", true),
            Column { default: Some("CAST(0, 'Decimal(10, 2)')".into()), ..col("price", "Decimal(10, 2)", false) },
            Column { default: Some("'x'".into()), ..col("note", "String", false) },
            Column {
                generated: Some(Generated { expr: "toDate(at)".into(), stored: true }),
                ..col("day", "Date", false)
            },
            Column {
                generated: Some(Generated { expr: "concat(kind, '!')".into(), stored: false }),
                ..col("label", "String", false)
            },
            col("a b", "DateTime64(3)", false),
        ],
        attrs: vec![
            ch("engine", json!("ReplacingMergeTree")),
            ch("engine_args", json!("seq")),
            ch("order_by", json!("(id, intHash32(id), `a b`)")),
            ch("partition_by", json!("toYYYYMM(day)")),
            ch("primary_key", json!("(id, intHash32(id))")),
            ch("sample_by", json!("intHash32(id)")),
            ch("settings", json!("index_granularity = 4096, storage_policy = 'default'")),
        ],
        ..Table::default()
    };
    let keyed = Table {
        name: "keyed".into(),
        columns: vec![col("id", "UInt64", false), col("a b", "String", false)],
        attrs: vec![
            ch("engine", json!("MergeTree")),
            ch("order_by", json!("(id, `a b`)")),
            ch("primary_key", json!("(id, `a b`)")),
            ch("settings", json!("weird")),
        ],
        ..Table::default()
    };
    let log = Table {
        name: "log".into(),
        columns: vec![col("line", "String", false)],
        attrs: vec![ch("engine", json!("Memory"))],
        ..Table::default()
    };
    let views = vec![
        View {
            name: "mv".into(),
            def: "SELECT id FROM events".into(),
            attrs: vec![ch("materialized", json!(true)), ch("to", json!("log"))],
        },
        View {
            name: "sums".into(),
            def: "SELECT id, count() AS c FROM events GROUP BY id".into(),
            attrs: vec![
                ch("engine", json!("SummingMergeTree")),
                ch("materialized", json!(true)),
                ch("order_by", json!("(id, c)")),
                ch("primary_key", json!("id")),
            ],
        },
        View { name: "v".into(), def: "SELECT id FROM events".into(), attrs: vec![] },
    ];
    realm(vec![Schema { name: "default".into(), tables: vec![events, keyed, log], views, ..Schema::default() }])
}

#[test]
fn clickhouse_engines_and_materialized_views() {
    let hcl = parsed(write(&clickhouse_realm(), "clickhouse"));
    assert!(!hcl.contains("# not written"), "{hcl}");
    for snippet in [
        "    null = false\n    type = UInt64\n",
        "    type = sql(\"LowCardinality(String)\")\n",
        "  column \"user\" {\n    null    = true\n    type    = String\n    comment = \"who\"\n  }\n",
        "    null = true\n    type = sql(\"LowCardinality(Nullable(String))\")\n",
        "    default = sql(\"CAST(0, 'Decimal(10, 2)')\")\n",
        "    default = \"x\"\n",
        "    default      = sql(\"toDate(at)\")\n    default_kind = MATERIALIZED\n",
        "    default      = sql(\"concat(kind, '!')\")\n    default_kind = ALIAS\n",
        "    type = DateTime64(3)\n",
        "  primary_key {\n    on {\n      column = column.id\n    }\n    on {\n      expr = \"intHash32(id)\"\n    }\n  }\n",
        "  engine       = sql(\"ReplacingMergeTree(seq)\")\n  partition_by = sql(\"toYYYYMM(day)\")\n  \
         order_by     = sql(\"(id, intHash32(id), `a b`)\")\n  sample_by    = sql(\"intHash32(id)\")\n  \
         settings     = { index_granularity = 4096, storage_policy = \"default\" }\n}\n",
        "  primary_key {\n    columns = [column.id, column[\"a b\"]]\n  }\n",
        "  settings = sql(\"weird\")\n",
        "  engine = Memory\n}\n",
        "materialized \"mv\" {\n  schema = schema.default\n  to     = table.log\n  as     = \"SELECT id FROM events\"\n}\n",
        "materialized \"sums\" {\n  schema   = schema.default\n  engine   = SummingMergeTree\n  order_by = sql(\"(id, c)\")\n  \
         as       = \"SELECT id, count() AS c FROM events GROUP BY id\"\n  primary_key {\n    on {\n      expr = \"id\"\n    }\n  }\n}\n",
        "view \"v\" {\n  schema = schema.default\n  as     = \"SELECT id FROM events\"\n}\n",
    ] {
        contains(&hcl, snippet);
    }
}

#[test]
fn names_and_text_are_escaped_and_read_back() {
    let odd = "we\"ird ${name} %{x} \\ name";
    let table = Table {
        name: odd.into(),
        columns: vec![
            Column {
                comment: Some("line 1\nline 2 ${x}".into()),
                default: Some("'it''s ${x}'".into()),
                ..col("first name", "text", true)
            },
            col("1st", "integer", false),
        ],
        primary_key: Some(PrimaryKey { name: None, parts: vec![IndexPart::column("first name")], attrs: vec![] }),
        foreign_keys: vec![ForeignKey {
            columns: vec!["1st".into()],
            ref_table: odd.into(),
            ref_columns: vec!["first name".into()],
            ..ForeignKey::default()
        }],
        ..Table::default()
    };
    let schema = Schema { name: "my schema".into(), tables: vec![table], ..Schema::default() };
    let hcl = parsed(write(&realm(vec![schema]), "sqlite"));
    contains(&hcl, "table \"we\\\"ird $${name} %%{x} \\\\ name\" {\n  schema = schema[\"my schema\"]\n");
    contains(&hcl, "  primary_key {\n    columns = [column[\"first name\"]]\n  }\n");
    contains(
        &hcl,
        "    columns     = [column[\"1st\"]]\n    ref_columns = [table[\"we\\\"ird $${name} %%{x} \\\\ name\"]\
         .column[\"first name\"]]\n",
    );
    // What hcl-rs reads back is the model's text.
    let body = hcl::parse(&hcl).unwrap();
    let table = body.blocks().find(|b| b.identifier() == "table").unwrap();
    assert_eq!(table.labels()[0].as_str(), odd);
    let column = table.body().blocks().find(|b| b.identifier() == "column").unwrap();
    assert_eq!(column.labels()[0].as_str(), "first name");
    let attr = |name: &str| column.body().attributes().find(|a| a.key() == name).unwrap().expr().clone();
    assert_eq!(attr("comment"), hcl::Expression::String("line 1\nline 2 ${x}".into()));
    assert_eq!(attr("default"), hcl::Expression::String("it's ${x}".into()));
}

#[test]
fn other_dialects_get_sql_types_and_their_attributes_named() {
    let table = Table {
        name: "t".into(),
        columns: vec![Column {
            default: Some("42".into()),
            attrs: vec![other("duckdb", "compression", json!("rle"))],
            ..col("a", "INTEGER", false)
        }],
        attrs: vec![other("mysql", "engine", json!("InnoDB"))],
        ..Table::default()
    };
    let hcl =
        parsed(write(&realm(vec![Schema { name: "main".into(), tables: vec![table], ..Schema::default() }]), "duckdb"));
    contains(
        &hcl,
        "    type    = sql(\"INTEGER\")\n    default = 42\n    # not written (no Atlas HCL form): compression\n",
    );
    contains(&hcl, "  # not written (no Atlas HCL form): mysql engine\n");
    assert_eq!(write(&Realm::default(), "sqlite"), "");
}

#[test]
fn references_to_tables_outside_the_document_name_their_schema() {
    let fk = |ref_schema: Option<&str>| ForeignKey {
        name: Some("fk".into()),
        columns: vec!["a".into()],
        ref_schema: ref_schema.map(String::from),
        ref_table: "gone".into(),
        ref_columns: vec!["id".into()],
        ..ForeignKey::default()
    };
    let table = Table {
        name: "t".into(),
        columns: vec![col("a", "integer", true)],
        foreign_keys: vec![fk(None), fk(Some("audit"))],
        ..Table::default()
    };
    let hcl =
        write(&realm(vec![Schema { name: "public".into(), tables: vec![table], ..Schema::default() }]), "postgres");
    contains(&hcl, "    ref_columns = [table.gone.column.id]\n");
    contains(&hcl, "    ref_columns = [table.audit.gone.column.id]\n");
}

#[test]
fn helpers() {
    assert_eq!(action("postgres", None), "NO_ACTION");
    assert_eq!(action("mysql", None), "RESTRICT");
    assert_eq!(action("mysql", Some("NO ACTION")), "NO_ACTION");
    assert_eq!(action("sqlite", Some("set default")), "SET_DEFAULT");
    assert_eq!(action("sqlite", Some("weird one")), "\"weird one\"");
    assert_eq!(split_top_level("a, f(b, 'x,y'), \"c,d\""), Some(vec!["a", "f(b, 'x,y')", "\"c,d\""]));
    assert_eq!(split_top_level("a)"), None);
    assert_eq!(check_body("CHECK ((a > 0))"), "(a > 0)");
    assert_eq!(check_body("CHECK (a > 0) NOT VALID"), "CHECK (a > 0) NOT VALID");
    assert_eq!(check_body("CHECK (a) AND (b)"), "CHECK (a) AND (b)");
    assert_eq!(sqlite_view_query("v", "create view if not exists \"V\" as\n  select 1"), Some("select 1"));
    assert_eq!(sqlite_view_query("a b", "CREATE VIEW [a b] AS SELECT 1"), Some("SELECT 1"));
    assert_eq!(sqlite_view_query("v", "CREATE VIEW main.v AS SELECT 1"), None);
    assert_eq!(sqlite_view_query("v", "CREATE VIEW vv AS SELECT 1"), None);
    assert_eq!(sqlite_view_query("v", "CREATE VIEW v ASSELECT 1"), None);
    assert_eq!(sqlite_view_query("v", "CREATE VIEW \"v\"\"x\" AS SELECT 1"), None);
    assert_eq!(sqlite_view_query("v\"x", "CREATE VIEW \"v\"\"x\" AS SELECT 1"), Some("SELECT 1"));
    let t =
        Table { name: "t".into(), columns: vec![col("a", "int", true), col("B c", "int", true)], ..Table::default() };
    let mut out = String::new();
    partition(&t, "LIST (a, \"B c\")").unwrap().render(0, &mut out);
    assert_eq!(out, "partition {\n  type    = LIST\n  columns = [column.a, column[\"B c\"]]\n}\n");
    assert!(partition(&t, "WEIRD (a)").is_none());
}

/// The dialect's own attribute `name` among `attrs`.
fn attr_of<'a>(attrs: &'a [Attr], name: &str) -> Option<&'a Value> {
    attrs.iter().find_map(|a| match a {
        Attr::Other { name: n, value, .. } if n == name => Some(value),
        _ => None,
    })
}

/// Everything the writer writes for SQLite, PostgreSQL and MySQL reads back,
/// and what it holds comes back to the same model (but for spellings the dev
/// database normalizes, such as `timestamptz(3)` or `'00000'` for `'00000'::text`).
#[test]
fn everything_written_reads_back() {
    let read = |realm: &Realm, dialect: &str| {
        let hcl = write(realm, dialect);
        match crate::schema_hcl::parse(&[("schema.hcl".into(), hcl.clone())], dialect) {
            Ok(read) => read,
            Err(e) => panic!("{dialect}: {e}\n{hcl}"),
        }
    };

    let sqlite = read(&sqlite_realm(), "sqlite");
    let main = &sqlite.schemas[0];
    let teams = main.table("teams").unwrap();
    assert_eq!(teams.primary_key.as_ref().unwrap().attrs, [Attr::AutoIncrement]);
    assert!(teams.columns[0].attrs.is_empty());
    assert_eq!(teams.indexes, sqlite_realm().schemas[0].tables[0].indexes);
    let users = main.table("users").unwrap();
    let written = &sqlite_realm().schemas[0].tables[1];
    assert_eq!(users.foreign_keys, written.foreign_keys);
    assert_eq!(users.checks, written.checks);
    assert_eq!(users.indexes, written.indexes);
    assert_eq!(users.attrs, written.attrs);
    assert_eq!(
        users.columns.iter().map(|c| &c.ty).collect::<Vec<_>>(),
        ["integer", "varchar(255)", "integer", "datetime", ""]
    );
    // SQLite keeps a trigger's text: both come back as they were.
    assert_eq!(main.triggers, sqlite_realm().schemas[0].triggers);

    let postgres = read(&postgres_realm(), "postgres");
    let public = postgres.schema("public").unwrap();
    let model = postgres_realm();
    let model_public = model.schema("public").unwrap();
    // Enums, domains, sequences and extensions: the same objects (the domain's default aside).
    for kind in ["enum", "sequence", "extension"] {
        assert_eq!(attr_of(&public.attrs, kind), attr_of(&model_public.attrs, kind), "{kind}");
    }
    let mut domain = attr_of(&model_public.attrs, "domain").unwrap().clone();
    domain["default"] = json!("'00000'");
    assert_eq!(attr_of(&public.attrs, "domain"), Some(&domain));
    let orders = public.table("orders").unwrap();
    let model_orders = model_public.table("orders").unwrap();
    assert_eq!(attr_of(&orders.attrs, "partition_by"), Some(&json!("RANGE (\"at\", (lower((state)::text)))")));
    assert_eq!(attr_of(&orders.attrs, "rls"), Some(&json!(true)));
    // The identity's cache has no HCL form (a `# not written` comment says so).
    assert_eq!(attr_of(&orders.columns[0].attrs, "identity"), Some(&json!("BY DEFAULT")));
    assert_eq!(attr_of(&orders.columns[0].attrs, "identity_options"), Some(&json!({"start": 10, "increment": 5})));
    assert_eq!(orders.columns[5].ty, "\"mood\"");
    for name in ["orders_doc", "orders_state_key", "orders_recent"] {
        let (got, want) = (orders.index(name).unwrap(), model_orders.index(name).unwrap());
        assert_eq!((got.unique, &got.parts, &got.predicate), (want.unique, &want.parts, &want.predicate), "{name}");
        for key in ["method", "opclass", "nulls", "include", "nulls_not_distinct", "constraint", "comment"] {
            assert_eq!(attr_of(&got.attrs, key), attr_of(&want.attrs, key), "{name} {key}");
        }
    }
    // Of the storage parameters only pages_per_range is written.
    assert_eq!(attr_of(&orders.index("orders_recent").unwrap().attrs, "with"), Some(&json!(["pages_per_range=16"])));
    assert_eq!(orders.foreign_keys[0].ref_schema.as_deref(), Some("other"));
    assert!(postgres.schema("other").unwrap().table("users").is_some());
    assert_eq!(public.views.len(), 2);
    // Functions and triggers: their parts come back, their names quoted and
    // qualified (two schemas); what was written whole comes back whole.
    let functions = |schema: &Schema| -> Vec<Value> {
        schema
            .attrs
            .iter()
            .filter_map(|a| match a {
                Attr::Other { name, value, .. } if name == "function" => Some(value.clone()),
                _ => None,
            })
            .collect()
    };
    let (got, want) = (functions(public), functions(model_public));
    assert_eq!(got.len(), 3, "the overload f(a text) is not written: {got:?}");
    for (got, want) in got.iter().zip(want.iter().filter(|f| f["args"] != "a text")) {
        let def = |v: &Value| v["def"].as_str().unwrap_or_default().to_string();
        assert_eq!((&got["name"], &got["kind"], &got["comment"]), (&want["name"], &want["kind"], &want["comment"]));
        match (parse_function(&def(got)), parse_function(&def(want))) {
            (Some(g), Some(w)) => {
                assert_eq!(g.schema.as_deref(), Some("public"));
                assert_eq!(FunctionSql { schema: None, ..g }, w);
                assert!(def(got).starts_with("CREATE OR REPLACE FUNCTION \"public\".\""), "{}", def(got));
            }
            _ => assert_eq!(def(got), def(want)),
        }
    }
    assert_eq!(got[1]["args"], "a integer");
    assert_eq!(
        public.triggers.iter().map(|t| t.def.as_str()).collect::<Vec<_>>(),
        [
            "CREATE TRIGGER \"orders_audit\" AFTER INSERT OR UPDATE OF \"state\" ON \"public\".\"orders\" FOR EACH ROW \
             EXECUTE FUNCTION \"public\".\"audit\"()",
            "CREATE TRIGGER orders_args BEFORE DELETE ON orders FOR EACH STATEMENT EXECUTE FUNCTION audit('x')",
        ]
    );

    let mysql = read(&mysql_realm(), "mysql");
    let users = mysql.schemas[0].table("users").unwrap();
    let model = mysql_realm();
    let model_users = model.schemas[0].table("users").unwrap();
    assert_eq!(users.columns[0].ty, "int unsigned");
    assert_eq!(users.columns[5].ty, "smallint(5) unsigned zerofill");
    assert_eq!(users.index("name_prefix").unwrap().parts, model_users.index("name_prefix").unwrap().parts);
    assert_eq!(attr_of(&users.index("name_prefix").unwrap().attrs, "sub_parts"), Some(&json!([10, null])));
    assert_eq!(attr_of(&users.attrs, "auto_increment"), Some(&json!(1000)));
    assert_eq!(mysql.schemas[0].triggers, model.schemas[0].triggers);
    let view = &mysql.schemas[0].views[0];
    assert_eq!(attr_of(&view.attrs, "security"), Some(&json!("INVOKER")));
    assert_eq!(attr_of(&view.attrs, "check_option"), Some(&json!("CASCADED")));

    // ClickHouse: the same model, but for the spellings the server rewrites
    // (a key's backquotes, `SETTINGS` values).
    let clickhouse = read(&clickhouse_realm(), "clickhouse");
    let model = clickhouse_realm();
    let (got, want) = (&clickhouse.schemas[0], &model.schemas[0]);
    let sorted = |attrs: &[Attr]| {
        let mut attrs = attrs.to_vec();
        attrs.sort_by_key(|a| format!("{a:?}"));
        attrs
    };
    assert_eq!(got.tables.len(), want.tables.len());
    for (got, want) in got.tables.iter().zip(&want.tables) {
        assert_eq!(got.columns, want.columns, "{}", got.name);
        assert_eq!(sorted(&got.attrs), sorted(&want.attrs), "{}", got.name);
    }
    assert_eq!(got.views.len(), want.views.len());
    for (got, want) in got.views.iter().zip(&want.views) {
        assert_eq!((&got.name, &got.def), (&want.name, &want.def));
        assert_eq!(sorted(&got.attrs), sorted(&want.attrs), "{}", got.name);
    }
}
