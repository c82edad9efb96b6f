// Exporting a type that does not implement `Dialect` as a plugin.
struct NotADialect;

#[abi_stable::export_root_module]
pub fn get_library() -> strata_dialect_api::DialectModRef {
    strata_dialect_api::root_module::<NotADialect>()
}

fn main() {}
