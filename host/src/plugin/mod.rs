//! Finding and loading dialect plugins; URL scheme → plugin.
//!
//! Plugins are shared libraries named `libstrata_dialect_*.so` (`.dylib`,
//! `strata_dialect_*.dll`) found next to the `strata` executable, in the
//! directories or files of `STRATA_PLUGIN_PATH`, and at `plugin` blocks'
//! paths in atlas.hcl. Libraries are never unloaded (abi_stable does not
//! support it), so everything loaded lives for the process.

mod conn;
mod preload;

pub use conn::Conn;
pub use preload::{Opening, Preload};

use abi_stable::library::{LibraryError, lib_header_from_path};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use strata_dialect_api::{
    API_VERSION, Change, DbUrl, DialectModRef, DiffOptions, Manifest, Plan, PlanOptions, PluginError, Realm,
    RenderReply, RenderRequest,
};

/// A failure to find or load a plugin.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LoadError {
    /// The file could not be loaded as an abi_stable library.
    #[error("loading plugin {path}: {message}")]
    Library {
        /// The file.
        path: PathBuf,
        /// What went wrong, shortened for humans.
        message: String,
    },
    /// The plugin was built against another version of the dialect API.
    #[error(
        "plugin {path} was built against dialect API version {plugin}; this strata speaks version {host}: rebuild the plugin against strata-dialect-api {host}"
    )]
    Incompatible {
        /// The file.
        path: PathBuf,
        /// The plugin's API version.
        plugin: String,
        /// The host's API version.
        host: String,
    },
    /// The plugin's types do not match this host's (abi_stable's layout check).
    #[error(
        "plugin {path} does not match this strata's dialect API {host} ({detail}): rebuild the plugin against strata-dialect-api {host}"
    )]
    Layout {
        /// The file.
        path: PathBuf,
        /// The last lines of abi_stable's report: what differs.
        detail: String,
        /// The host's API version.
        host: String,
    },
    /// The plugin's manifest could not be read.
    #[error("plugin {path}: reading its manifest: {message}")]
    Manifest {
        /// The file.
        path: PathBuf,
        /// What went wrong.
        message: String,
    },
    /// Two plugins claim the same URL scheme.
    #[error("URL scheme {scheme:?} is claimed by two plugins: {first} and {second}")]
    SchemeConflict {
        /// The scheme.
        scheme: String,
        /// The plugin loaded first.
        first: PathBuf,
        /// The plugin loaded second.
        second: PathBuf,
    },
    /// No plugin opens this scheme.
    #[error("unknown URL scheme {scheme:?} in {url}: {known}")]
    UnknownScheme {
        /// The scheme.
        scheme: String,
        /// The URL, password masked.
        url: String,
        /// The schemes that are known, and why others may be missing.
        known: String,
    },
}

/// A loaded dialect plugin.
#[derive(Clone)]
pub struct Driver {
    /// What the plugin says about itself.
    pub manifest: Manifest,
    /// The file it was loaded from.
    pub path: PathBuf,
    module: DialectModRef,
}

impl std::fmt::Debug for Driver {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Driver").field("name", &self.manifest.name).field("path", &self.path).finish()
    }
}

/// Decodes a plugin's JSON reply.
fn decode<T: serde::de::DeserializeOwned>(what: &str, json: &str) -> Result<T, PluginError> {
    serde_json::from_str(json).map_err(|e| PluginError::decode(what, e))
}

fn encode<T: serde::Serialize>(value: &T) -> Result<String, PluginError> {
    serde_json::to_string(value).map_err(|e| PluginError::decode("request", e))
}

impl Driver {
    /// The dialect's name.
    pub fn name(&self) -> &str {
        &self.manifest.name
    }

    /// Opens a connection to `url`.
    ///
    /// # Errors
    /// When the plugin cannot open it.
    pub fn open(&self, url: &DbUrl) -> Result<Conn, PluginError> {
        let inner = self.module.open()(url.as_secret_str().into()).into_result()?;
        Conn::new(self.clone(), url.clone(), inner)
    }

    /// Diffs two realms in the plugin.
    ///
    /// # Errors
    /// When the plugin cannot compare them.
    pub fn diff(&self, from: &Realm, to: &Realm, options: &DiffOptions) -> Result<Vec<Change>, PluginError> {
        let input = encode(&serde_json::json!({ "from": from, "to": to, "options": options }))?;
        let out = self.module.diff()(input.as_str().into()).into_result()?;
        decode("diff reply", &out)
    }

    /// Plans changes in the plugin.
    ///
    /// # Errors
    /// When a change cannot be expressed in the dialect.
    pub fn plan(&self, changes: &[Change], options: &PlanOptions) -> Result<Plan, PluginError> {
        let input = encode(&serde_json::json!({ "changes": changes, "options": options }))?;
        let out = self.module.plan()(input.as_str().into()).into_result()?;
        decode("plan reply", &out)
    }

    /// Asks the plugin for a piece of dialect SQL.
    ///
    /// # Errors
    /// When the plugin does not support the request.
    pub fn render(&self, request: &RenderRequest) -> Result<RenderReply, PluginError> {
        let out = self.module.render()(encode(request)?.as_str().into()).into_result()?;
        decode("render reply", &out)
    }

    /// Quotes an identifier the dialect's way.
    ///
    /// # Errors
    /// When the plugin does not support the request.
    pub fn quote(&self, name: &str) -> Result<String, PluginError> {
        match self.render(&RenderRequest::QuoteIdent { name: name.to_string() })? {
            RenderReply::Text { text } => Ok(text),
            RenderReply::Statements { .. } => Err(PluginError::decode("quote reply", "expected text")),
        }
    }
}

/// Every plugin found, by URL scheme.
///
/// A plugin is loaded (dlopen, abi_stable's checks, its manifest) the first
/// time it is needed. [`Registry::load`] loads every plugin it finds;
/// [`Registry::load_indexed`] takes the manifests of plugins it loaded before
/// from an index in the cache, keyed by each file's identity, and loads only
/// the plugin a URL asks for: a command touching one database pays for one
/// plugin, not all of them.
#[derive(Debug, Default)]
pub struct Registry {
    entries: Vec<Entry>,
    by_scheme: BTreeMap<String, usize>,
    /// Plugins found by directory scan that failed to load; reported when a
    /// scheme is missing, since one of them may be the plugin the user wanted.
    pub failures: Vec<LoadError>,
}

/// One plugin file: its manifest, and the plugin once loaded.
#[derive(Debug)]
struct Entry {
    path: PathBuf,
    manifest: Manifest,
    driver: OnceLock<Result<Driver, String>>,
}

/// Where to look for plugins.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct SearchPath {
    /// Directories scanned for `libstrata_dialect_*` files.
    pub dirs: Vec<PathBuf>,
    /// Files loaded by name; a failure here is an error, not a warning.
    pub files: Vec<PathBuf>,
}

impl SearchPath {
    /// The default search path: next to the executable, then `STRATA_PLUGIN_PATH`
    /// (directories or files, separated like `PATH`), then `extra` files.
    pub fn from_env(extra: &[PathBuf]) -> SearchPath {
        let mut path = SearchPath::default();
        if let Some(dir) = std::env::current_exe().ok().and_then(|e| e.parent().map(Path::to_path_buf)) {
            path.dirs.push(dir);
        }
        if let Some(var) = std::env::var_os("STRATA_PLUGIN_PATH") {
            for entry in std::env::split_paths(&var).filter(|p| !p.as_os_str().is_empty()) {
                if entry.is_dir() {
                    path.dirs.push(entry);
                } else {
                    path.files.push(entry);
                }
            }
        }
        path.files.extend(extra.iter().cloned());
        path
    }
}

fn is_plugin_file(name: &str) -> bool {
    let stem =
        name.strip_suffix(std::env::consts::DLL_SUFFIX).and_then(|s| s.strip_prefix(std::env::consts::DLL_PREFIX));
    stem.is_some_and(|s| s.starts_with("strata_dialect_"))
}

impl Registry {
    /// Loads every plugin on `search`. Files named explicitly must load; plugins
    /// found by scanning that fail are kept in [`Registry::failures`].
    ///
    /// # Errors
    /// When an explicitly named plugin fails to load, or two plugins claim a scheme.
    pub fn load(search: &SearchPath) -> Result<Registry, LoadError> {
        Registry::find(search, None)
    }

    /// Like [`Registry::load`], but a plugin file the index in the cache
    /// directory knows (same path, size, modification and change times,
    /// inode) is only loaded when used; others load now and join the index.
    /// Without a cache directory, the same as [`Registry::load`].
    ///
    /// # Errors
    /// As [`Registry::load`].
    pub fn load_indexed(search: &SearchPath) -> Result<Registry, LoadError> {
        match strata_dialect_api::cache_dir() {
            Some(dir) => Registry::load_indexed_in(search, &dir),
            None => Registry::load(search),
        }
    }

    /// [`Registry::load_indexed`] with the index in `cache_dir`.
    ///
    /// # Errors
    /// As [`Registry::load`].
    pub fn load_indexed_in(search: &SearchPath, cache_dir: &Path) -> Result<Registry, LoadError> {
        let mut index = Index::read(cache_dir.join("plugins.json"));
        let registry = Registry::find(search, Some(&mut index))?;
        index.write();
        Ok(registry)
    }

    /// How many of the plugins found are loaded so far.
    pub fn loaded(&self) -> usize {
        self.entries.iter().filter(|e| e.driver.get().is_some()).count()
    }

    fn find(search: &SearchPath, mut index: Option<&mut Index>) -> Result<Registry, LoadError> {
        let mut registry = Registry::default();
        let mut seen = std::collections::BTreeSet::new();
        for dir in &search.dirs {
            let Ok(entries) = std::fs::read_dir(dir) else { continue };
            let mut files: Vec<PathBuf> = entries
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.file_name().and_then(|n| n.to_str()).is_some_and(is_plugin_file))
                .collect();
            files.sort();
            for file in files {
                let Ok(file) = std::fs::canonicalize(&file) else { continue };
                if !seen.insert(file.clone()) {
                    continue;
                }
                match registry.open(&file, index.as_deref_mut()) {
                    Ok(()) => {}
                    Err(e @ LoadError::SchemeConflict { .. }) => return Err(e),
                    Err(e) => registry.failures.push(e),
                }
            }
        }
        for file in &search.files {
            // dlopen resolves bare names through its own search path, not the
            // working directory: always hand it an absolute path.
            let file = std::fs::canonicalize(file)
                .map_err(|e| LoadError::Library { path: file.clone(), message: e.to_string() })?;
            // Named files (project `plugin` blocks, pinned by hash) must load:
            // they load now, never from the index.
            if seen.insert(file.clone()) {
                registry.open(&file, None)?;
            }
        }
        Ok(registry)
    }

    /// Adds the plugin in `file`: from the index when it knows the file as it
    /// is, else loaded now (and indexed).
    fn open(&mut self, file: &Path, index: Option<&mut Index>) -> Result<(), LoadError> {
        let Some(index) = index else {
            let driver = load_driver(file)?;
            return self.add(file, driver.manifest.clone(), OnceLock::from(Ok(driver)));
        };
        let stamp = file_stamp(file);
        if let Some(manifest) = index.get(file, &stamp) {
            return self.add(file, manifest, OnceLock::new());
        }
        let driver = load_driver(file)?;
        index.put(file, stamp, &driver.manifest);
        self.add(file, driver.manifest.clone(), OnceLock::from(Ok(driver)))
    }

    fn add(
        &mut self,
        path: &Path,
        manifest: Manifest,
        driver: OnceLock<Result<Driver, String>>,
    ) -> Result<(), LoadError> {
        let index = self.entries.len();
        for scheme in &manifest.url_schemes {
            if let Some(&other) = self.by_scheme.get(scheme) {
                return Err(LoadError::SchemeConflict {
                    scheme: scheme.clone(),
                    first: self.entries[other].path.clone(),
                    second: path.to_path_buf(),
                });
            }
            self.by_scheme.insert(scheme.clone(), index);
        }
        self.entries.push(Entry { path: path.to_path_buf(), manifest, driver });
        Ok(())
    }

    /// Every plugin, loaded (those failing to load now are left out).
    pub fn drivers(&self) -> Vec<&Driver> {
        self.entries.iter().filter_map(|e| e.driver().ok()).collect()
    }

    /// The driver for `url`'s scheme (`maria+unix` → `maria`).
    ///
    /// # Errors
    /// [`LoadError::UnknownScheme`] listing the known schemes and load
    /// failures; the plugin's own load error when it fails to load now.
    pub fn driver_for(&self, url: &DbUrl) -> Result<&Driver, LoadError> {
        let base = url.scheme.split('+').next().unwrap_or(&url.scheme);
        if let Some(&i) = self.by_scheme.get(&url.scheme).or_else(|| self.by_scheme.get(base))
            && let Some(entry) = self.entries.get(i)
        {
            return entry
                .driver()
                .map_err(|message| LoadError::Library { path: entry.path.clone(), message: message.clone() });
        }
        let mut known = if self.by_scheme.is_empty() {
            "no dialect plugin was found (looked next to the strata executable and in STRATA_PLUGIN_PATH)".to_string()
        } else {
            format!("known schemes are {}", self.by_scheme.keys().cloned().collect::<Vec<_>>().join(", "))
        };
        for failure in &self.failures {
            known.push_str(&format!("; {failure}"));
        }
        Err(LoadError::UnknownScheme { scheme: url.scheme.clone(), url: url.redacted(), known })
    }
}

impl Entry {
    /// The plugin, loaded on first use; an indexed manifest that no longer
    /// matches the library's own is an error, never a silent switch.
    fn driver(&self) -> Result<&Driver, &String> {
        self.driver
            .get_or_init(|| {
                let driver = load_driver(&self.path).map_err(|e| e.to_string())?;
                if driver.manifest != self.manifest {
                    return Err(format!(
                        "{} changed while strata ran (its manifest differs from the one indexed); run the command again",
                        self.path.display()
                    ));
                }
                Ok(driver)
            })
            .as_ref()
    }
}

/// The manifests of plugins loaded before, by file identity, kept in the
/// cache directory (`plugins.json`): a hint that saves loading a plugin, never
/// trusted past the file it describes.
#[derive(Default, serde::Serialize, serde::Deserialize)]
struct Index {
    #[serde(skip)]
    path: PathBuf,
    #[serde(skip)]
    changed: bool,
    /// The host that checked the manifests (see [`host_identity`]): another
    /// build may judge a plugin differently, so it starts afresh.
    #[serde(default)]
    host: String,
    plugins: BTreeMap<String, Indexed>,
}

/// This strata build: its version, dialect API and executable's identity.
fn host_identity() -> String {
    let exe = std::env::current_exe().ok().and_then(|p| file_stamp(&p)).unwrap_or_default();
    format!("{} api {API_VERSION}.{} exe {exe}", env!("CARGO_PKG_VERSION"), strata_dialect_api::API_MINOR)
}

#[derive(Clone, serde::Serialize, serde::Deserialize)]
struct Indexed {
    stamp: String,
    manifest: Manifest,
}

impl Index {
    fn read(path: PathBuf) -> Index {
        let host = host_identity();
        let mut index: Index = std::fs::read(&path)
            .ok()
            .and_then(|bytes| serde_json::from_slice::<Index>(&bytes).ok())
            .filter(|index| index.host == host)
            .unwrap_or_default();
        index.path = path;
        index.host = host;
        index
    }

    fn get(&self, file: &Path, stamp: &Option<String>) -> Option<Manifest> {
        let entry = self.plugins.get(&file.display().to_string())?;
        (Some(&entry.stamp) == stamp.as_ref()).then(|| entry.manifest.clone())
    }

    fn put(&mut self, file: &Path, stamp: Option<String>, manifest: &Manifest) {
        if let Some(stamp) = stamp {
            self.plugins.insert(file.display().to_string(), Indexed { stamp, manifest: manifest.clone() });
            self.changed = true;
        }
    }

    /// Writes the index when it learned something; failures only cost speed.
    fn write(self) {
        if !self.changed {
            return;
        }
        let Some(dir) = self.path.parent() else { return };
        let Ok(text) = serde_json::to_vec(&self) else { return };
        if std::fs::create_dir_all(dir).is_err() {
            return;
        }
        // Write then rename, so a concurrent reader never sees half a file.
        let tmp = dir.join(format!("plugins.json.{}.tmp", std::process::id()));
        if std::fs::write(&tmp, text).is_ok() {
            let _ = std::fs::rename(&tmp, &self.path);
        }
    }
}

/// A file's identity: size, modification and change times, device and inode.
/// Rebuilding, reinstalling, copying or touching a library changes it (the
/// change time cannot be set back).
pub(crate) fn file_stamp(file: &Path) -> Option<String> {
    let m = std::fs::metadata(file).ok()?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        Some(format!(
            "{}:{}.{}:{}.{}:{}:{}",
            m.size(),
            m.mtime(),
            m.mtime_nsec(),
            m.ctime(),
            m.ctime_nsec(),
            m.dev(),
            m.ino()
        ))
    }
    #[cfg(not(unix))]
    {
        let mtime = m.modified().ok()?.duration_since(std::time::UNIX_EPOCH).ok()?;
        Some(format!("{}:{}", m.len(), mtime.as_nanos()))
    }
}

/// Loads one plugin, with abi_stable's version and layout checks, then the
/// manifest's API version check.
fn load_driver(path: &Path) -> Result<Driver, LoadError> {
    // dlopen maps a truncated library and dies of SIGBUS touching what is not
    // there; a library for another machine fails obscurely: look first.
    precheck(path).map_err(|message| LoadError::Library { path: path.to_path_buf(), message })?;
    let module = lib_header_from_path(path)
        .and_then(|header| header.init_root_module::<DialectModRef>())
        .map_err(|e| library_error(path, e))?;
    let json = module.manifest()()
        .into_result()
        .map_err(|e| LoadError::Manifest { path: path.to_path_buf(), message: e.to_string() })?;
    let manifest: Manifest = serde_json::from_str(&json)
        .map_err(|e| LoadError::Manifest { path: path.to_path_buf(), message: e.to_string() })?;
    check_manifest(&manifest).map_err(|message| LoadError::Manifest { path: path.to_path_buf(), message })?;
    // Same major, and a minor up to ours: what we know is a superset of what
    // the plugin was built to send and expect.
    if manifest.api_version != API_VERSION || manifest.api_minor > strata_dialect_api::API_MINOR {
        return Err(LoadError::Incompatible {
            path: path.to_path_buf(),
            plugin: format!("{}.{}", manifest.api_version, manifest.api_minor),
            host: format!("{API_VERSION}.{}", strata_dialect_api::API_MINOR),
        });
    }
    Ok(Driver { manifest, path: path.to_path_buf(), module })
}

/// A manifest the host can route URLs by: a name, and schemes that are URL
/// schemes (RFC 3986: a letter, then letters, digits, `+`, `-`, `.`), each
/// once. A plugin claiming `""` or `"sql ite"` would never be reached, or
/// reached by accident.
fn check_manifest(m: &Manifest) -> Result<(), String> {
    if m.name.trim().is_empty() {
        return Err("the manifest names no dialect".into());
    }
    if m.url_schemes.is_empty() {
        return Err(format!("dialect {} declares no URL scheme", m.name));
    }
    for (i, scheme) in m.url_schemes.iter().enumerate() {
        let mut chars = scheme.chars();
        let valid = chars.next().is_some_and(|c| c.is_ascii_lowercase())
            && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '+' | '-' | '.'));
        if !valid {
            return Err(format!(
                "dialect {} declares {scheme:?}, which is not a URL scheme (lowercase letters, digits, +, -, .)",
                m.name
            ));
        }
        if m.url_schemes[..i].contains(scheme) {
            return Err(format!("dialect {} declares the URL scheme {scheme:?} twice", m.name));
        }
    }
    Ok(())
}

/// abi_stable's layout errors run to tens of kilobytes; keep the lines a human
/// needs (the last few say what differs).
fn library_error(path: &Path, err: LibraryError) -> LoadError {
    match err {
        LibraryError::IncompatibleVersionNumber { expected_version, actual_version, .. } => LoadError::Incompatible {
            path: path.to_path_buf(),
            // The root module carries MAJOR.0.0 (see dialect-api's abi.rs).
            // Before 2.0 it carried the workspace's 0.x version.
            plugin: if actual_version.major == 0 {
                "1.x or older".to_string()
            } else {
                format!("{}.x", actual_version.major)
            },
            host: format!("{}.{}", expected_version.major, strata_dialect_api::API_MINOR),
        },
        LibraryError::AbiInstability(e) => {
            let text = e.to_string();
            let lines: Vec<&str> = text.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
            let tail = lines[lines.len().saturating_sub(4)..].join(" / ");
            LoadError::Layout {
                path: path.to_path_buf(),
                detail: tail,
                host: format!("{API_VERSION}.{}", strata_dialect_api::API_MINOR),
            }
        }
        LibraryError::GetSymbolError { .. } => LoadError::Library {
            path: path.to_path_buf(),
            message: "not a strata dialect plugin: it exports no root module (a plugin's cdylib exports one with \
                      #[abi_stable::export_root_module])"
                .into(),
        },
        other => {
            let text = other.to_string();
            let first =
                text.lines().map(str::trim).find(|l| !l.is_empty()).unwrap_or("not a loadable library").to_string();
            LoadError::Library { path: path.to_path_buf(), message: first }
        }
    }
}

/// Checks an ELF shared library's header before it is loaded: the right
/// class and machine, and every segment and the section table inside the file.
#[cfg(target_os = "linux")]
fn precheck(path: &Path) -> Result<(), String> {
    use std::io::{Read, Seek, SeekFrom};
    // The ELF header and the program headers only: libraries run to megabytes.
    let mut file = std::fs::File::open(path).map_err(|e| e.to_string())?;
    let len = file.metadata().map_err(|e| e.to_string())?.len();
    let mut bytes = vec![0u8; 64];
    let read = file.read(&mut bytes).map_err(|e| e.to_string())?;
    bytes.truncate(read);
    if let Some(phoff) = bytes.get(32..40).and_then(|b| <[u8; 8]>::try_from(b).ok()).map(u64::from_le_bytes)
        && let Some(size) = bytes
            .get(54..58)
            .map(|b| u64::from(u16::from_le_bytes([b[0], b[1]])) * u64::from(u16::from_le_bytes([b[2], b[3]])))
        && phoff.saturating_add(size) <= len
        && size <= 1 << 20
    {
        let mut table = vec![0u8; usize::try_from(size).unwrap_or(0)];
        file.seek(SeekFrom::Start(phoff)).map_err(|e| e.to_string())?;
        file.read_exact(&mut table).map_err(|e| e.to_string())?;
        // Program headers addressed as if the whole file were read: pad up to them.
        bytes.resize(usize::try_from(phoff).unwrap_or(usize::MAX).min(1 << 24), 0);
        bytes.extend_from_slice(&table);
    }
    let u16_at = |o: usize| bytes.get(o..o + 2).map(|b| u16::from_le_bytes([b[0], b[1]]));
    let u32_at = |o: usize| bytes.get(o..o + 4).and_then(|b| <[u8; 4]>::try_from(b).ok()).map(u32::from_le_bytes);
    let u64_at = |o: usize| bytes.get(o..o + 8).and_then(|b| <[u8; 8]>::try_from(b).ok()).map(u64::from_le_bytes);
    if bytes.get(0..4) != Some(b"\x7fELF".as_slice()) {
        return Err("not a shared library (no ELF header)".into());
    }
    if bytes.get(4) != Some(&2) || bytes.get(5) != Some(&1) {
        return Err("not a 64-bit little-endian library: built for another platform".into());
    }
    let machine = u16_at(18).unwrap_or(0);
    let ours: u16 = if cfg!(target_arch = "x86_64") {
        62
    } else if cfg!(target_arch = "aarch64") {
        183
    } else {
        machine
    };
    if machine != ours {
        return Err(format!("built for another machine (ELF machine {machine}, this one is {ours})"));
    }
    let truncated = || "the file is truncated (its header describes more than it holds)".to_string();
    let (phoff, phentsize, phnum) =
        (u64_at(32).ok_or_else(truncated)?, u16_at(54).ok_or_else(truncated)?, u16_at(56).ok_or_else(truncated)?);
    for i in 0..u64::from(phnum) {
        let at = usize::try_from(phoff + i * u64::from(phentsize)).map_err(|_| truncated())?;
        let (kind, offset, filesz) = (
            u32_at(at).ok_or_else(truncated)?,
            u64_at(at + 8).ok_or_else(truncated)?,
            u64_at(at + 32).ok_or_else(truncated)?,
        );
        // PT_LOAD segments are what the loader maps.
        if kind == 1 && offset.saturating_add(filesz) > len {
            return Err(truncated());
        }
    }
    let (shoff, shentsize, shnum) =
        (u64_at(40).ok_or_else(truncated)?, u16_at(58).ok_or_else(truncated)?, u16_at(60).ok_or_else(truncated)?);
    if shoff.saturating_add(u64::from(shentsize) * u64::from(shnum)) > len {
        return Err(truncated());
    }
    Ok(())
}

#[cfg(not(target_os = "linux"))]
fn precheck(_: &Path) -> Result<(), String> {
    Ok(())
}

/// The sha256 of a file, lowercase hex.
///
/// # Errors
/// When the file cannot be read.
pub fn sha256_of(path: &Path) -> Result<String, String> {
    use sha2::{Digest, Sha256};
    let bytes = std::fs::read(path).map_err(|e| format!("reading {}: {e}", path.display()))?;
    Ok(Sha256::digest(&bytes).iter().map(|b| format!("{b:02x}")).collect())
}

/// Whether a plugin file a project names may be loaded: its sha256 equals the
/// pin, or (unpinned) the user allowed the path in `STRATA_PLUGIN_ALLOW`. A
/// repository someone cloned must not run a library it ships on its own say.
///
/// # Errors
/// What is wrong and what to do, without the location (the caller adds it).
pub fn check_pin(path: &Path, pinned: Option<&str>) -> Result<(), String> {
    let actual = sha256_of(path)?;
    match pinned {
        Some(want) if want.eq_ignore_ascii_case(&actual) => Ok(()),
        Some(want) => Err(format!(
            "the sha256 of {} is {actual}, not the pinned {want}: refusing to load it (a changed file needs a new pin)",
            path.display()
        )),
        None => {
            let canonical = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
            let allowed = std::env::var_os("STRATA_PLUGIN_ALLOW").is_some_and(|v| {
                std::env::split_paths(&v).any(|p| std::fs::canonicalize(&p).unwrap_or(p) == canonical)
            });
            if allowed {
                Ok(())
            } else {
                Err(format!(
                    "{} is not pinned: after checking the file, add sha256 = \"{actual}\" to the plugin block, \
                     or allow the path for yourself with STRATA_PLUGIN_ALLOW",
                    path.display()
                ))
            }
        }
    }
}

/// Loads one plugin file and checks its ABI, without opening anything: what
/// `strata plugin verify` reports.
///
/// # Errors
/// The file is not a plugin, was built for another platform or API, or its
/// manifest does not decode.
pub fn verify(path: &Path) -> Result<Driver, LoadError> {
    let file = std::fs::canonicalize(path)
        .map_err(|e| LoadError::Library { path: path.to_path_buf(), message: e.to_string() })?;
    load_driver(&file)
}
