//! Planning changes into ClickHouse statements.
//!
//! ClickHouse has no transactions: no statement is transactional, and each
//! one is planned to leave a consistent schema behind. Every `ALTER TABLE`
//! carries one command, although the server takes several, so that the
//! host's per-statement progress (and a resumed run) stays exact.
//! Statements come in phases:
//!
//! 1. databases are created; views are dropped;
//! 2. dropped tables go; modified tables change in place (column drops,
//!    modifications, additions, comments), renames;
//! 3. new tables are created, then views; databases are dropped.
//!
//! Then `strata_dialect_kit::order` reorders wherever a dependency says so
//! (a view after the tables it reads, a drop before a create of the name).
//!
//! What ClickHouse (18.16 and later) cannot do in place is refused with
//! [`ErrorKind::Unsupported`] naming the table: a change of engine, engine
//! arguments, `PARTITION BY`, `ORDER BY`, `PRIMARY KEY`, `SAMPLE BY`, `TTL` or
//! `SETTINGS`; the model's primary keys, indexes, foreign keys, checks and
//! triggers, which ClickHouse does not have. `DROP VIEW` does not exist on
//! 18.16: views are dropped with `DROP TABLE`.

use crate::attrs::{ATTRS, ENGINE_ATTRS};
use crate::diff::norm_attrs;
use crate::sql::{clause_keywords, normalize, tokens};
use crate::types::{column_type, is_nullable, literal, qualified, quote};
use strata_dialect_api::{
    Change, Column, ErrorKind, Plan, PlanOptions, PluginError, Schema, Statement, Table, TableChange, View,
};
use strata_dialect_kit::Names;
use strata_dialect_kit::checks::Checks;
use strata_dialect_kit::order::{self, Key, Step, relation_refs};

/// Plans `changes`.
///
/// # Errors
/// [`ErrorKind::Unsupported`] for a change ClickHouse cannot make in place
/// (see the module documentation).
pub fn plan_changes(changes: &[Change], options: &PlanOptions) -> Result<Plan, PluginError> {
    let mut p = Phases::default();
    for (source, change) in changes.iter().enumerate() {
        plan_change(&mut p, change, source, options)?;
    }
    Ok(Plan { changes: changes.to_vec(), statements: p.finish() })
}

type Unit = Step<Statement>;

#[derive(Default)]
struct Phases {
    add_schemas: Vec<Unit>,
    drop_views: Vec<Unit>,
    drop_tables: Vec<Unit>,
    modify_tables: Vec<Unit>,
    add_tables: Vec<Unit>,
    add_views: Vec<Unit>,
    drop_schemas: Vec<Unit>,
}

impl Phases {
    fn finish(self) -> Vec<Statement> {
        let steps: Vec<Unit> = [
            self.add_schemas,
            self.drop_views,
            self.drop_tables,
            self.modify_tables,
            self.add_tables,
            self.add_views,
            self.drop_schemas,
        ]
        .into_iter()
        .flatten()
        .collect();
        order::order(steps)
    }
}

/// A statement: never transactional, since ClickHouse has no transactions.
fn stmt(sql: String, comment: String, source: usize, reverse: Vec<String>) -> Statement {
    let mut s = Statement::new(sql, comment, source);
    s.reverse = reverse;
    s.transactional = false;
    s
}

fn unsupported(message: String) -> PluginError {
    PluginError::new(ErrorKind::Unsupported, message)
}

/// Pre-migration checks: the kit's, asked without `EXISTS`, which ClickHouse
/// 18.16 does not have.
const CHECKS: Checks = Checks { quote, query: no_row_query };

/// The query of a check that no row of `rows` exists, as column `alias`.
fn no_row_query(rows: &str, alias: &str) -> String {
    format!("SELECT count() = 0 AS {alias} FROM (SELECT 1 FROM {rows} LIMIT 1)")
}

// ---------------------------------------------------------------- keys

/// What a view needs: the relations its body reads, and its `TO` table.
fn view_refs(schema: &str, view: &View) -> Vec<Key> {
    let own = Key::relation(schema, &view.name);
    let mut out: Vec<Key> = relation_refs(schema, &tokens(&view.def)).into_iter().filter(|k| *k != own).collect();
    if let Some(to) = ATTRS.get_str(&view.attrs, "to") {
        out.push(Key::relation(ATTRS.get_str(&view.attrs, "to_schema").unwrap_or(schema), to));
    }
    out
}

// ---------------------------------------------------------------- SQL pieces

/// Which list of columns ClickHouse keeps a column in: ordinary (with or
/// without `DEFAULT`), `MATERIALIZED`, `ALIAS`. `AFTER` works within a list.
fn list_of(column: &Column) -> u8 {
    match &column.generated {
        None => 0,
        Some(g) if g.stored => 1,
        Some(_) => 2,
    }
}

/// A column definition: name, type, `DEFAULT`/`MATERIALIZED`/`ALIAS`,
/// `COMMENT` (when `comment`).
fn column_sql(column: &Column, comment: bool) -> String {
    let mut sql = format!("{} {}", quote(&column.name), column_type(&column.ty, column.nullable));
    match (&column.generated, &column.default) {
        (Some(g), _) => sql.push_str(&format!(" {} {}", if g.stored { "MATERIALIZED" } else { "ALIAS" }, g.expr)),
        (None, Some(d)) => sql.push_str(&format!(" DEFAULT {d}")),
        (None, None) => {}
    }
    if comment && let Some(c) = column.comment.as_deref().filter(|c| !c.is_empty()) {
        sql.push_str(&format!(" COMMENT {}", literal(c)));
    }
    sql
}

/// `ENGINE = name(args) PARTITION BY … PRIMARY KEY … ORDER BY … SAMPLE BY …
/// TTL … SETTINGS …` from a table's (or materialized view's) attributes, in
/// the order the server prints them; `MergeTree ORDER BY tuple()` for a table
/// of a model that names no engine.
fn engine_sql(attrs: &[strata_dialect_api::Attr]) -> String {
    let Some(engine) = ATTRS.get_str(attrs, "engine") else {
        return "ENGINE = MergeTree ORDER BY tuple()".to_string();
    };
    let mut sql = format!("ENGINE = {engine}");
    if let Some(args) = ATTRS.get_str(attrs, "engine_args") {
        sql.push_str(&format!("({args})"));
    }
    for name in ["partition_by", "primary_key", "order_by", "sample_by", "ttl", "settings"] {
        if let (Some(text), Some(kw)) = (ATTRS.get_str(attrs, name), clause_keywords(name)) {
            sql.push_str(&format!(" {kw} {text}"));
        }
    }
    sql
}

/// Refuses what a ClickHouse table cannot have.
fn check_table(table: &Table) -> Result<(), PluginError> {
    let what = if table.primary_key.is_some() {
        Some("a primary key constraint (its sorting key is the \"order_by\" attribute)")
    } else if !table.indexes.is_empty() {
        Some("indexes")
    } else if !table.foreign_keys.is_empty() {
        Some("foreign keys")
    } else if !table.checks.is_empty() {
        Some("check constraints")
    } else if table.comment.as_deref().is_some_and(|c| !c.is_empty()) {
        Some("a table comment")
    } else {
        None
    };
    match what {
        Some(what) => Err(unsupported(format!("table {:?}: the clickhouse plugin cannot create {what}", table.name))),
        None => Ok(()),
    }
}

fn create_table_sql(names: &Names<'_>, table: &Table) -> Result<String, PluginError> {
    check_table(table)?;
    if table.columns.is_empty() {
        return Err(unsupported(format!("table {:?}: a ClickHouse table needs at least one column", table.name)));
    }
    let columns: Vec<String> = table.columns.iter().map(|c| column_sql(c, true)).collect();
    Ok(format!(
        "CREATE TABLE {} (\n  {}\n) {}",
        names.name(&table.name),
        columns.join(",\n  "),
        engine_sql(&table.attrs)
    ))
}

fn create_view_sql(names: &Names<'_>, view: &View) -> Result<String, PluginError> {
    if !ATTRS.flag(&view.attrs, "materialized") {
        return Ok(format!("CREATE VIEW {} AS {}", names.name(&view.name), view.def));
    }
    let target = match ATTRS.get_str(&view.attrs, "to") {
        Some(to) => format!("TO {}", names.in_schema(ATTRS.get_str(&view.attrs, "to_schema"), to)),
        None if ATTRS.get_str(&view.attrs, "engine").is_some() => engine_sql(&view.attrs),
        None => {
            return Err(unsupported(format!(
                "materialized view {:?}: it needs a TO table or an engine (the \"to\" or \"engine\" attribute)",
                view.name
            )));
        }
    };
    Ok(format!("CREATE MATERIALIZED VIEW {} {target} AS {}", names.name(&view.name), view.def))
}

/// A materialized view holding its own rows (no `TO` table): dropping it
/// loses them.
fn keeps_rows(view: &View) -> bool {
    ATTRS.flag(&view.attrs, "materialized") && ATTRS.get_str(&view.attrs, "to").is_none()
}

fn create_view(names: &Names<'_>, view: &View, source: usize) -> Result<Unit, PluginError> {
    let schema = names.schema;
    Ok(Step::new(stmt(
        create_view_sql(names, view)?,
        format!("create {:?} view", view.name),
        source,
        vec![format!("DROP TABLE {}", names.name(&view.name))],
    ))
    .creates([Key::relation(schema, &view.name)])
    .needs_new(view_refs(schema, view))
    .needs_new([Key::schema(schema)]))
}

fn drop_view(names: &Names<'_>, view: &View, source: usize, options: &PlanOptions) -> Unit {
    let schema = names.schema;
    let name_sql = names.name(&view.name);
    let mut s = stmt(
        format!("DROP TABLE {name_sql}"),
        format!("drop {:?} view", view.name),
        source,
        create_view_sql(names, view).into_iter().collect(),
    );
    if keeps_rows(view) {
        s.destructive = true;
        if options.checks {
            let reason = format!("materialized view {:?} is empty", view.name);
            s.checks.push(CHECKS.no_row(&name_sql, None, "is_empty", reason));
        }
    }
    Step::new(s).drops([Key::relation(schema, &view.name)]).needs_old(view_refs(schema, view))
}

/// What a table brings into existence.
fn table_keys(schema: &str, table: &Table) -> Vec<Key> {
    let mut out = vec![Key::relation(schema, &table.name)];
    out.extend(table.columns.iter().map(|c| Key::column(schema, &table.name, &c.name)));
    out
}

// ---------------------------------------------------------------- changes

fn plan_change(p: &mut Phases, change: &Change, source: usize, options: &PlanOptions) -> Result<(), PluginError> {
    match change {
        Change::AddSchema { schema } => {
            p.add_schemas.push(
                Step::new(stmt(
                    format!("CREATE DATABASE {}", quote(&schema.name)),
                    format!("add new schema named {:?}", schema.name),
                    source,
                    vec![format!("DROP DATABASE {}", quote(&schema.name))],
                ))
                .creates([Key::schema(&schema.name)]),
            );
        }
        Change::DropSchema { schema } => p.drop_schemas.push(drop_schema(schema, source, options)),
        // Databases have no attributes the plugin models.
        Change::ModifySchema { .. } => {}
        Change::AddTable { schema, table } => {
            let names = Names { schema, qualify: options.qualify, quote };
            p.add_tables.push(
                Step::new(stmt(
                    create_table_sql(&names, table)?,
                    format!("create {:?} table", table.name),
                    source,
                    vec![format!("DROP TABLE {}", names.name(&table.name))],
                ))
                .creates(table_keys(schema, table))
                .needs_new([Key::schema(schema)]),
            );
        }
        Change::DropTable { schema, table } => {
            let names = Names { schema, qualify: options.qualify, quote };
            let name_sql = names.name(&table.name);
            let mut s = stmt(
                format!("DROP TABLE {name_sql}"),
                format!("drop {:?} table", table.name),
                source,
                create_table_sql(&names, table).into_iter().collect(),
            );
            s.destructive = true;
            if options.checks {
                s.checks.push(CHECKS.table_is_empty(&name_sql, &table.name));
            }
            p.drop_tables.push(Step::new(s).drops(table_keys(schema, table)));
        }
        Change::RenameTable { schema, from, to } => {
            let names = Names { schema, qualify: options.qualify, quote };
            p.modify_tables.push(
                Step::new(stmt(
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
            let names = Names { schema, qualify: options.qualify, quote };
            p.modify_tables.extend(modify_table(&names, from, to, changes, source, options)?);
        }
        Change::AddView { schema, view } => {
            let names = Names { schema, qualify: options.qualify, quote };
            p.add_views.push(create_view(&names, view, source)?);
        }
        Change::DropView { schema, view } => {
            let names = Names { schema, qualify: options.qualify, quote };
            p.drop_views.push(drop_view(&names, view, source, options));
        }
        // ClickHouse 18.16 cannot replace a view: dropped early and created
        // late, so the old body may read what the plan drops and the new one
        // what it creates.
        Change::ModifyView { schema, from, to } => {
            let names = Names { schema, qualify: options.qualify, quote };
            p.drop_views.push(drop_view(&names, from, source, options));
            p.add_views.push(create_view(&names, to, source)?);
        }
        Change::AddTrigger { trigger, .. } | Change::DropTrigger { trigger, .. } => {
            return Err(unsupported(format!("trigger {:?}: ClickHouse has no triggers", trigger.name)));
        }
        Change::ModifyTrigger { to, .. } => {
            return Err(unsupported(format!("trigger {:?}: ClickHouse has no triggers", to.name)));
        }
    }
    Ok(())
}

fn drop_schema(schema: &Schema, source: usize, options: &PlanOptions) -> Unit {
    let mut s = stmt(
        format!("DROP DATABASE {}", quote(&schema.name)),
        format!("drop schema named {:?}", schema.name),
        source,
        vec![format!("CREATE DATABASE {}", quote(&schema.name))],
    );
    s.destructive = true;
    if options.checks {
        s.checks.extend(
            schema.tables.iter().map(|t| CHECKS.table_is_empty(&qualified(Some(&schema.name), &t.name), &t.name)),
        );
    }
    Step::new(s).drops([Key::schema(&schema.name)])
}

/// The names of the engine attributes, as the refusal names them.
fn attr_label(name: &str) -> String {
    match name {
        "engine" => "engine".to_string(),
        "engine_args" => "engine arguments".to_string(),
        other => clause_keywords(other).unwrap_or_else(|| other.to_string()),
    }
}

/// Refuses a change of a table's engine or keys, naming the first that differs.
fn refuse_attrs(from: &Table, to: &Table) -> Result<(), PluginError> {
    let engine = ATTRS.get_str(&from.attrs, "engine").unwrap_or("ClickHouse");
    for name in ENGINE_ATTRS {
        let (f, t) = (ATTRS.get_str(&from.attrs, name), ATTRS.get_str(&to.attrs, name));
        if f.map(normalize) != t.map(normalize) {
            let show = |v: Option<&str>| v.map_or_else(|| "none".to_string(), str::to_string);
            return Err(unsupported(format!(
                "table {:?}: ClickHouse cannot change the {} of a {engine} table in place (from {} to {}); \
                 create a new table and copy the rows",
                to.name,
                attr_label(name),
                show(f),
                show(t)
            )));
        }
    }
    let comment = |t: &Table| t.comment.clone().filter(|c| !c.is_empty());
    if comment(from) != comment(to) {
        return Err(unsupported(format!("table {:?}: the clickhouse plugin cannot change a table comment", to.name)));
    }
    if norm_attrs(&from.attrs) != norm_attrs(&to.attrs) {
        return Err(unsupported(format!(
            "table {:?}: ClickHouse cannot change these table attributes in place",
            to.name
        )));
    }
    Ok(())
}

/// One statement per column command, in order: drops, modifications,
/// additions (each after its predecessor in `to`, within its list of
/// columns), comments.
fn modify_table(
    names: &Names<'_>,
    from: &Table,
    to: &Table,
    changes: &[TableChange],
    source: usize,
    options: &PlanOptions,
) -> Result<Vec<Unit>, PluginError> {
    let schema = names.schema;
    let t = &to.name;
    let table_sql = names.name(t);
    let alter = |command: String| format!("ALTER TABLE {table_sql} {command}");
    let relation = Key::relation(schema, t);
    let mut drops = Vec::new();
    let mut modifies = Vec::new();
    let mut adds = Vec::new();
    let mut comments = Vec::new();
    for change in changes {
        match change {
            TableChange::DropColumn { column } => {
                let c = &column.name;
                let after = predecessor(&from.columns, column, |p| list_of(p) == list_of(column));
                let mut reverse = vec![alter(add_column_sql(column, after))];
                reverse.extend(comment_sql(column).map(&alter));
                let mut s = stmt(
                    alter(format!("DROP COLUMN {}", quote(c))),
                    format!("drop column {c:?} from table {t:?}"),
                    source,
                    reverse,
                );
                // An ALIAS column holds no data.
                s.destructive = list_of(column) != 2;
                if s.destructive && options.checks {
                    s.checks.push(CHECKS.column_is_empty(&table_sql, t, c));
                }
                drops.push(Step::new(s).drops([Key::column(schema, t, c)]).needs_old([relation.clone()]));
            }
            TableChange::AddColumn { column } => {
                let c = &column.name;
                // Every column before it in `to` exists by then: kept (and
                // modified already), or added before it.
                let after = predecessor(&to.columns, column, |p| list_of(p) == list_of(column));
                adds.push(
                    Step::new(stmt(
                        alter(add_column_sql(column, after)),
                        format!("add column {c:?} to table {t:?}"),
                        source,
                        vec![alter(format!("DROP COLUMN {}", quote(c)))],
                    ))
                    .creates([Key::column(schema, t, c)])
                    .needs_new([relation.clone()]),
                );
                // `ADD COLUMN … COMMENT` drops the comment on 18.16: it is set apart.
                if let Some(sql) = comment_sql(column) {
                    comments.push(
                        Step::new(stmt(
                            alter(sql),
                            format!("comment on column {c:?} of table {t:?}"),
                            source,
                            vec![alter(format!("COMMENT COLUMN {} ''", quote(c)))],
                        ))
                        .needs_new([Key::column(schema, t, c)]),
                    );
                }
            }
            TableChange::ModifyColumn { from: old, to: new, change } => {
                let c = &new.name;
                if change.ty || change.null || change.default || change.generated || change.attrs || change.collation {
                    let mut s = stmt(
                        alter(format!("MODIFY COLUMN {}", column_sql(new, false))),
                        format!("modify column {c:?} of table {t:?}"),
                        source,
                        vec![alter(format!("MODIFY COLUMN {}", column_sql(old, false)))],
                    );
                    // A new type converts every part: a mutation rewriting the column.
                    s.rewrites_table = change.ty || change.null;
                    // Stored values do not survive becoming an ALIAS.
                    s.destructive = list_of(old) != 2 && list_of(new) == 2;
                    if options.checks && list_of(old) != 2 && (change.ty || change.null) {
                        let q = quote(c);
                        let ty = column_type(&new.ty, new.nullable);
                        if is_nullable(&column_type(&old.ty, old.nullable)) && !is_nullable(&ty) {
                            s.checks.push(CHECKS.column_has_no_nulls(&table_sql, t, c));
                        }
                        let lossy = format!("toString({q}) != toString(CAST({q}, {}))", literal(&ty));
                        s.checks.push(CHECKS.values_fit(&table_sql, t, c, &ty, &lossy));
                    }
                    modifies.push(Step::new(s).needs_new([relation.clone()]));
                }
                if change.comment {
                    let text = |col: &Column| literal(col.comment.as_deref().unwrap_or(""));
                    comments.push(
                        Step::new(stmt(
                            alter(format!("COMMENT COLUMN {} {}", quote(c), text(new))),
                            format!("comment on column {c:?} of table {t:?}"),
                            source,
                            vec![alter(format!("COMMENT COLUMN {} {}", quote(c), text(old)))],
                        ))
                        .needs_new([relation.clone()]),
                    );
                }
            }
            TableChange::ModifyAttrs => refuse_attrs(from, to)?,
            TableChange::AddPrimaryKey { .. }
            | TableChange::DropPrimaryKey { .. }
            | TableChange::ModifyPrimaryKey { .. } => {
                return Err(unsupported(format!(
                    "table {t:?}: ClickHouse has no primary key constraint; its sorting key (\"order_by\", \
                     \"primary_key\") is set when the table is created"
                )));
            }
            TableChange::AddIndex { .. } | TableChange::DropIndex { .. } | TableChange::ModifyIndex { .. } => {
                return Err(unsupported(format!("table {t:?}: the clickhouse plugin does not manage indexes")));
            }
            TableChange::AddForeignKey { .. }
            | TableChange::DropForeignKey { .. }
            | TableChange::ModifyForeignKey { .. } => {
                return Err(unsupported(format!("table {t:?}: ClickHouse has no foreign keys")));
            }
            TableChange::AddCheck { .. } | TableChange::DropCheck { .. } => {
                return Err(unsupported(format!("table {t:?}: the clickhouse plugin does not manage constraints")));
            }
        }
    }
    Ok(drops.into_iter().chain(modifies).chain(adds).chain(comments).collect())
}

/// `COMMENT COLUMN c '…'` for a column with a comment.
fn comment_sql(column: &Column) -> Option<String> {
    let comment = column.comment.as_deref().filter(|c| !c.is_empty())?;
    Some(format!("COMMENT COLUMN {} {}", quote(&column.name), literal(comment)))
}

/// `ADD COLUMN def [AFTER prev]`, without its comment (see [`comment_sql`]).
fn add_column_sql(column: &Column, after: Option<&Column>) -> String {
    let mut sql = format!("ADD COLUMN {}", column_sql(column, false));
    if let Some(prev) = after {
        sql.push_str(&format!(" AFTER {}", quote(&prev.name)));
    }
    sql
}

/// The nearest column before `column` in `columns` that `fits`.
fn predecessor<'a>(columns: &'a [Column], column: &Column, fits: impl Fn(&Column) -> bool) -> Option<&'a Column> {
    let at = columns.iter().position(|c| c.name == column.name)?;
    columns[..at].iter().rev().find(|c| fits(c))
}

#[cfg(test)]
mod tests {
    use super::*;
    use strata_dialect_api::{ColumnChange, Generated};

    fn col(name: &str, ty: &str) -> Column {
        Column { name: name.into(), ty: ty.into(), nullable: is_nullable(ty), ..Column::default() }
    }

    fn events() -> Table {
        let mut amount = col("amount", "Decimal(10, 2)");
        amount.default = Some("CAST(0, 'Decimal(10, 2)')".into());
        amount.comment = Some("it's money".into());
        let mut day = col("day", "Date");
        day.generated = Some(Generated { expr: "toDate(ts)".into(), stored: true });
        Table {
            name: "events".into(),
            columns: vec![col("id", "UInt64"), col("ts", "DateTime('UTC')"), amount, day],
            attrs: vec![
                ATTRS.attr("engine", "MergeTree"),
                ATTRS.attr("partition_by", "toYYYYMM(ts)"),
                ATTRS.attr("order_by", "(id, ts)"),
                ATTRS.attr("settings", "index_granularity = 8192"),
            ],
            ..Table::default()
        }
    }

    fn sqls(plan: &Plan) -> Vec<&str> {
        plan.statements.iter().map(|s| s.sql.as_str()).collect()
    }

    fn opts() -> PlanOptions {
        PlanOptions { qualify: false, checks: true }
    }

    #[test]
    fn create_table_spells_everything() {
        let plan = plan_changes(&[Change::AddTable { schema: "d".into(), table: events() }], &opts()).unwrap();
        assert_eq!(
            sqls(&plan),
            ["CREATE TABLE `events` (\n  `id` UInt64,\n  `ts` DateTime('UTC'),\n  \
              `amount` Decimal(10, 2) DEFAULT CAST(0, 'Decimal(10, 2)') COMMENT 'it\\'s money',\n  \
              `day` Date MATERIALIZED toDate(ts)\n) ENGINE = MergeTree PARTITION BY toYYYYMM(ts) ORDER BY (id, ts) \
              SETTINGS index_granularity = 8192"]
        );
        let s = &plan.statements[0];
        assert!(!s.transactional && s.reverse == ["DROP TABLE `events`"]);
        let plan = plan_changes(&[Change::DropTable { schema: "d".into(), table: events() }], &opts()).unwrap();
        let s = &plan.statements[0];
        assert!(s.destructive && s.reverse[0].starts_with("CREATE TABLE `events`"));
        assert_eq!(s.checks[0].sql, "SELECT count() = 0 AS `is_empty` FROM (SELECT 1 FROM `events` LIMIT 1)");
    }

    #[test]
    fn one_command_per_alter() {
        let from = events();
        let mut to = events();
        to.columns.remove(1);
        to.columns[1].ty = "Decimal(12, 2)".into();
        to.columns[1].comment = None;
        to.columns.insert(1, col("name", "Nullable(String)"));
        let changes = vec![
            TableChange::DropColumn { column: from.columns[1].clone() },
            TableChange::ModifyColumn {
                from: from.columns[2].clone(),
                to: to.columns[2].clone(),
                change: ColumnChange { ty: true, comment: true, ..ColumnChange::default() },
            },
            TableChange::AddColumn { column: to.columns[1].clone() },
        ];
        let plan = plan_changes(
            &[Change::ModifyTable { schema: "d".into(), from: from.clone(), to: to.clone(), changes }],
            &opts(),
        )
        .unwrap();
        assert_eq!(
            sqls(&plan),
            [
                "ALTER TABLE `events` DROP COLUMN `ts`",
                "ALTER TABLE `events` MODIFY COLUMN `amount` Decimal(12, 2) DEFAULT CAST(0, 'Decimal(10, 2)')",
                "ALTER TABLE `events` ADD COLUMN `name` Nullable(String) AFTER `id`",
                "ALTER TABLE `events` COMMENT COLUMN `amount` ''",
            ]
        );
        assert!(plan.statements[0].destructive);
        assert_eq!(plan.statements[0].reverse, ["ALTER TABLE `events` ADD COLUMN `ts` DateTime('UTC') AFTER `id`"]);
        assert_eq!(
            plan.statements[0].checks[0].sql,
            "SELECT count() = 0 AS `is_empty` FROM (SELECT 1 FROM `events` WHERE `ts` IS NOT NULL LIMIT 1)"
        );
        assert_eq!(plan.statements[0].checks[0].reason, "column \"ts\" of table \"events\" is empty");
        assert!(plan.statements[1].rewrites_table && !plan.statements[1].destructive);
        assert_eq!(plan.statements[1].checks.len(), 1);
        assert_eq!(
            plan.statements[1].checks[0].sql,
            "SELECT count() = 0 AS `fits` FROM (SELECT 1 FROM `events` WHERE `amount` IS NOT NULL AND \
             toString(`amount`) != toString(CAST(`amount`, 'Decimal(12, 2)')) LIMIT 1)"
        );
        assert_eq!(
            plan.statements[1].checks[0].reason,
            "every value of column \"amount\" of table \"events\" fits Decimal(12, 2)"
        );
        assert_eq!(plan.statements[2].reverse, ["ALTER TABLE `events` DROP COLUMN `name`"]);
        assert!(plan.statements.iter().all(|s| !s.transactional));
    }

    #[test]
    fn keys_cannot_change_in_place() {
        let from = events();
        let mut to = events();
        to.attrs = vec![
            ATTRS.attr("engine", "MergeTree"),
            ATTRS.attr("partition_by", "toYYYYMM(ts)"),
            ATTRS.attr("order_by", "(id, ts, amount)"),
            ATTRS.attr("settings", "index_granularity = 8192"),
        ];
        let err = plan_changes(
            &[Change::ModifyTable { schema: "d".into(), from, to, changes: vec![TableChange::ModifyAttrs] }],
            &opts(),
        )
        .unwrap_err();
        assert_eq!(err.kind, ErrorKind::Unsupported);
        assert_eq!(
            err.message,
            "table \"events\": ClickHouse cannot change the ORDER BY of a MergeTree table in place \
             (from (id, ts) to (id, ts, amount)); create a new table and copy the rows"
        );
    }

    #[test]
    fn views_and_materialized_views() {
        let view = View { name: "v".into(), def: "SELECT id FROM events".into(), attrs: vec![] };
        let mv = View {
            name: "mv".into(),
            def: "SELECT id, count() AS c FROM events GROUP BY id".into(),
            attrs: vec![ATTRS.attr("materialized", true), ATTRS.attr("to", "agg")],
        };
        let inner = View {
            name: "mv2".into(),
            def: "SELECT id FROM events".into(),
            attrs: vec![
                ATTRS.attr("materialized", true),
                ATTRS.attr("engine", "SummingMergeTree"),
                ATTRS.attr("order_by", "id"),
            ],
        };
        let changes = vec![
            Change::AddView { schema: "d".into(), view: view.clone() },
            Change::AddView { schema: "d".into(), view: mv },
            Change::DropView { schema: "d".into(), view: inner },
            Change::AddTable { schema: "d".into(), table: events() },
        ];
        let plan = plan_changes(&changes, &opts()).unwrap();
        let sqls = sqls(&plan);
        assert_eq!(sqls[0], "DROP TABLE `mv2`");
        assert!(plan.statements[0].destructive);
        assert!(sqls[1].starts_with("CREATE TABLE `events`"));
        assert_eq!(sqls[2], "CREATE VIEW `v` AS SELECT id FROM events");
        assert_eq!(
            sqls[3],
            "CREATE MATERIALIZED VIEW `mv` TO `agg` AS SELECT id, count() AS c FROM events GROUP BY id"
        );
        assert_eq!(
            plan.statements[0].reverse,
            ["CREATE MATERIALIZED VIEW `mv2` ENGINE = SummingMergeTree ORDER BY id AS SELECT id FROM events"]
        );
    }

    #[test]
    fn what_clickhouse_lacks_is_refused() {
        let mut t = events();
        t.indexes.push(strata_dialect_api::Index { name: "i".into(), ..Default::default() });
        let err = plan_changes(&[Change::AddTable { schema: "d".into(), table: t }], &opts()).unwrap_err();
        assert_eq!(err.kind, ErrorKind::Unsupported);
    }
}
