//! An env of several targets (`for_each`, e.g. one per tenant): the command
//! runs on every target, `--parallel N` at a time. One target's failure does
//! not stop the others unless `--fail-fast`; each target's output is printed
//! as one block when it ends, then a summary (text), or one JSON document with
//! every target's outcome and report.

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use serde::Serialize;

use super::Ctx;
use crate::config::Env;
use crate::error::Error;

/// How the command ended on one target.
#[derive(Debug, Serialize)]
struct Outcome {
    #[serde(rename = "Env")]
    env: String,
    #[serde(rename = "URL")]
    url: String,
    /// `ok`, `failed`, or `skipped` (not started after a failure with `--fail-fast`).
    #[serde(rename = "Status")]
    status: &'static str,
    #[serde(rename = "ExitCode")]
    code: i32,
    #[serde(rename = "Error", skip_serializing_if = "Option::is_none")]
    error: Option<String>,
    #[serde(rename = "Hint", skip_serializing_if = "Option::is_none")]
    hint: Option<String>,
    /// The command's own JSON report on this target.
    #[serde(rename = "Report", skip_serializing_if = "Option::is_none")]
    report: Option<serde_json::Value>,
    #[serde(skip)]
    elapsed: Duration,
}

/// Runs `command` on every env instance; returns the highest exit code.
pub(super) fn run(
    ctx: &Ctx,
    envs: Vec<Env>,
    parallel: usize,
    fail_fast: bool,
    command: impl Fn(&Ctx) -> Result<i32, Error> + Sync,
) -> Result<i32, Error> {
    let n = envs.len();
    let next = AtomicUsize::new(0);
    let stop = AtomicBool::new(false);
    let results: Mutex<Vec<Option<Outcome>>> = Mutex::new((0..n).map(|_| None).collect());
    let json = ctx.out.json();
    let worker = || {
        loop {
            if stop.load(Ordering::SeqCst) {
                break;
            }
            let i = next.fetch_add(1, Ordering::SeqCst);
            let Some(env) = envs.get(i) else { break };
            let mut local = ctx.clone();
            local.env = Some(env.clone());
            let clock = Instant::now();
            let (result, printed) = crate::report::capture(|| {
                local.out.begin_document();
                command(&local)
            });
            let mut outcome = Outcome {
                env: env.name.clone(),
                url: env.url.as_deref().map(strata_dialect_api::mask).unwrap_or_default(),
                status: "ok",
                code: 0,
                error: None,
                hint: None,
                report: None,
                elapsed: clock.elapsed(),
            };
            match result {
                Ok(0) => {}
                Ok(code) => {
                    outcome.status = "failed";
                    outcome.code = code;
                }
                Err(e) => {
                    outcome.status = "failed";
                    outcome.code = e.exit_code();
                    outcome.error = Some(strata_dialect_api::mask(&e.to_string()));
                    outcome.hint = e.hint().map(strata_dialect_api::mask);
                }
            }
            if outcome.status == "failed" && fail_fast {
                stop.store(true, Ordering::SeqCst);
            }
            if json {
                outcome.report = serde_json::from_str(&printed).ok();
            } else {
                print_block(i, n, &outcome, &printed);
            }
            let mut all = results.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            if let Some(slot) = all.get_mut(i) {
                *slot = Some(outcome);
            }
        }
    };
    std::thread::scope(|scope| {
        for _ in 0..parallel.clamp(1, n.max(1)) {
            scope.spawn(worker);
        }
    });
    let all = results.into_inner().unwrap_or_else(std::sync::PoisonError::into_inner);
    let outcomes: Vec<Outcome> = all
        .into_iter()
        .zip(&envs)
        .map(|(o, env)| {
            o.unwrap_or_else(|| Outcome {
                env: env.name.clone(),
                url: env.url.as_deref().map(strata_dialect_api::mask).unwrap_or_default(),
                status: "skipped",
                code: 0,
                error: None,
                hint: None,
                report: None,
                elapsed: Duration::ZERO,
            })
        })
        .collect();
    let code = outcomes.iter().map(|o| o.code).max().unwrap_or(0);
    if json {
        ctx.out.begin_document();
        ctx.out.print_json(&outcomes);
    } else {
        summary(&outcomes);
    }
    Ok(code)
}

/// One target's output, whole, under a header; its error on stderr.
fn print_block(i: usize, n: usize, o: &Outcome, printed: &str) {
    static PRINT: Mutex<()> = Mutex::new(());
    let _turn = PRINT.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    crate::outln!("== target {} of {n}: env {:?}, {} ({})", i + 1, o.env, o.url, crate::clock::go_duration(o.elapsed));
    crate::out!("{printed}");
    if let Some(e) = &o.error {
        crate::report::flush_stdout();
        eprintln!("error: {e}");
        if let Some(h) = &o.hint {
            eprintln!("  hint: {h}");
        }
    }
}

fn summary(outcomes: &[Outcome]) {
    let count = |s: &str| outcomes.iter().filter(|o| o.status == s).count();
    let (ok, failed, skipped) = (count("ok"), count("failed"), count("skipped"));
    let mut line = format!("== {} targets: {ok} ok, {failed} failed", outcomes.len());
    if skipped > 0 {
        line.push_str(&format!(", {skipped} not started (--fail-fast)"));
    }
    crate::outln!("{line}");
    for o in outcomes.iter().filter(|o| o.status == "failed") {
        crate::outln!("   failed: env {:?}, {}: {}", o.env, o.url, o.error.as_deref().unwrap_or("exit code set"));
    }
}
