//! `migrate lint`: the directory's new files replayed on the dev database
//! statement by statement, each statement's changes analyzed by the built-in
//! analyzers and the project's rules.

use strata_policies::Severity;

use super::policy::Policies;
use crate::dir::{Dir, File};
use crate::error::Error;
use crate::plan::DevDb;
use crate::plugin::Registry;
use crate::report::{LintFile, LintReport};

/// Which files are new.
#[derive(Debug, Clone, Default)]
pub struct LintOptions {
    /// The last N files.
    pub latest: Option<usize>,
    /// Files added since this Git ref (the newest version the directory held
    /// there; everything after it).
    pub git_base: Option<String>,
}

/// Lints the new files of `dir` on the dev database `dev_url`.
///
/// # Errors
/// Neither `latest` nor `git_base`, an unknown Git ref, a file that does not
/// lex or run on the dev database, a rule that does not evaluate.
pub fn lint(
    registry: &Registry,
    dev_url: &str,
    dir: &Dir,
    opts: &LintOptions,
    policies: &Policies,
) -> Result<LintReport, Error> {
    let files: Vec<&File> = dir.files().iter().collect();
    let first_new = match (opts.latest, &opts.git_base) {
        (Some(_), Some(_)) => return Err(Error::Usage("--latest and --git-base are mutually exclusive".into())),
        (Some(n), None) => files.len().saturating_sub(n),
        (None, Some(reference)) => {
            let newest = crate::dir::newest_version_at(dir.path(), reference).map_err(Error::Usage)?;
            match newest {
                Some(v) => files.iter().position(|f| f.version() > v.as_str()).unwrap_or(files.len()),
                None => 0,
            }
        }
        (None, None) => {
            return Err(Error::Usage("--latest or --git-base is required (or lint { latest = N } in the env)".into()));
        }
    };
    let (base, new) = files.split_at(first_new.min(files.len()));
    let mut report = LintReport {
        dir: dir.path().display().to_string(),
        base: base.last().map(|f| f.version().to_string()).unwrap_or_default(),
        files: Vec::new(),
        errors: 0,
        warnings: 0,
    };
    if new.is_empty() {
        return Ok(report);
    }
    let mut dev = DevDb::open(registry, dev_url)?;
    for unit in crate::plan::file_units(&mut dev, dir.path(), base, new)? {
        let findings = policies.check(&unit.subject, &unit.units, &unit.version, "migrate lint", "file")?;
        report.errors += findings.iter().filter(|f| f.severity == Severity::Error).count();
        report.warnings += findings.iter().filter(|f| f.severity == Severity::Warning).count();
        report.files.push(LintFile {
            name: unit.subject.file.clone().unwrap_or_default(),
            version: unit.version,
            statements: unit.units.len(),
            findings,
        });
    }
    Ok(report)
}
