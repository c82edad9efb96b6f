//! What the analyzers share: which tables, columns and indexes the units
//! created themselves (their changes cannot hurt rows or readers that do not
//! exist yet), the table a change touches, and identifier quoting for fixes.

use strata_dialect_api::{Change, TableChange};

use crate::Unit;

/// Tables, columns and indexes created earlier in the units, fed one change
/// at a time in order.
#[derive(Debug, Default)]
pub(crate) struct Scope {
    /// (schema, table, filled): `filled` once a data statement names it, so
    /// it may hold rows although it is new.
    tables: Vec<(String, String, bool)>,
    /// (schema, table, column) added to an existing table.
    columns: Vec<(String, String, String)>,
    /// (schema, table, index) added to an existing table.
    indexes: Vec<(String, String, String)>,
}

impl Scope {
    /// Records what `unit` creates. Call it before looking at the unit's
    /// changes, so a table created and altered by the same statement counts.
    pub(crate) fn see_unit(&mut self, unit: &Unit) {
        if unit.data {
            // A data statement may fill a table created earlier; only its
            // text tells which one.
            for t in &mut self.tables {
                if mentions(&unit.sql, &t.1) {
                    t.2 = true;
                }
            }
        }
        for change in &unit.changes {
            self.see(change);
        }
    }

    /// Records one change.
    pub(crate) fn see(&mut self, change: &Change) {
        match change {
            Change::AddTable { schema, table } => {
                self.tables.retain(|t| !(t.0 == *schema && t.1 == table.name));
                self.tables.push((schema.clone(), table.name.clone(), false));
            }
            Change::RenameTable { schema, from, to } => {
                // A new table keeps being new under its new name.
                for t in &mut self.tables {
                    if t.0 == *schema && t.1 == *from {
                        t.1.clone_from(to);
                    }
                }
            }
            Change::ModifyTable { schema, to, changes, .. } => {
                for c in changes {
                    match c {
                        TableChange::AddColumn { column } => {
                            self.columns.push((schema.clone(), to.name.clone(), column.name.clone()));
                        }
                        TableChange::AddIndex { index } => {
                            self.indexes.push((schema.clone(), to.name.clone(), index.name.clone()));
                        }
                        _ => {}
                    }
                }
            }
            _ => {}
        }
    }

    /// The table was created earlier in the units: nobody else uses it yet,
    /// so locking it harms no one.
    pub(crate) fn is_new(&self, schema: &str, table: &str) -> bool {
        self.tables.iter().any(|t| t.0 == schema && t.1 == table)
    }

    /// The table was created earlier in the units and no data statement has
    /// named it since: it holds no rows.
    pub(crate) fn is_empty(&self, schema: &str, table: &str) -> bool {
        self.tables.iter().any(|t| t.0 == schema && t.1 == table && !t.2)
    }

    /// The column was added earlier in the units (or its table is new).
    pub(crate) fn column_is_new(&self, schema: &str, table: &str, column: &str) -> bool {
        self.is_empty(schema, table) || self.columns.iter().any(|c| c.0 == schema && c.1 == table && c.2 == column)
    }

    /// The index was added earlier in the units (or its table is new).
    pub(crate) fn index_is_new(&self, schema: &str, table: &str, index: &str) -> bool {
        self.is_empty(schema, table) || self.indexes.iter().any(|c| c.0 == schema && c.1 == table && c.2 == index)
    }
}

/// The (schema, table) a change is about, for table changes.
pub(crate) fn table_of(change: &Change) -> Option<(&str, &str)> {
    match change {
        Change::AddTable { schema, table } | Change::DropTable { schema, table } => Some((schema, &table.name)),
        Change::RenameTable { schema, from, .. } => Some((schema, from)),
        Change::ModifyTable { schema, to, .. } => Some((schema, &to.name)),
        _ => None,
    }
}

/// The names of the tables a unit's changes touch, each once; empty when
/// they name none.
pub(crate) fn table_names(unit: &Unit) -> Vec<&str> {
    let mut names: Vec<&str> = Vec::new();
    for (_, t) in unit.changes.iter().filter_map(table_of) {
        if !names.contains(&t) {
            names.push(t);
        }
    }
    names
}

/// `sql` names the identifier `name` (case-insensitive, as a whole word,
/// quoted or not).
pub(crate) fn mentions(sql: &str, name: &str) -> bool {
    if name.is_empty() {
        return false;
    }
    let sql = sql.to_lowercase();
    let name = name.to_lowercase();
    let ident = |c: char| c.is_alphanumeric() || c == '_' || c == '$';
    sql.match_indices(&name).any(|(at, _)| {
        let before = sql[..at].chars().next_back();
        let after = sql[at + name.len()..].chars().next();
        !before.is_some_and(ident) && !after.is_some_and(ident)
    })
}

/// Collapses whitespace and lowercases, so SQL keywords can be searched.
pub(crate) fn normalized(sql: &str) -> String {
    sql.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()
}

/// The dialect is PostgreSQL.
pub(crate) fn is_postgres(dialect: &str) -> bool {
    matches!(dialect, "postgres" | "postgresql")
}

/// The dialect is MySQL or MariaDB.
pub(crate) fn is_mysql(dialect: &str) -> bool {
    matches!(dialect, "mysql" | "mariadb")
}

/// An identifier quoted for `dialect`, for the SQL of a suggested fix.
pub(crate) fn quote(dialect: &str, name: &str) -> String {
    if is_mysql(dialect) || dialect == "clickhouse" {
        format!("`{}`", name.replace('`', "``"))
    } else {
        format!("\"{}\"", name.replace('"', "\"\""))
    }
}

/// `"a", "b"` for a message.
pub(crate) fn quoted_list(names: &[&str]) -> String {
    names.iter().map(|n| format!("{n:?}")).collect::<Vec<_>>().join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use strata_dialect_api::Table;

    #[test]
    fn mentions_whole_words_only() {
        assert!(mentions("INSERT INTO \"Users\" VALUES (1)", "users"));
        assert!(mentions("update users set a = 1", "users"));
        assert!(!mentions("update users_old set a = 1", "users"));
        assert!(!mentions("update x set a = 1", ""));
    }

    #[test]
    fn new_tables_follow_renames_and_fill_up() {
        let mut scope = Scope::default();
        let add = Change::AddTable { schema: "s".into(), table: Table { name: "t".into(), ..Table::default() } };
        scope.see_unit(&Unit { changes: vec![add], ..Unit::default() });
        assert!(scope.is_empty("s", "t"));
        scope.see(&Change::RenameTable { schema: "s".into(), from: "t".into(), to: "u".into() });
        assert!(scope.is_new("s", "u") && !scope.is_new("s", "t"));
        scope.see_unit(&Unit { sql: "INSERT INTO u SELECT 1".into(), data: true, ..Unit::default() });
        assert!(scope.is_new("s", "u") && !scope.is_empty("s", "u"));
    }
}
