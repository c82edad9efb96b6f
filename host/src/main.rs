//! The `strata` binary: everything happens in the library; this only exits.

fn main() {
    std::process::exit(strata::cli::main());
}
