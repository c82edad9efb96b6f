//! ClickHouse-only facts ride in the shared model as
//! `Attr::Other { dialect: "clickhouse", .. }`, every value a string unless
//! said otherwise. Names used:
//!
//! - table, and a materialized view with an inner table: `engine` (the
//!   engine's name, e.g. `MergeTree`), `engine_args` (what its parentheses
//!   hold, when anything: `ReplacingMergeTree(seq)` gives `seq`), and its
//!   clauses as the server formats them in `system.tables.engine_full`:
//!   `partition_by`, `order_by`, `primary_key` (only when written apart from
//!   `ORDER BY`), `sample_by`, `ttl`, `settings` (e.g. `index_granularity = 8192`);
//! - view: `materialized` [true] for a materialized view, and `to` (the table
//!   it writes to, unqualified when in the view's own database).
//!
//! The primary key is not modelled as a [`strata_dialect_api::PrimaryKey`]:
//! in ClickHouse it is a prefix of the sorting key, set when the table is
//! created, not a constraint.
//!
//! Columns carry no attributes: `DEFAULT` is [`strata_dialect_api::Column::default`],
//! `MATERIALIZED` and `ALIAS` are [`strata_dialect_api::Generated`] (stored and
//! not stored), `Nullable(…)` sets `nullable`.

use strata_dialect_kit::attrs::Attrs;

/// The dialect name attributes carry.
pub(crate) const DIALECT: &str = "clickhouse";

/// ClickHouse's attributes: `ATTRS.attr(name, value)`, `ATTRS.get_str(attrs, name)`, …
pub(crate) const ATTRS: Attrs = Attrs::new(DIALECT);

/// Table attributes describing the engine, in the order they are written.
pub(crate) const ENGINE_ATTRS: [&str; 8] =
    ["engine", "engine_args", "partition_by", "order_by", "primary_key", "sample_by", "ttl", "settings"];
