//! One dependency-aware ordering of a plan's statements, shared by every
//! dialect's planner.
//!
//! A planner emits its statements in a sensible default order (its phases) and
//! says, for each group of statements that must stay together (one statement,
//! or a table rebuild), which objects it creates, which it drops, and which it
//! needs: as they are before the plan (a `DROP VIEW` needs the old table it
//! reads), or as they are after it (a `CREATE VIEW` needs the new one). From
//! that alone the order follows:
//!
//! - a step that needs an old object runs before any step that drops it
//!   (dependents are dropped before what they depend on);
//! - a step that needs a new object runs after every step that creates it
//!   (creates before uses, whatever the phases said);
//! - a step that drops an object runs before any step that creates one of the
//!   same name (renames and drops free a name before it is reused).
//!
//! Within those constraints the planner's order is kept, so plans stay
//! readable and stable. A cycle (legal for foreign keys, which a planner
//! breaks by adding keys afterwards) falls back to the planner's order for the
//! steps involved instead of failing.

use crate::sql::Token;
use std::collections::{BTreeMap, BTreeSet};
use strata_dialect_api::{ForeignKey, Table};

/// What kind of object a [`Key`] names. Kinds keep an index and a table of one
/// name apart where a dialect keeps them in separate namespaces.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    /// A schema (namespace).
    Schema,
    /// A table, view or anything else in the relation namespace.
    Relation,
    /// A column of a relation.
    Column,
    /// An index (SQLite: schema-wide names; PostgreSQL: relation namespace).
    Index,
    /// A named constraint (primary key, unique, check, foreign key).
    Constraint,
    /// A type: enum, domain, composite.
    Type,
    /// A sequence.
    Sequence,
    /// A function or procedure.
    Function,
    /// A trigger.
    Trigger,
    /// An extension.
    Extension,
}

/// A database object as the ordering sees it: a kind and a qualified name.
/// Names compare case-insensitively, as unquoted SQL identifiers do in the
/// plans' sources.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Key {
    kind: Kind,
    name: String,
}

impl Key {
    /// The object `name` of `kind` in `schema` (empty for dialects without schemas).
    pub fn new(kind: Kind, schema: &str, name: &str) -> Key {
        Key { kind, name: format!("{}.{}", schema.to_lowercase(), name.to_lowercase()) }
    }

    /// A schema.
    pub fn schema(name: &str) -> Key {
        Key::new(Kind::Schema, "", name)
    }

    /// A relation (table or view).
    pub fn relation(schema: &str, name: &str) -> Key {
        Key::new(Kind::Relation, schema, name)
    }

    /// A column of a relation.
    pub fn column(schema: &str, table: &str, column: &str) -> Key {
        Key {
            kind: Kind::Column,
            name: format!("{}.{}.{}", schema.to_lowercase(), table.to_lowercase(), column.to_lowercase()),
        }
    }

    /// An index.
    pub fn index(schema: &str, name: &str) -> Key {
        Key::new(Kind::Index, schema, name)
    }

    /// A constraint of a table (constraint names are per table).
    pub fn constraint(schema: &str, table: &str, name: &str) -> Key {
        Key {
            kind: Kind::Constraint,
            name: format!("{}.{}.{}", schema.to_lowercase(), table.to_lowercase(), name.to_lowercase()),
        }
    }

    /// The kind of object.
    pub fn kind(&self) -> Kind {
        self.kind
    }

    /// True when the object lives in `schema` (a schema's own key does not).
    pub fn in_schema(&self, schema: &str) -> bool {
        self.name.strip_prefix(&schema.to_lowercase()).is_some_and(|rest| rest.starts_with('.'))
            && self.kind != Kind::Schema
    }
}

/// The relations a SQL fragment's tokens may name, unqualified names taken in
/// `schema`: `a.b` as relation `b` of schema `a` and also of `schema`, a lone
/// name as a relation of `schema`. Keys for names that are no relation
/// (columns, aliases, keywords) match nothing a plan creates or drops.
pub fn relation_refs(schema: &str, tokens: &[Token]) -> Vec<Key> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        let t = &tokens[i];
        if t.is_name() {
            if tokens.get(i + 1).is_some_and(|n| n.is_punct(".")) && tokens.get(i + 2).is_some_and(Token::is_name) {
                out.push(Key::relation(&t.value, &tokens[i + 2].value));
                out.push(Key::relation(schema, &tokens[i + 2].value));
                i += 3;
                continue;
            }
            out.push(Key::relation(schema, &t.value));
        }
        i += 1;
    }
    out
}

/// One unit of a plan to order: statements that stay together, and the
/// objects they touch.
#[derive(Debug, Clone)]
pub struct Step<T> {
    /// What is ordered (a statement, or several that must stay together).
    pub item: T,
    /// Objects that exist after the step and not before.
    pub creates: Vec<Key>,
    /// Objects that exist before the step and not after.
    pub drops: Vec<Key>,
    /// Objects the step needs as they are before the plan.
    pub needs_old: Vec<Key>,
    /// Objects the step needs as they are after the plan.
    pub needs_new: Vec<Key>,
}

impl<T> Step<T> {
    /// A step that touches nothing the ordering knows about.
    pub fn new(item: T) -> Step<T> {
        Step { item, creates: Vec::new(), drops: Vec::new(), needs_old: Vec::new(), needs_new: Vec::new() }
    }

    /// Adds objects the step creates.
    #[must_use]
    pub fn creates(mut self, keys: impl IntoIterator<Item = Key>) -> Step<T> {
        self.creates.extend(keys);
        self
    }

    /// Adds objects the step drops.
    #[must_use]
    pub fn drops(mut self, keys: impl IntoIterator<Item = Key>) -> Step<T> {
        self.drops.extend(keys);
        self
    }

    /// Adds objects the step needs as they were before the plan.
    #[must_use]
    pub fn needs_old(mut self, keys: impl IntoIterator<Item = Key>) -> Step<T> {
        self.needs_old.extend(keys);
        self
    }

    /// Adds objects the step needs as they are after the plan.
    #[must_use]
    pub fn needs_new(mut self, keys: impl IntoIterator<Item = Key>) -> Step<T> {
        self.needs_new.extend(keys);
        self
    }
}

/// Orders `steps` (given in the planner's preferred order) so that every
/// dependency holds; see the module documentation for the rules.
pub fn order<T>(steps: Vec<Step<T>>) -> Vec<T> {
    let n = steps.len();
    let mut creators: BTreeMap<&Key, Vec<usize>> = BTreeMap::new();
    let mut droppers: BTreeMap<&Key, Vec<usize>> = BTreeMap::new();
    for (i, s) in steps.iter().enumerate() {
        for k in &s.creates {
            creators.entry(k).or_default().push(i);
        }
        for k in &s.drops {
            droppers.entry(k).or_default().push(i);
        }
    }
    // succ[a] holds every b that must run after a; waits[b] counts them.
    let mut succ: Vec<BTreeSet<usize>> = vec![BTreeSet::new(); n];
    let mut edge = |a: usize, b: usize| {
        if a != b {
            succ[a].insert(b);
        }
    };
    for (i, s) in steps.iter().enumerate() {
        for k in &s.needs_old {
            for &d in droppers.get(k).into_iter().flatten() {
                edge(i, d);
            }
        }
        for k in &s.needs_new {
            for &c in creators.get(k).into_iter().flatten() {
                edge(c, i);
            }
        }
        for k in &s.drops {
            for &c in creators.get(k).into_iter().flatten() {
                edge(i, c);
            }
        }
    }
    let mut waits = vec![0usize; n];
    let mut pred: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (a, next) in succ.iter().enumerate() {
        for &b in next {
            waits[b] += 1;
            pred[b].push(a);
        }
    }

    // Kahn's algorithm, always taking the earliest ready step in the planner's
    // order; when none is ready, the earliest step on a cycle (never one that
    // merely waits for a cycle to finish).
    let mut ready: BTreeSet<usize> = (0..n).filter(|&i| waits[i] == 0).collect();
    let mut left: BTreeSet<usize> = (0..n).collect();
    let mut sequence = Vec::with_capacity(n);
    while let Some(next) = ready.pop_first().or_else(|| on_cycle(&left, &pred)) {
        if !left.remove(&next) {
            continue;
        }
        sequence.push(next);
        for &b in &succ[next] {
            waits[b] = waits[b].saturating_sub(1);
            if waits[b] == 0 && left.contains(&b) {
                ready.insert(b);
            }
        }
    }
    let mut slots: Vec<Option<T>> = steps.into_iter().map(|s| Some(s.item)).collect();
    sequence.into_iter().filter_map(|i| slots.get_mut(i).and_then(Option::take)).collect()
}

/// Orders items (tables) so that each comes after those it `depends` on (its
/// foreign keys reference). In a cycle, the item that most others wait for goes
/// first; a planner then adds the keys closing the cycle afterwards (or drops
/// them before). Items of the same `name` never wait for each other.
pub fn dependency_order<T, N: PartialEq>(
    mut items: Vec<T>,
    name: impl Fn(&T) -> N,
    depends: impl Fn(&T, &T) -> bool,
) -> Vec<T> {
    let mut out = Vec::with_capacity(items.len());
    while !items.is_empty() {
        let edges = |i: usize, j: usize| j != i && name(&items[j]) != name(&items[i]) && depends(&items[i], &items[j]);
        let n = items.len();
        let ready = (0..n).find(|&i| !(0..n).any(|j| edges(i, j))).unwrap_or_else(|| {
            (0..n)
                .min_by_key(|&i| {
                    let waits = (0..n).filter(|&j| edges(i, j)).count();
                    let awaited = (0..n).filter(|&j| edges(j, i)).count();
                    (waits, std::cmp::Reverse(awaited), i)
                })
                .unwrap_or(0)
        });
        out.push(items.remove(ready));
    }
    out
}

/// Tables a plan creates, each `(schema, table, extra)`: referenced tables
/// first (see [`dependency_order`]).
pub fn creation_order<T>(tables: Vec<(String, Table, T)>) -> Vec<(String, Table, T)> {
    dependency_order(
        tables,
        |(s, t, _)| (s.clone(), t.name.clone()),
        |(sa, a, _), (sb, b, _)| crate::references(sa, a, sb, &b.name),
    )
}

/// Tables a plan drops: referencing tables first.
pub fn drop_order<T>(tables: Vec<(String, Table, T)>) -> Vec<(String, Table, T)> {
    let mut out = creation_order(tables);
    out.reverse();
    out
}

/// The foreign keys of `tables[i]` (in [`creation_order`] when `creating`,
/// else in [`drop_order`]) split in two: those that can be written with the
/// table (or go with it), and those whose table is created after it (or
/// dropped before it: a reference cycle), which are added once every table
/// exists (or dropped before any table goes).
pub fn split_keys<T>(tables: &[(String, Table, T)], i: usize, creating: bool) -> (Vec<&ForeignKey>, Vec<&ForeignKey>) {
    let Some((schema, table, _)) = tables.get(i) else { return (Vec::new(), Vec::new()) };
    table.foreign_keys.iter().partition(|fk| {
        let ref_schema = fk.ref_schema.as_deref().unwrap_or(schema);
        match tables.iter().position(|(s, t, _)| s == ref_schema && t.name == fk.ref_table) {
            None => true,
            Some(j) => j == i || creating == (j < i),
        }
    })
}

/// The earliest step of `left` that waits, through steps of `left`, for
/// itself; the earliest of `left` when none does (which cannot happen when
/// every step of `left` is blocked, but costs nothing to handle).
fn on_cycle(left: &BTreeSet<usize>, pred: &[Vec<usize>]) -> Option<usize> {
    let waits_for_itself = |start: usize| {
        let mut seen = BTreeSet::new();
        let mut stack: Vec<usize> = pred.get(start).into_iter().flatten().copied().collect();
        while let Some(i) = stack.pop() {
            if i == start {
                return true;
            }
            if left.contains(&i) && seen.insert(i) {
                stack.extend(pred.get(i).into_iter().flatten().copied());
            }
        }
        false
    };
    left.iter().copied().find(|&i| waits_for_itself(i)).or_else(|| left.first().copied())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(name: &str) -> Key {
        Key::relation("main", name)
    }

    #[test]
    fn keeps_the_planner_order_without_dependencies() {
        let steps = vec![Step::new(1), Step::new(2), Step::new(3)];
        assert_eq!(order(steps), [1, 2, 3]);
    }

    #[test]
    fn creates_before_uses_and_dependents_dropped_first() {
        let steps = vec![
            // A view over a new table, planned first by a careless phase.
            Step::new("create view v").creates([t("v")]).needs_new([t("users")]),
            Step::new("create table users").creates([t("users")]),
            // Dropping a table a doomed view still reads.
            Step::new("drop table old").drops([t("old")]),
            Step::new("drop view w").drops([t("w")]).needs_old([t("old")]),
        ];
        assert_eq!(order(steps), ["create table users", "create view v", "drop view w", "drop table old"]);
    }

    #[test]
    fn a_name_is_freed_before_it_is_reused() {
        let ix = Key::index("main", "ix_users");
        let steps = vec![
            Step::new("create table users_v2 + index ix_users").creates([t("users_v2"), ix.clone()]),
            Step::new("drop table users (and its index)").drops([t("users"), ix]),
        ];
        assert_eq!(order(steps), ["drop table users (and its index)", "create table users_v2 + index ix_users"]);
    }

    #[test]
    fn a_rebuilt_parent_waits_for_the_child_dropping_its_key() {
        let col = Key::column("main", "parent", "code");
        let steps = vec![
            Step::new("rebuild parent without code").drops([col.clone()]).creates([]),
            Step::new("rebuild child without its key to parent.code").needs_old([col]),
        ];
        assert_eq!(order(steps), ["rebuild child without its key to parent.code", "rebuild parent without code"]);
    }

    #[test]
    fn cycles_fall_back_to_the_planner_order() {
        let steps = vec![
            Step::new("a").creates([t("a")]).needs_new([t("b")]),
            Step::new("b").creates([t("b")]).needs_new([t("a")]),
            Step::new("c").needs_new([t("a")]),
        ];
        assert_eq!(order(steps), ["a", "b", "c"]);
    }

    #[test]
    fn a_step_waiting_for_a_cycle_is_not_taken_to_break_it() {
        let steps = vec![
            // Waits for b and c, but is not on their cycle: breaking the cycle
            // by taking it first would drop a table they still reference.
            Step::new("drop table x").drops([t("x")]),
            Step::new("b").creates([t("b")]).needs_new([t("c")]).needs_old([t("x")]),
            Step::new("c").creates([t("c")]).needs_new([t("b")]).needs_old([t("x")]),
        ];
        assert_eq!(order(steps), ["b", "c", "drop table x"]);
    }

    #[test]
    fn keys_ignore_case() {
        assert_eq!(Key::relation("Main", "Users"), Key::relation("main", "users"));
        assert_ne!(Key::relation("main", "users"), Key::index("main", "users"));
        assert_eq!(Key::relation("main", "users").kind(), Kind::Relation);
        assert!(Key::column("aux", "t", "c").in_schema("Aux"));
        assert!(!Key::relation("auxiliary", "t").in_schema("aux"));
        assert!(!Key::new(Kind::Schema, "", "aux").in_schema("aux"));
        assert_eq!(Key::schema("Aux"), Key::new(Kind::Schema, "", "aux"));
    }

    #[test]
    fn relations_a_fragment_names() {
        let tokens = crate::sql::tokenize("SELECT a.x FROM db.`t` JOIN u", &crate::sql::MYSQL);
        let r = Key::relation;
        assert_eq!(
            relation_refs("s", &tokens),
            [
                r("s", "SELECT"),
                r("a", "x"),
                r("s", "x"),
                r("s", "FROM"),
                r("db", "t"),
                r("s", "t"),
                r("s", "JOIN"),
                r("s", "u")
            ]
        );
    }
}
