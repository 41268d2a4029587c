//! Parses arbitrary bytes as a state journal (magic bytes, then length + CRC32 framed JSON
//! records) and replays what it accepts. Checks: no panic; what the parser reports is consistent
//! (the valid prefix plus the torn tail is the whole input, and the valid prefix alone parses to
//! the same records with no torn tail).
//!
//! Two modes, chosen by the first byte, so that the fuzzer reaches record decoding and replay
//! without having to forge CRC32 checksums:
//! - `F`: the rest is JSON payloads separated by NUL bytes; the target frames them itself
//!   (magic, length, CRC32) before parsing;
//! - anything else: the bytes are the journal file as is.
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;

use infra_state::journal::{crc32, parse_journal, replay, JOURNAL_MAGIC};

fn frame(payloads: &[u8]) -> Vec<u8> {
    let mut out = JOURNAL_MAGIC.to_vec();
    for payload in payloads.split(|&b| b == 0) {
        out.extend_from_slice(&(payload.len() as u32).to_le_bytes());
        out.extend_from_slice(&crc32(payload).to_le_bytes());
        out.extend_from_slice(payload);
    }
    out
}

fuzz_target!(|data: &[u8]| {
    let path = Path::new("terraform.tfstate.journal");
    let framed;
    let bytes = match data.split_first() {
        Some((b'F', rest)) => {
            framed = frame(rest);
            &framed[..]
        }
        _ => data,
    };
    let Ok(contents) = parse_journal(bytes, path, None) else { return };
    let valid = contents.valid_len as usize;
    assert!(valid <= bytes.len(), "valid_len {valid} > input length {}", bytes.len());
    assert_eq!(valid as u64 + contents.torn_tail_bytes, bytes.len() as u64, "valid prefix + torn tail != input");
    if valid > 0 {
        match parse_journal(&bytes[..valid], path, None) {
            Ok(prefix) => {
                assert_eq!(prefix.records, contents.records, "the valid prefix has other records");
                assert_eq!(prefix.torn_tail_bytes, 0);
            }
            Err(e) => panic!("the valid prefix of an accepted journal is refused: {e}"),
        }
    }
    if let Ok(replayed) = replay(None, &contents, path) {
        std::hint::black_box(replayed.list());
        std::hint::black_box(infra_state::write_state(&replayed.state));
    }
});
