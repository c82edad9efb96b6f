//! End to end through the built `strata` binary (`cargo build --workspace`
//! first): plans that combine changes SQLite can only make by rebuilding
//! tables, run by `schema apply`, `migrate diff` + `migrate apply` and
//! `migrate down`, each inside one transaction with foreign keys enforced.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::rows;
use rusqlite::Connection;
use std::path::{Path, PathBuf};
use std::process::Command;

fn strata_bin() -> PathBuf {
    // Test executables live in target/<profile>/deps.
    let exe = std::env::current_exe().unwrap();
    let bin = exe.parent().and_then(Path::parent).unwrap().join(format!("strata{}", std::env::consts::EXE_SUFFIX));
    assert!(bin.exists(), "{} is missing: run `cargo build --workspace` before the tests", bin.display());
    bin
}

struct Project {
    dir: PathBuf,
}

impl Project {
    fn new(name: &str) -> Project {
        let dir = std::env::temp_dir().join(format!("strata-sqlite-cli-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Project { dir }
    }

    fn write(&self, rel: &str, content: &str) {
        std::fs::write(self.dir.join(rel), content).unwrap();
    }

    fn url(&self, db: &str) -> String {
        format!("sqlite://{}", self.dir.join(db).display())
    }

    fn db(&self, db: &str) -> Connection {
        Connection::open(self.dir.join(db)).unwrap()
    }

    /// Runs strata and returns stdout, failing with its output unless it succeeds.
    #[track_caller]
    fn ok(&self, args: &[&str]) -> String {
        let out = Command::new(strata_bin())
            .args(args)
            .current_dir(&self.dir)
            .env_remove("STRATA_PLUGIN_PATH")
            .env("NO_COLOR", "1")
            .env("STRATA_CACHE_DIR", self.dir.join("cache"))
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
        assert!(
            out.status.success(),
            "strata {args:?} exited {:?}\n--- stdout\n{stdout}\n--- stderr\n{}",
            out.status.code(),
            String::from_utf8_lossy(&out.stderr)
        );
        stdout
    }
}

impl Drop for Project {
    fn drop(&mut self) {
        if !std::thread::panicking() {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}

/// The parent loses its `code` key together with the child's foreign key that
/// used it, and a renamed table keeps its index name.
const V1: &str = "CREATE TABLE parent (id INTEGER PRIMARY KEY, code TEXT UNIQUE, name TEXT);
CREATE TABLE child (id INTEGER PRIMARY KEY, parent_code TEXT REFERENCES parent (code), parent_id INT);
CREATE TABLE users (id INTEGER PRIMARY KEY, note TEXT);
CREATE INDEX ix_users ON users (note);
";
const V2: &str = "CREATE TABLE parent (id INTEGER PRIMARY KEY, name TEXT NOT NULL DEFAULT '');
CREATE TABLE child (id INTEGER PRIMARY KEY, parent_code TEXT, parent_id INT REFERENCES parent (id));
CREATE TABLE users_v2 (id INTEGER PRIMARY KEY, note TEXT);
CREATE INDEX ix_users ON users_v2 (note);
";
const ROWS: &str = "INSERT INTO parent VALUES (1, NULL, 'one'), (2, NULL, NULL);
INSERT INTO child VALUES (1, NULL, 1), (2, NULL, 2);";

fn assert_v2(conn: &Connection) {
    assert_eq!(rows(conn, "SELECT name FROM pragma_table_xinfo('parent') ORDER BY cid"), [["id"], ["name"]]);
    assert_eq!(
        rows(conn, "SELECT \"table\", \"from\", \"to\" FROM pragma_foreign_key_list('child')"),
        [["parent", "parent_id", "id"]]
    );
    assert_eq!(
        rows(conn, "SELECT name, tbl_name FROM sqlite_master WHERE type = 'index' AND name = 'ix_users'"),
        [["ix_users", "users_v2"]]
    );
    assert_eq!(rows(conn, "SELECT id, name FROM parent ORDER BY id"), [["1", "one"], ["2", ""]]);
    assert_eq!(rows(conn, "SELECT id, parent_id FROM child ORDER BY id"), [["1", "1"], ["2", "2"]]);
    assert_eq!(rows(conn, "SELECT count(*) FROM pragma_foreign_key_check"), [["0"]]);
}

#[test]
fn schema_apply_rebuilds_parent_and_children_in_foreign_key_order() {
    let p = Project::new("schema-apply");
    p.write("schema.sql", V2);
    let conn = p.db("app.db");
    conn.execute_batch(V1).unwrap();
    conn.execute_batch(ROWS).unwrap();
    conn.execute_batch("DELETE FROM users").unwrap();
    let url = p.url("app.db");
    p.ok(&["schema", "apply", "--url", &url, "--to", "file://schema.sql", "--auto-approve"]);
    assert_v2(&p.db("app.db"));
    let again = p.ok(&["schema", "diff", "--from", &url, "--to", "file://schema.sql"]);
    assert!(again.contains("Schemas are synced") || again.trim().is_empty(), "{again}");
}

#[test]
fn migrate_diff_apply_and_down_rebuild_in_foreign_key_order() {
    let p = Project::new("diff-down");
    let dev = "sqlite://dev?mode=memory";
    let url = p.url("app.db");
    p.write("schema.sql", V1);
    p.ok(&["migrate", "diff", "v1", "--to", "file://schema.sql", "--dev-url", dev]);
    p.ok(&["migrate", "apply", "--url", &url]);
    p.db("app.db").execute_batch(ROWS).unwrap();

    p.write("schema.sql", V2);
    p.ok(&["migrate", "diff", "v2", "--to", "file://schema.sql", "--dev-url", dev]);
    p.ok(&["migrate", "apply", "--url", &url]);
    assert_v2(&p.db("app.db"));

    // Down: the parent gets `code` back before the child's key uses it.
    p.ok(&["migrate", "down", "--url", &url, "--dev-url", dev]);
    let conn = p.db("app.db");
    assert_eq!(rows(&conn, "SELECT name FROM pragma_table_xinfo('parent') ORDER BY cid"), [["id"], ["code"], ["name"]]);
    assert_eq!(
        rows(&conn, "SELECT \"table\", \"from\", \"to\" FROM pragma_foreign_key_list('child')"),
        [["parent", "parent_code", "code"]]
    );
    assert_eq!(
        rows(&conn, "SELECT name, tbl_name FROM sqlite_master WHERE type = 'index' AND name = 'ix_users'"),
        [["ix_users", "users"]]
    );
    assert_eq!(rows(&conn, "SELECT id, parent_id FROM child ORDER BY id"), [["1", "1"], ["2", "2"]]);
    assert_eq!(rows(&conn, "SELECT count(*) FROM pragma_foreign_key_check"), [["0"]]);
}

/// A child with ON DELETE CASCADE that does not change itself keeps its rows
/// when its parent is rebuilt: the differ rebuilds it with the parent (the
/// host's `plan::reduce` sends the plugin the unchanged tables whose foreign
/// keys reach a changed one, so it sees the child).
#[test]
fn schema_apply_keeps_rows_of_an_unchanged_cascading_child() {
    let p = Project::new("cascade");
    let start = "CREATE TABLE parent (id INTEGER PRIMARY KEY, name TEXT);
CREATE TABLE owned (id INTEGER PRIMARY KEY, parent_id INT REFERENCES parent (id) ON DELETE CASCADE);";
    p.write("schema.sql", &start.replace("name TEXT", "name TEXT NOT NULL DEFAULT ''"));
    let conn = p.db("app.db");
    conn.execute_batch(start).unwrap();
    conn.execute_batch("INSERT INTO parent VALUES (1, 'a'); INSERT INTO owned VALUES (1, 1);").unwrap();
    let url = p.url("app.db");
    p.ok(&["schema", "apply", "--url", &url, "--to", "file://schema.sql", "--auto-approve"]);
    assert_eq!(rows(&p.db("app.db"), "SELECT id, parent_id FROM owned"), [["1", "1"]]);
}
