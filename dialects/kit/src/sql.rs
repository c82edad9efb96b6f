//! A small SQL tokenizer for reading what catalogs print (CREATE statements,
//! view bodies, default and check expressions) and comparing fragments
//! independently of layout. Not a parser: tokens, parentheses and commas.
//! Each dialect passes its [`Lexicon`] of lexical rules.

/// The lexical rules of one dialect.
#[derive(Debug, Clone, Copy)]
pub struct Lexicon {
    /// `` `x` `` quotes identifiers (SQLite, MySQL, ClickHouse).
    pub backticks: bool,
    /// `[x]` quotes identifiers (SQLite); else `[` and `]` are punctuation.
    pub brackets: bool,
    /// `/* … */` comments nest (PostgreSQL).
    pub nested_comments: bool,
    /// `$tag$ … $tag$` strings and `$1` parameters (PostgreSQL).
    pub dollar: bool,
    /// `E'…'` strings honour backslash escapes (PostgreSQL).
    pub escape_strings: bool,
    /// Letters that may prefix a string literal (`X'00'`, `B'01'`, `N'x'`).
    pub string_prefixes: &'static [u8],
    /// Unquoted words are folded to lower case (PostgreSQL), else kept as written.
    pub fold_case: bool,
    /// `\` escapes the next character in every string literal (MySQL, ClickHouse).
    pub backslash_strings: bool,
    /// `\` escapes the next character in quoted identifiers too, and the value
    /// resolves it (`\n`, `\t`, `\r`, `\0` stand for control characters, any
    /// other character for itself) (ClickHouse).
    pub backslash_names: bool,
}

/// SQLite's rules (https://sqlite.org/lang_keywords.html, tokenize.c).
pub const SQLITE: Lexicon = Lexicon {
    backticks: true,
    brackets: true,
    nested_comments: false,
    dollar: false,
    escape_strings: false,
    string_prefixes: b"xX",
    fold_case: false,
    backslash_strings: false,
    backslash_names: false,
};

/// PostgreSQL's rules (https://www.postgresql.org/docs/current/sql-syntax-lexical.html).
pub const POSTGRES: Lexicon = Lexicon {
    backticks: false,
    brackets: false,
    nested_comments: true,
    dollar: true,
    escape_strings: true,
    string_prefixes: b"bBxXnN",
    fold_case: true,
    backslash_strings: false,
    backslash_names: false,
};

/// MySQL's and MariaDB's rules (https://dev.mysql.com/doc/refman/8.0/en/string-literals.html):
/// backticks quote identifiers, `\` escapes inside strings, `#` comments are not
/// handled (catalogs never print them).
pub const MYSQL: Lexicon = Lexicon {
    backticks: true,
    brackets: true,
    nested_comments: false,
    dollar: false,
    escape_strings: false,
    string_prefixes: b"bBxXnN",
    fold_case: false,
    backslash_strings: true,
    backslash_names: false,
};

/// ClickHouse's rules as of 18.16 (https://clickhouse.com/docs/en/sql-reference/syntax):
/// backticks and double quotes quote identifiers and, like single-quoted
/// strings, take backslash escapes; `[`…`]` is an array, not a quoted name;
/// names are case-sensitive; no prefixed strings, no nested comments.
pub const CLICKHOUSE: Lexicon = Lexicon {
    backticks: true,
    brackets: false,
    nested_comments: false,
    dollar: false,
    escape_strings: false,
    string_prefixes: b"",
    fold_case: false,
    backslash_strings: true,
    backslash_names: true,
};

/// What a token is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A keyword or unquoted identifier (or a `$1` parameter).
    Word,
    /// A quoted identifier; its value is unquoted.
    Quoted,
    /// A string literal, as written (quotes and prefix included).
    Str,
    /// A number.
    Num,
    /// An operator or punctuation.
    Punct,
}

/// One token, with its byte range in the input.
#[derive(Debug, Clone)]
pub struct Token {
    /// What it is.
    pub kind: Kind,
    /// The identifier value for words (folded per the lexicon) and quoted
    /// identifiers (unquoted), else the raw text.
    pub value: String,
    /// Byte offset of its first character.
    pub start: usize,
    /// Byte offset after its last character.
    pub end: usize,
}

impl Token {
    /// True for the keyword `kw`, in any case.
    pub fn is(&self, kw: &str) -> bool {
        self.kind == Kind::Word && self.value.eq_ignore_ascii_case(kw)
    }

    /// True for the punctuation `p`.
    pub fn is_punct(&self, p: &str) -> bool {
        self.kind == Kind::Punct && self.value == p
    }

    /// True for a word or quoted identifier.
    pub fn is_name(&self) -> bool {
        matches!(self.kind, Kind::Word | Kind::Quoted)
    }
}

/// Splits `sql` into tokens; comments and whitespace are dropped. Never fails:
/// an unclosed quote or comment runs to the end of the input.
pub fn tokenize(sql: &str, lex: &Lexicon) -> Vec<Token> {
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
            i = skip_block_comment(bytes, i, lex.nested_comments);
            continue;
        }
        let next_is_quote = bytes.get(i + 1) == Some(&b'\'');
        let (kind, value) = match c {
            b'\'' => {
                i = skip_quoted(bytes, i, b'\'', lex.backslash_strings);
                (Kind::Str, sql[start..i].to_string())
            }
            b'e' | b'E' if lex.escape_strings && next_is_quote => {
                i = skip_quoted(bytes, i + 1, b'\'', true);
                (Kind::Str, sql[start..i].to_string())
            }
            _ if next_is_quote && lex.string_prefixes.contains(&c) => {
                i = skip_quoted(bytes, i + 1, b'\'', lex.backslash_strings);
                (Kind::Str, sql[start..i].to_string())
            }
            b'"' => quoted_ident(sql, &mut i, b'"', lex.backslash_names),
            b'`' if lex.backticks => quoted_ident(sql, &mut i, b'`', lex.backslash_names),
            b'[' if lex.brackets => {
                while i < bytes.len() && bytes[i] != b']' {
                    i += 1;
                }
                i = (i + 1).min(bytes.len());
                (Kind::Quoted, sql.get(start + 1..i.saturating_sub(1).max(start + 1)).unwrap_or("").to_string())
            }
            b'$' if lex.dollar && dollar_tag(bytes, i).is_some() => {
                let tag_end = dollar_tag(bytes, i).unwrap_or(i + 1);
                let tag = &bytes[i..tag_end];
                i = tag_end;
                while i < bytes.len() && !bytes[i..].starts_with(tag) {
                    i += 1;
                }
                i = (i + tag.len()).min(bytes.len());
                (Kind::Str, sql.get(start..i).unwrap_or("").to_string())
            }
            b'$' if lex.dollar && bytes.get(i + 1).is_some_and(u8::is_ascii_digit) => {
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
                let word = &sql[start..i];
                (Kind::Word, if lex.fold_case { word.to_lowercase() } else { word.to_string() })
            }
            _ => {
                let two = sql.get(i..i + 2).unwrap_or("");
                if matches!(two, "<=" | ">=" | "<>" | "!=" | "==" | "||" | "<<" | ">>" | "::" | "->" | "=>" | ":=") {
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

fn skip_block_comment(bytes: &[u8], mut i: usize, nested: bool) -> usize {
    let mut depth = 0usize;
    while i < bytes.len() {
        if bytes[i] == b'/' && bytes.get(i + 1) == Some(&b'*') && (nested || depth == 0) {
            depth += 1;
            i += 2;
        } else if bytes[i] == b'*' && bytes.get(i + 1) == Some(&b'/') {
            depth -= 1;
            i += 2;
            if depth == 0 {
                return i;
            }
        } else {
            i += 1;
        }
    }
    i
}

/// A `q`-quoted identifier at `*i`; doubled quotes stand for one, and with
/// `backslash` a `\` escapes the next character.
fn quoted_ident(sql: &str, i: &mut usize, q: u8, backslash: bool) -> (Kind, String) {
    let start = *i;
    *i = skip_quoted(sql.as_bytes(), start, q, backslash);
    let inner = sql.get(start + 1..i.saturating_sub(1).max(start + 1)).unwrap_or("");
    (Kind::Quoted, unquote(inner, char::from(q), backslash))
}

/// The name inside a `q`-quoted identifier: doubled quotes made one, and with
/// `backslash` escapes resolved.
fn unquote(inner: &str, q: char, backslash: bool) -> String {
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars().peekable();
    while let Some(c) = chars.next() {
        if backslash && c == '\\' {
            if let Some(n) = chars.next() {
                out.push(match n {
                    'n' => '\n',
                    't' => '\t',
                    'r' => '\r',
                    '0' => '\0',
                    other => other,
                });
            }
        } else if c == q && chars.peek() == Some(&q) {
            chars.next();
            out.push(q);
        } else {
            out.push(c);
        }
    }
    out
}

/// The end of a `$tag$` opener at `i`, if there is one.
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

/// The end of the quoted text opening at `i` (a doubled quote stands for one).
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

/// The index of the `)` closing the `(` at `open`.
pub fn matching_paren(tokens: &[Token], open: usize) -> Option<usize> {
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

/// Splits tokens at top-level commas.
pub fn split_commas(tokens: &[Token]) -> Vec<&[Token]> {
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

/// The source text a run of tokens spans.
pub fn text<'a>(sql: &'a str, tokens: &[Token]) -> &'a str {
    match (tokens.first(), tokens.last()) {
        (Some(first), Some(last)) => sql.get(first.start..last.end).unwrap_or(""),
        _ => "",
    }
}

/// `sql` without the `schema.` qualifiers naming `schema` (quoted or not),
/// for a dialect whose catalog prints a view's body with every name qualified
/// by the view's own database (MySQL, MariaDB, ClickHouse): the body would
/// otherwise differ between two databases (a dev database and the target). A
/// qualifier is a name equal to `schema` directly followed by `.` and a name;
/// the middle of `a.b.c` (a column of a table named like the schema) is kept.
pub fn strip_schema(sql: &str, schema: &str, lex: &Lexicon) -> String {
    let toks = tokenize(sql, lex);
    let mut out = String::with_capacity(sql.len());
    let mut copied = 0;
    let mut i = 0;
    while i < toks.len() {
        let t = &toks[i];
        let qualifies = t.is_name()
            && t.value == schema
            && toks.get(i + 1).is_some_and(|n| n.is_punct(".") && n.start == t.end)
            && toks.get(i + 2).is_some_and(|n| n.is_name() && n.start == t.end + 1)
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

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(sql: &str, lex: &Lexicon) -> Vec<Kind> {
        tokenize(sql, lex).iter().map(|t| t.kind).collect()
    }

    #[test]
    fn dialect_rules() {
        // Backticks and brackets quote identifiers in SQLite only.
        assert_eq!(kinds("`a` [b]", &SQLITE), [Kind::Quoted, Kind::Quoted]);
        assert_eq!(kinds("[b]", &POSTGRES), [Kind::Punct, Kind::Word, Kind::Punct]);
        // Block comments nest in PostgreSQL only.
        assert_eq!(kinds("/* a /* b */ c */ x", &POSTGRES), [Kind::Word]);
        assert_eq!(kinds("/* a /* b */ c */ x", &SQLITE), [Kind::Word, Kind::Punct, Kind::Punct, Kind::Word]);
        // Dollar quotes, E-strings and folding in PostgreSQL.
        let t = tokenize("E'it\\'s' || $f$ a ' b $f$ \"X\"\"y\" $1 Foo", &POSTGRES);
        assert_eq!(
            t.iter().map(|t| t.kind).collect::<Vec<_>>(),
            [Kind::Str, Kind::Punct, Kind::Str, Kind::Quoted, Kind::Word, Kind::Word]
        );
        assert_eq!((t[3].value.as_str(), t[5].value.as_str()), ("X\"y", "foo"));
        assert_eq!(tokenize("Foo", &SQLITE)[0].value, "Foo");
        // Backslashes escape in MySQL strings.
        assert_eq!(kinds("'a\\'b' `c``d`", &MYSQL), [Kind::Str, Kind::Quoted]);
        // ClickHouse: backslashes escape in strings and quoted names alike, and
        // brackets are arrays.
        let t = tokenize("'a\\'b?' `c\\`d` \"e\"\"f\\n\" [1] a$b", &CLICKHOUSE);
        assert_eq!(
            t.iter().map(|t| t.kind).collect::<Vec<_>>(),
            [Kind::Str, Kind::Quoted, Kind::Quoted, Kind::Punct, Kind::Num, Kind::Punct, Kind::Word]
        );
        assert_eq!((t[1].value.as_str(), t[2].value.as_str()), ("c`d", "e\"f\n"));
        assert_eq!(tokenize("`a\\`b`", &MYSQL)[0].value, "a\\");
        assert_eq!(tokenize("x'00'", &CLICKHOUSE)[0].kind, Kind::Word);
        assert_eq!(
            kinds("X'00' 1e-3 a..b", &SQLITE),
            [Kind::Str, Kind::Num, Kind::Word, Kind::Punct, Kind::Punct, Kind::Word]
        );
    }

    #[test]
    fn own_schema_qualifiers_go() {
        assert_eq!(
            strip_schema("select `db`.`t`.`id` AS `id` from `db`.`t` where `db`.`t`.`a` > 1", "db", &MYSQL),
            "select `t`.`id` AS `id` from `t` where `t`.`a` > 1"
        );
        assert_eq!(
            strip_schema("select `x`.`db`.`c` from `other`.`t`", "db", &MYSQL),
            "select `x`.`db`.`c` from `other`.`t`"
        );
        assert_eq!(
            strip_schema("SELECT id FROM probe.a  WHERE probe.a.id > 1 AND probe . b", "probe", &CLICKHOUSE),
            "SELECT id FROM a  WHERE a.id > 1 AND probe . b"
        );
    }

    #[test]
    fn parens_and_commas() {
        let t = tokenize("f(a, (b, c)), d", &SQLITE);
        assert_eq!(matching_paren(&t, 1), Some(9));
        let parts: Vec<&str> = split_commas(&t).iter().map(|p| text("f(a, (b, c)), d", p)).collect();
        assert_eq!(parts, ["f(a, (b, c))", "d"]);
    }
}
