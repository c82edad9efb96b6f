//! Inspected schema states per version, cached on disk. Replaying a long
//! directory on the dev database is the slow part of planning; a state is keyed
//! by a hash chain over what produced it (the plugin build, the dialect API, the
//! dev server's version) and every statement up to that version, so a key can
//! only ever name one state.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::path::PathBuf;
use strata_dialect_api::{Attr, Realm, Table, Trigger, View};

/// A state as the change from the state before it: the tables added or
/// changed, the tables removed, and the (small) rest of each schema whole.
/// Reading one full state and a run of patches is far cheaper than reading
/// every full state of a long directory.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Patch {
    schemas: Vec<SchemaPatch>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct SchemaPatch {
    name: String,
    upserts: Vec<Table>,
    removes: Vec<String>,
    views: Vec<View>,
    triggers: Vec<Trigger>,
    attrs: Vec<Attr>,
}

impl Patch {
    /// The patch turning `from` into `to`; `None` when their schemas differ
    /// (then only the full state is kept).
    pub fn between(from: &Realm, to: &Realm) -> Option<Patch> {
        if from.schemas.len() != to.schemas.len() {
            return None;
        }
        let mut schemas = Vec::new();
        for (f, t) in from.schemas.iter().zip(&to.schemas) {
            if f.name != t.name {
                return None;
            }
            let before: std::collections::HashMap<&str, &Table> =
                f.tables.iter().map(|t| (t.name.as_str(), t)).collect();
            let after: std::collections::HashSet<&str> = t.tables.iter().map(|t| t.name.as_str()).collect();
            schemas.push(SchemaPatch {
                name: t.name.clone(),
                upserts: t.tables.iter().filter(|x| before.get(x.name.as_str()) != Some(x)).cloned().collect(),
                removes: f.tables.iter().filter(|x| !after.contains(x.name.as_str())).map(|x| x.name.clone()).collect(),
                views: t.views.clone(),
                triggers: t.triggers.clone(),
                attrs: t.attrs.clone(),
            });
        }
        Some(Patch { schemas })
    }

    /// The part of `realm` the patch touches: its tables named in the patch (added,
    /// changed or removed), the tables whose foreign keys reach them (a rebuilt
    /// parent may need its children rebuilt, as in `plan::reduce`), and each
    /// schema's views, triggers and attributes.
    pub fn subset(&self, realm: &Realm) -> Realm {
        let mut kept = std::collections::HashSet::new();
        for (schema, patch) in realm.schemas.iter().zip(&self.schemas) {
            let named = patch.removes.iter().chain(patch.upserts.iter().map(|t| &t.name));
            kept.extend(named.map(|n| (schema.name.as_str(), n.as_str())));
        }
        super::keep_referencing(&realm.schemas, &mut kept);
        let mut out = Realm::default();
        for schema in realm.schemas.iter().take(self.schemas.len()) {
            out.schemas.push(strata_dialect_api::Schema {
                name: schema.name.clone(),
                tables: schema
                    .tables
                    .iter()
                    .filter(|t| kept.contains(&(schema.name.as_str(), t.name.as_str())))
                    .cloned()
                    .collect(),
                views: schema.views.clone(),
                triggers: schema.triggers.clone(),
                attrs: schema.attrs.clone(),
            });
        }
        out
    }

    /// True when the patch changes a schema's objects (enums, sequences, ...)
    /// of `before`, the state it applies to: a revert may then touch tables the
    /// patch does not name, so the whole states are needed (see `plan::reduce`).
    pub fn changes_objects(&self, before: &Realm) -> bool {
        before.schemas.iter().zip(&self.schemas).any(|(schema, patch)| schema.attrs != patch.attrs)
    }

    /// Applies the patch to the state it was taken from.
    pub fn apply(&self, realm: &mut Realm) -> bool {
        if realm.schemas.len() != self.schemas.len() {
            return false;
        }
        for (schema, patch) in realm.schemas.iter_mut().zip(&self.schemas) {
            if schema.name != patch.name {
                return false;
            }
            schema.tables.retain(|t| !patch.removes.contains(&t.name));
            for table in &patch.upserts {
                match schema.tables.iter_mut().find(|t| t.name == table.name) {
                    Some(slot) => *slot = table.clone(),
                    None => schema.tables.push(table.clone()),
                }
            }
            schema.tables.sort_by(|a, b| a.name.cmp(&b.name));
            schema.views = patch.views.clone();
            schema.triggers = patch.triggers.clone();
            schema.attrs = patch.attrs.clone();
        }
        true
    }
}

/// The on-disk cache of inspected states.
#[derive(Debug, Clone)]
pub struct StateCache {
    dir: Option<PathBuf>,
}

impl StateCache {
    /// The cache in `STRATA_CACHE_DIR`, else `$XDG_CACHE_HOME/strata`, else
    /// `~/.cache/strata`; disabled when `STRATA_CACHE_DIR` is empty or no home is known.
    pub fn from_env() -> StateCache {
        StateCache { dir: strata_dialect_api::cache_dir().map(|b| b.join("states")) }
    }

    /// A cache that stores nothing.
    pub fn disabled() -> StateCache {
        StateCache { dir: None }
    }

    /// The state stored under `key`.
    pub fn get(&self, key: &str) -> Option<Realm> {
        self.read(&format!("{key}.json"))
    }

    /// The patch from the state before `key` to the state under `key`.
    pub fn get_patch(&self, key: &str) -> Option<Patch> {
        self.read(&format!("{key}.patch.json"))
    }

    /// Stores a state; failures only cost speed, so they are ignored.
    pub fn put(&self, key: &str, realm: &Realm) {
        self.write(&format!("{key}.json"), realm);
    }

    /// Stores the patch leading to the state under `key`.
    pub fn put_patch(&self, key: &str, patch: &Patch) {
        self.write(&format!("{key}.patch.json"), patch);
    }

    /// Any value stored under `name` (a revert plan, see `memo`).
    pub(super) fn get_value<T: serde::de::DeserializeOwned>(&self, name: &str) -> Option<T> {
        self.read(name)
    }

    /// Stores a value under `name`; failures only cost speed.
    pub(super) fn put_value<T: Serialize>(&self, name: &str, value: &T) {
        self.write(name, value);
    }

    fn read<T: serde::de::DeserializeOwned>(&self, name: &str) -> Option<T> {
        let bytes = std::fs::read(self.dir.as_ref()?.join(name)).ok()?;
        serde_json::from_slice(&bytes).ok()
    }

    fn write<T: Serialize>(&self, name: &str, value: &T) {
        let Some(dir) = &self.dir else { return };
        if std::fs::create_dir_all(dir).is_err() {
            return;
        }
        let Ok(text) = serde_json::to_vec(value) else { return };
        // Write then rename, so a concurrent reader never sees half a file.
        let tmp = dir.join(format!("{name}.{}.tmp", std::process::id()));
        if std::fs::write(&tmp, text).is_ok() {
            let _ = std::fs::rename(&tmp, dir.join(name));
        }
    }
}

/// What, besides the statements, decides the state a replay produces: the
/// plugin that ran and inspected it and the dev server it ran on. Two runs with
/// different seeds never share a cached state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StateSeed {
    /// The dialect plugin's name.
    pub plugin: String,
    /// The plugin's own version (its manifest's).
    pub plugin_version: String,
    /// Which build of the plugin: its library file's path and identity (see
    /// [`StateSeed::new`]).
    pub build: String,
    /// The dialect API version the plugin speaks.
    pub api_version: u32,
    /// The dev database server's version, flavour and bound schema.
    pub server: String,
}

impl StateSeed {
    /// The seed for states replayed and inspected through `driver` on a dev
    /// connection described by `dev`.
    ///
    /// The build is identified by the library file's size, times and inode
    /// (one `stat`), not a hash of its bytes: debug plugins run to tens of
    /// megabytes, and any rebuild or reinstall changes the identity. A file that
    /// cannot be read gets an identity no other run shares, which only costs the
    /// cache.
    pub fn new(driver: &crate::plugin::Driver, dev: &strata_dialect_api::ConnInfo) -> StateSeed {
        let m = &driver.manifest;
        StateSeed::from_parts(&m.name, &m.version, m.api_version, &driver.path, dev)
    }

    fn from_parts(
        plugin: &str,
        version: &str,
        api_version: u32,
        library: &std::path::Path,
        dev: &strata_dialect_api::ConnInfo,
    ) -> StateSeed {
        StateSeed {
            plugin: plugin.to_string(),
            plugin_version: version.to_string(),
            build: build_stamp(library),
            api_version,
            server: format!("{}:{}:{}", dev.flavour, dev.version, dev.schema.as_deref().unwrap_or_default()),
        }
    }
}

/// Which build of a plugin `library` is: its path and identity
/// ([`crate::plugin::file_stamp`]); unique to this run when the file cannot be read.
pub(super) fn build_stamp(library: &std::path::Path) -> String {
    let stamp = crate::plugin::file_stamp(library).unwrap_or_else(|| {
        let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
        format!("unreadable:{}:{}", std::process::id(), now.as_nanos())
    });
    format!("{}:{stamp}", library.display())
}

/// Keys for the states after each prefix of `chain` (statements per version):
/// `key[i] = sha256(key[i-1] ‖ statements of version i)`, seeded with `seed`.
pub fn chain_keys(seed: &StateSeed, chain: &[&[String]]) -> Vec<String> {
    let mut key = Key::new();
    for field in [
        "strata-state-v2",
        env!("CARGO_PKG_VERSION"),
        &seed.plugin,
        &seed.plugin_version,
        &seed.build,
        &seed.api_version.to_string(),
        &seed.server,
    ] {
        key.field(field);
    }
    let mut prev = key.finish();
    let mut keys = Vec::with_capacity(chain.len());
    for stmts in chain {
        let mut key = Key(Sha256::new());
        key.0.update(prev.as_bytes());
        for stmt in *stmts {
            key.field(stmt);
        }
        prev = key.finish();
        keys.push(prev.clone());
    }
    keys
}

/// Length-prefixed fields, so that no two sequences hash alike.
pub(super) struct Key(Sha256);

impl Key {
    pub(super) fn new() -> Key {
        Key(Sha256::new())
    }

    pub(super) fn field(&mut self, text: &str) {
        self.bytes(text.as_bytes());
    }

    pub(super) fn bytes(&mut self, bytes: &[u8]) {
        self.0.update((bytes.len() as u64).to_le_bytes());
        self.0.update(bytes);
    }

    pub(super) fn list(&mut self, items: &[String]) {
        self.field(&items.len().to_string());
        for item in items {
            self.field(item);
        }
    }

    pub(super) fn finish(self) -> String {
        self.0.finalize().iter().map(|b| format!("{b:02x}")).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seed(plugin: &str) -> StateSeed {
        StateSeed {
            plugin: plugin.into(),
            plugin_version: "0.1.0".into(),
            build: "/lib/libstrata_dialect_x.so:1000:1700000000.000000001".into(),
            api_version: 1,
            server: "sqlite:3.46.0:main".into(),
        }
    }

    #[test]
    fn keys_chain_and_differ() {
        let a = vec!["CREATE TABLE a (x int);".to_string()];
        let b = vec!["CREATE TABLE b (x int);".to_string()];
        let k1 = chain_keys(&seed("sqlite"), &[&a, &b]);
        let k2 = chain_keys(&seed("sqlite"), &[&a, &a]);
        assert_eq!(k1[0], k2[0]);
        assert_ne!(k1[1], k2[1]);
        assert_ne!(chain_keys(&seed("postgres"), &[&a])[0], k1[0]);
        // Statement boundaries matter: ["ab"] is not ["a", "b"].
        let joined = vec!["ab".to_string()];
        let split = vec!["a".to_string(), "b".to_string()];
        assert_ne!(chain_keys(&seed("x"), &[&joined]), chain_keys(&seed("x"), &[&split]));
    }

    #[test]
    fn keys_differ_by_plugin_build_api_and_server() {
        let a = vec!["CREATE TABLE a (x int);".to_string()];
        let base = chain_keys(&seed("sqlite"), &[&a]);
        assert_eq!(base, chain_keys(&seed("sqlite"), &[&a]), "the same seed gives the same key");
        type Change = fn(&mut StateSeed);
        let variants: [(&str, Change); 5] = [
            ("plugin name", |s| s.plugin = "sqlite2".into()),
            ("plugin version", |s| s.plugin_version = "0.1.1".into()),
            ("plugin build", |s| s.build = "/lib/libstrata_dialect_x.so:1000:1700000000.000000002".into()),
            ("API version", |s| s.api_version = 2),
            ("server version", |s| s.server = "sqlite:3.47.0:main".into()),
        ];
        for (what, change) in variants {
            let mut other = seed("sqlite");
            change(&mut other);
            assert_ne!(chain_keys(&other, &[&a]), base, "a different {what} must change the key");
        }
        // Fields do not run into each other.
        let mut left = seed("ab");
        left.plugin_version = "c".into();
        let mut right = seed("a");
        right.plugin_version = "bc".into();
        assert_ne!(chain_keys(&left, &[&a]), chain_keys(&right, &[&a]));
    }

    #[test]
    fn seed_tracks_the_plugin_file_and_dev_server() {
        let dir = std::env::temp_dir().join(format!("strata-seed-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let lib = dir.join("libstrata_dialect_fake.so");
        std::fs::write(&lib, b"build one").unwrap();
        let info = strata_dialect_api::ConnInfo {
            schema: Some("main".into()),
            version: "3.46.0".into(),
            flavour: "sqlite".into(),
        };
        let first = StateSeed::from_parts("sqlite", "0.1.0", 1, &lib, &info);
        assert_eq!(first, StateSeed::from_parts("sqlite", "0.1.0", 1, &lib, &info));
        // A rebuilt library (another size, another time) is another build.
        std::fs::write(&lib, b"build number two").unwrap();
        let rebuilt = StateSeed::from_parts("sqlite", "0.1.0", 1, &lib, &info);
        assert_ne!(first.build, rebuilt.build);
        let newer = strata_dialect_api::ConnInfo { version: "3.47.0".into(), ..info.clone() };
        assert_ne!(rebuilt.server, StateSeed::from_parts("sqlite", "0.1.0", 1, &lib, &newer).server);
        // An unreadable file never matches anything, not even itself later.
        let gone = dir.join("missing.so");
        let a = StateSeed::from_parts("sqlite", "0.1.0", 1, &gone, &info);
        std::thread::sleep(std::time::Duration::from_millis(2));
        assert_ne!(a.build, StateSeed::from_parts("sqlite", "0.1.0", 1, &gone, &info).build);
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn cache_round_trip() {
        let dir = std::env::temp_dir().join(format!("strata-cache-test-{}", std::process::id()));
        let cache = StateCache { dir: Some(dir.clone()) };
        let realm = Realm { schemas: vec![strata_dialect_api::Schema { name: "main".into(), ..Default::default() }] };
        assert!(cache.get("k").is_none());
        cache.put("k", &realm);
        assert_eq!(cache.get("k"), Some(realm));
        let _ = std::fs::remove_dir_all(dir);
        assert!(StateCache::disabled().get("k").is_none());
    }

    #[test]
    fn patch_rebuilds_the_next_state() {
        use strata_dialect_api::{Column, Schema};
        let table = |name: &str, cols: &[&str]| Table {
            name: name.into(),
            columns: cols
                .iter()
                .map(|c| Column { name: (*c).into(), ty: "int".into(), nullable: true, ..Default::default() })
                .collect(),
            ..Default::default()
        };
        let realm =
            |tables: Vec<Table>| Realm { schemas: vec![Schema { name: "main".into(), tables, ..Default::default() }] };
        let from = realm(vec![table("a", &["x"]), table("b", &["x"]), table("c", &["x"])]);
        let to = realm(vec![table("a", &["x"]), table("b", &["x", "y"]), table("d", &["x"])]);
        let patch = Patch::between(&from, &to).unwrap();
        assert_eq!(patch.schemas[0].upserts.len(), 2, "b changed, d added");
        assert_eq!(patch.schemas[0].removes, ["c"]);
        let mut state = from.clone();
        assert!(patch.apply(&mut state));
        assert_eq!(state, to);
        let other = Realm { schemas: vec![Schema { name: "public".into(), ..Default::default() }] };
        assert!(Patch::between(&from, &other).is_none());
    }
}
