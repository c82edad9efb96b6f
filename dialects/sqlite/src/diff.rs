//! Diffing two SQLite realms into changes.

use strata_dialect_api::{Change, DiffOptions, PluginError, Realm};

/// Computes the changes turning `from` into `to`.
///
/// # Errors
/// When the schemas cannot be compared.
pub fn diff_realm(_from: &Realm, _to: &Realm, _options: &DiffOptions) -> Result<Vec<Change>, PluginError> {
    Ok(Vec::new())
}
