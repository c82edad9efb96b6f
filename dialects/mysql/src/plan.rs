//! Planning changes into MySQL statements.
//!
//! MySQL commits implicitly around every DDL statement, so no statement is
//! transactional and each one is planned to leave a consistent schema behind.
//! The changes to one table go into as few `ALTER TABLE` statements as MySQL
//! allows: foreign keys are dropped first in their own statement (an index or
//! column they need can then go), everything else in one statement, and new
//! foreign keys are added last in their own (the tables and keys they
//! reference exist by then). Statements come in phases:
//!
//! 1. schemas are created; triggers and views are dropped;
//! 2. foreign keys of modified tables are dropped, then dropped tables go
//!    (referencing tables first; keys of a reference cycle are dropped before);
//! 3. modified tables change in place, then new tables are created
//!    (referenced tables first; keys to tables created later are added after);
//! 4. foreign keys are added, views and triggers created, schemas dropped.
//!
//! Then `strata_dialect_kit::order` reorders wherever a dependency says so.
//! Names are backquoted and left unqualified unless `PlanOptions::qualify`.

use crate::attrs::{flag, get, get_str};
use crate::diff::effective_collation;
use crate::objects::{Alter as ObjectChanges, Event, Object, Routine, Sequence, objects};
use crate::sql::tokens;
use crate::types::{is_text, literal, lossy_condition, quote};
use strata_dialect_api::{
    Change, Check, Column, ForeignKey, Index, IndexPart, Plan, PlanOptions, PluginError, PreCheck, PrimaryKey, Schema,
    Statement, Table, TableChange, Trigger, View,
};
use strata_dialect_kit::Names;
use strata_dialect_kit::checks;
use strata_dialect_kit::order::{self, Key, Kind as KeyKind, Step, relation_refs};

/// Plans `changes`.
///
/// # Errors
/// Never today; the signature leaves room for changes MySQL cannot make.
pub fn plan_changes(changes: &[Change], options: &PlanOptions) -> Result<Plan, PluginError> {
    let mut p = Phases::default();
    for (source, change) in changes.iter().enumerate() {
        plan_change(&mut p, change, source, options);
    }
    Ok(Plan { changes: changes.to_vec(), statements: p.finish(options) })
}

type Unit = Step<Vec<Statement>>;

fn unit(s: Statement) -> Unit {
    Step::new(vec![s])
}

#[derive(Default)]
struct Phases {
    add_schemas: Vec<Unit>,
    drop_events: Vec<Unit>,
    drop_triggers: Vec<Unit>,
    drop_views: Vec<Unit>,
    drop_routines: Vec<Unit>,
    drop_fks: Vec<Unit>,
    drop_tables: Vec<(String, Table, usize)>,
    create_sequences: Vec<Unit>,
    modify_tables: Vec<Unit>,
    drop_sequences: Vec<Unit>,
    add_tables: Vec<(String, Table, usize)>,
    add_fks: Vec<Unit>,
    create_routines: Vec<Unit>,
    add_views: Vec<Unit>,
    add_triggers: Vec<Unit>,
    create_events: Vec<Unit>,
    drop_schemas: Vec<Unit>,
}

/// A statement: never transactional, since MySQL commits around DDL.
fn stmt(sql: String, comment: String, source: usize, reverse: Vec<String>) -> Statement {
    let mut s = Statement::new(sql, comment, source);
    s.reverse = reverse;
    s.transactional = false;
    s
}

// ---------------------------------------------------------------- keys

/// A unique key over `columns` of a table, which foreign keys referencing
/// those columns need (MySQL needs an index there).
fn unique_key(schema: &str, table: &str, columns: &[String]) -> Key {
    let mut sorted: Vec<String> = columns.iter().map(|c| c.to_lowercase()).collect();
    sorted.sort();
    Key::constraint(schema, table, &format!("unique({})", sorted.join(",")))
}

fn part_columns(parts: &[IndexPart]) -> Vec<String> {
    parts.iter().filter_map(|p| p.column.clone()).collect()
}

fn index_key(schema: &str, table: &str, name: &str) -> Key {
    Key::constraint(schema, table, &format!("index:{name}"))
}

fn fk_key(schema: &str, table: &str, fk: &ForeignKey) -> Key {
    Key::constraint(schema, table, &format!("fk:{}", fk_name(table, fk)))
}

/// What a foreign key of a table in `schema` references.
fn fk_refs(schema: &str, fk: &ForeignKey) -> Vec<Key> {
    let ref_schema = fk.ref_schema.as_deref().unwrap_or(schema);
    vec![Key::relation(ref_schema, &fk.ref_table), unique_key(ref_schema, &fk.ref_table, &fk.ref_columns)]
}

/// What a table brings into existence.
fn table_keys(schema: &str, table: &Table) -> Vec<Key> {
    let mut out = vec![Key::relation(schema, &table.name)];
    out.extend(table.columns.iter().map(|c| Key::column(schema, &table.name, &c.name)));
    out.extend(table.indexes.iter().map(|i| index_key(schema, &table.name, &i.name)));
    if let Some(pk) = &table.primary_key {
        out.push(unique_key(schema, &table.name, &part_columns(&pk.parts)));
    }
    out.extend(
        table.indexes.iter().filter(|i| i.unique).map(|i| unique_key(schema, &table.name, &part_columns(&i.parts))),
    );
    out.extend(table.foreign_keys.iter().map(|fk| fk_key(schema, &table.name, fk)));
    out
}

/// Relations a SQL fragment may name, unqualified names taken in `schema`.
fn refs(schema: &str, sql: &str) -> Vec<Key> {
    relation_refs(schema, &tokens(sql))
}

/// A stored routine's key: functions and procedures have a namespace each.
fn routine_key(schema: &str, routine: &Routine) -> Key {
    if routine.kind == "PROCEDURE" {
        Key::new(KeyKind::Function, schema, &format!("procedure {}", routine.name))
    } else {
        Key::new(KeyKind::Function, schema, &routine.name)
    }
}

/// Functions a SQL fragment may call (`name(` or `db.name(`); keys of
/// built-in functions match nothing a plan creates or drops.
fn function_refs(schema: &str, sql: &str) -> Vec<Key> {
    let toks = tokens(sql);
    let mut out = Vec::new();
    for (i, t) in toks.iter().enumerate() {
        if !t.is_name() || !toks.get(i + 1).is_some_and(|n| n.is_punct("(")) {
            continue;
        }
        out.push(Key::new(KeyKind::Function, schema, &t.value));
        if i >= 2 && toks[i - 1].is_punct(".") && toks[i - 2].is_name() {
            out.push(Key::new(KeyKind::Function, &toks[i - 2].value, &t.value));
        }
    }
    out
}

/// The sequences a table's column defaults draw from (`nextval(s)`,
/// `NEXT VALUE FOR s`), as relation keys: a sequence is a table.
fn sequence_refs(schema: &str, table: &Table) -> Vec<Key> {
    table
        .columns
        .iter()
        .filter_map(|c| c.default.as_deref())
        .filter(|d| {
            let l = d.to_ascii_lowercase();
            ["nextval", "lastval", "setval", "value for"].iter().any(|f| l.contains(f))
        })
        .flat_map(|d| refs(schema, d))
        .collect()
}

// ---------------------------------------------------------------- SQL pieces

/// The character set a collation belongs to (its name up to the first `_`).
fn charset_of(collation: &str) -> &str {
    collation.split('_').next().unwrap_or(collation)
}

/// A column definition. `collation` is written when given (a text column's
/// collation is spelled out when it differs from the table's, or when a
/// `MODIFY` must pin the table's new default).
fn column_sql(column: &Column, collation: Option<&str>) -> String {
    let mut sql = format!("{} {}", quote(&column.name), column.ty);
    if let Some(c) = collation.filter(|_| is_text(&column.ty)) {
        sql.push_str(&format!(" CHARACTER SET {} COLLATE {c}", charset_of(c)));
    }
    if let Some(side) = period_side(column) {
        // A system-versioned table's period column (MariaDB): no expression,
        // no storage, never null.
        sql.push_str(&format!(" GENERATED ALWAYS AS ROW {side}"));
    } else if let Some(g) = &column.generated {
        sql.push_str(&format!(" GENERATED ALWAYS AS ({}) {}", g.expr, if g.stored { "STORED" } else { "VIRTUAL" }));
        if !column.nullable {
            sql.push_str(" NOT NULL");
        }
    } else {
        if !column.nullable {
            sql.push_str(" NOT NULL");
        } else if column.ty.starts_with("timestamp") {
            // Without it, old servers make a timestamp column NOT NULL.
            sql.push_str(" NULL");
        }
        if let Some(d) = &column.default {
            sql.push_str(&format!(" DEFAULT {d}"));
        }
        if let Some(on_update) = get_str(&column.attrs, "on_update") {
            sql.push_str(&format!(" ON UPDATE {on_update}"));
        }
        if flag(&column.attrs, "auto_increment") {
            sql.push_str(" AUTO_INCREMENT");
        }
    }
    if flag(&column.attrs, "invisible") {
        sql.push_str(" INVISIBLE");
    }
    if flag(&column.attrs, "unversioned") {
        sql.push_str(" WITHOUT SYSTEM VERSIONING");
    }
    if let Some(comment) = &column.comment {
        sql.push_str(&format!(" COMMENT {}", literal(comment)));
    }
    if let Some(check) = get_str(&column.attrs, "check") {
        sql.push_str(&format!(" CHECK ({check})"));
    }
    sql
}

/// `START` or `END` for the column a system-versioned table's rows are
/// timed by (`GENERATED ALWAYS AS ROW START`, which the catalog lists as a
/// stored column generated by `ROW START`).
fn period_side(column: &Column) -> Option<&'static str> {
    let expr = column.generated.as_ref()?.expr.trim();
    if expr.eq_ignore_ascii_case("ROW START") {
        Some("START")
    } else if expr.eq_ignore_ascii_case("ROW END") {
        Some("END")
    } else {
        None
    }
}

/// `PERIOD FOR SYSTEM_TIME (start, end)` for a table whose period columns
/// are its own (declared, not the hidden ones `WITH SYSTEM VERSIONING`
/// alone adds).
fn system_period_sql(table: &Table) -> Option<String> {
    let named = |side| table.columns.iter().find(|c| period_side(c) == Some(side)).map(|c| c.name.clone());
    Some(format!("PERIOD FOR SYSTEM_TIME ({})", columns_list(&[named("START")?, named("END")?])))
}

fn columns_list(columns: &[String]) -> String {
    columns.iter().map(|c| quote(c)).collect::<Vec<_>>().join(", ")
}

/// Index parts with prefix lengths (`sub_parts`) and directions.
fn parts_sql(parts: &[IndexPart], attrs: &[strata_dialect_api::Attr]) -> String {
    let subs = get(attrs, "sub_parts").and_then(|v| v.as_array()).cloned().unwrap_or_default();
    parts
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let mut s = match (&p.column, &p.expr) {
                (Some(c), _) => quote(c),
                (None, Some(e)) if e.starts_with('(') => e.clone(),
                (None, Some(e)) => format!("({e})"),
                (None, None) => String::new(),
            };
            if let Some(n) = subs.get(i).and_then(serde_json::Value::as_u64) {
                s.push_str(&format!("({n})"));
            }
            if p.desc {
                s.push_str(" DESC");
            }
            s
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn pk_sql(key: &PrimaryKey) -> String {
    format!("PRIMARY KEY ({}){}", parts_sql(&key.parts, &key.attrs), using(&key.attrs))
}

/// ` USING HASH|BTREE` for a key whose algorithm is not the engine's default
/// (inspection keeps the type only then).
fn using(attrs: &[strata_dialect_api::Attr]) -> &'static str {
    match get_str(attrs, "type") {
        Some("HASH") => " USING HASH",
        Some("BTREE") => " USING BTREE",
        _ => "",
    }
}

/// `[UNIQUE|FULLTEXT|SPATIAL] INDEX name (parts) [COMMENT …] [IGNORED|INVISIBLE]`.
fn index_sql(index: &Index) -> String {
    let kind = match get_str(&index.attrs, "type") {
        Some("FULLTEXT") => "FULLTEXT ",
        Some("SPATIAL") => "SPATIAL ",
        _ if index.unique => "UNIQUE ",
        _ => "",
    };
    let mut sql = format!("{kind}INDEX {} ({})", quote(&index.name), parts_sql(&index.parts, &index.attrs));
    sql.push_str(using(&index.attrs));
    if let Some(comment) = get_str(&index.attrs, "comment") {
        sql.push_str(&format!(" COMMENT {}", literal(comment)));
    }
    if flag(&index.attrs, "ignored") {
        sql.push_str(" IGNORED");
    }
    if flag(&index.attrs, "invisible") {
        sql.push_str(" INVISIBLE");
    }
    sql
}

fn check_sql(table: &str, check: &Check, n: usize) -> String {
    let name = check.name.clone().unwrap_or_else(|| format!("{table}_chk_{n}"));
    format!("CONSTRAINT {} CHECK ({})", quote(&name), check.expr)
}

fn fk_name(table: &str, fk: &ForeignKey) -> String {
    fk.name.clone().unwrap_or_else(|| format!("{table}_{}_fkey", fk.columns.join("_")))
}

fn fk_sql(names: &Names<'_>, table: &str, fk: &ForeignKey) -> String {
    let mut sql = format!(
        "CONSTRAINT {} FOREIGN KEY ({}) REFERENCES {} ({})",
        quote(&fk_name(table, fk)),
        columns_list(&fk.columns),
        names.in_schema(fk.ref_schema.as_deref(), &fk.ref_table),
        columns_list(&fk.ref_columns)
    );
    if let Some(a) = &fk.on_delete {
        sql.push_str(&format!(" ON DELETE {a}"));
    }
    if let Some(a) = &fk.on_update {
        sql.push_str(&format!(" ON UPDATE {a}"));
    }
    sql
}

/// `ENGINE=… DEFAULT CHARSET=… COLLATE=… COMMENT=…`, for the options set.
fn options_sql(table: &Table) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(engine) = get_str(&table.attrs, "engine") {
        out.push(format!("ENGINE={engine}"));
    }
    if let Some(collation) = get_str(&table.attrs, "collation") {
        out.push(format!("DEFAULT CHARSET={} COLLATE={collation}", charset_of(collation)));
    }
    if let Some(comment) = &table.comment {
        out.push(format!("COMMENT={}", literal(comment)));
    }
    out.extend(create_options(table));
    out
}

fn create_options(table: &Table) -> Vec<String> {
    get(&table.attrs, "options")
        .and_then(|v| v.as_array())
        .map(|a| a.iter().filter_map(|o| o.as_str().map(str::to_string)).collect())
        .unwrap_or_default()
}

/// The value that resets a create option to the engine's default.
fn reset_option(option: &str) -> Option<String> {
    let key = option.split_once('=').map_or(option, |(k, _)| k);
    let value = match key {
        "KEY_BLOCK_SIZE" | "CHECKSUM" | "DELAY_KEY_WRITE" | "MAX_ROWS" | "MIN_ROWS" | "AVG_ROW_LENGTH" => "0",
        "ROW_FORMAT" | "STATS_PERSISTENT" | "STATS_AUTO_RECALC" | "STATS_SAMPLE_PAGES" | "PACK_KEYS" => "DEFAULT",
        // MariaDB's InnoDB-defined options: `=DEFAULT` removes them from the
        // definition (`=0` would stay written as `PAGE_COMPRESSED`='0').
        "PAGE_COMPRESSED" | "PAGE_COMPRESSION_LEVEL" | "ENCRYPTED" | "ENCRYPTION_KEY_ID" => "DEFAULT",
        _ => return None,
    };
    Some(format!("{key}={value}"))
}

/// `column` without `WITHOUT SYSTEM VERSIONING`.
fn without_flag(column: &Column) -> Column {
    let mut c = column.clone();
    crate::attrs::remove(&mut c.attrs, "unversioned");
    c
}

/// `to` and `changes` with every column versioned: the first of the two
/// statements that make a table versioned with columns kept out of history.
fn without_unversioned(to: &Table, changes: &[TableChange]) -> (Table, Vec<TableChange>) {
    let mut staged = to.clone();
    staged.columns = to.columns.iter().map(without_flag).collect();
    let changes = changes
        .iter()
        .cloned()
        .map(|mut c| {
            match &mut c {
                TableChange::AddColumn { column } | TableChange::ModifyColumn { to: column, .. } => {
                    *column = without_flag(column);
                }
                _ => {}
            }
            c
        })
        .collect();
    (staged, changes)
}

/// The foreign key of `table` whose own key `index` looks like: an index the
/// server generated for the key (same name, exactly its columns). MariaDB
/// marks such an index and moves it when a later `ALTER TABLE` adds a foreign
/// key, so the planner lets the key create it rather than writing it.
fn generated_for<'a>(table: &'a Table, index: &Index) -> Option<&'a ForeignKey> {
    if index.unique || !index.attrs.is_empty() || index.parts.iter().any(|p| p.desc || p.expr.is_some()) {
        return None;
    }
    let columns: Vec<String> = index.parts.iter().filter_map(|p| p.column.as_ref().map(|c| c.to_lowercase())).collect();
    table.foreign_keys.iter().find(|fk| {
        fk.name.as_deref() == Some(index.name.as_str())
            && fk.columns.iter().map(|c| c.to_lowercase()).collect::<Vec<_>>() == columns
    })
}

/// The index of `to` that an added foreign key will use but that the server
/// may have generated for another key in `from`: unnamed, so named after its
/// first column (`b`, `b_2`), or named after a key of `from`. MariaDB keeps
/// such an index marked as generated even after its key is gone and, when an
/// `ALTER TABLE` adds a named foreign key over it, replaces it with one named
/// after the key. Rebuilding it first (in the table's own ALTER TABLE)
/// makes it the user's.
fn possibly_generated<'a>(from: &Table, to: &'a Table, fk: &ForeignKey) -> Option<&'a Index> {
    let lower = |cs: &[String]| cs.iter().map(|c| c.to_lowercase()).collect::<Vec<_>>();
    let columns = lower(&fk.columns);
    let index = to.indexes.iter().find(|i| {
        let parts: Vec<String> = i.parts.iter().filter_map(|p| p.column.as_ref().map(|c| c.to_lowercase())).collect();
        parts.len() == i.parts.len() && parts.starts_with(&columns)
    })?;
    if fk.name.as_deref() == Some(index.name.as_str()) || index.unique || !index.attrs.is_empty() {
        return None;
    }
    // Only an index already there, unchanged, and used by no key that stays.
    let before = from.indexes.iter().find(|i| i.name == index.name).filter(|i| *i == index)?;
    let parts = lower(&before.parts.iter().filter_map(|p| p.column.clone()).collect::<Vec<_>>());
    let kept = to
        .foreign_keys
        .iter()
        .any(|k| k.name != fk.name && from.foreign_keys.contains(k) && lower(&k.columns) == parts);
    let first = parts.first()?;
    let column_named = index.name.eq_ignore_ascii_case(first)
        || index.name.to_lowercase().strip_prefix(&format!("{first}_")).is_some_and(|n| n.parse::<u32>().is_ok());
    let key_named = from.foreign_keys.iter().any(|k| k.name.as_deref() == Some(index.name.as_str()));
    (parts == columns && !kept && (column_named || key_named)).then_some(index)
}

/// `ALTER TABLE … ADD CONSTRAINT …` adding `fks` to `to`. The indexes they
/// use that the server may have generated were rebuilt before, by the
/// table's own `ALTER TABLE` (see `with_regenerated_keys`).
fn add_fks_sql(names: &Names<'_>, to: &Table, fks: &[&ForeignKey]) -> String {
    let clauses: Vec<String> = fks.iter().map(|fk| format!("ADD {}", fk_sql(names, &to.name, fk))).collect();
    format!("ALTER TABLE {} {}", names.name(&to.name), clauses.join(", "))
}

fn create_table_sql(names: &Names<'_>, table: &Table, fks: &[&ForeignKey]) -> String {
    let mut lines: Vec<String> = table.columns.iter().map(|c| column_sql(c, c.collation.as_deref())).collect();
    if let Some(pk) = &table.primary_key {
        lines.push(pk_sql(pk));
    }
    // A generated key is written as its foreign key, where the key stands
    // (the server generates it there). One whose key is added later is
    // written as a plain key, in its place: the key, when added, uses it
    // where it stands, and a key generated then would come after the others.
    let mut written: Vec<&str> = Vec::new();
    for index in &table.indexes {
        match generated_for(table, index) {
            Some(fk) if fks.iter().any(|f| f.name == fk.name) => {
                lines.push(fk_sql(names, &table.name, fk));
                written.push(&index.name);
            }
            Some(_) | None => lines.push(index_sql(index)),
        }
    }
    lines.extend(table.checks.iter().enumerate().map(|(i, c)| check_sql(&table.name, c, i + 1)));
    lines.extend(
        fks.iter()
            .filter(|fk| !fk.name.as_deref().is_some_and(|n| written.contains(&n)))
            .map(|fk| fk_sql(names, &table.name, fk)),
    );
    lines.extend(system_period_sql(table));
    let mut sql = format!("CREATE TABLE {} (\n  {}\n)", names.name(&table.name), lines.join(",\n  "));
    let mut options = options_sql(table);
    if let Some(next) = get(&table.attrs, "auto_increment").and_then(serde_json::Value::as_u64) {
        options.push(format!("AUTO_INCREMENT={next}"));
    }
    if flag(&table.attrs, "system_versioning") {
        options.push("WITH SYSTEM VERSIONING".into());
    }
    // Partition options come after every table option.
    options.extend(get_str(&table.attrs, "partition").map(str::to_string));
    if !options.is_empty() {
        sql.push(' ');
        sql.push_str(&options.join(" "));
    }
    sql
}

fn drop_table_sql(names: &Names<'_>, table: &Table) -> String {
    format!("DROP TABLE {}", names.name(&table.name))
}

/// Creates a view after what its body reads (its own name aside).
fn create_view(names: &Names<'_>, view: &View, source: usize) -> Unit {
    let schema = names.schema;
    unit(stmt(
        create_view_sql(names, view),
        format!("create {:?} view", view.name),
        source,
        vec![format!("DROP VIEW {}", names.name(&view.name))],
    ))
    .creates([Key::relation(schema, &view.name)])
    .needs_new(refs(schema, &view.def).into_iter().filter(|k| *k != Key::relation(schema, &view.name)))
    .needs_new(function_refs(schema, &view.def))
    .needs_new([Key::schema(schema)])
}

/// Drops a view before what its body reads goes.
fn drop_view(names: &Names<'_>, view: &View, source: usize) -> Unit {
    let schema = names.schema;
    unit(stmt(
        format!("DROP VIEW {}", names.name(&view.name)),
        format!("drop {:?} view", view.name),
        source,
        vec![create_view_sql(names, view)],
    ))
    .drops([Key::relation(schema, &view.name)])
    .needs_old(refs(schema, &view.def).into_iter().filter(|k| *k != Key::relation(schema, &view.name)))
    .needs_old(function_refs(schema, &view.def))
}

fn create_view_sql(names: &Names<'_>, view: &View) -> String {
    let mut sql = "CREATE ".to_string();
    if let Some(algorithm) = get_str(&view.attrs, "algorithm") {
        sql.push_str(&format!("ALGORITHM={algorithm} "));
    }
    if let Some(security) = get_str(&view.attrs, "security") {
        sql.push_str(&format!("SQL SECURITY {security} "));
    }
    sql.push_str(&format!("VIEW {} AS {}", names.name(&view.name), view.def));
    if let Some(option) = get_str(&view.attrs, "check_option") {
        sql.push_str(&format!(" WITH {option} CHECK OPTION"));
    }
    sql
}

fn trigger_sql(names: &Names<'_>, trigger: &Trigger) -> String {
    // The definition names the trigger unqualified; qualify it when asked.
    if names.qualify {
        let prefix = format!("CREATE TRIGGER {} ", quote(&trigger.name));
        if let Some(rest) = trigger.def.strip_prefix(&prefix) {
            return format!("CREATE TRIGGER {} {rest}", names.name(&trigger.name));
        }
    }
    trigger.def.clone()
}

fn drop_trigger_sql(names: &Names<'_>, trigger: &Trigger) -> String {
    format!("DROP TRIGGER {}", names.name(&trigger.name))
}

fn schema_sql(schema: &Schema) -> String {
    let mut sql = format!("CREATE DATABASE {}", quote(&schema.name));
    if let Some(collation) = get_str(&schema.attrs, "collation") {
        sql.push_str(&format!(" DEFAULT CHARACTER SET {} COLLATE {collation}", charset_of(collation)));
    }
    sql
}

// ---------------------------------------------------------------- schema objects

/// `START WITH … CYCLE|NOCYCLE`: every option, as `SHOW CREATE SEQUENCE` lists them.
fn sequence_options(s: &Sequence) -> Vec<String> {
    vec![
        format!("START WITH {}", s.start),
        format!("MINVALUE {}", s.min),
        format!("MAXVALUE {}", s.max),
        format!("INCREMENT BY {}", s.increment),
        if s.cache == 0 { "NOCACHE".into() } else { format!("CACHE {}", s.cache) },
        if s.cycle { "CYCLE".into() } else { "NOCYCLE".into() },
    ]
}

fn create_sequence_sql(names: &Names<'_>, s: &Sequence) -> String {
    let mut sql = format!("CREATE SEQUENCE {} {}", names.name(&s.name), sequence_options(s).join(" "));
    if let Some(engine) = &s.engine {
        sql.push_str(&format!(" ENGINE={engine}"));
    }
    if let Some(comment) = &s.comment {
        sql.push_str(&format!(" COMMENT={}", literal(comment)));
    }
    sql
}

/// `ALTER SEQUENCE` with the options that differ (the position is kept: the
/// server refuses a range that leaves it out), then `ALTER TABLE` for the
/// engine and comment, which `ALTER SEQUENCE` cannot change.
fn alter_sequence_sql(names: &Names<'_>, from: &Sequence, to: &Sequence) -> Vec<String> {
    let name = names.name(&to.name);
    let mut out = Vec::new();
    let changed: Vec<String> =
        sequence_options(to).into_iter().zip(sequence_options(from)).filter(|(t, f)| t != f).map(|(t, _)| t).collect();
    if !changed.is_empty() {
        out.push(format!("ALTER SEQUENCE {name} {}", changed.join(" ")));
    }
    let mut options = Vec::new();
    if let Some(engine) = to.engine.as_ref().filter(|e| from.engine.as_ref().is_none_or(|f| !f.eq_ignore_ascii_case(e)))
    {
        options.push(format!("ENGINE={engine}"));
    }
    if from.comment != to.comment {
        options.push(format!("COMMENT={}", literal(to.comment.as_deref().unwrap_or(""))));
    }
    if !options.is_empty() {
        out.push(format!("ALTER TABLE {name} {}", options.join(", ")));
    }
    out
}

/// `CREATE FUNCTION|PROCEDURE` with the characteristics that are not the
/// defaults; no `DEFINER`, which differs between databases (the creating
/// user becomes it).
fn routine_sql(names: &Names<'_>, r: &Routine) -> String {
    let mut sql = format!("CREATE {} {}({})", r.kind, names.name(&r.name), r.params);
    if let Some(returns) = &r.returns {
        sql.push_str(&format!(" RETURNS {returns}"));
    }
    if let Some(comment) = &r.comment {
        sql.push_str(&format!(" COMMENT {}", literal(comment)));
    }
    if r.deterministic {
        sql.push_str(" DETERMINISTIC");
    }
    if !r.data_access.is_empty() && r.data_access != "CONTAINS SQL" {
        sql.push_str(&format!(" {}", r.data_access));
    }
    if r.security == "INVOKER" {
        sql.push_str(" SQL SECURITY INVOKER");
    }
    sql.push_str(&format!(" {}", r.body));
    sql
}

fn drop_routine_sql(names: &Names<'_>, r: &Routine) -> String {
    format!("DROP {} {}", r.kind, names.name(&r.name))
}

/// `CREATE EVENT`, its times in UTC (the connection's time zone).
fn event_sql(names: &Names<'_>, e: &Event) -> String {
    let mut schedule = if e.schedule == "AT" {
        format!("AT {}", e.at.as_deref().map_or_else(|| "CURRENT_TIMESTAMP".to_string(), literal))
    } else {
        e.schedule.clone()
    };
    if let Some(starts) = &e.starts {
        schedule.push_str(&format!(" STARTS {}", literal(starts)));
    }
    if let Some(ends) = &e.ends {
        schedule.push_str(&format!(" ENDS {}", literal(ends)));
    }
    let mut sql = format!("CREATE EVENT {} ON SCHEDULE {schedule}", names.name(&e.name));
    if e.preserve {
        sql.push_str(" ON COMPLETION PRESERVE");
    }
    if e.status != "ENABLE" {
        sql.push_str(&format!(" {}", e.status));
    }
    if let Some(comment) = &e.comment {
        sql.push_str(&format!(" COMMENT {}", literal(comment)));
    }
    sql.push_str(&format!(" DO {}", e.body));
    sql
}

fn drop_event_sql(names: &Names<'_>, e: &Event) -> String {
    format!("DROP EVENT {}", names.name(&e.name))
}

/// Creates an object, in its phase.
fn create_object(p: &mut Phases, names: &Names<'_>, object: &Object, source: usize) {
    let schema = names.schema;
    match object {
        Object::Sequence(s) => p.create_sequences.push(
            unit(stmt(
                create_sequence_sql(names, s),
                format!("create sequence {:?}", s.name),
                source,
                vec![format!("DROP SEQUENCE {}", names.name(&s.name))],
            ))
            .creates([Key::relation(schema, &s.name)])
            .needs_new([Key::schema(schema)]),
        ),
        Object::Routine(r) => p.create_routines.push(
            unit(stmt(
                routine_sql(names, r),
                format!("create {} {:?}", r.kind.to_lowercase(), r.name),
                source,
                vec![drop_routine_sql(names, r)],
            ))
            .creates([routine_key(schema, r)])
            .needs_new([Key::schema(schema)]),
        ),
        Object::Event(e) => p.create_events.push(
            unit(stmt(
                event_sql(names, e),
                format!("create event {:?}", e.name),
                source,
                vec![drop_event_sql(names, e)],
            ))
            .needs_new([Key::schema(schema)]),
        ),
    }
}

/// Drops an object, in its phase.
fn drop_object(p: &mut Phases, names: &Names<'_>, object: &Object, source: usize) {
    let schema = names.schema;
    match object {
        Object::Sequence(s) => {
            let mut st = stmt(
                format!("DROP SEQUENCE {}", names.name(&s.name)),
                format!("drop sequence {:?}", s.name),
                source,
                vec![create_sequence_sql(names, s)],
            );
            // A sequence holds its position.
            st.destructive = true;
            p.drop_sequences.push(unit(st).drops([Key::relation(schema, &s.name)]));
        }
        Object::Routine(r) => p.drop_routines.push(
            unit(stmt(
                drop_routine_sql(names, r),
                format!("drop {} {:?}", r.kind.to_lowercase(), r.name),
                source,
                vec![routine_sql(names, r)],
            ))
            .drops([routine_key(schema, r)]),
        ),
        Object::Event(e) => p.drop_events.push(unit(stmt(
            drop_event_sql(names, e),
            format!("drop event {:?}", e.name),
            source,
            vec![event_sql(names, e)],
        ))),
    }
}

/// Plans the sequences, routines and events a schema gains, loses and changes.
/// A routine or event changed is dropped and created again (they hold no
/// data); a sequence is altered in place, keeping its position.
fn plan_objects(p: &mut Phases, schema: &str, alter: &ObjectChanges, source: usize, options: &PlanOptions) {
    let names = Names { schema, qualify: options.qualify, quote };
    for object in &alter.drop {
        drop_object(p, &names, object, source);
    }
    for (from, to) in &alter.modify {
        if let (Object::Sequence(f), Object::Sequence(t)) = (from, to) {
            let forward = alter_sequence_sql(&names, f, t);
            let backward = alter_sequence_sql(&names, t, f);
            for (sql, reverse) in forward.into_iter().zip(backward) {
                p.create_sequences.push(unit(stmt(
                    sql,
                    format!("modify sequence {:?}", t.name),
                    source,
                    vec![reverse],
                )));
            }
            continue;
        }
        drop_object(p, &names, from, source);
        create_object(p, &names, to, source);
    }
    for object in &alter.add {
        create_object(p, &names, object, source);
    }
}

// ---------------------------------------------------------------- changes

fn plan_change(p: &mut Phases, change: &Change, source: usize, options: &PlanOptions) {
    match change {
        Change::AddSchema { schema } => {
            p.add_schemas.push(
                unit(stmt(
                    schema_sql(schema),
                    format!("add new schema named {:?}", schema.name),
                    source,
                    vec![format!("DROP DATABASE {}", quote(&schema.name))],
                ))
                .creates([Key::schema(&schema.name)]),
            );
            let alter = ObjectChanges { add: objects(schema), ..ObjectChanges::default() };
            plan_objects(p, &schema.name, &alter, source, options);
        }
        Change::DropSchema { schema } => {
            let mut s = stmt(
                format!("DROP DATABASE {}", quote(&schema.name)),
                format!("drop schema named {:?}", schema.name),
                source,
                vec![schema_sql(schema)],
            );
            s.destructive = true;
            if options.checks {
                let names = Names { schema: &schema.name, qualify: true, quote };
                s.checks
                    .extend(schema.tables.iter().map(|t| checks::table_is_empty(quote, &names.name(&t.name), &t.name)));
            }
            p.drop_schemas.push(unit(s).drops([Key::schema(&schema.name)]));
        }
        Change::ModifySchema { from, to } => {
            let alter = |s: &Schema| {
                get_str(&s.attrs, "collation").map(|c| {
                    format!("ALTER DATABASE {} DEFAULT CHARACTER SET {} COLLATE {c}", quote(&s.name), charset_of(c))
                })
            };
            // The change may be about the schema's objects alone.
            let defaults = |s: &Schema| {
                (get_str(&s.attrs, "charset").map(str::to_string), get_str(&s.attrs, "collation").map(str::to_string))
            };
            if let Some(sql) = alter(to).filter(|_| defaults(from) != defaults(to)) {
                p.add_schemas.push(unit(stmt(
                    sql,
                    format!("modify schema {:?}", to.name),
                    source,
                    alter(from).into_iter().collect(),
                )));
            }
            let objects = crate::diff::diff_objects(&objects(from), &objects(to));
            plan_objects(p, &to.name, &objects, source, options);
        }
        Change::AddTable { schema, table } => p.add_tables.push((schema.clone(), table.clone(), source)),
        Change::DropTable { schema, table } => p.drop_tables.push((schema.clone(), table.clone(), source)),
        Change::RenameTable { schema, from, to } => {
            let names = Names { schema, qualify: options.qualify, quote };
            p.modify_tables.push(
                unit(stmt(
                    format!("RENAME TABLE {} TO {}", names.name(from), names.name(to)),
                    format!("rename table {from:?} to {to:?}"),
                    source,
                    vec![format!("RENAME TABLE {} TO {}", names.name(to), names.name(from))],
                ))
                .drops([Key::relation(schema, from)])
                .creates([Key::relation(schema, to)]),
            );
        }
        Change::ModifyTable { schema, from, to, changes } => {
            modify_table(p, schema, from, to, changes, source, options)
        }
        Change::AddView { schema, view } => {
            let names = Names { schema, qualify: options.qualify, quote };
            p.add_views.push(create_view(&names, view, source));
        }
        Change::DropView { schema, view } => {
            let names = Names { schema, qualify: options.qualify, quote };
            p.drop_views.push(drop_view(&names, view, source));
        }
        // Dropped early and created late rather than replaced in place: the
        // old body may read what the plan drops, the new one what it creates,
        // and the reverse runs the other way round.
        Change::ModifyView { schema, from, to } => {
            let names = Names { schema, qualify: options.qualify, quote };
            p.drop_views.push(drop_view(&names, from, source));
            p.add_views.push(create_view(&names, to, source));
        }
        Change::AddTrigger { schema, trigger } => {
            let names = Names { schema, qualify: options.qualify, quote };
            p.add_triggers.push(
                unit(stmt(
                    trigger_sql(&names, trigger),
                    format!("create trigger {:?}", trigger.name),
                    source,
                    vec![drop_trigger_sql(&names, trigger)],
                ))
                .needs_new([Key::relation(schema, &trigger.table)])
                .needs_new(refs(schema, &trigger.def))
                .needs_new(function_refs(schema, &trigger.def)),
            );
        }
        Change::DropTrigger { schema, trigger } => {
            let names = Names { schema, qualify: options.qualify, quote };
            p.drop_triggers.push(
                unit(stmt(
                    drop_trigger_sql(&names, trigger),
                    format!("drop trigger {:?}", trigger.name),
                    source,
                    vec![trigger_sql(&names, trigger)],
                ))
                .needs_old([Key::relation(schema, &trigger.table)])
                .needs_old(function_refs(schema, &trigger.def)),
            );
        }
        Change::ModifyTrigger { schema, from, to } => {
            let names = Names { schema, qualify: options.qualify, quote };
            p.drop_triggers.push(
                unit(stmt(
                    drop_trigger_sql(&names, from),
                    format!("drop trigger {:?}", from.name),
                    source,
                    vec![trigger_sql(&names, from)],
                ))
                .needs_old([Key::relation(schema, &from.table)])
                .needs_old(function_refs(schema, &from.def)),
            );
            p.add_triggers.push(
                unit(stmt(
                    trigger_sql(&names, to),
                    format!("create trigger {:?}", to.name),
                    source,
                    vec![drop_trigger_sql(&names, to)],
                ))
                .needs_new([Key::relation(schema, &to.table)])
                .needs_new(refs(schema, &to.def))
                .needs_new(function_refs(schema, &to.def)),
            );
        }
    }
}

/// The inverse of a table change, for reverse statements.
fn invert(change: &TableChange) -> TableChange {
    match change {
        TableChange::AddColumn { column } => TableChange::DropColumn { column: column.clone() },
        TableChange::DropColumn { column } => TableChange::AddColumn { column: column.clone() },
        TableChange::ModifyColumn { from, to, change } => {
            TableChange::ModifyColumn { from: to.clone(), to: from.clone(), change: *change }
        }
        TableChange::AddIndex { index } => TableChange::DropIndex { index: index.clone() },
        TableChange::DropIndex { index } => TableChange::AddIndex { index: index.clone() },
        TableChange::ModifyIndex { from, to } => TableChange::ModifyIndex { from: to.clone(), to: from.clone() },
        TableChange::AddPrimaryKey { key } => TableChange::DropPrimaryKey { key: key.clone() },
        TableChange::DropPrimaryKey { key } => TableChange::AddPrimaryKey { key: key.clone() },
        TableChange::ModifyPrimaryKey { from, to } => {
            TableChange::ModifyPrimaryKey { from: to.clone(), to: from.clone() }
        }
        TableChange::AddForeignKey { foreign_key } => TableChange::DropForeignKey { foreign_key: foreign_key.clone() },
        TableChange::DropForeignKey { foreign_key } => TableChange::AddForeignKey { foreign_key: foreign_key.clone() },
        TableChange::ModifyForeignKey { from, to } => {
            TableChange::ModifyForeignKey { from: to.clone(), to: from.clone() }
        }
        TableChange::AddCheck { check } => TableChange::DropCheck { check: check.clone() },
        TableChange::DropCheck { check } => TableChange::AddCheck { check: check.clone() },
        TableChange::ModifyAttrs => TableChange::ModifyAttrs,
    }
}

/// `changes` with the keys a re-added foreign key would move. A key the server
/// generated for a foreign key (named like it, exactly its columns) is marked
/// so, and adding the key again drops it and generates it anew after every
/// other key; the catalog cannot tell such a key from one written by hand. So
/// a kept key that looks generated, under a foreign key dropped and added
/// again, is written anew, and so is every key after it of its class (see
/// `diff::key_class`), as the new key is created last of its class.
fn with_regenerated_keys(from: &Table, to: &Table, changes: &[TableChange]) -> Vec<TableChange> {
    let readded: Vec<&str> = changes
        .iter()
        .filter_map(|c| match c {
            TableChange::ModifyForeignKey { to: k, .. } => k.name.as_deref(),
            _ => None,
        })
        .collect();
    let touched = |name: &str| {
        changes.iter().any(|c| {
            matches!(c, TableChange::AddIndex { index: i } | TableChange::DropIndex { index: i }
                | TableChange::ModifyIndex { to: i, .. } if i.name == name)
        })
    };
    // Indexes a foreign key added here will use that the server may have
    // generated for another key (see `possibly_generated`).
    let reused: Vec<&str> = changes
        .iter()
        .filter_map(|c| match c {
            TableChange::AddForeignKey { foreign_key: k } | TableChange::ModifyForeignKey { to: k, .. } => {
                possibly_generated(from, to, k).map(|i| i.name.as_str())
            }
            _ => None,
        })
        .collect();
    let mut out = changes.to_vec();
    let mut from_class = None;
    for index in &to.indexes {
        let Some(old) = from.indexes.iter().find(|i| i.name == index.name) else { continue };
        let class = crate::diff::key_class(to, index);
        let regenerated = (generated_for(to, index)
            .is_some_and(|fk| fk.name.as_deref().is_some_and(|n| readded.contains(&n)))
            && generated_for(from, old).is_some())
            || reused.contains(&index.name.as_str());
        if regenerated && from_class.is_none_or(|c| c != class) && !touched(&index.name) {
            from_class = Some(class);
            out.push(TableChange::ModifyIndex { from: old.clone(), to: index.clone() });
        } else if from_class == Some(class) && !touched(&index.name) {
            out.push(TableChange::ModifyIndex { from: old.clone(), to: index.clone() });
        }
    }
    out
}

/// True when two keys differ only in being ignored (MariaDB) or invisible (MySQL).
fn visibility_only(from: &Index, to: &Index) -> bool {
    let hidden = |i: &Index| flag(&i.attrs, "ignored") || flag(&i.attrs, "invisible");
    hidden(from) != hidden(to) && crate::diff::without_visibility(from) == crate::diff::without_visibility(to)
}

/// What the main `ALTER TABLE` of a table change does (foreign keys aside).
#[derive(Default)]
struct Alter {
    clauses: Vec<String>,
    destructive: bool,
    rewrites: bool,
    checks: Vec<PreCheck>,
    creates: Vec<Key>,
    drops: Vec<Key>,
    /// `PARTITION BY …` or `REMOVE PARTITIONING`: it follows the clauses
    /// without a comma, as MySQL's grammar puts partition options last.
    partition: Option<String>,
}

impl Alter {
    /// The `ALTER TABLE` statement, or `None` when there is nothing to do.
    fn sql(&self, table: &str) -> Option<String> {
        let mut body = self.clauses.join(", ");
        if let Some(p) = &self.partition {
            if !body.is_empty() {
                body.push(' ');
            }
            body.push_str(p);
        }
        (!body.is_empty()).then(|| format!("ALTER TABLE {table} {body}"))
    }
}

/// The clauses turning `from` into `to` (foreign keys excluded), in an order
/// MySQL accepts in one statement: drops, then columns in their new order
/// (each placed after its predecessor), then keys, checks and options.
fn alter_clauses(schema: &str, table_sql: &str, from: &Table, to: &Table, changes: &[TableChange]) -> Alter {
    let mut a = Alter::default();
    let t = &to.name;
    let mut check_no = from.checks.len();
    for c in changes {
        if let TableChange::DropCheck { check: Check { name: Some(name), .. } } = c {
            a.clauses.push(format!("DROP CONSTRAINT {}", quote(name)));
        }
    }
    for c in changes {
        match c {
            // Only hidden or shown: altered in place, where it stands. (MariaDB
            // would keep the old flag on a dropped and re-added equal key.)
            TableChange::ModifyIndex { from: old, to: new } if visibility_only(old, new) => {
                let clause = match (flag(&new.attrs, "ignored"), flag(&new.attrs, "invisible")) {
                    (true, _) => "IGNORED",
                    (_, true) => "INVISIBLE",
                    _ if flag(&old.attrs, "ignored") => "NOT IGNORED",
                    _ => "VISIBLE",
                };
                a.clauses.push(format!("ALTER INDEX {} {clause}", quote(&new.name)));
            }
            TableChange::DropIndex { index } | TableChange::ModifyIndex { from: index, .. } => {
                a.clauses.push(format!("DROP INDEX {}", quote(&index.name)));
                a.drops.push(index_key(schema, t, &index.name));
                if index.unique {
                    a.drops.push(unique_key(schema, t, &part_columns(&index.parts)));
                }
            }
            TableChange::DropPrimaryKey { key } | TableChange::ModifyPrimaryKey { from: key, .. } => {
                a.clauses.push("DROP PRIMARY KEY".into());
                a.drops.push(unique_key(schema, t, &part_columns(&key.parts)));
                a.rewrites = true;
            }
            _ => {}
        }
    }
    for c in changes {
        if let TableChange::DropColumn { column } = c {
            a.clauses.push(format!("DROP COLUMN {}", quote(&column.name)));
            a.drops.push(Key::column(schema, t, &column.name));
            a.destructive = true;
            a.checks.push(checks::column_is_empty(quote, table_sql, t, &column.name));
        }
    }
    // Columns added or modified, in the table's new column order.
    for (i, column) in to.columns.iter().enumerate() {
        let position = match i {
            0 => " FIRST".to_string(),
            _ => format!(" AFTER {}", quote(&to.columns[i - 1].name)),
        };
        for c in changes {
            match c {
                TableChange::AddColumn { column: added } if added.name == column.name => {
                    a.clauses.push(format!("ADD COLUMN {}{position}", column_sql(column, column.collation.as_deref())));
                    a.creates.push(Key::column(schema, t, &column.name));
                }
                // MySQL cannot turn a column generated or back, or change
                // whether it is stored, in place: it is dropped and added.
                TableChange::ModifyColumn { from: old, to: new, .. }
                    if new.name == column.name
                        && old.generated.as_ref().map(|g| g.stored) != new.generated.as_ref().map(|g| g.stored) =>
                {
                    a.clauses.push(format!("DROP COLUMN {}", quote(&old.name)));
                    a.clauses.push(format!("ADD COLUMN {}{position}", column_sql(new, new.collation.as_deref())));
                    a.rewrites = true;
                    if old.generated.is_none() {
                        a.destructive = true;
                        a.checks.push(checks::column_is_empty(quote, table_sql, t, &old.name));
                    }
                }
                TableChange::ModifyColumn { from: old, to: new, change } if new.name == column.name => {
                    // The collation is pinned when it takes a new effect (the
                    // table's default changed), else written only when explicit.
                    let collation =
                        if change.collation || effective_collation(old, from) != effective_collation(new, to) {
                            effective_collation(new, to)
                        } else {
                            new.collation.as_deref()
                        };
                    a.clauses.push(format!("MODIFY COLUMN {}{position}", column_sql(new, collation)));
                    if change.ty || change.collation || change.generated {
                        a.rewrites = true;
                    }
                    if let Some(lossy) = lossy_condition(&quote(&new.name), &old.ty, &new.ty) {
                        a.destructive = true;
                        a.checks.push(checks::values_fit(quote, table_sql, t, &new.name, &new.ty, &lossy));
                    }
                    if old.nullable && !new.nullable && new.generated.is_none() {
                        a.checks.push(checks::column_has_no_nulls(quote, table_sql, t, &new.name));
                    }
                    if old.generated.is_none() && new.generated.is_some() {
                        a.destructive = true;
                    }
                }
                _ => {}
            }
        }
    }
    for c in changes {
        match c {
            TableChange::AddPrimaryKey { key } | TableChange::ModifyPrimaryKey { to: key, .. } => {
                a.clauses.push(format!("ADD {}", pk_sql(key)));
                a.creates.push(unique_key(schema, t, &part_columns(&key.parts)));
                a.rewrites = true;
            }
            _ => {}
        }
    }
    // New indexes in the table's key order, which the server keeps (see diff).
    let mut added: Vec<&Index> = changes
        .iter()
        .filter_map(|c| match c {
            TableChange::ModifyIndex { from, to } if visibility_only(from, to) => None,
            TableChange::AddIndex { index } | TableChange::ModifyIndex { to: index, .. } => Some(index),
            _ => None,
        })
        .collect();
    // A key the server would generate for a new foreign key is written here,
    // in its place: the foreign key added later uses it rather than adding
    // one of its own after every other key.
    added.sort_by_key(|i| to.indexes.iter().position(|x| x.name == i.name));
    for index in added {
        a.clauses.push(format!("ADD {}", index_sql(index)));
        a.creates.push(index_key(schema, t, &index.name));
        if index.unique {
            a.creates.push(unique_key(schema, t, &part_columns(&index.parts)));
        }
    }
    for c in changes {
        if let TableChange::AddCheck { check } = c {
            check_no += 1;
            a.clauses.push(format!("ADD {}", check_sql(t, check, check_no)));
        }
    }
    if changes.iter().any(|c| matches!(c, TableChange::ModifyAttrs)) {
        let (before, after) = (options_sql(from), options_sql(to));
        for option in &after {
            if !before.contains(option) {
                a.clauses.push(option.clone());
                if option.starts_with("ENGINE") {
                    a.rewrites = true;
                }
            }
        }
        if from.comment.is_some() && to.comment.is_none() {
            a.clauses.push("COMMENT=''".into());
        }
        // Only ever raised: set lower, the server would hand out again the
        // ids of deleted rows (so the reverse of a raise leaves it).
        let next = crate::diff::counter(to);
        if next > crate::diff::counter(from) {
            a.clauses.push(format!("AUTO_INCREMENT={next}"));
        }
        match (flag(&from.attrs, "system_versioning"), flag(&to.attrs, "system_versioning")) {
            (false, true) => {
                // Declared period columns (added above) need their period.
                a.clauses.extend(system_period_sql(to).map(|p| format!("ADD {p}")));
                a.clauses.push("ADD SYSTEM VERSIONING".into());
            }
            (true, false) => {
                a.clauses.push("DROP SYSTEM VERSIONING".into());
                a.destructive = true;
            }
            _ => {}
        }
        let (before, after) = (get_str(&from.attrs, "partition"), get_str(&to.attrs, "partition"));
        if before != after {
            // Repartitioning moves every row: the table is rebuilt.
            a.rewrites = true;
            a.partition = match after {
                Some(p) => Some(p.to_string()),
                None => Some("REMOVE PARTITIONING".into()),
            };
        }
        let kept = create_options(to);
        for option in create_options(from) {
            let key = option.split_once('=').map_or(option.as_str(), |(k, _)| k);
            if !kept.iter().any(|k| k.starts_with(&format!("{key}="))) {
                a.clauses.extend(reset_option(&option));
            }
        }
        rebuild_keys_for_block_size(&mut a, from, to, changes);
    }
    a
}

/// A table's `KEY_BLOCK_SIZE` changed from one it had set: each key built
/// under the old size keeps it as its own (`SHOW CREATE TABLE` then prints
/// `PRIMARY KEY (id) KEY_BLOCK_SIZE=8` on a table without compression),
/// which no catalog shows. The keys this statement does not rebuild anyway
/// are dropped and added again in it, so that they take the table's size.
fn rebuild_keys_for_block_size(a: &mut Alter, from: &Table, to: &Table, changes: &[TableChange]) {
    let size = |t: &Table| create_options(t).into_iter().find(|o| o.starts_with("KEY_BLOCK_SIZE="));
    let old = size(from);
    if old.as_deref().is_none_or(|o| o == "KEY_BLOCK_SIZE=0") || old == size(to) {
        return;
    }
    let pk_changed = changes.iter().any(|c| {
        matches!(
            c,
            TableChange::AddPrimaryKey { .. }
                | TableChange::DropPrimaryKey { .. }
                | TableChange::ModifyPrimaryKey { .. }
        )
    });
    if let Some(pk) = to.primary_key.as_ref().filter(|_| !pk_changed) {
        a.clauses.push("DROP PRIMARY KEY".into());
        a.clauses.push(format!("ADD {}", pk_sql(pk)));
    }
    let touched = |name: &str| {
        changes.iter().any(|c| match c {
            TableChange::AddIndex { index } | TableChange::DropIndex { index } => index.name == name,
            TableChange::ModifyIndex { from, to } => from.name == name || to.name == name,
            _ => false,
        })
    };
    for index in to.indexes.iter().filter(|i| !touched(&i.name)) {
        a.clauses.push(format!("DROP INDEX {}", quote(&index.name)));
        a.clauses.push(format!("ADD {}", index_sql(index)));
    }
    a.rewrites = true;
}

fn modify_table(
    p: &mut Phases,
    schema: &str,
    from: &Table,
    to: &Table,
    changes: &[TableChange],
    source: usize,
    options: &PlanOptions,
) {
    let names = Names { schema, qualify: options.qualify, quote };
    let table = names.name(&to.name);
    let t = &to.name;

    // Foreign keys to drop: first, in their own statement.
    let dropped_fks: Vec<&ForeignKey> = changes
        .iter()
        .filter_map(|c| match c {
            TableChange::DropForeignKey { foreign_key } | TableChange::ModifyForeignKey { from: foreign_key, .. } => {
                Some(foreign_key)
            }
            _ => None,
        })
        .collect();
    let added_fks: Vec<&ForeignKey> = changes
        .iter()
        .filter_map(|c| match c {
            TableChange::AddForeignKey { foreign_key } | TableChange::ModifyForeignKey { to: foreign_key, .. } => {
                Some(foreign_key)
            }
            _ => None,
        })
        .collect();
    if !dropped_fks.is_empty() {
        let drop = |fks: &[&ForeignKey]| {
            let clauses: Vec<String> =
                fks.iter().map(|fk| format!("DROP FOREIGN KEY {}", quote(&fk_name(t, fk)))).collect();
            format!("ALTER TABLE {table} {}", clauses.join(", "))
        };
        // Undone by adding them back to the table as it was.
        let add = add_fks_sql(&names, from, &dropped_fks);
        p.drop_fks.push(
            unit(stmt(drop(&dropped_fks), format!("drop foreign keys of {t:?}"), source, vec![add]))
                .drops(dropped_fks.iter().map(|fk| fk_key(schema, t, fk)))
                .needs_old(dropped_fks.iter().flat_map(|fk| fk_refs(schema, fk)))
                .needs_old([Key::relation(schema, &from.name)]),
        );
    }

    let table_sql = &table;
    let changes = &with_regenerated_keys(from, to, changes);
    // Columns kept out of history wait for a second statement when the table
    // becomes versioned here: MariaDB refuses `WITHOUT SYSTEM VERSIONING`
    // until it is, even after `ADD SYSTEM VERSIONING` in the same statement.
    let later: Vec<&Column> = if !flag(&from.attrs, "system_versioning") && flag(&to.attrs, "system_versioning") {
        to.columns.iter().filter(|c| flag(&c.attrs, "unversioned")).collect()
    } else {
        Vec::new()
    };
    let staged = (!later.is_empty()).then(|| without_unversioned(to, changes));
    let (first_to, first_changes) = staged.as_ref().map_or((to, changes.as_slice()), |(t, c)| (t, c.as_slice()));
    let forward = alter_clauses(schema, table_sql, from, first_to, first_changes);
    // The reverse adds back the keys dropped here: its own generated indexes to rebuild.
    let inverse = with_regenerated_keys(to, from, &changes.iter().map(invert).collect::<Vec<_>>());
    let backward = alter_clauses(schema, table_sql, to, from, &inverse);
    let backward = backward.sql(&table);
    // Undoing what the foreign keys generated, when no statement of its own does.
    let mut orphan_reverse = Vec::new();
    if let Some(sql) = forward.sql(&table) {
        let mut s = stmt(sql, format!("modify {t:?} table"), source, backward.into_iter().collect());
        s.destructive = forward.destructive;
        s.rewrites_table = forward.rewrites;
        s.locks_table = forward.rewrites;
        if options.checks {
            s.checks = forward.checks;
        }
        p.modify_tables.push(
            unit(s)
                .creates(forward.creates)
                .drops(forward.drops)
                .needs_old([Key::relation(schema, &from.name)])
                .needs_new(sequence_refs(schema, to).into_iter().filter(|k| *k != Key::relation(schema, &to.name))),
        );
    } else {
        orphan_reverse.extend(backward);
    }
    if !later.is_empty() {
        let modify = |c: &Column| format!("MODIFY COLUMN {}", column_sql(c, c.collation.as_deref()));
        let flagged: Vec<String> = later.iter().map(|c| modify(c)).collect();
        let plain: Vec<String> = later.iter().map(|c| modify(&without_flag(c))).collect();
        let sql = format!("ALTER TABLE {table} {}", flagged.join(", "));
        let undo = format!("ALTER TABLE {table} {}", plain.join(", "));
        p.modify_tables.push(
            unit(stmt(sql, format!("keep columns of {t:?} out of its history"), source, vec![undo]))
                .needs_old([Key::relation(schema, &from.name)])
                .needs_new(later.iter().map(|c| Key::column(schema, t, &c.name))),
        );
    }

    if !added_fks.is_empty() {
        // In the order of the keys the server generates for them.
        let mut added_fks = added_fks;
        added_fks.sort_by_key(|fk| to.indexes.iter().position(|i| Some(&i.name) == fk.name.as_ref()));
        let reverse: Vec<String> =
            added_fks.iter().map(|fk| format!("DROP FOREIGN KEY {}", quote(&fk_name(t, fk)))).collect();
        let mut reverse = vec![format!("ALTER TABLE {table} {}", reverse.join(", "))];
        reverse.extend(orphan_reverse);
        p.add_fks.push(
            unit(stmt(add_fks_sql(&names, to, &added_fks), format!("add foreign keys of {t:?}"), source, reverse))
                .creates(added_fks.iter().map(|fk| fk_key(schema, t, fk)))
                .needs_new(added_fks.iter().flat_map(|fk| fk_refs(schema, fk)))
                .needs_new(added_fks.iter().flat_map(|fk| fk.columns.iter().map(|c| Key::column(schema, t, c))))
                .needs_new([Key::relation(schema, t)]),
        );
    }
}

impl Phases {
    fn finish(self, options: &PlanOptions) -> Vec<Statement> {
        let mut out: Vec<Unit> = Vec::new();
        out.extend(self.add_schemas);
        out.extend(self.drop_events);
        out.extend(self.drop_triggers);
        out.extend(self.drop_views.into_iter().rev());
        out.extend(self.drop_routines);
        out.extend(self.drop_fks);

        // Dropped tables: referencing tables first; keys of a cycle dropped before.
        let dropped = order::drop_order(self.drop_tables);
        let mut table_drops = Vec::new();
        for (i, (schema, table, source)) in dropped.iter().enumerate() {
            let names = Names { schema, qualify: options.qualify, quote };
            let (kept, cyclic) = order::split_keys(&dropped, i, false);
            if !cyclic.is_empty() {
                let clauses: Vec<String> =
                    cyclic.iter().map(|fk| format!("DROP FOREIGN KEY {}", quote(&fk_name(&table.name, fk)))).collect();
                // Undone after both tables are back: the reverse runs backwards.
                let reverse: Vec<String> =
                    cyclic.iter().map(|fk| format!("ADD {}", fk_sql(&names, &table.name, fk))).collect();
                out.push(
                    unit(stmt(
                        format!("ALTER TABLE {} {}", names.name(&table.name), clauses.join(", ")),
                        format!("drop foreign keys of {:?}", table.name),
                        *source,
                        vec![format!("ALTER TABLE {} {}", names.name(&table.name), reverse.join(", "))],
                    ))
                    .drops(cyclic.iter().map(|fk| fk_key(schema, &table.name, fk)))
                    .needs_old(cyclic.iter().flat_map(|fk| fk_refs(schema, fk))),
                );
            }
            // The reverse recreates the table with the keys whose tables are back by then.
            let mut s = stmt(
                drop_table_sql(&names, table),
                format!("drop {:?} table", table.name),
                *source,
                vec![create_table_sql(&names, table, &kept)],
            );
            s.destructive = true;
            if options.checks {
                s.checks.push(checks::table_is_empty(quote, &names.name(&table.name), &table.name));
            }
            table_drops.push(unit(s).drops(table_keys(schema, table)).needs_old(
                kept.iter().flat_map(|fk| fk_refs(schema, fk)).filter(|k| *k != Key::relation(schema, &table.name)),
            ));
        }
        out.extend(table_drops);
        // Sequences before the tables whose defaults draw from them, and
        // dropped once no table changed here still does.
        out.extend(self.create_sequences);
        out.extend(self.modify_tables);
        out.extend(self.drop_sequences);

        let added = order::creation_order(self.add_tables);
        let mut later_fks = Vec::new();
        for (i, (schema, table, source)) in added.iter().enumerate() {
            let names = Names { schema, qualify: options.qualify, quote };
            let (inline, deferred) = order::split_keys(&added, i, true);
            let own = Key::relation(schema, &table.name);
            out.push(
                unit(stmt(
                    create_table_sql(&names, table, &inline),
                    format!("create {:?} table", table.name),
                    *source,
                    vec![drop_table_sql(&names, table)],
                ))
                .creates(table_keys(schema, table))
                .needs_new([Key::schema(schema)])
                .needs_new(sequence_refs(schema, table).into_iter().filter(|k| *k != own))
                .needs_new(inline.iter().flat_map(|fk| fk_refs(schema, fk)).filter(|k| *k != own)),
            );
            if !deferred.is_empty() {
                let clauses: Vec<String> =
                    deferred.iter().map(|fk| format!("ADD {}", fk_sql(&names, &table.name, fk))).collect();
                let reverse: Vec<String> = deferred
                    .iter()
                    .map(|fk| format!("DROP FOREIGN KEY {}", quote(&fk_name(&table.name, fk))))
                    .collect();
                later_fks.push(
                    unit(stmt(
                        format!("ALTER TABLE {} {}", names.name(&table.name), clauses.join(", ")),
                        format!("add foreign keys of {:?}", table.name),
                        *source,
                        vec![format!("ALTER TABLE {} {}", names.name(&table.name), reverse.join(", "))],
                    ))
                    .needs_new(deferred.iter().flat_map(|fk| fk_refs(schema, fk)))
                    .needs_new([own.clone()]),
                );
            }
        }
        out.extend(later_fks);
        out.extend(self.add_fks);
        // Functions before the views and triggers that call them.
        out.extend(self.create_routines);
        out.extend(self.add_views);
        out.extend(self.add_triggers);
        out.extend(self.create_events);
        out.extend(self.drop_schemas);
        order::order(out).into_iter().flatten().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::attrs::attr;
    use strata_dialect_api::ColumnChange;

    fn col(name: &str, ty: &str) -> Column {
        Column { name: name.into(), ty: ty.into(), nullable: true, ..Column::default() }
    }

    fn sqls(plan: &Plan) -> Vec<&str> {
        plan.statements.iter().map(|s| s.sql.as_str()).collect()
    }

    #[test]
    fn create_table_spells_everything() {
        let mut id = col("id", "bigint unsigned");
        id.nullable = false;
        id.attrs.push(attr("auto_increment", true));
        let table = Table {
            name: "t".into(),
            columns: vec![id, Column { default: Some("'x'".into()), ..col("n", "varchar(10)") }],
            primary_key: Some(PrimaryKey { name: None, parts: vec![IndexPart::column("id")], attrs: vec![] }),
            indexes: vec![Index {
                name: "ix".into(),
                unique: false,
                parts: vec![IndexPart::column("n")],
                attrs: vec![attr("sub_parts", serde_json::json!([5]))],
                ..Index::default()
            }],
            attrs: vec![attr("engine", "InnoDB"), attr("collation", "utf8mb4_bin")],
            ..Table::default()
        };
        let plan = plan_changes(&[Change::AddTable { schema: "s".into(), table }], &PlanOptions::default())
            .unwrap_or_default();
        assert_eq!(
            sqls(&plan),
            ["CREATE TABLE `t` (\n  `id` bigint unsigned NOT NULL AUTO_INCREMENT,\n  `n` varchar(10) DEFAULT 'x',\n  \
              PRIMARY KEY (`id`),\n  INDEX `ix` (`n`(5))\n) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin"]
        );
        assert!(!plan.statements[0].transactional);
        assert_eq!(plan.statements[0].reverse, ["DROP TABLE `t`"]);
    }

    #[test]
    fn one_alter_per_table_with_positions_and_checks() {
        let from =
            Table { name: "t".into(), columns: vec![col("a", "int"), col("b", "varchar(20)")], ..Table::default() };
        let to = Table {
            name: "t".into(),
            columns: vec![col("c", "int"), col("a", "int"), col("b", "varchar(5)")],
            ..Table::default()
        };
        let changes = vec![
            TableChange::ModifyColumn {
                from: from.columns[1].clone(),
                to: to.columns[2].clone(),
                change: ColumnChange { ty: true, ..ColumnChange::default() },
            },
            TableChange::AddColumn { column: to.columns[0].clone() },
        ];
        let plan = plan_changes(
            &[Change::ModifyTable { schema: "s".into(), from, to, changes }],
            &PlanOptions { checks: true, qualify: false },
        )
        .unwrap_or_default();
        assert_eq!(sqls(&plan), ["ALTER TABLE `t` ADD COLUMN `c` int FIRST, MODIFY COLUMN `b` varchar(5) AFTER `a`"]);
        let s = &plan.statements[0];
        assert!(s.destructive);
        assert_eq!(s.checks.len(), 1);
        assert_eq!(s.reverse, ["ALTER TABLE `t` DROP COLUMN `c`, MODIFY COLUMN `b` varchar(20) AFTER `a`"]);
    }

    fn sequence(name: &str, increment: i128) -> Object {
        Object::Sequence(Sequence {
            name: name.into(),
            start: 1,
            increment,
            min: 1,
            max: 9_223_372_036_854_775_806,
            cache: 0,
            cycle: false,
            engine: Some("InnoDB".into()),
            comment: None,
        })
    }

    fn function(name: &str, body: &str) -> Object {
        Object::Routine(Routine {
            name: name.into(),
            kind: "FUNCTION".into(),
            params: "`x` decimal(10,2)".into(),
            returns: Some("decimal(10,2)".into()),
            body: body.into(),
            deterministic: true,
            data_access: "CONTAINS SQL".into(),
            security: "DEFINER".into(),
            comment: None,
        })
    }

    fn event(name: &str) -> Object {
        Object::Event(Event {
            name: name.into(),
            schedule: "EVERY 1 DAY".into(),
            at: None,
            starts: Some("2030-01-01 00:00:00".into()),
            ends: None,
            preserve: false,
            status: "ENABLE".into(),
            body: "DELETE FROM t".into(),
            comment: None,
        })
    }

    fn schema_with(objects: &[Object]) -> Schema {
        Schema { name: "s".into(), attrs: objects.iter().map(Object::to_attr).collect(), ..Schema::default() }
    }

    /// Sequences come before the tables drawing from them, functions before
    /// the views calling them, events last; each with its reverse.
    #[test]
    fn objects_are_created_before_their_users() {
        let mut id = col("id", "bigint");
        id.default = Some("(nextval(`seq`))".into());
        let table = Table { name: "t".into(), columns: vec![id], ..Table::default() };
        let view = View { name: "v".into(), def: "select `gross`(`t`.`id`) AS `g` from `t`".into(), attrs: vec![] };
        let changes = [
            Change::ModifySchema {
                from: schema_with(&[]),
                to: schema_with(&[event("purge"), function("gross", "RETURN x * 1.2"), sequence("seq", 50)]),
            },
            Change::AddView { schema: "s".into(), view },
            Change::AddTable { schema: "s".into(), table },
        ];
        let plan = plan_changes(&changes, &PlanOptions::default()).unwrap_or_default();
        assert_eq!(
            sqls(&plan),
            [
                "CREATE SEQUENCE `seq` START WITH 1 MINVALUE 1 MAXVALUE 9223372036854775806 INCREMENT BY 50 NOCACHE \
                 NOCYCLE ENGINE=InnoDB",
                "CREATE TABLE `t` (\n  `id` bigint DEFAULT (nextval(`seq`))\n)",
                "CREATE FUNCTION `gross`(`x` decimal(10,2)) RETURNS decimal(10,2) DETERMINISTIC RETURN x * 1.2",
                "CREATE VIEW `v` AS select `gross`(`t`.`id`) AS `g` from `t`",
                "CREATE EVENT `purge` ON SCHEDULE EVERY 1 DAY STARTS '2030-01-01 00:00:00' DO DELETE FROM t",
            ]
        );
        let reverse: Vec<&str> = plan.statements.iter().flat_map(|s| s.reverse.iter().map(String::as_str)).collect();
        assert_eq!(
            reverse,
            ["DROP SEQUENCE `seq`", "DROP TABLE `t`", "DROP FUNCTION `gross`", "DROP VIEW `v`", "DROP EVENT `purge`"]
        );
        assert!(plan.statements.iter().all(|s| !s.destructive));
    }

    /// Drops go the other way round: events, views, then the functions they
    /// call; a sequence after the tables, destructive (it holds a position).
    #[test]
    fn objects_are_dropped_after_their_users() {
        let view = View { name: "v".into(), def: "select `gross`(1) AS `g`".into(), attrs: vec![] };
        let changes = [
            Change::ModifySchema {
                from: schema_with(&[sequence("seq", 1), function("gross", "RETURN x"), event("purge")]),
                to: schema_with(&[]),
            },
            Change::DropView { schema: "s".into(), view },
            Change::DropTable { schema: "s".into(), table: Table { name: "t".into(), ..Table::default() } },
        ];
        let plan = plan_changes(&changes, &PlanOptions::default()).unwrap_or_default();
        assert_eq!(
            sqls(&plan),
            ["DROP EVENT `purge`", "DROP VIEW `v`", "DROP FUNCTION `gross`", "DROP TABLE `t`", "DROP SEQUENCE `seq`"]
        );
        let destructive: Vec<bool> = plan.statements.iter().map(|s| s.destructive).collect();
        assert_eq!(destructive, [false, false, false, true, true]);
        assert_eq!(
            plan.statements[2].reverse,
            ["CREATE FUNCTION `gross`(`x` decimal(10,2)) RETURNS decimal(10,2) DETERMINISTIC RETURN x"]
        );
        assert!(plan.statements[4].reverse[0].starts_with("CREATE SEQUENCE `seq` START WITH 1"));
    }

    /// A sequence's options change in place; a routine is replaced.
    #[test]
    fn changed_objects() {
        let changes = [Change::ModifySchema {
            from: schema_with(&[sequence("seq", 1), function("f", "RETURN x")]),
            to: schema_with(&[sequence("seq", 50), function("f", "RETURN x * 2")]),
        }];
        let options = PlanOptions { qualify: true, ..PlanOptions::default() };
        let plan = plan_changes(&changes, &options).unwrap_or_default();
        assert_eq!(
            sqls(&plan),
            [
                "DROP FUNCTION `s`.`f`",
                "ALTER SEQUENCE `s`.`seq` INCREMENT BY 50",
                "CREATE FUNCTION `s`.`f`(`x` decimal(10,2)) RETURNS decimal(10,2) DETERMINISTIC RETURN x * 2",
            ]
        );
        assert_eq!(plan.statements[1].reverse, ["ALTER SEQUENCE `s`.`seq` INCREMENT BY 1"]);
        assert_eq!(plan.statements[2].reverse, ["DROP FUNCTION `s`.`f`"]);
    }

    /// A schema created whole brings its objects; a change of its objects
    /// alone leaves its defaults alone.
    #[test]
    fn schemas_carry_their_objects() {
        let mut schema = schema_with(&[function("f", "RETURN x")]);
        schema.attrs.push(attr("collation", "utf8mb4_bin"));
        let plan =
            plan_changes(&[Change::AddSchema { schema: schema.clone() }], &PlanOptions::default()).unwrap_or_default();
        assert_eq!(sqls(&plan).len(), 2);
        assert!(sqls(&plan)[1].starts_with("CREATE FUNCTION `f`"));
        let mut to = schema.clone();
        to.attrs.retain(|a| Object::from_attr(a).is_none());
        let plan =
            plan_changes(&[Change::ModifySchema { from: schema, to }], &PlanOptions::default()).unwrap_or_default();
        assert_eq!(sqls(&plan), ["DROP FUNCTION `f`"]);
    }
}
