//! Writing PostgreSQL's functions and procedures, and triggers, as Atlas's
//! `function`, `procedure` and `trigger` blocks (see `read_routines.rs` for
//! the forms).
//!
//! The model keeps their whole definitions; the structured form is written
//! when the parts read out of a definition render back to exactly it
//! ([`super::super::routines`]), so that nothing is lost. Else the block
//! holds the whole definition, `as = sql("CREATE …")`: a function with `SET`
//! options, a `WINDOW` or C function, a PostgreSQL trigger with arguments,
//! `REFERENCING` or `CONSTRAINT`, and SQLite's triggers as their authors
//! wrote them (SQLite keeps that text, which the structured form would
//! change).

use super::super::routines::{
    Body, PSEUDO_TYPES, Quoting, is_sql_body, parse_function, parse_trigger, render_function, render_trigger,
};
use super::super::write_hcl::{Block, ident_or_string, list, reference, sql_text, step, string, text};
use super::super::write_types::default_value;
use super::Writer;
use serde_json::Value;
use strata_dialect_api::{Schema, Trigger};

impl Writer<'_> {
    /// The `function` or `procedure` block of a function (the model's object).
    pub(super) fn function(&self, schema: &Schema, value: &Value) -> Option<Block> {
        let str_of = |key: &str| value.get(key).and_then(Value::as_str);
        let name = str_of("name")?;
        let kind = if str_of("kind") == Some("procedure") { "procedure" } else { "function" };
        let def = str_of("def").unwrap_or_default();
        let mut b = Block::new(kind, &self.labels(kind, &schema.name, name));
        b.attr("schema", reference("schema", &[&schema.name]));
        let home = self.home.as_str();
        let parsed = parse_function(def).filter(|f| {
            render_function(f, Quoting::Printed) == def
                && f.procedure == (kind == "procedure")
                && f.name == name
                && match &f.schema {
                    None => schema.name == home,
                    Some(s) => *s == schema.name && schema.name != home,
                }
                // A string body reading as a SQL-standard one would not read back as a string.
                && !(f.lang == "sql" && matches!(&f.body, Body::Quoted(t) if is_sql_body(t)))
        });
        match parsed {
            Some(f) => {
                let lang = match f.lang.as_str() {
                    "sql" => "SQL".to_string(),
                    "plpgsql" => "PLpgSQL".to_string(),
                    other if other.chars().all(|c| !c.is_ascii_uppercase()) => ident_or_string(other),
                    other => string(other),
                };
                b.attr("lang", lang);
                for arg in &f.args {
                    let mut a = Block::new("arg", &arg.name.as_deref().into_iter().collect::<Vec<_>>());
                    a.attr("type", self.routine_type(schema, &arg.ty));
                    if let Some(mode) = &arg.mode {
                        a.attr("mode", mode.clone());
                    }
                    if let Some(default) = &arg.default {
                        a.attr("default", default_value(self.dialect, &arg.ty, default));
                    }
                    b.child(a);
                }
                if let Some(returns) = &f.returns {
                    b.attr("return", self.routine_type(schema, returns));
                }
                if let Some(v) = f.volatility {
                    b.attr("volatility", v);
                }
                if let Some(p) = f.parallel {
                    b.attr("parallel", p);
                }
                if f.strict {
                    b.attr("strict", "true");
                }
                if f.security_definer {
                    b.attr("security", "DEFINER");
                }
                if f.leakproof {
                    b.attr("leakproof", "true");
                }
                if let Some(cost) = &f.cost {
                    b.attr("cost", cost.clone());
                }
                if let Some(rows) = &f.rows {
                    b.attr("rows", rows.clone());
                }
                match &f.body {
                    Body::Quoted(t) => b.attr("as", text(t, false)),
                    Body::Sql(t) => b.attr("as", text(t, true)),
                }
            }
            None => b.attr("as", sql_text(def)),
        }
        if let Some(comment) = str_of("comment") {
            b.attr("comment", string(comment));
        }
        Some(b)
    }

    /// An argument's or return type: a pseudo-type bare, else as a column's.
    fn routine_type(&self, schema: &Schema, ty: &str) -> String {
        if PSEUDO_TYPES.contains(&ty) {
            return ty.to_string();
        }
        self.column_type(schema, ty)
    }

    /// The `trigger` block of a trigger.
    pub(super) fn trigger(&self, schema: &Schema, trigger: &Trigger) -> Block {
        let mut b = Block::new("trigger", &[&trigger.name]);
        let on = if schema.view(&trigger.table).is_some() && schema.table(&trigger.table).is_none() {
            reference("view", &self.labels("view", &schema.name, &trigger.table))
        } else {
            self.table_ref(&schema.name, &schema.name, &trigger.table)
        };
        b.attr("on", on.clone());
        let home = self.home.as_str();
        let in_schema = |qualifier: &Option<String>| match qualifier {
            None => self.dialect != "postgres" || schema.name == home,
            Some(s) => *s == schema.name && schema.name != home,
        };
        let parsed = parse_trigger(self.dialect, &trigger.def).filter(|t| {
            render_trigger(self.dialect, t, Quoting::Printed) == trigger.def
                && t.name == trigger.name
                && t.table.1 == trigger.table
                && in_schema(&t.table.0)
                // The reader trims a body.
                && t.body.as_deref().is_none_or(|body| body.trim() == body && !body.ends_with(';'))
        });
        // A PostgreSQL trigger's function is referenced: it must be in the document.
        let function = parsed.as_ref().and_then(|t| t.function.as_ref()).and_then(|(qualifier, name)| {
            let fschema = qualifier.as_deref().unwrap_or(home);
            if qualifier.as_deref() == Some(home) {
                return None;
            }
            (self.functions.get(&(fschema.to_string(), name.clone())) == Some(&"function"))
                .then(|| reference("function", &self.labels("function", fschema, name)))
        });
        let parsed = parsed.filter(|_| self.dialect != "postgres" || function.is_some());
        let Some(t) = parsed else {
            b.attr("as", sql_text(&trigger.def));
            return b;
        };
        let timing = match t.timing {
            "BEFORE" => "before",
            "AFTER" => "after",
            _ => "instead_of",
        };
        let mut events = Block::new(timing, &[]);
        for event in &t.events {
            if event.columns.is_empty() {
                events.attr(&event.kind.to_lowercase(), "true");
            } else {
                events.attr("update_of", list(event.columns.iter().map(|c| format!("{on}.column{}", step(c)))));
            }
        }
        b.child(events);
        if self.dialect == "postgres" {
            b.attr("foreach", if t.row { "ROW" } else { "STATEMENT" });
        }
        if let Some(when) = &t.when {
            b.attr("when", string(when));
        }
        if let Some(function) = function {
            let mut execute = Block::new("execute", &[]);
            execute.attr("function", function);
            b.child(execute);
        }
        if let Some(body) = &t.body {
            b.attr("as", text(body, true));
        }
        b
    }
}
