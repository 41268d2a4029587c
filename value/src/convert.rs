//! Type conversion with Terraform's rules: a faithful port of the behaviour of cty's `convert`
//! package (as vendored by Terraform 1.11, cty 1.16.0).
//!
//! - [`convert`] converts a value to a type (or type constraint containing `any`) using the
//!   *unsafe* conversions as cty's `Convert` does: besides the always-valid ("safe") ones
//!   (number/bool → string, tuple → list, object → map, list → list of a wider element type, …)
//!   it allows those that depend on the value (string → number, string → bool, list → set,
//!   map → object, `any` → a concrete type).
//! - [`unify`] finds the one type a set of types can all convert to (cty's `Unify`), used for
//!   conditionals, `coalesce`, and element types of lists built from tuples.
//! - Unknowns and nulls keep their "unknown"/"null"-ness and get the converted type; marks are
//!   preserved at every level; object types with `optional` attributes fill missing ones with null.
//!
//! How it works: as in cty, a conversion is first *planned* from the input and output types
//! ([`get_conversion`] returns `None` when no conversion exists, which is what type checking
//! needs), and then *applied* to a value; applying can still fail on value-dependent rules
//! (`"abc"` is not a number). Error messages are cty's, word for word, since users see them.

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::number::Number;
use crate::path::{AttrPath, PathStep};
use crate::types::{ObjectType, Type};
use crate::value::{Kind, Marks, Value};

/// Why a value cannot be converted. `message` is Terraform's wording ("a number is required"),
/// `path` where inside the value the problem is (empty for a type mismatch of the whole value;
/// the message itself then says where, e.g. `attribute "a": number required`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConversionError {
    pub path: AttrPath,
    pub message: String,
}

impl std::fmt::Display for ConversionError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.path.is_empty() {
            write!(f, "{}", self.message)
        } else {
            write!(f, "{}: {}", self.path, self.message)
        }
    }
}

impl std::error::Error for ConversionError {}

fn path_error(path: &AttrPath, message: impl Into<String>) -> ConversionError {
    ConversionError {
        path: path.clone(),
        message: message.into(),
    }
}

// ---------------------------------------------------------------------------------------------
// Public entry points
// ---------------------------------------------------------------------------------------------

/// Converts `value` to type `want` (which may contain `any` and `optional` attributes), with the
/// unsafe conversions, as cty's `convert.Convert`.
pub fn convert(value: &Value, want: &Type) -> Result<Value, ConversionError> {
    // Anything converts to `any` unchanged (cty's passthrough), marks included: answered before
    // the value's type is built, which for a large object is a walk and an allocation per level.
    if *want == Type::Dynamic {
        return Ok(value.clone());
    }
    // Primitive to primitive, the common case of function arguments and template
    // interpolations: answered without building and comparing types or a conversion plan.
    match (want, value.kind()) {
        (Type::String, Kind::String(_)) | (Type::Number, Kind::Number(_)) | (Type::Bool, Kind::Bool(_)) => {
            return Ok(value.clone());
        }
        (Type::String, Kind::Number(n)) => return Ok(n.with_text(|t| Value::string(t)).mark(value.marks())),
        _ => {}
    }
    let have = value.ty();
    if have == without_optional_attrs_deep(want) {
        return Ok(value.clone());
    }
    match get_conversion(&have, want, true) {
        Some(conversion) => conversion.apply(value, &AttrPath::root()),
        None => Err(path_error(&AttrPath::root(), mismatch_message(&have, want))),
    }
}

/// Like [`convert`], but only with the conversions that cannot fail for any value of the input
/// type (cty's `GetConversion`). `Err` when no safe conversion exists.
pub fn convert_safe(value: &Value, want: &Type) -> Result<Value, ConversionError> {
    if *want == Type::Dynamic {
        return Ok(value.clone());
    }
    let have = value.ty();
    if have == without_optional_attrs_deep(want) {
        return Ok(value.clone());
    }
    match get_conversion(&have, want, false) {
        Some(conversion) => conversion.apply(value, &AttrPath::root()),
        None => Err(path_error(&AttrPath::root(), mismatch_message(&have, want))),
    }
}

/// True when values of type `from` may convert to `to`: always with `unsafe_ == false`, or
/// depending on the value with `unsafe_ == true`.
pub fn can_convert(from: &Type, to: &Type, unsafe_: bool) -> bool {
    *from == without_optional_attrs_deep(to) || get_conversion(from, to, unsafe_).is_some()
}

/// The single type all of `types` can safely convert to, if any (cty's `convert.Unify`).
pub fn unify(types: &[Type]) -> Option<Type> {
    unify_impl(types, false).map(|u| u.ty)
}

/// As [`unify`], also allowing unsafe conversions (cty's `convert.UnifyUnsafe`).
pub fn unify_unsafe(types: &[Type]) -> Option<Type> {
    unify_impl(types, true).map(|u| u.ty)
}

/// Unifies the types of `values` and converts each value to the unified type, as a caller of
/// cty's `Unify` does with the conversions it returns. When unification picks `any` because a
/// collection or structural type met an unknown type, every value becomes an unknown of type
/// `any` (cty's behaviour: the result cannot be typed yet). `None` when the types cannot unify.
pub fn unify_values(
    values: &[Value],
    unsafe_: bool,
) -> Option<Result<(Type, Vec<Value>), ConversionError>> {
    let types: Vec<Type> = values.iter().map(Value::ty).collect();
    let unified = unify_impl(&types, unsafe_)?;
    if unified.all_dynamic {
        return Some(Ok((
            Type::Dynamic,
            values.iter().map(|_| Value::dynamic_unknown()).collect(),
        )));
    }
    let converted: Result<Vec<Value>, ConversionError> = values
        .iter()
        .map(|v| {
            if unsafe_ {
                convert(v, &unified.ty)
            } else {
                convert_safe(v, &unified.ty)
            }
        })
        .collect();
    Some(converted.map(|vs| (unified.ty, vs)))
}

/// `t` with every `optional` marker removed (the type of a value converted to `t`).
pub fn without_optional_attrs_deep(t: &Type) -> Type {
    match t {
        Type::Dynamic | Type::Bool | Type::Number | Type::String => t.clone(),
        Type::List(e) => Type::list(without_optional_attrs_deep(e)),
        Type::Set(e) => Type::set(without_optional_attrs_deep(e)),
        Type::Map(e) => Type::map(without_optional_attrs_deep(e)),
        Type::Tuple(es) => Type::tuple(es.iter().map(without_optional_attrs_deep).collect()),
        Type::Object(o) => Type::object(
            o.attrs
                .iter()
                .map(|(k, t)| (k.clone(), without_optional_attrs_deep(t)))
                .collect(),
        ),
    }
}

/// cty's `FriendlyNameForConstraint`: like [`Type::friendly_name`] but `any` reads "any type",
/// and a collection of `any` reads "list of any single type".
pub fn friendly_name_for_constraint(t: &Type) -> String {
    match t {
        Type::Dynamic => "any type".into(),
        Type::List(e) | Type::Set(e) | Type::Map(e) => {
            let kind = match t {
                Type::List(_) => "list",
                Type::Set(_) => "set",
                _ => "map",
            };
            if **e == Type::Dynamic {
                format!("{kind} of any single type")
            } else {
                format!("{kind} of {}", friendly_name_for_constraint(e))
            }
        }
        other => other.friendly_name(),
    }
}

/// Builds a set value as cty's `SetVal` does: set elements cannot carry marks, so the marks of
/// the elements (at any depth) move to the set itself.
pub fn set_value(elem_ty: Type, elems: Vec<Value>) -> Value {
    let mut marks = Marks::NONE;
    let elems = elems
        .into_iter()
        .map(|e| {
            let (v, m) = e.unmark_deep();
            marks |= m;
            v
        })
        .collect();
    Value::set(elem_ty, elems).mark(marks)
}

// ---------------------------------------------------------------------------------------------
// Conversion plans
// ---------------------------------------------------------------------------------------------

/// A planned conversion from one type to `out` (cty's wrapped `conversion` closure).
#[derive(Clone, Debug)]
pub struct Conversion {
    out: Type,
    kind: ConvKind,
}

#[derive(Clone, Debug)]
enum ConvKind {
    /// Output type `any`: the value is kept.
    Passthrough,
    /// Input type `any` (unsafe only): decided from the value when applied.
    DynamicFixup,
    NumberToString,
    BoolToString,
    StringToNumber,
    StringToBool,
    /// Attribute name → conversion (`None`: same type). Input attributes not listed are dropped.
    ObjectToObject {
        attrs: BTreeMap<String, Option<Conversion>>,
        optional: Vec<(String, Type)>,
    },
    TupleToTuple(Vec<Option<Conversion>>),
    /// List or set → list; `elem` converts each element.
    CollectionToList {
        ety: Type,
        elem: Option<Box<Conversion>>,
    },
    /// List or set → set.
    CollectionToSet {
        ety: Type,
        elem: Option<Box<Conversion>>,
    },
    /// Map → map.
    CollectionToMap {
        ety: Type,
        elem: Option<Box<Conversion>>,
    },
    EmptyTupleToList(Type),
    EmptyTupleToSet(Type),
    EmptyObjectToMap(Type),
    TupleToList {
        elems: Vec<Option<Conversion>>,
        unsafe_: bool,
    },
    TupleToSet {
        elems: Vec<Option<Conversion>>,
    },
    ObjectToMap {
        ety: Type,
        attrs: BTreeMap<String, Option<Conversion>>,
        unsafe_: bool,
    },
    MapToObject {
        out: ObjectTypeRef,
        attrs: BTreeMap<String, MapAttrConv>,
    },
}

/// An object type held by a plan (`ObjectType` itself has no `Debug`).
#[derive(Clone)]
struct ObjectTypeRef(Arc<ObjectType>);

impl std::fmt::Debug for ObjectTypeRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:?}", Type::Object(self.0.clone()))
    }
}

impl std::ops::Deref for ObjectTypeRef {
    type Target = ObjectType;
    fn deref(&self) -> &ObjectType {
        &self.0
    }
}

#[derive(Clone, Debug)]
enum MapAttrConv {
    Convert(Conversion),
    /// An optional attribute whose type the map's elements cannot convert to: an error only if
    /// the map actually has that key.
    Incompatible,
}

/// Plans a conversion from `from` to `to` (cty's `getConversion`). `None` when there is none.
pub fn get_conversion(from: &Type, to: &Type, unsafe_: bool) -> Option<Conversion> {
    let kind = get_conversion_known(from, to, unsafe_)?;
    Some(Conversion {
        out: to.clone(),
        kind,
    })
}

fn boxed(c: Option<Conversion>) -> Option<Box<Conversion>> {
    c.map(Box::new)
}

fn get_conversion_known(from: &Type, to: &Type, unsafe_: bool) -> Option<ConvKind> {
    use Type as T;
    match (from, to) {
        (_, T::Dynamic) => Some(ConvKind::Passthrough),
        (T::Dynamic, _) if unsafe_ => Some(ConvKind::DynamicFixup),
        (f, t) if f.is_primitive() && t.is_primitive() => match (f, t) {
            (T::Number, T::String) => Some(ConvKind::NumberToString),
            (T::Bool, T::String) => Some(ConvKind::BoolToString),
            (T::String, T::Number) if unsafe_ => Some(ConvKind::StringToNumber),
            (T::String, T::Bool) if unsafe_ => Some(ConvKind::StringToBool),
            // Same-type primitives never reach here through `convert`, but unify and nested
            // plans ask; cty has no entry for them either (the callers check equality first).
            _ => None,
        },
        (T::Object(fo), T::Object(to_)) => conversion_object_to_object(fo, to_, unsafe_),
        (T::Tuple(fe), T::Tuple(te)) => {
            if fe.len() != te.len() {
                return None;
            }
            let mut elems = Vec::with_capacity(fe.len());
            for (f, t) in fe.iter().zip(te.iter()) {
                if f == t {
                    elems.push(None);
                } else {
                    elems.push(Some(get_conversion(f, t, unsafe_)?));
                }
            }
            Some(ConvKind::TupleToTuple(elems))
        }
        (T::List(fe) | T::Set(fe), T::List(te)) => {
            if fe == te {
                return Some(ConvKind::CollectionToList {
                    ety: (**te).clone(),
                    elem: None,
                });
            }
            let elem = get_conversion(fe, te, unsafe_)?;
            Some(ConvKind::CollectionToList {
                ety: (**te).clone(),
                elem: boxed(Some(elem)),
            })
        }
        (T::List(fe) | T::Set(fe), T::Set(te)) => {
            if matches!(from, T::List(_)) && !unsafe_ {
                return None;
            }
            if fe == te {
                return Some(ConvKind::CollectionToSet {
                    ety: (**te).clone(),
                    elem: None,
                });
            }
            let elem = get_conversion(fe, te, unsafe_)?;
            Some(ConvKind::CollectionToSet {
                ety: (**te).clone(),
                elem: boxed(Some(elem)),
            })
        }
        (T::Map(fe), T::Map(te)) => {
            let elem = get_conversion(fe, te, unsafe_)?;
            Some(ConvKind::CollectionToMap {
                ety: (**te).clone(),
                elem: boxed(Some(elem)),
            })
        }
        (T::Tuple(fe), T::List(te)) => conversion_tuple_to_list(fe, te, unsafe_),
        (T::Tuple(fe), T::Set(te)) => conversion_tuple_to_set(fe, te, unsafe_),
        (T::Object(fo), T::Map(te)) => conversion_object_to_map(fo, te, unsafe_),
        (T::Map(fe), T::Object(to_)) => {
            if !unsafe_ {
                return None;
            }
            let mut attrs = BTreeMap::new();
            for (name, aty) in &to_.attrs {
                if **fe == *aty {
                    continue;
                }
                match get_conversion(fe, aty, unsafe_) {
                    Some(c) => {
                        attrs.insert(name.clone(), MapAttrConv::Convert(c));
                    }
                    None if to_.optional.contains(name) => {
                        attrs.insert(name.clone(), MapAttrConv::Incompatible);
                    }
                    None => return None,
                }
            }
            Some(ConvKind::MapToObject {
                out: ObjectTypeRef(to_.clone()),
                attrs,
            })
        }
        _ => None,
    }
}

fn conversion_object_to_object(
    from: &ObjectType,
    to: &ObjectType,
    unsafe_: bool,
) -> Option<ConvKind> {
    let mut attrs = BTreeMap::new();
    for (name, out_ty) in &to.attrs {
        match from.attrs.get(name) {
            None => {
                if to.optional.contains(name) {
                    continue;
                }
                return None;
            }
            Some(in_ty) if in_ty == out_ty => {
                attrs.insert(name.clone(), None);
            }
            Some(in_ty) => {
                attrs.insert(name.clone(), Some(get_conversion(in_ty, out_ty, unsafe_)?));
            }
        }
    }
    let optional = to
        .optional
        .iter()
        .filter_map(|name| {
            to.attrs
                .get(name)
                .map(|t| (name.clone(), without_optional_attrs_deep(t)))
        })
        .collect();
    Some(ConvKind::ObjectToObject { attrs, optional })
}

fn conversion_tuple_to_list(etys: &[Type], list_ety: &Type, unsafe_: bool) -> Option<ConvKind> {
    if etys.is_empty() {
        return Some(ConvKind::EmptyTupleToList(without_optional_attrs_deep(
            list_ety,
        )));
    }
    let target = structural_elem_target(etys, list_ety, unsafe_)?;
    let mut elems = Vec::with_capacity(etys.len());
    for ety in etys {
        if *ety == target {
            elems.push(None);
        } else {
            elems.push(Some(get_conversion(ety, &target, unsafe_)?));
        }
    }
    Some(ConvKind::TupleToList { elems, unsafe_ })
}

fn conversion_tuple_to_set(etys: &[Type], set_ety: &Type, unsafe_: bool) -> Option<ConvKind> {
    if etys.is_empty() {
        return Some(ConvKind::EmptyTupleToSet(without_optional_attrs_deep(
            set_ety,
        )));
    }
    let target = structural_elem_target(etys, set_ety, unsafe_)?;
    let mut elems = Vec::with_capacity(etys.len());
    for ety in etys {
        if *ety == target {
            elems.push(None);
        } else {
            elems.push(Some(get_conversion(ety, &target, unsafe_)?));
        }
    }
    Some(ConvKind::TupleToSet { elems })
}

/// The element type a tuple converts its elements to for a list or set of `want`: `want`
/// itself, or when that is `any`, the unification of the tuple's element types (which must not
/// be `any` unless every element type is).
fn structural_elem_target(etys: &[Type], want: &Type, unsafe_: bool) -> Option<Type> {
    if *want != Type::Dynamic {
        return Some(want.clone());
    }
    let unified = unify_impl(etys, unsafe_)?.ty;
    if unified == Type::Dynamic && etys.iter().any(|t| *t != Type::Dynamic) {
        return None;
    }
    Some(unified)
}

fn conversion_object_to_map(from: &ObjectType, map_ety: &Type, unsafe_: bool) -> Option<ConvKind> {
    if from.attrs.is_empty() {
        return Some(ConvKind::EmptyObjectToMap(without_optional_attrs_deep(
            map_ety,
        )));
    }
    let ety = if *map_ety == Type::Dynamic {
        let atys: Vec<Type> = from.attrs.values().cloned().collect();
        unify_impl(&atys, unsafe_)?.ty
    } else {
        map_ety.clone()
    };
    let mut attrs = BTreeMap::new();
    for (name, aty) in &from.attrs {
        if *aty == ety {
            attrs.insert(name.clone(), None);
        } else {
            attrs.insert(name.clone(), Some(get_conversion(aty, &ety, unsafe_)?));
        }
    }
    Some(ConvKind::ObjectToMap {
        ety,
        attrs,
        unsafe_,
    })
}

// ---------------------------------------------------------------------------------------------
// Applying conversions
// ---------------------------------------------------------------------------------------------

impl Conversion {
    /// The type this conversion produces (a constraint when it contains `any`).
    pub fn out_type(&self) -> &Type {
        &self.out
    }

    /// Converts `value` (whose type must be the plan's input type).
    pub fn convert(&self, value: &Value) -> Result<Value, ConversionError> {
        self.apply(value, &AttrPath::root())
    }

    fn apply(&self, value: &Value, path: &AttrPath) -> Result<Value, ConversionError> {
        if value.is_marked() {
            let (inner, marks) = value.clone().unmark();
            return Ok(self.apply(&inner, path)?.mark(marks));
        }
        if self.out == Type::Dynamic {
            return Ok(value.clone());
        }
        if !value.is_known() || value.is_null() {
            let out = without_optional_attrs_deep(&self.out);
            let ty = dynamic_replace(&value.ty(), &out);
            return Ok(if value.is_known() {
                Value::null(ty)
            } else {
                Value::unknown(ty)
            });
        }
        self.apply_known(value, path)
    }

    fn apply_known(&self, value: &Value, path: &AttrPath) -> Result<Value, ConversionError> {
        match &self.kind {
            ConvKind::Passthrough => Ok(value.clone()),
            ConvKind::DynamicFixup => convert(value, &self.out).map_err(|e| {
                let mut full = path.clone();
                full.0.extend(e.path.0);
                ConversionError {
                    path: full,
                    message: e.message,
                }
            }),
            ConvKind::NumberToString => match value.kind() {
                Kind::Number(n) => Ok(n.with_text(|t| Value::string(t))),
                _ => Err(path_error(path, "a number is required")),
            },
            ConvKind::BoolToString => match value.kind() {
                Kind::Bool(b) => Ok(Value::string(if *b { "true" } else { "false" })),
                _ => Err(path_error(path, "a bool is required")),
            },
            ConvKind::StringToNumber => match value.as_str().and_then(parse_number) {
                Some(n) => Ok(Value::number(n)),
                None => Err(path_error(path, "a number is required")),
            },
            ConvKind::StringToBool => {
                let s = value.as_str().unwrap_or_default();
                match s {
                    "true" | "1" => Ok(Value::bool(true)),
                    "false" | "0" => Ok(Value::bool(false)),
                    _ => match s.to_lowercase().as_str() {
                        "true" => Err(path_error(
                            path,
                            "a bool is required; to convert from string, use lowercase \"true\"",
                        )),
                        "false" => Err(path_error(
                            path,
                            "a bool is required; to convert from string, use lowercase \"false\"",
                        )),
                        _ => Err(path_error(path, "a bool is required")),
                    },
                }
            }
            ConvKind::ObjectToObject { attrs, optional } => {
                let entries = value
                    .as_entries()
                    .ok_or_else(|| path_error(path, "object required"))?;
                let mut out = BTreeMap::new();
                for (name, v) in entries {
                    let Some(conv) = attrs.get(name) else {
                        continue;
                    };
                    let attr_path = path.child(PathStep::Attr(name.clone()));
                    let v = match conv {
                        Some(c) => c.apply(v, &attr_path)?,
                        None => v.clone(),
                    };
                    out.insert(name.clone(), strip_null_optionals(v));
                }
                for (name, ty) in optional {
                    if !out.contains_key(name) {
                        out.insert(name.clone(), Value::null(ty.clone()));
                    }
                }
                Ok(Value::object(out))
            }
            ConvKind::TupleToTuple(convs) => {
                let elems = value
                    .as_elements()
                    .ok_or_else(|| path_error(path, "tuple required"))?;
                let mut out = Vec::with_capacity(elems.len());
                for (i, (v, conv)) in elems.iter().zip(convs.iter()).enumerate() {
                    let elem_path = path.child(PathStep::Index(i as i64));
                    out.push(match conv {
                        Some(c) => c.apply(v, &elem_path)?,
                        None => v.clone(),
                    });
                }
                Ok(Value::tuple(out))
            }
            ConvKind::CollectionToList { ety, elem } => {
                let elems = self.convert_elements(value, elem.as_deref(), path)?;
                let in_ety = value.ty().element_type().cloned().unwrap_or(Type::Dynamic);
                if elems.is_empty() {
                    let t = if *ety == Type::Dynamic {
                        in_ety
                    } else {
                        without_optional_attrs_deep(ety)
                    };
                    return Ok(Value::empty_list(t));
                }
                let t = uniform_type(&elems).ok_or_else(|| {
                    path_error(path, "element types must all match for conversion to list")
                })?;
                Ok(Value::list(t, elems))
            }
            ConvKind::CollectionToSet { ety, elem } => {
                let elems = self.convert_elements(value, elem.as_deref(), path)?;
                let in_ety = value.ty().element_type().cloned().unwrap_or(Type::Dynamic);
                if elems.is_empty() {
                    let t = if *ety == Type::Dynamic {
                        in_ety
                    } else {
                        without_optional_attrs_deep(ety)
                    };
                    return Ok(Value::set(t, Vec::new()));
                }
                let t = uniform_type(&elems).ok_or_else(|| {
                    path_error(path, "element types must all match for conversion to set")
                })?;
                Ok(set_value(t, elems))
            }
            ConvKind::CollectionToMap { ety, elem } => {
                let entries = value
                    .as_entries()
                    .ok_or_else(|| path_error(path, "map required"))?;
                let mut out = BTreeMap::new();
                for (k, v) in entries {
                    let elem_path = path.child(PathStep::Key(k.clone()));
                    let v = match elem {
                        Some(c) => c.apply(v, &elem_path)?,
                        None => v.clone(),
                    };
                    out.insert(k.clone(), v);
                }
                if out.is_empty() {
                    let in_ety = value.ty().element_type().cloned().unwrap_or(Type::Dynamic);
                    let t = if *ety == Type::Dynamic {
                        in_ety
                    } else {
                        without_optional_attrs_deep(ety)
                    };
                    return Ok(Value::map(t, out));
                }
                if matches!(
                    ety,
                    Type::List(_) | Type::Set(_) | Type::Map(_) | Type::Object(_)
                ) {
                    out = unify_collection_elements(out, path, false)?;
                }
                let t = uniform_type_map(&out).ok_or_else(|| {
                    path_error(path, "element types must all match for conversion to map")
                })?;
                Ok(Value::map(t, out))
            }
            ConvKind::EmptyTupleToList(t) => Ok(Value::empty_list(t.clone())),
            ConvKind::EmptyTupleToSet(t) => Ok(Value::set(t.clone(), Vec::new())),
            ConvKind::EmptyObjectToMap(t) => Ok(Value::map(t.clone(), BTreeMap::new())),
            ConvKind::TupleToList {
                elems: convs,
                unsafe_,
            } => {
                let elems = value
                    .as_elements()
                    .ok_or_else(|| path_error(path, "tuple required"))?;
                let mut out = Vec::with_capacity(elems.len());
                let mut last_path = path.clone();
                for (i, (v, conv)) in elems.iter().zip(convs.iter()).enumerate() {
                    last_path = path.child(PathStep::Index(i as i64));
                    out.push(match conv {
                        Some(c) => c.apply(v, &last_path)?,
                        None => v.clone(),
                    });
                }
                // cty reports unification problems under the last element's path.
                let out = unify_list_elements(out, &last_path, *unsafe_)?;
                let t = uniform_type(&out).ok_or_else(|| {
                    path_error(path, "element types must all match for conversion to list")
                })?;
                Ok(Value::list(t, out))
            }
            ConvKind::TupleToSet { elems: convs } => {
                let elems = value
                    .as_elements()
                    .ok_or_else(|| path_error(path, "tuple required"))?;
                let mut out = Vec::with_capacity(elems.len());
                for (i, (v, conv)) in elems.iter().zip(convs.iter()).enumerate() {
                    let elem_path = path.child(PathStep::Index(i as i64));
                    let v = match conv {
                        Some(c) => c.apply(v, &elem_path)?,
                        None => v.clone(),
                    };
                    out.push(strip_null_optionals(v));
                }
                let t = uniform_type(&out).ok_or_else(|| {
                    path_error(path, "element types must all match for conversion to set")
                })?;
                Ok(set_value(t, out))
            }
            ConvKind::ObjectToMap {
                ety,
                attrs,
                unsafe_,
            } => {
                let entries = value
                    .as_entries()
                    .ok_or_else(|| path_error(path, "object required"))?;
                let mut out = BTreeMap::new();
                for (k, v) in entries {
                    let elem_path = path.child(PathStep::Key(k.clone()));
                    let v = match attrs.get(k) {
                        Some(Some(c)) => c.apply(v, &elem_path)?,
                        _ => v.clone(),
                    };
                    out.insert(k.clone(), v);
                }
                if matches!(
                    ety,
                    Type::List(_) | Type::Set(_) | Type::Map(_) | Type::Object(_)
                ) {
                    out = unify_collection_elements(out, path, *unsafe_)?;
                }
                let t = uniform_type_map(&out).ok_or_else(|| {
                    path_error(path, "attribute types must all match for conversion to map")
                })?;
                Ok(Value::map(t, out))
            }
            ConvKind::MapToObject { out: obj, attrs } => {
                let entries = value
                    .as_entries()
                    .ok_or_else(|| path_error(path, "map required"))?;
                let map_ety = value.ty().element_type().cloned().unwrap_or(Type::Dynamic);
                let mut out = BTreeMap::new();
                for (k, v) in entries {
                    let Some(attr_ty) = obj.attrs.get(k) else {
                        continue;
                    };
                    let elem_path = path.child(PathStep::Key(k.clone()));
                    let v = match attrs.get(k) {
                        Some(MapAttrConv::Convert(c)) => c.apply(v, &elem_path)?,
                        Some(MapAttrConv::Incompatible) => {
                            return Err(path_error(
                                path,
                                format!(
                                    "map element type is incompatible with attribute {:?}: {}",
                                    k,
                                    mismatch_message(&map_ety, attr_ty)
                                ),
                            ));
                        }
                        None => v.clone(),
                    };
                    out.insert(k.clone(), strip_null_optionals(v));
                }
                for (name, aty) in &obj.attrs {
                    if out.contains_key(name) {
                        continue;
                    }
                    if obj.optional.contains(name) {
                        out.insert(name.clone(), Value::null(aty.clone()));
                    } else {
                        return Err(path_error(
                            path,
                            format!("map has no element for required attribute {name:?}"),
                        ));
                    }
                }
                Ok(Value::object(out))
            }
        }
    }

    /// Converts the elements of a known list or set, for list and set results.
    fn convert_elements(
        &self,
        value: &Value,
        elem: Option<&Conversion>,
        path: &AttrPath,
    ) -> Result<Vec<Value>, ConversionError> {
        let elems = value
            .as_elements()
            .ok_or_else(|| path_error(path, "collection required"))?;
        let mut out = Vec::with_capacity(elems.len());
        for (i, v) in elems.iter().enumerate() {
            let elem_path = path.child(PathStep::Index(i as i64));
            let v = match elem {
                Some(c) => c.apply(v, &elem_path)?,
                None => v.clone(),
            };
            out.push(strip_null_optionals(v));
        }
        Ok(out)
    }
}

/// A null keeps its value but its type loses `optional` markers (cty does this for every
/// element it places in a collection or object).
fn strip_null_optionals(v: Value) -> Value {
    if v.is_null() {
        let marks = v.marks();
        Value::null(without_optional_attrs_deep(&v.ty())).mark(marks)
    } else {
        v
    }
}

/// The element type of a list/set built from `elems`, if they all have one type (values of
/// type `any` fit any type), as cty's `CanListVal`.
fn uniform_type(elems: &[Value]) -> Option<Type> {
    let mut ty = Type::Dynamic;
    for e in elems {
        let t = e.ty();
        if ty == Type::Dynamic {
            ty = t;
        } else if t != Type::Dynamic && t != ty {
            return None;
        }
    }
    Some(ty)
}

fn uniform_type_map(elems: &BTreeMap<String, Value>) -> Option<Type> {
    let mut ty = Type::Dynamic;
    for e in elems.values() {
        let t = e.ty();
        if ty == Type::Dynamic {
            ty = t;
        } else if t != Type::Dynamic && t != ty {
            return None;
        }
    }
    Some(ty)
}

fn unify_collection_elements(
    elems: BTreeMap<String, Value>,
    path: &AttrPath,
    unsafe_: bool,
) -> Result<BTreeMap<String, Value>, ConversionError> {
    let types: Vec<Type> = elems.values().map(Value::ty).collect();
    let unified = unify_impl(&types, unsafe_)
        .ok_or_else(|| path_error(path, "cannot find a common base type for all elements"))?;
    let mut out = BTreeMap::new();
    for (k, v) in elems {
        if v.ty() == unified.ty {
            out.insert(k, v);
            continue;
        }
        let elem_path = path.child(PathStep::Key(k.clone()));
        let converted = match get_conversion(&v.ty(), &unified.ty, unsafe_) {
            Some(c) => c.apply(&v, &elem_path)?,
            None => {
                return Err(path_error(
                    &elem_path,
                    mismatch_message(&v.ty(), &unified.ty),
                ))
            }
        };
        out.insert(k, converted);
    }
    Ok(out)
}

fn unify_list_elements(
    elems: Vec<Value>,
    path: &AttrPath,
    unsafe_: bool,
) -> Result<Vec<Value>, ConversionError> {
    let types: Vec<Type> = elems.iter().map(Value::ty).collect();
    let unified = unify_impl(&types, unsafe_)
        .ok_or_else(|| path_error(path, "cannot find a common base type for all elements"))?;
    let mut out = Vec::with_capacity(elems.len());
    for (i, v) in elems.into_iter().enumerate() {
        if v.ty() == unified.ty {
            out.push(v);
            continue;
        }
        let elem_path = path.child(PathStep::Index(i as i64));
        let converted = match get_conversion(&v.ty(), &unified.ty, unsafe_) {
            Some(c) => c.apply(&v, &elem_path)?,
            None => {
                return Err(path_error(
                    &elem_path,
                    mismatch_message(&v.ty(), &unified.ty),
                ))
            }
        };
        out.push(converted);
    }
    Ok(out)
}

/// Parses a string as cty's `ParseNumberVal` does (Go's `big.ParseFloat` in base 10): optional
/// sign, digits with an optional `.` (either side may be empty, not both), an optional decimal
/// exponent `e`/`E` or binary exponent `p`/`P`, or `Inf`/`inf`. No spaces, underscores or hex.
pub fn parse_number(s: &str) -> Option<Number> {
    let (negative, rest) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    if rest == "Inf" || rest == "inf" {
        return Some(Number::infinity(negative));
    }
    let mantissa_end = rest.find(['e', 'E', 'p', 'P']).unwrap_or(rest.len());
    let (mantissa, exponent) = rest.split_at(mantissa_end);
    let (int_part, frac_part) = match mantissa.split_once('.') {
        Some((i, f)) => (i, f),
        None => (mantissa, ""),
    };
    let all_digits = |x: &str| x.bytes().all(|b| b.is_ascii_digit());
    if (int_part.is_empty() && frac_part.is_empty())
        || !all_digits(int_part)
        || !all_digits(frac_part)
    {
        return None;
    }
    let int_part = int_part.trim_start_matches('0');
    let mut text = String::new();
    if negative {
        text.push('-');
    }
    text.push_str(if int_part.is_empty() { "0" } else { int_part });
    if !frac_part.is_empty() {
        text.push('.');
        text.push_str(frac_part);
    }
    let mut binary_exponent: i64 = 0;
    if !exponent.is_empty() {
        let marker = exponent.as_bytes()[0];
        let digits = &exponent[1..];
        let (exp_negative, exp_digits) = match digits.as_bytes().first() {
            Some(b'-') => (true, &digits[1..]),
            Some(b'+') => (false, &digits[1..]),
            _ => (false, digits),
        };
        if exp_digits.is_empty() || !all_digits(exp_digits) {
            return None;
        }
        if marker == b'e' || marker == b'E' {
            text.push('e');
            if exp_negative {
                text.push('-');
            }
            text.push_str(exp_digits.trim_start_matches('0'));
            if exp_digits.trim_start_matches('0').is_empty() {
                text.push('0');
            }
        } else {
            let magnitude: i64 = exp_digits.parse().ok()?;
            binary_exponent = if exp_negative { -magnitude } else { magnitude };
        }
    }
    let n = Number::parse(&text)?;
    if binary_exponent == 0 {
        return Some(n);
    }
    // mantissa × 2^exponent, by squaring (exact in binary floating point).
    let two = Number::from_i64(2);
    let mut factor = Number::from_i64(1);
    let mut base = two;
    let mut e = binary_exponent.unsigned_abs();
    while e > 0 {
        if e & 1 == 1 {
            factor = factor.mul(&base).ok()?;
        }
        e >>= 1;
        if e > 0 {
            base = base.mul(&base).ok()?;
        }
    }
    if binary_exponent > 0 {
        n.mul(&factor).ok()
    } else {
        n.div(&factor).ok()
    }
}

/// cty's `dynamicReplace`: the type an unknown or null of type `input` gets when converted to
/// `out`: `out`, with its `any` parts filled from `input` where `input` knows better.
fn dynamic_replace(input: &Type, out: &Type) -> Type {
    if *input == Type::Dynamic {
        return out.clone();
    }
    match out {
        Type::Dynamic => input.clone(),
        Type::Bool | Type::Number | Type::String => out.clone(),
        Type::Map(oe) => match input {
            Type::Map(ie) => Type::map(dynamic_replace(ie, oe)),
            Type::Object(o) => {
                let types: Vec<Type> = o.attrs.values().cloned().collect();
                let unified = unify_impl(&types, true)
                    .map(|u| u.ty)
                    .unwrap_or(Type::Dynamic);
                Type::map(dynamic_replace(&unified, oe))
            }
            _ => out.clone(),
        },
        Type::Object(oo) => {
            let mut attrs = BTreeMap::new();
            match input {
                Type::Map(ie) => {
                    for (name, aty) in &oo.attrs {
                        attrs.insert(name.clone(), dynamic_replace(ie, aty));
                    }
                }
                Type::Object(io) => {
                    for (name, aty) in &oo.attrs {
                        match io.attrs.get(name) {
                            Some(it) => attrs.insert(name.clone(), dynamic_replace(it, aty)),
                            None => attrs.insert(name.clone(), aty.clone()),
                        };
                    }
                }
                _ => {}
            }
            Type::object(attrs)
        }
        Type::Set(oe) => match input {
            Type::Set(ie) | Type::List(ie) => Type::set(dynamic_replace(ie, oe)),
            Type::Tuple(ies) => {
                let unified = unify_impl(ies, true).map(|u| u.ty).unwrap_or(Type::Dynamic);
                Type::set(dynamic_replace(&unified, oe))
            }
            _ => out.clone(),
        },
        Type::List(oe) => match input {
            Type::Set(ie) | Type::List(ie) => Type::list(dynamic_replace(ie, oe)),
            Type::Tuple(ies) => {
                let unified = unify_impl(ies, true).map(|u| u.ty).unwrap_or(Type::Dynamic);
                Type::list(dynamic_replace(&unified, oe))
            }
            _ => out.clone(),
        },
        Type::Tuple(oes) => {
            let ies: &[Type] = match input {
                Type::Tuple(ies) => ies,
                _ => &[],
            };
            Type::tuple(
                oes.iter()
                    .enumerate()
                    .map(|(i, oe)| dynamic_replace(ies.get(i).unwrap_or(&Type::Dynamic), oe))
                    .collect(),
            )
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Unification
// ---------------------------------------------------------------------------------------------

struct Unified {
    ty: Type,
    /// cty's `unifyAllAsDynamic`: every value converts to an unknown of type `any`.
    all_dynamic: bool,
}

fn unified(ty: Type) -> Option<Unified> {
    Some(Unified {
        ty,
        all_dynamic: false,
    })
}

fn unify_impl(types: &[Type], unsafe_: bool) -> Option<Unified> {
    if types.is_empty() {
        return None;
    }
    let (mut maps, mut lists, mut sets, mut objects, mut tuples, mut dynamics) = (0, 0, 0, 0, 0, 0);
    for t in types {
        match t {
            Type::Map(_) => maps += 1,
            Type::List(_) => lists += 1,
            Type::Set(_) => sets += 1,
            Type::Object(_) => objects += 1,
            Type::Tuple(_) => tuples += 1,
            Type::Dynamic => dynamics += 1,
            _ => {}
        }
    }
    let n = types.len();
    if maps > 0 && maps + dynamics == n {
        return unify_collection_types(Type::map, types, unsafe_, dynamics > 0);
    } else if maps > 0 && maps + objects + dynamics == n {
        if let Some(u) = unify_objects_as_maps(types, unsafe_) {
            return Some(u);
        }
    } else if lists > 0 && lists + dynamics == n {
        return unify_collection_types(Type::list, types, unsafe_, dynamics > 0);
    } else if lists > 0 && lists + tuples + dynamics == n {
        if let Some(u) = unify_tuples_as_list(types, unsafe_) {
            return Some(u);
        }
    } else if sets > 0 && sets + dynamics == n {
        return unify_collection_types(Type::set, types, unsafe_, dynamics > 0);
    } else if objects > 0 && objects + dynamics == n {
        return unify_object_types(types, unsafe_, dynamics > 0);
    } else if tuples > 0 && tuples + dynamics == n {
        return unify_tuple_types(types, unsafe_, dynamics > 0);
    } else if objects > 0 && tuples > 0 {
        return None;
    }

    'preferences: for want_idx in sort_types(types) {
        let want = &types[want_idx];
        for (i, try_ty) in types.iter().enumerate() {
            if i == want_idx || try_ty == want {
                continue;
            }
            if get_conversion(try_ty, want, unsafe_).is_none() {
                continue 'preferences;
            }
        }
        return unified(want.clone());
    }
    None
}

fn all_convert(types: &[Type], to: &Type, unsafe_: bool) -> bool {
    types
        .iter()
        .all(|t| t == to || get_conversion(t, to, unsafe_).is_some())
}

fn unify_tuples_as_list(types: &[Type], unsafe_: bool) -> Option<Unified> {
    let tuples: Vec<Type> = types
        .iter()
        .filter(|t| matches!(t, Type::Tuple(_)))
        .cloned()
        .collect();
    let list_ty = unify_tuple_types_to_list(&tuples, unsafe_)?.ty;
    if !matches!(list_ty, Type::List(_)) {
        return None;
    }
    let listed: Vec<Type> = types
        .iter()
        .map(|t| {
            if matches!(t, Type::Tuple(_)) {
                list_ty.clone()
            } else {
                t.clone()
            }
        })
        .collect();
    let u = unify_impl(&listed, unsafe_)?;
    matches!(u.ty, Type::List(_)).then_some(u)
}

fn unify_objects_as_maps(types: &[Type], unsafe_: bool) -> Option<Unified> {
    let objects: Vec<Type> = types
        .iter()
        .filter(|t| matches!(t, Type::Object(_)))
        .cloned()
        .collect();
    let map_ty = unify_object_types_to_map(&objects, unsafe_)?.ty;
    if !matches!(map_ty, Type::Map(_)) {
        return None;
    }
    let mapped: Vec<Type> = types
        .iter()
        .map(|t| {
            if matches!(t, Type::Object(_)) {
                map_ty.clone()
            } else {
                t.clone()
            }
        })
        .collect();
    let u = unify_impl(&mapped, unsafe_)?;
    matches!(u.ty, Type::Map(_)).then_some(u)
}

fn unify_collection_types(
    make: fn(Type) -> Type,
    types: &[Type],
    unsafe_: bool,
    has_dynamic: bool,
) -> Option<Unified> {
    if has_dynamic {
        return Some(Unified {
            ty: Type::Dynamic,
            all_dynamic: true,
        });
    }
    let elems: Vec<Type> = types
        .iter()
        .filter_map(|t| t.element_type().cloned())
        .collect();
    let elem = unify_impl(&elems, unsafe_)?.ty;
    let ty = make(elem);
    all_convert(types, &ty, unsafe_).then_some(Unified {
        ty,
        all_dynamic: false,
    })
}

fn unify_object_types(types: &[Type], unsafe_: bool, has_dynamic: bool) -> Option<Unified> {
    if has_dynamic {
        return Some(Unified {
            ty: Type::Dynamic,
            all_dynamic: true,
        });
    }
    let attr_sets: Vec<&ObjectType> = types
        .iter()
        .filter_map(|t| match t {
            Type::Object(o) => Some(&**o),
            _ => None,
        })
        .collect();
    let first = attr_sets[0];
    for o in &attr_sets[1..] {
        if o.attrs.len() != first.attrs.len()
            || o.attrs.keys().any(|k| !first.attrs.contains_key(k))
        {
            return unify_object_types_to_map(types, unsafe_);
        }
    }
    let mut attrs = BTreeMap::new();
    for name in first.attrs.keys() {
        let across: Vec<Type> = attr_sets
            .iter()
            .filter_map(|o| o.attrs.get(name).cloned())
            .collect();
        attrs.insert(name.clone(), unify_impl(&across, unsafe_)?.ty);
    }
    let ty = Type::object(attrs);
    if all_convert(types, &ty, unsafe_) {
        unified(ty)
    } else {
        unify_object_types_to_map(types, unsafe_)
    }
}

fn unify_object_types_to_map(types: &[Type], unsafe_: bool) -> Option<Unified> {
    let mut atys = Vec::new();
    for t in types {
        if let Type::Object(o) = t {
            atys.extend(o.attrs.values().cloned());
        }
    }
    let ety = unify_impl(&atys, unsafe_)?.ty;
    let ty = Type::map(ety);
    all_convert(types, &ty, unsafe_).then_some(Unified {
        ty,
        all_dynamic: false,
    })
}

fn unify_tuple_types(types: &[Type], unsafe_: bool, has_dynamic: bool) -> Option<Unified> {
    if has_dynamic {
        return Some(Unified {
            ty: Type::Dynamic,
            all_dynamic: true,
        });
    }
    let elem_lists: Vec<&Vec<Type>> = types
        .iter()
        .filter_map(|t| match t {
            Type::Tuple(es) => Some(&**es),
            _ => None,
        })
        .collect();
    let first = elem_lists[0];
    if elem_lists[1..].iter().any(|es| es.len() != first.len()) {
        return unify_tuple_types_to_list(types, unsafe_);
    }
    let mut etys = Vec::with_capacity(first.len());
    for i in 0..first.len() {
        let across: Vec<Type> = elem_lists.iter().map(|es| es[i].clone()).collect();
        etys.push(unify_impl(&across, unsafe_)?.ty);
    }
    let ty = Type::tuple(etys);
    if all_convert(types, &ty, unsafe_) {
        unified(ty)
    } else {
        unify_tuple_types_to_list(types, unsafe_)
    }
}

fn unify_tuple_types_to_list(types: &[Type], unsafe_: bool) -> Option<Unified> {
    let mut etys = Vec::new();
    for t in types {
        if let Type::Tuple(es) = t {
            etys.extend(es.iter().cloned());
        }
    }
    let ety = unify_impl(&etys, unsafe_)?.ty;
    let ty = Type::list(ety);
    all_convert(types, &ty, unsafe_).then_some(Unified {
        ty,
        all_dynamic: false,
    })
}

/// cty's `sortTypes`: a topological order of `types` by [`compare_types`], most general first.
fn sort_types(types: &[Type]) -> Vec<usize> {
    let l = types.len();
    let mut edges: Vec<Vec<usize>> = vec![Vec::new(); l];
    for i in 0..l.saturating_sub(1) {
        for j in i + 1..l {
            match compare_types(&types[i], &types[j]) {
                c if c < 0 => edges[i].push(j),
                c if c > 0 => edges[j].push(i),
                _ => {}
            }
        }
    }
    let mut in_degree = vec![0usize; l];
    for outs in &edges {
        for &j in outs {
            in_degree[j] += 1;
        }
    }
    let mut order: Vec<usize> = (0..l).filter(|&i| in_degree[i] == 0).collect();
    let mut head = 0;
    while head < order.len() {
        let i = order[head];
        head += 1;
        for &j in &edges[i] {
            in_degree[j] -= 1;
            if in_degree[j] == 0 {
                order.push(j);
            }
        }
    }
    // cty's result slice is pre-sized, so types caught in a cycle show up as index 0.
    order.resize(l, 0);
    order
}

/// cty's `compareTypes`: negative when `a` is the more general (preferred) type.
fn compare_types(a: &Type, b: &Type) -> i32 {
    use Type as T;
    if *a == T::Dynamic || *b == T::Dynamic {
        if *a != T::Dynamic {
            return -1;
        }
        if *b != T::Dynamic {
            return 1;
        }
        return 0;
    }
    if a.is_primitive() && b.is_primitive() && (*a == T::String || *b == T::String) {
        if *a != T::String {
            return 1;
        }
        if *b != T::String {
            return -1;
        }
        return 0;
    }
    match (a, b) {
        (T::List(x), T::List(y)) | (T::Set(x), T::Set(y)) | (T::Map(x), T::Map(y)) => {
            return compare_types(x, y)
        }
        _ => {}
    }
    let (a, b, swap) = match (a, b) {
        (T::Tuple(_), T::List(_))
        | (T::Object(_), T::Map(_))
        | (T::Set(_), T::Tuple(_))
        | (T::Set(_), T::List(_)) => (b, a, -1),
        _ => (a, b, 1),
    };
    if matches!(b, T::Set(_)) && matches!(a, T::Tuple(_) | T::List(_)) {
        return -swap;
    }
    if matches!(a, T::List(_)) && matches!(b, T::Tuple(_)) {
        return -swap;
    }
    if matches!(a, T::Map(_)) && matches!(b, T::Object(_)) {
        return -swap;
    }
    let pairwise = |cmps: Vec<i32>| -> i32 {
        let a_super = cmps.iter().any(|c| *c < 0);
        let b_super = cmps.iter().any(|c| *c > 0);
        match (a_super, b_super) {
            (true, true) => 0,
            (true, false) => -swap,
            (false, true) => swap,
            _ => 0,
        }
    };
    match (a, b) {
        (T::Object(x), T::Object(y)) => {
            if x.attrs.len() != y.attrs.len() {
                return 0;
            }
            let mut cmps = Vec::new();
            for (k, xt) in &x.attrs {
                match y.attrs.get(k) {
                    Some(yt) => cmps.push(compare_types(xt, yt)),
                    None => return 0,
                }
            }
            pairwise(cmps)
        }
        (T::Tuple(x), T::Tuple(y)) => {
            if x.len() != y.len() {
                return 0;
            }
            pairwise(
                x.iter()
                    .zip(y.iter())
                    .map(|(p, q)| compare_types(p, q))
                    .collect(),
            )
        }
        _ => 0,
    }
}

// ---------------------------------------------------------------------------------------------
// Mismatch messages
// ---------------------------------------------------------------------------------------------

/// cty's `MismatchMessage`: why a value of type `got` does not fit `want`, in the words
/// Terraform users see ("a number is required" comes from applying; this is the type-level
/// message, e.g. `attribute "name" is required` or `element 1: string required`).
pub fn mismatch_message(got: &Type, want: &Type) -> String {
    use Type as T;
    match (got, want) {
        (T::Object(g), T::Object(w)) => mismatch_message_objects(g, w),
        (T::Tuple(_), T::List(e)) if **e == T::Dynamic => {
            "all list elements must have the same type".into()
        }
        (T::Tuple(_), T::Set(e)) if **e == T::Dynamic => {
            "all set elements must have the same type".into()
        }
        (T::Object(_), T::Map(e)) if **e == T::Dynamic => {
            "all map elements must have the same type".into()
        }
        (T::Tuple(_) | T::Object(_), w) if w.is_collection() => {
            mismatch_message_collections_from_structural(got, want)
        }
        (g, w) if g.is_collection() && w.is_collection() => {
            mismatch_message_collections_from_collections(got, want)
        }
        _ => format!("{} required", friendly_name_for_constraint(want)),
    }
}

fn mismatch_message_objects(got: &ObjectType, want: &ObjectType) -> String {
    let mut missing: Vec<&String> = Vec::new();
    let mut unsafe_mismatch: Option<String> = None;
    let mut safe_mismatch: Option<String> = None;
    for (name, want_ty) in &want.attrs {
        let Some(got_ty) = got.attrs.get(name) else {
            if !want.optional.contains(name) {
                missing.push(name);
            }
            continue;
        };
        if got_ty == want_ty {
            continue;
        }
        if unsafe_mismatch.is_some() {
            continue;
        }
        if get_conversion(got_ty, want_ty, true).is_none() {
            unsafe_mismatch = Some(format!(
                "attribute {:?}: {}",
                name,
                mismatch_message(got_ty, want_ty)
            ));
        }
        if safe_mismatch.is_some() {
            continue;
        }
        if get_conversion(got_ty, want_ty, false).is_none() {
            safe_mismatch = Some(format!(
                "attribute {:?}: {}",
                name,
                mismatch_message(got_ty, want_ty)
            ));
        }
    }
    if !missing.is_empty() {
        missing.sort();
        return match missing.len() {
            1 => format!("attribute {:?} is required", missing[0]),
            2 => format!(
                "attributes {:?} and {:?} are required",
                missing[0], missing[1]
            ),
            _ => {
                let (last, init) = missing
                    .split_last()
                    .map(|(l, i)| (*l, i))
                    .unwrap_or((missing[0], &[]));
                let mut buf = String::new();
                for name in init {
                    buf.push_str(&format!("{name:?}, "));
                }
                buf.push_str(&format!("and {last:?}"));
                format!("attributes {buf} are required")
            }
        };
    }
    unsafe_mismatch
        .or(safe_mismatch)
        .unwrap_or_else(|| "incorrect object attributes".into())
}

fn mismatch_message_collections_from_structural(got: &Type, want: &Type) -> String {
    use Type as T;
    let required = || format!("{} required", friendly_name_for_constraint(want));
    let want_ety = match want {
        T::List(e) | T::Set(e) if matches!(got, T::Tuple(_)) => e,
        T::Map(e) if matches!(got, T::Object(_)) => e,
        _ => return required(),
    };
    match got {
        T::Tuple(etys) => {
            for (i, ety) in etys.iter().enumerate() {
                if ety == &**want_ety || get_conversion(ety, want_ety, true).is_some() {
                    continue;
                }
                return format!("element {}: {}", i, mismatch_message(ety, want_ety));
            }
            format!(
                "all elements must be {}",
                friendly_name_for_constraint(want_ety)
            )
        }
        T::Object(o) => {
            for (name, aty) in &o.attrs {
                if aty == &**want_ety || get_conversion(aty, want_ety, true).is_some() {
                    continue;
                }
                return format!("element {:?}: {}", name, mismatch_message(aty, want_ety));
            }
            format!(
                "all elements must be {}",
                friendly_name_for_constraint(want_ety)
            )
        }
        _ => required(),
    }
}

fn mismatch_message_collections_from_collections(got: &Type, want: &Type) -> String {
    use Type as T;
    let required = || format!("{} required", friendly_name_for_constraint(want));
    let (noun, want_ety) = match want {
        T::List(e) if matches!(got, T::List(_) | T::Set(_)) => ("list element type", e),
        T::Set(e) if matches!(got, T::List(_) | T::Set(_)) => ("set element type", e),
        T::Map(e) if matches!(got, T::Map(_)) => ("map element type", e),
        _ => return required(),
    };
    let got_ety = got.element_type().cloned().unwrap_or(Type::Dynamic);
    format!(
        "incorrect {}: {}",
        noun,
        mismatch_message(&got_ety, want_ety)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    fn n(i: i64) -> Value {
        Value::from_i64(i)
    }
    fn s(x: &str) -> Value {
        Value::string(x)
    }

    #[test]
    fn primitive_conversions() {
        assert_eq!(convert(&n(5), &Type::String).unwrap(), s("5"));
        assert_eq!(
            convert(&Value::bool(true), &Type::String).unwrap(),
            s("true")
        );
        assert_eq!(
            convert(&s("12.5"), &Type::Number).unwrap(),
            Value::number(Number::parse("12.5").unwrap())
        );
        assert_eq!(convert(&s("1"), &Type::Bool).unwrap(), Value::bool(true));
        assert_eq!(
            convert(&s("x"), &Type::Number).unwrap_err().message,
            "a number is required"
        );
        assert_eq!(
            convert(&s("True"), &Type::Bool).unwrap_err().message,
            "a bool is required; to convert from string, use lowercase \"true\""
        );
        assert_eq!(
            convert(&n(1), &Type::Bool).unwrap_err().message,
            "bool required"
        );
        assert!(convert_safe(&s("1"), &Type::Number).is_err());
    }

    #[test]
    fn number_parsing_follows_go_parse_float() {
        for (text, want) in [
            ("1e3", "1000"),
            ("+1", "1"),
            (".5", "0.5"),
            ("5.", "5"),
            ("007", "7"),
            ("1p3", "8"),
            ("1E+2", "100"),
        ] {
            assert_eq!(
                parse_number(text).map(|n| n.to_string()),
                Some(want.to_string()),
                "{text}"
            );
        }
        for text in ["", " 1", "1_000", "0x10", ".", "e5", "1e", "--1"] {
            assert!(parse_number(text).is_none(), "{text}");
        }
        assert!(parse_number("-Inf").is_some_and(|n| n.is_infinite() && n.is_negative()));
    }

    #[test]
    fn tuple_to_list_unifies_elements() {
        let v = Value::tuple(vec![n(1), s("a")]);
        let out = convert(&v, &Type::list(Type::Dynamic)).unwrap();
        assert_eq!(out, Value::list(Type::String, vec![s("1"), s("a")]));
        let bad = Value::tuple(vec![s("a"), Value::empty_object()]);
        assert_eq!(
            convert(&bad, &Type::list(Type::Dynamic))
                .unwrap_err()
                .message,
            "all list elements must have the same type"
        );
        let bad = Value::tuple(vec![s("a"), Value::empty_object()]);
        assert_eq!(
            convert(&bad, &Type::list(Type::String))
                .unwrap_err()
                .message,
            "element 1: string required"
        );
    }

    #[test]
    fn objects_with_optional_attributes() {
        let mut attrs = BTreeMap::new();
        attrs.insert("a".to_string(), Type::String);
        attrs.insert("b".to_string(), Type::Number);
        let mut ot = ObjectType {
            attrs,
            optional: BTreeSet::new(),
        };
        ot.optional.insert("b".into());
        let want = Type::Object(Arc::new(ot));
        let v = Value::object(BTreeMap::from([
            ("a".to_string(), n(1)),
            ("c".to_string(), n(2)),
        ]));
        let out = convert(&v, &want).unwrap();
        assert_eq!(
            out,
            Value::object(BTreeMap::from([
                ("a".to_string(), s("1")),
                ("b".to_string(), Value::null(Type::Number))
            ]))
        );
        let v = Value::object(BTreeMap::from([("b".to_string(), n(1))]));
        assert_eq!(
            convert(&v, &want).unwrap_err().message,
            "attribute \"a\" is required"
        );
    }

    #[test]
    fn marks_unknowns_and_nulls_are_preserved() {
        let v = Value::tuple(vec![n(1).mark_sensitive(), Value::unknown(Type::Number)])
            .mark_sensitive();
        let out = convert(&v, &Type::list(Type::String)).unwrap();
        assert!(out.is_sensitive());
        let elems = out.as_elements().unwrap();
        assert_eq!(elems[0], s("1").mark_sensitive());
        assert_eq!(elems[1], Value::unknown(Type::String));
        assert_eq!(
            convert(&Value::dynamic_null(), &Type::list(Type::String)).unwrap(),
            Value::null(Type::list(Type::String))
        );
        // Set elements cannot carry marks: they move to the set.
        let out = convert(
            &Value::tuple(vec![s("a").mark_sensitive()]),
            &Type::set(Type::String),
        )
        .unwrap();
        assert!(out.is_sensitive());
        assert!(!out.as_elements().unwrap()[0].is_marked());
    }

    #[test]
    fn unify_follows_cty() {
        assert_eq!(unify(&[Type::String, Type::Number]), Some(Type::String));
        assert_eq!(unify(&[Type::Bool, Type::Number]), None);
        assert_eq!(
            unify(&[Type::list(Type::String), Type::list(Type::Number)]),
            Some(Type::list(Type::String))
        );
        let o1 = Type::object(BTreeMap::from([("a".to_string(), Type::Number)]));
        let o2 = Type::object(BTreeMap::from([("b".to_string(), Type::String)]));
        assert_eq!(unify(&[o1.clone(), o2]), Some(Type::map(Type::String)));
        let o3 = Type::object(BTreeMap::from([("a".to_string(), Type::String)]));
        assert_eq!(unify(&[o1, o3.clone()]), Some(o3));
        assert_eq!(unify(&[Type::String, Type::Dynamic]), Some(Type::Dynamic));
    }

    #[test]
    fn map_to_object() {
        let mut attrs = BTreeMap::new();
        attrs.insert("a".to_string(), Type::Number);
        let want = Type::object(attrs);
        let m = Value::map(
            Type::String,
            BTreeMap::from([("a".to_string(), s("2")), ("z".to_string(), s("x"))]),
        );
        assert_eq!(
            convert(&m, &want).unwrap(),
            Value::object(BTreeMap::from([("a".to_string(), n(2))]))
        );
        let m = Value::map(Type::String, BTreeMap::from([("z".to_string(), s("x"))]));
        assert_eq!(
            convert(&m, &want).unwrap_err().message,
            "map has no element for required attribute \"a\""
        );
    }
}
