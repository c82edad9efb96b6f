//! The deployment registry on the command line: `strata deployments` lists
//! and verifies the records, `strata plan` reviews plans awaiting approval.
//! Recording runs, promotion and approval are the library's
//! (`crate::registry`).

use clap::Subcommand;
use serde_json::json;

use super::Ctx;
use crate::error::Error;
use crate::registry::{Filter, Ledger, Plan};

#[derive(Debug, Subcommand)]
pub enum DeploymentsCmd {
    /// List the recorded deployments, oldest first (the default).
    List {
        /// Only deployments of this directory (its name in the registry).
        #[arg(long)]
        repo: Option<String>,
    },
    /// Walk the registry's hash chain; name the first record altered, removed
    /// or reordered (exit 1).
    Verify,
}

/// `strata deployments [list|verify]`; `env` is the global `--env`, a filter here.
pub(crate) fn run(ctx: &Ctx, cmd: Option<&DeploymentsCmd>, env: Option<&str>) -> Result<i32, Error> {
    let mut ledger = ctx.ledger()?;
    match cmd {
        None => list(ctx, &mut ledger, &Filter { env: env.map(String::from), repo: None }),
        Some(DeploymentsCmd::List { repo }) => {
            list(ctx, &mut ledger, &Filter { env: env.map(String::from), repo: repo.clone() })
        }
        Some(DeploymentsCmd::Verify) => verify(ctx, &mut ledger),
    }
}

fn list(ctx: &Ctx, ledger: &mut Ledger, filter: &Filter) -> Result<i32, Error> {
    let records = ledger.list(filter)?;
    if ctx.out.json() {
        ctx.out.print_json(&records);
        return Ok(0);
    }
    if records.is_empty() {
        crate::outln!("No deployments recorded in {}", ledger.url());
        return Ok(0);
    }
    let dash = |s: &str| if s.is_empty() { "-".to_string() } else { s.to_string() };
    let rows: Vec<[String; 8]> = records
        .iter()
        .map(|d| {
            [
                d.seq.to_string(),
                d.finished_at.clone(),
                dash(&d.env),
                dash(&d.repo),
                d.kind.clone(),
                format!("{} -> {}", dash(&d.version_before), dash(&d.version_after)),
                d.status.clone(),
                format!("{} @ {}", d.operator, d.target),
            ]
        })
        .collect();
    let head = ["#", "finished", "env", "repo", "command", "versions", "status", "operator @ target"];
    let widths: Vec<usize> = (0..head.len())
        .map(|i| rows.iter().map(|r| r[i].chars().count()).max().unwrap_or(0).max(head[i].len()))
        .collect();
    let line = |cells: &[String]| {
        let parts: Vec<String> = cells.iter().zip(&widths).map(|(c, w)| format!("{c:<w$}")).collect();
        parts.join("  ").trim_end().to_string()
    };
    crate::outln!("{}", line(&head.map(String::from)));
    for (r, d) in rows.iter().zip(&records) {
        crate::outln!("{}", line(r));
        if let Some(e) = &d.error {
            crate::outln!("    error: {}", strata_dialect_api::mask(e));
        }
    }
    Ok(0)
}

fn verify(ctx: &Ctx, ledger: &mut Ledger) -> Result<i32, Error> {
    let (n, broken) = ledger.verify()?;
    if ctx.out.json() {
        ctx.out.print_json(&json!({ "Registry": ledger.url(), "Records": n, "Break": broken }));
    }
    match broken {
        None => {
            if !ctx.out.json() {
                crate::outln!(
                    "The deployment registry {} is intact: {n} record{} chained",
                    ledger.url(),
                    crate::report::plural(n)
                );
            }
            Ok(0)
        }
        Some(b) => Err(Error::Refused {
            message: format!("the deployment registry {} was tampered with: {}", ledger.url(), b.problem),
            hint: Some(format!("records from {} on cannot be trusted; restore the registry from a backup", b.seq)),
        }),
    }
}

#[derive(Debug, Subcommand)]
pub enum PlanCmd {
    /// List recorded plans (`--env` filters).
    List,
    /// Print a plan's statements and approvals.
    Show {
        /// The plan's id.
        id: String,
    },
    /// Approve a plan (as `--operator`, else the OS user): a listed reviewer
    /// who is not its author.
    Approve {
        /// The plan's id.
        id: String,
    },
    /// Reject a plan: it never runs.
    Reject {
        /// The plan's id.
        id: String,
    },
}

/// `strata plan list|show|approve|reject`.
pub(crate) fn plan_cmd(ctx: &Ctx, cmd: &PlanCmd, env: Option<&str>) -> Result<i32, Error> {
    let mut ledger = ctx.ledger()?;
    let get = |ledger: &mut Ledger, id: &str| -> Result<Plan, Error> {
        ledger
            .plan(id)?
            .ok_or_else(|| Error::Usage(format!("no plan {id:?} in the deployment registry {}", ledger.url())))
    };
    match cmd {
        PlanCmd::List => {
            let plans = ledger.plans(env, None)?;
            if ctx.out.json() {
                ctx.out.print_json(&plans);
            } else if plans.is_empty() {
                crate::outln!("No plans recorded in {}", ledger.url());
            } else {
                for p in &plans {
                    crate::outln!(
                        "{}  {:<8}  {}  {}  {} ({} of {})  by {}  {}",
                        p.id,
                        p.status,
                        p.env,
                        p.kind,
                        p.target,
                        p.approvals.len(),
                        p.required,
                        p.author,
                        p.created_at
                    );
                }
            }
            Ok(0)
        }
        PlanCmd::Show { id } => {
            let p = get(&mut ledger, id)?;
            if ctx.out.json() {
                ctx.out.print_json(&p);
                return Ok(0);
            }
            crate::outln!("plan {} ({}): {} of {:?} on env {:?}, {}", p.id, p.status, p.kind, p.repo, p.env, p.target);
            crate::outln!(
                "  by {} at {}; approvals {} of {}: {}",
                p.author,
                p.created_at,
                p.approvals.len(),
                p.required,
                if p.approvals.is_empty() { "none yet".to_string() } else { p.approvals.join(", ") }
            );
            crate::outln!("  reviewers: {}", p.reviewers.join(", "));
            for s in &p.statements {
                crate::outln!("{}", s.trim_end());
            }
            Ok(0)
        }
        PlanCmd::Approve { id } | PlanCmd::Reject { id } => {
            let approve = matches!(cmd, PlanCmd::Approve { .. });
            let p = get(&mut ledger, id)?;
            let who = ctx.operator.clone();
            let p = crate::registry::decide(&mut ledger, p, &who, approve)?;
            if ctx.out.json() {
                ctx.out.print_json(&p);
            } else if approve {
                crate::outln!(
                    "{who} approved plan {} ({} of {}): {}",
                    p.id,
                    p.approvals.len(),
                    p.required,
                    p.status.to_lowercase()
                );
            } else {
                crate::outln!("{who} rejected plan {}: it will not run", p.id);
            }
            Ok(0)
        }
    }
}
