//! Lowering of hcl-edit's syntax tree (which keeps every byte of formatting) into the compact
//! [`ast`](super::ast) the evaluator uses. Spans are kept; formatting is dropped.

use std::sync::Arc;

use hcl_edit::expr::{BinaryOperator, Expression, ObjectKey, TraversalOperator, UnaryOperator};
use hcl_edit::template::{Directive, Element, Strip, Template};
use hcl_edit::Span as _;
use infra_value::{Diagnostic, Number, Value};

use super::ast::{BinOp, Expr, ExprKind, ForExpr, Step, TemplatePart, UnOp};
use crate::source::{SourceMap, Span};

/// Lowers expressions of one file.
pub struct Lowerer<'a> {
    pub file: u32,
    /// Added to every span: non-zero while lowering a re-parsed heredoc body or one chunk of a
    /// file parsed in parts.
    offset: usize,
    pub text: &'a str,
    pub sources: &'a SourceMap,
    pub diagnostics: Vec<Diagnostic>,
}

impl<'a> Lowerer<'a> {
    pub fn new(file: u32, text: &'a str, sources: &'a SourceMap) -> Lowerer<'a> {
        Lowerer::with_offset(file, text, sources, 0)
    }

    /// A lowerer for a syntax tree parsed from the part of `text` (the whole file) that starts
    /// at byte `offset`: its spans are shifted by `offset` into file offsets.
    pub fn with_offset(file: u32, text: &'a str, sources: &'a SourceMap, offset: usize) -> Lowerer<'a> {
        Lowerer { file, offset, text, sources, diagnostics: Vec::new() }
    }

    pub fn span_of(&self, r: Option<std::ops::Range<usize>>) -> Span {
        match r {
            Some(r) => Span::new(self.file, r.start + self.offset..r.end + self.offset),
            None => Span { file: self.file, start: 0, end: 0 },
        }
    }

    pub fn expr(&mut self, e: &Expression) -> Expr {
        let span = self.span_of(e.span());
        let kind = match e {
            Expression::Null(_) => ExprKind::Literal(Value::dynamic_null()),
            Expression::Bool(b) => ExprKind::Literal(Value::bool(*b.value())),
            Expression::Number(n) => {
                // The literal's own text, so that precision is not lost through an f64.
                let raw = self.text.get(span.start as usize..span.end as usize).unwrap_or("").trim();
                let parsed = Number::parse(raw).or_else(|| n.value().as_f64().and_then(Number::from_f64));
                match parsed {
                    Some(num) => ExprKind::Literal(Value::number(num)),
                    None => {
                        self.error(span, "Invalid number literal", &format!("Failed to recognize {raw:?} as a number."));
                        ExprKind::Literal(Value::unknown(infra_value::Type::Number))
                    }
                }
            }
            Expression::String(s) => ExprKind::Literal(Value::string(s.value())),
            Expression::Array(a) => ExprKind::Tuple(a.iter().map(|x| self.expr(x)).collect()),
            Expression::Object(o) => {
                let mut items = Vec::with_capacity(o.len());
                for (k, v) in o.iter() {
                    let key = match k {
                        ObjectKey::Ident(id) => {
                            Expr::literal(Value::string(id.value().as_str()), self.span_of(id.span()))
                        }
                        ObjectKey::Expression(ke) => {
                            // A bare identifier key is a literal string, as in HCL.
                            match ke {
                                Expression::Variable(id) => {
                                    Expr::literal(Value::string(id.value().as_str()), self.span_of(id.span()))
                                }
                                other => self.expr(other),
                            }
                        }
                    };
                    items.push((key, self.expr(v.expr())));
                }
                ExprKind::Object(items)
            }
            Expression::StringTemplate(t) => {
                let parts = self.template_elements(t.iter());
                return self.wrap_template(parts, span);
            }
            Expression::HeredocTemplate(h) => {
                let parts = self.heredoc(h, span).unwrap_or_else(|| self.template(&h.template));
                return self.wrap_template(parts, span);
            }
            Expression::Parenthesis(p) => ExprKind::Parens(Box::new(self.expr(p.inner()))),
            Expression::Variable(v) => {
                ExprKind::Traversal { root: Arc::from(v.value().as_str()), root_span: span, steps: Vec::new() }
            }
            Expression::Conditional(c) => ExprKind::Conditional {
                cond: Box::new(self.expr(&c.cond_expr)),
                then: Box::new(self.expr(&c.true_expr)),
                otherwise: Box::new(self.expr(&c.false_expr)),
            },
            Expression::FuncCall(f) => {
                let name: Arc<str> = if f.name.namespace.is_empty() {
                    Arc::from(f.name.name.value().as_str())
                } else {
                    let mut name = String::new();
                    for ns in &f.name.namespace {
                        name.push_str(ns.value().as_str());
                        name.push_str("::");
                    }
                    name.push_str(f.name.name.value().as_str());
                    Arc::from(name)
                };
                ExprKind::Call {
                    name,
                    name_span: self.span_of(f.name.name.span()),
                    args: f.args.iter().map(|a| self.expr(a)).collect(),
                    expand_final: f.args.expand_final(),
                }
            }
            Expression::Traversal(t) => {
                let steps: Vec<Step> = t.operators.iter().map(|op| self.step(op)).collect();
                match &t.expr {
                    Expression::Variable(v) => ExprKind::Traversal {
                        root: Arc::from(v.value().as_str()),
                        root_span: self.span_of(v.span()),
                        steps,
                    },
                    other => ExprKind::Relative { source: Box::new(self.expr(other)), steps },
                }
            }
            Expression::UnaryOp(u) => ExprKind::Unary {
                op: match u.operator.value() {
                    UnaryOperator::Neg => UnOp::Neg,
                    UnaryOperator::Not => UnOp::Not,
                },
                operand: Box::new(self.expr(&u.expr)),
            },
            Expression::BinaryOp(b) => ExprKind::Binary {
                op: match b.operator.value() {
                    BinaryOperator::Eq => BinOp::Eq,
                    BinaryOperator::NotEq => BinOp::NotEq,
                    BinaryOperator::LessEq => BinOp::LessEq,
                    BinaryOperator::GreaterEq => BinOp::GreaterEq,
                    BinaryOperator::Less => BinOp::Less,
                    BinaryOperator::Greater => BinOp::Greater,
                    BinaryOperator::Plus => BinOp::Add,
                    BinaryOperator::Minus => BinOp::Sub,
                    BinaryOperator::Mul => BinOp::Mul,
                    BinaryOperator::Div => BinOp::Div,
                    BinaryOperator::Mod => BinOp::Mod,
                    BinaryOperator::And => BinOp::And,
                    BinaryOperator::Or => BinOp::Or,
                },
                lhs: Box::new(self.expr(&b.lhs_expr)),
                rhs: Box::new(self.expr(&b.rhs_expr)),
            },
            Expression::ForExpr(f) => ExprKind::For(Box::new(ForExpr {
                key_var: f.intro.key_var.as_ref().map(|k| Arc::from(k.value().as_str())),
                value_var: Arc::from(f.intro.value_var.value().as_str()),
                collection: self.expr(&f.intro.collection_expr),
                key: f.key_expr.as_ref().map(|k| self.expr(k)),
                value: self.expr(&f.value_expr),
                cond: f.cond.as_ref().map(|c| self.expr(&c.expr)),
                grouping: f.grouping,
            })),
        };
        Expr { kind, span }
    }

    fn step(&mut self, op: &hcl_edit::Decorated<TraversalOperator>) -> Step {
        let span = self.span_of(op.span());
        match op.value() {
            TraversalOperator::GetAttr(id) => Step::Attr(Arc::from(id.value().as_str()), span),
            TraversalOperator::Index(e) => Step::Index(Box::new(self.expr(e)), span),
            TraversalOperator::LegacyIndex(n) => {
                Step::Index(Box::new(Expr::literal(Value::number(Number::from_u64(*n.value())), span)), span)
            }
            TraversalOperator::FullSplat(_) => Step::Splat(span),
            TraversalOperator::AttrSplat(_) => Step::AttrSplat(span),
        }
    }

    fn wrap_template(&mut self, parts: Vec<TemplatePart>, span: Span) -> Expr {
        wrap_template(parts, span)
    }

    pub fn template(&mut self, t: &Template) -> Vec<TemplatePart> {
        let mut flat = Vec::new();
        self.flatten(t.iter(), false, &mut flat);
        build_tree(apply_strips(flat))
    }

    /// A template file (`templatefile`, `templatestring`): as HCL scans them, every line is its
    /// own literal token, so `~` strip markers trim within one line only.
    pub fn template_file(&mut self, t: &Template) -> Vec<TemplatePart> {
        let mut flat = Vec::new();
        self.flatten(t.iter(), true, &mut flat);
        build_tree(apply_strips(flat))
    }

    /// A heredoc, processed as HCL does: every line is its own literal token, `~` strip markers
    /// trim only the adjacent token, and a flush heredoc (`<<-`) then removes the smallest
    /// indentation of the lines (a line starting with an interpolation or directive counts as
    /// zero). Returns `None` when the raw body cannot be recovered (hcl-edit's dedented
    /// template is used then).
    fn heredoc(&mut self, _h: &hcl_edit::template::HeredocTemplate, span: Span) -> Option<Vec<TemplatePart>> {
        let raw = self.text.get(span.start as usize..span.end as usize)?;
        let flush = raw.starts_with("<<-");
        let body_start = raw.find('\n')? + 1;
        let trimmed = raw.trim_end_matches([' ', '\t']);
        let body_end = trimmed.rfind('\n').map(|i| i + 1)?;
        if body_end < body_start {
            return Some(Vec::new());
        }
        let body = raw.get(body_start..body_end)?;
        let tmpl = hcl_edit::parser::parse_template(body).ok()?;
        // Spans inside the re-parsed body are relative to it; shift them into the file.
        let saved = (self.file, self.offset);
        self.offset = span.start as usize + body_start;
        let mut flat = Vec::new();
        self.flatten(tmpl.iter(), true, &mut flat);
        self.file = saved.0;
        self.offset = saved.1;
        let mut flat = apply_strips(flat);
        if flush {
            flush_heredoc(&mut flat);
        }
        Some(build_tree(flat))
    }

    /// Flattens template elements into HCL's token sequence.
    fn flatten<'b>(&mut self, elements: impl Iterator<Item = &'b Element>, split_lines: bool, out: &mut Vec<Tok>) {
        for el in elements {
            match el {
                Element::Literal(s) => {
                    let text = s.value().as_str();
                    if split_lines {
                        for line in text.split_inclusive('\n') {
                            out.push(Tok::Lit(line.to_string()));
                        }
                    } else {
                        out.push(Tok::Lit(text.to_string()));
                    }
                }
                Element::Interpolation(i) => {
                    let e = self.expr(&i.expr);
                    out.push(Tok::Interp(e, i.strip.strip_start(), i.strip.strip_end()));
                }
                Element::Directive(d) => match d.as_ref() {
                    Directive::If(ifd) => {
                        let span = self.span_of(ifd.if_expr.template.span());
                        let cond = self.expr(&ifd.if_expr.cond_expr);
                        out.push(Tok::If(cond, span, ifd.if_expr.strip.strip_start(), ifd.if_expr.strip.strip_end()));
                        self.flatten(ifd.if_expr.template.iter(), split_lines, out);
                        if let Some(e) = &ifd.else_expr {
                            out.push(Tok::Else(e.strip.strip_start(), e.strip.strip_end()));
                            self.flatten(e.template.iter(), split_lines, out);
                        }
                        out.push(Tok::EndIf(ifd.endif_expr.strip.strip_start(), ifd.endif_expr.strip.strip_end()));
                    }
                    Directive::For(fd) => {
                        let span = self.span_of(fd.for_expr.template.span());
                        let coll = self.expr(&fd.for_expr.collection_expr);
                        out.push(Tok::For(
                            fd.for_expr.key_var.as_ref().map(|k| Arc::from(k.value().as_str())),
                            Arc::from(fd.for_expr.value_var.value().as_str()),
                            coll,
                            span,
                            fd.for_expr.strip.strip_start(),
                            fd.for_expr.strip.strip_end(),
                        ));
                        self.flatten(fd.for_expr.template.iter(), split_lines, out);
                        out.push(Tok::EndFor(fd.endfor_expr.strip.strip_start(), fd.endfor_expr.strip.strip_end()));
                    }
                },
            }
        }
    }

    fn template_elements<'b>(&mut self, elements: impl Iterator<Item = &'b Element>) -> Vec<TemplatePart> {
        // Collect parts with their strip flags, then apply the `~` markers to neighbouring
        // literals.
        let mut parts: Vec<(TemplatePart, bool, bool)> = Vec::new();
        for el in elements {
            match el {
                Element::Literal(s) => parts.push((TemplatePart::Literal(Arc::from(s.value().as_str())), false, false)),
                Element::Interpolation(i) => {
                    parts.push((TemplatePart::Interp(self.expr(&i.expr)), i.strip.strip_start(), i.strip.strip_end()))
                }
                Element::Directive(d) => match d.as_ref() {
                    Directive::If(ifd) => {
                        let span = self.span_of(ifd.if_expr.template.span());
                        let mut then = self.template(&ifd.if_expr.template);
                        strip_first(&mut then, ifd.if_expr.strip.strip_end());
                        let mut otherwise = Vec::new();
                        let mut last_strip = ifd.endif_expr.strip.strip_start();
                        if let Some(e) = &ifd.else_expr {
                            strip_last(&mut then, e.strip.strip_start());
                            otherwise = self.template(&e.template);
                            strip_first(&mut otherwise, e.strip.strip_end());
                            strip_last(&mut otherwise, last_strip);
                            last_strip = false;
                        }
                        strip_last(&mut then, last_strip);
                        parts.push((
                            TemplatePart::If { cond: self.expr(&ifd.if_expr.cond_expr), then, otherwise, span },
                            ifd.if_expr.strip.strip_start(),
                            ifd.endif_expr.strip.strip_end(),
                        ));
                    }
                    Directive::For(fd) => {
                        let span = self.span_of(fd.for_expr.template.span());
                        let mut body = self.template(&fd.for_expr.template);
                        strip_first(&mut body, fd.for_expr.strip.strip_end());
                        strip_last(&mut body, fd.endfor_expr.strip.strip_start());
                        parts.push((
                            TemplatePart::For {
                                key_var: fd.for_expr.key_var.as_ref().map(|k| Arc::from(k.value().as_str())),
                                value_var: Arc::from(fd.for_expr.value_var.value().as_str()),
                                collection: self.expr(&fd.for_expr.collection_expr),
                                body,
                                span,
                            },
                            fd.for_expr.strip.strip_start(),
                            fd.endfor_expr.strip.strip_end(),
                        ));
                    }
                },
            }
        }
        apply_directive_strips(parts)
    }

    fn error(&mut self, span: Span, summary: &str, detail: &str) {
        self.diagnostics.push(Diagnostic::error(summary, detail).with_subject_opt(self.sources.range(span)));
    }
}

/// A template's expression from its parts: `"${expr}"` alone yields the expression's value
/// unconverted (HCL's template-wrap rule), literal-only parts are one string literal. Shared
/// with the direct parser ([`crate::config::fast`]).
/// Applies the `~` strip markers of a template's parts — `(part, strip before, strip after)` —
/// to the literal next to each, and drops literals left empty.
pub(crate) fn apply_directive_strips(mut parts: Vec<(TemplatePart, bool, bool)>) -> Vec<TemplatePart> {
    let n = parts.len();
    for i in 0..n {
        let (strip_before, strip_after) = (parts[i].1, parts[i].2);
        if strip_before && i > 0 {
            if let TemplatePart::Literal(s) = &parts[i - 1].0 {
                parts[i - 1].0 = TemplatePart::Literal(Arc::from(s.trim_end()));
            }
        }
        if strip_after && i + 1 < n {
            if let TemplatePart::Literal(s) = &parts[i + 1].0 {
                parts[i + 1].0 = TemplatePart::Literal(Arc::from(s.trim_start()));
            }
        }
    }
    parts.into_iter().map(|p| p.0).filter(|p| !matches!(p, TemplatePart::Literal(s) if s.is_empty())).collect()
}

pub(crate) fn wrap_template(mut parts: Vec<TemplatePart>, span: Span) -> Expr {
    if let [TemplatePart::Interp(_)] = parts.as_slice() {
        // Moved out, not cloned.
        if let Some(TemplatePart::Interp(e)) = parts.pop() {
            return Expr { kind: ExprKind::TemplateWrap(Box::new(e)), span };
        }
    }
    if parts.iter().all(|p| matches!(p, TemplatePart::Literal(_))) {
        let text: String = parts
            .iter()
            .map(|p| match p {
                TemplatePart::Literal(s) => s.as_ref(),
                _ => "",
            })
            .collect();
        return Expr::literal(Value::string(text), span);
    }
    Expr { kind: ExprKind::Template(parts), span }
}

/// HCL's flat template token sequence (also built by the direct parser, which shares the
/// strip, flush and tree-building steps below so that both paths give the same parts).
pub(crate) enum Tok {
    Lit(String),
    /// expression, strip before, strip after
    Interp(Expr, bool, bool),
    If(Expr, Span, bool, bool),
    Else(bool, bool),
    EndIf(bool, bool),
    For(Option<Arc<str>>, Arc<str>, Expr, Span, bool, bool),
    EndFor(bool, bool),
}

impl Tok {
    fn strips(&self) -> (bool, bool) {
        match self {
            Tok::Lit(_) => (false, false),
            Tok::Interp(_, a, b) | Tok::If(_, _, a, b) | Tok::Else(a, b) | Tok::EndIf(a, b) | Tok::EndFor(a, b) => (*a, *b),
            Tok::For(_, _, _, _, a, b) => (*a, *b),
        }
    }
}

/// `~` trims whitespace of the literal token right before (`{~`) or right after (`~}`).
pub(crate) fn apply_strips(mut toks: Vec<Tok>) -> Vec<Tok> {
    for i in 0..toks.len() {
        let (before, after) = toks[i].strips();
        if before && i > 0 {
            if let Tok::Lit(s) = &mut toks[i - 1] {
                *s = s.trim_end().to_string();
            }
        }
        if after && i + 1 < toks.len() {
            if let Tok::Lit(s) = &mut toks[i + 1] {
                *s = s.trim_start().to_string();
            }
        }
    }
    toks
}

/// HCL's `flushHeredocTemplateParts`.
pub(crate) fn flush_heredoc(toks: &mut [Tok]) {
    let mut min = usize::MAX;
    let mut newline = true;
    let mut adjust = Vec::new();
    for (i, t) in toks.iter().enumerate() {
        if newline {
            newline = false;
            let spaces = match t {
                Tok::Lit(s) => {
                    let trimmed = s.trim_start();
                    if trimmed.is_empty() && s.ends_with('\n') {
                        usize::MAX
                    } else {
                        adjust.push(i);
                        unicode_segmentation::UnicodeSegmentation::graphemes(&s[..s.len() - trimmed.len()], true).count()
                    }
                }
                _ => 0,
            };
            min = min.min(spaces);
        }
        if let Tok::Lit(s) = t {
            if s.ends_with('\n') {
                newline = true;
            }
        }
    }
    if min == usize::MAX || min == 0 {
        return;
    }
    for i in adjust {
        if let Tok::Lit(s) = &mut toks[i] {
            let cut: usize = unicode_segmentation::UnicodeSegmentation::graphemes(s.as_str(), true)
                .take(min)
                .take_while(|g| g.chars().all(char::is_whitespace) && *g != "\n")
                .map(str::len)
                .sum();
            *s = s[cut..].to_string();
        }
    }
}

/// Rebuilds nested template parts from the flat token sequence.
pub(crate) fn build_tree(toks: Vec<Tok>) -> Vec<TemplatePart> {
    fn push_lit(out: &mut Vec<TemplatePart>, s: String) {
        if s.is_empty() {
            return;
        }
        if let Some(TemplatePart::Literal(prev)) = out.last_mut() {
            *prev = Arc::from(format!("{prev}{s}"));
        } else {
            out.push(TemplatePart::Literal(Arc::from(s)));
        }
    }
    fn build(it: &mut std::iter::Peekable<std::vec::IntoIter<Tok>>, out: &mut Vec<TemplatePart>) -> Option<Tok> {
        while let Some(t) = it.next() {
            match t {
                Tok::Lit(s) => push_lit(out, s),
                Tok::Interp(e, ..) => out.push(TemplatePart::Interp(e)),
                Tok::If(cond, span, ..) => {
                    let mut then = Vec::new();
                    let mut otherwise = Vec::new();
                    if let Some(Tok::Else(..)) = build(it, &mut then) {
                        build(it, &mut otherwise);
                    }
                    out.push(TemplatePart::If { cond, then, otherwise, span });
                }
                Tok::For(key_var, value_var, collection, span, ..) => {
                    let mut body = Vec::new();
                    build(it, &mut body);
                    out.push(TemplatePart::For { key_var, value_var, collection, body, span });
                }
                end @ (Tok::Else(..) | Tok::EndIf(..) | Tok::EndFor(..)) => return Some(end),
            }
        }
        None
    }
    let mut it = toks.into_iter().peekable();
    let mut out = Vec::new();
    build(&mut it, &mut out);
    out
}

pub(crate) fn strip_first(parts: &mut [TemplatePart], strip: bool) {
    if strip {
        if let Some(TemplatePart::Literal(s)) = parts.first_mut() {
            *s = Arc::from(s.trim_start());
        }
    }
}

pub(crate) fn strip_last(parts: &mut [TemplatePart], strip: bool) {
    if strip {
        if let Some(TemplatePart::Literal(s)) = parts.last_mut() {
            *s = Arc::from(s.trim_end());
        }
    }
}

#[allow(dead_code)]
fn _strip_type_check(s: Strip) -> bool {
    s.strip_start()
}
