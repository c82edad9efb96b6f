//! Diffing two SQLite realms into changes.
//!
//! Elements are compared in a normalized form (types lower-cased, SQL fragments
//! re-tokenized, `NO ACTION` dropped, collation names case-folded), so that a
//! schema applied and inspected again diffs as empty.

use crate::inspect::{is_constraint, normalize_action};
use crate::plan::needs_rebuild;
use crate::sql::normalize;
use crate::types::normalize_type;
use strata_dialect_api::{
    Change, Check, Column, DiffOptions, ForeignKey, Index, IndexPart, PluginError, PrimaryKey, Realm, Schema, Table,
    TableChange, Trigger, View,
};

/// Computes the changes turning `from` into `to`.
///
/// # Errors
/// When the schemas cannot be compared.
pub fn diff_realm(from: &Realm, to: &Realm, options: &DiffOptions) -> Result<Vec<Change>, PluginError> {
    let pick = |realm: &Realm| -> Option<Schema> {
        if options.ignore_schema_names { realm.schemas.first().cloned() } else { realm.schema("main").cloned() }
    };
    let from = pick(from).unwrap_or_else(|| Schema { name: "main".into(), ..Schema::default() });
    let to = pick(to).unwrap_or_else(|| Schema { name: "main".into(), ..Schema::default() });
    Ok(diff_schema(&from, &to))
}

/// Diffs one schema. Changes are listed drops of views and triggers first, then
/// tables, then creations; the planner orders statements by dependency anyway.
pub(crate) fn diff_schema(from: &Schema, to: &Schema) -> Vec<Change> {
    let schema = to.name.clone();
    let mut tables = Vec::new();
    // Tables rebuilt and views recreated by the plan lose their triggers
    // (DROP TABLE and DROP VIEW drop them): those triggers are recreated.
    let mut rebuilt: Vec<String> = Vec::new();
    for f in &from.tables {
        match find_table(to, &f.name) {
            None => tables.push(Change::DropTable { schema: schema.clone(), table: f.clone() }),
            Some(t) => {
                let changes = diff_table(f, t);
                if !changes.is_empty() {
                    if needs_rebuild(f, t, &changes) {
                        rebuilt.push(t.name.to_lowercase());
                    }
                    tables.push(Change::ModifyTable {
                        schema: schema.clone(),
                        from: f.clone(),
                        to: t.clone(),
                        changes,
                    });
                }
            }
        }
    }
    force_rebuilds_of_acting_children(from, to, &schema, &mut tables, &mut rebuilt);
    for t in &to.tables {
        if find_table(from, &t.name).is_none() {
            tables.push(Change::AddTable { schema: schema.clone(), table: t.clone() });
        }
    }

    let mut view_changes = Vec::new();
    let mut view_creates = Vec::new();
    for f in &from.views {
        match to.views.iter().find(|v| v.name.eq_ignore_ascii_case(&f.name)) {
            None => view_changes.push(Change::DropView { schema: schema.clone(), view: f.clone() }),
            Some(t) if !same_view(f, t) => {
                // DROP VIEW drops the INSTEAD OF triggers on it too.
                rebuilt.push(t.name.to_lowercase());
                view_changes.push(Change::ModifyView { schema: schema.clone(), from: f.clone(), to: t.clone() });
            }
            Some(_) => {}
        }
    }
    for t in &to.views {
        if !from.views.iter().any(|f| f.name.eq_ignore_ascii_case(&t.name)) {
            view_creates.push(Change::AddView { schema: schema.clone(), view: t.clone() });
        }
    }
    let mut changes = Vec::new();
    let mut creates = Vec::new();
    for f in &from.triggers {
        match to.triggers.iter().find(|t| t.name.eq_ignore_ascii_case(&f.name)) {
            None => changes.push(Change::DropTrigger { schema: schema.clone(), trigger: f.clone() }),
            Some(t) if !same_trigger(f, t) || rebuilt.contains(&t.table.to_lowercase()) => {
                changes.push(Change::ModifyTrigger { schema: schema.clone(), from: f.clone(), to: t.clone() });
            }
            Some(_) => {}
        }
    }
    for t in &to.triggers {
        if !from.triggers.iter().any(|f| f.name.eq_ignore_ascii_case(&t.name)) {
            creates.push(Change::AddTrigger { schema: schema.clone(), trigger: t.clone() });
        }
    }
    changes.extend(view_changes);
    changes.extend(tables);
    changes.extend(view_creates);
    changes.extend(creates);
    changes
}

/// Rebuilding a table drops it, and with foreign keys enforced `DROP TABLE`
/// deletes its rows first: the `ON DELETE CASCADE`, `SET NULL` and `SET DEFAULT`
/// actions of the tables referencing it then act on their rows, deferred checks
/// or not (https://sqlite.org/foreignkeys.html#fk_schemacommands), and
/// `PRAGMA foreign_keys = off` cannot stop it inside a transaction. So such a
/// child is rebuilt too, its key recreated unchanged, and the plan drops it
/// before its parent and brings it back after. Its own such children follow.
fn force_rebuilds_of_acting_children(
    from: &Schema,
    to: &Schema,
    schema: &str,
    tables: &mut Vec<Change>,
    rebuilt: &mut Vec<String>,
) {
    let acts = |fk: &ForeignKey| {
        fk.on_delete
            .as_deref()
            .and_then(normalize_action)
            .is_some_and(|a| matches!(a.as_str(), "CASCADE" | "SET NULL" | "SET DEFAULT"))
    };
    loop {
        let mut forced = false;
        for f in &from.tables {
            let name = f.name.to_lowercase();
            let Some(t) = find_table(to, &f.name).filter(|_| !rebuilt.contains(&name)) else {
                continue;
            };
            let keys: Vec<TableChange> = f
                .foreign_keys
                .iter()
                .filter(|fk| acts(fk) && rebuilt.contains(&fk.ref_table.to_lowercase()))
                .filter_map(|fk| {
                    // A key dropped or changed already makes this table a rebuild.
                    let new = t.foreign_keys.iter().find(|n| same_fk_key(fk, n))?;
                    Some(TableChange::ModifyForeignKey { from: fk.clone(), to: new.clone() })
                })
                .collect();
            if keys.is_empty() {
                continue;
            }
            let existing = tables.iter_mut().find_map(|c| match c {
                Change::ModifyTable { to, changes, .. } if to.name.eq_ignore_ascii_case(&f.name) => Some(changes),
                _ => None,
            });
            match existing {
                Some(changes) => changes.extend(keys),
                None => tables.push(Change::ModifyTable {
                    schema: schema.to_string(),
                    from: f.clone(),
                    to: t.clone(),
                    changes: keys,
                }),
            }
            rebuilt.push(name);
            forced = true;
        }
        if !forced {
            break;
        }
    }
}

fn find_table<'a>(schema: &'a Schema, name: &str) -> Option<&'a Table> {
    schema.tables.iter().find(|t| t.name.eq_ignore_ascii_case(name))
}

fn same_view(from: &View, to: &View) -> bool {
    normalize(&from.def) == normalize(&to.def) && from.attrs == to.attrs
}

fn same_trigger(from: &Trigger, to: &Trigger) -> bool {
    normalize(&from.def) == normalize(&to.def) && from.table.eq_ignore_ascii_case(&to.table)
}

/// Diffs two versions of one table.
pub(crate) fn diff_table(from: &Table, to: &Table) -> Vec<TableChange> {
    let same = |a: &Column, b: &Column| a.name.eq_ignore_ascii_case(&b.name);
    let mut changes = strata_dialect_kit::diff_columns(&from.columns, &to.columns, same, norm_column);

    changes.extend(strata_dialect_kit::diff_primary_keys(from.primary_key.as_ref(), to.primary_key.as_ref(), norm_pk));

    for f in &from.indexes {
        match to.indexes.iter().find(|t| same_index_key(f, t)) {
            None => changes.push(TableChange::DropIndex { index: f.clone() }),
            Some(t) if norm_index(f) != norm_index(t) => {
                changes.push(TableChange::ModifyIndex { from: f.clone(), to: t.clone() });
            }
            Some(_) => {}
        }
    }
    for t in &to.indexes {
        if !from.indexes.iter().any(|f| same_index_key(f, t)) {
            changes.push(TableChange::AddIndex { index: t.clone() });
        }
    }

    changes.extend(strata_dialect_kit::diff_foreign_keys(&from.foreign_keys, &to.foreign_keys, same_fk_key, norm_fk));
    changes.extend(strata_dialect_kit::diff_checks(&from.checks, &to.checks, same_check));

    // SQLite keeps no comments: comparing them would report a change forever.
    if strata_dialect_kit::sorted_attrs(&from.attrs) != strata_dialect_kit::sorted_attrs(&to.attrs) {
        changes.push(TableChange::ModifyAttrs);
    }
    changes
}

/// A column in comparable form. Comments are dropped: SQLite cannot store them.
fn norm_column(c: &Column) -> Column {
    Column {
        name: c.name.to_lowercase(),
        ty: normalize_type(&c.ty),
        nullable: c.nullable,
        default: c.default.as_deref().map(normalize),
        collation: c.collation.as_deref().map(str::to_uppercase),
        generated: c
            .generated
            .as_ref()
            .map(|g| strata_dialect_api::Generated { expr: normalize(&g.expr), stored: g.stored }),
        comment: None,
        attrs: c.attrs.clone(),
    }
}

fn norm_part(p: &IndexPart) -> IndexPart {
    IndexPart {
        column: p.column.as_deref().map(str::to_lowercase),
        expr: p.expr.as_deref().map(normalize),
        desc: p.desc,
        collation: p.collation.as_deref().map(str::to_uppercase),
    }
}

/// The name is left out: SQLite does not keep primary-key constraint names.
fn norm_pk(k: &PrimaryKey) -> PrimaryKey {
    PrimaryKey {
        name: None,
        parts: k.parts.iter().map(norm_part).collect(),
        attrs: strata_dialect_kit::sorted_attrs(&k.attrs),
    }
}

fn norm_index(i: &Index) -> Index {
    Index {
        name: if is_constraint(i) { String::new() } else { i.name.to_lowercase() },
        unique: i.unique,
        parts: i.parts.iter().map(norm_part).collect(),
        predicate: i.predicate.as_deref().map(normalize),
        attrs: strata_dialect_kit::sorted_attrs(&i.attrs),
    }
}

/// Named indexes match by name; indexes backing `UNIQUE` constraints have
/// generated names (`sqlite_autoindex_t_N`, numbered by position), so they match
/// by their columns instead.
fn same_index_key(f: &Index, t: &Index) -> bool {
    match (is_constraint(f), is_constraint(t)) {
        (true, true) => norm_index(f).parts == norm_index(t).parts,
        (false, false) => f.name.eq_ignore_ascii_case(&t.name),
        _ => false,
    }
}

fn same_fk_key(f: &ForeignKey, t: &ForeignKey) -> bool {
    let names_agree = match (&f.name, &t.name) {
        (Some(a), Some(b)) => a.eq_ignore_ascii_case(b),
        _ => true,
    };
    names_agree && lower(&f.columns) == lower(&t.columns) && f.ref_table.eq_ignore_ascii_case(&t.ref_table)
}

fn norm_fk(k: &ForeignKey) -> ForeignKey {
    ForeignKey {
        attrs: k.attrs.clone(),
        // Unnamed and named keys are equivalent: only a rename would differ, and SQLite cannot rename.
        name: None,
        columns: lower(&k.columns),
        ref_schema: None,
        ref_table: k.ref_table.to_lowercase(),
        ref_columns: lower(&k.ref_columns),
        on_update: k.on_update.as_deref().and_then(normalize_action),
        on_delete: k.on_delete.as_deref().and_then(normalize_action),
        deferrable: k.deferrable.as_deref().and_then(normalize_deferrable),
    }
}

/// Only `DEFERRABLE INITIALLY DEFERRED` changes behaviour in SQLite; a plain
/// `DEFERRABLE`, `INITIALLY IMMEDIATE` and `NOT DEFERRABLE` all act as immediate.
/// https://www.sqlite.org/foreignkeys.html#fk_deferred
fn normalize_deferrable(clause: &str) -> Option<String> {
    let clause = clause.split_whitespace().collect::<Vec<_>>().join(" ").to_uppercase();
    (clause == "DEFERRABLE INITIALLY DEFERRED").then_some(clause)
}

fn same_check(f: &Check, t: &Check) -> bool {
    let names_agree = match (&f.name, &t.name) {
        (Some(a), Some(b)) => a.eq_ignore_ascii_case(b),
        _ => true,
    };
    names_agree && normalize(&f.expr) == normalize(&t.expr)
}

fn lower(names: &[String]) -> Vec<String> {
    names.iter().map(|n| n.to_lowercase()).collect()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use strata_dialect_api::{Attr, ColumnChange, Generated};

    fn col(name: &str, ty: &str) -> Column {
        Column { name: name.into(), ty: ty.into(), nullable: true, ..Column::default() }
    }

    fn table(name: &str, columns: Vec<Column>) -> Table {
        Table { name: name.into(), columns, ..Table::default() }
    }

    fn realm(tables: Vec<Table>) -> Realm {
        Realm { schemas: vec![Schema { name: "main".into(), tables, ..Schema::default() }] }
    }

    fn table_changes(from: Table, to: Table) -> Vec<TableChange> {
        diff_table(&from, &to)
    }

    #[test]
    fn table_diff_cases() {
        let base = table("t", vec![col("a", "integer"), col("b", "text")]);
        let idx = Index { name: "i".into(), parts: vec![IndexPart::column("b")], ..Index::default() };
        let cases: Vec<(&str, Table, Vec<TableChange>)> = vec![
            ("unchanged", base.clone(), vec![]),
            ("type case is not a change", table("t", vec![col("a", "INTEGER"), col("b", "TEXT")]), vec![]),
            (
                "add column",
                table("t", vec![col("a", "integer"), col("b", "text"), col("c", "int")]),
                vec![TableChange::AddColumn { column: col("c", "int") }],
            ),
            (
                "drop column",
                table("t", vec![col("a", "integer")]),
                vec![TableChange::DropColumn { column: col("b", "text") }],
            ),
            (
                "null and default",
                table(
                    "t",
                    vec![
                        col("a", "integer"),
                        Column { nullable: false, default: Some("'x'".into()), ..col("b", "text") },
                    ],
                ),
                vec![TableChange::ModifyColumn {
                    from: col("b", "text"),
                    to: Column { nullable: false, default: Some("'x'".into()), ..col("b", "text") },
                    change: ColumnChange { null: true, default: true, ..ColumnChange::default() },
                }],
            ),
            (
                "add index",
                Table { indexes: vec![idx.clone()], ..base.clone() },
                vec![TableChange::AddIndex { index: idx.clone() }],
            ),
            (
                "add primary key",
                Table {
                    primary_key: Some(PrimaryKey { parts: vec![IndexPart::column("a")], ..PrimaryKey::default() }),
                    ..base.clone()
                },
                vec![TableChange::AddPrimaryKey {
                    key: PrimaryKey { parts: vec![IndexPart::column("a")], ..PrimaryKey::default() },
                }],
            ),
            (
                "add check",
                Table {
                    checks: vec![Check { name: Some("c".into()), expr: "a > 0".into(), attrs: Vec::new() }],
                    ..base.clone()
                },
                vec![TableChange::AddCheck {
                    check: Check { name: Some("c".into()), expr: "a > 0".into(), attrs: Vec::new() },
                }],
            ),
            (
                "without rowid",
                Table { attrs: vec![Attr::WithoutRowid], ..base.clone() },
                vec![TableChange::ModifyAttrs],
            ),
        ];
        for (name, to, want) in cases {
            assert_eq!(table_changes(base.clone(), to), want, "{name}");
        }
    }

    #[test]
    fn normalized_equivalents_do_not_differ() {
        let fk = |on_delete: Option<&str>, name: Option<&str>, deferrable: Option<&str>| ForeignKey {
            name: name.map(String::from),
            columns: vec!["a".into()],
            ref_table: "p".into(),
            ref_columns: vec!["id".into()],
            on_delete: on_delete.map(String::from),
            deferrable: deferrable.map(String::from),
            ..ForeignKey::default()
        };
        let with = |fks: Vec<ForeignKey>, checks: Vec<Check>, gen_expr: &str| Table {
            foreign_keys: fks,
            checks,
            columns: vec![
                col("a", "int"),
                Column { generated: Some(Generated { expr: gen_expr.into(), stored: true }), ..col("g", "int") },
            ],
            ..table("t", vec![])
        };
        let from = with(
            vec![fk(Some("NO ACTION"), None, Some("DEFERRABLE"))],
            vec![Check { name: None, expr: "(a>0)".into(), attrs: Vec::new() }],
            "a*2",
        );
        let to = with(
            vec![fk(None, Some("fk"), None)],
            vec![Check { name: Some("c".into()), expr: "a > 0".into(), attrs: Vec::new() }],
            "a * 2",
        );
        assert_eq!(table_changes(from, to), vec![]);

        let a = Index {
            name: "sqlite_autoindex_t_1".into(),
            unique: true,
            parts: vec![IndexPart::column("a")],
            attrs: vec![crate::inspect::constraint_attr()],
            ..Index::default()
        };
        let b = Index { name: "sqlite_autoindex_t_2".into(), ..a.clone() };
        let t = |i: Index| Table { indexes: vec![i], ..table("t", vec![col("a", "int")]) };
        assert_eq!(table_changes(t(a), t(b)), vec![]);
    }

    #[test]
    fn realm_diff_adds_drops_and_recreates_triggers_of_rebuilt_tables() {
        let from = realm(vec![table("a", vec![col("x", "int")]), table("b", vec![col("x", "int")])]);
        let to = realm(vec![table("b", vec![col("x", "text")]), table("c", vec![col("x", "int")])]);
        let changes = diff_realm(&from, &to, &DiffOptions::default()).unwrap();
        let kinds: Vec<String> = changes.iter().map(Change::describe).collect();
        assert_eq!(kinds, ["drop table \"a\"", "modify table \"b\"", "create table \"c\""]);

        let trigger = Trigger {
            name: "tr".into(),
            table: "b".into(),
            def: "CREATE TRIGGER tr AFTER INSERT ON b BEGIN SELECT 1; END".into(),
        };
        let view = View { name: "v".into(), def: "CREATE VIEW v AS SELECT x FROM b".into(), attrs: vec![] };
        let mut from = from;
        let mut to = to;
        for r in [&mut from, &mut to] {
            r.schemas[0].triggers.push(trigger.clone());
            r.schemas[0].views.push(view.clone());
        }
        to.schemas[0].views[0].def = "CREATE  VIEW v AS\n  select x from b".into();
        let changes = diff_realm(&from, &to, &DiffOptions::default()).unwrap();
        let kinds: Vec<String> = changes.iter().map(Change::describe).collect();
        assert_eq!(kinds, ["modify trigger \"tr\"", "drop table \"a\"", "modify table \"b\"", "create table \"c\""]);
    }

    #[test]
    fn ignore_schema_names_compares_first_schemas() {
        let mut from = realm(vec![table("a", vec![col("x", "int")])]);
        from.schemas[0].name = "other".into();
        let to = realm(vec![table("a", vec![col("x", "int")])]);
        let options = DiffOptions { ignore_schema_names: true };
        assert!(diff_realm(&from, &to, &options).unwrap().is_empty());
        assert_eq!(diff_realm(&from, &to, &DiffOptions::default()).unwrap().len(), 1);
    }
}
