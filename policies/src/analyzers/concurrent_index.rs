//! `concurrent_index` (PG101–PG103, PostgreSQL only): a plain CREATE or DROP
//! INDEX blocks writes to its table while it runs; CONCURRENTLY does not, but
//! cannot run inside a transaction. Judged from the changes (an index added
//! or dropped on a table that existed before the units) and from the
//! statement's text (whether it says CONCURRENTLY).

use strata_dialect_api::{Change, TableChange};

use super::scope::{Scope, is_postgres, normalized};
use crate::{Analyzer, Raw, Subject, Unit};

/// The concurrent-index analyzer.
pub struct ConcurrentIndex;

const TXMODE_FIX: &str = "add `-- atlas:txmode none` at the top of the file (CONCURRENTLY cannot run inside a \
                          transaction), best with the index statements in a file of their own";

impl Analyzer for ConcurrentIndex {
    fn name(&self) -> &'static str {
        "concurrent_index"
    }

    fn codes(&self) -> &'static [&'static str] {
        &["PG101", "PG102", "PG103"]
    }

    fn analyze(&self, subject: &Subject, units: &[Unit], _: &serde_json::Value) -> Vec<Raw> {
        if !is_postgres(&subject.dialect) {
            return Vec::new();
        }
        let mut out = Vec::new();
        let mut scope = Scope::default();
        for (i, unit) in units.iter().enumerate() {
            scope.see_unit(unit);
            let sql = normalized(&unit.sql);
            // An index change is concurrent only when the statement says so:
            // ALTER TABLE ... ADD CONSTRAINT ... UNIQUE and planned
            // statements build their indexes with the lock.
            let plain_create = !concurrently(&sql, &["create index ", "create unique index "]);
            let plain_drop = !concurrently(&sql, &["drop index "]);
            for change in &unit.changes {
                let Change::ModifyTable { schema, to, changes, .. } = change else { continue };
                if scope.is_new(schema, &to.name) {
                    continue;
                }
                let table = to.name.as_str();
                for c in changes {
                    let (dropped, created) = match c {
                        TableChange::AddIndex { index } => (None, Some(index)),
                        TableChange::DropIndex { index } => (Some(index), None),
                        TableChange::ModifyIndex { from, to } => (Some(from), Some(to)),
                        _ => continue,
                    };
                    if let Some(index) = dropped.filter(|_| plain_drop) {
                        out.push(
                            Raw::new(
                                "PG102",
                                i,
                                format!(
                                    "Dropping index {:?} non-concurrently causes write locks on the {table:?} table",
                                    index.name
                                ),
                            )
                            .fix(format!("use DROP INDEX CONCURRENTLY, and {TXMODE_FIX}")),
                        );
                    }
                    if let Some(index) = created.filter(|_| plain_create) {
                        out.push(
                            Raw::new(
                                "PG101",
                                i,
                                format!(
                                    "Creating index {:?} non-concurrently causes write locks on the {table:?} table",
                                    index.name
                                ),
                            )
                            .fix(format!("use CREATE INDEX CONCURRENTLY, and {TXMODE_FIX}")),
                        );
                    }
                }
            }
            if (!plain_create || !plain_drop) && !subject.txmode_none {
                out.push(
                    Raw::new(
                        "PG103",
                        i,
                        "Indexes cannot be created or dropped concurrently within a transaction, and this file runs \
                         in one",
                    )
                    .fix(TXMODE_FIX),
                );
            }
        }
        out
    }
}

/// `sql` has one of the `starts` (`create index `, ...) followed by
/// CONCURRENTLY.
fn concurrently(sql: &str, starts: &[&str]) -> bool {
    starts
        .iter()
        .any(|start| sql.match_indices(start).any(|(at, _)| sql[at + start.len()..].starts_with("concurrently")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use strata_dialect_api::{Index, IndexPart, Table};

    fn index() -> Index {
        Index { name: "idx".into(), parts: vec![IndexPart::column("email")], ..Index::default() }
    }

    fn unit(sql: &str, change: TableChange) -> Unit {
        let t = Table { name: "users".into(), ..Table::default() };
        Unit {
            sql: sql.into(),
            changes: vec![Change::ModifyTable {
                schema: "public".into(),
                from: t.clone(),
                to: t,
                changes: vec![change],
            }],
            ..Unit::default()
        }
    }

    fn create_table() -> Unit {
        Unit {
            sql: "CREATE TABLE users (email text)".into(),
            changes: vec![Change::AddTable {
                schema: "public".into(),
                table: Table { name: "users".into(), ..Table::default() },
            }],
            ..Unit::default()
        }
    }

    fn run(dialect: &str, txmode_none: bool, units: &[Unit]) -> Vec<(&'static str, usize, String)> {
        let subject = Subject { dialect: dialect.into(), txmode_none, ..Subject::default() };
        ConcurrentIndex
            .analyze(&subject, units, &serde_json::Value::Null)
            .into_iter()
            .map(|r| (r.code, r.unit, r.message))
            .collect()
    }

    #[test]
    fn pg101_create_index_without_concurrently() {
        let add = unit("create  INDEX idx ON users (email)", TableChange::AddIndex { index: index() });
        assert_eq!(
            run("postgres", false, std::slice::from_ref(&add)),
            [("PG101", 0, "Creating index \"idx\" non-concurrently causes write locks on the \"users\" table".into())]
        );
        assert!(run("postgres", false, &[create_table(), add.clone()]).is_empty());
        assert!(run("mysql", false, &[add]).is_empty());
        let concurrent =
            unit("CREATE INDEX CONCURRENTLY idx ON users (email)", TableChange::AddIndex { index: index() });
        assert!(run("postgres", true, &[concurrent]).is_empty());
    }

    #[test]
    fn pg102_drop_index_without_concurrently() {
        let drop = unit("DROP INDEX idx", TableChange::DropIndex { index: index() });
        assert_eq!(
            run("postgres", false, &[drop]),
            [("PG102", 0, "Dropping index \"idx\" non-concurrently causes write locks on the \"users\" table".into())]
        );
        let concurrent = unit("drop index concurrently idx", TableChange::DropIndex { index: index() });
        assert!(run("postgres", true, &[concurrent]).is_empty());
        // A planned statement without text is judged by its change, and so is
        // a constraint that brings its index.
        let constraint =
            unit("ALTER TABLE users ADD CONSTRAINT idx UNIQUE (email)", TableChange::AddIndex { index: index() });
        assert_eq!(run("postgres", false, &[constraint])[0].0, "PG101");
        assert_eq!(run("postgres", false, &[unit("", TableChange::DropIndex { index: index() })])[0].0, "PG102");
    }

    #[test]
    fn pg103_concurrently_inside_a_transaction() {
        let concurrent =
            unit("CREATE UNIQUE INDEX CONCURRENTLY idx ON users (email)", TableChange::AddIndex { index: index() });
        assert_eq!(
            run("postgres", false, std::slice::from_ref(&concurrent)).iter().map(|f| f.0).collect::<Vec<_>>(),
            ["PG103"]
        );
        assert!(run("postgres", true, &[concurrent]).is_empty());
    }
}
