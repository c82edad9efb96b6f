use abi_stable::{StableAbi, std_types::RString};
use std::fmt;

/// The class of a failure, so the host never parses message strings.
#[repr(u8)]
#[derive(StableAbi, Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The URL is malformed or names something the plugin cannot open.
    InvalidUrl,
    /// The server could not be reached.
    Connection,
    /// Authentication failed.
    Auth,
    /// The user lacks a privilege the operation needs.
    PermissionDenied,
    /// The SQL text was rejected by the parser.
    Syntax,
    /// An object the statement refers to does not exist.
    ObjectMissing,
    /// An object the statement creates already exists.
    ObjectExists,
    /// A constraint rejected the data.
    Constraint,
    /// A lock could not be taken in time.
    LockTimeout,
    /// The plugin does not support the requested change or request.
    Unsupported,
    /// JSON crossing the boundary did not decode.
    Decode,
    /// The plugin panicked; the panic was caught at the boundary.
    Panic,
    /// Any other database error.
    Database,
    /// A bug or invariant violation inside the plugin.
    Internal,
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
