//! `strata migrate …`

use super::Ctx;
use crate::clock;
use crate::dir::{Dir, HashFile};
use crate::error::Error;
use crate::exec;
use crate::migrate::{self, ApplyOptions, ExecOrder, InDoubt, TxMode};
use crate::plan::{self, DevDb, DownOptions, Source};
use crate::report::{StatusReport, TextProgress, plural};
use crate::revisions::RevisionStore;
use clap::{Args, Subcommand};
use serde_json::json;
use std::path::Path;
use std::time::{Duration, SystemTime};

#[derive(Debug, Args)]
pub struct DirArg {
    /// The migration directory.
    #[arg(long, value_name = "file://migrations")]
    dir: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum MigrateCmd {
    /// Create an empty migration file.
    New {
        /// The file's description.
        name: Option<String>,
        #[command(flatten)]
        dir: DirArg,
    },
    /// Write the migration that brings the directory to the desired schema.
    Diff {
        /// The file's description.
        name: Option<String>,
        /// The desired state: file://schema.sql (or a URL).
        #[arg(long)]
        to: Option<String>,
        /// An empty database to replay the directory on.
        #[arg(long)]
        dev_url: Option<String>,
        #[command(flatten)]
        dir: DirArg,
    },
    /// Rewrite atlas.sum.
    Hash {
        #[command(flatten)]
        dir: DirArg,
    },
    /// Check atlas.sum and the versions, with --dev-url that every file runs, and
    /// with --url that the directory agrees with the database's revisions.
    Validate {
        /// An empty database to replay the directory on.
        #[arg(long)]
        dev_url: Option<String>,
        /// A database whose applied versions to check against the directory.
        #[arg(short = 'u', long)]
        url: Option<String>,
        /// Schema holding the revisions table.
        #[arg(long)]
        revisions_schema: Option<String>,
        /// Out-of-order files: linear (refused), linear-skip or non-linear.
        #[arg(long)]
        exec_order: Option<String>,
        #[command(flatten)]
        dir: DirArg,
    },
    /// Show applied and pending versions.
    Status {
        /// The target database.
        #[arg(short = 'u', long)]
        url: Option<String>,
        /// Schema holding the revisions table.
        #[arg(long)]
        revisions_schema: Option<String>,
        #[command(flatten)]
        dir: DirArg,
    },
    /// Apply pending migration files.
    Apply {
        /// Apply at most this many files.
        amount: Option<String>,
        /// The target database.
        #[arg(short = 'u', long)]
        url: Option<String>,
        #[command(flatten)]
        dir: DirArg,
        /// Print and run checks; change nothing.
        #[arg(long)]
        dry_run: bool,
        /// Stop after this version.
        #[arg(long)]
        to_version: Option<String>,
        /// First run on a non-empty database: record this version as applied.
        #[arg(long)]
        baseline: Option<String>,
        /// First run on a non-empty database: apply everything.
        #[arg(long, conflicts_with = "baseline")]
        allow_dirty: bool,
        /// Transaction mode: file, all or none.
        #[arg(long)]
        tx_mode: Option<String>,
        /// Out-of-order files: linear, linear-skip or non-linear.
        #[arg(long)]
        exec_order: Option<String>,
        /// Schema holding the revisions table.
        #[arg(long)]
        revisions_schema: Option<String>,
        /// How long to wait for the migration lock (a Go duration: 10s, 500ms, 1m30s, 0).
        #[arg(long, value_name = "DURATION", value_parser = lock_timeout_arg)]
        lock_timeout: Option<String>,
        /// An empty database of the same dialect, used only to settle where an
        /// interrupted run stopped (SQLite: an embedded one by default).
        #[arg(long)]
        dev_url: Option<String>,
        /// A data statement whose fate an interrupted run left unknown (on a
        /// database without transactions): `skip` if it ran, `run` if it did not.
        #[arg(long, value_name = "skip|run", value_parser = ["skip", "run"])]
        in_doubt: Option<String>,
    },
    /// Revert applied versions with a plan computed from the database's actual state.
    Down {
        /// Revert this many versions (default 1).
        amount: Option<String>,
        /// The target database.
        #[arg(short = 'u', long)]
        url: Option<String>,
        #[command(flatten)]
        dir: DirArg,
        /// An empty database of the same dialect to compute states on.
        #[arg(long)]
        dev_url: Option<String>,
        /// Revert everything applied after this version.
        #[arg(long, conflicts_with_all = ["amount", "to_tag"])]
        to_version: Option<String>,
        /// Revert to the newest version the directory held at this Git tag, branch or commit.
        #[arg(long, conflicts_with = "amount")]
        to_tag: Option<String>,
        /// Print the plan and run the checks; change nothing.
        #[arg(long)]
        dry_run: bool,
        /// Do not run pre-migration checks.
        #[arg(long)]
        skip_checks: bool,
        /// Compute plans even for versions that carry a down.sql.
        #[arg(long)]
        plan: bool,
        /// Schema holding the revisions table.
        #[arg(long)]
        revisions_schema: Option<String>,
        /// How long to wait for the migration lock (a Go duration: 10s, 500ms, 1m30s, 0).
        #[arg(long, value_name = "DURATION", value_parser = lock_timeout_arg)]
        lock_timeout: Option<String>,
    },
    /// Mark the database as being at VERSION without running anything.
    Set {
        /// The version to set.
        #[arg(value_name = "VERSION")]
        target: Option<String>,
        /// The target database.
        #[arg(short = 'u', long)]
        url: Option<String>,
        /// Schema holding the revisions table.
        #[arg(long)]
        revisions_schema: Option<String>,
        #[command(flatten)]
        dir: DirArg,
        /// How long to wait for the migration lock (a Go duration: 10s, 500ms, 1m30s, 0).
        #[arg(long, value_name = "DURATION", value_parser = lock_timeout_arg)]
        lock_timeout: Option<String>,
    },
    /// Analyze new migration files on the dev database: built-in analyzers
    /// (configured by `lint` blocks) and the project's `policy` rules; exit 1
    /// on an error (`--format json` or `github` for annotations).
    Lint {
        /// An empty database of the same dialect to replay the directory on.
        #[arg(long)]
        dev_url: Option<String>,
        /// Analyze the last N files.
        #[arg(long, value_name = "N")]
        latest: Option<usize>,
        /// Analyze the files added since this Git ref.
        #[arg(long, value_name = "REF", conflicts_with = "latest")]
        git_base: Option<String>,
        #[command(flatten)]
        dir: DirArg,
    },
    /// Store the directory in the deployment registry as NAME[:TAG] (default
    /// tag: the current Git commit), for `dir = "atlas://NAME[?tag=TAG]"`.
    Push {
        /// NAME or NAME:TAG.
        #[arg(value_name = "NAME[:TAG]")]
        target: String,
        #[command(flatten)]
        dir: DirArg,
    },
    /// Remove a migration file and update atlas.sum.
    Rm {
        /// The version (or file name) to remove.
        #[arg(value_name = "VERSION")]
        target: String,
        #[command(flatten)]
        dir: DirArg,
    },
}

pub fn run(ctx: &Ctx, cmd: &MigrateCmd) -> Result<i32, Error> {
    match cmd {
        MigrateCmd::New { name, dir } => new(ctx, name, dir),
        MigrateCmd::Diff { name, to, dev_url, dir } => diff(ctx, name, to, dev_url, dir),
        MigrateCmd::Hash { dir } => hash(ctx, dir),
        MigrateCmd::Validate { .. } => validate(ctx, cmd),
        MigrateCmd::Status { url, revisions_schema, dir } => status(ctx, url, revisions_schema, dir),
        MigrateCmd::Apply { .. } => apply(ctx, cmd),
        MigrateCmd::Down { .. } => down(ctx, cmd),
        MigrateCmd::Set { target, url, revisions_schema, dir, lock_timeout } => {
            set(ctx, target, url, revisions_schema, dir, lock_timeout)
        }
        MigrateCmd::Rm { target, dir } => rm(ctx, target, dir),
        MigrateCmd::Push { target, dir } => push(ctx, target, dir),
        MigrateCmd::Lint { dev_url, latest, git_base, dir: arg } => {
            let dir = open_dir(ctx, arg)?;
            check_versions(&dir)?;
            check_sum(&dir)?;
            let dev = ctx.pick(dev_url, |e| e.dev.clone()).ok_or_else(|| {
                Error::Usage(
                    "--dev-url is required: an empty database of the target's dialect to replay the directory on"
                        .into(),
                )
            })?;
            super::lint::run(ctx, &dir, &dev, *latest, git_base.clone())
        }
    }
}

fn open_dir(ctx: &Ctx, arg: &DirArg) -> Result<Dir, Error> {
    let path = ctx.dir(&arg.dir)?;
    Dir::open(&path).map_err(|e| Error::Usage(e.to_string()))
}

/// The directory, read and verified, and the target's URL, while the target opens on another
/// thread, then the deployment registry (when the run `changes` the target):
/// see [`migrate::open`]. A directory that is wrong is reported first, as
/// when they ran one after the other.
fn read_and_open(
    ctx: &Ctx,
    arg: &DirArg,
    url: &Option<String>,
    changes: bool,
) -> Result<(Dir, String, migrate::Opened), Error> {
    let verified = || -> Result<Dir, Error> {
        let dir = open_dir(ctx, arg)?;
        crate::trace::mark("directory read");
        check_versions(&dir)?;
        check_sum(&dir)?;
        crate::trace::mark("directory read and verified");
        Ok(dir)
    };
    let url = match ctx.url(url) {
        Ok(url) => url,
        Err(e) => {
            verified()?;
            return Err(e);
        }
    };
    let (dir, opened) = migrate::open(ctx, &url, changes, verified)?;
    Ok((dir, url, opened))
}

/// Refuses a directory whose atlas.sum does not match its files.
fn check_sum(dir: &Dir) -> Result<(), Error> {
    crate::dir::validate(dir).map_err(|e| {
        let detail = match &e {
            crate::dir::SumError::Checksum(c) => format!("checksum mismatch: {c}"),
            other => other.to_string(),
        };
        Error::refused(
            format!(
                "you have a checksum error in your migration directory ({}): {detail}",
                dir.path().join("atlas.sum").display()
            ),
            format!(
                "check your migration files and run 'strata migrate hash --dir file://{}' to re-hash the contents",
                dir.path().display()
            ),
        )
    })
}

/// Refuses a directory whose files share a version or have none: a version
/// names one file, in the directory and in the revisions table.
fn check_versions(dir: &Dir) -> Result<(), Error> {
    plan::check_dir(dir.files()).map_err(|e| e.into_error(dir.path()))
}

fn write_sum(dir: &Dir) -> Result<(), Error> {
    let sum = HashFile::compute(dir.files());
    dir.write_file("atlas.sum", &sum.to_bytes()).map_err(|e| Error::Usage(e.to_string()))
}

fn new(ctx: &Ctx, name: &Option<String>, arg: &DirArg) -> Result<i32, Error> {
    let path = ctx.dir(&arg.dir)?;
    std::fs::create_dir_all(&path).map_err(|e| Error::Usage(format!("creating {}: {e}", path.display())))?;
    let dir = open_dir(ctx, arg)?;
    check_sum(&dir)?;
    let file = file_name(&dir, name);
    dir.write_file(&file, b"").map_err(|e| Error::Usage(e.to_string()))?;
    let dir = open_dir(ctx, arg)?;
    write_sum(&dir)?;
    if ctx.out.json() {
        ctx.out.print_json(&json!({ "File": path.join(&file) }));
    } else {
        crate::outln!("{}", path.join(&file).display());
    }
    Ok(0)
}

/// The name of a new file: `<UTC timestamp>[_name].sql`, and always after the
/// directory's last version, even when two files are made within one second.
fn file_name(dir: &Dir, name: &Option<String>) -> String {
    let mut version = clock::version_stamp(SystemTime::now());
    if let Some(last) = dir.files().last().map(|f| f.version().to_string())
        && last.as_bytes() >= version.as_bytes()
        && let Ok(n) = last.parse::<u64>()
    {
        version = (n + 1).to_string();
    }
    match name.as_deref().filter(|n| !n.is_empty()) {
        Some(n) => format!("{version}_{n}.sql"),
        None => format!("{version}.sql"),
    }
}

fn diff(
    ctx: &Ctx,
    name: &Option<String>,
    to: &Option<String>,
    dev_url: &Option<String>,
    arg: &DirArg,
) -> Result<i32, Error> {
    let to = to
        .clone()
        .or_else(|| ctx.env.as_ref().and_then(|e| e.src.first().cloned()))
        .ok_or_else(|| Error::Usage("required flag \"to\" not set (pass --to file://schema.sql)".into()))?;
    let path = ctx.dir(&arg.dir)?;
    std::fs::create_dir_all(&path).map_err(|e| Error::Usage(format!("creating {}: {e}", path.display())))?;
    let dir = open_dir(ctx, arg)?;
    check_sum(&dir)?;
    let dev_url =
        ctx.dev(dev_url, Some(&to).filter(|t| !t.starts_with("file://")).map(String::as_str).or(Some("sqlite")))?;
    let mut dev = DevDb::open(&ctx.registry, &dev_url)?;
    let files: Vec<_> = dir.files().iter().collect();
    let current = dev.state_of_dir(dir.path(), &files)?;
    let desired = plan::load_state(&ctx.registry, &Source::parse(&to), Some(&mut dev))?;
    let driver = dev.driver().clone();
    let plan = plan::plan(&driver, &current, &desired, &dev.plan_options(false))?;
    if plan.is_empty() {
        if ctx.out.json() {
            ctx.out.print_json(&json!({ "File": null }));
        } else {
            crate::outln!("The migration directory is synced with the desired state, no changes to be made");
        }
        return Ok(0);
    }
    let file = file_name(&dir, name);
    dir.write_file(&file, plan::plan_sql(&plan, true).as_bytes()).map_err(|e| Error::Usage(e.to_string()))?;
    write_sum(&open_dir(ctx, arg)?)?;
    if ctx.out.json() {
        ctx.out.print_json(&json!({ "File": path.join(&file), "Statements": plan.statements.iter().map(|s| &s.sql).collect::<Vec<_>>() }));
    } else {
        crate::outln!("{}", path.join(&file).display());
    }
    Ok(0)
}

fn hash(ctx: &Ctx, arg: &DirArg) -> Result<i32, Error> {
    let dir = open_dir(ctx, arg)?;
    write_sum(&dir)?;
    if ctx.out.json() {
        ctx.out.print_json(&json!({ "File": dir.path().join("atlas.sum") }));
    }
    Ok(0)
}

fn validate(ctx: &Ctx, cmd: &MigrateCmd) -> Result<i32, Error> {
    let MigrateCmd::Validate { dev_url, url, revisions_schema, exec_order: order, dir: arg } = cmd else {
        return Ok(2);
    };
    let dir = open_dir(ctx, arg)?;
    check_versions(&dir)?;
    check_sum(&dir)?;
    let dev = ctx.pick(dev_url, |e| e.dev.clone());
    if let Some(dev) = dev {
        let mut dev = DevDb::open(&ctx.registry, &dev)?;
        let files: Vec<_> = dir.files().iter().collect();
        dev.state_of_dir(dir.path(), &files)
            .map_err(|e| Error::Refused { message: format!("replaying the migration directory: {e}"), hint: None })?;
    }
    // Only an explicit --url: validating a directory never connects to a target by surprise.
    let mut revisions = None;
    if let Some(url) = url {
        let order = ctx.exec_order(order)?;
        let mut conn = plan::open(&ctx.registry, url)?;
        let schema =
            revisions_schema.clone().or_else(|| ctx.env.as_ref().and_then(|e| e.migration.revisions_schema.clone()));
        let applied = RevisionStore::new(&conn, schema.as_deref())?.read(&mut conn)?;
        plan::check_history(dir.files(), &applied, order).map_err(|e| e.into_error(dir.path()))?;
        revisions = Some(applied.len());
    }
    let n = dir.files().len();
    if ctx.out.json() {
        let mut report = json!({ "Valid": true, "Files": n });
        if let Some(r) = revisions {
            report["Revisions"] = r.into();
        }
        ctx.out.print_json(&report);
    } else if let Some(r) = revisions {
        crate::outln!(
            "Migration directory is valid ({n} file{}) and agrees with the database ({r} revision{})",
            plural(n),
            plural(r)
        );
    } else {
        crate::outln!("Migration directory is valid ({n} file{})", plural(n));
    }
    Ok(0)
}

fn status(ctx: &Ctx, url: &Option<String>, revisions_schema: &Option<String>, arg: &DirArg) -> Result<i32, Error> {
    let dir = open_dir(ctx, arg)?;
    check_versions(&dir)?;
    check_sum(&dir)?;
    let url = ctx.url(url)?;
    let schema =
        revisions_schema.clone().or_else(|| ctx.env.as_ref().and_then(|e| e.migration.revisions_schema.clone()));
    let report = migrate::status(ctx, &dir, &url, schema.as_deref())?;
    if ctx.out.json() {
        ctx.out.print_json(&report);
        return Ok(0);
    }
    let StatusReport { status, current, next, partial, executed, pending, out_of_order, history_error, .. } = &report;
    let partial = partial.as_ref();
    let colored = if *status == "OK" { ctx.out.paint("32", status) } else { ctx.out.paint("33", status) };
    crate::outln!("Migration Status: {colored}");
    let cur = match (current, partial) {
        (Some(c), Some(p)) => format!("{c} ({} statements applied)", p.applied),
        (Some(c), None) => c.clone(),
        (None, _) => "No migration applied yet".into(),
    };
    crate::outln!("  -- Current Version: {}", ctx.out.paint("36", &cur));
    let nxt = match (next, partial) {
        (Some(n), Some(p)) => format!("{n} ({} statements left)", p.total - p.applied),
        (Some(n), None) => n.clone(),
        (None, _) if history_error.is_some() => "UNKNOWN".into(),
        (None, _) => "Already at latest version".into(),
    };
    crate::outln!("  -- Next Version:    {}", ctx.out.paint("36", &nxt));
    crate::outln!("  -- Executed Files:  {executed}{}", if partial.is_some() { " (last one partially)" } else { "" });
    // Atlas's count: the files in order, then the out-of-order ones.
    let in_order = pending.len() - pending.iter().filter(|f| out_of_order.contains(f)).count();
    let count = in_order + out_of_order.len();
    match (out_of_order.len(), in_order) {
        (0, _) => crate::outln!("  -- Pending Files:   {count}"),
        (_, 0) => crate::outln!("  -- Pending Files:   {count} (out of order)"),
        (k, _) => crate::outln!("  -- Pending Files:   {count} ({k} out of order)"),
    }
    if let Some(e) = history_error.as_ref().filter(|_| partial.is_none()) {
        crate::outln!("\n  {} {e}", ctx.out.paint("31", "ERROR:"));
    }
    if let Some(p) = partial.filter(|p| p.error.is_some()) {
        crate::outln!("\nLast migration attempt had errors:");
        crate::outln!("  -- SQL:   {}", p.error_stmt.clone().unwrap_or_default().replace('\n', " "));
        crate::outln!(
            "  -- {}: {}",
            ctx.out.paint("31", "ERROR"),
            p.error.clone().unwrap_or_default().replace('\n', " ")
        );
    }
    if let Some(f) = &report.failed_attempt {
        crate::outln!("\nLast migration attempt had errors (rolled back, nothing of it applied):");
        crate::outln!("  -- File:  {} ({})", f.name, f.at);
        if !f.stmt.is_empty() {
            crate::outln!("  -- SQL:   {}", f.stmt.replace('\n', " "));
        }
        crate::outln!("  -- {}: {}", ctx.out.paint("31", "ERROR"), f.error.replace('\n', " "));
    }
    Ok(0)
}

/// A lock timeout from atlas.hcl (flag values were checked by clap already).
fn parse_duration(text: &str) -> Result<Duration, Error> {
    go_duration(text).map_err(|why| {
        Error::Usage(format!("invalid lock timeout {text:?} (--lock-timeout, or lock_timeout in atlas.hcl): {why}"))
    })
}

/// Checks a `--lock-timeout` value while clap parses, so that a bad one is a
/// usage error (exit 2) naming the flag and the value.
pub(super) fn lock_timeout_arg(text: &str) -> Result<String, String> {
    go_duration(text).map(|_| text.to_string())
}

/// Parses a duration as Go's `time.ParseDuration` does, which Atlas uses for
/// `--lock-timeout`: `0`, or numbers with units (`ns`, `us`/`µs`, `ms`, `s`,
/// `m`, `h`) such as `10s`, `1.5m` or `1m30s`. Negative ones are refused: a
/// timeout cannot be. Go's limit, 2562047h, bounds the value.
pub(super) fn go_duration(text: &str) -> Result<Duration, String> {
    const MAX_NANOS: u128 = i64::MAX as u128;
    const UNITS: &str = "use ns, us, ms, s, m or h, e.g. 10s, 500ms or 1m30s";
    if text == "0" || text == "+0" {
        return Ok(Duration::ZERO);
    }
    let mut rest = text.strip_prefix('+').unwrap_or(text);
    if rest.starts_with('-') {
        return Err("a timeout cannot be negative".into());
    }
    if rest.is_empty() {
        return Err(format!("not a duration: {UNITS}"));
    }
    let digits = |s: &str| s.bytes().take_while(u8::is_ascii_digit).count();
    let mut nanos: u128 = 0;
    while !rest.is_empty() {
        let (int, after) = rest.split_at(digits(rest));
        let (frac, after) = match after.strip_prefix('.') {
            Some(f) => f.split_at(digits(f)),
            None => ("", after),
        };
        if int.is_empty() && frac.is_empty() {
            return Err(format!("not a duration: {UNITS}"));
        }
        let (unit, after) = after.split_at(after.find(|c: char| c.is_ascii_digit() || c == '.').unwrap_or(after.len()));
        let scale: u128 = match unit {
            "ns" => 1,
            "us" | "\u{b5}s" | "\u{3bc}s" => 1_000,
            "ms" => 1_000_000,
            "s" => 1_000_000_000,
            "m" => 60_000_000_000,
            "h" => 3_600_000_000_000,
            "" => return Err(format!("missing unit: {UNITS}")),
            other => return Err(format!("unknown unit {other:?}: {UNITS}")),
        };
        // Digits beyond what the limit allows cannot fit: stop before u128 overflows.
        let whole = int.bytes().try_fold(0u128, |v, d| {
            v.checked_mul(10).and_then(|v| v.checked_add(u128::from(d - b'0'))).filter(|v| *v <= MAX_NANOS)
        });
        let whole = whole.ok_or_else(out_of_range)?;
        // Nanosecond precision needs no more than 18 fraction digits.
        let frac = frac.get(..frac.len().min(18)).unwrap_or_default();
        let frac_nanos = frac.bytes().fold(0u128, |v, d| v * 10 + u128::from(d - b'0')) * scale
            / 10u128.pow(u32::try_from(frac.len()).unwrap_or(0));
        nanos = whole
            .checked_mul(scale)
            .and_then(|n| n.checked_add(frac_nanos))
            .and_then(|n| n.checked_add(nanos))
            .filter(|n| *n <= MAX_NANOS)
            .ok_or_else(out_of_range)?;
        rest = after;
    }
    u64::try_from(nanos).map(Duration::from_nanos).map_err(|_| out_of_range())
}

fn out_of_range() -> String {
    "out of range: at most 2562047h".to_string()
}

fn apply(ctx: &Ctx, cmd: &MigrateCmd) -> Result<i32, Error> {
    let MigrateCmd::Apply {
        amount,
        url,
        dir: arg,
        dry_run,
        to_version,
        baseline,
        allow_dirty,
        tx_mode,
        exec_order,
        revisions_schema,
        lock_timeout,
        dev_url,
        in_doubt,
    } = cmd
    else {
        return Ok(2);
    };
    let amount = match amount {
        None => None,
        Some(a) => match a.parse::<usize>() {
            Ok(0) => return Err(Error::Usage("cannot apply '0' migration files".into())),
            Ok(n) => Some(n),
            Err(e) => {
                return Err(Error::Usage(format!(
                    "invalid amount argument {a:?} ({e}). Omit the argument or pass a valid integer instead"
                )));
            }
        },
    };
    let m = ctx.env.as_ref().map(|e| e.migration.clone()).unwrap_or_default();
    let opts = ApplyOptions {
        amount,
        to_version: to_version.clone().or(m.to_version),
        baseline: baseline.clone().or(m.baseline),
        allow_dirty: *allow_dirty,
        dry_run: *dry_run,
        tx_mode: tx_mode
            .clone()
            .or(m.tx_mode)
            .map(|t| t.parse::<TxMode>())
            .transpose()
            .map_err(Error::Usage)?
            .unwrap_or_default(),
        revisions_schema: revisions_schema.clone().or(m.revisions_schema),
        lock_timeout: lock_timeout
            .clone()
            .or(m.lock_timeout)
            .map(|t| parse_duration(&t))
            .transpose()?
            .unwrap_or(Duration::from_secs(10)),
        exec_order: exec_order
            .clone()
            .or(m.exec_order)
            .map(|t| t.parse::<ExecOrder>())
            .transpose()
            .map_err(Error::Usage)?
            .unwrap_or_default(),
        dev_url: ctx.pick(dev_url, |e| e.dev.clone()),
        in_doubt: in_doubt.as_deref().map(|v| if v == "skip" { InDoubt::Skip } else { InDoubt::Run }),
    };
    crate::trace::mark("apply: plugins loaded, configuration read");
    let (dir, url, opened) = read_and_open(ctx, arg, url, !opts.dry_run)?;
    let repo = repo_name(ctx, arg, &dir);
    let mut progress = TextProgress::new(ctx.out, dir.files().len());
    let mut quiet = exec::Quiet;
    let sink: &mut dyn exec::Progress = if ctx.out.json() { &mut quiet } else { &mut progress };
    let mut findings = |f: &[strata_policies::Finding]| super::lint::print_findings(ctx, f);
    let migrate::Ran { report, elapsed } =
        migrate::run_apply(ctx, opened, &dir, &url, &repo, &opts, sink, &mut findings)?;
    if ctx.out.json() {
        ctx.out.print_json(&report);
    } else if report.applied.is_empty() && report.error.is_none() {
        crate::outln!("{}", report.message);
    } else {
        let (ok, failed) = progress.stmt_counts();
        let files_ok = report.applied.iter().filter(|f| f.error.is_none()).count();
        let files_failed = report.applied.len() - files_ok;
        crate::outln!("  -------------------------");
        crate::outln!("  -- {}", clock::go_duration(elapsed));
        if files_failed == 0 {
            crate::outln!("  -- {} migration{}", files_ok, plural(files_ok));
            crate::outln!("  -- {} sql statement{}", ok, plural(ok));
        } else {
            crate::outln!("  -- {files_ok} migration{} ok, {files_failed} with errors", plural(files_ok));
            crate::outln!("  -- {ok} sql statement{} ok, {failed} with errors", plural(ok));
        }
        let (checks_ok, checks_failed) = progress.check_counts();
        if checks_ok + checks_failed > 0 {
            if checks_failed == 0 {
                crate::outln!("  -- {checks_ok} check{}", plural(checks_ok));
            } else {
                crate::outln!("  -- {checks_ok} checks ok, {checks_failed} failure{}", plural(checks_failed));
            }
        }
        if opts.dry_run {
            crate::outln!("  -- dry run: nothing was changed");
        }
    }
    match report.error {
        Some(e) => Err(Error::Failed(e)),
        None => Ok(0),
    }
}

/// The directory's name in the registry: `migration { repo }`, else its folder name.
fn repo_name(ctx: &Ctx, arg: &DirArg, dir: &Dir) -> String {
    if let Ok(Some((name, _))) = crate::registry::parse_dir_url(&ctx.dir_url(&arg.dir).0) {
        return name;
    }
    ctx.env.as_ref().and_then(|e| e.migration.repo.clone()).unwrap_or_else(|| {
        let path = std::path::absolute(dir.path()).unwrap_or_else(|_| dir.path().to_path_buf());
        path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()
    })
}

fn set(
    ctx: &Ctx,
    version: &Option<String>,
    url: &Option<String>,
    revisions_schema: &Option<String>,
    arg: &DirArg,
    lock_timeout: &Option<String>,
) -> Result<i32, Error> {
    let lock_timeout = lock_timeout
        .clone()
        .or_else(|| ctx.env.as_ref().and_then(|e| e.migration.lock_timeout.clone()))
        .map(|t| parse_duration(&t))
        .transpose()?
        .unwrap_or(Duration::from_secs(10));
    let dir = open_dir(ctx, arg)?;
    check_versions(&dir)?;
    check_sum(&dir)?;
    let url = ctx.url(url)?;
    let schema =
        revisions_schema.clone().or_else(|| ctx.env.as_ref().and_then(|e| e.migration.revisions_schema.clone()));
    let report = migrate::set(ctx, &dir, &url, version.as_deref(), schema.as_deref(), lock_timeout)?;
    if ctx.out.json() {
        ctx.out.print_json(&report);
        return Ok(0);
    }
    crate::outln!(
        "Current version is {} ({} set, {} removed):",
        report.current,
        report.added.len(),
        report.removed.len()
    );
    for r in &report.added {
        crate::outln!("  + {} ({})", r.version, r.description);
    }
    for r in &report.removed {
        crate::outln!("  - {} ({})", r.version, r.description);
    }
    Ok(0)
}

fn push(ctx: &Ctx, target: &str, arg: &DirArg) -> Result<i32, Error> {
    let (name, tag) = target.split_once(':').map_or((target, None), |(n, t)| (n, Some(t)));
    if name.is_empty() || name.contains('/') || name.contains('?') {
        return Err(Error::Usage(format!("invalid directory name {name:?}: use NAME or NAME:TAG")));
    }
    let dir = open_dir(ctx, arg)?;
    check_versions(&dir)?;
    check_sum(&dir)?;
    let tag = match tag {
        Some(t) if !t.is_empty() => t.to_string(),
        Some(_) => return Err(Error::Usage(format!("empty tag in {target:?}: use NAME or NAME:TAG"))),
        None => crate::dir::head_commit(dir.path()).map_err(|e| {
            Error::Usage(format!("no tag given and the current Git commit is unknown ({e}): pass {name}:TAG"))
        })?,
    };
    let snapshot = crate::registry::PushedDir {
        repo: name.to_string(),
        tag: tag.clone(),
        created_at: clock::rfc3339(SystemTime::now()),
        operator: ctx.operator.clone(),
        files: dir
            .files()
            .iter()
            .map(|f| (f.name().to_string(), String::from_utf8_lossy(f.bytes()).into_owned()))
            .collect(),
        sum: String::from_utf8_lossy(&HashFile::compute(dir.files()).to_bytes()).into_owned(),
    };
    let mut ledger = ctx.ledger()?;
    ledger.push_dir(&snapshot)?;
    // "ok" is a fact: read it back.
    let stored = ledger.dir(name, Some(&tag))?;
    if stored.as_ref().map(|s| (&s.files, &s.sum)) != Some((&snapshot.files, &snapshot.sum)) {
        return Err(Error::Failed(format!("the registry did not keep {name}:{tag}")));
    }
    if ctx.out.json() {
        ctx.out
            .print_json(&json!({ "Name": name, "Tag": tag, "Files": snapshot.files.len(), "Registry": ledger.url() }));
    } else {
        crate::outln!(
            "Pushed {name}:{tag} ({} file{}) to {}",
            snapshot.files.len(),
            plural(snapshot.files.len()),
            ledger.url()
        );
    }
    Ok(0)
}

fn rm(ctx: &Ctx, version: &str, arg: &DirArg) -> Result<i32, Error> {
    let dir = open_dir(ctx, arg)?;
    check_sum(&dir)?;
    let file = dir
        .files()
        .iter()
        .find(|f| f.version() == version || f.name() == version)
        .ok_or_else(|| Error::Usage(format!("migration with version {version:?} not found")))?;
    let name = file.name().to_string();
    dir.remove_file(&name).map_err(|e| Error::Usage(e.to_string()))?;
    write_sum(&open_dir(ctx, arg)?)?;
    if ctx.out.json() {
        ctx.out.print_json(&json!({ "Removed": name }));
    } else {
        crate::outln!("Removed {}", Path::new(&name).display());
    }
    Ok(0)
}

fn down(ctx: &Ctx, cmd: &MigrateCmd) -> Result<i32, Error> {
    let MigrateCmd::Down {
        amount,
        url,
        dir: arg,
        dev_url,
        to_version,
        to_tag,
        dry_run,
        skip_checks,
        plan: force_plan,
        revisions_schema,
        lock_timeout,
    } = cmd
    else {
        return Ok(2);
    };
    let amount = match amount {
        None => 1,
        Some(a) => a.parse::<usize>().ok().filter(|n| *n > 0).ok_or_else(|| {
            Error::Usage(format!("invalid amount argument {a:?}: pass a positive number of versions to revert"))
        })?,
    };
    let m = ctx.env.as_ref().map(|e| e.migration.clone()).unwrap_or_default();
    crate::trace::mark("down: plugins loaded, configuration read");
    let (dir, url, opened) = read_and_open(ctx, arg, url, !*dry_run)?;
    let to_ref_version = match to_tag {
        // A directory from the registry: the tag is one of its snapshots.
        Some(tag) if let Ok(Some((repo, _))) = crate::registry::parse_dir_url(&ctx.dir_url(&arg.dir).0) => {
            let snapshot = ctx.ledger()?.dir(&repo, Some(tag))?.ok_or_else(|| {
                Error::Usage(format!("the deployment registry has no tag {tag:?} of directory {repo:?}"))
            })?;
            let newest = snapshot.newest_version();
            Some((!newest.is_empty()).then_some(newest))
        }
        Some(reference) => Some(crate::dir::newest_version_at(dir.path(), reference).map_err(Error::Usage)?),
        None => None,
    };
    let opts = DownOptions {
        amount,
        to_version: to_version.clone(),
        to_ref_version,
        dry_run: *dry_run,
        skip_checks: *skip_checks,
        force_plan: *force_plan,
        revisions_schema: revisions_schema.clone().or(m.revisions_schema),
        lock_timeout: lock_timeout
            .clone()
            .or(m.lock_timeout)
            .map(|t| parse_duration(&t))
            .transpose()?
            .unwrap_or(Duration::from_secs(10)),
    };
    let dev = ctx.dev(dev_url, Some(&url))?;
    let mut progress = TextProgress::new(ctx.out, 0);
    let mut quiet = exec::Quiet;
    let sink: &mut dyn exec::Progress = if ctx.out.json() { &mut quiet } else { &mut progress };
    let repo = repo_name(ctx, arg, &dir);
    let migrate::Ran { report, elapsed } = migrate::run_down(ctx, opened, &dir, &url, &dev, &repo, &opts, sink)?;
    super::lint::print_findings(ctx, &report.findings);
    if ctx.out.json() {
        ctx.out.print_json(&report);
    } else {
        match report.status.as_str() {
            "NOTHING_TO_DO" => crate::outln!("No migration to revert"),
            "REFUSED" if report.drift.is_some() => {
                crate::outln!("Drift detected: the database differs from what its applied migrations produce.");
                crate::outln!("Changes that would turn the expected schema into the actual one:\n");
                crate::out!("{}", report.drift.clone().unwrap_or_default());
            }
            "REFUSED" => {}
            _ => {
                let (ok, failed) = progress.stmt_counts();
                let versions = report.reverted.iter().filter(|f| f.error.is_none()).count();
                crate::outln!("  -------------------------");
                crate::outln!("  -- {}", clock::go_duration(elapsed));
                if report.status == "DRY_RUN" {
                    crate::outln!(
                        "  -- {} migration{} (dry run: nothing was changed)",
                        report.total,
                        plural(report.total)
                    );
                    crate::outln!("  -- {ok} sql statement{}", plural(ok));
                } else if report.status == "APPLIED" {
                    crate::outln!("  -- {versions} migration{}", plural(versions));
                    crate::outln!("  -- {ok} sql statement{}", plural(ok));
                } else {
                    crate::outln!("  -- {ok} sql statement{} ok, {failed} with errors", plural(ok));
                    if report.reverted.iter().all(|f| f.applied.is_empty()) {
                        crate::outln!("  -- rolled back: nothing was changed");
                    }
                }
                let (checks_ok, checks_failed) = progress.check_counts();
                if checks_ok + checks_failed > 0 {
                    crate::outln!("  -- {checks_ok} check{} ok", plural(checks_ok));
                }
            }
        }
    }
    match report.error {
        Some(message) => Err(Error::Refused { message, hint: report.hint }),
        None => Ok(0),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn go_durations() {
        let ok = |t: &str| go_duration(t).unwrap();
        assert_eq!(ok("0"), Duration::ZERO);
        assert_eq!(ok("0s"), Duration::ZERO);
        assert_eq!(ok("10s"), Duration::from_secs(10));
        assert_eq!(ok("500ms"), Duration::from_millis(500));
        assert_eq!(ok("1m"), Duration::from_secs(60));
        assert_eq!(ok("1m30s"), Duration::from_secs(90));
        assert_eq!(ok("1.5h"), Duration::from_secs(5400));
        assert_eq!(ok(".5s"), Duration::from_millis(500));
        assert_eq!(ok("+2us"), Duration::from_micros(2));
        assert_eq!(ok("3µs"), Duration::from_micros(3));
        assert_eq!(ok("1h2m3s4ms5ns"), Duration::new(3723, 4_000_005));
        assert_eq!(ok("0.000000001s"), Duration::from_nanos(1));
        assert_eq!(ok("2562047h"), Duration::from_secs(2_562_047 * 3600));
    }

    #[test]
    fn bad_go_durations() {
        let err = |t: &str| go_duration(t).unwrap_err();
        assert_eq!(err("99999999999999999999s"), "out of range: at most 2562047h");
        assert_eq!(err("2562048h"), "out of range: at most 2562047h");
        assert_eq!(err("9".repeat(60).as_str()), "missing unit: use ns, us, ms, s, m or h, e.g. 10s, 500ms or 1m30s");
        assert_eq!(err("10"), "missing unit: use ns, us, ms, s, m or h, e.g. 10s, 500ms or 1m30s");
        assert_eq!(err("10x"), "unknown unit \"x\": use ns, us, ms, s, m or h, e.g. 10s, 500ms or 1m30s");
        assert_eq!(err("-1s"), "a timeout cannot be negative");
        assert_eq!(err(""), "not a duration: use ns, us, ms, s, m or h, e.g. 10s, 500ms or 1m30s");
        assert_eq!(err("s"), "not a duration: use ns, us, ms, s, m or h, e.g. 10s, 500ms or 1m30s");
        assert_eq!(err(".s"), "not a duration: use ns, us, ms, s, m or h, e.g. 10s, 500ms or 1m30s");
        assert_eq!(err("1é"), "unknown unit \"é\": use ns, us, ms, s, m or h, e.g. 10s, 500ms or 1m30s");
        assert_eq!(
            parse_duration("1y").unwrap_err().to_string(),
            "invalid lock timeout \"1y\" (--lock-timeout, or lock_timeout in atlas.hcl): \
             unknown unit \"y\": use ns, us, ms, s, m or h, e.g. 10s, 500ms or 1m30s"
        );
    }
}
