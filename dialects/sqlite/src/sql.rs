//! SQLite's side of SQL text: the shared tokenizer with SQLite's lexical rules,
//! and comparisons that treat identifiers case-insensitively.

pub(crate) use strata_dialect_kit::sql::{Kind, Token, matching_paren, split_commas, text};

/// Tokens of SQLite text.
pub(crate) fn tokenize(sql: &str) -> Vec<Token> {
    strata_dialect_kit::sql::tokenize(sql, &strata_dialect_kit::sql::SQLITE)
}

/// A layout-independent form of a SQL fragment for comparisons: tokens joined by
/// one space, bare words upper-cased, quoted identifiers unquoted (SQLite
/// identifiers are case-insensitive), enclosing parentheses and a trailing `;` removed.
pub(crate) fn normalize(sql: &str) -> String {
    let tokens = tokenize(sql);
    let mut tokens: &[Token] = &tokens;
    while tokens.last().is_some_and(|t| t.is_punct(";")) {
        tokens = &tokens[..tokens.len() - 1];
    }
    while tokens.len() >= 2 && tokens[0].is_punct("(") && matching_paren(tokens, 0) == Some(tokens.len() - 1) {
        tokens = &tokens[1..tokens.len() - 1];
    }
    let words: Vec<String> = tokens
        .iter()
        .map(|t| match t.kind {
            Kind::Word | Kind::Quoted => t.value.to_uppercase(),
            _ => t.value.clone(),
        })
        .collect();
    words.join(" ")
}

/// True when `sql` mentions the identifier `name` (quoted or not).
pub(crate) fn mentions(sql: &str, name: &str) -> bool {
    tokenize(sql).iter().any(|t| t.is_name() && t.value.eq_ignore_ascii_case(name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalize_ignores_layout_case_and_quoting() {
        assert_eq!(
            normalize("select  a,\n b from `t` where x = 'A b';"),
            normalize("SELECT a , b FROM \"T\" WHERE x='A b'")
        );
        assert_ne!(normalize("select 'a'"), normalize("select 'A'"));
        assert_eq!(normalize("((a > 0))"), "A > 0");
        assert_eq!(normalize("(a) + (b)"), "( A ) + ( B )");
    }

    #[test]
    fn tokenize_handles_quotes_and_comments() {
        let t = tokenize("CREATE TABLE [a b] (\"x\"\"y\" int -- c\n, `z` /* k */ text)");
        let names: Vec<&str> = t.iter().filter(|t| t.kind == Kind::Quoted).map(|t| t.value.as_str()).collect();
        assert_eq!(names, ["a b", "x\"y", "z"]);
        assert!(mentions("SELECT * FROM `Users`", "users"));
        assert!(!mentions("SELECT 'users' FROM x", "users"));
    }
}
