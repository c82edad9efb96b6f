//! Pre-migration checks for destructive or data-dependent MySQL statements:
//! queries returning one true row when the statement cannot lose data or fail
//! on the data (Atlas's shape, `SELECT NOT EXISTS (…) AS `is_empty``).

use crate::types::{lossy_condition, quote};
use strata_dialect_api::PreCheck;

/// Dropping `table` loses nothing when it holds no row.
pub(crate) fn table_is_empty(table_sql: &str, table: &str) -> PreCheck {
    PreCheck {
        sql: format!("SELECT NOT EXISTS (SELECT 1 FROM {table_sql}) AS `is_empty`"),
        reason: format!("table {table:?} is empty"),
    }
}

/// Dropping `column` loses nothing when it holds no non-NULL value.
pub(crate) fn column_is_empty(table_sql: &str, table: &str, column: &str) -> PreCheck {
    PreCheck {
        sql: format!("SELECT NOT EXISTS (SELECT 1 FROM {table_sql} WHERE {} IS NOT NULL) AS `is_empty`", quote(column)),
        reason: format!("column {column:?} of table {table:?} is empty"),
    }
}

/// Making `column` NOT NULL fails (strict mode) or rewrites values when a row holds NULL.
pub(crate) fn column_has_no_nulls(table_sql: &str, table: &str, column: &str) -> PreCheck {
    PreCheck {
        sql: format!("SELECT NOT EXISTS (SELECT 1 FROM {table_sql} WHERE {} IS NULL) AS `no_nulls`", quote(column)),
        reason: format!("column {column:?} of table {table:?} holds no NULL"),
    }
}

/// A type change from `from` to `to` keeps every value; `None` when it widens.
pub(crate) fn values_fit(table_sql: &str, table: &str, column: &str, from: &str, to: &str) -> Option<PreCheck> {
    let c = quote(column);
    let condition = lossy_condition(&c, from, to)?;
    Some(PreCheck {
        sql: format!("SELECT NOT EXISTS (SELECT 1 FROM {table_sql} WHERE {c} IS NOT NULL AND {condition}) AS `fits`"),
        reason: format!("every value of column {column:?} of table {table:?} fits {to}"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checks_have_atlas_shape() {
        assert_eq!(table_is_empty("`logs`", "logs").sql, "SELECT NOT EXISTS (SELECT 1 FROM `logs`) AS `is_empty`");
        assert_eq!(
            values_fit("`t`", "t", "c", "varchar(20)", "varchar(3)").map(|c| c.sql).as_deref(),
            Some("SELECT NOT EXISTS (SELECT 1 FROM `t` WHERE `c` IS NOT NULL AND CHAR_LENGTH(`c`) > 3) AS `fits`")
        );
        assert_eq!(values_fit("`t`", "t", "c", "int", "bigint"), None);
    }
}
