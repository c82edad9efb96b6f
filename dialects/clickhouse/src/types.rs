//! Quoting, literals and the ClickHouse column types as the planner and the
//! inspection read them. Types are kept verbatim as the server prints them
//! (`Nullable(String)`, `Decimal(10, 2)`, `DateTime('UTC')`): the server
//! already writes one spelling per type.

/// Quotes an identifier with backticks; a backtick or backslash inside is
/// escaped with a backslash, as ClickHouse's lexer reads quoted names.
pub fn quote(name: &str) -> String {
    format!("`{}`", name.replace('\\', "\\\\").replace('`', "\\`"))
}

/// A string literal: backslashes and single quotes escaped with a backslash.
pub fn literal(value: &str) -> String {
    format!("'{}'", value.replace('\\', "\\\\").replace('\'', "\\'"))
}

/// A string literal of arbitrary bytes: printable ASCII as itself, the rest
/// as `\xHH` escapes.
pub(crate) fn bytes_literal(value: &[u8]) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('\'');
    for &b in value {
        match b {
            b'\\' => out.push_str("\\\\"),
            b'\'' => out.push_str("\\'"),
            0x20..=0x7e => out.push(char::from(b)),
            _ => out.push_str(&format!("\\x{b:02X}")),
        }
    }
    out.push('\'');
    out
}

/// `schema.name`, or `name` alone without a schema.
pub(crate) fn qualified(schema: Option<&str>, name: &str) -> String {
    match schema {
        Some(s) => format!("{}.{}", quote(s), quote(name)),
        None => quote(name),
    }
}

/// True for a type that holds NULL: `Nullable(T)`, also under `LowCardinality`.
pub(crate) fn is_nullable(ty: &str) -> bool {
    let ty = ty.trim();
    ty.starts_with("Nullable(") || ty.starts_with("LowCardinality(Nullable(")
}

/// The type to write for a column of the model: ClickHouse's own types are
/// written as they are; a column that allows NULL but whose type does not
/// say so (a model written for another database) is wrapped in `Nullable`.
pub(crate) fn column_type(ty: &str, nullable: bool) -> String {
    if nullable && !is_nullable(ty) { format!("Nullable({ty})") } else { ty.to_string() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting() {
        assert_eq!(quote("a`b\\c"), "`a\\`b\\\\c`");
        assert_eq!(literal("it's \\"), "'it\\'s \\\\'");
        assert_eq!(bytes_literal(b"a\x00'"), "'a\\x00\\''");
        assert_eq!(qualified(Some("d"), "t"), "`d`.`t`");
    }

    #[test]
    fn nullability() {
        assert!(is_nullable("Nullable(String)"));
        assert!(is_nullable("LowCardinality(Nullable(String))"));
        assert!(!is_nullable("Array(Nullable(String))"));
        assert_eq!(column_type("varchar(10)", true), "Nullable(varchar(10))");
        assert_eq!(column_type("Nullable(String)", true), "Nullable(String)");
        assert_eq!(column_type("String", false), "String");
    }
}
