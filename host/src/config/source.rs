//! Byte offsets in the file to `file:line:column` locations.

use std::ops::Range;
use std::path::PathBuf;

use super::error::Location;

/// The text of the configuration file with its line starts, to turn hcl-edit's byte spans into
/// the locations that errors and [`Env::location`](super::Env::location) report.
pub(super) struct Source {
    file: PathBuf,
    text: String,
    line_starts: Vec<usize>,
}

impl Source {
    pub(super) fn new(file: PathBuf, text: String) -> Self {
        let line_starts = std::iter::once(0).chain(text.match_indices('\n').map(|(i, _)| i + 1)).collect();
        Source { file, text, line_starts }
    }

    pub(super) fn text(&self) -> &str {
        &self.text
    }

    pub(super) fn file(&self) -> &PathBuf {
        &self.file
    }

    /// The location of a byte offset; columns count characters, as editors do.
    pub(super) fn location(&self, offset: usize) -> Location {
        let offset = offset.min(self.text.len());
        let line = self.line_starts.partition_point(|&start| start <= offset);
        let start = self.line_starts.get(line.saturating_sub(1)).copied().unwrap_or(0);
        let column = self.text.get(start..offset).map_or(offset - start, |s| s.chars().count()) + 1;
        Location { file: self.file.clone(), line: line.max(1), column }
    }

    /// The location where `span` starts. Every node hcl-edit parses has a span; a missing one
    /// (nodes built in code) points at the start of the file rather than nowhere.
    pub(super) fn at(&self, span: Option<Range<usize>>) -> Location {
        self.location(span.map_or(0, |r| r.start))
    }

    /// The line of a byte offset, for messages such as "first declared on line 3".
    pub(super) fn line_of(&self, span: Option<Range<usize>>) -> usize {
        self.at(span).line
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_map_to_one_based_lines_and_char_columns() {
        let src = Source::new("a.hcl".into(), "ab\n\u{e9}xy\n".to_owned());
        let l = src.location(0);
        assert_eq!((l.line, l.column), (1, 1));
        let l = src.location(3);
        assert_eq!((l.line, l.column), (2, 1));
        // 'x' comes after the two-byte 'é': byte 5, character column 2.
        let l = src.location(5);
        assert_eq!((l.line, l.column), (2, 2));
        assert_eq!(l.to_string(), "a.hcl:2:2");
    }
}
