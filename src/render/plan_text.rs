//! The human-readable plan, as `terraform plan` prints it (hashicorp/terraform
//! `internal/command/jsonformat/plan.go`). Everything from the first resource block to the
//! summary line is Terraform's exact text; the introductory and "no changes" sentences name
//! infra instead of Terraform.

use std::collections::HashMap;
use std::sync::Arc;

use infra_engine::config::Mode;
use infra_engine::plan::{Action, ActionReason, Plan, PlanMode, ResourceChange};
use infra_engine::state_bridge::SchemaLookup;
use infra_state::InstanceKey;
use infra_value::value::Kind;
use infra_value::{Marks, Value};

use super::diff::{action_symbol, attribute_name, diff_block, diff_output, painted_symbol, BlockSchema, Change, Matcher, Opts};
use super::plan_json::{replace_paths_json, sorted_changes};
use super::text::{colorize, paint_into, word_wrap, DEFAULT_COLUMNS, RESET};
use super::view::{Flags, Val};

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

#[cfg(test)]
impl<'a> TextOptions<'a> {
    /// Options without schemas (every command passes the providers' schemas).
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
#[cfg(test)]
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
    let blocks = BlockRenderer::new(plan.changes.iter().chain(&plan.drift), opts);
    let threads = render_threads(changes.len());
    let have_drift = render_drift(plan, &blocks, &mut out);

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
        blocks.render_all(&changes, Cause::Change, threads, &mut out);
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
fn render_drift(plan: &Plan, blocks: &BlockRenderer, out: &mut String) -> bool {
    if plan.mode != PlanMode::RefreshOnly || plan.drift.is_empty() {
        return false;
    }
    let color = blocks.color;
    out.push_str(&colorize("\n[bold][cyan]Note:[reset][bold] Objects have changed outside of infra\n", color));
    out.push('\n');
    out.push_str(&word_wrap(
        "infra detected the following changes made outside of infra since the last \"infra apply\" which may have affected this plan:\n",
        DEFAULT_COLUMNS,
    ));
    let drift: Vec<&ResourceChange> = sorted_changes(&plan.drift)
        .into_iter()
        .filter(|rc| rc.action != Action::NoOp || rc.prev_addr.as_ref().is_some_and(|p| p != &rc.addr) || rc.importing.is_some())
        .collect();
    blocks.render_all(&drift, Cause::Drift, render_threads(drift.len()), out);
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
        // An output whose planned value is known and identical to its prior one renders no
        // line whatever its sensitivity (one flag for both sides): skip building its diff,
        // which for a large aggregate output was most of rendering a no-change plan.
        if let (Some(before), Some(after)) = (&oc.before, &oc.after) {
            if after.is_wholly_known() && before.raw_equals(after) {
                continue;
            }
        }
        // `MarshalOutputChanges`: sensitivity is one flag for the whole value.
        let deep_sensitive = |v: &Option<Value>| v.as_ref().is_some_and(|v| v.deep_marks().contains(Marks::SENSITIVE));
        let sensitive = if oc.sensitive || deep_sensitive(&oc.before) || deep_sensitive(&oc.after) { Flags::True } else { Flags::False };
        let change = Change::new(
            oc.before.as_ref().map_or(Val::Null, Val::of),
            oc.after.as_ref().map_or(Val::Null, Val::of),
            oc.after.as_ref().map_or(Flags::False, Flags::unknown_of),
            sensitive,
            sensitive,
            Matcher::empty(),
        );
        let d = diff_output(&change);
        if d.action == Action::NoOp {
            continue;
        }
        lines.push(format!("{} {:<width$} = {}", colorize(action_symbol(d.action), color), attribute_name(&oc.name), d.render(0, o)));
    }
    lines.join("\n")
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

/// Fewer resource blocks than this are rendered on the calling thread: for a handful of
/// blocks, starting threads costs more than it saves.
const PARALLEL_MIN_BLOCKS: usize = 64;

/// How many threads render `blocks` resource blocks: one per core once there are enough.
fn render_threads(blocks: usize) -> usize {
    if blocks < PARALLEL_MIN_BLOCKS {
        return 1;
    }
    infra_engine::par::cores()
}

/// Renders resource blocks. Holds what every block of a plan shares, built once on the calling
/// thread: the colour setting and the differ's view of each provider-described resource type
/// (it used to be converted again for every resource). It is `Sync`, unlike
/// [`TextOptions`] (whose schema lookup need not be), so blocks can be rendered on several
/// threads.
struct BlockRenderer<'p> {
    color: bool,
    /// By mode and type; `None` for a type no provider describes.
    provided: HashMap<(Mode, &'p str), Option<BlockSchema>>,
}

/// Schemas synthesized from values, per resource type, reused while the next resource of the
/// type has the same attributes (one per rendering thread).
#[derive(Default)]
struct SynthesizedSchemas<'p> {
    by_type: HashMap<&'p str, BlockSchema>,
}

impl<'p> SynthesizedSchemas<'p> {
    fn get(&mut self, ty: &'p str, change: &Change<'_>) -> &BlockSchema {
        use std::collections::hash_map::Entry;
        match self.by_type.entry(ty) {
            Entry::Occupied(e) => {
                let schema = e.into_mut();
                if !schema.synthesized_fits(change) {
                    *schema = BlockSchema::synthesized(change);
                }
                schema
            }
            Entry::Vacant(e) => e.insert(BlockSchema::synthesized(change)),
        }
    }
}

impl<'p> BlockRenderer<'p> {
    fn new(changes: impl IntoIterator<Item = &'p ResourceChange>, opts: &TextOptions) -> BlockRenderer<'p> {
        let mut provided = HashMap::new();
        if let Some(lookup) = opts.schemas {
            for rc in changes {
                let r = &rc.addr.resource.resource;
                provided.entry((r.mode, r.ty.as_str())).or_insert_with(|| {
                    lookup(r.mode, &r.ty).and_then(|(ps, _): (Arc<_>, _)| {
                        let rs = match r.mode {
                            Mode::Managed => ps.resources.get(&r.ty),
                            Mode::Data => ps.data_sources.get(&r.ty),
                        };
                        rs.map(|rs| BlockSchema::from_sdk(&rs.block))
                    })
                });
            }
        }
        BlockRenderer { color: opts.color, provided }
    }

    /// Appends each change's block, each between newlines, in order, on `threads` threads.
    fn render_all(&self, changes: &[&'p ResourceChange], cause: Cause, threads: usize, out: &mut String) {
        let parts = infra_engine::par::map_chunks(changes, threads, |chunk| {
            let mut synthesized = SynthesizedSchemas::default();
            let mut text = String::with_capacity(chunk.len() * 512);
            for rc in chunk {
                text.push('\n');
                self.render_to(&mut text, rc, cause, &mut synthesized);
                text.push('\n');
            }
            text
        });
        out.reserve(parts.iter().map(String::len).sum());
        for part in &parts {
            out.push_str(part);
        }
    }

    /// One block per `(change, drift)`, in order, on `threads` threads.
    fn render_each(&self, changes: &[(&'p ResourceChange, bool)], threads: usize) -> Vec<String> {
        infra_engine::par::map_chunks(changes, threads, |chunk| {
            let mut synthesized = SynthesizedSchemas::default();
            chunk
                .iter()
                .map(|(rc, drift)| {
                    let mut text = String::new();
                    self.render_to(&mut text, rc, if *drift { Cause::Drift } else { Cause::Change }, &mut synthesized);
                    text
                })
                .collect::<Vec<_>>()
        })
        .into_iter()
        .flatten()
        .collect()
    }

    /// One resource's block (comment lines, header and attributes).
    fn render_to(&self, out: &mut String, rc: &'p ResourceChange, cause: Cause, synthesized: &mut SynthesizedSchemas<'p>) {
        let r = &rc.addr.resource.resource;
        // The differ reads Terraform's JSON change representation through borrowed views of
        // the values (`view.rs`); only the replace paths are encoded, and only when present.
        let replace_paths = replace_paths_json(rc);
        let probe = Change::of_values(&rc.before, &rc.after, Matcher::from_json(&replace_paths));
        let provided = if self.provided.is_empty() { None } else { self.provided.get(&(r.mode, r.ty.as_str())) };
        let schema = match provided {
            Some(Some(schema)) => schema,
            _ => synthesized.get(&r.ty, &probe),
        };
        let (marked_before, marked_after);
        let mut change = if schema.any_sensitive {
            marked_before = mark_schema_sensitive(&rc.before, schema);
            marked_after = mark_schema_sensitive(&rc.after, schema);
            Change::of_values(&marked_before, &marked_after, Matcher::from_json(&replace_paths))
        } else {
            probe
        };
        if rc.action == Action::Forget {
            change = change.as_no_op();
        }
        let d = diff_block(&change, schema);
        let o = Opts { color: self.color, show_unchanged_children: rc.importing.is_some(), ..Opts::default() };
        resource_comment(out, rc, cause, self.color);
        out.push_str(painted_symbol(rc.action, self.color));
        out.push_str(if r.mode == Mode::Managed { " resource \"" } else { " data \"" });
        out.push_str(&r.ty);
        out.push_str("\" \"");
        out.push_str(&r.name);
        out.push_str("\" ");
        d.render_to(out, 0, o);
    }
}

/// Each resource's block (comment lines, header and attributes), as in the plan, for
/// `(change, drift)` pairs; `drift` renders it as a change detected during refresh ("has
/// changed"). Many blocks are rendered on several threads.
pub(crate) fn render_resource_blocks(changes: &[(&ResourceChange, bool)], opts: &TextOptions) -> Vec<String> {
    let renderer = BlockRenderer::new(changes.iter().map(|(rc, _)| *rc), opts);
    renderer.render_each(changes, render_threads(changes.len()))
}

/// Appends colour markup with its `%s` placeholders filled by plain (never colour-interpreted)
/// text: `colorize` of the whole, without building the painted template first.
///
/// The templates are the few constants of [`resource_comment`], filled once per resource:
/// each is painted once per thread and colour setting (painting scans the markup), then
/// reused.
fn fill(buf: &mut String, markup: &'static str, color: bool, args: &[&str]) {
    use std::cell::RefCell;
    use std::rc::Rc;
    thread_local! {
        /// Painted pieces (between the `%s`, the reset included), by template address, length
        /// and colour setting: templates are `'static` constants, so the address names one.
        static PAINTED: RefCell<Vec<((usize, usize, bool), Rc<[String]>)>> = const { RefCell::new(Vec::new()) };
    }
    // Address and length: equal keys are the same bytes (literals may share storage).
    let key = (markup.as_ptr() as usize, markup.len(), color);
    let pieces = PAINTED.with(|cache| {
        let mut cache = cache.borrow_mut();
        if let Some((_, pieces)) = cache.iter().find(|(k, _)| *k == key) {
            return pieces.clone();
        }
        let mut pieces: Vec<String> = markup
            .split("%s")
            .map(|piece| {
                // No colour code contains `%s`, so painting the pieces apart expands the same codes.
                let mut painted = String::new();
                paint_into(&mut painted, piece, color);
                painted
            })
            .collect();
        if color {
            if let Some(last) = pieces.last_mut() {
                last.push_str(RESET);
            }
        }
        let pieces: Rc<[String]> = pieces.into();
        cache.push((key, pieces.clone()));
        pieces
    });
    let mut args = args.iter();
    for (i, piece) in pieces.iter().enumerate() {
        if i > 0 {
            buf.push_str(args.next().copied().unwrap_or(""));
        }
        buf.push_str(piece);
    }
}

fn index_json(key: &Option<InstanceKey>) -> String {
    match key {
        None => String::new(),
        Some(InstanceKey::Int(i)) => i.to_string(),
        Some(InstanceKey::Str(s)) => serde_json::to_string(s).unwrap_or_default(),
    }
}

/// `resourceChangeComment`: the `# address will be …` lines above a resource block.
fn resource_comment(buf: &mut String, rc: &ResourceChange, cause: Cause, color: bool) {
    // Written into a buffer with room for a typical address: `to_string` grows from empty,
    // reallocating several times, once per planned instance.
    let mut addr = String::with_capacity(64);
    let _ = std::fmt::Write::write_fmt(&mut addr, format_args!("{}", rc.addr));
    let prev = rc.prev_addr.as_ref().filter(|p| **p != rc.addr).map(ToString::to_string);
    let mut printed_moved = false;
    let mut printed_imported = false;
    let a = addr.as_str();
    match rc.action {
        Action::Create => fill(buf, "[bold]  # %s[reset] will be created", color, &[a]),
        Action::Read => {
            fill(buf, "[bold]  # %s[reset] will be read during apply", color, &[a]);
            match rc.reason {
                ActionReason::ReadBecauseConfigUnknown => buf.push_str("\n  # (config refers to values not yet known)"),
                ActionReason::ReadBecauseDependencyPending => buf.push_str("\n  # (depends on a resource or a module with changes pending)"),
                _ => {}
            }
        }
        Action::Update => match cause {
            Cause::Change => fill(buf, "[bold]  # %s[reset] will be updated in-place", color, &[a]),
            Cause::Drift => fill(buf, "[bold]  # %s[reset] has changed", color, &[a]),
        },
        Action::CreateThenDelete | Action::DeleteThenCreate => fill(
            buf,
            match rc.reason {
                ActionReason::ReplaceBecauseTainted => "[bold]  # %s[reset] is tainted, so must be [bold][red]replaced[reset]",
                ActionReason::ReplaceByRequest => "[bold]  # %s[reset] will be [bold][red]replaced[reset], as requested",
                ActionReason::ReplaceByTriggers => "[bold]  # %s[reset] will be [bold][red]replaced[reset] due to changes in replace_triggered_by",
                _ => "[bold]  # %s[reset] must be [bold][red]replaced[reset]",
            },
            color,
            &[a],
        ),
        Action::Forget => {
            fill(buf, "[bold] # %s[reset] will no longer be managed by Terraform, but [bold][red]will not be destroyed[reset]", color, &[a]);
            buf.push_str("\n # (destroy = false is set in the configuration)");
        }
        Action::Delete => {
            match cause {
                Cause::Change => fill(buf, "[bold]  # %s[reset] will be [bold][red]destroyed[reset]", color, &[a]),
                Cause::Drift => fill(buf, "[bold]  # %s[reset] has been deleted", color, &[a]),
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
                fill(buf, "[bold]  # %s[reset] has moved to [bold]%s[reset]", color, &[p, a]);
                printed_moved = true;
            } else if rc.importing.is_some() {
                fill(buf, "[bold]  # %s[reset] will be imported", color, &[a]);
                printed_imported = true;
            } else {
                buf.push_str(&format!("{addr} has an action the plan renderer doesn't support (this is a bug)"));
            }
        }
    }
    buf.push('\n');
    if let (Some(p), false) = (&prev, printed_moved) {
        fill(buf, "  # [reset](moved from %s)\n", color, &[p]);
    }
    if let (Some(id), false) = (&rc.importing, printed_imported) {
        if id.is_empty() {
            fill(buf, "  # [reset](will be imported first)\n", color, &[]);
        } else {
            fill(buf, "  # [reset](imported from \"%s\")\n", color, &[id]);
        }
    }
    if rc.importing.is_some() && rc.action.is_replace() {
        buf.push_str(&colorize("  # [reset][yellow]Warning: this will destroy the imported resource[reset]\n", color));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use infra_engine::addrs::{parse_address, AbsResource};
    use infra_engine::plan::OutputChange;
    use infra_value::{AttrPath, Type};

    // ----- builders -----

    fn s(x: &str) -> Value {
        Value::string(x)
    }
    fn n(i: i64) -> Value {
        Value::from_i64(i)
    }
    fn obj(pairs: &[(&str, Value)]) -> Value {
        Value::object(pairs.iter().map(|(k, v)| (k.to_string(), v.clone())).collect())
    }
    fn tuple(v: Vec<Value>) -> Value {
        Value::tuple(v)
    }
    fn unk() -> Value {
        Value::dynamic_unknown()
    }
    fn null() -> Value {
        Value::dynamic_null()
    }
    /// A `terraform_data` object.
    fn td(id: Value, input: Value, output: Value, triggers: Value) -> Value {
        obj(&[("id", id), ("input", input), ("output", output), ("triggers_replace", triggers)])
    }
    fn addr(a: &str) -> infra_engine::addrs::ResourceInstance {
        let (module, res, key) = parse_address(a).expect("test address");
        AbsResource { module, resource: res.expect("resource address") }.instance(key)
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
            requires_replace: Vec::new(),
            importing: None,
            private: Vec::new(),
            schema_known: true,
        }
    }
    fn output(name: &str, action: Action, before: Option<Value>, after: Option<Value>) -> OutputChange {
        OutputChange { name: name.into(), action, before, after, sensitive: false }
    }
    fn plan(changes: Vec<ResourceChange>, outputs: Vec<OutputChange>) -> Plan {
        Plan { changes, outputs, ..Plan::default() }
    }
    fn render(p: &Plan) -> String {
        render_plan(p, &TextOptions::new(false))
    }

    /// The part of a plan text the corpus harness compares: from the first resource comment to
    /// the end, without trailing warnings.
    fn body(text: &str) -> String {
        let start = text.find("\n  # ").or_else(|| text.find("\n # ")).map_or(0, |i| i + 1);
        let end = text.find("\nWarning:").unwrap_or(text.len());
        text[start..end].to_string()
    }

    // ----- goldens from tests/corpus (recorded with terraform 1.11.4) -----

    #[test]
    fn golden_count_shrink_delete_with_reason_and_list_output() {
        let worker2 = obj(&[("name", s("worker-2")), ("slot", n(20))]);
        let mut del = change(
            "terraform_data.worker[2]",
            Action::Delete,
            td(s("db688641-bb18-52ca-bd48-7b6d9ef0a805"), worker2.clone(), worker2, null()),
            null(),
        );
        del.reason = ActionReason::DeleteBecauseCountIndex;
        let p = plan(
            vec![del],
            vec![output(
                "workers",
                Action::Update,
                Some(tuple(vec![s("worker-0"), s("worker-1"), s("worker-2")])),
                Some(tuple(vec![s("worker-0"), s("worker-1")])),
            )],
        );
        let golden = include_str!("../../tests/corpus/steps/count_shrink_grow/golden/v2.plan.txt");
        assert_eq!(body(&render(&p)), body(golden));
        assert!(render(&p).contains("\n  - destroy\n"));
    }

    #[test]
    fn golden_count_grow_creates_with_unknowns() {
        let mk = |i: i64| {
            let input = obj(&[("name", s(&format!("worker-{i}"))), ("slot", n(i * 10))]);
            change(&format!("terraform_data.worker[{i}]"), Action::Create, null(), td(unk(), input, unk(), null()))
        };
        let p = plan(
            vec![mk(2), mk(3), mk(4)],
            vec![output(
                "workers",
                Action::Update,
                Some(tuple(vec![s("worker-0"), s("worker-1")])),
                Some(tuple(vec![s("worker-0"), s("worker-1"), unk(), unk(), unk()])),
            )],
        );
        let golden = include_str!("../../tests/corpus/steps/count_shrink_grow/golden/v3.plan.txt");
        assert_eq!(body(&render(&p)), body(golden));
    }

    #[test]
    fn golden_for_each_key_changes() {
        let bucket = |name: &str, retention: i64, versioning: bool| {
            obj(&[("name", s(name)), ("retention", n(retention)), ("versioning", Value::bool(versioning))])
        };
        let artifacts = bucket("acme-artifacts", 90, true);
        let logs_before = bucket("acme-logs", 30, false);
        let mut del = change(
            "terraform_data.bucket[\"artifacts\"]",
            Action::Delete,
            td(s("fe5f00b6-e653-54ff-90da-ebedae42ab00"), artifacts.clone(), artifacts, null()),
            null(),
        );
        del.reason = ActionReason::DeleteBecauseEachKey;
        let id = s("7ffcf4e1-ea2d-5e18-bd11-ca345880eddb");
        let upd = change(
            "terraform_data.bucket[\"logs\"]",
            Action::Update,
            td(id.clone(), logs_before.clone(), logs_before, null()),
            td(id, bucket("acme-logs", 14, false), unk(), null()),
        );
        let create = change("terraform_data.bucket[\"reports\"]", Action::Create, null(), td(unk(), bucket("acme-reports", 30, false), unk(), null()));
        let p = plan(
            vec![create, upd, del],
            vec![output(
                "bucket_names",
                Action::Update,
                Some(tuple(vec![s("acme-artifacts"), s("acme-backups"), s("acme-logs")])),
                Some(tuple(vec![unk(), unk(), unk()])),
            )],
        );
        let text = render(&p);
        let golden = include_str!("../../tests/corpus/steps/for_each_key_changes/golden/v2.plan.txt");
        assert_eq!(body(&text), body(golden));
        // The legend lists exactly the actions present, in Terraform's order.
        assert!(text.contains("symbols:\n  + create\n  ~ update in-place\n  - destroy\n\n"));
    }

    #[test]
    fn golden_update_in_place_nested_map_and_list() {
        let before_input = obj(&[
            ("env", obj(&[("LOG_LEVEL", s("info")), ("REGION", s("eu-west-1"))])),
            ("image", s("registry.example.com/billing:1.4.0")),
            ("ports", tuple(vec![n(8080)])),
            ("replicas", n(2)),
        ]);
        let after_input = obj(&[
            ("env", obj(&[("FEATURE_X", s("on")), ("LOG_LEVEL", s("debug")), ("REGION", s("eu-west-1"))])),
            ("image", s("registry.example.com/billing:1.5.0")),
            ("ports", tuple(vec![n(8080), n(9090)])),
            ("replicas", n(3)),
        ]);
        let id = s("2bb597a1-8a76-57d0-8ceb-708660b091c0");
        let upd = change(
            "terraform_data.deployment",
            Action::Update,
            td(id.clone(), before_input.clone(), before_input, null()),
            td(id, after_input, unk(), null()),
        );
        let unchanged_v = td(s("dbad28ff-73af-5bb2-8f87-533c66ae9ac1"), s("static-config"), s("static-config"), null());
        let noop = change("terraform_data.unchanged", Action::NoOp, unchanged_v.clone(), unchanged_v);
        let p = plan(
            vec![upd, noop],
            vec![
                output("image", Action::Update, Some(s("registry.example.com/billing:1.4.0")), Some(unk())),
                output("replicas", Action::Create, None, Some(unk())),
            ],
        );
        let golden = include_str!("../../tests/corpus/steps/update_in_place/golden/v2.plan.txt");
        assert_eq!(body(&render(&p)), body(golden));
    }

    #[test]
    fn golden_replacements_with_forces_replacement() {
        let id1 = s("d8d57c38-8fa8-5c16-85f6-2479461a8b92");
        let mut ami = change(
            "terraform_data.ami_build",
            Action::DeleteThenCreate,
            td(
                id1,
                s("ami-build-2024-01"),
                s("ami-build-2024-01"),
                obj(&[("base_image", s("ubuntu-22.04")), ("packer_rev", n(3))]),
            ),
            td(unk(), s("ami-build-2024-01"), unk(), obj(&[("base_image", s("ubuntu-24.04")), ("packer_rev", n(3))])),
        );
        ami.reason = ActionReason::ReplaceBecauseCannotUpdate;
        ami.requires_replace = vec![AttrPath::attr("triggers_replace")];
        let mut inst = change(
            "terraform_data.instance",
            Action::DeleteThenCreate,
            td(s("a8fb19d2-4b66-53fb-a5bb-cb46471eafd5"), s("web-server"), s("web-server"), s("ami-build-2024-01")),
            td(unk(), s("web-server"), unk(), unk()),
        );
        inst.reason = ActionReason::ReplaceBecauseCannotUpdate;
        inst.requires_replace = vec![AttrPath::attr("triggers_replace")];
        let p = plan(vec![inst, ami], vec![output("build", Action::Update, Some(s("ami-build-2024-01")), Some(unk()))]);
        let text = render(&p);
        let golden = include_str!("../../tests/corpus/steps/replace_triggers/golden/v2.plan.txt");
        assert_eq!(body(&text), body(golden));
        assert!(text.contains("\n-/+ destroy and then create replacement\n"));
    }

    #[test]
    fn golden_create_before_destroy_symbol() {
        let mk = |a: &str, id: &str, out: &str, t1: &str, t2: &str, action: Action| {
            let mut c = change(a, action, td(s(id), s(out), s(out), s(t1)), td(unk(), s(out), unk(), s(t2)));
            c.reason = ActionReason::ReplaceBecauseCannotUpdate;
            c
        };
        let p = plan(
            vec![
                mk("terraform_data.certificate", "8aa17382-91b8-551a-bc93-3ab654e1f748", "api.example.com", "cert-2024.1", "cert-2024.2", Action::CreateThenDelete),
                mk("terraform_data.worker", "48db485f-42c6-5373-aa4e-5b227fffc9ff", "worker", "worker-2024.1", "worker-2024.2", Action::DeleteThenCreate),
            ],
            vec![output("domain", Action::Update, Some(s("api.example.com")), Some(unk()))],
        );
        let text = render(&p);
        let golden = include_str!("../../tests/corpus/steps/create_before_destroy/golden/v2.plan.txt");
        assert_eq!(body(&text), body(golden));
        assert!(text.contains("-/+ destroy and then create replacement\n+/- create replacement and then destroy\n"));
    }

    #[test]
    fn golden_heredocs_create() {
        let unit = "[Unit]\nDescription=Billing service\n  After=network.target\n\n[Service]\nExecStart=/usr/local/bin/billing --port=9000\n";
        let c = change("terraform_data.unit", Action::Create, null(), td(unk(), s(unit), unk(), null()));
        let p = plan(
            vec![c],
            vec![
                output("empty_lines", Action::Create, None, Some(s("\n\n  two leading spaces kept relative\n\n"))),
                output("indented", Action::Create, None, Some(unk())),
                output("json_doc_port", Action::Create, None, Some(n(9000))),
                output("line_count", Action::Create, None, Some(n(6))),
                output("literal_dollar", Action::Create, None, Some(s("echo \"${HOME}\" and $PATH\n"))),
                output(
                    "plain",
                    Action::Create,
                    None,
                    Some(s("server {\n  listen 9000;\n  server_name billing.example.com;\n}\n")),
                ),
                output(
                    "with_directives",
                    Action::Create,
                    None,
                    Some(s("dev: https://billing.dev.example.com\n    staging: https://billing.staging.example.com\n    prod: https://billing.prod.example.com\n")),
                ),
            ],
        );
        let golden = include_str!("../../tests/corpus/valid/heredocs/golden/plan.txt");
        assert_eq!(body(&render(&p)), body(golden));
    }

    #[test]
    fn golden_sensitive_values() {
        let db_input = obj(&[("host", s("db.internal")), ("password", s("hunter2").mark_sensitive()), ("user", s("orders_app"))]);
        let p = plan(
            vec![
                change("terraform_data.database", Action::Create, null(), td(unk(), db_input, unk(), null())),
                change("terraform_data.token", Action::Create, null(), td(unk(), s("tok-123").mark_sensitive(), unk(), null())),
            ],
            vec![
                output(
                    "checks",
                    Action::Create,
                    None,
                    Some(obj(&[
                        ("conn_is_sensitive", Value::bool(true)),
                        ("hash_is_sensitive", Value::bool(false)),
                        ("length_of_sensitive_str", Value::bool(true)),
                        ("literal_sensitive", Value::bool(true)),
                        ("password_is_sensitive", Value::bool(true)),
                        ("user_is_sensitive", Value::bool(false)),
                    ])),
                ),
                OutputChange { sensitive: true, ..output("connection_string", Action::Create, None, Some(s("postgres://secret"))) },
                OutputChange { sensitive: true, ..output("database", Action::Create, None, Some(unk())) },
                output("database_user", Action::Create, None, Some(unk())),
                output("password_hash", Action::Create, None, Some(s("87cbebfeebc05f7c54ac9336c4b4bbec831227a641951a4bde7edd56020f8590"))),
                output("revealed_user", Action::Create, None, Some(s("orders_app"))),
                OutputChange { sensitive: true, ..output("token_length", Action::Create, None, Some(n(7))) },
            ],
        );
        let text = render(&p);
        let golden = include_str!("../../tests/corpus/valid/functions_sensitive/golden/plan.txt");
        assert_eq!(body(&text), body(golden));
        for secret in ["hunter2", "tok-123", "postgres://secret"] {
            assert!(!text.contains(secret), "{secret} leaked");
        }
    }

    #[test]
    fn golden_forget_and_deletes() {
        let legacy = td(s("f59b01f8-a633-5838-be04-b39b3f42ef9b"), s("legacy"), s("legacy"), null());
        let forget = change("terraform_data.legacy_queue", Action::Forget, legacy, null());
        let mut orders = change(
            "terraform_data.queue[\"orders\"]",
            Action::Delete,
            td(s("649c4430-4d9f-513d-998f-af2964ff26d9"), s("orders"), s("orders"), null()),
            null(),
        );
        orders.reason = ActionReason::DeleteBecauseNoResourceConfig;
        let mut refunds = change(
            "terraform_data.queue[\"refunds\"]",
            Action::Delete,
            td(s("1c2e6b79-f926-55b2-8654-1c3ad4aa9d63"), s("refunds"), s("refunds"), null()),
            null(),
        );
        refunds.reason = ActionReason::DeleteBecauseNoResourceConfig;
        let p = plan(
            vec![refunds, orders, forget],
            vec![output("queues", Action::Update, Some(tuple(vec![s("orders"), s("refunds")])), Some(Value::empty_tuple()))],
        );
        let golden = include_str!("../../tests/corpus/steps/removed_keep_in_infra/golden/v2.plan.txt");
        assert_eq!(body(&render(&p)), body(golden));
        assert_eq!(render_summary_line(&p), "Plan: 0 to add, 0 to change, 2 to destroy.");
    }

    #[test]
    fn golden_moves_only() {
        let mk = |from: &str, to: &str, id: &str| {
            let v = td(s(id), s("x"), s("x"), null());
            let mut c = change(to, Action::NoOp, v.clone(), v);
            c.prev_addr = Some(addr(from));
            c
        };
        let p = plan(
            vec![
                mk("terraform_data.redis", "module.cache.terraform_data.cluster", "26361751-37f9-5c81-a9b3-60cb509ed828"),
                mk("terraform_data.redis_params", "module.cache.terraform_data.params", "e9399e2b-5322-5694-999d-48a815559fef"),
            ],
            vec![],
        );
        let text = render(&p);
        let golden = include_str!("../../tests/corpus/steps/moved_modules/golden/v2.plan.txt");
        assert_eq!(body(&text), body(golden));
        // No legend when nothing but moves.
        assert!(!text.contains("symbols:"));
    }

    #[test]
    fn golden_imports() {
        let mk = |a: &str, id: &str| {
            let v = td(s(id), null(), null(), null());
            let mut c = change(a, Action::NoOp, v.clone(), v);
            c.importing = Some(id.to_string());
            c
        };
        let p = plan(
            vec![
                mk("terraform_data.tenant[\"beta\"]", "tenant-beta"),
                change("terraform_data.frontend", Action::Create, null(), td(unk(), s("frontend-v2"), unk(), null())),
                mk("terraform_data.legacy_dns", "zone-4f1c9e"),
                mk("terraform_data.tenant[\"alpha\"]", "tenant-alpha"),
            ],
            vec![
                output("frontend", Action::Create, None, Some(unk())),
                output("imported_ids", Action::Create, None, Some(tuple(vec![s("zone-4f1c9e"), s("tenant-alpha"), s("tenant-beta")]))),
            ],
        );
        let golden = include_str!("../../tests/corpus/valid/import_moved_removed/golden/plan.txt");
        assert_eq!(body(&render(&p)), body(golden));
        assert_eq!(render_summary_line(&p), "Plan: 3 to import, 1 to add, 0 to change, 0 to destroy.");
    }

    #[test]
    fn golden_outputs_only() {
        let api = td(s("58296af3-20e0-5c4e-b473-996f8dbd9f02"), s("a"), s("a"), null());
        let p = plan(
            vec![change("terraform_data.api", Action::NoOp, api.clone(), api)],
            vec![
                OutputChange { sensitive: true, ..output("admin_token", Action::Create, None, Some(s("t0ken"))) },
                output("api_url", Action::Update, Some(s("http://api.internal:8080")), Some(s("https://api.internal:8443"))),
                output("health_url", Action::Create, None, Some(s("https://api.internal:8443/healthz"))),
                output("removed_later", Action::Delete, Some(s("legacy")), None),
            ],
        );
        let text = render(&p);
        let golden = include_str!("../../tests/corpus/steps/output_only_changes/golden/v2.plan.txt");
        let section = |t: &str| {
            let start = t.find("\nChanges to Outputs:").unwrap_or(0);
            let end = t.find("\n\nYou can apply").unwrap_or(t.len());
            t[start..end].to_string()
        };
        assert_eq!(section(&text), section(golden));
        assert!(text.ends_with("\n\nYou can apply this plan to save these new output values to the infra state,\nwithout changing any real infrastructure.\n"));
        assert!(!text.contains("t0ken"));
    }

    #[test]
    fn no_changes_message() {
        let text = render(&Plan::default());
        assert!(text.starts_with("\nNo changes. Your infrastructure matches the configuration.\n\n"));
        assert!(!text.contains("Plan:"));
    }

    // ----- hand-built cases for paths the corpus does not reach -----

    #[test]
    fn multiline_string_update_is_a_line_diff() {
        let before = td(s("i"), s("a\nb\nc\n"), s("a\nb\nc\n"), null());
        let after = td(s("i"), s("a\nB\nc\nd\n"), unk(), null());
        let p = plan(vec![change("terraform_data.t", Action::Update, before, after)], vec![]);
        let text = render(&p);
        let expected = "  # terraform_data.t will be updated in-place
  ~ resource \"terraform_data\" \"t\" {
        id     = \"i\"
      ~ input  = <<-EOT
            a
          - b
          + B
            c
          + d
        EOT
      ~ output = <<-EOT
            a
            b
            c
        EOT -> (known after apply)
    }

Plan: 0 to add, 1 to change, 0 to destroy.
";
        assert_eq!(body(&text), expected);
    }

    #[test]
    fn typed_schema_renders_maps_sets_and_sensitive_attributes() {
        use infra_provider_sdk::schema::{Attribute, Block, ProviderSchema, ResourceSchema};
        let block = Block::new()
            .attr("id", Attribute::computed(Type::String))
            .attr("keepers", Attribute::optional(Type::map(Type::String)).force_new())
            .attr("result", Attribute::computed(Type::String).sensitive())
            .attr("prefix", Attribute::optional(Type::String))
            .attr("zones", Attribute::optional(Type::set(Type::String)));
        let mut ps = ProviderSchema::default();
        ps.resources.insert("random_id".into(), ResourceSchema { version: 0, block: block.clone(), importable: true, ..Default::default() });
        let ps = Arc::new(ps);
        let ty = block.implied_type();
        let lookup = move |_m: Mode, t: &str| if t == "random_id" { Some((ps.clone(), ty.clone())) } else { None };
        let m = |pairs: &[(&str, &str)]| Value::map(Type::String, pairs.iter().map(|(k, v)| (k.to_string(), s(v))).collect());
        let set = |xs: &[&str]| Value::set(Type::String, xs.iter().map(|x| s(x)).collect());
        let before = obj(&[
            ("id", s("abc")),
            ("keepers", m(&[("a", "1"), ("b c", "2")])),
            ("prefix", s("")),
            ("result", s("old-secret")),
            ("zones", set(&["a", "b"])),
        ]);
        let after = obj(&[
            ("id", Value::unknown(Type::String)),
            ("keepers", m(&[("a", "1"), ("b c", "3")])),
            ("prefix", s("")),
            ("result", Value::unknown(Type::String)),
            ("zones", set(&["a", "c"])),
        ]);
        let mut c = change("random_id.x", Action::DeleteThenCreate, before, after);
        c.provider = "provider[\"registry.terraform.io/hashicorp/random\"]".into();
        c.requires_replace = vec![AttrPath::attr("keepers")];
        let p = plan(vec![c], vec![]);
        let text = render_plan(&p, &TextOptions { color: false, schemas: Some(&lookup) });
        let expected = "  # random_id.x must be replaced
-/+ resource \"random_id\" \"x\" {
      ~ id      = \"abc\" -> (known after apply)
      ~ keepers = { # forces replacement
          ~ \"b c\" = \"2\" -> \"3\"
            # (1 unchanged element hidden)
        }
      ~ result  = (sensitive value)
      ~ zones   = [
          - \"b\",
          + \"c\",
            # (1 unchanged element hidden)
        ]
        # (1 unchanged attribute hidden)
    }

Plan: 1 to add, 0 to change, 1 to destroy.
";
        assert_eq!(body(&text), expected);
        assert!(!text.contains("old-secret"));
    }

    /// 200 changes of every kind the renderer knows (creates, in-place updates with heredoc and
    /// JSON-string diffs, deletes with reasons, replacements forced by an attribute, sensitive
    /// values, imports, moves, forgets, typed-schema resources): the parallel renderer must
    /// produce exactly the sequential text, whatever the number of threads and chunk sizes.
    #[test]
    fn parallel_rendering_matches_sequential() {
        use infra_provider_sdk::schema::{Attribute, Block, ProviderSchema, ResourceSchema};
        let block = Block::new()
            .attr("id", Attribute::computed(Type::String))
            .attr("keepers", Attribute::optional(Type::map(Type::String)).force_new())
            .attr("result", Attribute::computed(Type::String).sensitive());
        let mut ps = ProviderSchema::default();
        ps.resources.insert("random_id".into(), ResourceSchema { version: 0, block: block.clone(), importable: true, ..Default::default() });
        let ps = Arc::new(ps);
        let ty = block.implied_type();
        let lookup = move |_m: Mode, t: &str| if t == "random_id" { Some((ps.clone(), ty.clone())) } else { None };
        let keepers = |v: &str| Value::map(Type::String, [("a".to_string(), s("1")), ("b c".to_string(), s(v))].into_iter().collect());

        let mut changes = Vec::new();
        for i in 0..200i64 {
            let a = format!("terraform_data.r[{i}]");
            let c = match i % 10 {
                0 => change(&a, Action::Create, null(), td(unk(), s(&format!("in-{i}")), unk(), null())),
                1 => change(&a, Action::Update, td(s("x"), s("a\nb\nc\n"), s("a\nb\nc\n"), null()), td(s("x"), s(&format!("a\nB{i}\nc\n")), unk(), null())),
                2 => {
                    let v = obj(&[("k", n(i)), ("tags", obj(&[("team", s("core"))]))]);
                    let mut c = change(&a, Action::Delete, td(s("x"), v.clone(), v, null()), null());
                    c.reason = ActionReason::DeleteBecauseCountIndex;
                    c
                }
                3 => {
                    let mut c = change(&a, Action::DeleteThenCreate, td(s("x"), s("in"), s("in"), n(i)), td(unk(), s("in"), unk(), n(i + 1)));
                    c.requires_replace = vec![AttrPath::attr("triggers_replace")];
                    c
                }
                4 => change(
                    &a,
                    Action::Update,
                    td(s("x"), s("secret").mark(Marks::SENSITIVE), s("plain"), null()),
                    td(s("x"), s("secret2").mark(Marks::SENSITIVE), unk(), null()),
                ),
                5 => change(&a, Action::Update, td(s("x"), s("{\"a\":1,\"b\":[1,2]}"), null(), null()), td(s("x"), s(&format!("{{\"a\":{i},\"b\":[1,2,3]}}")), null(), null())),
                6 => {
                    let v = td(s(&format!("id-{i}")), null(), null(), null());
                    let mut c = change(&a, Action::NoOp, v.clone(), v);
                    c.importing = Some(format!("id-{i}"));
                    c
                }
                7 => {
                    let v = td(s("x"), s("moved"), s("moved"), null());
                    let mut c = change(&a, Action::NoOp, v.clone(), v);
                    c.prev_addr = Some(addr(&format!("terraform_data.old[{i}]")));
                    c
                }
                8 => change(&a, Action::Forget, td(s("x"), s("kept"), s("kept"), null()), null()),
                _ => {
                    let before = obj(&[("id", s("abc")), ("keepers", keepers("2")), ("result", s("old-secret"))]);
                    let after = obj(&[("id", Value::unknown(Type::String)), ("keepers", keepers(&i.to_string())), ("result", Value::unknown(Type::String))]);
                    let mut c = change(&format!("random_id.x[{i}]"), Action::DeleteThenCreate, before, after);
                    c.requires_replace = vec![AttrPath::attr("keepers")];
                    c
                }
            };
            changes.push(c);
        }
        let p = plan(changes, vec![]);
        for color in [false, true] {
            let opts = TextOptions { color, schemas: Some(&lookup) };
            let (listed, _) = listed_changes(&p);
            assert_eq!(listed.len(), 200);
            let blocks = BlockRenderer::new(p.changes.iter(), &opts);
            let mut sequential = String::new();
            blocks.render_all(&listed, Cause::Change, 1, &mut sequential);
            for threads in [2, 3, 4, 7] {
                let mut parallel = String::new();
                blocks.render_all(&listed, Cause::Change, threads, &mut parallel);
                assert_eq!(parallel, sequential, "{threads} threads, colour {color}");
            }
            // The same blocks, one string each (the markdown details).
            let items: Vec<(&ResourceChange, bool)> = listed.iter().map(|rc| (*rc, false)).collect();
            let each = blocks.render_each(&items, 1);
            assert_eq!(blocks.render_each(&items, 3), each);
            assert_eq!(each.iter().map(|b| format!("\n{b}\n")).collect::<String>(), sequential);
            // `render_plan` chooses its own thread count and contains exactly this text.
            assert!(render_plan(&p, &opts).contains(&sequential));
            if !color {
                for expected in [
                    "will be created",
                    "will be updated in-place",
                    "will be destroyed",
                    "must be replaced",
                    "will be imported",
                    "has moved to",
                    "will no longer be managed",
                    "<<-EOT",
                    "jsonencode(",
                    "(sensitive value)",
                    "# forces replacement",
                    "\"b c\" = \"2\" -> \"",
                ] {
                    assert!(sequential.contains(expected), "{expected} missing");
                }
                assert!(!sequential.contains("secret"));
            }
        }
    }

    /// The differ reads the values through borrowed views (`view.rs`) instead of the JSON
    /// trees `plan_json` encodes for Terraform's JSON plan. Reading those trees instead must
    /// give the same text, byte for byte: checked on pseudo-random before/after pairs (nulls,
    /// unknowns, sensitive marks, empty strings, JSON strings, heredocs, every collection kind,
    /// nested blocks of every nesting) under a typed schema and under a synthesized one.
    #[test]
    fn value_views_render_as_the_json_change_representation() {
        use super::super::diff::{BlockSchema, Change, Matcher, Opts};
        use super::super::plan_json::{replace_paths_json, resource_change_json};
        use infra_provider_sdk::schema::{Attribute, Block, NestedBlock, Nesting};
        use infra_value::PathStep;

        struct Rng(u64);
        impl Rng {
            fn next(&mut self, n: u64) -> u64 {
                // xorshift64*
                self.0 ^= self.0 >> 12;
                self.0 ^= self.0 << 25;
                self.0 ^= self.0 >> 27;
                (self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 33) % n
            }
        }
        fn gen(rng: &mut Rng, ty: &Type, depth: usize) -> Value {
            let r = rng.next(100);
            if r < 7 {
                return Value::null(ty.clone());
            }
            if r < 14 {
                return Value::unknown(ty.clone());
            }
            let strings = ["", "a", "b", "{\"a\":1,\"b\":[1,2]}", "{\"a\":2}", "[1,2]", "x\ny\nz\n", "x\nY\nz\n", "é q\"t"];
            let v = match ty {
                Type::String => Value::string(strings[rng.next(strings.len() as u64) as usize]),
                Type::Number => Value::from_i64(rng.next(4) as i64 - 1),
                Type::Bool => Value::bool(rng.next(2) == 0),
                Type::List(e) => Value::list((**e).clone(), (0..rng.next(4)).map(|_| gen(rng, e, depth + 1)).collect()),
                Type::Set(e) => Value::set((**e).clone(), (0..rng.next(4)).map(|_| gen(rng, e, depth + 1)).collect()),
                Type::Map(e) => Value::map(
                    (**e).clone(),
                    ["a", "b", "c d"].iter().filter_map(|k| (rng.next(2) == 0).then(|| (k.to_string(), gen(rng, e, depth + 1)))).collect(),
                ),
                Type::Object(ot) => Value::object(ot.attrs.iter().map(|(k, t)| (k.clone(), gen(rng, t, depth + 1))).collect()),
                Type::Tuple(ts) => Value::tuple(ts.iter().map(|t| gen(rng, t, depth + 1)).collect()),
                Type::Dynamic => {
                    let shapes = if depth > 2 { 2 } else { 4 };
                    match rng.next(shapes) {
                        0 => gen(rng, &Type::String, depth),
                        1 => gen(rng, &Type::Number, depth),
                        2 => Value::tuple((0..rng.next(3)).map(|_| gen(rng, &Type::Dynamic, depth + 1)).collect()),
                        _ => obj(&[("k", gen(rng, &Type::Dynamic, depth + 1)), ("n", gen(rng, &Type::String, depth + 1))]),
                    }
                }
            };
            if r > 93 {
                v.mark(Marks::SENSITIVE)
            } else {
                v
            }
        }
        /// `before` changed here and there: children kept, regenerated or changed in turn.
        fn mutate(rng: &mut Rng, before: &Value, ty: &Type, depth: usize) -> Value {
            match rng.next(3) {
                0 => return gen(rng, ty, depth),
                1 => return before.clone(),
                _ => {}
            }
            let marks = before.marks();
            let v = match (before.kind(), ty) {
                (Kind::Object(m), Type::Object(ot)) => {
                    Value::object(ot.attrs.iter().map(|(k, t)| (k.clone(), match m.get(k) {
                        Some(b) => mutate(rng, b, t, depth + 1),
                        None => gen(rng, t, depth + 1),
                    })).collect())
                }
                (Kind::List(_, es), Type::List(e)) => {
                    let mut es: Vec<Value> = es.iter().map(|b| mutate(rng, b, e, depth + 1)).collect();
                    if rng.next(2) == 0 {
                        es.insert(rng.next(es.len() as u64 + 1) as usize, gen(rng, e, depth + 1));
                    }
                    Value::list((**e).clone(), es)
                }
                (Kind::Set(_, es), Type::Set(e)) => Value::set((**e).clone(), es.iter().map(|b| mutate(rng, b, e, depth + 1)).collect()),
                (Kind::Map(_, m), Type::Map(e)) => Value::map((**e).clone(), m.iter().map(|(k, b)| (k.clone(), mutate(rng, b, e, depth + 1))).collect()),
                _ => return gen(rng, ty, depth),
            };
            v.mark(marks)
        }

        let inner = Block::new().attr("name", Attribute::optional(Type::String)).attr("size", Attribute::optional(Type::Number));
        let secret_inner = Block::new().attr("key", Attribute::optional(Type::String).sensitive());
        let nested = |nesting, block: &Block| NestedBlock { nesting, block: block.clone(), min_items: 0, max_items: 0, force_new: false };
        let block = Block::new()
            .attr("id", Attribute::computed(Type::String))
            .attr("s", Attribute::optional(Type::String))
            .attr("n", Attribute::optional(Type::Number))
            .attr("b", Attribute::optional(Type::Bool))
            .attr("l", Attribute::optional(Type::list(Type::String)))
            .attr("st", Attribute::optional(Type::set(Type::String)))
            .attr("m", Attribute::optional(Type::map(Type::String)))
            .attr("o", Attribute::optional(Type::object([("x".to_string(), Type::String), ("y".to_string(), Type::list(Type::Number))].into_iter().collect())))
            .attr("t", Attribute::optional(Type::tuple(vec![Type::String, Type::Bool])))
            .attr("d", Attribute::optional(Type::Dynamic))
            .attr("lo", Attribute::optional(Type::list(Type::object([("p".to_string(), Type::String)].into_iter().collect()))))
            .attr("secret", Attribute::optional(Type::String).sensitive())
            .block("single", nested(Nesting::Single, &inner))
            .block("group", nested(Nesting::Group, &inner))
            .block("list", nested(Nesting::List, &inner))
            .block("set", nested(Nesting::Set, &inner))
            .block("map", nested(Nesting::Map, &inner))
            .block("hidden", nested(Nesting::List, &secret_inner));
        let typed = BlockSchema::from_sdk(&block);
        let ty = block.implied_type();

        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        let mut compared = 0;
        for i in 0..1500 {
            let before = if i % 10 == 0 { Value::null(ty.clone()) } else { gen(&mut rng, &ty, 0) };
            let after = if i % 10 == 1 { Value::null(ty.clone()) } else { mutate(&mut rng, &before, &ty, 0) };
            let mut rc = change("random_thing.x", Action::Update, before, after);
            if i % 4 == 0 {
                rc.requires_replace = vec![AttrPath::attr("s"), AttrPath(vec![PathStep::Attr("l".into()), PathStep::Index(1)]), AttrPath::attr("single")];
            }
            let schema_marked = |v: &Value| mark_schema_sensitive(v, &typed);
            let (before, after) = (schema_marked(&rc.before), schema_marked(&rc.after));
            let marked = ResourceChange { before, after, ..rc.clone() };
            let replace_paths = replace_paths_json(&rc);
            let cj = resource_change_json(&marked);
            let from_json = json_change(&cj);
            let from_values = Change::of_values(&marked.before, &marked.after, Matcher::from_json(&replace_paths));
            let synthesized = BlockSchema::synthesized(&from_json);
            assert!(synthesized.synthesized_fits(&from_values), "case {i}: keys differ");
            for schema in [&typed, &synthesized] {
                for (color, show_unchanged_children) in [(false, false), (true, true)] {
                    let o = Opts { color, show_unchanged_children, ..Opts::default() };
                    let expected = diff_block(&from_json, schema).render(0, o);
                    let actual = diff_block(&from_values, schema).render(0, o);
                    assert_eq!(actual, expected, "case {i}: {:?} -> {:?}", marked.before, marked.after);
                    compared += 1;
                }
            }
            let forgotten = diff_block(&from_values.as_no_op(), &typed).render(0, Opts::default());
            assert_eq!(forgotten, diff_block(&from_json.as_no_op(), &typed).render(0, Opts::default()), "case {i} as no-op");
        }
        assert!(compared > 4000, "{compared}");
    }

    /// The differ's change read from Terraform's JSON change representation: the reference
    /// the value views are compared with.
    fn json_change(cj: &super::super::plan_json::ChangeJson) -> Change<'_> {
        Change::new(
            Val::Json(&cj.before),
            Val::Json(&cj.after),
            Flags::Json(&cj.after_unknown),
            Flags::Json(&cj.before_sensitive),
            Flags::Json(&cj.after_sensitive),
            Matcher::from_json(&cj.replace_paths),
        )
    }

    /// Outputs (one sensitivity flag for the whole value) render alike from both forms too.
    #[test]
    fn output_views_render_as_the_json_change_representation() {
        use super::super::plan_json::output_change_json;
        let values = [
            None,
            Some(null()),
            Some(unk()),
            Some(s("a")),
            Some(s("{\"a\": [1, 2]}")),
            Some(n(3)),
            Some(tuple(vec![s("a"), unk(), n(1)])),
            Some(obj(&[("a", s("x")), ("b", unk()), ("c", s("s").mark(Marks::SENSITIVE))])),
            Some(Value::list(Type::String, vec![s("a"), s("b")])),
        ];
        for before in &values {
            for after in &values {
                for sensitive in [false, true] {
                    let oc = OutputChange { sensitive, ..output("o", Action::Update, before.clone(), after.clone()) };
                    let p = Plan { outputs: vec![oc.clone()], ..Plan::default() };
                    let cj = output_change_json(&oc);
                    let change = json_change(&cj);
                    let d = diff_output(&change);
                    let expected = if d.action == Action::NoOp {
                        String::new()
                    } else {
                        format!("{} o = {}", colorize(action_symbol(d.action), false), d.render(0, Opts::default()))
                    };
                    assert_eq!(render_outputs(&p, false), expected, "{before:?} -> {after:?}, sensitive {sensitive}");
                }
            }
        }
    }

    /// `fill` paints the template in pieces; the result is what painting the whole template
    /// with placeholders and substituting afterwards gives, and arguments are never painted.
    #[test]
    fn fill_matches_painting_the_whole_template() {
        let cases: [(&str, &[&str]); 3] = [
            ("[bold]  # %s[reset] has moved to [bold]%s[reset]", &["a[red]b", "c"]),
            ("  # [reset](will be imported first)\n", &[]),
            ("[bold]  # %s[reset] will be [bold][red]replaced[reset], as requested", &["x[0]"]),
        ];
        for color in [false, true] {
            for (markup, args) in cases {
                let mut filled = String::new();
                fill(&mut filled, markup, color, args);
                let mut args = args.iter();
                let expected: String = colorize(&markup.replace("%s", "\u{1}"), color)
                    .chars()
                    .map(|c| if c == '\u{1}' { args.next().copied().unwrap_or("").to_string() } else { c.to_string() })
                    .collect();
                assert_eq!(filled, expected);
            }
        }
    }

    #[test]
    fn colour_symbols() {
        let p = plan(vec![change("terraform_data.c", Action::Create, null(), td(unk(), s("x"), unk(), null()))], vec![]);
        let text = render_plan(&p, &TextOptions::new(true));
        assert!(text.contains("\x1b[32m+\x1b[0m"));
        assert!(text.contains("\x1b[1m  # terraform_data.c\x1b[0m will be created"));
    }
}
