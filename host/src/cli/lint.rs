//! `strata migrate lint` output: text, JSON, or GitHub Actions annotations.

use strata_policies::{Finding, Severity};

use super::Ctx;
use crate::error::Error;
use crate::migrate::{LintOptions, LintReport};
use crate::report::{Format, plural};

/// Runs the lint and prints it; exit 1 when a finding is an error.
pub(super) fn run(
    ctx: &Ctx,
    dir: &crate::dir::Dir,
    dev_url: &str,
    latest: Option<usize>,
    git_base: Option<String>,
) -> Result<i32, Error> {
    // The env's `lint { latest = N }` / `lint { git { base = "main" } }`, as in Atlas.
    let lint = ctx.env.as_ref().map(|e| e.lint.clone()).unwrap_or_default();
    let (latest, git_base) = if latest.is_none() && git_base.is_none() {
        (
            lint.get("latest").and_then(serde_json::Value::as_u64).and_then(|n| usize::try_from(n).ok()),
            lint.get("git").and_then(|g| g.get("base")).and_then(|b| b.as_str()).map(String::from),
        )
    } else {
        (latest, git_base)
    };
    let policies = ctx.policies()?;
    let report = crate::migrate::lint(&ctx.registry, dev_url, dir, &LintOptions { latest, git_base }, &policies)?;
    match ctx.out.format {
        Format::Json => ctx.out.print_json(&report),
        Format::Github => github(&report),
        Format::Text => text(&report),
    }
    Ok(if report.errors > 0 { 1 } else { 0 })
}

fn text(report: &LintReport) {
    let n = report.files.len();
    if n == 0 {
        crate::outln!("No migration files to lint");
        return;
    }
    let from = if report.base.is_empty() { String::new() } else { format!("from version {} ", report.base) };
    let to = report.files.last().map(|f| f.version.as_str()).unwrap_or_default();
    crate::outln!("Analyzing changes {from}to {to} ({n} migration{} in total):\n", plural(n));
    let mut with_errors = 0;
    for file in &report.files {
        crate::outln!("  -- analyzing version {} ({})", file.version, file.name);
        for f in &file.findings {
            let line = f.pos.as_ref().map(|p| format!("L{}: ", p.line)).unwrap_or_default();
            let level = match f.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
            };
            crate::outln!("    -- {line}{}: {} ({level}, {})", f.code, f.message, f.analyzer);
            if let Some(fix) = &f.fix {
                crate::outln!("       suggested fix: {fix}");
            }
        }
        let errors = file.findings.iter().filter(|f| f.severity == Severity::Error).count();
        if errors > 0 {
            with_errors += 1;
        }
        let warnings = file.findings.len() - errors;
        match (errors, warnings) {
            (0, 0) => crate::outln!("  -- ok ({} statement{})\n", file.statements, plural(file.statements)),
            _ => crate::outln!("  -- {errors} error{}, {warnings} warning{}\n", plural(errors), plural(warnings)),
        }
    }
    crate::outln!("  -------------------------");
    crate::outln!("  -- {} version{} ok, {with_errors} with errors", n - with_errors, plural(n - with_errors));
    let total = report.errors + report.warnings;
    crate::outln!(
        "  -- {total} diagnostic{} ({} error{}, {} warning{})",
        plural(total),
        report.errors,
        plural(report.errors),
        report.warnings,
        plural(report.warnings)
    );
}

/// Findings of the policies a run checked before executing (text output;
/// JSON carries them in the report or the error).
pub(super) fn print_findings(ctx: &Ctx, findings: &[Finding]) {
    if ctx.out.json() {
        return;
    }
    for f in findings {
        let at = f.pos.as_ref().map(|p| format!("{}:{}: ", p.file, p.line)).unwrap_or_default();
        let level = match f.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let who = if f.code == "policy" {
            format!("policy {:?}", f.analyzer)
        } else {
            format!("{} ({})", f.code, f.analyzer)
        };
        crate::outln!("-- {level}: {at}{who}: {}", f.message);
    }
}

/// GitHub Actions workflow commands: `::error file=F,line=L,title=T::MESSAGE`.
fn github(report: &LintReport) {
    for file in &report.files {
        for f in &file.findings {
            crate::outln!("{}", annotation(&report.dir, f));
        }
    }
}

fn annotation(dir: &str, f: &Finding) -> String {
    let level = match f.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    };
    let mut props = Vec::new();
    if let Some(p) = &f.pos {
        let path = std::path::Path::new(dir).join(&p.file);
        props.push(format!("file={}", property(&path.display().to_string())));
        props.push(format!("line={}", p.line));
    }
    props.push(format!("title={}", property(&format!("{} ({})", f.code, f.analyzer))));
    let mut message = f.message.clone();
    if let Some(fix) = &f.fix {
        message.push_str("\nsuggested fix: ");
        message.push_str(fix);
    }
    format!("::{level} {}::{}", props.join(","), data(&message))
}

/// Escapes a workflow command's message.
fn data(s: &str) -> String {
    s.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

/// Escapes a workflow command's property value.
fn property(s: &str) -> String {
    data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;
    use strata_policies::Pos;

    #[test]
    fn github_annotations_follow_the_workflow_command_syntax() {
        let f = Finding {
            code: "DS102".into(),
            analyzer: "destructive".into(),
            severity: Severity::Error,
            message: "Dropping table \"t\": 100% gone,\nreally".into(),
            unit: 0,
            pos: Some(Pos { file: "2_drop.sql".into(), line: 3 }),
            fix: None,
        };
        assert_eq!(
            annotation("migrations", &f),
            "::error file=migrations/2_drop.sql,line=3,title=DS102 (destructive)::Dropping table \"t\": 100%25 gone,%0Areally"
        );
        let w =
            Finding { severity: Severity::Warning, pos: None, code: "policy".into(), analyzer: "a:b,c".into(), ..f };
        assert!(annotation("m", &w).starts_with("::warning title=policy (a%3Ab%2Cc)::"));
    }
}
