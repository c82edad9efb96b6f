//! Identifier quoting and type normalization.

use crate::sql::{self, Kind};

/// Quotes an identifier with backticks, as Atlas writes SQLite DDL.
pub fn quote(name: &str) -> String {
    format!("`{}`", name.replace('`', "``"))
}

/// The declared type as the model keeps it: lower-case, single spaces, no space
/// around parentheses or commas (`VARCHAR ( 255 )` → `varchar(255)`).
pub(crate) fn normalize_type(declared: &str) -> String {
    let mut out = String::new();
    for token in sql::tokenize(declared) {
        let piece = token.value.to_lowercase();
        let glue = token.is_punct("(") || token.is_punct(")") || token.is_punct(",");
        let after_glue = out.ends_with('(') || out.ends_with(',');
        if !out.is_empty() && !glue && !after_glue {
            out.push(' ');
        }
        out.push_str(&piece);
    }
    out
}

/// True when `expr` is a literal SQLite accepts as `DEFAULT x` without
/// parentheses and as an `ADD COLUMN` default: numbers, strings, blobs, NULL,
/// TRUE and FALSE. `CURRENT_TIMESTAMP` and friends are not: ADD COLUMN rejects them.
pub(crate) fn is_literal(expr: &str) -> bool {
    let tokens = sql::tokenize(expr);
    match tokens.as_slice() {
        [t] => match t.kind {
            Kind::Num | Kind::Str => true,
            Kind::Word => ["NULL", "TRUE", "FALSE"].iter().any(|k| t.is(k)),
            _ => false,
        },
        [sign, n] => (sign.is_punct("-") || sign.is_punct("+")) && n.kind == Kind::Num,
        _ => false,
    }
}

/// True for the `CURRENT_*` keywords, which `DEFAULT` takes without parentheses.
fn is_current_keyword(expr: &str) -> bool {
    ["CURRENT_TIMESTAMP", "CURRENT_DATE", "CURRENT_TIME"].iter().any(|k| expr.trim().eq_ignore_ascii_case(k))
}

/// The `DEFAULT` clause operand: literals as they are, expressions in parentheses
/// (SQLite's pragma reports `DEFAULT (x)` as `x`, so the parentheses must come back).
pub(crate) fn render_default(expr: &str) -> String {
    let trimmed = expr.trim();
    let tokens = sql::tokenize(trimmed);
    let wrapped =
        !tokens.is_empty() && tokens[0].is_punct("(") && sql::matching_paren(&tokens, 0) == Some(tokens.len() - 1);
    if wrapped || is_literal(trimmed) || is_current_keyword(trimmed) {
        trimmed.to_string()
    } else {
        format!("({trimmed})")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_are_lowercased_without_inner_spaces() {
        assert_eq!(normalize_type("VARCHAR ( 255 )"), "varchar(255)");
        assert_eq!(normalize_type("Decimal(10, 2)"), "decimal(10,2)");
        assert_eq!(normalize_type("UNSIGNED  BIG INT"), "unsigned big int");
        assert_eq!(normalize_type(""), "");
    }

    #[test]
    fn defaults_keep_literals_and_wrap_expressions() {
        assert_eq!(render_default("'a'"), "'a'");
        assert_eq!(render_default("-1.5"), "-1.5");
        assert_eq!(render_default("CURRENT_TIMESTAMP"), "CURRENT_TIMESTAMP");
        assert_eq!(render_default("datetime('now')"), "(datetime('now'))");
        assert_eq!(render_default("(1 + 2)"), "(1 + 2)");
        assert!(is_literal("NULL") && !is_literal("CURRENT_TIME") && !is_literal("1 + 2"));
    }

    #[test]
    fn quote_escapes_backticks() {
        assert_eq!(quote("a`b"), "`a``b`");
    }
}
