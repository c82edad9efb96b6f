//! What `strata` does when it panics: one short line naming the bug, with any
//! URL password masked, and exit status 70 (EX_SOFTWARE in sysexits.h), so
//! that a script tells a bug from a failed (1) or mistyped (2) command.

use std::any::Any;
use std::io::Write;
use std::panic::{self, AssertUnwindSafe, Location};

/// The exit status of a run that panicked.
pub const EXIT_INTERNAL: i32 = 70;

/// Replaces the default panic output (thread name, message, backtrace note)
/// with the one line of [`message`].
pub fn install() {
    panic::set_hook(Box::new(|info| {
        // What was printed before the panic goes first; a failed write must not
        // panic again: that would abort.
        crate::report::flush_stdout();
        let _ = writeln!(std::io::stderr(), "{}", message(info.payload(), info.location()));
    }));
}

/// The line printed for a panic: `strata: internal error: <message> (at
/// file:line); please report it`.
pub fn message(payload: &(dyn Any + Send), location: Option<&Location<'_>>) -> String {
    let text = payload
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
        .unwrap_or("unknown panic");
    let at = location.map(|l| format!(" (at {}:{})", l.file(), l.line())).unwrap_or_default();
    // The message may quote a URL the user gave: its password must not show.
    let text = strata_dialect_api::mask(&text.replace(['\n', '\r'], " "));
    format!("strata: internal error: {text}{at}; please report it")
}

/// Runs `main` and returns its exit status, or [`EXIT_INTERNAL`] when it
/// panicked (the hook has printed the line by then).
pub fn exit_code(main: impl FnOnce() -> i32) -> i32 {
    panic::catch_unwind(AssertUnwindSafe(main)).unwrap_or(EXIT_INTERNAL)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_line_masks_passwords_and_names_the_place() {
        let payload: Box<dyn Any + Send> = Box::new(String::from("cannot open postgres://u:s3cr%aé@h/db\nsecond line"));
        let here = Location::caller();
        assert_eq!(
            message(payload.as_ref(), Some(here)),
            format!(
                "strata: internal error: cannot open postgres://u:****@h/db second line (at {}:{}); please report it",
                here.file(),
                here.line()
            )
        );
        let payload: Box<dyn Any + Send> = Box::new("index out of bounds: mysql:root:pw@h");
        assert_eq!(
            message(payload.as_ref(), None),
            "strata: internal error: index out of bounds: mysql:root:****@h; please report it"
        );
        assert_eq!(message(&42_u8, None), "strata: internal error: unknown panic; please report it");
    }

    #[test]
    fn a_panic_exits_70() {
        assert_eq!(exit_code(|| 3), 3);
        assert_eq!(exit_code(|| panic!("boom")), EXIT_INTERNAL);
    }
}
