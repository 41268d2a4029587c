//! Reference extraction: which named objects an expression refers to. The graph builder turns
//! these into edges; validation reports references to undeclared objects.

use std::sync::Arc;

use super::ast::{Expr, ExprKind, Step, TemplatePart};
use crate::source::Span;

#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RefTarget {
    Var(Arc<str>),
    Local(Arc<str>),
    /// A managed resource (`aws_instance.web`) or data source (`data.x.y`).
    Resource { data: bool, ty: Arc<str>, name: Arc<str> },
    /// `module.NAME` optionally with the output name.
    Module { name: Arc<str>, output: Option<Arc<str>> },
    CountIndex,
    EachKey,
    EachValue,
    Path(Arc<str>),
    Terraform(Arc<str>),
    SelfRef,
    /// A reference form that is not valid (`var` alone, `count.foo`, …): reported by validation.
    Invalid { root: Arc<str>, message: String },
}

#[derive(Clone, Debug)]
pub struct Reference {
    pub target: RefTarget,
    pub span: Span,
    /// For `module.x.out`: the span of `.out`.
    pub output_span: Option<Span>,
}

/// All references made by `expr`, excluding names bound by `for` expressions and template `for`
/// directives inside it.
pub fn references(expr: &Expr) -> Vec<Reference> {
    let mut out = Vec::new();
    visit_traversals(expr, &mut |root, root_span, steps| {
        let span = match steps.first() {
            Some(Step::Attr(_, s)) => root_span.to(*s),
            _ => root_span,
        };
        let output_span = if root.as_ref() == "module" {
            steps.iter().skip(1).find_map(|s| match s {
                Step::Attr(_, sp) => Some(*sp),
                _ => None,
            })
        } else {
            None
        };
        out.push(Reference { target: classify(root, steps), span, output_span });
    });
    out
}

/// Calls `f` with the root, root span and steps of every traversal in `expr` whose root is not
/// a name bound by an enclosing `for` expression or template `for` directive, in source order
/// (a traversal before the expressions in its index steps). Every reference analysis (the
/// graph's, the JSON configuration's) is built on this one walk.
pub fn visit_traversals(expr: &Expr, f: &mut dyn FnMut(&Arc<str>, Span, &[Step])) {
    walk(expr, &mut Vec::new(), f);
}

fn attr_at(steps: &[Step], i: usize) -> Option<Arc<str>> {
    match steps.get(i) {
        Some(Step::Attr(a, _)) => Some(a.clone()),
        Some(Step::Index(e, _)) => match &e.kind {
            ExprKind::Literal(v) => v.as_str().map(Arc::from),
            _ => None,
        },
        _ => None,
    }
}

/// Classifies a traversal root and its first steps.
pub fn classify(root: &str, steps: &[Step]) -> RefTarget {
    let invalid = |m: &str| RefTarget::Invalid { root: Arc::from(root), message: m.to_string() };
    match root {
        "var" => match attr_at(steps, 0) {
            Some(n) => RefTarget::Var(n),
            None => invalid("The \"var\" object cannot be accessed directly. Instead, access one of its attributes."),
        },
        "local" => match attr_at(steps, 0) {
            Some(n) => RefTarget::Local(n),
            None => invalid("The \"local\" object cannot be accessed directly. Instead, access one of its attributes."),
        },
        "module" => match attr_at(steps, 0) {
            Some(n) => {
                // `module.x.out` or `module.x[0].out` / `module.x["k"].out`.
                let output = match steps.get(1) {
                    Some(Step::Attr(o, _)) => Some(o.clone()),
                    Some(Step::Index(..)) => match steps.get(2) {
                        Some(Step::Attr(o, _)) => Some(o.clone()),
                        _ => None,
                    },
                    _ => None,
                };
                RefTarget::Module { name: n, output }
            }
            None => invalid("The \"module\" object cannot be accessed directly. Instead, access one of its attributes."),
        },
        "data" => match (attr_at(steps, 0), attr_at(steps, 1)) {
            (Some(t), Some(n)) => RefTarget::Resource { data: true, ty: t, name: n },
            _ => invalid("The \"data\" object must be followed by two attribute names: the data source type and the resource name."),
        },
        "count" => match attr_at(steps, 0).as_deref() {
            Some("index") => RefTarget::CountIndex,
            _ => invalid("The \"count\" object does not have an attribute with that name. The only supported attribute is count.index, which is the index of each instance of a resource block that has the \"count\" argument set."),
        },
        "each" => match attr_at(steps, 0).as_deref() {
            Some("key") => RefTarget::EachKey,
            Some("value") => RefTarget::EachValue,
            _ => invalid("The \"each\" object does not have an attribute with that name. The supported attributes are each.key and each.value, the current key and value pair of the \"for_each\" attribute set."),
        },
        "path" => match attr_at(steps, 0) {
            Some(a) if matches!(&*a, "module" | "root" | "cwd") => RefTarget::Path(a),
            _ => invalid("The \"path\" object does not have an attribute with that name. The supported attributes are path.cwd, path.module and path.root."),
        },
        "terraform" => match attr_at(steps, 0) {
            Some(a) => RefTarget::Terraform(a),
            None => invalid("The \"terraform\" object cannot be accessed directly. Instead, access one of its attributes."),
        },
        "self" => RefTarget::SelfRef,
        "resource" | "ephemeral" | "count_index" => invalid("This name is reserved."),
        ty => match attr_at(steps, 0) {
            Some(n) => RefTarget::Resource { data: false, ty: Arc::from(ty), name: n },
            None => RefTarget::Invalid {
                root: Arc::from(ty),
                message: format!("A reference to a resource type must be followed by at least one attribute access, specifying the resource name."),
            },
        },
    }
}

fn walk(e: &Expr, bound: &mut Vec<Arc<str>>, out: &mut dyn FnMut(&Arc<str>, Span, &[Step])) {
    match &e.kind {
        ExprKind::Literal(_) => {}
        ExprKind::Template(parts) => walk_parts(parts, bound, out),
        ExprKind::TemplateWrap(x) | ExprKind::Parens(x) => walk(x, bound, out),
        ExprKind::Tuple(xs) => xs.iter().for_each(|x| walk(x, bound, out)),
        ExprKind::Object(kvs) => kvs.iter().for_each(|(k, v)| {
            walk(k, bound, out);
            walk(v, bound, out)
        }),
        ExprKind::Traversal { root, root_span, steps } => {
            if !bound.iter().any(|b| b == root) {
                out(root, *root_span, steps);
            }
            walk_steps(steps, bound, out);
        }
        ExprKind::Relative { source, steps } => {
            walk(source, bound, out);
            walk_steps(steps, bound, out);
        }
        ExprKind::Call { args, .. } => args.iter().for_each(|x| walk(x, bound, out)),
        ExprKind::Unary { operand, .. } => walk(operand, bound, out),
        ExprKind::Binary { lhs, rhs, .. } => {
            walk(lhs, bound, out);
            walk(rhs, bound, out)
        }
        ExprKind::Conditional { cond, then, otherwise } => {
            walk(cond, bound, out);
            walk(then, bound, out);
            walk(otherwise, bound, out)
        }
        ExprKind::For(f) => {
            walk(&f.collection, bound, out);
            let n = bound.len();
            if let Some(k) = &f.key_var {
                bound.push(k.clone());
            }
            bound.push(f.value_var.clone());
            if let Some(k) = &f.key {
                walk(k, bound, out);
            }
            walk(&f.value, bound, out);
            if let Some(c) = &f.cond {
                walk(c, bound, out);
            }
            bound.truncate(n);
        }
    }
}

fn walk_steps(steps: &[Step], bound: &mut Vec<Arc<str>>, out: &mut dyn FnMut(&Arc<str>, Span, &[Step])) {
    for s in steps {
        if let Step::Index(x, _) = s {
            walk(x, bound, out);
        }
    }
}

fn walk_parts(parts: &[TemplatePart], bound: &mut Vec<Arc<str>>, out: &mut dyn FnMut(&Arc<str>, Span, &[Step])) {
    for p in parts {
        match p {
            TemplatePart::Literal(_) => {}
            TemplatePart::Interp(x) => walk(x, bound, out),
            TemplatePart::If { cond, then, otherwise, .. } => {
                walk(cond, bound, out);
                walk_parts(then, bound, out);
                walk_parts(otherwise, bound, out);
            }
            TemplatePart::For { key_var, value_var, collection, body, .. } => {
                walk(collection, bound, out);
                let n = bound.len();
                if let Some(k) = key_var {
                    bound.push(k.clone());
                }
                bound.push(value_var.clone());
                walk_parts(body, bound, out);
                bound.truncate(n);
            }
        }
    }
}
