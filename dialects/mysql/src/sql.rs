//! Reading SQL fragments the catalog prints (view bodies, check clauses,
//! expressions) with the shared tokenizer and MySQL's lexical rules.

use strata_dialect_kit::sql::{Kind, MYSQL, Token, tokenize};

/// Tokens of `sql` under MySQL's rules.
pub(crate) fn tokens(sql: &str) -> Vec<Token> {
    tokenize(sql, &MYSQL)
}

/// `sql` without `` `schema`. `` qualifiers naming `schema`: MariaDB and MySQL
/// print view bodies with every name qualified by the view's own database,
/// which would make a view differ between two databases.
pub(crate) fn strip_schema(sql: &str, schema: &str) -> String {
    strata_dialect_kit::sql::strip_schema(sql, schema, &MYSQL)
}

/// A layout-free form of a fragment for comparison: tokens joined by single
/// spaces, keywords and identifiers lowercased (MySQL compares column names
/// case-insensitively), quoting of identifiers removed.
pub(crate) fn normalize(sql: &str) -> String {
    tokens(sql)
        .iter()
        .map(|t| match t.kind {
            Kind::Word | Kind::Quoted => t.value.to_lowercase(),
            _ => t.value.clone(),
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// `normalize`, with one pair of parentheses around the whole removed.
pub(crate) fn normalize_expr(sql: &str) -> String {
    let n = normalize(sql);
    let toks = tokens(sql);
    if toks.len() >= 2
        && toks[0].is_punct("(")
        && strata_dialect_kit::sql::matching_paren(&toks, 0) == Some(toks.len() - 1)
    {
        return normalize(&sql[toks[0].end..toks[toks.len() - 1].start]);
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn view_bodies_lose_their_own_schema() {
        assert_eq!(
            strip_schema("select `db`.`t`.`id` AS `id` from `db`.`t` where `db`.`t`.`a` > 1", "db"),
            "select `t`.`id` AS `id` from `t` where `t`.`a` > 1"
        );
        assert_eq!(strip_schema("select `x`.`db`.`c` from `other`.`t`", "db"), "select `x`.`db`.`c` from `other`.`t`");
        assert_eq!(normalize_expr("(`a` > 1)"), normalize("a  >  1"));
    }
}
