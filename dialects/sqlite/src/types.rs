//! Identifier quoting and type normalization.

/// Quotes an identifier with backticks, as Atlas writes SQLite DDL.
pub fn quote(name: &str) -> String {
    format!("`{}`", name.replace('`', "``"))
}
