//! The blocking bridge of a dialect whose driver is async: one current-thread
//! tokio runtime per plugin (each plugin links its own copy of this crate),
//! created on first use and driven by `block_on` from the calling thread, so
//! a driver's connection tasks run whenever a call drives it.

use std::sync::OnceLock;
use strata_dialect_api::{ErrorKind, PluginError};
use tokio::runtime::Runtime;

fn runtime(dialect: &str) -> Result<&'static Runtime, PluginError> {
    static RUNTIME: OnceLock<Runtime> = OnceLock::new();
    if let Some(rt) = RUNTIME.get() {
        return Ok(rt);
    }
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| PluginError::new(ErrorKind::Internal, format!("starting the {dialect} runtime: {e}")))?;
    // Two threads racing here build two runtimes; the loser's is dropped unused.
    Ok(RUNTIME.get_or_init(|| rt))
}

/// Runs `fut` to completion on the plugin's runtime (`dialect` names it in
/// the error when the runtime cannot start).
///
/// # Errors
/// When the runtime cannot be created.
pub fn block_on<F: std::future::Future>(dialect: &str, fut: F) -> Result<F::Output, PluginError> {
    Ok(runtime(dialect)?.block_on(fut))
}
