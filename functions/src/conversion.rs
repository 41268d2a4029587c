//! Terraform's conversion functions: `tobool`, `tonumber`, `tostring`, `tolist`, `toset`, `tomap`
//! (Terraform's `MakeToFunc`), and the mark functions `sensitive`, `nonsensitive`,
//! `issensitive` and `ephemeralasnull`.

use std::sync::LazyLock;

use infra_value::convert::{friendly_name_for_constraint, get_conversion, mismatch_message};
use infra_value::value::Kind;
use infra_value::{Marks, Type, Value};

use crate::numeric::go_quote;
use crate::registry::{arg_error, Function, Param};
use crate::{FuncContext, FuncError};

type R = Result<Value, FuncError>;

/// The one parameter of every function here: anything, including unknown, null and marked.
fn value_param(name: &'static str) -> Param {
    Param::new(name, Type::Dynamic)
        .allow_null()
        .allow_marked()
        .allow_dynamic_type()
        .allow_unknown()
}

static FUNCTIONS: LazyLock<Vec<Function>> = LazyLock::new(|| {
    vec![
        Function::new(
            "tobool",
            vec![value_param("v")],
            |a| to_type(a, &Type::Bool),
            |a, r, _| to_impl(a, r, &Type::Bool),
        ),
        Function::new(
            "tonumber",
            vec![value_param("v")],
            |a| to_type(a, &Type::Number),
            |a, r, _| to_impl(a, r, &Type::Number),
        ),
        Function::new(
            "tostring",
            vec![value_param("v")],
            |a| to_type(a, &Type::String),
            |a, r, _| to_impl(a, r, &Type::String),
        ),
        Function::new(
            "tolist",
            vec![value_param("v")],
            |a| to_type(a, &Type::list(Type::Dynamic)),
            |a, r, _| to_impl(a, r, &Type::list(Type::Dynamic)),
        ),
        Function::new(
            "toset",
            vec![value_param("v")],
            |a| to_type(a, &Type::set(Type::Dynamic)),
            |a, r, _| to_impl(a, r, &Type::set(Type::Dynamic)),
        ),
        Function::new(
            "tomap",
            vec![value_param("v")],
            |a| to_type(a, &Type::map(Type::Dynamic)),
            |a, r, _| to_impl(a, r, &Type::map(Type::Dynamic)),
        ),
        Function::new(
            "sensitive",
            vec![value_param("value")],
            |a| Ok(a[0].ty()),
            sensitive,
        ),
        Function::new(
            "nonsensitive",
            vec![value_param("value")],
            |a| Ok(a[0].ty()),
            nonsensitive,
        ),
        Function::new(
            "issensitive",
            vec![value_param("value")],
            |_| Ok(Type::Bool),
            issensitive,
        ),
        Function::new(
            "ephemeralasnull",
            vec![value_param("value")],
            |a| Ok(a[0].ty()),
            ephemeralasnull,
        ),
    ]
});

/// This family's functions.
pub fn functions() -> &'static [Function] {
    &FUNCTIONS
}

fn to_type(args: &[Value], want: &Type) -> Result<Type, FuncError> {
    let got = args[0].ty();
    if got == *want || get_conversion(&got, want, true).is_some() {
        return Ok(want.clone());
    }
    let message = match (&got, want) {
        (Type::Tuple(_), Type::Tuple(_)) => {
            format!(
                "incompatible tuple type for conversion: {}",
                mismatch_message(&got, want)
            )
        }
        (Type::Object(_), Type::Object(_)) => {
            format!(
                "incompatible object type for conversion: {}",
                mismatch_message(&got, want)
            )
        }
        _ => format!(
            "cannot convert {} to {}",
            got.friendly_name(),
            friendly_name_for_constraint(want)
        ),
    };
    Err(arg_error(0, message))
}

fn to_impl(args: &[Value], ret: &Type, want: &Type) -> R {
    let v = &args[0];
    if !v.is_known() {
        return Ok(Value::unknown(ret.clone()).mark(v.marks()));
    }
    match infra_value::convert::convert(v, ret) {
        Ok(out) => Ok(out),
        Err(_) => {
            let (val, _) = v.unmark_deep();
            let got = val.ty();
            let what = || {
                val.as_str()
                    .map(go_quote)
                    .unwrap_or_else(|| "string".to_string())
            };
            let message = if v.deep_marks().contains(Marks::SENSITIVE) {
                format!(
                    "cannot convert this sensitive {} to {}",
                    got.friendly_name(),
                    friendly_name_for_constraint(want)
                )
            } else if got == Type::String && *want == Type::Bool {
                format!(
                    "cannot convert {} to bool; only the strings \"true\" or \"false\" are allowed",
                    what()
                )
            } else if got == Type::String && *want == Type::Number {
                format!(
                    "cannot convert {} to number; given string must be a decimal representation of a number",
                    what()
                )
            } else {
                format!(
                    "cannot convert {} to {}",
                    got.friendly_name(),
                    friendly_name_for_constraint(want)
                )
            };
            Err(arg_error(0, message))
        }
    }
}

fn sensitive(args: &[Value], _: &Type, _: &FuncContext) -> R {
    Ok(args[0].clone().mark_sensitive())
}

/// Removes the sensitive mark of the value itself (Terraform 1.11 no longer rejects values that
/// were not sensitive). Marks nested inside stay.
fn nonsensitive(args: &[Value], _: &Type, _: &FuncContext) -> R {
    let (v, marks) = args[0].clone().unmark();
    Ok(v.mark(marks.without(Marks::SENSITIVE)))
}

/// True when the value itself is sensitive; nested sensitive values do not count, as in
/// Terraform (`issensitive({a = sensitive(1)})` is false).
fn issensitive(args: &[Value], _: &Type, _: &FuncContext) -> R {
    let v = &args[0];
    Ok(if v.is_sensitive() {
        Value::bool(true)
    } else if !v.is_known() {
        Value::unknown(Type::Bool)
    } else {
        Value::bool(false)
    })
}

fn ephemeralasnull(args: &[Value], _: &Type, _: &FuncContext) -> R {
    Ok(remove_ephemeral(&args[0]))
}

/// Replaces every ephemeral value (at any depth) by a null of its type, keeping other marks.
fn remove_ephemeral(v: &Value) -> Value {
    let marks = v.marks();
    if marks.contains(Marks::EPHEMERAL) {
        return Value::null(v.ty()).mark(marks.without(Marks::EPHEMERAL));
    }
    if !v.deep_marks().contains(Marks::EPHEMERAL) {
        return v.clone();
    }
    let out = match v.kind() {
        Kind::List(t, es) => Value::list(t.clone(), es.iter().map(remove_ephemeral).collect()),
        Kind::Set(t, es) => Value::set(t.clone(), es.iter().map(remove_ephemeral).collect()),
        Kind::Tuple(es) => Value::tuple(es.iter().map(remove_ephemeral).collect()),
        Kind::Map(t, m) => Value::map(
            t.clone(),
            m.iter()
                .map(|(k, e)| (k.clone(), remove_ephemeral(e)))
                .collect(),
        ),
        Kind::Object(m) => Value::object(
            m.iter()
                .map(|(k, e)| (k.clone(), remove_ephemeral(e)))
                .collect(),
        ),
        _ => v.clone().unmark().0,
    };
    out.mark(marks)
}
