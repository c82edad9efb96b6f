//! Code the dialect plugins share, linked statically into each. Not part of the
//! plugin ABI (that is `strata-dialect-api`): a vendor's plugin may use it or not.

pub mod attrs;
pub mod bookkeeping;
pub mod checks;
pub mod order;
#[cfg(feature = "runtime")]
pub mod runtime;
pub mod sql;

use strata_dialect_api::{
    Attr, Change, Check, Column, ColumnChange, DiffOptions, ForeignKey, PluginError, PrimaryKey, Realm, Schema, Table,
    TableChange, Trigger, View, mask,
};

#[doc(hidden)]
pub use strata_dialect_api as __api;

/// Implements [`strata_dialect_api::Dialect`] for a plugin's type by handing
/// each call to the public functions of the crate's root, which tests and the
/// host's test crates call directly: `manifest`, `open`, `diff_realm`,
/// `plan_changes` and `render`. The trait adds nothing to them.
#[macro_export]
// `crate::` is the calling plugin's crate, on purpose.
#[allow(clippy::crate_in_macro_def)]
macro_rules! impl_dialect {
    ($dialect:ty) => {
        impl $crate::__api::Dialect for $dialect {
            fn manifest() -> $crate::__api::Manifest {
                crate::manifest()
            }

            fn open(
                url: &str,
            ) -> ::core::result::Result<
                ::std::boxed::Box<dyn $crate::__api::DialectConnection>,
                $crate::__api::PluginError,
            > {
                ::core::result::Result::Ok(::std::boxed::Box::new(crate::open(url)?))
            }

            fn diff(
                from: &$crate::__api::Realm,
                to: &$crate::__api::Realm,
                options: &$crate::__api::DiffOptions,
            ) -> ::core::result::Result<::std::vec::Vec<$crate::__api::Change>, $crate::__api::PluginError> {
                crate::diff_realm(from, to, options)
            }

            fn plan(
                changes: &[$crate::__api::Change],
                options: &$crate::__api::PlanOptions,
            ) -> ::core::result::Result<$crate::__api::Plan, $crate::__api::PluginError> {
                crate::plan_changes(changes, options)
            }

            fn render(
                request: &$crate::__api::RenderRequest,
            ) -> ::core::result::Result<$crate::__api::RenderReply, $crate::__api::PluginError> {
                crate::render(request)
            }
        }
    };
}

/// Attributes in a canonical order: their order carries no meaning.
pub fn sorted_attrs(attrs: &[Attr]) -> Vec<Attr> {
    let mut out = attrs.to_vec();
    out.sort_by_cached_key(|a| serde_json::to_string(a).unwrap_or_default());
    out
}

/// The changes creating `schema` with everything in it: the schema itself
/// (name and attributes), then its tables, views and triggers.
pub fn add_schema(schema: &Schema) -> Vec<Change> {
    let name = schema.name.clone();
    let mut changes = vec![Change::AddSchema {
        schema: Schema { name: name.clone(), attrs: schema.attrs.clone(), ..Schema::default() },
    }];
    changes.extend(schema.tables.iter().map(|t| Change::AddTable { schema: name.clone(), table: t.clone() }));
    changes.extend(schema.views.iter().map(|v| Change::AddView { schema: name.clone(), view: v.clone() }));
    changes.extend(schema.triggers.iter().map(|t| Change::AddTrigger { schema: name.clone(), trigger: t.clone() }));
    changes
}

/// The two schemas compared whatever their names, with `ignore_schema_names`
/// and exactly one schema on each side (a dev database against the bound
/// target); `None` when schemas are matched by name.
pub fn sole_schemas<'a>(from: &'a Realm, to: &'a Realm, options: &DiffOptions) -> Option<(&'a Schema, &'a Schema)> {
    match (from.schemas.as_slice(), to.schemas.as_slice()) {
        ([f], [t]) if options.ignore_schema_names => Some((f, t)),
        _ => None,
    }
}

/// The changes between the schemas of two realms, matched by exact name: in
/// `from`'s order each schema's drop or, when kept, `diff_schema`'s changes;
/// then each new schema created whole ([`add_schema`]). Returns the kept
/// pairs too, for passes over the whole realm.
pub fn diff_schemas<'a>(
    from: &'a Realm,
    to: &'a Realm,
    mut diff_schema: impl FnMut(&Schema, &Schema) -> Vec<Change>,
) -> (Vec<Change>, Vec<(&'a Schema, &'a Schema)>) {
    let mut changes = Vec::new();
    let mut kept = Vec::new();
    for f in &from.schemas {
        match to.schema(&f.name) {
            Some(t) => {
                changes.extend(diff_schema(f, t));
                kept.push((f, t));
            }
            None => changes.push(Change::DropSchema { schema: f.clone() }),
        }
    }
    for t in &to.schemas {
        if from.schema(&t.name).is_none() {
            changes.extend(add_schema(t));
        }
    }
    (changes, kept)
}

/// The table changes between two schemas, tables matched by exact name: drops
/// and modifications (`diff_table`'s non-empty results) in `from`'s order,
/// then additions in `to`'s. The changes name schema `schema`.
pub fn diff_tables(
    from: &Schema,
    to: &Schema,
    schema: &str,
    diff_table: impl Fn(&Table, &Table) -> Vec<TableChange>,
) -> Vec<Change> {
    let mut changes = Vec::new();
    for f in &from.tables {
        match to.table(&f.name) {
            None => changes.push(Change::DropTable { schema: schema.to_string(), table: f.clone() }),
            Some(t) => {
                let table_changes = diff_table(f, t);
                if !table_changes.is_empty() {
                    changes.push(Change::ModifyTable {
                        schema: schema.to_string(),
                        from: f.clone(),
                        to: t.clone(),
                        changes: table_changes,
                    });
                }
            }
        }
    }
    for t in &to.tables {
        if from.table(&t.name).is_none() {
            changes.push(Change::AddTable { schema: schema.to_string(), table: t.clone() });
        }
    }
    changes
}

/// The column changes between two tables: columns matched by `same` (their
/// names, as the dialect compares them), compared by their normal forms
/// (`norm`, which [`ColumnChange::between`] sees). In `from`'s order each
/// column is dropped or, when anything differs, modified; then the new
/// columns come in `to`'s order.
pub fn diff_columns(
    from: &[Column],
    to: &[Column],
    same: impl Fn(&Column, &Column) -> bool,
    norm: impl Fn(&Column) -> Column,
) -> Vec<TableChange> {
    let mut changes = Vec::new();
    for f in from {
        match to.iter().find(|t| same(f, t)) {
            None => changes.push(TableChange::DropColumn { column: f.clone() }),
            Some(t) => {
                let change = ColumnChange::between(&norm(f), &norm(t));
                if !change.is_empty() {
                    changes.push(TableChange::ModifyColumn { from: f.clone(), to: t.clone(), change });
                }
            }
        }
    }
    for t in to {
        if !from.iter().any(|f| same(f, t)) {
            changes.push(TableChange::AddColumn { column: t.clone() });
        }
    }
    changes
}

/// The view changes in schema `schema`: views matched by exact name, in
/// `from`'s order each dropped or, when `changed` says so, modified; then the
/// new views in `to`'s order.
pub fn diff_views(schema: &str, from: &[View], to: &[View], changed: impl Fn(&View, &View) -> bool) -> Vec<Change> {
    let schema = || schema.to_string();
    fates(from, to, |a, b| a.name == b.name, changed)
        .into_iter()
        .map(|fate| match fate {
            Fate::Drop(v) => Change::DropView { schema: schema(), view: v.clone() },
            Fate::Modify(f, t) => Change::ModifyView { schema: schema(), from: f.clone(), to: t.clone() },
            Fate::Add(v) => Change::AddView { schema: schema(), view: v.clone() },
        })
        .collect()
}

/// The trigger changes in schema `schema`: triggers matched by `same` (their
/// names, and their tables where names are per table), in `from`'s order each
/// dropped or, when `changed` says so, modified; then the new triggers in
/// `to`'s order.
pub fn diff_triggers(
    schema: &str,
    from: &[Trigger],
    to: &[Trigger],
    same: impl Fn(&Trigger, &Trigger) -> bool,
    changed: impl Fn(&Trigger, &Trigger) -> bool,
) -> Vec<Change> {
    let schema = || schema.to_string();
    fates(from, to, same, changed)
        .into_iter()
        .map(|fate| match fate {
            Fate::Drop(t) => Change::DropTrigger { schema: schema(), trigger: t.clone() },
            Fate::Modify(f, t) => Change::ModifyTrigger { schema: schema(), from: f.clone(), to: t.clone() },
            Fate::Add(t) => Change::AddTrigger { schema: schema(), trigger: t.clone() },
        })
        .collect()
}

/// The primary-key change between two tables, keys compared by their normal
/// forms (`norm`).
pub fn diff_primary_keys<N: PartialEq>(
    from: Option<&PrimaryKey>,
    to: Option<&PrimaryKey>,
    norm: impl Fn(&PrimaryKey) -> N,
) -> Option<TableChange> {
    match (from, to) {
        (Some(f), None) => Some(TableChange::DropPrimaryKey { key: f.clone() }),
        (None, Some(t)) => Some(TableChange::AddPrimaryKey { key: t.clone() }),
        (Some(f), Some(t)) if norm(f) != norm(t) => {
            Some(TableChange::ModifyPrimaryKey { from: f.clone(), to: t.clone() })
        }
        _ => None,
    }
}

/// True when `table` (in `schema`) has a foreign key to another table `other`
/// in `other_schema` (a key to itself does not count).
pub fn references(schema: &str, table: &Table, other_schema: &str, other: &str) -> bool {
    (schema != other_schema || table.name != other)
        && table
            .foreign_keys
            .iter()
            .any(|fk| fk.ref_table == other && fk.ref_schema.as_deref().unwrap_or(schema) == other_schema)
}

/// How a planner names the objects of one schema in its SQL: bare, or
/// qualified with the schema when the plan asks for it
/// (`PlanOptions::qualify`); an object of another schema always qualified.
#[derive(Debug, Clone, Copy)]
pub struct Names<'a> {
    /// The schema the names are in.
    pub schema: &'a str,
    /// Qualify names in `schema` too.
    pub qualify: bool,
    /// The dialect's identifier quoting.
    pub quote: checks::Quote,
}

impl Names<'_> {
    /// The object `name` of the schema.
    pub fn name(&self, name: &str) -> String {
        let q = self.quote;
        if self.qualify { format!("{}.{}", q(self.schema), q(name)) } else { q(name) }
    }

    /// The object `name` of `schema` (the names' own schema when `None`).
    pub fn in_schema(&self, schema: Option<&str>, name: &str) -> String {
        let q = self.quote;
        match schema {
            Some(s) if s != self.schema => format!("{}.{}", q(s), q(name)),
            _ => self.name(name),
        }
    }
}

/// `err` with every URL password masked and `password` (the connection's,
/// which a server may echo outside any URL) replaced by `****`.
pub fn scrub(mut err: PluginError, password: Option<&str>) -> PluginError {
    let mut message = mask(&err.message);
    if let Some(p) = password.filter(|p| !p.is_empty()) {
        message = message.replace(p, "****");
    }
    err.message = message.into();
    err
}

/// Pairs the elements of `from` with those of `to` that `same` says are one
/// object, each element of `to` used once. Returns, in `from`'s order, every
/// element with its partner (or `None` when it is gone), then the elements of
/// `to` left over (new ones), in `to`'s order.
pub fn pair_up<'a, T>(
    from: &'a [T],
    to: &'a [T],
    same: impl Fn(&T, &T) -> bool,
) -> (Vec<(&'a T, Option<&'a T>)>, Vec<&'a T>) {
    let mut taken = vec![false; to.len()];
    let pairs = from
        .iter()
        .map(|f| {
            let found = to.iter().enumerate().find(|(i, t)| !taken[*i] && same(f, t));
            (
                f,
                found.map(|(i, t)| {
                    taken[i] = true;
                    t
                }),
            )
        })
        .collect();
    let added = to.iter().zip(&taken).filter(|(_, taken)| !**taken).map(|(t, _)| t).collect();
    (pairs, added)
}

/// What becomes of one object between two lists (see [`fates`]).
enum Fate<'a, T> {
    /// Gone.
    Drop(&'a T),
    /// Kept, and changed: from, to.
    Modify(&'a T, &'a T),
    /// New.
    Add(&'a T),
}

/// The objects of `from` and `to` paired by `same` ([`pair_up`]): in `from`'s
/// order each one gone or, when `changed` says so, modified; then the new ones
/// in `to`'s order. Kept objects that did not change are left out.
fn fates<'a, T>(
    from: &'a [T],
    to: &'a [T],
    same: impl Fn(&T, &T) -> bool,
    changed: impl Fn(&T, &T) -> bool,
) -> Vec<Fate<'a, T>> {
    let (pairs, added) = pair_up(from, to, same);
    let mut out: Vec<Fate<'a, T>> = pairs
        .into_iter()
        .filter_map(|(f, t)| match t {
            None => Some(Fate::Drop(f)),
            Some(t) => changed(f, t).then_some(Fate::Modify(f, t)),
        })
        .collect();
    out.extend(added.into_iter().map(Fate::Add));
    out
}

/// The foreign-key changes between two tables: keys matched by `same_key`, and
/// changed when their normal forms (`norm`) differ.
pub fn diff_foreign_keys<N: PartialEq>(
    from: &[ForeignKey],
    to: &[ForeignKey],
    same_key: impl Fn(&ForeignKey, &ForeignKey) -> bool,
    norm: impl Fn(&ForeignKey) -> N,
) -> Vec<TableChange> {
    fates(from, to, same_key, |f, t| norm(f) != norm(t))
        .into_iter()
        .map(|fate| match fate {
            Fate::Drop(f) => TableChange::DropForeignKey { foreign_key: f.clone() },
            Fate::Modify(f, t) => TableChange::ModifyForeignKey { from: f.clone(), to: t.clone() },
            Fate::Add(t) => TableChange::AddForeignKey { foreign_key: t.clone() },
        })
        .collect()
}

/// The check changes between two tables: a check with no equal (`same`) on the
/// other side is dropped or added; neither SQLite nor PostgreSQL alters one.
pub fn diff_checks(from: &[Check], to: &[Check], same: impl Fn(&Check, &Check) -> bool) -> Vec<TableChange> {
    let (pairs, added) = pair_up(from, to, same);
    let mut changes: Vec<TableChange> = pairs
        .into_iter()
        .filter(|(_, t)| t.is_none())
        .map(|(f, _)| TableChange::DropCheck { check: f.clone() })
        .collect();
    changes.extend(added.into_iter().map(|t| TableChange::AddCheck { check: t.clone() }));
    changes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairs_in_order_and_each_partner_once() {
        let (pairs, added) = pair_up(&[1, 2, 2, 5], &[2, 3, 2], |a, b| a == b);
        assert_eq!(pairs, [(&1, None), (&2, Some(&2)), (&2, Some(&2)), (&5, None)]);
        assert_eq!(added, [&3]);
    }

    #[test]
    fn schemas_by_name_or_sole() {
        let realm = |names: &[&str]| Realm {
            schemas: names.iter().map(|n| Schema { name: (*n).into(), ..Schema::default() }).collect(),
        };
        let (from, to) = (realm(&["a", "b"]), realm(&["b", "c"]));
        let (changes, kept) =
            diff_schemas(&from, &to, |f, t| vec![Change::ModifySchema { from: f.clone(), to: t.clone() }]);
        let names: Vec<_> = changes
            .iter()
            .map(|c| match c {
                Change::DropSchema { schema } => format!("drop {}", schema.name),
                Change::AddSchema { schema } => format!("add {}", schema.name),
                Change::ModifySchema { from, .. } => format!("diff {}", from.name),
                _ => "other".into(),
            })
            .collect();
        assert_eq!(names, ["drop a", "diff b", "add c"]);
        assert_eq!(kept.iter().map(|(f, t)| (f.name.as_str(), t.name.as_str())).collect::<Vec<_>>(), [("b", "b")]);
        let ignore = DiffOptions { ignore_schema_names: true };
        assert!(sole_schemas(&from, &to, &ignore).is_none());
        let found =
            sole_schemas(&realm(&["dev"]), &realm(&["prod"]), &ignore).map(|(f, t)| (f.name.clone(), t.name.clone()));
        assert_eq!(found, Some(("dev".into(), "prod".into())));
        assert!(sole_schemas(&realm(&["dev"]), &realm(&["prod"]), &DiffOptions::default()).is_none());
    }

    #[test]
    fn columns_views_and_triggers() {
        let col = |n: &str, ty: &str| Column { name: n.into(), ty: ty.into(), ..Column::default() };
        let changes = diff_columns(
            &[col("a", "int"), col("B", "int"), col("c", "int")],
            &[col("d", "int"), col("b", "INT"), col("a", "text")],
            |x, y| x.name.eq_ignore_ascii_case(&y.name),
            |c| Column { name: c.name.to_lowercase(), ty: c.ty.to_lowercase(), ..c.clone() },
        );
        let names: Vec<String> = changes
            .iter()
            .map(|c| match c {
                TableChange::ModifyColumn { from, to, change } => {
                    format!("modify {} {} {}", from.name, to.name, change.ty)
                }
                TableChange::DropColumn { column } => format!("drop {}", column.name),
                TableChange::AddColumn { column } => format!("add {}", column.name),
                _ => "other".into(),
            })
            .collect();
        assert_eq!(names, ["modify a a true", "drop c", "add d"]);

        let view = |n: &str, def: &str| View { name: n.into(), def: def.into(), ..View::default() };
        let changes = diff_views(
            "s",
            &[view("v", "select 1"), view("w", "select 2")],
            &[view("x", "select 3"), view("v", "select  1")],
            |f, t| f.def.split_whitespace().ne(t.def.split_whitespace()),
        );
        assert_eq!(
            changes,
            [
                Change::DropView { schema: "s".into(), view: view("w", "select 2") },
                Change::AddView { schema: "s".into(), view: view("x", "select 3") },
            ]
        );

        let trigger = |n: &str, t: &str, def: &str| Trigger { name: n.into(), table: t.into(), def: def.into() };
        let changes = diff_triggers(
            "s",
            &[trigger("g", "a", "x"), trigger("g", "b", "y")],
            &[trigger("g", "b", "z"), trigger("g", "c", "x")],
            |f, t| f.name == t.name && f.table == t.table,
            |f, t| f.def != t.def,
        );
        assert_eq!(
            changes,
            [
                Change::DropTrigger { schema: "s".into(), trigger: trigger("g", "a", "x") },
                Change::ModifyTrigger { schema: "s".into(), from: trigger("g", "b", "y"), to: trigger("g", "b", "z") },
                Change::AddTrigger { schema: "s".into(), trigger: trigger("g", "c", "x") },
            ]
        );
    }

    #[test]
    fn names_in_and_out_of_their_schema() {
        fn quote(name: &str) -> String {
            format!("`{name}`")
        }
        let bare = Names { schema: "s", qualify: false, quote };
        assert_eq!(
            (bare.name("t"), bare.in_schema(Some("s"), "t"), bare.in_schema(Some("o"), "t")),
            ("`t`".to_string(), "`t`".to_string(), "`o`.`t`".to_string())
        );
        let qualified = Names { qualify: true, ..bare };
        assert_eq!(
            (qualified.name("t"), qualified.in_schema(None, "t")),
            ("`s`.`t`".to_string(), "`s`.`t`".to_string())
        );
    }

    #[test]
    fn checks_and_keys() {
        let check = |e: &str| Check { name: None, expr: e.into(), attrs: Vec::new() };
        let changes = diff_checks(&[check("a > 0"), check("b > 0")], &[check("b > 0"), check("c > 0")], |a, b| a == b);
        assert_eq!(
            changes,
            [TableChange::DropCheck { check: check("a > 0") }, TableChange::AddCheck { check: check("c > 0") }]
        );
        let fk = |c: &str, action: Option<&str>| ForeignKey {
            columns: vec![c.into()],
            ref_table: "p".into(),
            ref_columns: vec!["id".into()],
            on_delete: action.map(String::from),
            ..ForeignKey::default()
        };
        let changes = diff_foreign_keys(
            &[fk("a", None), fk("b", None)],
            &[fk("a", Some("CASCADE")), fk("c", None)],
            |x, y| x.columns == y.columns,
            Clone::clone,
        );
        assert_eq!(
            changes,
            [
                TableChange::ModifyForeignKey { from: fk("a", None), to: fk("a", Some("CASCADE")) },
                TableChange::DropForeignKey { foreign_key: fk("b", None) },
                TableChange::AddForeignKey { foreign_key: fk("c", None) },
            ]
        );
    }
}
