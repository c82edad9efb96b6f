//! Inspection of a SQLite database into the schema model.

use strata_dialect_api::{InspectOptions, PluginError, Realm};

/// Inspects the `main` schema.
///
/// # Errors
/// When a catalog query fails.
pub fn inspect_realm(_conn: &rusqlite::Connection, _options: &InspectOptions) -> Result<Realm, PluginError> {
    Ok(Realm::default())
}
