//! Planning changes into SQLite statements.

use strata_dialect_api::{Change, Plan, PlanOptions, PluginError};

/// Plans `changes`.
///
/// # Errors
/// When a change cannot be expressed.
pub fn plan_changes(changes: &[Change], _options: &PlanOptions) -> Result<Plan, PluginError> {
    Ok(Plan { changes: changes.to_vec(), statements: Vec::new() })
}
