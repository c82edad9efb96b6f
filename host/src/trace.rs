//! `STRATA_TRACE=1`: phase timings on stderr, for profiling whole runs (the
//! benchmarks time processes; this says where inside one the time went).

use std::sync::OnceLock;
use std::time::Instant;

fn start() -> Option<&'static Instant> {
    static START: OnceLock<Option<Instant>> = OnceLock::new();
    START
        .get_or_init(|| std::env::var_os("STRATA_TRACE").filter(|v| !v.is_empty() && v != "0").map(|_| Instant::now()))
        .as_ref()
}

/// Starts the clock (call first thing in `main`); a no-op unless tracing.
pub fn init() {
    let _ = start();
}

/// Prints the milliseconds since the process started and `label`.
pub fn mark(label: &str) {
    if let Some(t) = start() {
        eprintln!("[trace] {:8.2} ms  {label}", t.elapsed().as_secs_f64() * 1e3);
    }
}
