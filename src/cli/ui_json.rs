//! Machine-readable UI: `validate -json` diagnostics and `plan -json` streamed events, in
//! Terraform's shapes (one JSON object per line with `@level`, `@message`, `@module`,
//! `@timestamp`, `type`).

use infra_engine::plan::{Action, Plan};
use infra_value::{Diagnostic, Severity};
use serde_json::{json, Value as Json};

pub fn diagnostic_json(d: &Diagnostic) -> Json {
    let mut out = json!({
        "severity": if d.severity == Severity::Error { "error" } else { "warning" },
        "summary": d.summary,
        "detail": d.detail,
    });
    if let Some(r) = &d.subject {
        out["range"] = json!({
            "filename": r.filename.to_string(),
            "start": {"line": r.start.line, "column": r.start.column, "byte": r.start.byte},
            "end": {"line": r.end.line, "column": r.end.column, "byte": r.end.byte},
        });
    }
    if let Some(a) = &d.address {
        out["address"] = json!(a);
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

/// Prints `plan -json` events: version, diagnostics, planned changes, change summary.
pub fn print_plan_stream(plan: &Plan, diags: &[Diagnostic]) {
    let mut lines = vec![event(
        "info",
        format!("infra {}", crate::cli::VERSION),
        "version",
        json!({"terraform": "1.11.4", "ui": "1.2"}),
    )];
    for d in diags {
        let level = if d.is_error() { "error" } else { "warn" };
        lines.push(event(level, format!("{}: {}", if d.is_error() { "Error" } else { "Warning" }, d.summary), "diagnostic", json!({"diagnostic": diagnostic_json(d)})));
    }
    for c in plan.resource_changes() {
        let addr = c.addr.to_string();
        let action = action_name(c.action);
        let mut change = json!({
            "resource": {
                "addr": addr,
                "module": c.addr.resource.module.to_string(),
                "resource": format!("{}{}", c.addr.resource.resource, c.addr.key.as_ref().map(|k| k.to_string()).unwrap_or_default()),
                "implied_provider": c.provider.trim_start_matches("provider[\"").trim_end_matches("\"]").rsplit('/').next().unwrap_or(""),
                "resource_type": c.addr.resource.resource.ty,
                "resource_name": c.addr.resource.resource.name,
                "resource_key": c.addr.key.as_ref().map(|k| match k { infra_state::InstanceKey::Int(i) => json!(i), infra_state::InstanceKey::Str(s) => json!(s) }),
            },
            "action": action,
        });
        if let Some(r) = c.reason.json_name() {
            change["reason"] = json!(r);
        }
        if let Some(p) = &c.prev_addr {
            change["previous_resource"] = json!({"addr": p.to_string()});
        }
        lines.push(event("info", format!("{addr}: Plan to {action}"), "planned_change", json!({"change": change})));
    }
    let s = plan.summary();
    lines.push(event(
        "info",
        format!("Plan: {} to add, {} to change, {} to destroy.", s.add, s.change, s.destroy),
        "change_summary",
        json!({"changes": {"add": s.add, "change": s.change, "import": s.import, "remove": s.destroy, "operation": "plan"}}),
    ));
    for l in lines {
        println!("{l}");
    }
}

/// Prints only a version event and diagnostics (when loading the configuration failed).
pub fn print_diagnostics_only(diags: &[Diagnostic]) {
    println!("{}", event("info", format!("infra {}", crate::cli::VERSION), "version", json!({"terraform": "1.11.4", "ui": "1.2"})));
    for d in diags {
        let level = if d.is_error() { "error" } else { "warn" };
        println!("{}", event(level, format!("{}: {}", if d.is_error() { "Error" } else { "Warning" }, d.summary), "diagnostic", json!({"diagnostic": diagnostic_json(d)})));
    }
}
