//! Schema-level objects the model has no field for (sequences, enum types,
//! domains, extensions, functions and procedures). They ride in `Schema.attrs` as
//! `Attr::Other { dialect: "postgres", name: <kind>, value: <definition> }`.
//!
//! Changes to them travel as `Change::ModifySchema` (from and to attributes);
//! the planner derives the [`Alter`] (objects added, dropped, modified).

use serde::{Deserialize, Serialize};
use strata_dialect_api::{Attr, Schema};

/// The dialect name in `Attr::Other`.
pub(crate) const DIALECT: &str = "postgres";

/// A schema-level object.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub(crate) enum Object {
    Sequence(Sequence),
    Enum(EnumType),
    Domain(Domain),
    Extension(Extension),
    Function(Function),
}

/// A sequence not owned by a column (serial and identity sequences belong to their column).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Sequence {
    pub name: String,
    #[serde(rename = "type")]
    pub ty: String,
    pub start: i64,
    pub increment: i64,
    pub min: i64,
    pub max: i64,
    pub cache: i64,
    pub cycle: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

/// An enum type with its labels in sort order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct EnumType {
    pub name: String,
    pub values: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

/// A domain over a base type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Domain {
    pub name: String,
    #[serde(rename = "type")]
    pub ty: String,
    pub not_null: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<String>,
    /// `(name, CHECK (…))` pairs in name order.
    #[serde(default)]
    pub checks: Vec<(String, String)>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

/// An extension installed into the schema.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Extension {
    pub name: String,
    /// Informational: versions are not compared (the server picks the default version).
    pub version: String,
}

/// A function or procedure, by its full definition.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Function {
    pub name: String,
    /// The identity arguments (`a integer, b text`), which tell overloads apart.
    pub args: String,
    /// `function` or `procedure`.
    pub kind: String,
    /// `CREATE OR REPLACE FUNCTION …` as `pg_get_functiondef` prints it.
    pub def: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

impl Function {
    /// What `RETURNS` says (`integer`, `SETOF t`, `TABLE(…)`), from the definition.
    pub fn returns(&self) -> Option<String> {
        let upper = self.def.to_uppercase();
        let at = upper.find(" RETURNS ")?;
        let rest = self.def.get(at + " RETURNS ".len()..)?;
        Some(rest.lines().next().unwrap_or_default().trim().to_string())
    }
}

impl Object {
    /// The attribute name for the object's kind.
    pub fn kind(&self) -> &'static str {
        match self {
            Object::Sequence(_) => "sequence",
            Object::Enum(_) => "enum",
            Object::Domain(_) => "domain",
            Object::Extension(_) => "extension",
            Object::Function(_) => "function",
        }
    }

    /// The object's name, with the arguments for functions.
    pub fn key(&self) -> String {
        match self {
            Object::Sequence(s) => s.name.clone(),
            Object::Enum(e) => e.name.clone(),
            Object::Domain(d) => d.name.clone(),
            Object::Extension(e) => e.name.clone(),
            Object::Function(f) => format!("{}({})", f.name, f.args),
        }
    }

    /// The object's comment.
    pub fn comment(&self) -> Option<&str> {
        match self {
            Object::Sequence(s) => s.comment.as_deref(),
            Object::Enum(e) => e.comment.as_deref(),
            Object::Domain(d) => d.comment.as_deref(),
            Object::Function(f) => f.comment.as_deref(),
            Object::Extension(_) => None,
        }
    }

    /// The object without its comment (to tell a comment-only change).
    pub fn uncommented(&self) -> Object {
        let mut o = self.clone();
        match &mut o {
            Object::Sequence(s) => s.comment = None,
            Object::Enum(e) => e.comment = None,
            Object::Domain(d) => d.comment = None,
            Object::Function(f) => f.comment = None,
            Object::Extension(_) => {}
        }
        o
    }

    /// The object as a schema attribute.
    pub fn to_attr(&self) -> Attr {
        Attr::Other {
            dialect: DIALECT.into(),
            name: self.kind().into(),
            value: serde_json::to_value(self).unwrap_or_default(),
        }
    }

    /// Reads an object back from a schema attribute of kind `name`.
    pub fn from_attr(attr: &Attr) -> Option<Object> {
        let (name, value) = strata_dialect_kit::attrs::Attrs::new(DIALECT).own(attr)?;
        let value = value.clone();
        match name {
            "sequence" => serde_json::from_value(value).ok().map(Object::Sequence),
            "enum" => serde_json::from_value(value).ok().map(Object::Enum),
            "domain" => serde_json::from_value(value).ok().map(Object::Domain),
            "extension" => serde_json::from_value(value).ok().map(Object::Extension),
            "function" => serde_json::from_value(value).ok().map(Object::Function),
            _ => None,
        }
    }
}

/// The objects a schema carries.
pub(crate) fn objects(schema: &Schema) -> Vec<Object> {
    schema.attrs.iter().filter_map(Object::from_attr).collect()
}

/// The attribute naming, beside an enum type whose values change, the columns
/// of that type (diff time only: the planner rebuilds the type through them).
pub(crate) const ENUM_USERS: &str = "enum_users";

/// A column whose type is an enum, or an array of one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct EnumUser {
    /// The enum type's name (in the schema of the change carrying this).
    #[serde(rename = "type")]
    pub ty: String,
    pub schema: String,
    pub table: String,
    pub column: String,
    pub array: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<String>,
}

/// The enum users carried in `attrs`.
pub(crate) fn enum_users(attrs: &[Attr]) -> Vec<EnumUser> {
    attrs
        .iter()
        .filter_map(|a| match a {
            Attr::Other { dialect, name, value } if dialect == DIALECT && name == ENUM_USERS => {
                serde_json::from_value::<Vec<EnumUser>>(value.clone()).ok()
            }
            _ => None,
        })
        .flatten()
        .collect()
}

/// Changes to the objects of an existing schema.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Alter {
    pub add: Vec<Attr>,
    pub drop: Vec<Attr>,
    /// `(from, to)` pairs of the same object.
    pub modify: Vec<(Attr, Attr)>,
}

impl Alter {
    /// True when nothing changes.
    pub fn is_empty(&self) -> bool {
        self.add.is_empty() && self.drop.is_empty() && self.modify.is_empty()
    }
}
