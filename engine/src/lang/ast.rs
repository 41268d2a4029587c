//! The expression syntax tree the evaluator works on, lowered from hcl-edit (native syntax) or
//! from `.tf.json` files. Every node keeps its [`Span`].

use std::sync::Arc;

use infra_value::Value;

use crate::source::Span;

#[derive(Clone, Debug)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BinOp {
    Or,
    And,
    Eq,
    NotEq,
    Less,
    LessEq,
    Greater,
    GreaterEq,
    Add,
    Sub,
    Mul,
    Div,
    Mod,
}

impl BinOp {
    pub fn symbol(self) -> &'static str {
        match self {
            BinOp::Or => "||",
            BinOp::And => "&&",
            BinOp::Eq => "==",
            BinOp::NotEq => "!=",
            BinOp::Less => "<",
            BinOp::LessEq => "<=",
            BinOp::Greater => ">",
            BinOp::GreaterEq => ">=",
            BinOp::Add => "+",
            BinOp::Sub => "-",
            BinOp::Mul => "*",
            BinOp::Div => "/",
            BinOp::Mod => "%",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnOp {
    Neg,
    Not,
}

/// One step of a traversal after its root.
#[derive(Clone, Debug)]
pub enum Step {
    /// `.name`
    Attr(Arc<str>, Span),
    /// `[expr]` (and legacy `.0`); the span covers the brackets.
    Index(Box<Expr>, Span),
    /// `[*]` — the rest of the traversal applies to each element.
    Splat(Span),
    /// `.*` — legacy attribute-only splat.
    AttrSplat(Span),
}

#[derive(Clone, Debug)]
pub enum ExprKind {
    Literal(Value),
    /// A template: literal parts and interpolations, with `%{if}`/`%{for}` directives.
    Template(Vec<TemplatePart>),
    /// A template consisting of exactly one interpolation (`"${x}"`): yields `x` unconverted,
    /// as Terraform does.
    TemplateWrap(Box<Expr>),
    Tuple(Vec<Expr>),
    /// Object constructor: keys are expressions (an identifier key is a literal string).
    Object(Vec<(Expr, Expr)>),
    /// A root variable reference (`var`, `local`, `aws_instance`, `count`, …) followed by steps.
    Traversal { root: Arc<str>, root_span: Span, steps: Vec<Step> },
    /// An arbitrary expression followed by steps (`(expr).a[0]`, `f(x)[0]`, `[1,2][*]`).
    Relative { source: Box<Expr>, steps: Vec<Step> },
    Call { name: Arc<str>, name_span: Span, args: Vec<Expr>, expand_final: bool },
    Unary { op: UnOp, operand: Box<Expr> },
    Binary { op: BinOp, lhs: Box<Expr>, rhs: Box<Expr> },
    Conditional { cond: Box<Expr>, then: Box<Expr>, otherwise: Box<Expr> },
    For(Box<ForExpr>),
    Parens(Box<Expr>),
}

#[derive(Clone, Debug)]
pub struct ForExpr {
    pub key_var: Option<Arc<str>>,
    pub value_var: Arc<str>,
    pub collection: Expr,
    /// `Some` for an object-producing `{ for ... : k => v }`.
    pub key: Option<Expr>,
    pub value: Expr,
    pub cond: Option<Expr>,
    /// `...` after the value: group values with equal keys into lists.
    pub grouping: bool,
}

#[derive(Clone, Debug)]
pub enum TemplatePart {
    Literal(Arc<str>),
    Interp(Expr),
    If { cond: Expr, then: Vec<TemplatePart>, otherwise: Vec<TemplatePart>, span: Span },
    For { key_var: Option<Arc<str>>, value_var: Arc<str>, collection: Expr, body: Vec<TemplatePart>, span: Span },
}

impl Expr {
    pub fn literal(v: Value, span: Span) -> Expr {
        Expr { kind: ExprKind::Literal(v), span }
    }

    /// If this expression is a bare traversal without index steps (`aws_instance.web`,
    /// `var.x`), its dotted names: used by `depends_on`, `ignore_changes`, `replace_triggered_by`,
    /// `moved` and similar arguments that take references rather than values.
    pub fn as_static_traversal(&self) -> Option<(Arc<str>, &[Step])> {
        match &self.kind {
            ExprKind::Traversal { root, steps, .. } => Some((root.clone(), steps)),
            ExprKind::TemplateWrap(inner) | ExprKind::Parens(inner) => inner.as_static_traversal(),
            _ => None,
        }
    }

    /// A bare identifier used as a keyword (`ignore_changes = all`, `type = string`).
    pub fn as_keyword(&self) -> Option<&str> {
        match &self.kind {
            ExprKind::Traversal { root, steps, .. } if steps.is_empty() => Some(root),
            _ => None,
        }
    }

    /// Calls `f` on every traversal (root name and steps) in this expression, including nested
    /// ones; used to find references.
    pub fn visit_traversals<'a>(&'a self, f: &mut dyn FnMut(&'a str, &'a [Step], Span)) {
        match &self.kind {
            ExprKind::Literal(_) => {}
            ExprKind::Template(parts) => visit_parts(parts, f),
            ExprKind::TemplateWrap(e) | ExprKind::Parens(e) => e.visit_traversals(f),
            ExprKind::Tuple(es) => es.iter().for_each(|e| e.visit_traversals(f)),
            ExprKind::Object(kvs) => kvs.iter().for_each(|(k, v)| {
                k.visit_traversals(f);
                v.visit_traversals(f)
            }),
            ExprKind::Traversal { root, steps, root_span } => {
                f(root, steps, *root_span);
                visit_steps(steps, f);
            }
            ExprKind::Relative { source, steps } => {
                source.visit_traversals(f);
                visit_steps(steps, f);
            }
            ExprKind::Call { args, .. } => args.iter().for_each(|e| e.visit_traversals(f)),
            ExprKind::Unary { operand, .. } => operand.visit_traversals(f),
            ExprKind::Binary { lhs, rhs, .. } => {
                lhs.visit_traversals(f);
                rhs.visit_traversals(f)
            }
            ExprKind::Conditional { cond, then, otherwise } => {
                cond.visit_traversals(f);
                then.visit_traversals(f);
                otherwise.visit_traversals(f)
            }
            ExprKind::For(fe) => {
                fe.collection.visit_traversals(f);
                // Iteration variables shadow: references to them are filtered by the caller via
                // the scope check in `refs`; here we report everything.
                if let Some(k) = &fe.key {
                    k.visit_traversals(f);
                }
                fe.value.visit_traversals(f);
                if let Some(c) = &fe.cond {
                    c.visit_traversals(f);
                }
            }
        }
    }
}

fn visit_steps<'a>(steps: &'a [Step], f: &mut dyn FnMut(&'a str, &'a [Step], Span)) {
    for s in steps {
        if let Step::Index(e, _) = s {
            e.visit_traversals(f);
        }
    }
}

fn visit_parts<'a>(parts: &'a [TemplatePart], f: &mut dyn FnMut(&'a str, &'a [Step], Span)) {
    for p in parts {
        match p {
            TemplatePart::Literal(_) => {}
            TemplatePart::Interp(e) => e.visit_traversals(f),
            TemplatePart::If { cond, then, otherwise, .. } => {
                cond.visit_traversals(f);
                visit_parts(then, f);
                visit_parts(otherwise, f);
            }
            TemplatePart::For { collection, body, .. } => {
                collection.visit_traversals(f);
                visit_parts(body, f);
            }
        }
    }
}
