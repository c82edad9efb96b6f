//! Quoting and the MySQL column types: how they are normalized, and which
//! changes between them can lose data.

/// Quotes an identifier with backticks, doubling any backtick inside.
pub fn quote(name: &str) -> String {
    format!("`{}`", name.replace('`', "``"))
}

/// A string literal. Backslashes are doubled too: the server reads them as
/// escapes unless `NO_BACKSLASH_ESCAPES` is set.
pub fn literal(value: &str) -> String {
    format!("'{}'", value.replace('\\', "\\\\").replace('\'', "''"))
}

/// `schema.name`, or `name` alone without a schema.
pub(crate) fn qualified(schema: Option<&str>, name: &str) -> String {
    match schema {
        Some(s) => format!("{}.{}", quote(s), quote(name)),
        None => quote(name),
    }
}

/// Integer types with the display width each gets when none is written
/// (signed, unsigned): MariaDB and MySQL 5.7 print it, MySQL 8 does not.
const INT_WIDTHS: [(&str, u32, u32); 5] =
    [("tinyint", 4, 3), ("smallint", 6, 5), ("mediumint", 9, 8), ("int", 11, 10), ("bigint", 20, 20)];

/// The type as the server reports it (`COLUMN_TYPE`), normalized so MariaDB and
/// MySQL 8 agree: lowercase, and an integer's default display width dropped
/// (`int(11)` → `int`; `tinyint(1)` stays, since it was written).
pub(crate) fn normalize_type(column_type: &str) -> String {
    let unwrapped = unwrap_versioned(column_type);
    let ty = unwrapped.trim();
    let lower = ty.to_ascii_lowercase();
    // enum/set values keep their case.
    if lower.starts_with("enum(") || lower.starts_with("set(") {
        let open = ty.find('(').unwrap_or(0);
        return format!("{}{}", &lower[..open], &ty[open..]);
    }
    for (name, signed, unsigned) in INT_WIDTHS {
        let Some(rest) = lower.strip_prefix(name).and_then(|r| r.strip_prefix('(')) else { continue };
        let Some((width, tail)) = rest.split_once(')') else { continue };
        let default = if tail.contains("unsigned") { unsigned } else { signed };
        if width.parse::<u32>().ok() == Some(default) || tail.contains("zerofill") && width.parse::<u32>().is_ok() {
            // zerofill widths are meaningful; keep them.
            if tail.contains("zerofill") {
                return lower;
            }
            return format!("{name}{tail}");
        }
        return lower;
    }
    lower
}

/// MariaDB's versioned comments in a type (`text /*M!100301 COMPRESSED*/`)
/// unwrapped to their text (`text COMPRESSED`): lowercased, the comment's
/// `M` would no longer be MariaDB's and the server would ignore it.
fn unwrap_versioned(ty: &str) -> std::borrow::Cow<'_, str> {
    let Some(at) = ty.find("/*M!").or_else(|| ty.find("/*!")) else { return ty.into() };
    let Some(len) = ty[at..].find("*/") else { return ty.into() };
    let inner = ty[at..at + len].trim_start_matches("/*").trim_start_matches('M').trim_start_matches('!');
    let inner = inner.trim_start_matches(|c: char| c.is_ascii_digit()).trim();
    let rest = unwrap_versioned(&ty[at + len + 2..]).into_owned();
    format!("{} {inner}{rest}", ty[..at].trim_end()).into()
}

/// The base name of a type (`varchar` for `varchar(10)`, `int` for `int unsigned`).
pub(crate) fn base(ty: &str) -> &str {
    let end = ty.find(['(', ' ']).unwrap_or(ty.len());
    &ty[..end]
}

/// True for types holding text, whose values have a collation.
pub(crate) fn is_text(ty: &str) -> bool {
    matches!(base(ty), "char" | "varchar" | "tinytext" | "text" | "mediumtext" | "longtext" | "enum" | "set")
}

/// True for numeric types, whose literal defaults are written unquoted.
pub(crate) fn is_numeric(ty: &str) -> bool {
    matches!(
        base(ty),
        "tinyint"
            | "smallint"
            | "mediumint"
            | "int"
            | "integer"
            | "bigint"
            | "decimal"
            | "numeric"
            | "float"
            | "double"
            | "real"
            | "bool"
            | "boolean"
    )
}

/// The integer range of an integer type.
pub(crate) fn int_range(ty: &str) -> Option<(i128, i128)> {
    let unsigned = ty.contains("unsigned");
    let bits: u32 = match base(ty) {
        "tinyint" | "bool" | "boolean" => 8,
        "smallint" => 16,
        "mediumint" => 24,
        "int" | "integer" => 32,
        "bigint" => 64,
        _ => return None,
    };
    Some(if unsigned { (0, (1i128 << bits) - 1) } else { (-(1i128 << (bits - 1)), (1i128 << (bits - 1)) - 1) })
}

/// The first number in parentheses (`255` for `varchar(255)`), and the second (`2` for `decimal(10,2)`).
pub(crate) fn modifiers(ty: &str) -> (Option<u64>, Option<u64>) {
    let Some(inner) = ty.split_once('(').and_then(|(_, r)| r.split_once(')')).map(|(i, _)| i) else {
        return (None, None);
    };
    let mut parts = inner.split(',').map(|p| p.trim().parse::<u64>().ok());
    (parts.next().flatten(), parts.next().flatten())
}

/// The quoted values of an `enum(…)` or `set(…)` type, unquoted.
pub(crate) fn enum_values(ty: &str) -> Vec<String> {
    let Some(open) = ty.find('(') else { return Vec::new() };
    let inner = ty[open + 1..].trim_end().strip_suffix(')').unwrap_or(&ty[open + 1..]);
    let bytes = inner.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'\'' {
            let mut value = Vec::new();
            i += 1;
            while i < bytes.len() {
                if bytes[i] == b'\'' && bytes.get(i + 1) == Some(&b'\'') {
                    value.push(b'\'');
                    i += 2;
                } else if bytes[i] == b'\\' && i + 1 < bytes.len() {
                    value.push(bytes[i + 1]);
                    i += 2;
                } else if bytes[i] == b'\'' {
                    i += 1;
                    break;
                } else {
                    value.push(bytes[i]);
                    i += 1;
                }
            }
            out.push(String::from_utf8_lossy(&value).into_owned());
        } else {
            i += 1;
        }
    }
    out
}

/// Maximum characters of a text type, when bounded by its name.
fn text_capacity(ty: &str) -> Option<u64> {
    match base(ty) {
        "char" | "varchar" | "binary" | "varbinary" => modifiers(ty).0.or(Some(1)),
        "tinytext" | "tinyblob" => Some(255),
        "text" | "blob" => Some(65_535),
        "mediumtext" | "mediumblob" => Some(16_777_215),
        "longtext" | "longblob" | "json" => Some(4_294_967_295),
        _ => None,
    }
}

/// A condition on `c` (quoted column) true for a value that would not survive
/// the change from type `from` to type `to`; `None` when every value fits
/// (a widening change) or when no cheap test exists.
pub(crate) fn lossy_condition(c: &str, from: &str, to: &str) -> Option<String> {
    if from == to {
        return None;
    }
    if let (Some(f), Some(t)) = (int_range(from), int_range(to)) {
        return (t.0 > f.0 || t.1 < f.1).then(|| format!("{c} NOT BETWEEN {} AND {}", t.0, t.1));
    }
    if matches!(base(to), "enum" | "set") {
        let values = enum_values(to);
        if matches!(base(from), "enum" | "set") && enum_values(from).iter().all(|v| values.contains(v)) {
            return None;
        }
        let list = values.iter().map(|v| literal(v)).collect::<Vec<_>>().join(", ");
        if base(to) == "set" {
            return Some(format!("FIND_IN_SET({c}, {}) = 0 AND {c} <> ''", literal(&values.join(","))));
        }
        return Some(format!("BINARY {c} NOT IN ({list})"));
    }
    if let (Some(f), Some(t)) = (text_capacity(from), text_capacity(to)) {
        return (t < f).then(|| {
            if matches!(base(to), "binary" | "varbinary" | "tinyblob" | "blob" | "mediumblob") {
                format!("LENGTH({c}) > {t}")
            } else {
                format!("CHAR_LENGTH({c}) > {t}")
            }
        });
    }
    if matches!(base(from), "decimal" | "numeric") && matches!(base(to), "decimal" | "numeric") {
        let (fp, fs) = modifiers(from);
        let (tp, ts) = modifiers(to);
        let (fp, fs, tp, ts) = (fp.unwrap_or(10), fs.unwrap_or(0), tp.unwrap_or(10), ts.unwrap_or(0));
        if tp - ts.min(tp) >= fp - fs.min(fp) && ts >= fs {
            return None;
        }
        return Some(format!("{c} <> CAST({c} AS {to})"));
    }
    if int_range(from).is_some() && matches!(base(to), "decimal" | "numeric" | "double" | "float" | "bigint") {
        return None;
    }
    // Anything else: a value that does not convert back equal.
    Some(format!("CAST({c} AS CHAR) <> CAST(CAST({c} AS {}) AS CHAR)", cast_target(to)))
}

/// The `CAST(… AS x)` target closest to a column type.
fn cast_target(ty: &str) -> String {
    match base(ty) {
        "tinyint" | "smallint" | "mediumint" | "int" | "integer" | "bigint" => {
            if ty.contains("unsigned") {
                "UNSIGNED".into()
            } else {
                "SIGNED".into()
            }
        }
        "decimal" | "numeric" => ty.replace("unsigned", "").trim().to_string(),
        "float" | "double" | "real" => "DOUBLE".into(),
        "date" => "DATE".into(),
        "datetime" | "timestamp" => "DATETIME(6)".into(),
        "time" => "TIME(6)".into(),
        "json" => "JSON".into(),
        "binary" | "varbinary" | "tinyblob" | "blob" | "mediumblob" | "longblob" => "BINARY".into(),
        _ => "CHAR".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_widths_are_dropped_when_default() {
        assert_eq!(normalize_type("int(11)"), "int");
        assert_eq!(normalize_type("int(10) unsigned"), "int unsigned");
        assert_eq!(normalize_type("tinyint(1)"), "tinyint(1)");
        assert_eq!(normalize_type("bigint(20) unsigned"), "bigint unsigned");
        assert_eq!(normalize_type("int(5) unsigned zerofill"), "int(5) unsigned zerofill");
        assert_eq!(normalize_type("VARCHAR(10)"), "varchar(10)");
        assert_eq!(normalize_type("enum('A','b')"), "enum('A','b')");
        assert_eq!(normalize_type("text /*M!100301 COMPRESSED*/"), "text compressed");
        assert_eq!(normalize_type("varchar(10) /*M!100301 COMPRESSED*/"), "varchar(10) compressed");
    }

    #[test]
    fn quoting() {
        assert_eq!(quote("a`b"), "`a``b`");
        assert_eq!(literal("it's \\"), "'it''s \\\\'");
        assert_eq!(enum_values("enum('a','it''s','c\\\\d')"), ["a", "it's", "c\\d"]);
    }

    #[test]
    fn lossy_changes() {
        assert_eq!(lossy_condition("`c`", "int", "bigint"), None);
        assert_eq!(
            lossy_condition("`c`", "bigint", "int").as_deref(),
            Some("`c` NOT BETWEEN -2147483648 AND 2147483647")
        );
        assert_eq!(lossy_condition("`c`", "varchar(10)", "varchar(20)"), None);
        assert_eq!(lossy_condition("`c`", "varchar(20)", "varchar(10)").as_deref(), Some("CHAR_LENGTH(`c`) > 10"));
        assert_eq!(lossy_condition("`c`", "enum('a','b')", "enum('a','b','c')"), None);
        assert!(lossy_condition("`c`", "enum('a','b')", "enum('a')").is_some());
        assert_eq!(lossy_condition("`c`", "decimal(10,2)", "decimal(12,2)"), None);
    }
}
