//! Answers `data "<kind>" "<name>"` blocks of atlas.hcl for the config loader:
//! `sql` and `external` (as Atlas does), and `cloud_databases` / `remote_dir`
//! from Strata's own deployment registry instead of a hosted service.

mod external;
mod sql;

use std::path::PathBuf;

use serde_json::{Map, Value};

use crate::config::DataSources;
use crate::plugin::{Registry, SearchPath};

/// The data source resolver handed to [`crate::config::load`].
pub struct Resolver {
    /// The project file's directory: relative paths resolve from there.
    base: PathBuf,
    /// Dialect plugins, loaded when a data source first needs a database.
    plugins: Option<Registry>,
}

impl Resolver {
    /// A resolver for a project file in `base`.
    pub fn new(base: PathBuf) -> Resolver {
        Resolver { base, plugins: None }
    }

    /// The dialect plugins (the default search path: data sources are
    /// evaluated before the project's own `plugin` blocks take effect).
    fn plugins(&mut self) -> Result<&Registry, String> {
        if self.plugins.is_none() {
            self.plugins = Some(Registry::load(&SearchPath::from_env(&[])).map_err(|e| e.to_string())?);
        }
        self.plugins.as_ref().ok_or_else(|| "internal logic error: no plugins".to_string())
    }
}

impl DataSources for Resolver {
    fn resolve(&mut self, kind: &str, name: &str, attrs: &Map<String, Value>) -> Result<Value, String> {
        let _ = name;
        match kind {
            "sql" => {
                let plugins = self.plugins()?;
                sql::resolve(plugins, attrs)
            }
            "external" => external::resolve(&self.base, attrs),
            other => Err(format!("unsupported data source kind {other:?}")),
        }
    }
}
