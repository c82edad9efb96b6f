//! Diffing two inspected states of the `main` schema.

use crate::inspect::{SCHEMA, is_constraint};
use crate::sql::normalize_type;
use strata_dialect_api::{
    Change, Column, ColumnChange, DiffOptions, ErrorKind, ForeignKey, Index, PluginError, PrimaryKey, Realm, Schema,
    Table, TableChange, View,
};

/// The changes turning `from` into `to`. Both usually come from DuckDB's own
/// catalog (a desired state is SQL run on a dev database, then inspected), but
/// type spellings are compared normalized all the same.
///
/// # Errors
/// [`ErrorKind::Unsupported`] when either side holds a schema other than `main`.
pub fn diff(from: &Realm, to: &Realm, options: &DiffOptions) -> Result<Vec<Change>, PluginError> {
    let empty = Schema { name: SCHEMA.into(), ..Schema::default() };
    let one = |realm: &Realm| -> Result<Schema, PluginError> {
        match realm.schemas.as_slice() {
            [] => Ok(empty.clone()),
            [s] if s.name == SCHEMA || options.ignore_schema_names => Ok(s.clone()),
            _ => Err(PluginError::new(
                ErrorKind::Unsupported,
                format!(
                    "the duckdb plugin manages the schema \"main\" only, not {:?}",
                    realm.schemas.iter().map(|s| s.name.as_str()).collect::<Vec<_>>()
                ),
            )),
        }
    };
    let (from, to) = (one(from)?, one(to)?);
    let schema = || SCHEMA.to_string();
    let mut changes = Vec::new();
    for view in &from.views {
        match to.view(&view.name) {
            None => changes.push(Change::DropView { schema: schema(), view: view.clone() }),
            Some(other) if !same_view(view, other) => {
                changes.push(Change::ModifyView { schema: schema(), from: view.clone(), to: other.clone() });
            }
            Some(_) => {}
        }
    }
    for table in &from.tables {
        if to.table(&table.name).is_none() {
            changes.push(Change::DropTable { schema: schema(), table: table.clone() });
        }
    }
    for table in &to.tables {
        match from.table(&table.name) {
            None => changes.push(Change::AddTable { schema: schema(), table: table.clone() }),
            Some(old) => {
                let table_changes = diff_table(old, table);
                if !table_changes.is_empty() {
                    changes.push(Change::ModifyTable {
                        schema: schema(),
                        from: old.clone(),
                        to: table.clone(),
                        changes: table_changes,
                    });
                }
            }
        }
    }
    for view in &to.views {
        if from.view(&view.name).is_none() {
            changes.push(Change::AddView { schema: schema(), view: view.clone() });
        }
    }
    if let Some(trigger) = from.triggers.first().or(to.triggers.first()) {
        return Err(PluginError::new(ErrorKind::Unsupported, format!("DuckDB has no triggers ({:?})", trigger.name)));
    }
    Ok(changes)
}

fn same_view(a: &View, b: &View) -> bool {
    let norm = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ").trim_end_matches(';').to_string();
    norm(&a.def) == norm(&b.def)
}

/// What differs between two columns, types compared normalized.
pub fn column_change(from: &Column, to: &Column) -> ColumnChange {
    let default = |c: &Column| c.default.as_deref().map(str::trim).map(String::from);
    ColumnChange {
        ty: normalize_type(&from.ty) != normalize_type(&to.ty),
        null: from.nullable != to.nullable,
        default: default(from) != default(to),
        collation: from.collation != to.collation,
        generated: from.generated != to.generated,
        // Comments and attributes are not inspected: nothing to compare.
        comment: false,
        attrs: false,
    }
}

fn pk_columns(pk: Option<&PrimaryKey>) -> Option<Vec<Option<String>>> {
    pk.map(|k| k.parts.iter().map(|p| p.column.clone().or_else(|| p.expr.clone())).collect())
}

fn same_index(a: &Index, b: &Index) -> bool {
    a.unique == b.unique && a.parts == b.parts && a.predicate == b.predicate && is_constraint(a) == is_constraint(b)
}

fn same_fk(a: &ForeignKey, b: &ForeignKey) -> bool {
    let action =
        |s: &Option<String>| s.as_deref().map(str::to_ascii_uppercase).filter(|s| s != "NO ACTION" && s != "RESTRICT");
    a.columns == b.columns
        && a.ref_table == b.ref_table
        && a.ref_columns == b.ref_columns
        && action(&a.on_delete) == action(&b.on_delete)
        && action(&a.on_update) == action(&b.on_update)
}

/// The changes inside one table.
pub fn diff_table(from: &Table, to: &Table) -> Vec<TableChange> {
    let mut out = Vec::new();
    for col in &from.columns {
        match to.column(&col.name) {
            None => out.push(TableChange::DropColumn { column: col.clone() }),
            Some(other) => {
                let change = column_change(col, other);
                if !change.is_empty() {
                    out.push(TableChange::ModifyColumn { from: col.clone(), to: other.clone(), change });
                }
            }
        }
    }
    for col in &to.columns {
        if from.column(&col.name).is_none() {
            out.push(TableChange::AddColumn { column: col.clone() });
        }
    }
    match (&from.primary_key, &to.primary_key) {
        (None, Some(key)) => out.push(TableChange::AddPrimaryKey { key: key.clone() }),
        (Some(key), None) => out.push(TableChange::DropPrimaryKey { key: key.clone() }),
        (Some(a), Some(b)) if pk_columns(Some(a)) != pk_columns(Some(b)) => {
            out.push(TableChange::ModifyPrimaryKey { from: a.clone(), to: b.clone() });
        }
        _ => {}
    }
    for index in &from.indexes {
        match to.index(&index.name) {
            None => out.push(TableChange::DropIndex { index: index.clone() }),
            Some(other) if !same_index(index, other) => {
                out.push(TableChange::ModifyIndex { from: index.clone(), to: other.clone() });
            }
            Some(_) => {}
        }
    }
    for index in &to.indexes {
        if from.index(&index.name).is_none() {
            out.push(TableChange::AddIndex { index: index.clone() });
        }
    }
    for fk in &from.foreign_keys {
        if !to.foreign_keys.iter().any(|o| same_fk(fk, o)) {
            out.push(TableChange::DropForeignKey { foreign_key: fk.clone() });
        }
    }
    for fk in &to.foreign_keys {
        if !from.foreign_keys.iter().any(|o| same_fk(fk, o)) {
            out.push(TableChange::AddForeignKey { foreign_key: fk.clone() });
        }
    }
    let expr = |c: &strata_dialect_api::Check| c.expr.split_whitespace().collect::<Vec<_>>().join(" ");
    for check in &from.checks {
        if !to.checks.iter().any(|o| expr(o) == expr(check)) {
            out.push(TableChange::DropCheck { check: check.clone() });
        }
    }
    for check in &to.checks {
        if !from.checks.iter().any(|o| expr(o) == expr(check)) {
            out.push(TableChange::AddCheck { check: check.clone() });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn col(name: &str, ty: &str, nullable: bool) -> Column {
        Column { name: name.into(), ty: ty.into(), nullable, ..Column::default() }
    }

    #[test]
    fn same_state_has_no_changes_and_types_normalize() {
        let table = Table { name: "t".into(), columns: vec![col("a", "INTEGER", false)], ..Table::default() };
        let realm =
            Realm { schemas: vec![Schema { name: "main".into(), tables: vec![table.clone()], ..Schema::default() }] };
        assert!(diff(&realm, &realm, &DiffOptions::default()).unwrap().is_empty());
        let mut other = table.clone();
        other.columns[0].ty = "int".into();
        assert!(diff_table(&table, &other).is_empty());
        other.columns[0].ty = "bigint".into();
        other.columns.push(col("b", "VARCHAR", true));
        let changes = diff_table(&table, &other);
        assert_eq!(changes.len(), 2, "{changes:?}");
    }
}
