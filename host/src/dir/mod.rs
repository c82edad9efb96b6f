//! Migration directories in Atlas's layout: the files, their statements and
//! directives, and the `atlas.sum` integrity file.
//!
//! This module reads and checks what is on disk; it neither plans nor executes
//! migrations. Behaviour follows Atlas (`sql/migrate/dir.go`, `sql/migrate/lex.go`)
//! byte for byte where the result is persisted or compared: `atlas.sum`, statement
//! splitting (which fixes `total`/`applied` and partial hashes) and directives.

mod directive;
mod file;
mod git;
mod lex;
mod local;
mod sum;
mod txtar;

pub use self::directive::Directive;
pub use self::file::{File, FileDirectives, FileError, TxMode};
pub use self::git::{head_commit, newest_version_at};
pub use self::lex::{LexError, LexErrorKind, LexOptions, Stmt, stmts};
pub use self::local::{Dir, DirError, MemDir, MigrationDir};
pub use self::sum::{ChecksumError, HASH_FILE_NAME, HashFile, Reason, SumEntry, SumError, partial_hash, validate};
pub use self::txtar::{CheckFile, Section};

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests;

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod fuzz;

/// The lexer options a dialect plugin declares, in this module's terms.
pub fn lex_options(options: &strata_dialect_api::LexerOptions) -> LexOptions {
    LexOptions {
        match_begin: options.match_begin,
        begin_atomic: options.begin_atomic,
        dollar_quote: options.dollar_quote,
        backslash_escapes: options.backslash_escapes,
        escaped_string_ext: options.escaped_string_ext,
        hash_comments: options.hash_comments,
        // The dialect API has no field of its own for it: the dialects with
        // `#` comments are the MySQL family, whose `/*!…*/` comments run.
        executable_comments: options.hash_comments,
    }
}

/// Running hashes of applied statements (`partial_hashes` of a revision).
pub fn partial_hashes<S: AsRef<str>>(stmts: &[S]) -> Vec<String> {
    partial_hash(stmts)
}
