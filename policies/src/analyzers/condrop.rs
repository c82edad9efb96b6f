//! `condrop` (CD101): a dropped foreign key loses a guarantee silently; the
//! data stays, but nothing keeps it consistent any more.

use strata_dialect_api::{Change, TableChange};

use super::scope::{Scope, quoted_list};
use crate::{Analyzer, Raw, Subject, Unit};

/// The constraint-deletion analyzer.
pub struct Condrop;

impl Analyzer for Condrop {
    fn name(&self) -> &'static str {
        "condrop"
    }

    fn codes(&self) -> &'static [&'static str] {
        &["CD101"]
    }

    fn analyze(&self, _: &Subject, units: &[Unit], _: &serde_json::Value) -> Vec<Raw> {
        let mut out = Vec::new();
        let mut scope = Scope::default();
        for (i, unit) in units.iter().enumerate() {
            scope.see_unit(unit);
            for change in &unit.changes {
                let Change::ModifyTable { schema, to, changes, .. } = change else { continue };
                // A constraint created by these units never guarded anything.
                if scope.is_new(schema, &to.name) {
                    continue;
                }
                for c in changes {
                    let TableChange::DropForeignKey { foreign_key: fk } = c else { continue };
                    // Dropping the key's columns drops the key with them (destructive's business).
                    let columns_dropped = fk.columns.iter().any(|name| {
                        changes.iter().any(|c| matches!(c, TableChange::DropColumn { column } if column.name == *name))
                    });
                    if columns_dropped {
                        continue;
                    }
                    let message = match &fk.name {
                        Some(name) => format!("Dropping foreign-key constraint {name:?}"),
                        None => {
                            let cols: Vec<&str> = fk.columns.iter().map(String::as_str).collect();
                            format!(
                                "Dropping the foreign-key constraint on {} of table {:?} (referencing {:?})",
                                quoted_list(&cols),
                                to.name,
                                fk.ref_table
                            )
                        }
                    };
                    out.push(Raw::new("CD101", i, message));
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use strata_dialect_api::{Column, ForeignKey, Table};

    fn fk(name: Option<&str>) -> ForeignKey {
        ForeignKey {
            name: name.map(Into::into),
            columns: vec!["user_id".into()],
            ref_table: "users".into(),
            ref_columns: vec!["id".into()],
            ..ForeignKey::default()
        }
    }

    fn modify(changes: Vec<TableChange>) -> Unit {
        let t = Table { name: "posts".into(), ..Table::default() };
        Unit {
            changes: vec![Change::ModifyTable { schema: "s".into(), from: t.clone(), to: t, changes }],
            ..Unit::default()
        }
    }

    fn run(units: &[Unit]) -> Vec<(&'static str, usize, String)> {
        Condrop
            .analyze(&Subject::default(), units, &serde_json::Value::Null)
            .into_iter()
            .map(|r| (r.code, r.unit, r.message))
            .collect()
    }

    #[test]
    fn cd101_dropped_foreign_key() {
        let drop = TableChange::DropForeignKey { foreign_key: fk(Some("posts_user_fk")) };
        assert_eq!(
            run(&[modify(vec![drop])]),
            [("CD101", 0, "Dropping foreign-key constraint \"posts_user_fk\"".into())]
        );
        let unnamed = TableChange::DropForeignKey { foreign_key: fk(None) };
        assert_eq!(
            run(&[modify(vec![unnamed])])[0].2,
            "Dropping the foreign-key constraint on \"user_id\" of table \"posts\" (referencing \"users\")"
        );
    }

    #[test]
    fn cd101_quiet_with_its_column_or_on_a_new_table() {
        let column = Column { name: "user_id".into(), ty: "int".into(), ..Column::default() };
        let both = vec![TableChange::DropForeignKey { foreign_key: fk(Some("f")) }, TableChange::DropColumn { column }];
        assert!(run(&[modify(both)]).is_empty());
        let create = Unit {
            changes: vec![Change::AddTable {
                schema: "s".into(),
                table: Table { name: "posts".into(), ..Table::default() },
            }],
            ..Unit::default()
        };
        let drop = TableChange::DropForeignKey { foreign_key: fk(Some("f")) };
        assert!(run(&[create, modify(vec![drop])]).is_empty());
    }
}
