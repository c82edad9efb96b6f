//! ClickHouse's SQL fragments as schema HCL reads and writes them: a table's
//! engine (`ReplacingMergeTree(ver)` as a name and its arguments), a key (a
//! `PRIMARY KEY` as its parts), `SETTINGS` (as `name = value` pairs) and
//! names (bare when plain, else in backquotes).
//!
//! Text is scanned the way ClickHouse's lexer reads it: `'…'`, `"…"` and
//! `` `…` `` are quoted with backslash escapes, and commas inside
//! parentheses or brackets are not separators.

/// True for a name ClickHouse prints bare: ASCII letters, digits and
/// underscores, not starting with a digit.
fn is_plain(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// A column name as SQL: bare when plain, else backquoted with escapes.
pub(super) fn quote_ident(name: &str) -> String {
    if is_plain(name) { name.to_string() } else { format!("`{}`", name.replace('\\', "\\\\").replace('`', "\\`")) }
}

/// The name `text` is when it is a name alone (bare or backquoted).
pub(super) fn unquote_ident(text: &str) -> Option<String> {
    if is_plain(text) {
        return Some(text.to_string());
    }
    let inner = text.strip_prefix('`')?.strip_suffix('`')?;
    let mut name = String::new();
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => name.push(chars.next()?),
            '`' => return None,
            c => name.push(c),
        }
    }
    Some(name)
}

/// Scans `text` outside quotes: calls `at(index, char, depth)` for each
/// character outside quotes (depth counted before an opening and after a
/// closing bracket). `None` when a quote or bracket is left open or closes
/// too much.
fn scan(text: &str, mut at: impl FnMut(usize, char, usize) -> bool) -> Option<()> {
    let (mut depth, mut quote, mut escaped) = (0usize, None::<char>, false);
    for (i, c) in text.char_indices() {
        if let Some(q) = quote {
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, c) if c == q => quote = None,
                _ => {}
            }
            continue;
        }
        match c {
            '\'' | '"' | '`' => quote = Some(c),
            '(' | '[' => {
                if !at(i, c, depth) {
                    return Some(());
                }
                depth += 1;
                continue;
            }
            ')' | ']' => depth = depth.checked_sub(1)?,
            _ => {}
        }
        if !at(i, c, depth) {
            return Some(());
        }
    }
    (depth == 0 && quote.is_none()).then_some(())
}

/// The index of the bracket closing the one `text` opens with.
fn closing(text: &str) -> Option<usize> {
    let mut close = None;
    scan(text, |i, c, depth| {
        if i > 0 && depth == 0 && matches!(c, ')' | ']') {
            close = Some(i);
            return false;
        }
        true
    })?;
    close
}

/// `text` split at its top-level commas, each part trimmed; `None` when
/// unbalanced.
pub(super) fn split_commas(text: &str) -> Option<Vec<&str>> {
    let mut cuts = Vec::new();
    scan(text, |i, c, depth| {
        if depth == 0 && c == ',' {
            cuts.push(i);
        }
        true
    })?;
    let mut parts = Vec::new();
    let mut start = 0;
    for cut in cuts {
        parts.push(text[start..cut].trim());
        start = cut + 1;
    }
    parts.push(text[start..].trim());
    Some(parts)
}

/// The parts of a key as the server prints it: `(a, f(b))` is two parts, a
/// key without outer parentheses (`a`, `(a + b) * 2`) one.
pub(super) fn key_parts(text: &str) -> Vec<String> {
    let text = text.trim();
    if text.starts_with('(')
        && closing(text) == Some(text.len() - 1)
        && let Some(parts) = split_commas(&text[1..text.len() - 1])
        && parts.iter().all(|p| !p.is_empty())
    {
        return parts.into_iter().map(str::to_string).collect();
    }
    vec![text.to_string()]
}

/// A key of `parts`: the part alone, or the parts in parentheses.
pub(super) fn key_text(parts: &[String]) -> String {
    match parts {
        [one] => one.clone(),
        many => format!("({})", many.join(", ")),
    }
}

/// An engine `Name` or `Name(args)`: its name and its arguments (none for
/// empty parentheses); `None` for anything else (clauses after it).
pub(super) fn split_engine(text: &str) -> Option<(String, Option<String>)> {
    let text = text.trim();
    let end = text.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).unwrap_or(text.len());
    let (name, rest) = text.split_at(end);
    if !is_plain(name) {
        return None;
    }
    let rest = rest.trim_start();
    if rest.is_empty() {
        return Some((name.to_string(), None));
    }
    if !rest.starts_with('(') || closing(rest) != Some(rest.len() - 1) {
        return None;
    }
    let args = rest[1..rest.len() - 1].trim();
    Some((name.to_string(), Some(args.to_string()).filter(|a| !a.is_empty())))
}

/// `SETTINGS` as the server prints them (`a = 1, b = 'x'`): each name and
/// its value's text; `None` unless every part is `name = value` with a plain name.
pub(super) fn settings_pairs(text: &str) -> Option<Vec<(&str, &str)>> {
    let mut pairs = Vec::new();
    for part in split_commas(text)? {
        let (name, value) = part.split_once('=')?;
        let (name, value) = (name.trim(), value.trim());
        if !is_plain(name) || value.is_empty() {
            return None;
        }
        pairs.push((name, value));
    }
    Some(pairs)
}

/// True for a type that holds NULL, as ClickHouse's inspection decides it:
/// `Nullable(T)`, also under `LowCardinality`.
pub(super) fn is_nullable(ty: &str) -> bool {
    let ty = ty.trim();
    ty.starts_with("Nullable(") || ty.starts_with("LowCardinality(Nullable(")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(quote_ident("id"), "id");
        assert_eq!(quote_ident("a b`c"), "`a b\\`c`");
        assert_eq!(unquote_ident("`a b\\`c`").as_deref(), Some("a b`c"));
        assert_eq!(unquote_ident("id").as_deref(), Some("id"));
        assert_eq!(unquote_ident("f(id)"), None);
        assert_eq!(unquote_ident("`a` + `b`"), None);
    }

    #[test]
    fn keys() {
        assert_eq!(key_parts("id"), ["id"]);
        assert_eq!(key_parts("(id, intHash32(id))"), ["id", "intHash32(id)"]);
        assert_eq!(key_parts("(a + b) * 2"), ["(a + b) * 2"]);
        assert_eq!(key_parts("(`x,)` , 'y)', [1, 2])"), ["`x,)`", "'y)'", "[1, 2]"]);
        assert_eq!(key_parts("tuple()"), ["tuple()"]);
        assert_eq!(key_text(&["a".into()]), "a");
        assert_eq!(key_text(&["a".into(), "f(b)".into()]), "(a, f(b))");
        assert_eq!(split_commas("a, 'b\\', c', (d, e)"), Some(vec!["a", "'b\\', c'", "(d, e)"]));
        assert_eq!(split_commas("a)"), None);
        assert_eq!(split_commas("'a"), None);
    }

    #[test]
    fn engines_and_settings() {
        assert_eq!(split_engine("MergeTree"), Some(("MergeTree".into(), None)));
        assert_eq!(split_engine("MergeTree()"), Some(("MergeTree".into(), None)));
        assert_eq!(split_engine("ReplacingMergeTree(ver)"), Some(("ReplacingMergeTree".into(), Some("ver".into()))));
        assert_eq!(
            split_engine("Distributed('c', 'd', 't)')"),
            Some(("Distributed".into(), Some("'c', 'd', 't)'".into())))
        );
        assert_eq!(split_engine("MergeTree ORDER BY id"), None);
        assert_eq!(split_engine("MergeTree(a) ORDER BY id"), None);
        assert_eq!(split_engine("(x)"), None);
        assert_eq!(
            settings_pairs("index_granularity = 8192, storage_policy = 'a=b'"),
            Some(vec![("index_granularity", "8192"), ("storage_policy", "'a=b'")])
        );
        assert_eq!(settings_pairs("x"), None);
        assert!(is_nullable("LowCardinality(Nullable(String))") && !is_nullable("Array(Nullable(String))"));
    }
}
