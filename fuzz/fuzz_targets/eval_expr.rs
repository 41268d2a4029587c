//! Evaluates arbitrary expressions, including every built-in function call, through the engine's
//! lowering and evaluator. Checks: no panic, no stack overflow, no hang, no unbounded
//! allocation; and that a wholly known, unmarked result survives the value crate's JSON round
//! trip (how values reach state and plan files).
#![no_main]

use libfuzzer_sys::fuzz_target;

use infra_value::json::{value_from_json, value_to_json};

fuzz_target!(|data: &[u8]| {
    if data.len() > infra_fuzz::MAX_TEXT_LEN {
        return;
    }
    let Ok(text) = std::str::from_utf8(data) else { return };
    if infra_fuzz::touches_files(text) {
        return;
    }
    let Some((value, _diags)) = infra_fuzz::evaluate(text) else { return };
    if value.is_wholly_known() && !value.has_marks_deep() {
        let json = value_to_json(&value);
        match value_from_json(&json, &value.ty()) {
            Ok(back) => assert!(back.raw_equals(&value), "JSON round trip changed {value:?} into {back:?} (via {json})"),
            Err(e) => panic!("JSON round trip of {value:?} failed: {e} (via {json})"),
        }
    }
});
