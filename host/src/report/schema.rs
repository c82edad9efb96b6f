//! What `schema apply` reports.

use crate::error::Error;
use crate::exec::PlanCheck;
use crate::plan::Destruction;
use serde_json::json;
use strata_dialect_api::Plan;
use strata_policies::Finding;

/// A `schema apply` plan, as shown before anything runs.
#[derive(Debug, Clone, Default)]
pub struct SchemaPlan {
    /// The statements, in order.
    pub plan: Plan,
    /// What the plan destroys, read from the data.
    pub destructive: Vec<Destruction>,
    /// The pre-migration checks, run once to show them (again before the statements they guard).
    pub checks: Vec<PlanCheck>,
    /// The checks were skipped (`--skip-checks`).
    pub skip_checks: bool,
}

impl SchemaPlan {
    /// The statements' SQL.
    pub fn pending(&self) -> Vec<&str> {
        self.plan.statements.iter().map(|s| s.sql.as_str()).collect()
    }
}

/// How a `schema apply` ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SchemaApplyStatus {
    /// The database already holds the desired schema.
    Synced,
    /// A policy denied the plan; nothing ran.
    Denied,
    /// A pre-migration check failed; nothing ran.
    ChecksFailed,
    /// `--dry-run`: planned, nothing ran.
    DryRun,
    /// The user declined; nothing ran.
    Aborted,
    /// The plan ran and the database holds the desired schema.
    Applied,
    /// The plan failed, or the database does not hold the desired schema after it.
    Failed,
}

/// The result of `schema apply`.
#[derive(Debug)]
pub struct SchemaApplyReport {
    /// The dialect.
    pub driver: String,
    /// The URL, password masked.
    pub url: String,
    /// How it ended.
    pub status: SchemaApplyStatus,
    /// The plan (empty when synced).
    pub planned: SchemaPlan,
    /// What the policies found in the plan.
    pub findings: Vec<Finding>,
    /// Why it was refused or failed.
    pub error: Option<Error>,
}

// Each ending has the JSON shape it had before the report had a type; built
// as JSON objects, whose keys print sorted.
impl serde::Serialize for SchemaApplyReport {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let (driver, url) = (&self.driver, &self.url);
        let pending = self.planned.pending();
        let error = self.error.as_ref().map(ToString::to_string);
        let (destroys, checks) = (&self.planned.destructive, &self.planned.checks);
        let report = |applied: &[&str]| {
            json!({
                "Driver": driver, "URL": url,
                "Changes": { "Applied": applied, "Pending": pending, "Error": error },
                "Destructive": destroys, "Checks": checks,
            })
        };
        match self.status {
            SchemaApplyStatus::Synced => json!({ "Driver": driver, "URL": url, "Changes": {} }),
            SchemaApplyStatus::Denied => json!({
                "Driver": driver, "URL": url, "Changes": { "Pending": pending, "Error": error },
                "Findings": self.findings,
            }),
            SchemaApplyStatus::DryRun | SchemaApplyStatus::Aborted => json!({
                "Driver": driver, "URL": url, "Changes": { "Pending": pending },
                "Destructive": destroys, "Checks": checks,
            }),
            SchemaApplyStatus::ChecksFailed | SchemaApplyStatus::Failed => report(&[]),
            SchemaApplyStatus::Applied => report(&pending),
        }
        .serialize(s)
    }
}

/// How a `schema clean` ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CleanStatus {
    /// The database held nothing to drop.
    Empty,
    /// The user declined; nothing was dropped.
    Aborted,
    /// Every object was dropped.
    Dropped,
}

/// The result of `schema clean`.
#[derive(Debug, Clone)]
pub struct CleanReport {
    /// How it ended.
    pub status: CleanStatus,
    /// The statements that dropped everything (empty unless dropped).
    pub plan: Plan,
}

impl serde::Serialize for CleanReport {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        json!({ "Dropped": self.plan.statements.iter().map(|s| &s.sql).collect::<Vec<_>>() }).serialize(s)
    }
}
