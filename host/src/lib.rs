//! The `strata` host: configuration, plugins, the migration directory, the
//! revisions table, planning and execution. The `cli` module translates the
//! command line into calls of this library; nothing else knows about clap.
//!
//! Semver-exempt: the stable contract is the command line (CLI.md) and the
//! plugin API (`strata-dialect-api`), not this crate's items.

pub mod cli;
pub mod clock;
pub mod config;
pub mod datasrc;
pub mod dir;
mod error;
pub mod exec;
pub mod migrate;
pub mod panic_hook;
pub mod plan;
pub mod plugin;
pub mod registry;
pub mod report;
pub mod revisions;
pub mod trace;

pub use error::Error;
