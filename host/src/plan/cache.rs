//! Inspected schema states per version, cached on disk. Replaying a long
//! directory on the dev database is the slow part of planning; a state is keyed
//! by a hash chain over the dialect and every statement up to that version, so a
//! key can only ever name one state.

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
    /// changed or removed) and each schema's views, triggers and attributes.
    pub fn subset(&self, realm: &Realm) -> Realm {
        let mut out = Realm::default();
        for (schema, patch) in realm.schemas.iter().zip(&self.schemas) {
            let touched =
                |name: &str| patch.removes.iter().any(|r| r == name) || patch.upserts.iter().any(|t| t.name == name);
            out.schemas.push(strata_dialect_api::Schema {
                name: schema.name.clone(),
                tables: schema.tables.iter().filter(|t| touched(&t.name)).cloned().collect(),
                views: schema.views.clone(),
                triggers: schema.triggers.clone(),
                attrs: schema.attrs.clone(),
            });
        }
        out
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

/// Keys for the states after each prefix of `chain` (statements per version):
/// `key[i] = sha256(key[i-1] ‖ statements of version i)`, seeded with the dialect.
pub fn chain_keys(dialect: &str, chain: &[&[String]]) -> Vec<String> {
    let mut prev = format!("strata-state-v1:{dialect}");
    let mut keys = Vec::with_capacity(chain.len());
    for stmts in chain {
        let mut h = Sha256::new();
        h.update(prev.as_bytes());
        for stmt in *stmts {
            h.update((stmt.len() as u64).to_le_bytes());
            h.update(stmt.as_bytes());
        }
        let key: String = h.finalize().iter().map(|b| format!("{b:02x}")).collect();
        keys.push(key.clone());
        prev = key;
    }
    keys
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_chain_and_differ() {
        let a = vec!["CREATE TABLE a (x int);".to_string()];
        let b = vec!["CREATE TABLE b (x int);".to_string()];
        let k1 = chain_keys("sqlite", &[&a, &b]);
        let k2 = chain_keys("sqlite", &[&a, &a]);
        assert_eq!(k1[0], k2[0]);
        assert_ne!(k1[1], k2[1]);
        assert_ne!(chain_keys("postgres", &[&a])[0], k1[0]);
        // Statement boundaries matter: ["ab"] is not ["a", "b"].
        let joined = vec!["ab".to_string()];
        let split = vec!["a".to_string(), "b".to_string()];
        assert_ne!(chain_keys("x", &[&joined]), chain_keys("x", &[&split]));
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
