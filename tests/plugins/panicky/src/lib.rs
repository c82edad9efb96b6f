//! A plugin that panics when it opens a connection (or, for `panicky://info`,
//! when asked for the connection's facts): the host must report an error, not
//! abort and not guess.

use std::time::Duration;
use strata_dialect_api::{
    API_VERSION, Change, ConnInfo, Dialect, DialectConnection, DiffOptions, ErrorKind, InspectOptions, Manifest, Plan,
    PlanOptions, PluginError, Realm, RenderReply, RenderRequest, Rows, SqlValue,
};

/// A connection whose `info` panics; everything else is unsupported.
struct PanicsInInfo;

fn unsupported<T>() -> Result<T, PluginError> {
    Err(PluginError::new(ErrorKind::Unsupported, "fixture"))
}

impl DialectConnection for PanicsInInfo {
    #[allow(clippy::panic)]
    fn info(&self) -> ConnInfo {
        panic!("fixture panic in info");
    }
    fn inspect(&mut self, _: &InspectOptions) -> Result<Realm, PluginError> {
        unsupported()
    }
    fn exec(&mut self, _: &str, _: &[SqlValue]) -> Result<u64, PluginError> {
        unsupported()
    }
    fn query(&mut self, _: &str, _: &[SqlValue]) -> Result<Rows, PluginError> {
        unsupported()
    }
    fn begin(&mut self) -> Result<(), PluginError> {
        unsupported()
    }
    fn commit(&mut self) -> Result<(), PluginError> {
        unsupported()
    }
    fn rollback(&mut self) -> Result<(), PluginError> {
        unsupported()
    }
    fn lock(&mut self, _: &str, _: Duration) -> Result<(), PluginError> {
        unsupported()
    }
    fn unlock(&mut self, _: &str) -> Result<(), PluginError> {
        unsupported()
    }
    fn close(&mut self) -> Result<(), PluginError> {
        Ok(())
    }
}

struct Panicky;

impl Dialect for Panicky {
    fn manifest() -> Manifest {
        Manifest {
            name: "panicky".into(),
            api_version: API_VERSION,
            api_minor: strata_dialect_api::API_MINOR,
            version: "0.0.1".into(),
            url_schemes: vec!["panicky".into()],
            capabilities: Default::default(),
            lexer: Default::default(),
        }
    }
    #[allow(clippy::panic)]
    fn open(url: &str) -> Result<Box<dyn DialectConnection>, PluginError> {
        if url.starts_with("panicky://info") {
            return Ok(Box::new(PanicsInInfo));
        }
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
