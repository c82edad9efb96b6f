//! End-to-end scenarios on a real MariaDB/MySQL server (`STRATA_TEST_MYSQL_URL`):
//! the seed's three rollbacks (a partially applied version, a dropped table
//! with its indexes, a rollback from an older commit's directory), and the
//! schema and migrate commands as tests/postgres.rs runs them on PostgreSQL.
//! Every URL binds one database, so plans name tables unqualified and the
//! revisions table lives beside the user's. Each test uses its own databases;
//! without a server they skip (under CI they fail).

use strata_tests::{MyDb, Sandbox};

struct My {
    sb: Sandbox,
    target: MyDb,
    dev: MyDb,
}

fn my(name: &str) -> Option<My> {
    let target = MyDb::create(name)?;
    let dev = MyDb::create(&format!("{name}_dev"))?;
    Some(My { sb: Sandbox::new(&format!("my-{name}")), target, dev })
}

impl My {
    fn url(&self) -> String {
        self.target.url()
    }

    fn dev_url(&self) -> String {
        self.dev.url()
    }

    fn strata(&self, args: &[&str]) -> strata_tests::Run {
        self.sb.strata(args)
    }

    fn apply(&self) -> strata_tests::Run {
        self.strata(&["migrate", "apply", "--url", &self.url()])
    }

    fn down(&self, extra: &[&str]) -> strata_tests::Run {
        let (url, dev) = (self.url(), self.dev_url());
        let mut args = vec!["migrate", "down", "--url", &url, "--dev-url", &dev];
        args.extend_from_slice(extra);
        self.strata(&args)
    }

    fn versions(&self) -> Vec<String> {
        self.target
            .rows("SELECT version FROM atlas_schema_revisions WHERE version NOT LIKE '.%' ORDER BY version")
            .into_iter()
            .map(|r| r[0].clone())
            .collect()
    }
}

/// The user's tables of a database (Strata's own, which live beside them, excluded).
fn tables(db: &MyDb) -> Vec<String> {
    db.rows(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = DATABASE() \
         AND table_type = 'BASE TABLE' AND table_name NOT IN ('atlas_schema_revisions', 'strata_schema_history') \
         ORDER BY 1",
    )
    .into_iter()
    .map(|r| r[0].clone())
    .collect()
}

fn columns(db: &MyDb, table: &str) -> Vec<String> {
    db.rows(&format!(
        "SELECT column_name FROM information_schema.columns WHERE table_schema = DATABASE() \
         AND table_name = '{table}' ORDER BY ordinal_position"
    ))
    .into_iter()
    .map(|r| r[0].clone())
    .collect()
}

/// The server's own rendering of a table.
fn show_create(db: &MyDb, table: &str) -> String {
    db.rows(&format!("SHOW CREATE TABLE `{table}`")).remove(0).remove(1)
}

/// The lines of a `SHOW CREATE TABLE`, sorted and without their commas: the
/// same table whatever order its indexes were declared in.
fn definition(create: &str) -> Vec<String> {
    let mut lines: Vec<String> = create.lines().map(|l| l.trim().trim_end_matches(',').to_string()).collect();
    lines.sort();
    lines
}

const USERS: &str = "CREATE TABLE users (id int PRIMARY KEY, name varchar(100) NOT NULL);\n";

// --- The seed's three rollbacks ----------------------------------------------

/// A version whose second statement fails leaves its first applied and the
/// revision partial (MySQL cannot roll DDL back); `migrate down` reverts what
/// ran, to the previous version, keeping every row.
#[test]
fn partial_version_is_reverted_keeping_rows() {
    let Some(m) = my("partial") else { return };
    m.sb.write("migrations/1_users.sql", USERS);
    m.strata(&["migrate", "hash"]).ok();
    m.apply().ok();
    m.target.exec("INSERT INTO users (id, name) VALUES (1, 'ada'), (2, 'bob')");

    m.sb.write(
        "migrations/2_contact.sql",
        "ALTER TABLE users ADD COLUMN email varchar(255);\nALTER TABLE users ADD COLUMN phone no_such_type;\n",
    );
    m.strata(&["migrate", "hash"]).ok();
    let run = m.apply().expect_code(1);
    assert!(run.stderr().contains("2_contact.sql"), "the error names the file: {}", run.stderr());
    assert!(run.stderr().contains("no_such_type"), "the error names the statement: {}", run.stderr());
    // The first statement stayed; the revision records 1 of 2 and the error.
    assert_eq!(columns(&m.target, "users"), ["id", "name", "email"]);
    let rev =
        m.target.rows("SELECT applied, total, error <> '', error_stmt FROM atlas_schema_revisions WHERE version = '2'");
    assert_eq!(rev, [["1", "2", "1", "ALTER TABLE users ADD COLUMN phone no_such_type;"]]);
    let status = m.strata(&["migrate", "status", "--url", &m.url()]).ok().stdout();
    assert!(status.contains("Last migration attempt had errors"), "{status}");

    let json = m.down(&["--format", "json"]).ok().json();
    assert_eq!(json["Current"], "2", "{json}");
    assert_eq!(json["Target"], "1", "{json}");
    assert_eq!(json["Status"], "APPLIED", "{json}");
    assert_eq!(columns(&m.target, "users"), ["id", "name"]);
    assert_eq!(m.target.rows("SELECT id, name FROM users ORDER BY id"), [["1", "ada"], ["2", "bob"]]);
    assert_eq!(m.versions(), ["1"]);
    let status = m.strata(&["migrate", "status", "--url", &m.url(), "--format", "json"]).ok().json();
    assert_eq!(status["Current"], "1", "{status}");

    // Fixed, the version applies whole.
    m.sb.write(
        "migrations/2_contact.sql",
        "ALTER TABLE users ADD COLUMN email varchar(255);\nALTER TABLE users ADD COLUMN phone varchar(40);\n",
    );
    m.strata(&["migrate", "hash"]).ok();
    m.apply().ok();
    assert_eq!(columns(&m.target, "users"), ["id", "name", "email", "phone"]);
    assert_eq!(m.versions(), ["1", "2"]);
}

/// Data statements between schema statements share one transaction with
/// their record (one commit, not one each). A failure among them rolls that
/// transaction back, and the statements before the failing one run again
/// one by one: the revision names the failing statement, everything before
/// it stays applied, and the fixed file resumes right there.
#[test]
fn data_statements_share_a_transaction_and_stop_at_the_failing_one() {
    let Some(m) = my("datatx") else { return };
    m.sb.write("migrations/1_users.sql", USERS);
    // The sixth statement inserts `id`: 1 is taken.
    let seed = |id: u32| {
        format!(
            "INSERT INTO users (id, name) VALUES (1, 'ada');\n\
             INSERT INTO users (id, name) VALUES (2, 'bob');\n\
             ALTER TABLE users ADD COLUMN email varchar(255);\n\
             INSERT INTO users (id, name) VALUES (3, 'cy');\n\
             UPDATE users SET email = 'ada@x' WHERE id = 1;\n\
             INSERT INTO users (id, name) VALUES ({id}, 'eve');\n\
             INSERT INTO users (id, name) VALUES (4, 'dee');\n"
        )
    };
    m.sb.write("migrations/2_seed.sql", &seed(1));
    m.strata(&["migrate", "hash"]).ok();
    let run = m.apply().expect_code(1);
    assert!(run.stderr().contains("Duplicate entry"), "{}", run.stderr());
    assert!(run.stderr().contains("2_seed.sql:6"), "the error names the line: {}", run.stderr());
    // The statements run again one by one after the rollback are shown once.
    assert_eq!(
        run.stdout().matches("-> INSERT INTO users (id, name) VALUES (1, 'ada')").count(),
        1,
        "{}",
        run.stdout()
    );
    assert_eq!(
        run.stdout().matches("-> INSERT INTO users (id, name) VALUES (1, 'eve')").count(),
        1,
        "{}",
        run.stdout()
    );
    let rows = m.target.rows("SELECT id, name, COALESCE(email, '-') FROM users ORDER BY id");
    assert_eq!(rows, [["1", "ada", "ada@x"], ["2", "bob", "-"], ["3", "cy", "-"]]);
    let rev =
        m.target.rows("SELECT applied, total, error <> '', error_stmt FROM atlas_schema_revisions WHERE version = '2'");
    assert_eq!(rev, [["5", "7", "1", "INSERT INTO users (id, name) VALUES (1, 'eve');"]]);

    m.sb.write("migrations/2_seed.sql", &seed(5));
    m.strata(&["migrate", "hash"]).ok();
    m.apply().ok();
    let ids = m.target.rows("SELECT id FROM users ORDER BY id");
    assert_eq!(ids, [["1"], ["2"], ["3"], ["4"], ["5"]]);
    let rev = m.target.rows("SELECT applied, total, error FROM atlas_schema_revisions WHERE version = '2'");
    assert_eq!(rev, [["7", "7", ""]]);
}

/// A run that gives a table an engine without transactions (MyISAM) keeps a
/// commit per data statement: a rollback would not take back the rows
/// written to it, and running them again would write them twice.
#[test]
fn data_statements_of_a_run_with_myisam_commit_one_by_one() {
    let Some(m) = my("datatx_myisam") else { return };
    m.sb.write("migrations/1_users.sql", USERS);
    m.sb.write(
        "migrations/2_log.sql",
        "CREATE TABLE log (n int) ENGINE=MyISAM;\n\
         INSERT INTO log (n) VALUES (1);\n\
         INSERT INTO log (n) VALUES (2);\n\
         INSERT INTO users (id, name) VALUES (1, 'ada');\n\
         INSERT INTO users (id, name) VALUES (1, 'again');\n",
    );
    m.strata(&["migrate", "hash"]).ok();
    let run = m.apply().expect_code(1);
    assert!(run.stderr().contains("Duplicate entry"), "{}", run.stderr());
    assert_eq!(m.target.rows("SELECT n FROM log ORDER BY n"), [["1"], ["2"]]);
    assert_eq!(m.target.rows("SELECT id, name FROM users"), [["1", "ada"]]);
    let rev = m.target.rows("SELECT applied, total FROM atlas_schema_revisions WHERE version = '2'");
    assert_eq!(rev, [["4", "5"]]);
}

/// Without transactional DDL a revert records its progress only where it
/// must: `DROP TABLE`s of consecutive versions run without a record between
/// them. Killed in the middle of such a run (here while it waits for a lock
/// on the third version's table), the revisions still list every version, and
/// running the same command again finds out from the schema how far the
/// first run got, across versions, and finishes it.
#[test]
fn revert_killed_between_versions_is_settled_across_them() {
    let Some(m) = my("chain") else { return };
    for (v, t) in [(1, "a"), (2, "b"), (3, "c"), (4, "d")] {
        m.sb.write(&format!("migrations/{v}_{t}.sql"), &format!("CREATE TABLE {t} (id int PRIMARY KEY);\n"));
    }
    m.strata(&["migrate", "hash"]).ok();
    m.apply().ok();
    // Another session reads `b` in an open transaction: dropping it waits.
    let mut holder = m.target.spawn("START TRANSACTION; SELECT * FROM b; SELECT SLEEP(4); COMMIT;");
    std::thread::sleep(std::time::Duration::from_millis(500));
    let (url, dev) = (m.url(), m.dev_url());
    let args = ["migrate", "down", "--url", &url, "--dev-url", &dev, "--to-version", "1"];
    let mut run = m.sb.spawn(&args);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while tables(&m.target) != ["a", "b"] {
        assert!(std::time::Instant::now() < deadline, "the revert never reached b: {:?}", tables(&m.target));
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    run.kill().unwrap();
    run.wait().unwrap();
    holder.wait().unwrap();
    // Versions 4 and 3 were reverted without a record: the revisions say so.
    assert_eq!(m.versions(), ["1", "2", "3", "4"]);
    // Once the lock is gone, the killed session's drop of `b` may have run too.
    let json = m.strata(&[&args[..], &["--format", "json"]].concat()).ok().json();
    assert_eq!(json["Status"], "APPLIED", "{json}");
    // The schema said versions 4 and 3 were reverted already: nothing of them ran again.
    assert_eq!((&json["Reverted"][0]["Version"], &json["Reverted"][0]["Skipped"]), (&"4".into(), &1.into()), "{json}");
    assert_eq!((&json["Reverted"][1]["Version"], &json["Reverted"][1]["Skipped"]), (&"3".into(), &1.into()), "{json}");
    assert_eq!(tables(&m.target), ["a"]);
    assert_eq!(m.versions(), ["1"]);
    // Nothing of the run is left to finish.
    m.strata(&args).ok();
    assert_eq!(m.versions(), ["1"]);
}

/// A version that dropped a table is reverted: the table comes back with its
/// columns, indexes (a prefix index on a text column included) and foreign
/// key, exactly as the server showed it before the drop.
#[test]
fn dropped_table_with_indexes_is_recreated() {
    let Some(m) = my("dropped") else { return };
    m.sb.write(
        "migrations/1_logs.sql",
        &format!(
            "{USERS}CREATE TABLE logs (\n  id bigint NOT NULL AUTO_INCREMENT,\n  user_id int NULL,\n  \
             level varchar(20) NOT NULL DEFAULT 'info',\n  line text NULL,\n  \
             created_at datetime NOT NULL DEFAULT CURRENT_TIMESTAMP,\n  PRIMARY KEY (id),\n  \
             UNIQUE KEY logs_user_created (user_id, created_at),\n  KEY logs_line (line(50)),\n  \
             CONSTRAINT logs_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE SET NULL\n);\n\
             CREATE INDEX logs_level ON logs (level, created_at);\n"
        ),
    );
    m.strata(&["migrate", "hash"]).ok();
    m.apply().ok();
    let before = show_create(&m.target, "logs");
    assert!(before.contains("KEY `logs_level` (`level`,`created_at`)"), "{before}");
    m.target.exec("INSERT INTO users (id, name) VALUES (1, 'ada')");

    m.sb.write("migrations/2_drop_logs.sql", "DROP TABLE logs;\n");
    m.strata(&["migrate", "hash"]).ok();
    m.apply().ok();
    assert_eq!(tables(&m.target), ["users"]);

    let out = m.down(&[]).ok().stdout();
    assert!(out.contains("CREATE TABLE `logs`"), "the revert recreates the table: {out}");
    assert_eq!(tables(&m.target), ["logs", "users"]);
    let after = show_create(&m.target, "logs");
    assert_eq!(definition(&after), definition(&before), "before:\n{before}\nafter:\n{after}");
    assert_eq!(m.versions(), ["1"]);
    assert_eq!(m.target.rows("SELECT id, name FROM users"), [["1", "ada"]]);
    // The recreated table works as the old one did.
    m.target.exec("INSERT INTO logs (user_id, line) VALUES (1, 'back')");
    assert_eq!(m.target.rows("SELECT user_id, level, line FROM logs"), [["1", "info", "back"]]);
}

/// GitOps: the directory of an older commit lacks the newest version's file;
/// `migrate down` run from it reverts that version from the statements Strata
/// recorded when it ran, and reaches the older commit's version.
#[test]
fn rollback_from_an_older_commit_directory() {
    let Some(m) = my("gitops") else { return };
    let git = |args: &[&str]| strata_tests::git(&m.sb.path, args);
    git(&["init", "-q"]);
    m.sb.write("migrations/1_users.sql", USERS);
    m.sb.write(
        "migrations/2_posts.sql",
        "CREATE TABLE posts (id int PRIMARY KEY, user_id int NOT NULL, title varchar(200), \
         CONSTRAINT posts_user FOREIGN KEY (user_id) REFERENCES users (id));\n",
    );
    m.strata(&["migrate", "hash"]).ok();
    git(&["add", "migrations"]);
    git(&["commit", "-qm", "release 1"]);
    git(&["tag", "release-1"]);
    m.sb.write(
        "migrations/3_logs.sql",
        "ALTER TABLE users ADD COLUMN email varchar(255);\nCREATE INDEX users_email ON users (email);\n\
         CREATE TABLE logs (id int PRIMARY KEY, line text);\n",
    );
    m.strata(&["migrate", "hash"]).ok();
    git(&["add", "migrations"]);
    git(&["commit", "-qm", "release 2"]);
    m.apply().ok();
    assert_eq!(m.versions(), ["1", "2", "3"]);
    m.target.exec("INSERT INTO users (id, name) VALUES (1, 'ada'), (2, 'bob'); INSERT INTO posts VALUES (1, 1, 'hi')");

    // Deploy the older commit: its directory has no 3_logs.sql.
    git(&["checkout", "-q", "release-1"]);
    assert!(!m.sb.path.join("migrations/3_logs.sql").exists());
    let out = m.down(&[]).ok().stdout();
    assert!(out.contains("-- reverting version 3"), "{out}");
    assert_eq!(m.versions(), ["1", "2"]);
    assert_eq!(tables(&m.target), ["posts", "users"]);
    assert_eq!(columns(&m.target, "users"), ["id", "name"]);
    assert_eq!(m.target.rows("SELECT id, name FROM users ORDER BY id"), [["1", "ada"], ["2", "bob"]]);
    assert_eq!(m.target.rows("SELECT id, user_id, title FROM posts"), [["1", "1", "hi"]]);
    let status = m.strata(&["migrate", "status", "--url", &m.url()]).ok().stdout();
    assert!(status.contains("Migration Status: OK"), "{status}");
    assert!(status.contains("-- Current Version: 2"), "{status}");
}

// --- schema and migrate commands (tests/postgres.rs on MariaDB) --------------

const RICH: &str = r#"
CREATE TABLE users (
  id bigint NOT NULL AUTO_INCREMENT,
  email varchar(255) NOT NULL,
  name varchar(100) DEFAULT 'anon',
  mood enum('sad', 'ok', 'happy') DEFAULT 'ok',
  score decimal(10,2) DEFAULT 0,
  bio text,
  created_at timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP,
  PRIMARY KEY (id),
  UNIQUE KEY users_email_key (email),
  KEY users_bio (bio(20)),
  KEY users_created (created_at DESC),
  CONSTRAINT score_positive CHECK (score >= 0)
);
CREATE TABLE orgs (id int NOT NULL, region varchar(20) NOT NULL, PRIMARY KEY (id, region));
CREATE TABLE members (
  user_id bigint NOT NULL,
  org_id int NOT NULL,
  region varchar(20) NOT NULL,
  role varchar(20) NOT NULL DEFAULT 'member',
  KEY members_user (user_id),
  CONSTRAINT role_known CHECK (role IN ('member', 'admin')),
  CONSTRAINT members_user_fk FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE,
  CONSTRAINT members_org_fk FOREIGN KEY (org_id, region) REFERENCES orgs (id, region)
);
"#;

#[test]
fn schema_apply_converges_and_keeps_rows() {
    let Some(m) = my("schema_apply") else { return };
    m.sb.write("schema.sql", RICH);
    let (url, dev) = (m.url(), m.dev_url());
    let apply = |extra: &[&str]| {
        let mut args = vec!["schema", "apply", "--url", &url, "--to", "file://schema.sql", "--dev-url", &dev];
        args.extend_from_slice(extra);
        m.strata(&args)
    };
    let run = apply(&["--auto-approve"]).ok();
    assert!(run.stdout().contains("CREATE TABLE `users`"), "unqualified on a bound URL: {}", run.stdout());
    assert_eq!(tables(&m.target), ["members", "orgs", "users"]);
    let again = apply(&["--auto-approve"]).ok();
    assert!(again.stdout().contains("Schema is synced, no changes to be made"), "{}", again.stdout());
    // The dev database is left clean.
    assert!(tables(&m.dev).is_empty(), "{:?}", tables(&m.dev));

    // Change the desired schema; rows survive.
    m.target.exec("INSERT INTO users (email, score) VALUES ('a@x', 5)");
    m.sb.write(
        "schema.sql",
        &RICH.replace("score >= 0", "score >= 1").replace("  bio text,\n", "  bio text,\n  nick varchar(20),\n"),
    );
    let dry = apply(&["--dry-run"]).ok();
    assert!(dry.stdout().contains("ADD COLUMN `nick`"), "{}", dry.stdout());
    assert_eq!(columns(&m.target, "users").len(), 7, "a dry run changes nothing");
    apply(&["--auto-approve"]).ok();
    let again = apply(&["--auto-approve"]).ok();
    assert!(again.stdout().contains("Schema is synced"), "{}", again.stdout());
    assert_eq!(m.target.rows("SELECT email, score, nick FROM users"), [["a@x", "5.00", "NULL"]]);
    assert!(show_create(&m.target, "users").contains("`score` >= 1"), "{}", show_create(&m.target, "users"));

    let diff = m.strata(&["schema", "diff", "--from", &url, "--to", "file://schema.sql", "--dev-url", &dev]).ok();
    assert!(diff.stdout().contains("Schemas are synced"), "{}", diff.stdout());
    let json = m.strata(&["schema", "inspect", "--url", &url, "--format", "json"]).ok().json();
    let schemas = json["schemas"].as_array().unwrap_or_else(|| panic!("{json}"));
    let schema = schemas.iter().find(|s| s["name"] == m.target.name.as_str()).unwrap_or_else(|| panic!("{json}"));
    let names: Vec<&str> = schema["tables"].as_array().unwrap().iter().map(|t| t["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["members", "orgs", "users"]);
    let sql = m.strata(&["schema", "inspect", "--url", &url, "--format", "sql"]).ok().stdout();
    assert!(sql.contains("CREATE TABLE `orgs`"), "{sql}");

    // Clean drops everything, in an order the server accepts (foreign keys).
    m.strata(&["schema", "clean", "--url", &url, "--auto-approve"]).ok();
    assert!(tables(&m.target).is_empty(), "{:?}", tables(&m.target));
}

#[test]
fn migrate_diff_apply_status_and_down() {
    let Some(m) = my("migrate") else { return };
    let (url, dev) = (m.url(), m.dev_url());
    m.sb.write("schema.sql", "CREATE TABLE users (id bigint PRIMARY KEY, name varchar(100) NOT NULL);\n");
    let first = m.strata(&["migrate", "diff", "init", "--to", "file://schema.sql", "--dev-url", &dev]).ok().stdout();
    m.sb.write(
        "schema.sql",
        "CREATE TABLE users (id bigint PRIMARY KEY, name varchar(100) NOT NULL, email text);\n\
         CREATE INDEX users_name ON users (name);\n",
    );
    let second = m.strata(&["migrate", "diff", "email", "--to", "file://schema.sql", "--dev-url", &dev]).ok().stdout();
    assert_ne!(first, second);
    let noop = m.strata(&["migrate", "diff", "noop", "--to", "file://schema.sql", "--dev-url", &dev]).ok();
    assert!(noop.stdout().contains("no changes to be made"), "{}", noop.stdout());
    assert!(tables(&m.dev).is_empty(), "the dev database is left clean: {:?}", tables(&m.dev));
    m.strata(&["migrate", "validate", "--dev-url", &dev]).ok();

    let status = m.strata(&["migrate", "status", "--url", &url]).ok().stdout();
    assert!(status.contains("Migration Status: PENDING"), "{status}");
    let json = m.strata(&["migrate", "apply", "--url", &url, "--format", "json"]).ok().json();
    assert_eq!(json["Applied"].as_array().map(Vec::len), Some(2), "{json}");
    let status = m.strata(&["migrate", "status", "--url", &url, "--format", "json"]).ok().json();
    assert_eq!(status["Status"], "OK", "{status}");
    let status = m.strata(&["migrate", "status", "--url", &url]).ok().stdout();
    assert!(status.contains("Migration Status: OK"), "{status}");
    // The bound database keeps the revisions table (as Atlas), out of every diff.
    assert_eq!(m.target.rows("SELECT count(*) FROM atlas_schema_revisions"), [["2"]]);
    let diff = m.strata(&["schema", "diff", "--from", &url, "--to", "file://schema.sql", "--dev-url", &dev]).ok();
    assert!(diff.stdout().contains("Schemas are synced"), "{}", diff.stdout());
    let sql = m.strata(&["schema", "inspect", "--url", &url]).ok().stdout();
    assert!(!sql.contains("atlas_schema_revisions"), "{sql}");

    m.target.exec("INSERT INTO users VALUES (1, 'ada', NULL)");
    m.strata(&["migrate", "down", "--url", &url, "--dev-url", &dev]).ok();
    assert_eq!(m.target.rows("SELECT id, name FROM users"), [["1", "ada"]]);
    assert_eq!(columns(&m.target, "users"), ["id", "name"]);
    let none = m.target.rows(
        "SELECT count(*) FROM information_schema.statistics WHERE table_schema = DATABASE() AND index_name = 'users_name'",
    );
    assert_eq!(none, [["0"]]);
}

#[test]
fn bad_input_is_refused_without_secrets() {
    let Some(m) = my("bad_input") else { return };
    // Unreachable server: the password never shows.
    let run = m.strata(&["schema", "inspect", "--url", "mysql://root:s3cret@127.0.0.1:1/x"]).expect_code(1);
    assert!(run.stderr().contains("mysql://root:****@127.0.0.1:1/x"), "{}", run.stderr());
    assert!(!run.stderr().contains("s3cret") && !run.stdout().contains("s3cret"));
    // Unknown user.
    let nobody = m.url().replacen("root@", "nobody_here:hunter2@", 1);
    let run = m.strata(&["schema", "inspect", "--url", &nobody]).expect_code(1);
    assert!(run.stderr().contains("nobody_here"), "{}", run.stderr());
    assert!(!run.stderr().contains("hunter2") && !run.stdout().contains("hunter2"), "{}", run.stderr());

    // A user that may read but not create the revisions table: refused, nothing changed.
    let user = format!("strata_ro_{}", std::process::id());
    let hosts = ["127.0.0.1", "localhost"];
    for host in hosts {
        m.target.exec(&format!(
            "DROP USER IF EXISTS '{user}'@'{host}'; CREATE USER '{user}'@'{host}'; \
             GRANT SELECT ON `{}`.* TO '{user}'@'{host}'",
            m.target.name
        ));
    }
    let ro = m.url().replacen("root@", &format!("{user}@"), 1);
    m.sb.write("migrations/1_t.sql", "CREATE TABLE t (id int);\n");
    m.strata(&["migrate", "hash"]).ok();
    let run = m.strata(&["migrate", "apply", "--url", &ro]).expect_code(1);
    for host in hosts {
        m.target.exec(&format!("DROP USER IF EXISTS '{user}'@'{host}'"));
    }
    assert!(run.stderr().contains("denied"), "{}", run.stderr());
    assert!(tables(&m.target).is_empty());
    assert_eq!(
        m.target.rows("SELECT count(*) FROM information_schema.tables WHERE table_schema = DATABASE()"),
        [["0"]],
        "no revisions table either"
    );

    // A dev database of another dialect cannot compute MySQL states.
    m.strata(&["migrate", "apply", "--url", &m.url()]).ok();
    let run = m.strata(&["migrate", "down", "--url", &m.url(), "--dev-url", "sqlite://dev?mode=memory"]).expect_code(2);
    assert!(run.stderr().contains("must use the same dialect"), "{}", run.stderr());
    assert_eq!(tables(&m.target), ["t"]);
    m.target
        .exec("DROP TABLE t; DROP TABLE IF EXISTS atlas_schema_revisions; DROP TABLE IF EXISTS strata_schema_history");

    // A dev database that is not empty, by a table or only by a stored function.
    m.sb.write("schema.sql", "CREATE TABLE a (id int);\n");
    let (url, dev) = (m.url(), m.dev_url());
    let apply = ["schema", "apply", "--url", &url, "--to", "file://schema.sql", "--dev-url", &dev, "--auto-approve"];
    m.dev.exec("CREATE TABLE leftover (id int)");
    let run = m.strata(&apply).expect_code(1);
    assert!(run.stderr().contains("is not clean: found table \"leftover\""), "{}", run.stderr());
    m.dev.exec("DROP TABLE leftover; CREATE FUNCTION leftover_fn() RETURNS int DETERMINISTIC RETURN 1");
    let run = m.strata(&apply).expect_code(1);
    assert!(run.stderr().contains("is not clean: found routine \"leftover_fn\""), "{}", run.stderr());
    assert!(tables(&m.target).is_empty());
}

/// Inspection reads the catalog over a second session when it can: a user
/// allowed one session at a time gets the same schema from one.
#[test]
fn inspection_with_a_single_session_allowed() {
    let Some(m) = my("one_session") else { return };
    m.target.exec(
        "CREATE TABLE p (id int PRIMARY KEY, name varchar(20) NOT NULL, CONSTRAINT positive CHECK (id > 0)); \
         CREATE TABLE c (id int PRIMARY KEY, p_id int, KEY by_p (p_id), \
         CONSTRAINT c_p FOREIGN KEY (p_id) REFERENCES p (id) ON DELETE CASCADE); \
         CREATE VIEW names AS SELECT name FROM p; \
         CREATE TRIGGER p_upper BEFORE INSERT ON p FOR EACH ROW SET NEW.name = UPPER(NEW.name)",
    );
    let user = format!("strata_one_{}", std::process::id());
    let hosts = ["127.0.0.1", "localhost"];
    for host in hosts {
        m.target.exec(&format!(
            "DROP USER IF EXISTS '{user}'@'{host}'; CREATE USER '{user}'@'{host}' WITH MAX_USER_CONNECTIONS 1; \
             GRANT ALL ON `{}`.* TO '{user}'@'{host}'",
            m.target.name
        ));
    }
    let one = m.url().replacen("root@", &format!("{user}@"), 1);
    let single = m.strata(&["schema", "inspect", "--url", &one, "--format", "{{ sql . }}"]);
    let both = m.strata(&["schema", "inspect", "--url", &m.url(), "--format", "{{ sql . }}"]);
    for host in hosts {
        m.target.exec(&format!("DROP USER IF EXISTS '{user}'@'{host}'"));
    }
    let (single, both) = (single.ok().stdout(), both.ok().stdout());
    for part in
        ["`positive` CHECK", "CONSTRAINT `c_p` FOREIGN KEY", "ON DELETE CASCADE", "INDEX `by_p`", "VIEW `names`"]
    {
        assert!(both.contains(part), "{part} missing from:\n{both}");
    }
    assert!(both.contains("TRIGGER `p_upper`"), "{both}");
    assert_eq!(single, both);
}

#[test]
fn schema_apply_refuses_to_drop_a_column_holding_values() {
    let Some(m) = my("schema_checks") else { return };
    m.target.exec(
        "CREATE TABLE users (id int PRIMARY KEY, name text, email text, note text);
         INSERT INTO users VALUES (1, 'a', 'a@x', NULL), (2, 'b', NULL, NULL);",
    );
    let (url, dev) = (m.url(), m.dev_url());
    let apply = |extra: &[&str]| {
        let mut args = vec!["schema", "apply", "--url", &url, "--to", "file://schema.sql", "--dev-url", &dev];
        args.extend_from_slice(extra);
        m.strata(&args)
    };
    // email renamed to mail: planned as drop + add, and email holds a value.
    m.sb.write("schema.sql", "CREATE TABLE users (id int PRIMARY KEY, name text, mail text, note text);\n");
    let run = apply(&["--auto-approve"]).expect_code(1);
    assert!(
        run.stdout().contains("-- destructive: drops column users.email (1 row holds a value)\n"),
        "{}",
        run.stdout()
    );
    assert!(
        run.stderr().contains(
            "data would be lost: pre-migration check failed: expected column \"email\" of table \"users\" is empty"
        ),
        "{}",
        run.stderr()
    );
    assert!(run.stderr().contains("nothing was executed"), "{}", run.stderr());
    assert_eq!(columns(&m.target, "users"), ["id", "name", "email", "note"]);
    assert_eq!(m.target.rows("SELECT id, email FROM users ORDER BY id"), [["1", "a@x"], ["2", "NULL"]]);

    // An empty column goes without flags.
    m.sb.write("schema.sql", "CREATE TABLE users (id int PRIMARY KEY, name text, email text);\n");
    let run = apply(&["--auto-approve"]).ok();
    assert!(
        run.stdout().contains("-- destructive: drops column users.note (0 rows hold a value)\n"),
        "{}",
        run.stdout()
    );
    assert_eq!(columns(&m.target, "users"), ["id", "name", "email"]);

    // --skip-checks destroys the values, as asked.
    m.sb.write("schema.sql", "CREATE TABLE users (id int PRIMARY KEY, name text, mail text);\n");
    apply(&["--auto-approve", "--skip-checks"]).ok();
    assert_eq!(columns(&m.target, "users"), ["id", "name", "mail"]);
    assert_eq!(m.target.rows("SELECT id, name, mail FROM users ORDER BY id"), [["1", "a", "NULL"], ["2", "b", "NULL"]]);
}
