//! JSON encodings: values as Terraform writes them in state, plan and `output -json`
//! (`value_to_json`, `value_from_json` guided by a type), and types as cty writes them
//! (`"string"`, `["list","string"]`, `["object",{"a":"number"}]`). Values and types can also be
//! decoded from JSON text directly ([`value_from_json_str`], [`type_from_json_str`]), the fast way
//! to read state, with the same results as through a `serde_json::Value`.

use std::collections::BTreeMap;

mod text;

pub use text::{JsonObjectReader, skip_string_text, skip_whitespace, try_value_from_json_str, type_from_json_str, value_from_json_str};

use serde_json::Value as Json;

use crate::number::Number;
use crate::types::Type;
use crate::value::{Kind, Value};

/// Encodes a known value as JSON. Marks are ignored (the caller records sensitive paths);
/// unknown values (which never reach state) encode as `null`.
pub fn value_to_json(v: &Value) -> Json {
    match v.kind() {
        Kind::Null(_) | Kind::Unknown(_) => Json::Null,
        Kind::Bool(b) => Json::Bool(*b),
        Kind::Number(n) => number_to_json(n),
        Kind::String(s) => Json::String(s.to_string()),
        Kind::List(_, es) | Kind::Set(_, es) | Kind::Tuple(es) => Json::Array(es.iter().map(value_to_json).collect()),
        Kind::Map(_, m) | Kind::Object(m) => Json::Object(m.iter().map(|(k, v)| (k.clone(), value_to_json(v))).collect()),
    }
}

/// A number as a JSON number token with Terraform's canonical text (so big and precise numbers
/// survive). Infinities have no JSON form; they are written as strings as cty does.
pub fn number_to_json(n: &Number) -> Json {
    // Terraform serialises numbers through msgpack and JSON, where negative zero becomes 0;
    // only `tostring`/`format`/`jsonencode` at evaluation time still see `-0`.
    if n.is_zero() {
        return Json::Number(0.into());
    }
    if n.is_infinite() {
        return Json::String(n.to_string());
    }
    match serde_json::from_str::<serde_json::Number>(&n.to_string()) {
        Ok(num) => Json::Number(num),
        Err(_) => Json::String(n.to_string()),
    }
}

/// Decodes JSON into a value of the given type. With `Type::Dynamic` the type is implied from the
/// JSON (objects → object, arrays → tuple), as `jsondecode` does.
pub fn value_from_json(j: &Json, ty: &Type) -> Result<Value, String> {
    match (ty, j) {
        (ty, Json::Null) => Ok(Value::null(ty.clone())),
        (Type::Dynamic, j) => Ok(implied_value(j)),
        (Type::Bool, Json::Bool(b)) => Ok(Value::bool(*b)),
        (Type::Bool, Json::String(s)) if s == "true" || s == "false" => Ok(Value::bool(s == "true")),
        (Type::Number, Json::Number(n)) => parse_number(&n.to_string()),
        (Type::Number, Json::String(s)) => parse_number(s),
        (Type::String, Json::String(s)) => Ok(Value::string(s)),
        (Type::String, Json::Number(n)) => Ok(Value::string(n.to_string())),
        (Type::String, Json::Bool(b)) => Ok(Value::string(if *b { "true" } else { "false" })),
        (Type::List(e), Json::Array(a)) => {
            Ok(Value::list((**e).clone(), a.iter().map(|x| value_from_json(x, e)).collect::<Result<_, _>>()?))
        }
        (Type::Set(e), Json::Array(a)) => {
            Ok(Value::set((**e).clone(), a.iter().map(|x| value_from_json(x, e)).collect::<Result<_, _>>()?))
        }
        (Type::Map(e), Json::Object(o)) => Ok(Value::map(
            (**e).clone(),
            o.iter().map(|(k, x)| Ok((k.clone(), value_from_json(x, e)?))).collect::<Result<_, String>>()?,
        )),
        (Type::Tuple(ts), Json::Array(a)) => {
            if ts.len() != a.len() {
                return Err(format!("tuple of {} elements required, found {}", ts.len(), a.len()));
            }
            Ok(Value::tuple(a.iter().zip(ts.iter()).map(|(x, t)| value_from_json(x, t)).collect::<Result<_, _>>()?))
        }
        (Type::Object(ot), Json::Object(o)) => {
            let mut attrs = BTreeMap::new();
            for (k, t) in &ot.attrs {
                let v = match o.get(k) {
                    Some(x) => value_from_json(x, t)?,
                    None => Value::null(t.clone()),
                };
                attrs.insert(k.clone(), v);
            }
            Ok(Value::object(attrs))
        }
        (ty, j) => Err(format!("{} required, found {}", ty.friendly_name(), json_kind(j))),
    }
}

fn parse_number(s: &str) -> Result<Value, String> {
    Number::parse(s).map(Value::number).ok_or_else(|| format!("invalid number {s:?}"))
}

fn json_kind(j: &Json) -> &'static str {
    match j {
        Json::Null => "null",
        Json::Bool(_) => "bool",
        Json::Number(_) => "number",
        Json::String(_) => "string",
        Json::Array(_) => "array",
        Json::Object(_) => "object",
    }
}

/// The value JSON implies without a type: objects become objects, arrays tuples.
pub fn implied_value(j: &Json) -> Value {
    match j {
        Json::Null => Value::dynamic_null(),
        Json::Bool(b) => Value::bool(*b),
        Json::Number(n) => Number::parse(&n.to_string()).map(Value::number).unwrap_or_else(|| Value::string(n.to_string())),
        Json::String(s) => Value::string(s),
        Json::Array(a) => Value::tuple(a.iter().map(implied_value).collect()),
        Json::Object(o) => Value::object(o.iter().map(|(k, v)| (k.clone(), implied_value(v))).collect()),
    }
}

/// cty's JSON type encoding.
pub fn type_to_json(t: &Type) -> Json {
    use serde_json::json;
    match t {
        Type::Dynamic => json!("dynamic"),
        Type::Bool => json!("bool"),
        Type::Number => json!("number"),
        Type::String => json!("string"),
        Type::List(e) => json!(["list", type_to_json(e)]),
        Type::Set(e) => json!(["set", type_to_json(e)]),
        Type::Map(e) => json!(["map", type_to_json(e)]),
        Type::Tuple(es) => json!(["tuple", es.iter().map(type_to_json).collect::<Vec<_>>()]),
        Type::Object(o) => {
            let attrs: serde_json::Map<String, Json> = o.attrs.iter().map(|(k, t)| (k.clone(), type_to_json(t))).collect();
            if o.optional.is_empty() {
                json!(["object", attrs])
            } else {
                json!(["object", attrs, o.optional.iter().collect::<Vec<_>>()])
            }
        }
    }
}

/// Parses cty's JSON type encoding.
pub fn type_from_json(j: &Json) -> Result<Type, String> {
    match j {
        Json::String(s) => match s.as_str() {
            "dynamic" => Ok(Type::Dynamic),
            "bool" => Ok(Type::Bool),
            "number" => Ok(Type::Number),
            "string" => Ok(Type::String),
            other => Err(format!("invalid type {other:?}")),
        },
        Json::Array(a) if a.len() >= 2 => {
            let kind = a[0].as_str().ok_or("invalid type: kind must be a string")?;
            match kind {
                "list" => Ok(Type::list(type_from_json(&a[1])?)),
                "set" => Ok(Type::set(type_from_json(&a[1])?)),
                "map" => Ok(Type::map(type_from_json(&a[1])?)),
                "tuple" => {
                    let es = a[1].as_array().ok_or("invalid tuple type")?;
                    Ok(Type::tuple(es.iter().map(type_from_json).collect::<Result<_, _>>()?))
                }
                "object" => {
                    let o = a[1].as_object().ok_or("invalid object type")?;
                    let attrs = o.iter().map(|(k, v)| Ok((k.clone(), type_from_json(v)?))).collect::<Result<_, String>>()?;
                    let mut ot = crate::types::ObjectType { attrs, optional: Default::default() };
                    if let Some(Json::Array(opt)) = a.get(2) {
                        ot.optional = opt.iter().filter_map(|x| x.as_str().map(String::from)).collect();
                    }
                    Ok(Type::Object(std::sync::Arc::new(ot)))
                }
                other => Err(format!("invalid type kind {other:?}")),
            }
        }
        _ => Err("invalid type".into()),
    }
}
