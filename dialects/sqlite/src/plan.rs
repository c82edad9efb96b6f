//! Planning changes into SQLite statements.
//!
//! SQLite's `ALTER TABLE` only renames, adds and drops columns; everything else
//! is a table rebuild (https://www.sqlite.org/lang_altertable.html#otheralter).
//! Statements are emitted in phases (triggers dropped, tables altered, views
//! dropped, tables created, rebuilt and dropped, views and triggers created),
//! each step annotated with
//! the tables, columns, indexes, views and triggers it creates, drops and needs;
//! the shared ordering (`strata_dialect_kit::order`) then moves steps wherever
//! a combination of changes needs another order.

use crate::checks::values_survive_cast;
use crate::inspect::is_constraint;
use crate::sql;
use crate::types::{is_literal, normalize_type, quote, render_default};
use strata_dialect_api::{
    Attr, Change, Column, ErrorKind, ForeignKey, Index, IndexPart, Plan, PlanOptions, PluginError, Statement, Table,
    TableChange, Trigger, View,
};
use strata_dialect_kit::checks;
use strata_dialect_kit::order::{Key, Kind, Step, order};

/// A group of statements that stay together, with what it touches.
type Group = Step<Vec<Statement>>;

/// SQLite's one schema, as keys name it.
const MAIN: &str = "main";

fn relation_key(name: &str) -> Key {
    Key::relation(MAIN, name)
}

fn column_key(table: &str, column: &str) -> Key {
    Key::column(MAIN, table, column)
}

/// Index names are schema-wide in SQLite, whatever table they are on.
fn index_key(name: &str) -> Key {
    Key::index(MAIN, name)
}

fn trigger_key(name: &str) -> Key {
    Key::new(Kind::Trigger, MAIN, name)
}

/// The relation, columns and indexes that exist while `table` does.
fn table_keys(table: &Table) -> Vec<Key> {
    let mut keys = vec![relation_key(&table.name)];
    keys.extend(table.columns.iter().map(|c| column_key(&table.name, &c.name)));
    keys.extend(table.indexes.iter().map(|i| index_key(&i.name)));
    keys
}

/// What the foreign keys of `table` reference: the parent tables and their key
/// columns (a key whose parent lost the column or its unique index makes every
/// write to either table fail with `foreign key mismatch`).
fn fk_targets(table: &Table) -> Vec<Key> {
    table
        .foreign_keys
        .iter()
        .flat_map(|fk| {
            std::iter::once(relation_key(&fk.ref_table))
                .chain(fk.ref_columns.iter().map(|c| column_key(&fk.ref_table, c)))
        })
        .collect()
}

/// What dropping `table` needs to exist still. A child goes before a parent
/// that is dropped for good when `relations` (without deferred checks, dropping
/// the parent first fails on the child's rows). A child goes before a parent
/// that is rebuilt without a key column the child references: writing the
/// parent back while the child's old key still names that column fails with
/// `foreign key mismatch`. Nothing else: dropping a child whose parent is gone
/// is allowed, and asking more only makes cycles.
fn drop_needs(table: &Table, relations: bool, rebuilt: &[String]) -> Vec<Key> {
    let mut keys = Vec::new();
    for fk in &table.foreign_keys {
        if relations {
            keys.push(relation_key(&fk.ref_table));
        }
        if rebuilt.iter().any(|r| r.eq_ignore_ascii_case(&fk.ref_table)) {
            keys.extend(fk.ref_columns.iter().map(|c| column_key(&fk.ref_table, c)));
        }
    }
    keys
}

/// Columns of `table` that the index uses.
fn index_columns(table: &Table, index: &Index) -> Vec<Key> {
    table
        .columns
        .iter()
        .filter(|c| {
            part_uses(&index.parts, &c.name) || index.predicate.as_deref().is_some_and(|p| sql::mentions(p, &c.name))
        })
        .map(|c| column_key(&table.name, &c.name))
        .collect()
}

/// The relations (and their columns) the plan touches, to find what the SQL of
/// a view or trigger mentions. Relations the plan leaves alone need no order.
#[derive(Default)]
struct Known {
    relations: Vec<(String, Vec<String>)>,
}

impl Known {
    fn add(&mut self, name: &str, columns: impl IntoIterator<Item = String>) {
        let columns: Vec<String> = columns.into_iter().collect();
        match self.relations.iter_mut().find(|(n, _)| n.eq_ignore_ascii_case(name)) {
            Some((_, known)) => {
                for c in columns {
                    if !known.iter().any(|k| k.eq_ignore_ascii_case(&c)) {
                        known.push(c);
                    }
                }
            }
            None => self.relations.push((name.to_string(), columns)),
        }
    }

    fn add_table(&mut self, table: &Table) {
        self.add(&table.name, table.columns.iter().map(|c| c.name.clone()));
    }

    /// Keys of the known relations and columns that `sql` names.
    fn mentioned(&self, sql: &str) -> Vec<Key> {
        let names: Vec<String> =
            sql::tokenize(sql).into_iter().filter(|t| t.is_name()).map(|t| t.value.to_lowercase()).collect();
        let named = |n: &str| names.iter().any(|m| m.eq_ignore_ascii_case(n));
        let mut keys = Vec::new();
        for (relation, columns) in &self.relations {
            if named(relation) {
                keys.push(relation_key(relation));
                keys.extend(columns.iter().filter(|c| named(c)).map(|c| column_key(relation, c)));
            }
        }
        keys
    }
}

/// Plans `changes`.
///
/// # Errors
/// When a change cannot be expressed in SQLite (schemas other than `main`).
pub fn plan_changes(changes: &[Change], options: &PlanOptions) -> Result<Plan, PluginError> {
    let mut known = Known::default();
    for change in changes {
        match change {
            Change::AddTable { table, .. } | Change::DropTable { table, .. } => known.add_table(table),
            Change::ModifyTable { from, to, .. } => {
                known.add_table(from);
                known.add_table(to);
            }
            Change::RenameTable { from, to, .. } => {
                known.add(from, []);
                known.add(to, []);
            }
            Change::AddView { view, .. } | Change::DropView { view, .. } => known.add(&view.name, []),
            Change::ModifyView { to, .. } => known.add(&to.name, []),
            _ => {}
        }
    }

    let rebuilt: Vec<String> = changes
        .iter()
        .filter_map(|c| match c {
            Change::ModifyTable { from, to, changes, .. } if needs_rebuild(from, to, changes) => Some(to.name.clone()),
            _ => None,
        })
        .collect();
    let mut trigger_drops: Vec<Group> = Vec::new();
    let mut view_drops: Vec<Group> = Vec::new();
    let mut add_tables: Vec<Group> = Vec::new();
    // ALTER TABLE … DROP COLUMN and RENAME re-read every view and trigger in the
    // schema and fail on one naming a relation that is gone for the moment: they
    // go first, while the schema is whole (the order still moves a view or
    // trigger drop they need before them).
    let mut alters: Vec<Group> = Vec::new();
    let mut rebuilds: Vec<Group> = Vec::new();
    let mut drop_tables: Vec<Group> = Vec::new();
    let mut view_creates: Vec<Group> = Vec::new();
    let mut trigger_creates: Vec<Group> = Vec::new();
    // The change that first needs foreign-key checks deferred (a rebuild).
    let mut fk_source: Option<usize> = None;

    for (source, change) in changes.iter().enumerate() {
        match change {
            Change::AddSchema { schema } | Change::DropSchema { schema } | Change::ModifySchema { to: schema, .. } => {
                if schema.name != "main" {
                    return Err(PluginError::new(
                        ErrorKind::Unsupported,
                        format!("sqlite has one schema (\"main\"): cannot plan {}", change.describe()),
                    ));
                }
            }
            Change::AddTable { table, .. } => add_tables.extend(add_table(table, source)),
            // A plain drop needs no pragmas: referencing tables are dropped first,
            // and a surviving one holding rows should make the drop fail.
            Change::DropTable { table, .. } => drop_tables.push(drop_table(table, source, options, &rebuilt)),
            Change::RenameTable { from, to, .. } => {
                let mut s = Statement::new(
                    format!("ALTER TABLE {} RENAME TO {}", quote(from), quote(to)),
                    format!("rename a table from {from:?} to {to:?}"),
                    source,
                );
                s.reverse = vec![format!("ALTER TABLE {} RENAME TO {}", quote(to), quote(from))];
                alters.push(Step::new(vec![s]).drops([relation_key(from)]).creates([relation_key(to)]));
            }
            Change::ModifyTable { from, to, changes: table_changes, .. } => {
                if needs_rebuild(from, to, table_changes) {
                    fk_source.get_or_insert(source);
                    rebuilds.extend(rebuild(from, to, table_changes, source, options, &rebuilt));
                } else {
                    alters.extend(alter(from, to, table_changes, source, options));
                }
            }
            Change::AddView { view, .. } => view_creates.push(create_view(view, source, &known)),
            Change::DropView { view, .. } => view_drops.push(drop_view(view, source, &known)),
            Change::ModifyView { from, to, .. } => {
                view_drops.push(drop_view(from, source, &known));
                view_creates.push(create_view(to, source, &known));
            }
            Change::AddTrigger { trigger, .. } => trigger_creates.push(create_trigger(trigger, source, &known)),
            Change::DropTrigger { trigger, .. } => trigger_drops.push(drop_trigger(trigger, source, &known)),
            Change::ModifyTrigger { from, to, .. } => {
                trigger_drops.push(drop_trigger(from, source, &known));
                trigger_creates.push(create_trigger(to, source, &known));
            }
        }
    }

    let mut steps: Vec<Group> =
        [trigger_drops, alters, view_drops, add_tables, rebuilds, drop_tables, view_creates, trigger_creates]
            .into_iter()
            .flatten()
            .collect();
    break_mutual_drops(&mut steps);
    let mut statements = Vec::new();
    if let Some(source) = fk_source {
        // A rebuild drops and recreates tables other tables reference. The plan
        // normally runs inside one transaction (schema apply, migrate down, a
        // migration file), where `PRAGMA foreign_keys` is a no-op
        // (https://sqlite.org/pragma.html#pragma_foreign_keys); there
        // `defer_foreign_keys` moves the checks to COMMIT, by which time the rows
        // are back. `foreign_keys = off` still serves a plan run outside a
        // transaction (`-- atlas:txmode none`), as Atlas writes it. ON DELETE
        // actions fire on `DROP TABLE` even when deferred: the differ rebuilds
        // children with such actions too, and the order drops them first.
        let mut off =
            Statement::new("PRAGMA foreign_keys = off", "disable the enforcement of foreign-keys constraints", source);
        off.reverse = vec!["PRAGMA foreign_keys = on".into()];
        let mut defer = Statement::new(
            "PRAGMA defer_foreign_keys = on",
            "defer foreign-keys checks to the end of the transaction",
            source,
        );
        defer.reverse = vec!["PRAGMA defer_foreign_keys = on".into()];
        statements.push(off);
        statements.push(defer);
    }
    statements.extend(order(steps).into_iter().flatten());
    if let Some(source) = fk_source {
        let mut on = Statement::new(
            "PRAGMA foreign_keys = on",
            "enable back the enforcement of foreign-keys constraints",
            source,
        );
        on.reverse = vec!["PRAGMA foreign_keys = off".into(), "PRAGMA defer_foreign_keys = on".into()];
        statements.push(on);
    }
    Ok(Plan { changes: changes.to_vec(), statements })
}

/// Two tables referencing each other that are both dropped (or rebuilt) each
/// need the other to be dropped second: no order satisfies both, and the
/// ordering's fallback for a cycle may then run a step that merely waits on it
/// (such as the drop of a third table one of them references) too early. Either
/// order works for the pair itself (checks are deferred, rows are parked first),
/// so the mutual needs are left out and the pair keeps the planner's order.
fn break_mutual_drops(steps: &mut [Group]) {
    let drops_relation_needed_by =
        |a: &Group, b: &Group| a.drops.iter().any(|k| k.kind() == Kind::Relation && b.needs_old.contains(k));
    let mut pairs = Vec::new();
    for (i, a) in steps.iter().enumerate() {
        for (j, b) in steps.iter().enumerate().skip(i + 1) {
            if drops_relation_needed_by(a, b) && drops_relation_needed_by(b, a) {
                pairs.push((i, j));
            }
        }
    }
    let recreated: Vec<Key> = steps.iter().flat_map(|s| s.creates.iter().cloned()).collect();
    // The other's relation, and the columns it has again afterwards; a column
    // gone for good still orders the pair (see `drop_needs`).
    let lifted = |k: &Key, other: &[Key]| other.contains(k) && (k.kind() == Kind::Relation || recreated.contains(k));
    for (i, j) in pairs {
        let (dropped_i, dropped_j) = (steps[i].drops.clone(), steps[j].drops.clone());
        steps[i].needs_old.retain(|k| !lifted(k, &dropped_j));
        steps[j].needs_old.retain(|k| !lifted(k, &dropped_i));
    }
}

/// True when SQLite cannot apply `changes` with `ALTER TABLE` / `CREATE INDEX`
/// alone, and the table must be rebuilt.
pub(crate) fn needs_rebuild(from: &Table, to: &Table, changes: &[TableChange]) -> bool {
    !changes.iter().all(|change| match change {
        TableChange::AddIndex { index } | TableChange::DropIndex { index } => !is_constraint(index),
        TableChange::ModifyIndex { from, to } => !is_constraint(from) && !is_constraint(to),
        TableChange::AddColumn { column } => addable(column, to),
        // The reverse (ADD COLUMN) must be expressible too.
        TableChange::DropColumn { column } => droppable(column, from) && addable(column, from),
        _ => false,
    })
}

/// What `ALTER TABLE ADD COLUMN` accepts (https://www.sqlite.org/lang_altertable.html#altertabaddcol):
/// no PRIMARY KEY or UNIQUE, no expression or CURRENT_* default, a non-NULL default
/// for NOT NULL, no STORED generated column.
fn addable(column: &Column, table: &Table) -> bool {
    let in_pk = table.primary_key.as_ref().is_some_and(|pk| part_uses(&pk.parts, &column.name));
    let in_unique = table.indexes.iter().any(|i| is_constraint(i) && part_uses(&i.parts, &column.name));
    let in_fk = table.foreign_keys.iter().any(|fk| fk.columns.iter().any(|c| c.eq_ignore_ascii_case(&column.name)));
    let default_ok = match column.default.as_deref() {
        None => column.nullable,
        Some(d) => is_literal(d) && (column.nullable || !d.trim().eq_ignore_ascii_case("NULL")),
    };
    let generated_ok = column.generated.as_ref().is_none_or(|g| !g.stored && column.nullable);
    !in_pk && !in_unique && !in_fk && default_ok && generated_ok
}

/// What `ALTER TABLE DROP COLUMN` accepts: a column nothing else in the table uses.
fn droppable(column: &Column, table: &Table) -> bool {
    let name = column.name.as_str();
    let in_pk = table.primary_key.as_ref().is_some_and(|pk| part_uses(&pk.parts, name));
    let in_index = table
        .indexes
        .iter()
        .any(|i| part_uses(&i.parts, name) || i.predicate.as_deref().is_some_and(|p| sql::mentions(p, name)));
    let in_fk = table.foreign_keys.iter().any(|fk| fk.columns.iter().any(|c| c.eq_ignore_ascii_case(name)));
    let in_check = table.checks.iter().any(|c| sql::mentions(&c.expr, name));
    let in_generated = table.columns.iter().any(|c| c.generated.as_ref().is_some_and(|g| sql::mentions(&g.expr, name)));
    !in_pk && !in_index && !in_fk && !in_check && !in_generated && column.generated.is_none()
}

fn part_uses(parts: &[IndexPart], column: &str) -> bool {
    parts.iter().any(|p| {
        p.column.as_deref().is_some_and(|c| c.eq_ignore_ascii_case(column))
            || p.expr.as_deref().is_some_and(|e| sql::mentions(e, column))
    })
}

/// Renders a column definition.
/// `inline_pk` is `Some(name)` for the inline `PRIMARY KEY AUTOINCREMENT`
/// column, with the key's constraint name if it has one.
fn column_sql(column: &Column, inline_pk: Option<Option<&str>>) -> String {
    let mut out = quote(&column.name);
    let ty = normalize_type(&column.ty);
    if !ty.is_empty() {
        out.push(' ');
        out.push_str(&ty);
    }
    out.push_str(if column.nullable { " NULL" } else { " NOT NULL" });
    if let Some(name) = inline_pk {
        if let Some(name) = name {
            out.push_str(&format!(" CONSTRAINT {}", quote(name)));
        }
        out.push_str(" PRIMARY KEY AUTOINCREMENT");
    }
    if let Some(default) = &column.default {
        out.push_str(" DEFAULT ");
        out.push_str(&render_default(default));
    }
    if let Some(collation) = &column.collation {
        out.push_str(" COLLATE ");
        out.push_str(collation);
    }
    if let Some(generated) = &column.generated {
        out.push_str(&format!(
            " GENERATED ALWAYS AS ({}) {}",
            generated.expr,
            if generated.stored { "STORED" } else { "VIRTUAL" }
        ));
    }
    out
}

fn parts_sql(parts: &[IndexPart]) -> String {
    let parts: Vec<String> = parts
        .iter()
        .map(|p| {
            let mut s = match (&p.column, &p.expr) {
                (Some(c), _) => quote(c),
                (None, Some(e)) => e.clone(),
                (None, None) => String::new(),
            };
            if let Some(c) = &p.collation {
                s.push_str(" COLLATE ");
                s.push_str(c);
            }
            if p.desc {
                s.push_str(" DESC");
            }
            s
        })
        .collect();
    format!("({})", parts.join(", "))
}

fn fk_sql(fk: &ForeignKey) -> String {
    let mut out = String::new();
    if let Some(name) = &fk.name {
        out.push_str(&format!("CONSTRAINT {} ", quote(name)));
    }
    let cols: Vec<String> = fk.columns.iter().map(|c| quote(c)).collect();
    out.push_str(&format!("FOREIGN KEY ({}) REFERENCES {}", cols.join(", "), quote(&fk.ref_table)));
    if !fk.ref_columns.is_empty() {
        let refs: Vec<String> = fk.ref_columns.iter().map(|c| quote(c)).collect();
        out.push_str(&format!(" ({})", refs.join(", ")));
    }
    if let Some(a) = fk.on_update.as_deref().filter(|a| !a.eq_ignore_ascii_case("NO ACTION")) {
        out.push_str(&format!(" ON UPDATE {a}"));
    }
    if let Some(a) = fk.on_delete.as_deref().filter(|a| !a.eq_ignore_ascii_case("NO ACTION")) {
        out.push_str(&format!(" ON DELETE {a}"));
    }
    if let Some(d) = &fk.deferrable {
        out.push(' ');
        out.push_str(d);
    }
    out
}

/// The AUTOINCREMENT column, which SQLite only accepts as an inline `INTEGER PRIMARY KEY`.
fn autoincrement_column(table: &Table) -> Option<&str> {
    let pk = table.primary_key.as_ref()?;
    let auto = pk.attrs.contains(&Attr::AutoIncrement)
        || (pk.parts.len() == 1
            && pk.parts[0]
                .column
                .as_deref()
                .and_then(|c| table.column(c))
                .is_some_and(|c| c.attrs.contains(&Attr::AutoIncrement)));
    match pk.parts.as_slice() {
        [part] if auto => part.column.as_deref(),
        _ => None,
    }
}

/// Renders `CREATE TABLE` for `table`, with its `UNIQUE` constraints but not its other indexes.
pub(crate) fn create_table_sql(table: &Table) -> String {
    let inline = autoincrement_column(table);
    let pk_name = table.primary_key.as_ref().and_then(|pk| pk.name.as_deref());
    let mut items: Vec<String> = table
        .columns
        .iter()
        .map(|c| column_sql(c, inline.filter(|i| i.eq_ignore_ascii_case(&c.name)).map(|_| pk_name)))
        .collect();
    if let Some(pk) = table.primary_key.as_ref().filter(|_| inline.is_none()) {
        // A rebuilt table keeps its key's name (Atlas and other tools refer to it).
        match pk_name {
            Some(name) => items.push(format!("CONSTRAINT {} PRIMARY KEY {}", quote(name), parts_sql(&pk.parts))),
            None => items.push(format!("PRIMARY KEY {}", parts_sql(&pk.parts))),
        }
    }
    for index in table.indexes.iter().filter(|i| is_constraint(i)) {
        items.push(format!("UNIQUE {}", parts_sql(&index.parts)));
    }
    for check in &table.checks {
        let expr = check.expr.trim();
        match &check.name {
            Some(name) => items.push(format!("CONSTRAINT {} CHECK ({expr})", quote(name))),
            None => items.push(format!("CHECK ({expr})")),
        }
    }
    items.extend(table.foreign_keys.iter().map(fk_sql));
    let mut out = format!("CREATE TABLE {} ({})", quote(&table.name), items.join(", "));
    let mut options = Vec::new();
    if table.attrs.contains(&Attr::WithoutRowid) {
        options.push("WITHOUT ROWID");
    }
    if table.attrs.contains(&Attr::Strict) {
        options.push("STRICT");
    }
    if !options.is_empty() {
        out.push(' ');
        out.push_str(&options.join(", "));
    }
    out
}

fn create_index_sql(table: &str, index: &Index) -> String {
    let mut out = format!(
        "CREATE {}INDEX {} ON {} {}",
        if index.unique { "UNIQUE " } else { "" },
        quote(&index.name),
        quote(table),
        parts_sql(&index.parts)
    );
    if let Some(p) = &index.predicate {
        out.push_str(" WHERE ");
        out.push_str(p.trim());
    }
    out
}

fn create_index(table: &str, index: &Index, source: usize) -> Statement {
    let mut s = Statement::new(
        create_index_sql(table, index),
        format!("create index {:?} to table: {table:?}", index.name),
        source,
    );
    s.reverse = vec![format!("DROP INDEX {}", quote(&index.name))];
    s
}

fn drop_index(table: &str, index: &Index, source: usize) -> Statement {
    let mut s = Statement::new(
        format!("DROP INDEX {}", quote(&index.name)),
        format!("drop index {:?} from table: {table:?}", index.name),
        source,
    );
    s.reverse = vec![create_index_sql(table, index)];
    s
}

/// `CREATE TABLE` and `CREATE INDEX` statements recreating `table`.
fn create_table_statements(table: &Table) -> Vec<String> {
    let mut out = vec![create_table_sql(table)];
    out.extend(table.indexes.iter().filter(|i| !is_constraint(i)).map(|i| create_index_sql(&table.name, i)));
    out
}

/// `CREATE TABLE`, then each `CREATE INDEX` as its own step (an index name may
/// still belong to a table the plan drops later).
fn add_table(table: &Table, source: usize) -> Vec<Group> {
    let mut create = Statement::new(create_table_sql(table), format!("create {:?} table", table.name), source);
    create.reverse = vec![format!("DROP TABLE {}", quote(&table.name))];
    let mut keys = vec![relation_key(&table.name)];
    keys.extend(table.columns.iter().map(|c| column_key(&table.name, &c.name)));
    // UNIQUE constraints come with the table, under names derived from it.
    keys.extend(table.indexes.iter().filter(|i| is_constraint(i)).map(|i| index_key(&i.name)));
    let mut out = vec![Step::new(vec![create]).creates(keys).needs_new(fk_targets(table))];
    out.extend(table.indexes.iter().filter(|i| !is_constraint(i)).map(|i| {
        Step::new(vec![create_index(&table.name, i, source)])
            .creates([index_key(&i.name)])
            .needs_new(index_columns(table, i))
            .needs_new([relation_key(&table.name)])
    }));
    out
}

/// `DROP TABLE`, which drops its indexes and triggers too; tables it references
/// are dropped after it.
fn drop_table(table: &Table, source: usize, options: &PlanOptions, rebuilt: &[String]) -> Group {
    let mut s =
        Statement::new(format!("DROP TABLE {}", quote(&table.name)), format!("drop {:?} table", table.name), source);
    s.reverse = create_table_statements(table);
    s.destructive = true;
    if options.checks {
        s.checks.push(checks::table_is_empty(quote, &quote(&table.name), &table.name));
    }
    Step::new(vec![s]).drops(table_keys(table)).needs_old(drop_needs(table, true, rebuilt))
}

fn view_sql(view: &View) -> String {
    let def = view.def.trim().trim_end_matches(';').trim_end();
    if sql::tokenize(def).first().is_some_and(|t| t.is("CREATE")) {
        def.to_string()
    } else {
        format!("CREATE VIEW {} AS {def}", quote(&view.name))
    }
}

fn create_view(view: &View, source: usize, known: &Known) -> Group {
    let mut s = Statement::new(view_sql(view), format!("create {:?} view", view.name), source);
    s.reverse = vec![format!("DROP VIEW {}", quote(&view.name))];
    let self_key = relation_key(&view.name);
    let needs: Vec<Key> = known.mentioned(&view.def).into_iter().filter(|k| *k != self_key).collect();
    Step::new(vec![s]).creates([self_key]).needs_new(needs)
}

fn drop_view(view: &View, source: usize, known: &Known) -> Group {
    let mut s =
        Statement::new(format!("DROP VIEW {}", quote(&view.name)), format!("drop {:?} view", view.name), source);
    s.reverse = vec![view_sql(view)];
    let self_key = relation_key(&view.name);
    let needs: Vec<Key> = known.mentioned(&view.def).into_iter().filter(|k| *k != self_key).collect();
    Step::new(vec![s]).drops([self_key]).needs_old(needs)
}

fn trigger_sql(trigger: &Trigger) -> String {
    trigger.def.trim().trim_end_matches(';').trim_end().to_string()
}

/// A trigger needs its table (or view) and whatever its body names; `DROP TABLE`
/// drops a table's triggers, so dropping one goes before its table is dropped.
fn trigger_needs(trigger: &Trigger, known: &Known) -> Vec<Key> {
    let mut needs = known.mentioned(&trigger.def);
    needs.push(relation_key(&trigger.table));
    needs
}

fn create_trigger(trigger: &Trigger, source: usize, known: &Known) -> Group {
    let mut s = Statement::new(trigger_sql(trigger), format!("create trigger {:?}", trigger.name), source);
    s.reverse = vec![format!("DROP TRIGGER {}", quote(&trigger.name))];
    Step::new(vec![s]).creates([trigger_key(&trigger.name)]).needs_new(trigger_needs(trigger, known))
}

fn drop_trigger(trigger: &Trigger, source: usize, known: &Known) -> Group {
    let mut s = Statement::new(
        format!("DROP TRIGGER {}", quote(&trigger.name)),
        format!("drop trigger {:?}", trigger.name),
        source,
    );
    s.reverse = vec![trigger_sql(trigger)];
    Step::new(vec![s]).drops([trigger_key(&trigger.name)]).needs_old(trigger_needs(trigger, known))
}

/// Applies `changes` with `ALTER TABLE` and index statements; `needs_rebuild` said it can.
/// Index drops come first, then added columns, dropped columns, and index
/// creations: adding before dropping lets a table's only column be renamed
/// (SQLite refuses to drop the last column).
fn alter(from: &Table, to: &Table, changes: &[TableChange], source: usize, options: &PlanOptions) -> Vec<Group> {
    let t = to.name.as_str();
    let drop_index_step = |index: &Index| {
        Step::new(vec![drop_index(t, index, source)])
            .drops([index_key(&index.name)])
            .needs_old(index_columns(from, index))
    };
    let create_index_step = |index: &Index| {
        Step::new(vec![create_index(t, index, source)])
            .creates([index_key(&index.name)])
            .needs_new(index_columns(to, index))
    };
    let mut drops = Vec::new();
    let mut adds = Vec::new();
    let mut removes = Vec::new();
    let mut creates = Vec::new();
    for change in changes {
        match change {
            TableChange::DropIndex { index } => drops.push(drop_index_step(index)),
            TableChange::AddIndex { index } => creates.push(create_index_step(index)),
            TableChange::ModifyIndex { from, to } => {
                drops.push(drop_index_step(from));
                creates.push(create_index_step(to));
            }
            TableChange::DropColumn { column } => {
                let mut s = Statement::new(
                    format!("ALTER TABLE {} DROP COLUMN {}", quote(t), quote(&column.name)),
                    format!("drop column {:?} from table: {t:?}", column.name),
                    source,
                );
                s.reverse = vec![format!("ALTER TABLE {} ADD COLUMN {}", quote(t), column_sql(column, None))];
                s.destructive = true;
                if options.checks {
                    s.checks.push(checks::column_is_empty(quote, &quote(&from.name), &from.name, &column.name));
                }
                removes.push(Step::new(vec![s]).drops([column_key(t, &column.name)]));
            }
            TableChange::AddColumn { column } => {
                let mut s = Statement::new(
                    format!("ALTER TABLE {} ADD COLUMN {}", quote(t), column_sql(column, None)),
                    format!("add column {:?} to table: {t:?}", column.name),
                    source,
                );
                s.reverse = vec![format!("ALTER TABLE {} DROP COLUMN {}", quote(t), quote(&column.name))];
                adds.push(Step::new(vec![s]).creates([column_key(t, &column.name)]));
            }
            // needs_rebuild sends every other change to `rebuild`.
            _ => {}
        }
    }
    drops.into_iter().chain(adds).chain(removes).chain(creates).collect()
}

/// Rebuilds `from` into `to`, keeping the rows.
///
/// SQLite's documented procedure creates `new_t`, copies, drops `t` and renames
/// `new_t` to `t`. Inside a transaction with foreign keys enforced that cannot
/// work: the implicit DELETE of `DROP TABLE t` counts every referencing row as a
/// deferred violation and rows inserted into `new_t` never uncount them, so COMMIT
/// fails; and the rename breaks on views and triggers naming `t`. So the rows are
/// parked in a temporary table and inserted back into the new `t` under its final
/// name, which settles the deferred count and leaves views untouched. The cost is
/// a second copy of the rows.
///
/// It is four steps for the ordering: park the rows, drop the table, create
/// it (with its indexes), copy the rows back. Every rebuilt table's rows are
/// parked before any table it references is dropped, so ON DELETE actions
/// that dropping a parent fires on them lose nothing; a child is dropped
/// before its parent loses the key it references; rows are copied back once
/// every table their keys reference exists again (in a cycle of foreign keys,
/// after all are created).
fn rebuild(
    from: &Table,
    to: &Table,
    changes: &[TableChange],
    source: usize,
    options: &PlanOptions,
    rebuilt: &[String],
) -> Vec<Group> {
    let mut statements = rebuild_statements(from, to, changes, source, options);
    let indexes = to.indexes.iter().filter(|i| !is_constraint(i)).count();
    let create_indexes: Vec<Statement> = statements.split_off(statements.len().saturating_sub(indexes));
    let mut rest = statements.into_iter();
    let park: Vec<Statement> = rest.by_ref().take(1).collect();
    let drop: Vec<Statement> = rest.by_ref().take(1).collect();
    let mut create: Vec<Statement> = rest.by_ref().take(1).collect();
    create.extend(create_indexes);
    let mut fill: Vec<Statement> = rest.collect();
    // The reverse is the rebuild back, planned now (Atlas plans a DropTable's
    // reverse the same way); it sits on the rebuild's last statement so that
    // undoing statements in reverse order runs it first.
    let back = reverse_changes(changes);
    let reverse: Vec<String> =
        rebuild_statements(to, from, &back, source, &PlanOptions::default()).into_iter().map(|s| s.sql).collect();
    if let Some(last) = fill.last_mut() {
        last.reverse = reverse;
    }
    let old = relation_key(&from.name);
    vec![
        Step::new(park).needs_old(fk_targets(from)).needs_old([old]),
        // Checks are deferred in a plan with a rebuild: the parents' relations need not wait.
        Step::new(drop).drops(table_keys(from)).needs_old(drop_needs(from, false, rebuilt)),
        Step::new(create).creates(table_keys(to)),
        Step::new(fill).needs_new(fk_targets(to)).needs_new([relation_key(&to.name)]),
    ]
}

fn reverse_changes(changes: &[TableChange]) -> Vec<TableChange> {
    changes
        .iter()
        .map(|c| match c.clone() {
            TableChange::AddColumn { column } => TableChange::DropColumn { column },
            TableChange::DropColumn { column } => TableChange::AddColumn { column },
            TableChange::ModifyColumn { from, to, change } => TableChange::ModifyColumn { from: to, to: from, change },
            TableChange::AddIndex { index } => TableChange::DropIndex { index },
            TableChange::DropIndex { index } => TableChange::AddIndex { index },
            TableChange::ModifyIndex { from, to } => TableChange::ModifyIndex { from: to, to: from },
            TableChange::AddPrimaryKey { key } => TableChange::DropPrimaryKey { key },
            TableChange::DropPrimaryKey { key } => TableChange::AddPrimaryKey { key },
            TableChange::ModifyPrimaryKey { from, to } => TableChange::ModifyPrimaryKey { from: to, to: from },
            TableChange::AddForeignKey { foreign_key } => TableChange::DropForeignKey { foreign_key },
            TableChange::DropForeignKey { foreign_key } => TableChange::AddForeignKey { foreign_key },
            TableChange::ModifyForeignKey { from, to } => TableChange::ModifyForeignKey { from: to, to: from },
            TableChange::AddCheck { check } => TableChange::DropCheck { check },
            TableChange::DropCheck { check } => TableChange::AddCheck { check },
            TableChange::ModifyAttrs => TableChange::ModifyAttrs,
        })
        .collect()
}

fn rebuild_statements(
    from: &Table,
    to: &Table,
    changes: &[TableChange],
    source: usize,
    options: &PlanOptions,
) -> Vec<Statement> {
    let t = to.name.as_str();
    let old = format!("old_{t}");
    let rewrite = |sql: String, comment: String| {
        let mut s = Statement::new(sql, comment, source);
        s.rewrites_table = true;
        s.locks_table = true;
        s
    };
    let mut out = Vec::new();
    out.push(rewrite(
        format!("CREATE TEMPORARY TABLE {} AS SELECT * FROM {}", quote(&old), quote(&from.name)),
        format!("copy rows of table {:?} to temporary table {old:?}", from.name),
    ));
    let mut drop =
        rewrite(format!("DROP TABLE {}", quote(&from.name)), format!("drop {:?} table to rebuild it", from.name));
    let mut create = rewrite(create_table_sql(to), format!("create {t:?} table with its new definition"));

    // Columns present on both sides are copied; new columns take their defaults.
    let mut targets = Vec::new();
    let mut values = Vec::new();
    for column in to.columns.iter().filter(|c| c.generated.is_none()) {
        let Some(previous) = from
            .column(&column.name)
            .or_else(|| from.columns.iter().find(|c| c.name.eq_ignore_ascii_case(&column.name)))
        else {
            if !column.nullable && column.default.is_none() && options.checks {
                create.checks.push(checks::table_is_empty_for(quote, &quote(&from.name), &from.name, &column.name));
            }
            continue;
        };
        targets.push(quote(&column.name));
        let becomes_not_null = previous.nullable && !column.nullable;
        match (&column.default, becomes_not_null) {
            // NULLs take the default, as ADD COLUMN … NOT NULL DEFAULT would have given them.
            (Some(d), true) => values.push(format!("IFNULL({}, {})", quote(&previous.name), render_default(d))),
            (None, true) => {
                values.push(quote(&previous.name));
                if options.checks {
                    create.checks.push(checks::column_has_no_nulls(
                        quote,
                        &quote(&from.name),
                        &from.name,
                        &previous.name,
                    ));
                }
            }
            _ => values.push(quote(&previous.name)),
        }
        let retyped = normalize_type(&previous.ty) != normalize_type(&column.ty);
        if retyped && to.attrs.contains(&Attr::Strict) && options.checks {
            create.checks.push(values_survive_cast(&from.name, &previous.name, &normalize_type(&column.ty)));
        }
    }
    let dropped: Vec<&Column> = changes
        .iter()
        .filter_map(|c| match c {
            TableChange::DropColumn { column } => Some(column),
            _ => None,
        })
        .collect();
    if !dropped.is_empty() || targets.is_empty() && !from.columns.is_empty() {
        drop.destructive = true;
        if options.checks {
            drop.checks.extend(
                dropped.iter().map(|c| checks::column_is_empty(quote, &quote(&from.name), &from.name, &c.name)),
            );
        }
    }
    out.push(drop);
    out.push(create);
    if !targets.is_empty() {
        out.push(rewrite(
            format!(
                "INSERT INTO {} ({}) SELECT {} FROM `temp`.{}",
                quote(t),
                targets.join(", "),
                values.join(", "),
                quote(&old)
            ),
            format!("copy rows from temporary table {old:?} to {t:?}"),
        ));
    }
    out.push(rewrite(format!("DROP TABLE `temp`.{}", quote(&old)), format!("drop temporary table {old:?}")));
    out.extend(to.indexes.iter().filter(|i| !is_constraint(i)).map(|i| create_index(t, i, source)));
    for s in &mut out {
        s.reverse.clear();
    }
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use strata_dialect_api::{Check, Generated, PrimaryKey};

    fn col(name: &str, ty: &str, nullable: bool) -> Column {
        Column { name: name.into(), ty: ty.into(), nullable, ..Column::default() }
    }

    fn users() -> Table {
        Table {
            name: "users".into(),
            columns: vec![
                col("id", "integer", false),
                Column {
                    default: Some("'x'".into()),
                    collation: Some("NOCASE".into()),
                    ..col("name", "varchar(255)", false)
                },
                Column {
                    generated: Some(Generated { expr: "length(name)".into(), stored: false }),
                    ..col("len", "int", true)
                },
            ],
            primary_key: Some(PrimaryKey {
                parts: vec![IndexPart::column("id")],
                attrs: vec![Attr::AutoIncrement],
                ..PrimaryKey::default()
            }),
            indexes: vec![
                Index {
                    name: "users_name".into(),
                    parts: vec![IndexPart { expr: Some("lower(name)".into()), desc: true, ..IndexPart::default() }],
                    predicate: Some("id > 0".into()),
                    ..Index::default()
                },
                Index {
                    name: "sqlite_autoindex_users_1".into(),
                    unique: true,
                    parts: vec![IndexPart::column("name")],
                    attrs: vec![crate::inspect::constraint_attr()],
                    ..Index::default()
                },
            ],
            checks: vec![Check { name: Some("named".into()), expr: "id > 0".into(), attrs: Vec::new() }],
            ..Table::default()
        }
    }

    fn sqls(plan: &Plan) -> Vec<(String, Vec<String>)> {
        plan.statements.iter().map(|s| (s.sql.clone(), s.reverse.clone())).collect()
    }

    #[test]
    fn add_table_snapshot() {
        let plan = plan_changes(&[Change::AddTable { schema: "main".into(), table: users() }], &PlanOptions::default())
            .unwrap();
        assert_eq!(
            sqls(&plan),
            vec![
                (
                    "CREATE TABLE `users` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `name` varchar(255) NOT NULL DEFAULT 'x' COLLATE NOCASE, \
                     `len` int NULL GENERATED ALWAYS AS (length(name)) VIRTUAL, UNIQUE (`name`), CONSTRAINT `named` CHECK (id > 0))"
                        .to_string(),
                    vec!["DROP TABLE `users`".to_string()]
                ),
                (
                    "CREATE INDEX `users_name` ON `users` (lower(name) DESC) WHERE id > 0".to_string(),
                    vec!["DROP INDEX `users_name`".to_string()]
                ),
            ]
        );
        assert_eq!(plan.statements[0].comment, "create \"users\" table");
        assert_eq!(plan.statements[1].comment, "create index \"users_name\" to table: \"users\"");
    }

    #[test]
    fn drop_table_reverse_recreates_indexes() {
        let plan = plan_changes(
            &[Change::DropTable { schema: "main".into(), table: users() }],
            &PlanOptions { checks: true, ..PlanOptions::default() },
        )
        .unwrap();
        let drop = plan.statements.iter().find(|s| s.sql == "DROP TABLE `users`").unwrap();
        assert!(drop.destructive);
        assert_eq!(drop.comment, "drop \"users\" table");
        assert_eq!(drop.reverse.len(), 2);
        assert!(drop.reverse[0].starts_with("CREATE TABLE `users`"));
        assert_eq!(drop.checks[0].sql, "SELECT NOT EXISTS (SELECT 1 FROM `users`) AS `is_empty`");
        // A plain drop is just the drop: no foreign-key pragmas around it.
        assert_eq!(plan.statements.len(), 1);
    }

    #[test]
    fn alter_snapshot() {
        let from = Table {
            name: "t".into(),
            columns: vec![col("a", "int", true), col("b", "text", true)],
            ..Table::default()
        };
        let to = Table {
            name: "t".into(),
            columns: vec![col("a", "int", true), Column { default: Some("0".into()), ..col("c", "int", false) }],
            indexes: vec![Index { name: "t_a".into(), parts: vec![IndexPart::column("a")], ..Index::default() }],
            ..Table::default()
        };
        let changes = crate::diff::diff_table(&from, &to);
        assert!(!needs_rebuild(&from, &to, &changes));
        let plan = plan_changes(
            &[Change::ModifyTable { schema: "main".into(), from, to, changes }],
            &PlanOptions { checks: true, ..PlanOptions::default() },
        )
        .unwrap();
        assert_eq!(
            sqls(&plan),
            vec![
                (
                    "ALTER TABLE `t` ADD COLUMN `c` int NOT NULL DEFAULT 0".into(),
                    vec!["ALTER TABLE `t` DROP COLUMN `c`".into()]
                ),
                ("ALTER TABLE `t` DROP COLUMN `b`".into(), vec!["ALTER TABLE `t` ADD COLUMN `b` text NULL".into()]),
                ("CREATE INDEX `t_a` ON `t` (`a`)".into(), vec!["DROP INDEX `t_a`".into()]),
            ]
        );
        assert_eq!(
            plan.statements[1].checks[0].sql,
            "SELECT NOT EXISTS (SELECT 1 FROM `t` WHERE `b` IS NOT NULL) AS `is_empty`"
        );
        assert!(plan.statements[1].destructive);
        assert_eq!(plan.statements[0].comment, "add column \"c\" to table: \"t\"");
    }

    #[test]
    fn rebuild_snapshot() {
        let from = Table {
            name: "t".into(),
            columns: vec![col("a", "int", true), col("b", "text", true)],
            ..Table::default()
        };
        let to = Table {
            name: "t".into(),
            columns: vec![col("a", "int", true), Column { default: Some("'z'".into()), ..col("b", "text", false) }],
            checks: vec![Check { name: None, expr: "a > 0".into(), attrs: Vec::new() }],
            ..Table::default()
        };
        let changes = crate::diff::diff_table(&from, &to);
        assert!(needs_rebuild(&from, &to, &changes));
        let plan =
            plan_changes(&[Change::ModifyTable { schema: "main".into(), from, to, changes }], &PlanOptions::default())
                .unwrap();
        let forward: Vec<&str> = plan.statements.iter().map(|s| s.sql.as_str()).collect();
        assert_eq!(
            forward,
            [
                "PRAGMA foreign_keys = off",
                "PRAGMA defer_foreign_keys = on",
                "CREATE TEMPORARY TABLE `old_t` AS SELECT * FROM `t`",
                "DROP TABLE `t`",
                "CREATE TABLE `t` (`a` int NULL, `b` text NOT NULL DEFAULT 'z', CHECK (a > 0))",
                "INSERT INTO `t` (`a`, `b`) SELECT `a`, IFNULL(`b`, 'z') FROM `temp`.`old_t`",
                "DROP TABLE `temp`.`old_t`",
                "PRAGMA foreign_keys = on",
            ]
        );
        assert_eq!(
            plan.statements[6].reverse,
            [
                "CREATE TEMPORARY TABLE `old_t` AS SELECT * FROM `t`",
                "DROP TABLE `t`",
                "CREATE TABLE `t` (`a` int NULL, `b` text NULL)",
                "INSERT INTO `t` (`a`, `b`) SELECT `a`, `b` FROM `temp`.`old_t`",
                "DROP TABLE `temp`.`old_t`",
            ]
        );
        assert!(plan.statements[2..7].iter().all(|s| s.rewrites_table && s.locks_table && !s.destructive));
    }

    #[test]
    fn views_and_triggers_snapshot() {
        let v = View { name: "v".into(), def: "CREATE VIEW v AS SELECT 1;".into(), attrs: vec![] };
        let tr = Trigger {
            name: "tr".into(),
            table: "t".into(),
            def: "CREATE TRIGGER tr AFTER INSERT ON t BEGIN SELECT 1; END".into(),
        };
        let plan = plan_changes(
            &[
                Change::AddView { schema: "main".into(), view: v.clone() },
                Change::ModifyTrigger { schema: "main".into(), from: tr.clone(), to: tr.clone() },
                Change::DropView {
                    schema: "main".into(),
                    view: View { name: "old".into(), def: "SELECT 2".into(), attrs: vec![] },
                },
            ],
            &PlanOptions::default(),
        )
        .unwrap();
        assert_eq!(
            sqls(&plan),
            vec![
                ("DROP TRIGGER `tr`".into(), vec![tr.def.clone()]),
                ("DROP VIEW `old`".into(), vec!["CREATE VIEW `old` AS SELECT 2".into()]),
                ("CREATE VIEW v AS SELECT 1".into(), vec!["DROP VIEW `v`".into()]),
                (tr.def.clone(), vec!["DROP TRIGGER `tr`".into()]),
            ]
        );
        assert_eq!(plan.statements[2].source, 0);
        assert_eq!(plan.statements[0].source, 1);
    }

    #[test]
    fn tables_are_created_parents_first_and_dropped_children_first() {
        let parent = Table { name: "p".into(), columns: vec![col("id", "int", false)], ..Table::default() };
        let child = Table {
            name: "c".into(),
            columns: vec![col("p", "int", true)],
            foreign_keys: vec![ForeignKey {
                columns: vec!["p".into()],
                ref_table: "p".into(),
                ref_columns: vec!["id".into()],
                on_delete: Some("CASCADE".into()),
                ..ForeignKey::default()
            }],
            ..Table::default()
        };
        let add = plan_changes(
            &[
                Change::AddTable { schema: "main".into(), table: child.clone() },
                Change::AddTable { schema: "main".into(), table: parent.clone() },
            ],
            &PlanOptions::default(),
        )
        .unwrap();
        assert_eq!(add.statements[0].sql, "CREATE TABLE `p` (`id` int NOT NULL)");
        assert_eq!(
            add.statements[1].sql,
            "CREATE TABLE `c` (`p` int NULL, FOREIGN KEY (`p`) REFERENCES `p` (`id`) ON DELETE CASCADE)"
        );
        let drop = plan_changes(
            &[
                Change::DropTable { schema: "main".into(), table: parent },
                Change::DropTable { schema: "main".into(), table: child },
            ],
            &PlanOptions::default(),
        )
        .unwrap();
        let order: Vec<&str> = drop.statements.iter().map(|s| s.sql.as_str()).collect();
        assert_eq!(order, ["DROP TABLE `c`", "DROP TABLE `p`"]);
    }
}
