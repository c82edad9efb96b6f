//! Inspection of a PostgreSQL database into the schema model.
//!
//! A constant number of catalog queries (one per kind of object, never one per
//! table) read `pg_catalog` for every schema in scope; the rows are then grouped
//! by table. Text comes from the server's own deparsers (`format_type`,
//! `pg_get_expr`, `pg_get_indexdef`, `pg_get_constraintdef`, `pg_get_viewdef`,
//! `pg_get_triggerdef`, `pg_get_functiondef`), so it is canonical: two
//! databases holding the same schema print the same text.
//!
//! The queries run with an empty `search_path`, so those functions qualify every
//! name outside `pg_catalog`; the qualifier of the connection's home schema (its
//! bound schema, else `public`, where unqualified names resolve when plans run)
//! is then stripped (`sql::strip_schema`), and every other schema's kept, so the
//! text runs as written. The result does not depend on the session's
//! `search_path`, and a bound schema compares equal to its copy under another name.

use crate::driver::{PgConn, block_on, classify};
use crate::objects::{Domain, EnumType, Extension, Function, Object, Sequence};
use crate::sql::{self, strip_schema};
use crate::types::serial_of;
use serde_json::Value;
use std::collections::{BTreeMap, HashMap};
use strata_dialect_api::{
    Attr, Check, Column, DialectConnection, ForeignKey, Generated, Index, IndexPart, InspectOptions, PluginError,
    PrimaryKey, Realm, Schema, Table, Trigger, View,
};
use tokio_postgres::{Client, Row};

/// The postgres dialect's attributes.
const ATTRS: strata_dialect_kit::attrs::Attrs = strata_dialect_kit::attrs::Attrs::new(crate::objects::DIALECT);

/// An `Attr::Other` of the postgres dialect.
pub(crate) fn attr(name: &str, value: impl Into<Value>) -> Attr {
    ATTRS.attr(name, value)
}

/// The value of the postgres attribute `name` in `attrs`.
pub(crate) fn attr_value<'a>(attrs: &'a [Attr], name: &str) -> Option<&'a Value> {
    ATTRS.get(attrs, name)
}

/// True when `index` backs a `UNIQUE` constraint (planned as `ADD CONSTRAINT … UNIQUE`).
pub(crate) fn is_constraint(index: &Index) -> bool {
    attr_value(&index.attrs, "constraint").is_some()
}

/// Inspects the schemas in scope: `options.schemas`, else the connection's bound
/// schema, else every schema but the system ones.
///
/// # Errors
/// When a catalog query fails.
pub fn inspect_realm(conn: &PgConn, options: &InspectOptions) -> Result<Realm, PluginError> {
    let mut scope = options.schemas.clone();
    if scope.is_empty()
        && let Some(bound) = conn.info().schema
    {
        scope.push(bound);
    }
    let version = conn.version_num();
    let home = conn.info().schema.unwrap_or_else(|| "public".to_string());
    let client = conn.client();
    block_on(async {
        let saved: String = client.query_one("SELECT current_setting('search_path')", &[]).await?.try_get(0)?;
        client.execute("SELECT set_config('search_path', '', false)", &[]).await?;
        let result = inspect(client, &scope, &home, options, version).await;
        // Restore even after a failure; inside an aborted transaction this fails,
        // and the rollback restores the setting anyway.
        let restored = client.execute("SELECT set_config('search_path', $1, false)", &[&saved]).await;
        let realm = result?;
        restored?;
        Ok(realm)
    })?
    .map_err(|e: tokio_postgres::Error| classify(&e))
}

/// Not a member of an extension: such objects come and go with `CREATE EXTENSION`.
fn not_extension_member(catalog: &str, oid: &str) -> String {
    format!(
        "NOT EXISTS (SELECT 1 FROM pg_depend ext WHERE ext.classid = '{catalog}'::regclass \
         AND ext.objid = {oid} AND ext.deptype = 'e')"
    )
}

async fn inspect(
    client: &Client,
    scope: &[String],
    home: &str,
    options: &InspectOptions,
    version: u32,
) -> Result<Realm, tokio_postgres::Error> {
    // The revisions table's own schema (Atlas's default when the URL is not bound)
    // holds nothing of the user's: leaving it out keeps it out of every diff.
    let hide_revisions_schema =
        scope.is_empty() && options.exclude_tables.iter().any(|t| t == "atlas_schema_revisions");
    let rows = client
        .query(
            "SELECT n.nspname::text, obj_description(n.oid, 'pg_namespace') FROM pg_namespace n \
             WHERE CASE WHEN cardinality($1::text[]) = 0 \
               THEN n.nspname NOT LIKE 'pg\\_%' AND n.nspname <> 'information_schema' \
               ELSE n.nspname = ANY($1::text[]) END \
             ORDER BY n.nspname",
            &[&scope],
        )
        .await?;
    let mut schemas: Vec<Schema> = Vec::new();
    for row in rows {
        let name: String = row.try_get(0)?;
        if hide_revisions_schema && name == "atlas_schema_revisions" {
            continue;
        }
        let mut schema = Schema { name, ..Schema::default() };
        // `public` comes with a comment every database has (and a dev database
        // cleaned by dropping it lacks): it is not the user's.
        if let Some(c) = row.try_get::<_, Option<String>>(1)?
            && !(schema.name == "public" && c == "standard public schema")
        {
            schema.attrs.push(attr("comment", c));
        }
        schemas.push(schema);
    }
    let names: Vec<String> = schemas.iter().map(|s| s.name.clone()).collect();
    let exclude = &options.exclude_tables;

    // Tables.
    let mut tables: BTreeMap<u32, (String, Table)> = BTreeMap::new();
    let query = format!(
        "SELECT c.oid, n.nspname::text, c.relname::text, ds.description, c.relrowsecurity, c.relforcerowsecurity, \
           CASE WHEN c.relkind = 'p' THEN pg_get_partkeydef(c.oid) END \
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
         LEFT JOIN pg_description ds ON ds.objoid = c.oid AND ds.classoid = 'pg_class'::regclass AND ds.objsubid = 0 \
         WHERE n.nspname = ANY($1::text[]) AND c.relkind IN ('r', 'p') AND NOT c.relispartition \
           AND c.relname <> ALL($2::text[]) AND {}",
        not_extension_member("pg_class", "c.oid")
    );
    for row in client.query(&query, &[&names, exclude]).await? {
        let oid: u32 = row.try_get(0)?;
        let schema: String = row.try_get(1)?;
        let mut table = Table { name: row.try_get(2)?, comment: row.try_get(3)?, ..Table::default() };
        if row.try_get::<_, bool>(4)? {
            table.attrs.push(attr("rls", true));
        }
        if row.try_get::<_, bool>(5)? {
            table.attrs.push(attr("rls_forced", true));
        }
        if let Some(key) = row.try_get::<_, Option<String>>(6)? {
            table.attrs.push(attr("partition_by", strip_schema(&key, home)));
        }
        tables.insert(oid, (schema, table));
    }

    // Partitions ride on their parent: `partitions` = {name: bound}. They have
    // the parent's columns, and its indexes and keys as clones.
    let rows = client
        .query(
            "SELECT i.inhparent, c.relname::text, pg_get_expr(c.relpartbound, c.oid) \
             FROM pg_class c JOIN pg_inherits i ON i.inhrelid = c.oid JOIN pg_namespace n ON n.oid = c.relnamespace \
             WHERE c.relispartition AND c.relkind IN ('r', 'p') AND n.nspname = ANY($1::text[]) \
             ORDER BY c.relname",
            &[&names],
        )
        .await?;
    for row in rows {
        let parent: u32 = row.try_get(0)?;
        let Some((_, table)) = tables.get_mut(&parent) else { continue };
        let bound: String = row.try_get(2)?;
        let mut parts = match attr_value(&table.attrs, "partitions") {
            Some(Value::Object(m)) => m.clone(),
            _ => serde_json::Map::new(),
        };
        parts.insert(row.try_get(1)?, Value::from(strip_schema(&bound, home)));
        table.attrs.retain(|a| !matches!(a, Attr::Other { name, .. } if name == "partitions"));
        table.attrs.push(attr("partitions", Value::Object(parts)));
    }

    // Row-level security policies: `policies` on the table, by name.
    let rows = client
        .query(
            "SELECT p.polrelid, p.polname::text, p.polpermissive, p.polcmd::text, \
               array(SELECT CASE WHEN r = 0 THEN 'public' ELSE (SELECT rolname::text FROM pg_roles WHERE oid = r) END \
                 FROM unnest(p.polroles) r ORDER BY 1), \
               pg_get_expr(p.polqual, p.polrelid), pg_get_expr(p.polwithcheck, p.polrelid) \
             FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid JOIN pg_namespace n ON n.oid = c.relnamespace \
             WHERE n.nspname = ANY($1::text[]) ORDER BY p.polrelid, p.polname",
            &[&names],
        )
        .await?;
    for row in rows {
        let oid: u32 = row.try_get(0)?;
        let Some((_, table)) = tables.get_mut(&oid) else { continue };
        let cmd = match row.try_get::<_, String>(3)?.as_str() {
            "r" => "SELECT",
            "a" => "INSERT",
            "w" => "UPDATE",
            "d" => "DELETE",
            _ => "ALL",
        };
        let roles: Vec<Option<String>> = row.try_get(4)?;
        let policy = serde_json::json!({
            "permissive": row.try_get::<_, bool>(2)?,
            "cmd": cmd,
            "roles": roles.into_iter().flatten().collect::<Vec<_>>(),
            "using": row.try_get::<_, Option<String>>(5)?.map(|e| strip_schema(&e, home)),
            "check": row.try_get::<_, Option<String>>(6)?.map(|e| strip_schema(&e, home)),
        });
        let mut policies = match attr_value(&table.attrs, "policies") {
            Some(Value::Object(m)) => m.clone(),
            _ => serde_json::Map::new(),
        };
        policies.insert(row.try_get(1)?, policy);
        table.attrs.retain(|a| !matches!(a, Attr::Other { name, .. } if name == "policies"));
        table.attrs.push(attr("policies", Value::Object(policies)));
    }

    // Columns. A default cannot name a column, so it deparses without its
    // table (relid 0), which spares opening every table (14 against 9 ms on
    // 2,100 columns); a generated column's expression names columns.
    let rows = client
        .query(
            "SELECT a.attrelid, a.attname::text, format_type(a.atttypid, a.atttypmod), a.attnotnull, \
               pg_get_expr(d.adbin, CASE WHEN a.attgenerated <> '' THEN d.adrelid ELSE 0 END), \
               a.attgenerated::text, a.attidentity::text, \
               CASE WHEN a.attcollation <> t.typcollation THEN co.collname::text END, \
               ds.description, \
               CASE WHEN d.adbin IS NOT NULL THEN (SELECT s.relname::text FROM pg_depend dep \
                 JOIN pg_class s ON s.oid = dep.objid \
                 WHERE dep.refclassid = 'pg_class'::regclass AND dep.refobjid = a.attrelid \
                   AND dep.refobjsubid = a.attnum AND dep.classid = 'pg_class'::regclass \
                   AND dep.deptype = 'a' AND s.relkind = 'S' LIMIT 1) END, \
               ids.seqstart, ids.seqincrement, ids.seqmin, ids.seqmax, ids.seqcache, ids.seqcycle \
             FROM pg_attribute a \
             JOIN pg_class c ON c.oid = a.attrelid \
             JOIN pg_namespace n ON n.oid = c.relnamespace \
             JOIN pg_type t ON t.oid = a.atttypid \
             LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum \
             LEFT JOIN pg_collation co ON co.oid = a.attcollation \
             LEFT JOIN pg_description ds ON ds.objoid = a.attrelid AND ds.classoid = 'pg_class'::regclass \
               AND ds.objsubid = a.attnum \
             LEFT JOIN LATERAL (SELECT s.* FROM pg_depend dep JOIN pg_sequence s ON s.seqrelid = dep.objid \
               WHERE a.attidentity <> '' AND dep.classid = 'pg_class'::regclass \
                 AND dep.refclassid = 'pg_class'::regclass AND dep.refobjid = a.attrelid \
                 AND dep.refobjsubid = a.attnum AND dep.deptype = 'i' LIMIT 1) ids ON true \
             WHERE n.nspname = ANY($1::text[]) AND c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped \
             ORDER BY a.attrelid, a.attnum",
            &[&names],
        )
        .await?;
    for row in rows {
        let oid: u32 = row.try_get(0)?;
        let Some((_, table)) = tables.get_mut(&oid) else { continue };
        table.columns.push(column(&row, home)?);
    }

    // Indexes, primary keys and unique constraints. `pg_get_indexdef` deparses
    // the whole index on every call: ask it only for expression parts. The
    // per-part lookups are scalar subqueries so they use the catalogs' oid
    // indexes; operator classes are mapped from `opclasses` below.
    let nulls_not_distinct = if version >= 150_000 { "i.indnullsnotdistinct" } else { "false" };
    let query = format!(
        "SELECT i.indrelid, ic.relname::text, i.indisunique, i.indisprimary, am.amname::text, i.indnkeyatts::int4, \
           array(SELECT (SELECT a.attname::text FROM pg_attribute a WHERE a.attrelid = i.indrelid AND a.attnum = u.attnum) \
             FROM unnest(i.indkey::int2[]) WITH ORDINALITY u(attnum, ord) ORDER BY u.ord), \
           array(SELECT CASE WHEN u.attnum = 0 THEN pg_get_indexdef(i.indexrelid, u.ord::int4, true) END \
             FROM unnest(i.indkey::int2[]) WITH ORDINALITY u(attnum, ord) ORDER BY u.ord), \
           i.indoption::int2[], \
           i.indclass::oid[], \
           array(SELECT CASE WHEN u.coll = 0 OR u.coll = COALESCE((SELECT a.attcollation FROM pg_attribute a \
               WHERE a.attrelid = i.indrelid AND a.attnum = u.attnum AND u.attnum <> 0), 100) THEN NULL \
               ELSE (SELECT co.collname::text FROM pg_collation co WHERE co.oid = u.coll) END \
             FROM unnest(i.indcollation::oid[], i.indkey::int2[]) WITH ORDINALITY u(coll, attnum, ord) ORDER BY u.ord), \
           pg_get_expr(i.indpred, i.indrelid), con.conname::text, con.contype::text, {nulls_not_distinct}, \
           ic.reloptions::text[], coalesce(con.condeferrable, false), coalesce(con.condeferred, false), \
           coalesce(dcon.description, dind.description) \
         FROM pg_index i \
         JOIN pg_class ic ON ic.oid = i.indexrelid \
         JOIN pg_class c ON c.oid = i.indrelid \
         JOIN pg_namespace n ON n.oid = c.relnamespace \
         JOIN pg_am am ON am.oid = ic.relam \
         LEFT JOIN pg_constraint con ON con.conindid = i.indexrelid AND con.conrelid = i.indrelid \
           AND con.contype IN ('p', 'u', 'x') \
         LEFT JOIN pg_description dcon ON dcon.objoid = con.oid AND dcon.classoid = 'pg_constraint'::regclass \
           AND dcon.objsubid = 0 \
         LEFT JOIN pg_description dind ON dind.objoid = ic.oid AND dind.classoid = 'pg_class'::regclass \
           AND dind.objsubid = 0 \
         WHERE n.nspname = ANY($1::text[]) AND c.relkind IN ('r', 'p') \
         ORDER BY i.indrelid, ic.relname"
    );
    // Operator classes other than their type's default, by oid: a lookup per
    // index part in SQL made the planner scan pg_opclass thousands of times.
    let mut opclasses: HashMap<u32, String> = HashMap::new();
    for row in client.query("SELECT oid, opcname::text FROM pg_opclass WHERE NOT opcdefault", &[]).await? {
        opclasses.insert(row.try_get(0)?, row.try_get(1)?);
    }
    for row in client.query(&query, &[&names]).await? {
        let oid: u32 = row.try_get(0)?;
        let Some((_, table)) = tables.get_mut(&oid) else { continue };
        index(&row, home, table, &opclasses)?;
    }

    // Foreign keys.
    let rows = client
        .query(
            "SELECT con.conrelid, con.conname::text, \
               array(SELECT a.attname::text FROM unnest(con.conkey) WITH ORDINALITY u(attnum, ord) \
                 JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = u.attnum ORDER BY u.ord), \
               rn.nspname::text, rc.relname::text, \
               array(SELECT a.attname::text FROM unnest(con.confkey) WITH ORDINALITY u(attnum, ord) \
                 JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = u.attnum ORDER BY u.ord), \
               con.confupdtype::text, con.confdeltype::text, con.condeferrable, con.condeferred, \
               con.confmatchtype::text, con.convalidated, d.description \
             FROM pg_constraint con \
             JOIN pg_class c ON c.oid = con.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace \
             JOIN pg_class rc ON rc.oid = con.confrelid JOIN pg_namespace rn ON rn.oid = rc.relnamespace \
             LEFT JOIN pg_description d ON d.objoid = con.oid AND d.classoid = 'pg_constraint'::regclass \
               AND d.objsubid = 0 \
             WHERE con.contype = 'f' AND n.nspname = ANY($1::text[]) AND con.conparentid = 0 \
             ORDER BY con.conrelid, con.conname",
            &[&names],
        )
        .await?;
    for row in rows {
        let oid: u32 = row.try_get(0)?;
        let Some((schema, table)) = tables.get_mut(&oid) else { continue };
        let ref_schema: String = row.try_get(3)?;
        let action = |code: String| {
            let a = match code.as_str() {
                "r" => "RESTRICT",
                "c" => "CASCADE",
                "n" => "SET NULL",
                "d" => "SET DEFAULT",
                _ => return None,
            };
            Some(a.to_string())
        };
        let deferrable = match (row.try_get::<_, bool>(8)?, row.try_get::<_, bool>(9)?) {
            (true, true) => Some("DEFERRABLE INITIALLY DEFERRED".to_string()),
            (true, false) => Some("DEFERRABLE INITIALLY IMMEDIATE".to_string()),
            _ => None,
        };
        let mut attrs = Vec::new();
        if row.try_get::<_, String>(10)? == "f" {
            attrs.push(attr("match", "FULL"));
        }
        if !row.try_get::<_, bool>(11)? {
            attrs.push(attr("not_valid", true));
        }
        if let Some(c) = row.try_get::<_, Option<String>>(12)? {
            attrs.push(attr("comment", c));
        }
        table.foreign_keys.push(ForeignKey {
            attrs,
            name: row.try_get(1)?,
            columns: row.try_get(2)?,
            ref_schema: (ref_schema != *schema).then_some(ref_schema),
            ref_table: row.try_get(4)?,
            ref_columns: row.try_get(5)?,
            on_update: action(row.try_get(6)?),
            on_delete: action(row.try_get(7)?),
            deferrable,
        });
    }

    // Checks.
    let rows = client
        .query(
            "SELECT con.conrelid, con.conname::text, pg_get_constraintdef(con.oid), con.connoinherit, con.convalidated, \
               con.contype::text, d.description \
             FROM pg_constraint con \
             JOIN pg_class c ON c.oid = con.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace \
             LEFT JOIN pg_description d ON d.objoid = con.oid AND d.classoid = 'pg_constraint'::regclass \
               AND d.objsubid = 0 \
             WHERE con.contype IN ('c', 'x') AND n.nspname = ANY($1::text[]) ORDER BY con.conrelid, con.conname",
            &[&names],
        )
        .await?;
    for row in rows {
        let oid: u32 = row.try_get(0)?;
        let Some((_, table)) = tables.get_mut(&oid) else { continue };
        let def: String = row.try_get(2)?;
        let def = strip_schema(&def, home);
        if row.try_get::<_, String>(5)? == "x" {
            // Exclusion constraints ride on the table: `{name: "EXCLUDE USING gist (…)"}`.
            let mut excludes = match attr_value(&table.attrs, "excludes") {
                Some(Value::Object(m)) => m.clone(),
                _ => serde_json::Map::new(),
            };
            excludes.insert(row.try_get(1)?, Value::from(def));
            table.attrs.retain(|a| !matches!(a, Attr::Other { name, .. } if name == "excludes"));
            table.attrs.push(attr("excludes", Value::Object(excludes)));
            continue;
        }
        let mut attrs = Vec::new();
        if row.try_get::<_, bool>(3)? {
            attrs.push(attr("no_inherit", true));
        }
        if !row.try_get::<_, bool>(4)? {
            attrs.push(attr("not_valid", true));
        }
        if let Some(c) = row.try_get::<_, Option<String>>(6)? {
            attrs.push(attr("comment", c));
        }
        table.checks.push(Check { name: row.try_get(1)?, expr: check_expr(&def), attrs });
    }

    let mut by_schema: BTreeMap<String, Vec<Table>> = BTreeMap::new();
    for (_, (schema, table)) in tables {
        by_schema.entry(schema).or_default().push(table);
    }
    for schema in &mut schemas {
        let mut tables = by_schema.remove(&schema.name).unwrap_or_default();
        tables.sort_by(|a, b| a.name.cmp(&b.name));
        schema.tables = tables;
    }
    let position = |schemas: &[Schema], name: &str| schemas.iter().position(|s| s.name == name);

    // Views and materialized views.
    let query = format!(
        "SELECT n.nspname::text, c.relname::text, c.relkind::text, pg_get_viewdef(c.oid), obj_description(c.oid, 'pg_class') \
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
         WHERE n.nspname = ANY($1::text[]) AND c.relkind IN ('v', 'm') AND {} ORDER BY c.relname",
        not_extension_member("pg_class", "c.oid")
    );
    for row in client.query(&query, &[&names]).await? {
        let schema: String = row.try_get(0)?;
        let Some(i) = position(&schemas, &schema) else { continue };
        let def: String = row.try_get(3)?;
        let mut view = View {
            name: row.try_get(1)?,
            def: strip_schema(def.trim().trim_end_matches(';').trim(), home),
            attrs: Vec::new(),
        };
        if row.try_get::<_, String>(2)? == "m" {
            view.attrs.push(attr("materialized", true));
        }
        if let Some(c) = row.try_get::<_, Option<String>>(4)? {
            view.attrs.push(attr("comment", c));
        }
        schemas[i].views.push(view);
    }
    // Indexes on materialized views, as their definitions.
    let query = "SELECT n.nspname::text, c.relname::text, pg_get_indexdef(i.indexrelid) \
         FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid JOIN pg_class c ON c.oid = i.indrelid \
         JOIN pg_namespace n ON n.oid = c.relnamespace \
         WHERE n.nspname = ANY($1::text[]) AND c.relkind = 'm' ORDER BY c.relname, ic.relname";
    let mut matview_indexes: HashMap<(String, String), Vec<Value>> = HashMap::new();
    for row in client.query(query, &[&names]).await? {
        let def: String = row.try_get(2)?;
        matview_indexes
            .entry((row.try_get(0)?, row.try_get(1)?))
            .or_default()
            .push(Value::from(strip_schema(&def, home)));
    }
    for schema in &mut schemas {
        for view in &mut schema.views {
            if let Some(defs) = matview_indexes.remove(&(schema.name.clone(), view.name.clone())) {
                view.attrs.push(attr("indexes", defs));
            }
        }
    }

    // Triggers (not the internal ones enforcing foreign keys, nor partition clones).
    let clones = if version >= 130_000 { "AND t.tgparentid = 0" } else { "" };
    let query = format!(
        "SELECT n.nspname::text, c.relname::text, t.tgname::text, pg_get_triggerdef(t.oid) \
         FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace \
         WHERE n.nspname = ANY($1::text[]) AND NOT t.tgisinternal {clones} \
           AND c.relname <> ALL($2::text[]) ORDER BY c.relname, t.tgname"
    );
    for row in client.query(&query, &[&names, exclude]).await? {
        let schema: String = row.try_get(0)?;
        let Some(i) = position(&schemas, &schema) else { continue };
        let def: String = row.try_get(3)?;
        schemas[i].triggers.push(Trigger {
            table: row.try_get(1)?,
            name: row.try_get(2)?,
            def: strip_schema(&def, home),
        });
    }

    let mut objects: Vec<(String, Object)> = Vec::new();
    // Sequences that no column owns (serial and identity sequences belong to their column).
    let query = "SELECT n.nspname::text, c.relname::text, format_type(s.seqtypid, NULL), s.seqstart, \
           s.seqincrement, s.seqmin, s.seqmax, s.seqcache, s.seqcycle, obj_description(c.oid, 'pg_class') \
         FROM pg_sequence s JOIN pg_class c ON c.oid = s.seqrelid JOIN pg_namespace n ON n.oid = c.relnamespace \
         WHERE n.nspname = ANY($1::text[]) AND NOT EXISTS (SELECT 1 FROM pg_depend d \
           WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype IN ('a', 'i', 'e')) \
         ORDER BY c.relname";
    for row in client.query(query, &[&names]).await? {
        let seq = Sequence {
            name: row.try_get(1)?,
            ty: row.try_get(2)?,
            start: row.try_get(3)?,
            increment: row.try_get(4)?,
            min: row.try_get(5)?,
            max: row.try_get(6)?,
            cache: row.try_get(7)?,
            cycle: row.try_get(8)?,
            comment: row.try_get(9)?,
        };
        objects.push((row.try_get(0)?, Object::Sequence(seq)));
    }

    // Enum types and domains.
    let query = format!(
        "SELECT n.nspname::text, t.typname::text, t.typtype::text, \
           array(SELECT e.enumlabel::text FROM pg_enum e WHERE e.enumtypid = t.oid ORDER BY e.enumsortorder), \
           format_type(t.typbasetype, t.typtypmod), t.typnotnull, pg_get_expr(t.typdefaultbin, 0), \
           array(SELECT c.conname::text FROM pg_constraint c WHERE c.contypid = t.oid AND c.contype = 'c' ORDER BY c.conname), \
           array(SELECT pg_get_constraintdef(c.oid) FROM pg_constraint c WHERE c.contypid = t.oid AND c.contype = 'c' ORDER BY c.conname), \
           obj_description(t.oid, 'pg_type') \
         FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace \
         WHERE n.nspname = ANY($1::text[]) AND t.typtype IN ('e', 'd') AND {} ORDER BY t.typname",
        not_extension_member("pg_type", "t.oid")
    );
    for row in client.query(&query, &[&names]).await? {
        let schema: String = row.try_get(0)?;
        let name: String = row.try_get(1)?;
        let object = if row.try_get::<_, String>(2)? == "e" {
            Object::Enum(EnumType { name, values: row.try_get(3)?, comment: row.try_get(9)? })
        } else {
            let check_names: Vec<String> = row.try_get(7)?;
            let check_defs: Vec<String> = row.try_get(8)?;
            Object::Domain(Domain {
                name,
                ty: strip_schema(&row.try_get::<_, String>(4)?, home),
                not_null: row.try_get(5)?,
                default: row.try_get::<_, Option<String>>(6)?.map(|d| strip_schema(&d, home)),
                checks: check_names.into_iter().zip(check_defs.iter().map(|d| strip_schema(d, home))).collect(),
                comment: row.try_get(9)?,
            })
        };
        objects.push((schema, object));
    }

    // Extensions installed into a schema in scope.
    let rows = client
        .query(
            "SELECT n.nspname::text, e.extname::text, e.extversion \
             FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace \
             WHERE n.nspname = ANY($1::text[]) ORDER BY e.extname",
            &[&names],
        )
        .await?;
    for row in rows {
        objects
            .push((row.try_get(0)?, Object::Extension(Extension { name: row.try_get(1)?, version: row.try_get(2)? })));
    }

    // Functions and procedures (aggregates and window functions have no
    // `pg_get_functiondef`).
    let query = format!(
        "SELECT n.nspname::text, p.proname::text, pg_get_function_identity_arguments(p.oid), p.prokind::text, \
           pg_get_functiondef(p.oid), obj_description(p.oid, 'pg_proc') \
         FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace \
         WHERE n.nspname = ANY($1::text[]) AND p.prokind IN ('f', 'p') AND {} ORDER BY p.proname, 3",
        not_extension_member("pg_proc", "p.oid")
    );
    for row in client.query(&query, &[&names]).await? {
        let schema: String = row.try_get(0)?;
        let def: String = row.try_get(4)?;
        let kind: String = row.try_get(3)?;
        objects.push((
            schema.clone(),
            Object::Function(Function {
                name: row.try_get(1)?,
                args: strip_schema(&row.try_get::<_, String>(2)?, home),
                kind: if kind == "p" { "procedure".into() } else { "function".into() },
                def: strip_schema(def.trim_end(), home),
                comment: row.try_get(5)?,
            }),
        ));
    }
    for (schema, object) in objects {
        if let Some(i) = position(&schemas, &schema) {
            schemas[i].attrs.push(object.to_attr());
        }
    }
    Ok(Realm { schemas })
}

fn column(row: &Row, schema: &str) -> Result<Column, tokio_postgres::Error> {
    let mut ty = strip_schema(&row.try_get::<_, String>(2)?, schema);
    let expr = row.try_get::<_, Option<String>>(4)?.map(|e| strip_schema(&e, schema));
    let generated_kind: String = row.try_get(5)?;
    let identity: String = row.try_get(6)?;
    let owned_sequence: Option<String> = row.try_get(9)?;
    let mut column = Column {
        name: row.try_get(1)?,
        nullable: !row.try_get::<_, bool>(3)?,
        collation: row.try_get(7)?,
        comment: row.try_get(8)?,
        ..Column::default()
    };
    if generated_kind == "s" {
        column.generated = expr.map(|expr| Generated { expr, stored: true });
    } else {
        column.default = expr;
    }
    match identity.as_str() {
        "a" => column.attrs.push(attr("identity", "ALWAYS")),
        "d" => column.attrs.push(attr("identity", "BY DEFAULT")),
        _ => {}
    }
    if !identity.is_empty()
        && let Some(start) = row.try_get::<_, Option<i64>>(10)?
    {
        let options = crate::types::SequenceOptions {
            start,
            increment: row.try_get(11)?,
            min: row.try_get(12)?,
            max: row.try_get(13)?,
            cache: row.try_get(14)?,
            cycle: row.try_get(15)?,
        };
        // Only what differs from the type's defaults: two databases that
        // declared nothing compare equal.
        let set = options.non_default(&ty);
        if !set.is_empty() {
            column.attrs.push(attr("identity_options", Value::Object(set)));
        }
    }
    // A `serial` column is an integer column whose default draws from a sequence
    // it owns; report the pseudo-type, which recreates both
    // (https://www.postgresql.org/docs/current/datatype-numeric.html#DATATYPE-SERIAL).
    if let (Some(seq), Some(default), Some(serial)) = (&owned_sequence, &column.default, serial_of(&ty))
        && default.starts_with("nextval(")
        && default.contains(seq.as_str())
    {
        ty = serial.to_string();
        column.default = None;
    }
    column.ty = ty;
    Ok(column)
}

/// `CHECK ((a > 0))` → `(a > 0)`. A trailing `NOT VALID` or `NO INHERIT` is not
/// modelled: the check is planned as a plain, validated one.
fn check_expr(def: &str) -> String {
    let tokens = sql::tokenize(def);
    if tokens.first().is_some_and(|t| t.is("check"))
        && tokens.get(1).is_some_and(|t| t.is_punct("("))
        && let Some(close) = sql::matching_paren(&tokens, 1)
    {
        return def[tokens[1].end..tokens[close].start].trim().to_string();
    }
    def.to_string()
}

fn index(
    row: &Row,
    schema: &str,
    table: &mut Table,
    opclasses: &HashMap<u32, String>,
) -> Result<(), tokio_postgres::Error> {
    let name: String = row.try_get(1)?;
    let unique: bool = row.try_get(2)?;
    let primary: bool = row.try_get(3)?;
    let method: String = row.try_get(4)?;
    let key_count = usize::try_from(row.try_get::<_, i32>(5)?).unwrap_or(0);
    let columns: Vec<Option<String>> = row.try_get(6)?;
    let exprs: Vec<Option<String>> = row.try_get(7)?;
    let options: Vec<i16> = row.try_get(8)?;
    let opclasses: Vec<Option<String>> =
        row.try_get::<_, Vec<u32>>(9)?.into_iter().map(|oid| opclasses.get(&oid).cloned()).collect();
    let collations: Vec<Option<String>> = row.try_get(10)?;
    let predicate: Option<String> = row.try_get(11)?;
    let constraint: Option<String> = row.try_get(12)?;
    let contype: Option<String> = row.try_get(13)?;
    let nulls_not_distinct: bool = row.try_get(14)?;
    // In the order they were given: pg_dump prints them so.
    let storage: Vec<String> = row.try_get::<_, Option<Vec<String>>>(15)?.unwrap_or_default();
    // A constraint's comment is the constraint's, an index's the index's.
    let comment: Option<String> = row.try_get(18)?;
    let deferrable = match (row.try_get::<_, bool>(16)?, row.try_get::<_, bool>(17)?) {
        (true, true) => Some("DEFERRABLE INITIALLY DEFERRED"),
        (true, false) => Some("DEFERRABLE"),
        _ => None,
    };
    // Exclusion constraints have no place in the model yet.
    if contype.as_deref() == Some("x") {
        return Ok(());
    }
    let mut parts = Vec::new();
    let mut nulls: Vec<Value> = Vec::new();
    for k in 0..key_count {
        let option = options.get(k).copied().unwrap_or(0);
        // indoption bits: 1 = DESC, 2 = NULLS FIRST (pg_index.h); the default is
        // NULLS LAST for ascending parts and NULLS FIRST for descending ones.
        let desc = option & 1 != 0;
        let nulls_first = option & 2 != 0;
        nulls.push(match (desc, nulls_first) {
            (false, true) => Value::from("FIRST"),
            (true, false) => Value::from("LAST"),
            _ => Value::Null,
        });
        let column = columns.get(k).cloned().flatten();
        let expr = match column {
            Some(_) => None,
            None => exprs.get(k).cloned().flatten().map(|e| strip_schema(&e, schema)),
        };
        parts.push(IndexPart { column, expr, desc, collation: collations.get(k).cloned().flatten() });
    }
    if primary {
        let mut attrs: Vec<Attr> = deferrable.map(|d| attr("deferrable", d)).into_iter().collect();
        attrs.extend(comment.map(|c| attr("comment", c)));
        table.primary_key = Some(PrimaryKey { name: constraint, parts, attrs });
        return Ok(());
    }
    let mut attrs = Vec::new();
    if method != "btree" {
        attrs.push(attr("method", method));
    }
    if nulls.iter().any(|n| !n.is_null()) {
        attrs.push(attr("nulls", nulls));
    }
    if opclasses.iter().take(key_count).any(Option::is_some) {
        attrs.push(attr("opclass", opclasses.into_iter().take(key_count).map(Value::from).collect::<Vec<_>>()));
    }
    let include: Vec<Value> = columns.iter().skip(key_count).map(|c| Value::from(c.clone())).collect();
    if !include.is_empty() {
        attrs.push(attr("include", include));
    }
    if nulls_not_distinct {
        attrs.push(attr("nulls_not_distinct", true));
    }
    if contype.as_deref() == Some("u") {
        attrs.push(attr("constraint", "unique"));
        if let Some(d) = deferrable {
            attrs.push(attr("deferrable", d));
        }
    }
    if !storage.is_empty() {
        attrs.push(attr("with", storage.into_iter().map(Value::from).collect::<Vec<_>>()));
    }
    if let Some(c) = comment {
        attrs.push(attr("comment", c));
    }
    table.indexes.push(Index { name, unique, parts, predicate: predicate.map(|p| strip_schema(&p, schema)), attrs });
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn check_expressions_lose_their_keyword() {
        assert_eq!(check_expr("CHECK ((a > 0))"), "(a > 0)");
        assert_eq!(check_expr("CHECK (a > 0) NOT VALID"), "a > 0");
    }
}
