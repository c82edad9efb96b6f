//! Diffing two MySQL realms into changes.
//!
//! Both sides normally come from inspection, normalized there (see `inspect`),
//! so most elements compare as they are; SQL fragments (checks, generated
//! columns, expression defaults, view bodies) compare re-tokenized, so layout
//! alone is never a change. A text column's collation compares as it takes
//! effect (its own, else its table's), so a table's new default collation
//! reaches the columns that inherit it. Column order counts: `SHOW CREATE TABLE`
//! shows it.

use crate::attrs::get_str;
use crate::objects::{Alter, Object, is_object, objects};
use crate::sql::{normalize, normalize_expr};
use crate::types::is_text;
use strata_dialect_api::{
    Attr, Change, Check, Column, ColumnChange, DiffOptions, ForeignKey, Index, IndexPart, PluginError, PrimaryKey,
    Realm, Schema, Table, TableChange, Trigger,
};
use strata_dialect_kit::{
    diff_checks, diff_foreign_keys, diff_schemas, diff_tables, diff_triggers, diff_views, pair_up, sole_schemas,
    sorted_attrs,
};

/// Computes the changes turning `from` into `to`.
///
/// With `ignore_schema_names` and one schema on each side, those two are
/// compared whatever their names (a dev database against the bound target);
/// the changes name `from`'s schema, and the schemas' own defaults are not
/// compared (databases of one server may be created with other defaults;
/// every table states its own).
///
/// # Errors
/// Never today; the signature leaves room for elements that cannot be compared.
pub fn diff_realm(from: &Realm, to: &Realm, options: &DiffOptions) -> Result<Vec<Change>, PluginError> {
    if let Some((f, t)) = sole_schemas(from, to, options) {
        return Ok(diff_schema(f, t, &f.name, false));
    }
    let (changes, _) = diff_schemas(from, to, |f, t| diff_schema(f, t, &f.name, true));
    Ok(changes)
}

/// The changes between two schemas; `defaults` compares their default
/// character set and collation too. Sequences, routines and events changed
/// make one `ModifySchema` (first: its creations come before what uses them).
fn diff_schema(from: &Schema, to: &Schema, name: &str, defaults: bool) -> Vec<Change> {
    let schema = name.to_string();
    let own_defaults =
        |s: &Schema| sorted_attrs(&s.attrs.iter().filter(|a| !is_object(a)).cloned().collect::<Vec<_>>());
    let defaults_changed = defaults && own_defaults(from) != own_defaults(to);
    let mut changes = Vec::new();
    if defaults_changed || !diff_objects(&objects(from), &objects(to)).is_empty() {
        // Without defaults compared, only the objects travel: the planner
        // then leaves the database's defaults alone.
        let attrs =
            |s: &Schema| -> Vec<Attr> { s.attrs.iter().filter(|a| defaults || is_object(a)).cloned().collect() };
        changes.push(Change::ModifySchema {
            from: Schema { name: schema.clone(), attrs: attrs(from), ..Schema::default() },
            to: Schema { name: schema.clone(), attrs: attrs(to), ..Schema::default() },
        });
    }
    changes.extend(diff_tables(from, to, &schema, diff_table));
    changes.extend(diff_views(&schema, &from.views, &to.views, |f, t| {
        normalize(&f.def) != normalize(&t.def) || sorted_attrs(&f.attrs) != sorted_attrs(&t.attrs)
    }));
    let mut trigger_changes = diff_triggers(
        &schema,
        &from.triggers,
        &to.triggers,
        |a, b| a.name == b.name,
        |f, t| normalize(&f.def) != normalize(&t.def) || f.table != t.table,
    );
    anchor_triggers(from, to, &mut trigger_changes);
    changes.extend(trigger_changes);
    recreate_keys_over_retyped(from, to, &schema, &mut changes);
    changes
}

/// An object in comparable form: bodies and types re-tokenized (layout and
/// comments aside), names case-folded where the server folds them, and an
/// event's times left out (an unwritten start is the creation time).
fn norm_object(object: &Object) -> Object {
    match object {
        Object::Sequence(s) => {
            let mut s = s.clone();
            s.engine = s.engine.map(|e| e.to_ascii_lowercase());
            Object::Sequence(s)
        }
        Object::Routine(r) => {
            let mut r = r.clone();
            r.name = r.name.to_lowercase();
            r.params = normalize(&r.params);
            r.returns = r.returns.as_deref().map(normalize);
            r.body = normalize(&r.body);
            Object::Routine(r)
        }
        Object::Event(e) => {
            let mut e = e.clone();
            e.name = e.name.to_lowercase();
            e.schedule = normalize(&e.schedule);
            e.body = normalize(&e.body);
            (e.at, e.starts, e.ends) = (None, None, None);
            Object::Event(e)
        }
    }
}

/// The objects added, dropped and changed between two lists.
pub(crate) fn diff_objects(from: &[Object], to: &[Object]) -> Alter {
    let mut alter = Alter::default();
    let find = |list: &[Object], o: &Object| list.iter().find(|x| x.kind() == o.kind() && x.key() == o.key()).cloned();
    for f in from {
        match find(to, f) {
            None => alter.drop.push(f.clone()),
            Some(t) if norm_object(f) != norm_object(&t) => alter.modify.push((f.clone(), t)),
            Some(_) => {}
        }
    }
    for t in to {
        if find(from, t).is_none() {
            alter.add.push(t.clone());
        }
    }
    alter
}

/// The table, timing and event of a trigger: triggers of one group fire in
/// their `ACTION_ORDER`, which `SHOW CREATE` readers compare.
fn trigger_group(trigger: &Trigger) -> Option<(String, String, String)> {
    let toks = crate::sql::tokens(&trigger.def);
    let at = toks.iter().position(|t| {
        t.kind == strata_dialect_kit::sql::Kind::Word
            && (t.value.eq_ignore_ascii_case("BEFORE") || t.value.eq_ignore_ascii_case("AFTER"))
    })?;
    let event = toks.get(at + 1)?;
    Some((trigger.table.to_lowercase(), toks[at].value.to_uppercase(), event.value.to_uppercase()))
}

/// `def` with `FOLLOWS|PRECEDES other` after `FOR EACH ROW`.
fn with_anchor(def: &str, anchor: &str, other: &str) -> String {
    let upper = def.to_ascii_uppercase();
    match upper.find("FOR EACH ROW ") {
        Some(at) => {
            let end = at + "FOR EACH ROW ".len();
            format!("{}{anchor} {} {}", &def[..end], crate::types::quote(other), &def[end..])
        }
        None => def.to_string(),
    }
}

/// A trigger created anew lands last of its group: each created trigger is
/// placed after its nearest predecessor (in `to`'s order) that exists by then,
/// else before its nearest successor. A dropped one, recreated by the reverse
/// (which runs last drop first), is placed before its successor in `from`.
fn anchor_triggers(from: &Schema, to: &Schema, changes: &mut [Change]) {
    let recreated: Vec<String> = changes
        .iter()
        .filter_map(|c| match c {
            Change::ModifyTrigger { to, .. } => Some(to.name.clone()),
            _ => None,
        })
        .collect();
    let mut present: Vec<String> = to
        .triggers
        .iter()
        .filter(|t| from.triggers.iter().any(|f| f.name == t.name) && !recreated.contains(&t.name))
        .map(|t| t.name.clone())
        .collect();
    let group_of = |list: &[Trigger], t: &Trigger| -> Vec<String> {
        let g = trigger_group(t);
        list.iter().filter(|x| g.is_some() && trigger_group(x) == g).map(|x| x.name.clone()).collect()
    };
    for c in changes.iter_mut() {
        if let Change::DropTrigger { trigger: f, .. } | Change::ModifyTrigger { from: f, .. } = c {
            let group = group_of(&from.triggers, f);
            if let Some(next) = group.iter().position(|n| *n == f.name).and_then(|i| group.get(i + 1)) {
                f.def = with_anchor(&f.def, "PRECEDES", next);
            }
        }
        if let Change::AddTrigger { trigger: t, .. } | Change::ModifyTrigger { to: t, .. } = c {
            let group = group_of(&to.triggers, t);
            let Some(i) = group.iter().position(|n| *n == t.name) else { continue };
            if let Some(prev) = group[..i].iter().rev().find(|n| present.contains(n)) {
                t.def = with_anchor(&t.def, "FOLLOWS", prev);
            } else if let Some(next) = group[i + 1..].iter().find(|n| present.contains(n)) {
                t.def = with_anchor(&t.def, "PRECEDES", next);
            }
            present.push(t.name.clone());
        }
    }
}

/// MySQL refuses to change the type or collation of a column a foreign key
/// uses, on either side of the key ("Cannot change column used in a foreign
/// key constraint", errno 150): every kept key over a retyped column is
/// dropped before the change and added back after it.
fn recreate_keys_over_retyped(from: &Schema, to: &Schema, schema: &str, changes: &mut Vec<Change>) {
    let mut retyped: Vec<(String, String)> = Vec::new();
    for c in changes.iter() {
        let Change::ModifyTable { from: table, changes: table_changes, .. } = c else { continue };
        for tc in table_changes {
            if let TableChange::ModifyColumn { from: column, change, .. } = tc
                && (change.ty || change.collation)
            {
                retyped.push((table.name.clone(), column.name.to_lowercase()));
            }
        }
    }
    if retyped.is_empty() {
        return;
    }
    let hit = |table: &str, columns: &[String]| {
        columns.iter().any(|c| retyped.iter().any(|(t, col)| t == table && *col == c.to_lowercase()))
    };
    for f in &from.tables {
        let Some(t) = to.table(&f.name) else { continue };
        for fk in &f.foreign_keys {
            let uses = hit(&f.name, &fk.columns) || (fk.ref_schema.is_none() && hit(&fk.ref_table, &fk.ref_columns));
            // A key that goes or changes anyway is already dropped first.
            let Some(kept) = t.foreign_keys.iter().find(|k| k.name == fk.name) else { continue };
            if !uses {
                continue;
            }
            let modify = TableChange::ModifyForeignKey { from: fk.clone(), to: kept.clone() };
            let at = changes.iter().position(|c| matches!(c, Change::ModifyTable { from: x, .. } if x.name == f.name));
            match at.map(|i| &mut changes[i]) {
                Some(Change::ModifyTable { changes: table_changes, .. }) => {
                    let handled = table_changes.iter().any(|c| {
                        matches!(c, TableChange::DropForeignKey { foreign_key: k }
                            | TableChange::ModifyForeignKey { from: k, .. } if k.name == fk.name)
                    });
                    if !handled {
                        table_changes.insert(0, modify);
                    }
                }
                _ => changes.push(Change::ModifyTable {
                    schema: schema.to_string(),
                    from: f.clone(),
                    to: t.clone(),
                    changes: vec![modify],
                }),
            }
        }
    }
}

/// The collation a text column's values take: its own, else its table's.
pub(crate) fn effective_collation<'a>(column: &'a Column, table: &'a Table) -> Option<&'a str> {
    if !is_text(&column.ty) {
        return None;
    }
    column.collation.as_deref().or_else(|| get_str(&table.attrs, "collation"))
}

/// A column as it compares: fragments normalized, collation as it takes effect.
fn norm_column(column: &Column, table: &Table) -> Column {
    let mut c = column.clone();
    c.collation = effective_collation(column, table).map(str::to_string);
    c.default = c.default.map(|d| if d.starts_with('(') { normalize_expr(&d) } else { d });
    if let Some(g) = &mut c.generated {
        g.expr = normalize_expr(&g.expr);
    }
    c.attrs = sorted_attrs(&norm_attrs(&c.attrs));
    c
}

fn norm_attrs(attrs: &[Attr]) -> Vec<Attr> {
    attrs
        .iter()
        .map(|a| match a {
            Attr::Other { dialect, name, value } if name == "check" => Attr::Other {
                dialect: dialect.clone(),
                name: name.clone(),
                value: value.as_str().map(normalize_expr).map_or_else(|| value.clone(), Into::into),
            },
            other => other.clone(),
        })
        .collect()
}

fn diff_table(from: &Table, to: &Table) -> Vec<TableChange> {
    let mut changes = Vec::new();

    // Foreign keys first: the planner drops them before anything they need.
    changes.extend(diff_foreign_keys(&from.foreign_keys, &to.foreign_keys, |a, b| a.name == b.name, norm_fk));

    let kept_from: Vec<&str> =
        from.columns.iter().filter(|c| to.column(&c.name).is_some()).map(|c| c.name.as_str()).collect();
    let kept_to: Vec<&str> =
        to.columns.iter().filter(|c| from.column(&c.name).is_some()).map(|c| c.name.as_str()).collect();
    let moved = moved_columns(&kept_from, &kept_to);
    for f in &from.columns {
        match to.column(&f.name) {
            None => changes.push(TableChange::DropColumn { column: f.clone() }),
            Some(t) => {
                let (nf, nt) = (norm_column(f, from), norm_column(t, to));
                let change = ColumnChange::between(&nf, &nt);
                if !change.is_empty() || moved.contains(&f.name.as_str()) {
                    changes.push(TableChange::ModifyColumn { from: f.clone(), to: t.clone(), change });
                }
            }
        }
    }
    for t in &to.columns {
        if from.column(&t.name).is_none() {
            changes.push(TableChange::AddColumn { column: t.clone() });
        }
    }

    changes.extend(strata_dialect_kit::diff_primary_keys(from.primary_key.as_ref(), to.primary_key.as_ref(), norm_pk));

    let (pairs, added) = pair_up(&from.indexes, &to.indexes, |a: &Index, b: &Index| a.name == b.name);
    // A key only hidden or shown is altered in place and keeps its place.
    let moved_keys = displaced(
        &from.indexes,
        &to.indexes,
        |a, b| a.name == b.name && without_visibility(a) == without_visibility(b),
        |i| key_class(from, i),
        |i| key_class(to, i),
    );
    for (f, t) in pairs {
        match t {
            None => changes.push(TableChange::DropIndex { index: f.clone() }),
            Some(t) if norm_index(f) != norm_index(t) || moved_keys.contains(&t.name.as_str()) => {
                changes.push(TableChange::ModifyIndex { from: f.clone(), to: t.clone() });
            }
            Some(_) => {}
        }
    }
    changes.extend(added.into_iter().map(|t| TableChange::AddIndex { index: t.clone() }));

    let same_check = |a: &Check, b: &Check| a.name == b.name && normalize_expr(&a.expr) == normalize_expr(&b.expr);
    let displaced_checks = displaced(&from.checks, &to.checks, same_check, |_| 0, |_| 0);
    changes.extend(diff_checks(&from.checks, &to.checks, |a: &Check, b: &Check| {
        same_check(a, b) && !b.name.as_deref().is_some_and(|n| displaced_checks.contains(&n))
    }));

    if norm_options(from) != norm_options(to) || counter(to) > counter(from) {
        changes.push(TableChange::ModifyAttrs);
    }
    changes
}

/// The table's next AUTO_INCREMENT value (1 when not set). It is data, so a
/// table whose counter moved past the desired one has not drifted; only a
/// desired start above the table's (`AUTO_INCREMENT=1000` written in the
/// schema) is a change, as Atlas has it.
pub(crate) fn counter(table: &Table) -> u64 {
    crate::attrs::get(&table.attrs, "auto_increment").and_then(serde_json::Value::as_u64).unwrap_or(1)
}

/// The columns to move so that the kept columns of `from` come in `to`'s
/// order: those outside a longest common subsequence of the two orders.
fn moved_columns<'a>(from: &[&'a str], to: &[&'a str]) -> Vec<&'a str> {
    if from == to {
        return Vec::new();
    }
    let (n, m) = (from.len(), to.len());
    let mut lcs = vec![vec![0usize; m + 1]; n + 1];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            lcs[i][j] = if from[i] == to[j] { lcs[i + 1][j + 1] + 1 } else { lcs[i + 1][j].max(lcs[i][j + 1]) };
        }
    }
    let (mut i, mut j) = (0, 0);
    let mut stay = Vec::new();
    while i < n && j < m {
        if from[i] == to[j] {
            stay.push(from[i]);
            i += 1;
            j += 1;
        } else if lcs[i + 1][j] >= lcs[i][j + 1] {
            i += 1;
        } else {
            j += 1;
        }
    }
    to.iter().filter(|c| !stay.contains(c)).copied().collect()
}

/// The server keeps a table's keys sorted by class, and in creation order
/// within a class (MariaDB `sort_keys`, MySQL `sort_keys` in sql_table.cc):
/// unique keys first (those over NOT NULL columns, then those with prefix
/// parts, before the rest), then plain keys, full-text keys last.
pub(crate) fn key_class(table: &Table, index: &Index) -> (bool, bool, bool, bool) {
    let nullable =
        index.parts.iter().any(|p| p.column.as_ref().is_none_or(|c| table.column(c).is_none_or(|c| c.nullable)));
    let prefix = crate::attrs::get(&index.attrs, "sub_parts").is_some();
    let fulltext = get_str(&index.attrs, "type") == Some("FULLTEXT");
    (!index.unique, index.unique && nullable, index.unique && prefix, fulltext)
}

/// The names of elements of `to` that stay the same (`same`) but must be
/// created again so that the server lists them in `to`'s order (`SHOW CREATE
/// TABLE` does): within each class (`class_from`, `class_to`), an element
/// keeps its place only while every element before it in `to` kept its own,
/// in the same relative order as in `from`; a new or changed element is
/// created at the end of its class, so those after it must follow it there.
fn displaced<'a, T: Named, C: Ord + Copy>(
    from: &'a [T],
    to: &'a [T],
    same: impl Fn(&T, &T) -> bool,
    class_from: impl Fn(&T) -> C,
    class_to: impl Fn(&T) -> C,
) -> Vec<&'a str> {
    let mut classes: Vec<C> = to.iter().map(&class_to).collect();
    classes.sort();
    classes.dedup();
    let mut out = Vec::new();
    for class in classes {
        let from_class: Vec<&T> = from.iter().filter(|f| class_from(f) == class).collect();
        let mut last: Option<usize> = None;
        let mut broken = false;
        for t in to.iter().filter(|t| class_to(t) == class) {
            let at = from_class.iter().position(|f| same(f, t));
            match at {
                Some(i) if !broken && last.is_none_or(|l| i > l) => last = Some(i),
                Some(_) => {
                    broken = true;
                    out.push(t.name());
                }
                // Unchanged but of another class before (a unique key whose
                // column became nullable): the server keeps its place.
                None if from.iter().any(|f| same(f, t)) => {
                    broken = true;
                    out.push(t.name());
                }
                None => broken = true,
            }
        }
    }
    out
}

/// Elements with a name, for `displaced`.
trait Named {
    fn name(&self) -> &str;
}

impl Named for Index {
    fn name(&self) -> &str {
        &self.name
    }
}

impl Named for Check {
    fn name(&self) -> &str {
        self.name.as_deref().unwrap_or("")
    }
}

/// Table options as they compare: engine case-insensitively, collation,
/// comment, create options in any order, system versioning, partitioning.
type Options = (Option<String>, Option<String>, Option<String>, Vec<String>, bool, Option<String>);

fn norm_options(table: &Table) -> Options {
    let mut options: Vec<String> = crate::attrs::get(&table.attrs, "options")
        .and_then(|v| v.as_array())
        .map(|a| a.iter().filter_map(|o| o.as_str().map(str::to_ascii_uppercase)).collect())
        .unwrap_or_default();
    options.sort();
    (
        get_str(&table.attrs, "engine").map(str::to_ascii_lowercase),
        get_str(&table.attrs, "collation").map(str::to_string),
        table.comment.clone().filter(|c| !c.is_empty()),
        options,
        crate::attrs::flag(&table.attrs, "system_versioning"),
        get_str(&table.attrs, "partition").map(normalize),
    )
}

fn norm_part(p: &IndexPart) -> IndexPart {
    IndexPart {
        column: p.column.as_ref().map(|c| c.to_lowercase()),
        expr: p.expr.as_deref().map(normalize_expr),
        desc: p.desc,
        collation: None,
    }
}

fn norm_index(index: &Index) -> (bool, Vec<IndexPart>, Vec<Attr>) {
    (index.unique, index.parts.iter().map(norm_part).collect(), sorted_attrs(&index.attrs))
}

/// A key as it compares for its place: its visibility aside.
pub(crate) fn without_visibility(index: &Index) -> (bool, Vec<IndexPart>, Vec<Attr>) {
    let (unique, parts, attrs) = norm_index(index);
    let attrs = attrs
        .into_iter()
        .filter(|a| !matches!(a, Attr::Other { name, .. } if name == "ignored" || name == "invisible"))
        .collect();
    (unique, parts, attrs)
}

fn norm_pk(key: &PrimaryKey) -> (Vec<IndexPart>, Vec<Attr>) {
    (key.parts.iter().map(norm_part).collect(), sorted_attrs(&key.attrs))
}

type FkForm = (Vec<String>, Option<String>, String, Vec<String>, Option<String>, Option<String>);

fn norm_fk(fk: &ForeignKey) -> FkForm {
    let lower = |v: &[String]| v.iter().map(|c| c.to_lowercase()).collect::<Vec<_>>();
    let action = |a: &Option<String>| a.clone().filter(|a| !a.eq_ignore_ascii_case("RESTRICT"));
    (
        lower(&fk.columns),
        fk.ref_schema.clone(),
        fk.ref_table.clone(),
        lower(&fk.ref_columns),
        action(&fk.on_update),
        action(&fk.on_delete),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn moved_columns_are_the_fewest() {
        assert_eq!(moved_columns(&["a", "b", "c"], &["a", "b", "c"]), Vec::<&str>::new());
        assert_eq!(moved_columns(&["a", "b", "c"], &["b", "c", "a"]), ["a"]);
        assert_eq!(moved_columns(&["a", "b", "c"], &["a", "c", "b"]).len(), 1);
    }

    fn trigger(name: &str, event: &str) -> Trigger {
        Trigger {
            name: name.into(),
            table: "t".into(),
            def: format!("CREATE TRIGGER `{name}` BEFORE {event} ON `t` FOR EACH ROW SET @x = 1"),
        }
    }

    #[test]
    fn created_triggers_keep_their_firing_order() {
        let from = Schema { triggers: vec![trigger("b", "INSERT"), trigger("d", "INSERT")], ..Schema::default() };
        let to = Schema {
            triggers: vec![
                trigger("a", "INSERT"),
                trigger("b", "INSERT"),
                trigger("c", "INSERT"),
                trigger("u", "UPDATE"),
            ],
            ..Schema::default()
        };
        let changes = diff_schema(&from, &to, "s", false);
        let defs: Vec<String> = changes
            .iter()
            .map(|c| match c {
                Change::AddTrigger { trigger, .. } | Change::DropTrigger { trigger, .. } => trigger.def.clone(),
                _ => String::new(),
            })
            .collect();
        assert_eq!(
            defs,
            [
                "CREATE TRIGGER `d` BEFORE INSERT ON `t` FOR EACH ROW SET @x = 1",
                "CREATE TRIGGER `a` BEFORE INSERT ON `t` FOR EACH ROW PRECEDES `b` SET @x = 1",
                "CREATE TRIGGER `c` BEFORE INSERT ON `t` FOR EACH ROW FOLLOWS `b` SET @x = 1",
                "CREATE TRIGGER `u` BEFORE UPDATE ON `t` FOR EACH ROW SET @x = 1",
            ]
        );
    }

    fn col(name: &str, ty: &str) -> Column {
        Column { name: name.into(), ty: ty.into(), nullable: true, ..Column::default() }
    }

    #[test]
    fn table_collation_reaches_inheriting_columns() {
        let from = Table {
            name: "t".into(),
            columns: vec![col("a", "varchar(5)"), col("b", "int")],
            attrs: vec![crate::attrs::attr("collation", "latin1_swedish_ci")],
            ..Table::default()
        };
        let to = Table { attrs: vec![crate::attrs::attr("collation", "utf8mb4_bin")], ..from.clone() };
        let changes = diff_table(&from, &to);
        assert_eq!(changes.len(), 2, "{changes:?}");
        assert!(
            matches!(&changes[0], TableChange::ModifyColumn { from, change, .. } if from.name == "a" && change.collation)
        );
        assert!(matches!(changes[1], TableChange::ModifyAttrs));
    }

    /// Layout, comments, the case of names and an event's times are no change;
    /// a body's meaning is.
    #[test]
    fn objects_compare_normalized() {
        use crate::objects::{Event, Routine};
        let routine = |name: &str, body: &str| {
            Object::Routine(Routine {
                name: name.into(),
                kind: "PROCEDURE".into(),
                params: "IN `k` int".into(),
                returns: None,
                body: body.into(),
                deterministic: false,
                data_access: "CONTAINS SQL".into(),
                security: "DEFINER".into(),
                comment: None,
            })
        };
        let event = |starts: &str, body: &str| {
            Object::Event(Event {
                name: "e".into(),
                schedule: "EVERY 1 DAY".into(),
                at: None,
                starts: Some(starts.into()),
                ends: None,
                preserve: false,
                status: "ENABLE".into(),
                body: body.into(),
                comment: None,
            })
        };
        let from =
            [routine("bump", "BEGIN UPDATE t SET n = n + 1; END"), event("2030-01-01 00:00:00", "DELETE FROM t")];
        let to = [
            routine("Bump", "BEGIN\n  -- one more\n  UPDATE `t` SET n = n + 1;\nEND"),
            event("2031-06-01 12:00:00", "DELETE FROM t"),
        ];
        assert!(diff_objects(&from, &to).is_empty());
        let to = [routine("bump", "BEGIN UPDATE t SET n = n + 2; END"), event("2030-01-01 00:00:00", "DELETE FROM u")];
        assert_eq!(diff_objects(&from, &to).modify.len(), 2);
        let alter = diff_objects(&from[..1], &to[1..]);
        assert_eq!((alter.add.len(), alter.drop.len()), (1, 1));
    }

    /// Without the schemas' defaults compared (a dev database against the
    /// target), a `ModifySchema` carries the objects alone.
    #[test]
    fn object_changes_leave_schema_defaults_out() {
        use crate::objects::Sequence;
        let seq = Object::Sequence(Sequence {
            name: "s".into(),
            start: 1,
            increment: 1,
            min: 1,
            max: 100,
            cache: 0,
            cycle: false,
            engine: None,
            comment: None,
        });
        let from =
            Schema { name: "a".into(), attrs: vec![crate::attrs::attr("charset", "latin1")], ..Schema::default() };
        let to = Schema {
            name: "b".into(),
            attrs: vec![crate::attrs::attr("charset", "utf8mb4"), seq.to_attr()],
            ..Schema::default()
        };
        let changes = diff_schema(&from, &to, "a", false);
        assert!(
            matches!(&changes[..], [Change::ModifySchema { from, to }] if from.attrs.is_empty() && to.attrs == [seq.to_attr()]),
            "{changes:?}"
        );
        let other_defaults = Schema { attrs: vec![crate::attrs::attr("charset", "utf8mb4")], ..to.clone() };
        assert_eq!(diff_schema(&from, &other_defaults, "a", true).len(), 1);
        assert!(diff_schema(&from, &other_defaults, "a", false).is_empty());
        assert!(diff_schema(&from, &from, "a", true).is_empty());
    }
}
