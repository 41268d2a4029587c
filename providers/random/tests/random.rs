//! Lifecycle tests of the random provider, calling the `Provider` methods as the engine does:
//! validate, plan with a null prior, apply the planned state; re-plan against the state;
//! refresh; replace; delete; import.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use infra_provider_random::factory;
use infra_provider_sdk::{
    ApplyResourceRequest, ApplyResourceResponse, AttrPath, Block, ImportResourceRequest, PlanResourceRequest,
    PlanResourceResponse, Provider, ReadResourceRequest, Type, ValidateResourceRequest, Value,
};

fn provider() -> Arc<dyn Provider> {
    let f = factory();
    assert_eq!((f.name, f.source), ("random", "hashicorp/random"));
    (f.new)()
}

fn block(p: &Arc<dyn Provider>, ty: &str) -> Block {
    p.schema().resources[ty].block.clone()
}

/// A configuration object: every attribute of the block, null unless given.
fn config(p: &Arc<dyn Provider>, ty: &str, given: &[(&str, Value)]) -> Value {
    let b = block(p, ty);
    let mut m: BTreeMap<String, Value> =
        b.attributes.iter().map(|(n, a)| (n.clone(), Value::null(a.ty.clone()))).collect();
    for (n, v) in given {
        assert!(m.contains_key(*n), "no attribute {n}");
        m.insert(n.to_string(), v.clone());
    }
    Value::object(m)
}

/// Terraform's proposed new state: configuration, with prior values of computed attributes
/// the configuration leaves null.
fn proposed(b: &Block, prior: &Value, config: &Value) -> Value {
    if prior.is_null() || config.is_null() {
        return config.clone();
    }
    let mut m = BTreeMap::new();
    for (n, a) in &b.attributes {
        let c = config.get_attr(n).cloned().unwrap_or_else(|| Value::null(a.ty.clone()));
        let v = if a.computed && c.is_null() { prior.get_attr(n).cloned().unwrap_or(c) } else { c };
        m.insert(n.clone(), v);
    }
    Value::object(m)
}

fn s(x: &str) -> Value {
    Value::string(x)
}
fn n(i: i64) -> Value {
    Value::from_i64(i)
}
fn str_map(entries: &[(&str, Value)]) -> Value {
    Value::map(Type::String, entries.iter().map(|(k, v)| (k.to_string(), v.clone())).collect())
}
fn get_str(v: &Value, name: &str) -> String {
    v.get_attr(name).and_then(Value::as_str).unwrap_or_else(|| panic!("{name} is not a known string in {v:?}")).to_string()
}
fn get_i64(v: &Value, name: &str) -> i64 {
    v.get_attr(name).and_then(Value::as_number).and_then(|x| x.to_i64()).unwrap_or_else(|| panic!("{name} in {v:?}"))
}

async fn plan(p: &Arc<dyn Provider>, ty: &str, prior: &Value, config: &Value) -> PlanResourceResponse {
    let b = block(p, ty);
    p.plan_resource(PlanResourceRequest {
        type_name: ty.to_string(),
        prior_state: prior.clone(),
        proposed_new_state: proposed(&b, prior, config),
        config: config.clone(),
        prior_private: Vec::new(),
    })
    .await
}

async fn apply(p: &Arc<dyn Provider>, ty: &str, prior: &Value, planned: &Value, config: &Value) -> ApplyResourceResponse {
    p.apply_resource(ApplyResourceRequest {
        type_name: ty.to_string(),
        prior_state: prior.clone(),
        planned_state: planned.clone(),
        config: config.clone(),
        planned_private: Vec::new(),
        idempotency_token: "token".to_string(),
        timeouts: Default::default(),
    })
    .await
}

/// Validate, plan a create, check that computed attributes are unknown, apply.
async fn create(p: &Arc<dyn Provider>, ty: &str, config: &Value) -> Value {
    let d = p.validate_resource(&ValidateResourceRequest { type_name: ty.to_string(), config: config.clone() });
    assert!(!d.has_errors(), "{d:?}");
    let null = Value::null(block(p, ty).implied_type());
    let planned = plan(p, ty, &null, config).await;
    assert!(!planned.diagnostics.has_errors(), "{:?}", planned.diagnostics);
    assert!(planned.requires_replace.is_empty());
    let planned = planned.planned_state.expect("planned state");
    assert!(!planned.get_attr("id").expect("id").is_known(), "id must be unknown at plan time");
    let resp = apply(p, ty, &null, &planned, config).await;
    assert!(!resp.diagnostics.has_errors(), "{:?}", resp.diagnostics);
    assert!(resp.new_state.is_wholly_known(), "{:?}", resp.new_state);
    assert_eq!(resp.new_state.ty(), block(p, ty).implied_type());
    resp.new_state
}

/// Refresh returns the state unchanged; re-planning the same configuration is a no-op.
async fn assert_stable(p: &Arc<dyn Provider>, ty: &str, state: &Value, config: &Value) {
    let read = p
        .read_resource(ReadResourceRequest { type_name: ty.to_string(), current_state: state.clone(), private: Vec::new() })
        .await;
    assert!(read.new_state.raw_equals(state));
    let again = plan(p, ty, state, config).await;
    assert!(again.requires_replace.is_empty(), "{:?}", again.requires_replace);
    assert!(again.planned_state.expect("planned").raw_equals(state));
}

async fn replace_paths(p: &Arc<dyn Provider>, ty: &str, state: &Value, config: &Value) -> Vec<AttrPath> {
    let r = plan(p, ty, state, config).await;
    assert!(!r.diagnostics.has_errors(), "{:?}", r.diagnostics);
    r.requires_replace
}

async fn delete(p: &Arc<dyn Provider>, ty: &str, state: &Value) {
    let null = Value::null(block(p, ty).implied_type());
    let planned = plan(p, ty, state, &null).await.planned_state.expect("planned");
    assert!(planned.is_null());
    let resp = apply(p, ty, state, &planned, &null).await;
    assert!(!resp.diagnostics.has_errors());
    assert!(resp.new_state.is_null());
}

async fn import(p: &Arc<dyn Provider>, ty: &str, id: &str) -> Result<Value, String> {
    let r = p.import_resource(ImportResourceRequest { type_name: ty.to_string(), id: id.to_string() }).await;
    if r.diagnostics.has_errors() {
        return Err(r.diagnostics.iter().map(|d| format!("{}: {}", d.summary, d.detail)).collect());
    }
    assert_eq!(r.imported.len(), 1);
    let state = r.imported[0].state.clone();
    assert_eq!(state.ty(), block(p, ty).implied_type());
    Ok(state)
}

fn attrs(names: &[&str]) -> Vec<AttrPath> {
    names.iter().map(|n| AttrPath::attr(*n)).collect()
}

// ----- random_id -----

#[tokio::test]
async fn random_id_lifecycle() {
    use base64::Engine;
    let p = provider();
    let cfg = config(&p, "random_id", &[("byte_length", n(8)), ("prefix", s("p-"))]);
    let st = create(&p, "random_id", &cfg).await;
    let id = get_str(&st, "id");
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(&id).expect("b64url id");
    assert_eq!(bytes.len(), 8);
    assert_eq!(get_str(&st, "b64_url"), format!("p-{id}"));
    assert_eq!(get_str(&st, "hex"), format!("p-{}", hex::encode(&bytes)));
    assert_eq!(get_str(&st, "b64_std"), format!("p-{}", base64::engine::general_purpose::STANDARD.encode(&bytes)));
    let dec = bytes.iter().fold(0u128, |acc, b| acc * 256 + u128::from(*b));
    assert_eq!(get_str(&st, "dec"), format!("p-{dec}"));
    assert_stable(&p, "random_id", &st, &cfg).await;

    let changed = config(&p, "random_id", &[("byte_length", n(9)), ("prefix", s("p-"))]);
    assert_eq!(replace_paths(&p, "random_id", &st, &changed).await, attrs(&["byte_length"]));
    let changed = config(&p, "random_id", &[("byte_length", n(8))]);
    assert_eq!(replace_paths(&p, "random_id", &st, &changed).await, attrs(&["prefix"]));
    delete(&p, "random_id", &st).await;

    // Import with and without prefix (the prefix may itself contain commas).
    let imported = import(&p, "random_id", &format!("a,b-,{id}")).await.expect("import");
    assert_eq!(get_str(&imported, "prefix"), "a,b-");
    assert_eq!(get_str(&imported, "hex"), format!("a,b-{}", hex::encode(&bytes)));
    assert_eq!(get_i64(&imported, "byte_length"), 8);
    let imported = import(&p, "random_id", &id).await.expect("import");
    assert!(imported.get_attr("prefix").expect("prefix").is_null());
    assert_eq!(get_str(&imported, "b64_url"), id);
    let err = import(&p, "random_id", "not*base64").await.expect_err("bad id");
    assert!(err.contains("Import Random ID Error") && err.contains("illegal base64 data at input byte 3"), "{err}");
}

#[tokio::test]
async fn keepers_force_replacement_except_for_null_values() {
    let p = provider();
    let cfg = config(&p, "random_id", &[("byte_length", n(4)), ("keepers", str_map(&[("ami", s("a"))]))]);
    let st = create(&p, "random_id", &cfg).await;
    assert_stable(&p, "random_id", &st, &cfg).await;
    let changed = config(&p, "random_id", &[("byte_length", n(4)), ("keepers", str_map(&[("ami", s("b"))]))]);
    assert_eq!(replace_paths(&p, "random_id", &st, &changed).await, attrs(&["keepers"]));
    let removed = config(&p, "random_id", &[("byte_length", n(4))]);
    assert_eq!(replace_paths(&p, "random_id", &st, &removed).await, attrs(&["keepers"]));
    let unknown = config(&p, "random_id", &[("byte_length", n(4)), ("keepers", Value::unknown(Type::map(Type::String)))]);
    assert_eq!(replace_paths(&p, "random_id", &st, &unknown).await, attrs(&["keepers"]));
    // A key with a null value added: no replacement (HashiCorp's RequiresReplaceIfValuesNotNull),
    // but an in-place update that keeps the random value.
    let with_null = config(
        &p,
        "random_id",
        &[("byte_length", n(4)), ("keepers", str_map(&[("ami", s("a")), ("extra", Value::null(Type::String))]))],
    );
    let r = plan(&p, "random_id", &st, &with_null).await;
    assert!(r.requires_replace.is_empty());
    let planned = r.planned_state.expect("planned");
    let updated = apply(&p, "random_id", &st, &planned, &with_null).await.new_state;
    assert_eq!(get_str(&updated, "id"), get_str(&st, "id"));
}

// ----- random_string / random_password -----

fn count(s: &str, f: impl Fn(char) -> bool) -> usize {
    s.chars().filter(|c| f(*c)).count()
}

#[tokio::test]
async fn random_string_lifecycle_and_defaults() {
    let p = provider();
    let cfg = config(&p, "random_string", &[("length", n(24))]);
    let null = Value::null(block(&p, "random_string").implied_type());
    let planned = plan(&p, "random_string", &null, &cfg).await.planned_state.expect("planned");
    for (name, v) in [("special", true), ("upper", true), ("lower", true), ("number", true), ("numeric", true)] {
        assert_eq!(planned.get_attr(name).and_then(Value::as_bool), Some(v), "{name}");
    }
    assert_eq!(get_i64(&planned, "min_upper"), 0);
    let st = create(&p, "random_string", &cfg).await;
    let result = get_str(&st, "result");
    assert_eq!(result.chars().count(), 24);
    assert_eq!(get_str(&st, "id"), result);
    assert_stable(&p, "random_string", &st, &cfg).await;
    let changed = config(&p, "random_string", &[("length", n(24)), ("special", Value::bool(false))]);
    assert_eq!(replace_paths(&p, "random_string", &st, &changed).await, attrs(&["special"]));
    let changed = config(&p, "random_string", &[("length", n(24)), ("numeric", Value::bool(false))]);
    assert_eq!(replace_paths(&p, "random_string", &st, &changed).await, attrs(&["number", "numeric"]));
    delete(&p, "random_string", &st).await;

    let imported = import(&p, "random_string", "imported-value").await.expect("import");
    assert_eq!(get_str(&imported, "result"), "imported-value");
    assert_eq!(get_str(&imported, "id"), "imported-value");
    assert_eq!(get_i64(&imported, "length"), 14);
    assert!(imported.get_attr("override_special").expect("attr").is_null());
    // An imported object is stable under a matching configuration.
    let cfg = config(&p, "random_string", &[("length", n(14))]);
    assert!(replace_paths(&p, "random_string", &imported, &cfg).await.is_empty());
}

#[tokio::test]
async fn string_character_classes_and_minimums_are_honoured() {
    let p = provider();
    let cfg = config(
        &p,
        "random_string",
        &[
            ("length", n(12)),
            ("min_upper", n(3)),
            ("min_lower", n(2)),
            ("min_numeric", n(4)),
            ("min_special", n(2)),
            ("override_special", s("_%")),
        ],
    );
    for _ in 0..200 {
        let r = get_str(&create(&p, "random_string", &cfg).await, "result");
        assert_eq!(r.chars().count(), 12);
        assert!(count(&r, |c| c.is_ascii_uppercase()) >= 3, "{r}");
        assert!(count(&r, |c| c.is_ascii_lowercase()) >= 2, "{r}");
        assert!(count(&r, |c| c.is_ascii_digit()) >= 4, "{r}");
        assert!(count(&r, |c| c == '_' || c == '%') >= 2, "{r}");
        assert!(r.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '%'), "{r}");
    }
    // Classes switched off never appear; `number = false` turns off digits too.
    let cfg = config(
        &p,
        "random_string",
        &[("length", n(40)), ("special", Value::bool(false)), ("upper", Value::bool(false)), ("number", Value::bool(false))],
    );
    let st = create(&p, "random_string", &cfg).await;
    assert_eq!(st.get_attr("numeric").and_then(Value::as_bool), Some(false));
    let r = get_str(&st, "result");
    assert!(r.chars().all(|c| c.is_ascii_lowercase()), "{r}");
    // Unicode override_special counts characters, not bytes.
    let cfg = config(&p, "random_string", &[("length", n(6)), ("min_special", n(6)), ("override_special", s("é"))]);
    assert_eq!(get_str(&create(&p, "random_string", &cfg).await, "result"), "éééééé");
}

#[tokio::test]
async fn string_validation_matches_hashicorp_messages() {
    let p = provider();
    let validate = |cfg: Value| p.validate_resource(&ValidateResourceRequest { type_name: "random_password".into(), config: cfg });
    let d = validate(config(&p, "random_password", &[("length", n(0))]));
    assert_eq!(d.0[0].summary, "Invalid Attribute Value");
    assert_eq!(d.0[0].detail, "Attribute length value must be at least 1, got: 0");
    let d = validate(config(&p, "random_password", &[("length", n(3)), ("min_upper", n(2)), ("min_lower", n(2))]));
    assert_eq!(
        d.0[0].detail,
        "Attribute length value must be at least sum of min_upper + min_lower + min_numeric + min_special, got: 3"
    );
    // Unknown minimums defer the check.
    let d = validate(config(&p, "random_password", &[("length", n(3)), ("min_upper", Value::unknown(Type::Number))]));
    assert!(!d.has_errors());
    let all_off = [
        ("length", n(3)),
        ("special", Value::bool(false)),
        ("upper", Value::bool(false)),
        ("lower", Value::bool(false)),
        ("numeric", Value::bool(false)),
    ];
    let d = validate(config(&p, "random_password", &all_off));
    assert_eq!(d.0[0].summary, "Invalid Attribute Combination");
    assert_eq!(d.0[0].detail, "At least one attribute out of [special,upper,lower,numeric] must be specified as true");

    // number and numeric in conflict: a plan error.
    let cfg = config(&p, "random_password", &[("length", n(3)), ("number", Value::bool(true)), ("numeric", Value::bool(false))]);
    let null = Value::null(block(&p, "random_password").implied_type());
    let r = plan(&p, "random_password", &null, &cfg).await;
    assert_eq!(r.diagnostics.0[0].summary, "Number and numeric are both configured with different values");
}

#[tokio::test]
async fn random_password_is_sensitive_with_a_verifying_bcrypt_hash() {
    let p = provider();
    let schema = p.schema();
    let attrs_ = &schema.resources["random_password"].block.attributes;
    assert!(attrs_["result"].sensitive && attrs_["bcrypt_hash"].sensitive);
    assert!(!schema.resources["random_string"].block.attributes["result"].sensitive);
    assert!(!schema.resources["random_string"].block.attributes.contains_key("bcrypt_hash"));

    let cfg = config(&p, "random_password", &[("length", n(80)), ("keepers", str_map(&[("k", s("1"))]))]);
    let st = create(&p, "random_password", &cfg).await;
    let result = get_str(&st, "result");
    let hash = get_str(&st, "bcrypt_hash");
    assert_eq!(get_str(&st, "id"), "none");
    assert!(hash.starts_with("$2a$10$"), "{hash}");
    // Longer than 72 bytes: the hash covers the first 72.
    assert!(bcrypt::verify(&result.as_bytes()[..72], &hash).expect("verify"));
    assert_stable(&p, "random_password", &st, &cfg).await;
    let changed = config(&p, "random_password", &[("length", n(80)), ("keepers", str_map(&[("k", s("2"))]))]);
    assert_eq!(replace_paths(&p, "random_password", &st, &changed).await, attrs(&["keepers"]));
    delete(&p, "random_password", &st).await;

    let imported = import(&p, "random_password", "s3cr3t!").await.expect("import");
    assert_eq!(get_str(&imported, "result"), "s3cr3t!");
    assert_eq!(get_str(&imported, "id"), "none");
    assert!(bcrypt::verify("s3cr3t!", &get_str(&imported, "bcrypt_hash")).expect("verify"));
}

#[tokio::test]
async fn override_special_empty_to_null_does_not_replace() {
    let p = provider();
    let cfg = config(&p, "random_string", &[("length", n(8)), ("override_special", s(""))]);
    let st = create(&p, "random_string", &cfg).await;
    let to_null = config(&p, "random_string", &[("length", n(8))]);
    assert!(replace_paths(&p, "random_string", &st, &to_null).await.is_empty());
    let cfg = config(&p, "random_string", &[("length", n(8)), ("override_special", s("#"))]);
    let st = create(&p, "random_string", &cfg).await;
    assert_eq!(replace_paths(&p, "random_string", &st, &to_null).await, attrs(&["override_special"]));
}

// ----- random_integer -----

#[tokio::test]
async fn random_integer_lifecycle_seed_and_import() {
    let p = provider();
    let cfg = config(&p, "random_integer", &[("min", n(-3)), ("max", n(3))]);
    let mut seen = BTreeSet::new();
    for _ in 0..200 {
        let st = create(&p, "random_integer", &cfg).await;
        let r = get_i64(&st, "result");
        assert!((-3..=3).contains(&r));
        assert_eq!(get_str(&st, "id"), r.to_string());
        seen.insert(r);
    }
    assert_eq!(seen.len(), 7, "every value of a small range appears: {seen:?}");

    let seeded = config(&p, "random_integer", &[("min", n(1)), ("max", n(1_000_000)), ("seed", s("hello"))]);
    let a = create(&p, "random_integer", &seeded).await;
    let b = create(&p, "random_integer", &seeded).await;
    assert_eq!(get_i64(&a, "result"), get_i64(&b, "result"), "same seed, same result");
    let other = config(&p, "random_integer", &[("min", n(1)), ("max", n(1_000_000)), ("seed", s("world"))]);
    assert_ne!(get_i64(&a, "result"), get_i64(&create(&p, "random_integer", &other).await, "result"));
    assert_stable(&p, "random_integer", &a, &seeded).await;
    assert_eq!(replace_paths(&p, "random_integer", &a, &other).await, attrs(&["seed"]));
    let wider = config(&p, "random_integer", &[("min", n(0)), ("max", n(1_000_000)), ("seed", s("hello"))]);
    assert_eq!(replace_paths(&p, "random_integer", &a, &wider).await, attrs(&["min"]));
    delete(&p, "random_integer", &a).await;

    // max < min fails at apply, as HashiCorp's.
    let bad = config(&p, "random_integer", &[("min", n(5)), ("max", n(1))]);
    let null = Value::null(block(&p, "random_integer").implied_type());
    let planned = plan(&p, "random_integer", &null, &bad).await.planned_state.expect("planned");
    let r = apply(&p, "random_integer", &null, &planned, &bad).await;
    assert_eq!(r.diagnostics.0[0].summary, "Create Random Integer Error");

    let imported = import(&p, "random_integer", "15,1,20,myseed").await.expect("import");
    assert_eq!((get_i64(&imported, "result"), get_i64(&imported, "min"), get_i64(&imported, "max")), (15, 1, 20));
    assert_eq!(get_str(&imported, "seed"), "myseed");
    assert_eq!(get_str(&imported, "id"), "15");
    let imported = import(&p, "random_integer", "15,1,20").await.expect("import");
    assert!(imported.get_attr("seed").expect("seed").is_null());
    let err = import(&p, "random_integer", "15,1").await.expect_err("bad");
    assert!(err.contains("expecting {result},{min},{max} or {result},{min},{max},{seed}"), "{err}");
    let err = import(&p, "random_integer", "15,x,20").await.expect_err("bad");
    assert!(err.contains("The min value supplied could not be parsed as an integer."), "{err}");
}

// ----- random_uuid -----

#[tokio::test]
async fn random_uuid_lifecycle_and_import() {
    let p = provider();
    let cfg = config(&p, "random_uuid", &[]);
    let st = create(&p, "random_uuid", &cfg).await;
    let u = get_str(&st, "result");
    let parsed = uuid::Uuid::parse_str(&u).expect("uuid");
    assert_eq!(parsed.get_version_num(), 4);
    assert_eq!(u, u.to_lowercase());
    assert_eq!(get_str(&st, "id"), u);
    assert_stable(&p, "random_uuid", &st, &cfg).await;
    let keyed = config(&p, "random_uuid", &[("keepers", str_map(&[("a", s("b"))]))]);
    assert_eq!(replace_paths(&p, "random_uuid", &st, &keyed).await, attrs(&["keepers"]));
    delete(&p, "random_uuid", &st).await;

    let imported = import(&p, "random_uuid", "6B1B5A0C-8A2E-4E6F-9A0B-0C1D2E3F4A5B").await.expect("import");
    assert_eq!(get_str(&imported, "result"), "6b1b5a0c-8a2e-4e6f-9a0b-0c1d2e3f4a5b");
    let err = import(&p, "random_uuid", "nope").await.expect_err("bad");
    assert!(err.contains("Import Random UUID Error") && err.contains("uuid string is wrong length"), "{err}");
}

// ----- random_pet -----

#[tokio::test]
async fn random_pet_lifecycle() {
    let p = provider();
    let cfg = config(&p, "random_pet", &[]);
    let st = create(&p, "random_pet", &cfg).await;
    assert_eq!(get_i64(&st, "length"), 2);
    assert_eq!(get_str(&st, "separator"), "-");
    let name = get_str(&st, "id");
    assert_eq!(name.split('-').count(), 2, "{name}");
    assert!(name.chars().all(|c| c.is_ascii_lowercase() || c == '-'), "{name}");
    assert_stable(&p, "random_pet", &st, &cfg).await;
    let longer = config(&p, "random_pet", &[("length", n(3))]);
    assert_eq!(replace_paths(&p, "random_pet", &st, &longer).await, attrs(&["length"]));

    let cfg = config(&p, "random_pet", &[("length", n(4)), ("prefix", s("web")), ("separator", s("_"))]);
    let st = create(&p, "random_pet", &cfg).await;
    let name = get_str(&st, "id");
    let parts: Vec<&str> = name.split('_').collect();
    assert_eq!(parts.len(), 5, "{name}");
    assert_eq!(parts[0], "web");
    delete(&p, "random_pet", &st).await;
    // Many names: not all the same.
    let cfg = config(&p, "random_pet", &[]);
    let mut names = BTreeSet::new();
    for _ in 0..20 {
        names.insert(get_str(&create(&p, "random_pet", &cfg).await, "id"));
    }
    assert!(names.len() > 10);
}

// ----- random_shuffle -----

fn strings(v: &Value, name: &str) -> Vec<String> {
    v.get_attr(name)
        .and_then(Value::as_elements)
        .expect("list")
        .iter()
        .map(|e| e.as_str().expect("string").to_string())
        .collect()
}

#[tokio::test]
async fn random_shuffle_lifecycle() {
    let p = provider();
    let input = Value::list(Type::String, ["a", "b", "c", "d", "e"].iter().map(|x| s(x)).collect());
    let cfg = config(&p, "random_shuffle", &[("input", input.clone())]);
    let st = create(&p, "random_shuffle", &cfg).await;
    let mut r = strings(&st, "result");
    r.sort();
    assert_eq!(r, vec!["a", "b", "c", "d", "e"]);
    assert_eq!(get_str(&st, "id"), "-");
    assert_stable(&p, "random_shuffle", &st, &cfg).await;
    let other_input = Value::list(Type::String, vec![s("a")]);
    let changed = config(&p, "random_shuffle", &[("input", other_input)]);
    assert_eq!(replace_paths(&p, "random_shuffle", &st, &changed).await, attrs(&["input"]));
    delete(&p, "random_shuffle", &st).await;

    // More results than inputs: whole permutations, so no element more than twice here.
    let cfg = config(&p, "random_shuffle", &[("input", input.clone()), ("result_count", n(8))]);
    let r = strings(&create(&p, "random_shuffle", &cfg).await, "result");
    assert_eq!(r.len(), 8);
    let first: BTreeSet<&String> = r[..5].iter().collect();
    assert_eq!(first.len(), 5, "{r:?}");
    // Fewer results.
    let cfg = config(&p, "random_shuffle", &[("input", input.clone()), ("result_count", n(2))]);
    assert_eq!(strings(&create(&p, "random_shuffle", &cfg).await, "result").len(), 2);
    // Zero results or empty input: empty list.
    let cfg = config(&p, "random_shuffle", &[("input", Value::empty_list(Type::String))]);
    assert!(strings(&create(&p, "random_shuffle", &cfg).await, "result").is_empty());

    // A seed makes the result deterministic.
    let long: Vec<Value> = (0..20).map(|i| s(&i.to_string())).collect();
    let cfg = config(&p, "random_shuffle", &[("input", Value::list(Type::String, long)), ("seed", s("s"))]);
    let a = strings(&create(&p, "random_shuffle", &cfg).await, "result");
    let b = strings(&create(&p, "random_shuffle", &cfg).await, "result");
    assert_eq!(a, b);

    let err = import(&p, "random_shuffle", "x").await.expect_err("not importable");
    assert!(err.contains("not support import"), "{err}");
}

#[tokio::test]
async fn unknown_resource_types_are_reported() {
    let p = provider();
    let r = import(&p, "random_nope", "x").await.expect_err("unknown");
    assert!(r.contains("Unsupported resource type"));
}
