//! Schemas as code in HCL, Atlas's schema language: read as a desired state
//! (`--to file://schema.hcl`, `.hcl` files beside `.sql` ones) and written as
//! `schema inspect`'s default output.
//!
//! Reading gives the schema as written, in the dialect's model; the dev
//! database then normalizes it the way it normalizes SQL files: the plugin
//! plans the objects there, and what inspection returns is the desired state.

mod clickhouse;
mod read;
pub(crate) mod read_origin;
mod read_types;
mod routines;
mod write;
mod write_hcl;
mod write_types;

pub use read::{HclSchemaError, parse};
pub use write::write;
