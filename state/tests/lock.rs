//! Locking: a second holder (thread or process) fails naming the first, or waits with a timeout;
//! a holder killed with SIGKILL leaves no lock behind; force-unlock rules.

use std::path::{Path, PathBuf};
use std::process::{Child, Command};
use std::time::{Duration, Instant};

use infra_state::*;

#[test]
fn second_thread_fails_naming_the_holder() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("terraform.tfstate");
    let mut info = LockInfo::new("OperationTypeApply");
    info.info = "first".into();
    let held = LocalLock::acquire(&path, info.clone(), Duration::ZERO).unwrap();
    let info_file = dir.path().join(".terraform.tfstate.lock.info");
    let on_disk: serde_json::Value = serde_json::from_slice(&std::fs::read(&info_file).unwrap()).unwrap();
    let keys: Vec<&String> = on_disk.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["ID", "Operation", "Info", "Who", "Version", "Created", "Path"]);
    assert_eq!(on_disk["ID"], info.id.as_str());

    let p2 = path.clone();
    let err = std::thread::spawn(move || LocalLock::acquire(&p2, LockInfo::new("OperationTypePlan"), Duration::ZERO).unwrap_err())
        .join()
        .unwrap();
    match &err {
        Error::Locked { holder: Some(holder), .. } => {
            assert_eq!(holder.id, info.id);
            assert_eq!(holder.operation, "OperationTypeApply");
            assert_eq!(holder.path, path.display().to_string());
        }
        other => panic!("unexpected {other}"),
    }
    let text = err.to_string();
    assert!(text.contains("Error acquiring the state lock"), "{text}");
    assert!(text.contains(&format!("  ID:        {}", info.id)), "{text}");

    held.unlock().unwrap();
    assert!(!info_file.exists());
    LocalLock::acquire(&path, LockInfo::new("OperationTypePlan"), Duration::ZERO).unwrap();
}

#[test]
fn waiting_with_a_timeout_gets_the_lock_when_released() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("terraform.tfstate");
    let held = LocalLock::acquire(&path, LockInfo::new("apply"), Duration::ZERO).unwrap();
    let p2 = path.clone();
    let waiter = std::thread::spawn(move || {
        let start = Instant::now();
        let lock = LocalLock::acquire(&p2, LockInfo::new("plan"), Duration::from_secs(10));
        (lock.map(|l| l.info().operation.clone()), start.elapsed())
    });
    std::thread::sleep(Duration::from_millis(300));
    drop(held);
    let (lock, waited) = waiter.join().unwrap();
    assert_eq!(lock.unwrap(), "plan");
    assert!(waited >= Duration::from_millis(250));

    // And a short timeout expires with the holder named.
    let _held = LocalLock::acquire(&path, LockInfo::new("apply"), Duration::ZERO).unwrap();
    let start = Instant::now();
    let err = LocalLock::acquire(&path, LockInfo::new("plan"), Duration::from_millis(300)).unwrap_err();
    assert!(start.elapsed() >= Duration::from_millis(300));
    assert!(matches!(err, Error::Locked { holder: Some(_), .. }));
}

/// Runs this test binary's `child_holder` entry as a separate process holding the lock.
fn spawn_holder(state: &Path, ready: &Path) -> Child {
    Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "child_holder", "--nocapture", "--test-threads=1"])
        .env("INFRA_STATE_TEST_HOLD", state)
        .env("INFRA_STATE_TEST_READY", ready)
        .spawn()
        .unwrap()
}

/// Not a test on its own: when run by `spawn_holder`, takes the lock and sleeps.
#[test]
fn child_holder() {
    let (Some(state), Some(ready)) = (std::env::var_os("INFRA_STATE_TEST_HOLD"), std::env::var_os("INFRA_STATE_TEST_READY")) else {
        return;
    };
    let mut info = LockInfo::new("OperationTypeApply");
    info.info = format!("pid {}", std::process::id());
    let _lock = LocalLock::acquire(Path::new(&state), info, Duration::ZERO).unwrap();
    std::fs::write(PathBuf::from(ready), b"ok").unwrap();
    std::thread::sleep(Duration::from_secs(60));
}

fn wait_for(path: &Path) {
    let start = Instant::now();
    while !path.exists() {
        assert!(start.elapsed() < Duration::from_secs(20), "child never took the lock");
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn second_process_fails_then_lock_is_free_after_kill_9() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("terraform.tfstate");
    let ready = dir.path().join("ready");
    let mut child = spawn_holder(&path, &ready);
    wait_for(&ready);

    let err = LocalLock::acquire(&path, LockInfo::new("plan"), Duration::ZERO).unwrap_err();
    let Error::Locked { holder: Some(holder), .. } = &err else { panic!("{err}") };
    assert_eq!(holder.info, format!("pid {}", child.id()));

    // force-unlock cannot break a live process's lock, and checks the ID.
    assert!(matches!(force_unlock(&path, "nope"), Err(Error::LockIdMismatch { .. })));
    assert!(matches!(force_unlock(&path, &holder.id), Err(Error::LockHeldByLiveProcess { .. })));

    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    // The OS lock died with the process; the info file is stale.
    let info_file = dir.path().join(".terraform.tfstate.lock.info");
    assert!(info_file.exists());
    force_unlock(&path, &holder.id).unwrap();
    assert!(!info_file.exists());
    assert!(matches!(force_unlock(&path, &holder.id), Err(Error::NotLocked { .. })));
    // Even without force-unlock, the next holder gets the lock at once.
    LocalLock::acquire(&path, LockInfo::new("plan"), Duration::ZERO).unwrap();
}

#[test]
fn lock_info_matches_go_time_format() {
    let info = LockInfo::new("x");
    assert!(info.created.ends_with('Z'));
    assert!(chrono_like(&info.created), "{}", info.created);
    let shown = info.to_string();
    assert!(shown.starts_with("Lock Info:\n  ID:        "));
    assert!(shown.contains(" +0000 UTC\n"), "{shown}");
}

fn chrono_like(s: &str) -> bool {
    s.len() >= 20 && &s[4..5] == "-" && &s[10..11] == "T"
}
