//! The command line: parse arguments, resolve the env, call the library, print.
//! Only this module knows about clap.

mod deploy;
mod fanout;
mod lint;
mod migrate;
mod schema;

use crate::config::{self, Env, LoadOptions, Project};
use crate::error::Error;
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
}

/// Runs the command line; returns the exit code.
pub fn main() -> i32 {
    let cli = Cli::parse();
    let format = match cli.format.as_deref() {
        None | Some("sql" | "text") => Format::Text,
        Some("json") => Format::Json,
        Some("github") => Format::Github,
        Some(other) if other.contains("json") => Format::Json,
        Some(other) => {
            eprintln!(
                "error: unknown --format {other:?}: use json (or sql for schema inspect, github for migrate lint)"
            );
            return 2;
        }
    };
    let out = Output::new(format);
    let code = match run(&cli, out) {
        Ok(code) => code,
        Err(err) => {
            report_error(out, &err);
            err.exit_code()
        }
    };
    crate::report::flush_stdout();
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

/// Everything a command needs besides its own flags.
#[derive(Clone)]
pub(crate) struct Ctx {
    pub out: Output,
    pub registry: std::sync::Arc<Registry>,
    /// The selected env instance (one per `for_each` value), if `--env` was given.
    pub env: Option<Env>,
    /// The project file's directory: relative paths in it resolve from there.
    pub base: PathBuf,
    /// The deployment registry's URL (the `registry` block, else a SQLite file
    /// under the project).
    pub ledger_url: String,
    /// Who runs the command (`--operator`, else the OS user).
    pub operator: String,
    /// The project's `policy` rules.
    pub rules: std::sync::Arc<Vec<config::Rule>>,
}

impl Ctx {
    /// The policies a run is checked against: the env's `lint` block and the project's rules.
    pub fn policies(&self) -> Result<crate::migrate::Policies, Error> {
        let lint = self.env.as_ref().map_or(serde_json::Value::Null, |e| e.lint.clone());
        crate::migrate::Policies::new(&lint, self.rules.to_vec(), self.env.as_ref().map(|e| e.name.clone()))
    }

    /// Opens the deployment registry.
    pub fn ledger(&self) -> Result<crate::registry::Ledger, Error> {
        crate::registry::Ledger::open(&self.registry, &self.ledger_url)
    }

    /// A flag's value, else the env's.
    pub fn pick(&self, flag: &Option<String>, from_env: impl Fn(&Env) -> Option<String>) -> Option<String> {
        flag.clone().or_else(|| self.env.as_ref().and_then(from_env))
    }

    /// The target URL, required.
    pub fn url(&self, flag: &Option<String>) -> Result<String, Error> {
        self.pick(flag, |e| e.url.clone()).ok_or_else(|| {
            Error::Usage("required flag \"url\" not set (pass --url, or --env with an env that sets url)".into())
        })
    }

    /// The dev URL: flag, env, or the embedded SQLite database when the target is SQLite.
    pub fn dev(&self, flag: &Option<String>, target: Option<&str>) -> Result<String, Error> {
        if let Some(dev) = self.pick(flag, |e| e.dev.clone()) {
            return Ok(dev);
        }
        match target {
            Some(t) if t.starts_with("sqlite") => Ok(crate::plan::EMBEDDED_DEV.to_string()),
            _ => Err(Error::Usage(
                "--dev-url cannot be empty: pass a URL of an empty database of the same dialect".into(),
            )),
        }
    }

    /// The migration directory's URL as given (flag, env, or the default).
    pub fn dir_url(&self, flag: &Option<String>) -> (String, bool) {
        match flag {
            Some(f) => (f.clone(), false),
            None => match self.env.as_ref().and_then(|e| e.migration.dir.clone()) {
                Some(d) => (d, true),
                None => ("file://migrations".to_string(), false),
            },
        }
    }

    /// The migration directory path (`file://` stripped), resolved against the
    /// project file; an `atlas://NAME[?tag=T]` directory is checked out of the
    /// deployment registry under `.strata/dirs`.
    pub fn dir(&self, flag: &Option<String>) -> Result<PathBuf, Error> {
        let (text, from_config) = self.dir_url(flag);
        if let Some((repo, tag)) = crate::registry::parse_dir_url(&text).map_err(Error::Usage)? {
            let snapshot = self.ledger()?.dir(&repo, tag.as_deref())?.ok_or_else(|| {
                let what = tag.as_ref().map_or_else(|| "no snapshot".to_string(), |t| format!("no tag {t:?}"));
                Error::Usage(format!(
                    "the deployment registry has {what} of directory {repo:?} (push one with: strata migrate push {repo}{} --dir file://migrations)",
                    tag.as_ref().map(|t| format!(":{t}")).unwrap_or_default()
                ))
            })?;
            return snapshot.checkout(&self.base.join(".strata").join("dirs")).map_err(Error::Failed);
        }
        let path = text
            .strip_prefix("file://")
            .ok_or_else(|| Error::Usage(format!("missing scheme for dir url. Did you mean \"file://{text}\"?")))?;
        let path = if path.is_empty() { "migrations" } else { path };
        let path = PathBuf::from(path);
        Ok(if from_config && path.is_relative() { self.base.join(path) } else { path })
    }
}

fn run(cli: &Cli, out: Output) -> Result<i32, Error> {
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
    let select =
        if matches!(cli.command, Command::Deployments { .. } | Command::Plan(_)) { None } else { cli.env.clone() };
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
    let registry = std::sync::Arc::new(Registry::load(&SearchPath::from_env(&project.plugins))?);
    let operator = cli.operator.clone().unwrap_or_else(deploy::os_user);
    let rules = std::sync::Arc::new(project.policies.clone());
    let mut ctx = Ctx { out, registry, env: None, base, ledger_url, operator, rules };
    match &cli.command {
        Command::Deployments { cmd } => return deploy::run(&ctx, cmd.as_ref(), cli.env.as_deref()),
        Command::Plan(cmd) => return deploy::plan_cmd(&ctx, cmd, cli.env.as_deref()),
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
        Command::Deployments { .. } | Command::Plan(_) => Ok(0),
    }
}
