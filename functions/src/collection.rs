//! Terraform's collection functions: `length`, `lookup`, `merge`, `concat`, `flatten`, the set
//! operations, … Signatures, unknown handling, marks and messages follow Terraform 1.11 (its
//! `lang/funcs/collection.go` and cty 1.16's `stdlib`), since users see them.

use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::sync::LazyLock;

use infra_value::convert::{convert, set_value, unify_unsafe};
use infra_value::value::Kind;
use infra_value::{Marks, Number, Type, Value};
use unicode_segmentation::UnicodeSegmentation;

use crate::numeric::to_int;
use crate::registry::{arg_error, call_error, Function, Param};
use crate::{FuncContext, FuncError};

type R = Result<Value, FuncError>;

static FUNCTIONS: LazyLock<Vec<Function>> = LazyLock::new(|| {
    let dynamic = || Type::Dynamic;
    vec![
        Function::new(
            "alltrue",
            vec![Param::new("list", Type::list(Type::Bool))],
            |_| Ok(Type::Bool),
            alltrue,
        ),
        Function::new(
            "anytrue",
            vec![Param::new("list", Type::list(Type::Bool))],
            |_| Ok(Type::Bool),
            anytrue,
        ),
        Function::new(
            "chunklist",
            vec![
                Param::new("list", Type::list(Type::Dynamic)).allow_marked(),
                Param::new("size", Type::Number).allow_marked(),
            ],
            |args| Ok(Type::list(args[0].ty())),
            chunklist,
        ),
        Function::new("coalesce", vec![], coalesce_type, coalesce).variadic(
            Param::new("vals", dynamic())
                .allow_unknown()
                .allow_dynamic_type()
                .allow_null(),
        ),
        Function::new("coalescelist", vec![], coalescelist_type, coalescelist).variadic(
            Param::new("vals", dynamic())
                .allow_unknown()
                .allow_dynamic_type()
                .allow_null(),
        ),
        Function::new(
            "compact",
            vec![Param::new("list", Type::list(Type::String))],
            |_| Ok(Type::list(Type::String)),
            compact,
        ),
        Function::new("concat", vec![], concat_type, concat)
            .variadic(Param::new("seqs", dynamic()).allow_marked()),
        Function::new(
            "contains",
            vec![
                Param::new("list", dynamic()),
                Param::new("value", dynamic()),
            ],
            |_| Ok(Type::Bool),
            contains,
        ),
        Function::new(
            "distinct",
            vec![Param::new("list", Type::list(Type::Dynamic))],
            |args| Ok(args[0].ty()),
            distinct,
        ),
        Function::new(
            "element",
            vec![
                Param::new("list", dynamic()).allow_marked(),
                Param::new("index", Type::Number),
            ],
            element_type,
            element,
        ),
        Function::new(
            "flatten",
            vec![Param::new("list", dynamic()).allow_marked()],
            flatten_type,
            flatten,
        ),
        Function::new(
            "index",
            vec![
                Param::new("list", dynamic()),
                Param::new("value", dynamic()),
            ],
            |_| Ok(Type::Number),
            index,
        ),
        Function::new(
            "keys",
            vec![Param::new("inputMap", dynamic())
                .allow_unknown()
                .allow_marked()],
            keys_type,
            keys,
        ),
        Function::new(
            "length",
            vec![Param::new("value", dynamic())
                .allow_dynamic_type()
                .allow_unknown()
                .allow_marked()],
            length_type,
            length,
        ),
        Function::new(
            "list",
            vec![],
            |_| Err(call_error(LIST_REMOVED)),
            |_, _, _| Err(call_error(LIST_REMOVED)),
        )
        .variadic(
            Param::new("vals", dynamic())
                .allow_unknown()
                .allow_dynamic_type()
                .allow_null(),
        ),
        Function::new(
            "lookup",
            vec![
                Param::new("inputMap", dynamic())
                    .allow_marked()
                    .allow_unknown(),
                Param::new("key", Type::String)
                    .allow_marked()
                    .allow_unknown(),
            ],
            lookup_type,
            lookup,
        )
        .variadic(
            Param::new("default", dynamic())
                .allow_unknown()
                .allow_dynamic_type()
                .allow_null()
                .allow_marked(),
        ),
        Function::new(
            "map",
            vec![],
            |_| Err(call_error(MAP_REMOVED)),
            |_, _, _| Err(call_error(MAP_REMOVED)),
        )
        .variadic(
            Param::new("vals", dynamic())
                .allow_unknown()
                .allow_dynamic_type()
                .allow_null(),
        ),
        Function::new(
            "matchkeys",
            vec![
                Param::new("values", Type::list(Type::Dynamic)),
                Param::new("keys", Type::list(Type::Dynamic)),
                Param::new("searchset", Type::list(Type::Dynamic)),
            ],
            matchkeys_type,
            matchkeys,
        ),
        Function::new("merge", vec![], merge_type, merge).variadic(
            Param::new("maps", dynamic())
                .allow_dynamic_type()
                .allow_null()
                .allow_marked(),
        ),
        Function::new("one", vec![Param::new("list", dynamic())], one_type, one),
        Function::new("range", vec![], |_| Ok(Type::list(Type::Number)), range)
            .variadic(Param::new("params", Type::Number)),
        Function::new(
            "reverse",
            vec![Param::new("list", dynamic()).allow_marked()],
            reverse_type,
            reverse,
        ),
        Function::new(
            "setintersection",
            vec![Param::new("first_set", Type::set(Type::Dynamic)).allow_dynamic_type()],
            set_operation_type,
            setintersection,
        )
        .variadic(Param::new("other_sets", Type::set(Type::Dynamic)).allow_dynamic_type()),
        Function::new("setproduct", vec![], setproduct_type, setproduct)
            .variadic(Param::new("sets", dynamic()).allow_marked().allow_unknown()),
        Function::new(
            "setsubtract",
            vec![
                Param::new("a", Type::set(Type::Dynamic)).allow_dynamic_type(),
                Param::new("b", Type::set(Type::Dynamic)).allow_dynamic_type(),
            ],
            set_operation_type,
            setsubtract,
        ),
        Function::new(
            "setunion",
            vec![Param::new("first_set", Type::set(Type::Dynamic)).allow_dynamic_type()],
            set_operation_type,
            setunion,
        )
        .variadic(Param::new("other_sets", Type::set(Type::Dynamic)).allow_dynamic_type()),
        Function::new(
            "slice",
            vec![
                Param::new("list", dynamic()).allow_marked(),
                Param::new("start_index", Type::Number),
                Param::new("end_index", Type::Number),
            ],
            slice_type,
            slice,
        ),
        Function::new(
            "sort",
            vec![Param::new("list", Type::list(Type::String)).allow_unknown()],
            |_| Ok(Type::list(Type::String)),
            sort,
        ),
        Function::new(
            "sum",
            vec![Param::new("list", dynamic())],
            |_| Ok(Type::Number),
            sum,
        ),
        Function::new(
            "transpose",
            vec![Param::new("values", Type::map(Type::list(Type::String)))],
            |_| Ok(Type::map(Type::list(Type::String))),
            transpose,
        ),
        Function::new(
            "values",
            vec![Param::new("mapping", dynamic()).allow_marked()],
            values_type,
            values,
        ),
        Function::new(
            "zipmap",
            vec![
                Param::new("keys", Type::list(Type::String)).allow_marked(),
                Param::new("values", dynamic()).allow_marked(),
            ],
            zipmap_type,
            zipmap,
        ),
    ]
});

/// This family's functions.
pub fn functions() -> &'static [Function] {
    &FUNCTIONS
}

const LIST_REMOVED: &str = "the \"list\" function was deprecated in Terraform v0.12 and is no longer available; use tolist([ ... ]) syntax to write a literal list";
const MAP_REMOVED: &str = "the \"map\" function was deprecated in Terraform v0.12 and is no longer available; use tomap({ ... }) syntax to write a literal map";

// ----- small helpers -----

fn elements(v: &Value) -> &[Value] {
    v.as_elements().unwrap_or(&[])
}

fn unmark(v: &Value) -> (Value, Marks) {
    v.clone().unmark()
}

/// A list value whose element type is taken from `ty` (a list type) when empty.
fn list_of(ty: &Type, elems: Vec<Value>) -> Value {
    let ety = ty.element_type().cloned().unwrap_or(Type::Dynamic);
    Value::list(ety, elems)
}

/// cty's `stdlib.Equal` on two values: `None` when unknowns decide.
fn equal(a: &Value, b: &Value) -> Option<bool> {
    a.equals(b).as_bool()
}

fn is_list_or_tuple(t: &Type) -> bool {
    matches!(t, Type::List(_) | Type::Tuple(_))
}

// ----- alltrue, anytrue -----

fn alltrue(args: &[Value], _: &Type, _: &FuncContext) -> R {
    for v in elements(&args[0]) {
        if !v.is_known() {
            return Ok(Value::unknown(Type::Bool));
        }
        if v.is_null() || v.as_bool() == Some(false) {
            return Ok(Value::bool(false));
        }
    }
    Ok(Value::bool(true))
}

fn anytrue(args: &[Value], _: &Type, _: &FuncContext) -> R {
    let mut has_unknown = false;
    for v in elements(&args[0]) {
        if !v.is_known() {
            has_unknown = true;
            continue;
        }
        if v.as_bool() == Some(true) {
            return Ok(Value::bool(true));
        }
    }
    Ok(if has_unknown {
        Value::unknown(Type::Bool)
    } else {
        Value::bool(false)
    })
}

// ----- chunklist -----

fn chunklist(args: &[Value], _: &Type, _: &FuncContext) -> R {
    let (list, list_marks) = unmark(&args[0]);
    let (size, size_marks) = unmark(&args[1]);
    let marks = list_marks | size_marks;
    let size = to_int(&size).map_err(|e| call_error(format!("invalid size: {e}")))?;
    if size < 0 {
        return Err(call_error("the size argument must be positive"));
    }
    let list_ty = list.ty();
    let elems = elements(&list);
    if elems.is_empty() {
        return Ok(Value::empty_list(list_ty).mark(marks));
    }
    if size == 0 {
        return Ok(Value::list(list_ty, vec![list]).mark(marks));
    }
    let ety = list_ty.element_type().cloned().unwrap_or(Type::Dynamic);
    let chunks = elems
        .chunks(size as usize)
        .map(|c| Value::list(ety.clone(), c.to_vec()))
        .collect();
    Ok(Value::list(list_ty, chunks).mark(marks))
}

// ----- coalesce, coalescelist -----

fn coalesce_type(args: &[Value]) -> Result<Type, FuncError> {
    let types: Vec<Type> = args.iter().map(Value::ty).collect();
    unify_unsafe(&types).ok_or_else(|| call_error("all arguments must have the same type"))
}

fn coalesce(args: &[Value], ret: &Type, _: &FuncContext) -> R {
    for arg in args {
        let v = convert(arg, ret).unwrap_or_else(|_| arg.clone());
        if !v.is_known() {
            return Ok(Value::unknown(ret.clone()));
        }
        if v.is_null() {
            continue;
        }
        if *ret == Type::String && v.as_str() == Some("") {
            continue;
        }
        return Ok(v);
    }
    Err(call_error("no non-null, non-empty-string arguments"))
}

fn coalescelist_type(args: &[Value]) -> Result<Type, FuncError> {
    if args.is_empty() {
        return Err(call_error("at least one argument is required"));
    }
    let mut types = Vec::with_capacity(args.len());
    for arg in args {
        if !arg.is_known() {
            return Ok(Type::Dynamic);
        }
        let ty = arg.ty();
        if !is_list_or_tuple(&ty) {
            return Err(call_error("coalescelist arguments must be lists or tuples"));
        }
        types.push(ty);
    }
    let first = &types[0];
    if types.iter().all(|t| t == first) {
        Ok(first.clone())
    } else {
        Ok(Type::Dynamic)
    }
}

fn coalescelist(args: &[Value], ret: &Type, _: &FuncContext) -> R {
    for arg in args {
        if !arg.is_known() {
            return Ok(Value::unknown(ret.clone()));
        }
        if arg.is_null() {
            continue;
        }
        if !elements(arg).is_empty() {
            return Ok(arg.clone());
        }
    }
    Err(call_error("no non-null arguments"))
}

// ----- compact -----

fn compact(args: &[Value], ret: &Type, _: &FuncContext) -> R {
    if !args[0].is_wholly_known() {
        return Ok(Value::unknown(ret.clone()));
    }
    let out = elements(&args[0])
        .iter()
        .filter(|v| !v.is_null() && v.as_str() != Some(""))
        .cloned()
        .collect();
    Ok(Value::list(Type::String, out))
}

// ----- concat -----

fn concat_type(args: &[Value]) -> Result<Type, FuncError> {
    if args.is_empty() {
        return Err(call_error("at least one argument is required"));
    }
    if matches!(args[0].ty(), Type::List(_)) {
        let types: Vec<Type> = args.iter().map(Value::ty).collect();
        if types.iter().all(|t| matches!(t, Type::List(_))) {
            if let Some(common) = unify_unsafe(&types) {
                return Ok(common);
            }
        }
    }
    let mut etys = Vec::new();
    for (i, arg) in args.iter().enumerate() {
        let (v, _) = arg.unmark_deep();
        match v.ty() {
            Type::Tuple(ts) => etys.extend(ts.iter().cloned()),
            Type::List(e) => {
                if !v.is_known() {
                    return Ok(Type::Dynamic);
                }
                etys.extend(std::iter::repeat_n((*e).clone(), elements(&v).len()));
            }
            other => {
                return Err(arg_error(
                    i,
                    format!(
                        "all arguments must be lists or tuples; got {}",
                        other.friendly_name()
                    ),
                ));
            }
        }
    }
    Ok(Type::tuple(etys))
}

fn concat(args: &[Value], ret: &Type, _: &FuncContext) -> R {
    let mut marks = Marks::NONE;
    let mut vals = Vec::new();
    match ret {
        Type::List(_) => {
            for (i, list) in args.iter().enumerate() {
                let list = convert(list, ret).map_err(|e| arg_error(i, e.message))?;
                let (list, m) = list.unmark();
                marks |= m;
                vals.extend(elements(&list).iter().cloned());
            }
            Ok(list_of(ret, vals).mark(marks))
        }
        _ => {
            for seq in args {
                let (seq, m) = unmark(seq);
                marks |= m;
                vals.extend(elements(&seq).iter().cloned());
            }
            Ok(Value::tuple(vals).mark(marks))
        }
    }
}

// ----- contains, distinct, index -----

fn contains(args: &[Value], _: &Type, _: &FuncContext) -> R {
    let ty = args[0].ty();
    if !matches!(ty, Type::List(_) | Type::Tuple(_) | Type::Set(_)) {
        return Err(call_error("argument must be list, tuple, or set"));
    }
    let elems = elements(&args[0]);
    if elems.is_empty() {
        return Ok(Value::bool(false));
    }
    let mut contains_unknown = false;
    for v in elems {
        match equal(&args[1], v) {
            None => contains_unknown = true,
            Some(true) => return Ok(Value::bool(true)),
            Some(false) => {}
        }
    }
    Ok(if contains_unknown {
        Value::unknown(Type::Bool)
    } else {
        Value::bool(false)
    })
}

fn distinct(args: &[Value], ret: &Type, _: &FuncContext) -> R {
    if !args[0].is_wholly_known() {
        return Ok(Value::unknown(ret.clone()));
    }
    let mut out: Vec<Value> = Vec::new();
    for v in elements(&args[0]) {
        if !out.iter().any(|seen| equal(seen, v) == Some(true)) {
            out.push(v.clone());
        }
    }
    Ok(list_of(ret, out))
}

fn index(args: &[Value], _: &Type, _: &FuncContext) -> R {
    if !is_list_or_tuple(&args[0].ty()) {
        return Err(call_error("argument must be a list or tuple"));
    }
    let elems = elements(&args[0]);
    if elems.is_empty() {
        return Err(call_error("cannot search an empty list"));
    }
    for (i, v) in elems.iter().enumerate() {
        match equal(v, &args[1]) {
            None => return Ok(Value::unknown(Type::Number)),
            Some(true) => return Ok(Value::from_i64(i as i64)),
            Some(false) => {}
        }
    }
    Err(call_error("item not found"))
}

// ----- element -----

fn element_type(args: &[Value]) -> Result<Type, FuncError> {
    match args[0].ty() {
        Type::List(e) => Ok((*e).clone()),
        Type::Tuple(etys) => {
            if !args[1].is_known() {
                return Ok(Type::Dynamic);
            }
            let index = to_int(&args[1]).map_err(|e| call_error(format!("invalid index: {e}")))?;
            if etys.is_empty() {
                return Err(call_error("cannot use element function with an empty list"));
            }
            // Go's remainder keeps the dividend's sign; cty 1.16 then indexes with a negative
            // number and panics, which Terraform 1.11 reports as below.
            let i = index % etys.len() as i64;
            if i < 0 {
                return Err(call_error(format!(
                    "panic in function implementation: runtime error: index out of range [{i}]"
                )));
            }
            Ok(etys[i as usize].clone())
        }
        other => Err(call_error(format!(
            "cannot read elements from {}",
            other.friendly_name()
        ))),
    }
}

fn element(args: &[Value], ret: &Type, _: &FuncContext) -> R {
    let index = to_int(&args[1]).map_err(|e| call_error(format!("invalid index: {e}")))?;
    let (input, marks) = unmark(&args[0]);
    if !input.is_known() {
        return Ok(Value::unknown(ret.clone()));
    }
    let elems = elements(&input);
    if elems.is_empty() {
        return Err(call_error("cannot use element function with an empty list"));
    }
    let l = elems.len() as i64;
    let mut i = index % l;
    if i < 0 {
        i += l;
    }
    Ok(elems[i as usize].clone().mark(marks))
}

// ----- flatten -----

/// Flattens nested lists, sets and tuples; returns the elements, the marks of every sequence
/// flattened away, and whether the result is known.
fn flattener(list: &Value) -> (Vec<Value>, Marks, bool) {
    let (list, mut marks) = unmark(list);
    if !list.is_known() {
        return (Vec::new(), marks, false);
    }
    let mut out = Vec::new();
    let mut known = true;
    for v in elements(&list) {
        if !v.is_marked() && !v.is_known() && v.ty() == Type::Dynamic {
            known = false;
        }
        if !v.is_null() && v.ty().is_list_like() {
            if !v.is_known() {
                known = false;
                marks |= v.marks();
                continue;
            }
            let (inner, inner_marks, inner_known) = flattener(v);
            marks |= inner_marks;
            if inner_known {
                out.extend(inner);
            } else {
                known = false;
            }
        } else {
            out.push(v.clone());
        }
    }
    (out, marks, known)
}

fn flatten_type(args: &[Value]) -> Result<Type, FuncError> {
    if !args[0].is_wholly_known() {
        return Ok(Type::Dynamic);
    }
    if !args[0].ty().is_list_like() {
        return Err(call_error("can only flatten lists, sets and tuples"));
    }
    let (vals, _, known) = flattener(&args[0]);
    if !known {
        return Ok(Type::Dynamic);
    }
    Ok(Type::tuple(vals.iter().map(Value::ty).collect()))
}

fn flatten(args: &[Value], ret: &Type, _: &FuncContext) -> R {
    let (unmarked, marks) = unmark(&args[0]);
    if elements(&unmarked).is_empty() {
        return Ok(Value::empty_tuple().mark(marks));
    }
    let (out, marks, known) = flattener(&args[0]);
    if !known {
        return Ok(Value::unknown(ret.clone()).mark(marks));
    }
    Ok(Value::tuple(out).mark(marks))
}

// ----- keys, values -----

fn keys_type(args: &[Value]) -> Result<Type, FuncError> {
    match args[0].ty() {
        Type::Map(_) => Ok(Type::list(Type::String)),
        Type::Object(o) => Ok(Type::tuple(vec![Type::String; o.attrs.len()])),
        _ => Err(arg_error(0, "must have map or object type")),
    }
}

fn keys(args: &[Value], ret: &Type, _: &FuncContext) -> R {
    let (m, marks) = unmark(&args[0]);
    match m.ty() {
        Type::Object(o) => {
            Ok(Value::tuple(o.attrs.keys().map(Value::string).collect()).mark(marks))
        }
        _ => {
            if !m.is_known() {
                return Ok(Value::unknown(ret.clone()).mark(marks));
            }
            let keys = m
                .as_entries()
                .map(|e| e.keys().map(Value::string).collect())
                .unwrap_or_default();
            Ok(Value::list(Type::String, keys).mark(marks))
        }
    }
}

fn values_type(args: &[Value]) -> Result<Type, FuncError> {
    match args[0].ty() {
        Type::Map(e) => Ok(Type::list((*e).clone())),
        Type::Object(o) => Ok(Type::tuple(o.attrs.values().cloned().collect())),
        _ => Err(call_error("values() requires a map as the first argument")),
    }
}

fn values(args: &[Value], ret: &Type, _: &FuncContext) -> R {
    let (m, marks) = unmark(&args[0]);
    let vals: Vec<Value> = m
        .as_entries()
        .map(|e| e.values().cloned().collect())
        .unwrap_or_default();
    match ret {
        Type::Tuple(_) => Ok(Value::tuple(vals).mark(marks)),
        _ => Ok(list_of(ret, vals).mark(marks)),
    }
}

// ----- length -----

fn length_type(args: &[Value]) -> Result<Type, FuncError> {
    let ty = args[0].ty();
    match ty {
        Type::String | Type::Dynamic => Ok(Type::Number),
        t if t.is_collection() || t.is_structural() => Ok(Type::Number),
        _ => Err(call_error(
            "argument must be a string, a collection type, or a structural type",
        )),
    }
}

fn length(args: &[Value], _: &Type, _: &FuncContext) -> R {
    let (coll, marks) = unmark(&args[0]);
    let out = match coll.ty() {
        Type::Dynamic => Value::unknown(Type::Number),
        Type::Tuple(ts) => Value::from_i64(ts.len() as i64),
        Type::Object(o) => Value::from_i64(o.attrs.len() as i64),
        Type::String => match coll.kind() {
            Kind::String(s) => Value::from_i64(s.graphemes(true).count() as i64),
            _ => Value::unknown(Type::Number),
        },
        Type::Set(_) => match coll.as_elements() {
            // Unknown elements may coalesce with others, so the length is known only when
            // there are none (or just one element).
            Some(es) if es.len() <= 1 || coll.is_wholly_known() => Value::from_i64(es.len() as i64),
            _ => Value::unknown(Type::Number),
        },
        _ => match coll.len() {
            Some(n) if coll.is_known() => Value::from_i64(n as i64),
            _ => Value::unknown(Type::Number),
        },
    };
    Ok(out.mark(marks))
}

// ----- lookup -----

fn lookup_type(args: &[Value]) -> Result<Type, FuncError> {
    if args.len() > 3 {
        return Err(call_error(format!(
            "lookup() takes two or three arguments, got {}",
            args.len()
        )));
    }
    match args[0].ty() {
        Type::Object(o) => {
            if !args[1].is_known() {
                return Ok(Type::Dynamic);
            }
            let (key, _) = unmark(&args[1]);
            let key = key.as_str().unwrap_or_default().to_string();
            if let Some(t) = o.attrs.get(&key) {
                Ok(t.clone())
            } else if args.len() == 3 {
                Ok(args[2].ty())
            } else {
                Err(arg_error(
                    0,
                    format!("the given object has no attribute {key:?}"),
                ))
            }
        }
        Type::Map(e) => {
            if args.len() == 3 && convert(&args[2], &e).is_err() {
                return Err(arg_error(
                    2,
                    "the default value must have the same type as the map elements",
                ));
            }
            Ok((*e).clone())
        }
        _ => Err(arg_error(
            0,
            "lookup() requires a map as the first argument",
        )),
    }
}

fn lookup(args: &[Value], ret: &Type, _: &FuncContext) -> R {
    let (map, map_marks) = unmark(&args[0]);
    let (key, key_marks) = unmark(&args[1]);
    let marks = map_marks | key_marks;
    if !map.is_known() || !key.is_known() {
        return Ok(Value::unknown(ret.clone()).mark(marks));
    }
    let key_str = key.as_str().unwrap_or_default();
    if let Some(v) = map.get_attr(key_str) {
        return Ok(v.clone().mark(marks));
    }
    if let Some(default) = args.get(2) {
        let v = convert(default, ret).map_err(|e| call_error(e.message))?;
        return Ok(v.mark(marks));
    }
    let shown = if key_marks.contains(Marks::SENSITIVE) {
        "(sensitive value)".to_string()
    } else {
        format!("{key_str:?}")
    };
    Err(call_error(format!("lookup failed to find key {shown}")))
}

// ----- matchkeys -----

fn matchkeys_type(args: &[Value]) -> Result<Type, FuncError> {
    unify_unsafe(&[args[1].ty(), args[2].ty()])
        .ok_or_else(|| call_error("keys and searchset must be of the same type"))?;
    Ok(args[0].ty())
}

fn matchkeys(args: &[Value], ret: &Type, _: &FuncContext) -> R {
    let empty = || list_of(ret, Vec::new());
    if elements(&args[0]).len() != elements(&args[1]).len() {
        return Err(call_error("length of keys and values should be equal"));
    }
    let Some(ty) = unify_unsafe(&[args[1].ty(), args[2].ty()]) else {
        return Err(call_error("keys and searchset must be of the same type"));
    };
    let keys = convert(&args[1], &ty).map_err(|e| call_error(e.message))?;
    let searchset = convert(&args[2], &ty).map_err(|e| call_error(e.message))?;
    if elements(&searchset).is_empty() {
        return Ok(empty());
    }
    if !args[0].is_wholly_known() || !keys.is_wholly_known() {
        return Ok(Value::unknown(ret.clone()));
    }
    let values = elements(&args[0]);
    let mut out = Vec::new();
    for (i, key) in elements(&keys).iter().enumerate() {
        for search in elements(&searchset) {
            match equal(key, search) {
                None => return Ok(empty()),
                Some(true) => {
                    out.push(values[i].clone());
                    break;
                }
                Some(false) => {}
            }
        }
    }
    Ok(list_of(ret, out))
}

// ----- merge -----

fn merge_type(args: &[Value]) -> Result<Type, FuncError> {
    if args.is_empty() {
        return Ok(Type::empty_object());
    }
    let mut attrs: BTreeMap<String, Type> = BTreeMap::new();
    let mut first: Option<Type> = None;
    let mut matching = true;
    let mut attrs_known = true;
    for (i, arg) in args.iter().enumerate() {
        let ty = arg.ty();
        if ty == Type::Dynamic {
            return Ok(Type::Dynamic);
        }
        if !ty.is_map_like() {
            return Err(call_error(format!(
                "arguments must be maps or objects, got {:?}",
                ty.friendly_name()
            )));
        }
        let (arg, _) = unmark(arg);
        match &ty {
            Type::Object(o) if !arg.is_null() => {
                attrs.extend(o.attrs.iter().map(|(k, t)| (k.clone(), t.clone())));
            }
            Type::Map(e) => {
                if arg.is_null() {
                } else if arg.is_known() {
                    if let Some(entries) = arg.as_entries() {
                        attrs.extend(entries.keys().map(|k| (k.clone(), (**e).clone())));
                    }
                } else {
                    attrs_known = false;
                }
            }
            _ => {}
        }
        if i == 0 {
            first = Some(arg.ty());
            continue;
        }
        if matching && Some(&ty) != first.as_ref() {
            matching = false;
        }
    }
    if matching {
        return Ok(first.unwrap_or_else(Type::empty_object));
    }
    if !attrs_known {
        return Ok(Type::Dynamic);
    }
    Ok(Type::object(attrs))
}

fn merge(args: &[Value], ret: &Type, _: &FuncContext) -> R {
    let mut out = BTreeMap::new();
    let mut marks = Marks::NONE;
    for arg in args {
        if arg.is_null() {
            continue;
        }
        let (arg, m) = unmark(arg);
        marks |= m;
        if let Some(entries) = arg.as_entries() {
            out.extend(entries.iter().map(|(k, v)| (k.clone(), v.clone())));
        }
    }
    match ret {
        Type::Map(e) => Ok(Value::map((**e).clone(), out).mark(marks)),
        _ => Ok(Value::object(out).mark(marks)),
    }
}

// ----- one -----

const ONE_MESSAGE: &str = "must be a list, set, or tuple value with either zero or one elements";

fn one_type(args: &[Value]) -> Result<Type, FuncError> {
    match args[0].ty() {
        Type::List(e) | Type::Set(e) => Ok((*e).clone()),
        Type::Tuple(ts) if ts.is_empty() => Ok(Type::Dynamic),
        Type::Tuple(ts) if ts.len() == 1 => Ok(ts[0].clone()),
        _ => Err(arg_error(0, ONE_MESSAGE)),
    }
}

fn one(args: &[Value], ret: &Type, _: &FuncContext) -> R {
    let v = &args[0];
    let elems = elements(v);
    if matches!(v.ty(), Type::Set(_)) && elems.len() > 1 && !v.is_wholly_known() {
        // The length of a set with unknown elements is not known.
        return Ok(Value::unknown(ret.clone()));
    }
    match elems.len() {
        0 => Ok(Value::null(ret.clone())),
        1 => Ok(elems[0].clone()),
        _ => Err(arg_error(0, ONE_MESSAGE)),
    }
}

// ----- range -----

fn range(args: &[Value], _: &Type, _: &FuncContext) -> R {
    let nums: Vec<Number> = args.iter().filter_map(|v| v.as_number().cloned()).collect();
    let zero = Number::from_i64(0);
    let one = Number::from_i64(1);
    let minus_one = Number::from_i64(-1);
    let (start, end, step) = match nums.as_slice() {
        [end] => {
            let step = if *end < zero { minus_one } else { one };
            (zero.clone(), end.clone(), step)
        }
        [start, end] => {
            let step = if end < start { minus_one } else { one };
            (start.clone(), end.clone(), step)
        }
        [start, end, step] => (start.clone(), end.clone(), step.clone()),
        _ => return Err(call_error("must have one, two, or three arguments")),
    };
    // cty compares `step == cty.Zero` by identity, which is never true for a computed number,
    // so a zero step runs into the 1024-element limit below rather than the "step must not be
    // zero" error; Terraform 1.11 behaves so.
    let down = step < zero;
    if down {
        if end > start {
            return Err(arg_error(
                1,
                "end must be less than start when step is negative",
            ));
        }
    } else if end < start {
        return Err(arg_error(
            1,
            "end must be greater than start when step is positive",
        ));
    }
    let mut vals = Vec::new();
    let mut num = start;
    loop {
        if (down && num <= end) || (!down && num >= end) {
            break;
        }
        if vals.len() >= 1024 {
            return Err(call_error(
                "more than 1024 values were generated; either decrease the difference between start and end or use a smaller step",
            ));
        }
        vals.push(Value::number(num.clone()));
        num = num.add(&step).map_err(|e| call_error(e.to_string()))?;
    }
    Ok(Value::list(Type::Number, vals))
}

// ----- reverse -----

fn reverse_type(args: &[Value]) -> Result<Type, FuncError> {
    match args[0].ty() {
        Type::Tuple(ts) => Ok(Type::tuple(ts.iter().rev().cloned().collect())),
        Type::List(e) | Type::Set(e) => Ok(Type::list((*e).clone())),
        other => Err(arg_error(
            0,
            format!(
                "can only reverse list or tuple values, not {}",
                other.friendly_name()
            ),
        )),
    }
}

fn reverse(args: &[Value], ret: &Type, _: &FuncContext) -> R {
    let (input, marks) = unmark(&args[0]);
    let out: Vec<Value> = elements(&input).iter().rev().cloned().collect();
    match ret {
        Type::Tuple(_) => Ok(Value::tuple(out).mark(marks)),
        _ => Ok(list_of(ret, out).mark(marks)),
    }
}

// ----- set operations -----

fn set_operation_type(args: &[Value]) -> Result<Type, FuncError> {
    let mut etys = Vec::new();
    for arg in args {
        let ety = arg.ty().element_type().cloned().unwrap_or(Type::Dynamic);
        if arg.is_known() && elements(arg).is_empty() && ety == Type::Dynamic {
            continue;
        }
        etys.push(ety);
    }
    if etys.is_empty() {
        return Ok(Type::set(Type::Dynamic));
    }
    let ety = unify_unsafe(&etys)
        .ok_or_else(|| call_error("given sets must all have compatible element types"))?;
    Ok(Type::set(ety))
}

/// Converts every argument to the result type; `None` when one is not wholly known and the
/// operation cannot handle unknowns.
fn set_operands(
    args: &[Value],
    ret: &Type,
    allow_unknowns: bool,
) -> Result<Option<Vec<Value>>, FuncError> {
    let mut out = Vec::with_capacity(args.len());
    for (i, arg) in args.iter().enumerate() {
        let v = convert(arg, ret).map_err(|e| arg_error(i, e.message))?;
        if !allow_unknowns && !v.is_wholly_known() {
            return Ok(None);
        }
        out.push(v);
    }
    Ok(Some(out))
}

fn set_contains(set: &[Value], v: &Value) -> bool {
    v.is_wholly_known()
        && set
            .iter()
            .any(|e| e.is_wholly_known() && e.total_cmp(v) == Ordering::Equal)
}

fn result_set(ret: &Type, elems: Vec<Value>) -> Value {
    set_value(ret.element_type().cloned().unwrap_or(Type::Dynamic), elems)
}

fn setunion(args: &[Value], ret: &Type, _: &FuncContext) -> R {
    let Some(sets) = set_operands(args, ret, true)? else {
        return Ok(Value::unknown(ret.clone()));
    };
    let all = sets
        .iter()
        .flat_map(|s| elements(s).iter().cloned())
        .collect();
    Ok(result_set(ret, all))
}

fn setintersection(args: &[Value], ret: &Type, _: &FuncContext) -> R {
    let Some(sets) = set_operands(args, ret, false)? else {
        return Ok(Value::unknown(ret.clone()));
    };
    let mut acc: Vec<Value> = elements(&sets[0]).to_vec();
    for s in &sets[1..] {
        acc.retain(|v| set_contains(elements(s), v));
    }
    Ok(result_set(ret, acc))
}

fn setsubtract(args: &[Value], ret: &Type, _: &FuncContext) -> R {
    let Some(sets) = set_operands(args, ret, false)? else {
        return Ok(Value::unknown(ret.clone()));
    };
    let mut acc: Vec<Value> = elements(&sets[0]).to_vec();
    acc.retain(|v| !set_contains(elements(&sets[1]), v));
    Ok(result_set(ret, acc))
}

// ----- setproduct -----

fn setproduct_type(args: &[Value]) -> Result<Type, FuncError> {
    if args.len() < 2 {
        return Err(call_error("at least two arguments are required"));
    }
    let mut list_count = 0;
    let mut etys = Vec::with_capacity(args.len());
    for (i, arg) in args.iter().enumerate() {
        match arg.ty() {
            Type::Set(e) => etys.push((*e).clone()),
            Type::List(e) => {
                etys.push((*e).clone());
                list_count += 1;
            }
            Type::Tuple(ts) => {
                list_count += 1;
                if ts.is_empty() {
                    etys.push(Type::Dynamic);
                } else {
                    etys.push(
                        unify_unsafe(&ts)
                            .ok_or_else(|| arg_error(i, "all elements must be of the same type"))?,
                    );
                }
            }
            _ => return Err(arg_error(i, "a set or a list is required")),
        }
    }
    let tuple = Type::tuple(etys);
    Ok(if list_count == args.len() {
        Type::list(tuple)
    } else {
        Type::set(tuple)
    })
}

fn setproduct(args: &[Value], ret: &Type, _: &FuncContext) -> R {
    let mut marks = Marks::NONE;
    let mut unknown_length = false;
    let mut lists = Vec::with_capacity(args.len());
    for arg in args {
        let (arg, m) = unmark(arg);
        marks |= m;
        let set_with_unknowns =
            matches!(arg.ty(), Type::Set(_)) && elements(&arg).len() > 1 && !arg.is_wholly_known();
        if !arg.is_known() || set_with_unknowns {
            unknown_length = true;
        }
        lists.push(arg);
    }
    if unknown_length {
        return Ok(Value::unknown(ret.clone()).mark(marks));
    }
    let ety = ret.element_type().cloned().unwrap_or(Type::Dynamic);
    let sub_etys: Vec<Type> = match &ety {
        Type::Tuple(ts) => ts.to_vec(),
        _ => Vec::new(),
    };
    let mut product: Vec<Vec<Value>> = vec![Vec::new()];
    for (j, list) in lists.iter().enumerate() {
        let want = sub_etys.get(j).cloned().unwrap_or(Type::Dynamic);
        let mut next = Vec::new();
        for prefix in &product {
            for v in elements(list) {
                let v = if v.ty() == want {
                    v.clone()
                } else {
                    convert(v, &want).map_err(|e| call_error(e.message))?
                };
                let mut row = prefix.clone();
                row.push(v);
                next.push(row);
            }
        }
        product = next;
    }
    let rows: Vec<Value> = product.into_iter().map(Value::tuple).collect();
    match ret {
        Type::List(_) => Ok(Value::list(ety, rows).mark(marks)),
        _ => Ok(set_value(ety, rows).mark(marks)),
    }
}

// ----- slice -----

/// cty's `sliceIndexes`: the start and end, or `None` when either is unknown.
fn slice_indexes(args: &[Value]) -> Result<Option<(usize, usize)>, FuncError> {
    let (list, _) = unmark(&args[0]);
    let length = if matches!(list.ty(), Type::Tuple(_)) || list.is_known() {
        Some(match list.ty() {
            Type::Tuple(ts) => ts.len() as i64,
            _ => elements(&list).len() as i64,
        })
    } else {
        None
    };
    let mut start = None;
    let mut end = None;
    if args[1].is_known() {
        let s = to_int(&args[1]).map_err(|e| arg_error(1, format!("invalid start index: {e}")))?;
        if s < 0 {
            return Err(arg_error(1, "start index must not be less than zero"));
        }
        if length.is_some_and(|l| s > l) {
            return Err(arg_error(
                1,
                "start index must not be greater than the length of the list",
            ));
        }
        start = Some(s);
    }
    if args[2].is_known() {
        let e = to_int(&args[2]).map_err(|e| arg_error(2, format!("invalid end index: {e}")))?;
        if e < 0 {
            return Err(arg_error(2, "end index must not be less than zero"));
        }
        if length.is_some_and(|l| e > l) {
            return Err(arg_error(
                2,
                "end index must not be greater than the length of the list",
            ));
        }
        end = Some(e);
    }
    match (start, end) {
        (Some(s), Some(e)) if s > e => Err(arg_error(
            1,
            "start index must not be greater than end index",
        )),
        (Some(s), Some(e)) => Ok(Some((s as usize, e as usize))),
        _ => Ok(None),
    }
}

fn slice_type(args: &[Value]) -> Result<Type, FuncError> {
    let ty = args[0].ty();
    if matches!(ty, Type::Set(_)) {
        return Err(arg_error(
            0,
            "cannot slice a set, because its elements do not have indices; explicitly convert to a list if the ordering of the result is not important",
        ));
    }
    if !is_list_or_tuple(&ty) {
        return Err(arg_error(0, "must be a list or tuple value"));
    }
    let indexes = slice_indexes(args)?;
    match (&ty, indexes) {
        (Type::List(_), _) => Ok(ty.clone()),
        (Type::Tuple(ts), Some((s, e))) => Ok(Type::tuple(ts[s..e].to_vec())),
        _ => Ok(Type::Dynamic),
    }
}

fn slice(args: &[Value], ret: &Type, _: &FuncContext) -> R {
    let (input, marks) = unmark(&args[0]);
    if *ret == Type::Dynamic {
        return Ok(Value::dynamic_unknown().mark(marks));
    }
    let Some((start, end)) = slice_indexes(args)? else {
        return Ok(Value::unknown(ret.clone()).mark(marks));
    };
    let out = elements(&input)
        .get(start..end)
        .map(<[Value]>::to_vec)
        .unwrap_or_default();
    match ret {
        Type::Tuple(_) => Ok(Value::tuple(out).mark(marks)),
        _ => Ok(list_of(ret, out).mark(marks)),
    }
}

// ----- sort, sum, transpose -----

fn sort(args: &[Value], ret: &Type, _: &FuncContext) -> R {
    if !args[0].is_wholly_known() {
        // The order is unknown but the length is not: cty refines the result to exactly the
        // input's length, and Terraform's plan shows (and stores) such a value as a list of that
        // many unknown elements. Without refinements in the value model, that list is the result.
        return Ok(match args[0].len() {
            Some(n) if args[0].is_known() => Value::list(Type::String, vec![Value::unknown(Type::String); n]),
            _ => Value::unknown(ret.clone()),
        });
    }
    let mut strings = Vec::new();
    for (i, v) in elements(&args[0]).iter().enumerate() {
        match v.as_str() {
            Some(s) => strings.push(s.to_string()),
            None => {
                return Err(call_error(format!(
                    "given list element {i} is null; a null string cannot be sorted"
                )))
            }
        }
    }
    strings.sort();
    Ok(Value::list(
        Type::String,
        strings.into_iter().map(Value::string).collect(),
    ))
}

fn sum(args: &[Value], _: &Type, _: &FuncContext) -> R {
    let v = &args[0];
    let ty = v.ty();
    let Some(count) = v.len().filter(|_| ty.is_collection() || ty.is_structural()) else {
        return Err(arg_error(0, "cannot sum noniterable"));
    };
    if count == 0 {
        return Err(arg_error(0, "cannot sum an empty list"));
    }
    if !ty.is_list_like() {
        return Err(arg_error(
            0,
            format!(
                "argument must be list, set, or tuple. Received {}",
                ty.friendly_name()
            ),
        ));
    }
    if !v.is_wholly_known() {
        return Ok(Value::unknown(Type::Number));
    }
    let not_numbers = || arg_error(0, "argument must be list, set, or tuple of number values");
    let mut total: Option<Number> = None;
    for e in elements(v) {
        if e.is_null() {
            return Err(not_numbers());
        }
        let n = convert(e, &Type::Number).map_err(|_| not_numbers())?;
        let n = n.as_number().cloned().ok_or_else(not_numbers)?;
        total = Some(match total {
            None => n,
            Some(t) => t
                .add(&n)
                .map_err(|_| call_error("can't compute sum of opposing infinities"))?,
        });
    }
    total.map(Value::number).ok_or_else(not_numbers)
}

fn transpose(args: &[Value], ret: &Type, _: &FuncContext) -> R {
    let input = &args[0];
    if !input.is_wholly_known() {
        return Ok(Value::unknown(ret.clone()));
    }
    let mut tmp: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (in_key, in_val) in input.as_entries().into_iter().flatten() {
        if in_val.is_null() {
            return Err(call_error("input must not contain null list"));
        }
        for v in elements(in_val) {
            let Some(s) = v.as_str() else {
                return Err(call_error("input list must not contain null string"));
            };
            let keys = tmp.entry(s.to_string()).or_default();
            keys.push(in_key.clone());
            keys.sort();
        }
    }
    let out = tmp
        .into_iter()
        .map(|(k, vs)| {
            (
                k,
                Value::list(Type::String, vs.into_iter().map(Value::string).collect()),
            )
        })
        .collect();
    Ok(Value::map(Type::list(Type::String), out))
}

// ----- zipmap -----

fn zipmap_type(args: &[Value]) -> Result<Type, FuncError> {
    let keys = &args[0];
    match args[1].ty() {
        Type::List(e) => Ok(Type::map((*e).clone())),
        Type::Tuple(value_types) => {
            if !keys.is_wholly_known() {
                return Ok(Type::Dynamic);
            }
            let (keys, _) = unmark(keys);
            let raw = elements(&keys);
            if raw.len() != value_types.len() {
                return Err(call_error(format!(
                    "number of keys ({}) does not match number of values ({})",
                    raw.len(),
                    value_types.len()
                )));
            }
            let mut attrs = BTreeMap::new();
            for (i, k) in raw.iter().enumerate() {
                let (k, _) = unmark(k);
                let Some(key) = k.as_str() else {
                    return Err(call_error(format!("keys list has null value at index {i}")));
                };
                attrs.insert(key.to_string(), value_types[i].clone());
            }
            Ok(Type::object(attrs))
        }
        _ => Err(call_error("values argument must be a list or tuple value")),
    }
}

fn zipmap(args: &[Value], ret: &Type, _: &FuncContext) -> R {
    let (keys, key_marks) = unmark(&args[0]);
    let (values, value_marks) = unmark(&args[1]);
    let mut marks = key_marks | value_marks;
    if !keys.is_wholly_known() {
        return Ok(Value::unknown(ret.clone()).mark(marks));
    }
    let keys = elements(&keys);
    let values = elements(&values);
    if keys.len() != values.len() {
        return Err(call_error(format!(
            "number of keys ({}) does not match number of values ({})",
            keys.len(),
            values.len()
        )));
    }
    let mut out = BTreeMap::new();
    for (i, (k, v)) in keys.iter().zip(values).enumerate() {
        let (k, m) = unmark(k);
        marks |= m;
        let Some(key) = k.as_str() else {
            return Err(call_error(format!("keys list has null value at index {i}")));
        };
        out.insert(key.to_string(), v.clone());
    }
    match ret {
        Type::Map(e) => Ok(Value::map((**e).clone(), out).mark(marks)),
        Type::Object(_) => Ok(Value::object(out).mark(marks)),
        other => Err(call_error(format!(
            "internally selected incorrect result type {} (this is a bug)",
            other.friendly_name()
        ))),
    }
}
