//! PostgreSQL's side of SQL text: the shared tokenizer with PostgreSQL's lexical
//! rules, comparisons, and stripping the inspected schema's qualifier from the
//! text the catalog functions print.
//!
//! Lexical rules: https://www.postgresql.org/docs/current/sql-syntax-lexical.html

pub(crate) use strata_dialect_kit::sql::{Kind, Token, matching_paren};

/// Tokens of PostgreSQL text.
pub(crate) fn tokenize(sql: &str) -> Vec<Token> {
    strata_dialect_kit::sql::tokenize(sql, &strata_dialect_kit::sql::POSTGRES)
}

/// True when the whole of `sql` is one parenthesized group.
pub(crate) fn is_wrapped(sql: &str) -> bool {
    let tokens = tokenize(sql);
    !tokens.is_empty() && tokens[0].is_punct("(") && matching_paren(&tokens, 0) == Some(tokens.len() - 1)
}

/// A layout-independent form of a SQL fragment for comparisons: tokens joined by
/// one space, a trailing `;` removed. Words are already case-folded by the
/// tokenizer; quoted identifiers keep their case, since PostgreSQL does.
pub(crate) fn normalize(sql: &str) -> String {
    let tokens = tokenize(sql);
    let mut tokens: &[Token] = &tokens;
    while tokens.last().is_some_and(|t| t.is_punct(";")) {
        tokens = &tokens[..tokens.len() - 1];
    }
    let words: Vec<String> = tokens
        .iter()
        .map(|t| match t.kind {
            Kind::Quoted => format!("\"{}\"", t.value),
            _ => t.value.clone(),
        })
        .collect();
    words.join(" ")
}

/// [`normalize`], with an array cast written back in the form the server stores
/// it: PostgreSQL prints `x IN ('a', 'b')` on a varchar column as
/// `(ARRAY['a'::character varying, …])::text[]`, and parses that text back as
/// `ARRAY[('a'::character varying)::text, …]`, so both forms must compare equal.
pub(crate) fn normalize_expr(sql: &str) -> String {
    let tokens = tokenize(sql);
    let word = |t: &Token| match t.kind {
        Kind::Quoted => format!("\"{}\"", t.value),
        _ => t.value.clone(),
    };
    let mut out: Vec<String> = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        if let Some((elements, ty, next)) = array_cast(&tokens, i) {
            out.extend(["array".to_string(), "[".to_string()]);
            for (k, e) in elements.iter().enumerate() {
                if k > 0 {
                    out.push(",".into());
                }
                out.push("(".into());
                out.extend(e.iter().map(word));
                out.push(")".into());
                out.push("::".into());
                out.extend(ty.iter().map(word));
            }
            out.push("]".into());
            i = next;
            continue;
        }
        out.push(word(&tokens[i]));
        i += 1;
    }
    while out.last().is_some_and(|t| t == ";") {
        out.pop();
    }
    out.join(" ")
}

/// `expr` written so that PostgreSQL stores it as it printed it. PostgreSQL
/// prints `c IN ('a', 'b')` on a varchar column as
/// `((c)::text = ANY ((ARRAY['a'::character varying, …])::text[]))`, but parses
/// that text back with a cast on each element, a different expression that
/// never compares equal in the catalog. Written as
/// `((c) IN ('a'::character varying, …))` it is stored exactly as first printed.
pub(crate) fn storable_expr(sql: &str) -> String {
    let tokens = tokenize(sql);
    let t = |i: usize| tokens.get(i);
    let mut out = String::with_capacity(sql.len());
    let mut copied = 0;
    let mut i = 0;
    while i < tokens.len() {
        let rewrite = (|| {
            if !(tokens[i].is_punct("=") && t(i + 1)?.is("any") && t(i + 2)?.is_punct("(")) {
                return None;
            }
            let (elements, ty, next) = array_cast(&tokens, i + 3)?;
            if !t(next)?.is_punct(")") || elements.is_empty() {
                return None;
            }
            // The left operand is cast to the array's element type: `(c)::text`.
            let cast = i.checked_sub(ty.len() + 1)?;
            let same_type = tokens[cast + 1..i].iter().zip(ty).all(|(a, b)| a.value.eq_ignore_ascii_case(&b.value));
            if !t(cast)?.is_punct("::") || !same_type {
                return None;
            }
            let left_end = cast.checked_sub(1)?;
            let left_start = if tokens[left_end].is_punct(")") { open_paren(&tokens, left_end)? } else { left_end };
            if left_start < copied_token(&tokens, copied) {
                return None;
            }
            Some((left_start, left_end, elements, next))
        })();
        if let Some((left_start, left_end, elements, next)) = rewrite {
            out.push_str(&sql[copied..tokens[left_start].start]);
            out.push('(');
            out.push_str(&sql[tokens[left_start].start..tokens[left_end].end]);
            out.push_str(" IN (");
            for (k, e) in elements.iter().enumerate() {
                if let (Some(first), Some(last)) = (e.first(), e.last()) {
                    if k > 0 {
                        out.push_str(", ");
                    }
                    out.push_str(&sql[first.start..last.end]);
                }
            }
            out.push_str("))");
            copied = tokens[next].end;
            i = next + 1;
            continue;
        }
        i += 1;
    }
    out.push_str(&sql[copied..]);
    out
}

/// The index of the first token at or after byte `offset`.
fn copied_token(tokens: &[Token], offset: usize) -> usize {
    tokens.iter().position(|t| t.start >= offset).unwrap_or(tokens.len())
}

/// The index of the `(` matching the `)` at `close`.
fn open_paren(tokens: &[Token], close: usize) -> Option<usize> {
    let mut depth = 0usize;
    for i in (0..=close).rev() {
        if tokens[i].is_punct(")") {
            depth += 1;
        } else if tokens[i].is_punct("(") {
            depth = depth.checked_sub(1)?;
            if depth == 0 {
                return Some(i);
            }
        }
    }
    None
}

/// The elements of an array cast, the cast's type tokens, and the index after it.
type ArrayCast<'a> = (Vec<&'a [Token]>, &'a [Token], usize);

/// `( ARRAY [ e, … ] ) :: type [ ]` at `at`.
fn array_cast(tokens: &[Token], at: usize) -> Option<ArrayCast<'_>> {
    let t = |i: usize| tokens.get(i);
    if !(t(at)?.is_punct("(") && t(at + 1)?.is("array") && t(at + 2)?.is_punct("[")) {
        return None;
    }
    let mut depth = 0usize;
    let mut close = None;
    for (i, tok) in tokens.iter().enumerate().skip(at + 2) {
        if tok.is_punct("[") {
            depth += 1;
        } else if tok.is_punct("]") {
            depth -= 1;
            if depth == 0 {
                close = Some(i);
                break;
            }
        }
    }
    let close = close?;
    if !(t(close + 1)?.is_punct(")") && t(close + 2)?.is_punct("::")) {
        return None;
    }
    let ty_start = close + 3;
    let mut end = ty_start;
    while t(end).is_some_and(Token::is_name) {
        end += 1;
    }
    if end == ty_start || !(t(end)?.is_punct("[") && t(end + 1)?.is_punct("]")) {
        return None;
    }
    let elements = strata_dialect_kit::sql::split_commas(&tokens[at + 3..close]);
    Some((elements, &tokens[ty_start..end], end + 2))
}

/// True when `sql` mentions the identifier `name` (quoted or folded).
pub(crate) fn mentions(sql: &str, name: &str) -> bool {
    tokenize(sql).iter().any(|t| t.is_name() && t.value == name)
}

/// Removes the qualifier `schema.` from names in `sql` (and from `'schema.x'::regclass`
/// literals), leaving other schemas' qualifiers alone. Inspection runs with an
/// empty `search_path`, so the catalog functions qualify every name in the
/// inspected schema; stripping it makes the text independent of that schema's
/// name, so a schema compares equal to its copy under another name.
pub(crate) fn strip_schema(sql: &str, schema: &str) -> String {
    let tokens = tokenize(sql);
    let mut cuts: Vec<(usize, usize)> = Vec::new();
    let quoted_prefix = format!("\"{}\".", schema.replace('"', "\"\""));
    let bare_prefix = format!("{schema}.");
    for (i, t) in tokens.iter().enumerate() {
        let qualifier = t.is_name()
            && t.value == schema
            && tokens.get(i + 1).is_some_and(|n| n.is_punct(".") && n.start == t.end)
            && !(i > 0 && tokens[i - 1].is_punct(".") && tokens[i - 1].end == t.start);
        if qualifier {
            cuts.push((t.start, t.end + 1));
        } else if t.kind == Kind::Str
            && t.value.starts_with('\'')
            && tokens.get(i + 1).is_some_and(|n| n.is_punct("::"))
            && tokens.get(i + 2).is_some_and(|n| n.is("regclass") || n.is("regproc") || n.is("regtype"))
        {
            let inner = &sql[t.start + 1..];
            for prefix in [&quoted_prefix, &bare_prefix] {
                if inner.starts_with(prefix.as_str()) {
                    cuts.push((t.start + 1, t.start + 1 + prefix.len()));
                    break;
                }
            }
        }
    }
    let mut out = String::with_capacity(sql.len());
    let mut at = 0;
    for (from, to) in cuts {
        out.push_str(&sql[at..from]);
        at = to;
    }
    out.push_str(&sql[at..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalize_ignores_layout_and_keyword_case() {
        assert_eq!(
            normalize(" SELECT  a,\n b FROM t WHERE x = 'A b';"),
            normalize("select a , b from T where x='A b'")
        );
        assert_ne!(normalize("select \"A\""), normalize("select a"));
        assert_eq!(normalize("select $$ a  b $$"), "select $$ a  b $$");
    }

    #[test]
    fn strip_schema_only_touches_the_qualifier() {
        assert_eq!(
            strip_schema("SELECT t.a FROM public.t JOIN other.u ON true", "public"),
            "SELECT t.a FROM t JOIN other.u ON true"
        );
        assert_eq!(strip_schema("nextval('public.t_id_seq'::regclass)", "public"), "nextval('t_id_seq'::regclass)");
        assert_eq!(strip_schema("'public.x'::text", "public"), "'public.x'::text");
        assert_eq!(strip_schema("\"My S\".mood[]", "My S"), "mood[]");
        assert_eq!(strip_schema("x.public.y", "public"), "x.public.y");
        assert_eq!(strip_schema("$$ public.t $$", "public"), "$$ public.t $$");
    }

    #[test]
    fn array_casts_compare_as_stored() {
        assert_eq!(
            normalize_expr("((c)::text = ANY ((ARRAY['a'::character varying, 'b'::character varying])::text[]))"),
            normalize_expr("((c)::text = ANY (ARRAY[('a'::character varying)::text, ('b'::character varying)::text]))")
        );
        assert_eq!(normalize_expr("a = ANY (ARRAY[1, 2])"), normalize("a = ANY (ARRAY[1, 2])"));
    }

    #[test]
    fn printed_in_lists_are_written_back_as_in_lists() {
        assert_eq!(
            storable_expr(
                "((label)::text = ANY ((ARRAY['draft'::character varying, 'x'::character varying])::text[]))"
            ),
            "(((label) IN ('draft'::character varying, 'x'::character varying)))"
        );
        // Anything else is left as it is.
        for sql in ["(l = ANY (ARRAY['a'::text, 'b'::text]))", "(a > 0) AND (b)::text = 'x'", "x = ANY ($1)"] {
            assert_eq!(storable_expr(sql), sql);
        }
        assert_eq!(
            storable_expr("(a > 0) AND ((c)::text = ANY ((ARRAY['p'::bpchar])::text[]))"),
            "(a > 0) AND (((c) IN ('p'::bpchar)))"
        );
    }

    #[test]
    fn tokenize_handles_pg_literals() {
        let t = tokenize("E'it\\'s' || $f$ a ' b $f$ -- c\n /* a /* nested */ */ \"X\"\"y\" $1");
        let kinds: Vec<Kind> = t.iter().map(|t| t.kind).collect();
        assert_eq!(kinds, [Kind::Str, Kind::Punct, Kind::Str, Kind::Quoted, Kind::Word]);
        assert_eq!(t[3].value, "X\"y");
        assert!(mentions("SELECT * FROM \"users\"", "users"));
        assert!(!mentions("SELECT 'users'", "users"));
    }
}
