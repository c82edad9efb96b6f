//! The `strata` binary: everything happens in the library; this only exits.

fn main() {
    strata::trace::init();
    strata::panic_hook::install();
    std::process::exit(strata::panic_hook::exit_code(strata::cli::main));
}
