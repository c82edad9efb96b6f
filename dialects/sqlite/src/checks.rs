//! Pre-migration checks for destructive SQLite statements: queries returning
//! one true-ish row when the statement cannot lose data (Atlas's shape,
//! `SELECT NOT EXISTS (…) AS `is_empty``).

use crate::types::quote;
use strata_dialect_api::PreCheck;

/// Dropping `table` loses nothing when it holds no row.
pub(crate) fn table_is_empty(table: &str) -> PreCheck {
    PreCheck {
        sql: format!("SELECT NOT EXISTS (SELECT 1 FROM {}) AS `is_empty`", quote(table)),
        reason: format!("table {table:?} is empty"),
    }
}

/// Dropping `column` loses nothing when it holds no non-NULL value.
pub(crate) fn column_is_empty(table: &str, column: &str) -> PreCheck {
    PreCheck {
        sql: format!(
            "SELECT NOT EXISTS (SELECT 1 FROM {} WHERE {} IS NOT NULL) AS `is_empty`",
            quote(table),
            quote(column)
        ),
        reason: format!("column {column:?} of table {table:?} is empty"),
    }
}

/// Making `column` NOT NULL (without a default to fill in) succeeds only when no row holds NULL.
pub(crate) fn column_has_no_nulls(table: &str, column: &str) -> PreCheck {
    PreCheck {
        sql: format!(
            "SELECT NOT EXISTS (SELECT 1 FROM {} WHERE {} IS NULL) AS `no_nulls`",
            quote(table),
            quote(column)
        ),
        reason: format!("column {column:?} of table {table:?} holds no NULL"),
    }
}

/// Adding a NOT NULL column without a default by a rebuild succeeds only on an empty table.
pub(crate) fn table_is_empty_for(table: &str, column: &str) -> PreCheck {
    PreCheck {
        reason: format!("table {table:?} is empty (new column {column:?} is NOT NULL without a default)"),
        ..table_is_empty(table)
    }
}

/// In a `STRICT` table a changed type must accept every stored value: each value
/// must survive a CAST to the new type unchanged (NULLs always do).
pub(crate) fn values_survive_cast(table: &str, column: &str, ty: &str) -> PreCheck {
    PreCheck {
        sql: format!(
            "SELECT NOT EXISTS (SELECT 1 FROM {t} WHERE {c} IS NOT NULL AND CAST({c} AS {ty}) IS NOT {c}) AS `castable`",
            t = quote(table),
            c = quote(column),
        ),
        reason: format!("every value of column {column:?} of table {table:?} converts to {ty}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checks_have_atlas_shape() {
        assert_eq!(table_is_empty("logs").sql, "SELECT NOT EXISTS (SELECT 1 FROM `logs`) AS `is_empty`");
        assert_eq!(table_is_empty("logs").reason, "table \"logs\" is empty");
        assert_eq!(
            column_is_empty("t", "c").sql,
            "SELECT NOT EXISTS (SELECT 1 FROM `t` WHERE `c` IS NOT NULL) AS `is_empty`"
        );
        assert_eq!(
            column_has_no_nulls("t", "c").sql,
            "SELECT NOT EXISTS (SELECT 1 FROM `t` WHERE `c` IS NULL) AS `no_nulls`"
        );
    }
}
