//! `data "sql"`: query a database; `.value`, `.values`, `.count`.

use serde_json::{Map, Value};

use crate::plugin::Registry;

/// Runs the block's query.
pub(super) fn resolve(plugins: &Registry, attrs: &Map<String, Value>) -> Result<Value, String> {
    let _ = (plugins, attrs);
    Err("the sql data source is not implemented yet".into())
}
