//! Inspecting MySQL and MariaDB through `information_schema`, in a fixed number
//! of queries whatever the number of tables.
//!
//! What the two flavours print differently is normalized here, so that
//! inspecting what the planner created gives back exactly what it was given:
//! integer display widths, `current_timestamp()` versus `CURRENT_TIMESTAMP`,
//! quoted versus raw literal defaults, MariaDB's JSON alias (`longtext` with a
//! `json_valid` check) and its column-level checks, and view bodies qualified
//! with their own schema.

use crate::attrs::{attr, get_str};
use crate::driver::{Flavour, MyConn};
use crate::objects::{Event, Object, Routine, Sequence};
use crate::sql::strip_schema;
use crate::types::{is_numeric, is_text, literal, normalize_type};
use std::collections::BTreeMap;
use strata_dialect_api::{
    Check, Column, ForeignKey, Generated, Index, IndexPart, InspectOptions, PluginError, PrimaryKey, Realm, Rows,
    Schema, Table, Trigger, View,
};

/// Schemas that belong to the server, never inspected in a realm.
const SYSTEM_SCHEMAS: [&str; 4] = ["mysql", "information_schema", "performance_schema", "sys"];

type Row = Vec<Option<String>>;

fn s(row: &Row, i: usize) -> String {
    row.get(i).cloned().flatten().unwrap_or_default()
}

fn opt(row: &Row, i: usize) -> Option<String> {
    row.get(i).cloned().flatten()
}

/// Inspects the schemas the options and the connection select.
///
/// # Errors
/// When a catalog query fails.
pub fn inspect_realm(conn: &mut MyConn, options: &InspectOptions) -> Result<Realm, PluginError> {
    let flavour = conn.flavour();
    let version = conn.version();
    let bound = conn_schema(conn);
    let filter = if !options.schemas.is_empty() {
        format!("IN ({})", options.schemas.iter().map(|s| literal(s)).collect::<Vec<_>>().join(", "))
    } else if let Some(schema) = &bound {
        format!("= {}", literal(schema))
    } else {
        format!("NOT IN ({})", SYSTEM_SCHEMAS.map(literal).join(", "))
    };

    // Every catalog read that does not depend on another's answer, made at
    // once over two sessions (`MyConn::rows_split`), balanced by what each
    // costs on a 300-table database: TABLES, COLUMNS and STATISTICS about
    // 10 ms each, the rest 0.4 to 3 ms.
    let q = Queries::new(flavour, version, &filter);
    let (
        [schemata, table_rows, index_rows, key_columns, view_rows, event_rows],
        [column_rows, check_rows, fk_rules, trigger_rows, routine_rows],
    ) = conn.rows_split(
        [&q.schemata, &q.tables, &q.indexes, &q.key_columns, &q.views, &q.events],
        [&q.columns, &q.checks, &q.fk_rules, &q.triggers, &q.routines],
    )?;

    let mut schemas: Vec<Schema> = Vec::new();
    for row in schemata.rows {
        schemas.push(Schema {
            name: s(&row, 0),
            attrs: vec![attr("charset", s(&row, 1)), attr("collation", s(&row, 2))],
            ..Schema::default()
        });
    }

    // Tables, keyed by (schema, table).
    let mut tables: BTreeMap<(String, String), Table> = BTreeMap::new();
    let mut table_order: Vec<(String, String)> = Vec::new();
    let mut partitioned = false;
    // (schema, name, engine, comment) of each sequence.
    let mut sequences: Vec<(String, String, Option<String>, Option<String>)> = Vec::new();
    for row in table_rows.rows {
        let name = s(&row, 1);
        if options.exclude_tables.contains(&name) {
            continue;
        }
        // MariaDB's sequences are tables of their own kind: objects, not tables.
        if s(&row, 7) == "SEQUENCE" {
            sequences.push((s(&row, 0), name, opt(&row, 2), opt(&row, 4).filter(|c| !c.is_empty())));
            continue;
        }
        let mut table = Table { name: name.clone(), ..Table::default() };
        if let Some(engine) = opt(&row, 2) {
            table.attrs.push(attr("engine", engine));
        }
        if let Some(collation) = opt(&row, 3) {
            table.attrs.push(attr("collation", collation));
        }
        table.comment = opt(&row, 4).filter(|c| !c.is_empty());
        // The counter is data: compared only when a desired start is above
        // it (see `diff::counter`); a table created anew starts where its
        // model's did (an explicit `AUTO_INCREMENT=1000`).
        if let Some(next) = opt(&row, 6).and_then(|n| n.parse::<u64>().ok()).filter(|n| *n > 1) {
            table.attrs.push(attr("auto_increment", next));
        }
        // MariaDB's system-versioned tables are base tables with hidden period columns.
        if s(&row, 7) == "SYSTEM VERSIONED" {
            table.attrs.push(attr("system_versioning", true));
        }
        partitioned |= s(&row, 5).split_whitespace().any(|o| o.eq_ignore_ascii_case("partitioned"));
        let options = create_options(&s(&row, 5));
        if !options.is_empty() {
            table.attrs.push(attr("options", options));
        }
        let key = (s(&row, 0), name);
        table_order.push(key.clone());
        tables.insert(key, table);
    }

    // Checks come in the catalog's own order, which is creation order: `SHOW
    // CREATE TABLE` lists them so, and the planner keeps it.
    // Column-level checks (MariaDB), by (schema, table, column).
    let mut column_checks: BTreeMap<(String, String, String), String> = BTreeMap::new();
    let mut table_checks: Vec<(String, String, Check)> = Vec::new();
    for row in check_rows.rows {
        let (schema, table, name, clause) = (s(&row, 0), s(&row, 1), s(&row, 2), unescape(flavour, &s(&row, 3)));
        if s(&row, 4).eq_ignore_ascii_case("column") {
            column_checks.insert((schema, table, name), clause);
        } else {
            table_checks.push((schema, table, Check { name: Some(name), expr: clause, attrs: Vec::new() }));
        }
    }

    for row in column_rows.rows {
        let key = (s(&row, 0), s(&row, 1));
        let Some(table) = tables.get_mut(&key) else { continue };
        let name = s(&row, 2);
        let extra = s(&row, 6).to_ascii_lowercase();
        let mut ty = normalize_type(&s(&row, 3));
        let check_key = (key.0.clone(), key.1.clone(), name.clone());
        let mut column_check = column_checks.remove(&check_key);
        // MariaDB's JSON is an alias of longtext in utf8mb4_bin with a
        // json_valid check; a longtext written so by hand keeps its own form.
        if flavour == Flavour::Mariadb
            && ty == "longtext"
            && opt(&row, 8).as_deref() == Some("utf8mb4_bin")
            && column_check.as_deref().is_some_and(|c| is_json_valid(c, &name))
        {
            ty = "json".into();
            column_check = None;
        }
        let generated = opt(&row, 7)
            .map(|g| unescape(flavour, &g))
            .filter(|g| !g.is_empty() && extra.contains("generated") && !extra.contains("default_generated"))
            .map(|expr| Generated { expr, stored: extra.contains("stored") });
        let mut default =
            if generated.is_some() { None } else { normalize_default(flavour, opt(&row, 5), &extra, &ty) };
        // MariaDB qualifies a sequence in a default (`nextval(`db`.`s`)`): a
        // bound connection writes it unqualified, as view bodies.
        if let Some(d) = default.as_mut().filter(|d| d.starts_with('('))
            && bound.as_deref() == Some(key.0.as_str())
        {
            *d = strip_schema(d, &key.0);
        }
        let table_collation = get_str(&table.attrs, "collation").map(str::to_string);
        let collation = opt(&row, 8).filter(|c| is_text(&ty) && ty != "json" && Some(c) != table_collation.as_ref());
        let mut column = Column {
            name,
            ty,
            nullable: s(&row, 4) == "YES",
            default,
            collation,
            generated,
            comment: opt(&row, 9).filter(|c| !c.is_empty()),
            attrs: Vec::new(),
        };
        if extra.split_whitespace().any(|w| w == "invisible") {
            column.attrs.push(attr("invisible", true));
        }
        if extra.contains("without system versioning") {
            column.attrs.push(attr("unversioned", true));
        }
        if extra.contains("auto_increment") {
            column.attrs.push(attr("auto_increment", true));
        }
        if let Some(at) = extra.find("on update ") {
            column.attrs.push(attr("on_update", current_timestamp(&extra[at + "on update ".len()..])));
        }
        if let Some(check) = column_check {
            column.attrs.push(attr("check", check));
        }
        table.columns.push(column);
    }
    // A column-level check whose column is gone (cannot happen) is kept as a table check.
    for ((schema, table, name), clause) in column_checks {
        table_checks.push((schema, table, Check { name: Some(name), expr: clause, attrs: Vec::new() }));
    }
    for (schema, table, check) in table_checks {
        if let Some(t) = tables.get_mut(&(schema, table)) {
            t.checks.push(check);
        }
    }

    inspect_indexes(index_rows, flavour, &mut tables);
    // PARTITIONS costs a scan of every table's definition: asked only when
    // a table says it is partitioned.
    if partitioned {
        inspect_partitions(conn, &filter, &mut tables)?;
    }
    inspect_foreign_keys(key_columns, fk_rules, &mut tables);

    let mut views: Vec<(String, View)> = Vec::new();
    for row in view_rows.rows {
        let schema = s(&row, 0);
        // A bound connection writes views unqualified: their bodies lose the
        // database qualifier the server adds, so they compare across
        // databases. Without a bound schema, plans qualify every name and the
        // bodies keep theirs.
        let def =
            if bound.as_deref() == Some(schema.as_str()) { strip_schema(&s(&row, 2), &schema) } else { s(&row, 2) };
        let mut view = View { name: s(&row, 1), def, attrs: Vec::new() };
        let check = s(&row, 3);
        if !check.is_empty() && check != "NONE" {
            view.attrs.push(attr("check_option", check));
        }
        if s(&row, 4) == "INVOKER" {
            view.attrs.push(attr("security", "INVOKER"));
        }
        let algorithm = s(&row, 5);
        if !algorithm.is_empty() && algorithm != "UNDEFINED" {
            view.attrs.push(attr("algorithm", algorithm));
        }
        views.push((schema, view));
    }

    // In firing order: triggers of one event fire in creation order, which
    // the planner keeps by creating them in this order.
    let mut triggers: Vec<(String, Trigger)> = Vec::new();
    for row in trigger_rows.rows {
        let (name, table) = (s(&row, 1), s(&row, 2));
        if options.exclude_tables.contains(&table) {
            continue;
        }
        let def = format!(
            "CREATE TRIGGER {} {} {} ON {} FOR EACH ROW {}",
            crate::types::quote(&name),
            s(&row, 3),
            s(&row, 4),
            crate::types::quote(&table),
            s(&row, 5)
        );
        triggers.push((s(&row, 0), Trigger { name, table, def }));
    }

    let found = Found { routines: routine_rows, events: event_rows, sequences };
    let objects = inspect_objects(conn, &filter, bound.as_deref(), &schemas, found)?;

    for key in table_order {
        if let (Some(table), Some(schema)) = (tables.remove(&key), schemas.iter_mut().find(|s| s.name == key.0)) {
            schema.tables.push(table);
        }
    }
    for (name, view) in views {
        if let Some(schema) = schemas.iter_mut().find(|s| s.name == name) {
            schema.views.push(view);
        }
    }
    for (name, trigger) in triggers {
        if let Some(schema) = schemas.iter_mut().find(|s| s.name == name) {
            schema.triggers.push(trigger);
        }
    }
    for (name, object) in objects {
        if let Some(schema) = schemas.iter_mut().find(|s| s.name == name) {
            schema.attrs.push(object.to_attr());
        }
    }
    Ok(Realm { schemas })
}

/// A sequence found in `TABLES`: (schema, name, engine, comment).
type SequenceRow = (String, String, Option<String>, Option<String>);

/// What the first reads found of the objects that are not tables: the
/// sequences among `TABLES`, and `ROUTINES`' and `EVENTS`' rows.
struct Found {
    sequences: Vec<SequenceRow>,
    routines: Rows,
    events: Rows,
}

/// Sequences (MariaDB), stored routines and events, each with its schema, in
/// at most four queries: every sequence's definition is read from its own
/// one-row table, all of them in one `UNION ALL`.
fn inspect_objects(
    conn: &mut MyConn,
    filter: &str,
    bound: Option<&str>,
    schemas: &[Schema],
    found: Found,
) -> Result<Vec<(String, Object)>, PluginError> {
    let Found { sequences, routines, events } = found;
    let mut out = Vec::new();
    // MySQL has no sequences: the catalog lists none there.
    if conn.flavour() == Flavour::Mariadb && !sequences.is_empty() {
        let selects: Vec<String> = sequences
            .iter()
            .map(|(schema, name, ..)| {
                format!(
                    "SELECT {}, {}, start_value, increment, minimum_value, maximum_value, cache_size, cycle_option \
                     FROM {}",
                    literal(schema),
                    literal(name),
                    crate::types::qualified(Some(schema), name)
                )
            })
            .collect();
        let values: BTreeMap<(String, String), Row> = conn
            .rows(&selects.join(" UNION ALL "), &[])?
            .rows
            .into_iter()
            .map(|row| ((s(&row, 0), s(&row, 1)), row))
            .collect();
        for (schema, name, engine, comment) in sequences {
            // Dropped between the two reads.
            let Some(row) = values.get(&(schema.clone(), name.clone())) else { continue };
            let n = |i: usize| s(row, i).parse::<i128>().unwrap_or(0);
            let sequence = Sequence {
                name,
                start: n(2),
                increment: n(3),
                min: n(4),
                max: n(5),
                cache: n(6),
                cycle: n(7) != 0,
                engine,
                comment,
            };
            out.push((schema, Object::Sequence(sequence)));
        }
    }

    // A body naming its own database loses the qualifier on a bound
    // connection, as view bodies do.
    let own = |schema: &str, body: &str| {
        if bound == Some(schema) { strip_schema(body, schema) } else { body.to_string() }
    };
    let routines = routines.rows;
    if !routines.is_empty() {
        // Parameters by (schema, type, name), in order; a function's return
        // type is its parameter 0.
        let mut params: BTreeMap<(String, String, String), Vec<Row>> = BTreeMap::new();
        for row in conn
            .rows(
                &format!(
                    "SELECT SPECIFIC_SCHEMA, ROUTINE_TYPE, SPECIFIC_NAME, ORDINAL_POSITION, PARAMETER_MODE, \
                     PARAMETER_NAME, DTD_IDENTIFIER, CHARACTER_SET_NAME FROM information_schema.PARAMETERS \
                     WHERE SPECIFIC_SCHEMA {filter} ORDER BY SPECIFIC_SCHEMA, ROUTINE_TYPE, SPECIFIC_NAME, ORDINAL_POSITION"
                ),
                &[],
            )?
            .rows
        {
            params.entry((s(&row, 0), s(&row, 1), s(&row, 2))).or_default().push(row);
        }
        for row in routines {
            let (schema, name, kind) = (s(&row, 0), s(&row, 1), s(&row, 2));
            let charset = schemas.iter().find(|x| x.name == schema).and_then(|x| get_str(&x.attrs, "charset"));
            // A string parameter's character set is written where it is not the database's.
            let ty = |p: &Row| {
                let mut ty = normalize_type(&s(p, 6));
                if let Some(cs) = opt(p, 7).filter(|cs| Some(cs.as_str()) != charset) {
                    ty.push_str(&format!(" CHARSET {cs}"));
                }
                ty
            };
            let own_params = params.get(&(schema.clone(), kind.clone(), name.clone()));
            let list: Vec<String> = own_params
                .into_iter()
                .flatten()
                .filter(|p| s(p, 3) != "0")
                .map(|p| {
                    let param = format!("{} {}", crate::types::quote(&s(p, 5)), ty(p));
                    match opt(p, 4).filter(|_| kind == "PROCEDURE") {
                        Some(mode) => format!("{mode} {param}"),
                        None => param,
                    }
                })
                .collect();
            let returns = (kind == "FUNCTION").then(|| {
                own_params
                    .into_iter()
                    .flatten()
                    .find(|p| s(p, 3) == "0")
                    .map_or_else(|| normalize_type(&s(&row, 3)), ty)
            });
            let routine = Routine {
                body: own(&schema, s(&row, 4).trim()),
                name,
                kind,
                params: list.join(", "),
                returns,
                deterministic: s(&row, 5) == "YES",
                data_access: s(&row, 6),
                security: s(&row, 7),
                comment: opt(&row, 8).filter(|c| !c.is_empty()),
            };
            out.push((schema, Object::Routine(routine)));
        }
    }

    for row in events.rows {
        let schema = s(&row, 0);
        let schedule = if s(&row, 3) == "RECURRING" {
            let value = s(&row, 4);
            // A compound interval (`HOUR_MINUTE`) has a value like `1:30`, written quoted.
            let value = if value.chars().all(|c| c.is_ascii_digit()) { value } else { literal(&value) };
            format!("EVERY {value} {}", s(&row, 5))
        } else {
            "AT".to_string()
        };
        let status = match s(&row, 9).as_str() {
            "DISABLED" => "DISABLE",
            "SLAVESIDE_DISABLED" => "DISABLE ON SLAVE",
            _ => "ENABLE",
        };
        let event = Event {
            name: s(&row, 1),
            schedule,
            at: opt(&row, 6),
            starts: opt(&row, 7),
            ends: opt(&row, 8),
            preserve: s(&row, 10) == "PRESERVE",
            status: status.into(),
            body: own(&schema, s(&row, 2).trim()),
            comment: opt(&row, 11).filter(|c| !c.is_empty()),
        };
        out.push((schema, Object::Event(event)));
    }
    Ok(out)
}

/// The catalog reads every inspection makes, whatever the others find.
struct Queries {
    schemata: String,
    tables: String,
    columns: String,
    checks: String,
    indexes: String,
    /// Foreign keys' columns. Two queries joined in [`inspect_foreign_keys`]:
    /// the server joins two information_schema tables by materializing both,
    /// four times slower than reading each.
    key_columns: String,
    fk_rules: String,
    views: String,
    triggers: String,
    routines: String,
    events: String,
}

impl Queries {
    fn new(flavour: Flavour, version: (u32, u32, u32), filter: &str) -> Queries {
        let checks = match flavour {
            Flavour::Mariadb => {
                let level = if version >= (10, 5, 10) { "LEVEL" } else { "'Table'" };
                Some(format!(
                    "SELECT CONSTRAINT_SCHEMA, TABLE_NAME, CONSTRAINT_NAME, CHECK_CLAUSE, {level}, 'YES' \
                     FROM information_schema.CHECK_CONSTRAINTS WHERE CONSTRAINT_SCHEMA {filter}"
                ))
            }
            Flavour::Mysql if version >= (8, 0, 16) => Some(format!(
                "SELECT tc.TABLE_SCHEMA, tc.TABLE_NAME, tc.CONSTRAINT_NAME, cc.CHECK_CLAUSE, 'Table', tc.ENFORCED \
                 FROM information_schema.TABLE_CONSTRAINTS tc JOIN information_schema.CHECK_CONSTRAINTS cc \
                 ON cc.CONSTRAINT_SCHEMA = tc.CONSTRAINT_SCHEMA AND cc.CONSTRAINT_NAME = tc.CONSTRAINT_NAME \
                 WHERE tc.CONSTRAINT_TYPE = 'CHECK' AND tc.TABLE_SCHEMA {filter}"
            )),
            Flavour::Mysql => None,
        };
        let (hidden, expression) = match flavour {
            Flavour::Mariadb if version >= (10, 6, 0) => ("IGNORED = 'YES'", "NULL"),
            Flavour::Mariadb => ("FALSE", "NULL"),
            Flavour::Mysql if version >= (8, 0, 13) => ("IS_VISIBLE = 'NO'", "EXPRESSION"),
            Flavour::Mysql if version >= (8, 0, 0) => ("IS_VISIBLE = 'NO'", "NULL"),
            Flavour::Mysql => ("FALSE", "NULL"),
        };
        // MySQL's VIEWS has no ALGORITHM column.
        let algorithm = if flavour == Flavour::Mariadb { "ALGORITHM" } else { "'UNDEFINED'" };
        // Times are shown in the event's time zone; the connection's is UTC.
        let utc = |c: &str| format!("COALESCE(CONVERT_TZ({c}, TIME_ZONE, '+00:00'), {c})");
        Queries {
            schemata: format!(
                "SELECT SCHEMA_NAME, DEFAULT_CHARACTER_SET_NAME, DEFAULT_COLLATION_NAME \
                 FROM information_schema.SCHEMATA WHERE SCHEMA_NAME {filter} ORDER BY SCHEMA_NAME"
            ),
            tables: format!(
                "SELECT TABLE_SCHEMA, TABLE_NAME, ENGINE, TABLE_COLLATION, TABLE_COMMENT, CREATE_OPTIONS, AUTO_INCREMENT, \
                 TABLE_TYPE FROM information_schema.TABLES WHERE TABLE_SCHEMA {filter} \
                 AND TABLE_TYPE IN ('BASE TABLE', 'SYSTEM VERSIONED', 'SEQUENCE') ORDER BY TABLE_SCHEMA, TABLE_NAME"
            ),
            columns: format!(
                "SELECT TABLE_SCHEMA, TABLE_NAME, COLUMN_NAME, COLUMN_TYPE, IS_NULLABLE, COLUMN_DEFAULT, EXTRA, \
                 GENERATION_EXPRESSION, COLLATION_NAME, COLUMN_COMMENT, DATA_TYPE \
                 FROM information_schema.COLUMNS WHERE TABLE_SCHEMA {filter} \
                 ORDER BY TABLE_SCHEMA, TABLE_NAME, ORDINAL_POSITION"
            ),
            // MySQL before 8.0.16 has no checks: a read that finds none.
            checks: checks.unwrap_or_else(|| "SELECT NULL FROM DUAL WHERE FALSE".into()),
            indexes: format!(
                "SELECT TABLE_SCHEMA, TABLE_NAME, INDEX_NAME, NON_UNIQUE, COLUMN_NAME, SUB_PART, COLLATION, INDEX_TYPE, \
                 INDEX_COMMENT, {hidden}, {expression}, SEQ_IN_INDEX FROM information_schema.STATISTICS \
                 WHERE TABLE_SCHEMA {filter}"
            ),
            key_columns: format!(
                "SELECT TABLE_SCHEMA, TABLE_NAME, CONSTRAINT_NAME, COLUMN_NAME, REFERENCED_TABLE_SCHEMA, \
                 REFERENCED_TABLE_NAME, REFERENCED_COLUMN_NAME \
                 FROM information_schema.KEY_COLUMN_USAGE \
                 WHERE TABLE_SCHEMA {filter} AND REFERENCED_TABLE_NAME IS NOT NULL \
                 ORDER BY TABLE_SCHEMA, TABLE_NAME, CONSTRAINT_NAME, ORDINAL_POSITION"
            ),
            fk_rules: format!(
                "SELECT CONSTRAINT_SCHEMA, TABLE_NAME, CONSTRAINT_NAME, UPDATE_RULE, DELETE_RULE \
                 FROM information_schema.REFERENTIAL_CONSTRAINTS WHERE CONSTRAINT_SCHEMA {filter}"
            ),
            views: format!(
                "SELECT TABLE_SCHEMA, TABLE_NAME, VIEW_DEFINITION, CHECK_OPTION, SECURITY_TYPE, {algorithm} \
                 FROM information_schema.VIEWS WHERE TABLE_SCHEMA {filter} ORDER BY TABLE_SCHEMA, TABLE_NAME"
            ),
            triggers: format!(
                "SELECT TRIGGER_SCHEMA, TRIGGER_NAME, EVENT_OBJECT_TABLE, ACTION_TIMING, EVENT_MANIPULATION, \
                 ACTION_STATEMENT FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA {filter} \
                 ORDER BY TRIGGER_SCHEMA, EVENT_OBJECT_TABLE, ACTION_TIMING, EVENT_MANIPULATION, ACTION_ORDER"
            ),
            routines: format!(
                "SELECT ROUTINE_SCHEMA, ROUTINE_NAME, ROUTINE_TYPE, DTD_IDENTIFIER, ROUTINE_DEFINITION, \
                 IS_DETERMINISTIC, SQL_DATA_ACCESS, SECURITY_TYPE, ROUTINE_COMMENT FROM information_schema.ROUTINES \
                 WHERE ROUTINE_SCHEMA {filter} AND ROUTINE_TYPE IN ('FUNCTION', 'PROCEDURE') \
                 ORDER BY ROUTINE_SCHEMA, ROUTINE_TYPE, ROUTINE_NAME"
            ),
            events: format!(
                "SELECT EVENT_SCHEMA, EVENT_NAME, EVENT_DEFINITION, EVENT_TYPE, INTERVAL_VALUE, INTERVAL_FIELD, \
                 {}, {}, {}, STATUS, ON_COMPLETION, EVENT_COMMENT FROM information_schema.EVENTS \
                 WHERE EVENT_SCHEMA {filter} ORDER BY EVENT_SCHEMA, EVENT_NAME",
                utc("EXECUTE_AT"),
                utc("STARTS"),
                utc("ENDS")
            ),
        }
    }
}

fn conn_schema(conn: &MyConn) -> Option<String> {
    strata_dialect_api::DialectConnection::info(conn).schema
}

/// Table options written at creation (`CREATE_OPTIONS`: `row_format=DYNAMIC
/// stats_persistent=1`), which `SHOW CREATE TABLE` repeats: `KEY=value` pairs
/// with the key uppercased; partitioning is not an option we can write back.
fn create_options(text: &str) -> Vec<String> {
    text.split_whitespace()
        .filter_map(|o| o.split_once('='))
        .map(|(k, v)| format!("{}={v}", k.trim_matches('`').to_ascii_uppercase()))
        .collect()
}

/// MySQL 8 prints the quotes of string literals inside expressions escaped
/// (`_utf8mb4\'x\'`) in `GENERATION_EXPRESSION`, `CHECK_CLAUSE`, expression
/// defaults and functional key parts; MariaDB prints plain SQL.
fn unescape(flavour: Flavour, expr: &str) -> String {
    match flavour {
        Flavour::Mysql => expr.replace("\\'", "'"),
        Flavour::Mariadb => expr.to_string(),
    }
}

/// True for MariaDB's JSON check on `column`: `json_valid(`column`)`.
fn is_json_valid(clause: &str, column: &str) -> bool {
    let compact: String = clause.chars().filter(|c| !c.is_whitespace()).collect();
    compact.eq_ignore_ascii_case(&format!("json_valid({})", crate::types::quote(column)))
}

/// `current_timestamp()`, `CURRENT_TIMESTAMP(6)`, `now()` → `CURRENT_TIMESTAMP[(n)]`.
fn current_timestamp(text: &str) -> String {
    let t = text.trim();
    let digits: String =
        t.split_once('(').map(|(_, r)| r.chars().take_while(char::is_ascii_digit).collect()).unwrap_or_default();
    match digits.parse::<u32>() {
        Ok(n) if n > 0 => format!("CURRENT_TIMESTAMP({n})"),
        _ => "CURRENT_TIMESTAMP".into(),
    }
}

fn is_current_timestamp(text: &str) -> bool {
    let l = text.trim().to_ascii_lowercase();
    l.starts_with("current_timestamp") || l.starts_with("now(") || l.starts_with("localtimestamp")
}

/// A column default as SQL the planner writes back: a quoted literal, a
/// number (numeric types), `CURRENT_TIMESTAMP[(n)]`, or `(expression)`.
pub(crate) fn normalize_default(flavour: Flavour, raw: Option<String>, extra: &str, ty: &str) -> Option<String> {
    let raw = raw?;
    if is_current_timestamp(&raw) {
        return Some(current_timestamp(&raw));
    }
    match flavour {
        // MariaDB prints SQL: `NULL`, `'text'`, `5`, `b'101'` or an expression.
        Flavour::Mariadb => {
            if raw == "NULL" {
                return None;
            }
            if raw.starts_with('\'') || raw.to_ascii_lowercase().starts_with("b'") || raw.starts_with("0x") {
                return Some(raw);
            }
            if raw.parse::<f64>().is_ok() {
                return Some(if is_numeric(ty) || ty.starts_with("bit") { raw } else { literal(&raw) });
            }
            Some(format!("({raw})"))
        }
        // MySQL prints a literal's value raw and marks expressions DEFAULT_GENERATED.
        Flavour::Mysql => {
            if extra.contains("default_generated") {
                let raw = unescape(flavour, &raw);
                let inner = raw.trim();
                return Some(if inner.starts_with('(') { inner.to_string() } else { format!("({inner})") });
            }
            if ty.starts_with("bit") || raw.to_ascii_lowercase().starts_with("b'") {
                return Some(raw);
            }
            if is_numeric(ty) && raw.parse::<f64>().is_ok() {
                return Some(raw);
            }
            Some(literal(&raw))
        }
    }
}

/// Keys and indexes from `STATISTICS`' rows ([`Queries::indexes`]).
fn inspect_indexes(rows: Rows, flavour: Flavour, tables: &mut BTreeMap<(String, String), Table>) {
    // Unsorted on purpose: the catalog lists a table's keys in the server's
    // key order, which `SHOW CREATE TABLE` shows and the planner keeps.
    let hidden_attr = if flavour == Flavour::Mariadb { "ignored" } else { "invisible" };
    // (schema, table) and the index with its parts' sequence numbers and prefix lengths.
    type Found = ((String, String), Index, Vec<(u64, serde_json::Value)>);
    let mut found: Vec<Found> = Vec::new();
    for row in rows.rows {
        let seq = s(&row, 11).parse::<u64>().unwrap_or(0);
        let key = (s(&row, 0), s(&row, 1));
        let name = s(&row, 2);
        let part = IndexPart {
            column: opt(&row, 4),
            expr: opt(&row, 10).map(|e| format!("({})", unescape(flavour, &e))).filter(|_| opt(&row, 4).is_none()),
            desc: s(&row, 6) == "D",
            collation: None,
        };
        let sub = opt(&row, 5).and_then(|p| p.parse::<u64>().ok()).map_or(serde_json::Value::Null, Into::into);
        match found.iter_mut().rev().find(|(k, index, _)| *k == key && index.name == name) {
            Some((_, index, subs)) => {
                index.parts.push(part);
                subs.push((seq, sub));
            }
            _ => {
                let mut index = Index { name, unique: s(&row, 3) == "0", parts: vec![part], ..Index::default() };
                let ty = s(&row, 7);
                // A MEMORY table's keys are HASH unless written otherwise: the
                // type is kept only where it is not the engine's default.
                let memory = tables
                    .get(&key)
                    .and_then(|t| get_str(&t.attrs, "engine"))
                    .is_some_and(|e| e.eq_ignore_ascii_case("MEMORY") || e.eq_ignore_ascii_case("HEAP"));
                let kept = if memory { ty == "BTREE" } else { matches!(ty.as_str(), "FULLTEXT" | "SPATIAL" | "HASH") };
                if kept {
                    index.attrs.push(attr("type", ty));
                }
                if let Some(comment) = opt(&row, 8).filter(|c| !c.is_empty()) {
                    index.attrs.push(attr("comment", comment));
                }
                if s(&row, 9) == "1" {
                    index.attrs.push(attr(hidden_attr, true));
                }
                found.push((key, index, vec![(seq, sub)]));
            }
        }
    }
    for (key, mut index, seqs) in found {
        let Some(table) = tables.get_mut(&key) else { continue };
        let mut order: Vec<usize> = (0..seqs.len()).collect();
        order.sort_by_key(|&i| seqs[i].0);
        index.parts = order.iter().filter_map(|&i| index.parts.get(i).cloned()).collect();
        let subs: Vec<serde_json::Value> = order.iter().map(|&i| seqs[i].1.clone()).collect();
        // A spatial key reports a prefix length (32) that cannot be written back.
        if subs.iter().any(|s| !s.is_null()) && get_str(&index.attrs, "type") != Some("SPATIAL") {
            index.attrs.push(attr("sub_parts", serde_json::Value::Array(subs)));
        }
        if index.name == "PRIMARY" {
            table.primary_key = Some(PrimaryKey { name: None, parts: index.parts, attrs: index.attrs });
        } else {
            table.indexes.push(index);
        }
    }
}

/// Partitioning, read from `PARTITIONS` and kept as the `partition` attribute:
/// the `PARTITION BY …` clause that recreates it, in a canonical form so that
/// two databases partitioned alike compare equal.
fn inspect_partitions(
    conn: &mut MyConn,
    filter: &str,
    tables: &mut BTreeMap<(String, String), Table>,
) -> Result<(), PluginError> {
    let rows = conn.rows(
        &format!(
            "SELECT TABLE_SCHEMA, TABLE_NAME, PARTITION_NAME, SUBPARTITION_NAME, PARTITION_METHOD, SUBPARTITION_METHOD, \
             PARTITION_EXPRESSION, SUBPARTITION_EXPRESSION, PARTITION_DESCRIPTION, PARTITION_COMMENT \
             FROM information_schema.PARTITIONS WHERE TABLE_SCHEMA {filter} AND PARTITION_NAME IS NOT NULL \
             ORDER BY TABLE_SCHEMA, TABLE_NAME, PARTITION_ORDINAL_POSITION, SUBPARTITION_ORDINAL_POSITION"
        ),
        &[],
    )?;
    let mut found: Vec<((String, String), Vec<Row>)> = Vec::new();
    for row in rows.rows {
        let key = (s(&row, 0), s(&row, 1));
        match found.last_mut() {
            Some((k, parts)) if *k == key => parts.push(row),
            _ => found.push((key, vec![row])),
        }
    }
    for (key, rows) in found {
        if let (Some(table), Some(clause)) = (tables.get_mut(&key), partition_clause(&rows)) {
            table.attrs.push(attr("partition", clause));
        }
    }
    Ok(())
}

/// The `PARTITION BY` clause of one table's `PARTITIONS` rows (one per
/// partition, or per subpartition), or `None` for what cannot be written back
/// (MariaDB's `SYSTEM_TIME` partitioning).
fn partition_clause(rows: &[Row]) -> Option<String> {
    let first = rows.first()?;
    let method = s(first, 4);
    if method.is_empty() || method.contains("SYSTEM_TIME") {
        return None;
    }
    // `RANGE COLUMNS` is written `RANGE COLUMNS(a, b)`; the rest `HASH (expr)`.
    let by = |method: &str, expr: &str| match method.strip_suffix(" COLUMNS") {
        Some(m) => format!("{m} COLUMNS({expr})"),
        None => format!("{method} ({expr})"),
    };
    let mut sql = format!("PARTITION BY {}", by(&method, &s(first, 6)));
    // Partitions in order, each with its subpartition names.
    let mut parts: Vec<(&Row, Vec<String>)> = Vec::new();
    for row in rows {
        match parts.last_mut() {
            Some((p, subs)) if s(p, 2) == s(row, 2) => subs.extend(opt(row, 3)),
            _ => parts.push((row, opt(row, 3).into_iter().collect())),
        }
    }
    let sub_method = opt(first, 5).filter(|m| !m.is_empty());
    let sub_count = parts[0].1.len();
    // Default names (`p0`…, `<partition>sp0`…) are written as a count, as the server shows them.
    let default_subs = parts.iter().all(|(p, subs)| {
        subs.len() == sub_count && subs.iter().enumerate().all(|(i, n)| *n == format!("{}sp{i}", s(p, 2)))
    });
    if let Some(m) = &sub_method {
        sql.push_str(&format!(" SUBPARTITION BY {}", by(m, &s(first, 7))));
        if default_subs {
            sql.push_str(&format!(" SUBPARTITIONS {sub_count}"));
        }
    }
    let bounded = method.starts_with("RANGE") || method.starts_with("LIST");
    let plain = !bounded
        && parts.iter().enumerate().all(|(i, (p, _))| s(p, 2) == format!("p{i}") && s(p, 9).is_empty())
        && (sub_method.is_none() || default_subs);
    if plain {
        sql.push_str(&format!(" PARTITIONS {}", parts.len()));
        return Some(sql);
    }
    let list: Vec<String> = parts
        .iter()
        .map(|(p, subs)| {
            let mut part = format!("PARTITION {}", crate::types::quote(&s(p, 2)));
            let description = s(p, 8);
            if method.starts_with("RANGE") {
                part.push_str(&format!(" VALUES LESS THAN ({description})"));
            } else if method.starts_with("LIST") {
                // MariaDB reports a `DEFAULT` partition's values as MAXVALUE.
                if description == "DEFAULT" || description == "MAXVALUE" {
                    part.push_str(" DEFAULT");
                } else {
                    part.push_str(&format!(" VALUES IN ({description})"));
                }
            }
            if let Some(comment) = opt(p, 9).filter(|c| !c.is_empty()) {
                part.push_str(&format!(" COMMENT {}", literal(&comment)));
            }
            if sub_method.is_some() && !default_subs {
                let names: Vec<String> =
                    subs.iter().map(|n| format!("SUBPARTITION {}", crate::types::quote(n))).collect();
                part.push_str(&format!(" ({})", names.join(", ")));
            }
            part
        })
        .collect();
    sql.push_str(&format!(" ({})", list.join(", ")));
    Some(sql)
}

/// Foreign keys from `KEY_COLUMN_USAGE`'s and `REFERENTIAL_CONSTRAINTS`' rows
/// ([`Queries::key_columns`], [`Queries::fk_rules`]).
fn inspect_foreign_keys(rows: Rows, rules: Rows, tables: &mut BTreeMap<(String, String), Table>) {
    let rules: BTreeMap<(String, String, String), (String, String)> =
        rules.rows.into_iter().map(|row| ((s(&row, 0), s(&row, 1), s(&row, 2)), (s(&row, 3), s(&row, 4)))).collect();
    let mut found: Vec<((String, String), ForeignKey)> = Vec::new();
    for row in rows.rows {
        // A key column without its constraint's rules: not a foreign key
        // (or one dropped between the two reads).
        let Some((on_update, on_delete)) = rules.get(&(s(&row, 0), s(&row, 1), s(&row, 2))).cloned() else {
            continue;
        };
        let key = (s(&row, 0), s(&row, 1));
        let name = s(&row, 2);
        match found.last_mut() {
            Some((k, fk)) if *k == key && fk.name.as_deref() == Some(name.as_str()) => {
                fk.columns.push(s(&row, 3));
                fk.ref_columns.push(s(&row, 6));
            }
            _ => {
                let ref_schema = s(&row, 4);
                // RESTRICT is InnoDB's default and what the catalog reports when none was written.
                let action = |a: String| Some(a).filter(|a| a != "RESTRICT");
                let fk = ForeignKey {
                    attrs: Vec::new(),
                    name: Some(name),
                    columns: vec![s(&row, 3)],
                    ref_schema: Some(ref_schema).filter(|r| *r != key.0),
                    ref_table: s(&row, 5),
                    ref_columns: vec![s(&row, 6)],
                    on_update: action(on_update),
                    on_delete: action(on_delete),
                    deferrable: None,
                };
                found.push((key, fk));
            }
        }
    }
    for (key, fk) in found {
        if let Some(table) = tables.get_mut(&key) {
            table.foreign_keys.push(fk);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_normalize_across_flavours() {
        let m = |raw: &str, extra: &str, ty: &str| normalize_default(Flavour::Mysql, Some(raw.into()), extra, ty);
        let d = |raw: &str, ty: &str| normalize_default(Flavour::Mariadb, Some(raw.into()), "", ty);
        assert_eq!(d("current_timestamp()", "datetime").as_deref(), Some("CURRENT_TIMESTAMP"));
        assert_eq!(
            m("CURRENT_TIMESTAMP(6)", "default_generated", "timestamp(6)").as_deref(),
            Some("CURRENT_TIMESTAMP(6)")
        );
        assert_eq!(d("'it''s'", "varchar(5)").as_deref(), Some("'it''s'"));
        assert_eq!(m("it's", "", "varchar(5)").as_deref(), Some("'it''s'"));
        assert_eq!(d("NULL", "int"), None);
        assert_eq!(d("5", "int").as_deref(), Some("5"));
        assert_eq!(m("5", "", "int").as_deref(), Some("5"));
        assert_eq!(d("uuid()", "char(36)").as_deref(), Some("(uuid())"));
        assert_eq!(m("uuid()", "default_generated", "char(36)").as_deref(), Some("(uuid())"));
        assert_eq!(d("b'101'", "bit(3)").as_deref(), Some("b'101'"));
        assert!(is_json_valid("json_valid(`g`)", "g"));
        assert_eq!(unescape(Flavour::Mysql, "concat(`a`,_utf8mb4\\'!\\')"), "concat(`a`,_utf8mb4'!')");
        assert_eq!(unescape(Flavour::Mariadb, "'a\\'b'"), "'a\\'b'");
    }

    fn part(name: &str, sub: Option<&str>, method: &str, description: Option<&str>) -> Row {
        let v = |x: &str| Some(x.to_string());
        vec![
            v("s"),
            v("t"),
            v(name),
            sub.map(str::to_string),
            v(method),
            sub.map(|_| "HASH".to_string()),
            v("`k`"),
            sub.map(|_| "`id`".to_string()),
            description.map(str::to_string),
            v(""),
        ]
    }

    #[test]
    fn partition_clauses() {
        let hash = [part("p0", None, "HASH", None), part("p1", None, "HASH", None)];
        assert_eq!(partition_clause(&hash).as_deref(), Some("PARTITION BY HASH (`k`) PARTITIONS 2"));
        let named = [part("a", None, "KEY", None), part("b", None, "KEY", None)];
        assert_eq!(partition_clause(&named).as_deref(), Some("PARTITION BY KEY (`k`) (PARTITION `a`, PARTITION `b`)"));
        let range = [part("a", None, "RANGE", Some("10")), part("m", None, "RANGE", Some("MAXVALUE"))];
        assert_eq!(
            partition_clause(&range).as_deref(),
            Some(
                "PARTITION BY RANGE (`k`) (PARTITION `a` VALUES LESS THAN (10), PARTITION `m` VALUES LESS THAN (MAXVALUE))"
            )
        );
        let list =
            [part("a", None, "LIST COLUMNS", Some("'x','y'")), part("d", None, "LIST COLUMNS", Some("MAXVALUE"))];
        assert_eq!(
            partition_clause(&list).as_deref(),
            Some("PARTITION BY LIST COLUMNS(`k`) (PARTITION `a` VALUES IN ('x','y'), PARTITION `d` DEFAULT)")
        );
        let sub = [
            part("a", Some("asp0"), "RANGE", Some("10")),
            part("a", Some("asp1"), "RANGE", Some("10")),
            part("b", Some("bsp0"), "RANGE", Some("MAXVALUE")),
            part("b", Some("bsp1"), "RANGE", Some("MAXVALUE")),
        ];
        assert_eq!(
            partition_clause(&sub).as_deref(),
            Some(
                "PARTITION BY RANGE (`k`) SUBPARTITION BY HASH (`id`) SUBPARTITIONS 2 \
                 (PARTITION `a` VALUES LESS THAN (10), PARTITION `b` VALUES LESS THAN (MAXVALUE))"
            )
        );
        assert_eq!(partition_clause(&[part("p0", None, "SYSTEM_TIME", None)]), None);
    }
}
