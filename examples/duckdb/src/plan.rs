//! Planning: changes to DuckDB statements, with reverses and pre-migration checks.
//!
//! DuckDB's ALTER TABLE is narrower than PostgreSQL's, and the plan works
//! around what it can and refuses the rest, naming the table:
//! - a column cannot be added with NOT NULL: it is added, then SET NOT NULL;
//! - a table with indexes (CREATE INDEX) refuses DROP COLUMN, SET/DROP NOT NULL
//!   and a type change: its indexes are dropped first and created again after;
//! - DuckDB still sees an index dropped earlier in the same transaction when
//!   the column it covered is retyped or dropped: such a DROP INDEX is marked
//!   non-transactional, so the host runs the plan statement by statement;
//! - UNIQUE, FOREIGN KEY and CHECK constraints cannot be added to or dropped
//!   from an existing table, nor a primary key dropped, nor a column of one
//!   retyped or dropped; a table referenced by foreign keys cannot be altered
//!   beyond adding columns and changing defaults: all refused.

use crate::inspect::{is_constraint, referenced_by};
use crate::sql::quote;
use std::collections::{BTreeMap, BTreeSet};
use strata_dialect_api::{
    Change, Column, ErrorKind, Index, IndexPart, Plan, PlanOptions, PluginError, PreCheck, Statement, Table,
    TableChange, View,
};

/// Plans `changes`.
///
/// # Errors
/// [`ErrorKind::Unsupported`] for a change DuckDB cannot make, naming the table.
pub fn plan(changes: &[Change], options: &PlanOptions) -> Result<Plan, PluginError> {
    let dropped = changes
        .iter()
        .filter_map(|c| if let Change::DropTable { table, .. } = c { Some(table.name.clone()) } else { None })
        .collect();
    let mut planner = Planner { options: options.clone(), out: Vec::new(), dropped };
    // DuckDB binds a view when it is created, and refuses to drop a table
    // another's foreign key references: views go first and come back last,
    // tables are dropped children first and created parents first.
    let indexed: Vec<(usize, &Change)> = changes.iter().enumerate().collect();
    let pick = |f: fn(&Change) -> bool| indexed.iter().filter(|(_, c)| f(c)).copied().collect::<Vec<_>>();
    for (i, change) in pick(|c| matches!(c, Change::DropView { .. } | Change::ModifyView { .. })) {
        match change {
            Change::DropView { view, .. } => planner.drop_view(i, view),
            Change::ModifyView { from, .. } => planner.drop_view(i, from),
            _ => {}
        }
    }
    let drops: Vec<(usize, &Table)> = pick(|c| matches!(c, Change::DropTable { .. }))
        .into_iter()
        .filter_map(|(i, c)| if let Change::DropTable { table, .. } = c { Some((i, table)) } else { None })
        .collect();
    for (i, table) in parents_first(drops).into_iter().rev() {
        planner.drop_table(i, table);
    }
    for (i, change) in pick(|c| matches!(c, Change::RenameTable { .. })) {
        if let Change::RenameTable { from, to, .. } = change {
            let mut s = Statement::new(
                format!("ALTER TABLE {} RENAME TO {}", quote(from), quote(to)),
                format!("rename a table from {from:?} to {to:?}"),
                i,
            );
            s.reverse = vec![format!("ALTER TABLE {} RENAME TO {}", quote(to), quote(from))];
            planner.out.push(s);
        }
    }
    let adds: Vec<(usize, &Table)> = pick(|c| matches!(c, Change::AddTable { .. }))
        .into_iter()
        .filter_map(|(i, c)| if let Change::AddTable { table, .. } = c { Some((i, table)) } else { None })
        .collect();
    for (i, table) in parents_first(adds) {
        planner.add_table(i, table);
    }
    for (i, change) in pick(|c| matches!(c, Change::ModifyTable { .. })) {
        if let Change::ModifyTable { from, to, changes, .. } = change {
            planner.modify_table(i, from, to, changes)?;
        }
    }
    let views: Vec<(usize, &View)> = indexed
        .iter()
        .filter_map(|(i, c)| match c {
            Change::AddView { view, .. } | Change::ModifyView { to: view, .. } => Some((*i, view)),
            _ => None,
        })
        .collect();
    for (i, view) in views_in_order(views) {
        planner.add_view(i, view);
    }
    for (i, change) in &indexed {
        match change {
            Change::AddSchema { schema } | Change::DropSchema { schema } | Change::ModifySchema { to: schema, .. }
                if schema.name != crate::inspect::SCHEMA =>
            {
                return Err(unsupported(format!(
                    "the duckdb plugin manages the schema \"main\" only, not {:?} (change {})",
                    schema.name,
                    i + 1
                )));
            }
            Change::AddTrigger { trigger, .. }
            | Change::DropTrigger { trigger, .. }
            | Change::ModifyTrigger { to: trigger, .. } => {
                return Err(unsupported(format!("DuckDB has no triggers ({:?})", trigger.name)));
            }
            _ => {}
        }
    }
    Ok(Plan { changes: changes.to_vec(), statements: planner.out })
}

fn unsupported(message: String) -> PluginError {
    PluginError::new(ErrorKind::Unsupported, message)
}

/// Tables ordered so that a table comes after those its foreign keys reference
/// (among `tables`; cycles keep their given order).
fn parents_first(tables: Vec<(usize, &Table)>) -> Vec<(usize, &Table)> {
    let names: BTreeSet<&str> = tables.iter().map(|(_, t)| t.name.as_str()).collect();
    let mut done: BTreeSet<&str> = BTreeSet::new();
    let mut out = Vec::new();
    let mut left = tables;
    while !left.is_empty() {
        let k = left
            .iter()
            .position(|(_, t)| {
                t.foreign_keys.iter().all(|fk| {
                    fk.ref_table == t.name
                        || !names.contains(fk.ref_table.as_str())
                        || done.contains(fk.ref_table.as_str())
                })
            })
            .unwrap_or(0);
        let item = left.remove(k);
        done.insert(item.1.name.as_str());
        out.push(item);
    }
    out
}

/// Views ordered so that a view comes after the views (among `views`) its
/// definition names.
fn views_in_order(views: Vec<(usize, &View)>) -> Vec<(usize, &View)> {
    let names: BTreeSet<String> = views.iter().map(|(_, v)| v.name.to_ascii_lowercase()).collect();
    let uses = |v: &View| -> BTreeSet<String> {
        crate::sql::tokens(&v.def)
            .iter()
            .filter_map(|t| match t.kind {
                crate::sql::Kind::Word => Some(t.text(&v.def).to_ascii_lowercase()),
                crate::sql::Kind::Quoted => Some(crate::sql::unquote(t.text(&v.def)).to_ascii_lowercase()),
                _ => None,
            })
            .filter(|w| names.contains(w) && *w != v.name.to_ascii_lowercase())
            .collect()
    };
    let mut done: BTreeSet<String> = BTreeSet::new();
    let mut out = Vec::new();
    let mut left = views;
    while !left.is_empty() {
        let k = left.iter().position(|(_, v)| uses(v).iter().all(|u| done.contains(u))).unwrap_or(0);
        let item = left.remove(k);
        done.insert(item.1.name.to_ascii_lowercase());
        out.push(item);
    }
    out
}

struct Planner {
    options: PlanOptions,
    out: Vec<Statement>,
    /// Tables the plan drops (before it alters others): their foreign keys go with them.
    dropped: BTreeSet<String>,
}

/// `SELECT NOT EXISTS (SELECT 1 FROM t [WHERE c]) AS "alias"`, Atlas's shape.
fn no_row(table: &str, condition: Option<String>, alias: &str, reason: String) -> PreCheck {
    let filter = condition.map(|c| format!(" WHERE {c}")).unwrap_or_default();
    PreCheck { sql: format!("SELECT NOT EXISTS (SELECT 1 FROM {}{filter}) AS {}", quote(table), quote(alias)), reason }
}

/// A column's definition in CREATE TABLE / ADD COLUMN.
fn column_def(c: &Column, with_null: bool) -> String {
    let mut def = format!("{} {}", quote(&c.name), c.ty);
    if let Some(d) = &c.default {
        def.push_str(&format!(" DEFAULT {d}"));
    }
    if with_null && !c.nullable {
        def.push_str(" NOT NULL");
    }
    def
}

fn columns_list(names: &[String]) -> String {
    names.iter().map(|n| quote(n)).collect::<Vec<_>>().join(", ")
}

fn part_sql(p: &IndexPart) -> String {
    let body = match (&p.column, &p.expr) {
        (Some(c), _) => quote(c),
        (None, Some(e)) => e.clone(),
        (None, None) => String::new(),
    };
    if p.desc { format!("{body} DESC") } else { body }
}

fn part_names(parts: &[IndexPart]) -> Vec<String> {
    parts.iter().filter_map(|p| p.column.clone()).collect()
}

/// CREATE TABLE with its columns and table constraints (UNIQUE constraints included).
fn create_table(t: &Table) -> String {
    let mut items: Vec<String> = t.columns.iter().map(|c| column_def(c, true)).collect();
    if let Some(pk) = &t.primary_key {
        items.push(format!("PRIMARY KEY ({})", pk.parts.iter().map(part_sql).collect::<Vec<_>>().join(", ")));
    }
    for index in t.indexes.iter().filter(|i| is_constraint(i)) {
        items.push(format!("UNIQUE ({})", index.parts.iter().map(part_sql).collect::<Vec<_>>().join(", ")));
    }
    for fk in &t.foreign_keys {
        let mut item = format!(
            "FOREIGN KEY ({}) REFERENCES {} ({})",
            columns_list(&fk.columns),
            quote(&fk.ref_table),
            columns_list(&fk.ref_columns)
        );
        if let Some(a) = &fk.on_delete {
            item.push_str(&format!(" ON DELETE {a}"));
        }
        if let Some(a) = &fk.on_update {
            item.push_str(&format!(" ON UPDATE {a}"));
        }
        items.push(item);
    }
    for check in &t.checks {
        items.push(format!("CHECK ({})", check.expr));
    }
    format!("CREATE TABLE {} ({})", quote(&t.name), items.join(", "))
}

fn create_index(table: &str, i: &Index) -> String {
    format!(
        "CREATE {}INDEX {} ON {} ({})",
        if i.unique { "UNIQUE " } else { "" },
        quote(&i.name),
        quote(table),
        i.parts.iter().map(part_sql).collect::<Vec<_>>().join(", ")
    )
}

fn drop_index(i: &Index) -> String {
    format!("DROP INDEX {}", quote(&i.name))
}

fn view_sql(v: &View, replace: bool) -> String {
    let def = v.def.trim().trim_end_matches(';').trim_end();
    let toks: Vec<crate::sql::Tok> =
        crate::sql::tokens(def).into_iter().filter(|t| t.kind != crate::sql::Kind::Space).collect();
    let is_create = toks.first().is_some_and(|t| t.is_word(def, "create"));
    if !is_create {
        let head = if replace { "CREATE OR REPLACE VIEW" } else { "CREATE VIEW" };
        return format!("{head} {} AS {def}", quote(&v.name));
    }
    match toks.get(1) {
        Some(t) if replace && t.is_word(def, "view") => {
            format!("CREATE OR REPLACE {}", def.get(t.start..).unwrap_or_default())
        }
        _ => def.to_string(),
    }
}

impl Planner {
    fn push(&mut self, mut s: Statement, reverse: Vec<String>) {
        s.reverse = reverse;
        self.out.push(s);
    }

    fn create_all(t: &Table) -> Vec<String> {
        let mut stmts = vec![create_table(t)];
        stmts.extend(t.indexes.iter().filter(|i| !is_constraint(i)).map(|i| create_index(&t.name, i)));
        stmts
    }

    fn add_table(&mut self, source: usize, t: &Table) {
        let reverse = vec![format!("DROP TABLE {}", quote(&t.name))];
        self.push(Statement::new(create_table(t), format!("create {:?} table", t.name), source), reverse);
        for index in t.indexes.iter().filter(|i| !is_constraint(i)) {
            let s = Statement::new(create_index(&t.name, index), format!("create index {:?}", index.name), source);
            self.push(s, vec![drop_index(index)]);
        }
    }

    fn drop_table(&mut self, source: usize, t: &Table) {
        let mut s =
            Statement::new(format!("DROP TABLE {}", quote(&t.name)), format!("drop {:?} table", t.name), source);
        s.destructive = true;
        if self.options.checks {
            s.checks.push(no_row(&t.name, None, "is_empty", format!("table {:?} is empty", t.name)));
        }
        self.push(s, Self::create_all(t));
    }

    fn drop_view(&mut self, source: usize, v: &View) {
        let s = Statement::new(format!("DROP VIEW {}", quote(&v.name)), format!("drop {:?} view", v.name), source);
        self.push(s, vec![view_sql(v, false)]);
    }

    fn add_view(&mut self, source: usize, v: &View) {
        let s = Statement::new(view_sql(v, false), format!("create {:?} view", v.name), source);
        self.push(s, vec![format!("DROP VIEW {}", quote(&v.name))]);
    }

    /// ADD COLUMN, then SET NOT NULL (DuckDB adds no column with a constraint).
    fn add_column(&mut self, source: usize, table: &str, c: &Column) {
        let t = quote(table);
        let s = Statement::new(
            format!("ALTER TABLE {t} ADD COLUMN {}", column_def(c, false)),
            format!("add column {:?} to table {table:?}", c.name),
            source,
        );
        self.push(s, vec![format!("ALTER TABLE {t} DROP COLUMN {}", quote(&c.name))]);
        if !c.nullable {
            let mut s = Statement::new(
                format!("ALTER TABLE {t} ALTER COLUMN {} SET NOT NULL", quote(&c.name)),
                format!("make column {:?} of table {table:?} NOT NULL", c.name),
                source,
            );
            if self.options.checks && c.default.is_none() {
                let reason =
                    format!("table {table:?} is empty (new column {:?} is NOT NULL without a default)", c.name);
                s.checks.push(no_row(table, None, "is_empty", reason));
            }
            self.push(s, vec![format!("ALTER TABLE {t} ALTER COLUMN {} DROP NOT NULL", quote(&c.name))]);
        }
    }

    fn modify_table(
        &mut self,
        source: usize,
        from: &Table,
        to: &Table,
        changes: &[TableChange],
    ) -> Result<(), PluginError> {
        let name = &to.name;
        let t = quote(name);
        let refuse = |what: String| unsupported(format!("table {name:?}: {what}"));
        // Columns DuckDB will not let go: those of the primary key, a UNIQUE
        // constraint or a foreign key.
        let mut pinned: BTreeSet<&str> = BTreeSet::new();
        if let Some(pk) = &from.primary_key {
            pinned.extend(pk.parts.iter().filter_map(|p| p.column.as_deref()));
        }
        for index in from.indexes.iter().filter(|i| is_constraint(i)) {
            pinned.extend(index.parts.iter().filter_map(|p| p.column.as_deref()));
        }
        for fk in &from.foreign_keys {
            pinned.extend(fk.columns.iter().map(String::as_str));
        }
        let mut blocking = false;
        // Columns retyped or dropped: an index on them must be gone (committed) first.
        let mut moved: BTreeSet<&str> = BTreeSet::new();
        for change in changes {
            match change {
                TableChange::AddColumn { column } => blocking |= !column.nullable,
                TableChange::DropColumn { column } => {
                    if pinned.contains(column.name.as_str()) {
                        return Err(refuse(format!(
                            "DuckDB cannot drop column {:?}: a primary key, UNIQUE or FOREIGN KEY constraint uses it \
                             (recreate the table instead)",
                            column.name
                        )));
                    }
                    blocking = true;
                    moved.insert(&column.name);
                }
                TableChange::ModifyColumn { from: c, change, .. } => {
                    if change.collation || change.generated {
                        return Err(refuse(format!(
                            "DuckDB cannot change the collation or generation of column {:?} in place",
                            c.name
                        )));
                    }
                    if change.ty && pinned.contains(c.name.as_str()) {
                        return Err(refuse(format!(
                            "DuckDB cannot change the type of column {:?}: a primary key, UNIQUE or FOREIGN KEY \
                             constraint uses it (recreate the table instead)",
                            c.name
                        )));
                    }
                    if change.ty {
                        moved.insert(&c.name);
                    }
                    blocking |= change.ty || change.null;
                }
                TableChange::AddPrimaryKey { .. } => blocking = true,
                TableChange::DropPrimaryKey { .. } | TableChange::ModifyPrimaryKey { .. } => {
                    return Err(refuse(
                        "DuckDB cannot drop or change a primary key (recreate the table instead)".into(),
                    ));
                }
                TableChange::AddIndex { index } | TableChange::DropIndex { index } if is_constraint(index) => {
                    return Err(refuse(format!(
                        "DuckDB cannot add or drop the UNIQUE constraint {:?} of an existing table \
                         (use a unique index, or recreate the table)",
                        index.name
                    )));
                }
                TableChange::ModifyIndex { from: a, to: b } if is_constraint(a) || is_constraint(b) => {
                    return Err(refuse(format!(
                        "DuckDB cannot change the UNIQUE constraint {:?} of an existing table",
                        a.name
                    )));
                }
                TableChange::AddForeignKey { .. }
                | TableChange::DropForeignKey { .. }
                | TableChange::ModifyForeignKey { .. } => {
                    return Err(refuse(
                        "DuckDB cannot add or drop a foreign key of an existing table (recreate the table instead)"
                            .into(),
                    ));
                }
                TableChange::AddCheck { .. } | TableChange::DropCheck { .. } => {
                    return Err(refuse(
                        "DuckDB cannot add or drop a CHECK constraint of an existing table (recreate the table instead)"
                            .into(),
                    ));
                }
                _ => {}
            }
        }
        let children: Vec<String> =
            referenced_by(from).into_iter().filter(|c| !self.dropped.contains(c) && c != name).collect();
        if blocking && !children.is_empty() {
            return Err(refuse(format!(
                "DuckDB cannot drop, retype or change the nullability of columns of a table that foreign keys of \
                 {children:?} reference"
            )));
        }

        // Indexes (CREATE INDEX, not constraints) to drop before and create after.
        let from_idx: BTreeMap<&str, &Index> =
            from.indexes.iter().filter(|i| !is_constraint(i)).map(|i| (i.name.as_str(), i)).collect();
        let to_idx: BTreeMap<&str, &Index> =
            to.indexes.iter().filter(|i| !is_constraint(i)).map(|i| (i.name.as_str(), i)).collect();
        let (drop_first, create_after): (Vec<&Index>, Vec<&Index>) = if blocking {
            (from_idx.values().copied().collect(), to_idx.values().copied().collect())
        } else {
            let mut drop = Vec::new();
            let mut create = Vec::new();
            for change in changes {
                match change {
                    TableChange::DropIndex { index } => drop.push(index),
                    TableChange::AddIndex { index } => create.push(index),
                    TableChange::ModifyIndex { from: a, to: b } => {
                        drop.push(a);
                        create.push(b);
                    }
                    _ => {}
                }
            }
            (drop, create)
        };
        for index in drop_first {
            let mut s = Statement::new(drop_index(index), format!("drop index {:?}", index.name), source);
            let covers = index.parts.iter().any(|p| {
                p.column.as_deref().is_some_and(|c| moved.contains(c)) || (p.expr.is_some() && !moved.is_empty())
            });
            // DuckDB sees the index until the DROP commits (see the module doc).
            s.transactional = !covers;
            self.push(s, vec![create_index(&from.name, index)]);
        }

        for change in changes {
            if let TableChange::DropColumn { column: c } = change {
                let mut s = Statement::new(
                    format!("ALTER TABLE {t} DROP COLUMN {}", quote(&c.name)),
                    format!("drop column {:?} of table {name:?}", c.name),
                    source,
                );
                s.destructive = true;
                if self.options.checks {
                    let cond = format!("{} IS NOT NULL", quote(&c.name));
                    let reason = format!("column {:?} of table {name:?} is empty", c.name);
                    s.checks.push(no_row(name, Some(cond), "is_empty", reason));
                }
                let mut reverse = vec![format!("ALTER TABLE {t} ADD COLUMN {}", column_def(c, false))];
                if !c.nullable {
                    reverse.push(format!("ALTER TABLE {t} ALTER COLUMN {} SET NOT NULL", quote(&c.name)));
                }
                self.push(s, reverse);
            }
        }
        for change in changes {
            let TableChange::ModifyColumn { from: a, to: b, change } = change else { continue };
            let col = quote(&b.name);
            if change.ty {
                let mut s = Statement::new(
                    format!("ALTER TABLE {t} ALTER COLUMN {col} TYPE {}", b.ty),
                    format!("change the type of column {:?} of table {name:?} to {}", b.name, b.ty),
                    source,
                );
                s.rewrites_table = true;
                s.locks_table = true;
                if self.options.checks {
                    let cond = format!("{col} IS NOT NULL AND TRY_CAST({col} AS {}) IS NULL", b.ty);
                    let reason = format!("every value of column {:?} of table {name:?} fits {}", b.name, b.ty);
                    s.checks.push(no_row(name, Some(cond), "fits", reason));
                }
                self.push(s, vec![format!("ALTER TABLE {t} ALTER COLUMN {col} TYPE {}", a.ty)]);
            }
            if change.default {
                let set = |c: &Column| match &c.default {
                    Some(d) => format!("ALTER TABLE {t} ALTER COLUMN {col} SET DEFAULT {d}"),
                    None => format!("ALTER TABLE {t} ALTER COLUMN {col} DROP DEFAULT"),
                };
                let s = Statement::new(
                    set(b),
                    format!("change the default of column {:?} of table {name:?}", b.name),
                    source,
                );
                self.push(s, vec![set(a)]);
            }
            if change.null {
                let set = |c: &Column| {
                    format!("ALTER TABLE {t} ALTER COLUMN {col} {} NOT NULL", if c.nullable { "DROP" } else { "SET" })
                };
                let mut s = Statement::new(
                    set(b),
                    format!(
                        "make column {:?} of table {name:?} {}",
                        b.name,
                        if b.nullable { "NULL" } else { "NOT NULL" }
                    ),
                    source,
                );
                if self.options.checks && !b.nullable {
                    let cond = format!("{col} IS NULL");
                    let reason = format!("column {:?} of table {name:?} holds no NULL", b.name);
                    s.checks.push(no_row(name, Some(cond), "no_nulls", reason));
                }
                self.push(s, vec![set(a)]);
            }
        }
        for change in changes {
            match change {
                TableChange::AddColumn { column } => self.add_column(source, name, column),
                TableChange::AddPrimaryKey { key } => {
                    let s = Statement::new(
                        format!("ALTER TABLE {t} ADD PRIMARY KEY ({})", columns_list(&part_names(&key.parts))),
                        format!("add a primary key to table {name:?}"),
                        source,
                    );
                    // DuckDB cannot drop it again: no reverse.
                    self.push(s, Vec::new());
                }
                _ => {}
            }
        }
        for index in create_after {
            let s = Statement::new(create_index(name, index), format!("create index {:?}", index.name), source);
            self.push(s, vec![drop_index(index)]);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use strata_dialect_api::{ColumnChange, ForeignKey};

    fn col(name: &str, ty: &str, nullable: bool) -> Column {
        Column { name: name.into(), ty: ty.into(), nullable, ..Column::default() }
    }

    #[test]
    fn tables_are_created_parents_first_and_dropped_children_first() {
        let parent = Table { name: "p".into(), columns: vec![col("id", "INTEGER", false)], ..Table::default() };
        let child = Table {
            name: "c".into(),
            columns: vec![col("p_id", "INTEGER", true)],
            foreign_keys: vec![ForeignKey {
                columns: vec!["p_id".into()],
                ref_table: "p".into(),
                ref_columns: vec!["id".into()],
                ..ForeignKey::default()
            }],
            ..Table::default()
        };
        let s = || "main".to_string();
        let add = [
            Change::AddTable { schema: s(), table: child.clone() },
            Change::AddTable { schema: s(), table: parent.clone() },
        ];
        let planned = super::plan(&add, &PlanOptions::default()).unwrap();
        assert!(planned.statements[0].sql.starts_with("CREATE TABLE \"p\""), "{:?}", planned.statements);
        assert_eq!(
            planned.statements[1].sql,
            "CREATE TABLE \"c\" (\"p_id\" INTEGER, FOREIGN KEY (\"p_id\") REFERENCES \"p\" (\"id\"))"
        );
        let drop = [Change::DropTable { schema: s(), table: parent }, Change::DropTable { schema: s(), table: child }];
        let planned = super::plan(&drop, &PlanOptions { checks: true, ..PlanOptions::default() }).unwrap();
        assert_eq!(planned.statements[0].sql, "DROP TABLE \"c\"");
        assert!(planned.statements[0].destructive);
        assert_eq!(planned.statements[0].checks[0].sql, "SELECT NOT EXISTS (SELECT 1 FROM \"c\") AS \"is_empty\"");
    }

    #[test]
    fn indexes_are_dropped_around_a_retype() {
        let from = Table {
            name: "t".into(),
            columns: vec![col("a", "INTEGER", true), col("b", "INTEGER", true)],
            indexes: vec![Index { name: "t_a".into(), parts: vec![IndexPart::column("a")], ..Index::default() }],
            ..Table::default()
        };
        let mut to = from.clone();
        to.columns[0].ty = "BIGINT".into();
        let change = ColumnChange { ty: true, ..ColumnChange::default() };
        let changes =
            vec![TableChange::ModifyColumn { from: from.columns[0].clone(), to: to.columns[0].clone(), change }];
        let planned = super::plan(
            &[Change::ModifyTable { schema: "main".into(), from: from.clone(), to: to.clone(), changes }],
            &PlanOptions::default(),
        )
        .unwrap();
        let sql: Vec<&str> = planned.statements.iter().map(|s| s.sql.as_str()).collect();
        assert_eq!(
            sql,
            [
                "DROP INDEX \"t_a\"",
                "ALTER TABLE \"t\" ALTER COLUMN \"a\" TYPE BIGINT",
                "CREATE INDEX \"t_a\" ON \"t\" (\"a\")"
            ]
        );
        assert!(!planned.transactional(), "the DROP INDEX must commit before the ALTER");
        // Another column's nullability: one transaction is fine.
        let mut to = from.clone();
        to.columns[1].nullable = false;
        let change = ColumnChange { null: true, ..ColumnChange::default() };
        let changes =
            vec![TableChange::ModifyColumn { from: from.columns[1].clone(), to: to.columns[1].clone(), change }];
        let planned =
            super::plan(&[Change::ModifyTable { schema: "main".into(), from, to, changes }], &PlanOptions::default())
                .unwrap();
        assert_eq!(planned.statements.len(), 3);
        assert!(planned.transactional());
    }

    #[test]
    fn constraint_changes_are_refused_naming_the_table() {
        let from = Table { name: "orders".into(), columns: vec![col("a", "INTEGER", true)], ..Table::default() };
        let to = from.clone();
        let changes = vec![TableChange::AddCheck {
            check: strata_dialect_api::Check { name: None, expr: "a > 0".into(), attrs: vec![] },
        }];
        let err = plan(&[Change::ModifyTable { schema: "main".into(), from, to, changes }], &PlanOptions::default())
            .unwrap_err();
        assert_eq!(err.kind, ErrorKind::Unsupported);
        assert!(err.message.contains("table \"orders\""), "{}", err.message);
    }
}
