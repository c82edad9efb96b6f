//! `schema inspect` prints the schema as Atlas's schema HCL by default, on
//! every dialect; `--format` picks SQL or JSON, by name or by Atlas's Go
//! templates, and refuses anything else as a usage error.

use strata_tests::Run;
use strata_tests::db::{Db, Kind};

fn inspect(db: &Db, extra: &[&str]) -> Run {
    let mut args = vec!["schema", "inspect", "--url", &db.url];
    args.extend_from_slice(extra);
    db.strata(&args)
}

#[track_caller]
fn has(hcl: &str, snippet: &str) {
    assert!(hcl.contains(snippet), "missing:\n{snippet}\n--- in:\n{hcl}");
}

const SQLITE: &str = "
CREATE TABLE teams (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL UNIQUE);
CREATE TABLE users (
  id integer NOT NULL PRIMARY KEY,
  name varchar(255) DEFAULT 'x',
  team_id integer REFERENCES teams(id) ON DELETE CASCADE,
  CONSTRAINT positive CHECK (id > 0)
);
CREATE UNIQUE INDEX idx_name ON users (name);
CREATE INDEX idx_lower ON users (lower(name) DESC) WHERE team_id IS NOT NULL;
CREATE TABLE kv (k text PRIMARY KEY, v any) WITHOUT ROWID, STRICT;
CREATE VIEW v AS SELECT id FROM users;
";

#[test]
fn sqlite_schema_as_hcl() {
    let db = Db::sqlite("hcl-inspect").unwrap();
    db.exec(SQLITE);
    let hcl = inspect(&db, &[]).ok().stdout();
    for snippet in [
        "table \"teams\" {\n  schema = schema.main\n  column \"id\" {\n    null           = true\n    \
         type           = integer\n    auto_increment = true\n  }\n",
        "  column \"name\" {\n    null    = true\n    type    = varchar(255)\n    default = \"x\"\n  }\n",
        "  primary_key {\n    columns = [column.id]\n  }\n",
        "  unique \"sqlite_autoindex_teams_1\" {\n    columns = [column.name]\n  }\n",
        "  foreign_key {\n    columns     = [column.team_id]\n    ref_columns = [table.teams.column.id]\n    \
         on_update   = NO_ACTION\n    on_delete   = CASCADE\n  }\n",
        "  index \"idx_lower\" {\n    on {\n      expr = \"lower(name)\"\n      desc = true\n    }\n    \
         where = \"team_id IS NOT NULL\"\n  }\n",
        "  index \"idx_name\" {\n    unique  = true\n    columns = [column.name]\n  }\n",
        "  check \"positive\" {\n    expr = \"id > 0\"\n  }\n",
        "    type = sql(\"any\")\n",
        "  without_rowid = true\n  strict        = true\n}\n",
        "view \"v\" {\n  schema = schema.main\n  as     = \"SELECT id FROM users\"\n}\n",
    ] {
        has(&hcl, snippet);
    }
    assert!(hcl.ends_with("schema \"main\" {\n}\n"), "{hcl}");
    // The same database prints the same text.
    assert!(hcl.starts_with("table \"kv\" {\n"), "tables in name order: {hcl}");
    assert_eq!(inspect(&db, &[]).ok().stdout(), hcl);
}

const POSTGRES: &str = "
CREATE TYPE mood AS ENUM ('sad', 'ok');
CREATE TABLE teams (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, name character varying(255) NOT NULL UNIQUE);
CREATE TABLE users (
  id serial PRIMARY KEY,
  name varchar(255) NOT NULL DEFAULT 'x',
  price numeric(10,2) DEFAULT 0,
  tags text[],
  at timestamptz(3) NOT NULL DEFAULT now(),
  m mood,
  team_id bigint REFERENCES teams(id) ON DELETE CASCADE,
  CONSTRAINT positive CHECK (price >= 0)
);
COMMENT ON COLUMN users.name IS 'the name';
CREATE INDEX users_lower ON users (lower(name) DESC) WHERE team_id IS NOT NULL;
CREATE UNIQUE INDEX users_name_team ON users (name, team_id);
CREATE VIEW active AS SELECT id, name FROM users WHERE team_id IS NOT NULL;
";

#[test]
fn postgres_schema_as_hcl() {
    let Some(db) = Db::postgres("hcl_inspect") else { return };
    db.exec(POSTGRES);
    let hcl = inspect(&db, &[]).ok().stdout();
    for snippet in [
        "table \"teams\" {\n  schema = schema.public\n  column \"id\" {\n    null = false\n    type = bigint\n    \
         identity {\n      generated = ALWAYS\n    }\n  }\n",
        "  unique \"teams_name_key\" {\n    columns = [column.name]\n  }\n",
        "  column \"id\" {\n    null = false\n    type = serial\n  }\n",
        "  column \"name\" {\n    null    = false\n    type    = character_varying(255)\n    default = \"x\"\n    \
         comment = \"the name\"\n  }\n",
        "    type    = numeric(10,2)\n    default = 0\n",
        "    type = sql(\"text[]\")\n",
        "    type    = timestamptz(3)\n    default = sql(\"now()\")\n",
        "  column \"m\" {\n    null = true\n    type = enum.mood\n  }\n",
        "  primary_key {\n    columns = [column.id]\n  }\n",
        "  foreign_key \"users_team_id_fkey\" {\n    columns     = [column.team_id]\n    \
         ref_columns = [table.teams.column.id]\n    on_update   = NO_ACTION\n    on_delete   = CASCADE\n  }\n",
        "  index \"users_lower\" {\n    on {\n      expr = \"lower(name::text)\"\n      desc = true\n    }\n    \
         where = \"(team_id IS NOT NULL)\"\n  }\n",
        "  index \"users_name_team\" {\n    unique  = true\n    columns = [column.name, column.team_id]\n  }\n",
        "  check \"positive\" {\n    expr = \"(price >= (0)::numeric)\"\n  }\n",
        "view \"active\" {\n  schema = schema.public\n  as     = \"SELECT users.id,\\n    users.name\\n",
        "enum \"mood\" {\n  schema = schema.public\n  values = [\"sad\", \"ok\"]\n}\n",
        "schema \"public\" {\n}\n",
    ] {
        has(&hcl, snippet);
    }
    // SQL and JSON on demand.
    has(&inspect(&db, &["--format", "sql"]).ok().stdout(), "CREATE TABLE \"public\".\"users\"");
    let json = inspect(&db, &["--format", "{{ json . }}"]).ok().json();
    assert!(json["schemas"].as_array().is_some_and(|s| s.iter().any(|s| s["name"] == "public")), "{json}");
}

const MYSQL: &str = "
CREATE TABLE teams (id int unsigned NOT NULL AUTO_INCREMENT PRIMARY KEY, name varchar(100) NOT NULL,
  UNIQUE KEY teams_name (name)) ENGINE=InnoDB;
CREATE TABLE users (
  id bigint NOT NULL AUTO_INCREMENT,
  name varchar(255) NOT NULL DEFAULT 'x' COMMENT 'the name',
  kind enum('a','b') NOT NULL DEFAULT 'a',
  at timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
  team_id int unsigned,
  PRIMARY KEY (id),
  KEY users_name_prefix (name(10), kind),
  CONSTRAINT users_team FOREIGN KEY (team_id) REFERENCES teams (id) ON DELETE CASCADE
) ENGINE=InnoDB COMMENT='people';
CREATE VIEW active AS SELECT id, name FROM users WHERE team_id IS NOT NULL;
";

#[test]
fn mysql_schema_as_hcl() {
    let Some(db) = Db::mysql("hcl_inspect") else { return };
    db.exec(MYSQL);
    let Kind::Mysql(target, _) = &db.kind else { unreachable!() };
    let hcl = inspect(&db, &[]).ok().stdout();
    let schema = format!("schema.{}", target.name);
    for snippet in [
        format!(
            "table \"teams\" {{\n  schema = {schema}\n  column \"id\" {{\n    null           = false\n    \
             type           = int\n    unsigned       = true\n    auto_increment = true\n  }}\n"
        ),
        "  column \"name\" {\n    null    = false\n    type    = varchar(255)\n    default = \"x\"\n    \
         comment = \"the name\"\n  }\n"
            .into(),
        "  column \"kind\" {\n    null    = false\n    type    = enum(\"a\",\"b\")\n    default = \"a\"\n  }\n".into(),
        "    type      = timestamp\n    default   = sql(\"CURRENT_TIMESTAMP\")\n    \
         on_update = sql(\"CURRENT_TIMESTAMP\")\n"
            .into(),
        "  primary_key {\n    columns = [column.id]\n  }\n".into(),
        "  foreign_key \"users_team\" {\n    columns     = [column.team_id]\n    ref_columns = [table.teams.column.id]\n    \
         on_update   = RESTRICT\n    on_delete   = CASCADE\n  }\n"
            .into(),
        "  index \"users_name_prefix\" {\n    on {\n      column = column.name\n      prefix = 10\n    }\n    on {\n      \
         column = column.kind\n    }\n  }\n"
            .into(),
        "  index \"teams_name\" {\n    unique  = true\n    columns = [column.name]\n  }\n".into(),
        "  comment = \"people\"\n  engine  = InnoDB\n}\n".into(),
        format!("view \"active\" {{\n  schema = {schema}\n  as     = \"select `users`.`id` AS `id`"),
        format!("schema \"{}\" {{\n  charset = \"", target.name),
    ] {
        has(&hcl, &snippet);
    }
    // Strata's own tables never show.
    assert!(!hcl.contains("atlas_schema_revisions"), "{hcl}");
    has(&inspect(&db, &["--format", "{{ sql . }}"]).ok().stdout(), "CREATE TABLE `users`");
}

#[test]
fn formats_by_name_and_by_template() {
    let db = Db::sqlite("hcl-formats").unwrap();
    db.exec("CREATE TABLE t (id integer PRIMARY KEY, name text);");
    let hcl = inspect(&db, &[]).ok().stdout();
    assert!(hcl.starts_with("table \"t\" {\n  schema = schema.main\n"), "{hcl}");
    for format in ["hcl", "{{ hcl . }}", "{{hcl .}}", " {{  hcl  .  }} "] {
        assert_eq!(inspect(&db, &["--format", format]).ok().stdout(), hcl, "--format {format:?}");
    }
    let sql = inspect(&db, &["--format", "sql"]).ok().stdout();
    assert!(sql.contains("CREATE TABLE `t`"), "{sql}");
    for format in ["{{ sql . }}", "{{sql .}}"] {
        assert_eq!(inspect(&db, &["--format", format]).ok().stdout(), sql, "--format {format:?}");
    }
    for format in ["json", "{{ json . }}", "{{json .}}"] {
        let json = inspect(&db, &["--format", format]).ok().json();
        assert_eq!(json["schemas"][0]["tables"][0]["name"], "t", "--format {format:?}: {json}");
    }
    // The global flag before the command still picks JSON or SQL.
    let json = db.strata(&["--format", "json", "schema", "inspect", "--url", &db.url]).ok().json();
    assert_eq!(json["schemas"][0]["tables"][0]["name"], "t");
    assert_eq!(db.strata(&["--format", "sql", "schema", "inspect", "--url", &db.url]).ok().stdout(), sql);
}

#[test]
fn unknown_formats_and_templates_are_usage_errors() {
    let db = Db::sqlite("hcl-bad-format").unwrap();
    db.exec("CREATE TABLE t (id integer PRIMARY KEY);");
    for format in ["{{ yaml . }}", "{{ sql . \"  \" }}", "{{ json }}", "xml", "{{ .Tables }}"] {
        let run = inspect(&db, &["--format", format]).expect_code(2);
        let err = run.stderr();
        assert!(run.stdout().is_empty(), "--format {format:?} printed: {}", run.stdout());
        for supported in ["hcl", "sql", "json", "{{ hcl . }}", "{{ sql . }}", "{{ json . }}"] {
            assert!(err.contains(supported), "--format {format:?}: {supported} not listed in: {err}");
        }
        assert!(err.contains(&format!("{format:?}")), "--format {format:?} not named in: {err}");
    }
}
