use abi_stable::{StableAbi, std_types::RString};
use std::fmt;

/// The class of a failure, so the host never parses message strings.
///
/// A code rather than a Rust enum so that the set can grow in a minor release
/// without changing the ABI: a host reads a code it does not know (from a
/// newer plugin) as an unknown database error, and plugins compare against
/// the named constants. Match with a wildcard arm: more kinds will come.
///
/// Plugins classify every failure they return. Today the host branches on
/// [`ErrorKind::ObjectMissing`] only (reading its own tables); every other kind
/// is printed with its message, as `<what the host was doing>: <message>`.
/// It prints an unknown code's kind as `Unknown(N)` ([`ErrorKind::name`]).
#[repr(transparent)]
#[derive(StableAbi, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ErrorKind(u16);

/// Declares the named kinds once, with their codes and names.
macro_rules! kinds {
    ($($(#[$doc:meta])* $name:ident = $code:literal,)*) => {
        #[allow(non_upper_case_globals)]
        impl ErrorKind {
            $($(#[$doc])* pub const $name: ErrorKind = ErrorKind($code);)*

            /// The kind's name (`LockTimeout`), or `Unknown(N)` for a code
            /// this build does not know.
            pub fn name(self) -> std::borrow::Cow<'static, str> {
                match self.0 {
                    $($code => std::borrow::Cow::Borrowed(stringify!($name)),)*
                    n => std::borrow::Cow::Owned(format!("Unknown({n})")),
                }
            }

            /// Whether this build of the API names the kind.
            // The list is generated from the declarations; a range would have
            // to be kept in step by hand.
            #[allow(clippy::manual_range_patterns)]
            pub fn is_known(self) -> bool {
                matches!(self.0, $($code)|*)
            }
        }
    };
}

// Codes are part of the ABI: never renumber or reuse one; add new kinds at
// the end with the next code and note the API minor that added them.
kinds! {
    /// The URL is malformed or names something the plugin cannot open (a
    /// scheme, parameter or mode it does not support). From `open`.
    InvalidUrl = 0,
    /// The server could not be reached, or the connection broke. From `open`
    /// and any call after it.
    Connection = 1,
    /// Authentication failed.
    Auth = 2,
    /// The user lacks a privilege the operation needs.
    PermissionDenied = 3,
    /// The SQL text was rejected by the parser.
    Syntax = 4,
    /// An object the statement refers to does not exist (table, column,
    /// schema, lock). The host relies on it: reading a revisions table that
    /// is not there yet must fail with this kind. It reads
    /// `SELECT … FROM <revisions>` before creating the table, probes the
    /// history table with `SELECT 1 FROM <history> WHERE 1 = 0`, and deletes
    /// from it, treating this kind as "no table"; any other kind fails the
    /// command.
    ObjectMissing = 5,
    /// An object the statement creates already exists.
    ObjectExists = 6,
    /// A constraint rejected the data.
    Constraint = 7,
    /// A lock could not be taken in time: from
    /// [`crate::DialectConnection::lock`] when another session holds the
    /// migration lock past the timeout, or a statement that waited too long
    /// for a database lock.
    LockTimeout = 8,
    /// The plugin does not support the requested change, request or value
    /// (a [`crate::SqlValue`] variant it cannot bind, a
    /// [`crate::RenderRequest`] it does not answer, a change it cannot plan).
    /// The adapter returns it for a value of a variant the plugin's build does
    /// not know.
    Unsupported = 9,
    /// JSON crossing the boundary did not decode (returned by the adapter; a
    /// request of a variant added after the plugin was built decodes to this).
    Decode = 10,
    /// The plugin panicked; the panic was caught at the boundary. Returned by
    /// the adapter, never by a plugin's own code; a plugin must not rely on
    /// panics being caught.
    Panic = 11,
    /// Any other database error.
    Database = 12,
    /// A bug or invariant violation inside the plugin (also: a reply the
    /// adapter could not encode).
    Internal = 13,
    /// The database is read-only (a replica, a read-only transaction or
    /// file). Since API 2.1.
    ReadOnly = 14,
}

impl ErrorKind {
    /// The numeric code that crosses the boundary.
    pub fn code(self) -> u16 {
        self.0
    }

    /// The kind with numeric `code`, known to this build or not.
    pub fn from_code(code: u16) -> Self {
        ErrorKind(code)
    }
}

impl fmt::Debug for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name())
    }
}

/// The error type at the plugin boundary: a kind, a message and optional detail.
///
/// The host prints `message` (after [`crate::mask`]) behind what it was doing;
/// it does not print `detail`. Neither may hold a password: the host masks
/// URLs, not a bare password a server echoes.
#[repr(C)]
#[derive(StableAbi, Debug, Clone, PartialEq, Eq)]
pub struct PluginError {
    /// What class of failure this is.
    pub kind: ErrorKind,
    /// A lowercase, one-line message for the user saying what failed, without
    /// a final period; never a password.
    pub message: RString,
    /// Optional detail for programs (a SQLSTATE, an error code, a position),
    /// empty when none. Not printed by the host.
    pub detail: RString,
}

impl PluginError {
    /// Creates an error of `kind` with `message`.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        PluginError { kind, message: RString::from(message.into()), detail: RString::new() }
    }

    /// Attaches detail text (a SQLSTATE, an error code).
    #[must_use]
    pub fn with_detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = RString::from(detail.into());
        self
    }

    /// Creates a [`ErrorKind::Decode`] error for JSON that did not decode.
    pub fn decode(what: &str, err: impl fmt::Display) -> Self {
        Self::new(ErrorKind::Decode, format!("decoding {what}: {err}"))
    }
}

impl fmt::Display for PluginError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for PluginError {}
