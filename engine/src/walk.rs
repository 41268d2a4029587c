//! The walk: visits the configuration graph in dependency order, expanding `count`/`for_each`
//! into instances, evaluating expressions, and asking providers to plan (and, when applying,
//! to apply) each instance. Independent nodes run concurrently; provider calls are bounded by
//! `-parallelism`. A node that fails stops only its dependents.
//!
//! One walker serves validate (everything unknown), plan and apply; in apply mode each instance
//! is planned again with the now-known values and the change is executed at once, so dependents
//! see real values. Deletions of instances no longer in configuration run after the walk, in
//! reverse dependency order.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::PathBuf;
use std::sync::{Arc, Mutex, RwLock};
use std::time::Instant;

use futures_util::StreamExt as _;
use infra_functions::FuncContext;
use infra_provider_sdk::schema::{Block, Nesting};
use infra_provider_sdk::*;
use infra_state::InstanceKey;
use infra_value::convert::convert;
use infra_value::value::Kind;
use infra_value::{AttrPath, Diagnostic, Marks, PathStep, Type, Value};
use petgraph::graph::NodeIndex;
use tokio::sync::Semaphore;

use crate::addrs::{AbsResource, ModuleInstance, ResourceInstance};
use crate::config::tree::{Config, ModuleNode};
use crate::config::{IgnoreChanges, Mode, Resource, ResourceKey};
use crate::graph::{Graph, Node, NodeKind};
use crate::hooks::{Hooks, OpKind};
use crate::lang::ast::{Expr, Step};
use crate::lang::eval::{Evaluator, Scope};
use crate::plan::{Action, ActionReason, OutputChange, Plan, PlanMode, ResourceChange};
use crate::providers::{ensure_configured, ProviderEntry, Providers};
pub use crate::recover::Interrupt;
use crate::recover::{PendingOp, Recovery, RecoveryResult};
use crate::source::{SourceMap, Span};
use crate::state_bridge::{StateInstance, StateOutput, WorkingState};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WalkMode {
    Validate,
    Plan,
    Apply,
}

/// Options of a plan or apply run.
#[derive(Clone, Debug)]
pub struct RunOptions {
    pub mode: PlanMode,
    pub refresh: bool,
    /// `-target` addresses (resources, instances or modules), as typed.
    pub targets: Vec<String>,
    /// `-replace` instance addresses, as typed.
    pub replace: Vec<String>,
    pub parallelism: usize,
    pub workspace: String,
    pub plan_timestamp: String,
    /// Raised on Ctrl-C: no new provider operation starts once it is set.
    pub interrupt: Interrupt,
}

impl Default for RunOptions {
    fn default() -> Self {
        RunOptions {
            mode: PlanMode::Normal,
            refresh: true,
            targets: Vec::new(),
            replace: Vec::new(),
            parallelism: 10,
            workspace: "default".into(),
            plan_timestamp: String::new(),
            interrupt: Interrupt::default(),
        }
    }
}

/// Receives state changes during apply, for durable recording (the journal).
///
/// `intent` and `outcome` record without waiting for the disk; the walk then runs the closure
/// of [`Persister::sync_handle`] on a blocking thread and awaits it — before the provider call
/// for an intent, after it for an outcome — for providers whose objects exist outside state
/// (`ProviderSchema::state_only` false). Waiting on a blocking thread keeps the other
/// operations of the walk going meanwhile, so operations that become ready together share one
/// sync (group commit). Records of state-only providers become durable with the next sync or the
/// final snapshot; a killed process loses none of them (they are in the file already).
pub trait Persister: Send + Sync {
    /// Called before a provider call that may create, change or delete an object. Returns an
    /// idempotency token to pass to the provider.
    fn intent(&self, _addr: &ResourceInstance, _action: Action, _provider: &str, _planned: &Value) -> String {
        String::new()
    }
    /// Called after the call with the object's new state (`None` = gone).
    fn outcome(&self, _addr: &ResourceInstance, _token: &str, _provider: &str, _new: Option<&StateInstance>, _schema_ty: Option<&Type>) {}
    /// Called instead of `outcome` when the run was interrupted after the intent was recorded
    /// but before the provider was called: nothing changed.
    fn abandoned(&self, _addr: &ResourceInstance, _token: &str) {}
    /// A closure that makes everything recorded so far durable (`None`: nothing to wait for).
    fn sync_handle(&self) -> Option<Box<dyn FnOnce() + Send + 'static>> {
        None
    }
}

pub struct NoPersist;
impl Persister for NoPersist {}

/// How a resource or module call expanded.
#[derive(Clone, Debug)]
enum Expansion {
    Single,
    Count(usize),
    ForEach(BTreeMap<String, Value>),
    /// count/for_each not known (validate, or unknown during plan).
    Unknown,
}

impl Expansion {
    fn keys(&self) -> Vec<Option<InstanceKey>> {
        match self {
            Expansion::Single => vec![None],
            Expansion::Count(n) => (0..*n).map(|i| Some(InstanceKey::Int(i as i64))).collect(),
            Expansion::ForEach(m) => m.keys().map(|k| Some(InstanceKey::Str(k.clone()))).collect(),
            Expansion::Unknown => vec![None],
        }
    }
}

/// Hash maps and sets of addresses on the hot path: SipHash's resistance to chosen keys buys
/// nothing for addresses from the configuration, and hashing them was a few percent of a plan.
type FastMap<K, V> = HashMap<K, V, foldhash::fast::RandomState>;
type FastSet<T> = HashSet<T, foldhash::fast::RandomState>;

/// Values computed so far, keyed by module instance.
#[derive(Default)]
struct EvalState {
    vars: FastMap<(ModuleInstance, String), Value>,
    locals: FastMap<(ModuleInstance, String), Value>,
    outputs: FastMap<(ModuleInstance, String), Value>,
    /// Module instances of each module config path.
    module_instances: FastMap<Vec<String>, Vec<ModuleInstance>>,
    /// Expansion of module call `name` inside a module instance.
    module_expansions: FastMap<(ModuleInstance, String), Expansion>,
    resources: FastMap<AbsResource, (Expansion, BTreeMap<Option<InstanceKey>, Value>)>,
    /// Instances that have a pending (non-no-op) change, for replace_triggered_by.
    changed: FastSet<ResourceInstance>,
}

/// The result of a whole walk.
pub struct WalkResult {
    pub plan: Plan,
    /// After apply: the new state. Empty after a plan or validation, whose planned state is
    /// [`Plan::planned_state`] (an apply's result leaves that one empty instead).
    pub state: WorkingState,
    pub diagnostics: Vec<Diagnostic>,
    /// Root output values (apply) or planned values (plan).
    pub outputs: BTreeMap<String, StateOutput>,
    /// Operations a previous run left unfinished, reconciled by this plan (see
    /// [`crate::recover`]); the caller records them.
    pub recovered: Vec<Recovery>,
    /// The run was interrupted ([`RunOptions::interrupt`]): some operations never started.
    pub interrupted: bool,
}

pub struct Walker<'a> {
    pub config: &'a Config,
    pub sources: &'a SourceMap,
    pub providers: &'a Providers,
    pub graph: &'a Graph,
    pub opts: &'a RunOptions,
    pub mode: WalkMode,
    pub root_vars: BTreeMap<String, Value>,
    pub hooks: &'a dyn Hooks,
    pub persister: &'a dyn Persister,
    /// The saved plan being applied, if any: its actions must match.
    pub saved_plan: Option<&'a Plan>,
    cwd: PathBuf,
    /// What functions see (working directory, plan timestamp, whether planning), the same for
    /// every evaluation of the walk: built once, not copied per evaluation (two allocations
    /// per instance of a resource with many).
    func: FuncContext,
    prior: Mutex<WorkingState>,
    working: Mutex<WorkingState>,
    /// Read while expressions are evaluated (by several threads at once for a resource with
    /// many instances), written when a node's values are recorded.
    eval: RwLock<EvalState>,
    changes: Mutex<Vec<ResourceChange>>,
    drift: Mutex<Vec<ResourceChange>>,
    /// Errors and warnings, each with the order key of the node whose visit reported it (see
    /// [`Walker::report_key`]): visits may run on several threads, and the reports are put
    /// back in the graph's order when the walk finishes.
    diags: Mutex<Vec<(u32, Diagnostic)>>,
    warnings: Mutex<Vec<(u32, Diagnostic)>>,
    /// The report key outside node visits: 0 before the graph walk, `u32::MAX` after it.
    phase_key: std::sync::atomic::AtomicU32,
    /// Prior-state instances visited by the walk (the rest are orphans).
    claimed: Mutex<FastSet<ResourceInstance>>,
    semaphore: Semaphore,
    replace_set: HashSet<String>,
    target_nodes: Option<HashSet<NodeIndex>>,
    imports: Vec<(ResourceInstance, String)>,
    forgets: Vec<(ResourceKey, ModuleInstance, bool)>,
    moved_from: Mutex<HashMap<ResourceInstance, ResourceInstance>>,
    /// Root outputs left out of a targeted run (see [`Walker::output_is_targeted`]).
    untargeted_outputs: Mutex<HashSet<String>>,
    /// Interrupted creates still to reconcile (plan only), by instance.
    pending_creates: Mutex<HashMap<ResourceInstance, PendingOp>>,
    recovered: Mutex<Vec<Recovery>>,
    /// Whether any resource has `replace_triggered_by`, the only reader of
    /// [`EvalState::changed`]: without one, planned instances are not recorded there (a set
    /// insert and an address copy per instance for nothing).
    records_changed: bool,
}

/// An instance's address as text, written into a buffer with room for a typical address
/// (`to_string` grows from empty, reallocating two or three times, once per refreshed instance).
fn address_text(addr: &ResourceInstance) -> String {
    let mut text = String::with_capacity(64);
    let _ = std::fmt::Write::write_fmt(&mut text, format_args!("{addr}"));
    text
}

/// Graphs smaller than this are walked on one thread.
const PARALLEL_WALK_MIN_NODES: usize = 64;

/// How many instance futures of one resource exist at a time (at least `-parallelism`, so the
/// semaphore, not this window, is what limits concurrent provider calls in apply).
const INSTANCE_WINDOW: usize = 64;

/// Up to this many instances, a resource's futures are all made and joined in place (without
/// the window's task allocations: most resources have one instance).
const SMALL_INSTANCE_COUNT: usize = 16;

/// Reports in the order of the nodes that made them (stable: a node's own reports keep theirs).
fn in_walk_order(mut reports: Vec<(u32, Diagnostic)>) -> Vec<Diagnostic> {
    reports.sort_by_key(|(k, _)| *k);
    reports.into_iter().map(|(_, d)| d).collect()
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

fn read<T>(m: &RwLock<T>) -> std::sync::RwLockReadGuard<'_, T> {
    m.read().unwrap_or_else(|e| e.into_inner())
}

fn write<T>(m: &RwLock<T>) -> std::sync::RwLockWriteGuard<'_, T> {
    m.write().unwrap_or_else(|e| e.into_inner())
}

impl<'a> Walker<'a> {
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        config: &'a Config,
        sources: &'a SourceMap,
        providers: &'a Providers,
        graph: &'a Graph,
        opts: &'a RunOptions,
        mode: WalkMode,
        root_vars: BTreeMap<String, Value>,
        prior: WorkingState,
        hooks: &'a dyn Hooks,
        persister: &'a dyn Persister,
    ) -> Walker<'a> {
        let cwd = std::env::current_dir().unwrap_or_default();
        let mut working = prior.clone();
        if mode != WalkMode::Apply {
            working.outputs.clear();
        }
        Walker {
            config,
            sources,
            providers,
            graph,
            opts,
            mode,
            root_vars,
            hooks,
            persister,
            saved_plan: None,
            func: FuncContext { base_dir: cwd.clone(), plan_timestamp: opts.plan_timestamp.clone(), planning: mode != WalkMode::Apply },
            cwd,
            prior: Mutex::new(prior),
            working: Mutex::new(working),
            eval: RwLock::new(EvalState::default()),
            changes: Mutex::new(Vec::new()),
            drift: Mutex::new(Vec::new()),
            diags: Mutex::new(Vec::new()),
            warnings: Mutex::new(Vec::new()),
            phase_key: std::sync::atomic::AtomicU32::new(0),
            claimed: Mutex::new(HashSet::default()),
            semaphore: Semaphore::new(opts.parallelism.max(1)),
            replace_set: opts.replace.iter().cloned().collect(),
            target_nodes: None,
            imports: Vec::new(),
            forgets: Vec::new(),
            moved_from: Mutex::new(HashMap::new()),
            untargeted_outputs: Mutex::new(HashSet::new()),
            pending_creates: Mutex::new(HashMap::new()),
            recovered: Mutex::new(Vec::new()),
            records_changed: config.all_modules().iter().any(|m| m.module.resources.values().any(|r| !r.lifecycle.replace_triggered_by.is_empty())),
        }
    }

    /// The order key reports made now are filed under: the visited node's, or the phase's.
    fn report_key(&self) -> u32 {
        crate::schedule::current_key().unwrap_or_else(|| self.phase_key.load(std::sync::atomic::Ordering::Relaxed))
    }

    fn error(&self, d: Diagnostic) {
        let key = self.report_key();
        lock(&self.diags).push((key, d));
    }

    fn warning(&self, d: Diagnostic) {
        let key = self.report_key();
        lock(&self.warnings).push((key, d));
    }

    fn errors(&self, ds: impl IntoIterator<Item = Diagnostic>) {
        let key = self.report_key();
        let (errors, warnings): (Vec<Diagnostic>, Vec<Diagnostic>) = ds.into_iter().partition(Diagnostic::is_error);
        if !errors.is_empty() {
            lock(&self.diags).extend(errors.into_iter().map(|d| (key, d)));
        }
        if !warnings.is_empty() {
            lock(&self.warnings).extend(warnings.into_iter().map(|d| (key, d)));
        }
    }

    /// Whether an error has been reported so far.
    fn has_errors(&self) -> bool {
        lock(&self.diags).iter().any(|(_, d)| d.is_error())
    }

    fn range(&self, span: Span) -> Option<infra_value::SourceRange> {
        self.sources.range(span)
    }

    /// Runs the walk.
    pub async fn run(mut self) -> WalkResult {
        if self.mode != WalkMode::Validate {
            for (what, span) in &self.graph.self_refs {
                self.error(
                    Diagnostic::error("Self-referential block", format!("Configuration for {what} may not refer to itself."))
                        .with_subject_opt(self.range(*span)),
                );
            }
            if !self.graph.self_refs.is_empty() {
                return self.finish();
            }
        }
        self.prepare_moves_and_removals();
        self.prepare_pending();
        self.prepare_targets();
        write(&self.eval).module_instances.insert(Vec::new(), vec![ModuleInstance::root()]);
        let destroy = self.opts.mode == PlanMode::Destroy;
        crate::timings::mark("walk prepared");
        if !destroy || self.mode == WalkMode::Validate {
            self.walk_graph().await;
        }
        crate::timings::mark("graph walked");
        // An interrupted walk did not visit every instance: those it missed are not orphans.
        if self.mode != WalkMode::Validate && !self.opts.interrupt.is_set() {
            self.plan_orphans().await;
        }
        if self.mode != WalkMode::Validate && !destroy && !self.opts.interrupt.is_set() {
            self.evaluate_checks();
        }
        crate::timings::mark("orphans and checks");
        self.finish()
    }

    /// `check` blocks: each assertion is evaluated once the walk has every value. A check never
    /// fails the run — a false assertion, one that cannot be known until apply, and an error
    /// evaluating it are warnings, as in Terraform.
    fn evaluate_checks(&self) {
        for mnode in self.config.all_modules() {
            if mnode.module.checks.is_empty() {
                continue;
            }
            let instances = read(&self.eval).module_instances.get(&mnode.path).cloned().unwrap_or_default();
            for mi in &instances {
                for check in &mnode.module.checks {
                    for rule in &check.asserts {
                        let ((cond, msg), diags) =
                            self.eval_with(mnode, mi, None, None, None, |ev| (ev.eval(&rule.condition), ev.eval(&rule.error_message)));
                        if !diags.is_empty() {
                            for mut d in diags {
                                d.severity = infra_value::Severity::Warning;
                                self.warning(d);
                            }
                            continue;
                        }
                        let (cond, _) = cond.unmark_deep();
                        let subject = self.range(rule.condition.span);
                        if !cond.is_known() {
                            if self.mode == WalkMode::Plan {
                                self.warning(
                                    Diagnostic::warning(
                                        "Check block assertion known after apply",
                                        "The condition could not be evaluated at this time, a result will be known when this plan is applied.",
                                    )
                                    .with_subject_opt(subject),
                                );
                            }
                        } else if cond.as_bool() == Some(false) {
                            let msg = msg.unmark_deep().0.as_str().unwrap_or("").to_string();
                            self.warning(Diagnostic::warning("Check block assertion failed", msg).with_subject_opt(subject));
                        }
                    }
                }
            }
        }
    }

    /// Takes the operations a previous run left unfinished out of the prior state. Only a plan
    /// reconciles them (an apply starts from the plan's prior state, which holds the result);
    /// updates and deletes need no provider call, creates are resolved when their instance is
    /// visited (or among the orphans).
    fn prepare_pending(&self) {
        let pending = std::mem::take(&mut lock(&self.prior).pending);
        lock(&self.working).pending.clear();
        if self.mode != WalkMode::Plan {
            return;
        }
        for op in pending {
            if op.is_create() && op.addr.resource.resource.mode == Mode::Managed {
                lock(&self.pending_creates).insert(op.addr.clone(), op);
            } else {
                lock(&self.recovered).push(Recovery { op, result: RecoveryResult::KeptAsRecorded, instance: None });
            }
        }
    }

    /// Asks the provider what became of an interrupted create of `addr` and records the answer
    /// in the prior and working states. Returns the instance that now exists in state, if any.
    /// The caller has checked that state holds no object for `addr`.
    async fn recover_create(&self, addr: &ResourceInstance, entry: &ProviderEntry, schema: &Block, deps: Vec<String>) -> Option<StateInstance> {
        let op = lock(&self.pending_creates).remove(addr)?;
        let resp = entry
            .provider
            .recover_by_token(RecoverRequest {
                type_name: addr.resource.resource.ty.clone(),
                idempotency_token: op.token.clone(),
                planned_state: op.planned.clone(),
                redacted: op.redacted.clone(),
            })
            .await;
        let (result, value) = match resp {
            RecoverResponse::Exists(v) => (RecoveryResult::Adopted, Some(v)),
            RecoverResponse::Incomplete(v) => (RecoveryResult::AdoptedTainted, Some(v)),
            RecoverResponse::Absent => (RecoveryResult::Absent, None),
            RecoverResponse::Unknown if op.planned.is_null() => {
                // Nothing to record the object with: the intent stays pending (listed as
                // unconfirmed) rather than being forgotten.
                self.errors([Diagnostic::warning(
                    "Unfinished operation left pending",
                    format!("A previous run was interrupted while creating {addr}, the provider cannot tell whether the object exists, and the journal holds no planned object to record. It stays listed as unconfirmed by \"infra state list\"; check it by hand."),
                )]);
                return None;
            }
            RecoverResponse::Unknown => (RecoveryResult::KeptTainted, Some(op.planned.clone())),
        };
        let instance = value.filter(|v| !v.is_null()).map(|v| StateInstance {
            value: reapply_sensitive(schema, v),
            private: None,
            dependencies: deps,
            tainted: result != RecoveryResult::Adopted,
            schema_version: 0,
            create_before_destroy: false,
        });
        if let Some(inst) = &instance {
            lock(&self.prior).set_instance(addr, &entry.addr, inst.clone());
            lock(&self.working).set_instance(addr, &entry.addr, inst.clone());
        }
        let result = if instance.is_none() { RecoveryResult::Absent } else { result };
        lock(&self.recovered).push(Recovery { op, result, instance: instance.clone() });
        instance
    }

    // ----- preparation: moved, removed, import, targets -----

    fn prepare_moves_and_removals(&mut self) {
        // The prior state is copied (and the working state replaced) only when `moved` blocks
        // may change it; a configuration without any leaves both as `new` made them.
        let any_moves = self.config.all_modules().iter().any(|m| !m.module.moved.is_empty());
        let mut prior = if any_moves { lock(&self.prior).clone() } else { WorkingState::default() };
        let mut moved: HashMap<ResourceInstance, ResourceInstance> = HashMap::new();
        for m in self.config.all_modules() {
            let base = ModuleInstance(m.path.iter().map(|p| (p.clone(), None)).collect());
            for mv in &m.module.moved {
                let (Some(from), Some(to)) = (self.static_addr(&base, &mv.from), self.static_addr(&base, &mv.to)) else {
                    continue;
                };
                apply_move(&mut prior, &from, &to, &mut moved);
            }
            for rm in &m.module.removed {
                if let Some(StaticAddr::Resource(module, key, _)) = self.static_addr(&base, &rm.from) {
                    self.forgets.push((key, module, rm.destroy));
                }
            }
            for im in &m.module.imports {
                if im.for_each.is_some() {
                    // import blocks with for_each are expanded below.
                }
                match im.for_each.as_ref() {
                    None => {
                        let id = {
                            let scope = self.root_scope_for_static();
                            let mut ev = Evaluator::new(&scope, self.sources);
                            let v = ev.eval(&im.id);
                            self.errors(ev.diagnostics);
                            v
                        };
                        if let (Some(StaticAddr::Resource(module, key, ikey)), Some(id)) = (self.static_addr(&base, &im.to), id.as_str()) {
                            self.imports.push((AbsResource { module, resource: key }.instance(ikey), id.to_string()));
                        }
                    }
                    Some(fe) => {
                        let scope = self.root_scope_for_static();
                        let mut ev = Evaluator::new(&scope, self.sources);
                        let coll = ev.eval(fe);
                        self.errors(ev.diagnostics);
                        let coll = coll.unmark_deep().0;
                        let items: Vec<(Value, Value)> = match (coll.as_entries(), coll.kind()) {
                            (Some(m), _) => m.iter().map(|(k, v)| (Value::string(k), v.clone())).collect(),
                            // A set's elements are their own keys, as in resource for_each.
                            (None, Kind::Set(..)) => coll.as_elements().unwrap_or(&[]).iter().map(|v| (v.clone(), v.clone())).collect(),
                            _ => coll
                                .as_elements()
                                .map(|es| es.iter().enumerate().map(|(i, v)| (Value::from_i64(i as i64), v.clone())).collect())
                                .unwrap_or_default(),
                        };
                        for (k, v) in items {
                            let mut scope = self.root_scope_for_static();
                            scope.each = Some((k, v));
                            let mut ev = Evaluator::new(&scope, self.sources);
                            let idv = ev.eval(&im.id);
                            let to = match &im.to.kind {
                                crate::lang::ast::ExprKind::Traversal { root, steps, .. } => {
                                    addr_from_traversal(&base, root, steps, &mut ev)
                                }
                                _ => None,
                            };
                            self.errors(ev.diagnostics);
                            if let (Some(StaticAddr::Resource(module, key, ikey)), Some(id)) = (to, idv.as_str()) {
                                self.imports.push((AbsResource { module, resource: key }.instance(ikey), id.to_string()));
                            }
                        }
                    }
                }
            }
        }
        // A chain of moves (a → b, then b → c) reports the address the object had in state (a),
        // as Terraform does.
        let back: HashMap<ResourceInstance, ResourceInstance> = moved.into_iter().map(|(from, to)| (to, from)).collect();
        let mut moved_from = HashMap::with_capacity(back.len());
        for (to, from) in &back {
            let mut origin = from;
            let mut steps = 0;
            while let Some(earlier) = back.get(origin) {
                if earlier == to || steps > back.len() {
                    break;
                }
                origin = earlier;
                steps += 1;
            }
            moved_from.insert(to.clone(), origin.clone());
        }
        *lock(&self.moved_from) = moved_from;
        if !any_moves {
            if self.mode == WalkMode::Apply && self.opts.targets.is_empty() && self.opts.mode != PlanMode::RefreshOnly {
                lock(&self.working).outputs.clear();
            }
            return;
        }
        *lock(&self.prior) = prior.clone();
        if self.mode == WalkMode::Apply {
            // Outputs are recomputed by the walk; ones removed from configuration disappear.
            let mut w = lock(&self.working);
            *w = prior;
            if self.opts.targets.is_empty() && self.opts.mode != PlanMode::RefreshOnly {
                w.outputs.clear();
            }
        } else {
            let outputs = std::mem::take(&mut lock(&self.working).outputs);
            let mut w = lock(&self.working);
            *w = prior;
            w.outputs = outputs;
        }
    }

    fn root_scope_for_static(&self) -> WalkScope<'_> {
        WalkScope {
            walker: self,
            eval: None,
            module: ModuleInstance::root(),
            module_node: self.config.root.clone(),
            count_index: None,
            each: None,
            self_value: None,
            func: self.func_context(&self.config.root),
        }
    }

    fn static_addr(&self, base: &ModuleInstance, e: &Expr) -> Option<StaticAddr> {
        match &e.kind {
            crate::lang::ast::ExprKind::Traversal { root, steps, .. } => {
                let scope = self.root_scope_for_static();
                let mut ev = Evaluator::new(&scope, self.sources);
                let r = addr_from_traversal(base, root, steps, &mut ev);
                self.errors(ev.diagnostics);
                r
            }
            _ => {
                self.error(Diagnostic::error("Invalid address", "A static reference to a resource or module is required here.").with_subject_opt(self.range(e.span)));
                None
            }
        }
    }

    fn prepare_targets(&mut self) {
        if self.opts.targets.is_empty() {
            return;
        }
        let mut seeds = Vec::new();
        for t in &self.opts.targets {
            match crate::addrs::parse_address(t) {
                Ok((module, Some(key), _)) => {
                    let n = Node { module: module.config_path(), kind: NodeKind::Resource(key) };
                    if let Some(i) = self.graph.index.get(&n) {
                        seeds.push(*i);
                    }
                }
                Ok((module, None, _)) => {
                    let path = module.config_path();
                    for (n, i) in &self.graph.index {
                        if n.module.starts_with(&path) {
                            seeds.push(*i);
                        }
                    }
                }
                Err(e) => self.error(Diagnostic::error("Invalid target address", format!("{t:?}: {e}."))),
            }
        }
        let mut set = HashSet::new();
        let mut stack = seeds;
        while let Some(n) = stack.pop() {
            if set.insert(n) {
                stack.extend(self.graph.dependencies(n));
            }
        }
        self.target_nodes = Some(set);
        self.warning(Diagnostic::warning(
            "Resource targeting is in effect",
            "You are creating a plan with the -target option, which means that the result of this plan may not represent all of the changes requested by the current configuration.\n\nThe -target option is not for routine use, and is provided only for exceptional situations such as recovering from errors or mistakes, or when infra specifically suggests to use it as part of an error message.",
        ));
    }

    /// Whether a root output takes part in a targeted run: as Terraform's `TargetsTransformer`
    /// decides, when every resource it depends on (transitively) is targeted, and it depends on
    /// at least one. Without `-target` every output does.
    fn output_is_targeted(&self, n: NodeIndex) -> bool {
        let Some(targets) = &self.target_nodes else { return true };
        let mut seen = HashSet::new();
        let mut stack: Vec<NodeIndex> = self.graph.dependencies(n).collect();
        let mut resources = 0;
        while let Some(d) = stack.pop() {
            if !seen.insert(d) {
                continue;
            }
            if matches!(self.graph.graph[d].kind, NodeKind::Resource(_)) {
                if !targets.contains(&d) {
                    return false;
                }
                resources += 1;
            }
            stack.extend(self.graph.dependencies(d));
        }
        resources > 0
    }

    fn func_context(&self, m: &ModuleNode) -> &FuncContext {
        // Relative paths in file functions resolve against the working directory, as in
        // Terraform; configurations anchor them with path.module.
        let _ = m;
        &self.func
    }

    // ----- the graph walk -----

    async fn walk_graph(&self) {
        let g = &self.graph.graph;
        if self.graph.order.is_empty() && g.node_count() > 0 {
            return; // a cycle; already reported
        }
        let per_lane = self.opts.parallelism.max(1);
        crate::schedule::run(self.graph, self.lanes(), per_lane, &self.opts.interrupt, |n| self.visit(n)).await;
        self.phase_key.store(u32::MAX, std::sync::atomic::Ordering::Relaxed);
    }

    /// How many threads the graph walk uses. One for `-parallelism=1`, a small graph (threads
    /// cost more than they save) or a runtime that is not multi-threaded (its timers run only
    /// under its own `block_on`); otherwise one per core.
    fn lanes(&self) -> usize {
        if self.opts.parallelism <= 1 || self.graph.graph.node_count() < PARALLEL_WALK_MIN_NODES {
            return 1;
        }
        match tokio::runtime::Handle::try_current() {
            Ok(h) if h.runtime_flavor() == tokio::runtime::RuntimeFlavor::MultiThread => crate::par::cores().min(self.opts.parallelism),
            _ => 1,
        }
    }

    /// Visits one node for all instances of its module. Returns false when it failed.
    async fn visit(&self, n: NodeIndex) -> bool {
        let node = &self.graph.graph[n];
        let Some(mnode) = self.config.module(&node.module).cloned() else { return true };
        let instances = read(&self.eval).module_instances.get(&node.module).cloned().unwrap_or_default();
        match &node.kind {
            NodeKind::Variable(name) => {
                for mi in &instances {
                    self.visit_variable(&mnode, mi, name);
                }
            }
            NodeKind::Local(name) => {
                for mi in &instances {
                    let Some(l) = mnode.module.locals.get(name) else { continue };
                    let v = self.eval_in(&mnode, mi, None, None, None, &l.expr);
                    write(&self.eval).locals.insert((mi.clone(), name.clone()), v);
                }
            }
            NodeKind::Output(name) => {
                if node.module.is_empty() && !self.output_is_targeted(n) {
                    // Left out of a targeted run, as Terraform does: no change is planned and the
                    // recorded value stays.
                    lock(&self.untargeted_outputs).insert(name.clone());
                    return true;
                }
                for mi in &instances {
                    self.visit_output(&mnode, mi, name);
                }
            }
            NodeKind::ModuleCall(name) => {
                for mi in &instances {
                    self.visit_module_call(&mnode, mi, name);
                }
            }
            NodeKind::Resource(key) => {
                let skip = self.target_nodes.as_ref().map(|t| !t.contains(&n)).unwrap_or(false);
                let Some(res) = mnode.module.resources.get(key).cloned() else { return true };
                let mut futs = Vec::new();
                for mi in &instances {
                    if skip {
                        self.use_prior_values(mi, &res);
                        continue;
                    }
                    futs.push(self.visit_resource(&mnode, mi.clone(), res.clone(), n));
                }
                futures_util::future::join_all(futs).await;
            }
        }
        // Reports of this node carry its key (see `report_key`), whichever thread made them.
        let key = self.report_key();
        !lock(&self.diags).iter().any(|(k, _)| *k == key)
    }

    /// Evaluates an expression in a module instance.
    fn eval_in(
        &self,
        mnode: &Arc<ModuleNode>,
        mi: &ModuleInstance,
        count_index: Option<Value>,
        each: Option<(Value, Value)>,
        self_value: Option<Value>,
        e: &Expr,
    ) -> Value {
        let (v, diags) = self.eval_with(mnode, mi, count_index, each, self_value, |ev| ev.eval(e));
        self.errors(diags);
        v
    }

    fn eval_with<T>(
        &self,
        mnode: &Arc<ModuleNode>,
        mi: &ModuleInstance,
        count_index: Option<Value>,
        each: Option<(Value, Value)>,
        self_value: Option<Value>,
        f: impl FnOnce(&mut Evaluator<'_>) -> T,
    ) -> (T, Vec<Diagnostic>) {
        let scope = WalkScope {
            walker: self,
            eval: Some(&self.eval),
            module: mi.clone(),
            module_node: mnode.clone(),
            count_index,
            each,
            self_value,
            func: self.func_context(mnode),
        };
        let mut ev = Evaluator::new(&scope, self.sources);
        let out = f(&mut ev);
        let diags = std::mem::take(&mut ev.diagnostics);
        (out, diags)
    }

    fn visit_variable(&self, mnode: &Arc<ModuleNode>, mi: &ModuleInstance, name: &str) {
        let Some(var) = mnode.module.variables.get(name) else { return };
        let decl = self.range(var.span).map(|r| crate::config::parse::short_range(&r)).unwrap_or_default();
        let raw: Value = if mi.is_root() {
            match self.root_vars.get(name) {
                Some(v) => v.clone(),
                None => match &var.default {
                    Some(d) => self.eval_in(mnode, mi, None, None, None, d),
                    None => {
                        if self.mode == WalkMode::Validate {
                            Value::unknown(var.ty.clone())
                        } else {
                            // Reported by the variable collection step; keep going with unknown.
                            Value::unknown(var.ty.clone())
                        }
                    }
                },
            }
        } else {
            let parent_mi = mi.parent();
            let Some(parent_node) = self.config.module(&parent_mi.config_path()).cloned() else { return };
            let call_name = mi.0.last().map(|(n, _)| n.clone()).unwrap_or_default();
            let call_key = mi.0.last().and_then(|(_, k)| k.clone());
            let Some(call) = parent_node.module.module_calls.get(&call_name) else { return };
            match call.inputs.get(name) {
                Some(attr) => {
                    let (ci, each) = self.repetition_for_module(&parent_mi, &call_name, &call_key);
                    let v = self.eval_in(&parent_node, &parent_mi, ci, each, None, &attr.expr);
                    if v.is_null() {
                        match &var.default {
                            Some(d) if !var.nullable || true => {
                                if var.nullable {
                                    v
                                } else {
                                    self.eval_in(mnode, mi, None, None, None, d)
                                }
                            }
                            _ => v,
                        }
                    } else {
                        v
                    }
                }
                None => match &var.default {
                    Some(d) => self.eval_in(mnode, mi, None, None, None, d),
                    None => Value::unknown(var.ty.clone()),
                },
            }
        };
        let mut value = raw;
        if value.is_null() && !var.nullable {
            if let Some(d) = &var.default {
                value = self.eval_in(mnode, mi, None, None, None, d);
            } else {
                self.error(
                    Diagnostic::error(
                        "Required variable not set",
                        format!("Unsuitable value for var.{name} set using an argument: required variable may not be set to null."),
                    )
                    .with_subject_opt(self.range(var.span)),
                );
            }
        }
        if let Some(defs) = &var.type_defaults {
            value = defs.apply(&var.ty, value);
        }
        let value = match convert(&value, &var.ty) {
            Ok(v) => v,
            Err(e) => {
                let detail = if mi.is_root() {
                    format!("The given value is not suitable for var.{name} declared at {decl}: {}.", e)
                } else {
                    format!("The given value is not suitable for var.{name} declared at {decl}: {}.", e)
                };
                self.error(Diagnostic::error("Invalid value for input variable", detail).with_subject_opt(self.range(var.span)));
                Value::unknown(var.ty.clone())
            }
        };
        let value = if var.sensitive { value.mark_sensitive() } else { value };
        write(&self.eval).vars.insert((mi.clone(), name.to_string()), value.clone());
        // Validation rules see the converted value.
        for rule in &var.validations {
            let (res, diags) = self.eval_with(mnode, mi, None, None, None, |ev| {
                let c = ev.eval(&rule.condition);
                (c, ev.eval(&rule.error_message))
            });
            let (cond, msg) = res;
            self.errors(diags);
            let (cond, _) = cond.unmark_deep();
            if cond.as_bool() == Some(false) {
                let msg = msg.unmark_deep().0.as_str().unwrap_or("").to_string();
                let at = self.range(rule.span).map(|r| crate::config::parse::short_range(&r)).unwrap_or_default();
                self.error(
                    Diagnostic::error("Invalid value for variable", format!("{msg}\n\nThis was checked by the validation rule at {at}."))
                        .with_subject_opt(self.range(var.span)),
                );
            }
        }
    }

    fn repetition_for_module(&self, parent: &ModuleInstance, call: &str, key: &Option<InstanceKey>) -> (Option<Value>, Option<(Value, Value)>) {
        let eval = read(&self.eval);
        match (eval.module_expansions.get(&(parent.clone(), call.to_string())), key) {
            (Some(Expansion::Count(_)), Some(InstanceKey::Int(i))) => (Some(Value::from_i64(*i)), None),
            (Some(Expansion::ForEach(m)), Some(InstanceKey::Str(k))) => {
                (None, Some((Value::string(k), m.get(k).cloned().unwrap_or_else(Value::dynamic_null))))
            }
            (Some(Expansion::Unknown), _) => (Some(Value::unknown(Type::Number)), Some((Value::unknown(Type::String), Value::dynamic_unknown()))),
            _ => (None, None),
        }
    }

    fn visit_output(&self, mnode: &Arc<ModuleNode>, mi: &ModuleInstance, name: &str) {
        let Some(out) = mnode.module.outputs.get(name) else { return };
        for p in &out.preconditions {
            let ((c, m), diags) = self.eval_with(mnode, mi, None, None, None, |ev| (ev.eval(&p.condition), ev.eval(&p.error_message)));
            self.errors(diags);
            if c.unmark_deep().0.as_bool() == Some(false) {
                let msg = m.unmark_deep().0.as_str().unwrap_or("").to_string();
                // Unlike resource conditions, Terraform's message names no location here.
                self.error(
                    Diagnostic::error("Module output value precondition failed", msg)
                        .with_subject_opt(self.range(p.condition.span)),
                );
            }
        }
        let v = self.eval_in(mnode, mi, None, None, None, &out.expr);
        if mi.is_root() && !out.sensitive && v.deep_marks().contains(Marks::SENSITIVE) {
            self.error(
                Diagnostic::error(
                    "Output refers to sensitive values",
                    "To reduce the risk of accidentally exporting sensitive data that was intended to be only internal, Terraform requires that any root module output containing sensitive data be explicitly marked as sensitive, to confirm your intent.\n\nIf you do intend to export this data, annotate the output value as sensitive by adding the following argument:\n    sensitive = true",
                )
                .with_subject_opt(self.range(out.span)),
            );
        }
        let v = if out.sensitive { v.mark_sensitive() } else { v };
        write(&self.eval).outputs.insert((mi.clone(), name.to_string()), v.clone());
        // A null output is no output at all in Terraform (absent from state and output -json).
        if mi.is_root() && !(v.is_null() && v.is_known()) {
            lock(&self.working).outputs.insert(name.to_string(), StateOutput { value: v, sensitive: out.sensitive });
        }
    }

    fn visit_module_call(&self, mnode: &Arc<ModuleNode>, mi: &ModuleInstance, name: &str) {
        let Some(call) = mnode.module.module_calls.get(name) else { return };
        let exp = self.expansion(mnode, mi, call.count.as_ref(), call.for_each.as_ref(), "module");
        let mut child_path = mnode.path.clone();
        child_path.push(name.to_string());
        let mut eval = write(&self.eval);
        for k in exp.keys() {
            let child = mi.child(name, k);
            eval.module_instances.entry(child_path.clone()).or_default().push(child);
        }
        eval.module_expansions.insert((mi.clone(), name.to_string()), exp);
    }

    /// Evaluates `count` / `for_each`.
    fn expansion(&self, mnode: &Arc<ModuleNode>, mi: &ModuleInstance, count: Option<&Expr>, for_each: Option<&Expr>, _what: &str) -> Expansion {
        if let Some(c) = count {
            let v = self.eval_in(mnode, mi, None, None, None, c);
            let (v, _) = v.unmark_deep();
            if !v.is_known() {
                if self.mode == WalkMode::Validate {
                    return Expansion::Unknown;
                }
                self.error(
                    Diagnostic::error(
                        "Invalid count argument",
                        "The \"count\" value depends on resource attributes that cannot be determined until apply, so Terraform cannot predict how many instances will be created. To work around this, use the -target argument to first apply only the resources that the count depends on.",
                    )
                    .with_subject_opt(self.range(c.span)),
                );
                return Expansion::Unknown;
            }
            if v.is_null() {
                self.error(
                    Diagnostic::error("Invalid count argument", "The given \"count\" argument value is null. An integer is required.")
                        .with_subject_opt(self.range(c.span)),
                );
                return Expansion::Count(0);
            }
            let n = match convert(&v, &Type::Number) {
                Ok(n) => n,
                Err(e) => {
                    self.error(
                        Diagnostic::error("Incorrect value type", format!("Invalid expression value: {}.", e))
                            .with_subject_opt(self.range(c.span)),
                    );
                    return Expansion::Count(0);
                }
            };
            return match n.as_number().and_then(|x| x.to_i64()) {
                Some(i) if i >= 0 => Expansion::Count(i as usize),
                Some(_) => {
                    self.error(
                        Diagnostic::error("Invalid count argument", "The given \"count\" argument value is unsuitable: must be greater than or equal to zero.")
                            .with_subject_opt(self.range(c.span)),
                    );
                    Expansion::Count(0)
                }
                None => {
                    self.error(
                        Diagnostic::error("Invalid count argument", "The given \"count\" argument value is unsuitable: value must be a whole number.")
                            .with_subject_opt(self.range(c.span)),
                    );
                    Expansion::Count(0)
                }
            };
        }
        if let Some(fe) = for_each {
            let v = self.eval_in(mnode, mi, None, None, None, fe);
            if v.is_sensitive() {
                self.error(
                    Diagnostic::error(
                        "Invalid for_each argument",
                        "Sensitive values, or values derived from sensitive values, cannot be used as for_each arguments. If used, the sensitive value could be exposed as a resource instance key.",
                    )
                    .with_subject_opt(self.range(fe.span)),
                );
                return Expansion::ForEach(BTreeMap::new());
            }
            if !v.is_known() {
                if self.mode == WalkMode::Validate {
                    return Expansion::Unknown;
                }
                self.error(
                    Diagnostic::error(
                        "Invalid for_each argument",
                        "The \"for_each\" map includes keys derived from resource attributes that cannot be determined until apply, and so Terraform cannot determine the full set of keys that will identify the instances of this resource.\n\nWhen working with unknown values in for_each, it's better to define the map keys statically in your configuration and place apply-time results only in the map values.\n\nAlternatively, you could use the -target planning option to first apply only the resources that the for_each value depends on, and then apply a second time to fully converge.",
                    )
                    .with_subject_opt(self.range(fe.span)),
                );
                return Expansion::Unknown;
            }
            if v.is_null() {
                self.error(
                    Diagnostic::error("Invalid for_each argument", "The given \"for_each\" argument value is unsuitable: the given \"for_each\" argument value is null. A map, or set of strings is allowed.")
                        .with_subject_opt(self.range(fe.span)),
                );
                return Expansion::ForEach(BTreeMap::new());
            }
            match v.kind() {
                Kind::Map(..) | Kind::Object(_) => {
                    let m = v.as_entries().cloned().unwrap_or_default();
                    return Expansion::ForEach(m);
                }
                Kind::Set(t, es) if *t == Type::String || es.iter().all(|e| e.as_str().is_some()) => {
                    if !v.is_wholly_known() {
                        if self.mode == WalkMode::Validate {
                            return Expansion::Unknown;
                        }
                        self.error(Diagnostic::error("Invalid for_each argument", "The \"for_each\" set includes values derived from resource attributes that cannot be determined until apply, and so Terraform cannot determine the full set of keys that will identify the instances of this resource.").with_subject_opt(self.range(fe.span)));
                        return Expansion::Unknown;
                    }
                    let mut m = BTreeMap::new();
                    for e in es.iter() {
                        let (e, _) = e.unmark_deep();
                        if let Some(s) = e.as_str() {
                            m.insert(s.to_string(), e.clone());
                        }
                    }
                    return Expansion::ForEach(m);
                }
                Kind::Set(t, _) => {
                    self.error(
                        Diagnostic::error(
                            "Invalid for_each set argument",
                            format!("The given \"for_each\" argument value is unsuitable: \"for_each\" supports maps and sets of strings, but you have provided a set containing type {}.", t.friendly_name()),
                        )
                        .with_subject_opt(self.range(fe.span)),
                    );
                    return Expansion::ForEach(BTreeMap::new());
                }
                _ => {
                    let tyname = match v.kind() {
                        Kind::Tuple(_) => "tuple".to_string(),
                        Kind::List(..) => format!("{}", v.ty().friendly_name()),
                        _ => v.ty().friendly_name(),
                    };
                    self.error(
                        Diagnostic::error(
                            "Invalid for_each argument",
                            format!("The given \"for_each\" argument value is unsuitable: the \"for_each\" argument must be a map, or set of strings, and you have provided a value of type {tyname}."),
                        )
                        .with_subject_opt(self.range(fe.span)),
                    );
                    return Expansion::ForEach(BTreeMap::new());
                }
            }
        }
        Expansion::Single
    }

    /// With `-target`, resources outside the target keep their prior values for references.
    fn use_prior_values(&self, mi: &ModuleInstance, res: &Resource) {
        let addr = AbsResource { module: mi.clone(), resource: res.key.clone() };
        let prior = lock(&self.prior);
        let mut instances = BTreeMap::new();
        let mut exp = Expansion::Single;
        if let Some(r) = prior.resources.get(&addr) {
            for (k, inst) in &r.instances {
                instances.insert(k.clone(), inst.value.clone());
                lock(&self.claimed).insert(addr.instance(k.clone()));
                exp = match k {
                    Some(InstanceKey::Int(_)) => Expansion::Count(r.instances.len()),
                    Some(InstanceKey::Str(_)) => Expansion::ForEach(BTreeMap::new()),
                    None => Expansion::Single,
                };
            }
        }
        if let Expansion::ForEach(_) = exp {
            let m = instances.iter().filter_map(|(k, v)| match k {
                Some(InstanceKey::Str(s)) => Some((s.clone(), v.clone())),
                _ => None,
            });
            exp = Expansion::ForEach(m.collect());
        }
        write(&self.eval).resources.insert(addr, (exp, instances));
    }

    async fn visit_resource(&self, mnode: &Arc<ModuleNode>, mi: ModuleInstance, res: Arc<Resource>, node: NodeIndex) {
        let addr = AbsResource { module: mi.clone(), resource: res.key.clone() };
        let entry = match self.providers.for_resource(self.config, &mnode.path, &res) {
            Ok(e) => e,
            Err(d) => {
                self.error(d.with_subject_opt(self.range(res.decl_span)));
                return;
            }
        };
        let schema = match res.key.mode {
            Mode::Managed => entry.schema.resources.get(&res.key.ty),
            Mode::Data => entry.schema.data_sources.get(&res.key.ty),
        };
        let Some(schema) = schema else {
            let what = if res.key.mode == Mode::Managed { "resource" } else { "data source" };
            self.error(
                Diagnostic::error(
                    &format!("Invalid {what} type"),
                    format!("The provider {} does not support {what} type {:?}.", entry.fqn.trim_start_matches("registry.terraform.io/"), res.key.ty),
                )
                .with_subject_opt(self.range(res.decl_span)),
            );
            return;
        };
        // Configure the provider with its block from the root module (inherited by modules).
        let pconfig = {
            let pc = self.config.root.module.providers.iter().find(|p| {
                Some(p.name.as_str()) == Some(entry.type_name.as_str()) || p.name == res.provider_local_name()
            });
            match pc {
                Some(pc) => {
                    let root = self.config.root.clone();
                    let (v, diags) = self.eval_with(&root, &ModuleInstance::root(), None, None, None, |ev| {
                        crate::decode::decode_body(ev, &pc.body, &entry.schema.provider)
                    });
                    self.errors(diags);
                    v
                }
                None => Value::null(entry.schema.provider.implied_type()),
            }
        };
        if self.mode != WalkMode::Validate {
            if let Err(ds) = ensure_configured(&entry, pconfig).await {
                self.errors(ds);
                return;
            }
        }
        let exp = self.expansion(mnode, &mi, res.count.as_ref(), res.for_each.as_ref(), "resource");
        let keys = exp.keys();
        // Evaluate every instance's configuration: CPU only, reading the evaluation state, so a
        // resource with many instances is evaluated on every core.
        let evaluated = crate::par::map(&keys, 64, |key| {
            let (ci, each) = match (&exp, key) {
                (Expansion::Count(_), Some(InstanceKey::Int(i))) => (Some(Value::from_i64(*i)), None),
                (Expansion::ForEach(m), Some(InstanceKey::Str(k))) => {
                    (None, Some((Value::string(k), m.get(k).cloned().unwrap_or_else(Value::dynamic_null))))
                }
                (Expansion::Unknown, _) => (Some(Value::unknown(Type::Number)), Some((Value::unknown(Type::String), Value::dynamic_unknown()))),
                _ => (None, None),
            };
            let (cfg, diags) = self.eval_with(mnode, &mi, ci.clone(), each.clone(), None, |ev| crate::decode::decode_body(ev, &res.body, &schema.block));
            (cfg, diags, ci, each)
        });
        let mut work = Vec::with_capacity(keys.len());
        for (key, (cfg, diags, ci, each)) in keys.iter().zip(evaluated) {
            let failed = diags.iter().any(Diagnostic::is_error);
            self.errors(diags);
            work.push((key.clone(), cfg, failed, ci, each));
        }
        let deps = self.direct_resource_deps(node, &mi);
        // One future per key, made only when a slot in the window is free; `None` where the
        // configuration failed (or in validate). An instance future is a few KiB: making all of
        // a 1000-instance resource's futures up front touched megabytes of fresh memory (page
        // faults, most of the walk's growth) for no gain, since instances never wait on one
        // another and provider calls that wait are limited to `-parallelism` by the semaphore.
        let window = self.opts.parallelism.max(INSTANCE_WINDOW);
        let instance_count = work.len();
        let futs = work.into_iter().enumerate().map(|(index, (key, cfg, failed, ci, each))| {
            let inst = addr.instance(key);
            if failed {
                return futures_util::future::Either::Left(std::future::ready((index, None)));
            }
            if self.mode == WalkMode::Validate {
                let diags = entry.provider.validate_resource(&ValidateResourceRequest { type_name: res.key.ty.clone(), config: cfg });
                self.errors(diags.0);
                return futures_util::future::Either::Left(std::future::ready((index, None)));
            }
            // Boxed: the stream moves its futures into its own storage, and a boxed one moves as
            // a pointer instead of a copy of its whole state.
            let planned = Box::pin(self.instance(mnode, inst, cfg, &res, &entry, &schema.block, deps.clone(), ci, each));
            futures_util::future::Either::Right(async move { (index, planned.await) })
        });
        // Each planned instance pushes one change: grow the list once, not by doubling (a
        // change is hundreds of bytes, and each doubling copies all of them).
        lock(&self.changes).reserve(instance_count);
        // Each instance is claimed once: growing the set as they come rehashed every address
        // (strings) at each doubling.
        lock(&self.claimed).reserve(instance_count);
        let mut results: Vec<Option<Value>> = vec![None; instance_count];
        let mut put = |(index, v): (usize, Option<Value>)| {
            if let Some(slot) = results.get_mut(index) {
                *slot = v;
            }
        };
        if instance_count <= SMALL_INSTANCE_COUNT {
            // A few futures are cheaper to join in place than to run through a window.
            futures_util::future::join_all(futs).await.into_iter().for_each(&mut put);
        } else {
            let mut finished = futures_util::stream::iter(futs).buffer_unordered(window);
            while let Some(done) = finished.next().await {
                put(done);
            }
        }
        let mut values = BTreeMap::new();
        for (key, v) in keys.iter().zip(results) {
            let v = v.unwrap_or_else(|| Value::unknown(schema.block.implied_type()));
            values.insert(key.clone(), v);
        }
        write(&self.eval).resources.insert(addr, (exp, values));
    }

    /// The resources a node depends on directly, looking through locals, variables, outputs
    /// and module calls (which are not stored in state), as state `dependencies`.
    fn direct_resource_deps(&self, node: NodeIndex, mi: &ModuleInstance) -> Vec<String> {
        let mut out = BTreeSet::new();
        let mut seen = HashSet::new();
        let mut stack: Vec<NodeIndex> = self.graph.dependencies(node).collect();
        while let Some(n) = stack.pop() {
            if !seen.insert(n) {
                continue;
            }
            let nd = &self.graph.graph[n];
            match &nd.kind {
                NodeKind::Resource(k) => {
                    let mut prefix = String::new();
                    if nd.module.len() == mi.0.len() {
                        if !mi.is_root() {
                            prefix = format!("{mi}.");
                        }
                    } else {
                        for p in &nd.module {
                            prefix.push_str(&format!("module.{p}."));
                        }
                    }
                    out.insert(format!("{prefix}{k}"));
                }
                _ => stack.extend(self.graph.dependencies(n)),
            }
        }
        out.into_iter().collect()
    }

    /// Plans (and in apply mode, applies) one instance. Returns the value dependents see.
    #[allow(clippy::too_many_arguments)]
    async fn instance(
        &self,
        mnode: &Arc<ModuleNode>,
        addr: ResourceInstance,
        config: Value,
        res: &Resource,
        entry: &Arc<ProviderEntry>,
        schema: &Block,
        deps: Vec<String>,
        ci: Option<Value>,
        each: Option<(Value, Value)>,
    ) -> Option<Value> {
        // Borrowed: each provider request takes its own copy (most plans make one request).
        let type_name: &str = &res.key.ty;
        let mut prior_inst = lock(&self.prior).instance(&addr).cloned();
        // Only addresses of the prior state are looked up in `claimed` (the rest of them are
        // orphans): an instance without a prior object is not claimed, which for a resource
        // planned from nothing saved an address copy and a set insert per instance.
        if prior_inst.is_some() {
            lock(&self.claimed).insert(addr.clone());
        }
        // A create a previous run left unfinished: what the provider finds becomes the prior.
        if prior_inst.is_none() && res.key.mode == Mode::Managed && !lock(&self.pending_creates).is_empty() {
            // Recovery may add the instance to the prior state: claimed either way.
            lock(&self.claimed).insert(addr.clone());
            prior_inst = self.recover_create(&addr, entry, schema, deps.clone()).await;
        }
        let prev_addr = lock(&self.moved_from).get(&addr).cloned();
        // The value is moved out, not copied: every later use of `prior_inst` sets a new value.
        let mut prior = prior_inst.as_mut().map(|i| std::mem::replace(&mut i.value, Value::dynamic_null())).unwrap_or_else(|| Value::null(schema.implied_type()));
        let mut private = prior_inst.as_ref().and_then(|i| i.private.clone()).map(|p| p.into_bytes()).unwrap_or_default();
        let tainted = prior_inst.as_ref().map(|i| i.tainted).unwrap_or(false);
        let mut importing = None;

        if res.key.mode == Mode::Data {
            return self.data_source(addr, config, entry, schema, prior).await;
        }

        // Import blocks: adopt the existing object as the prior state.
        if prior.is_null() {
            if let Some((_, id)) = self.imports.iter().find(|(a, _)| *a == addr) {
                self.hooks.start(&addr.to_string(), OpKind::Import, Some(id));
                let resp = entry.provider.import_resource(ImportResourceRequest { type_name: type_name.to_string(), id: id.clone() }).await;
                if resp.diagnostics.has_errors() {
                    self.errors(resp.diagnostics.0.into_iter().map(|d| d.with_address(addr.to_string())));
                    return None;
                }
                if let Some(imp) = resp.imported.into_iter().next() {
                    let read = entry
                        .provider
                        .read_resource(ReadResourceRequest { type_name: type_name.to_string(), current_state: imp.state.clone(), private: imp.private.clone() })
                        .await;
                    if read.diagnostics.has_errors() {
                        self.errors(read.diagnostics.0);
                        return None;
                    }
                    if read.new_state.is_null() {
                        self.error(Diagnostic::error(
                            "Cannot import non-existent remote object",
                            format!("While attempting to import an existing object to {addr:?}, the provider detected that no object exists with the given id. Only pre-existing objects can be imported; check that the id is correct and that it is associated with the provider's configured region or endpoint, or use \"terraform apply\" to create a new remote object for this resource."),
                        ));
                        return None;
                    }
                    prior = read.new_state;
                    private = read.private;
                    importing = Some(id.clone());
                    let rid = prior.get_attr("id").and_then(|v| v.as_str()).map(String::from);
                    self.hooks.start(&addr.to_string(), OpKind::Refresh, rid.as_deref());
                }
            }
        }

        // Refresh.
        if !prior.is_null() && self.opts.refresh && importing.is_none() {
            let id = prior.get_attr("id").and_then(|v| v.as_str()).map(String::from);
            let addr_text = address_text(&addr);
            self.hooks.start(&addr_text, OpKind::Refresh, id.as_deref());
            let started = std::time::Instant::now();
            let resp = entry
                .provider
                .read_resource(ReadResourceRequest { type_name: type_name.to_string(), current_state: prior.clone(), private: private.clone() })
                .await;
            if resp.diagnostics.has_errors() {
                self.errors(resp.diagnostics.0.into_iter().map(|d| d.with_address(addr.to_string())));
                return None;
            }
            let new_id = resp.new_state.get_attr("id").and_then(|v| v.as_str()).map(String::from).or(id.clone());
            self.hooks.complete(&addr_text, OpKind::Refresh, new_id.as_deref(), started.elapsed());
            let refreshed = reapply_sensitive(schema, resp.new_state);
            let drifted = infra_provider_sdk::plan::differs(&prior, &refreshed) || refreshed.is_null() != prior.is_null();
            if drifted {
                lock(&self.drift).push(ResourceChange {
                    addr: addr.clone(),
                    prev_addr: None,
                    provider: entry.addr.clone(),
                    action: if refreshed.is_null() { Action::Delete } else { Action::Update },
                    reason: ActionReason::None,
                    before: prior.clone(),
                    after: refreshed.clone(),
                    requires_replace: Vec::new(),
                    importing: None,
                    private: Vec::new(),
                    schema_known: true,
                });
            }
            prior = refreshed;
            private = resp.private;
            if self.mode == WalkMode::Plan && drifted {
                // The plan's prior state is the refreshed one; apply starts from it. (Unchanged,
                // the prior state already holds it, with the sensitivity state recorded.)
                let mut p = lock(&self.prior);
                if prior.is_null() {
                    p.remove_instance(&addr);
                } else if let Some(mut i) = prior_inst.clone() {
                    i.value = prior.clone();
                    p.set_instance(&addr, &entry.addr, i);
                }
            }
            if self.mode == WalkMode::Apply {
                // Refreshed state is what apply starts from.
                let mut w = lock(&self.working);
                if prior.is_null() {
                    w.remove_instance(&addr);
                } else if let Some(mut i) = prior_inst.clone() {
                    i.value = prior.clone();
                    w.set_instance(&addr, &entry.addr, i);
                }
            }
        }

        if self.opts.mode == PlanMode::RefreshOnly {
            let mut w = lock(&self.working);
            if prior.is_null() {
                w.remove_instance(&addr);
            } else if let Some(mut i) = prior_inst.clone() {
                i.value = prior.clone();
                w.set_instance(&addr, &entry.addr, i);
            }
            return Some(prior);
        }

        // ignore_changes: configuration takes the prior values of ignored attributes.
        let mut config = config;
        if !prior.is_null() {
            config = apply_ignore_changes(&res.lifecycle.ignore_changes, &config, &prior, schema);
        }
        let proposed = proposed_new(schema, &prior, &config);
        let resp = entry
            .provider
            .plan_resource(PlanResourceRequest {
                type_name: type_name.to_string(),
                prior_state: prior.clone(),
                proposed_new_state: proposed.clone(),
                config: config.clone(),
                prior_private: private.clone(),
            })
            .await;
        if resp.diagnostics.has_errors() {
            self.errors(resp.diagnostics.0.into_iter().map(|d| d.with_address(addr.to_string())));
            return None;
        }
        let mut planned = reapply_sensitive(schema, resp.planned_state.unwrap_or(proposed));
        planned = carry_marks(&planned, &config);
        let mut requires_replace = resp.requires_replace;
        let mut planned_private = resp.planned_private;

        let cbd = self.bool_meta(mnode, &addr, res.lifecycle.create_before_destroy.as_ref());
        let (mut action, mut reason) = if prior.is_null() {
            (Action::Create, ActionReason::None)
        } else if tainted {
            (Action::DeleteThenCreate, ActionReason::ReplaceBecauseTainted)
        } else if !self.replace_set.is_empty() && self.replace_set.contains(&addr.to_string()) {
            (Action::DeleteThenCreate, ActionReason::ReplaceByRequest)
        } else if !requires_replace.is_empty() {
            (Action::DeleteThenCreate, ActionReason::ReplaceBecauseCannotUpdate)
        } else if infra_provider_sdk::plan::differs(&prior, &planned) {
            (Action::Update, ActionReason::None)
        } else {
            (Action::NoOp, ActionReason::None)
        };
        // replace_triggered_by: any referenced instance with a pending change.
        if matches!(action, Action::Update | Action::NoOp) && !res.lifecycle.replace_triggered_by.is_empty() && self.triggered(&addr, res, mnode, ci.clone(), each.clone()) {
            action = Action::DeleteThenCreate;
            reason = ActionReason::ReplaceByTriggers;
        }
        if action == Action::DeleteThenCreate {
            if cbd {
                action = Action::CreateThenDelete;
            }
            // Plan the replacement object from scratch.
            let fresh = proposed_new(schema, &Value::null(schema.implied_type()), &config);
            let r2 = entry
                .provider
                .plan_resource(PlanResourceRequest {
                    type_name: type_name.to_string(),
                    prior_state: Value::null(schema.implied_type()),
                    proposed_new_state: fresh.clone(),
                    config: config.clone(),
                    prior_private: Vec::new(),
                })
                .await;
            if r2.diagnostics.has_errors() {
                self.errors(r2.diagnostics.0);
                return None;
            }
            planned = carry_marks(&reapply_sensitive(schema, r2.planned_state.unwrap_or(fresh)), &config);
            planned_private = r2.planned_private;
            if reason != ActionReason::ReplaceBecauseCannotUpdate {
                requires_replace.clear();
            }
        }
        if matches!(action, Action::DeleteThenCreate | Action::CreateThenDelete) && self.bool_meta(mnode, &addr, res.lifecycle.prevent_destroy.as_ref()) {
            // The change is still shown ("planned the following actions, but then encountered
            // a problem"), as Terraform does.
            lock(&self.changes).push(ResourceChange {
                addr: addr.clone(),
                prev_addr: prev_addr.clone(),
                provider: entry.addr.clone(),
                action,
                reason,
                before: prior.clone(),
                after: planned.clone(),
                requires_replace: requires_replace.clone(),
                importing: importing.clone(),
                private: Vec::new(),
                schema_known: true,
            });
            self.error(
                Diagnostic::error(
                    "Instance cannot be destroyed",
                    format!("Resource {addr} has lifecycle.prevent_destroy set, but the plan calls for this resource to be destroyed. To avoid this error and continue with the plan, either disable lifecycle.prevent_destroy or reduce the scope of the plan using the -target option."),
                )
                .with_subject_opt(self.range(res.decl_span)),
            );
            return None;
        }
        // Preconditions.
        for p in &res.lifecycle.preconditions {
            let ((c, m), diags) = self.eval_with(mnode, &addr.resource.module, ci.clone(), each.clone(), None, |ev| (ev.eval(&p.condition), ev.eval(&p.error_message)));
            self.errors(diags);
            if c.unmark_deep().0.as_bool() == Some(false) {
                let at = self.range(p.span).map(|r| crate::config::parse::short_range(&r)).unwrap_or_default();
                self.error(
                    Diagnostic::error("Resource precondition failed", format!("{}\n\nThis was checked by the condition at {at}.", m.unmark_deep().0.as_str().unwrap_or("")))
                        .with_subject_opt(self.range(p.condition.span)),
                );
                return None;
            }
        }
        if action != Action::NoOp && self.records_changed {
            write(&self.eval).changed.insert(addr.clone());
        }
        if self.mode != WalkMode::Apply {
            // A plan's last uses of the instance's values: the working state, then the change,
            // which takes the address and the rest by move (a copy of each per instance
            // otherwise).
            lock(&self.working).set_instance(&addr, &entry.addr, StateInstance {
                value: planned.clone(),
                private: None,
                dependencies: deps,
                tainted: false,
                schema_version: 0,
                create_before_destroy: cbd,
            });
            lock(&self.changes).push(ResourceChange {
                addr,
                prev_addr,
                provider: entry.addr.clone(),
                action,
                reason,
                before: prior,
                after: planned.clone(),
                requires_replace,
                importing,
                private: planned_private,
                schema_known: true,
            });
            return Some(planned);
        }
        let change = ResourceChange {
            addr: addr.clone(),
            prev_addr: prev_addr.clone(),
            provider: entry.addr.clone(),
            action,
            reason,
            // Only an apply gets here, and it reads the prior value again below.
            before: prior.clone(),
            after: planned.clone(),
            requires_replace,
            importing: importing.clone(),
            private: planned_private.clone(),
            schema_known: true,
        };
        if let Some(saved) = self.saved_plan {
            let recorded = saved.changes.iter().find(|c| c.addr == addr);
            let expected = recorded.map(|c| c.action).unwrap_or(Action::NoOp);
            if expected != action {
                self.error(Diagnostic::error(
                    "Provider produced inconsistent final plan",
                    format!("When expanding the plan for {addr} to include new values learned so far during apply, the planned action changed from {expected:?} to {action:?}. This is a bug in the provider or the plan is stale; run plan again."),
                ));
                return None;
            }
            // The saved plan is what was reviewed: a value it recorded as known must not
            // have changed (values it recorded as unknown may have become known).
            if let Some(path) = recorded.filter(|c| c.action != Action::Delete).and_then(|c| crate::plan::first_difference(&c.after, &planned)) {
                let at = if path.is_empty() { String::new() } else { format!(" at {path}") };
                self.error(Diagnostic::error(
                    "Saved plan does not match",
                    format!("When applying the saved plan, the planned new value for {addr} differs from the one recorded in the plan{at}. The saved plan is no longer what would be applied; run plan again."),
                ));
                return None;
            }
        }
        lock(&self.changes).push(change);

        // ----- apply -----
        let schema_ty = schema.implied_type();
        let mut current = prior.clone();
        let new_value = match action {
            Action::NoOp => {
                let mut w = lock(&self.working);
                if let Some(mut i) = w.instance(&addr).cloned().or(prior_inst.clone()) {
                    i.dependencies = deps.clone();
                    i.value = prior.clone();
                    w.set_instance(&addr, &entry.addr, i);
                } else if importing.is_some() {
                    w.set_instance(&addr, &entry.addr, StateInstance { value: prior.clone(), private: None, dependencies: deps.clone(), tainted: false, schema_version: 0, create_before_destroy: cbd });
                }
                prior.clone()
            }
            _ => {
                if action == Action::DeleteThenCreate {
                    match self.call_apply(&addr, entry, type_name, &current, &Value::null(schema_ty.clone()), &Value::dynamic_null(), &private, Action::Delete, OpKind::Delete, deps.clone(), cbd, &schema_ty).await {
                        Some(_) => current = Value::null(schema_ty.clone()),
                        None => return None,
                    }
                }
                let (from, op) = match action {
                    Action::Create | Action::DeleteThenCreate | Action::CreateThenDelete => (Value::null(schema_ty.clone()), OpKind::Create),
                    _ => (current.clone(), OpKind::Update),
                };
                let old = current.clone();
                let new = self.call_apply(&addr, entry, type_name, &from, &planned, &config, &planned_private, action, op, deps.clone(), cbd, &schema_ty).await?;
                if action == Action::CreateThenDelete {
                    // The old object goes after the new one exists.
                    let resp = entry
                        .provider
                        .apply_resource(ApplyResourceRequest {
                            type_name: type_name.to_string(),
                            prior_state: old,
                            planned_state: Value::null(schema_ty.clone()),
                            config: Value::dynamic_null(),
                            planned_private: Vec::new(),
                            idempotency_token: String::new(),
                            timeouts: Timeouts::default(),
                        })
                        .await;
                    if resp.diagnostics.has_errors() {
                        self.errors(resp.diagnostics.0);
                    }
                }
                new
            }
        };
        // Postconditions see the new object as `self`.
        for p in &res.lifecycle.postconditions {
            let ((c, m), diags) = self.eval_with(mnode, &addr.resource.module, ci.clone(), each.clone(), Some(new_value.clone()), |ev| (ev.eval(&p.condition), ev.eval(&p.error_message)));
            self.errors(diags);
            if c.unmark_deep().0.as_bool() == Some(false) {
                let at = self.range(p.span).map(|r| crate::config::parse::short_range(&r)).unwrap_or_default();
                self.error(
                    Diagnostic::error("Resource postcondition failed", format!("{}\n\nThis was checked by the condition at {at}.", m.unmark_deep().0.as_str().unwrap_or("")))
                        .with_subject_opt(self.range(p.condition.span)),
                );
                return None;
            }
        }
        Some(new_value)
    }

    fn bool_meta(&self, mnode: &Arc<ModuleNode>, addr: &ResourceInstance, e: Option<&Expr>) -> bool {
        let Some(e) = e else { return false };
        let v = self.eval_in(mnode, &addr.resource.module, None, None, None, e);
        convert(&v.unmark_deep().0, &Type::Bool).ok().and_then(|b| b.as_bool()).unwrap_or(false)
    }

    fn triggered(&self, _addr: &ResourceInstance, res: &Resource, mnode: &Arc<ModuleNode>, ci: Option<Value>, each: Option<(Value, Value)>) -> bool {
        for e in &res.lifecycle.replace_triggered_by {
            if let Some((root, steps)) = e.as_static_traversal() {
                let target = match (&*root, steps.first()) {
                    (ty, Some(Step::Attr(name, _))) if !matches!(ty, "var" | "local" | "module" | "data" | "count" | "each") => {
                        Some(ResourceKey { mode: Mode::Managed, ty: ty.to_string(), name: name.to_string() })
                    }
                    _ => None,
                };
                if let Some(key) = target {
                    let changed = read(&self.eval).changed.clone();
                    // An index step selects one instance; otherwise any instance counts.
                    let idx = steps.get(1).and_then(|s| match s {
                        Step::Index(ix, _) => {
                            let v = self.eval_in(mnode, &_addr.resource.module, ci.clone(), each.clone(), None, ix);
                            let (v, _) = v.unmark_deep();
                            match v.kind() {
                                Kind::Number(n) => n.to_i64().map(InstanceKey::Int),
                                Kind::String(s) => Some(InstanceKey::Str(s.to_string())),
                                _ => None,
                            }
                        }
                        _ => None,
                    });
                    let hit = changed.iter().any(|c| {
                        c.resource.resource == key && c.resource.module == _addr.resource.module && (idx.is_none() || c.key == idx)
                    });
                    // Attribute references trigger only when that attribute changes; we
                    // approximate with "the instance changes", as a whole-object reference does.
                    if hit {
                        return true;
                    }
                }
            }
        }
        false
    }

    #[allow(clippy::too_many_arguments)]
    async fn call_apply(
        &self,
        addr: &ResourceInstance,
        entry: &Arc<ProviderEntry>,
        type_name: &str,
        prior: &Value,
        planned: &Value,
        config: &Value,
        private: &[u8],
        action: Action,
        op: OpKind,
        deps: Vec<String>,
        cbd: bool,
        schema_ty: &Type,
    ) -> Option<Value> {
        // Once interrupted, nothing new starts (the check is repeated after waiting for a slot).
        if self.opts.interrupt.is_set() {
            return None;
        }
        // The intent is recorded, and made durable, before waiting for a parallelism slot, so
        // that intents of operations that become ready together share one journal sync.
        let token = self.persister.intent(addr, action, &entry.addr, planned);
        let durable = !entry.provider.schema().state_only;
        if durable {
            self.sync_journal().await;
        }
        let _permit = self.semaphore.acquire().await.ok();
        if self.opts.interrupt.is_set() {
            self.persister.abandoned(addr, &token);
            return None;
        }
        let name = addr.to_string();
        let id = prior.get_attr("id").and_then(|v| v.as_str()).map(String::from);
        self.hooks.start(&name, op, id.as_deref());
        let started = Instant::now();
        let resp = entry
            .provider
            .apply_resource(ApplyResourceRequest {
                type_name: type_name.to_string(),
                prior_state: prior.clone(),
                planned_state: planned.clone(),
                config: config.clone(),
                planned_private: private.to_vec(),
                idempotency_token: token.clone(),
                timeouts: Timeouts::default(),
            })
            .await;
        let failed = resp.diagnostics.has_errors();
        let new_state = carry_marks(&resp.new_state, planned);
        let inst = StateInstance {
            value: new_state.clone(),
            private: if resp.private.is_empty() { None } else { Some(String::from_utf8_lossy(&resp.private).to_string()) },
            dependencies: deps,
            tainted: failed && op == OpKind::Create && !new_state.is_null(),
            schema_version: 0,
            create_before_destroy: cbd,
        };
        {
            if new_state.is_null() {
                lock(&self.working).remove_instance(addr);
                self.persister.outcome(addr, &token, &entry.addr, None, Some(schema_ty));
            } else {
                lock(&self.working).set_instance(addr, &entry.addr, inst.clone());
                self.persister.outcome(addr, &token, &entry.addr, Some(&inst), Some(schema_ty));
            }
        }
        if durable {
            self.sync_journal().await;
        }
        if failed {
            self.hooks.failed(&name, op, started.elapsed());
            self.errors(resp.diagnostics.0.into_iter().map(|d| d.with_address(name.clone())));
            return None;
        }
        if !new_state.is_null() && !new_state.is_wholly_known() {
            self.error(Diagnostic::error(
                "Provider returned invalid result object after apply",
                format!("After the apply operation, the provider still indicated an unknown value for {name}. All values must be known after apply, so this is always a bug in the provider and should be reported in the provider's own repository. infra will still save the other known object values in the state."),
            ));
        }
        let new_id = new_state.get_attr("id").and_then(|v| v.as_str()).map(String::from);
        self.hooks.complete(&name, op, new_id.as_deref().or(id.as_deref()), started.elapsed());
        Some(new_state)
    }

    /// Waits until the journal is durable, on a blocking thread (see [`Persister`]).
    async fn sync_journal(&self) {
        if let Some(sync) = self.persister.sync_handle() {
            // A failed sync is recorded by the persister itself and reported at the end.
            let _ = tokio::task::spawn_blocking(sync).await;
        }
    }

    async fn data_source(&self, addr: ResourceInstance, config: Value, entry: &Arc<ProviderEntry>, schema: &Block, _prior: Value) -> Option<Value> {
        let deferred = !config.is_wholly_known();
        if deferred && self.mode != WalkMode::Apply {
            let after = proposed_new(schema, &Value::null(schema.implied_type()), &config);
            let after = infra_provider_sdk::plan::fill_block(schema, &after, true);
            lock(&self.changes).push(ResourceChange {
                addr: addr.clone(),
                prev_addr: None,
                provider: entry.addr.clone(),
                action: Action::Read,
                reason: ActionReason::ReadBecauseConfigUnknown,
                before: Value::null(schema.implied_type()),
                after: after.clone(),
                requires_replace: Vec::new(),
                importing: None,
                private: Vec::new(),
                schema_known: true,
            });
            return Some(after);
        }
        let (cfg, _) = config.unmark_deep();
        let resp = entry.provider.read_data_source(ReadDataSourceRequest { type_name: addr.resource.resource.ty.clone(), config: cfg }).await;
        if resp.diagnostics.has_errors() {
            self.errors(resp.diagnostics.0.into_iter().map(|d| d.with_address(addr.to_string())));
            return None;
        }
        let v = carry_marks(&reapply_sensitive(schema, resp.state), &config);
        lock(&self.working).set_instance(&addr, &entry.addr, StateInstance {
            value: v.clone(),
            private: None,
            dependencies: Vec::new(),
            tainted: false,
            schema_version: 0,
            create_before_destroy: false,
        });
        Some(v)
    }

    // ----- orphans and destroy -----

    async fn plan_orphans(&self) {
        // Interrupted creates of instances the walk did not visit (no longer configured, or a
        // destroy): what exists is adopted here and planned for deletion below like any orphan.
        let unvisited: Vec<PendingOp> = lock(&self.pending_creates).values().cloned().collect();
        for op in unvisited {
            let (Some(type_name), alias) = provider_type_from_addr(&op.provider) else { continue };
            if lock(&self.prior).instance(&op.addr).is_some() {
                continue;
            }
            let entry = self.providers.entry(&type_name, alias);
            let Some(schema) = entry.schema.resources.get(&op.addr.resource.resource.ty).cloned() else { continue };
            let _ = ensure_configured(&entry, Value::null(entry.schema.provider.implied_type())).await;
            self.recover_create(&op.addr, &entry, &schema.block, Vec::new()).await;
        }
        let destroy = self.opts.mode == PlanMode::Destroy;
        let mut orphans: Vec<(ResourceInstance, StateInstance, String)> = Vec::new();
        let prior = lock(&self.prior);
        let claimed = lock(&self.claimed);
        for r in prior.resources.values() {
            for (k, inst) in &r.instances {
                let addr = r.addr.instance(k.clone());
                if destroy || !claimed.contains(&addr) {
                    if let Some(t) = &self.target_nodes {
                        let n = Node { module: r.addr.module.config_path(), kind: NodeKind::Resource(r.addr.resource.clone()) };
                        match self.graph.index.get(&n) {
                            Some(i) if !t.contains(i) => continue,
                            None if !self.opts.targets.iter().any(|x| x.starts_with(&r.addr.to_string())) => continue,
                            _ => {}
                        }
                    }
                    orphans.push((addr, (**inst).clone(), r.provider.clone()));
                }
            }
        }
        drop((prior, claimed));
        if orphans.is_empty() {
            return;
        }
        // Orphans are refreshed too (except those a `removed { destroy = false }` forgets):
        // an object already gone needs no delete.
        if self.opts.refresh && self.mode == WalkMode::Plan {
            let mut gone = HashSet::new();
            for (addr, inst, provider) in &orphans {
                if addr.resource.resource.mode != Mode::Managed {
                    continue;
                }
                let forgotten = self.forgets.iter().any(|(k, m, d)| !*d && *k == addr.resource.resource && m.config_path() == addr.resource.module.config_path());
                if forgotten {
                    continue;
                }
                let id = inst.value.get_attr("id").and_then(|v| v.as_str()).map(String::from);
                self.hooks.start(&addr.to_string(), OpKind::Refresh, id.as_deref());
                let (tn, alias) = provider_type_from_addr(provider);
                if let Some(tn) = tn {
                    let entry = self.providers.entry(&tn, alias);
                    let _ = ensure_configured(&entry, Value::null(entry.schema.provider.implied_type())).await;
                    let resp = entry
                        .provider
                        .read_resource(ReadResourceRequest {
                            type_name: addr.resource.resource.ty.clone(),
                            current_state: inst.value.clone(),
                            private: inst.private.clone().map(String::into_bytes).unwrap_or_default(),
                        })
                        .await;
                    if !resp.diagnostics.has_errors() {
                        self.hooks.complete(&addr.to_string(), OpKind::Refresh, id.as_deref(), std::time::Duration::ZERO);
                    }
                    if !resp.diagnostics.has_errors() && resp.new_state.is_null() {
                        gone.insert(addr.clone());
                    }
                }
            }
            if !gone.is_empty() {
                orphans.retain(|(a, ..)| !gone.contains(a));
                let mut w = lock(&self.working);
                for a in &gone {
                    w.remove_instance(a);
                }
            }
        }
        // Data sources are simply forgotten.
        let mut deletes = Vec::new();
        for (addr, inst, provider) in orphans {
            if addr.resource.resource.mode == Mode::Data {
                lock(&self.working).remove_instance(&addr);
                continue;
            }
            let forget = self.forgets.iter().find(|(k, m, _)| *k == addr.resource.resource && m.config_path() == addr.resource.module.config_path());
            let (action, reason) = match forget {
                Some((_, _, false)) => (Action::Forget, ActionReason::None),
                _ => (Action::Delete, if destroy { ActionReason::None } else { self.orphan_reason(&addr) }),
            };
            deletes.push((addr, inst, provider, action, reason));
        }
        // prevent_destroy on orphans whose config still exists (count shrink, destroy mode).
        for (addr, _, _, action, _) in &deletes {
            if *action != Action::Delete {
                continue;
            }
            if let Some(m) = self.config.module(&addr.resource.module.config_path()) {
                if let Some(res) = m.module.resources.get(&addr.resource.resource) {
                    if self.bool_meta(m, addr, res.lifecycle.prevent_destroy.as_ref()) {
                        self.error(
                            Diagnostic::error(
                                "Instance cannot be destroyed",
                                format!("Resource {addr} has lifecycle.prevent_destroy set, but the plan calls for this resource to be destroyed. To avoid this error and continue with the plan, either disable lifecycle.prevent_destroy or reduce the scope of the plan using the -target option."),
                            )
                            .with_subject_opt(self.range(res.decl_span)),
                        );
                    }
                }
            }
        }
        if self.has_errors() && self.mode == WalkMode::Apply {
            return;
        }
        for (addr, inst, provider, action, reason) in &deletes {
            lock(&self.changes).push(ResourceChange {
                addr: addr.clone(),
                prev_addr: None,
                provider: provider.clone(),
                action: *action,
                reason: *reason,
                before: inst.value.clone(),
                after: Value::null(inst.value.ty()),
                requires_replace: Vec::new(),
                importing: None,
                private: Vec::new(),
                schema_known: true,
            });
            if self.mode != WalkMode::Apply {
                lock(&self.working).remove_instance(addr);
            }
        }
        if self.mode != WalkMode::Apply {
            return;
        }
        // Apply deletes in reverse dependency order, in waves.
        let mut remaining: Vec<(ResourceInstance, StateInstance, String, Action)> =
            deletes.into_iter().map(|(a, i, p, act, _)| (a, i, p, act)).collect();
        while !remaining.is_empty() {
            let names: HashSet<String> = remaining.iter().map(|(a, ..)| a.resource.to_string()).collect();
            // An instance can go when no remaining instance depends on its resource.
            let mut wave = Vec::new();
            let mut rest = Vec::new();
            for item in remaining {
                let me = item.0.resource.to_string();
                let blocked = names.contains(&me) && false;
                let _ = blocked;
                rest.push(item);
            }
            let depended: HashSet<String> = rest.iter().flat_map(|(_, i, ..)| i.dependencies.iter().cloned()).collect();
            let mut next = Vec::new();
            for item in rest {
                if depended.contains(&item.0.resource.to_string()) {
                    next.push(item);
                } else {
                    wave.push(item);
                }
            }
            if wave.is_empty() {
                // A dependency cycle in state: delete the rest at once.
                wave = next;
                next = Vec::new();
            }
            let futs = wave.into_iter().map(|(addr, inst, provider, action)| async move {
                if action == Action::Forget {
                    lock(&self.working).remove_instance(&addr);
                    self.persister.outcome(&addr, "", &provider, None, None);
                    return;
                }
                let ty = addr.resource.resource.ty.clone();
                let (tn, alias) = provider_type_from_addr(&provider);
                let Some(type_name) = tn.or_else(|| self.providers.schema_for_type(false, &ty).map(|_| ty.split('_').next().unwrap_or("").to_string())) else {
                    self.error(Diagnostic::error("Unknown provider", format!("The state of {addr} names the provider {provider}, which is not built into infra.")));
                    return;
                };
                let entry = self.providers.entry(&type_name, alias);
                let _ = ensure_configured(&entry, Value::null(entry.schema.provider.implied_type())).await;
                let schema_ty = entry.schema.resources.get(&ty).map(|s| s.block.implied_type()).unwrap_or(Type::Dynamic);
                let private = inst.private.clone().map(|p| p.into_bytes()).unwrap_or_default();
                let _ = self
                    .call_apply(&addr, &entry, &ty, &inst.value, &Value::null(schema_ty.clone()), &Value::dynamic_null(), &private, Action::Delete, OpKind::Delete, Vec::new(), false, &schema_ty)
                    .await;
            });
            futures_util::future::join_all(futs).await;
            remaining = next;
        }
    }

    fn orphan_reason(&self, addr: &ResourceInstance) -> ActionReason {
        let path = addr.resource.module.config_path();
        let Some(m) = self.config.module(&path) else { return ActionReason::DeleteBecauseNoModule };
        let Some(res) = m.module.resources.get(&addr.resource.resource) else {
            return ActionReason::DeleteBecauseNoResourceConfig;
        };
        let eval = read(&self.eval);
        if !eval.module_instances.get(&path).map(|v| v.contains(&addr.resource.module)).unwrap_or(false) {
            return ActionReason::DeleteBecauseNoModule;
        }
        match (&addr.key, res.count.is_some(), res.for_each.is_some()) {
            (Some(InstanceKey::Int(_)), true, _) => ActionReason::DeleteBecauseCountIndex,
            (Some(InstanceKey::Str(_)), _, true) => ActionReason::DeleteBecauseEachKey,
            _ => ActionReason::DeleteBecauseWrongRepetition,
        }
    }

    fn finish(self) -> WalkResult {
        let diagnostics = in_walk_order(std::mem::take(&mut *lock(&self.diags)));
        let mut warnings = in_walk_order(std::mem::take(&mut *lock(&self.warnings)));
        // The walk is over: its states are moved out, not copied.
        let prior = std::mem::take(&mut *lock(&self.prior));
        let mut working = std::mem::take(&mut *lock(&self.working));
        let destroy = self.opts.mode == PlanMode::Destroy;
        if destroy {
            working.outputs.clear();
        }
        if self.opts.interrupt.is_set() && self.mode == WalkMode::Apply {
            // Outputs the interrupted walk did not reach keep their recorded values.
            for (name, o) in &prior.outputs {
                working.outputs.entry(name.clone()).or_insert_with(|| o.clone());
            }
        }
        if self.opts.mode == PlanMode::RefreshOnly {
            working.outputs = prior.outputs.clone();
        }
        let untargeted = std::mem::take(&mut *lock(&self.untargeted_outputs));
        for name in &untargeted {
            match prior.outputs.get(name) {
                Some(o) => working.outputs.insert(name.clone(), o.clone()),
                None => working.outputs.remove(name),
            };
        }
        let mut changes = std::mem::take(&mut *lock(&self.changes));
        changes.sort_by(|a, b| a.addr.cmp(&b.addr));
        let forgotten: Vec<String> = changes.iter().filter(|c| c.action == Action::Forget).map(|c| format!(" - {}", c.addr)).collect();
        if self.mode == WalkMode::Plan && !forgotten.is_empty() {
            warnings.push(Diagnostic::warning(
                "Some objects will no longer be managed by infra",
                format!(
                    "If you apply this plan, infra will discard its tracking information for the following objects, but it will not delete them:\n{}\n\nAfter applying this plan, infra will no longer manage these objects. You will need to import them into infra to manage them again.",
                    forgotten.join("\n")
                ),
            ));
        }
        // Output changes, root module only.
        let mut outputs = Vec::new();
        let mut names: BTreeSet<String> = prior.outputs.keys().cloned().collect();
        names.extend(working.outputs.keys().cloned());
        for name in names {
            if untargeted.contains(&name) {
                continue;
            }
            let before = prior.outputs.get(&name);
            let after = working.outputs.get(&name);
            let action = match (before, after) {
                (None, Some(_)) => Action::Create,
                (Some(_), None) => Action::Delete,
                (Some(b), Some(a)) => {
                    if infra_provider_sdk::plan::differs(&b.value, &a.value) || b.sensitive != a.sensitive {
                        Action::Update
                    } else {
                        Action::NoOp
                    }
                }
                (None, None) => continue,
            };
            outputs.push(OutputChange {
                name: name.clone(),
                action,
                before: before.map(|o| o.value.clone()),
                after: after.map(|o| o.value.clone()),
                sensitive: before.map(|o| o.sensitive).unwrap_or(false) || after.map(|o| o.sensitive).unwrap_or(false),
            });
        }
        let errored = diagnostics.iter().any(Diagnostic::is_error);
        // Visits may have run on several threads: what they recorded is put in address order.
        let mut drift = std::mem::take(&mut *lock(&self.drift));
        drift.sort_by(|a, b| a.addr.cmp(&b.addr));
        let plan = Plan {
            mode: self.opts.mode,
            changes,
            outputs,
            drift,
            prior_state: prior,
            // A plan's caller reads the planned state, an apply's the new one: each is moved
            // where it is read rather than copied (a thousand resources' values take
            // milliseconds to clone).
            planned_state: if self.mode == WalkMode::Apply { WorkingState::default() } else { std::mem::take(&mut working) },
            variables: self.root_vars.clone(),
            warnings,
            timestamp: self.opts.plan_timestamp.clone(),
            errored,
        };
        let outs = if self.mode == WalkMode::Apply { working.outputs.clone() } else { plan.planned_state.outputs.clone() };
        let mut recovered = std::mem::take(&mut *lock(&self.recovered));
        recovered.sort_by(|a, b| a.op.addr.cmp(&b.op.addr));
        WalkResult { plan, state: working, diagnostics, outputs: outs, recovered, interrupted: self.opts.interrupt.is_set() }
    }
}

/// Parses `provider["registry.terraform.io/hashicorp/random"].alias` into the factory type name
/// and alias.
fn provider_type_from_addr(addr: &str) -> (Option<String>, Option<String>) {
    let inner = addr.trim_start_matches("provider[\"");
    let Some((src, rest)) = inner.split_once("\"]") else { return (None, None) };
    let name = src.rsplit('/').next().map(String::from);
    let alias = rest.strip_prefix('.').map(String::from);
    (name, alias)
}

/// Terraform's "proposed new state": configuration values, with prior values for computed
/// attributes that configuration leaves null.
pub fn proposed_new(schema: &Block, prior: &Value, config: &Value) -> Value {
    if config.is_null() {
        return config.clone();
    }
    let Some(cfg) = config.as_entries() else { return config.clone() };
    if proposed_is_config(schema, prior, cfg) {
        // Shares the configuration's entries: rebuilding an equal object cost a map and a key
        // copy per attribute, for every instance planned.
        return config.clone();
    }
    if schema.block_types.is_empty() && cfg.len() == schema.attributes.len() && schema.attributes.keys().zip(cfg.keys()).all(|(a, k)| a == k) {
        // The configuration has exactly the schema's attributes (as decoded bodies do): its
        // entries are copied at once and the computed ones left null take their prior values,
        // instead of a search and an insert per attribute (an update of every instance of a
        // planned resource with prior state gets here).
        let mut out = cfg.clone();
        if !prior.is_null() {
            for ((name, a), slot) in schema.attributes.iter().zip(out.values_mut()) {
                if a.computed && slot.is_null() {
                    if let Some(p) = prior.get_attr(name) {
                        *slot = p.clone();
                    }
                }
            }
        }
        return Value::object(out).mark(config.marks());
    }
    let mut out = BTreeMap::new();
    for (name, a) in &schema.attributes {
        let c = cfg.get(name).cloned().unwrap_or_else(|| Value::null(a.ty.clone()));
        let v = if a.computed && c.is_null() {
            prior.get_attr(name).cloned().filter(|_| !prior.is_null()).unwrap_or(c)
        } else {
            c
        };
        out.insert(name.clone(), v);
    }
    for (name, nb) in &schema.block_types {
        let c = cfg.get(name).cloned().unwrap_or_else(|| Value::null(nb.block.implied_type()));
        let v = match nb.nesting {
            Nesting::Single | Nesting::Group => {
                let p = prior.get_attr(name).cloned().unwrap_or_else(|| Value::null(nb.block.implied_type()));
                if c.is_null() { c } else { proposed_new(&nb.block, &p, &c) }
            }
            _ => c,
        };
        out.insert(name.clone(), v);
    }
    Value::object(out).mark(config.marks())
}

/// Whether [`proposed_new`] would build an object equal to the configuration: the configuration
/// has exactly the schema's attributes and blocks, no computed attribute left null takes a prior
/// value, and no nested single block is merged with a prior one.
fn proposed_is_config(schema: &Block, prior: &Value, cfg: &BTreeMap<String, Value>) -> bool {
    if cfg.len() != schema.attributes.len() + schema.block_types.len() {
        return false;
    }
    let kept = |name: &str, a: &infra_provider_sdk::schema::Attribute, c: &Value| !(a.computed && c.is_null()) || prior.is_null() || prior.get_attr(name).is_none();
    if schema.block_types.is_empty() {
        // Both maps are sorted by name: walked side by side, each name is compared once
        // instead of searched for.
        return schema.attributes.iter().zip(cfg.iter()).all(|((name, a), (key, c))| name == key && kept(name, a, c));
    }
    let attrs_kept = schema.attributes.iter().all(|(name, a)| match cfg.get(name) {
        None => false,
        Some(c) => kept(name, a, c),
    });
    attrs_kept
        && schema.block_types.iter().all(|(name, nb)| match cfg.get(name) {
            None => false,
            Some(c) => !matches!(nb.nesting, Nesting::Single | Nesting::Group) || c.is_null(),
        })
}

/// `ignore_changes`: ignored attributes take their prior values in the configuration.
fn apply_ignore_changes(ic: &IgnoreChanges, config: &Value, prior: &Value, schema: &Block) -> Value {
    match ic {
        IgnoreChanges::None => config.clone(),
        IgnoreChanges::All => {
            let mut out = config.as_entries().cloned().unwrap_or_default();
            for (name, a) in &schema.attributes {
                if a.optional || a.required {
                    if let Some(p) = prior.get_attr(name) {
                        out.insert(name.clone(), p.clone());
                    }
                }
            }
            Value::object(out)
        }
        IgnoreChanges::Paths(exprs) => {
            let mut out = config.as_entries().cloned().unwrap_or_default();
            for e in exprs {
                let name = match (&e.kind, e.as_static_traversal()) {
                    (_, Some((root, _))) => Some(root.to_string()),
                    (crate::lang::ast::ExprKind::Literal(v), _) => v.as_str().map(String::from),
                    _ => None,
                };
                if let Some(n) = name {
                    if let Some(p) = prior.get_attr(&n) {
                        out.insert(n, p.clone());
                    }
                }
            }
            Value::object(out)
        }
    }
}

/// Marks attributes declared sensitive in the schema.
fn reapply_sensitive(schema: &Block, v: Value) -> Value {
    let Some(m) = v.as_entries() else { return v };
    if !schema.attributes.values().any(|a| a.sensitive) {
        return v;
    }
    let mut out = m.clone();
    for (name, a) in &schema.attributes {
        if a.sensitive {
            if let Some(x) = out.get(name).cloned() {
                if !x.is_null() {
                    out.insert(name.clone(), x.mark_sensitive());
                }
            }
        }
    }
    Value::object(out).mark(v.marks())
}

/// Copies sensitive marks from `from` (configuration or plan) onto the same attribute paths of
/// `v` (a provider's answer, which carries no marks), so sensitivity survives provider calls.
fn carry_marks(v: &Value, from: &Value) -> Value {
    if !from.has_marks_deep() {
        return v.clone();
    }
    let mut out = v.clone();
    if from.is_sensitive() && !out.is_sensitive() {
        out = out.mark_sensitive();
    }
    match (v.kind(), from.kind()) {
        (Kind::Object(a), Kind::Object(b)) => {
            let mut m = (**a).clone();
            for (k, fv) in b.iter() {
                if let Some(x) = m.get(k).cloned() {
                    m.insert(k.clone(), carry_marks(&x, fv));
                }
            }
            Value::object(m).mark(out.marks())
        }
        (Kind::Map(t, a), Kind::Map(_, b)) => {
            let mut m = (**a).clone();
            for (k, fv) in b.iter() {
                if let Some(x) = m.get(k).cloned() {
                    m.insert(k.clone(), carry_marks(&x, fv));
                }
            }
            Value::map(t.clone(), m).mark(out.marks())
        }
        (Kind::Tuple(a), Kind::Tuple(b)) => {
            Value::tuple(a.iter().zip(b.iter().map(Some).chain(std::iter::repeat(None))).map(|(x, f)| f.map(|f| carry_marks(x, f)).unwrap_or_else(|| x.clone())).collect()).mark(out.marks())
        }
        (Kind::List(t, a), Kind::List(_, b)) => Value::list(
            t.clone(),
            a.iter().zip(b.iter().map(Some).chain(std::iter::repeat(None))).map(|(x, f)| f.map(|f| carry_marks(x, f)).unwrap_or_else(|| x.clone())).collect(),
        )
        .mark(out.marks()),
        _ => out,
    }
}

/// A static address from a `moved`/`removed`/`import` reference.
#[derive(Clone, Debug)]
enum StaticAddr {
    Resource(ModuleInstance, ResourceKey, Option<InstanceKey>),
    Module(ModuleInstance),
}

fn addr_from_traversal(base: &ModuleInstance, root: &str, steps: &[Step], ev: &mut Evaluator<'_>) -> Option<StaticAddr> {
    let mut module = base.clone();
    let mut names: Vec<(String, Option<InstanceKey>)> = Vec::new();
    let mut all: Vec<String> = vec![root.to_string()];
    let mut keys: Vec<Option<InstanceKey>> = vec![None];
    for s in steps {
        match s {
            Step::Attr(a, _) => {
                all.push(a.to_string());
                keys.push(None);
            }
            Step::Index(e, _) => {
                let v = ev.eval(e);
                let (v, _) = v.unmark_deep();
                let k = match v.kind() {
                    Kind::Number(n) => n.to_i64().map(InstanceKey::Int),
                    Kind::String(s) => Some(InstanceKey::Str(s.to_string())),
                    _ => None,
                };
                if let Some(last) = keys.last_mut() {
                    *last = k;
                }
            }
            _ => return None,
        }
    }
    let mut i = 0;
    while i + 1 < all.len() && all[i] == "module" {
        names.push((all[i + 1].clone(), keys[i + 1].clone()));
        i += 2;
    }
    for (n, k) in names {
        module = module.child(&n, k);
    }
    let rest = &all[i..];
    let rest_keys = &keys[i..];
    match rest.len() {
        0 => Some(StaticAddr::Module(module)),
        2 => Some(StaticAddr::Resource(module, ResourceKey { mode: Mode::Managed, ty: rest[0].clone(), name: rest[1].clone() }, rest_keys[1].clone())),
        3 if rest[0] == "data" => Some(StaticAddr::Resource(module, ResourceKey { mode: Mode::Data, ty: rest[1].clone(), name: rest[2].clone() }, rest_keys[2].clone())),
        _ => None,
    }
}

fn apply_move(prior: &mut WorkingState, from: &StaticAddr, to: &StaticAddr, moved: &mut HashMap<ResourceInstance, ResourceInstance>) {
    match (from, to) {
        (StaticAddr::Resource(fm, fk, fi), StaticAddr::Resource(tm, tk, ti)) => {
            let fres = AbsResource { module: fm.clone(), resource: fk.clone() };
            let tres = AbsResource { module: tm.clone(), resource: tk.clone() };
            match (fi, ti) {
                (None, None) => {
                    // Whole resource: all instances keep their keys.
                    if prior.resources.contains_key(&tres) {
                        return;
                    }
                    if let Some(mut r) = prior.resources.remove(&fres) {
                        for k in r.instances.keys() {
                            moved.insert(fres.instance(k.clone()), tres.instance(k.clone()));
                        }
                        Arc::make_mut(&mut r).addr = tres.clone();
                        prior.resources.insert(tres, r);
                    }
                }
                _ => {
                    let fa = fres.instance(fi.clone());
                    let ta = tres.instance(ti.clone());
                    if prior.instance(&ta).is_some() {
                        return;
                    }
                    if let Some(inst) = prior.remove_instance(&fa) {
                        let provider = prior.resources.get(&fres).map(|r| r.provider.clone()).unwrap_or_else(|| {
                            if fk.ty == "terraform_data" {
                                "provider[\"terraform.io/builtin/terraform\"]".to_string()
                            } else {
                                format!("provider[\"registry.terraform.io/hashicorp/{}\"]", fk.ty.split('_').next().unwrap_or(""))
                            }
                        });
                        prior.set_instance(&ta, &provider, inst);
                        moved.insert(fa, ta);
                    }
                }
            }
        }
        (StaticAddr::Module(fm), StaticAddr::Module(tm)) => {
            let keys: Vec<AbsResource> = prior.resources.keys().filter(|a| a.module.0.starts_with(&fm.0)).cloned().collect();
            for old in keys {
                let mut newm = tm.0.clone();
                newm.extend(old.module.0[fm.0.len()..].iter().cloned());
                let new = AbsResource { module: ModuleInstance(newm), resource: old.resource.clone() };
                if prior.resources.contains_key(&new) {
                    continue;
                }
                if let Some(mut r) = prior.resources.remove(&old) {
                    for k in r.instances.keys() {
                        moved.insert(old.instance(k.clone()), new.instance(k.clone()));
                    }
                    Arc::make_mut(&mut r).addr = new.clone();
                    prior.resources.insert(new, r);
                }
            }
        }
        _ => {}
    }
}

/// The scope expressions are evaluated in during the walk.
struct WalkScope<'w> {
    walker: &'w Walker<'w>,
    /// Read-locked for each lookup only, never for a whole evaluation: the other lanes record
    /// their nodes' values (a write) while this one evaluates. What a node reads belongs to
    /// nodes that finished before it started, so it cannot change between two lookups.
    eval: Option<&'w RwLock<EvalState>>,
    module: ModuleInstance,
    module_node: Arc<ModuleNode>,
    count_index: Option<Value>,
    each: Option<(Value, Value)>,
    self_value: Option<Value>,
    func: &'w FuncContext,
}

impl<'w> WalkScope<'w> {
    fn attr_name(steps: &[Step], i: usize) -> Option<&str> {
        match steps.get(i) {
            Some(Step::Attr(a, _)) => Some(a),
            _ => None,
        }
    }

    fn resource_value(&self, key: &ResourceKey) -> Value {
        let addr = AbsResource { module: self.module.clone(), resource: key.clone() };
        let Some(eval) = self.eval else { return Value::dynamic_unknown() };
        let eval = read(eval);
        match eval.resources.get(&addr) {
            None => Value::dynamic_unknown(),
            Some((exp, values)) => match exp {
                Expansion::Single => values.get(&None).cloned().unwrap_or_else(Value::dynamic_unknown),
                Expansion::Count(_) => Value::tuple(values.values().cloned().collect()),
                Expansion::ForEach(_) => Value::object(
                    values
                        .iter()
                        .filter_map(|(k, v)| match k {
                            Some(InstanceKey::Str(s)) => Some((s.clone(), v.clone())),
                            _ => None,
                        })
                        .collect(),
                ),
                Expansion::Unknown => Value::dynamic_unknown(),
            },
        }
    }

    fn module_value(&self, name: &str) -> Value {
        let Some(eval) = self.eval else { return Value::dynamic_unknown() };
        let eval = read(eval);
        let Some(child) = self.module_node.children.get(name) else { return Value::dynamic_unknown() };
        let outputs_of = |mi: &ModuleInstance| -> Value {
            let mut m = BTreeMap::new();
            for o in child.module.outputs.keys() {
                let v = eval.outputs.get(&(mi.clone(), o.clone())).cloned().unwrap_or_else(Value::dynamic_unknown);
                m.insert(o.clone(), v);
            }
            Value::object(m)
        };
        match eval.module_expansions.get(&(self.module.clone(), name.to_string())) {
            None | Some(Expansion::Unknown) => Value::dynamic_unknown(),
            Some(Expansion::Single) => outputs_of(&self.module.child(name, None)),
            Some(Expansion::Count(n)) => Value::tuple((0..*n).map(|i| outputs_of(&self.module.child(name, Some(InstanceKey::Int(i as i64))))).collect()),
            Some(Expansion::ForEach(m)) => Value::object(
                m.keys().map(|k| (k.clone(), outputs_of(&self.module.child(name, Some(InstanceKey::Str(k.clone())))))).collect(),
            ),
        }
    }
}

impl<'w> Scope for WalkScope<'w> {
    fn resolve(&self, root: &str, steps: &[Step], span: Span) -> Result<(Value, usize), Diagnostic> {
        let sub = |d: Diagnostic| d.with_subject_opt(self.walker.sources.range(span));
        match root {
            "var" => {
                let Some(name) = Self::attr_name(steps, 0) else {
                    return Err(sub(Diagnostic::error("Invalid reference", "The \"var\" object cannot be accessed directly. Instead, access one of its attributes.")));
                };
                if !self.module_node.module.variables.contains_key(name) {
                    return Err(sub(Diagnostic::error(
                        "Reference to undeclared input variable",
                        format!("An input variable with the name {name:?} has not been declared. This variable can be declared with a variable {name:?} {{}} block."),
                    )));
                }
                let v = self.eval.and_then(|e| read(e).vars.get(&(self.module.clone(), name.to_string())).cloned()).unwrap_or_else(Value::dynamic_unknown);
                Ok((v, 1))
            }
            "local" => {
                let Some(name) = Self::attr_name(steps, 0) else {
                    return Err(sub(Diagnostic::error("Invalid reference", "The \"local\" object cannot be accessed directly. Instead, access one of its attributes.")));
                };
                if !self.module_node.module.locals.contains_key(name) {
                    return Err(sub(Diagnostic::error("Reference to undeclared local value", format!("A local value with the name {name:?} has not been declared."))));
                }
                let v = self.eval.and_then(|e| read(e).locals.get(&(self.module.clone(), name.to_string())).cloned()).unwrap_or_else(Value::dynamic_unknown);
                Ok((v, 1))
            }
            "count" => match (Self::attr_name(steps, 0), &self.count_index) {
                (Some("index"), Some(v)) => Ok((v.clone(), 1)),
                (Some("index"), None) => Err(sub(Diagnostic::error(
                    "Reference to \"count\" in non-counted context",
                    "The \"count\" object can only be used in \"module\", \"resource\", and \"data\" blocks, and only when the \"count\" argument is set.",
                ))),
                _ => Err(sub(Diagnostic::error("Invalid \"count\" attribute", "The \"count\" object does not have an attribute with that name. The only supported attribute is count.index, which is the index of each instance of a resource block that has the \"count\" argument set."))),
            },
            "each" => match (Self::attr_name(steps, 0), &self.each) {
                (Some("key"), Some((k, _))) => Ok((k.clone(), 1)),
                (Some("value"), Some((_, v))) => Ok((v.clone(), 1)),
                (Some("key" | "value"), None) => Err(sub(Diagnostic::error(
                    "Reference to \"each\" in context without for_each",
                    "The \"each\" object can be used only in \"module\" or \"resource\" blocks, and only when the \"for_each\" argument is set.",
                ))),
                _ => Err(sub(Diagnostic::error("Invalid \"each\" attribute", "The \"each\" object does not have an attribute with that name. The supported attributes are each.key and each.value, the current key and value pair of the \"for_each\" attribute set."))),
            },
            "path" => {
                let v = match Self::attr_name(steps, 0) {
                    Some("module") => Value::string(&self.module_node.display_dir),
                    Some("root") => Value::string("."),
                    Some("cwd") => Value::string(self.walker.cwd.to_string_lossy()),
                    _ => return Err(sub(Diagnostic::error("Invalid \"path\" attribute", "The \"path\" object does not have an attribute with that name. The supported attributes are path.cwd, path.module and path.root."))),
                };
                Ok((v, 1))
            }
            "terraform" => match Self::attr_name(steps, 0) {
                Some("workspace") => Ok((Value::string(&self.walker.opts.workspace), 1)),
                Some(other) => Err(sub(Diagnostic::error("Invalid \"terraform\" attribute", format!("The \"terraform\" object does not have an attribute named {other:?}. The only supported attribute is terraform.workspace, the name of the currently-selected workspace.")))),
                None => Err(sub(Diagnostic::error("Invalid reference", "The \"terraform\" object cannot be accessed directly."))),
            },
            "self" => match &self.self_value {
                Some(v) => Ok((v.clone(), 0)),
                None => Err(sub(Diagnostic::error("Invalid \"self\" reference", "The \"self\" object is not available in this context. This object can be used only in resource provisioner, connection, and postcondition blocks."))),
            },
            "module" => {
                let Some(name) = Self::attr_name(steps, 0) else {
                    return Err(sub(Diagnostic::error("Invalid reference", "The \"module\" object cannot be accessed directly. Instead, access one of its attributes.")));
                };
                if !self.module_node.module.module_calls.contains_key(name) {
                    return Err(sub(Diagnostic::error("Reference to undeclared module", format!("No module call named {name:?} is declared in this module."))));
                }
                Ok((self.module_value(name), 1))
            }
            "data" => {
                let (Some(ty), Some(name)) = (Self::attr_name(steps, 0), Self::attr_name(steps, 1)) else {
                    return Err(sub(Diagnostic::error("Invalid reference", "The \"data\" object must be followed by two attribute names: the data source type and the resource name.")));
                };
                let key = ResourceKey { mode: Mode::Data, ty: ty.to_string(), name: name.to_string() };
                if !self.module_node.module.resources.contains_key(&key) {
                    return Err(sub(Diagnostic::error("Reference to undeclared resource", format!("A data resource {ty:?} {name:?} has not been declared in this module."))));
                }
                Ok((self.resource_value(&key), 2))
            }
            ty => {
                let Some(name) = Self::attr_name(steps, 0) else {
                    return Err(sub(Diagnostic::error(
                        "Invalid reference",
                        "A reference to a resource type must be followed by at least one attribute access, specifying the resource name.",
                    )));
                };
                let key = ResourceKey { mode: Mode::Managed, ty: ty.to_string(), name: name.to_string() };
                if !self.module_node.module.resources.contains_key(&key) {
                    return Err(sub(Diagnostic::error(
                        "Reference to undeclared resource",
                        format!("A managed resource {ty:?} {name:?} has not been declared in this module."),
                    )));
                }
                Ok((self.resource_value(&key), 1))
            }
        }
    }

    fn func_context(&self) -> &FuncContext {
        self.func
    }
}

#[allow(dead_code)]
fn _unused(_: AttrPath, _: PathStep) {}

#[cfg(test)]
mod tests {
    use super::*;
    use infra_provider_sdk::schema::Attribute;

    fn schema() -> Block {
        Block::new().attr("id", Attribute::computed(Type::String)).attr("input", Attribute::optional(Type::String))
    }

    fn object(pairs: &[(&str, Value)]) -> Value {
        Value::object(pairs.iter().map(|(k, v)| (k.to_string(), v.clone())).collect())
    }

    #[test]
    fn proposed_new_shares_a_configuration_it_would_not_change() {
        let config = object(&[("id", Value::null(Type::String)), ("input", Value::string("a"))]);
        let proposed = proposed_new(&schema(), &Value::null(schema().implied_type()), &config);
        assert!(std::ptr::eq(proposed.as_entries().unwrap(), config.as_entries().unwrap()));
    }

    #[test]
    fn proposed_new_takes_prior_values_of_unset_computed_attributes() {
        let config = object(&[("id", Value::null(Type::String)), ("input", Value::string("b"))]);
        let prior = object(&[("id", Value::string("x")), ("input", Value::string("a"))]);
        let proposed = proposed_new(&schema(), &prior, &config);
        assert_eq!(proposed.get_attr("id").and_then(Value::as_str), Some("x"));
        assert_eq!(proposed.get_attr("input").and_then(Value::as_str), Some("b"));
    }

    #[test]
    fn proposed_new_fills_attributes_missing_from_the_configuration() {
        let config = object(&[("input", Value::string("b"))]);
        let proposed = proposed_new(&schema(), &Value::null(schema().implied_type()), &config);
        assert!(proposed.get_attr("id").is_some_and(Value::is_null));
        assert_eq!(proposed.len(), Some(2));
    }
}
