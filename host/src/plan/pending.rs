//! Which files `migrate apply` runs next, and whether the directory's history
//! agrees with what the database says was applied: duplicate or missing
//! versions, applied files deleted or edited, files added out of order
//! (Atlas's `exec_order`: linear, linear-skip, non-linear).
//!
//! Pure computation over a file list and the revisions: `exec` runs the result,
//! `cli` prints it.

use crate::dir::{File, HashFile, LexError, LexOptions, Stmt};
use crate::error::Error;
use crate::revisions::{Revision, TYPE_BASELINE};
use std::collections::BTreeSet;
use std::fmt;
use std::path::Path;

/// What to do with files added before the last applied version.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ExecOrder {
    /// Refuse them (the default).
    #[default]
    Linear,
    /// Skip them.
    LinearSkip,
    /// Run them first.
    NonLinear,
}

impl std::str::FromStr for ExecOrder {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().replace('_', "-").as_str() {
            "linear" => Ok(ExecOrder::Linear),
            "linear-skip" => Ok(ExecOrder::LinearSkip),
            "non-linear" => Ok(ExecOrder::NonLinear),
            _ => Err(format!("unknown execution order: {s:?}")),
        }
    }
}

/// Why the directory or its history cannot be used as it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HistoryError {
    /// Several files share one version.
    DuplicateVersion {
        /// The version.
        version: String,
        /// The files, in directory order.
        files: Vec<String>,
    },
    /// `.sql` files whose name does not start with a version.
    NoVersion {
        /// The files.
        files: Vec<String>,
    },
    /// An applied version's file is gone, and newer files exist.
    Deleted {
        /// The applied version.
        version: String,
        /// Its file name, as the revision records it.
        name: String,
        /// The `migrate set` commands that rewrite the revisions without it.
        set: Vec<String>,
    },
    /// An applied version beyond the directory's newest file.
    NotInDir {
        /// The applied version.
        version: String,
        /// Its file name, as the revision records it.
        name: String,
        /// The newest applied version the directory still has.
        revert_to: Option<String>,
    },
    /// The last revision stopped midway and its file is gone (Atlas's message).
    PartialMissing {
        /// Its file name, as the revision records it.
        name: String,
    },
    /// An applied file's content changed since it ran.
    Edited {
        /// The file.
        name: String,
    },
    /// Files without a revision, older than the last applied version.
    OutOfOrder {
        /// The files.
        files: Vec<String>,
        /// The last applied version.
        last: String,
    },
    /// A statement of a partially applied file that already ran was changed.
    StmtChanged {
        /// The file.
        name: String,
        /// 1-based statement number.
        stmt: usize,
    },
    /// A file to resume cannot be split into statements.
    Lex {
        /// The file.
        name: String,
        /// Where and why.
        error: LexError,
    },
    /// `--baseline` names a version the directory lacks.
    BaselineNotFound {
        /// The version given.
        version: String,
    },
}

/// `a, b` after `file`/`files` and `was`/`were` as the count asks.
fn files_phrase(files: &[String], one: &str, many: &str) -> String {
    match files {
        [single] => format!("migration file {single} {one}"),
        _ => format!("migration files {} {many}", files.join(", ")),
    }
}

impl fmt::Display for HistoryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HistoryError::DuplicateVersion { version, files } => {
                write!(f, "migration files {} have the same version {version}", files.join(", "))
            }
            HistoryError::NoVersion { files } => write!(
                f,
                "{}: a migration file name starts with its version, as in 1_create_users.sql",
                files_phrase(files, "has no version", "have no version")
            ),
            HistoryError::Deleted { version, name, .. } => write!(
                f,
                "version {version} was applied but its migration file {name} was deleted from the migration directory"
            ),
            HistoryError::NotInDir { version, name, .. } => write!(
                f,
                "version {version} was applied but its migration file {name} is not in the migration directory \
                 (it was deleted, or the directory is older than the database)"
            ),
            HistoryError::PartialMissing { name } => {
                write!(f, "missing migration: revision {name:?} is partially applied but migration file was not found")
            }
            HistoryError::Edited { name } => {
                write!(f, "migration file {name} was edited after it was applied (revision hash differs)")
            }
            // Atlas's text, word for word: scripts match on it.
            HistoryError::OutOfOrder { files, .. } => write!(
                f,
                "{} added out of order. See: https://atlasgo.io/versioned/apply#non-linear-error",
                files_phrase(files, "was", "were")
            ),
            HistoryError::StmtChanged { name, stmt } => {
                write!(f, "history changed: statement {stmt} from file {name:?} changed")
            }
            HistoryError::Lex { name, error } => write!(f, "{name}:{error}"),
            HistoryError::BaselineNotFound { version } => write!(f, "baseline version {version:?} not found"),
        }
    }
}

impl HistoryError {
    /// What to run next.
    pub fn hint(&self) -> Option<String> {
        Some(match self {
            HistoryError::DuplicateVersion { .. } => "give each file its own version: rename all but one (never one \
                                                      already applied), then run 'strata migrate hash'"
                .into(),
            HistoryError::NoVersion { .. } => {
                "rename it to VERSION_DESCRIPTION.sql (e.g. 20240601120000_add_users.sql), then run 'strata migrate hash'"
                    .into()
            }
            HistoryError::Deleted { name, set, .. } => match set.as_slice() {
                [] => format!("restore {name} (e.g. from version control)"),
                cmds => format!(
                    "restore {name} (e.g. from version control), or, if it was removed on purpose, record the history \
                     without it: {}",
                    cmds.iter().map(|c| format!("'{c}'")).collect::<Vec<_>>().join(" then ")
                ),
            },
            HistoryError::NotInDir { name, revert_to, .. } => match revert_to {
                Some(v) => format!(
                    "restore {name} (e.g. from version control), revert the database to this directory with \
                     'strata migrate down --to-version {v}', or, if it never ran here, forget it with \
                     'strata migrate set {v}'"
                ),
                None => format!("restore {name} (e.g. from version control)"),
            },
            HistoryError::PartialMissing { .. } => {
                "restore the file, or resolve the revision with `strata migrate set`".into()
            }
            HistoryError::Edited { name } => format!(
                "restore the content {name} had when it was applied (e.g. from version control) and run \
                 'strata migrate hash'; put new changes in a new file ('strata migrate new')"
            ),
            HistoryError::OutOfOrder { last, .. } => format!(
                "rename them to versions after {last} and run 'strata migrate hash', or pass --exec-order \
                 non-linear to run them (linear-skip to skip them)"
            ),
            HistoryError::StmtChanged { .. } => {
                "restore the statements that already ran; only statements after the failed one may change".into()
            }
            HistoryError::Lex { .. } => "fix the SQL, then run `strata migrate hash` to update atlas.sum".into(),
            HistoryError::BaselineNotFound { .. } => return None,
        })
    }

    /// The host error, file names placed in `dir` where the message points
    /// into a file.
    pub fn into_error(self, dir: &Path) -> Error {
        match self {
            HistoryError::BaselineNotFound { .. } => Error::Usage(self.to_string()),
            HistoryError::Lex { name, error } => Error::Refused {
                message: format!("{}:{error}", dir.join(&name).display()),
                hint: HistoryError::Lex { name, error }.hint(),
            },
            other => Error::Refused { message: other.to_string(), hint: other.hint() },
        }
    }
}

/// A version as Atlas writes them (`1`, `20240601120000`, `1.a`, `2.10.x-20`):
/// it starts with a digit. Atlas takes any prefix; a name like `_x.sql` or
/// `schema.sql` is refused here rather than sorted among the versions.
fn has_version(file: &File) -> bool {
    file.version().as_bytes().first().is_some_and(u8::is_ascii_digit)
}

/// Checks the directory alone: every file has a version, and no two share one.
///
/// # Errors
/// [`HistoryError::NoVersion`], [`HistoryError::DuplicateVersion`].
pub fn check_dir(files: &[File]) -> Result<(), HistoryError> {
    let unversioned: Vec<String> = files.iter().filter(|f| !has_version(f)).map(|f| f.name().to_string()).collect();
    if !unversioned.is_empty() {
        return Err(HistoryError::NoVersion { files: unversioned });
    }
    // Files sort by name, not version (`1_a.sql` < `10_b.sql` < `1_c.sql`), so group by version.
    let mut seen = BTreeSet::new();
    for file in files {
        if !seen.insert(file.version()) {
            let version = file.version().to_string();
            let same = files.iter().filter(|f| f.version() == version).map(|f| f.name().to_string()).collect();
            return Err(HistoryError::DuplicateVersion { version, files: same });
        }
    }
    Ok(())
}

/// The file name a revision stands for (Atlas: `V_D.sql`, or `V.sql` without a description).
fn revision_name(rev: &Revision) -> String {
    if rev.description.is_empty() {
        format!("{}.sql", rev.version)
    } else {
        format!("{}_{}.sql", rev.version, rev.description)
    }
}

fn file_of<'a>(files: &'a [File], version: &str) -> Option<&'a File> {
    files.iter().find(|f| f.version() == version)
}

/// True when the revision's file stopped before its end or failed; its hash
/// is refreshed when it resumes, so it is not compared.
fn unfinished(rev: &Revision) -> bool {
    rev.applied != rev.total || rev.error.as_deref().is_some_and(|e| !e.is_empty())
}

/// Refuses applied versions whose file is gone. A baseline row is exempt: it
/// stands for a state, and the files up to it may have been squashed away.
fn check_missing(files: &[File], revisions: &[Revision]) -> Result<(), HistoryError> {
    let newest = files.iter().map(File::version).max();
    for (i, rev) in revisions.iter().enumerate() {
        if rev.kind & TYPE_BASELINE != 0 || file_of(files, &rev.version).is_some() {
            continue;
        }
        let name = revision_name(rev);
        if i + 1 == revisions.len() && rev.is_partial() {
            return Err(HistoryError::PartialMissing { name });
        }
        // `migrate set` and `migrate down --to-version` need the target's file.
        let kept = |r: &&Revision| file_of(files, &r.version).is_some();
        let before = revisions.get(..i).unwrap_or_default().iter().rev().find(kept);
        if newest.is_none_or(|n| rev.version.as_str() > n) {
            return Err(HistoryError::NotInDir {
                version: rev.version.clone(),
                name,
                revert_to: before.map(|r| r.version.clone()),
            });
        }
        // `set P` drops every revision after P; `set L` then records the files
        // up to L again, and the deleted one is no longer among them.
        let mut set = Vec::new();
        if let Some(p) = before {
            set.push(format!("strata migrate set {}", p.version));
            if let Some(l) = revisions.get(i + 1..).unwrap_or_default().iter().rev().find(kept) {
                set.push(format!("strata migrate set {}", l.version));
            }
        }
        return Err(HistoryError::Deleted { version: rev.version.clone(), name, set });
    }
    Ok(())
}

/// Refuses the first applied file whose `atlas.sum` hash differs from the one
/// its revision recorded.
///
/// The hash is cumulative: it covers every file before this one as the
/// directory held them when it ran. Files added out of order since then, or
/// applied out of order after it, change it without this file changing, so
/// the recorded hash is compared with the chain over three file sets (all
/// files; files with a revision; files whose revision is no newer than this
/// one) and only a mismatch with all three is an edit. The first such file is
/// the edited one; the hashes of the files after it differ because of it.
fn check_edited(files: &[File], revisions: &[Revision]) -> Result<(), HistoryError> {
    let baseline = revisions.iter().filter(|r| r.kind & TYPE_BASELINE != 0).map(|r| r.version.as_str()).max();
    let revision_of = |f: &File| revisions.iter().find(|r| r.version == f.version());
    let accounted = |f: &File| revision_of(f).is_some() || baseline.is_some_and(|b| f.version() <= b);
    let all = HashFile::compute(files);
    let known: Vec<File> = files.iter().filter(|f| accounted(f)).cloned().collect();
    let known = HashFile::compute(&known);
    for rev in revisions {
        if rev.hash.is_empty() || rev.kind & TYPE_BASELINE != 0 || unfinished(rev) {
            continue;
        }
        let Some(file) = file_of(files, &rev.version) else { continue };
        let (Some(a), Some(b)) = (all.file_hash(file.name()), known.file_hash(file.name())) else {
            continue; // `atlas:sum ignore`: there is no hash to compare
        };
        if a == rev.hash || b == rev.hash {
            continue;
        }
        // Applied out of order after this one: not in the directory when it ran.
        let earlier: Vec<File> = files
            .iter()
            .filter(|f| {
                f.name() == file.name()
                    || baseline.is_some_and(|b| f.version() <= b)
                    || revision_of(f).is_some_and(|r| r.executed_at <= rev.executed_at)
            })
            .cloned()
            .collect();
        if HashFile::compute(&earlier).file_hash(file.name()) == Some(rev.hash.as_str()) {
            continue;
        }
        return Err(HistoryError::Edited { name: file.name().to_string() });
    }
    Ok(())
}

/// Checks that every applied version still has its file, unchanged: the hard
/// errors of `migrate status`.
///
/// # Errors
/// [`HistoryError::PartialMissing`], [`HistoryError::Deleted`],
/// [`HistoryError::NotInDir`], [`HistoryError::Edited`].
pub fn check_applied(files: &[File], revisions: &[Revision]) -> Result<(), HistoryError> {
    check_missing(files, revisions)?;
    check_edited(files, revisions)
}

/// Everything `migrate apply` checks before planning, in Atlas's order: files
/// missing, then files out of order (under `linear`), then edits — so a file
/// inserted before an applied one is reported as out of order, not as an edit.
///
/// # Errors
/// A [`HistoryError`] for the first problem found.
pub fn check_history(files: &[File], revisions: &[Revision], order: ExecOrder) -> Result<(), HistoryError> {
    check_dir(files)?;
    check_missing(files, revisions)?;
    let state = classify(files, revisions);
    if order == ExecOrder::Linear && !state.out_of_order.is_empty() {
        return Err(out_of_order_error(&state));
    }
    check_edited(files, revisions)
}

fn out_of_order_error(state: &DirState) -> HistoryError {
    HistoryError::OutOfOrder {
        files: state.out_of_order.iter().map(|f| f.name().to_string()).collect(),
        last: state.last.map(|r| r.version.clone()).unwrap_or_default(),
    }
}

/// The directory against the revisions, before any `exec_order` applies.
#[derive(Debug)]
pub struct DirState<'f, 'r> {
    /// The last revision.
    pub last: Option<&'r Revision>,
    /// The last revision, when it stopped midway (and was not resolved).
    pub partial: Option<&'r Revision>,
    /// The files a linear run would execute: the partial one, then the newer ones.
    pub pending: Vec<&'f File>,
    /// Files without a revision between the first and the last applied
    /// version: added after newer ones ran.
    pub out_of_order: Vec<&'f File>,
}

impl DirState<'_, '_> {
    /// Atlas's error for the out-of-order files, if there are any.
    pub fn out_of_order_error(&self) -> Option<HistoryError> {
        (!self.out_of_order.is_empty()).then(|| out_of_order_error(self))
    }
}

/// Sorts the files into pending and out of order (Atlas's `Pending`).
pub fn classify<'f, 'r>(files: &'f [File], revisions: &'r [Revision]) -> DirState<'f, 'r> {
    let (Some(first), Some(last)) = (revisions.first(), revisions.last()) else {
        return DirState { last: None, partial: None, pending: files.iter().collect(), out_of_order: Vec::new() };
    };
    let partial = Some(last).filter(|r| r.is_partial());
    let known: BTreeSet<&str> = revisions.iter().map(|r| r.version.as_str()).collect();
    let (first, last_v) = (first.version.as_str(), last.version.as_str());
    let out_of_order =
        files.iter().filter(|f| f.version() > first && f.version() < last_v && !known.contains(f.version())).collect();
    let pending =
        files.iter().filter(|f| if partial.is_some() { f.version() >= last_v } else { f.version() > last_v }).collect();
    DirState { last: Some(last), partial, pending, out_of_order }
}

/// What to plan from.
#[derive(Debug, Clone, Copy, Default)]
pub struct PendingOptions<'o> {
    /// What to do with files added out of order.
    pub order: ExecOrder,
    /// On a first run, the version to record as the baseline.
    pub baseline: Option<&'o str>,
}

/// A file to run, from which statement on.
#[derive(Debug)]
pub struct PendingFile<'a> {
    /// The file.
    pub file: &'a File,
    /// Its statements, when already split (a file being resumed); empty otherwise.
    pub stmts: Vec<Stmt>,
    /// The first statement to run.
    pub start: usize,
    /// The revision of a file being resumed.
    pub revision: Option<Revision>,
}

impl<'a> PendingFile<'a> {
    fn fresh(file: &'a File) -> Self {
        PendingFile { file, stmts: Vec::new(), start: 0, revision: None }
    }
}

/// The files `migrate apply` runs next.
#[derive(Debug, Default)]
pub struct PendingPlan<'a> {
    /// In order: out-of-order files (non-linear), the partial file, newer files.
    pub files: Vec<PendingFile<'a>>,
    /// On a first run with a baseline, its file.
    pub baseline: Option<&'a File>,
}

/// Computes the files to run after checking the directory and its history.
///
/// # Errors
/// Any [`HistoryError`]: the run is refused before anything executes.
pub fn pending<'a>(
    files: &'a [File],
    revisions: &[Revision],
    opts: &PendingOptions,
    lex: &LexOptions,
) -> Result<PendingPlan<'a>, HistoryError> {
    check_history(files, revisions, opts.order)?;
    if revisions.is_empty() {
        let from = match opts.baseline {
            Some(v) => {
                let i = files
                    .iter()
                    .rposition(|f| f.version() == v)
                    .ok_or_else(|| HistoryError::BaselineNotFound { version: v.to_string() })?;
                Some(i)
            }
            None => None,
        };
        let baseline = from.and_then(|i| files.get(i));
        let rest = files.get(from.map_or(0, |i| i + 1)..).unwrap_or_default();
        return Ok(PendingPlan { files: rest.iter().map(PendingFile::fresh).collect(), baseline });
    }
    let state = classify(files, revisions);
    let mut plan = PendingPlan::default();
    if opts.order == ExecOrder::NonLinear {
        plan.files.extend(state.out_of_order.iter().copied().map(PendingFile::fresh));
    }
    for file in state.pending {
        match state.partial.filter(|p| p.version == file.version()) {
            Some(rev) => plan.files.push(resume(file, rev, lex)?),
            None => plan.files.push(PendingFile::fresh(file)),
        }
    }
    Ok(plan)
}

/// The partial file, from its first statement not applied, once the applied
/// ones are confirmed unchanged.
fn resume<'a>(file: &'a File, rev: &Revision, lex: &LexOptions) -> Result<PendingFile<'a>, HistoryError> {
    let stmts = file.stmts(lex).map_err(|error| HistoryError::Lex { name: file.name().to_string(), error })?;
    let applied = usize::try_from(rev.applied).unwrap_or(0).min(stmts.len());
    if let Some(hashes) = &rev.partial_hashes {
        let texts: Vec<&str> = stmts.iter().take(applied).map(|s| s.text.as_str()).collect();
        let now = crate::dir::partial_hashes(&texts);
        if let Some(i) = now.iter().zip(hashes).position(|(a, b)| a != b) {
            return Err(HistoryError::StmtChanged { name: file.name().to_string(), stmt: i + 1 });
        }
    }
    Ok(PendingFile { file, stmts, start: applied, revision: Some(rev.clone()) })
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests;
