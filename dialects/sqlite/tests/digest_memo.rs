//! A digest query answered from memory is the answer the database gives now:
//! whoever changed it in between (another connection, another process, this
//! connection itself, a transaction rolled back), the next answer moves.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use strata_dialect_api::{DialectConnection, RenderReply, RenderRequest};

fn fingerprint_sql() -> String {
    match strata_sqlite::render(&RenderRequest::SchemaFingerprint).unwrap() {
        RenderReply::Text { text } => text,
        other => panic!("{other:?}"),
    }
}

fn digest_sql() -> String {
    let request = RenderRequest::RowsDigest { table: "\"t\"".into(), columns: vec!["id".into()] };
    match strata_sqlite::render(&request).unwrap() {
        RenderReply::Text { text } => text,
        other => panic!("{other:?}"),
    }
}

fn answer(conn: &mut strata_sqlite::SqliteConn, sql: &str) -> String {
    conn.query(sql, &[]).unwrap().rows[0][0].clone().unwrap()
}

#[test]
fn a_remembered_digest_follows_every_change() {
    let dir = std::env::temp_dir().join(format!("strata-sqlite-digest-memo-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("t.db");
    let _ = std::fs::remove_file(&path);
    let url = format!("sqlite://{}", path.display());
    let (schema, rows) = (fingerprint_sql(), digest_sql());
    let mut conn = strata_sqlite::open(&url).unwrap();
    conn.exec("CREATE TABLE t (id integer PRIMARY KEY)", &[]).unwrap();
    let first = (answer(&mut conn, &schema), answer(&mut conn, &rows));
    assert!(first.1.starts_with("0 "), "{first:?}");
    // Asked again with nothing changed: the same.
    assert_eq!((answer(&mut conn, &schema), answer(&mut conn, &rows)), first);

    // Another connection commits (as another process would).
    let other = rusqlite::Connection::open(&path).unwrap();
    other.execute_batch("INSERT INTO t VALUES (1); CREATE INDEX i ON t (id);").unwrap();
    let second = (answer(&mut conn, &schema), answer(&mut conn, &rows));
    assert!(second.1.starts_with("1 "), "{second:?}");
    assert_ne!(second.0, first.0);

    // This connection writes, which does not move data_version.
    conn.exec("INSERT INTO t VALUES (2)", &[]).unwrap();
    assert!(answer(&mut conn, &rows).starts_with("2 "));
    conn.exec("DROP INDEX i", &[]).unwrap();
    assert_eq!(answer(&mut conn, &schema), first.0);

    // A write read back inside a transaction, then rolled back.
    conn.begin().unwrap();
    conn.exec("INSERT INTO t VALUES (3)", &[]).unwrap();
    assert!(answer(&mut conn, &rows).starts_with("3 "));
    conn.rollback().unwrap();
    assert!(answer(&mut conn, &rows).starts_with("2 "));

    // A write through query (RETURNING) counts as a write too.
    conn.query("INSERT INTO t VALUES (4) RETURNING id", &[]).unwrap();
    assert!(answer(&mut conn, &rows).starts_with("3 "));
    let _ = std::fs::remove_dir_all(&dir);
}
