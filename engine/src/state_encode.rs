//! Typed values straight to the JSON text a state file stores, without a `serde_json::Value`
//! tree in between.
//!
//! Encoding a whole state used to build one `serde_json::Value` per attribute of every object
//! (with this workspace's `preserve_order` and `arbitrary_precision`: an ordered hash map per
//! object, an owned string per number) and keep them all until the file was written. For a
//! 1 000-resource apply that tree was the peak of the process's memory. The text written here is
//! compact and in Go's escaping (`infra_state::gojson`), byte for byte what
//! `gojson::to_string_compact(&encode_attributes(..))` gives; the state writer indents it in
//! place (see `infra_state::LazyJson::from_canonical`).

use infra_value::value::Kind;
use infra_value::{Number, Type, Value};

/// The compact JSON text of an object's attributes, as `encode_attributes` encodes them: by the
/// schema type when it is an object (attributes of type `any` wrapped with their type, as
/// Terraform stores them), by the value's own shape otherwise. Marks are ignored.
pub fn attributes_text(v: &Value, ty: Option<&Type>) -> String {
    let mut out = String::with_capacity(256);
    match (ty, v.kind()) {
        (Some(Type::Object(ot)), Kind::Object(m) | Kind::Map(_, m)) => {
            out.push('{');
            for (i, (name, e)) in m.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                infra_state::gojson::write_string(&mut out, name);
                out.push(':');
                if ot.attrs.get(name) == Some(&Type::Dynamic) && !e.is_null() {
                    out.push_str("{\"value\":");
                    value_text(&mut out, e);
                    out.push_str(",\"type\":");
                    type_text(&mut out, &e.ty());
                    out.push('}');
                } else {
                    value_text(&mut out, e);
                }
            }
            out.push('}');
        }
        _ => value_text(&mut out, v),
    }
    out
}

/// `value_to_json` as compact text: nulls and unknowns as `null`, numbers in Terraform's
/// canonical text (negative zero as `0`, infinities as strings), collections in their order.
pub fn value_text(out: &mut String, v: &Value) {
    match v.kind() {
        Kind::Null(_) | Kind::Unknown(_) => out.push_str("null"),
        Kind::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Kind::Number(n) => number_text(out, n),
        Kind::String(s) => infra_state::gojson::write_string(out, s),
        Kind::List(_, es) | Kind::Set(_, es) | Kind::Tuple(es) => {
            out.push('[');
            for (i, e) in es.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                value_text(out, e);
            }
            out.push(']');
        }
        Kind::Map(_, m) | Kind::Object(m) => {
            out.push('{');
            for (i, (k, e)) in m.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                infra_state::gojson::write_string(out, k);
                out.push(':');
                value_text(out, e);
            }
            out.push('}');
        }
    }
}

/// `number_to_json` as text: the canonical decimal when it is a JSON number, else a string.
fn number_text(out: &mut String, n: &Number) {
    if n.is_zero() {
        out.push('0');
        return;
    }
    let text = n.to_string();
    if !n.is_infinite() && is_json_number(&text) {
        out.push_str(&text);
    } else {
        infra_state::gojson::write_string(out, &text);
    }
}

/// JSON's number grammar: `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`.
fn is_json_number(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    let digits = |i: &mut usize| {
        let start = *i;
        while *i < b.len() && b[*i].is_ascii_digit() {
            *i += 1;
        }
        *i > start
    };
    if b.first() == Some(&b'-') {
        i += 1;
    }
    if b.get(i) == Some(&b'0') {
        i += 1;
    } else if !digits(&mut i) {
        return false;
    }
    if b.get(i) == Some(&b'.') {
        i += 1;
        if !digits(&mut i) {
            return false;
        }
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        if !digits(&mut i) {
            return false;
        }
    }
    i == b.len()
}

/// `type_to_json` as compact text (cty's type encoding).
pub fn type_text(out: &mut String, t: &Type) {
    match t {
        Type::Dynamic => out.push_str("\"dynamic\""),
        Type::Bool => out.push_str("\"bool\""),
        Type::Number => out.push_str("\"number\""),
        Type::String => out.push_str("\"string\""),
        Type::List(e) | Type::Set(e) | Type::Map(e) => {
            out.push_str(match t {
                Type::List(_) => "[\"list\",",
                Type::Set(_) => "[\"set\",",
                _ => "[\"map\",",
            });
            type_text(out, e);
            out.push(']');
        }
        Type::Tuple(es) => {
            out.push_str("[\"tuple\",[");
            for (i, e) in es.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                type_text(out, e);
            }
            out.push_str("]]");
        }
        Type::Object(o) => {
            out.push_str("[\"object\",{");
            for (i, (k, a)) in o.attrs.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                infra_state::gojson::write_string(out, k);
                out.push(':');
                type_text(out, a);
            }
            out.push('}');
            if !o.optional.is_empty() {
                out.push_str(",[");
                for (i, k) in o.optional.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    infra_state::gojson::write_string(out, k);
                }
                out.push(']');
            }
            out.push(']');
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::{BTreeMap, BTreeSet};

    use infra_value::ObjectType;

    use super::*;
    use crate::state_bridge::encode_attributes;

    fn num(s: &str) -> Value {
        Value::number(Number::parse(s).unwrap_or_else(|| panic!("number {s}")))
    }

    fn obj(pairs: Vec<(&str, Value)>) -> Value {
        Value::object(pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect::<BTreeMap<_, _>>())
    }

    fn samples() -> Vec<Value> {
        let nested = obj(vec![
            ("s", Value::string("a<b>&c\u{1}\u{2028}\"\\é")),
            ("n", num("12345678901234567890123.5")),
            ("l", Value::list(Type::Number, vec![num("-0"), num("1e400"), num("0.1"), num("-7")])),
            ("m", Value::map(Type::String, BTreeMap::from([("k".to_string(), Value::string("v")), ("a".to_string(), Value::null(Type::String))]))),
            ("t", Value::tuple(vec![Value::bool(true), Value::unknown(Type::String), Value::empty_list(Type::String)])),
            ("e", Value::object(BTreeMap::new())),
        ]);
        vec![
            Value::null(Type::String),
            Value::string(""),
            num("3"),
            num("-2.5e-7"),
            Value::number(Number::infinity(true)),
            nested.clone(),
            Value::set(Type::String, vec![Value::string("x"), Value::string("y")]),
            obj(vec![("id", Value::string("abc")), ("input", nested.clone()), ("output", Value::null(Type::Dynamic)), ("plain", nested)]),
        ]
    }

    fn schema() -> Type {
        let obj_attr = Type::object(BTreeMap::from([("a".to_string(), Type::String), ("b".to_string(), Type::list(Type::Number))]));
        Type::Object(std::sync::Arc::new(ObjectType {
            attrs: BTreeMap::from([
                ("id".to_string(), Type::String),
                ("input".to_string(), Type::Dynamic),
                ("output".to_string(), Type::Dynamic),
                ("plain".to_string(), obj_attr.clone()),
                ("opt".to_string(), Type::Object(std::sync::Arc::new(ObjectType {
                    attrs: BTreeMap::from([("x".to_string(), Type::set(Type::Bool)), ("y".to_string(), Type::tuple(vec![Type::String, Type::Dynamic]))]),
                    optional: BTreeSet::from(["y".to_string()]),
                }))),
            ]),
            optional: BTreeSet::new(),
        }))
    }

    #[test]
    fn text_is_the_compact_go_encoding_of_encode_attributes() {
        let ty = schema();
        for v in samples() {
            for t in [None, Some(&ty)] {
                let expected = infra_state::gojson::to_string_compact(&encode_attributes(&v, t));
                assert_eq!(attributes_text(&v, t), expected, "{v:?} with {t:?}");
            }
        }
    }

    #[test]
    fn type_text_is_type_to_json() {
        let ty = schema();
        let mut out = String::new();
        type_text(&mut out, &ty);
        assert_eq!(out, infra_state::gojson::to_string_compact(&infra_value::json::type_to_json(&ty)));
    }

    #[test]
    fn json_number_grammar() {
        for ok in ["0", "-0", "1", "10", "1.5", "-1.5e10", "2E+3", "3e-7"] {
            assert!(is_json_number(ok), "{ok}");
        }
        for bad in ["", "-", "01", "1.", ".5", "1e", "+1", "Infinity", "-Inf", "1e+"] {
            assert!(!is_json_number(bad), "{bad}");
        }
    }
}
