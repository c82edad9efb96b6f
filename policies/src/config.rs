//! What an atlas.hcl `lint` block says about each analyzer: Atlas's
//! `destructive { error = true }`, or Strata's `level = "error" | "warn" | "off"`.

use serde_json::Value;

use crate::builtin;

/// An analyzer's level.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    /// Not run.
    Off,
    /// Findings are warnings.
    Warn,
    /// Findings are errors.
    Error,
}

/// A `lint` block's analyzer settings (the env's merged over the top-level one).
#[derive(Debug, Clone, Default)]
pub struct Config {
    lint: serde_json::Map<String, Value>,
}

/// A `lint` block that names an analyzer or a level that does not exist.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct ConfigError(pub String);

/// Keys of a `lint` block that are not analyzers (Atlas's own settings).
const SETTINGS: &[&str] = &["format", "log", "latest", "git", "review", "non_linear"];

static NULL: Value = Value::Null;

impl Config {
    /// Reads a `lint` block (as the config loader evaluated it; `null`: none).
    ///
    /// # Errors
    /// An unknown analyzer, or a level other than error, warn and off.
    pub fn from_json(lint: &Value) -> Result<Config, ConfigError> {
        let map = match lint {
            Value::Null => serde_json::Map::new(),
            Value::Object(m) => m.clone(),
            other => return Err(ConfigError(format!("a lint block must be a block, got {other}"))),
        };
        let names: Vec<&str> = builtin().iter().map(|a| a.name()).collect();
        for (key, value) in &map {
            if SETTINGS.contains(&key.as_str()) {
                continue;
            }
            if !names.contains(&key.as_str()) {
                let near = names.iter().min_by_key(|n| distance(n, key)).filter(|n| distance(n, key) <= 3);
                let hint = near.map(|n| format!(" (did you mean {n:?}?)")).unwrap_or_default();
                return Err(ConfigError(format!(
                    "unknown analyzer {key:?} in lint block{hint}: expected one of {}",
                    names.join(", ")
                )));
            }
            if let Some(level) = value.get("level") {
                match level.as_str() {
                    Some("error" | "warn" | "off") => {}
                    _ => {
                        return Err(ConfigError(format!(
                            "lint.{key}.level must be \"error\", \"warn\" or \"off\", got {level}"
                        )));
                    }
                }
            }
            if let Some(error) = value.get("error").filter(|e| !e.is_boolean()) {
                return Err(ConfigError(format!("lint.{key}.error must be true or false, got {error}")));
            }
        }
        Ok(Config { lint: map })
    }

    /// The configured level of analyzer `name`, if the block sets one.
    pub fn level(&self, name: &str) -> Option<Level> {
        let block = self.lint.get(name)?;
        match block.get("level").and_then(Value::as_str) {
            Some("off") => return Some(Level::Off),
            Some("warn") => return Some(Level::Warn),
            Some("error") => return Some(Level::Error),
            _ => {}
        }
        match block.get("error").and_then(Value::as_bool) {
            Some(true) => Some(Level::Error),
            Some(false) => Some(Level::Warn),
            None => None,
        }
    }

    /// Analyzer `name`'s own settings (e.g. naming's `match`), `null` when none.
    pub fn analyzer(&self, name: &str) -> &Value {
        self.lint.get(name).unwrap_or(&NULL)
    }
}

/// Edit distance (Levenshtein, by characters), for "did you mean".
pub fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = if ca == *cb { prev } else { 1 + prev.min(row[j]).min(row[j + 1]) };
            prev = cur;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn levels_from_atlas_and_strata_spellings() {
        let c = Config::from_json(&json!({
            "destructive": { "error": false },
            "data_depend": { "error": true },
            "incompatible": { "level": "off" },
            "latest": 1,
        }))
        .unwrap();
        assert_eq!(c.level("destructive"), Some(Level::Warn));
        assert_eq!(c.level("data_depend"), Some(Level::Error));
        assert_eq!(c.level("incompatible"), Some(Level::Off));
        assert_eq!(c.level("naming"), None);
    }

    #[test]
    fn unknown_analyzers_and_levels_are_errors() {
        let e = Config::from_json(&json!({ "destructiv": {} })).unwrap_err();
        assert!(
            e.0.starts_with("unknown analyzer \"destructiv\" in lint block (did you mean \"destructive\"?)"),
            "{e}"
        );
        let e = Config::from_json(&json!({ "naming": { "level": "loud" } })).unwrap_err();
        assert_eq!(e.0, "lint.naming.level must be \"error\", \"warn\" or \"off\", got \"loud\"");
        let e = Config::from_json(&json!({ "naming": { "error": "yes" } })).unwrap_err();
        assert_eq!(e.0, "lint.naming.error must be true or false, got \"yes\"");
    }
}
