//! `backend "pg"` against a real PostgreSQL server started by the test (see support/README.md).

mod support;

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use infra_state::*;
use serde_json::json;

fn backend(schema: &str) -> PgBackend {
    let config = PgConfig::new(support::pg().conn_str()).with_schema(schema);
    PgBackend::connect(config).unwrap_or_else(|e| panic!("connecting to the test server: {e}"))
}

fn sql(query: &str) -> Vec<postgres::Row> {
    let conn_str = support::pg().conn_str();
    let query = query.to_owned();
    // The postgres client runs its own runtime: keep it off any other.
    std::thread::spawn(move || {
        let mut client = postgres::Client::connect(&conn_str, postgres::NoTls).unwrap();
        client.query(query.as_str(), &[]).unwrap()
    })
    .join()
    .unwrap()
}

fn output(state: &mut StateFile, name: &str, value: i64) {
    state.outputs.insert(name.into(), OutputState { value: json!(value), type_: json!("number"), sensitive: false });
}

fn addr(name: &str) -> ObjectAddr {
    ObjectAddr::instance(None, ResourceMode::Managed, "null_resource", name, None)
}

fn intent(name: &str) -> Intent {
    Intent {
        id: 0,
        addr: addr(name),
        action: "create".into(),
        token: new_idempotency_token(),
        provider: "provider[\"registry.terraform.io/hashicorp/null\"]".into(),
        planned: json!({}),
        at: String::new(),
    }
}

fn created(id: u64, name: &str) -> Outcome {
    Outcome {
        intent: id,
        changes: vec![ObjectChange {
            addr: addr(name),
            provider: "provider[\"registry.terraform.io/hashicorp/null\"]".into(),
            object: Some(InstanceState::new(None, json!({ "id": name }))),
        }],
        error: None,
    }
}

#[test]
fn config_from_attributes_follows_terraform() {
    let mut attrs = BTreeMap::new();
    attrs.insert("conn_str".to_owned(), json!("postgres://u@h/db"));
    let config = PgConfig::from_attributes(&attrs).unwrap();
    assert_eq!(config.schema_name, "terraform_remote_state");
    assert!(!config.skip_table_creation);
    attrs.insert("schema_name".to_owned(), json!("custom"));
    attrs.insert("skip_index_creation".to_owned(), json!(true));
    let config = PgConfig::from_attributes(&attrs).unwrap();
    assert_eq!((config.schema_name.as_str(), config.skip_index_creation), ("custom", true));
    attrs.insert("bogus".to_owned(), json!("x"));
    let err = PgConfig::from_attributes(&attrs).unwrap_err();
    assert!(err.to_string().contains("\"bogus\" is not expected"), "{err}");
    attrs.remove("bogus");
    attrs.insert("schema_name".to_owned(), json!(3));
    assert!(PgConfig::from_attributes(&attrs).unwrap_err().to_string().contains("\"schema_name\" must be a string"));
}

#[test]
fn terraform_layout_workspaces_and_snapshots() {
    let schema = support::unique("ws");
    let backend = backend(&schema);
    assert_eq!(backend.workspaces().unwrap(), vec!["default"]);

    // Terraform's tables and columns.
    let cols = sql(&format!(
        "SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = '{schema}' AND table_name = 'states' ORDER BY ordinal_position"
    ));
    let cols: Vec<(String, String)> = cols.iter().map(|r| (r.get(0), r.get(1))).collect();
    assert_eq!(
        cols,
        vec![("id".into(), "bigint".into()), ("name".into(), "text".into()), ("data".into(), "text".into())]
    );

    backend.create_workspace("staging").unwrap();
    backend.create_workspace("dev").unwrap();
    assert_eq!(backend.workspaces().unwrap(), vec!["default", "dev", "staging"]);
    assert!(matches!(backend.create_workspace("dev"), Err(Error::WorkspaceExists(_))));
    assert!(matches!(backend.create_workspace("a/b"), Err(Error::InvalidWorkspace(_))));
    assert!(matches!(backend.delete_workspace("default"), Err(Error::DeleteDefaultWorkspace)));
    assert!(matches!(backend.delete_workspace("nope"), Err(Error::NoSuchWorkspace(_))));

    // A new workspace holds an empty state (Terraform writes one so that it is listed).
    let mut dev = backend.state("dev").unwrap();
    let placeholder = dev.read_snapshot().unwrap().expect("placeholder state");
    assert!(placeholder.resources.is_empty() && placeholder.outputs.is_empty());

    let mut state = StateFile::new();
    state.lineage = placeholder.lineage.clone();
    output(&mut state, "x", 1);
    assert!(dev.write_snapshot(&mut state).unwrap());
    assert_eq!(state.serial, placeholder.serial + 1);
    // Unchanged content keeps the serial.
    assert!(!dev.write_snapshot(&mut state).unwrap());
    assert_eq!(state.serial, placeholder.serial + 1);

    // The row holds Terraform's JSON, which Terraform's reader accepts.
    let rows = sql(&format!("SELECT data FROM \"{schema}\".states WHERE name = 'dev'"));
    let data: String = rows[0].get(0);
    let parsed = read_state(data.as_bytes()).unwrap().unwrap();
    assert_eq!(parsed.outputs["x"].value, json!(1));

    // Workspaces are independent; `default` gets its row when selected.
    let mut default = backend.state("default").unwrap();
    assert!(default.read_snapshot().unwrap().unwrap().outputs.is_empty());
    assert!(dev.location().contains("workspace \"dev\""), "{}", dev.location());

    drop(dev);
    backend.delete_workspace("dev").unwrap();
    assert_eq!(backend.workspaces().unwrap(), vec!["default", "staging"]);
}

#[test]
fn lock_excludes_another_store_and_names_the_holder() {
    let schema = support::unique("lock");
    let backend = backend(&schema);
    let mut first = backend.state("default").unwrap();
    let mut info = LockInfo::new("OperationTypeApply");
    info.info = "first".into();
    let held = first.lock(info, Duration::ZERO).unwrap();

    let mut second = backend.state("default").unwrap();
    let started = std::time::Instant::now();
    let err = second.lock(LockInfo::new("OperationTypePlan"), Duration::from_millis(300)).unwrap_err();
    assert!(started.elapsed() >= Duration::from_millis(300), "waited for the timeout");
    let Error::Locked { holder: Some(holder), .. } = &err else { panic!("{err}") };
    assert_eq!(holder.id, held.id);
    assert_eq!(holder.info, "first");
    assert!(err.to_string().contains(&held.id), "{err}");

    // The lock is Terraform's: an advisory lock on the workspace row's id.
    let locked = sql(&format!(
        "SELECT count(*) FROM pg_locks l JOIN \"{schema}\".states s ON l.objid::bigint = s.id WHERE l.locktype = 'advisory' AND s.name = 'default'"
    ));
    assert_eq!(locked[0].get::<_, i64>(0), 1);

    // Other workspaces are not locked.
    backend.create_workspace("other").unwrap();
    let mut other = backend.state("other").unwrap();
    other.lock(LockInfo::new("OperationTypeApply"), Duration::ZERO).unwrap();

    // force-unlock cannot break a live session's lock.
    let err = second.force_unlock(&held.id).unwrap_err();
    assert!(matches!(err, Error::LockHeldByLiveProcess { .. }), "{err}");
    assert!(matches!(second.force_unlock("nope"), Err(Error::LockIdMismatch { .. })));

    first.unlock().unwrap();
    second.lock(LockInfo::new("OperationTypePlan"), Duration::ZERO).unwrap();
    second.unlock().unwrap();

    // A crashed holder (its connection gone) leaves no lock behind.
    let mut crashed = backend.state("default").unwrap();
    let crashed_info = crashed.lock(LockInfo::new("OperationTypeApply"), Duration::ZERO).unwrap();
    std::mem::forget(crashed); // no unlock, no drop: only the server can notice
    let mut third = backend.state("default").unwrap();
    assert!(third.lock(LockInfo::new("x"), Duration::ZERO).is_err());
    let pid_rows = sql(&format!(
        "SELECT l.pid FROM pg_locks l JOIN \"{schema}\".states s ON l.objid::bigint = s.id WHERE l.locktype = 'advisory' AND s.name = 'default'"
    ));
    let pid: i32 = pid_rows[0].get(0);
    sql(&format!("SELECT pg_terminate_backend({pid})"));
    let got = third.lock(LockInfo::new("x"), Duration::from_secs(5)).unwrap();
    assert_ne!(got.id, crashed_info.id);
}

#[test]
fn journal_appends_replays_and_compacts_in_one_transaction() {
    let schema = support::unique("journal");
    let backend = backend(&schema).with_history(3);
    let mut store = backend.state("default").unwrap();
    store.lock(LockInfo::new("OperationTypeApply"), Duration::ZERO).unwrap();
    let replay0 = store.load().unwrap();
    let journal = store.open_journal(&replay0.state).unwrap();

    let a = journal.record_intent(intent("a")).unwrap();
    journal.record_outcome(created(a, "a")).unwrap();
    let b = journal.record_intent(intent("b")).unwrap();
    assert!(b > a);
    let rows = sql(&format!("SELECT seq, length(payload) FROM \"{schema}\".journal WHERE workspace = 'default' ORDER BY seq"));
    assert_eq!(rows.len(), 4, "Begin + intent + outcome + intent, one row each");
    assert_eq!(rows.iter().map(|r| r.get::<_, i64>(0)).collect::<Vec<_>>(), vec![0, 1, 2, 3]);

    // Another process reading while we hold the lock sees the journal: a is there, b pending.
    let mut reader = backend.state("default").unwrap();
    let seen = reader.load().unwrap();
    assert_eq!(seen.list().iter().map(|e| (e.address.as_str(), e.unconfirmed.is_some())).collect::<Vec<_>>(),
        vec![("null_resource.a", false), ("null_resource.b", true)]);

    // A snapshot write is refused while outcomes are unmerged.
    let mut other = seen.state.clone();
    assert!(matches!(reader.write_snapshot(&mut other), Err(Error::JournalNotCompacted(_))));

    let compacted = store.compact(&*journal).unwrap();
    assert_eq!(compacted.pending.len(), 1);
    assert_eq!(compacted.state.serial, replay0.state.serial + 1);
    let rows = sql(&format!("SELECT seq, encode(payload, 'escape') FROM \"{schema}\".journal WHERE workspace = 'default' ORDER BY seq"));
    let dump: Vec<(i64, String)> = rows.iter().map(|r| (r.get(0), r.get(1))).collect();
    assert_eq!(rows.len(), 2, "Begin + the pending intent remain: {dump:?}");
    let snapshot = reader.read_snapshot().unwrap().unwrap();
    assert_eq!(snapshot.serial, compacted.state.serial);
    assert!(snapshot.resource(None, ResourceMode::Managed, "null_resource", "a").is_some());

    // Appends after compaction go on; the pending intent is completed, and ids keep increasing.
    journal.record_outcome(created(b, "b")).unwrap();
    let c = journal.record_intent(intent("c")).unwrap();
    assert!(c > b);
    let replayed = reader.load().unwrap();
    assert!(replayed.state.resource(None, ResourceMode::Managed, "null_resource", "b").is_some());
    assert_eq!(replayed.pending.iter().map(|i| i.id).collect::<Vec<_>>(), vec![c]);

    // A fresh store (a new process after a crash) resumes the same journal.
    let mut resumed = backend.state("default").unwrap();
    let resumed_replay = resumed.load().unwrap();
    assert_eq!(resumed_replay.pending.len(), 1);
    let journal2 = resumed.open_journal(&resumed_replay.state).unwrap();
    let d = journal2.record_intent(intent("d")).unwrap();
    assert!(d > c, "intent ids continue after a restart");

    let final_replay = store.compact(&*journal).unwrap();
    assert_eq!(final_replay.pending.len(), 2);
    let history = store.history().unwrap();
    assert!(!history.is_empty() && history.len() <= 3);
    assert_eq!(history.last().unwrap().serial, final_replay.state.serial);
    let kept = store.history_snapshot(final_replay.state.serial).unwrap();
    assert_eq!(kept.lineage, final_replay.state.lineage);
    store.unlock().unwrap();
}

#[test]
fn lineage_is_protected_and_push_follows_terraform() {
    let schema = support::unique("lineage");
    let backend = backend(&schema);
    let mut store = backend.state("default").unwrap();

    // Over the empty placeholder, any lineage may be pushed (Terraform's CheckValidImport).
    let mut pushed = StateFile::new();
    pushed.serial = 7;
    output(&mut pushed, "x", 1);
    store.push_snapshot(&pushed, false).unwrap();
    let stored = store.read_snapshot().unwrap().unwrap();
    assert_eq!((stored.lineage.as_str(), stored.serial), (pushed.lineage.as_str(), 7));

    // Another lineage is refused, with nothing written.
    let mut foreign = StateFile::new();
    output(&mut foreign, "y", 2);
    let err = store.write_snapshot(&mut foreign).unwrap_err();
    assert!(matches!(err, Error::LineageMismatch { .. }), "{err}");
    let mut foreign_push = foreign.clone();
    foreign_push.serial = 100;
    assert!(matches!(store.push_snapshot(&foreign_push, false), Err(Error::LineageMismatch { .. })));
    let mut older = pushed.clone();
    older.serial = 3;
    assert!(matches!(store.push_snapshot(&older, false), Err(Error::SerialRegression { .. })));
    assert_eq!(store.read_snapshot().unwrap().unwrap().lineage, pushed.lineage);

    // Forced, it is replaced.
    store.push_snapshot(&foreign_push, true).unwrap();
    assert_eq!(store.read_snapshot().unwrap().unwrap().lineage, foreign_push.lineage);
}

#[test]
fn encrypted_states_are_not_plaintext_in_the_database() {
    let schema = support::unique("enc");
    let enc = Arc::new(Encryption::from_hex_key(&"ab".repeat(32)).unwrap());
    let backend = backend(&schema).with_encryption(Some(enc.clone()));
    let mut store = backend.state("default").unwrap();
    let mut state = store.read_snapshot().unwrap().unwrap();
    output(&mut state, "secret", 42);
    store.write_snapshot(&mut state).unwrap();
    let journal = store.open_journal(&state).unwrap();
    journal.record_intent(intent("hidden_name")).unwrap();

    let rows = sql(&format!("SELECT data FROM \"{schema}\".states WHERE name = 'default'"));
    let data: String = rows[0].get(0);
    assert!(!data.contains("secret") && !data.starts_with('{'), "{data}");
    let rows = sql(&format!("SELECT payload FROM \"{schema}\".journal"));
    for row in rows {
        let payload: Vec<u8> = row.get(0);
        assert!(!String::from_utf8_lossy(&payload).contains("hidden_name"));
    }
    assert_eq!(store.read_snapshot().unwrap().unwrap().outputs["secret"].value, json!(42));
    assert_eq!(store.load().unwrap().pending.len(), 1);

    // Without the key: a clear error.
    let plain = self::backend(&schema);
    let err = plain.state("default").unwrap().read_snapshot().unwrap_err();
    assert!(err.to_string().contains("encrypted"), "{err}");
}

#[test]
fn works_when_called_from_async_tasks() {
    // The engine calls stores from inside a tokio runtime; the sync client must not panic there.
    let schema = support::unique("async");
    let backend = backend(&schema);
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    rt.block_on(async {
        let mut store = backend.state("default").unwrap();
        store.lock(LockInfo::new("OperationTypeApply"), Duration::ZERO).unwrap();
        let replay = store.load().unwrap();
        let journal = store.open_journal(&replay.state).unwrap();
        let id = journal.record_intent(intent("a")).unwrap();
        journal.record_outcome(created(id, "a")).unwrap();
        store.compact(&*journal).unwrap();
        store.unlock().unwrap();
        drop(store);
    });
}
