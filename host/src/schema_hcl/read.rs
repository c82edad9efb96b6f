//! Reading schema HCL, Atlas's `schema`/`table`/`view` language, into the
//! model of one dialect.
//!
//! The realm read is the schema as written, not yet normalized: types keep
//! the user's spelling (`int`, `varchar(255)`), defaults are SQL literals.
//! The host plans it on the dev database and takes what inspection returns
//! there as the desired state (`plan::DevDb::state_of_files`), as for SQL files.
//!
//! Reading goes in two passes: the declarations first (schemas, tables with
//! their column names, views, enum types, functions), so that references resolve in any
//! order and across files; then every block is read whole. Anything unknown
//! (a block, an attribute, a type, a reference) is an error at its place.
//!
//! Read: `schema`, `table` (columns with types, `null`, `default`, `comment`,
//! `collate`, generated `as`; `primary_key`, `index` with `on` parts (each
//! with its `collate`), `unique` constraints, `foreign_key` (named or not),
//! `check`), `view`, and per dialect SQLite's `without_rowid`/`strict`/
//! `auto_increment` (on the key's one column, and kept on the key as the
//! model does), MySQL's `charset`, `collate`, `engine`, `auto_increment`,
//! `unsigned`, `on_update`, index `type`/`prefix`, view `check_option`/
//! `security`, PostgreSQL's `enum` types, `domain`s (with `check` blocks),
//! `sequence`s, `extension`s, `materialized` views, `identity` columns, index
//! `type`/`include`/`nulls_distinct`/`page_per_range` and `ops`/`nulls_first`/
//! `nulls_last` parts, `unique` constraints with `include`/`nulls_distinct`,
//! table `partition` keys (`columns` or `by` blocks) and `row_security`,
//! ClickHouse's engines and their clauses, `primary_key` blocks as `PRIMARY
//! KEY`, `default_kind` and materialized views (see [`ch`]); PostgreSQL's
//! `function`s and `procedure`s, and `trigger`s of PostgreSQL, MySQL and
//! SQLite, in Atlas's structured form or holding their whole definition
//! (see [`routines`]).
//! Everything `schema inspect` writes reads back (what it cannot write is a
//! `# not written` comment, which reading skips). Not read (an error says
//! so): overloaded functions (one name, other arguments), aggregates,
//! policies, partitions' tables, exclusion constraints, input variables and
//! locals; those go in `.sql` files beside the `.hcl` ones.

#[path = "read_clickhouse.rs"]
mod ch;
#[path = "read_routines.rs"]
mod routines;

use super::read_origin::{Origins, Place};
use super::read_types as types;
use hcl::edit::Span;
use hcl::edit::expr::{Expression, TraversalOperator};
use hcl::edit::structure::{Attribute, Block, Body, Structure};
use serde_json::Value;
use std::collections::{BTreeMap, HashMap};
use std::ops::Range;
use std::path::PathBuf;
use strata_dialect_api::{
    Attr, Check, Column, ForeignKey, Generated, Index, IndexPart, PrimaryKey, Realm, Schema, Table, View,
};

/// A schema HCL file that cannot be read, with where.
#[derive(Debug, thiserror::Error)]
#[error("{file}:{line}:{column}: {message}")]
pub struct HclSchemaError {
    /// The file.
    pub file: PathBuf,
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
    /// What is wrong, with a hint naming the nearest valid spelling.
    pub message: String,
}

/// Parses schema HCL files of `dialect` into a realm.
///
/// # Errors
/// The first problem found, at its file, line and column.
pub fn parse(files: &[(PathBuf, String)], dialect: &str) -> Result<Realm, HclSchemaError> {
    parse_located(files, dialect).map(|(realm, _)| realm)
}

/// [`parse`], with where each schema, table, view and enum type was declared.
///
/// # Errors
/// The first problem found, at its file, line and column.
pub(crate) fn parse_located(files: &[(PathBuf, String)], dialect: &str) -> Result<(Realm, Origins), HclSchemaError> {
    if !types::DIALECTS.contains(&dialect) {
        return Err(HclSchemaError {
            file: files.first().map(|f| f.0.clone()).unwrap_or_default(),
            line: 1,
            column: 1,
            message: format!(
                "schema HCL is read for the sqlite, postgres, mysql and clickhouse dialects, not {dialect}: write this schema as SQL files"
            ),
        });
    }
    let mut srcs = Vec::new();
    let mut bodies = Vec::new();
    for (path, text) in files {
        let body = hcl::edit::parser::parse_body(text).map_err(|e| HclSchemaError {
            file: path.clone(),
            line: e.location().line(),
            column: e.location().column(),
            message: e.message().to_string(),
        })?;
        srcs.push(Src::new(path.clone(), text));
        bodies.push(body);
    }
    let reader = Reader { dialect, srcs: &srcs };
    reader.read(&bodies)
}

/// A file's path and line starts, to turn byte offsets into lines and columns.
struct Src {
    file: PathBuf,
    text: String,
    line_starts: Vec<usize>,
}

impl Src {
    fn new(file: PathBuf, text: &str) -> Src {
        let line_starts = std::iter::once(0).chain(text.match_indices('\n').map(|(i, _)| i + 1)).collect();
        Src { file, text: text.to_string(), line_starts }
    }

    /// The place of a byte offset; columns count characters, as editors do.
    fn place(&self, offset: usize) -> Place {
        let offset = offset.min(self.text.len());
        let line = self.line_starts.partition_point(|&start| start <= offset);
        let start = self.line_starts.get(line.saturating_sub(1)).copied().unwrap_or(0);
        let column = self.text.get(start..offset).map_or(offset - start, |s| s.chars().count()) + 1;
        Place { file: self.file.clone(), line: line.max(1), column }
    }
}

type Res<T> = Result<T, HclSchemaError>;

/// A declared table: where, and its column names (for references).
struct TableDecl<'a> {
    file: usize,
    block: &'a Block,
    schema: String,
    name: String,
    columns: Vec<String>,
}

/// A declared view (or PostgreSQL materialized view).
struct ViewDecl<'a> {
    file: usize,
    block: &'a Block,
    schema: String,
    name: String,
    materialized: bool,
}

/// A declared PostgreSQL enum type.
struct EnumDecl<'a> {
    file: usize,
    block: &'a Block,
    schema: String,
    name: String,
}

/// A declared PostgreSQL domain, sequence or extension.
struct ObjectDecl<'a> {
    /// `domain`, `sequence` or `extension`.
    kind: &'static str,
    file: usize,
    block: &'a Block,
    schema: String,
    name: String,
}

/// A declared PostgreSQL function or procedure.
struct FunctionDecl<'a> {
    /// `function` or `procedure`.
    kind: &'static str,
    file: usize,
    block: &'a Block,
    schema: String,
    name: String,
}

/// Everything declared, before any block is read whole.
struct Decls<'a> {
    /// Schema name → its block (none for the implicit default schema).
    schemas: BTreeMap<String, Option<(usize, &'a Block)>>,
    tables: Vec<TableDecl<'a>>,
    views: Vec<ViewDecl<'a>>,
    enums: Vec<EnumDecl<'a>>,
    objects: Vec<ObjectDecl<'a>>,
    functions: Vec<FunctionDecl<'a>>,
    /// Trigger blocks: their schema follows from the table they fire on.
    triggers: Vec<(usize, &'a Block)>,
}

/// A reference path: `table.users.column.id` as its words and where each is.
type Segments = Vec<(String, Option<Range<usize>>)>;

struct Reader<'s> {
    dialect: &'s str,
    srcs: &'s [Src],
}

/// Blocks Atlas knows at the top level that this reader does not read.
const ATLAS_TOP: &[&str] =
    &["aggregate", "composite", "event", "function", "locals", "policy", "procedure", "trigger", "variable"];

/// Blocks Atlas knows in a table that this reader does not read.
const ATLAS_TABLE: &[&str] = &["exclude", "trigger"];

impl<'s> Reader<'s> {
    // ------------------------------------------------------------ places and errors

    fn place(&self, file: usize, span: Option<Range<usize>>) -> Place {
        match self.srcs.get(file) {
            Some(src) => src.place(span.map_or(0, |r| r.start)),
            None => Place { file: PathBuf::new(), line: 1, column: 1 },
        }
    }

    fn err(&self, file: usize, span: Option<Range<usize>>, message: impl Into<String>) -> HclSchemaError {
        let place = self.place(file, span);
        HclSchemaError { file: place.file, line: place.line, column: place.column, message: message.into() }
    }

    /// An `Attr::Other` of this dialect.
    fn attr(&self, name: &str, value: impl Into<Value>) -> Attr {
        Attr::Other { dialect: self.dialect.to_string(), name: name.to_string(), value: value.into() }
    }

    /// The attributes a block of `kind` takes in this dialect.
    fn attrs_of(&self, kind: &str) -> &'static [&'static str] {
        attrs_of(kind, self.dialect)
    }

    /// The nested blocks a block of `kind` takes in this dialect.
    fn blocks_of(&self, kind: &str) -> &'static [&'static str] {
        blocks_of(kind, self.dialect)
    }

    /// Checks that `body` (of a block of `kind`, described by `what`) holds
    /// only attributes and blocks that kind takes, each attribute once.
    fn check_body(&self, file: usize, body: &Body, kind: &str, what: &str) -> Res<()> {
        let attrs = self.attrs_of(kind);
        let blocks = self.blocks_of(kind);
        let mut seen: HashMap<&str, Option<Range<usize>>> = HashMap::new();
        for structure in body.iter() {
            match structure {
                Structure::Attribute(a) => {
                    let key = a.key.as_str();
                    if !attrs.contains(&key) {
                        let elsewhere = types::DIALECTS.iter().any(|d| attrs_of(kind, d).contains(&key));
                        let message = if elsewhere {
                            format!("attribute {key:?} of {what} is not supported by {}", self.dialect)
                        } else if blocks.contains(&key) {
                            format!("{key:?} in {what} is a block, not an attribute: write {key} {{ ... }}")
                        } else {
                            format!("unknown attribute {key:?} in {what}{}", types::hint(key, attrs.iter().copied()))
                        };
                        return Err(self.err(file, a.key.span(), message));
                    }
                    if let Some(first) = seen.insert(key, a.span()) {
                        let line = self.place(file, first).line;
                        return Err(self.err(
                            file,
                            a.key.span(),
                            format!("attribute {key:?} of {what} is set twice (first on line {line})"),
                        ));
                    }
                }
                Structure::Block(b) => {
                    let ident = b.ident.as_str();
                    if !blocks.contains(&ident) {
                        return Err(self.err(file, b.ident.span(), self.unknown_block(ident, kind, what, blocks)));
                    }
                }
            }
        }
        Ok(())
    }

    fn unknown_block(&self, ident: &str, kind: &str, what: &str, blocks: &[&str]) -> String {
        let unsupported = match kind {
            "top" => ATLAS_TOP.contains(&ident),
            "table" => ATLAS_TABLE.contains(&ident),
            _ => false,
        };
        let elsewhere = types::DIALECTS.iter().any(|d| blocks_of(kind, d).contains(&ident));
        let within = if kind == "top" { String::new() } else { format!(" in {what}") };
        if elsewhere {
            format!("{ident} blocks{within} are not supported by {}", self.dialect)
        } else if unsupported {
            format!(
                "{ident} blocks{within} are not supported by Strata's schema HCL reader: write this part of the schema in a .sql file beside the .hcl files (a directory of both runs the HCL first)"
            )
        } else if self.attrs_of(kind).contains(&ident) {
            format!("{ident:?}{within} is an attribute, not a block: write {ident} = ...")
        } else {
            format!("unknown block {ident:?}{within}{}", types::hint(ident, blocks.iter().copied()))
        }
    }

    /// The labels of `block`, which must number within `count`.
    fn labels(&self, file: usize, block: &Block, count: std::ops::RangeInclusive<usize>) -> Res<Vec<String>> {
        let labels: Vec<String> = block.labels.iter().map(|l| l.as_str().to_string()).collect();
        if count.contains(&labels.len()) {
            return Ok(labels);
        }
        let ident = block.ident.as_str();
        let want = match (*count.start(), *count.end()) {
            (0, 0) => "no label".to_string(),
            (1, 1) => "one label, its name".to_string(),
            (0, 1) => "at most one label, its name".to_string(),
            (1, 2) => "one label (its name) or two (its schema and name)".to_string(),
            (a, b) => format!("{a} to {b} labels"),
        };
        Err(self.err(file, block.ident.span(), format!("{ident} block takes {want}, got {}", labels.len())))
    }

    // ------------------------------------------------------------ values

    /// A string attribute (plain, template without interpolation, or heredoc).
    fn string(&self, file: usize, attr: &Attribute) -> Res<String> {
        self.string_expr(file, &attr.value, attr.key.as_str())
    }

    fn string_expr(&self, file: usize, expr: &Expression, what: &str) -> Res<String> {
        match expr {
            Expression::String(s) => Ok(s.value().to_string()),
            Expression::StringTemplate(_) | Expression::HeredocTemplate(_) => {
                use hcl::eval::Evaluate;
                let converted: hcl::Expression = expr.clone().into();
                match converted.evaluate(&hcl::eval::Context::new()) {
                    Ok(hcl::Value::String(s)) => Ok(s),
                    Ok(_) => Err(self.err(file, expr.span(), format!("{what}: expected a string"))),
                    Err(e) => Err(self.err(
                        file,
                        expr.span(),
                        format!("{what}: {e} (variables are not supported in schema HCL)"),
                    )),
                }
            }
            _ => Err(self.err(file, expr.span(), format!("{what}: expected a string"))),
        }
    }

    fn boolean(&self, file: usize, attr: &Attribute) -> Res<bool> {
        match &attr.value {
            Expression::Bool(b) => Ok(*b.value()),
            other => Err(self.err(file, other.span(), format!("{}: expected true or false", attr.key.as_str()))),
        }
    }

    fn integer(&self, file: usize, attr: &Attribute) -> Res<i64> {
        match &attr.value {
            Expression::Number(n) if n.value().as_i64().is_some() => Ok(n.value().as_i64().unwrap_or_default()),
            Expression::UnaryOp(op) if matches!(op.operator.value(), hcl::edit::expr::UnaryOperator::Neg) => {
                // As an unsigned number first: -9223372036854775808 is a bigint's least value.
                let negated = |n: &hcl::Number| n.as_u64().and_then(|u| i64::try_from(-i128::from(u)).ok());
                match &op.expr {
                    Expression::Number(n) if negated(n.value()).is_some() => Ok(negated(n.value()).unwrap_or_default()),
                    other => {
                        Err(self.err(file, other.span(), format!("{}: expected a whole number", attr.key.as_str())))
                    }
                }
            }
            other => Err(self.err(file, other.span(), format!("{}: expected a whole number", attr.key.as_str()))),
        }
    }

    /// An identifier (`CASCADE`, `GIN`) or a string.
    fn word(&self, file: usize, attr: &Attribute) -> Res<String> {
        match &attr.value {
            Expression::Variable(v) => Ok(v.as_str().to_string()),
            Expression::String(s) => Ok(s.value().to_string()),
            other => Err(self.err(
                file,
                other.span(),
                format!("{}: expected a name such as CASCADE, or a string", attr.key.as_str()),
            )),
        }
    }

    /// An identifier or string out of `allowed` (compared ignoring case and `_`/space).
    fn choice(&self, file: usize, attr: &Attribute, allowed: &[&'static str]) -> Res<&'static str> {
        let word = self.word(file, attr)?;
        let norm = |s: &str| s.to_uppercase().replace(' ', "_");
        allowed.iter().find(|a| norm(a) == norm(&word)).copied().ok_or_else(|| {
            let spelled: Vec<String> = allowed.iter().map(|a| a.replace(' ', "_")).collect();
            self.err(
                file,
                attr.value.span(),
                format!(
                    "unknown {} value {word:?}{} (one of {})",
                    attr.key.as_str(),
                    types::hint(&word, spelled.iter().map(String::as_str)),
                    spelled.join(", ")
                ),
            )
        })
    }

    fn array<'e>(&self, file: usize, attr: &'e Attribute) -> Res<Vec<&'e Expression>> {
        match &attr.value {
            Expression::Array(a) => Ok(a.iter().collect()),
            other => Err(self.err(file, other.span(), format!("{}: expected a list [...]", attr.key.as_str()))),
        }
    }

    /// The words of a reference (`table.users.column.id`), `None` when `expr` is none.
    fn segments(expr: &Expression) -> Option<Segments> {
        match expr {
            Expression::Variable(v) => Some(vec![(v.as_str().to_string(), v.span())]),
            Expression::Traversal(t) => {
                let Expression::Variable(root) = &t.expr else { return None };
                let mut out = vec![(root.as_str().to_string(), root.span())];
                for op in &t.operators {
                    match op.value() {
                        TraversalOperator::GetAttr(id) => out.push((id.as_str().to_string(), op.span())),
                        TraversalOperator::Index(Expression::String(s)) => out.push((s.value().to_string(), op.span())),
                        _ => return None,
                    }
                }
                Some(out)
            }
            _ => None,
        }
    }

    /// A SQL default: a number, string or boolean literal, or `sql("…")` verbatim.
    fn default_value(&self, file: usize, expr: &Expression) -> Res<String> {
        match expr {
            Expression::Number(n) => Ok(n.value().to_string()),
            Expression::UnaryOp(op)
                if matches!(op.operator.value(), hcl::edit::expr::UnaryOperator::Neg)
                    && matches!(op.expr, Expression::Number(_)) =>
            {
                match &op.expr {
                    Expression::Number(n) => Ok(format!("-{}", n.value())),
                    _ => Ok(String::new()),
                }
            }
            Expression::Bool(b) => Ok(if *b.value() { "true" } else { "false" }.to_string()),
            Expression::Null(_) => Ok("NULL".to_string()),
            Expression::String(_) | Expression::StringTemplate(_) | Expression::HeredocTemplate(_) => {
                Ok(types::literal(self.dialect, &self.string_expr(file, expr, "default")?))
            }
            Expression::FuncCall(call) if call.name.namespace.is_empty() && call.name.name.as_str() == "sql" => {
                self.sql_arg(file, call)
            }
            other => Err(self.err(
                file,
                other.span(),
                "default: expected a number, a string, true or false, or sql(\"...\")",
            )),
        }
    }

    /// The one string argument of `sql("…")`.
    fn sql_arg(&self, file: usize, call: &hcl::edit::expr::FuncCall) -> Res<String> {
        match (call.args.len(), call.args.get(0)) {
            (1, Some(arg)) => self.string_expr(file, arg, "sql()"),
            _ => Err(self.err(file, call.span(), "sql() takes one string: the SQL text")),
        }
    }

    // ------------------------------------------------------------ declarations

    fn read(&self, bodies: &[Body]) -> Res<(Realm, Origins)> {
        let decls = self.declare(bodies)?;
        let mut origins = Origins::default();
        let mut schemas: BTreeMap<String, Schema> = BTreeMap::new();
        for (name, block) in &decls.schemas {
            let mut schema = Schema { name: name.clone(), ..Schema::default() };
            if let Some((file, block)) = block {
                origins.push("schema", name, name, self.place(*file, block.ident.span()));
                schema.attrs = self.schema_attrs(*file, block, name)?;
            }
            schemas.insert(name.clone(), schema);
        }
        for e in &decls.enums {
            origins.push("enum", &e.schema, &e.name, self.place(e.file, e.block.ident.span()));
            let attr = self.enum_type(e)?;
            if let Some(schema) = schemas.get_mut(&e.schema) {
                schema.attrs.push(attr);
            }
        }
        for o in &decls.objects {
            origins.push(o.kind, &o.schema, &o.name, self.place(o.file, o.block.ident.span()));
            let attr = match o.kind {
                "domain" => self.domain(&decls, o)?,
                "sequence" => self.sequence(o)?,
                _ => self.extension(o)?,
            };
            if let Some(schema) = schemas.get_mut(&o.schema) {
                schema.attrs.push(attr);
            }
        }
        for t in &decls.tables {
            origins.push("table", &t.schema, &t.name, self.place(t.file, t.block.ident.span()));
            let table = self.table(&decls, t)?;
            if let Some(schema) = schemas.get_mut(&t.schema) {
                schema.tables.push(table);
            }
        }
        self.check_view_cycles(&decls)?;
        for v in &decls.views {
            origins.push("view", &v.schema, &v.name, self.place(v.file, v.block.ident.span()));
            let view = self.view(&decls, v)?;
            if let Some(schema) = schemas.get_mut(&v.schema) {
                schema.views.push(view);
            }
        }
        for f in &decls.functions {
            origins.push(f.kind, &f.schema, &f.name, self.place(f.file, f.block.ident.span()));
            let attr = self.function(&decls, f)?;
            if let Some(schema) = schemas.get_mut(&f.schema) {
                schema.attrs.push(attr);
            }
        }
        // Trigger names are unique per table on PostgreSQL, per schema elsewhere.
        let mut triggers: Vec<(String, String, String, usize, &Block)> = Vec::new();
        for (file, block) in &decls.triggers {
            let (schema_name, trigger) = self.trigger(&decls, *file, block)?;
            let twin = triggers.iter().find(|(s, t, n, _, _)| {
                *s == schema_name
                    && (self.dialect != "postgres" || *t == trigger.table)
                    && if self.dialect == "postgres" {
                        *n == trigger.name
                    } else {
                        n.eq_ignore_ascii_case(&trigger.name)
                    }
            });
            if let Some((_, _, _, f0, first)) = twin {
                return Err(self.duplicate(*file, block, "trigger", &trigger.name, *f0, first));
            }
            triggers.push((schema_name.clone(), trigger.table.clone(), trigger.name.clone(), *file, block));
            origins.push("trigger", &schema_name, &trigger.name, self.place(*file, block.ident.span()));
            if let Some(schema) = schemas.get_mut(&schema_name) {
                schema.triggers.push(trigger);
            }
        }
        let mut realm = Realm { schemas: schemas.into_values().collect() };
        for schema in &mut realm.schemas {
            schema.tables.sort_by(|a, b| a.name.cmp(&b.name));
            schema.views.sort_by(|a, b| a.name.cmp(&b.name));
            // Indexes stay in the file's order: MySQL keeps the order they are created in.
        }
        Ok((realm, origins))
    }

    /// Collects the declarations of every file.
    fn declare<'a>(&self, bodies: &'a [Body]) -> Res<Decls<'a>> {
        let mut schema_blocks: Vec<(usize, &'a Block)> = Vec::new();
        let mut table_blocks: Vec<(usize, &'a Block)> = Vec::new();
        let mut view_blocks: Vec<(usize, &'a Block)> = Vec::new();
        let mut enum_blocks: Vec<(usize, &'a Block)> = Vec::new();
        let mut object_blocks: Vec<(&'static str, usize, &'a Block)> = Vec::new();
        let mut function_blocks: Vec<(&'static str, usize, &'a Block)> = Vec::new();
        let mut trigger_blocks: Vec<(usize, &'a Block)> = Vec::new();
        for (file, body) in bodies.iter().enumerate() {
            self.check_body(file, body, "top", "the file")?;
            for block in body.blocks() {
                match block.ident.as_str() {
                    "schema" => schema_blocks.push((file, block)),
                    "table" => table_blocks.push((file, block)),
                    "view" | "materialized" => view_blocks.push((file, block)),
                    "enum" => enum_blocks.push((file, block)),
                    "domain" => object_blocks.push(("domain", file, block)),
                    "sequence" => object_blocks.push(("sequence", file, block)),
                    "extension" => object_blocks.push(("extension", file, block)),
                    "function" => function_blocks.push(("function", file, block)),
                    "procedure" => function_blocks.push(("procedure", file, block)),
                    "trigger" => trigger_blocks.push((file, block)),
                    _ => {}
                }
            }
        }
        let mut decls = Decls {
            schemas: BTreeMap::new(),
            tables: Vec::new(),
            views: Vec::new(),
            enums: Vec::new(),
            objects: Vec::new(),
            functions: Vec::new(),
            triggers: trigger_blocks,
        };
        for (file, block) in &schema_blocks {
            let name = self.labels(*file, block, 1..=1)?.concat();
            if let Some(Some((f0, first))) = decls.schemas.get(&name) {
                return Err(self.duplicate(*file, block, "schema", &name, *f0, first));
            }
            decls.schemas.insert(name, Some((*file, block)));
        }
        // Objects without a `schema` attribute go to the only schema declared,
        // or to the dialect's default schema when none is.
        let implicit = match decls.schemas.len() {
            0 => Some(default_schema(self.dialect).to_string()),
            1 => decls.schemas.keys().next().cloned(),
            _ => None,
        };
        let mut used_implicit = false;
        for (file, block) in &table_blocks {
            let (schema, name) = self.placed(*file, block, "table", &decls, implicit.as_deref(), &mut used_implicit)?;
            if let Some(first) = decls.tables.iter().find(|t| t.schema == schema && t.name == name) {
                return Err(self.duplicate(*file, block, "table", &name, first.file, first.block));
            }
            let columns = block
                .body
                .blocks()
                .filter(|b| b.ident.as_str() == "column")
                .map(|b| b.labels.first().map(|l| l.as_str().to_string()).unwrap_or_default())
                .collect();
            decls.tables.push(TableDecl { file: *file, block, schema, name, columns });
        }
        for (file, block) in &view_blocks {
            let (schema, name) = self.placed(*file, block, "view", &decls, implicit.as_deref(), &mut used_implicit)?;
            let clash = decls.views.iter().find(|v| v.schema == schema && v.name == name).map(|v| (v.file, v.block));
            let clash =
                clash.or(decls.tables.iter().find(|t| t.schema == schema && t.name == name).map(|t| (t.file, t.block)));
            if let Some((f0, first)) = clash {
                return Err(self.duplicate(*file, block, "view", &name, f0, first));
            }
            let materialized = block.ident.as_str() == "materialized";
            decls.views.push(ViewDecl { file: *file, block, schema, name, materialized });
        }
        for (file, block) in &enum_blocks {
            let (schema, name) = self.placed(*file, block, "enum", &decls, implicit.as_deref(), &mut used_implicit)?;
            if let Some(first) = decls.enums.iter().find(|e| e.schema == schema && e.name == name) {
                return Err(self.duplicate(*file, block, "enum", &name, first.file, first.block));
            }
            decls.enums.push(EnumDecl { file: *file, block, schema, name });
        }
        for (kind, file, block) in &object_blocks {
            let (schema, name) = self.placed(*file, block, kind, &decls, implicit.as_deref(), &mut used_implicit)?;
            // Domains share the namespace of types with enums.
            let clash = decls
                .objects
                .iter()
                .find(|o| o.kind == *kind && o.schema == schema && o.name == name)
                .map(|o| (o.file, o.block))
                .or_else(|| {
                    let e = decls.enums.iter().find(|e| *kind == "domain" && e.schema == schema && e.name == name)?;
                    Some((e.file, e.block))
                });
            if let Some((f0, first)) = clash {
                return Err(self.duplicate(*file, block, kind, &name, f0, first));
            }
            decls.objects.push(ObjectDecl { kind, file: *file, block, schema, name });
        }
        for (kind, file, block) in &function_blocks {
            let (schema, name) = self.placed(*file, block, kind, &decls, implicit.as_deref(), &mut used_implicit)?;
            // Functions and procedures share a namespace; overloads (one name,
            // other arguments) are not told apart by a block's labels.
            if let Some(first) = decls.functions.iter().find(|f| f.schema == schema && f.name == name) {
                let at = self.place(first.file, first.block.ident.span());
                return Err(self.err(
                    *file,
                    block.ident.span(),
                    format!(
                        "{kind} {name:?} is declared twice (first at {at}): overloaded functions are not read from schema HCL; write them in a .sql file beside the .hcl files"
                    ),
                ));
            }
            decls.functions.push(FunctionDecl { kind, file: *file, block, schema, name });
        }
        if used_implicit && let Some(name) = implicit {
            decls.schemas.entry(name).or_insert(None);
        }
        Ok(decls)
    }

    fn duplicate(
        &self,
        file: usize,
        block: &Block,
        kind: &str,
        name: &str,
        f0: usize,
        first: &Block,
    ) -> HclSchemaError {
        let at = self.place(f0, first.ident.span());
        self.err(file, block.ident.span(), format!("{kind} {name:?} is declared twice (first at {at})"))
    }

    /// The schema and name of a table, view or enum block: `table "s" "t"`,
    /// or `table "t" { schema = schema.s }`, or the implicit schema.
    fn placed(
        &self,
        file: usize,
        block: &Block,
        kind: &str,
        decls: &Decls<'_>,
        implicit: Option<&str>,
        used_implicit: &mut bool,
    ) -> Res<(String, String)> {
        let labels = self.labels(file, block, 1..=2)?;
        let attr = block.body.get_attribute("schema");
        let (schema, name) = match (labels.as_slice(), attr) {
            ([schema, name], None) => (self.known_schema(file, block.ident.span(), schema, decls)?, name.clone()),
            ([name], Some(attr)) | ([_, name], Some(attr)) => {
                let schema = self.schema_ref(file, &attr.value, decls)?;
                if let [qualifier, _] = labels.as_slice()
                    && *qualifier != schema
                {
                    return Err(self.err(
                        file,
                        attr.value.span(),
                        format!(
                            "{kind} {name:?}: its label names schema {qualifier:?}, its schema attribute {schema:?}"
                        ),
                    ));
                }
                (schema, name.clone())
            }
            ([name], None) => match implicit {
                Some(schema) => {
                    *used_implicit = true;
                    (schema.to_string(), name.clone())
                }
                None => {
                    return Err(self.err(
                        file,
                        block.ident.span(),
                        format!(
                            "{kind} {name:?} needs a schema attribute (schema = schema.NAME): {} schemas are declared",
                            decls.schemas.len()
                        ),
                    ));
                }
            },
            _ => return Err(self.err(file, block.ident.span(), format!("{kind} block needs a name"))),
        };
        Ok((schema, name))
    }

    fn known_schema(&self, file: usize, span: Option<Range<usize>>, name: &str, decls: &Decls<'_>) -> Res<String> {
        if decls.schemas.contains_key(name) {
            return Ok(name.to_string());
        }
        Err(self.err(
            file,
            span,
            format!(
                "schema {name:?} is not declared (add schema {name:?} {{}}){}",
                types::hint(name, decls.schemas.keys().map(String::as_str))
            ),
        ))
    }

    /// `schema.NAME`, which must be declared.
    fn schema_ref(&self, file: usize, expr: &Expression, decls: &Decls<'_>) -> Res<String> {
        match Self::segments(expr).as_deref() {
            Some([(root, _), (name, _)]) if root == "schema" => self.known_schema(file, expr.span(), name, decls),
            _ => Err(self.err(file, expr.span(), "schema: expected a reference such as schema.public")),
        }
    }

    // ------------------------------------------------------------ references

    /// The table `table.T` or `table.S.T` names (the words after `table`).
    fn table_ref<'d>(
        &self,
        file: usize,
        span: Option<Range<usize>>,
        words: &[(String, Option<Range<usize>>)],
        decls: &'d Decls<'d>,
        near_schema: &str,
    ) -> Res<&'d TableDecl<'d>> {
        let (schema, name) = match words {
            [(name, _)] => (None, name.as_str()),
            [(schema, _), (name, _)] => (Some(schema.as_str()), name.as_str()),
            _ => return Err(self.err(file, span, "expected a table reference such as table.users")),
        };
        let candidates: Vec<&TableDecl<'_>> =
            decls.tables.iter().filter(|t| t.name == name && schema.is_none_or(|s| s == t.schema)).collect();
        match candidates.as_slice() {
            [one] => Ok(one),
            [] => Err(self.err(
                file,
                span,
                format!(
                    "table {name:?} is not declared{}",
                    types::hint(name, decls.tables.iter().map(|t| t.name.as_str()))
                ),
            )),
            many => many.iter().find(|t| t.schema == near_schema).copied().ok_or_else(|| {
                self.err(
                    file,
                    span,
                    format!("table {name:?} is declared in several schemas: write table.SCHEMA.{name}"),
                )
            }),
        }
    }

    /// A column reference made in `table`: `column.c`, `table.t.column.c` or
    /// `table.s.t.column.c`. Returns the table it belongs to and the column.
    fn column_ref<'d>(
        &self,
        file: usize,
        expr: &Expression,
        decls: &'d Decls<'d>,
        table: &'d TableDecl<'d>,
    ) -> Res<(&'d TableDecl<'d>, String)> {
        let bad =
            || self.err(file, expr.span(), "expected a column reference such as column.id or table.users.column.id");
        let segs = Self::segments(expr).ok_or_else(bad)?;
        let (owner, column) = match segs.as_slice() {
            [(root, _), (c, _)] if root == "column" => (table, c.clone()),
            [(root, _), rest @ .., (col, _), (c, _)] if root == "table" && col == "column" && !rest.is_empty() => {
                (self.table_ref(file, expr.span(), rest, decls, &table.schema)?, c.clone())
            }
            _ => return Err(bad()),
        };
        if !owner.columns.contains(&column) {
            return Err(self.err(
                file,
                expr.span(),
                format!(
                    "column {column:?} is not defined in table {:?}{}",
                    owner.name,
                    types::hint(&column, owner.columns.iter().map(String::as_str))
                ),
            ));
        }
        Ok((owner, column))
    }

    /// Columns of `table` itself, from a list attribute.
    fn own_columns(&self, file: usize, attr: &Attribute, decls: &Decls<'_>, table: &TableDecl<'_>) -> Res<Vec<String>> {
        let mut out = Vec::new();
        for expr in self.array(file, attr)? {
            let (owner, column) = self.column_ref(file, expr, decls, table)?;
            if owner.schema != table.schema || owner.name != table.name {
                return Err(self.err(
                    file,
                    expr.span(),
                    format!(
                        "{}: column {column:?} belongs to table {:?}, not {:?}",
                        attr.key.as_str(),
                        owner.name,
                        table.name
                    ),
                ));
            }
            out.push(column);
        }
        if out.is_empty() {
            return Err(self.err(file, attr.value.span(), format!("{}: needs at least one column", attr.key.as_str())));
        }
        Ok(out)
    }

    // ------------------------------------------------------------ schemas and types

    fn schema_attrs(&self, file: usize, block: &Block, name: &str) -> Res<Vec<Attr>> {
        self.check_body(file, &block.body, "schema", &format!("schema {name:?}"))?;
        let body = &block.body;
        let mut attrs = Vec::new();
        if let Some(a) = body.get_attribute("comment") {
            attrs.push(self.attr("comment", self.string(file, a)?));
        }
        match (body.get_attribute("charset"), body.get_attribute("collate")) {
            (charset, Some(collate)) => {
                let collation = self.string(file, collate)?;
                let charset = match charset {
                    Some(c) => self.string(file, c)?,
                    None => collation.split('_').next().unwrap_or_default().to_string(),
                };
                attrs.push(self.attr("charset", charset));
                attrs.push(self.attr("collation", collation));
            }
            (Some(charset), None) => {
                return Err(self.err(
                    file,
                    charset.span(),
                    format!("schema {name:?}: a charset needs its collation too (collate = \"...\")"),
                ));
            }
            (None, None) => {}
        }
        Ok(attrs)
    }

    fn enum_type(&self, e: &EnumDecl<'_>) -> Res<Attr> {
        let what = format!("enum {:?}", e.name);
        self.check_body(e.file, &e.block.body, "enum", &what)?;
        let values_attr =
            e.block.body.get_attribute("values").ok_or_else(|| {
                self.err(e.file, e.block.ident.span(), format!("{what}: missing attribute \"values\""))
            })?;
        let mut values = Vec::new();
        for v in self.array(e.file, values_attr)? {
            values.push(Value::from(self.string_expr(e.file, v, "values")?));
        }
        let mut def = serde_json::Map::new();
        def.insert("name".into(), Value::from(e.name.clone()));
        def.insert("values".into(), Value::Array(values));
        if let Some(c) = e.block.body.get_attribute("comment") {
            def.insert("comment".into(), Value::from(self.string(e.file, c)?));
        }
        Ok(self.attr("enum", Value::Object(def)))
    }

    /// A PostgreSQL domain: `type`, `null` (false when left out, as for a
    /// column), `default`, `comment` and `check` blocks, named by their label
    /// (PostgreSQL's name for an unlabeled one).
    fn domain(&self, decls: &Decls<'_>, o: &ObjectDecl<'_>) -> Res<Attr> {
        let (file, body) = (o.file, &o.block.body);
        let what = format!("domain {:?}", o.name);
        self.check_body(file, body, "domain", &what)?;
        let ty = body
            .get_attribute("type")
            .ok_or_else(|| self.err(file, o.block.ident.span(), format!("{what}: missing attribute \"type\"")))?;
        let mut def = serde_json::Map::new();
        def.insert("name".into(), Value::from(o.name.clone()));
        def.insert("type".into(), Value::from(self.column_type(file, &ty.value, decls, &o.schema)?));
        let nullable = match body.get_attribute("null") {
            Some(a) => self.boolean(file, a)?,
            None => false,
        };
        def.insert("not_null".into(), Value::from(!nullable));
        if let Some(a) = body.get_attribute("default") {
            def.insert("default".into(), Value::from(self.default_value(file, &a.value)?));
        }
        let mut checks: Vec<(String, String)> = Vec::new();
        let mut unnamed = 0;
        for b in body.blocks() {
            let label = self.labels(file, b, 0..=1)?.into_iter().next();
            let check_what = match &label {
                Some(n) => format!("check {n:?} of {what}"),
                None => format!("a check of {what}"),
            };
            self.check_body(file, &b.body, "check", &check_what)?;
            let expr = b
                .body
                .get_attribute("expr")
                .ok_or_else(|| self.err(file, b.ident.span(), format!("{check_what}: missing attribute \"expr\"")))?;
            let expr = self.string(file, expr)?;
            let name = label.unwrap_or_else(|| {
                let n = if unnamed == 0 { format!("{}_check", o.name) } else { format!("{}_check{unnamed}", o.name) };
                unnamed += 1;
                n
            });
            if checks.iter().any(|(n, _)| *n == name) {
                return Err(self.err(file, b.ident.span(), format!("{what} has two checks named {name:?}")));
            }
            checks.push((name, check_clause(&expr)));
        }
        checks.sort();
        let checks = checks.into_iter().map(|(n, c)| Value::Array(vec![Value::from(n), Value::from(c)])).collect();
        def.insert("checks".into(), Value::Array(checks));
        if let Some(c) = body.get_attribute("comment") {
            def.insert("comment".into(), Value::from(self.string(file, c)?));
        }
        Ok(self.attr("domain", Value::Object(def)))
    }

    /// A PostgreSQL sequence; what is left out takes PostgreSQL's default
    /// (`bigint`, from 1 by 1, the type's range, no cycle).
    fn sequence(&self, o: &ObjectDecl<'_>) -> Res<Attr> {
        let (file, body) = (o.file, &o.block.body);
        let what = format!("sequence {:?}", o.name);
        self.check_body(file, body, "sequence", &what)?;
        let (ty, least, most) = match body.get_attribute("type") {
            None => ("bigint", i64::MIN, i64::MAX),
            Some(a) => {
                let word = match &a.value {
                    Expression::Variable(v) => v.as_str().to_lowercase(),
                    _ => String::new(),
                };
                match word.as_str() {
                    "smallint" | "int2" => ("smallint", i64::from(i16::MIN), i64::from(i16::MAX)),
                    "integer" | "int" | "int4" => ("integer", i64::from(i32::MIN), i64::from(i32::MAX)),
                    "bigint" | "int8" => ("bigint", i64::MIN, i64::MAX),
                    _ => {
                        return Err(self.err(
                            file,
                            a.value.span(),
                            format!("{what}: type must be smallint, integer or bigint"),
                        ));
                    }
                }
            }
        };
        let int = |key: &str| body.get_attribute(key).map(|a| self.integer(file, a)).transpose();
        let increment = int("increment")?.unwrap_or(1);
        if increment == 0 {
            let span = body.get_attribute("increment").and_then(|a| a.value.span());
            return Err(self.err(file, span, format!("{what}: increment must not be zero")));
        }
        let min = int("min_value")?.unwrap_or(if increment > 0 { 1 } else { least });
        let max = int("max_value")?.unwrap_or(if increment > 0 { most } else { -1 });
        let start = int("start")?.unwrap_or(if increment > 0 { min } else { max });
        let cycle = match body.get_attribute("cycle") {
            Some(a) => self.boolean(file, a)?,
            None => false,
        };
        let mut def = serde_json::Map::new();
        def.insert("name".into(), Value::from(o.name.clone()));
        def.insert("type".into(), Value::from(ty));
        def.insert("start".into(), Value::from(start));
        def.insert("increment".into(), Value::from(increment));
        def.insert("min".into(), Value::from(min));
        def.insert("max".into(), Value::from(max));
        def.insert("cache".into(), Value::from(int("cache")?.unwrap_or(1)));
        def.insert("cycle".into(), Value::from(cycle));
        if let Some(c) = body.get_attribute("comment") {
            def.insert("comment".into(), Value::from(self.string(file, c)?));
        }
        Ok(self.attr("sequence", Value::Object(def)))
    }

    /// A PostgreSQL extension, installed into its schema; its `version` is
    /// informational (the server installs its default version).
    fn extension(&self, o: &ObjectDecl<'_>) -> Res<Attr> {
        let (file, body) = (o.file, &o.block.body);
        self.check_body(file, body, "extension", &format!("extension {:?}", o.name))?;
        let version = match body.get_attribute("version") {
            Some(a) => self.string(file, a)?,
            None => String::new(),
        };
        let mut def = serde_json::Map::new();
        def.insert("name".into(), Value::from(o.name.clone()));
        def.insert("version".into(), Value::from(version));
        Ok(self.attr("extension", Value::Object(def)))
    }

    /// A column type: `int`, `varchar(255)`, `enum("a","b")`, `sql("…")`, or
    /// (PostgreSQL) `enum.NAME`.
    fn column_type(&self, file: usize, expr: &Expression, decls: &Decls<'_>, schema: &str) -> Res<String> {
        let known = types::known(self.dialect);
        let unknown = |name: &str, span| {
            self.err(
                file,
                span,
                format!("unknown type {name:?} for {}{}", self.dialect, types::hint(name, known.iter().copied())),
            )
        };
        match expr {
            Expression::Variable(v) => match types::known_name(self.dialect, v.as_str()) {
                Some(name) => Ok(types::spell(self.dialect, name, None)),
                None => Err(unknown(v.as_str(), expr.span())),
            },
            Expression::FuncCall(call) if call.name.namespace.is_empty() => {
                if call.name.name.as_str() == "sql" {
                    return self.sql_arg(file, call);
                }
                let Some(name) = types::known_name(self.dialect, call.name.name.as_str()) else {
                    if self.dialect == "clickhouse" {
                        return Err(self.err(
                            file,
                            expr.span(),
                            format!(
                                "type {}(...): a ClickHouse type whose arguments are types or strings is written as SQL: type = sql(\"{}(...)\")",
                                call.name.name.as_str(),
                                call.name.name.as_str()
                            ),
                        ));
                    }
                    return Err(unknown(call.name.name.as_str(), expr.span()));
                };
                let strings = types::takes_strings(self.dialect, name);
                let mut args = Vec::new();
                for arg in call.args.iter() {
                    match arg {
                        Expression::Number(n) if !strings => args.push(n.value().to_string()),
                        Expression::String(_) | Expression::StringTemplate(_) if strings => {
                            args.push(types::literal(self.dialect, &self.string_expr(file, arg, name)?))
                        }
                        other => {
                            let want = if strings { "strings" } else { "numbers" };
                            return Err(self.err(file, other.span(), format!("type {name}: its arguments are {want}")));
                        }
                    }
                }
                Ok(types::spell(self.dialect, name, Some(&args.join(","))))
            }
            Expression::Traversal(_) if self.dialect == "postgres" => match Self::segments(expr).as_deref() {
                Some([(root, _), (name, _)]) if root == "enum" => {
                    let Some(e) = decls.enums.iter().find(|e| &e.name == name) else {
                        return Err(self.err(
                            file,
                            expr.span(),
                            format!(
                                "enum {name:?} is not declared{}",
                                types::hint(name, decls.enums.iter().map(|e| e.name.as_str()))
                            ),
                        ));
                    };
                    // Unqualified in a one-schema realm (the dev database may
                    // hold it under another name); qualified otherwise.
                    if decls.schemas.len() == 1 || (e.schema == schema && e.schema == "public") {
                        Ok(quote_pg(&e.name))
                    } else {
                        Ok(format!("{}.{}", quote_pg(&e.schema), quote_pg(&e.name)))
                    }
                }
                _ => Err(self.err(file, expr.span(), "type: expected a type such as int, or enum.NAME")),
            },
            Expression::String(s) => Err(self.err(
                file,
                expr.span(),
                format!(
                    "type: write the type unquoted (type = {0}), or as sql({0:?}) for a type spelled in SQL",
                    s.value()
                ),
            )),
            _ => Err(self.err(file, expr.span(), "type: expected a type such as int, varchar(255) or sql(\"...\")")),
        }
    }

    // ------------------------------------------------------------ tables

    fn table(&self, decls: &Decls<'_>, t: &TableDecl<'_>) -> Res<Table> {
        let file = t.file;
        let body = &t.block.body;
        let what = format!("table {:?}", t.name);
        self.check_body(file, body, "table", &what)?;
        let mut table = Table { name: t.name.clone(), ..Table::default() };
        for block in body.blocks() {
            let column = match block.ident.as_str() {
                "column" => self.column(decls, t, block)?,
                _ => continue,
            };
            if table.column(&column.name).is_some() {
                return Err(self.err(
                    file,
                    block.ident.span(),
                    format!("column {:?} is declared twice in table {:?}", column.name, t.name),
                ));
            }
            table.columns.push(column);
        }
        if let Some(a) = body.get_attribute("comment") {
            table.comment = Some(self.string(file, a)?);
        }
        if let Some(a) = body.get_attribute("without_rowid")
            && self.boolean(file, a)?
        {
            table.attrs.push(Attr::WithoutRowid);
        }
        if let Some(a) = body.get_attribute("strict")
            && self.boolean(file, a)?
        {
            table.attrs.push(Attr::Strict);
        }
        if self.dialect == "clickhouse" {
            table.attrs.extend(self.ch_engine_attrs(file, body, &what)?);
        } else if let Some(a) = body.get_attribute("engine") {
            table.attrs.push(self.attr("engine", self.word(file, a)?));
        }
        match (body.get_attribute("charset"), body.get_attribute("collate")) {
            (_, Some(c)) => table.attrs.push(self.attr("collation", self.string(file, c)?)),
            (Some(c), None) => {
                table.attrs.push(self.attr("options", vec![Value::from(format!("CHARSET={}", self.string(file, c)?))]))
            }
            (None, None) => {}
        }
        if let Some(a) = body.get_attribute("auto_increment") {
            table.attrs.push(self.attr("auto_increment", self.integer(file, a)?));
        }
        let mut pk_seen: Option<&Block> = None;
        for block in body.blocks() {
            let what = format!("{} of table {:?}", block.ident.as_str(), t.name);
            match block.ident.as_str() {
                "primary_key" => {
                    if let Some(first) = pk_seen {
                        let line = self.place(file, first.ident.span()).line;
                        return Err(self.err(
                            file,
                            block.ident.span(),
                            format!("table {:?} has a second primary_key block (first on line {line})", t.name),
                        ));
                    }
                    pk_seen = Some(block);
                    // ClickHouse's PRIMARY KEY is a clause of the engine, not a constraint.
                    if self.dialect == "clickhouse" {
                        if !table.attrs.iter().any(|a| matches!(a, Attr::Other { name, .. } if name == "engine")) {
                            return Err(self.err(
                                file,
                                block.ident.span(),
                                format!("table {:?}: primary_key is a clause of the engine: set engine too", t.name),
                            ));
                        }
                        table.attrs.push(self.ch_table_key(decls, t, block, &what)?);
                        continue;
                    }
                    table.primary_key = Some(self.primary_key(decls, t, block, &what)?);
                }
                "index" => {
                    let index = self.index(decls, t, block)?;
                    self.no_twin_index(file, block, &table, &index.name)?;
                    table.indexes.push(index);
                }
                "unique" => {
                    let index = self.index(decls, t, block)?;
                    self.no_twin_index(file, block, &table, &index.name)?;
                    table.indexes.push(index);
                }
                "foreign_key" => table.foreign_keys.push(self.foreign_key(decls, t, block)?),
                "check" => table.checks.push(self.check(t, block)?),
                "partition" => {
                    if table.attrs.iter().any(|a| matches!(a, Attr::Other { name, .. } if name == "partition_by")) {
                        return Err(self.err(
                            file,
                            block.ident.span(),
                            format!("table {:?} has a second partition block", t.name),
                        ));
                    }
                    let key = self.partition(decls, t, block)?;
                    table.attrs.push(self.attr("partition_by", key));
                }
                "row_security" => {
                    self.labels(file, block, 0..=0)?;
                    self.check_body(file, &block.body, "row_security", &what)?;
                    for (key, attr) in [("enabled", "rls"), ("enforced", "rls_forced")] {
                        if let Some(a) = block.body.get_attribute(key)
                            && self.boolean(file, a)?
                        {
                            table.attrs.push(self.attr(attr, true));
                        }
                    }
                }
                _ => {}
            }
        }
        if self.dialect == "sqlite" {
            self.autoincrement_to_key(t, &mut table)?;
        }
        Ok(table)
    }

    /// SQLite's AUTOINCREMENT, written on the key's column as Atlas does,
    /// belongs to the primary key in the model; only a one-column key takes it.
    fn autoincrement_to_key(&self, t: &TableDecl<'_>, table: &mut Table) -> Res<()> {
        let mut named = Vec::new();
        for column in &mut table.columns {
            if column.attrs.contains(&Attr::AutoIncrement) {
                column.attrs.retain(|a| *a != Attr::AutoIncrement);
                named.push(column.name.clone());
            }
        }
        let key = table.primary_key.as_mut().filter(|pk| pk.parts.len() == 1);
        let key_column = key.as_ref().and_then(|pk| pk.parts.first()).and_then(|p| p.column.clone());
        match (named.as_slice(), key) {
            ([], _) => Ok(()),
            ([name], Some(pk)) if key_column.as_deref() == Some(name) => {
                pk.attrs.push(Attr::AutoIncrement);
                Ok(())
            }
            _ => {
                let other = named.iter().find(|n| key_column.as_deref() != Some(n.as_str()));
                let Some(name) = other.or(named.first()) else { return Ok(()) };
                let span = t
                    .block
                    .body
                    .blocks()
                    .find(|b| b.ident.as_str() == "column" && b.labels.first().is_some_and(|l| l.as_str() == name))
                    .and_then(|b| b.body.get_attribute("auto_increment"))
                    .and_then(|a| a.key.span());
                Err(self.err(
                    t.file,
                    span,
                    format!(
                        "column {name:?}: auto_increment needs the column to be the primary key of table {:?} alone (primary_key {{ columns = [column.{name}] }})",
                        t.name
                    ),
                ))
            }
        }
    }

    /// A PostgreSQL partition key: `type` and the parts, as `columns` or `by`
    /// blocks (each a `column` or an `expr`), as `PARTITION BY` takes it.
    fn partition(&self, decls: &Decls<'_>, t: &TableDecl<'_>, block: &Block) -> Res<String> {
        let file = t.file;
        let what = format!("the partition block of table {:?}", t.name);
        self.labels(file, block, 0..=0)?;
        self.check_body(file, &block.body, "partition", &what)?;
        let kind = block
            .body
            .get_attribute("type")
            .ok_or_else(|| self.err(file, block.ident.span(), format!("{what}: missing attribute \"type\"")))?;
        let kind = self.choice(file, kind, &["RANGE", "LIST", "HASH"])?;
        let by: Vec<&Block> = block.body.blocks().collect();
        let parts = match (block.body.get_attribute("columns"), by.is_empty()) {
            (Some(columns), true) => {
                self.own_columns(file, columns, decls, t)?.iter().map(|c| quote_pg(c)).collect::<Vec<_>>()
            }
            (None, false) => {
                let mut parts = Vec::new();
                for b in by {
                    self.labels(file, b, 0..=0)?;
                    let by_what = format!("a by block of {what}");
                    self.check_body(file, &b.body, "by", &by_what)?;
                    match (b.body.get_attribute("column"), b.body.get_attribute("expr")) {
                        (Some(c), None) => {
                            let (owner, column) = self.column_ref(file, &c.value, decls, t)?;
                            if owner.name != t.name || owner.schema != t.schema {
                                return Err(self.err(
                                    file,
                                    c.value.span(),
                                    format!("{by_what}: column {column:?} belongs to table {:?}", owner.name),
                                ));
                            }
                            parts.push(quote_pg(&column));
                        }
                        (None, Some(e)) => parts.push(format!("({})", self.string(file, e)?)),
                        _ => {
                            return Err(self.err(
                                file,
                                b.ident.span(),
                                format!("{by_what}: set exactly one of column and expr"),
                            ));
                        }
                    }
                }
                parts
            }
            (Some(columns), false) => {
                return Err(self.err(
                    file,
                    columns.key.span(),
                    format!("{what}: set its parts with columns or with by blocks, not both"),
                ));
            }
            (None, true) => {
                return Err(self.err(
                    file,
                    block.ident.span(),
                    format!("{what}: missing attribute \"columns\" (or by blocks)"),
                ));
            }
        };
        Ok(format!("{kind} ({})", parts.join(", ")))
    }

    fn no_twin_index(&self, file: usize, block: &Block, table: &Table, name: &str) -> Res<()> {
        match table.index(name) {
            Some(_) => Err(self.err(
                file,
                block.ident.span(),
                format!("index {name:?} is declared twice in table {:?}", table.name),
            )),
            None => Ok(()),
        }
    }

    fn column(&self, decls: &Decls<'_>, t: &TableDecl<'_>, block: &Block) -> Res<Column> {
        let file = t.file;
        let name = self.labels(file, block, 1..=1)?.concat();
        let what = format!("column {name:?}");
        let body = &block.body;
        self.check_body(file, body, "column", &what)?;
        let ty_attr = body.get_attribute("type").ok_or_else(|| {
            self.err(
                file,
                block.ident.span(),
                format!("column {name:?} of table {:?}: missing attribute \"type\"", t.name),
            )
        })?;
        let mut ty = self.column_type(file, &ty_attr.value, decls, &t.schema)?;
        let mut column = Column { name: name.clone(), ..Column::default() };
        if let Some(a) = body.get_attribute("unsigned")
            && self.boolean(file, a)?
        {
            ty.push_str(" unsigned");
        }
        match (body.get_attribute("charset"), body.get_attribute("collate")) {
            (_, Some(c)) => column.collation = Some(self.string(file, c)?),
            (Some(c), None) => ty.push_str(&format!(" CHARACTER SET {}", self.string(file, c)?)),
            (None, None) => {}
        }
        column.ty = ty;
        if let Some(a) = body.get_attribute("null") {
            column.nullable = self.boolean(file, a)?;
        }
        if let Some(a) = body.get_attribute("default") {
            column.default = Some(self.default_value(file, &a.value)?);
        }
        if let Some(a) = body.get_attribute("comment") {
            column.comment = Some(self.string(file, a)?);
        }
        if let Some(a) = body.get_attribute("auto_increment")
            && self.boolean(file, a)?
        {
            column.attrs.push(match self.dialect {
                "mysql" => self.attr("auto_increment", true),
                _ => Attr::AutoIncrement,
            });
        }
        if let Some(a) = body.get_attribute("on_update") {
            let text = match &a.value {
                Expression::FuncCall(call) if call.name.name.as_str() == "sql" => self.sql_arg(file, call)?,
                _ => self.word(file, a)?,
            };
            column.attrs.push(self.attr("on_update", text));
        }
        // Generated: `as = "expr"` or `as { expr = "…" type = STORED }`
        // (ClickHouse: MATERIALIZED, stored, or ALIAS).
        let stored_default = matches!(self.dialect, "postgres" | "clickhouse");
        let kinds: &[&'static str] =
            if self.dialect == "clickhouse" { &["MATERIALIZED", "ALIAS"] } else { &["STORED", "VIRTUAL"] };
        if let Some(a) = body.get_attribute("as") {
            column.generated = Some(Generated { expr: self.string(file, a)?, stored: stored_default });
        }
        for b in body.blocks() {
            match b.ident.as_str() {
                "as" => {
                    self.labels(file, b, 0..=0)?;
                    self.check_body(file, &b.body, "as", &format!("the as block of column {name:?}"))?;
                    let expr = b.body.get_attribute("expr").ok_or_else(|| {
                        self.err(file, b.ident.span(), format!("column {name:?}: the as block needs expr = \"...\""))
                    })?;
                    let stored = match b.body.get_attribute("type") {
                        Some(kind) => Some(self.choice(file, kind, kinds)?) == kinds.first().copied(),
                        None => stored_default,
                    };
                    column.generated = Some(Generated { expr: self.string(file, expr)?, stored });
                }
                "identity" => {
                    self.labels(file, b, 0..=0)?;
                    self.check_body(file, &b.body, "identity", &format!("the identity block of column {name:?}"))?;
                    let kind = match b.body.get_attribute("generated") {
                        Some(g) => self.choice(file, g, &["ALWAYS", "BY DEFAULT"])?,
                        None => "BY DEFAULT",
                    };
                    column.attrs.push(self.attr("identity", kind));
                    let mut options = serde_json::Map::new();
                    for key in ["start", "increment"] {
                        if let Some(a) = b.body.get_attribute(key) {
                            options.insert(key.into(), Value::from(self.integer(file, a)?));
                        }
                    }
                    if !options.is_empty() {
                        column.attrs.push(self.attr("identity_options", Value::Object(options)));
                    }
                }
                _ => {}
            }
        }
        if self.dialect == "clickhouse" {
            self.ch_column(file, body, &mut column)?;
        }
        // MariaDB refuses NOT NULL on a generated column: one that does not
        // say is nullable there (it is what MariaDB inspects back).
        if self.dialect == "mysql" && column.generated.is_some() && body.get_attribute("null").is_none() {
            column.nullable = true;
        }
        Ok(column)
    }

    fn primary_key(&self, decls: &Decls<'_>, t: &TableDecl<'_>, block: &Block, what: &str) -> Res<PrimaryKey> {
        let file = t.file;
        let labels = self.labels(file, block, 0..=1)?;
        self.check_body(file, &block.body, "primary_key", what)?;
        let (parts, attrs) = self.key_parts(decls, t, block, what)?;
        if let Some(on) = parts.iter().position(|p| p.expr.is_some()).and_then(|i| block.body.blocks().nth(i)) {
            return Err(self.err(file, on.ident.span(), format!("{what}: its parts are columns, not expressions")));
        }
        // MySQL names every primary key PRIMARY.
        let name = labels.into_iter().next().filter(|_| self.dialect != "mysql");
        Ok(PrimaryKey { name, parts, attrs })
    }

    /// The parts of a key (an index, a unique constraint, a primary key):
    /// `columns = [...]`, or `on` blocks each with a `column` or an `expr`,
    /// `desc`, `collate`, and per dialect `prefix` (MySQL) or `ops`,
    /// `nulls_first`, `nulls_last` (PostgreSQL); with the attributes those
    /// make (`sub_parts`, `opclass`, `nulls`).
    fn key_parts(
        &self,
        decls: &Decls<'_>,
        t: &TableDecl<'_>,
        block: &Block,
        what: &str,
    ) -> Res<(Vec<IndexPart>, Vec<Attr>)> {
        let file = t.file;
        let body = &block.body;
        let on_blocks: Vec<&Block> = body.blocks().filter(|b| b.ident.as_str() == "on").collect();
        let mut parts = Vec::new();
        let mut opclasses: Vec<Value> = Vec::new();
        let mut prefixes: Vec<Value> = Vec::new();
        let mut nulls: Vec<Value> = Vec::new();
        match (body.get_attribute("columns"), on_blocks.is_empty()) {
            (Some(columns), true) => {
                parts = self.own_columns(file, columns, decls, t)?.into_iter().map(IndexPart::column).collect();
            }
            (None, false) => {
                for on in on_blocks {
                    self.labels(file, on, 0..=0)?;
                    let on_what = format!("an on block of {what}");
                    self.check_body(file, &on.body, "on", &on_what)?;
                    let mut part = IndexPart::default();
                    match (on.body.get_attribute("column"), on.body.get_attribute("expr")) {
                        (Some(c), None) => {
                            let (owner, column) = self.column_ref(file, &c.value, decls, t)?;
                            if owner.name != t.name || owner.schema != t.schema {
                                return Err(self.err(
                                    file,
                                    c.value.span(),
                                    format!("{on_what}: column {column:?} belongs to table {:?}", owner.name),
                                ));
                            }
                            part.column = Some(column);
                        }
                        (None, Some(e)) => part.expr = Some(self.string(file, e)?),
                        _ => {
                            return Err(self.err(
                                file,
                                on.ident.span(),
                                format!("{on_what}: set exactly one of column and expr"),
                            ));
                        }
                    }
                    if let Some(a) = on.body.get_attribute("desc") {
                        part.desc = self.boolean(file, a)?;
                    }
                    if let Some(a) = on.body.get_attribute("collate") {
                        part.collation = Some(self.string(file, a)?);
                    }
                    opclasses.push(match on.body.get_attribute("ops") {
                        Some(a) => Value::from(self.word(file, a)?),
                        None => Value::Null,
                    });
                    prefixes.push(match on.body.get_attribute("prefix") {
                        Some(a) => Value::from(self.integer(file, a)?),
                        None => Value::Null,
                    });
                    let flag = |key: &str| match on.body.get_attribute(key) {
                        Some(a) => self.boolean(file, a),
                        None => Ok(false),
                    };
                    nulls.push(match (flag("nulls_first")?, flag("nulls_last")?) {
                        (true, true) => {
                            return Err(self.err(
                                file,
                                on.ident.span(),
                                format!("{on_what}: set nulls_first or nulls_last, not both"),
                            ));
                        }
                        (true, false) => Value::from("FIRST"),
                        (false, true) => Value::from("LAST"),
                        (false, false) => Value::Null,
                    });
                    parts.push(part);
                }
            }
            (Some(columns), false) => {
                return Err(self.err(
                    file,
                    columns.key.span(),
                    format!("{what}: set its parts with columns or with on blocks, not both"),
                ));
            }
            (None, true) => {
                return Err(self.err(
                    file,
                    block.ident.span(),
                    format!("{what}: missing attribute \"columns\" (or on blocks)"),
                ));
            }
        }
        let mut attrs = Vec::new();
        for (name, values) in [("nulls", nulls), ("opclass", opclasses), ("sub_parts", prefixes)] {
            if values.iter().any(|v| !v.is_null()) {
                attrs.push(self.attr(name, values));
            }
        }
        Ok((parts, attrs))
    }

    /// An `index` block, or a `unique` block (a unique constraint, which
    /// takes what an index takes but `unique`, `where` and `type`).
    fn index(&self, decls: &Decls<'_>, t: &TableDecl<'_>, block: &Block) -> Res<Index> {
        let file = t.file;
        let kind = block.ident.as_str();
        let name = self.labels(file, block, 1..=1)?.concat();
        let what = format!("{kind} {name:?}");
        let body = &block.body;
        self.check_body(file, body, kind, &what)?;
        let mut index = Index { name: name.clone(), ..Index::default() };
        let (parts, part_attrs) = self.key_parts(decls, t, block, &what)?;
        index.parts = parts;
        if kind == "unique" {
            index.unique = true;
        } else if let Some(a) = body.get_attribute("unique") {
            index.unique = self.boolean(file, a)?;
        }
        if let Some(a) = body.get_attribute("where") {
            index.predicate = Some(self.string(file, a)?);
        }
        if let Some(a) = body.get_attribute("type") {
            match self.dialect {
                "postgres" => {
                    // Another access method (an extension's) is written as a string.
                    let method = match &a.value {
                        Expression::String(s) => s.value().to_lowercase(),
                        _ => self.choice(file, a, &["BTREE", "HASH", "GIN", "GIST", "BRIN", "SPGIST"])?.to_lowercase(),
                    };
                    if method != "btree" {
                        index.attrs.push(self.attr("method", method));
                    }
                }
                _ => {
                    let kind = self.choice(file, a, &["BTREE", "HASH", "FULLTEXT", "SPATIAL"])?;
                    if kind != "BTREE" {
                        index.attrs.push(self.attr("type", kind));
                    }
                }
            }
        }
        if let Some(a) = body.get_attribute("comment") {
            index.attrs.push(self.attr("comment", self.string(file, a)?));
        }
        if let Some(a) = body.get_attribute("include") {
            let include: Vec<Value> = self.own_columns(file, a, decls, t)?.into_iter().map(Value::from).collect();
            index.attrs.push(self.attr("include", include));
        }
        if let Some(a) = body.get_attribute("nulls_distinct")
            && !self.boolean(file, a)?
        {
            index.attrs.push(self.attr("nulls_not_distinct", true));
        }
        if let Some(a) = body.get_attribute("page_per_range") {
            let pages = self.integer(file, a)?;
            index.attrs.push(self.attr("with", vec![Value::from(format!("pages_per_range={pages}"))]));
        }
        index.attrs.extend(part_attrs);
        if kind == "unique" {
            index.attrs.push(self.attr("constraint", "unique"));
        }
        Ok(index)
    }

    fn foreign_key(&self, decls: &Decls<'_>, t: &TableDecl<'_>, block: &Block) -> Res<ForeignKey> {
        let file = t.file;
        // SQLite's foreign keys may have no name: the block then has no label.
        let name = self.labels(file, block, 0..=1)?.into_iter().next();
        let what = match &name {
            Some(n) => format!("foreign_key {n:?}"),
            None => format!("a foreign_key of table {:?}", t.name),
        };
        let body = &block.body;
        self.check_body(file, body, "foreign_key", &what)?;
        let missing = |attr: &str| self.err(file, block.ident.span(), format!("{what}: missing attribute {attr:?}"));
        let columns =
            self.own_columns(file, body.get_attribute("columns").ok_or_else(|| missing("columns"))?, decls, t)?;
        let refs_attr = body.get_attribute("ref_columns").ok_or_else(|| missing("ref_columns"))?;
        let mut target: Option<(&TableDecl<'_>, Option<Range<usize>>)> = None;
        let mut ref_columns = Vec::new();
        for expr in self.array(file, refs_attr)? {
            let (owner, column) = self.column_ref(file, expr, decls, t)?;
            if let Some((first, _)) = target
                && (first.name != owner.name || first.schema != owner.schema)
            {
                return Err(self.err(
                    file,
                    expr.span(),
                    format!("{what}: ref_columns name columns of two tables, {:?} and {:?}", first.name, owner.name),
                ));
            }
            target = Some((owner, expr.span()));
            ref_columns.push(column);
        }
        let Some((target, _)) = target else {
            return Err(self.err(
                file,
                refs_attr.value.span(),
                format!("{what}: ref_columns needs at least one column"),
            ));
        };
        if ref_columns.len() != columns.len() {
            return Err(self.err(
                file,
                refs_attr.value.span(),
                format!("{what}: {} columns reference {} ref_columns", columns.len(), ref_columns.len()),
            ));
        }
        const ACTIONS: &[&str] = &["NO ACTION", "RESTRICT", "CASCADE", "SET NULL", "SET DEFAULT"];
        // No action in the model is the dialect's default: RESTRICT on MySQL
        // (where an explicit NO ACTION is kept), NO ACTION elsewhere.
        let default = if self.dialect == "mysql" { "RESTRICT" } else { "NO ACTION" };
        let action = |key: &str| -> Res<Option<String>> {
            match body.get_attribute(key) {
                Some(a) => {
                    let action = self.choice(file, a, ACTIONS)?;
                    Ok(Some(action.to_string()).filter(|a| a != default))
                }
                None => Ok(None),
            }
        };
        Ok(ForeignKey {
            name,
            columns,
            ref_schema: Some(target.schema.clone()).filter(|s| *s != t.schema),
            ref_table: target.name.clone(),
            ref_columns,
            on_update: action("on_update")?,
            on_delete: action("on_delete")?,
            deferrable: None,
            attrs: Vec::new(),
        })
    }

    fn check(&self, t: &TableDecl<'_>, block: &Block) -> Res<Check> {
        let file = t.file;
        let name = self.labels(file, block, 0..=1)?.into_iter().next();
        let what = match &name {
            Some(n) => format!("check {n:?}"),
            None => format!("a check of table {:?}", t.name),
        };
        self.check_body(file, &block.body, "check", &what)?;
        let expr = block
            .body
            .get_attribute("expr")
            .ok_or_else(|| self.err(file, block.ident.span(), format!("{what}: missing attribute \"expr\"")))?;
        Ok(Check { name, expr: self.string(file, expr)?, attrs: Vec::new() })
    }

    // ------------------------------------------------------------ views

    /// The views a view's `depends_on` names (tables are checked, not returned).
    fn view_deps(&self, decls: &Decls<'_>, v: &ViewDecl<'_>) -> Res<Vec<usize>> {
        let Some(attr) = v.block.body.get_attribute("depends_on") else { return Ok(Vec::new()) };
        let mut out = Vec::new();
        for expr in self.array(v.file, attr)? {
            let segs = Self::segments(expr).unwrap_or_default();
            let Some(((root, _), rest)) = segs.split_first() else {
                return Err(self.err(
                    v.file,
                    expr.span(),
                    "depends_on: expected references such as table.users or view.active",
                ));
            };
            match root.as_str() {
                "table" => {
                    self.table_ref(v.file, expr.span(), rest, decls, &v.schema)?;
                }
                "view" | "materialized" => {
                    let (schema, name) = match rest {
                        [(name, _)] => (None, name.as_str()),
                        [(schema, _), (name, _)] => (Some(schema.as_str()), name.as_str()),
                        _ => return Err(self.err(v.file, expr.span(), "depends_on: expected view.NAME")),
                    };
                    let found = decls.views.iter().enumerate().find(|(_, w)| {
                        w.name == name
                            && schema.is_none_or(|s| s == w.schema)
                            && w.materialized == (root == "materialized")
                    });
                    match found {
                        Some((i, _)) => out.push(i),
                        None => {
                            return Err(self.err(
                                v.file,
                                expr.span(),
                                format!(
                                    "{root} {name:?} is not declared{}",
                                    types::hint(name, decls.views.iter().map(|w| w.name.as_str()))
                                ),
                            ));
                        }
                    }
                }
                _ => {
                    return Err(self.err(
                        v.file,
                        expr.span(),
                        "depends_on: expected references such as table.users or view.active",
                    ));
                }
            }
        }
        Ok(out)
    }

    /// Refuses views that depend on themselves through `depends_on`.
    fn check_view_cycles(&self, decls: &Decls<'_>) -> Res<()> {
        let mut deps = Vec::new();
        for v in &decls.views {
            deps.push(self.view_deps(decls, v)?);
        }
        // 0: unvisited, 1: on the current path, 2: done.
        let mut state = vec![0u8; decls.views.len()];
        for start in 0..decls.views.len() {
            let mut path: Vec<usize> = Vec::new();
            if let Some(cycle) = visit(start, &deps, &mut state, &mut path) {
                let first = cycle.first().copied().unwrap_or(start);
                let Some(v) = decls.views.get(first) else { continue };
                let names: Vec<String> =
                    cycle.iter().filter_map(|i| decls.views.get(*i)).map(|w| format!("{:?}", w.name)).collect();
                let span = v.block.body.get_attribute("depends_on").map_or(v.block.ident.span(), |a| a.span());
                return Err(self.err(
                    v.file,
                    span,
                    format!("cyclic view dependency: {} (depends_on must not loop)", names.join(" -> ")),
                ));
            }
        }
        Ok(())
    }

    fn view(&self, decls: &Decls<'_>, v: &ViewDecl<'_>) -> Res<View> {
        let file = v.file;
        let kind = if v.materialized { "materialized" } else { "view" };
        let what = format!("{kind} {:?}", v.name);
        let body = &v.block.body;
        self.check_body(file, body, kind, &what)?;
        let def = body.get_attribute("as").ok_or_else(|| {
            self.err(file, v.block.ident.span(), format!("{what}: missing attribute \"as\" (its query)"))
        })?;
        let def = self.string(file, def)?.trim().trim_end_matches(';').trim_end().to_string();
        let mut view = View { name: v.name.clone(), def, attrs: Vec::new() };
        if v.materialized {
            view.attrs.push(self.attr("materialized", true));
        }
        if let Some(a) = body.get_attribute("comment") {
            view.attrs.push(self.attr("comment", self.string(file, a)?));
        }
        if let Some(a) = body.get_attribute("check_option") {
            view.attrs.push(self.attr("check_option", self.choice(file, a, &["CASCADED", "LOCAL"])?));
        }
        if let Some(a) = body.get_attribute("security")
            && self.choice(file, a, &["DEFINER", "INVOKER"])? == "INVOKER"
        {
            view.attrs.push(self.attr("security", "INVOKER"));
        }
        if v.materialized && self.dialect == "clickhouse" {
            self.ch_materialized(decls, v, &mut view)?;
        }
        // Column blocks describe the view's result; the query decides it.
        for b in body.blocks().filter(|b| b.ident.as_str() == "column") {
            self.labels(file, b, 1..=1)?;
            self.check_body(
                file,
                &b.body,
                "view_column",
                &format!("column {:?} of {what}", b.labels.first().map(|l| l.as_str()).unwrap_or_default()),
            )?;
        }
        Ok(view)
    }
}

/// Depth-first search for a cycle through `deps` from `node`: the cycle's
/// views in order, the first repeated at the end.
fn visit(node: usize, deps: &[Vec<usize>], state: &mut [u8], path: &mut Vec<usize>) -> Option<Vec<usize>> {
    match state.get(node).copied() {
        Some(2) | None => return None,
        Some(1) => {
            let from = path.iter().position(|n| *n == node).unwrap_or(0);
            let mut cycle: Vec<usize> = path.get(from..).map(<[usize]>::to_vec).unwrap_or_default();
            cycle.push(node);
            return Some(cycle);
        }
        _ => {}
    }
    if let Some(s) = state.get_mut(node) {
        *s = 1;
    }
    path.push(node);
    for next in deps.get(node).map(Vec::as_slice).unwrap_or_default() {
        if let Some(cycle) = visit(*next, deps, state, path) {
            return Some(cycle);
        }
    }
    path.pop();
    if let Some(s) = state.get_mut(node) {
        *s = 2;
    }
    None
}

/// A domain check's `expr` as PostgreSQL prints the constraint: `CHECK (…)`,
/// unless it already starts so (a definition the writer kept whole).
fn check_clause(expr: &str) -> String {
    let trimmed = expr.trim();
    let head = trimmed.get(..5).filter(|h| h.eq_ignore_ascii_case("CHECK"));
    let next = trimmed.get(5..).and_then(|r| r.chars().next());
    if head.is_some() && next.is_some_and(|c| c == '(' || c.is_whitespace()) {
        trimmed.to_string()
    } else {
        format!("CHECK ({trimmed})")
    }
}

fn quote_pg(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// The schema of objects declared without one when no schema block exists.
fn default_schema(dialect: &str) -> &'static str {
    match dialect {
        "postgres" => "public",
        "clickhouse" => "default",
        _ => "main",
    }
}

/// The attributes a block of `kind` takes in `dialect`.
fn attrs_of(kind: &str, dialect: &str) -> &'static [&'static str] {
    match (kind, dialect) {
        ("schema", "postgres") => &["comment"],
        ("schema", "mysql") => &["charset", "collate"],
        ("table", "postgres") => &["schema", "comment"],
        ("partition", "postgres") => &["type", "columns"],
        ("by", "postgres") => &["column", "expr"],
        ("row_security", "postgres") => &["enabled", "enforced"],
        ("table", "mysql") => &["schema", "comment", "charset", "collate", "engine", "auto_increment"],
        ("table", "clickhouse") => &["schema", "engine", "partition_by", "order_by", "sample_by", "ttl", "settings"],
        ("table", _) => &["schema", "without_rowid", "strict"],
        ("column", "postgres") => &["type", "null", "default", "comment", "collate", "as"],
        ("column", "mysql") => &[
            "type",
            "null",
            "default",
            "comment",
            "collate",
            "charset",
            "auto_increment",
            "unsigned",
            "on_update",
            "as",
        ],
        ("column", "clickhouse") => &["type", "null", "default", "default_kind", "comment", "as"],
        ("column", _) => &["type", "null", "default", "collate", "auto_increment", "as"],
        ("as", _) => &["expr", "type"],
        ("identity", "postgres") => &["generated", "start", "increment"],
        ("primary_key", _) => &["columns"],
        ("unique", "postgres") => &["columns", "comment", "include", "nulls_distinct", "page_per_range"],
        ("unique", _) => &["columns"],
        ("index", "postgres") => {
            &["columns", "unique", "where", "type", "comment", "include", "nulls_distinct", "page_per_range"]
        }
        ("index", "mysql") => &["columns", "unique", "type", "comment"],
        ("index", _) => &["columns", "unique", "where"],
        ("on", "postgres") => &["column", "expr", "desc", "collate", "ops", "nulls_first", "nulls_last"],
        ("on", "mysql") => &["column", "expr", "desc", "prefix"],
        ("on", "clickhouse") => &["column", "expr"],
        ("on", _) => &["column", "expr", "desc", "collate"],
        ("foreign_key", _) => &["columns", "ref_columns", "on_update", "on_delete"],
        ("check", _) => &["expr"],
        ("view", "postgres") | ("materialized", "postgres") => &["schema", "as", "depends_on", "comment"],
        ("view", "mysql") => &["schema", "as", "depends_on", "check_option", "security"],
        ("materialized", "clickhouse") => {
            &["schema", "as", "depends_on", "to", "engine", "partition_by", "order_by", "sample_by", "ttl", "settings"]
        }
        ("view", _) => &["schema", "as", "depends_on"],
        ("view_column", _) => &["type", "null", "comment"],
        ("enum", "postgres") => &["schema", "values", "comment"],
        ("domain", "postgres") => &["schema", "type", "null", "default", "comment"],
        ("sequence", "postgres") => {
            &["schema", "type", "start", "increment", "min_value", "max_value", "cache", "cycle", "comment"]
        }
        ("extension", "postgres") => &["schema", "version"],
        ("function", "postgres") => &[
            "schema",
            "lang",
            "return",
            "as",
            "volatility",
            "parallel",
            "strict",
            "security",
            "leakproof",
            "cost",
            "rows",
            "comment",
        ],
        ("procedure", "postgres") => &["schema", "lang", "as", "security", "comment"],
        ("arg", "postgres") => &["type", "mode", "default"],
        ("trigger", "postgres" | "sqlite") => &["on", "foreach", "when", "as"],
        ("trigger", "mysql") => &["on", "foreach", "as"],
        ("before" | "after" | "instead_of", "postgres") => &["insert", "update", "delete", "truncate", "update_of"],
        ("before" | "after" | "instead_of", "sqlite") => &["insert", "update", "delete", "update_of"],
        ("before" | "after", "mysql") => &["insert", "update", "delete"],
        ("execute", "postgres") => &["function"],
        _ => &[],
    }
}

/// The nested blocks a block of `kind` takes in `dialect`.
fn blocks_of(kind: &str, dialect: &str) -> &'static [&'static str] {
    match (kind, dialect) {
        ("top", "postgres") => &[
            "schema",
            "table",
            "view",
            "materialized",
            "enum",
            "domain",
            "sequence",
            "extension",
            "function",
            "procedure",
            "trigger",
        ],
        ("top", "clickhouse") => &["schema", "table", "view", "materialized"],
        ("top", _) => &["schema", "table", "view", "trigger"],
        ("table", "mysql") => &["column", "primary_key", "index", "foreign_key", "check"],
        ("table", "clickhouse") => &["column", "primary_key"],
        ("table", "postgres") => {
            &["column", "primary_key", "index", "unique", "foreign_key", "check", "partition", "row_security"]
        }
        ("table", _) => &["column", "primary_key", "index", "unique", "foreign_key", "check"],
        ("column", "postgres") => &["as", "identity"],
        ("column", _) => &["as"],
        ("index" | "unique" | "primary_key", _) => &["on"],
        ("partition", "postgres") => &["by"],
        ("domain", "postgres") => &["check"],
        ("function" | "procedure", "postgres") => &["arg"],
        ("trigger", "postgres") => &["before", "after", "instead_of", "execute"],
        ("trigger", "sqlite") => &["before", "after", "instead_of"],
        ("trigger", "mysql") => &["before", "after"],
        ("materialized", "clickhouse") => &["column", "primary_key"],
        ("view" | "materialized", _) => &["column"],
        _ => &[],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(dialect: &str, text: &str) -> Result<Realm, HclSchemaError> {
        parse(&[(PathBuf::from("schema.hcl"), text.to_string())], dialect)
    }

    fn err(dialect: &str, text: &str) -> String {
        match read(dialect, text) {
            Ok(realm) => panic!("expected an error, got {realm:?}"),
            Err(e) => e.to_string(),
        }
    }

    const USERS: &str = r#"
schema "public" {
  comment = "app"
}
table "users" {
  schema = schema.public
  column "id" {
    type = int
  }
  column "name" {
    type = character_varying(255)
    null = true
    default = "it's"
  }
  column "score" {
    type = decimal(10,2)
    default = -1.5
  }
  column "created" {
    type = timestamptz
    default = sql("now()")
  }
  primary_key {
    columns = [column.id]
  }
  index "users_name" {
    unique = true
    columns = [column.name]
  }
  index "users_lower" {
    on {
      expr = "lower(name)"
    }
    on {
      column = column.score
      desc = true
    }
    where = "score > 0"
  }
  check "positive" {
    expr = "score > -100"
  }
}
table "posts" {
  schema = schema.public
  column "id" {
    type = bigint
  }
  column "user_id" {
    type = int
    null = true
  }
  foreign_key "posts_user" {
    columns = [column.user_id]
    ref_columns = [table.users.column.id]
    on_delete = SET_NULL
  }
}
view "named" {
  schema = schema.public
  as = <<-SQL
    SELECT name FROM users;
  SQL
  depends_on = [table.users]
}
"#;

    #[test]
    fn reads_a_postgres_schema() {
        let realm = read("postgres", USERS).unwrap();
        assert_eq!(realm.schemas.len(), 1);
        let s = &realm.schemas[0];
        assert_eq!(s.name, "public");
        assert_eq!(s.tables.iter().map(|t| t.name.as_str()).collect::<Vec<_>>(), ["posts", "users"]);
        let users = s.table("users").unwrap();
        let types: Vec<&str> = users.columns.iter().map(|c| c.ty.as_str()).collect();
        assert_eq!(types, ["int", "character varying(255)", "decimal(10,2)", "timestamptz"]);
        assert!(!users.columns[0].nullable && users.columns[1].nullable);
        assert_eq!(users.columns[1].default.as_deref(), Some("'it''s'"));
        assert_eq!(users.columns[2].default.as_deref(), Some("-1.5"));
        assert_eq!(users.columns[3].default.as_deref(), Some("now()"));
        assert_eq!(users.primary_key.as_ref().unwrap().parts, [IndexPart::column("id")]);
        let lower = users.index("users_lower").unwrap();
        assert_eq!(lower.parts[0].expr.as_deref(), Some("lower(name)"));
        assert!(lower.parts[1].desc);
        assert_eq!(lower.predicate.as_deref(), Some("score > 0"));
        assert!(users.index("users_name").unwrap().unique);
        assert_eq!(users.checks[0].name.as_deref(), Some("positive"));
        let fk = &s.table("posts").unwrap().foreign_keys[0];
        assert_eq!(
            (fk.ref_table.as_str(), fk.on_delete.as_deref(), fk.ref_schema.as_deref()),
            ("users", Some("SET NULL"), None)
        );
        assert_eq!(s.views[0].def, "SELECT name FROM users");
    }

    #[test]
    fn errors_point_at_the_place_with_a_hint() {
        let e = err("postgres", "table \"t\" {\n  column \"id\" {\n    type = int\n    nul = true\n  }\n}\n");
        assert_eq!(e, "schema.hcl:4:5: unknown attribute \"nul\" in column \"id\"; did you mean \"null\"?");
        let e = err("postgres", "tabel \"t\" {\n}\n");
        assert_eq!(e, "schema.hcl:1:1: unknown block \"tabel\"; did you mean \"table\"?");
        let e = err("postgres", "table \"t\" {\n  column \"id\" {\n    type = integr\n  }\n}\n");
        assert_eq!(e, "schema.hcl:3:12: unknown type \"integr\" for postgres; did you mean \"integer\"?");
        let e = err(
            "sqlite",
            "table \"t\" {\n  column \"id\" {\n    type = int\n  }\n  primary_key {\n    columns = [column.idd]\n  }\n}\n",
        );
        assert_eq!(e, "schema.hcl:6:16: column \"idd\" is not defined in table \"t\"; did you mean \"id\"?");
        let e = err(
            "sqlite",
            "view \"a\" {\n  as = \"SELECT 1\"\n  depends_on = [view.b]\n}\nview \"b\" {\n  as = \"SELECT 1\"\n  depends_on = [view.a]\n}\n",
        );
        assert_eq!(e, "schema.hcl:3:3: cyclic view dependency: \"a\" -> \"b\" -> \"a\" (depends_on must not loop)");
        let e = err("sqlite", "table \"t\" {\n  comment = \"x\"\n}\n");
        assert_eq!(e, "schema.hcl:2:3: attribute \"comment\" of table \"t\" is not supported by sqlite");
    }

    #[test]
    fn mysql_and_sqlite_specifics() {
        let realm = read(
            "mysql",
            "schema \"app\" {\n  charset = \"utf8mb4\"\n  collate = \"utf8mb4_bin\"\n}\ntable \"t\" {\n  schema = schema.app\n  engine = InnoDB\n  comment = \"t\"\n  column \"id\" {\n    type = int\n    unsigned = true\n    auto_increment = true\n  }\n  column \"kind\" {\n    type = enum(\"a\", \"b\")\n    default = \"a\"\n  }\n  primary_key {\n    columns = [column.id]\n  }\n}\n",
        )
        .unwrap();
        let t = &realm.schemas[0].tables[0];
        assert_eq!(t.columns[0].ty, "int unsigned");
        assert_eq!(t.columns[1].ty, "enum('a','b')");
        assert!(t.columns[0].attrs.iter().any(|a| matches!(a, Attr::Other { name, .. } if name == "auto_increment")));
        assert_eq!(t.comment.as_deref(), Some("t"));
        let realm = read(
            "sqlite",
            "table \"t\" {\n  strict = true\n  column \"id\" {\n    type = integer\n    auto_increment = true\n  }\n  primary_key {\n    columns = [column.id]\n  }\n}\n",
        )
        .unwrap();
        assert_eq!(realm.schemas[0].name, "main");
        assert_eq!(realm.schemas[0].tables[0].attrs, [Attr::Strict]);
        // AUTOINCREMENT, written on the column, belongs to the primary key.
        assert!(realm.schemas[0].tables[0].columns[0].attrs.is_empty());
        assert_eq!(realm.schemas[0].tables[0].primary_key.as_ref().unwrap().attrs, [Attr::AutoIncrement]);
    }

    /// Attributes of one element, by name.
    fn value<'a>(attrs: &'a [Attr], key: &str) -> Option<&'a Value> {
        attrs.iter().find_map(|a| match a {
            Attr::Other { name, value, .. } if name == key => Some(value),
            _ => None,
        })
    }

    #[test]
    fn postgres_objects_domains_sequences_extensions() {
        let realm = read(
            "postgres",
            r#"
extension "citext" {
  version = "1.6"
}
domain "posint" {
  type = int
  default = 1
  check {
    expr = "VALUE > 0"
  }
  check "posint_small" {
    expr = "CHECK (VALUE < 10)"
  }
  check {
    expr = "VALUE <> 5"
  }
}
domain "maybe" {
  type = enum.mood
  null = true
  comment = "m"
}
enum "mood" {
  values = ["a"]
}
sequence "plain" {}
sequence "down" {
  type = smallint
  increment = -2
  cycle = true
}
sequence "least" {
  min_value = -9223372036854775808
  start = 0
  cache = 5
  comment = "c"
}
"#,
        )
        .unwrap();
        let attrs = &realm.schemas[0].attrs;
        let all = |kind: &str| -> Vec<&Value> {
            attrs
                .iter()
                .filter_map(|a| match a {
                    Attr::Other { name, value, .. } if name == kind => Some(value),
                    _ => None,
                })
                .collect()
        };
        assert_eq!(all("extension"), [&serde_json::json!({"name": "citext", "version": "1.6"})]);
        assert_eq!(
            all("domain"),
            [
                &serde_json::json!({"name": "posint", "type": "int", "not_null": true, "default": "1", "checks": [
                    ["posint_check", "CHECK (VALUE > 0)"],
                    ["posint_check1", "CHECK (VALUE <> 5)"],
                    ["posint_small", "CHECK (VALUE < 10)"]
                ]}),
                &serde_json::json!({"name": "maybe", "type": "\"mood\"", "not_null": false, "checks": [], "comment": "m"}),
            ]
        );
        assert_eq!(
            all("sequence"),
            [
                &serde_json::json!({"name": "plain", "type": "bigint", "start": 1, "increment": 1, "min": 1,
                    "max": i64::MAX, "cache": 1, "cycle": false}),
                &serde_json::json!({"name": "down", "type": "smallint", "start": -1, "increment": -2, "min": -32768,
                    "max": -1, "cache": 1, "cycle": true}),
                &serde_json::json!({"name": "least", "type": "bigint", "start": 0, "increment": 1, "min": i64::MIN,
                    "max": i64::MAX, "cache": 5, "cycle": false, "comment": "c"}),
            ]
        );
        let e = err("postgres", "sequence \"s\" {\n  type = text\n}\n");
        assert_eq!(e, "schema.hcl:2:10: sequence \"s\": type must be smallint, integer or bigint");
        let e = err("postgres", "sequence \"s\" {\n  increment = 0\n}\n");
        assert_eq!(e, "schema.hcl:2:15: sequence \"s\": increment must not be zero");
        let e = err(
            "postgres",
            "domain \"d\" {\n  type = int\n  check \"c\" {\n    expr = \"VALUE > 0\"\n  }\n  check \"c\" {\n    expr = \"VALUE > 1\"\n  }\n}\n",
        );
        assert_eq!(e, "schema.hcl:6:3: domain \"d\" has two checks named \"c\"");
        let e = err("mysql", "sequence \"s\" {\n}\n");
        assert_eq!(e, "schema.hcl:1:1: sequence blocks are not supported by mysql");
        let e = err("sqlite", "table \"t\" {\n  partition {\n  }\n}\n");
        assert_eq!(e, "schema.hcl:2:3: partition blocks in table \"t\" are not supported by sqlite");
    }

    #[test]
    fn postgres_partitions_row_security_and_index_options() {
        let realm = read(
            "postgres",
            r#"
table "t" {
  column "a" {
    type = int
  }
  column "b c" {
    type = text
  }
  partition {
    type = LIST
    by {
      column = column["b c"]
    }
    by {
      expr = "lower(a::text)"
    }
  }
  row_security {
    enabled = true
  }
  unique "t_a" {
    columns = [column.a]
    include = [column["b c"]]
    nulls_distinct = false
    comment = "u"
  }
  index "t_b" {
    type = "bloom"
    on {
      column = column.a
      nulls_first = true
      desc = true
    }
    on {
      column = column["b c"]
      collate = "C"
      ops = text_pattern_ops
    }
    page_per_range = 8
  }
}
table "u" {
  column "a" {
    type = int
  }
  partition {
    type = hash
    columns = [column.a]
  }
  row_security {
    enabled = false
    enforced = true
  }
}
"#,
        )
        .unwrap();
        let t = realm.schemas[0].table("t").unwrap();
        assert_eq!(value(&t.attrs, "partition_by"), Some(&Value::from("LIST (\"b c\", (lower(a::text)))")));
        assert_eq!(value(&t.attrs, "rls"), Some(&Value::from(true)));
        assert_eq!(value(&t.attrs, "rls_forced"), None);
        let unique = t.index("t_a").unwrap();
        assert!(unique.unique);
        assert_eq!(value(&unique.attrs, "constraint"), Some(&Value::from("unique")));
        assert_eq!(value(&unique.attrs, "include"), Some(&serde_json::json!(["b c"])));
        assert_eq!(value(&unique.attrs, "nulls_not_distinct"), Some(&Value::from(true)));
        assert_eq!(value(&unique.attrs, "comment"), Some(&Value::from("u")));
        let index = t.index("t_b").unwrap();
        assert!(!index.unique && index.parts[0].desc && index.parts[1].collation.as_deref() == Some("C"));
        assert_eq!(value(&index.attrs, "method"), Some(&Value::from("bloom")));
        assert_eq!(value(&index.attrs, "nulls"), Some(&serde_json::json!(["FIRST", null])));
        assert_eq!(value(&index.attrs, "opclass"), Some(&serde_json::json!([null, "text_pattern_ops"])));
        assert_eq!(value(&index.attrs, "with"), Some(&serde_json::json!(["pages_per_range=8"])));
        let u = realm.schemas[0].table("u").unwrap();
        assert_eq!(value(&u.attrs, "partition_by"), Some(&Value::from("HASH (\"a\")")));
        assert_eq!((value(&u.attrs, "rls"), value(&u.attrs, "rls_forced")), (None, Some(&Value::from(true))));

        let table = |body: &str| format!("table \"t\" {{\n  column \"a\" {{\n    type = int\n  }}\n{body}}}\n");
        let e = err(
            "postgres",
            &table(
                "  partition {\n    type = RANGE\n    columns = [column.a]\n    by {\n      column = column.a\n    }\n  }\n",
            ),
        );
        assert_eq!(
            e,
            "schema.hcl:7:5: the partition block of table \"t\": set its parts with columns or with by blocks, not both"
        );
        let e = err("postgres", &table("  partition {\n    columns = [column.a]\n  }\n"));
        assert_eq!(e, "schema.hcl:5:3: the partition block of table \"t\": missing attribute \"type\"");
        let e = err(
            "postgres",
            &table(
                "  index \"i\" {\n    on {\n      column = column.a\n      nulls_first = true\n      nulls_last = true\n    }\n  }\n",
            ),
        );
        assert_eq!(e, "schema.hcl:6:5: an on block of index \"i\": set nulls_first or nulls_last, not both");
        let e = err("postgres", &table("  unique \"u\" {\n    columns = [column.a]\n    where = \"a > 0\"\n  }\n"));
        assert_eq!(e, "schema.hcl:7:5: unknown attribute \"where\" in unique \"u\"");
        let e = err("postgres", &table("  index \"i\" {\n    type = GINN\n    columns = [column.a]\n  }\n"));
        assert!(e.starts_with("schema.hcl:6:12: unknown type value \"GINN\"; did you mean \"GIN\"?"), "{e}");
    }

    #[test]
    fn unnamed_foreign_keys_and_sqlite_autoincrement() {
        let realm = read(
            "sqlite",
            "table \"p\" {\n  column \"id\" {\n    type = integer\n  }\n}\ntable \"c\" {\n  column \"p\" {\n    type = integer\n  }\n  foreign_key {\n    columns = [column.p]\n    ref_columns = [table.p.column.id]\n    on_delete = CASCADE\n  }\n}\n",
        )
        .unwrap();
        let fk = &realm.schemas[0].table("c").unwrap().foreign_keys[0];
        assert_eq!((fk.name.as_deref(), fk.on_delete.as_deref()), (None, Some("CASCADE")));
        let e = err(
            "sqlite",
            "table \"t\" {\n  column \"id\" {\n    type = integer\n    auto_increment = true\n  }\n  column \"b\" {\n    type = integer\n  }\n  primary_key {\n    columns = [column.id, column.b]\n  }\n}\n",
        );
        assert!(
            e.starts_with("schema.hcl:4:5: column \"id\": auto_increment needs the column to be the primary key of table \"t\" alone"),
            "{e}"
        );
        let e = err(
            "sqlite",
            "table \"t\" {\n  column \"id\" {\n    type = integer\n    auto_increment = true\n  }\n  column \"b\" {\n    type = integer\n    auto_increment = true\n  }\n  primary_key {\n    columns = [column.id]\n  }\n}\n",
        );
        assert!(e.starts_with("schema.hcl:8:5: column \"b\": auto_increment needs"), "{e}");
        let e = err(
            "sqlite",
            "table \"t\" {\n  column \"a\" {\n    type = int\n  }\n  foreign_key {\n    columns = [column.a]\n  }\n}\n",
        );
        assert_eq!(e, "schema.hcl:5:3: a foreign_key of table \"t\": missing attribute \"ref_columns\"");
    }

    const AUDIT: &str = r#"
table "orders" {
  column "id" {
    type = int
  }
  column "amount" {
    type = numeric
  }
}
function "positive" {
  lang = SQL
  arg "v" {
    type = integer
  }
  return     = boolean
  volatility = IMMUTABLE
  as         = "SELECT v > 0"
}
function "audit_orders_changes" {
  lang   = PLpgSQL
  return = trigger
  as     = <<-SQL
    BEGIN
      RETURN NEW;
    END;
  SQL
  comment = "audits"
}
procedure "touch" {
  lang = SQL
  arg "n" {
    type    = int
    mode    = INOUT
    default = 0
  }
  as = "SELECT 1"
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
trigger "orders_whole" {
  on = table.orders
  as = sql("CREATE TRIGGER orders_whole BEFORE DELETE ON orders FOR EACH ROW EXECUTE FUNCTION audit_orders_changes('x');")
}
"#;

    #[test]
    fn postgres_functions_and_triggers() {
        let realm = read("postgres", AUDIT).unwrap();
        let s = &realm.schemas[0];
        let functions: Vec<&Value> = s
            .attrs
            .iter()
            .filter_map(|a| match a {
                Attr::Other { name, value, .. } if name == "function" => Some(value),
                _ => None,
            })
            .collect();
        assert_eq!(
            functions,
            [
                &serde_json::json!({"name": "positive", "args": "v integer", "kind": "function",
                    "def": "CREATE OR REPLACE FUNCTION \"positive\"(\"v\" integer)\n RETURNS boolean\n LANGUAGE sql\n IMMUTABLE\nAS $function$SELECT v > 0$function$"}),
                &serde_json::json!({"name": "audit_orders_changes", "args": "", "kind": "function", "comment": "audits",
                    "def": "CREATE OR REPLACE FUNCTION \"audit_orders_changes\"()\n RETURNS trigger\n LANGUAGE plpgsql\nAS $function$BEGIN\n  RETURN NEW;\nEND;\n$function$"}),
                &serde_json::json!({"name": "touch", "args": "INOUT n int", "kind": "procedure",
                    "def": "CREATE OR REPLACE PROCEDURE \"touch\"(INOUT \"n\" int DEFAULT 0)\n LANGUAGE sql\nAS $procedure$SELECT 1$procedure$"}),
            ]
        );
        let triggers: Vec<(&str, &str, &str)> =
            s.triggers.iter().map(|t| (t.name.as_str(), t.table.as_str(), t.def.as_str())).collect();
        assert_eq!(
            triggers,
            [
                (
                    "trigger_orders_audit",
                    "orders",
                    "CREATE TRIGGER \"trigger_orders_audit\" AFTER INSERT OR UPDATE OF \"amount\" ON \"orders\" FOR EACH ROW EXECUTE FUNCTION \"audit_orders_changes\"()"
                ),
                (
                    "orders_whole",
                    "orders",
                    "CREATE TRIGGER orders_whole BEFORE DELETE ON orders FOR EACH ROW EXECUTE FUNCTION audit_orders_changes('x')"
                ),
            ]
        );
    }

    #[test]
    fn mysql_and_sqlite_triggers() {
        let table = "table \"t\" {\n  column \"a\" {\n    type = int\n  }\n}\n";
        let realm = read(
            "mysql",
            &format!("{table}trigger \"t_bi\" {{\n  on = table.t\n  before {{\n    insert = true\n  }}\n  as = \"SET NEW.a = 1;\"\n}}\n"),
        )
        .unwrap();
        assert_eq!(
            realm.schemas[0].triggers[0].def,
            "CREATE TRIGGER `t_bi` BEFORE INSERT ON `t` FOR EACH ROW SET NEW.a = 1"
        );
        let realm = read(
            "sqlite",
            &format!(
                "{table}view \"v\" {{\n  as = \"SELECT a FROM t\"\n}}\ntrigger \"t_au\" {{\n  on = table.t\n  after {{\n    update_of = [column.a]\n  }}\n  when = \"new.a > 0\"\n  as = \"SELECT 1\"\n}}\ntrigger \"v_ii\" {{\n  on = view.v\n  instead_of {{\n    insert = true\n  }}\n  as = \"BEGIN INSERT INTO t VALUES (new.a); END;\"\n}}\n"
            ),
        )
        .unwrap();
        let defs: Vec<&str> = realm.schemas[0].triggers.iter().map(|t| t.def.as_str()).collect();
        assert_eq!(
            defs,
            [
                "CREATE TRIGGER \"t_au\" AFTER UPDATE OF \"a\" ON \"t\" FOR EACH ROW WHEN new.a > 0 BEGIN SELECT 1; END",
                "CREATE TRIGGER \"v_ii\" INSTEAD OF INSERT ON \"v\" FOR EACH ROW BEGIN INSERT INTO t VALUES (new.a); END",
            ]
        );
        assert_eq!(realm.schemas[0].triggers[1].table, "v");
    }

    #[test]
    fn function_and_trigger_errors_point_at_the_place() {
        let table = "table \"t\" {\n  column \"a\" {\n    type = int\n  }\n}\n";
        let trigger = |body: &str| format!("{table}trigger \"tr\" {{\n  on = table.t\n{body}}}\n");
        let e = err("postgres", &trigger("  after {\n    insert = true\n  }\n"));
        assert_eq!(
            e,
            "schema.hcl:6:1: trigger \"tr\": missing the execute block (execute { function = function.NAME })"
        );
        let e = err(
            "postgres",
            &trigger("  after {\n    insert = true\n  }\n  execute {\n    function = function.audti\n  }\n"),
        );
        assert_eq!(e, "schema.hcl:12:16: function \"audti\" is not declared");
        let e = err("postgres", &trigger("  after {\n    update_of = [column.b]\n  }\n"));
        assert_eq!(e, "schema.hcl:9:18: column \"b\" is not defined in table \"t\"; did you mean \"a\"?");
        let e = err("postgres", &trigger("  after {\n  }\n"));
        assert!(e.starts_with("schema.hcl:8:3: the after block of trigger \"tr\" names no event"), "{e}");
        let e = err("postgres", &trigger("  after {\n    insert = true\n  }\n  before {\n    insert = true\n  }\n"));
        assert_eq!(e, "schema.hcl:11:3: trigger \"tr\" fires at one time: one before, after or instead_of block");
        let e = err("postgres", &trigger("  after {\n    insert = true\n  }\n  as = \"BEGIN END\"\n"));
        assert!(e.starts_with("schema.hcl:11:3: trigger \"tr\": a PostgreSQL trigger executes a function"), "{e}");
        let e = err(
            "postgres",
            &trigger("  as = sql(\"CREATE TRIGGER other AFTER INSERT ON t FOR EACH ROW EXECUTE FUNCTION f()\")\n"),
        );
        assert_eq!(e, "schema.hcl:8:8: trigger \"tr\": its definition creates trigger \"other\"");
        let e = err("postgres", &trigger("  as = sql(\"INSERT INTO t VALUES (1)\")\n"));
        assert_eq!(e, "schema.hcl:8:8: trigger \"tr\": as = sql(\"…\") holds the whole CREATE TRIGGER statement");
        let e = err("postgres", &format!("{table}trigger \"tr\" {{\n  after {{\n    insert = true\n  }}\n}}\n"));
        assert!(e.starts_with("schema.hcl:6:1: trigger \"tr\": missing attribute \"on\""), "{e}");
        let e = err("mysql", &trigger("  after {\n    insert = true\n    delete = true\n  }\n  as = \"SET @a = 1\"\n"));
        assert!(
            e.starts_with("schema.hcl:8:3: the after block of trigger \"tr\": a mysql trigger fires on one event"),
            "{e}"
        );
        let e = err(
            "postgres",
            &trigger(
                "  after {\n    truncate = true\n  }\n  foreach = ROW\n  execute {\n    function = function.f\n  }\n",
            ),
        );
        assert_eq!(
            e,
            "schema.hcl:11:13: trigger \"tr\": a truncate trigger fires for each statement (foreach = STATEMENT)"
        );
        let e = err("mysql", &trigger("  instead_of {\n    insert = true\n  }\n"));
        assert_eq!(e, "schema.hcl:8:3: instead_of blocks in trigger \"tr\" are not supported by mysql");
        let e = err("sqlite", &trigger("  after {\n    insert = true\n  }\n"));
        assert_eq!(e, "schema.hcl:6:1: trigger \"tr\": missing attribute \"as\" (its body: BEGIN … END)");
        let e = err("clickhouse", "trigger \"tr\" {\n}\n");
        assert_eq!(e, "schema.hcl:1:1: trigger blocks are not supported by clickhouse");
        let e = err("postgres", "function \"f\" {\n  lang = SQL\n  as = \"SELECT 1\"\n}\n");
        assert!(e.starts_with("schema.hcl:1:1: function \"f\": missing attribute \"return\""), "{e}");
        let e = err(
            "postgres",
            "function \"f\" {\n  lang = SQL\n  return = int\n  volatility = IMUTABLE\n  as = \"SELECT 1\"\n}\n",
        );
        assert!(
            e.starts_with("schema.hcl:4:16: unknown volatility value \"IMUTABLE\"; did you mean \"IMMUTABLE\"?"),
            "{e}"
        );
        let e = err(
            "postgres",
            "function \"f\" {\n  return = int\n  as = sql(\"CREATE FUNCTION f() RETURNS int LANGUAGE sql AS 'SELECT 1'\")\n}\n",
        );
        assert!(e.starts_with("schema.hcl:2:3: function \"f\": as = sql(\"…\") holds the whole definition"), "{e}");
        let e =
            err("postgres", "function \"f\" {\n  as = sql(\"CREATE PROCEDURE f() LANGUAGE sql AS 'SELECT 1'\")\n}\n");
        assert_eq!(
            e,
            "schema.hcl:2:8: function \"f\": its definition creates procedure \"f\", not function \"public\".\"f\""
        );
        let e = err(
            "postgres",
            "function \"f\" {\n  lang = SQL\n  return = int\n  as = \"SELECT 1\"\n}\nfunction \"f\" {\n  lang = SQL\n  return = int\n  as = \"SELECT 2\"\n}\n",
        );
        assert!(
            e.starts_with(
                "schema.hcl:6:1: function \"f\" is declared twice (first at schema.hcl:1:1): overloaded functions"
            ),
            "{e}"
        );
        let e = err("mysql", "function \"f\" {\n}\n");
        assert_eq!(e, "schema.hcl:1:1: function blocks are not supported by mysql");
        let e = err(
            "postgres",
            "schema \"public\" {}\nschema \"a\" {}\nfunction \"f\" {\n  schema = schema.a\n  as = sql(\"CREATE FUNCTION f() RETURNS int LANGUAGE sql AS 'SELECT 1'\")\n}\n",
        );
        assert!(e.starts_with("schema.hcl:5:8: function \"f\": the schema files declare several schemas"), "{e}");
    }

    #[test]
    fn whole_function_definitions() {
        let realm = read(
            "postgres",
            "function \"f\" {\n  as = sql(<<-SQL\n    CREATE FUNCTION f(a int, OUT b int, c text DEFAULT 'x') LANGUAGE sql AS 'SELECT 1';\n  SQL\n  )\n  comment = \"c\"\n}\n",
        )
        .unwrap();
        assert_eq!(
            realm.schemas[0].attrs,
            [Attr::Other {
                dialect: "postgres".into(),
                name: "function".into(),
                value: serde_json::json!({"name": "f", "args": "a int, c text", "kind": "function", "comment": "c",
                    "def": "CREATE FUNCTION f(a int, OUT b int, c text DEFAULT 'x') LANGUAGE sql AS 'SELECT 1'"}),
            }]
        );
    }

    #[test]
    fn primary_keys_with_parts() {
        let realm = read(
            "mysql",
            "table \"t\" {\n  column \"a\" {\n    type = int\n  }\n  column \"b\" {\n    type = varchar(200)\n  }\n  primary_key {\n    on {\n      column = column.a\n    }\n    on {\n      column = column.b\n      prefix = 50\n    }\n  }\n}\n",
        )
        .unwrap();
        let pk = realm.schemas[0].tables[0].primary_key.as_ref().unwrap();
        assert_eq!(pk.parts, [IndexPart::column("a"), IndexPart::column("b")]);
        assert_eq!(value(&pk.attrs, "sub_parts"), Some(&serde_json::json!([null, 50])));
        let realm = read(
            "sqlite",
            "table \"t\" {\n  column \"a\" {\n    type = int\n  }\n  primary_key {\n    on {\n      column = column.a\n      desc = true\n    }\n  }\n}\n",
        )
        .unwrap();
        assert!(realm.schemas[0].tables[0].primary_key.as_ref().unwrap().parts[0].desc);
        let e = err(
            "sqlite",
            "table \"t\" {\n  column \"a\" {\n    type = int\n  }\n  primary_key {\n    on {\n      expr = \"a + 1\"\n    }\n  }\n}\n",
        );
        assert_eq!(e, "schema.hcl:6:5: primary_key of table \"t\": its parts are columns, not expressions");
    }
}
