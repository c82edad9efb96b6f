//! Writing the model as Atlas's schema HCL: `schema inspect`'s default output.
//!
//! The document lists tables, then views, materialized views, PostgreSQL's
//! enums, domains, sequences, extensions and functions (and procedures),
//! triggers, then the schemas, each in the model's order (Atlas's order). A name found in two schemas gets the
//! schema as a qualifier label (`table "a" "users"`), and references to it
//! name the schema too (`table.a.users.column.id`). Attributes line up as
//! `atlas schema inspect` prints them.
//!
//! Types and defaults are spelled as [`super::write_types`] explains: Atlas's
//! names where the model's text follows from them, `sql("…")` otherwise.
//! Dialect attributes are written where Atlas has an attribute for them:
//!
//! - SQLite: `without_rowid`, `strict`, `auto_increment` (on the key's column);
//!   a `UNIQUE` constraint's index as a `unique` block; a part's `collate`;
//! - PostgreSQL: identity (`start`, `increment`), index `type`, `include`,
//!   `nulls_distinct`, `page_per_range`, operator classes (`ops`), `nulls_first`
//!   and `nulls_last`, unique constraints as `unique` blocks, `partition`,
//!   `row_security`, a part's `collate`, comments, materialized views, enums,
//!   domains, sequences and extensions;
//! - MySQL: schema `charset` and `collate`, table `engine`, `collate` (when
//!   not the schema's) and `auto_increment`, column `unsigned`,
//!   `auto_increment` and `on_update`, index `type`, `comment` and prefix
//!   lengths, view `check_option` and `security`;
//! - ClickHouse: `engine` (`sql("…")` with its arguments), as Atlas writes
//!   it, and where Atlas documents no form, the engine's clauses as SQL
//!   (`partition_by`, `order_by`, `sample_by`, `ttl`) and `settings` as an
//!   object; a `PRIMARY KEY` apart from the `ORDER BY` as a `primary_key`
//!   block (columns, or `on { expr }` parts); a `Nullable(T)` column as `T`
//!   with `null = true`; `MATERIALIZED` and `ALIAS` columns as a `default`
//!   with Atlas's `default_kind`; materialized views' `to`, or their engine.
//!
//! Functions and triggers are written in Atlas's structured form when their
//! definitions read as it exactly, else whole (`as = sql("CREATE …")`): see
//! `write_routines.rs`. Of overloaded functions (one name, other arguments)
//! the first is written, the others named in the schema's `# not written`.
//!
//! What has no Atlas HCL form (MySQL table options,
//! view algorithms and invisible columns, PostgreSQL's partitions (the
//! tables; the key is written), policies, exclusion constraints, deferrable
//! constraints, `NOT VALID`, index storage parameters other than
//! `pages_per_range`, materialized views' indexes, MySQL's per-part
//! collations, and any attribute of another dialect) is not written: a `# not written …` comment line in the block
//! names it, so that nobody takes the file for the whole schema unawares.
//!
//! Everything written reads back ([`super::read`]) to the same model once
//! the dev database has normalized it: `schema inspect`, applied to an
//! empty database and inspected again, prints the same text.
//!
//! Where the model has no name, the block has no label (an unnamed foreign
//! key or check; Atlas numbers SQLite's foreign keys `"0"`, `"1"` instead).
//! A view's `as` is its query: SQLite's stored `CREATE VIEW v AS …` loses its
//! head unless it has more than a name (a column list), when it stays whole.
//! Views have no `column` blocks or `depends_on`: the model has neither.

#[path = "write_routines.rs"]
mod routines;

use super::clickhouse::{key_parts, settings_pairs, unquote_ident};
use super::write_hcl::{Block, ident_or_string, is_ident, list, reference, sql, step, string};
use super::write_types::{column_type, default_value};
use serde_json::Value;
use std::collections::{HashMap, HashSet};
use strata_dialect_api::{Attr, Check, Column, ForeignKey, Index, IndexPart, PrimaryKey, Realm, Schema, Table, View};

/// The realm as Atlas-style schema HCL for `dialect`.
pub fn write(realm: &Realm, dialect: &str) -> String {
    let w = Writer::new(realm, dialect);
    let mut blocks = Vec::new();
    for schema in &realm.schemas {
        for table in &schema.tables {
            blocks.push(w.table(schema, table));
        }
    }
    for materialized in [false, true] {
        for schema in &realm.schemas {
            for view in schema.views.iter().filter(|v| w.is_materialized(v) == materialized) {
                blocks.push(w.view(schema, view));
            }
        }
    }
    for kind in OBJECT_KINDS {
        for schema in &realm.schemas {
            blocks.extend(w.objects(schema, kind));
        }
    }
    for schema in &realm.schemas {
        for (value, written) in w.function_values(schema) {
            if written {
                blocks.extend(w.function(schema, value));
            }
        }
    }
    for schema in &realm.schemas {
        for trigger in &schema.triggers {
            blocks.push(w.trigger(schema, trigger));
        }
    }
    for schema in &realm.schemas {
        blocks.push(w.schema(schema));
    }
    let mut out = String::new();
    for block in &blocks {
        block.render(0, &mut out);
    }
    out
}

/// PostgreSQL's schema objects written as blocks, in the order written.
const OBJECT_KINDS: [&str; 4] = ["enum", "domain", "sequence", "extension"];

struct Writer<'a> {
    dialect: &'a str,
    /// Names of each kind of block (`table`, `view`, `enum`, …) found in more
    /// than one schema: those blocks carry their schema as a qualifier.
    ambiguous: HashMap<&'static str, HashSet<String>>,
    /// The `collation` attribute of each MySQL schema, which its tables inherit.
    schema_collation: HashMap<&'a str, &'a str>,
    /// Every table, by schema and name.
    tables: HashSet<(&'a str, &'a str)>,
    /// PostgreSQL's enum types, by schema and name.
    enums: HashSet<(&'a str, &'a str)>,
    /// PostgreSQL's functions and procedures (`function` or `procedure`), by schema and name.
    functions: HashMap<(String, String), &'static str>,
    /// The schema that unqualified names in definitions name: the only one,
    /// else `public` (a connection bound to no schema).
    home: String,
}

impl<'a> Writer<'a> {
    fn new(realm: &'a Realm, dialect: &'a str) -> Writer<'a> {
        let mut w = Writer {
            dialect,
            ambiguous: HashMap::new(),
            schema_collation: HashMap::new(),
            tables: HashSet::new(),
            enums: HashSet::new(),
            functions: HashMap::new(),
            home: match realm.schemas.as_slice() {
                [one] => one.name.clone(),
                _ => "public".to_string(),
            },
        };
        let mut seen: HashMap<(&'static str, String), usize> = HashMap::new();
        for schema in &realm.schemas {
            let mut names: HashSet<(&'static str, String)> = HashSet::new();
            names.extend(schema.tables.iter().map(|t| ("table", t.name.clone())));
            w.tables.extend(schema.tables.iter().map(|t| (schema.name.as_str(), t.name.as_str())));
            for view in &schema.views {
                let kind = if w.is_materialized(view) { "materialized" } else { "view" };
                names.insert((kind, view.name.clone()));
            }
            for kind in OBJECT_KINDS {
                for value in w.object_values(schema, kind) {
                    if let Some(name) = value.get("name").and_then(Value::as_str) {
                        names.insert((kind, name.to_string()));
                        if kind == "enum" {
                            w.enums.insert((&schema.name, name));
                        }
                    }
                }
            }
            for (value, written) in w.function_values(schema) {
                let (Some(name), true) = (value.get("name").and_then(Value::as_str), written) else { continue };
                let kind = if value.get("kind").and_then(Value::as_str) == Some("procedure") {
                    "procedure"
                } else {
                    "function"
                };
                names.insert((kind, name.to_string()));
                w.functions.insert((schema.name.clone(), name.to_string()), kind);
            }
            for key in names {
                *seen.entry(key).or_default() += 1;
            }
            if let Some(c) = Rest::new(dialect, &schema.attrs).take("collation").and_then(Value::as_str) {
                w.schema_collation.insert(&schema.name, c);
            }
        }
        for ((kind, name), n) in seen {
            if n > 1 {
                w.ambiguous.entry(kind).or_default().insert(name);
            }
        }
        w
    }

    /// The labels of a block of `kind` named `name` in `schema`.
    fn labels<'n>(&self, kind: &str, schema: &'n str, name: &'n str) -> Vec<&'n str> {
        if self.ambiguous.get(kind).is_some_and(|names| names.contains(name)) { vec![schema, name] } else { vec![name] }
    }

    /// A reference to the table `name` of `schema`: `table.users`, or
    /// `table.a.users` when the name is ambiguous, or when the table is not
    /// in the document and lives in another schema than `home`.
    fn table_ref(&self, home: &str, schema: &str, name: &str) -> String {
        if schema != home && !self.tables.contains(&(schema, name)) {
            return reference("table", &[schema, name]);
        }
        reference("table", &self.labels("table", schema, name))
    }

    fn is_materialized(&self, view: &View) -> bool {
        Rest::new(self.dialect, &view.attrs).take("materialized").and_then(Value::as_bool) == Some(true)
    }

    fn table(&self, schema: &Schema, table: &Table) -> Block {
        let mut b = Block::new("table", &self.labels("table", &schema.name, &table.name));
        b.attr("schema", reference("schema", &[&schema.name]));
        // SQLite's AUTOINCREMENT belongs to the key; Atlas writes it on the key's column.
        let autoincrement =
            table.primary_key.as_ref().filter(|pk| pk.attrs.contains(&Attr::AutoIncrement)).and_then(|pk| {
                match pk.parts.as_slice() {
                    [part] => part.column.as_deref(),
                    _ => None,
                }
            });
        for column in &table.columns {
            b.child(self.column(schema, column, autoincrement == Some(column.name.as_str())));
        }
        if let Some(pk) = &table.primary_key {
            b.child(self.primary_key(table, pk, autoincrement.is_some()));
        }
        for fk in &table.foreign_keys {
            b.child(self.foreign_key(schema, fk));
        }
        let is_constraint = |index: &Index| {
            Rest::new(self.dialect, &index.attrs).take("constraint").and_then(Value::as_str) == Some("unique")
        };
        for index in table.indexes.iter().filter(|i| !is_constraint(i)) {
            b.child(self.index("index", index));
        }
        for check in &table.checks {
            b.child(self.check(check));
        }
        if let Some(comment) = &table.comment {
            b.attr("comment", string(comment));
        }
        let mut rest = Rest::new(self.dialect, &table.attrs);
        if rest.take_typed(&Attr::WithoutRowid) {
            b.attr("without_rowid", "true");
        }
        if rest.take_typed(&Attr::Strict) {
            b.attr("strict", "true");
        }
        match self.dialect {
            "mysql" => {
                if let Some(engine) = rest.take("engine").and_then(Value::as_str) {
                    b.attr("engine", ident_or_string(engine));
                }
                if let Some(collation) = rest.take("collation").and_then(Value::as_str)
                    && self.schema_collation.get(schema.name.as_str()) != Some(&collation)
                {
                    b.attr("collate", string(collation));
                }
                if let Some(n) = rest.take("auto_increment").and_then(Value::as_u64) {
                    b.attr("auto_increment", n.to_string());
                }
            }
            "clickhouse" => {
                if let Some(key) = rest.take("primary_key").and_then(Value::as_str) {
                    b.child(clickhouse_key(key, Some(&table.columns)));
                }
                self.engine(&mut b, &mut rest);
            }
            _ => {}
        }
        for index in table.indexes.iter().filter(|i| is_constraint(i)) {
            b.child(self.index("unique", index));
        }
        if self.dialect == "postgres" {
            if let Some(key) = rest.get("partition_by").and_then(Value::as_str)
                && let Some(partition) = partition(table, key)
            {
                rest.take("partition_by");
                b.child(partition);
            }
            let enabled = rest.take("rls").and_then(Value::as_bool) == Some(true);
            let enforced = rest.take("rls_forced").and_then(Value::as_bool) == Some(true);
            if enabled || enforced {
                let mut rls = Block::new("row_security", &[]);
                rls.attr("enabled", enabled.to_string());
                if enforced {
                    rls.attr("enforced", "true");
                }
                b.child(rls);
            }
        }
        note(&mut b, rest.names());
        b
    }

    /// ClickHouse's `engine`, with its arguments as `sql("Name(args)")`,
    /// then its clauses as SQL and its settings.
    fn engine(&self, b: &mut Block, rest: &mut Rest<'_>) {
        let Some(engine) = rest.take("engine").and_then(Value::as_str) else { return };
        match rest.take("engine_args").and_then(Value::as_str) {
            Some(args) => b.attr("engine", sql(&format!("{engine}({args})"))),
            None => b.attr("engine", ident_or_string(engine)),
        }
        for clause in ["partition_by", "order_by", "sample_by", "ttl"] {
            if let Some(text) = rest.take(clause).and_then(Value::as_str) {
                b.attr(clause, sql(text));
            }
        }
        if let Some(text) = rest.take("settings").and_then(Value::as_str) {
            b.attr("settings", clickhouse_settings(text));
        }
    }

    /// The type of a column: `enum.NAME` for an enum type of the table's own
    /// schema (its name unqualified and found in one schema only), else as
    /// [`column_type`] writes it.
    fn column_type(&self, schema: &Schema, ty: &str) -> String {
        let unique = self.ambiguous.get("enum").is_none_or(|names| !names.contains(ty));
        if self.dialect == "postgres" && unique && self.enums.contains(&(schema.name.as_str(), ty)) {
            return reference("enum", &[ty]);
        }
        column_type(self.dialect, ty)
    }

    /// A column's type as written: ClickHouse's `Nullable(T)` is `T`, with `null = true`.
    fn unwrapped_type<'c>(&self, column: &'c Column) -> &'c str {
        let inner = match self.dialect {
            "clickhouse" if column.nullable => {
                column.ty.strip_prefix("Nullable(").and_then(|t| t.strip_suffix(')')).filter(|t| !t.trim().is_empty())
            }
            _ => None,
        };
        inner.unwrap_or(&column.ty)
    }

    fn column(&self, schema: &Schema, column: &Column, autoincrement: bool) -> Block {
        let mut b = Block::new("column", &[&column.name]);
        b.attr("null", column.nullable.to_string());
        // MySQL's unsigned integers: the type and `unsigned = true`, as Atlas writes them.
        let unsigned = match self.dialect {
            "mysql" => {
                column.ty.strip_suffix(" unsigned").filter(|base| !column_type(self.dialect, base).starts_with("sql("))
            }
            _ => None,
        };
        match unsigned {
            Some(base) => {
                b.attr("type", column_type(self.dialect, base));
                b.attr("unsigned", "true");
            }
            None => b.attr("type", self.column_type(schema, self.unwrapped_type(column))),
        }
        if let Some(default) = &column.default {
            b.attr("default", default_value(self.dialect, &column.ty, default));
        }
        // ClickHouse's MATERIALIZED and ALIAS columns: an expression and its kind, as Atlas writes them.
        let generated = match (&column.generated, self.dialect) {
            (Some(g), "clickhouse") => {
                b.attr("default", default_value(self.dialect, &column.ty, &g.expr));
                b.attr("default_kind", if g.stored { "MATERIALIZED" } else { "ALIAS" });
                None
            }
            (generated, _) => generated.as_ref(),
        };
        let mut rest = Rest::new(self.dialect, &column.attrs);
        let auto_increment = rest.take("auto_increment").and_then(Value::as_bool) == Some(true);
        if autoincrement || auto_increment {
            b.attr("auto_increment", "true");
        }
        if let Some(on_update) = rest.take("on_update").and_then(Value::as_str) {
            b.attr("on_update", sql(on_update));
        }
        if let Some(collation) = &column.collation {
            b.attr("collate", string(collation));
        }
        if let Some(comment) = &column.comment {
            b.attr("comment", string(comment));
        }
        let mut missing = Vec::new();
        if let Some(generated) = rest.take("identity").and_then(Value::as_str) {
            let mut identity = Block::new("identity", &[]);
            identity.attr("generated", ident_or_string(&generated.replace(' ', "_")));
            if let Some(Value::Object(options)) = rest.take("identity_options") {
                for key in ["start", "increment"] {
                    if let Some(n) = options.get(key).and_then(Value::as_i64) {
                        identity.attr(key, n.to_string());
                    }
                }
                let others = options.keys().filter(|k| !matches!(k.as_str(), "start" | "increment"));
                missing.extend(others.map(|k| format!("identity {k}")));
            }
            b.child(identity);
        }
        if let Some(generated) = generated {
            let mut expr = Block::new("as", &[]);
            expr.attr("expr", string(&generated.expr));
            expr.attr("type", if generated.stored { "STORED" } else { "VIRTUAL" });
            b.child(expr);
        }
        missing.extend(rest.names());
        note(&mut b, missing);
        b
    }

    fn primary_key(&self, table: &Table, pk: &PrimaryKey, autoincrement_written: bool) -> Block {
        // PostgreSQL names every key; only a name other than its default one is the user's.
        let default_name = format!("{}_pkey", table.name);
        let name = pk.name.as_deref().filter(|n| !(self.dialect == "postgres" && *n == default_name));
        let mut b = Block::new("primary_key", &name.into_iter().collect::<Vec<_>>());
        let mut rest = Rest::new(self.dialect, &pk.attrs);
        if autoincrement_written {
            rest.take_typed(&Attr::AutoIncrement);
        }
        let mut missing = self.parts(&mut b, &pk.parts, &mut rest);
        missing.extend(rest.names());
        note(&mut b, missing);
        b
    }

    fn foreign_key(&self, schema: &Schema, fk: &ForeignKey) -> Block {
        let mut b = Block::new("foreign_key", &fk.name.as_deref().into_iter().collect::<Vec<_>>());
        b.attr("columns", list(fk.columns.iter().map(|c| reference("column", &[c]))));
        let ref_schema = fk.ref_schema.as_deref().unwrap_or(&schema.name);
        let target = self.table_ref(&schema.name, ref_schema, &fk.ref_table);
        b.attr("ref_columns", list(fk.ref_columns.iter().map(|c| format!("{target}.column{}", step(c)))));
        b.attr("on_update", action(self.dialect, fk.on_update.as_deref()));
        b.attr("on_delete", action(self.dialect, fk.on_delete.as_deref()));
        let mut missing: Vec<String> = fk.deferrable.iter().map(|d| format!("deferrable ({d})")).collect();
        missing.extend(Rest::new(self.dialect, &fk.attrs).names());
        note(&mut b, missing);
        b
    }

    /// An `index` block, or a `unique` block for a unique constraint's index.
    fn index(&self, kind: &str, index: &Index) -> Block {
        let mut b = Block::new(kind, &[&index.name]);
        let mut rest = Rest::new(self.dialect, &index.attrs);
        rest.take("constraint");
        if index.unique && kind == "index" {
            b.attr("unique", "true");
        }
        let mut missing = self.parts(&mut b, &index.parts, &mut rest);
        let method = match self.dialect {
            "postgres" => rest.take("method"),
            "mysql" => rest.take("type"),
            _ => None,
        };
        if let Some(method) = method.and_then(Value::as_str) {
            let upper = method.to_uppercase();
            let known = ["BRIN", "HASH", "GIN", "GIST", "SPGIST", "FULLTEXT", "SPATIAL"].contains(&upper.as_str());
            b.attr("type", if known { upper } else { string(method) });
        }
        if let Some(predicate) = &index.predicate {
            b.attr("where", string(predicate));
        }
        if rest.take("nulls_not_distinct").and_then(Value::as_bool) == Some(true) {
            b.attr("nulls_distinct", "false");
        }
        if let Some(Value::Array(include)) = rest.take("include") {
            b.attr("include", list(include.iter().filter_map(Value::as_str).map(|c| reference("column", &[c]))));
        }
        if let Some(Value::Array(with)) = rest.take("with") {
            for param in with.iter().filter_map(Value::as_str) {
                match param.strip_prefix("pages_per_range=").filter(|n| n.parse::<u64>().is_ok()) {
                    Some(n) => b.attr("page_per_range", n),
                    None => missing.push(format!("storage parameter {param}")),
                }
            }
        }
        if let Some(comment) = rest.take("comment").and_then(Value::as_str) {
            b.attr("comment", string(comment));
        }
        missing.extend(rest.names());
        note(&mut b, missing);
        b
    }

    /// The parts of a key: `columns = [...]` when they are plain columns, else
    /// one `on` block each. Returns what could not be written.
    fn parts(&self, b: &mut Block, parts: &[IndexPart], rest: &mut Rest<'_>) -> Vec<String> {
        let prefixes = if self.dialect == "mysql" { rest.take("sub_parts") } else { None };
        let (ops, nulls) =
            if self.dialect == "postgres" { (rest.take("opclass"), rest.take("nulls")) } else { (None, None) };
        let at = |list: Option<&Value>, i: usize| list.and_then(|l| l.get(i)).filter(|v| !v.is_null()).cloned();
        let plain = parts.iter().enumerate().all(|(i, p)| {
            p.column.is_some()
                && p.expr.is_none()
                && !p.desc
                && p.collation.is_none()
                && [prefixes, ops, nulls].iter().all(|l| at(*l, i).is_none())
        });
        if plain {
            b.attr(
                "columns",
                list(parts.iter().filter_map(|p| p.column.as_deref()).map(|c| reference("column", &[c]))),
            );
            return Vec::new();
        }
        let mut missing = Vec::new();
        for (i, part) in parts.iter().enumerate() {
            let mut on = Block::new("on", &[]);
            if let Some(column) = &part.column {
                on.attr("column", reference("column", &[column]));
            } else if let Some(expr) = &part.expr {
                on.attr("expr", string(expr));
            }
            if part.desc {
                on.attr("desc", "true");
            }
            if let Some(n) = at(prefixes, i).and_then(|v| v.as_u64()) {
                on.attr("prefix", n.to_string());
            }
            if let Some(class) = at(ops, i) {
                on.attr("ops", class.as_str().map_or_else(|| string(&class.to_string()), ident_or_string));
            }
            match at(nulls, i).as_ref().and_then(Value::as_str) {
                Some("FIRST") => on.attr("nulls_first", "true"),
                Some("LAST") => on.attr("nulls_last", "true"),
                _ => {}
            }
            if let Some(collation) = &part.collation {
                match self.dialect {
                    "sqlite" | "postgres" => on.attr("collate", string(collation)),
                    _ => missing.push(format!("collation {collation} of part {}", i + 1)),
                }
            }
            b.child(on);
        }
        missing
    }

    fn check(&self, check: &Check) -> Block {
        let mut b = Block::new("check", &check.name.as_deref().into_iter().collect::<Vec<_>>());
        b.attr("expr", string(&check.expr));
        note(&mut b, Rest::new(self.dialect, &check.attrs).names());
        b
    }

    fn view(&self, schema: &Schema, view: &View) -> Block {
        let mut rest = Rest::new(self.dialect, &view.attrs);
        let kind =
            if rest.take("materialized").and_then(Value::as_bool) == Some(true) { "materialized" } else { "view" };
        let mut b = Block::new(kind, &self.labels(kind, &schema.name, &view.name));
        b.attr("schema", reference("schema", &[&schema.name]));
        if let Some(to) = rest.take("to").and_then(Value::as_str) {
            let to_schema = rest.take("to_schema").and_then(Value::as_str).unwrap_or(&schema.name);
            b.attr("to", self.table_ref(&schema.name, to_schema, to));
        }
        if self.dialect == "clickhouse" {
            self.engine(&mut b, &mut rest);
        }
        let query = match self.dialect {
            "sqlite" => sqlite_view_query(&view.name, &view.def).unwrap_or(&view.def),
            _ => &view.def,
        };
        b.attr("as", string(query));
        if self.dialect == "clickhouse"
            && let Some(key) = rest.take("primary_key").and_then(Value::as_str)
        {
            b.child(clickhouse_key(key, None));
        }
        if let Some(option) = rest.take("check_option").and_then(Value::as_str) {
            b.attr("check_option", ident_or_string(option));
        }
        if self.dialect == "mysql"
            && let Some(security) = rest.take("security").and_then(Value::as_str)
        {
            b.attr("security", ident_or_string(security));
        }
        if let Some(comment) = rest.take("comment").and_then(Value::as_str) {
            b.attr("comment", string(comment));
        }
        note(&mut b, rest.names());
        b
    }

    /// The values of PostgreSQL's schema objects of `kind` (see OBJECT_KINDS).
    fn object_values(&self, schema: &'a Schema, kind: &str) -> Vec<&'a Value> {
        if self.dialect != "postgres" {
            return Vec::new();
        }
        schema
            .attrs
            .iter()
            .filter_map(|a| match a {
                Attr::Other { dialect, name, value } if dialect == self.dialect && name == kind => Some(value),
                _ => None,
            })
            .collect()
    }

    /// PostgreSQL's functions and procedures of `schema`, each with whether it
    /// is written: the first of a name is, its overloads are not.
    fn function_values(&self, schema: &'a Schema) -> Vec<(&'a Value, bool)> {
        let mut seen = HashSet::new();
        self.object_values(schema, "function")
            .into_iter()
            .map(|v| (v, seen.insert(v.get("name").and_then(Value::as_str).unwrap_or_default())))
            .collect()
    }

    /// The blocks of PostgreSQL's schema objects of `kind`.
    fn objects(&self, schema: &'a Schema, kind: &str) -> Vec<Block> {
        let mut blocks = Vec::new();
        for value in self.object_values(schema, kind) {
            let Some(name) = value.get("name").and_then(Value::as_str) else { continue };
            let mut b = Block::new(kind, &self.labels(kind, &schema.name, name));
            b.attr("schema", reference("schema", &[&schema.name]));
            let str_of = |key: &str| value.get(key).and_then(Value::as_str);
            let int_of = |key: &str| value.get(key).and_then(Value::as_i64);
            match kind {
                "enum" => {
                    let values = value.get("values").and_then(Value::as_array).cloned().unwrap_or_default();
                    b.attr("values", list(values.iter().filter_map(Value::as_str).map(string)));
                }
                "domain" => {
                    let ty = str_of("type").unwrap_or_default();
                    b.attr("type", column_type(self.dialect, ty));
                    let not_null = value.get("not_null").and_then(Value::as_bool).unwrap_or(false);
                    b.attr("null", (!not_null).to_string());
                    if let Some(default) = str_of("default") {
                        b.attr("default", default_value(self.dialect, ty, default));
                    }
                    for check in value.get("checks").and_then(Value::as_array).into_iter().flatten() {
                        let (Some(name), Some(def)) =
                            (check.get(0).and_then(Value::as_str), check.get(1).and_then(Value::as_str))
                        else {
                            continue;
                        };
                        let mut c = Block::new("check", &[name]);
                        c.attr("expr", string(check_body(def)));
                        b.child(c);
                    }
                }
                "sequence" => {
                    if let Some(ty) = str_of("type") {
                        b.attr("type", column_type(self.dialect, ty));
                    }
                    for (key, written) in [
                        ("start", "start"),
                        ("increment", "increment"),
                        ("min", "min_value"),
                        ("max", "max_value"),
                        ("cache", "cache"),
                    ] {
                        if let Some(n) = int_of(key) {
                            b.attr(written, n.to_string());
                        }
                    }
                    if value.get("cycle").and_then(Value::as_bool) == Some(true) {
                        b.attr("cycle", "true");
                    }
                }
                _ => {
                    if let Some(version) = str_of("version") {
                        b.attr("version", string(version));
                    }
                }
            }
            if let Some(comment) = str_of("comment") {
                b.attr("comment", string(comment));
            }
            blocks.push(b);
        }
        blocks
    }

    fn schema(&self, schema: &Schema) -> Block {
        let mut b = Block::new("schema", &[&schema.name]);
        let mut rest = Rest::new(self.dialect, &schema.attrs);
        if self.dialect == "mysql" {
            if let Some(charset) = rest.take("charset").and_then(Value::as_str) {
                b.attr("charset", string(charset));
            }
            if let Some(collation) = rest.take("collation").and_then(Value::as_str) {
                b.attr("collate", string(collation));
            }
        }
        if let Some(comment) = rest.take("comment").and_then(Value::as_str) {
            b.attr("comment", string(comment));
        }
        let mut missing = Vec::new();
        if self.dialect == "postgres" {
            for kind in OBJECT_KINDS {
                while rest.take(kind).is_some() {}
            }
            while rest.take("function").is_some() {}
            // Overloads: a block's labels tell one function of a name only.
            for (function, written) in self.function_values(schema) {
                if written {
                    continue;
                }
                let kind = function.get("kind").and_then(Value::as_str).unwrap_or("function");
                let name = function.get("name").and_then(Value::as_str).unwrap_or_default();
                let args = function.get("args").and_then(Value::as_str).unwrap_or_default();
                missing.push(format!("{kind} {name}({args}) (an overload)"));
            }
        }
        missing.extend(rest.names());
        note(&mut b, missing);
        b
    }
}

/// The attributes of an element not written yet. What is left at the end is
/// named in a `# not written` comment.
struct Rest<'a> {
    dialect: &'a str,
    attrs: Vec<&'a Attr>,
}

impl<'a> Rest<'a> {
    fn new(dialect: &'a str, attrs: &'a [Attr]) -> Rest<'a> {
        Rest { dialect, attrs: attrs.iter().collect() }
    }

    fn position(&self, name: &str) -> Option<usize> {
        self.attrs
            .iter()
            .position(|a| matches!(a, Attr::Other { dialect, name: n, .. } if dialect == self.dialect && n == name))
    }

    /// The value of the dialect's attribute `name`, left in place.
    fn get(&self, name: &str) -> Option<&'a Value> {
        match self.attrs.get(self.position(name)?) {
            Some(Attr::Other { value, .. }) => Some(value),
            _ => None,
        }
    }

    /// The value of the dialect's attribute `name`, taken out.
    fn take(&mut self, name: &str) -> Option<&'a Value> {
        match self.attrs.remove(self.position(name)?) {
            Attr::Other { value, .. } => Some(value),
            _ => None,
        }
    }

    /// Takes out the typed attribute `attr`; true when it was there.
    fn take_typed(&mut self, attr: &Attr) -> bool {
        let before = self.attrs.len();
        self.attrs.retain(|a| *a != attr);
        self.attrs.len() != before
    }

    /// The names of the attributes left.
    fn names(&self) -> Vec<String> {
        self.attrs
            .iter()
            .map(|a| match a {
                Attr::AutoIncrement => "autoincrement".to_string(),
                Attr::WithoutRowid => "without_rowid".to_string(),
                Attr::Strict => "strict".to_string(),
                Attr::Other { dialect, name, .. } if dialect == self.dialect => name.clone(),
                Attr::Other { dialect, name, .. } => format!("{dialect} {name}"),
            })
            .collect()
    }
}

/// Adds the `# not written` comment naming `missing`, if anything is.
fn note(b: &mut Block, mut missing: Vec<String>) {
    let mut seen = HashSet::new();
    missing.retain(|m| seen.insert(m.clone()));
    if !missing.is_empty() {
        b.comment(&format!("not written (no Atlas HCL form): {}", missing.join(", ")));
    }
}

/// A referential action as Atlas writes it: `NO_ACTION`, `CASCADE`, `SET_NULL`, ….
/// No action in the model is the dialect's default: `RESTRICT` on MySQL (what
/// its catalog reports when none was written; an explicit `NO ACTION` stays
/// one), `NO ACTION` elsewhere.
fn action(dialect: &str, action: Option<&str>) -> String {
    let action = action.unwrap_or(if dialect == "mysql" { "RESTRICT" } else { "NO ACTION" });
    let written = action.trim().to_uppercase().split_whitespace().collect::<Vec<_>>().join("_");
    if ["NO_ACTION", "RESTRICT", "CASCADE", "SET_NULL", "SET_DEFAULT"].contains(&written.as_str()) {
        written
    } else {
        string(action)
    }
}

/// PostgreSQL's partition key (`RANGE (created_at)`, `LIST (lower(name))`)
/// as a `partition` block: `columns` when every part is a column, else `by` blocks.
fn partition(table: &Table, key: &str) -> Option<Block> {
    let (kind, parts) = key.split_once('(')?;
    let kind = kind.trim().to_uppercase();
    if !["RANGE", "LIST", "HASH"].contains(&kind.as_str()) {
        return None;
    }
    let parts = split_top_level(parts.trim_end().strip_suffix(')')?)?;
    let column_of = |part: &str| {
        let name = match part.strip_prefix('"').and_then(|p| p.strip_suffix('"')) {
            Some(quoted) => quoted.replace("\"\"", "\""),
            None => part.to_string(),
        };
        table.columns.iter().find(|c| c.name == name).map(|c| c.name.clone())
    };
    let mut b = Block::new("partition", &[]);
    b.attr("type", kind.clone());
    let columns: Vec<Option<String>> = parts.iter().map(|p| column_of(p)).collect();
    if columns.iter().all(Option::is_some) {
        b.attr("columns", list(columns.iter().flatten().map(|c| reference("column", &[c]))));
    } else {
        for (part, column) in parts.iter().zip(&columns) {
            let mut by = Block::new("by", &[]);
            match column {
                Some(c) => by.attr("column", reference("column", &[c])),
                None => by.attr("expr", string(part)),
            }
            b.child(by);
        }
    }
    Some(b)
}

/// ClickHouse's `PRIMARY KEY` as a `primary_key` block: `columns` when every
/// part is a column of `columns`, else an `on` block each (a `column` or an
/// `expr`); a materialized view's parts (no `columns`) are expressions.
fn clickhouse_key(key: &str, columns: Option<&[Column]>) -> Block {
    let parts = key_parts(key);
    let column_of = |part: &str| {
        let name = unquote_ident(part)?;
        columns?.iter().any(|c| c.name == name).then_some(name)
    };
    let named: Vec<Option<String>> = parts.iter().map(|p| column_of(p)).collect();
    let mut b = Block::new("primary_key", &[]);
    if named.iter().all(Option::is_some) {
        b.attr("columns", list(named.iter().flatten().map(|c| reference("column", &[c]))));
        return b;
    }
    for (part, column) in parts.iter().zip(&named) {
        let mut on = Block::new("on", &[]);
        match column {
            Some(c) => on.attr("column", reference("column", &[c])),
            None => on.attr("expr", string(part)),
        }
        b.child(on);
    }
    b
}

/// ClickHouse's `SETTINGS` as an object (`{ index_granularity = 8192 }`):
/// numbers as numbers, plain quoted strings as strings, other values as
/// `sql("…")`; the whole as `sql("…")` when it is not a list of `name = value`.
fn clickhouse_settings(text: &str) -> String {
    let Some(pairs) = settings_pairs(text).filter(|p| p.iter().all(|(name, _)| is_ident(name))) else {
        return sql(text);
    };
    let value = |v: &str| {
        let digits = v.strip_prefix('-').unwrap_or(v);
        let number = !digits.is_empty() && digits.len() <= 15 && digits.bytes().all(|b| b.is_ascii_digit());
        if number && (digits == "0" || !digits.starts_with('0')) && v != "-0" {
            return v.to_string();
        }
        match v.strip_prefix('\'').and_then(|r| r.strip_suffix('\'')) {
            Some(inner) if !inner.contains(['\\', '\'']) => string(inner),
            _ => sql(v),
        }
    };
    let items: Vec<String> = pairs.iter().map(|(name, v)| format!("{name} = {}", value(v))).collect();
    format!("{{ {} }}", items.join(", "))
}

/// `text` split at its top-level commas (outside parentheses and quotes),
/// each part trimmed; `None` when unbalanced.
fn split_top_level(text: &str) -> Option<Vec<&str>> {
    let (mut parts, mut depth, mut start, mut quote) = (Vec::new(), 0usize, 0, None::<char>);
    for (i, c) in text.char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '\'' | '"') => quote = Some(c),
            (None, '(') => depth += 1,
            (None, ')') => depth = depth.checked_sub(1)?,
            (None, ',') if depth == 0 => {
                parts.push(text[start..i].trim());
                start = i + 1;
            }
            _ => {}
        }
    }
    if depth != 0 || quote.is_some() {
        return None;
    }
    parts.push(text[start..].trim());
    Some(parts)
}

/// `CHECK (expr)` → `(expr)`'s inside, as Atlas writes a domain check's `expr`;
/// the definition whole when it is not that simple.
fn check_body(def: &str) -> &str {
    match def.strip_prefix("CHECK (").and_then(|r| r.strip_suffix(')')) {
        // The outer parentheses must enclose the whole expression: not `CHECK (a) AND (b)`.
        Some(inner) if balanced(inner) => inner,
        _ => def,
    }
}

/// True when the parentheses of `text` (outside quotes) never close more than they opened.
fn balanced(text: &str) -> bool {
    let (mut depth, mut quote) = (0i64, None::<char>);
    for c in text.chars() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '\'' | '"') => quote = Some(c),
            (None, '(') => depth += 1,
            (None, ')') => {
                depth -= 1;
                if depth < 0 {
                    return false;
                }
            }
            _ => {}
        }
    }
    depth == 0 && quote.is_none()
}

/// The query of a SQLite view whose stored definition is `CREATE VIEW name AS
/// query` (Atlas's `as` holds the query alone); `None` for anything else (a
/// column list, a qualified name), which is then written whole.
fn sqlite_view_query<'d>(name: &str, def: &'d str) -> Option<&'d str> {
    let rest = keyword(def, "CREATE")?;
    let rest = keyword(rest, "VIEW")?;
    let rest = keyword(rest, "IF").and_then(|r| keyword(r, "NOT")).and_then(|r| keyword(r, "EXISTS")).unwrap_or(rest);
    let (found, rest) = sqlite_name(rest)?;
    let query = keyword(rest, "AS")?;
    (found.eq_ignore_ascii_case(name) && !query.is_empty()).then_some(query)
}

/// `text` after the keyword `word` (any case, then whitespace), or `None`.
fn keyword<'t>(text: &'t str, word: &str) -> Option<&'t str> {
    let text = text.trim_start();
    let head = text.get(..word.len())?;
    let rest = &text[word.len()..];
    let ends = rest.chars().next().is_none_or(|c| !(c.is_alphanumeric() || c == '_' || c == '$'));
    (head.eq_ignore_ascii_case(word) && ends).then(|| rest.trim_start())
}

/// A SQLite name at the start of `text` (bare, or quoted with `"`, `` ` `` or
/// `[…]`) and the text after it.
fn sqlite_name(text: &str) -> Option<(String, &str)> {
    let text = text.trim_start();
    let close = match text.chars().next()? {
        '"' => '"',
        '`' => '`',
        '[' => ']',
        _ => {
            let end = text.find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '$')).unwrap_or(text.len());
            return (end > 0).then(|| (text[..end].to_string(), &text[end..]));
        }
    };
    let mut name = String::new();
    let mut chars = text.char_indices().skip(1).peekable();
    while let Some((i, c)) = chars.next() {
        if c == close {
            // A doubled quote is one quote (not inside `[…]`).
            if close != ']' && chars.peek().is_some_and(|(_, n)| *n == close) {
                chars.next();
                name.push(c);
                continue;
            }
            return Some((name, &text[i + c.len_utf8()..]));
        }
        name.push(c);
    }
    None
}

#[cfg(test)]
#[path = "write_tests.rs"]
mod tests;
