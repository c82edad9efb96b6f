//! The SQLite URL forms Atlas accepts open the file they name, with foreign
//! keys on exactly when `_fk=1` asks for it.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use strata_dialect_api::{DialectConnection, ErrorKind};

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("strata-sqlite-url-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Opens `url`, creates a table (so the file is written) and returns
/// `PRAGMA foreign_keys`.
fn foreign_keys(url: &str) -> String {
    let mut conn = strata_sqlite::open(url).unwrap_or_else(|e| panic!("{url}: {}", e.message));
    conn.exec("CREATE TABLE IF NOT EXISTS t (id integer)", &[]).unwrap();
    let rows = conn.query("PRAGMA foreign_keys", &[]).unwrap();
    rows.rows[0][0].clone().unwrap()
}

/// `PRAGMA foreign_keys` of a plain connection: the bundled SQLite is built
/// with foreign keys on by default, so a URL without `_fk` keeps that.
fn default_foreign_keys() -> String {
    let conn = rusqlite::Connection::open_in_memory().unwrap();
    conn.query_row("PRAGMA foreign_keys", [], |r| r.get::<_, i64>(0)).unwrap().to_string()
}

fn has_table(path: &Path) -> bool {
    let conn = rusqlite::Connection::open(path).unwrap();
    conn.query_row("SELECT count(*) FROM sqlite_master WHERE name = 't'", [], |r| r.get::<_, i64>(0)).unwrap() == 1
}

#[test]
fn atlas_forms_with_absolute_paths() {
    let dir = scratch("abs");
    let p = |name: &str| dir.join(name).display().to_string();
    // `sqlite://file:PATH?cache=shared&_fk=1`, Atlas's documented form.
    assert_eq!(foreign_keys(&format!("sqlite://file:{}?cache=shared&_fk=1", p("a.db"))), "1");
    assert!(has_table(&dir.join("a.db")));
    // `sqlite:///abs` (the path starts with `/`).
    assert_eq!(foreign_keys(&format!("sqlite://{}?_fk=1", p("b.db"))), "1");
    assert!(has_table(&dir.join("b.db")));
    assert_eq!(foreign_keys(&format!("sqlite3://{}", p("c.db"))), default_foreign_keys());
    assert!(has_table(&dir.join("c.db")));
    assert_eq!(foreign_keys(&format!("sqlite://{}?_fk=0&_busy_timeout=5000", p("c.db"))), "0");
    assert_eq!(foreign_keys(&format!("sqlite://{}?_foreign_keys=true", p("c.db"))), "1");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn atlas_forms_with_relative_paths() {
    // The only test of this binary that depends on the working directory.
    let dir = scratch("rel");
    std::env::set_current_dir(&dir).unwrap();
    assert_eq!(foreign_keys("sqlite://file:test.db?_fk=1"), "1");
    assert!(has_table(&dir.join("test.db")));
    assert_eq!(foreign_keys("sqlite://file.db?_fk=1"), "1");
    assert!(has_table(&dir.join("file.db")));
    assert_eq!(foreign_keys("sqlite://plain.db?_fk=0"), "0");
    assert!(has_table(&dir.join("plain.db")));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn memory_and_read_only_modes() {
    assert_eq!(foreign_keys("sqlite://dev?mode=memory&_fk=1"), "1");
    assert_eq!(foreign_keys("sqlite://file:dev?mode=memory&cache=shared"), default_foreign_keys());
    assert_eq!(foreign_keys("sqlite://dev?mode=memory&_fk=off"), "0");
    // Each in-memory open starts empty.
    let mut conn = strata_sqlite::open("sqlite://dev?mode=memory").unwrap();
    assert_eq!(conn.query("SELECT count(*) FROM sqlite_master", &[]).unwrap().rows, vec![vec![Some("0".into())]]);

    let dir = scratch("ro");
    let path = dir.join("ro.db").display().to_string();
    foreign_keys(&format!("sqlite://{path}"));
    let mut ro = strata_sqlite::open(&format!("sqlite://{path}?mode=ro")).unwrap();
    assert!(ro.exec("CREATE TABLE u (id integer)", &[]).is_err());
    let missing = dir.join("missing.db").display().to_string();
    let err = strata_sqlite::open(&format!("sqlite://{missing}?mode=rw")).err().unwrap();
    assert_eq!(err.kind, ErrorKind::Connection);
    assert!(!dir.join("missing.db").exists());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn bad_urls_are_refused_without_their_password() {
    let err = strata_sqlite::open("sqlite://user:pw@/tmp/x.db").err().unwrap();
    assert_eq!(err.kind, ErrorKind::InvalidUrl);
    assert_eq!(
        err.message,
        "invalid URL \"sqlite://user:****@/tmp/x.db\": a SQLite URL takes no user name or password"
    );
    let err = strata_sqlite::open("sqlite://x.db?_fk=maybe").err().unwrap();
    assert_eq!(err.message, "sqlite://x.db?_fk=maybe: invalid _fk value \"maybe\": use 1 or 0");
    let err = strata_sqlite::open("sqlite://x.db?mode=fast").err().unwrap();
    assert_eq!(err.message, "sqlite://x.db?mode=fast: unknown mode \"fast\": use memory, ro, rw or rwc");
    let err = strata_sqlite::open("sqlite://?_fk=1").err().unwrap();
    assert_eq!(err.message, "sqlite://?_fk=1: names no database file");
    let err = strata_sqlite::open("postgres://u:secret@h/db").err().unwrap();
    assert_eq!(err.message, "postgres://u:****@h/db: not a sqlite:// URL");
}
