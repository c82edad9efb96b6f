//! Identifier and literal quoting, and what PostgreSQL does when a column's type changes.

/// Quotes an identifier with double quotes, doubling any `"` inside
/// (https://www.postgresql.org/docs/current/sql-syntax-lexical.html#SQL-SYNTAX-IDENTIFIERS).
pub fn quote(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// A string literal. `standard_conforming_strings` is on by default since 9.1,
/// so only `'` needs doubling; a backslash makes it an `E''` literal to be safe
/// either way.
pub fn literal(value: &str) -> String {
    if value.contains('\\') {
        format!("E'{}'", value.replace('\\', "\\\\").replace('\'', "''"))
    } else {
        format!("'{}'", value.replace('\'', "''"))
    }
}

/// `name`, or `"schema"."name"` when `schema` is given.
pub(crate) fn qualified(schema: Option<&str>, name: &str) -> String {
    match schema {
        Some(s) => format!("{}.{}", quote(s), quote(name)),
        None => quote(name),
    }
}

/// The serial pseudo-types and the integer type each stands for
/// (https://www.postgresql.org/docs/current/datatype-numeric.html#DATATYPE-SERIAL).
pub(crate) fn serial_base(ty: &str) -> Option<&'static str> {
    match ty {
        "smallserial" => Some("smallint"),
        "serial" => Some("integer"),
        "bigserial" => Some("bigint"),
        _ => None,
    }
}

/// The serial pseudo-type standing for an integer type.
pub(crate) fn serial_of(ty: &str) -> Option<&'static str> {
    match ty {
        "smallint" => Some("smallserial"),
        "integer" => Some("serial"),
        "bigint" => Some("bigserial"),
        _ => None,
    }
}

/// A type split into its base name and its modifier: `character varying(20)` →
/// (`character varying`, Some(20, None)); arrays keep their `[]` in the base.
fn split_type(ty: &str) -> (String, Option<(i64, Option<i64>)>) {
    let Some(open) = ty.find('(') else { return (ty.to_string(), None) };
    let Some(close) = ty[open..].find(')').map(|c| open + c) else { return (ty.to_string(), None) };
    let args: Vec<Option<i64>> = ty[open + 1..close].split(',').map(|a| a.trim().parse::<i64>().ok()).collect();
    let base = format!("{}{}", ty[..open].trim_end(), &ty[close + 1..]);
    match args.as_slice() {
        [Some(p)] => (base, Some((*p, None))),
        [Some(p), Some(s)] => (base, Some((*p, Some(*s)))),
        _ => (ty.to_string(), None),
    }
}

/// `ty` without its length or precision modifier (`numeric(10,2)` → `numeric`),
/// when it has one and the bare type has no implicit limit of its own (bare
/// `character` and `bit` mean a length of 1).
pub(crate) fn without_modifier(ty: &str) -> Option<String> {
    let (base, modifier) = split_type(ty);
    (modifier.is_some() && !matches!(base.as_str(), "character" | "bit")).then_some(base)
}

fn int_rank(ty: &str) -> Option<u8> {
    match ty {
        "smallint" => Some(1),
        "integer" => Some(2),
        "bigint" => Some(3),
        _ => None,
    }
}

fn is_string(base: &str) -> bool {
    matches!(base, "text" | "character varying" | "character")
}

/// The range of an integer type, for narrowing checks.
pub(crate) fn int_range(ty: &str) -> Option<(i64, i64)> {
    match ty {
        "smallint" => Some((i64::from(i16::MIN), i64::from(i16::MAX))),
        "integer" => Some((i64::from(i32::MIN), i64::from(i32::MAX))),
        _ => None,
    }
}

/// What changing a column from type `from` to `to` does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct TypeChange {
    /// The server converts implicitly (an assignment cast exists), so no `USING` is needed.
    pub implicit: bool,
    /// Every value of `from` fits `to`.
    pub widening: bool,
    /// The server rewrites the table. Binary-coercible changes that only relax a
    /// length or precision limit do not
    /// (https://www.postgresql.org/docs/current/sql-altertable.html#SQL-ALTERTABLE-NOTES).
    pub rewrites: bool,
}

/// Classifies a change of column type (both as `format_type` prints them).
pub(crate) fn type_change(from: &str, to: &str) -> TypeChange {
    let from = serial_base(from).unwrap_or(from);
    let to = serial_base(to).unwrap_or(to);
    let (fb, fm) = split_type(from);
    let (tb, tm) = split_type(to);
    if let (Some(f), Some(t)) = (int_rank(&fb), int_rank(&tb)) {
        return TypeChange { implicit: true, widening: t >= f, rewrites: t != f };
    }
    if is_string(&fb) && is_string(&tb) {
        let limit = |base: &str, m: Option<(i64, Option<i64>)>| match (base, m) {
            ("text", _) | ("character varying", None) => i64::MAX,
            ("character", None) => 1,
            (_, Some((n, _))) => n,
            _ => i64::MAX,
        };
        let widening = limit(&tb, tm) >= limit(&fb, fm);
        // varchar(n) → varchar(m ≥ n), varchar → text and back are binary-coercible;
        // char(n) pads with blanks and is not.
        let rewrites = fb == "character" || tb == "character" || !widening;
        return TypeChange { implicit: true, widening, rewrites };
    }
    if fb == "numeric" && tb == "numeric" {
        let widening = match (fm, tm) {
            (_, None) => true,
            (None, Some(_)) => false,
            (Some((fp, fs)), Some((tp, ts))) => fs == ts && tp >= fp,
        };
        return TypeChange { implicit: true, widening, rewrites: !widening };
    }
    if int_rank(&fb).is_some() && matches!(tb.as_str(), "numeric" | "real" | "double precision") {
        return TypeChange { implicit: true, widening: tm.is_none() || tb != "numeric", rewrites: true };
    }
    if fb == "real" && tb == "double precision" {
        return TypeChange { implicit: true, widening: true, rewrites: true };
    }
    if fb == "timestamp without time zone" && tb == "timestamp with time zone"
        || fb == "timestamp with time zone" && tb == "timestamp without time zone"
    {
        // Binary-coercible when the session time zone is UTC; assume the rewrite.
        return TypeChange { implicit: true, widening: true, rewrites: true };
    }
    if is_string(&tb) && tm.is_none() {
        // Every type has an assignment cast to text through its output function.
        return TypeChange { implicit: true, widening: true, rewrites: true };
    }
    TypeChange { implicit: false, widening: false, rewrites: true }
}

/// The expression converting `column` (quoted) of type `from` to `to` in
/// `ALTER COLUMN … TYPE … USING`. Casts exist between `boolean` and `integer`
/// only; other integer types compare with zero, as the cast to boolean does.
pub(crate) fn conversion(column: &str, from: &str, to: &str) -> String {
    let from = serial_base(from).unwrap_or(from);
    let to = serial_base(to).unwrap_or(to);
    match (int_rank(from), int_rank(to)) {
        (Some(_), None) if to == "boolean" => format!("({column} <> 0)"),
        (None, Some(_)) if from == "boolean" && to != "integer" => format!("{column}::integer::{to}"),
        // A user type (an enum moved to another enum) has no cast from
        // another one; every type has one through its text form.
        _ if !builtin(to) && from != "text" => format!("{column}::text::{to}"),
        _ => format!("{column}::{to}"),
    }
}

/// PostgreSQL's own types (arrays of them too), as `format_type` prints them.
fn builtin(ty: &str) -> bool {
    let base = ty.trim_end_matches("[]");
    let word = base.split(['(', ' ']).next().unwrap_or(base);
    matches!(
        word,
        "smallint"
            | "integer"
            | "bigint"
            | "numeric"
            | "decimal"
            | "real"
            | "double"
            | "money"
            | "text"
            | "character"
            | "varchar"
            | "char"
            | "boolean"
            | "date"
            | "time"
            | "timestamp"
            | "interval"
            | "json"
            | "jsonb"
            | "uuid"
            | "bytea"
            | "inet"
            | "cidr"
            | "macaddr"
            | "macaddr8"
            | "bit"
            | "xml"
            | "point"
            | "line"
            | "lseg"
            | "box"
            | "path"
            | "polygon"
            | "circle"
            | "tsvector"
            | "tsquery"
            | "int4range"
            | "int8range"
            | "numrange"
            | "tsrange"
            | "tstzrange"
            | "daterange"
            | "oid"
            | "name"
            | "smallserial"
            | "serial"
            | "bigserial"
    )
}

/// True for the integer types (serials included).
pub(crate) fn is_integer(ty: &str) -> bool {
    int_rank(serial_base(ty).unwrap_or(ty)).is_some()
}

/// True when a default expression is volatile, so `ADD COLUMN … DEFAULT` must
/// compute it for every row and rewrites the table (stable defaults such as
/// `now()` are evaluated once since PostgreSQL 11).
pub(crate) fn volatile_default(expr: &str) -> bool {
    let lower = expr.to_lowercase();
    [
        "nextval(",
        "random(",
        "clock_timestamp(",
        "timeofday(",
        "gen_random_uuid(",
        "uuid_generate_",
        "statement_timestamp(",
    ]
    .iter()
    .any(|f| lower.contains(f))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting() {
        assert_eq!(quote("a\"b"), "\"a\"\"b\"");
        assert_eq!(literal("it's"), "'it''s'");
        assert_eq!(literal("a\\b"), "E'a\\\\b'");
        assert_eq!(qualified(Some("s"), "t"), "\"s\".\"t\"");
    }

    #[test]
    fn type_changes() {
        let c = type_change("integer", "bigint");
        assert!(c.implicit && c.widening && c.rewrites);
        let c = type_change("character varying(10)", "character varying(20)");
        assert!(c.implicit && c.widening && !c.rewrites);
        let c = type_change("character varying(20)", "character varying(10)");
        assert!(c.implicit && !c.widening);
        assert!(!type_change("text", "integer").implicit);
        assert!(type_change("numeric(10,2)", "numeric(12,2)").widening);
        assert!(!type_change("numeric(10,2)", "numeric(10,1)").widening);
        assert!(!type_change("bigint", "integer").widening);
        assert_eq!(conversion("\"c\"", "bigint", "boolean"), "(\"c\" <> 0)");
        assert_eq!(conversion("\"c\"", "boolean", "bigint"), "\"c\"::integer::bigint");
        assert_eq!(conversion("\"c\"", "boolean", "integer"), "\"c\"::integer");
        assert_eq!(conversion("\"c\"", "text", "integer"), "\"c\"::integer");
    }
}

/// A sequence's options (`pg_sequence`), for identity columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct SequenceOptions {
    pub start: i64,
    pub increment: i64,
    pub min: i64,
    pub max: i64,
    pub cache: i64,
    pub cycle: bool,
}

/// The range of an integer type a sequence can be of.
fn integer_range(ty: &str) -> (i64, i64) {
    match serial_base(ty).unwrap_or(ty) {
        "smallint" => (i64::from(i16::MIN), i64::from(i16::MAX)),
        "integer" => (i64::from(i32::MIN), i64::from(i32::MAX)),
        _ => (i64::MIN, i64::MAX),
    }
}

impl SequenceOptions {
    /// What PostgreSQL picks when a sequence of type `ty` with `increment`
    /// declares nothing else.
    pub(crate) fn defaults(ty: &str, increment: i64) -> SequenceOptions {
        let (lo, hi) = integer_range(ty);
        let (min, max) = if increment < 0 { (lo, -1) } else { (1, hi) };
        SequenceOptions { start: if increment < 0 { max } else { min }, increment, min, max, cache: 1, cycle: false }
    }

    /// The options that differ from the defaults, as `{start, increment, min, max, cache, cycle}`.
    pub(crate) fn non_default(&self, ty: &str) -> serde_json::Map<String, serde_json::Value> {
        let d = SequenceOptions::defaults(ty, self.increment);
        let mut out = serde_json::Map::new();
        let mut put = |k: &str, v: serde_json::Value, default: serde_json::Value| {
            if v != default {
                out.insert(k.into(), v);
            }
        };
        put("start", self.start.into(), d.start.into());
        put("increment", self.increment.into(), 1.into());
        put("min", self.min.into(), d.min.into());
        put("max", self.max.into(), d.max.into());
        put("cache", self.cache.into(), 1.into());
        put("cycle", self.cycle.into(), false.into());
        out
    }

    /// Options from an attribute written by [`SequenceOptions::non_default`].
    pub(crate) fn from_attr(ty: &str, set: Option<&serde_json::Value>) -> SequenceOptions {
        let get = |k: &str| set.and_then(|s| s.get(k)).and_then(serde_json::Value::as_i64);
        let increment = get("increment").unwrap_or(1);
        let d = SequenceOptions::defaults(ty, increment);
        SequenceOptions {
            start: get("start").unwrap_or(d.start),
            increment,
            min: get("min").unwrap_or(d.min),
            max: get("max").unwrap_or(d.max),
            cache: get("cache").unwrap_or(1),
            cycle: set.and_then(|s| s.get("cycle")).and_then(serde_json::Value::as_bool).unwrap_or(false),
        }
    }

    /// `START WITH 100 INCREMENT BY 5 …` for the options that differ from the defaults.
    pub(crate) fn clause(&self, ty: &str) -> String {
        let d = SequenceOptions::defaults(ty, self.increment);
        let mut parts = Vec::new();
        if self.start != d.start {
            parts.push(format!("START WITH {}", self.start));
        }
        if self.increment != 1 {
            parts.push(format!("INCREMENT BY {}", self.increment));
        }
        if self.min != d.min {
            parts.push(format!("MINVALUE {}", self.min));
        }
        if self.max != d.max {
            parts.push(format!("MAXVALUE {}", self.max));
        }
        if self.cache != 1 {
            parts.push(format!("CACHE {}", self.cache));
        }
        if self.cycle {
            parts.push("CYCLE".into());
        }
        parts.join(" ")
    }

    /// `SET START WITH 1 SET INCREMENT BY 1 SET NO MINVALUE …`: every option, so
    /// that an ALTER from any other options lands exactly here.
    pub(crate) fn alter_clause(&self, ty: &str) -> String {
        let d = SequenceOptions::defaults(ty, self.increment);
        let min = if self.min == d.min { "SET NO MINVALUE".to_string() } else { format!("SET MINVALUE {}", self.min) };
        let max = if self.max == d.max { "SET NO MAXVALUE".to_string() } else { format!("SET MAXVALUE {}", self.max) };
        format!(
            "SET INCREMENT BY {} {min} {max} SET START WITH {} SET CACHE {} SET {}",
            self.increment,
            self.start,
            self.cache,
            if self.cycle { "CYCLE" } else { "NO CYCLE" }
        )
    }
}
