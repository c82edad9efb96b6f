//! The `abi_stable` function table and connection object. Everything rich crosses
//! as JSON text, so these signatures stay fixed while the models grow.
//!
//! Plugins do not implement these by hand: [`crate::root_module`] builds the
//! table from a [`crate::Dialect`] and wraps each [`crate::DialectConnection`]
//! as a [`Connection`], decoding and encoding the JSON and catching panics.

use crate::error::PluginError;
use abi_stable::{
    StableAbi, declare_root_module_statics,
    library::RootModule,
    sabi_trait,
    sabi_types::VersionStrings,
    std_types::{RBox, RResult, RStr, RString, RVec},
};

/// The root module every dialect plugin exports, built by [`crate::root_module`]
/// and exported with `#[abi_stable::export_root_module]` from the plugin's
/// cdylib (a library named `libstrata_dialect_NAME.so`, `.dylib`, or
/// `strata_dialect_NAME.dll`).
///
/// `abi_stable` checks the layout of this table and of every type it reaches
/// when the host loads the library; the host then reads [`DialectMod::manifest`]
/// and refuses a plugin of another [`crate::API_VERSION`] or of a newer
/// [`crate::API_MINOR`].
///
/// Later minor releases may append fields after the one marked
/// `last_prefix_field` (`render`); a host reading an older plugin gets `None`
/// from their accessors (`missing_field(option)`), never a panic, and must do
/// without them. Any other change to this table is a new major version.
#[repr(C)]
#[derive(StableAbi)]
#[sabi(kind(Prefix(prefix_ref = DialectModRef)))]
#[sabi(missing_field(option))]
pub struct DialectMod {
    /// The plugin's [`crate::Manifest`] as JSON ([`crate::Dialect::manifest`]).
    ///
    /// Called once when the library is loaded, which the host does for every
    /// plugin it finds at the start of every command: cheap, without side
    /// effects, and never failing (a manifest that does not decode refuses the
    /// plugin).
    pub manifest: extern "C" fn() -> RResult<RString, PluginError>,
    /// Opens a connection to `url` ([`crate::Dialect::open`]). The URL is the
    /// user's text with the password in it: never echo it (see [`crate::mask`]).
    /// The host parsed it with [`crate::DbUrl`] first and chose this plugin by
    /// its scheme; right after `open` it calls [`Connection::info`] once.
    pub open: extern "C" fn(url: RStr<'_>) -> RResult<ConnectionBox, PluginError>,
    /// Diffs two realms ([`crate::Dialect::diff`]): input `{"from": Realm, "to":
    /// Realm, "options": DiffOptions}` (`options` may be absent: the default),
    /// output a JSON array of [`crate::Change`]. Pure: it reads nothing but its
    /// input, which may hold only part of each database.
    pub diff: extern "C" fn(input: RStr<'_>) -> RResult<RString, PluginError>,
    /// Plans changes ([`crate::Dialect::plan`]): input `{"changes": [Change],
    /// "options": PlanOptions}` (`options` may be absent: the default), output a
    /// [`crate::Plan`]. The changes are ones this plugin's `diff` returned.
    pub plan: extern "C" fn(input: RStr<'_>) -> RResult<RString, PluginError>,
    /// Answers a [`crate::RenderRequest`] with a [`crate::RenderReply`]
    /// ([`crate::Dialect::render`]). A request this build cannot decode (a
    /// variant added in a later minor) fails with [`crate::ErrorKind::Decode`].
    #[sabi(last_prefix_field)]
    pub render: extern "C" fn(request: RStr<'_>) -> RResult<RString, PluginError>,
}

/// The version abi_stable checks on the root module: `API_VERSION.0.0`, the
/// same for every minor of a major (the manifest's pair decides the rest).
pub(crate) const ROOT_MODULE_VERSION: &str = "2.0.0";

impl RootModule for DialectModRef {
    declare_root_module_statics! {DialectModRef}
    const BASE_NAME: &'static str = "strata_dialect";
    const NAME: &'static str = "strata_dialect";
    // abi_stable wants a host's minor version at most the library's; Strata's
    // rule is the reverse (a newer host reads older plugins), so this stays
    // at MAJOR.0.0 and the manifest's api_version/api_minor decide.
    const VERSION_STRINGS: VersionStrings = VersionStrings::new(ROOT_MODULE_VERSION);
}

/// A value bound to a placeholder of the SQL passed to
/// [`crate::DialectConnection::exec`] or [`crate::DialectConnection::query`],
/// the placeholders written as [`crate::Capabilities::placeholder`] says.
///
/// Later minor versions may add variants. The enum itself never crosses the
/// boundary: it travels as [`SqlValueAbi`], whose layout never changes, so
/// a plugin built before a variant existed still loads, and receives such a
/// value as an [`crate::ErrorKind::Unsupported`] error from the adapter
/// instead of misreading it. Plugins match with a wildcard arm for the same
/// reason, answering [`SqlValue::unsupported`] for a variant they know but do
/// not bind.
///
/// The host's bookkeeping binds `Null`, `Int` and `Text` only, JSON and
/// timestamps included (as text): a plugin's binding must let the database
/// convert text to the column's type.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SqlValue {
    /// SQL NULL.
    Null,
    /// An integer.
    Int(i64),
    /// Text (UTF-8), also for JSON and timestamp columns.
    Text(RString),
    /// Bytes (a BLOB, `bytea`, `VARBINARY`). Since API 2.1.
    Bytes(RVec<u8>),
}

/// A [`SqlValue`] as it crosses the boundary: a kind code and the two
/// payloads any kind needs. abi_stable's own non-exhaustive enums let a
/// plugin know more variants than the host, never fewer, which is the wrong
/// way round for values the host sends; a fixed layout works both ways.
/// Codes: 0 NULL, 1 integer (`int`), 2 text (`bytes`, UTF-8), 3 bytes
/// (`bytes`, since 2.1). Never renumber a code; a new kind takes the next
/// one and may use either payload (a float as `int`'s bits, say).
#[repr(C)]
#[derive(StableAbi, Debug, Clone, PartialEq, Eq)]
pub struct SqlValueAbi {
    /// The kind of value.
    pub kind: u16,
    /// An integer payload.
    pub int: i64,
    /// A byte payload.
    pub bytes: RVec<u8>,
}

impl SqlValue {
    /// Encodes values for the boundary (the host side of `exec` and `query`).
    pub fn to_abi(values: Vec<SqlValue>) -> RVec<SqlValueAbi> {
        let value = |kind: u16, int: i64, bytes: Vec<u8>| SqlValueAbi { kind, int, bytes: bytes.into() };
        values
            .into_iter()
            .map(|v| match v {
                SqlValue::Null => value(0, 0, Vec::new()),
                SqlValue::Int(i) => value(1, i, Vec::new()),
                SqlValue::Text(t) => value(2, 0, t.into_string().into_bytes()),
                SqlValue::Bytes(b) => value(3, 0, b.into_vec()),
            })
            .collect()
    }

    /// The error a plugin returns for a value it has no binding for (a
    /// variant added after it was written: the wildcard arm of its match).
    pub fn unsupported(&self) -> PluginError {
        PluginError::new(crate::ErrorKind::Unsupported, format!("this plugin cannot bind the value {self:?}"))
    }

    /// Decodes values received across the boundary. A kind this build does
    /// not know (sent by a newer host) is an [`crate::ErrorKind::Unsupported`]
    /// error naming its position.
    ///
    /// # Errors
    /// When a value is of a kind this build does not know, or text is not
    /// UTF-8.
    pub fn from_abi(values: RVec<SqlValueAbi>) -> Result<Vec<SqlValue>, PluginError> {
        values
            .into_iter()
            .enumerate()
            .map(|(i, v)| match v.kind {
                0 => Ok(SqlValue::Null),
                1 => Ok(SqlValue::Int(v.int)),
                2 => String::from_utf8(v.bytes.into_vec()).map(|t| SqlValue::Text(t.into())).map_err(|_| {
                    PluginError::new(crate::ErrorKind::Decode, format!("argument {} is text that is not UTF-8", i + 1))
                }),
                3 => Ok(SqlValue::Bytes(v.bytes)),
                kind => Err(PluginError::new(
                    crate::ErrorKind::Unsupported,
                    format!(
                        "argument {} is a kind of value (code {kind}) this plugin does not know: it was built \
                         against dialect API {}.{}",
                        i + 1,
                        crate::API_VERSION,
                        crate::API_MINOR
                    ),
                )),
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

/// An open database connection inside a plugin, as the host holds it. Calls
/// block until done.
///
/// Plugins implement [`crate::DialectConnection`] instead; the adapter
/// implements this trait over it, decoding and encoding the JSON and catching
/// panics. The rules below are those of the corresponding
/// [`crate::DialectConnection`] method. The host uses one connection from one
/// thread at a time, but may move it between threads and holds several
/// connections of one plugin at once.
///
/// `close` is the last prefix method: methods appended after it in a later
/// minor are absent from older plugins' objects.
#[sabi_trait]
pub trait Connection: Send {
    /// Facts about the connection, as JSON [`crate::ConnInfo`]. Called once,
    /// right after `open`; an empty or malformed reply (the plugin panicked)
    /// makes the host refuse the connection.
    fn info(&self) -> RString;

    /// Inspects the database: input JSON [`crate::InspectOptions`], output a
    /// JSON [`crate::Realm`] (see [`crate::DialectConnection::inspect`]).
    fn inspect(&mut self, options: RStr<'_>) -> RResult<RString, PluginError>;

    /// Executes one statement; returns the number of rows it *matched* (not
    /// changed: the host inserts a revision row when its `UPDATE` returns 0).
    /// See [`crate::DialectConnection::exec`].
    fn exec(&mut self, sql: RStr<'_>, args: RVec<SqlValueAbi>) -> RResult<u64, PluginError>;

    /// Runs a query; returns JSON [`crate::Rows`] with every value as text.
    /// A missing table is [`crate::ErrorKind::ObjectMissing`].
    fn query(&mut self, sql: RStr<'_>, args: RVec<SqlValueAbi>) -> RResult<RString, PluginError>;

    /// Starts a transaction.
    fn begin(&mut self) -> RResult<(), PluginError>;

    /// Commits the open transaction.
    ///
    /// A statement (or query) that failed inside the transaction dooms it, as
    /// PostgreSQL does: commit then rolls back and returns an error naming the
    /// failure. A transaction the database ended on its own is an error too.
    /// `Ok` means the database committed every statement of the transaction.
    fn commit(&mut self) -> RResult<(), PluginError>;

    /// Rolls back the open transaction; harmless without one (the host calls
    /// it after a failed commit and ignores its error).
    fn rollback(&mut self) -> RResult<(), PluginError>;

    /// Takes the named migration lock, waiting up to `timeout_ms` (0: try
    /// once); [`crate::ErrorKind::LockTimeout`] when another session holds it.
    fn lock(&mut self, name: RStr<'_>, timeout_ms: u64) -> RResult<(), PluginError>;

    /// Releases the named migration lock (the host ignores an error).
    fn unlock(&mut self, name: RStr<'_>) -> RResult<(), PluginError>;

    /// Closes the connection. The host calls it when it drops the connection
    /// and ignores an error.
    #[sabi(last_prefix_field)]
    fn close(&mut self) -> RResult<(), PluginError>;
}

/// The owned connection object the host holds: what
/// [`DialectMod::open`] returns, a [`Connection`] trait object.
pub type ConnectionBox = Connection_TO<'static, RBox<()>>;
