//! The v4 format: files written by Terraform 1.11.4 (fixtures/tf1114_*.tfstate, produced by
//! `terraform apply` on terraform_data resources with count, for_each, a module, sensitive
//! values, dependencies, create_before_destroy, a data source, taint and a check block) must be
//! read and written back byte for byte.

use infra_state::*;
use serde_json::json;

fn fixture(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

#[test]
fn terraform_files_round_trip_byte_for_byte() {
    for name in ["tf1114_mixed.tfstate", "tf1114_escapes.tfstate", "tf1114_data_tainted.tfstate"] {
        let bytes = fixture(name);
        let state = read_state(&bytes).unwrap().unwrap();
        let written = write_state(&state);
        assert_eq!(written, String::from_utf8(bytes).unwrap(), "{name}");
    }
}

#[test]
fn model_reflects_terraform_fields() {
    let state = read_state(&fixture("tf1114_mixed.tfstate")).unwrap().unwrap();
    assert_eq!(state.version, 4);
    assert_eq!(state.serial, 7);
    assert_eq!(state.lineage, "04244fc5-2077-ec05-75bd-2b1802d1a745");
    assert!(state.outputs["sec"].sensitive);
    assert!(!state.outputs["plain"].sensitive);
    assert_eq!(state.outputs["plain"].type_, json!("string"));

    let counted = state.resource(None, ResourceMode::Managed, "terraform_data", "counted").unwrap();
    assert_eq!(counted.instances[1].index_key, Some(InstanceKey::Int(1)));
    assert_eq!(counted.instances[0].dependencies, vec!["terraform_data.single".to_owned()]);
    assert_eq!(counted.provider, "provider[\"terraform.io/builtin/terraform\"]");

    let each = state.resource(None, ResourceMode::Managed, "terraform_data", "each").unwrap();
    assert_eq!(each.instances[0].index_key, Some(InstanceKey::Str("k1".into())));
    assert!(each.instances[0].create_before_destroy);
    assert_eq!(each.instance_address(each.instances[0].index_key.as_ref()), "terraform_data.each[\"k1\"]");

    let single = state.resource(None, ResourceMode::Managed, "terraform_data", "single").unwrap();
    assert_eq!(
        single.instances[0].sensitive_attributes,
        vec![vec![PathStep::GetAttr("input".into()), PathStep::GetAttr("s".into())]]
    );
    let inner = state.resource(Some("module.m"), ResourceMode::Managed, "terraform_data", "inner").unwrap();
    assert_eq!(inner.address(), "module.m.terraform_data.inner");

    let checks = state.check_results.as_ref().unwrap();
    assert_eq!(checks[0].config_addr, "check.c");

    let tainted = read_state(&fixture("tf1114_data_tainted.tfstate")).unwrap().unwrap();
    assert_eq!(tainted.resources[0].mode, ResourceMode::Data);
    assert_eq!(tainted.resources[0].address(), "data.terraform_remote_state.rs");
    assert_eq!(tainted.resources[1].instances[0].status, Some(InstanceStatus::Tainted));
    assert_eq!(tainted.check_results, None);
}

#[test]
fn writer_sorts_like_terraform_and_omits_empty_fields() {
    let mut state = StateFile::new();
    state.lineage = "l".into();
    let mk = |module: Option<&str>, mode, name: &str, keys: Vec<Option<InstanceKey>>| ResourceState {
        module: module.map(str::to_owned),
        mode,
        type_: "t".into(),
        name: name.into(),
        each: None,
        provider: "provider[\"registry.terraform.io/hashicorp/t\"]".into(),
        instances: keys.into_iter().map(|k| InstanceState::new(k, json!({"id": "x"}))).collect(),
    };
    state.resources.push(mk(Some("module.b"), ResourceMode::Managed, "z", vec![None]));
    state.resources.push(mk(None, ResourceMode::Managed, "b", vec![Some(InstanceKey::Int(10)), Some(InstanceKey::Int(2))]));
    state.resources.push(mk(None, ResourceMode::Data, "c", vec![None]));
    state.resources.push(mk(None, ResourceMode::Managed, "a", vec![Some(InstanceKey::Str("b".into())), Some(InstanceKey::Str("a".into()))]));
    let text = write_state(&state);
    let order: Vec<&str> = text.lines().filter(|l| l.trim_start().starts_with("\"name\"")).collect();
    assert_eq!(order, vec!["      \"name\": \"c\",", "      \"name\": \"a\",", "      \"name\": \"b\",", "      \"name\": \"z\","]);
    let reread = read_state(text.as_bytes()).unwrap().unwrap();
    let b = reread.resource(None, ResourceMode::Managed, "t", "b").unwrap();
    assert_eq!(b.instances[0].index_key, Some(InstanceKey::Int(2)));
    let a = reread.resource(None, ResourceMode::Managed, "t", "a").unwrap();
    assert_eq!(a.instances[0].index_key, Some(InstanceKey::Str("a".into())));
    // omitempty fields are absent; sensitive_attributes and check_results are always written.
    assert!(!text.contains("\"status\""));
    assert!(!text.contains("\"dependencies\""));
    assert!(!text.contains("\"create_before_destroy\""));
    assert!(!text.contains("\"private\""));
    assert!(!text.contains("\"module\": \"\""));
    assert!(text.contains("\"sensitive_attributes\": []"));
    assert!(text.ends_with("  \"check_results\": null\n}\n"));
    assert!(text.starts_with("{\n  \"version\": 4,\n  \"terraform_version\": \"1.11.4\",\n  \"serial\": 0,\n  \"lineage\": \"l\",\n  \"outputs\": {},\n  \"resources\": ["));
}

#[test]
fn legacy_each_is_read_but_not_written_and_numbers_keep_their_text() {
    let src = r#"{"version":4,"terraform_version":"0.12.31","serial":1,"lineage":"x","outputs":{},
      "resources":[{"mode":"managed","type":"t","name":"n","each":"list","provider":"provider.t",
      "instances":[{"index_key":0,"schema_version":1,"attributes":{"big":12345678901234567890123,"f":1.50},
      "private":"eyJhIjoxfQ==","deposed":"abcd1234"}]}]}"#;
    let state = read_state(src.as_bytes()).unwrap().unwrap();
    assert_eq!(state.resources[0].each.as_deref(), Some("list"));
    assert_eq!(state.resources[0].instances[0].deposed.as_deref(), Some("abcd1234"));
    let out = write_state(&state);
    assert!(!out.contains("\"each\""));
    assert!(out.contains("\"big\": 12345678901234567890123"));
    assert!(out.contains("\"f\": 1.50"));
    assert!(out.contains("\"private\": \"eyJhIjoxfQ==\""));
    assert!(out.contains("\"deposed\": \"abcd1234\""));
    // An instance without attributes is an empty object, as in Terraform.
    let src = r#"{"version":4,"serial":1,"lineage":"x","resources":[{"mode":"managed","type":"t","name":"n","provider":"p","instances":[{"schema_version":0}]}]}"#;
    let state = read_state(src.as_bytes()).unwrap().unwrap();
    assert_eq!(state.resources[0].instances[0].attributes, json!({}));
}

#[test]
fn index_path_steps_round_trip() {
    let src = r#"{"version":4,"serial":1,"lineage":"x","resources":[{"mode":"managed","type":"t","name":"n","provider":"p","instances":[{"schema_version":0,"attributes":{},
      "sensitive_attributes":[[{"type":"get_attr","value":"tags"},{"type":"index","value":{"value":"secret","type":"string"}}]]}]}]}"#;
    let state = read_state(src.as_bytes()).unwrap().unwrap();
    let path = &state.resources[0].instances[0].sensitive_attributes[0];
    assert_eq!(path[1], PathStep::Index(json!({"value": "secret", "type": "string"})));
    let out = write_state(&state);
    assert!(out.contains("\"type\": \"index\",\n                \"value\": {\n                  \"value\": \"secret\",\n                  \"type\": \"string\""), "{out}");
}

#[test]
fn empty_file_is_no_state() {
    assert!(read_state(b"").unwrap().is_none());
    assert!(read_state(b"  \n").unwrap().is_none());
}
