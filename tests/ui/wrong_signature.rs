// `open` must return a connection or a PluginError, not a bare String.
use strata_dialect_api::{Change, Dialect, DiffOptions, Manifest, Plan, PlanOptions, PluginError, Realm, RenderReply, RenderRequest};

struct Wrong;

impl Dialect for Wrong {
    fn manifest() -> Manifest {
        unimplemented!()
    }
    fn open(url: &str) -> String {
        url.to_string()
    }
    fn diff(_: &Realm, _: &Realm, _: &DiffOptions) -> Result<Vec<Change>, PluginError> {
        Ok(Vec::new())
    }
    fn plan(_: &[Change], _: &PlanOptions) -> Result<Plan, PluginError> {
        Ok(Plan::default())
    }
    fn render(_: &RenderRequest) -> Result<RenderReply, PluginError> {
        unimplemented!()
    }
}

fn main() {}
