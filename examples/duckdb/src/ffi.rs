//! DuckDB's C API, opened at run time with `libloading`: the plugin never links
//! libduckdb, so it builds anywhere and a missing library is an error at
//! connect time, not a failure to load the plugin.
//!
//! Only the handful of functions the plugin calls are declared. Results are read
//! with the value API (`duckdb_value_varchar`), which handles primitive column
//! types only: [`Database::query`] casts other columns to text in SQL first.

use std::ffi::{CStr, CString, c_char, c_void};
use std::path::Path;
use std::sync::{Arc, Mutex, OnceLock, Weak};
use strata_dialect_api::{ErrorKind, PluginError, SqlValue};

/// The environment variable naming the library file.
pub const LIB_VAR: &str = "STRATA_DUCKDB_LIB";

type Idx = u64;
type State = i32;
const SUCCESS: State = 0;

/// `duckdb_result`: six machine words, filled in by DuckDB, read through functions.
#[repr(C)]
struct RawResult {
    deprecated_column_count: Idx,
    deprecated_row_count: Idx,
    deprecated_rows_changed: Idx,
    deprecated_columns: *mut c_void,
    deprecated_error_message: *mut c_char,
    internal_data: *mut c_void,
}

impl RawResult {
    fn empty() -> Self {
        RawResult {
            deprecated_column_count: 0,
            deprecated_row_count: 0,
            deprecated_rows_changed: 0,
            deprecated_columns: std::ptr::null_mut(),
            deprecated_error_message: std::ptr::null_mut(),
            internal_data: std::ptr::null_mut(),
        }
    }
}

/// The functions the plugin uses, copied out of the loaded library.
struct Api {
    open_ext: unsafe extern "C" fn(*const c_char, *mut *mut c_void, *mut c_void, *mut *mut c_char) -> State,
    close: unsafe extern "C" fn(*mut *mut c_void),
    connect: unsafe extern "C" fn(*mut c_void, *mut *mut c_void) -> State,
    disconnect: unsafe extern "C" fn(*mut *mut c_void),
    create_config: unsafe extern "C" fn(*mut *mut c_void) -> State,
    set_config: unsafe extern "C" fn(*mut c_void, *const c_char, *const c_char) -> State,
    destroy_config: unsafe extern "C" fn(*mut *mut c_void),
    query: unsafe extern "C" fn(*mut c_void, *const c_char, *mut RawResult) -> State,
    destroy_result: unsafe extern "C" fn(*mut RawResult),
    result_error: unsafe extern "C" fn(*mut RawResult) -> *const c_char,
    row_count: unsafe extern "C" fn(*mut RawResult) -> Idx,
    column_count: unsafe extern "C" fn(*mut RawResult) -> Idx,
    column_name: unsafe extern "C" fn(*mut RawResult, Idx) -> *const c_char,
    rows_changed: unsafe extern "C" fn(*mut RawResult) -> Idx,
    value_is_null: unsafe extern "C" fn(*mut RawResult, Idx, Idx) -> bool,
    value_varchar: unsafe extern "C" fn(*mut RawResult, Idx, Idx) -> *mut c_char,
    free: unsafe extern "C" fn(*mut c_void),
    prepare: unsafe extern "C" fn(*mut c_void, *const c_char, *mut *mut c_void) -> State,
    prepare_error: unsafe extern "C" fn(*mut c_void) -> *const c_char,
    destroy_prepare: unsafe extern "C" fn(*mut *mut c_void),
    prepared_statement_type: unsafe extern "C" fn(*mut c_void) -> i32,
    prepared_column_count: unsafe extern "C" fn(*mut c_void) -> Idx,
    prepared_column_type: unsafe extern "C" fn(*mut c_void, Idx) -> i32,
    bind_varchar: unsafe extern "C" fn(*mut c_void, Idx, *const c_char) -> State,
    bind_int64: unsafe extern "C" fn(*mut c_void, Idx, i64) -> State,
    bind_null: unsafe extern "C" fn(*mut c_void, Idx) -> State,
    execute_prepared: unsafe extern "C" fn(*mut c_void, *mut RawResult) -> State,
    library_version: unsafe extern "C" fn() -> *const c_char,
    /// Keeps the library mapped: the pointers above point into it.
    _lib: libloading::Library,
}

/// The loaded library, or why it could not be loaded (kept: asked once).
static API: OnceLock<Result<Api, String>> = OnceLock::new();

fn api() -> Result<&'static Api, PluginError> {
    API.get_or_init(load).as_ref().map_err(|why| PluginError::new(ErrorKind::Connection, why.clone()))
}

fn load() -> Result<Api, String> {
    let (name, how) = match std::env::var_os(LIB_VAR).filter(|v| !v.is_empty()) {
        Some(path) => (path, format!("named by {LIB_VAR}")),
        None => ("libduckdb.so".into(), format!("through the dynamic loader's search path ({LIB_VAR} is not set)")),
    };
    let shown = Path::new(&name).display().to_string();
    // SAFETY: loading DuckDB runs its initializers, which have no preconditions.
    let lib = unsafe { libloading::Library::new(&name) }.map_err(|e| {
        format!(
            "cannot load DuckDB's library {shown:?} {how}: {e}; set {LIB_VAR} to the path of libduckdb.so \
             (in the strata repository, scripts/duckdb-lib fetches it and prints the path)"
        )
    })?;
    macro_rules! sym {
        ($name:literal) => {
            // SAFETY: the declared type is the C API's signature of the symbol.
            *unsafe { lib.get(concat!($name, "\0").as_bytes()) }
                .map_err(|e| format!("{shown} is not a usable DuckDB library (DuckDB 1.2 or later): {e}"))?
        };
    }
    Ok(Api {
        open_ext: sym!("duckdb_open_ext"),
        close: sym!("duckdb_close"),
        connect: sym!("duckdb_connect"),
        disconnect: sym!("duckdb_disconnect"),
        create_config: sym!("duckdb_create_config"),
        set_config: sym!("duckdb_set_config"),
        destroy_config: sym!("duckdb_destroy_config"),
        query: sym!("duckdb_query"),
        destroy_result: sym!("duckdb_destroy_result"),
        result_error: sym!("duckdb_result_error"),
        row_count: sym!("duckdb_row_count"),
        column_count: sym!("duckdb_column_count"),
        column_name: sym!("duckdb_column_name"),
        rows_changed: sym!("duckdb_rows_changed"),
        value_is_null: sym!("duckdb_value_is_null"),
        value_varchar: sym!("duckdb_value_varchar"),
        free: sym!("duckdb_free"),
        prepare: sym!("duckdb_prepare"),
        prepare_error: sym!("duckdb_prepare_error"),
        destroy_prepare: sym!("duckdb_destroy_prepare"),
        prepared_statement_type: sym!("duckdb_prepared_statement_type"),
        prepared_column_count: sym!("duckdb_prepared_statement_column_count"),
        prepared_column_type: sym!("duckdb_prepared_statement_column_type"),
        bind_varchar: sym!("duckdb_bind_varchar"),
        bind_int64: sym!("duckdb_bind_int64"),
        bind_null: sym!("duckdb_bind_null"),
        execute_prepared: sym!("duckdb_execute_prepared"),
        library_version: sym!("duckdb_library_version"),
        _lib: lib,
    })
}

/// Copies a C string DuckDB owns.
fn text(ptr: *const c_char) -> String {
    if ptr.is_null() {
        return String::new();
    }
    // SAFETY: DuckDB returns NUL-terminated strings valid until the owner goes.
    unsafe { CStr::from_ptr(ptr) }.to_string_lossy().into_owned()
}

fn c_string(s: &str, what: &str) -> Result<CString, PluginError> {
    CString::new(s).map_err(|_| PluginError::new(ErrorKind::Unsupported, format!("{what} holds a NUL character")))
}

/// The library's version, e.g. `v1.5.6`.
pub fn library_version() -> Result<String, PluginError> {
    let api = api()?;
    // SAFETY: no arguments; a static string.
    Ok(text(unsafe { (api.library_version)() }))
}

/// How a database is opened.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Target {
    /// A private in-memory database, new at each open.
    Memory,
    /// A file (canonical when it exists), read-write or read-only.
    File { path: std::path::PathBuf, read_only: bool },
}

/// An open DuckDB database, shared by every connection of this process to the
/// same file: DuckDB allows one read-write instance per file, and two instances
/// in one process would not see each other's lock.
pub struct Database {
    handle: *mut c_void,
}

// SAFETY: a duckdb_database is thread-safe; DuckDB synchronizes internally.
unsafe impl Send for Database {}
// SAFETY: as above.
unsafe impl Sync for Database {}

impl Drop for Database {
    fn drop(&mut self) {
        if let Ok(api) = api() {
            // SAFETY: the handle came from duckdb_open_ext and is closed once.
            unsafe { (api.close)(&mut self.handle) };
        }
    }
}

/// Databases open in this process, by file.
static OPEN: Mutex<Vec<(Target, Weak<Database>)>> = Mutex::new(Vec::new());

impl Database {
    /// Opens `target`, or shares the instance this process already has open.
    ///
    /// # Errors
    /// When the library is missing or DuckDB cannot open the file.
    pub fn open(target: &Target) -> Result<Arc<Database>, PluginError> {
        let api = api()?;
        let mut open = OPEN.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        open.retain(|(_, db)| db.strong_count() > 0);
        if *target != Target::Memory
            && let Some(db) = open.iter().find(|(t, _)| t == target).and_then(|(_, db)| db.upgrade())
        {
            return Ok(db);
        }
        let (path, read_only) = match target {
            Target::Memory => (None, false),
            Target::File { path, read_only } => (Some(path), *read_only),
        };
        let c_path = match path {
            Some(p) => Some(c_string(&p.to_string_lossy(), "the database path")?),
            None => None,
        };
        let mut config: *mut c_void = std::ptr::null_mut();
        // SAFETY: out-pointer to a config handle, destroyed below.
        if unsafe { (api.create_config)(&mut config) } != SUCCESS {
            return Err(PluginError::new(ErrorKind::Internal, "duckdb_create_config failed"));
        }
        let settings: &[(&str, &str)] = if read_only { &[("access_mode", "READ_ONLY")] } else { &[] };
        for (name, value) in settings {
            let (n, v) = (c_string(name, "a setting")?, c_string(value, "a setting")?);
            // SAFETY: valid config and NUL-terminated strings.
            unsafe { (api.set_config)(config, n.as_ptr(), v.as_ptr()) };
        }
        let mut handle: *mut c_void = std::ptr::null_mut();
        let mut error: *mut c_char = std::ptr::null_mut();
        let path_ptr = c_path.as_ref().map_or(std::ptr::null(), |p| p.as_ptr());
        // SAFETY: path is NULL (in-memory) or NUL-terminated; out-pointers are valid.
        let state = unsafe { (api.open_ext)(path_ptr, &mut handle, config, &mut error) };
        // SAFETY: the config was created above and is no longer used.
        unsafe { (api.destroy_config)(&mut config) };
        if state != SUCCESS {
            let message = text(error);
            if !error.is_null() {
                // SAFETY: out_error is allocated by DuckDB and freed with duckdb_free.
                unsafe { (api.free)(error.cast()) };
            }
            // SAFETY: a failed open leaves a handle that must still be closed.
            unsafe { (api.close)(&mut handle) };
            let shown = path.map_or_else(|| ":memory:".to_string(), |p| p.display().to_string());
            let kind = if message.contains("lock") { ErrorKind::LockTimeout } else { ErrorKind::Connection };
            let hint = if kind == ErrorKind::LockTimeout {
                " (DuckDB lets one process at a time open a database file for writing)"
            } else {
                ""
            };
            return Err(PluginError::new(
                kind,
                format!("opening DuckDB database {shown}: {}{hint}", first_line(&message)),
            )
            .with_detail(message));
        }
        let db = Arc::new(Database { handle });
        if *target != Target::Memory {
            open.push((target.clone(), Arc::downgrade(&db)));
        }
        Ok(db)
    }
}

/// One connection to a [`Database`].
pub struct Connection {
    handle: *mut c_void,
    /// Dropped after the connection: the database outlives it.
    _db: Arc<Database>,
}

// SAFETY: a connection is used by one thread at a time (`&mut self`).
unsafe impl Send for Connection {}

impl Drop for Connection {
    fn drop(&mut self) {
        if let Ok(api) = api() {
            // SAFETY: the handle came from duckdb_connect and is closed once.
            unsafe { (api.disconnect)(&mut self.handle) };
        }
    }
}

/// Rows of text, NULL as `None`.
#[derive(Debug, Default)]
pub struct Table {
    /// Column names.
    pub columns: Vec<String>,
    /// Values.
    pub rows: Vec<Vec<Option<String>>>,
}

/// A result DuckDB filled in, destroyed when dropped.
struct Result_ {
    raw: RawResult,
    api: &'static Api,
}

impl Drop for Result_ {
    fn drop(&mut self) {
        // SAFETY: every result is destroyed once, failed ones included.
        unsafe { (self.api.destroy_result)(&mut self.raw) };
    }
}

impl Result_ {
    fn error(&mut self) -> PluginError {
        // SAFETY: the result is alive; the message lives as long as it.
        classify(&text(unsafe { (self.api.result_error)(&mut self.raw) }))
    }

    fn table(&mut self) -> Table {
        let api = self.api;
        let raw = &mut self.raw;
        // SAFETY: all reads are within the counts DuckDB reports.
        unsafe {
            let ncols = (api.column_count)(raw);
            let nrows = (api.row_count)(raw);
            let columns = (0..ncols).map(|c| text((api.column_name)(raw, c))).collect();
            let mut rows = Vec::new();
            for r in 0..nrows {
                let mut row = Vec::new();
                for c in 0..ncols {
                    if (api.value_is_null)(raw, c, r) {
                        row.push(None);
                        continue;
                    }
                    let ptr = (api.value_varchar)(raw, c, r);
                    if ptr.is_null() {
                        row.push(None);
                    } else {
                        row.push(Some(text(ptr)));
                        (api.free)(ptr.cast());
                    }
                }
                rows.push(row);
            }
            Table { columns, rows }
        }
    }
}

/// A prepared statement, destroyed when dropped.
struct Prepared {
    handle: *mut c_void,
    api: &'static Api,
}

impl Drop for Prepared {
    fn drop(&mut self) {
        // SAFETY: destroyed once; a failed prepare must be destroyed too.
        unsafe { (self.api.destroy_prepare)(&mut self.handle) };
    }
}

/// `duckdb_statement_type` of a SELECT.
const STATEMENT_SELECT: i32 = 1;

/// `duckdb_type`s the value API reads: booleans, integers, floats, decimals,
/// strings, blobs, dates, times, timestamps and intervals. Others (lists,
/// structs, UUIDs, timestamps with time zone, ...) are cast to text first.
fn readable(ty: i32) -> bool {
    matches!(ty, 1..=19 | 32)
}

impl Connection {
    /// Connects to `db`.
    ///
    /// # Errors
    /// When DuckDB refuses.
    pub fn new(db: Arc<Database>) -> Result<Connection, PluginError> {
        let api = api()?;
        let mut handle: *mut c_void = std::ptr::null_mut();
        // SAFETY: a live database handle and a valid out-pointer.
        if unsafe { (api.connect)(db.handle, &mut handle) } != SUCCESS {
            return Err(PluginError::new(ErrorKind::Connection, "duckdb_connect failed"));
        }
        Ok(Connection { handle, _db: db })
    }

    /// Runs SQL text without arguments (one statement or several); the rows
    /// the last one changed.
    ///
    /// # Errors
    /// The database's error, classified.
    pub fn execute(&mut self, sql: &str) -> Result<u64, PluginError> {
        let mut result = self.run(sql)?;
        // SAFETY: a successful result.
        Ok(unsafe { (result.api.rows_changed)(&mut result.raw) })
    }

    /// Runs SQL text without arguments, returning its rows as text. Only for
    /// queries whose columns are all of readable types (the plugin's own).
    fn run(&mut self, sql: &str) -> Result<Result_, PluginError> {
        let api = api()?;
        let c_sql = c_string(sql, "the statement")?;
        let mut result = Result_ { raw: RawResult::empty(), api };
        // SAFETY: live connection, NUL-terminated SQL, result destroyed by Result_.
        let state = unsafe { (api.query)(self.handle, c_sql.as_ptr(), &mut result.raw) };
        if state != SUCCESS {
            return Err(result.error());
        }
        Ok(result)
    }

    /// Prepares one statement, binds `args` (1-based `?`), executes it.
    /// With `rows`, every column is read as text: a SELECT whose columns are
    /// not all readable is re-prepared with each column cast to VARCHAR.
    ///
    /// # Errors
    /// The database's error, classified; a value this build cannot bind.
    pub fn prepared(&mut self, sql: &str, args: &[SqlValue], rows: bool) -> Result<(u64, Table), PluginError> {
        let api = api()?;
        let mut stmt = self.prepare(sql)?;
        if rows {
            // SAFETY: a successfully prepared statement; indexes within its count.
            let unreadable = unsafe {
                let n = (api.prepared_column_count)(stmt.handle);
                (0..n).any(|i| !readable((api.prepared_column_type)(stmt.handle, i)))
            };
            if unreadable {
                // SAFETY: as above.
                if unsafe { (api.prepared_statement_type)(stmt.handle) } != STATEMENT_SELECT {
                    return Err(PluginError::new(
                        ErrorKind::Unsupported,
                        "the statement returns columns of types the plugin cannot read as text: \
                         cast them to VARCHAR",
                    ));
                }
                let trimmed = sql.trim_end().trim_end_matches(';');
                stmt = self.prepare(&format!("SELECT COLUMNS(*)::VARCHAR FROM (\n{trimmed}\n) AS strata_text"))?;
            }
        }
        for (i, arg) in args.iter().enumerate() {
            let idx = i as Idx + 1;
            // SAFETY: a live statement; strings are NUL-terminated and copied by DuckDB.
            let state = unsafe {
                match arg {
                    SqlValue::Null => (api.bind_null)(stmt.handle, idx),
                    SqlValue::Int(v) => (api.bind_int64)(stmt.handle, idx, *v),
                    SqlValue::Text(s) => {
                        let c = c_string(s.as_str(), &format!("argument {idx}"))?;
                        (api.bind_varchar)(stmt.handle, idx, c.as_ptr())
                    }
                    other => return Err(other.unsupported()),
                }
            };
            if state != SUCCESS {
                // SAFETY: a live statement.
                let why = text(unsafe { (api.prepare_error)(stmt.handle) });
                return Err(PluginError::new(ErrorKind::Database, format!("binding argument {idx}: {why}")));
            }
        }
        let mut result = Result_ { raw: RawResult::empty(), api };
        // SAFETY: a live, fully bound statement; the result is destroyed by Result_.
        if unsafe { (api.execute_prepared)(stmt.handle, &mut result.raw) } != SUCCESS {
            return Err(result.error());
        }
        // SAFETY: a successful result.
        let changed = unsafe { (api.rows_changed)(&mut result.raw) };
        let table = if rows { result.table() } else { Table::default() };
        Ok((changed, table))
    }

    fn prepare(&mut self, sql: &str) -> Result<Prepared, PluginError> {
        let api = api()?;
        let c_sql = c_string(sql, "the statement")?;
        let mut stmt = Prepared { handle: std::ptr::null_mut(), api };
        // SAFETY: live connection, NUL-terminated SQL, statement destroyed by Prepared.
        if unsafe { (api.prepare)(self.handle, c_sql.as_ptr(), &mut stmt.handle) } != SUCCESS {
            // SAFETY: the failed statement holds the message.
            return Err(classify(&text(unsafe { (api.prepare_error)(stmt.handle) })));
        }
        Ok(stmt)
    }

    /// Runs a query of the plugin's own (readable columns only), rows as text.
    ///
    /// # Errors
    /// The database's error, classified.
    pub fn rows(&mut self, sql: &str) -> Result<Table, PluginError> {
        Ok(self.run(sql)?.table())
    }
}

/// The first line of a DuckDB message (the rest points into the SQL text).
pub fn first_line(message: &str) -> &str {
    message.lines().next().unwrap_or_default().trim_end()
}

/// Classifies a DuckDB error message by its `<Type> Error:` prefix and wording,
/// so the host never reads message text. The first line is the message; the
/// whole text (suggestions, the SQL excerpt) the detail.
pub fn classify(message: &str) -> PluginError {
    let line = first_line(message);
    let (class, rest) = line.split_once(" Error: ").unwrap_or(("", line));
    let kind = match class {
        "Parser" => ErrorKind::Syntax,
        "Catalog" | "Binder" if rest.contains("does not exist") || rest.contains("not found") => {
            ErrorKind::ObjectMissing
        }
        "Catalog" if rest.contains("already exists") => ErrorKind::ObjectExists,
        "Constraint" => ErrorKind::Constraint,
        "Permission" => ErrorKind::PermissionDenied,
        "Invalid Input" if rest.contains("read-only") => ErrorKind::PermissionDenied,
        "Not implemented" => ErrorKind::Unsupported,
        "IO" if rest.contains("lock") => ErrorKind::LockTimeout,
        "Interrupt" | "Fatal" | "Internal" => ErrorKind::Internal,
        _ => ErrorKind::Database,
    };
    let err = PluginError::new(kind, if line.is_empty() { "unknown DuckDB error" } else { line });
    if message.trim_end() == line { err } else { err.with_detail(message) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_are_classified() {
        let missing = classify(
            "Catalog Error: Table with name nope does not exist!\nDid you mean \"x\"?\n\nLINE 1: SELECT * FROM nope",
        );
        assert_eq!(missing.kind, ErrorKind::ObjectMissing);
        assert_eq!(missing.message.as_str(), "Catalog Error: Table with name nope does not exist!");
        assert!(missing.detail.contains("LINE 1"));
        assert_eq!(classify("Parser Error: syntax error at end of input").kind, ErrorKind::Syntax);
        assert_eq!(classify("Catalog Error: Table with name t already exists!").kind, ErrorKind::ObjectExists);
        assert_eq!(
            classify("Binder Error: Referenced column \"x\" not found in FROM clause!").kind,
            ErrorKind::ObjectMissing
        );
        assert_eq!(
            classify("Constraint Error: PRIMARY KEY or UNIQUE constraint violation").kind,
            ErrorKind::Constraint
        );
        assert_eq!(classify("Dependency Error: Cannot alter entry").kind, ErrorKind::Database);
        assert!(classify("Dependency Error: x").detail.is_empty());
    }

    #[test]
    fn result_struct_has_the_c_layout() {
        assert_eq!(std::mem::size_of::<RawResult>(), 48);
    }
}
