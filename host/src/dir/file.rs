//! A single migration file: its name parts, its content, its directives and, for
//! txtar files, its sections.

use super::directive::{self, Directive};
use super::lex::{self, LexError, LexErrorKind, LexOptions, Stmt};
use super::txtar::{self, CheckFile, Section};

/// A migration file, as read from a directory (name and raw bytes).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct File {
    name: String,
    bytes: Vec<u8>,
}

/// The transaction mode a file asks for with `-- atlas:txmode`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TxMode {
    /// `none`: run the file's statements without a transaction.
    None,
    /// `file`: wrap the file in one transaction.
    File,
}

/// The file-level directives of a migration file (reference §3.1).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FileDirectives {
    /// `-- atlas:txmode none|file`.
    pub txmode: Option<TxMode>,
    /// `-- atlas:nolint [codes|analyzers]`: `Some(vec![])` for a bare directive
    /// (skip the whole file); the arguments of every nolint directive otherwise.
    pub nolint: Option<Vec<String>>,
    /// The custom delimiter of an `-- atlas:delimiter X` first line, escapes decoded.
    pub delimiter: Option<String>,
    /// `-- atlas:checkpoint [tag]`: `Some("")` when there is no tag.
    pub checkpoint: Option<String>,
    /// Every file directive, in order, for the ones not decoded above.
    pub all: Vec<Directive>,
}

/// Errors about a migration file's content.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum FileError {
    /// The file is not valid UTF-8 text.
    #[error("migration file {file:?} is not valid utf-8")]
    NotUtf8 {
        /// File name.
        file: String,
    },
    /// `atlas:txmode all` in a file; `all` is only a command-line mode.
    #[error("migration file {file:?}: txmode \"all\" cannot be set by a file directive, use --tx-mode all")]
    TxModeAll {
        /// File name.
        file: String,
    },
    /// `atlas:txmode` with a value other than `none` or `file`.
    #[error("migration file {file:?}: unknown txmode {value:?}, expected \"none\" or \"file\"")]
    UnknownTxMode {
        /// File name.
        file: String,
        /// The value given.
        value: String,
    },
    /// `atlas:txmode` given no value, several values or several times.
    #[error("migration file {file:?}: atlas:txmode expects exactly one value, got {args:?}")]
    TxModeArity {
        /// File name.
        file: String,
        /// The values given, all directives together.
        args: Vec<String>,
    },
    /// A txtar migration file without a `-- migration.sql --` section.
    #[error("txtar migration file {file:?} has no migration.sql section")]
    MissingMigration {
        /// File name.
        file: String,
    },
}

impl File {
    /// Creates a file from its name (e.g. `20220925092817_initial.sql`) and content.
    pub fn new(name: impl Into<String>, bytes: impl Into<Vec<u8>>) -> Self {
        Self { name: name.into(), bytes: bytes.into() }
    }

    /// The file name, without any directory.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The version: the name minus `.sql`, up to the first `_` (`1.a_sub.up.sql` →
    /// `1.a`). Versions compare as strings.
    pub fn version(&self) -> &str {
        let base = self.name.strip_suffix(".sql").unwrap_or(&self.name);
        base.split_once('_').map_or(base, |(v, _)| v)
    }

    /// The description: the text after the first `_`, minus `.sql`; empty without `_`.
    pub fn desc(&self) -> &str {
        match self.name.split_once('_') {
            Some((_, d)) => d.strip_suffix(".sql").unwrap_or(d),
            None => "",
        }
    }

    /// The raw content (what `atlas.sum` hashes).
    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// The content as text.
    ///
    /// # Errors
    ///
    /// [`FileError::NotUtf8`] when the content is not UTF-8.
    pub fn text(&self) -> Result<&str, FileError> {
        std::str::from_utf8(&self.bytes).map_err(|_| FileError::NotUtf8 { file: self.name.clone() })
    }

    /// Reports whether the file is a txtar archive (first line `-- atlas:txtar`).
    pub fn is_txtar(&self) -> bool {
        let first = self.bytes.split(|&b| b == b'\n').next().unwrap_or(&[]);
        let first = first.strip_suffix(b"\r").unwrap_or(first);
        directive::parse(first).is_some_and(|m| {
            m.name == b"txtar" && m.args.iter().all(|b| *b == b' ') && matches!(m.prefix, b"-- " | b"--")
        })
    }

    fn sections(&self) -> Result<Vec<Section>, FileError> {
        Ok(txtar::sections(self.text()?))
    }

    /// The migration part: the whole file for a plain file, the `migration.sql`
    /// section for a txtar file.
    ///
    /// # Errors
    ///
    /// [`FileError::NotUtf8`], or [`FileError::MissingMigration`] for a txtar file
    /// without a `migration.sql` section.
    pub fn migration_sql(&self) -> Result<&str, FileError> {
        let text = self.text()?;
        if !self.is_txtar() {
            return Ok(text);
        }
        let s = self.migration_section()?;
        Ok(&text[s.offset..s.offset + s.sql.len()])
    }

    fn migration_section(&self) -> Result<Section, FileError> {
        self.sections()?
            .into_iter()
            .find(|s| s.name == "migration.sql")
            .ok_or_else(|| FileError::MissingMigration { file: self.name.clone() })
    }

    /// The check files of a txtar migration (`checks.sql`, `checks/<name>.sql`), in
    /// file order; empty for a plain file.
    ///
    /// # Errors
    ///
    /// [`FileError::NotUtf8`].
    pub fn checks(&self) -> Result<Vec<CheckFile>, FileError> {
        if !self.is_txtar() {
            return Ok(Vec::new());
        }
        Ok(self
            .sections()?
            .into_iter()
            .filter(|s| {
                s.name == "checks.sql"
                    || s.name.strip_prefix("checks/").is_some_and(|n| n.len() > ".sql".len() && n.ends_with(".sql"))
            })
            .collect())
    }

    /// The `down.sql` section of a txtar migration, if any.
    ///
    /// # Errors
    ///
    /// [`FileError::NotUtf8`].
    pub fn down(&self) -> Result<Option<Section>, FileError> {
        if !self.is_txtar() {
            return Ok(None);
        }
        Ok(self.sections()?.into_iter().find(|s| s.name == "down.sql"))
    }

    /// The file-level directives. For a txtar file, those of the archive header
    /// and of the `migration.sql` section.
    ///
    /// # Errors
    ///
    /// [`FileError::NotUtf8`] and the `txmode` errors: `all`, an unknown value, or
    /// other than exactly one value.
    pub fn directives(&self) -> Result<FileDirectives, FileError> {
        let text = self.text()?;
        let comments = if self.is_txtar() {
            // The archive header (before the first marker) and the migration part;
            // marker lines are never directives.
            let mut comments = directive::file_comments(txtar::header(text));
            if let Ok(s) = self.migration_section() {
                let body = &text[s.offset..s.offset + s.sql.len()];
                comments.extend(directive::file_comments(body));
            }
            comments
        } else {
            directive::file_comments(text)
        };
        let mut out = FileDirectives::default();
        let mut txmode_args: Vec<String> = Vec::new();
        let mut txmode_seen = false;
        for c in comments {
            let Some(m) = directive::parse(c.as_bytes()) else {
                continue;
            };
            let d = directive::to_directive(&m);
            match d.name.as_str() {
                "txmode" => {
                    txmode_seen = true;
                    txmode_args.extend(d.args.split_whitespace().map(str::to_string));
                }
                "nolint" => {
                    out.nolint.get_or_insert_with(Vec::new).extend(d.args.split_whitespace().map(str::to_string))
                }
                "checkpoint" if out.checkpoint.is_none() => out.checkpoint = Some(d.args.trim().to_string()),
                _ => {}
            }
            out.all.push(d);
        }
        if txmode_seen {
            out.txmode = Some(self.txmode(txmode_args)?);
        }
        if let Some(arg) = directive::lookup(self.migration_sql_bytes(), "delimiter", Some("-- ")) {
            out.delimiter = Some(lex::unescape_delim(&String::from_utf8_lossy(arg)));
        }
        Ok(out)
    }

    fn migration_sql_bytes(&self) -> &[u8] {
        self.migration_sql().map_or(&self.bytes, str::as_bytes)
    }

    fn txmode(&self, args: Vec<String>) -> Result<TxMode, FileError> {
        let file = self.name.clone();
        let [value] = args.as_slice() else {
            return Err(FileError::TxModeArity { file, args });
        };
        match value.as_str() {
            "none" => Ok(TxMode::None),
            "file" => Ok(TxMode::File),
            "all" => Err(FileError::TxModeAll { file }),
            _ => Err(FileError::UnknownTxMode { file, value: value.clone() }),
        }
    }

    /// Splits the migration part into statements. Positions and lines are those of
    /// the whole file, also for the `migration.sql` section of a txtar file.
    ///
    /// # Errors
    ///
    /// A [`LexError`] for invalid input, including non-UTF-8 content and a txtar
    /// file without a `migration.sql` section.
    pub fn stmts(&self, opts: &LexOptions) -> Result<Vec<Stmt>, LexError> {
        let text = match std::str::from_utf8(&self.bytes) {
            Ok(t) => t,
            Err(e) => return Err(utf8_error(&self.bytes, e.valid_up_to())),
        };
        if !self.is_txtar() {
            return lex::stmts(text, opts);
        }
        let Some(s) = txtar::sections(text).into_iter().find(|s| s.name == "migration.sql") else {
            return Err(LexError { line: 1, column: 1, kind: LexErrorKind::MissingMigrationSection });
        };
        s.stmts(opts)
    }
}

/// Positions a UTF-8 error: the line and byte column of the first invalid byte.
fn utf8_error(bytes: &[u8], at: usize) -> LexError {
    let before = &bytes[..at];
    let line = 1 + before.iter().filter(|&&b| b == b'\n').count();
    let column = at - before.iter().rposition(|&b| b == b'\n').map_or(0, |nl| nl + 1) + 1;
    LexError { line, column, kind: LexErrorKind::InvalidUtf8 }
}
