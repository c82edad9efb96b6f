//! What the user reads: Atlas-shaped text with colour on a terminal, a progress
//! bar for long runs, and JSON on `--format json`.

mod apply;
mod down;
mod lint;
mod schema;
mod status;

pub use apply::{AppliedFile, ApplyReport, FileRef, StmtError};
pub use down::{CheckOutcome, DownReport, RevertedFile};
pub use lint::{LintFile, LintReport};
pub use schema::{CleanReport, CleanStatus, SchemaApplyReport, SchemaApplyStatus, SchemaPlan};
pub use status::{SetReport, StatusReport};

use crate::clock::go_duration;
use crate::exec::Progress;
use std::io::{IsTerminal, Write};
use std::time::Duration;

/// Set when stdout was closed by its reader (`strata … | head`).
static STDOUT_CLOSED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Output not yet written to a stdout that is not a terminal: a 100,000-line
/// migration printed line by line would cost one `write` per statement.
static PENDING: std::sync::Mutex<Option<(Vec<u8>, std::time::Instant)>> = std::sync::Mutex::new(None);

/// How long buffered output may wait: a log followed live stays live.
const FLUSH_AFTER: Duration = Duration::from_millis(100);

/// Writes to stdout: straight to a terminal; to a pipe or file in blocks of
/// at most [`FLUSH_AFTER`]'s worth (see [`flush_stdout`]). A closed pipe only
/// stops the printing: the operation goes on to its end (a migration must not
/// stop halfway because `head` had enough), and the exit code is still the
/// operation's.
pub fn write_stdout(args: std::fmt::Arguments<'_>, newline: bool) {
    use std::sync::atomic::Ordering;
    let captured = CAPTURE.with(|c| {
        let mut c = c.borrow_mut();
        let Some(buf) = c.as_mut() else { return false };
        let _ = buf.write_fmt(args);
        if newline {
            buf.push(b'\n');
        }
        true
    });
    if captured || STDOUT_CLOSED.load(Ordering::Relaxed) {
        return;
    }
    if stdout_is_terminal() {
        let mut out = std::io::stdout().lock();
        let written = out.write_fmt(args).and_then(|()| if newline { out.write_all(b"\n") } else { Ok(()) });
        finish_write(written.and_then(|()| out.flush()));
        return;
    }
    let full = {
        let mut pending = PENDING.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let (buf, since) = pending.get_or_insert_with(|| (Vec::new(), std::time::Instant::now()));
        let _ = buf.write_fmt(args);
        if newline {
            buf.push(b'\n');
        }
        buf.len() >= 64 * 1024 || since.elapsed() >= FLUSH_AFTER
    };
    if full {
        flush_stdout();
    }
}

/// Whether stdout is a terminal, asked once: a run prints a line per
/// statement, and the question is a system call each time.
fn stdout_is_terminal() -> bool {
    static TERMINAL: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *TERMINAL.get_or_init(|| std::io::stdout().is_terminal())
}

thread_local! {
    /// Output of the command running on this thread, held while [`capture`] runs.
    static CAPTURE: std::cell::RefCell<Option<Vec<u8>>> = const { std::cell::RefCell::new(None) };
    /// Set once a JSON document was printed by the command on this thread.
    static JSON_PRINTED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Runs `f` with what it prints to stdout held back and returned: commands
/// running side by side (`--parallel`) print whole blocks, not interleaved lines.
pub fn capture<T>(f: impl FnOnce() -> T) -> (T, String) {
    let previous = CAPTURE.with(|c| c.borrow_mut().replace(Vec::new()));
    let value = f();
    let out = CAPTURE.with(|c| std::mem::replace(&mut *c.borrow_mut(), previous)).unwrap_or_default();
    (value, String::from_utf8_lossy(&out).into_owned())
}

/// Writes out what [`write_stdout`] holds. Called before anything goes to
/// stderr, so the two streams keep their order, and before the process exits.
pub fn flush_stdout() {
    let taken = PENDING.lock().unwrap_or_else(std::sync::PoisonError::into_inner).take();
    if let Some((buf, _)) = taken
        && !std::sync::atomic::AtomicBool::load(&STDOUT_CLOSED, std::sync::atomic::Ordering::Relaxed)
    {
        let mut out = std::io::stdout().lock();
        finish_write(out.write_all(&buf).and_then(|()| out.flush()));
    }
}

fn finish_write(result: std::io::Result<()>) {
    if let Err(e) = result
        && e.kind() == std::io::ErrorKind::BrokenPipe
    {
        STDOUT_CLOSED.store(true, std::sync::atomic::Ordering::Relaxed);
    }
}

/// `println!` through [`write_stdout`].
#[macro_export]
macro_rules! outln {
    () => { $crate::report::write_stdout(format_args!(""), true) };
    ($($arg:tt)*) => { $crate::report::write_stdout(format_args!($($arg)*), true) };
}

/// `print!` through [`write_stdout`].
#[macro_export]
macro_rules! out {
    ($($arg:tt)*) => { $crate::report::write_stdout(format_args!($($arg)*), false) };
}

/// Output format of a command.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Format {
    /// Human text.
    #[default]
    Text,
    /// One JSON document on stdout.
    Json,
    /// GitHub Actions workflow commands (`::error file=…,line=…::…`), for `migrate lint`.
    Github,
}

/// Where and how to print.
#[derive(Debug, Clone, Copy)]
pub struct Output {
    /// Text or JSON.
    pub format: Format,
    /// ANSI colour on stdout.
    pub color: bool,
}

impl Output {
    /// Detects colour support: a terminal, and `NO_COLOR` unset.
    pub fn new(format: Format) -> Output {
        let color = stdout_is_terminal() && std::env::var_os("NO_COLOR").is_none();
        Output { format, color }
    }

    /// Starts a new JSON document (one per env instance of a multi-env run).
    pub fn begin_document(&self) {
        JSON_PRINTED.with(|p| p.set(false));
    }

    /// True for JSON output.
    pub fn json(&self) -> bool {
        self.format == Format::Json
    }

    /// Wraps `text` in an ANSI colour when enabled.
    pub fn paint(&self, code: &str, text: &str) -> String {
        if self.color { format!("\x1b[{code}m{text}\x1b[0m") } else { text.to_string() }
    }

    /// Prints a serializable report as pretty JSON. Only the first document of a
    /// run is printed, so an error after a report does not add a second one.
    pub fn print_json<T: serde::Serialize>(&self, value: &T) {
        if JSON_PRINTED.with(|p| p.replace(true)) {
            return;
        }
        match serde_json::to_string_pretty(value) {
            Ok(text) => crate::outln!("{text}"),
            Err(e) => eprintln!("error: encoding the JSON report: {e}"),
        }
    }
}

/// "s" when `n` is not one.
pub fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// Prints apply/down progress in Atlas's shape as it happens, or a progress bar
/// on stderr when many files run on a terminal.
pub struct TextProgress {
    out: Output,
    bar: Option<Bar>,
    stmts_ok: usize,
    stmts_failed: usize,
    checks_ok: usize,
    checks_failed: usize,
}

struct Bar {
    total: usize,
    done: usize,
}

impl TextProgress {
    /// A reporter for a run of `files` files.
    pub fn new(out: Output, files: usize) -> TextProgress {
        let bar = (files > 10 && std::io::stderr().is_terminal()).then_some(Bar { total: files, done: 0 });
        TextProgress { out, bar, stmts_ok: 0, stmts_failed: 0, checks_ok: 0, checks_failed: 0 }
    }

    /// Statements that ran, and that failed.
    pub fn stmt_counts(&self) -> (usize, usize) {
        (self.stmts_ok, self.stmts_failed)
    }

    /// Checks that passed, and that failed.
    pub fn check_counts(&self) -> (usize, usize) {
        (self.checks_ok, self.checks_failed)
    }

    fn line(&self, text: &str) {
        if self.bar.is_none() {
            crate::outln!("{text}");
        }
    }

    fn draw(&self, version: &str) {
        if let Some(bar) = &self.bar {
            let width = 30;
            let filled = bar.done * width / bar.total.max(1);
            let mut err = std::io::stderr();
            let _ = write!(
                err,
                "\r[{}{}] {}/{} {version:<20}",
                "=".repeat(filled),
                " ".repeat(width - filled),
                bar.done,
                bar.total
            );
            if bar.done == bar.total {
                let _ = writeln!(err);
            }
            let _ = err.flush();
        }
    }
}

/// Indents continuation lines of a statement the way Atlas does (7 spaces).
fn indent_stmt(sql: &str) -> String {
    sql.lines().collect::<Vec<_>>().join("\n       ")
}

impl Progress for TextProgress {
    fn start(&mut self, current: &str, target: &str, files: usize, reverting: bool) {
        // Atlas always says "migrations" here, whatever the count.
        if reverting {
            crate::outln!(
                "Migrating down from version {current} to {} ({files} migrations in total):\n",
                self.out.paint("36", target)
            );
        } else {
            let from = if current.is_empty() { String::new() } else { format!(" from {current}") };
            crate::outln!(
                "Migrating to version {}{from} ({files} migrations in total):\n",
                self.out.paint("36", target)
            );
        }
        if let Some(bar) = &mut self.bar {
            bar.total = files;
        }
    }

    fn checks_start(&mut self, version: &str, reverting: bool) {
        let what = if reverting { "reverting" } else { "migrating" };
        self.line(&format!("  -- checks before {what} version {version}"));
    }

    fn check(&mut self, sql: &str, ok: bool) {
        if ok {
            self.checks_ok += 1;
        } else {
            self.checks_failed += 1;
        }
        self.line(&format!("    -> {}", indent_stmt(sql)));
        if !ok {
            self.line(&format!("    {}", self.out.paint("31", "assertion failed")));
        }
    }

    fn guard(&mut self, sql: &str, ok: bool) {
        if ok {
            self.checks_ok += 1;
        } else {
            self.checks_failed += 1;
        }
        let result = if ok { self.out.paint("32", "ok") } else { self.out.paint("31", "assertion failed") };
        self.line(&format!("    -- check: {} ({result})", indent_stmt(sql)));
    }

    fn checks_done(&mut self, elapsed: Duration, failed: usize) {
        if failed == 0 {
            self.line(&format!("  -- {} ({})\n", self.out.paint("32", "ok"), go_duration(elapsed)));
        } else {
            self.line("");
        }
    }

    fn file_start(&mut self, version: &str, reverting: bool) {
        let what = if reverting { "reverting" } else { "migrating" };
        self.line(&format!("  -- {what} version {}", self.out.paint("36", version)));
        self.draw(version);
    }

    fn resume(&mut self, done: usize, total: usize) {
        self.line(&format!("    -- continuing where an earlier run stopped: {done} of {total} statements already ran"));
    }

    fn stmt(&mut self, sql: &str) {
        self.stmts_ok += 1;
        self.line(&format!("    -> {}", indent_stmt(sql)));
    }

    fn stmt_error(&mut self, error: &str) {
        self.stmts_ok = self.stmts_ok.saturating_sub(1);
        self.stmts_failed += 1;
        if let Some(bar) = &self.bar {
            let _ = bar;
            eprintln!();
        }
        crate::outln!("    {}", self.out.paint("31", error));
    }

    fn file_done(&mut self, elapsed: Duration) {
        if let Some(bar) = &mut self.bar {
            bar.done += 1;
        }
        self.draw("");
        self.line(&format!("  -- {} ({})\n", self.out.paint("32", "ok"), go_duration(elapsed)));
    }
}
