//! A plugin built against a different root-module layout (as if against another
//! release of strata-dialect-api): abi_stable's layout check must refuse it cleanly.

use abi_stable::{
    StableAbi, declare_root_module_statics, library::RootModule, prefix_type::PrefixTypeTrait,
    sabi_types::VersionStrings, std_types::RString,
};

/// Same names as the real root module, another field type.
#[repr(C)]
#[derive(StableAbi)]
#[sabi(kind(Prefix(prefix_ref = DialectModRef)))]
#[sabi(missing_field(panic))]
pub struct DialectMod {
    /// Returns a number where the host expects a result.
    #[sabi(last_prefix_field)]
    pub manifest: extern "C" fn() -> u64,
}

impl RootModule for DialectModRef {
    declare_root_module_statics! {DialectModRef}
    const BASE_NAME: &'static str = "strata_dialect";
    const NAME: &'static str = "strata_dialect";
    // The version the real root module carries, so the layout check is reached.
    const VERSION_STRINGS: VersionStrings = VersionStrings::new("2.0.0");
}

extern "C" fn manifest() -> u64 {
    let _ = RString::new();
    42
}

/// The root module.
#[abi_stable::export_root_module]
pub fn get_library() -> DialectModRef {
    DialectMod { manifest }.leak_into_prefix()
}
