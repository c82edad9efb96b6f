//! Dialect-only facts ride in the shared model as
//! `Attr::Other { dialect, name, value }`: [`Attrs`] writes and reads those of
//! one dialect, so that every plugin spells the lookup the same way.

use serde_json::Value;
use strata_dialect_api::Attr;

/// The attributes of one dialect: the `Attr::Other`s whose `dialect` is
/// [`Attrs::dialect`]. Attributes of other dialects are never seen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Attrs {
    /// The dialect name the attributes carry (`"mysql"`, `"clickhouse"`).
    pub dialect: &'static str,
}

impl Attrs {
    /// The attributes of `dialect`.
    pub const fn new(dialect: &'static str) -> Attrs {
        Attrs { dialect }
    }

    /// An attribute `name` with `value`.
    pub fn attr(self, name: &str, value: impl Into<Value>) -> Attr {
        Attr::Other { dialect: self.dialect.into(), name: name.into(), value: value.into() }
    }

    /// The value of the attribute `name` in `attrs`: the first, when several.
    pub fn get<'a>(self, attrs: &'a [Attr], name: &str) -> Option<&'a Value> {
        attrs.iter().find_map(|a| match a {
            Attr::Other { dialect, name: n, value } if dialect == self.dialect && n == name => Some(value),
            _ => None,
        })
    }

    /// The string value of the attribute `name` (`None` for another kind of value).
    pub fn get_str<'a>(self, attrs: &'a [Attr], name: &str) -> Option<&'a str> {
        self.get(attrs, name).and_then(Value::as_str)
    }

    /// True when the attribute `name` is set to `true`.
    pub fn flag(self, attrs: &[Attr], name: &str) -> bool {
        self.get(attrs, name).and_then(Value::as_bool).unwrap_or(false)
    }

    /// The name and value of `attr` when it is one of this dialect's.
    pub fn own(self, attr: &Attr) -> Option<(&str, &Value)> {
        match attr {
            Attr::Other { dialect, name, value } if dialect == self.dialect => Some((name.as_str(), value)),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_dialects_own() {
        let (my, ch) = (Attrs::new("mysql"), Attrs::new("clickhouse"));
        let attrs = [ch.attr("engine", "Memory"), my.attr("engine", "InnoDB"), my.attr("invisible", true)];
        assert_eq!(my.get_str(&attrs, "engine"), Some("InnoDB"));
        assert_eq!(ch.get_str(&attrs, "engine"), Some("Memory"));
        assert_eq!(my.get(&attrs, "invisible"), Some(&Value::Bool(true)));
        assert_eq!(my.get_str(&attrs, "invisible"), None);
        assert!(my.flag(&attrs, "invisible") && !ch.flag(&attrs, "invisible") && !my.flag(&attrs, "engine"));
        assert_eq!(my.own(&attrs[1]), Some(("engine", &Value::from("InnoDB"))));
        assert_eq!(my.own(&attrs[0]), None);
    }
}
