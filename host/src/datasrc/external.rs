//! `data "external"`: run a program; its standard output is the value.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};

use serde_json::{Map, Value};

use super::sql::{as_string, string_attr, type_name};

/// At most this many trailing lines of a failed program's stderr are quoted.
const STDERR_LINES: usize = 20;

/// Runs `program` (no shell) in `working_dir` and returns its standard output
/// as one string, as Atlas does: a program printing JSON is read with
/// `jsondecode(data.external.x)`.
///
/// `working_dir` resolves against `base` (the project file's directory) when
/// relative, and defaults to `base`. Standard input is empty; standard error
/// is shown only when the program fails.
///
/// # Errors
/// `program` missing, empty or not a list of strings; `working_dir` not a
/// directory; the program not starting, exiting non-zero (its stderr quoted)
/// or printing output that is not UTF-8.
pub(super) fn resolve(base: &Path, attrs: &Map<String, Value>) -> Result<Value, String> {
    let argv = program(attrs.get("program"))?;
    let dir = match string_attr(attrs, "working_dir")? {
        Some(d) if !d.is_empty() => base.join(d),
        _ => base.to_path_buf(),
    };
    if !dir.is_dir() {
        return Err(format!("working_dir {:?} is not a directory", dir.display().to_string()));
    }
    run(&argv, &dir).map(Value::String)
}

/// The `program` list: the program, then its arguments.
fn program(value: Option<&Value>) -> Result<Vec<String>, String> {
    let items = match value {
        None | Some(Value::Null) => return Err("missing required attribute \"program\"".into()),
        Some(Value::Array(items)) => items,
        Some(other) => {
            return Err(format!(
                "attribute \"program\" must be a list of strings (the program, then its arguments), got {}",
                type_name(other)
            ));
        }
    };
    if items.is_empty() {
        return Err("attribute \"program\" is empty: name the program to run, then its arguments".into());
    }
    let argv = items
        .iter()
        .enumerate()
        .map(|(i, item)| {
            as_string(item).ok_or_else(|| format!("program[{i}] must be a string, got {}", type_name(item)))
        })
        .collect::<Result<Vec<_>, _>>()?;
    if argv.first().is_some_and(String::is_empty) {
        return Err("program[0] must not be empty: it names the program to run".into());
    }
    Ok(argv)
}

fn run(argv: &[String], dir: &Path) -> Result<String, String> {
    let Some((name, args)) = argv.split_first() else {
        return Err("internal logic error: no program to run".into());
    };
    let output = Command::new(executable(name, dir))
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("cannot start program {name:?}: {e}"))?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        return Err(format!("program {name:?} {}{}", failure(output.status), quote_stderr(&stderr)));
    }
    String::from_utf8(output.stdout).map_err(|e| {
        format!("the output of program {name:?} is not valid UTF-8 (at byte {})", e.utf8_error().valid_up_to())
    })
}

/// The program to start. A relative path such as `./gen.sh` resolves against
/// the working directory, as Go's `exec.Cmd` (Atlas) does; std leaves that
/// case platform specific. A bare name is looked up in `PATH`.
fn executable(name: &str, dir: &Path) -> PathBuf {
    let path = Path::new(name);
    if path.is_relative() && path.components().count() > 1 { dir.join(path) } else { path.to_path_buf() }
}

/// How the program ended: `exited with status N`, or the signal that ended it.
fn failure(status: ExitStatus) -> String {
    if let Some(code) = status.code() {
        return format!("exited with status {code}");
    }
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt as _;
        if let Some(signal) = status.signal() {
            return format!("was terminated by signal {signal}");
        }
    }
    format!("failed ({status})")
}

/// `: <stderr>` with continuation lines indented, keeping the last
/// [`STDERR_LINES`] lines (where a program usually says what went wrong);
/// nothing when stderr is blank.
fn quote_stderr(stderr: &str) -> String {
    let lines: Vec<&str> = stderr.trim().lines().map(str::trim_end).collect();
    if lines.is_empty() {
        return String::new();
    }
    let kept = lines.get(lines.len().saturating_sub(STDERR_LINES)..).unwrap_or_default();
    let head = if kept.len() < lines.len() {
        format!(" (last {} of {} lines of stderr)", kept.len(), lines.len())
    } else {
        String::new()
    };
    format!("{head}: {}", kept.join("\n  "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// A scratch directory for one test.
    struct Scratch(PathBuf);

    impl Scratch {
        fn new(name: &str) -> Scratch {
            let path = std::env::temp_dir().join(format!("strata-datasrc-{name}-{}", std::process::id()));
            let _ = std::fs::remove_dir_all(&path);
            std::fs::create_dir_all(&path).unwrap();
            Scratch(path)
        }
    }

    impl Drop for Scratch {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    fn attrs(v: Value) -> Map<String, Value> {
        match v {
            Value::Object(m) => m,
            _ => panic!("not an object"),
        }
    }

    fn resolve_in(base: &Path, v: Value) -> Result<Value, String> {
        resolve(base, &attrs(v))
    }

    #[test]
    fn stdout_is_the_value() {
        let s = Scratch::new("stdout");
        let got =
            resolve_in(&s.0, json!({"program": ["sh", "-c", "echo '{\"url\": \"x\"}'; echo noise >&2"]})).unwrap();
        assert_eq!(got, json!("{\"url\": \"x\"}\n"));
        // Numbers convert to strings, as HCL converts a tuple to list(string).
        assert_eq!(resolve_in(&s.0, json!({"program": ["echo", 7, true]})).unwrap(), json!("7 true\n"));
    }

    #[test]
    fn working_dir_resolves_against_base() {
        let s = Scratch::new("workdir");
        std::fs::create_dir_all(s.0.join("sub")).unwrap();
        let canonical = |p: PathBuf| format!("{}\n", p.canonicalize().unwrap().display());
        let pwd = json!(["sh", "-c", "pwd -P"]);
        assert_eq!(resolve_in(&s.0, json!({"program": pwd})).unwrap(), json!(canonical(s.0.clone())));
        assert_eq!(
            resolve_in(&s.0, json!({"program": pwd, "working_dir": "sub"})).unwrap(),
            json!(canonical(s.0.join("sub")))
        );
        let err = resolve_in(&s.0, json!({"program": pwd, "working_dir": "nope"})).unwrap_err();
        assert_eq!(err, format!("working_dir {:?} is not a directory", s.0.join("nope").display().to_string()));
    }

    #[cfg(unix)]
    #[test]
    fn relative_program_path_resolves_against_working_dir() {
        use std::os::unix::fs::PermissionsExt as _;
        let s = Scratch::new("relprog");
        let script = s.0.join("bin").join("gen.sh");
        std::fs::create_dir_all(script.parent().unwrap()).unwrap();
        std::fs::write(&script, "#!/bin/sh\necho generated\n").unwrap();
        std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
        let got = resolve_in(&s.0, json!({"program": ["./gen.sh"], "working_dir": "bin"})).unwrap();
        assert_eq!(got, json!("generated\n"));
    }

    #[test]
    fn failure_names_program_status_and_stderr() {
        let s = Scratch::new("fail");
        assert_eq!(
            resolve_in(&s.0, json!({"program": ["false"]})).unwrap_err(),
            "program \"false\" exited with status 1"
        );
        let err = resolve_in(&s.0, json!({"program": ["sh", "-c", "echo out; echo '  bad thing  ' >&2; exit 3"]}))
            .unwrap_err();
        assert_eq!(err, "program \"sh\" exited with status 3: bad thing");
        let err = resolve_in(
            &s.0,
            json!({"program": ["sh", "-c", "for i in $(seq 1 30); do echo line$i >&2; done; exit 4"]}),
        )
        .unwrap_err();
        let lines: Vec<String> = (11..=30).map(|i| format!("line{i}")).collect();
        assert_eq!(
            err,
            format!("program \"sh\" exited with status 4 (last 20 of 30 lines of stderr): {}", lines.join("\n  "))
        );
    }

    #[cfg(unix)]
    #[test]
    fn killed_program_names_the_signal() {
        let s = Scratch::new("signal");
        let err = resolve_in(&s.0, json!({"program": ["sh", "-c", "kill -9 $$"]})).unwrap_err();
        assert_eq!(err, "program \"sh\" was terminated by signal 9");
    }

    #[test]
    fn missing_program_names_the_os_error() {
        let s = Scratch::new("missing");
        let err = resolve_in(&s.0, json!({"program": ["strata-no-such-program", "x"]})).unwrap_err();
        assert!(err.starts_with("cannot start program \"strata-no-such-program\": No such file or directory"), "{err}");
    }

    #[test]
    fn output_must_be_utf8() {
        let s = Scratch::new("utf8");
        let err = resolve_in(&s.0, json!({"program": ["printf", "ok\\377"]})).unwrap_err();
        assert_eq!(err, "the output of program \"printf\" is not valid UTF-8 (at byte 2)");
    }

    #[test]
    fn program_must_be_a_non_empty_list_of_strings() {
        let base = Path::new(".");
        for (program, want) in [
            (None, "missing required attribute \"program\""),
            (
                Some(json!("echo hi")),
                "attribute \"program\" must be a list of strings (the program, then its arguments), got string",
            ),
            (Some(json!([])), "attribute \"program\" is empty: name the program to run, then its arguments"),
            (Some(json!(["echo", {"a": 1}])), "program[1] must be a string, got object"),
            (Some(json!([""])), "program[0] must not be empty: it names the program to run"),
        ] {
            let mut a = Map::new();
            if let Some(p) = program {
                a.insert("program".into(), p);
            }
            assert_eq!(resolve(base, &a).unwrap_err(), want);
        }
        assert_eq!(
            resolve_in(base, json!({"program": ["true"], "working_dir": ["x"]})).unwrap_err(),
            "attribute \"working_dir\" must be a string, got list"
        );
    }
}
