//! Decoding a resource, data source or provider body against a provider schema into an object
//! value: arguments converted to their schema types, nested blocks (including `dynamic` blocks)
//! collected per their nesting mode, sensitive attributes marked.

use std::collections::BTreeMap;
use std::sync::Arc;

use infra_provider_sdk::schema::{Block, Nesting};
use infra_value::convert::convert;
use infra_value::value::Kind;
use infra_value::{Diagnostic, Type, Value};

use crate::config::body::{Body, NestedBlock};
use crate::lang::ast::{Expr, ExprKind};
use crate::lang::eval::Evaluator;

/// Meta-arguments handled by the engine, never passed to a provider.
const META: &[&str] = &["count", "for_each", "depends_on", "provider", "lifecycle"];

pub fn decode_body(ev: &mut Evaluator<'_>, body: &Body, schema: &Block) -> Value {
    // Collected in order (attributes, then block types, each sorted), then built into the map
    // in one pass: inserting one by one searched and grew the map per entry, for every
    // instance decoded. Names are unique within each; a block type named like an attribute
    // would win, as the later insert did.
    let mut out: Vec<(String, Value)> = Vec::with_capacity(schema.attributes.len() + schema.block_types.len());
    for (name, attr) in &body.attrs {
        if META.contains(&name.as_str()) {
            continue;
        }
        match schema.attributes.get(name) {
            Some(a) if a.computed && !a.optional && !a.required => {
                push(ev, attr.name_span, "Invalid or unknown key", &format!("Can't configure a value for {name:?}: its value will be decided automatically based on the result of applying this configuration."));
            }
            Some(_) => {}
            None if schema.block_types.contains_key(name) => {
                // JSON syntax writes nested blocks as attributes; decoded below.
            }
            None => {
                push(ev, attr.name_span, "Unsupported argument", &format!("An argument named {name:?} is not expected here."));
            }
        }
    }
    for (name, a) in &schema.attributes {
        let v = match body.attrs.get(name) {
            Some(attr) => {
                let v = ev.eval(&attr.expr);
                match convert(&v, &a.ty) {
                    Ok(c) => c,
                    Err(e) => {
                        push(ev, attr.expr.span, "Incorrect attribute value type", &format!("Inappropriate value for attribute {name:?}: {}.", e));
                        Value::unknown(a.ty.clone())
                    }
                }
            }
            None => {
                if a.required {
                    push(ev, body.span, "Missing required argument", &format!("The argument {name:?} is required, but no definition was found."));
                }
                Value::null(a.ty.clone())
            }
        };
        let v = if a.sensitive && !v.is_null() { v.mark_sensitive() } else { v };
        out.push((name.clone(), v));
    }
    for b in &body.blocks {
        let known = schema.block_types.contains_key(&b.ty)
            || (b.ty == "dynamic" && b.labels.first().map(|l| schema.block_types.contains_key(l)).unwrap_or(false))
            || b.ty == "timeouts";
        if !known {
            if b.ty == "dynamic" {
                let l = b.labels.first().cloned().unwrap_or_default();
                push(ev, b.type_span, "Unsupported block type", &format!("Blocks of type {l:?} are not expected here."));
            } else {
                push(ev, b.type_span, "Unsupported block type", &format!("Blocks of type {:?} are not expected here.", b.ty));
            }
        }
    }
    for (name, nb) in &schema.block_types {
        let mut items: Vec<(Option<String>, Value)> = Vec::new();
        let mut unknown = false;
        // JSON syntax: the block given as an attribute (object or list of objects).
        if let Some(attr) = body.attrs.get(name) {
            let v = ev.eval(&attr.expr);
            let objs: Vec<Value> = match v.as_elements() {
                Some(es) => es.to_vec(),
                None => vec![v],
            };
            for o in objs {
                match convert(&o, &nb.block.implied_type()) {
                    Ok(c) => items.push((None, c)),
                    Err(e) => push(ev, attr.expr.span, "Incorrect attribute value type", &format!("Inappropriate value for block {name:?}: {e}.")),
                }
            }
        }
        for b in &body.blocks {
            if b.ty == *name {
                let v = decode_body(ev, &b.body, &nb.block);
                items.push((b.labels.first().cloned(), v));
            } else if b.ty == "dynamic" && b.labels.first().map(|l| l == name).unwrap_or(false) {
                match expand_dynamic(ev, b, &nb.block) {
                    Some(vs) => items.extend(vs),
                    None => unknown = true,
                }
            }
        }
        let ety = nb.block.implied_type();
        if items.len() > nb.max_items && nb.max_items > 0 {
            push(ev, body.span, "Too many blocks", &format!("No more than {} {name:?} blocks are allowed.", nb.max_items));
        }
        if items.len() < nb.min_items && !unknown {
            push(ev, body.span, "Insufficient blocks", &format!("At least {} {name:?} blocks are required.", nb.min_items));
        }
        let v = if unknown {
            Value::unknown(match nb.nesting {
                Nesting::Single | Nesting::Group => ety,
                Nesting::List => Type::list(ety),
                Nesting::Set => Type::set(ety),
                Nesting::Map => Type::map(ety),
            })
        } else {
            match nb.nesting {
                Nesting::Single => items.into_iter().next().map(|(_, v)| v).unwrap_or_else(|| Value::null(ety)),
                Nesting::Group => items.into_iter().next().map(|(_, v)| v).unwrap_or_else(|| empty_group(&nb.block)),
                Nesting::List => Value::list(ety, items.into_iter().map(|(_, v)| v).collect()),
                Nesting::Set => Value::set(ety, items.into_iter().map(|(_, v)| v).collect()),
                Nesting::Map => Value::map(ety, items.into_iter().map(|(k, v)| (k.unwrap_or_default(), v)).collect()),
            }
        };
        out.push((name.clone(), v));
    }
    Value::object(out.into_iter().collect())
}

fn empty_group(b: &Block) -> Value {
    let mut m = BTreeMap::new();
    for (n, a) in &b.attributes {
        m.insert(n.clone(), Value::null(a.ty.clone()));
    }
    Value::object(m)
}

/// Expands `dynamic "x" { for_each = ..., iterator = it, content { ... } }`. `None` when the
/// collection is unknown.
fn expand_dynamic(ev: &mut Evaluator<'_>, b: &NestedBlock, schema: &Block) -> Option<Vec<(Option<String>, Value)>> {
    let label = b.labels.first().cloned().unwrap_or_default();
    let iterator: Arc<str> = match b.body.attrs.get("iterator") {
        Some(a) => match a.expr.as_keyword() {
            Some(k) => Arc::from(k),
            None => {
                push(ev, a.expr.span, "Invalid dynamic iterator name", "Dynamic iterator must be a single variable name.");
                Arc::from(label.as_str())
            }
        },
        None => Arc::from(label.as_str()),
    };
    let Some(fe) = b.body.attrs.get("for_each") else {
        push(ev, b.type_span, "Missing required argument", "The argument \"for_each\" is required, but no definition was found.");
        return Some(Vec::new());
    };
    let Some(content) = b.body.blocks.iter().find(|x| x.ty == "content") else {
        push(ev, b.type_span, "Missing required block", "A dynamic block requires a nested \"content\" block.");
        return Some(Vec::new());
    };
    let coll = ev.eval(&fe.expr);
    let (coll, _) = coll.unmark_deep();
    if !coll.is_known() {
        return None;
    }
    let pairs: Vec<(Value, Value)> = match coll.kind() {
        Kind::List(..) | Kind::Tuple(_) => {
            coll.as_elements().unwrap_or(&[]).iter().enumerate().map(|(i, v)| (Value::from_i64(i as i64), v.clone())).collect()
        }
        Kind::Set(..) => coll.as_elements().unwrap_or(&[]).iter().map(|v| (v.clone(), v.clone())).collect(),
        Kind::Map(..) | Kind::Object(_) => {
            coll.as_entries().map(|m| m.iter().map(|(k, v)| (Value::string(k), v.clone())).collect()).unwrap_or_default()
        }
        Kind::Null(_) => {
            push(ev, fe.expr.span, "Invalid dynamic for_each value", "Cannot use a null value in for_each.");
            return Some(Vec::new());
        }
        _ => {
            push(ev, fe.expr.span, "Invalid dynamic for_each value", &format!("Cannot use a {} value in for_each. An iterable collection is required.", coll.ty().friendly_name()));
            return Some(Vec::new());
        }
    };
    let labels_expr: Vec<Expr> = match b.body.attrs.get("labels").map(|a| &a.expr.kind) {
        Some(ExprKind::Tuple(items)) => items.clone(),
        _ => Vec::new(),
    };
    let mut out = Vec::new();
    for (k, v) in pairs {
        let it = Value::object(BTreeMap::from([("key".to_string(), k), ("value".to_string(), v)]));
        ev.push_local(iterator.clone(), it);
        let val = decode_body(ev, &content.body, schema);
        let label = labels_expr.first().map(|e| ev.eval(e)).and_then(|l| l.as_str().map(String::from));
        ev.pop_local();
        out.push((label, val));
    }
    Some(out)
}

fn push(ev: &mut Evaluator<'_>, span: crate::source::Span, summary: &str, detail: &str) {
    let d = Diagnostic::error(summary, detail).with_subject_opt(ev.sources.range(span));
    ev.diagnostics.push(d);
}
