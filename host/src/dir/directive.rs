//! `atlas:<name> [args]` directives, as Atlas reads them from comments.
//!
//! Atlas matches directives with the regular expression
//! `^([ -~]*)atlas:(\w+)(?: +(.+))*` (sql/migrate/dir.go). We do not pull in a
//! regex engine for one pattern; [`parse`] reproduces its leftmost-first match by
//! hand, including the corner cases that matter for compatibility (the greedy
//! prefix picks the last `atlas:` on the line, trailing spaces stay in the args).

/// A directive comment such as `-- atlas:nolint DS101`, split into its name and the
/// rest of the line.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Directive {
    /// The directive name: `nolint` in `-- atlas:nolint DS101`.
    pub name: String,
    /// Everything after the spaces that follow the name, up to the end of the line,
    /// not split (`DS101`). Empty when the directive has no arguments.
    pub args: String,
}

/// One successful match of the directive pattern: prefix, name, args.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Match<'a> {
    /// Text before `atlas:` (printable ASCII only), e.g. `-- `.
    pub prefix: &'a [u8],
    /// The `\w+` name.
    pub name: &'a [u8],
    /// The captured arguments (may be empty).
    pub args: &'a [u8],
}

fn is_word(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// Matches the directive pattern at the start of `content` (only its first line can
/// match, since neither the prefix nor the arguments span a newline).
pub(crate) fn parse(content: &[u8]) -> Option<Match<'_>> {
    // The prefix is `[ -~]*`, greedy: the candidates for `atlas:` start anywhere in
    // the leading printable-ASCII run, and the rightmost one wins.
    let run = content.iter().position(|b| !(b' '..=b'~').contains(b)).unwrap_or(content.len());
    let start = (0..=run)
        .rev()
        .find(|&i| content[i..].starts_with(b"atlas:") && content.get(i + 6).copied().is_some_and(is_word))?;
    let name_start = start + 6;
    let name_end = content[name_start..].iter().position(|&b| !is_word(b)).map_or(content.len(), |p| name_start + p);
    let rest = &content[name_end..];
    let line_end = rest.iter().position(|&b| b == b'\n').unwrap_or(rest.len());
    let line = &rest[..line_end];
    let spaces = line.iter().take_while(|&&b| b == b' ').count();
    let args: &[u8] = if spaces == 0 {
        &[]
    } else if spaces < line.len() {
        &line[spaces..]
    } else if spaces >= 2 {
        // ` +(.+)` backtracks: the spaces group gives up its last space so that `.+`
        // can match it. Atlas therefore sees the argument " ".
        &line[spaces - 1..]
    } else {
        &[]
    };
    Some(Match { prefix: &content[..start], name: &content[name_start..name_end], args })
}

/// Returns the arguments of directive `name` at the start of `content`, when the
/// pattern matches with that name and, if given, exactly that prefix.
pub(crate) fn lookup<'a>(content: &'a [u8], name: &str, prefix: Option<&str>) -> Option<&'a [u8]> {
    let m = parse(content)?;
    if m.name != name.as_bytes() {
        return None;
    }
    if let Some(p) = prefix
        && m.prefix != p.as_bytes()
    {
        return None;
    }
    Some(m.args)
}

/// Converts a match into an owned [`Directive`].
pub(crate) fn to_directive(m: &Match<'_>) -> Directive {
    Directive { name: String::from_utf8_lossy(m.name).into_owned(), args: String::from_utf8_lossy(m.args).into_owned() }
}

/// Reports whether the file opts out of `atlas.sum` with `atlas:sum ignore` on its
/// first line (any printable prefix; the argument must be exactly `ignore`).
pub(crate) fn sum_ignored(content: &[u8]) -> bool {
    lookup(content, "sum", None) == Some(b"ignore".as_slice())
}

/// Returns the file-level comment lines: the leading run of lines that start with
/// `--` or `#`, each trimmed, provided that run is detached from the content by an
/// empty line (spaces and tabs allowed) or makes up the whole file.
pub(crate) fn file_comments(content: &str) -> Vec<&str> {
    let mut comments = Vec::new();
    let mut rest = content;
    while rest.starts_with('#') || rest.starts_with("--") {
        match rest.find('\n') {
            Some(i) => {
                comments.push(rest[..i].trim());
                rest = &rest[i + 1..];
            }
            None => {
                // A comments-only file whose last line has no newline. Atlas's own
                // code would then drop all of them; our spec (§3.1) treats a
                // comments-only file as all file directives, so keep them.
                comments.push(rest.trim());
                return comments;
            }
        }
    }
    // Comments-only file ending in a newline: same reasoning as above.
    if rest.is_empty() {
        return comments;
    }
    if rest.trim_start_matches([' ', '\t']).starts_with('\n') { comments } else { Vec::new() }
}

/// Extracts the statement directives from a statement's attached comments. Line
/// comments count with prefix exactly `#`, `--` or `-- `; block comments only when
/// they fit on one line and have prefix exactly `/*` (so `/* atlas:x */` is prose).
pub(crate) fn stmt_directives(comments: &[String]) -> Vec<Directive> {
    let mut ds = Vec::new();
    for c in comments {
        if c.starts_with("/*") && !c.contains('\n') {
            let body = c.strip_suffix("*/").unwrap_or(c);
            if let Some(m) = parse(body.as_bytes())
                && m.prefix == b"/*"
            {
                ds.push(to_directive(&m));
            }
            continue;
        }
        if let Some(m) = parse(c.as_bytes())
            && matches!(m.prefix, b"#" | b"--" | b"-- ")
        {
            ds.push(to_directive(&m));
        }
    }
    ds
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn args<'a>(s: &'a str, name: &str) -> Option<&'a str> {
        lookup(s.as_bytes(), name, None).map(|a| std::str::from_utf8(a).unwrap())
    }

    #[test]
    fn directive_pattern_matches_like_atlas() {
        assert_eq!(args("-- atlas:sum ignore\nx", "sum"), Some("ignore"));
        assert_eq!(args("atlas:sum ignore", "sum"), Some("ignore"));
        assert_eq!(args("#atlas:sum  ignore", "sum"), Some("ignore"));
        assert_eq!(args("-- atlas:sum ignore ", "sum"), Some("ignore "));
        assert_eq!(args("-- atlas:sum ignore\r\n", "sum"), Some("ignore\r"));
        assert_eq!(args("-- atlas:sum", "sum"), Some(""));
        assert_eq!(args("-- atlas:sum \n", "sum"), Some(""));
        assert_eq!(args("-- atlas:sum   \n", "sum"), Some(" "));
        assert_eq!(args("-- atlas:x atlas:sum a", "sum"), Some("a"));
        assert_eq!(args("-- é atlas:sum ignore", "sum"), None);
        assert_eq!(args("\n-- atlas:sum ignore", "sum"), None);
        assert!(sum_ignored(b"-- atlas:sum ignore\nSELECT 1;\n"));
        assert!(!sum_ignored(b"-- atlas:sum ignore \nSELECT 1;\n"));
        assert!(!sum_ignored(b"SELECT 1;\n-- atlas:sum ignore\n"));
        let m = parse(b"-- atlas:delimiter \\n\\n\nx").unwrap();
        assert_eq!(m.prefix, b"-- ");
        assert_eq!(m.args, b"\\n\\n");
    }

    #[test]
    fn file_comments_need_a_blank_line() {
        assert_eq!(file_comments("-- atlas:txmode none\n#b\n\nSELECT 1;"), vec!["-- atlas:txmode none", "#b"]);
        assert_eq!(file_comments("-- atlas:txmode none\n \t\nSELECT 1;"), vec!["-- atlas:txmode none"]);
        assert!(file_comments("-- atlas:txmode none\nSELECT 1;").is_empty());
        assert_eq!(file_comments("-- a\n-- b"), vec!["-- a", "-- b"]);
        assert_eq!(file_comments("-- a\n"), vec!["-- a"]);
        assert!(file_comments("SELECT 1;").is_empty());
    }

    #[test]
    fn statement_directives_follow_prefix_rules() {
        let cs = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let ds = stmt_directives(&cs(&["--atlas:nolint\n", "-- atlas:nolint destructive\n"]));
        let got: Vec<_> = ds.iter().map(|d| (d.name.as_str(), d.args.as_str())).collect();
        assert_eq!(got, vec![("nolint", ""), ("nolint", "destructive")]);
        let ds = stmt_directives(&cs(&["/*atlas:nolint DS101*/"]));
        assert_eq!(ds[0].args, "DS101");
        assert!(stmt_directives(&cs(&["/* atlas:lint error */"])).is_empty());
        assert!(stmt_directives(&cs(&["/*atlas:nolint\nDS101*/"])).is_empty());
        let ds = stmt_directives(&cs(&["#atlas:lint error\n"]));
        assert_eq!((ds[0].name.as_str(), ds[0].args.as_str()), ("lint", "error"));
        assert!(stmt_directives(&cs(&["--- atlas:nolint\n"])).is_empty());
    }
}
