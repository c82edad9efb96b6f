//! Input variables: the `--var` flag syntax and `variable` type constraints.

use hcl::Value;
use hcl::edit::expr::Expression;

use super::error::ConfigError;

/// Splits one `--var` flag value into `(key, value)` pairs.
///
/// As in Atlas, the value is one CSV record, so `--var a=1,b=2` sets two variables and
/// `--var 'a="x,y"'` sets one whose value contains a comma. A key that repeats (in one flag or
/// across flags) becomes a `list(string)` when the pairs are loaded.
///
/// # Errors
///
/// [`ConfigError::VarFormat`] for an item without `=`.
pub fn parse_var_flag(s: &str) -> Result<Vec<(String, String)>, ConfigError> {
    csv_record(s)
        .into_iter()
        .map(|item| match item.split_once('=') {
            Some((k, v)) => Ok((k.to_owned(), v.to_owned())),
            None => Err(ConfigError::VarFormat { item }),
        })
        .collect()
}

/// Splits one CSV record the way Go's `encoding/csv` does with `LazyQuotes` (what Atlas uses):
/// a field that starts with `"` runs to the matching `"`, `""` inside it is one quote, and a
/// quote elsewhere is kept literally.
fn csv_record(s: &str) -> Vec<String> {
    let mut fields = Vec::new();
    let mut field = String::new();
    let mut chars = s.chars().peekable();
    let mut at_start = true;
    let mut quoted = false;
    while let Some(c) = chars.next() {
        if quoted {
            if c == '"' {
                if chars.peek() == Some(&'"') {
                    chars.next();
                    field.push('"');
                } else {
                    quoted = false;
                }
            } else {
                field.push(c);
            }
            continue;
        }
        match c {
            '"' if at_start => {
                quoted = true;
                at_start = false;
            }
            ',' => {
                fields.push(std::mem::take(&mut field));
                at_start = true;
            }
            _ => {
                field.push(c);
                at_start = false;
            }
        }
    }
    fields.push(field);
    fields
}

/// A variable's `type` constraint. Only the types Atlas's project files use are supported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum VarType {
    Any,
    String,
    Number,
    Bool,
    /// `list(T)`, also used for `set(T)` (values keep their order, duplicates are dropped).
    List(Box<VarType>, bool),
}

impl VarType {
    /// Reads a type expression without evaluating it (`string` is a keyword here, not a
    /// variable reference).
    pub(super) fn parse(expr: &Expression) -> Option<VarType> {
        match expr {
            Expression::Variable(ident) => match ident.as_str() {
                "string" => Some(VarType::String),
                "number" => Some(VarType::Number),
                "bool" => Some(VarType::Bool),
                "any" => Some(VarType::Any),
                _ => None,
            },
            Expression::FuncCall(call) if call.name.namespace.is_empty() => {
                let set = match call.name.name.as_str() {
                    "list" => false,
                    "set" => true,
                    _ => return None,
                };
                let mut args = call.args.iter();
                match (args.next(), args.next()) {
                    (Some(elem), None) => Some(VarType::List(Box::new(VarType::parse(elem)?), set)),
                    _ => None,
                }
            }
            Expression::Parenthesis(inner) => VarType::parse(inner.inner()),
            _ => None,
        }
    }

    /// Converts `value` to this type the way HCL's type conversion does (strings to numbers and
    /// bools, scalars to strings). `lenient_list` accepts a lone value for a list type: one
    /// `--var` occurrence is a string even when the variable is a list.
    ///
    /// The error text follows go-cty's conversion messages, which Atlas prints.
    pub(super) fn coerce(&self, value: Value, lenient_list: bool) -> Result<Value, String> {
        match (self, value) {
            (VarType::Any, v) => Ok(v),
            (VarType::String, Value::String(s)) => Ok(Value::String(s)),
            (VarType::String, Value::Number(n)) => Ok(Value::String(n.to_string())),
            (VarType::String, Value::Bool(b)) => Ok(Value::String(b.to_string())),
            (VarType::String, _) => Err("string required".to_owned()),
            (VarType::Number, Value::Number(n)) => Ok(Value::Number(n)),
            (VarType::Number, Value::String(s)) => parse_number(&s).ok_or_else(|| "a number is required".to_owned()),
            (VarType::Number, _) => Err("number required".to_owned()),
            (VarType::Bool, Value::Bool(b)) => Ok(Value::Bool(b)),
            (VarType::Bool, Value::String(s)) => match s.as_str() {
                "true" => Ok(Value::Bool(true)),
                "false" => Ok(Value::Bool(false)),
                _ => Err("a bool is required".to_owned()),
            },
            (VarType::Bool, _) => Err("bool required".to_owned()),
            (VarType::List(elem, set), Value::Array(items)) => {
                let mut out: Vec<Value> = Vec::with_capacity(items.len());
                for (i, item) in items.into_iter().enumerate() {
                    let v = elem.coerce(item, false).map_err(|e| format!("element {i}: {e}"))?;
                    if !*set || !out.contains(&v) {
                        out.push(v);
                    }
                }
                Ok(Value::Array(out))
            }
            (VarType::List(elem, _), v) if lenient_list => Ok(Value::Array(vec![elem.coerce(v, false)?])),
            (VarType::List(elem, set), _) => {
                Err(format!("{} of {} required", if *set { "set" } else { "list" }, elem.name()))
            }
        }
    }

    fn name(&self) -> String {
        match self {
            VarType::Any => "any".to_owned(),
            VarType::String => "string".to_owned(),
            VarType::Number => "number".to_owned(),
            VarType::Bool => "bool".to_owned(),
            VarType::List(elem, false) => format!("list of {}", elem.name()),
            VarType::List(elem, true) => format!("set of {}", elem.name()),
        }
    }
}

/// Parses a decimal number as HCL does: integers stay integers.
pub(super) fn parse_number(s: &str) -> Option<Value> {
    let s = s.trim();
    if let Ok(i) = s.parse::<i64>() {
        return Some(Value::from(i));
    }
    let f = s.parse::<f64>().ok()?;
    hcl::Number::from_f64(f).map(Value::Number)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    fn pairs(v: &[(&str, &str)]) -> Vec<(String, String)> {
        v.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
    }

    #[test]
    fn var_flag_is_one_csv_record() {
        assert_eq!(parse_var_flag("a=1").unwrap(), pairs(&[("a", "1")]));
        assert_eq!(parse_var_flag("a=1,b=2").unwrap(), pairs(&[("a", "1"), ("b", "2")]));
        assert_eq!(
            parse_var_flag(r#""url=mysql://h/db?a=1,b=2",x=y"#).unwrap(),
            pairs(&[("url", "mysql://h/db?a=1,b=2"), ("x", "y")])
        );
        assert_eq!(parse_var_flag("a=x=y").unwrap(), pairs(&[("a", "x=y")]));
        assert_eq!(parse_var_flag(r#"a="q""#).unwrap(), pairs(&[("a", r#""q""#)]));
    }

    #[test]
    fn var_flag_item_without_equals_is_rejected() {
        let err = parse_var_flag("a=1,x").unwrap_err();
        assert_eq!(err.to_string(), r#"variables must be format as key=value, got: "x""#);
        assert!(err.is_usage());
    }

    #[test]
    fn coercion_follows_hcl_conversions() {
        assert_eq!(VarType::Number.coerce(Value::from("42"), false), Ok(Value::from(42)));
        assert_eq!(VarType::Number.coerce(Value::from("x"), false), Err("a number is required".to_owned()));
        assert_eq!(VarType::Bool.coerce(Value::from("true"), false), Ok(Value::Bool(true)));
        assert_eq!(VarType::String.coerce(Value::from(1), false), Ok(Value::from("1")));
        let list = VarType::List(Box::new(VarType::String), false);
        assert_eq!(list.coerce(Value::from("a"), true), Ok(Value::Array(vec![Value::from("a")])));
        assert_eq!(list.coerce(Value::from("a"), false), Err("list of string required".to_owned()));
    }
}
