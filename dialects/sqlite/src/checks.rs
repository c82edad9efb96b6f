//! SQLite's own pre-migration check; the shared Atlas-shaped builders are
//! `strata_dialect_kit::checks`.

use crate::types::quote;
use strata_dialect_api::PreCheck;
use strata_dialect_kit::checks::no_row;

/// In a `STRICT` table a changed type must accept every stored value: each value
/// must survive a CAST to the new type unchanged (NULLs always do).
pub(crate) fn values_survive_cast(table: &str, column: &str, ty: &str) -> PreCheck {
    let c = quote(column);
    let condition = format!("{c} IS NOT NULL AND CAST({c} AS {ty}) IS NOT {c}");
    let reason = format!("every value of column {column:?} of table {table:?} converts to {ty}");
    no_row(quote, &quote(table), Some(&condition), "castable", reason)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checks_have_atlas_shape() {
        assert_eq!(
            values_survive_cast("t", "c", "integer").sql,
            "SELECT NOT EXISTS (SELECT 1 FROM `t` WHERE `c` IS NOT NULL AND CAST(`c` AS integer) IS NOT `c`) AS `castable`"
        );
    }
}
