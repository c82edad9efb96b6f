//! Inspection: the `main` schema of the connected database, read from DuckDB's
//! catalog functions in five queries whatever the number of tables.

use crate::conn::DuckConn;
use crate::sql::{Kind, Tok, tokens, unquote};
use std::collections::BTreeMap;
use strata_dialect_api::{
    Attr, Check, Column, ForeignKey, Index, IndexPart, InspectOptions, PluginError, PrimaryKey, Realm, Schema, Table,
    View,
};

/// The only schema the plugin manages.
pub const SCHEMA: &str = "main";

/// The attribute marking an index that stands for a `UNIQUE` table constraint
/// (DuckDB lists those among constraints, not indexes, and names them itself).
pub fn constraint_attr() -> Attr {
    Attr::Other { dialect: "duckdb".into(), name: "constraint".into(), value: "unique".into() }
}

/// True when `index` stands for a `UNIQUE` table constraint.
pub fn is_constraint(index: &Index) -> bool {
    index
        .attrs
        .iter()
        .any(|a| matches!(a, Attr::Other { dialect, name, .. } if dialect == "duckdb" && name == "constraint"))
}

/// The attribute listing the tables whose foreign keys reference a table:
/// DuckDB refuses most ALTERs of such a table, and the planner must know it.
pub fn referenced_by_attr(tables: Vec<String>) -> Attr {
    Attr::Other { dialect: "duckdb".into(), name: "referenced_by".into(), value: tables.into() }
}

/// The tables referencing `table` by foreign key (from its attribute).
pub fn referenced_by(table: &Table) -> Vec<String> {
    table
        .attrs
        .iter()
        .find_map(|a| match a {
            Attr::Other { dialect, name, value } if dialect == "duckdb" && name == "referenced_by" => {
                value.as_array().map(|v| v.iter().filter_map(|s| s.as_str().map(String::from)).collect())
            }
            _ => None,
        })
        .unwrap_or_default()
}

/// Separates list items in catalog queries (a unit separator: never in a name).
const SEP: char = '\u{1f}';

const FILTER: &str = "database_name = current_database() AND schema_name = 'main'";

/// Inspects `main`.
///
/// # Errors
/// When a catalog query fails.
pub fn inspect(conn: &mut DuckConn, options: &InspectOptions) -> Result<Realm, PluginError> {
    if !options.schemas.is_empty() && !options.schemas.iter().any(|s| s == SCHEMA) {
        return Ok(Realm::default());
    }
    let skip = |name: &str| options.exclude_tables.iter().any(|t| t == name);
    let mut tables: BTreeMap<String, Table> = BTreeMap::new();
    let sql = format!(
        "SELECT table_name FROM duckdb_tables() WHERE {FILTER} AND NOT internal AND NOT temporary ORDER BY table_name"
    );
    for row in conn.rows(&sql)?.rows {
        let name = cell(&row, 0);
        if !skip(&name) {
            tables.insert(name.clone(), Table { name, ..Table::default() });
        }
    }

    let sql = format!(
        "SELECT table_name, column_name, data_type, is_nullable::VARCHAR, column_default FROM duckdb_columns() \
         WHERE {FILTER} AND NOT internal ORDER BY table_name, column_index"
    );
    for row in conn.rows(&sql)?.rows {
        // View columns come too: only tables' are kept.
        let Some(table) = tables.get_mut(&cell(&row, 0)) else { continue };
        table.columns.push(Column {
            name: cell(&row, 1),
            ty: cell(&row, 2),
            nullable: cell(&row, 3) == "true",
            default: row.get(4).cloned().flatten(),
            ..Column::default()
        });
    }

    let sql = format!(
        "SELECT table_name, constraint_type, constraint_name, expression, \
         array_to_string(constraint_column_names, chr(31)), referenced_table, \
         array_to_string(referenced_column_names, chr(31)) FROM duckdb_constraints() \
         WHERE {FILTER} ORDER BY table_name, constraint_index"
    );
    let mut referencing: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for row in conn.rows(&sql)?.rows {
        let Some(table) = tables.get_mut(&cell(&row, 0)) else { continue };
        let list = |i: usize| -> Vec<String> {
            let text = cell(&row, i);
            if text.is_empty() { Vec::new() } else { text.split(SEP).map(String::from).collect() }
        };
        match cell(&row, 1).as_str() {
            "PRIMARY KEY" => {
                let parts = list(4).into_iter().map(IndexPart::column).collect();
                table.primary_key = Some(PrimaryKey { name: None, parts, attrs: Vec::new() });
            }
            "UNIQUE" => table.indexes.push(Index {
                name: cell(&row, 2),
                unique: true,
                parts: list(4).into_iter().map(IndexPart::column).collect(),
                predicate: None,
                attrs: vec![constraint_attr()],
            }),
            "CHECK" => table.checks.push(Check { name: None, expr: cell(&row, 3), attrs: Vec::new() }),
            "FOREIGN KEY" => {
                let ref_table = cell(&row, 5);
                referencing.entry(ref_table.clone()).or_default().push(table.name.clone());
                table.foreign_keys.push(ForeignKey {
                    name: None,
                    columns: list(4),
                    ref_schema: None,
                    ref_table,
                    ref_columns: list(6),
                    ..ForeignKey::default()
                });
            }
            // NOT NULL is the column's `nullable`.
            _ => {}
        }
    }
    for (parent, mut children) in referencing {
        if let Some(table) = tables.get_mut(&parent) {
            children.dedup();
            table.attrs.push(referenced_by_attr(children));
        }
    }

    let sql = format!("SELECT table_name, index_name, is_unique::VARCHAR, sql FROM duckdb_indexes() WHERE {FILTER}");
    for row in conn.rows(&sql)?.rows {
        let Some(table) = tables.get_mut(&cell(&row, 0)) else { continue };
        table.indexes.push(Index {
            name: cell(&row, 1),
            unique: cell(&row, 2) == "true",
            parts: index_parts(&cell(&row, 3)),
            predicate: None,
            attrs: Vec::new(),
        });
    }
    for table in tables.values_mut() {
        table.indexes.sort_by(|a, b| a.name.cmp(&b.name));
    }

    let sql = format!(
        "SELECT view_name, sql FROM duckdb_views() WHERE {FILTER} AND NOT internal AND NOT temporary ORDER BY view_name"
    );
    let views = conn
        .rows(&sql)?
        .rows
        .iter()
        .map(|row| View {
            name: cell(row, 0),
            def: cell(row, 1).trim_end().trim_end_matches(';').to_string(),
            attrs: Vec::new(),
        })
        .collect();

    let schema = Schema { name: SCHEMA.into(), tables: tables.into_values().collect(), views, ..Schema::default() };
    Ok(Realm { schemas: vec![schema] })
}

fn cell(row: &[Option<String>], i: usize) -> String {
    row.get(i).cloned().flatten().unwrap_or_default()
}

/// The parts of `CREATE [UNIQUE] INDEX name ON table(part, ...)` as DuckDB
/// prints it: a bare or quoted name is a column; anything else an expression,
/// kept as printed (DuckDB prints it back the same way).
pub fn index_parts(sql: &str) -> Vec<IndexPart> {
    let toks: Vec<Tok> = tokens(sql).into_iter().filter(|t| t.kind != Kind::Space).collect();
    // The list follows the first "(" after ON.
    let Some(on) = toks.iter().position(|t| t.is_word(sql, "on")) else { return Vec::new() };
    let Some(open) = toks.iter().skip(on).position(|t| t.kind == Kind::Punct('(')).map(|p| p + on) else {
        return Vec::new();
    };
    let mut parts = Vec::new();
    let mut depth = 0usize;
    let mut current: Vec<Tok> = Vec::new();
    for tok in toks.iter().skip(open + 1) {
        match tok.kind {
            Kind::Punct('(') => depth += 1,
            Kind::Punct(')') if depth == 0 => {
                parts.push(part(sql, &current));
                break;
            }
            Kind::Punct(')') => depth -= 1,
            Kind::Punct(',') if depth == 0 => {
                parts.push(part(sql, &current));
                current.clear();
                continue;
            }
            _ => {}
        }
        current.push(*tok);
    }
    parts
}

fn part(sql: &str, toks: &[Tok]) -> IndexPart {
    let last_is = |w: &str| toks.last().is_some_and(|t| t.is_word(sql, w));
    let desc = last_is("desc");
    let body = if desc || last_is("asc") { &toks[..toks.len() - 1] } else { toks };
    match body {
        [t] if t.kind == Kind::Word => {
            IndexPart { column: Some(t.text(sql).to_string()), desc, ..IndexPart::default() }
        }
        [t] if t.kind == Kind::Quoted => IndexPart { column: Some(unquote(t.text(sql))), desc, ..IndexPart::default() },
        _ => match (body.first(), body.last()) {
            (Some(first), Some(last)) => IndexPart {
                expr: Some(sql.get(first.start..last.end).unwrap_or_default().to_string()),
                desc,
                ..IndexPart::default()
            },
            _ => IndexPart::default(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn index_parts_from_duckdb_sql() {
        let parts = index_parts(r#"CREATE INDEX q2 ON q(((a + 1)), "we,ird", (lower(b)), b);"#);
        assert_eq!(parts.len(), 4);
        assert_eq!(parts[0].expr.as_deref(), Some("((a + 1))"));
        assert_eq!(parts[1].column.as_deref(), Some("we,ird"));
        assert_eq!(parts[2].expr.as_deref(), Some("(lower(b))"));
        assert_eq!(parts[3].column.as_deref(), Some("b"));
        let parts = index_parts(r#"CREATE UNIQUE INDEX "i(x" ON "t(" ("name", id);"#);
        assert_eq!(parts.iter().map(|p| p.column.clone().unwrap()).collect::<Vec<_>>(), ["name", "id"]);
    }
}
