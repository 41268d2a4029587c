//! The journal: durable intents and outcomes, replay, torn tails, compaction and its crash
//! window, `state list` with unconfirmed instances, O(change) appends, SIGKILL mid-append.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use infra_state::*;
use serde_json::json;

fn addr(name: &str, key: Option<i64>) -> ObjectAddr {
    ObjectAddr::instance(None, ResourceMode::Managed, "local_file", name, key.map(InstanceKey::Int))
}

const PROVIDER: &str = "provider[\"registry.terraform.io/hashicorp/local\"]";

fn intent(a: ObjectAddr, action: &str) -> Intent {
    Intent {
        id: 0,
        addr: a,
        action: action.into(),
        token: new_idempotency_token(),
        provider: PROVIDER.into(),
        planned: json!({"filename": "x"}),
        at: String::new(),
    }
}

fn created(id: u64, a: ObjectAddr, attrs: serde_json::Value) -> Outcome {
    let mut object = InstanceState::new(None, attrs);
    object.sensitive_attributes = vec![vec![PathStep::GetAttr("content".into())]];
    object.dependencies = vec!["local_file.base".into()];
    Outcome { intent: id, changes: vec![ObjectChange { addr: a, provider: PROVIDER.into(), object: Some(object) }], error: None }
}

fn store_in(dir: &Path) -> Box<dyn StateStore> {
    LocalBackend::new(dir).state(DEFAULT_WORKSPACE).unwrap()
}

#[test]
fn intents_and_outcomes_replay_onto_the_snapshot() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = store_in(dir.path());
    let base = store.load().unwrap();
    assert_eq!(base.state.serial, 0);
    let journal = store.open_journal(&base.state).unwrap();

    let i1 = journal.record_intent(intent(addr("a", Some(0)), "create")).unwrap();
    let i2 = journal.record_intent(intent(addr("a", Some(1)), "create")).unwrap();
    let i3 = journal.record_intent(intent(addr("b", None), "create")).unwrap();
    assert_eq!((i1, i2, i3), (1, 2, 3));
    journal.record_outcome(created(i1, addr("a", Some(0)), json!({"id": "a0"}))).unwrap();
    journal.record_outcome(Outcome { intent: i3, changes: vec![], error: Some("permission denied".into()) }).unwrap();
    journal.append(&Record::Output { name: "o".into(), value: Some(OutputState { value: json!("v"), type_: json!("string"), sensitive: false }) }).unwrap();

    // Another reader (e.g. `state list` in another process) sees it all, without the snapshot.
    assert!(!dir.path().join("terraform.tfstate").exists());
    let replay = store_in(dir.path()).load().unwrap();
    assert_eq!(replay.state.lineage, base.state.lineage);
    let inst = &replay.state.resources[0].instances[0];
    assert_eq!(inst.attributes, json!({"id": "a0"}));
    assert_eq!(inst.index_key, Some(InstanceKey::Int(0)));
    assert_eq!(inst.dependencies, vec!["local_file.base".to_owned()]);
    assert_eq!(replay.state.resources[0].provider, PROVIDER);
    assert_eq!(replay.state.outputs["o"].value, json!("v"));
    assert_eq!(replay.pending.len(), 1);
    assert_eq!(replay.pending[0].addr, addr("a", Some(1)));
    assert_eq!(replay.failed.len(), 1);
    assert_eq!(replay.failed[0].1, "permission denied");
    assert_eq!(
        replay.list(),
        vec![
            ListEntry { address: "local_file.a[0]".into(), unconfirmed: None },
            ListEntry { address: "local_file.a[1]".into(), unconfirmed: Some("create".into()) },
        ]
    );
}

#[test]
fn deletion_removes_the_object_and_empty_resource() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = store_in(dir.path());
    let base = store.load().unwrap();
    let journal = store.open_journal(&base.state).unwrap();
    let i = journal.record_intent(intent(addr("a", None), "create")).unwrap();
    journal.record_outcome(created(i, addr("a", None), json!({"id": "1"}))).unwrap();
    store.compact(&*journal).unwrap();
    let i = journal.record_intent(intent(addr("a", None), "delete")).unwrap();
    // Pending delete: still listed, unconfirmed.
    let listed = store_in(dir.path()).load().unwrap().list();
    assert_eq!(listed, vec![ListEntry { address: "local_file.a".into(), unconfirmed: Some("delete".into()) }]);
    journal.record_outcome(Outcome { intent: i, changes: vec![ObjectChange { addr: addr("a", None), provider: String::new(), object: None }], error: None }).unwrap();
    let replay = store_in(dir.path()).load().unwrap();
    assert!(replay.state.resources.is_empty());
    assert!(replay.list().is_empty());
}

#[test]
fn torn_tail_at_every_byte_is_ignored_and_cut_before_the_next_append() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("terraform.tfstate.journal");
    let (journal, _) = LocalJournal::open(&path, "lin", 0).unwrap();
    let i = journal.record_intent(intent(addr("a", None), "create")).unwrap();
    let before_last = std::fs::metadata(&path).unwrap().len();
    journal.record_outcome(created(i, addr("a", None), json!({"id": "1"}))).unwrap();
    drop(journal);
    let full = std::fs::read(&path).unwrap();
    for cut in before_last as usize..full.len() {
        std::fs::write(&path, &full[..cut]).unwrap();
        let contents = read_journal(&path).unwrap();
        assert_eq!(contents.records.len(), 2, "cut at {cut}");
        assert_eq!(contents.torn_tail_bytes, (cut - before_last as usize) as u64);
        let replay = replay(None, &contents, &path).unwrap();
        assert_eq!(replay.pending.len(), 1, "the intent whose outcome was torn is pending");
        assert_eq!(std::fs::read(&path).unwrap(), &full[..cut], "reading never modifies");
    }
    // A flipped byte in the last record is a torn tail too.
    let mut flipped = full.clone();
    let last = flipped.len() - 2;
    flipped[last] ^= 0x55;
    std::fs::write(&path, &flipped).unwrap();
    assert_eq!(read_journal(&path).unwrap().records.len(), 2);

    // Reopening cuts the tail so new records follow valid ones.
    std::fs::write(&path, &full[..full.len() - 3]).unwrap();
    let (journal, contents) = LocalJournal::open(&path, "lin", 0).unwrap();
    assert!(contents.torn_tail_bytes > 0);
    let j = journal.record_intent(intent(addr("b", None), "create")).unwrap();
    assert_eq!(j, 2);
    let contents = read_journal(&path).unwrap();
    assert_eq!(contents.torn_tail_bytes, 0);
    assert_eq!(contents.records.len(), 3);
}

#[test]
fn corruption_before_intact_records_is_an_error_not_silent_loss() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("j");
    let (journal, _) = LocalJournal::open(&path, "lin", 0).unwrap();
    journal.record_intent(intent(addr("a", None), "create")).unwrap();
    journal.record_intent(intent(addr("b", None), "create")).unwrap();
    drop(journal);
    let mut bytes = std::fs::read(&path).unwrap();
    // Corrupt a payload byte of the first intent (after magic 8 + Begin frame).
    let begin_len = u32::from_le_bytes(bytes[8..12].try_into().unwrap()) as usize;
    let first_intent_payload = 8 + 8 + begin_len + 8;
    bytes[first_intent_payload + 3] ^= 0x20;
    std::fs::write(&path, &bytes).unwrap();
    let err = read_journal(&path).unwrap_err();
    assert!(matches!(err, Error::Journal { .. }), "{err}");
    assert!(err.to_string().contains("corrupt"), "{err}");

    std::fs::write(&path, b"hello world, not a journal").unwrap();
    assert!(matches!(read_journal(&path), Err(Error::Journal { .. })));
}

#[test]
fn compaction_merges_carries_pending_and_survives_a_crash_before_journal_reset() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = store_in(dir.path());
    let base = store.load().unwrap();
    let journal = store.open_journal(&base.state).unwrap();
    let i = journal.record_intent(intent(addr("a", None), "create")).unwrap();
    journal.record_outcome(created(i, addr("a", None), json!({"id": "1"}))).unwrap();
    let pending = journal.record_intent(intent(addr("b", None), "create")).unwrap();
    let old_journal = std::fs::read(dir.path().join("terraform.tfstate.journal")).unwrap();

    let merged = store.compact(&*journal).unwrap();
    assert_eq!(merged.state.serial, 1);
    assert_eq!(merged.pending.len(), 1);
    let snapshot = LocalStateFile::new(dir.path().join("terraform.tfstate")).read().unwrap().unwrap();
    assert_eq!(snapshot.serial, 1);
    assert_eq!(snapshot.resources.len(), 1);
    let contents = read_journal(&dir.path().join("terraform.tfstate.journal")).unwrap();
    assert_eq!(contents.records.len(), 2, "Begin + the pending intent");
    assert_eq!(contents.records[0], Record::Begin { lineage: snapshot.lineage.clone(), base_serial: 1 });

    // The outcome of the carried intent still applies after compaction.
    journal.record_outcome(created(pending, addr("b", None), json!({"id": "2"}))).unwrap();
    let after = store_in(dir.path()).load().unwrap();
    assert_eq!(after.state.resources.len(), 2);
    assert!(after.pending.is_empty());

    // Crash window: new snapshot renamed, journal not yet reset. Replaying the old journal over
    // the new snapshot gives the same state (outcomes are absolute).
    std::fs::write(dir.path().join("terraform.tfstate.journal"), &old_journal).unwrap();
    let replayed = store_in(dir.path()).load().unwrap();
    assert_eq!(replayed.state.resources, merged.state.resources);
    assert_eq!(replayed.pending.len(), 1);
}

#[test]
fn snapshot_writes_outside_compaction_require_a_merged_journal() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = store_in(dir.path());
    let base = store.load().unwrap();
    let journal = store.open_journal(&base.state).unwrap();
    let i = journal.record_intent(intent(addr("a", None), "create")).unwrap();
    journal.record_outcome(created(i, addr("a", None), json!({"id": "1"}))).unwrap();
    let mut edited = store.load().unwrap().state;
    edited.resources.clear();
    let err = store_in(dir.path()).write_snapshot(&mut edited).unwrap_err();
    assert!(matches!(err, Error::JournalNotCompacted(_)), "{err}");

    // `state rm`: load, compact, edit, write. The journal is reset so nothing resurrects.
    let mut store = store_in(dir.path());
    let journal = store.open_journal(&base.state).unwrap();
    let mut state = store.compact(&*journal).unwrap().state;
    state.resources.clear();
    assert!(store.write_snapshot(&mut state).unwrap());
    assert!(store_in(dir.path()).load().unwrap().state.resources.is_empty());
}

#[test]
fn foreign_or_rolled_back_snapshot_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = store_in(dir.path());
    let mut state = StateFile::new();
    store.write_snapshot(&mut state).unwrap();
    let serial_1 = std::fs::read(dir.path().join("terraform.tfstate")).unwrap();
    let journal = store.open_journal(&state).unwrap();
    let i = journal.record_intent(intent(addr("a", None), "create")).unwrap();
    journal.record_outcome(created(i, addr("a", None), json!({"id": "1"}))).unwrap();
    store.compact(&*journal).unwrap(); // serial 2, journal base 2
    // Someone restores the backup (serial 1): the journal must not be applied blindly.
    std::fs::write(dir.path().join("terraform.tfstate"), &serial_1).unwrap();
    let err = store_in(dir.path()).load().unwrap_err();
    assert!(err.to_string().contains("older serial 1"), "{err}");
    // A state of another lineage with this journal.
    let mut other = StateFile::new();
    other.serial = 5;
    std::fs::write(dir.path().join("terraform.tfstate"), write_state(&other)).unwrap();
    let err = store_in(dir.path()).load().unwrap_err();
    assert!(err.to_string().contains("lineage"), "{err}");
}

#[test]
fn appending_costs_the_size_of_the_change_not_of_the_state() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = store_in(dir.path());
    let base = store.load().unwrap();
    let journal = store.open_journal(&base.state).unwrap();
    for n in 0..1000 {
        let i = journal.record_intent(intent(addr("big", Some(n)), "create")).unwrap();
        journal.record_outcome(created(i, addr("big", Some(n)), json!({"id": n, "content": "x".repeat(1000)}))).unwrap();
    }
    store.compact(&*journal).unwrap();
    let state_size = std::fs::metadata(dir.path().join("terraform.tfstate")).unwrap().len();
    assert!(state_size > 1_000_000, "{state_size}");
    let jpath = dir.path().join("terraform.tfstate.journal");
    let before = std::fs::metadata(&jpath).unwrap().len();
    let start = Instant::now();
    let i = journal.record_intent(intent(addr("one", None), "create")).unwrap();
    journal.record_outcome(created(i, addr("one", None), json!({"id": "1"}))).unwrap();
    let took = start.elapsed();
    let added = std::fs::metadata(&jpath).unwrap().len() - before;
    assert!(added < 1024, "one change added {added} bytes");
    assert!(took < Duration::from_millis(500), "{took:?}");
}

/// Not a test on its own: when run by the SIGKILL test, appends intent/outcome pairs forever.
#[test]
fn child_appender() {
    let Some(dir) = std::env::var_os("INFRA_STATE_TEST_APPEND") else { return };
    let dir = Path::new(&dir);
    let mut store = store_in(dir);
    let base = store.load().unwrap();
    let journal = store.open_journal(&base.state).unwrap();
    for n in 0.. {
        let a = addr("r", Some(n));
        let i = journal.record_intent(intent(a.clone(), "create")).unwrap();
        // The "object" exists once the intent is durable: record it outside state, as a provider would.
        std::fs::write(dir.join(format!("obj-{n}")), b"").unwrap();
        journal.record_outcome(created(i, a, json!({"id": n, "pad": "y".repeat((n as usize * 37) % 3000)}))).unwrap();
        if n % 50 == 49 {
            store.compact(&*journal).unwrap();
        }
    }
}

#[test]
fn sigkill_at_random_moments_loses_nothing() {
    for round in 0..8u64 {
        let dir = tempfile::tempdir().unwrap();
        let mut child = Command::new(std::env::current_exe().unwrap())
            .args(["--exact", "child_appender", "--nocapture", "--test-threads=1"])
            .env("INFRA_STATE_TEST_APPEND", dir.path())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(150 + (round * 97) % 400));
        child.kill().unwrap();
        child.wait().unwrap();
        let replay = store_in(dir.path()).load().unwrap();
        let listed: std::collections::BTreeSet<String> = replay.list().into_iter().map(|e| e.address).collect();
        let existing: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .filter_map(|e| e.unwrap().file_name().to_str().and_then(|n| n.strip_prefix("obj-")).map(|n| format!("local_file.r[{n}]")))
            .collect();
        assert!(!existing.is_empty(), "round {round}: child made no progress");
        for object in &existing {
            assert!(listed.contains(object), "round {round}: {object} exists but is not listed");
        }
        // And the state stays writable: a new run compacts and continues.
        let mut store = store_in(dir.path());
        let base = store.load().unwrap();
        let journal = store.open_journal(&base.state).unwrap();
        store.compact(&*journal).unwrap();
    }
}

#[test]
fn concurrent_appends_from_many_threads_all_replay() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = store_in(dir.path());
    let base = store.load().unwrap();
    let journal = store.open_journal(&base.state).unwrap();
    std::thread::scope(|scope| {
        for t in 0..8i64 {
            let journal = journal.clone();
            scope.spawn(move || {
                for n in 0..25 {
                    let a = addr(&format!("t{t}"), Some(n));
                    let id = journal.record_intent(intent(a.clone(), "create")).unwrap();
                    journal.record_outcome(created(id, a, json!({"id": format!("{t}-{n}")}))).unwrap();
                }
            });
        }
    });
    let replay = store_in(dir.path()).load().unwrap();
    assert!(replay.pending.is_empty());
    assert_eq!(replay.state.instances().count(), 200);
    assert_eq!(replay.list().len(), 200);
}

#[test]
fn a_later_run_resolves_pending_intents_by_id() {
    let dir = tempfile::tempdir().unwrap();
    {
        let mut store = store_in(dir.path());
        let base = store.load().unwrap();
        let journal = store.open_journal(&base.state).unwrap();
        journal.record_intent(intent(addr("found", None), "create")).unwrap();
        journal.record_intent(intent(addr("absent", None), "create")).unwrap();
        // "crash": nothing else recorded.
    }
    let mut store = store_in(dir.path());
    let replay = store.load().unwrap();
    assert_eq!(replay.pending.len(), 2);
    let journal = store.open_journal(&replay.state).unwrap();
    // The provider found the first object by its token and not the second.
    let found = &replay.pending[0];
    journal.record_outcome(created(found.id, found.addr.clone(), json!({"id": "adopted"}))).unwrap();
    journal.record_outcome(Outcome { intent: replay.pending[1].id, changes: vec![], error: None }).unwrap();
    let next = journal.record_intent(intent(addr("new", None), "create")).unwrap();
    assert_eq!(next, 3, "ids continue across runs");
    journal.record_outcome(created(next, addr("new", None), json!({"id": "n"}))).unwrap();
    let merged = store.compact(&*journal).unwrap();
    assert!(merged.pending.is_empty());
    let names: Vec<String> = merged.list().into_iter().map(|e| e.address).collect();
    assert_eq!(names, vec!["local_file.found", "local_file.new"]);
}
