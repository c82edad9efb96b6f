//! A small PostgreSQL tokenizer: enough to compare SQL fragments independently of
//! layout, to find the names a view or trigger mentions, and to strip the
//! inspected schema's qualifier from the text the catalog functions print.
//!
//! Lexical rules: https://www.postgresql.org/docs/current/sql-syntax-lexical.html

/// The class of a token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// A bare word: keyword or unquoted identifier.
    Word,
    /// A quoted identifier (`"x"`).
    Quoted,
    /// A string literal (`'x'`, `E'x'`, `B'0'`, `$tag$…$tag$`).
    Str,
    /// A numeric literal.
    Num,
    /// Any other character or operator.
    Punct,
}

/// One token and where it sits in the source.
#[derive(Debug, Clone)]
pub(crate) struct Token {
    pub kind: Kind,
    /// The identifier value for words (lower-cased, as PostgreSQL folds them) and
    /// quoted identifiers (unquoted), else the raw text.
    pub value: String,
    pub start: usize,
    pub end: usize,
}

impl Token {
    /// True for the bare word `kw`, case-insensitively.
    pub fn is(&self, kw: &str) -> bool {
        self.kind == Kind::Word && self.value.eq_ignore_ascii_case(kw)
    }

    /// True for the punctuation `p`.
    pub fn is_punct(&self, p: &str) -> bool {
        self.kind == Kind::Punct && self.value == p
    }

    /// True for a token that names something (a word or a quoted identifier).
    pub fn is_name(&self) -> bool {
        matches!(self.kind, Kind::Word | Kind::Quoted)
    }
}

/// Splits `sql` into tokens, dropping whitespace and comments.
pub(crate) fn tokenize(sql: &str) -> Vec<Token> {
    let bytes = sql.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        let start = i;
        if c.is_ascii_whitespace() {
            i += 1;
            continue;
        }
        if c == b'-' && bytes.get(i + 1) == Some(&b'-') {
            while i < bytes.len() && bytes[i] != b'\n' {
                i += 1;
            }
            continue;
        }
        if c == b'/' && bytes.get(i + 1) == Some(&b'*') {
            // Block comments nest in PostgreSQL.
            let mut depth = 0usize;
            while i < bytes.len() {
                if bytes[i] == b'/' && bytes.get(i + 1) == Some(&b'*') {
                    depth += 1;
                    i += 2;
                } else if bytes[i] == b'*' && bytes.get(i + 1) == Some(&b'/') {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    i += 1;
                }
            }
            continue;
        }
        let (kind, value) = match c {
            b'\'' => {
                i = skip_quoted(bytes, i, b'\'', false);
                (Kind::Str, sql[start..i].to_string())
            }
            b'e' | b'E' if bytes.get(i + 1) == Some(&b'\'') => {
                i = skip_quoted(bytes, i + 1, b'\'', true);
                (Kind::Str, sql[start..i].to_string())
            }
            b'b' | b'B' | b'x' | b'X' | b'n' | b'N' if bytes.get(i + 1) == Some(&b'\'') => {
                i = skip_quoted(bytes, i + 1, b'\'', false);
                (Kind::Str, sql[start..i].to_string())
            }
            b'"' => {
                i = skip_quoted(bytes, i, b'"', false);
                let inner = sql.get(start + 1..i.saturating_sub(1).max(start + 1)).unwrap_or("");
                (Kind::Quoted, inner.replace("\"\"", "\""))
            }
            b'$' if dollar_tag(bytes, i).is_some() => {
                let tag_end = dollar_tag(bytes, i).unwrap_or(i + 1);
                let tag = &bytes[i..tag_end];
                i = tag_end;
                loop {
                    if i >= bytes.len() {
                        break;
                    }
                    if bytes[i..].starts_with(tag) {
                        i += tag.len();
                        break;
                    }
                    i += 1;
                }
                (Kind::Str, sql.get(start..i).unwrap_or("").to_string())
            }
            b'$' if bytes.get(i + 1).is_some_and(u8::is_ascii_digit) => {
                i += 1;
                while i < bytes.len() && bytes[i].is_ascii_digit() {
                    i += 1;
                }
                (Kind::Word, sql[start..i].to_string())
            }
            _ if c.is_ascii_digit() || (c == b'.' && bytes.get(i + 1).is_some_and(u8::is_ascii_digit)) => {
                while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'.' || bytes[i] == b'_') {
                    if matches!(bytes[i], b'e' | b'E') && matches!(bytes.get(i + 1), Some(b'+' | b'-')) {
                        i += 1;
                    }
                    // `1..2` is not a number followed by `.2`; stop before `..`.
                    if bytes[i] == b'.' && bytes.get(i + 1) == Some(&b'.') {
                        break;
                    }
                    i += 1;
                }
                (Kind::Num, sql[start..i].to_string())
            }
            _ if c.is_ascii_alphabetic() || c == b'_' || c >= 0x80 => {
                while i < bytes.len()
                    && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_' || bytes[i] == b'$' || bytes[i] >= 0x80)
                {
                    i += 1;
                }
                (Kind::Word, sql[start..i].to_lowercase())
            }
            _ => {
                let two = sql.get(i..i + 2).unwrap_or("");
                if matches!(two, "<=" | ">=" | "<>" | "!=" | "||" | "::" | "->" | "=>" | ":=") {
                    i += 2;
                } else {
                    i += sql[i..].chars().next().map_or(1, char::len_utf8);
                }
                (Kind::Punct, sql[start..i].to_string())
            }
        };
        out.push(Token { kind, value, start, end: i });
    }
    out
}

/// The end of a `$tag$` opening at `i`, if one starts there.
fn dollar_tag(bytes: &[u8], i: usize) -> Option<usize> {
    let mut j = i + 1;
    if bytes.get(j).is_some_and(u8::is_ascii_digit) {
        return None;
    }
    while j < bytes.len() && (bytes[j].is_ascii_alphanumeric() || bytes[j] == b'_' || bytes[j] >= 0x80) {
        j += 1;
    }
    (bytes.get(j) == Some(&b'$')).then_some(j + 1)
}

/// Index just past the closing quote of a quoted run starting at `i`; a doubled
/// quote is an escaped one, and so is a backslash-escaped one in `E''` strings.
fn skip_quoted(bytes: &[u8], mut i: usize, q: u8, backslash: bool) -> usize {
    i += 1;
    while i < bytes.len() {
        if backslash && bytes[i] == b'\\' {
            i += 2;
            continue;
        }
        if bytes[i] == q {
            if bytes.get(i + 1) == Some(&q) {
                i += 2;
                continue;
            }
            return i + 1;
        }
        i += 1;
    }
    bytes.len()
}

/// The index of the `)` matching the `(` at `open`, if any.
pub(crate) fn matching_paren(tokens: &[Token], open: usize) -> Option<usize> {
    let mut depth = 0usize;
    for (i, t) in tokens.iter().enumerate().skip(open) {
        if t.is_punct("(") {
            depth += 1;
        } else if t.is_punct(")") {
            depth = depth.checked_sub(1)?;
            if depth == 0 {
                return Some(i);
            }
        }
    }
    None
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
    fn tokenize_handles_pg_literals() {
        let t = tokenize("E'it\\'s' || $f$ a ' b $f$ -- c\n /* a /* nested */ */ \"X\"\"y\" $1");
        let kinds: Vec<Kind> = t.iter().map(|t| t.kind).collect();
        assert_eq!(kinds, [Kind::Str, Kind::Punct, Kind::Str, Kind::Quoted, Kind::Word]);
        assert_eq!(t[3].value, "X\"y");
        assert!(mentions("SELECT * FROM \"users\"", "users"));
        assert!(!mentions("SELECT 'users'", "users"));
    }
}
