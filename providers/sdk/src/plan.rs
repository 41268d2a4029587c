//! Generic planning from a schema, used by providers that need nothing special.
//!
//! The engine hands a provider the *proposed new state*: configuration values, with prior values
//! of computed attributes that configuration leaves null. This module turns that into a planned
//! state: defaults filled, computed attributes of a new object unknown, and the list of changed
//! `force_new` attributes.

use std::collections::BTreeMap;

use infra_value::value::Kind;
use infra_value::{AttrPath, Value};

use crate::protocol::{PlanResourceRequest, PlanResourceResponse};
use crate::schema::Block;

/// Plans create, update and delete generically. On update, changed `force_new` attributes
/// (and nested blocks) are returned in `requires_replace`; the engine then asks again with a
/// null prior state to plan the replacement object.
pub fn plan_from_schema(block: &Block, req: &PlanResourceRequest) -> PlanResourceResponse {
    if req.proposed_new_state.is_null() {
        return PlanResourceResponse { planned_state: Some(req.proposed_new_state.clone()), ..Default::default() };
    }
    let creating = req.prior_state.is_null();
    let planned = fill_block(block, &req.proposed_new_state, creating);
    let requires_replace = if creating { Vec::new() } else { changed_force_new(block, &req.prior_state, &planned) };
    PlanResourceResponse {
        planned_state: Some(planned),
        requires_replace,
        planned_private: req.prior_private.clone(),
        diagnostics: Default::default(),
    }
}

/// Fills defaults and, for a new object, marks computed attributes that are still null as
/// unknown.
pub fn fill_block(block: &Block, proposed: &Value, creating: bool) -> Value {
    let Some(entries) = proposed.as_entries() else { return proposed.clone() };
    let mut out: BTreeMap<String, Value> = entries.clone();
    for (name, attr) in &block.attributes {
        let current = entries.get(name).cloned().unwrap_or_else(|| Value::null(attr.ty.clone()));
        if current.is_null() {
            if let Some(d) = &attr.default {
                out.insert(name.clone(), d.clone());
                continue;
            }
            if attr.computed && creating {
                out.insert(name.clone(), Value::unknown(attr.ty.clone()));
                continue;
            }
        }
        out.insert(name.clone(), current);
    }
    let marks = proposed.marks();
    Value::object(out).mark(marks)
}

/// The top-level `force_new` attributes and blocks whose value differs between prior and
/// planned state. An unknown planned value counts as a change.
pub fn changed_force_new(block: &Block, prior: &Value, planned: &Value) -> Vec<AttrPath> {
    let mut paths = Vec::new();
    let get = |v: &Value, n: &str| v.get_attr(n).cloned().unwrap_or_else(Value::dynamic_null);
    for (name, attr) in &block.attributes {
        if attr.force_new && differs(&get(prior, name), &get(planned, name)) {
            paths.push(AttrPath::attr(name.clone()));
        }
    }
    for (name, nb) in &block.block_types {
        if nb.force_new && differs(&get(prior, name), &get(planned, name)) {
            paths.push(AttrPath::attr(name.clone()));
        }
    }
    paths
}

/// Whether two values differ for planning purposes: unknown differs from anything, marks are
/// ignored.
pub fn differs(a: &Value, b: &Value) -> bool {
    // Identical known values — every instance of a no-change plan — need no unmarking.
    if a.same_and_known(b) || a.raw_equals(b) && a.is_wholly_known() {
        return false;
    }
    let (a, _) = a.unmark_deep();
    let (b, _) = b.unmark_deep();
    if !a.is_wholly_known() || !b.is_wholly_known() {
        return true;
    }
    match a.equals(&b).kind() {
        Kind::Bool(eq) => !eq,
        _ => true,
    }
}
