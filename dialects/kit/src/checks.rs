//! Pre-migration checks in Atlas's shape: a query returning one true row when a
//! destructive or data-dependent statement cannot lose data or fail on the
//! data, `SELECT NOT EXISTS (SELECT 1 FROM <table> [WHERE <condition>]) AS <alias>`.
//!
//! Each builder takes the dialect's identifier quoting (`quote`), which quotes
//! the column and the alias alike (`` `is_empty` ``, `"is_empty"`), and the
//! table as the statement names it (`table_sql`, quoted and maybe qualified);
//! `table` and `column` are the plain names the reason quotes. A dialect that
//! cannot write that query brings its own shape ([`Checks`]); the conditions
//! and reasons stay these.

use strata_dialect_api::PreCheck;

/// A dialect's identifier quoting.
pub type Quote = fn(&str) -> String;

/// How a dialect asks that no row exists: the query over `rows` (the table as
/// the statement names it, then its `WHERE` clause if any) returning one
/// boolean column named `alias` (quoted already).
pub type NoRowQuery = fn(rows: &str, alias: &str) -> String;

/// Atlas's shape, `SELECT NOT EXISTS (SELECT 1 FROM <rows>) AS <alias>`.
pub fn not_exists(rows: &str, alias: &str) -> String {
    format!("SELECT NOT EXISTS (SELECT 1 FROM {rows}) AS {alias}")
}

/// A dialect's checks: the builders below with its quoting and its query
/// shape, for a dialect that cannot write [`not_exists`] (ClickHouse 18.16
/// has no `EXISTS`). The free functions are these with [`Checks::new`].
#[derive(Debug, Clone, Copy)]
pub struct Checks {
    /// Quotes the columns and the alias.
    pub quote: Quote,
    /// Writes the query.
    pub query: NoRowQuery,
}

impl Checks {
    /// Checks in Atlas's shape ([`not_exists`]).
    pub const fn new(quote: Quote) -> Checks {
        Checks { quote, query: not_exists }
    }

    /// See [`no_row`].
    pub fn no_row(self, table_sql: &str, condition: Option<&str>, alias: &str, reason: String) -> PreCheck {
        let filter = condition.map(|c| format!(" WHERE {c}")).unwrap_or_default();
        PreCheck { sql: (self.query)(&format!("{table_sql}{filter}"), &(self.quote)(alias)), reason }
    }

    /// See [`table_is_empty`].
    pub fn table_is_empty(self, table_sql: &str, table: &str) -> PreCheck {
        self.no_row(table_sql, None, "is_empty", format!("table {table:?} is empty"))
    }

    /// See [`table_is_empty_for`].
    pub fn table_is_empty_for(self, table_sql: &str, table: &str, column: &str) -> PreCheck {
        let reason = format!("table {table:?} is empty (new column {column:?} is NOT NULL without a default)");
        self.no_row(table_sql, None, "is_empty", reason)
    }

    /// See [`column_is_empty`].
    pub fn column_is_empty(self, table_sql: &str, table: &str, column: &str) -> PreCheck {
        let condition = format!("{} IS NOT NULL", (self.quote)(column));
        self.no_row(table_sql, Some(&condition), "is_empty", format!("column {column:?} of table {table:?} is empty"))
    }

    /// See [`column_has_no_nulls`].
    pub fn column_has_no_nulls(self, table_sql: &str, table: &str, column: &str) -> PreCheck {
        let condition = format!("{} IS NULL", (self.quote)(column));
        let reason = format!("column {column:?} of table {table:?} holds no NULL");
        self.no_row(table_sql, Some(&condition), "no_nulls", reason)
    }

    /// See [`values_fit`].
    pub fn values_fit(self, table_sql: &str, table: &str, column: &str, ty: &str, lossy: &str) -> PreCheck {
        let condition = format!("{} IS NOT NULL AND {lossy}", (self.quote)(column));
        let reason = format!("every value of column {column:?} of table {table:?} fits {ty}");
        self.no_row(table_sql, Some(&condition), "fits", reason)
    }
}

/// The check that no row of `table_sql` matches `condition` (or that there is
/// no row at all), as column `alias`: the shape every builder here fills in,
/// for a dialect's own conditions too.
pub fn no_row(quote: Quote, table_sql: &str, condition: Option<&str>, alias: &str, reason: String) -> PreCheck {
    Checks::new(quote).no_row(table_sql, condition, alias, reason)
}

/// Dropping `table` loses nothing when it holds no row.
pub fn table_is_empty(quote: Quote, table_sql: &str, table: &str) -> PreCheck {
    Checks::new(quote).table_is_empty(table_sql, table)
}

/// Adding NOT NULL `column` without a default succeeds only on an empty table.
pub fn table_is_empty_for(quote: Quote, table_sql: &str, table: &str, column: &str) -> PreCheck {
    Checks::new(quote).table_is_empty_for(table_sql, table, column)
}

/// Dropping `column` loses nothing when it holds no non-NULL value.
pub fn column_is_empty(quote: Quote, table_sql: &str, table: &str, column: &str) -> PreCheck {
    Checks::new(quote).column_is_empty(table_sql, table, column)
}

/// Making `column` NOT NULL fails (or rewrites values) when a row holds NULL:
/// a default does not fill them in.
pub fn column_has_no_nulls(quote: Quote, table_sql: &str, table: &str, column: &str) -> PreCheck {
    Checks::new(quote).column_has_no_nulls(table_sql, table, column)
}

/// Changing the type of `column` to `ty` keeps every value when no non-NULL
/// value meets `lossy`, the dialect's condition for a value that would not fit.
pub fn values_fit(quote: Quote, table_sql: &str, table: &str, column: &str, ty: &str, lossy: &str) -> PreCheck {
    Checks::new(quote).values_fit(table_sql, table, column, ty, lossy)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn backticks(name: &str) -> String {
        format!("`{}`", name.replace('`', "``"))
    }

    fn double_quotes(name: &str) -> String {
        format!("\"{}\"", name.replace('"', "\"\""))
    }

    #[test]
    fn checks_have_atlas_shape() {
        let check = table_is_empty(backticks, "`logs`", "logs");
        assert_eq!(check.sql, "SELECT NOT EXISTS (SELECT 1 FROM `logs`) AS `is_empty`");
        assert_eq!(check.reason, "table \"logs\" is empty");
        assert_eq!(
            table_is_empty(double_quotes, "\"s\".\"logs\"", "logs").sql,
            "SELECT NOT EXISTS (SELECT 1 FROM \"s\".\"logs\") AS \"is_empty\""
        );
        let check = table_is_empty_for(backticks, "`t`", "t", "c");
        assert_eq!(check.sql, "SELECT NOT EXISTS (SELECT 1 FROM `t`) AS `is_empty`");
        assert_eq!(check.reason, "table \"t\" is empty (new column \"c\" is NOT NULL without a default)");
        assert_eq!(
            column_is_empty(backticks, "`t`", "t", "c").sql,
            "SELECT NOT EXISTS (SELECT 1 FROM `t` WHERE `c` IS NOT NULL) AS `is_empty`"
        );
        assert_eq!(
            column_has_no_nulls(double_quotes, "\"t\"", "t", "c").sql,
            "SELECT NOT EXISTS (SELECT 1 FROM \"t\" WHERE \"c\" IS NULL) AS \"no_nulls\""
        );
        let check = values_fit(backticks, "`t`", "t", "c", "varchar(3)", "CHAR_LENGTH(`c`) > 3");
        assert_eq!(
            check.sql,
            "SELECT NOT EXISTS (SELECT 1 FROM `t` WHERE `c` IS NOT NULL AND CHAR_LENGTH(`c`) > 3) AS `fits`"
        );
        assert_eq!(check.reason, "every value of column \"c\" of table \"t\" fits varchar(3)");
    }

    #[test]
    fn a_dialect_brings_its_own_query() {
        let checks = Checks {
            quote: backticks,
            query: |rows, alias| format!("SELECT count() = 0 AS {alias} FROM (SELECT 1 FROM {rows} LIMIT 1)"),
        };
        let check = checks.column_is_empty("`t`", "t", "c");
        assert_eq!(
            check.sql,
            "SELECT count() = 0 AS `is_empty` FROM (SELECT 1 FROM `t` WHERE `c` IS NOT NULL LIMIT 1)"
        );
        assert_eq!(check.reason, column_is_empty(backticks, "`t`", "t", "c").reason);
    }
}
