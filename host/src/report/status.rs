//! What `migrate status` and `migrate set` report.

use super::FileRef;
use crate::revisions::{FailedAttempt, Revision};
use serde_json::json;
use std::path::PathBuf;

/// Where a database stands against the migration directory (`migrate status`).
#[derive(Debug, Clone)]
pub struct StatusReport {
    /// The dialect.
    pub driver: String,
    /// The URL, password masked.
    pub url: String,
    /// The migration directory.
    pub dir: PathBuf,
    /// Every file of the directory.
    pub available: Vec<FileRef>,
    /// The files a run would execute, in the order it would.
    pub pending: Vec<FileRef>,
    /// Files added after newer ones ran (empty under `linear-skip`).
    pub out_of_order: Vec<FileRef>,
    /// The revisions table.
    pub applied: Vec<Revision>,
    /// The last applied version.
    pub current: Option<String>,
    /// The next version to run (unknown while the history is not linear).
    pub next: Option<String>,
    /// Files executed (baselines not counted).
    pub executed: usize,
    /// Files in the directory.
    pub total: usize,
    /// `OK` or `PENDING`.
    pub status: &'static str,
    /// Why the history blocks a linear run, if it does.
    pub history_error: Option<String>,
    /// The last revision, when it stopped midway.
    pub partial: Option<Revision>,
    /// A file that failed and was rolled back, until a run succeeds.
    pub failed_attempt: Option<FailedAttempt>,
}

/// A file as Atlas's status JSON names it.
fn file_json(f: &FileRef) -> serde_json::Value {
    json!({"Name": f.name, "Version": f.version, "Description": f.description})
}

// Atlas's status JSON: built as a JSON object, whose keys print sorted.
impl serde::Serialize for StatusReport {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let partial = self.partial.as_ref();
        let failed = self.failed_attempt.as_ref();
        json!({
            "Env": { "Driver": self.driver, "URL": self.url, "Dir": self.dir },
            "Available": self.available.iter().map(file_json).collect::<Vec<_>>(),
            "Pending": self.pending.iter().map(file_json).collect::<Vec<_>>(),
            "Applied": self.applied,
            "Current": self.current.clone().unwrap_or_default(),
            "Next": self.next.clone().unwrap_or_default(),
            "Count": self.executed,
            "Total": self.total,
            "Status": self.status,
            "OutOfOrder": self.out_of_order.iter().map(file_json).collect::<Vec<_>>(),
            "Error": self.history_error.clone().or_else(|| partial.and_then(|p| p.error.clone())).or_else(|| failed.map(|f| f.error.clone())).unwrap_or_default(),
            "SQL": partial.and_then(|p| p.error_stmt.clone()).or_else(|| failed.map(|f| f.stmt.clone())).unwrap_or_default(),
            "FailedAttempt": failed,
        })
        .serialize(s)
    }
}

/// What `migrate set` changed in the revisions table.
#[derive(Debug, Clone)]
pub struct SetReport {
    /// The version the table now ends at.
    pub current: String,
    /// Revisions written, marked as applied without running.
    pub added: Vec<Revision>,
    /// Revisions removed.
    pub removed: Vec<Revision>,
}

// Built as a JSON object, as before the report had a type: its keys print sorted.
impl serde::Serialize for SetReport {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        json!({ "Current": self.current, "Set": self.added, "Removed": self.removed }).serialize(s)
    }
}
