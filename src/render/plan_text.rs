//! The human-readable plan, as `terraform plan` prints it (hashicorp/terraform
//! `internal/command/jsonformat/plan.go`). Everything from the first resource block to the
//! summary line is Terraform's exact text; the introductory and "no changes" sentences name
//! infra instead of Terraform.

use std::sync::Arc;

use infra_engine::config::Mode;
use infra_engine::plan::{Action, ActionReason, Plan, PlanMode, ResourceChange};
use infra_engine::state_bridge::SchemaLookup;
use infra_state::InstanceKey;
use infra_value::value::Kind;
use infra_value::{Marks, Value};
use serde_json::Value as Json;

use super::diff::{action_symbol, attribute_name, diff_block, diff_output, BlockSchema, Change, Diff, Matcher, Opts};
use super::plan_json::{output_change_json, resource_change_json, sorted_changes};
use super::text::{colorize, word_wrap, DEFAULT_COLUMNS};

/// Options of the human renderer.
#[derive(Clone, Copy, Default)]
pub struct TextOptions<'a> {
    /// ANSI colours as Terraform uses them (green `+`, yellow `~`, red `-`).
    pub color: bool,
    /// Provider schemas, to render nested blocks as blocks, typed attributes by their type
    /// (maps with quoted keys, sets as sets) and schema-sensitive attributes as sensitive.
    /// Without it every attribute is rendered as a value of type `any`, which is exact for
    /// `terraform_data` and close for other resources.
    pub schemas: Option<&'a SchemaLookup<'a>>,
}

impl<'a> TextOptions<'a> {
    pub fn new(color: bool) -> TextOptions<'a> {
        TextOptions { color, schemas: None }
    }
}

/// Why a resource diff is shown: a proposed change, or drift detected during refresh.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Cause {
    Change,
    Drift,
}

struct Counts {
    create: usize,
    update: usize,
    delete: usize,
    delete_then_create: usize,
    create_then_delete: usize,
    read: usize,
    import: usize,
    /// Any action other than no-op (moves and imports alone do not count).
    any: bool,
}

/// The changes Terraform lists (no-ops only when moved or imported, no data-source deletes), in
/// its order, with the counts of its legend and summary.
fn listed_changes(plan: &Plan) -> (Vec<&ResourceChange>, Counts) {
    let mut counts = Counts { create: 0, update: 0, delete: 0, delete_then_create: 0, create_then_delete: 0, read: 0, import: 0, any: false };
    let mut out = Vec::new();
    for rc in sorted_changes(&plan.changes) {
        let moved = rc.prev_addr.as_ref().is_some_and(|p| p != &rc.addr);
        if rc.action == Action::NoOp && !moved && rc.importing.is_none() {
            continue;
        }
        out.push(rc);
        if rc.importing.is_some() {
            counts.import += 1;
        }
        if rc.action != Action::NoOp {
            counts.any = true;
        }
        match rc.action {
            Action::Create => counts.create += 1,
            Action::Update => counts.update += 1,
            Action::Delete => counts.delete += 1,
            Action::DeleteThenCreate => counts.delete_then_create += 1,
            Action::CreateThenDelete => counts.create_then_delete += 1,
            Action::Read => counts.read += 1,
            Action::NoOp | Action::Forget => {}
        }
    }
    (out, counts)
}

fn summary_markup(counts: &Counts) -> String {
    let add = counts.create + counts.delete_then_create + counts.create_then_delete;
    let destroy = counts.delete + counts.delete_then_create + counts.create_then_delete;
    if counts.import > 0 {
        format!("[bold]Plan:[reset] {} to import, {add} to add, {} to change, {destroy} to destroy.", counts.import, counts.update)
    } else {
        format!("[bold]Plan:[reset] {add} to add, {} to change, {destroy} to destroy.", counts.update)
    }
}

/// `Plan: 1 to add, 0 to change, 0 to destroy.` (with `N to import, ` when importing), as
/// Terraform 1.11 prints it; it does not count forgotten objects.
pub fn render_summary_line(plan: &Plan) -> String {
    colorize(&summary_markup(&listed_changes(plan).1), false)
}

/// The full human plan text, starting with a newline as Terraform's does (the refresh lines
/// come before it).
pub fn render_plan(plan: &Plan, opts: &TextOptions) -> String {
    let color = opts.color;
    let c = |m: &str| colorize(m, color);
    let mut out = String::new();

    let (changes, counts) = listed_changes(plan);
    let outputs = render_outputs(plan, color);
    let empty = changes.is_empty() && outputs.is_empty();
    let have_drift = render_drift(plan, opts, empty, &mut out);

    if empty {
        if plan.errored {
            if have_drift {
                out.push_str(&horizontal_rule(color));
                out.push('\n');
            }
            out.push_str(&c("\n[reset][bold][red]Planning failed.[reset][bold] infra encountered an error while generating this plan.[reset]\n\n"));
        } else {
            match plan.mode {
                PlanMode::RefreshOnly => {
                    if have_drift {
                        return out;
                    }
                    out.push_str(&c("\n[reset][bold][green]No changes.[reset][bold] Your infrastructure still matches the configuration.[reset]\n\n"));
                    out.push_str(&word_wrap("infra has checked that the real remote objects still match the result of your most recent changes, and found no differences.", DEFAULT_COLUMNS));
                    out.push('\n');
                }
                PlanMode::Destroy => {
                    if have_drift {
                        out.push_str(&horizontal_rule(color));
                        out.push('\n');
                    }
                    out.push_str(&c("\n[reset][bold][green]No changes.[reset][bold] No objects need to be destroyed.[reset]\n\n"));
                    out.push_str(&word_wrap("Either you have not created any objects yet or the existing objects were already deleted outside of infra.", DEFAULT_COLUMNS));
                    out.push('\n');
                }
                PlanMode::Normal => {
                    if have_drift {
                        out.push_str(&horizontal_rule(color));
                        out.push('\n');
                    }
                    out.push_str(&c("\n[reset][bold][green]No changes.[reset][bold] Your infrastructure matches the configuration.[reset]\n\n"));
                    if have_drift {
                        out.push_str(&word_wrap("Your configuration already matches the changes detected above. If you'd like to update the infra state to match, create and apply a refresh-only plan.", DEFAULT_COLUMNS));
                        out.push('\n');
                        return out;
                    }
                    out.push_str(&word_wrap("infra has compared your real infrastructure against your configuration and found no differences, so no changes are needed.", DEFAULT_COLUMNS));
                    out.push('\n');
                }
            }
        }
    }

    if have_drift {
        out.push_str(&horizontal_rule(color));
        out.push('\n');
    }

    if counts.any {
        out.push_str(&word_wrap("\ninfra used the selected providers to generate the following execution plan. Resource actions are indicated with the following symbols:", DEFAULT_COLUMNS));
        out.push('\n');
        let legend = [
            (counts.create, "  [green]+[reset] create"),
            (counts.update, "  [yellow]~[reset] update in-place"),
            (counts.delete, "  [red]-[reset] destroy"),
            (counts.delete_then_create, "[red]-[reset]/[green]+[reset] destroy and then create replacement"),
            (counts.create_then_delete, "[green]+[reset]/[red]-[reset] create replacement and then destroy"),
            (counts.read, " [cyan]<=[reset] read (data resources)"),
        ];
        for (n, line) in legend {
            if n > 0 {
                out.push_str(&c(line));
                out.push('\n');
            }
        }
    }

    if !changes.is_empty() {
        if plan.errored {
            out.push_str("\ninfra planned the following actions, but then encountered a problem:\n");
        } else {
            out.push_str("\ninfra will perform the following actions:\n");
        }
        for rc in &changes {
            out.push('\n');
            out.push_str(&render_resource_change(rc, Cause::Change, opts));
            out.push('\n');
        }
        out.push('\n');
        out.push_str(&c(&summary_markup(&counts)));
        out.push('\n');
    }

    if !outputs.is_empty() {
        out.push_str("\nChanges to Outputs:\n");
        out.push_str(&outputs);
        out.push('\n');
        if !counts.any {
            out.push_str(&word_wrap(
                "\nYou can apply this plan to save these new output values to the infra state, without changing any real infrastructure.",
                DEFAULT_COLUMNS,
            ));
            out.push('\n');
        }
    }
    out
}

fn horizontal_rule(color: bool) -> String {
    let rule = "─".repeat(DEFAULT_COLUMNS - 1);
    colorize(&format!("[dark_gray]\n{rule}"), color)
}

/// "Objects have changed outside of infra": shown in refresh-only mode only. In other modes
/// Terraform shows only drift that is relevant to the planned changes, which needs the
/// attribute references the plan model does not record; infra leaves the section out rather
/// than show unrelated drift.
fn render_drift(plan: &Plan, opts: &TextOptions, plan_empty: bool, out: &mut String) -> bool {
    if plan.mode != PlanMode::RefreshOnly || plan.drift.is_empty() {
        return false;
    }
    let _ = plan_empty;
    let color = opts.color;
    out.push_str(&colorize("\n[bold][cyan]Note:[reset][bold] Objects have changed outside of infra\n", color));
    out.push('\n');
    out.push_str(&word_wrap(
        "infra detected the following changes made outside of infra since the last \"infra apply\" which may have affected this plan:\n",
        DEFAULT_COLUMNS,
    ));
    for rc in sorted_changes(&plan.drift) {
        let moved = rc.prev_addr.as_ref().is_some_and(|p| p != &rc.addr);
        if rc.action == Action::NoOp && !moved && rc.importing.is_none() {
            continue;
        }
        out.push('\n');
        out.push_str(&render_resource_change(rc, Cause::Drift, opts));
        out.push('\n');
    }
    out.push_str(&word_wrap(
        "\n\nThis is a refresh-only plan, so infra will not take any actions to undo these. If you were expecting these changes then you can apply this plan to record the updated values in the infra state without changing any remote objects.",
        DEFAULT_COLUMNS,
    ));
    out.push('\n');
    true
}

/// The `Changes to Outputs:` lines (without heading); empty when no output changes.
fn render_outputs(plan: &Plan, color: bool) -> String {
    let mut outs: Vec<_> = plan.outputs.iter().collect();
    outs.sort_by(|a, b| a.name.cmp(&b.name));
    let width = outs.iter().map(|o| attribute_name(&o.name).len()).max().unwrap_or(0);
    let o = Opts { color, ..Opts::default() };
    let mut lines = Vec::new();
    for oc in outs {
        let cj = output_change_json(oc);
        let change = Change::new(cj.before, cj.after, cj.after_unknown, cj.before_sensitive, cj.after_sensitive, Matcher::from_json(&Json::Null));
        let d = diff_output(&change);
        if d.action == Action::NoOp {
            continue;
        }
        lines.push(format!("{} {:<width$} = {}", colorize(action_symbol(d.action), color), attribute_name(&oc.name), d.render(0, o)));
    }
    lines.join("\n")
}

/// The schema of a change's resource type, or one synthesized from its values.
fn schema_for(rc: &ResourceChange, opts: &TextOptions, before: &Json, after: &Json) -> BlockSchema {
    let r = &rc.addr.resource.resource;
    let found = opts.schemas.and_then(|lookup| lookup(r.mode, &r.ty)).and_then(|(ps, _): (Arc<_>, _)| {
        let rs = match r.mode {
            Mode::Managed => ps.resources.get(&r.ty),
            Mode::Data => ps.data_sources.get(&r.ty),
        };
        rs.map(|rs| BlockSchema::from_sdk(&rs.block))
    });
    found.unwrap_or_else(|| BlockSchema::synthesized(before, after))
}

/// Adds the sensitive mark to attributes the schema declares sensitive (Terraform merges the
/// schema's sensitive paths into the change's).
fn mark_schema_sensitive(v: &Value, schema: &BlockSchema) -> Value {
    let Kind::Object(m) = v.kind() else { return v.clone() };
    let mut changed = false;
    let mut out = (**m).clone();
    for (name, a) in &schema.attrs {
        if a.sensitive {
            if let Some(x) = out.get_mut(name) {
                if !x.is_sensitive() {
                    *x = x.clone().mark(Marks::SENSITIVE);
                    changed = true;
                }
            }
        }
    }
    if !changed {
        return v.clone();
    }
    Value::object(out).mark(v.marks())
}

fn resource_diff(rc: &ResourceChange, opts: &TextOptions) -> Diff {
    let probe = resource_change_json(rc);
    let schema = schema_for(rc, opts, &probe.before, &probe.after);
    let cj = if schema.attrs.values().any(|a| a.sensitive) {
        let mut marked = rc.clone();
        marked.before = mark_schema_sensitive(&rc.before, &schema);
        marked.after = mark_schema_sensitive(&rc.after, &schema);
        resource_change_json(&marked)
    } else {
        probe
    };
    let mut change = Change::new(cj.before, cj.after, cj.after_unknown, cj.before_sensitive, cj.after_sensitive, Matcher::from_json(&cj.replace_paths));
    if rc.action == Action::Forget {
        change = change.as_no_op();
    }
    diff_block(&change, &schema)
}

fn render_resource_change(rc: &ResourceChange, cause: Cause, opts: &TextOptions) -> String {
    let d = resource_diff(rc, opts);
    let mut o = Opts { color: opts.color, ..Opts::default() };
    o.show_unchanged_children = rc.importing.is_some();
    let r = &rc.addr.resource.resource;
    let mode = if r.mode == Mode::Managed { "resource" } else { "data" };
    format!(
        "{}{} {mode} \"{}\" \"{}\" {}",
        resource_comment(rc, cause, opts.color),
        colorize(action_symbol(rc.action), opts.color),
        r.ty,
        r.name,
        d.render(0, o)
    )
}

/// Fills `%s` placeholders of colour markup with plain (never colour-interpreted) text.
fn fill(markup: &str, color: bool, args: &[&str]) -> String {
    let painted = colorize(&markup.replace("%s", "\u{1}"), color);
    let mut out = String::with_capacity(painted.len() + 32);
    let mut args = args.iter();
    for ch in painted.chars() {
        if ch == '\u{1}' {
            out.push_str(args.next().copied().unwrap_or(""));
        } else {
            out.push(ch);
        }
    }
    out
}

fn index_json(key: &Option<InstanceKey>) -> String {
    match key {
        None => String::new(),
        Some(InstanceKey::Int(i)) => i.to_string(),
        Some(InstanceKey::Str(s)) => serde_json::to_string(s).unwrap_or_default(),
    }
}

/// `resourceChangeComment`: the `# address will be …` lines above a resource block.
fn resource_comment(rc: &ResourceChange, cause: Cause, color: bool) -> String {
    let addr = rc.addr.to_string();
    let prev = rc.prev_addr.as_ref().filter(|p| **p != rc.addr).map(ToString::to_string);
    let mut buf = String::new();
    let mut printed_moved = false;
    let mut printed_imported = false;
    let a = addr.as_str();
    match rc.action {
        Action::Create => buf.push_str(&fill("[bold]  # %s[reset] will be created", color, &[a])),
        Action::Read => {
            buf.push_str(&fill("[bold]  # %s[reset] will be read during apply", color, &[a]));
            match rc.reason {
                ActionReason::ReadBecauseConfigUnknown => buf.push_str("\n  # (config refers to values not yet known)"),
                ActionReason::ReadBecauseDependencyPending => buf.push_str("\n  # (depends on a resource or a module with changes pending)"),
                _ => {}
            }
        }
        Action::Update => match cause {
            Cause::Change => buf.push_str(&fill("[bold]  # %s[reset] will be updated in-place", color, &[a])),
            Cause::Drift => buf.push_str(&fill("[bold]  # %s[reset] has changed", color, &[a])),
        },
        Action::CreateThenDelete | Action::DeleteThenCreate => buf.push_str(&fill(
            match rc.reason {
                ActionReason::ReplaceBecauseTainted => "[bold]  # %s[reset] is tainted, so must be [bold][red]replaced[reset]",
                ActionReason::ReplaceByRequest => "[bold]  # %s[reset] will be [bold][red]replaced[reset], as requested",
                ActionReason::ReplaceByTriggers => "[bold]  # %s[reset] will be [bold][red]replaced[reset] due to changes in replace_triggered_by",
                _ => "[bold]  # %s[reset] must be [bold][red]replaced[reset]",
            },
            color,
            &[a],
        )),
        Action::Forget => {
            buf.push_str(&fill("[bold] # %s[reset] will no longer be managed by Terraform, but [bold][red]will not be destroyed[reset]", color, &[a]));
            buf.push_str("\n # (destroy = false is set in the configuration)");
        }
        Action::Delete => {
            match cause {
                Cause::Change => buf.push_str(&fill("[bold]  # %s[reset] will be [bold][red]destroyed[reset]", color, &[a])),
                Cause::Drift => buf.push_str(&fill("[bold]  # %s[reset] has been deleted", color, &[a])),
            }
            let r = &rc.addr.resource.resource;
            match rc.reason {
                ActionReason::DeleteBecauseNoResourceConfig => {
                    buf.push_str(&format!("\n  # (because {}.{} is not in configuration)", r.ty, r.name))
                }
                ActionReason::DeleteBecauseNoMoveTarget => {
                    buf.push_str(&format!("\n  # (because {} was moved to {addr}, which is not in configuration)", prev.as_deref().unwrap_or("")))
                }
                ActionReason::DeleteBecauseNoModule => {
                    buf.push_str(&format!("\n  # (because {} is not in configuration)", rc.addr.resource.module))
                }
                ActionReason::DeleteBecauseWrongRepetition => buf.push_str(match &rc.addr.key {
                    None => "\n  # (because resource uses count or for_each)",
                    Some(InstanceKey::Int(_)) => "\n  # (because resource does not use count)",
                    Some(InstanceKey::Str(_)) => "\n  # (because resource does not use for_each)",
                }),
                ActionReason::DeleteBecauseCountIndex => {
                    buf.push_str(&format!("\n  # (because index [{}] is out of range for count)", index_json(&rc.addr.key)))
                }
                ActionReason::DeleteBecauseEachKey => {
                    buf.push_str(&format!("\n  # (because key [{}] is not in for_each map)", index_json(&rc.addr.key)))
                }
                _ => {}
            }
        }
        Action::NoOp => {
            if let Some(p) = &prev {
                buf.push_str(&fill("[bold]  # %s[reset] has moved to [bold]%s[reset]", color, &[p, a]));
                printed_moved = true;
            } else if rc.importing.is_some() {
                buf.push_str(&fill("[bold]  # %s[reset] will be imported", color, &[a]));
                printed_imported = true;
            } else {
                buf.push_str(&format!("{addr} has an action the plan renderer doesn't support (this is a bug)"));
            }
        }
    }
    buf.push('\n');
    if let (Some(p), false) = (&prev, printed_moved) {
        buf.push_str(&fill("  # [reset](moved from %s)\n", color, &[p]));
    }
    if let (Some(id), false) = (&rc.importing, printed_imported) {
        if id.is_empty() {
            buf.push_str(&fill("  # [reset](will be imported first)\n", color, &[]));
        } else {
            buf.push_str(&fill("  # [reset](imported from \"%s\")\n", color, &[id]));
        }
    }
    if rc.importing.is_some() && rc.action.is_replace() {
        buf.push_str(&colorize("  # [reset][yellow]Warning: this will destroy the imported resource[reset]\n", color));
    }
    buf
}
