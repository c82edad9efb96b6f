//! `strata plugin test`: the conformance kit. It drives a plugin the way the
//! host does, against a real database, and says which part of the contract
//! (dialect-api/README.md) holds. Every check judges what the database holds
//! afterwards, read back through the plugin's own inspection and queries.
//!
//! The objects it creates are named `strata_conformance…` in the URL's schema
//! and are dropped at the start (left over from a killed run) and at the end.

use std::time::Duration;

use crate::plugin::{Conn, Driver};
use crate::revisions::{HISTORY_TABLE, Revision, RevisionStore, TABLE as REVISIONS_TABLE};
use strata_dialect_api::{
    Column, DbUrl, DiffOptions, ErrorKind, Index, IndexPart, InspectOptions, Plan, PluginError, PrimaryKey, Realm,
    Schema, SqlValue, Table,
};

/// Everything the kit creates starts with this.
const PREFIX: &str = "strata_conformance";

/// How a check ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum Status {
    /// The contract holds.
    Pass,
    /// It does not; the detail says how.
    Fail,
    /// The plugin does not claim the capability the check is about.
    Skip,
}

/// One check's outcome.
#[derive(Debug, Clone, serde::Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Outcome {
    /// The check, e.g. `diff.modify`.
    pub name: &'static str,
    /// How it ended.
    pub status: Status,
    /// What was seen.
    pub detail: String,
}

type Check = Result<String, String>;

/// The tables the kit creates: names a dialect must quote (a quote of each
/// kind, a keyword, case, spaces, a backslash).
fn names() -> (String, String) {
    (format!("{PREFIX} \"Mixed\" 'q'"), format!("{PREFIX}_tx"))
}

const COLUMNS: [&str; 5] = ["id", "select", "na\"me", "it's `tick`", "back\\slash"];

fn column(name: &str, ty: &str, nullable: bool) -> Column {
    Column { name: name.into(), ty: ty.into(), nullable, ..Column::default() }
}

/// The column types the kit writes in its tables (`--types INT,TEXT`): the
/// defaults are ones most SQL databases accept and can index.
#[derive(Debug, Clone)]
pub struct Types {
    /// An integer type.
    pub int: String,
    /// A short text type.
    pub text: String,
}

impl Default for Types {
    fn default() -> Self {
        Types { int: "integer".into(), text: "varchar(100)".into() }
    }
}

/// The first table as the kit wants it: every hostile column and, where the
/// dialect has them, a primary key and an index.
fn first_table(types: &Types, keys: bool) -> Table {
    let mut columns = vec![column(COLUMNS[0], &types.int, false)];
    columns.extend(COLUMNS[1..].iter().map(|c| column(c, &types.text, true)));
    let mut table = Table { name: names().0, columns, ..Table::default() };
    if keys {
        table.primary_key = Some(PrimaryKey { parts: vec![IndexPart::column(COLUMNS[0])], ..PrimaryKey::default() });
        table.indexes = vec![Index {
            name: format!("{PREFIX} idx \"1\""),
            parts: vec![IndexPart::column(COLUMNS[2])],
            ..Index::default()
        }];
    }
    table
}

/// Runs every check on `url` (and `dev`, when given) with `driver`.
pub fn run(driver: &Driver, url: &DbUrl, dev: Option<&DbUrl>, types: &Types) -> Vec<Outcome> {
    let mut out = Vec::new();
    let mut record = |name: &'static str, result: Option<Check>| {
        let (status, detail) = match result {
            Some(Ok(detail)) => (Status::Pass, detail),
            Some(Err(detail)) => (Status::Fail, detail),
            None => (Status::Skip, String::new()),
        };
        out.push(Outcome { name, status, detail });
    };
    let mut conn = match driver.open(url) {
        Ok(conn) => {
            let info = conn.info();
            record("open", Some(Ok(format!("{} {}", info.flavour, info.version).trim().to_string())));
            conn
        }
        Err(e) => {
            record("open", Some(Err(e.to_string())));
            return out;
        }
    };
    let mut kit = Kit { driver, schema: schema_name(&mut conn), types: types.clone(), keys: true };
    record("errors.object_missing", Some(kit.object_missing(&mut conn)));
    record("errors.syntax", Some(kit.syntax(&mut conn)));
    record("bind", Some(kit.bind(&mut conn)));
    record("bind.newer_kinds", Some(kit.bind_newer(&mut conn)));
    let base = match kit.cleanup(&mut conn) {
        Ok(base) => base,
        Err(e) => {
            record("cleanup.before", Some(Err(e)));
            return out;
        }
    };
    let created = kit.create(&mut conn, &base);
    let kit = kit;
    let after = created.as_ref().ok().map(|(_, after)| after.clone());
    record("inspect.create", Some(created.map(|(detail, _)| detail)));
    // Convergence is judged between inspected states, as the host diffs
    // them (a desired state comes from a dev database): the types the kit
    // wrote (`varchar(100)`) may come back in the dialect's spelling.
    if let Some(after) = after {
        record("diff.idempotent", Some(kit.converges(&after, &after)));
        record("diff.modify", Some(kit.modify(&mut conn, &after)));
    }
    let tx = driver.manifest.capabilities.transactional_ddl.then(|| kit.transactions(&mut conn, &base));
    record("transactions", tx);
    let locks = driver.manifest.capabilities.advisory_locks.then(|| kit.locks(&mut conn, url));
    record("locks", locks);
    record("revisions", Some(kit.revisions(&mut conn)));
    record("dev.declarative", dev.map(|dev| kit.declarative(&mut conn, &base, dev)));
    record("cleanup", Some(kit.cleanup(&mut conn).map(|_| format!("no {PREFIX} object left"))));
    out
}

/// The schema the kit works in: the URL's, else the only one, else the
/// dialect's usual default.
fn schema_name(conn: &mut Conn) -> String {
    if let Some(schema) = conn.info().schema.clone() {
        return schema;
    }
    let realm = conn.inspect(&InspectOptions::default()).unwrap_or_default();
    match realm.schemas.as_slice() {
        [only] => only.name.clone(),
        all => ["public", "main"]
            .iter()
            .find(|n| all.iter().any(|s| s.name == **n))
            .map_or_else(|| all.first().map_or_else(|| "main".to_string(), |s| s.name.clone()), |n| n.to_string()),
    }
}

fn with_table(schema: &Schema, table: Table) -> Schema {
    let mut schema = schema.clone();
    schema.tables.retain(|t| t.name != table.name);
    schema.tables.push(table);
    schema.tables.sort_by(|a, b| a.name.cmp(&b.name));
    schema
}

fn kind_is(err: &PluginError, want: ErrorKind) -> Check {
    if err.kind == want {
        Ok(format!("{:?}: {}", err.kind, err.message))
    } else {
        Err(format!("expected {want:?}, got {:?}: {}", err.kind, err.message))
    }
}

struct Kit<'a> {
    driver: &'a Driver,
    schema: String,
    types: Types,
    /// The dialect plans primary keys and indexes (cleared when it refuses
    /// them as unsupported, which conforms: ClickHouse has neither).
    keys: bool,
}

impl Kit<'_> {
    fn quote(&self, name: &str) -> Result<String, String> {
        self.driver.quote(name).map_err(|e| format!("quoting {name:?}: {e}"))
    }

    fn inspect(&self, conn: &mut Conn) -> Result<Schema, String> {
        let options = InspectOptions {
            schemas: vec![self.schema.clone()],
            exclude_tables: vec![REVISIONS_TABLE.to_string(), HISTORY_TABLE.to_string()],
        };
        let realm = conn.inspect(&options).map_err(|e| format!("inspect: {e}"))?;
        Ok(realm
            .schema(&self.schema)
            .cloned()
            .unwrap_or_else(|| Schema { name: self.schema.clone(), ..Schema::default() }))
    }

    fn realm(schema: &Schema) -> Realm {
        Realm { schemas: vec![schema.clone()] }
    }

    /// Diffs and plans `from` → `to`.
    fn plan(&self, conn: &Conn, from: &Schema, to: &Schema) -> Result<Plan, PluginError> {
        let changes = self.driver.diff(&Self::realm(from), &Self::realm(to), &DiffOptions::default())?;
        self.driver.plan(&changes, &conn.plan_options(false))
    }

    /// Diffs, plans and runs `from` → `to`, in one transaction where the
    /// plugin claims transactional DDL. Returns the statements run.
    fn apply(&self, conn: &mut Conn, from: &Schema, to: &Schema) -> Result<Vec<String>, String> {
        let plan = self.plan(conn, from, to).map_err(|e| format!("planning: {e}"))?;
        self.run_plan(conn, plan)
    }

    fn run_plan(&self, conn: &mut Conn, plan: Plan) -> Result<Vec<String>, String> {
        let tx = self.driver.manifest.capabilities.transactional_ddl && plan.transactional();
        if tx {
            conn.begin().map_err(|e| format!("begin: {e}"))?;
        }
        for stmt in &plan.statements {
            if let Err(e) = conn.exec(&stmt.sql, Vec::new()) {
                if tx {
                    let _ = conn.rollback();
                }
                return Err(format!("executing {:?}: {e}", stmt.sql));
            }
        }
        if tx {
            conn.commit().map_err(|e| format!("commit: {e}"))?;
        }
        Ok(plan.statements.into_iter().map(|s| s.sql).collect())
    }

    fn diff_summary(&self, from: &Schema, to: &Schema) -> Result<Vec<String>, String> {
        let changes = self
            .driver
            .diff(&Self::realm(from), &Self::realm(to), &DiffOptions::default())
            .map_err(|e| format!("diff: {e}"))?;
        Ok(changes.iter().map(|c| serde_json::to_string(c).unwrap_or_default()).collect())
    }

    fn object_missing(&self, conn: &mut Conn) -> Check {
        let sql = format!("SELECT * FROM {}", self.quote(&format!("{PREFIX}_missing"))?);
        match conn.query(&sql, Vec::new()) {
            Ok(_) => Err(format!("{sql:?} succeeded on a table that does not exist")),
            Err(e) => kind_is(&e, ErrorKind::ObjectMissing),
        }
    }

    fn syntax(&self, conn: &mut Conn) -> Check {
        match conn.exec("STRATA IS NOT SQL", Vec::new()) {
            Ok(_) => Err("a statement that is not SQL succeeded".into()),
            Err(e) => kind_is(&e, ErrorKind::Syntax),
        }
    }

    fn select(&self, n: usize) -> String {
        let placeholder = self.driver.manifest.capabilities.placeholder;
        format!("SELECT {}", (1..=n).map(|i| placeholder.nth(i)).collect::<Vec<_>>().join(", "))
    }

    fn bind(&self, conn: &mut Conn) -> Check {
        let args = vec![SqlValue::Null, SqlValue::Int(42), SqlValue::Text("it's \"quoted\"".into())];
        let rows = conn.query(&self.select(3), args).map_err(|e| e.to_string())?;
        let want = vec![None, Some("42".to_string()), Some("it's \"quoted\"".to_string())];
        match rows.rows.as_slice() {
            [row] if *row == want => Ok("NULL, an integer and text come back as sent".into()),
            other => Err(format!("expected one row {want:?}, got {other:?}")),
        }
    }

    /// A value of a kind added after the plugin's API minor must be refused
    /// as unsupported, never misread or crash the host.
    fn bind_newer(&self, conn: &mut Conn) -> Check {
        let (major, minor) = (self.driver.manifest.api_version, self.driver.manifest.api_minor);
        match conn.query(&self.select(1), vec![SqlValue::Bytes(b"ab".to_vec().into())]) {
            Ok(_) if (major, minor) >= (2, 1) => Ok("bytes bind (API 2.1)".into()),
            Ok(rows) => Err(format!("a plugin of API {major}.{minor} accepted bytes it cannot know: {rows:?}")),
            Err(e) if e.kind == ErrorKind::Unsupported => Ok(format!("refused: {}", e.message)),
            Err(e) => Err(format!("binding bytes failed with {:?} (expected success or Unsupported): {e}", e.kind)),
        }
    }

    /// Drops what an earlier run left, returning the schema without it.
    fn cleanup(&self, conn: &mut Conn) -> Result<Schema, String> {
        let current = self.inspect(conn)?;
        let mut base = current.clone();
        base.tables.retain(|t| !t.name.starts_with(PREFIX));
        base.views.retain(|v| !v.name.starts_with(PREFIX));
        if base != current {
            self.apply(conn, &current, &base)?;
            let after = self.inspect(conn)?;
            if let Some(t) = after.tables.iter().find(|t| t.name.starts_with(PREFIX)) {
                return Err(format!("dropping {:?} left it in place", t.name));
            }
            return Ok(after);
        }
        Ok(base)
    }

    fn create(&mut self, conn: &mut Conn, base: &Schema) -> Result<(String, Schema), String> {
        let mut want = first_table(&self.types, true);
        let mut note = "";
        let plan = match self.plan(conn, base, &with_table(base, want.clone())) {
            Err(e) if e.kind == ErrorKind::Unsupported => {
                self.keys = false;
                note = " (the dialect refuses primary keys and indexes as unsupported)";
                want = first_table(&self.types, false);
                self.plan(conn, base, &with_table(base, want.clone()))
            }
            other => other,
        }
        .map_err(|e| format!("planning: {e}"))?;
        let run = self.run_plan(conn, plan)?;
        let after = self.inspect(conn)?;
        let Some(got) = after.table(&want.name) else {
            return Err(format!("table {:?} not found after {run:?}", want.name));
        };
        let columns: Vec<&str> = got.columns.iter().map(|c| c.name.as_str()).collect();
        if columns != COLUMNS {
            return Err(format!("columns came back as {columns:?}, want {COLUMNS:?}"));
        }
        if let Some(index) = want.indexes.first() {
            let pk: Vec<Option<&str>> =
                got.primary_key.iter().flat_map(|pk| pk.parts.iter().map(|p| p.column.as_deref())).collect();
            if pk != [Some("id")] {
                return Err(format!("primary key came back as {pk:?}"));
            }
            match got.index(&index.name) {
                Some(i) if i.parts.iter().map(|p| p.column.as_deref()).eq([Some(COLUMNS[2])]) => {}
                other => return Err(format!("index {:?} came back as {other:?}", index.name)),
            }
        }
        let what = if self.keys { "names, columns, key and index" } else { "names and columns" };
        Ok((format!("{} statement(s); {what} read back exactly{note}", run.len()), after))
    }

    fn converges(&self, current: &Schema, desired: &Schema) -> Check {
        let left = self.diff_summary(current, desired)?;
        if left.is_empty() { Ok("nothing left to change".into()) } else { Err(format!("still differs: {left:?}")) }
    }

    /// Changes the table from what inspection says: a column added, the
    /// index replaced by a unique one on a keyword column.
    fn modify(&self, conn: &mut Conn, after: &Schema) -> Check {
        let name = names().0;
        let mut desired = after.clone();
        let Some(table) = desired.tables.iter_mut().find(|t| t.name == name) else {
            return Err("the table is gone".into());
        };
        let ty = table.columns.get(1).map(|c| c.ty.clone()).unwrap_or_default();
        table.columns.push(column(&format!("{PREFIX} extra"), &ty, true));
        if self.keys {
            table.indexes = vec![Index {
                name: format!("{PREFIX}_uniq"),
                unique: true,
                parts: vec![IndexPart::column(COLUMNS[1])],
                ..Index::default()
            }];
        }
        let run = self.apply(conn, after, &desired)?;
        let now = self.inspect(conn)?;
        let left = self.diff_summary(&now, &desired)?;
        if !left.is_empty() {
            return Err(format!("after {run:?} it still differs: {left:?}"));
        }
        if !self.keys {
            return Ok(format!("{} statement(s), converged", run.len()));
        }
        match now.table(&name).and_then(|t| t.index(&format!("{PREFIX}_uniq"))) {
            Some(i) if i.unique => Ok(format!("{} statement(s), converged", run.len())),
            other => Err(format!("the unique index came back as {other:?}")),
        }
    }

    /// The transactional claim: a failure inside a transaction leaves
    /// nothing, and so does a rollback.
    fn transactions(&self, conn: &mut Conn, base: &Schema) -> Check {
        let name = names().1;
        let table =
            Table { name: name.clone(), columns: vec![column("id", &self.types.int, false)], ..Table::default() };
        let changes = self
            .driver
            .diff(&Self::realm(base), &Self::realm(&with_table(base, table)), &DiffOptions::default())
            .map_err(|e| format!("diff: {e}"))?;
        let plan = self.driver.plan(&changes, &conn.plan_options(false)).map_err(|e| format!("plan: {e}"))?;
        let create = |conn: &mut Conn| -> Result<(), String> {
            conn.begin().map_err(|e| format!("begin: {e}"))?;
            for stmt in &plan.statements {
                conn.exec(&stmt.sql, Vec::new()).map_err(|e| format!("{:?}: {e}", stmt.sql))?;
            }
            Ok(())
        };
        create(conn)?;
        let failed = conn.exec("STRATA IS NOT SQL", Vec::new()).is_err();
        let committed = conn.commit();
        if !failed {
            return Err("the failing statement succeeded".into());
        }
        if committed.is_ok() {
            return Err("commit reported success after a statement in the transaction failed".into());
        }
        if self.inspect(conn)?.table(&name).is_some() {
            return Err(format!("table {name:?} exists after a failed transaction"));
        }
        create(conn)?;
        conn.rollback().map_err(|e| format!("rollback: {e}"))?;
        if self.inspect(conn)?.table(&name).is_some() {
            return Err(format!("table {name:?} exists after a rollback"));
        }
        Ok("a failed commit and a rollback both left nothing".into())
    }

    /// The migration lock: a second session waits and times out while the
    /// first holds it, and gets it once released.
    fn locks(&self, conn: &mut Conn, url: &DbUrl) -> Check {
        let name = format!("{PREFIX}_lock");
        let mut other = self.driver.open(url).map_err(|e| format!("second connection: {e}"))?;
        conn.lock(&name, Duration::from_secs(5)).map_err(|e| format!("lock: {e}"))?;
        let contended = other.lock(&name, Duration::from_millis(300));
        let released = conn.unlock(&name);
        match contended {
            Ok(()) => {
                let _ = other.unlock(&name);
                return Err("a second session took the lock while the first held it".into());
            }
            Err(e) => kind_is(&e, ErrorKind::LockTimeout)?,
        };
        released.map_err(|e| format!("unlock: {e}"))?;
        other.lock(&name, Duration::from_secs(5)).map_err(|e| format!("lock after release: {e}"))?;
        other.unlock(&name).map_err(|e| format!("unlock: {e}"))?;
        Ok("held, contended (LockTimeout), released, taken by the other session".into())
    }

    /// The revisions table: created from the plugin's DDL, written, read
    /// back field for field, and the row removed again.
    fn revisions(&self, conn: &mut Conn) -> Check {
        let store = RevisionStore::new(conn, None).map_err(|e| e.to_string())?;
        store.ensure(conn).map_err(|e| e.to_string())?;
        store.ensure(conn).map_err(|e| format!("creating it a second time: {e}"))?;
        let version = "19700101000000_strata_conformance";
        let mut rev = Revision::new(version, "it's a \"test\"", 2, 3, "aGFzaA==");
        rev.applied = 2;
        rev.error = Some("failed at 'x'".into());
        store.write(conn, &rev).map_err(|e| e.to_string())?;
        let read = store.read(conn).map_err(|e| e.to_string())?;
        let result = match read.iter().find(|r| r.version == version) {
            None => Err("the revision written was not read back".to_string()),
            Some(r)
                if (r.description.as_str(), r.kind, r.applied, r.total, r.error.as_deref(), r.hash.as_str())
                    != ("it's a \"test\"", 2, 2, 3, Some("failed at 'x'"), "aGFzaA==") =>
            {
                Err(format!("read back {r:?}"))
            }
            Some(_) => Ok("created idempotently, written and read back exactly".to_string()),
        };
        store.delete(conn, version).map_err(|e| e.to_string())?;
        result
    }

    /// The declarative path of `schema apply`: SQL run on the dev database
    /// (the plugin's own CREATE TABLE, so the kit writes no dialect SQL),
    /// inspected there, and that state applied to the target.
    fn declarative(&self, conn: &mut Conn, base: &Schema, dev: &DbUrl) -> Check {
        let mut dev_conn = self.driver.open(dev).map_err(|e| format!("opening the dev database: {e}"))?;
        let dev_kit =
            Kit { driver: self.driver, schema: schema_name(&mut dev_conn), types: self.types.clone(), keys: self.keys };
        let dev_base = dev_kit.cleanup(&mut dev_conn)?;
        let table = format!("{PREFIX}_dev");
        let mut want = Table {
            name: table.clone(),
            columns: vec![column("id", &self.types.int, false), column(COLUMNS[3], &self.types.text, true)],
            ..Table::default()
        };
        if self.keys {
            want.primary_key = Some(PrimaryKey { parts: vec![IndexPart::column("id")], ..PrimaryKey::default() });
        }
        let sql = dev_kit.apply(&mut dev_conn, &dev_base, &with_table(&dev_base, want))?;
        let mut desired = dev_kit.inspect(&mut dev_conn)?;
        dev_kit.cleanup(&mut dev_conn)?;
        let Some(made) = desired.table(&table).cloned() else {
            return Err(format!("the dev database does not show {table:?} after {sql:?}"));
        };
        desired = with_table(base, made);
        desired.name = self.schema.clone();
        let current = self.inspect(conn)?;
        self.apply(conn, &current, &desired)?;
        let now = self.inspect(conn)?;
        let left = self.diff_summary(&now, &desired)?;
        if left.is_empty() {
            Ok("SQL → dev → target converged".into())
        } else {
            Err(format!("still differs: {left:?}"))
        }
    }
}
