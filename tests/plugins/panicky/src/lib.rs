//! A plugin that panics when it opens a connection: the host must report an
//! error, not abort.

use strata_dialect_api::{
    API_VERSION, Change, Dialect, DialectConnection, DiffOptions, ErrorKind, Manifest, Plan, PlanOptions, PluginError,
    Realm, RenderReply, RenderRequest,
};

struct Panicky;

impl Dialect for Panicky {
    fn manifest() -> Manifest {
        Manifest {
            name: "panicky".into(),
            api_version: API_VERSION,
            version: "0.0.1".into(),
            url_schemes: vec!["panicky".into()],
            capabilities: Default::default(),
            lexer: Default::default(),
        }
    }
    #[allow(clippy::panic)]
    fn open(url: &str) -> Result<Box<dyn DialectConnection>, PluginError> {
        // The URL, password included, as a careless plugin might print it.
        panic!("fixture panic while opening {url}");
    }
    fn diff(_: &Realm, _: &Realm, _: &DiffOptions) -> Result<Vec<Change>, PluginError> {
        Err(PluginError::new(ErrorKind::Unsupported, "fixture"))
    }
    fn plan(_: &[Change], _: &PlanOptions) -> Result<Plan, PluginError> {
        Err(PluginError::new(ErrorKind::Unsupported, "fixture"))
    }
    fn render(_: &RenderRequest) -> Result<RenderReply, PluginError> {
        Err(PluginError::new(ErrorKind::Unsupported, "fixture"))
    }
}

/// The root module.
#[abi_stable::export_root_module]
pub fn get_library() -> strata_dialect_api::DialectModRef {
    strata_dialect_api::root_module::<Panicky>()
}
