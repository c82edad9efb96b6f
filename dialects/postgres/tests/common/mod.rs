//! A fresh database per test on the server named by `STRATA_TEST_POSTGRES_URL`.
#![allow(clippy::unwrap_used, clippy::expect_used, dead_code)]

use strata_dialect_api::{DialectConnection, InspectOptions, Realm};
use strata_postgres::{PgConn, open, quote};

/// The server URL, or `None` (after saying so) when tests must skip.
pub fn server() -> Option<String> {
    match std::env::var("STRATA_TEST_POSTGRES_URL") {
        Ok(url) if !url.is_empty() => Some(url),
        _ => {
            if std::env::var("CI").is_ok_and(|v| v == "true") {
                panic!("STRATA_TEST_POSTGRES_URL not set (required when CI=true)");
            }
            println!("skipping: STRATA_TEST_POSTGRES_URL not set");
            None
        }
    }
}

/// `url` with its database replaced by `db` and `extra` query parameters appended.
pub fn with_db(url: &str, db: &str, extra: &str) -> String {
    let (base, query) = url.split_once('?').unwrap_or((url, ""));
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let host_end = base[scheme_end..].find('/').map_or(base.len(), |i| scheme_end + i);
    let mut params: Vec<&str> = query.split('&').filter(|p| !p.is_empty()).collect();
    params.extend(extra.split('&').filter(|p| !p.is_empty()));
    if !params.iter().any(|p| p.starts_with("sslmode=")) {
        params.push("sslmode=disable");
    }
    format!("{}/{db}?{}", &base[..host_end], params.join("&"))
}

/// A database created for one test and dropped when the test ends.
pub struct TestDb {
    pub name: String,
    pub url: String,
    admin: String,
}

impl TestDb {
    pub fn new(server: &str, test: &str) -> TestDb {
        let name = format!("strata_pg_{test}_{}", std::process::id());
        let mut admin = open(server).unwrap();
        admin.exec(&format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", quote(&name)), &[]).unwrap();
        admin.exec(&format!("CREATE DATABASE {}", quote(&name)), &[]).unwrap();
        let url = with_db(server, &name, "");
        TestDb { name, url, admin: server.to_string() }
    }

    pub fn open(&self) -> PgConn {
        open(&self.url).unwrap()
    }

    pub fn open_bound(&self, schema: &str) -> PgConn {
        open(&with_db(&self.url, &self.name, &format!("search_path={schema}"))).unwrap()
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Ok(mut admin) = open(&self.admin) {
            let _ = admin.exec(&format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", quote(&self.name)), &[]);
        }
    }
}

pub fn exec(conn: &mut PgConn, sql: &str) {
    conn.exec(sql, &[]).unwrap_or_else(|e| panic!("executing {sql}: {} ({})", e.message, e.detail));
}

pub fn inspect(conn: &mut PgConn) -> Realm {
    conn.inspect(&InspectOptions::default()).unwrap()
}

pub fn inspect_schema(conn: &mut PgConn, schema: &str) -> Realm {
    conn.inspect(&InspectOptions { schemas: vec![schema.into()], ..InspectOptions::default() }).unwrap()
}

pub fn scalar(conn: &mut PgConn, sql: &str) -> Option<String> {
    let rows = conn.query(sql, &[]).unwrap_or_else(|e| panic!("{sql}: {}", e.message));
    rows.rows.first().and_then(|r| r.first().cloned().flatten())
}

/// `url` with its user info replaced by `user[:password]`.
pub fn with_user(url: &str, user: &str, password: Option<&str>) -> String {
    let start = url.find("://").map_or(0, |i| i + 3);
    let rest = &url[start..];
    let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
    let host = match rest[..authority_end].rfind('@') {
        Some(at) => &rest[at + 1..],
        None => rest,
    };
    let info = match password {
        Some(p) => format!("{user}:{p}"),
        None => user.to_string(),
    };
    format!("{}{info}@{host}", &url[..start])
}
