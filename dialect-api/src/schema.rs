//! The schema model: a tree of plain data, elements referring to each other by name.
//!
//! A plugin's inspection produces it and its diff compares it; the host only
//! compares it through the plugin's diff (and reads a few fields, named
//! below). The normal forms stated here are what make two inspections of the
//! same schema equal: inspection must not depend on how a schema was created,
//! so that the same DDL run on two databases inspects to realms the plugin's
//! diff finds equal. Names are exact, as the catalog keeps them (no case
//! folding of quoted names, no quotes).

use serde::{Deserialize, Serialize};

/// Everything a connection can see, or the part of it inspected: its schemas.
///
/// A dialect without schemas reports exactly one (SQLite: `main`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Realm {
    /// Schemas in name order.
    #[serde(default)]
    pub schemas: Vec<Schema>,
}

impl Realm {
    /// The schema named `name`.
    pub fn schema(&self, name: &str) -> Option<&Schema> {
        self.schemas.iter().find(|s| s.name == name)
    }

    /// True when no schema holds any object.
    pub fn is_empty(&self) -> bool {
        self.schemas.iter().all(Schema::is_empty)
    }
}

/// A named namespace of tables, views and the objects around them.
///
/// Objects a dialect keeps per schema that the model has no place for
/// (sequences, types, functions) go in `attrs`; the host sends a schema's
/// tables whole to diff when any schema's `attrs` differ.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Schema {
    /// The schema's name (`main` on SQLite). The host treats schemas named
    /// `public` and `main` as default ones: kept, even empty, when it empties
    /// a database or removes its own tables from an inspection.
    pub name: String,
    /// Tables in name order.
    #[serde(default)]
    pub tables: Vec<Table>,
    /// Views in name order.
    #[serde(default)]
    pub views: Vec<View>,
    /// Triggers in name order.
    #[serde(default)]
    pub triggers: Vec<Trigger>,
    /// Dialect-only attributes and objects.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attrs: Vec<Attr>,
}

impl Schema {
    /// The table named `name`.
    pub fn table(&self, name: &str) -> Option<&Table> {
        self.tables.iter().find(|t| t.name == name)
    }

    /// The view named `name`.
    pub fn view(&self, name: &str) -> Option<&View> {
        self.views.iter().find(|v| v.name == name)
    }

    /// True when the schema holds no object.
    pub fn is_empty(&self) -> bool {
        self.tables.is_empty() && self.views.is_empty() && self.triggers.is_empty() && self.objects().next().is_none()
    }

    /// The objects a dialect keeps in `attrs` (sequences, functions, types),
    /// as `(kind, name)`: the attributes whose value is a JSON object. A
    /// scalar attribute is the schema's own (its charset, its comment).
    pub fn objects(&self) -> impl Iterator<Item = (&str, &str)> {
        self.attrs.iter().filter_map(|a| match a {
            Attr::Other { name, value: serde_json::Value::Object(o), .. } => {
                Some((name.as_str(), o.get("name").and_then(serde_json::Value::as_str).unwrap_or_default()))
            }
            _ => None,
        })
    }
}

/// A table and everything attached to it.
///
/// The host removes its own tables (`atlas_schema_revisions`,
/// `strata_schema_history`) from inspections by `name`, and triggers on them
/// by [`Trigger::table`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Table {
    /// The table's name.
    pub name: String,
    /// Columns in declaration order.
    #[serde(default)]
    pub columns: Vec<Column>,
    /// The primary key, if any. Its index is not repeated in `indexes`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub primary_key: Option<PrimaryKey>,
    /// Indexes (unique constraints included) in name order. See [`Index`] for
    /// how a unique constraint is told from a unique index.
    #[serde(default)]
    pub indexes: Vec<Index>,
    /// Foreign keys in declaration order. The host follows them (by
    /// `ref_schema` and `ref_table`) to decide which tables a diff needs.
    #[serde(default)]
    pub foreign_keys: Vec<ForeignKey>,
    /// Check constraints in declaration order.
    #[serde(default)]
    pub checks: Vec<Check>,
    /// The table comment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    /// Dialect-only attributes (`WITHOUT ROWID`, `STRICT`, engine, ...).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attrs: Vec<Attr>,
}

impl Table {
    /// The column named `name`.
    pub fn column(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.name == name)
    }

    /// The index named `name`.
    pub fn index(&self, name: &str) -> Option<&Index> {
        self.indexes.iter().find(|i| i.name == name)
    }
}

/// A table column.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Column {
    /// The column's name.
    pub name: String,
    /// The type as the dialect normalizes it (`integer`, `varchar(255)`): one
    /// spelling per type, whatever alias created it, so that equal types
    /// compare equal as text. The lint compares old and new types of a
    /// changed column as text.
    #[serde(rename = "type")]
    pub ty: String,
    /// Whether NULL is allowed.
    pub nullable: bool,
    /// The default expression, as the database prints it (`None`: no
    /// default). The lint reads whether there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<String>,
    /// The collation, when set explicitly.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub collation: Option<String>,
    /// The generation expression of a generated column.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub generated: Option<Generated>,
    /// The column comment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    /// Dialect-only attributes (identity, auto-increment, ...). The lint takes
    /// a column with [`Attr::AutoIncrement`], or an [`Attr::Other`] named
    /// `identity` or `auto_increment` (any dialect), as filling itself.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attrs: Vec<Attr>,
}

/// How a generated column is computed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Generated {
    /// The expression.
    pub expr: String,
    /// `STORED` (true) or `VIRTUAL` (false).
    pub stored: bool,
}

/// A primary key.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrimaryKey {
    /// The constraint name, where the dialect keeps one (`None` where it
    /// does not, so that it never differs).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The key's parts, in key order.
    pub parts: Vec<IndexPart>,
    /// Dialect-only attributes (`AUTOINCREMENT`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attrs: Vec<Attr>,
}

/// An index or a unique constraint.
///
/// Both are an `Index` with `unique` set; one that backs a `UNIQUE`
/// constraint carries `Attr::Other { dialect: <the dialect's name>, name:
/// "constraint", value: "unique" }`, so that the planner recreates it as a
/// constraint rather than as `CREATE UNIQUE INDEX` (Strata's PostgreSQL and
/// SQLite dialects). A dialect that makes no difference (MySQL) leaves the
/// attribute out.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Index {
    /// The index name.
    pub name: String,
    /// Whether the index enforces uniqueness (a unique constraint too). The
    /// lint reads it.
    pub unique: bool,
    /// The indexed parts, in order.
    pub parts: Vec<IndexPart>,
    /// The predicate of a partial index, as the database prints it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub predicate: Option<String>,
    /// Dialect-only attributes (method, INCLUDE, constraint-backed, ...).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attrs: Vec<Attr>,
}

/// One part of an index: a column or an expression, exactly one of the two.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct IndexPart {
    /// The column, for a column part.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub column: Option<String>,
    /// The expression, for an expression part.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expr: Option<String>,
    /// Descending order.
    #[serde(default)]
    pub desc: bool,
    /// The collation of the part, when explicit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub collation: Option<String>,
}

impl IndexPart {
    /// A plain ascending column part.
    pub fn column(name: impl Into<String>) -> Self {
        IndexPart { column: Some(name.into()), ..IndexPart::default() }
    }
}

/// A foreign key.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ForeignKey {
    /// The constraint name (`symbol`), where the dialect keeps one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The referencing columns.
    pub columns: Vec<String>,
    /// The referenced table's schema, when not the table's own: `None` for a
    /// table of the same schema (the host reads `None` that way).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ref_schema: Option<String>,
    /// The referenced table.
    pub ref_table: String,
    /// The referenced columns.
    pub ref_columns: Vec<String>,
    /// `ON UPDATE` action (`NO ACTION` when absent: report `NO ACTION` as
    /// `None`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub on_update: Option<String>,
    /// `ON DELETE` action (`NO ACTION` when absent: report `NO ACTION` as
    /// `None`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub on_delete: Option<String>,
    /// Deferrability, e.g. `DEFERRABLE INITIALLY DEFERRED`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deferrable: Option<String>,
    /// Dialect-only attributes (PostgreSQL's `MATCH FULL`, ...).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attrs: Vec<Attr>,
}

/// A check constraint.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Check {
    /// The constraint name, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The boolean expression, as the database prints it.
    pub expr: String,
    /// Dialect-only attributes (PostgreSQL's `NOT VALID`, `NO INHERIT`, ...).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attrs: Vec<Attr>,
}

/// A view.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct View {
    /// The view's name.
    pub name: String,
    /// The full definition as the database keeps it (`CREATE VIEW …`, or only
    /// the query: one or the other, consistently).
    pub def: String,
    /// Dialect-only attributes (materialized, ...).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attrs: Vec<Attr>,
}

/// A trigger on a table or view.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Trigger {
    /// The trigger's name.
    pub name: String,
    /// The table or view it fires on (in the same schema).
    pub table: String,
    /// The full definition as the database keeps it.
    pub def: String,
}

/// A dialect-only attribute: typed for the dialects Strata ships, open for others.
///
/// A vendor's plugin uses [`Attr::Other`] with its manifest name as
/// `dialect`. The order of a list of attributes means nothing: a diff
/// compares them as sets. Inspecting them in a canonical order (e.g. sorted
/// by their JSON) saves work: the host leaves out of a diff only tables equal
/// field by field. A new typed variant is a new major version of the API.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "attr", rename_all = "snake_case")]
pub enum Attr {
    /// SQLite `AUTOINCREMENT` on an integer primary key.
    AutoIncrement,
    /// SQLite `WITHOUT ROWID` table.
    WithoutRowid,
    /// SQLite `STRICT` table.
    Strict,
    /// An attribute of a dialect Strata does not ship, carried as data, or
    /// one of a shipped dialect that has no typed variant.
    Other {
        /// The dialect that understands it (its manifest's `name`).
        dialect: String,
        /// The attribute's name.
        name: String,
        /// Its value.
        value: serde_json::Value,
    },
}
