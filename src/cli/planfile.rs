//! Saved plan files (`plan -out=FILE`, `apply FILE`, `show FILE`).
//!
//! A plan file (format `infra-plan/2`, JSON, mode 0600) records two things:
//!
//! - the plan's **inputs** — the state it was made from (with lineage and serial), the root
//!   variable values, the options and a hash of the configuration — so that `apply FILE` can
//!   refuse a stale plan and re-walk the same configuration with the same inputs;
//! - the **planned changes** themselves — every resource change (address, action, reason,
//!   before/after values with their unknown and sensitive paths, the paths forcing replacement),
//!   the output changes, drift, the refreshed prior state, and Terraform's JSON `configuration`
//!   block — so that `show FILE` renders the plan from the file alone and `apply FILE` can hold
//!   every instance to exactly what was recorded.
//!
//! Values are written with [`infra_value::json`] (`value_to_json` plus the value's type) and two
//! explicit path lists, like Terraform's `after_unknown` / `after_sensitive`: `unknown` (parts
//! "known after apply") and `sensitive` (parts carrying the sensitive mark). Like Terraform's own
//! plan files and like the state, a plan file holds sensitive values in clear; it is written
//! with mode 0600 and never printed.

use std::collections::{BTreeMap, HashSet};
use std::path::Path;

use infra_engine::addrs::{parse_address, AbsResource, ResourceInstance};
use infra_engine::plan::{Action, ActionReason, OutputChange, Plan, PlanMode, ResourceChange};
use infra_engine::session::Session;
use infra_engine::state_bridge::{StateInstance, StateOutput, StateResource, WorkingState};
use infra_engine::walk::RunOptions;
use infra_state::{InstanceKey, StateFile};
use infra_value::json::{type_from_json, type_to_json, value_from_json, value_to_json};
use infra_value::value::Kind;
use infra_value::{AttrPath, Diagnostic, Marks, PathStep, Type, Value};
use serde_json::{json, Map, Value as Json};
use sha2::{Digest, Sha256};

/// The current plan file format. Version 1 recorded only the inputs and actions.
pub const FORMAT: &str = "infra-plan/2";
const FORMAT_PREFIX: &str = "infra-plan/";

pub struct SavedPlan {
    pub plan: Plan,
    pub variables: BTreeMap<String, Value>,
    pub options: RunOptions,
    /// Terraform's JSON `configuration` block, recorded when the plan was made.
    pub configuration: Json,
    /// Terraform's JSON `relevant_attributes`, recorded when the plan was made.
    pub relevant_attributes: Json,
    /// The hash of the configuration files the plan was made from.
    pub config_hash: String,
    pub lineage: Option<String>,
    pub serial: Option<u64>,
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

fn mode_from(s: &str) -> Result<PlanMode, String> {
    Ok(match s {
        "normal" => PlanMode::Normal,
        "destroy" => PlanMode::Destroy,
        "refresh-only" => PlanMode::RefreshOnly,
        other => return Err(format!("unknown plan mode {other:?}")),
    })
}

fn action_name(a: Action) -> String {
    format!("{a:?}")
}

fn action_from(s: &str) -> Result<Action, String> {
    Action::ALL.into_iter().find(|a| action_name(*a) == s).ok_or_else(|| format!("unknown action {s:?}"))
}

const REASONS: [ActionReason; 12] = [
    ActionReason::ReplaceBecauseTainted,
    ActionReason::ReplaceByRequest,
    ActionReason::ReplaceByTriggers,
    ActionReason::ReplaceBecauseCannotUpdate,
    ActionReason::DeleteBecauseNoResourceConfig,
    ActionReason::DeleteBecauseCountIndex,
    ActionReason::DeleteBecauseEachKey,
    ActionReason::DeleteBecauseWrongRepetition,
    ActionReason::DeleteBecauseNoModule,
    ActionReason::DeleteBecauseNoMoveTarget,
    ActionReason::ReadBecauseConfigUnknown,
    ActionReason::ReadBecauseDependencyPending,
];

fn reason_from(j: Option<&Json>) -> Result<ActionReason, String> {
    match j {
        None | Some(Json::Null) => Ok(ActionReason::None),
        Some(Json::String(s)) => {
            REASONS.into_iter().find(|r| r.json_name() == Some(s.as_str())).ok_or_else(|| format!("unknown action reason {s:?}"))
        }
        Some(other) => Err(format!("invalid action reason {other}")),
    }
}

// ----- values -------------------------------------------------------------------------------

/// Encodes a value with its type and the paths of its unknown and sensitive parts.
pub fn encode_value(v: &Value) -> Json {
    let (plain, _) = v.unmark_deep();
    let mut unknown = Vec::new();
    let mut sensitive = Vec::new();
    collect_paths(v, &mut Vec::new(), &mut unknown, &mut sensitive);
    let mut m = Map::new();
    m.insert("value".into(), value_to_json(&plain));
    m.insert("type".into(), type_to_json(&plain.ty()));
    if !unknown.is_empty() {
        m.insert("unknown".into(), Json::Array(unknown));
    }
    if !sensitive.is_empty() {
        m.insert("sensitive".into(), Json::Array(sensitive));
    }
    Json::Object(m)
}

fn collect_paths(v: &Value, path: &mut Vec<Json>, unknown: &mut Vec<Json>, sensitive: &mut Vec<Json>) {
    if v.marks().contains(Marks::SENSITIVE) {
        sensitive.push(Json::Array(path.clone()));
    }
    match v.kind() {
        Kind::Unknown(_) => unknown.push(Json::Array(path.clone())),
        Kind::List(_, es) | Kind::Set(_, es) | Kind::Tuple(es) => {
            for (i, e) in es.iter().enumerate() {
                path.push(json!(i));
                collect_paths(e, path, unknown, sensitive);
                path.pop();
            }
        }
        Kind::Map(_, m) | Kind::Object(m) => {
            for (k, e) in m.iter() {
                path.push(json!(k));
                collect_paths(e, path, unknown, sensitive);
                path.pop();
            }
        }
        _ => {}
    }
}

fn path_set(j: Option<&Json>) -> Result<HashSet<String>, String> {
    match j {
        None | Some(Json::Null) => Ok(HashSet::new()),
        Some(Json::Array(ps)) => ps
            .iter()
            .map(|p| match p {
                Json::Array(steps) if steps.iter().all(|s| s.is_string() || s.is_u64()) => Ok(p.to_string()),
                _ => Err(format!("invalid value path {p}")),
            })
            .collect(),
        Some(other) => Err(format!("invalid list of value paths {other}")),
    }
}

/// Decodes [`encode_value`]'s form.
pub fn decode_value(j: &Json) -> Result<Value, String> {
    let Json::Object(m) = j else { return Err(format!("invalid encoded value {j}")) };
    let ty = type_from_json(m.get("type").ok_or("encoded value without a type")?)?;
    let unknown = path_set(m.get("unknown"))?;
    let sensitive = path_set(m.get("sensitive"))?;
    decode_at(m.get("value").unwrap_or(&Json::Null), &ty, &mut Vec::new(), &unknown, &sensitive)
}

fn decode_at(j: &Json, ty: &Type, path: &mut Vec<Json>, unknown: &HashSet<String>, sensitive: &HashSet<String>) -> Result<Value, String> {
    let key = Json::Array(path.clone()).to_string();
    let elems = |items: &[Json], elem_ty: &dyn Fn(usize) -> Result<Type, String>, path: &mut Vec<Json>| -> Result<Vec<Value>, String> {
        items
            .iter()
            .enumerate()
            .map(|(i, x)| {
                path.push(json!(i));
                let r = decode_at(x, &elem_ty(i)?, path, unknown, sensitive);
                path.pop();
                r
            })
            .collect()
    };
    let v = if unknown.contains(&key) {
        Value::unknown(ty.clone())
    } else {
        match (ty, j) {
            (_, Json::Null) => Value::null(ty.clone()),
            (Type::List(e), Json::Array(a)) => Value::list((**e).clone(), elems(a, &|_| Ok((**e).clone()), path)?),
            (Type::Set(e), Json::Array(a)) => Value::set((**e).clone(), elems(a, &|_| Ok((**e).clone()), path)?),
            (Type::Tuple(ts), Json::Array(a)) => {
                if ts.len() != a.len() {
                    return Err(format!("a tuple of {} elements has {} values", ts.len(), a.len()));
                }
                Value::tuple(elems(a, &|i| ts.get(i).cloned().ok_or_else(|| "tuple index out of range".to_string()), path)?)
            }
            (Type::Map(e), Json::Object(o)) => {
                let mut out = BTreeMap::new();
                for (k, x) in o {
                    path.push(json!(k));
                    let r = decode_at(x, e, path, unknown, sensitive);
                    path.pop();
                    out.insert(k.clone(), r?);
                }
                Value::map((**e).clone(), out)
            }
            (Type::Object(ot), Json::Object(o)) => {
                let mut out = BTreeMap::new();
                for (k, aty) in &ot.attrs {
                    path.push(json!(k));
                    let r = decode_at(o.get(k).unwrap_or(&Json::Null), aty, path, unknown, sensitive);
                    path.pop();
                    out.insert(k.clone(), r?);
                }
                Value::object(out)
            }
            (Type::List(_) | Type::Set(_) | Type::Tuple(_) | Type::Map(_) | Type::Object(_), other) => {
                return Err(format!("a value of type {} cannot be {other}", ty.friendly_name()));
            }
            _ => value_from_json(j, ty)?,
        }
    };
    Ok(if sensitive.contains(&key) { v.mark_sensitive() } else { v })
}

fn paths_json(ps: &[AttrPath]) -> Json {
    Json::Array(
        ps.iter()
            .map(|p| {
                Json::Array(
                    p.0.iter()
                        .map(|s| match s {
                            PathStep::Attr(a) => json!({"attr": a}),
                            PathStep::Key(k) => json!({"key": k}),
                            PathStep::Index(i) => json!({"index": i}),
                        })
                        .collect(),
                )
            })
            .collect(),
    )
}

fn paths_from(j: Option<&Json>) -> Result<Vec<AttrPath>, String> {
    let Some(Json::Array(ps)) = j else { return Ok(Vec::new()) };
    ps.iter()
        .map(|p| {
            let Json::Array(steps) = p else { return Err(format!("invalid attribute path {p}")) };
            steps
                .iter()
                .map(|s| {
                    if let Some(a) = s.get("attr").and_then(Json::as_str) {
                        Ok(PathStep::Attr(a.to_string()))
                    } else if let Some(k) = s.get("key").and_then(Json::as_str) {
                        Ok(PathStep::Key(k.to_string()))
                    } else if let Some(i) = s.get("index").and_then(Json::as_i64) {
                        Ok(PathStep::Index(i))
                    } else {
                        Err(format!("invalid attribute path step {s}"))
                    }
                })
                .collect::<Result<Vec<_>, _>>()
                .map(AttrPath)
        })
        .collect()
}

// ----- changes and state --------------------------------------------------------------------

fn instance_addr(s: &str) -> Result<ResourceInstance, String> {
    match parse_address(s) {
        Ok((module, Some(resource), key)) => Ok(AbsResource { module, resource }.instance(key)),
        _ => Err(format!("invalid resource instance address {s:?}")),
    }
}

fn change_json(c: &ResourceChange) -> Json {
    let mut m = Map::new();
    m.insert("address".into(), json!(c.addr.to_string()));
    if let Some(p) = &c.prev_addr {
        m.insert("previous_address".into(), json!(p.to_string()));
    }
    m.insert("provider".into(), json!(c.provider));
    m.insert("action".into(), json!(action_name(c.action)));
    if let Some(r) = c.reason.json_name() {
        m.insert("reason".into(), json!(r));
    }
    m.insert("before".into(), encode_value(&c.before));
    m.insert("after".into(), encode_value(&c.after));
    if !c.requires_replace.is_empty() {
        m.insert("replace_paths".into(), paths_json(&c.requires_replace));
    }
    if let Some(id) = &c.importing {
        m.insert("importing".into(), json!(id));
    }
    m.insert("schema_known".into(), json!(c.schema_known));
    Json::Object(m)
}

fn change_from(j: &Json) -> Result<ResourceChange, String> {
    let s = |k: &str| j.get(k).and_then(Json::as_str);
    let addr = instance_addr(s("address").ok_or("resource change without an address")?)?;
    let field = |k: &str| j.get(k).ok_or_else(|| format!("{addr}: no {k:?} value"));
    Ok(ResourceChange {
        prev_addr: s("previous_address").map(instance_addr).transpose()?,
        provider: s("provider").unwrap_or_default().to_string(),
        action: action_from(s("action").unwrap_or_default()).map_err(|e| format!("{addr}: {e}"))?,
        reason: reason_from(j.get("reason")).map_err(|e| format!("{addr}: {e}"))?,
        before: decode_value(field("before")?).map_err(|e| format!("{addr}: before: {e}"))?,
        after: decode_value(field("after")?).map_err(|e| format!("{addr}: after: {e}"))?,
        requires_replace: paths_from(j.get("replace_paths")).map_err(|e| format!("{addr}: {e}"))?,
        importing: s("importing").map(String::from),
        private: Vec::new(),
        schema_known: j.get("schema_known").and_then(Json::as_bool).unwrap_or(true),
        addr,
    })
}

fn output_change_json(o: &OutputChange) -> Json {
    json!({
        "name": o.name,
        "action": action_name(o.action),
        "before": o.before.as_ref().map(encode_value),
        "after": o.after.as_ref().map(encode_value),
        "sensitive": o.sensitive,
    })
}

fn output_change_from(j: &Json) -> Result<OutputChange, String> {
    let name = j.get("name").and_then(Json::as_str).ok_or("output change without a name")?.to_string();
    let opt = |k: &str| -> Result<Option<Value>, String> {
        match j.get(k) {
            None | Some(Json::Null) => Ok(None),
            Some(v) => decode_value(v).map(Some).map_err(|e| format!("output {name}: {k}: {e}")),
        }
    };
    Ok(OutputChange {
        action: action_from(j.get("action").and_then(Json::as_str).unwrap_or_default())?,
        before: opt("before")?,
        after: opt("after")?,
        sensitive: j.get("sensitive").and_then(Json::as_bool).unwrap_or(false),
        name,
    })
}

fn key_json(k: &Option<InstanceKey>) -> Json {
    match k {
        None => Json::Null,
        Some(InstanceKey::Int(i)) => json!(i),
        Some(InstanceKey::Str(s)) => json!(s),
    }
}

fn key_from(j: Option<&Json>) -> Result<Option<InstanceKey>, String> {
    match j {
        None | Some(Json::Null) => Ok(None),
        Some(Json::String(s)) => Ok(Some(InstanceKey::Str(s.clone()))),
        Some(Json::Number(n)) => n.as_i64().map(|i| Some(InstanceKey::Int(i))).ok_or_else(|| format!("invalid instance key {n}")),
        Some(other) => Err(format!("invalid instance key {other}")),
    }
}

/// Encodes a working state (typed values, so unknowns of `planned_state` survive).
pub fn working_state_json(ws: &WorkingState) -> Json {
    let resources: Vec<Json> = ws
        .resources
        .values()
        .map(|r| {
            let instances: Vec<Json> = r
                .instances
                .iter()
                .map(|(k, i)| {
                    json!({
                        "key": key_json(k),
                        "value": encode_value(&i.value),
                        "private": i.private,
                        "dependencies": i.dependencies,
                        "tainted": i.tainted,
                        "schema_version": i.schema_version,
                        "create_before_destroy": i.create_before_destroy,
                    })
                })
                .collect();
            json!({"address": r.addr.to_string(), "provider": r.provider, "instances": instances})
        })
        .collect();
    let outputs: Map<String, Json> =
        ws.outputs.iter().map(|(k, o)| (k.clone(), json!({"value": encode_value(&o.value), "sensitive": o.sensitive}))).collect();
    json!({"lineage": ws.lineage, "serial": ws.serial, "resources": resources, "outputs": outputs})
}

fn working_state_from(j: &Json) -> Result<WorkingState, String> {
    let mut ws = WorkingState {
        lineage: j.get("lineage").and_then(Json::as_str).unwrap_or_default().to_string(),
        serial: j.get("serial").and_then(Json::as_u64).unwrap_or(0),
        ..Default::default()
    };
    for r in j.get("resources").and_then(Json::as_array).map(Vec::as_slice).unwrap_or_default() {
        let a = r.get("address").and_then(Json::as_str).unwrap_or_default();
        let addr = match parse_address(a) {
            Ok((module, Some(resource), None)) => AbsResource { module, resource },
            _ => return Err(format!("invalid resource address {a:?} in the plan's state")),
        };
        let mut res = StateResource { addr: addr.clone(), provider: r.get("provider").and_then(Json::as_str).unwrap_or_default().to_string(), instances: BTreeMap::new() };
        for i in r.get("instances").and_then(Json::as_array).map(Vec::as_slice).unwrap_or_default() {
            let key = key_from(i.get("key"))?;
            let value = decode_value(i.get("value").unwrap_or(&Json::Null)).map_err(|e| format!("{}: {e}", addr.instance(key.clone())))?;
            res.instances.insert(
                key,
                Box::new(StateInstance {
                    value,
                    private: i.get("private").and_then(Json::as_str).map(String::from),
                    dependencies: i
                        .get("dependencies")
                        .and_then(Json::as_array)
                        .map(|d| d.iter().filter_map(|x| x.as_str().map(String::from)).collect())
                        .unwrap_or_default(),
                    tainted: i.get("tainted").and_then(Json::as_bool).unwrap_or(false),
                    schema_version: i.get("schema_version").and_then(Json::as_u64).unwrap_or(0),
                    create_before_destroy: i.get("create_before_destroy").and_then(Json::as_bool).unwrap_or(false),
                }),
            );
        }
        ws.resources.insert(addr, std::sync::Arc::new(res));
    }
    if let Some(Json::Object(os)) = j.get("outputs") {
        for (k, o) in os {
            let value = decode_value(o.get("value").unwrap_or(&Json::Null)).map_err(|e| format!("output {k}: {e}"))?;
            ws.outputs.insert(k.clone(), StateOutput { value, sensitive: o.get("sensitive").and_then(Json::as_bool).unwrap_or(false) });
        }
    }
    Ok(ws)
}

// ----- the file -----------------------------------------------------------------------------

/// The whole plan file document.
pub fn to_json(
    session: &Session,
    plan: &Plan,
    prior: Option<&StateFile>,
    vars: &BTreeMap<String, Value>,
    opts: &RunOptions,
    configuration: Json,
) -> Json {
    let variables: Map<String, Json> = vars.iter().map(|(k, v)| (k.clone(), encode_value(v))).collect();
    json!({
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
        "plan": {
            "mode": mode_name(plan.mode),
            // Every root variable's value (given or default), for the JSON plan's `variables`.
            "variables": crate::render::config_json::root_variable_values(session, vars).iter().map(|(k, v)| (k.clone(), encode_value(v))).collect::<Map<String, Json>>(),
            "timestamp": plan.timestamp,
            "errored": plan.errored,
            "changes": plan.changes.iter().map(change_json).collect::<Vec<_>>(),
            "drift": plan.drift.iter().map(change_json).collect::<Vec<_>>(),
            "outputs": plan.outputs.iter().map(output_change_json).collect::<Vec<_>>(),
            "prior_state": working_state_json(&plan.prior_state),
            "planned_state": working_state_json(&plan.planned_state),
        },
        "configuration": configuration,
        "relevant_attributes": crate::render::config_json::relevant_attributes(session, plan),
    })
}

pub fn write(path: &Path, doc: &Json) -> Result<(), String> {
    let text = serde_json::to_string(doc).map_err(|e| e.to_string())?;
    #[cfg(unix)]
    {
        use std::io::Write as _;
        use std::os::unix::fs::OpenOptionsExt;
        // Created 0600 from the start: the file holds the state and variable values.
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .mode(0o600)
            .open(path)
            .map_err(|e| format!("{}: {e}", path.display()))?;
        f.write_all(text.as_bytes()).map_err(|e| format!("{}: {e}", path.display()))?;
        use std::os::unix::fs::PermissionsExt;
        let _ = std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600));
    }
    #[cfg(not(unix))]
    std::fs::write(path, text).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(())
}

/// Reads and decodes a plan file without checking it against the current state and
/// configuration (for `show FILE`).
pub fn read_unchecked(path: &Path) -> Result<SavedPlan, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
    from_bytes(&bytes).map_err(|e| format!("{}: {e}", path.display()))
}

/// Decodes a plan file's content.
pub fn from_bytes(bytes: &[u8]) -> Result<SavedPlan, String> {
    let doc: Json = serde_json::from_slice(bytes).map_err(|_| "not a plan file written by infra".to_string())?;
    match doc.get("format").and_then(Json::as_str) {
        Some(FORMAT) => {}
        Some(f) if f.starts_with(FORMAT_PREFIX) => {
            return Err(format!(
                "the plan file has format {f}, which this version of infra (v{}) cannot read (it reads {FORMAT}); run \"infra plan\" again to make a new plan",
                super::VERSION
            ))
        }
        _ => return Err("not a plan file written by infra".to_string()),
    }
    decode(&doc).map_err(|e| format!("invalid plan file: {e}"))
}

fn decode(doc: &Json) -> Result<SavedPlan, String> {
    let mut variables = BTreeMap::new();
    if let Some(Json::Object(m)) = doc.get("variables") {
        for (k, v) in m {
            variables.insert(k.clone(), decode_value(v).map_err(|e| format!("variable {k}: {e}"))?);
        }
    }
    let o = doc.get("options").ok_or("no options")?;
    let strings = |k: &str| -> Vec<String> { o.get(k).and_then(Json::as_array).map(|a| a.iter().filter_map(|x| x.as_str().map(String::from)).collect()).unwrap_or_default() };
    let options = RunOptions {
        mode: mode_from(o.get("mode").and_then(Json::as_str).unwrap_or("normal"))?,
        refresh: o.get("refresh").and_then(Json::as_bool).unwrap_or(true),
        targets: strings("targets"),
        replace: strings("replace"),
        parallelism: o.get("parallelism").and_then(Json::as_u64).filter(|p| *p > 0).unwrap_or(10) as usize,
        workspace: o.get("workspace").and_then(Json::as_str).unwrap_or("default").to_string(),
        plan_timestamp: o.get("plan_timestamp").and_then(Json::as_str).unwrap_or("").to_string(),
        interrupt: Default::default(),
    };
    // The stored state (`state`) is kept in the file for audits; `apply` reads the current
    // state and checks its lineage and serial against the recorded ones instead.
    let p = doc.get("plan").ok_or("no planned changes")?;
    let list = |k: &str| p.get(k).and_then(Json::as_array).map(Vec::as_slice).unwrap_or_default();
    let mut plan_variables = BTreeMap::new();
    if let Some(Json::Object(m)) = p.get("variables") {
        for (k, v) in m {
            plan_variables.insert(k.clone(), decode_value(v).map_err(|e| format!("variable {k}: {e}"))?);
        }
    }
    let plan = Plan {
        mode: mode_from(p.get("mode").and_then(Json::as_str).unwrap_or("normal"))?,
        changes: list("changes").iter().map(change_from).collect::<Result<_, _>>()?,
        drift: list("drift").iter().map(change_from).collect::<Result<_, _>>()?,
        outputs: list("outputs").iter().map(output_change_from).collect::<Result<_, _>>()?,
        prior_state: working_state_from(p.get("prior_state").unwrap_or(&Json::Null)).map_err(|e| format!("prior state: {e}"))?,
        planned_state: working_state_from(p.get("planned_state").unwrap_or(&Json::Null)).map_err(|e| format!("planned state: {e}"))?,
        variables: plan_variables,
        warnings: Vec::new(),
        timestamp: p.get("timestamp").and_then(Json::as_str).unwrap_or_default().to_string(),
        errored: p.get("errored").and_then(Json::as_bool).unwrap_or(false),
    };
    Ok(SavedPlan {
        plan,
        variables,
        options,
        configuration: doc.get("configuration").cloned().unwrap_or(Json::Null),
        relevant_attributes: doc.get("relevant_attributes").cloned().unwrap_or(Json::Null),
        config_hash: doc.get("config_hash").and_then(Json::as_str).unwrap_or_default().to_string(),
        lineage: doc.get("lineage").and_then(Json::as_str).map(String::from),
        serial: doc.get("serial").and_then(Json::as_u64),
    })
}

/// Reads a plan file for `apply FILE`: refuses a plan file that cannot be read, a plan that
/// failed, and a plan made from another state or configuration (a stale plan).
pub fn read(path: &Path, session: &Session, current: Option<&StateFile>) -> Result<SavedPlan, Diagnostic> {
    let saved = read_unchecked(path).map_err(|e| Diagnostic::error("Failed to load the saved plan", e))?;
    if saved.plan.errored {
        return Err(Diagnostic::error(
            "Saved plan is not applyable",
            format!("The plan {} was made by a run that failed, so it cannot be applied.", path.display()),
        ));
    }
    if saved.config_hash != config_hash(session) {
        return Err(Diagnostic::error(
            "Saved plan is stale",
            format!(
                "The configuration has changed since the plan {} was created, so applying it could do something other than what was reviewed. Run \"infra plan\" again to make a new plan.",
                path.display()
            ),
        ));
    }
    let cur_lineage = current.map(|s| s.lineage.clone());
    let cur_serial = current.map(|s| s.serial);
    if saved.lineage != cur_lineage || saved.serial != cur_serial {
        return Err(Diagnostic::error(
            "Saved plan is stale",
            format!(
                "The plan {} was created from state {} (serial {}), but the current state is {} (serial {}). The state changed since the plan was made, so it can no longer be applied. Run \"infra plan\" again to make a new plan.",
                path.display(),
                saved.lineage.as_deref().unwrap_or("(none)"),
                saved.serial.map(|s| s.to_string()).unwrap_or_else(|| "-".into()),
                cur_lineage.as_deref().unwrap_or("(none)"),
                cur_serial.map(|s| s.to_string()).unwrap_or_else(|| "-".into()),
            ),
        ));
    }
    Ok(saved)
}

/// Compares a plan made again from a saved plan's inputs with the recorded one: every instance
/// must have the recorded action, and every value recorded as known the same value. Returns the
/// refusal, naming the instances that differ.
pub fn compare(recorded: &Plan, fresh: &Plan) -> Option<Diagnostic> {
    let mut problems = Vec::new();
    for c in &fresh.changes {
        let Some(r) = recorded.changes.iter().find(|r| r.addr == c.addr) else {
            if c.action != Action::NoOp {
                problems.push(format!("- {}: now planned to {}, but the saved plan has no change for it", c.addr, action_words(c.action)));
            }
            continue;
        };
        if r.action != c.action {
            problems.push(format!("- {}: the saved plan will {}, but it would now {}", c.addr, action_words(r.action), action_words(c.action)));
        } else if r.action != Action::Delete {
            if let Some(path) = infra_engine::plan::first_difference(&r.after, &c.after) {
                let at = if path.is_empty() { String::new() } else { format!(" ({path})") };
                problems.push(format!("- {}: a planned value differs from the saved plan{at}", c.addr));
            }
        }
    }
    for r in &recorded.changes {
        if r.action != Action::NoOp && !fresh.changes.iter().any(|c| c.addr == r.addr) {
            problems.push(format!("- {}: the saved plan will {}, but it is no longer planned", r.addr, action_words(r.action)));
        }
    }
    if problems.is_empty() {
        return None;
    }
    Some(Diagnostic::error(
        "Saved plan does not match",
        format!(
            "Applying the saved plan now would not do what it recorded, so nothing was applied:\n{}\n\nSomething changed outside infra since the plan was made. Run \"infra plan\" again to make a new plan.",
            problems.join("\n")
        ),
    ))
}

fn action_words(a: Action) -> &'static str {
    match a {
        Action::NoOp => "leave it unchanged",
        Action::Create => "create it",
        Action::Read => "read it",
        Action::Update => "update it in place",
        Action::DeleteThenCreate | Action::CreateThenDelete => "replace it",
        Action::Delete => "destroy it",
        Action::Forget => "forget it",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use infra_value::types::ObjectType;
    use std::sync::Arc;

    fn obj(pairs: Vec<(&str, Value)>) -> Value {
        Value::object(pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
    }

    #[test]
    fn values_round_trip_with_unknowns_and_marks() {
        let v = obj(vec![
            ("id", Value::unknown(Type::String)),
            ("pw", Value::string("hunter2").mark_sensitive()),
            ("n", Value::from_i64(3)),
            ("tags", Value::map(Type::String, [("a".to_string(), Value::string("x").mark_sensitive())].into_iter().collect())),
            ("list", Value::list(Type::String, vec![Value::string("a"), Value::unknown(Type::String)])),
            ("set", Value::set(Type::Number, vec![Value::from_i64(2), Value::from_i64(1)])),
            ("tuple", Value::tuple(vec![Value::bool(true), Value::null(Type::String)])),
            ("dyn", Value::dynamic_unknown()),
            ("nullobj", Value::null(Type::Object(Arc::new(ObjectType::default())))),
        ]);
        let j = encode_value(&v);
        let back = decode_value(&j).expect("decodes");
        assert_eq!(encode_value(&back), j);
        assert!(back.get_attr("pw").is_some_and(Value::is_sensitive));
        assert!(back.get_attr("id").is_some_and(|v| !v.is_known()));
        assert_eq!(back.ty(), v.ty());
        assert!(back.unmark_deep().0.raw_equals(&v.unmark_deep().0));
    }

    #[test]
    fn garbage_is_an_error() {
        assert!(from_bytes(b"not json").is_err());
        assert!(from_bytes(br#"{"format":"something"}"#).is_err());
        let old = from_bytes(br#"{"format":"infra-plan/1","changes":[]}"#).err().unwrap_or_default();
        assert!(old.contains("infra-plan/1") && old.contains("plan\" again"), "{old}");
        assert!(from_bytes(br#"{"format":"infra-plan/2","options":{},"plan":{"changes":[{"address":"x"}]}}"#).is_err());
        let bad_value = br#"{"format":"infra-plan/2","options":{},"plan":{"changes":[{"address":"a.b","action":"Create","before":{"type":"string","value":null},"after":{"type":["list","string"],"value":{"a":1}}}]}}"#;
        assert!(from_bytes(bad_value).is_err());
    }
}
