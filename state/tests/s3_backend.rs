//! `backend "s3"` against moto in server mode (see support/README.md).

mod support;

use std::collections::BTreeMap;
use std::time::Duration;

use infra_state::*;
use serde_json::{json, Value};

fn attrs(bucket: &str, extra: &[(&str, Value)]) -> BTreeMap<String, Value> {
    let mut attrs: BTreeMap<String, Value> = BTreeMap::new();
    attrs.insert("bucket".into(), json!(bucket));
    attrs.insert("key".into(), json!("path/to/terraform.tfstate"));
    attrs.insert("region".into(), json!("us-east-1"));
    attrs.insert("endpoints".into(), json!({ "s3": support::moto().endpoint() }));
    attrs.insert("use_path_style".into(), json!(true));
    attrs.insert("access_key".into(), json!("testing"));
    attrs.insert("secret_key".into(), json!("testing"));
    attrs.insert("use_lockfile".into(), json!(true));
    for (k, v) in extra {
        attrs.insert((*k).to_owned(), v.clone());
    }
    attrs
}

/// A backend on a fresh bucket.
fn backend(extra: &[(&str, Value)]) -> S3Backend {
    let bucket = support::unique("infra-test-");
    let backend = S3Backend::new(S3Config::from_attributes(&attrs(&bucket, extra)).unwrap()).unwrap();
    let create = backend.client().create_bucket().bucket(&bucket);
    backend.block_on(create.send()).unwrap_or_else(|e| panic!("creating bucket: {}", aws_sdk_s3::error::DisplayErrorContext(e)));
    backend
}

fn keys(backend: &S3Backend) -> Vec<String> {
    let list = backend.client().list_objects_v2().bucket(&backend.config().bucket);
    let out = backend.block_on(list.send()).unwrap();
    out.contents().iter().filter_map(|o| o.key().map(str::to_owned)).collect()
}

fn get(backend: &S3Backend, key: &str) -> aws_sdk_s3::operation::get_object::GetObjectOutput {
    let get = backend.client().get_object().bucket(&backend.config().bucket).key(key);
    backend.block_on(get.send()).unwrap()
}

fn body(backend: &S3Backend, key: &str) -> Vec<u8> {
    let out = get(backend, key);
    backend.block_on(out.body.collect()).unwrap().into_bytes().to_vec()
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
    let base = |extra: &[(&str, Value)]| {
        let mut a: BTreeMap<String, Value> = BTreeMap::new();
        a.insert("bucket".into(), json!("b"));
        a.insert("key".into(), json!("k/terraform.tfstate"));
        a.insert("region".into(), json!("eu-west-1"));
        a.insert("access_key".into(), json!("a"));
        a.insert("secret_key".into(), json!("s"));
        for (k, v) in extra {
            a.insert((*k).to_owned(), v.clone());
        }
        a
    };
    let config = S3Config::from_attributes(&base(&[])).unwrap();
    assert_eq!(config.workspace_key_prefix, "env:");
    assert!(!config.use_lockfile && !config.encrypt && !config.use_path_style);
    assert_eq!(config.state_key("default"), "k/terraform.tfstate");
    assert_eq!(config.state_key("dev"), "env:/dev/k/terraform.tfstate");
    let config = S3Config::from_attributes(&base(&[("endpoint", json!("http://x:1")), ("force_path_style", json!(true))])).unwrap();
    assert_eq!((config.endpoint.as_deref(), config.use_path_style), (Some("http://x:1"), true));
    let config = S3Config::from_attributes(&base(&[("workspace_key_prefix", json!(""))])).unwrap();
    assert_eq!(config.state_key("dev"), "dev/k/terraform.tfstate");

    let err = |extra: &[(&str, Value)]| S3Config::from_attributes(&base(extra)).unwrap_err().to_string();
    assert!(err(&[("key", json!("/k"))]).contains("must not start or end with \"/\""));
    assert!(err(&[("key", json!("a//b"))]).contains("must not contain \"//\""));
    assert!(err(&[("workspace_key_prefix", json!("p/"))]).contains("workspace_key_prefix"));
    assert!(err(&[("bucket", json!(" "))]).contains("cannot be empty"));
    assert!(err(&[("endpoint", json!("a")), ("endpoints", json!({"s3": "b"}))]).contains("only one of"));
    assert!(err(&[("dynamodb_table", json!("t"))]).contains("does not implement \"dynamodb_table\""));
    assert!(err(&[("nonsense", json!(1))]).contains("\"nonsense\" is not expected"));
    let mut missing = base(&[]);
    missing.remove("key");
    assert!(S3Config::from_attributes(&missing).unwrap_err().to_string().contains("\"key\" is required"));
}

#[test]
fn terraform_layout_workspaces_and_snapshots() {
    let backend = backend(&[("encrypt", json!(true))]);
    assert_eq!(backend.workspaces().unwrap(), vec!["default"]);
    backend.create_workspace("staging").unwrap();
    backend.create_workspace("dev").unwrap();
    assert!(matches!(backend.create_workspace("dev"), Err(Error::WorkspaceExists(_))));
    assert!(matches!(backend.create_workspace("a/b"), Err(Error::InvalidWorkspace(_))));
    assert!(matches!(backend.delete_workspace("default"), Err(Error::DeleteDefaultWorkspace)));
    assert!(matches!(backend.delete_workspace("nope"), Err(Error::NoSuchWorkspace(_))));

    let mut dev = backend.state("dev").unwrap();
    let mut state = dev.read_snapshot().unwrap().expect("placeholder state");
    output(&mut state, "x", 1);
    assert!(dev.write_snapshot(&mut state).unwrap());
    assert!(!dev.write_snapshot(&mut state).unwrap(), "unchanged content keeps the serial");
    let journal = dev.open_journal(&state).unwrap();
    journal.record_intent(intent("a")).unwrap();
    dev.write_snapshot(&mut state.clone()).unwrap();
    drop(dev);

    // Terraform's keys; journal and history objects are never taken for workspaces.
    let all = keys(&backend);
    assert!(all.contains(&"env:/dev/path/to/terraform.tfstate".to_owned()), "{all:?}");
    assert!(all.contains(&"env:/staging/path/to/terraform.tfstate".to_owned()), "{all:?}");
    assert!(all.iter().any(|k| k.starts_with("env:/dev/path/to/terraform.tfstate.journal/")), "{all:?}");
    assert!(all.iter().any(|k| k.starts_with("env:/dev/path/to/terraform.tfstate.history/")), "{all:?}");
    assert_eq!(backend.workspaces().unwrap(), vec!["default", "dev", "staging"]);

    // The object is Terraform's JSON, written with server-side encryption (`encrypt = true`).
    let object = get(&backend, "env:/dev/path/to/terraform.tfstate");
    assert_eq!(object.server_side_encryption().map(|s| s.as_str()), Some("AES256"));
    let parsed = read_state(&body(&backend, "env:/dev/path/to/terraform.tfstate")).unwrap().unwrap();
    assert_eq!(parsed.outputs["x"].value, json!(1));

    // `default` gets its object when selected.
    let mut default = backend.state("default").unwrap();
    assert!(default.read_snapshot().unwrap().unwrap().outputs.is_empty());
    assert!(keys(&backend).contains(&"path/to/terraform.tfstate".to_owned()));

    backend.delete_workspace("dev").unwrap();
    assert_eq!(backend.workspaces().unwrap(), vec!["default", "staging"]);
    assert!(!keys(&backend).iter().any(|k| k.starts_with("env:/dev/")), "journal and history went with it");
}

#[test]
fn lockfile_excludes_another_store_and_names_the_holder() {
    let backend = backend(&[]);
    let mut first = backend.state("default").unwrap();
    let mut info = LockInfo::new("OperationTypeApply");
    info.info = "first".into();
    let held = first.lock(info, Duration::ZERO).unwrap();

    // The lock object is Terraform's: `<key>.tflock` holding the LockInfo JSON.
    let lock: LockInfo = serde_json::from_slice(&body(&backend, "path/to/terraform.tfstate.tflock")).unwrap();
    assert_eq!(lock.id, held.id);
    assert_eq!(lock.path, "s3://".to_owned() + &backend.config().bucket + "/path/to/terraform.tfstate.tflock");

    let mut second = backend.state("default").unwrap();
    let err = second.lock(LockInfo::new("OperationTypePlan"), Duration::from_millis(200)).unwrap_err();
    let Error::Locked { holder: Some(holder), .. } = &err else { panic!("{err}") };
    assert_eq!((holder.id.as_str(), holder.info.as_str()), (held.id.as_str(), "first"));

    backend.create_workspace("other").unwrap();
    backend.state("other").unwrap().lock(LockInfo::new("x"), Duration::ZERO).unwrap();

    first.unlock().unwrap();
    let second_held = second.lock(LockInfo::new("OperationTypePlan"), Duration::ZERO).unwrap();

    // A crashed holder's lock object stays until force-unlock with its ID.
    std::mem::forget(second);
    let mut third = backend.state("default").unwrap();
    assert!(third.lock(LockInfo::new("x"), Duration::ZERO).is_err());
    assert!(matches!(third.force_unlock("wrong"), Err(Error::LockIdMismatch { .. })));
    third.force_unlock(&second_held.id).unwrap();
    assert!(matches!(third.force_unlock(&second_held.id), Err(Error::NotLocked { .. })));
    third.lock(LockInfo::new("x"), Duration::ZERO).unwrap();
    drop(third);
    assert!(!keys(&backend).contains(&"path/to/terraform.tfstate.tflock".to_owned()), "dropping a store releases its lock");
}

#[test]
fn conditional_writes_are_enforced_by_the_server() {
    // The lock relies on If-None-Match: * being honoured: a second create must fail with 412.
    let backend = backend(&[]);
    let bucket = backend.config().bucket.clone();
    let put = |body: &'static [u8]| {
        let put = backend.client().put_object().bucket(&bucket).key("k").if_none_match("*").body(body.to_vec().into());
        backend.block_on(put.send())
    };
    put(b"one").unwrap();
    let err = put(b"two").unwrap_err();
    assert_eq!(err.raw_response().map(|r| r.status().as_u16()), Some(412));
    assert_eq!(body(&backend, "k"), b"one");
}

#[test]
fn journal_appends_one_object_per_record_and_compacts() {
    let backend = backend(&[]).with_history(2);
    let mut store = backend.state("default").unwrap();
    store.lock(LockInfo::new("OperationTypeApply"), Duration::ZERO).unwrap();
    let replay0 = store.load().unwrap();
    let journal = store.open_journal(&replay0.state).unwrap();
    let a = journal.record_intent(intent("a")).unwrap();
    journal.record_outcome(created(a, "a")).unwrap();
    let b = journal.record_intent(intent("b")).unwrap();

    let prefix = "path/to/terraform.tfstate.journal/";
    let journal_keys: Vec<String> = keys(&backend).into_iter().filter(|k| k.starts_with(prefix)).collect();
    assert_eq!(
        journal_keys,
        vec![
            format!("{prefix}00000000000000000001/00000000000000000001"),
            format!("{prefix}00000000000000000001/00000000000000000002"),
            format!("{prefix}00000000000000000001/00000000000000000003"),
            format!("{prefix}00000000000000000001/base"),
        ]
    );

    let mut reader = backend.state("default").unwrap();
    let seen = reader.load().unwrap();
    assert!(seen.state.resource(None, ResourceMode::Managed, "null_resource", "a").is_some());
    assert_eq!(seen.pending.iter().map(|i| i.id).collect::<Vec<_>>(), vec![b]);
    let mut other = seen.state.clone();
    assert!(matches!(reader.write_snapshot(&mut other), Err(Error::JournalNotCompacted(_))));

    let compacted = store.compact(&*journal).unwrap();
    assert_eq!(compacted.state.serial, replay0.state.serial + 1);
    let journal_keys: Vec<String> = keys(&backend).into_iter().filter(|k| k.starts_with(prefix)).collect();
    assert_eq!(journal_keys, vec![format!("{prefix}00000000000000000002/base")], "a new generation; the old one deleted");
    let snapshot = reader.read_snapshot().unwrap().unwrap();
    assert_eq!(snapshot.serial, compacted.state.serial);

    journal.record_outcome(created(b, "b")).unwrap();
    let c = journal.record_intent(intent("c")).unwrap();
    assert!(c > b);
    // A new process resumes the journal where it is.
    let mut resumed = backend.state("default").unwrap();
    let r = resumed.load().unwrap();
    assert!(r.state.resource(None, ResourceMode::Managed, "null_resource", "b").is_some());
    assert_eq!(r.pending.iter().map(|i| i.id).collect::<Vec<_>>(), vec![c]);
    let j2 = resumed.open_journal(&r.state).unwrap();
    assert!(j2.record_intent(intent("d")).unwrap() > c);

    let last = store.compact(&*journal).unwrap();
    assert_eq!(last.pending.len(), 2);
    let history = store.history().unwrap();
    assert_eq!(history.iter().map(|h| h.serial).collect::<Vec<_>>(), vec![last.state.serial - 1, last.state.serial]);
    assert_eq!(store.history_snapshot(last.state.serial).unwrap().lineage, last.state.lineage);
}

#[test]
fn lineage_is_protected() {
    let backend = backend(&[]);
    let mut store = backend.state("default").unwrap();
    let mut pushed = StateFile::new();
    pushed.serial = 5;
    output(&mut pushed, "x", 1);
    store.push_snapshot(&pushed, false).unwrap();
    let mut foreign = StateFile::new();
    output(&mut foreign, "y", 1);
    assert!(matches!(store.write_snapshot(&mut foreign), Err(Error::LineageMismatch { .. })));
    let mut older = pushed.clone();
    older.serial = 1;
    assert!(matches!(store.push_snapshot(&older, false), Err(Error::SerialRegression { .. })));
    assert_eq!(store.read_snapshot().unwrap().unwrap().lineage, pushed.lineage);
}

#[test]
fn moto_wrapper_fixes_responses_the_sdk_rejects() {
    // moto 5.2 answers these with a wrong XML root element; the wrapper fixes them (and
    // implements GetBucketRequestPayment). Each call fails with "invalid XML root" otherwise.
    let backend = backend(&[]);
    let bucket = backend.config().bucket.clone();
    let c = backend.client();
    backend.block_on(c.get_bucket_versioning().bucket(&bucket).send()).unwrap();
    backend.block_on(c.get_bucket_accelerate_configuration().bucket(&bucket).send()).unwrap();
    backend.block_on(c.get_bucket_notification_configuration().bucket(&bucket).send()).unwrap();
    let payment = backend.block_on(c.get_bucket_request_payment().bucket(&bucket).send()).unwrap();
    assert_eq!(payment.payer().map(|p| p.as_str()), Some("BucketOwner"));
    let upload = backend.block_on(c.create_multipart_upload().bucket(&bucket).key("mp").send()).unwrap();
    let upload_id = upload.upload_id().unwrap().to_owned();
    let parts = backend.block_on(c.list_parts().bucket(&bucket).key("mp").upload_id(&upload_id).send()).unwrap();
    assert!(parts.parts().is_empty());
}

#[test]
fn works_when_called_from_async_tasks() {
    let backend = backend(&[]);
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
    });
    // Dropping the backend (and its runtime) inside an async context must not panic either.
    rt.block_on(async move { drop(backend) });
}
