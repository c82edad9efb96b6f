//! PostgreSQL's catalog beyond tables and columns (issue 13), one fixture per
//! family: a current and a desired schema go through declarative apply,
//! versioned `migrate diff` + `migrate apply`, `migrate down`, and a re-diff;
//! each database is judged by `pg_dump --schema-only` against a reference
//! database psql loaded with the same SQL, never by Strata's own inspection.
//!
//! `STRATA_PG_FAMILY=name` runs only the cases whose name contains it.

use std::process::Command;

use strata_tests::{PgDb, Sandbox};

/// One fixture: what the database holds, and what it should hold.
struct Case {
    name: &'static str,
    current: &'static str,
    desired: &'static str,
}

fn psql(url: &str, sql: &str) -> Result<(), String> {
    let out = Command::new("psql")
        .args([url, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-c", sql])
        .output()
        .map_err(|e| e.to_string())?;
    if out.status.success() { Ok(()) } else { Err(String::from_utf8_lossy(&out.stderr).into_owned()) }
}

/// The schema as pg_dump prints it, without Strata's bookkeeping, comments
/// and session settings.
fn dump(db: &PgDb) -> Vec<String> {
    let out = Command::new("pg_dump")
        .args([
            "--schema-only",
            "--no-owner",
            "--no-privileges",
            "--exclude-schema=atlas_schema_revisions",
            "--exclude-table=public.strata_schema_history",
            "--exclude-table=public.atlas_schema_revisions",
            db.url().as_str(),
        ])
        .output()
        .expect("run pg_dump");
    assert!(out.status.success(), "pg_dump: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter(|l| {
            let t = l.trim();
            // `\restrict KEY` lines carry a random key per dump.
            !(t.is_empty()
                || t.starts_with("--")
                || t.starts_with("SET ")
                || t.starts_with("SELECT pg_catalog.set_config")
                || t.starts_with("\\restrict")
                || t.starts_with("\\unrestrict"))
        })
        .map(String::from)
        .collect()
}

fn differs(got: &[String], want: &[String]) -> String {
    let mut out = String::new();
    for l in got.iter().filter(|l| !want.contains(l)) {
        out.push_str(&format!("- {l}\n"));
    }
    for l in want.iter().filter(|l| !got.contains(l)) {
        out.push_str(&format!("+ {l}\n"));
    }
    if out.is_empty() {
        out = "(same lines, another order)\n".into();
    }
    out
}

/// Runs the four steps; the failures, each named by its step.
fn run(case: &Case) -> Vec<String> {
    let label = case.name.replace('-', "_");
    let dbs: Vec<PgDb> = ["cur", "rcur", "rdes", "ver", "dev"]
        .iter()
        .filter_map(|w| PgDb::create(&format!("fam_{label}_{w}")))
        .collect();
    let [cur, rcur, rdes, ver, dev] = dbs.as_slice() else { return Vec::new() };
    let sb = Sandbox::new(&format!("pgfam-{}", case.name));
    sb.write("current.sql", case.current);
    sb.write("desired.sql", case.desired);
    for (db, sql) in [(cur, case.current), (rcur, case.current), (rdes, case.desired)] {
        if let Err(e) = psql(&db.url(), sql) {
            return vec![format!("the fixture does not load: {e}")];
        }
    }
    let (want_cur, want_des) = (dump(rcur), dump(rdes));
    let strata = |args: &[&str]| -> Result<String, String> {
        let r = sb.strata(args);
        if r.code() == 0 {
            Ok(r.stdout())
        } else {
            Err(format!("strata {} exited {}\n{}{}", args.join(" "), r.code(), r.stdout(), r.stderr()))
        }
    };
    let judge = |step: &str, db: &PgDb, want: &[String]| -> Option<String> {
        let got = dump(db);
        (got != want).then(|| format!("{step}: pg_dump differs (- database, + reference):\n{}", differs(&got, want)))
    };
    let mut failures = Vec::new();
    let (dev_url, cur_url, ver_url) = (dev.url(), cur.url(), ver.url());

    // 1. Declarative.
    match strata(&[
        "schema",
        "apply",
        "--url",
        &cur_url,
        "--to",
        "file://desired.sql",
        "--dev-url",
        &dev_url,
        "--auto-approve",
        "--skip-checks",
    ]) {
        Ok(_) => failures.extend(judge("schema apply", cur, &want_des)),
        Err(e) => failures.push(format!("schema apply: {e}")),
    }
    // 2. Versioned: the current schema as version 1, the diff as version 2.
    sb.write("migrations/1_init.sql", case.current);
    let versioned = strata(&["migrate", "hash"])
        .and_then(|_| strata(&["migrate", "apply", "--url", &ver_url]))
        .and_then(|_| strata(&["migrate", "diff", "next", "--to", "file://desired.sql", "--dev-url", &dev_url]))
        .and_then(|_| strata(&["migrate", "apply", "--url", &ver_url]));
    match versioned {
        Ok(_) => {
            if let Some(f) = judge("migrate diff + apply", ver, &want_des) {
                failures.push(f);
            } else {
                // 3. Down: back to the current schema.
                match strata(&["migrate", "down", "--url", &ver_url, "--dev-url", &dev_url, "--skip-checks"]) {
                    Ok(_) => failures.extend(judge("migrate down", ver, &want_cur)),
                    Err(e) => failures.push(format!("migrate down: {e}")),
                }
            }
        }
        Err(e) => failures.push(format!("migrate diff + apply: {e}")),
    }
    // 4. Re-diff: the reference desired database against desired.sql.
    let rdes_url = rdes.url();
    match strata(&["schema", "diff", "--from", &rdes_url, "--to", "file://desired.sql", "--dev-url", &dev_url]) {
        Ok(out) if out.contains("Schemas are synced") => {}
        Ok(out) => failures.push(format!("re-diff is not empty:\n{out}")),
        Err(e) => failures.push(format!("re-diff: {e}")),
    }
    failures
}

fn family(cases: &[Case]) {
    if strata_tests::server_url("STRATA_TEST_POSTGRES_URL").is_none() {
        return;
    }
    let only = std::env::var("STRATA_PG_FAMILY").unwrap_or_default();
    let mut report = String::new();
    for case in cases.iter().filter(|c| c.name.contains(&only)) {
        for f in run(case) {
            report.push_str(&format!("\n=== {}: {f}", case.name));
        }
    }
    assert!(report.is_empty(), "{report}");
}

#[test]
fn partitioning() {
    family(&[
        Case {
            name: "partition-range-default-index",
            current: "",
            desired: "CREATE TABLE m (id int, at date NOT NULL) PARTITION BY RANGE (at);
                      CREATE TABLE m_2024 PARTITION OF m FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
                      CREATE TABLE m_rest PARTITION OF m DEFAULT;
                      CREATE INDEX m_at ON m (at);",
        },
        Case {
            name: "partition-list-hash-multicolumn",
            current: "",
            desired: "CREATE TABLE l (r text, id int) PARTITION BY LIST (r);
                      CREATE TABLE l_eu PARTITION OF l FOR VALUES IN ('de', 'fr');
                      CREATE TABLE h (a int, b int) PARTITION BY HASH (a, b);
                      CREATE TABLE h0 PARTITION OF h FOR VALUES WITH (MODULUS 2, REMAINDER 0);
                      CREATE TABLE h1 PARTITION OF h FOR VALUES WITH (MODULUS 2, REMAINDER 1);",
        },
        Case {
            name: "partition-added",
            current: "CREATE TABLE m (id int, at date NOT NULL) PARTITION BY RANGE (at);
                      CREATE TABLE m_2024 PARTITION OF m FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');",
            desired: "CREATE TABLE m (id int, at date NOT NULL) PARTITION BY RANGE (at);
                      CREATE TABLE m_2024 PARTITION OF m FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
                      CREATE TABLE m_2025 PARTITION OF m FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');",
        },
        Case {
            name: "partition-index-added-later",
            current: "CREATE TABLE m (id int, at date NOT NULL) PARTITION BY RANGE (at);
                      CREATE TABLE m_2024 PARTITION OF m FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');",
            desired: "CREATE TABLE m (id int, at date NOT NULL) PARTITION BY RANGE (at);
                      CREATE TABLE m_2024 PARTITION OF m FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
                      CREATE INDEX m_id ON m (id);",
        },
        Case {
            name: "partition-detached",
            current: "CREATE TABLE m (id int, at date NOT NULL) PARTITION BY RANGE (at);
                      CREATE TABLE m_old PARTITION OF m FOR VALUES FROM ('2020-01-01') TO ('2021-01-01');",
            desired: "CREATE TABLE m (id int, at date NOT NULL) PARTITION BY RANGE (at);
                      CREATE TABLE m_old (id int, at date NOT NULL);",
        },
    ]);
}

#[test]
fn row_level_security() {
    family(&[
        Case {
            name: "rls-enabled-with-policies",
            current: "CREATE TABLE t (id int, owner text);",
            desired: "CREATE TABLE t (id int, owner text);
                      ALTER TABLE t ENABLE ROW LEVEL SECURITY;
                      ALTER TABLE t FORCE ROW LEVEL SECURITY;
                      CREATE POLICY t_read ON t FOR SELECT USING (owner = current_user);
                      CREATE POLICY t_write ON t AS RESTRICTIVE FOR INSERT TO postgres WITH CHECK (owner = current_user);",
        },
        Case {
            name: "rls-policy-altered",
            current: "CREATE TABLE t (id int, owner text);
                      ALTER TABLE t ENABLE ROW LEVEL SECURITY;
                      CREATE POLICY t_read ON t FOR SELECT USING (owner = current_user);",
            desired: "CREATE TABLE t (id int, owner text);
                      ALTER TABLE t ENABLE ROW LEVEL SECURITY;
                      CREATE POLICY t_read ON t FOR SELECT USING (owner = current_user OR id < 10);",
        },
        Case {
            name: "rls-policy-recreated-and-disabled",
            current: "CREATE TABLE t (id int, owner text);
                      ALTER TABLE t ENABLE ROW LEVEL SECURITY;
                      CREATE POLICY t_p ON t FOR SELECT USING (true);
                      CREATE POLICY t_gone ON t FOR DELETE USING (false);",
            desired: "CREATE TABLE t (id int, owner text);
                      CREATE POLICY t_p ON t AS RESTRICTIVE FOR UPDATE TO postgres USING (true) WITH CHECK (id > 0);",
        },
    ]);
}

#[test]
fn constraints() {
    family(&[
        Case {
            name: "exclude-constraints",
            current: "CREATE TABLE b (id int, r int4range);",
            desired: "CREATE TABLE b (id int, r int4range,
                        CONSTRAINT b_no_overlap EXCLUDE USING gist (r WITH &&),
                        CONSTRAINT b_pos EXCLUDE USING btree (id WITH =) WHERE (id > 0));",
        },
        Case {
            name: "deferrable-unique-and-pk",
            current: "CREATE TABLE d (id int PRIMARY KEY, a int, CONSTRAINT d_a UNIQUE (a));",
            desired: "CREATE TABLE d (id int, a int,
                        CONSTRAINT d_pkey PRIMARY KEY (id) DEFERRABLE,
                        CONSTRAINT d_a UNIQUE (a) DEFERRABLE INITIALLY DEFERRED);",
        },
        Case {
            name: "checks-no-inherit-not-valid-fk-match-full",
            current: "CREATE TABLE p (a int, b int, PRIMARY KEY (a, b)); CREATE TABLE c (x int, y int, z int);",
            desired: "CREATE TABLE p (a int, b int, PRIMARY KEY (a, b));
                      CREATE TABLE c (x int, y int, z int,
                        CONSTRAINT c_fk FOREIGN KEY (x, y) REFERENCES p (a, b) MATCH FULL,
                        CONSTRAINT c_z CHECK (z > 0) NO INHERIT);
                      ALTER TABLE c ADD CONSTRAINT c_x CHECK (x > 0) NOT VALID;",
        },
    ]);
}

#[test]
fn comments() {
    family(&[Case {
        name: "comments-everywhere",
        current: "CREATE SCHEMA s; CREATE TABLE s.t (id int CONSTRAINT t_id CHECK (id > 0));
                  CREATE INDEX t_idx ON s.t (id); CREATE VIEW s.v AS SELECT id FROM s.t;
                  CREATE MATERIALIZED VIEW s.mv AS SELECT id FROM s.t;
                  CREATE FUNCTION s.f() RETURNS int LANGUAGE sql AS 'SELECT 1';
                  CREATE TYPE s.e AS ENUM ('a'); CREATE DOMAIN s.d AS int; CREATE SEQUENCE s.q;",
        desired: "CREATE SCHEMA s; CREATE TABLE s.t (id int CONSTRAINT t_id CHECK (id > 0));
                  CREATE INDEX t_idx ON s.t (id); CREATE VIEW s.v AS SELECT id FROM s.t;
                  CREATE MATERIALIZED VIEW s.mv AS SELECT id FROM s.t;
                  CREATE FUNCTION s.f() RETURNS int LANGUAGE sql AS 'SELECT 1';
                  CREATE TYPE s.e AS ENUM ('a'); CREATE DOMAIN s.d AS int; CREATE SEQUENCE s.q;
                  COMMENT ON SCHEMA s IS 'the schema';
                  COMMENT ON CONSTRAINT t_id ON s.t IS 'positive ids';
                  COMMENT ON INDEX s.t_idx IS 'by id';
                  COMMENT ON VIEW s.v IS 'a view';
                  COMMENT ON MATERIALIZED VIEW s.mv IS 'a matview';
                  COMMENT ON FUNCTION s.f() IS 'one';
                  COMMENT ON TYPE s.e IS 'an enum';
                  COMMENT ON DOMAIN s.d IS 'a domain';
                  COMMENT ON SEQUENCE s.q IS 'a sequence';",
    }]);
}

#[test]
fn domains() {
    family(&[
        Case {
            name: "domain-altered",
            current: "CREATE DOMAIN pos AS int; CREATE TABLE t (n pos);",
            desired: "CREATE DOMAIN pos AS int DEFAULT 1 NOT NULL CONSTRAINT pos_check CHECK (VALUE > 0) CHECK (VALUE < 1000);
                      CREATE TABLE t (n pos);",
        },
        Case {
            name: "domain-over-domain",
            current: "",
            desired: "CREATE DOMAIN base AS int CHECK (VALUE >= 0); CREATE DOMAIN small AS base CHECK (VALUE < 10);
                      CREATE TABLE t (n small);",
        },
    ]);
}

#[test]
fn enums() {
    family(&[
        Case {
            name: "enum-value-added-and-reverted",
            current: "CREATE TYPE mood AS ENUM ('sad', 'ok'); CREATE TABLE t (m mood);",
            desired: "CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy'); CREATE TABLE t (m mood);",
        },
        Case {
            name: "enum-value-renamed",
            // A row holds the renamed value: a rebuild would have to refuse it.
            current: "CREATE TYPE mood AS ENUM ('sad', 'ok'); CREATE TABLE t (m mood); INSERT INTO t VALUES ('ok');",
            desired: "CREATE TYPE mood AS ENUM ('sad', 'fine'); CREATE TABLE t (m mood);",
        },
        Case {
            name: "enum-type-renamed",
            current: "CREATE TYPE mood AS ENUM ('sad', 'ok'); CREATE TABLE t (m mood);",
            desired: "CREATE TYPE feeling AS ENUM ('sad', 'ok'); CREATE TABLE t (m feeling);",
        },
        Case {
            name: "enum-column-moved",
            current: "CREATE TYPE a AS ENUM ('x', 'y'); CREATE TYPE b AS ENUM ('x', 'y', 'z'); CREATE TABLE t (v a);",
            desired: "CREATE TYPE a AS ENUM ('x', 'y'); CREATE TYPE b AS ENUM ('x', 'y', 'z'); CREATE TABLE t (v b);",
        },
    ]);
}

#[test]
fn functions_and_views() {
    family(&[
        Case {
            name: "function-return-type-with-view",
            current: "CREATE FUNCTION f() RETURNS int LANGUAGE sql AS 'SELECT 1'; CREATE VIEW v AS SELECT f() AS x;",
            desired: "CREATE FUNCTION f() RETURNS bigint LANGUAGE sql AS 'SELECT 1'; CREATE VIEW v AS SELECT f() AS x;",
        },
        Case {
            name: "view-on-view-base-column-type",
            current: "CREATE TABLE t (id int, n int); CREATE VIEW v1 AS SELECT id, n FROM t; CREATE VIEW v2 AS SELECT n FROM v1;",
            desired: "CREATE TABLE t (id int, n bigint); CREATE VIEW v1 AS SELECT id, n FROM t; CREATE VIEW v2 AS SELECT n FROM v1;",
        },
    ]);
}

#[test]
fn sequences_and_identity() {
    family(&[
        Case {
            name: "sequence-as-type-and-serial",
            current: "CREATE SEQUENCE q AS smallint; CREATE TABLE t (id serial, n int);",
            desired: "CREATE SEQUENCE q AS bigint; CREATE TABLE t (id bigserial, n int);",
        },
        Case {
            name: "identity-options",
            current: "CREATE TABLE t (id int GENERATED ALWAYS AS IDENTITY, n int);",
            desired: "CREATE TABLE t (id int GENERATED ALWAYS AS IDENTITY (START WITH 100 INCREMENT BY 5 MINVALUE 10 MAXVALUE 100000 CACHE 10 CYCLE), n int);",
        },
    ]);
}

#[test]
fn index_storage_and_matview_indexes() {
    family(&[
        Case {
            name: "index-with-and-matview-index",
            current: "CREATE TABLE t (id int, n int); CREATE MATERIALIZED VIEW mv AS SELECT id FROM t;",
            desired: "CREATE TABLE t (id int, n int); CREATE MATERIALIZED VIEW mv AS SELECT id FROM t;
                      CREATE INDEX t_n ON t (n) WITH (fillfactor = 70, deduplicate_items = off);
                      CREATE UNIQUE INDEX mv_id ON mv (id);",
        },
        Case {
            name: "index-storage-altered-and-matview-index-swapped",
            current: "CREATE TABLE t (id int, n int); CREATE INDEX t_n ON t (n) WITH (fillfactor = 90);
                      CREATE MATERIALIZED VIEW mv AS SELECT id, n FROM t; CREATE INDEX mv_id ON mv (id);",
            desired: "CREATE TABLE t (id int, n int); CREATE INDEX t_n ON t (n) WITH (fillfactor = 60, deduplicate_items = off);
                      CREATE MATERIALIZED VIEW mv AS SELECT id, n FROM t; CREATE INDEX mv_n ON mv (n);",
        },
    ]);
}

#[test]
fn checks_on_what_the_plan_creates() {
    family(&[Case {
        name: "check-casts-to-a-new-enum",
        current: "CREATE TABLE t (state text); INSERT INTO t VALUES ('open');",
        desired: "CREATE TYPE state AS ENUM ('open', 'closed'); CREATE TABLE t (state state);",
    }]);
}

/// Objects whose type, default or operator class an extension provides: the
/// extension is created before them and dropped after them (planning cleans
/// the dev database of the desired schema, `migrate down` drops it all), also
/// across schemas planned in the other order.
const EXTENSION_USERS: &str = "CREATE EXTENSION citext; CREATE EXTENSION pg_trgm;
    CREATE SCHEMA zext; CREATE EXTENSION hstore WITH SCHEMA zext;
    CREATE DOMAIN email AS citext;
    CREATE TABLE u (id int PRIMARY KEY, e email, h zext.hstore DEFAULT ''::zext.hstore, c citext, t text);
    CREATE INDEX u_trgm ON u USING gin (t gin_trgm_ops);
    CREATE SCHEMA aux; CREATE DOMAIN aux.tag AS public.citext;
    CREATE TABLE aux.r (u_id int REFERENCES public.u (id), tag aux.tag);";

#[test]
fn extensions() {
    family(&[
        Case { name: "extension-users-created", current: "", desired: EXTENSION_USERS },
        Case { name: "extension-users-dropped", current: EXTENSION_USERS, desired: "" },
    ]);
}
