//! The pipelines of the commands that change a database (see the crate's
//! documentation): each takes the migration lock, plans (`plan`), executes
//! (`exec`) with progress in a revision log (`revisions`), and confirms from
//! the database what it now holds; `pipeline` wraps `migrate apply` and
//! `migrate down` in the deployment registry's gates and records. `plan` and
//! `exec` never call each other.

mod apply;
mod context;
mod down;
mod lint;
mod log;
mod pipeline;
mod policy;
mod schema_apply;
mod set;
mod status;

pub use crate::plan::{ExecOrder, InDoubt};
pub use apply::{ApplyOptions, TxMode, apply};
pub use context::Context;
pub use down::{DownWith, down};
pub use lint::{LintOptions, lint};
pub use log::{ApplyLog, DownLog};
pub use pipeline::{Opened, Ran, open, run_apply, run_down};
pub use policy::{Policies, denial};
pub use schema_apply::{SchemaApplyOptions, SchemaApplyUi, schema_apply, schema_clean};
pub use set::set;
pub use status::status;
// The reports live with `report`; named here too, where callers of the pipelines look.
pub use crate::report::{
    AppliedFile, ApplyReport, CheckOutcome, DownReport, FileRef, LintFile, LintReport, RevertedFile, SetReport,
    StatusReport, StmtError,
};
