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
    let toks = tokens(sql);
    let mut out = String::with_capacity(sql.len());
    let mut copied = 0;
    let mut i = 0;
    while i < toks.len() {
        let t = &toks[i];
        let qualifies = t.is_name()
            && t.value == schema
            && toks.get(i + 1).is_some_and(|n| n.is_punct(".") && n.start == t.end)
            && toks.get(i + 2).is_some_and(|n| n.is_name() && n.start == t.end + 1)
            // Not the middle of `a.b.c` (a column of a table named like the schema).
            && !(i > 0 && toks[i - 1].is_punct(".") && toks[i - 1].end == t.start);
        if qualifies {
            out.push_str(&sql[copied..t.start]);
            copied = toks[i + 2].start;
            i += 2;
            continue;
        }
        i += 1;
    }
    out.push_str(&sql[copied..]);
    out
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
