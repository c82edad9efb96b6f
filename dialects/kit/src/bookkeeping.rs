//! The DDL of the host's bookkeeping tables: Atlas's revisions table
//! (`atlas_schema_revisions`, reference/atlas-behavior.md §4.1, byte for byte
//! as Atlas creates it, so either tool reads the other's table) and Strata's
//! history table. The columns are the same everywhere; a dialect brings its
//! quoting, its type names and table options ([`Bookkeeping`]).

/// How one dialect writes the bookkeeping tables.
#[derive(Debug, Clone, Copy)]
pub struct Bookkeeping {
    /// Identifier quoting.
    pub quote: fn(&str) -> String,
    /// The statement creating a missing schema, before its quoted name
    /// (`CREATE SCHEMA IF NOT EXISTS`); unused by a dialect without schemas,
    /// which never passes one.
    pub create_schema: &'static str,
    /// Short strings: versions, descriptions, hashes.
    pub string: &'static str,
    /// Counts and durations.
    pub integer: &'static str,
    /// The revision's `type` bitmask (unsigned where the dialect has it).
    pub bitmask: &'static str,
    /// The time a revision was first written.
    pub timestamp: &'static str,
    /// Long texts: errors and statements.
    pub text: &'static str,
    /// JSON values.
    pub json: &'static str,
    /// Table options after the column list (MySQL's charset), or empty.
    pub table_options: &'static str,
}

/// A column: name, type, constraint.
type Column<'a> = (&'a str, &'a str, &'a str);

impl Bookkeeping {
    /// The statements creating the revisions table in `schema` (or unqualified).
    pub fn revisions_table(&self, schema: Option<&str>) -> Vec<String> {
        let columns = [
            ("version", self.string, "NOT NULL"),
            ("description", self.string, "NOT NULL"),
            ("type", self.bitmask, "NOT NULL DEFAULT 2"),
            ("applied", self.integer, "NOT NULL DEFAULT 0"),
            ("total", self.integer, "NOT NULL DEFAULT 0"),
            ("executed_at", self.timestamp, "NOT NULL"),
            ("execution_time", self.integer, "NOT NULL"),
            ("error", self.text, "NULL"),
            ("error_stmt", self.text, "NULL"),
            ("hash", self.string, "NOT NULL"),
            ("partial_hashes", self.json, "NULL"),
            ("operator_version", self.string, "NOT NULL"),
        ];
        self.create_table(schema, "atlas_schema_revisions", &columns)
    }

    /// The statements creating the history table (each version's statements,
    /// for `migrate down`) in `schema` (or unqualified).
    pub fn history_table(&self, schema: Option<&str>) -> Vec<String> {
        let columns = [
            ("version", self.string, "NOT NULL"),
            ("description", self.string, "NOT NULL"),
            ("statements", self.text, "NOT NULL"),
            ("down_statements", self.text, "NULL"),
            ("down_applied", self.integer, "NOT NULL DEFAULT 0"),
        ];
        self.create_table(schema, "strata_schema_history", &columns)
    }

    /// The schema (when named) and then the table keyed by `version`.
    fn create_table(&self, schema: Option<&str>, name: &str, columns: &[Column<'_>]) -> Vec<String> {
        let q = self.quote;
        let mut statements = Vec::new();
        let table = match schema {
            Some(s) => {
                statements.push(format!("{} {}", self.create_schema, q(s)));
                format!("{}.{}", q(s), q(name))
            }
            None => q(name),
        };
        let columns: Vec<String> =
            columns.iter().map(|(c, ty, constraint)| format!("{} {ty} {constraint}", q(c))).collect();
        let options = if self.table_options.is_empty() { String::new() } else { format!(" {}", self.table_options) };
        statements.push(format!(
            "CREATE TABLE IF NOT EXISTS {table} ({}, PRIMARY KEY ({})){options}",
            columns.join(", "),
            q("version")
        ));
        statements
    }
}
