//! What planning hands the executor: ordered steps, each a version's
//! statements with the checks guarding them and whether they may share a
//! transaction. Plain data: the executor decides nothing about what to run.
//! A module of its own, so that `plan` (which builds steps) and `exec` (which
//! runs them) share the type without importing each other.

use strata_dialect_api::PreCheck;

/// One unit of a run: a migration file applied, or one version reverted.
#[derive(Debug, Clone, Default)]
pub struct Step {
    /// The version the step applies or reverts.
    pub version: String,
    /// Its description.
    pub description: String,
    /// The statements, in order.
    pub stmts: Vec<String>,
    /// Checks, each guarding the statement at its index.
    pub guards: Vec<Guard>,
    /// Statements an earlier, interrupted run already executed.
    pub done: usize,
    /// The statements may run inside a transaction (the dialect has
    /// transactional DDL and nothing in the step forbids it).
    pub tx: bool,
}

/// A check evaluated right before statement `before` of its step runs.
#[derive(Debug, Clone)]
pub struct Guard {
    /// Index of the statement it guards.
    pub before: usize,
    /// What is checked.
    pub check: Check,
}

/// What a guard asserts.
#[derive(Debug, Clone)]
pub enum Check {
    /// A planned pre-migration check: holds when its query returns true.
    Plan(PreCheck),
    /// A txtar check file: every assertion must hold, or one of them (`oneof`).
    Asserts {
        /// The assertions.
        stmts: Vec<String>,
        /// One true assertion suffices.
        oneof: bool,
    },
}
