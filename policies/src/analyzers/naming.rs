//! `naming` (NM101–NM106, NM100 for a bad configuration): names of added or
//! renamed schemas, tables, columns, indexes, foreign keys and checks must
//! match a pattern. Silent unless the `lint` block gives one:
//!
//! ```hcl
//! naming {
//!   match   = "^[a-z_]+$"
//!   message = "must be snake case"
//!   index {
//!     match   = "^idx_"
//!     message = "must begin with idx_"
//!   }
//! }
//! ```
//!
//! A resource block (`schema`, `table`, `column`, `index`, `foreign_key`,
//! `check`) overrides the global `match` and `message` for that resource.

use regex::Regex;
use serde_json::Value;
use strata_dialect_api::{Change, TableChange};

use crate::{Analyzer, Raw, Subject, Unit};

/// The naming-conventions analyzer.
pub struct Naming;

/// The resources, their codes and how messages call them.
const RESOURCES: [(&str, &str, &str); 6] = [
    ("schema", "NM101", "Schema"),
    ("table", "NM102", "Table"),
    ("column", "NM103", "Column"),
    ("index", "NM104", "Index"),
    ("foreign_key", "NM105", "Foreign-key constraint"),
    ("check", "NM106", "Check constraint"),
];

/// A pattern and the message added to its findings.
struct Rule {
    re: Regex,
    message: Option<String>,
}

/// The rule of each resource, in [`RESOURCES`] order (None: not checked).
struct Rules([Option<Rule>; 6]);

impl Analyzer for Naming {
    fn name(&self) -> &'static str {
        "naming"
    }

    fn codes(&self) -> &'static [&'static str] {
        &["NM100", "NM101", "NM102", "NM103", "NM104", "NM105", "NM106"]
    }

    fn analyze(&self, _: &Subject, units: &[Unit], config: &Value) -> Vec<Raw> {
        let (rules, errors) = rules(config);
        let mut out = Vec::new();
        if !errors.is_empty() {
            out.push(
                Raw::new("NM100", 0, format!("Invalid naming configuration: {}", errors.join("; ")))
                    .fix("fix the pattern in the lint block's naming settings (Rust regex syntax)"),
            );
        }
        if rules.0.iter().all(Option::is_none) {
            return out;
        }
        for (i, unit) in units.iter().enumerate() {
            let mut check = |resource: usize, name: &str| {
                if let Some(raw) = rules.check(resource, i, name) {
                    out.push(raw);
                }
            };
            for change in &unit.changes {
                match change {
                    Change::AddSchema { schema } => check(0, &schema.name),
                    Change::AddTable { table, .. } => {
                        check(1, &table.name);
                        table.columns.iter().for_each(|c| check(2, &c.name));
                        table.indexes.iter().for_each(|x| check(3, &x.name));
                        table.foreign_keys.iter().filter_map(|f| f.name.as_deref()).for_each(|n| check(4, n));
                        table.checks.iter().filter_map(|c| c.name.as_deref()).for_each(|n| check(5, n));
                    }
                    Change::RenameTable { to, .. } => check(1, to),
                    Change::ModifyTable { changes, .. } => {
                        for c in changes {
                            match c {
                                TableChange::AddColumn { column } => check(2, &column.name),
                                TableChange::ModifyColumn { from, to, .. } if from.name != to.name => {
                                    check(2, &to.name);
                                }
                                TableChange::AddIndex { index } => check(3, &index.name),
                                TableChange::ModifyIndex { from, to } if from.name != to.name => check(3, &to.name),
                                TableChange::AddForeignKey { foreign_key: fk } => {
                                    fk.name.as_deref().into_iter().for_each(|n| check(4, n));
                                }
                                TableChange::ModifyForeignKey { from, to } if from.name != to.name => {
                                    to.name.as_deref().into_iter().for_each(|n| check(4, n));
                                }
                                TableChange::AddCheck { check: k } => {
                                    k.name.as_deref().into_iter().for_each(|n| check(5, n));
                                }
                                _ => {}
                            }
                        }
                    }
                    _ => {}
                }
            }
        }
        out
    }
}

impl Rules {
    fn check(&self, resource: usize, unit: usize, name: &str) -> Option<Raw> {
        let rule = self.0[resource].as_ref()?;
        if rule.re.is_match(name) {
            return None;
        }
        let (_, code, what) = RESOURCES[resource];
        let mut message = format!("{what} named {name:?} violates the naming policy");
        if let Some(m) = rule.message.as_deref().filter(|m| !m.is_empty()) {
            message.push_str(": ");
            message.push_str(m);
        }
        Some(Raw::new(code, unit, message))
    }
}

/// The rules the configuration gives, and what is wrong with it. A resource
/// whose own pattern is invalid is not checked (rather than falling back to
/// the global pattern it was meant to override).
fn rules(config: &Value) -> (Rules, Vec<String>) {
    let mut errors = Vec::new();
    let global = rule(config, "lint.naming", &mut errors);
    let mut out: [Option<Rule>; 6] = Default::default();
    for (slot, (key, _, _)) in out.iter_mut().zip(RESOURCES) {
        let block = config.get(key);
        *slot = match block.filter(|b| b.get("match").is_some()) {
            // Its own pattern comes with its own message only, as in Atlas.
            Some(b) => rule(b, &format!("lint.naming.{key}"), &mut errors),
            // A block with only a message rewords the global pattern's findings.
            None => {
                global.as_ref().map(|g| Rule { re: g.re.clone(), message: message_of(block).or(g.message.clone()) })
            }
        };
    }
    (Rules(out), errors)
}

fn message_of(block: Option<&Value>) -> Option<String> {
    block?.get("message").and_then(Value::as_str).map(String::from)
}

/// The rule of one block (`match` and `message`), if it has a valid pattern.
fn rule(block: &Value, path: &str, errors: &mut Vec<String>) -> Option<Rule> {
    let pattern = block.get("match")?;
    let Some(pattern) = pattern.as_str() else {
        errors.push(format!("{path}.match must be a string, got {pattern}"));
        return None;
    };
    match Regex::new(pattern) {
        Ok(re) => Some(Rule { re, message: message_of(Some(block)) }),
        Err(e) => {
            // The regex error spans several lines; one is enough here.
            let reason = e.to_string().lines().last().unwrap_or_default().trim().to_string();
            errors.push(format!("{path}.match {pattern:?} is not a valid regular expression ({reason})"));
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use strata_dialect_api::{Check, Column, ForeignKey, Index, Schema, Table};

    fn run(config: Value, units: &[Unit]) -> Vec<(&'static str, usize, String)> {
        Naming.analyze(&Subject::default(), units, &config).into_iter().map(|r| (r.code, r.unit, r.message)).collect()
    }

    fn create_table() -> Unit {
        let table = Table {
            name: "Users".into(),
            columns: vec![Column { name: "Email".into(), ty: "text".into(), ..Column::default() }],
            indexes: vec![Index { name: "users_email".into(), ..Index::default() }],
            foreign_keys: vec![ForeignKey { name: Some("FK1".into()), ref_table: "x".into(), ..ForeignKey::default() }],
            checks: vec![Check { name: Some("Chk".into()), expr: "1".into(), attrs: Vec::new() }],
            ..Table::default()
        };
        Unit {
            changes: vec![
                Change::AddSchema { schema: Schema { name: "App".into(), ..Schema::default() } },
                Change::AddTable { schema: "App".into(), table },
            ],
            ..Unit::default()
        }
    }

    #[test]
    fn every_resource_is_checked() {
        let found = run(json!({ "match": "^[a-z_]+$", "message": "must be snake case" }), &[create_table()]);
        let codes: Vec<&str> = found.iter().map(|f| f.0).collect();
        assert_eq!(codes, ["NM101", "NM102", "NM103", "NM105", "NM106"]);
        assert_eq!(found[1].2, "Table named \"Users\" violates the naming policy: must be snake case");
        assert_eq!(found[3].2, "Foreign-key constraint named \"FK1\" violates the naming policy: must be snake case");
    }

    #[test]
    fn resource_blocks_override_the_global_pattern() {
        let config = json!({
            "match": "^[a-zA-Z_0-9]+$",
            "index": { "match": "^idx_", "message": "must begin with idx_" },
        });
        assert_eq!(
            run(config, &[create_table()]),
            [("NM104", 0, "Index named \"users_email\" violates the naming policy: must begin with idx_".into())]
        );
        // Only a resource block: the others are not checked.
        assert_eq!(
            run(json!({ "column": { "match": "^[a-z]+$" } }), &[create_table()])[0].2,
            "Column named \"Email\" violates the naming policy"
        );
    }

    #[test]
    fn renames_and_additions_in_modified_tables() {
        let t = Table { name: "t".into(), ..Table::default() };
        let unit = Unit {
            changes: vec![
                Change::RenameTable { schema: "s".into(), from: "t".into(), to: "T2".into() },
                Change::ModifyTable {
                    schema: "s".into(),
                    from: t.clone(),
                    to: t,
                    changes: vec![
                        TableChange::AddColumn { column: Column { name: "Bad".into(), ..Column::default() } },
                        TableChange::AddColumn { column: Column { name: "good".into(), ..Column::default() } },
                        TableChange::AddCheck { check: Check { name: None, expr: "1".into(), attrs: Vec::new() } },
                    ],
                },
            ],
            ..Unit::default()
        };
        let codes: Vec<&str> = run(json!({ "match": "^[a-z_]+$" }), &[unit]).iter().map(|f| f.0).collect();
        assert_eq!(codes, ["NM102", "NM103"]);
    }

    #[test]
    fn silent_without_a_pattern() {
        assert!(run(Value::Null, &[create_table()]).is_empty());
        assert!(run(json!({ "error": true }), &[create_table()]).is_empty());
        assert!(run(json!({ "match": "^.*$" }), &[create_table()]).is_empty());
    }

    #[test]
    fn nm100_invalid_patterns_are_reported_once() {
        let found = run(json!({ "match": "([a-z", "table": { "match": 3 } }), &[create_table(), create_table()]);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].0, "NM100");
        assert!(
            found[0].2.starts_with(
                "Invalid naming configuration: lint.naming.match \"([a-z\" is not a valid regular expression ("
            ),
            "{}",
            found[0].2
        );
        assert!(found[0].2.contains("lint.naming.table.match must be a string, got 3"));
        // A valid resource pattern still applies.
        let found = run(json!({ "match": "(", "table": { "match": "^[a-z]+$" } }), &[create_table()]);
        assert_eq!(found.iter().map(|f| f.0).collect::<Vec<_>>(), ["NM100", "NM102"]);
    }
}
