//! Helpers shared by the resource modules: typed attribute access, state objects, the
//! computed timestamp attributes, and the framework validators HashiCorp's schemas use.

use std::collections::BTreeMap;

use infra_provider_sdk::{AttrPath, Attribute, Block, Diagnostic, Diagnostics, Type, Value};
use infra_value::Number;

use crate::timestamp::{format_rfc3339, parse_rfc3339, Timestamp};

pub fn attr(v: &Value, name: &str) -> Value {
    v.get_attr(name).cloned().unwrap_or_else(Value::dynamic_null)
}

pub fn get_i64(v: &Value, name: &str) -> Option<i64> {
    v.get_attr(name).and_then(Value::as_number).and_then(Number::to_i64)
}

pub fn get_str(v: &Value, name: &str) -> Option<String> {
    v.get_attr(name).and_then(Value::as_str).map(str::to_string)
}

/// A copy of object `v` with some attributes replaced; the object's own marks are kept.
pub fn with_attrs(v: &Value, updates: Vec<(&str, Value)>) -> Value {
    let mut entries = v.as_entries().cloned().unwrap_or_default();
    for (name, value) in updates {
        entries.insert(name.to_string(), value);
    }
    Value::object(entries).mark(v.marks())
}

/// A state object of `block`'s type: every attribute present, null unless given.
pub fn complete_object(block: &Block, given: Vec<(&str, Value)>) -> Value {
    let mut entries: BTreeMap<String, Value> =
        block.attributes.iter().map(|(name, a)| (name.clone(), Value::null(a.ty.clone()))).collect();
    for (name, value) in given {
        entries.insert(name.to_string(), value);
    }
    Value::object(entries)
}

/// `year`, `month`, `day`, `hour`, `minute`, `second` and `unix` of a timestamp, in its own
/// offset (Go's `t.Year()` etc.).
pub fn time_parts(t: &Timestamp) -> Vec<(&'static str, Value)> {
    use chrono::{Datelike, Timelike};
    vec![
        ("year", Value::from_i64(i64::from(t.year()))),
        ("month", Value::from_i64(i64::from(t.month()))),
        ("day", Value::from_i64(i64::from(t.day()))),
        ("hour", Value::from_i64(i64::from(t.hour()))),
        ("minute", Value::from_i64(i64::from(t.minute()))),
        ("second", Value::from_i64(i64::from(t.second()))),
        ("unix", Value::from_i64(t.timestamp())),
    ]
}

pub const TIME_PART_DESCRIPTIONS: [(&str, &str); 7] = [
    ("year", "Number year of timestamp."),
    ("month", "Number month of timestamp."),
    ("day", "Number day of timestamp."),
    ("hour", "Number hour of timestamp."),
    ("minute", "Number minute of timestamp."),
    ("second", "Number second of timestamp."),
    ("unix", "Number of seconds since epoch time, e.g. `1581489373`."),
];

/// Adds the computed timestamp attributes to a block.
pub fn with_time_parts(mut block: Block) -> Block {
    for (name, description) in TIME_PART_DESCRIPTIONS {
        block = block.attr(name, Attribute::computed(Type::Number).describe(description));
    }
    block
}

pub fn ts_value(t: &Timestamp) -> Value {
    Value::string(format_rfc3339(t))
}

pub fn triggers(description: &str) -> Attribute {
    Attribute::optional(Type::map(Type::String)).force_new().describe(description)
}

/// An empty `map(string)`, which HashiCorp's import stores as `triggers`.
pub fn empty_triggers() -> Value {
    Value::map(Type::String, BTreeMap::new())
}

/// The `timetypes.RFC3339` check on a configured string attribute.
pub fn check_rfc3339(config: &Value, name: &str, diags: &mut Diagnostics) {
    if let Some(s) = get_str(config, name) {
        if let Err(e) = parse_rfc3339(&s) {
            diags.push(invalid_rfc3339(&s, &e).with_attr_path(AttrPath::attr(name)));
        }
    }
}

pub fn invalid_rfc3339(value: &str, err: &str) -> Diagnostic {
    Diagnostic::error(
        "Invalid RFC3339 String Value",
        format!("A string value was provided that is not valid RFC3339 string format.\n\nGiven Value: {value}\nError: {err}"),
    )
}

/// Parses a planned or stored RFC 3339 attribute (already validated), as a diagnostic on failure.
pub fn timestamp_attr(v: &Value, name: &str) -> Result<Option<Timestamp>, Diagnostics> {
    match get_str(v, name) {
        Some(s) if !s.is_empty() => parse_rfc3339(&s).map(Some).map_err(|e| invalid_rfc3339(&s, &e).into()),
        _ => Ok(None),
    }
}

/// The framework's resource-level `AtLeastOneOf`: unknown values defer the check.
pub fn check_at_least_one_of(config: &Value, names: &[&str], diags: &mut Diagnostics) {
    let values: Vec<Value> = names.iter().map(|n| attr(config, n)).collect();
    if values.iter().any(|v| !v.is_known()) || values.iter().any(|v| !v.is_null()) {
        return;
    }
    diags.push(Diagnostic::error(
        "Missing Attribute Configuration",
        format!("At least one of these attributes must be configured: [{}]", names.join(",")),
    ));
}

/// The framework validator `int64validator.AtLeast(min)`.
pub fn check_at_least(config: &Value, name: &str, min: i64, diags: &mut Diagnostics) {
    if let Some(v) = get_i64(config, name) {
        if v < min {
            diags.push(
                Diagnostic::error("Invalid Attribute Value", format!("Attribute {name} value must be at least {min}, got: {v}"))
                    .with_attr_path(AttrPath::attr(name)),
            );
        }
    }
}

pub fn out_of_range(what: &str) -> Diagnostics {
    Diagnostic::error("Timestamp out of range", format!("The {what} is outside the range of representable timestamps."))
        .into()
}
