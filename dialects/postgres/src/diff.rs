//! Diffing two PostgreSQL realms into changes.
//!
//! Both sides normally come from inspection, where the server printed every
//! expression, so most elements compare as they are; SQL fragments (defaults,
//! predicates, view and function bodies) are compared re-tokenized so that
//! layout alone is never a change. PostgreSQL identifiers are case-sensitive
//! once folded, so names compare exactly.

use crate::inspect::is_constraint;
use crate::objects::{Alter, ENUM_USERS, EnumUser, Object, objects};
use crate::sql::{mentions, normalize, normalize_expr};
use strata_dialect_api::{
    Attr, Change, Check, Column, DiffOptions, ForeignKey, Generated, Index, IndexPart, PluginError, PrimaryKey, Realm,
    Schema, Table, TableChange, View,
};

/// Computes the changes turning `from` into `to`.
///
/// With `ignore_schema_names` and exactly one schema on each side, those two are
/// compared whatever their names (a dev database works in `public` while the
/// target is bound to another schema); the changes name `from`'s schema, the
/// one the plan runs against.
///
/// # Errors
/// Never today; the signature leaves room for elements that cannot be compared.
pub fn diff_realm(from: &Realm, to: &Realm, options: &DiffOptions) -> Result<Vec<Change>, PluginError> {
    if let Some((f, t)) = strata_dialect_kit::sole_schemas(from, to, options) {
        let mut changes = diff_schema(f, t, &f.name);
        let users = attach_enum_users(&[(f, t)], &mut changes);
        recreate_dependent_views(&[(f, t)], &users, &mut changes);
        return Ok(changes);
    }
    let (mut changes, pairs) = strata_dialect_kit::diff_schemas(from, to, |f, t| diff_schema(f, t, &f.name));
    let users = attach_enum_users(&pairs, &mut changes);
    recreate_dependent_views(&pairs, &users, &mut changes);
    Ok(changes)
}

/// Beside every enum type whose values change, the columns using it before and
/// after the plan, for a planner that must rebuild the type (values removed or
/// reordered, or a new value used in the same transaction); returns their
/// tables, whose views are recreated around a rebuild. A column names the type
/// unqualified when it lives in the home schema (`public`, or the only one
/// inspected). Columns dropped or retyped by the plan are left to it.
fn attach_enum_users(pairs: &[(&Schema, &Schema)], changes: &mut [Change]) -> Vec<String> {
    let single = pairs.len() == 1;
    let mut tables = Vec::new();
    for change in changes.iter_mut() {
        let Change::ModifySchema { from, to } = change else { continue };
        let before = objects(from);
        let changed: Vec<String> = objects(to)
            .into_iter()
            .filter_map(|o| match o {
                Object::Enum(e)
                    if before.iter().any(|b| matches!(b, Object::Enum(x) if x.name == e.name && *x != e)) =>
                {
                    Some(e.name)
                }
                _ => None,
            })
            .collect();
        let mut users = Vec::new();
        for name in &changed {
            for (schema, after) in pairs {
                for table in &schema.tables {
                    for column in &table.columns {
                        let kept = after.table(&table.name).and_then(|t| t.column(&column.name));
                        if kept.is_none_or(|c| c.ty != column.ty) {
                            continue;
                        }
                        let (base, array) = match column.ty.strip_suffix("[]") {
                            Some(b) => (b, true),
                            None => (column.ty.as_str(), false),
                        };
                        let (qualifier, ty) = match base.rsplit_once('.') {
                            Some((q, t)) => (Some(q.trim_matches('"')), t.trim_matches('"')),
                            None => (None, base.trim_matches('"')),
                        };
                        let ours = match qualifier {
                            Some(q) => q == from.name,
                            None => single || from.name == "public",
                        };
                        if ours && ty == name {
                            users.push(EnumUser {
                                ty: name.clone(),
                                schema: schema.name.clone(),
                                table: table.name.clone(),
                                column: column.name.clone(),
                                array,
                                default: column.default.clone(),
                            });
                        }
                    }
                }
            }
        }
        tables.extend(users.iter().map(|u: &EnumUser| u.table.clone()));
        if !users.is_empty() {
            from.attrs.push(Attr::Other {
                dialect: crate::objects::DIALECT.into(),
                name: ENUM_USERS.into(),
                value: serde_json::to_value(users).unwrap_or_default(),
            });
        }
    }
    tables
}

/// PostgreSQL refuses to change the type of a column a view reads, or to drop
/// a view another one reads: unchanged views over a retyped table or over a
/// view that is dropped or rewritten are dropped and created again around the
/// change (transitively). Views are matched by the names they mention, which
/// may recreate a view that did not need it, never miss one.
fn recreate_dependent_views(pairs: &[(&Schema, &Schema)], retyped: &[String], changes: &mut Vec<Change>) {
    let mut affected: Vec<String> = retyped.to_vec();
    for change in changes.iter() {
        match change {
            Change::ModifyTable { from, changes: table_changes, .. } => {
                let retyped = table_changes
                    .iter()
                    .any(|c| matches!(c, TableChange::ModifyColumn { change, .. } if change.ty || change.collation));
                if retyped {
                    affected.push(from.name.clone());
                }
            }
            Change::ModifyView { from: view, .. } | Change::DropView { view, .. } => affected.push(view.name.clone()),
            // A function whose return type changes is dropped and created again.
            Change::ModifySchema { from, to } => {
                let before = objects(from);
                for o in objects(to) {
                    if let Object::Function(t) = o
                        && before.iter().any(|b| matches!(b, Object::Function(f) if f.name == t.name && f.args == t.args && f.returns() != t.returns()))
                    {
                        affected.push(t.name.clone());
                    }
                }
            }
            _ => {}
        }
    }
    let changed = |changes: &[Change], schema: &str, name: &str| {
        changes.iter().any(|c| match c {
            Change::ModifyView { schema: s, from, .. } | Change::DropView { schema: s, view: from } => {
                s == schema && from.name == name
            }
            _ => false,
        })
    };
    loop {
        let mut added = false;
        for (f, t) in pairs {
            for view in &f.views {
                let Some(target) = t.view(&view.name) else { continue };
                if changed(changes, &f.name, &view.name) || !affected.iter().any(|a| mentions(&view.def, a)) {
                    continue;
                }
                changes.push(Change::ModifyView { schema: f.name.clone(), from: view.clone(), to: target.clone() });
                affected.push(view.name.clone());
                added = true;
            }
        }
        if !added {
            break;
        }
    }
}

fn diff_schema(from: &Schema, to: &Schema, name: &str) -> Vec<Change> {
    let schema = name.to_string();
    let mut changes = Vec::new();

    let comment = |s: &Schema| crate::inspect::attr_value(&s.attrs, "comment").cloned();
    if !diff_objects(&objects(from), &objects(to)).is_empty() || comment(from) != comment(to) {
        changes.push(Change::ModifySchema {
            from: Schema { name: schema.clone(), attrs: from.attrs.clone(), ..Schema::default() },
            to: Schema { name: schema.clone(), attrs: to.attrs.clone(), ..Schema::default() },
        });
    }

    changes.extend(strata_dialect_kit::diff_tables(from, to, &schema, diff_table));
    pair_partitions(&mut changes);

    changes.extend(strata_dialect_kit::diff_views(&schema, &from.views, &to.views, |f, t| !same_view(f, t)));

    // Trigger names are unique per table, not per schema.
    changes.extend(strata_dialect_kit::diff_triggers(
        &schema,
        &from.triggers,
        &to.triggers,
        |a, b| a.name == b.name && a.table == b.table,
        |f, t| normalize(&t.def) != normalize(&f.def),
    ));
    changes
}

fn same_view(from: &View, to: &View) -> bool {
    normalize(&from.def) == normalize(&to.def)
        && strata_dialect_kit::sorted_attrs(&from.attrs) == strata_dialect_kit::sorted_attrs(&to.attrs)
}

/// An object in comparable form.
fn norm_object(object: &Object) -> Object {
    match object {
        Object::Function(f) => {
            let mut f = f.clone();
            f.def = normalize(&f.def);
            Object::Function(f)
        }
        // The server picks an extension's version; comparing it would report
        // drift between databases of different server builds.
        Object::Extension(e) => {
            let mut e = e.clone();
            e.version = String::new();
            Object::Extension(e)
        }
        Object::Domain(d) => {
            let mut d = d.clone();
            d.default = d.default.as_deref().map(normalize);
            d.checks = d.checks.iter().map(|(n, c)| (n.clone(), normalize(c))).collect();
            Object::Domain(d)
        }
        other => other.clone(),
    }
}

pub(crate) fn diff_objects(from: &[Object], to: &[Object]) -> Alter {
    let mut alter = Alter::default();
    let find = |list: &[Object], o: &Object| list.iter().find(|x| x.kind() == o.kind() && x.key() == o.key()).cloned();
    for f in from {
        match find(to, f) {
            None => alter.drop.push(f.to_attr()),
            Some(t) if norm_object(f) != norm_object(&t) => alter.modify.push((f.to_attr(), t.to_attr())),
            Some(_) => {}
        }
    }
    for t in to {
        if find(from, t).is_none() {
            alter.add.push(t.to_attr());
        }
    }
    alter
}

/// Diffs two versions of one table.
pub(crate) fn diff_table(from: &Table, to: &Table) -> Vec<TableChange> {
    let mut changes =
        strata_dialect_kit::diff_columns(&from.columns, &to.columns, |a, b| a.name == b.name, norm_column);

    changes.extend(strata_dialect_kit::diff_primary_keys(from.primary_key.as_ref(), to.primary_key.as_ref(), norm_pk));

    for f in &from.indexes {
        match to.index(&f.name) {
            None => changes.push(TableChange::DropIndex { index: f.clone() }),
            Some(t) if norm_index(f) != norm_index(t) => {
                changes.push(TableChange::ModifyIndex { from: f.clone(), to: t.clone() });
            }
            Some(_) => {}
        }
    }
    for t in &to.indexes {
        if from.index(&t.name).is_none() {
            changes.push(TableChange::AddIndex { index: t.clone() });
        }
    }

    changes.extend(strata_dialect_kit::diff_foreign_keys(&from.foreign_keys, &to.foreign_keys, same_fk_key, norm_fk));
    changes.extend(strata_dialect_kit::diff_checks(&from.checks, &to.checks, same_check));

    if from.comment != to.comment
        || strata_dialect_kit::sorted_attrs(&from.attrs) != strata_dialect_kit::sorted_attrs(&to.attrs)
    {
        changes.push(TableChange::ModifyAttrs);
    }
    changes
}

/// The partitions of a partitioned table: name → bound.
pub(crate) fn partitions(attrs: &[Attr]) -> serde_json::Map<String, serde_json::Value> {
    match crate::inspect::attr_value(attrs, "partitions") {
        Some(serde_json::Value::Object(m)) => m.clone(),
        _ => serde_json::Map::new(),
    }
}

/// A partition that leaves its parent and stays as a table of the same name is
/// detached, not dropped and created (its rows stay); a table that becomes a
/// partition is attached. The parent's `to` says which (`detach` / `attach`,
/// diff-time only), and the table's own drop or add goes.
fn pair_partitions(changes: &mut Vec<Change>) {
    let mut moves: Vec<(String, String, bool)> = Vec::new(); // (parent, partition, detach)
    for c in changes.iter() {
        let Change::ModifyTable { from, to, .. } = c else { continue };
        let (before, after) = (partitions(&from.attrs), partitions(&to.attrs));
        for p in before.keys().filter(|p| !after.contains_key(*p)) {
            if changes.iter().any(|c| matches!(c, Change::AddTable { table, .. } if &table.name == p)) {
                moves.push((to.name.clone(), p.clone(), true));
            }
        }
        for p in after.keys().filter(|p| !before.contains_key(*p)) {
            if changes.iter().any(|c| matches!(c, Change::DropTable { table, .. } if &table.name == p)) {
                moves.push((to.name.clone(), p.clone(), false));
            }
        }
    }
    for (parent, part, detach) in moves {
        changes.retain(|c| match c {
            Change::AddTable { table, .. } if detach => table.name != part,
            Change::DropTable { table, .. } if !detach => table.name != part,
            _ => true,
        });
        for c in changes.iter_mut() {
            if let Change::ModifyTable { to, .. } = c
                && to.name == parent
            {
                let key = if detach { "detach" } else { "attach" };
                let mut list: Vec<serde_json::Value> =
                    crate::inspect::attr_value(&to.attrs, key).and_then(|v| v.as_array().cloned()).unwrap_or_default();
                list.push(serde_json::Value::from(part.clone()));
                to.attrs.retain(|a| !matches!(a, Attr::Other { name, .. } if name == key));
                to.attrs.push(crate::inspect::attr(key, list));
            }
        }
    }
}

fn norm_column(c: &Column) -> Column {
    Column {
        name: c.name.clone(),
        ty: c.ty.trim().to_string(),
        nullable: c.nullable,
        default: c.default.as_deref().map(normalize),
        collation: c.collation.clone(),
        generated: c.generated.as_ref().map(|g| Generated { expr: normalize(&g.expr), stored: g.stored }),
        comment: c.comment.clone(),
        attrs: strata_dialect_kit::sorted_attrs(&c.attrs),
    }
}

fn norm_part(p: &IndexPart) -> IndexPart {
    IndexPart {
        column: p.column.clone(),
        expr: p.expr.as_deref().map(normalize),
        desc: p.desc,
        collation: p.collation.clone(),
    }
}

fn norm_pk(k: &PrimaryKey) -> PrimaryKey {
    PrimaryKey {
        name: k.name.clone(),
        parts: k.parts.iter().map(norm_part).collect(),
        attrs: strata_dialect_kit::sorted_attrs(&k.attrs),
    }
}

fn norm_index(i: &Index) -> Index {
    Index {
        name: i.name.clone(),
        unique: i.unique || is_constraint(i),
        parts: i.parts.iter().map(norm_part).collect(),
        predicate: i.predicate.as_deref().map(normalize_expr),
        attrs: strata_dialect_kit::sorted_attrs(&i.attrs),
    }
}

/// Named keys match by name (PostgreSQL names every constraint); a key without
/// a name matches one with the same columns and referenced table.
fn same_fk_key(f: &ForeignKey, t: &ForeignKey) -> bool {
    match (&f.name, &t.name) {
        (Some(a), Some(b)) => a == b,
        _ => f.columns == t.columns && f.ref_table == t.ref_table && f.ref_schema == t.ref_schema,
    }
}

fn norm_fk(k: &ForeignKey) -> ForeignKey {
    let action = |a: &Option<String>| a.as_deref().map(str::to_uppercase).filter(|a| a != "NO ACTION");
    ForeignKey {
        attrs: k.attrs.clone(),
        name: None,
        columns: k.columns.clone(),
        ref_schema: k.ref_schema.clone(),
        ref_table: k.ref_table.clone(),
        ref_columns: k.ref_columns.clone(),
        on_update: action(&k.on_update),
        on_delete: action(&k.on_delete),
        deferrable: k
            .deferrable
            .as_deref()
            .map(|d| d.split_whitespace().collect::<Vec<_>>().join(" ").to_uppercase())
            .filter(|d| d != "NOT DEFERRABLE" && d != "NOT DEFERRABLE INITIALLY IMMEDIATE")
            .map(|d| if d == "DEFERRABLE" { "DEFERRABLE INITIALLY IMMEDIATE".into() } else { d }),
    }
}

fn same_check(f: &Check, t: &Check) -> bool {
    let names_agree = match (&f.name, &t.name) {
        (Some(a), Some(b)) => a == b,
        _ => true,
    };
    names_agree && normalize_expr(&f.expr) == normalize_expr(&t.expr) && f.attrs == t.attrs
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::objects::EnumType;
    use strata_dialect_api::ColumnChange;

    fn col(name: &str, ty: &str) -> Column {
        Column { name: name.into(), ty: ty.into(), nullable: true, ..Column::default() }
    }

    fn table(name: &str, columns: Vec<Column>) -> Table {
        Table { name: name.into(), columns, ..Table::default() }
    }

    fn realm(name: &str, tables: Vec<Table>) -> Realm {
        Realm { schemas: vec![Schema { name: name.into(), tables, ..Schema::default() }] }
    }

    #[test]
    fn table_diff_cases() {
        let base = table("t", vec![col("a", "integer"), col("b", "text")]);
        let idx = Index { name: "i".into(), parts: vec![IndexPart::column("b")], ..Index::default() };
        let cases: Vec<(&str, Table, Vec<TableChange>)> = vec![
            ("unchanged", base.clone(), vec![]),
            (
                "default added",
                table("t", vec![col("a", "integer"), Column { default: Some("'x'::text".into()), ..col("b", "text") }]),
                vec![TableChange::ModifyColumn {
                    from: col("b", "text"),
                    to: Column { default: Some("'x'::text".into()), ..col("b", "text") },
                    change: ColumnChange { default: true, ..ColumnChange::default() },
                }],
            ),
            (
                "type",
                table("t", vec![col("a", "bigint"), col("b", "text")]),
                vec![TableChange::ModifyColumn {
                    from: col("a", "integer"),
                    to: col("a", "bigint"),
                    change: ColumnChange { ty: true, ..ColumnChange::default() },
                }],
            ),
            (
                "add index",
                Table { indexes: vec![idx.clone()], ..base.clone() },
                vec![TableChange::AddIndex { index: idx }],
            ),
            ("comment", Table { comment: Some("c".into()), ..base.clone() }, vec![TableChange::ModifyAttrs]),
            (
                "check changed",
                Table {
                    checks: vec![Check { name: Some("c".into()), expr: "(a > 0)".into(), attrs: Vec::new() }],
                    ..base.clone()
                },
                vec![TableChange::AddCheck {
                    check: Check { name: Some("c".into()), expr: "(a > 0)".into(), attrs: Vec::new() },
                }],
            ),
        ];
        for (name, to, want) in cases {
            assert_eq!(diff_table(&base, &to), want, "{name}");
        }
        let spaced = table("t", vec![Column { default: Some("now( )".into()), ..col("a", "integer") }]);
        let tight = table("t", vec![Column { default: Some("now()".into()), ..col("a", "integer") }]);
        assert!(diff_table(&spaced, &tight).is_empty());
    }

    #[test]
    fn foreign_keys_compare_actions_in_normal_form() {
        let fk = |on_delete: Option<&str>, deferrable: Option<&str>| ForeignKey {
            name: Some("fk".into()),
            columns: vec!["a".into()],
            ref_table: "p".into(),
            ref_columns: vec!["id".into()],
            on_delete: on_delete.map(String::from),
            deferrable: deferrable.map(String::from),
            ..ForeignKey::default()
        };
        let t = |k: ForeignKey| Table { foreign_keys: vec![k], ..table("t", vec![col("a", "integer")]) };
        assert!(diff_table(&t(fk(Some("NO ACTION"), Some("NOT DEFERRABLE"))), &t(fk(None, None))).is_empty());
        assert_eq!(diff_table(&t(fk(None, None)), &t(fk(Some("CASCADE"), None))).len(), 1);
    }

    #[test]
    fn schemas_and_objects() {
        let from = realm("public", vec![table("a", vec![col("x", "integer")])]);
        let mut to = realm("public", vec![table("b", vec![col("x", "integer")])]);
        to.schemas[0]
            .attrs
            .push(Object::Enum(EnumType { name: "mood".into(), values: vec!["a".into()], comment: None }).to_attr());
        let changes = diff_realm(&from, &to, &DiffOptions::default()).unwrap();
        let kinds: Vec<String> = changes.iter().map(Change::describe).collect();
        assert_eq!(kinds, ["modify schema \"public\"", "drop table \"a\"", "create table \"b\""]);
        let Change::ModifySchema { from: before, to: after } = &changes[0] else { panic!() };
        assert_eq!(diff_objects(&objects(before), &objects(after)).add.len(), 1);

        let other = realm("other", vec![table("a", vec![col("x", "integer")])]);
        let options = DiffOptions { ignore_schema_names: true };
        assert!(diff_realm(&other, &from, &options).unwrap().is_empty());
        let changes = diff_realm(&other, &from, &DiffOptions::default()).unwrap();
        let kinds: Vec<String> = changes.iter().map(Change::describe).collect();
        assert_eq!(kinds, ["drop schema \"other\"", "add schema \"public\"", "create table \"a\""]);
    }
}
