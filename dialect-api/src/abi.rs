//! The `abi_stable` function table and connection object. Everything rich crosses
//! as JSON text, so these signatures stay fixed while the models grow.

use crate::error::PluginError;
use abi_stable::{
    StableAbi, declare_root_module_statics,
    library::RootModule,
    sabi_trait,
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

/// The version abi_stable checks on the root module: `API_VERSION.0.0`.
pub(crate) const ROOT_MODULE_VERSION: &str = "1.0.0";

impl RootModule for DialectModRef {
    declare_root_module_statics! {DialectModRef}
    const BASE_NAME: &'static str = "strata_dialect";
    const NAME: &'static str = "strata_dialect";
    // abi_stable wants a host's minor version at most the library's; Strata's
    // rule is the reverse (a newer host reads older plugins), so this stays
    // at MAJOR.0.0 and the manifest's api_version/api_minor decide.
    const VERSION_STRINGS: VersionStrings = VersionStrings::new(ROOT_MODULE_VERSION);
}

/// A value bound to a placeholder.
///
/// Crosses the boundary as [`SqlValueNE`], abi_stable's non-exhaustive
/// wrapper, so that later minor versions can add variants: a plugin built
/// before a variant existed receives it as a value it cannot unwrap, and the
/// adapter answers [`crate::ErrorKind::Unsupported`] instead of misreading it.
/// Plugins match with a wildcard arm for the same reason.
#[repr(u8)]
#[derive(StableAbi, Debug, Clone, PartialEq, Eq)]
#[sabi(kind(WithNonExhaustive(size = [usize; 6], traits(Debug, Clone, PartialEq))))]
#[non_exhaustive]
pub enum SqlValue {
    /// SQL NULL.
    Null,
    /// An integer.
    Int(i64),
    /// Text.
    Text(RString),
    /// Bytes (a BLOB, `bytea`, `VARBINARY`). Since API 1.2.
    Bytes(RVec<u8>),
}

/// [`SqlValue`] as it crosses the boundary.
pub type SqlValueNE = SqlValue_NE;

impl SqlValue {
    /// Wraps values for the boundary (the host side of `exec` and `query`).
    pub fn to_abi(values: Vec<SqlValue>) -> RVec<SqlValueNE> {
        values.into_iter().map(SqlValueNE::new).collect()
    }

    /// The error a plugin returns for a value it has no binding for (a
    /// variant added after it was written: the wildcard arm of its match).
    pub fn unsupported(&self) -> PluginError {
        PluginError::new(crate::ErrorKind::Unsupported, format!("this plugin cannot bind the value {self:?}"))
    }

    /// Unwraps values received across the boundary. A variant this build
    /// does not know (sent by a newer host) is an
    /// [`crate::ErrorKind::Unsupported`] error naming its position.
    ///
    /// # Errors
    /// When a value is of a variant this build does not know.
    pub fn from_abi(values: RVec<SqlValueNE>) -> Result<Vec<SqlValue>, PluginError> {
        values
            .into_iter()
            .enumerate()
            .map(|(i, v)| {
                v.into_enum().map_err(|_| {
                    PluginError::new(
                        crate::ErrorKind::Unsupported,
                        format!(
                            "argument {} is a kind of value this plugin does not know (built against dialect API 1.{})",
                            i + 1,
                            crate::API_MINOR
                        ),
                    )
                })
            })
            .collect()
    }
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
    fn exec(&mut self, sql: RStr<'_>, args: RVec<SqlValueNE>) -> RResult<u64, PluginError>;

    /// Runs a query; returns JSON [`crate::Rows`] with every value as text.
    fn query(&mut self, sql: RStr<'_>, args: RVec<SqlValueNE>) -> RResult<RString, PluginError>;

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
