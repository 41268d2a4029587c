//! Terraform itself reads what we write: a state rewritten by `LocalStateFile` (serial bumped,
//! lineage kept) is accepted by `terraform show -json` (Terraform 1.11.4). Skipped, with a
//! message, when `terraform` is not installed.

use std::process::Command;

use infra_state::*;
use serde_json::json;

#[test]
fn terraform_reads_states_we_write() {
    if Command::new("terraform").arg("version").output().is_err() {
        eprintln!("terraform not installed: skipping the interoperability check");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let fixture = format!("{}/tests/fixtures/tf1114_mixed.tfstate", env!("CARGO_MANIFEST_DIR"));
    let path = dir.path().join("terraform.tfstate");
    std::fs::copy(&fixture, &path).unwrap();
    let mut file = LocalStateFile::new(&path);
    let mut state = file.read().unwrap().unwrap();
    state.outputs.insert("added".into(), OutputState { value: json!("<&>"), type_: json!("string"), sensitive: false });
    assert!(file.write(&mut state).unwrap());
    assert_eq!(state.serial, 8);

    let rc = dir.path().join("empty.tfrc");
    std::fs::write(&rc, "").unwrap();
    let out = Command::new("terraform")
        .args(["show", "-json", "terraform.tfstate"])
        .current_dir(dir.path())
        .env("TF_CLI_CONFIG_FILE", &rc)
        .env("CHECKPOINT_DISABLE", "1")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let shown: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(shown["values"]["outputs"]["added"]["value"], json!("<&>"));
    let resources = shown["values"]["root_module"]["resources"].as_array().unwrap();
    assert_eq!(resources.len(), 5);
}
