//! The `strata` host: configuration, plugins, the migration directory, the
//! revisions table, planning and execution. The `cli` module translates the
//! command line into calls of this library; nothing else knows about clap.
//!
//! # Pipelines
//! Every command that changes a database is one library function running the
//! stages in one order, each a module that never calls back up:
//! config ([`migrate::Context`]: the env, plugins, policies) → [`plan`] →
//! policies ([`migrate::Policies`]) → [`exec`] (with [`revisions`]) →
//! [`report`], with [`registry`] recording the run and holding promotion and
//! approval before it starts; `plan` hands `exec` plain [`steps`]. `cli`
//! parses flags into options, calls:
//! - `migrate apply` → [`migrate::run_apply`] (around [`migrate::apply`]) → [`report::ApplyReport`]
//! - `migrate down` → [`migrate::run_down`] (around [`migrate::down`]) → [`report::DownReport`]
//! - `migrate set` → [`migrate::set`] → [`report::SetReport`]
//! - `migrate status` (reads only) → [`migrate::status`] → [`report::StatusReport`]
//! - `migrate lint` (dev database only) → [`migrate::lint`] → [`report::LintReport`]
//! - `schema apply` → [`migrate::schema_apply`] → [`report::SchemaApplyReport`];
//!   the interactive "Apply these changes?" is `cli`'s, asked through
//!   [`migrate::SchemaApplyUi`] between planning and executing, under the lock
//! - `schema clean` → [`migrate::schema_clean`] (its prompt a callback) → [`report::CleanReport`]
//!
//! and prints the report it gets back (text, or the report's JSON). Progress
//! and policy findings reach `cli` while the run goes (an [`exec::Progress`]
//! sink, a findings callback), so they print in the order they happen.
//!
//! Semver-exempt: the stable contract is the command line (CLI.md) and the
//! plugin API (`strata-dialect-api`), not this crate's items.

pub mod cli;
pub mod clock;
pub mod config;
pub mod conformance;
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
pub mod schema_hcl;
pub mod steps;
pub mod trace;

pub use error::Error;
