//! What `migrate apply` reports, shaped like Atlas's JSON.

use crate::dir::File;
use crate::exec::PlanCheck;
use serde::Serialize;

/// A file named in a report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct FileRef {
    /// File name.
    pub name: String,
    /// Version.
    pub version: String,
    /// Description.
    pub description: String,
}

impl FileRef {
    /// The reference to `file`.
    pub fn of(file: &File) -> FileRef {
        FileRef { name: file.name().into(), version: file.version().into(), description: file.desc().into() }
    }
}

/// A statement that failed.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct StmtError {
    /// The statement.
    pub stmt: String,
    /// The error text.
    pub text: String,
}

/// What happened to one file.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct AppliedFile {
    /// Which file.
    #[serde(flatten)]
    pub file: FileRef,
    /// When it started (RFC 3339).
    pub start: String,
    /// When it ended.
    pub end: String,
    /// Statements skipped because an earlier run applied them.
    #[serde(skip_serializing_if = "is_zero")]
    pub skipped: usize,
    /// Statements run.
    pub applied: Vec<String>,
    /// Check assertions run before the file, with their result.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub checks: Vec<PlanCheck>,
    /// The failure, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<StmtError>,
}

pub(super) fn is_zero(n: &usize) -> bool {
    *n == 0
}

/// The result of `migrate apply`, shaped like Atlas's JSON.
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ApplyReport {
    /// The dialect.
    pub driver: String,
    /// The URL, password masked.
    #[serde(rename = "URL")]
    pub url: String,
    /// The migration directory.
    pub dir: String,
    /// Files that were pending when the run started.
    pub pending: Vec<FileRef>,
    /// Files run.
    pub applied: Vec<AppliedFile>,
    /// The version before the run.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub current: String,
    /// The version the run aimed for.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub target: String,
    /// Start time.
    pub start: String,
    /// End time.
    pub end: String,
    /// The error, when the run failed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// A summary line.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub message: String,
    /// True when nothing was written.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub dry_run: bool,
}
