//! Pre-migration checks for destructive SQLite statements.
