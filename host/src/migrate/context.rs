//! What every pipeline reads besides its own options: the plugins, the
//! selected env, the deployment registry and who runs the command. Resolving
//! a flag against the env lives here too, so the library and `cli` agree.

use crate::config::{self, Env};
use crate::error::Error;
use crate::plan::{DevDb, Source};
use crate::plugin::Registry;
use std::path::PathBuf;

/// Everything a pipeline needs besides its own options.
#[derive(Clone)]
pub struct Context {
    /// The dialect plugins.
    pub registry: std::sync::Arc<Registry>,
    /// The selected env instance (one per `for_each` value), if `--env` was given.
    pub env: Option<Env>,
    /// The project file's directory: relative paths in it resolve from there.
    pub base: PathBuf,
    /// The deployment registry's URL (the `registry` block, else a SQLite file
    /// under the project).
    pub ledger_url: String,
    /// Who runs the command (`--operator`, else the OS user).
    pub operator: String,
    /// The project's `policy` rules.
    pub rules: std::sync::Arc<Vec<config::Rule>>,
    /// The target the command line named, if it is being opened already
    /// (see [`crate::plugin::Preload`]).
    pub opening: crate::plugin::Opening,
}

impl Context {
    /// The policies a run is checked against: the env's `lint` block and the project's rules.
    pub fn policies(&self) -> Result<super::Policies, Error> {
        let lint = self.env.as_ref().map_or(serde_json::Value::Null, |e| e.lint.clone());
        super::Policies::new(&lint, self.rules.to_vec(), self.env.as_ref().map(|e| e.name.clone()))
    }

    /// Opens the deployment registry.
    pub fn ledger(&self) -> Result<crate::registry::Ledger, Error> {
        crate::registry::Ledger::open(&self.registry, &self.ledger_url)
    }

    /// A flag's value, else the env's.
    pub fn pick(&self, flag: &Option<String>, from_env: impl Fn(&Env) -> Option<String>) -> Option<String> {
        flag.clone().or_else(|| self.env.as_ref().and_then(from_env))
    }

    /// The target URL, required.
    pub fn url(&self, flag: &Option<String>) -> Result<String, Error> {
        self.pick(flag, |e| e.url.clone()).ok_or_else(|| {
            Error::Usage("required flag \"url\" not set (pass --url, or --env with an env that sets url)".into())
        })
    }

    /// The dev URL: flag, env, or the embedded SQLite database when the target is SQLite.
    pub fn dev(&self, flag: &Option<String>, target: Option<&str>) -> Result<String, Error> {
        if let Some(dev) = self.pick(flag, |e| e.dev.clone()) {
            return Ok(dev);
        }
        match target {
            Some(t) if t.starts_with("sqlite") => Ok(crate::plan::EMBEDDED_DEV.to_string()),
            _ => Err(Error::Usage(
                "--dev-url cannot be empty: pass a URL of an empty database of the same dialect".into(),
            )),
        }
    }

    /// The migration directory's URL as given (flag, env, or the default).
    pub fn dir_url(&self, flag: &Option<String>) -> (String, bool) {
        match flag {
            Some(f) => (f.clone(), false),
            None => match self.env.as_ref().and_then(|e| e.migration.dir.clone()) {
                Some(d) => (d, true),
                None => ("file://migrations".to_string(), false),
            },
        }
    }

    /// The migration directory path (`file://` stripped), resolved against the
    /// project file; an `atlas://NAME[?tag=T]` directory is checked out of the
    /// deployment registry under `.strata/dirs`.
    pub fn dir(&self, flag: &Option<String>) -> Result<PathBuf, Error> {
        let (text, from_config) = self.dir_url(flag);
        if let Some((repo, tag)) = crate::registry::parse_dir_url(&text).map_err(Error::Usage)? {
            let snapshot = self.ledger()?.dir(&repo, tag.as_deref())?.ok_or_else(|| {
                let what = tag.as_ref().map_or_else(|| "no snapshot".to_string(), |t| format!("no tag {t:?}"));
                Error::Usage(format!(
                    "the deployment registry has {what} of directory {repo:?} (push one with: strata migrate push {repo}{} --dir file://migrations)",
                    tag.as_ref().map(|t| format!(":{t}")).unwrap_or_default()
                ))
            })?;
            return snapshot.checkout(&self.base.join(".strata").join("dirs")).map_err(Error::Failed);
        }
        let path = text
            .strip_prefix("file://")
            .ok_or_else(|| Error::Usage(format!("missing scheme for dir url. Did you mean \"file://{text}\"?")))?;
        let path = if path.is_empty() { "migrations" } else { path };
        let path = PathBuf::from(path);
        Ok(if from_config && path.is_relative() { self.base.join(path) } else { path })
    }

    /// `--exec-order`, else the env's `migration { exec_order }`, else linear.
    pub fn exec_order(&self, flag: &Option<String>) -> Result<super::ExecOrder, Error> {
        self.pick(flag, |e| e.migration.exec_order.clone())
            .map(|t| t.parse::<super::ExecOrder>())
            .transpose()
            .map_err(Error::Usage)
            .map(Option::unwrap_or_default)
    }

    /// Opens the dev database a source needs (files only).
    pub fn dev_for(
        &self,
        flag: &Option<String>,
        sources: &[&Source],
        hint: Option<&str>,
    ) -> Result<Option<DevDb>, Error> {
        if !sources.iter().any(|s| matches!(s, Source::Files(_))) {
            return Ok(None);
        }
        let dev = self.dev(flag, hint)?;
        DevDb::open(&self.registry, &dev).map(Some)
    }
}
