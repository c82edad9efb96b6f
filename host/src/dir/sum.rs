//! The `atlas.sum` integrity file (reference §1.2–1.3), byte-compatible with Atlas.

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use sha2::{Digest, Sha256};

use super::directive;
use super::file::File;
use super::local::{DirError, MigrationDir};

/// Name of the integrity file in a migration directory.
pub const HASH_FILE_NAME: &str = "atlas.sum";

/// One `<name> h1:<hash>` line of `atlas.sum`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SumEntry {
    /// File name.
    pub name: String,
    /// Cumulative hash up to and including this file, base64 without `h1:`.
    pub hash: String,
}

/// The content of `atlas.sum`: one cumulative hash per migration file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HashFile {
    entries: Vec<SumEntry>,
}

/// Why a file breaks the checksum.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Reason {
    /// A file was added (or is out of order).
    Added,
    /// A file's content changed.
    Edited,
    /// A file listed in `atlas.sum` is gone.
    Removed,
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Reason::Added => "added",
            Reason::Edited => "edited",
            Reason::Removed => "removed",
        })
    }
}

/// Where the directory first departs from `atlas.sum`. Displays as
/// `L<line>: <file> was <reason>`, the text Atlas prints under "You have a checksum
/// error in your migration directory.".
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("L{line}: {file} was {reason}")]
pub struct ChecksumError {
    /// 1-based line of `atlas.sum` (the header is line 1).
    pub line: usize,
    /// Number of file entries in `atlas.sum`.
    pub total: usize,
    /// Byte offset of that line in `atlas.sum`.
    pub pos: usize,
    /// The file concerned.
    pub file: String,
    /// What happened to it.
    pub reason: Reason,
}

/// Errors reading or validating `atlas.sum`.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SumError {
    /// A line after the header has no `h1:`.
    #[error("checksum file format invalid")]
    Format,
    /// The header does not match the entries (the file was edited by hand).
    #[error("checksum mismatch")]
    Mismatch,
    /// The directory departs from `atlas.sum`; the detail says where.
    #[error("checksum mismatch")]
    Checksum(ChecksumError),
    /// Migration files exist but `atlas.sum` does not.
    #[error("checksum file not found")]
    NotFound,
    /// The directory could not be read.
    #[error(transparent)]
    Dir(#[from] DirError),
}

fn b64(digest: &[u8]) -> String {
    STANDARD.encode(digest)
}

impl HashFile {
    /// Computes the hash file of `files`, which must be in directory order (byte-wise
    /// by name). One SHA-256 state runs over all names and contents; files opting
    /// out with `atlas:sum ignore` contribute their name only and get no entry.
    pub fn compute(files: &[File]) -> HashFile {
        let mut h = Sha256::new();
        let mut entries = Vec::with_capacity(files.len());
        for f in files {
            h.update(f.name().as_bytes());
            if directive::sum_ignored(f.bytes()) {
                continue;
            }
            h.update(f.bytes());
            // The entry is the digest so far; the state keeps running.
            entries.push(SumEntry { name: f.name().to_string(), hash: b64(&h.clone().finalize()) });
        }
        HashFile { entries }
    }

    /// Parses `atlas.sum` and checks its header against its entries.
    ///
    /// # Errors
    ///
    /// [`SumError::Format`] for a line without `h1:`; [`SumError::Mismatch`] when the
    /// header does not match the entries.
    pub fn parse(bytes: &[u8]) -> Result<HashFile, SumError> {
        let text = String::from_utf8_lossy(bytes);
        // Split like Go's bufio.ScanLines: `\n` ends a line, a trailing `\r` is
        // dropped, and a final `\n` does not start an empty line.
        let mut lines = text.strip_suffix('\n').unwrap_or(&text).split('\n').map(|l| l.strip_suffix('\r').unwrap_or(l));
        let first = if text.is_empty() { "" } else { lines.next().unwrap_or("") };
        let header = first.strip_prefix("h1:").unwrap_or(first);
        let mut entries = Vec::new();
        if !text.is_empty() {
            for line in lines {
                let (name, hash) = line.split_once("h1:").ok_or(SumError::Format)?;
                entries.push(SumEntry { name: name.trim().to_string(), hash: hash.to_string() });
            }
        }
        let hf = HashFile { entries };
        if hf.sum() != header {
            return Err(SumError::Mismatch);
        }
        Ok(hf)
    }

    /// The header: base64 SHA-256 over every entry's name and hash text.
    pub fn sum(&self) -> String {
        let mut h = Sha256::new();
        for e in &self.entries {
            h.update(e.name.as_bytes());
            h.update(e.hash.as_bytes());
        }
        b64(&h.finalize())
    }

    /// The file's bytes: `h1:<sum>\n` then `<name> h1:<hash>\n` per entry.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = format!("h1:{}\n", self.sum());
        for e in &self.entries {
            out.push_str(&format!("{} h1:{}\n", e.name, e.hash));
        }
        out.into_bytes()
    }

    /// The entries, in order.
    pub fn entries(&self) -> &[SumEntry] {
        &self.entries
    }

    /// The stored hash of file `name` (base64 without `h1:`, the value of the
    /// revisions table's `hash` column).
    pub fn file_hash(&self, name: &str) -> Option<&str> {
        self.entries.iter().find(|e| e.name == name).map(|e| e.hash.as_str())
    }

    /// Compares this (stored) hash file with one `current`ly computed, and locates
    /// the first departure as Atlas does.
    ///
    /// # Errors
    ///
    /// A [`ChecksumError`] when the headers differ.
    pub fn compare(&self, current: &HashFile) -> Result<(), ChecksumError> {
        if self.sum() == current.sum() {
            return Ok(());
        }
        let total = self.entries.len();
        // Header line: "h1:" + 44 base64 chars + "\n".
        let mut pos = 48;
        for (i, stored) in self.entries.iter().enumerate() {
            let now = current.entries.get(i);
            if now != Some(stored) {
                let (file, reason) = if !current.entries.iter().any(|e| e.name == stored.name) {
                    (stored.name.clone(), Reason::Removed)
                } else if now.is_some_and(|n| n.name == stored.name) {
                    (stored.name.clone(), Reason::Edited)
                } else {
                    let name = now.map_or_else(|| stored.name.clone(), |n| n.name.clone());
                    (name, Reason::Added)
                };
                return Err(ChecksumError { line: i + 2, total, pos, file, reason });
            }
            pos += stored.name.len() + 1 + 47 + 1;
        }
        let file = current.entries.get(total).map_or_else(String::new, |e| e.name.clone());
        Err(ChecksumError { line: total + 2, total, pos, file, reason: Reason::Added })
    }
}

/// Checks that `dir` matches its `atlas.sum`. A directory without migration files
/// needs no `atlas.sum`.
///
/// # Errors
///
/// [`SumError::NotFound`] when files exist but `atlas.sum` does not;
/// [`SumError::Checksum`] when the directory departs from it; parse and read errors.
pub fn validate(dir: &dyn MigrationDir) -> Result<(), SumError> {
    let Some(bytes) = dir.read_sum()? else {
        if dir.is_empty()? {
            return Ok(());
        }
        return Err(SumError::NotFound);
    };
    let stored = HashFile::parse(&bytes)?;
    stored.compare(&dir.checksum()?).map_err(SumError::Checksum)
}

/// Running statement hashes, as stored in the revisions table's `partial_hashes`:
/// entry `i` is `h1:` + base64 SHA-256 of the texts of statements `0..=i`.
pub fn partial_hash<S: AsRef<str>>(stmts: &[S]) -> Vec<String> {
    let mut h = Sha256::new();
    stmts
        .iter()
        .map(|s| {
            h.update(s.as_ref().as_bytes());
            format!("h1:{}", b64(&h.clone().finalize()))
        })
        .collect()
}
