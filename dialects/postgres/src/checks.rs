//! Pre-migration checks for destructive or data-dependent PostgreSQL statements:
//! queries returning one true row when the statement cannot lose data or fail
//! on the data (Atlas's shape, `SELECT NOT EXISTS (…) AS "is_empty"`).

use crate::types::{conversion, int_range, is_integer, literal, quote, without_modifier};
use strata_dialect_api::PreCheck;

/// Dropping `table` (rendered as `table_sql`) loses nothing when it holds no row.
pub(crate) fn table_is_empty(table_sql: &str, table: &str) -> PreCheck {
    PreCheck {
        sql: format!("SELECT NOT EXISTS (SELECT 1 FROM {table_sql}) AS \"is_empty\""),
        reason: format!("table {table:?} is empty"),
    }
}

/// Dropping `column` loses nothing when it holds no non-NULL value.
pub(crate) fn column_is_empty(table_sql: &str, table: &str, column: &str) -> PreCheck {
    PreCheck {
        sql: format!(
            "SELECT NOT EXISTS (SELECT 1 FROM {table_sql} WHERE {} IS NOT NULL) AS \"is_empty\"",
            quote(column)
        ),
        reason: format!("column {column:?} of table {table:?} is empty"),
    }
}

/// `SET NOT NULL` succeeds only when no row holds NULL (a default does not fill them in).
pub(crate) fn column_has_no_nulls(table_sql: &str, table: &str, column: &str) -> PreCheck {
    PreCheck {
        sql: format!("SELECT NOT EXISTS (SELECT 1 FROM {table_sql} WHERE {} IS NULL) AS \"no_nulls\"", quote(column)),
        reason: format!("column {column:?} of table {table:?} holds no NULL"),
    }
}

/// Adding a NOT NULL column without a default succeeds only on an empty table.
pub(crate) fn table_is_empty_for(table_sql: &str, table: &str, column: &str) -> PreCheck {
    PreCheck {
        reason: format!("table {table:?} is empty (new column {column:?} is NOT NULL without a default)"),
        ..table_is_empty(table_sql, table)
    }
}

/// A narrowing type change from `from` to `ty` keeps every value: integers stay
/// in range; integers turned boolean are 0 or 1; a type with a length or
/// precision keeps the value it has without that limit (an explicit cast to
/// `varchar(n)` truncates and one to `numeric(p,s)` rounds, which the
/// comparison catches); any other type must take every value through the
/// conversion the plan uses (the check query fails when one does not convert).
pub(crate) fn values_fit(table_sql: &str, table: &str, column: &str, from: &str, ty: &str) -> PreCheck {
    let c = quote(column);
    let condition = match (int_range(ty), without_modifier(ty)) {
        (Some((min, max)), _) if is_integer(from) => format!("{c} NOT BETWEEN {min} AND {max}"),
        _ if ty == "boolean" && is_integer(from) => format!("{c} NOT IN (0, 1)"),
        (None, Some(base)) => format!("{c}::{base} <> {c}::{ty}"),
        _ => format!("({}) IS NULL", conversion(&c, from, ty)),
    };
    PreCheck {
        sql: format!("SELECT NOT EXISTS (SELECT 1 FROM {table_sql} WHERE {c} IS NOT NULL AND {condition}) AS \"fits\""),
        reason: format!("every value of column {column:?} of table {table:?} fits {ty}"),
    }
}

/// Rebuilding an enum type without some labels keeps every value when no row
/// of a column of that type holds one of them.
pub(crate) fn enum_values_unused(
    table_sql: &str,
    table: &str,
    column: &str,
    array: bool,
    values: &[&String],
) -> PreCheck {
    let c = quote(column);
    let list = values.iter().map(|v| literal(v)).collect::<Vec<_>>().join(", ");
    let condition =
        if array { format!("{c}::text[] && ARRAY[{list}]::text[]") } else { format!("{c}::text IN ({list})") };
    PreCheck {
        sql: format!("SELECT NOT EXISTS (SELECT 1 FROM {table_sql} WHERE {condition}) AS \"is_unused\""),
        reason: format!("no row of column {column:?} of table {table:?} holds {list}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checks_have_atlas_shape() {
        assert_eq!(
            table_is_empty("\"logs\"", "logs").sql,
            "SELECT NOT EXISTS (SELECT 1 FROM \"logs\") AS \"is_empty\""
        );
        assert_eq!(table_is_empty("\"logs\"", "logs").reason, "table \"logs\" is empty");
        assert_eq!(
            values_fit("\"t\"", "t", "c", "text", "character varying(3)").sql,
            "SELECT NOT EXISTS (SELECT 1 FROM \"t\" WHERE \"c\" IS NOT NULL AND \
             \"c\"::character varying <> \"c\"::character varying(3)) AS \"fits\""
        );
        assert!(
            values_fit("\"t\"", "t", "c", "bigint", "integer")
                .sql
                .contains("\"c\" NOT BETWEEN -2147483648 AND 2147483647")
        );
        assert!(values_fit("\"t\"", "t", "c", "boolean", "integer").sql.contains("(\"c\"::integer) IS NULL"));
        assert!(values_fit("\"t\"", "t", "c", "bigint", "boolean").sql.contains("\"c\" NOT IN (0, 1)"));
    }
}
