//! What `schema inspect` prints as schema HCL reads back, on every dialect
//! that reads schema HCL, with rich schemas:
//!
//! 1. a database built from SQL is inspected to HCL, the HCL is applied to an
//!    empty database, and the two databases are the same: `schema diff`
//!    reports them synced, the catalogs agree (`pg_dump --schema-only`,
//!    `SHOW CREATE TABLE`, SQLite's pragmas) and so do their inspections;
//! 2. hand-written HCL is applied, inspected, the inspection applied to a
//!    second empty database and inspected again: both inspections are the
//!    same text, and each applies to its own database as no change.
//!
//! What has no HCL form is left out of these schemas; the last test shows
//! how it is reported (a `# not written` comment) and that the rest still
//! reads back.

use std::process::Command;

use strata_tests::Run;
use strata_tests::db::{Db, Kind};

// ---------------------------------------------------------------- SQLite

const SQLITE_SQL: &str = r#"
CREATE TABLE users (
  id integer PRIMARY KEY AUTOINCREMENT,
  email text NOT NULL COLLATE NOCASE,
  age int CHECK (age >= 0),
  score real DEFAULT 1.5,
  created text DEFAULT CURRENT_TIMESTAMP,
  flag boolean DEFAULT TRUE,
  nick varchar(20) DEFAULT 'it''s',
  avatar blob DEFAULT x'00ff',
  debt int DEFAULT -5,
  big integer DEFAULT 12345678901234567,
  sum_default int DEFAULT (1 + 2),
  shout text GENERATED ALWAYS AS (upper(email) || '!') VIRTUAL,
  email_len int AS (length(email)) STORED
);
CREATE UNIQUE INDEX users_email ON users (lower(email));
CREATE INDEX users_recent ON users (created DESC, nick COLLATE NOCASE) WHERE flag;
CREATE TABLE orgs (
  id int, region text, name text UNIQUE,
  PRIMARY KEY (id, region)
) WITHOUT ROWID;
CREATE TABLE members (
  user_id integer NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  org_id int NOT NULL,
  region text NOT NULL,
  role text NOT NULL DEFAULT 'member',
  CONSTRAINT role_ok CHECK (role IN ('member', 'admin')),
  CHECK (org_id > 0),
  FOREIGN KEY (org_id, region) REFERENCES orgs (id, region) ON UPDATE CASCADE ON DELETE SET NULL,
  CONSTRAINT members_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE RESTRICT
);
CREATE INDEX members_admins ON members (org_id DESC, region COLLATE NOCASE) WHERE role = 'admin';
CREATE TABLE kv (k text PRIMARY KEY, v any, n integer NOT NULL DEFAULT 0) STRICT;
CREATE TABLE posts (
  user_id integer NOT NULL REFERENCES users (id),
  slug text NOT NULL,
  body text,
  PRIMARY KEY (user_id, slug DESC),
  UNIQUE (slug, body)
);
CREATE TABLE "odd name" ("a b" int PRIMARY KEY, "c""d" text DEFAULT '${x}');
CREATE VIEW admins AS SELECT user_id FROM members WHERE role = 'admin';
CREATE VIEW pairs (member, org) AS SELECT user_id, org_id FROM members;
CREATE TABLE audit_log (user_id integer, what text);
CREATE TRIGGER users_audit AFTER UPDATE OF email ON users FOR EACH ROW WHEN new.email <> old.email
BEGIN
  INSERT INTO audit_log VALUES (new.id, 'email');
END;
CREATE TRIGGER admins_insert INSTEAD OF INSERT ON admins
BEGIN
  INSERT INTO members (user_id, org_id, region) VALUES (new.user_id, 1, 'eu');
END;
CREATE TRIGGER "kv_count" AFTER INSERT ON "kv" FOR EACH ROW BEGIN UPDATE kv SET n = n + 1 WHERE k = new.k; END;
"#;

const SQLITE_HCL: &str = r#"
schema "main" {}

table "users" {
  schema = schema.main
  column "id" {
    type = integer
    auto_increment = true
  }
  column "email" {
    type = text
    collate = "NOCASE"
  }
  column "score" {
    type = real
    null = true
    default = sql("1.5")
  }
  column "created" {
    type = datetime
    default = sql("CURRENT_TIMESTAMP")
  }
  column "name" {
    type = varchar(100)
    null = true
    default = "anon"
  }
  column "email_len" {
    type = int
    null = true
    as {
      expr = "length(email)"
      type = STORED
    }
  }
  primary_key {
    columns = [column.id]
  }
  unique "users_email_name" {
    columns = [column.email, column.name]
  }
  index "users_lower_name" {
    on {
      expr = "lower(name)"
      desc = true
    }
    on {
      column = column.email
      collate = "RTRIM"
    }
    where = "score > 0"
  }
  check "score_positive" {
    expr = "score >= 0"
  }
  check {
    expr = "length(email) > 3"
  }
}

table "tags" {
  schema = schema.main
  without_rowid = true
  strict = true
  column "user_id" {
    type = integer
  }
  column "tag" {
    type = text
  }
  column "weight" {
    type = integer
    default = -1
  }
  primary_key {
    on {
      column = column.user_id
    }
    on {
      column = column.tag
      desc = true
    }
  }
  foreign_key {
    columns = [column.user_id]
    ref_columns = [table.users.column.id]
    on_delete = CASCADE
    on_update = NO_ACTION
  }
}

view "heavy_tags" {
  schema = schema.main
  as = "SELECT user_id, tag FROM tags WHERE weight > 10"
  depends_on = [table.tags]
}

trigger "users_email_guard" {
  on = table.users
  before {
    update_of = [table.users.column.email]
  }
  when = "new.email NOT LIKE '%@%'"
  as = <<-SQL
    BEGIN
      SELECT RAISE(ABORT, 'not an address');
    END;
  SQL
}

trigger "heavy_tags_insert" {
  on = view.heavy_tags
  instead_of {
    insert = true
  }
  as = "INSERT INTO tags (user_id, tag, weight) VALUES (new.user_id, new.tag, 11)"
}
"#;

/// What the first inspection of [`SQLITE_HCL`] shows (runs of spaces as one).
const SQLITE_SHOWS: &[&str] = &[
    "type = integer auto_increment = true",
    "collate = \"NOCASE\"",
    "type = STORED",
    "unique \"sqlite_autoindex_users_1\" { columns = [column.email, column.name]",
    "expr = \"lower(name)\" desc = true } on { column = column.email collate = \"RTRIM\" } where = \"score > 0\"",
    "check { expr = \"length(email) > 3\" }",
    "primary_key { on { column = column.user_id } on { column = column.tag desc = true } }",
    "foreign_key { columns = [column.user_id] ref_columns = [table.users.column.id] on_update = NO_ACTION on_delete = CASCADE }",
    "without_rowid = true strict = true",
    "view \"heavy_tags\"",
    "trigger \"heavy_tags_insert\" { on = view.heavy_tags instead_of { insert = true } as = \"BEGIN INSERT INTO tags (user_id, tag, weight) VALUES (new.user_id, new.tag, 11); END\" }",
    "trigger \"users_email_guard\" { on = table.users before { update_of = [table.users.column.email] } when = \"new.email NOT LIKE '%@%'\" as = <<-SQL BEGIN SELECT RAISE(ABORT, 'not an address'); END SQL }",
];

/// A SQLite table as its pragmas describe it: its kind and options, its
/// columns, its indexes with their parts, and its foreign keys, in an order
/// that does not depend on the order of declaration. `sqlite_autoindex_T_N`
/// is numbered by the order of the constraints in `CREATE TABLE`, so it
/// loses its number.
fn sqlite_table(db: &Db, table: &str) -> Vec<String> {
    let q = table.replace('\'', "''");
    let rows = |sql: String| db.rows(&sql).into_iter().map(|r| r.join("|")).collect::<Vec<_>>();
    let mut out =
        rows(format!("SELECT type, ncol, wr, strict FROM pragma_table_list WHERE schema = 'main' AND name = '{q}'"));
    out.extend(rows(format!(
        "SELECT cid, name, type, \"notnull\", dflt_value, pk, hidden FROM pragma_table_xinfo('{q}') ORDER BY cid"
    )));
    let mut indexes = Vec::new();
    for index in db.rows(&format!("SELECT name, \"unique\", origin, partial FROM pragma_index_list('{q}')")) {
        let name = match index[0].strip_prefix(&format!("sqlite_autoindex_{table}_")) {
            Some(_) => format!("sqlite_autoindex_{table}"),
            None => index[0].clone(),
        };
        let parts = rows(format!(
            "SELECT seqno, cid, name, desc, coll, key FROM pragma_index_xinfo('{}') ORDER BY seqno",
            index[0].replace('\'', "''")
        ));
        indexes.push(format!("index {name} {}: {}", index[1..].join("|"), parts.join(", ")));
    }
    indexes.sort();
    out.extend(indexes);
    let mut fks: std::collections::BTreeMap<String, Vec<String>> = Default::default();
    for fk in db.rows(&format!(
        "SELECT id, seq, \"table\", \"from\", \"to\", on_update, on_delete, \"match\" FROM pragma_foreign_key_list('{q}') ORDER BY id, seq"
    )) {
        fks.entry(fk[0].clone()).or_default().push(fk[2..].join("|"));
    }
    let mut fks: Vec<String> = fks.into_values().map(|parts| format!("foreign key {}", parts.join(", "))).collect();
    fks.sort();
    out.extend(fks);
    out
}

/// Every table and view of a SQLite database, as [`sqlite_table`] and the
/// views' result columns describe them, and its triggers' stored text.
fn sqlite_catalog(db: &Db) -> Vec<String> {
    let mut out = Vec::new();
    for table in db.tables() {
        out.push(format!("table {table}"));
        out.extend(sqlite_table(db, &table));
    }
    for view in db.rows("SELECT name FROM sqlite_master WHERE type = 'view' ORDER BY name") {
        out.push(format!("view {}", view[0]));
        out.extend(
            db.rows(&format!("SELECT cid, name, type FROM pragma_table_info('{}')", view[0]))
                .into_iter()
                .map(|r| r.join("|")),
        );
    }
    for trigger in db.rows("SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'trigger' ORDER BY name") {
        out.push(format!("trigger {}", trigger.join("|")));
    }
    out
}

// ---------------------------------------------------------------- PostgreSQL

const POSTGRES_SQL: &str = r#"
CREATE EXTENSION citext;
CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');
COMMENT ON TYPE mood IS 'feelings';
CREATE DOMAIN posint AS integer DEFAULT 1 NOT NULL CONSTRAINT posint_check CHECK (VALUE > 0);
CREATE DOMAIN email AS text CHECK (VALUE ~ '@') CHECK (length(VALUE) < 200);
CREATE SEQUENCE order_no AS integer START WITH 100 INCREMENT BY 5 MINVALUE 10 MAXVALUE 100000 CACHE 3 CYCLE;
CREATE SEQUENCE countdown INCREMENT BY -1;
COMMENT ON SEQUENCE countdown IS 'down to the least bigint';
CREATE FUNCTION positive(v numeric) RETURNS boolean LANGUAGE sql IMMUTABLE STRICT AS 'SELECT v >= 0';
COMMENT ON FUNCTION positive(numeric) IS 'not negative';
CREATE TABLE users (
  id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  email varchar(255) NOT NULL,
  name text DEFAULT 'anon',
  mood mood DEFAULT 'ok',
  tags text[],
  score numeric(10,2) DEFAULT 0,
  ratio double precision DEFAULT 1.5,
  flag boolean NOT NULL DEFAULT true,
  created_at timestamptz(3) NOT NULL DEFAULT now(),
  plain_at timestamp without time zone,
  zoned time with time zone,
  precise time(6),
  bits bit varying(8),
  payload jsonb DEFAULT '{}',
  lower_email text GENERATED ALWAYS AS (lower(email)) STORED,
  code char(3) DEFAULT 'abc',
  nick text COLLATE "C",
  span interval day to second(3),
  ord integer DEFAULT nextval('order_no'),
  level posint,
  contact email,
  CONSTRAINT users_email_key UNIQUE (email),
  CONSTRAINT score_positive CHECK (score >= 0),
  CONSTRAINT score_sane CHECK (positive(score))
);
COMMENT ON TABLE users IS 'the people';
COMMENT ON COLUMN users.name IS 'display name';
CREATE INDEX users_lower_email ON users (lower(email));
CREATE INDEX users_happy ON users (created_at DESC NULLS LAST, name NULLS FIRST) WHERE mood = 'happy';
CREATE INDEX users_tags ON users USING gin (tags);
CREATE INDEX users_brin ON users USING brin (created_at) WITH (pages_per_range = 32);
CREATE INDEX users_cover ON users (email) INCLUDE (name, score);
CREATE INDEX users_ops ON users (name text_pattern_ops);
CREATE INDEX users_collate ON users (name COLLATE "C" DESC);
CREATE UNIQUE INDEX users_nick ON users (nick) NULLS NOT DISTINCT;
COMMENT ON INDEX users_cover IS 'covering';
CREATE TABLE orgs (
  id int, region text, serial_id serial, big bigserial,
  PRIMARY KEY (id, region),
  CONSTRAINT orgs_serial UNIQUE NULLS NOT DISTINCT (serial_id) INCLUDE (big)
);
CREATE TABLE members (
  user_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  org_id int NOT NULL,
  region text,
  role text NOT NULL DEFAULT 'member' CHECK (role IN ('member', 'admin')),
  since date DEFAULT '2020-01-01',
  n int GENERATED ALWAYS AS IDENTITY (START WITH 10 INCREMENT BY 2),
  CONSTRAINT members_pk PRIMARY KEY (user_id, org_id),
  CONSTRAINT members_org FOREIGN KEY (org_id, region) REFERENCES orgs (id, region) ON UPDATE CASCADE ON DELETE SET NULL
);
ALTER TABLE members ENABLE ROW LEVEL SECURITY;
ALTER TABLE members FORCE ROW LEVEL SECURITY;
CREATE TABLE events (id int, at date NOT NULL, kind text) PARTITION BY LIST (lower(kind));
CREATE VIEW admins AS SELECT user_id FROM members WHERE role = 'admin';
COMMENT ON VIEW admins IS 'admins only';
CREATE VIEW scored AS SELECT id FROM users WHERE positive(score);
CREATE FUNCTION touch_members() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.since := coalesce(NEW.since, current_date);
  RETURN NEW;
END;
$$;
CREATE TRIGGER members_touch BEFORE INSERT OR UPDATE OF since, role ON members
  FOR EACH ROW EXECUTE FUNCTION touch_members();
CREATE TRIGGER members_admins AFTER DELETE ON members FOR EACH ROW WHEN (old.role = 'admin')
  EXECUTE FUNCTION touch_members();
CREATE TRIGGER members_args BEFORE TRUNCATE ON members EXECUTE FUNCTION touch_members('truncate');
CREATE TRIGGER admins_insert INSTEAD OF INSERT ON admins FOR EACH ROW EXECUTE FUNCTION touch_members();
CREATE PROCEDURE bump(n int DEFAULT 1) LANGUAGE sql AS 'SELECT n';
CREATE MATERIALIZED VIEW member_counts AS SELECT org_id, count(*) AS n FROM members GROUP BY org_id;
CREATE SCHEMA audit;
COMMENT ON SCHEMA audit IS 'who did what';
CREATE TABLE audit.users (id bigint PRIMARY KEY, user_id bigint REFERENCES public.users (id) ON DELETE SET NULL);
CREATE TABLE audit.things (id int PRIMARY KEY, user_id bigint REFERENCES audit.users (id));
CREATE FUNCTION audit.stamp() RETURNS trigger LANGUAGE plpgsql SET search_path = audit AS 'BEGIN RETURN NEW; END';
CREATE TRIGGER things_stamp AFTER INSERT ON audit.things FOR EACH STATEMENT EXECUTE FUNCTION audit.stamp();
"#;

const POSTGRES_HCL: &str = r#"
schema "public" {
  comment = "the app"
}
schema "audit" {}

extension "hstore" {
  schema = schema.public
}
enum "mood" {
  schema = schema.public
  values = ["sad", "ok", "it's fine"]
  comment = "feelings"
}
domain "posint" {
  schema = schema.public
  type = int
  null = true
  default = 1
  check {
    expr = "VALUE > 0"
  }
  check "posint_small" {
    expr = "VALUE < 1000000"
  }
}
sequence "order_no" {
  schema = schema.public
  type = integer
  start = 100
  increment = 5
  comment = "order numbers"
}
sequence "countdown" {
  schema = schema.public
  increment = -1
  cycle = true
}
table "users" {
  schema = schema.public
  comment = "people"
  column "id" {
    type = bigint
    identity {
      generated = ALWAYS
      start = 10
      increment = 2
    }
  }
  column "email" {
    type = varchar(255)
    comment = "login"
  }
  column "name" {
    type = text
    null = true
    default = "anon"
    collate = "C"
  }
  column "mood" {
    type = enum.mood
    default = "it's fine"
  }
  column "tags" {
    type = sql("text[]")
    null = true
  }
  column "score" {
    type = numeric(10,2)
    default = 0
  }
  column "at" {
    type = timestamptz(3)
    default = sql("now()")
  }
  column "local_at" {
    type = timestamp_without_time_zone
    null = true
  }
  column "ord" {
    type = int
    default = sql("nextval('order_no')")
  }
  column "level" {
    type = sql("posint")
    null = true
  }
  column "lower_email" {
    type = text
    null = true
    as {
      expr = "lower(email)"
      type = STORED
    }
  }
  primary_key {
    columns = [column.id]
  }
  unique "users_email_key" {
    columns = [column.email]
    include = [column.name]
  }
  unique "users_ord_key" {
    columns = [column.ord]
    nulls_distinct = false
  }
  index "users_name_ci" {
    on {
      column = column.name
      collate = "POSIX"
      nulls_first = true
    }
    on {
      expr = "lower(email)"
      desc = true
      nulls_last = true
    }
    where = "score > 0"
  }
  index "users_tags" {
    type = GIN
    columns = [column.tags]
  }
  index "users_at_brin" {
    type = BRIN
    columns = [column.at]
    page_per_range = 16
  }
  index "users_name_ops" {
    on {
      column = column.name
      ops = text_pattern_ops
    }
    comment = "prefix search"
  }
  index "users_hash" {
    type = HASH
    columns = [column.email]
  }
  check "score_positive" {
    expr = "score >= 0"
  }
}
table "orgs" {
  schema = schema.public
  column "id" {
    type = int
  }
  column "region" {
    type = text
  }
  primary_key "orgs_key" {
    columns = [column.id, column.region]
  }
}
table "members" {
  schema = schema.public
  column "user_id" {
    type = bigint
  }
  column "org_id" {
    type = int
  }
  column "region" {
    type = text
  }
  column "role" {
    type = text
    default = "member"
  }
  primary_key {
    columns = [column.user_id, column.org_id]
  }
  foreign_key "members_user" {
    columns = [column.user_id]
    ref_columns = [table.users.column.id]
    on_delete = CASCADE
  }
  foreign_key "members_org" {
    columns = [column.org_id, column.region]
    ref_columns = [table.orgs.column.id, table.orgs.column.region]
    on_update = CASCADE
    on_delete = RESTRICT
  }
  check {
    expr = "role IN ('member', 'admin')"
  }
  row_security {
    enabled = true
    enforced = true
  }
}
table "events" {
  schema = schema.public
  column "id" {
    type = bigint
  }
  column "at" {
    type = date
  }
  column "kind" {
    type = text
  }
  partition {
    type = RANGE
    by {
      column = column.at
    }
    by {
      expr = "lower(kind)"
    }
  }
}
table "ledger" {
  schema = schema.public
  column "day" {
    type = date
  }
  column "amount" {
    type = bigint
  }
  partition {
    type = HASH
    columns = [column.day, column.amount]
  }
}
table "audit" "users" {
  schema = schema.audit
  column "id" {
    type = bigint
  }
  column "user_id" {
    type = bigint
    null = true
  }
  primary_key {
    columns = [column.id]
  }
  foreign_key "audit_user" {
    columns = [column.user_id]
    ref_columns = [table.public.users.column.id]
    on_delete = SET_NULL
  }
}
view "admins" {
  schema = schema.public
  as = "SELECT user_id FROM members WHERE role = 'admin'"
  depends_on = [table.members]
  comment = "admins only"
}
materialized "member_counts" {
  schema = schema.public
  as = "SELECT org_id, count(*) AS n FROM members GROUP BY org_id"
  comment = "members per org"
}
function "non_negative" {
  schema = schema.public
  lang = SQL
  arg "v" {
    type = numeric
  }
  return = boolean
  volatility = IMMUTABLE
  as = "SELECT v >= 0"
  comment = "checks scores"
}
function "audit_users" {
  schema = schema.audit
  lang = PLpgSQL
  return = trigger
  security = DEFINER
  as = <<-SQL
    BEGIN
      INSERT INTO audit.users (id, user_id) VALUES (NEW.id, NEW.id);
      RETURN NEW;
    END;
  SQL
}
view "scored" {
  schema = schema.public
  as = "SELECT id FROM users WHERE non_negative(score)"
}
trigger "users_audit" {
  on = table.public.users
  after {
    insert = true
    update_of = [table.public.users.column.email, table.public.users.column.name]
  }
  foreach = ROW
  when = "new.score > 0"
  execute {
    function = function.audit_users
  }
}
"#;

/// What the first inspection of [`POSTGRES_HCL`] shows (runs of spaces as one).
const POSTGRES_SHOWS: &[&str] = &[
    "extension \"hstore\" { schema = schema.public",
    "enum \"mood\" { schema = schema.public values = [\"sad\", \"ok\", \"it's fine\"] comment = \"feelings\" }",
    "type = enum.mood default = \"it's fine\"",
    "domain \"posint\" { schema = schema.public type = integer null = true default = 1 check \"posint_check\" { expr = \"(VALUE > 0)\" } check \"posint_small\"",
    "sequence \"countdown\" { schema = schema.public type = bigint start = -1 increment = -1 min_value = -9223372036854775808 max_value = -1 cache = 1 cycle = true }",
    "sequence \"order_no\" { schema = schema.public type = integer start = 100 increment = 5 min_value = 1 max_value = 2147483647 cache = 1 comment = \"order numbers\" }",
    "identity { generated = ALWAYS start = 10 increment = 2 }",
    "type = timestamptz(3) default = sql(\"now()\")",
    "type = timestamp }",
    "unique \"users_email_key\" { columns = [column.email] include = [column.name] }",
    "unique \"users_ord_key\" { columns = [column.ord] nulls_distinct = false }",
    "on { column = column.name nulls_first = true collate = \"POSIX\" } on { expr = \"lower(email::text)\" desc = true nulls_last = true }",
    "columns = [column.at] type = BRIN page_per_range = 16",
    "on { column = column.name ops = text_pattern_ops } comment = \"prefix search\"",
    "columns = [column.email] type = HASH",
    "primary_key \"orgs_key\"",
    "row_security { enabled = true enforced = true }",
    "partition { type = RANGE by { column = column.at } by { expr = \"lower(kind)\" } }",
    "partition { type = HASH columns = [column.day, column.amount] }",
    "table \"audit\" \"users\" { schema = schema.audit",
    "ref_columns = [table.public.users.column.id] on_update = NO_ACTION on_delete = SET_NULL",
    "comment = \"admins only\"",
    "materialized \"member_counts\"",
    "comment = \"members per org\"",
    "schema \"public\" { comment = \"the app\" }",
    "function \"audit_users\" { schema = schema.audit lang = PLpgSQL return = trigger security = DEFINER as = <<-SQL BEGIN INSERT INTO audit.users (id, user_id) VALUES (NEW.id, NEW.id); RETURN NEW; END; SQL }",
    "function \"non_negative\" { schema = schema.public lang = SQL arg \"v\" { type = numeric } return = boolean volatility = IMMUTABLE as = \"SELECT v >= 0\" comment = \"checks scores\" }",
    "WHERE non_negative(users.score)\"",
    "trigger \"users_audit\" { on = table.public.users after { insert = true update_of = [table.public.users.column.email, table.public.users.column.name] } foreach = ROW when = \"(new.score > (0)::numeric)\" execute { function = function.audit_users } }",
];

/// The schema as `pg_dump --schema-only` prints it, without Strata's
/// bookkeeping, comments, session settings and `\restrict` keys.
fn pg_dump(db: &Db) -> Vec<String> {
    let out = Command::new("pg_dump")
        .args([
            "--schema-only",
            "--no-owner",
            "--no-privileges",
            "--exclude-schema=atlas_schema_revisions",
            "--exclude-table=public.strata_schema_history",
            "--exclude-table=public.atlas_schema_revisions",
            db.url.as_str(),
        ])
        .output()
        .expect("run pg_dump");
    assert!(out.status.success(), "pg_dump: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter(|l| {
            let t = l.trim();
            !(t.is_empty()
                || t.starts_with("--")
                || t.starts_with("SET ")
                || t.starts_with("SELECT pg_catalog.set_config")
                || t.starts_with("\\restrict")
                || t.starts_with("\\unrestrict"))
        })
        .map(String::from)
        .collect()
}

// ---------------------------------------------------------------- MySQL

const MYSQL_SQL: &str = r#"
CREATE TABLE users (
  id bigint unsigned NOT NULL AUTO_INCREMENT,
  email varchar(255) NOT NULL,
  name varchar(100) DEFAULT 'anon' COMMENT 'display name',
  mood enum('sad','ok','happy') DEFAULT 'ok',
  perms set('r','w','x') NOT NULL DEFAULT 'r,w',
  score decimal(10,2) DEFAULT 0.00,
  ratio double DEFAULT 1.5,
  flag tinyint(1) NOT NULL DEFAULT 1,
  small smallint(5) unsigned zerofill,
  tiny tinyint unsigned DEFAULT 7,
  bio text,
  latin varchar(20) CHARACTER SET latin1 COLLATE latin1_bin,
  token varbinary(16) DEFAULT NULL,
  bits bit(3) DEFAULT b'101',
  created_at timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP,
  updated_at datetime(3) DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
  doc json,
  note varchar(50) DEFAULT 'it''s ${x}',
  shout varchar(300) GENERATED ALWAYS AS (concat(name, '!')) VIRTUAL,
  email_len int AS (length(email)) STORED,
  rnd double DEFAULT (rand()),
  PRIMARY KEY (id),
  UNIQUE KEY users_email_key (email),
  KEY users_bio (bio(20)),
  KEY users_created (created_at DESC),
  KEY users_name_mood (name, mood) COMMENT 'by name',
  FULLTEXT KEY users_ft (bio),
  CONSTRAINT score_positive CHECK (score >= 0)
) ENGINE=InnoDB AUTO_INCREMENT=100 DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci COMMENT='the people';
CREATE TABLE orgs (id int NOT NULL, region varchar(20) NOT NULL, PRIMARY KEY (id, region)) ENGINE=MyISAM;
CREATE TABLE members (
  user_id bigint unsigned NOT NULL,
  org_id int NOT NULL,
  region varchar(20) NOT NULL,
  role varchar(20) NOT NULL DEFAULT 'member',
  KEY members_user (user_id),
  CONSTRAINT role_known CHECK (role IN ('member', 'admin')),
  CONSTRAINT members_user_fk FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE TABLE teams (
  id int PRIMARY KEY,
  owner_id bigint unsigned,
  lead_id bigint unsigned,
  KEY teams_owner (owner_id),
  CONSTRAINT teams_owner_fk FOREIGN KEY (owner_id) REFERENCES users (id) ON DELETE SET NULL ON UPDATE NO ACTION,
  CONSTRAINT teams_lead_fk FOREIGN KEY (lead_id) REFERENCES users (id)
);
CREATE TABLE `odd ``name`` 'q' é` (
  `id` bigint unsigned NOT NULL AUTO_INCREMENT,
  `ç ``col`` 'x'` varchar(20) DEFAULT 'it''s \\ here',
  uid char(36) DEFAULT (uuid()),
  yr year,
  at_time time(3),
  PRIMARY KEY (`id`)
);
CREATE TABLE shapes (a int, b point NOT NULL, SPATIAL KEY sp (b)) ENGINE=MyISAM DEFAULT CHARSET=latin1;
CREATE TABLE notes (a int NOT NULL, b varchar(200) NOT NULL, up int, PRIMARY KEY (a, b(50)), KEY up (up),
  CONSTRAINT notes_up FOREIGN KEY (up) REFERENCES teams (id) ON DELETE NO ACTION);
CREATE VIEW admins AS SELECT user_id FROM members WHERE role = 'admin' WITH CASCADED CHECK OPTION;
CREATE SQL SECURITY INVOKER VIEW names AS SELECT name FROM users;
CREATE TABLE audit_log (user_id bigint unsigned, what varchar(20));
CREATE TRIGGER users_ai AFTER INSERT ON users FOR EACH ROW INSERT INTO audit_log VALUES (NEW.id, 'insert');
DELIMITER //
CREATE TRIGGER users_bu BEFORE UPDATE ON users FOR EACH ROW
BEGIN
  IF NEW.score < 0 THEN
    SET NEW.score = 0;
  END IF;
END//
CREATE TRIGGER users_ai_second AFTER INSERT ON users FOR EACH ROW FOLLOWS users_ai
  INSERT INTO audit_log VALUES (NEW.id, 'second')//
DELIMITER ;
"#;

const MYSQL_HCL: &str = r#"
schema "app" {
  charset = "utf8mb4"
  collate = "utf8mb4_unicode_ci"
}

table "users" {
  schema = schema.app
  comment = "people"
  engine = InnoDB
  collate = "utf8mb4_bin"
  auto_increment = 1000
  column "id" {
    type = bigint
    unsigned = true
    auto_increment = true
  }
  column "email" {
    type = varchar(255)
    comment = "login"
  }
  column "kind" {
    type = enum("a", "b", "it's")
    default = "a"
  }
  column "perms" {
    type = set("r", "w")
    null = true
  }
  column "score" {
    type = decimal(10,2)
    default = sql("0.00")
  }
  column "bio" {
    type = text
    null = true
  }
  column "latin" {
    type = varchar(20)
    null = true
    collate = "latin1_swedish_ci"
  }
  column "updated_at" {
    type = timestamp
    default = sql("CURRENT_TIMESTAMP")
    on_update = sql("CURRENT_TIMESTAMP")
  }
  column "email_len" {
    type = int
    null = true
    as {
      expr = "length(email)"
      type = STORED
    }
  }
  primary_key {
    columns = [column.id]
  }
  index "users_email" {
    unique = true
    columns = [column.email]
    comment = "one account per address"
  }
  index "users_bio" {
    on {
      column = column.bio
      prefix = 16
    }
    on {
      column = column.score
      desc = true
    }
  }
  index "users_bio_ft" {
    type = FULLTEXT
    columns = [column.bio]
  }
  check "score_positive" {
    expr = "score >= 0"
  }
}

table "logs" {
  schema = schema.app
  engine = MyISAM
  column "id" {
    type = int
  }
  column "user_id" {
    type = bigint
    unsigned = true
    null = true
  }
  primary_key {
    columns = [column.id]
  }
  index "logs_user" {
    columns = [column.user_id]
  }
  index "logs_id" {
    on {
      column = column.id
      desc = true
    }
  }
}

table "sessions" {
  schema = schema.app
  column "user_id" {
    type = bigint
    unsigned = true
  }
  column "token" {
    type = varbinary(32)
  }
  primary_key {
    columns = [column.user_id, column.token]
  }
  foreign_key "sessions_user" {
    columns = [column.user_id]
    ref_columns = [table.users.column.id]
    on_delete = CASCADE
    on_update = RESTRICT
  }
  foreign_key "sessions_user_again" {
    columns = [column.user_id]
    ref_columns = [table.users.column.id]
    on_update = NO_ACTION
  }
}

view "recent" {
  schema = schema.app
  as = "SELECT id, email FROM users WHERE score > 0"
  depends_on = [table.users]
  check_option = LOCAL
}
view "emails" {
  schema = schema.app
  as = "SELECT email FROM users"
  security = INVOKER
}
trigger "logs_guard" {
  on = table.logs
  before {
    insert = true
  }
  as = <<-SQL
    BEGIN
      IF NEW.id < 0 THEN
        SET NEW.id = -NEW.id;
      END IF;
    END
  SQL
}
trigger "sessions_clear" {
  on = table.sessions
  after {
    delete = true
  }
  as = "DELETE FROM logs WHERE user_id = OLD.user_id;"
}
"#;

/// What the first inspection of [`MYSQL_HCL`] shows (runs of spaces as one).
const MYSQL_SHOWS: &[&str] = &[
    "type = bigint unsigned = true auto_increment = true",
    "type = sql(\"enum('a','b','it''s')\") default = \"a\"",
    "type = set(\"r\",\"w\")",
    "collate = \"latin1_swedish_ci\"",
    "default = sql(\"CURRENT_TIMESTAMP\") on_update = sql(\"CURRENT_TIMESTAMP\")",
    "unique = true columns = [column.email] comment = \"one account per address\"",
    "on { column = column.bio prefix = 16 } on { column = column.score desc = true }",
    "columns = [column.bio] type = FULLTEXT",
    "comment = \"people\" engine = InnoDB collate = \"utf8mb4_bin\" auto_increment = 1000",
    "engine = MyISAM",
    // Indexes keep the file's order (MySQL keeps the order they are created in).
    "index \"logs_user\" { columns = [column.user_id] } index \"logs_id\" { on { column = column.id desc = true } }",
    "on_update = RESTRICT on_delete = CASCADE",
    "on_update = NO_ACTION on_delete = RESTRICT",
    "security = INVOKER",
    "check_option = LOCAL",
    "trigger \"logs_guard\" { on = table.logs before { insert = true } as = <<-SQL BEGIN IF NEW.id < 0 THEN SET NEW.id = -NEW.id; END IF; END SQL }",
    "trigger \"sessions_clear\" { on = table.sessions after { delete = true } as = \"DELETE FROM logs WHERE user_id = OLD.user_id\" }",
];

/// What stands for a MySQL database's name in the texts compared.
const DB: &str = "__database__";

/// The name of a MySQL database, which the inspections name as the schema.
fn my_name(db: &Db) -> &str {
    match &db.kind {
        Kind::Mysql(target, _) => &target.name,
        _ => "",
    }
}

/// The tables of a MySQL database as the server prints them, and its views'
/// definitions and options, with the database's name replaced by [`DB`].
fn mysql_catalog(db: &Db) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for table in db.tables() {
        let create = db.rows(&format!("SHOW CREATE TABLE `{}`", table.replace('`', "``"))).remove(0).remove(1);
        out.extend(create.lines().map(String::from));
    }
    let views = db.rows(
        "SELECT table_name, view_definition, check_option, security_type FROM information_schema.views \
         WHERE table_schema = DATABASE() ORDER BY table_name",
    );
    out.extend(views.into_iter().map(|v| v.join(" | ")));
    // Triggers: what the server keeps of them, and `SHOW CREATE TRIGGER`'s
    // statement from its body on (its head is the text that created it).
    let triggers = db.rows(
        "SELECT trigger_name, event_object_table, action_timing, event_manipulation, action_order, \
         action_orientation, action_statement, sql_mode FROM information_schema.triggers \
         WHERE trigger_schema = DATABASE() ORDER BY trigger_name",
    );
    for trigger in triggers {
        let shown = db.rows(&format!("SHOW CREATE TRIGGER `{}`", trigger[0].replace('`', "``"))).remove(0);
        let statement = shown.get(2).cloned().unwrap_or_default();
        let body = statement.split_once("FOR EACH ROW").map_or(statement.as_str(), |(_, b)| b.trim_start());
        out.push(format!("trigger {} | {} | {body}", trigger.join(" | "), shown[1]));
    }
    out.into_iter().map(|l| l.replace(my_name(db), DB)).collect()
}

// ---------------------------------------------------------------- the scenarios

fn inspect(db: &Db) -> String {
    let text = db.strata(&["schema", "inspect", "--url", &db.url]).ok().stdout();
    // A MySQL URL binds one database, named as the schema.
    match db.kind {
        Kind::Mysql(..) => text.replace(my_name(db), DB),
        _ => text,
    }
}

/// `schema apply` of `file` (in `db`'s sandbox) to `db`.
fn apply(db: &Db, file: &str) -> Run {
    let to = format!("file://{file}");
    db.strata(&["schema", "apply", "--url", &db.url, "--to", &to, "--dev-url", &db.dev, "--auto-approve"])
}

/// Writes an inspection to `db`'s sandbox, naming `db`'s own database where
/// the inspection names a MySQL database.
fn write_inspection(db: &Db, file: &str, text: &str) {
    let text = match db.kind {
        Kind::Mysql(..) => text.replace(DB, my_name(db)),
        _ => text.to_string(),
    };
    db.write(file, &text);
}

#[track_caller]
fn assert_no_changes(db: &Db, file: &str) {
    let out = apply(db, file).ok().stdout();
    assert!(out.contains("Schema is synced, no changes to be made"), "{file} is not what the database holds:\n{out}");
}

#[track_caller]
fn assert_same(what: &str, got: &[String], want: &[String]) {
    if got == want {
        return;
    }
    let mut report = String::new();
    for l in got.iter().filter(|l| !want.contains(l)) {
        report.push_str(&format!("- {l}\n"));
    }
    for l in want.iter().filter(|l| !got.contains(l)) {
        report.push_str(&format!("+ {l}\n"));
    }
    if report.is_empty() {
        report = "(the same lines in another order)\n".into();
    }
    panic!("{what} differ (- the copy, + the original):\n{report}");
}

/// The catalog of `db` as the server describes it.
fn catalog(db: &Db) -> Vec<String> {
    match db.kind {
        Kind::Sqlite => sqlite_catalog(db),
        Kind::Postgres(..) => pg_dump(db),
        Kind::Mysql(..) => mysql_catalog(db),
        Kind::Clickhouse(..) => unreachable!("ClickHouse has its own HCL round trips (tests/hcl_clickhouse.rs)"),
    }
}

mod scenarios {
    use super::*;

    /// SQL → database A → HCL → database B: A and B are the same schema.
    pub fn inspect_reads_back(a: Db, b: Db, sql: &str) {
        a.exec(sql);
        let hcl = inspect(&a);
        assert!(!hcl.contains("# not written"), "the fixture has parts HCL cannot hold:\n{hcl}");
        write_inspection(&b, "schema.hcl", &hcl);
        let run = apply(&b, "schema.hcl").ok();
        assert!(run.stdout().contains("-- Planned Changes:"), "{}", run.stdout());
        assert_no_changes(&b, "schema.hcl");

        let diff = b.strata(&["schema", "diff", "--from", &a.url, "--to", &b.url]).ok().stdout();
        assert!(diff.contains("Schemas are synced, no changes to be made."), "A and B differ:\n{diff}");
        let diff =
            b.strata(&["schema", "diff", "--from", &b.url, "--to", "file://schema.hcl", "--dev-url", &b.dev]).ok();
        assert!(diff.stdout().contains("Schemas are synced"), "{}", diff.stdout());

        assert_same("the catalogs", &catalog(&b), &catalog(&a));
        let again = inspect(&b);
        assert_same("the inspections", &lines(&again), &lines(&hcl));
        // The database built from SQL takes its own inspection as no change.
        write_inspection(&a, "schema.hcl", &hcl);
        assert_no_changes(&a, "schema.hcl");
    }

    /// HCL → database 1 → HCL → database 2 → HCL: the two inspections are the same text.
    pub fn hcl_reads_back_identically(one: Db, two: Db, hcl: &str, shows: &[&str]) {
        one.write("schema.hcl", hcl);
        let run = apply(&one, "schema.hcl").ok();
        assert!(run.stdout().contains("-- Planned Changes:"), "{}", run.stdout());
        assert_no_changes(&one, "schema.hcl");

        let first = inspect(&one);
        assert!(!first.contains("# not written"), "{first}");
        // What the file asked for is there.
        let flat = first.split_whitespace().collect::<Vec<_>>().join(" ");
        for snippet in shows {
            assert!(flat.contains(snippet), "missing: {snippet}\n--- in:\n{first}");
        }
        write_inspection(&one, "inspected.hcl", &first);
        assert_no_changes(&one, "inspected.hcl");
        write_inspection(&two, "schema.hcl", &first);
        apply(&two, "schema.hcl").ok();
        let second = inspect(&two);
        assert_eq!(second, first, "the second inspection differs from the first");
        assert_no_changes(&two, "schema.hcl");
        assert_same("the catalogs", &catalog(&two), &catalog(&one));
    }
}

/// The lines of an inspection; SQLite's `sqlite_autoindex_T_N` loses its
/// number, which follows the order of the constraints in `CREATE TABLE`.
fn lines(text: &str) -> Vec<String> {
    text.lines()
        .map(|l| match l.split_once("\"sqlite_autoindex_") {
            Some((head, rest)) => {
                let name = rest.split('"').next().unwrap_or_default();
                let table = name.rsplit_once('_').map_or(name, |(t, _)| t);
                format!("{head}\"sqlite_autoindex_{table}\"{}", &rest[name.len() + 1..])
            }
            None => l.to_string(),
        })
        .collect()
}

macro_rules! suite {
    ($dialect:ident, $make:expr, $sql:expr, $hcl:expr, $shows:expr) => {
        mod $dialect {
            use super::*;

            #[test]
            fn inspect_reads_back() {
                if let (Some(a), Some(b)) = ($make("hcl_rt_sql_a"), $make("hcl_rt_sql_b")) {
                    scenarios::inspect_reads_back(a, b, $sql)
                }
            }

            #[test]
            fn hcl_reads_back_identically() {
                if let (Some(one), Some(two)) = ($make("hcl_rt_hcl_1"), $make("hcl_rt_hcl_2")) {
                    scenarios::hcl_reads_back_identically(one, two, $hcl, $shows)
                }
            }
        }
    };
}

suite!(sqlite, Db::sqlite, SQLITE_SQL, SQLITE_HCL, SQLITE_SHOWS);
suite!(postgres, Db::postgres, POSTGRES_SQL, POSTGRES_HCL, POSTGRES_SHOWS);
suite!(mysql, Db::mysql, MYSQL_SQL, MYSQL_HCL, MYSQL_SHOWS);

/// What HCL cannot hold is named in a `# not written` comment, in the block
/// it belongs to; the rest reads back, and the diff shows only what was left out.
#[test]
fn what_is_not_written_is_named_and_the_rest_reads_back() {
    let (a, b) = (Db::sqlite("hcl_rt_unwritten_a").unwrap(), Db::sqlite("hcl_rt_unwritten_b").unwrap());
    a.exec(
        "CREATE TABLE p (id integer PRIMARY KEY);
         CREATE TABLE c (id integer PRIMARY KEY, p_id integer REFERENCES p (id) DEFERRABLE INITIALLY DEFERRED);
         CREATE TRIGGER c_touch AFTER INSERT ON c BEGIN SELECT 1; END;",
    );
    let hcl = inspect(&a);
    assert!(
        hcl.contains("    # not written (no Atlas HCL form): deferrable (DEFERRABLE INITIALLY DEFERRED)\n"),
        "{hcl}"
    );
    // A trigger as its author wrote it is written whole.
    assert!(
        hcl.contains(
            "trigger \"c_touch\" {\n  on = table.c\n  as = sql(\"CREATE TRIGGER c_touch AFTER INSERT ON c BEGIN SELECT 1; END\")\n}\n"
        ),
        "{hcl}"
    );
    assert!(!hcl.contains("not written (no Atlas HCL form): trigger"), "{hcl}");
    b.write("schema.hcl", &hcl);
    apply(&b, "schema.hcl").ok();
    assert_eq!(b.tables(), ["c", "p"]);
    let trigger = "SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'trigger'";
    assert_eq!(b.rows(trigger), a.rows(trigger));
    let diff = b.strata(&["schema", "diff", "--from", &b.url, "--to", &a.url]).ok().stdout();
    assert!(diff.contains("DEFERRABLE INITIALLY DEFERRED"), "{diff}");
}
