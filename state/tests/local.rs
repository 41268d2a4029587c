//! The local snapshot file: atomic write, mode 0600, backup, serial and lineage rules, history.

use std::os::unix::fs::PermissionsExt;

use infra_state::*;
use serde_json::json;

fn one_resource(state: &mut StateFile, id: &str) {
    state.resources = vec![ResourceState {
        module: None,
        mode: ResourceMode::Managed,
        type_: "terraform_data".into(),
        name: "a".into(),
        each: None,
        provider: "provider[\"terraform.io/builtin/terraform\"]".into(),
        instances: vec![InstanceState::new(None, json!({"id": id}))],
    }];
}

#[test]
fn first_write_creates_serial_1_mode_0600_without_backup() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("terraform.tfstate");
    let mut file = LocalStateFile::new(&path);
    assert!(file.read().unwrap().is_none());
    let mut state = StateFile::new();
    let lineage = state.lineage.clone();
    assert!(uuid_like(&lineage));
    one_resource(&mut state, "1");
    assert!(file.write(&mut state).unwrap());
    assert_eq!(state.serial, 1);
    let meta = std::fs::metadata(&path).unwrap();
    assert_eq!(meta.permissions().mode() & 0o777, 0o600);
    assert!(!dir.path().join("terraform.tfstate.backup").exists());
    let back = LocalStateFile::new(&path).read().unwrap().unwrap();
    assert_eq!(back, state);
    // No temporary files left behind.
    let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(names.len(), 1, "{names:?}");
}

fn uuid_like(s: &str) -> bool {
    s.len() == 36 && s.chars().filter(|c| *c == '-').count() == 4 && s.as_bytes()[14] == b'4'
}

#[test]
fn serial_bumps_only_on_change_and_backup_keeps_the_state_before_the_run() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("terraform.tfstate");
    let mut state = StateFile::new();
    one_resource(&mut state, "1");
    LocalStateFile::new(&path).write(&mut state).unwrap();
    let before_run = std::fs::read(&path).unwrap();

    // A new "run".
    let mut file = LocalStateFile::new(&path);
    let mut state = file.read().unwrap().unwrap();
    assert!(!file.write(&mut state).unwrap(), "unchanged content is not rewritten");
    assert_eq!(state.serial, 1);
    assert!(!dir.path().join("terraform.tfstate.backup").exists());

    one_resource(&mut state, "2");
    assert!(file.write(&mut state).unwrap());
    assert_eq!(state.serial, 2);
    one_resource(&mut state, "3");
    assert!(file.write(&mut state).unwrap());
    assert_eq!(state.serial, 3);
    // The backup is the file as it was before this run's first change, not the previous write.
    assert_eq!(std::fs::read(dir.path().join("terraform.tfstate.backup")).unwrap(), before_run);
    let mode = std::fs::metadata(dir.path().join("terraform.tfstate.backup")).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600);
}

#[test]
fn foreign_lineage_is_refused_and_file_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("terraform.tfstate");
    let mut state = StateFile::new();
    one_resource(&mut state, "1");
    LocalStateFile::new(&path).write(&mut state).unwrap();
    let bytes = std::fs::read(&path).unwrap();

    let mut other = StateFile::new();
    one_resource(&mut other, "2");
    let err = LocalStateFile::new(&path).write(&mut other).unwrap_err();
    assert!(matches!(err, Error::LineageMismatch { .. }), "{err}");
    let err = LocalStateFile::new(&path).push(&other, false).unwrap_err();
    assert!(matches!(err, Error::LineageMismatch { .. }), "{err}");
    assert_eq!(std::fs::read(&path).unwrap(), bytes);

    // An older serial of the same lineage is refused too, unless forced.
    let mut old = state.clone();
    old.serial = 0;
    let err = LocalStateFile::new(&path).push(&old, false).unwrap_err();
    assert!(matches!(err, Error::SerialRegression { stored: 1, writing: 0, .. }), "{err}");
    assert_eq!(std::fs::read(&path).unwrap(), bytes);
    LocalStateFile::new(&path).push(&other, true).unwrap();
    assert_eq!(LocalStateFile::new(&path).read().unwrap().unwrap().lineage, other.lineage);
}

#[test]
fn corrupt_file_is_an_error_and_is_not_overwritten() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("terraform.tfstate");
    std::fs::write(&path, b"{\"version\": 4, \"serial\": ").unwrap();
    let mut file = LocalStateFile::new(&path);
    let err = file.read().unwrap_err();
    assert!(matches!(err, Error::Read { source: ReadError::Truncated { line: 1, .. }, .. }), "{err}");
    let mut state = StateFile::new();
    assert!(file.write(&mut state).is_err());
    assert_eq!(std::fs::read(&path).unwrap(), b"{\"version\": 4, \"serial\": ");
}

#[test]
fn history_keeps_the_last_n_snapshots() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("terraform.tfstate");
    let mut file = LocalStateFile::new(&path).with_history(3);
    let mut state = StateFile::new();
    for i in 0..5 {
        one_resource(&mut state, &i.to_string());
        file.write(&mut state).unwrap();
    }
    let serials: Vec<u64> = file.history().unwrap().iter().map(|e| e.serial).collect();
    assert_eq!(serials, vec![3, 4, 5]);
    let third = file.history_snapshot(3).unwrap();
    assert_eq!(third.resources[0].instances[0].attributes, json!({"id": "2"}));
    assert!(matches!(file.history_snapshot(1), Err(Error::NoSuchSerial(1))));
}

/// The "unchanged" decision compares content, not the header: a snapshot another version of
/// Terraform wrote (other `terraform_version`) with the same content is not rewritten, while a
/// change anywhere past the header — even in one attribute deep in a resource — is.
#[test]
fn unchanged_content_under_another_writers_header_is_not_rewritten() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("terraform.tfstate");
    let mut state = StateFile::new();
    one_resource(&mut state, "1");
    LocalStateFile::new(&path).write(&mut state).unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    let other_writer = text.replace("\"terraform_version\": \"1.11.4\"", "\"terraform_version\": \"1.9.8\"");
    assert_ne!(text, other_writer);
    std::fs::write(&path, &other_writer).unwrap();

    let mut file = LocalStateFile::new(&path);
    let mut state = file.read().unwrap().unwrap();
    assert!(!file.write(&mut state).unwrap(), "same content, other header: not rewritten");
    assert_eq!(state.serial, 1);
    assert_eq!(std::fs::read_to_string(&path).unwrap(), other_writer);

    state.resources[0].instances[0].attributes = json!({"id": "1", "nested": {"x": [1, 2]}}).into();
    assert!(file.write(&mut state).unwrap());
    assert_eq!(state.serial, 2);
    let mut again = file.read().unwrap().unwrap();
    again.resources[0].instances[0].attributes = json!({"id": "1", "nested": {"x": [1, 3]}}).into();
    assert!(file.write(&mut again).unwrap(), "a deep change is a change");
    assert_eq!(again.serial, 3);
}
