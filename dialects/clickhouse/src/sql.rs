//! Reading the SQL fragments ClickHouse prints (engine definitions, view
//! bodies, default expressions) and binding arguments into SQL text.
//!
//! The tokens are the kit's, under its [`CLICKHOUSE`] rules (backslash
//! escapes in strings and quoted names, `[`…`]` an array), so its helpers
//! (`matching_paren`, `split_commas`, `text`, `strip_schema`) apply.

use crate::types::{bytes_literal, literal};
use strata_dialect_api::{ErrorKind, PluginError, SqlValue};
use strata_dialect_kit::sql::{CLICKHOUSE, Kind, Token, matching_paren, tokenize};

/// Tokens of `sql` under ClickHouse's rules.
pub(crate) fn tokens(sql: &str) -> Vec<Token> {
    tokenize(sql, &CLICKHOUSE)
}

/// A layout-free form of a fragment for comparison: tokens joined by single
/// spaces, quoted identifiers unquoted. ClickHouse names are case-sensitive,
/// so no case is folded.
pub(crate) fn normalize(sql: &str) -> String {
    tokens(sql).iter().map(|t| t.value.as_str()).collect::<Vec<_>>().join(" ")
}

/// `sql` with each run of whitespace between tokens made one space (the
/// server prints view bodies with doubled spaces); literals and quoted names
/// are kept as written.
pub(crate) fn tidy(sql: &str) -> String {
    let toks = tokens(sql);
    let mut out = String::with_capacity(sql.len());
    let mut last: Option<usize> = None;
    for t in &toks {
        if let Some(end) = last
            && t.start > end
        {
            out.push(' ');
        }
        out.push_str(&sql[t.start..t.end]);
        last = Some(t.end);
    }
    out
}

/// `sql` without the `schema.` qualifiers naming `schema`: ClickHouse stores a
/// view's body with every table qualified by its database, which would make a
/// view differ between two databases (a dev database and the target).
pub(crate) fn strip_schema(sql: &str, schema: &str) -> String {
    strata_dialect_kit::sql::strip_schema(sql, schema, &CLICKHOUSE)
}

/// `sql` with each `?` outside literals, quoted names and comments replaced by
/// the next argument as a literal. The HTTP interface of older servers takes
/// no server-side parameters, so arguments are bound here, escaped.
///
/// # Errors
/// [`ErrorKind::Syntax`] when there are more or fewer `?` than arguments;
/// [`ErrorKind::Unsupported`] for a value kind this build does not know.
pub(crate) fn bind(sql: &str, args: &[SqlValue]) -> Result<String, PluginError> {
    if args.is_empty() {
        return Ok(sql.to_string());
    }
    let marks: Vec<Token> = tokens(sql).into_iter().filter(|t| t.is_punct("?")).collect();
    if marks.len() != args.len() {
        return Err(PluginError::new(
            ErrorKind::Syntax,
            format!("the statement has {} placeholder(s) for {} argument(s)", marks.len(), args.len()),
        ));
    }
    let mut out = String::with_capacity(sql.len() + args.len() * 8);
    let mut copied = 0;
    for (mark, arg) in marks.iter().zip(args) {
        out.push_str(&sql[copied..mark.start]);
        out.push_str(&value_sql(arg)?);
        copied = mark.end;
    }
    out.push_str(&sql[copied..]);
    Ok(out)
}

/// An argument as SQL.
fn value_sql(value: &SqlValue) -> Result<String, PluginError> {
    Ok(match value {
        SqlValue::Null => "NULL".to_string(),
        SqlValue::Int(i) => i.to_string(),
        SqlValue::Text(t) => literal(t),
        SqlValue::Bytes(b) => bytes_literal(b),
        other => return Err(other.unsupported()),
    })
}

/// A table engine as `system.tables.engine_full` prints it, split into its
/// name, its arguments and its clauses (`ORDER BY`, `SETTINGS`, ...), each as
/// the server formats it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct EngineDef {
    /// The engine's name, e.g. `MergeTree`.
    pub name: String,
    /// What is inside its parentheses, when anything is
    /// (`ReplacingMergeTree(seq)`: `seq`; also the old `MergeTree(d, k, 8192)`
    /// syntax, whose keys are arguments).
    pub args: Option<String>,
    /// Clauses in the order written: the attribute name (`partition_by`,
    /// `order_by`, `primary_key`, `sample_by`, `ttl`, `settings`) and its text.
    pub clauses: Vec<(&'static str, String)>,
}

/// The clauses after an engine, as keyword pairs and attribute names.
pub(crate) const CLAUSES: [(&str, Option<&str>, &str); 6] = [
    ("PARTITION", Some("BY"), "partition_by"),
    ("ORDER", Some("BY"), "order_by"),
    ("PRIMARY", Some("KEY"), "primary_key"),
    ("SAMPLE", Some("BY"), "sample_by"),
    ("TTL", None, "ttl"),
    ("SETTINGS", None, "settings"),
];

/// The SQL keywords of clause attribute `name`.
pub(crate) fn clause_keywords(name: &str) -> Option<String> {
    CLAUSES.iter().find(|(_, _, n)| *n == name).map(|(a, b, _)| match b {
        Some(b) => format!("{a} {b}"),
        None => (*a).to_string(),
    })
}

/// Parses an engine definition (`engine_full`). `None` for empty text.
pub(crate) fn parse_engine(text: &str) -> Option<EngineDef> {
    let toks = tokens(text);
    let first = toks.first().filter(|t| t.is_name())?;
    let mut def = EngineDef { name: first.value.clone(), ..EngineDef::default() };
    let mut i = 1;
    if toks.get(1).is_some_and(|t| t.is_punct("(")) {
        let close = matching_paren(&toks, 1).unwrap_or(toks.len() - 1);
        let inner = text.get(toks[1].end..toks[close].start).unwrap_or("").trim();
        if !inner.is_empty() {
            def.args = Some(inner.to_string());
        }
        i = close + 1;
    }
    // Clause starts at the top level.
    let mut starts: Vec<(usize, usize, &'static str)> = Vec::new();
    let mut depth = 0i32;
    let mut j = i;
    while j < toks.len() {
        let t = &toks[j];
        if t.is_punct("(") || t.is_punct("[") {
            depth += 1;
        } else if t.is_punct(")") || t.is_punct("]") {
            depth -= 1;
        } else if depth == 0 && t.kind == Kind::Word {
            for (a, b, name) in CLAUSES {
                if t.value.eq_ignore_ascii_case(a) {
                    match b {
                        Some(b) if toks.get(j + 1).is_some_and(|n| n.is(b)) => {
                            starts.push((j, j + 2, name));
                        }
                        None => starts.push((j, j + 1, name)),
                        Some(_) => {}
                    }
                }
            }
        }
        j += 1;
    }
    for (k, (_, body, name)) in starts.iter().enumerate() {
        let end = starts.get(k + 1).map_or(text.len(), |(next, _, _)| toks[*next].start);
        let from = toks.get(*body).map_or(text.len(), |t| t.start);
        let clause = text.get(from..end).unwrap_or("").trim();
        def.clauses.push((name, clause.to_string()));
    }
    Some(def)
}

/// What a view's `CREATE` statement (`create_table_query`) says besides its
/// name: the `TO` table of a materialized view, and the `SELECT`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct ViewDef {
    /// The `TO` target as written (`db`.`t` or `t`): database and table.
    pub to: Option<(Option<String>, String)>,
    /// The query after `AS`.
    pub select: String,
}

/// Parses `CREATE [MATERIALIZED] VIEW name [TO t] [(columns)] [ENGINE …]
/// [POPULATE] AS SELECT …`.
pub(crate) fn parse_view(create: &str) -> ViewDef {
    let toks = tokens(create);
    let mut def = ViewDef::default();
    let Some(view_at) = toks.iter().position(|t| t.is("VIEW")) else { return def };
    // The name: `db.name` or `name`.
    let mut i = view_at + 1;
    i += if toks.get(i + 1).is_some_and(|t| t.is_punct(".")) { 3 } else { 1 };
    if toks.get(i).is_some_and(|t| t.is("TO")) {
        let qualified = toks.get(i + 2).is_some_and(|t| t.is_punct("."));
        def.to = if qualified {
            toks.get(i + 3).map(|t| (toks.get(i + 1).map(|d| d.value.clone()), t.value.clone()))
        } else {
            toks.get(i + 1).map(|t| (None, t.value.clone()))
        };
        i += if qualified { 4 } else { 2 };
    }
    let mut depth = 0i32;
    while i < toks.len() {
        let t = &toks[i];
        if t.is_punct("(") {
            depth += 1;
        } else if t.is_punct(")") {
            depth -= 1;
        } else if depth == 0 && t.is("AS") {
            def.select = toks.get(i + 1).map_or("", |n| &create[n.start..]).trim().to_string();
            break;
        }
        i += 1;
    }
    def
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_follow_clickhouse_rules() {
        let t = tokens("SELECT 'a\\'b?', `c\\`d`, \"e\"\"f\", [1, 2] -- ?\n /* ? */ ?");
        let kinds: Vec<Kind> = t.iter().map(|t| t.kind).collect();
        assert_eq!(
            kinds,
            [
                Kind::Word,
                Kind::Str,
                Kind::Punct,
                Kind::Quoted,
                Kind::Punct,
                Kind::Quoted,
                Kind::Punct,
                Kind::Punct,
                Kind::Num,
                Kind::Punct,
                Kind::Num,
                Kind::Punct,
                Kind::Punct
            ]
        );
        assert_eq!(t[3].value, "c`d");
        assert_eq!(t[5].value, "e\"f");
    }

    #[test]
    fn binding_skips_literals() {
        let sql = bind(
            "INSERT INTO `t?` VALUES (?, '?', ?, ?) -- ?",
            &[SqlValue::Text("it's".into()), SqlValue::Int(-3), SqlValue::Null],
        )
        .unwrap();
        assert_eq!(sql, "INSERT INTO `t?` VALUES ('it\\'s', '?', -3, NULL) -- ?");
        assert_eq!(bind("SELECT ?", &[]).unwrap(), "SELECT ?");
        assert_eq!(bind("SELECT ?", &[SqlValue::Int(1), SqlValue::Int(2)]).unwrap_err().kind, ErrorKind::Syntax);
    }

    #[test]
    fn engines_split() {
        let e = parse_engine(
            "MergeTree() PARTITION BY toYYYYMM(d) ORDER BY (id, intHash32(id)) SAMPLE BY intHash32(id) SETTINGS index_granularity = 4096",
        )
        .unwrap();
        assert_eq!(e.name, "MergeTree");
        assert_eq!(e.args, None);
        assert_eq!(
            e.clauses,
            [
                ("partition_by", "toYYYYMM(d)".to_string()),
                ("order_by", "(id, intHash32(id))".to_string()),
                ("sample_by", "intHash32(id)".to_string()),
                ("settings", "index_granularity = 4096".to_string()),
            ]
        );
        let e = parse_engine("ReplacingMergeTree(seq) PRIMARY KEY id ORDER BY (id, x)").unwrap();
        assert_eq!(e.args.as_deref(), Some("seq"));
        assert_eq!(e.clauses[0], ("primary_key", "id".to_string()));
        assert_eq!(parse_engine("MergeTree(d, id, 8192)").unwrap().args.as_deref(), Some("d, id, 8192"));
        assert_eq!(parse_engine("Memory").unwrap(), EngineDef { name: "Memory".into(), ..EngineDef::default() });
        assert_eq!(parse_engine(""), None);
    }

    #[test]
    fn views_split() {
        let v = parse_view(
            "CREATE MATERIALIZED VIEW probe.mv TO probe.agg ( id UInt64,  c UInt64) AS SELECT id, count() AS c FROM probe.a  GROUP BY id",
        );
        assert_eq!(v.to, Some((Some("probe".into()), "agg".into())));
        assert_eq!(v.select, "SELECT id, count() AS c FROM probe.a  GROUP BY id");
        let v = parse_view(
            "CREATE MATERIALIZED VIEW probe.mv2 ( id UInt64,  c UInt64) ENGINE = SummingMergeTree ORDER BY id SETTINGS index_granularity = 8192 AS SELECT 1",
        );
        assert_eq!((v.to, v.select.as_str()), (None, "SELECT 1"));
        let v = parse_view("CREATE VIEW `d`.`v` ( x String) AS SELECT CAST(1 AS String) AS x");
        assert_eq!(v.select, "SELECT CAST(1 AS String) AS x");
    }

    #[test]
    fn own_schema_is_stripped() {
        assert_eq!(
            strip_schema("SELECT id FROM probe.a  WHERE probe.a.id > 1", "probe"),
            "SELECT id FROM a  WHERE a.id > 1"
        );
        assert_eq!(strip_schema("SELECT x.probe.c FROM other.t", "probe"), "SELECT x.probe.c FROM other.t");
        assert_eq!(normalize("SELECT  `a`\nFROM t"), normalize("SELECT a FROM t"));
        assert_eq!(tidy("SELECT id,  'a  b'\n FROM t  WHERE (x)"), "SELECT id, 'a  b' FROM t WHERE (x)");
    }
}

/// The table an `ALTER TABLE … DELETE | UPDATE` mutation changes, as
/// `(database, table)` (the database when the statement names one). ClickHouse
/// runs these in the background; the driver waits for them.
pub(crate) fn mutation_target(sql: &str) -> Option<(Option<String>, String)> {
    let toks = tokens(sql);
    let word = |i: usize| toks.get(i).filter(|t| t.kind == Kind::Word).map(|t| t.value.to_ascii_uppercase());
    if word(0).as_deref() != Some("ALTER") || word(1).as_deref() != Some("TABLE") {
        return None;
    }
    let name = |i: usize| toks.get(i).filter(|t| t.is_name()).map(|t| t.value.clone());
    let (database, table, next) = match toks.get(3).map(|t| t.value.as_str()) {
        Some(".") => (name(2), name(4)?, 5),
        _ => (None, name(2)?, 3),
    };
    // `ON CLUSTER c` may sit between the name and the command.
    let next = if word(next).as_deref() == Some("ON") { next + 3 } else { next };
    matches!(word(next).as_deref(), Some("DELETE" | "UPDATE")).then_some((database, table))
}

#[cfg(test)]
mod mutation_tests {
    use super::mutation_target;

    #[test]
    fn mutations_are_told_from_other_alters() {
        assert_eq!(mutation_target("ALTER TABLE t DELETE WHERE id = 1"), Some((None, "t".into())));
        assert_eq!(mutation_target("alter table `d`.`t` update x = 1 where 1"), Some((Some("d".into()), "t".into())));
        assert_eq!(mutation_target("ALTER TABLE t ON CLUSTER c DELETE WHERE 1"), Some((None, "t".into())));
        assert_eq!(mutation_target("ALTER TABLE t ADD COLUMN c String"), None);
        assert_eq!(mutation_target("ALTER TABLE t DROP COLUMN c"), None);
        assert_eq!(mutation_target("DELETE FROM t"), None);
    }
}
