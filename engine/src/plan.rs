//! The plan: what a run intends to change, with reasons, bound to the state it was made from.
//! Renderers (human text, markdown, Terraform's JSON plan) live in the CLI and read this model.

use std::collections::BTreeMap;

use infra_value::{AttrPath, Diagnostic, Value};

use crate::addrs::ResourceInstance;
use crate::state_bridge::WorkingState;

/// What will happen to one resource instance (Terraform's `plans.Action`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Action {
    NoOp,
    Create,
    /// A data source read deferred to apply time.
    Read,
    Update,
    /// Replace: destroy the old object, then create the new one (the default).
    DeleteThenCreate,
    /// Replace with `create_before_destroy`.
    CreateThenDelete,
    Delete,
    /// Remove from state without destroying (`removed { lifecycle { destroy = false } }`).
    Forget,
}

impl Action {
    pub fn is_replace(self) -> bool {
        matches!(self, Action::DeleteThenCreate | Action::CreateThenDelete)
    }
    /// Terraform's JSON `actions` array.
    pub fn json_actions(self) -> &'static [&'static str] {
        match self {
            Action::NoOp => &["no-op"],
            Action::Create => &["create"],
            Action::Read => &["read"],
            Action::Update => &["update"],
            Action::DeleteThenCreate => &["delete", "create"],
            Action::CreateThenDelete => &["create", "delete"],
            Action::Delete => &["delete"],
            Action::Forget => &["forget"],
        }
    }
}

impl Action {
    /// Every action, in declaration order.
    pub const ALL: [Action; 8] = [
        Action::NoOp,
        Action::Create,
        Action::Read,
        Action::Update,
        Action::DeleteThenCreate,
        Action::CreateThenDelete,
        Action::Delete,
        Action::Forget,
    ];
}

/// Why an action was chosen (Terraform's `plans.ResourceInstanceChangeActionReason`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ActionReason {
    None,
    /// The object is tainted.
    ReplaceBecauseTainted,
    /// `-replace=ADDR`.
    ReplaceByRequest,
    /// `lifecycle { replace_triggered_by }`.
    ReplaceByTriggers,
    /// A changed attribute forces replacement (see `requires_replace`).
    ReplaceBecauseCannotUpdate,
    /// The resource block is gone from configuration.
    DeleteBecauseNoResourceConfig,
    /// `count` no longer covers this index.
    DeleteBecauseCountIndex,
    /// `for_each` no longer has this key.
    DeleteBecauseEachKey,
    /// The resource now uses `count` where it had none, or the reverse.
    DeleteBecauseWrongRepetition,
    /// The module call is gone.
    DeleteBecauseNoModule,
    /// The instance's module instance no longer exists (count/for_each on the module).
    DeleteBecauseNoMoveTarget,
    /// A data source read waits for apply because its configuration is unknown.
    ReadBecauseConfigUnknown,
    /// A data source read waits for apply because a dependency has pending changes.
    ReadBecauseDependencyPending,
}

impl ActionReason {
    /// Terraform's JSON `action_reason`, when it writes one.
    pub fn json_name(self) -> Option<&'static str> {
        Some(match self {
            ActionReason::None => return None,
            ActionReason::ReplaceBecauseTainted => "replace_because_tainted",
            ActionReason::ReplaceByRequest => "replace_by_request",
            ActionReason::ReplaceByTriggers => "replace_by_triggers",
            ActionReason::ReplaceBecauseCannotUpdate => "replace_because_cannot_update",
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
}

/// A planned change to one resource instance. `before`/`after` are object values of the
/// resource schema's type: `before` null for a create, `after` null for a delete; unknown
/// parts of `after` are "(known after apply)"; sensitive parts carry the sensitive mark.
#[derive(Clone, Debug)]
pub struct ResourceChange {
    pub addr: ResourceInstance,
    /// The address in the prior state when a `moved` block renamed the instance.
    pub prev_addr: Option<ResourceInstance>,
    /// `provider["registry.terraform.io/hashicorp/random"]`
    pub provider: String,
    pub action: Action,
    pub reason: ActionReason,
    pub before: Value,
    pub after: Value,
    /// Attributes whose change forces the replacement.
    pub requires_replace: Vec<AttrPath>,
    /// The import ID when the instance is imported by an `import` block.
    pub importing: Option<String>,
    pub private: Vec<u8>,
    /// Whether the provider's schema type is known; used by renderers to order attributes.
    pub schema_known: bool,
}

/// A planned change to a root module output.
#[derive(Clone, Debug)]
pub struct OutputChange {
    pub name: String,
    /// Create, Update, Delete or NoOp.
    pub action: Action,
    pub before: Option<Value>,
    pub after: Option<Value>,
    pub sensitive: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum PlanMode {
    #[default]
    Normal,
    Destroy,
    RefreshOnly,
}

/// A complete plan.
#[derive(Clone, Debug, Default)]
pub struct Plan {
    pub mode: PlanMode,
    /// Changes in apply order for creates/updates (dependencies first); deletes are ordered by
    /// the apply walk.
    pub changes: Vec<ResourceChange>,
    pub outputs: Vec<OutputChange>,
    /// Objects whose refreshed state differs from the prior state ("changed outside of infra").
    pub drift: Vec<ResourceChange>,
    /// The state the plan was made from (after refresh), with its lineage and serial.
    pub prior_state: WorkingState,
    /// The state as it will be after apply, as far as known (for `planned_values`). Empty in
    /// the result of an apply walk, whose new state is `WalkResult::state`.
    pub planned_state: WorkingState,
    /// Root variable values used (for plan files and `show -json`).
    pub variables: BTreeMap<String, Value>,
    /// Warnings produced while planning (check blocks, deprecations).
    pub warnings: Vec<Diagnostic>,
    /// The plan's timestamp (RFC 3339), for `plantimestamp()` and `timestamp` in JSON.
    pub timestamp: String,
    /// True when the plan could not be completed (errors); such a plan is never applied.
    pub errored: bool,
}

/// The counts of Terraform's summary line.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    pub import: usize,
    pub add: usize,
    pub change: usize,
    pub destroy: usize,
    pub forget: usize,
}

impl Plan {
    pub fn summary(&self) -> Summary {
        let mut s = Summary::default();
        for c in &self.changes {
            if c.importing.is_some() {
                s.import += 1;
            }
            match c.action {
                Action::Create => s.add += 1,
                Action::Update => s.change += 1,
                Action::Delete => s.destroy += 1,
                Action::DeleteThenCreate | Action::CreateThenDelete => {
                    s.add += 1;
                    s.destroy += 1
                }
                Action::Forget => s.forget += 1,
                Action::NoOp | Action::Read => {}
            }
        }
        s
    }

    /// Changes that do something (not no-op).
    pub fn resource_changes(&self) -> impl Iterator<Item = &ResourceChange> {
        self.changes.iter().filter(|c| c.action != Action::NoOp || c.importing.is_some() || c.prev_addr.is_some())
    }

    /// Whether applying the plan would change anything (resources or outputs).
    pub fn has_changes(&self) -> bool {
        self.resource_changes().next().is_some() || self.outputs.iter().any(|o| o.action != Action::NoOp)
    }
}

/// Checks a planned value recomputed while applying a saved plan against the value recorded in
/// the plan: every part known in `recorded` must be equal in `fresh` (an unknown part may have
/// become known since). Returns the path of the first difference. Marks are ignored.
pub fn first_difference(recorded: &Value, fresh: &Value) -> Option<AttrPath> {
    fn walk(r: &Value, f: &Value, path: &mut Vec<infra_value::PathStep>) -> Option<AttrPath> {
        use infra_value::value::Kind;
        use infra_value::PathStep;
        let differ = || Some(AttrPath(path.clone()));
        match (r.kind(), f.kind()) {
            (Kind::Unknown(_), _) => None,
            (_, Kind::Unknown(_)) => differ(),
            (Kind::Null(_), Kind::Null(_)) => None,
            (Kind::Null(_), _) | (_, Kind::Null(_)) => differ(),
            // A set with unknown elements orders them apart from the known ones, and unknown
            // elements may turn out equal and merge: such a set is accepted as it comes.
            (Kind::Set(..), Kind::Set(..)) if !r.is_wholly_known() => None,
            (Kind::List(_, a), Kind::List(_, b)) | (Kind::Tuple(a), Kind::Tuple(b)) | (Kind::Set(_, a), Kind::Set(_, b)) => {
                if a.len() != b.len() {
                    return differ();
                }
                // Known set elements are compared in their canonical order.
                for (i, (x, y)) in a.iter().zip(b.iter()).enumerate() {
                    path.push(PathStep::Index(i as i64));
                    let d = walk(x, y, path);
                    path.pop();
                    if d.is_some() {
                        return d;
                    }
                }
                None
            }
            (Kind::Map(_, a), Kind::Map(_, b)) | (Kind::Object(a), Kind::Object(b)) => {
                if a.len() != b.len() || a.keys().zip(b.keys()).any(|(x, y)| x != y) {
                    return differ();
                }
                let is_map = matches!(r.kind(), Kind::Map(..));
                for (k, x) in a.iter() {
                    let y = b.get(k)?;
                    path.push(if is_map { PathStep::Key(k.clone()) } else { PathStep::Attr(k.clone()) });
                    let d = walk(x, y, path);
                    path.pop();
                    if d.is_some() {
                        return d;
                    }
                }
                None
            }
            _ => {
                let (a, _) = r.unmark_deep();
                let (b, _) = f.unmark_deep();
                if a.raw_equals(&b) {
                    None
                } else {
                    differ()
                }
            }
        }
    }
    walk(recorded, fresh, &mut Vec::new())
}
