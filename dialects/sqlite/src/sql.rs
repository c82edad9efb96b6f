//! A small SQLite tokenizer: enough to read the parts of `CREATE TABLE` and
//! `CREATE INDEX` text that the pragmas do not report, and to compare SQL
//! fragments (view bodies, check expressions) independently of layout.

/// The class of a token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// A bare word: keyword or unquoted identifier.
    Word,
    /// A quoted identifier (`"x"`, `` `x` ``, `[x]`).
    Quoted,
    /// A string literal (`'x'`) or blob literal (`X'00'`).
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
    /// The identifier value for words and quoted identifiers, else the raw text.
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
            i += 2;
            while i < bytes.len() && !(bytes[i] == b'*' && bytes.get(i + 1) == Some(&b'/')) {
                i += 1;
            }
            i = (i + 2).min(bytes.len());
            continue;
        }
        let (kind, value) = match c {
            b'\'' => {
                i = skip_quoted(bytes, i, b'\'');
                (Kind::Str, sql[start..i].to_string())
            }
            b'"' | b'`' => {
                i = skip_quoted(bytes, i, c);
                let inner = &sql[start + 1..i.saturating_sub(1).max(start + 1)];
                let q = c as char;
                (Kind::Quoted, inner.replace(&format!("{q}{q}"), &q.to_string()))
            }
            b'[' => {
                while i < bytes.len() && bytes[i] != b']' {
                    i += 1;
                }
                i = (i + 1).min(bytes.len());
                (Kind::Quoted, sql[start + 1..i.saturating_sub(1).max(start + 1)].to_string())
            }
            b'x' | b'X' if bytes.get(i + 1) == Some(&b'\'') => {
                i = skip_quoted(bytes, i + 1, b'\'');
                (Kind::Str, sql[start..i].to_string())
            }
            _ if c.is_ascii_digit() || (c == b'.' && bytes.get(i + 1).is_some_and(u8::is_ascii_digit)) => {
                while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'.') {
                    // An exponent sign belongs to the number: 1e-5.
                    if matches!(bytes[i], b'e' | b'E') && matches!(bytes.get(i + 1), Some(b'+' | b'-')) {
                        i += 1;
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
                (Kind::Word, sql[start..i].to_string())
            }
            _ => {
                // Two-character operators stay one token so `<=` compares equal to `<=`.
                let two = sql.get(i..i + 2).unwrap_or("");
                if matches!(two, "<=" | ">=" | "<>" | "!=" | "==" | "||" | "<<" | ">>" | "->") {
                    i += 2;
                } else {
                    // Advance by a whole character, not a byte.
                    i += sql[i..].chars().next().map_or(1, char::len_utf8);
                }
                (Kind::Punct, sql[start..i].to_string())
            }
        };
        out.push(Token { kind, value, start, end: i });
    }
    out
}

/// Index just past the closing quote of a quoted run starting at `i`; a doubled
/// quote is an escaped one.
fn skip_quoted(bytes: &[u8], mut i: usize, q: u8) -> usize {
    i += 1;
    while i < bytes.len() {
        if bytes[i] == q {
            if bytes.get(i + 1) == Some(&q) {
                i += 2;
                continue;
            }
            return i + 1;
        }
        i += 1;
    }
    i
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

/// Splits `tokens` on commas at nesting depth zero.
pub(crate) fn split_commas(tokens: &[Token]) -> Vec<&[Token]> {
    let mut out = Vec::new();
    let mut depth = 0i32;
    let mut from = 0;
    for (i, t) in tokens.iter().enumerate() {
        if t.is_punct("(") {
            depth += 1;
        } else if t.is_punct(")") {
            depth -= 1;
        } else if t.is_punct(",") && depth == 0 {
            out.push(&tokens[from..i]);
            from = i + 1;
        }
    }
    if from < tokens.len() {
        out.push(&tokens[from..]);
    }
    out
}

/// The source text covered by `tokens`.
pub(crate) fn text<'a>(sql: &'a str, tokens: &[Token]) -> &'a str {
    match (tokens.first(), tokens.last()) {
        (Some(first), Some(last)) => sql.get(first.start..last.end).unwrap_or(""),
        _ => "",
    }
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
