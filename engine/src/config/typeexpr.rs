//! Type constraints as written in `variable` blocks: `string`, `list(object({a = optional(number,
//! 1)}))`, `any`, and the legacy quoted forms. Parsed from the expression syntax tree.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use infra_value::value::Kind;
use infra_value::{Diagnostic, ObjectType, Type, Value};

use crate::lang::ast::{Expr, ExprKind};
use crate::source::SourceMap;

/// Defaults of `optional(type, default)` attributes, nested like the type.
#[derive(Clone, Debug, Default)]
pub struct TypeDefaults {
    /// Attribute name → default value, for this object level.
    pub defaults: BTreeMap<String, Value>,
    /// Defaults deeper inside: attribute name (objects) or "" (collection elements).
    pub children: BTreeMap<String, TypeDefaults>,
}

impl TypeDefaults {
    fn is_empty(&self) -> bool {
        self.defaults.is_empty() && self.children.is_empty()
    }

    /// Fills null or missing optional attributes with their defaults, recursively, before
    /// conversion to the type (as Terraform does).
    pub fn apply(&self, ty: &Type, v: Value) -> Value {
        if v.is_null() || !v.is_known() {
            return v;
        }
        let marks = v.marks();
        match (ty, v.kind()) {
            (Type::Object(ot), Kind::Object(attrs)) | (Type::Object(ot), Kind::Map(_, attrs)) => {
                let mut out = (**attrs).clone();
                for (name, d) in &self.defaults {
                    let missing = out.get(name).map(|x| x.is_null()).unwrap_or(true);
                    if missing {
                        out.insert(name.clone(), d.clone());
                    }
                }
                for (name, child) in &self.children {
                    if let (Some(cv), Some(ct)) = (out.get(name).cloned(), ot.attrs.get(name)) {
                        out.insert(name.clone(), child.apply(ct, cv));
                    }
                }
                Value::object(out).mark(marks)
            }
            (Type::List(et) | Type::Set(et), _) | (Type::Map(et), _) => {
                let Some(child) = self.children.get("") else { return v };
                match v.kind() {
                    Kind::Tuple(es) | Kind::List(_, es) | Kind::Set(_, es) => {
                        let out: Vec<Value> = es.iter().map(|e| child.apply(et, e.clone())).collect();
                        match v.kind() {
                            Kind::Set(t, _) => Value::set(t.clone(), out),
                            Kind::List(t, _) => Value::list(t.clone(), out),
                            _ => Value::tuple(out),
                        }
                        .mark(marks)
                    }
                    Kind::Object(m) | Kind::Map(_, m) => {
                        let out: BTreeMap<String, Value> =
                            m.iter().map(|(k, e)| (k.clone(), child.apply(et, e.clone()))).collect();
                        match v.kind() {
                            Kind::Map(t, _) => Value::map(t.clone(), out),
                            _ => Value::object(out),
                        }
                        .mark(marks)
                    }
                    _ => v,
                }
            }
            (Type::Tuple(ts), Kind::Tuple(es)) => {
                let out: Vec<Value> = es
                    .iter()
                    .enumerate()
                    .map(|(i, e)| match (self.children.get(&i.to_string()), ts.get(i)) {
                        (Some(c), Some(t)) => c.apply(t, e.clone()),
                        _ => e.clone(),
                    })
                    .collect();
                Value::tuple(out).mark(marks)
            }
            _ => v,
        }
    }
}

/// Parses a type constraint. `defaults_allowed` permits `optional(T, default)` (variables).
pub fn parse_type(e: &Expr, sources: &SourceMap, diags: &mut Vec<Diagnostic>) -> (Type, TypeDefaults) {
    let mut defaults = TypeDefaults::default();
    let ty = parse_inner(e, sources, diags, &mut defaults, false);
    (ty, defaults)
}

fn err(e: &Expr, sources: &SourceMap, diags: &mut Vec<Diagnostic>, summary: &str, detail: &str) -> Type {
    diags.push(Diagnostic::error(summary, detail).with_subject_opt(sources.range(e.span)));
    Type::Dynamic
}

fn parse_inner(e: &Expr, sources: &SourceMap, diags: &mut Vec<Diagnostic>, defaults: &mut TypeDefaults, in_object: bool) -> Type {
    let _ = in_object;
    match &e.kind {
        ExprKind::Traversal { root, steps, .. } if steps.is_empty() => match &**root {
            "string" => Type::String,
            "number" => Type::Number,
            "bool" => Type::Bool,
            "any" => Type::Dynamic,
            "list" | "map" | "set" => {
                // Terraform accepts bare `list` / `map` as `list(any)` / `map(any)` (legacy).
                match &**root {
                    "list" => Type::list(Type::Dynamic),
                    "map" => Type::map(Type::Dynamic),
                    _ => Type::set(Type::Dynamic),
                }
            }
            other => err(e, sources, diags, "Invalid type specification", &format!("The keyword {other:?} is not a valid type specification.")),
        },
        // Legacy quoted type names.
        ExprKind::Literal(v) if v.as_str().is_some() => match v.as_str().unwrap_or_default() {
            "string" => Type::String,
            "list" => Type::list(Type::String),
            "map" => Type::map(Type::String),
            _ => err(e, sources, diags, "Invalid legacy variable type hint", "The legacy variable type hint form, using a quoted string, allows only the values \"string\", \"list\", and \"map\". To provide a full type expression, remove the surrounding quotes and give the type expression directly."),
        },
        ExprKind::Call { name, args, .. } => {
            let one = |diags: &mut Vec<Diagnostic>| -> Option<&Expr> {
                if args.len() != 1 {
                    diags.push(
                        Diagnostic::error("Invalid type specification", format!("The {name} type constructor requires one argument specifying the element type."))
                            .with_subject_opt(sources.range(e.span)),
                    );
                    None
                } else {
                    Some(&args[0])
                }
            };
            match &**name {
                "list" | "set" | "map" => {
                    let Some(a) = one(diags) else { return Type::Dynamic };
                    let mut child = TypeDefaults::default();
                    let et = parse_inner(a, sources, diags, &mut child, false);
                    if !child.is_empty() {
                        defaults.children.insert(String::new(), child);
                    }
                    match &**name {
                        "list" => Type::list(et),
                        "set" => Type::set(et),
                        _ => Type::map(et),
                    }
                }
                "tuple" => {
                    let Some(a) = one(diags) else { return Type::Dynamic };
                    match &a.kind {
                        ExprKind::Tuple(items) => {
                            let mut ts = Vec::new();
                            for (i, it) in items.iter().enumerate() {
                                let mut child = TypeDefaults::default();
                                ts.push(parse_inner(it, sources, diags, &mut child, false));
                                if !child.is_empty() {
                                    defaults.children.insert(i.to_string(), child);
                                }
                            }
                            Type::tuple(ts)
                        }
                        _ => err(a, sources, diags, "Invalid tuple type specification", "Tuple type constructor requires a list of element types."),
                    }
                }
                "object" => {
                    let Some(a) = one(diags) else { return Type::Dynamic };
                    match &a.kind {
                        ExprKind::Object(items) => {
                            let mut attrs = BTreeMap::new();
                            let mut optional = BTreeSet::new();
                            for (k, v) in items {
                                let Some(kname) = crate::config::literal_of(k).and_then(|x| x.as_str().map(String::from)) else {
                                    err(k, sources, diags, "Invalid object type specification", "Object type attribute names must be identifiers.");
                                    continue;
                                };
                                let mut child = TypeDefaults::default();
                                let at = match &v.kind {
                                    ExprKind::Call { name, args, .. } if &**name == "optional" => {
                                        optional.insert(kname.clone());
                                        if args.is_empty() || args.len() > 2 {
                                            err(v, sources, diags, "Invalid type specification", "Optional attribute modifier requires the attribute type as its first argument and an optional default value as its second.");
                                            Type::Dynamic
                                        } else {
                                            let t = parse_inner(&args[0], sources, diags, &mut child, true);
                                            if let Some(d) = args.get(1) {
                                                match default_value(d) {
                                                    Some(dv) => {
                                                        let conv = infra_value::convert::convert(&dv, &t);
                                                        match conv {
                                                            Ok(c) => {
                                                                defaults.defaults.insert(kname.clone(), c);
                                                            }
                                                            Err(ce) => {
                                                                err(d, sources, diags, "Invalid default value for optional attribute", &format!("This default value is not compatible with the attribute's type constraint: {}.", ce.message));
                                                            }
                                                        }
                                                    }
                                                    None => {
                                                        err(d, sources, diags, "Invalid default value for optional attribute", "The default value must be a constant.");
                                                    }
                                                }
                                            }
                                            t
                                        }
                                    }
                                    _ => parse_inner(v, sources, diags, &mut child, true),
                                };
                                if !child.is_empty() {
                                    defaults.children.insert(kname.clone(), child);
                                }
                                attrs.insert(kname, at);
                            }
                            Type::Object(Arc::new(ObjectType { attrs, optional }))
                        }
                        _ => err(a, sources, diags, "Invalid object type specification", "Object type constructor requires a map whose keys are attribute names and whose values are the corresponding attribute types."),
                    }
                }
                "optional" => err(e, sources, diags, "Invalid type specification", "Keyword \"optional\" is valid only as a modifier for object type attributes."),
                other => err(e, sources, diags, "Invalid type specification", &format!("Keyword {other:?} is not a valid type constructor.")),
            }
        }
        _ => err(e, sources, diags, "Invalid type specification", "A type specification is either a primitive type keyword (bool, number, string) or a complex type constructor call, like list(string)."),
    }
}

/// Evaluates a constant expression (a default inside a type constraint): literals, tuples,
/// objects and templates without references.
pub fn default_value(e: &Expr) -> Option<Value> {
    match &e.kind {
        ExprKind::Literal(v) => Some(v.clone()),
        ExprKind::Tuple(items) => Some(Value::tuple(items.iter().map(default_value).collect::<Option<Vec<_>>>()?)),
        ExprKind::Object(items) => {
            let mut m = BTreeMap::new();
            for (k, v) in items {
                let k = default_value(k)?;
                m.insert(k.as_str()?.to_string(), default_value(v)?);
            }
            Some(Value::object(m))
        }
        ExprKind::Parens(x) | ExprKind::TemplateWrap(x) => default_value(x),
        ExprKind::Unary { op: crate::lang::ast::UnOp::Neg, operand } => {
            let v = default_value(operand)?;
            Some(Value::number(v.as_number()?.neg()))
        }
        _ => None,
    }
}
