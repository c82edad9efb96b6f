//! The plugin runs SQLite without its memory statistics (see `driver::configure`):
//! a process whose first SQLite call is the plugin's open counts no bytes.
//! A file of its own: the setting applies only before SQLite initializes,
//! which another test in the same process could do first.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use strata_dialect_api::DialectConnection;

#[test]
fn sqlite_keeps_no_memory_statistics() {
    let mut conn = strata_sqlite::open("sqlite://stats?mode=memory").unwrap();
    conn.exec("CREATE TABLE t (id integer PRIMARY KEY, name text)", &[]).unwrap();
    conn.exec("INSERT INTO t (name) VALUES ('a'), ('b')", &[]).unwrap();
    assert_eq!(conn.query("SELECT count(*) FROM t", &[]).unwrap().rows, vec![vec![Some("2".to_string())]]);
    // With the statistics on, this counts the schema, the page cache and the
    // statement just run: tens of kilobytes.
    assert_eq!(unsafe { rusqlite::ffi::sqlite3_memory_used() }, 0);
}
