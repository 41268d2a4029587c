//! Reads arbitrary bytes as a state file. Checks: no panic; and when the bytes are a valid state,
//! writing it and reading the result back gives the same model, and writing is stable (writing
//! the re-read state gives the same bytes).
#![no_main]

use libfuzzer_sys::fuzz_target;

use infra_state::{read_state, write_state};

fuzz_target!(|data: &[u8]| {
    let Ok(Some(state)) = read_state(data) else { return };
    let written = write_state(&state);
    let again = match read_state(written.as_bytes()) {
        Ok(Some(s)) => s,
        other => panic!("write_state produced a state read_state refuses: {other:?}\n{written}"),
    };
    // `write_state` normalises (sorts resources and instances, sets the version); compare with
    // the normalised original.
    let mut expected = state.clone();
    expected.version = infra_state::STATE_FORMAT_VERSION;
    expected.normalize();
    assert_eq!(again, expected, "state changed through write_state/read_state\n{written}");
    assert_eq!(write_state(&again), written, "write_state is not stable");
});
