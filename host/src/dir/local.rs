//! Migration directories: the local one and an in-memory one for tests.

use std::collections::BTreeMap;
use std::io;
use std::path::{Path, PathBuf};

use super::file::File;
use super::sum::{HASH_FILE_NAME, HashFile, SumError};

/// Errors reading or writing a migration directory.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DirError {
    /// The directory cannot be opened or listed.
    #[error("open migration directory {}: {source}", path.display())]
    Open {
        /// The directory.
        path: PathBuf,
        /// The I/O error.
        source: io::Error,
    },
    /// The path exists but is not a directory.
    #[error("migration directory {} is not a directory", path.display())]
    NotADir {
        /// The path.
        path: PathBuf,
    },
    /// A file cannot be read.
    #[error("read migration file {}: {source}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: io::Error,
    },
    /// A file cannot be written or removed.
    #[error("write migration file {}: {source}", path.display())]
    Write {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: io::Error,
    },
    /// A `.sql` file name is not UTF-8 (versions are compared as text).
    #[error("migration file name {} is not valid utf-8", path.display())]
    NonUtf8Name {
        /// The file.
        path: PathBuf,
    },
    /// A name given to `write_file`/`remove_file` is not a plain file name.
    #[error("invalid migration file name {name:?}: expected a file name without directories")]
    InvalidName {
        /// The name given.
        name: String,
    },
}

/// A source of migration files: the seam tests replace with [`MemDir`].
pub trait MigrationDir {
    /// The migration files (`*.sql`), sorted byte-wise by name.
    ///
    /// # Errors
    ///
    /// A [`DirError`] when the directory or a file cannot be read.
    fn files(&self) -> Result<Vec<File>, DirError>;

    /// The raw content of `atlas.sum`, or `None` when there is none.
    ///
    /// # Errors
    ///
    /// A [`DirError`] when it exists but cannot be read.
    fn read_sum(&self) -> Result<Option<Vec<u8>>, DirError>;

    /// Whether the directory has no migration files.
    ///
    /// # Errors
    ///
    /// A [`DirError`] when the files cannot be read.
    fn is_empty(&self) -> Result<bool, DirError> {
        Ok(self.files()?.is_empty())
    }

    /// Computes the hash file of the current files.
    ///
    /// # Errors
    ///
    /// A [`DirError`] when the files cannot be read.
    fn checksum(&self) -> Result<HashFile, DirError> {
        Ok(HashFile::compute(&self.files()?))
    }
}

/// Rejects names that would escape the directory.
fn check_name(name: &str) -> Result<(), DirError> {
    if name.is_empty() || name == "." || name == ".." || name.contains(['/', '\\']) {
        return Err(DirError::InvalidName { name: name.to_string() });
    }
    Ok(())
}

/// A migration directory on the local file system (Atlas layout). Its files
/// are read once, when it is opened; reopen it after writing.
#[derive(Debug, Clone)]
pub struct Dir {
    path: PathBuf,
    files: Vec<File>,
    /// The files' hash file, computed once: the sum check and the revisions
    /// written both need it.
    sum: std::sync::OnceLock<HashFile>,
}

impl Dir {
    /// Opens the directory at `path`, checking that it can be listed.
    ///
    /// # Errors
    ///
    /// [`DirError::Open`] (naming the path) when it cannot be read,
    /// [`DirError::NotADir`] when it is a file.
    pub fn open(path: impl AsRef<Path>) -> Result<Dir, DirError> {
        let path = path.as_ref().to_path_buf();
        let meta = std::fs::metadata(&path).map_err(|source| DirError::Open { path: path.clone(), source })?;
        if !meta.is_dir() {
            return Err(DirError::NotADir { path });
        }
        // Listing now reports an unreadable directory at open time, not later.
        std::fs::read_dir(&path).map_err(|source| DirError::Open { path: path.clone(), source })?;
        let mut dir = Dir { path, files: Vec::new(), sum: std::sync::OnceLock::new() };
        dir.files = dir.read_files()?;
        Ok(dir)
    }

    /// The migration files, as read when the directory was opened.
    pub fn files(&self) -> &[File] {
        &self.files
    }

    /// The hash file of the files (what `atlas.sum` must hold).
    pub fn sum(&self) -> &HashFile {
        self.sum.get_or_init(|| HashFile::compute(&self.files))
    }

    /// Feeds every file's name and bytes to `feed`, cheaply: the sum's
    /// running hash (computed once) stands for the names and the bytes it
    /// covers, and only files `atlas:sum ignore` leaves out are fed whole.
    pub fn digest_into(&self, mut feed: impl FnMut(&[u8])) {
        feed(self.sum().entries().last().map_or("", |e| e.hash.as_str()).as_bytes());
        for file in self.files.iter().filter(|f| super::directive::sum_ignored(f.bytes())) {
            feed(file.name().as_bytes());
            feed(file.bytes());
        }
    }

    /// The path the directory was opened with.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Reads the migration files: non-recursive `*.sql` (case-sensitive suffix,
    /// dot-files included), sorted byte-wise by full name, so `10_x.sql` sorts
    /// before `2_x.sql` as in Atlas.
    ///
    /// # Errors
    ///
    /// A [`DirError`] when the directory or a file cannot be read.
    fn read_files(&self) -> Result<Vec<File>, DirError> {
        let open_err = |source| DirError::Open { path: self.path.clone(), source };
        let mut names = Vec::new();
        for entry in std::fs::read_dir(&self.path).map_err(open_err)? {
            let entry = entry.map_err(open_err)?;
            let name = entry.file_name();
            let Some(name) = name.to_str() else {
                if name.as_encoded_bytes().ends_with(b".sql") {
                    return Err(DirError::NonUtf8Name { path: entry.path() });
                }
                continue;
            };
            if !name.ends_with(".sql") {
                continue;
            }
            // Atlas globs names; a subdirectory called x.sql would fail its read,
            // we skip it. The listing knows the type (no stat per file) except
            // for a symlink, which is followed.
            let is_dir = match entry.file_type() {
                Ok(t) if !t.is_symlink() => t.is_dir(),
                _ => entry.path().is_dir(),
            };
            if is_dir {
                continue;
            }
            names.push(name.to_string());
        }
        names.sort();
        names
            .into_iter()
            .map(|n| {
                let path = self.path.join(&n);
                let bytes = std::fs::read(&path).map_err(|source| DirError::Read { path, source })?;
                Ok(File::new(n, bytes))
            })
            .collect()
    }

    /// Writes (creates or replaces) the file `name` in the directory.
    ///
    /// # Errors
    ///
    /// [`DirError::InvalidName`] for a name with a path separator, [`DirError::Write`].
    pub fn write_file(&self, name: &str, bytes: &[u8]) -> Result<(), DirError> {
        check_name(name)?;
        let path = self.path.join(name);
        std::fs::write(&path, bytes).map_err(|source| DirError::Write { path, source })
    }

    /// Removes the file `name` from the directory.
    ///
    /// # Errors
    ///
    /// [`DirError::InvalidName`] for a name with a path separator, [`DirError::Write`].
    pub fn remove_file(&self, name: &str) -> Result<(), DirError> {
        check_name(name)?;
        let path = self.path.join(name);
        std::fs::remove_file(&path).map_err(|source| DirError::Write { path, source })
    }

    /// Reads and parses `atlas.sum`, or `None` when the directory has none.
    ///
    /// # Errors
    ///
    /// A [`SumError`] when it cannot be read or is malformed.
    pub fn sum_file(&self) -> Result<Option<HashFile>, SumError> {
        self.read_sum()?.map(|b| HashFile::parse(&b)).transpose()
    }

    /// Writes `atlas.sum` (what `atlas migrate hash` does).
    ///
    /// # Errors
    ///
    /// [`DirError::Write`].
    pub fn write_sum(&self, sum: &HashFile) -> Result<(), DirError> {
        self.write_file(HASH_FILE_NAME, &sum.to_bytes())
    }
}

// Two directories are equal by their path and files; the computed sum is a cache.
impl PartialEq for Dir {
    fn eq(&self, other: &Dir) -> bool {
        self.path == other.path && self.files == other.files
    }
}

impl Eq for Dir {}

impl MigrationDir for Dir {
    fn files(&self) -> Result<Vec<File>, DirError> {
        Ok(self.files.clone())
    }

    fn is_empty(&self) -> Result<bool, DirError> {
        Ok(self.files.is_empty())
    }

    fn checksum(&self) -> Result<HashFile, DirError> {
        Ok(self.sum().clone())
    }

    fn read_sum(&self) -> Result<Option<Vec<u8>>, DirError> {
        let path = self.path.join(HASH_FILE_NAME);
        match std::fs::read(&path) {
            Ok(b) => Ok(Some(b)),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(source) => Err(DirError::Read { path, source }),
        }
    }
}

/// An in-memory migration directory, for tests and generated plans.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MemDir {
    // A BTreeMap orders String keys byte-wise, which is the directory order.
    files: BTreeMap<String, Vec<u8>>,
}

impl MemDir {
    /// Creates an empty directory.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds or replaces a file (any name; only `*.sql` are migration files).
    pub fn write_file(&mut self, name: impl Into<String>, bytes: impl Into<Vec<u8>>) {
        self.files.insert(name.into(), bytes.into());
    }

    /// Removes a file; returns whether it existed.
    pub fn remove_file(&mut self, name: &str) -> bool {
        self.files.remove(name).is_some()
    }

    /// Writes `atlas.sum` computed from the current files.
    pub fn write_sum(&mut self) {
        let sum = HashFile::compute(&self.sql_files());
        self.write_file(HASH_FILE_NAME, sum.to_bytes());
    }

    fn sql_files(&self) -> Vec<File> {
        self.files.iter().filter(|(n, _)| n.ends_with(".sql")).map(|(n, b)| File::new(n.clone(), b.clone())).collect()
    }
}

impl MigrationDir for MemDir {
    fn files(&self) -> Result<Vec<File>, DirError> {
        Ok(self.sql_files())
    }

    fn read_sum(&self) -> Result<Option<Vec<u8>>, DirError> {
        Ok(self.files.get(HASH_FILE_NAME).cloned())
    }
}
