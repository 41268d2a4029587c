//! `recover_by_token` of the local provider: what an interrupted create left at `filename` is
//! adopted (exactly the planned content), adopted as tainted (other content, or content the
//! journal could not record), or reported absent (no file).

use std::collections::BTreeMap;
use std::sync::Arc;

use infra_provider_sdk::{
    ApplyResourceRequest, AttrPath, PlanResourceRequest, Provider, ReadResourceRequest, RecoverRequest, RecoverResponse,
    Timeouts, Value,
};

fn provider() -> Arc<dyn Provider> {
    (infra_provider_local::factory().new)()
}

/// The planned state of a create with these arguments, as the engine would record it.
async fn planned(p: &dyn Provider, type_name: &str, attrs: &[(&str, &str)]) -> Value {
    let schema = p.schema();
    let block = &schema.resources[type_name].block;
    let mut m = BTreeMap::new();
    for (name, a) in &block.attributes {
        m.insert(name.clone(), Value::null(a.ty.clone()));
    }
    for (k, v) in attrs {
        m.insert(k.to_string(), Value::string(v));
    }
    let config = Value::object(m);
    let resp = p
        .plan_resource(PlanResourceRequest {
            type_name: type_name.into(),
            prior_state: Value::null(block.implied_type()),
            proposed_new_state: config.clone(),
            config,
            prior_private: Vec::new(),
        })
        .await;
    assert!(!resp.diagnostics.has_errors(), "{:?}", resp.diagnostics);
    resp.planned_state.expect("a planned state")
}

async fn recover(p: &dyn Provider, type_name: &str, planned: &Value, redacted: Vec<AttrPath>) -> RecoverResponse {
    p.recover_by_token(RecoverRequest {
        type_name: type_name.into(),
        idempotency_token: "8b7e0f7e-0000-4000-8000-000000000001".into(),
        planned_state: planned.clone(),
        redacted,
    })
    .await
}

fn attr<'a>(v: &'a Value, name: &str) -> &'a str {
    v.get_attr(name).and_then(Value::as_str).unwrap_or_else(|| panic!("{name} is not a known string in {v:?}"))
}

#[tokio::test]
async fn a_complete_file_is_adopted_with_the_attributes_a_create_computes() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("sub/a.txt");
    let filename = path.to_string_lossy().into_owned();
    let p = provider();
    let plan = planned(&*p, "local_file", &[("filename", &filename), ("content", "hello\n")]).await;
    let created = p
        .apply_resource(ApplyResourceRequest {
            type_name: "local_file".into(),
            prior_state: Value::null(plan.ty()),
            planned_state: plan.clone(),
            config: plan.clone(),
            planned_private: Vec::new(),
            idempotency_token: "t".into(),
            timeouts: Timeouts::default(),
        })
        .await;
    assert!(!created.diagnostics.has_errors(), "{:?}", created.diagnostics);
    match recover(&*p, "local_file", &plan, Vec::new()).await {
        RecoverResponse::Exists(state) => {
            for name in ["id", "content_md5", "content_sha256", "content_base64sha512", "filename", "content", "file_permission"] {
                assert_eq!(attr(&state, name), attr(&created.new_state, name), "{name}");
            }
        }
        other => panic!("expected the file to be adopted, got {other:?}"),
    }
}

#[tokio::test]
async fn no_file_means_nothing_was_created() {
    let dir = tempfile::tempdir().expect("tempdir");
    let filename = dir.path().join("never.txt").to_string_lossy().into_owned();
    let p = provider();
    let plan = planned(&*p, "local_file", &[("filename", &filename), ("content", "x")]).await;
    assert!(matches!(recover(&*p, "local_file", &plan, Vec::new()).await, RecoverResponse::Absent));
}

#[tokio::test]
async fn a_torn_write_is_adopted_as_tainted_with_the_checksums_of_what_is_on_disk() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("torn.txt");
    std::fs::write(&path, "hel").expect("write");
    let filename = path.to_string_lossy().into_owned();
    let p = provider();
    let plan = planned(&*p, "local_file", &[("filename", &filename), ("content", "hello\n")]).await;
    match recover(&*p, "local_file", &plan, Vec::new()).await {
        RecoverResponse::Incomplete(state) => {
            use sha2::Digest as _;
            assert_eq!(attr(&state, "id"), hex::encode(sha1::Sha1::digest(b"hel")));
            assert_eq!(attr(&state, "content_sha256"), hex::encode(sha2::Sha256::digest(b"hel")));
            // The planned content is kept: the plan sees the object tainted and replaces it.
            assert_eq!(attr(&state, "content"), "hello\n");
            assert_eq!(attr(&state, "filename"), filename);
        }
        other => panic!("expected a tainted adoption, got {other:?}"),
    }
}

#[tokio::test]
async fn redacted_sensitive_content_cannot_be_verified_so_the_file_is_tainted() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("secret.txt");
    std::fs::write(&path, "s3cret").expect("write");
    let filename = path.to_string_lossy().into_owned();
    let p = provider();
    // The journal recorded the planned state with the sensitive content nulled out.
    let plan = planned(&*p, "local_sensitive_file", &[("filename", &filename), ("content", "s3cret")]).await;
    let mut m = plan.as_entries().cloned().expect("object");
    m.insert("content".into(), Value::null(infra_provider_sdk::Type::String));
    let redacted_plan = Value::object(m);
    match recover(&*p, "local_sensitive_file", &redacted_plan, vec![AttrPath::attr("content")]).await {
        RecoverResponse::Incomplete(state) => assert_eq!(attr(&state, "filename"), filename),
        other => panic!("expected a tainted adoption, got {other:?}"),
    }
    // With the content recorded, the same file is complete.
    assert!(matches!(recover(&*p, "local_sensitive_file", &plan, Vec::new()).await, RecoverResponse::Exists(_)));
}

#[tokio::test]
async fn an_unknown_filename_cannot_be_told() {
    let p = provider();
    let plan = planned(&*p, "local_file", &[("content", "x")]).await;
    assert!(matches!(recover(&*p, "local_file", &plan, Vec::new()).await, RecoverResponse::Unknown));
}

/// The engine keeps the planned object (tainted) when recovery cannot tell; with no filename
/// known, the refresh reports it gone so the plan creates it, instead of failing every plan.
#[tokio::test]
async fn an_object_kept_without_a_filename_refreshes_as_gone() {
    let p = provider();
    let plan = planned(&*p, "local_file", &[("content", "x")]).await;
    let kept = Value::object(
        plan.as_entries().cloned().expect("object").into_iter().map(|(k, v)| (k, if v.is_known() { v } else { Value::null(v.ty()) })).collect(),
    );
    let read = p.read_resource(ReadResourceRequest { type_name: "local_file".into(), current_state: kept, private: Vec::new() }).await;
    assert!(!read.diagnostics.has_errors(), "{:?}", read.diagnostics);
    assert!(read.new_state.is_null());
}
