//! Lint analyzers that run on a structured plan before anything executes.
//! Diagnostics keep Atlas's codes where Atlas has them (DS101–DS103, MF101–MF104,
//! LT101, MY101, BC101–BC102, CD101, PG101–PG103, PG301–PG306, NM101–NM106) so
//! that `atlas:nolint` directives and CI gates carry over; Strata's own are
//! MF105 (narrowed types), LK101–LK102 (table copies and locks), NM100 (a bad
//! naming pattern) and TX101 (data changes beside DDL that cannot be rolled
//! back). The host adds the project's HCL rules (atlas.hcl `policy` blocks).
//!
//! What is analyzed is a list of [`Unit`]s: one statement each, with the schema
//! changes it makes and what the dialect planner says about it (destructive,
//! locks, rewrites, transactional). `migrate lint` builds them by replaying a
//! migration file statement by statement on the dev database; `schema apply`
//! and `migrate down` from the statements of their computed plan.
//!
//! This crate never talks to a database. Adding an analyzer is one file in
//! `analyzers/` and one line in [`builtin`].
#![deny(missing_docs)]

mod analyzers;
mod config;

use serde::{Deserialize, Serialize};
use strata_dialect_api::Change;

pub use analyzers::builtin;
pub use config::{Config, ConfigError, Level, distance};

/// Where a statement is: a migration file and the 1-based line it starts on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pos {
    /// The file name (e.g. `20240101000000_users.sql`).
    pub file: String,
    /// The 1-based line.
    pub line: usize,
}

/// One statement to analyze.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Unit {
    /// The statement as written (a migration file) or as planned.
    pub sql: String,
    /// Where it is written, for a migration file.
    pub pos: Option<Pos>,
    /// The schema changes it makes.
    pub changes: Vec<Change>,
    /// It can lose data.
    pub destructive: bool,
    /// It can run inside a transaction.
    pub transactional: bool,
    /// It locks a table against writes while it runs.
    pub locks_table: bool,
    /// It rewrites a table (copies every row).
    pub rewrites_table: bool,
    /// Pre-migration checks guard it.
    pub has_checks: bool,
    /// It changes data, not the schema (INSERT, UPDATE, DELETE, ...).
    pub data: bool,
    /// Codes or analyzer names its `-- atlas:nolint` directives name; a bare
    /// directive is `""` (everything).
    pub nolint: Vec<String>,
}

/// What the units belong to.
#[derive(Debug, Clone, Default)]
pub struct Subject {
    /// The dialect: `sqlite`, `postgres`, `mysql`, `clickhouse`, ...
    pub dialect: String,
    /// Whether the dialect runs DDL inside transactions.
    pub transactional_ddl: bool,
    /// The migration file's name, when the units are one file's statements.
    pub file: Option<String>,
    /// The file runs without a transaction (`-- atlas:txmode none`).
    pub txmode_none: bool,
    /// Codes or analyzer names of the file's `-- atlas:nolint` directive (a
    /// bare one, `""`, skips the file).
    pub nolint: Vec<String>,
}

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Reported; does not fail the run.
    Warning,
    /// Fails `migrate lint`; stops a run it guards.
    Error,
}

/// One finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// Atlas's code where Atlas has one (`DS102`), else Strata's.
    pub code: String,
    /// The analyzer (its configuration name) or the policy rule that found it.
    pub analyzer: String,
    /// Error or warning, after configuration.
    pub severity: Severity,
    /// What was found, e.g. `Dropping table "logs"`.
    pub message: String,
    /// Index of the unit it was found in.
    pub unit: usize,
    /// Where the statement is written, for a migration file.
    pub pos: Option<Pos>,
    /// A suggested fix, where one exists.
    pub fix: Option<String>,
}

/// A finding before configuration gives it a severity (analyzers return these).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Raw {
    /// The code.
    pub code: &'static str,
    /// The unit it was found in.
    pub unit: usize,
    /// What was found.
    pub message: String,
    /// A suggested fix, where one exists.
    pub fix: Option<String>,
}

impl Raw {
    /// A finding without a fix.
    pub fn new(code: &'static str, unit: usize, message: impl Into<String>) -> Raw {
        Raw { code, unit, message: message.into(), fix: None }
    }

    /// The same finding with a suggested fix.
    pub fn fix(mut self, fix: impl Into<String>) -> Raw {
        self.fix = Some(fix.into());
        self
    }
}

/// A built-in analyzer. One file in `analyzers/` each.
pub trait Analyzer: Sync {
    /// The configuration name (`destructive`, `data_depend`, ...), as in an
    /// atlas.hcl `lint` block and in `-- atlas:nolint NAME`.
    fn name(&self) -> &'static str;
    /// The codes it reports.
    fn codes(&self) -> &'static [&'static str];
    /// Its level when the configuration says nothing (Atlas: only
    /// `destructive` is an error by default).
    fn default_level(&self) -> Level {
        Level::Warn
    }
    /// The findings in `units` (all of one file, or one plan, in order).
    fn analyze(&self, subject: &Subject, units: &[Unit], config: &serde_json::Value) -> Vec<Raw>;
}

/// Runs every built-in analyzer `config` does not turn off on `units`, then
/// drops what `-- atlas:nolint` directives silence, and gives each finding
/// its configured severity.
pub fn analyze(subject: &Subject, units: &[Unit], config: &Config) -> Vec<Finding> {
    if subject.nolint.iter().any(String::is_empty) {
        return Vec::new();
    }
    let mut out = Vec::new();
    for analyzer in builtin() {
        let level = config.level(analyzer.name()).unwrap_or_else(|| analyzer.default_level());
        let severity = match level {
            Level::Off => continue,
            Level::Warn => Severity::Warning,
            Level::Error => Severity::Error,
        };
        let silenced = |names: &[String], code: &str| names.iter().any(|n| n == code || n == analyzer.name());
        for raw in analyzer.analyze(subject, units, config.analyzer(analyzer.name())) {
            let unit = units.get(raw.unit);
            let quiet = unit.is_some_and(|u| u.nolint.iter().any(String::is_empty) || silenced(&u.nolint, raw.code))
                || silenced(&subject.nolint, raw.code);
            if quiet {
                continue;
            }
            out.push(Finding {
                code: raw.code.to_string(),
                analyzer: analyzer.name().to_string(),
                severity,
                message: raw.message,
                unit: raw.unit,
                pos: unit.and_then(|u| u.pos.clone()),
                fix: raw.fix,
            });
        }
    }
    out.sort_by_key(|f| f.unit);
    out
}
