//! A `migrate down` reuses the plan an earlier run made for exactly the same
//! database state (the schema by the dialect's fingerprint, or by its
//! inspection where it has none; the revisions, the directory, the request),
//! and never one made for another state.

use strata_tests::{Run, Sandbox, sqlite_rows, sqlite_tables};

const V1: &str = "CREATE TABLE users (id integer PRIMARY KEY, name text NOT NULL);\n";
const V2: &str = "CREATE TABLE posts (id integer PRIMARY KEY, user_id integer REFERENCES users (id));\n\
    CREATE INDEX posts_user ON posts (user_id);\n";
const V3: &str = "ALTER TABLE users ADD COLUMN email text;\n";

/// A sandbox with three versions applied to `db.sqlite`, and its own cache.
fn applied() -> Sandbox {
    let sb = Sandbox::new("plan-reuse");
    sb.write("migrations/1_users.sql", V1);
    sb.write("migrations/2_posts.sql", V2);
    sb.write("migrations/3_email.sql", V3);
    sb.strata(&["migrate", "hash", "--dir", "file://migrations"]).ok();
    let url = sb.sqlite_url("db.sqlite");
    sb.strata(&["migrate", "apply", "--dir", "file://migrations", "--url", &url]).ok();
    sb
}

/// `strata migrate down ARGS` with the sandbox's cache, traced.
fn down(sb: &Sandbox, args: &[&str]) -> Run {
    let url = sb.sqlite_url("db.sqlite");
    let cache = sb.path.join("cache");
    let cache = cache.to_str().unwrap_or_default();
    let mut all = vec!["migrate", "down", "--dir", "file://migrations", "--url", url.as_str()];
    all.extend_from_slice(args);
    sb.strata_env(&all, &[("STRATA_CACHE_DIR", cache), ("STRATA_TRACE", "1")])
}

fn reused(run: &Run) -> bool {
    run.stderr().contains("plan reused")
}

fn versions(sb: &Sandbox) -> Vec<String> {
    sqlite_rows(&sb.path.join("db.sqlite"), "SELECT version FROM atlas_schema_revisions ORDER BY version")
        .into_iter()
        .map(|r| r[0].clone())
        .collect()
}

fn columns(sb: &Sandbox, table: &str) -> Vec<String> {
    sqlite_rows(&sb.path.join("db.sqlite"), &format!("SELECT name FROM pragma_table_info('{table}') ORDER BY cid"))
        .into_iter()
        .map(|r| r[0].clone())
        .collect()
}

#[test]
fn a_dry_run_plans_and_the_real_run_reuses_it() {
    let sb = applied();
    let dry = down(&sb, &["2", "--dry-run"]).ok();
    assert!(!reused(&dry), "nothing to reuse yet:\n{}", dry.stderr());
    let real = down(&sb, &["2"]).ok();
    assert!(reused(&real), "the dry run's plan was not reused:\n{}", real.stderr());
    // The same statements and checks (a dry run lists every check first).
    let stmts = |run: &Run| -> Vec<String> {
        let mut lines: Vec<String> =
            run.stdout().lines().filter(|l| l.trim_start().starts_with("->")).map(String::from).collect();
        lines.sort();
        lines
    };
    assert!(!stmts(&dry).is_empty(), "{}", dry.stdout());
    assert_eq!(stmts(&real), stmts(&dry));
}

#[test]
fn reuse_reverts_what_planning_afresh_reverts() {
    let sb = applied();
    down(&sb, &["2", "--dry-run"]).ok();
    let real = down(&sb, &["2"]).ok();
    assert!(reused(&real), "{}", real.stderr());
    assert_eq!(sqlite_tables(&sb.path.join("db.sqlite")), ["users"]);
    assert_eq!(columns(&sb, "users"), ["id", "name"]);
    assert_eq!(versions(&sb), ["1"]);
    // The reverted versions' history went with them, as when planned afresh.
    let history = sqlite_rows(&sb.path.join("db.sqlite"), "SELECT version FROM strata_schema_history ORDER BY 1");
    assert_eq!(history, [["1"]]);
}

/// The revisions and history tables are known by digests the database
/// computes: a row changed, or gone, is another state.
#[test]
fn revisions_or_history_changed_since_are_planned_afresh() {
    for change in [
        "UPDATE atlas_schema_revisions SET execution_time = execution_time + 1 WHERE version = '3'",
        "UPDATE strata_schema_history SET description = 'renamed' WHERE version = '2'",
        "DELETE FROM strata_schema_history WHERE version = '1'",
    ] {
        let sb = applied();
        down(&sb, &["2", "--dry-run"]).ok();
        sqlite_rows(&sb.path.join("db.sqlite"), change);
        let after = down(&sb, &["2", "--dry-run"]).ok();
        assert!(!reused(&after), "{change}: a plan for other rows was reused:\n{}", after.stderr());
        let again = down(&sb, &["2", "--dry-run"]).ok();
        assert!(reused(&again), "{change}: the new state's plan was not remembered:\n{}", again.stderr());
    }
}

#[test]
fn a_schema_changed_since_is_planned_afresh_and_its_drift_refused() {
    let sb = applied();
    down(&sb, &["1", "--dry-run"]).ok();
    sqlite_rows(&sb.path.join("db.sqlite"), "CREATE TABLE stray (id integer)");
    let real = down(&sb, &["1"]).expect_code(1);
    assert!(!reused(&real), "a plan for another schema was reused:\n{}", real.stderr());
    assert!(real.stdout().contains("stray"), "the drift must be shown:\n{}", real.stdout());
    assert_eq!(columns(&sb, "users"), ["id", "name", "email"], "nothing may run after drift");
    assert_eq!(versions(&sb), ["1", "2", "3"]);
}

#[test]
fn rows_added_since_are_still_checked() {
    let sb = applied();
    down(&sb, &["2", "--dry-run"]).ok();
    sqlite_rows(&sb.path.join("db.sqlite"), "INSERT INTO posts (id) VALUES (1)");
    let real = down(&sb, &["2"]).expect_code(1);
    assert!(reused(&real), "rows are no part of the fingerprint:\n{}", real.stderr());
    assert!(real.stderr().contains("posts"), "the check must name the table:\n{}", real.stderr());
    assert_eq!(sqlite_rows(&sb.path.join("db.sqlite"), "SELECT id FROM posts"), [["1"]]);
    assert_eq!(versions(&sb), ["1", "2", "3"]);
}

#[test]
fn another_request_or_directory_is_planned_afresh() {
    let sb = applied();
    down(&sb, &["1", "--dry-run"]).ok();
    let other = down(&sb, &["2", "--dry-run"]).ok();
    assert!(!reused(&other), "down 2 reused down 1's plan:\n{}", other.stderr());
    // The same request once the directory holds a new (unapplied) file.
    sb.write("migrations/4_logs.sql", "CREATE TABLE logs (id integer PRIMARY KEY);\n");
    sb.strata(&["migrate", "hash", "--dir", "file://migrations"]).ok();
    let changed = down(&sb, &["1", "--dry-run"]).ok();
    assert!(!reused(&changed), "a plan for another directory was reused:\n{}", changed.stderr());
    let again = down(&sb, &["1", "--dry-run"]).ok();
    assert!(reused(&again), "{}", again.stderr());
}

/// The server dialects, each test written once: a database created per
/// test, the three versions in the dialect's spelling, and its queries.
mod servers {
    use super::reused;
    use strata_tests::{MyDb, PgDb, Run, Sandbox};

    pub(super) trait Server: Sized {
        /// The three versions.
        const VERSIONS: [&'static str; 3];
        /// The user's tables, by name.
        const TABLES: &'static str;
        /// The columns of `users`, in order.
        const USERS_COLUMNS: &'static str;
        /// A change to a column that adds or drops no table.
        const ALTER_EMAIL: &'static str;
        /// The revisions table as a query names it.
        const REVISIONS: &'static str;
        fn create(label: &str) -> Option<Self>;
        fn url(&self) -> String;
        fn exec(&self, sql: &str);
        fn rows(&self, sql: &str) -> Vec<Vec<String>>;
    }

    impl Server for PgDb {
        const VERSIONS: [&'static str; 3] = [
            "CREATE TABLE users (id bigint PRIMARY KEY, name text NOT NULL);\n",
            "CREATE TABLE posts (id bigint PRIMARY KEY, user_id bigint REFERENCES users (id));\n\
             CREATE INDEX posts_user ON posts (user_id);\n",
            "ALTER TABLE users ADD COLUMN email text;\n",
        ];
        const TABLES: &'static str = "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1";
        const USERS_COLUMNS: &'static str =
            "SELECT column_name FROM information_schema.columns WHERE table_name = 'users' ORDER BY ordinal_position";
        // No table added or dropped: only a column's row in pg_attribute changes.
        const ALTER_EMAIL: &'static str = "ALTER TABLE users ALTER COLUMN email SET NOT NULL";
        const REVISIONS: &'static str = "atlas_schema_revisions.atlas_schema_revisions";
        fn create(label: &str) -> Option<Self> {
            PgDb::create(label)
        }
        fn url(&self) -> String {
            PgDb::url(self)
        }
        fn exec(&self, sql: &str) {
            PgDb::exec(self, sql);
        }
        fn rows(&self, sql: &str) -> Vec<Vec<String>> {
            PgDb::rows(self, sql)
        }
    }

    impl Server for MyDb {
        const VERSIONS: [&'static str; 3] = [
            "CREATE TABLE users (id bigint PRIMARY KEY, name varchar(100) NOT NULL);\n",
            "CREATE TABLE posts (id bigint PRIMARY KEY, user_id bigint, \
             CONSTRAINT posts_user FOREIGN KEY (user_id) REFERENCES users (id));\n",
            "ALTER TABLE users ADD COLUMN email varchar(255);\n",
        ];
        const TABLES: &'static str = "SELECT table_name FROM information_schema.tables WHERE table_schema = DATABASE() \
             AND table_name NOT IN ('atlas_schema_revisions', 'strata_schema_history') ORDER BY 1";
        const USERS_COLUMNS: &'static str = "SELECT column_name FROM information_schema.columns \
             WHERE table_schema = DATABASE() AND table_name = 'users' ORDER BY ordinal_position";
        const ALTER_EMAIL: &'static str = "ALTER TABLE users MODIFY COLUMN email varchar(255) NOT NULL DEFAULT ''";
        const REVISIONS: &'static str = "atlas_schema_revisions";
        fn create(label: &str) -> Option<Self> {
            MyDb::create(label)
        }
        fn url(&self) -> String {
            MyDb::url(self)
        }
        fn exec(&self, sql: &str) {
            MyDb::exec(self, sql);
        }
        fn rows(&self, sql: &str) -> Vec<Vec<String>> {
            MyDb::rows(self, sql)
        }
    }

    fn applied<D: Server>(label: &str) -> Option<(Sandbox, D, D)> {
        let (db, dev) = (D::create(label)?, D::create(&format!("{label}-dev"))?);
        let sb = Sandbox::new(label);
        for (name, sql) in ["1_users.sql", "2_posts.sql", "3_email.sql"].into_iter().zip(D::VERSIONS) {
            sb.write(&format!("migrations/{name}"), sql);
        }
        sb.strata(&["migrate", "hash", "--dir", "file://migrations"]).ok();
        sb.strata(&["migrate", "apply", "--dir", "file://migrations", "--url", &db.url()]).ok();
        Some((sb, db, dev))
    }

    fn down<D: Server>(sb: &Sandbox, db: &D, dev: &D, args: &[&str]) -> Run {
        let cache = sb.path.join("cache");
        let cache = cache.to_str().unwrap_or_default();
        let (url, dev) = (db.url(), dev.url());
        let mut all = vec!["migrate", "down", "--dir", "file://migrations", "--url", &url, "--dev-url", &dev];
        all.extend_from_slice(args);
        sb.strata_env(&all, &[("STRATA_CACHE_DIR", cache), ("STRATA_TRACE", "1")])
    }

    pub(super) fn a_dry_run_plans_and_the_real_run_reuses_it<D: Server>(label: &str) {
        let Some((sb, db, dev)) = applied::<D>(label) else { return };
        let dry = down(&sb, &db, &dev, &["2", "--dry-run"]).ok();
        assert!(!reused(&dry), "nothing to reuse yet:\n{}", dry.stderr());
        let real = down(&sb, &db, &dev, &["2"]).ok();
        assert!(reused(&real), "the dry run's plan was not reused:\n{}", real.stderr());
        assert_eq!(db.rows(D::TABLES), [["users"]]);
        assert_eq!(db.rows(D::USERS_COLUMNS), [["id"], ["name"]]);
    }

    pub(super) fn a_column_altered_since_is_planned_afresh_and_its_drift_refused<D: Server>(label: &str) {
        let Some((sb, db, dev)) = applied::<D>(label) else { return };
        down(&sb, &db, &dev, &["1", "--dry-run"]).ok();
        db.exec(D::ALTER_EMAIL);
        let real = down(&sb, &db, &dev, &["1"]).expect_code(1);
        assert!(!reused(&real), "a plan for another schema was reused:\n{}", real.stderr());
        assert!(real.stdout().contains("email"), "the drift must be shown:\n{}", real.stdout());
        let left = db.rows(&format!("SELECT version FROM {} ORDER BY version", D::REVISIONS));
        assert_eq!(left, [["1"], ["2"], ["3"]], "nothing may run after drift");
    }

    pub(super) fn a_revision_changed_since_is_planned_afresh<D: Server>(label: &str) {
        let Some((sb, db, dev)) = applied::<D>(label) else { return };
        down(&sb, &db, &dev, &["1", "--dry-run"]).ok();
        db.exec(&format!("UPDATE {} SET description = 'x' WHERE version = '3'", D::REVISIONS));
        let after = down(&sb, &db, &dev, &["1", "--dry-run"]).ok();
        assert!(!reused(&after), "a plan for other revisions was reused:\n{}", after.stderr());
        let again = down(&sb, &db, &dev, &["1", "--dry-run"]).ok();
        assert!(reused(&again), "{}", again.stderr());
    }

    pub(super) fn rows_added_since_are_still_checked<D: Server>(label: &str) {
        let Some((sb, db, dev)) = applied::<D>(label) else { return };
        down(&sb, &db, &dev, &["2", "--dry-run"]).ok();
        db.exec("INSERT INTO users (id, name) VALUES (1, 'ada')");
        db.exec("INSERT INTO posts (id, user_id) VALUES (1, 1)");
        let real = down(&sb, &db, &dev, &["2"]).expect_code(1);
        assert!(reused(&real), "rows are no part of the fingerprint:\n{}", real.stderr());
        assert!(real.stderr().contains("posts"), "the check must name the table:\n{}", real.stderr());
        assert_eq!(db.rows("SELECT id FROM posts"), [["1"]]);
    }
}

/// The tests of `servers` for one server, in a module of its own.
macro_rules! server_tests {
    ($(#[$doc:meta])* $dialect:ident, $db:ty, $label:literal) => {
        $(#[$doc])*
        mod $dialect {
            use super::servers;

            #[test]
            fn a_dry_run_plans_and_the_real_run_reuses_it() {
                servers::a_dry_run_plans_and_the_real_run_reuses_it::<$db>($label);
            }

            #[test]
            fn a_column_altered_since_is_planned_afresh_and_its_drift_refused() {
                servers::a_column_altered_since_is_planned_afresh_and_its_drift_refused::<$db>(concat!($label, "-drift"));
            }

            #[test]
            fn a_revision_changed_since_is_planned_afresh() {
                servers::a_revision_changed_since_is_planned_afresh::<$db>(concat!($label, "-revision"));
            }

            #[test]
            fn rows_added_since_are_still_checked() {
                servers::rows_added_since_are_still_checked::<$db>(concat!($label, "-rows"));
            }
        }
    };
}

server_tests!(
    /// PostgreSQL: the fingerprint is which catalog rows exist and which
    /// transaction wrote each. A dry run's plan is the real run's; a column
    /// altered in between, and rows written since, behave as on SQLite (the
    /// down benchmark restores by cloning a template database, which keeps
    /// the ids: its warm runs reuse the plan).
    postgres,
    strata_tests::PgDb,
    "reuse-pg"
);

server_tests!(
    /// MariaDB/MySQL: no fingerprint, so the key takes the schema from the
    /// inspection every plan starts from; a reuse saves replaying,
    /// comparing, diffing and verifying.
    mysql,
    strata_tests::MyDb,
    "reuse-my"
);
