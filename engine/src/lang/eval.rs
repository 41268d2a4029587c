//! The expression evaluator: operators, conditionals, for-expressions, splats, templates,
//! function calls (including `try`, `can` and `templatefile`, which need the evaluator).
//!
//! Evaluation never fails early: errors become diagnostics (with the expression's source range)
//! and the failed sub-expression evaluates to an unknown value, so that one run reports every
//! problem. References are resolved through the [`Scope`] trait; the evaluator knows nothing of
//! resources, modules or state.

use std::collections::BTreeMap;
use std::sync::Arc;

use infra_functions::{FuncContext, FuncError};
use infra_value::convert::{convert, unify};
use infra_value::value::Kind;
use infra_value::{Diagnostic, Marks, Number, Type, Value};

use super::ast::{BinOp, Expr, ExprKind, ForExpr, Step, TemplatePart, UnOp};
use crate::source::{SourceMap, Span};

/// Resolves the roots of references (`var.x`, `aws_instance.web`, `count.index`, …).
pub trait Scope {
    /// Resolves `root` and as many leading `steps` as it needs (e.g. `var` consumes `.name`,
    /// a resource type consumes `.name`, `data` consumes `.type.name`). Returns the value and
    /// the number of steps consumed; the evaluator applies the rest.
    fn resolve(&self, root: &str, steps: &[Step], span: Span) -> Result<(Value, usize), Diagnostic>;

    /// The context for built-in function calls made in this scope.
    fn func_context(&self) -> &FuncContext;
}

/// One evaluation: a scope, the local symbols introduced by `for` expressions and template
/// directives, and the diagnostics collected so far.
pub struct Evaluator<'a> {
    pub scope: &'a dyn Scope,
    pub sources: &'a SourceMap,
    locals: Vec<(Arc<str>, Value)>,
    pub diagnostics: Vec<Diagnostic>,
}

impl<'a> Evaluator<'a> {
    pub fn new(scope: &'a dyn Scope, sources: &'a SourceMap) -> Evaluator<'a> {
        Evaluator { scope, sources, locals: Vec::new(), diagnostics: Vec::new() }
    }

    /// Binds a local symbol (a `dynamic` block iterator) until [`Evaluator::pop_local`].
    pub fn push_local(&mut self, name: Arc<str>, v: Value) {
        self.locals.push((name, v));
    }
    pub fn pop_local(&mut self) {
        self.locals.pop();
    }

    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }

    fn error(&mut self, span: Span, summary: &str, detail: impl Into<String>) -> Value {
        let d = Diagnostic::error(summary, detail).with_subject_opt(self.sources.range(span));
        self.diagnostics.push(d);
        Value::dynamic_unknown()
    }

    /// Evaluates an expression.
    pub fn eval(&mut self, e: &Expr) -> Value {
        match &e.kind {
            ExprKind::Literal(v) => v.clone(),
            ExprKind::Parens(inner) => self.eval(inner),
            ExprKind::TemplateWrap(inner) => self.eval(inner),
            ExprKind::Template(parts) => self.template(parts),
            ExprKind::Tuple(items) => Value::tuple(items.iter().map(|x| self.eval(x)).collect()),
            ExprKind::Object(items) => self.object(items),
            ExprKind::Traversal { root, root_span, steps } => {
                if let Some(v) = self.local(root) {
                    return self.apply_steps(v, steps, e.span);
                }
                match self.scope.resolve(root, steps, *root_span) {
                    Ok((v, consumed)) => self.apply_steps(v, &steps[consumed.min(steps.len())..], e.span),
                    Err(d) => {
                        self.diagnostics.push(d);
                        Value::dynamic_unknown()
                    }
                }
            }
            ExprKind::Relative { source, steps } => {
                let v = self.eval(source);
                self.apply_steps(v, steps, e.span)
            }
            ExprKind::Call { name, name_span, args, expand_final } => self.call(name, *name_span, args, *expand_final, e.span),
            ExprKind::Unary { op, operand } => {
                let v = self.eval(operand);
                self.unary(*op, v, e.span)
            }
            ExprKind::Binary { op, lhs, rhs } => {
                let l = self.eval(lhs);
                let r = self.eval(rhs);
                self.binary(*op, l, r, lhs.span, rhs.span, e.span)
            }
            ExprKind::Conditional { cond, then, otherwise } => self.conditional(cond, then, otherwise, e.span),
            ExprKind::For(f) => self.for_expr(f, e.span),
        }
    }

    fn local(&self, name: &str) -> Option<Value> {
        self.locals.iter().rev().find(|(n, _)| &**n == name).map(|(_, v)| v.clone())
    }

    fn object(&mut self, items: &[(Expr, Expr)]) -> Value {
        let mut attrs = BTreeMap::new();
        let mut unknown_key = false;
        let mut marks = Marks::NONE;
        for (k, v) in items {
            let key = self.eval(k);
            let val = self.eval(v);
            let (key, km) = key.unmark_deep();
            marks |= km;
            if !key.is_known() {
                unknown_key = true;
                continue;
            }
            if key.is_null() {
                self.error(k.span, "Invalid object key", "Key expression in object constructor must not be null.");
                continue;
            }
            match convert(&key, &Type::String) {
                Ok(s) => {
                    let s = s.as_str().unwrap_or_default().to_string();
                    attrs.insert(s, val);
                }
                Err(err) => {
                    self.error(k.span, "Incorrect key type", format!("Can't use this value as a key: {}.", err.message));
                }
            }
        }
        if unknown_key {
            return Value::dynamic_unknown().mark(marks);
        }
        Value::object(attrs).mark(marks)
    }

    // ----- traversal -----

    pub fn apply_steps(&mut self, mut v: Value, steps: &[Step], span: Span) -> Value {
        let mut i = 0;
        while i < steps.len() {
            match &steps[i] {
                Step::Attr(name, s) => v = self.get_attr(v, name, *s),
                Step::Index(idx, step_span) => {
                    let key = self.eval(idx);
                    v = self.index(v, key, *step_span);
                }
                Step::Splat(s) => {
                    // The whole rest of the traversal applies to each element.
                    return self.splat(v, &steps[i + 1..], *s);
                }
                Step::AttrSplat(s) => {
                    // Only the attribute steps right after `.*` apply to each element.
                    let mut j = i + 1;
                    while j < steps.len() && matches!(steps[j], Step::Attr(..)) {
                        j += 1;
                    }
                    v = self.splat(v, &steps[i + 1..j], *s);
                    i = j;
                    continue;
                }
            }
            i += 1;
        }
        let _ = span;
        v
    }

    fn splat(&mut self, v: Value, rest: &[Step], span: Span) -> Value {
        let (inner, marks) = v.unmark();
        match inner.kind() {
            Kind::Null(_) => Value::empty_tuple().mark(marks),
            Kind::Unknown(_) => Value::dynamic_unknown().mark(marks),
            Kind::List(..) | Kind::Set(..) | Kind::Tuple(_) => {
                let elems: Vec<Value> =
                    inner.as_elements().unwrap_or(&[]).to_vec().into_iter().map(|e| self.apply_steps(e, rest, span)).collect();
                match inner.kind() {
                    Kind::List(..) | Kind::Set(..) => {
                        let ty = unify(&elems.iter().map(Value::ty).collect::<Vec<_>>()).unwrap_or(Type::Dynamic);
                        if elems.is_empty() {
                            let elem_ty = inner.ty().element_type().cloned().unwrap_or(Type::Dynamic);
                            let _ = elem_ty;
                            Value::empty_tuple().mark(marks)
                        } else if ty == Type::Dynamic {
                            Value::tuple(elems).mark(marks)
                        } else {
                            let conv: Result<Vec<_>, _> = elems.iter().map(|e| convert(e, &ty)).collect();
                            match conv {
                                Ok(es) => Value::list(ty, es).mark(marks),
                                Err(_) => Value::tuple(elems).mark(marks),
                            }
                        }
                    }
                    _ => Value::tuple(elems).mark(marks),
                }
            }
            _ => {
                // A single value behaves as a one-element tuple.
                let e = self.apply_steps(inner.clone(), rest, span);
                Value::tuple(vec![e]).mark(marks)
            }
        }
    }

    pub fn get_attr(&mut self, v: Value, name: &str, span: Span) -> Value {
        let (inner, marks) = v.unmark();
        let out = match inner.kind() {
            Kind::Null(_) => {
                return self.error(span, "Attempt to get attribute from null value", "This value is null, so it does not have any attributes.")
            }
            Kind::Unknown(t) => match t {
                Type::Object(o) => match o.attrs.get(name) {
                    Some(at) => Value::unknown(at.clone()),
                    None => {
                        return self.error(span, "Unsupported attribute", format!("This object does not have an attribute named {name:?}."))
                    }
                },
                Type::Map(e) => Value::unknown((**e).clone()),
                _ => Value::dynamic_unknown(),
            },
            Kind::Object(attrs) => match attrs.get(name) {
                Some(a) => a.clone(),
                None => {
                    return self.error(span, "Unsupported attribute", format!("This object does not have an attribute named {name:?}."))
                }
            },
            Kind::Map(_, entries) => match entries.get(name) {
                Some(a) => a.clone(),
                None => {
                    return self.error(span, "Missing map element", format!("This map does not have an element with the key {name:?}."))
                }
            },
            Kind::List(..) | Kind::Tuple(_) | Kind::Set(..) if !collection_of_objects(&inner) => {
                return self.error(span, "Unsupported attribute", "This value does not have any attributes.");
            }
            Kind::List(..) | Kind::Tuple(_) | Kind::Set(..) => {
                let what = match inner.kind() {
                    Kind::Set(..) => "set",
                    Kind::Tuple(_) => "tuple",
                    _ => "list",
                };
                return self.error(
                    span,
                    "Unsupported attribute",
                    format!("Can't access attributes on a {what} of objects. Did you mean to access attribute {name:?} for a specific element of the {what}, or across all elements of the {what}?"),
                );
            }
            _ => {
                return self.error(
                    span,
                    "Unsupported attribute",
                    format!("Can't access attributes on a primitive-typed value ({}).", inner.ty().friendly_name()),
                )
            }
        };
        out.mark(marks)
    }

    pub fn index(&mut self, v: Value, key: Value, span: Span) -> Value {
        let (inner, marks) = v.unmark();
        let (key, kmarks) = key.unmark_deep();
        let marks = marks | kmarks;
        if inner.is_null() {
            return self.error(span, "Attempt to index null value", "This value is null, so it does not have any indices.");
        }
        if key.is_null() {
            return self.error(span, "Invalid index", "Can't use a null value as an indexing key.");
        }
        let out = match inner.kind() {
            Kind::Unknown(t) => Value::unknown(match t {
                Type::List(e) | Type::Map(e) => (**e).clone(),
                _ => Type::Dynamic,
            }),
            Kind::List(..) | Kind::Tuple(_) => {
                if !key.is_known() {
                    return Value::dynamic_unknown().mark(marks);
                }
                let n = match convert(&key, &Type::Number) {
                    Ok(n) => n,
                    Err(_) => {
                        return self.error(span, "Invalid index", "The given key does not identify an element in this collection value: a number is required.")
                    }
                };
                let elems = inner.as_elements().unwrap_or(&[]);
                match n.as_number().and_then(Number::to_i64) {
                    Some(i) if i >= 0 && (i as usize) < elems.len() => elems[i as usize].clone(),
                    Some(i) if i < 0 => {
                        return self.error(span, "Invalid index", "The given key does not identify an element in this collection value: a negative number is not a valid index for a sequence.")
                    }
                    Some(_) => {
                        return self.error(span, "Invalid index", "The given key does not identify an element in this collection value: the given index is greater than or equal to the length of the collection.")
                    }
                    None => {
                        return self.error(span, "Invalid index", "The given key does not identify an element in this collection value: indexing a sequence requires a whole number.")
                    }
                }
            }
            Kind::Map(..) | Kind::Object(_) => {
                if !key.is_known() {
                    return Value::dynamic_unknown().mark(marks);
                }
                let k = match convert(&key, &Type::String) {
                    Ok(k) => k,
                    Err(_) => return self.error(span, "Invalid index", "The given key does not identify an element in this collection value: string required."),
                };
                let k = k.as_str().unwrap_or_default();
                match inner.get_attr(k) {
                    Some(v) => v.clone(),
                    None => {
                        if matches!(inner.kind(), Kind::Object(_)) {
                            return self.error(span, "Invalid index", format!("The given key does not identify an element in this collection value."));
                        }
                        return self.error(span, "Invalid index", "The given key does not identify an element in this collection value.");
                    }
                }
            }
            Kind::Set(..) => {
                return self.error(span, "Invalid index", "Elements of a set are identified only by their value and don't have any separate index or key to select with, so it's only possible to perform operations across all elements of the set.")
            }
            _ => {
                return self.error(span, "Invalid index", format!("This value does not have any indices."))
            }
        };
        out.mark(marks)
    }

    // ----- operators -----

    fn unary(&mut self, op: UnOp, v: Value, span: Span) -> Value {
        let (v, marks) = v.unmark_deep();
        let out = match op {
            UnOp::Neg => match self.to_number(&v, span, "Invalid operand", "Unsuitable value for unary operand") {
                Some(Some(n)) => Value::number(n.neg()),
                Some(None) => Value::unknown(Type::Number),
                None => return Value::dynamic_unknown(),
            },
            UnOp::Not => match self.to_bool(&v, span) {
                Some(Some(b)) => Value::bool(!b),
                Some(None) => Value::unknown(Type::Bool),
                None => return Value::dynamic_unknown(),
            },
        };
        out.mark(marks)
    }

    /// `Some(Some(n))` known number, `Some(None)` unknown, `None` error (reported).
    fn to_number(&mut self, v: &Value, span: Span, summary: &str, _what: &str) -> Option<Option<Number>> {
        if !v.is_known() {
            return Some(None);
        }
        if v.is_null() {
            self.error(span, summary, "Unsuitable value for left operand: a number is required.");
            return None;
        }
        match convert(v, &Type::Number) {
            Ok(n) if !n.is_known() => Some(None),
            Ok(n) => n.as_number().cloned().map(Some),
            Err(e) => {
                self.error(span, summary, format!("Unsuitable value: {}.", e.message));
                None
            }
        }
    }

    fn to_bool(&mut self, v: &Value, span: Span) -> Option<Option<bool>> {
        if !v.is_known() {
            return Some(None);
        }
        if v.is_null() {
            self.error(span, "Invalid operand", "Unsuitable value for operand: a bool is required.");
            return None;
        }
        match convert(v, &Type::Bool) {
            Ok(b) if !b.is_known() => Some(None),
            Ok(b) => b.as_bool().map(Some),
            Err(e) => {
                self.error(span, "Invalid operand", format!("Unsuitable value for operand: {}.", e.message));
                None
            }
        }
    }

    fn binary(&mut self, op: BinOp, l: Value, r: Value, ls: Span, rs: Span, span: Span) -> Value {
        let (l, lm) = l.unmark_deep();
        let (r, rm) = r.unmark_deep();
        let marks = lm | rm;
        let out = match op {
            BinOp::Eq | BinOp::NotEq => {
                let eq = l.equals(&r);
                match (op, eq.as_bool()) {
                    (BinOp::NotEq, Some(b)) => Value::bool(!b),
                    _ => eq,
                }
            }
            BinOp::And | BinOp::Or => {
                let a = self.operand_bool(&l, ls, "left");
                let b = self.operand_bool(&r, rs, "right");
                match (op, a, b) {
                    (_, Err(()), _) | (_, _, Err(())) => return Value::dynamic_unknown(),
                    (BinOp::And, Ok(Some(false)), _) | (BinOp::And, _, Ok(Some(false))) => Value::bool(false),
                    (BinOp::Or, Ok(Some(true)), _) | (BinOp::Or, _, Ok(Some(true))) => Value::bool(true),
                    (_, Ok(Some(x)), Ok(Some(y))) => Value::bool(if op == BinOp::And { x && y } else { x || y }),
                    _ => Value::unknown(Type::Bool),
                }
            }
            _ => {
                let a = self.operand_number(&l, ls, "left");
                let b = self.operand_number(&r, rs, "right");
                let (a, b) = match (a, b) {
                    (Ok(a), Ok(b)) => (a, b),
                    _ => return Value::dynamic_unknown(),
                };
                let result_ty = match op {
                    BinOp::Less | BinOp::LessEq | BinOp::Greater | BinOp::GreaterEq => Type::Bool,
                    _ => Type::Number,
                };
                let (Some(a), Some(b)) = (a, b) else { return Value::unknown(result_ty).mark(marks) };
                let res = match op {
                    BinOp::Add => a.add(&b).map(Value::number),
                    BinOp::Sub => a.sub(&b).map(Value::number),
                    BinOp::Mul => a.mul(&b).map(Value::number),
                    BinOp::Div => a.div(&b).map(Value::number),
                    BinOp::Mod => a.rem(&b).map(Value::number),
                    // cty compares numerically, not by the printed form `Ord` uses.
                    BinOp::Less => Ok(Value::bool(a.numeric_cmp(&b).is_lt())),
                    BinOp::LessEq => Ok(Value::bool(a.numeric_cmp(&b).is_le())),
                    BinOp::Greater => Ok(Value::bool(a.numeric_cmp(&b).is_gt())),
                    BinOp::GreaterEq => Ok(Value::bool(a.numeric_cmp(&b).is_ge())),
                    _ => Ok(Value::dynamic_unknown()),
                };
                match res {
                    Ok(v) => v,
                    Err(e) => return self.error(span, "Operation failed", format!("Error during operation: {e}.")),
                }
            }
        };
        out.mark(marks)
    }

    fn operand_number(&mut self, v: &Value, span: Span, side: &str) -> Result<Option<Number>, ()> {
        if !v.is_known() {
            return Ok(None);
        }
        if v.is_null() {
            self.error(span, "Invalid operand", format!("Unsuitable value for {side} operand: a number is required."));
            return Err(());
        }
        match convert(v, &Type::Number) {
            Ok(n) => Ok(n.as_number().cloned()),
            Err(e) => {
                self.error(span, "Invalid operand", format!("Unsuitable value for {side} operand: {}.", e.message));
                Err(())
            }
        }
    }

    fn operand_bool(&mut self, v: &Value, span: Span, side: &str) -> Result<Option<bool>, ()> {
        if !v.is_known() {
            return Ok(None);
        }
        if v.is_null() {
            self.error(span, "Invalid operand", format!("Unsuitable value for {side} operand: a bool is required."));
            return Err(());
        }
        match convert(v, &Type::Bool) {
            Ok(b) => Ok(b.as_bool()),
            Err(e) => {
                self.error(span, "Invalid operand", format!("Unsuitable value for {side} operand: {}.", e.message));
                Err(())
            }
        }
    }

    fn conditional(&mut self, cond: &Expr, then: &Expr, otherwise: &Expr, span: Span) -> Value {
        let c = self.eval(cond);
        // Both results are evaluated (the result type depends on both), but only the selected
        // one's errors count, as in HCL: `length(x) > 0 ? x[0] : null` is fine for empty x.
        let (t, tdiags) = self.eval_isolated(then);
        let (f, fdiags) = self.eval_isolated(otherwise);
        let selected = c.clone().unmark_deep().0;
        let take = match convert(&selected, &Type::Bool).ok().and_then(|b| b.as_bool()) {
            Some(true) if selected.is_known() => (true, false),
            Some(false) if selected.is_known() => (false, true),
            _ => (true, true),
        };
        if take.0 {
            self.diagnostics.extend(tdiags);
        }
        if take.1 {
            self.diagnostics.extend(fdiags);
        }
        let t = if take.0 || !t.is_known() { t } else { Value::unknown(t.ty()) };
        let f = if take.1 || !f.is_known() { f } else { Value::unknown(f.ty()) };
        let (c, cmarks) = c.unmark_deep();
        // Both results are converted to their unified type, so the conditional has one type.
        let ty = match unify(&[t.ty(), f.ty()]) {
            Some(ty) => ty,
            None => {
                let _ = span;
                return self.error(
                    then.span.to(otherwise.span),
                    "Inconsistent conditional result types",
                    format!(
                        "The true and false result expressions must have consistent types. The 'true' value is {}, but the 'false' value is {}.",
                        describe_type(&t.ty()),
                        describe_type(&f.ty())
                    ),
                )
            }
        };
        let conv = |v: &Value| convert(v, &ty).unwrap_or_else(|_| v.clone());
        if c.is_null() {
            return self.error(cond.span, "Null condition", "The condition value is null. Conditions must either be true or false.");
        }
        if !c.is_known() {
            return Value::unknown(ty).mark(cmarks);
        }
        match convert(&c, &Type::Bool) {
            Ok(b) => match b.as_bool() {
                Some(true) => conv(&t).mark(cmarks),
                Some(false) => conv(&f).mark(cmarks),
                None => Value::unknown(ty).mark(cmarks),
            },
            Err(_) => self.error(
                cond.span,
                "Incorrect condition type",
                "The condition expression must be of type bool.",
            ),
        }
    }

    fn for_expr(&mut self, f: &ForExpr, span: Span) -> Value {
        let coll = self.eval(&f.collection);
        let (coll, cmarks) = coll.unmark();
        if coll.is_null() {
            return self.error(f.collection.span, "Iteration over null value", "A null value cannot be used as the collection in a 'for' expression.");
        }
        if !coll.is_known() {
            return Value::dynamic_unknown().mark(cmarks);
        }
        let items: Vec<(Value, Value)> = match coll.kind() {
            Kind::List(..) | Kind::Tuple(_) => coll
                .as_elements()
                .unwrap_or(&[])
                .iter()
                .enumerate()
                .map(|(i, v)| (Value::from_i64(i as i64), v.clone()))
                .collect(),
            Kind::Set(..) => coll.as_elements().unwrap_or(&[]).iter().map(|v| (v.clone(), v.clone())).collect(),
            Kind::Map(..) | Kind::Object(_) => {
                coll.as_entries().map(|m| m.iter().map(|(k, v)| (Value::string(k), v.clone())).collect()).unwrap_or_default()
            }
            _ => {
                return self.error(
                    f.collection.span,
                    "Iteration over non-iterable value",
                    format!("A value of type {} cannot be used as the collection in a 'for' expression.", coll.ty().friendly_name()),
                )
            }
        };
        let mut out_list = Vec::new();
        let mut out_obj: BTreeMap<String, Value> = BTreeMap::new();
        let mut groups: BTreeMap<String, Vec<Value>> = BTreeMap::new();
        let mut unknown = false;
        let mut marks = cmarks;
        for (k, v) in items {
            let pushed = self.locals.len();
            if let Some(kv) = &f.key_var {
                self.locals.push((kv.clone(), k));
            }
            self.locals.push((f.value_var.clone(), v));
            let keep = match &f.cond {
                None => Some(true),
                Some(c) => {
                    let cv = self.eval(c);
                    let (cv, m) = cv.unmark_deep();
                    marks |= m;
                    if cv.is_null() {
                        self.error(c.span, "Condition is null", "The value of the 'if' clause must not be null.");
                        None
                    } else if !cv.is_known() {
                        unknown = true;
                        None
                    } else {
                        match convert(&cv, &Type::Bool).ok().and_then(|b| b.as_bool()) {
                            Some(b) => Some(b),
                            None => {
                                self.error(c.span, "Invalid 'for' condition", "The 'if' clause value is invalid: bool required.");
                                None
                            }
                        }
                    }
                }
            };
            if keep == Some(true) {
                let val = self.eval(&f.value);
                match &f.key {
                    None => out_list.push(val),
                    Some(ke) => {
                        let kv = self.eval(ke);
                        let (kv, km) = kv.unmark_deep();
                        marks |= km;
                        if !kv.is_known() {
                            unknown = true;
                        } else if kv.is_null() {
                            self.error(ke.span, "Invalid object key", "Key expression in 'for' expression must not produce a null value.");
                        } else {
                            match object_key(&kv) {
                                Some(key) => {
                                    if f.grouping {
                                        groups.entry(key).or_default().push(val);
                                    } else {
                                        // One search of the map per element, for the check and the insert.
                                        match out_obj.entry(key) {
                                            std::collections::btree_map::Entry::Occupied(taken) => {
                                                let key = taken.key();
                                                self.error(
                                                    ke.span,
                                                    "Duplicate object key",
                                                    format!("Two different items produced the key {key:?} in this 'for' expression. If duplicates are expected, use the ellipsis (...) after the value expression to enable grouping by key."),
                                                );
                                            }
                                            std::collections::btree_map::Entry::Vacant(slot) => {
                                                slot.insert(val);
                                            }
                                        }
                                    }
                                }
                                None => {
                                    self.error(ke.span, "Invalid object key", "The key expression produced an invalid result: string required.");
                                }
                            }
                        }
                    }
                }
            }
            self.locals.truncate(pushed);
        }
        let _ = span;
        if unknown {
            return Value::dynamic_unknown().mark(marks);
        }
        match &f.key {
            None => Value::tuple(out_list).mark(marks),
            Some(_) if f.grouping => {
                Value::object(groups.into_iter().map(|(k, vs)| (k, Value::tuple(vs))).collect()).mark(marks)
            }
            Some(_) => Value::object(out_obj).mark(marks),
        }
    }

    // ----- templates -----

    fn template(&mut self, parts: &[TemplatePart]) -> Value {
        let mut out = String::new();
        let mut marks = Marks::NONE;
        let mut unknown = false;
        self.render_parts(parts, &mut out, &mut marks, &mut unknown);
        if unknown {
            return Value::unknown(Type::String).mark(marks);
        }
        Value::string(out).mark(marks)
    }

    fn render_parts(&mut self, parts: &[TemplatePart], out: &mut String, marks: &mut Marks, unknown: &mut bool) {
        for p in parts {
            match p {
                TemplatePart::Literal(s) => out.push_str(s),
                TemplatePart::Interp(e) => {
                    let v = self.eval(e);
                    let (v, m) = v.unmark_deep();
                    *marks |= m;
                    if !v.is_known() {
                        *unknown = true;
                        continue;
                    }
                    if v.is_null() {
                        self.error(e.span, "Invalid template interpolation value", "The expression result is null. Cannot include a null value in a string template.");
                        continue;
                    }
                    match convert(&v, &Type::String) {
                        Ok(s) if s.is_known() => out.push_str(s.as_str().unwrap_or_default()),
                        Ok(_) => *unknown = true,
                        Err(err) => {
                            self.error(e.span, "Invalid template interpolation value", format!("Cannot include the given value in a string template: {}.", err.message));
                        }
                    }
                }
                TemplatePart::If { cond, then, otherwise, .. } => {
                    let c = self.eval(cond);
                    let (c, m) = c.unmark_deep();
                    *marks |= m;
                    if !c.is_known() {
                        *unknown = true;
                        continue;
                    }
                    match convert(&c, &Type::Bool).ok().and_then(|b| b.as_bool()) {
                        Some(true) => self.render_parts(then, out, marks, unknown),
                        Some(false) => self.render_parts(otherwise, out, marks, unknown),
                        None => {
                            self.error(cond.span, "Invalid template if directive", "The condition value must be of type bool.");
                        }
                    }
                }
                TemplatePart::For { key_var, value_var, collection, body, .. } => {
                    let c = self.eval(collection);
                    let (c, m) = c.unmark();
                    *marks |= m;
                    if !c.is_known() {
                        *unknown = true;
                        continue;
                    }
                    let items: Vec<(Value, Value)> = match c.kind() {
                        Kind::List(..) | Kind::Tuple(_) | Kind::Set(..) => c
                            .as_elements()
                            .unwrap_or(&[])
                            .iter()
                            .enumerate()
                            .map(|(i, v)| (Value::from_i64(i as i64), v.clone()))
                            .collect(),
                        Kind::Map(..) | Kind::Object(_) => c
                            .as_entries()
                            .map(|m| m.iter().map(|(k, v)| (Value::string(k), v.clone())).collect())
                            .unwrap_or_default(),
                        _ => {
                            self.error(collection.span, "Invalid template for directive", "The collection must be a list, set, map or object.");
                            continue;
                        }
                    };
                    for (k, v) in items {
                        let pushed = self.locals.len();
                        if let Some(kv) = key_var {
                            self.locals.push((kv.clone(), k));
                        }
                        self.locals.push((value_var.clone(), v));
                        self.render_parts(body, out, marks, unknown);
                        self.locals.truncate(pushed);
                    }
                }
            }
        }
    }

    // ----- function calls -----

    fn call(&mut self, name: &str, name_span: Span, args: &[Expr], expand_final: bool, span: Span) -> Value {
        match name {
            "try" => return self.call_try(args, span),
            "can" => return self.call_can(args, span),
            "templatefile" => return self.call_templatefile(args, span),
            "templatestring" => return self.call_templatestring(args, span),
            _ => {}
        }
        let mut values: Vec<Value> = args.iter().map(|a| self.eval(a)).collect();
        if expand_final {
            if let Some(last) = values.pop() {
                let (last, m) = last.unmark();
                match last.as_elements() {
                    Some(es) => values.extend(es.iter().map(|e| e.clone().mark(m))),
                    None if !last.is_known() => return Value::dynamic_unknown(),
                    None => {
                        return self.error(span, "Invalid expanding argument value", "The expanding argument (indicated by ...) must be of a tuple, list, or set type.")
                    }
                }
            }
        }
        match infra_functions::call(name, values, self.scope.func_context()) {
            Ok(v) => v,
            Err(FuncError::UnknownFunction) => {
                self.error(name_span, "Call to unknown function", format!("There is no function named {name:?}."))
            }
            Err(FuncError::Arity { summary, detail }) => {
                // HCL points at the closing parenthesis.
                let at = Span { file: span.file, start: span.end.saturating_sub(1), end: span.end };
                self.error(at, &summary, detail)
            }
            Err(FuncError::Arg { index, param, message }) => {
                let at = args.get(index).map(|a| self.start_span(a)).unwrap_or(span);
                self.error(at, "Invalid function argument", format!("Invalid value for {param:?} parameter: {message}."))
            }
            Err(FuncError::Call { message }) => {
                self.error(span, "Error in function call", format!("Call to function {name:?} failed: {message}."))
            }
        }
    }

    /// HCL's "start range" of an expression, where function argument errors point: for a quoted
    /// template, its first part (inside the quotes).
    fn start_span(&self, e: &Expr) -> Span {
        let quoted = self.sources.snippet(Span { file: e.span.file, start: e.span.start, end: e.span.start + 1 }) == "\"";
        match &e.kind {
            ExprKind::Template(parts) => match parts.first() {
                Some(TemplatePart::Interp(x)) => self.start_span(x),
                _ if quoted => Span { file: e.span.file, start: e.span.start + 1, end: e.span.end },
                _ => e.span,
            },
            ExprKind::TemplateWrap(x) if quoted => self.start_span(x),
            ExprKind::Literal(_) if quoted => Span { file: e.span.file, start: e.span.start + 1, end: e.span.end.saturating_sub(1).max(e.span.start + 1) },
            _ => e.span,
        }
    }

    /// Evaluates `e` in isolation: its diagnostics are returned, not kept.
    fn eval_isolated(&mut self, e: &Expr) -> (Value, Vec<Diagnostic>) {
        let saved = std::mem::take(&mut self.diagnostics);
        let v = self.eval(e);
        let diags = std::mem::replace(&mut self.diagnostics, saved);
        (v, diags)
    }

    fn call_try(&mut self, args: &[Expr], span: Span) -> Value {
        if args.is_empty() {
            return self.error(span, "Not enough function arguments", "Function \"try\" expects at least one argument.");
        }
        let mut last = Vec::new();
        for a in args {
            let (v, diags) = self.eval_isolated(a);
            if !diags.iter().any(Diagnostic::is_error) {
                if !v.is_wholly_known() && !v.is_known() {
                    return Value::dynamic_unknown();
                }
                return v;
            }
            last = diags;
        }
        let detail = last.first().map(|d| format!("{}: {}", d.summary, d.detail)).unwrap_or_default();
        self.error(
            span,
            "Error in function call",
            format!("Call to function \"try\" failed: no expression succeeded:\n- {detail}\n\nAt least one expression must produce a successful result."),
        )
    }

    fn call_can(&mut self, args: &[Expr], span: Span) -> Value {
        if args.len() != 1 {
            return self.error(span, "Invalid number of arguments", "Function \"can\" expects exactly one argument.");
        }
        let (v, diags) = self.eval_isolated(&args[0]);
        if diags.iter().any(Diagnostic::is_error) {
            return Value::bool(false);
        }
        if !v.is_wholly_known() {
            return Value::unknown(Type::Bool);
        }
        Value::bool(true)
    }

    fn call_templatefile(&mut self, args: &[Expr], span: Span) -> Value {
        if args.len() != 2 {
            return self.error(
                span,
                if args.len() < 2 { "Not enough function arguments" } else { "Too many function arguments" },
                "Function \"templatefile\" expects 2 argument(s).",
            );
        }
        let path = self.eval(&args[0]);
        let vars = self.eval(&args[1]);
        let (path, pm) = path.unmark_deep();
        if !path.is_known() {
            return Value::unknown(Type::String);
        }
        let Some(path_str) = path.as_str() else {
            return self.error(args[0].span, "Invalid function argument", "Invalid value for \"path\" parameter: string required.");
        };
        let full = self.scope.func_context().base_dir.join(path_str);
        let text = match std::fs::read_to_string(&full) {
            Ok(t) => t,
            Err(_) => {
                return self.error(
                    args[0].span,
                    "Invalid function argument",
                    format!("Invalid value for \"path\" parameter: no file exists at {path_str:?}; this function works only with files that are distributed as part of the configuration source code, so if this file will be created by a resource in this configuration you must instead obtain this result from an attribute of that resource."),
                )
            }
        };
        if !vars.is_known() {
            return Value::unknown(Type::String);
        }
        let (vars_v, vm) = vars.unmark();
        let Some(entries) = vars_v.as_entries().cloned() else {
            return self.error(args[1].span, "Invalid function argument", "Invalid value for \"vars\" parameter: vars must be an object.");
        };
        self.render_template_text(&text, &full.to_string_lossy(), path_str, "templatefile", entries, pm | vm, span)
    }

    fn call_templatestring(&mut self, args: &[Expr], span: Span) -> Value {
        if args.len() != 2 {
            return self.error(
                span,
                if args.len() < 2 { "Not enough function arguments" } else { "Too many function arguments" },
                "Function \"templatestring\" expects 2 argument(s).",
            );
        }
        // The template must come from elsewhere (a reference), never be written inline.
        let literal = matches!(
            args[0].kind,
            ExprKind::Literal(_) | ExprKind::Template(_) | ExprKind::TemplateWrap(_)
        );
        if literal {
            let at = self.start_span(&args[0]);
            return self.error(
                at,
                "Invalid function argument",
                "Invalid value for \"template\" parameter: invalid template expression: templatestring is only for rendering templates retrieved dynamically from elsewhere, and so does not support providing a literal template; consider using a template string expression instead.",
            );
        }
        let tv = self.eval(&args[0]);
        let vars = self.eval(&args[1]);
        let (tv, tm) = tv.unmark_deep();
        if !tv.is_known() || !vars.is_known() {
            return Value::unknown(Type::String).mark(tm);
        }
        let Some(text) = tv.as_str().map(String::from) else {
            return self.error(args[0].span, "Invalid function argument", "Invalid value for \"template\" parameter: string required.");
        };
        let (vars_v, vm) = vars.unmark();
        let Some(entries) = vars_v.as_entries().cloned() else {
            return self.error(args[1].span, "Invalid function argument", "Invalid value for \"vars\" parameter: vars must be an object.");
        };
        self.render_template_text(&text, "<templatestring>", "<templatestring>", "templatestring", entries, tm | vm, span)
    }

    #[allow(clippy::too_many_arguments)]
    fn render_template_text(
        &mut self,
        text: &str,
        source_name: &str,
        shown: &str,
        func: &str,
        entries: BTreeMap<String, Value>,
        marks: Marks,
        span: Span,
    ) -> Value {
        let path_str = shown;
        let file_id = self.sources.add(source_name, text);
        let tmpl = match hcl_edit::parser::parse_template(text) {
            Ok(t) => t,
            Err(e) => {
                return self.error(
                    span,
                    "Error in function call",
                    format!("Call to function {func:?} failed: {}:{},{}: {}.", path_str, e.location().line(), e.location().column(), e.message()),
                )
            }
        };
        let mut lowerer = super::lower::Lowerer::new(file_id, text, self.sources);
        let parts = lowerer.template_file(&tmpl);
        self.diagnostics.extend(lowerer.diagnostics);
        // The template sees only the given variables (and functions), not the module's scope.
        let scope = TemplateScope { vars: entries, ctx: self.scope.func_context().clone() };
        let mut sub = Evaluator::new(&scope, self.sources);
        let v = sub.template(&parts);
        let failed = sub.has_errors();
        let diags = std::mem::take(&mut sub.diagnostics);
        if failed {
            let first = diags.first().map(|d| format!("{}: {}", d.summary, d.detail)).unwrap_or_default();
            self.diagnostics.extend(diags);
            return self.error(span, "Error in function call", format!("Call to function {func:?} failed: {first}."));
        }
        v.mark(marks)
    }
}

struct TemplateScope {
    vars: BTreeMap<String, Value>,
    ctx: FuncContext,
}

impl Scope for TemplateScope {
    fn resolve(&self, root: &str, _steps: &[Step], span: Span) -> Result<(Value, usize), Diagnostic> {
        match self.vars.get(root) {
            Some(v) => Ok((v.clone(), 0)),
            None => Err(Diagnostic::error(
                "Invalid reference",
                format!("Variables may not be used here: the template refers to {root:?}, which is not among the given template variables."),
            )
            .with_address(format!("{}:{}", span.start, span.end))),
        }
    }
    fn func_context(&self) -> &FuncContext {
        &self.ctx
    }
}

/// A known, non-null, unmarked `for` key converted to string, or `None` when it has no string
/// form. Strings and numbers (the usual keys) skip the generic conversion and its copies.
fn object_key(kv: &Value) -> Option<String> {
    match kv.kind() {
        Kind::String(s) => Some(s.to_string()),
        // A number's text is ASCII, so it is already NFC, as `convert` would make it.
        Kind::Number(n) => Some(n.with_text(|t| t.to_string())),
        _ => convert(kv, &Type::String).ok().and_then(|s| s.as_str().map(String::from)),
    }
}

fn describe_type(t: &Type) -> String {
    match t {
        Type::Object(_) => "object".into(),
        Type::Tuple(_) => "tuple".into(),
        other => other.friendly_name(),
    }
}

/// Whether a list, set or tuple holds objects (or maps), for which HCL suggests a splat when an
/// attribute is accessed on the collection itself.
fn collection_of_objects(v: &Value) -> bool {
    let is_obj = |t: &infra_value::Type| matches!(t, infra_value::Type::Object(..) | infra_value::Type::Map(..));
    match v.ty() {
        infra_value::Type::List(e) | infra_value::Type::Set(e) => is_obj(&e),
        infra_value::Type::Tuple(es) => !es.is_empty() && es.iter().all(is_obj),
        _ => false,
    }
}
