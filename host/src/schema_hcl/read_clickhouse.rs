//! Reading ClickHouse's schema HCL: the engine of a table or materialized
//! view and its clauses, a `PRIMARY KEY` written as a `primary_key` block,
//! `Nullable` columns, and `DEFAULT`/`MATERIALIZED`/`ALIAS` columns.
//!
//! ```hcl
//! table "events" {
//!   schema = schema.default
//!   column "id" {
//!     type = UInt64
//!   }
//!   column "user" {
//!     null = true                      # Nullable(String)
//!     type = String
//!   }
//!   column "day" {
//!     type         = Date
//!     default      = sql("toDate(at)")
//!     default_kind = MATERIALIZED      # or ALIAS; DEFAULT when left out
//!   }
//!   primary_key {                      # PRIMARY KEY, when not the ORDER BY
//!     columns = [column.id]            # or on { expr = "…" } blocks
//!   }
//!   engine       = MergeTree           # or sql("ReplacingMergeTree(ver)")
//!   partition_by = sql("toYYYYMM(at)")
//!   order_by     = sql("(id, at)")
//!   sample_by    = sql("intHash32(id)")
//!   ttl          = sql("at + toIntervalDay(30)")
//!   settings     = { index_granularity = 8192 }
//! }
//! materialized "mv" {
//!   schema = schema.default
//!   to     = table.totals              # or engine = … and its clauses
//!   as     = "SELECT …"
//! }
//! ```
//!
//! The clauses' values are SQL, as `sql("…")` or a plain string; `settings`
//! is an object of names and values (numbers, strings, `sql("…")`) or SQL.
//! A column's `as` block (`type = MATERIALIZED` or `ALIAS`) is read too.

use super::super::clickhouse::{is_nullable, key_text, quote_ident, split_engine};
use super::{Decls, HclSchemaError, Reader, Res, TableDecl, ViewDecl};
use hcl::edit::Span;
use hcl::edit::expr::{Expression, ObjectKey};
use hcl::edit::structure::{Attribute, Block, Body};
use strata_dialect_api::{Attr, Column, Generated, View};

/// The clauses after an engine whose values are SQL text, in the order read.
const CLAUSES: [&str; 4] = ["partition_by", "order_by", "sample_by", "ttl"];

impl Reader<'_> {
    /// SQL text: `sql("…")` or a string.
    fn ch_sql(&self, file: usize, attr: &Attribute) -> Res<String> {
        match &attr.value {
            Expression::FuncCall(call) if call.name.namespace.is_empty() && call.name.name.as_str() == "sql" => {
                self.sql_arg(file, call)
            }
            Expression::String(_) | Expression::StringTemplate(_) | Expression::HeredocTemplate(_) => {
                self.string(file, attr)
            }
            other => Err(self.err(
                file,
                other.span(),
                format!("{}: expected SQL, as sql(\"...\") or a string", attr.key.as_str()),
            )),
        }
    }

    /// `engine = MergeTree`, `engine = sql("ReplacingMergeTree(ver)")`: the
    /// name, and the arguments when there are any.
    fn ch_engine(&self, file: usize, attr: &Attribute) -> Res<(String, Option<String>)> {
        let text = match &attr.value {
            Expression::Variable(v) => v.as_str().to_string(),
            _ => self.ch_sql(file, attr)?,
        };
        split_engine(&text).ok_or_else(|| {
            self.err(
                file,
                attr.value.span(),
                format!(
                    "engine: expected an engine's name and its arguments, such as MergeTree or sql(\"ReplacingMergeTree(ver)\"), not {text:?}; its clauses are attributes: {}, settings",
                    CLAUSES.join(", ")
                ),
            )
        })
    }

    /// `settings = { index_granularity = 8192 }` (or SQL) as `SETTINGS` takes them.
    fn ch_settings(&self, file: usize, attr: &Attribute) -> Res<String> {
        let Expression::Object(object) = &attr.value else { return self.ch_sql(file, attr) };
        let mut pairs = Vec::new();
        for (key, value) in object.iter() {
            let name = match key {
                ObjectKey::Ident(ident) => ident.value().as_str().to_string(),
                ObjectKey::Expression(Expression::String(s)) => s.value().to_string(),
                ObjectKey::Expression(other) => {
                    return Err(self.err(file, other.span(), "settings: expected a setting's name"));
                }
            };
            let expr = value.expr();
            let text = match expr {
                Expression::Bool(b) => if *b.value() { "1" } else { "0" }.to_string(),
                Expression::Number(_)
                | Expression::UnaryOp(_)
                | Expression::FuncCall(_)
                | Expression::String(_)
                | Expression::StringTemplate(_)
                | Expression::HeredocTemplate(_) => self.default_value(file, expr).map_err(|e| HclSchemaError {
                    message: format!("settings: {name}: expected a number, a string, true or false, or sql(\"...\")"),
                    ..e
                })?,
                other => {
                    return Err(self.err(
                        file,
                        other.span(),
                        format!("settings: {name}: expected a number, a string, true or false, or sql(\"...\")"),
                    ));
                }
            };
            pairs.push(format!("{name} = {text}"));
        }
        if pairs.is_empty() {
            return Err(self.err(file, attr.value.span(), "settings: expected at least one setting"));
        }
        Ok(pairs.join(", "))
    }

    /// The engine attributes of a table or materialized view: `engine` (and
    /// `engine_args`), the clauses, `settings`.
    pub(super) fn ch_engine_attrs(&self, file: usize, body: &Body, what: &str) -> Res<Vec<Attr>> {
        let mut attrs = Vec::new();
        let engine = body.get_attribute("engine");
        if let Some(a) = engine {
            let (name, args) = self.ch_engine(file, a)?;
            attrs.push(self.attr("engine", name));
            if let Some(args) = args {
                attrs.push(self.attr("engine_args", args));
            }
        }
        for key in CLAUSES.iter().chain(&["settings"]) {
            let Some(a) = body.get_attribute(key) else { continue };
            if engine.is_none() {
                return Err(self.err(
                    file,
                    a.key.span(),
                    format!("{what}: {key} is a clause of the engine: set engine too (engine = MergeTree)"),
                ));
            }
            let text = if *key == "settings" { self.ch_settings(file, a)? } else { self.ch_sql(file, a)? };
            attrs.push(self.attr(key, text));
        }
        Ok(attrs)
    }

    /// A table's `primary_key` block: the key's parts, columns of the table
    /// (by reference) or expressions, as `PRIMARY KEY` takes them.
    pub(super) fn ch_table_key(&self, decls: &Decls<'_>, t: &TableDecl<'_>, block: &Block, what: &str) -> Res<Attr> {
        self.labels(t.file, block, 0..=0)?;
        self.check_body(t.file, &block.body, "primary_key", what)?;
        let (parts, _) = self.key_parts(decls, t, block, what)?;
        let parts: Vec<String> = parts
            .into_iter()
            .map(|p| match (p.column, p.expr) {
                (Some(column), _) => quote_ident(&column),
                (None, expr) => expr.unwrap_or_default(),
            })
            .collect();
        Ok(self.attr("primary_key", key_text(&parts)))
    }

    /// A materialized view's `primary_key` block: `on { expr = "…" }` blocks,
    /// the view's columns having no declarations to refer to.
    fn ch_view_key(&self, file: usize, block: &Block, what: &str) -> Res<Attr> {
        self.labels(file, block, 0..=0)?;
        self.check_body(file, &block.body, "primary_key", what)?;
        if let Some(columns) = block.body.get_attribute("columns") {
            return Err(self.err(
                file,
                columns.key.span(),
                format!(
                    "{what}: a materialized view's key parts are expressions: write on {{ expr = \"...\" }} blocks"
                ),
            ));
        }
        let mut parts = Vec::new();
        for on in block.body.blocks() {
            self.labels(file, on, 0..=0)?;
            let on_what = format!("an on block of {what}");
            self.check_body(file, &on.body, "on", &on_what)?;
            match (on.body.get_attribute("expr"), on.body.get_attribute("column")) {
                (Some(e), None) => parts.push(self.string(file, e)?),
                (_, Some(c)) => {
                    return Err(self.err(
                        file,
                        c.key.span(),
                        format!("{on_what}: a materialized view's key parts are expressions: write expr = \"...\""),
                    ));
                }
                (None, None) => {
                    return Err(self.err(file, on.ident.span(), format!("{on_what}: missing attribute \"expr\"")));
                }
            }
        }
        if parts.is_empty() {
            return Err(self.err(file, block.ident.span(), format!("{what}: missing on blocks")));
        }
        Ok(self.attr("primary_key", key_text(&parts)))
    }

    /// A column's ClickHouse parts, after the shared ones are read into
    /// `column`: `null` as `Nullable(…)`, and `default_kind`.
    pub(super) fn ch_column(&self, file: usize, body: &Body, column: &mut Column) -> Res<()> {
        let name = column.name.clone();
        let null = body.get_attribute("null");
        let said = null.map(|a| self.boolean(file, a)).transpose()?;
        let holds_null = is_nullable(&column.ty);
        match said {
            Some(true) if !holds_null => column.ty = format!("Nullable({})", column.ty),
            Some(false) if holds_null => {
                return Err(self.err(
                    file,
                    null.and_then(|a| a.value.span()),
                    format!("column {name:?}: its type {} holds NULL, which null = false contradicts", column.ty),
                ));
            }
            _ => {}
        }
        column.nullable = said.unwrap_or(false) || holds_null;
        let Some(kind_attr) = body.get_attribute("default_kind") else {
            if column.default.is_some() && column.generated.is_some() {
                let span = body.get_attribute("default").and_then(|a| a.key.span());
                return Err(self.err(
                    file,
                    span,
                    format!("column {name:?}: set default (with default_kind) or as, not both"),
                ));
            }
            return Ok(());
        };
        let kind = self.choice(file, kind_attr, &["DEFAULT", "MATERIALIZED", "ALIAS"])?;
        let Some(expr) = column.default.take() else {
            return Err(self.err(
                file,
                kind_attr.key.span(),
                format!("column {name:?}: default_kind needs a default (its expression)"),
            ));
        };
        if column.generated.is_some() {
            return Err(self.err(
                file,
                kind_attr.key.span(),
                format!("column {name:?}: set default (with default_kind) or as, not both"),
            ));
        }
        match kind {
            "DEFAULT" => column.default = Some(expr),
            kind => column.generated = Some(Generated { expr, stored: kind == "MATERIALIZED" }),
        }
        Ok(())
    }

    /// A materialized view's ClickHouse parts: its `to` table, or its
    /// engine, clauses and `primary_key` block.
    pub(super) fn ch_materialized(&self, decls: &Decls<'_>, v: &ViewDecl<'_>, view: &mut View) -> Res<()> {
        let (file, body) = (v.file, &v.block.body);
        let what = format!("materialized {:?}", v.name);
        let mut engine = self.ch_engine_attrs(file, body, &what)?;
        for block in body.blocks().filter(|b| b.ident.as_str() == "primary_key") {
            if engine.is_empty() {
                return Err(self.err(
                    file,
                    block.ident.span(),
                    format!("{what}: primary_key is a clause of the engine: set engine too"),
                ));
            }
            if engine.iter().any(|a| matches!(a, Attr::Other { name, .. } if name == "primary_key")) {
                return Err(self.err(file, block.ident.span(), format!("{what} has a second primary_key block")));
            }
            engine.push(self.ch_view_key(file, block, &format!("the primary_key of {what}"))?);
        }
        match (body.get_attribute("to"), engine.is_empty()) {
            (Some(to), true) => {
                let words = Self::segments(&to.value).unwrap_or_default();
                let bad = || self.err(file, to.value.span(), "to: expected a table reference such as table.totals");
                let Some(((root, _), rest)) = words.split_first() else { return Err(bad()) };
                if root != "table" {
                    return Err(bad());
                }
                // A table of another database, not declared here, is named whole.
                let (schema, name) = match rest {
                    [(schema, _), (name, _)]
                        if !decls.tables.iter().any(|t| t.schema == *schema && t.name == *name) =>
                    {
                        (schema.clone(), name.clone())
                    }
                    _ => {
                        let target = self.table_ref(file, to.value.span(), rest, decls, &v.schema)?;
                        (target.schema.clone(), target.name.clone())
                    }
                };
                view.attrs.push(self.attr("to", name));
                if schema != v.schema {
                    view.attrs.push(self.attr("to_schema", schema));
                }
            }
            (Some(to), false) => {
                return Err(self.err(
                    file,
                    to.key.span(),
                    format!("{what}: set to (the table it writes to) or engine (its own table), not both"),
                ));
            }
            (None, true) => {
                return Err(self.err(
                    file,
                    v.block.ident.span(),
                    format!("{what}: needs to = table.NAME (the table it writes to) or engine = ... (its own table)"),
                ));
            }
            (None, false) => view.attrs.extend(engine),
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::super::parse;
    use serde_json::{Value, json};
    use std::path::PathBuf;
    use strata_dialect_api::{Attr, Generated, Realm};

    fn read(text: &str) -> Result<Realm, super::HclSchemaError> {
        parse(&[(PathBuf::from("schema.hcl"), text.to_string())], "clickhouse")
    }

    fn err(text: &str) -> String {
        match read(text) {
            Ok(realm) => panic!("expected an error, got {realm:?}"),
            Err(e) => e.to_string(),
        }
    }

    fn value<'a>(attrs: &'a [Attr], key: &str) -> Option<&'a Value> {
        attrs.iter().find_map(|a| match a {
            Attr::Other { name, value, .. } if name == key => Some(value),
            _ => None,
        })
    }

    const EVENTS: &str = r#"
table "events" {
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
  column "odd" {
    type = sql("LowCardinality(Nullable(String))")
  }
  column "ms" {
    type    = DateTime64(3)
    default = sql("now64(3)")
  }
  column "note" {
    type    = String
    default = "it's \\"
  }
  column "day" {
    type         = Date
    default      = sql("toDate(at)")
    default_kind = MATERIALIZED
  }
  column "label" {
    type = String
    as {
      expr = "concat(note, '!')"
      type = ALIAS
    }
  }
  column "plain" {
    type         = UInt8
    default      = 1
    default_kind = DEFAULT
  }
  column "a b" {
    type = UInt8
  }
  primary_key {
    on {
      column = column.id
    }
    on {
      column = column["a b"]
    }
    on {
      expr = "intHash32(id)"
    }
  }
  engine       = sql("ReplacingMergeTree(at)")
  partition_by = "toYYYYMM(at)"
  order_by     = sql("(id, `a b`, intHash32(id), at)")
  sample_by    = sql("intHash32(id)")
  ttl          = sql("at + toIntervalDay(30)")
  settings     = { index_granularity = 4096, "storage_policy" = "x'y", min_bytes = sql("1 + 1"), neg = -1, on = true }
}
table "totals" {
  column "id" {
    type = UInt64
  }
  primary_key {
    columns = [column.id]
  }
  engine   = MergeTree
  order_by = sql("id")
}
materialized "mv" {
  to = table.totals
  as = "SELECT id FROM events"
}
materialized "own" {
  engine   = SummingMergeTree
  order_by = sql("(id, c)")
  settings = sql("index_granularity = 8192")
  as       = "SELECT id, count() AS c FROM events GROUP BY id"
  primary_key {
    on {
      expr = "id"
    }
  }
}
materialized "far" {
  to = table.other.sink
  as = "SELECT 1"
}
view "v" {
  as = "SELECT id FROM events"
}
"#;

    #[test]
    fn reads_engines_keys_columns_and_views() {
        let realm = read(EVENTS).unwrap();
        let schema = &realm.schemas[0];
        assert_eq!(schema.name, "default");
        let events = schema.table("events").unwrap();
        let types: Vec<&str> = events.columns.iter().map(|c| c.ty.as_str()).collect();
        assert_eq!(
            types,
            [
                "UInt64",
                "DateTime('UTC')",
                "Nullable(String)",
                "LowCardinality(Nullable(String))",
                "DateTime64(3)",
                "String",
                "Date",
                "String",
                "UInt8",
                "UInt8"
            ]
        );
        let nullable: Vec<bool> = events.columns.iter().map(|c| c.nullable).collect();
        assert_eq!(nullable, [false, false, true, true, false, false, false, false, false, false]);
        assert_eq!(events.columns[2].comment.as_deref(), Some("who"));
        assert_eq!(events.columns[5].default.as_deref(), Some("'it\\'s \\\\'"));
        assert_eq!(events.columns[6].generated, Some(Generated { expr: "toDate(at)".into(), stored: true }));
        assert_eq!(events.columns[6].default, None);
        assert_eq!(events.columns[7].generated, Some(Generated { expr: "concat(note, '!')".into(), stored: false }));
        assert_eq!(events.columns[8].default.as_deref(), Some("1"));
        assert!(events.primary_key.is_none());
        let attrs = &events.attrs;
        assert_eq!(value(attrs, "engine"), Some(&json!("ReplacingMergeTree")));
        assert_eq!(value(attrs, "engine_args"), Some(&json!("at")));
        assert_eq!(value(attrs, "primary_key"), Some(&json!("(id, `a b`, intHash32(id))")));
        assert_eq!(value(attrs, "partition_by"), Some(&json!("toYYYYMM(at)")));
        assert_eq!(value(attrs, "order_by"), Some(&json!("(id, `a b`, intHash32(id), at)")));
        assert_eq!(value(attrs, "sample_by"), Some(&json!("intHash32(id)")));
        assert_eq!(value(attrs, "ttl"), Some(&json!("at + toIntervalDay(30)")));
        assert_eq!(
            value(attrs, "settings"),
            Some(&json!("index_granularity = 4096, storage_policy = 'x\\'y', min_bytes = 1 + 1, neg = -1, on = 1"))
        );
        let totals = schema.table("totals").unwrap();
        assert_eq!(value(&totals.attrs, "primary_key"), Some(&json!("id")));
        assert_eq!(value(&totals.attrs, "engine_args"), None);

        let view = |name: &str| schema.views.iter().find(|v| v.name == name).unwrap();
        let mv = view("mv");
        assert_eq!(value(&mv.attrs, "materialized"), Some(&json!(true)));
        assert_eq!(value(&mv.attrs, "to"), Some(&json!("totals")));
        assert_eq!(value(&mv.attrs, "to_schema"), None);
        let own = view("own");
        assert_eq!(value(&own.attrs, "engine"), Some(&json!("SummingMergeTree")));
        assert_eq!(value(&own.attrs, "order_by"), Some(&json!("(id, c)")));
        assert_eq!(value(&own.attrs, "primary_key"), Some(&json!("id")));
        assert_eq!(value(&own.attrs, "settings"), Some(&json!("index_granularity = 8192")));
        let far = view("far");
        assert_eq!(
            (value(&far.attrs, "to"), value(&far.attrs, "to_schema")),
            (Some(&json!("sink")), Some(&json!("other")))
        );
        assert!(view("v").attrs.is_empty());
    }

    #[test]
    fn errors_point_at_the_place_with_a_hint() {
        let table = |body: &str| format!("table \"t\" {{\n  column \"a\" {{\n    type = UInt8\n  }}\n{body}}}\n");
        let e = err(&table("  engine = MergeTree\n  order_byy = sql(\"a\")\n"));
        assert_eq!(e, "schema.hcl:6:3: unknown attribute \"order_byy\" in table \"t\"; did you mean \"order_by\"?");
        let e = err(&table("  order_by = sql(\"a\")\n"));
        assert_eq!(
            e,
            "schema.hcl:5:3: table \"t\": order_by is a clause of the engine: set engine too (engine = MergeTree)"
        );
        let e = err(&table("  engine = sql(\"MergeTree ORDER BY a\")\n"));
        assert!(e.starts_with("schema.hcl:5:12: engine: expected an engine's name and its arguments"), "{e}");
        let e = err(&table("  engine = MergeTree\n  settings = { a = [1] }\n"));
        assert!(e.starts_with("schema.hcl:6:20: settings: a: expected a number"), "{e}");
        let e = err(&table("  comment = \"x\"\n"));
        assert_eq!(e, "schema.hcl:5:3: attribute \"comment\" of table \"t\" is not supported by clickhouse");
        let e = err(&table("  index \"i\" {\n    columns = [column.a]\n  }\n"));
        assert_eq!(e, "schema.hcl:5:3: index blocks in table \"t\" are not supported by clickhouse");
        let e = err(&table("  primary_key {\n    columns = [column.a]\n  }\n"));
        assert_eq!(e, "schema.hcl:5:3: table \"t\": primary_key is a clause of the engine: set engine too");
        let e = err("table \"t\" {\n  column \"a\" {\n    type = Nullable(String)\n  }\n}\n");
        assert!(e.starts_with("schema.hcl:3:12: type Nullable(...): a ClickHouse type whose arguments"), "{e}");
        let e = err("table \"t\" {\n  column \"a\" {\n    type = Uint65\n  }\n}\n");
        assert_eq!(e, "schema.hcl:3:12: unknown type \"Uint65\" for clickhouse; did you mean \"UInt64\"?");
        let e =
            err("table \"t\" {\n  column \"a\" {\n    type = sql(\"Nullable(String)\")\n    null = false\n  }\n}\n");
        assert_eq!(
            e,
            "schema.hcl:4:12: column \"a\": its type Nullable(String) holds NULL, which null = false contradicts"
        );
        let e = err("table \"t\" {\n  column \"a\" {\n    type = UInt8\n    default_kind = ALIAS\n  }\n}\n");
        assert_eq!(e, "schema.hcl:4:5: column \"a\": default_kind needs a default (its expression)");
        let e = err(
            "table \"t\" {\n  column \"a\" {\n    type = UInt8\n    default = 1\n    default_kind = ALIASS\n  }\n}\n",
        );
        assert!(
            e.starts_with("schema.hcl:5:20: unknown default_kind value \"ALIASS\"; did you mean \"ALIAS\"?"),
            "{e}"
        );
        let e = err(
            "table \"t\" {\n  column \"a\" {\n    type = UInt8\n    as {\n      expr = \"1\"\n      type = STORED\n    }\n  }\n}\n",
        );
        assert!(e.starts_with("schema.hcl:6:14: unknown type value \"STORED\""), "{e}");
        let e = err("materialized \"m\" {\n  as = \"SELECT 1\"\n}\n");
        assert_eq!(
            e,
            "schema.hcl:1:1: materialized \"m\": needs to = table.NAME (the table it writes to) or engine = ... (its own table)"
        );
        let e = err(&format!(
            "{}materialized \"m\" {{\n  to = table.t\n  engine = Memory\n  as = \"SELECT 1\"\n}}\n",
            table("")
        ));
        assert_eq!(
            e,
            "schema.hcl:7:3: materialized \"m\": set to (the table it writes to) or engine (its own table), not both"
        );
        let e = err("materialized \"m\" {\n  to = table.nope\n  as = \"SELECT 1\"\n}\n");
        assert_eq!(e, "schema.hcl:2:8: table \"nope\" is not declared");
        let e = err(
            "materialized \"m\" {\n  engine = Memory\n  as = \"SELECT 1\"\n  primary_key {\n    columns = []\n  }\n}\n",
        );
        assert!(
            e.starts_with(
                "schema.hcl:5:5: the primary_key of materialized \"m\": a materialized view's key parts are expressions"
            ),
            "{e}"
        );
    }
}
