//! The change model: what differs between two schemas, before any SQL is written.
//!
//! A plugin's [`crate::Dialect::diff`] produces changes and its
//! [`crate::Dialect::plan`] receives them back (after a JSON round trip); the
//! host never builds them. It reads them to describe plans
//! ([`Change::describe`]), to count the rows a drop destroys, and to show the
//! lint policies what each statement does (drops are destructive, renames
//! break readers, index changes may lock): so a change must say what it does,
//! the element as it was on `from`/drop sides and as it must become on
//! `to`/add sides, whole.

use crate::schema::{Check, Column, ForeignKey, Index, PrimaryKey, Schema, Table, Trigger, View};
use serde::{Deserialize, Serialize};

/// One schema change. Matched exhaustively inside the workspace, so a new variant
/// breaks every dialect at compile time; at the ABI an unknown variant fails to decode.
///
/// `schema` fields name the schema the change applies to: with
/// [`crate::DiffOptions::ignore_schema_names`] and one schema on each side,
/// `from`'s.
// Changes are built once and moved, never stored in bulk; boxing the large
// variants would only burden every dialect's pattern matches.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Change {
    /// Creates a schema (empty; its objects come as their own changes).
    AddSchema {
        /// The schema to create.
        schema: Schema,
    },
    /// Drops a schema and everything in it.
    DropSchema {
        /// The schema as it was, with its objects (the lint counts its tables).
        schema: Schema,
    },
    /// Changes a schema's own attributes and dialect objects (sequences, types,
    /// functions a dialect keeps in `Schema::attrs`); its tables, views and
    /// triggers change through their own variants.
    ModifySchema {
        /// The schema as it is (only `name` and `attrs` matter).
        from: Schema,
        /// The schema as it must become.
        to: Schema,
    },
    /// Creates a table.
    AddTable {
        /// The schema it goes into.
        schema: String,
        /// The table to create.
        table: Table,
    },
    /// Drops a table (destructive: the host counts its rows before `schema
    /// apply` asks; the lint reports it).
    DropTable {
        /// The schema it is in.
        schema: String,
        /// The table as it was.
        table: Table,
    },
    /// Renames a table (the lint reports renames: readers of the old name
    /// break).
    RenameTable {
        /// The schema it is in.
        schema: String,
        /// The old name.
        from: String,
        /// The new name.
        to: String,
    },
    /// Changes a table in place (or by a rebuild, where the dialect needs one).
    ModifyTable {
        /// The schema it is in.
        schema: String,
        /// The table as it is, whole.
        from: Table,
        /// The table as it must become, whole (a rebuild creates it from this).
        to: Table,
        /// What changed: never empty (a table that did not change has no
        /// `ModifyTable`).
        changes: Vec<TableChange>,
    },
    /// Creates a view.
    AddView {
        /// The schema it goes into.
        schema: String,
        /// The view to create.
        view: View,
    },
    /// Drops a view.
    DropView {
        /// The schema it is in.
        schema: String,
        /// The view as it was.
        view: View,
    },
    /// Replaces a view's definition.
    ModifyView {
        /// The schema it is in.
        schema: String,
        /// The view as it is.
        from: View,
        /// The view as it must become.
        to: View,
    },
    /// Creates a trigger.
    AddTrigger {
        /// The schema it goes into.
        schema: String,
        /// The trigger to create.
        trigger: Trigger,
    },
    /// Drops a trigger.
    DropTrigger {
        /// The schema it is in.
        schema: String,
        /// The trigger as it was.
        trigger: Trigger,
    },
    /// Replaces a trigger's definition.
    ModifyTrigger {
        /// The schema it is in.
        schema: String,
        /// The trigger as it is.
        from: Trigger,
        /// The trigger as it must become.
        to: Trigger,
    },
}

impl Change {
    /// A short human description, e.g. `drop table "users"`.
    pub fn describe(&self) -> String {
        match self {
            Change::AddSchema { schema } => format!("add schema {:?}", schema.name),
            Change::DropSchema { schema } => format!("drop schema {:?}", schema.name),
            Change::ModifySchema { to, .. } => format!("modify schema {:?}", to.name),
            Change::AddTable { table, .. } => format!("create table {:?}", table.name),
            Change::DropTable { table, .. } => format!("drop table {:?}", table.name),
            Change::RenameTable { from, to, .. } => format!("rename table {from:?} to {to:?}"),
            Change::ModifyTable { to, .. } => format!("modify table {:?}", to.name),
            Change::AddView { view, .. } => format!("create view {:?}", view.name),
            Change::DropView { view, .. } => format!("drop view {:?}", view.name),
            Change::ModifyView { to, .. } => format!("modify view {:?}", to.name),
            Change::AddTrigger { trigger, .. } => format!("create trigger {:?}", trigger.name),
            Change::DropTrigger { trigger, .. } => format!("drop trigger {:?}", trigger.name),
            Change::ModifyTrigger { to, .. } => format!("modify trigger {:?}", to.name),
        }
    }
}

/// A change inside one table, part of [`Change::ModifyTable`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum TableChange {
    /// Adds a column.
    AddColumn {
        /// The new column.
        column: Column,
    },
    /// Drops a column (destructive unless generated and not stored: the host
    /// counts the rows holding a value; the lint reports it).
    DropColumn {
        /// The column as it was.
        column: Column,
    },
    /// Changes a column.
    ModifyColumn {
        /// The column as it is.
        from: Column,
        /// The column as it must become.
        to: Column,
        /// Which of its properties changed: exactly those that differ between
        /// `from` and `to` in the dialect's comparison (at least one).
        change: ColumnChange,
    },
    /// Adds an index.
    AddIndex {
        /// The new index.
        index: Index,
    },
    /// Drops an index.
    DropIndex {
        /// The index as it was.
        index: Index,
    },
    /// Changes an index (dropped and recreated by most dialects). An index
    /// that becomes unique is read by the lint (existing rows may clash).
    ModifyIndex {
        /// The index as it is.
        from: Index,
        /// The index as it must become.
        to: Index,
    },
    /// Adds a primary key.
    AddPrimaryKey {
        /// The new key.
        key: PrimaryKey,
    },
    /// Drops the primary key.
    DropPrimaryKey {
        /// The key as it was.
        key: PrimaryKey,
    },
    /// Changes the primary key.
    ModifyPrimaryKey {
        /// The key as it is.
        from: PrimaryKey,
        /// The key as it must become.
        to: PrimaryKey,
    },
    /// Adds a foreign key.
    AddForeignKey {
        /// The new foreign key.
        foreign_key: ForeignKey,
    },
    /// Drops a foreign key.
    DropForeignKey {
        /// The foreign key as it was.
        foreign_key: ForeignKey,
    },
    /// Changes a foreign key.
    ModifyForeignKey {
        /// The foreign key as it is.
        from: ForeignKey,
        /// The foreign key as it must become.
        to: ForeignKey,
    },
    /// Adds a check constraint.
    AddCheck {
        /// The new check.
        check: Check,
    },
    /// Drops a check constraint.
    DropCheck {
        /// The check as it was.
        check: Check,
    },
    /// Changes the table's comment or dialect attributes (the new ones are in
    /// [`Change::ModifyTable`]'s `to`).
    ModifyAttrs,
}

/// Which properties of a column changed (Atlas's `ChangeKind` flags). The lint
/// reads `ty` (a type that narrows) and `null` (a column becoming NOT NULL).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ColumnChange {
    /// The type changed.
    pub ty: bool,
    /// Nullability changed.
    pub null: bool,
    /// The default changed.
    pub default: bool,
    /// The collation changed.
    pub collation: bool,
    /// The generation expression changed.
    pub generated: bool,
    /// The comment changed.
    pub comment: bool,
    /// A dialect attribute changed.
    pub attrs: bool,
}

impl ColumnChange {
    /// Compares two versions of a column property by property.
    pub fn between(from: &Column, to: &Column) -> Self {
        ColumnChange {
            ty: from.ty != to.ty,
            null: from.nullable != to.nullable,
            default: from.default != to.default,
            collation: from.collation != to.collation,
            generated: from.generated != to.generated,
            comment: from.comment != to.comment,
            attrs: from.attrs != to.attrs,
        }
    }

    /// True when nothing changed.
    pub fn is_empty(&self) -> bool {
        *self == ColumnChange::default()
    }
}
