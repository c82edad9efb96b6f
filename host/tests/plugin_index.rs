//! Plugins load when a URL needs them: the index in the cache directory
//! stands for the others, and never outlives the file it describes. Runs on
//! the plugins built by `cargo build --workspace`.

// A test that cannot set up fails with the panic.
#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use strata::plugin::{Registry, SearchPath};
use strata_dialect_api::DbUrl;

fn built(name: &str) -> PathBuf {
    let plugin = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(format!("../target/debug/libstrata_dialect_{name}.so"));
    assert!(plugin.exists(), "{} is missing: run `cargo build --workspace` before the tests", plugin.display());
    plugin
}

/// A directory holding copies of the SQLite and PostgreSQL plugins, and a cache.
fn setup(name: &str) -> (PathBuf, SearchPath, PathBuf) {
    let root = std::env::temp_dir().join(format!("strata-plugin-index-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    let plugins = root.join("plugins");
    std::fs::create_dir_all(&plugins).unwrap();
    for p in ["sqlite", "postgres"] {
        std::fs::copy(built(p), plugins.join(format!("libstrata_dialect_{p}.so"))).unwrap();
    }
    let search = SearchPath { dirs: vec![plugins], files: Vec::new() };
    (root.clone(), search, root.join("cache"))
}

fn url(text: &str) -> DbUrl {
    DbUrl::parse(text).unwrap()
}

#[test]
fn indexed_plugins_load_only_when_used() {
    let (root, search, cache) = setup("lazy");
    // First run: nothing indexed, everything loads, and is indexed.
    let first = Registry::load_indexed_in(&search, &cache).unwrap();
    assert_eq!(first.loaded(), 2);
    assert!(cache.join("plugins.json").exists());
    // Next run: nothing loads until a URL asks for its plugin.
    let next = Registry::load_indexed_in(&search, &cache).unwrap();
    assert_eq!(next.loaded(), 0);
    let sqlite = next.driver_for(&url("sqlite://x.db")).unwrap();
    assert_eq!(sqlite.name(), "sqlite");
    assert_eq!(next.loaded(), 1);
    // Unknown schemes are still told apart from plugins that exist.
    let err = next.driver_for(&url("nosuch://x")).unwrap_err().to_string();
    assert!(err.contains("known schemes are") && err.contains("postgres"), "{err}");
    assert_eq!(next.drivers().len(), 2);
    assert_eq!(next.loaded(), 2);
    let _ = std::fs::remove_dir_all(root);
}

#[test]
fn a_replaced_library_is_loaded_again_not_trusted() {
    let (root, search, cache) = setup("replaced");
    Registry::load_indexed_in(&search, &cache).unwrap();
    // The PostgreSQL plugin's file now holds something that is no plugin.
    let pg: &Path = &search.dirs[0].join("libstrata_dialect_postgres.so");
    std::fs::remove_file(pg).unwrap();
    std::fs::write(pg, b"not a library").unwrap();
    let next = Registry::load_indexed_in(&search, &cache).unwrap();
    assert_eq!(next.failures.len(), 1, "the changed file is loaded (and fails) at once");
    let err = next.driver_for(&url("postgres://h/db")).unwrap_err().to_string();
    assert!(err.contains("libstrata_dialect_postgres.so"), "{err}");
    // The SQLite plugin is unchanged: still indexed, still lazy.
    assert_eq!(next.loaded(), 0);
    assert_eq!(next.driver_for(&url("sqlite://x.db")).unwrap().name(), "sqlite");
    let _ = std::fs::remove_dir_all(root);
}
