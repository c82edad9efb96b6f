//! txtar migration files: `-- atlas:txtar` on the first line, then sections that
//! each start with a `-- NAME --` marker line (golang.org/x/tools/txtar format).

use super::lex::{self, LexError, LexOptions, Stmt};

/// One `-- NAME --` section of a txtar migration file, with where it sits in the
/// whole file so that statement positions can be reported file-relative.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    /// The name between the markers, e.g. `migration.sql` or `checks/destructive.sql`.
    pub name: String,
    /// The section body: every line after the marker up to the next marker or EOF.
    pub sql: String,
    /// Number of lines of the whole file that precede the body. A line `n` (1-based)
    /// of the body is line `offset_line + n` of the file.
    pub offset_line: usize,
    /// Byte offset of the body in the whole file.
    pub offset: usize,
}

impl Section {
    /// True when the section starts with `-- atlas:assert oneof`: at least one
    /// of its assertions must hold, instead of all of them.
    pub fn assert_oneof(&self) -> bool {
        self.sql
            .lines()
            .take_while(|l| l.trim_start().starts_with("--") || l.trim().is_empty())
            .any(|l| l.contains("atlas:assert oneof"))
    }

    /// Splits the section into statements, with positions and lines of the whole
    /// file (the host prints `file:line:col`).
    ///
    /// # Errors
    ///
    /// A [`LexError`] positioned in the whole file.
    pub fn stmts(&self, opts: &LexOptions) -> Result<Vec<Stmt>, LexError> {
        let mut stmts = lex::stmts(&self.sql, opts).map_err(|mut e| {
            e.line += self.offset_line;
            e
        })?;
        for s in &mut stmts {
            s.pos += self.offset;
            s.line += self.offset_line;
        }
        Ok(stmts)
    }
}

/// A check file of a txtar migration (`checks.sql` or `checks/<name>.sql`).
pub type CheckFile = Section;

/// Returns the marker name when `line` (without its `\n`) is a `-- NAME --` marker.
fn marker(line: &str) -> Option<&str> {
    // Same test as txtar's isMarker: prefix "-- ", suffix " --", room for both.
    if line.len() < 6 || !line.starts_with("-- ") || !line.ends_with(" --") {
        return None;
    }
    Some(line[3..line.len() - 3].trim())
}

/// The archive's leading comment part: everything before the first marker line.
pub(crate) fn header(content: &str) -> &str {
    let mut offset = 0;
    while offset < content.len() {
        let rest = &content[offset..];
        let line_end = rest.find('\n').unwrap_or(rest.len());
        if marker(&rest[..line_end]).is_some() {
            return &content[..offset];
        }
        offset += (line_end + 1).min(rest.len());
    }
    content
}

/// Splits a txtar archive into its sections; the leading comment part (which holds
/// the `-- atlas:txtar` line) is not a section.
pub(crate) fn sections(content: &str) -> Vec<Section> {
    let mut out: Vec<Section> = Vec::new();
    let mut offset = 0;
    let mut line_no = 0;
    let mut current: Option<(String, usize, usize)> = None;
    let mut close = |current: &mut Option<(String, usize, usize)>, end: usize| {
        if let Some((name, start, start_line)) = current.take() {
            out.push(Section { name, sql: content[start..end].to_string(), offset_line: start_line, offset: start });
        }
    };
    while offset < content.len() {
        let rest = &content[offset..];
        let (line, next) = match rest.find('\n') {
            Some(i) => (&rest[..i], offset + i + 1),
            None => (rest, content.len()),
        };
        line_no += 1;
        if let Some(name) = marker(line) {
            close(&mut current, offset);
            current = Some((name.to_string(), next, line_no));
        }
        offset = next;
    }
    close(&mut current, content.len());
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn sections_split_at_markers() {
        let src = "-- atlas:txtar\n\n-- checks/destructive.sql --\n-- atlas:assert DS102\nSELECT 1;\n\n-- migration.sql --\nDROP TABLE t2;";
        let s = sections(src);
        assert_eq!(s.len(), 2);
        assert_eq!(s[0].name, "checks/destructive.sql");
        assert_eq!(s[0].sql, "-- atlas:assert DS102\nSELECT 1;\n\n");
        assert_eq!(s[0].offset_line, 3);
        assert_eq!(s[1].name, "migration.sql");
        assert_eq!(s[1].sql, "DROP TABLE t2;");
        assert_eq!(s[1].offset_line, 7);
        assert_eq!(&src[s[1].offset..], "DROP TABLE t2;");
    }

    #[test]
    fn marker_needs_both_ends() {
        assert_eq!(marker("-- a.sql --"), Some("a.sql"));
        assert_eq!(marker("-- atlas:assert DS102"), None);
        assert_eq!(marker("--a.sql --"), None);
        assert_eq!(marker("-- --"), None);
        let s = sections("-- x --");
        assert_eq!(s.len(), 1);
        assert_eq!(s[0].sql, "");
    }
}
