//! `Value::same_type` must agree with comparing `ty()`s, which it replaces on hot paths
//! (`raw_equals`, and through it the no-change check of every planned instance).

use std::collections::BTreeMap;

use infra_value::{Type, Value};

fn obj(pairs: &[(&str, Value)]) -> Value {
    Value::object(pairs.iter().map(|(k, v)| (k.to_string(), v.clone())).collect::<BTreeMap<_, _>>())
}

fn samples() -> Vec<Value> {
    let s = Value::string("a");
    let n = Value::from_i64(1);
    vec![
        s.clone(),
        n.clone(),
        Value::bool(true),
        Value::null(Type::String),
        Value::null(Type::Number),
        Value::unknown(Type::String),
        Value::unknown(Type::Dynamic),
        Value::empty_list(Type::String),
        Value::empty_list(Type::Number),
        Value::list(Type::String, vec![s.clone()]),
        Value::set(Type::String, vec![s.clone()]),
        Value::map(Type::String, BTreeMap::from([("k".to_string(), s.clone())])),
        Value::map(Type::Number, BTreeMap::new()),
        Value::tuple(vec![s.clone(), n.clone()]),
        Value::tuple(vec![n.clone(), s.clone()]),
        Value::tuple(vec![s.clone()]),
        obj(&[("a", s.clone()), ("b", n.clone())]),
        obj(&[("a", n.clone()), ("b", n.clone())]),
        obj(&[("a", s.clone()), ("c", n.clone())]),
        obj(&[("a", s.clone())]),
        obj(&[("a", Value::null(Type::String)), ("b", Value::unknown(Type::Number))]),
        Value::null(Type::object(BTreeMap::from([("a".to_string(), Type::String), ("b".to_string(), Type::Number)]))),
    ]
}

#[test]
fn same_type_agrees_with_comparing_types() {
    let all = samples();
    for a in &all {
        for b in &all {
            assert_eq!(a.same_type(b), a.ty() == b.ty(), "{a:?} vs {b:?}");
        }
    }
}

#[test]
fn raw_equals_tells_empty_collections_of_different_types_apart() {
    assert!(!Value::empty_list(Type::String).raw_equals(&Value::empty_list(Type::Number)));
    assert!(Value::empty_list(Type::String).raw_equals(&Value::empty_list(Type::String)));
    assert!(!Value::null(Type::String).raw_equals(&Value::null(Type::Number)));
}
