//! The `abi_stable` function table and connection object. Everything rich crosses
//! as JSON text, so these signatures stay fixed while the models grow.

use crate::error::PluginError;
use abi_stable::{
    StableAbi, declare_root_module_statics,
    library::RootModule,
    package_version_strings, sabi_trait,
    sabi_types::VersionStrings,
    std_types::{RBox, RResult, RStr, RString, RVec},
};

/// The root module every dialect plugin exports.
///
/// Later releases may append fields after the one marked `last_prefix_field`
/// (and raise [`crate::API_MINOR`]); a host reading an older plugin gets
/// `None` from their accessors (`missing_field(option)`), never a panic.
#[repr(C)]
#[derive(StableAbi)]
#[sabi(kind(Prefix(prefix_ref = DialectModRef)))]
#[sabi(missing_field(option))]
pub struct DialectMod {
    /// The plugin's [`crate::Manifest`] as JSON.
    pub manifest: extern "C" fn() -> RResult<RString, PluginError>,
    /// Opens a connection to `url` (password included; never echo it).
    pub open: extern "C" fn(url: RStr<'_>) -> RResult<ConnectionBox, PluginError>,
    /// Diffs two realms: input `{"from": Realm, "to": Realm, "options": DiffOptions}`,
    /// output a JSON array of [`crate::Change`].
    pub diff: extern "C" fn(input: RStr<'_>) -> RResult<RString, PluginError>,
    /// Plans changes: input `{"changes": [Change], "options": PlanOptions}`, output a
    /// [`crate::Plan`].
    pub plan: extern "C" fn(input: RStr<'_>) -> RResult<RString, PluginError>,
    /// Answers a [`crate::RenderRequest`] with a [`crate::RenderReply`].
    #[sabi(last_prefix_field)]
    pub render: extern "C" fn(request: RStr<'_>) -> RResult<RString, PluginError>,
}

impl RootModule for DialectModRef {
    declare_root_module_statics! {DialectModRef}
    const BASE_NAME: &'static str = "strata_dialect";
    const NAME: &'static str = "strata_dialect";
    const VERSION_STRINGS: VersionStrings = package_version_strings!();
}

/// A value bound to a placeholder.
#[repr(u8)]
#[derive(StableAbi, Debug, Clone, PartialEq, Eq)]
pub enum SqlValue {
    /// SQL NULL.
    Null,
    /// An integer.
    Int(i64),
    /// Text.
    Text(RString),
}

impl SqlValue {
    /// Text, or NULL when `None`.
    pub fn opt_text(value: Option<&str>) -> Self {
        value.map_or(SqlValue::Null, |s| SqlValue::Text(s.into()))
    }
}

impl From<&str> for SqlValue {
    fn from(value: &str) -> Self {
        SqlValue::Text(value.into())
    }
}

impl From<i64> for SqlValue {
    fn from(value: i64) -> Self {
        SqlValue::Int(value)
    }
}

/// An open database connection inside a plugin. Calls block.
#[sabi_trait]
pub trait Connection: Send {
    /// Facts about the connection, as JSON [`crate::ConnInfo`].
    fn info(&self) -> RString;

    /// Inspects the database: input JSON [`crate::InspectOptions`], output a
    /// JSON [`crate::Realm`].
    fn inspect(&mut self, options: RStr<'_>) -> RResult<RString, PluginError>;

    /// Executes one statement; returns the number of rows it changed.
    fn exec(&mut self, sql: RStr<'_>, args: RVec<SqlValue>) -> RResult<u64, PluginError>;

    /// Runs a query; returns JSON [`crate::Rows`] with every value as text.
    fn query(&mut self, sql: RStr<'_>, args: RVec<SqlValue>) -> RResult<RString, PluginError>;

    /// Starts a transaction.
    fn begin(&mut self) -> RResult<(), PluginError>;

    /// Commits the open transaction.
    ///
    /// A statement (or query) that failed inside the transaction dooms it, as
    /// PostgreSQL does: commit then rolls back and returns an error naming the
    /// failure. A transaction the database ended on its own is an error too.
    /// `Ok` means the database committed every statement of the transaction.
    fn commit(&mut self) -> RResult<(), PluginError>;

    /// Rolls back the open transaction.
    fn rollback(&mut self) -> RResult<(), PluginError>;

    /// Takes the named migration lock, waiting up to `timeout_ms`.
    fn lock(&mut self, name: RStr<'_>, timeout_ms: u64) -> RResult<(), PluginError>;

    /// Releases the named migration lock.
    fn unlock(&mut self, name: RStr<'_>) -> RResult<(), PluginError>;

    /// Closes the connection.
    #[sabi(last_prefix_field)]
    fn close(&mut self) -> RResult<(), PluginError>;
}

/// The owned connection object the host holds.
pub type ConnectionBox = Connection_TO<'static, RBox<()>>;
