//! The ClickHouse dialect exported as a strata plugin. The implementation lives
//! in the `strata-clickhouse` library so tests can link it; this crate only exports it.

/// The plugin's root module.
#[abi_stable::export_root_module]
pub fn get_library() -> strata_dialect_api::DialectModRef {
    strata_dialect_api::root_module::<strata_clickhouse::ClickHouse>()
}
