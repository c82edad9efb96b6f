//! A database's schema as the database itself reports it, normalized to a
//! sorted list of lines so that two databases can be compared: column order,
//! names the database generated, quoting and whitespace do not count.

use std::path::Path;
use strata_tests::{MyDb, PgDb, sqlite_rows};

/// Names the generator gives; any other constraint name was made up by the database.
const OUR_PREFIXES: &[&str] = &["uq_", "ck_", "fk_", "ix_"];

fn name_or_auto(name: &str) -> &str {
    if OUR_PREFIXES.iter().any(|p| name.starts_with(p)) { name } else { "<auto>" }
}

/// SQL text without quoting, case or whitespace differences.
fn norm_sql(sql: &str) -> String {
    let unquoted: String =
        sql.chars().filter(|c| !matches!(c, '`' | '"' | '[' | ']')).collect::<String>().to_lowercase();
    let words: Vec<&str> = unquoted.split_whitespace().collect();
    // One space between words, none next to punctuation: `a IN ( 'x' )` is `a in('x')`.
    let mut out = String::new();
    for w in words {
        let glue = out.chars().last().is_some_and(|c| c.is_alphanumeric() || c == '_')
            && w.chars().next().is_some_and(|c| c.is_alphanumeric() || c == '_');
        if glue {
            out.push(' ');
        }
        out.push_str(w);
    }
    out
}

/// Strips redundant outer parentheses (`(0)` and `0` are the same default).
fn strip_parens(s: &str) -> &str {
    let mut s = s.trim();
    while s.starts_with('(') && s.ends_with(')') && balanced(&s[1..s.len() - 1]) {
        s = s[1..s.len() - 1].trim();
    }
    s
}

fn balanced(s: &str) -> bool {
    let mut depth = 0i32;
    for c in s.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            _ => {}
        }
        if depth < 0 {
            return false;
        }
    }
    depth == 0
}

/// CHECK clauses of a CREATE TABLE statement: (constraint name, normalized expression).
fn sqlite_checks(sql: &str) -> Vec<(String, String)> {
    let norm: String = sql.chars().filter(|c| !matches!(c, '`' | '"' | '[' | ']')).collect::<String>().to_lowercase();
    let bytes = norm.as_bytes();
    let mut out = vec![];
    let mut from = 0;
    while let Some(i) = norm[from..].find("check").map(|i| i + from) {
        from = i + 5;
        let word_start = i == 0 || !(bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'_');
        let rest = norm[i + 5..].trim_start();
        if !word_start || !rest.starts_with('(') {
            continue;
        }
        let start = norm.len() - rest.len();
        let mut depth = 0;
        let mut end = start;
        for (j, c) in norm[start..].char_indices() {
            match c {
                '(' => depth += 1,
                ')' => {
                    depth -= 1;
                    if depth == 0 {
                        end = start + j;
                        break;
                    }
                }
                _ => {}
            }
        }
        let expr = norm_sql(&norm[start + 1..end]);
        // `CONSTRAINT name CHECK (…)`: the two words before.
        let before: Vec<&str> = norm[..i].split_whitespace().rev().take(2).collect();
        let name = if before.len() == 2 && before[1] == "constraint" { before[0].to_string() } else { String::new() };
        out.push((name_or_auto(&name).to_string(), expr));
        from = end;
    }
    out
}

/// The catalog of a SQLite file: tables, columns, keys, indexes, foreign keys, checks, views.
pub fn sqlite(path: &Path) -> Vec<String> {
    let mut out = vec![];
    let objects = sqlite_rows(
        path,
        "SELECT type, name, tbl_name, coalesce(sql, '') FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' \
         AND tbl_name NOT IN ('atlas_schema_revisions', 'strata_schema_history')",
    );
    for o in &objects {
        let (kind, name, sql) = (&o[0], &o[1], &o[3]);
        match kind.as_str() {
            "table" => {
                out.push(format!("table {name}"));
                for c in sqlite_rows(
                    path,
                    &format!(
                        "SELECT name, type, \"notnull\", coalesce(dflt_value, 'NULL'), pk, hidden FROM pragma_table_xinfo('{name}')"
                    ),
                ) {
                    out.push(format!(
                        "column {name}.{} type={} notnull={} default={} pk={} hidden={}",
                        c[0],
                        norm_sql(&c[1]),
                        c[2],
                        strip_parens(&c[3]).to_lowercase(),
                        c[4],
                        c[5]
                    ));
                }
                for ix in sqlite_rows(
                    path,
                    &format!("SELECT name, \"unique\", origin, partial FROM pragma_index_list('{name}')"),
                ) {
                    // The primary key's own index is the pk column of table_xinfo.
                    if ix[2] == "pk" {
                        continue;
                    }
                    let cols: Vec<String> = sqlite_rows(
                        path,
                        &format!("SELECT coalesce(name, '<expr>'), \"desc\", coll FROM pragma_index_xinfo('{}') WHERE key = 1 ORDER BY seqno", ix[0]),
                    )
                    .into_iter()
                    .map(|r| format!("{}{}{}", r[0], if r[1] == "1" { " desc" } else { "" }, if r[2] == "BINARY" { String::new() } else { format!(" collate {}", r[2]) }))
                    .collect();
                    let shown = if ix[2] == "c" { ix[0].clone() } else { "<auto>".into() };
                    out.push(format!(
                        "index {name} {shown} unique={} origin={} partial={} ({})",
                        ix[1],
                        ix[2],
                        ix[3],
                        cols.join(", ")
                    ));
                }
                let mut fks: std::collections::BTreeMap<String, Vec<Vec<String>>> = Default::default();
                for f in sqlite_rows(
                    path,
                    &format!(
                        "SELECT id, \"table\", \"from\", coalesce(\"to\", '<pk>'), on_update, on_delete, \"match\" FROM pragma_foreign_key_list('{name}') ORDER BY id, seq"
                    ),
                ) {
                    fks.entry(f[0].clone()).or_default().push(f);
                }
                for rows in fks.values() {
                    let from: Vec<&str> = rows.iter().map(|r| r[2].as_str()).collect();
                    let to: Vec<&str> = rows.iter().map(|r| r[3].as_str()).collect();
                    out.push(format!(
                        "fk {name}({}) -> {}({}) on update {} on delete {} match {}",
                        from.join(", "),
                        rows[0][1],
                        to.join(", "),
                        rows[0][4],
                        rows[0][5],
                        rows[0][6]
                    ));
                }
                for (cname, expr) in sqlite_checks(sql) {
                    out.push(format!("check {name} {cname} ({expr})"));
                }
            }
            // Expression parts and WHERE clauses live only in the statement text.
            "index" if !sql.is_empty() => {
                let body = sql.find('(').map(|i| &sql[i..]).unwrap_or(sql);
                out.push(format!("index-sql {name} {}", norm_sql(body)));
            }
            "view" => {
                let lower = sql.to_lowercase();
                let body = lower.find(" as ").map(|i| &sql[i + 4..]).unwrap_or(sql);
                out.push(format!("view {name} {}", norm_sql(body)));
            }
            _ => out.push(format!("{kind} {name} {}", norm_sql(sql))),
        }
    }
    out.sort();
    out
}

const USER_SCHEMAS: &str =
    "n.nspname NOT LIKE 'pg\\_%' AND n.nspname NOT IN ('information_schema', 'atlas_schema_revisions')";

/// The catalog of a PostgreSQL database, from pg_catalog, over the user's schemas.
pub fn postgres(db: &PgDb) -> Vec<String> {
    let u = USER_SCHEMAS;
    let strata_tables = "c.relname NOT IN ('atlas_schema_revisions', 'strata_schema_history')";
    let queries = [
        format!("SELECT 'schema', n.nspname FROM pg_namespace n WHERE {u}"),
        format!(
            "SELECT 'table', n.nspname || '.' || c.relname, coalesce(obj_description(c.oid, 'pg_class'), '') \
             FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('r', 'p') AND {u} AND {strata_tables}"
        ),
        format!(
            "SELECT 'column', n.nspname || '.' || c.relname || '.' || a.attname, format_type(a.atttypid, a.atttypmod), \
             'notnull=' || a.attnotnull, 'default=' || coalesce(pg_get_expr(d.adbin, d.adrelid), ''), \
             'identity=' || a.attidentity::text, 'comment=' || coalesce(col_description(c.oid, a.attnum), '') \
             FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace \
             LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum \
             WHERE a.attnum > 0 AND NOT a.attisdropped AND c.relkind IN ('r', 'p') AND {u} AND {strata_tables}"
        ),
        format!(
            "SELECT 'constraint', n.nspname || '.' || c.relname, con.conname, con.contype, pg_get_constraintdef(con.oid) \
             FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace \
             WHERE con.contype IN ('p', 'u', 'f', 'c', 'x') AND {u} AND {strata_tables}"
        ),
        // Indexes that back a constraint are the constraint's.
        format!(
            "SELECT 'index', n.nspname, c.relname, pg_get_indexdef(c.oid) FROM pg_index i \
             JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace \
             JOIN pg_class t ON t.oid = i.indrelid \
             WHERE {u} AND t.relname NOT IN ('atlas_schema_revisions', 'strata_schema_history') \
             AND NOT EXISTS (SELECT 1 FROM pg_constraint con WHERE con.conindid = c.oid)"
        ),
        format!(
            "SELECT 'view', n.nspname || '.' || c.relname, c.relkind, regexp_replace(pg_get_viewdef(c.oid, true), '\\s+', ' ', 'g'), \
             coalesce(obj_description(c.oid, 'pg_class'), '') \
             FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('v', 'm') AND {u}"
        ),
        format!(
            "SELECT 'enum', n.nspname || '.' || t.typname, string_agg(e.enumlabel, ',' ORDER BY e.enumsortorder) \
             FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid JOIN pg_namespace n ON n.oid = t.typnamespace \
             WHERE {u} GROUP BY 1, 2"
        ),
        // Identity columns' own sequences belong to the column (attidentity).
        format!(
            "SELECT 'sequence', n.nspname || '.' || c.relname, format_type(s.seqtypid, NULL), s.seqstart, s.seqincrement, \
             s.seqmin, s.seqmax, s.seqcache, s.seqcycle FROM pg_sequence s JOIN pg_class c ON c.oid = s.seqrelid \
             JOIN pg_namespace n ON n.oid = c.relnamespace WHERE {u} \
             AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype = 'i')"
        ),
        format!(
            "SELECT 'other-type', n.nspname || '.' || t.typname, t.typtype FROM pg_type t \
             JOIN pg_namespace n ON n.oid = t.typnamespace WHERE {u} AND t.typtype IN ('d', 'c') \
             AND NOT EXISTS (SELECT 1 FROM pg_class c WHERE c.oid = t.typrelid AND c.relkind <> 'c')"
        ),
        format!(
            "SELECT 'function', n.nspname || '.' || p.proname FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE {u}"
        ),
    ];
    // One psql process for all the queries: a process per query made the run several times slower.
    let mut cmd = std::process::Command::new("psql");
    cmd.args([db.url().as_str(), "-X", "-q", "-v", "ON_ERROR_STOP=1", "-At", "-F", "\x1f"]);
    for q in &queries {
        cmd.args(["-c", q]);
    }
    let res = cmd.output().expect("run psql");
    assert!(res.status.success(), "catalog query: {}", String::from_utf8_lossy(&res.stderr));
    let mut out = vec![];
    for line in String::from_utf8_lossy(&res.stdout).lines() {
        let mut r: Vec<String> = line.split('\x1f').map(String::from).collect();
        {
            if r[0] == "constraint" {
                r[2] = name_or_auto(&r[2]).to_string();
            }
            out.push(r.join(" | "));
        }
    }
    out.sort();
    out
}

/// The catalog of a MySQL/MariaDB database as the server shows it: `SHOW
/// CREATE` of every table and view (and the triggers), without what differs
/// between equal schemas in two databases (the AUTO_INCREMENT counter, a
/// view's definer and database qualifier); Strata's own tables left out.
/// One line per column, key, constraint and table options, prefixed with its
/// kind and table, sorted, and one line with the order of each table's
/// columns, keys and constraints as SHOW CREATE TABLE lists them (Strata keeps
/// that order too).
pub fn mysql(db: &MyDb) -> Vec<String> {
    let objects = db.rows(
        "SELECT TABLE_NAME, TABLE_TYPE FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() \
         AND TABLE_NAME NOT IN ('atlas_schema_revisions', 'strata_schema_history') ORDER BY TABLE_NAME",
    );
    let kind = |t: &str| match t {
        "VIEW" => "VIEW",
        "SEQUENCE" => "SEQUENCE",
        _ => "TABLE",
    };
    // One client for all the statements; each SHOW CREATE is one row, the triggers come last.
    let mut sql: String = objects.iter().map(|o| format!("SHOW CREATE {} `{}`; ", kind(&o[1]), o[0])).collect();
    sql.push_str(
        "SELECT 'trigger', TRIGGER_NAME, ACTION_TIMING, EVENT_MANIPULATION, EVENT_OBJECT_TABLE, ACTION_ORDER, \
         ACTION_STATEMENT FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = DATABASE() ORDER BY TRIGGER_NAME",
    );
    let rows = db.rows(&sql);
    let mut out = vec![];
    for (i, row) in rows.iter().enumerate() {
        let Some(o) = objects.get(i) else {
            out.push(row.join(" | "));
            continue;
        };
        let name = &o[0];
        let mut text = row.get(1).cloned().unwrap_or_default();
        match kind(&o[1]) {
            "VIEW" => {
                text = text.replace(&format!("`{}`.", db.name), "");
                if let (Some(at), Some(end)) = (text.find(" DEFINER="), text.find(" SQL SECURITY ")) {
                    text.replace_range(at..end, "");
                }
                out.push(format!("view `{name}` | {text}"));
            }
            k => {
                if let Some(at) = text.find(" AUTO_INCREMENT=") {
                    let end = text[at + 16..].find(|c: char| !c.is_ascii_digit()).map_or(text.len(), |n| at + 16 + n);
                    text.replace_range(at..end, "");
                }
                let mut order = vec![];
                for line in text.lines().skip(1) {
                    let l = line.trim().trim_end_matches(',');
                    let what = if let Some(opts) = l.strip_prefix(')') {
                        out.push(format!("{} `{name}` |{opts}", k.to_lowercase()));
                        continue;
                    } else if l.starts_with('`') {
                        order.push(l.split('`').nth(1).unwrap_or_default().to_string());
                        "column"
                    } else if l.starts_with("PRIMARY KEY") {
                        order.push("PRIMARY KEY".into());
                        "primary-key"
                    } else if l.starts_with("CONSTRAINT") && l.contains(" FOREIGN KEY ") {
                        "fk"
                    } else if l.starts_with("CONSTRAINT") && l.contains(" CHECK ") {
                        "check"
                    } else if l.contains("KEY ") {
                        "index"
                    } else {
                        "other"
                    };
                    if what != "column" && what != "primary-key" {
                        // The kind and the name: `fk x`, `index x`.
                        let named = l.split('`').nth(1).unwrap_or(l);
                        order.push(format!("{what} {named}"));
                    }
                    out.push(format!("{what} `{name}` | {l}"));
                }
                out.push(format!("order `{name}` | {}", order.join(", ")));
            }
        }
    }
    out.sort();
    out
}

/// Lines only in `a` (`-`) and only in `b` (`+`).
pub fn diff(a: &[String], b: &[String]) -> String {
    let mut out = String::new();
    for l in a.iter().filter(|l| !b.contains(l)) {
        out.push_str(&format!("- {l}\n"));
    }
    for l in b.iter().filter(|l| !a.contains(l)) {
        out.push_str(&format!("+ {l}\n"));
    }
    out
}
