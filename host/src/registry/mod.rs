//! The deployment registry: a database the team owns (a SQLite file under the
//! project by default, PostgreSQL for a team) recording every deployment,
//! holding pushed migration directories, and answering `cloud_databases` and
//! promotion from what it recorded. Records form a hash chain, so that an
//! edit, a removal or a reordering made with plain SQL is found by `verify`.

mod chain;
mod dirs;
mod plans;
mod record;

use std::path::Path;

use serde::Serialize;
use strata_dialect_api::{Placeholder, SqlValue};

use crate::error::{Error, db};
use crate::plugin::{Conn, Registry as Plugins};

pub use chain::{Break, record_hash};
pub use dirs::{PushedDir, parse_url as parse_dir_url};
pub use plans::Plan;
pub use record::{
    Outcome, Proposal, Recorder, approval_gate, check_promotion, decide, executed, needs_approval, os_user,
    promotion_from,
};

/// The registry schema this binary writes. A registry whose schema is newer
/// is refused: an older binary must not write records a newer one reads wrong.
pub const SCHEMA_VERSION: i64 = 1;

const META: &str = "strata_registry_meta";
const DEPLOYMENTS: &str = "strata_deployments";
const DIRS: &str = "strata_registry_dirs";
const PLANS: &str = "strata_registry_plans";
const LOCK: &str = "strata_registry";

/// The registry's URL when the project names none: a SQLite file under the
/// project directory (created on first use).
pub fn default_url(project_dir: &Path) -> String {
    let path = if project_dir == Path::new(".") {
        Path::new(".strata").join("registry.db")
    } else {
        project_dir.join(".strata").join("registry.db")
    };
    format!("sqlite://{}", path.display())
}

/// One deployment as recorded.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Deployment {
    /// Position in the chain, from 1.
    pub seq: i64,
    /// `migrate apply`, `migrate down` or `schema apply`.
    pub kind: String,
    /// The migration directory's name.
    pub repo: String,
    /// The env (empty without `--env`).
    pub env: String,
    /// The target database's URL without credentials.
    pub target: String,
    /// The version before the run (empty: none applied).
    pub version_before: String,
    /// The version after the run.
    pub version_after: String,
    /// sha256 of the planned statements.
    pub plan_hash: String,
    /// The statements that ran (or would have: for a refusal, the plan).
    pub statements: Vec<String>,
    /// The pre-migration checks and their outcomes, as the command reported them.
    pub checks: serde_json::Value,
    /// `APPLIED`, `NOTHING_TO_DO`, `REFUSED` or `FAILED`.
    pub status: String,
    /// The error, if any.
    pub error: Option<String>,
    /// Who ran it (`--operator`, else the OS user).
    pub operator: String,
    /// Start time, RFC 3339.
    pub started_at: String,
    /// End time, RFC 3339.
    pub finished_at: String,
    /// Milliseconds.
    pub duration_ms: i64,
    /// The previous record's hash (empty for the first).
    pub prev_hash: String,
    /// sha256 over this record's fields and `prev_hash`.
    pub hash: String,
}

impl Deployment {
    /// Whether the run left its target at `version_after` as intended.
    pub fn succeeded(&self) -> bool {
        matches!(self.status.as_str(), "APPLIED" | "NOTHING_TO_DO")
    }
}

/// Which records [`Ledger::list`] returns.
#[derive(Debug, Default, Clone)]
pub struct Filter {
    /// Only this env.
    pub env: Option<String>,
    /// Only this repo.
    pub repo: Option<String>,
}

/// A database the target of an env holds, as the registry last saw it.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Target {
    /// The URL without credentials.
    pub url: String,
    /// The version after the last run that reached it (empty: none applied).
    pub current_version: String,
    /// The last run's status.
    pub status: String,
    /// When the last run finished.
    pub deployed_at: String,
    /// Who ran it.
    pub operator: String,
}

/// An open deployment registry.
pub struct Ledger {
    conn: Conn,
    ph: Placeholder,
}

impl Ledger {
    /// Connects to the registry at `url`, creating its tables on first use.
    ///
    /// # Errors
    /// An unreachable registry, or one whose schema is newer than this binary.
    pub fn open(plugins: &Plugins, url: &str) -> Result<Ledger, Error> {
        if let Some(path) = url.strip_prefix("sqlite://").map(|p| p.split('?').next().unwrap_or(p))
            && let Some(parent) = Path::new(path).parent().filter(|p| !p.as_os_str().is_empty())
        {
            std::fs::create_dir_all(parent)
                .map_err(|e| Error::Failed(format!("creating the registry directory {}: {e}", parent.display())))?;
        }
        let conn = crate::plan::open(plugins, url).map_err(|e| match e {
            Error::Database { context, source } => {
                Error::Database { context: format!("opening the deployment registry ({context})"), source }
            }
            other => other,
        })?;
        let ph = conn.driver().manifest.capabilities.placeholder;
        let mut ledger = Ledger { conn, ph };
        if ledger.conn.driver().name() == "sqlite" {
            // A rollback journal kept between records, its header zeroed at
            // each commit (PERSIST): a run writes one record and closes, and
            // a write-ahead log would be created, written, synced, copied back
            // into the database and deleted every time (two syncs and two
            // unlinks more, and each page written twice: 0.7 ms of a 300-file
            // apply). Kept at its size rather than truncated (TRUNCATE), the
            // next record overwrites blocks the file already has instead of
            // allocating them again: 0.25 ms less per record (median of 80
            // paired runs, the same five syncs). The size limit keeps a large
            // transaction (a pushed directory) from leaving a large file.
            // Records wait for each other on the registry's lock anyway, and
            // readers only wait out a commit (the busy timeout covers it).
            let _ = ledger.conn.query("PRAGMA journal_mode = PERSIST", Vec::new());
            let _ = ledger.conn.query("PRAGMA journal_size_limit = 1048576", Vec::new());
        }
        ledger.ensure_schema()?;
        Ok(ledger)
    }

    /// The registry's URL without credentials.
    pub fn url(&self) -> String {
        self.conn.url().redacted()
    }

    fn p(&self, n: usize) -> String {
        self.ph.nth(n)
    }

    fn ensure_schema(&mut self) -> Result<(), Error> {
        let ctx = "creating the deployment registry's tables";
        let ddl = [
            format!("CREATE TABLE IF NOT EXISTS {META} (name varchar(64) NOT NULL PRIMARY KEY, value text NOT NULL)"),
            format!(
                "CREATE TABLE IF NOT EXISTS {DEPLOYMENTS} (seq bigint NOT NULL PRIMARY KEY, kind varchar(32) NOT NULL, \
                 repo varchar(255) NOT NULL, env varchar(255) NOT NULL, target text NOT NULL, \
                 version_before varchar(255) NOT NULL, version_after varchar(255) NOT NULL, plan_hash varchar(64) NOT NULL, \
                 statements text NOT NULL, checks text NOT NULL, status varchar(32) NOT NULL, error text, \
                 operator varchar(255) NOT NULL, started_at varchar(64) NOT NULL, finished_at varchar(64) NOT NULL, \
                 duration_ms bigint NOT NULL, prev_hash varchar(64) NOT NULL, hash varchar(64) NOT NULL)"
            ),
            format!(
                "CREATE TABLE IF NOT EXISTS {DIRS} (repo varchar(255) NOT NULL, tag varchar(255) NOT NULL, \
                 created_at varchar(64) NOT NULL, operator varchar(255) NOT NULL, files text NOT NULL, sum text NOT NULL, \
                 PRIMARY KEY (repo, tag))"
            ),
            format!(
                "CREATE TABLE IF NOT EXISTS {PLANS} (id varchar(64) NOT NULL PRIMARY KEY, kind varchar(32) NOT NULL, \
                 repo varchar(255) NOT NULL, env varchar(255) NOT NULL, target text NOT NULL, hash varchar(64) NOT NULL, \
                 version_before varchar(255) NOT NULL, statements text NOT NULL, author varchar(255) NOT NULL, \
                 created_at varchar(64) NOT NULL, required bigint NOT NULL, reviewers text NOT NULL, approvals text NOT NULL, \
                 status varchar(32) NOT NULL, rejected_by varchar(255))"
            ),
        ];
        let version = self.meta("schema_version");
        let version = match version {
            // A registry written by this or an older binary.
            Ok(Some(v)) => v.parse::<i64>().unwrap_or(0),
            Ok(None) | Err(_) => 0,
        };
        if version > SCHEMA_VERSION {
            return Err(Error::Refused {
                message: format!(
                    "the deployment registry {} has schema version {version}, newer than this strata knows ({SCHEMA_VERSION})",
                    self.url()
                ),
                hint: Some("upgrade strata: an older binary does not write a newer registry".into()),
            });
        }
        if version == SCHEMA_VERSION {
            return Ok(());
        }
        // Under the registry's lock, in one transaction, and asking again:
        // processes started together (a fan-out, parallel CI jobs) must not
        // all create the tables and insert the version row.
        self.conn.lock(LOCK, std::time::Duration::from_secs(30)).map_err(db(format!("{ctx}: locking the registry")))?;
        let result = (|| {
            // Asked outside the transaction: on PostgreSQL a query of a
            // table not there yet would doom it.
            if self.meta("schema_version").ok().flatten().and_then(|v| v.parse::<i64>().ok()) == Some(SCHEMA_VERSION) {
                return Ok(());
            }
            self.conn.begin().map_err(db(ctx))?;
            let created = ddl
                .iter()
                .try_for_each(|sql| self.conn.exec(sql, Vec::new()).map(drop))
                .and_then(|()| self.set_meta("schema_version", &SCHEMA_VERSION.to_string()));
            match created {
                Ok(()) => self.conn.commit().map_err(db(ctx)),
                Err(e) => {
                    let _ = self.conn.rollback();
                    Err(db(ctx)(e))
                }
            }
        })();
        let _ = self.conn.unlock(LOCK);
        result
    }

    fn meta(&mut self, name: &str) -> Result<Option<String>, strata_dialect_api::PluginError> {
        let sql = format!("SELECT value FROM {META} WHERE name = {}", self.p(1));
        let rows = self.conn.query(&sql, vec![name.into()])?;
        Ok(rows.rows.into_iter().next().and_then(|r| r.into_iter().next().flatten()))
    }

    fn set_meta(&mut self, name: &str, value: &str) -> Result<(), strata_dialect_api::PluginError> {
        let sql = format!("DELETE FROM {META} WHERE name = {}", self.p(1));
        self.conn.exec(&sql, vec![name.into()])?;
        let sql = format!("INSERT INTO {META} (name, value) VALUES ({}, {})", self.p(1), self.p(2));
        self.conn.exec(&sql, vec![name.into(), value.into()])?;
        Ok(())
    }

    /// Runs `f` under the registry's lock, in a transaction: records are
    /// chained, so two writers must not both append after the same head.
    fn write<T>(&mut self, what: &str, f: impl FnOnce(&mut Ledger) -> Result<T, Error>) -> Result<T, Error> {
        self.conn
            .lock(LOCK, std::time::Duration::from_secs(30))
            .map_err(db(format!("{what}: locking the registry")))?;
        let result = (|| {
            self.conn.begin().map_err(db(what.to_string()))?;
            match f(self) {
                Ok(v) => {
                    self.conn.commit().map_err(db(what.to_string()))?;
                    Ok(v)
                }
                Err(e) => {
                    let _ = self.conn.rollback();
                    Err(e)
                }
            }
        })();
        let _ = self.conn.unlock(LOCK);
        result
    }

    /// Appends `d` to the chain (its `seq`, `prev_hash` and `hash` are set
    /// here) and returns it as recorded.
    ///
    /// # Errors
    /// When the registry cannot be written.
    pub fn record(&mut self, mut d: Deployment) -> Result<Deployment, Error> {
        self.write("recording the deployment in the registry", |ledger| {
            let ctx = "recording the deployment in the registry";
            let head = format!("SELECT seq, hash FROM {DEPLOYMENTS} ORDER BY seq DESC LIMIT 1");
            let rows = ledger.conn.query(&head, Vec::new()).map_err(db(ctx))?;
            let (seq, prev) = match rows.rows.first() {
                Some(r) => (
                    r.first().cloned().flatten().and_then(|s| s.parse::<i64>().ok()).unwrap_or(0),
                    r.get(1).cloned().flatten().unwrap_or_default(),
                ),
                None => (0, String::new()),
            };
            d.seq = seq + 1;
            d.prev_hash = prev;
            let stored = Stored::of(&d);
            d.hash = record_hash(&stored);
            let cols = Stored::COLUMNS;
            let marks: Vec<String> = (1..=cols.len() + 1).map(|i| ledger.p(i)).collect();
            let sql = format!("INSERT INTO {DEPLOYMENTS} ({}, hash) VALUES ({})", cols.join(", "), marks.join(", "));
            let mut args = stored.args();
            args.push(d.hash.as_str().into());
            ledger.conn.exec(&sql, args).map_err(db(ctx))?;
            ledger.set_meta("head", &format!("{} {}", d.seq, d.hash)).map_err(db(ctx))?;
            Ok(d.clone())
        })
    }

    /// Every record, oldest first.
    ///
    /// # Errors
    /// When the registry cannot be read.
    pub fn list(&mut self, filter: &Filter) -> Result<Vec<Deployment>, Error> {
        let mut all = self.read_all()?;
        all.retain(|d| {
            filter.env.as_ref().is_none_or(|e| &d.env == e) && filter.repo.as_ref().is_none_or(|r| &d.repo == r)
        });
        Ok(all)
    }

    fn read_all(&mut self) -> Result<Vec<Deployment>, Error> {
        let sql = format!("SELECT {}, hash FROM {DEPLOYMENTS} ORDER BY seq", Stored::COLUMNS.join(", "));
        let rows = self.conn.query(&sql, Vec::new()).map_err(db("reading the deployment registry"))?;
        rows.rows.into_iter().map(|r| Stored::from_row(r).map(Stored::into_deployment)).collect()
    }

    /// The targets of `env` (in `repo`, when given) with the version each last
    /// reached, in the order they were first deployed.
    ///
    /// # Errors
    /// When the registry cannot be read.
    pub fn targets(&mut self, repo: Option<&str>, env: &str) -> Result<Vec<Target>, Error> {
        let all = self.list(&Filter { env: Some(env.to_string()), repo: repo.map(String::from) })?;
        let mut out: Vec<Target> = Vec::new();
        // A refused run changed nothing: the target stays where the run before left it.
        for d in all.iter().filter(|d| d.status != "REFUSED") {
            let t = Target {
                url: d.target.clone(),
                current_version: d.version_after.clone(),
                status: d.status.clone(),
                deployed_at: d.finished_at.clone(),
                operator: d.operator.clone(),
            };
            match out.iter_mut().find(|x| x.url == t.url) {
                Some(x) => *x = t,
                None => out.push(t),
            }
        }
        Ok(out)
    }

    /// The targets of `env` (in `repo`) that never ran `version` (or a later
    /// one) successfully, by URL; all of them when the env has none.
    ///
    /// # Errors
    /// When the registry cannot be read.
    pub fn lacking(&mut self, repo: &str, env: &str, version: &str) -> Result<Option<Vec<String>>, Error> {
        let all = self.list(&Filter { env: Some(env.to_string()), repo: Some(repo.to_string()) })?;
        let mut targets: Vec<(String, bool)> = Vec::new();
        for d in &all {
            let ok = d.succeeded() && version_at_least(&d.version_after, version);
            match targets.iter_mut().find(|(u, _)| u == &d.target) {
                Some((_, seen)) => *seen |= ok,
                None => targets.push((d.target.clone(), ok)),
            }
        }
        if targets.is_empty() {
            return Ok(None);
        }
        Ok(Some(targets.into_iter().filter(|(_, ok)| !ok).map(|(u, _)| u).collect()))
    }

    /// Walks the chain: the first record altered, removed or out of order.
    ///
    /// # Errors
    /// When the registry cannot be read.
    pub fn verify(&mut self) -> Result<(usize, Option<Break>), Error> {
        let sql = format!("SELECT {}, hash FROM {DEPLOYMENTS} ORDER BY seq", Stored::COLUMNS.join(", "));
        let rows = self.conn.query(&sql, Vec::new()).map_err(db("reading the deployment registry"))?;
        let stored = rows.rows.into_iter().map(Stored::from_row).collect::<Result<Vec<_>, _>>()?;
        let head = self.meta("head").map_err(db("reading the deployment registry"))?;
        Ok((stored.len(), chain::verify(&stored, head.as_deref())))
    }

    /// Stores a directory snapshot under `repo:tag`, replacing one of the same tag.
    ///
    /// # Errors
    /// When the registry cannot be written.
    pub fn push_dir(&mut self, dir: &PushedDir) -> Result<(), Error> {
        self.write("storing the directory in the registry", |ledger| dirs::push(ledger, dir))
    }

    /// The snapshot stored under `repo:tag` (`tag` `None`: the newest).
    ///
    /// # Errors
    /// When the registry cannot be read.
    pub fn dir(&mut self, repo: &str, tag: Option<&str>) -> Result<Option<PushedDir>, Error> {
        dirs::read(self, repo, tag)
    }

    /// Every tag of `repo`, oldest first.
    ///
    /// # Errors
    /// When the registry cannot be read.
    pub fn tags(&mut self, repo: &str) -> Result<Vec<PushedDir>, Error> {
        dirs::list(self, repo)
    }
}

/// Version order: numeric when both are digits (Atlas's timestamps), else text.
pub fn version_at_least(have: &str, want: &str) -> bool {
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if digits(have) && digits(want) {
        let (h, w) = (have.trim_start_matches('0'), want.trim_start_matches('0'));
        (h.len(), h) >= (w.len(), w)
    } else {
        have >= want
    }
}

/// A record as its columns hold it: the text the hash covers.
#[derive(Debug, Clone, PartialEq)]
pub struct Stored {
    fields: Vec<Option<String>>,
    hash: String,
}

impl Stored {
    /// The hashed columns, in hashing order.
    const COLUMNS: [&'static str; 17] = [
        "seq",
        "kind",
        "repo",
        "env",
        "target",
        "version_before",
        "version_after",
        "plan_hash",
        "statements",
        "checks",
        "status",
        "error",
        "operator",
        "started_at",
        "finished_at",
        "duration_ms",
        "prev_hash",
    ];

    fn of(d: &Deployment) -> Stored {
        let statements = serde_json::to_string(&d.statements).unwrap_or_else(|_| "[]".into());
        let fields = vec![
            Some(d.seq.to_string()),
            Some(d.kind.clone()),
            Some(d.repo.clone()),
            Some(d.env.clone()),
            Some(d.target.clone()),
            Some(d.version_before.clone()),
            Some(d.version_after.clone()),
            Some(d.plan_hash.clone()),
            Some(statements),
            Some(d.checks.to_string()),
            Some(d.status.clone()),
            d.error.clone(),
            Some(d.operator.clone()),
            Some(d.started_at.clone()),
            Some(d.finished_at.clone()),
            Some(d.duration_ms.to_string()),
            Some(d.prev_hash.clone()),
        ];
        Stored { fields, hash: String::new() }
    }

    fn args(&self) -> Vec<SqlValue> {
        self.fields
            .iter()
            .enumerate()
            .map(|(i, f)| match (Self::COLUMNS[i], f) {
                ("seq" | "duration_ms", Some(n)) => SqlValue::Int(n.parse().unwrap_or(0)),
                (_, f) => SqlValue::opt_text(f.as_deref()),
            })
            .collect()
    }

    fn from_row(mut row: Vec<Option<String>>) -> Result<Stored, Error> {
        if row.len() != Self::COLUMNS.len() + 1 {
            return Err(Error::Failed(format!(
                "the deployment registry returned {} columns, expected {}",
                row.len(),
                Self::COLUMNS.len() + 1
            )));
        }
        let hash = row.pop().flatten().unwrap_or_default();
        Ok(Stored { fields: row, hash })
    }

    fn field(&self, name: &str) -> String {
        Self::COLUMNS
            .iter()
            .position(|c| *c == name)
            .and_then(|i| self.fields.get(i).cloned().flatten())
            .unwrap_or_default()
    }

    fn into_deployment(self) -> Deployment {
        let f = |n: &str| self.field(n);
        Deployment {
            seq: f("seq").parse().unwrap_or(0),
            kind: f("kind"),
            repo: f("repo"),
            env: f("env"),
            target: f("target"),
            version_before: f("version_before"),
            version_after: f("version_after"),
            plan_hash: f("plan_hash"),
            statements: serde_json::from_str(&f("statements")).unwrap_or_default(),
            checks: serde_json::from_str(&f("checks")).unwrap_or(serde_json::Value::Null),
            status: f("status"),
            error: Self::COLUMNS.iter().position(|c| *c == "error").and_then(|i| self.fields.get(i).cloned().flatten()),
            operator: f("operator"),
            started_at: f("started_at"),
            finished_at: f("finished_at"),
            duration_ms: f("duration_ms").parse().unwrap_or(0),
            prev_hash: f("prev_hash"),
            hash: self.hash.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::version_at_least;

    #[test]
    fn versions_compare_as_numbers_when_they_are_numbers() {
        assert!(version_at_least("20240102", "20240101"));
        assert!(version_at_least("10", "9"));
        assert!(version_at_least("010", "10"));
        assert!(!version_at_least("9", "10"));
        assert!(version_at_least("b", "a"));
        assert!(!version_at_least("", "1"));
    }
}
