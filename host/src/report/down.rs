//! What `migrate down` reports.

use crate::exec::PlanCheck;
use crate::plan::PlannedFile;
use serde::Serialize;

/// A pre-migration check and its outcome, with the version whose revert it guards.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct CheckOutcome {
    /// The version whose revert it guards.
    pub version: String,
    /// The check and its outcome.
    #[serde(flatten)]
    pub check: PlanCheck,
}

/// A version reverted (or attempted).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct RevertedFile {
    /// Version.
    pub version: String,
    /// Description.
    pub description: String,
    /// Start time.
    pub start: String,
    /// End time.
    pub end: String,
    /// Statements run.
    pub applied: Vec<String>,
    /// Statements an earlier, interrupted run already executed.
    #[serde(skip_serializing_if = "super::apply::is_zero")]
    pub skipped: usize,
    /// The failure, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<super::StmtError>,
}

/// The result of `migrate down`.
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DownReport {
    /// The dialect.
    pub driver: String,
    /// The URL, password masked.
    #[serde(rename = "URL")]
    pub url: String,
    /// The version before the run.
    pub current: String,
    /// The version after the run (empty: nothing applied).
    pub target: String,
    /// Versions to revert.
    pub total: usize,
    /// The plan, newest version first.
    pub planned: Vec<PlannedFile>,
    /// Pre-migration checks.
    pub checks: Vec<CheckOutcome>,
    /// What ran.
    pub reverted: Vec<RevertedFile>,
    /// Differences between the expected and the actual schema (SQL turning the
    /// expected state into the actual one), when drift stopped the run.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub drift: Option<String>,
    /// `APPLIED`, `DRY_RUN`, `NOTHING_TO_DO`, `REFUSED` or `FAILED`.
    pub status: String,
    /// Start time.
    pub start: String,
    /// End time.
    pub end: String,
    /// The error, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// A hint naming the next command, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
    /// What the policies found in the plan.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub findings: Vec<strata_policies::Finding>,
}
