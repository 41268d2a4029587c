//! Lifecycle tests of the time provider, calling the `Provider` methods as the engine does,
//! with a clock the tests move.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{TimeZone, Utc};
use infra_provider_sdk::{
    ApplyResourceRequest, ApplyResourceResponse, AttrPath, Block, ImportResourceRequest, PlanResourceRequest,
    PlanResourceResponse, Provider, ReadResourceRequest, Type, ValidateResourceRequest, Value,
};
use infra_provider_time::{factory, TimeProvider};

/// A provider whose clock reads `secs` (Unix seconds).
fn provider_at(secs: &Arc<AtomicI64>) -> Arc<dyn Provider> {
    let secs = secs.clone();
    Arc::new(TimeProvider::with_clock(Arc::new(move || {
        Utc.timestamp_opt(secs.load(Ordering::SeqCst), 0).single().unwrap_or_default()
    })))
}

/// 2024-03-05T06:07:08Z
const T0: i64 = 1_709_618_828;

fn clock() -> Arc<AtomicI64> {
    Arc::new(AtomicI64::new(T0))
}

fn block(p: &Arc<dyn Provider>, ty: &str) -> Block {
    p.schema().resources[ty].block.clone()
}

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
fn get_str(v: &Value, name: &str) -> String {
    v.get_attr(name).and_then(Value::as_str).unwrap_or_else(|| panic!("{name} in {v:?}")).to_string()
}
fn get_i64(v: &Value, name: &str) -> i64 {
    v.get_attr(name).and_then(Value::as_number).and_then(|x| x.to_i64()).unwrap_or_else(|| panic!("{name} in {v:?}"))
}
fn attrs(names: &[&str]) -> Vec<AttrPath> {
    names.iter().map(|n| AttrPath::attr(*n)).collect()
}
fn triggers(k: &str, v: &str) -> Value {
    Value::map(Type::String, [(k.to_string(), s(v))].into_iter().collect())
}

async fn plan(p: &Arc<dyn Provider>, ty: &str, prior: &Value, config: &Value) -> PlanResourceResponse {
    let r = p
        .plan_resource(PlanResourceRequest {
            type_name: ty.to_string(),
            prior_state: prior.clone(),
            proposed_new_state: proposed(&block(p, ty), prior, config),
            config: config.clone(),
            prior_private: Vec::new(),
        })
        .await;
    assert!(!r.diagnostics.has_errors(), "{:?}", r.diagnostics);
    r
}

async fn apply(p: &Arc<dyn Provider>, ty: &str, prior: &Value, planned: &Value, config: &Value) -> ApplyResourceResponse {
    let r = p
        .apply_resource(ApplyResourceRequest {
            type_name: ty.to_string(),
            prior_state: prior.clone(),
            planned_state: planned.clone(),
            config: config.clone(),
            planned_private: Vec::new(),
            idempotency_token: "t".to_string(),
            timeouts: Default::default(),
        })
        .await;
    assert!(!r.diagnostics.has_errors(), "{:?}", r.diagnostics);
    r
}

fn validate(p: &Arc<dyn Provider>, ty: &str, config: &Value) -> Vec<(String, String)> {
    p.validate_resource(&ValidateResourceRequest { type_name: ty.to_string(), config: config.clone() })
        .iter()
        .map(|d| (d.summary.clone(), d.detail.clone()))
        .collect()
}

/// Known planned values must survive apply unchanged (the engine checks this).
fn assert_consistent(planned: &Value, applied: &Value) {
    for (name, v) in planned.as_entries().expect("object") {
        if v.is_wholly_known() {
            assert!(v.raw_equals(&applied.get_attr(name).cloned().unwrap_or_else(Value::dynamic_null)), "{name} changed");
        }
    }
    assert!(applied.is_wholly_known(), "{applied:?}");
}

/// Validate, plan a create, apply; returns (planned, state).
async fn create(p: &Arc<dyn Provider>, ty: &str, config: &Value) -> (Value, Value) {
    assert!(validate(p, ty, config).is_empty(), "{:?}", validate(p, ty, config));
    let null = Value::null(block(p, ty).implied_type());
    let r = plan(p, ty, &null, config).await;
    assert!(r.requires_replace.is_empty());
    let planned = r.planned_state.expect("planned");
    let state = apply(p, ty, &null, &planned, config).await.new_state;
    assert_consistent(&planned, &state);
    assert_eq!(state.ty(), block(p, ty).implied_type());
    (planned, state)
}

async fn read(p: &Arc<dyn Provider>, ty: &str, state: &Value) -> Value {
    let r = p
        .read_resource(ReadResourceRequest { type_name: ty.to_string(), current_state: state.clone(), private: Vec::new() })
        .await;
    assert!(!r.diagnostics.has_errors(), "{:?}", r.diagnostics);
    r.new_state
}

async fn delete(p: &Arc<dyn Provider>, ty: &str, state: &Value) {
    let null = Value::null(block(p, ty).implied_type());
    let planned = plan(p, ty, state, &null).await.planned_state.expect("planned");
    assert!(planned.is_null());
    assert!(apply(p, ty, state, &planned, &null).await.new_state.is_null());
}

async fn import(p: &Arc<dyn Provider>, ty: &str, id: &str) -> Result<Value, String> {
    let r = p.import_resource(ImportResourceRequest { type_name: ty.to_string(), id: id.to_string() }).await;
    if r.diagnostics.has_errors() {
        return Err(r.diagnostics.iter().map(|d| format!("{}: {}", d.summary, d.detail)).collect());
    }
    let state = r.imported[0].state.clone();
    assert_eq!(state.ty(), block(p, ty).implied_type());
    Ok(state)
}

// ----- time_static -----

#[tokio::test]
async fn factory_names() {
    let f = factory();
    assert_eq!((f.name, f.source), ("time", "hashicorp/time"));
    let p = (f.new)();
    let names: Vec<String> = p.schema().resources.keys().cloned().collect();
    assert_eq!(names, ["time_offset", "time_rotating", "time_sleep", "time_static"]);
}

#[tokio::test]
async fn time_static_lifecycle() {
    let c = clock();
    let p = provider_at(&c);
    let cfg = config(&p, "time_static", &[]);
    let (planned, st) = create(&p, "time_static", &cfg).await;
    assert!(!planned.get_attr("rfc3339").expect("rfc3339").is_known());
    assert_eq!(get_str(&st, "rfc3339"), "2024-03-05T06:07:08Z");
    assert_eq!(get_str(&st, "id"), "2024-03-05T06:07:08Z");
    let parts: Vec<i64> = ["year", "month", "day", "hour", "minute", "second"].iter().map(|k| get_i64(&st, k)).collect();
    assert_eq!(parts, [2024, 3, 5, 6, 7, 8]);
    assert_eq!(get_i64(&st, "unix"), T0);
    // Time passes: refresh and re-plan change nothing.
    c.store(T0 + 86_400, Ordering::SeqCst);
    assert!(read(&p, "time_static", &st).await.raw_equals(&st));
    let again = plan(&p, "time_static", &st, &cfg).await;
    assert!(again.requires_replace.is_empty());
    assert!(again.planned_state.expect("planned").raw_equals(&st));
    let changed = config(&p, "time_static", &[("triggers", triggers("a", "1"))]);
    assert_eq!(plan(&p, "time_static", &st, &changed).await.requires_replace, attrs(&["triggers"]));
    delete(&p, "time_static", &st).await;

    // A configured rfc3339: everything known at plan time, kept as written.
    let cfg = config(&p, "time_static", &[("rfc3339", s("2020-02-12T06:36:13+01:00"))]);
    let (planned, st) = create(&p, "time_static", &cfg).await;
    assert!(planned.is_wholly_known(), "{planned:?}");
    assert_eq!(get_str(&st, "id"), "2020-02-12T06:36:13+01:00");
    assert_eq!((get_i64(&st, "hour"), get_i64(&st, "unix")), (6, 1_581_485_773));
    let other = config(&p, "time_static", &[("rfc3339", s("2021-02-12T06:36:13Z"))]);
    assert_eq!(plan(&p, "time_static", &st, &other).await.requires_replace, attrs(&["rfc3339"]));

    let imported = import(&p, "time_static", "2020-02-12T06:36:13Z").await.expect("import");
    assert_eq!(get_i64(&imported, "unix"), 1_581_489_373);
    assert_eq!(get_str(&imported, "id"), "2020-02-12T06:36:13Z");
    assert_eq!(imported.get_attr("triggers").and_then(Value::len), Some(0));
    let err = import(&p, "time_static", "yesterday").await.expect_err("bad");
    assert!(err.starts_with("Import time static error"), "{err}");

    let bad = config(&p, "time_static", &[("rfc3339", s("Mon, 02 Jan 2006"))]);
    assert_eq!(validate(&p, "time_static", &bad)[0].0, "Invalid RFC3339 String Value");
}

// ----- time_offset -----

#[tokio::test]
async fn time_offset_lifecycle() {
    let c = clock();
    let p = provider_at(&c);
    let cfg = config(&p, "time_offset", &[("offset_days", n(1)), ("offset_hours", n(2))]);
    let (_, st) = create(&p, "time_offset", &cfg).await;
    assert_eq!(get_str(&st, "base_rfc3339"), "2024-03-05T06:07:08Z");
    assert_eq!(get_str(&st, "id"), "2024-03-05T06:07:08Z");
    assert_eq!(get_str(&st, "rfc3339"), "2024-03-06T08:07:08Z");
    assert_eq!(get_i64(&st, "unix"), T0 + 86_400 + 7_200);
    assert_eq!((get_i64(&st, "day"), get_i64(&st, "hour")), (6, 8));
    c.store(T0 + 1_000, Ordering::SeqCst);
    assert!(read(&p, "time_offset", &st).await.raw_equals(&st));
    let again = plan(&p, "time_offset", &st, &cfg).await;
    assert!(again.requires_replace.is_empty());
    assert!(again.planned_state.expect("planned").raw_equals(&st));

    // Changing an offset updates in place, from the stored base, known at plan time.
    let cfg2 = config(&p, "time_offset", &[("offset_days", n(2))]);
    let r = plan(&p, "time_offset", &st, &cfg2).await;
    assert!(r.requires_replace.is_empty());
    let planned = r.planned_state.expect("planned");
    assert_eq!(get_str(&planned, "rfc3339"), "2024-03-07T06:07:08Z");
    let updated = apply(&p, "time_offset", &st, &planned, &cfg2).await.new_state;
    assert_consistent(&planned, &updated);
    assert_eq!(get_str(&updated, "base_rfc3339"), "2024-03-05T06:07:08Z");

    let trig = config(&p, "time_offset", &[("offset_days", n(2)), ("triggers", triggers("k", "v"))]);
    assert_eq!(plan(&p, "time_offset", &updated, &trig).await.requires_replace, attrs(&["triggers"]));
    delete(&p, "time_offset", &updated).await;

    // A configured base: computed at plan time on create; Go's month normalisation.
    let cfg = config(&p, "time_offset", &[("base_rfc3339", s("2021-01-31T00:00:00Z")), ("offset_months", n(1))]);
    let (planned, st) = create(&p, "time_offset", &cfg).await;
    assert!(planned.is_wholly_known());
    assert_eq!(get_str(&st, "rfc3339"), "2021-03-03T00:00:00Z");

    let missing = config(&p, "time_offset", &[]);
    let d = validate(&p, "time_offset", &missing);
    assert_eq!(d[0].0, "Missing Attribute Configuration");
    assert_eq!(
        d[0].1,
        "At least one of these attributes must be configured: [offset_seconds,offset_minutes,offset_hours,offset_days,offset_months,offset_years]"
    );

    let imported = import(&p, "time_offset", "2020-01-01T00:00:00Z,1,,,,,5").await.expect("import");
    assert_eq!((get_i64(&imported, "offset_years"), get_i64(&imported, "offset_seconds")), (1, 5));
    assert!(imported.get_attr("offset_days").expect("attr").is_null());
    assert_eq!(get_str(&imported, "rfc3339"), "2021-01-01T00:00:05Z");
    assert_eq!(get_str(&imported, "base_rfc3339"), "2020-01-01T00:00:00Z");
    let err = import(&p, "time_offset", "2020-01-01T00:00:00Z,,,,,,").await.expect_err("bad");
    assert!(err.contains("where at least one offset value is non-empty"), "{err}");
    let err = import(&p, "time_offset", "2020-01-01T00:00:00Z,x,,,,,").await.expect_err("bad");
    assert!(err.contains("The offset_years parameter that was supplied could not be parsed as Int64."), "{err}");
}

// ----- time_rotating -----

#[tokio::test]
async fn time_rotating_expires_and_is_recreated() {
    let c = clock();
    let p = provider_at(&c);
    let cfg = config(&p, "time_rotating", &[("rotation_minutes", n(1))]);
    let (_, st) = create(&p, "time_rotating", &cfg).await;
    assert_eq!(get_str(&st, "rfc3339"), "2024-03-05T06:07:08Z");
    assert_eq!(get_str(&st, "rotation_rfc3339"), "2024-03-05T06:08:08Z");
    assert_eq!(get_i64(&st, "unix"), T0 + 60, "the parts describe the rotation time");
    assert_eq!(get_i64(&st, "minute"), 8);

    c.store(T0 + 30, Ordering::SeqCst);
    assert!(read(&p, "time_rotating", &st).await.raw_equals(&st), "not yet expired");
    let again = plan(&p, "time_rotating", &st, &cfg).await;
    assert!(again.requires_replace.is_empty());
    assert!(again.planned_state.expect("planned").raw_equals(&st));

    // Changing the cadence before expiry: in place, recomputed from the same base.
    let cfg5 = config(&p, "time_rotating", &[("rotation_minutes", n(5))]);
    let r = plan(&p, "time_rotating", &st, &cfg5).await;
    assert!(r.requires_replace.is_empty());
    let planned = r.planned_state.expect("planned");
    assert_eq!(get_str(&planned, "rotation_rfc3339"), "2024-03-05T06:12:08Z");
    let st5 = apply(&p, "time_rotating", &st, &planned, &cfg5).await.new_state;
    assert_consistent(&planned, &st5);

    // After the rotation time, refresh removes it from state...
    c.store(T0 + 301, Ordering::SeqCst);
    assert!(read(&p, "time_rotating", &st5).await.is_null(), "expired objects leave state");
    // ... and the next plan creates a new one from the current time.
    let (_, fresh) = create(&p, "time_rotating", &cfg5).await;
    assert_eq!(get_str(&fresh, "rfc3339"), "2024-03-05T06:12:09Z");
    assert_eq!(get_str(&fresh, "rotation_rfc3339"), "2024-03-05T06:17:09Z");

    // Changing the cadence of an expired object that was not refreshed replaces it.
    let cfg1 = config(&p, "time_rotating", &[("rotation_minutes", n(1))]);
    assert_eq!(plan(&p, "time_rotating", &st5, &cfg1).await.requires_replace, attrs(&["rotation_rfc3339"]));
    let trig = config(&p, "time_rotating", &[("rotation_minutes", n(5)), ("triggers", triggers("a", "b"))]);
    assert_eq!(plan(&p, "time_rotating", &fresh, &trig).await.requires_replace, attrs(&["triggers"]));
    delete(&p, "time_rotating", &fresh).await;
}

#[tokio::test]
async fn time_rotating_configured_times_validation_and_import() {
    let c = clock();
    let p = provider_at(&c);
    let cfg = config(
        &p,
        "time_rotating",
        &[("rfc3339", s("2024-01-31T00:00:00Z")), ("rotation_months", n(1))],
    );
    let (planned, st) = create(&p, "time_rotating", &cfg).await;
    assert!(planned.is_wholly_known(), "a configured base makes the plan known");
    assert_eq!(get_str(&st, "rotation_rfc3339"), "2024-03-02T00:00:00Z");
    // The rotation is before T0: the object is already expired.
    assert!(read(&p, "time_rotating", &st).await.is_null());

    let cfg = config(&p, "time_rotating", &[("rotation_rfc3339", s("2030-01-01T00:00:00+02:00"))]);
    let (_, st) = create(&p, "time_rotating", &cfg).await;
    assert_eq!(get_str(&st, "rotation_rfc3339"), "2030-01-01T00:00:00+02:00");
    assert_eq!(get_i64(&st, "year"), 2030);
    assert!(read(&p, "time_rotating", &st).await.raw_equals(&st));

    let d = validate(&p, "time_rotating", &config(&p, "time_rotating", &[("rotation_days", n(0))]));
    assert_eq!(d, [("Invalid Attribute Value".to_string(), "Attribute rotation_days value must be at least 1, got: 0".to_string())]);
    let d = validate(&p, "time_rotating", &config(&p, "time_rotating", &[("rfc3339", s("2024-01-31T00:00:00Z"))]));
    assert_eq!(d[0].0, "Missing Attribute Configuration");

    let imported = import(&p, "time_rotating", "2020-01-01T00:00:00Z,2020-06-01T00:00:00Z").await.expect("import");
    assert_eq!(get_str(&imported, "rotation_rfc3339"), "2020-06-01T00:00:00Z");
    assert_eq!(get_str(&imported, "id"), "2020-01-01T00:00:00Z");
    assert_eq!(get_i64(&imported, "month"), 6);
    let imported = import(&p, "time_rotating", "2020-01-01T00:00:00Z,,,7,,").await.expect("import");
    assert_eq!(get_i64(&imported, "rotation_days"), 7);
    assert_eq!(get_str(&imported, "rotation_rfc3339"), "2020-01-08T00:00:00Z");
    let err = import(&p, "time_rotating", "2020-01-01T00:00:00Z").await.expect_err("bad");
    assert!(err.contains("expected BASETIMESTAMP,YEARS,MONTHS,DAYS,HOURS,MINUTES or BASETIMESTAMP,ROTATIONTIMESTAMP"), "{err}");
}

// ----- time_sleep -----

#[tokio::test]
async fn time_sleep_really_sleeps_on_create_and_destroy() {
    let c = clock();
    let p = provider_at(&c);
    let cfg = config(&p, "time_sleep", &[("create_duration", s("200ms")), ("destroy_duration", s("0.15s"))]);
    let started = Instant::now();
    let (planned, st) = create(&p, "time_sleep", &cfg).await;
    assert!(started.elapsed() >= Duration::from_millis(200), "{:?}", started.elapsed());
    assert!(!planned.get_attr("id").expect("id").is_known());
    assert_eq!(get_str(&st, "id"), "2024-03-05T06:07:08Z");
    assert!(read(&p, "time_sleep", &st).await.raw_equals(&st));

    // Changing a duration updates in place without sleeping.
    let cfg2 = config(&p, "time_sleep", &[("create_duration", s("5s")), ("destroy_duration", s("0.15s"))]);
    let r = plan(&p, "time_sleep", &st, &cfg2).await;
    assert!(r.requires_replace.is_empty());
    let started = Instant::now();
    let st2 = apply(&p, "time_sleep", &st, &r.planned_state.expect("planned"), &cfg2).await.new_state;
    assert!(started.elapsed() < Duration::from_secs(1));
    assert_eq!(get_str(&st2, "id"), get_str(&st, "id"));
    let trig = config(&p, "time_sleep", &[("create_duration", s("5s")), ("triggers", triggers("x", "y"))]);
    assert_eq!(plan(&p, "time_sleep", &st2, &trig).await.requires_replace, attrs(&["triggers"]));

    let started = Instant::now();
    delete(&p, "time_sleep", &st2).await;
    assert!(started.elapsed() >= Duration::from_millis(150), "{:?}", started.elapsed());
}

#[tokio::test]
async fn time_sleep_validation_and_import() {
    let c = clock();
    let p = provider_at(&c);
    let d = validate(&p, "time_sleep", &config(&p, "time_sleep", &[]));
    assert_eq!(
        d,
        [
            (
                "Invalid Attribute Combination".to_string(),
                "At least one attribute out of [create_duration,destroy_duration] must be specified".to_string()
            ),
            (
                "Invalid Attribute Combination".to_string(),
                "At least one attribute out of [destroy_duration,create_duration] must be specified".to_string()
            ),
        ]
    );
    let d = validate(&p, "time_sleep", &config(&p, "time_sleep", &[("create_duration", s("30x"))]));
    assert_eq!(d[0].0, "Invalid Attribute Value Match");
    assert_eq!(
        d[0].1,
        "Attribute create_duration must be a number immediately followed by ms (milliseconds), s (seconds), m (minutes), or h (hours). For example, \"30s\" for 30 seconds., got: 30x"
    );

    let imported = import(&p, "time_sleep", "1m30s,").await.expect("import");
    assert_eq!(get_str(&imported, "create_duration"), "1m30s");
    assert!(imported.get_attr("destroy_duration").expect("attr").is_null());
    assert_eq!(get_str(&imported, "id"), "2024-03-05T06:07:08Z");
    let err = import(&p, "time_sleep", ",").await.expect_err("bad");
    assert!(err.contains("where at least one value is non-empty"), "{err}");
    let err = import(&p, "time_sleep", ",soon").await.expect_err("bad");
    assert!(err.contains("time: invalid duration \"soon\""), "{err}");
}
