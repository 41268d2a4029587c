//! Saved plan files (`plan -out=FILE`, `apply FILE`, `show FILE`).
//!
//! A plan file records the inputs of the plan — the prior state (with lineage and serial),
//! root variable values, options — a hash of the configuration, and the planned action of
//! every instance. `apply FILE` refuses when the state or configuration changed since, and
//! checks during apply that every instance's action is the one recorded.

use std::collections::BTreeMap;
use std::path::Path;

use infra_engine::addrs::parse_address;
use infra_engine::plan::{Action, ActionReason, Plan, PlanMode, ResourceChange};
use infra_engine::session::Session;
use infra_engine::walk::RunOptions;
use infra_state::StateFile;
use infra_value::json::{type_from_json, type_to_json, value_from_json, value_to_json};
use infra_value::Value;
use serde_json::{json, Value as Json};
use sha2::{Digest, Sha256};

const FORMAT: &str = "infra-plan/1";

pub struct SavedPlan {
    pub plan: Plan,
    pub variables: BTreeMap<String, Value>,
    pub options: RunOptions,
    pub state: Option<StateFile>,
}

/// A hash of every configuration file of the module tree.
pub fn config_hash(session: &Session) -> String {
    let mut h = Sha256::new();
    let mut i = 0;
    let mut files = Vec::new();
    while let Some(f) = session.sources.get(i) {
        if f.name.ends_with(".tf") || f.name.ends_with(".tf.json") {
            files.push((f.name.to_string(), f.text.to_string()));
        }
        i += 1;
    }
    files.sort();
    for (name, text) in files {
        h.update(name.as_bytes());
        h.update([0]);
        h.update(text.as_bytes());
        h.update([0]);
    }
    hex::encode(h.finalize())
}

fn mode_name(m: PlanMode) -> &'static str {
    match m {
        PlanMode::Normal => "normal",
        PlanMode::Destroy => "destroy",
        PlanMode::RefreshOnly => "refresh-only",
    }
}

fn action_from(s: &str) -> Action {
    match s {
        "Create" => Action::Create,
        "Read" => Action::Read,
        "Update" => Action::Update,
        "DeleteThenCreate" => Action::DeleteThenCreate,
        "CreateThenDelete" => Action::CreateThenDelete,
        "Delete" => Action::Delete,
        "Forget" => Action::Forget,
        _ => Action::NoOp,
    }
}

pub fn write(path: &Path, session: &Session, plan: &Plan, prior: Option<&StateFile>, vars: &BTreeMap<String, Value>, opts: &RunOptions) -> Result<(), String> {
    let variables: serde_json::Map<String, Json> = vars
        .iter()
        .map(|(k, v)| {
            let (plain, _) = v.unmark_deep();
            (k.clone(), json!({"value": value_to_json(&plain), "type": type_to_json(&plain.ty())}))
        })
        .collect();
    let changes: Vec<Json> = plan
        .changes
        .iter()
        .map(|c| json!({"address": c.addr.to_string(), "action": format!("{:?}", c.action), "provider": c.provider}))
        .collect();
    let doc = json!({
        "format": FORMAT,
        "infra_version": super::VERSION,
        "config_hash": config_hash(session),
        "lineage": prior.map(|s| s.lineage.clone()),
        "serial": prior.map(|s| s.serial),
        "state": prior.map(|s| serde_json::to_value(s).unwrap_or(Json::Null)),
        "variables": variables,
        "options": {
            "mode": mode_name(opts.mode),
            "refresh": opts.refresh,
            "targets": opts.targets,
            "replace": opts.replace,
            "parallelism": opts.parallelism,
            "workspace": opts.workspace,
            "plan_timestamp": opts.plan_timestamp,
        },
        "changes": changes,
    });
    let text = serde_json::to_string(&doc).map_err(|e| e.to_string())?;
    std::fs::write(path, text).map_err(|e| format!("{}: {e}", path.display()))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let _ = std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600));
    }
    Ok(())
}

/// Reads a plan file without checking it against the current state and configuration.
pub fn read_unchecked(path: &Path, _session: &Session) -> Result<SavedPlan, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let doc: Json = serde_json::from_str(&text).map_err(|_| format!("{} is not a plan file written by infra", path.display()))?;
    if doc.get("format").and_then(Json::as_str) != Some(FORMAT) {
        return Err(format!("{} is not a plan file written by infra (format {FORMAT})", path.display()));
    }
    let mut variables = BTreeMap::new();
    if let Some(Json::Object(m)) = doc.get("variables") {
        for (k, v) in m {
            let ty = v.get("type").map(type_from_json).transpose()?.unwrap_or(infra_value::Type::Dynamic);
            let val = value_from_json(v.get("value").unwrap_or(&Json::Null), &ty)?;
            variables.insert(k.clone(), val);
        }
    }
    let o = doc.get("options").cloned().unwrap_or(Json::Null);
    let strings = |k: &str| -> Vec<String> { o.get(k).and_then(Json::as_array).map(|a| a.iter().filter_map(|x| x.as_str().map(String::from)).collect()).unwrap_or_default() };
    let options = RunOptions {
        mode: match o.get("mode").and_then(Json::as_str) {
            Some("destroy") => PlanMode::Destroy,
            Some("refresh-only") => PlanMode::RefreshOnly,
            _ => PlanMode::Normal,
        },
        refresh: o.get("refresh").and_then(Json::as_bool).unwrap_or(true),
        targets: strings("targets"),
        replace: strings("replace"),
        parallelism: o.get("parallelism").and_then(Json::as_u64).unwrap_or(10) as usize,
        workspace: o.get("workspace").and_then(Json::as_str).unwrap_or("default").to_string(),
        plan_timestamp: o.get("plan_timestamp").and_then(Json::as_str).unwrap_or("").to_string(),
    };
    let state: Option<StateFile> = match doc.get("state") {
        Some(Json::Null) | None => None,
        Some(s) => Some(serde_json::from_value(s.clone()).map_err(|e| format!("invalid state in plan file: {e}"))?),
    };
    let mut changes = Vec::new();
    if let Some(Json::Array(cs)) = doc.get("changes") {
        for c in cs {
            let addr = c.get("address").and_then(Json::as_str).unwrap_or("");
            let Ok((module, Some(key), ikey)) = parse_address(addr) else { continue };
            changes.push(ResourceChange {
                addr: infra_engine::addrs::AbsResource { module, resource: key }.instance(ikey),
                prev_addr: None,
                provider: c.get("provider").and_then(Json::as_str).unwrap_or("").to_string(),
                action: action_from(c.get("action").and_then(Json::as_str).unwrap_or("")),
                reason: ActionReason::None,
                before: Value::dynamic_null(),
                after: Value::dynamic_null(),
                requires_replace: Vec::new(),
                importing: None,
                private: Vec::new(),
                schema_known: false,
            });
        }
    }
    let plan = Plan { mode: options.mode, changes, variables: variables.clone(), timestamp: options.plan_timestamp.clone(), ..Default::default() };
    let _ = doc.get("config_hash");
    Ok(SavedPlan { plan, variables, options, state })
}

/// Reads a plan file for `apply FILE`: refuses a plan made from another state or configuration.
pub fn read(path: &Path, session: &Session, current: Option<&StateFile>) -> Result<SavedPlan, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let doc: Json = serde_json::from_str(&text).map_err(|_| format!("{} is not a plan file written by infra", path.display()))?;
    let saved_hash = doc.get("config_hash").and_then(Json::as_str).unwrap_or("");
    if saved_hash != config_hash(session) {
        return Err(format!(
            "The configuration has changed since the plan {} was created, so applying it could do something other than what was reviewed. Run \"infra plan\" again to make a new plan.",
            path.display()
        ));
    }
    let saved_lineage = doc.get("lineage").and_then(Json::as_str).map(String::from);
    let saved_serial = doc.get("serial").and_then(Json::as_u64);
    let cur_lineage = current.map(|s| s.lineage.clone());
    let cur_serial = current.map(|s| s.serial);
    if saved_lineage != cur_lineage || saved_serial != cur_serial {
        return Err(format!(
            "Saved plan is stale: the plan {} was created from state {} (serial {}), but the current state is {} (serial {}). The state changed since the plan was made, so it can no longer be applied. Run \"infra plan\" again to make a new plan.",
            path.display(),
            saved_lineage.as_deref().unwrap_or("(none)"),
            saved_serial.map(|s| s.to_string()).unwrap_or_else(|| "-".into()),
            cur_lineage.as_deref().unwrap_or("(none)"),
            cur_serial.map(|s| s.to_string()).unwrap_or_else(|| "-".into()),
        ));
    }
    read_unchecked(path, session)
}

/// Terraform's `configuration` block of the JSON plan (a summary: resources and their
/// providers, per module).
pub fn configuration_json(session: &Session) -> Json {
    fn module_json(m: &infra_engine::config::tree::ModuleNode) -> Json {
        let resources: Vec<Json> = m
            .module
            .resources
            .values()
            .map(|r| {
                json!({
                    "address": r.key.to_string(),
                    "mode": if r.key.mode == infra_engine::config::Mode::Managed { "managed" } else { "data" },
                    "type": r.key.ty,
                    "name": r.key.name,
                    "provider_config_key": if r.key.ty == "terraform_data" { "terraform".to_string() } else { r.provider_local_name() },
                    "schema_version": 0,
                })
            })
            .collect();
        let calls: serde_json::Map<String, Json> = m
            .children
            .iter()
            .map(|(name, child)| {
                let src = m.module.module_calls.get(name).map(|c| c.source.clone()).unwrap_or_default();
                (name.clone(), json!({"source": src, "module": module_json(child)}))
            })
            .collect();
        let outputs: serde_json::Map<String, Json> = m
            .module
            .outputs
            .values()
            .map(|o| (o.name.clone(), if o.sensitive { json!({"sensitive": true}) } else { json!({}) }))
            .collect();
        let variables: serde_json::Map<String, Json> = m
            .module
            .variables
            .values()
            .map(|v| {
                let mut j = json!({});
                if let Some(d) = &v.description {
                    j["description"] = json!(d);
                }
                if v.sensitive {
                    j["sensitive"] = json!(true);
                }
                (v.name.clone(), j)
            })
            .collect();
        let mut out = json!({});
        if !resources.is_empty() {
            out["resources"] = json!(resources);
        }
        if !calls.is_empty() {
            out["module_calls"] = Json::Object(calls);
        }
        if !outputs.is_empty() {
            out["outputs"] = Json::Object(outputs);
        }
        if !variables.is_empty() {
            out["variables"] = Json::Object(variables);
        }
        out
    }
    json!({"root_module": module_json(&session.config.root)})
}
