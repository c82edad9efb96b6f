//! The plugin side: implement [`Dialect`] with Rust types, export [`root_module`].
//! Every exported call runs under `catch_unwind`, because a panic reaching an
//! `abi_stable` function ends the whole host process. (So a plugin must not be
//! built with `panic = "abort"`.)

use crate::abi::{Connection, Connection_TO, ConnectionBox, DialectMod, DialectModRef, SqlValue, SqlValueAbi};
use crate::change::Change;
use crate::error::{ErrorKind, PluginError};
use crate::manifest::{ConnInfo, Manifest};
use crate::plan::{DiffOptions, InspectOptions, Plan, PlanOptions, RenderReply, RenderRequest};
use crate::schema::Realm;
use abi_stable::{
    prefix_type::PrefixTypeTrait,
    sabi_trait::TD_Opaque,
    std_types::{RResult, RStr, RString, RVec},
};
use serde::{Deserialize, Serialize};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::time::Duration;

/// Rows returned by a query, every value as text (NULL as `None`).
///
/// The host reads values by position and parses what it needs from the text:
/// integers in decimal; a check holds when the first value of the first row
/// reads `1`, `t`, `true`, `yes` or `on` (case-insensitive), so booleans must
/// print as one of those or as their opposites.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rows {
    /// Column names, in the order of the values.
    pub columns: Vec<String>,
    /// Row values, one `Vec` per row, one entry per column.
    pub rows: Vec<Vec<Option<String>>>,
}

/// A dialect, implemented with Rust types by a plugin's library crate.
///
/// Associated functions only: the dialect is a type, and any state it keeps
/// (a runtime, a cache) is global and must be thread-safe, since the host may
/// call these from several threads at once.
pub trait Dialect: 'static {
    /// What the plugin says about itself. Called once, when the host loads the
    /// library (it loads every plugin it finds at the start of every command):
    /// cheap, without side effects, never panicking. Set `api_version` and
    /// `api_minor` to [`crate::API_VERSION`] and [`crate::API_MINOR`] of the
    /// crate the plugin is compiled against.
    fn manifest() -> Manifest;

    /// Opens a connection to `url`, the user's text with the password in it.
    ///
    /// Parse it with [`crate::DbUrl`], so that plugin and host read the same
    /// URL; the scheme is one of the manifest's `url_schemes`, or `x+y` where
    /// `x` is. The connection's facts ([`DialectConnection::info`]) are read
    /// right after. Never put the password in an error (see [`crate::mask`]).
    ///
    /// # Errors
    /// [`ErrorKind::InvalidUrl`] when the URL is invalid or names something the
    /// plugin cannot open; [`ErrorKind::Connection`] or [`ErrorKind::Auth`]
    /// when the database cannot be reached or refuses the credentials.
    fn open(url: &str) -> Result<Box<dyn DialectConnection>, PluginError>;

    /// Computes the changes turning `from` into `to`.
    ///
    /// Pure: it reads nothing but its arguments. The realms may be partial:
    /// the host leaves out tables equal on both sides (when both realms have as
    /// many schemas and no schema's `attrs` differ), always sends views,
    /// triggers and schema attributes whole, and sends its own bookkeeping
    /// tables only when it empties a database. A table absent from both
    /// realms is not dropped, and a foreign key or view may name a table
    /// neither realm holds.
    ///
    /// The host sets [`DiffOptions::ignore_schema_names`] on every call: with
    /// one schema on each side, compare those two whatever their names and
    /// name `from`'s schema in the changes; with several, match schemas by
    /// name. Changes must converge: after `plan(diff(A, B))` runs on a
    /// database holding `A`, inspecting it gives a realm that diffs empty
    /// against `B`. Equal realms are never sent.
    ///
    /// # Errors
    /// When the schemas hold something the dialect cannot compare.
    fn diff(from: &Realm, to: &Realm, options: &DiffOptions) -> Result<Vec<Change>, PluginError>;

    /// Turns changes into statements, ordered so they run as listed.
    ///
    /// `changes` are ones this plugin's [`Dialect::diff`] returned (after a
    /// JSON round trip), never empty. The reply's [`Plan::changes`] holds the
    /// changes planned and each [`crate::Statement::source`] indexes into it.
    /// Follow [`PlanOptions`]: qualified names only with `qualify`,
    /// pre-migration checks only with `checks`.
    ///
    /// # Errors
    /// When a change cannot be expressed in the dialect
    /// ([`ErrorKind::Unsupported`]).
    fn plan(changes: &[Change], options: &PlanOptions) -> Result<Plan, PluginError>;

    /// Answers a render request: dialect SQL the host needs without a
    /// connection (see each [`RenderRequest`] variant for the reply it wants).
    /// Match with a wildcard arm answering [`ErrorKind::Unsupported`], so that
    /// a build against a later minor still compiles.
    ///
    /// # Errors
    /// When the request is not supported, or cannot be met (SQLite refuses a
    /// bookkeeping table outside `main`; the host reports such an error as a
    /// usage error).
    fn render(request: &RenderRequest) -> Result<RenderReply, PluginError>;
}

/// An open connection, implemented with Rust types by a plugin's library crate.
///
/// Every call blocks until done; a plugin whose client is async drives it on a
/// runtime of its own (no async object crosses the boundary). The host calls
/// one connection from one thread at a time, but may move it between threads
/// and use several connections of the plugin at once from different threads.
pub trait DialectConnection: Send {
    /// Facts about the connection, read once right after `open`.
    ///
    /// They decide where the host keeps its bookkeeping tables and whether
    /// plans are schema-qualified: see [`ConnInfo`]. There is no way to fail:
    /// a panic here makes the host refuse the connection.
    fn info(&self) -> ConnInfo;
    /// Inspects the database.
    ///
    /// Scope: the schemas in [`InspectOptions::schemas`], else the schema the
    /// connection is bound to, else every user schema; minus the tables named
    /// in [`InspectOptions::exclude_tables`] (exact names) and what hangs on
    /// them. The host's bookkeeping tables are inspected like any other table
    /// (the host removes them itself). The result is in the normal forms of
    /// [`Realm`] and its parts, and does not depend on how the schema was
    /// created: the same DDL on two databases inspects to realms
    /// [`Dialect::diff`] finds equal.
    ///
    /// # Errors
    /// When a catalog query fails.
    fn inspect(&mut self, options: &InspectOptions) -> Result<Realm, PluginError>;
    /// Executes one statement, binding `args` to its placeholders (written as
    /// [`crate::Capabilities::placeholder`] says), and returns the number of
    /// rows it **matched**, not changed: the host writes a revision with
    /// `UPDATE … WHERE version = ?` and inserts the row when this returns 0,
    /// so an `UPDATE` that leaves a row as it was must count it (MySQL needs
    /// `CLIENT_FOUND_ROWS`). 0 for DDL.
    ///
    /// `sql` is one statement: from a migration file, trimmed and with its
    /// `;` when the default delimiter ended it; from a plan, a
    /// [`crate::Statement::sql`]. A failure inside a transaction dooms it
    /// (see [`DialectConnection::commit`]).
    ///
    /// # Errors
    /// When the database rejects it, classified: [`ErrorKind::ObjectMissing`]
    /// for a table or schema that does not exist. A statement that cannot run
    /// in a transaction fails, inside one, with a message containing
    /// `cannot run inside a transaction block` or `within a transaction`: the
    /// host then retries it outside the transaction it opened for it.
    fn exec(&mut self, sql: &str, args: &[SqlValue]) -> Result<u64, PluginError>;
    /// Runs a query, binding `args` like [`DialectConnection::exec`]; every
    /// value comes back as text (see [`Rows`]).
    ///
    /// # Errors
    /// When the database rejects it; [`ErrorKind::ObjectMissing`] when a table
    /// it reads does not exist (the host reads its revisions table before
    /// creating it and relies on this kind).
    fn query(&mut self, sql: &str, args: &[SqlValue]) -> Result<Rows, PluginError>;
    /// Starts a transaction. Statements run outside one commit on their own.
    ///
    /// # Errors
    /// When the database refuses.
    fn begin(&mut self) -> Result<(), PluginError>;
    /// Commits. `Ok` means the database committed every statement of the
    /// transaction: the host records a migration as applied on that word (and
    /// confirms from the database afterwards).
    ///
    /// # Errors
    /// When the database refuses, and when the transaction cannot commit
    /// everything: a statement or query failed inside it, even one whose error
    /// the host ignored (the transaction is then rolled back), or the database
    /// already ended it. Never report a rollback as a commit (PostgreSQL
    /// answers `COMMIT` of an aborted transaction with `ROLLBACK`, not an
    /// error; SQLite keeps a transaction open after most failures).
    fn commit(&mut self) -> Result<(), PluginError>;
    /// Rolls back the open transaction. Harmless without one: the host calls
    /// it after a failed commit, ignoring its error.
    ///
    /// # Errors
    /// When the database refuses.
    fn rollback(&mut self) -> Result<(), PluginError>;
    /// Takes the named migration lock, waiting up to `timeout` (zero: try
    /// once).
    ///
    /// A session-level lock: held until [`DialectConnection::unlock`] or until
    /// the session or the process ends, so that a killed run does not block
    /// the next one. The host calls it whatever
    /// [`crate::Capabilities::advisory_locks`] says: `atlas_migrate_execute`
    /// around every command that changes a database (Atlas's name: use
    /// Atlas's mechanism for the database where it has one, so that the two
    /// tools exclude each other), `strata_registry` on a database holding the
    /// deployment registry.
    ///
    /// # Errors
    /// [`ErrorKind::LockTimeout`] when another session holds it past `timeout`.
    fn lock(&mut self, name: &str, timeout: Duration) -> Result<(), PluginError>;
    /// Releases the named migration lock. The host ignores an error.
    ///
    /// # Errors
    /// When the lock cannot be released.
    fn unlock(&mut self, name: &str) -> Result<(), PluginError>;
    /// Closes the connection. Called when the host drops it; the host ignores
    /// an error.
    ///
    /// # Errors
    /// When closing fails.
    fn close(&mut self) -> Result<(), PluginError>;
}

/// Builds the root module for dialect `D`; the plugin's cdylib exports it with
/// `#[abi_stable::export_root_module]`:
///
/// ```ignore
/// #[abi_stable::export_root_module]
/// pub fn get_library() -> strata_dialect_api::DialectModRef {
///     strata_dialect_api::root_module::<acme_dialect::Acme>()
/// }
/// ```
///
/// The adapter it builds decodes the JSON inputs (a failure is
/// [`ErrorKind::Decode`]), unwraps [`SqlValue`]s (a variant the build does not
/// know is [`ErrorKind::Unsupported`]), and turns a panic in any call into an
/// [`ErrorKind::Panic`] error naming the plugin and the call, its message
/// printed on stderr with URL passwords masked.
pub fn root_module<D: Dialect>() -> DialectModRef {
    DialectMod { manifest: manifest::<D>, open: open::<D>, diff: diff::<D>, plan: plan::<D>, render: render::<D> }
        .leak_into_prefix()
}

fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "unknown panic payload".to_string()
    }
}

/// Replaces the plugin's panic hook (a cdylib has its own std, so the host's
/// hook does not reach it) with one that prints the message masked: a panic
/// message may hold a URL with its password. The panic itself becomes an error.
fn mask_panics() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        std::panic::set_hook(Box::new(|info| {
            let at = info.location().map(|l| format!(" (at {}:{})", l.file(), l.line())).unwrap_or_default();
            eprintln!("strata plugin panicked: {}{at}", crate::mask(&panic_message(info.payload())));
        }));
    });
}

/// Runs `f`, turning a panic into a [`ErrorKind::Panic`] error naming `who`.
fn guard<T>(who: &str, what: &str, f: impl FnOnce() -> Result<T, PluginError>) -> RResult<T, PluginError> {
    mask_panics();
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(result) => result.into(),
        Err(payload) => RResult::RErr(PluginError::new(
            ErrorKind::Panic,
            format!("plugin {who} panicked in {what}: {}", panic_message(payload.as_ref())),
        )),
    }
}

fn dialect_name<D: Dialect>() -> String {
    mask_panics();
    catch_unwind(D::manifest).map_or_else(|_| std::any::type_name::<D>().to_string(), |m| m.name)
}

fn to_json<T: Serialize>(value: &T) -> Result<RString, PluginError> {
    serde_json::to_string(value)
        .map(RString::from)
        .map_err(|e| PluginError::new(ErrorKind::Internal, format!("encoding reply: {e}")))
}

extern "C" fn manifest<D: Dialect>() -> RResult<RString, PluginError> {
    guard(std::any::type_name::<D>(), "manifest", || to_json(&D::manifest()))
}

extern "C" fn open<D: Dialect>(url: RStr<'_>) -> RResult<ConnectionBox, PluginError> {
    let name = dialect_name::<D>();
    guard(&name.clone(), "open", move || {
        let inner = D::open(url.as_str())?;
        Ok(Connection_TO::from_value(Adapter { name, inner }, TD_Opaque))
    })
}

#[derive(Deserialize)]
struct DiffInput {
    from: Realm,
    to: Realm,
    #[serde(default)]
    options: DiffOptions,
}

#[derive(Deserialize)]
struct PlanInput {
    changes: Vec<Change>,
    #[serde(default)]
    options: PlanOptions,
}

extern "C" fn diff<D: Dialect>(input: RStr<'_>) -> RResult<RString, PluginError> {
    guard(&dialect_name::<D>(), "diff", || {
        let input: DiffInput =
            serde_json::from_str(input.as_str()).map_err(|e| PluginError::decode("diff input", e))?;
        to_json(&D::diff(&input.from, &input.to, &input.options)?)
    })
}

extern "C" fn plan<D: Dialect>(input: RStr<'_>) -> RResult<RString, PluginError> {
    guard(&dialect_name::<D>(), "plan", || {
        let input: PlanInput =
            serde_json::from_str(input.as_str()).map_err(|e| PluginError::decode("plan input", e))?;
        to_json(&D::plan(&input.changes, &input.options)?)
    })
}

extern "C" fn render<D: Dialect>(request: RStr<'_>) -> RResult<RString, PluginError> {
    guard(&dialect_name::<D>(), "render", || {
        let request: RenderRequest =
            serde_json::from_str(request.as_str()).map_err(|e| PluginError::decode("render request", e))?;
        to_json(&D::render(&request)?)
    })
}

/// Wraps a [`DialectConnection`] as the ABI's [`Connection`], catching panics.
struct Adapter {
    name: String,
    inner: Box<dyn DialectConnection>,
}

impl Connection for Adapter {
    fn info(&self) -> RString {
        // The signature has no room for an error: a panic sends nothing, which
        // the host refuses (it must not guess where the revisions table is).
        catch_unwind(AssertUnwindSafe(|| self.inner.info()))
            .ok()
            .and_then(|info| to_json(&info).ok())
            .unwrap_or_default()
    }

    fn inspect(&mut self, options: RStr<'_>) -> RResult<RString, PluginError> {
        guard(&self.name, "inspect", || {
            let options: InspectOptions =
                serde_json::from_str(options.as_str()).map_err(|e| PluginError::decode("inspect options", e))?;
            to_json(&self.inner.inspect(&options)?)
        })
    }

    fn exec(&mut self, sql: RStr<'_>, args: RVec<SqlValueAbi>) -> RResult<u64, PluginError> {
        guard(&self.name, "exec", || self.inner.exec(sql.as_str(), &SqlValue::from_abi(args)?))
    }

    fn query(&mut self, sql: RStr<'_>, args: RVec<SqlValueAbi>) -> RResult<RString, PluginError> {
        guard(&self.name, "query", || to_json(&self.inner.query(sql.as_str(), &SqlValue::from_abi(args)?)?))
    }

    fn begin(&mut self) -> RResult<(), PluginError> {
        guard(&self.name, "begin", || self.inner.begin())
    }

    fn commit(&mut self) -> RResult<(), PluginError> {
        guard(&self.name, "commit", || self.inner.commit())
    }

    fn rollback(&mut self) -> RResult<(), PluginError> {
        guard(&self.name, "rollback", || self.inner.rollback())
    }

    fn lock(&mut self, name: RStr<'_>, timeout_ms: u64) -> RResult<(), PluginError> {
        guard(&self.name, "lock", || self.inner.lock(name.as_str(), Duration::from_millis(timeout_ms)))
    }

    fn unlock(&mut self, name: RStr<'_>) -> RResult<(), PluginError> {
        guard(&self.name, "unlock", || self.inner.unlock(name.as_str()))
    }

    fn close(&mut self) -> RResult<(), PluginError> {
        guard(&self.name, "close", || self.inner.close())
    }
}
