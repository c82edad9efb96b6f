//! The command line: parse arguments, resolve the env, call the library, print.
//! Only this module knows about clap.

mod deploy;
mod fanout;
mod lint;
mod migrate;
mod plugin;
mod schema;

use crate::config::{self, LoadOptions, Project};
use crate::error::Error;
use crate::migrate::Context;
use crate::plugin::{Registry, SearchPath};
use crate::report::{Format, Output};
use clap::{Parser, Subcommand};
use std::path::{Path, PathBuf};

/// Database schema migrations, Atlas-compatible.
#[derive(Debug, Parser)]
#[command(name = "strata", version, about, propagate_version = true)]
pub struct Cli {
    /// Project file (default: atlas.hcl in the working directory, if present).
    #[arg(long, global = true, value_name = "file://atlas.hcl")]
    config: Option<String>,
    /// Take url, dev, migration dir and policies from `env "NAME"` of the project file.
    #[arg(long, global = true, value_name = "NAME")]
    env: Option<String>,
    /// Set an input variable of the project file (repeatable; `a=1,b=2` sets two).
    #[arg(long = "var", global = true, value_name = "KEY=VALUE")]
    vars: Vec<String>,
    /// Output format: `json` for machine-readable output.
    #[arg(long, global = true, value_name = "FORMAT")]
    format: Option<String>,
    /// Who runs the command, as the deployment registry records it (default: the OS user).
    #[arg(long, global = true, value_name = "NAME")]
    operator: Option<String>,
    /// With an env of several targets (`for_each`): run on this many at once.
    #[arg(long, global = true, value_name = "N", default_value_t = 1, value_parser = clap::value_parser!(u16).range(1..))]
    parallel: u16,
    /// With an env of several targets: stop starting new ones after the first failure.
    #[arg(long, global = true)]
    fail_fast: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Inspect, diff, apply and clean schemas.
    #[command(subcommand)]
    Schema(schema::SchemaCmd),
    /// Versioned migrations.
    #[command(subcommand)]
    Migrate(migrate::MigrateCmd),
    /// The deployment registry: who deployed what, where, when, with what
    /// outcome (`--env` filters); `verify` checks its hash chain.
    Deployments {
        #[command(subcommand)]
        cmd: Option<deploy::DeploymentsCmd>,
    },
    /// Plans awaiting approval (envs with an `approval` block): list, show,
    /// approve, reject.
    #[command(subcommand)]
    Plan(deploy::PlanCmd),
    /// Dialect plugins: list, info, verify a file.
    #[command(subcommand)]
    Plugin(plugin::PluginCmd),
}

/// Runs the command line; returns the exit code.
pub fn main() -> i32 {
    let preload = crate::plugin::Preload::start(std::env::args_os());
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            drop(preload);
            e.exit()
        }
    };
    let format = match cli.format.as_deref() {
        None | Some("sql" | "text" | "hcl") => Format::Text,
        Some("json") => Format::Json,
        Some("github") => Format::Github,
        Some(other) if other.contains("json") => Format::Json,
        // Atlas's `{{ sql . }}` / `{{ hcl . }}` (schema inspect checks them).
        Some(other) if other.trim_start().starts_with("{{") => Format::Text,
        Some(other) => {
            eprintln!(
                "error: unknown --format {other:?}: use json (or hcl or sql for schema inspect, github for migrate lint)"
            );
            return 2;
        }
    };
    let out = Output::new(format);
    let code = match run(&cli, out, preload) {
        Ok(code) => code,
        Err(err) => {
            report_error(out, &err);
            err.exit_code()
        }
    };
    crate::report::flush_stdout();
    crate::trace::mark("exit");
    code
}

fn report_error(out: Output, err: &Error) {
    crate::report::flush_stdout();
    let mut err_out = std::io::stderr();
    let label = if std::io::IsTerminal::is_terminal(&err_out) { "\x1b[31merror\x1b[0m" } else { "error" };
    // The last line of defence: whatever an error quotes (a URL from a flag,
    // atlas.hcl or getenv(), a driver message), no password reaches the terminal.
    let message = strata_dialect_api::mask(&err.to_string());
    let _ = std::io::Write::write_fmt(&mut err_out, format_args!("{label}: {message}\n"));
    if let Some(hint) = err.hint() {
        let _ = std::io::Write::write_fmt(&mut err_out, format_args!("  hint: {}\n", strata_dialect_api::mask(hint)));
    }
    if out.json() {
        out.print_json(&serde_json::json!({ "Error": message }));
    }
}

/// Everything a command needs besides its own flags: where to print, and
/// what the library's pipelines read ([`Context`], reached through `Deref`).
#[derive(Clone)]
pub(crate) struct Ctx {
    pub out: Output,
    pub cx: Context,
}

impl std::ops::Deref for Ctx {
    type Target = Context;
    fn deref(&self) -> &Context {
        &self.cx
    }
}

impl std::ops::DerefMut for Ctx {
    fn deref_mut(&mut self) -> &mut Context {
        &mut self.cx
    }
}

fn run(cli: &Cli, out: Output, preload: crate::plugin::Preload) -> Result<i32, Error> {
    if let Command::Migrate(migrate::MigrateCmd::Down { .. }) = &cli.command {
        preload.read_ahead(crate::plan::read_ahead_down);
    }
    let config_path = match &cli.config {
        Some(c) => Some(PathBuf::from(
            c.strip_prefix("file://")
                .ok_or_else(|| Error::Usage(format!("missing scheme for config url. Did you mean \"file://{c}\"?")))?,
        )),
        None => Some(PathBuf::from("atlas.hcl")).filter(|p| p.exists()),
    };
    if cli.env.is_some() && config_path.is_none() {
        return Err(Error::Usage(format!(
            "--env {:?} needs a project file: atlas.hcl was not found in the working directory (pass --config file://PATH)",
            cli.env.as_deref().unwrap_or_default()
        )));
    }
    let mut vars = Vec::new();
    for v in &cli.vars {
        vars.extend(config::parse_var_flag(v)?);
    }
    let base = config_path
        .as_deref()
        .and_then(Path::parent)
        .map(Path::to_path_buf)
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or_else(|| PathBuf::from("."));
    // `deployments --env E` filters by env name: no env of the file is selected.
    let select = if matches!(cli.command, Command::Deployments { .. } | Command::Plan(_) | Command::Plugin(_)) {
        None
    } else {
        cli.env.clone()
    };
    let project = match &config_path {
        Some(path) => config::load(
            path,
            &LoadOptions { env: select.clone(), vars, ..LoadOptions::default() }
                .with_data_sources(crate::datasrc::Resolver::new(base.clone())),
        )?,
        None => Project::default(),
    };
    let ledger_url = match &project.registry {
        Some(url) => url.clone(),
        None => crate::registry::default_url(&base),
    };
    // Plugins a project names load only when pinned (or allowed by the user).
    let mut plugin_files = Vec::new();
    for decl in &project.plugins {
        crate::plugin::check_pin(&decl.path, decl.sha256.as_deref())
            .map_err(|e| Error::Usage(format!("{}: plugin {:?}: {e}", decl.location, decl.name)))?;
        plugin_files.push(decl.path.clone());
    }
    // `plugin` commands look at every plugin; the others load only the
    // plugin their URLs name.
    let search = SearchPath::from_env(&plugin_files);
    let (preloaded, opening) = preload.take(&search);
    let registry = match (&cli.command, preloaded) {
        (Command::Plugin(_), _) => std::sync::Arc::new(Registry::load(&search)?),
        (_, Some(registry)) => registry?,
        (_, None) => std::sync::Arc::new(Registry::load_indexed(&search)?),
    };
    let operator = cli.operator.clone().unwrap_or_else(crate::registry::os_user);
    let rules = std::sync::Arc::new(project.policies.clone());
    let mut ctx = Ctx { out, cx: Context { registry, env: None, base, ledger_url, operator, rules, opening } };
    match &cli.command {
        Command::Deployments { cmd } => return deploy::run(&ctx, cmd.as_ref(), cli.env.as_deref()),
        Command::Plan(cmd) => return deploy::plan_cmd(&ctx, cmd, cli.env.as_deref()),
        Command::Plugin(cmd) => return plugin::run(&ctx, cmd),
        _ => {}
    }
    if select.is_none() || project.envs.len() == 1 {
        ctx.env = project.envs.into_iter().next();
        ctx.out.begin_document();
        return command(&ctx, &cli.command);
    }
    fanout::run(&ctx, project.envs, usize::from(cli.parallel), cli.fail_fast, |ctx| command(ctx, &cli.command))
}

fn command(ctx: &Ctx, command: &Command) -> Result<i32, Error> {
    match command {
        Command::Schema(cmd) => schema::run(ctx, cmd),
        Command::Migrate(cmd) => migrate::run(ctx, cmd),
        Command::Deployments { .. } | Command::Plan(_) | Command::Plugin(_) => Ok(0),
    }
}
