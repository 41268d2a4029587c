//! Machine-readable UI: `validate -json` diagnostics and `plan -json` streamed events, in
//! Terraform's shapes (one JSON object per line with `@level`, `@message`, `@module`,
//! `@timestamp`, `type`).

use std::io::Write as _;
use std::time::Duration;

use infra_engine::addrs::{parse_address, AbsResource, ResourceInstance};
use infra_engine::config::Mode;
use infra_engine::hooks::{Hooks, OpKind};
use infra_engine::plan::{Action, ActionReason, Plan, PlanMode, ResourceChange};
use infra_engine::source::SourceMap;
use infra_state::InstanceKey;
use infra_value::{Diagnostic, Severity};
use serde_json::{json, Value as Json};

pub fn diagnostic_json(d: &Diagnostic) -> Json {
    diagnostic_json_with(d, None)
}

/// `views/json.Diagnostic`, with the source `snippet` when the sources are at hand.
pub fn diagnostic_json_with(d: &Diagnostic, sources: Option<&SourceMap>) -> Json {
    let mut out = json!({
        "severity": if d.severity == Severity::Error { "error" } else { "warning" },
        "summary": d.summary,
        "detail": d.detail,
    });
    if let Some(a) = &d.address {
        out["address"] = json!(a);
    }
    if let Some(r) = &d.subject {
        out["range"] = json!({
            "filename": r.filename.to_string(),
            "start": {"line": r.start.line, "column": r.start.column, "byte": r.start.byte},
            "end": {"line": r.end.line, "column": r.end.column, "byte": r.end.byte},
        });
    }
    if let Some(snippet) = sources.and_then(|s| crate::render::diagnostics::snippet_json(d, s)) {
        out["snippet"] = snippet;
    }
    out
}

fn event(level: &str, message: String, kind: &str, extra: Json) -> String {
    let mut ev = json!({
        "@level": level,
        "@message": message,
        "@module": "infra.ui",
        "@timestamp": crate::cli::chrono_now(),
        "type": kind,
    });
    if let (Some(obj), Json::Object(more)) = (ev.as_object_mut(), extra) {
        for (k, v) in more {
            obj.insert(k, v);
        }
    }
    serde_json::to_string(&ev).unwrap_or_default()
}

/// Terraform's UI action names (`views/json.ChangeAction`).
fn action_name(a: Action) -> &'static str {
    match a {
        Action::NoOp => "noop",
        Action::Create => "create",
        Action::Read => "read",
        Action::Update => "update",
        Action::DeleteThenCreate | Action::CreateThenDelete => "replace",
        Action::Delete => "delete",
        Action::Forget => "remove",
    }
}

/// Terraform's UI reason names (`views/json.ChangeReason`), which are not the JSON plan's.
fn reason_name(r: ActionReason) -> Option<&'static str> {
    Some(match r {
        ActionReason::None => return None,
        ActionReason::ReplaceBecauseTainted => "tainted",
        ActionReason::ReplaceByRequest => "requested",
        ActionReason::ReplaceByTriggers => "replace_triggered_by",
        ActionReason::ReplaceBecauseCannotUpdate => "cannot_update",
        ActionReason::DeleteBecauseNoResourceConfig => "delete_because_no_resource_config",
        ActionReason::DeleteBecauseCountIndex => "delete_because_count_index",
        ActionReason::DeleteBecauseEachKey => "delete_because_each_key",
        ActionReason::DeleteBecauseWrongRepetition => "delete_because_wrong_repetition",
        ActionReason::DeleteBecauseNoModule => "delete_because_no_module",
        ActionReason::DeleteBecauseNoMoveTarget => "delete_because_no_move_target",
        ActionReason::ReadBecauseConfigUnknown => "read_because_config_unknown",
        ActionReason::ReadBecauseDependencyPending => "read_because_dependency_pending",
    })
}

/// `views/json.ResourceAddr` of an instance.
fn resource_addr(addr: &ResourceInstance) -> Json {
    let r = &addr.resource.resource;
    let implied = if r.ty == "terraform_data" { "terraform" } else { r.ty.split('_').next().unwrap_or(&r.ty) };
    json!({
        "addr": addr.to_string(),
        "module": addr.resource.module.to_string(),
        "resource": format!("{}{}", r, addr.key.as_ref().map(|k| k.to_string()).unwrap_or_default()),
        "implied_provider": implied,
        "resource_type": r.ty,
        "resource_name": r.name,
        "resource_key": addr.key.as_ref().map(|k| match k { InstanceKey::Int(i) => json!(i), InstanceKey::Str(s) => json!(s) }),
    })
}

/// `views/json.NewResourceInstanceChange`: moves and imports are the action of a change that
/// does nothing else.
fn change_json(c: &ResourceChange) -> Json {
    let moved = c.prev_addr.as_ref().filter(|p| **p != c.addr);
    let action = match (c.action, moved, &c.importing) {
        (Action::NoOp, Some(_), _) => "move",
        (Action::NoOp, None, Some(_)) => "import",
        (a, _, _) => action_name(a),
    };
    let mut change = json!({ "resource": resource_addr(&c.addr) });
    if let Some(p) = moved {
        change["previous_resource"] = resource_addr(p);
    }
    change["action"] = json!(action);
    if let Some(r) = reason_name(c.reason) {
        change["reason"] = json!(r);
    }
    if let Some(id) = &c.importing {
        change["importing"] = json!({ "id": id });
    }
    change
}

fn print_line(line: String) {
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{line}");
}

/// The first event of every stream.
pub fn print_version() {
    print_line(event("info", format!("infra {}", crate::cli::VERSION), "version", json!({"terraform": "1.11.4", "ui": "1.2"})));
}

/// Diagnostics as `diagnostic` events (with source snippets when `sources` is given).
pub fn print_diagnostics(diags: &[Diagnostic], sources: Option<&SourceMap>) {
    for d in diags {
        let level = if d.is_error() { "error" } else { "warn" };
        let msg = format!("{}: {}", if d.is_error() { "Error" } else { "Warning" }, d.summary);
        print_line(event(level, msg, "diagnostic", json!({"diagnostic": diagnostic_json_with(d, sources)})));
    }
}

/// Prints the events of a finished plan, after the `version` event and the refresh events
/// ([`JsonHooks`]) were streamed: `resource_drift`, `planned_change`, `change_summary`,
/// `outputs`, then the diagnostics, in Terraform's order (`OperationJSON.Plan`).
pub fn print_plan_stream(plan: &Plan, diags: &[Diagnostic], sources: &SourceMap) {
    let errored = diags.iter().any(Diagnostic::is_error);
    if !errored {
        for d in &plan.drift {
            if d.action != Action::NoOp || plan.mode == PlanMode::RefreshOnly {
                let c = change_json(d);
                let msg = format!("{}: Drift detected ({})", d.addr, c["action"].as_str().unwrap_or_default());
                print_line(event("info", msg, "resource_drift", json!({"change": c})));
            }
        }
        for c in plan.changes.iter().filter(|c| !(c.action == Action::Delete && c.addr.resource.resource.mode == Mode::Data)) {
            if c.action != Action::NoOp || c.importing.is_some() || c.prev_addr.as_ref().is_some_and(|p| *p != c.addr) {
                let change = change_json(c);
                let msg = format!("{}: Plan to {}", c.addr, change["action"].as_str().unwrap_or_default());
                print_line(event("info", msg, "planned_change", json!({"change": change})));
            }
        }
        let s = plan.summary();
        let mut msg = String::from("Plan: ");
        if s.import > 0 {
            msg.push_str(&format!("{} to import, ", s.import));
        }
        msg.push_str(&format!("{} to add, {} to change, {} to destroy.", s.add, s.change, s.destroy));
        print_line(event(
            "info",
            msg,
            "change_summary",
            json!({"changes": {"add": s.add, "change": s.change, "import": s.import, "remove": s.destroy, "operation": "plan"}}),
        ));
        if !plan.outputs.is_empty() {
            let outputs: serde_json::Map<String, Json> =
                plan.outputs.iter().map(|o| (o.name.clone(), json!({"sensitive": o.sensitive, "action": action_name(o.action)}))).collect();
            print_line(event("info", format!("Outputs: {}", outputs.len()), "outputs", json!({"outputs": outputs})));
        }
    }
    print_diagnostics(diags, Some(sources));
}

/// Streams refresh and plan-time data source reads as Terraform's `refresh_start` /
/// `refresh_complete` and `apply_start` / `apply_complete` events.
pub struct JsonHooks;

fn hook_resource(addr: &str) -> Option<ResourceInstance> {
    match parse_address(addr) {
        Ok((module, Some(resource), key)) => Some(AbsResource { module, resource }.instance(key)),
        _ => None,
    }
}

fn with_id(mut hook: Json, id: Option<&str>) -> (Json, String) {
    match id.filter(|i| !i.is_empty()) {
        Some(i) => {
            hook["id_key"] = json!("id");
            hook["id_value"] = json!(i);
            (hook, format!(" [id={i}]"))
        }
        None => (hook, String::new()),
    }
}

impl Hooks for JsonHooks {
    fn start(&self, addr: &str, op: OpKind, id: Option<&str>) {
        let Some(a) = hook_resource(addr) else { return };
        match op {
            OpKind::Refresh => {
                let (hook, idt) = with_id(json!({"resource": resource_addr(&a)}), id);
                print_line(event("info", format!("{addr}: Refreshing state...{idt}"), "refresh_start", json!({"hook": hook})));
            }
            OpKind::Read => {
                let (hook, idt) = with_id(json!({"resource": resource_addr(&a), "action": "read"}), id);
                print_line(event("info", format!("{addr}: Reading...{idt}"), "apply_start", json!({"hook": hook})));
            }
            _ => {}
        }
    }
    fn complete(&self, addr: &str, op: OpKind, id: Option<&str>, elapsed: Duration) {
        let Some(a) = hook_resource(addr) else { return };
        match op {
            OpKind::Refresh => {
                let (hook, idt) = with_id(json!({"resource": resource_addr(&a)}), id);
                print_line(event("info", format!("{addr}: Refresh complete{idt}"), "refresh_complete", json!({"hook": hook})));
            }
            OpKind::Read => {
                let (mut hook, idt) = with_id(json!({"resource": resource_addr(&a), "action": "read"}), id);
                hook["elapsed_seconds"] = json!(elapsed.as_secs());
                print_line(event("info", format!("{addr}: Read complete after {}s{idt}", elapsed.as_secs()), "apply_complete", json!({"hook": hook})));
            }
            _ => {}
        }
    }
}

/// Prints only a version event and diagnostics (when loading the configuration failed).
pub fn print_diagnostics_only(diags: &[Diagnostic]) {
    print_diagnostics_only_with(diags, None);
}

/// [`print_diagnostics_only`] with source snippets.
pub fn print_diagnostics_only_with(diags: &[Diagnostic], sources: Option<&SourceMap>) {
    print_version();
    print_diagnostics(diags, sources);
}
