//! Strata's own tables keyed by `version`, written one of two ways:
//!
//! - in place (every dialect with UPDATE and DELETE): update the row, insert
//!   it when absent, delete it;
//! - append-only (a plugin declaring `append_only_bookkeeping`, ClickHouse):
//!   every write inserts a whole row with a larger `seq`, a removal inserts a
//!   row with `deleted = 1`, and a read keeps the newest row of each version.
//!   The database may compact old rows (ReplacingMergeTree) but need not.

use std::sync::atomic::{AtomicI64, Ordering};

use crate::plugin::Conn;
use strata_dialect_api::{ErrorKind, Placeholder, PluginError, RenderReply, RenderRequest, Rows, SqlValue};

/// A column of a row to write, and its value.
pub(super) type Column<'a> = (&'a str, SqlValue);

/// One of our tables, by its quoted, qualified name.
pub(super) struct Keyed {
    /// The quoted, qualified name.
    pub table: String,
    placeholder: Placeholder,
    append: bool,
}

/// Which rows a [`Keyed::select`] reads.
#[derive(Clone, Copy)]
pub enum Which<'a> {
    /// Every row.
    All,
    /// The row of this version.
    Version(&'a str),
    /// The rows of these versions (none: no row). Equality, not an order:
    /// a server compares text by its collation, which need not be byte-wise.
    Versions(&'a [&'a str]),
}

/// The last `seq` handed out in this process: sequence numbers are the
/// wall clock in nanoseconds, made strictly increasing.
static LAST_SEQ: AtomicI64 = AtomicI64::new(0);

fn next_seq() -> i64 {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_nanos()).unwrap_or(i64::MAX));
    let mut last = LAST_SEQ.load(Ordering::SeqCst);
    loop {
        let next = now.max(last.saturating_add(1));
        match LAST_SEQ.compare_exchange(last, next, Ordering::SeqCst, Ordering::SeqCst) {
            Ok(_) => return next,
            Err(seen) => last = seen,
        }
    }
}

/// Makes later sequence numbers larger than `seen` (read from the table), so
/// a clock behind the one that wrote it cannot order a new row before it.
fn observe_seq(seen: i64) {
    LAST_SEQ.fetch_max(seen, Ordering::SeqCst);
}

impl Keyed {
    pub fn new(conn: &Conn, table: String) -> Keyed {
        let caps = &conn.driver().manifest.capabilities;
        Keyed { table, placeholder: caps.placeholder, append: caps.append_only_bookkeeping }
    }

    /// `columns` (the first must be `version`) of the live rows `which` names.
    pub fn select(&self, conn: &mut Conn, columns: &str, which: Which<'_>) -> Result<Rows, PluginError> {
        let (filter, args) = match which {
            Which::All => (String::new(), Vec::new()),
            Which::Version(v) => (format!(" WHERE version = {}", self.placeholder.nth(1)), vec![SqlValue::from(v)]),
            Which::Versions([]) => (" WHERE 1 = 0".to_string(), Vec::new()),
            Which::Versions(vs) => {
                let marks: Vec<String> = (1..=vs.len()).map(|i| self.placeholder.nth(i)).collect();
                (format!(" WHERE version IN ({})", marks.join(", ")), vs.iter().map(|v| SqlValue::from(*v)).collect())
            }
        };
        if !self.append {
            return conn.query(&format!("SELECT {columns} FROM {}{filter}", self.table), args);
        }
        let mut rows = conn.query(&format!("SELECT {columns}, seq, deleted FROM {}{filter}", self.table), args)?;
        let width = rows.columns.len().saturating_sub(2);
        let number = |row: &[Option<String>], i: usize| -> i64 {
            row.get(i).cloned().flatten().and_then(|s| s.parse().ok()).unwrap_or_default()
        };
        // The newest row of each version wins; a deleted one hides it.
        let mut newest: std::collections::BTreeMap<String, (i64, Vec<Option<String>>)> = Default::default();
        for row in rows.rows.drain(..) {
            let seq = number(&row, width);
            observe_seq(seq);
            let version = row.first().cloned().flatten().unwrap_or_default();
            if newest.get(&version).is_none_or(|(s, _)| seq > *s) {
                newest.insert(version, (seq, row));
            }
        }
        rows.columns.truncate(width);
        rows.rows = newest
            .into_values()
            .filter(|(_, row)| number(row, width + 1) == 0)
            .map(|(_, mut row)| {
                row.truncate(width);
                row
            })
            .collect();
        Ok(rows)
    }

    /// A digest of `columns` of every row, computed by the database
    /// ([`RenderRequest::RowsDigest`]), `absent` for a table not made yet, or
    /// `None` when the dialect computes none (or the query failed). An
    /// append-only table has none: the rows a newer one replaced would count.
    pub fn digest(&self, conn: &mut Conn, columns: &[&str]) -> Option<String> {
        if self.append {
            return None;
        }
        let request = RenderRequest::RowsDigest {
            table: self.table.clone(),
            columns: columns.iter().map(|c| (*c).into()).collect(),
        };
        let Ok(RenderReply::Text { text }) = conn.driver().render(&request) else { return None };
        match conn.query(&text, Vec::new()) {
            Ok(rows) => rows.rows.into_iter().next()?.into_iter().next().flatten(),
            Err(e) if e.kind == ErrorKind::ObjectMissing => Some("absent".into()),
            Err(_) => None,
        }
    }

    /// Updates the row of `version` with `values`; inserts it (with
    /// `insert_only` too) when there is none, or right away when the caller
    /// knows there is none (`absent`). Every dialect understands this pair,
    /// unlike `ON CONFLICT` / `ON DUPLICATE KEY`. Append-only: one insert of
    /// the whole row.
    pub fn upsert(
        &self,
        conn: &mut Conn,
        (version, absent): (&str, bool),
        values: &[Column<'_>],
        insert_only: &[Column<'_>],
    ) -> Result<(), PluginError> {
        if !absent && !self.append {
            let p = self.placeholder;
            let sets: Vec<String> =
                values.iter().enumerate().map(|(i, (c, _))| format!("{c} = {}", p.nth(i + 1))).collect();
            let update =
                format!("UPDATE {} SET {} WHERE version = {}", self.table, sets.join(", "), p.nth(values.len() + 1));
            let mut args: Vec<SqlValue> = values.iter().map(|(_, v)| v.clone()).collect();
            args.push(SqlValue::from(version));
            if conn.exec(&update, args)? > 0 {
                return Ok(());
            }
        }
        let row: Vec<Column<'_>> = std::iter::once(("version", SqlValue::from(version)))
            .chain(values.iter().chain(insert_only).cloned())
            .collect();
        self.insert_rows(conn, &[row])
    }

    /// Inserts `rows` (each the same columns, in the same order) with as few
    /// statements as the dialects' limits on bound arguments allow.
    pub fn insert_rows(&self, conn: &mut Conn, rows: &[Vec<Column<'_>>]) -> Result<(), PluginError> {
        self.insert(conn, rows, false)
    }

    /// Inserts `rows`; `deleted`: as tombstones (append-only tables).
    fn insert(&self, conn: &mut Conn, rows: &[Vec<Column<'_>>], deleted: bool) -> Result<(), PluginError> {
        let Some(first) = rows.first() else { return Ok(()) };
        let mut columns: Vec<&str> = first.iter().map(|(c, _)| *c).collect();
        if self.append {
            columns.extend(["seq", "deleted"]);
        }
        // SQLite allows 32,766 arguments a statement, PostgreSQL and MySQL 65,535.
        let per = (30_000 / columns.len().max(1)).max(1);
        for chunk in rows.chunks(per) {
            let mut n = 0;
            let mut args = Vec::new();
            let tuples: Vec<String> = chunk
                .iter()
                .map(|row| {
                    let mut values: Vec<SqlValue> = row.iter().map(|(_, v)| v.clone()).collect();
                    if self.append {
                        values.extend([SqlValue::Int(next_seq()), SqlValue::Int(i64::from(deleted))]);
                    }
                    let marks: Vec<String> = values
                        .iter()
                        .map(|_| {
                            n += 1;
                            self.placeholder.nth(n)
                        })
                        .collect();
                    args.extend(values);
                    format!("({})", marks.join(", "))
                })
                .collect();
            let sql = format!("INSERT INTO {} ({}) VALUES {}", self.table, columns.join(", "), tuples.join(", "));
            conn.exec(&sql, args)?;
        }
        Ok(())
    }

    /// Removes the rows of `versions`, with one statement.
    pub fn delete(&self, conn: &mut Conn, versions: &[&str]) -> Result<(), PluginError> {
        if versions.is_empty() {
            return Ok(());
        }
        if self.append {
            let rows: Vec<Vec<Column<'_>>> = versions.iter().map(|v| vec![("version", SqlValue::from(*v))]).collect();
            return self.insert(conn, &rows, true);
        }
        let p = self.placeholder;
        let marks: Vec<String> = (1..=versions.len()).map(|i| p.nth(i)).collect();
        let sql = format!("DELETE FROM {} WHERE version IN ({})", self.table, marks.join(", "));
        conn.exec(&sql, versions.iter().map(|v| SqlValue::from(*v)).collect())?;
        Ok(())
    }
}
