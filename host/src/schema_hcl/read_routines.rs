//! Reading PostgreSQL's functions and procedures, and triggers (PostgreSQL,
//! MySQL, SQLite), in Atlas's forms:
//!
//! ```hcl
//! function "positive" {
//!   schema = schema.public
//!   lang   = SQL                   # PLpgSQL, or any language's name
//!   arg "v" {                      # one per argument; unlabeled when unnamed
//!     type    = integer
//!     mode    = IN                 # OUT, INOUT, VARIADIC
//!     default = 0
//!   }
//!   return     = boolean           # trigger, void, sql("SETOF t"), sql("TABLE(…)")
//!   volatility = IMMUTABLE         # STABLE, VOLATILE
//!   parallel   = SAFE              # RESTRICTED, UNSAFE
//!   strict     = true
//!   security   = DEFINER           # INVOKER
//!   leakproof  = true
//!   cost       = 5
//!   rows       = 10
//!   as         = "SELECT v > 0"    # the body; RETURN … and BEGIN ATOMIC … END as they are
//! }
//! trigger "orders_audit" {
//!   on = table.orders              # or view.NAME
//!   after {                        # before, instead_of
//!     insert    = true             # update, delete, truncate
//!     update_of = [table.orders.column.amount]
//!   }
//!   foreach = ROW                  # STATEMENT (PostgreSQL's default)
//!   when    = "new.amount > 0"
//!   execute {                      # PostgreSQL
//!     function = function.audit_orders_changes
//!   }
//!   as = "BEGIN … END"             # MySQL and SQLite: the body
//! }
//! ```
//!
//! Where the structured form falls short, a block holds the whole definition
//! instead, as the writer writes it then: `as = sql("CREATE TRIGGER …")` (with
//! `on`), `as = sql("CREATE OR REPLACE FUNCTION …")` (with `schema` and
//! `comment`). A plain string `as` is always a body, `sql("…")` always a
//! whole statement.

use super::super::routines::{self as sql, Arg, Body, Event, FunctionSql, PSEUDO_TYPES, Quoting, TriggerSql};
use super::{Decls, FunctionDecl, Reader, Res, TableDecl, types};
use hcl::edit::Span;
use hcl::edit::expr::Expression;
use hcl::edit::structure::{Attribute, Block};
use serde_json::Value;
use strata_dialect_api::{Attr, Trigger};

/// The attributes of a function block that the structured form sets.
const STRUCTURED: &[&str] =
    &["lang", "return", "volatility", "parallel", "strict", "security", "leakproof", "cost", "rows"];

/// A trigger's `on`: a table (with its declaration) or a view.
struct On<'d> {
    schema: String,
    name: String,
    table: Option<&'d TableDecl<'d>>,
}

impl Reader<'_> {
    /// `as = sql("…")`: the text, when `attr` is that.
    fn whole_definition(&self, file: usize, attr: &Attribute) -> Res<Option<String>> {
        match &attr.value {
            Expression::FuncCall(call) if call.name.namespace.is_empty() && call.name.name.as_str() == "sql" => {
                let text = self.sql_arg(file, call)?;
                Ok(Some(text.trim().trim_end_matches(';').trim_end().to_string()))
            }
            _ => Ok(None),
        }
    }

    /// A PostgreSQL function or procedure, as the model's `function` object.
    pub(super) fn function(&self, decls: &Decls<'_>, f: &FunctionDecl<'_>) -> Res<Attr> {
        let (file, body) = (f.file, &f.block.body);
        let what = format!("{} {:?}", f.kind, f.name);
        self.check_body(file, body, f.kind, &what)?;
        let as_attr = body.get_attribute("as").ok_or_else(|| {
            self.err(
                file,
                f.block.ident.span(),
                format!(
                    "{what}: missing attribute \"as\" (its body, or sql(\"CREATE {} …\") holding the whole definition)",
                    f.kind.to_uppercase()
                ),
            )
        })?;
        let mut value = serde_json::Map::new();
        value.insert("name".into(), Value::from(f.name.clone()));
        let (args, def) = match self.whole_definition(file, as_attr)? {
            Some(def) => {
                let set = STRUCTURED
                    .iter()
                    .filter_map(|k| body.get_attribute(k).map(|a| a.key.span()))
                    .chain(body.blocks().map(|b| b.ident.span()))
                    .next();
                if let Some(span) = set {
                    return Err(self.err(
                        file,
                        span,
                        format!(
                            "{what}: as = sql(\"…\") holds the whole definition, which says it all: leave out lang, arg, return and the options (or write the body alone, as = \"…\")"
                        ),
                    ));
                }
                let Some((is_procedure, qualifier, name, args, _)) = sql::function_head(&def) else {
                    return Err(self.err(
                        file,
                        as_attr.value.span(),
                        format!(
                            "{what}: as = sql(\"…\") holds the whole CREATE {} statement (the body alone is written as = \"…\")",
                            f.kind.to_uppercase()
                        ),
                    ));
                };
                let created = if is_procedure { "procedure" } else { "function" };
                if created != f.kind || name != f.name || qualifier.as_ref().is_some_and(|q| *q != f.schema) {
                    let full = match &qualifier {
                        Some(q) => format!("{q}.{name}"),
                        None => name.clone(),
                    };
                    return Err(self.err(
                        file,
                        as_attr.value.span(),
                        format!(
                            "{what}: its definition creates {created} {full:?}, not {} {:?}.{:?}",
                            f.kind, f.schema, f.name
                        ),
                    ));
                }
                // With several schemas, unqualified names are `public`'s.
                if qualifier.is_none() && decls.schemas.len() > 1 && f.schema != "public" {
                    return Err(self.err(
                        file,
                        as_attr.value.span(),
                        format!(
                            "{what}: the schema files declare several schemas: name its schema in the definition (CREATE {} {:?}.{:?}(…))",
                            f.kind.to_uppercase(),
                            f.schema,
                            f.name
                        ),
                    ));
                }
                (sql::identity_args_of(args), def)
            }
            None => {
                let parts = self.function_parts(decls, f, &what, as_attr)?;
                (sql::identity_args(&parts.args), sql::render_function(&parts, Quoting::Always))
            }
        };
        value.insert("args".into(), Value::from(args));
        value.insert("kind".into(), Value::from(f.kind));
        value.insert("def".into(), Value::from(def));
        if let Some(c) = body.get_attribute("comment") {
            value.insert("comment".into(), Value::from(self.string(file, c)?));
        }
        Ok(self.attr("function", Value::Object(value)))
    }

    /// The structured form of a function or procedure.
    fn function_parts(
        &self,
        decls: &Decls<'_>,
        f: &FunctionDecl<'_>,
        what: &str,
        as_attr: &Attribute,
    ) -> Res<FunctionSql> {
        let (file, body) = (f.file, &f.block.body);
        let missing = |key: &str, hint: &str| {
            self.err(file, f.block.ident.span(), format!("{what}: missing attribute {key:?} ({hint})"))
        };
        let lang = body.get_attribute("lang").ok_or_else(|| missing("lang", "its language: SQL, PLpgSQL, …"))?;
        let lang = match &lang.value {
            Expression::Variable(v) => v.as_str().to_lowercase(),
            _ => self.string(file, lang)?,
        };
        let mut args = Vec::new();
        for b in body.blocks() {
            let name = self.labels(file, b, 0..=1)?.into_iter().next();
            let arg_what = match &name {
                Some(n) => format!("arg {n:?} of {what}"),
                None => format!("an arg of {what}"),
            };
            self.check_body(file, &b.body, "arg", &arg_what)?;
            let ty = b
                .body
                .get_attribute("type")
                .ok_or_else(|| self.err(file, b.ident.span(), format!("{arg_what}: missing attribute \"type\"")))?;
            let ty = self.routine_type(file, &ty.value, decls, &f.schema)?;
            let mode = match b.body.get_attribute("mode") {
                Some(a) => Some(self.choice(file, a, &["IN", "OUT", "INOUT", "VARIADIC"])?).filter(|m| *m != "IN"),
                None => None,
            };
            let default = b.body.get_attribute("default").map(|a| self.default_value(file, &a.value)).transpose()?;
            args.push(Arg { mode: mode.map(str::to_string), name, ty, default });
        }
        let returns = match (f.kind, body.get_attribute("return")) {
            ("function", Some(a)) => Some(self.routine_type(file, &a.value, decls, &f.schema)?),
            ("function", None) => {
                return Err(missing("return", "its return type: integer, trigger, void, sql(\"SETOF t\"), …"));
            }
            _ => None,
        };
        let text = self.string(file, as_attr)?;
        let body_text = if lang == "sql" && sql::is_sql_body(&text) {
            Body::Sql(text.trim().to_string())
        } else {
            Body::Quoted(text)
        };
        let word = |key: &str, allowed: &[&'static str]| -> Res<Option<&'static str>> {
            body.get_attribute(key).map(|a| self.choice(file, a, allowed)).transpose()
        };
        let flag = |key: &str| -> Res<bool> {
            Ok(body.get_attribute(key).map(|a| self.boolean(file, a)).transpose()? == Some(true))
        };
        let count = |key: &str| -> Res<Option<String>> {
            match body.get_attribute(key) {
                Some(a) => {
                    let n = self.integer(file, a)?;
                    if n <= 0 {
                        return Err(self.err(file, a.value.span(), format!("{what}: {key} must be positive")));
                    }
                    Ok(Some(n.to_string()))
                }
                None => Ok(None),
            }
        };
        Ok(FunctionSql {
            procedure: f.kind == "procedure",
            schema: (decls.schemas.len() > 1).then(|| f.schema.clone()),
            name: f.name.clone(),
            args,
            returns,
            lang,
            volatility: word("volatility", &["IMMUTABLE", "STABLE", "VOLATILE"])?.filter(|v| *v != "VOLATILE"),
            parallel: word("parallel", &["SAFE", "RESTRICTED", "UNSAFE"])?.filter(|p| *p != "UNSAFE"),
            strict: flag("strict")?,
            security_definer: word("security", &["DEFINER", "INVOKER"])? == Some("DEFINER"),
            leakproof: flag("leakproof")?,
            cost: count("cost")?,
            rows: count("rows")?,
            body: body_text,
        })
    }

    /// A function's argument or return type: a pseudo-type (`trigger`,
    /// `void`, …) or anything a column's `type` takes.
    fn routine_type(&self, file: usize, expr: &Expression, decls: &Decls<'_>, schema: &str) -> Res<String> {
        if let Expression::Variable(v) = expr {
            let name = v.as_str().to_lowercase();
            if PSEUDO_TYPES.contains(&name.as_str()) {
                return Ok(name);
            }
        }
        self.column_type(file, expr, decls, schema)
    }

    /// A trigger, and the schema it belongs to (its table's).
    pub(super) fn trigger(&self, decls: &Decls<'_>, file: usize, block: &Block) -> Res<(String, Trigger)> {
        let name = self.labels(file, block, 1..=1)?.concat();
        let what = format!("trigger {name:?}");
        let body = &block.body;
        self.check_body(file, body, "trigger", &what)?;
        let on_attr = body.get_attribute("on").ok_or_else(|| {
            self.err(
                file,
                block.ident.span(),
                format!("{what}: missing attribute \"on\" (the table it fires on: on = table.NAME)"),
            )
        })?;
        let on = self.trigger_on(file, on_attr, decls)?;
        let whole = body.get_attribute("as").map(|a| self.whole_definition(file, a)).transpose()?.flatten();
        if let Some(def) = whole {
            let structured = ["foreach", "when"]
                .iter()
                .filter_map(|k| body.get_attribute(k).map(|a| a.key.span()))
                .chain(body.blocks().map(|b| b.ident.span()))
                .next();
            if let Some(span) = structured {
                return Err(self.err(
                    file,
                    span,
                    format!(
                        "{what}: as = sql(\"…\") holds the whole CREATE TRIGGER statement, which says it all: leave out the other attributes and blocks but on"
                    ),
                ));
            }
            let span = body.get_attribute("as").and_then(|a| a.value.span());
            match sql::trigger_name(&def) {
                None => {
                    return Err(self.err(
                        file,
                        span,
                        format!(
                            "{what}: as = sql(\"…\") holds the whole CREATE TRIGGER statement{}",
                            if self.dialect == "postgres" { "" } else { " (the body alone is written as = \"…\")" }
                        ),
                    ));
                }
                Some((created, quoted)) => {
                    // PostgreSQL folds a bare name to lower case; MySQL and SQLite ignore case.
                    let same = match (self.dialect, quoted) {
                        ("postgres", true) => created == name,
                        ("postgres", false) => created.to_lowercase() == name,
                        _ => created.eq_ignore_ascii_case(&name),
                    };
                    if !same {
                        return Err(self.err(
                            file,
                            span,
                            format!("{what}: its definition creates trigger {created:?}"),
                        ));
                    }
                }
            }
            return Ok((on.schema, Trigger { name, table: on.name, def }));
        }
        let t = self.trigger_parts(decls, file, block, &what, name.clone(), &on)?;
        let def = sql::render_trigger(self.dialect, &t, Quoting::Always);
        Ok((on.schema, Trigger { name, table: on.name, def }))
    }

    /// `on = table.NAME` (or `table.SCHEMA.NAME`, `view.NAME`).
    fn trigger_on<'d>(&self, file: usize, attr: &Attribute, decls: &'d Decls<'d>) -> Res<On<'d>> {
        let bad = || {
            self.err(
                file,
                attr.value.span(),
                "on: expected the table the trigger fires on, such as table.orders (or view.NAME)",
            )
        };
        let segs = Self::segments(&attr.value).ok_or_else(bad)?;
        let Some(((root, _), rest)) = segs.split_first() else { return Err(bad()) };
        match root.as_str() {
            "table" => {
                let t = self.table_ref(file, attr.value.span(), rest, decls, "")?;
                Ok(On { schema: t.schema.clone(), name: t.name.clone(), table: Some(t) })
            }
            "view" => {
                let (schema, name) = match rest {
                    [(name, _)] => (None, name.as_str()),
                    [(schema, _), (name, _)] => (Some(schema.as_str()), name.as_str()),
                    _ => return Err(bad()),
                };
                let found: Vec<_> = decls
                    .views
                    .iter()
                    .filter(|v| !v.materialized && v.name == name && schema.is_none_or(|s| s == v.schema))
                    .collect();
                match found.as_slice() {
                    [v] => Ok(On { schema: v.schema.clone(), name: v.name.clone(), table: None }),
                    [] => Err(self.err(
                        file,
                        attr.value.span(),
                        format!(
                            "view {name:?} is not declared{}",
                            types::hint(name, decls.views.iter().map(|v| v.name.as_str()))
                        ),
                    )),
                    _ => Err(self.err(
                        file,
                        attr.value.span(),
                        format!("view {name:?} is declared in several schemas: write view.SCHEMA.{name}"),
                    )),
                }
            }
            _ => Err(bad()),
        }
    }

    /// The structured form of a trigger.
    fn trigger_parts(
        &self,
        decls: &Decls<'_>,
        file: usize,
        block: &Block,
        what: &str,
        name: String,
        on: &On<'_>,
    ) -> Res<TriggerSql> {
        let body = &block.body;
        let timings: Vec<&Block> =
            body.blocks().filter(|b| matches!(b.ident.as_str(), "before" | "after" | "instead_of")).collect();
        let timing_block = match timings.as_slice() {
            [one] => *one,
            [] => {
                return Err(self.err(
                    file,
                    block.ident.span(),
                    format!(
                        "{what}: missing a before, after or instead_of block naming its events (before {{ insert = true }}), or as = sql(\"CREATE TRIGGER …\")"
                    ),
                ));
            }
            [_, second, ..] => {
                return Err(self.err(
                    file,
                    second.ident.span(),
                    format!("{what} fires at one time: one before, after or instead_of block"),
                ));
            }
        };
        let timing = match timing_block.ident.as_str() {
            "before" => "BEFORE",
            "after" => "AFTER",
            _ => "INSTEAD OF",
        };
        let timing_what = format!("the {} block of {what}", timing_block.ident.as_str());
        self.labels(file, timing_block, 0..=0)?;
        self.check_body(file, &timing_block.body, timing_block.ident.as_str(), &timing_what)?;
        let mut events = Vec::new();
        for kind in sql::EVENTS {
            let key = kind.to_lowercase();
            if let Some(a) = timing_block.body.get_attribute(&key)
                && self.boolean(file, a)?
            {
                events.push(Event { kind, columns: Vec::new() });
            }
        }
        if let Some(a) = timing_block.body.get_attribute("update_of") {
            let Some(table) = on.table else {
                return Err(self.err(
                    file,
                    a.key.span(),
                    format!("{timing_what}: update_of names columns of a table, and {what} fires on a view"),
                ));
            };
            let mut columns = Vec::new();
            for expr in self.array(file, a)? {
                let (owner, column) = self.column_ref(file, expr, decls, table)?;
                if owner.name != table.name || owner.schema != table.schema {
                    return Err(self.err(
                        file,
                        expr.span(),
                        format!("update_of: column {column:?} belongs to table {:?}, not {:?}", owner.name, table.name),
                    ));
                }
                columns.push(column);
            }
            if columns.is_empty() {
                return Err(self.err(file, a.value.span(), "update_of: needs at least one column"));
            }
            events.retain(|e| e.kind != "UPDATE");
            events.push(Event { kind: "UPDATE", columns });
        }
        if events.is_empty() {
            return Err(self.err(
                file,
                timing_block.ident.span(),
                format!("{timing_what} names no event: set insert, update or delete = true (or update_of = [...])"),
            ));
        }
        if self.dialect != "postgres" && events.len() > 1 {
            return Err(self.err(
                file,
                timing_block.ident.span(),
                format!("{timing_what}: a {} trigger fires on one event: write one trigger per event", self.dialect),
            ));
        }
        let row = match body.get_attribute("foreach") {
            Some(a) => self.choice(file, a, &["ROW", "STATEMENT"])? == "ROW",
            None => self.dialect != "postgres",
        };
        if row && events.iter().any(|e| e.kind == "TRUNCATE") {
            let span = body.get_attribute("foreach").map_or(timing_block.ident.span(), |a| a.value.span());
            return Err(self.err(
                file,
                span,
                format!("{what}: a truncate trigger fires for each statement (foreach = STATEMENT)"),
            ));
        }
        if !row && self.dialect != "postgres" {
            let span = body.get_attribute("foreach").and_then(|a| a.value.span());
            return Err(self.err(file, span, format!("{what}: {} triggers fire for each row", self.dialect)));
        }
        let when = body.get_attribute("when").map(|a| self.string(file, a)).transpose()?;
        let qualify = decls.schemas.len() > 1;
        let mut t = TriggerSql {
            name,
            timing,
            events,
            table: (qualify.then(|| on.schema.clone()), on.name.clone()),
            row,
            when,
            function: None,
            body: None,
        };
        let as_attr = body.get_attribute("as");
        if self.dialect == "postgres" {
            if let Some(a) = as_attr {
                return Err(self.err(
                    file,
                    a.key.span(),
                    format!(
                        "{what}: a PostgreSQL trigger executes a function: write execute {{ function = function.NAME }} (or as = sql(\"CREATE TRIGGER …\") holding the whole statement)"
                    ),
                ));
            }
            let execute: Vec<&Block> = body.blocks().filter(|b| b.ident.as_str() == "execute").collect();
            let Some(execute) = execute.first() else {
                return Err(self.err(
                    file,
                    block.ident.span(),
                    format!("{what}: missing the execute block (execute {{ function = function.NAME }})"),
                ));
            };
            self.labels(file, execute, 0..=0)?;
            let execute_what = format!("the execute block of {what}");
            self.check_body(file, &execute.body, "execute", &execute_what)?;
            let function = execute.body.get_attribute("function").ok_or_else(|| {
                self.err(file, execute.ident.span(), format!("{execute_what}: missing attribute \"function\""))
            })?;
            let (schema, name) = self.function_ref(file, function, decls, &on.schema)?;
            t.function = Some((qualify.then_some(schema), name));
        } else {
            let a = as_attr.ok_or_else(|| {
                self.err(file, block.ident.span(), format!("{what}: missing attribute \"as\" (its body: BEGIN … END)"))
            })?;
            let text = self.string(file, a)?;
            let text = text.trim().trim_end_matches(';').trim_end();
            let begins = text.get(..5).is_some_and(|w| w.eq_ignore_ascii_case("BEGIN"))
                && text[5..].chars().next().is_none_or(char::is_whitespace);
            // SQLite's body is always BEGIN … END; MySQL's may be one statement.
            t.body =
                Some(if self.dialect == "sqlite" && !begins { format!("BEGIN {text}; END") } else { text.to_string() });
        }
        Ok(t)
    }

    /// `function.NAME` or `function.SCHEMA.NAME`: a declared function (not a
    /// procedure), preferably of `near_schema`. Returns its schema and name.
    fn function_ref(
        &self,
        file: usize,
        attr: &Attribute,
        decls: &Decls<'_>,
        near_schema: &str,
    ) -> Res<(String, String)> {
        let bad = || self.err(file, attr.value.span(), "function: expected a reference such as function.audit_changes");
        let segs = Self::segments(&attr.value).ok_or_else(bad)?;
        let (schema, name) = match segs.as_slice() {
            [(root, _), (name, _)] if root == "function" => (None, name.as_str()),
            [(root, _), (schema, _), (name, _)] if root == "function" => (Some(schema.as_str()), name.as_str()),
            _ => return Err(bad()),
        };
        let found: Vec<&FunctionDecl<'_>> = decls
            .functions
            .iter()
            .filter(|f| f.kind == "function" && f.name == name && schema.is_none_or(|s| s == f.schema))
            .collect();
        let pick = match found.as_slice() {
            [one] => Some(*one),
            [] => None,
            many => many.iter().find(|f| f.schema == near_schema).copied(),
        };
        match pick {
            Some(f) => Ok((f.schema.clone(), f.name.clone())),
            None if found.is_empty() => Err(self.err(
                file,
                attr.value.span(),
                format!(
                    "function {name:?} is not declared{}",
                    types::hint(name, decls.functions.iter().filter(|f| f.kind == "function").map(|f| f.name.as_str()))
                ),
            )),
            None => Err(self.err(
                file,
                attr.value.span(),
                format!("function {name:?} is declared in several schemas: write function.SCHEMA.{name}"),
            )),
        }
    }
}
