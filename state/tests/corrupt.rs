//! The corrupt-state corpus (fixtures/corrupt/*.tfstate, expectations in expected.tsv): every
//! malformed file gives a clear error, and neither reading nor a refused write changes its bytes
//! or its modification time.

use std::path::PathBuf;

use infra_state::*;

fn corpus() -> Vec<(PathBuf, String)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/corrupt");
    let manifest = std::fs::read_to_string(dir.join("expected.tsv")).unwrap();
    manifest
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .map(|l| {
            let (file, expect) = l.split_once('\t').unwrap();
            (dir.join(file), expect.to_owned())
        })
        .collect()
}

#[test]
fn every_corrupt_file_is_a_clear_error_and_stays_unchanged() {
    let cases = corpus();
    assert!(cases.len() >= 50, "{}", cases.len());
    let mut failures = Vec::new();
    for (fixture, expect) in cases {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("terraform.tfstate");
        std::fs::copy(&fixture, &path).unwrap();
        let before = std::fs::read(&path).unwrap();
        let mtime = std::fs::metadata(&path).unwrap().modified().unwrap();

        let mut file = LocalStateFile::new(&path);
        match file.read() {
            Ok(_) => failures.push(format!("{}: read succeeded", fixture.display())),
            Err(err) => {
                let text = err.to_string();
                // Visible with --nocapture, to review the wording of every message.
                eprintln!("{}\n  {text}", fixture.file_name().unwrap().to_string_lossy());
                if !text.contains(&expect) {
                    failures.push(format!("{}: expected {expect:?} in: {text}", fixture.display()));
                }
                if !text.contains(&path.display().to_string()) {
                    failures.push(format!("{}: error does not name the file: {text}", fixture.display()));
                }
            }
        }
        // Through the backend as the CLI would use it: load and a write attempt both fail.
        let mut store = LocalBackend::new(dir.path()).state(DEFAULT_WORKSPACE).unwrap();
        if store.load().is_ok() {
            failures.push(format!("{}: load succeeded", fixture.display()));
        }
        let mut fresh = StateFile::new();
        if store.write_snapshot(&mut fresh).is_ok() {
            failures.push(format!("{}: write over it succeeded", fixture.display()));
        }
        assert_eq!(std::fs::read(&path).unwrap(), before, "{}", fixture.display());
        assert_eq!(std::fs::metadata(&path).unwrap().modified().unwrap(), mtime);
        assert!(!dir.path().join("terraform.tfstate.backup").exists());
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn json_errors_give_line_and_column() {
    let err = read_state(b"{\n  \"version\": 4,\n  \"serial\": x\n}").unwrap_err();
    assert!(matches!(err, ReadError::Syntax { line: 3, column: 13, .. }), "{err:?}");
    let text = err.to_string();
    assert!(text.contains("line 3 column 13"), "{text}");
}
