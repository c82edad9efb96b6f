// A connection crosses to the host, which may use it from another thread than
// the one that opened it: it must be `Send` (an `Rc` inside is not).
use std::rc::Rc;
use std::time::Duration;
use strata_dialect_api::{
    ConnInfo, DialectConnection, InspectOptions, PluginError, Realm, Rows, SqlValue,
};

struct Shared {
    cache: Rc<String>,
}

impl DialectConnection for Shared {
    fn info(&self) -> ConnInfo {
        ConnInfo { version: self.cache.to_string(), ..ConnInfo::default() }
    }
    fn inspect(&mut self, _: &InspectOptions) -> Result<Realm, PluginError> {
        Ok(Realm::default())
    }
    fn exec(&mut self, _: &str, _: &[SqlValue]) -> Result<u64, PluginError> {
        Ok(0)
    }
    fn query(&mut self, _: &str, _: &[SqlValue]) -> Result<Rows, PluginError> {
        Ok(Rows::default())
    }
    fn begin(&mut self) -> Result<(), PluginError> {
        Ok(())
    }
    fn commit(&mut self) -> Result<(), PluginError> {
        Ok(())
    }
    fn rollback(&mut self) -> Result<(), PluginError> {
        Ok(())
    }
    fn lock(&mut self, _: &str, _: Duration) -> Result<(), PluginError> {
        Ok(())
    }
    fn unlock(&mut self, _: &str) -> Result<(), PluginError> {
        Ok(())
    }
    fn close(&mut self) -> Result<(), PluginError> {
        Ok(())
    }
}

fn main() {}
