//! A plan summary for pull-request comments: a headline with the counts, the risky changes
//! (destroys and replacements, with what forces them) first, then updates and creates, drift
//! found during refresh, output changes, and per-resource details as collapsible ```diff
//! blocks. Values come from the human renderer, so sensitive values only ever appear as
//! `(sensitive value)`.

use std::fmt::Write as _;

use infra_engine::plan::{Action, ActionReason, Plan, ResourceChange};
use infra_engine::state_bridge::SchemaLookup;
use infra_state::InstanceKey;

use super::plan_json::sorted_changes;
use super::plan_text::{render_resource_blocks, TextOptions};

/// The markdown summary of a plan. `schemas` as in [`TextOptions::schemas`]: nested blocks
/// then read as blocks in the details.
pub fn plan_markdown(plan: &Plan, schemas: Option<&SchemaLookup<'_>>) -> String {
    let s = plan.summary();
    let mut out = String::new();
    let changes: Vec<&ResourceChange> = sorted_changes(&plan.changes)
        .into_iter()
        .filter(|c| c.action != Action::NoOp || c.importing.is_some() || c.prev_addr.as_ref().is_some_and(|p| p != &c.addr))
        .collect();
    let outputs: Vec<_> = plan.outputs.iter().filter(|o| o.action != Action::NoOp).collect();

    if changes.is_empty() && outputs.is_empty() {
        out.push_str("## infra plan: no changes\n\nYour infrastructure matches the configuration.\n");
    } else {
        let mut head = String::new();
        if s.import > 0 {
            let _ = write!(head, "{} to import, ", s.import);
        }
        let _ = write!(head, "{} to add, {} to change, {} to destroy", s.add, s.change, s.destroy);
        if s.forget > 0 {
            let _ = write!(head, ", {} to forget", s.forget);
        }
        let _ = writeln!(out, "## infra plan: {head}");
        if plan.errored {
            out.push_str("\n> **Planning failed.** The changes below are incomplete and this plan cannot be applied.\n");
        }
    }

    let risky: Vec<&&ResourceChange> = changes.iter().filter(|c| c.action == Action::Delete || c.action.is_replace()).collect();
    if !risky.is_empty() {
        out.push_str("\n### Destroy and replace\n\n| Address | Action | Reason |\n|---|---|---|\n");
        for c in &risky {
            let _ = writeln!(out, "| {} | {} | {} |", code(&c.addr.to_string()), action_words(c.action), cell(&reason(c)));
        }
    }
    let rest: Vec<&&ResourceChange> = changes.iter().filter(|c| c.action != Action::Delete && !c.action.is_replace()).collect();
    if !rest.is_empty() {
        out.push_str("\n### Update and create\n\n| Address | Action |\n|---|---|\n");
        for c in &rest {
            let mut words = action_words(c.action).to_string();
            if let Some(id) = &c.importing {
                words = if c.action == Action::NoOp { format!("import (id `{}`)", cell(id)) } else { format!("{words}, import (id `{}`)", cell(id)) };
            }
            if let Some(prev) = c.prev_addr.as_ref().filter(|p| **p != c.addr) {
                words = if c.action == Action::NoOp { format!("move from {}", code(&prev.to_string())) } else { format!("{words}, moved from {}", code(&prev.to_string())) };
            }
            let _ = writeln!(out, "| {} | {} |", code(&c.addr.to_string()), words);
        }
    }

    let drift: Vec<&ResourceChange> = sorted_changes(&plan.drift).into_iter().filter(|c| c.action != Action::NoOp).collect();
    if !drift.is_empty() {
        out.push_str("\n### Changed outside of infra\n\nFound while refreshing; not part of this plan's actions.\n\n| Address | Change |\n|---|---|\n");
        for c in &drift {
            let what = match c.action {
                Action::Delete => "deleted",
                _ => "changed",
            };
            let _ = writeln!(out, "| {} | {what} |", code(&c.addr.to_string()));
        }
    }

    if !outputs.is_empty() {
        let mut outs = outputs.clone();
        outs.sort_by(|a, b| a.name.cmp(&b.name));
        out.push_str("\n### Outputs\n\n| Output | Action |\n|---|---|\n");
        for o in outs {
            let _ = writeln!(out, "| {} | {} |", code(&o.name), action_words(o.action));
        }
    }

    let details: Vec<&ResourceChange> = changes.iter().copied().chain(drift.iter().copied()).collect();
    if !details.is_empty() {
        out.push_str("\n### Details\n");
        let items: Vec<(&ResourceChange, bool)> = details.iter().enumerate().map(|(i, c)| (*c, i >= changes.len())).collect();
        let blocks = render_resource_blocks(&items, &TextOptions { color: false, schemas });
        for (i, (c, block)) in details.iter().zip(&blocks).enumerate() {
            let drifted = i >= changes.len();
            let title = if drifted { format!("{} (changed outside of infra)", c.addr) } else { c.addr.to_string() };
            let _ = write!(out, "\n<details><summary><code>{}</code></summary>\n\n```diff\n{}```\n\n</details>\n", html(&title), diff_lines(&block));
        }
    }
    out
}

fn action_words(action: Action) -> &'static str {
    match action {
        Action::NoOp => "no change",
        Action::Create => "create",
        Action::Read => "read",
        Action::Update => "update in-place",
        Action::DeleteThenCreate => "replace (destroy, then create)",
        Action::CreateThenDelete => "replace (create, then destroy)",
        Action::Delete => "destroy",
        Action::Forget => "forget (kept, no longer managed)",
    }
}

/// Why a destroy or replacement happens, in a few words.
fn reason(c: &ResourceChange) -> String {
    if c.action.is_replace() && !c.requires_replace.is_empty() {
        let paths: Vec<String> = c.requires_replace.iter().map(|p| format!("`{p}`")).collect();
        return format!("{} forces replacement", paths.join(", "));
    }
    let r = &c.addr.resource.resource;
    match c.reason {
        ActionReason::ReplaceBecauseTainted => "tainted".into(),
        ActionReason::ReplaceByRequest => "requested with -replace".into(),
        ActionReason::ReplaceByTriggers => "replace_triggered_by".into(),
        ActionReason::ReplaceBecauseCannotUpdate => "cannot be updated in place".into(),
        ActionReason::DeleteBecauseNoResourceConfig => format!("`{}.{}` is not in configuration", r.ty, r.name),
        ActionReason::DeleteBecauseCountIndex => "index out of range for count".into(),
        ActionReason::DeleteBecauseEachKey => match &c.addr.key {
            Some(InstanceKey::Str(k)) => format!("key `{k}` is not in for_each"),
            _ => "key is not in for_each".into(),
        },
        ActionReason::DeleteBecauseWrongRepetition => "count/for_each changed".into(),
        ActionReason::DeleteBecauseNoModule => format!("`{}` is not in configuration", c.addr.resource.module),
        ActionReason::DeleteBecauseNoMoveTarget => "moved to an address not in configuration".into(),
        _ if c.action == Action::Delete => "destroy requested".into(),
        _ => String::new(),
    }
}

/// Turns a rendered resource block into diff-highlightable lines: the action symbol moves to
/// the first column (`+`, `-`, and `!` for in-place or replacement changes).
fn diff_lines(block: &str) -> String {
    let mut out = String::new();
    for line in block.lines() {
        let trimmed = line.trim_start();
        let indent = &line[..line.len() - trimmed.len()];
        // The three-column replace symbol keeps its two extra columns, so that every line
        // moves left by the same one column and the block stays aligned.
        let (mark, rest, pad) = if let Some(r) = trimmed.strip_prefix("-/+ ").or_else(|| trimmed.strip_prefix("+/- ")) {
            ('!', r, "  ")
        } else if let Some(r) = trimmed.strip_prefix("+ ") {
            ('+', r, "")
        } else if let Some(r) = trimmed.strip_prefix("- ") {
            ('-', r, "")
        } else if let Some(r) = trimmed.strip_prefix("~ ") {
            ('!', r, "")
        } else {
            (' ', trimmed, "")
        };
        if mark == ' ' {
            let _ = writeln!(out, " {line}");
        } else {
            let _ = writeln!(out, "{mark}{indent}{pad}{rest}");
        }
    }
    // A fence inside a value must not close the code block.
    out.replace("```", "`\u{200b}``")
}

fn code(s: &str) -> String {
    format!("`{}`", s.replace('`', "'").replace('|', "\\|"))
}

fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

fn html(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;
    use infra_engine::addrs::{parse_address, AbsResource};
    use infra_engine::plan::OutputChange;
    use infra_value::{AttrPath, Value};

    fn addr(a: &str) -> infra_engine::addrs::ResourceInstance {
        let (module, res, key) = parse_address(a).expect("test address");
        AbsResource { module, resource: res.expect("resource") }.instance(key)
    }
    fn td(id: Value, input: Value, output: Value, trig: Value) -> Value {
        Value::object(
            [("id", id), ("input", input), ("output", output), ("triggers_replace", trig)].into_iter().map(|(k, v)| (k.to_string(), v)).collect(),
        )
    }
    fn change(a: &str, action: Action, before: Value, after: Value) -> ResourceChange {
        ResourceChange {
            addr: addr(a),
            prev_addr: None,
            provider: "provider[\"terraform.io/builtin/terraform\"]".into(),
            action,
            reason: ActionReason::None,
            before,
            after,
            requires_replace: vec![],
            importing: None,
            private: vec![],
            schema_known: true,
        }
    }

    #[test]
    fn summary_tables_details_and_no_secrets() {
        let s = Value::string;
        let u = Value::dynamic_unknown;
        let n = Value::dynamic_null;
        let mut replace = change("terraform_data.db", Action::DeleteThenCreate, td(s("1"), s("a"), s("a"), s("v1")), td(u(), s("a"), u(), s("v2")));
        replace.requires_replace = vec![AttrPath::attr("triggers_replace")];
        replace.reason = ActionReason::ReplaceBecauseCannotUpdate;
        let mut gone = change("terraform_data.old", Action::Delete, td(s("2"), s("o"), s("o"), n()), n());
        gone.reason = ActionReason::DeleteBecauseNoResourceConfig;
        let create = change("terraform_data.new", Action::Create, n(), td(u(), s("hunter2").mark_sensitive(), u(), n()));
        let mut drifted = change("terraform_data.x", Action::Update, td(s("3"), s("p"), s("p"), n()), td(s("3"), s("q"), s("q"), n()));
        drifted.reason = ActionReason::None;
        let plan = Plan {
            changes: vec![create, gone, replace],
            drift: vec![drifted],
            outputs: vec![OutputChange { name: "pw".into(), action: Action::Create, before: None, after: Some(s("secret!").mark_sensitive()), sensitive: true }],
            ..Plan::default()
        };
        let md = plan_markdown(&plan, None);
        assert!(md.starts_with("## infra plan: 2 to add, 0 to change, 2 to destroy\n"), "{md}");
        let risky = md.find("### Destroy and replace").expect("risky section");
        let rest = md.find("### Update and create").expect("create section");
        assert!(risky < rest);
        assert!(md.contains("| `terraform_data.db` | replace (destroy, then create) | `triggers_replace` forces replacement |"));
        assert!(md.contains("| `terraform_data.old` | destroy | `terraform_data.old` is not in configuration |"));
        assert!(md.contains("| `terraform_data.new` | create |"));
        assert!(md.contains("### Changed outside of infra"));
        assert!(md.contains("<details><summary><code>terraform_data.db</code></summary>"));
        assert!(md.contains("```diff\n   # terraform_data.db must be replaced\n!  resource \"terraform_data\" \"db\" {\n"), "{md}");
        assert!(md.contains("\n!      triggers_replace = \"v1\" -> \"v2\"\n"), "{md}");
        assert!(md.contains("\n+      input  = (sensitive value)\n"), "{md}");
        assert!(md.contains("\n-      id     = \"2\" -> null\n"), "{md}");
        assert!(!md.contains("hunter2") && !md.contains("secret!"));
    }

    #[test]
    fn no_changes() {
        assert_eq!(plan_markdown(&Plan::default(), None), "## infra plan: no changes\n\nYour infrastructure matches the configuration.\n");
    }
}
