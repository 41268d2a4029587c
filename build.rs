//! Links the `infra` executable position-dependent (`-no-pie`) on Linux with glibc.
//!
//! A position-independent executable is relocated by the dynamic loader at every start: ~38 000
//! relative relocations of this binary's tables (vtables, string and format tables), each
//! written into a copy-on-write page. That was ~1 ms of a run (about 180 page faults) — a
//! tenth of a small `plan`. Linked at a fixed address, the loader has ~150 relocations left.
//! The code stays position-independent; only the executable's own image loses address-space
//! randomisation (shared libraries, heap and stack keep it), as with Terraform's own Go
//! binaries, which are not PIE on Linux either. `INFRA_PIE=1` at build time keeps a PIE.
fn main() {
    println!("cargo:rerun-if-env-changed=INFRA_PIE");
    let os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    let env = std::env::var("CARGO_CFG_TARGET_ENV").unwrap_or_default();
    if os == "linux" && env == "gnu" && std::env::var_os("INFRA_PIE").is_none_or(|v| v != "1") {
        println!("cargo:rustc-link-arg-bins=-no-pie");
    }
}
