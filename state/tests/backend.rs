//! The local backend: Terraform's workspace layout, per-workspace stores, locks and history.

use std::time::Duration;

use infra_state::*;
use serde_json::json;

#[test]
fn workspaces_follow_terraform_layout() {
    let dir = tempfile::tempdir().unwrap();
    let backend = LocalBackend::new(dir.path());
    assert_eq!(backend.workspaces().unwrap(), vec!["default"]);
    backend.create_workspace("staging").unwrap();
    backend.create_workspace("dev").unwrap();
    assert_eq!(backend.workspaces().unwrap(), vec!["default", "dev", "staging"]);
    assert!(matches!(backend.create_workspace("dev"), Err(Error::WorkspaceExists(_))));
    for bad in ["", "a/b", "..", "a b", "é"] {
        assert!(matches!(backend.create_workspace(bad), Err(Error::InvalidWorkspace(_))), "{bad:?}");
    }
    assert!(matches!(backend.delete_workspace("default"), Err(Error::DeleteDefaultWorkspace)));
    assert!(matches!(backend.delete_workspace("nope"), Err(Error::NoSuchWorkspace(_))));

    let mut store = backend.state("dev").unwrap();
    let mut state = StateFile::new();
    state.outputs.insert("x".into(), OutputState { value: json!(1), type_: json!("number"), sensitive: false });
    store.write_snapshot(&mut state).unwrap();
    assert!(dir.path().join("terraform.tfstate.d/dev/terraform.tfstate").is_file());
    assert!(!dir.path().join("terraform.tfstate").exists());
    assert_eq!(store.location(), dir.path().join("terraform.tfstate.d/dev/terraform.tfstate").display().to_string());

    // Workspaces are independent states.
    assert!(backend.state("default").unwrap().read_snapshot().unwrap().is_none());
    backend.delete_workspace("dev").unwrap();
    assert_eq!(backend.workspaces().unwrap(), vec!["default", "staging"]);
}

#[test]
fn store_lock_excludes_another_store_and_names_the_holder() {
    let dir = tempfile::tempdir().unwrap();
    let backend = LocalBackend::new(dir.path());
    let mut first = backend.state("default").unwrap();
    let held = first.lock(LockInfo::new("OperationTypeApply"), Duration::ZERO).unwrap();
    let mut second = backend.state("default").unwrap();
    let err = second.lock(LockInfo::new("OperationTypePlan"), Duration::from_millis(100)).unwrap_err();
    let Error::Locked { holder: Some(holder), .. } = err else { panic!("{err}") };
    assert_eq!(holder.id, held.id);
    // Other workspaces are not locked.
    backend.create_workspace("w").unwrap();
    backend.state("w").unwrap().lock(LockInfo::new("x"), Duration::ZERO).unwrap();
    first.unlock().unwrap();
    second.lock(LockInfo::new("OperationTypePlan"), Duration::ZERO).unwrap();
}

#[test]
fn history_lists_and_reads_by_serial() {
    let dir = tempfile::tempdir().unwrap();
    let backend = LocalBackend::new(dir.path()).with_history(2);
    let mut store = backend.state("default").unwrap();
    let mut state = StateFile::new();
    for i in 0..4 {
        state.outputs.insert("n".into(), OutputState { value: json!(i), type_: json!("number"), sensitive: false });
        store.write_snapshot(&mut state).unwrap();
    }
    let serials: Vec<u64> = store.history().unwrap().iter().map(|h| h.serial).collect();
    assert_eq!(serials, vec![3, 4]);
    assert_eq!(store.history_snapshot(3).unwrap().outputs["n"].value, json!(2));
    assert!(matches!(store.history_snapshot(1), Err(Error::NoSuchSerial(1))));
}
