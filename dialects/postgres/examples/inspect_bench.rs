//! Times `inspect` on 1,000 tables (10 columns, 2 indexes and 1 foreign key each)
//! in a fresh database: the median of 5 runs. Target: ≤ 0.5 s.
//!
//! `STRATA_TEST_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable \
//!  cargo run --release -p strata-postgres --example inspect_bench`
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::{Duration, Instant};
use strata_dialect_api::{DialectConnection, InspectOptions};
use strata_postgres::{open, quote};

const TABLES: usize = 1000;

fn main() {
    let server = std::env::var("STRATA_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable".into());
    let name = format!("strata_pg_bench_{}", std::process::id());
    let mut admin = open(&server).expect("connecting to the server");
    admin.exec(&format!("CREATE DATABASE {}", quote(&name)), &[]).unwrap();
    let (base, query) = server.split_once('?').unwrap_or((&server, ""));
    let host_end = base.rfind('/').filter(|i| *i > base.find("://").map_or(0, |s| s + 2)).unwrap_or(base.len());
    let url = format!("{}/{name}?{query}", &base[..host_end]);

    let result = std::panic::catch_unwind(|| {
        let mut conn = open(&url).unwrap();
        let started = Instant::now();
        // Batches keep each implicit transaction's lock count modest.
        for batch in 0..TABLES / 100 {
            let mut ddl = String::new();
            for i in batch * 100..(batch + 1) * 100 {
                let parent = if i == 0 { "t0000".to_string() } else { format!("t{:04}", i - 1) };
                ddl.push_str(&format!(
                    "CREATE TABLE t{i:04} (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, \
                     parent_id bigint REFERENCES {parent}(id) ON DELETE CASCADE, name varchar(100) NOT NULL, \
                     email text, score numeric(10,2) DEFAULT 0, active boolean NOT NULL DEFAULT true, \
                     created_at timestamptz NOT NULL DEFAULT now(), tags text[], payload jsonb, note text);\n\
                     CREATE INDEX t{i:04}_name ON t{i:04} (name);\n\
                     CREATE UNIQUE INDEX t{i:04}_email ON t{i:04} (lower(email)) WHERE email IS NOT NULL;\n"
                ));
            }
            conn.exec(&ddl, &[]).unwrap();
        }
        println!("created {TABLES} tables in {:?}", started.elapsed());
        let mut times: Vec<Duration> = Vec::new();
        for _ in 0..5 {
            let started = Instant::now();
            let realm = conn.inspect(&InspectOptions::default()).unwrap();
            times.push(started.elapsed());
            assert_eq!(realm.schemas[0].tables.len(), TABLES);
        }
        times.sort();
        println!("inspect_realm over {TABLES} tables: median {:?} (runs {times:?})", times[2]);
    });
    let _ = admin.exec(&format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", quote(&name)), &[]);
    if let Err(panic) = result {
        std::panic::resume_unwind(panic);
    }
}
