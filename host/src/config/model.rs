//! The evaluated project: what the rest of Strata reads from `atlas.hcl`.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;

use super::error::Location;

/// Resolves `data "<kind>" "<name>" { ... }` blocks (Atlas data sources such as `sql`,
/// `external`, `template_dir`).
///
/// The reader calls it only for data blocks that the selected env (or a top-level block the
/// reader must evaluate, such as a `variable` default or a `plugin` path) references, at most
/// once per block.
pub trait DataSources {
    /// Evaluates one data source from its evaluated attributes and nested blocks, returning the
    /// value that `data.<kind>.<name>` stands for.
    ///
    /// # Errors
    ///
    /// A message (lowercase, no final period), reported at the `data` block. An unknown `kind`
    /// must be an error such as `unsupported data source kind "x"`.
    fn resolve(
        &mut self,
        kind: &str,
        name: &str,
        attrs: &serde_json::Map<String, serde_json::Value>,
    ) -> Result<serde_json::Value, String>;

    /// Told the `registry` block's `url` (`None`: the file has none) before any env is
    /// evaluated, for data sources the deployment registry answers.
    fn registry(&mut self, url: Option<&str>) {
        let _ = url;
    }
}

/// What [`load`](super::load) needs besides the file.
#[derive(Default)]
pub struct LoadOptions {
    /// The `--env` value; `None` validates the file and selects no env.
    pub env: Option<String>,
    /// `--var` values, already split by [`parse_var_flag`](super::parse_var_flag). A key given
    /// several times becomes a `list(string)`.
    pub vars: Vec<(String, String)>,
    /// Resolver for `data` blocks. A `RefCell` because the resolver may keep state (a cache,
    /// open connections) while `load` only borrows the options.
    pub data_sources: Option<RefCell<Box<dyn DataSources>>>,
}

impl LoadOptions {
    /// Returns the options with `resolver` handling `data` blocks.
    pub fn with_data_sources(mut self, resolver: impl DataSources + 'static) -> Self {
        self.data_sources = Some(RefCell::new(Box::new(resolver)));
        self
    }
}

impl fmt::Debug for LoadOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LoadOptions")
            .field("env", &self.env)
            .field("vars", &self.vars)
            .field("data_sources", &self.data_sources.as_ref().map(|_| ".."))
            .finish()
    }
}

/// The evaluated project file.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Project {
    /// The env instances selected by `--env`, in file order (several with `for_each` or when
    /// several blocks share the name); empty without `--env`.
    pub envs: Vec<Env>,
    /// Dialect plugin libraries declared by top-level `plugin "name" { path, sha256 }` blocks
    /// (a Strata extension), paths resolved against the config file's directory.
    pub plugins: Vec<PluginDecl>,
    /// The `registry { url = ... }` block's URL (a Strata extension): the deployment registry.
    pub registry: Option<String>,
    /// `policy "NAME"` rules (a Strata extension), checked when the file was read.
    pub policies: Vec<super::rules::Rule>,
}

/// A `plugin "name" { path = ..., sha256 = ... }` block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PluginDecl {
    /// The block's label.
    pub name: String,
    /// The library, resolved against the config file's directory.
    pub path: PathBuf,
    /// The pinned sha256 of the file (lowercase hex), if the block pins one.
    pub sha256: Option<String>,
    /// Where the block is.
    pub location: Location,
}

/// The `migration { ... }` block of an env.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Migration {
    /// `dir`: migration directory URL (`file://migrations`, `atlas://app`).
    pub dir: Option<String>,
    /// `format`: directory format (`atlas`, `golang-migrate`, `goose`, `flyway`, `liquibase`,
    /// `dbmate`).
    pub format: Option<String>,
    /// `baseline`: baseline version.
    pub baseline: Option<String>,
    /// `exec_order`, normalized to the `--exec-order` flag spelling: `linear`, `linear-skip` or
    /// `non-linear`.
    pub exec_order: Option<String>,
    /// `revisions_schema`: schema of the revisions table.
    pub revisions_schema: Option<String>,
    /// `to_version`: the version apply stops at.
    pub to_version: Option<String>,
    /// `lock_timeout`: how long to wait for the migration lock (a duration such as `10s`).
    pub lock_timeout: Option<String>,
    /// `tx_mode` (Strata extension of the `--tx-mode` flag): `file`, `all` or `none`.
    pub tx_mode: Option<String>,
    /// `exclude`: patterns of objects to ignore.
    pub exclude: Vec<String>,
    /// `repo = "NAME"` (or Atlas's `repo { name = "NAME" }`): the directory's name in the
    /// deployment registry; the directory's folder name when unset.
    pub repo: Option<String>,
}

/// One evaluated env instance.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Env {
    /// The env's name (label, or `name` attribute of an unlabeled block).
    pub name: String,
    /// `url`: the target database.
    pub url: Option<String>,
    /// `dev`: the dev database.
    pub dev: Option<String>,
    /// `src`: desired-state sources (string or list in the file).
    pub src: Vec<String>,
    /// `schemas`: schemas to manage.
    pub schemas: Vec<String>,
    /// `exclude`: patterns of objects to ignore.
    pub exclude: Vec<String>,
    /// The `migration` block.
    pub migration: Migration,
    /// The env's `lint` block merged over the top-level one (env values win); `Null` if neither
    /// exists. Read by the lint policies.
    pub lint: serde_json::Value,
    /// Every other attribute and block (`diff`, `format`, `tenant = each.value`, ...), evaluated.
    /// Top-level `diff` and `test` blocks are merged under the env's own.
    pub attrs: BTreeMap<String, serde_json::Value>,
    locations: BTreeMap<String, Location>,
}

impl Env {
    /// Creates an env with only a name, for callers that build envs without a file.
    pub fn new(name: impl Into<String>) -> Self {
        Env { name: name.into(), ..Env::default() }
    }

    /// Where `field` came from in the file, to point errors at it.
    ///
    /// `field` is `env` (the block), a top-level attribute or block name (`url`, `dev`,
    /// `schemas`, `migration`, `lint`, or any key of [`Env::attrs`]), or `migration.<attr>`
    /// (`migration.dir`, `migration.baseline`, ...). Attributes point at their value.
    pub fn location(&self, field: &str) -> Option<Location> {
        self.locations.get(field).cloned()
    }

    /// Records where `field` came from (see [`Env::location`]).
    pub fn set_location(&mut self, field: impl Into<String>, location: Location) {
        self.locations.insert(field.into(), location);
    }
}
