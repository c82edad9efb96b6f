//! The pipelines of the commands that change a database through a migration
//! directory: each takes the migration lock, plans (`plan`), executes (`exec`)
//! with progress in a revision log (`revisions`), and confirms from the
//! database what it now holds. `plan` and `exec` never call each other.

mod apply;
mod context;
mod down;
mod lint;
mod log;
mod pipeline;
mod policy;

pub use crate::plan::ExecOrder;
pub use apply::{AppliedFile, ApplyOptions, ApplyReport, FileRef, StmtError, TxMode, apply};
pub use context::Context;
pub use down::{CheckOutcome, DownReport, DownWith, RevertedFile, down};
pub use lint::{LintFile, LintOptions, LintReport, lint};
pub use log::{ApplyLog, DownLog};
pub use pipeline::{Ran, run_apply, run_down};
pub use policy::{Policies, denial};
