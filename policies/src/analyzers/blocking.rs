//! `blocking` (PG301–PG306, PostgreSQL only): changes that rewrite or scan a
//! whole table while holding a lock that blocks its readers or writers.
//! Tables created earlier in the units have no traffic yet and are exempt.

use strata_dialect_api::{Attr, Change, Column, TableChange};

use super::scope::{Scope, is_postgres, normalized, quoted_list};
use crate::{Analyzer, Raw, Subject, Unit};

/// The blocking-changes analyzer.
pub struct Blocking;

const NOT_VALID_FIX: &str =
    "add the constraint NOT VALID, then VALIDATE CONSTRAINT in a separate statement (it takes a weaker lock)";

impl Analyzer for Blocking {
    fn name(&self) -> &'static str {
        "blocking"
    }

    fn codes(&self) -> &'static [&'static str] {
        &["PG301", "PG302", "PG303", "PG304", "PG305", "PG306"]
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
            let not_valid = sql.contains("not valid");
            for change in &unit.changes {
                let Change::ModifyTable { schema, from, to, changes } = change else { continue };
                if scope.is_new(schema, &to.name) {
                    continue;
                }
                let table = to.name.as_str();
                for c in changes {
                    match c {
                        TableChange::ModifyColumn { from: old, to: new, change } => {
                            if change.ty && (unit.rewrites_table || !keeps_storage(&old.ty, &new.ty)) {
                                out.push(
                                    Raw::new(
                                        "PG301",
                                        i,
                                        format!(
                                            "Changing the type of column {:?} from {:?} to {:?} rewrites table \
                                             {table:?} and its indexes under an ACCESS EXCLUSIVE lock",
                                            new.name, old.ty, new.ty
                                        ),
                                    )
                                    .fix(
                                        "add a column of the new type, backfill it in batches, then switch readers \
                                         and drop the old one",
                                    ),
                                );
                            }
                            if change.null && old.nullable && !new.nullable {
                                out.push(
                                    Raw::new(
                                        "PG303",
                                        i,
                                        format!(
                                            "Setting column {:?} NOT NULL scans table {table:?} under an ACCESS \
                                             EXCLUSIVE lock",
                                            new.name
                                        ),
                                    )
                                    .fix(
                                        "add CHECK (column IS NOT NULL) NOT VALID, VALIDATE it in a separate \
                                         statement, then SET NOT NULL (PostgreSQL 12+ uses the check and skips the scan)",
                                    ),
                                );
                            }
                        }
                        TableChange::AddColumn { column } => {
                            if let Some(why) = rewriting_default(column) {
                                out.push(
                                    Raw::new(
                                        "PG302",
                                        i,
                                        format!(
                                            "Adding column {:?} with {why} rewrites table {table:?} under an ACCESS \
                                             EXCLUSIVE lock",
                                            column.name
                                        ),
                                    )
                                    .fix(
                                        "add the column without the default (or with a constant one), set the default \
                                         in a separate statement, and backfill existing rows in batches",
                                    ),
                                );
                            }
                        }
                        TableChange::AddPrimaryKey { key } | TableChange::ModifyPrimaryKey { to: key, .. } => {
                            let nullable: Vec<&str> = key
                                .parts
                                .iter()
                                .filter_map(|p| p.column.as_deref())
                                .filter(|c| from.column(c).is_some_and(|c| c.nullable))
                                .collect();
                            if !nullable.is_empty() {
                                out.push(
                                    Raw::new(
                                        "PG304",
                                        i,
                                        format!(
                                            "Adding a PRIMARY KEY on nullable column(s) {} of table {table:?} sets them \
                                             NOT NULL, which scans the table under an ACCESS EXCLUSIVE lock",
                                            quoted_list(&nullable)
                                        ),
                                    )
                                    .fix(
                                        "set the columns NOT NULL first (through a validated CHECK, see PG303), build a \
                                         unique index CONCURRENTLY, then ADD PRIMARY KEY USING INDEX",
                                    ),
                                );
                            }
                        }
                        TableChange::AddCheck { check } if !not_valid => {
                            let what = match &check.name {
                                Some(n) => format!("check constraint {n:?}"),
                                None => "a check constraint".to_string(),
                            };
                            out.push(
                                Raw::new(
                                    "PG305",
                                    i,
                                    format!(
                                        "Adding {what} on table {table:?} scans the whole table under an ACCESS \
                                         EXCLUSIVE lock"
                                    ),
                                )
                                .fix(NOT_VALID_FIX),
                            );
                        }
                        TableChange::AddForeignKey { foreign_key: fk }
                        | TableChange::ModifyForeignKey { to: fk, .. }
                            if !not_valid =>
                        {
                            let what = match &fk.name {
                                Some(n) => format!("foreign-key constraint {n:?}"),
                                None => "a foreign-key constraint".to_string(),
                            };
                            out.push(
                                Raw::new(
                                    "PG306",
                                    i,
                                    format!(
                                        "Adding {what} on table {table:?} scans the whole table and blocks writes on \
                                         {table:?} and {:?} until it is validated",
                                        fk.ref_table
                                    ),
                                )
                                .fix(NOT_VALID_FIX),
                            );
                        }
                        _ => {}
                    }
                }
            }
        }
        out
    }
}

/// Why adding `column` computes a value for every existing row (a rewrite),
/// if it does. Since PostgreSQL 11 a non-volatile default (a constant,
/// `now()`, which is STABLE) is evaluated once and kept in the catalog; only
/// volatile defaults, identity and stored generated columns rewrite.
fn rewriting_default(column: &Column) -> Option<String> {
    const VOLATILE: &[&str] = &[
        "clock_timestamp(",
        "timeofday(",
        "random(",
        "gen_random_uuid(",
        "uuid_generate_v1(",
        "uuid_generate_v1mc(",
        "uuid_generate_v4(",
        "nextval(",
    ];
    if let Some(default) = &column.default {
        let compact: String = default.to_lowercase().split_whitespace().collect();
        if VOLATILE.iter().any(|f| compact.contains(f)) {
            return Some(format!("a volatile DEFAULT {default}"));
        }
    }
    if column.attrs.iter().any(|a| matches!(a, Attr::Other { name, .. } if name == "identity")) {
        return Some("an identity (a value per row)".to_string());
    }
    if column.generated.as_ref().is_some_and(|g| g.stored) {
        return Some("a stored generated expression".to_string());
    }
    None
}

/// PostgreSQL keeps the stored data for these changes (no rewrite): a longer
/// or unlimited varchar, varchar to text, a wider numeric of the same scale,
/// more fractional-second digits.
fn keeps_storage(from: &str, to: &str) -> bool {
    let (fb, fa) = split(from);
    let (tb, ta) = split(to);
    let text = |b: &str| matches!(b, "character varying" | "varchar" | "text");
    let wider = |f: &[i64], t: &[i64]| match (f.first(), t.first()) {
        (_, None) => true,
        (Some(f), Some(t)) => t >= f,
        (None, Some(_)) => false,
    };
    if text(&fb) && text(&tb) {
        return tb == "text" || wider(&fa, &ta);
    }
    if matches!(fb.as_str(), "numeric" | "decimal") && matches!(tb.as_str(), "numeric" | "decimal") {
        return match (fa.as_slice(), ta.as_slice()) {
            (_, []) => true,
            ([fp], [tp]) => tp >= fp,
            ([fp, fs], [tp, ts]) => tp >= fp && ts == fs,
            _ => false,
        };
    }
    if fb == tb && (fb.starts_with("timestamp") || fb.starts_with("time ") || fb == "time" || fb == "bit varying") {
        return wider(&fa, &ta);
    }
    false
}

/// A type's lowercase base name without modifiers, and its numeric modifiers.
fn split(ty: &str) -> (String, Vec<i64>) {
    let t = ty.trim().to_lowercase();
    match (t.find('('), t.find(')')) {
        (Some(open), Some(close)) if open < close => {
            let args = t[open + 1..close].split(',').filter_map(|a| a.trim().parse().ok()).collect();
            let base = format!("{} {}", &t[..open], &t[close + 1..]);
            (base.split_whitespace().collect::<Vec<_>>().join(" "), args)
        }
        _ => (t.split_whitespace().collect::<Vec<_>>().join(" "), Vec::new()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use strata_dialect_api::{Check, ColumnChange, ForeignKey, Generated, IndexPart, PrimaryKey, Table};

    fn col(name: &str, ty: &str, nullable: bool) -> Column {
        Column { name: name.into(), ty: ty.into(), nullable, ..Column::default() }
    }

    fn table() -> Table {
        Table {
            name: "t".into(),
            columns: vec![col("a", "integer", true), col("b", "integer", false)],
            ..Table::default()
        }
    }

    fn unit(sql: &str, change: TableChange) -> Unit {
        Unit {
            sql: sql.into(),
            changes: vec![Change::ModifyTable {
                schema: "public".into(),
                from: table(),
                to: table(),
                changes: vec![change],
            }],
            ..Unit::default()
        }
    }

    fn created() -> Unit {
        Unit { changes: vec![Change::AddTable { schema: "public".into(), table: table() }], ..Unit::default() }
    }

    fn run(dialect: &str, units: &[Unit]) -> Vec<(&'static str, usize, String)> {
        let subject = Subject { dialect: dialect.into(), ..Subject::default() };
        Blocking
            .analyze(&subject, units, &serde_json::Value::Null)
            .into_iter()
            .map(|r| (r.code, r.unit, r.message))
            .collect()
    }

    fn codes(dialect: &str, units: &[Unit]) -> Vec<&'static str> {
        run(dialect, units).into_iter().map(|f| f.0).collect()
    }

    fn modify_column(from: Column, to: Column) -> TableChange {
        TableChange::ModifyColumn { change: ColumnChange::between(&from, &to), from, to }
    }

    #[test]
    fn pg301_type_change_rewrites() {
        let u = unit("", modify_column(col("b", "integer", false), col("b", "bigint", false)));
        assert_eq!(
            run("postgres", std::slice::from_ref(&u)),
            [(
                "PG301",
                0,
                "Changing the type of column \"b\" from \"integer\" to \"bigint\" rewrites table \"t\" and its indexes \
                 under an ACCESS EXCLUSIVE lock"
                    .into()
            )]
        );
        assert!(run("postgres", &[created(), u.clone()]).is_empty());
        assert!(run("mysql", &[u]).is_empty());
        let longer = unit("", modify_column(col("s", "varchar(10)", true), col("s", "varchar(20)", true)));
        assert!(run("postgres", &[longer]).is_empty());
        // The planner knows better than the guess.
        let planned =
            Unit { rewrites_table: true, ..unit("", modify_column(col("s", "text", true), col("s", "varchar", true))) };
        assert_eq!(codes("postgres", &[planned]), ["PG301"]);
    }

    #[test]
    fn storage_kept_or_not() {
        assert!(keeps_storage("character varying(10)", "character varying(20)"));
        assert!(keeps_storage("character varying(10)", "text"));
        assert!(keeps_storage("numeric(10,2)", "numeric(12,2)"));
        assert!(keeps_storage("timestamp(3) without time zone", "timestamp(6) without time zone"));
        assert!(!keeps_storage("character varying(20)", "character varying(10)"));
        assert!(!keeps_storage("numeric(10,2)", "numeric(12,3)"));
        assert!(!keeps_storage("integer", "bigint"));
        assert!(!keeps_storage("text", "integer"));
    }

    #[test]
    fn pg302_volatile_default_rewrites() {
        let c = Column { default: Some("gen_random_uuid()".into()), ..col("id", "uuid", false) };
        assert_eq!(
            run("postgres", &[unit("", TableChange::AddColumn { column: c.clone() })]),
            [(
                "PG302",
                0,
                "Adding column \"id\" with a volatile DEFAULT gen_random_uuid() rewrites table \"t\" under an ACCESS \
                 EXCLUSIVE lock"
                    .into()
            )]
        );
        let serial = Column { default: Some("NEXTVAL('t_n_seq'::regclass)".into()), ..col("n", "integer", false) };
        assert_eq!(codes("postgres", &[unit("", TableChange::AddColumn { column: serial })]), ["PG302"]);
        let stored =
            Column { generated: Some(Generated { expr: "b * 2".into(), stored: true }), ..col("g", "integer", true) };
        assert_eq!(codes("postgres", &[unit("", TableChange::AddColumn { column: stored })]), ["PG302"]);
        // Constant and STABLE defaults are evaluated once (PostgreSQL 11+).
        for default in ["0", "now()", "CURRENT_TIMESTAMP"] {
            let c = Column { default: Some(default.into()), ..col("d", "timestamptz", false) };
            assert!(run("postgres", &[unit("", TableChange::AddColumn { column: c })]).is_empty());
        }
        assert!(run("postgres", &[created(), unit("", TableChange::AddColumn { column: c })]).is_empty());
    }

    #[test]
    fn pg303_set_not_null_scans() {
        let u = unit("", modify_column(col("a", "integer", true), col("a", "integer", false)));
        assert_eq!(
            run("postgres", std::slice::from_ref(&u)),
            [("PG303", 0, "Setting column \"a\" NOT NULL scans table \"t\" under an ACCESS EXCLUSIVE lock".into())]
        );
        assert!(run("postgres", &[created(), u]).is_empty());
    }

    #[test]
    fn pg304_primary_key_on_nullable_columns() {
        let key = |c: &str| PrimaryKey { parts: vec![IndexPart::column(c)], ..PrimaryKey::default() };
        assert_eq!(
            run("postgres", &[unit("", TableChange::AddPrimaryKey { key: key("a") })]),
            [(
                "PG304",
                0,
                "Adding a PRIMARY KEY on nullable column(s) \"a\" of table \"t\" sets them NOT NULL, which scans the \
                 table under an ACCESS EXCLUSIVE lock"
                    .into()
            )]
        );
        assert!(run("postgres", &[unit("", TableChange::AddPrimaryKey { key: key("b") })]).is_empty());
    }

    #[test]
    fn pg305_check_without_not_valid() {
        let check = Check { name: Some("positive".into()), expr: "a > 0".into(), attrs: Vec::new() };
        let sql = "ALTER TABLE t ADD CONSTRAINT positive CHECK (a > 0)";
        assert_eq!(
            run("postgres", &[unit(sql, TableChange::AddCheck { check: check.clone() })]),
            [("PG305", 0, "Adding check constraint \"positive\" on table \"t\" scans the whole table under an ACCESS EXCLUSIVE lock".into())]
        );
        let sql = "ALTER TABLE t ADD CONSTRAINT positive CHECK (a > 0) NOT   VALID";
        assert!(run("postgres", &[unit(sql, TableChange::AddCheck { check })]).is_empty());
    }

    #[test]
    fn pg306_foreign_key_without_not_valid() {
        let fk = ForeignKey {
            name: Some("t_a_fk".into()),
            columns: vec!["a".into()],
            ref_table: "u".into(),
            ref_columns: vec!["id".into()],
            ..ForeignKey::default()
        };
        let sql = "ALTER TABLE t ADD CONSTRAINT t_a_fk FOREIGN KEY (a) REFERENCES u (id)";
        assert_eq!(
            run("postgres", &[unit(sql, TableChange::AddForeignKey { foreign_key: fk.clone() })]),
            [(
                "PG306",
                0,
                "Adding foreign-key constraint \"t_a_fk\" on table \"t\" scans the whole table and blocks writes on \
                 \"t\" and \"u\" until it is validated"
                    .into()
            )]
        );
        let sql = "ALTER TABLE t ADD CONSTRAINT t_a_fk FOREIGN KEY (a) REFERENCES u (id) not valid";
        assert!(run("postgres", &[unit(sql, TableChange::AddForeignKey { foreign_key: fk })]).is_empty());
    }
}
