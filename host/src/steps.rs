//! What planning hands the executor: ordered steps, each a version's
//! statements with the checks guarding them and whether they may share a
//! transaction. Plain data: the executor decides nothing about what to run.
//! A module of its own, so that `plan` (which builds steps) and `exec` (which
//! runs them) share the type without importing each other.

use serde::{Deserialize, Serialize};
use strata_dialect_api::PreCheck;

/// One unit of a run: a migration file applied, or one version reverted.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Step {
    /// The version the step applies or reverts.
    pub version: String,
    /// Its description.
    pub description: String,
    /// The statements, in order.
    pub stmts: Vec<String>,
    /// Checks, each guarding the statement at its index.
    pub guards: Vec<Guard>,
    /// Statements an earlier, interrupted run already executed.
    pub done: usize,
    /// The statements may run inside a transaction (the dialect has
    /// transactional DDL and nothing in the step forbids it).
    pub tx: bool,
    /// Without `tx` (DDL commits on its own), runs of data statements
    /// ([`is_data`]) share one transaction with their progress record, as
    /// they would inside the file's transaction on MySQL: the file asked for
    /// transactions (its tx mode is not `none`). Off, each one commits alone.
    #[serde(default)]
    pub data_tx: bool,
}

/// A check evaluated right before statement `before` of its step runs.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Guard {
    /// Index of the statement it guards.
    pub before: usize,
    /// What is checked.
    pub check: Check,
}

/// What a guard asserts.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum Check {
    /// A planned pre-migration check: holds when its query returns true.
    Plan(PreCheck),
    /// A txtar check file: every assertion must hold, or one of them (`oneof`).
    Asserts {
        /// The assertions.
        stmts: Vec<String>,
        /// One true assertion suffices.
        oneof: bool,
    },
}

/// The first word of `sql` after comments, upper-cased.
fn first_word(sql: &str) -> String {
    let mut rest = sql.trim_start();
    loop {
        if let Some(line) = rest.strip_prefix("--").or_else(|| rest.strip_prefix('#')) {
            rest = line.split_once('\n').map_or("", |(_, r)| r).trim_start();
        } else if let Some(block) = rest.strip_prefix("/*") {
            rest = block.split_once("*/").map_or("", |(_, r)| r).trim_start();
        } else {
            break;
        }
    }
    rest.chars().take_while(char::is_ascii_alphabetic).collect::<String>().to_ascii_uppercase()
}

/// True when `sql` is a schema statement (by its first word, after comments).
pub fn is_ddl(sql: &str) -> bool {
    matches!(first_word(sql).as_str(), "CREATE" | "ALTER" | "DROP" | "RENAME" | "TRUNCATE")
}

/// True when `sql` changes or reads rows and nothing else (by its first
/// word): a statement a transaction holds, that commits nothing on its own.
/// `CALL`, `LOAD DATA`, `SET`, `LOCK` and the like are not, to be safe.
pub fn is_data(sql: &str) -> bool {
    matches!(first_word(sql).as_str(), "INSERT" | "UPDATE" | "DELETE" | "REPLACE" | "SELECT" | "DO")
}

/// True when `sql` names a table engine that keeps no transactions (MySQL's
/// `ENGINE = MyISAM`, `Aria`, `MEMORY`, ...: any but InnoDB and RocksDB): a
/// rollback would not take back what a statement wrote to such a table, so
/// the data statements of a file creating one do not share a transaction.
pub fn names_untransactional_engine(sql: &str) -> bool {
    let upper = sql.to_ascii_uppercase();
    upper.match_indices("ENGINE").any(|(at, word)| {
        let part_of_word = |c: char| c.is_ascii_alphanumeric() || c == '_';
        let after = &upper[at + word.len()..];
        if upper[..at].chars().next_back().is_some_and(part_of_word) || after.starts_with(part_of_word) {
            return false;
        }
        let rest = after.trim_start();
        // The `=` is optional: `ENGINE InnoDB`.
        let rest = rest.strip_prefix('=').map_or(rest, str::trim_start);
        let name: String = rest
            .trim_start_matches(['`', '\'', '"'])
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        !name.is_empty() && !matches!(name.as_str(), "INNODB" | "ROCKSDB")
    })
}

/// Whether runs of schema statements share one progress record (see
/// [`unrecorded_end`]): where DDL commits on its own but the bookkeeping has
/// transactions (MySQL). Without any transactions (ClickHouse), where a data
/// change can hide inside an `ALTER`, every statement keeps its record.
pub fn batches_ddl(caps: &strata_dialect_api::Capabilities) -> bool {
    !caps.transactional_ddl && !caps.no_transactions
}

/// When runs of schema statements are batched ([`batches_ddl`]), a run without a
/// transaction goes on after a schema statement settling can find without a
/// record where [`chains`] says so: a run of them is recorded once, with the
/// statement after its last. `stmts` are the run's statements from the
/// recorded step on, the steps after it concatenated (the executor chains
/// across steps too). So a run recorded at `k`, killed, may hold anything from
/// `k` to `end + 1` statements, where `end` (returned) is the last statement
/// of the run of them starting at `k`; the executor and the settling of a
/// resumed run (`plan::settle`) both go by this. `k` itself when every
/// statement gets its record.
pub fn unrecorded_end(stmts: &[String], k: usize, batches: bool) -> usize {
    let mut end = k;
    while batches && stmts.get(end).is_some_and(|s| settles(s)) && stmts.get(end + 1).is_some_and(|s| settles(s)) {
        end += 1;
    }
    end
}

/// Whether a run without a transaction, where [`batches_ddl`], may go on from
/// `prev` to `next` without recording its progress in between: `prev` is a
/// statement settling can find, and `next` is one too or shares a transaction
/// with its own record (a data change), so that a run killed anywhere after
/// the last record is settled by inspection (see [`unrecorded_end`]). The
/// executor skips a record exactly there, within a step and across steps.
pub fn chains(prev: &str, next: &str) -> bool {
    settles(prev) && (settles(next) || !is_ddl(next))
}

/// Where position `n` of statements counted across steps falls: the version
/// (of `steps`, each a version and its statement count) and the statement in it.
pub fn locate<'a>(steps: impl IntoIterator<Item = (&'a str, usize)>, n: usize) -> (&'a str, usize) {
    let (mut n, mut last) = (n, ("", 0));
    for (version, len) in steps {
        if n < len {
            return (version, n);
        }
        n -= len;
        last = (version, len);
    }
    // Past the end: counted on from the last step's end.
    (last.0, last.1 + n)
}

/// A schema statement whose effect inspection sees (a table, index, view or
/// trigger), so that settling can tell whether it ran: only those share a
/// record. `CREATE USER`, `CREATE DATABASE`, `TRUNCATE` and the like keep
/// their own, since running one twice can fail or lose rows.
fn settles(sql: &str) -> bool {
    if !is_ddl(sql) {
        return false;
    }
    let words: Vec<String> = sql
        .split(|c: char| c.is_whitespace() || c == '(' || c == '`' || c == '"')
        .filter(|w| !w.is_empty())
        .take(2)
        .map(str::to_ascii_uppercase)
        .collect();
    let object = match words.first().map(String::as_str) {
        Some("CREATE" | "ALTER" | "DROP") => words.get(1).map(String::as_str),
        Some("RENAME") => Some("TABLE"),
        _ => None,
    };
    // `CREATE OR REPLACE VIEW`, `CREATE UNIQUE INDEX`, ...
    matches!(object, Some("TABLE" | "INDEX" | "UNIQUE" | "FULLTEXT" | "SPATIAL" | "VIEW" | "TRIGGER" | "OR"))
}

#[cfg(test)]
mod tests {
    use super::{is_data, is_ddl, locate, names_untransactional_engine, unrecorded_end};

    #[test]
    fn positions_across_steps() {
        let steps = [("3", 2), ("2", 0), ("1", 1)];
        assert_eq!(locate(steps, 0), ("3", 0));
        assert_eq!(locate(steps, 1), ("3", 1));
        assert_eq!(locate(steps, 2), ("1", 0));
        assert_eq!(locate(steps, 3), ("1", 1));
    }

    #[test]
    fn schema_statements_by_their_first_word() {
        assert!(is_ddl("CREATE TABLE t (a int)"));
        assert!(is_ddl("  -- why\n/* what */ alter table t add b int"));
        assert!(is_ddl("# mysql comment\nDROP INDEX i ON t"));
        assert!(!is_ddl("INSERT INTO t VALUES (1)"));
        assert!(!is_ddl("UPDATE t SET a = 1"));
        assert!(!is_ddl("-- CREATE\nDELETE FROM t"));
        assert!(!is_ddl(""));
    }

    #[test]
    fn engines_without_transactions_are_named() {
        for sql in [
            "CREATE TABLE t (a int) ENGINE=MyISAM",
            "create table t (a int) engine = aria",
            "ALTER TABLE t ENGINE `MEMORY`",
            "CREATE TABLE t (a int) ENGINE='CSV' DEFAULT CHARSET=utf8mb4",
        ] {
            assert!(names_untransactional_engine(sql), "{sql}");
        }
        for sql in [
            "CREATE TABLE t (a int) ENGINE=InnoDB",
            "CREATE TABLE t (a int) ENGINE = `innodb`",
            "INSERT INTO engines (engine_id) VALUES (1)",
            "SELECT * FROM information_schema.ENGINES",
            "CREATE TABLE t (a int)",
        ] {
            assert!(!names_untransactional_engine(sql), "{sql}");
        }
    }

    #[test]
    fn data_statements_by_their_first_word() {
        assert!(is_data("INSERT INTO t VALUES (1)"));
        assert!(is_data("/* seed */ update t SET a = 1"));
        assert!(is_data("-- gone\nDELETE FROM t"));
        assert!(is_data("REPLACE INTO t VALUES (1)"));
        for sql in [
            "CREATE TABLE t (a int)",
            "CALL p()",
            "LOAD DATA INFILE 'f' INTO TABLE t",
            "SET autocommit = 1",
            "COMMIT",
            "",
        ] {
            assert!(!is_data(sql), "{sql}");
        }
    }

    #[test]
    fn runs_of_schema_statements_are_recorded_once() {
        let stmts: Vec<String> = [
            "CREATE TABLE a (x int)",
            "CREATE INDEX i ON a (x)",
            "INSERT INTO a VALUES (1)",
            "DROP TABLE b",
            "ALTER TABLE a ADD y int",
        ]
        .map(String::from)
        .into();
        assert_eq!(unrecorded_end(&stmts, 0, true), 1);
        assert_eq!(unrecorded_end(&stmts, 1, true), 1);
        assert_eq!(unrecorded_end(&stmts, 2, true), 2);
        assert_eq!(unrecorded_end(&stmts, 3, true), 4);
        assert_eq!(unrecorded_end(&stmts, 4, true), 4);
        assert_eq!(unrecorded_end(&stmts, 5, true), 5);
        assert_eq!(unrecorded_end(&stmts, 0, false), 0);
        // What inspection cannot see keeps its own record.
        let unseen: Vec<String> = [
            "CREATE TABLE a (x int)",
            "CREATE USER u",
            "TRUNCATE a",
            "CREATE DATABASE d",
            "create unique index i on a (x)",
            "CREATE OR REPLACE VIEW v AS SELECT 1",
        ]
        .map(String::from)
        .into();
        assert_eq!(unrecorded_end(&unseen, 0, true), 0);
        assert_eq!(unrecorded_end(&unseen, 1, true), 1);
        assert_eq!(unrecorded_end(&unseen, 2, true), 2);
        assert_eq!(unrecorded_end(&unseen, 3, true), 3);
        assert_eq!(unrecorded_end(&unseen, 4, true), 5);
    }
}
