//! Schema-level objects the model has no field for: MariaDB sequences, stored
//! functions and procedures, and events. They ride in `Schema.attrs` as
//! `Attr::Other { dialect: "mysql", name: <kind>, value: <definition> }`.
//!
//! Changes to them travel as `Change::ModifySchema` (from and to attributes);
//! the planner derives the [`Alter`] (objects added, dropped, modified).

use serde::{Deserialize, Serialize};
use strata_dialect_api::{Attr, Schema};

use crate::attrs::DIALECT;

/// A MariaDB sequence: a one-row table in the relation namespace.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Sequence {
    pub name: String,
    pub start: i128,
    pub increment: i128,
    pub min: i128,
    pub max: i128,
    /// 0 is `NOCACHE`.
    pub cache: i128,
    pub cycle: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub engine: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

/// A stored function or procedure.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Routine {
    pub name: String,
    /// `FUNCTION` or `PROCEDURE` (two namespaces: one name may be both).
    pub kind: String,
    /// The parameter list as written back: `` `x` int `` (a procedure's with
    /// its mode, `` IN `k` int ``).
    pub params: String,
    /// A function's return type.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub returns: Option<String>,
    pub body: String,
    pub deterministic: bool,
    /// `CONTAINS SQL` (the default), `NO SQL`, `READS SQL DATA`, `MODIFIES SQL DATA`.
    pub data_access: String,
    /// `DEFINER` (the default) or `INVOKER`.
    pub security: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

/// A scheduled event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Event {
    pub name: String,
    /// `EVERY <n> <unit>` for a recurring event, `AT` for a one-time one.
    pub schedule: String,
    /// The times in UTC, written when the event is created and never
    /// compared: an unwritten start is the creation time, which differs
    /// between any two databases.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub starts: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ends: Option<String>,
    /// `ON COMPLETION PRESERVE`.
    pub preserve: bool,
    /// `ENABLE`, `DISABLE` or `DISABLE ON SLAVE`.
    pub status: String,
    pub body: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

/// A schema-level object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Object {
    Sequence(Sequence),
    Routine(Routine),
    Event(Event),
}

impl Object {
    /// The attribute name for the object's kind.
    pub fn kind(&self) -> &'static str {
        match self {
            Object::Sequence(_) => "sequence",
            Object::Routine(_) => "routine",
            Object::Event(_) => "event",
        }
    }

    /// What tells the object apart from others of its kind.
    pub fn key(&self) -> String {
        match self {
            // A sequence is a table: its name's case counts where table names' does.
            Object::Sequence(s) => s.name.clone(),
            // Routine and event names are case-insensitive.
            Object::Routine(r) => format!("{} {}", r.kind, r.name.to_lowercase()),
            Object::Event(e) => e.name.to_lowercase(),
        }
    }

    /// The object as a schema attribute.
    pub fn to_attr(&self) -> Attr {
        let value = match self {
            Object::Sequence(s) => serde_json::to_value(s),
            Object::Routine(r) => serde_json::to_value(r),
            Object::Event(e) => serde_json::to_value(e),
        };
        Attr::Other { dialect: DIALECT.into(), name: self.kind().into(), value: value.unwrap_or_default() }
    }

    /// Reads an object back from a schema attribute; `None` for any other attribute.
    pub fn from_attr(attr: &Attr) -> Option<Object> {
        let (name, value) = strata_dialect_kit::attrs::Attrs::new(DIALECT).own(attr)?;
        let value = value.clone();
        match name {
            "sequence" => serde_json::from_value(value).ok().map(Object::Sequence),
            "routine" => serde_json::from_value(value).ok().map(Object::Routine),
            "event" => serde_json::from_value(value).ok().map(Object::Event),
            _ => None,
        }
    }
}

/// The objects a schema carries.
pub(crate) fn objects(schema: &Schema) -> Vec<Object> {
    schema.attrs.iter().filter_map(Object::from_attr).collect()
}

/// True for an attribute that carries an object (not a schema default).
pub(crate) fn is_object(attr: &Attr) -> bool {
    Object::from_attr(attr).is_some()
}

/// Changes to the objects of an existing schema.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Alter {
    pub add: Vec<Object>,
    pub drop: Vec<Object>,
    /// `(from, to)` pairs of the same object.
    pub modify: Vec<(Object, Object)>,
}

impl Alter {
    /// True when nothing changes.
    pub fn is_empty(&self) -> bool {
        self.add.is_empty() && self.drop.is_empty() && self.modify.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn objects_round_trip_through_attrs() {
        let seq = Object::Sequence(Sequence {
            name: "s".into(),
            start: 1,
            increment: 50,
            min: 1,
            max: 18_446_744_073_709_551_614,
            cache: 0,
            cycle: false,
            engine: Some("InnoDB".into()),
            comment: None,
        });
        assert_eq!(Object::from_attr(&seq.to_attr()), Some(seq));
        let routine = Object::Routine(Routine {
            name: "f".into(),
            kind: "FUNCTION".into(),
            params: "`x` int".into(),
            returns: Some("int".into()),
            body: "RETURN x * 2".into(),
            deterministic: true,
            data_access: "CONTAINS SQL".into(),
            security: "DEFINER".into(),
            comment: None,
        });
        assert_eq!(Object::from_attr(&routine.to_attr()), Some(routine.clone()));
        assert_eq!(routine.key(), "FUNCTION f");
        assert_eq!(Object::from_attr(&crate::attrs::attr("charset", "utf8mb4")), None);
    }
}
