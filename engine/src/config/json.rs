//! Terraform's JSON configuration syntax (`*.tf.json`), lowered into the same generic [`Body`]
//! as native syntax. Strings are templates (`"${var.x}"`); an object value is an attribute here
//! and becomes a nested block when decoded against a schema that expects one.

use std::collections::BTreeMap;
use std::sync::Arc;

use infra_value::{Diagnostic, Number, SourcePos, SourceRange, Value};
use serde_json::Value as Json;

use super::body::{Attr, Body, NestedBlock};
use crate::lang::ast::{Expr, ExprKind};
use crate::lang::lower::Lowerer;
use crate::source::{SourceMap, Span};

/// Block types and how many labels each takes, at the top level of a JSON file.
fn top_level_labels(ty: &str) -> Option<usize> {
    Some(match ty {
        "resource" | "data" => 2,
        "variable" | "output" | "module" | "provider" | "check" => 1,
        "locals" | "terraform" | "moved" | "removed" | "import" => 0,
        _ => return None,
    })
}

pub fn parse_json_body(file_id: u32, text: &str, sources: &SourceMap, diags: &mut Vec<Diagnostic>) -> Option<Body> {
    let json: Json = match serde_json::from_str(text) {
        Ok(j) => j,
        Err(e) => {
            let f = sources.get(file_id)?;
            let specific = super::syntax::diagnose_json(&f.name, text);
            if !specific.is_empty() {
                diags.extend(specific);
                return None;
            }
            let line = e.line() as u32;
            let column = e.column() as u32;
            let pos = SourcePos { line, column, byte: 0 };
            diags.push(
                Diagnostic::error("Invalid JSON syntax", format!("{e}."))
                    .with_subject(SourceRange { filename: f.name.clone(), start: pos, end: pos }),
            );
            return None;
        }
    };
    let whole = Span { file: file_id, start: 0, end: text.len() as u32 };
    let Json::Object(top) = json else {
        diags.push(
            Diagnostic::error("Invalid JSON configuration", "The root of a JSON configuration file must be an object.")
                .with_subject_opt(sources.range(whole)),
        );
        return None;
    };
    let mut ctx = JsonCtx { file_id, sources, whole, diags };
    let mut body = Body { span: whole, ..Default::default() };
    for (ty, v) in top {
        if ty == "//" {
            continue;
        }
        let Some(n) = top_level_labels(&ty) else {
            ctx.err("Unsupported block type", &format!("Blocks of type {ty:?} are not expected here."));
            continue;
        };
        ctx.blocks(&ty, n, Vec::new(), &v, &mut body.blocks);
    }
    Some(body)
}

struct JsonCtx<'a> {
    file_id: u32,
    sources: &'a SourceMap,
    whole: Span,
    diags: &'a mut Vec<Diagnostic>,
}

impl<'a> JsonCtx<'a> {
    fn err(&mut self, summary: &str, detail: &str) {
        self.diags.push(Diagnostic::error(summary, detail).with_subject_opt(self.sources.range(self.whole)));
    }

    fn blocks(&mut self, ty: &str, labels_left: usize, labels: Vec<String>, v: &Json, out: &mut Vec<NestedBlock>) {
        if labels_left > 0 {
            match v {
                Json::Object(m) => {
                    for (k, inner) in m {
                        let mut l = labels.clone();
                        l.push(k.clone());
                        self.blocks(ty, labels_left - 1, l, inner, out);
                    }
                }
                _ => self.err("Incorrect JSON value type", &format!("A JSON object is required here, to define labels for {ty:?} blocks.")),
            }
            return;
        }
        match v {
            Json::Array(items) => {
                for it in items {
                    self.blocks(ty, 0, labels.clone(), it, out);
                }
            }
            Json::Object(_) => {
                let body = self.body(ty, v);
                out.push(NestedBlock { ty: ty.to_string(), labels, body, type_span: self.whole, span: self.whole });
            }
            _ => self.err("Incorrect JSON value type", &format!("A JSON object is required here, for the contents of a {ty:?} block.")),
        }
    }

    fn body(&mut self, block_ty: &str, v: &Json) -> Body {
        let mut body = Body { span: self.whole, ..Default::default() };
        let Json::Object(m) = v else { return body };
        for (k, val) in m {
            if k == "//" {
                continue;
            }
            // Nested blocks that the meta-language knows about are blocks in JSON too.
            let nested: Option<usize> = match (block_ty, k.as_str()) {
                (_, "lifecycle") | (_, "provisioner") | (_, "connection") => Some(0),
                ("variable", "validation") | ("output", "precondition") | ("check", "assert") => Some(0),
                ("terraform", "required_providers") => Some(0),
                ("terraform", "backend") => Some(1),
                (_, "precondition") | (_, "postcondition") => Some(0),
                _ => None,
            };
            if let Some(n) = nested {
                let mut blocks = Vec::new();
                self.blocks(k, n, Vec::new(), val, &mut blocks);
                body.blocks.extend(blocks);
                continue;
            }
            // Arguments that take references, not values: their strings are expressions.
            let references = matches!(k.as_str(), "depends_on" | "provider" | "ignore_changes" | "replace_triggered_by" | "providers")
                || (matches!(block_ty, "moved" | "removed" | "import") && matches!(k.as_str(), "from" | "to"));
            let expr = if references {
                self.reference_expr(val)
            } else {
                self.expr(val, true, block_ty == "variable" && k == "type")
            };
            body.attrs.insert(k.clone(), Attr { name: k.clone(), expr, name_span: self.whole, span: self.whole });
        }
        body
    }

    /// JSON value → expression: strings are templates (or, for `type`, type expressions).
    fn expr(&mut self, v: &Json, templates: bool, as_type: bool) -> Expr {
        let span = self.whole;
        match v {
            Json::Null => Expr::literal(Value::dynamic_null(), span),
            Json::Bool(b) => Expr::literal(Value::bool(*b), span),
            Json::Number(n) => Expr::literal(
                Number::parse(&n.to_string()).map(Value::number).unwrap_or_else(|| Value::string(n.to_string())),
                span,
            ),
            Json::String(s) if as_type || (templates && (s.contains("${") || s.contains("%{"))) => {
                self.parse_expr_string(s, as_type)
            }
            Json::String(s) => Expr::literal(Value::string(s), span),
            Json::Array(items) => Expr { kind: ExprKind::Tuple(items.iter().map(|x| self.expr(x, templates, false)).collect()), span },
            Json::Object(m) => {
                let items = m
                    .iter()
                    .filter(|(k, _)| k.as_str() != "//")
                    .map(|(k, x)| (Expr::literal(Value::string(k), span), self.expr(x, templates, false)))
                    .collect();
                Expr { kind: ExprKind::Object(items), span }
            }
        }
    }

    /// A JSON value whose strings are references (`"aws_instance.web"`), or lists/maps of them.
    fn reference_expr(&mut self, v: &Json) -> Expr {
        match v {
            Json::String(s) => self.parse_expr_string(s, true),
            Json::Array(items) => Expr { kind: ExprKind::Tuple(items.iter().map(|x| self.reference_expr(x)).collect()), span: self.whole },
            Json::Object(m) => {
                let items = m.iter().map(|(k, x)| (self.parse_expr_string(k, true), self.reference_expr(x))).collect();
                Expr { kind: ExprKind::Object(items), span: self.whole }
            }
            other => self.expr(other, false, false),
        }
    }

    fn parse_expr_string(&mut self, s: &str, as_expr: bool) -> Expr {
        let file = self.sources.add(&format!("{}(json string)", self.sources.get(self.file_id).map(|f| f.name.to_string()).unwrap_or_default()), s);
        let mut lw = Lowerer::new(file, s, self.sources);
        let result = if as_expr {
            hcl_edit::parser::parse_expr(s).map(|e| lw.expr(&e)).map_err(|e| e.to_string())
        } else {
            hcl_edit::parser::parse_template(s)
                .map(|t| {
                    let parts = lw.template(&t);
                    let span = Span { file, start: 0, end: s.len() as u32 };
                    if parts.len() == 1 {
                        if let crate::lang::ast::TemplatePart::Interp(e) = &parts[0] {
                            return Expr { kind: ExprKind::TemplateWrap(Box::new(e.clone())), span };
                        }
                    }
                    Expr { kind: ExprKind::Template(parts), span }
                })
                .map_err(|e| e.to_string())
        };
        self.diags.extend(lw.diagnostics);
        match result {
            Ok(e) => e,
            Err(msg) => {
                self.err("Invalid expression", &format!("The JSON string could not be parsed as an expression: {msg}"));
                Expr::literal(Value::dynamic_unknown(), self.whole)
            }
        }
    }
}

#[allow(dead_code)]
fn _unused(_: BTreeMap<String, Arc<str>>) {}
