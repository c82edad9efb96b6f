//! `strata plugin list | info | verify`: which dialect plugins were found
//! where, what they declare, and whether a file is one this strata can load.

use clap::Subcommand;
use serde_json::json;
use std::path::PathBuf;

use super::Ctx;
use crate::error::Error;
use crate::plugin::{Driver, sha256_of};
use strata_dialect_api::API_VERSION;

#[derive(Debug, Subcommand)]
pub enum PluginCmd {
    /// Every plugin found (next to strata, in STRATA_PLUGIN_PATH, in atlas.hcl),
    /// and those that failed to load.
    List,
    /// One plugin, by dialect name or URL scheme.
    Info {
        /// `sqlite`, `postgres`, `mysql`, ... or a scheme such as `maria`.
        name: String,
    },
    /// Load a file and check that this strata can use it (ABI, API version,
    /// manifest), without opening anything.
    Verify {
        /// The plugin file.
        path: PathBuf,
    },
}

fn describe(d: &Driver) -> serde_json::Value {
    let m = &d.manifest;
    json!({
        "Name": m.name,
        "Version": m.version,
        "APIVersion": format!("{}.{}", m.api_version, m.api_minor),
        "Schemes": m.url_schemes,
        "Capabilities": m.capabilities,
        "Path": d.path,
        "SHA256": sha256_of(&d.path).unwrap_or_default(),
    })
}

fn print(d: &Driver) {
    let m = &d.manifest;
    let caps = &m.capabilities;
    let mut flags = Vec::new();
    for (on, name) in [
        (caps.transactional_ddl, "transactional DDL"),
        (caps.advisory_locks, "migration lock"),
        (caps.schemas, "schemas"),
        (caps.concurrent_index, "concurrent indexes"),
    ] {
        if on {
            flags.push(name);
        }
    }
    crate::outln!("{} {} (dialect API version {}.{})", m.name, m.version, m.api_version, m.api_minor);
    crate::outln!("  schemes:      {}", m.url_schemes.join(", "));
    crate::outln!("  capabilities: {}", if flags.is_empty() { "none".to_string() } else { flags.join(", ") });
    crate::outln!("  file:         {}", d.path.display());
    crate::outln!("  sha256:       {}", sha256_of(&d.path).unwrap_or_else(|e| e));
}

pub(super) fn run(ctx: &Ctx, cmd: &PluginCmd) -> Result<i32, Error> {
    match cmd {
        PluginCmd::List => {
            let drivers = ctx.registry.drivers();
            if ctx.out.json() {
                let failures: Vec<String> = ctx.registry.failures.iter().map(ToString::to_string).collect();
                ctx.out.print_json(&json!({
                    "Plugins": drivers.iter().map(describe).collect::<Vec<_>>(),
                    "Failed": failures,
                }));
                return Ok(0);
            }
            for d in drivers {
                print(d);
            }
            for f in &ctx.registry.failures {
                crate::outln!("failed to load: {f}");
            }
            Ok(0)
        }
        PluginCmd::Info { name } => {
            let found = ctx
                .registry
                .drivers()
                .iter()
                .find(|d| d.manifest.name == *name || d.manifest.url_schemes.iter().any(|s| s == name));
            let Some(d) = found else {
                let known: Vec<&str> = ctx.registry.drivers().iter().map(|d| d.manifest.name.as_str()).collect();
                return Err(Error::Usage(format!("no plugin named {name:?} was found (found: {})", known.join(", "))));
            };
            if ctx.out.json() {
                ctx.out.print_json(&describe(d));
            } else {
                print(d);
            }
            Ok(0)
        }
        PluginCmd::Verify { path } => {
            // A file that does not load is bad input: exit 2 with what is wrong.
            let d = crate::plugin::verify(path).map_err(|e| Error::Usage(e.to_string()))?;
            if ctx.out.json() {
                let mut v = describe(&d);
                v["Compatible"] = json!(true);
                v["HostAPIVersion"] = json!(format!("{API_VERSION}.{}", strata_dialect_api::API_MINOR));
                ctx.out.print_json(&v);
            } else {
                print(&d);
                crate::outln!(
                    "compatible: this strata uses dialect API version {API_VERSION}.{}",
                    strata_dialect_api::API_MINOR
                );
            }
            Ok(0)
        }
    }
}
