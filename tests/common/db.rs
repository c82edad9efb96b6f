//! A target database of either dialect for end-to-end scenarios that run on
//! every dialect: one suite, parametrized by the database it gets.

use crate::{ChDb, MyDb, PgDb, Sandbox, sqlite_rows, sqlite_tables};

/// Which server a scenario runs on.
pub enum Kind {
    /// A SQLite file `app.db` in the sandbox.
    Sqlite,
    /// The target database, and the dev database (kept so it is dropped with the test).
    Postgres(PgDb, #[allow(dead_code)] PgDb),
    /// MariaDB/MySQL: the target database and the dev database, both bound
    /// URLs (`mysql://…/<database>`); the revisions table lives in the target.
    Mysql(MyDb, #[allow(dead_code)] MyDb),
    /// ClickHouse: the target database and the dev database, both bound URLs
    /// (`clickhouse://…/<database>`); Strata's tables live in the target.
    Clickhouse(ChDb, #[allow(dead_code)] ChDb),
}

/// A target database of one dialect, with a sandbox for the project files.
pub struct Db {
    /// The project directory.
    pub sb: Sandbox,
    /// The target URL.
    pub url: String,
    /// The dev database URL.
    pub dev: String,
    /// Which server.
    pub kind: Kind,
}

impl Db {
    pub fn sqlite(name: &str) -> Option<Db> {
        let sb = Sandbox::new(&format!("down-{name}"));
        let url = sb.sqlite_url("app.db");
        Some(Db { sb, url, dev: "sqlite://dev?mode=memory".into(), kind: Kind::Sqlite })
    }

    pub fn postgres(name: &str) -> Option<Db> {
        let target = PgDb::create(name)?;
        let dev = PgDb::create(&format!("{name}_dev"))?;
        let sb = Sandbox::new(&format!("down-pg-{name}"));
        Some(Db { sb, url: target.url(), dev: dev.url(), kind: Kind::Postgres(target, dev) })
    }

    pub fn mysql(name: &str) -> Option<Db> {
        let target = MyDb::create(name)?;
        let dev = MyDb::create(&format!("{name}_dev"))?;
        let sb = Sandbox::new(&format!("down-my-{name}"));
        Some(Db { sb, url: target.url(), dev: dev.url(), kind: Kind::Mysql(target, dev) })
    }

    pub fn clickhouse(name: &str) -> Option<Db> {
        let target = ChDb::create(name)?;
        let dev = ChDb::create(&format!("{name}_dev"))?;
        let sb = Sandbox::new(&format!("down-ch-{name}"));
        Some(Db { sb, url: target.url(), dev: dev.url(), kind: Kind::Clickhouse(target, dev) })
    }

    /// Whether the target is ClickHouse (no transactions, no indexes, no
    /// row-level DELETE or UPDATE).
    pub fn is_clickhouse(&self) -> bool {
        matches!(self.kind, Kind::Clickhouse(..))
    }

    /// Whether the dialect runs DDL in transactions (a failed run leaves
    /// nothing), or statement by statement (MySQL, MariaDB, ClickHouse).
    pub fn transactional(&self) -> bool {
        !matches!(self.kind, Kind::Mysql(..) | Kind::Clickhouse(..))
    }

    pub fn exec(&self, sql: &str) {
        match &self.kind {
            Kind::Sqlite => {
                rusqlite::Connection::open(self.sb.path.join("app.db")).unwrap().execute_batch(sql).unwrap()
            }
            Kind::Postgres(db, _) => db.exec(sql),
            Kind::Mysql(db, _) => db.exec(sql),
            Kind::Clickhouse(db, _) => db.exec(sql),
        }
    }

    pub fn rows(&self, sql: &str) -> Vec<Vec<String>> {
        match &self.kind {
            Kind::Sqlite => sqlite_rows(&self.sb.path.join("app.db"), sql),
            Kind::Postgres(db, _) => db.rows(sql),
            Kind::Mysql(db, _) => db.rows(sql),
            Kind::Clickhouse(db, _) => db.rows(sql),
        }
    }

    /// The user's tables (Strata's own excluded).
    pub fn tables(&self) -> Vec<String> {
        match &self.kind {
            Kind::Sqlite => sqlite_tables(&self.sb.path.join("app.db")),
            Kind::Postgres(db, _) => db
                .rows(
                    "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' \
                     AND table_type = 'BASE TABLE' ORDER BY 1",
                )
                .into_iter()
                .map(|r| r[0].clone())
                .collect(),
            // Strata's tables live in the bound database beside the user's.
            Kind::Mysql(db, _) => db
                .rows(
                    "SELECT table_name FROM information_schema.tables WHERE table_schema = DATABASE() \
                     AND table_type = 'BASE TABLE' \
                     AND table_name NOT IN ('atlas_schema_revisions', 'strata_schema_history') ORDER BY 1",
                )
                .into_iter()
                .map(|r| r[0].clone())
                .collect(),
            // Strata's tables and its lock tables excluded, as for MySQL.
            Kind::Clickhouse(db, _) => db.tables(),
        }
    }

    pub fn columns(&self, table: &str) -> Vec<String> {
        let sql = match &self.kind {
            Kind::Clickhouse(db, _) => return db.columns(table),
            Kind::Sqlite => format!("SELECT name FROM pragma_table_info('{table}') ORDER BY cid"),
            Kind::Postgres(..) => format!(
                "SELECT column_name FROM information_schema.columns WHERE table_schema = 'public' \
                 AND table_name = '{table}' ORDER BY ordinal_position"
            ),
            Kind::Mysql(..) => format!(
                "SELECT column_name FROM information_schema.columns WHERE table_schema = DATABASE() \
                 AND table_name = '{table}' ORDER BY ordinal_position"
            ),
        };
        self.rows(&sql).into_iter().map(|r| r[0].clone()).collect()
    }

    pub fn has_index(&self, name: &str) -> bool {
        let sql = match &self.kind {
            // ClickHouse 18.16 has no indexes.
            Kind::Clickhouse(..) => return false,
            Kind::Sqlite => format!("SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name = '{name}'"),
            Kind::Postgres(..) => format!("SELECT count(*) FROM pg_indexes WHERE indexname = '{name}'"),
            // One row per indexed column.
            Kind::Mysql(..) => format!(
                "SELECT count(DISTINCT table_name, index_name) FROM information_schema.statistics \
                 WHERE table_schema = DATABASE() AND index_name = '{name}'"
            ),
        };
        self.rows(&sql) == [["1"]]
    }

    pub fn versions(&self) -> Vec<String> {
        let table = match &self.kind {
            // Append-only: the newest row of each version decides.
            Kind::Clickhouse(db, _) => return db.versions(),
            Kind::Sqlite => "atlas_schema_revisions",
            // An unbound PostgreSQL URL keeps it in its own schema, as Atlas does.
            Kind::Postgres(..) => "atlas_schema_revisions.atlas_schema_revisions",
            // A MySQL URL binds one database, which holds it.
            Kind::Mysql(..) => "atlas_schema_revisions",
        };
        // Atlas's own rows (`.atlas_cloud_identifier`) are not versions.
        self.rows(&format!("SELECT version FROM {table} WHERE version NOT LIKE '.%' ORDER BY version"))
            .into_iter()
            .map(|r| r[0].clone())
            .collect()
    }

    /// A table as the dialect's plans name it: an unbound PostgreSQL URL gets
    /// schema-qualified SQL, as in Atlas; a bound MySQL or ClickHouse URL
    /// unqualified names.
    pub fn t(&self, name: &str) -> String {
        match &self.kind {
            Kind::Sqlite | Kind::Mysql(..) | Kind::Clickhouse(..) => self.q(name),
            Kind::Postgres(..) => format!("\"public\".{}", self.q(name)),
        }
    }

    /// Quotes an identifier the way the dialect's plans do.
    pub fn q(&self, name: &str) -> String {
        match &self.kind {
            Kind::Sqlite | Kind::Mysql(..) | Kind::Clickhouse(..) => format!("`{name}`"),
            Kind::Postgres(..) => format!("\"{name}\""),
        }
    }

    pub fn write(&self, rel: &str, content: &str) {
        self.sb.write(rel, content);
    }

    pub fn hash(&self) {
        self.strata(&["migrate", "hash"]).ok();
    }

    pub fn strata(&self, args: &[&str]) -> crate::Run {
        self.sb.strata(args)
    }

    pub fn apply(&self) {
        self.strata(&["migrate", "apply", "--url", &self.url]).ok();
    }

    pub fn down(&self, extra: &[&str]) -> crate::Run {
        let mut args = vec!["migrate", "down", "--url", &self.url, "--dev-url", &self.dev];
        args.extend_from_slice(extra);
        self.strata(&args)
    }
}
