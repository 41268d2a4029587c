//! Terraform's machine-readable plan (`show -json PLANFILE`, `plan -json` consumers) and state
//! (`show -json`) representations, following hashicorp/terraform `internal/command/jsonplan` and
//! `jsonstate` (format versions 1.2 and 1.0).
//!
//! **Deviation from Terraform:** Terraform writes sensitive values in clear inside `before`,
//! `after`, `planned_values`, `prior_state` and `variables`, and only flags them in
//! `*_sensitive`. infra promises that no sensitive value ever appears in clear in a plan
//! rendering, so every value flagged sensitive is replaced by `null` here while the
//! `before_sensitive` / `after_sensitive` / `sensitive_values` structures are kept intact, so a
//! consumer can still tell which values were hidden.
//!
//! The human renderer ports Terraform's structured renderer, which reads the per-change
//! encoding ([`ChangeJson`]); it reads the same trees through borrowed views of the values
//! (`view.rs`) instead of building them, and takes only [`replace_paths_json`] from here.

use std::cmp::Ordering;
use std::collections::BTreeMap;

use infra_engine::addrs::{ModuleInstance, ResourceInstance};
use infra_engine::config::Mode;
use infra_engine::plan::{Action, OutputChange, Plan, ResourceChange};
use infra_engine::state_bridge::WorkingState;
use infra_state::InstanceKey;
use infra_value::json::{number_to_json, type_to_json};
use infra_value::value::Kind;
use infra_value::{AttrPath, PathStep, Value};
use serde_json::{json, Map, Value as Json};

/// The plan format version Terraform 1.11 writes.
pub const PLAN_FORMAT_VERSION: &str = "1.2";
/// The state format version Terraform 1.11 writes in `show -json`.
pub const STATE_FORMAT_VERSION: &str = "1.0";
/// The Terraform version whose formats these are; tools reading `terraform_version` expect a
/// Terraform release number.
pub const TERRAFORM_VERSION: &str = "1.11.4";

/// One change in Terraform's JSON form (`jsonplan.Change`, values part). `Json::Null` stands for
/// both an absent and a null value, as Terraform's renderer treats them alike.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct ChangeJson {
    pub before: Json,
    pub after: Json,
    pub after_unknown: Json,
    pub before_sensitive: Json,
    pub after_sensitive: Json,
    /// `[["attr", 0, "key"], …]`, or `Json::Null` when nothing forced the replacement.
    pub replace_paths: Json,
}

/// Encodes a resource change as Terraform does (`marshalResourceChange`), values unredacted.
pub(crate) fn resource_change_json(rc: &ResourceChange) -> ChangeJson {
    let mut c = value_change_json(&rc.before, &rc.after, Json::Object(Map::new()));
    c.replace_paths = replace_paths_json(rc);
    c
}

/// The change's `replace_paths`: `[["attr", 0, "key"], …]`, or `Json::Null` when nothing
/// forced the replacement.
pub(crate) fn replace_paths_json(rc: &ResourceChange) -> Json {
    if rc.requires_replace.is_empty() {
        return Json::Null;
    }
    Json::Array(rc.requires_replace.iter().map(path_json).collect())
}

/// Encodes an output change (`MarshalOutputChanges`): sensitivity is one flag for the whole value.
pub(crate) fn output_change_json(oc: &OutputChange) -> ChangeJson {
    let before = oc.before.clone().unwrap_or_else(Value::dynamic_null);
    let after = oc.after.clone().unwrap_or_else(Value::dynamic_null);
    let mut c = value_change_json(&before, &after, Json::Bool(false));
    let sensitive = oc.sensitive
        || oc.before.as_ref().is_some_and(Value::has_marks_deep_sensitive)
        || oc.after.as_ref().is_some_and(Value::has_marks_deep_sensitive);
    c.before_sensitive = Json::Bool(sensitive);
    c.after_sensitive = Json::Bool(sensitive);
    c
}

trait DeepSensitive {
    fn has_marks_deep_sensitive(&self) -> bool;
}
impl DeepSensitive for Value {
    fn has_marks_deep_sensitive(&self) -> bool {
        self.deep_marks().contains(infra_value::Marks::SENSITIVE)
    }
}

fn value_change_json(before: &Value, after: &Value, known_after_unknown: Json) -> ChangeJson {
    let after_unknown = if after.is_wholly_known() { known_after_unknown } else { unknown_as_bool(after) };
    ChangeJson {
        before: known_json(before).unwrap_or(Json::Null),
        after: known_json(after).unwrap_or(Json::Null),
        after_unknown,
        before_sensitive: sensitive_as_bool(before),
        after_sensitive: sensitive_as_bool(after),
        replace_paths: Json::Null,
    }
}

/// `omitUnknowns` + JSON encoding: unknown values disappear from objects and maps and become
/// `null` inside sequences (order correlates them with `after_unknown`). `None` for a wholly
/// unknown value.
pub(crate) fn known_json(v: &Value) -> Option<Json> {
    Some(match v.kind() {
        Kind::Unknown(_) => return None,
        Kind::Null(_) => Json::Null,
        Kind::Bool(b) => Json::Bool(*b),
        Kind::Number(n) => number_to_json(n),
        Kind::String(s) => Json::String(s.to_string()),
        Kind::List(_, es) | Kind::Set(_, es) | Kind::Tuple(es) => {
            Json::Array(es.iter().map(|e| known_json(e).unwrap_or(Json::Null)).collect())
        }
        Kind::Map(_, m) | Kind::Object(m) => {
            Json::Object(m.iter().filter_map(|(k, e)| known_json(e).map(|j| (k.clone(), j))).collect())
        }
    })
}

/// `unknownAsBool`: `true` for unknown leaves, `false` for known leaves; objects omit `false`.
pub(crate) fn unknown_as_bool(v: &Value) -> Json {
    match v.kind() {
        Kind::Null(_) => Json::Bool(false),
        Kind::Unknown(_) => Json::Bool(true),
        Kind::List(_, es) | Kind::Set(_, es) | Kind::Tuple(es) => Json::Array(es.iter().map(unknown_as_bool).collect()),
        // The key is copied only for the entries kept (most values are known).
        Kind::Map(_, m) | Kind::Object(m) => Json::Object(
            m.iter().filter_map(|(k, e)| Some(unknown_as_bool(e)).filter(|j| *j != Json::Bool(false)).map(|j| (k.clone(), j))).collect(),
        ),
        _ => Json::Bool(false),
    }
}

/// `SensitiveAsBool`: `true` where the sensitive mark is, objects omit `false`.
pub(crate) fn sensitive_as_bool(v: &Value) -> Json {
    if v.is_sensitive() {
        return Json::Bool(true);
    }
    match v.kind() {
        Kind::Unknown(t) if t.is_list_like() => Json::Array(Vec::new()),
        Kind::Unknown(t) if t.is_map_like() => Json::Object(Map::new()),
        Kind::List(_, es) | Kind::Set(_, es) | Kind::Tuple(es) => Json::Array(es.iter().map(sensitive_as_bool).collect()),
        Kind::Map(_, m) | Kind::Object(m) => Json::Object(
            m.iter().filter_map(|(k, e)| Some(sensitive_as_bool(e)).filter(|j| *j != Json::Bool(false)).map(|j| (k.clone(), j))).collect(),
        ),
        _ => Json::Bool(false),
    }
}

/// Replaces every value flagged in `sensitive` by `null` (see the module documentation).
pub fn redact(value: &Json, sensitive: &Json) -> Json {
    match (value, sensitive) {
        (_, Json::Bool(true)) => Json::Null,
        (Json::Array(vs), Json::Array(ss)) => {
            Json::Array(vs.iter().enumerate().map(|(i, v)| ss.get(i).map_or_else(|| v.clone(), |s| redact(v, s))).collect())
        }
        (Json::Object(vs), Json::Object(ss)) => Json::Object(
            vs.iter().map(|(k, v)| (k.clone(), ss.get(k).map_or_else(|| v.clone(), |s| redact(v, s)))).collect(),
        ),
        (v, _) => v.clone(),
    }
}

fn path_json(p: &AttrPath) -> Json {
    Json::Array(
        p.0.iter()
            .map(|s| match s {
                PathStep::Attr(a) | PathStep::Key(a) => Json::String(a.clone()),
                PathStep::Index(i) => json!(i),
            })
            .collect(),
    )
}

/// `registry.terraform.io/hashicorp/random` from `provider["registry.terraform.io/hashicorp/random"]`
/// (also with a module prefix or an alias suffix).
pub(crate) fn provider_name(provider_config: &str) -> String {
    match provider_config.find("provider[\"") {
        Some(i) => {
            let rest = &provider_config[i + 10..];
            rest.find('"').map_or(rest, |j| &rest[..j]).to_string()
        }
        None => provider_config.to_string(),
    }
}

fn index_json(key: &Option<InstanceKey>) -> Option<Json> {
    key.as_ref().map(|k| match k {
        InstanceKey::Int(i) => json!(i),
        InstanceKey::Str(s) => json!(s),
    })
}

fn mode_name(mode: Mode) -> &'static str {
    match mode {
        Mode::Managed => "managed",
        Mode::Data => "data",
    }
}

/// Terraform's order of resource instances (`AbsResourceInstance.Less`): shallower modules
/// first, data sources before managed resources, then type, name and key (ints before strings).
pub(crate) fn instance_order(a: &ResourceInstance, b: &ResourceInstance) -> Ordering {
    module_order(&a.resource.module, &b.resource.module)
        .then_with(|| {
            let (ra, rb) = (&a.resource.resource, &b.resource.resource);
            let mode_rank = |m: Mode| if m == Mode::Data { 0 } else { 1 };
            mode_rank(ra.mode).cmp(&mode_rank(rb.mode)).then_with(|| ra.ty.cmp(&rb.ty)).then_with(|| ra.name.cmp(&rb.name))
        })
        .then_with(|| a.key.cmp(&b.key))
}

fn module_order(a: &ModuleInstance, b: &ModuleInstance) -> Ordering {
    a.0.len().cmp(&b.0.len()).then_with(|| a.0.cmp(&b.0))
}

/// The resource changes in Terraform's order, without deletes of data sources (an
/// implementation detail Terraform hides).
pub(crate) fn sorted_changes(changes: &[ResourceChange]) -> Vec<&ResourceChange> {
    let mut v: Vec<&ResourceChange> =
        changes.iter().filter(|c| !(c.addr.resource.resource.mode == Mode::Data && c.action == Action::Delete)).collect();
    v.sort_by(|a, b| instance_order(&a.addr, &b.addr));
    v
}

fn resource_change_entry(rc: &ResourceChange) -> Json {
    let c = resource_change_json(rc);
    let mut m = Map::new();
    m.insert("address".into(), json!(rc.addr.to_string()));
    if let Some(prev) = &rc.prev_addr {
        if prev != &rc.addr {
            m.insert("previous_address".into(), json!(prev.to_string()));
        }
    }
    if let Some(module) = rc.addr.resource.module.state_string() {
        m.insert("module_address".into(), json!(module));
    }
    let r = &rc.addr.resource.resource;
    m.insert("mode".into(), json!(mode_name(r.mode)));
    m.insert("type".into(), json!(r.ty));
    m.insert("name".into(), json!(r.name));
    if let Some(i) = index_json(&rc.addr.key) {
        m.insert("index".into(), i);
    }
    m.insert("provider_name".into(), json!(provider_name(&rc.provider)));
    let mut ch = Map::new();
    ch.insert("actions".into(), json!(rc.action.json_actions()));
    ch.insert("before".into(), redact(&c.before, &c.before_sensitive));
    ch.insert("after".into(), redact(&c.after, &c.after_sensitive));
    ch.insert("after_unknown".into(), c.after_unknown);
    ch.insert("before_sensitive".into(), c.before_sensitive);
    ch.insert("after_sensitive".into(), c.after_sensitive);
    if !c.replace_paths.is_null() {
        ch.insert("replace_paths".into(), c.replace_paths);
    }
    if let Some(id) = &rc.importing {
        ch.insert("importing".into(), json!({ "id": id }));
    }
    m.insert("change".into(), Json::Object(ch));
    if let Some(reason) = rc.reason.json_name() {
        m.insert("action_reason".into(), json!(reason));
    }
    Json::Object(m)
}

fn output_change_entry(oc: &OutputChange) -> Json {
    let c = output_change_json(oc);
    let sensitive = c.after_sensitive == Json::Bool(true);
    let hide = |j: Json| if sensitive { Json::Null } else { j };
    let mut m = Map::new();
    m.insert("actions".into(), json!(oc.action.json_actions()));
    m.insert("before".into(), hide(c.before));
    // Terraform leaves `after` out when the new value is wholly unknown.
    if oc.after.as_ref().map_or(true, |a| known_json(a).is_some()) {
        m.insert("after".into(), hide(c.after));
    }
    m.insert("after_unknown".into(), c.after_unknown);
    m.insert("before_sensitive".into(), c.before_sensitive);
    m.insert("after_sensitive".into(), c.after_sensitive);
    Json::Object(m)
}

/// A state-like module tree of resources, as both `planned_values` and `values` use it.
struct ModuleTree {
    resources: Vec<Json>,
    children: BTreeMap<String, (ModuleInstance, ModuleTree)>,
}

impl ModuleTree {
    fn new() -> ModuleTree {
        ModuleTree { resources: Vec::new(), children: BTreeMap::new() }
    }
    fn insert(&mut self, module: &ModuleInstance, depth: usize, resource: Json) {
        if depth == module.0.len() {
            self.resources.push(resource);
            return;
        }
        let prefix = ModuleInstance(module.0[..=depth].to_vec());
        let entry = self.children.entry(prefix.to_string()).or_insert_with(|| (prefix, ModuleTree::new()));
        entry.1.insert(module, depth + 1, resource);
    }
    fn to_json(&self, address: Option<&str>) -> Json {
        let mut m = Map::new();
        let mut resources = self.resources.clone();
        resources.sort_by(|a, b| a["address"].as_str().cmp(&b["address"].as_str()));
        if !resources.is_empty() {
            m.insert("resources".into(), Json::Array(resources));
        }
        if let Some(a) = address {
            m.insert("address".into(), json!(a));
        }
        if !self.children.is_empty() {
            // BTreeMap order is the string order Terraform sorts child modules by.
            m.insert("child_modules".into(), Json::Array(self.children.iter().map(|(a, (_, t))| t.to_json(Some(a))).collect()));
        }
        Json::Object(m)
    }
}

fn resource_values_entry(addr: &ResourceInstance, provider: &str, schema_version: u64, value: &Value, extra: Option<(&[String], bool)>) -> Json {
    let r = &addr.resource.resource;
    let sensitive = sensitive_as_bool(value);
    let values = redact(&known_json(value).unwrap_or(Json::Null), &sensitive);
    let mut m = Map::new();
    m.insert("address".into(), json!(addr.to_string()));
    m.insert("mode".into(), json!(mode_name(r.mode)));
    m.insert("type".into(), json!(r.ty));
    m.insert("name".into(), json!(r.name));
    if let Some(i) = index_json(&addr.key) {
        m.insert("index".into(), i);
    }
    m.insert("provider_name".into(), json!(provider_name(provider)));
    m.insert("schema_version".into(), json!(schema_version));
    if !values.is_null() {
        m.insert("values".into(), values);
    }
    m.insert("sensitive_values".into(), if sensitive == Json::Bool(false) { json!({}) } else { sensitive });
    if let Some((deps, tainted)) = extra {
        if !deps.is_empty() {
            m.insert("depends_on".into(), json!(deps));
        }
        if tainted {
            m.insert("tainted".into(), json!(true));
        }
    }
    Json::Object(m)
}

/// The `values` of a state (`jsonstate.stateValues`): outputs and the module tree.
fn state_values(state: &WorkingState) -> Json {
    let mut tree = ModuleTree::new();
    for r in state.resources.values() {
        for (key, inst) in &r.instances {
            let addr = r.addr.instance(key.clone());
            let entry =
                resource_values_entry(&addr, &r.provider, inst.schema_version, &inst.value, Some((&inst.dependencies, inst.tainted)));
            tree.insert(&r.addr.module, 0, entry);
        }
    }
    let mut m = Map::new();
    if !state.outputs.is_empty() {
        let outputs: Map<String, Json> = state
            .outputs
            .iter()
            .map(|(name, o)| {
                let (v, marks) = o.value.unmark_deep();
                let sensitive = o.sensitive || marks.contains(infra_value::Marks::SENSITIVE);
                let value = if sensitive { Json::Null } else { known_json(&v).unwrap_or(Json::Null) };
                (name.clone(), json!({ "sensitive": sensitive, "value": value, "type": type_to_json(&v.ty()) }))
            })
            .collect();
        m.insert("outputs".into(), Json::Object(outputs));
    }
    m.insert("root_module".into(), tree.to_json(None));
    Json::Object(m)
}

/// `show -json` without a plan: `{format_version, terraform_version, values}`; an empty state
/// gives only the versions, as Terraform prints for an empty state.
pub fn state_json(state: &WorkingState) -> Json {
    let mut m = Map::new();
    m.insert("format_version".into(), json!(STATE_FORMAT_VERSION));
    m.insert("terraform_version".into(), json!(TERRAFORM_VERSION));
    if !state.resources.is_empty() || !state.outputs.is_empty() {
        m.insert("values".into(), state_values(state));
    }
    Json::Object(m)
}

/// Terraform's JSON plan. `config_json` is the `configuration` object (`jsonconfig`), or
/// `Json::Null` when not available; `relevant` the `relevant_attributes` list (see
/// [`super::config_json::relevant_attributes`]), `Json::Null` for none.
pub fn plan_json(plan: &Plan, config_json: Json, relevant: Json) -> Json {
    let mut m = Map::new();
    m.insert("format_version".into(), json!(PLAN_FORMAT_VERSION));
    m.insert("terraform_version".into(), json!(TERRAFORM_VERSION));
    if !plan.variables.is_empty() {
        let vars: Map<String, Json> = plan
            .variables
            .iter()
            .map(|(k, v)| {
                let value = redact(&known_json(v).unwrap_or(Json::Null), &sensitive_as_bool(v));
                (k.clone(), json!({ "value": value }))
            })
            .collect();
        m.insert("variables".into(), Json::Object(vars));
    }

    // planned_values: from the changes (everything but deletes), as jsonplan does.
    let mut tree = ModuleTree::new();
    for rc in sorted_changes(&plan.changes) {
        if rc.action == Action::Delete {
            continue;
        }
        let schema_version = plan.prior_state.instance(&rc.addr).map_or(0, |i| i.schema_version);
        tree.insert(&rc.addr.resource.module, 0, resource_values_entry(&rc.addr, &rc.provider, schema_version, &rc.after, None));
    }
    let mut planned = Map::new();
    let outputs: Map<String, Json> = plan
        .outputs
        .iter()
        .filter(|o| o.action != Action::Delete)
        .map(|o| {
            let mut e = Map::new();
            let sensitive = o.sensitive || o.after.as_ref().is_some_and(Value::has_marks_deep_sensitive);
            e.insert("sensitive".into(), json!(sensitive));
            if let Some(after) = o.after.as_ref().filter(|a| a.is_wholly_known()) {
                let (v, _) = after.unmark_deep();
                e.insert("type".into(), type_to_json(&v.ty()));
                e.insert("value".into(), if sensitive { Json::Null } else { known_json(&v).unwrap_or(Json::Null) });
            }
            (o.name.clone(), Json::Object(e))
        })
        .collect();
    if !outputs.is_empty() {
        planned.insert("outputs".into(), Json::Object(outputs));
    }
    planned.insert("root_module".into(), tree.to_json(None));
    m.insert("planned_values".into(), Json::Object(planned));

    let drift: Vec<Json> = sorted_changes(&plan.drift).into_iter().filter(|c| c.action != Action::NoOp).map(resource_change_entry).collect();
    if !drift.is_empty() {
        m.insert("resource_drift".into(), Json::Array(drift));
    }
    let changes: Vec<Json> = sorted_changes(&plan.changes).into_iter().map(resource_change_entry).collect();
    if !changes.is_empty() {
        m.insert("resource_changes".into(), Json::Array(changes));
    }
    if !plan.outputs.is_empty() {
        let mut outs: Vec<&OutputChange> = plan.outputs.iter().collect();
        outs.sort_by(|a, b| a.name.cmp(&b.name));
        m.insert("output_changes".into(), Json::Object(outs.into_iter().map(|o| (o.name.clone(), output_change_entry(o))).collect()));
    }
    if !plan.prior_state.resources.is_empty() || !plan.prior_state.outputs.is_empty() {
        m.insert("prior_state".into(), state_json(&plan.prior_state));
    }
    m.insert("configuration".into(), config_json);
    m.insert("relevant_attributes".into(), if relevant.is_array() { relevant } else { json!([]) });
    if !plan.timestamp.is_empty() {
        m.insert("timestamp".into(), json!(plan.timestamp));
    }
    m.insert("applyable".into(), json!(!plan.errored && plan.has_changes()));
    m.insert("complete".into(), json!(!plan.errored));
    m.insert("errored".into(), json!(plan.errored));
    Json::Object(m)
}

#[cfg(test)]
mod tests {
    use super::*;
    use infra_engine::addrs::{parse_address, AbsResource};
    use infra_engine::plan::ActionReason;
    use infra_value::Type;

    fn addr(a: &str) -> ResourceInstance {
        let (module, res, key) = parse_address(a).expect("test address");
        AbsResource { module, resource: res.expect("resource") }.instance(key)
    }

    /// The shape `terraform show -json` (1.11.4) gives for this create, except that the
    /// sensitive `pw` is redacted to null (Terraform prints "hunter2").
    #[test]
    fn resource_change_matches_terraform_with_redaction() {
        let input = Value::object(
            [
                ("ports".to_string(), Value::tuple(vec![Value::from_i64(1), Value::from_i64(2)])),
                ("pw".to_string(), Value::string("hunter2").mark_sensitive()),
                ("user".to_string(), Value::string("u")),
            ]
            .into_iter()
            .collect(),
        );
        let input_ty = input.unmark_deep().0.ty();
        let after = Value::object(
            [
                ("id".to_string(), Value::unknown(Type::String)),
                ("input".to_string(), input),
                ("output".to_string(), Value::unknown(input_ty)),
                ("triggers_replace".to_string(), Value::dynamic_null()),
            ]
            .into_iter()
            .collect(),
        );
        let rc = ResourceChange {
            addr: addr("terraform_data.a"),
            prev_addr: None,
            provider: "provider[\"terraform.io/builtin/terraform\"]".into(),
            action: Action::Create,
            reason: ActionReason::None,
            before: Value::dynamic_null(),
            after,
            requires_replace: vec![],
            importing: None,
            private: vec![],
            schema_known: true,
        };
        let plan = Plan {
            changes: vec![rc],
            outputs: vec![
                OutputChange { name: "o".into(), action: Action::Create, before: None, after: Some(Value::string("u")), sensitive: false },
                OutputChange { name: "s".into(), action: Action::Create, before: None, after: Some(Value::string("hunter2").mark_sensitive()), sensitive: true },
            ],
            timestamp: "2026-01-01T00:00:00Z".into(),
            ..Plan::default()
        };
        let j = plan_json(&plan, Json::Null, Json::Null);
        let expected_change = json!({
            "address": "terraform_data.a",
            "mode": "managed",
            "type": "terraform_data",
            "name": "a",
            "provider_name": "terraform.io/builtin/terraform",
            "change": {
                "actions": ["create"],
                "before": null,
                "after": {"input": {"ports": [1, 2], "pw": null, "user": "u"}, "triggers_replace": null},
                "after_unknown": {"id": true, "input": {"ports": [false, false]}, "output": true},
                "before_sensitive": false,
                "after_sensitive": {"input": {"ports": [false, false], "pw": true}, "output": {}}
            }
        });
        assert_eq!(j["resource_changes"][0], expected_change);
        assert_eq!(
            j["planned_values"]["root_module"]["resources"][0]["values"],
            json!({"input": {"ports": [1, 2], "pw": null, "user": "u"}, "triggers_replace": null})
        );
        assert_eq!(j["planned_values"]["outputs"]["s"], json!({"sensitive": true, "type": "string", "value": null}));
        assert_eq!(j["output_changes"]["o"]["after"], json!("u"));
        assert_eq!(j["output_changes"]["s"]["after"], Json::Null);
        assert_eq!(j["format_version"], json!("1.2"));
        assert_eq!(j["applyable"], json!(true));
        assert!(!j.to_string().contains("hunter2"));
        let keys: Vec<&String> = j.as_object().map(|m| m.keys().collect()).unwrap_or_default();
        assert_eq!(
            keys,
            ["format_version", "terraform_version", "planned_values", "resource_changes", "output_changes", "configuration", "relevant_attributes", "timestamp", "applyable", "complete", "errored"]
        );
    }

    #[test]
    fn redact_keeps_structure() {
        let v = json!({"a": [1, {"b": "x"}], "c": "y"});
        let s = json!({"a": [false, {"b": true}], "c": true});
        assert_eq!(redact(&v, &s), json!({"a": [1, {"b": null}], "c": null}));
    }

    #[test]
    fn ordering_matches_terraform() {
        let mut v = vec![addr("module.m.terraform_data.a"), addr("terraform_data.b[\"x\"]"), addr("terraform_data.b[1]"), addr("data.terraform_data.z"), addr("terraform_data.b")];
        v.sort_by(instance_order);
        let s: Vec<String> = v.iter().map(ToString::to_string).collect();
        assert_eq!(s, ["data.terraform_data.z", "terraform_data.b", "terraform_data.b[1]", "terraform_data.b[\"x\"]", "module.m.terraform_data.a"]);
    }
}
