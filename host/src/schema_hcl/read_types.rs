//! Column types and literals of schema HCL, per dialect: which type names a
//! dialect knows (Atlas's spellings), how each is written in the dialect's SQL,
//! and how a value becomes a SQL literal. The dev database normalizes the
//! result further (`int` → `integer`), exactly as it does for SQL files.
//!
//! ClickHouse's names are case-sensitive on the server: they are matched
//! ignoring case and written in ClickHouse's own case (`uint64` → `UInt64`).
//! Its types that take types or strings (`Nullable(String)`,
//! `DateTime('UTC')`, `Enum8('a' = 1)`) are `sql("…")`.

/// The dialects whose schema HCL is read.
pub(super) const DIALECTS: &[&str] = &["sqlite", "postgres", "mysql", "clickhouse"];

const POSTGRES: &[&str] = &[
    "bigint",
    "bigserial",
    "bit",
    "bit_varying",
    "bool",
    "boolean",
    "box",
    "bytea",
    "char",
    "character",
    "character_varying",
    "cidr",
    "circle",
    "date",
    "daterange",
    "decimal",
    "double_precision",
    "float",
    "float4",
    "float8",
    "inet",
    "int",
    "int2",
    "int4",
    "int4range",
    "int8",
    "int8range",
    "integer",
    "interval",
    "json",
    "jsonb",
    "line",
    "lseg",
    "macaddr",
    "macaddr8",
    "money",
    "name",
    "numeric",
    "numrange",
    "oid",
    "path",
    "pg_lsn",
    "point",
    "polygon",
    "real",
    "regclass",
    "serial",
    "serial2",
    "serial4",
    "serial8",
    "smallint",
    "smallserial",
    "text",
    "time",
    "time_with_time_zone",
    "time_without_time_zone",
    "timestamp",
    "timestamp_with_time_zone",
    "timestamp_without_time_zone",
    "timestamptz",
    "timetz",
    "tsquery",
    "tsrange",
    "tstzrange",
    "tsvector",
    "txid_snapshot",
    "uuid",
    "varbit",
    "varchar",
    "xml",
];

/// PostgreSQL type names Atlas spells with underscores for spaces.
const POSTGRES_SPACED: &[&str] = &[
    "bit_varying",
    "character_varying",
    "double_precision",
    "time_with_time_zone",
    "time_without_time_zone",
    "timestamp_with_time_zone",
    "timestamp_without_time_zone",
];

const MYSQL: &[&str] = &[
    "bigint",
    "binary",
    "bit",
    "blob",
    "bool",
    "boolean",
    "char",
    "date",
    "datetime",
    "decimal",
    "double",
    "double_precision",
    "enum",
    "float",
    "geometry",
    "geometrycollection",
    "inet4",
    "inet6",
    "int",
    "integer",
    "json",
    "linestring",
    "longblob",
    "longtext",
    "mediumblob",
    "mediumint",
    "mediumtext",
    "multilinestring",
    "multipoint",
    "multipolygon",
    "numeric",
    "point",
    "polygon",
    "real",
    "set",
    "smallint",
    "text",
    "time",
    "timestamp",
    "tinyblob",
    "tinyint",
    "tinytext",
    "uuid",
    "varbinary",
    "varchar",
    "year",
];

const SQLITE: &[&str] = &[
    "any",
    "bigint",
    "blob",
    "bool",
    "boolean",
    "char",
    "character",
    "clob",
    "date",
    "datetime",
    "decimal",
    "double",
    "double_precision",
    "float",
    "int",
    "int2",
    "int8",
    "integer",
    "json",
    "mediumint",
    "native_character",
    "nchar",
    "numeric",
    "nvarchar",
    "real",
    "smallint",
    "text",
    "time",
    "timestamp",
    "tinyint",
    "unsigned_big_int",
    "uuid",
    "varchar",
    "varying_character",
];

/// ClickHouse's types written bare or with number arguments
/// (`DateTime64(3)`, `FixedString(16)`, `Decimal(10,2)`), in its own case.
const CLICKHOUSE: &[&str] = &[
    "Bool",
    "Date",
    "Date32",
    "DateTime",
    "DateTime64",
    "Decimal",
    "Decimal128",
    "Decimal256",
    "Decimal32",
    "Decimal64",
    "FixedString",
    "Float32",
    "Float64",
    "IPv4",
    "IPv6",
    "Int128",
    "Int16",
    "Int256",
    "Int32",
    "Int64",
    "Int8",
    "String",
    "UInt128",
    "UInt16",
    "UInt256",
    "UInt32",
    "UInt64",
    "UInt8",
    "UUID",
];

/// The type names `dialect` knows, as written in HCL.
pub(super) fn known(dialect: &str) -> &'static [&'static str] {
    match dialect {
        "postgres" => POSTGRES,
        "mysql" => MYSQL,
        "clickhouse" => CLICKHOUSE,
        _ => SQLITE,
    }
}

/// Names the reader accepts that the writer never writes bare: aliases
/// inspection does not print (`int4` for `integer`, Atlas's long spellings)
/// and names Atlas's own output does not use (`pg_lsn`). The writer writes
/// every other known name bare, so what it writes reads back exactly.
const PRINTED_NEVER: [(&str, &[&str]); 4] = [
    (
        "postgres",
        &[
            "bool",
            "char",
            "decimal",
            "float",
            "float4",
            "float8",
            "int",
            "int2",
            "int4",
            "int8",
            "pg_lsn",
            "serial2",
            "serial4",
            "serial8",
            "time_with_time_zone",
            "time_without_time_zone",
            "timestamp_with_time_zone",
            "timestamp_without_time_zone",
            "txid_snapshot",
            "varbit",
            "varchar",
        ],
    ),
    ("mysql", &["bool", "boolean", "double_precision", "enum", "integer", "set"]),
    ("sqlite", &["any", "char", "time", "timestamp"]),
    ("clickhouse", &["Decimal"]),
];

/// Whether the writer may write type `name` (exact case) bare in `dialect`:
/// a known name that inspection prints.
pub(super) fn printed(dialect: &str, name: &str) -> bool {
    let never = PRINTED_NEVER.iter().find(|(d, _)| *d == dialect).map_or(&[][..], |(_, n)| n);
    known(dialect).contains(&name) && !never.contains(&name)
}

/// The known type `name` is spelled as (ignoring case): `UInt64` for
/// `uint64` on ClickHouse, the lower-case name elsewhere.
pub(super) fn known_name(dialect: &str, name: &str) -> Option<&'static str> {
    known(dialect).iter().find(|k| k.eq_ignore_ascii_case(name)).copied()
}

/// Types whose arguments are string values (`enum("a", "b")`).
pub(super) fn takes_strings(dialect: &str, name: &str) -> bool {
    dialect == "mysql" && matches!(name, "enum" | "set")
}

/// The SQL spelling of type `name` (known, lower case) with its arguments,
/// already rendered (`255`, `10,2`, `'a','b'`).
pub(super) fn spell(dialect: &str, name: &str, args: Option<&str>) -> String {
    let spaced = match dialect {
        "postgres" => POSTGRES_SPACED.contains(&name),
        "clickhouse" => false,
        // Every multi-word MySQL and SQLite name is spelled with spaces.
        _ => name.contains('_'),
    };
    let base = if spaced { name.replace('_', " ") } else { name.to_string() };
    match args {
        None => base,
        // PostgreSQL puts the precision of a zoned type after its first word:
        // `timestamp(3) with time zone`.
        Some(args) => match base.split_once(" with") {
            Some((head, tail)) if dialect == "postgres" => format!("{head}({args}) with{tail}"),
            _ => format!("{base}({args})"),
        },
    }
}

/// A string as a SQL literal of `dialect`; ClickHouse escapes with backslashes.
pub(super) fn literal(dialect: &str, s: &str) -> String {
    if dialect == "clickhouse" {
        return format!("'{}'", s.replace('\\', "\\\\").replace('\'', "\\'"));
    }
    let mut escaped = s.replace('\'', "''");
    if dialect == "mysql" {
        escaped = escaped.replace('\\', "\\\\");
    }
    format!("'{escaped}'")
}

/// ` did you mean "x"?` when a name of `known` is close to `word`, else nothing.
pub(super) fn hint<'a>(word: &str, known: impl IntoIterator<Item = &'a str>) -> String {
    let lower = word.to_lowercase();
    known
        .into_iter()
        .map(|k| (strata_policies::distance(&lower, &k.to_lowercase()), k))
        .filter(|(d, k)| *d > 0 && (*d <= 2 || *d * 3 <= k.chars().count()) && *d < word.chars().count().max(2))
        .min()
        .map(|(_, k)| format!("; did you mean {k:?}?"))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spellings() {
        assert_eq!(spell("postgres", "character_varying", Some("255")), "character varying(255)");
        assert_eq!(spell("postgres", "double_precision", None), "double precision");
        assert_eq!(spell("postgres", "timestamp_with_time_zone", Some("3")), "timestamp(3) with time zone");
        assert_eq!(spell("postgres", "pg_lsn", None), "pg_lsn");
        assert_eq!(spell("mysql", "decimal", Some("10,2")), "decimal(10,2)");
        assert_eq!(spell("sqlite", "unsigned_big_int", None), "unsigned big int");
        assert_eq!(known_name("clickhouse", "uint64"), Some("UInt64"));
        assert_eq!(known_name("postgres", "INT"), Some("int"));
        assert_eq!(spell("clickhouse", "DateTime64", Some("3")), "DateTime64(3)");
    }

    #[test]
    fn literals_and_hints() {
        assert_eq!(literal("postgres", "it's"), "'it''s'");
        assert_eq!(literal("mysql", "a\\b"), "'a\\\\b'");
        assert_eq!(literal("clickhouse", "it's \\"), "'it\\'s \\\\'");
        assert_eq!(hint("nul", ["null", "type", "default"]), "; did you mean \"null\"?");
        assert_eq!(hint("integr", POSTGRES.iter().copied()), "; did you mean \"integer\"?");
        assert_eq!(hint("zzzzzz", ["null"]), "");
    }
}
