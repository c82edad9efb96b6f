//! Static analysis of expressions: which variables, locals and data sources they read.
//!
//! Evaluation is staged by hand (hcl-rs knows nothing of Atlas's blocks), so before an
//! expression is evaluated, everything it reads is evaluated first. This is also what keeps
//! data sources that nothing selected reads from ever running.

use std::ops::Range;

use hcl::edit::Span;
use hcl::edit::expr::{Expression, Traversal, TraversalOperator};
use hcl::edit::visit::{self, Visit};

/// What a reference reads. `None` names come from dynamic access such as `local[var.k]`, which
/// reads every item of that namespace (or of that data kind).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Target {
    Var(Option<String>),
    Local(Option<String>),
    Data(Option<String>, Option<String>),
}

/// One reference and where it is written.
#[derive(Debug, Clone)]
pub(super) struct Ref {
    pub(super) target: Target,
    pub(super) span: Option<Range<usize>>,
}

/// The references in `expr`, in source order.
pub(super) fn collect(expr: &Expression) -> Vec<Ref> {
    let mut c = Collector { refs: Vec::new() };
    c.visit_expr(expr);
    c.refs
}

struct Collector {
    refs: Vec<Ref>,
}

fn static_key(op: &TraversalOperator) -> Option<String> {
    match op {
        TraversalOperator::GetAttr(ident) => Some(ident.as_str().to_owned()),
        TraversalOperator::Index(Expression::String(s)) => Some(s.value().clone()),
        _ => None,
    }
}

fn target(root: &str, keys: &[Option<String>]) -> Option<Target> {
    let key = |i: usize| keys.get(i).cloned().flatten();
    match root {
        "var" => Some(Target::Var(key(0))),
        "local" => Some(Target::Local(key(0))),
        "data" => Some(Target::Data(key(0), key(0).and(key(1)))),
        _ => None,
    }
}

impl Visit for Collector {
    fn visit_traversal(&mut self, node: &Traversal) {
        if let Expression::Variable(root) = &node.expr {
            let keys: Vec<Option<String>> = node.operators.iter().take(2).map(|op| static_key(op.value())).collect();
            if let Some(target) = target(root.as_str(), &keys) {
                self.refs.push(Ref { target, span: node.span() });
                // Index expressions may hold references of their own.
                for op in &node.operators {
                    self.visit_traversal_operator(op.value());
                }
                return;
            }
        }
        visit::visit_traversal(self, node);
    }

    fn visit_expr(&mut self, node: &Expression) {
        if let Expression::Variable(root) = node
            && let Some(target) = target(root.as_str(), &[])
        {
            self.refs.push(Ref { target, span: node.span() });
        }
        visit::visit_expr(self, node);
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    fn targets(src: &str) -> Vec<Target> {
        let expr: Expression = src.parse().unwrap();
        collect(&expr).into_iter().map(|r| r.target).collect()
    }

    #[test]
    fn finds_vars_locals_and_data() {
        assert_eq!(
            targets(r#""${var.a}-${local.b}" == data.sql.c.value ? upper(local["d"]) : each.key"#),
            vec![
                Target::Var(Some("a".into())),
                Target::Local(Some("b".into())),
                Target::Data(Some("sql".into()), Some("c".into())),
                Target::Local(Some("d".into())),
            ]
        );
    }

    #[test]
    fn dynamic_access_reads_everything() {
        assert_eq!(targets("local[var.k]"), vec![Target::Local(None), Target::Var(Some("k".into()))]);
        assert_eq!(targets("data"), vec![Target::Data(None, None)]);
    }
}
