//! The host's error type and its exit codes (CLI.md: 1 refused or failed, 2
//! usage or configuration).

use strata_dialect_api::{ErrorKind, PluginError, mask};

/// Why a command did not succeed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The command line or its inputs are wrong.
    #[error("{0}")]
    Usage(String),
    /// atlas.hcl is wrong.
    #[error(transparent)]
    Config(#[from] crate::config::ConfigError),
    /// A plugin could not be found or loaded.
    #[error(transparent)]
    Plugin(#[from] crate::plugin::LoadError),
    /// A database call failed.
    #[error("{context}: {}", mask(&source.message))]
    Database {
        /// What was being done.
        context: String,
        /// The plugin's error.
        source: PluginError,
    },
    /// The operation was refused before anything ran (drift, failed check,
    /// checksum mismatch, a dirty database).
    #[error("{message}")]
    Refused {
        /// What is wrong.
        message: String,
        /// What to run next, if anything.
        hint: Option<String>,
    },
    /// The operation ran and failed; the report says how far it got.
    #[error("{0}")]
    Failed(String),
}

impl Error {
    /// A refusal with a hint naming the next command.
    pub fn refused(message: impl Into<String>, hint: impl Into<String>) -> Error {
        Error::Refused { message: message.into(), hint: Some(hint.into()) }
    }

    /// The process exit code for this error.
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Usage(_) | Error::Config(_) | Error::Plugin(_) => 2,
            // A plugin that panicked or sent what does not decode is broken
            // input to the host, like a file that is not a plugin.
            Error::Database { source, .. } if matches!(source.kind, ErrorKind::Panic | ErrorKind::Decode) => 2,
            Error::Database { .. } | Error::Refused { .. } | Error::Failed(_) => 1,
        }
    }

    /// The hint to print after the message, if any.
    pub fn hint(&self) -> Option<&str> {
        match self {
            Error::Refused { hint, .. } => hint.as_deref(),
            _ => None,
        }
    }
}

/// Wraps a plugin error with what was being done.
pub fn db(context: impl Into<String>) -> impl FnOnce(PluginError) -> Error {
    let context = context.into();
    move |source| Error::Database { context, source }
}
