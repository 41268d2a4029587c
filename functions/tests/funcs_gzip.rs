//! `base64gzip` against Terraform 1.11.4, byte for byte.
//!
//! The golden fixtures in `tests/fixtures/gzip/` were recorded by `record.sh` there: each
//! `<name>.in` is an input text and `<name>.out` is `base64gzip(file("<name>.in"))` as
//! Terraform printed it. `big_17m.sha256` is the SHA-256 of Terraform's result for a generated
//! 17 MiB text (past 16 MiB, where Go rebases its hash chains), too big to keep as a file.

use std::io::Read;
use std::path::{Path, PathBuf};

use base64::Engine;
use infra_functions::encoding::goflate;
use infra_functions::{call, FuncContext};
use infra_value::Value;
use sha2::{Digest, Sha256};

fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/gzip")
}

fn ctx() -> FuncContext {
    FuncContext { base_dir: PathBuf::from("/"), plan_timestamp: String::new(), planning: false }
}

fn base64gzip(input: &str) -> String {
    let got = call("base64gzip", vec![Value::string(input)], &ctx()).expect("base64gzip");
    got.as_str().expect("a string result").to_string()
}

/// Every (name, input, Terraform's output) fixture.
fn fixtures() -> Vec<(String, String, String)> {
    let mut cases = Vec::new();
    for entry in std::fs::read_dir(fixtures_dir()).expect("fixtures dir") {
        let path = entry.expect("dir entry").path();
        if path.extension().and_then(|e| e.to_str()) != Some("in") {
            continue;
        }
        let name = path.file_stem().and_then(|s| s.to_str()).expect("name").to_string();
        let input = std::fs::read_to_string(&path).expect("input is UTF-8");
        let want = std::fs::read_to_string(path.with_extension("out")).expect("recorded output");
        cases.push((name, input, want.trim_end().to_string()));
    }
    cases.sort();
    cases
}

fn gunzip(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(bytes).read_to_end(&mut out).expect("valid gzip");
    out
}

#[test]
fn base64gzip_is_byte_identical_to_terraform() {
    let cases = fixtures();
    assert!(cases.len() >= 17, "expected the recorded fixtures, found {}", cases.len());
    let mut failures = Vec::new();
    for (name, input, want) in &cases {
        let got = base64gzip(input);
        if &got != want {
            let prefix = got.bytes().zip(want.bytes()).take_while(|(a, b)| a == b).count();
            failures.push(format!(
                "{name} ({} bytes): differs from base64 char {prefix} (got {} chars, want {})",
                input.len(),
                got.len(),
                want.len()
            ));
        }
    }
    assert!(failures.is_empty(), "{} of {} fixtures differ:\n{}", failures.len(), cases.len(), failures.join("\n"));
}

#[test]
fn short_texts_from_terraform_console() {
    // Recorded with `echo 'base64gzip("…")' | terraform console`.
    assert_eq!(base64gzip(""), "H4sIAAAAAAAA/wAAAP//AQAA//8AAAAAAAAAAA==");
    assert_eq!(base64gzip("hello"), "H4sIAAAAAAAA/8pIzcnJBwAAAP//AQAA//+GphA2BQAAAA==");
}

#[test]
fn output_has_go_framing_and_round_trips() {
    for (name, input, _) in fixtures() {
        let bytes = base64::engine::general_purpose::STANDARD.decode(base64gzip(&input)).expect("base64");
        // Go's header: no flags, mtime 0, XFL 0, OS 255.
        assert_eq!(bytes[..10], [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 255], "{name}");
        // Flush's empty stored block, then Close's final empty stored block, then the trailer.
        let n = bytes.len();
        assert_eq!(bytes[n - 17..n - 8], [0, 0, 0xff, 0xff, 1, 0, 0, 0xff, 0xff], "{name}");
        assert_eq!(gunzip(&bytes), input.as_bytes(), "{name}");
    }
}

/// A deterministic byte generator (64-bit LCG, the one `gen_inputs.py` uses).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        self.0 >> 33
    }
}

#[test]
fn round_trips_varied_inputs() {
    // Sizes around the window (32 KiB), its slide point and the stored-block limit (64 KiB),
    // over random, low-entropy and run-heavy data.
    let mut rng = Lcg(99);
    let sizes =
        [1usize, 2, 3, 4, 5, 257, 258, 259, 262, 4096, 32767, 32768, 32769, 65274, 65535, 65536, 65537, 140_000];
    for (k, &size) in sizes.iter().enumerate() {
        for kind in 0..3 {
            let data: Vec<u8> = (0..size)
                .map(|i| match kind {
                    0 => rng.next() as u8,
                    1 => b"abcd"[(rng.next() % 4) as usize],
                    _ => {
                        if (i / 300) % 2 == 0 {
                            b'z'
                        } else {
                            (i % 251) as u8
                        }
                    }
                })
                .collect();
            let bytes = goflate::gzip(&data);
            assert_eq!(gunzip(&bytes), data, "size {size} kind {kind} case {k}");
        }
    }
}

/// The same 17 MiB text `gen_inputs.py --big` writes.
fn big_text() -> Vec<u8> {
    let vocab: Vec<&str> = "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi omicron pi rho \
         sigma tau upsilon phi chi psi omega instance subnet vpc route table gateway bucket policy \
         role user group key value tag name id arn region zone"
        .split_whitespace()
        .collect();
    let size = 17 * 1024 * 1024;
    let mut rng = Lcg(2024);
    let mut out = Vec::with_capacity(size + 16);
    let mut count = 0u64;
    while out.len() < size {
        out.extend_from_slice(vocab[(rng.next() % vocab.len() as u64) as usize].as_bytes());
        count += 1;
        out.push(if count.is_multiple_of(16) { b'\n' } else { b' ' });
    }
    out.truncate(size);
    out
}

/// Past 16 MiB Go's compressor rebases its hash table; only an input this large reaches that
/// path. (The root Cargo.toml optimises infra-functions in test builds so this takes seconds.)
#[test]
fn seventeen_mebibytes_match_terraform() {
    let want = std::fs::read_to_string(fixtures_dir().join("big_17m.sha256")).expect("recorded digest");
    let data = big_text();
    let encoded = base64::engine::general_purpose::STANDARD.encode(goflate::gzip(&data));
    let got = format!("{:x}", Sha256::digest(encoded.as_bytes()));
    assert_eq!(got, want.trim());
}
