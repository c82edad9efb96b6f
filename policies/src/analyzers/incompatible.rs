//! `incompatible` (BC101, BC102): renames that break the applications still
//! reading the old name, though the migration itself succeeds.

use strata_dialect_api::{Change, TableChange};

use super::scope::{Scope, normalized};
use crate::{Analyzer, Raw, Subject, Unit};

/// The backward-incompatible-changes analyzer.
pub struct Incompatible;

impl Analyzer for Incompatible {
    fn name(&self) -> &'static str {
        "incompatible"
    }

    fn codes(&self) -> &'static [&'static str] {
        &["BC101", "BC102"]
    }

    fn analyze(&self, _: &Subject, units: &[Unit], _: &serde_json::Value) -> Vec<Raw> {
        let mut out = Vec::new();
        let mut scope = Scope::default();
        for (i, unit) in units.iter().enumerate() {
            // Judged before the unit is recorded: recording a rename would
            // move a new table's name, and its old name would look old.
            for change in &unit.changes {
                match change {
                    Change::RenameTable { schema, from, to }
                        if !scope.is_new(schema, from) && !view_follows(units, i, schema, from) =>
                    {
                        out.push(Raw::new("BC101", i, format!("Renaming table {from:?} to {to:?}")).fix(format!(
                            "keep readers of the old name working: create a view named {from:?} over {to:?} \
                                 right after the rename, and drop it once no application uses it"
                        )));
                    }
                    Change::ModifyTable { schema, to, changes, .. } if !scope.is_new(schema, &to.name) => {
                        for (old, new) in renamed_columns(&unit.sql, changes) {
                            if !added_back(&units[i..], schema, &to.name, old) {
                                out.push(Raw::new("BC102", i, format!("Renaming column {old:?} to {new:?}")).fix(
                                    format!(
                                        "keep readers of the old name working: add {old:?} back (e.g. as a \
                                         generated column over {new:?}) until no application uses it"
                                    ),
                                ));
                            }
                        }
                    }
                    _ => {}
                }
            }
            scope.see_unit(unit);
        }
        out
    }
}

/// A view with the renamed table's old name is created by the same unit or
/// the next one, so readers of the old name keep working.
fn view_follows(units: &[Unit], i: usize, schema: &str, old: &str) -> bool {
    units[i..]
        .iter()
        .take(2)
        .flat_map(|u| &u.changes)
        .any(|c| matches!(c, Change::AddView { schema: s, view } if s == schema && view.name == old))
}

/// The (old, new) column renames in a table's changes. The change model has
/// no rename: a dialect reports one as a column modified under a new name,
/// or (replaying a file) as the old column dropped and the new one added by
/// a statement that says RENAME.
fn renamed_columns<'a>(sql: &str, changes: &'a [TableChange]) -> Vec<(&'a str, &'a str)> {
    let mut out = Vec::new();
    for c in changes {
        if let TableChange::ModifyColumn { from, to, .. } = c
            && from.name != to.name
        {
            out.push((from.name.as_str(), to.name.as_str()));
        }
    }
    let sql = normalized(sql);
    // MySQL's CHANGE [COLUMN] old new type renames as well.
    if !(sql.contains(" rename ") || sql.contains(" change ")) {
        return out;
    }
    let dropped = changes.iter().filter_map(|c| match c {
        TableChange::DropColumn { column } => Some(column),
        _ => None,
    });
    let added: Vec<_> = changes
        .iter()
        .filter_map(|c| match c {
            TableChange::AddColumn { column } => Some(column),
            _ => None,
        })
        .collect();
    for old in dropped {
        // The new column is the added one of the same type (the only one,
        // when the statement renames a single column).
        let same: Vec<_> = added.iter().filter(|a| a.ty == old.ty).collect();
        if let [new] = same.as_slice() {
            out.push((old.name.as_str(), new.name.as_str()));
        }
    }
    out
}

/// The old column name is added back to the table by this unit or a later one.
fn added_back(units: &[Unit], schema: &str, table: &str, old: &str) -> bool {
    units.iter().flat_map(|u| &u.changes).any(|c| match c {
        Change::ModifyTable { schema: s, to, changes, .. } if s == schema && to.name == table => {
            changes.iter().any(|c| matches!(c, TableChange::AddColumn { column } if column.name == old))
        }
        _ => false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use strata_dialect_api::{Column, ColumnChange, Table, View};

    fn col(name: &str) -> Column {
        Column { name: name.into(), ty: "text".into(), nullable: true, ..Column::default() }
    }

    fn rename(from: &str, to: &str) -> Unit {
        Unit {
            changes: vec![Change::RenameTable { schema: "s".into(), from: from.into(), to: to.into() }],
            ..Unit::default()
        }
    }

    fn modify(sql: &str, changes: Vec<TableChange>) -> Unit {
        let t = Table { name: "t".into(), ..Table::default() };
        Unit {
            sql: sql.into(),
            changes: vec![Change::ModifyTable { schema: "s".into(), from: t.clone(), to: t, changes }],
            ..Unit::default()
        }
    }

    fn run(units: &[Unit]) -> Vec<(&'static str, usize, String)> {
        Incompatible
            .analyze(&Subject::default(), units, &serde_json::Value::Null)
            .into_iter()
            .map(|r| (r.code, r.unit, r.message))
            .collect()
    }

    #[test]
    fn bc101_table_rename() {
        assert_eq!(run(&[rename("users", "people")]), [("BC101", 0, "Renaming table \"users\" to \"people\"".into())]);
    }

    #[test]
    fn bc101_quiet_with_a_view_or_a_new_table() {
        let view = Unit {
            changes: vec![Change::AddView {
                schema: "s".into(),
                view: View { name: "users".into(), def: "SELECT * FROM people".into(), ..View::default() },
            }],
            ..Unit::default()
        };
        assert!(run(&[rename("users", "people"), view]).is_empty());
        let create = Unit {
            changes: vec![Change::AddTable {
                schema: "s".into(),
                table: Table { name: "tmp".into(), ..Table::default() },
            }],
            ..Unit::default()
        };
        assert!(run(&[create, rename("tmp", "users")]).is_empty());
    }

    #[test]
    fn bc102_column_rename_as_modify_or_drop_and_add() {
        let (a, b) = (col("name"), col("full_name"));
        let modified =
            TableChange::ModifyColumn { change: ColumnChange::between(&a, &b), from: a.clone(), to: b.clone() };
        assert_eq!(
            run(&[modify("", vec![modified])]),
            [("BC102", 0, "Renaming column \"name\" to \"full_name\"".into())]
        );
        let pair = vec![TableChange::DropColumn { column: a.clone() }, TableChange::AddColumn { column: b.clone() }];
        let sql = "ALTER TABLE t RENAME COLUMN name TO full_name";
        assert_eq!(run(&[modify(sql, pair.clone())])[0].0, "BC102");
        // Without RENAME it is a drop and an add (destructive's business).
        assert!(run(&[modify("ALTER TABLE t DROP name, ADD full_name text", pair.clone())]).is_empty());
        // Added back under the old name: readers keep working.
        let back = modify("ALTER TABLE t ADD name text", vec![TableChange::AddColumn { column: a }]);
        assert!(run(&[modify(sql, pair), back]).is_empty());
    }
}
