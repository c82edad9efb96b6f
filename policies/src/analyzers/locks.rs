//! `locks` (LK101, LK102; Strata's codes, any dialect): what the dialect
//! planner says a statement does to its table while it runs: copies every
//! row (a rewrite, MySQL's table copy, a ClickHouse mutation), or locks it
//! against writes. Statements that only touch tables created earlier in the
//! units are exempt: nobody else uses those yet.

use strata_dialect_api::Change;

use super::scope::{Scope, is_mysql, is_postgres, quoted_list, table_names, table_of};
use crate::{Analyzer, Raw, Subject, Unit};

/// The table-locks analyzer.
pub struct Locks;

impl Analyzer for Locks {
    fn name(&self) -> &'static str {
        "locks"
    }

    fn codes(&self) -> &'static [&'static str] {
        &["LK101", "LK102"]
    }

    fn analyze(&self, subject: &Subject, units: &[Unit], _: &serde_json::Value) -> Vec<Raw> {
        let dialect = subject.dialect.as_str();
        let mut out = Vec::new();
        let mut scope = Scope::default();
        // A plan puts each change on the first statement made from it; the
        // statements after it (no changes, no data) carry on that change.
        let mut last: (bool, Vec<&str>) = (false, Vec::new());
        for (i, unit) in units.iter().enumerate() {
            if !unit.changes.is_empty() {
                // Judged before the unit is recorded. A table the unit
                // creates itself has no traffic either.
                let exempt = unit.changes.iter().all(|c| {
                    matches!(c, Change::AddTable { .. }) || table_of(c).is_some_and(|(s, t)| scope.is_new(s, t))
                });
                last = (exempt, table_names(unit));
            } else if unit.data {
                last = (false, Vec::new());
            }
            scope.see_unit(unit);
            let (exempt, names) = &last;
            if *exempt || !(unit.rewrites_table || unit.locks_table) {
                continue;
            }
            let what = if names.is_empty() { "a table".to_string() } else { format!("table {}", quoted_list(names)) };
            if unit.rewrites_table {
                let (how, detail) = if is_mysql(dialect) {
                    ("a table copy", "the table is locked against writes while every row is copied")
                } else if dialect == "clickhouse" {
                    ("a heavy mutation", "every data part is rewritten in the background")
                } else {
                    ("a rewrite", "every row is copied while the table is locked")
                };
                out.push(
                    Raw::new("LK101", i, format!("Statement on {what} requires {how}: {detail}")).fix(fix(dialect)),
                );
            } else {
                out.push(
                    Raw::new("LK102", i, format!("Statement locks {what} against writes while it runs"))
                        .fix(fix(dialect)),
                );
            }
        }
        out
    }
}

fn fix(dialect: &str) -> &'static str {
    if is_mysql(dialect) {
        "run it when traffic is low, prefer ALGORITHM=INSTANT or INPLACE where MySQL allows it, or use an online \
         schema-change tool (gh-ost, pt-online-schema-change)"
    } else if is_postgres(dialect) {
        "run it when traffic is low with a short lock_timeout, or split it into steps that avoid the lock"
    } else {
        "run it when traffic is low, or split it into steps that avoid the lock"
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use strata_dialect_api::Table;

    fn table(name: &str) -> Table {
        Table { name: name.into(), ..Table::default() }
    }

    fn modify(name: &str, rewrites: bool, locks: bool) -> Unit {
        Unit {
            changes: vec![Change::ModifyTable {
                schema: "s".into(),
                from: table(name),
                to: table(name),
                changes: vec![],
            }],
            rewrites_table: rewrites,
            locks_table: locks,
            ..Unit::default()
        }
    }

    fn create(name: &str) -> Unit {
        Unit { changes: vec![Change::AddTable { schema: "s".into(), table: table(name) }], ..Unit::default() }
    }

    fn run(dialect: &str, units: &[Unit]) -> Vec<(&'static str, usize, String)> {
        let subject = Subject { dialect: dialect.into(), ..Subject::default() };
        Locks
            .analyze(&subject, units, &serde_json::Value::Null)
            .into_iter()
            .map(|r| (r.code, r.unit, r.message))
            .collect()
    }

    #[test]
    fn lk101_rewrites_name_the_dialects_mechanism() {
        let u = modify("users", true, true);
        assert_eq!(
            run("mysql", std::slice::from_ref(&u)),
            [(
                "LK101",
                0,
                "Statement on table \"users\" requires a table copy: the table is locked against writes while every \
                 row is copied"
                    .into()
            )]
        );
        assert!(run("clickhouse", std::slice::from_ref(&u))[0].2.contains("requires a heavy mutation"));
        assert!(run("postgres", std::slice::from_ref(&u))[0].2.contains("requires a rewrite"));
        assert!(run("sqlite", &[create("users"), u]).is_empty());
    }

    #[test]
    fn lk102_write_locks_not_already_rewrites() {
        assert_eq!(
            run("postgres", &[modify("users", false, true)]),
            [("LK102", 0, "Statement locks table \"users\" against writes while it runs".into())]
        );
        assert!(run("postgres", &[create("users"), modify("users", false, true)]).is_empty());
        assert!(run("postgres", &[modify("users", false, false)]).is_empty());
        // The statements after a change's first carry on its table.
        let next = Unit { locks_table: true, ..Unit::default() };
        assert!(run("postgres", &[create("users"), next.clone()]).is_empty());
        assert_eq!(
            run("postgres", &[modify("users", false, false), next])[0].2,
            "Statement locks table \"users\" against writes while it runs"
        );
        // A statement whose changes name no table is reported without one.
        let bare = Unit { locks_table: true, ..Unit::default() };
        assert_eq!(run("mysql", &[bare])[0].2, "Statement locks a table against writes while it runs");
    }
}
