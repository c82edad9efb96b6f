//! Planning changes into PostgreSQL statements.
//!
//! Every change becomes `ALTER TABLE` / `CREATE` / `DROP` statements, each with
//! its reverse. Statements are grouped in phases so dependencies hold whatever
//! order the changes come in:
//!
//! 1. triggers and views are dropped (views using other views first);
//! 2. foreign keys of modified tables are dropped, then dropped tables go
//!    (referencing tables first; keys of a reference cycle are dropped before);
//! 3. schemas, extensions, types, sequences and functions are created or changed;
//! 4. modified tables change in place, then new tables are created (referenced
//!    tables first); keys to tables created later or in a cycle are added after;
//! 5. foreign keys are added, views and triggers created;
//! 6. functions, sequences, types, extensions and schemas are dropped.
//!
//! Whatever the ordering then moves, extensions are created before and dropped
//! after the rest (`around_extensions`): what uses them cannot name them.
//!
//! Names are double-quoted and left unqualified unless `PlanOptions::qualify`.
//! `CREATE INDEX` is never `CONCURRENTLY`: that cannot run in the transaction
//! the host wraps a migration in.

use crate::checks::{enum_values_unused, lossy_condition};
use crate::inspect::{attr_value, is_constraint};
use crate::objects::{Alter, Domain, EnumType, EnumUser, Function, Object, Sequence};
use crate::sql;
use crate::types::{conversion, literal, quote, serial_base, type_change, volatile_default};
use strata_dialect_api::{
    Change, Column, ColumnChange, ErrorKind, ForeignKey, Index, IndexPart, Plan, PlanOptions, PluginError, PrimaryKey,
    Schema, Statement, Table, TableChange, Trigger, View,
};
use strata_dialect_kit::Names;
use strata_dialect_kit::checks;
use strata_dialect_kit::order::{self, Key, Kind as KeyKind, Step};

/// Plans `changes`.
///
/// # Errors
/// [`ErrorKind::Unsupported`] for changes PostgreSQL cannot make in place and
/// the planner does not rebuild: removing or reordering enum values, changing a
/// domain, turning a column into a serial one or back.
pub fn plan_changes(changes: &[Change], options: &PlanOptions) -> Result<Plan, PluginError> {
    // What the plan writes besides schema objects, to tell whether it uses a new enum value.
    let written = changes
        .iter()
        .filter(|c| !matches!(c, Change::ModifySchema { .. }))
        .filter_map(|c| serde_json::to_string(c).ok())
        .collect();
    let mut p = Phases { written, ..Phases::default() };
    for (source, change) in changes.iter().enumerate() {
        plan_change(&mut p, change, source, options)?;
    }
    Ok(Plan { changes: changes.to_vec(), statements: p.finish(options) })
}

/// Statements that stay together, with the objects they create, drop and need
/// (for the shared ordering, `strata_dialect_kit::order`).
type Unit = Step<Vec<Statement>>;

fn unit(s: Statement) -> Unit {
    Step::new(vec![s])
}

#[derive(Default)]
struct Phases {
    drop_triggers: Vec<Unit>,
    drop_views: Vec<(String, View, usize)>,
    drop_fks: Vec<Unit>,
    drop_tables: Vec<(String, Table, usize)>,
    create_objects: Vec<Unit>,
    modify_tables: Vec<Unit>,
    add_tables: Vec<(String, Table, usize)>,
    add_fks: Vec<Unit>,
    add_views: Vec<(String, View, usize)>,
    add_triggers: Vec<Unit>,
    drop_objects: Vec<Unit>,
    drop_schemas: Vec<Unit>,
    /// Schemas dropped with CASCADE: a table dropped too does not need what it
    /// uses there to outlive it (the cascade only takes a default, a key or a
    /// column from it), and must not wait for it when the schema's contents
    /// wait for the table.
    cascaded: Vec<String>,
    written: String,
}

/// The schema unqualified names in inspected text belong to: the bound schema,
/// else `public` (see `inspect`).
fn home<'a>(options: &PlanOptions, schema: &'a str) -> &'a str {
    if options.qualify { "public" } else { schema }
}

/// The objects a SQL fragment may name (relations, types, sequences, functions),
/// unqualified names taken in `home`. Keys for names that are no such object
/// (columns, aliases, keywords) match nothing the plan creates or drops.
fn refs(home: &str, sql: &str) -> Vec<Key> {
    let tokens = sql::tokenize(sql);
    let named = |schema: &str, name: &str| {
        [KeyKind::Relation, KeyKind::Type, KeyKind::Sequence, KeyKind::Function].map(|k| Key::new(k, schema, name))
    };
    let mut out = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        let t = &tokens[i];
        if t.is_name() {
            let qualified = tokens.get(i + 1).is_some_and(|n| n.is_punct("."))
                && tokens.get(i + 2).is_some_and(sql::Token::is_name);
            if qualified {
                out.extend(named(&t.value, &tokens[i + 2].value));
                i += 3;
            } else {
                out.extend(named(home, &t.value));
                i += 1;
            }
            continue;
        }
        // nextval('s.seq'::regclass)
        if t.kind == sql::Kind::Str && tokens.get(i + 2).is_some_and(|n| n.is("regclass")) {
            let inner = t.value.trim_matches('\'');
            let (schema, name) = inner.rsplit_once('.').unwrap_or((home, inner));
            out.extend(named(schema.trim_matches('"'), name.trim_matches('"')));
        }
        i += 1;
    }
    out
}

/// A unique key (primary key or unique constraint) over `columns` of a table,
/// which foreign keys referencing those columns need.
fn unique_key(schema: &str, table: &str, columns: &[String]) -> Key {
    let mut sorted = columns.to_vec();
    sorted.sort();
    Key::constraint(schema, table, &format!("unique({})", sorted.join(",")))
}

fn key_parts(schema: &str, table: &str, parts: &[IndexPart]) -> Key {
    unique_key(schema, table, &part_columns(parts))
}

/// The table and unique key a foreign key of a table in `schema` references.
fn fk_refs(schema: &str, fk: &ForeignKey) -> Vec<Key> {
    let ref_schema = fk.ref_schema.as_deref().unwrap_or(schema);
    vec![Key::relation(ref_schema, &fk.ref_table), unique_key(ref_schema, &fk.ref_table, &fk.ref_columns)]
}

/// What a table brings into existence: the relation, its indexes and unique
/// constraints (relation namespace), and its unique keys.
fn table_keys(schema: &str, table: &Table) -> Vec<Key> {
    let mut out = vec![Key::relation(schema, &table.name)];
    out.extend(table.indexes.iter().map(|i| Key::relation(schema, &i.name)));
    out.extend(table.columns.iter().map(|c| Key::column(schema, &table.name, &c.name)));
    if let Some(pk) = &table.primary_key {
        out.push(key_parts(schema, &table.name, &pk.parts));
    }
    out.extend(table.indexes.iter().filter(|i| i.unique).map(|i| key_parts(schema, &table.name, &i.parts)));
    out
}

/// What a table's definition uses: its schema, the types, sequences and
/// functions its columns and checks name, and what `fks` reference.
fn table_uses(home: &str, schema: &str, table: &Table, fks: &[&ForeignKey]) -> Vec<Key> {
    let mut out = vec![Key::new(KeyKind::Schema, "", schema)];
    for c in &table.columns {
        out.extend(refs(home, &c.ty));
        out.extend(c.default.iter().flat_map(|d| refs(home, d)));
    }
    out.extend(table.checks.iter().flat_map(|c| refs(home, &c.expr)));
    out.extend(fks.iter().flat_map(|fk| fk_refs(schema, fk)));
    out
}

fn stmt(sql: String, comment: String, source: usize, reverse: Vec<String>) -> Statement {
    let mut s = Statement::new(sql, comment, source);
    s.reverse = reverse;
    s
}

fn unsupported(what: String) -> PluginError {
    PluginError::new(ErrorKind::Unsupported, format!("postgres plugin cannot plan: {what}"))
}

fn plan_change(p: &mut Phases, change: &Change, source: usize, options: &PlanOptions) -> Result<(), PluginError> {
    match change {
        Change::AddSchema { schema } => {
            let s = quote(&schema.name);
            p.create_objects.push(
                unit(stmt(
                    format!("CREATE SCHEMA {s}"),
                    format!("add new schema named {:?}", schema.name),
                    source,
                    vec![format!("DROP SCHEMA {s} CASCADE")],
                ))
                .creates([Key::new(KeyKind::Schema, "", &schema.name)]),
            );
            if let Some(c) = comment_of(&schema.attrs) {
                p.create_objects.push(
                    unit(comment_stmt(&format!("SCHEMA {s}"), None, Some(c), source)).needs_new([Key::new(
                        KeyKind::Schema,
                        "",
                        &schema.name,
                    )]),
                );
            }
            let alter = Alter { add: schema.attrs.clone(), ..Alter::default() };
            alter_objects(p, &schema.name, &alter, &[], source, options)?;
        }
        Change::ModifySchema { from, to } => {
            let alter = crate::diff::diff_objects(&crate::objects::objects(from), &crate::objects::objects(to));
            let users = crate::objects::enum_users(&from.attrs);
            alter_objects(p, &to.name, &alter, &users, source, options)?;
            if comment_of(&from.attrs) != comment_of(&to.attrs) {
                p.create_objects.push(unit(comment_stmt(
                    &format!("SCHEMA {}", quote(&to.name)),
                    comment_of(&from.attrs),
                    comment_of(&to.attrs),
                    source,
                )));
            }
        }
        Change::DropSchema { schema } => {
            let mut s = stmt(
                format!("DROP SCHEMA {} CASCADE", quote(&schema.name)),
                format!("drop schema named {:?}", schema.name),
                source,
                recreate_schema(schema)?,
            );
            s.destructive = true;
            if options.checks {
                let names = Names { schema: &schema.name, qualify: true, quote };
                s.checks = schema
                    .tables
                    .iter()
                    .map(|t| checks::table_is_empty(quote, &names.name(&t.name), &t.name))
                    .collect();
            }
            p.drop_schemas.push(drop_schema_unit(s, schema, options));
            p.cascaded.push(schema.name.clone());
        }
        Change::AddTable { schema, table } => p.add_tables.push((schema.clone(), table.clone(), source)),
        Change::DropTable { schema, table } => p.drop_tables.push((schema.clone(), table.clone(), source)),
        Change::RenameTable { schema, from, to } => {
            let names = Names { schema, qualify: options.qualify, quote };
            p.modify_tables.push(
                unit(stmt(
                    format!("ALTER TABLE {} RENAME TO {}", names.name(from), quote(to)),
                    format!("rename a table from {from:?} to {to:?}"),
                    source,
                    vec![format!("ALTER TABLE {} RENAME TO {}", names.name(to), quote(from))],
                ))
                .drops([Key::relation(schema, from)])
                .creates([Key::relation(schema, to)]),
            );
        }
        Change::ModifyTable { schema, from, to, changes } => {
            modify_table(p, schema, from, to, changes, source, options)?;
        }
        Change::AddView { schema, view } => p.add_views.push((schema.clone(), view.clone(), source)),
        Change::DropView { schema, view } => p.drop_views.push((schema.clone(), view.clone(), source)),
        Change::ModifyView { schema, from, to } => match modify_view_in_place(schema, from, to, source, options) {
            Some(stmts) => {
                p.add_triggers.extend(stmts.into_iter().map(|s| unit(s).needs_new([Key::relation(schema, &to.name)])))
            }
            None => {
                p.drop_views.push((schema.clone(), from.clone(), source));
                p.add_views.push((schema.clone(), to.clone(), source));
            }
        },
        Change::AddTrigger { schema, trigger } => {
            p.add_triggers.push(trigger_unit(schema, trigger, true, source, options))
        }
        Change::DropTrigger { schema, trigger } => {
            p.drop_triggers.push(trigger_unit(schema, trigger, false, source, options));
        }
        Change::ModifyTrigger { schema, from, to } => {
            p.drop_triggers.push(trigger_unit(schema, from, false, source, options));
            p.add_triggers.push(trigger_unit(schema, to, true, source, options));
        }
    }
    Ok(())
}

/// Creating (`create`) or dropping a trigger: it needs its table and function.
fn trigger_unit(schema: &str, trigger: &Trigger, create: bool, source: usize, options: &PlanOptions) -> Unit {
    let key = Key::new(KeyKind::Trigger, schema, &format!("{}.{}", trigger.table, trigger.name));
    let mut uses = refs(home(options, schema), &trigger.def);
    uses.push(Key::relation(schema, &trigger.table));
    if create {
        unit(create_trigger(schema, trigger, source, options)).creates([key]).needs_new(uses)
    } else {
        unit(drop_trigger(schema, trigger, source, options)).drops([key]).needs_old(uses)
    }
}

/// `DROP SCHEMA … CASCADE` drops everything in the schema at once; whatever
/// those objects use in other schemas must outlive it.
fn drop_schema_unit(s: Statement, schema: &Schema, options: &PlanOptions) -> Unit {
    let name = schema.name.as_str();
    let home = home(options, name);
    let mut drops = vec![Key::new(KeyKind::Schema, "", name)];
    let mut uses = Vec::new();
    for t in &schema.tables {
        drops.extend(table_keys(name, t));
        uses.extend(table_uses(home, name, t, &t.foreign_keys.iter().collect::<Vec<_>>()));
    }
    for v in &schema.views {
        drops.push(Key::relation(name, &v.name));
        uses.extend(refs(home, &v.def));
    }
    for o in crate::objects::objects(schema) {
        drops.push(object_key(name, &o));
    }
    unit(s).drops(drops).needs_old(uses)
}

/// The statements recreating a dropped schema with everything it held.
fn recreate_schema(schema: &Schema) -> Result<Vec<String>, PluginError> {
    // Qualified: the reverse runs on a connection that may be bound elsewhere.
    let plan = plan_changes(
        &strata_dialect_kit::add_schema(schema),
        &PlanOptions { qualify: true, ..PlanOptions::default() },
    )?;
    Ok(plan.statements.into_iter().map(|s| s.sql).collect())
}

impl Phases {
    /// The statements in phase order, then reordered wherever a dependency
    /// between phases says otherwise (across schemas, renames, rebuilt views).
    fn finish(self, options: &PlanOptions) -> Vec<Statement> {
        let mut out: Vec<Unit> = Vec::new();
        out.extend(self.drop_triggers);
        // Views using other views are dropped first: their steps need what they read.
        for (schema, view, source) in self.drop_views.iter().rev() {
            out.push(
                unit(drop_view(schema, view, *source, options))
                    .drops([Key::relation(schema, &view.name)])
                    .needs_old(refs(home(options, schema), &view.def)),
            );
        }
        out.extend(self.drop_fks);

        // Dropped tables: referencing tables first; keys of a cycle are dropped before.
        let dropped = order::drop_order(self.drop_tables);
        let mut table_drops = Vec::new();
        for (i, (schema, table, source)) in dropped.iter().enumerate() {
            // A table referenced by one dropped later (a cycle) cannot go while that
            // key exists: such keys are dropped before any table.
            let (kept, cyclic) = order::split_keys(&dropped, i, false);
            let names = Names { schema, qualify: options.qualify, quote };
            for fk in &cyclic {
                out.push(
                    unit(drop_fk(&names, &table.name, fk, *source))
                        .drops([Key::constraint(schema, &table.name, &fk_name(&table.name, fk))])
                        .needs_old(fk_refs(schema, fk)),
                );
            }
            let skip: Vec<&str> = cyclic.iter().filter_map(|fk| fk.name.as_deref()).collect();
            let home = home(options, schema);
            table_drops.push(
                unit(drop_table(&names, table, &skip, *source, options)).drops(table_keys(schema, table)).needs_old(
                    table_uses(home, schema, table, &kept)
                        .into_iter()
                        .filter(|k| !self.cascaded.iter().any(|s| k.in_schema(s))),
                ),
            );
        }
        out.extend(table_drops);

        out.extend(self.create_objects);
        out.extend(self.modify_tables);

        let added = order::creation_order(self.add_tables);
        let mut later_fks = Vec::new();
        for (i, (schema, table, source)) in added.iter().enumerate() {
            let names = Names { schema, qualify: options.qualify, quote };
            // A key to a table created later (or in a cycle) is added once both exist.
            let (inline, deferred) = order::split_keys(&added, i, true);
            let home = home(options, schema);
            out.push(
                Step::new(create_table(&names, table, &inline, *source))
                    .creates(table_keys(schema, table))
                    .needs_new(table_uses(home, schema, table, &inline)),
            );
            later_fks.extend(deferred.into_iter().map(|fk| {
                unit(add_fk(&names, &table.name, fk, *source))
                    .creates([Key::constraint(schema, &table.name, &fk_name(&table.name, fk))])
                    .needs_new(fk_refs(schema, fk))
                    .needs_new([Key::relation(schema, &table.name)])
            }));
        }
        out.extend(later_fks);
        out.extend(self.add_fks);
        for (schema, view, source) in self.add_views {
            let uses = refs(home(options, &schema), &view.def);
            let mut stmts = vec![create_view(&schema, &view, source, options)];
            stmts.extend(matview_indexes(&view).into_iter().map(|def| {
                stmt(def, format!("create index on materialized view {:?}", view.name), source, Vec::new())
            }));
            if let Some(c) = comment_of(&view.attrs) {
                let names = Names { schema: &schema, qualify: options.qualify, quote };
                stmts.push(comment_stmt(&view_target(&names, &view), None, Some(c), source));
            }
            out.push(
                Step::new(stmts).creates([Key::relation(&schema, &view.name)]).needs_new(uses).needs_new([Key::new(
                    KeyKind::Schema,
                    "",
                    &schema,
                )]),
            );
        }
        out.extend(self.add_triggers);
        out.extend(self.drop_objects);
        out.extend(self.drop_schemas);
        around_extensions(&mut out);
        order::order(out).into_iter().flatten().collect()
    }
}

/// Extensions bring types, functions and operator classes the model does not
/// list (a domain over `citext`, an `hstore` column, an index with
/// `gin_trgm_ops`), so no key ties such a use to its extension; and the phases
/// alone do not hold across changes (a table dropped after the `DROP SCHEMA`
/// whose key references it, which comes last; a domain in a schema planned
/// before the one getting the extension). Every other step therefore runs
/// after the extensions the plan creates and before those it drops, except:
///
/// - a step that only drops (a table, a view, a domain, a schema) needs no new
///   extension, and one that only creates needs no old one: they stay where
///   the phases put them (and before, or after, a name an extension takes or
///   frees);
/// - `CREATE SCHEMA` comes before the extensions created in it;
/// - an extension a `DROP SCHEMA … CASCADE` takes is not waited for: the
///   cascade takes what still uses it;
/// - an extension both dropped and created (moved to another schema) is left
///   to the phases.
fn around_extensions(steps: &mut [Unit]) {
    let has = |keys: &[Key], kind: KeyKind| keys.iter().any(|k| k.kind() == kind);
    let extensions = |keys: &[Key]| keys.iter().filter(|k| k.kind() == KeyKind::Extension).cloned().collect::<Vec<_>>();
    // A `CREATE EXTENSION` or `DROP EXTENSION`.
    let own = |u: &Unit| {
        (has(&u.creates, KeyKind::Extension) || has(&u.drops, KeyKind::Extension))
            && !has(&u.creates, KeyKind::Schema)
            && !has(&u.drops, KeyKind::Schema)
    };
    let mut created: Vec<Key> = Vec::new();
    let mut dropped: Vec<Key> = Vec::new();
    for u in steps.iter().filter(|u| own(u)) {
        created.extend(extensions(&u.creates));
        dropped.extend(extensions(&u.drops));
    }
    let moved: Vec<Key> = created.iter().filter(|k| dropped.contains(k)).cloned().collect();
    created.retain(|k| !moved.contains(k));
    dropped.retain(|k| !moved.contains(k));
    if created.is_empty() && dropped.is_empty() {
        return;
    }
    for u in steps.iter_mut().filter(|u| !own(u)) {
        let only_creates = !u.creates.is_empty() && u.drops.is_empty();
        let only_drops = !u.drops.is_empty() && u.creates.is_empty();
        if !only_drops && !has(&u.creates, KeyKind::Schema) {
            u.needs_new.extend(created.iter().cloned());
        }
        if !only_creates {
            u.needs_old.extend(dropped.iter().cloned());
        }
    }
}

// ---------------------------------------------------------------- tables

fn identity(column: &Column) -> Option<String> {
    attr_value(&column.attrs, "identity").and_then(|v| v.as_str()).map(str::to_string)
}

fn column_sql(column: &Column) -> String {
    let mut out = format!("{} {}", quote(&column.name), column.ty);
    if let Some(c) = &column.collation {
        out.push_str(&format!(" COLLATE {}", quote(c)));
    }
    out.push_str(if column.nullable { " NULL" } else { " NOT NULL" });
    if let Some(d) = &column.default {
        out.push_str(&format!(" DEFAULT {d}"));
    }
    if let Some(g) = &column.generated {
        out.push_str(&format!(" GENERATED ALWAYS AS ({}) STORED", g.expr));
    }
    if let Some(kind) = identity(column) {
        out.push_str(&format!(" GENERATED {kind} AS IDENTITY"));
        let options = identity_options(column).clause(&column.ty);
        if !options.is_empty() {
            out.push_str(&format!(" ({options})"));
        }
    }
    out
}

fn identity_options(column: &Column) -> crate::types::SequenceOptions {
    crate::types::SequenceOptions::from_attr(&column.ty, attr_value(&column.attrs, "identity_options"))
}

fn columns_list(columns: &[String]) -> String {
    columns.iter().map(|c| quote(c)).collect::<Vec<_>>().join(", ")
}

fn part_columns(parts: &[IndexPart]) -> Vec<String> {
    parts.iter().filter_map(|p| p.column.clone()).collect()
}

/// ` DEFERRABLE [INITIALLY DEFERRED]` from a `deferrable` attribute.
fn deferrable_sql(attrs: &[strata_dialect_api::Attr]) -> String {
    attr_value(attrs, "deferrable").and_then(|v| v.as_str()).map(|d| format!(" {d}")).unwrap_or_default()
}

fn flag(attrs: &[strata_dialect_api::Attr], name: &str) -> bool {
    attr_value(attrs, name).and_then(serde_json::Value::as_bool) == Some(true)
}

/// ` NOT VALID` for a check or key added without validating existing rows
/// (only `ALTER TABLE … ADD` takes it).
fn not_valid_sql(attrs: &[strata_dialect_api::Attr]) -> &'static str {
    if flag(attrs, "not_valid") { " NOT VALID" } else { "" }
}

/// A row-level security policy as inspected (`policies` on the table).
#[derive(Debug, Clone, PartialEq, serde::Deserialize)]
struct Policy {
    permissive: bool,
    cmd: String,
    #[serde(default)]
    roles: Vec<String>,
    using: Option<String>,
    check: Option<String>,
}

/// The table's policies, by name.
fn policies(table: &Table) -> Vec<(String, Policy)> {
    match attr_value(&table.attrs, "policies") {
        Some(serde_json::Value::Object(m)) => {
            m.iter().filter_map(|(k, v)| serde_json::from_value(v.clone()).ok().map(|p| (k.clone(), p))).collect()
        }
        _ => Vec::new(),
    }
}

fn roles_sql(roles: &[String]) -> String {
    roles.iter().map(|r| if r == "public" { "PUBLIC".to_string() } else { quote(r) }).collect::<Vec<_>>().join(", ")
}

fn create_policy_sql(t: &str, name: &str, p: &Policy) -> String {
    let mut out = format!(
        "CREATE POLICY {} ON {t} AS {} FOR {}",
        quote(name),
        if p.permissive { "PERMISSIVE" } else { "RESTRICTIVE" },
        p.cmd
    );
    if !(p.roles.is_empty() || p.roles == ["public"]) {
        out.push_str(&format!(" TO {}", roles_sql(&p.roles)));
    }
    if let Some(u) = &p.using {
        out.push_str(&format!(" USING ({})", sql::storable_expr(u)));
    }
    if let Some(c) = &p.check {
        out.push_str(&format!(" WITH CHECK ({})", sql::storable_expr(c)));
    }
    out
}

/// `ALTER POLICY` from `from` to `to`, where PostgreSQL can (the same kind
/// and command, and no clause removed).
fn alter_policy_sql(t: &str, name: &str, from: &Policy, to: &Policy) -> Option<String> {
    if from.permissive != to.permissive
        || from.cmd != to.cmd
        || (from.using.is_some() && to.using.is_none())
        || (from.check.is_some() && to.check.is_none())
    {
        return None;
    }
    let mut out = format!("ALTER POLICY {} ON {t}", quote(name));
    if from.roles != to.roles {
        let roles = if to.roles.is_empty() { "PUBLIC".to_string() } else { roles_sql(&to.roles) };
        out.push_str(&format!(" TO {roles}"));
    }
    if from.using != to.using
        && let Some(u) = &to.using
    {
        out.push_str(&format!(" USING ({})", sql::storable_expr(u)));
    }
    if from.check != to.check
        && let Some(c) = &to.check
    {
        out.push_str(&format!(" WITH CHECK ({})", sql::storable_expr(c)));
    }
    Some(out)
}

/// Row-level security statements turning `from` into `to` (`None`: a new table).
fn rls_statements(t: &str, table_name: &str, from: Option<&Table>, to: &Table, source: usize) -> Vec<Statement> {
    let comment = format!("row-level security on table {table_name:?}");
    let mut out = Vec::new();
    let one = |sql: String, reverse: String| stmt(sql, comment.clone(), source, vec![reverse]);
    let on = |attrs: &[strata_dialect_api::Attr], n: &str| flag(attrs, n);
    let (was, is) = (from.is_some_and(|f| on(&f.attrs, "rls")), on(&to.attrs, "rls"));
    if was != is {
        let set = |b: bool| format!("ALTER TABLE {t} {} ROW LEVEL SECURITY", if b { "ENABLE" } else { "DISABLE" });
        out.push(one(set(is), set(was)));
    }
    let (was, is) = (from.is_some_and(|f| on(&f.attrs, "rls_forced")), on(&to.attrs, "rls_forced"));
    if was != is {
        let set = |b: bool| format!("ALTER TABLE {t} {}FORCE ROW LEVEL SECURITY", if b { "" } else { "NO " });
        out.push(one(set(is), set(was)));
    }
    let old = from.map(policies).unwrap_or_default();
    let new = policies(to);
    let drop = |n: &str| format!("DROP POLICY {} ON {t}", quote(n));
    for (n, p) in &old {
        match new.iter().find(|(m, _)| m == n) {
            None => out.push(one(drop(n), create_policy_sql(t, n, p))),
            Some((_, q)) if q == p => {}
            Some((_, q)) => match (alter_policy_sql(t, n, p, q), alter_policy_sql(t, n, q, p)) {
                (Some(forward), Some(back)) => out.push(one(forward, back)),
                _ => {
                    out.push(one(drop(n), create_policy_sql(t, n, p)));
                    out.push(one(create_policy_sql(t, n, q), drop(n)));
                }
            },
        }
    }
    for (n, q) in new.iter().filter(|(n, _)| !old.iter().any(|(m, _)| m == n)) {
        out.push(one(create_policy_sql(t, n, q), drop(n)));
    }
    out
}

fn create_partition(names: &Names<'_>, parent: &str, part: &str, bound: &str, source: usize) -> Statement {
    stmt(
        format!("CREATE TABLE {} PARTITION OF {} {bound}", names.name(part), names.name(parent)),
        format!("create partition {part:?} of table {parent:?}"),
        source,
        vec![format!("DROP TABLE {}", names.name(part))],
    )
}

/// Partitions added, dropped, attached, detached or given another bound:
/// `(leaving, arriving)` — what takes partitions away runs with the drops,
/// what brings them before the new indexes (which are cloned onto them).
fn partition_statements(
    names: &Names<'_>,
    from: &Table,
    to: &Table,
    source: usize,
    options: &PlanOptions,
) -> Result<(Vec<Statement>, Vec<Statement>), PluginError> {
    let key = |t: &Table| attr_value(&t.attrs, "partition_by").and_then(|v| v.as_str()).map(String::from);
    if key(from) != key(to) {
        return Err(unsupported(format!(
            "change the partitioning of table {:?} from {} to {} (PostgreSQL cannot re-partition a table in place: create a new table and move the rows)",
            to.name,
            key(from).unwrap_or_else(|| "none".into()),
            key(to).unwrap_or_else(|| "none".into())
        )));
    }
    let listed = |k: &str| -> Vec<String> {
        attr_value(&to.attrs, k)
            .and_then(|v| v.as_array())
            .map(|a| a.iter().filter_map(|v| v.as_str().map(String::from)).collect())
            .unwrap_or_default()
    };
    let (detach, attach) = (listed("detach"), listed("attach"));
    let (before, after) = (crate::diff::partitions(&from.attrs), crate::diff::partitions(&to.attrs));
    let t = names.name(&to.name);
    let bound_of = |m: &serde_json::Map<String, serde_json::Value>, p: &str| {
        m.get(p).and_then(|v| v.as_str()).unwrap_or_default().to_string()
    };
    let detach_sql = |p: &str| format!("ALTER TABLE {t} DETACH PARTITION {}", names.name(p));
    let attach_sql = |p: &str, bound: &str| format!("ALTER TABLE {t} ATTACH PARTITION {} {bound}", names.name(p));
    let comment = format!("partitions of table {:?}", to.name);
    let (mut leaving, mut out) = (Vec::new(), Vec::new());
    for (p, b) in &before {
        match after.get(p) {
            Some(nb) if nb == b => {}
            Some(nb) => {
                let nb = nb.as_str().unwrap_or_default();
                leaving.push(stmt(detach_sql(p), comment.clone(), source, vec![attach_sql(p, &bound_of(&before, p))]));
                out.push(stmt(attach_sql(p, nb), comment.clone(), source, vec![detach_sql(p)]));
            }
            None if detach.contains(p) => {
                leaving.push(stmt(detach_sql(p), comment.clone(), source, vec![attach_sql(p, &bound_of(&before, p))]));
            }
            None => {
                let bound = bound_of(&before, p);
                let mut s = stmt(
                    format!("DROP TABLE {}", names.name(p)),
                    comment.clone(),
                    source,
                    vec![create_partition(names, &to.name, p, &bound, source).sql],
                );
                s.destructive = true;
                if options.checks {
                    s.checks.push(checks::table_is_empty(quote, &names.name(p), p));
                }
                leaving.push(s);
            }
        }
    }
    for (p, b) in after.iter().filter(|(p, _)| !before.contains_key(*p)) {
        let b = b.as_str().unwrap_or_default();
        if attach.contains(p) {
            out.push(stmt(attach_sql(p, b), comment.clone(), source, vec![detach_sql(p)]));
        } else {
            out.push(create_partition(names, &to.name, p, b, source));
        }
    }
    Ok((leaving, out))
}

/// The table's exclusion constraints: name → `EXCLUDE USING … (…)`.
fn excludes(table: &Table) -> Vec<(String, String)> {
    match attr_value(&table.attrs, "excludes") {
        Some(serde_json::Value::Object(m)) => {
            m.iter().filter_map(|(k, v)| v.as_str().map(|d| (k.clone(), d.to_string()))).collect()
        }
        _ => Vec::new(),
    }
}

fn pk_sql(key: &PrimaryKey) -> String {
    let body = format!("PRIMARY KEY ({}){}", columns_list(&part_columns(&key.parts)), deferrable_sql(&key.attrs));
    match &key.name {
        Some(n) => format!("CONSTRAINT {} {body}", quote(n)),
        None => body,
    }
}

fn str_list(index: &Index, name: &str) -> Vec<Option<String>> {
    attr_value(&index.attrs, name)
        .and_then(|v| v.as_array())
        .map(|a| a.iter().map(|v| v.as_str().map(str::to_string)).collect())
        .unwrap_or_default()
}

fn include_sql(index: &Index) -> String {
    let include: Vec<String> = str_list(index, "include").into_iter().flatten().collect();
    if include.is_empty() { String::new() } else { format!(" INCLUDE ({})", columns_list(&include)) }
}

fn nulls_distinct_sql(index: &Index) -> &'static str {
    if attr_value(&index.attrs, "nulls_not_distinct").is_some_and(|v| v.as_bool() == Some(true)) {
        " NULLS NOT DISTINCT"
    } else {
        ""
    }
}

fn unique_sql(index: &Index) -> String {
    format!(
        "CONSTRAINT {} UNIQUE{} ({}){}{}{}",
        quote(&index.name),
        nulls_distinct_sql(index),
        columns_list(&part_columns(&index.parts)),
        include_sql(index),
        storage_sql(index),
        deferrable_sql(&index.attrs)
    )
}

fn check_sql(check: &strata_dialect_api::Check) -> String {
    let no_inherit = if flag(&check.attrs, "no_inherit") { " NO INHERIT" } else { "" };
    match &check.name {
        Some(n) => format!("CONSTRAINT {} CHECK ({}){no_inherit}", quote(n), sql::storable_expr(&check.expr)),
        None => format!("CHECK ({}){no_inherit}", sql::storable_expr(&check.expr)),
    }
}

fn fk_sql(names: &Names<'_>, fk: &ForeignKey) -> String {
    let mut out = String::new();
    if let Some(n) = &fk.name {
        out.push_str(&format!("CONSTRAINT {} ", quote(n)));
    }
    out.push_str(&format!(
        "FOREIGN KEY ({}) REFERENCES {} ({})",
        columns_list(&fk.columns),
        names.in_schema(fk.ref_schema.as_deref(), &fk.ref_table),
        columns_list(&fk.ref_columns)
    ));
    if let Some(m) = attr_value(&fk.attrs, "match").and_then(|v| v.as_str()) {
        out.push_str(&format!(" MATCH {m}"));
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

fn create_index_sql(names: &Names<'_>, table: &str, index: &Index) -> String {
    let method = attr_value(&index.attrs, "method").and_then(|v| v.as_str());
    let opclasses = str_list(index, "opclass");
    let nulls = str_list(index, "nulls");
    let parts: Vec<String> = index
        .parts
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let mut s = match (&p.column, &p.expr) {
                (Some(c), _) => quote(c),
                // An expression needs parentheses unless it is a function call;
                // they are always accepted.
                (None, Some(e)) if sql::is_wrapped(e) => e.clone(),
                (None, Some(e)) => format!("({e})"),
                (None, None) => String::new(),
            };
            if let Some(c) = &p.collation {
                s.push_str(&format!(" COLLATE {}", quote(c)));
            }
            if let Some(Some(o)) = opclasses.get(i) {
                s.push_str(&format!(" {}", quote(o)));
            }
            if p.desc {
                s.push_str(" DESC");
            }
            if let Some(Some(n)) = nulls.get(i) {
                s.push_str(&format!(" NULLS {n}"));
            }
            s
        })
        .collect();
    let mut out = format!(
        "CREATE {}INDEX {} ON {}{} ({}){}{}{}",
        if index.unique { "UNIQUE " } else { "" },
        quote(&index.name),
        names.name(table),
        method.map(|m| format!(" USING {m}")).unwrap_or_default(),
        parts.join(", "),
        include_sql(index),
        nulls_distinct_sql(index),
        storage_sql(index),
    );
    if let Some(pred) = &index.predicate {
        out.push_str(&format!(" WHERE {}", sql::storable_expr(pred)));
    }
    out
}

/// An index's storage parameters as `key=value` (`WITH` / `SET` syntax).
fn storage_params(index: &Index) -> Vec<String> {
    str_list(index, "with")
        .into_iter()
        .flatten()
        .map(|kv| match kv.split_once('=') {
            // A value that is not a plain word or number is quoted.
            Some((k, v)) if !v.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.') => {
                format!("{k}={}", literal(v))
            }
            _ => kv,
        })
        .collect()
}

/// ` WITH (fillfactor=70, …)` for an index with storage parameters.
fn storage_sql(index: &Index) -> String {
    let params = storage_params(index);
    if params.is_empty() { String::new() } else { format!(" WITH ({})", params.join(", ")) }
}

/// `ALTER INDEX … SET (…)` / `RESET (…)` when only the storage parameters
/// differ: no rebuild, unlike dropping and creating the index. The first
/// statement carries the whole reverse (the second has nothing of its own to undo).
fn alter_storage(names: &Names<'_>, table: &str, from: &Index, to: &Index, source: usize) -> Option<Vec<Statement>> {
    let strip = |i: &Index| Index {
        attrs: i
            .attrs
            .iter()
            .filter(|a| !matches!(a, strata_dialect_api::Attr::Other { name, .. } if name == "with"))
            .cloned()
            .collect(),
        ..i.clone()
    };
    if strip(from) != strip(to) || is_constraint(to) {
        return None;
    }
    let index_name = names.name(&to.name);
    let set = |from: &Index, to: &Index| {
        let (a, b) = (storage_params(from), storage_params(to));
        let key = |kv: &String| kv.split_once('=').map_or(kv.clone(), |(k, _)| k.to_string());
        let reset: Vec<String> = a.iter().map(key).filter(|k| !b.iter().any(|kv| key(kv) == *k)).collect();
        let mut parts = Vec::new();
        if !b.is_empty() {
            parts.push(format!("ALTER INDEX {index_name} SET ({})", b.join(", ")));
        }
        if !reset.is_empty() {
            parts.push(format!("ALTER INDEX {index_name} RESET ({})", reset.join(", ")));
        }
        parts
    };
    let comment = format!("modify index {:?} on table {table:?}", to.name);
    let mut reverse = set(to, from);
    Some(
        set(from, to).into_iter().map(|sql| stmt(sql, comment.clone(), source, std::mem::take(&mut reverse))).collect(),
    )
}

/// What `COMMENT ON` names for an index: the constraint it backs, or the index.
fn index_target(names: &Names<'_>, table: &str, index: &Index) -> String {
    if is_constraint(index) {
        format!("CONSTRAINT {} ON {}", quote(&index.name), names.name(table))
    } else {
        format!("INDEX {}", names.name(&index.name))
    }
}

/// The index's comment, set after it is created.
fn index_comment(names: &Names<'_>, table: &str, index: &Index, source: usize) -> Option<Statement> {
    comment_of(&index.attrs).map(|c| comment_stmt(&index_target(names, table, index), None, Some(c), source))
}

/// Creates an index, or adds the `UNIQUE` constraint it backs.
fn add_index(names: &Names<'_>, table: &str, index: &Index, source: usize) -> Statement {
    let mut s = if is_constraint(index) {
        stmt(
            format!("ALTER TABLE {} ADD {}", names.name(table), unique_sql(index)),
            format!("create unique constraint {:?} to table: {table:?}", index.name),
            source,
            vec![format!("ALTER TABLE {} DROP CONSTRAINT {}", names.name(table), quote(&index.name))],
        )
    } else {
        stmt(
            create_index_sql(names, table, index),
            format!("create index {:?} to table: {table:?}", index.name),
            source,
            vec![format!("DROP INDEX {}", names.name(&index.name))],
        )
    };
    // Without CONCURRENTLY the build blocks writes to the table.
    s.locks_table = true;
    s
}

fn drop_index(names: &Names<'_>, table: &str, index: &Index, source: usize) -> Statement {
    let reverse = add_index(names, table, index, source).sql;
    if is_constraint(index) {
        stmt(
            format!("ALTER TABLE {} DROP CONSTRAINT {}", names.name(table), quote(&index.name)),
            format!("drop unique constraint {:?} from table: {table:?}", index.name),
            source,
            vec![reverse],
        )
    } else {
        stmt(
            format!("DROP INDEX {}", names.name(&index.name)),
            format!("drop index {:?} from table: {table:?}", index.name),
            source,
            vec![reverse],
        )
    }
}

fn fk_name(table: &str, fk: &ForeignKey) -> String {
    fk.name.clone().unwrap_or_else(|| format!("{table}_{}_fkey", fk.columns.join("_")))
}

fn add_fk(names: &Names<'_>, table: &str, fk: &ForeignKey, source: usize) -> Statement {
    let mut s = stmt(
        format!("ALTER TABLE {} ADD {}{}", names.name(table), fk_sql(names, fk), not_valid_sql(&fk.attrs)),
        format!("create foreign key {:?} to table: {table:?}", fk_name(table, fk)),
        source,
        vec![format!("ALTER TABLE {} DROP CONSTRAINT {}", names.name(table), quote(&fk_name(table, fk)))],
    );
    // Validating the key scans the table under a lock that blocks writes.
    s.locks_table = true;
    s
}

fn drop_fk(names: &Names<'_>, table: &str, fk: &ForeignKey, source: usize) -> Statement {
    stmt(
        format!("ALTER TABLE {} DROP CONSTRAINT {}", names.name(table), quote(&fk_name(table, fk))),
        format!("drop foreign key {:?} from table: {table:?}", fk_name(table, fk)),
        source,
        vec![format!("ALTER TABLE {} ADD {}{}", names.name(table), fk_sql(names, fk), not_valid_sql(&fk.attrs))],
    )
}

fn comment_sql(target: &str, comment: Option<&str>) -> String {
    format!("COMMENT ON {target} IS {}", comment.map_or("NULL".to_string(), literal))
}

/// The `comment` attribute.
fn comment_of(attrs: &[strata_dialect_api::Attr]) -> Option<&str> {
    attr_value(attrs, "comment").and_then(|v| v.as_str())
}

/// `COMMENT ON target` setting `to` (reverse: back to `from`).
fn comment_stmt(target: &str, from: Option<&str>, to: Option<&str>, source: usize) -> Statement {
    stmt(
        comment_sql(target, to),
        format!("set comment on {}", target.split_whitespace().next().unwrap_or("object").to_lowercase()),
        source,
        vec![comment_sql(target, from)],
    )
}

/// Attributes without the comment: a change to the comment alone is a `COMMENT ON`.
fn without_comment(attrs: &[strata_dialect_api::Attr]) -> Vec<strata_dialect_api::Attr> {
    attrs
        .iter()
        .filter(|a| !matches!(a, strata_dialect_api::Attr::Other { name, .. } if name == "comment"))
        .cloned()
        .collect()
}

/// `CREATE TABLE` with its constraints and the keys in `fks`, then its indexes and comments.
fn create_table(names: &Names<'_>, table: &Table, fks: &[&ForeignKey], source: usize) -> Vec<Statement> {
    let t = names.name(&table.name);
    let mut items: Vec<String> = table.columns.iter().map(column_sql).collect();
    if let Some(pk) = &table.primary_key {
        items.push(pk_sql(pk));
    }
    items.extend(table.indexes.iter().filter(|i| is_constraint(i)).map(unique_sql));
    items.extend(table.checks.iter().filter(|c| !flag(&c.attrs, "not_valid")).map(check_sql));
    items.extend(fks.iter().filter(|fk| !flag(&fk.attrs, "not_valid")).map(|fk| fk_sql(names, fk)));
    let partition_by = attr_value(&table.attrs, "partition_by")
        .and_then(|v| v.as_str())
        .map(|k| format!(" PARTITION BY {k}"))
        .unwrap_or_default();
    let mut out = vec![stmt(
        format!("CREATE TABLE {t} ({}){partition_by}", items.join(", ")),
        format!("create {:?} table", table.name),
        source,
        vec![format!("DROP TABLE {t}")],
    )];
    // Partitions before the indexes: an index on the parent is cloned onto them.
    for (part, bound) in crate::diff::partitions(&table.attrs) {
        let bound = bound.as_str().unwrap_or_default().to_string();
        out.push(create_partition(names, &table.name, &part, &bound, source));
    }
    // What CREATE TABLE cannot say: checks and keys that skip validation,
    // exclusion constraints.
    for c in table.checks.iter().filter(|c| flag(&c.attrs, "not_valid")) {
        out.push(stmt(
            format!("ALTER TABLE {t} ADD {} NOT VALID", check_sql(c)),
            "add check constraint".into(),
            source,
            vec![],
        ));
    }
    for fk in fks.iter().filter(|fk| flag(&fk.attrs, "not_valid")) {
        out.push(stmt(
            format!("ALTER TABLE {t} ADD {} NOT VALID", fk_sql(names, fk)),
            "add foreign key".into(),
            source,
            vec![],
        ));
    }
    out.extend(rls_statements(&t, &table.name, None, table, source));
    for (name, def) in excludes(table) {
        out.push(stmt(
            format!("ALTER TABLE {t} ADD CONSTRAINT {} {def}", quote(&name)),
            format!("add exclusion constraint {name:?} to table: {:?}", table.name),
            source,
            vec![format!("ALTER TABLE {t} DROP CONSTRAINT {}", quote(&name))],
        ));
    }
    for index in table.indexes.iter().filter(|i| !is_constraint(i)) {
        out.push(add_index(names, &table.name, index, source));
    }
    // Comments on what CREATE TABLE made: indexes, constraints.
    for index in &table.indexes {
        out.extend(index_comment(names, &table.name, index, source));
    }
    if let Some(pk) = &table.primary_key
        && let Some(c) = comment_of(&pk.attrs)
    {
        let target = format!("CONSTRAINT {} ON {t}", quote(&pk_name(&table.name, pk)));
        out.push(comment_stmt(&target, None, Some(c), source));
    }
    for check in &table.checks {
        if let (Some(n), Some(c)) = (&check.name, comment_of(&check.attrs)) {
            out.push(comment_stmt(&format!("CONSTRAINT {} ON {t}", quote(n)), None, Some(c), source));
        }
    }
    for fk in fks {
        if let Some(c) = comment_of(&fk.attrs) {
            let target = format!("CONSTRAINT {} ON {t}", quote(&fk_name(&table.name, fk)));
            out.push(comment_stmt(&target, None, Some(c), source));
        }
    }
    if table.comment.is_some() {
        out.push(stmt(
            comment_sql(&format!("TABLE {t}"), table.comment.as_deref()),
            format!("set comment to table: {:?}", table.name),
            source,
            vec![comment_sql(&format!("TABLE {t}"), None)],
        ));
    }
    for c in table.columns.iter().filter(|c| c.comment.is_some()) {
        let target = format!("COLUMN {t}.{}", quote(&c.name));
        out.push(stmt(
            comment_sql(&target, c.comment.as_deref()),
            format!("set comment to column: {:?} on table: {:?}", c.name, table.name),
            source,
            vec![comment_sql(&target, None)],
        ));
    }
    out
}

fn drop_table(names: &Names<'_>, table: &Table, skip_fks: &[&str], source: usize, options: &PlanOptions) -> Statement {
    let fks: Vec<&ForeignKey> =
        table.foreign_keys.iter().filter(|fk| fk.name.as_deref().is_none_or(|n| !skip_fks.contains(&n))).collect();
    let reverse = create_table(names, table, &fks, source).into_iter().map(|s| s.sql).collect();
    let t = names.name(&table.name);
    let mut s = stmt(format!("DROP TABLE {t}"), format!("drop {:?} table", table.name), source, reverse);
    s.destructive = true;
    if options.checks {
        s.checks.push(checks::table_is_empty(quote, &t, &table.name));
    }
    s
}

fn modify_table(
    p: &mut Phases,
    schema: &str,
    from: &Table,
    to: &Table,
    changes: &[TableChange],
    source: usize,
    options: &PlanOptions,
) -> Result<(), PluginError> {
    let names = Names { schema, qualify: options.qualify, quote };
    let name = to.name.as_str();
    let t = names.name(name);
    let alter = |clause: String| format!("ALTER TABLE {t} {clause}");
    let home = home(options, schema);
    let mut drops: Vec<Unit> = Vec::new();
    let mut columns: Vec<Unit> = Vec::new();
    let mut adds: Vec<Unit> = Vec::new();
    let index_keys = |index: &Index| {
        let mut keys = vec![Key::relation(schema, &index.name)];
        if index.unique {
            keys.push(key_parts(schema, name, &index.parts));
        }
        keys
    };
    let column_keys = |c: &[String]| c.iter().map(|c| Key::column(schema, name, c)).collect::<Vec<_>>();
    // A change of comment alone is a COMMENT ON, not a rebuild.
    let rest = comment_only(&names, name, changes, source, &mut adds);
    for change in &rest {
        match change {
            TableChange::DropForeignKey { foreign_key } | TableChange::ModifyForeignKey { from: foreign_key, .. } => {
                p.drop_fks.push(
                    unit(drop_fk(&names, name, foreign_key, source))
                        .drops([Key::constraint(schema, name, &fk_name(name, foreign_key))])
                        .needs_old(fk_refs(schema, foreign_key)),
                );
            }
            _ => {}
        }
        match change {
            TableChange::AddForeignKey { foreign_key } | TableChange::ModifyForeignKey { to: foreign_key, .. } => {
                let mut stmts = vec![add_fk(&names, name, foreign_key, source)];
                if let Some(c) = comment_of(&foreign_key.attrs) {
                    let target = format!("CONSTRAINT {} ON {t}", quote(&fk_name(name, foreign_key)));
                    stmts.push(comment_stmt(&target, None, Some(c), source));
                }
                p.add_fks.push(
                    Step::new(stmts)
                        .creates([Key::constraint(schema, name, &fk_name(name, foreign_key))])
                        .needs_new(fk_refs(schema, foreign_key))
                        .needs_new(column_keys(&foreign_key.columns)),
                );
            }
            TableChange::DropForeignKey { .. } => {}
            TableChange::DropCheck { check } => {
                let Some(n) = &check.name else { return Err(unsupported(format!("drop unnamed check on {name:?}"))) };
                drops.push(unit(stmt(
                    alter(format!("DROP CONSTRAINT {}", quote(n))),
                    format!("drop check constraint {n:?} from table: {name:?}"),
                    source,
                    vec![alter(format!("ADD {}{}", check_sql(check), not_valid_sql(&check.attrs)))],
                )));
            }
            TableChange::AddCheck { check } => {
                let reverse = check.name.iter().map(|n| alter(format!("DROP CONSTRAINT {}", quote(n)))).collect();
                let mut s = stmt(
                    alter(format!("ADD {}{}", check_sql(check), not_valid_sql(&check.attrs))),
                    format!("add check constraint {:?} to table: {name:?}", check.name.as_deref().unwrap_or("")),
                    source,
                    reverse,
                );
                s.locks_table = true;
                let mut stmts = vec![s];
                if let (Some(n), Some(c)) = (&check.name, comment_of(&check.attrs)) {
                    stmts.push(comment_stmt(&format!("CONSTRAINT {} ON {t}", quote(n)), None, Some(c), source));
                }
                adds.push(Step::new(stmts).needs_new(refs(home, &check.expr)));
            }
            TableChange::DropIndex { index } => {
                drops.push(unit(drop_index(&names, name, index, source)).drops(index_keys(index)));
            }
            TableChange::AddIndex { index } => {
                let mut stmts = vec![add_index(&names, name, index, source)];
                stmts.extend(index_comment(&names, name, index, source));
                adds.push(Step::new(stmts).creates(index_keys(index)));
            }
            TableChange::ModifyIndex { from, to } => match alter_storage(&names, name, from, to, source) {
                Some(stmts) => adds.extend(stmts.into_iter().map(unit)),
                None => {
                    drops.push(unit(drop_index(&names, name, from, source)).drops(index_keys(from)));
                    let mut stmts = vec![add_index(&names, name, to, source)];
                    stmts.extend(index_comment(&names, name, to, source));
                    adds.push(Step::new(stmts).creates(index_keys(to)));
                }
            },
            TableChange::DropPrimaryKey { key } => {
                drops.push(unit(drop_pk(&names, name, key, source)).drops([key_parts(schema, name, &key.parts)]));
            }
            TableChange::AddPrimaryKey { key } => {
                adds.push(
                    Step::new(add_pk_commented(&names, name, key, source))
                        .creates([key_parts(schema, name, &key.parts)]),
                );
            }
            TableChange::ModifyPrimaryKey { from, to } => {
                drops.push(unit(drop_pk(&names, name, from, source)).drops([key_parts(schema, name, &from.parts)]));
                adds.push(
                    Step::new(add_pk_commented(&names, name, to, source)).creates([key_parts(schema, name, &to.parts)]),
                );
            }
            TableChange::DropColumn { column } => {
                let mut s = stmt(
                    alter(format!("DROP COLUMN {}", quote(&column.name))),
                    format!("drop column {:?} from table: {name:?}", column.name),
                    source,
                    vec![alter(format!("ADD COLUMN {}", column_sql(column)))],
                );
                s.destructive = true;
                if options.checks {
                    s.checks.push(checks::column_is_empty(quote, &t, name, &column.name));
                }
                // The column goes before what its type or default uses (an enum
                // rebuilt without the values only this column held).
                columns.push(
                    unit(s).drops(column_keys(std::slice::from_ref(&column.name))).needs_old(column_uses(home, column)),
                );
            }
            TableChange::AddColumn { column } => {
                let mut s = stmt(
                    alter(format!("ADD COLUMN {}", column_sql(column))),
                    format!("add column {:?} to table: {name:?}", column.name),
                    source,
                    vec![alter(format!("DROP COLUMN {}", quote(&column.name)))],
                );
                let filled = column.default.is_some()
                    || column.generated.is_some()
                    || identity(column).is_some()
                    || serial_base(&column.ty).is_some();
                // Since PostgreSQL 11 a constant default is stored once; volatile
                // ones, identities, serials and stored generated columns fill every row.
                s.rewrites_table = column.default.as_deref().is_some_and(volatile_default)
                    || column.generated.is_some()
                    || identity(column).is_some()
                    || serial_base(&column.ty).is_some();
                s.locks_table = s.rewrites_table;
                if !column.nullable && !filled && options.checks {
                    s.checks.push(checks::table_is_empty_for(quote, &t, name, &column.name));
                }
                let mut group = vec![s];
                if column.comment.is_some() {
                    let target = format!("COLUMN {t}.{}", quote(&column.name));
                    group.push(stmt(
                        comment_sql(&target, column.comment.as_deref()),
                        format!("set comment to column: {:?} on table: {name:?}", column.name),
                        source,
                        vec![comment_sql(&target, None)],
                    ));
                }
                columns.push(
                    Step::new(group)
                        .creates(column_keys(std::slice::from_ref(&column.name)))
                        .needs_new(column_uses(home, column)),
                );
            }
            TableChange::ModifyColumn { from, to, change } => {
                let group = modify_column(&names, name, from, to, change, source, options)?;
                // Only a new type or default needs (new) or releases (old) what
                // it names; a comment or NULL change touches neither, and must not
                // wait for an enum rebuild that itself waits for the column.
                let mut step = Step::new(group);
                if change.ty || change.default || change.generated {
                    step = step.needs_new(column_uses(home, to)).needs_old(column_uses(home, from));
                }
                columns.push(step);
            }
            TableChange::ModifyAttrs => {
                // New partitions before new indexes (an index on the parent is
                // cloned onto its partitions); dropped ones with the drops.
                let (leaving, arriving) = partition_statements(&names, from, to, source, options)?;
                drops.extend(leaving.into_iter().map(unit));
                columns.extend(arriving.into_iter().map(unit));
                // Policies may read what this plan adds: after the table's other changes.
                adds.extend(rls_statements(&t, name, Some(from), to, source).into_iter().map(unit));
                let (old, new) = (excludes(from), excludes(to));
                for (n, def) in old.iter().filter(|e| !new.contains(e)) {
                    drops.push(unit(stmt(
                        alter(format!("DROP CONSTRAINT {}", quote(n))),
                        format!("drop exclusion constraint {n:?} from table: {name:?}"),
                        source,
                        vec![alter(format!("ADD CONSTRAINT {} {def}", quote(n)))],
                    )));
                }
                for (n, def) in new.iter().filter(|e| !old.contains(e)) {
                    let mut s = stmt(
                        alter(format!("ADD CONSTRAINT {} {def}", quote(n))),
                        format!("add exclusion constraint {n:?} to table: {name:?}"),
                        source,
                        vec![alter(format!("DROP CONSTRAINT {}", quote(n)))],
                    );
                    s.locks_table = true;
                    adds.push(unit(s));
                }
                if from.comment != to.comment {
                    columns.push(unit(stmt(
                        comment_sql(&format!("TABLE {t}"), to.comment.as_deref()),
                        format!("set comment to table: {name:?}"),
                        source,
                        vec![comment_sql(&format!("TABLE {t}"), from.comment.as_deref())],
                    )));
                }
            }
        }
    }
    p.modify_tables.extend(drops);
    p.modify_tables.extend(columns);
    p.modify_tables.extend(adds);
    Ok(())
}

/// The types, sequences and functions a column's type and default name.
fn column_uses(home: &str, column: &Column) -> Vec<Key> {
    let mut out = refs(home, &column.ty);
    out.extend(column.default.iter().flat_map(|d| refs(home, d)));
    out
}

fn pk_name(table: &str, key: &PrimaryKey) -> String {
    key.name.clone().unwrap_or_else(|| format!("{table}_pkey"))
}

fn add_pk(names: &Names<'_>, table: &str, key: &PrimaryKey, source: usize) -> Statement {
    let mut s = stmt(
        format!("ALTER TABLE {} ADD {}", names.name(table), pk_sql(key)),
        format!("add primary key to table: {table:?}"),
        source,
        vec![format!("ALTER TABLE {} DROP CONSTRAINT {}", names.name(table), quote(&pk_name(table, key)))],
    );
    s.locks_table = true;
    s
}

/// Adds a primary key, and its comment.
fn add_pk_commented(names: &Names<'_>, table: &str, key: &PrimaryKey, source: usize) -> Vec<Statement> {
    let mut out = vec![add_pk(names, table, key, source)];
    if let Some(c) = comment_of(&key.attrs) {
        let target = format!("CONSTRAINT {} ON {}", quote(&pk_name(table, key)), names.name(table));
        out.push(comment_stmt(&target, None, Some(c), source));
    }
    out
}

/// The table changes that are not comment-only; comment-only ones become
/// `COMMENT ON` statements pushed to `out`.
fn comment_only(
    names: &Names<'_>,
    table: &str,
    changes: &[TableChange],
    source: usize,
    out: &mut Vec<Unit>,
) -> Vec<TableChange> {
    let t = names.name(table);
    let constraint = |n: &str| format!("CONSTRAINT {} ON {t}", quote(n));
    let plain_index = |i: &Index| Index { attrs: without_comment(&i.attrs), ..i.clone() };
    let plain_check =
        |c: &strata_dialect_api::Check| strata_dialect_api::Check { attrs: without_comment(&c.attrs), ..c.clone() };
    let mut rest = Vec::new();
    for change in changes {
        let set = |target: String, from: Option<&str>, to: Option<&str>| unit(comment_stmt(&target, from, to, source));
        match change {
            TableChange::ModifyIndex { from, to } if plain_index(from) == plain_index(to) => {
                out.push(set(index_target(names, table, to), comment_of(&from.attrs), comment_of(&to.attrs)));
            }
            TableChange::ModifyPrimaryKey { from, to }
                if without_comment(&from.attrs) == without_comment(&to.attrs)
                    && from.parts == to.parts
                    && from.name == to.name =>
            {
                out.push(set(constraint(&pk_name(table, to)), comment_of(&from.attrs), comment_of(&to.attrs)));
            }
            TableChange::ModifyForeignKey { from, to }
                if ForeignKey { attrs: without_comment(&from.attrs), ..from.clone() }
                    == ForeignKey { attrs: without_comment(&to.attrs), ..to.clone() } =>
            {
                out.push(set(constraint(&fk_name(table, to)), comment_of(&from.attrs), comment_of(&to.attrs)));
            }
            // A check's drop and add under one name, differing in comment alone.
            TableChange::AddCheck { check } | TableChange::DropCheck { check }
                if check.name.is_some()
                    && changes.iter().any(|other| match (change, other) {
                        (TableChange::AddCheck { .. }, TableChange::DropCheck { check: d })
                        | (TableChange::DropCheck { .. }, TableChange::AddCheck { check: d }) => {
                            d.name == check.name && plain_check(d) == plain_check(check)
                        }
                        _ => false,
                    }) =>
            {
                if let (TableChange::AddCheck { check: to }, Some(n)) = (change, &check.name) {
                    let from = changes.iter().find_map(|c| match c {
                        TableChange::DropCheck { check: d } if d.name == to.name => Some(d),
                        _ => None,
                    });
                    out.push(set(constraint(n), from.and_then(|f| comment_of(&f.attrs)), comment_of(&to.attrs)));
                }
            }
            other => rest.push(other.clone()),
        }
    }
    rest
}

fn drop_pk(names: &Names<'_>, table: &str, key: &PrimaryKey, source: usize) -> Statement {
    stmt(
        format!("ALTER TABLE {} DROP CONSTRAINT {}", names.name(table), quote(&pk_name(table, key))),
        format!("drop primary key from table: {table:?}"),
        source,
        vec![format!("ALTER TABLE {} ADD {}", names.name(table), pk_sql(key))],
    )
}

/// The `TYPE` clause turning a column of type `from` into `to`.
fn type_clause(column: &str, from: &str, to: &Column) -> String {
    let ty = serial_base(&to.ty).unwrap_or(&to.ty);
    let mut out = format!("ALTER COLUMN {} TYPE {ty}", quote(column));
    if let Some(c) = &to.collation {
        out.push_str(&format!(" COLLATE {}", quote(c)));
    }
    // Without an assignment cast the server needs an explicit conversion
    // (https://www.postgresql.org/docs/current/sql-altertable.html, SET DATA TYPE).
    if !type_change(from, &to.ty).implicit {
        out.push_str(&format!(" USING {}", conversion(&quote(column), from, ty)));
    }
    out
}

fn modify_column(
    names: &Names<'_>,
    table: &str,
    from: &Column,
    to: &Column,
    change: &ColumnChange,
    source: usize,
    options: &PlanOptions,
) -> Result<Vec<Statement>, PluginError> {
    let t = names.name(table);
    let alter = |clause: String| format!("ALTER TABLE {t} {clause}");
    let c = quote(&to.name);
    let comment = format!("modify {:?} column of table: {table:?}", to.name);
    let mut out = Vec::new();
    if change.generated {
        // PostgreSQL cannot change a generation expression: the column is dropped
        // and added again, recomputing every value.
        let mut drop = stmt(alter(format!("DROP COLUMN {c}")), comment.clone(), source, vec![]);
        let mut add = stmt(alter(format!("ADD COLUMN {}", column_sql(to))), comment.clone(), source, vec![]);
        drop.reverse = vec![alter(format!("ADD COLUMN {}", column_sql(from)))];
        add.reverse = vec![alter(format!("DROP COLUMN {c}"))];
        drop.destructive = from.generated.is_none();
        if drop.destructive && options.checks {
            drop.checks.push(checks::column_is_empty(quote, &t, table, &from.name));
        }
        add.rewrites_table = true;
        add.locks_table = true;
        return Ok(vec![drop, add]);
    }
    let serial = |ty: &str| serial_base(ty).is_some();
    if change.ty && serial(&from.ty) != serial(&to.ty) {
        return Err(unsupported(format!(
            "change column {:?} of table {table:?} from {} to {} (serial columns own a sequence)",
            to.name, from.ty, to.ty
        )));
    }
    // A default the new type cannot take would make the type change fail: drop it first.
    let default_first = change.ty && change.default && from.default.is_some();
    if default_first {
        out.push(stmt(
            alter(format!("ALTER COLUMN {c} DROP DEFAULT")),
            comment.clone(),
            source,
            from.default.iter().map(|d| alter(format!("ALTER COLUMN {c} SET DEFAULT {d}"))).collect(),
        ));
    }
    if change.ty || change.collation {
        let kind = type_change(&from.ty, &to.ty);
        let mut s = stmt(
            alter(type_clause(&to.name, &from.ty, to)),
            comment.clone(),
            source,
            vec![alter(type_clause(&from.name, &to.ty, from))],
        );
        // ALTER COLUMN TYPE holds an ACCESS EXCLUSIVE lock while it runs.
        s.locks_table = true;
        s.rewrites_table = kind.rewrites || change.collation;
        if change.ty && !kind.widening && options.checks {
            let ty = serial_base(&to.ty).unwrap_or(&to.ty);
            s.checks.push(checks::values_fit(
                quote,
                &t,
                table,
                &from.name,
                ty,
                &lossy_condition(&quote(&from.name), &from.ty, ty),
            ));
        }
        out.push(s);
    }
    if change.default && !default_first || default_first && to.default.is_some() {
        let set = |d: &Option<String>| match d {
            Some(d) => alter(format!("ALTER COLUMN {c} SET DEFAULT {d}")),
            None => alter(format!("ALTER COLUMN {c} DROP DEFAULT")),
        };
        let reverse = if default_first { alter(format!("ALTER COLUMN {c} DROP DEFAULT")) } else { set(&from.default) };
        out.push(stmt(set(&to.default), comment.clone(), source, vec![reverse]));
    }
    // An identity column is NOT NULL: its identity goes before DROP NOT NULL,
    // and comes after SET NOT NULL (the server requires both ways round).
    let identity_clause = |from: Option<String>, to: Option<String>| match (from, to) {
        (None, Some(k)) => Some(format!("ALTER COLUMN {c} ADD GENERATED {k} AS IDENTITY")),
        (Some(_), None) => Some(format!("ALTER COLUMN {c} DROP IDENTITY")),
        (Some(a), Some(b)) if a != b => Some(format!("ALTER COLUMN {c} SET GENERATED {b}")),
        _ => None,
    };
    let identity_stmt = || {
        let forward = identity_clause(identity(from), identity(to))?;
        let reverse = identity_clause(identity(to), identity(from)).map(alter).into_iter().collect();
        Some(stmt(alter(forward), comment.clone(), source, reverse))
    };
    let dropping_identity = identity(from).is_some() && identity(to).is_none();
    if change.attrs && dropping_identity {
        out.extend(identity_stmt());
    }
    if change.null {
        let (forward, back) =
            if to.nullable { ("DROP NOT NULL", "SET NOT NULL") } else { ("SET NOT NULL", "DROP NOT NULL") };
        let mut s = stmt(
            alter(format!("ALTER COLUMN {c} {forward}")),
            comment.clone(),
            source,
            vec![alter(format!("ALTER COLUMN {c} {back}"))],
        );
        if !to.nullable {
            // SET NOT NULL scans the whole table under an ACCESS EXCLUSIVE lock.
            s.locks_table = true;
            if options.checks {
                s.checks.push(checks::column_has_no_nulls(quote, &t, table, &from.name));
            }
        }
        out.push(s);
    }
    if change.attrs && !dropping_identity {
        out.extend(identity_stmt());
    }
    // The identity's sequence options, when it stays an identity.
    if change.attrs && identity(from).is_some() && identity(to).is_some() {
        let (a, b) = (identity_options(from), identity_options(to));
        // A raised minimum (or lowered maximum) leaves the sequence's current
        // value outside its range, which the server refuses: it restarts at
        // the new start value.
        let restart = |from: &crate::types::SequenceOptions, to: &crate::types::SequenceOptions| {
            if to.min > from.min || to.max < from.max { format!(" RESTART WITH {}", to.start) } else { String::new() }
        };
        if a != b {
            out.push(stmt(
                alter(format!("ALTER COLUMN {c} {}{}", b.alter_clause(&to.ty), restart(&a, &b))),
                comment.clone(),
                source,
                vec![alter(format!("ALTER COLUMN {c} {}{}", a.alter_clause(&from.ty), restart(&b, &a)))],
            ));
        }
    }
    // A serial column's sequence follows its type (serial → bigserial), as
    // CREATE TABLE would have made it; its name is the server's to know.
    if change.ty && serial(&from.ty) && serial(&to.ty) {
        let seq_type = |ty: &str| {
            format!(
                "DO $$ BEGIN EXECUTE format('ALTER SEQUENCE %s AS {}', pg_get_serial_sequence({}, {})); END $$",
                serial_base(ty).unwrap_or(ty),
                literal(&t),
                literal(&to.name)
            )
        };
        out.push(stmt(seq_type(&to.ty), comment.clone(), source, vec![seq_type(&from.ty)]));
    }
    if change.comment {
        let target = format!("COLUMN {t}.{c}");
        out.push(stmt(
            comment_sql(&target, to.comment.as_deref()),
            format!("set comment to column: {:?} on table: {table:?}", to.name),
            source,
            vec![comment_sql(&target, from.comment.as_deref())],
        ));
    }
    Ok(out)
}

// ---------------------------------------------------------------- views and triggers

fn materialized(view: &View) -> bool {
    attr_value(&view.attrs, "materialized").is_some_and(|v| v.as_bool() == Some(true))
}

/// The `CREATE INDEX` definitions of a materialized view's indexes.
fn matview_indexes(view: &View) -> Vec<String> {
    attr_value(&view.attrs, "indexes")
        .and_then(|v| v.as_array())
        .map(|a| a.iter().filter_map(|d| d.as_str().map(String::from)).collect())
        .unwrap_or_default()
}

/// The index name in a `CREATE [UNIQUE] INDEX name ON …` definition.
fn index_name_of(def: &str) -> Option<String> {
    let tokens = sql::tokenize(def);
    let at = tokens.iter().position(|t| t.is("index"))?;
    tokens.get(at + 1).map(|t| t.value.clone())
}

/// A view whose comment or (materialized) indexes alone changed: those
/// change, the view and its data stay.
fn modify_view_in_place(
    schema: &str,
    from: &View,
    to: &View,
    source: usize,
    options: &PlanOptions,
) -> Option<Vec<Statement>> {
    let strip = |v: &View| {
        View {
        attrs: v
            .attrs
            .iter()
            .filter(|a| !matches!(a, strata_dialect_api::Attr::Other { name, .. } if name == "indexes" || name == "comment"))
            .cloned()
            .collect(),
        ..v.clone()
    }
    };
    // The same view on both sides is a rebuild around a change beneath it.
    if from == to || strip(from) != strip(to) {
        return None;
    }
    let names = Names { schema, qualify: options.qualify, quote };
    let (old, new) = (matview_indexes(from), matview_indexes(to));
    let mut out = Vec::new();
    for def in old.iter().filter(|d| !new.contains(d)) {
        let name = index_name_of(def)?;
        out.push(stmt(
            format!("DROP INDEX {}", names.name(&name)),
            format!("drop index {name:?}"),
            source,
            vec![def.clone()],
        ));
    }
    for def in new.iter().filter(|d| !old.contains(d)) {
        let name = index_name_of(def)?;
        out.push(stmt(
            def.clone(),
            format!("create index {name:?}"),
            source,
            vec![format!("DROP INDEX {}", names.name(&name))],
        ));
    }
    if comment_of(&from.attrs) != comment_of(&to.attrs) {
        out.push(comment_stmt(&view_target(&names, to), comment_of(&from.attrs), comment_of(&to.attrs), source));
    }
    Some(out)
}

/// `VIEW "v"` or `MATERIALIZED VIEW "v"`: what `COMMENT ON` names.
fn view_target(names: &Names<'_>, view: &View) -> String {
    let kind = if materialized(view) { "MATERIALIZED VIEW" } else { "VIEW" };
    format!("{kind} {}", names.name(&view.name))
}

fn create_view(schema: &str, view: &View, source: usize, options: &PlanOptions) -> Statement {
    let names = Names { schema, qualify: options.qualify, quote };
    let kind = if materialized(view) { "MATERIALIZED VIEW" } else { "VIEW" };
    let v = names.name(&view.name);
    stmt(
        format!("CREATE {kind} {v} AS {}", view.def.trim().trim_end_matches(';').trim_end()),
        format!("create {:?} view", view.name),
        source,
        vec![format!("DROP {kind} {v}")],
    )
}

fn drop_view(schema: &str, view: &View, source: usize, options: &PlanOptions) -> Statement {
    let names = Names { schema, qualify: options.qualify, quote };
    let kind = if materialized(view) { "MATERIALIZED VIEW" } else { "VIEW" };
    let mut s = stmt(
        format!("DROP {kind} {}", names.name(&view.name)),
        format!("drop {:?} view", view.name),
        source,
        vec![create_view(schema, view, source, options).sql],
    );
    // A materialized view holds data; refreshing it back may be expensive, not lossy.
    s.destructive = false;
    s
}

fn create_trigger(schema: &str, trigger: &Trigger, source: usize, options: &PlanOptions) -> Statement {
    stmt(
        trigger.def.trim().trim_end_matches(';').to_string(),
        format!("create trigger {:?}", trigger.name),
        source,
        vec![drop_trigger(schema, trigger, source, options).sql],
    )
}

fn drop_trigger(schema: &str, trigger: &Trigger, source: usize, options: &PlanOptions) -> Statement {
    let names = Names { schema, qualify: options.qualify, quote };
    stmt(
        format!("DROP TRIGGER {} ON {}", quote(&trigger.name), names.name(&trigger.table)),
        format!("drop trigger {:?}", trigger.name),
        source,
        vec![trigger.def.trim().trim_end_matches(';').to_string()],
    )
}

// ---------------------------------------------------------------- schema objects

fn alter_objects(
    p: &mut Phases,
    schema: &str,
    alter: &Alter,
    users: &[EnumUser],
    source: usize,
    options: &PlanOptions,
) -> Result<(), PluginError> {
    let names = Names { schema, qualify: options.qualify, quote };
    let decode =
        |attrs: &[strata_dialect_api::Attr]| -> Vec<Object> { attrs.iter().filter_map(Object::from_attr).collect() };
    // Creation order: extensions, types, sequences, functions (tables may use any).
    let rank = |o: &Object| match o {
        Object::Extension(_) => 0,
        Object::Enum(_) => 1,
        Object::Domain(_) => 2,
        Object::Sequence(_) => 3,
        Object::Function(_) => 4,
    };
    let mut add = decode(&alter.add);
    add.sort_by_key(rank);
    let home = home(options, schema);
    let uses = |o: &Object| match o {
        Object::Domain(d) => refs(home, &d.ty),
        _ => Vec::new(),
    };
    for object in &add {
        let mut stmts = vec![create_object(&names, object, source)];
        stmts.extend(object.comment().map(|c| comment_stmt(&object_target(&names, object), None, Some(c), source)));
        p.create_objects.push(
            Step::new(stmts).creates([object_key(schema, object)]).needs_new(uses(object)).needs_new([Key::new(
                KeyKind::Schema,
                "",
                schema,
            )]),
        );
    }
    for (from, to) in &alter.modify {
        let (Some(from), Some(to)) = (Object::from_attr(from), Object::from_attr(to)) else { continue };
        // An enum rebuilt is a new type: its comment is set again.
        let rebuilt = matches!((&from, &to), (Object::Enum(f), Object::Enum(t)) if f.values != t.values);
        if from.comment() != to.comment() || (rebuilt && to.comment().is_some()) {
            let set = comment_stmt(&object_target(&names, &to), from.comment(), to.comment(), source);
            p.add_triggers.push(unit(set).needs_new([object_key(schema, &to)]));
            if from.uncommented() == to.uncommented() {
                continue;
            }
        }
        let (from, to) = (from.uncommented(), to.uncommented());
        if let (Object::Enum(f), Object::Enum(t)) = (&from, &to) {
            let added = add_enum_values(&names, f, t, source);
            // A new label cannot be used in the transaction adding it ("unsafe use
            // of new value"); a type rebuild has no such limit.
            let used =
                t.values.iter().any(|v| !f.values.contains(v) && p.written.contains(&format!("{}::", literal(v))));
            match added {
                Ok(stmts) if !used => p.create_objects.push(Step::new(stmts)),
                _ => {
                    let mine: Vec<&EnumUser> = users.iter().filter(|u| u.ty == t.name).collect();
                    p.create_objects.push(rebuild_enum(&names, f, t, &mine, source, options));
                }
            }
            continue;
        }
        p.create_objects.push(Step::new(modify_object(&names, &from, &to, source)?));
    }
    let mut drop = decode(&alter.drop);
    drop.sort_by_key(|o| std::cmp::Reverse(rank(o)));
    for object in &drop {
        let mut s = drop_object(&names, object, source);
        s.reverse = vec![create_object(&names, object, source).sql];
        p.drop_objects.push(unit(s).drops([object_key(schema, object)]).needs_old(uses(object)));
    }
    Ok(())
}

/// `SEQUENCE "s"`, `TYPE "e"`, `FUNCTION "f"(args)`: what `COMMENT ON` names.
fn object_target(names: &Names<'_>, object: &Object) -> String {
    match object {
        Object::Sequence(s) => format!("SEQUENCE {}", names.name(&s.name)),
        Object::Enum(e) => format!("TYPE {}", names.name(&e.name)),
        Object::Domain(d) => format!("DOMAIN {}", names.name(&d.name)),
        Object::Extension(e) => format!("EXTENSION {}", quote(&e.name)),
        Object::Function(f) => {
            let kind = if f.kind == "procedure" { "PROCEDURE" } else { "FUNCTION" };
            format!("{kind} {}({})", names.name(&f.name), f.args)
        }
    }
}

/// The ordering's key for a schema-level object.
fn object_key(schema: &str, object: &Object) -> Key {
    match object {
        Object::Enum(e) => Key::new(KeyKind::Type, schema, &e.name),
        Object::Domain(d) => Key::new(KeyKind::Type, schema, &d.name),
        Object::Sequence(s) => Key::new(KeyKind::Sequence, schema, &s.name),
        Object::Function(f) => Key::new(KeyKind::Function, schema, &f.name),
        Object::Extension(e) => Key::new(KeyKind::Extension, "", &e.name),
    }
}

fn sequence_options(s: &Sequence) -> String {
    format!(
        "AS {} INCREMENT BY {} MINVALUE {} MAXVALUE {} START WITH {} CACHE {}{}",
        s.ty,
        s.increment,
        s.min,
        s.max,
        s.start,
        s.cache,
        if s.cycle { " CYCLE" } else { " NO CYCLE" }
    )
}

fn enum_values(e: &EnumType) -> String {
    e.values.iter().map(|v| literal(v)).collect::<Vec<_>>().join(", ")
}

fn domain_sql(names: &Names<'_>, d: &Domain) -> String {
    let mut out = format!("CREATE DOMAIN {} AS {}", names.name(&d.name), d.ty);
    if let Some(default) = &d.default {
        out.push_str(&format!(" DEFAULT {default}"));
    }
    if d.not_null {
        out.push_str(" NOT NULL");
    }
    for (name, check) in &d.checks {
        out.push_str(&format!(" CONSTRAINT {} {}", quote(name), sql::storable_expr(check)));
    }
    out
}

fn function_drop(names: &Names<'_>, f: &Function) -> String {
    let kind = if f.kind == "procedure" { "PROCEDURE" } else { "FUNCTION" };
    format!("DROP {kind} {}({})", names.name(&f.name), f.args)
}

fn create_object(names: &Names<'_>, object: &Object, source: usize) -> Statement {
    let (sql, comment, reverse) = match object {
        Object::Extension(e) => {
            let schema = if names.qualify { format!(" WITH SCHEMA {}", quote(names.schema)) } else { String::new() };
            (
                format!("CREATE EXTENSION IF NOT EXISTS {}{schema}", quote(&e.name)),
                format!("create extension {:?}", e.name),
                format!("DROP EXTENSION {}", quote(&e.name)),
            )
        }
        Object::Enum(e) => (
            format!("CREATE TYPE {} AS ENUM ({})", names.name(&e.name), enum_values(e)),
            format!("create enum type {:?}", e.name),
            format!("DROP TYPE {}", names.name(&e.name)),
        ),
        Object::Domain(d) => (
            domain_sql(names, d),
            format!("create domain type {:?}", d.name),
            format!("DROP DOMAIN {}", names.name(&d.name)),
        ),
        Object::Sequence(s) => (
            format!("CREATE SEQUENCE {} {}", names.name(&s.name), sequence_options(s)),
            format!("create sequence {:?}", s.name),
            format!("DROP SEQUENCE {}", names.name(&s.name)),
        ),
        Object::Function(f) => (
            f.def.trim().trim_end_matches(';').to_string(),
            format!("create {} {:?}", f.kind, f.name),
            function_drop(names, f),
        ),
    };
    stmt(sql, comment, source, vec![reverse])
}

fn drop_object(names: &Names<'_>, object: &Object, source: usize) -> Statement {
    let (sql, comment) = match object {
        Object::Extension(e) => (format!("DROP EXTENSION {}", quote(&e.name)), format!("drop extension {:?}", e.name)),
        Object::Enum(e) => (format!("DROP TYPE {}", names.name(&e.name)), format!("drop enum type {:?}", e.name)),
        Object::Domain(d) => (format!("DROP DOMAIN {}", names.name(&d.name)), format!("drop domain type {:?}", d.name)),
        Object::Sequence(s) => {
            (format!("DROP SEQUENCE {}", names.name(&s.name)), format!("drop sequence {:?}", s.name))
        }
        Object::Function(f) => (function_drop(names, f), format!("drop {} {:?}", f.kind, f.name)),
    };
    let mut s = stmt(sql, comment, source, vec![]);
    // A sequence holds its position; the other objects hold no data.
    s.destructive = matches!(object, Object::Sequence(_));
    s
}

fn modify_object(names: &Names<'_>, from: &Object, to: &Object, source: usize) -> Result<Vec<Statement>, PluginError> {
    match (from, to) {
        (Object::Enum(f), Object::Enum(t)) => add_enum_values(names, f, t, source),
        (Object::Sequence(f), Object::Sequence(t)) => Ok(vec![stmt(
            format!("ALTER SEQUENCE {} {}", names.name(&t.name), sequence_options(t)),
            format!("modify sequence {:?}", t.name),
            source,
            vec![format!("ALTER SEQUENCE {} {}", names.name(&f.name), sequence_options(f))],
        )]),
        // PostgreSQL cannot change a function's return type in place: it is
        // dropped and created (what reads it is recreated around, see diff).
        (Object::Function(f), Object::Function(t)) if f.returns() != t.returns() => Ok(vec![
            stmt(function_drop(names, f), format!("drop {} {:?}", f.kind, f.name), source, vec![]),
            stmt(
                t.def.trim().trim_end_matches(';').to_string(),
                format!("create {} {:?}", t.kind, t.name),
                source,
                vec![f.def.trim().trim_end_matches(';').to_string()],
            ),
        ]),
        (Object::Function(f), Object::Function(t)) => Ok(vec![stmt(
            t.def.trim().trim_end_matches(';').to_string(),
            format!("modify {} {:?}", t.kind, t.name),
            source,
            vec![f.def.trim().trim_end_matches(';').to_string()],
        )]),
        (Object::Domain(f), Object::Domain(t)) if f.ty == t.ty => Ok(alter_domain(names, f, t, source)),
        // Only the version differs, and it is not compared.
        (Object::Extension(_), Object::Extension(_)) => Ok(vec![]),
        _ => Err(unsupported(format!("change {} {:?}", to.kind(), to.key()))),
    }
}

/// `ALTER DOMAIN` for a domain's default, NOT NULL and checks (its base type
/// cannot change in place). Checks are matched by name; a changed one is
/// dropped and added again.
fn alter_domain(names: &Names<'_>, from: &Domain, to: &Domain, source: usize) -> Vec<Statement> {
    let d = names.name(&to.name);
    let comment = format!("modify domain {:?}", to.name);
    let mut out = Vec::new();
    let one = |sql: String, reverse: String| stmt(sql, comment.clone(), source, vec![reverse]);
    let default = |v: &Option<String>| match v {
        Some(x) => format!("ALTER DOMAIN {d} SET DEFAULT {x}"),
        None => format!("ALTER DOMAIN {d} DROP DEFAULT"),
    };
    if from.default != to.default {
        out.push(one(default(&to.default), default(&from.default)));
    }
    let null = |not_null: bool| format!("ALTER DOMAIN {d} {} NOT NULL", if not_null { "SET" } else { "DROP" });
    if from.not_null != to.not_null {
        out.push(one(null(to.not_null), null(from.not_null)));
    }
    let drop = |n: &str| format!("ALTER DOMAIN {d} DROP CONSTRAINT {}", quote(n));
    let add = |n: &str, c: &str| format!("ALTER DOMAIN {d} ADD CONSTRAINT {} {}", quote(n), sql::storable_expr(c));
    for (n, c) in &from.checks {
        if !to.checks.iter().any(|(m, e)| m == n && e == c) {
            out.push(one(drop(n), add(n, c)));
        }
    }
    for (n, c) in &to.checks {
        if !from.checks.iter().any(|(m, e)| m == n && e == c) {
            out.push(one(add(n, c), drop(n)));
        }
    }
    out
}

/// An enum type rebuilt with other labels: a new type, every column moved to
/// it through text, the old type dropped and the new one renamed. Labels that
/// go are guarded by a check that no row holds them.
fn rebuild_enum(
    names: &Names<'_>,
    from: &EnumType,
    to: &EnumType,
    users: &[&EnumUser],
    source: usize,
    options: &PlanOptions,
) -> Unit {
    let tmp = names.name(&format!("{}__new", to.name));
    let removed: Vec<&String> = from.values.iter().filter(|v| !to.values.contains(v)).collect();
    let comment = format!("rebuild enum type {:?}", to.name);
    let mut out =
        vec![stmt(format!("CREATE TYPE {tmp} AS ENUM ({})", enum_values(to)), comment.clone(), source, vec![])];
    let mut needs = Vec::new();
    for u in users {
        let table = Names { schema: &u.schema, qualify: names.qualify, quote }.name(&u.table);
        let c = quote(&u.column);
        let alter = |clause: String| format!("ALTER TABLE {table} ALTER COLUMN {c} {clause}");
        needs.push(Key::relation(&u.schema, &u.table));
        needs.push(Key::column(&u.schema, &u.table, &u.column));
        // A default typed by the old type cannot be cast: it is set again on the new one.
        let default = u.default.as_ref().filter(|d| !removed.iter().any(|v| d.contains(&literal(v))));
        if u.default.is_some() {
            out.push(stmt(alter("DROP DEFAULT".into()), comment.clone(), source, vec![]));
        }
        let (ty, via) = if u.array { (format!("{tmp}[]"), "text[]") } else { (tmp.clone(), "text") };
        let mut s = stmt(alter(format!("TYPE {ty} USING {c}::{via}::{ty}")), comment.clone(), source, vec![]);
        s.locks_table = true;
        s.rewrites_table = true;
        if !removed.is_empty() && options.checks {
            s.checks.push(enum_values_unused(&table, &u.table, &u.column, u.array, &removed));
        }
        out.push(s);
        if let Some(d) = default {
            out.push(stmt(
                alter(format!("SET DEFAULT {}", retype(d, &from.name, &tmp))),
                comment.clone(),
                source,
                vec![],
            ));
        }
    }
    out.push(stmt(format!("DROP TYPE {}", names.name(&from.name)), comment.clone(), source, vec![]));
    out.push(stmt(format!("ALTER TYPE {tmp} RENAME TO {}", quote(&to.name)), comment, source, vec![]));
    // The old type goes: whatever still uses it (a dropped schema's tables, a
    // column leaving the type) goes first; the new one is in place for the rest.
    let ty = Key::new(KeyKind::Type, names.schema, &to.name);
    // The tables whose columns move are replaced as far as views see them:
    // views over them are dropped before and created after.
    let moved: Vec<Key> = users.iter().map(|u| Key::relation(&u.schema, &u.table)).collect();
    Step::new(out).needs_old(needs).drops([ty.clone()]).creates([ty]).drops(moved.clone()).creates(moved)
}

/// `expr` with casts to the type `name` (`::name`, `::schema.name`) turned into casts to `to`.
fn retype(expr: &str, name: &str, to: &str) -> String {
    let tokens = sql::tokenize(expr);
    let mut out = String::new();
    let mut at = 0;
    for (i, t) in tokens.iter().enumerate() {
        if !t.is_punct("::") {
            continue;
        }
        let end = match (tokens.get(i + 1), tokens.get(i + 2), tokens.get(i + 3)) {
            (Some(_), Some(dot), Some(n)) if dot.is_punct(".") && n.is_name() && n.value == name => n.end,
            (Some(n), _, _) if n.is_name() && n.value == name => n.end,
            _ => continue,
        };
        out.push_str(&expr[at..t.end]);
        out.push_str(to);
        at = end;
    }
    out.push_str(&expr[at..]);
    out
}

/// New enum labels go in place with `ALTER TYPE … ADD VALUE`. Since PostgreSQL 12
/// it runs inside a transaction block, but the new label cannot be used before
/// that transaction commits
/// (https://www.postgresql.org/docs/current/sql-altertype.html#id-1.9.3.42.7); the
/// statements stay transactional. Labels cannot be removed, so there is no reverse.
fn add_enum_values(
    names: &Names<'_>,
    from: &EnumType,
    to: &EnumType,
    source: usize,
) -> Result<Vec<Statement>, PluginError> {
    // The same labels in the same places but one: a renamed value (the rows
    // holding it follow), where a rebuild would refuse them.
    if from.values.len() == to.values.len() {
        let differ: Vec<usize> = (0..from.values.len()).filter(|&i| from.values.get(i) != to.values.get(i)).collect();
        if let [i] = differ.as_slice()
            && let (Some(old), Some(new)) = (from.values.get(*i), to.values.get(*i))
            && !from.values.contains(new)
        {
            let rename = |a: &str, b: &str| {
                format!("ALTER TYPE {} RENAME VALUE {} TO {}", names.name(&to.name), literal(a), literal(b))
            };
            return Ok(vec![stmt(
                rename(old, new),
                format!("rename value {old:?} of enum type {:?} to {new:?}", to.name),
                source,
                vec![rename(new, old)],
            )]);
        }
    }
    // The old labels must appear in the new list, in the same order.
    let mut positions = Vec::new();
    for v in &from.values {
        let after = positions.last().map_or(0, |p| p + 1);
        match to.values.iter().skip(after).position(|x| x == v) {
            Some(i) => positions.push(after + i),
            None => {
                return Err(unsupported(format!(
                    "remove or reorder values of enum type {:?} (PostgreSQL can only add values)",
                    to.name
                )));
            }
        }
    }
    let mut out = Vec::new();
    for (i, value) in to.values.iter().enumerate() {
        if positions.contains(&i) {
            continue;
        }
        let place = match i.checked_sub(1).and_then(|j| to.values.get(j)) {
            Some(prev) => format!(" AFTER {}", literal(prev)),
            None => to.values.get(1).map(|next| format!(" BEFORE {}", literal(next))).unwrap_or_default(),
        };
        out.push(stmt(
            format!("ALTER TYPE {} ADD VALUE {}{place}", names.name(&to.name), literal(value)),
            format!("add value {value:?} to enum type {:?}", to.name),
            source,
            vec![],
        ));
    }
    Ok(out)
}

/// The objects of `schema` as statements (used by tests).
#[cfg(test)]
fn object_statements(schema: &Schema) -> Vec<String> {
    let names = Names { schema: &schema.name, qualify: false, quote };
    crate::objects::objects(schema).iter().map(|o| create_object(&names, o, 0).sql).collect()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::inspect::attr;
    use strata_dialect_api::{Check, Generated};

    fn col(name: &str, ty: &str, nullable: bool) -> Column {
        Column { name: name.into(), ty: ty.into(), nullable, ..Column::default() }
    }

    fn users() -> Table {
        Table {
            name: "users".into(),
            columns: vec![
                Column { attrs: vec![attr("identity", "ALWAYS")], ..col("id", "bigint", false) },
                Column {
                    default: Some("'x'::character varying".into()),
                    collation: Some("C".into()),
                    comment: Some("it's".into()),
                    ..col("name", "character varying(255)", false)
                },
                Column {
                    generated: Some(Generated { expr: "length((name)::text)".into(), stored: true }),
                    ..col("len", "integer", true)
                },
            ],
            primary_key: Some(PrimaryKey {
                name: Some("users_pkey".into()),
                parts: vec![IndexPart::column("id")],
                ..PrimaryKey::default()
            }),
            indexes: vec![
                Index {
                    name: "users_lower".into(),
                    parts: vec![IndexPart {
                        expr: Some("lower((name)::text)".into()),
                        desc: true,
                        ..IndexPart::default()
                    }],
                    predicate: Some("(id > 0)".into()),
                    attrs: vec![attr("nulls", vec![serde_json::Value::from("LAST")])],
                    ..Index::default()
                },
                Index {
                    name: "users_name_key".into(),
                    unique: true,
                    parts: vec![IndexPart::column("name")],
                    attrs: vec![attr("constraint", "unique")],
                    ..Index::default()
                },
            ],
            checks: vec![Check { name: Some("positive".into()), expr: "(id > 0)".into(), attrs: Vec::new() }],
            comment: Some("people".into()),
            ..Table::default()
        }
    }

    fn sqls(plan: &Plan) -> Vec<(String, Vec<String>)> {
        plan.statements.iter().map(|s| (s.sql.clone(), s.reverse.clone())).collect()
    }

    #[test]
    fn add_table_snapshot() {
        let plan =
            plan_changes(&[Change::AddTable { schema: "public".into(), table: users() }], &PlanOptions::default())
                .unwrap();
        let s = |a: &str, b: &str| (a.to_string(), vec![b.to_string()]);
        assert_eq!(
            sqls(&plan),
            vec![
                s(
                    "CREATE TABLE \"users\" (\"id\" bigint NOT NULL GENERATED ALWAYS AS IDENTITY, \
                     \"name\" character varying(255) COLLATE \"C\" NOT NULL DEFAULT 'x'::character varying, \
                     \"len\" integer NULL GENERATED ALWAYS AS (length((name)::text)) STORED, \
                     CONSTRAINT \"users_pkey\" PRIMARY KEY (\"id\"), CONSTRAINT \"users_name_key\" UNIQUE (\"name\"), \
                     CONSTRAINT \"positive\" CHECK ((id > 0)))",
                    "DROP TABLE \"users\""
                ),
                s(
                    "CREATE INDEX \"users_lower\" ON \"users\" ((lower((name)::text)) DESC NULLS LAST) WHERE (id > 0)",
                    "DROP INDEX \"users_lower\""
                ),
                s("COMMENT ON TABLE \"users\" IS 'people'", "COMMENT ON TABLE \"users\" IS NULL"),
                s("COMMENT ON COLUMN \"users\".\"name\" IS 'it''s'", "COMMENT ON COLUMN \"users\".\"name\" IS NULL"),
            ]
        );
        assert_eq!(plan.statements[0].comment, "create \"users\" table");
        assert!(plan.statements[1].locks_table);
        let qualified = plan_changes(
            &[Change::AddTable { schema: "app".into(), table: users() }],
            &PlanOptions { qualify: true, ..PlanOptions::default() },
        )
        .unwrap();
        assert!(qualified.statements[0].sql.starts_with("CREATE TABLE \"app\".\"users\" ("));
        assert_eq!(qualified.statements[1].reverse, ["DROP INDEX \"app\".\"users_lower\""]);
    }

    #[test]
    fn drop_table_reverse_recreates_indexes_and_checks_emptiness() {
        let plan = plan_changes(
            &[Change::DropTable { schema: "public".into(), table: users() }],
            &PlanOptions { checks: true, ..PlanOptions::default() },
        )
        .unwrap();
        assert_eq!(plan.statements.len(), 1);
        let drop = &plan.statements[0];
        assert_eq!(drop.sql, "DROP TABLE \"users\"");
        assert!(drop.destructive);
        assert_eq!(drop.reverse.len(), 4);
        assert_eq!(drop.checks[0].sql, "SELECT NOT EXISTS (SELECT 1 FROM \"users\") AS \"is_empty\"");
    }

    #[test]
    fn alter_snapshot() {
        let from = Table {
            name: "t".into(),
            columns: vec![
                col("a", "integer", true),
                col("b", "text", true),
                col("c", "character varying(20)", true),
                col("d", "text", true),
            ],
            ..Table::default()
        };
        let to = Table {
            name: "t".into(),
            columns: vec![
                Column { default: Some("0".into()), ..col("a", "bigint", false) },
                col("c", "character varying(10)", true),
                col("d", "integer", true),
                Column { default: Some("now()".into()), ..col("e", "timestamp with time zone", false) },
            ],
            indexes: vec![Index { name: "t_a".into(), parts: vec![IndexPart::column("a")], ..Index::default() }],
            foreign_keys: vec![ForeignKey {
                name: Some("t_a_fkey".into()),
                columns: vec!["a".into()],
                ref_table: "p".into(),
                ref_columns: vec!["id".into()],
                on_delete: Some("CASCADE".into()),
                ..ForeignKey::default()
            }],
            ..Table::default()
        };
        let changes = crate::diff::diff_table(&from, &to);
        let plan = plan_changes(
            &[Change::ModifyTable { schema: "public".into(), from, to, changes }],
            &PlanOptions { checks: true, ..PlanOptions::default() },
        )
        .unwrap();
        let s = |a: &str, b: &str| (a.to_string(), vec![b.to_string()]);
        assert_eq!(
            sqls(&plan),
            vec![
                s(
                    "ALTER TABLE \"t\" ALTER COLUMN \"a\" TYPE bigint",
                    "ALTER TABLE \"t\" ALTER COLUMN \"a\" TYPE integer"
                ),
                s(
                    "ALTER TABLE \"t\" ALTER COLUMN \"a\" SET DEFAULT 0",
                    "ALTER TABLE \"t\" ALTER COLUMN \"a\" DROP DEFAULT"
                ),
                s(
                    "ALTER TABLE \"t\" ALTER COLUMN \"a\" SET NOT NULL",
                    "ALTER TABLE \"t\" ALTER COLUMN \"a\" DROP NOT NULL"
                ),
                s("ALTER TABLE \"t\" DROP COLUMN \"b\"", "ALTER TABLE \"t\" ADD COLUMN \"b\" text NULL"),
                s(
                    "ALTER TABLE \"t\" ALTER COLUMN \"c\" TYPE character varying(10)",
                    "ALTER TABLE \"t\" ALTER COLUMN \"c\" TYPE character varying(20)"
                ),
                s(
                    "ALTER TABLE \"t\" ALTER COLUMN \"d\" TYPE integer USING \"d\"::integer",
                    "ALTER TABLE \"t\" ALTER COLUMN \"d\" TYPE text"
                ),
                s(
                    "ALTER TABLE \"t\" ADD COLUMN \"e\" timestamp with time zone NOT NULL DEFAULT now()",
                    "ALTER TABLE \"t\" DROP COLUMN \"e\""
                ),
                s("CREATE INDEX \"t_a\" ON \"t\" (\"a\")", "DROP INDEX \"t_a\""),
                s(
                    "ALTER TABLE \"t\" ADD CONSTRAINT \"t_a_fkey\" FOREIGN KEY (\"a\") REFERENCES \"p\" (\"id\") ON DELETE CASCADE",
                    "ALTER TABLE \"t\" DROP CONSTRAINT \"t_a_fkey\""
                ),
            ]
        );
        let st = &plan.statements;
        assert!(st[0].rewrites_table && st[0].locks_table && st[0].checks.is_empty());
        assert_eq!(st[2].checks[0].sql, "SELECT NOT EXISTS (SELECT 1 FROM \"t\" WHERE \"a\" IS NULL) AS \"no_nulls\"");
        assert!(st[3].destructive);
        assert_eq!(st[3].checks[0].reason, "column \"b\" of table \"t\" is empty");
        assert!(st[4].rewrites_table && st[4].checks[0].reason.contains("fits character varying(10)"));
        assert!(st[5].rewrites_table);
        assert!(!st[6].rewrites_table && st[6].checks.is_empty());
    }

    #[test]
    fn cyclic_tables_get_their_keys_afterwards() {
        let fk = |name: &str, to: &str| ForeignKey {
            name: Some(name.into()),
            columns: vec!["r".into()],
            ref_table: to.into(),
            ref_columns: vec!["id".into()],
            ..ForeignKey::default()
        };
        let t = |name: &str, fks: Vec<ForeignKey>| Table {
            name: name.into(),
            columns: vec![col("id", "integer", false), col("r", "integer", true)],
            primary_key: Some(PrimaryKey { parts: vec![IndexPart::column("id")], ..PrimaryKey::default() }),
            foreign_keys: fks,
            ..Table::default()
        };
        let a = t("a", vec![fk("a_b", "b")]);
        let b = t("b", vec![fk("b_a", "a")]);
        let c = t("c", vec![fk("c_a", "a")]);
        let changes = vec![
            Change::AddTable { schema: "public".into(), table: c.clone() },
            Change::AddTable { schema: "public".into(), table: a.clone() },
            Change::AddTable { schema: "public".into(), table: b.clone() },
        ];
        let plan = plan_changes(&changes, &PlanOptions::default()).unwrap();
        let order: Vec<&str> = plan.statements.iter().map(|s| s.sql.as_str()).collect();
        assert_eq!(order.len(), 4);
        assert!(order[0].starts_with("CREATE TABLE \"a\"") && !order[0].contains("REFERENCES"));
        assert!(order[1..3].iter().all(|s| s.contains("REFERENCES \"a\"")));
        assert_eq!(order[3], "ALTER TABLE \"a\" ADD CONSTRAINT \"a_b\" FOREIGN KEY (\"r\") REFERENCES \"b\" (\"id\")");

        let drops = vec![
            Change::DropTable { schema: "public".into(), table: a },
            Change::DropTable { schema: "public".into(), table: b },
            Change::DropTable { schema: "public".into(), table: c },
        ];
        let plan = plan_changes(&drops, &PlanOptions::default()).unwrap();
        let order: Vec<&str> = plan.statements.iter().map(|s| s.sql.as_str()).collect();
        assert_eq!(
            order,
            ["ALTER TABLE \"a\" DROP CONSTRAINT \"a_b\"", "DROP TABLE \"c\"", "DROP TABLE \"b\"", "DROP TABLE \"a\""]
        );
    }

    /// Uses of an extension the model cannot name (a domain over `citext`, an
    /// `hstore` column) come after its creation and before its drop, however
    /// the ordering moves them across the phases.
    #[test]
    fn extensions_are_created_first_and_dropped_last() {
        let ext =
            |name: &str| Object::Extension(crate::objects::Extension { name: name.into(), version: "1.0".into() });
        let email = Object::Domain(Domain {
            name: "email".into(),
            ty: "public.citext".into(),
            not_null: false,
            default: None,
            checks: Vec::new(),
            comment: None,
        });
        let public =
            |attrs: Vec<strata_dialect_api::Attr>| Schema { name: "public".into(), attrs, ..Schema::default() };
        let with_exts = public(vec![ext("citext").to_attr(), ext("hstore").to_attr()]);
        let u = Table {
            name: "u".into(),
            columns: vec![col("id", "integer", false), col("h", "hstore", true)],
            primary_key: Some(PrimaryKey { parts: vec![IndexPart::column("id")], ..PrimaryKey::default() }),
            ..Table::default()
        };
        // A schema planned before `public` whose domain uses `public`'s extension.
        let aux = Schema {
            name: "aux".into(),
            attrs: vec![email.to_attr()],
            tables: vec![Table {
                name: "r".into(),
                columns: vec![col("u_id", "integer", true), col("e", "aux.email", true)],
                foreign_keys: vec![ForeignKey {
                    columns: vec!["u_id".into()],
                    ref_schema: Some("public".into()),
                    ref_table: "u".into(),
                    ref_columns: vec!["id".into()],
                    ..ForeignKey::default()
                }],
                ..Table::default()
            }],
            ..Schema::default()
        };
        let options = PlanOptions { qualify: true, ..PlanOptions::default() };
        let order = |changes: &[Change]| -> Vec<String> {
            plan_changes(changes, &options).unwrap().statements.into_iter().map(|s| s.sql).collect()
        };
        let at = |sql: &[String], start: &str| {
            sql.iter().position(|s| s.starts_with(start)).unwrap_or_else(|| panic!("no {start} in {sql:#?}"))
        };

        let create = order(&[
            Change::AddSchema { schema: aux.clone() },
            Change::AddTable { schema: "aux".into(), table: aux.tables[0].clone() },
            Change::ModifySchema { from: public(Vec::new()), to: with_exts.clone() },
            Change::AddTable { schema: "public".into(), table: u.clone() },
        ]);
        for ext in ["CREATE EXTENSION IF NOT EXISTS \"citext\"", "CREATE EXTENSION IF NOT EXISTS \"hstore\""] {
            assert!(at(&create, "CREATE SCHEMA \"aux\"") < at(&create, ext), "{create:#?}");
            for user in
                ["CREATE DOMAIN \"aux\".\"email\"", "CREATE TABLE \"public\".\"u\"", "CREATE TABLE \"aux\".\"r\""]
            {
                assert!(at(&create, ext) < at(&create, user), "{create:#?}");
            }
        }

        // Dropping everything: `DROP SCHEMA aux CASCADE` goes before the table
        // its key references, which takes the table past the phase dropping
        // extensions; the extensions follow it.
        let drop = order(&[
            Change::DropSchema { schema: aux },
            Change::ModifySchema { from: with_exts, to: public(Vec::new()) },
            Change::DropTable { schema: "public".into(), table: u },
        ]);
        let schema = at(&drop, "DROP SCHEMA \"aux\" CASCADE");
        let table = at(&drop, "DROP TABLE \"public\".\"u\"");
        assert!(schema < table, "{drop:#?}");
        for ext in ["DROP EXTENSION \"citext\"", "DROP EXTENSION \"hstore\""] {
            assert!(table < at(&drop, ext), "{drop:#?}");
        }
    }

    #[test]
    fn objects_and_enum_values() {
        let e = |values: &[&str]| EnumType {
            name: "mood".into(),
            values: values.iter().map(|v| v.to_string()).collect(),
            comment: None,
        };
        let schema = Schema {
            name: "public".into(),
            attrs: vec![
                Object::Enum(e(&["a", "c"])).to_attr(),
                Object::Sequence(Sequence {
                    name: "s".into(),
                    ty: "bigint".into(),
                    start: 1,
                    increment: 1,
                    min: 1,
                    max: i64::MAX,
                    cache: 1,
                    cycle: false,
                    comment: None,
                })
                .to_attr(),
            ],
            ..Schema::default()
        };
        assert_eq!(
            object_statements(&schema),
            [
                "CREATE TYPE \"mood\" AS ENUM ('a', 'c')",
                "CREATE SEQUENCE \"s\" AS bigint INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1 NO CYCLE"
            ]
        );
        let names = Names { schema: "public", qualify: false, quote };
        let added = add_enum_values(&names, &e(&["a", "c"]), &e(&["z", "a", "b", "c", "d"]), 0).unwrap();
        let sql: Vec<&str> = added.iter().map(|s| s.sql.as_str()).collect();
        assert_eq!(
            sql,
            [
                "ALTER TYPE \"mood\" ADD VALUE 'z' BEFORE 'a'",
                "ALTER TYPE \"mood\" ADD VALUE 'b' AFTER 'a'",
                "ALTER TYPE \"mood\" ADD VALUE 'd' AFTER 'c'"
            ]
        );
        assert!(added.iter().all(|s| s.transactional));
        assert!(add_enum_values(&names, &e(&["a", "c"]), &e(&["c", "a"]), 0).is_err());
    }
}
