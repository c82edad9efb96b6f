//! `destructive` (DS101–DS103): dropped schemas, tables and non-virtual
//! columns lose data. An error by default, as in Atlas.

use strata_dialect_api::{Change, TableChange};

use crate::{Analyzer, Level, Raw, Subject, Unit};

/// The destructive-changes analyzer.
pub struct Destructive;

impl Analyzer for Destructive {
    fn name(&self) -> &'static str {
        "destructive"
    }

    fn codes(&self) -> &'static [&'static str] {
        &["DS101", "DS102", "DS103"]
    }

    fn default_level(&self) -> Level {
        Level::Error
    }

    fn analyze(&self, _: &Subject, units: &[Unit], _: &serde_json::Value) -> Vec<Raw> {
        let mut out = Vec::new();
        // A table created earlier in the same file holds no data yet.
        let mut created: Vec<(String, String)> = Vec::new();
        for (i, unit) in units.iter().enumerate() {
            for change in &unit.changes {
                match change {
                    Change::AddTable { schema, table } => created.push((schema.clone(), table.name.clone())),
                    Change::DropSchema { schema } => out.push(Raw::new(
                        "DS101",
                        i,
                        if schema.tables.is_empty() {
                            format!("Dropping schema {:?}", schema.name)
                        } else {
                            format!("Dropping non-empty schema {:?} with {} tables", schema.name, schema.tables.len())
                        },
                    )),
                    Change::DropTable { schema, table } if !created.contains(&(schema.clone(), table.name.clone())) => {
                        out.push(Raw::new("DS102", i, format!("Dropping table {:?}", table.name)).fix(format!(
                            "guard it with a pre-migration check that the table is empty (checks.sql: \
                                     SELECT NOT EXISTS (SELECT 1 FROM {}) ...), or move the data first",
                            table.name
                        )));
                    }
                    Change::ModifyTable { schema, to, changes, .. } => {
                        if created.contains(&(schema.clone(), to.name.clone())) {
                            continue;
                        }
                        for c in changes {
                            if let TableChange::DropColumn { column } = c
                                && column.generated.as_ref().is_none_or(|g| g.stored)
                            {
                                out.push(Raw::new(
                                    "DS103",
                                    i,
                                    format!("Dropping non-virtual column {:?}", column.name),
                                ));
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

#[cfg(test)]
mod tests {
    use super::*;
    use strata_dialect_api::{Column, Generated, Schema, Table};

    fn column(name: &str, generated: Option<Generated>) -> Column {
        Column { name: name.into(), ty: "int".into(), nullable: true, generated, ..Column::default() }
    }

    fn unit(changes: Vec<Change>) -> Unit {
        Unit { changes, ..Unit::default() }
    }

    #[test]
    fn drops_are_reported_with_atlas_codes() {
        let table = Table { name: "logs".into(), ..Table::default() };
        let units = vec![
            unit(vec![Change::DropTable { schema: "main".into(), table: table.clone() }]),
            unit(vec![Change::ModifyTable {
                schema: "main".into(),
                from: table.clone(),
                to: table.clone(),
                changes: vec![
                    TableChange::DropColumn { column: column("a", None) },
                    TableChange::DropColumn {
                        column: column("v", Some(Generated { expr: "a + 1".into(), stored: false })),
                    },
                ],
            }]),
            unit(vec![Change::DropSchema {
                schema: Schema { name: "s".into(), tables: vec![table], ..Schema::default() },
            }]),
            unit(vec![Change::AddTable { schema: "main".into(), table: Table::default() }]),
        ];
        let found = Destructive.analyze(&Subject::default(), &units, &serde_json::Value::Null);
        let texts: Vec<(&str, usize, &str)> = found.iter().map(|d| (d.code, d.unit, d.message.as_str())).collect();
        assert_eq!(
            texts,
            [
                ("DS102", 0, "Dropping table \"logs\""),
                ("DS103", 1, "Dropping non-virtual column \"a\""),
                ("DS101", 2, "Dropping non-empty schema \"s\" with 1 tables"),
            ]
        );
    }

    #[test]
    fn a_table_created_in_the_same_file_drops_quietly() {
        let table = Table { name: "tmp".into(), ..Table::default() };
        let units = vec![
            unit(vec![Change::AddTable { schema: "main".into(), table: table.clone() }]),
            unit(vec![Change::DropTable { schema: "main".into(), table }]),
        ];
        assert!(Destructive.analyze(&Subject::default(), &units, &serde_json::Value::Null).is_empty());
    }
}
