// A connection that forgets `query` (and the rest): the trait requires them all.
use strata_dialect_api::{ConnInfo, DialectConnection, InspectOptions, PluginError, Realm, SqlValue};

struct Half;

impl DialectConnection for Half {
    fn info(&self) -> ConnInfo {
        ConnInfo::default()
    }
    fn inspect(&mut self, _: &InspectOptions) -> Result<Realm, PluginError> {
        Ok(Realm::default())
    }
    fn exec(&mut self, _: &str, _: &[SqlValue]) -> Result<u64, PluginError> {
        Ok(0)
    }
}

fn main() {}
