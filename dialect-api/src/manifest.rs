use serde::{Deserialize, Serialize};

/// The major version of the data crossing the boundary, independent of
/// Strata's own version. A plugin of another major version is refused, with a
/// message naming both versions.
///
/// A new major is needed for anything a minor may not do (see
/// [`API_MINOR`]): removing or renaming a field or function, changing a
/// signature or what a field means, a field older plugins must fill,
/// renumbering an [`crate::ErrorKind`] code.
pub const API_VERSION: u32 = 2;

/// The minor version: grows when the API grows compatibly. A host accepts a
/// plugin of its major version and a minor version up to its own; a plugin
/// built against a newer minor is refused (it may send what this host does
/// not know), with a message naming both versions.
///
/// A minor may add: fields with serde defaults to the JSON models;
/// [`crate::ErrorKind`] codes; [`crate::SqlValue`] variants (a plugin that
/// predates one answers [`crate::ErrorKind::Unsupported`]); functions appended
/// to [`crate::DialectMod`] after `render` (`None` from older plugins). A new
/// variant of a JSON enum ([`crate::Change`], [`crate::RenderRequest`], ...)
/// fails to decode in older plugins, so a host sends one only with a fallback
/// for that failure (as for [`crate::RenderRequest::TimestampValue`]).
///
/// History: 1.0 the first release; 1.1 `attrs` on checks and foreign keys;
/// 2.0 the types crossing the boundary made growable ([`crate::ErrorKind`] a
/// code, [`crate::SqlValue`] a fixed layout, the root module versioned by
/// major only), which changed their layout: 1.x plugins are refused; 2.1
/// [`crate::SqlValue::Bytes`], [`crate::ErrorKind::ReadOnly`],
/// [`Capabilities::append_only_bookkeeping`], [`Capabilities::no_transactions`]
/// and [`Manifest::new`]; 2.2 [`crate::RenderRequest::SchemaFingerprint`];
/// 2.3 [`crate::RenderRequest::RowsDigest`].
///
/// The crate's own package version is `API_VERSION.API_MINOR.patch`. Build a
/// plugin against the oldest minor that has what it uses: it then loads in
/// every host of that major from that minor on.
pub const API_MINOR: u32 = 3;

/// What a plugin says about itself; returned as JSON by [`crate::DialectMod::manifest`].
///
/// Read once, when the library is loaded (every plugin found, at the start of
/// every command).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    /// The dialect's name, e.g. `sqlite`: in messages, reports and `strata
    /// plugin info NAME`. `migrate down` requires its dev database's plugin to
    /// have the target's name. The lint policies see it as the dialect, and
    /// their dialect-specific analyzers match `postgres`, `postgresql`,
    /// `mysql` and `mariadb`: another database must not use those names.
    pub name: String,
    /// The [`API_VERSION`] (major) the plugin was built against: the constant
    /// itself, of the crate the plugin is compiled with.
    pub api_version: u32,
    /// The [`API_MINOR`] the plugin was built against (absent: 0): the
    /// constant itself, never more.
    #[serde(default)]
    pub api_minor: u32,
    /// The plugin's own version, shown by `strata plugin list`/`info` and part
    /// of the key under which the host caches inspected states. Change it with
    /// every release.
    #[serde(default)]
    pub version: String,
    /// URL schemes the plugin opens, e.g. `["sqlite", "sqlite3"]`. A URL of
    /// scheme `x+y` that no plugin claims goes to the plugin of `x`. A scheme
    /// claimed by two plugins is a load error naming both files.
    pub url_schemes: Vec<String>,
    /// What the planner and executor must know about the dialect.
    pub capabilities: Capabilities,
    /// How migration files of this dialect are split into statements; each
    /// statement is then sent to [`crate::DialectConnection::exec`] on its own.
    pub lexer: LexerOptions,
}

impl Manifest {
    /// A manifest for dialect `name` opening `url_schemes`, stamped with this
    /// crate's [`API_VERSION`] and [`API_MINOR`], with default capabilities
    /// and lexer options and the plugin version empty. Build on it with
    /// field assignments rather than a struct literal: fields a later minor
    /// adds then take their defaults when you rebuild, instead of breaking it.
    pub fn new(name: impl Into<String>, url_schemes: &[&str]) -> Manifest {
        Manifest {
            name: name.into(),
            api_version: API_VERSION,
            api_minor: API_MINOR,
            version: String::new(),
            url_schemes: url_schemes.iter().map(|s| (*s).to_string()).collect(),
            capabilities: Capabilities::default(),
            lexer: LexerOptions::default(),
        }
    }
}

/// Behaviour a dialect declares once instead of the host probing for it.
///
/// Each flag's documentation says what the host does with it. Claim only what
/// holds: `strata plugin test` checks the claims against a database.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Capabilities {
    /// DDL statements can run inside a transaction and roll back.
    ///
    /// With it, `migrate apply` runs each file in one transaction (unless
    /// `--tx-mode none` or `atlas:txmode none`) with its revision row written
    /// inside it, and honours `--tx-mode all`; `schema apply` and `migrate
    /// down` run a plan in one transaction when every
    /// [`crate::Statement::transactional`] allows. Without it, files run
    /// statement by statement with their progress recorded after each
    /// statement (a run interrupted in between is settled by comparing
    /// schemas on a dev database), statements whose first word is `CREATE`,
    /// `ALTER`, `DROP`, `RENAME` or `TRUNCATE` run outside any transaction,
    /// and the lint reports data changes sharing a file with DDL (TX101).
    pub transactional_ddl: bool,
    /// The dialect has a migration lock (advisory lock, `GET_LOCK`, lock file).
    ///
    /// Shown by `strata plugin list`/`info`; the host calls
    /// [`crate::DialectConnection::lock`] whatever this says.
    pub advisory_locks: bool,
    /// The database has schemas (namespaces) inside one connection.
    ///
    /// With it, and a connection not bound to a schema
    /// ([`ConnInfo::schema`] `None`), plans are schema-qualified
    /// ([`crate::PlanOptions::qualify`]) and the bookkeeping tables go to the
    /// schema `atlas_schema_revisions` (Atlas's default) unless
    /// `--revisions-schema` says otherwise; without it they are asked for with
    /// no schema.
    pub schemas: bool,
    /// Indexes can be built without blocking writes (`CONCURRENTLY`).
    ///
    /// Shown by `strata plugin list`/`info` only.
    pub concurrent_index: bool,
    /// How the host writes bound parameters in the SQL it sends with
    /// arguments (its revisions, history and deployment-registry tables).
    pub placeholder: Placeholder,
    /// Strata's own tables (the revisions and history tables) cannot be
    /// updated or deleted from in place (ClickHouse). The host then appends
    /// every change as a new row, with a larger `seq` and `deleted` set to 1
    /// for a removal, and reads the newest row of each version. The plugin's
    /// [`crate::RenderRequest::RevisionsTable`] and
    /// [`crate::RenderRequest::HistoryTable`] DDL must add the columns `seq`
    /// (unsigned 64-bit integer) and `deleted` (0 or 1) and may compact old
    /// rows on their own (a `ReplacingMergeTree(seq)`). Since API 2.1.
    pub append_only_bookkeeping: bool,
    /// The database has no transactions at all (ClickHouse): `begin` and
    /// `commit` only mark a unit, nothing rolls back, and a data statement
    /// cannot share a transaction with its progress record. A run killed
    /// right after such a statement leaves a doubt the schema cannot settle
    /// (did the INSERT run?): the host refuses to guess and asks the user.
    /// Since API 2.1.
    pub no_transactions: bool,
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

/// Statement-splitting rules of the dialect (Atlas's scanner options). All off
/// splits at `;` outside quotes, parentheses and `--`/`/* */` comments;
/// `-- atlas:delimiter` and `DELIMITER` change the delimiter in any dialect.
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

/// Facts about an open connection, from [`crate::DialectConnection::info`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ConnInfo {
    /// The schema the URL is bound to, if any; unqualified SQL then targets it.
    ///
    /// With `Some`, the host keeps its bookkeeping tables there (unless
    /// `--revisions-schema`), plans are not schema-qualified, inspection is
    /// scoped to it by default, and it is never dropped as empty. A dialect
    /// with a single, fixed schema reports it (SQLite: `main`). Schemas named
    /// `public` or `main` are treated as the default one whatever is reported.
    pub schema: Option<String>,
    /// The server's version string. With `flavour` and `schema`, part of the
    /// key under which states inspected on a dev database are cached: report
    /// whatever changes what inspection returns.
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
