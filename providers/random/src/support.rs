//! Helpers shared by the resource modules: reading typed attributes out of object values,
//! building complete state objects, and the planning rules every random resource shares.

use std::collections::BTreeMap;

use infra_provider_sdk::plan::{changed_force_new, differs, fill_block};
use infra_provider_sdk::{
    AttrPath, Attribute, Block, Diagnostic, PlanResourceRequest, PlanResourceResponse, ResourceSchema, Type, Value,
};
use infra_value::Number;

/// The description HashiCorp gives `keepers` on every resource.
pub const KEEPERS_DESCRIPTION: &str = "Arbitrary map of values that, when changed, will trigger recreation of \
resource. See [the main provider documentation](../index.html) for more information.";

/// The `keepers` argument. It is not marked `force_new` in the schema because its replacement
/// rule is subtler (see [`keepers_require_replace`]); [`plan_random`] applies that rule.
pub fn keepers() -> Attribute {
    Attribute::optional(Type::map(Type::String)).describe(KEEPERS_DESCRIPTION)
}

/// An attribute of an object value, or a dynamic null when absent.
pub fn attr(v: &Value, name: &str) -> Value {
    v.get_attr(name).cloned().unwrap_or_else(Value::dynamic_null)
}

/// A known, non-null integer attribute.
pub fn get_i64(v: &Value, name: &str) -> Option<i64> {
    v.get_attr(name).and_then(Value::as_number).and_then(Number::to_i64)
}

pub fn get_str(v: &Value, name: &str) -> Option<String> {
    v.get_attr(name).and_then(Value::as_str).map(str::to_string)
}

pub fn get_bool(v: &Value, name: &str) -> Option<bool> {
    v.get_attr(name).and_then(Value::as_bool)
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

/// An integer as a value.
pub fn int(i: i64) -> Value {
    Value::from_i64(i)
}

/// HashiCorp's `RequiresReplaceIfValuesNotNull` for `keepers`: a change replaces the object,
/// except when the only difference is keys with null values (terraform-plugin-sdk used to drop
/// those from state, so treating them as a change would replace objects on upgrade).
pub fn keepers_require_replace(prior: &Value, config: &Value) -> bool {
    if !config.is_known() {
        // Unknown keepers will be known only at apply: a change is possible.
        return true;
    }
    if !differs(prior, config) {
        return false;
    }
    let config_entries = config.as_entries();
    let prior_entries = prior.as_entries();
    match (prior_entries, config_entries) {
        (_, None) if config.is_null() => {
            // Keepers removed: a change when the prior map had any key at all.
            prior_entries.is_some_and(|m| !m.is_empty())
        }
        (None, Some(cfg)) => cfg.values().any(|v| !v.is_null()),
        (Some(prior), Some(cfg)) => {
            let config_key_changed = cfg.iter().any(|(k, v)| match prior.get(k) {
                None => !v.is_null(),
                Some(p) => differs(p, v),
            });
            let key_removed = prior.keys().any(|k| !cfg.contains_key(k));
            config_key_changed || key_removed
        }
        _ => true,
    }
}

/// Plans a random resource: defaults filled, computed attributes unknown on create and kept
/// from state on update (HashiCorp's `UseStateForUnknown`), and replacement when any argument
/// changes. `adjust` may rewrite the planned object (e.g. `number`/`numeric`) before the
/// comparison with the prior state.
pub fn plan_random(
    schema: &ResourceSchema,
    req: &PlanResourceRequest,
    adjust: impl FnOnce(&mut BTreeMap<String, Value>) -> Result<(), Box<Diagnostic>>,
) -> PlanResourceResponse {
    let block = &schema.block;
    let creating = req.prior_state.is_null();
    let filled = fill_block(block, &req.proposed_new_state, creating);
    let mut entries = filled.as_entries().cloned().unwrap_or_default();
    if let Err(d) = adjust(&mut entries) {
        return PlanResourceResponse::error(*d);
    }
    let planned = Value::object(entries).mark(filled.marks());
    let mut requires_replace = Vec::new();
    if !creating {
        requires_replace = changed_force_new(block, &req.prior_state, &planned);
        if block.attributes.contains_key("keepers")
            && keepers_require_replace(&attr(&req.prior_state, "keepers"), &attr(&req.config, "keepers"))
        {
            requires_replace.push(AttrPath::attr("keepers"));
        }
        requires_replace.sort();
    }
    PlanResourceResponse {
        planned_state: Some(planned),
        requires_replace,
        planned_private: req.prior_private.clone(),
        diagnostics: Default::default(),
    }
}

/// The framework validator `int64validator.AtLeast(min)`.
pub fn check_at_least(config: &Value, name: &str, min: i64, diags: &mut infra_provider_sdk::Diagnostics) {
    if let Some(v) = get_i64(config, name) {
        if v < min {
            diags.push(invalid_value(name, &format!("value must be at least {min}"), &v.to_string()));
        }
    }
}

/// The framework's "Invalid Attribute Value" diagnostic.
pub fn invalid_value(name: &str, description: &str, got: &str) -> Diagnostic {
    Diagnostic::error("Invalid Attribute Value", format!("Attribute {name} {description}, got: {got}"))
        .with_attr_path(AttrPath::attr(name))
}
