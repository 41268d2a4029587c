//! Drives the tls provider the way the engine does (validate, plan, apply, refresh), and runs
//! the `openssl` CLI on what it produces.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use infra_provider_sdk::{
    ApplyResourceRequest, PlanResourceRequest, PlanResourceResponse, Provider, ReadDataSourceRequest, ReadResourceRequest,
    Timeouts, Type, ValidateResourceRequest, Value,
};

pub fn str_list(items: &[&str]) -> Value {
    Value::list(Type::String, items.iter().map(Value::string).collect())
}

/// A `subject { ... }` block value: a one-element list of the subject object.
pub fn subject(p: &dyn Provider, type_name: &str, attrs: &[(&str, &str)]) -> Value {
    let schema = p.schema();
    let nb = &schema.resources[type_name].block.block_types["subject"];
    let mut m = BTreeMap::new();
    for (name, a) in &nb.block.attributes {
        m.insert(name.clone(), Value::null(a.ty.clone()));
    }
    for (k, v) in attrs {
        assert!(m.contains_key(*k), "unknown subject attribute {k}");
        m.insert(k.to_string(), Value::string(v));
    }
    let obj = Value::object(m);
    Value::list(obj.ty(), vec![obj])
}

/// A configuration object of the resource's implied type: the given attributes, null (or an
/// empty block list) elsewhere.
pub fn config(p: &dyn Provider, type_name: &str, attrs: Vec<(&str, Value)>) -> Value {
    let schema = p.schema();
    let block = &schema.resources[type_name].block;
    let ty = block.implied_type();
    let mut m = BTreeMap::new();
    for (name, a) in &block.attributes {
        m.insert(name.clone(), Value::null(a.ty.clone()));
    }
    for (name, nb) in &block.block_types {
        let Type::Object(o) = &ty else { unreachable!() };
        let _ = nb;
        let list_ty = o.attrs[name].clone();
        let elem = list_ty.element_type().cloned().unwrap_or(Type::Dynamic);
        m.insert(name.clone(), Value::empty_list(elem));
    }
    for (k, v) in attrs {
        assert!(m.contains_key(k), "unknown attribute {k}");
        m.insert(k.to_string(), v);
    }
    Value::object(m)
}

pub fn s<'a>(v: &'a Value, name: &str) -> &'a str {
    v.get_attr(name).and_then(Value::as_str).unwrap_or_else(|| panic!("{name} is not a known string"))
}

pub fn b(v: &Value, name: &str) -> bool {
    v.get_attr(name).and_then(Value::as_bool).unwrap_or_else(|| panic!("{name} is not a known bool"))
}

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

pub async fn plan(p: &dyn Provider, type_name: &str, prior: &Value, config: &Value) -> PlanResourceResponse {
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

pub async fn apply_raw(p: &dyn Provider, type_name: &str, prior: &Value, planned: &Value, config: &Value) -> infra_provider_sdk::ApplyResourceResponse {
    p.apply_resource(ApplyResourceRequest {
        type_name: type_name.into(),
        prior_state: prior.clone(),
        planned_state: planned.clone(),
        config: config.clone(),
        planned_private: Vec::new(),
        idempotency_token: "t".into(),
        timeouts: Timeouts::default(),
    })
    .await
}

pub async fn apply(p: &dyn Provider, type_name: &str, prior: &Value, planned: &Value, config: &Value) -> Value {
    let resp = apply_raw(p, type_name, prior, planned, config).await;
    assert!(!resp.diagnostics.has_errors(), "{:?}", resp.diagnostics);
    resp.new_state
}

/// Plan + apply a create, as the engine does; checks the result is wholly known.
pub async fn create(p: &dyn Provider, type_name: &str, config: &Value) -> Value {
    let null = Value::null(Type::Dynamic);
    let planned = plan(p, type_name, &null, config).await.planned_state.expect("planned state");
    let state = apply(p, type_name, &null, &planned, config).await;
    assert!(state.is_wholly_known(), "{state:?}");
    state
}

pub async fn refresh(p: &dyn Provider, type_name: &str, state: &Value) -> Value {
    let resp = p
        .read_resource(ReadResourceRequest { type_name: type_name.into(), current_state: state.clone(), private: Vec::new() })
        .await;
    assert!(!resp.diagnostics.has_errors(), "{:?}", resp.diagnostics);
    resp.new_state
}

pub async fn read_data(p: &dyn Provider, type_name: &str, attrs: Vec<(&str, Value)>) -> Result<Value, String> {
    let schema = p.schema();
    let block = &schema.data_sources[type_name].block;
    let mut m = BTreeMap::new();
    for (name, a) in &block.attributes {
        m.insert(name.clone(), Value::null(a.ty.clone()));
    }
    for (k, v) in attrs {
        m.insert(k.to_string(), v);
    }
    let resp = p.read_data_source(ReadDataSourceRequest { type_name: type_name.into(), config: Value::object(m) }).await;
    if resp.diagnostics.has_errors() {
        return Err(resp.diagnostics.iter().map(|d| format!("{}: {}", d.summary, d.detail)).collect::<Vec<_>>().join("; "));
    }
    Ok(resp.state)
}

pub async fn new_key(p: &dyn Provider, algorithm: &str, curve: Option<&str>) -> Value {
    let mut attrs = vec![("algorithm", Value::string(algorithm))];
    if let Some(c) = curve {
        attrs.push(("ecdsa_curve", Value::string(c)));
    }
    let cfg = config(p, "tls_private_key", attrs);
    create(p, "tls_private_key", &cfg).await
}

pub fn write(dir: &Path, name: &str, content: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, content).unwrap();
    path
}

/// Runs a command; returns stdout, panicking with stderr on failure.
pub fn run(cmd: &str, args: &[&str]) -> String {
    let out = Command::new(cmd).args(args).output().unwrap_or_else(|e| panic!("cannot run {cmd}: {e}"));
    assert!(out.status.success(), "{cmd} {args:?} failed: {}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

pub fn has(cmd: &str) -> bool {
    Command::new("sh").args(["-c", &format!("command -v {cmd}")]).output().is_ok_and(|o| o.status.success())
}
