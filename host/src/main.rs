//! The `strata` binary: everything happens in the library; this only exits.

fn main() {
    grow_heaps_in_large_steps();
    strata::trace::init();
    strata::panic_hook::install();
    std::process::exit(strata::panic_hook::exit_code(strata::cli::main));
}

/// A run lives for milliseconds and allocates most of what it needs in its
/// first few, on two or three threads at once. glibc grows the heap a few
/// pages at a time, a system call each, and each one stalls the other
/// threads' page faults; asking for 32 MiB more at a time costs address
/// space only (untouched pages are never mapped in). A warm SQLite
/// `migrate down 50` runs 2.5 ms (11%) faster for it (bench/README.md).
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn grow_heaps_in_large_steps() {
    // SAFETY: mallopt sets one of glibc's tunables and takes no pointer; no
    // other thread exists yet.
    unsafe {
        libc::mallopt(libc::M_TOP_PAD, 32 << 20);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn grow_heaps_in_large_steps() {}
