use abi_stable::{StableAbi, std_types::RString};
use std::fmt;

/// The class of a failure, so the host never parses message strings.
///
/// A code rather than a Rust enum so that the set can grow in a minor release
/// without changing the ABI: a host reads a code it does not know (from a
/// newer plugin) as an unknown database error, and plugins compare against
/// the named constants. Match with a wildcard arm: more kinds will come.
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
    /// The URL is malformed or names something the plugin cannot open.
    InvalidUrl = 0,
    /// The server could not be reached.
    Connection = 1,
    /// Authentication failed.
    Auth = 2,
    /// The user lacks a privilege the operation needs.
    PermissionDenied = 3,
    /// The SQL text was rejected by the parser.
    Syntax = 4,
    /// An object the statement refers to does not exist (table, column,
    /// schema, lock). The host relies on it: reading a revisions table that
    /// is not there yet must fail with this kind.
    ObjectMissing = 5,
    /// An object the statement creates already exists.
    ObjectExists = 6,
    /// A constraint rejected the data.
    Constraint = 7,
    /// A lock could not be taken in time.
    LockTimeout = 8,
    /// The plugin does not support the requested change, request or value.
    Unsupported = 9,
    /// JSON crossing the boundary did not decode.
    Decode = 10,
    /// The plugin panicked; the panic was caught at the boundary.
    Panic = 11,
    /// Any other database error.
    Database = 12,
    /// A bug or invariant violation inside the plugin.
    Internal = 13,
    /// The database is read-only (a replica, a read-only transaction or
    /// file). Since API 1.2.
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
#[repr(C)]
#[derive(StableAbi, Debug, Clone, PartialEq, Eq)]
pub struct PluginError {
    /// What class of failure this is.
    pub kind: ErrorKind,
    /// A lowercase, one-line message for the user.
    pub message: RString,
    /// Optional detail (a SQLSTATE, a position), empty when none.
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
