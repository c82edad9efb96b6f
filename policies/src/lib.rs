//! Lint analyzers and policy rules that run on a structured plan before anything
//! executes. Diagnostics keep Atlas's codes (DS101–DS103 for destructive
//! changes) so that `atlas:nolint` directives and CI gates carry over.
//!
//! This crate only reasons about [`Plan`]s; it never talks to a database.
#![deny(missing_docs)]

use strata_dialect_api::{Change, Plan, TableChange};

/// One finding of an analyzer.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Diagnostic {
    /// Atlas's code, e.g. `DS102`.
    pub code: &'static str,
    /// What was found, e.g. `Dropping table "logs"`.
    pub text: String,
    /// Index of the change in [`Plan::changes`].
    pub change: usize,
}

/// The destructive-changes analyzer (Atlas's `destructive`): dropped schemas,
/// tables and non-generated columns lose data.
pub fn destructive(plan: &Plan) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (i, change) in plan.changes.iter().enumerate() {
        match change {
            Change::DropSchema { schema } => out.push(Diagnostic {
                code: "DS101",
                text: if schema.tables.is_empty() {
                    format!("Dropping schema {:?}", schema.name)
                } else {
                    format!("Dropping non-empty schema {:?} with {} tables", schema.name, schema.tables.len())
                },
                change: i,
            }),
            Change::DropTable { table, .. } => {
                out.push(Diagnostic { code: "DS102", text: format!("Dropping table {:?}", table.name), change: i });
            }
            Change::ModifyTable { changes, .. } => {
                for c in changes {
                    if let TableChange::DropColumn { column } = c
                        && column.generated.as_ref().is_none_or(|g| g.stored)
                    {
                        out.push(Diagnostic {
                            code: "DS103",
                            text: format!("Dropping non-virtual column {:?}", column.name),
                            change: i,
                        });
                    }
                }
            }
            Change::AddSchema { .. }
            | Change::ModifySchema { .. }
            | Change::AddTable { .. }
            | Change::RenameTable { .. }
            | Change::AddView { .. }
            | Change::DropView { .. }
            | Change::ModifyView { .. }
            | Change::AddTrigger { .. }
            | Change::DropTrigger { .. }
            | Change::ModifyTrigger { .. } => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use strata_dialect_api::{Column, Generated, Schema, Table};

    fn column(name: &str, generated: Option<Generated>) -> Column {
        Column { name: name.into(), ty: "int".into(), nullable: true, generated, ..Column::default() }
    }

    #[test]
    fn drops_are_reported_with_atlas_codes() {
        let table = Table { name: "logs".into(), ..Table::default() };
        let plan = Plan {
            changes: vec![
                Change::DropTable { schema: "main".into(), table: table.clone() },
                Change::ModifyTable {
                    schema: "main".into(),
                    from: table.clone(),
                    to: table.clone(),
                    changes: vec![
                        TableChange::DropColumn { column: column("a", None) },
                        TableChange::DropColumn {
                            column: column("v", Some(Generated { expr: "a + 1".into(), stored: false })),
                        },
                    ],
                },
                Change::DropSchema { schema: Schema { name: "s".into(), tables: vec![table], ..Schema::default() } },
                Change::AddTable { schema: "main".into(), table: Table::default() },
            ],
            statements: Vec::new(),
        };
        let found = destructive(&plan);
        let texts: Vec<(&str, &str)> = found.iter().map(|d| (d.code, d.text.as_str())).collect();
        assert_eq!(
            texts,
            [
                ("DS102", "Dropping table \"logs\""),
                ("DS103", "Dropping non-virtual column \"a\""),
                ("DS101", "Dropping non-empty schema \"s\" with 1 tables"),
            ]
        );
    }
}
