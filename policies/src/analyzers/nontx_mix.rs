//! `nontx_mix` (TX101, Strata's): a file that changes data and also runs DDL
//! that cannot be rolled back. If a statement fails midway, the DDL (and, on
//! dialects where DDL commits implicitly, the data changes before it) stays
//! applied: the data is left half-changed and the file cannot simply be
//! retried.

use crate::{Analyzer, Raw, Subject, Unit};

/// The data-and-non-transactional-DDL analyzer.
pub struct NontxMix;

impl Analyzer for NontxMix {
    fn name(&self) -> &'static str {
        "nontx_mix"
    }

    fn codes(&self) -> &'static [&'static str] {
        &["TX101"]
    }

    fn analyze(&self, subject: &Subject, units: &[Unit], _: &serde_json::Value) -> Vec<Raw> {
        let Some(data) = units.iter().position(|u| u.data) else { return Vec::new() };
        let irreversible = units.iter().enumerate().find_map(|(i, u)| {
            // DDL: a statement that changes the schema.
            if u.data || u.changes.is_empty() {
                return None;
            }
            let why = if subject.txmode_none {
                "the file runs without a transaction (atlas:txmode none)".to_string()
            } else if !u.transactional {
                "it cannot run inside a transaction".to_string()
            } else if !subject.transactional_ddl {
                format!("{} commits DDL implicitly", subject.dialect)
            } else {
                return None;
            };
            Some((i, why))
        });
        let Some((ddl, why)) = irreversible else { return Vec::new() };
        let at = match units[ddl].pos.as_ref() {
            Some(pos) => format!("statement {} (line {})", ddl + 1, pos.line),
            None => format!("statement {}", ddl + 1),
        };
        vec![
            Raw::new(
                "TX101",
                data,
                format!(
                    "Data changes share a file with {at}, which cannot be rolled back ({why}): a failure midway \
                     leaves the data half-changed"
                ),
            )
            .fix("move the data changes into a migration file of their own"),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Pos;
    use strata_dialect_api::{Change, Table};

    fn ddl(transactional: bool) -> Unit {
        Unit {
            sql: "ALTER TABLE t ADD c int".into(),
            changes: vec![Change::AddTable {
                schema: "s".into(),
                table: Table { name: "t".into(), ..Table::default() },
            }],
            transactional,
            pos: Some(Pos { file: "1.sql".into(), line: 3 }),
            ..Unit::default()
        }
    }

    fn data() -> Unit {
        Unit { sql: "UPDATE t SET c = 1".into(), data: true, transactional: true, ..Unit::default() }
    }

    fn subject(dialect: &str, transactional_ddl: bool, txmode_none: bool) -> Subject {
        Subject { dialect: dialect.into(), transactional_ddl, txmode_none, ..Subject::default() }
    }

    fn run(subject: &Subject, units: &[Unit]) -> Vec<(&'static str, usize, String)> {
        NontxMix
            .analyze(subject, units, &serde_json::Value::Null)
            .into_iter()
            .map(|r| (r.code, r.unit, r.message))
            .collect()
    }

    #[test]
    fn tx101_data_with_implicitly_committed_ddl() {
        assert_eq!(
            run(&subject("mysql", false, false), &[ddl(true), data(), data()]),
            [(
                "TX101",
                1,
                "Data changes share a file with statement 1 (line 3), which cannot be rolled back (mysql commits DDL \
                 implicitly): a failure midway leaves the data half-changed"
                    .into()
            )]
        );
    }

    #[test]
    fn tx101_non_transactional_statement_or_txmode_none() {
        let found = run(&subject("postgres", true, false), &[data(), ddl(true), ddl(false)]);
        assert_eq!(found.len(), 1);
        assert!(
            found[0]
                .2
                .contains("statement 3 (line 3), which cannot be rolled back (it cannot run inside a transaction)")
        );
        let found = run(&subject("postgres", true, true), &[data(), ddl(true)]);
        assert!(found[0].2.contains("(the file runs without a transaction (atlas:txmode none))"));
    }

    #[test]
    fn tx101_quiet_when_everything_rolls_back_or_no_data() {
        assert!(run(&subject("postgres", true, false), &[ddl(true), data()]).is_empty());
        assert!(run(&subject("mysql", false, false), &[ddl(true), ddl(false)]).is_empty());
        assert!(run(&subject("mysql", false, false), &[data(), data()]).is_empty());
    }
}
