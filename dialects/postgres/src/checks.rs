//! PostgreSQL's own pre-migration checks and conditions; the shared
//! Atlas-shaped builders are `strata_dialect_kit::checks`.

use crate::types::{conversion, int_range, is_integer, literal, quote, without_modifier};
use strata_dialect_api::PreCheck;
use strata_dialect_kit::checks::no_row;

/// A condition on `c` (quoted column) true for a value that would not survive
/// a narrowing type change from `from` to `ty`: integers leave the range;
/// integers turned boolean are not 0 or 1; a type with a length or precision
/// does not keep the value it has without that limit (an explicit cast to
/// `varchar(n)` truncates and one to `numeric(p,s)` rounds, which the
/// comparison catches); any other type must take every value through the
/// conversion the plan uses (the check query fails when one does not convert).
pub(crate) fn lossy_condition(c: &str, from: &str, ty: &str) -> String {
    match (int_range(ty), without_modifier(ty)) {
        (Some((min, max)), _) if is_integer(from) => format!("{c} NOT BETWEEN {min} AND {max}"),
        _ if ty == "boolean" && is_integer(from) => format!("{c} NOT IN (0, 1)"),
        (None, Some(base)) => format!("{c}::{base} <> {c}::{ty}"),
        _ => format!("({}) IS NULL", conversion(c, from, ty)),
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
    let reason = format!("no row of column {column:?} of table {table:?} holds {list}");
    no_row(quote, table_sql, Some(&condition), "is_unused", reason)
}

#[cfg(test)]
mod tests {
    use super::*;
    use strata_dialect_kit::checks::values_fit;

    #[test]
    fn checks_have_atlas_shape() {
        let fits = |from: &str, ty: &str| values_fit(quote, "\"t\"", "t", "c", ty, &lossy_condition("\"c\"", from, ty));
        assert_eq!(
            fits("text", "character varying(3)").sql,
            "SELECT NOT EXISTS (SELECT 1 FROM \"t\" WHERE \"c\" IS NOT NULL AND \
             \"c\"::character varying <> \"c\"::character varying(3)) AS \"fits\""
        );
        assert!(fits("bigint", "integer").sql.contains("\"c\" NOT BETWEEN -2147483648 AND 2147483647"));
        assert!(fits("boolean", "integer").sql.contains("(\"c\"::integer) IS NULL"));
        assert!(fits("bigint", "boolean").sql.contains("\"c\" NOT IN (0, 1)"));
        let values = ["a".to_string(), "b".to_string()];
        assert_eq!(
            enum_values_unused("\"t\"", "t", "c", false, &[&values[0], &values[1]]).sql,
            "SELECT NOT EXISTS (SELECT 1 FROM \"t\" WHERE \"c\"::text IN ('a', 'b')) AS \"is_unused\""
        );
    }
}
