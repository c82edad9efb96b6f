//! Inspected schema states per version, cached on disk. Replaying a long
//! directory on the dev database is the slow part of planning; a state is keyed
//! by a hash chain over the dialect and every statement up to that version, so a
//! key can only ever name one state.

use sha2::{Digest, Sha256};
use std::path::PathBuf;
use strata_dialect_api::Realm;

/// The on-disk cache of inspected states.
#[derive(Debug, Clone)]
pub struct StateCache {
    dir: Option<PathBuf>,
}

impl StateCache {
    /// The cache in `STRATA_CACHE_DIR`, else `$XDG_CACHE_HOME/strata`, else
    /// `~/.cache/strata`; disabled when `STRATA_CACHE_DIR` is empty or no home is known.
    pub fn from_env() -> StateCache {
        let base = match std::env::var_os("STRATA_CACHE_DIR") {
            Some(d) if d.is_empty() => None,
            Some(d) => Some(PathBuf::from(d)),
            None => std::env::var_os("XDG_CACHE_HOME")
                .map(PathBuf::from)
                .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))
                .map(|d| d.join("strata")),
        };
        StateCache { dir: base.map(|b| b.join("states")) }
    }

    /// A cache that stores nothing.
    pub fn disabled() -> StateCache {
        StateCache { dir: None }
    }

    /// The state stored under `key`.
    pub fn get(&self, key: &str) -> Option<Realm> {
        let path = self.dir.as_ref()?.join(format!("{key}.json"));
        let text = std::fs::read_to_string(path).ok()?;
        serde_json::from_str(&text).ok()
    }

    /// Stores a state; failures only cost speed, so they are ignored.
    pub fn put(&self, key: &str, realm: &Realm) {
        let Some(dir) = &self.dir else { return };
        if std::fs::create_dir_all(dir).is_err() {
            return;
        }
        let Ok(text) = serde_json::to_string(realm) else { return };
        // Write then rename, so a concurrent reader never sees half a file.
        let tmp = dir.join(format!("{key}.{}.tmp", std::process::id()));
        if std::fs::write(&tmp, text).is_ok() {
            let _ = std::fs::rename(&tmp, dir.join(format!("{key}.json")));
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
}
