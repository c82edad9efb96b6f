//! What `migrate lint` reports.

use serde::Serialize;
use strata_policies::Finding;

/// One analyzed file.
#[derive(Debug, Clone, Serialize)]
pub struct LintFile {
    /// The file name.
    pub name: String,
    /// Its version.
    pub version: String,
    /// Statements analyzed.
    pub statements: usize,
    /// What was found, in statement order.
    pub findings: Vec<Finding>,
}

/// What `migrate lint` found.
#[derive(Debug, Clone, Serialize)]
pub struct LintReport {
    /// The directory.
    pub dir: String,
    /// The last version before the new files (empty: none).
    pub base: String,
    /// The new files, analyzed.
    pub files: Vec<LintFile>,
    /// Findings that are errors.
    pub errors: usize,
    /// Findings that are warnings.
    pub warnings: usize,
}
