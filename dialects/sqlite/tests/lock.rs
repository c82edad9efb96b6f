//! The migration lock on SQLite files: an flock the kernel releases when its
//! holder dies, keyed by the database's canonical path.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use strata_dialect_api::{DialectConnection, ErrorKind};

const LOCK: &str = "atlas_migrate_execute";

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("strata-sqlite-lock-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn open(path: &Path) -> strata_sqlite::SqliteConn {
    strata_sqlite::open(&format!("sqlite://{}", path.display())).unwrap()
}

/// The key the old lock used: Adler-32 of the canonical path.
fn adler32(data: &[u8]) -> u32 {
    let (mut a, mut b) = (1u32, 0u32);
    for &byte in data {
        a = (a + u32::from(byte)) % 65521;
        b = (b + a) % 65521;
    }
    (b << 16) | a
}

#[test]
fn databases_whose_adler32_keys_collide_lock_independently() {
    let dir = scratch("collide");
    let (a, b) = (dir.join("aaca.db"), dir.join("abab.db"));
    let mut first = open(&a);
    let mut second = open(&b);
    let key = |p: &Path| adler32(std::fs::canonicalize(p).unwrap().to_string_lossy().as_bytes());
    assert_eq!(key(&a), key(&b), "the two paths must collide under the old key for this test to mean anything");
    first.lock(LOCK, Duration::ZERO).unwrap();
    second.lock(LOCK, Duration::ZERO).unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn held_lock_times_out_then_unlock_and_drop_release_it() {
    let dir = scratch("held");
    let db = dir.join("app.db");
    let mut first = open(&db);
    // Another path to the same file shares the lock.
    let mut second = open(&dir.join(".").join("app.db"));
    first.lock(LOCK, Duration::ZERO).unwrap();
    let started = Instant::now();
    let err = second.lock(LOCK, Duration::from_millis(200)).unwrap_err();
    assert!(started.elapsed() >= Duration::from_millis(200), "gave up after {:?}", started.elapsed());
    assert_eq!(err.kind, ErrorKind::LockTimeout, "{}", err.message);
    assert!(err.message.contains(&format!("lock on {LOCK:?} already taken")), "{}", err.message);
    assert!(err.message.contains(&dir.join(".").join("app.db").display().to_string()), "{}", err.message);
    // A lock with another name on the same database is independent.
    second.lock("other", Duration::ZERO).unwrap();

    first.unlock(LOCK).unwrap();
    second.lock(LOCK, Duration::ZERO).unwrap();
    // A waiter gets the lock as soon as its holder goes away (dropped, as a dying process).
    let waiter = std::thread::spawn(move || {
        let mut third = open(&db);
        let started = Instant::now();
        third.lock(LOCK, Duration::from_secs(10)).map(|()| started.elapsed())
    });
    std::thread::sleep(Duration::from_millis(300));
    drop(second);
    let waited = waiter.join().unwrap().unwrap();
    assert!(waited >= Duration::from_millis(250) && waited < Duration::from_secs(5), "waited {waited:?}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn in_memory_databases_need_no_lock() {
    let mut a = strata_sqlite::open("sqlite://dev?mode=memory").unwrap();
    let mut b = strata_sqlite::open("sqlite://dev?mode=memory").unwrap();
    a.lock(LOCK, Duration::ZERO).unwrap();
    b.lock(LOCK, Duration::ZERO).unwrap();
}
