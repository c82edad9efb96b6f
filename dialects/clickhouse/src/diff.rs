//! Diffing two ClickHouse realms into changes.
//!
//! Both sides normally come from inspection (a desired state is inspected
//! from a dev database), so the server's own spellings are compared: types
//! exactly, SQL fragments (defaults, `MATERIALIZED`/`ALIAS` expressions, engine
//! clauses, view bodies) re-tokenized so that layout alone is never a change.
//!
//! Column order is not compared: ClickHouse 18.16 cannot move a column
//! (`MODIFY COLUMN … AFTER` does not exist) and keeps ordinary, `MATERIALIZED`
//! and `ALIAS` columns in separate lists whatever the order written. New
//! columns are placed after their predecessor by the planner.
//!
//! The model's primary keys, indexes, foreign keys, checks and triggers have
//! no ClickHouse counterpart: a difference in them is reported as a change,
//! which the planner refuses.

use crate::attrs::DIALECT;
use crate::sql::normalize;
use crate::types::{column_type, is_nullable};
use strata_dialect_api::{Attr, Change, Column, DiffOptions, PluginError, Realm, Schema, Table, TableChange, View};
use strata_dialect_kit::{
    diff_checks, diff_columns, diff_foreign_keys, diff_primary_keys, diff_schemas, diff_tables, diff_triggers,
    diff_views, pair_up, sole_schemas, sorted_attrs,
};

/// Computes the changes turning `from` into `to`.
///
/// With `ignore_schema_names` and one database on each side, those two are
/// compared whatever their names (a dev database against the bound target);
/// the changes name `from`'s database.
///
/// # Errors
/// Never today; the signature leaves room for elements that cannot be compared.
pub fn diff_realm(from: &Realm, to: &Realm, options: &DiffOptions) -> Result<Vec<Change>, PluginError> {
    if let Some((f, t)) = sole_schemas(from, to, options) {
        return Ok(diff_schema(f, t, &f.name));
    }
    let (changes, _) = diff_schemas(from, to, |f, t| diff_schema(f, t, &f.name));
    Ok(changes)
}

fn diff_schema(from: &Schema, to: &Schema, name: &str) -> Vec<Change> {
    let mut changes = diff_tables(from, to, name, diff_table);
    changes.extend(diff_views(name, &from.views, &to.views, |f, t| norm_view(f) != norm_view(t)));
    changes.extend(diff_triggers(name, &from.triggers, &to.triggers, |a, b| a.name == b.name, |f, t| f != t));
    changes
}

/// A column as it compares: a model's nullable column as `Nullable(…)`,
/// fragments normalized, an empty comment as none.
pub(crate) fn norm_column(column: &Column) -> Column {
    let mut c = column.clone();
    c.ty = column_type(&c.ty, c.nullable);
    c.nullable = is_nullable(&c.ty);
    c.default = c.default.as_deref().map(normalize);
    if let Some(g) = &mut c.generated {
        g.expr = normalize(&g.expr);
    }
    c.comment = c.comment.filter(|c| !c.is_empty());
    c.attrs = sorted_attrs(&c.attrs);
    c
}

/// Attributes as they compare: ClickHouse's string values normalized, in a
/// canonical order.
pub(crate) fn norm_attrs(attrs: &[Attr]) -> Vec<Attr> {
    let attrs: Vec<Attr> = attrs
        .iter()
        .map(|a| match a {
            Attr::Other { dialect, name, value } if dialect == DIALECT => Attr::Other {
                dialect: dialect.clone(),
                name: name.clone(),
                value: value.as_str().map_or_else(|| value.clone(), |s| normalize(s).into()),
            },
            other => other.clone(),
        })
        .collect();
    sorted_attrs(&attrs)
}

fn norm_view(view: &View) -> (String, Vec<Attr>) {
    (normalize(&view.def), norm_attrs(&view.attrs))
}

fn diff_table(from: &Table, to: &Table) -> Vec<TableChange> {
    let mut changes = diff_columns(&from.columns, &to.columns, |a, b| a.name == b.name, norm_column);
    changes.extend(diff_primary_keys(from.primary_key.as_ref(), to.primary_key.as_ref(), Clone::clone));
    let (pairs, added) = pair_up(&from.indexes, &to.indexes, |a, b| a.name == b.name);
    for (f, t) in pairs {
        match t {
            None => changes.push(TableChange::DropIndex { index: f.clone() }),
            Some(t) if f != t => changes.push(TableChange::ModifyIndex { from: f.clone(), to: t.clone() }),
            Some(_) => {}
        }
    }
    changes.extend(added.into_iter().map(|i| TableChange::AddIndex { index: i.clone() }));
    changes.extend(diff_foreign_keys(&from.foreign_keys, &to.foreign_keys, |a, b| a.name == b.name, Clone::clone));
    changes.extend(diff_checks(&from.checks, &to.checks, |a, b| a == b));
    let comment = |t: &Table| t.comment.clone().filter(|c| !c.is_empty());
    if norm_attrs(&from.attrs) != norm_attrs(&to.attrs) || comment(from) != comment(to) {
        changes.push(TableChange::ModifyAttrs);
    }
    changes
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::attrs::ATTRS;
    use strata_dialect_api::Generated;

    fn col(name: &str, ty: &str) -> Column {
        Column { name: name.into(), ty: ty.into(), nullable: is_nullable(ty), ..Column::default() }
    }

    fn table(columns: Vec<Column>, order_by: &str) -> Table {
        Table {
            name: "t".into(),
            columns,
            attrs: vec![ATTRS.attr("engine", "MergeTree"), ATTRS.attr("order_by", order_by)],
            ..Table::default()
        }
    }

    #[test]
    fn layout_and_order_are_not_changes() {
        let mut a = col("a", "UInt8");
        a.default = Some("CAST(1,  'UInt8')".into());
        let mut b = col("b", "String");
        b.generated = Some(Generated { expr: "toString(a)".into(), stored: false });
        let from = table(vec![a.clone(), b.clone()], "(a,  b)");
        let mut a2 = a.clone();
        a2.default = Some("CAST(1, 'UInt8')".into());
        let to = table(vec![b, a2], "(a, b)");
        assert!(diff_table(&from, &to).is_empty());
    }

    #[test]
    fn columns_and_keys_change() {
        let from = table(vec![col("a", "UInt8"), col("b", "String")], "a");
        let mut to = table(vec![col("a", "UInt16"), col("c", "Nullable(String)")], "(a, c)");
        to.columns[0].comment = Some("x".into());
        let changes = diff_table(&from, &to);
        assert!(
            matches!(&changes[0], TableChange::ModifyColumn { change, .. } if change.ty && change.comment && !change.null)
        );
        assert!(matches!(&changes[1], TableChange::DropColumn { column } if column.name == "b"));
        assert!(matches!(&changes[2], TableChange::AddColumn { column } if column.name == "c" && column.nullable));
        assert!(matches!(changes[3], TableChange::ModifyAttrs));
        assert_eq!(changes.len(), 4);
    }
}
