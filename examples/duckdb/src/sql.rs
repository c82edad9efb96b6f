//! Small SQL text helpers: quoting, a tokenizer for DuckDB's printed DDL, and
//! type-name normalization.

/// Quotes an identifier the DuckDB (and SQL standard) way.
pub fn quote(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// The name inside a double-quoted identifier.
pub fn unquote(quoted: &str) -> String {
    quoted
        .strip_prefix('"')
        .and_then(|s| s.strip_suffix('"'))
        .map_or_else(|| quoted.to_string(), |s| s.replace("\"\"", "\""))
}

/// What a token is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A bare word: keyword, name or number.
    Word,
    /// A double-quoted identifier.
    Quoted,
    /// A single-quoted string.
    Str,
    /// Whitespace or a comment.
    Space,
    /// Any other character.
    Punct(char),
}

/// A token: its kind and byte span in the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tok {
    /// The kind.
    pub kind: Kind,
    /// Where it starts.
    pub start: usize,
    /// Where it ends (exclusive).
    pub end: usize,
}

impl Tok {
    /// The token's text in `sql`.
    pub fn text<'a>(&self, sql: &'a str) -> &'a str {
        sql.get(self.start..self.end).unwrap_or_default()
    }

    /// True for the bare word `word`, any case.
    pub fn is_word(&self, sql: &str, word: &str) -> bool {
        self.kind == Kind::Word && self.text(sql).eq_ignore_ascii_case(word)
    }
}

/// Splits SQL text into tokens. Quotes are matched (doubled quotes escape);
/// an unterminated one runs to the end.
pub fn tokens(sql: &str) -> Vec<Tok> {
    let mut out = Vec::new();
    let chars: Vec<(usize, char)> = sql.char_indices().collect();
    let end_of = |i: usize| chars.get(i).map_or(sql.len(), |(at, _)| *at);
    let mut i = 0;
    while let Some(&(start, c)) = chars.get(i) {
        let mut j = i + 1;
        let kind = match c {
            '"' | '\'' => {
                while let Some(&(_, d)) = chars.get(j) {
                    j += 1;
                    if d == c {
                        if chars.get(j).is_some_and(|&(_, e)| e == c) {
                            j += 1;
                        } else {
                            break;
                        }
                    }
                }
                if c == '"' { Kind::Quoted } else { Kind::Str }
            }
            '-' if chars.get(j).is_some_and(|&(_, d)| d == '-') => {
                while chars.get(j).is_some_and(|&(_, d)| d != '\n') {
                    j += 1;
                }
                Kind::Space
            }
            c if c.is_whitespace() => {
                while chars.get(j).is_some_and(|&(_, d)| d.is_whitespace()) {
                    j += 1;
                }
                Kind::Space
            }
            c if c.is_alphanumeric() || c == '_' => {
                while chars.get(j).is_some_and(|&(_, d)| d.is_alphanumeric() || d == '_' || d == '$') {
                    j += 1;
                }
                Kind::Word
            }
            other => Kind::Punct(other),
        };
        out.push(Tok { kind, start, end: end_of(j) });
        i = j;
    }
    out
}

/// A type name as DuckDB prints it, for comparison: upper case, single spaces,
/// aliases resolved (`int` → `INTEGER`, `text` → `VARCHAR`, `numeric(10,2)` →
/// `DECIMAL(10,2)`), arrays element by element.
pub fn normalize_type(ty: &str) -> String {
    let ty = ty.split_whitespace().collect::<Vec<_>>().join(" ");
    if let Some(inner) = ty.strip_suffix("[]") {
        return format!("{}[]", normalize_type(inner));
    }
    // Only the type's name is case-insensitive: STRUCT fields and ENUM labels keep theirs.
    let (base, args) = match ty.split_once('(') {
        Some((b, a)) => (b.trim().to_ascii_uppercase(), Some(a.strip_suffix(')').unwrap_or(a).replace(", ", ","))),
        None => (ty.to_ascii_uppercase(), None),
    };
    let plain = match base.as_str() {
        "INT" | "INT4" | "INTEGER" | "SIGNED" => "INTEGER",
        "INT8" | "LONG" | "BIGINT" => "BIGINT",
        "INT2" | "SHORT" | "SMALLINT" => "SMALLINT",
        "INT1" | "TINYINT" => "TINYINT",
        "INT128" | "HUGEINT" => "HUGEINT",
        "UINT8" | "UBIGINT" => "UBIGINT",
        "UINT4" | "UINTEGER" => "UINTEGER",
        "UINT2" | "USMALLINT" => "USMALLINT",
        "UINT1" | "UTINYINT" => "UTINYINT",
        "TEXT" | "STRING" | "VARCHAR" | "CHAR" | "BPCHAR" | "NVARCHAR" | "CHARACTER VARYING" | "CHARACTER" => "VARCHAR",
        "BOOL" | "BOOLEAN" | "LOGICAL" => "BOOLEAN",
        "FLOAT4" | "REAL" | "FLOAT" => "FLOAT",
        "FLOAT8" | "DOUBLE" | "DOUBLE PRECISION" => "DOUBLE",
        "BYTEA" | "BINARY" | "VARBINARY" | "BLOB" => "BLOB",
        "DATETIME" | "TIMESTAMP" | "TIMESTAMP WITHOUT TIME ZONE" => "TIMESTAMP",
        "TIMESTAMPTZ" | "TIMESTAMP WITH TIME ZONE" => "TIMESTAMP WITH TIME ZONE",
        "TIMETZ" | "TIME WITH TIME ZONE" => "TIME WITH TIME ZONE",
        "NUMERIC" | "DECIMAL" => {
            return match args.as_deref() {
                None | Some("") => "DECIMAL(18,3)".into(),
                Some(a) if !a.contains(',') => format!("DECIMAL({a},0)"),
                Some(a) => format!("DECIMAL({a})"),
            };
        }
        _ => return args.map_or_else(|| base.clone(), |a| format!("{base}({a})")),
    };
    // VARCHAR(n) and the like: DuckDB keeps no length.
    plain.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting() {
        assert_eq!(quote("a\"b"), "\"a\"\"b\"");
        assert_eq!(unquote("\"a\"\"b\""), "a\"b");
    }

    #[test]
    fn types_normalize() {
        for (a, b) in [
            ("int", "INTEGER"),
            ("integer", "INTEGER"),
            ("text", "VARCHAR"),
            ("varchar(255)", "VARCHAR"),
            ("numeric(10, 2)", "DECIMAL(10,2)"),
            ("decimal", "DECIMAL(18,3)"),
            ("int[]", "INTEGER[]"),
            ("timestamptz", "TIMESTAMP WITH TIME ZONE"),
            ("double  precision", "DOUBLE"),
            ("STRUCT(a INTEGER, b INTEGER)", "STRUCT(a INTEGER,b INTEGER)"),
        ] {
            assert_eq!(normalize_type(a), b, "{a}");
        }
    }

    #[test]
    fn tokenizer_spans() {
        let sql = "CREATE INDEX \"i(\" ON t('x''y', a) -- c\n";
        let kinds: Vec<Kind> = tokens(sql).iter().map(|t| t.kind).filter(|k| *k != Kind::Space).collect();
        assert_eq!(
            kinds,
            [
                Kind::Word,
                Kind::Word,
                Kind::Quoted,
                Kind::Word,
                Kind::Word,
                Kind::Punct('('),
                Kind::Str,
                Kind::Punct(','),
                Kind::Word,
                Kind::Punct(')')
            ]
        );
        let joined: String = tokens(sql).iter().map(|t| t.text(sql)).collect();
        assert_eq!(joined, sql);
    }
}
