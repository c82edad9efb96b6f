//! A plugin that says it speaks a future dialect API version: the host must refuse it.

use strata_dialect_api::{
    Change, Dialect, DialectConnection, DiffOptions, ErrorKind, Manifest, Plan, PlanOptions, PluginError, Realm,
    RenderReply, RenderRequest,
};

struct Future;

fn nope() -> PluginError {
    PluginError::new(ErrorKind::Unsupported, "fixture")
}

impl Dialect for Future {
    fn manifest() -> Manifest {
        Manifest {
            name: "future".into(),
            api_version: 99,
            version: "9.9.9".into(),
            url_schemes: vec!["future".into()],
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
