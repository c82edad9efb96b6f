//! The plugin side: implement [`Dialect`] with Rust types, export [`root_module`].
//! Every exported call runs under `catch_unwind`, because a panic reaching an
//! `abi_stable` function ends the whole host process.

use crate::abi::{Connection, Connection_TO, ConnectionBox, DialectMod, DialectModRef, SqlValue, SqlValueNE};
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
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rows {
    /// Column names.
    pub columns: Vec<String>,
    /// Row values.
    pub rows: Vec<Vec<Option<String>>>,
}

/// A dialect, implemented with Rust types by a plugin's library crate.
pub trait Dialect: 'static {
    /// What the plugin says about itself.
    fn manifest() -> Manifest;

    /// Opens a connection.
    ///
    /// # Errors
    /// When the URL is invalid or the database cannot be reached.
    fn open(url: &str) -> Result<Box<dyn DialectConnection>, PluginError>;

    /// Computes the changes turning `from` into `to`.
    ///
    /// # Errors
    /// When the schemas hold something the dialect cannot compare.
    fn diff(from: &Realm, to: &Realm, options: &DiffOptions) -> Result<Vec<Change>, PluginError>;

    /// Turns changes into statements.
    ///
    /// # Errors
    /// When a change cannot be expressed in the dialect.
    fn plan(changes: &[Change], options: &PlanOptions) -> Result<Plan, PluginError>;

    /// Answers a render request.
    ///
    /// # Errors
    /// When the request is not supported.
    fn render(request: &RenderRequest) -> Result<RenderReply, PluginError>;
}

/// An open connection, implemented with Rust types by a plugin's library crate.
pub trait DialectConnection: Send {
    /// Facts about the connection.
    fn info(&self) -> ConnInfo;
    /// Inspects the database.
    ///
    /// # Errors
    /// When a catalog query fails.
    fn inspect(&mut self, options: &InspectOptions) -> Result<Realm, PluginError>;
    /// Executes one statement, returning the rows changed.
    ///
    /// # Errors
    /// When the database rejects it.
    fn exec(&mut self, sql: &str, args: &[SqlValue]) -> Result<u64, PluginError>;
    /// Runs a query.
    ///
    /// # Errors
    /// When the database rejects it.
    fn query(&mut self, sql: &str, args: &[SqlValue]) -> Result<Rows, PluginError>;
    /// Starts a transaction.
    ///
    /// # Errors
    /// When the database refuses.
    fn begin(&mut self) -> Result<(), PluginError>;
    /// Commits.
    ///
    /// # Errors
    /// When the database refuses, and when the transaction cannot commit
    /// everything: a statement or query failed inside it (the transaction is
    /// then rolled back) or the database already ended it. Never report a
    /// rollback as a commit.
    fn commit(&mut self) -> Result<(), PluginError>;
    /// Rolls back.
    ///
    /// # Errors
    /// When the database refuses.
    fn rollback(&mut self) -> Result<(), PluginError>;
    /// Takes the named migration lock.
    ///
    /// # Errors
    /// [`ErrorKind::LockTimeout`] when another session holds it past `timeout`.
    fn lock(&mut self, name: &str, timeout: Duration) -> Result<(), PluginError>;
    /// Releases the named migration lock.
    ///
    /// # Errors
    /// When the lock cannot be released.
    fn unlock(&mut self, name: &str) -> Result<(), PluginError>;
    /// Closes the connection.
    ///
    /// # Errors
    /// When closing fails.
    fn close(&mut self) -> Result<(), PluginError>;
}

/// Builds the root module for dialect `D`; the plugin's cdylib exports it with
/// `#[abi_stable::export_root_module]`.
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

    fn exec(&mut self, sql: RStr<'_>, args: RVec<SqlValueNE>) -> RResult<u64, PluginError> {
        guard(&self.name, "exec", || self.inner.exec(sql.as_str(), &SqlValue::from_abi(args)?))
    }

    fn query(&mut self, sql: RStr<'_>, args: RVec<SqlValueNE>) -> RResult<RString, PluginError> {
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
