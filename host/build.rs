//! Links the `strata` executable at a fixed address (not position
//! independent): a PIE of this size has 18,000 relocations for the dynamic
//! loader to apply at every start, and the pages they touch to copy, which
//! cost about a millisecond of each command (`strata --version`: 2.2 against
//! 2.95 ms with packed relocations, more without). Go links its executables
//! the same way (Atlas's included); the plugins stay position independent.
fn main() {
    println!("cargo:rustc-link-arg-bin=strata=-no-pie");
}
