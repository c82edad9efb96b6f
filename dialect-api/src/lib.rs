//! The stable boundary between the `strata` host and its dialect plugins.
//!
//! A dialect plugin is a shared library exporting an [`abi_stable`] root module
//! ([`DialectMod`]). The function table is guarded by `abi_stable`'s layout check;
//! rich data (schemas, changes, plans) crosses as JSON of the plain-data models in
//! this crate, guarded by [`API_VERSION`] in the plugin's [`Manifest`], so that a
//! field added later does not break a plugin built earlier.
//!
//! Plugin authors implement [`Dialect`] and [`DialectConnection`] with ordinary Rust
//! types and export them with [`root_module`]; the adapter catches panics at the
//! boundary so that a bug in a plugin becomes an error, never an abort.
//!
//! The vendor's guide is `README.md` beside this crate's `Cargo.toml`: how to
//! lay out, build, test and ship a plugin, the order in which the host calls
//! it, and the contract the types cannot state. The items' documentation
//! repeats each rule where it applies. In short, a plugin must:
//! - return rows *matched* from [`DialectConnection::exec`];
//! - fail with [`ErrorKind::ObjectMissing`] on a table that does not exist;
//! - make [`DialectConnection::commit`] fail, and roll back, after any failure
//!   inside the transaction;
//! - diff only what [`Dialect::diff`] is given (realms may be partial);
//! - inspect deterministically, so that applying a plan and inspecting again
//!   diffs empty against the desired state;
//! - create the bookkeeping tables exactly as [`RenderRequest::RevisionsTable`]
//!   and [`RenderRequest::HistoryTable`] say;
//! - describe its connection in [`ConnInfo`], never print a password, and
//!   never rely on a panic being caught.
//!
//! Versions: [`API_VERSION`] (major) and [`API_MINOR`]; the crate's own
//! version is `API_VERSION.API_MINOR.patch`.
//!
//! This crate is not the place for dialect code shared between plugins: put such
//! helpers in an ordinary crate under `dialects/`.
#![deny(missing_docs)]
// `#[sabi_trait]`'s expansion trips `non_local_definitions`; an `#[allow]` on the
// trait does not reach it (reference/crate-probe.md).
#![allow(non_local_definitions)]

mod abi;
mod change;
mod error;
mod export;
mod manifest;
mod plan;
mod schema;
mod url;

pub use abi::{Connection, Connection_TO, ConnectionBox, DialectMod, DialectModRef, SqlValue, SqlValueAbi};
pub use change::{Change, ColumnChange, TableChange};
pub use error::{ErrorKind, PluginError};
pub use export::{Dialect, DialectConnection, Rows, root_module};
pub use manifest::{API_MINOR, API_VERSION, Capabilities, ConnInfo, LexerOptions, Manifest, Placeholder, cache_dir};
pub use plan::{DiffOptions, InspectOptions, Plan, PlanOptions, PreCheck, RenderReply, RenderRequest, Statement};
pub use schema::{
    Attr, Check, Column, ForeignKey, Generated, Index, IndexPart, PrimaryKey, Realm, Schema, Table, Trigger, View,
};
pub use url::{DbUrl, mask};
