//! Databases Atlas migrated work unchanged, and no run reports a success the
//! database does not hold. One suite, run on every dialect.
//!
//! The Atlas databases here are built with SQL as Atlas writes it (its
//! revisions DDL and rows, `.atlas_cloud_identifier` included), never with
//! Strata: no `strata_schema_history`, Atlas's column types.

use strata_tests::db::{Db, Kind};

// Portable across the dialects: MySQL indexes no `text` column without a
// prefix length, and ignores a column-level REFERENCES.
const V1: &str = "CREATE TABLE users (id integer PRIMARY KEY, name varchar(100) NOT NULL);\n\
    CREATE INDEX users_name ON users (name);\n";
const V2: &str = "CREATE TABLE posts (id integer PRIMARY KEY, user_id integer NOT NULL, title text, \
    FOREIGN KEY (user_id) REFERENCES users (id));\n";
const V3: &str = "CREATE TABLE logs (id integer PRIMARY KEY, line text);\n";

/// The per-file hashes atlas.sum holds (base64 without `h1:`), as Atlas
/// stores them in the revisions table.
fn sum_hash(db: &Db, file: &str) -> String {
    let sum = db.sb.read("migrations/atlas.sum");
    let line = sum.lines().find(|l| l.starts_with(file)).unwrap_or_else(|| panic!("{file} not in atlas.sum:\n{sum}"));
    line.rsplit("h1:").next().unwrap().to_string()
}

/// The revisions table of the database, qualified where it lives (a MySQL
/// URL binds one database, which holds it).
fn revisions_table(db: &Db) -> &'static str {
    match db.kind {
        Kind::Sqlite | Kind::Mysql(..) | Kind::Clickhouse(..) => "atlas_schema_revisions",
        Kind::Postgres(..) => "atlas_schema_revisions.atlas_schema_revisions",
    }
}

fn history_table(db: &Db) -> &'static str {
    match db.kind {
        Kind::Sqlite | Kind::Mysql(..) | Kind::Clickhouse(..) => "strata_schema_history",
        Kind::Postgres(..) => "atlas_schema_revisions.strata_schema_history",
    }
}

/// Whether Strata's history table exists.
fn has_history(db: &Db) -> bool {
    let sql = match db.kind {
        Kind::Sqlite => "SELECT count(*) FROM sqlite_master WHERE name = 'strata_schema_history'".to_string(),
        Kind::Postgres(..) => "SELECT count(*) FROM information_schema.tables WHERE table_schema = \
                               'atlas_schema_revisions' AND table_name = 'strata_schema_history'"
            .to_string(),
        Kind::Mysql(..) => "SELECT count(*) FROM information_schema.tables WHERE table_schema = DATABASE() \
                            AND table_name = 'strata_schema_history'"
            .to_string(),
        Kind::Clickhouse(..) => "SELECT count() FROM system.tables WHERE database = currentDatabase() \
                                 AND name = 'strata_schema_history'"
            .to_string(),
    };
    db.rows(&sql) == [["1"]]
}

/// Writes the directory, then makes the database what `atlas migrate apply`
/// of the first two files leaves: their statements, and Atlas's revisions
/// table with Atlas's rows.
fn atlas_applied_two(db: &Db) {
    db.write("migrations/1_users.sql", V1);
    db.write("migrations/2_posts.sql", V2);
    db.write("migrations/3_logs.sql", V3);
    db.hash();
    let (h1, h2) = (sum_hash(db, "1_users.sql"), sum_hash(db, "2_posts.sql"));
    let ddl = match db.kind {
        Kind::Sqlite => "CREATE TABLE `atlas_schema_revisions` (`version` text NOT NULL, `description` text NOT NULL, \
             `type` integer NOT NULL DEFAULT (2), `applied` integer NOT NULL DEFAULT (0), `total` integer NOT NULL \
             DEFAULT (0), `executed_at` datetime NOT NULL, `execution_time` integer NOT NULL, `error` text NULL, \
             `error_stmt` text NULL, `hash` text NOT NULL, `partial_hashes` json NULL, `operator_version` text NOT \
             NULL, PRIMARY KEY (`version`));"
            .to_string(),
        Kind::Postgres(..) => "CREATE SCHEMA \"atlas_schema_revisions\";\nCREATE TABLE \
             \"atlas_schema_revisions\".\"atlas_schema_revisions\" (\"version\" character varying NOT NULL, \
             \"description\" character varying NOT NULL, \"type\" bigint NOT NULL DEFAULT 2, \"applied\" bigint NOT \
             NULL DEFAULT 0, \"total\" bigint NOT NULL DEFAULT 0, \"executed_at\" timestamptz NOT NULL, \
             \"execution_time\" bigint NOT NULL, \"error\" text NULL, \"error_stmt\" text NULL, \"hash\" character \
             varying NOT NULL, \"partial_hashes\" jsonb NULL, \"operator_version\" character varying NOT NULL, \
             PRIMARY KEY (\"version\"));"
            .to_string(),
        Kind::Mysql(..) => "CREATE TABLE `atlas_schema_revisions` (`version` varchar(255) NOT NULL, \
             `description` varchar(255) NOT NULL, `type` bigint unsigned NOT NULL DEFAULT 2, `applied` bigint NOT \
             NULL DEFAULT 0, `total` bigint NOT NULL DEFAULT 0, `executed_at` timestamp(6) NOT NULL, \
             `execution_time` bigint NOT NULL, `error` longtext NULL, `error_stmt` longtext NULL, `hash` \
             varchar(255) NOT NULL, `partial_hashes` json NULL, `operator_version` varchar(255) NOT NULL, \
             PRIMARY KEY (`version`)) CHARSET utf8mb4 COLLATE utf8mb4_bin;"
            .to_string(),
        // Strata's ClickHouse revisions table is append-only, not Atlas's.
        Kind::Clickhouse(..) => unreachable!("ClickHouse is not in the adopt suite"),
    };
    let table = revisions_table(db);
    let rows = format!(
        "INSERT INTO {table} (version, description, type, applied, total, executed_at, execution_time, error, \
         error_stmt, hash, partial_hashes, operator_version) VALUES \
         ('.atlas_cloud_identifier', '8f1f5a7e-1f3c-4a42-9d55-0b8b3c1f2a10', 0, 0, 0, '2024-05-01 09:59:59.5+00:00', \
          0, '', NULL, '', NULL, 'Atlas CLI v0.25.0'), \
         ('1', 'users', 2, 2, 2, '2024-05-01 10:00:00.123456+00:00', 1520833, '', NULL, '{h1}', NULL, 'Atlas CLI v0.25.0'), \
         ('2', 'posts', 2, 1, 1, '2024-05-01 10:00:00.223456+00:00', 912500, '', NULL, '{h2}', 'null', 'Atlas CLI v0.25.0');"
    );
    // MariaDB's timestamps take no UTC offset: Atlas writes them in the session's zone.
    let rows = match db.kind {
        Kind::Mysql(..) => rows.replace("+00:00'", "'"),
        _ => rows,
    };
    db.exec(&format!("{V1}{V2}{ddl}\n{rows}"));
    db.exec("INSERT INTO users (id, name) VALUES (1, 'ada'), (2, 'bob');");
}

mod scenarios {
    use super::*;

    /// status, down (dry run, checks, the revert itself), apply and set on a
    /// database only Atlas ever touched.
    pub fn atlas_database_adopted(db: Db) {
        atlas_applied_two(&db);
        let run = db.strata(&["migrate", "status", "--url", &db.url]).ok();
        let out = run.stdout();
        assert!(out.contains("Migration Status: PENDING"), "{out}");
        assert!(out.contains("-- Current Version: 2"), "{out}");
        assert!(out.contains("-- Next Version:    3"), "{out}");
        assert!(out.contains("-- Executed Files:  2"), "{out}");
        let json = db.strata(&["migrate", "status", "--url", &db.url, "--format", "json"]).ok().json();
        assert_eq!(json["Current"], "2");
        assert_eq!(json["Applied"].as_array().map(Vec::len), Some(2), "{json}");

        // A dry run prints the plan, changes nothing, creates nothing.
        let out = db.down(&["--dry-run"]).ok().stdout();
        assert!(out.contains(&format!("-> DROP TABLE {}", db.t("posts"))), "{out}");
        assert_eq!(db.tables(), ["posts", "users"]);
        assert_eq!(db.versions(), ["1", "2"]);

        // The revert plans from the directory's files: no history exists.
        let out = db.down(&[]).ok().stdout();
        assert!(out.contains("-- reverting version 2"), "{out}");
        assert_eq!(db.tables(), ["users"]);
        assert_eq!(db.versions(), ["1"]);
        assert!(!has_history(&db), "a revert must not need (or create) Strata's history table");
        // Atlas's own row is left alone.
        let ident =
            format!("SELECT description FROM {} WHERE version = '.atlas_cloud_identifier'", revisions_table(&db));
        assert_eq!(db.rows(&ident), [["8f1f5a7e-1f3c-4a42-9d55-0b8b3c1f2a10"]]);

        // A check guards the rows of users: reverting everything is refused.
        let run = db.down(&["--to-version", "0"]).expect_code(2);
        assert!(run.stderr().contains("not applied"), "{}", run.stderr());
        let run = db.down(&["1"]).expect_code(1);
        assert!(run.stderr().contains("check before reverting version 1 failed"), "{}", run.stderr());
        assert_eq!(db.rows("SELECT id, name FROM users ORDER BY id"), [["1", "ada"], ["2", "bob"]]);
        assert_eq!(db.versions(), ["1"]);

        // Apply the rest: Strata's rows sit beside Atlas's.
        let out = db.strata(&["migrate", "apply", "--url", &db.url]).ok().stdout();
        assert!(out.contains("Migrating to version 3 from 1 (2 migrations in total)"), "{out}");
        assert_eq!(db.tables(), ["logs", "posts", "users"]);
        assert_eq!(db.versions(), ["1", "2", "3"]);
        assert_eq!(db.rows(&ident).len(), 1);
        let out = db.strata(&["migrate", "status", "--url", &db.url]).ok().stdout();
        assert!(out.contains("Migration Status: OK"), "{out}");

        // Drift on an Atlas database is found and refused like anywhere else.
        db.exec("CREATE TABLE extra (id integer);");
        let run = db.down(&[]).expect_code(1);
        assert!(run.stderr().contains("drifted"), "{}", run.stderr());
        assert_eq!(db.versions(), ["1", "2", "3"]);
        db.exec("DROP TABLE extra;");

        // set moves the revisions, both ways, and says so only when it holds.
        db.strata(&["migrate", "set", "1", "--url", &db.url]).ok();
        assert_eq!(db.versions(), ["1"]);
        db.strata(&["migrate", "set", "3", "--url", &db.url]).ok();
        assert_eq!(db.versions(), ["1", "2", "3"]);
        let kinds =
            format!("SELECT version, type FROM {} WHERE version NOT LIKE '.%' ORDER BY version", revisions_table(&db));
        assert_eq!(db.rows(&kinds), [["1", "2"], ["2", "4"], ["3", "4"]]);
    }

    /// The reproduction of the issue: two versions applied with Strata, then
    /// Strata's history table dropped; `migrate down` must revert version 2.
    pub fn down_without_history_table(db: Db) {
        db.write("migrations/1_users.sql", V1);
        db.write("migrations/2_posts.sql", V2);
        db.hash();
        db.apply();
        db.exec(&format!("DROP TABLE {};", history_table(&db)));
        let out = db.down(&[]).ok().stdout();
        assert!(out.contains("-- ok"), "{out}");
        assert_eq!(db.tables(), ["users"]);
        assert_eq!(db.versions(), ["1"]);
    }

    /// A failure inside the revert's transaction (here: Strata's history table
    /// refuses the delete) rolls everything back and is reported as a failure.
    pub fn failed_bookkeeping_rolls_back_down(db: Db) {
        db.write("migrations/1_users.sql", V1);
        db.write("migrations/2_posts.sql", V2);
        db.hash();
        db.apply();
        refuse_deletes(&db, history_table(&db));
        let run = db.down(&[]).expect_code(1);
        let err = run.stderr();
        assert!(err.contains("rolled back"), "{err}");
        assert!(err.contains("history"), "the error names what failed: {err}");
        assert!(!run.stdout().contains("  -- 1 migration\n"), "{}", run.stdout());
        assert_eq!(db.tables(), ["posts", "users"]);
        assert_eq!(db.versions(), ["1", "2"]);
        // migrate set forgets the history of the versions it removes: refused the
        // same way, it changes nothing either.
        let run = db.strata(&["migrate", "set", "1", "--url", &db.url]).expect_code(1);
        assert!(run.stderr().contains("history"), "{}", run.stderr());
        assert_eq!(db.versions(), ["1", "2"]);
    }

    /// The same for apply: the revisions table refuses the new row; the file
    /// is rolled back and the run fails.
    pub fn failed_bookkeeping_rolls_back_apply(db: Db) {
        db.write("migrations/1_users.sql", V1);
        db.hash();
        db.apply();
        db.write("migrations/2_posts.sql", V2);
        db.hash();
        refuse_inserts(&db, revisions_table(&db));
        let run = db.strata(&["migrate", "apply", "--url", &db.url]).expect_code(1);
        let err = run.stderr();
        assert!(err.contains("revisions table"), "the error names what failed: {err}");
        assert_eq!(db.tables(), ["users"]);
        assert_eq!(db.versions(), ["1"]);
    }
}

mod attempts {
    use super::*;

    /// With `--tx-mode file` a failed file is rolled back: it is shown by
    /// status, and removing it (or fixing it) lets the rest apply.
    pub fn failed_file_never_blocks_its_removal(db: Db) {
        db.write("migrations/1_users.sql", V1);
        db.write("migrations/2_bad.sql", "CREATE TABLE half (id integer);\nINSERT INTO nowhere VALUES (1);\n");
        db.write("migrations/3_logs.sql", V3);
        db.hash();
        let run = db.strata(&["migrate", "apply", "--url", &db.url, "--tx-mode", "file"]).expect_code(1);
        assert!(run.stderr().contains("2_bad.sql:2"), "the error names the file and line: {}", run.stderr());
        assert_eq!(db.tables(), ["users"]);
        assert_eq!(db.versions(), ["1"]);
        let out = db.strata(&["migrate", "status", "--url", &db.url]).ok().stdout();
        assert!(out.contains("-- Current Version: 1\n"), "{out}");
        assert!(out.contains("Last migration attempt had errors"), "{out}");
        assert!(out.contains("2_bad.sql"), "{out}");
        assert!(out.contains("INSERT INTO nowhere"), "{out}");
        let json = db.strata(&["migrate", "status", "--url", &db.url, "--format", "json"]).ok().json();
        assert_eq!(json["FailedAttempt"]["Name"], "2_bad.sql", "{json}");

        db.strata(&["migrate", "rm", "2"]).ok();
        let out = db.strata(&["migrate", "apply", "--url", &db.url]).ok().stdout();
        assert!(out.contains("Migrating to version 3 from 1"), "{out}");
        assert_eq!(db.tables(), ["logs", "users"]);
        assert_eq!(db.versions(), ["1", "3"]);
        let out = db.strata(&["migrate", "status", "--url", &db.url]).ok().stdout();
        assert!(out.contains("Migration Status: OK"), "{out}");
        assert!(!out.contains("had errors"), "a successful run forgets the failed attempt: {out}");
    }
}

mod declarative {
    use super::*;

    /// A statement that fails inside `schema apply`'s transaction rolls back
    /// the whole plan: exit 1, the error names the failure, nothing changed.
    pub fn failed_schema_apply_changes_nothing(db: Db) {
        db.exec("CREATE TABLE users (id integer PRIMARY KEY, name text);");
        db.exec("INSERT INTO users (id, name) VALUES (1, 'ada'), (2, 'ada');");
        db.write(
            "schema.sql",
            "CREATE TABLE users (id integer PRIMARY KEY, name text);\n\
             CREATE UNIQUE INDEX users_name ON users (name);\n\
             CREATE TABLE tags (id integer PRIMARY KEY);\n",
        );
        let run = db
            .strata(&[
                "schema",
                "apply",
                "--url",
                &db.url,
                "--to",
                "file://schema.sql",
                "--dev-url",
                &db.dev,
                "--auto-approve",
            ])
            .expect_code(1);
        let err = run.stderr().to_lowercase();
        assert!(err.contains("unique") || err.contains("duplicate"), "the error names the failure: {err}");
        assert_eq!(db.tables(), ["users"]);
        assert!(!db.has_index("users_name"));
        assert_eq!(db.rows("SELECT id, name FROM users ORDER BY id"), [["1", "ada"], ["2", "ada"]]);
    }
}

/// Makes every DELETE on `table` fail, without adding anything a schema diff
/// would see (a trigger on Strata's own tables is not the user's schema).
fn refuse_deletes(db: &Db, table: &str) {
    match db.kind {
        Kind::Sqlite => db.exec(&format!(
            "CREATE TRIGGER no_delete BEFORE DELETE ON {table} BEGIN SELECT RAISE(ABORT, 'deletes refused by test'); END;"
        )),
        // A built-in trigger function that fails when fired by a DELETE: no
        // function of our own to show up in the schema.
        Kind::Postgres(..) => db.exec(&format!(
            "CREATE TRIGGER no_delete BEFORE DELETE ON {table} FOR EACH ROW \
             EXECUTE FUNCTION tsvector_update_trigger(description, 'pg_catalog.english', description);"
        )),
        Kind::Mysql(..) => db.exec(&format!(
            "CREATE TRIGGER no_delete BEFORE DELETE ON {table} FOR EACH ROW \
             SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'deletes refused by test';"
        )),
        Kind::Clickhouse(..) => unreachable!("ClickHouse has no triggers and is not in the adopt suite"),
    }
}

/// Makes every INSERT on `table` fail (see [`refuse_deletes`]).
fn refuse_inserts(db: &Db, table: &str) {
    match db.kind {
        Kind::Sqlite => db.exec(&format!(
            "CREATE TRIGGER no_insert BEFORE INSERT ON {table} BEGIN SELECT RAISE(ABORT, 'inserts refused by test'); END;"
        )),
        Kind::Postgres(..) => db.exec(&format!(
            "CREATE TRIGGER no_insert BEFORE INSERT ON {table} FOR EACH ROW \
             EXECUTE FUNCTION suppress_redundant_updates_trigger();"
        )),
        Kind::Mysql(..) => db.exec(&format!(
            "CREATE TRIGGER no_insert BEFORE INSERT ON {table} FOR EACH ROW \
             SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'inserts refused by test';"
        )),
        Kind::Clickhouse(..) => unreachable!("ClickHouse has no triggers and is not in the adopt suite"),
    }
}

/// Every dialect runs the scenarios that hold everywhere; those that need a
/// failed run to leave nothing (transactional DDL) join with `transactional`.
macro_rules! suite {
    ($dialect:ident, $make:expr) => {
        suite!(@mod $dialect, $make, {});
    };
    ($dialect:ident, $make:expr, transactional) => {
        suite!(@mod $dialect, $make, {
            #[test]
            fn failed_bookkeeping_rolls_back_down() {
                with("fail-down", scenarios::failed_bookkeeping_rolls_back_down)
            }
            #[test]
            fn failed_file_never_blocks_its_removal() {
                with("failed-file", attempts::failed_file_never_blocks_its_removal)
            }
            #[test]
            fn failed_schema_apply_changes_nothing() {
                with("fail-schema-apply", declarative::failed_schema_apply_changes_nothing)
            }
            #[test]
            fn failed_bookkeeping_rolls_back_apply() {
                with("fail-apply", scenarios::failed_bookkeeping_rolls_back_apply)
            }
        });
    };
    (@mod $dialect:ident, $make:expr, { $($transactional:tt)* }) => {
        mod $dialect {
            use super::*;

            fn with(label: &str, scenario: fn(Db)) {
                if let Some(db) = $make(label) {
                    scenario(db)
                }
            }
            #[test]
            fn atlas_database_adopted() {
                with("adopt", scenarios::atlas_database_adopted)
            }
            #[test]
            fn down_without_history_table() {
                with("no-history", scenarios::down_without_history_table)
            }
            $($transactional)*
        }
    };
}

suite!(sqlite, Db::sqlite, transactional);
suite!(postgres, Db::postgres, transactional);
// MySQL and MariaDB run DDL statement by statement: a failed run keeps what ran.
suite!(mysql, Db::mysql);
