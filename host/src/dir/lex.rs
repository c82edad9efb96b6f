//! The statement lexer: splits a migration file into statements the way Atlas's
//! `migrate.Scanner` does (sql/migrate/lex.go), so that `applied`/`total` counts
//! and partial hashes agree with a database Atlas migrated.
//!
//! It is not an SQL parser: it only tracks what can hide a delimiter (quotes,
//! parentheses, dollar quotes, comments and `BEGIN … END` blocks).

use serde::{Deserialize, Serialize};

use super::directive::{self, Directive};

/// Which lexical features the scanner recognizes. Each dialect declares its set
/// (reference §2.1); plugins send it to the host as JSON.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct LexOptions {
    /// Group `BEGIN … END` compound statements (triggers, procedures) into one statement.
    pub match_begin: bool,
    /// Group PostgreSQL SQL-standard bodies `BEGIN ATOMIC … END`.
    pub begin_atomic: bool,
    /// Recognize PostgreSQL dollar-quoted strings (`$$…$$`, `$tag$…$tag$`).
    pub dollar_quote: bool,
    /// A backslash escapes the next character inside any quote (MySQL default
    /// `sql_mode`; see dev.mysql.com/doc/refman/8.4/en/sql-mode.html#sqlmode_no_backslash_escapes).
    pub backslash_escapes: bool,
    /// A backslash escapes inside `E'…'` strings (PostgreSQL, see
    /// postgresql.org/docs/current/sql-syntax-lexical.html#SQL-SYNTAX-STRINGS-ESCAPE).
    pub escaped_string_ext: bool,
    /// `#` starts a line comment (MySQL/MariaDB).
    pub hash_comments: bool,
    /// `/*!…*/` and MariaDB's `/*M!…*/` are statement text, not comments: the
    /// server runs what they hold (mysqldump writes `/*!40101 SET NAMES utf8mb4 */;`).
    pub executable_comments: bool,
}

impl LexOptions {
    /// Options of the SQLite/libsql driver.
    pub fn sqlite() -> Self {
        Self { match_begin: true, ..Self::default() }
    }

    /// Options of the PostgreSQL/CockroachDB driver.
    pub fn postgres() -> Self {
        Self { match_begin: true, begin_atomic: true, dollar_quote: true, escaped_string_ext: true, ..Self::default() }
    }

    /// Options of the MySQL/MariaDB/TiDB driver.
    pub fn mysql() -> Self {
        Self {
            match_begin: true,
            backslash_escapes: true,
            hash_comments: true,
            executable_comments: true,
            ..Self::default()
        }
    }

    /// Options Atlas uses without a driver (its generic `Stmts()`, e.g. `migrate import`).
    pub fn generic() -> Self {
        Self { begin_atomic: true, dollar_quote: true, ..Self::default() }
    }
}

/// One statement of a migration file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stmt {
    /// Byte offset of the statement's first character in the file (the whole file
    /// for txtar migrations).
    pub pos: usize,
    /// 1-based line of `pos` in the file.
    pub line: usize,
    /// The statement text, trimmed; the default `;` delimiter is kept, a custom
    /// delimiter is removed.
    pub text: String,
    /// The comments attached right before the statement, verbatim (line comments
    /// include their `\n`).
    pub comments: Vec<String>,
    /// The directives found in `comments` (e.g. `-- atlas:nolint DS101`).
    pub directives: Vec<Directive>,
}

impl Stmt {
    /// Returns the arguments of every statement directive called `name`, in order.
    /// A bare `-- atlas:nolint` yields `""`.
    pub fn directive(&self, name: &str) -> Vec<&str> {
        self.directives.iter().filter(|d| d.name == name).map(|d| d.args.as_str()).collect()
    }
}

/// What went wrong while splitting statements; see [`LexError`] for the position.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum LexErrorKind {
    /// A quoted string or identifier runs to the end of the input.
    #[error("unclosed quote {}", go_quote_char(*.0))]
    UnclosedQuote(char),
    /// A `(` is never closed.
    #[error("unclosed '('")]
    UnclosedParen,
    /// A `)` closes nothing.
    #[error("unexpected ')'")]
    UnexpectedParen,
    /// `-- atlas:delimiter` or `DELIMITER` without a delimiter.
    #[error("empty delimiter")]
    EmptyDelimiter,
    /// The file is only an `-- atlas:delimiter` line.
    #[error("no input found after delimiter {}", go_quote_str(.0))]
    NoInputAfterDelimiter(String),
    /// The file is not valid UTF-8.
    #[error("invalid utf-8 in migration file")]
    InvalidUtf8,
    /// A txtar migration file has no `-- migration.sql --` section.
    #[error("txtar file has no migration.sql section")]
    MissingMigrationSection,
}

/// A lexer error with its position, displayed as `line:column: message`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{line}:{column}: {kind}")]
pub struct LexError {
    /// 1-based line.
    pub line: usize,
    /// 1-based byte column of the offending character. Atlas reports column 0 for
    /// [`LexErrorKind::NoInputAfterDelimiter`], and so do we.
    pub column: usize,
    /// What went wrong.
    pub kind: LexErrorKind,
}

/// Formats a char the way Go's `%q` does for the quote characters we report.
fn go_quote_char(c: char) -> String {
    match c {
        '\'' => r"'\''".to_string(),
        '\\' => r"'\\'".to_string(),
        c => format!("'{c}'"),
    }
}

/// Formats a string the way Go's `%q` does for the characters a delimiter can hold.
fn go_quote_str(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => out.push_str(&format!("\\x{:02x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Splits `input` into statements with the given options.
///
/// Positions (`Stmt::pos`, `Stmt::line`, error line and column) are relative to
/// `input`.
///
/// # Errors
///
/// Returns a [`LexError`] for an unclosed quote or parenthesis, a stray `)`, or an
/// invalid delimiter.
pub fn stmts(input: &str, opts: &LexOptions) -> Result<Vec<Stmt>, LexError> {
    let mut sc = Scanner::new(opts, input);
    sc.init()?;
    let mut out = Vec::new();
    while let Some(mut stmt) = sc.stmt()? {
        stmt.directives = directive::stmt_directives(&stmt.comments);
        out.push(stmt);
    }
    // Lines are counted once over the whole input (positions are increasing).
    let (mut line, mut at) = (1, 0);
    for s in &mut out {
        line += input.as_bytes()[at..s.pos].iter().filter(|&&b| b == b'\n').count();
        at = s.pos;
        s.line = line;
    }
    Ok(out)
}

/// `(position, message)` of an error before it is turned into line and column.
type ScanError = (usize, LexErrorKind);

/// The default delimiter; only with it are `BEGIN … END` blocks grouped.
const DEFAULT_DELIM: &str = ";";

/// RE2 `\s`, which Atlas's BEGIN/END patterns use (not Unicode whitespace).
fn re_space(b: u8) -> bool {
    matches!(b, b'\t' | b'\n' | 0x0c | b'\r' | b' ')
}

/// Length of the match of `(?i)^\s*W1\s+W2\s+…` where the final word needs
/// trailing whitespace (when `trailing`), or `None`.
fn match_words(s: &[u8], words: &[&str], trailing: bool) -> Option<usize> {
    let mut i = s.iter().take_while(|&&b| re_space(b)).count();
    for (n, w) in words.iter().enumerate() {
        let end = i + w.len();
        if end > s.len() || !s[i..end].eq_ignore_ascii_case(w.as_bytes()) {
            return None;
        }
        i = end;
        let sp = s[i..].iter().take_while(|&&b| re_space(b)).count();
        if sp == 0 && (n + 1 < words.len() || trailing) {
            return None;
        }
        i += sp;
    }
    Some(i)
}

/// Length of a dollar-quote opener `$tag$` at the start of `s`
/// (`^\$([A-Za-zÈ-ÿ_][\wÈ-ÿ]*)*\$`), or `None`.
fn dollar_tag(s: &str) -> Option<usize> {
    let mut chars = s.char_indices();
    if chars.next()?.1 != '$' {
        return None;
    }
    let latin = |c: char| ('\u{C8}'..='\u{FF}').contains(&c);
    let mut first = true;
    for (i, c) in chars {
        if c == '$' {
            return Some(i + 1);
        }
        let ok = if first {
            c.is_ascii_alphabetic() || c == '_' || latin(c)
        } else {
            c.is_ascii_alphanumeric() || c == '_' || latin(c)
        };
        if !ok {
            return None;
        }
        first = false;
    }
    None
}

/// Decodes the `\n`, `\r` and `\t` escapes Atlas allows in delimiters.
pub(crate) fn unescape_delim(d: &str) -> String {
    let mut out = String::with_capacity(d.len());
    let mut rest = d;
    while let Some(c) = rest.chars().next() {
        let esc = match rest.as_bytes() {
            [b'\\', b'n', ..] => Some('\n'),
            [b'\\', b'r', ..] => Some('\r'),
            [b'\\', b't', ..] => Some('\t'),
            _ => None,
        };
        match esc {
            Some(e) => {
                out.push(e);
                rest = &rest[2..];
            }
            None => {
                out.push(c);
                rest = &rest[c.len_utf8()..];
            }
        }
    }
    out
}

/// The scanner state; mirrors Atlas's `Scanner` so that the (sometimes surprising)
/// results stay identical. `input` is always a suffix of `src`.
struct Scanner<'a> {
    opts: &'a LexOptions,
    src: &'a str,
    /// Remaining input; the current statement starts at its beginning.
    input: &'a str,
    /// Position in `input` just after the last consumed char.
    pos: usize,
    /// Bytes of `src` consumed so far.
    total: usize,
    /// Width of the last consumed char.
    width: usize,
    delim: String,
    comments: Vec<String>,
}

impl<'a> Scanner<'a> {
    fn new(opts: &'a LexOptions, src: &'a str) -> Self {
        Self {
            opts,
            src,
            input: src,
            pos: 0,
            total: 0,
            width: 0,
            delim: DEFAULT_DELIM.to_string(),
            comments: Vec::new(),
        }
    }

    /// Converts a scan error into a positioned [`LexError`].
    fn error(&self, (pos, kind): ScanError) -> LexError {
        let (line, column) = self.line_col(pos);
        LexError { line, column, kind }
    }

    /// Line and column of `pos` (relative to `input`) as Atlas computes them: the
    /// column is the byte distance from the preceding newline.
    fn line_col(&self, pos: usize) -> (usize, usize) {
        let p = (self.src.len() - self.input.len() + pos).min(self.src.len());
        let before = &self.src.as_bytes()[..p];
        let line = 1 + before.iter().filter(|&&b| b == b'\n').count();
        let column = match before.iter().rposition(|&b| b == b'\n') {
            Some(nl) => p - nl - 1,
            None => p,
        };
        (line, column)
    }

    /// Handles an `-- atlas:delimiter X` first line.
    fn init(&mut self) -> Result<(), LexError> {
        let Some(arg) = directive::lookup(self.input.as_bytes(), "delimiter", Some("-- ")) else {
            return Ok(());
        };
        let arg = String::from_utf8_lossy(arg).into_owned();
        if arg.is_empty() {
            // Atlas reports this one without a position; point at the directive.
            return Err(LexError { line: 1, column: 1, kind: LexErrorKind::EmptyDelimiter });
        }
        self.delim = unescape_delim(&arg);
        let Some(nl) = self.input.find('\n') else {
            return Err(self.error((0, LexErrorKind::NoInputAfterDelimiter(arg))));
        };
        self.input = &self.input[nl + 1..];
        // Atlas does not count the directive line in statement positions; we do, so
        // that `pos` is a real file offset.
        self.total = nl + 1;
        Ok(())
    }

    fn next(&mut self) -> Option<char> {
        let c = self.input[self.pos..].chars().next()?;
        self.width = c.len_utf8();
        self.add_pos(self.width);
        Some(c)
    }

    fn peek(&self) -> Option<char> {
        self.input[self.pos..].chars().next()
    }

    fn add_pos(&mut self, n: usize) {
        self.pos += n;
        self.total += n;
    }

    fn skip_spaces(&mut self) {
        let trimmed = self.input.trim_start();
        self.total += self.input.len() - trimmed.len();
        self.input = trimmed;
    }

    /// Scans the next statement; `None` at the end of the input.
    fn stmt(&mut self) -> Result<Option<Stmt>, LexError> {
        let mut depth = 0usize;
        let mut opening = 0usize;
        self.skip_spaces();
        let end = loop {
            let Some(r) = self.next() else {
                if depth > 0 {
                    return Err(self.error((opening, LexErrorKind::UnclosedParen)));
                }
                if self.pos > 0 {
                    break self.input.len();
                }
                return Ok(None);
            };
            let bytes = self.input.as_bytes();
            let at = self.pos - self.width;
            match r {
                '(' => {
                    if depth == 0 {
                        opening = self.pos;
                    }
                    depth += 1;
                    continue;
                }
                ')' => {
                    if depth == 0 {
                        return Err(self.error((self.pos, LexErrorKind::UnexpectedParen)));
                    }
                    depth -= 1;
                    continue;
                }
                '\'' | '"' | '`' => {
                    self.skip_quote(r).map_err(|e| self.error(e))?;
                    continue;
                }
                _ => {}
            }
            // The MySQL client's DELIMITER command, at the start of a statement.
            // See https://dev.mysql.com/doc/refman/8.0/en/mysql-commands.html.
            if self.pos == 1 && bytes.len() > 9 && bytes[..9].eq_ignore_ascii_case(b"delimiter") {
                self.add_pos(8);
                self.delim_cmd()?;
                self.skip_spaces();
                continue;
            }
            // Delimiters take precedence over comments (a delimiter may be `-- end`).
            if depth == 0 && bytes[at..].starts_with(self.delim.as_bytes()) {
                self.add_pos(self.delim.len() - self.width);
                break self.pos;
            }
            if self.opts.dollar_quote
                && r == '$'
                && let Some(n) = dollar_tag(&self.input[at..])
            {
                self.skip_dollar_quote(n);
                continue;
            }
            if r == '#' && self.opts.hash_comments {
                self.comment("#", "\n");
                continue;
            }
            if r == '-' && self.peek() == Some('-') {
                self.next();
                self.comment("--", "\n");
                continue;
            }
            if r == '/' && self.peek() == Some('*') {
                if self.opts.executable_comments
                    && (bytes[at..].starts_with(b"/*!") || bytes[at..].starts_with(b"/*M!"))
                    && let Some(i) = self.input[self.pos..].find("*/")
                {
                    self.add_pos(i + 2);
                    continue;
                }
                self.next();
                self.comment("/*", "*/");
                continue;
            }
            if self.delim == DEFAULT_DELIM
                && self.opts.begin_atomic
                && match_words(&bytes[at..], &["BEGIN", "ATOMIC"], true).is_some()
            {
                if self.skip_block(&["BEGIN", "ATOMIC"], false) {
                    break self.pos;
                }
                // Not a BEGIN ATOMIC block: keep scanning as ordinary text.
                continue;
            }
            // BEGIN must start the statement or follow whitespace. `at` (not
            // `pos`) guards the look-behind, so a multi-byte first char is safe.
            if self.delim == DEFAULT_DELIM
                && self.opts.match_begin
                && (at == 0 || re_space(bytes[at - 1]))
                && match_words(&bytes[at..], &["BEGIN"], true).is_some()
                && self.skip_block(&["BEGIN"], true)
            {
                break self.pos;
            }
        };
        Ok(Some(self.emit(end)))
    }

    /// Emits `input[..end]` as a statement and moves past it.
    fn emit(&mut self, end: usize) -> Stmt {
        let raw = &self.input[..end];
        let pos = self.total - raw.len();
        self.input = &self.input[self.pos..];
        self.pos = 0;
        let mut text = raw;
        if self.delim != DEFAULT_DELIM {
            text = text.strip_suffix(self.delim.as_str()).unwrap_or(text);
        }
        Stmt {
            pos,
            line: 0,
            text: text.trim().to_string(),
            comments: std::mem::take(&mut self.comments),
            directives: Vec::new(),
        }
    }

    fn skip_quote(&mut self, quote: char) -> Result<(), ScanError> {
        let pos = self.pos;
        let at = pos - 1;
        let escaped = self.opts.backslash_escapes
            || (self.opts.escaped_string_ext && at > 0 && matches!(self.input.as_bytes()[at - 1], b'E' | b'e'));
        loop {
            match self.next() {
                None => return Err((pos, LexErrorKind::UnclosedQuote(quote))),
                Some('\\') if escaped => {
                    self.next();
                }
                Some(c) if c == quote => return Ok(()),
                Some(_) => {}
            }
        }
    }

    /// Skips a dollar-quoted string whose opener (`n` bytes, starting at the `$`
    /// just consumed) is `$tag$`. An unclosed one runs to the end of the input.
    fn skip_dollar_quote(&mut self, n: usize) {
        let at = self.pos - 1;
        let tag = &self.input[at..at + n];
        self.add_pos(n - 1);
        match self.input[self.pos..].find(tag) {
            Some(i) => self.add_pos(i + n),
            None => self.add_pos(self.input.len() - self.pos),
        }
    }

    /// Skips a comment that started with `left` (already consumed). Comments before
    /// any statement text are collected into the comment group; a group is dropped
    /// when a blank line separates it from what follows.
    fn comment(&mut self, left: &str, right: &str) {
        // Without its terminator it is not a comment at all.
        let Some(i) = self.input[self.pos..].find(right) else {
            return;
        };
        let at_start = self.pos == left.len();
        self.add_pos(i + right.len());
        if !at_start {
            return;
        }
        self.comments.push(self.input[..self.pos].to_string());
        self.input = &self.input[self.pos..];
        self.pos = 0;
        if self.input.starts_with("\n\n") || (right == "\n" && self.input.starts_with('\n')) {
            self.comments.clear();
        }
        self.skip_spaces();
    }

    /// Handles `DELIMITER x` (the word itself is consumed). Without a following
    /// space it is ordinary text.
    fn delim_cmd(&mut self) -> Result<(), LexError> {
        if self.peek() != Some(' ') {
            return Ok(());
        }
        // Consume the rest of the line, newline included.
        while let Some(c) = self.next() {
            if c == '\n' {
                break;
            }
        }
        let mut delim = self.input[9..self.pos].trim().to_string();
        // The MySQL client allows a quoted delimiter.
        if delim.len() >= 2 && delim.starts_with('\'') && delim.ends_with('\'') {
            delim = delim[1..delim.len() - 1].replace("''", "'");
        }
        if delim.is_empty() {
            // Atlas reports this one without a position; point at the command.
            return Err(self.error((1, LexErrorKind::EmptyDelimiter)));
        }
        self.delim = unescape_delim(&delim);
        // The command is not a statement.
        self.comments.clear();
        self.emit(self.pos);
        Ok(())
    }

    /// Tries to skip a compound block opened by `words` at the current char. The
    /// block ends with an inner statement that starts with `END` (for BEGIN
    /// ATOMIC), or is exactly `END` / `END;` (for BEGIN, when `exact_end`), found by
    /// scanning the body as statements, so nested blocks recurse. Returns false
    /// when there is no such end; like Atlas, the opener stays consumed then.
    fn skip_block(&mut self, words: &[&str], exact_end: bool) -> bool {
        let at = self.pos - self.width;
        let Some(m) = match_words(&self.input.as_bytes()[at..], words, true) else {
            return false;
        };
        self.add_pos(m - self.width);
        let mut body = Scanner::new(self.opts, &self.input[self.pos..]);
        if body.init().is_err() {
            return false;
        }
        loop {
            let stmt = match body.stmt() {
                Ok(Some(s)) => s,
                Ok(None) | Err(_) => return false,
            };
            let Some(m) = match_words(stmt.text.as_bytes(), &["END"], false) else {
                continue;
            };
            if !exact_end || m == stmt.text.len() || stmt.text[m..] == *self.delim {
                break;
            }
        }
        self.add_pos(body.total);
        true
    }
}
