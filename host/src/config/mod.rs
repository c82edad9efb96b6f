//! Reader of the project file `atlas.hcl`, compatible with Atlas (atlasgo.io).
//!
//! [`load`] parses the file with hcl-edit, so that every error points at `file:line:column`,
//! and evaluates it in stages: `variable` blocks (with `--var` overrides), `locals`, the `data`
//! blocks the selection reads (through a [`DataSources`] resolver), top-level `plugin` blocks
//! (a Strata extension) and the env blocks selected by `--env`, expanded by `for_each`.
//!
//! It does not apply CLI flags over env values, resolve `env://` references or implement data
//! sources: callers do that with the [`Project`] it returns.

mod error;
mod funcs;
mod load;
mod model;
mod refs;
mod rules;
mod source;
mod vars;

pub use error::{ConfigError, Location};
pub use load::load;
pub use model::{DataSources, Env, LoadOptions, Migration, PluginDecl, Project};
pub use rules::{CHANGE_ATTRS, Facts, KINDS, Rule, STMT_ATTRS};
pub use vars::parse_var_flag;
