//! Plans for pull requests: saved plan files, their renderings and their safety checks.
//!
//! - The rich plan of `tests/golden/plan/rich` (step1 applied, step2 planned against it: creates,
//!   in-place updates with a multi-line string diff, a replacement forced by
//!   `triggers_replace`, deletes by config and by count, unknowns, sensitive values, module
//!   instances, output changes) rendered from the saved plan file: JSON and human text compared
//!   with what Terraform 1.11.4 printed for the same configurations
//!   (`tests/golden/plan/record.sh`), markdown and infra's JSON with reviewed golden files
//!   (`tests/golden/plan/rich/infra/`, rewritten with `INFRA_GOLDEN_UPDATE=1`).
//! - The JSON plan of `examples/quickstart` validated against the structure Terraform documents
//!   (https://developer.hashicorp.com/terraform/internals/json-format) and searched for every
//!   secret of the applied state.
//! - Plan files refused: stale by configuration, unreadable (old format, garbage), and a plan
//!   whose recorded values no longer match what would be applied.

mod support;

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use serde_json::{json, Value as Json};
use support::*;

fn golden_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests").join("golden").join("plan")
}

fn copy_dir(src: &Path, dst: &Path) -> Result<(), String> {
    fs::create_dir_all(dst).map_err(|e| format!("mkdir {}: {e}", dst.display()))?;
    for e in fs::read_dir(src).map_err(|e| format!("read {}: {e}", src.display()))? {
        let e = e.map_err(|e| e.to_string())?;
        let (from, to) = (e.path(), dst.join(e.file_name()));
        if from.is_dir() {
            copy_dir(&from, &to)?;
        } else {
            fs::copy(&from, &to).map_err(|e| format!("copy {}: {e}", from.display()))?;
        }
    }
    Ok(())
}

fn remove_tf_files(dir: &Path) {
    if let Ok(rd) = fs::read_dir(dir) {
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                remove_tf_files(&p);
            } else if p.extension().is_some_and(|x| x == "tf") {
                let _ = fs::remove_file(&p);
            }
        }
    }
}

fn run_ok(dir: &Path, args: &[&str]) -> Result<Run, String> {
    let r = infra(dir, &argv(args, &[]), &[]);
    match r.expect_code(0) {
        Some(m) => Err(m),
        None => Ok(r),
    }
}

/// A working directory holding step1's applied state, step2's configuration and `plan.bin`
/// saved by `infra plan -out`.
struct RichPlan {
    _work: tempfile::TempDir,
    dir: PathBuf,
    plan_stdout: String,
}

fn rich_plan() -> Result<RichPlan, String> {
    let case = golden_dir().join("rich");
    let work = tempfile::tempdir().map_err(|e| format!("tempdir: {e}"))?;
    let dir = work.path().to_path_buf();
    copy_dir(&case.join("step1"), &dir)?;
    run_ok(&dir, &["apply", "-auto-approve", "-no-color", "-input=false"])?;
    remove_tf_files(&dir);
    copy_dir(&case.join("step2"), &dir)?;
    let plan = run_ok(&dir, &["plan", "-no-color", "-input=false", "-out=plan.bin"])?;
    Ok(RichPlan { _work: work, dir, plan_stdout: plan.stdout })
}

fn read_golden_json(path: &Path) -> Result<Json, String> {
    let text = fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))
}

/// Compares `got` with the reviewed golden file, or rewrites it with `INFRA_GOLDEN_UPDATE=1`.
fn check_reviewed_golden(path: &Path, got: &str) -> Option<String> {
    if std::env::var_os("INFRA_GOLDEN_UPDATE").is_some() {
        let _ = fs::create_dir_all(path.parent().unwrap_or(Path::new(".")));
        return fs::write(path, got).err().map(|e| format!("{}: {e}", path.display()));
    }
    match fs::read_to_string(path) {
        Ok(want) if want == got => None,
        Ok(want) => Some(format!("{} differs (INFRA_GOLDEN_UPDATE=1 rewrites it after review):\n{}", path.display(), unified_diff(&want, got, "golden", "infra"))),
        Err(e) => Some(format!("{}: {e} (INFRA_GOLDEN_UPDATE=1 writes it)", path.display())),
    }
}

// =============================================================================================
// JSON plan normalisation: what is compared with Terraform and what is not, and why.

/// Finds the array element whose `address` is `addr`.
fn by_address<'a>(items: &'a mut Json, addr: &str) -> Option<&'a mut Json> {
    items.as_array_mut()?.iter_mut().find(|r| r["address"] == json!(addr))
}

/// Replaces every value flagged `true` in `sensitive` by null (infra's documented deviation:
/// Terraform writes sensitive values in clear in the JSON plan, infra never does).
fn redact(value: &Json, sensitive: &Json) -> Json {
    match (value, sensitive) {
        (_, Json::Bool(true)) => Json::Null,
        (Json::Array(vs), Json::Array(ss)) => Json::Array(vs.iter().enumerate().map(|(i, v)| ss.get(i).map_or_else(|| v.clone(), |s| redact(v, s))).collect()),
        (Json::Object(vs), Json::Object(ss)) => Json::Object(vs.iter().map(|(k, v)| (k.clone(), ss.get(k).map_or_else(|| v.clone(), |s| redact(v, s)))).collect()),
        (v, _) => v.clone(),
    }
}

fn redact_resources(resources: &mut Json) {
    if let Some(rs) = resources.as_array_mut() {
        for r in rs {
            let s = r["sensitive_values"].clone();
            if let Some(v) = r.get_mut("values") {
                *v = redact(v, &s);
            }
        }
    }
}

fn redact_module(m: &mut Json) {
    if let Some(rs) = m.get_mut("resources") {
        redact_resources(rs);
    }
    if let Some(Json::Array(cs)) = m.get_mut("child_modules") {
        for c in cs {
            redact_module(c);
        }
    }
}

/// Terraform's JSON plan as infra must print it: sensitive values redacted (see the render
/// module's documentation), the timestamp and UUIDs masked, and the known divergences applied.
fn normalise_terraform_plan(tf: &Json) -> Json {
    let mut t = mask_json(tf);
    let sensitive_vars: BTreeSet<String> = t["configuration"]["root_module"]["variables"]
        .as_object()
        .map(|m| m.iter().filter(|(_, v)| v["sensitive"] == json!(true)).map(|(k, _)| k.clone()).collect())
        .unwrap_or_default();
    if let Some(Json::Object(vars)) = t.get_mut("variables") {
        for (k, v) in vars.iter_mut() {
            if sensitive_vars.contains(k) {
                v["value"] = Json::Null;
            }
        }
    }
    if let Some(Json::Object(vars)) = t["configuration"]["root_module"].get_mut("variables") {
        for (_, v) in vars.iter_mut() {
            if v["sensitive"] == json!(true) && v.get("default").is_some() {
                v["default"] = Json::Null;
            }
        }
    }
    if let Some(Json::Array(rcs)) = t.get_mut("resource_changes") {
        for rc in rcs {
            let c = &mut rc["change"];
            let (bs, as_) = (c["before_sensitive"].clone(), c["after_sensitive"].clone());
            c["before"] = redact(&c["before"], &bs);
            if c.get("after").is_some() {
                c["after"] = redact(&c["after"], &as_);
            }
        }
    }
    if let Some(Json::Object(ocs)) = t.get_mut("output_changes") {
        for (_, oc) in ocs.iter_mut() {
            if oc["after_sensitive"] == json!(true) || oc["before_sensitive"] == json!(true) {
                oc["before"] = Json::Null;
                if oc.get("after").is_some() {
                    oc["after"] = Json::Null;
                }
            }
        }
    }
    if let Some(Json::Object(outs)) = t["planned_values"].get_mut("outputs") {
        for (_, o) in outs.iter_mut() {
            if o["sensitive"] == json!(true) && o.get("value").is_some() {
                o["value"] = Json::Null;
            }
        }
    }
    redact_module(&mut t["planned_values"]["root_module"]);
    redact_module(&mut t["prior_state"]["values"]["root_module"]);
    if let Some(Json::Object(outs)) = t["prior_state"]["values"].get_mut("outputs") {
        for (_, o) in outs.iter_mut() {
            if o["sensitive"] == json!(true) {
                o["value"] = Json::Null;
            }
        }
    }

    // Known divergence: `terraform_data.secret`'s input is a sensitive variable; Terraform's
    // state marks only `input` sensitive, so its `output` (the same secret) is stored and shown
    // in clear. infra's state marks `output` sensitive too, so the prior object differs there.
    if let Some(rc) = t.get_mut("resource_changes").and_then(|r| by_address(r, "terraform_data.secret")) {
        rc["change"]["before_sensitive"]["output"] = json!(true);
        rc["change"]["before"]["output"] = Json::Null;
    }
    if let Some(r) = t["prior_state"]["values"]["root_module"].get_mut("resources").and_then(|r| by_address(r, "terraform_data.secret")) {
        r["sensitive_values"]["output"] = json!(true);
        r["values"]["output"] = Json::Null;
    }
    normalise_volatile(&mut t);
    t
}

/// Masks what differs between any two runs: the timestamp and UUIDs; `relevant_attributes` is
/// compared as a set.
fn normalise_volatile(j: &mut Json) {
    if j.get("timestamp").is_some() {
        j["timestamp"] = json!("<timestamp>");
    }
    if let Some(Json::Array(ra)) = j.get_mut("relevant_attributes") {
        ra.sort_by_key(|x| x.to_string());
    }
}

fn infra_show_json(dir: &Path) -> Result<Json, String> {
    let r = run_ok(dir, &["show", "-json", "plan.bin"])?;
    serde_json::from_str(&r.stdout).map_err(|e| format!("show -json: invalid JSON: {e}"))
}

#[test]
fn rich_plan_json_matches_terraform() {
    let mut report = Report::new("rich_plan_json_matches_terraform");
    let mut p = Vec::new();
    let result = (|| -> Result<(), String> {
        let rich = rich_plan()?;
        let got = infra_show_json(&rich.dir)?;
        let tf = read_golden_json(&golden_dir().join("rich/terraform/plan.json"))?;
        if got["terraform_version"] != tf["terraform_version"] || got["format_version"] != json!("1.2") {
            p.push(format!("versions: got {} / {}", got["format_version"], got["terraform_version"]));
        }
        let want = normalise_terraform_plan(&tf);
        let mut got_n = mask_json(&got);
        normalise_volatile(&mut got_n);
        for d in json_diff(&want, &got_n) {
            p.push(format!("vs terraform: {d}"));
        }
        // No sensitive value of the plan appears anywhere in infra's JSON.
        let text = got.to_string();
        for secret in ["hunter2-prior", "hunter2-planned"] {
            if text.contains(secret) {
                p.push(format!("the sensitive value {secret:?} appears in show -json"));
            }
        }
        let pretty = serde_json::to_string_pretty(&got_n).unwrap_or_default() + "\n";
        if let Some(m) = check_reviewed_golden(&golden_dir().join("rich/infra/plan.json"), &pretty) {
            p.push(m);
        }
        p.extend(validate_plan_json(&got).into_iter().map(|m| format!("structure: {m}")));
        Ok(())
    })();
    if let Err(e) = result {
        p.push(e);
    }
    report.case("golden/plan/rich (json)", p);
    report.finish();
}

/// The human plan: `infra plan` and `infra show PLANFILE` print the same plan, and it is the text
/// Terraform printed, apart from the branding and the known divergence described in
/// [`normalise_terraform_plan`] (infra hides `terraform_data.secret.output`).
#[test]
fn rich_plan_text_matches_terraform() {
    let mut report = Report::new("rich_plan_text_matches_terraform");
    let mut p = Vec::new();
    let result = (|| -> Result<(), String> {
        let rich = rich_plan()?;
        let shown = run_ok(&rich.dir, &["show", "-no-color", "plan.bin"])?.stdout;
        // `plan` prints the refresh lines and the "Saved the plan" note around the same text.
        if !rich.plan_stdout.contains(&shown) {
            p.push(format!("show plan.bin is not the text plan printed:\n{}", unified_diff(&rich.plan_stdout, &shown, "plan", "show")));
        }
        let tf = fs::read_to_string(golden_dir().join("rich/terraform/plan.txt")).map_err(|e| e.to_string())?;
        let tf = tf.replace(
            "      ~ output = \"hunter2-prior\" -> (known after apply)\n",
            "      # Warning: this attribute value will no longer be marked as sensitive\n      # after applying this change.\n      ~ output = (sensitive value)\n",
        );
        let want = rebrand(&mask_uuids(&tf));
        let got = rebrand(&mask_uuids(&shown));
        if want != got {
            p.push(format!("show plan.bin vs terraform show:\n{}", unified_diff(&want, &got, "terraform", "infra")));
        }
        for secret in ["hunter2-prior", "hunter2-planned"] {
            if shown.contains(secret) || rich.plan_stdout.contains(secret) {
                p.push(format!("the sensitive value {secret:?} appears in the human plan"));
            }
        }
        Ok(())
    })();
    if let Err(e) = result {
        p.push(e);
    }
    report.case("golden/plan/rich (text)", p);
    report.finish();
}

#[test]
fn rich_plan_markdown_golden() {
    let mut report = Report::new("rich_plan_markdown_golden");
    let mut p = Vec::new();
    let result = (|| -> Result<(), String> {
        let rich = rich_plan()?;
        let md = run_ok(&rich.dir, &["show", "-markdown", "plan.bin"])?.stdout;
        let planned = run_ok(&rich.dir, &["plan", "-markdown", "-input=false"])?.stdout;
        if md != planned {
            p.push(format!("show -markdown FILE differs from plan -markdown:\n{}", unified_diff(&planned, &md, "plan", "show")));
        }
        for secret in ["hunter2-prior", "hunter2-planned"] {
            if md.contains(secret) {
                p.push(format!("the sensitive value {secret:?} appears in the markdown"));
            }
        }
        // The reviewed structure: destroys and replacements first, with the forcing attribute.
        let risky = md.find("### Destroy and replace").unwrap_or(usize::MAX);
        let rest = md.find("### Update and create").unwrap_or(0);
        if risky > rest {
            p.push("destroys and replacements are not listed before updates and creates".into());
        }
        if !md.contains("triggers_replace") {
            p.push("the replacement does not name the attribute forcing it (triggers_replace)".into());
        }
        if let Some(m) = check_reviewed_golden(&golden_dir().join("rich/infra/plan.md"), &mask_uuids(&md)) {
            p.push(m);
        }
        Ok(())
    })();
    if let Err(e) = result {
        p.push(e);
    }
    report.case("golden/plan/rich (markdown)", p);
    report.finish();
}

// =============================================================================================
// The structure Terraform documents for JSON plans, checked by hand.

const ACTIONS: [&[&str]; 8] = [&["no-op"], &["create"], &["read"], &["update"], &["delete", "create"], &["create", "delete"], &["delete"], &["forget"]];

fn is_str(j: &Json) -> bool {
    j.is_string()
}

/// `shape` (an `*_unknown` or `*_sensitive` structure) mirrors `value`: a boolean anywhere, else
/// an object whose keys are keys of the value object (or stand for values left out of it), or an
/// array as long as the value array. `absent_ok` tells where the value may be missing (unknown).
fn mirrors(path: &str, shape: &Json, value: Option<&Json>, unknown: Option<&Json>, out: &mut Vec<String>) {
    let unknown_here = unknown == Some(&Json::Bool(true));
    match shape {
        Json::Bool(_) => {}
        Json::Object(m) => match value {
            Some(Json::Object(v)) => {
                for (k, s) in m {
                    mirrors(&format!("{path}.{k}"), s, v.get(k), unknown.and_then(|u| u.get(k)), out);
                }
            }
            None | Some(Json::Null) if unknown_here || m.is_empty() || value.is_some() => {}
            other => out.push(format!("{path}: an object shape for {}", other.map_or("a missing value".to_string(), |o| o.to_string()))),
        },
        Json::Array(a) => match value {
            Some(Json::Array(v)) if v.len() == a.len() => {
                for (i, s) in a.iter().enumerate() {
                    mirrors(&format!("{path}[{i}]"), s, v.get(i), unknown.and_then(|u| u.get(i)), out);
                }
            }
            None | Some(Json::Null) if unknown_here || a.is_empty() || value.is_some() => {}
            other => out.push(format!("{path}: an array shape of {} for {}", a.len(), other.map_or("a missing value".to_string(), |o| o.to_string()))),
        },
        other => out.push(format!("{path}: {other} is not a boolean, object or array")),
    }
}

/// The address a resource entry must have from its parts.
fn expected_address(r: &Json, module: Option<&str>) -> String {
    let mut s = String::new();
    if let Some(m) = module {
        s.push_str(m);
        s.push('.');
    }
    if r["mode"] == json!("data") {
        s.push_str("data.");
    }
    s.push_str(r["type"].as_str().unwrap_or("?"));
    s.push('.');
    s.push_str(r["name"].as_str().unwrap_or("?"));
    match &r["index"] {
        Json::Number(n) => s.push_str(&format!("[{n}]")),
        Json::String(k) => s.push_str(&format!("[{}]", serde_json::to_string(k).unwrap_or_default())),
        _ => {}
    }
    s
}

fn check_resource_common(path: &str, r: &Json, module: Option<&str>, out: &mut Vec<String>) {
    for k in ["address", "type", "name", "provider_name"] {
        if !is_str(&r[k]) {
            out.push(format!("{path}.{k}: missing or not a string"));
        }
    }
    if !matches!(r["mode"].as_str(), Some("managed" | "data")) {
        out.push(format!("{path}.mode: {} is not \"managed\" or \"data\"", r["mode"]));
    }
    if let Some(i) = r.get("index") {
        if !(i.is_number() || i.is_string()) {
            out.push(format!("{path}.index: {i} is not a number or string"));
        }
    }
    let want = expected_address(r, module);
    if r["address"].as_str() != Some(&want) {
        out.push(format!("{path}.address: {} is not {want:?} (module, mode, type, name, index)", r["address"]));
    }
}

fn check_values_module(path: &str, m: &Json, module: Option<&str>, out: &mut Vec<String>, addrs: &mut BTreeSet<String>) {
    if !m.is_object() {
        out.push(format!("{path}: not an object"));
        return;
    }
    if let Some(rs) = m.get("resources") {
        for (i, r) in rs.as_array().map(Vec::as_slice).unwrap_or_default().iter().enumerate() {
            let rp = format!("{path}.resources[{i}]");
            check_resource_common(&rp, r, module, out);
            if !r["schema_version"].is_u64() {
                out.push(format!("{rp}.schema_version: not a non-negative integer"));
            }
            if !r["sensitive_values"].is_object() {
                out.push(format!("{rp}.sensitive_values: not an object"));
            }
            if let Some(v) = r.get("values") {
                if !v.is_object() {
                    out.push(format!("{rp}.values: not an object"));
                }
                mirrors(&format!("{rp}.sensitive_values"), &r["sensitive_values"], Some(v), None, out);
            }
            if let Some(a) = r["address"].as_str() {
                addrs.insert(a.to_string());
            }
        }
        if !rs.is_array() {
            out.push(format!("{path}.resources: not an array"));
        }
    }
    if let Some(cs) = m.get("child_modules") {
        for (i, c) in cs.as_array().map(Vec::as_slice).unwrap_or_default().iter().enumerate() {
            let cp = format!("{path}.child_modules[{i}]");
            let Some(a) = c["address"].as_str() else {
                out.push(format!("{cp}.address: missing"));
                continue;
            };
            if !a.starts_with("module.") || module.is_some_and(|m| !a.starts_with(&format!("{m}."))) {
                out.push(format!("{cp}.address: {a:?} is not a module address inside {module:?}"));
            }
            check_values_module(&cp, c, Some(a), out, addrs);
        }
    }
}

fn check_config_module(path: &str, m: &Json, providers: &Json, out: &mut Vec<String>) {
    for (i, r) in m["resources"].as_array().map(Vec::as_slice).unwrap_or_default().iter().enumerate() {
        let rp = format!("{path}.resources[{i}]");
        for k in ["address", "mode", "type", "name", "provider_config_key"] {
            if !is_str(&r[k]) {
                out.push(format!("{rp}.{k}: missing or not a string"));
            }
        }
        if !r["expressions"].is_object() || !r["schema_version"].is_u64() {
            out.push(format!("{rp}: expressions must be an object and schema_version an integer"));
        }
        if let Some(k) = r["provider_config_key"].as_str() {
            if providers.get(k).is_none() {
                out.push(format!("{rp}.provider_config_key: {k:?} is not in provider_config"));
            }
        }
        check_expressions(&format!("{rp}.expressions"), &r["expressions"], out);
    }
    if let Some(Json::Object(calls)) = m.get("module_calls") {
        for (name, c) in calls {
            if !is_str(&c["source"]) || !c["module"].is_object() {
                out.push(format!("{path}.module_calls.{name}: needs source and module"));
            }
            check_config_module(&format!("{path}.module_calls.{name}.module"), &c["module"], providers, out);
        }
    }
    if let Some(Json::Object(outs)) = m.get("outputs") {
        for (name, o) in outs {
            if !o["expression"].is_object() {
                out.push(format!("{path}.outputs.{name}.expression: not an object"));
            }
        }
    }
}

/// An expressions object: each value is an expression (`constant_value` / `references`), or a
/// nested block as an object or a list of objects.
fn check_expressions(path: &str, e: &Json, out: &mut Vec<String>) {
    let Some(m) = e.as_object() else { return };
    for (k, v) in m {
        match v {
            Json::Object(x) if x.contains_key("references") || x.contains_key("constant_value") => {
                if let Some(r) = x.get("references") {
                    if !r.as_array().is_some_and(|a| a.iter().all(Json::is_string)) {
                        out.push(format!("{path}.{k}.references: not a list of strings"));
                    }
                }
            }
            Json::Object(_) => check_expressions(&format!("{path}.{k}"), v, out),
            Json::Array(items) => items.iter().enumerate().for_each(|(i, x)| check_expressions(&format!("{path}.{k}[{i}]"), x, out)),
            other => out.push(format!("{path}.{k}: {other} is not an expression")),
        }
    }
}

/// Problems of a JSON plan against Terraform's documented structure.
fn validate_plan_json(j: &Json) -> Vec<String> {
    let mut out = Vec::new();
    if !j["format_version"].as_str().is_some_and(|v| v.starts_with("1.")) {
        out.push(format!("format_version: {} is not a 1.x version", j["format_version"]));
    }
    if !is_str(&j["terraform_version"]) {
        out.push("terraform_version: missing".into());
    }
    for k in ["applyable", "complete", "errored"] {
        if !j[k].is_boolean() {
            out.push(format!("{k}: not a boolean"));
        }
    }
    if !j["timestamp"].as_str().is_some_and(|t| t.len() >= 20 && t.as_bytes().get(10) == Some(&b'T') && t.ends_with('Z')) {
        out.push(format!("timestamp: {} is not an RFC 3339 UTC time", j["timestamp"]));
    }
    if let Some(vars) = j.get("variables") {
        for (k, v) in vars.as_object().into_iter().flatten() {
            if v.get("value").is_none() {
                out.push(format!("variables.{k}: no value"));
            }
        }
    }
    // planned_values
    let mut planned = BTreeSet::new();
    if !j["planned_values"]["root_module"].is_object() {
        out.push("planned_values.root_module: missing".into());
    }
    check_values_module("planned_values.root_module", &j["planned_values"]["root_module"], None, &mut out, &mut planned);
    for (k, o) in j["planned_values"]["outputs"].as_object().into_iter().flatten() {
        if !o["sensitive"].is_boolean() {
            out.push(format!("planned_values.outputs.{k}.sensitive: not a boolean"));
        }
    }
    // resource_changes
    for (i, rc) in j["resource_changes"].as_array().map(Vec::as_slice).unwrap_or_default().iter().enumerate() {
        let rp = format!("resource_changes[{i}]");
        let module = rc.get("module_address").and_then(Json::as_str);
        if rc.get("module_address").is_some() && !module.is_some_and(|m| m.starts_with("module.")) {
            out.push(format!("{rp}.module_address: {} is not a module address", rc["module_address"]));
        }
        check_resource_common(&rp, rc, module, &mut out);
        let c = &rc["change"];
        let actions: Vec<&str> = c["actions"].as_array().map(|a| a.iter().filter_map(Json::as_str).collect()).unwrap_or_default();
        if !ACTIONS.iter().any(|a| *a == actions.as_slice()) {
            out.push(format!("{rp}.change.actions: {} is not one of Terraform's action lists", c["actions"]));
        }
        for k in ["before", "after_unknown", "before_sensitive", "after_sensitive"] {
            if c.get(k).is_none() {
                out.push(format!("{rp}.change.{k}: missing"));
            }
        }
        if actions == ["create"] && !c["before"].is_null() {
            out.push(format!("{rp}.change.before: a create has a prior value"));
        }
        if actions == ["delete"] && !(c["after"].is_null()) {
            out.push(format!("{rp}.change.after: a delete has a new value"));
        }
        mirrors(&format!("{rp}.change.after_unknown"), &c["after_unknown"], c.get("after"), None, &mut out);
        mirrors(&format!("{rp}.change.before_sensitive"), &c["before_sensitive"], c.get("before"), None, &mut out);
        mirrors(&format!("{rp}.change.after_sensitive"), &c["after_sensitive"], c.get("after"), Some(&c["after_unknown"]), &mut out);
        if let Some(rps) = c.get("replace_paths") {
            if !rps.as_array().is_some_and(|a| a.iter().all(|p| p.as_array().is_some_and(|s| s.iter().all(|x| x.is_string() || x.is_number())))) {
                out.push(format!("{rp}.change.replace_paths: not a list of paths"));
            }
            if !actions.contains(&"delete") || !actions.contains(&"create") {
                out.push(format!("{rp}.change.replace_paths: present on a change that is not a replacement"));
            }
        }
        if let Some(reason) = rc.get("action_reason") {
            const REASONS: [&str; 12] = [
                "replace_because_tainted",
                "replace_because_cannot_update",
                "replace_by_request",
                "replace_by_triggers",
                "delete_because_no_resource_config",
                "delete_because_wrong_repetition",
                "delete_because_count_index",
                "delete_because_each_key",
                "delete_because_no_module",
                "delete_because_no_move_target",
                "read_because_config_unknown",
                "read_because_dependency_pending",
            ];
            if !reason.as_str().is_some_and(|r| REASONS.contains(&r)) {
                out.push(format!("{rp}.action_reason: {reason} is not one of Terraform's reasons"));
            }
        }
        if !actions.contains(&"delete") || actions.len() == 2 {
            if let Some(a) = rc["address"].as_str() {
                if !planned.contains(a) && rc["mode"] == json!("managed") {
                    out.push(format!("{rp}: {a} is not in planned_values"));
                }
            }
        }
    }
    // output_changes
    for (k, oc) in j["output_changes"].as_object().into_iter().flatten() {
        let actions: Vec<&str> = oc["actions"].as_array().map(|a| a.iter().filter_map(Json::as_str).collect()).unwrap_or_default();
        if !ACTIONS.iter().any(|a| *a == actions.as_slice()) {
            out.push(format!("output_changes.{k}.actions: {}", oc["actions"]));
        }
        for f in ["after_unknown", "before_sensitive", "after_sensitive"] {
            if oc.get(f).is_none() {
                out.push(format!("output_changes.{k}.{f}: missing"));
            }
        }
    }
    // prior_state
    if let Some(ps) = j.get("prior_state") {
        if !is_str(&ps["format_version"]) || !is_str(&ps["terraform_version"]) {
            out.push("prior_state: needs format_version and terraform_version".into());
        }
        if let Some(v) = ps.get("values") {
            let mut seen = BTreeSet::new();
            check_values_module("prior_state.values.root_module", &v["root_module"], None, &mut out, &mut seen);
        }
    }
    // configuration
    let conf = &j["configuration"];
    if !conf["root_module"].is_object() {
        out.push("configuration.root_module: missing".into());
    }
    for (k, p) in conf["provider_config"].as_object().into_iter().flatten() {
        if !is_str(&p["name"]) || !is_str(&p["full_name"]) {
            out.push(format!("configuration.provider_config.{k}: needs name and full_name"));
        }
    }
    check_config_module("configuration.root_module", &conf["root_module"], &conf["provider_config"], &mut out);
    if let Some(ra) = j.get("relevant_attributes") {
        if !ra.as_array().is_some_and(|a| a.iter().all(|x| is_str(&x["resource"]) && x["attribute"].is_array())) {
            out.push("relevant_attributes: not a list of {resource, attribute}".into());
        }
    }
    out
}

/// Every string that must never appear in a rendering: the sensitive values of the quickstart's
/// applied state (the password and its bcrypt hash, the private keys in every encoding, the
/// content of the sensitive files), each also in its JSON-escaped form.
fn quickstart_secrets(state: &Json) -> Vec<String> {
    let mut secrets = Vec::new();
    for r in state["resources"].as_array().map(Vec::as_slice).unwrap_or_default() {
        let ty = r["type"].as_str().unwrap_or_default();
        let attrs: &[&str] = match ty {
            "random_password" => &["result", "bcrypt_hash"],
            "tls_private_key" => &["private_key_pem", "private_key_pem_pkcs8", "private_key_openssh"],
            "local_sensitive_file" => &["content"],
            _ => &[],
        };
        for inst in r["instances"].as_array().map(Vec::as_slice).unwrap_or_default() {
            for a in attrs {
                if let Some(s) = inst["attributes"][a].as_str().filter(|s| !s.is_empty()) {
                    secrets.push(s.to_string());
                    let escaped = serde_json::to_string(s).unwrap_or_default();
                    secrets.push(escaped.trim_matches('"').to_string());
                    // A line of a key's body alone (a renderer could split it).
                    if let Some(line) = s.lines().nth(1).filter(|l| l.len() >= 32) {
                        secrets.push(line.to_string());
                    }
                }
            }
        }
    }
    secrets
}

#[test]
fn quickstart_json_plan_is_well_formed_and_leaks_nothing() {
    let mut report = Report::new("quickstart_json_plan_is_well_formed_and_leaks_nothing");
    let mut p = Vec::new();
    let result = (|| -> Result<(), String> {
        let work = tempfile::tempdir().map_err(|e| format!("tempdir: {e}"))?;
        let dir = work.path();
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples").join("quickstart");
        for name in ["main.tf", "outputs.tf", "variables.tf"] {
            fs::copy(src.join(name), dir.join(name)).map_err(|e| format!("copy {name}: {e}"))?;
        }
        copy_dir(&src.join("templates"), &dir.join("templates"))?;

        // A fresh plan: creates with unknowns.
        run_ok(dir, &["plan", "-no-color", "-input=false", "-out=fresh.bin"])?;
        let fresh = run_ok(dir, &["show", "-json", "fresh.bin"])?.stdout;
        let fresh: Json = serde_json::from_str(&fresh).map_err(|e| format!("show -json fresh.bin: {e}"))?;
        p.extend(validate_plan_json(&fresh).into_iter().map(|m| format!("fresh plan: {m}")));
        if fresh["resource_changes"].as_array().map_or(0, Vec::len) < 10 {
            p.push("fresh plan: fewer than 10 resource changes".into());
        }

        // Applied, then a domain change: replacements and updates against a state full of secrets.
        run_ok(dir, &["apply", "-auto-approve", "-no-color", "-input=false"])?;
        run_ok(dir, &["plan", "-no-color", "-input=false", "-var=domain=shop.example.test", "-out=change.bin"])?;
        let shown = run_ok(dir, &["show", "-json", "change.bin"])?.stdout;
        let change: Json = serde_json::from_str(&shown).map_err(|e| format!("show -json change.bin: {e}"))?;
        p.extend(validate_plan_json(&change).into_iter().map(|m| format!("domain change: {m}")));
        let replaced: Vec<&str> = change["resource_changes"]
            .as_array()
            .map(|a| a.iter().filter(|rc| rc["change"]["actions"] == json!(["delete", "create"])).filter_map(|rc| rc["address"].as_str()).collect())
            .unwrap_or_default();
        if !replaced.contains(&"tls_cert_request.server") {
            p.push(format!("domain change: tls_cert_request.server is not replaced (replaced: {replaced:?})"));
        }
        if change["prior_state"]["values"]["root_module"]["resources"].as_array().map_or(0, Vec::len) < 10 {
            p.push("domain change: prior_state does not hold the applied resources".into());
        }

        let state: Json = read_golden_json(&dir.join("terraform.tfstate"))?;
        let secrets = quickstart_secrets(&state);
        if secrets.len() < 8 {
            p.push(format!("only {} secrets found in the applied state; the check would prove little", secrets.len()));
        }
        let md = run_ok(dir, &["show", "-markdown", "change.bin"])?.stdout;
        let text = run_ok(dir, &["show", "-no-color", "change.bin"])?.stdout;
        let ui = run_ok(dir, &["plan", "-json", "-input=false", "-var=domain=shop.example.test"])?.stdout;
        for (what, rendered) in [("show -json", &shown), ("show -markdown", &md), ("show", &text), ("plan -json", &ui)] {
            for s in &secrets {
                if rendered.contains(s.as_str()) {
                    let head: String = s.chars().take(24).collect();
                    p.push(format!("{what}: a sensitive value of the state appears in clear ({head}…)"));
                }
            }
        }
        Ok(())
    })();
    if let Err(e) = result {
        p.push(e);
    }
    report.case("examples/quickstart (json plan)", p);
    report.finish();
}

const BLOCK_CONFIG: &str = r#"
resource "tls_private_key" "k" {
  algorithm   = "ECDSA"
  ecdsa_curve = "P256"
}

resource "tls_cert_request" "r" {
  private_key_pem = tls_private_key.k.private_key_pem
  dns_names       = ["a.example.test"]

  subject {
    common_name  = "a.example.test"
    organization = "Example"
  }
}
"#;

/// The plan is rendered with the providers' schemas: a nested block reads as a block, as
/// Terraform prints it (a blank line, `+ subject {`, only the attributes that are set), not as a
/// list of objects with every null attribute — in `plan`, in `show` of a saved plan (which reads
/// no configuration) and in `show -markdown`.
#[test]
fn nested_blocks_render_as_blocks() {
    let mut report = Report::new("nested_blocks_render_as_blocks");
    let mut p = Vec::new();
    let result = (|| -> Result<(), String> {
        let work = tempfile::tempdir().map_err(|e| format!("tempdir: {e}"))?;
        let w = work.path();
        fs::write(w.join("main.tf"), BLOCK_CONFIG).map_err(|e| format!("write: {e}"))?;
        let block = "\n\n      + subject {\n          + common_name  = \"a.example.test\"\n          + organization = \"Example\"\n        }\n    }\n";
        let planned = run_ok(w, &["plan", "-no-color", "-input=false", "-out=p.bin"])?.stdout;
        let shown = run_ok(w, &["show", "-no-color", "p.bin"])?.stdout;
        for (what, text) in [("plan", &planned), ("show p.bin", &shown)] {
            if !text.contains(block) {
                p.push(format!("{what}: the subject block is not rendered as a block:\n{text}"));
            }
            if text.contains("subject          = [") || text.contains("country") {
                p.push(format!("{what}: the subject block is rendered as a list of objects with null attributes:\n{text}"));
            }
        }
        let md = run_ok(w, &["show", "-markdown", "p.bin"])?.stdout;
        if !md.contains(" subject {") || md.contains("country") {
            p.push(format!("show -markdown: the subject block is not rendered as a block:\n{md}"));
        }
        Ok(())
    })();
    if let Err(e) = result {
        p.push(e);
    }
    report.case("generated/tls_cert_request_subject", p);
    report.finish();
}

/// The validator is not vacuous: it rejects plans that break the documented structure.
#[test]
fn validator_rejects_broken_plans() {
    let good = json!({
        "format_version": "1.2", "terraform_version": "1.11.4", "timestamp": "2026-01-01T00:00:00Z",
        "applyable": true, "complete": true, "errored": false,
        "planned_values": {"root_module": {"child_modules": [{"address": "module.m", "resources": [
            {"address": "module.m.terraform_data.a[0]", "mode": "managed", "type": "terraform_data", "name": "a", "index": 0,
             "provider_name": "terraform.io/builtin/terraform", "schema_version": 0, "values": {"input": "x"}, "sensitive_values": {}}]}]}},
        "resource_changes": [{"address": "module.m.terraform_data.a[0]", "module_address": "module.m", "mode": "managed",
            "type": "terraform_data", "name": "a", "index": 0, "provider_name": "terraform.io/builtin/terraform",
            "change": {"actions": ["create"], "before": null, "after": {"input": "x"}, "after_unknown": {"id": true},
                       "before_sensitive": false, "after_sensitive": {}}}],
        "configuration": {"provider_config": {"terraform": {"name": "terraform", "full_name": "terraform.io/builtin/terraform"}},
            "root_module": {"module_calls": {"m": {"source": "./m", "module": {"resources": [{"address": "terraform_data.a", "mode": "managed",
            "type": "terraform_data", "name": "a", "provider_config_key": "terraform", "expressions": {"input": {"constant_value": "x"}}, "schema_version": 0}]}}}}}
    });
    assert_eq!(validate_plan_json(&good), Vec::<String>::new());
    let broken: [(&str, Json); 6] = [
        ("/resource_changes/0/change/actions", json!(["replace"])),
        ("/resource_changes/0/address", json!("terraform_data.a[0]")),
        ("/resource_changes/0/change/after_sensitive", json!({"input": [true]})),
        ("/resource_changes/0/change/after_unknown", json!("yes")),
        ("/planned_values/root_module/child_modules/0/address", json!("module.other")),
        ("/configuration/root_module/module_calls/m/module/resources/0/provider_config_key", json!("random")),
    ];
    for (ptr, v) in broken {
        let mut j = good.clone();
        if let Some(x) = j.pointer_mut(ptr) {
            *x = v;
        }
        assert!(!validate_plan_json(&j).is_empty(), "validator accepted a plan with {ptr} broken");
    }
}

// =============================================================================================
// Plan files refused.

const SMALL_CONFIG: &str = r#"
variable "x" {
  type = string
}

resource "terraform_data" "a" {
  input = var.x
}

output "x" {
  value = terraform_data.a.output
}
"#;

fn small_work() -> Result<tempfile::TempDir, String> {
    let work = tempfile::tempdir().map_err(|e| format!("tempdir: {e}"))?;
    fs::write(work.path().join("main.tf"), SMALL_CONFIG).map_err(|e| format!("write: {e}"))?;
    Ok(work)
}

/// A plan made before the configuration changed is refused, and nothing is applied.
#[test]
fn plan_file_stale_by_configuration_refused() {
    let mut report = Report::new("plan_file_stale_by_configuration_refused");
    let mut p = Vec::new();
    let result = (|| -> Result<(), String> {
        let work = small_work()?;
        let w = work.path();
        run_ok(w, &["apply", "-auto-approve", "-no-color", "-input=false", "-var=x=one"])?;
        run_ok(w, &["plan", "-no-color", "-input=false", "-var=x=two", "-out=p.bin"])?;
        // An edit that does not change what the plan does still makes the plan stale: what was
        // reviewed is the configuration as it was.
        fs::write(w.join("main.tf"), format!("{SMALL_CONFIG}\n# reviewed? no\n")).map_err(|e| e.to_string())?;
        let state = fs::read(w.join("terraform.tfstate")).ok();
        let r = infra(w, &argv(&["apply", "-no-color", "-input=false", "p.bin"], &[]), &[]);
        if let Some(m) = r.expect_code(1) {
            p.push(m);
        }
        let text = format!("{}{}", r.stdout, r.stderr);
        if !(text.contains("Saved plan is stale") && text.contains("configuration has changed")) {
            p.push(format!("no clear \"configuration has changed\" message:\n{}", r.excerpt()));
        }
        if fs::read(w.join("terraform.tfstate")).ok() != state {
            p.push("terraform.tfstate was modified".into());
        }
        Ok(())
    })();
    if let Err(e) = result {
        p.push(e);
    }
    report.case("generated/stale_by_configuration", p);
    report.finish();
}

/// A plan file whose recorded planned value is not what applying would do is refused for that
/// instance: `apply FILE` applies exactly the recorded plan or nothing of it.
#[test]
fn plan_file_with_other_values_refused() {
    let mut report = Report::new("plan_file_with_other_values_refused");
    let mut p = Vec::new();
    let result = (|| -> Result<(), String> {
        let work = small_work()?;
        let w = work.path();
        run_ok(w, &["apply", "-auto-approve", "-no-color", "-input=false", "-var=x=one"])?;
        run_ok(w, &["plan", "-no-color", "-input=false", "-var=x=two", "-out=p.bin"])?;
        let mut doc = read_golden_json(&w.join("p.bin"))?;
        let changes = doc.pointer_mut("/plan/changes").and_then(Json::as_array_mut).ok_or("plan file has no plan.changes")?;
        let change = changes.iter_mut().find(|c| c["address"] == json!("terraform_data.a")).ok_or("no change for terraform_data.a")?;
        if change["after"]["value"]["input"] != json!("two") {
            return Err(format!("unexpected recorded after value: {}", change["after"]));
        }
        change["after"]["value"]["input"] = json!("reviewed-value");
        fs::write(w.join("p.bin"), serde_json::to_string(&doc).map_err(|e| e.to_string())?).map_err(|e| e.to_string())?;
        let r = infra(w, &argv(&["apply", "-no-color", "-input=false", "p.bin"], &[]), &[]);
        if let Some(m) = r.expect_code(1) {
            p.push(m);
        }
        let text = format!("{}{}", r.stdout, r.stderr);
        if !(text.contains("Saved plan does not match") && text.contains("terraform_data.a")) {
            p.push(format!("no clear message naming terraform_data.a:\n{}", r.excerpt()));
        }
        let out = run_ok(w, &["output", "-raw", "x"])?.stdout;
        if out != "one" {
            p.push(format!("output x = {out:?} after the refused apply, want \"one\""));
        }
        Ok(())
    })();
    if let Err(e) = result {
        p.push(e);
    }
    report.case("generated/other_values", p);
    report.finish();
}

/// An old-format or garbage plan file is a clear error (exit 1) for `apply` and `show`.
#[test]
fn unreadable_plan_files_are_errors() {
    let mut report = Report::new("unreadable_plan_files_are_errors");
    let mut p = Vec::new();
    let result = (|| -> Result<(), String> {
        let work = small_work()?;
        let w = work.path();
        run_ok(w, &["apply", "-auto-approve", "-no-color", "-input=false", "-var=x=one"])?;
        let files: [(&str, &[u8], &str); 4] = [
            ("old.bin", br#"{"format":"infra-plan/1","changes":[]}"#, "infra-plan/1"),
            ("garbage.bin", b"\x00\x01 not a plan", "not a plan file written by infra"),
            ("other.json", br#"{"format_version":"1.2"}"#, "not a plan file written by infra"),
            ("broken.bin", br#"{"format":"infra-plan/2","options":{},"plan":{"changes":[{"address":"terraform_data.a","action":"Explode"}]}}"#, "invalid plan file"),
        ];
        for (name, bytes, want) in files {
            fs::write(w.join(name), bytes).map_err(|e| e.to_string())?;
            for cmd in [vec!["apply", "-no-color", "-input=false", name], vec!["show", "-no-color", name], vec!["show", "-json", name]] {
                let r = infra(w, &argv(&cmd, &[]), &[]);
                if let Some(m) = r.expect_code(1) {
                    p.push(format!("{name}: {m}"));
                }
                let text = format!("{}{}", r.stdout, r.stderr);
                if !text.contains(want) {
                    p.push(format!("{name}: `{}` does not say {want:?}:\n{}", r.cmdline(), r.excerpt()));
                }
            }
        }
        let out = run_ok(w, &["output", "-raw", "x"])?.stdout;
        if out != "one" {
            p.push(format!("output x = {out:?}, want \"one\""));
        }
        Ok(())
    })();
    if let Err(e) = result {
        p.push(e);
    }
    report.case("generated/unreadable_plan_files", p);
    report.finish();
}

// =============================================================================================
// `plan -json`: Terraform's machine-readable UI stream.

/// A JSON value with object keys sorted, so that equal values print equal.
fn canonical(j: &Json) -> Json {
    match j {
        Json::Object(m) => {
            let sorted: std::collections::BTreeMap<&String, Json> = m.iter().map(|(k, v)| (k, canonical(v))).collect();
            let mut out = serde_json::Map::new();
            for (k, v) in sorted {
                out.insert(k.clone(), v);
            }
            Json::Object(out)
        }
        Json::Array(a) => Json::Array(a.iter().map(canonical).collect()),
        other => other.clone(),
    }
}

/// The comparable part of a UI event: its type, message and payload, UUIDs masked.
fn ui_event_key(e: &Json) -> String {
    let mut e = mask_json(e);
    if let Some(m) = e.as_object_mut() {
        for k in ["@timestamp", "@module"] {
            m.remove(k);
        }
    }
    canonical(&e).to_string()
}

#[test]
fn rich_plan_json_stream_matches_terraform() {
    let mut report = Report::new("rich_plan_json_stream_matches_terraform");
    let mut p = Vec::new();
    let result = (|| -> Result<(), String> {
        let rich = rich_plan()?;
        let r = run_ok(&rich.dir, &["plan", "-json", "-input=false", "-out=ui.bin"])?;
        // `plan -json -out` saves the same plan as the human `plan -out`.
        let saved_ui = run_ok(&rich.dir, &["show", "-json", "ui.bin"])?.stdout;
        let saved_ui: Json = serde_json::from_str(&saved_ui).map_err(|e| format!("show -json ui.bin: {e}"))?;
        let saved = infra_show_json(&rich.dir)?;
        if saved_ui["resource_changes"] != saved["resource_changes"] || saved_ui["output_changes"] != saved["output_changes"] {
            p.push("plan -json -out saved other changes than plan -out".into());
        }
        let tf_text = fs::read_to_string(golden_dir().join("rich/terraform/plan-ui.jsonl")).map_err(|e| e.to_string())?;
        let parse = |text: &str, who: &str| -> Result<Vec<Json>, String> {
            text.lines().filter(|l| !l.trim().is_empty()).map(|l| serde_json::from_str(l).map_err(|e| format!("{who}: a line is not JSON ({e}): {l}"))).collect()
        };
        let tf = parse(&tf_text, "terraform")?;
        let got = parse(&r.stdout, "infra")?;
        for (i, e) in got.iter().enumerate() {
            for k in ["@level", "@message", "@module", "@timestamp", "type"] {
                if !e[k].is_string() {
                    p.push(format!("event {i}: no string {k:?}: {e}"));
                }
            }
        }
        let types: Vec<&str> = got.iter().map(|e| e["type"].as_str().unwrap_or_default()).collect();
        if types.first() != Some(&"version") || got[0]["terraform"] != json!("1.11.4") || got[0]["ui"] != json!("1.2") {
            p.push(format!("the stream does not start with a version event: {:?}", got.first()));
        }
        // Order: refresh events, then drift, planned changes, the summary, the outputs.
        let rank = |t: &str| match t {
            "version" => 0,
            "refresh_start" | "refresh_complete" | "apply_start" | "apply_complete" => 1,
            "resource_drift" => 2,
            "planned_change" => 3,
            "change_summary" => 4,
            "outputs" => 5,
            _ => 6,
        };
        if types.windows(2).any(|w| rank(w[0]) > rank(w[1])) {
            p.push(format!("events out of Terraform's order: {types:?}"));
        }
        // The same events as Terraform's (the version message names the tool; refresh events
        // and planned changes come in walk order, so they are compared as sets).
        let keyed = |events: &[Json]| -> BTreeSet<String> {
            events.iter().filter(|e| e["type"] != json!("version")).map(|e| rebrand(&ui_event_key(e))).collect()
        };
        let (want, have) = (keyed(&tf), keyed(&got));
        for missing in want.difference(&have) {
            p.push(format!("missing event: {missing}"));
        }
        for extra in have.difference(&want) {
            p.push(format!("unexpected event: {extra}"));
        }
        if got.len() != tf.len() {
            p.push(format!("{} events, terraform printed {}", got.len(), tf.len()));
        }
        Ok(())
    })();
    if let Err(e) = result {
        p.push(e);
    }
    report.case("golden/plan/rich (plan -json)", p);
    report.finish();
}

/// A diagnostic in the `plan -json` stream carries Terraform's `range` and `snippet` (the
/// expected objects are what `terraform plan -json` 1.11.4 printed for this configuration).
#[test]
fn plan_json_diagnostic_has_terraforms_snippet() {
    let mut report = Report::new("plan_json_diagnostic_has_terraforms_snippet");
    let mut p = Vec::new();
    let result = (|| -> Result<(), String> {
        let work = tempfile::tempdir().map_err(|e| format!("tempdir: {e}"))?;
        let config = "variable \"x\" {\n  type = string\n  default = \"a\"\n}\n\nresource \"terraform_data\" \"a\" {\n  input = var.y\n}\n";
        fs::write(work.path().join("main.tf"), config).map_err(|e| e.to_string())?;
        let r = infra(work.path(), &argv(&["plan", "-json", "-input=false"], &[]), &[]);
        if let Some(m) = r.expect_code(1) {
            p.push(m);
        }
        let events: Vec<Json> = r.stdout.lines().filter_map(|l| serde_json::from_str(l).ok()).collect();
        if events.first().map(|e| &e["type"]) != Some(&json!("version")) {
            p.push(format!("no version event first:\n{}", r.stdout));
        }
        let Some(d) = events.iter().find(|e| e["type"] == json!("diagnostic")) else {
            return Err(format!("no diagnostic event:\n{}", r.stdout));
        };
        if d["@level"] != json!("error") || d["@message"] != json!("Error: Reference to undeclared input variable") {
            p.push(format!("level/message: {d}"));
        }
        let want_range = json!({"filename":"main.tf","start":{"line":7,"column":11,"byte":92},"end":{"line":7,"column":16,"byte":97}});
        let want_snippet = json!({"context":"resource \"terraform_data\" \"a\"","code":"  input = var.y","start_line":7,"highlight_start_offset":10,"highlight_end_offset":15,"values":[]});
        for (k, want) in [("range", want_range), ("snippet", want_snippet)] {
            for diff in json_diff(&want, &d["diagnostic"][k]) {
                p.push(format!("diagnostic.{k}: {diff}"));
            }
        }
        Ok(())
    })();
    if let Err(e) = result {
        p.push(e);
    }
    report.case("generated/plan_json_diagnostic", p);
    report.finish();
}

/// A file changed outside infra between `plan -out` and `apply FILE`: applying now would
/// recreate it, which the reviewed plan did not say, so nothing at all is applied.
#[test]
fn plan_file_refused_after_drift() {
    let mut report = Report::new("plan_file_refused_after_drift");
    let mut p = Vec::new();
    let result = (|| -> Result<(), String> {
        let work = tempfile::tempdir().map_err(|e| format!("tempdir: {e}"))?;
        let w = work.path();
        let config = |input: &str| format!("resource \"local_file\" \"a\" {{\n  filename = \"${{path.module}}/a.txt\"\n  content  = \"hello\\n\"\n}}\n\nresource \"terraform_data\" \"b\" {{\n  input = \"{input}\"\n}}\n");
        fs::write(w.join("main.tf"), config("x")).map_err(|e| e.to_string())?;
        run_ok(w, &["apply", "-auto-approve", "-no-color", "-input=false"])?;
        fs::write(w.join("main.tf"), config("y")).map_err(|e| e.to_string())?;
        run_ok(w, &["plan", "-no-color", "-input=false", "-out=p.bin"])?;
        fs::write(w.join("a.txt"), "changed outside\n").map_err(|e| e.to_string())?;
        let state = fs::read(w.join("terraform.tfstate")).ok();
        let r = infra(w, &argv(&["apply", "-no-color", "-input=false", "p.bin"], &[]), &[]);
        if let Some(m) = r.expect_code(1) {
            p.push(m);
        }
        let text = format!("{}{}", r.stdout, r.stderr);
        if !(text.contains("Saved plan does not match") && text.contains("local_file.a")) {
            p.push(format!("no clear message naming local_file.a:\n{}", r.excerpt()));
        }
        if fs::read(w.join("terraform.tfstate")).ok() != state {
            p.push("terraform.tfstate was modified (terraform_data.b must not have been applied)".into());
        }
        if fs::read_to_string(w.join("a.txt")).ok().as_deref() != Some("changed outside\n") {
            p.push("a.txt was rewritten".into());
        }
        Ok(())
    })();
    if let Err(e) = result {
        p.push(e);
    }
    report.case("generated/refused_after_drift", p);
    report.finish();
}
