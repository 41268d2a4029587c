//! The state's own reader (`fast_read`, tried first by `read_state`) against serde_json: on any
//! bytes it reads, serde_json must read the same state with the same attribute texts; and
//! `read_state` must not panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Err(e) = infra_state::format::fast_reader_agrees(data) {
        panic!("the fast state reader disagrees with serde_json: {e}");
    }
    let _ = infra_state::read_state(data);
});
