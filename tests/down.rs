//! `migrate down` scenarios, one suite parametrized by dialect: each dialect
//! that lands joins it with one `suite!` line.

use strata_tests::db::Db;

// Portable across the dialects: MySQL indexes no `text` column without a
// prefix length, and ignores a column-level REFERENCES.
const V1: &str = "CREATE TABLE users (id integer PRIMARY KEY, name varchar(100) NOT NULL);\n\
    CREATE INDEX users_name ON users (name);\n";
const V2: &str = "CREATE TABLE posts (id integer PRIMARY KEY, user_id integer NOT NULL, title text, \
    FOREIGN KEY (user_id) REFERENCES users (id));\n";
const V3: &str = "ALTER TABLE users ADD COLUMN email text;\nCREATE TABLE logs (id integer PRIMARY KEY, line text);\n";

// ClickHouse has no keys, foreign keys or indexes: the same tables, each
// with the engine and sort key ClickHouse requires.
const CH_V1: &str = "CREATE TABLE users (id UInt64, name String) ENGINE = MergeTree ORDER BY id;\n";
const CH_V2: &str =
    "CREATE TABLE posts (id UInt64, user_id UInt64, title Nullable(String)) ENGINE = MergeTree ORDER BY id;\n";
const CH_V3: &str = "ALTER TABLE users ADD COLUMN email Nullable(String);\n\
    CREATE TABLE logs (id UInt64, line Nullable(String)) ENGINE = MergeTree ORDER BY id;\n";

fn v1(db: &Db) -> &'static str {
    if db.is_clickhouse() { CH_V1 } else { V1 }
}

fn v2(db: &Db) -> &'static str {
    if db.is_clickhouse() { CH_V2 } else { V2 }
}

fn v3(db: &Db) -> &'static str {
    if db.is_clickhouse() { CH_V3 } else { V3 }
}

/// `CREATE TABLE name (columns)` in the dialect: `columns` as the other
/// dialects write them (`id integer PRIMARY KEY` first), rewritten for
/// ClickHouse (no keys; an engine and a sort key).
fn create(db: &Db, name: &str, columns: &str) -> String {
    if !db.is_clickhouse() {
        return format!("CREATE TABLE {name} ({columns});");
    }
    let columns = columns
        .replace("id integer PRIMARY KEY", "id UInt64")
        .replace("id int", "id UInt64")
        .replace(" integer", " Int32")
        .replace(" int", " Int32")
        .replace(" text", " Nullable(String)");
    format!("CREATE TABLE {name} ({columns}) ENGINE = MergeTree ORDER BY id;")
}

/// The check a revert runs for "no rows of `from`" (`from` a table, maybe
/// with a WHERE): ClickHouse 18.16 has no EXISTS.
fn empty_check(db: &Db, from: &str) -> String {
    if db.is_clickhouse() {
        format!("SELECT count() = 0 AS {} FROM (SELECT 1 FROM {from} LIMIT 1)", db.q("is_empty"))
    } else {
        format!("SELECT NOT EXISTS (SELECT 1 FROM {from}) AS {}", db.q("is_empty"))
    }
}

/// Deletes rows; on ClickHouse an `ALTER TABLE … DELETE`, waited for (a
/// mutation runs in the background).
fn delete(db: &Db, table: &str, filter: &str) {
    if !db.is_clickhouse() {
        return db.exec(&format!("DELETE FROM {table} WHERE {filter};"));
    }
    db.exec(&format!("ALTER TABLE {table} DELETE WHERE {filter};"));
    wait_mutations(db);
}

/// Waits until ClickHouse has finished every mutation of the database.
fn wait_mutations(db: &Db) {
    let start = std::time::Instant::now();
    while db.rows("SELECT count() FROM system.mutations WHERE database = currentDatabase() AND is_done = 0") != [["0"]]
    {
        assert!(start.elapsed().as_secs() < 30, "mutations still running after 30s");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

/// Empties a table: ClickHouse has no DELETE statement.
fn clear(db: &Db, table: &str) {
    if db.is_clickhouse() {
        db.exec(&format!("TRUNCATE TABLE {table};"));
    } else {
        db.exec(&format!("DELETE FROM {table};"));
    }
}

/// Three versions applied, some rows in the first table.
fn three_applied(db: &Db) {
    db.write("migrations/1_users.sql", v1(db));
    db.write("migrations/2_posts.sql", v2(db));
    db.write("migrations/3_logs.sql", v3(db));
    db.hash();
    db.apply();
    db.exec("INSERT INTO users (id, name) VALUES (1, 'ada'), (2, 'bob');");
}

mod scenarios {
    use super::*;

    pub fn revert_last(db: Db) {
        three_applied(&db);
        let run = db.down(&[]).ok();
        let out = run.stdout();
        assert!(out.contains("Migrating down from version 3 to 2 (1 migrations in total)"), "{out}");
        assert!(out.contains("-- checks before reverting version 3"), "{out}");
        assert!(out.contains("-- reverting version 3"), "{out}");
        assert!(out.contains(&format!("-> DROP TABLE {}", db.t("logs"))), "{out}");
        assert_eq!(db.tables(), ["posts", "users"]);
        assert_eq!(db.versions(), ["1", "2"]);
        // Rows of surviving tables are untouched; the added column is gone.
        assert_eq!(db.rows("SELECT id, name FROM users ORDER BY id"), [["1", "ada"], ["2", "bob"]]);
        assert_eq!(db.columns("users"), ["id", "name"]);
        // The index of version 1 survived (on SQLite, a rebuild of users);
        // ClickHouse has none.
        if !db.is_clickhouse() {
            assert!(db.has_index("users_name"));
        }
        // Applying again brings version 3 back.
        db.apply();
        assert_eq!(db.versions(), ["1", "2", "3"]);
    }

    pub fn revert_n_and_to_version(db: Db) {
        three_applied(&db);
        let json = db.down(&["2", "--format", "json"]).ok().json();
        assert_eq!(json["Current"], "3");
        assert_eq!(json["Target"], "1");
        assert_eq!(json["Status"], "APPLIED");
        assert_eq!(json["Reverted"].as_array().map(Vec::len), Some(2));
        assert_eq!(db.tables(), ["users"]);
        assert_eq!(db.versions(), ["1"]);
        db.apply();
        db.down(&["--to-version", "1"]).ok();
        assert_eq!(db.tables(), ["users"]);
        assert_eq!(db.versions(), ["1"]);
        // Reverting everything that was applied.
        clear(&db, "users");
        db.down(&["5"]).ok();
        assert!(db.tables().is_empty());
        assert!(db.versions().is_empty());
    }

    pub fn bad_targets(db: Db) {
        three_applied(&db);
        let run = db.down(&["--to-version", "9"]).expect_code(2);
        assert!(run.stderr().contains("above the current version 3"), "{}", run.stderr());
        let run = db.down(&["--to-version", "1.5"]).expect_code(2);
        assert!(run.stderr().contains("not applied to this database"), "{}", run.stderr());
        db.down(&["0"]).expect_code(2);
        let run = db.down(&["--to-tag", "no-such-ref"]).expect_code(2);
        assert!(run.stderr().contains("Git"), "{}", run.stderr());
        let run = db.strata(&["migrate", "down", "--url", &db.url, "--dev-url", &db.url]).expect_code(1);
        assert!(run.stderr().contains("is not clean"), "{}", run.stderr());
        assert_eq!(db.versions(), ["1", "2", "3"]);
    }

    pub fn partial_failure_reverted(db: Db) {
        db.write("migrations/1_users.sql", v1(&db));
        let age = if db.is_clickhouse() { "Int32" } else { "int" };
        db.write(
            "migrations/2_broken.sql",
            &format!(
                "-- atlas:txmode none\n\n{}\nALTER TABLE users ADD COLUMN age {age};\nINSERT INTO missing VALUES (1);\n{}\n",
                create(&db, "a", "id int"),
                create(&db, "c", "id int"),
            ),
        );
        db.hash();
        db.strata(&["migrate", "apply", "--url", &db.url]).expect_code(1);
        assert_eq!(db.tables(), ["a", "users"]);
        let json = db.down(&["--format", "json"]).ok().json();
        assert_eq!(json["Current"], "2");
        assert_eq!(json["Target"], "1");
        assert_eq!(db.tables(), ["users"]);
        assert_eq!(db.columns("users"), ["id", "name"]);
        assert_eq!(db.versions(), ["1"]);
    }

    pub fn drift_refused(db: Db) {
        three_applied(&db);
        let sneaky = if db.is_clickhouse() { "Nullable(String)" } else { "text" };
        db.exec(&format!("{} ALTER TABLE posts ADD COLUMN sneaky {sneaky};", create(&db, "extra", "id int")));
        let run = db.down(&[]).expect_code(1);
        assert!(run.stderr().contains("drifted"), "{}", run.stderr());
        assert!(
            run.stdout().contains("extra") && run.stdout().contains("sneaky"),
            "drift report names the differences: {}",
            run.stdout()
        );
        // Nothing ran.
        assert_eq!(db.tables(), ["extra", "logs", "posts", "users"]);
        assert_eq!(db.versions(), ["1", "2", "3"]);
        let json = db.down(&["--format", "json"]).expect_code(1).json();
        assert_eq!(json["Status"], "REFUSED");
        assert!(json["Drift"].as_str().unwrap().contains("extra"));
    }

    pub fn checks_guard_data(db: Db) {
        three_applied(&db);
        db.exec("INSERT INTO logs (id, line) VALUES (1, 'keep me');");
        if db.is_clickhouse() {
            // No UPDATE (an ALTER … UPDATE runs asynchronously): the same rows rewritten.
            db.exec(
                "TRUNCATE TABLE users; INSERT INTO users (id, name, email) VALUES (1, 'ada', 'a@x'), (2, 'bob', NULL);",
            );
        } else {
            db.exec("UPDATE users SET email = 'a@x' WHERE id = 1;");
        }
        let run = db.down(&[]).expect_code(1);
        assert!(run.stderr().contains("check before reverting version 3 failed: expected "), "{}", run.stderr());
        assert!(run.stderr().contains("nothing was changed"), "{}", run.stderr());
        let check = if db.is_clickhouse() {
            empty_check(&db, &db.t("logs"))
        } else {
            format!("SELECT NOT EXISTS (SELECT 1 FROM {})", db.t("logs"))
        };
        assert!(run.stdout().contains(&check), "{}", run.stdout());
        let json = db.down(&["--format", "json"]).expect_code(1).json();
        let failed: Vec<&str> = json["Checks"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| c["Ok"] == false)
            .map(|c| c["Reason"].as_str().unwrap())
            .collect();
        assert_eq!(failed.len(), 2, "{failed:?}");
        assert_eq!(db.rows("SELECT line FROM logs"), [["keep me"]]);
        assert_eq!(db.rows("SELECT email FROM users WHERE id = 1"), [["a@x"]]);
        assert_eq!(db.versions(), ["1", "2", "3"]);
        db.down(&["--skip-checks"]).ok();
        assert_eq!(db.tables(), ["posts", "users"]);
        assert_eq!(db.rows("SELECT id, name FROM users ORDER BY id"), [["1", "ada"], ["2", "bob"]]);
    }

    pub fn manual_down(db: Db) {
        db.write("migrations/1_users.sql", v1(&db));
        let logs = create(&db, "logs", "id integer PRIMARY KEY, line text");
        db.write(
            "migrations/2_logs.sql",
            &format!("-- atlas:txtar\n\n-- migration.sql --\n{logs}\n\n-- down.sql --\nDROP TABLE logs;\n"),
        );
        db.hash();
        db.apply();
        let json = db.down(&["--dry-run", "--format", "json"]).ok().json();
        assert_eq!(json["Planned"][0]["Source"], "down.sql");
        assert_eq!(json["Planned"][0]["Content"], "DROP TABLE logs;\n");
        let json = db.down(&["--dry-run", "--plan", "--format", "json"]).ok().json();
        assert_eq!(json["Planned"][0]["Source"], "plan");
        assert_eq!(json["Planned"][0]["Content"], format!("DROP TABLE {};\n", db.t("logs")));
        db.down(&[]).ok();
        assert_eq!(db.tables(), ["users"]);

        // A down.sql that does not return to the previous state is refused before anything runs.
        db.apply();
        db.write(
            "migrations/2_logs.sql",
            &format!("-- atlas:txtar\n\n-- migration.sql --\n{logs}\n\n-- down.sql --\nSELECT 1;\n"),
        );
        db.hash();
        let run = db.down(&[]).expect_code(1);
        assert!(run.stderr().contains("down.sql of version 2 does not return"), "{}", run.stderr());
        assert_eq!(db.tables(), ["logs", "users"]);
        db.down(&["--plan"]).ok();
        assert_eq!(db.tables(), ["users"]);
    }

    /// A down.sql's generated checks run where the statement they guard runs:
    /// a down that deletes its own seed rows, then drops the table, passes; one
    /// whose table still holds other rows is refused and rolled back (without
    /// transactional DDL: stopped before the DROP, and finished by a re-run
    /// once the rows are gone).
    pub fn manual_down_checked_at_its_statement(db: Db) {
        db.write("migrations/1_users.sql", v1(&db));
        let delete_seeds = if db.is_clickhouse() {
            "ALTER TABLE kinds DELETE WHERE id IN (1, 2);"
        } else {
            "DELETE FROM kinds WHERE id IN (1, 2);"
        };
        db.write(
            "migrations/2_kinds.sql",
            &format!(
                "-- atlas:txtar\n\n-- migration.sql --\n{}\n\
                 INSERT INTO kinds (id, name) VALUES (1, 'seed-a'), (2, 'seed-b');\n\n-- down.sql --\n\
                 {delete_seeds}\nDROP TABLE kinds;\n",
                create(&db, "kinds", "id integer PRIMARY KEY, name text")
            ),
        );
        db.hash();
        db.apply();
        db.exec("INSERT INTO users (id, name) VALUES (1, 'ada');");
        // The dry run cannot know the rows the DELETE leaves: the check is listed, not run.
        let json = db.down(&["--dry-run", "--format", "json"]).ok().json();
        assert_eq!(json["Checks"][0]["Ok"], serde_json::Value::Null, "{json}");
        assert!(json["Checks"][0]["Reason"].as_str().unwrap().contains("before statement 2"), "{json}");
        let out = db.down(&[]).ok().stdout();
        let first = if db.is_clickhouse() { "SELECT count() = 0" } else { "SELECT NOT EXISTS" };
        assert!(out.contains(&format!("-- check: {first}")), "{out}");
        assert_eq!(db.tables(), ["users"]);
        assert_eq!(db.versions(), ["1"]);

        // Rows the down.sql does not delete keep the table.
        db.apply();
        db.exec("INSERT INTO kinds (id, name) VALUES (3, 'added later');");
        let run = db.down(&[]).expect_code(1);
        assert!(run.stderr().contains("check before reverting version 2 failed"), "{}", run.stderr());
        if db.transactional() {
            assert!(run.stderr().contains("rolled back"), "{}", run.stderr());
            // The DELETE that ran before the check was rolled back with everything else.
            assert_eq!(
                db.rows("SELECT id, name FROM kinds ORDER BY id"),
                [["1", "seed-a"], ["2", "seed-b"], ["3", "added later"]]
            );
            assert_eq!(db.versions(), ["1", "2"]);
        } else {
            // The DELETE ran; the DROP the check guards did not, and the row is kept.
            assert!(run.stderr().contains("1 of 2 statements ran"), "{}", run.stderr());
            if db.is_clickhouse() {
                wait_mutations(&db);
            }
            assert_eq!(db.rows("SELECT id, name FROM kinds ORDER BY id"), [["3", "added later"]]);
            assert_eq!(db.tables(), ["kinds", "users"]);
            assert_eq!(db.versions(), ["1", "2"]);
            // Once the row is gone, the same command finishes the revert.
            delete(&db, "kinds", "id = 3");
            db.down(&[]).ok();
            assert_eq!(db.tables(), ["users"]);
            assert_eq!(db.versions(), ["1"]);
        }
    }

    pub fn split_rule(db: Db) {
        db.write("migrations/1_users.sql", v1(&db));
        db.write(
            "migrations/2_logs.sql",
            &format!(
                "-- atlas:txtar\n\n-- migration.sql --\n{}\n\n-- down.sql --\nDROP TABLE logs;\n",
                create(&db, "logs", "id integer PRIMARY KEY")
            ),
        );
        db.write("migrations/3_tags.sql", &format!("{}\n", create(&db, "tags", "id integer PRIMARY KEY")));
        db.hash();
        db.apply();
        let run = db.down(&["2"]).expect_code(1);
        let err = run.stderr();
        assert!(err.contains("have a down.sql (2) and others do not (3)"), "{err}");
        assert!(err.contains("strata migrate down --to-version 2"), "names the command: {err}");
        assert_eq!(db.tables(), ["logs", "tags", "users"]);
        db.down(&["--to-version", "2"]).ok();
        db.down(&[]).ok();
        assert_eq!(db.tables(), ["users"]);
    }

    pub fn dry_run_changes_nothing(db: Db) {
        three_applied(&db);
        let run = db.down(&["--dry-run"]).ok();
        let out = run.stdout();
        // Shaped like Atlas's: the checks of a version, then its statements.
        let checks = out.split("  -- reverting version 3").next().unwrap();
        let first = if db.is_clickhouse() { "SELECT count() = 0" } else { "SELECT NOT EXISTS" };
        assert!(checks.contains(&format!("  -- checks before reverting version 3\n    -> {first}")), "{out}");
        for check in [
            format!("    -> {}\n", empty_check(&db, &db.t("logs"))),
            format!("    -> {}\n", empty_check(&db, &format!("{} WHERE {} IS NOT NULL", db.t("users"), db.q("email")))),
        ] {
            assert!(checks.contains(&check), "missing {check:?} in:\n{out}");
        }
        assert!(out.contains("  -- reverting version 3\n    -> "), "{out}");
        assert_eq!(db.tables(), ["logs", "posts", "users"]);
        assert_eq!(db.versions(), ["1", "2", "3"]);
    }

    pub fn gitops_rollback_without_files(db: Db) {
        three_applied(&db);
        // The old commit's directory: version 3's file does not exist there.
        std::fs::remove_file(db.sb.path.join("migrations/3_logs.sql")).unwrap();
        db.hash();
        db.down(&[]).ok();
        assert_eq!(db.tables(), ["posts", "users"]);
        assert_eq!(db.versions(), ["1", "2"]);
        // Even with every file gone, the history Strata keeps is enough.
        for f in ["1_users.sql", "2_posts.sql"] {
            std::fs::remove_file(db.sb.path.join("migrations").join(f)).unwrap();
        }
        db.hash();
        clear(&db, "users");
        db.down(&["2"]).ok();
        assert!(db.tables().is_empty());
    }

    pub fn to_tag(db: Db) {
        let git = |args: &[&str]| strata_tests::git(&db.sb.path, args);
        git(&["init", "-q"]);
        db.write("migrations/1_users.sql", v1(&db));
        db.write("migrations/2_posts.sql", v2(&db));
        db.hash();
        git(&["add", "migrations"]);
        git(&["commit", "-qm", "v1"]);
        git(&["tag", "v1"]);
        db.write("migrations/3_logs.sql", v3(&db));
        db.hash();
        git(&["add", "migrations"]);
        git(&["commit", "-qm", "v2"]);
        db.apply();
        db.down(&["--to-tag", "v1"]).ok();
        assert_eq!(db.versions(), ["1", "2"]);
        db.apply();
        db.down(&["--to-tag", "HEAD~1"]).ok();
        assert_eq!(db.versions(), ["1", "2"]);
    }

    /// SQLite only: the failing statement is provoked with a SQLite write lock.
    pub fn interrupted_run_finished_by_rerun(db: Db) {
        three_applied(&db);
        // Another session holds a write lock: the revert fails midway (SQLite:
        // inside one transaction, so nothing of it stays) and a re-run finishes.
        let blocker = rusqlite::Connection::open(db.sb.path.join("app.db")).unwrap();
        blocker.execute_batch("BEGIN IMMEDIATE; INSERT INTO users (id, name) VALUES (3, 'cy');").unwrap();
        let run = db.down(&[]).expect_code(1);
        assert!(run.stderr().contains("locked") || run.stderr().contains("busy"), "{}", run.stderr());
        blocker.execute_batch("ROLLBACK").unwrap();
        drop(blocker);
        assert_eq!(db.tables(), ["logs", "posts", "users"]);
        assert_eq!(db.versions(), ["1", "2", "3"]);
        db.down(&[]).ok();
        assert_eq!(db.tables(), ["posts", "users"]);
        assert_eq!(db.versions(), ["1", "2"]);
    }

    pub fn warm_cache_replays_nothing(db: Db) {
        three_applied(&db);
        let cache = db.sb.path.join("cache");
        let env = [("STRATA_CACHE_DIR", cache.to_str().unwrap())];
        let args = ["migrate", "down", "--url", &db.url, "--dev-url", &db.dev, "--dry-run"];
        let cold = db.sb.strata_env(&args, &env).ok().stdout();
        let snapshot = || {
            let mut files: Vec<(String, std::time::SystemTime)> = std::fs::read_dir(cache.join("states"))
                .unwrap()
                .map(|e| e.unwrap())
                .map(|e| (e.file_name().to_string_lossy().into_owned(), e.metadata().unwrap().modified().unwrap()))
                // Remembered plans (`*.down.json`, their `*.units.json`) are not replayed states.
                .filter(|(n, _)| !n.ends_with(".down.json") && !n.ends_with(".units.json"))
                .collect();
            files.sort();
            files
        };
        let before = snapshot();
        let states = before.iter().filter(|(n, _)| !n.ends_with(".patch.json")).count();
        // Version 1 too: a run inspects as many versions below its target as it
        // reverts, for the next run to find.
        assert_eq!(states, 3, "states after versions 1, 2 and 3 are cached: {before:?}");
        // A warm run replays nothing on the dev database, so it writes nothing to
        // the cache, and plans the same.
        let warm = db.sb.strata_env(&args, &env).ok().stdout();
        assert_eq!(snapshot(), before);
        let strip = |s: &str| {
            s.lines()
                .filter(|l| !l.contains("-- ok (") && !l.contains("ms") && !l.contains("µs"))
                .collect::<Vec<_>>()
                .join("\n")
        };
        assert_eq!(strip(&warm), strip(&cold));

        // Whole states are kept only where a walk starts; a target between
        // them is reached from the one below it by patches, still warm.
        std::fs::remove_dir_all(&cache).unwrap();
        let two = ["migrate", "down", "2", "--url", &db.url, "--dev-url", &db.dev, "--dry-run"];
        db.sb.strata_env(&two, &env).ok();
        let before = snapshot();
        let states = before.iter().filter(|(n, _)| !n.ends_with(".patch.json")).count();
        assert_eq!(states, 2, "states after versions 1 and 3: {before:?}");
        let again = db.sb.strata_env(&args, &env).ok().stdout();
        assert_eq!(snapshot(), before, "reverting one version replays nothing");
        assert_eq!(strip(&again), strip(&cold));

        // Two consecutive reverts: the second, from where the first left the
        // database, is warm too (it replays nothing, so writes nothing).
        std::fs::remove_dir_all(&cache).unwrap();
        let real = ["migrate", "down", "--url", &db.url, "--dev-url", &db.dev];
        db.sb.strata_env(&real, &env).ok();
        assert_eq!(db.versions(), ["1", "2"]);
        let before = snapshot();
        db.sb.strata_env(&real, &env).ok();
        assert_eq!(db.versions(), ["1"]);
        assert_eq!(db.tables(), ["users"]);
        assert_eq!(snapshot(), before, "the second revert replays nothing");
    }
}

/// Every dialect runs every scenario.
macro_rules! suite {
    ($dialect:ident, $make:expr) => {
        suite!(@mod $dialect, $make, {
            #[test]
            fn manual_down_checked_at_its_statement() {
                with("manual-checked", scenarios::manual_down_checked_at_its_statement)
            }
        });
    };
    (@mod $dialect:ident, $make:expr, { $($sync_deletes:tt)* }) => {
        mod $dialect {
            use super::*;

            /// Runs a scenario when the dialect's server is available.
            fn with(label: &str, scenario: fn(Db)) {
                if let Some(db) = $make(label) {
                    scenario(db)
                }
            }
            #[test]
            fn revert_last() {
                with("revert-last", scenarios::revert_last)
            }
            #[test]
            fn revert_n_and_to_version() {
                with("revert-n", scenarios::revert_n_and_to_version)
            }
            #[test]
            fn bad_targets() {
                with("bad-targets", scenarios::bad_targets)
            }
            #[test]
            fn partial_failure_reverted() {
                with("partial", scenarios::partial_failure_reverted)
            }
            #[test]
            fn drift_refused() {
                with("drift", scenarios::drift_refused)
            }
            #[test]
            fn checks_guard_data() {
                with("checks", scenarios::checks_guard_data)
            }
            #[test]
            fn manual_down() {
                with("manual", scenarios::manual_down)
            }
            $($sync_deletes)*
            #[test]
            fn split_rule() {
                with("split", scenarios::split_rule)
            }
            #[test]
            fn dry_run_changes_nothing() {
                with("dry-run", scenarios::dry_run_changes_nothing)
            }
            #[test]
            fn gitops_rollback_without_files() {
                with("gitops", scenarios::gitops_rollback_without_files)
            }
            #[test]
            fn to_tag() {
                with("to-tag", scenarios::to_tag)
            }
            #[test]
            fn warm_cache_replays_nothing() {
                with("cache", scenarios::warm_cache_replays_nothing)
            }
        }
    };
}

suite!(sqlite, Db::sqlite);

#[test]
fn sqlite_interrupted_run_finished_by_rerun() {
    if let Some(db) = Db::sqlite("interrupted") {
        scenarios::interrupted_run_finished_by_rerun(db)
    }
}
suite!(postgres, Db::postgres);
suite!(mysql, Db::mysql);
suite!(clickhouse, Db::clickhouse);
