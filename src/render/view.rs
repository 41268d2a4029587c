//! Borrowed views of a change's values as Terraform's JSON change representation, for the
//! differ (`diff.rs`) to read without building that representation.
//!
//! Terraform's renderer reads five JSON trees per change: `before` and `after` (values with
//! unknowns omitted), `after_unknown` (`unknownAsBool`) and `before_sensitive` /
//! `after_sensitive` (`SensitiveAsBool`). `plan_json` builds them for the `-json` output and
//! the plan file; building them for the human text cost more than the diff itself (every node
//! allocated, every object an `IndexMap` hashing its keys, then all of it dropped). A [`Val`]
//! and a [`Flags`] answer the differ's questions — kind, child by key or index, keys, equality
//! — directly from an [`infra_value::Value`], where unknown and sensitive are on the values.
//!
//! **Invariant:** every answer is the one the corresponding JSON tree built by `plan_json`
//! (`known_json`, `unknown_as_bool`, `sensitive_as_bool`) would give, so the text is the same
//! byte for byte. The `Json` variants keep the differ working on JSON where JSON is what there
//! is (a string holding JSON, a block's `after_unknown`).

use std::collections::BTreeMap;

use infra_value::json::number_to_json;
use infra_value::value::Kind;
use infra_value::Value;
use serde_json::Value as Json;

use super::plan_json::known_json;

/// The JSON kinds the differ distinguishes.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum JType {
    Null,
    Bool,
    Number,
    String,
    Array,
    Object,
}

fn json_type(v: &Json) -> JType {
    match v {
        Json::Null => JType::Null,
        Json::Bool(_) => JType::Bool,
        Json::Number(_) => JType::Number,
        Json::String(_) => JType::String,
        Json::Array(_) => JType::Array,
        Json::Object(_) => JType::Object,
    }
}

/// A value as `known_json` encodes it: `null` for null and unknown values, unknown entries left
/// out of objects and maps, unknown elements `null` in sequences. A `Value` variant never holds
/// a wholly unknown value (see [`Val::of`]).
#[derive(Clone, Copy, Debug)]
pub(crate) enum Val<'a> {
    /// Go's `nil`: absent or null.
    Null,
    Json(&'a Json),
    Value(&'a Value),
}

/// How `number_to_json` encodes a number: a JSON number, or a string for the ones JSON cannot
/// hold (infinities).
fn number_json_type(n: &infra_value::Number) -> JType {
    json_type(&number_to_json(n))
}

impl<'a> Val<'a> {
    /// The view of a whole value (`known_json(v).unwrap_or(null)`).
    pub fn of(v: &'a Value) -> Val<'a> {
        match v.kind() {
            Kind::Unknown(_) | Kind::Null(_) => Val::Null,
            _ => Val::Value(v),
        }
    }

    pub fn jtype(self) -> JType {
        match self {
            Val::Null => JType::Null,
            Val::Json(j) => json_type(j),
            Val::Value(v) => match v.kind() {
                Kind::Null(_) | Kind::Unknown(_) => JType::Null,
                Kind::Bool(_) => JType::Bool,
                Kind::Number(n) => number_json_type(n),
                Kind::String(_) => JType::String,
                Kind::List(..) | Kind::Set(..) | Kind::Tuple(_) => JType::Array,
                Kind::Map(..) | Kind::Object(_) => JType::Object,
            },
        }
    }

    pub fn is_null(self) -> bool {
        match self {
            Val::Null => true,
            Val::Json(j) => j.is_null(),
            Val::Value(v) => matches!(v.kind(), Kind::Null(_) | Kind::Unknown(_)),
        }
    }

    /// The text of a JSON string. `None` for a number `number_to_json` writes as a string (an
    /// infinity): callers that print strings turn those into JSON first ([`Val::to_json`]).
    pub fn as_str(self) -> Option<&'a str> {
        match self {
            Val::Null => None,
            Val::Json(j) => j.as_str(),
            Val::Value(v) => match v.kind() {
                Kind::String(s) => Some(&**s),
                _ => None,
            },
        }
    }

    pub fn as_bool(self) -> Option<bool> {
        match self {
            Val::Null => None,
            Val::Json(j) => j.as_bool(),
            Val::Value(v) => v.as_bool(),
        }
    }

    /// A number that JSON encodes as a string (see [`Val::as_str`]).
    pub fn is_number_string(self) -> bool {
        match self {
            Val::Value(v) => matches!(v.kind(), Kind::Number(n) if number_json_type(n) == JType::String),
            _ => false,
        }
    }

    /// The JSON this view stands for, built (for the rare values rendered from their JSON text).
    pub fn to_json(self) -> Json {
        match self {
            Val::Null => Json::Null,
            Val::Json(j) => j.clone(),
            Val::Value(v) => known_json(v).unwrap_or(Json::Null),
        }
    }

    pub fn is_object(self) -> bool {
        self.jtype() == JType::Object
    }

    /// The length of an array, `None` for anything else.
    pub fn len(self) -> Option<usize> {
        match self {
            Val::Null => None,
            Val::Json(j) => j.as_array().map(Vec::len),
            Val::Value(v) => match v.kind() {
                Kind::List(_, es) | Kind::Set(_, es) | Kind::Tuple(es) => Some(es.len()),
                _ => None,
            },
        }
    }

    /// The value this view reads, if it reads one.
    pub fn value(self) -> Option<&'a Value> {
        match self {
            Val::Value(v) => Some(v),
            _ => None,
        }
    }

    /// [`Val::child_key`] of a `Val::Value(v)`, given `entry(v, k)` (looked up once per value
    /// for all the views of a change, see `Change::child_key`).
    pub fn of_entry(found: Option<&'a Value>) -> (Val<'a>, bool) {
        match found {
            Some(x) if x.is_known() => (Val::of(x), true),
            _ => (Val::Null, false),
        }
    }

    /// The entry at `k` of an object, and whether it is present (unknown entries are absent).
    pub fn child_key(self, k: &str) -> (Val<'a>, bool) {
        match self {
            Val::Null => (Val::Null, false),
            Val::Json(j) => {
                // Small objects (most attribute values) are scanned: the JSON map's lookup
                // hashes the key, which costs more than a few comparisons.
                let found = j.as_object().and_then(|m| if m.len() <= 8 { m.iter().find(|(mk, _)| *mk == k).map(|(_, x)| x) } else { m.get(k) });
                match found {
                    Some(x) => (Val::Json(x), true),
                    None => (Val::Null, false),
                }
            }
            Val::Value(v) => Val::of_entry(entry(v, k)),
        }
    }

    /// The element at `i` of an array, and whether it is present (unknown elements are `null`).
    pub fn child_ix(self, i: usize) -> (Val<'a>, bool) {
        match self {
            Val::Null => (Val::Null, false),
            Val::Json(j) => match j.as_array().and_then(|s| s.get(i)) {
                Some(x) => (Val::Json(x), true),
                None => (Val::Null, false),
            },
            Val::Value(v) => match v.kind() {
                Kind::List(_, es) | Kind::Set(_, es) | Kind::Tuple(es) => match es.get(i) {
                    Some(x) => (Val::of(x), true),
                    None => (Val::Null, false),
                },
                _ => (Val::Null, false),
            },
        }
    }

    /// Appends the keys of an object.
    pub fn keys_into(self, out: &mut Vec<&'a str>) {
        match self {
            Val::Null => {}
            Val::Json(j) => {
                if let Some(m) = j.as_object() {
                    out.extend(m.keys().map(String::as_str));
                }
            }
            Val::Value(v) => {
                if let Kind::Map(_, m) | Kind::Object(m) = v.kind() {
                    out.extend(m.iter().filter(|(_, x)| x.is_known()).map(|(k, _)| k.as_str()));
                }
            }
        }
    }

    /// Appends the compact JSON text of the value (numbers keep their JSON text).
    pub fn write_json(self, buf: &mut String) {
        use std::fmt::Write as _;
        let _ = match self {
            Val::Json(j) => write!(buf, "{j}"),
            other => write!(buf, "{}", other.to_json()),
        };
    }
}

/// The entry at `k` of a map or object value.
pub(crate) fn entry<'a>(v: &'a Value, k: &str) -> Option<&'a Value> {
    match v.kind() {
        Kind::Map(_, m) | Kind::Object(m) => m.get(k),
        _ => None,
    }
}

/// Equality of the JSON encodings.
impl PartialEq for Val<'_> {
    fn eq(&self, other: &Val<'_>) -> bool {
        match (*self, *other) {
            (Val::Null, o) | (o, Val::Null) => o.is_null(),
            (Val::Json(a), Val::Json(b)) => a == b,
            (Val::Value(a), Val::Value(b)) => value_json_eq(a, b),
            (Val::Json(j), Val::Value(v)) | (Val::Value(v), Val::Json(j)) => known_json(v).unwrap_or(Json::Null) == *j,
        }
    }
}

/// `known_json(a) == known_json(b)` (unknowns as `null`), without encoding either.
fn value_json_eq(a: &Value, b: &Value) -> bool {
    match (a.kind(), b.kind()) {
        (Kind::Null(_) | Kind::Unknown(_), Kind::Null(_) | Kind::Unknown(_)) => true,
        (Kind::Bool(x), Kind::Bool(y)) => x == y,
        (Kind::String(x), Kind::String(y)) => x == y,
        (Kind::Number(x), Kind::Number(y)) => number_to_json(x) == number_to_json(y),
        (Kind::Number(n), Kind::String(s)) | (Kind::String(s), Kind::Number(n)) => number_to_json(n).as_str() == Some(&**s),
        (Kind::List(_, xs) | Kind::Set(_, xs) | Kind::Tuple(xs), Kind::List(_, ys) | Kind::Set(_, ys) | Kind::Tuple(ys)) => {
            xs.len() == ys.len() && xs.iter().zip(ys.iter()).all(|(x, y)| value_json_eq(x, y))
        }
        (Kind::Map(_, xm) | Kind::Object(xm), Kind::Map(_, ym) | Kind::Object(ym)) => {
            // Both maps iterate in key order; unknown entries are not part of the encoding.
            let mut xs = xm.iter().filter(|(_, x)| x.is_known());
            let mut ys = ym.iter().filter(|(_, y)| y.is_known());
            loop {
                match (xs.next(), ys.next()) {
                    (None, None) => return true,
                    (Some((kx, x)), Some((ky, y))) if kx == ky && value_json_eq(x, y) => {}
                    _ => return false,
                }
            }
        }
        _ => false,
    }
}

/// One of the boolean trees of a change: `after_unknown` or `before_sensitive` /
/// `after_sensitive`. Only `true` leaves matter ([`Flags::is_true`]); `false` and absent are
/// alike, so views return [`Flags::False`] or a view whose leaves are false where the JSON tree
/// would have left an entry out.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Flags<'a> {
    False,
    True,
    Json(&'a Json),
    /// `unknown_as_bool(v)`.
    Unknown(&'a Value),
    /// `sensitive_as_bool(v)`.
    Sensitive(&'a Value),
}

impl<'a> Flags<'a> {
    /// `unknown_as_bool(v)` for a value that may hold unknowns; for a wholly known one the
    /// encoding uses `known` instead (`{}` for resources, `false` for outputs, neither with
    /// keys nor `true` leaves, like [`Flags::False`]).
    pub fn unknown_of(v: &'a Value) -> Flags<'a> {
        if v.is_wholly_known() {
            Flags::False
        } else {
            Flags::Unknown(v)
        }
    }

    /// Whether this is `unknown_as_bool(v)` of `v` itself.
    pub fn is_unknown_of(self, v: &Value) -> bool {
        matches!(self, Flags::Unknown(x) if std::ptr::eq(x, v))
    }

    /// Whether this is `sensitive_as_bool(v)` of `v` itself.
    pub fn is_sensitive_of(self, v: &Value) -> bool {
        matches!(self, Flags::Sensitive(x) if std::ptr::eq(x, v))
    }

    /// Whether the tree has neither keys nor elements nor a `true` leaf.
    pub fn is_empty(self) -> bool {
        matches!(self, Flags::False)
    }

    /// Whether [`Flags::keys_into`] adds nothing (answered cheaply: `false` is no answer).
    pub fn has_no_keys(self) -> bool {
        match self {
            Flags::False | Flags::True => true,
            Flags::Json(j) => j.as_object().is_none_or(|m| m.is_empty()),
            Flags::Unknown(v) | Flags::Sensitive(v) => entry_map(v).is_none_or(|m| m.is_empty()),
        }
    }

    pub fn is_true(self) -> bool {
        match self {
            Flags::False => false,
            Flags::True => true,
            Flags::Json(j) => *j == Json::Bool(true),
            Flags::Unknown(v) => !v.is_known(),
            Flags::Sensitive(v) => v.is_sensitive(),
        }
    }

    #[cfg(test)]
    pub fn child_key(self, k: &str) -> Flags<'a> {
        self.child_key_with(k, |v| entry(v, k))
    }

    /// [`Flags::child_key`], with `look(v)` giving `entry(v, k)` (it may have been looked up
    /// already for another view of the same value).
    pub fn child_key_with(self, k: &str, look: impl Fn(&'a Value) -> Option<&'a Value>) -> Flags<'a> {
        match self {
            Flags::False | Flags::True => Flags::False,
            Flags::Json(j) => {
                let found = j.as_object().and_then(|m| if m.len() <= 8 { m.iter().find(|(mk, _)| *mk == k).map(|(_, x)| x) } else { m.get(k) });
                found.map_or(Flags::False, Flags::Json)
            }
            Flags::Unknown(v) => look(v).map_or(Flags::False, Flags::Unknown),
            // A sensitive value's tree is the leaf `true`: nothing below it.
            Flags::Sensitive(v) if v.is_sensitive() => Flags::False,
            Flags::Sensitive(v) => look(v).map_or(Flags::False, Flags::Sensitive),
        }
    }

    pub fn child_ix(self, i: usize) -> Flags<'a> {
        match self {
            Flags::False | Flags::True => Flags::False,
            Flags::Json(j) => j.as_array().and_then(|s| s.get(i)).map_or(Flags::False, Flags::Json),
            Flags::Unknown(v) => match v.kind() {
                Kind::List(_, es) | Kind::Set(_, es) | Kind::Tuple(es) => es.get(i).map_or(Flags::False, Flags::Unknown),
                _ => Flags::False,
            },
            Flags::Sensitive(v) if v.is_sensitive() => Flags::False,
            Flags::Sensitive(v) => match v.kind() {
                Kind::List(_, es) | Kind::Set(_, es) | Kind::Tuple(es) => es.get(i).map_or(Flags::False, Flags::Sensitive),
                _ => Flags::False,
            },
        }
    }

    /// Appends the keys of the tree's object at this point: the entries whose tree is not the
    /// leaf `false` (which the JSON encodings leave out).
    pub fn keys_into(self, out: &mut Vec<&'a str>) {
        match self {
            Flags::False | Flags::True => {}
            Flags::Json(j) => {
                if let Some(m) = j.as_object() {
                    out.extend(m.keys().map(String::as_str));
                }
            }
            Flags::Unknown(v) => {
                if let Kind::Map(_, m) | Kind::Object(m) = v.kind() {
                    out.extend(m.iter().filter(|(_, x)| unknown_tree_kept(x)).map(|(k, _)| k.as_str()));
                }
            }
            Flags::Sensitive(v) if v.is_sensitive() => {}
            Flags::Sensitive(v) => {
                if let Kind::Map(_, m) | Kind::Object(m) = v.kind() {
                    out.extend(m.iter().filter(|(_, x)| sensitive_tree_kept(x)).map(|(k, _)| k.as_str()));
                }
            }
        }
    }
}

/// Whether no entry of a map or object value is unknown (true for any other value).
pub(crate) fn no_unknown_entries(v: &Value) -> bool {
    match v.kind() {
        Kind::Map(_, m) | Kind::Object(m) => m.values().all(Value::is_known),
        _ => true,
    }
}

/// Appends the keys of every entry of a map or object value, unknown or not: the union of
/// the keys of its `known_json` object and of its `unknown_as_bool` and `sensitive_as_bool`
/// objects.
pub(crate) fn all_entry_keys_into<'a>(v: &'a Value, out: &mut Vec<&'a str>) {
    if let Kind::Map(_, m) | Kind::Object(m) = v.kind() {
        out.extend(m.keys().map(String::as_str));
    }
}

/// The entries of a map or object value.
pub(crate) fn entry_map(v: &Value) -> Option<&BTreeMap<String, Value>> {
    match v.kind() {
        Kind::Map(_, m) | Kind::Object(m) => Some(m),
        _ => None,
    }
}

/// The keys of two maps, in order and without duplicates (both maps are sorted by key), as
/// collecting their keys, sorting and deduplicating them would give.
pub(crate) fn union_keys<'a>(
    a: Option<&'a BTreeMap<String, Value>>,
    b: Option<&'a BTreeMap<String, Value>>,
) -> impl Iterator<Item = &'a str> {
    let mut a = a.into_iter().flat_map(|m| m.keys().map(String::as_str)).peekable();
    let mut b = b.into_iter().flat_map(|m| m.keys().map(String::as_str)).peekable();
    std::iter::from_fn(move || match (a.peek(), b.peek()) {
        (Some(x), Some(y)) => match x.cmp(y) {
            std::cmp::Ordering::Less => a.next(),
            std::cmp::Ordering::Greater => b.next(),
            std::cmp::Ordering::Equal => {
                b.next();
                a.next()
            }
        },
        (Some(_), None) => a.next(),
        (None, _) => b.next(),
    })
}

/// [`union_keys`] with each key's entries in the first and the second map.
#[allow(clippy::type_complexity)]
pub(crate) fn union_entries<'a>(
    a: Option<&'a BTreeMap<String, Value>>,
    b: Option<&'a BTreeMap<String, Value>>,
) -> impl Iterator<Item = (&'a str, Option<&'a Value>, Option<&'a Value>)> {
    let mut a = a.into_iter().flat_map(|m| m.iter()).peekable();
    let mut b = b.into_iter().flat_map(|m| m.iter()).peekable();
    std::iter::from_fn(move || match (a.peek(), b.peek()) {
        (Some((x, _)), Some((y, _))) => match x.cmp(y) {
            std::cmp::Ordering::Less => a.next().map(|(k, v)| (k.as_str(), Some(v), None)),
            std::cmp::Ordering::Greater => b.next().map(|(k, v)| (k.as_str(), None, Some(v))),
            std::cmp::Ordering::Equal => {
                let (_, w) = b.next()?;
                a.next().map(|(k, v)| (k.as_str(), Some(v), Some(w)))
            }
        },
        (Some(_), None) => a.next().map(|(k, v)| (k.as_str(), Some(v), None)),
        (None, _) => b.next().map(|(k, v)| (k.as_str(), None, Some(v))),
    })
}

/// Whether `unknown_as_bool(v)` is anything but `false`.
fn unknown_tree_kept(v: &Value) -> bool {
    matches!(v.kind(), Kind::Unknown(_) | Kind::List(..) | Kind::Set(..) | Kind::Tuple(_) | Kind::Map(..) | Kind::Object(_))
}

/// Whether `sensitive_as_bool(v)` is anything but `false`.
fn sensitive_tree_kept(v: &Value) -> bool {
    v.is_sensitive()
        || match v.kind() {
            Kind::Unknown(t) => t.is_list_like() || t.is_map_like(),
            Kind::List(..) | Kind::Set(..) | Kind::Tuple(_) | Kind::Map(..) | Kind::Object(_) => true,
            _ => false,
        }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::plan_json::{sensitive_as_bool, unknown_as_bool};
    use infra_value::{Marks, Number, Type};
    use std::collections::BTreeMap;

    /// Reads a view back into JSON through the differ's questions only.
    fn val_json(v: Val<'_>) -> Json {
        match v.jtype() {
            JType::Object => {
                let mut keys = Vec::new();
                v.keys_into(&mut keys);
                Json::Object(keys.into_iter().map(|k| (k.to_string(), val_json(v.child_key(k).0))).collect())
            }
            JType::Array => Json::Array((0..v.len().unwrap_or(0)).map(|i| val_json(v.child_ix(i).0)).collect()),
            _ => v.to_json(),
        }
    }

    /// The JSON tree a [`Flags`] stands for, read back through its questions, with the leaf
    /// `false` for anything that is neither `true` nor has children; `like` gives the shape.
    fn flags_match(f: Flags<'_>, j: &Json) -> bool {
        match j {
            Json::Bool(b) => f.is_true() == *b,
            Json::Array(es) => !f.is_true() && es.iter().enumerate().all(|(i, e)| flags_match(f.child_ix(i), e)),
            Json::Object(m) => {
                let mut keys = Vec::new();
                f.keys_into(&mut keys);
                keys.sort_unstable();
                let mut expected: Vec<&str> = m.keys().map(String::as_str).collect();
                expected.sort_unstable();
                !f.is_true() && keys == expected && m.iter().all(|(k, e)| flags_match(f.child_key(k), e))
            }
            _ => false,
        }
    }

    fn samples() -> Vec<Value> {
        let s = Value::string;
        let obj = |pairs: Vec<(&str, Value)>| Value::object(pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect::<BTreeMap<_, _>>());
        let secret = s("x").mark(Marks::SENSITIVE);
        vec![
            Value::dynamic_null(),
            Value::dynamic_unknown(),
            s("a"),
            Value::from_i64(0),
            Value::from_i64(-12),
            Value::number(Number::infinity(false)),
            Value::bool(true),
            Value::list(Type::String, vec![s("a"), Value::unknown(Type::String), secret.clone()]),
            Value::set(Type::String, vec![s("b"), s("a")]),
            Value::tuple(vec![Value::empty_tuple(), Value::null(Type::String), obj(vec![("k", Value::unknown(Type::list(Type::String)))])]),
            obj(vec![
                ("a", s("1")),
                ("u", Value::dynamic_unknown()),
                ("ul", Value::unknown(Type::list(Type::String))),
                ("um", Value::unknown(Type::map(Type::String))),
                ("n", Value::null(Type::String)),
                ("e", Value::empty_object()),
                ("s", secret.clone()),
                ("sl", Value::list(Type::String, vec![s("q")]).mark(Marks::SENSITIVE)),
                ("nested", obj(vec![("x", Value::list(Type::String, vec![secret.clone(), Value::unknown(Type::String)]))])),
            ]),
            Value::map(Type::String, [("b c".to_string(), s("2")), ("a".to_string(), Value::unknown(Type::String))].into_iter().collect()),
            obj(vec![("only", Value::dynamic_unknown())]).mark(Marks::SENSITIVE),
        ]
    }

    #[test]
    fn views_answer_as_the_json_trees() {
        for v in samples() {
            let known = known_json(&v).unwrap_or(Json::Null);
            assert_eq!(val_json(Val::of(&v)), known, "{v:?}");
            if !v.is_wholly_known() {
                assert!(flags_match(Flags::unknown_of(&v), &unknown_as_bool(&v)), "unknown {v:?}");
            }
            assert!(flags_match(Flags::Sensitive(&v), &sensitive_as_bool(&v)), "sensitive {v:?}");
        }
    }

    #[test]
    fn equality_is_equality_of_the_encodings() {
        let all = samples();
        for a in &all {
            for b in &all {
                let expected = known_json(a).unwrap_or(Json::Null) == known_json(b).unwrap_or(Json::Null);
                assert_eq!(Val::of(a) == Val::of(b), expected, "{a:?} == {b:?}");
                let bj = known_json(b).unwrap_or(Json::Null);
                assert_eq!(Val::of(a) == Val::Json(&bj), expected, "{a:?} == json {bj}");
            }
        }
    }
}
