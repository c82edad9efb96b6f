//! `strata plugin list | info | verify | test`: which dialect plugins were
//! found where, what they declare, whether a file is one this strata can
//! load, and whether a plugin keeps the contract on a real database.

use clap::Subcommand;
use serde_json::json;
use std::path::PathBuf;

use super::Ctx;
use crate::conformance::Status;
use crate::error::Error;
use crate::plugin::{Driver, sha256_of};
use strata_dialect_api::{API_VERSION, DbUrl};

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
    /// Check a plugin against a real database: the conformance kit. It
    /// creates and drops tables named `strata_conformance…` there, so give it
    /// a scratch database.
    Test {
        /// A dialect name or scheme (`sqlite`), or a plugin file.
        plugin: String,
        /// The database to test against.
        #[arg(long)]
        url: String,
        /// A second scratch database, for the declarative path (`schema apply`).
        #[arg(long = "dev-url")]
        dev_url: Option<String>,
        /// The integer and text column types the kit's tables use, as
        /// `INT,TEXT` (default `integer,varchar(100)`; ClickHouse: `Int64,String`).
        #[arg(long)]
        types: Option<String>,
    },
}

/// A loaded plugin by name or scheme, or a file loaded on the spot.
fn find(ctx: &Ctx, name: &str) -> Result<Driver, Error> {
    let found = ctx
        .registry
        .drivers()
        .into_iter()
        .find(|d| d.manifest.name == *name || d.manifest.url_schemes.iter().any(|s| s == name));
    if let Some(d) = found {
        return Ok(d.clone());
    }
    let path = std::path::Path::new(name);
    if path.is_file() {
        return crate::plugin::verify(path).map_err(|e| Error::Usage(e.to_string()));
    }
    let known: Vec<&str> = ctx.registry.drivers().iter().map(|d| d.manifest.name.as_str()).collect();
    Err(Error::Usage(format!("no plugin named {name:?} was found (found: {})", known.join(", "))))
}

fn conformance(ctx: &Ctx, plugin: &str, url: &str, dev_url: Option<&str>, types: Option<&str>) -> Result<i32, Error> {
    let types = match types.map(|t| t.split_once(',')) {
        None => crate::conformance::Types::default(),
        Some(Some((int, text))) if !int.trim().is_empty() && !text.trim().is_empty() => {
            crate::conformance::Types { int: int.trim().into(), text: text.trim().into() }
        }
        Some(_) => return Err(Error::Usage("--types: expected INT,TEXT, e.g. --types Int64,String".into())),
    };
    let driver = find(ctx, plugin)?;
    let parse = |flag: &str, raw: &str| {
        let url = DbUrl::parse(raw).map_err(|e| Error::Usage(format!("{flag}: {e}")))?;
        let base = url.scheme.split('+').next().unwrap_or(&url.scheme).to_string();
        if !driver.manifest.url_schemes.iter().any(|s| *s == url.scheme || *s == base) {
            return Err(Error::Usage(format!(
                "{flag} {}: plugin {} opens {}, not {:?}",
                url.redacted(),
                driver.manifest.name,
                driver.manifest.url_schemes.join(", "),
                url.scheme
            )));
        }
        Ok(url)
    };
    let url = parse("--url", url)?;
    let dev = dev_url.map(|d| parse("--dev-url", d)).transpose()?;
    let outcomes = crate::conformance::run(&driver, &url, dev.as_ref(), &types);
    let failed = outcomes.iter().filter(|o| o.status == Status::Fail).count();
    if ctx.out.json() {
        ctx.out.print_json(&json!({ "Plugin": describe(&driver), "URL": url.redacted(), "Checks": outcomes }));
    } else {
        crate::outln!("{} {} against {}", driver.manifest.name, driver.manifest.version, url.redacted());
        for o in &outcomes {
            let status = match o.status {
                Status::Pass => "PASS",
                Status::Fail => "FAIL",
                Status::Skip => "SKIP",
            };
            let detail = if o.status == Status::Skip { "not claimed by the plugin" } else { o.detail.as_str() };
            crate::outln!("{status}  {:<22} {}", o.name, strata_dialect_api::mask(detail));
        }
        let count = |s: Status| outcomes.iter().filter(|o| o.status == s).count();
        crate::outln!(
            "conformance: {} of {} checks hold, {failed} fail, {} skipped",
            count(Status::Pass),
            outcomes.len(),
            count(Status::Skip)
        );
    }
    Ok(if failed > 0 { 1 } else { 0 })
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
        (caps.append_only_bookkeeping, "append-only bookkeeping"),
        (caps.no_transactions, "no transactions"),
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
                    "Plugins": drivers.iter().copied().map(describe).collect::<Vec<_>>(),
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
            let d = find(ctx, name)?;
            if ctx.out.json() {
                ctx.out.print_json(&describe(&d));
            } else {
                print(&d);
            }
            Ok(0)
        }
        PluginCmd::Test { plugin, url, dev_url, types } => {
            conformance(ctx, plugin, url, dev_url.as_deref(), types.as_deref())
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
