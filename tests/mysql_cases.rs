//! The plugin's real-world MySQL changes (dialects/mysql/tests/common/cases.rs),
//! through the CLI as a user runs them on a real MariaDB/MySQL server: an
//! empty re-diff of the desired schema, declarative `schema apply`,
//! `migrate diff` + `migrate apply`, and `migrate down`. Each outcome is judged
//! by the server's own `SHOW CREATE` against a reference database that the
//! server's client loaded from the same SQL.
//!
//! The cases run on `STRATA_MYSQL_CASES_THREADS` threads (default 4: the
//! time is mostly the server's). `STRATA_MYSQL_CASES=name,name` runs only
//! those cases.

#[path = "../dialects/mysql/tests/common/cases.rs"]
#[allow(dead_code, reason = "the known gaps run in the plugin's suite only")]
mod cases;

use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use strata_tests::{MyDb, Sandbox, server_url};

const STEPS: [&str; 4] = ["re-diff empty", "schema apply", "migrate diff+apply", "migrate down"];

/// The statements of a case's SQL (`;` at line ends separates them).
fn statements(sql: &str) -> Vec<&str> {
    sql.split(";\n").map(str::trim).map(|s| s.trim_end_matches(';')).filter(|s| !s.is_empty()).collect()
}

/// The SQL as a user's file holds it: with `DELIMITER` around compound
/// statements (trigger bodies), as the server's client needs.
fn script(sql: &str) -> String {
    let stmts = statements(sql);
    if stmts.iter().any(|s| s.contains(" BEGIN ")) {
        format!("DELIMITER ;;\n{};;\nDELIMITER ;\n", stmts.join(";;\n"))
    } else if stmts.is_empty() {
        String::new()
    } else {
        format!("{};\n", stmts.join(";\n"))
    }
}

/// Every table, view and trigger of a database as the server shows it, without
/// what differs between equal schemas in different databases: the
/// AUTO_INCREMENT counter, a view's definer and database qualifier. Strata's
/// own tables are left out.
fn catalog(db: &MyDb) -> Vec<String> {
    let mut out = vec![];
    let objects = db.rows(
        "SELECT TABLE_NAME, TABLE_TYPE FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() \
         AND TABLE_NAME NOT IN ('atlas_schema_revisions', 'strata_schema_history') ORDER BY TABLE_NAME",
    );
    for row in objects {
        let (Some(name), Some(kind)) = (row.first(), row.get(1)) else { continue };
        let what = if kind == "VIEW" { "VIEW" } else { "TABLE" };
        let shown = db.rows(&format!("SHOW CREATE {what} `{name}`"));
        let mut text = shown.first().and_then(|r| r.get(1)).cloned().unwrap_or_default();
        if what == "VIEW" {
            text = text.replace(&format!("`{}`.", db.name), "");
            if let (Some(at), Some(end)) = (text.find(" DEFINER="), text.find(" SQL SECURITY ")) {
                text.replace_range(at..end, "");
            }
        } else if let Some(at) = text.find(" AUTO_INCREMENT=") {
            let end = text[at + 16..].find(|c: char| !c.is_ascii_digit()).map_or(text.len(), |n| at + 16 + n);
            text.replace_range(at..end, "");
        }
        out.push(text);
    }
    for t in db.rows(
        "SELECT TRIGGER_NAME, ACTION_TIMING, EVENT_MANIPULATION, EVENT_OBJECT_TABLE, ACTION_ORDER, ACTION_STATEMENT \
         FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = DATABASE() ORDER BY TRIGGER_NAME",
    ) {
        out.push(format!("TRIGGER {}", t.join(" | ")));
    }
    out
}

/// The lines of one catalog that the other lacks, `-` got, `+` wanted.
fn difference(got: &[String], want: &[String]) -> String {
    let lines = |c: &[String]| c.iter().flat_map(|t| t.lines().map(str::to_string)).collect::<Vec<_>>();
    let (g, w) = (lines(got), lines(want));
    let mut out: Vec<String> = g.iter().filter(|l| !w.contains(l)).map(|l| format!("- {l}")).collect();
    out.extend(w.iter().filter(|l| !g.contains(l)).map(|l| format!("+ {l}")));
    if out.is_empty() {
        out.push("(same lines, in another order)".into());
    }
    out.join("\n")
}

struct Case<'a> {
    name: &'a str,
    from: &'a str,
    to: &'a str,
    sb: Sandbox,
    dev: MyDb,
}

impl Case<'_> {
    fn strata(&self, args: &[&str]) -> Result<String, String> {
        self.sb.strata(args).result()
    }

    fn db(&self, label: &str, sql: &str) -> Result<MyDb, String> {
        let db = MyDb::create(&format!("case_{label}")).ok_or("no server")?;
        db.source(&script(sql)).map_err(|e| format!("the client refused the case's SQL: {e}"))?;
        Ok(db)
    }

    fn judge(&self, db: &MyDb, want: &[String]) -> Result<(), String> {
        let got = catalog(db);
        if got == want {
            return Ok(());
        }
        Err(format!("SHOW CREATE differs from the reference (- database, + reference):\n{}", difference(&got, want)))
    }

    /// Each step's outcome, in `STEPS` order (`None`: not applicable, e.g. no
    /// change to revert when `migrate diff` found the schemas equal).
    fn run(&self) -> Result<Vec<Option<Result<(), String>>>, String> {
        let dev = self.dev.url();
        let want = self.db("want", self.to)?;
        let want_cat = catalog(&want);
        let from_cat = catalog(&self.db("from", self.from)?);
        self.sb.write("desired.sql", &script(self.to));
        let mut out = vec![];

        let synced = self
            .strata(&["schema", "diff", "--from", &want.url(), "--to", "file://desired.sql", "--dev-url", &dev])
            .and_then(|o| if o.contains("Schemas are synced") { Ok(()) } else { Err(format!("not empty:\n{o}")) });
        out.push(Some(synced));

        let cur = self.db("cur", self.from)?;
        let args = ["schema", "apply", "--url", &cur.url(), "--to", "file://desired.sql", "--dev-url", &dev];
        out.push(Some(
            self.strata(&[&args[..], &["--auto-approve", "--skip-checks"]].concat())
                .and_then(|_| self.judge(&cur, &want_cat)),
        ));

        let ver = MyDb::create("case_ver").ok_or("no server")?;
        let url = ver.url();
        if !statements(self.from).is_empty() {
            self.sb.write("migrations/1_init.sql", &script(self.from));
            self.strata(&["migrate", "hash"])?;
        }
        let versioned = (|| {
            if !statements(self.from).is_empty() {
                self.strata(&["migrate", "apply", "--url", &url])?;
            }
            self.strata(&["migrate", "diff", "next", "--to", "file://desired.sql", "--dev-url", &dev])?;
            self.strata(&["migrate", "apply", "--url", &url])?;
            self.judge(&ver, &want_cat)
        })();
        let reached = versioned.is_ok();
        out.push(Some(versioned));
        // Without a second version, down would revert the initial one: not this case's question.
        let next = std::fs::read_dir(self.sb.path.join("migrations"))
            .map(|d| d.filter_map(Result::ok).any(|e| e.file_name().to_string_lossy().ends_with("_next.sql")))
            .unwrap_or(false);
        out.push(match (reached, next) {
            (false, _) => Some(Err("not run: migrate diff+apply failed".into())),
            (true, false) => None,
            (true, true) => Some(
                self.strata(&["migrate", "down", "--url", &url, "--dev-url", &dev, "--skip-checks"])
                    .and_then(|_| self.judge(&ver, &from_cat)),
            ),
        });
        Ok(out)
    }
}

#[test]
fn every_case_converges_through_the_cli() {
    if server_url("STRATA_TEST_MYSQL_URL").is_none() {
        return;
    }
    let only: Option<Vec<String>> =
        std::env::var("STRATA_MYSQL_CASES").ok().map(|v| v.split(',').map(str::to_string).collect());
    let apps = [("app_v1", "", cases::APP_V1), ("app_v1_v2", cases::APP_V1, cases::APP_V2)];
    let mut all = [
        cases::CASES,
        cases::MORE_CASES,
        cases::INTERACTING_CASES,
        cases::WILD_CASES,
        cases::FIELD_CASES,
        cases::REVERSE_KEY_ORDER,
        &apps[..],
    ]
    .concat();
    all.retain(|c| only.as_ref().is_none_or(|o| o.iter().any(|n| n == c.0)));
    let threads = std::env::var("STRATA_MYSQL_CASES_THREADS").ok().and_then(|v| v.parse().ok()).unwrap_or(4);
    let next = AtomicUsize::new(0);
    let results = Mutex::new(vec![]);
    std::thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| {
                while let Some(&(name, from, to)) = all.get(next.fetch_add(1, Ordering::SeqCst)) {
                    let case = Case {
                        name,
                        from,
                        to,
                        sb: Sandbox::new(&format!("mycase-{name}")),
                        dev: MyDb::create("case_dev").expect("server configured"),
                    };
                    let outcome = case.run();
                    results.lock().unwrap().push((case.name.to_string(), outcome));
                }
            });
        }
    });
    let mut results = results.into_inner().unwrap();
    results.sort_by(|a, b| a.0.cmp(&b.0));

    let mut passed = [0usize; 4];
    let mut na = [0usize; 4];
    let mut failures = vec![];
    for (name, outcome) in &results {
        match outcome {
            Err(e) => failures.push(format!("{name}: {e}")),
            Ok(steps) => {
                for (i, step) in steps.iter().enumerate() {
                    match step {
                        Some(Ok(())) => passed[i] += 1,
                        Some(Err(e)) => failures.push(format!("{name}, {}: {e}", STEPS[i])),
                        None => na[i] += 1,
                    }
                }
            }
        }
    }
    println!("{:<22} {:>6} {:>6}  of {}", "step", "passed", "n/a", results.len());
    for ((step, n), skipped) in STEPS.iter().zip(passed).zip(na) {
        println!("{step:<22} {n:>6} {skipped:>6}");
    }
    assert!(failures.is_empty(), "{} failures:\n\n{}", failures.len(), failures.join("\n\n"));
}
