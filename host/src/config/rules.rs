//! Custom policy rules: `policy "NAME" { match, envs, action, message }` blocks
//! in atlas.hcl (or in the files its `policies { files = [...] }` block names).
//!
//! `match` and `message` are kept as expressions and evaluated once per change
//! of a plan, with `change`, `stmt`, `env`, `version`, `command`, `dialect` and
//! `var` in scope. Everything that can be judged without a plan is checked when
//! the file is read: unknown attributes of `change` and `stmt`, a kind no
//! change has, an env no block declares.

use hcl::Value;
use hcl::edit::Span;
use hcl::edit::expr::{BinaryOperator, Expression, TraversalOperator};
use hcl::edit::structure::Block;
use hcl::edit::visit::{self, Visit};
use hcl::eval::{Context, Evaluate};

use super::error::{ConfigError, Location};
use super::funcs;
use super::source::Source;

/// The kinds a `change` can be (`change.kind`).
pub const KINDS: &[&str] = &[
    "AddSchema",
    "DropSchema",
    "ModifySchema",
    "AddTable",
    "DropTable",
    "RenameTable",
    "ModifyTable",
    "AddColumn",
    "DropColumn",
    "ModifyColumn",
    "AddIndex",
    "DropIndex",
    "ModifyIndex",
    "AddPrimaryKey",
    "DropPrimaryKey",
    "ModifyPrimaryKey",
    "AddForeignKey",
    "DropForeignKey",
    "ModifyForeignKey",
    "AddCheck",
    "DropCheck",
    "AddView",
    "DropView",
    "ModifyView",
    "AddTrigger",
    "DropTrigger",
    "ModifyTrigger",
];

/// The attributes of `change`.
pub const CHANGE_ATTRS: &[&str] = &[
    "kind",
    "schema",
    "table",
    "column",
    "index",
    "foreign_key",
    "check",
    "view",
    "trigger",
    "name",
    "from",
    "to",
    "type",
    "table_created",
];

/// The attributes of `stmt`.
pub const STMT_ATTRS: &[&str] = &[
    "sql",
    "destructive",
    "locks",
    "rewrites",
    "transactional",
    "non_transactional",
    "has_checks",
    "concurrent",
    "data",
    "source",
    "file",
    "line",
];

/// The names in scope of `match` and `message`.
const ROOTS: &[&str] = &["change", "stmt", "env", "version", "command", "dialect", "var"];

/// A policy rule, read and checked.
#[derive(Debug, Clone, PartialEq)]
pub struct Rule {
    /// The block's label.
    pub name: String,
    /// Only in these envs (empty: every env, and runs without one).
    pub envs: Vec<String>,
    /// `deny` (true) stops the run; `warn` reports.
    pub deny: bool,
    /// Where the block is.
    pub location: Location,
    matches: hcl::Expression,
    message: hcl::Expression,
    vars: hcl::Map<String, Value>,
}

/// What one change looks like to a rule: the `change`, `stmt`, ... values.
pub type Facts = hcl::Map<String, Value>;

impl Rule {
    /// Whether the rule applies in `env` (`None`: no `--env`).
    pub fn applies_in(&self, env: Option<&str>) -> bool {
        self.envs.is_empty() || env.is_some_and(|e| self.envs.iter().any(|x| x == e))
    }

    /// Evaluates the rule on one change: its message when it matches.
    ///
    /// # Errors
    /// `match` that is not a boolean or fails to evaluate, a message that is
    /// not a string: located at the rule.
    pub fn check(&self, facts: &Facts) -> Result<Option<String>, String> {
        let mut ctx = Context::new();
        funcs::declare_all(&mut ctx);
        ctx.declare_var("var", Value::Object(self.vars.clone()));
        for (k, v) in facts {
            ctx.declare_var(k.as_str(), v.clone());
        }
        let at = &self.location;
        let matched = self.matches.evaluate(&ctx).map_err(|e| format!("{at}: policy {:?}: match: {e}", self.name))?;
        match matched {
            Value::Bool(false) | Value::Null => Ok(None),
            Value::Bool(true) => {
                let text =
                    self.message.evaluate(&ctx).map_err(|e| format!("{at}: policy {:?}: message: {e}", self.name))?;
                match text {
                    Value::String(s) => Ok(Some(s)),
                    other => Ok(Some(other.to_string())),
                }
            }
            other => Err(format!("{at}: policy {:?}: match must be true or false, got {other}", self.name)),
        }
    }
}

const RULE_ATTRS: &[&str] = &["match", "envs", "action", "message", "description"];

/// Reads one `policy` block. `env_names` are the envs the project declares;
/// `eval` evaluates `envs` and `action` (they may use variables).
pub(super) fn compile(
    src: &Source,
    block: &Block,
    env_names: Option<&[String]>,
    vars: &hcl::Map<String, Value>,
    eval: &mut dyn FnMut(&Expression) -> Result<Value, ConfigError>,
) -> Result<Rule, ConfigError> {
    let invalid = |span: Option<std::ops::Range<usize>>, message: String| ConfigError::Invalid {
        location: src.at(span),
        message,
    };
    let name = block.labels.first().map(|l| l.as_str().to_string()).unwrap_or_default();
    for s in block.body.iter() {
        match s {
            hcl::edit::structure::Structure::Attribute(a) if RULE_ATTRS.contains(&a.key.as_str()) => {}
            hcl::edit::structure::Structure::Attribute(a) => {
                return Err(invalid(
                    a.span(),
                    format!(
                        "unsupported attribute {:?} in policy {name:?}{}: expected one of {}",
                        a.key.as_str(),
                        nearest(a.key.as_str(), RULE_ATTRS),
                        RULE_ATTRS.join(", ")
                    ),
                ));
            }
            hcl::edit::structure::Structure::Block(b) => {
                return Err(invalid(b.span(), format!("unexpected block {:?} in policy {name:?}", b.ident.as_str())));
            }
        }
    }
    let need = |key: &str| {
        block
            .body
            .get_attribute(key)
            .ok_or_else(|| invalid(block.span(), format!("policy {name:?} requires a {key:?} attribute")))
    };
    let matches = need("match")?;
    let message = need("message")?;
    check_expr(src, &name, &matches.value)?;
    check_expr(src, &name, &message.value)?;

    let deny = match block.body.get_attribute("action") {
        None => true,
        Some(a) => match eval(&a.value)? {
            Value::String(s) if s == "deny" => true,
            Value::String(s) if s == "warn" => false,
            other => {
                return Err(ConfigError::Eval {
                    location: src.at(a.value.span()),
                    message: format!("policy {name:?}: action must be \"deny\" or \"warn\", got {other}"),
                });
            }
        },
    };
    let envs = match block.body.get_attribute("envs") {
        None => Vec::new(),
        Some(a) => {
            let at = src.at(a.value.span());
            let list = match eval(&a.value)? {
                Value::Array(items) => items
                    .into_iter()
                    .map(|v| match v {
                        Value::String(s) => Ok(s),
                        other => Err(other),
                    })
                    .collect::<Result<Vec<_>, _>>(),
                other => Err(other),
            };
            let list = list.map_err(|other| ConfigError::Eval {
                location: at.clone(),
                message: format!("policy {name:?}: envs must be a list of env names, got {other}"),
            })?;
            for e in env_names.map_or(&[][..], |_| &list[..]) {
                let env_names = env_names.unwrap_or_default();
                if !env_names.iter().any(|n| n == e) {
                    let names: Vec<&str> = env_names.iter().map(String::as_str).collect();
                    return Err(ConfigError::Eval {
                        location: at,
                        message: format!(
                            "policy {name:?} can never match: no env {e:?} is declared{}",
                            nearest(e, &names)
                        ),
                    });
                }
            }
            list
        }
    };
    Ok(Rule {
        name,
        envs,
        deny,
        location: src.at(block.span()),
        matches: matches.value.clone().into(),
        message: message.value.clone().into(),
        vars: vars.clone(),
    })
}

/// ` (did you mean "x"?)` when a known name is close to `word`.
fn nearest(word: &str, known: &[&str]) -> String {
    known
        .iter()
        .map(|k| (strata_policies::distance(word, k), k))
        .filter(|(d, _)| *d <= 3)
        .min()
        .map(|(_, k)| format!(" (did you mean {k:?}?)"))
        .unwrap_or_default()
}

/// Unknown names and kinds in `match` or `message`, found before any plan exists.
fn check_expr(src: &Source, rule: &str, expr: &Expression) -> Result<(), ConfigError> {
    let mut c = Checker { problem: None };
    c.visit_expr(expr);
    match c.problem {
        None => Ok(()),
        Some((span, message)) => {
            Err(ConfigError::Eval { location: src.at(span), message: format!("policy {rule:?}: {message}") })
        }
    }
}

struct Checker {
    problem: Option<(Option<std::ops::Range<usize>>, String)>,
}

impl Checker {
    fn report(&mut self, span: Option<std::ops::Range<usize>>, message: String) {
        if self.problem.is_none() {
            self.problem = Some((span, message));
        }
    }
}

/// `change.kind` written as a traversal.
fn is_change_kind(expr: &Expression) -> bool {
    match expr {
        Expression::Traversal(t) => {
            matches!(&t.expr, Expression::Variable(v) if v.as_str() == "change")
                && t.operators.len() == 1
                && matches!(t.operators.first().map(|o| o.value()), Some(TraversalOperator::GetAttr(a)) if a.as_str() == "kind")
        }
        _ => false,
    }
}

impl Visit for Checker {
    fn visit_expr(&mut self, node: &Expression) {
        if let Expression::Variable(var) = node
            && !ROOTS.contains(&var.as_str())
        {
            self.report(
                node.span(),
                format!(
                    "unknown name {:?}{}: a rule can read {}",
                    var.as_str(),
                    nearest(var.as_str(), ROOTS),
                    ROOTS.join(", ")
                ),
            );
        }
        visit::visit_expr(self, node);
    }

    fn visit_traversal(&mut self, node: &hcl::edit::expr::Traversal) {
        if let Expression::Variable(root) = &node.expr
            && let Some(TraversalOperator::GetAttr(attr)) = node.operators.first().map(|o| o.value())
        {
            let known = match root.as_str() {
                "change" => Some(CHANGE_ATTRS),
                "stmt" => Some(STMT_ATTRS),
                _ => None,
            };
            if let Some(known) = known
                && !known.contains(&attr.as_str())
            {
                self.report(
                    attr.span(),
                    format!(
                        "{}.{} is not an attribute{}: {} has {}",
                        root.as_str(),
                        attr.as_str(),
                        nearest(attr.as_str(), known),
                        root.as_str(),
                        known.join(", ")
                    ),
                );
            }
        }
        visit::visit_traversal(self, node);
    }

    fn visit_binary_op(&mut self, node: &hcl::edit::expr::BinaryOp) {
        let op = *node.operator.value();
        if matches!(op, BinaryOperator::Eq | BinaryOperator::NotEq) {
            let literal = |e: &Expression| match e {
                Expression::String(s) => Some((s.value().clone(), e.span())),
                _ => None,
            };
            let pair = if is_change_kind(&node.lhs_expr) {
                literal(&node.rhs_expr)
            } else if is_change_kind(&node.rhs_expr) {
                literal(&node.lhs_expr)
            } else {
                None
            };
            if let Some((kind, span)) = pair
                && !KINDS.contains(&kind.as_str())
            {
                self.report(span, format!("can never match: no change is of kind {kind:?}{}", nearest(&kind, KINDS)));
            }
        }
        visit::visit_binary_op(self, node);
    }
}
