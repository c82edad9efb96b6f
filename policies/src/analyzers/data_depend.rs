//! `data_depend` (MF101–MF105, LT101, MY101): changes that succeed or fail
//! depending on the rows already in the table: unique indexes over
//! duplicates, NOT NULL over NULLs, narrower types over values that do not
//! fit. Tables created earlier in the same units hold no rows and are exempt.

use strata_dialect_api::{Attr, Change, Column, Index, TableChange};

use super::scope::{Scope, is_mysql, is_postgres, mentions, quote, quoted_list};
use crate::{Analyzer, Raw, Subject, Unit};

/// The data-dependent-changes analyzer.
pub struct DataDepend;

impl Analyzer for DataDepend {
    fn name(&self) -> &'static str {
        "data_depend"
    }

    fn codes(&self) -> &'static [&'static str] {
        &["MF101", "MF102", "MF103", "MF104", "MF105", "LT101", "MY101"]
    }

    fn analyze(&self, subject: &Subject, units: &[Unit], _: &serde_json::Value) -> Vec<Raw> {
        let dialect = subject.dialect.as_str();
        let mut out = Vec::new();
        let mut scope = Scope::default();
        for (i, unit) in units.iter().enumerate() {
            scope.see_unit(unit);
            for change in &unit.changes {
                let Change::ModifyTable { schema, to, changes, .. } = change else { continue };
                if scope.is_empty(schema, &to.name) {
                    continue;
                }
                let table = to.name.as_str();
                let strict = to.attrs.contains(&Attr::Strict);
                for c in changes {
                    match c {
                        TableChange::AddIndex { index } if index.unique => {
                            let existing: Vec<&str> = index
                                .parts
                                .iter()
                                .filter_map(|p| p.column.as_deref())
                                .filter(|c| !scope.column_is_new(schema, table, c))
                                .collect();
                            if existing.is_empty() {
                                continue;
                            }
                            let s = match existing.as_slice() {
                                [one] => format!("column {one:?} contains"),
                                many => format!("columns {} contain", quoted_list(many)),
                            };
                            out.push(
                                Raw::new(
                                    "MF101",
                                    i,
                                    format!(
                                        "Adding a unique index {:?} on table {table:?} might fail in case {s} duplicate entries",
                                        index.name
                                    ),
                                )
                                .fix(duplicates_fix(dialect, table, index)),
                            );
                        }
                        TableChange::ModifyIndex { from: old, to: new }
                            if !old.unique && new.unique && !scope.index_is_new(schema, table, &new.name) =>
                        {
                            out.push(
                                Raw::new(
                                    "MF102",
                                    i,
                                    format!(
                                        "Modifying an index {:?} on table {table:?} might fail in case of duplicate entries",
                                        new.name
                                    ),
                                )
                                .fix(duplicates_fix(dialect, table, new)),
                            );
                        }
                        TableChange::AddColumn { column } if needs_value(column) => {
                            out.push(add_not_null(dialect, i, table, column));
                        }
                        TableChange::ModifyColumn { from: old, to: new, change } => {
                            if change.null
                                && old.nullable
                                && !new.nullable
                                && let Some(raw) = set_not_null(dialect, i, table, new, units)
                            {
                                out.push(raw);
                            }
                            if change.ty && !scope.column_is_new(schema, table, &new.name) {
                                let narrow = if dialect == "sqlite" {
                                    narrows_sqlite(strict, &old.ty, &new.ty)
                                } else {
                                    narrows(dialect, &old.ty, &new.ty)
                                };
                                if let Some(reason) = narrow {
                                    out.push(
                                        Raw::new(
                                            "MF105",
                                            i,
                                            format!(
                                                "Changing the type of column {:?} on table {table:?} from {:?} to {:?} \
                                                 might fail or truncate existing values",
                                                new.name, old.ty, new.ty
                                            ),
                                        )
                                        .fix(narrow_fix(dialect, table, &new.name, &new.ty, reason)),
                                    );
                                }
                            }
                        }
                        _ => {}
                    }
                }
            }
        }
        out
    }
}

/// A NOT NULL column without a default that nothing else fills (generated,
/// identity, auto-increment columns get values of their own).
fn needs_value(column: &Column) -> bool {
    let fills_itself = column.generated.is_some()
        || column.attrs.iter().any(|a| match a {
            Attr::AutoIncrement => true,
            Attr::Other { name, .. } => matches!(name.as_str(), "identity" | "auto_increment"),
            _ => false,
        });
    !column.nullable && column.default.is_none() && !fills_itself
}

/// MF103, or MY101 where MySQL quietly fills existing rows instead of failing.
fn add_not_null(dialect: &str, i: usize, table: &str, column: &Column) -> Raw {
    if is_mysql(dialect)
        && let Some(value) = mysql_implicit_value(&column.ty)
    {
        return Raw::new(
            "MY101",
            i,
            format!(
                "Adding a non-nullable {:?} column {:?} on table {table:?} without a default value implicitly sets \
                 existing rows with {value}",
                column.ty, column.name
            ),
        )
        .fix("give the column an explicit DEFAULT, so existing rows get a value chosen on purpose");
    }
    Raw::new(
        "MF103",
        i,
        format!(
            "Adding a non-nullable {:?} column {:?} will fail in case table {table:?} is not empty",
            column.ty, column.name
        ),
    )
    .fix("give the column a DEFAULT, or add it nullable, backfill it, then set it NOT NULL")
}

/// What MySQL stores in existing rows for a new NOT NULL column without a
/// default, by type; None where the ALTER fails instead (dates, spatial) or
/// the type is unknown.
fn mysql_implicit_value(ty: &str) -> Option<String> {
    let t = ty.trim().to_lowercase();
    let base = t.split(['(', ' ']).next().unwrap_or_default();
    let value = match base {
        "tinyint" | "smallint" | "mediumint" | "int" | "integer" | "bigint" | "decimal" | "numeric" | "dec"
        | "fixed" | "float" | "double" | "real" | "bit" | "bool" | "boolean" | "serial" => "0".to_string(),
        "char" | "varchar" | "binary" | "varbinary" | "tinytext" | "text" | "mediumtext" | "longtext" | "tinyblob"
        | "blob" | "mediumblob" | "longblob" | "set" => "\"\"".to_string(),
        "enum" => first_enum_value(ty).map(|v| format!("{v:?}"))?,
        "json" => "JSON null".to_string(),
        "year" => "0000".to_string(),
        "time" => "00:00:00".to_string(),
        "timestamp" => "0000-00-00 00:00:00".to_string(),
        _ => return None,
    };
    Some(value)
}

/// The first value of `enum('a','b')`.
fn first_enum_value(ty: &str) -> Option<String> {
    let start = ty.find('\'')? + 1;
    let mut value = String::new();
    let mut chars = ty[start..].chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\'' {
            if chars.peek() == Some(&'\'') {
                chars.next();
            } else {
                return Some(value);
            }
        }
        value.push(c);
    }
    None
}

/// MF104 (LT101 on SQLite, where a DEFAULT fills the NULLs when the table is
/// copied), unless an earlier UPDATE in the units backfilled the column.
fn set_not_null(dialect: &str, i: usize, table: &str, column: &Column, units: &[Unit]) -> Option<Raw> {
    let backfilled = units[..i].iter().any(|u| {
        u.data
            && u.sql.trim_start().to_lowercase().starts_with("update")
            && mentions(&u.sql, table)
            && mentions(&u.sql, &column.name)
    });
    if backfilled {
        return None;
    }
    let (t, c) = (quote(dialect, table), quote(dialect, &column.name));
    let fix = format!(
        "backfill it first (UPDATE {t} SET {c} = ... WHERE {c} IS NULL), or guard it with a pre-migration check \
         (checks.sql: SELECT NOT EXISTS (SELECT 1 FROM {t} WHERE {c} IS NULL))"
    );
    if dialect == "sqlite" {
        if column.default.is_some() {
            return None;
        }
        return Some(
            Raw::new(
                "LT101",
                i,
                format!(
                    "Modifying nullable column {:?} to non-nullable without default value might fail in case it \
                     contains NULL values",
                    column.name
                ),
            )
            .fix(fix),
        );
    }
    Some(
        Raw::new(
            "MF104",
            i,
            format!(
                "Modifying nullable column {:?} to non-nullable might fail in case it contains NULL values",
                column.name
            ),
        )
        .fix(fix),
    )
}

/// A pre-migration check that finds the duplicates a unique index would reject.
fn duplicates_fix(dialect: &str, table: &str, index: &Index) -> String {
    let parts: Vec<String> = index
        .parts
        .iter()
        .filter_map(|p| p.column.as_deref().map(|c| quote(dialect, c)).or_else(|| p.expr.clone()))
        .collect();
    // NULLs never collide in a unique index (unless NULLS NOT DISTINCT).
    let mut filter: Vec<String> = parts.iter().map(|p| format!("{p} IS NOT NULL")).collect();
    if let Some(predicate) = &index.predicate {
        filter.push(format!("({predicate})"));
    }
    format!(
        "remove duplicates first, or guard it with a pre-migration check (checks.sql: SELECT NOT EXISTS (SELECT 1 \
         FROM {} WHERE {} GROUP BY {} HAVING COUNT(*) > 1))",
        quote(dialect, table),
        filter.join(" AND "),
        parts.join(", ")
    )
}

/// Why a type change can fail or truncate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Narrow {
    /// Values longer than this many characters (or bytes, for binary).
    Length(u64, bool),
    /// Integers outside this range.
    Range(i128, i128),
    /// Anything else: lost digits, precision, parts of a date, conversions.
    Lossy,
}

fn narrow_fix(dialect: &str, table: &str, column: &str, to: &str, reason: Narrow) -> String {
    let (t, c) = (quote(dialect, table), quote(dialect, column));
    let condition = match reason {
        Narrow::Length(n, binary) => {
            let f = match (dialect, binary) {
                ("sqlite", _) => "LENGTH",
                (_, true) if is_postgres(dialect) => "OCTET_LENGTH",
                (_, true) => "LENGTH",
                _ => "CHAR_LENGTH",
            };
            format!("{f}({c}) > {n}")
        }
        Narrow::Range(min, max) => format!("{c} NOT BETWEEN {min} AND {max}"),
        Narrow::Lossy => {
            return format!("check that every existing value of {c} converts to {to} without loss before this runs");
        }
    };
    format!("guard it with a pre-migration check (checks.sql: SELECT NOT EXISTS (SELECT 1 FROM {t} WHERE {condition}))")
}

/// What a type is, as far as narrowing goes.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    /// An integer with its range.
    Int(i128, i128),
    /// A fixed-point number: digits before and after the point (None: unbounded).
    Dec(Option<i64>, Option<i64>),
    /// A binary floating-point number of this many bytes.
    Float(u8),
    /// Text of at most this many characters (None: unbounded).
    Text(Option<u64>),
    /// Bytes, at most this many (None: unbounded).
    Bin(Option<u64>),
    /// Date and/or time: has a date, has a time of day, fractional digits, with a time zone.
    Time { date: bool, time: bool, precision: i64, tz: bool },
}

/// A type's base name (modifiers removed, whitespace collapsed, lowercase),
/// its numeric modifiers and whether it is unsigned.
fn split(ty: &str) -> (String, Vec<i64>, bool) {
    let t = ty.trim().to_lowercase();
    let (mut rest, mut args) = (t.clone(), Vec::new());
    if let (Some(open), Some(close)) = (t.find('('), t.find(')'))
        && open < close
    {
        args = t[open + 1..close].split(',').filter_map(|a| a.trim().parse::<i64>().ok()).collect();
        rest = format!("{} {}", &t[..open], &t[close + 1..]);
    }
    let words: Vec<&str> = rest.split_whitespace().collect();
    let unsigned = words.contains(&"unsigned");
    let base = words
        .iter()
        .filter(|w| !matches!(**w, "unsigned" | "signed" | "zerofill"))
        .copied()
        .collect::<Vec<_>>()
        .join(" ");
    (base, args, unsigned)
}

fn int_range(bits: u32, unsigned: bool) -> (i128, i128) {
    if unsigned { (0, (1i128 << bits) - 1) } else { (-(1i128 << (bits - 1)), (1i128 << (bits - 1)) - 1) }
}

/// Classifies a MySQL or PostgreSQL type spelling; None when unknown.
fn kind(dialect: &str, ty: &str) -> Option<Kind> {
    let (base, args, unsigned) = split(ty);
    let pg = is_postgres(dialect);
    let len = args.first().and_then(|n| u64::try_from(*n).ok());
    let int = |bits| {
        let (min, max) = int_range(bits, unsigned);
        Some(Kind::Int(min, max))
    };
    match base.as_str() {
        "tinyint" => int(8),
        "smallint" | "int2" | "smallserial" | "serial2" => int(16),
        "mediumint" => int(24),
        "int" | "integer" | "int4" | "serial" | "serial4" => int(32),
        "bigint" | "int8" | "bigserial" | "serial8" => int(64),
        "numeric" | "decimal" | "dec" | "fixed" => Some(match args.as_slice() {
            [p] => Kind::Dec(Some(*p), Some(0)),
            [p, s] => Kind::Dec(Some(p - s), Some(*s)),
            _ if pg => Kind::Dec(None, None),
            // MySQL's bare DECIMAL is DECIMAL(10,0).
            _ => Kind::Dec(Some(10), Some(0)),
        }),
        "real" | "float4" => Some(Kind::Float(4)),
        "double precision" | "double" | "float8" => Some(Kind::Float(8)),
        "float" => Some(match args.first() {
            Some(p) => Kind::Float(if *p <= 24 { 4 } else { 8 }),
            // PostgreSQL's bare FLOAT is double precision, MySQL's is 4 bytes.
            None => Kind::Float(if pg { 8 } else { 4 }),
        }),
        "varchar" | "character varying" | "nvarchar" | "national character varying" | "varchar2" => {
            Some(Kind::Text(len))
        }
        "char" | "character" | "nchar" | "national character" | "bpchar" => Some(Kind::Text(len.or(Some(1)))),
        "text" => Some(Kind::Text(if pg { None } else { Some(65_535) })),
        "citext" => Some(Kind::Text(None)),
        "tinytext" => Some(Kind::Text(Some(255))),
        "mediumtext" => Some(Kind::Text(Some(16_777_215))),
        "longtext" => Some(Kind::Text(Some(4_294_967_295))),
        "bytea" => Some(Kind::Bin(None)),
        "binary" => Some(Kind::Bin(len.or(Some(1)))),
        "varbinary" => Some(Kind::Bin(len)),
        "tinyblob" => Some(Kind::Bin(Some(255))),
        "blob" => Some(Kind::Bin(Some(65_535))),
        "mediumblob" => Some(Kind::Bin(Some(16_777_215))),
        "longblob" => Some(Kind::Bin(Some(4_294_967_295))),
        "date" => Some(Kind::Time { date: true, time: false, precision: 0, tz: false }),
        _ => {
            // Fractional seconds default to 6 digits on PostgreSQL, 0 on MySQL.
            let precision = args.first().copied().unwrap_or(if pg { 6 } else { 0 });
            let (date, time, tz) = match base.as_str() {
                "timestamp" | "timestamp without time zone" | "datetime" => (true, true, false),
                "timestamptz" | "timestamp with time zone" => (true, true, true),
                "time" | "time without time zone" => (false, true, false),
                "timetz" | "time with time zone" => (false, true, true),
                _ => return None,
            };
            Some(Kind::Time { date, time, precision, tz })
        }
    }
}

/// Decimal digits needed for the integer part of any value in the range.
fn digits(min: i128, max: i128) -> i64 {
    let widest = min.unsigned_abs().max(max.unsigned_abs());
    i64::try_from(widest.to_string().len()).unwrap_or(i64::MAX)
}

/// Why changing a column from `from` to `to` can fail or lose data, for the
/// MySQL and PostgreSQL spellings; None when it cannot or the pair is unknown.
fn narrows(dialect: &str, from: &str, to: &str) -> Option<Narrow> {
    let (f, t) = (kind(dialect, from)?, kind(dialect, to)?);
    let fewer = |a: Option<i64>, b: Option<i64>| match (a, b) {
        (_, None) => false,
        (None, Some(_)) => true,
        (Some(a), Some(b)) => b < a,
    };
    let lossy = match (f, t) {
        (Kind::Int(fmin, fmax), Kind::Int(tmin, tmax)) => {
            return (tmin > fmin || tmax < fmax).then_some(Narrow::Range(tmin, tmax));
        }
        (Kind::Int(min, max), Kind::Dec(int_digits, _)) => fewer(Some(digits(min, max)), int_digits),
        (Kind::Dec(fi, fs), Kind::Dec(ti, ts)) => fewer(fi, ti) || fewer(fs, ts),
        (Kind::Dec(fi, fs), Kind::Int(min, max)) => fs != Some(0) || fewer(fi, Some(digits(min, max))),
        (Kind::Float(_), Kind::Int(..) | Kind::Dec(..)) => true,
        (Kind::Float(a), Kind::Float(b)) => b < a,
        (Kind::Text(a), Kind::Text(Some(b))) => {
            return a.is_none_or(|a| b < a).then_some(Narrow::Length(b, false));
        }
        (Kind::Bin(a), Kind::Bin(Some(b))) => {
            return a.is_none_or(|a| b < a).then_some(Narrow::Length(b, true));
        }
        // Text that must parse as a number or a time may not.
        (Kind::Text(_), Kind::Int(..) | Kind::Dec(..) | Kind::Float(_) | Kind::Time { .. }) => true,
        (
            Kind::Time { date: fd, time: ft, precision: fp, tz: fz },
            Kind::Time { date: td, time: tt, precision: tp, tz: tz_ },
        ) => fz == tz_ && ((fd && !td) || (ft && (!tt || tp < fp))),
        _ => false,
    };
    lossy.then_some(Narrow::Lossy)
}

/// SQLite ignores lengths and stores any integer in 8 bytes: only a STRICT
/// table rejects values that do not convert to the new type's class.
fn narrows_sqlite(strict: bool, from: &str, to: &str) -> Option<Narrow> {
    if !strict {
        return None;
    }
    let class = |ty: &str| match ty.trim().to_lowercase().as_str() {
        "int" | "integer" => Some(0),
        "real" => Some(1),
        "text" | "blob" | "any" => Some(2),
        _ => None,
    };
    let (f, t) = (class(from)?, class(to)?);
    (t < f).then_some(Narrow::Lossy)
}

#[cfg(test)]
mod tests {
    use super::*;
    use strata_dialect_api::{ColumnChange, IndexPart, Table};

    fn col(name: &str, ty: &str, nullable: bool) -> Column {
        Column { name: name.into(), ty: ty.into(), nullable, ..Column::default() }
    }

    fn table(name: &str) -> Table {
        Table { name: name.into(), columns: vec![col("id", "int", false)], ..Table::default() }
    }

    fn modify(t: &str, changes: Vec<TableChange>) -> Unit {
        Unit {
            changes: vec![Change::ModifyTable { schema: "s".into(), from: table(t), to: table(t), changes }],
            ..Unit::default()
        }
    }

    fn create(t: &str) -> Unit {
        Unit { changes: vec![Change::AddTable { schema: "s".into(), table: table(t) }], ..Unit::default() }
    }

    fn run(dialect: &str, units: &[Unit]) -> Vec<(&'static str, usize, String)> {
        let subject = Subject { dialect: dialect.into(), ..Subject::default() };
        DataDepend
            .analyze(&subject, units, &serde_json::Value::Null)
            .into_iter()
            .map(|r| (r.code, r.unit, r.message))
            .collect()
    }

    fn unique(name: &str, cols: &[&str]) -> Index {
        Index {
            name: name.into(),
            unique: true,
            parts: cols.iter().map(|c| IndexPart::column(*c)).collect(),
            ..Index::default()
        }
    }

    fn set_type(c: &str, from: &str, to: &str) -> TableChange {
        let (a, b) = (col(c, from, true), col(c, to, true));
        TableChange::ModifyColumn { change: ColumnChange::between(&a, &b), from: a, to: b }
    }

    #[test]
    fn mf101_unique_index_on_existing_columns() {
        let units = [modify("users", vec![TableChange::AddIndex { index: unique("idx", &["email"]) }])];
        assert_eq!(
            run("postgres", &units),
            [("MF101", 0, "Adding a unique index \"idx\" on table \"users\" might fail in case column \"email\" contains duplicate entries".to_string())]
        );
        let units = [modify("users", vec![TableChange::AddIndex { index: unique("idx", &["a", "b"]) }])];
        assert!(run("mysql", &units)[0].2.contains("columns \"a\", \"b\" contain duplicate entries"));
        let raw = &DataDepend.analyze(
            &Subject { dialect: "postgres".into(), ..Subject::default() },
            &units,
            &serde_json::Value::Null,
        )[0];
        assert!(raw.fix.as_deref().is_some_and(|f| f.contains(
            "SELECT NOT EXISTS (SELECT 1 FROM \"users\" WHERE \"a\" IS NOT NULL AND \"b\" IS NOT NULL GROUP BY \"a\", \"b\" HAVING COUNT(*) > 1)"
        )));
    }

    #[test]
    fn mf101_quiet_on_new_tables_new_columns_and_plain_indexes() {
        let index = TableChange::AddIndex { index: unique("idx", &["email"]) };
        assert!(run("postgres", &[create("users"), modify("users", vec![index.clone()])]).is_empty());
        let add = TableChange::AddColumn { column: col("email", "text", true) };
        assert!(run("postgres", &[modify("users", vec![add]), modify("users", vec![index])]).is_empty());
        let plain = Index { unique: false, ..unique("idx", &["email"]) };
        assert!(run("postgres", &[modify("users", vec![TableChange::AddIndex { index: plain }])]).is_empty());
    }

    #[test]
    fn a_table_filled_after_creation_is_checked_again() {
        let insert = Unit { sql: "INSERT INTO users SELECT * FROM old".into(), data: true, ..Unit::default() };
        let index = TableChange::AddIndex { index: unique("idx", &["email"]) };
        let found = run("sqlite", &[create("users"), insert, modify("users", vec![index])]);
        assert_eq!(found.iter().map(|f| f.0).collect::<Vec<_>>(), ["MF101"]);
    }

    #[test]
    fn mf102_index_made_unique() {
        let plain = Index { unique: false, ..unique("idx", &["email"]) };
        let change = TableChange::ModifyIndex { from: plain.clone(), to: unique("idx", &["email"]) };
        assert_eq!(
            run("postgres", &[modify("users", vec![change.clone()])]),
            [(
                "MF102",
                0,
                "Modifying an index \"idx\" on table \"users\" might fail in case of duplicate entries".to_string()
            )]
        );
        // On a table created earlier in the units there are no rows to collide.
        let add = TableChange::AddIndex { index: plain.clone() };
        assert!(run("postgres", &[create("users"), modify("users", vec![add, change.clone()])]).is_empty());
        let back = TableChange::ModifyIndex { from: unique("idx", &["email"]), to: plain };
        assert!(run("postgres", &[modify("users", vec![back])]).is_empty());
    }

    #[test]
    fn mf103_not_null_column_without_default() {
        let add = TableChange::AddColumn { column: col("age", "integer", false) };
        assert_eq!(
            run("postgres", &[modify("users", vec![add.clone()])]),
            [(
                "MF103",
                0,
                "Adding a non-nullable \"integer\" column \"age\" will fail in case table \"users\" is not empty"
                    .to_string()
            )]
        );
        assert!(run("postgres", &[create("users"), modify("users", vec![add])]).is_empty());
        let defaulted = Column { default: Some("0".into()), ..col("age", "integer", false) };
        assert!(run("postgres", &[modify("users", vec![TableChange::AddColumn { column: defaulted }])]).is_empty());
        let identity = Column {
            attrs: vec![Attr::Other { dialect: "postgres".into(), name: "identity".into(), value: "ALWAYS".into() }],
            ..col("n", "bigint", false)
        };
        assert!(run("postgres", &[modify("users", vec![TableChange::AddColumn { column: identity }])]).is_empty());
        // MySQL fails on a date without default.
        let date = TableChange::AddColumn { column: col("d", "datetime", false) };
        assert_eq!(run("mysql", &[modify("users", vec![date])])[0].0, "MF103");
    }

    #[test]
    fn my101_mysql_fills_existing_rows_implicitly() {
        let add = TableChange::AddColumn { column: col("age", "int", false) };
        assert_eq!(
            run("mysql", &[modify("users", vec![add.clone()])]),
            [(
                "MY101",
                0,
                "Adding a non-nullable \"int\" column \"age\" on table \"users\" without a default value implicitly sets \
                 existing rows with 0"
                    .to_string()
            )]
        );
        let e = TableChange::AddColumn { column: col("e", "enum('a','b')", false) };
        assert!(run("mysql", &[modify("users", vec![e])])[0].2.ends_with("existing rows with \"a\""));
        assert!(run("mysql", &[create("users"), modify("users", vec![add.clone()])]).is_empty());
        assert_eq!(run("postgres", &[modify("users", vec![add])])[0].0, "MF103");
    }

    #[test]
    fn mf104_and_lt101_nullable_to_not_null() {
        let (a, b) = (col("email", "text", true), col("email", "text", false));
        let change =
            TableChange::ModifyColumn { change: ColumnChange::between(&a, &b), from: a.clone(), to: b.clone() };
        assert_eq!(
            run("postgres", &[modify("users", vec![change.clone()])]),
            [(
                "MF104",
                0,
                "Modifying nullable column \"email\" to non-nullable might fail in case it contains NULL values"
                    .to_string()
            )]
        );
        assert_eq!(
            run("sqlite", &[modify("users", vec![change.clone()])]),
            [(
                "LT101",
                0,
                "Modifying nullable column \"email\" to non-nullable without default value might fail in case it \
                 contains NULL values"
                    .to_string()
            )]
        );
        // SQLite copies the table and fills NULLs with the default.
        let d = Column { default: Some("''".into()), ..b };
        let defaulted = TableChange::ModifyColumn { change: ColumnChange::between(&a, &d), from: a, to: d };
        assert!(run("sqlite", &[modify("users", vec![defaulted])]).is_empty());
        assert!(run("postgres", &[create("users"), modify("users", vec![change.clone()])]).is_empty());
        let backfill =
            Unit { sql: "UPDATE users SET email = '' WHERE email IS NULL".into(), data: true, ..Unit::default() };
        assert!(run("postgres", &[backfill, modify("users", vec![change])]).is_empty());
    }

    #[test]
    fn mf105_narrowed_types() {
        let found = run(
            "postgres",
            &[modify("users", vec![set_type("name", "character varying(255)", "character varying(50)")])],
        );
        assert_eq!(
            found,
            [(
                "MF105",
                0,
                "Changing the type of column \"name\" on table \"users\" from \"character varying(255)\" to \
                 \"character varying(50)\" might fail or truncate existing values"
                    .to_string()
            )]
        );
        let raw = &DataDepend.analyze(
            &Subject { dialect: "mysql".into(), ..Subject::default() },
            &[modify("users", vec![set_type("n", "int", "smallint")])],
            &serde_json::Value::Null,
        )[0];
        assert_eq!(
            raw.fix.as_deref(),
            Some(
                "guard it with a pre-migration check (checks.sql: SELECT NOT EXISTS (SELECT 1 FROM `users` WHERE `n` NOT BETWEEN -32768 AND 32767))"
            )
        );
        assert!(run("postgres", &[modify("users", vec![set_type("name", "varchar(50)", "varchar(255)")])]).is_empty());
        assert!(
            run("postgres", &[create("users"), modify("users", vec![set_type("n", "bigint", "integer")])]).is_empty()
        );
        // SQLite enforces neither lengths nor integer sizes.
        assert!(run("sqlite", &[modify("users", vec![set_type("name", "varchar(255)", "varchar(50)")])]).is_empty());
    }

    #[test]
    fn narrowing_table() {
        let pg = |a, b| narrows("postgres", a, b);
        let my = |a, b| narrows("mysql", a, b);
        assert_eq!(pg("varchar(255)", "varchar(50)"), Some(Narrow::Length(50, false)));
        assert_eq!(pg("text", "varchar(50)"), Some(Narrow::Length(50, false)));
        assert_eq!(pg("character varying", "character(10)"), Some(Narrow::Length(10, false)));
        assert_eq!(pg("varchar(50)", "text"), None);
        assert_eq!(pg("varchar(50)", "varchar(50)"), None);
        assert_eq!(my("text", "varchar(255)"), Some(Narrow::Length(255, false)));
        assert_eq!(my("VARCHAR(10)", "TEXT"), None);
        assert_eq!(my("varbinary(16)", "binary(8)"), Some(Narrow::Length(8, true)));
        assert_eq!(pg("bigint", "integer"), Some(Narrow::Range(-2_147_483_648, 2_147_483_647)));
        assert_eq!(my("int", "smallint"), Some(Narrow::Range(-32_768, 32_767)));
        assert_eq!(my("int", "int unsigned"), Some(Narrow::Range(0, 4_294_967_295)));
        assert_eq!(my("int unsigned", "bigint"), None);
        assert_eq!(my("tinyint unsigned", "smallint"), None);
        assert_eq!(pg("integer", "bigint"), None);
        assert_eq!(pg("serial", "smallint"), Some(Narrow::Range(-32_768, 32_767)));
        assert_eq!(pg("numeric(10,2)", "numeric(8,2)"), Some(Narrow::Lossy));
        assert_eq!(pg("numeric(10,2)", "numeric(10,1)"), Some(Narrow::Lossy));
        assert_eq!(pg("numeric(10,2)", "numeric(12,2)"), None);
        assert_eq!(pg("numeric", "numeric(12,2)"), Some(Narrow::Lossy));
        assert_eq!(pg("numeric(12,2)", "numeric"), None);
        assert_eq!(my("decimal(10,2)", "int"), Some(Narrow::Lossy));
        assert_eq!(my("decimal(5,0)", "int"), None);
        assert_eq!(pg("integer", "numeric(5,0)"), Some(Narrow::Lossy));
        assert_eq!(pg("smallint", "numeric(5,0)"), None);
        assert_eq!(pg("double precision", "real"), Some(Narrow::Lossy));
        assert_eq!(pg("real", "double precision"), None);
        assert_eq!(my("double", "float"), Some(Narrow::Lossy));
        assert_eq!(pg("float", "float8"), None);
        assert_eq!(pg("text", "integer"), Some(Narrow::Lossy));
        assert_eq!(pg("integer", "text"), None);
        assert_eq!(pg("timestamp with time zone", "date"), None);
        assert_eq!(pg("timestamp without time zone", "date"), Some(Narrow::Lossy));
        assert_eq!(pg("timestamp(6) without time zone", "timestamp(0) without time zone"), Some(Narrow::Lossy));
        assert_eq!(my("datetime(6)", "datetime"), Some(Narrow::Lossy));
        assert_eq!(my("datetime", "datetime(3)"), None);
        assert_eq!(pg("point", "circle"), None);
        assert_eq!(pg("integer[]", "smallint[]"), None);
        assert_eq!(narrows_sqlite(true, "TEXT", "INTEGER"), Some(Narrow::Lossy));
        assert_eq!(narrows_sqlite(true, "INTEGER", "TEXT"), None);
        assert_eq!(narrows_sqlite(false, "TEXT", "INTEGER"), None);
    }
}
