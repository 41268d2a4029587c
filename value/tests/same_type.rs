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

/// Samples nested one level deeper, fresh (unshared) and shared, with marks inside and out.
fn nested_samples() -> Vec<Value> {
    let base = samples();
    let mut out = base.clone();
    for v in &base {
        out.push(obj(&[("x", v.clone()), ("y", Value::string("z"))]));
        out.push(Value::tuple(vec![v.clone()]));
        out.push(Value::list(v.ty(), vec![v.clone(), v.clone()]));
        out.push(obj(&[("x", v.clone().mark_sensitive())]));
        out.push(v.clone().mark_sensitive());
    }
    out
}

/// `same_and_known` is the no-change test of every planned instance: when it says true,
/// `raw_equals` and `is_wholly_known` must both hold; on fresh copies (no shared allocations)
/// of known values without inner marks it must also find every equal pair.
#[test]
fn same_and_known_agrees_with_raw_equals_and_wholly_known() {
    let all = nested_samples();
    let mut found = 0;
    for a in &all {
        for b in &all {
            let exact = a.raw_equals(b) && a.is_wholly_known();
            let fast = a.same_and_known(b);
            assert!(!fast || exact, "same_and_known says equal: {a:?} vs {b:?}");
            if exact && !a.has_marks_deep() && a.is_wholly_known() {
                assert!(fast, "same_and_known missed an equal pair: {a:?} vs {b:?}");
                found += 1;
            }
        }
    }
    assert!(found > 50, "only {found} equal pairs were checked");
}

#[test]
fn same_and_known_rejects_unknowns_and_differences_inside() {
    let known = obj(&[("a", Value::string("x")), ("b", obj(&[("c", Value::string("y"))]))]);
    let fresh = obj(&[("a", Value::string("x")), ("b", obj(&[("c", Value::string("y"))]))]);
    assert!(known.same_and_known(&fresh));
    assert!(known.same_and_known(&known.clone()));
    let other = obj(&[("a", Value::string("x")), ("b", obj(&[("c", Value::string("Y"))]))]);
    assert!(!known.same_and_known(&other));
    let unknown_inside = obj(&[("a", Value::string("x")), ("b", obj(&[("c", Value::unknown(Type::String))]))]);
    assert!(!unknown_inside.same_and_known(&unknown_inside.clone()));
    assert!(!unknown_inside.same_and_known(&unknown_inside));
    let marked_inside = obj(&[("a", Value::string("x").mark_sensitive()), ("b", obj(&[("c", Value::string("y"))]))]);
    assert!(!known.same_and_known(&marked_inside));
}
