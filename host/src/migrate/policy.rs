//! Policies on the units of a plan or a migration file: the built-in analyzers
//! (as the env's `lint` block configures them) and the project's `policy`
//! rules, one finding list. `migrate lint` reports it; `migrate apply`,
//! `migrate down` and `schema apply` stop on an error in it.

use hcl::Value;
use strata_dialect_api::{Change, TableChange};
use strata_policies::{Config, Finding, Severity, Subject, Unit};

use crate::config::{Facts, Rule};
use crate::error::Error;

/// What a run checks its plan against.
#[derive(Debug, Clone, Default)]
pub struct Policies {
    /// Analyzer levels and settings (the env's `lint` block over the top-level one).
    pub config: Config,
    /// The project's rules.
    pub rules: Vec<Rule>,
    /// The env the run is for (rules with `envs` apply only there).
    pub env: Option<String>,
}

impl Policies {
    /// From the selected env's `lint` block and the project's rules.
    ///
    /// # Errors
    /// An unknown analyzer or level in the `lint` block (a usage error).
    pub fn new(lint: &serde_json::Value, rules: Vec<Rule>, env: Option<String>) -> Result<Policies, Error> {
        let config = Config::from_json(lint).map_err(|e| Error::Usage(format!("atlas.hcl: {e}")))?;
        Ok(Policies { config, rules, env })
    }

    /// Whether a run has anything to enforce: a rule that applies in its env,
    /// or an analyzer the `lint` block sets a level for.
    pub fn enforces(&self) -> bool {
        self.rules.iter().any(|r| r.applies_in(self.env.as_deref()))
            || strata_policies::builtin().iter().any(|a| self.config.level(a.name()).is_some())
    }

    /// What a run that changes a database acts on: every rule, and the
    /// analyzers the `lint` block sets a level for. (Unconfigured analyzers
    /// speak in `migrate lint` only: a revert is destructive by nature.)
    ///
    /// # Errors
    /// A rule whose `match` does not evaluate to a boolean.
    pub fn enforce(
        &self,
        subject: &Subject,
        units: &[Unit],
        version: &str,
        command: &str,
        source: &str,
    ) -> Result<Vec<Finding>, Error> {
        let mut findings = self.check(subject, units, version, command, source)?;
        findings.retain(|f| f.code == "policy" || self.config.level(&f.analyzer).is_some());
        Ok(findings)
    }

    /// Every finding in `units`: analyzers, then rules, ordered by statement.
    /// `version` is the migration version the units belong to (or the target
    /// of a revert), `command` the running command, `source` where the
    /// statements come from (`file`, `plan` or `down.sql`).
    ///
    /// # Errors
    /// A rule whose `match` does not evaluate to a boolean.
    pub fn check(
        &self,
        subject: &Subject,
        units: &[Unit],
        version: &str,
        command: &str,
        source: &str,
    ) -> Result<Vec<Finding>, Error> {
        let mut findings = strata_policies::analyze(subject, units, &self.config);
        let rules: Vec<&Rule> = self.rules.iter().filter(|r| r.applies_in(self.env.as_deref())).collect();
        if !rules.is_empty() && !subject.nolint.iter().any(String::is_empty) {
            let mut created: Vec<String> = Vec::new();
            for (i, unit) in units.iter().enumerate() {
                // A statement that changes no schema (a data change) still has
                // properties rules can match: it is seen with an empty change.
                let mut changes = flatten(&unit.changes);
                if changes.is_empty() {
                    changes.push((String::new(), empty_change()));
                }
                for (kind, mut change) in changes {
                    let table = change.get("table").and_then(|v| v.as_str()).unwrap_or_default().to_string();
                    change.insert("table_created".into(), Value::Bool(created.contains(&table)));
                    if kind == "AddTable" {
                        created.push(table);
                    }
                    let facts = facts(change, unit, subject, self.env.as_deref(), version, command, source);
                    for rule in &rules {
                        let silenced = unit.nolint.iter().any(|n| n.is_empty() || *n == rule.name)
                            || subject.nolint.contains(&rule.name);
                        if silenced {
                            continue;
                        }
                        if let Some(message) = rule.check(&facts).map_err(Error::Usage)? {
                            findings.push(Finding {
                                code: "policy".into(),
                                analyzer: rule.name.clone(),
                                severity: if rule.deny { Severity::Error } else { Severity::Warning },
                                message,
                                unit: i,
                                pos: unit.pos.clone(),
                                fix: None,
                            });
                        }
                    }
                }
            }
        }
        findings.sort_by_key(|f| f.unit);
        Ok(findings)
    }
}

fn facts(
    change: hcl::Map<String, Value>,
    unit: &Unit,
    subject: &Subject,
    env: Option<&str>,
    version: &str,
    command: &str,
    source: &str,
) -> Facts {
    let upper = unit.sql.to_ascii_uppercase();
    let stmt: hcl::Map<String, Value> = [
        ("sql", Value::from(unit.sql.clone())),
        ("destructive", Value::Bool(unit.destructive)),
        ("locks", Value::Bool(unit.locks_table)),
        ("rewrites", Value::Bool(unit.rewrites_table)),
        ("transactional", Value::Bool(unit.transactional)),
        ("non_transactional", Value::Bool(!unit.transactional)),
        ("has_checks", Value::Bool(unit.has_checks)),
        ("concurrent", Value::Bool(upper.contains("CONCURRENTLY"))),
        ("data", Value::Bool(unit.data)),
        ("source", Value::from(source)),
        ("file", Value::from(unit.pos.as_ref().map(|p| p.file.clone()).unwrap_or_default())),
        ("line", Value::from(unit.pos.as_ref().map_or(0, |p| p.line as u64))),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    let mut facts = Facts::new();
    facts.insert("change".into(), Value::Object(change));
    facts.insert("stmt".into(), Value::Object(stmt));
    facts.insert("env".into(), Value::from(env.unwrap_or_default()));
    facts.insert("version".into(), Value::from(version));
    facts.insert("command".into(), Value::from(command));
    facts.insert("dialect".into(), Value::from(subject.dialect.clone()));
    facts
}

/// A change as rules see it: one per table-level change inside a
/// `ModifyTable`, every attribute present (empty when it does not apply).
fn flatten(changes: &[Change]) -> Vec<(String, hcl::Map<String, Value>)> {
    let mut out = Vec::new();
    let mut push = |kind: &str, schema: &str, table: &str, set: &[(&str, String)]| {
        let mut m = empty_change();
        m.insert("kind".into(), Value::from(kind));
        m.insert("schema".into(), Value::from(schema));
        m.insert("table".into(), Value::from(table));
        for (k, v) in set {
            m.insert((*k).to_string(), Value::from(v.clone()));
        }
        out.push((kind.to_string(), m));
    };
    for c in changes {
        match c {
            Change::AddSchema { schema } | Change::DropSchema { schema } => {
                push(kind_of(c), &schema.name, "", &[("name", schema.name.clone())]);
            }
            Change::ModifySchema { to, .. } => push("ModifySchema", &to.name, "", &[("name", to.name.clone())]),
            Change::AddTable { schema, table } | Change::DropTable { schema, table } => {
                push(kind_of(c), schema, &table.name, &[("name", table.name.clone())]);
            }
            Change::RenameTable { schema, from, to } => {
                push("RenameTable", schema, to, &[("name", to.clone()), ("from", from.clone()), ("to", to.clone())])
            }
            Change::ModifyTable { schema, to, changes, .. } => {
                for tc in changes {
                    let (kind, set): (&str, Vec<(&str, String)>) = match tc {
                        TableChange::AddColumn { column } => (
                            "AddColumn",
                            vec![
                                ("column", column.name.clone()),
                                ("name", column.name.clone()),
                                ("type", column.ty.clone()),
                            ],
                        ),
                        TableChange::DropColumn { column } => (
                            "DropColumn",
                            vec![
                                ("column", column.name.clone()),
                                ("name", column.name.clone()),
                                ("type", column.ty.clone()),
                            ],
                        ),
                        TableChange::ModifyColumn { from, to, .. } => (
                            "ModifyColumn",
                            vec![
                                ("column", to.name.clone()),
                                ("name", to.name.clone()),
                                ("type", to.ty.clone()),
                                ("from", from.ty.clone()),
                                ("to", to.ty.clone()),
                            ],
                        ),
                        TableChange::AddIndex { index } => {
                            ("AddIndex", vec![("index", index.name.clone()), ("name", index.name.clone())])
                        }
                        TableChange::DropIndex { index } => {
                            ("DropIndex", vec![("index", index.name.clone()), ("name", index.name.clone())])
                        }
                        TableChange::ModifyIndex { to, .. } => {
                            ("ModifyIndex", vec![("index", to.name.clone()), ("name", to.name.clone())])
                        }
                        TableChange::AddPrimaryKey { .. } => ("AddPrimaryKey", Vec::new()),
                        TableChange::DropPrimaryKey { .. } => ("DropPrimaryKey", Vec::new()),
                        TableChange::ModifyPrimaryKey { .. } => ("ModifyPrimaryKey", Vec::new()),
                        TableChange::AddForeignKey { foreign_key: fk }
                        | TableChange::DropForeignKey { foreign_key: fk }
                        | TableChange::ModifyForeignKey { to: fk, .. } => {
                            let name = fk.name.clone().unwrap_or_default();
                            let kind = match tc {
                                TableChange::AddForeignKey { .. } => "AddForeignKey",
                                TableChange::DropForeignKey { .. } => "DropForeignKey",
                                _ => "ModifyForeignKey",
                            };
                            (kind, vec![("foreign_key", name.clone()), ("name", name)])
                        }
                        TableChange::AddCheck { check } | TableChange::DropCheck { check } => {
                            let name = check.name.clone().unwrap_or_default();
                            let kind =
                                if matches!(tc, TableChange::AddCheck { .. }) { "AddCheck" } else { "DropCheck" };
                            (kind, vec![("check", name.clone()), ("name", name)])
                        }
                        TableChange::ModifyAttrs => ("ModifyTable", vec![("name", to.name.clone())]),
                    };
                    push(kind, schema, &to.name, &set);
                }
            }
            Change::AddView { schema, view } | Change::DropView { schema, view } => {
                push(kind_of(c), schema, "", &[("view", view.name.clone()), ("name", view.name.clone())]);
            }
            Change::ModifyView { schema, to, .. } => {
                push("ModifyView", schema, "", &[("view", to.name.clone()), ("name", to.name.clone())]);
            }
            Change::AddTrigger { schema, trigger } | Change::DropTrigger { schema, trigger } => push(
                kind_of(c),
                schema,
                &trigger.table,
                &[("trigger", trigger.name.clone()), ("name", trigger.name.clone())],
            ),
            Change::ModifyTrigger { schema, to, .. } => {
                push("ModifyTrigger", schema, &to.table, &[("trigger", to.name.clone()), ("name", to.name.clone())])
            }
        }
    }
    out
}

/// Every attribute of `change`, empty.
fn empty_change() -> hcl::Map<String, Value> {
    crate::config::CHANGE_ATTRS.iter().map(|a| ((*a).to_string(), Value::from(""))).collect()
}

fn kind_of(c: &Change) -> &'static str {
    match c {
        Change::AddSchema { .. } => "AddSchema",
        Change::DropSchema { .. } => "DropSchema",
        Change::ModifySchema { .. } => "ModifySchema",
        Change::AddTable { .. } => "AddTable",
        Change::DropTable { .. } => "DropTable",
        Change::RenameTable { .. } => "RenameTable",
        Change::ModifyTable { .. } => "ModifyTable",
        Change::AddView { .. } => "AddView",
        Change::DropView { .. } => "DropView",
        Change::ModifyView { .. } => "ModifyView",
        Change::AddTrigger { .. } => "AddTrigger",
        Change::DropTrigger { .. } => "DropTrigger",
        Change::ModifyTrigger { .. } => "ModifyTrigger",
    }
}

/// A run refused by its policies: the first error, where it is, and how many more.
pub fn denial(findings: &[Finding], what: &str) -> Option<Error> {
    let errors: Vec<&Finding> = findings.iter().filter(|f| f.severity == Severity::Error).collect();
    let first = errors.first()?;
    let at = first.pos.as_ref().map(|p| format!(" ({}:{})", p.file, p.line)).unwrap_or_default();
    let who = if first.code == "policy" {
        format!("policy {:?}", first.analyzer)
    } else {
        format!("{} ({})", first.code, first.analyzer)
    };
    let more = match errors.len() {
        1 => String::new(),
        n => format!(" (and {} more)", n - 1),
    };
    Some(Error::Refused {
        message: format!("{who} denies {what}{at}: {}{more}; nothing was executed", first.message),
        hint: Some("change the migration, or the policy (atlas.hcl) if it is wrong".into()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use strata_dialect_api::{Column, ColumnChange, Index, Table};

    #[test]
    fn every_flattened_kind_is_one_rules_may_name() {
        let t = Table { name: "t".into(), ..Table::default() };
        let c = Column { name: "c".into(), ty: "int".into(), ..Column::default() };
        let i = Index { name: "i".into(), ..Index::default() };
        let changes = vec![
            Change::AddTable { schema: "s".into(), table: t.clone() },
            Change::DropTable { schema: "s".into(), table: t.clone() },
            Change::RenameTable { schema: "s".into(), from: "a".into(), to: "b".into() },
            Change::ModifyTable {
                schema: "s".into(),
                from: t.clone(),
                to: t,
                changes: vec![
                    TableChange::AddColumn { column: c.clone() },
                    TableChange::DropColumn { column: c.clone() },
                    TableChange::ModifyColumn { from: c.clone(), to: c, change: ColumnChange::default() },
                    TableChange::AddIndex { index: i.clone() },
                    TableChange::DropIndex { index: i.clone() },
                    TableChange::ModifyIndex { from: i.clone(), to: i },
                    TableChange::ModifyAttrs,
                ],
            },
        ];
        let flat = flatten(&changes);
        assert_eq!(flat.len(), 10);
        for (kind, attrs) in &flat {
            assert!(crate::config::KINDS.contains(&kind.as_str()), "{kind}");
            for a in crate::config::CHANGE_ATTRS.iter().filter(|a| **a != "table_created") {
                assert!(attrs.contains_key(*a), "{kind} lacks {a}");
            }
        }
        assert_eq!(flat[4].1["column"], Value::from("c"));
        assert_eq!(flat[7].1["index"], Value::from("i"));
    }
}
