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
    /// The deployment registry's URL (the `registry` block, else the default).
    registry: String,
}

impl Resolver {
    /// A resolver for a project file in `base`.
    pub fn new(base: PathBuf) -> Resolver {
        let registry = crate::registry::default_url(&base);
        Resolver { base, plugins: None, registry }
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

/// An optional non-empty string attribute.
fn optional_text(attrs: &Map<String, Value>, key: &str) -> Result<Option<String>, String> {
    match attrs.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if !s.is_empty() => Ok(Some(s.clone())),
        Some(other) => Err(format!("attribute {key:?} must be a non-empty string, got {other}")),
    }
}

/// `data "cloud_databases" { repo, env }`: the targets of `env` as the
/// deployment registry last saw them (`targets[i].current_version`, `.url`
/// without credentials, `.status`, `.deployed_at`, `.operator`).
fn cloud_databases(plugins: &Registry, registry: &str, attrs: &Map<String, Value>) -> Result<Value, String> {
    let text = |key: &str| optional_text(attrs, key);
    let env = text("env")?.ok_or("missing required attribute \"env\" (the env whose targets to read)")?;
    let repo = text("repo")?;
    let mut ledger = crate::registry::Ledger::open(plugins, registry).map_err(|e| e.to_string())?;
    let targets = ledger.targets(repo.as_deref(), &env).map_err(|e| e.to_string())?;
    if targets.is_empty() {
        let what = repo.map_or_else(String::new, |r| format!(" of repo {r:?}"));
        return Err(format!(
            "the deployment registry {} has no deployment{what} to env {env:?}: deploy there first",
            ledger.url()
        ));
    }
    let count = targets.len();
    Ok(serde_json::json!({ "targets": targets, "count": count }))
}

/// `data "remote_dir" { name, tag }`: a directory pushed to the registry;
/// `.url` is its `atlas://` URL.
fn remote_dir(plugins: &Registry, registry: &str, attrs: &Map<String, Value>) -> Result<Value, String> {
    let text = |key: &str| optional_text(attrs, key);
    let name = text("name")?.ok_or("missing required attribute \"name\" (the directory's name in the registry)")?;
    let tag = text("tag")?;
    let mut ledger = crate::registry::Ledger::open(plugins, registry).map_err(|e| e.to_string())?;
    let snapshot = ledger.dir(&name, tag.as_deref()).map_err(|e| e.to_string())?;
    let Some(snapshot) = snapshot else {
        let what = tag.map_or_else(|| "no snapshot".to_string(), |t| format!("no tag {t:?}"));
        return Err(format!("the deployment registry {} has {what} of directory {name:?}", ledger.url()));
    };
    Ok(serde_json::json!({ "url": format!("atlas://{name}?tag={}", snapshot.tag), "tag": snapshot.tag }))
}

impl DataSources for Resolver {
    fn registry(&mut self, url: Option<&str>) {
        if let Some(url) = url {
            self.registry = url.to_string();
        }
    }

    fn resolve(&mut self, kind: &str, name: &str, attrs: &Map<String, Value>) -> Result<Value, String> {
        let _ = name;
        match kind {
            "sql" => {
                let plugins = self.plugins()?;
                sql::resolve(plugins, attrs)
            }
            "external" => external::resolve(&self.base, attrs),
            "cloud_databases" => {
                let url = self.registry.clone();
                cloud_databases(self.plugins()?, &url, attrs)
            }
            "remote_dir" => {
                let url = self.registry.clone();
                remote_dir(self.plugins()?, &url, attrs)
            }
            other => Err(format!("unsupported data source kind {other:?}")),
        }
    }
}
