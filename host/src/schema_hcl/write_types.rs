//! Column types and default values as the writer spells them.
//!
//! A type is written the way Atlas writes it (`integer`, `varchar(255)`,
//! `numeric(10,2)`, `character_varying(255)`, `timestamptz(3)`) only when it
//! is one of the dialect's plain names, bare or with integer arguments, so
//! that a reader following Atlas gets the model's `Column.ty` back:
//!
//! - `_` stands for a space in PostgreSQL's `character_varying`,
//!   `bit_varying` and `double_precision`, and in SQLite's multi-word names
//!   (`unsigned_big_int`);
//! - PostgreSQL's times follow Atlas: `timestamptz(p)` is `timestamp(p) with
//!   time zone`, `timestamp(p)` is `timestamp(p) without time zone`,
//!   `timetz(p)` and `time(p)` likewise;
//! - MySQL's `enum('a','b')` and `set(…)` are `enum("a","b")` when no value
//!   holds a quote or a backslash.
//!
//! Everything else (arrays, unsigned and zerofill integers, quoted or
//! schema-qualified user types, intervals with fields, ClickHouse's
//! `Nullable(…)`, any dialect not listed here) is `sql("…")`, which holds
//! the model's text exactly.
//!
//! A default is an HCL literal only when that is unambiguous: an integer, a
//! lower-case `true`/`false`, or a plain quoted string (`'x'`, on PostgreSQL
//! with a cast to the column's own type, as it prints them) holding no
//! backslash. Anything else is `sql("…")` with the default as the database
//! printed it.

use super::read_types::printed;
use super::write_hcl::{sql, string};

/// PostgreSQL's multi-word names, and how Atlas writes them.
const POSTGRES_SPACED: &[(&str, &str)] = &[
    ("character varying", "character_varying"),
    ("bit varying", "bit_varying"),
    ("double precision", "double_precision"),
];

/// The HCL expression for a column of type `ty` (the model's spelling) in `dialect`.
pub(super) fn column_type(dialect: &str, ty: &str) -> String {
    let written = match dialect {
        "postgres" => postgres_type(ty),
        "mysql" => mysql_type(ty),
        "sqlite" => sqlite_type(ty),
        "clickhouse" => known_call(ty, "clickhouse"),
        _ => None,
    };
    written.unwrap_or_else(|| sql(ty))
}

/// `name` or `name(args)` with `args` integers separated by bare commas
/// (`10,2`): the name and the arguments' text.
fn split_call(ty: &str) -> Option<(&str, Option<&str>)> {
    let Some(open) = ty.find('(') else { return Some((ty, None)) };
    let args = ty[open + 1..].strip_suffix(')')?;
    let numeric = args.split(',').all(|a| !a.is_empty() && a.bytes().all(|b| b.is_ascii_digit()));
    (numeric && !ty[..open].ends_with(' ')).then_some((&ty[..open], Some(args)))
}

fn call(name: &str, args: Option<&str>) -> String {
    match args {
        Some(args) => format!("{name}({args})"),
        None => name.to_string(),
    }
}

/// `ty` as an identifier or call when its name is in `known`.
fn known_call(ty: &str, dialect: &str) -> Option<String> {
    let (name, args) = split_call(ty)?;
    printed(dialect, name).then(|| call(name, args))
}

fn postgres_type(ty: &str) -> Option<String> {
    for (kind, zoned, plain) in [("timestamp", "timestamptz", "timestamp"), ("time", "timetz", "time")] {
        let Some(rest) = ty.strip_prefix(kind) else { continue };
        let (precision, rest) = match rest.strip_prefix('(') {
            Some(r) => {
                let close = r.find(')')?;
                let p = &r[..close];
                (p.bytes().all(|b| b.is_ascii_digit()) && !p.is_empty()).then_some((Some(p), &r[close + 1..]))?
            }
            None => (None, rest),
        };
        return match rest {
            " with time zone" => Some(call(zoned, precision)),
            " without time zone" => Some(call(plain, precision)),
            _ => None,
        };
    }
    let (name, args) = split_call(ty)?;
    let name = POSTGRES_SPACED.iter().find(|(spaced, _)| *spaced == name).map_or(name, |(_, written)| written);
    printed("postgres", name).then(|| call(name, args))
}

fn mysql_type(ty: &str) -> Option<String> {
    for kind in ["enum", "set"] {
        if let Some(values) = ty.strip_prefix(kind).and_then(|r| r.strip_prefix('(')).and_then(|r| r.strip_suffix(')'))
        {
            return mysql_values(values).map(|v| format!("{kind}({})", v.join(",")));
        }
    }
    known_call(ty, "mysql")
}

/// `'a','b'` as HCL strings, when no value holds a quote or a backslash.
fn mysql_values(text: &str) -> Option<Vec<String>> {
    let mut values = Vec::new();
    let mut rest = text;
    loop {
        let inner = rest.strip_prefix('\'')?;
        let end = inner.find('\'')?;
        let value = &inner[..end];
        if value.contains('\\') {
            return None;
        }
        values.push(string(value));
        rest = &inner[end + 1..];
        match rest.strip_prefix(',') {
            Some(r) => rest = r,
            None if rest.is_empty() => return Some(values),
            None => return None,
        }
    }
}

fn sqlite_type(ty: &str) -> Option<String> {
    let (name, args) = split_call(ty)?;
    let name = name.replace(' ', "_");
    printed("sqlite", &name).then(|| call(&name, args))
}

/// The HCL expression for the default `text` (as the database printed it)
/// of a column of type `ty`.
pub(super) fn default_value(dialect: &str, ty: &str, text: &str) -> String {
    if is_integer(text) || (text == "true" || text == "false") {
        return text.to_string();
    }
    match quoted(dialect, ty, text) {
        Some(value) => string(&value),
        None => sql(text),
    }
}

/// An integer an HCL number holds exactly: no sign but `-`, no leading zero,
/// at most 15 digits.
fn is_integer(text: &str) -> bool {
    let digits = text.strip_prefix('-').unwrap_or(text);
    !digits.is_empty()
        && digits.len() <= 15
        && digits.bytes().all(|b| b.is_ascii_digit())
        && (digits == "0" || !digits.starts_with('0'))
        && text != "-0"
}

/// The value of a plain string literal `'…'` (quotes doubled inside, no
/// backslash), on PostgreSQL optionally cast to the column's type as it
/// prints defaults (`'x'::character varying` for a `character varying(20)`).
fn quoted(dialect: &str, ty: &str, text: &str) -> Option<String> {
    let body = text.strip_prefix('\'')?;
    let close = closing_quote(body)?;
    let (inner, cast) = (&body[..close], &body[close + 1..]);
    if !cast.is_empty() {
        let cast = cast.strip_prefix("::").filter(|_| dialect == "postgres")?;
        let base = ty.split('(').next().unwrap_or(ty);
        let same = cast == ty || cast == base || (cast == "bpchar" && base == "character");
        if !same {
            return None;
        }
    }
    (!inner.contains('\\')).then(|| inner.replace("''", "'"))
}

/// The index of the quote closing a literal whose opening quote is gone
/// (`''` inside is a quote).
fn closing_quote(body: &str) -> Option<usize> {
    let bytes = body.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'\'' {
            if bytes.get(i + 1) == Some(&b'\'') {
                i += 2;
                continue;
            }
            return Some(i);
        }
        i += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn postgres_types() {
        let t = |ty| column_type("postgres", ty);
        assert_eq!(t("integer"), "integer");
        assert_eq!(t("character varying(255)"), "character_varying(255)");
        assert_eq!(t("character varying"), "character_varying");
        assert_eq!(t("numeric(10,2)"), "numeric(10,2)");
        assert_eq!(t("double precision"), "double_precision");
        assert_eq!(t("bit varying(5)"), "bit_varying(5)");
        assert_eq!(t("timestamp with time zone"), "timestamptz");
        assert_eq!(t("timestamp(3) with time zone"), "timestamptz(3)");
        assert_eq!(t("timestamp without time zone"), "timestamp");
        assert_eq!(t("time(0) without time zone"), "time(0)");
        assert_eq!(t("time with time zone"), "timetz");
        assert_eq!(t("serial"), "serial");
        assert_eq!(t("integer[]"), "sql(\"integer[]\")");
        assert_eq!(t("character varying(20)[]"), "sql(\"character varying(20)[]\")");
        assert_eq!(t("interval day to second(3)"), "sql(\"interval day to second(3)\")");
        assert_eq!(t("\"char\""), "sql(\"\\\"char\\\"\")");
        assert_eq!(t("mood"), "sql(\"mood\")");
        assert_eq!(t("other.mood"), "sql(\"other.mood\")");
        assert_eq!(t("timestamp(x) with time zone"), "sql(\"timestamp(x) with time zone\")");
        assert_eq!(t("timestamptz"), "sql(\"timestamptz\")");
    }

    #[test]
    fn mysql_sqlite_clickhouse_types() {
        let my = |ty| column_type("mysql", ty);
        assert_eq!(my("int"), "int");
        assert_eq!(my("varchar(255)"), "varchar(255)");
        assert_eq!(my("decimal(10,2)"), "decimal(10,2)");
        assert_eq!(my("tinyint(1)"), "tinyint(1)");
        assert_eq!(my("int unsigned"), "sql(\"int unsigned\")");
        assert_eq!(my("enum('a','b c')"), "enum(\"a\",\"b c\")");
        assert_eq!(my("set('x')"), "set(\"x\")");
        assert_eq!(my("enum('it''s','b')"), "sql(\"enum('it''s','b')\")");
        assert_eq!(my("enum('a\\\\b')"), "sql(\"enum('a\\\\\\\\b')\")");
        let lite = |ty| column_type("sqlite", ty);
        assert_eq!(lite("integer"), "integer");
        assert_eq!(lite("varchar(255)"), "varchar(255)");
        assert_eq!(lite("decimal(10,2)"), "decimal(10,2)");
        assert_eq!(lite("unsigned big int"), "unsigned_big_int");
        assert_eq!(lite(""), "sql(\"\")");
        assert_eq!(lite("my type"), "sql(\"my type\")");
        assert_eq!(lite("timestamp"), "sql(\"timestamp\")");
        assert_eq!(lite("varchar (10)"), "sql(\"varchar (10)\")");
        assert_eq!(lite("varchar(10, 2)"), "sql(\"varchar(10, 2)\")");
        let ch = |ty| column_type("clickhouse", ty);
        assert_eq!(ch("UInt64"), "UInt64");
        assert_eq!(ch("DateTime64(3)"), "DateTime64(3)");
        assert_eq!(ch("Nullable(String)"), "sql(\"Nullable(String)\")");
        assert_eq!(ch("Decimal(10, 2)"), "sql(\"Decimal(10, 2)\")");
        assert_eq!(ch("uint64"), "sql(\"uint64\")");
        assert_eq!(column_type("duckdb", "INTEGER"), "sql(\"INTEGER\")");
    }

    #[test]
    fn defaults() {
        let d = |dialect, ty, text| default_value(dialect, ty, text);
        assert_eq!(d("sqlite", "integer", "0"), "0");
        assert_eq!(d("sqlite", "integer", "-12"), "-12");
        assert_eq!(d("sqlite", "integer", "007"), "sql(\"007\")");
        assert_eq!(d("sqlite", "real", "1.5"), "sql(\"1.5\")");
        assert_eq!(d("sqlite", "integer", "1234567890123456"), "sql(\"1234567890123456\")");
        assert_eq!(d("sqlite", "text", "'x'"), "\"x\"");
        assert_eq!(d("sqlite", "text", "'it''s ${x}'"), "\"it's $${x}\"");
        assert_eq!(d("sqlite", "text", "''"), "\"\"");
        assert_eq!(d("sqlite", "text", "'a' || 'b'"), "sql(\"'a' || 'b'\")");
        assert_eq!(d("sqlite", "text", "CURRENT_TIMESTAMP"), "sql(\"CURRENT_TIMESTAMP\")");
        assert_eq!(d("sqlite", "boolean", "TRUE"), "sql(\"TRUE\")");
        assert_eq!(d("postgres", "boolean", "true"), "true");
        assert_eq!(d("postgres", "character varying(20)", "'x'::character varying"), "\"x\"");
        assert_eq!(d("postgres", "text", "'x'::text"), "\"x\"");
        assert_eq!(d("postgres", "character(3)", "'ab'::bpchar"), "\"ab\"");
        assert_eq!(d("postgres", "date", "'2020-01-01'::date"), "\"2020-01-01\"");
        assert_eq!(d("postgres", "text", "'1'::integer"), "sql(\"'1'::integer\")");
        assert_eq!(d("postgres", "jsonb", "'{}'::jsonb"), "\"{}\"");
        assert_eq!(d("postgres", "text", "now()"), "sql(\"now()\")");
        assert_eq!(d("postgres", "text", "'a\\b'::text"), "sql(\"'a\\\\b'::text\")");
        assert_eq!(d("mysql", "varchar(10)", "'x'"), "\"x\"");
        assert_eq!(d("mysql", "varchar(10)", "'x'::text"), "sql(\"'x'::text\")");
        assert_eq!(d("mysql", "bit(3)", "b'101'"), "sql(\"b'101'\")");
        assert_eq!(d("mysql", "int", "(rand())"), "sql(\"(rand())\")");
    }
}
