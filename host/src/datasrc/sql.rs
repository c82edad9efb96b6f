//! `data "sql"`: query a database; `.value`, `.values`, `.count`.

use serde_json::{Map, Value, json};
use strata_dialect_api::{SqlValue, mask};

use crate::plugin::Registry;

/// Runs the block's query on its `url` and returns
/// `{"count": N, "values": [...], "value": ...}`: the first column of every row,
/// and of the first row (`null` when there is none).
///
/// Values are strings as the database returned them as text (`42`, `t`,
/// `2024-01-01`), not typed as Atlas's Go driver would type them: plugins
/// return every value as text. SQL NULL is `null`.
///
/// The query runs as written, without a transaction or any other statement
/// around it: the user asked for exactly that query.
///
/// # Errors
/// `url` or `query` missing, empty or not a string; `args` not a list of
/// strings, numbers and bools; the connection or the query failing (the URL
/// is named with its password masked).
pub(super) fn resolve(plugins: &Registry, attrs: &Map<String, Value>) -> Result<Value, String> {
    let url = required(attrs, "url")?;
    let query = required(attrs, "query")?;
    let args = args(attrs.get("args"))?;
    // `plan::open`'s message names the URL through `DbUrl`'s `Display`, which
    // masks the password; `mask` covers whatever the driver quoted besides.
    let mut conn = crate::plan::open(plugins, &url).map_err(|e| mask(&e.to_string()))?;
    let rows = conn
        .query(&query, args)
        .map_err(|e| format!("executing query on {}: {}", conn.url().redacted(), mask(&e.message)))?;
    let values: Vec<Value> =
        rows.rows.into_iter().map(|row| row.into_iter().next().flatten().map_or(Value::Null, Value::String)).collect();
    let value = values.first().cloned().unwrap_or(Value::Null);
    Ok(json!({ "count": values.len(), "values": values, "value": value }))
}

/// A required, non-empty string attribute.
fn required(attrs: &Map<String, Value>, name: &str) -> Result<String, String> {
    match string_attr(attrs, name)? {
        None => Err(format!("missing required attribute {name:?}")),
        Some(s) if s.is_empty() => Err(format!("attribute {name:?} must not be empty")),
        Some(s) => Ok(s),
    }
}

/// The query's bind arguments. Plugins bind integers and text only, so a
/// bool goes as 1 or 0 (what SQLite and MySQL store; PostgreSQL reads `1` and
/// `0` as a boolean too), and a number that is not an `i64` as its decimal
/// text, which the database converts to the parameter's type.
fn args(value: Option<&Value>) -> Result<Vec<SqlValue>, String> {
    let items = match value {
        None | Some(Value::Null) => return Ok(Vec::new()),
        Some(Value::Array(items)) => items,
        Some(other) => {
            return Err(format!(
                "attribute \"args\" must be a list of strings, numbers and bools, got {}",
                type_name(other)
            ));
        }
    };
    items
        .iter()
        .enumerate()
        .map(|(i, item)| match item {
            Value::String(s) => Ok(SqlValue::Text(s.as_str().into())),
            Value::Number(n) => Ok(n.as_i64().map_or_else(|| SqlValue::Text(n.to_string().into()), SqlValue::Int)),
            Value::Bool(b) => Ok(SqlValue::Int(i64::from(*b))),
            other => Err(format!("args[{i}] must be a string, number or bool, got {}", type_name(other))),
        })
        .collect()
}

/// A string attribute, converted from a number or bool as HCL's string
/// conversion does; `None` when absent or null. Shared with `external`.
pub(super) fn string_attr(attrs: &Map<String, Value>, name: &str) -> Result<Option<String>, String> {
    match attrs.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => {
            as_string(v).map(Some).ok_or_else(|| format!("attribute {name:?} must be a string, got {}", type_name(v)))
        }
    }
}

/// A string, number or bool as text (HCL's conversion to string).
pub(super) fn as_string(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// The HCL name of a value's type, for error messages.
pub(super) fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "bool",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "list",
        Value::Object(_) => "object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn attrs(v: Value) -> Map<String, Value> {
        match v {
            Value::Object(m) => m,
            _ => panic!("not an object"),
        }
    }

    #[test]
    fn missing_and_empty_attributes_are_named() {
        assert_eq!(required(&attrs(json!({})), "url").unwrap_err(), "missing required attribute \"url\"");
        assert_eq!(required(&attrs(json!({"url": ""})), "url").unwrap_err(), "attribute \"url\" must not be empty");
        assert_eq!(
            required(&attrs(json!({"query": ["x"]})), "query").unwrap_err(),
            "attribute \"query\" must be a string, got list"
        );
    }

    #[test]
    fn args_map_to_bind_values() {
        let got = args(Some(&json!(["a", 7, -2, 1.5, true, false]))).unwrap();
        assert_eq!(
            got,
            vec![
                SqlValue::Text("a".into()),
                SqlValue::Int(7),
                SqlValue::Int(-2),
                SqlValue::Text("1.5".into()),
                SqlValue::Int(1),
                SqlValue::Int(0),
            ]
        );
        assert_eq!(args(None).unwrap(), vec![]);
        assert_eq!(
            args(Some(&json!("x"))).unwrap_err(),
            "attribute \"args\" must be a list of strings, numbers and bools, got string"
        );
        assert_eq!(args(Some(&json!([1, null]))).unwrap_err(), "args[1] must be a string, number or bool, got null");
    }
}
