//! Schema states and plans: reading a desired state through the dev database,
//! replaying a migration directory, diffing in the plugin, cleaning.

mod cache;
mod down;
mod memo;
mod pending;
mod settle;
mod units;

pub use crate::steps::{Check, Guard, Step};
pub use cache::{Patch, StateCache, StateSeed, chain_keys};
pub use down::{DownOptions, DownPlan, PlannedFile, plan_down, read_ahead_down};
pub use pending::{
    DirState, ExecOrder, HistoryError, PendingFile, PendingOptions, PendingPlan, check_applied, check_dir,
    check_history, classify, pending,
};
pub use settle::{InDoubt, Reached, Side, reached, settle_apply, side};
pub use units::{FileUnits, file_units, plan_units};

use crate::dir::{File, LexOptions};
use crate::error::{Error, db};
use crate::plugin::{Conn, Driver, Registry};
use crate::revisions::{HISTORY_TABLE, TABLE};
use std::path::{Path, PathBuf};
use strata_dialect_api::{Change, DbUrl, DiffOptions, InspectOptions, Plan, PlanOptions, Realm};

/// The dev database used when none is given for SQLite: embedded, in memory.
pub const EMBEDDED_DEV: &str = "sqlite://dev?mode=memory";

/// Parses a database URL, as a usage error when malformed.
///
/// # Errors
/// When the text is not a URL.
pub fn parse_url(text: &str) -> Result<DbUrl, Error> {
    DbUrl::parse(text).map_err(Error::Usage)
}

/// Opens `url` through the plugin registered for its scheme.
///
/// # Errors
/// Unknown scheme (exit 2) or a connection failure (exit 1).
pub fn open(registry: &Registry, url: &str) -> Result<Conn, Error> {
    let url = parse_url(url)?;
    let driver = registry.driver_for(&url)?;
    driver.open(&url).map_err(db(format!("connecting to {url}")))
}

/// Loads the plugin for `url`'s scheme without opening anything.
///
/// # Errors
/// See [`open`].
pub fn load_plugin(registry: &Registry, url: &str) -> Result<(), Error> {
    registry.driver_for(&parse_url(url)?)?;
    Ok(())
}

/// Whether opening `url` would create the database: a SQLite file that does
/// not exist yet (opening a server's database never creates it).
pub fn creates_on_open(url: &str) -> bool {
    sqlite_file(url).is_some_and(|(mode, path)| mode.is_none_or(|m| m == "rwc") && !path.exists())
}

/// Whether `url` names a SQLite file that exists: opening it reads the file
/// and nothing else (no server, no new file, no fresh in-memory database).
pub fn opens_local_file(url: &str) -> bool {
    sqlite_file(url).is_some_and(|(mode, path)| mode.is_none_or(|m| m != "memory") && path.is_file())
}

/// The `mode` and the file of a `sqlite://` URL that names one.
fn sqlite_file(url: &str) -> Option<(Option<String>, PathBuf)> {
    let url = DbUrl::parse(url).ok()?;
    (matches!(url.scheme.as_str(), "sqlite" | "sqlite3") && !url.path.is_empty())
        .then(|| (url.query.get("mode").cloned(), PathBuf::from(&url.path)))
}

/// Where a schema comes from.
#[derive(Debug, Clone)]
pub enum Source {
    /// A live database.
    Url(String),
    /// SQL files (`file://schema.sql` or `file://dir`), read through the dev database.
    Files(PathBuf),
}

impl Source {
    /// Parses `--from`/`--to` values.
    pub fn parse(text: &str) -> Source {
        match text.strip_prefix("file://") {
            Some(path) => Source::Files(PathBuf::from(path)),
            None => Source::Url(text.to_string()),
        }
    }
}

/// Inspects a target database as the user's schema: without Strata's tables,
/// and without a schema that held nothing but them (wherever `--revisions-schema`
/// put them), so no plan ever drops or creates it.
///
/// # Errors
/// When inspection fails.
pub fn inspect_target(conn: &mut Conn, options: &InspectOptions) -> Result<Realm, Error> {
    let mut realm = conn.inspect(options).map_err(db(format!("inspecting {}", conn.url())))?;
    let ours = |name: &str| name == TABLE || name == HISTORY_TABLE;
    let bound = conn.info().schema.clone();
    realm.schemas.retain_mut(|schema| {
        let before = schema.tables.len();
        schema.tables.retain(|t| !ours(&t.name));
        // Triggers a team put on the bookkeeping tables are not the user's schema either.
        schema.triggers.retain(|t| !ours(&t.table));
        let only_ours = schema.tables.len() < before && schema.is_empty();
        let default =
            bound.as_deref() == Some(schema.name.as_str()) || matches!(schema.name.as_str(), "public" | "main");
        !only_ours || default
    });
    Ok(realm)
}

/// The empty starting point of a connection: its bound or default schema with
/// nothing in it. Other schemas are created (or dropped) by plans.
pub fn empty_realm(realm: &Realm, info: &strata_dialect_api::ConnInfo) -> Realm {
    let keep = |name: &str| info.schema.as_deref() == Some(name) || matches!(name, "public" | "main");
    let mut schemas: Vec<strata_dialect_api::Schema> = realm
        .schemas
        .iter()
        .filter(|s| keep(&s.name))
        .map(|s| strata_dialect_api::Schema { name: s.name.clone(), ..Default::default() })
        .collect();
    if schemas.is_empty() && realm.schemas.len() == 1 {
        schemas.push(strata_dialect_api::Schema { name: realm.schemas[0].name.clone(), ..Default::default() });
    }
    Realm { schemas }
}

/// Reads the text of a schema source on disk: one file, or every `*.sql` and
/// `*.hcl` (schema HCL) file of a directory in name order; a project file
/// (`atlas.hcl`) and Atlas's test files (`*.test.hcl`) are not schema.
///
/// # Errors
/// When the path cannot be read.
pub fn read_schema_files(path: &Path) -> Result<Vec<(PathBuf, String)>, Error> {
    let read = |p: &Path| {
        std::fs::read_to_string(p).map_err(|e| Error::Usage(format!("reading schema file {}: {e}", p.display())))
    };
    if path.is_dir() {
        let mut files: Vec<PathBuf> = std::fs::read_dir(path)
            .map_err(|e| Error::Usage(format!("reading schema directory {}: {e}", path.display())))?
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "sql" || x == "hcl"))
            .filter(|p| {
                let name = p.file_name().map(|n| n.to_string_lossy()).unwrap_or_default();
                name != "atlas.hcl" && !name.ends_with(".test.hcl")
            })
            .collect();
        files.sort();
        files.into_iter().map(|p| read(&p).map(|t| (p, t))).collect()
    } else {
        Ok(vec![(path.to_path_buf(), read(path)?)])
    }
}

/// A dev database: checked clean before its first use, cleaned again after
/// each use.
pub struct DevDb {
    conn: Conn,
    lease: Option<Lease>,
    /// Checked clean (see [`DevDb::check`]): a run that finds every state it
    /// needs in the cache never uses the database, and need not inspect it.
    checked: bool,
    /// Statements ran since the last clean.
    dirty: bool,
    /// The database as opening found it empty: inspecting an empty database
    /// costs a round of catalog queries, which a run need not pay twice.
    found_empty: Option<Realm>,
}

/// This machine's claim on a dev database: an exclusive lock on a file named
/// after its URL, whose content says whether the holder may have left objects
/// in it. A run killed midway leaves "in use" behind and its lock released, so
/// the next run knows the leftovers are Strata's own and cleans them.
struct Lease {
    file: std::fs::File,
}

const IN_USE: &[u8] = b"in use\n";

impl Lease {
    /// Takes the lease of `url`, waiting while another process holds it.
    /// `None` where no lease is needed (an in-memory database) or possible.
    fn take(url: &DbUrl) -> Result<Option<Lease>, Error> {
        use sha2::{Digest, Sha256};
        if url.as_secret_str().contains("mode=memory") {
            return Ok(None);
        }
        let dir = strata_dialect_api::cache_dir().unwrap_or_else(std::env::temp_dir).join("dev-leases");
        if std::fs::create_dir_all(&dir).is_err() {
            return Ok(None);
        }
        let key: String =
            Sha256::digest(url.as_secret_str().as_bytes()).iter().take(12).map(|b| format!("{b:02x}")).collect();
        let path = dir.join(format!("{key}.lease"));
        let Ok(file) = std::fs::OpenOptions::new().read(true).write(true).create(true).truncate(false).open(&path)
        else {
            return Ok(None);
        };
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
        loop {
            match file.try_lock() {
                Ok(()) => return Ok(Some(Lease { file })),
                Err(std::fs::TryLockError::WouldBlock) if std::time::Instant::now() < deadline => {
                    std::thread::sleep(std::time::Duration::from_millis(10));
                }
                Err(std::fs::TryLockError::WouldBlock) => {
                    return Err(Error::refused(
                        format!("dev database {url} is in use by another strata process on this machine"),
                        "wait for it to finish, or pass another --dev-url",
                    ));
                }
                Err(std::fs::TryLockError::Error(_)) => return Ok(None),
            }
        }
    }

    /// True when the last holder died while objects of its may be in the database.
    fn left_in_use(&self) -> bool {
        use std::io::{Read, Seek};
        let mut content = Vec::new();
        let mut file = &self.file;
        let _ = file.rewind();
        let _ = file.read_to_end(&mut content);
        content == IN_USE
    }

    fn mark(&mut self, in_use: bool) {
        use std::io::{Seek, Write};
        let _ = self.file.set_len(0);
        let _ = self.file.rewind();
        if in_use {
            let _ = self.file.write_all(IN_USE);
        }
    }
}

impl DevDb {
    /// Opens the dev database; it is checked clean before its first use.
    ///
    /// # Errors
    /// When it cannot be opened, or another strata process uses it.
    pub fn open(registry: &Registry, url: &str) -> Result<DevDb, Error> {
        let conn = open(registry, url)?;
        let lease = Lease::take(conn.url())?;
        Ok(DevDb { conn, lease, checked: false, dirty: false, found_empty: None })
    }

    /// Refuses a dev database that holds anything, unless what it holds was
    /// left by a Strata run on this machine that died midway: that is
    /// cleaned. Once; every use checks first.
    ///
    /// # Errors
    /// When it cannot be inspected or is not empty.
    pub fn check(&mut self) -> Result<(), Error> {
        if self.checked {
            return Ok(());
        }
        let conn = &mut self.conn;
        let realm = conn.inspect(&InspectOptions::default()).map_err(db("inspecting the dev database"))?;
        let mut found_empty = Some(realm.clone());
        if let Some((schema, object)) = first_object(&realm) {
            found_empty = None;
            match &self.lease {
                Some(lease) if lease.left_in_use() => clean_dev(conn)?,
                _ => {
                    return Err(Error::refused(
                        format!("dev database {} is not clean: found {object} in schema {schema:?}", conn.url()),
                        format!(
                            "point --dev-url at an empty database (for SQLite, sqlite://dev?mode=memory), or empty this one: `strata schema clean --url {} --auto-approve`",
                            conn.url()
                        ),
                    ));
                }
            }
        }
        if let Some(lease) = &mut self.lease {
            lease.mark(true);
        }
        self.found_empty = found_empty;
        self.checked = true;
        Ok(())
    }

    /// The URL of the dev database (password masked).
    pub fn url(&self) -> String {
        self.conn.url().to_string()
    }

    /// The dev database's empty state (see [`empty_realm`]), as opening found
    /// it when nothing ran since, else inspected now.
    ///
    /// # Errors
    /// When inspection fails.
    pub fn empty(&mut self) -> Result<Realm, Error> {
        self.check()?;
        let realm = match self.found_empty.clone().filter(|_| !self.dirty) {
            Some(realm) => realm,
            None => self.inspect()?,
        };
        Ok(empty_realm(&realm, self.conn.info()))
    }

    /// The dialect of the dev database.
    pub fn driver(&self) -> &Driver {
        self.conn.driver()
    }

    /// Runs statements on the dev database; `origin` names them in errors.
    ///
    /// # Errors
    /// When a statement fails.
    pub fn exec_all(&mut self, origin: &str, stmts: &[String]) -> Result<(), Error> {
        self.check()?;
        self.dirty = true;
        for (i, stmt) in stmts.iter().enumerate() {
            self.conn.exec(stmt, Vec::new()).map_err(|e| Error::Refused {
                message: format!(
                    "{origin}: statement {} failed on the dev database: {}: {}",
                    i + 1,
                    e.message,
                    stmt.lines().next().unwrap_or_default()
                ),
                hint: None,
            })?;
        }
        Ok(())
    }

    /// Runs one statement on the dev database; the database's message on failure.
    ///
    /// # Errors
    /// When the statement fails.
    pub fn conn_exec(&mut self, sql: &str) -> Result<(), String> {
        self.check().map_err(|e| e.to_string())?;
        self.dirty = true;
        self.conn.exec(sql, Vec::new()).map(|_| ()).map_err(|e| e.message.into_string())
    }

    /// Inspects the dev database.
    ///
    /// # Errors
    /// When inspection fails.
    pub fn inspect(&mut self) -> Result<Realm, Error> {
        self.check()?;
        self.conn.inspect(&InspectOptions::default()).map_err(db("inspecting the dev database"))
    }

    /// Drops everything, leaving the dev database empty again.
    ///
    /// # Errors
    /// When a drop fails.
    pub fn reset(&mut self) -> Result<(), Error> {
        if !self.checked {
            // Never used: what it holds is not ours to drop.
            return Ok(());
        }
        // Cleaning may not restore what opening found (PostgreSQL's `public`).
        self.found_empty = None;
        clean_dev(&mut self.conn)?;
        self.dirty = false;
        Ok(())
    }
}

impl Drop for DevDb {
    fn drop(&mut self) {
        // Left clean: release the claim with nothing to clean up after us.
        if let Some(lease) = &mut self.lease
            && !self.dirty
        {
            lease.mark(false);
        }
    }
}

impl DevDb {
    /// Recreates `realm` on the (empty) dev database.
    ///
    /// # Errors
    /// When planning or a statement fails.
    pub fn load(&mut self, realm: &Realm) -> Result<(), Error> {
        let empty = empty_realm(realm, self.conn.info());
        let driver = self.conn.driver().clone();
        let plan = plan(&driver, &empty, realm, &self.conn.plan_options(false))?;
        let stmts: Vec<String> = plan.statements.into_iter().map(|s| s.sql).collect();
        self.exec_all("recreating a cached state", &stmts)
    }

    /// Facts about the dev connection.
    pub fn info(&self) -> &strata_dialect_api::ConnInfo {
        self.conn.info()
    }

    /// The plan options for SQL run on the dev database.
    pub fn plan_options(&self, checks: bool) -> PlanOptions {
        self.conn.plan_options(checks)
    }

    /// The lexer options of the dev database's dialect.
    pub fn lex(&self) -> LexOptions {
        crate::dir::lex_options(&self.conn.driver().manifest.lexer)
    }

    /// Runs SQL statements, then inspects and cleans: the state they produce.
    /// `origin` names the text in errors (file and line).
    ///
    /// # Errors
    /// When a statement fails; the dev database is cleaned either way.
    pub fn state_of(&mut self, sources: &[(String, Vec<crate::dir::Stmt>)]) -> Result<Realm, Error> {
        self.check()?;
        let result = self
            .run(sources)
            .and_then(|()| self.conn.inspect(&InspectOptions::default()).map_err(db("inspecting the dev database")));
        let cleaned = clean_dev(&mut self.conn);
        let realm = result?;
        cleaned?;
        self.dirty = false;
        Ok(realm)
    }

    fn run(&mut self, sources: &[(String, Vec<crate::dir::Stmt>)]) -> Result<(), Error> {
        self.dirty = true;
        for (origin, stmts) in sources {
            for stmt in stmts {
                self.conn.exec(&stmt.text, Vec::new()).map_err(|e| Error::Refused {
                    message: format!("{origin}:{}: executing statement on the dev database: {}", stmt.line, e.message),
                    hint: None,
                })?;
            }
        }
        Ok(())
    }

    /// The state of schema files: SQL files run as they are; schema HCL files
    /// (`*.hcl`) are read in the dev database's dialect and planned there
    /// (before the SQL files of the same directory run), so that their
    /// spellings normalize exactly as SQL does.
    ///
    /// # Errors
    /// When a file cannot be read, lexed, parsed or executed.
    pub fn state_of_files(&mut self, path: &Path) -> Result<Realm, Error> {
        let lex = self.lex();
        let mut sources = Vec::new();
        let mut hcl = Vec::new();
        for (file, text) in read_schema_files(path)? {
            if file.extension().is_some_and(|x| x == "hcl") {
                hcl.push((file, text));
                continue;
            }
            let name = file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            let stmts = crate::dir::File::new(name, text.into_bytes())
                .stmts(&lex)
                .map_err(|e| Error::Refused { message: format!("{}:{e}", file.display()), hint: None })?;
            sources.push((file.display().to_string(), stmts));
        }
        if hcl.is_empty() {
            return self.state_of(&sources);
        }
        let dialect = self.conn.driver().name().to_string();
        let (desired, origins) =
            crate::schema_hcl::read_origin::parse_located(&hcl, &dialect).map_err(|e| Error::Usage(e.to_string()))?;
        self.state_of_hcl(&desired, &origins, &sources)
    }

    /// Plans `desired` (read from schema HCL) on the dev database, runs the
    /// SQL `sources` after it, then inspects and cleans, as [`DevDb::state_of`].
    fn state_of_hcl(
        &mut self,
        desired: &Realm,
        origins: &crate::schema_hcl::read_origin::Origins,
        sources: &[(String, Vec<crate::dir::Stmt>)],
    ) -> Result<Realm, Error> {
        self.check()?;
        self.dirty = true;
        // Schema attributes the plan changed (a MySQL database's collation)
        // that the clean below leaves are set back after it.
        let mut restore: Option<Realm> = None;
        let result = self
            .run_hcl(desired, origins, &mut restore)
            .and_then(|()| self.run(sources))
            .and_then(|()| self.conn.inspect(&InspectOptions::default()).map_err(db("inspecting the dev database")));
        let cleaned = clean_dev(&mut self.conn).and_then(|()| match &restore {
            Some(before) => self.restore_schema_attrs(before),
            None => Ok(()),
        });
        let realm = result?;
        cleaned?;
        self.dirty = false;
        Ok(realm)
    }

    /// Sets the attributes of the dev database's schemas back to `before`'s.
    fn restore_schema_attrs(&mut self, before: &Realm) -> Result<(), Error> {
        let now = self.conn.inspect(&InspectOptions::default()).map_err(db("inspecting the dev database"))?;
        let attrs_only = |s: &strata_dialect_api::Schema| strata_dialect_api::Schema {
            name: s.name.clone(),
            attrs: s.attrs.clone(),
            ..Default::default()
        };
        let mut pairs = (Realm::default(), Realm::default());
        for b in &before.schemas {
            if let Some(n) = now.schema(&b.name)
                && n.attrs != b.attrs
            {
                pairs.0.schemas.push(attrs_only(n));
                pairs.1.schemas.push(attrs_only(b));
            }
        }
        if pairs.0.schemas.is_empty() {
            return Ok(());
        }
        let driver = self.conn.driver().clone();
        let changes = driver
            .diff(&pairs.0, &pairs.1, &DiffOptions { ignore_schema_names: false })
            .map_err(db("cleaning the dev database"))?;
        let plan = driver.plan(&changes, &self.conn.plan_options(false)).map_err(db("cleaning the dev database"))?;
        for stmt in &plan.statements {
            self.conn
                .exec(&stmt.sql, Vec::new())
                .map_err(|e| Error::Failed(format!("cleaning the dev database: {:?}: {}", stmt.sql, e.message)))?;
        }
        Ok(())
    }

    /// Creates `desired` on the (clean) dev database: the plugin diffs the
    /// empty database against it and plans the difference, which runs here.
    /// A database bound to one schema takes the one schema of the files
    /// whatever its name, as it takes unqualified SQL.
    fn run_hcl(
        &mut self,
        desired: &Realm,
        origins: &crate::schema_hcl::read_origin::Origins,
        restore: &mut Option<Realm>,
    ) -> Result<(), Error> {
        let first = origins.first().map(|o| o.place.to_string()).unwrap_or_default();
        let from = self.conn.inspect(&InspectOptions::default()).map_err(db("inspecting the dev database"))?;
        let home = self.conn.info().schema.clone().or_else(|| {
            (!self.conn.driver().manifest.capabilities.schemas).then(|| from.schemas.first().map(|s| s.name.clone()))?
        });
        let mut to = from.clone();
        let mut placed: Vec<(String, &strata_dialect_api::Schema)> = Vec::new();
        match &home {
            Some(home) => {
                if desired.schemas.len() > 1 {
                    let names: Vec<&str> = desired.schemas.iter().map(|s| s.name.as_str()).collect();
                    return Err(Error::Usage(format!(
                        "{first}: the schema files declare {} schemas ({}), but the dev database {} is bound to schema {home:?}: declare one schema, or use a dev URL bound to no schema",
                        names.len(),
                        names.join(", "),
                        self.conn.url()
                    )));
                }
                placed.extend(desired.schemas.first().map(|s| (home.clone(), s)));
            }
            None => placed.extend(desired.schemas.iter().map(|s| (s.name.clone(), s))),
        }
        for (name, schema) in placed {
            let at = match to.schemas.iter().position(|s| s.name == name) {
                Some(at) => at,
                None => {
                    to.schemas.push(strata_dialect_api::Schema { name: name.clone(), ..Default::default() });
                    to.schemas.len() - 1
                }
            };
            let Some(target) = to.schemas.get_mut(at) else { continue };
            target.tables = schema.tables.clone();
            target.views = schema.views.clone();
            target.triggers = schema.triggers.clone();
            for attr in &schema.attrs {
                let same = |a: &strata_dialect_api::Attr| match (a, attr) {
                    (
                        strata_dialect_api::Attr::Other { dialect: d1, name: n1, value: v1 },
                        strata_dialect_api::Attr::Other { dialect: d2, name: n2, value: v2 },
                    ) => {
                        // Objects (enum types) are told apart by their name; plain attributes by theirs.
                        d1 == d2 && n1 == n2 && v1.get("name").zip(v2.get("name")).is_none_or(|(a, b)| a == b)
                    }
                    (a, b) => a == b,
                };
                match target.attrs.iter().position(same) {
                    Some(i) => {
                        if let Some(slot) = target.attrs.get_mut(i) {
                            *slot = attr.clone();
                        }
                    }
                    None => target.attrs.push(attr.clone()),
                }
            }
        }
        to.schemas.sort_by(|a, b| a.name.cmp(&b.name));
        let changed = to.schemas.iter().any(|t| from.schema(&t.name).is_some_and(|f| f.attrs != t.attrs));
        if changed {
            *restore = Some(Realm {
                schemas: from
                    .schemas
                    .iter()
                    .map(|s| strata_dialect_api::Schema {
                        name: s.name.clone(),
                        attrs: s.attrs.clone(),
                        ..Default::default()
                    })
                    .collect(),
            });
        }
        let driver = self.conn.driver().clone();
        let changes = driver
            .diff(&from, &to, &DiffOptions { ignore_schema_names: false })
            .map_err(db(format!("{first}: comparing the schema with the dev database")))?;
        if changes.is_empty() {
            return Ok(());
        }
        let plan = driver
            .plan(&changes, &self.conn.plan_options(false))
            .map_err(db(format!("{first}: planning the schema on the dev database")))?;
        self.dirty = true;
        for stmt in &plan.statements {
            if let Err(e) = self.conn.exec(&stmt.sql, Vec::new()) {
                let (kind, schema, name) = match plan.changes.get(stmt.source) {
                    Some(Change::AddTable { schema, table }) => ("table", schema.as_str(), table.name.as_str()),
                    Some(Change::ModifyTable { schema, to, .. }) => ("table", schema.as_str(), to.name.as_str()),
                    Some(Change::AddView { schema, view }) => ("view", schema.as_str(), view.name.as_str()),
                    Some(Change::AddTrigger { schema, trigger }) => ("trigger", schema.as_str(), trigger.name.as_str()),
                    Some(Change::AddSchema { schema }) => ("schema", schema.name.as_str(), schema.name.as_str()),
                    Some(Change::ModifySchema { to, .. }) => ("schema", to.name.as_str(), to.name.as_str()),
                    _ => ("", "", ""),
                };
                // A schema's own objects (functions, domains, sequences) are
                // named by the statement's comment: `create function "f"`.
                let named = stmt
                    .comment
                    .strip_prefix("create ")
                    .and_then(|rest| rest.split_once(' '))
                    .and_then(|(k, n)| Some((k.to_string(), serde_json::from_str::<String>(n).ok()?)))
                    .filter(|_| kind == "schema");
                let found = named
                    .and_then(|(k, n)| origins.find(&k, schema, &n).map(|o| (o, k, n)))
                    .or_else(|| origins.find(kind, schema, name).map(|o| (o, kind.to_string(), name.to_string())));
                let (at, what) = match found {
                    Some((o, kind, name)) => (o.place.to_string(), format!("{kind} {name:?}: ")),
                    None => (first.clone(), String::new()),
                };
                return Err(Error::Refused {
                    message: format!(
                        "{at}: {what}the dev database rejected the statement planned for it: {}: {}",
                        e.message,
                        stmt.sql.lines().next().unwrap_or_default()
                    ),
                    hint: None,
                });
            }
        }
        Ok(())
    }

    /// The state after replaying `files` (all of each, or the first
    /// `partial.1` statements of the file named `partial.0`).
    ///
    /// # Errors
    /// When a file does not lex or a statement fails.
    pub fn state_of_dir(&mut self, dir: &Path, files: &[&File]) -> Result<Realm, Error> {
        let lex = self.lex();
        let mut sources = Vec::new();
        for file in files {
            let stmts = file.stmts(&lex).map_err(|e| Error::Refused {
                message: format!("{}:{e}", dir.join(file.name()).display()),
                hint: None,
            })?;
            sources.push((dir.join(file.name()).display().to_string(), stmts));
        }
        self.state_of(&sources)
    }
}

fn first_object(realm: &Realm) -> Option<(String, String)> {
    realm.schemas.iter().find_map(|s| {
        let object = s
            .tables
            .first()
            .map(|t| format!("table {:?}", t.name))
            .or_else(|| s.views.first().map(|v| format!("view {:?}", v.name)))
            .or_else(|| s.triggers.first().map(|t| format!("trigger {:?}", t.name)))
            .or_else(|| s.objects().next().map(|(kind, name)| format!("{kind} {name:?}")))?;
        Some((s.name.clone(), object))
    })
}

/// Reads a schema from a source: inspects a URL, or runs files on the dev database.
///
/// # Errors
/// When the source cannot be read, or files are given without a dev database.
pub fn load_state(registry: &Registry, source: &Source, dev: Option<&mut DevDb>) -> Result<Realm, Error> {
    match source {
        Source::Url(url) => {
            let mut conn = open(registry, url)?;
            inspect_target(&mut conn, &InspectOptions::default())
        }
        Source::Files(path) => match dev {
            Some(dev) => dev.state_of_files(path),
            None => {
                Err(Error::Usage(format!("reading file://{} needs a dev database: pass --dev-url", path.display())))
            }
        },
    }
}

/// Diffs and plans `from` → `to` in `driver`.
///
/// # Errors
/// When the plugin cannot diff or plan.
pub fn plan(driver: &Driver, from: &Realm, to: &Realm, options: &PlanOptions) -> Result<Plan, Error> {
    let changes = diff(driver, from, to)?;
    if changes.is_empty() {
        return Ok(Plan::default());
    }
    driver.plan(&changes, options).map_err(db("planning the changes"))
}

/// The changes turning `from` into `to`, computed by the plugin on the parts
/// that differ.
///
/// # Errors
/// When the plugin cannot compare them.
pub fn diff(driver: &Driver, from: &Realm, to: &Realm) -> Result<Vec<Change>, Error> {
    let (from, to) = reduce(from, to);
    if from == to {
        return Ok(Vec::new());
    }
    driver.diff(&from, &to, &DiffOptions { ignore_schema_names: true }).map_err(db("computing the diff"))
}

/// The parts of two realms the plugin needs to diff them: tables that are the
/// same on both sides are left out (views, triggers and schema attributes are
/// kept whole, since dialects consult them when a table is rebuilt). Crossing the
/// plugin boundary as JSON costs in proportion to what is sent, and a revert
/// step of a long directory changes a handful of tables out of hundreds.
pub(crate) fn reduce(from: &Realm, to: &Realm) -> (Realm, Realm) {
    use std::collections::{HashMap, HashSet};
    use strata_dialect_api::{Schema, Table};
    if from.schemas.len() != to.schemas.len() {
        return (from.clone(), to.clone());
    }
    let positional = from.schemas.len() == 1;
    // A changed schema-level object (an enum, a sequence, a domain) can need
    // work on tables that use it and are otherwise unchanged (an enum rebuilt
    // moves every column of its type): then the plugin sees every table.
    let objects_changed = from.schemas.iter().any(|fs| {
        let ts = if positional { to.schemas.first() } else { to.schema(&fs.name) };
        ts.is_none_or(|ts| ts.attrs != fs.attrs)
    });
    if objects_changed {
        return (from.clone(), to.clone());
    }
    // Tables that differ, by schema and name, and those reaching them by keys.
    let pairs: Vec<(&Schema, &Schema)> = from
        .schemas
        .iter()
        .filter_map(|fs| {
            let ts = if positional { to.schemas.first() } else { to.schema(&fs.name) };
            ts.map(|ts| (fs, ts))
        })
        .collect();
    if pairs.len() != from.schemas.len() {
        return (from.clone(), to.clone());
    }
    let mut kept: HashSet<(&str, &str)> = HashSet::new();
    for (fs, ts) in &pairs {
        let other: HashMap<&str, &Table> = ts.tables.iter().map(|t| (t.name.as_str(), t)).collect();
        for t in &fs.tables {
            if other.get(t.name.as_str()) != Some(&t) {
                kept.insert((&fs.name, &t.name));
            }
        }
        let mine: HashMap<&str, &Table> = fs.tables.iter().map(|t| (t.name.as_str(), t)).collect();
        for t in &ts.tables {
            if mine.get(t.name.as_str()) != Some(&t) {
                kept.insert((&fs.name, &t.name));
            }
        }
    }
    keep_referencing(&from.schemas, &mut kept);
    let strip = |a: &Schema, schema: &str| Schema {
        name: a.name.clone(),
        tables: a.tables.iter().filter(|t| kept.contains(&(schema, t.name.as_str()))).cloned().collect(),
        views: a.views.clone(),
        triggers: a.triggers.clone(),
        attrs: a.attrs.clone(),
    };
    let mut out = (Realm::default(), Realm::default());
    for (fs, ts) in &pairs {
        out.0.schemas.push(strip(fs, &fs.name));
        out.1.schemas.push(strip(ts, &fs.name));
    }
    out
}

/// Adds to `kept` (schema, table) every table of `schemas` whose foreign keys
/// reach a kept table, directly or through others: rebuilding a parent may
/// rebuild a child that would lose rows through ON DELETE CASCADE / SET NULL
/// (SQLite's DROP TABLE fires them), so the plugin must see the child.
pub(crate) fn keep_referencing<'a>(
    schemas: &'a [strata_dialect_api::Schema],
    kept: &mut std::collections::HashSet<(&'a str, &'a str)>,
) {
    loop {
        let before = kept.len();
        for schema in schemas {
            for t in &schema.tables {
                let reaches = t.foreign_keys.iter().any(|fk| {
                    let parent = fk.ref_schema.as_deref().unwrap_or(&schema.name);
                    kept.contains(&(parent, fk.ref_table.as_str()))
                });
                if reaches {
                    kept.insert((&schema.name, &t.name));
                }
            }
        }
        if kept.len() == before {
            break;
        }
    }
}

/// The plan dropping everything in the connection's scope, the revisions
/// table included (`schema clean`, and resetting the dev database).
///
/// # Errors
/// When inspection or planning fails.
pub fn clean_plan(conn: &mut Conn) -> Result<Plan, Error> {
    let realm = conn.inspect(&InspectOptions::default()).map_err(db("inspecting the database"))?;
    let empty = empty_realm(&realm, conn.info());
    let driver = conn.driver().clone();
    plan(&driver, &realm, &empty, &conn.plan_options(false))
}

/// Empties the dev database: planning's scratch space, never a target.
fn clean_dev(conn: &mut Conn) -> Result<(), Error> {
    let plan = clean_plan(conn)?;
    for stmt in &plan.statements {
        conn.exec(&stmt.sql, Vec::new())
            .map_err(|e| Error::Failed(format!("cleaning the dev database: {:?}: {}", stmt.sql, e.message)))?;
    }
    Ok(())
}

/// What one destructive statement of a plan destroys.
#[derive(Debug, Clone, serde::Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Destruction {
    /// The statement.
    pub statement: String,
    /// What it destroys, e.g. `drops column users.email`.
    pub what: String,
    /// Rows that hold what is destroyed (a table's rows, a column's non-NULL
    /// values); absent when they could not be counted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rows: Option<u64>,
    /// True when `rows` counts a column's values rather than a table's rows.
    #[serde(skip)]
    pub column: bool,
}

impl std::fmt::Display for Destruction {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.what)?;
        match (self.rows, self.column) {
            (Some(1), true) => write!(f, " (1 row holds a value)"),
            (Some(n), true) => write!(f, " ({n} rows hold a value)"),
            (Some(1), false) => write!(f, " (1 row)"),
            (Some(n), false) => write!(f, " ({n} rows)"),
            (None, _) => Ok(()),
        }
    }
}

/// What the destructive statements of `plan` destroy, with the rows at stake
/// counted on `conn` (for the user to read; the checks are what refuse).
pub fn destructions(conn: &mut Conn, plan: &Plan) -> Vec<Destruction> {
    use strata_dialect_api::TableChange;
    let qualify = conn.plan_options(false).qualify;
    let mut out: Vec<Destruction> = Vec::new();
    for stmt in plan.statements.iter().filter(|s| s.destructive) {
        // (schema, table, column) of what the statement's change drops.
        let mut targets: Vec<(&str, &str, Option<&str>)> = Vec::new();
        match plan.changes.get(stmt.source) {
            Some(Change::DropTable { schema, table }) => targets.push((schema, &table.name, None)),
            Some(Change::ModifyTable { schema, from, changes, .. }) => {
                for change in changes {
                    if let TableChange::DropColumn { column } = change {
                        targets.push((schema, &from.name, Some(&column.name)));
                    }
                }
            }
            _ => {}
        }
        if targets.is_empty() {
            let what = if stmt.comment.is_empty() { stmt.sql.clone() } else { stmt.comment.clone() };
            out.push(Destruction { statement: stmt.sql.clone(), what, rows: None, column: false });
        }
        for (schema, table, column) in targets {
            let what = match column {
                Some(c) => format!("drops column {table}.{c}"),
                None => format!("drops table {table}"),
            };
            // A rebuild drops the same column through several statements: once is enough.
            if out.iter().any(|d| d.what == what) {
                continue;
            }
            let rows = count_rows(conn, qualify.then_some(schema), table, column);
            out.push(Destruction { statement: stmt.sql.clone(), what, rows, column: column.is_some() });
        }
    }
    out
}

/// Rows of a table, or its rows where `column` holds a value; `None` when the
/// query cannot be written or run.
fn count_rows(conn: &mut Conn, schema: Option<&str>, table: &str, column: Option<&str>) -> Option<u64> {
    let driver = conn.driver().clone();
    let request =
        strata_dialect_api::RenderRequest::QualifiedTable { schema: schema.map(String::from), name: table.into() };
    let strata_dialect_api::RenderReply::Text { text: qualified } = driver.render(&request).ok()? else {
        return None;
    };
    let filter = match column {
        Some(c) => format!(" WHERE {} IS NOT NULL", driver.quote(c).ok()?),
        None => String::new(),
    };
    let rows = conn.query(&format!("SELECT count(*) FROM {qualified}{filter}"), Vec::new()).ok()?;
    rows.rows.first()?.first()?.as_deref()?.trim().parse().ok()
}

/// Renders a plan as SQL text, one statement per line group, `;`-terminated.
pub fn plan_sql(plan: &Plan, comments: bool) -> String {
    let mut out = String::new();
    for stmt in &plan.statements {
        if comments && !stmt.comment.is_empty() {
            out.push_str("-- ");
            out.push_str(&upper_first(&stmt.comment));
            out.push('\n');
        }
        out.push_str(&stmt.sql);
        out.push_str(";\n");
    }
    out
}

/// Upper-cases the first letter, as Atlas does for statement comments.
pub fn upper_first(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().collect::<String>() + chars.as_str(),
        None => String::new(),
    }
}
