//! Evaluates arbitrary expressions, including every built-in function call, through the engine's
//! lowering and evaluator. Checks: no panic, no stack overflow, no hang, no unbounded
//! allocation; and that the JSON text of a wholly known, unmarked result is stable through the
//! value crate's JSON round trip (how values reach state and plan files).
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
        // Not `back == value`: a number's JSON text is the shortest decimal at *its* precision,
        // which reads back at 512 bits as a (slightly) different number, exactly as in
        // Terraform (`pow(10, 308) * pow(10, 308)`). What must hold is that the text is stable.
        let json = value_to_json(&value);
        match value_from_json(&json, &value.ty()) {
            Ok(back) => assert_eq!(value_to_json(&back), json, "JSON round trip of {value:?} is not stable"),
            // Infinities are written as strings ("+Inf"), which a number type does not read
            // back; Terraform refuses to write them at all.
            Err(_) if json.to_string().contains("Inf") => {}
            Err(e) => panic!("JSON round trip of {value:?} failed: {e} (via {json})"),
        }
    }
});
