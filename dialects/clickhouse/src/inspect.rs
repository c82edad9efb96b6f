//! Inspecting ClickHouse through `system.databases`, `system.tables` and
//! `system.columns`: three queries whatever the number of tables.
//!
//! What the server keeps is taken as it prints it: types verbatim
//! (`Nullable(String)`, `Decimal(10, 2)`, a `Nested` column as its `n.x
//! Array(…)` parts), default expressions as the server rewrote them (a
//! `DEFAULT 0` on a `Decimal` column reads `CAST(0, 'Decimal(10, 2)')`), and
//! the engine split from `engine_full` (see `attrs`). Since the planner
//! writes these forms back and the server keeps them as they are, what the
//! planner creates inspects to what it was given.
//!
//! Left out: lock tables (`strata_lock_*`, see `driver::lock_table`), the
//! inner tables of materialized views (`.inner.*`, part of their view) and
//! temporary tables.

use crate::attrs::{ATTRS, ENGINE_ATTRS};
use crate::driver::{ChConn, LOCK_PREFIX};
use crate::sql::{parse_engine, parse_view, strip_schema, tidy};
use crate::types::{is_nullable, literal};
use std::collections::BTreeMap;
use strata_dialect_api::{Attr, Column, Generated, InspectOptions, PluginError, Realm, Schema, Table, View};
use strata_dialect_kit::sorted_attrs;

type Row = Vec<Option<String>>;

fn s(row: &Row, i: usize) -> String {
    row.get(i).cloned().flatten().unwrap_or_default()
}

/// Inspects the database the connection is bound to, or those the options name.
///
/// # Errors
/// When a catalog query fails.
pub fn inspect_realm(conn: &mut ChConn, options: &InspectOptions) -> Result<Realm, PluginError> {
    let databases: Vec<String> =
        if options.schemas.is_empty() { vec![conn.database().to_string()] } else { options.schemas.clone() };
    let list = databases.iter().map(|d| literal(d)).collect::<Vec<_>>().join(", ");

    let mut schemas: Vec<Schema> = conn
        .rows(&format!("SELECT name FROM system.databases WHERE name IN ({list})"))?
        .rows
        .iter()
        .map(|row| Schema { name: s(row, 0), ..Schema::default() })
        .collect();
    schemas.sort_by(|a, b| a.name.cmp(&b.name));

    // Tables and views, keyed by (database, name).
    let mut tables: BTreeMap<(String, String), Table> = BTreeMap::new();
    let mut views: BTreeMap<(String, String), View> = BTreeMap::new();
    let table_rows = conn.rows(&format!(
        "SELECT database, name, engine, engine_full, create_table_query FROM system.tables \
         WHERE database IN ({list}) AND is_temporary = 0"
    ))?;
    for row in &table_rows.rows {
        let (database, name, engine) = (s(row, 0), s(row, 1), s(row, 2));
        if name.starts_with(LOCK_PREFIX) || name.starts_with(".inner.") || options.exclude_tables.contains(&name) {
            continue;
        }
        match engine.as_str() {
            "View" | "MaterializedView" => {
                let def = parse_view(&s(row, 4));
                let mut attrs = Vec::new();
                if engine == "MaterializedView" {
                    attrs.push(ATTRS.attr("materialized", true));
                    match def.to {
                        Some((to_db, to)) => {
                            attrs.push(ATTRS.attr("to", to));
                            if let Some(to_db) = to_db.filter(|d| *d != database) {
                                attrs.push(ATTRS.attr("to_schema", to_db));
                            }
                        }
                        None => attrs.extend(engine_attrs(None, &s(row, 3))),
                    }
                }
                let view = View {
                    name: name.clone(),
                    def: tidy(&strip_schema(&def.select, &database)),
                    attrs: sorted_attrs(&attrs),
                };
                views.insert((database, name), view);
            }
            _ => {
                let table =
                    Table { name: name.clone(), attrs: engine_attrs(Some(&engine), &s(row, 3)), ..Table::default() };
                tables.insert((database, name), table);
            }
        }
    }

    // Columns come in each table's own order (ordinary, then MATERIALIZED,
    // then ALIAS columns, as ClickHouse keeps them).
    let column_rows = conn.rows(&format!(
        "SELECT database, table, name, type, default_kind, default_expression, comment FROM system.columns \
         WHERE database IN ({list})"
    ))?;
    for row in &column_rows.rows {
        let Some(table) = tables.get_mut(&(s(row, 0), s(row, 1))) else { continue };
        table.columns.push(column(row));
    }

    for ((database, _), table) in tables {
        if let Some(schema) = schemas.iter_mut().find(|s| s.name == database) {
            schema.tables.push(table);
        }
    }
    for ((database, _), view) in views {
        if let Some(schema) = schemas.iter_mut().find(|s| s.name == database) {
            schema.views.push(view);
        }
    }
    Ok(Realm { schemas })
}

/// A column of `system.columns` (database, table, name, type, default_kind,
/// default_expression, comment).
fn column(row: &Row) -> Column {
    let ty = s(row, 3);
    let expr = s(row, 5);
    let mut c = Column { name: s(row, 2), nullable: is_nullable(&ty), ty, ..Column::default() };
    match s(row, 4).as_str() {
        "DEFAULT" => c.default = Some(expr),
        "MATERIALIZED" => c.generated = Some(Generated { expr, stored: true }),
        "ALIAS" => c.generated = Some(Generated { expr, stored: false }),
        _ => {}
    }
    c.comment = Some(s(row, 6)).filter(|c| !c.is_empty());
    c
}

/// The engine attributes of a table (`engine` as `system.tables` names it)
/// or of a materialized view's inner table (`engine` from `engine_full`).
pub(crate) fn engine_attrs(engine: Option<&str>, engine_full: &str) -> Vec<Attr> {
    let mut attrs = Vec::new();
    let def = parse_engine(engine_full);
    let name = engine.map(str::to_string).or_else(|| def.as_ref().map(|d| d.name.clone()));
    if let Some(name) = name.filter(|n| !n.is_empty()) {
        attrs.push(ATTRS.attr("engine", name));
    }
    if let Some(def) = def {
        if let Some(args) = def.args {
            attrs.push(ATTRS.attr("engine_args", args));
        }
        for (name, text) in def.clauses {
            if ENGINE_ATTRS.contains(&name) {
                attrs.push(ATTRS.attr(name, text));
            }
        }
    }
    sorted_attrs(&attrs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn engines_become_attributes() {
        let attrs = engine_attrs(
            Some("ReplacingMergeTree"),
            "ReplacingMergeTree(seq) PARTITION BY toYYYYMM(d) ORDER BY (id, x) SETTINGS index_granularity = 8192",
        );
        assert_eq!(ATTRS.get_str(&attrs, "engine"), Some("ReplacingMergeTree"));
        assert_eq!(ATTRS.get_str(&attrs, "engine_args"), Some("seq"));
        assert_eq!(ATTRS.get_str(&attrs, "partition_by"), Some("toYYYYMM(d)"));
        assert_eq!(ATTRS.get_str(&attrs, "order_by"), Some("(id, x)"));
        assert_eq!(ATTRS.get_str(&attrs, "settings"), Some("index_granularity = 8192"));
        assert_eq!(ATTRS.get_str(&attrs, "primary_key"), None);
        let attrs = engine_attrs(None, "SummingMergeTree ORDER BY id");
        assert_eq!(ATTRS.get_str(&attrs, "engine"), Some("SummingMergeTree"));
        assert_eq!(engine_attrs(Some("Memory"), "Memory"), vec![ATTRS.attr("engine", "Memory")]);
    }

    #[test]
    fn columns_read_their_kind() {
        let row = |kind: &str| -> Row {
            ["d", "t", "c", "Nullable(String)", kind, "x", ""].iter().map(|v| Some((*v).to_string())).collect()
        };
        let c = column(&row("DEFAULT"));
        assert!(c.nullable && c.default.as_deref() == Some("x") && c.generated.is_none() && c.comment.is_none());
        assert_eq!(column(&row("MATERIALIZED")).generated, Some(Generated { expr: "x".into(), stored: true }));
        assert_eq!(column(&row("ALIAS")).generated, Some(Generated { expr: "x".into(), stored: false }));
    }
}
