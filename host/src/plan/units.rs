//! Statements as the policies see them ([`Unit`]s): a migration file replayed
//! statement by statement on the dev database, each statement's schema
//! changes found by diffing the states around it (what `migrate lint` and
//! `migrate apply`'s policy check analyze); or the statements of a plan Strata
//! computed (`schema apply`, `migrate down`).

use strata_dialect_api::{Plan, Realm};
use strata_policies::{Pos, Subject, Unit};

use super::{DevDb, diff};
use crate::dir::File;
use crate::error::Error;

/// One migration file's statements, ready for the analyzers.
#[derive(Debug, Clone)]
pub struct FileUnits {
    /// The file's version.
    pub version: String,
    /// What the units belong to (dialect, file, its directives).
    pub subject: Subject,
    /// One per statement.
    pub units: Vec<Unit>,
}

/// Statements that change data rather than the schema, by their first word.
const DATA: &[&str] = &["insert", "update", "delete", "merge", "replace", "copy", "truncate", "upsert"];

fn is_data(sql: &str) -> bool {
    let mut words = sql.split(|c: char| c.is_whitespace() || c == '(').filter(|w| !w.is_empty());
    let first = words.next().unwrap_or_default().to_ascii_lowercase();
    // `WITH x AS (...) INSERT ...`: a CTE in front of a data change.
    DATA.contains(&first.as_str())
        || (first == "with" && sql.split_whitespace().any(|w| DATA.contains(&w.to_ascii_lowercase().as_str())))
}

/// The arguments of `atlas:nolint` directives: codes or analyzer names, `""`
/// for a bare directive (everything).
fn nolint(args: &[&str]) -> Vec<String> {
    let mut out = Vec::new();
    for a in args {
        let words: Vec<String> = a.split_whitespace().map(String::from).collect();
        if words.is_empty() {
            out.push(String::new());
        }
        out.extend(words);
    }
    out
}

/// Replays `base` on the dev database, then each file of `new` one statement
/// at a time, inspecting after each: what every statement of `new` changes.
/// The dev database is left empty.
///
/// # Errors
/// A file that does not lex, or a statement the dev database rejects (named
/// by file and line).
pub fn file_units(
    dev: &mut DevDb,
    dir: &std::path::Path,
    base: &[&File],
    new: &[&File],
) -> Result<Vec<FileUnits>, Error> {
    let result = replay(dev, dir, base, new);
    let reset = dev.reset();
    let out = result?;
    reset?;
    Ok(out)
}

fn replay(dev: &mut DevDb, dir: &std::path::Path, base: &[&File], new: &[&File]) -> Result<Vec<FileUnits>, Error> {
    let lex = dev.lex();
    let driver = dev.driver().clone();
    let options = dev.plan_options(false);
    let located = |file: &File, e: String| Error::Refused {
        message: format!("{}:{e}", dir.join(file.name()).display()),
        hint: None,
    };
    for file in base {
        let stmts = file.stmts(&lex).map_err(|e| located(file, e.to_string()))?;
        let texts: Vec<String> = stmts.into_iter().map(|s| s.text).collect();
        dev.exec_all(&dir.join(file.name()).display().to_string(), &texts)?;
    }
    let mut state: Realm = dev.inspect()?;
    let mut out = Vec::new();
    for file in new {
        let directives = file.directives().map_err(|e| located(file, e.to_string()))?;
        let stmts = file.stmts(&lex).map_err(|e| located(file, e.to_string()))?;
        let has_checks = file.is_txtar() && file.checks().map(|c| !c.is_empty()).unwrap_or(false);
        let subject = Subject {
            dialect: driver.name().to_string(),
            transactional_ddl: driver.manifest.capabilities.transactional_ddl,
            file: Some(file.name().to_string()),
            txmode_none: directives.txmode == Some(crate::dir::TxMode::None),
            nolint: directives.nolint.as_ref().map_or_else(Vec::new, |n| {
                let args: Vec<&str> = n.iter().map(String::as_str).collect();
                if args.is_empty() { vec![String::new()] } else { nolint(&args) }
            }),
        };
        let mut units = Vec::new();
        for stmt in stmts {
            dev.conn_exec(&stmt.text).map_err(|e| {
                located(file, format!("{}: executing the statement on the dev database: {e}", stmt.line))
            })?;
            let after = dev.inspect()?;
            let changes = diff(&driver, &state, &after)?;
            let plan = if changes.is_empty() {
                Plan::default()
            } else {
                driver.plan(&changes, &options).map_err(crate::error::db("planning the changes"))?
            };
            let any = |f: fn(&strata_dialect_api::Statement) -> bool| plan.statements.iter().any(f);
            units.push(Unit {
                data: changes.is_empty() && is_data(&stmt.text),
                destructive: any(|s| s.destructive),
                transactional: plan.statements.iter().all(|s| s.transactional),
                locks_table: any(|s| s.locks_table),
                rewrites_table: any(|s| s.rewrites_table),
                has_checks,
                nolint: nolint(&stmt.directive("nolint")),
                pos: Some(Pos { file: file.name().to_string(), line: stmt.line }),
                sql: stmt.text,
                changes,
            });
            state = after;
        }
        out.push(FileUnits { version: file.version().to_string(), subject, units });
    }
    Ok(out)
}

/// The statements of a computed plan: each change goes with the first
/// statement made from it (so it is reported once).
pub fn plan_units(plan: &Plan) -> Vec<Unit> {
    let mut seen = std::collections::HashSet::new();
    plan.statements
        .iter()
        .map(|s| Unit {
            sql: s.sql.clone(),
            pos: None,
            changes: if seen.insert(s.source) {
                plan.changes.get(s.source).cloned().into_iter().collect()
            } else {
                Vec::new()
            },
            destructive: s.destructive,
            transactional: s.transactional,
            locks_table: s.locks_table,
            rewrites_table: s.rewrites_table,
            has_checks: !s.checks.is_empty(),
            data: false,
            nolint: Vec::new(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_statements_by_first_word() {
        assert!(is_data("INSERT INTO t VALUES (1)"));
        assert!(is_data("  update t set a = 1"));
        assert!(is_data("WITH x AS (SELECT 1) DELETE FROM t"));
        assert!(!is_data("CREATE TABLE t (id int)"));
        assert!(!is_data("WITH x AS (SELECT 1) SELECT * FROM x"));
    }

    #[test]
    fn nolint_arguments() {
        assert_eq!(nolint(&[""]), [""]);
        assert_eq!(nolint(&["DS102 destructive"]), ["DS102", "destructive"]);
    }
}
