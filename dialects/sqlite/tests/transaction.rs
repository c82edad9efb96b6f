//! A transaction that cannot commit everything reports an error on commit,
//! never a partial success.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use strata_dialect_api::DialectConnection;

fn count(path: &std::path::Path) -> i64 {
    rusqlite::Connection::open(path).unwrap().query_row("SELECT count(*) FROM t", [], |r| r.get(0)).unwrap()
}

#[test]
fn commit_after_a_failed_statement_rolls_back_and_errors() {
    let dir = std::env::temp_dir().join(format!("strata-sqlite-doomed-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("t.db");
    let _ = std::fs::remove_file(&path);
    let mut conn = strata_sqlite::open(&format!("sqlite://{}", path.display())).unwrap();
    conn.exec("CREATE TABLE t (id integer PRIMARY KEY)", &[]).unwrap();
    conn.begin().unwrap();
    conn.exec("INSERT INTO t VALUES (1)", &[]).unwrap();
    // SQLite keeps the transaction open after this; committing would keep the
    // first insert and lose the second silently.
    conn.exec("INSERT INTO missing VALUES (1)", &[]).unwrap_err();
    let err = conn.commit().unwrap_err();
    assert!(err.message.contains("rolled back"), "{err}");
    assert!(err.message.contains("missing"), "the error names the failure: {err}");
    assert_eq!(count(&path), 0);
    // A transaction SQLite ended itself is an error on commit too.
    conn.exec("CREATE TRIGGER stop BEFORE INSERT ON t WHEN NEW.id = 9 BEGIN SELECT RAISE(ROLLBACK, 'no'); END", &[])
        .unwrap();
    conn.begin().unwrap();
    conn.exec("INSERT INTO t VALUES (2)", &[]).unwrap();
    let _ = conn.exec("INSERT INTO t VALUES (9)", &[]);
    assert!(conn.commit().is_err());
    assert_eq!(count(&path), 0);
    // A clean transaction commits.
    conn.begin().unwrap();
    conn.exec("INSERT INTO t VALUES (3)", &[]).unwrap();
    conn.commit().unwrap();
    assert_eq!(count(&path), 1);
    let _ = std::fs::remove_dir_all(&dir);
}
