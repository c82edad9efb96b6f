//! Where each object of a realm read from schema HCL was declared, so that a
//! failure met later (a statement the dev database rejects) points back at
//! the block in the file.

use std::fmt;
use std::path::PathBuf;

pub(crate) use super::read::parse_located;

/// A place in a schema HCL file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Place {
    /// The file.
    pub file: PathBuf,
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
}

impl fmt::Display for Place {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.file.display(), self.line, self.column)
    }
}

/// One declared object: its kind (`schema`, `table`, `view`, `enum`,
/// `trigger`, and PostgreSQL's `domain`, `sequence`, `extension`, `function`,
/// `procedure`), schema and name.
#[derive(Debug, Clone)]
pub(crate) struct Origin {
    /// `schema`, `table`, `view`, `enum`, `domain`, `sequence`, `extension`,
    /// `function`, `procedure` or `trigger`.
    pub kind: &'static str,
    /// The schema it was declared in (its own name for a schema).
    pub schema: String,
    /// Its name.
    pub name: String,
    /// Its block.
    pub place: Place,
}

/// The declarations of a realm read from schema HCL.
#[derive(Debug, Clone, Default)]
pub(crate) struct Origins {
    entries: Vec<Origin>,
}

impl Origins {
    pub(super) fn push(&mut self, kind: &'static str, schema: &str, name: &str, place: Place) {
        self.entries.push(Origin { kind, schema: schema.to_string(), name: name.to_string(), place });
    }

    /// The declaration of the object of `kind` named `name`, preferably the
    /// one in `schema` (the dev database may hold it under another schema name).
    pub(crate) fn find(&self, kind: &str, schema: &str, name: &str) -> Option<&Origin> {
        let mut same = self.entries.iter().filter(|o| o.kind == kind && o.name == name);
        let first = same.clone().next();
        same.find(|o| o.schema == schema).or(first)
    }

    /// The first declaration of all (the file, when nothing more precise is known).
    pub(crate) fn first(&self) -> Option<&Origin> {
        self.entries.first()
    }
}
