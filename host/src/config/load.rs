//! Loading `atlas.hcl`: parse with hcl-edit (to keep spans), check the block structure, then
//! evaluate in stages — variables, locals, the data sources the selection reads, plugins and
//! the selected envs.

use std::cell::RefCell;
use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

use hcl::Value;
use hcl::edit::Span;
use hcl::edit::expr::Expression;
use hcl::edit::structure::{Attribute, Block, Body, Structure};
use hcl::eval::{Context, Evaluate};

use super::error::{ConfigError, Location};
use super::funcs;
use super::model::{DataSources, Env, LoadOptions, Migration, Project};
use super::refs::{self, Target};
use super::source::Source;
use super::vars::VarType;

/// Top-level blocks a project file may hold. `atlas` (Atlas Cloud login) is accepted and
/// ignored so that files written for Atlas load; other Atlas Pro blocks (`docker`, `check`,
/// `deployment`) change behavior Strata does not provide, so they are rejected.
const TOP_LEVEL_BLOCKS: &[&str] =
    &["variable", "locals", "data", "env", "plugin", "registry", "policy", "policies", "lint", "diff", "test", "atlas"];

/// Reads and evaluates the project file at `path`.
///
/// Variables take their `--var` value (`opts.vars`) or their default; locals may reference
/// variables and each other in any order; `data` blocks are resolved through
/// `opts.data_sources` only when the selected env (or a `variable`/`plugin` block) reads them.
/// Without `opts.env` the file is checked and no env is evaluated.
///
/// # Errors
///
/// A [`ConfigError`], positioned in the file whenever it concerns a place in it:
/// [`ConfigError::NotFound`], [`ConfigError::Syntax`], [`ConfigError::Invalid`] (structure),
/// [`ConfigError::Eval`] (expressions and types), [`ConfigError::MissingVariable`],
/// [`ConfigError::UndeclaredVariable`], [`ConfigError::DataSource`] and
/// [`ConfigError::EnvNotDefined`].
pub fn load(path: &Path, opts: &LoadOptions) -> Result<Project, ConfigError> {
    let text = std::fs::read_to_string(path).map_err(|source| {
        if source.kind() == std::io::ErrorKind::NotFound {
            ConfigError::NotFound { path: path.to_path_buf() }
        } else {
            ConfigError::Read { path: path.to_path_buf(), source }
        }
    })?;
    let src = Source::new(path.to_path_buf(), text);
    let body = hcl::edit::parser::parse_body(src.text()).map_err(|e| ConfigError::Syntax {
        location: Location { file: path.to_path_buf(), line: e.location().line(), column: e.location().column() },
        message: e.message().to_owned(),
    })?;
    let decls = Decls::collect(&src, &body)?;

    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    // Absolute, so that `file()` and plugin paths do not depend on a later change of directory.
    let dir = std::path::absolute(dir).unwrap_or_else(|_| dir.to_path_buf());
    let _base = funcs::BaseDirGuard::set(&dir);

    let mut ev = Evaluator::new(&src, &decls, opts)?;
    ev.check_all()?;
    let plugins = ev.plugins(&dir)?;
    let registry = ev.registry()?;
    let policies = ev.policies(&dir)?;
    if let Some(resolver) = &opts.data_sources {
        resolver.borrow_mut().registry(registry.as_deref());
    }
    let envs = match &opts.env {
        Some(name) => ev.select_envs(name)?,
        None => Vec::new(),
    };
    Ok(Project { envs, plugins, registry, policies })
}

struct VarDecl<'a> {
    name: String,
    block: &'a Block,
    ty: Option<VarType>,
    ty_attr: Option<&'a Attribute>,
    default: Option<&'a Attribute>,
}

/// The top-level declarations, checked for structure but not evaluated.
struct Decls<'a> {
    vars: Vec<VarDecl<'a>>,
    /// In file order; names are unique.
    locals: Vec<(String, &'a Attribute)>,
    data: Vec<((String, String), &'a Block)>,
    envs: Vec<&'a Block>,
    plugins: Vec<&'a Block>,
    /// The `registry { url }` block (a Strata extension).
    registry: Option<&'a Block>,
    /// `policy "NAME"` blocks, and the `policies { files }` block naming more.
    policies: Vec<&'a Block>,
    policy_files: Option<&'a Block>,
    /// Top-level `lint`, `diff` and `test` blocks: defaults merged into each env.
    defaults: Vec<&'a Block>,
}

fn invalid(src: &Source, span: Option<std::ops::Range<usize>>, message: String) -> ConfigError {
    ConfigError::Invalid { location: src.at(span), message }
}

impl<'a> Decls<'a> {
    fn collect(src: &Source, body: &'a Body) -> Result<Self, ConfigError> {
        let mut d = Decls {
            vars: Vec::new(),
            locals: Vec::new(),
            data: Vec::new(),
            envs: Vec::new(),
            plugins: Vec::new(),
            registry: None,
            policies: Vec::new(),
            policy_files: None,
            defaults: Vec::new(),
        };
        for structure in body.iter() {
            let block = match structure {
                Structure::Attribute(attr) => {
                    return Err(invalid(
                        src,
                        attr.span(),
                        format!(
                            "unsupported top-level attribute {:?}: attributes belong inside a block",
                            attr.key.as_str()
                        ),
                    ));
                }
                Structure::Block(block) => block,
            };
            let ident = block.ident.as_str();
            let labels: Vec<&str> = block.labels.iter().map(|l| l.as_str()).collect();
            let want_labels = |n: usize, what: &str| {
                if labels.len() == n {
                    Ok(())
                } else {
                    Err(invalid(src, block.span(), format!("{ident} block requires {what}, got {}", labels.len())))
                }
            };
            match ident {
                "variable" => {
                    want_labels(1, "one label (the variable name)")?;
                    d.add_var(src, block, labels[0])?;
                }
                "locals" => {
                    want_labels(0, "no labels")?;
                    d.add_locals(src, block)?;
                }
                "data" => {
                    want_labels(2, "two labels (kind and name)")?;
                    let key = (labels[0].to_owned(), labels[1].to_owned());
                    if let Some((_, first)) = d.data.iter().find(|(k, _)| *k == key) {
                        return Err(invalid(
                            src,
                            block.span(),
                            format!(
                                "data source {:?} {:?} is declared more than once (first on line {})",
                                key.0,
                                key.1,
                                src.line_of(first.span())
                            ),
                        ));
                    }
                    d.data.push((key, block));
                }
                "env" => {
                    if labels.len() > 1 {
                        want_labels(1, "at most one label (the env name)")?;
                    }
                    check_env_structure(src, block)?;
                    d.envs.push(block);
                }
                "plugin" => {
                    want_labels(1, "one label (the plugin name)")?;
                    if let Some(first) =
                        d.plugins.iter().find(|b| b.labels.first().map(|l| l.as_str()) == Some(labels[0]))
                    {
                        return Err(invalid(
                            src,
                            block.span(),
                            format!(
                                "plugin {:?} is declared more than once (first on line {})",
                                labels[0],
                                src.line_of(first.span())
                            ),
                        ));
                    }
                    check_only_attrs(src, block, &["path", "sha256"])?;
                    if !block.body.has_attribute("path") {
                        return Err(invalid(
                            src,
                            block.span(),
                            format!("plugin {:?} requires a \"path\" attribute", labels[0]),
                        ));
                    }
                    d.plugins.push(block);
                }
                "policy" => {
                    want_labels(1, "one label (the rule name)")?;
                    if let Some(first) =
                        d.policies.iter().find(|b| b.labels.first().map(|l| l.as_str()) == Some(labels[0]))
                    {
                        return Err(invalid(
                            src,
                            block.span(),
                            format!(
                                "policy {:?} is declared more than once (first on line {})",
                                labels[0],
                                src.line_of(first.span())
                            ),
                        ));
                    }
                    d.policies.push(block);
                }
                "policies" => {
                    want_labels(0, "no labels")?;
                    if let Some(first) = d.policy_files {
                        return Err(invalid(
                            src,
                            block.span(),
                            format!(
                                "policies block is declared more than once (first on line {})",
                                src.line_of(first.span())
                            ),
                        ));
                    }
                    check_only_attrs(src, block, &["files"])?;
                    d.policy_files = Some(block);
                }
                "registry" => {
                    want_labels(0, "no labels")?;
                    if let Some(first) = d.registry {
                        return Err(invalid(
                            src,
                            block.span(),
                            format!(
                                "registry block is declared more than once (first on line {})",
                                src.line_of(first.span())
                            ),
                        ));
                    }
                    check_only_attrs(src, block, &["url"])?;
                    d.registry = Some(block);
                }
                "lint" | "diff" | "test" => {
                    want_labels(0, "no labels")?;
                    if let Some(first) = d.defaults.iter().find(|b| b.ident.as_str() == ident) {
                        return Err(invalid(
                            src,
                            block.span(),
                            format!(
                                "top-level {ident} block is declared more than once (first on line {})",
                                src.line_of(first.span())
                            ),
                        ));
                    }
                    d.defaults.push(block);
                }
                "atlas" => {}
                _ => {
                    return Err(invalid(
                        src,
                        block.span(),
                        format!("unsupported block {ident:?}: expected one of {}", TOP_LEVEL_BLOCKS.join(", ")),
                    ));
                }
            }
        }
        Ok(d)
    }

    fn add_var(&mut self, src: &Source, block: &'a Block, name: &str) -> Result<(), ConfigError> {
        if let Some(first) = self.vars.iter().find(|v| v.name == name) {
            return Err(invalid(
                src,
                block.span(),
                format!(
                    "variable {name:?} is declared more than once (first on line {})",
                    src.line_of(first.block.span())
                ),
            ));
        }
        check_only_attrs(src, block, &["type", "default", "description", "sensitive"])?;
        let ty_attr = block.body.get_attribute("type");
        let ty = match ty_attr {
            Some(attr) => Some(VarType::parse(&attr.value).ok_or_else(|| {
                invalid(
                    src,
                    attr.value.span(),
                    format!(
                        "invalid type for variable {name:?}: expected string, number, bool, any, list(<type>) or set(<type>)"
                    ),
                )
            })?),
            None => None,
        };
        self.vars.push(VarDecl {
            name: name.to_owned(),
            block,
            ty,
            ty_attr,
            default: block.body.get_attribute("default"),
        });
        Ok(())
    }

    fn add_locals(&mut self, src: &Source, block: &'a Block) -> Result<(), ConfigError> {
        for structure in block.body.iter() {
            match structure {
                Structure::Block(inner) => {
                    return Err(invalid(
                        src,
                        inner.span(),
                        format!("unexpected block {:?} in locals: only attributes are allowed", inner.ident.as_str()),
                    ));
                }
                Structure::Attribute(attr) => {
                    let name = attr.key.as_str();
                    if let Some((_, first)) = self.locals.iter().find(|(n, _)| n == name) {
                        return Err(invalid(
                            src,
                            attr.span(),
                            format!(
                                "local {name:?} is declared more than once (first on line {})",
                                src.line_of(first.span())
                            ),
                        ));
                    }
                    self.locals.push((name.to_owned(), attr));
                }
            }
        }
        Ok(())
    }

    fn var(&self, name: &str) -> Option<&VarDecl<'a>> {
        self.vars.iter().find(|v| v.name == name)
    }

    fn local(&self, name: &str) -> Option<&'a Attribute> {
        self.locals.iter().find(|(n, _)| n == name).map(|(_, a)| *a)
    }

    fn data_block(&self, kind: &str, name: &str) -> Option<&'a Block> {
        self.data.iter().find(|((k, n), _)| k == kind && n == name).map(|(_, b)| *b)
    }
}

/// Allows only the given attributes (and no blocks) in `block`.
fn check_only_attrs(src: &Source, block: &Block, allowed: &[&str]) -> Result<(), ConfigError> {
    for structure in block.body.iter() {
        match structure {
            Structure::Attribute(attr) if allowed.contains(&attr.key.as_str()) => {}
            Structure::Attribute(attr) => {
                return Err(invalid(
                    src,
                    attr.span(),
                    format!(
                        "unsupported attribute {:?} in {} block: expected one of {}",
                        attr.key.as_str(),
                        block.ident.as_str(),
                        allowed.join(", ")
                    ),
                ));
            }
            Structure::Block(inner) => {
                return Err(invalid(
                    src,
                    inner.span(),
                    format!("unexpected block {:?} in {} block", inner.ident.as_str(), block.ident.as_str()),
                ));
            }
        }
    }
    Ok(())
}

const MIGRATION_ATTRS: &[&str] = &[
    "dir",
    "format",
    "baseline",
    "exec_order",
    "revisions_schema",
    "to_version",
    "lock_timeout",
    "tx_mode",
    "exclude",
    "repo",
];

/// Checks an env block's shape without evaluating it, so that mistakes in envs that are not
/// selected are still reported.
fn check_env_structure(src: &Source, block: &Block) -> Result<(), ConfigError> {
    let mut migration: Option<&Block> = None;
    for inner in block.body.blocks() {
        if inner.ident.as_str() != "migration" {
            continue;
        }
        if let Some(first) = migration {
            return Err(invalid(
                src,
                inner.span(),
                format!("env block has more than one migration block (first on line {})", src.line_of(first.span())),
            ));
        }
        migration = Some(inner);
        if !inner.labels.is_empty() {
            return Err(invalid(src, inner.span(), "migration block takes no labels".to_owned()));
        }
        for s in inner.body.iter() {
            match s {
                Structure::Attribute(attr) if MIGRATION_ATTRS.contains(&attr.key.as_str()) => {}
                Structure::Attribute(attr) => {
                    return Err(invalid(
                        src,
                        attr.span(),
                        format!(
                            "unsupported attribute {:?} in migration block: expected one of {}",
                            attr.key.as_str(),
                            MIGRATION_ATTRS.join(", ")
                        ),
                    ));
                }
                // `repo { name }`: Atlas's spelling of `repo = "NAME"`.
                Structure::Block(b) if b.ident.as_str() == "repo" => check_only_attrs(src, b, &["name"])?,
                Structure::Block(b) => {
                    return Err(invalid(
                        src,
                        b.span(),
                        format!("unexpected block {:?} in migration block", b.ident.as_str()),
                    ));
                }
            }
        }
    }
    Ok(())
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Node {
    Var(String),
    Local(String),
    Data(String, String),
}

impl Node {
    fn describe(&self) -> String {
        match self {
            Node::Var(n) => format!("var.{n}"),
            Node::Local(n) => format!("local.{n}"),
            Node::Data(k, n) => format!("data.{k}.{n}"),
        }
    }
}

/// Evaluates declarations on demand, each at most once, in dependency order.
struct Evaluator<'a> {
    src: &'a Source,
    decls: &'a Decls<'a>,
    flag_vars: BTreeMap<String, Vec<String>>,
    atlas_env: String,
    resolver: Option<&'a RefCell<Box<dyn DataSources>>>,
    vars: hcl::Map<String, Value>,
    locals: hcl::Map<String, Value>,
    /// `data.<kind>.<name>`: kind → object of name → value.
    data: hcl::Map<String, Value>,
    /// Declarations being evaluated, innermost last, to report reference cycles.
    busy: Vec<Node>,
    done: HashSet<Node>,
    /// Top-level `lint`/`diff`/`test` blocks, evaluated once when an env needs them.
    defaults: Option<BTreeMap<String, serde_json::Value>>,
}

/// An evaluated value as JSON, for `attrs`, `lint` and data source arguments.
fn to_json(v: &Value) -> Result<serde_json::Value, String> {
    serde_json::to_value(v).map_err(|e| e.to_string())
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "bool",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "list",
        Value::Object(_) => "object",
    }
}

/// A string-valued setting. Numbers and bools convert, as HCL's type conversion does;
/// `null` means unset.
fn want_string(v: Value) -> Result<Option<String>, String> {
    match v {
        Value::Null => Ok(None),
        Value::String(s) => Ok(Some(s)),
        Value::Number(n) => Ok(Some(n.to_string())),
        Value::Bool(b) => Ok(Some(b.to_string())),
        other => Err(format!("string required, got {}", type_name(&other))),
    }
}

/// A list-of-strings setting; `single` also accepts one string (Atlas's `src`).
fn want_strings(v: Value, single: bool) -> Result<Vec<String>, String> {
    match v {
        Value::Null => Ok(Vec::new()),
        Value::Array(items) => items
            .into_iter()
            .enumerate()
            .map(|(i, item)| {
                want_string(item)
                    .map_err(|e| format!("element {i}: {e}"))?
                    .ok_or_else(|| format!("element {i}: string required, got null"))
            })
            .collect(),
        Value::String(s) if single => Ok(vec![s]),
        other => Err(format!("list of string required, got {}", type_name(&other))),
    }
}

/// Overlays `over` on `base`: objects merge key by key, anything else is replaced.
fn merge_json(base: serde_json::Value, over: serde_json::Value) -> serde_json::Value {
    match (base, over) {
        (serde_json::Value::Object(mut b), serde_json::Value::Object(o)) => {
            for (k, v) in o {
                let merged = match b.remove(&k) {
                    Some(old) => merge_json(old, v),
                    None => v,
                };
                b.insert(k, merged);
            }
            serde_json::Value::Object(b)
        }
        // An env without its own block keeps the top-level one.
        (base, serde_json::Value::Null) => base,
        (_, over) => over,
    }
}

/// Adds a nested block to a JSON object: labels nest (`schema "a" {}` → `{"schema": {"a":
/// {...}}}`), and a repeated unlabeled block becomes a list.
fn insert_block_json(out: &mut serde_json::Map<String, serde_json::Value>, block: &Block, value: serde_json::Value) {
    let mut value = value;
    for label in block.labels.iter().rev() {
        let mut m = serde_json::Map::new();
        m.insert(label.as_str().to_owned(), value);
        value = serde_json::Value::Object(m);
    }
    let key = block.ident.as_str().to_owned();
    let merged = match out.remove(&key) {
        None => value,
        Some(old) if !block.labels.is_empty() => merge_json(old, value),
        Some(serde_json::Value::Array(mut items)) => {
            items.push(value);
            serde_json::Value::Array(items)
        }
        Some(old) => serde_json::Value::Array(vec![old, value]),
    };
    out.insert(key, merged);
}

impl<'a> Evaluator<'a> {
    fn new(src: &'a Source, decls: &'a Decls<'a>, opts: &'a LoadOptions) -> Result<Self, ConfigError> {
        let mut flag_vars: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for (k, v) in &opts.vars {
            if decls.var(k).is_none() {
                return Err(ConfigError::UndeclaredVariable { file: src.file().clone(), name: k.clone() });
            }
            flag_vars.entry(k.clone()).or_default().push(v.clone());
        }
        Ok(Evaluator {
            src,
            decls,
            flag_vars,
            // Atlas leaves `atlas.env` empty without --env; a string keeps interpolations valid.
            atlas_env: opts.env.clone().unwrap_or_default(),
            resolver: opts.data_sources.as_ref(),
            vars: hcl::Map::new(),
            locals: hcl::Map::new(),
            data: hcl::Map::new(),
            busy: Vec::new(),
            done: HashSet::new(),
            defaults: None,
        })
    }

    fn eval_err(&self, span: Option<std::ops::Range<usize>>, message: String) -> ConfigError {
        ConfigError::Eval { location: self.src.at(span), message }
    }

    /// Validation that does not depend on the selected env: every variable gets a value and
    /// every local that reads no data source evaluates.
    fn check_all(&mut self) -> Result<(), ConfigError> {
        for var in &self.decls.vars {
            self.ensure(Node::Var(var.name.clone()), var.block.span())?;
        }
        for (name, attr) in &self.decls.locals {
            if !self.local_reads_data(name, &mut HashSet::new()) {
                self.ensure(Node::Local(name.clone()), attr.span())?;
            }
        }
        Ok(())
    }

    /// Whether evaluating local `name` would evaluate a data source (so it must wait until an
    /// env reads it).
    fn local_reads_data(&self, name: &str, seen: &mut HashSet<String>) -> bool {
        if !seen.insert(name.to_owned()) {
            return false;
        }
        let Some(attr) = self.decls.local(name) else {
            return false;
        };
        refs::collect(&attr.value).iter().any(|r| match &r.target {
            Target::Data(..) => true,
            Target::Local(Some(n)) => self.local_reads_data(n, seen),
            Target::Local(None) => self.decls.locals.iter().any(|(n, _)| self.local_reads_data(n, seen)),
            Target::Var(_) => false,
        })
    }

    /// Evaluates `node` unless done; `span` is the reference that needs it.
    fn ensure(&mut self, node: Node, span: Option<std::ops::Range<usize>>) -> Result<(), ConfigError> {
        if self.done.contains(&node) {
            return Ok(());
        }
        if let Some(start) = self.busy.iter().position(|n| *n == node) {
            let cycle: Vec<String> =
                self.busy[start..].iter().chain(std::iter::once(&node)).map(Node::describe).collect();
            return Err(self.eval_err(span, format!("reference cycle: {}", cycle.join(" -> "))));
        }
        self.busy.push(node.clone());
        let result = match &node {
            Node::Var(name) => self.eval_var(name),
            Node::Local(name) => self.eval_local(name),
            Node::Data(kind, name) => self.eval_data(kind, name),
        };
        self.busy.pop();
        result?;
        self.done.insert(node);
        Ok(())
    }

    fn eval_var(&mut self, name: &str) -> Result<(), ConfigError> {
        let Some(decl) = self.decls.var(name) else {
            return Ok(());
        };
        let value = if let Some(given) = self.flag_vars.get(name) {
            let raw = match given.as_slice() {
                [one] => Value::from(one.clone()),
                many => Value::Array(many.iter().cloned().map(Value::from).collect()),
            };
            match &decl.ty {
                Some(ty) => ty.coerce(raw, true).map_err(|e| {
                    self.eval_err(
                        decl.ty_attr.map_or(decl.block.span(), |a| a.value.span()),
                        format!("variable {name:?}: invalid --var value: {e}"),
                    )
                })?,
                None => raw,
            }
        } else if let Some(default) = decl.default {
            let raw = self.eval_expr(&default.value, None)?;
            match &decl.ty {
                Some(ty) => ty
                    .coerce(raw, false)
                    .map_err(|e| self.eval_err(default.value.span(), format!("variable {name:?}: {e}")))?,
                None => raw,
            }
        } else {
            return Err(ConfigError::MissingVariable {
                location: self.src.at(decl.block.span()),
                name: name.to_owned(),
            });
        };
        self.vars.insert(name.to_owned(), value);
        Ok(())
    }

    fn eval_local(&mut self, name: &str) -> Result<(), ConfigError> {
        let Some(attr) = self.decls.local(name) else {
            return Ok(());
        };
        let value = self.eval_expr(&attr.value, None)?;
        self.locals.insert(name.to_owned(), value);
        Ok(())
    }

    fn eval_data(&mut self, kind: &str, name: &str) -> Result<(), ConfigError> {
        let Some(block) = self.decls.data_block(kind, name) else {
            return Ok(());
        };
        let attrs = self.body_json(&block.body, None)?;
        let err = |message: String| ConfigError::DataSource {
            location: self.src.at(block.span()),
            kind: kind.to_owned(),
            name: name.to_owned(),
            message,
        };
        let Some(resolver) = self.resolver else {
            return Err(err("cannot be evaluated: no data source resolver is configured".to_owned()));
        };
        let json = {
            let mut resolver = resolver
                .try_borrow_mut()
                .map_err(|_| err("data source resolver is already in use (re-entrant call)".to_owned()))?;
            resolver.resolve(kind, name, &attrs).map_err(&err)?
        };
        let value = hcl::to_value(json).map_err(|e| err(e.to_string()))?;
        let by_kind = self.data.entry(kind.to_owned()).or_insert_with(|| Value::Object(hcl::Map::new()));
        if let Value::Object(m) = by_kind {
            m.insert(name.to_owned(), value);
        }
        Ok(())
    }

    /// Evaluates everything `expr` reads, then `expr` itself.
    fn eval_expr(&mut self, expr: &Expression, each: Option<&Value>) -> Result<Value, ConfigError> {
        for r in refs::collect(expr) {
            match r.target {
                Target::Var(Some(name)) => {
                    if self.decls.var(&name).is_none() {
                        return Err(self.eval_err(
                            r.span,
                            format!("undefined variable var.{name}: no variable block declares it"),
                        ));
                    }
                    self.ensure(Node::Var(name), r.span)?;
                }
                Target::Var(None) => {
                    for v in &self.decls.vars {
                        self.ensure(Node::Var(v.name.clone()), r.span.clone())?;
                    }
                }
                Target::Local(Some(name)) => {
                    if self.decls.local(&name).is_none() {
                        return Err(
                            self.eval_err(r.span, format!("undefined local local.{name}: no locals block declares it"))
                        );
                    }
                    self.ensure(Node::Local(name), r.span)?;
                }
                Target::Local(None) => {
                    for (n, _) in &self.decls.locals {
                        self.ensure(Node::Local(n.clone()), r.span.clone())?;
                    }
                }
                Target::Data(Some(kind), Some(name)) => {
                    if self.decls.data_block(&kind, &name).is_none() {
                        return Err(self.eval_err(
                            r.span,
                            format!("undefined data source data.{kind}.{name}: no data block declares it"),
                        ));
                    }
                    self.ensure(Node::Data(kind, name), r.span)?;
                }
                Target::Data(kind, _) => {
                    let matching: Vec<(String, String)> = self
                        .decls
                        .data
                        .iter()
                        .filter(|((k, _), _)| kind.as_ref().is_none_or(|want| want == k))
                        .map(|(key, _)| key.clone())
                        .collect();
                    for (k, n) in matching {
                        self.ensure(Node::Data(k, n), r.span.clone())?;
                    }
                }
            }
        }
        let mut ctx = Context::new();
        funcs::declare_all(&mut ctx);
        ctx.declare_var("var", Value::Object(self.vars.clone()));
        ctx.declare_var("local", Value::Object(self.locals.clone()));
        ctx.declare_var("data", Value::Object(self.data.clone()));
        let mut atlas = hcl::Map::new();
        atlas.insert("env".to_owned(), Value::from(self.atlas_env.clone()));
        ctx.declare_var("atlas", Value::Object(atlas));
        if let Some(each) = each {
            ctx.declare_var("each", each.clone());
        }
        let converted: hcl::Expression = expr.clone().into();
        converted.evaluate(&ctx).map_err(|e| self.eval_err(expr.span(), e.to_string()))
    }

    /// Evaluates an attribute and converts its value, locating conversion errors at it.
    fn eval_attr<T>(
        &mut self,
        attr: &Attribute,
        each: Option<&Value>,
        convert: impl FnOnce(Value) -> Result<T, String>,
    ) -> Result<T, ConfigError> {
        let v = self.eval_expr(&attr.value, each)?;
        convert(v).map_err(|e| self.eval_err(attr.value.span(), format!("attribute {:?}: {e}", attr.key.as_str())))
    }

    /// A block body as JSON: attributes evaluated, nested blocks as objects.
    fn body_json(
        &mut self,
        body: &Body,
        each: Option<&Value>,
    ) -> Result<serde_json::Map<String, serde_json::Value>, ConfigError> {
        let mut out = serde_json::Map::new();
        for structure in body.iter() {
            match structure {
                Structure::Attribute(attr) => {
                    let v = self.eval_attr(attr, each, |v| to_json(&v))?;
                    out.insert(attr.key.as_str().to_owned(), v);
                }
                Structure::Block(block) => {
                    let v = self.body_json(&block.body, each)?;
                    insert_block_json(&mut out, block, serde_json::Value::Object(v));
                }
            }
        }
        Ok(out)
    }

    fn plugins(&mut self, dir: &Path) -> Result<Vec<super::model::PluginDecl>, ConfigError> {
        let mut out = Vec::new();
        for block in &self.decls.plugins {
            let Some(attr) = block.body.get_attribute("path") else {
                continue;
            };
            let path =
                self.eval_attr(attr, None, |v| want_string(v)?.ok_or_else(|| "string required, got null".to_owned()))?;
            let sha256 = match block.body.get_attribute("sha256") {
                Some(a) => self.eval_attr(a, None, want_string)?.map(|h| h.to_ascii_lowercase()),
                None => None,
            };
            out.push(super::model::PluginDecl {
                name: block.labels.first().map(|l| l.as_str().to_owned()).unwrap_or_default(),
                path: dir.join(path),
                sha256,
                location: self.src.at(block.span()),
            });
        }
        Ok(out)
    }

    /// The policy rules of the file and of the files its `policies` block names.
    fn policies(&mut self, dir: &Path) -> Result<Vec<super::rules::Rule>, ConfigError> {
        // Rules may read variables: every one has its value by now (check_all).
        let vars = self.vars.clone();
        // An unlabeled env takes its name from an expression: then no env name can be ruled out.
        let env_names: Vec<String> = if self.decls.envs.iter().any(|b| b.labels.is_empty()) {
            Vec::new()
        } else {
            self.decls.envs.iter().filter_map(|b| b.labels.first().map(|l| l.as_str().to_owned())).collect()
        };
        let check_envs = !self.decls.envs.iter().any(|b| b.labels.is_empty());
        let mut rules = Vec::new();
        let blocks = self.decls.policies.clone();
        let src = self.src;
        for block in blocks {
            let mut eval = |e: &Expression| self.eval_expr(e, None);
            rules.push(super::rules::compile(src, block, check_envs.then_some(&env_names[..]), &vars, &mut eval)?);
        }
        let Some(attr) = self.decls.policy_files.and_then(|b| b.body.get_attribute("files")) else {
            return Ok(rules);
        };
        let patterns = self.eval_attr(attr, None, |v| want_strings(v, false))?;
        for pattern in patterns {
            let files = expand(dir, &pattern).map_err(|e| self.eval_err(attr.value.span(), e))?;
            if files.is_empty() {
                return Err(self.eval_err(attr.value.span(), format!("policies.files: {pattern:?} matches no file")));
            }
            for file in files {
                let text = std::fs::read_to_string(&file)
                    .map_err(|source| ConfigError::Read { path: file.clone(), source })?;
                let fsrc = Source::new(file.clone(), text);
                let body = hcl::edit::parser::parse_body(fsrc.text()).map_err(|e| ConfigError::Syntax {
                    location: Location { file: file.clone(), line: e.location().line(), column: e.location().column() },
                    message: e.message().to_owned(),
                })?;
                for structure in body.iter() {
                    let block = match structure {
                        Structure::Block(b) if b.ident.as_str() == "policy" && b.labels.len() == 1 => b,
                        other => {
                            return Err(invalid(
                                &fsrc,
                                other.span(),
                                "a policy file holds only policy \"NAME\" { ... } blocks".to_owned(),
                            ));
                        }
                    };
                    let name = block.labels.first().map(|l| l.as_str().to_owned()).unwrap_or_default();
                    if rules.iter().any(|r: &super::rules::Rule| r.name == name) {
                        return Err(invalid(
                            &fsrc,
                            block.span(),
                            format!("policy {name:?} is declared more than once"),
                        ));
                    }
                    let mut eval = |e: &Expression| {
                        let mut ctx = Context::new();
                        funcs::declare_all(&mut ctx);
                        ctx.declare_var("var", Value::Object(vars.clone()));
                        let converted: hcl::Expression = e.clone().into();
                        converted
                            .evaluate(&ctx)
                            .map_err(|err| ConfigError::Eval { location: fsrc.at(e.span()), message: err.to_string() })
                    };
                    rules.push(super::rules::compile(
                        &fsrc,
                        block,
                        check_envs.then_some(&env_names[..]),
                        &vars,
                        &mut eval,
                    )?);
                }
            }
        }
        Ok(rules)
    }

    /// The `registry` block's `url`, if the file has one.
    fn registry(&mut self) -> Result<Option<String>, ConfigError> {
        let Some(attr) = self.decls.registry.and_then(|b| b.body.get_attribute("url")) else {
            return Ok(None);
        };
        self.eval_attr(attr, None, want_string)
    }

    /// The `for_each` instances of an env block: `each` values, or one `None` without
    /// `for_each`. Like Atlas, a set is keyed by its values, a list by index, a map by key;
    /// since hcl-rs has no set values, a set is recognized by `toset(...)` or a variable of
    /// type `set(...)`.
    fn instances(&mut self, block: &Block) -> Result<Vec<Option<Value>>, ConfigError> {
        let Some(attr) = block.body.get_attribute("for_each") else {
            return Ok(vec![None]);
        };
        let is_set = match &attr.value {
            Expression::FuncCall(call) => call.name.namespace.is_empty() && call.name.name.as_str() == "toset",
            Expression::Traversal(t) => match (&t.expr, t.operators.first().map(|o| o.value())) {
                (Expression::Variable(root), Some(hcl::edit::expr::TraversalOperator::GetAttr(name)))
                    if root.as_str() == "var" && t.operators.len() == 1 =>
                {
                    self.decls.var(name.as_str()).is_some_and(|v| matches!(v.ty, Some(VarType::List(_, true))))
                }
                _ => false,
            },
            _ => false,
        };
        let value = self.eval_expr(&attr.value, None)?;
        let each = |key: Value, value: Value| {
            let mut m = hcl::Map::new();
            m.insert("key".to_owned(), key);
            m.insert("value".to_owned(), value);
            Some(Value::Object(m))
        };
        match value {
            Value::Object(m) => Ok(m.into_iter().map(|(k, v)| each(Value::from(k), v)).collect()),
            Value::Array(items) => Ok(items
                .into_iter()
                .enumerate()
                .map(|(i, v)| {
                    let key = if is_set { v.clone() } else { Value::from(i) };
                    each(key, v)
                })
                .collect()),
            other => Err(self.eval_err(
                attr.value.span(),
                format!("for_each must be a set, list or map, got {}", type_name(&other)),
            )),
        }
    }

    /// The env instances named `name`: labeled `env "name"` blocks win; if there are none,
    /// unlabeled blocks whose `name` attribute evaluates to `name` are used (Atlas's rule).
    fn select_envs(&mut self, name: &str) -> Result<Vec<Env>, ConfigError> {
        let labeled: Vec<&Block> =
            self.decls.envs.iter().copied().filter(|b| b.labels.first().is_some_and(|l| l.as_str() == name)).collect();
        let candidates: Vec<&Block> = if labeled.is_empty() {
            self.decls.envs.iter().copied().filter(|b| b.labels.is_empty()).collect()
        } else {
            labeled
        };
        let mut envs = Vec::new();
        for block in candidates {
            for each in self.instances(block)? {
                let instance_name = match block.labels.first() {
                    Some(label) => label.as_str().to_owned(),
                    None => {
                        let Some(attr) = block.body.get_attribute("name") else {
                            return Err(invalid(
                                self.src,
                                block.span(),
                                "an env block without a label requires a \"name\" attribute".to_owned(),
                            ));
                        };
                        self.eval_attr(attr, each.as_ref(), |v| {
                            want_string(v)?.ok_or_else(|| "string required, got null".to_owned())
                        })?
                    }
                };
                if instance_name == name {
                    envs.push(self.build_env(block, instance_name, each.as_ref())?);
                }
            }
        }
        if envs.is_empty() {
            return Err(ConfigError::EnvNotDefined { name: name.to_owned() });
        }
        Ok(envs)
    }

    fn defaults(&mut self) -> Result<BTreeMap<String, serde_json::Value>, ConfigError> {
        if let Some(d) = &self.defaults {
            return Ok(d.clone());
        }
        let mut out = BTreeMap::new();
        for block in &self.decls.defaults {
            let v = self.body_json(&block.body, None)?;
            out.insert(block.ident.as_str().to_owned(), serde_json::Value::Object(v));
        }
        self.defaults = Some(out.clone());
        Ok(out)
    }

    fn build_env(&mut self, block: &Block, name: String, each: Option<&Value>) -> Result<Env, ConfigError> {
        let mut env = Env::new(name);
        env.set_location("env", self.src.at(block.span()));
        let mut attrs = serde_json::Map::new();
        let mut lint = serde_json::Value::Null;
        for structure in block.body.iter() {
            match structure {
                Structure::Attribute(attr) => {
                    let key = attr.key.as_str();
                    env.set_location(key, self.src.at(attr.value.span()));
                    match key {
                        // Already used to select and expand the block.
                        "name" | "for_each" => {}
                        "url" => env.url = self.eval_attr(attr, each, want_string)?,
                        "dev" => env.dev = self.eval_attr(attr, each, want_string)?,
                        "src" => env.src = self.eval_attr(attr, each, |v| want_strings(v, true))?,
                        "schemas" => {
                            env.schemas = self.eval_attr(attr, each, |v| want_strings(v, false))?;
                        }
                        "exclude" => {
                            env.exclude = self.eval_attr(attr, each, |v| want_strings(v, false))?;
                        }
                        _ => {
                            let v = self.eval_attr(attr, each, |v| to_json(&v))?;
                            attrs.insert(key.to_owned(), v);
                        }
                    }
                }
                Structure::Block(inner) => {
                    let key = inner.ident.as_str();
                    env.set_location(key, self.src.at(inner.span()));
                    match key {
                        "migration" => env.migration = self.migration(inner, each, &mut env)?,
                        "lint" if inner.labels.is_empty() => {
                            lint = serde_json::Value::Object(self.body_json(&inner.body, each)?);
                        }
                        _ => {
                            let v = self.body_json(&inner.body, each)?;
                            insert_block_json(&mut attrs, inner, serde_json::Value::Object(v));
                        }
                    }
                }
            }
        }
        for (key, default) in self.defaults()? {
            if key == "lint" {
                lint = merge_json(default, lint);
            } else {
                let merged = match attrs.remove(&key) {
                    Some(own) => merge_json(default, own),
                    None => default,
                };
                attrs.insert(key, merged);
            }
        }
        env.lint = lint;
        env.attrs = attrs.into_iter().collect();
        Ok(env)
    }

    fn migration(&mut self, block: &Block, each: Option<&Value>, env: &mut Env) -> Result<Migration, ConfigError> {
        let mut m = Migration::default();
        for attr in block.body.attributes() {
            let key = attr.key.as_str();
            env.set_location(format!("migration.{key}"), self.src.at(attr.value.span()));
            if key == "exclude" {
                m.exclude = self.eval_attr(attr, each, |v| want_strings(v, false))?;
                continue;
            }
            // Atlas declares LINEAR, LINEAR_SKIP and NON_LINEAR as enum words
            // scoped to this attribute, so they are written unquoted.
            if key == "exec_order"
                && let Expression::Variable(word) = &attr.value
                && matches!(word.as_str(), "LINEAR" | "LINEAR_SKIP" | "NON_LINEAR")
            {
                m.exec_order = normalize_exec_order(word.as_str()).ok();
                continue;
            }
            let value = self.eval_attr(attr, each, want_string)?;
            let slot = match key {
                "dir" => &mut m.dir,
                "format" => &mut m.format,
                "baseline" => &mut m.baseline,
                "revisions_schema" => &mut m.revisions_schema,
                "to_version" => &mut m.to_version,
                "lock_timeout" => &mut m.lock_timeout,
                "repo" => &mut m.repo,
                "exec_order" => {
                    m.exec_order = value
                        .map(|v| normalize_exec_order(&v))
                        .transpose()
                        .map_err(|e| self.eval_err(attr.value.span(), e))?;
                    continue;
                }
                "tx_mode" => {
                    m.tx_mode = value
                        .map(|v| normalize_tx_mode(&v))
                        .transpose()
                        .map_err(|e| self.eval_err(attr.value.span(), e))?;
                    continue;
                }
                // check_env_structure rejected every other key before evaluation began.
                _ => continue,
            };
            *slot = value;
        }
        for inner in block.body.blocks().filter(|b| b.ident.as_str() == "repo") {
            if let Some(attr) = inner.body.get_attribute("name") {
                env.set_location("migration.repo", self.src.at(attr.value.span()));
                m.repo = self.eval_attr(attr, each, want_string)?;
            }
        }
        Ok(m)
    }
}

/// Atlas accepts `LINEAR`, `LINEAR_SKIP` and `NON_LINEAR` in the file and `linear`,
/// `linear-skip`, `non-linear` on the command line; the flag spelling is kept.
fn normalize_exec_order(v: &str) -> Result<String, String> {
    let norm = v.to_ascii_lowercase().replace('_', "-");
    match norm.as_str() {
        "linear" | "linear-skip" | "non-linear" => Ok(norm),
        _ => Err(format!("invalid exec_order {v:?}: expected LINEAR, LINEAR_SKIP or NON_LINEAR")),
    }
}

fn normalize_tx_mode(v: &str) -> Result<String, String> {
    let norm = v.to_ascii_lowercase();
    match norm.as_str() {
        "file" | "all" | "none" => Ok(norm),
        _ => Err(format!("invalid tx_mode {v:?}: expected file, all or none")),
    }
}

/// The files a `policies.files` entry names: a path relative to the config's
/// directory, where the file name may hold `*` wildcards.
fn expand(dir: &Path, pattern: &str) -> Result<Vec<PathBuf>, String> {
    let path = dir.join(pattern);
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    if !name.contains('*') {
        return Ok(if path.is_file() { vec![path] } else { Vec::new() });
    }
    let parent = path.parent().unwrap_or(dir);
    let entries =
        std::fs::read_dir(parent).map_err(|e| format!("policies.files: reading {}: {e}", parent.display()))?;
    let mut out: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_file() && p.file_name().is_some_and(|n| wildcard(&name, &n.to_string_lossy())))
        .collect();
    out.sort();
    Ok(out)
}

/// `*` matches any run of characters.
fn wildcard(pattern: &str, name: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    let (Some(first), Some(last)) = (parts.first(), parts.last()) else { return false };
    if parts.len() == 1 {
        return pattern == name;
    }
    let Some(mut rest) = name.strip_prefix(first).and_then(|r| r.strip_suffix(last)) else { return false };
    for part in parts.iter().skip(1).take(parts.len().saturating_sub(2)) {
        match rest.split_once(part) {
            Some((_, after)) => rest = after,
            None => return false,
        }
    }
    true
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use std::rc::Rc;

    /// Writes `text` as `atlas.hcl` in a fresh directory of its own and returns its path.
    fn write(test: &str, text: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("strata-config-{}-{test}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("atlas.hcl");
        std::fs::write(&path, text).unwrap();
        path
    }

    fn opts(env: Option<&str>, vars: &[(&str, &str)]) -> LoadOptions {
        LoadOptions {
            env: env.map(str::to_owned),
            vars: vars.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect(),
            data_sources: None,
        }
    }

    fn load_env(path: &Path, o: &LoadOptions) -> Env {
        let mut p = load(path, o).unwrap();
        assert_eq!(p.envs.len(), 1, "{:?}", p.envs);
        p.envs.remove(0)
    }

    fn err(path: &Path, o: &LoadOptions) -> String {
        load(path, o).unwrap_err().to_string()
    }

    const VARS: &str = r#"
variable "db" {
  type    = string
  default = "app"
}
variable "port" {
  type    = number
  default = 5432
}
variable "tenants" {
  type    = list(string)
  default = ["a"]
}
env "local" {
  url     = "postgres://localhost:${var.port}/${var.db}"
  count   = var.port + 1
  tenants = var.tenants
}
"#;

    #[test]
    fn variables_take_defaults() {
        let path = write("vars-default", VARS);
        let env = load_env(&path, &opts(Some("local"), &[]));
        assert_eq!(env.url.as_deref(), Some("postgres://localhost:5432/app"));
        assert_eq!(env.attrs["count"], serde_json::json!(5433));
        assert_eq!(env.attrs["tenants"], serde_json::json!(["a"]));
    }

    #[test]
    fn var_flags_override_defaults_and_coerce() {
        let path = write("vars-override", VARS);
        let o = opts(Some("local"), &[("db", "other"), ("port", "6000"), ("tenants", "x"), ("tenants", "y")]);
        let env = load_env(&path, &o);
        assert_eq!(env.url.as_deref(), Some("postgres://localhost:6000/other"));
        // A number-typed variable given as text is a number again.
        assert_eq!(env.attrs["count"], serde_json::json!(6001));
        assert_eq!(env.attrs["tenants"], serde_json::json!(["x", "y"]));

        // One occurrence of a list variable is a one-element list.
        let env = load_env(&path, &opts(Some("local"), &[("tenants", "solo")]));
        assert_eq!(env.attrs["tenants"], serde_json::json!(["solo"]));
    }

    #[test]
    fn var_flag_of_wrong_type_points_at_the_type() {
        let path = write("vars-flag-type", VARS);
        assert_eq!(
            err(&path, &opts(Some("local"), &[("port", "abc")])),
            format!("{}:7:13: variable \"port\": invalid --var value: a number is required", path.display())
        );
    }

    #[test]
    fn default_of_wrong_type_points_at_the_default() {
        let path = write("vars-default-type", "variable \"n\" {\n  type = number\n  default = \"many\"\n}\n");
        assert_eq!(
            err(&path, &opts(None, &[])),
            format!("{}:3:13: variable \"n\": a number is required", path.display())
        );
        let path = write("vars-default-list", "variable \"n\" {\n  type = list(string)\n  default = \"one\"\n}\n");
        assert_eq!(
            err(&path, &opts(None, &[])),
            format!("{}:3:13: variable \"n\": list of string required", path.display())
        );
    }

    #[test]
    fn missing_variable_value_points_at_the_block() {
        let path = write(
            "vars-missing",
            "env \"dev\" {\n  url = var.url\n}\n\n  variable \"url\" {\n    type = string\n  }\n",
        );
        let e = load(&path, &opts(Some("dev"), &[])).unwrap_err();
        assert!(matches!(e, ConfigError::MissingVariable { .. }));
        assert!(e.is_usage());
        assert_eq!(e.to_string(), format!("{}:5:3: missing value for required variable \"url\"", path.display()));
        // Checked even when no env is selected.
        assert!(load(&path, &opts(None, &[])).is_err());
        // And satisfied by --var.
        let env = load_env(&path, &opts(Some("dev"), &[("url", "sqlite://x")]));
        assert_eq!(env.url.as_deref(), Some("sqlite://x"));
    }

    #[test]
    fn undeclared_var_flag_is_rejected() {
        let path = write("vars-undeclared", VARS);
        let e = load(&path, &opts(None, &[("nope", "1")])).unwrap_err();
        assert_eq!(
            e.to_string(),
            format!("{}: variable \"nope\" given with --var is not declared in the config file", path.display())
        );
    }

    #[test]
    fn getenv_feeds_defaults() {
        let home = std::env::var("PATH").unwrap_or_default();
        let path = write(
            "getenv",
            r#"
variable "p" {
  default = getenv("PATH")
}
variable "unset" {
  default = getenv("STRATA_CONFIG_TEST_SURELY_UNSET")
}
env "e" {
  a = var.p
  b = coalesce(var.unset, "fallback")
}
"#,
        );
        let env = load_env(&path, &opts(Some("e"), &[]));
        assert_eq!(env.attrs["a"], serde_json::json!(home));
        assert_eq!(env.attrs["b"], serde_json::json!("fallback"));
    }

    #[test]
    fn locals_reference_each_other_in_any_order() {
        let path = write(
            "locals",
            r#"
locals {
  url = "${local.scheme}://${local.host}/${var.db}"
}
variable "db" {
  default = "app"
}
locals {
  host   = upper(local.name)
  scheme = "mysql"
  name   = "h"
}
env "e" {
  url = local.url
}
"#,
        );
        let env = load_env(&path, &opts(Some("e"), &[]));
        assert_eq!(env.url.as_deref(), Some("mysql://H/app"));
    }

    #[test]
    fn local_cycles_are_reported() {
        let path = write("locals-cycle", "locals {\n  a = local.b\n  b = \"x${local.a}\"\n}\n");
        assert_eq!(
            err(&path, &opts(None, &[])),
            format!("{}:3:11: reference cycle: local.a -> local.b -> local.a", path.display())
        );
    }

    #[test]
    fn undefined_references_are_located() {
        let path = write("undefined-ref", "env \"e\" {\n  url = var.nope\n}\n");
        assert_eq!(
            err(&path, &opts(Some("e"), &[])),
            format!("{}:2:9: undefined variable var.nope: no variable block declares it", path.display())
        );
        let path = write("undefined-fn", "env \"e\" {\n  url = nofn(1)\n}\n");
        let msg = err(&path, &opts(Some("e"), &[]));
        assert!(msg.starts_with(&format!("{}:2:9: undefined function `nofn`", path.display())), "{msg}");
    }

    #[test]
    fn for_each_over_a_set_keys_by_value() {
        let path = write(
            "for-each-list",
            r#"
variable "tenants" {
  type    = list(string)
  default = ["t1", "t2"]
}
env "prod" {
  for_each = toset(var.tenants)
  url      = "postgres://h/db?search_path=${each.value}"
  tenant   = each.key
}
env "dev" {
  url = "sqlite://dev"
}
"#,
        );
        let p = load(&path, &opts(Some("prod"), &[])).unwrap();
        assert_eq!(p.envs.len(), 2);
        assert!(p.envs.iter().all(|e| e.name == "prod"));
        assert_eq!(p.envs[1].url.as_deref(), Some("postgres://h/db?search_path=t2"));
        assert_eq!(p.envs[1].attrs["tenant"], serde_json::json!("t2"));
        assert!(!p.envs[0].attrs.contains_key("for_each"));
    }

    #[test]
    fn for_each_over_a_list_keys_by_index_and_a_map_by_key() {
        let path = write(
            "for-each-map",
            r#"
env "list" {
  for_each = ["x", "y"]
  k        = each.key
}
env {
  for_each = { east = "db1", west = "db2" }
  name     = atlas.env
  url      = "mysql://${each.value}/${each.key}"
}
"#,
        );
        let p = load(&path, &opts(Some("list"), &[])).unwrap();
        assert_eq!(p.envs[1].attrs["k"], serde_json::json!(1));
        // No labeled "regional" block: the unlabeled one named by atlas.env is used.
        let p = load(&path, &opts(Some("regional"), &[])).unwrap();
        let urls: Vec<_> = p.envs.iter().map(|e| e.url.clone().unwrap()).collect();
        assert_eq!(urls, ["mysql://db1/east", "mysql://db2/west"]);
        assert!(p.envs.iter().all(|e| e.name == "regional"));
    }

    #[test]
    fn for_each_of_a_scalar_is_rejected() {
        let path = write("for-each-bad", "env \"e\" {\n  for_each = 3\n}\n");
        assert_eq!(
            err(&path, &opts(Some("e"), &[])),
            format!("{}:2:14: for_each must be a set, list or map, got number", path.display())
        );
    }

    #[test]
    fn unknown_env_is_a_usage_error() {
        let path = write("unknown-env", "env \"dev\" {\n  url = \"sqlite://x\"\n}\n");
        let e = load(&path, &opts(Some("prod"), &[])).unwrap_err();
        assert!(matches!(e, ConfigError::EnvNotDefined { .. }));
        assert!(e.is_usage());
        assert_eq!(e.to_string(), "env \"prod\" not defined in config file");
        // Without --env nothing is selected.
        assert!(load(&path, &opts(None, &[])).unwrap().envs.is_empty());
    }

    #[test]
    fn syntax_errors_are_located() {
        let path = write("syntax", "env \"dev\" {\n  url = \n}\n");
        let e = load(&path, &opts(None, &[])).unwrap_err();
        assert!(matches!(e, ConfigError::Syntax { .. }));
        let loc = e.location().unwrap();
        assert_eq!((loc.line, loc.column), (2, 9));
        assert!(e.to_string().starts_with(&format!("{}:2:9: ", path.display())), "{e}");
    }

    #[test]
    fn missing_file_uses_atlas_wording() {
        let path = std::env::temp_dir().join("strata-config-surely-missing/atlas.hcl");
        assert_eq!(err(&path, &opts(None, &[])), format!("config file {:?} was not found", path));
    }

    #[test]
    fn unknown_top_level_block_is_located() {
        let path = write("unknown-block", "env \"e\" {}\n\n docker \"postgres\" \"dev\" {}\n");
        assert_eq!(
            err(&path, &opts(None, &[])),
            format!(
                "{}:3:2: unsupported block \"docker\": expected one of variable, locals, data, env, plugin, registry, policy, policies, lint, diff, test, atlas",
                path.display()
            )
        );
    }

    #[test]
    fn type_mismatch_in_env_attribute_is_located() {
        let path = write("env-type", "env \"e\" {\n  url = [\"a\"]\n}\n");
        assert_eq!(
            err(&path, &opts(Some("e"), &[])),
            format!("{}:2:9: attribute \"url\": string required, got list", path.display())
        );
        let path = write("env-type-list", "env \"e\" {\n  schemas = \"public\"\n}\n");
        assert_eq!(
            err(&path, &opts(Some("e"), &[])),
            format!("{}:2:13: attribute \"schemas\": list of string required, got string", path.display())
        );
    }

    #[test]
    fn duplicate_attributes_are_rejected() {
        let path = write("dup-attr", "env \"e\" {\n  url = \"a\"\n  url = \"b\"\n}\n");
        assert_eq!(
            err(&path, &opts(None, &[])),
            format!(
                "{}:3:3: invalid attribute; expected unique attribute key; found redefined attribute",
                path.display()
            )
        );
    }

    #[test]
    fn plugin_paths_resolve_against_the_config_dir() {
        let path = write(
            "plugins",
            r#"
plugin "sqlite" {
  path = "plugins/libstrata_sqlite.so"
}
plugin "pg" {
  path = "/opt/strata/libstrata_pg.so"
}
"#,
        );
        let dir = std::path::absolute(path.parent().unwrap()).unwrap();
        let p = load(&path, &opts(None, &[])).unwrap();
        let paths: Vec<PathBuf> = p.plugins.iter().map(|d| d.path.clone()).collect();
        assert_eq!(paths, vec![dir.join("plugins/libstrata_sqlite.so"), PathBuf::from("/opt/strata/libstrata_pg.so")]);
        assert_eq!(p.plugins[0].name, "sqlite");
        assert_eq!(p.plugins[0].location.line, 2);
        let path = write("plugins-bad", "plugin \"x\" {\n  file = \"a.so\"\n}\n");
        assert_eq!(
            err(&path, &opts(None, &[])),
            format!(
                "{}:2:3: unsupported attribute \"file\" in plugin block: expected one of path, sha256",
                path.display()
            )
        );
    }

    #[test]
    fn migration_block_fields_and_locations() {
        let path = write(
            "migration",
            r#"env "prod" {
  url  = "postgres://h/db"
  dev  = "docker://postgres/16/dev"
  schemas = ["public", "audit"]
  src  = "file://schema.sql"
  migration {
    dir              = "file://migrations"
    baseline         = 20240101000000
    exec_order       = "LINEAR_SKIP"
    revisions_schema = "atlas"
    to_version       = "20240301"
    lock_timeout     = "10s"
    tx_mode          = "all"
    format           = "atlas"
  }
  lint {
    destructive {
      error = false
    }
  }
  diff {
    skip {
      drop_table = true
    }
  }
}
lint {
  latest = 1
  destructive {
    error = true
  }
}
"#,
        );
        let env = load_env(&path, &opts(Some("prod"), &[]));
        assert_eq!(env.dev.as_deref(), Some("docker://postgres/16/dev"));
        assert_eq!(env.schemas, ["public", "audit"]);
        assert_eq!(env.src, ["file://schema.sql"]);
        let m = &env.migration;
        assert_eq!(m.dir.as_deref(), Some("file://migrations"));
        assert_eq!(m.baseline.as_deref(), Some("20240101000000"));
        assert_eq!(m.exec_order.as_deref(), Some("linear-skip"));
        assert_eq!(m.revisions_schema.as_deref(), Some("atlas"));
        assert_eq!(m.to_version.as_deref(), Some("20240301"));
        assert_eq!(m.lock_timeout.as_deref(), Some("10s"));
        assert_eq!(m.tx_mode.as_deref(), Some("all"));
        assert_eq!(m.format.as_deref(), Some("atlas"));
        // Atlas's spelling: the enum word, unquoted.
        let path = write("exec-order-word", "env \"a\" {\n  migration {\n    exec_order = NON_LINEAR\n  }\n}\n");
        assert_eq!(load_env(&path, &opts(Some("a"), &[])).migration.exec_order.as_deref(), Some("non-linear"));
        // The env's lint wins over the top-level one, key by key.
        assert_eq!(env.lint, serde_json::json!({"latest": 1, "destructive": {"error": false}}));
        assert_eq!(env.attrs["diff"], serde_json::json!({"skip": {"drop_table": true}}));
        let loc = env.location("migration.dir").unwrap();
        assert_eq!((loc.line, loc.column), (7, 24));
        let loc = env.location("url").unwrap();
        assert_eq!((loc.line, loc.column), (2, 10));
        assert_eq!(env.location("env").unwrap().line, 1);
        assert_eq!(env.location("migration").unwrap().line, 6);
        assert!(env.location("nope").is_none());
    }

    #[test]
    fn migration_block_rejects_bad_values_and_keys() {
        let path = write("migration-bad", "env \"e\" {\n  migration {\n    exec_order = \"random\"\n  }\n}\n");
        assert_eq!(
            err(&path, &opts(Some("e"), &[])),
            format!(
                "{}:3:18: invalid exec_order \"random\": expected LINEAR, LINEAR_SKIP or NON_LINEAR",
                path.display()
            )
        );
        let path = write("migration-typo", "env \"e\" {\n  migration {\n    revision_schema = \"x\"\n  }\n}\n");
        // Reported even when the env is not selected.
        let msg = err(&path, &opts(None, &[]));
        assert!(
            msg.starts_with(&format!(
                "{}:3:5: unsupported attribute \"revision_schema\" in migration block",
                path.display()
            )),
            "{msg}"
        );
    }

    #[test]
    fn file_function_reads_relative_to_the_config() {
        let path = write("file-fn", "env \"e\" {\n  url = trimspace(file(\"url.txt\"))\n}\n");
        std::fs::write(path.parent().unwrap().join("url.txt"), "sqlite://f.db\n").unwrap();
        let env = load_env(&path, &opts(Some("e"), &[]));
        assert_eq!(env.url.as_deref(), Some("sqlite://f.db"));
    }

    /// Records every data source it resolves.
    struct Recorder(Rc<RefCell<Vec<String>>>);

    impl DataSources for Recorder {
        fn resolve(
            &mut self,
            kind: &str,
            name: &str,
            attrs: &serde_json::Map<String, serde_json::Value>,
        ) -> Result<serde_json::Value, String> {
            self.0.borrow_mut().push(format!("{kind}.{name}"));
            match kind {
                "sql" => Ok(serde_json::json!({ "value": attrs["query"] })),
                _ => Err(format!("unsupported data source kind {kind:?}")),
            }
        }
    }

    const DATA: &str = r#"
data "sql" "tenant" {
  url   = "postgres://h/db"
  query = "SELECT ${var.col}"
}
data "external" "unused" {
  program = ["false"]
}
variable "col" {
  default = "name"
}
locals {
  tenant = data.sql.tenant.value
  other  = data.external.unused
}
env "dev" {
  url = "sqlite://dev"
}
env "prod" {
  url    = "postgres://h/db"
  tenant = local.tenant
}
"#;

    #[test]
    fn unreferenced_data_blocks_are_never_evaluated() {
        let path = write("data-unreferenced", DATA);
        let seen = Rc::new(RefCell::new(Vec::new()));
        let o = opts(Some("dev"), &[]).with_data_sources(Recorder(seen.clone()));
        let env = load_env(&path, &o);
        assert_eq!(env.url.as_deref(), Some("sqlite://dev"));
        assert!(seen.borrow().is_empty());
        // Without a resolver too: nothing asks for one.
        load_env(&path, &opts(Some("dev"), &[]));
        load(&path, &opts(None, &[])).unwrap();
    }

    #[test]
    fn referenced_data_blocks_are_resolved_once() {
        let path = write("data-referenced", DATA);
        let seen = Rc::new(RefCell::new(Vec::new()));
        let o = opts(Some("prod"), &[("col", "id")]).with_data_sources(Recorder(seen.clone()));
        let env = load_env(&path, &o);
        assert_eq!(env.attrs["tenant"], serde_json::json!("SELECT id"));
        assert_eq!(*seen.borrow(), ["sql.tenant"]);
    }

    #[test]
    fn referenced_data_block_without_resolver_is_located() {
        let path = write("data-no-resolver", DATA);
        let e = load(&path, &opts(Some("prod"), &[])).unwrap_err();
        assert!(matches!(e, ConfigError::DataSource { .. }));
        assert_eq!(
            e.to_string(),
            format!(
                "{}:2:1: data source \"sql\" \"tenant\": cannot be evaluated: no data source resolver is configured",
                path.display()
            )
        );
    }

    #[test]
    fn data_source_cycles_and_unknown_references_are_located() {
        let path = write(
            "data-cycle",
            "data \"sql\" \"a\" {\n  url   = \"sqlite://x.db\"\n  query = data.sql.b.value\n}\n\
             data \"sql\" \"b\" {\n  url   = \"sqlite://x.db\"\n  query = data.sql.a.value\n}\n\
             env \"e\" {\n  url = data.sql.a.value\n}\n",
        );
        let seen = Rc::new(RefCell::new(Vec::new()));
        let o = opts(Some("e"), &[]).with_data_sources(Recorder(seen.clone()));
        assert_eq!(
            err(&path, &o),
            format!("{}:7:11: reference cycle: data.sql.a -> data.sql.b -> data.sql.a", path.display())
        );
        assert!(seen.borrow().is_empty(), "nothing in a cycle is evaluated");
        let path = write("data-unknown", "env \"e\" {\n  url = data.sql.nope.value\n}\n");
        let o = opts(Some("e"), &[]).with_data_sources(Recorder(Rc::default()));
        assert_eq!(
            err(&path, &o),
            format!("{}:2:9: undefined data source data.sql.nope: no data block declares it", path.display())
        );
    }

    #[test]
    fn registry_block_and_migration_repo() {
        let path = write(
            "registry",
            "registry {\n  url = \"sqlite://${var.r}\"\n}\nvariable \"r\" {\n  default = \"reg.db\"\n}\n\
             env \"a\" {\n  migration {\n    repo = \"app\"\n  }\n}\n\
             env \"b\" {\n  migration {\n    repo {\n      name = \"other\"\n    }\n  }\n}\n",
        );
        let p = load(&path, &opts(Some("a"), &[])).unwrap();
        assert_eq!(p.registry.as_deref(), Some("sqlite://reg.db"));
        assert_eq!(p.envs[0].migration.repo.as_deref(), Some("app"));
        let b = load_env(&path, &opts(Some("b"), &[]));
        assert_eq!(b.migration.repo.as_deref(), Some("other"));
        assert_eq!(load(&path, &opts(None, &[])).unwrap().registry.as_deref(), Some("sqlite://reg.db"));
    }

    #[test]
    fn registry_block_errors_are_located() {
        let path = write("registry-twice", "registry {\n  url = \"a\"\n}\nregistry {\n  url = \"b\"\n}\n");
        assert_eq!(
            err(&path, &opts(None, &[])),
            format!("{}:4:1: registry block is declared more than once (first on line 1)", path.display())
        );
        let path = write("registry-attr", "registry {\n  path = \"a\"\n}\n");
        assert!(err(&path, &opts(None, &[])).starts_with(&format!("{}:2:3: ", path.display())));
        let path = write("registry-type", "registry {\n  url = [1]\n}\n");
        assert!(err(&path, &opts(None, &[])).starts_with(&format!("{}:2:9: ", path.display())));
    }

    #[test]
    fn resolver_errors_are_located_at_the_data_block() {
        let path = write("data-unknown-kind", "data \"nope\" \"x\" {}\nenv \"e\" {\n  v = data.nope.x\n}\n");
        let o = opts(Some("e"), &[]).with_data_sources(Recorder(Rc::default()));
        assert_eq!(
            err(&path, &o),
            format!("{}:1:1: data source \"nope\" \"x\": unsupported data source kind \"nope\"", path.display())
        );
    }
}
