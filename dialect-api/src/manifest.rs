use serde::{Deserialize, Serialize};

/// The major version of the data crossing the boundary, independent of the
/// crate's own version. A plugin of another major version is refused.
pub const API_VERSION: u32 = 1;

/// The minor version: grows when the API grows compatibly (a field with a
/// default, an attribute). A host accepts a plugin of its major version and a
/// minor version up to its own; a plugin built against a newer minor is
/// refused (it may send what this host does not know). History: 1.0 the first
/// release; 1.1 `attrs` on checks and foreign keys; 1.2 [`crate::SqlValue::Bytes`]
/// and [`crate::ErrorKind::ReadOnly`], with both types growable from here on.
///
/// The crate's own package version is `API_VERSION.API_MINOR.patch`.
pub const API_MINOR: u32 = 2;

/// What a plugin says about itself; returned as JSON by [`crate::DialectMod::manifest`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    /// The dialect's name, e.g. `sqlite`.
    pub name: String,
    /// The [`API_VERSION`] (major) the plugin was built against.
    pub api_version: u32,
    /// The [`API_MINOR`] the plugin was built against (absent: 0).
    #[serde(default)]
    pub api_minor: u32,
    /// The plugin's own version.
    #[serde(default)]
    pub version: String,
    /// URL schemes the plugin opens, e.g. `["sqlite", "sqlite3"]`.
    pub url_schemes: Vec<String>,
    /// What the planner and executor must know about the dialect.
    pub capabilities: Capabilities,
    /// How migration files of this dialect are split into statements.
    pub lexer: LexerOptions,
}

/// Behaviour a dialect declares once instead of the host probing for it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Capabilities {
    /// DDL statements can run inside a transaction and roll back.
    pub transactional_ddl: bool,
    /// The dialect has a migration lock (advisory lock, `GET_LOCK`, lock file).
    pub advisory_locks: bool,
    /// The database has schemas (namespaces) inside one connection.
    pub schemas: bool,
    /// Indexes can be built without blocking writes (`CONCURRENTLY`).
    pub concurrent_index: bool,
    /// How bound parameters are written in SQL text.
    pub placeholder: Placeholder,
}

/// How the host writes a bound parameter in SQL it sends with arguments.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Placeholder {
    /// `?` for every argument.
    #[default]
    Question,
    /// `$1`, `$2`, ...
    Dollar,
}

impl Placeholder {
    /// The placeholder for the argument at 1-based position `n`.
    pub fn nth(self, n: usize) -> String {
        match self {
            Placeholder::Question => "?".to_string(),
            Placeholder::Dollar => format!("${n}"),
        }
    }
}

/// Statement-splitting rules of the dialect (Atlas's scanner options).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct LexerOptions {
    /// `BEGIN … END` blocks are one statement.
    pub match_begin: bool,
    /// `BEGIN ATOMIC … END` bodies are one statement.
    pub begin_atomic: bool,
    /// `$tag$ … $tag$` quoting.
    pub dollar_quote: bool,
    /// `\` escapes the next character inside quotes.
    pub backslash_escapes: bool,
    /// `E'…'` strings honour backslash escapes.
    pub escaped_string_ext: bool,
    /// `#` starts a line comment.
    pub hash_comments: bool,
}

/// Facts about an open connection.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ConnInfo {
    /// The schema the URL is bound to, if any; unqualified SQL then targets it.
    pub schema: Option<String>,
    /// The server's version string.
    pub version: String,
    /// The dialect flavour, e.g. `mariadb`.
    pub flavour: String,
}

/// Where Strata and its plugins keep caches: `STRATA_CACHE_DIR`, else
/// `$XDG_CACHE_HOME/strata`, else `~/.cache/strata`. `None` when
/// `STRATA_CACHE_DIR` is set but empty (caching off) or no home is known.
/// A cache only ever saves time: entries are keyed by their full content.
pub fn cache_dir() -> Option<std::path::PathBuf> {
    match std::env::var_os("STRATA_CACHE_DIR") {
        Some(dir) if dir.is_empty() => None,
        Some(dir) => Some(dir.into()),
        None => std::env::var_os("XDG_CACHE_HOME")
            .map(std::path::PathBuf::from)
            .or_else(|| std::env::var_os("HOME").map(|h| std::path::PathBuf::from(h).join(".cache")))
            .map(|d| d.join("strata")),
    }
}
