//! End-to-end tests of the local provider through the SDK protocol, driven the way the engine
//! drives it: validate, plan (create), apply, refresh, plan (change), delete.

use std::collections::BTreeMap;
use std::sync::Arc;

use infra_provider_sdk::{
    ApplyResourceRequest, PlanResourceRequest, Provider, ReadDataSourceRequest, ReadResourceRequest, Timeouts, Type,
    ValidateResourceRequest, Value,
};

fn provider() -> Arc<dyn Provider> {
    let f = infra_provider_local::factory();
    assert_eq!(f.name, "local");
    assert_eq!(f.source, "hashicorp/local");
    (f.new)()
}

/// A configuration object of the resource's implied type: the given attributes, null elsewhere.
fn config(p: &dyn Provider, type_name: &str, attrs: &[(&str, &str)]) -> Value {
    let schema = p.schema();
    let block = &schema.resources[type_name].block;
    let mut m = BTreeMap::new();
    for (name, a) in &block.attributes {
        m.insert(name.clone(), Value::null(a.ty.clone()));
    }
    for (k, v) in attrs {
        assert!(m.contains_key(*k), "unknown attribute {k}");
        m.insert(k.to_string(), Value::string(v));
    }
    Value::object(m)
}

fn s<'a>(v: &'a Value, name: &str) -> &'a str {
    v.get_attr(name).and_then(Value::as_str).unwrap_or_else(|| panic!("{name} is not a known string in {v:?}"))
}

/// The engine's "proposed new state": config, with prior values for computed attributes the
/// config leaves null.
fn proposed(p: &dyn Provider, type_name: &str, prior: &Value, config: &Value) -> Value {
    if prior.is_null() || config.is_null() {
        return config.clone();
    }
    let schema = p.schema();
    let block = &schema.resources[type_name].block;
    let mut m = config.as_entries().cloned().unwrap_or_default();
    for (name, a) in &block.attributes {
        if a.computed && m.get(name).is_none_or(Value::is_null) {
            if let Some(v) = prior.get_attr(name) {
                m.insert(name.clone(), v.clone());
            }
        }
    }
    Value::object(m)
}

async fn plan(p: &dyn Provider, type_name: &str, prior: &Value, config: &Value) -> infra_provider_sdk::PlanResourceResponse {
    if !config.is_null() {
        let diags = p.validate_resource(&ValidateResourceRequest { type_name: type_name.into(), config: config.clone() });
        assert!(!diags.has_errors(), "{diags:?}");
    }
    let resp = p
        .plan_resource(PlanResourceRequest {
            type_name: type_name.into(),
            prior_state: prior.clone(),
            proposed_new_state: proposed(p, type_name, prior, config),
            config: config.clone(),
            prior_private: Vec::new(),
        })
        .await;
    assert!(!resp.diagnostics.has_errors(), "{:?}", resp.diagnostics);
    resp
}

async fn apply(p: &dyn Provider, type_name: &str, prior: &Value, planned: &Value, config: &Value) -> Value {
    let resp = p
        .apply_resource(ApplyResourceRequest {
            type_name: type_name.into(),
            prior_state: prior.clone(),
            planned_state: planned.clone(),
            config: config.clone(),
            planned_private: Vec::new(),
            idempotency_token: "t".into(),
            timeouts: Timeouts::default(),
        })
        .await;
    assert!(!resp.diagnostics.has_errors(), "{:?}", resp.diagnostics);
    resp.new_state
}

/// Plan + apply a create, as the engine does.
async fn create(p: &dyn Provider, type_name: &str, config: &Value) -> Value {
    let null = Value::null(Type::Dynamic);
    let planned = plan(p, type_name, &null, config).await.planned_state.expect("planned state");
    assert!(!planned.get_attr("id").is_some_and(Value::is_known), "id must be unknown before apply");
    let state = apply(p, type_name, &null, &planned, config).await;
    assert!(state.is_wholly_known());
    state
}

async fn refresh(p: &dyn Provider, type_name: &str, state: &Value) -> Value {
    let resp = p
        .read_resource(ReadResourceRequest { type_name: type_name.into(), current_state: state.clone(), private: Vec::new() })
        .await;
    assert!(!resp.diagnostics.has_errors(), "{:?}", resp.diagnostics);
    resp.new_state
}

#[cfg(unix)]
fn mode_of(path: &std::path::Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[tokio::test]
async fn local_file_create_refresh_drift_replace_delete() {
    let p = provider();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("sub/dir/hello.txt");
    let filename = file.to_str().unwrap();
    let cfg = config(&*p, "local_file", &[("filename", filename), ("content", "hello world")]);

    let state = create(&*p, "local_file", &cfg).await;
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "hello world");
    // Known digests of "hello world".
    assert_eq!(s(&state, "id"), "2aae6c35c94fcfb415dbe95f408b9ce91ee846ed");
    assert_eq!(s(&state, "content_sha1"), "2aae6c35c94fcfb415dbe95f408b9ce91ee846ed");
    assert_eq!(s(&state, "content_md5"), "5eb63bbbe01eeed093cb22bb8f5acdc3");
    assert_eq!(s(&state, "content_sha256"), "b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9");
    assert_eq!(s(&state, "content_base64sha256"), "uU0nuZNNPgilLlLX2n2r+sSE7+N6U4DukIj3rOLvzek=");
    assert_eq!(
        s(&state, "content_sha512"),
        "309ecc489c12d6eb4cc40f50c902f2b4d0ed77ee511a7c7a9bcd3ca86d4cd86f989dd35bc5ff499670da34255b45b0cfd830e81f605dcf7dc5542e93ae9cd76f"
    );
    assert_eq!(s(&state, "file_permission"), "0777");
    assert_eq!(s(&state, "directory_permission"), "0777");
    #[cfg(unix)]
    {
        // 0777 before the umask: at least the owner bits are set, group/other per umask.
        assert_eq!(mode_of(&file) & 0o700, 0o700);
        assert_eq!(mode_of(file.parent().unwrap()) & 0o700, 0o700);
    }

    // Refresh with the file untouched keeps the state.
    let refreshed = refresh(&*p, "local_file", &state).await;
    assert!(refreshed.raw_equals(&state));

    // A plan with the same configuration changes nothing.
    let resp = plan(&*p, "local_file", &state, &cfg).await;
    assert!(resp.requires_replace.is_empty());

    // Edited outside infra: the object is reported gone, so the engine re-creates it.
    std::fs::write(&file, "tampered").unwrap();
    assert!(refresh(&*p, "local_file", &state).await.is_null());

    // Deleted outside infra: gone as well.
    std::fs::remove_file(&file).unwrap();
    assert!(refresh(&*p, "local_file", &state).await.is_null());
    let state = create(&*p, "local_file", &cfg).await;
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "hello world");

    // Changing the content forces replacement.
    let cfg2 = config(&*p, "local_file", &[("filename", filename), ("content", "bye")]);
    let resp = plan(&*p, "local_file", &state, &cfg2).await;
    let replaced: Vec<String> = resp.requires_replace.iter().map(|p| p.to_string()).collect();
    assert_eq!(replaced, vec!["content"]);
    // The engine destroys the old object, then plans and applies the new one.
    let planned_delete = plan(&*p, "local_file", &state, &Value::null(state.ty())).await;
    let after_delete = apply(&*p, "local_file", &state, &planned_delete.planned_state.unwrap(), &Value::null(state.ty())).await;
    assert!(after_delete.is_null());
    assert!(!file.exists(), "delete must remove the file");
    let state2 = create(&*p, "local_file", &cfg2).await;
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "bye");
    assert_ne!(s(&state2, "id"), s(&state, "id"));

    // Changing the permission also forces replacement.
    let cfg3 = config(&*p, "local_file", &[("filename", filename), ("content", "bye"), ("file_permission", "0600")]);
    let resp = plan(&*p, "local_file", &state2, &cfg3).await;
    assert_eq!(resp.requires_replace.len(), 1);
    assert_eq!(resp.requires_replace[0].to_string(), "file_permission");
}

#[tokio::test]
async fn local_file_content_sources() {
    let p = provider();
    let dir = tempfile::tempdir().unwrap();

    // content_base64 writes binary data.
    let bin = dir.path().join("bin");
    let cfg = config(&*p, "local_file", &[("filename", bin.to_str().unwrap()), ("content_base64", "AAEC/w==")]);
    create(&*p, "local_file", &cfg).await;
    assert_eq!(std::fs::read(&bin).unwrap(), vec![0u8, 1, 2, 255]);

    // source copies another file.
    let copy = dir.path().join("copy");
    let cfg = config(&*p, "local_file", &[("filename", copy.to_str().unwrap()), ("source", bin.to_str().unwrap())]);
    let st = create(&*p, "local_file", &cfg).await;
    assert_eq!(std::fs::read(&copy).unwrap(), vec![0u8, 1, 2, 255]);
    assert_eq!(s(&st, "content_md5").len(), 32);

    // sensitive_content (deprecated) still works.
    let sens = dir.path().join("sens");
    let cfg = config(&*p, "local_file", &[("filename", sens.to_str().unwrap()), ("sensitive_content", "secret")]);
    create(&*p, "local_file", &cfg).await;
    assert_eq!(std::fs::read_to_string(&sens).unwrap(), "secret");
}

#[tokio::test]
async fn local_file_validation() {
    let p = provider();
    let none = config(&*p, "local_file", &[("filename", "/tmp/x")]);
    let d = p.validate_resource(&ValidateResourceRequest { type_name: "local_file".into(), config: none });
    assert!(d.has_errors());
    assert!(d.iter().any(|d| d.summary == "Invalid Attribute Combination" && d.detail.starts_with("No attribute specified")));

    let two = config(&*p, "local_file", &[("filename", "/tmp/x"), ("content", "a"), ("content_base64", "YQ==")]);
    let d = p.validate_resource(&ValidateResourceRequest { type_name: "local_file".into(), config: two });
    assert!(d.iter().any(|d| d.detail.starts_with("2 attributes specified")));

    let bad_perm = config(&*p, "local_file", &[("filename", "/tmp/x"), ("content", "a"), ("file_permission", "0999")]);
    let d = p.validate_resource(&ValidateResourceRequest { type_name: "local_file".into(), config: bad_perm });
    assert!(d.iter().any(|d| d.summary == "Invalid File Permission String Value"));
    let bad_len = config(&*p, "local_file", &[("filename", "/tmp/x"), ("content", "a"), ("file_permission", "07")]);
    let d = p.validate_resource(&ValidateResourceRequest { type_name: "local_file".into(), config: bad_len });
    assert!(d.iter().any(|d| d.detail.contains("3 or 4 digits")));

    // An unknown content argument may still turn out to be the one: no error yet.
    let mut m = config(&*p, "local_file", &[("filename", "/tmp/x")]).as_entries().unwrap().clone();
    m.insert("content".into(), Value::unknown(Type::String));
    let d = p.validate_resource(&ValidateResourceRequest { type_name: "local_file".into(), config: Value::object(m) });
    assert!(!d.has_errors(), "{d:?}");
}

#[tokio::test]
async fn local_sensitive_file_defaults_and_drift() {
    let p = provider();
    let schema = p.schema();
    let block = &schema.resources["local_sensitive_file"].block;
    assert!(block.attributes["content"].sensitive);
    assert!(block.attributes["content_base64"].sensitive);
    assert!(!block.attributes.contains_key("sensitive_content"));

    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("private/key.pem");
    let cfg = config(&*p, "local_sensitive_file", &[("filename", file.to_str().unwrap()), ("content", "top secret")]);
    let state = create(&*p, "local_sensitive_file", &cfg).await;
    assert_eq!(s(&state, "file_permission"), "0700");
    assert_eq!(s(&state, "directory_permission"), "0700");
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "top secret");
    #[cfg(unix)]
    {
        assert_eq!(mode_of(&file), 0o700);
        assert_eq!(mode_of(file.parent().unwrap()), 0o700);
    }
    assert!(refresh(&*p, "local_sensitive_file", &state).await.raw_equals(&state));
    std::fs::write(&file, "changed").unwrap();
    assert!(refresh(&*p, "local_sensitive_file", &state).await.is_null());
    std::fs::remove_file(&file).unwrap();
    assert!(refresh(&*p, "local_sensitive_file", &state).await.is_null());

    // Delete of a file already gone is not an error.
    let out = apply(&*p, "local_sensitive_file", &state, &Value::null(state.ty()), &Value::null(state.ty())).await;
    assert!(out.is_null());
}

#[tokio::test]
async fn data_sources_read_files() {
    let p = provider();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("data.txt");
    std::fs::write(&file, "hello world").unwrap();
    for ds in ["local_file", "local_sensitive_file"] {
        let schema = p.schema();
        let block = &schema.data_sources[ds].block;
        assert_eq!(block.attributes["content"].sensitive, ds == "local_sensitive_file");
        let mut m = BTreeMap::new();
        m.insert("filename".to_string(), Value::string(file.to_str().unwrap()));
        let resp = p.read_data_source(ReadDataSourceRequest { type_name: ds.into(), config: Value::object(m) }).await;
        assert!(!resp.diagnostics.has_errors(), "{:?}", resp.diagnostics);
        let st = resp.state;
        assert_eq!(s(&st, "content"), "hello world");
        assert_eq!(s(&st, "content_base64"), "aGVsbG8gd29ybGQ=");
        assert_eq!(s(&st, "id"), "2aae6c35c94fcfb415dbe95f408b9ce91ee846ed");
        assert_eq!(s(&st, "content_md5"), "5eb63bbbe01eeed093cb22bb8f5acdc3");
        // Every schema attribute is present in the result.
        for name in block.attributes.keys() {
            assert!(st.get_attr(name).is_some_and(|v| !v.is_null()), "{ds}.{name} missing");
        }
    }
    // A missing file is an error diagnostic, not a panic.
    let mut m = BTreeMap::new();
    m.insert("filename".to_string(), Value::string(dir.path().join("nope").to_str().unwrap()));
    let resp = p.read_data_source(ReadDataSourceRequest { type_name: "local_file".into(), config: Value::object(m) }).await;
    assert!(resp.diagnostics.has_errors());
    assert_eq!(resp.diagnostics.0[0].summary, "Read local file data source error");
}

/// `local_sensitive_file`'s update and delete: new content (or a new permission) replaces the
/// file, and a planned delete removes it from disk.
#[tokio::test]
async fn local_sensitive_file_replace_and_delete() {
    let p = provider();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("app.env");
    let cfg = config(&*p, "local_sensitive_file", &[("filename", file.to_str().unwrap()), ("content", "DB_PASSWORD=one\n")]);
    let state = create(&*p, "local_sensitive_file", &cfg).await;
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "DB_PASSWORD=one\n");

    // The same configuration plans nothing.
    let same = plan(&*p, "local_sensitive_file", &state, &cfg).await;
    assert!(same.requires_replace.is_empty());

    // New content forces a replacement; applying the replacement (a create after the delete)
    // rewrites the file and its hashes.
    let changed = config(&*p, "local_sensitive_file", &[("filename", file.to_str().unwrap()), ("content", "DB_PASSWORD=two\n")]);
    let resp = plan(&*p, "local_sensitive_file", &state, &changed).await;
    let replaced: Vec<String> = resp.requires_replace.iter().map(|p| p.to_string()).collect();
    assert_eq!(replaced, vec!["content"]);
    let gone = apply(&*p, "local_sensitive_file", &state, &Value::null(state.ty()), &Value::null(state.ty())).await;
    assert!(gone.is_null());
    let new_state = create(&*p, "local_sensitive_file", &changed).await;
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "DB_PASSWORD=two\n");
    assert_ne!(s(&new_state, "content_sha256"), s(&state, "content_sha256"));
    assert_ne!(s(&new_state, "id"), s(&state, "id"));

    // A new permission forces a replacement too.
    let perm = config(&*p, "local_sensitive_file", &[("filename", file.to_str().unwrap()), ("content", "DB_PASSWORD=two\n"), ("file_permission", "0640")]);
    let resp = plan(&*p, "local_sensitive_file", &new_state, &perm).await;
    let replaced: Vec<String> = resp.requires_replace.iter().map(|p| p.to_string()).collect();
    assert_eq!(replaced, vec!["file_permission"]);

    // Delete removes the file.
    let planned_delete = plan(&*p, "local_sensitive_file", &new_state, &Value::null(new_state.ty())).await;
    let after = apply(&*p, "local_sensitive_file", &new_state, &planned_delete.planned_state.unwrap(), &Value::null(new_state.ty())).await;
    assert!(after.is_null());
    assert!(!file.exists(), "delete must remove the file");
}
