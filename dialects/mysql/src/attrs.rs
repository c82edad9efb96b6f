//! MySQL-only facts ride in the shared model as `Attr::Other { dialect: "mysql", .. }`.
//! Names used (value types in brackets):
//!
//! - schema: `charset`, `collation` [string]; `sequence`, `routine`, `event`
//!   [objects, see `objects.rs`];
//! - table: `engine`, `collation` [string] (the charset follows from the collation),
//!   `options` [array of `KEY=value` create options, e.g. `ROW_FORMAT=COMPRESSED`],
//!   `auto_increment` [number: the next counter value when above 1; written
//!   when the table is created, a change only when the desired one is higher],
//!   `system_versioning` [true, MariaDB],
//!   `partition` [string: the `PARTITION BY …` clause, canonical as `inspect` writes it];
//! - column: `auto_increment` [true], `invisible` [true], `on_update` [string, e.g. `CURRENT_TIMESTAMP(6)`],
//!   `unversioned` [true, MariaDB: `WITHOUT SYSTEM VERSIONING` in a system-versioned table],
//!   `check` [string: a column-level check clause, as MariaDB keeps them];
//! - index and primary key: `type` [`FULLTEXT`, `SPATIAL`, `HASH`; `BTREE` on a MEMORY
//!   table, whose default is `HASH`], `sub_parts`
//!   [array of prefix lengths or null, one per part], `comment` [string],
//!   `ignored` [true, MariaDB] or `invisible` [true, MySQL 8];
//! - check: `not_enforced` [true, MySQL 8];
//! - view: `check_option` [`CASCADED`, `LOCAL`], `security` [`INVOKER`], `algorithm`
//!   [`MERGE`, `TEMPTABLE`; MariaDB].

use serde_json::Value;
use strata_dialect_api::Attr;
use strata_dialect_kit::attrs::Attrs;

/// The dialect name attributes carry.
pub(crate) const DIALECT: &str = "mysql";

/// MySQL's attributes; the functions below spell them short at call sites.
const ATTRS: Attrs = Attrs::new(DIALECT);

/// A MySQL attribute.
pub(crate) fn attr(name: &str, value: impl Into<Value>) -> Attr {
    ATTRS.attr(name, value)
}

/// The value of the MySQL attribute `name`.
pub(crate) fn get<'a>(attrs: &'a [Attr], name: &str) -> Option<&'a Value> {
    ATTRS.get(attrs, name)
}

/// The string value of the MySQL attribute `name`.
pub(crate) fn get_str<'a>(attrs: &'a [Attr], name: &str) -> Option<&'a str> {
    ATTRS.get_str(attrs, name)
}

/// `attrs` without the MySQL attribute `name`.
pub(crate) fn remove(attrs: &mut Vec<Attr>, name: &str) {
    attrs.retain(|a| ATTRS.own(a).is_none_or(|(n, _)| n != name));
}

/// True when the MySQL attribute `name` is set to true.
pub(crate) fn flag(attrs: &[Attr], name: &str) -> bool {
    ATTRS.flag(attrs, name)
}
