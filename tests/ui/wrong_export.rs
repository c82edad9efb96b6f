// The exported function must return the root module, not something else the
// plugin has at hand.
#[abi_stable::export_root_module]
pub fn get_library() -> strata_dialect_api::Manifest {
    unimplemented!()
}

fn main() {}
