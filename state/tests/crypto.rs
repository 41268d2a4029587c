//! Encryption at rest: nothing written in plaintext (snapshot, backup, history, journal), clear
//! errors for a wrong or missing key, tampering detected.

use std::path::Path;
use std::sync::Arc;

use infra_state::*;
use serde_json::json;

const SECRET: &str = "hunter2-very-secret";

fn secret_state() -> StateFile {
    let mut state = StateFile::new();
    state.outputs.insert("pw".into(), OutputState { value: json!(SECRET), type_: json!("string"), sensitive: true });
    state
}

fn assert_no_plaintext(dir: &Path) {
    for entry in walk(dir) {
        let bytes = std::fs::read(&entry).unwrap();
        let text = String::from_utf8_lossy(&bytes);
        assert!(!text.contains(SECRET), "plaintext secret in {}", entry.display());
        assert!(!text.contains("\"resources\""), "plaintext state in {}", entry.display());
    }
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}

fn key(byte: u8) -> Arc<Encryption> {
    Arc::new(Encryption::from_key([byte; 32]))
}

#[test]
fn everything_written_is_encrypted_and_reads_back() {
    let dir = tempfile::tempdir().unwrap();
    let backend = LocalBackend::new(dir.path()).with_encryption(Some(key(7)));
    let mut store = backend.state("default").unwrap();
    let mut state = secret_state();
    store.write_snapshot(&mut state).unwrap();
    let journal = store.open_journal(&state).unwrap();
    let addr = ObjectAddr::instance(None, ResourceMode::Managed, "t", "n", None);
    let id = journal
        .record_intent(Intent { id: 0, addr: addr.clone(), action: "create".into(), token: "tok".into(), provider: "p".into(), planned: json!({"password": SECRET}), at: String::new() })
        .unwrap();
    journal
        .record_outcome(Outcome { intent: id, changes: vec![ObjectChange { addr, provider: "p".into(), object: Some(InstanceState::new(None, json!({"password": SECRET}))) }], error: None })
        .unwrap();
    assert_no_plaintext(dir.path());
    // A second run: backup and history are written too.
    let mut store = backend.state("default").unwrap();
    let merged = store.compact(&*journal).unwrap();
    assert_eq!(merged.state.resources[0].instances[0].attributes, json!({"password": SECRET}));
    assert!(dir.path().join("terraform.tfstate.backup").exists());
    assert!(!store.history().unwrap().is_empty());
    assert_no_plaintext(dir.path());

    let replay = LocalBackend::new(dir.path()).with_encryption(Some(key(7))).state("default").unwrap().load().unwrap();
    assert_eq!(replay.state.outputs["pw"].value, json!(SECRET));
}

#[test]
fn wrong_or_missing_key_is_a_clear_error_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("terraform.tfstate");
    let mut state = secret_state();
    LocalStateFile::new(&path).with_encryption(Some(key(1))).write(&mut state).unwrap();
    let bytes = std::fs::read(&path).unwrap();

    let err = LocalStateFile::new(&path).with_encryption(Some(key(2))).read().unwrap_err();
    assert!(err.to_string().contains("wrong encryption key"), "{err}");
    let err = LocalStateFile::new(&path).read().unwrap_err();
    assert!(err.to_string().contains("INFRA_STATE_ENCRYPTION_KEY"), "{err}");
    let mut other = secret_state();
    assert!(LocalStateFile::new(&path).with_encryption(Some(key(2))).write(&mut other).is_err());
    assert_eq!(std::fs::read(&path).unwrap(), bytes);

    // Tampering is detected.
    let mut tampered = bytes.clone();
    let n = tampered.len() - 20;
    tampered[n] ^= 1;
    std::fs::write(&path, &tampered).unwrap();
    assert!(LocalStateFile::new(&path).with_encryption(Some(key(1))).read().is_err());
}

#[test]
fn passphrase_round_trip_and_wrong_passphrase() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("terraform.tfstate");
    let enc = Arc::new(Encryption::from_passphrase("correct horse").unwrap());
    let mut state = secret_state();
    LocalStateFile::new(&path).with_encryption(Some(enc)).write(&mut state).unwrap();
    // A new instance (new salt for its own writes) still reads the file's salt.
    let again = Arc::new(Encryption::from_passphrase("correct horse").unwrap());
    let read = LocalStateFile::new(&path).with_encryption(Some(again)).read().unwrap().unwrap();
    assert_eq!(read.outputs["pw"].value, json!(SECRET));
    let wrong = Arc::new(Encryption::from_passphrase("battery staple").unwrap());
    let err = LocalStateFile::new(&path).with_encryption(Some(wrong)).read().unwrap_err();
    assert!(err.to_string().contains("wrong encryption key or passphrase"), "{err}");
    // A raw key for a passphrase-encrypted file says so.
    let err = LocalStateFile::new(&path).with_encryption(Some(key(1))).read().unwrap_err();
    assert!(err.to_string().contains("passphrase"), "{err}");
}

#[test]
fn turning_encryption_on_encrypts_the_backup_of_the_plain_state() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("terraform.tfstate");
    let mut state = secret_state();
    LocalStateFile::new(&path).write(&mut state).unwrap();
    let mut file = LocalStateFile::new(&path).with_encryption(Some(key(3)));
    let mut state = file.read().unwrap().unwrap();
    state.outputs.insert("more".into(), OutputState { value: json!(1), type_: json!("number"), sensitive: false });
    file.write(&mut state).unwrap();
    assert_no_plaintext(dir.path());
    let backup = LocalStateFile::new(dir.path().join("terraform.tfstate.backup")).with_encryption(Some(key(3))).read().unwrap().unwrap();
    assert_eq!(backup.outputs["pw"].value, json!(SECRET));
}

#[test]
fn hex_keys_are_validated() {
    assert!(Encryption::from_hex_key(&"ab".repeat(32)).is_ok());
    let err = Encryption::from_hex_key("abc").unwrap_err();
    assert!(err.to_string().contains("64 hexadecimal digits"), "{err}");
    assert!(Encryption::from_hex_key(&"zz".repeat(32)).is_err());
    assert!(Encryption::from_passphrase("").is_err());
}
