//! Inspection of a SQLite database into the schema model.
//!
//! The pragmas (`table_xinfo`, `index_list`, `index_xinfo`, `foreign_key_list`)
//! give the structure; what they do not tell (AUTOINCREMENT, CHECK constraints,
//! collations, generated expressions, DEFERRABLE, WITHOUT ROWID/STRICT, DESC in
//! the primary key, index expressions and predicates) is read from the stored
//! `CREATE` text, which SQLite keeps verbatim in `sqlite_master`.

use crate::driver::classify;
use crate::sql::{self, Kind, Token};
use crate::types::normalize_type;
use std::collections::{BTreeMap, HashMap};
use strata_dialect_api::{
    Attr, Check, Column, ForeignKey, Generated, Index, IndexPart, InspectOptions, PluginError, PrimaryKey, Realm,
    Schema, Table, Trigger, View,
};

/// The attribute marking an index that backs a `UNIQUE` table constraint
/// (an `sqlite_autoindex_*` index): the planner writes it inside `CREATE TABLE`,
/// because SQLite refuses `CREATE INDEX` with such a name.
pub(crate) fn constraint_attr() -> Attr {
    Attr::Other { dialect: "sqlite".into(), name: "constraint".into(), value: serde_json::Value::from("unique") }
}

/// True when `index` backs a `UNIQUE` constraint.
pub(crate) fn is_constraint(index: &Index) -> bool {
    index
        .attrs
        .iter()
        .any(|a| matches!(a, Attr::Other { dialect, name, .. } if dialect == "sqlite" && name == "constraint"))
}

/// Inspects like [`inspect_realm`], reusing an earlier inspection of the same
/// schema from `cache` (a directory) when there is one.
///
/// Everything inspection reports derives from the schema SQL SQLite keeps in
/// `sqlite_master` (pragmas read the same definitions), so a hash of those rows,
/// the options and the versions involved is a complete key: a changed schema can
/// never be served from the cache. Reading the rows costs one query; inspecting
/// hundreds of tables costs many milliseconds, paid by every drift check.
///
/// # Errors
/// When a catalog query fails. Cache failures only cost time.
pub fn inspect_realm_cached(
    conn: &rusqlite::Connection,
    options: &InspectOptions,
    cache: Option<&std::path::Path>,
) -> Result<Realm, PluginError> {
    let Some(dir) = cache else { return inspect_realm(conn, options) };
    let path = dir.join(format!("{}.json", fingerprint(conn, options)?));
    if let Some(realm) = std::fs::read(&path).ok().and_then(|bytes| serde_json::from_slice(&bytes).ok()) {
        return Ok(realm);
    }
    let realm = inspect_realm(conn, options)?;
    if std::fs::create_dir_all(dir).is_ok()
        && let Ok(json) = serde_json::to_vec(&realm)
    {
        // Write then rename, so a concurrent reader never sees half a file.
        let tmp = path.with_extension(format!("{}.tmp", std::process::id()));
        if std::fs::write(&tmp, json).is_ok() {
            let _ = std::fs::rename(&tmp, &path);
        }
    }
    Ok(realm)
}

/// A digest of [`INSPECT_SOURCES`], computed once per process.
fn code_digest() -> &'static str {
    use sha2::{Digest, Sha256};
    static DIGEST: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DIGEST.get_or_init(|| {
        let mut h = Sha256::new();
        for source in INSPECT_SOURCES {
            h.update((source.len() as u64).to_le_bytes());
            h.update(source.as_bytes());
        }
        h.finalize().iter().map(|b| format!("{b:02x}")).collect()
    })
}

/// The sources whose behaviour an inspection's output depends on.
const INSPECT_SOURCES: [&str; 4] = [
    include_str!("inspect.rs"),
    include_str!("sql.rs"),
    include_str!("types.rs"),
    include_str!("../../../dialect-api/src/schema.rs"),
];

/// The hash of what an inspection of `conn` with `options` depends on.
fn fingerprint(conn: &rusqlite::Connection, options: &InspectOptions) -> Result<String, PluginError> {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    let mut feed = |text: &str| {
        h.update((text.len() as u64).to_le_bytes());
        h.update(text.as_bytes());
    };
    // The code that turns the SQL into a model is part of the key: any edit to
    // it (or to the model) is a new key, so no build reads another's output.
    feed("strata-sqlite-inspect");
    feed(env!("CARGO_PKG_VERSION"));
    feed(code_digest());
    feed(rusqlite::version());
    feed(&serde_json::to_string(options).unwrap_or_default());
    let mut stmt = conn
        .prepare("SELECT type, name, tbl_name, coalesce(sql, '') FROM main.sqlite_master ORDER BY type, name")
        .map_err(classify)?;
    let mut rows = stmt.query([]).map_err(classify)?;
    while let Some(row) = rows.next().map_err(classify)? {
        for i in 0..4 {
            feed(&row.get::<_, String>(i).map_err(classify)?);
        }
    }
    Ok(h.finalize().iter().map(|b| format!("{b:02x}")).collect())
}

/// Inspects the `main` schema.
///
/// # Errors
/// When a catalog query fails.
pub fn inspect_realm(conn: &rusqlite::Connection, options: &InspectOptions) -> Result<Realm, PluginError> {
    if !options.schemas.is_empty() && !options.schemas.iter().any(|s| s == "main") {
        return Ok(Realm::default());
    }
    let mut schema = Schema { name: "main".into(), ..Schema::default() };
    let mut index_sql: HashMap<String, String> = HashMap::new();
    let mut table_indexes: HashMap<String, Vec<String>> = HashMap::new();
    let mut tables = Vec::new();
    {
        let mut stmt = conn
            .prepare(
                "SELECT type, name, tbl_name, sql FROM main.sqlite_master \
                 WHERE name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name",
            )
            .map_err(classify)?;
        let rows = stmt
            .query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, Option<String>>(3)?,
                ))
            })
            .map_err(classify)?;
        for row in rows {
            let (kind, name, tbl_name, def) = row.map_err(classify)?;
            let def = def.unwrap_or_default();
            match kind.as_str() {
                "table" => {
                    // Virtual tables (FTS, R-Tree) are created by modules, not by DDL we can plan.
                    let virtual_table =
                        def.trim_start().get(..14).is_some_and(|head| head.eq_ignore_ascii_case("CREATE VIRTUAL"));
                    if !virtual_table && !options.exclude_tables.iter().any(|t| t == &name) {
                        tables.push((name, def));
                    }
                }
                "index" => {
                    table_indexes.entry(tbl_name).or_default().push(format!("{name}\0{def}"));
                    index_sql.insert(name, def);
                }
                "view" => schema.views.push(View { name, def, attrs: Vec::new() }),
                "trigger" => schema.triggers.push(Trigger { name, table: tbl_name, def }),
                _ => {}
            }
        }
    }
    // A table's model follows from its SQL and its indexes' SQL alone, so a
    // table seen before with the same text is not read again: replaying a
    // directory inspects after every version, and most tables never change.
    let keys: Vec<String> = tables
        .iter()
        .map(|(name, def)| {
            let mut indexes = table_indexes.remove(name).unwrap_or_default();
            indexes.sort();
            format!("{name}\0{def}\0{}", indexes.join("\0"))
        })
        .collect();
    let mut guard = MEMO.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    let memo = guard.get_or_insert_with(HashMap::new);
    let unseen: Vec<&str> =
        tables.iter().zip(&keys).filter(|(_, k)| !memo.contains_key(*k)).map(|((n, _), _)| n.as_str()).collect();
    // One query per kind of object for the tables not seen (the pragmas as
    // table-valued functions joined with sqlite_master), never a query per table.
    let only = (unseen.len() < tables.len()).then_some(unseen.as_slice());
    let mut rows = if unseen.is_empty() { TableRows(HashMap::new()) } else { TableRows::fetch(conn, only)? };
    if memo.len() > MEMO_LIMIT {
        memo.clear();
    }
    for ((name, def), key) in tables.iter().zip(keys) {
        let table = match memo.get(&key) {
            Some(table) => table.clone(),
            None => {
                let table = inspect_table(name, def, &index_sql, rows.remove(name))?;
                memo.insert(key, table.clone());
                table
            }
        };
        schema.tables.push(table);
    }
    drop(guard);
    resolve_implicit_references(&mut schema.tables);
    Ok(Realm { schemas: vec![schema] })
}

/// Tables inspected in this process, by their SQL and their indexes' SQL.
static MEMO: std::sync::Mutex<Option<HashMap<String, Table>>> = std::sync::Mutex::new(None);

/// Tables remembered at most; past it the memo starts over.
const MEMO_LIMIT: usize = 100_000;

/// A `pragma_table_xinfo` row: name, type, notnull, default, pk position, hidden.
type ColumnRow = (String, Option<String>, bool, Option<String>, i64, i64);
/// A `pragma_index_list` × `pragma_index_xinfo` row: index, unique, origin, cid, column, desc.
type IndexRow = (String, bool, String, i64, Option<String>, bool);
/// A `pragma_foreign_key_list` row: id, referenced table, from, to, on update, on delete.
type ForeignKeyRow = (i64, String, String, Option<String>, String, String);

/// Catalog rows of one table, as the pragmas report them.
#[derive(Default)]
struct OwnRows {
    columns: Vec<ColumnRow>,
    indexes: Vec<IndexRow>,
    foreign_keys: Vec<ForeignKeyRow>,
}

/// Catalog rows of every table, by table name.
struct TableRows(HashMap<String, OwnRows>);

/// Ordinary tables: not SQLite's own, not virtual (their pragmas need the module).
const ORDINARY: &str = "m.type = 'table' AND m.name NOT LIKE 'sqlite\\_%' ESCAPE '\\' \
     AND m.sql NOT LIKE 'CREATE VIRTUAL%'";

/// Runs `sql`, whose first column is a table name, and files each row's other
/// columns under that table with `add`.
fn fetch_rows(
    conn: &rusqlite::Connection,
    (sql, only): (&str, &Option<String>),
    all: &mut HashMap<String, OwnRows>,
    add: impl Fn(&mut OwnRows, &rusqlite::Row<'_>) -> rusqlite::Result<()>,
) -> Result<(), PluginError> {
    let mut stmt = conn.prepare(sql).map_err(classify)?;
    let mut rows = match only {
        Some(names) => stmt.query([names]).map_err(classify)?,
        None => stmt.query([]).map_err(classify)?,
    };
    while let Some(r) = rows.next().map_err(classify)? {
        let table: String = r.get(0).map_err(classify)?;
        add(all.entry(table).or_default(), r).map_err(classify)?;
    }
    Ok(())
}

impl TableRows {
    /// The rows of every ordinary table, or of the tables named in `only`.
    fn fetch(conn: &rusqlite::Connection, only: Option<&[&str]>) -> Result<TableRows, PluginError> {
        let mut all: HashMap<String, OwnRows> = HashMap::new();
        let only = only.map(|names| serde_json::to_string(names).unwrap_or_default());
        let filter = if only.is_some() { " AND m.name IN (SELECT value FROM json_each(?1))" } else { "" };
        let columns = format!(
            "SELECT m.name, p.name, p.type, p.\"notnull\", p.dflt_value, p.pk, p.hidden \
             FROM main.sqlite_master AS m JOIN pragma_table_xinfo(m.name) AS p \
             WHERE {ORDINARY}{filter} ORDER BY m.name, p.cid"
        );
        fetch_rows(conn, (&columns, &only), &mut all, |t, r| {
            t.columns.push((r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?));
            Ok(())
        })?;
        let indexes = format!(
            "SELECT m.name, il.name, il.\"unique\", il.origin, ix.cid, ix.name, ix.desc \
             FROM main.sqlite_master AS m JOIN pragma_index_list(m.name) AS il \
             JOIN pragma_index_xinfo(il.name) AS ix \
             WHERE {ORDINARY}{filter} AND ix.key = 1 ORDER BY m.name, il.name, ix.seqno"
        );
        fetch_rows(conn, (&indexes, &only), &mut all, |t, r| {
            t.indexes.push((r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?));
            Ok(())
        })?;
        // The pragma lists the last declared first (highest id = first declared).
        let foreign_keys = format!(
            "SELECT m.name, f.id, f.\"table\", f.\"from\", f.\"to\", f.on_update, f.on_delete \
             FROM main.sqlite_master AS m JOIN pragma_foreign_key_list(m.name) AS f \
             WHERE {ORDINARY}{filter} ORDER BY m.name, f.id DESC, f.seq"
        );
        fetch_rows(conn, (&foreign_keys, &only), &mut all, |t, r| {
            t.foreign_keys.push((r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?));
            Ok(())
        })?;
        Ok(TableRows(all))
    }

    fn remove(&mut self, table: &str) -> OwnRows {
        self.0.remove(table).unwrap_or_default()
    }
}

fn inspect_table(
    name: &str,
    def: &str,
    index_sql: &HashMap<String, String>,
    rows: OwnRows,
) -> Result<Table, PluginError> {
    let parsed = parse_create_table(def);
    let mut table = Table { name: name.to_string(), checks: parsed.checks.clone(), ..Table::default() };
    if parsed.without_rowid {
        table.attrs.push(Attr::WithoutRowid);
    }
    if parsed.strict {
        table.attrs.push(Attr::Strict);
    }

    // Columns and the primary key.
    let mut pk: Vec<(i64, String)> = Vec::new();
    {
        for (col, ty, notnull, default, pk_pos, hidden) in rows.columns {
            // hidden = 1: a virtual table's hidden column, never part of the DDL.
            if hidden == 1 {
                continue;
            }
            let extra = parsed.columns.get(&col.to_lowercase());
            let generated = if hidden >= 2 { extra.and_then(|c| c.generated.clone()) } else { None };
            if pk_pos > 0 {
                pk.push((pk_pos, col.clone()));
            }
            table.columns.push(Column {
                name: col,
                ty: normalize_type(ty.as_deref().unwrap_or("")),
                nullable: !notnull,
                default,
                collation: extra.and_then(|c| c.collation.clone()),
                generated,
                ..Column::default()
            });
        }
    }
    if !pk.is_empty() {
        pk.sort();
        let parts = pk
            .into_iter()
            .map(|(_, col)| {
                let desc = parsed.pk_desc.get(&col.to_lowercase()).copied().unwrap_or(false);
                IndexPart { column: Some(col), desc, ..IndexPart::default() }
            })
            .collect();
        let attrs = if parsed.autoincrement { vec![Attr::AutoIncrement] } else { Vec::new() };
        table.primary_key = Some(PrimaryKey { name: parsed.pk_name.clone(), parts, attrs });
    }

    // Indexes, with their parts.
    {
        let mut indexes: BTreeMap<String, (bool, String, Vec<XPart>)> = BTreeMap::new();
        for (idx, unique, origin, cid, col, desc) in rows.indexes {
            let entry = indexes.entry(idx).or_insert_with(|| (unique, origin, Vec::new()));
            entry.2.push((cid, col, desc));
        }
        for (idx_name, (unique, origin, xparts)) in indexes {
            // The primary key's own index is the primary key, reported above.
            if origin == "pk" {
                continue;
            }
            let def = index_sql.get(&idx_name).map(String::as_str).unwrap_or("");
            let parsed_idx = parse_create_index(def);
            let mut parts = Vec::with_capacity(xparts.len());
            for (i, (cid, col, desc)) in xparts.into_iter().enumerate() {
                let written = parsed_idx.parts.get(i);
                let mut part =
                    IndexPart { desc, collation: written.and_then(|p| p.collation.clone()), ..IndexPart::default() };
                if cid == -2 {
                    part.expr = written.map(|p| p.expr.clone());
                } else {
                    part.column = col;
                }
                parts.push(part);
            }
            let mut index = Index { name: idx_name, unique, parts, predicate: parsed_idx.predicate, attrs: Vec::new() };
            if origin == "u" {
                index.attrs.push(constraint_attr());
            }
            table.indexes.push(index);
        }
    }

    // Foreign keys, in the order they were declared.
    {
        let mut current: Option<(i64, ForeignKey)> = None;
        let mut fks = Vec::new();
        for (id, ref_table, from, to, on_update, on_delete) in rows.foreign_keys {
            if current.as_ref().is_none_or(|(cur, _)| *cur != id) {
                if let Some((_, fk)) = current.take() {
                    fks.push(fk);
                }
                current = Some((
                    id,
                    ForeignKey {
                        ref_table,
                        on_update: normalize_action(&on_update),
                        on_delete: normalize_action(&on_delete),
                        ..ForeignKey::default()
                    },
                ));
            }
            if let Some((_, fk)) = current.as_mut() {
                fk.columns.push(from);
                // An absent `to` references the parent's primary key; resolved later.
                if let Some(to) = to {
                    fk.ref_columns.push(to);
                }
            }
        }
        if let Some((_, fk)) = current.take() {
            fks.push(fk);
        }
        let mut used = vec![false; parsed.fks.len()];
        for fk in &mut fks {
            let found = parsed.fks.iter().enumerate().find(|(i, p)| {
                !used[*i]
                    && p.ref_table.eq_ignore_ascii_case(&fk.ref_table)
                    && p.columns.len() == fk.columns.len()
                    && p.columns.iter().zip(&fk.columns).all(|(a, b)| a.eq_ignore_ascii_case(b))
            });
            if let Some((i, p)) = found {
                used[i] = true;
                fk.name = p.name.clone();
                fk.deferrable = p.deferrable.clone();
            }
        }
        table.foreign_keys = fks;
    }
    Ok(table)
}

/// One key part of an index as `pragma_index_xinfo` reports it: cid (-2 for an
/// expression), column name, DESC.
type XPart = (i64, Option<String>, bool);

/// `NO ACTION` is SQLite's default and what the pragma reports for no clause: the
/// model leaves it out so a written and an omitted `NO ACTION` compare equal.
pub(crate) fn normalize_action(action: &str) -> Option<String> {
    let action = action.split_whitespace().collect::<Vec<_>>().join(" ").to_uppercase();
    (!action.is_empty() && action != "NO ACTION").then_some(action)
}

/// Fills the referenced columns of `REFERENCES parent` (no column list) with the
/// parent's primary key, which is what SQLite resolves them to.
fn resolve_implicit_references(tables: &mut [Table]) {
    let pks: HashMap<String, Vec<String>> = tables
        .iter()
        .filter_map(|t| {
            let pk = t.primary_key.as_ref()?;
            Some((t.name.to_lowercase(), pk.parts.iter().filter_map(|p| p.column.clone()).collect()))
        })
        .collect();
    for table in tables.iter_mut() {
        for fk in &mut table.foreign_keys {
            if let Some(cols) = pks.get(&fk.ref_table.to_lowercase()).filter(|_| fk.ref_columns.is_empty()) {
                fk.ref_columns = cols.clone();
            }
        }
    }
}

#[derive(Debug, Default)]
struct ParsedColumn {
    collation: Option<String>,
    generated: Option<Generated>,
}

#[derive(Debug, Default)]
struct ParsedFk {
    name: Option<String>,
    columns: Vec<String>,
    ref_table: String,
    deferrable: Option<String>,
}

#[derive(Debug, Default)]
struct ParsedTable {
    /// Keyed by lower-cased column name.
    columns: HashMap<String, ParsedColumn>,
    /// DESC flags of primary-key columns, keyed by lower-cased name.
    pk_desc: HashMap<String, bool>,
    /// The primary key's constraint name (`CONSTRAINT pk PRIMARY KEY …`).
    pk_name: Option<String>,
    autoincrement: bool,
    checks: Vec<Check>,
    fks: Vec<ParsedFk>,
    without_rowid: bool,
    strict: bool,
}

/// Reads what the pragmas leave out from `CREATE TABLE` text. Unknown syntax is
/// skipped rather than rejected: the text was accepted by SQLite already.
fn parse_create_table(def: &str) -> ParsedTable {
    let tokens = sql::tokenize(def);
    let mut out = ParsedTable::default();
    let Some(open) = tokens.iter().position(|t| t.is_punct("(")) else { return out };
    let Some(close) = sql::matching_paren(&tokens, open) else { return out };
    for item in sql::split_commas(&tokens[open + 1..close]) {
        let Some(first) = item.first() else { continue };
        let is_constraint = first.kind == Kind::Word
            && ["CONSTRAINT", "PRIMARY", "UNIQUE", "CHECK", "FOREIGN"].iter().any(|k| first.is(k));
        if is_constraint {
            parse_table_constraint(def, item, &mut out);
        } else {
            parse_column(def, item, &mut out);
        }
    }
    for t in &tokens[close + 1..] {
        if t.is("ROWID") {
            out.without_rowid = true;
        } else if t.is("STRICT") {
            out.strict = true;
        }
    }
    out
}

fn parse_column(def: &str, item: &[Token], out: &mut ParsedTable) {
    let Some(name) = item.first().map(|t| t.value.clone()) else { return };
    let mut column = ParsedColumn::default();
    let mut pending: Option<String> = None;
    // Where the constraint a `CONSTRAINT name` names starts.
    let mut named_at = 0;
    let mut i = 1;
    while i < item.len() {
        let t = &item[i];
        if t.is("CONSTRAINT") {
            pending = item.get(i + 1).map(|t| t.value.clone());
            named_at = i + 2;
            i += 2;
        } else if t.is("PRIMARY") {
            let desc = item.get(i + 2).is_some_and(|t| t.is("DESC"));
            out.pk_desc.insert(name.to_lowercase(), desc);
            let name = pending.take();
            if named_at == i {
                out.pk_name = name;
            }
            i += 2;
        } else if t.is("AUTOINCREMENT") {
            out.autoincrement = true;
            i += 1;
        } else if t.is("COLLATE") {
            column.collation = item.get(i + 1).map(|t| t.value.clone());
            i += 2;
        } else if t.is("CHECK") {
            let (expr, next) = group(def, item, i + 1);
            out.checks.push(Check { name: pending.take(), expr, attrs: Vec::new() });
            i = next;
        } else if t.is("DEFAULT") {
            i += match item.get(i + 1) {
                Some(n) if n.is_punct("(") => sql::matching_paren(item, i + 1).map_or(item.len(), |c| c + 1 - i),
                Some(n) if n.is_punct("-") || n.is_punct("+") => 3,
                _ => 2,
            };
        } else if t.is("REFERENCES") {
            let (mut fk, next) = parse_references(item, i);
            fk.name = pending.take();
            fk.columns = vec![name.clone()];
            out.fks.push(fk);
            i = next;
        } else if t.is("AS") {
            let (expr, next) = group(def, item, i + 1);
            let stored = item.get(next).is_some_and(|t| t.is("STORED"));
            column.generated = Some(Generated { expr, stored });
            i = next;
        } else if t.is_punct("(") {
            i = sql::matching_paren(item, i).map_or(item.len(), |c| c + 1);
        } else {
            i += 1;
        }
    }
    out.columns.insert(name.to_lowercase(), column);
}

fn parse_table_constraint(def: &str, item: &[Token], out: &mut ParsedTable) {
    let mut i = 0;
    let mut name = None;
    if item[0].is("CONSTRAINT") {
        name = item.get(1).map(|t| t.value.clone());
        i = 2;
    }
    let Some(kind) = item.get(i) else { return };
    if kind.is("PRIMARY") {
        let Some(open) = item.iter().position(|t| t.is_punct("(")) else { return };
        let Some(close) = sql::matching_paren(item, open) else { return };
        for part in sql::split_commas(&item[open + 1..close]) {
            if let Some(col) = part.first() {
                out.pk_desc.insert(col.value.to_lowercase(), part.iter().any(|t| t.is("DESC")));
            }
        }
        if item.iter().any(|t| t.is("AUTOINCREMENT")) {
            out.autoincrement = true;
        }
        out.pk_name = name;
    } else if kind.is("CHECK") {
        let (expr, _) = group(def, item, i + 1);
        out.checks.push(Check { name, expr, attrs: Vec::new() });
    } else if kind.is("FOREIGN") {
        let Some(open) = item.iter().position(|t| t.is_punct("(")) else { return };
        let Some(close) = sql::matching_paren(item, open) else { return };
        let columns = item[open + 1..close].iter().filter(|t| t.is_name()).map(|t| t.value.clone()).collect();
        let Some(refs) = item.iter().position(|t| t.is("REFERENCES")) else { return };
        let (mut fk, _) = parse_references(item, refs);
        fk.name = name;
        fk.columns = columns;
        out.fks.push(fk);
    }
}

/// Parses `REFERENCES t [(cols)] [ON …] [MATCH …] [[NOT] DEFERRABLE [INITIALLY …]]`
/// starting at the `REFERENCES` token; returns the clause and the index after it.
fn parse_references(item: &[Token], at: usize) -> (ParsedFk, usize) {
    let mut fk =
        ParsedFk { ref_table: item.get(at + 1).map(|t| t.value.clone()).unwrap_or_default(), ..ParsedFk::default() };
    let mut i = at + 2;
    if item.get(i).is_some_and(|t| t.is_punct("(")) {
        i = sql::matching_paren(item, i).map_or(item.len(), |c| c + 1);
    }
    let mut deferrable: Vec<String> = Vec::new();
    while let Some(t) = item.get(i) {
        if t.is("ON") {
            // ON DELETE|UPDATE <action>, where SET NULL / SET DEFAULT / NO ACTION are two words.
            let two_words = item.get(i + 2).is_some_and(|t| t.is("SET") || t.is("NO"));
            i += if two_words { 4 } else { 3 };
        } else if t.is("MATCH") {
            i += 2;
        } else if t.is("NOT") && item.get(i + 1).is_some_and(|t| t.is("DEFERRABLE")) {
            deferrable.extend(["NOT".to_string(), "DEFERRABLE".to_string()]);
            i += 2;
        } else if t.is("DEFERRABLE") {
            deferrable.push("DEFERRABLE".into());
            i += 1;
        } else if t.is("INITIALLY") {
            deferrable.push("INITIALLY".into());
            deferrable.extend(item.get(i + 1).map(|t| t.value.to_uppercase()));
            i += 2;
        } else {
            break;
        }
    }
    fk.deferrable = (!deferrable.is_empty()).then(|| deferrable.join(" "));
    (fk, i)
}

/// The text inside the parenthesized group opening at `at`, and the index after it.
fn group(def: &str, item: &[Token], at: usize) -> (String, usize) {
    if !item.get(at).is_some_and(|t| t.is_punct("(")) {
        return (String::new(), at);
    }
    match sql::matching_paren(item, at) {
        Some(close) => (sql::text(def, &item[at + 1..close]).trim().to_string(), close + 1),
        None => (sql::text(def, &item[at + 1..]).trim().to_string(), item.len()),
    }
}

#[derive(Debug, Default)]
struct ParsedPart {
    expr: String,
    collation: Option<String>,
}

#[derive(Debug, Default)]
struct ParsedIndex {
    parts: Vec<ParsedPart>,
    predicate: Option<String>,
}

/// Reads the parts (as written) and the `WHERE` predicate of `CREATE INDEX` text.
fn parse_create_index(def: &str) -> ParsedIndex {
    let tokens = sql::tokenize(def);
    let mut out = ParsedIndex::default();
    let Some(on) = tokens.iter().position(|t| t.is("ON")) else { return out };
    let Some(open) = tokens.iter().skip(on).position(|t| t.is_punct("(")).map(|p| p + on) else { return out };
    let Some(close) = sql::matching_paren(&tokens, open) else { return out };
    for part in sql::split_commas(&tokens[open + 1..close]) {
        let mut end = part.len();
        if end > 0 && (part[end - 1].is("ASC") || part[end - 1].is("DESC")) {
            end -= 1;
        }
        let mut collation = None;
        if end >= 2 && part[end - 2].is("COLLATE") {
            collation = Some(part[end - 1].value.clone());
            end -= 2;
        }
        out.parts.push(ParsedPart { expr: sql::text(def, &part[..end]).trim().to_string(), collation });
    }
    if let Some(w) = tokens.get(close + 1).filter(|t| t.is("WHERE")) {
        let rest = def.get(w.end..).unwrap_or("").trim().trim_end_matches(';').trim();
        out.predicate = Some(rest.to_string());
    }
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod cache_tests {
    use super::*;

    #[test]
    fn cached_inspection_follows_every_schema_change() {
        let dir = std::env::temp_dir().join(format!("strata-sqlite-inspect-cache-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let conn = rusqlite::Connection::open_in_memory().unwrap();
        conn.execute_batch("CREATE TABLE t (a int); CREATE INDEX t_a ON t (a);").unwrap();
        let options = InspectOptions::default();
        let first = inspect_realm_cached(&conn, &options, Some(&dir)).unwrap();
        assert_eq!(first, inspect_realm(&conn, &options).unwrap());
        assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 1, "stored");
        // Served from the cache: the same realm.
        assert_eq!(inspect_realm_cached(&conn, &options, Some(&dir)).unwrap(), first);
        // Any change to the schema is a new key, never a stale answer.
        conn.execute_batch("ALTER TABLE t ADD COLUMN b text").unwrap();
        let second = inspect_realm_cached(&conn, &options, Some(&dir)).unwrap();
        assert_eq!(second.schemas[0].tables[0].columns.len(), 2);
        conn.execute_batch("DROP INDEX t_a").unwrap();
        assert!(inspect_realm_cached(&conn, &options, Some(&dir)).unwrap().schemas[0].tables[0].indexes.is_empty());
        // Other options, other key.
        let excluded = InspectOptions { exclude_tables: vec!["t".into()], ..InspectOptions::default() };
        assert!(inspect_realm_cached(&conn, &excluded, Some(&dir)).unwrap().schemas[0].tables.is_empty());
        let _ = std::fs::remove_dir_all(&dir);
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn parse_create_table_reads_what_pragmas_hide() {
        let p = parse_create_table(
            "CREATE TABLE t (id integer PRIMARY KEY DESC AUTOINCREMENT, name text COLLATE NOCASE CHECK (length(name) > 0), \
             g int GENERATED ALWAYS AS (id * 2) STORED, v AS (id + 1), \
             p int CONSTRAINT fk_p REFERENCES p(id) ON DELETE SET NULL DEFERRABLE INITIALLY DEFERRED, \
             CONSTRAINT positive CHECK (id > 0), FOREIGN KEY (g) REFERENCES q ON UPDATE CASCADE) WITHOUT ROWID, STRICT",
        );
        assert!(p.autoincrement && p.without_rowid && p.strict);
        assert_eq!(p.pk_desc.get("id"), Some(&true));
        assert_eq!(p.columns["name"].collation.as_deref(), Some("NOCASE"));
        assert_eq!(p.columns["g"].generated, Some(Generated { expr: "id * 2".into(), stored: true }));
        assert_eq!(p.columns["v"].generated, Some(Generated { expr: "id + 1".into(), stored: false }));
        assert_eq!(
            p.checks,
            [
                Check { name: None, expr: "length(name) > 0".into(), attrs: Vec::new() },
                Check { name: Some("positive".into()), expr: "id > 0".into(), attrs: Vec::new() }
            ]
        );
        assert_eq!(p.fks.len(), 2);
        assert_eq!(p.fks[0].name.as_deref(), Some("fk_p"));
        assert_eq!(p.fks[0].deferrable.as_deref(), Some("DEFERRABLE INITIALLY DEFERRED"));
        assert_eq!(p.fks[1].columns, ["g"]);
        assert_eq!(p.fks[1].ref_table, "q");
    }

    #[test]
    fn parse_create_index_reads_expressions_and_predicate() {
        let p = parse_create_index("CREATE INDEX i ON t (lower(a) DESC, b COLLATE nocase ASC, (a + b)) WHERE a > 0");
        assert_eq!(p.parts.len(), 3);
        assert_eq!(p.parts[0].expr, "lower(a)");
        assert_eq!(p.parts[1].collation.as_deref(), Some("nocase"));
        assert_eq!(p.parts[2].expr, "(a + b)");
        assert_eq!(p.predicate.as_deref(), Some("a > 0"));
    }
}
