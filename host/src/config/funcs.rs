//! The functions available to expressions in `atlas.hcl` (a subset of Atlas's list, §8.5 of
//! the behavior reference).
//!
//! hcl-rs takes plain `fn` pointers, so the one function that needs load-time state, `file`,
//! reads the config file's directory from a thread-local that [`BaseDirGuard`] sets for the
//! duration of a load.

use std::cell::RefCell;
use std::path::{Path, PathBuf};

use hcl::Value;
use hcl::eval::{Context, FuncArgs, FuncDef, ParamType};

use super::vars::parse_number;

thread_local! {
    static BASE_DIR: RefCell<Option<PathBuf>> = const { RefCell::new(None) };
}

/// Sets the directory `file()` resolves relative paths against, restoring the previous one on
/// drop (a load may run inside another, e.g. from a data source).
pub(super) struct BaseDirGuard {
    previous: Option<PathBuf>,
}

impl BaseDirGuard {
    pub(super) fn set(dir: &Path) -> Self {
        let previous = BASE_DIR.with(|d| d.replace(Some(dir.to_path_buf())));
        BaseDirGuard { previous }
    }
}

impl Drop for BaseDirGuard {
    fn drop(&mut self) {
        let previous = self.previous.take();
        BASE_DIR.with(|d| *d.borrow_mut() = previous);
    }
}

/// Declares every supported function in `ctx`.
pub(super) fn declare_all(ctx: &mut Context<'_>) {
    use ParamType::{Any, Bool, Number, String as Str};
    let list = || ParamType::array_of(Any);
    let strs = || ParamType::array_of(Str);
    let obj = || ParamType::object_of(Any);
    let defs: Vec<(&str, FuncDef)> = vec![
        ("getenv", FuncDef::builder().param(Str).build(getenv)),
        ("file", FuncDef::builder().param(Str).build(file)),
        ("lower", FuncDef::builder().param(Str).build(lower)),
        ("upper", FuncDef::builder().param(Str).build(upper)),
        ("title", FuncDef::builder().param(Str).build(title)),
        ("trimspace", FuncDef::builder().param(Str).build(trimspace)),
        ("chomp", FuncDef::builder().param(Str).build(chomp)),
        ("strrev", FuncDef::builder().param(Str).build(strrev)),
        ("trim", FuncDef::builder().params([Str, Str]).build(trim)),
        ("trimprefix", FuncDef::builder().params([Str, Str]).build(trimprefix)),
        ("trimsuffix", FuncDef::builder().params([Str, Str]).build(trimsuffix)),
        ("startswith", FuncDef::builder().params([Str, Str]).build(startswith)),
        ("endswith", FuncDef::builder().params([Str, Str]).build(endswith)),
        ("strcontains", FuncDef::builder().params([Str, Str]).build(strcontains)),
        ("regex", FuncDef::builder().params([Str, Str]).build(regex)),
        ("regexall", FuncDef::builder().params([Str, Str]).build(regexall)),
        ("substr", FuncDef::builder().params([Str, Number, Number]).build(substr)),
        ("format", FuncDef::builder().param(Str).variadic_param(Any).build(format)),
        ("join", FuncDef::builder().param(Str).variadic_param(strs()).build(join)),
        ("split", FuncDef::builder().params([Str, Str]).build(split)),
        ("replace", FuncDef::builder().params([Str, Str, Str]).build(replace)),
        ("concat", FuncDef::builder().variadic_param(list()).build(concat)),
        ("length", FuncDef::builder().param(Any).build(length)),
        ("urlescape", FuncDef::builder().param(Str).build(urlescape)),
        ("jsonencode", FuncDef::builder().param(Any).build(jsonencode)),
        ("jsondecode", FuncDef::builder().param(Str).build(jsondecode)),
        ("tostring", FuncDef::builder().param(Any).build(tostring)),
        ("tonumber", FuncDef::builder().param(Any).build(tonumber)),
        ("tobool", FuncDef::builder().param(Any).build(tobool)),
        ("tolist", FuncDef::builder().param(list()).build(tolist)),
        ("toset", FuncDef::builder().param(list()).build(toset)),
        ("distinct", FuncDef::builder().param(list()).build(toset)),
        ("compact", FuncDef::builder().param(list()).build(compact)),
        ("reverse", FuncDef::builder().param(list()).build(reverse)),
        ("flatten", FuncDef::builder().param(list()).build(flatten)),
        ("sort", FuncDef::builder().param(strs()).build(sort)),
        ("contains", FuncDef::builder().params([list(), Any]).build(contains)),
        ("element", FuncDef::builder().params([list(), Number]).build(element)),
        ("coalesce", FuncDef::builder().variadic_param(Any).build(coalesce)),
        ("coalescelist", FuncDef::builder().variadic_param(list()).build(coalescelist)),
        ("keys", FuncDef::builder().param(obj()).build(keys)),
        ("values", FuncDef::builder().param(obj()).build(values)),
        ("merge", FuncDef::builder().variadic_param(obj()).build(merge)),
        ("lookup", FuncDef::builder().params([obj(), Str]).variadic_param(Any).build(lookup)),
        ("zipmap", FuncDef::builder().params([strs(), list()]).build(zipmap)),
        ("abs", FuncDef::builder().param(Number).build(abs)),
        ("floor", FuncDef::builder().param(Number).build(floor)),
        ("ceil", FuncDef::builder().param(Number).build(ceil)),
        ("min", FuncDef::builder().variadic_param(Number).build(min)),
        ("max", FuncDef::builder().variadic_param(Number).build(max)),
        ("alltrue", FuncDef::builder().param(ParamType::array_of(Bool)).build(alltrue)),
    ];
    for (name, def) in defs {
        ctx.declare_func(name, def);
    }
}

// Arguments are checked against the declared parameter types before a function runs, so these
// helpers only fail if a declaration and its function disagree.
fn str_at(args: &FuncArgs, i: usize) -> Result<&str, String> {
    args.get(i).and_then(Value::as_str).ok_or_else(|| format!("argument {} must be a string", i + 1))
}

fn f64_at(args: &FuncArgs, i: usize) -> Result<f64, String> {
    args.get(i)
        .and_then(Value::as_number)
        .and_then(hcl::Number::as_f64)
        .ok_or_else(|| format!("argument {} must be a number", i + 1))
}

fn array_at(args: &FuncArgs, i: usize) -> Result<&Vec<Value>, String> {
    args.get(i).and_then(Value::as_array).ok_or_else(|| format!("argument {} must be a list", i + 1))
}

fn object_at(args: &FuncArgs, i: usize) -> Result<&hcl::Map<String, Value>, String> {
    args.get(i).and_then(Value::as_object).ok_or_else(|| format!("argument {} must be an object", i + 1))
}

fn number(f: f64) -> Result<Value, String> {
    if f.fract() == 0.0 && f.abs() < 9.0e15 {
        // Whole numbers stay integers so that they print without a fraction.
        #[allow(clippy::cast_possible_truncation)]
        return Ok(Value::from(f as i64));
    }
    hcl::Number::from_f64(f).map(Value::Number).ok_or_else(|| "result is not a finite number".to_owned())
}

/// Atlas's `getenv` returns the empty string for an unset variable.
fn getenv(args: FuncArgs) -> Result<Value, String> {
    Ok(Value::from(std::env::var(str_at(&args, 0)?).unwrap_or_default()))
}

fn file(args: FuncArgs) -> Result<Value, String> {
    let name = str_at(&args, 0)?;
    let path = BASE_DIR.with(|d| match d.borrow().as_ref() {
        Some(dir) => dir.join(name),
        None => PathBuf::from(name),
    });
    std::fs::read_to_string(&path)
        .map(Value::from)
        .map_err(|e| format!("reading {:?}: {e}", path.display().to_string()))
}

fn lower(args: FuncArgs) -> Result<Value, String> {
    Ok(Value::from(str_at(&args, 0)?.to_lowercase()))
}

fn upper(args: FuncArgs) -> Result<Value, String> {
    Ok(Value::from(str_at(&args, 0)?.to_uppercase()))
}

fn title(args: FuncArgs) -> Result<Value, String> {
    let mut out = String::new();
    let mut start = true;
    for c in str_at(&args, 0)?.chars() {
        if start && c.is_alphabetic() {
            out.extend(c.to_uppercase());
        } else {
            out.push(c);
        }
        start = c.is_whitespace();
    }
    Ok(Value::from(out))
}

fn trimspace(args: FuncArgs) -> Result<Value, String> {
    Ok(Value::from(str_at(&args, 0)?.trim()))
}

fn chomp(args: FuncArgs) -> Result<Value, String> {
    Ok(Value::from(str_at(&args, 0)?.trim_end_matches(['\n', '\r'])))
}

fn strrev(args: FuncArgs) -> Result<Value, String> {
    Ok(Value::from(str_at(&args, 0)?.chars().rev().collect::<String>()))
}

fn trim(args: FuncArgs) -> Result<Value, String> {
    let cut: Vec<char> = str_at(&args, 1)?.chars().collect();
    Ok(Value::from(str_at(&args, 0)?.trim_matches(cut.as_slice())))
}

fn trimprefix(args: FuncArgs) -> Result<Value, String> {
    let s = str_at(&args, 0)?;
    Ok(Value::from(s.strip_prefix(str_at(&args, 1)?).unwrap_or(s)))
}

fn trimsuffix(args: FuncArgs) -> Result<Value, String> {
    let s = str_at(&args, 0)?;
    Ok(Value::from(s.strip_suffix(str_at(&args, 1)?).unwrap_or(s)))
}

fn startswith(args: FuncArgs) -> Result<Value, String> {
    Ok(Value::Bool(str_at(&args, 0)?.starts_with(str_at(&args, 1)?)))
}

fn endswith(args: FuncArgs) -> Result<Value, String> {
    Ok(Value::Bool(str_at(&args, 0)?.ends_with(str_at(&args, 1)?)))
}

fn strcontains(args: FuncArgs) -> Result<Value, String> {
    Ok(Value::Bool(str_at(&args, 0)?.contains(str_at(&args, 1)?)))
}

fn compile(pattern: &str) -> Result<regex::Regex, String> {
    regex::Regex::new(pattern).map_err(|e| format!("invalid regular expression {pattern:?}: {e}"))
}

/// Terraform's `regex(pattern, string)`: the first match (a string without
/// capture groups, the list of groups with them); no match is an error.
fn regex(args: FuncArgs) -> Result<Value, String> {
    let (pattern, text) = (str_at(&args, 0)?, str_at(&args, 1)?);
    let re = compile(pattern)?;
    let caps = re.captures(text).ok_or_else(|| format!("pattern {pattern:?} does not match {text:?}"))?;
    Ok(match re.captures_len() {
        1 => Value::from(caps.get(0).map_or("", |m| m.as_str())),
        _ => Value::Array(caps.iter().skip(1).map(|m| Value::from(m.map_or("", |m| m.as_str()))).collect()),
    })
}

/// Terraform's `regexall(pattern, string)`: every match (`length(...) > 0` tests for one).
fn regexall(args: FuncArgs) -> Result<Value, String> {
    let (pattern, text) = (str_at(&args, 0)?, str_at(&args, 1)?);
    let re = compile(pattern)?;
    Ok(Value::Array(re.find_iter(text).map(|m| Value::from(m.as_str())).collect()))
}

fn substr(args: FuncArgs) -> Result<Value, String> {
    let chars: Vec<char> = str_at(&args, 0)?.chars().collect();
    let len = chars.len() as f64;
    let mut offset = f64_at(&args, 1)?;
    let length = f64_at(&args, 2)?;
    if offset < 0.0 {
        offset += len;
    }
    let start = offset.clamp(0.0, len);
    let end = if length < 0.0 { len } else { (start + length).min(len) };
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let (start, end) = (start as usize, end as usize);
    Ok(Value::from(chars[start..end.max(start)].iter().collect::<String>()))
}

/// A printf subset: `%s`, `%v`, `%d`, `%f`, `%t`, `%q` and `%%`.
fn format(args: FuncArgs) -> Result<Value, String> {
    let spec = str_at(&args, 0)?;
    let mut rest = args.iter().skip(1);
    let mut out = String::new();
    let mut chars = spec.chars();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        let verb = chars.next().ok_or_else(|| "format string ends with a lone %".to_owned())?;
        if verb == '%' {
            out.push('%');
            continue;
        }
        let arg = rest.next().ok_or_else(|| format!("not enough arguments for %{verb}"))?;
        match verb {
            's' | 'v' => out.push_str(&display(arg)?),
            'd' => match arg.as_number().and_then(hcl::Number::as_i64) {
                Some(i) => out.push_str(&i.to_string()),
                None => return Err(format!("%d requires an integer, got {}", display(arg)?)),
            },
            'f' => match arg.as_number().and_then(hcl::Number::as_f64) {
                Some(f) => out.push_str(&format!("{f:.6}")),
                None => return Err(format!("%f requires a number, got {}", display(arg)?)),
            },
            't' => match arg.as_bool() {
                Some(b) => out.push_str(&b.to_string()),
                None => return Err(format!("%t requires a bool, got {}", display(arg)?)),
            },
            'q' => out.push_str(&format!("{:?}", display(arg)?)),
            other => return Err(format!("unsupported format verb %{other}")),
        }
    }
    if rest.next().is_some() {
        return Err("too many arguments for the format string".to_owned());
    }
    Ok(Value::from(out))
}

/// How `tostring`/`format("%s")` show a value: strings bare, scalars as written, others as JSON.
fn display(v: &Value) -> Result<String, String> {
    match v {
        Value::String(s) => Ok(s.clone()),
        Value::Number(n) => Ok(n.to_string()),
        Value::Bool(b) => Ok(b.to_string()),
        Value::Null => Ok("null".to_owned()),
        other => serde_json::to_string(other).map_err(|e| e.to_string()),
    }
}

fn join(args: FuncArgs) -> Result<Value, String> {
    let sep = str_at(&args, 0)?;
    let mut parts = Vec::new();
    for list in args.iter().skip(1) {
        for item in list.as_array().into_iter().flatten() {
            parts.push(display(item)?);
        }
    }
    Ok(Value::from(parts.join(sep)))
}

fn split(args: FuncArgs) -> Result<Value, String> {
    let sep = str_at(&args, 0)?;
    let s = str_at(&args, 1)?;
    if s.is_empty() {
        return Ok(Value::Array(Vec::new()));
    }
    Ok(Value::Array(s.split(sep).map(Value::from).collect()))
}

fn replace(args: FuncArgs) -> Result<Value, String> {
    let (s, from, to) = (str_at(&args, 0)?, str_at(&args, 1)?, str_at(&args, 2)?);
    if from.len() > 1 && from.starts_with('/') && from.ends_with('/') {
        return Err("regular expressions are not supported by replace".to_owned());
    }
    Ok(Value::from(s.replace(from, to)))
}

fn concat(args: FuncArgs) -> Result<Value, String> {
    Ok(Value::Array(args.iter().filter_map(Value::as_array).flatten().cloned().collect()))
}

fn length(args: FuncArgs) -> Result<Value, String> {
    match args.first() {
        Some(Value::String(s)) => Ok(Value::from(s.chars().count())),
        Some(Value::Array(a)) => Ok(Value::from(a.len())),
        Some(Value::Object(o)) => Ok(Value::from(o.len())),
        _ => Err("length requires a string, list or map".to_owned()),
    }
}

/// Go's `url.QueryEscape`, which Atlas's `urlescape` is.
fn urlescape(args: FuncArgs) -> Result<Value, String> {
    let mut out = String::new();
    for b in str_at(&args, 0)?.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(char::from(b));
            }
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    Ok(Value::from(out))
}

fn jsonencode(args: FuncArgs) -> Result<Value, String> {
    let v = args.first().unwrap_or(&Value::Null);
    serde_json::to_string(v).map(Value::from).map_err(|e| e.to_string())
}

fn jsondecode(args: FuncArgs) -> Result<Value, String> {
    let json: serde_json::Value = serde_json::from_str(str_at(&args, 0)?).map_err(|e| format!("invalid JSON: {e}"))?;
    hcl::to_value(json).map_err(|e| e.to_string())
}

fn tostring(args: FuncArgs) -> Result<Value, String> {
    match args.first() {
        Some(Value::Null) => Ok(Value::Null),
        Some(v @ (Value::String(_) | Value::Number(_) | Value::Bool(_))) => Ok(Value::from(display(v)?)),
        _ => Err("tostring requires a string, number or bool".to_owned()),
    }
}

fn tonumber(args: FuncArgs) -> Result<Value, String> {
    match args.first() {
        Some(Value::Null) => Ok(Value::Null),
        Some(Value::Number(n)) => Ok(Value::Number(*n)),
        Some(Value::String(s)) => parse_number(s).ok_or_else(|| format!("cannot convert {s:?} to a number")),
        _ => Err("tonumber requires a string or number".to_owned()),
    }
}

fn tobool(args: FuncArgs) -> Result<Value, String> {
    match args.first() {
        Some(Value::Null) => Ok(Value::Null),
        Some(Value::Bool(b)) => Ok(Value::Bool(*b)),
        Some(Value::String(s)) if s == "true" => Ok(Value::Bool(true)),
        Some(Value::String(s)) if s == "false" => Ok(Value::Bool(false)),
        _ => Err("tobool requires \"true\", \"false\" or a bool".to_owned()),
    }
}

fn tolist(args: FuncArgs) -> Result<Value, String> {
    Ok(Value::Array(array_at(&args, 0)?.clone()))
}

/// Sets have no value of their own in hcl-rs: a set is a list without duplicates, in first-seen
/// order. `for_each = toset(...)` is recognized by the loader to key instances by value.
fn toset(args: FuncArgs) -> Result<Value, String> {
    let mut out: Vec<Value> = Vec::new();
    for v in array_at(&args, 0)? {
        if !out.contains(v) {
            out.push(v.clone());
        }
    }
    Ok(Value::Array(out))
}

fn compact(args: FuncArgs) -> Result<Value, String> {
    Ok(Value::Array(
        array_at(&args, 0)?.iter().filter(|v| !matches!(v, Value::Null) && v.as_str() != Some("")).cloned().collect(),
    ))
}

fn reverse(args: FuncArgs) -> Result<Value, String> {
    Ok(Value::Array(array_at(&args, 0)?.iter().rev().cloned().collect()))
}

fn flatten(args: FuncArgs) -> Result<Value, String> {
    fn walk(items: &[Value], out: &mut Vec<Value>) {
        for v in items {
            match v {
                Value::Array(inner) => walk(inner, out),
                other => out.push(other.clone()),
            }
        }
    }
    let mut out = Vec::new();
    walk(array_at(&args, 0)?, &mut out);
    Ok(Value::Array(out))
}

fn sort(args: FuncArgs) -> Result<Value, String> {
    let mut items: Vec<String> = array_at(&args, 0)?.iter().filter_map(|v| v.as_str().map(str::to_owned)).collect();
    items.sort();
    Ok(Value::Array(items.into_iter().map(Value::from).collect()))
}

fn contains(args: FuncArgs) -> Result<Value, String> {
    let needle = args.get(1).unwrap_or(&Value::Null);
    Ok(Value::Bool(array_at(&args, 0)?.contains(needle)))
}

fn element(args: FuncArgs) -> Result<Value, String> {
    let list = array_at(&args, 0)?;
    if list.is_empty() {
        return Err("cannot use element function with an empty list".to_owned());
    }
    let i = f64_at(&args, 1)?;
    if i < 0.0 {
        return Err("cannot use element function with a negative index".to_owned());
    }
    // Like Terraform/Atlas, the index wraps around.
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let i = i as usize % list.len();
    Ok(list[i].clone())
}

fn coalesce(args: FuncArgs) -> Result<Value, String> {
    args.iter()
        .find(|v| !matches!(v, Value::Null) && v.as_str() != Some(""))
        .cloned()
        .ok_or_else(|| "no non-null, non-empty-string arguments".to_owned())
}

fn coalescelist(args: FuncArgs) -> Result<Value, String> {
    Ok(args.iter().find(|v| v.as_array().is_some_and(|a| !a.is_empty())).cloned().unwrap_or(Value::Array(Vec::new())))
}

fn keys(args: FuncArgs) -> Result<Value, String> {
    Ok(Value::Array(object_at(&args, 0)?.keys().cloned().map(Value::from).collect()))
}

fn values(args: FuncArgs) -> Result<Value, String> {
    Ok(Value::Array(object_at(&args, 0)?.values().cloned().collect()))
}

fn merge(args: FuncArgs) -> Result<Value, String> {
    let mut out = hcl::Map::new();
    for obj in args.iter().filter_map(Value::as_object) {
        for (k, v) in obj {
            out.insert(k.clone(), v.clone());
        }
    }
    Ok(Value::Object(out))
}

fn lookup(args: FuncArgs) -> Result<Value, String> {
    let key = str_at(&args, 1)?;
    match (object_at(&args, 0)?.get(key), args.get(2)) {
        (Some(v), _) => Ok(v.clone()),
        (None, Some(default)) => Ok(default.clone()),
        (None, None) => Err(format!("the given object has no attribute {key:?}")),
    }
}

fn zipmap(args: FuncArgs) -> Result<Value, String> {
    let keys = array_at(&args, 0)?;
    let vals = array_at(&args, 1)?;
    if keys.len() != vals.len() {
        return Err("number of keys and values must match".to_owned());
    }
    let mut out = hcl::Map::new();
    for (k, v) in keys.iter().zip(vals) {
        out.insert(display(k)?, v.clone());
    }
    Ok(Value::Object(out))
}

fn abs(args: FuncArgs) -> Result<Value, String> {
    number(f64_at(&args, 0)?.abs())
}

fn floor(args: FuncArgs) -> Result<Value, String> {
    number(f64_at(&args, 0)?.floor())
}

fn ceil(args: FuncArgs) -> Result<Value, String> {
    number(f64_at(&args, 0)?.ceil())
}

fn min(args: FuncArgs) -> Result<Value, String> {
    fold_numbers(&args, f64::min)
}

fn max(args: FuncArgs) -> Result<Value, String> {
    fold_numbers(&args, f64::max)
}

fn fold_numbers(args: &FuncArgs, f: fn(f64, f64) -> f64) -> Result<Value, String> {
    let mut acc: Option<f64> = None;
    for i in 0..args.len() {
        let x = f64_at(args, i)?;
        acc = Some(acc.map_or(x, |a| f(a, x)));
    }
    number(acc.ok_or_else(|| "at least one argument is required".to_owned())?)
}

fn alltrue(args: FuncArgs) -> Result<Value, String> {
    Ok(Value::Bool(array_at(&args, 0)?.iter().all(|v| v.as_bool() == Some(true))))
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use hcl::eval::Evaluate;

    fn eval(src: &str) -> Result<Value, String> {
        let mut ctx = Context::new();
        declare_all(&mut ctx);
        let expr: hcl::Expression = src.parse().map_err(|e: hcl::Error| e.to_string())?;
        expr.evaluate(&ctx).map_err(|e| e.to_string())
    }

    #[test]
    fn string_functions() {
        assert_eq!(eval(r#"lower("AbC")"#), Ok(Value::from("abc")));
        assert_eq!(eval(r#"upper("abc")"#), Ok(Value::from("ABC")));
        assert_eq!(eval(r#"trimspace("  x \n")"#), Ok(Value::from("x")));
        assert_eq!(eval(r#"replace("a-b-c", "-", "_")"#), Ok(Value::from("a_b_c")));
        assert_eq!(eval(r#"join(",", ["a", "b"], ["c"])"#), Ok(Value::from("a,b,c")));
        assert_eq!(eval(r#"split(",", "a,b")"#), Ok(Value::Array(vec![Value::from("a"), Value::from("b")])));
        assert_eq!(eval(r#"format("%s:%d/%q %%", "h", 5432, "db")"#), Ok(Value::from("h:5432/\"db\" %")));
        assert_eq!(eval(r#"urlescape("p@ss w/rd")"#), Ok(Value::from("p%40ss+w%2Frd")));
        assert_eq!(eval(r#"substr("hello", 1, 3)"#), Ok(Value::from("ell")));
    }

    #[test]
    fn collection_and_conversion_functions() {
        assert_eq!(eval(r#"length(concat(["a"], ["b", "c"]))"#), Ok(Value::from(3)));
        assert_eq!(eval(r#"contains(["a", "b"], "b")"#), Ok(Value::Bool(true)));
        assert_eq!(eval(r#"coalesce("", null, "x")"#), Ok(Value::from("x")));
        assert_eq!(eval(r#"jsonencode({a = [1, true]})"#), Ok(Value::from(r#"{"a":[1,true]}"#)));
        assert_eq!(eval(r#"tostring(5)"#), Ok(Value::from("5")));
        assert_eq!(eval(r#"tonumber("2.5")"#), Ok(Value::from(2.5)));
        assert_eq!(eval(r#"length(toset(["a", "a", "b"]))"#), Ok(Value::from(2)));
        assert_eq!(eval(r#"max(1, 7, 3)"#), Ok(Value::from(7)));
        assert!(eval(r#"tonumber("x")"#).unwrap_err().contains("cannot convert"));
    }

    #[test]
    fn getenv_of_unset_variable_is_empty() {
        assert_eq!(eval(r#"getenv("STRATA_CONFIG_TEST_SURELY_UNSET")"#), Ok(Value::from("")));
    }
}
