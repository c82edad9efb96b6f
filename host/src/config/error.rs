//! Errors of the project-file reader, each pointing at the place in `atlas.hcl` it concerns.

use std::fmt;
use std::path::PathBuf;

/// A position in a configuration file: one-based line and column (in characters).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Location {
    /// The file, as given to [`load`](super::load).
    pub file: PathBuf,
    /// One-based line number.
    pub line: usize,
    /// One-based column number, counted in characters.
    pub column: usize,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.file.display(), self.line, self.column)
    }
}

/// An error found while reading, parsing or evaluating the project file.
///
/// Every error that concerns a place in the file carries a [`Location`] and displays as
/// `<file>:<line>:<col>: <message>`. All of them are usage errors (exit status 2).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// The configuration file does not exist (Atlas's wording).
    #[error("config file {path:?} was not found")]
    NotFound {
        /// The path that was looked up.
        path: PathBuf,
    },
    /// The configuration file exists but could not be read.
    #[error("reading config file {path:?}: {source}")]
    Read {
        /// The path that was read.
        path: PathBuf,
        /// The underlying I/O error.
        source: std::io::Error,
    },
    /// The file is not valid HCL.
    #[error("{location}: {message}")]
    Syntax {
        /// Where the parser stopped.
        location: Location,
        /// What the parser expected.
        message: String,
    },
    /// The file is valid HCL but its structure is not that of a project file (unknown block,
    /// missing label, duplicate attribute, ...).
    #[error("{location}: {message}")]
    Invalid {
        /// The offending block or attribute.
        location: Location,
        /// What is wrong.
        message: String,
    },
    /// An expression could not be evaluated, or its value has the wrong type.
    #[error("{location}: {message}")]
    Eval {
        /// The expression.
        location: Location,
        /// Why evaluation failed.
        message: String,
    },
    /// A variable has no default and no value was given with `--var` (Atlas's wording).
    #[error("{location}: missing value for required variable {name:?}")]
    MissingVariable {
        /// The `variable` block.
        location: Location,
        /// The variable's name.
        name: String,
    },
    /// A `data` block could not be resolved.
    #[error("{location}: data source {kind:?} {name:?}: {message}")]
    DataSource {
        /// The `data` block.
        location: Location,
        /// The data source kind (first label).
        kind: String,
        /// The data source name (second label).
        name: String,
        /// Why it failed.
        message: String,
    },
    /// `--var` names a variable no `variable` block declares.
    #[error("{}: variable {name:?} given with --var is not declared in the config file", file.display())]
    UndeclaredVariable {
        /// The configuration file.
        file: PathBuf,
        /// The `--var` key.
        name: String,
    },
    /// `--env` names an env the file does not define (Atlas's wording).
    #[error("env {name:?} not defined in config file")]
    EnvNotDefined {
        /// The `--env` value.
        name: String,
    },
    /// A `--var` item is not `key=value` (Atlas's wording).
    #[error("variables must be format as key=value, got: {item:?}")]
    VarFormat {
        /// The offending item.
        item: String,
    },
}

impl ConfigError {
    /// Whether the error is a usage error (exit status 2). Every configuration error is one.
    pub fn is_usage(&self) -> bool {
        true
    }

    /// The place in the file the error points at, if it concerns one.
    pub fn location(&self) -> Option<&Location> {
        match self {
            ConfigError::Syntax { location, .. }
            | ConfigError::Invalid { location, .. }
            | ConfigError::Eval { location, .. }
            | ConfigError::MissingVariable { location, .. }
            | ConfigError::DataSource { location, .. } => Some(location),
            ConfigError::NotFound { .. }
            | ConfigError::Read { .. }
            | ConfigError::UndeclaredVariable { .. }
            | ConfigError::EnvNotDefined { .. }
            | ConfigError::VarFormat { .. } => None,
        }
    }
}
