//! The out-of-tree DuckDB plugin (examples/duckdb): built as a vendor builds it,
//! against the frozen dialect API 2.0, loaded by today's strata through
//! `STRATA_PLUGIN_PATH`, and driven through the `strata` binary. Every outcome
//! is read back from DuckDB's own catalog by the small reader below (DuckDB's C
//! API through `libloading`), never through strata's inspection.
//!
//! Needs DuckDB's shared library: `export STRATA_DUCKDB_LIB="$(scripts/duckdb-lib)"`.
//! Without it every test here fails (a test that did not run has not passed).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use strata_tests::{Sandbox, repo_root};

/// DuckDB's library, from `STRATA_DUCKDB_LIB`; a failure when it is not set.
fn duckdb_lib() -> PathBuf {
    match std::env::var_os("STRATA_DUCKDB_LIB").filter(|v| !v.is_empty()) {
        Some(path) => {
            let path = PathBuf::from(path);
            assert!(path.is_file(), "STRATA_DUCKDB_LIB names {}, which is not a file", path.display());
            path
        }
        None if std::env::var_os("CI").is_some() => {
            panic!(
                "STRATA_DUCKDB_LIB is not set: CI must provide DuckDB's library (export STRATA_DUCKDB_LIB=\"$(scripts/duckdb-lib)\")"
            )
        }
        None => panic!(
            "STRATA_DUCKDB_LIB is not set: run `export STRATA_DUCKDB_LIB=\"$(scripts/duckdb-lib)\"` \
             (it fetches DuckDB's libduckdb.so once into .cache/duckdb/) and run the tests again"
        ),
    }
}

/// Builds examples/duckdb (once per test run) the way its README says and
/// returns the plugin file.
fn plugin() -> PathBuf {
    static BUILT: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    BUILT
        .get_or_init(|| {
            let root = repo_root();
            let manifest = root.join("examples/duckdb/Cargo.toml");
            let target = root.join("target/duckdb-example");
            let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
            let build = |offline: bool| {
                let mut cmd = Command::new(&cargo);
                cmd.arg("build").arg("--manifest-path").arg(&manifest).arg("--target-dir").arg(&target);
                if offline {
                    // Its Cargo.lock pins the workspace's versions: already downloaded.
                    cmd.arg("--offline");
                }
                cmd.output().expect("run cargo")
            };
            let mut out = build(true);
            let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
            if !out.status.success() && (stderr.contains("offline") || stderr.contains("download")) {
                out = build(false);
            }
            if !out.status.success() {
                return Err(format!("building examples/duckdb failed:\n{}", String::from_utf8_lossy(&out.stderr)));
            }
            let lib = target.join("debug").join(format!(
                "{}strata_dialect_duckdb{}",
                std::env::consts::DLL_PREFIX,
                std::env::consts::DLL_SUFFIX
            ));
            if lib.is_file() { Ok(lib) } else { Err(format!("{} was not built", lib.display())) }
        })
        .clone()
        .unwrap_or_else(|e| panic!("{e}"))
}

/// Runs strata with the DuckDB plugin and library.
fn strata(sb: &Sandbox, args: &[&str]) -> strata_tests::Run {
    let plugin = plugin();
    let lib = duckdb_lib();
    sb.strata_env(
        args,
        &[("STRATA_PLUGIN_PATH", plugin.to_str().unwrap()), ("STRATA_DUCKDB_LIB", lib.to_str().unwrap())],
    )
}

/// A minimal reader of DuckDB files through the C API: open, query, close.
mod duck {
    use std::ffi::{CStr, CString, c_char, c_void};
    use std::path::Path;
    use std::sync::OnceLock;

    #[repr(C)]
    struct RawResult([u64; 3], [*mut c_void; 3]);

    struct Api {
        open_ext: unsafe extern "C" fn(*const c_char, *mut *mut c_void, *mut c_void, *mut *mut c_char) -> i32,
        close: unsafe extern "C" fn(*mut *mut c_void),
        connect: unsafe extern "C" fn(*mut c_void, *mut *mut c_void) -> i32,
        disconnect: unsafe extern "C" fn(*mut *mut c_void),
        query: unsafe extern "C" fn(*mut c_void, *const c_char, *mut RawResult) -> i32,
        destroy_result: unsafe extern "C" fn(*mut RawResult),
        result_error: unsafe extern "C" fn(*mut RawResult) -> *const c_char,
        row_count: unsafe extern "C" fn(*mut RawResult) -> u64,
        column_count: unsafe extern "C" fn(*mut RawResult) -> u64,
        value_is_null: unsafe extern "C" fn(*mut RawResult, u64, u64) -> bool,
        value_varchar: unsafe extern "C" fn(*mut RawResult, u64, u64) -> *mut c_char,
        free: unsafe extern "C" fn(*mut c_void),
    }

    fn api() -> &'static Api {
        static API: OnceLock<Api> = OnceLock::new();
        API.get_or_init(|| {
            // abi_stable's wrapper of libloading; leaked: the pointers below live in it.
            let lib = Box::leak(Box::new(
                abi_stable::library::RawLibrary::load_at(&super::duckdb_lib()).expect("load libduckdb"),
            ));
            macro_rules! sym {
                ($name:literal) => {
                    *unsafe { lib.get(concat!($name, "\0").as_bytes()) }.expect($name)
                };
            }
            Api {
                open_ext: sym!("duckdb_open_ext"),
                close: sym!("duckdb_close"),
                connect: sym!("duckdb_connect"),
                disconnect: sym!("duckdb_disconnect"),
                query: sym!("duckdb_query"),
                destroy_result: sym!("duckdb_destroy_result"),
                result_error: sym!("duckdb_result_error"),
                row_count: sym!("duckdb_row_count"),
                column_count: sym!("duckdb_column_count"),
                value_is_null: sym!("duckdb_value_is_null"),
                value_varchar: sym!("duckdb_value_varchar"),
                free: sym!("duckdb_free"),
            }
        })
    }

    /// Runs `sqls` on the database file, in order, and returns the rows of
    /// each, every value as text (`NULL` for null). Columns must be of
    /// primitive types (cast lists and the like to VARCHAR). The file is closed
    /// again before returning: DuckDB lets one process open it at a time.
    pub fn run(db: &Path, sqls: &[&str]) -> Vec<Vec<Vec<String>>> {
        let api = api();
        let path = CString::new(db.to_str().unwrap()).unwrap();
        let mut out = Vec::new();
        // SAFETY: the C API as documented; every handle is released below.
        unsafe {
            let (mut database, mut conn, mut err) = (std::ptr::null_mut(), std::ptr::null_mut(), std::ptr::null_mut());
            assert_eq!((api.open_ext)(path.as_ptr(), &mut database, std::ptr::null_mut(), &mut err), 0, "open {db:?}");
            assert_eq!((api.connect)(database, &mut conn), 0);
            for sql in sqls {
                let c_sql = CString::new(*sql).unwrap();
                let mut result = RawResult([0; 3], [std::ptr::null_mut(); 3]);
                let ok = (api.query)(conn, c_sql.as_ptr(), &mut result) == 0;
                let error = if ok {
                    None
                } else {
                    Some(CStr::from_ptr((api.result_error)(&mut result)).to_string_lossy().into_owned())
                };
                let mut rows = Vec::new();
                if ok {
                    for r in 0..(api.row_count)(&mut result) {
                        let mut row = Vec::new();
                        for c in 0..(api.column_count)(&mut result) {
                            if (api.value_is_null)(&mut result, c, r) {
                                row.push("NULL".to_string());
                            } else {
                                let v = (api.value_varchar)(&mut result, c, r);
                                row.push(CStr::from_ptr(v).to_string_lossy().into_owned());
                                (api.free)(v.cast());
                            }
                        }
                        rows.push(row);
                    }
                }
                (api.destroy_result)(&mut result);
                if let Some(e) = error {
                    (api.disconnect)(&mut conn);
                    (api.close)(&mut database);
                    panic!("{sql}: {e}");
                }
                out.push(rows);
            }
            (api.disconnect)(&mut conn);
            (api.close)(&mut database);
        }
        out
    }

    /// The rows of one query.
    pub fn rows(db: &Path, sql: &str) -> Vec<Vec<String>> {
        run(db, &[sql]).remove(0)
    }
}

/// The user's tables in `main` (Strata's own included), by name.
fn tables(db: &Path) -> Vec<String> {
    duck::rows(db, "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main' ORDER BY table_name")
        .into_iter()
        .map(|r| r[0].clone())
        .collect()
}

/// (column, type, nullable, default) of `table`, in order.
fn columns(db: &Path, table: &str) -> Vec<[String; 4]> {
    duck::rows(
        db,
        &format!(
            "SELECT column_name, data_type, is_nullable::VARCHAR, coalesce(column_default, '') FROM duckdb_columns() \
             WHERE schema_name = 'main' AND table_name = '{table}' ORDER BY column_index"
        ),
    )
    .into_iter()
    .map(|r| [r[0].clone(), r[1].clone(), r[2].clone(), r[3].clone()])
    .collect()
}

/// `table.index` of every index (CREATE INDEX), by name.
fn indexes(db: &Path) -> Vec<String> {
    duck::rows(db, "SELECT table_name || '.' || index_name FROM duckdb_indexes() ORDER BY index_name")
        .into_iter()
        .map(|r| r[0].clone())
        .collect()
}

/// The views in `main`, by name.
fn views(db: &Path) -> Vec<String> {
    duck::rows(db, "SELECT view_name FROM duckdb_views() WHERE NOT internal ORDER BY view_name")
        .into_iter()
        .map(|r| r[0].clone())
        .collect()
}

fn col(name: &str, ty: &str, nullable: bool, default: &str) -> [String; 4] {
    [name.into(), ty.into(), nullable.to_string(), default.into()]
}

const V1: &str = "CREATE TABLE users (id INTEGER PRIMARY KEY, name VARCHAR NOT NULL, email VARCHAR);\n\
                  CREATE INDEX users_name ON users (name);\n\
                  INSERT INTO users VALUES (1, 'ada', 'ada@example.com'), (2, 'grace', NULL);\n";
const V2: &str = "CREATE TABLE posts (id INTEGER PRIMARY KEY, user_id INTEGER REFERENCES users (id), \
                  title VARCHAR NOT NULL DEFAULT 'untitled');\n\
                  ALTER TABLE users ADD COLUMN bio VARCHAR;\n\
                  CREATE VIEW post_titles AS SELECT id, title FROM posts;\n";

#[test]
fn migrate_apply_then_down_one_version() {
    duckdb_lib();
    let sb = Sandbox::new("duckdb-migrate");
    sb.write("migrations/20240101000000_users.sql", V1);
    sb.write("migrations/20240102000000_posts.sql", V2);
    sb.strata(&["migrate", "hash"]).ok();
    let db = sb.path.join("app.duckdb");
    let url = format!("duckdb://{}", db.display());

    // 1. Both files on a fresh database file.
    let run = strata(&sb, &["migrate", "apply", "--url", &url]).ok();
    assert!(run.stdout().contains("-- 2 migrations"), "{}", run.stdout());
    assert_eq!(tables(&db), ["atlas_schema_revisions", "posts", "strata_schema_history", "users"]);
    assert_eq!(
        columns(&db, "users"),
        [
            col("id", "INTEGER", false, ""),
            col("name", "VARCHAR", false, ""),
            col("email", "VARCHAR", true, ""),
            col("bio", "VARCHAR", true, "")
        ]
    );
    assert_eq!(
        columns(&db, "posts"),
        [
            col("id", "INTEGER", false, ""),
            col("user_id", "INTEGER", true, ""),
            col("title", "VARCHAR", false, "'untitled'")
        ]
    );
    assert_eq!(indexes(&db), ["users.users_name"]);
    assert_eq!(views(&db), ["post_titles"]);
    let revisions = duck::rows(
        &db,
        "SELECT version, type::VARCHAR, applied::VARCHAR, total::VARCHAR, coalesce(error, '') \
         FROM atlas_schema_revisions ORDER BY version",
    );
    assert_eq!(revisions, [["20240101000000", "2", "3", "3", ""], ["20240102000000", "2", "3", "3", ""]]);
    let status = strata(&sb, &["migrate", "status", "--url", &url, "--format", "json"]).ok().json();
    assert_eq!(status["Current"], "20240102000000");

    // 2. Back one version: the plan comes from the database's actual state.
    let run = strata(&sb, &["migrate", "down", "--url", &url, "--dev-url", "duckdb://dev?mode=memory"]).ok();
    assert!(run.stdout().contains("DROP TABLE \"posts\""), "{}", run.stdout());
    assert_eq!(tables(&db), ["atlas_schema_revisions", "strata_schema_history", "users"]);
    assert_eq!(
        columns(&db, "users"),
        [col("id", "INTEGER", false, ""), col("name", "VARCHAR", false, ""), col("email", "VARCHAR", true, "")]
    );
    // The index DuckDB made the plan drop and recreate around DROP COLUMN is back.
    assert_eq!(indexes(&db), ["users.users_name"]);
    assert!(views(&db).is_empty(), "{:?}", views(&db));
    assert_eq!(
        duck::rows(&db, "SELECT id::VARCHAR, name, coalesce(email, 'NULL') FROM users ORDER BY id"),
        [["1", "ada", "ada@example.com"], ["2", "grace", "NULL"]]
    );
    assert_eq!(duck::rows(&db, "SELECT version FROM atlas_schema_revisions"), [["20240101000000"]]);
    let status = strata(&sb, &["migrate", "status", "--url", &url, "--format", "json"]).ok().json();
    assert_eq!(status["Current"], "20240101000000");
}

#[test]
fn schema_apply_converges() {
    duckdb_lib();
    let sb = Sandbox::new("duckdb-schema");
    let db = sb.path.join("app.duckdb");
    let url = format!("duckdb://{}", db.display());
    let apply = |sb: &Sandbox| {
        strata(
            sb,
            &[
                "schema",
                "apply",
                "--url",
                &url,
                "--to",
                "file://schema.sql",
                "--dev-url",
                "duckdb://dev?mode=memory",
                "--auto-approve",
            ],
        )
        .ok()
    };
    sb.write(
        "schema.sql",
        "CREATE TABLE accounts (\n\
           id BIGINT PRIMARY KEY,\n\
           email TEXT NOT NULL UNIQUE,\n\
           balance DECIMAL(12, 2) NOT NULL DEFAULT 0,\n\
           score int,\n\
           tags VARCHAR[]\n\
         );\n\
         CREATE INDEX accounts_score ON accounts (score);\n\
         CREATE VIEW rich AS SELECT id FROM accounts WHERE balance > 100;\n",
    );
    let first = apply(&sb);
    assert!(first.stdout().contains("CREATE TABLE \"accounts\""), "{}", first.stdout());
    let again = apply(&sb);
    assert!(again.stdout().contains("no changes"), "the second run must find nothing to do:\n{}", again.stdout());
    assert_eq!(
        columns(&db, "accounts"),
        [
            col("id", "BIGINT", false, ""),
            col("email", "VARCHAR", false, ""),
            col("balance", "DECIMAL(12,2)", false, "0"),
            col("score", "INTEGER", true, ""),
            col("tags", "VARCHAR[]", true, "")
        ]
    );
    assert_eq!(indexes(&db), ["accounts.accounts_score"]);
    assert_eq!(views(&db), ["rich"]);
    duck::run(&db, &["INSERT INTO accounts VALUES (1, 'a@example.com', 250, 7, ['x'])"]);

    // A column added NOT NULL with a default, one retyped under an index,
    // one made nullable, a view dropped: DuckDB's ALTER limits are planned around.
    sb.write(
        "schema.sql",
        "CREATE TABLE accounts (\n\
           id BIGINT PRIMARY KEY,\n\
           email TEXT NOT NULL UNIQUE,\n\
           balance DECIMAL(12, 2) DEFAULT 0,\n\
           score BIGINT,\n\
           tags VARCHAR[],\n\
           status VARCHAR NOT NULL DEFAULT 'active'\n\
         );\n\
         CREATE INDEX accounts_score ON accounts (score);\n",
    );
    apply(&sb);
    let again = apply(&sb);
    assert!(again.stdout().contains("no changes"), "the second run must find nothing to do:\n{}", again.stdout());
    assert_eq!(
        columns(&db, "accounts"),
        [
            col("id", "BIGINT", false, ""),
            col("email", "VARCHAR", false, ""),
            col("balance", "DECIMAL(12,2)", true, "0"),
            col("score", "BIGINT", true, ""),
            col("tags", "VARCHAR[]", true, ""),
            col("status", "VARCHAR", false, "'active'")
        ]
    );
    assert_eq!(indexes(&db), ["accounts.accounts_score"]);
    assert!(views(&db).is_empty());
    assert_eq!(
        duck::rows(&db, "SELECT id::VARCHAR, balance::VARCHAR, score::VARCHAR, status FROM accounts"),
        [["1", "250.00", "7", "active"]]
    );
}

#[test]
fn plugin_built_against_api_2_0_loads_in_this_host() {
    let sb = Sandbox::new("duckdb-plugin");
    let plugin = plugin();
    let path = plugin.to_str().unwrap();
    let host = format!("{}.{}", strata_dialect_api::API_VERSION, strata_dialect_api::API_MINOR);
    let run = sb.strata(&["plugin", "verify", path]).ok();
    let out = run.stdout();
    assert!(out.starts_with("duckdb 0.1.0 (dialect API version 2.0)"), "{out}");
    assert!(out.trim_end().ends_with(&format!("compatible: this strata uses dialect API version {host}")), "{out}");
    let json = sb.strata(&["plugin", "verify", path, "--format", "json"]).ok().json();
    assert_eq!(json["APIVersion"], "2.0");
    assert_eq!(json["HostAPIVersion"], host.as_str());
    assert_eq!(json["Compatible"], true);
    let info = sb.strata_env(&["plugin", "info", "duckdb"], &[("STRATA_PLUGIN_PATH", path)]).ok().stdout();
    assert!(info.contains("schemes:      duckdb"), "{info}");
    assert!(info.contains("capabilities: transactional DDL, migration lock"), "{info}");
}

/// The out-of-tree plugin passes the conformance kit; built against 2.0, it
/// refuses a value kind 2.1 added (bytes) cleanly instead of misreading it.
#[test]
fn duckdb_plugin_conforms() {
    let sb = Sandbox::new("duckdb-conformance");
    let plugin = plugin();
    let url = format!("duckdb://{}", sb.path.join("conformance.duckdb").display());
    let run = strata(
        &sb,
        &[
            "plugin",
            "test",
            plugin.to_str().unwrap(),
            "--url",
            &url,
            "--dev-url",
            "duckdb://dev?mode=memory",
            "--format",
            "json",
        ],
    );
    let report = run.json();
    let checks = report["Checks"].as_array().unwrap();
    assert_eq!(run.code(), 0, "{checks:#?}");
    assert_eq!(checks.len(), 13);
    for c in checks {
        assert_eq!(c["Status"], "Pass", "{c}");
    }
    let newer = checks.iter().find(|c| c["Name"] == "bind.newer_kinds").unwrap();
    assert!(newer["Detail"].as_str().unwrap().contains("built against dialect API 2.0"), "{newer}");
    assert!(!tables(&sb.path.join("conformance.duckdb")).iter().any(|t| t.starts_with("strata_conformance")));
}

#[test]
fn missing_library_is_a_clear_error() {
    let sb = Sandbox::new("duckdb-nolib");
    let plugin = plugin();
    let run = sb
        .strata_env(
            &["schema", "inspect", "--url", "duckdb://app.duckdb"],
            &[("STRATA_PLUGIN_PATH", plugin.to_str().unwrap()), ("STRATA_DUCKDB_LIB", "/nonexistent/libduckdb.so")],
        )
        .expect_code(1);
    let err = run.stderr();
    assert!(
        err.contains("cannot load DuckDB's library \"/nonexistent/libduckdb.so\" named by STRATA_DUCKDB_LIB"),
        "{err}"
    );
    assert!(!err.contains("panicked"), "{err}");
    assert!(!Path::new(&sb.path.join("app.duckdb")).exists());
}
