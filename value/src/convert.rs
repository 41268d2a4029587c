//! Type conversion with Terraform's rules (cty's `convert` package): safe and unsafe primitive
//! conversions (string↔number↔bool), tuple→list/set, object→map, list↔set, structural
//! conversions, `optional()` attributes, and type unification.
//!
//! TEMPORARY minimal version; the full rules are being written.

use crate::path::AttrPath;
use crate::types::Type;
use crate::value::{Kind, Value};

/// Why a value cannot be converted. `message` is Terraform's wording ("a number is required"),
/// `path` where inside the value the problem is.
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

/// Converts `value` to type `want`, preserving marks and unknowns.
pub fn convert(value: &Value, want: &Type) -> Result<Value, ConversionError> {
    if *want == Type::Dynamic {
        return Ok(value.clone());
    }
    let marks = value.marks();
    let (v, _) = value.clone().unmark();
    let out = match (v.kind(), want) {
        (Kind::Null(_), t) => Value::null(t.clone()),
        (Kind::Unknown(_), t) => Value::unknown(t.clone()),
        (_, t) if v.ty() == *t => v.clone(),
        (Kind::Number(n), Type::String) => Value::string(n.to_string()),
        (Kind::Bool(b), Type::String) => Value::string(if *b { "true" } else { "false" }),
        (Kind::String(s), Type::Number) => match crate::number::Number::parse(s) {
            Some(n) => Value::number(n),
            None => return Err(err("a number is required")),
        },
        (Kind::String(s), Type::Bool) => match &**s {
            "true" => Value::bool(true),
            "false" => Value::bool(false),
            _ => return Err(err("a bool is required")),
        },
        _ => return Err(err(&format!("{} required", want.friendly_name()))),
    };
    Ok(out.mark(marks))
}

fn err(m: &str) -> ConversionError {
    ConversionError { path: AttrPath::root(), message: m.to_string() }
}

/// The single type all of `types` convert to, if any (cty's `convert.Unify`).
pub fn unify(types: &[Type]) -> Option<Type> {
    let first = types.first()?;
    if types.iter().all(|t| t == first) {
        Some(first.clone())
    } else {
        None
    }
}
