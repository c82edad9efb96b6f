//! ClickHouse schema HCL, read and written, against a real server:
//!
//! 1. a rich schema made with SQL is inspected to HCL, the HCL is applied to
//!    an empty database, and the two databases are the same: their
//!    `system.columns` and `system.tables` agree, `schema diff` reports them
//!    synced, and applying the file again changes nothing;
//! 2. hand-written HCL applied, inspected, the inspection applied to a second
//!    database and inspected again: both inspections are the same text;
//! 3. mistakes in the file are usage errors at `schema.hcl:LINE:COLUMN`,
//!    with a hint; what the dev database refuses points at the block.
//!
//! Every outcome is read from ClickHouse's catalog over HTTP.

use strata_tests::{ChDb, Run, Sandbox};

/// A target database, a second one, a dev database and a project directory.
struct Ch {
    sb: Sandbox,
    a: ChDb,
    b: ChDb,
    dev: ChDb,
}

impl Ch {
    fn new(label: &str) -> Option<Ch> {
        let a = ChDb::create(&format!("{label}_a"))?;
        let b = ChDb::create(&format!("{label}_b"))?;
        let dev = ChDb::create(&format!("{label}_dev"))?;
        Some(Ch { sb: Sandbox::new(&format!("hcl-ch-{label}")), a, b, dev })
    }

    fn inspect(&self, db: &ChDb) -> String {
        self.sb.strata(&["schema", "inspect", "--url", &db.url()]).ok().stdout()
    }

    /// `schema apply` of `file` (in the sandbox) to `db`.
    fn apply(&self, db: &ChDb, file: &str) -> Run {
        let (url, dev, to) = (db.url(), self.dev.url(), format!("file://{file}"));
        self.sb.strata(&["schema", "apply", "--url", &url, "--to", &to, "--dev-url", &dev, "--auto-approve"])
    }

    #[track_caller]
    fn assert_no_changes(&self, db: &ChDb, file: &str) {
        let out = self.apply(db, file).ok().stdout();
        assert!(
            out.contains("Schema is synced, no changes to be made"),
            "{file} is not what {} holds:\n{out}",
            db.name
        );
    }
}

/// What ClickHouse's catalog says of `db`'s columns and tables, with the
/// database's name made `DB`.
fn catalog(db: &ChDb) -> Vec<String> {
    let mut out: Vec<String> = db
        .rows(
            "SELECT table, name, type, default_kind, default_expression, comment FROM system.columns \
             WHERE database = currentDatabase()",
        )
        .into_iter()
        .map(|r| format!("column {}", r.join(" | ")))
        .collect();
    out.extend(
        db.rows(
            "SELECT name, engine, engine_full, partition_key, sorting_key, primary_key, sampling_key, \
             create_table_query FROM system.tables WHERE database = currentDatabase() ORDER BY name",
        )
        .into_iter()
        .map(|r| format!("table {}", r.join(" | "))),
    );
    out.into_iter().map(|l| l.replace(&db.name, "DB")).collect()
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

const RICH_SQL: &str = "
CREATE TABLE events (
  id UInt64,
  at DateTime('UTC'),
  user Nullable(String) COMMENT 'who did it',
  kind LowCardinality(String) DEFAULT 'click',
  tags Array(UInt8),
  level Enum8('low' = 1, 'high' = 2),
  price Decimal(10, 2) DEFAULT 0,
  ratio Nullable(Float64) DEFAULT 0.5,
  note String DEFAULT 'it\\'s ${x}' COMMENT 'a \"quoted\" note',
  `odd name` FixedString(4),
  day Date MATERIALIZED toDate(at),
  label String ALIAS concat(kind, '!')
) ENGINE = MergeTree
  PARTITION BY toYYYYMM(at)
  ORDER BY (id, intHash32(id), at)
  SAMPLE BY intHash32(id)
  SETTINGS index_granularity = 4096;
CREATE TABLE latest (
  id UInt64,
  ver UInt32,
  v String,
  `a b` UInt8 DEFAULT 7
) ENGINE = ReplacingMergeTree(ver) PRIMARY KEY (id, `a b`) ORDER BY (id, `a b`, v);
CREATE TABLE keyed (id UInt64, at Date) ENGINE = MergeTree PRIMARY KEY toStartOfMonth(at) ORDER BY (toStartOfMonth(at), id);
CREATE TABLE lines (line String, n UInt32 DEFAULT 1) ENGINE = Log;
CREATE VIEW recent AS SELECT id, user FROM events WHERE id > 10;
CREATE MATERIALIZED VIEW to_latest TO latest AS SELECT id, toUInt32(1) AS ver, kind AS v, toUInt8(0) AS `a b` FROM events;
CREATE MATERIALIZED VIEW counts ENGINE = SummingMergeTree PARTITION BY tuple() ORDER BY (id, c) AS SELECT id, count() AS c FROM events GROUP BY id;
";

/// SQL → database A → HCL → database B: A and B are the same schema.
#[test]
fn inspect_reads_back() {
    let Some(ch) = Ch::new("hcl_ch_rt") else { return };
    ch.a.exec(RICH_SQL);
    let hcl = ch.inspect(&ch.a);
    assert!(!hcl.contains("# not written"), "the fixture has parts HCL cannot hold:\n{hcl}");
    let flat = hcl.split_whitespace().collect::<Vec<_>>().join(" ");
    for snippet in [
        "column \"user\" { null = true type = String comment = \"who did it\" }",
        "type = sql(\"LowCardinality(String)\")",
        "type = sql(\"Enum8('low' = 1, 'high' = 2)\")",
        "default = sql(\"toDate(at)\") default_kind = MATERIALIZED",
        "default_kind = ALIAS",
        "engine = MergeTree partition_by = sql(\"toYYYYMM(at)\") order_by = sql(\"(id, intHash32(id), at)\") \
         sample_by = sql(\"intHash32(id)\") settings = { index_granularity = 4096 }",
        "primary_key { columns = [column.id, column[\"a b\"]] } engine = sql(\"ReplacingMergeTree(ver)\")",
        "primary_key { on { expr = \"toStartOfMonth(at)\" } }",
        "engine = Log",
        "materialized \"to_latest\" {",
        "to = table.latest",
        "engine = SummingMergeTree",
    ] {
        assert!(flat.contains(snippet), "missing: {snippet}\n--- in:\n{hcl}");
    }
    ch.sb.write("schema.hcl", &hcl);
    let run = ch.apply(&ch.b, "schema.hcl").ok();
    assert!(run.stdout().contains("-- Planned Changes:"), "{}", run.stdout());
    ch.assert_no_changes(&ch.b, "schema.hcl");

    assert_same("the catalogs", &catalog(&ch.b), &catalog(&ch.a));
    let diff = ch.sb.strata(&["schema", "diff", "--from", &ch.a.url(), "--to", &ch.b.url()]).ok().stdout();
    assert!(diff.contains("Schemas are synced, no changes to be made."), "A and B differ:\n{diff}");
    let (b, dev) = (ch.b.url(), ch.dev.url());
    let diff = ch.sb.strata(&["schema", "diff", "--from", &b, "--to", "file://schema.hcl", "--dev-url", &dev]).ok();
    assert!(diff.stdout().contains("Schemas are synced"), "{}", diff.stdout());
    let again = ch.inspect(&ch.b).replace(&ch.b.name, &ch.a.name);
    assert_eq!(again, hcl, "B inspects otherwise than A");
    // The database built from SQL takes its own inspection as no change.
    ch.assert_no_changes(&ch.a, "schema.hcl");
}

const HAND_HCL: &str = r#"
schema "app" {}

table "events" {
  schema = schema.app
  column "id" {
    type = uint64
  }
  column "at" {
    type = sql("DateTime('UTC')")
  }
  column "user" {
    null    = true
    type    = String
    comment = "who"
  }
  column "score" {
    type    = sql("Nullable(Float32)")
    default = 1
  }
  column "kind" {
    type    = sql("LowCardinality(String)")
    default = "click"
  }
  column "code" {
    type = fixedstring(8)
  }
  column "price" {
    type    = Decimal(12,4)
    default = sql("0")
  }
  column "day" {
    type = Date
    as {
      expr = "toDate(at)"
      type = MATERIALIZED
    }
  }
  column "shout" {
    type         = String
    default      = sql("upper(kind)")
    default_kind = ALIAS
  }
  engine       = MergeTree
  partition_by = "toYYYYMM(at)"
  order_by     = sql("(id, at)")
  settings     = { index_granularity = 1024 }
}

table "latest" {
  schema = schema.app
  column "id" {
    type = UInt64
  }
  column "ver" {
    type = UInt32
  }
  column "kind" {
    type = String
  }
  primary_key {
    columns = [column.id]
  }
  engine   = sql("ReplacingMergeTree(ver)")
  order_by = sql("(id, kind)")
}

table "journal" {
  schema = schema.app
  column "line" {
    type = String
  }
  engine = TinyLog
}

view "recent" {
  schema = schema.app
  as     = "SELECT id, user FROM events WHERE id > 10"
}

materialized "feed" {
  schema = schema.app
  to     = table.latest
  as     = "SELECT id, toUInt32(1) AS ver, kind FROM events"
}

materialized "totals" {
  schema   = schema.app
  engine   = SummingMergeTree
  order_by = sql("(id, n)")
  as       = "SELECT id, count() AS n FROM events GROUP BY id"
  primary_key {
    on {
      expr = "id"
    }
  }
}
"#;

/// HCL → database 1 → HCL → database 2 → HCL: the two inspections are the same text.
#[test]
fn hcl_reads_back_identically() {
    let Some(ch) = Ch::new("hcl_ch_id") else { return };
    ch.sb.write("schema.hcl", HAND_HCL);
    let run = ch.apply(&ch.a, "schema.hcl").ok();
    assert!(run.stdout().contains("-- Planned Changes:"), "{}", run.stdout());
    ch.assert_no_changes(&ch.a, "schema.hcl");

    let first = ch.inspect(&ch.a);
    assert!(!first.contains("# not written"), "{first}");
    let flat = first.split_whitespace().collect::<Vec<_>>().join(" ");
    for snippet in [
        "column \"id\" { null = false type = UInt64 }",
        "column \"score\" { null = true type = Float32 default = sql(\"CAST(1, 'Nullable(Float32)')\") }",
        "column \"code\" { null = false type = FixedString(8) }",
        "type = sql(\"Decimal(12, 4)\")",
        "default = sql(\"toDate(at)\") default_kind = MATERIALIZED",
        "default = sql(\"CAST(upper(kind), 'String')\") default_kind = ALIAS",
        "partition_by = sql(\"toYYYYMM(at)\")",
        "settings = { index_granularity = 1024 }",
        "primary_key { columns = [column.id] } engine = sql(\"ReplacingMergeTree(ver)\") order_by = sql(\"(id, kind)\")",
        "engine = TinyLog",
        "to = table.latest",
        "primary_key { on { expr = \"id\" } }",
    ] {
        assert!(flat.contains(snippet), "missing: {snippet}\n--- in:\n{first}");
    }
    assert_eq!(
        ch.a.rows(
            "SELECT name, default_kind, default_expression FROM system.columns \
             WHERE database = currentDatabase() AND table = 'events' AND default_kind != ''"
        ),
        [
            ["score", "DEFAULT", "CAST(1, 'Nullable(Float32)')"],
            ["kind", "DEFAULT", "CAST('click', 'LowCardinality(String)')"],
            ["price", "DEFAULT", "CAST(0, 'Decimal(12, 4)')"],
            ["day", "MATERIALIZED", "toDate(at)"],
            ["shout", "ALIAS", "CAST(upper(kind), 'String')"],
        ]
    );
    ch.sb.write("inspected.hcl", &first);
    ch.assert_no_changes(&ch.a, "inspected.hcl");
    ch.sb.write("second.hcl", &first.replace(&ch.a.name, &ch.b.name));
    ch.apply(&ch.b, "second.hcl").ok();
    let second = ch.inspect(&ch.b).replace(&ch.b.name, &ch.a.name);
    assert_eq!(second, first, "the second inspection differs from the first");
    ch.assert_no_changes(&ch.b, "second.hcl");
    assert_same("the catalogs", &catalog(&ch.b), &catalog(&ch.a));
}

/// Mistakes are usage errors (exit 2) at their place, with a hint; nothing
/// reaches the database.
#[test]
fn errors_name_the_place() {
    let Some(ch) = Ch::new("hcl_ch_err") else { return };
    let cases: [(&str, &str); 5] = [
        (
            "table \"t\" {\n  column \"id\" {\n    type = UInt64\n  }\n  engine = MergeTree\n  order_byy = sql(\"id\")\n}\n",
            "schema.hcl:6:3: unknown attribute \"order_byy\" in table \"t\"; did you mean \"order_by\"?",
        ),
        (
            "table \"t\" {\n  column \"id\" {\n    type = UInt64\n    default_knd = ALIAS\n  }\n  engine = Log\n}\n",
            "schema.hcl:4:5: unknown attribute \"default_knd\" in column \"id\"; did you mean \"default_kind\"?",
        ),
        (
            "table \"t\" {\n  column \"id\" {\n    type = Strng\n  }\n  engine = Log\n}\n",
            "schema.hcl:3:12: unknown type \"Strng\" for clickhouse; did you mean \"String\"?",
        ),
        (
            "table \"t\" {\n  column \"id\" {\n    type = UInt64\n  }\n  engine = sql(\"MergeTree ORDER BY id\")\n}\n",
            "schema.hcl:5:12: engine: expected an engine's name and its arguments",
        ),
        (
            "table \"t\" {\n  column \"id\" {\n    type = UInt64\n  }\n  engine = Log\n  index \"i\" {\n    columns = [column.id]\n  }\n}\n",
            "schema.hcl:6:3: index blocks in table \"t\" are not supported by clickhouse",
        ),
    ];
    for (hcl, want) in cases {
        ch.sb.write("schema.hcl", hcl);
        let run = ch.apply(&ch.a, "schema.hcl").expect_code(2);
        assert!(run.stderr().contains(want), "wanted {want:?} in:\n{}", run.stderr());
    }
    assert!(ch.a.tables().is_empty(), "{:?}", ch.a.tables());

    // What only the dev database can tell (an engine needing a key it was not
    // given) points at the table's block.
    ch.sb
        .write("schema.hcl", "\n\ntable \"t\" {\n  column \"id\" {\n    type = UInt64\n  }\n  engine = MergeTree\n}\n");
    let run = ch.apply(&ch.a, "schema.hcl");
    assert_ne!(run.code(), 0, "{}", run.stdout());
    assert!(
        run.stderr().contains("schema.hcl:3:1: table \"t\": the dev database rejected the statement planned for it"),
        "{}",
        run.stderr()
    );
    assert!(ch.a.tables().is_empty(), "{:?}", ch.a.tables());
}
