//! A plugin that says it speaks another dialect API version: the host must
//! refuse a future major or minor version, and accept an older minor one.
//! `STRATA_FIXTURE_API=MAJOR.MINOR` (read when the host asks) picks the
//! version; the default is 99.0.

use strata_dialect_api::{
    Change, Dialect, DialectConnection, DiffOptions, ErrorKind, Manifest, Plan, PlanOptions, PluginError, Realm,
    RenderReply, RenderRequest,
};

struct Future;

fn version() -> (u32, u32) {
    let text = std::env::var("STRATA_FIXTURE_API").unwrap_or_default();
    let (major, minor) = text.split_once('.').unwrap_or(("99", "0"));
    (major.parse().unwrap_or(99), minor.parse().unwrap_or(0))
}

/// `STRATA_FIXTURE_SCHEMES` (comma-separated; empty: none) replaces the
/// schemes the manifest claims, so tests can make it lie.
fn schemes() -> Vec<String> {
    match std::env::var("STRATA_FIXTURE_SCHEMES") {
        Ok(list) if list.is_empty() => Vec::new(),
        Ok(list) => list.split(',').map(String::from).collect(),
        Err(_) => vec!["future".into()],
    }
}

fn nope() -> PluginError {
    PluginError::new(ErrorKind::Unsupported, "fixture")
}

impl Dialect for Future {
    fn manifest() -> Manifest {
        Manifest {
            name: "future".into(),
            api_version: version().0,
            api_minor: version().1,
            version: "9.9.9".into(),
            url_schemes: schemes(),
            capabilities: Default::default(),
            lexer: Default::default(),
        }
    }
    fn open(_: &str) -> Result<Box<dyn DialectConnection>, PluginError> {
        Err(nope())
    }
    fn diff(_: &Realm, _: &Realm, _: &DiffOptions) -> Result<Vec<Change>, PluginError> {
        Err(nope())
    }
    fn plan(_: &[Change], _: &PlanOptions) -> Result<Plan, PluginError> {
        Err(nope())
    }
    fn render(_: &RenderRequest) -> Result<RenderReply, PluginError> {
        Err(nope())
    }
}

/// The root module.
#[abi_stable::export_root_module]
pub fn get_library() -> strata_dialect_api::DialectModRef {
    strata_dialect_api::root_module::<Future>()
}
