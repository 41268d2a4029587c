//! The state store of the CLI: the configured backend's state for the selected workspace
//! ([`Store`], through `infra_state::Backend` / `StateStore`), the apply journal
//! ([`JournalPersister`]), and the `state` subcommands.
//!
//! Every command that changes state follows the same sequence: lock → load (snapshot + journal
//! replay) → change in memory → compact the journal if it holds records → write the snapshot →
//! unlock. A change that fails (bad address, lineage mismatch) returns before anything is
//! written, so the stored bytes stay as they were.

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use infra_engine::addrs::{parse_address, AbsResource, ModuleInstance, ResourceInstance};
use infra_engine::config::{Mode, ResourceKey};
use infra_engine::plan::Action;
use infra_engine::recover::{PendingOp, Recovery};
use infra_engine::session::Session;
use infra_engine::source::SourceMap;
use infra_engine::state_bridge::{sensitive_paths, StateInstance, WorkingState};
use infra_engine::walk::Persister;
use infra_state::journal::{Intent, ObjectAddr, ObjectChange, Outcome};
use infra_state::model::{InstanceState, ResourceMode, ResourceState};
use infra_state::{Backend, Journal, LockInfo, Replay, StateFile, StateStore, DEFAULT_WORKSPACE};
use infra_value::{AttrPath, Diagnostic, Type, Value};

use super::args::Args;
use super::backend;
use super::Ctx;

/// The selected workspace: `TF_WORKSPACE` when set (Terraform's override), else
/// `.terraform/environment`, else `default`.
pub fn current_workspace(dir: &Path) -> String {
    if let Some(ws) = workspace_override() {
        return ws;
    }
    std::fs::read_to_string(dir.join(".terraform/environment")).map(|s| s.trim().to_string()).ok().filter(|s| !s.is_empty()).unwrap_or_else(|| DEFAULT_WORKSPACE.into())
}

/// `TF_WORKSPACE`, when set and non-empty.
pub fn workspace_override() -> Option<String> {
    std::env::var("TF_WORKSPACE").ok().filter(|s| !s.is_empty())
}

/// Records the selected workspace in `.terraform/environment`, as Terraform does.
pub fn set_workspace(dir: &Path, name: &str) -> std::io::Result<()> {
    std::fs::create_dir_all(dir.join(".terraform"))?;
    std::fs::write(dir.join(".terraform/environment"), name)
}

/// Prints diagnostics without a `Ctx` (boxes, source snippets from `sources`).
pub fn print_diags(sources: &SourceMap, diags: &[Diagnostic]) {
    let ctx = Ctx { dir: ".".into(), color: false, sources: sources.clone() };
    ctx.print_diags(diags);
}

/// A state-layer error as a diagnostic. Lock failures get Terraform's "Error acquiring the
/// state lock" layout, naming the holder.
pub fn state_diag(summary: &str, e: &infra_state::Error) -> Diagnostic {
    match e {
        infra_state::Error::Locked { lock_path, holder } => {
            let holder = match holder {
                Some(info) => info.to_string(),
                None => "Lock Info: (unavailable: the holder's lock info could not be read)\n".to_string(),
            };
            Diagnostic::error(
                "Error acquiring the state lock",
                format!(
                    "Error message: the state is already locked by another process ({})\n{holder}\ninfra acquires a state lock to protect the state from being written\nby multiple users at the same time. Please resolve the issue above and try\nagain. For most commands, you can disable locking with the \"-lock=false\"\nflag, but this is not recommended.",
                    lock_path.display()
                ),
            )
        }
        other => Diagnostic::error(summary, other.to_string()),
    }
}

/// The configured backend, checked against what `infra init` recorded.
pub fn open_backend(dir: &Path, session: &Session) -> Result<Box<dyn Backend>, Vec<Diagnostic>> {
    backend::open(dir, &backend_settings(dir, session)?).map_err(|d| vec![d])
}

/// The settings of the configured backend, checked against what `infra init` recorded.
fn backend_settings(dir: &Path, session: &Session) -> Result<backend::BackendSettings, Vec<Diagnostic>> {
    let block = backend::configured(session)?;
    backend::check_initialized(dir, &block).map_err(|d| vec![d])
}

type SharedState = Arc<Mutex<Box<dyn StateStore>>>;

fn guard(state: &SharedState) -> MutexGuard<'_, Box<dyn StateStore>> {
    state.lock().unwrap_or_else(|p| p.into_inner())
}

/// The selected workspace's state in the configured backend. Opening never fails by itself:
/// a configuration or connection problem is kept and reported by the first operation, so
/// that commands keep their simple `open` → `lock_if` → `load` shape.
pub struct Store {
    opened: Result<Opened, Vec<Diagnostic>>,
    sources: SourceMap,
    /// The operation `lock_if` was called for (`OperationTypePlan`, `OperationTypeApply`):
    /// those report operations left unconfirmed by an interrupted run when they load.
    operation: Mutex<Option<String>>,
}

struct Opened {
    // Fields drop in order: the workspace's store before the backend it came from (a remote
    // store shares its backend's client and runtime).
    state: SharedState,
    _backend: Box<dyn Backend>,
}

/// The held state lock; released when dropped.
pub struct LockGuard {
    state: SharedState,
}

impl Drop for LockGuard {
    fn drop(&mut self) {
        if let Err(e) = guard(&self.state).unlock() {
            eprintln!("Error releasing the state lock: {e}\n\nThe lock may still be held; release it with \"infra force-unlock ID\" once no other infra process uses this state.");
        }
    }
}

impl Store {
    pub fn open(dir: &Path, session: &Session) -> Store {
        Store::open_with(dir, backend_settings(dir, session), session.sources.clone())
    }

    /// The store of the selected workspace in the backend `settings` name.
    fn open_with(dir: &Path, settings: Result<backend::BackendSettings, Vec<Diagnostic>>, sources: SourceMap) -> Store {
        let opened = (|| {
            let backend = backend::open(dir, &settings?).map_err(|d| vec![d])?;
            let workspace = current_workspace(dir);
            if workspace != DEFAULT_WORKSPACE {
                let known = backend.workspaces().map_err(|e| vec![state_diag("Failed to list workspaces", &e)])?;
                if !known.contains(&workspace) {
                    return Err(vec![Diagnostic::error(
                        format!("Currently selected workspace {workspace:?} does not exist"),
                        "Select an existing workspace with \"infra workspace select NAME\", or create it with \"infra workspace new NAME\".",
                    )]);
                }
            }
            let state = backend.state(&workspace).map_err(|e| vec![state_diag("Failed to open the state", &e)])?;
            Ok(Opened { state: Arc::new(Mutex::new(state)), _backend: backend })
        })();
        Store { opened, sources, operation: Mutex::new(None) }
    }

    fn opened(&self) -> Result<&Opened, Vec<Diagnostic>> {
        self.opened.as_ref().map_err(|d| d.clone())
    }

    /// Locks the state unless `-lock=false`, waiting up to `-lock-timeout`. On failure prints
    /// the reason (naming the holder) and returns exit code 1.
    pub fn lock_if(&self, args: &Args, operation: &str) -> Result<Option<LockGuard>, i32> {
        self.record_operation(operation);
        let opened = match self.opened() {
            Ok(o) => o,
            Err(d) => {
                print_diags(&self.sources, &d);
                return Err(1);
            }
        };
        if !args.bool_or("lock", true) {
            return Ok(None);
        }
        let timeout = match args.value("lock-timeout") {
            None => Duration::ZERO,
            Some(t) => match parse_duration(&t) {
                Some(d) => d,
                None => {
                    print_diags(&self.sources, &[Diagnostic::error("Invalid -lock-timeout value", format!("{t:?} is not a duration: use a number with a unit, e.g. \"10s\", \"500ms\" or \"2m\"."))]);
                    return Err(1);
                }
            },
        };
        match Store::lock(opened, operation, timeout) {
            Ok(held) => Ok(Some(held)),
            Err(e) => {
                print_diags(&self.sources, &[state_diag("Error acquiring the state lock", &e)]);
                Err(1)
            }
        }
    }

    /// Remembers the operation this store is used for (see [`Store::operation`]).
    fn record_operation(&self, operation: &str) {
        if let Ok(mut op) = self.operation.lock() {
            *op = Some(operation.to_string());
        }
    }

    fn lock(opened: &Opened, operation: &str, timeout: Duration) -> infra_state::Result<LockGuard> {
        let mut state = guard(&opened.state);
        let mut info = LockInfo::new(operation);
        info.path = state.location();
        state.lock(info, timeout)?;
        Ok(LockGuard { state: opened.state.clone() })
    }

    /// Reads the snapshot and replays the journal over it (objects recorded after the last
    /// snapshot, e.g. by an apply that was killed). `None` when there is no state at all.
    pub fn load_file(&self) -> Result<Option<StateFile>, Diagnostic> {
        self.load_with_pending().map(|(state, _)| state)
    }

    /// [`Self::load_file`] and the intents that have no outcome.
    fn load_with_pending(&self) -> Result<(Option<StateFile>, Vec<Intent>), Diagnostic> {
        let opened = self.opened().map_err(first)?;
        let mut state = guard(&opened.state);
        let snapshot = state.read_snapshot().map_err(|e| state_diag("Failed to load state", &e))?;
        infra_engine::timings::mark("state snapshot read");
        let contents = state.read_journal().map_err(|e| state_diag("Failed to read the state journal", &e))?;
        if contents.records.len() <= 1 {
            return Ok((snapshot, Vec::new()));
        }
        let location = state.journal_location();
        let replay = infra_state::replay(snapshot, &contents, Path::new(&location)).map_err(|e| state_diag("Failed to replay the state journal", &e))?;
        Ok((Some(replay.state), replay.pending))
    }

    /// The state with its pending (unconfirmed) operations, for `state list`.
    pub fn load_replay(&self) -> Result<Replay, Diagnostic> {
        let opened = self.opened().map_err(first)?;
        let mut state = guard(&opened.state);
        state.load().map_err(|e| state_diag("Failed to load state", &e))
    }

    /// The state for the engine. Operations an interrupted run left without outcome go into
    /// [`WorkingState::pending`], for the next plan to reconcile with their providers (see
    /// `infra_engine::recover`); plan and apply warn only about those it cannot hand over.
    pub fn load(&self, session: &Session) -> Result<(Option<StateFile>, WorkingState), Diagnostic> {
        let (sf, pending) = self.load_with_pending()?;
        infra_engine::timings::mark("state journal read");
        let ws = session.decode_state(sf.as_ref())?;
        infra_engine::timings::mark("state decoded");
        Ok(self.with_pending(session, sf, ws, &pending))
    }

    /// Hands the journal's pending intents to the engine (see [`Self::load`]).
    fn with_pending(&self, session: &Session, sf: Option<StateFile>, mut ws: WorkingState, pending: &[Intent]) -> (Option<StateFile>, WorkingState) {
        let (ops, leftover) = pending_ops(session, pending);
        ws.pending = ops;
        let reporting = self.operation.lock().ok().and_then(|o| o.clone()).is_some_and(|o| o == "OperationTypePlan" || o == "OperationTypeApply");
        if reporting && !leftover.is_empty() {
            print_diags(&self.sources, &[unconfirmed_warning(&leftover)]);
        }
        (sf, ws)
    }

    /// Opens the journal for an apply.
    pub fn journal(&self, prior: Option<&StateFile>, _session: &Session) -> JournalPersister {
        let failed = Arc::new(Mutex::new(None));
        let journal = match self.opened() {
            Ok(opened) => {
                // A state that does not exist yet gets its lineage now, in the journal's Begin
                // record, and the first snapshot takes it from there: were it left empty, a
                // crash after that snapshot was written but before the journal was reset would
                // leave a journal of lineage "" beside a snapshot of another, which replay
                // refuses — an unreadable state.
                let base = prior.cloned().unwrap_or_else(StateFile::new);
                match guard(&opened.state).open_journal(&base) {
                    Ok(j) => Some(j),
                    Err(e) => {
                        if let Ok(mut f) = failed.lock() {
                            *f = Some(e.to_string());
                        }
                        None
                    }
                }
            }
            Err(_) => None,
        };
        // The operations an earlier run left without outcome, as the journal holds them now
        // (cheap for a local journal, which keeps its records in memory): only these can be
        // superseded at the end of this run. Unknown (`None`) if they cannot be read now.
        let earlier_pending =
            journal.as_ref().and_then(|j| j.pending().ok()).map(|p| p.into_iter().map(|i| i.id).collect());
        JournalPersister {
            journal,
            tokens: Mutex::new(HashMap::new()),
            touched: Mutex::new(HashSet::new()),
            failed,
            earlier_pending,
        }
    }

    /// Writes the final state of an apply as a snapshot and compacts the journal.
    pub fn save(&self, session: &Session, ws: &WorkingState, prior: Option<&StateFile>, journal: &JournalPersister) -> Result<(), Diagnostic> {
        let opened = self.opened().map_err(first)?;
        let mut sf = session.encode_state(ws);
        if let Some(p) = prior {
            sf.lineage = p.lineage.clone();
            sf.serial = p.serial;
        } else {
            sf.lineage = String::new();
        }
        if let Some(err) = journal.failed.lock().ok().and_then(|g| g.clone()) {
            eprintln!("Warning: the state journal could not be written ({err}); the snapshot is written now.");
        }
        let mut state = guard(&opened.state);
        let saved = match &journal.journal {
            Some(j) if j.compacts_superseded() => {
                journal.resolve_superseded(&**j);
                // The engine's final state holds every change the journal records: only the
                // snapshot's identity is needed, not a replay of the journal's objects.
                let identity = state.snapshot_identity().map_err(|e| state_diag("Failed to save state", &e))?;
                let mut persist = |merged: &mut StateFile| state.write_compacted(merged).map(|_| ());
                j.compact_superseded(identity, &mut sf, &mut persist)
            }
            Some(j) => {
                journal.resolve_superseded(&**j);
                let snapshot = state.read_snapshot().map_err(|e| state_diag("Failed to save state", &e))?;
                // Moved into the merged state rather than cloned (compaction persists once; were
                // it to call again, the replayed state it passes is a correct state too).
                let mut final_state = Some(sf);
                let mut persist = |merged: &mut StateFile| -> infra_state::Result<()> {
                    // The engine's final state supersedes the replayed journal: it also holds
                    // outputs, moves and refreshes, which are not journaled.
                    let (lineage, serial) = (merged.lineage.clone(), merged.serial);
                    if let Some(engine_state) = final_state.take() {
                        *merged = engine_state;
                    }
                    if merged.lineage.is_empty() {
                        merged.lineage = lineage;
                        merged.serial = serial;
                    }
                    state.write_compacted(merged).map(|_| ())
                };
                j.compact(snapshot, &mut persist).map(|_| ())
            }
            None => {
                state.read_snapshot().and_then(|_| state.write_compacted(&mut sf)).map(|_| ())
            }
        };
        saved.map_err(|e| state_diag("Failed to save state", &e))
    }

    /// Runs a state change under the lock: load (with journal replay), `change` the state in
    /// memory, and only if it succeeds compact the journal and write the snapshot. Returns the
    /// exit code; `change` prints its own messages.
    fn change(&self, args: &Args, operation: &str, change: impl FnOnce(&mut StateFile) -> Result<bool, Vec<Diagnostic>>) -> i32 {
        let _lock = match self.lock_if(args, operation) {
            Ok(l) => l,
            Err(code) => return code,
        };
        let Ok(opened) = self.opened() else { return 1 };
        let mut store = guard(&opened.state);
        let loaded = match store.load() {
            Ok(r) => r,
            Err(e) => {
                print_diags(&self.sources, &[state_diag("Failed to load state", &e)]);
                return 1;
            }
        };
        let mut state = loaded.state.clone();
        match change(&mut state) {
            Err(diags) => {
                print_diags(&self.sources, &diags);
                return 1;
            }
            Ok(false) => return 0,
            Ok(true) => {}
        }
        if let Err(e) = merge_journal(&mut **store) {
            print_diags(&self.sources, &[state_diag("Error saving the state", &e)]);
            return 1;
        }
        if let Err(e) = store.write_snapshot(&mut state) {
            print_diags(&self.sources, &[state_diag("Error saving the state", &e)]);
            return 1;
        }
        0
    }
}

/// A plan's or apply's state, read and decoded on a thread of its own while the configuration
/// is parsed: on a big no-change plan the two take about as long as each other, and neither
/// needs the other. Which backend holds the state is only certain once the configuration is
/// read, so the read is a guess — the backend `infra init` recorded, or the local default when
/// it recorded none — that [`Prefetch::take`] keeps only when the configuration names that
/// same backend; otherwise the command opens, locks and reads as if there had been no guess.
/// Only a local backend is guessed (see [`Prefetch::read`]).
///
/// The guess changes nothing a command does or reports: it locks before it reads, as the
/// command would (without waiting: a held lock ends the guess, and the command then waits
/// with its `-lock-timeout` and reports the holder), and every failure of its own — no
/// backend, a held lock, an unreadable or undecodable state — only ends the guess quietly,
/// for the command to meet the same failure and report it where it always has. An unused
/// guess releases its lock before the command takes the lock itself, and when the command
/// ends early (a configuration error) the prefetch is waited for and its lock released as it
/// is dropped.
pub struct Prefetch {
    worker: Option<std::thread::JoinHandle<Option<Prefetched>>>,
}

/// A guessed store, locked when the command locks, with its state read and decoded.
struct Prefetched {
    // The lock drops (unlocks) before the store it came from.
    lock: Option<LockGuard>,
    store: Store,
    settings: backend::BackendSettings,
    state: Option<StateFile>,
    decoded: WorkingState,
    pending: Vec<Intent>,
}

/// What [`Prefetch::finish`] hands to the command: the open store, its lock (unless `-lock=false`),
/// and the loaded state as [`Store::load`] returns it.
pub struct Loaded {
    pub lock: Option<LockGuard>,
    pub store: Store,
    pub state: Option<StateFile>,
    pub decoded: WorkingState,
}

impl Prefetch {
    /// Starts reading the state `operation` (e.g. `OperationTypePlan`) will need. Takes no
    /// guess when `-lock-timeout` is malformed, which the command reports.
    pub fn start(dir: &Path, args: &Args, operation: &'static str, factories: Vec<infra_provider_sdk::ProviderFactory>) -> Prefetch {
        let lock = args.bool_or("lock", true);
        if args.value("lock-timeout").is_some_and(|t| parse_duration(&t).is_none()) {
            return Prefetch { worker: None };
        }
        let dir = dir.to_path_buf();
        let worker = std::thread::Builder::new()
            .name("state-prefetch".into())
            .spawn(move || Prefetch::read(&dir, lock, operation, factories))
            .ok();
        Prefetch { worker }
    }

    fn read(dir: &Path, lock: bool, operation: &str, factories: Vec<infra_provider_sdk::ProviderFactory>) -> Option<Prefetched> {
        // The state and its decoded values are most of what this thread allocates.
        infra_engine::par::thread_started();
        let settings = match backend::recorded(dir).ok()? {
            Some(recorded) => recorded.settings,
            None => backend::BackendSettings::implicit_local(),
        };
        // Local files only: a remote backend's guess could wait on the network (a connect
        // timeout, an SDK's retries) for a backend the configuration no longer names, and a
        // command that stops early waits for its guess to release its lock.
        if settings.kind != "local" {
            return None;
        }
        let store = Store::open_with(dir, Ok(settings.clone()), SourceMap::new());
        store.record_operation(operation);
        let lock = match lock {
            true => Some(Store::lock(store.opened.as_ref().ok()?, operation, Duration::ZERO).ok()?),
            false => None,
        };
        let (state, pending) = store.load_with_pending().ok()?;
        infra_engine::timings::mark("state journal read");
        let providers = infra_engine::providers::Providers::new(factories);
        let decoded = infra_engine::session::decode_state(&providers, state.as_ref()).ok()?;
        infra_engine::timings::mark("state decoded");
        Some(Prefetched { settings, store, lock, state, decoded, pending })
    }

    /// The store, lock and state for the command: what was prefetched when the guess was
    /// right, else opened, locked (unless `-lock=false`) and loaded now. Failures are those of
    /// [`Store::lock_if`] (already printed: its exit code) and [`Store::load`].
    pub fn finish(self, dir: &Path, args: &Args, session: &Session, operation: &str) -> Result<Loaded, LoadFailure> {
        if let Some(loaded) = self.take(dir, session) {
            return Ok(loaded);
        }
        let store = Store::open(dir, session);
        let lock = store.lock_if(args, operation).map_err(LoadFailure::Exit)?;
        let (state, decoded) = store.load(session).map_err(LoadFailure::Load)?;
        Ok(Loaded { lock, store, state, decoded })
    }

    /// The prefetched store and state, when the configuration names the backend that was
    /// guessed; `None` (with the guess's lock released) when the command must open, lock and
    /// load itself.
    fn take(mut self, dir: &Path, session: &Session) -> Option<Loaded> {
        let prefetched = self.worker.take()?.join().ok()??;
        let wanted = backend_settings(dir, session).ok()?;
        if !wanted.same_as(&prefetched.settings) {
            return None;
        }
        let Prefetched { store, lock, state, decoded, pending, .. } = prefetched;
        let store = Store { sources: session.sources.clone(), ..store };
        let (state, decoded) = store.with_pending(session, state, decoded, &pending);
        Some(Loaded { store, lock, state, decoded })
    }
}

/// Why [`Prefetch::finish`] has no state for the command.
pub enum LoadFailure {
    /// The lock was not acquired; the reason is printed.
    Exit(i32),
    /// The state could not be read or decoded.
    Load(Diagnostic),
}

impl Drop for Prefetch {
    fn drop(&mut self) {
        // An unused guess may hold the state lock: it is released before the command goes on
        // (or exits), not left to a thread the process might end under.
        if let Some(worker) = self.worker.take() {
            drop(worker.join());
        }
    }
}

/// Compacts the journal into the snapshot when it holds records beyond its header, so that a
/// snapshot write outside compaction is allowed (and cannot later be undone by a replay).
fn merge_journal(store: &mut dyn StateStore) -> infra_state::Result<()> {
    let contents = store.read_journal()?;
    if contents.records.len() <= 1 {
        return Ok(());
    }
    let snapshot = store.read_snapshot()?;
    let base = infra_state::replay(snapshot, &contents, Path::new(&store.journal_location()))?.state;
    let journal = store.open_journal(&base)?;
    store.compact(&*journal)?;
    Ok(())
}

fn first(diags: Vec<Diagnostic>) -> Diagnostic {
    diags.into_iter().next().unwrap_or_else(|| Diagnostic::error("Failed to open the state", ""))
}

/// Go's `time.ParseDuration` subset Terraform's `-lock-timeout` uses: `10s`, `500ms`, `2m`, `1h`,
/// and combinations like `1m30s`. A bare number means seconds.
pub fn parse_duration(s: &str) -> Option<Duration> {
    let s = s.trim();
    if s.is_empty() {
        return None;
    }
    if let Ok(n) = s.parse::<f64>() {
        return (n >= 0.0 && n.is_finite()).then(|| Duration::from_secs_f64(n));
    }
    let mut total = 0.0;
    let mut rest = s;
    while !rest.is_empty() {
        let num_len = rest.find(|c: char| !c.is_ascii_digit() && c != '.').unwrap_or(rest.len());
        let n: f64 = rest[..num_len].parse().ok()?;
        rest = &rest[num_len..];
        let unit_len = rest.find(|c: char| c.is_ascii_digit() || c == '.').unwrap_or(rest.len());
        let factor = match &rest[..unit_len] {
            "ns" => 1e-9,
            "us" | "µs" => 1e-6,
            "ms" => 1e-3,
            "s" => 1.0,
            "m" => 60.0,
            "h" => 3600.0,
            _ => return None,
        };
        rest = &rest[unit_len..];
        total += n * factor;
    }
    total.is_finite().then(|| Duration::from_secs_f64(total))
}

/// The warning plan and apply print when the journal holds intents without outcomes.
/// The journal's pending intents as the engine's [`PendingOp`]s, and those it cannot reconcile
/// (deposed objects, addresses that no longer parse), which stay pending and are reported.
fn pending_ops(session: &Session, pending: &[Intent]) -> (Vec<PendingOp>, Vec<Intent>) {
    let mut ops = Vec::new();
    let mut leftover = Vec::new();
    for intent in pending {
        let parsed = match parse_address(&intent.addr.instance_address()) {
            Ok((module, Some(resource), key)) if intent.addr.deposed.is_none() => Some(AbsResource { module, resource }.instance(key)),
            _ => None,
        };
        let Some(addr) = parsed else {
            leftover.push(intent.clone());
            continue;
        };
        let mode = if intent.addr.mode == ResourceMode::Data { Mode::Data } else { Mode::Managed };
        let ty = session.schema_type(mode, &intent.addr.type_);
        let planned = match &ty {
            Some(t) => infra_value::json::value_from_json(&intent.planned, t).unwrap_or_else(|_| Value::null(t.clone())),
            None => Value::dynamic_null(),
        };
        // Sensitive attributes are recorded as null (see `redact_sensitive`).
        let redacted = session
            .providers
            .schema_for_type(mode == Mode::Data, &intent.addr.type_)
            .and_then(|s| s.resources.get(&intent.addr.type_).map(|r| r.block.attributes.iter().filter(|(_, a)| a.sensitive).map(|(n, _)| AttrPath::attr(n.clone())).collect()))
            .unwrap_or_default();
        ops.push(PendingOp {
            intent: intent.id,
            addr,
            action: intent.action.clone(),
            token: intent.token.clone(),
            provider: intent.provider.clone(),
            planned,
            redacted,
        });
    }
    (ops, leftover)
}

/// `v` with every sensitive value replaced by null: what an intent records of a planned object.
/// The journal may be read by whoever can read the state directory; it must not hold secrets
/// the configuration marked sensitive (a create's outcome records them as state does).
fn redact_sensitive(v: &Value) -> Value {
    use infra_value::value::Kind;
    if v.is_sensitive() {
        return Value::null(v.ty());
    }
    if !v.has_marks_deep() {
        return v.clone();
    }
    match v.kind() {
        Kind::Object(m) => Value::object(m.iter().map(|(k, e)| (k.clone(), redact_sensitive(e))).collect()),
        Kind::Map(t, m) => Value::map(t.clone(), m.iter().map(|(k, e)| (k.clone(), redact_sensitive(e))).collect()),
        Kind::List(t, es) => Value::list(t.clone(), es.iter().map(redact_sensitive).collect()),
        Kind::Set(t, es) => Value::set(t.clone(), es.iter().map(redact_sensitive).collect()),
        Kind::Tuple(es) => Value::tuple(es.iter().map(redact_sensitive).collect()),
        _ => v.clone(),
    }
}

fn unconfirmed_warning(pending: &[Intent]) -> Diagnostic {
    let list: String = pending.iter().map(|i| format!("\n  - {}: {} (started {}, idempotency token {})", i.addr, i.action, i.at, i.token)).collect();
    Diagnostic::warning(
        "Unconfirmed operations from an interrupted run",
        format!(
            "The last run stopped while these operations were in flight, so their results were not recorded:{list}\n\nTheir objects may exist without being in the state. infra cannot yet look them up with their providers: check for such objects (the token is the provider's idempotency token) and import or delete them. An apply that operates on the same address again marks it as resolved."
        ),
    )
}

/// Records every provider operation in the journal (intent before, outcome after).
pub struct JournalPersister {
    journal: Option<Arc<dyn Journal>>,
    /// This run's intents: token → journal id.
    tokens: Mutex<HashMap<String, u64>>,
    /// Instance addresses this run recorded an outcome for.
    touched: Mutex<HashSet<String>>,
    failed: Arc<Mutex<Option<String>>>,
    /// Ids of the intents that were pending when the journal was opened (left by an earlier,
    /// interrupted run): the only ones [`Self::resolve_superseded`] may resolve. `None` when
    /// they could not be determined, in which case every pending intent is checked.
    earlier_pending: Option<HashSet<u64>>,
}

impl JournalPersister {
    /// Records what the plan found for the operations an interrupted run left unfinished: each
    /// intent gets its outcome (the adopted object, or no change), so it is no longer pending.
    /// Done before the apply starts, so a crash during it keeps the reconciliation.
    pub fn record_recoveries(&self, session: &Session, recoveries: &[Recovery]) {
        let Some(j) = &self.journal else { return };
        for r in recoveries {
            let schema_ty = session.schema_type(Mode::Managed, &r.op.addr.resource.resource.ty);
            let changes = match &r.instance {
                Some(inst) => vec![ObjectChange {
                    addr: object_addr(&r.op.addr),
                    provider: r.op.provider.clone(),
                    object: Some(instance_state(&r.op.addr, inst, schema_ty.as_ref())),
                }],
                None => Vec::new(),
            };
            if let Err(e) = j.record_outcome(Outcome { intent: r.op.intent, changes, error: None }) {
                if let Ok(mut f) = self.failed.lock() {
                    *f = Some(e.to_string());
                }
            }
        }
    }

    /// Instance addresses this run recorded an outcome for (operations that ran).
    pub fn completed(&self) -> HashSet<String> {
        self.touched.lock().map(|t| t.clone()).unwrap_or_default()
    }

    /// Marks as resolved the intents left without outcome by an earlier, interrupted run whose
    /// address this run has since operated on successfully: the warning printed when this run
    /// loaded the state reported them, and the object at that address is now what the state
    /// says. Intents of addresses this run did not touch stay unconfirmed.
    ///
    /// Costs nothing in the usual case (no earlier run left anything pending): the journal is
    /// not read at all. Otherwise only the intents still pending are looked at.
    fn resolve_superseded(&self, journal: &dyn Journal) {
        let earlier = self.earlier_pending.as_ref();
        if earlier.is_some_and(HashSet::is_empty) {
            return;
        }
        let touched = self.touched.lock().map(|t| t.clone()).unwrap_or_default();
        if touched.is_empty() {
            return;
        }
        let Ok(pending) = journal.pending() else { return };
        let ours: HashSet<String> = self.tokens.lock().map(|t| t.keys().cloned().collect()).unwrap_or_default();
        for intent in &pending {
            if earlier.is_some_and(|e| !e.contains(&intent.id))
                || ours.contains(&intent.token)
                || !touched.contains(&intent.addr.instance_address())
            {
                continue;
            }
            let note = format!("superseded: the run of {} completed {} again", super::chrono_now(), intent.addr.instance_address());
            if let Err(e) = journal.record_outcome(Outcome { intent: intent.id, changes: Vec::new(), error: Some(note) }) {
                if let Ok(mut f) = self.failed.lock() {
                    *f = Some(e.to_string());
                }
            }
        }
    }
}

/// An engine instance as the journal and the snapshot record it.
fn instance_state(addr: &ResourceInstance, inst: &StateInstance, schema_ty: Option<&Type>) -> InstanceState {
    let mut is = InstanceState::new(addr.key.clone(), infra_engine::state_bridge::encode_attributes(&inst.value, schema_ty));
    is.sensitive_attributes = sensitive_paths(&inst.value);
    is.private = inst.private.clone();
    is.dependencies = inst.dependencies.clone();
    is.create_before_destroy = inst.create_before_destroy;
    if inst.tainted {
        is.status = Some(infra_state::model::InstanceStatus::Tainted);
    }
    is
}

fn object_addr(addr: &ResourceInstance) -> ObjectAddr {
    ObjectAddr::instance(
        addr.resource.module.state_string().as_deref(),
        if addr.resource.resource.mode == Mode::Data { ResourceMode::Data } else { ResourceMode::Managed },
        &addr.resource.resource.ty,
        &addr.resource.resource.name,
        addr.key.clone(),
    )
}

impl Persister for JournalPersister {
    fn intent(&self, addr: &ResourceInstance, action: Action, provider: &str, planned: &Value) -> String {
        let token = infra_state::journal::new_idempotency_token();
        let Some(j) = &self.journal else { return token };
        let (plain, _) = redact_sensitive(planned).unmark_deep();
        let intent = Intent {
            id: 0,
            addr: object_addr(addr),
            action: format!("{action:?}").to_lowercase(),
            token: token.clone(),
            provider: provider.to_string(),
            // What reconciliation needs to find the object after a crash, secrets left out.
            planned: infra_value::json::value_to_json(&plain),
            at: super::chrono_now(),
        };
        match j.record_intent_buffered(intent) {
            Ok(id) => {
                if let Ok(mut t) = self.tokens.lock() {
                    t.insert(token.clone(), id);
                }
            }
            Err(e) => {
                if let Ok(mut f) = self.failed.lock() {
                    *f = Some(e.to_string());
                }
            }
        }
        token
    }

    fn outcome(&self, addr: &ResourceInstance, token: &str, provider: &str, new: Option<&StateInstance>, schema_ty: Option<&Type>) {
        let Some(j) = &self.journal else { return };
        let object = new.map(|inst| instance_state(addr, inst, schema_ty));
        let change = ObjectChange { addr: object_addr(addr), provider: provider.to_string(), object };
        if let Ok(mut t) = self.touched.lock() {
            t.insert(change.addr.instance_address());
        }
        let id = self.tokens.lock().ok().and_then(|t| t.get(token).copied());
        let r = match id {
            Some(id) => j.append_buffered(&infra_state::journal::Record::Outcome(Outcome { intent: id, changes: vec![change], error: None })),
            None => j.append_buffered(&infra_state::journal::Record::Change(change)),
        };
        if let Err(e) = r {
            if let Ok(mut f) = self.failed.lock() {
                *f = Some(e.to_string());
            }
        }
    }

    fn abandoned(&self, _addr: &ResourceInstance, token: &str) {
        let Some(j) = &self.journal else { return };
        let Some(id) = self.tokens.lock().ok().and_then(|t| t.get(token).copied()) else { return };
        // Interrupted before the provider was called: nothing changed, nothing is pending.
        if let Err(e) = j.record_outcome(Outcome { intent: id, changes: Vec::new(), error: None }) {
            if let Ok(mut f) = self.failed.lock() {
                *f = Some(e.to_string());
            }
        }
    }

    fn sync_handle(&self) -> Option<Box<dyn FnOnce() + Send + 'static>> {
        let j = self.journal.clone()?;
        let failed = self.failed.clone();
        // The records to wait for are the ones written so far, not those written by the time
        // the blocking thread runs: later ones are another operation's to wait for.
        let point = j.sync_point();
        Some(Box::new(move || {
            if let Err(e) = j.sync_to(point) {
                if let Ok(mut f) = failed.lock() {
                    *f = Some(e.to_string());
                }
            }
        }))
    }
}

/// Human rendering of one instance for `state show` and `show`.
pub fn format_instance(addr: &ResourceInstance, inst: &StateInstance) -> String {
    let kind = if addr.resource.resource.mode == Mode::Data { "data" } else { "resource" };
    let mut out = format!("{kind} {:?} {:?} {{\n", addr.resource.resource.ty, addr.resource.resource.name);
    if let Some(m) = inst.value.as_entries() {
        let width = m.iter().filter(|(_, v)| !v.is_null()).map(|(k, _)| k.len()).max().unwrap_or(0);
        for (k, v) in m.iter() {
            if v.is_null() {
                continue;
            }
            let shown = if v.is_sensitive() { "(sensitive value)".to_string() } else { crate::values::format_value(v, 1) };
            out.push_str(&format!("    {k}{} = {shown}\n", " ".repeat(width - k.len())));
        }
    }
    out.push_str("}\n");
    out
}


/// A parsed `state` address: a module, a whole resource, or one resource instance.
#[derive(Debug, Clone)]
struct StateAddr {
    module: ModuleInstance,
    resource: Option<ResourceKey>,
    key: Option<infra_state::InstanceKey>,
}

impl StateAddr {
    fn parse(s: &str) -> Result<StateAddr, Diagnostic> {
        parse_address(s)
            .map(|(module, resource, key)| StateAddr { module, resource, key })
            .map_err(|e| Diagnostic::error("Invalid address", format!("Error parsing instance address {s:?}: {e}.\n\nAn address looks like aws_instance.web, aws_instance.web[0], module.net.aws_subnet.a[\"x\"] or module.net.")))
    }

    fn module_string(&self) -> Option<String> {
        self.module.state_string()
    }

    fn mode(&self) -> Option<ResourceMode> {
        self.resource.as_ref().map(|r| if r.mode == Mode::Data { ResourceMode::Data } else { ResourceMode::Managed })
    }

    fn matches_resource(&self, r: &ResourceState) -> bool {
        match &self.resource {
            None => in_module(r.module.as_deref(), self.module_string().as_deref()),
            Some(k) => r.module == self.module_string() && Some(r.mode) == self.mode() && r.type_ == k.ty && r.name == k.name,
        }
    }
}

impl std::fmt::Display for StateAddr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.module)?;
        if let Some(r) = &self.resource {
            if !self.module.is_root() {
                f.write_str(".")?;
            }
            write!(f, "{r}")?;
            if let Some(k) = &self.key {
                write!(f, "{k}")?;
            }
        }
        Ok(())
    }
}

/// Whether a resource's module (`None` = root) is `module` or inside it.
fn in_module(resource_module: Option<&str>, module: Option<&str>) -> bool {
    match (resource_module, module) {
        (_, None) => true,
        (None, Some(_)) => false,
        (Some(r), Some(m)) => r == m || r.starts_with(&format!("{m}.")),
    }
}

/// `state rm`: the instances the addresses name, Terraform's messages.
fn state_rm(state: &mut StateFile, addrs: &[StateAddr], dry_run: bool) -> Result<bool, Vec<Diagnostic>> {
    let prefix = if dry_run { "Would remove " } else { "Removed " };
    let mut targets: Vec<(usize, Option<infra_state::InstanceKey>)> = Vec::new();
    let mut lines = Vec::new();
    for addr in addrs {
        for (ri, r) in state.resources.iter().enumerate() {
            if !addr.matches_resource(r) {
                continue;
            }
            let mut keys: Vec<Option<infra_state::InstanceKey>> = Vec::new();
            for inst in &r.instances {
                if addr.resource.is_some() && addr.key.is_some() && inst.index_key != addr.key {
                    continue;
                }
                if !keys.contains(&inst.index_key) {
                    keys.push(inst.index_key.clone());
                }
            }
            for key in keys {
                if targets.contains(&(ri, key.clone())) {
                    continue;
                }
                lines.push(format!("{prefix}{}", r.instance_address(key.as_ref())));
                targets.push((ri, key));
            }
        }
    }
    for line in &lines {
        println!("{line}");
    }
    if targets.is_empty() {
        if dry_run {
            println!("Would have removed nothing.");
            return Ok(false);
        }
        return Err(vec![Diagnostic::error(
            "Invalid target address",
            "No matching objects found. To view the available instances, use \"infra state list\". Please modify the address to reference a specific instance.",
        )]);
    }
    if dry_run {
        return Ok(false);
    }
    for (ri, key) in &targets {
        state.resources[*ri].instances.retain(|i| &i.index_key != key);
    }
    state.resources.retain(|r| !r.instances.is_empty());
    Ok(true)
}

/// Rewrites a module prefix: `from` (and everything inside it) becomes `to`.
fn rebase_module(module: &Option<String>, from: &Option<String>, to: &Option<String>) -> Option<String> {
    let rest = match (module, from) {
        (m, None) => m.clone(),
        (Some(m), Some(f)) if m == f => None,
        (Some(m), Some(f)) => m.strip_prefix(&format!("{f}.")).map(String::from),
        (None, Some(_)) => None,
    };
    match (to, rest) {
        (None, r) => r,
        (Some(t), None) => Some(t.clone()),
        (Some(t), Some(r)) => Some(format!("{t}.{r}")),
    }
}

/// `state mv`: one source to one destination, Terraform's rules and messages.
fn state_mv(state: &mut StateFile, from: &StateAddr, to: &StateAddr, dry_run: bool) -> Result<bool, Vec<Diagnostic>> {
    let prefix = if dry_run { "Would move" } else { "Move" };
    let invalid_target = |detail: String| vec![Diagnostic::error("Invalid target address", detail)];
    let no_match = || vec![Diagnostic::error("Invalid source address", format!("Cannot move {from}: does not match anything in the current state."))];
    match (&from.resource, &from.key) {
        (None, _) => {
            if to.resource.is_some() {
                return Err(invalid_target(format!("Cannot move {from} to {to}: the target must also be a module.")));
            }
            let (src, dst) = (from.module_string(), to.module_string());
            if !state.resources.iter().any(|r| r.module.is_some() && in_module(r.module.as_deref(), src.as_deref())) {
                return Err(no_match());
            }
            if state.resources.iter().any(|r| in_module(r.module.as_deref(), dst.as_deref()) && dst.is_some()) {
                return Err(vec![Diagnostic::error("Error moving state", "destination module already exists\n\nPlease ensure your addresses and state paths are valid. No\nstate was persisted. Your existing states are untouched.")]);
            }
            println!("{prefix} {:?} to {:?}", from.to_string(), to.to_string());
            for r in state.resources.iter_mut().filter(|r| r.module.is_some() && in_module(r.module.as_deref(), src.as_deref())) {
                r.module = rebase_module(&r.module, &src, &dst);
            }
        }
        (Some(_), None) => {
            let Some(ri) = state.resources.iter().position(|r| from.matches_resource(r)) else { return Err(no_match()) };
            let Some(dest) = &to.resource else {
                return Err(invalid_target(format!("Cannot move {from} to {to}: the source is a whole resource (not a resource instance) so the target must also be a whole resource.")));
            };
            if to.key.is_some() {
                return Err(invalid_target(format!("Cannot move {from} to {to}: the source is a whole resource (not a resource instance) so the target must also be a whole resource.")));
            }
            if state.resources.iter().any(|r| to.matches_resource(r)) {
                return Err(invalid_target(format!("Cannot move to {to}: there is already a resource at that address in the current state.")));
            }
            check_same_type(&state.resources[ri], to, dest)?;
            println!("{prefix} {:?} to {:?}", from.to_string(), to.to_string());
            let r = &mut state.resources[ri];
            r.module = to.module_string();
            r.name = dest.name.clone();
        }
        (Some(_), Some(key)) => {
            let Some(ri) = state.resources.iter().position(|r| from.matches_resource(r) && r.instances.iter().any(|i| i.index_key.as_ref() == Some(key))) else {
                return Err(no_match());
            };
            let Some(dest) = &to.resource else {
                return Err(invalid_target(format!("Cannot move {from} to {to}: the target must also be a resource instance.")));
            };
            check_same_type(&state.resources[ri], to, dest)?;
            if state.resources.iter().any(|r| to.matches_resource(r) && r.instances.iter().any(|i| i.index_key == to.key)) {
                return Err(invalid_target(format!("Cannot move to {to}: there is already a resource instance at that address in the current state.")));
            }
            println!("{prefix} {:?} to {:?}", from.to_string(), to.to_string());
            let moved: Vec<InstanceState> = state.resources[ri].instances.iter().filter(|i| i.index_key.as_ref() == Some(key)).cloned().collect();
            state.resources[ri].instances.retain(|i| i.index_key.as_ref() != Some(key));
            let provider = state.resources[ri].provider.clone();
            let di = match state.resources.iter().position(|r| to.matches_resource(r)) {
                Some(di) => di,
                None => {
                    state.resources.push(ResourceState {
                        module: to.module_string(),
                        mode: state.resources[ri].mode,
                        type_: dest.ty.clone(),
                        name: dest.name.clone(),
                        each: None,
                        provider,
                        instances: Vec::new(),
                    });
                    state.resources.len() - 1
                }
            };
            for mut inst in moved {
                inst.index_key = to.key.clone();
                state.resources[di].instances.push(inst);
            }
            state.resources.retain(|r| !r.instances.is_empty());
        }
    }
    Ok(!dry_run)
}

fn check_same_type(source: &ResourceState, to: &StateAddr, dest: &ResourceKey) -> Result<(), Vec<Diagnostic>> {
    if Some(source.mode) != to.mode() || source.type_ != dest.ty {
        return Err(vec![Diagnostic::error(
            "Invalid state move request",
            format!("Cannot move {} to {to}: the resource type must stay the same ({} here).", source.address(), source.type_),
        )]);
    }
    Ok(())
}

fn usage(msg: &str) -> i32 {
    eprintln!("╷\n│ Error: {msg}\n╵");
    1
}

pub async fn cmd_state(ctx: Ctx, sub: &str, args: &Args) -> i32 {
    let known: &[&str] = match sub {
        // Terraform's legacy local-file flags (-state, -state-out, -backup) are refused rather
        // than ignored: state lives where the backend says.
        "list" | "pull" | "history" => &[],
        "show" => &["serial"],
        "push" => &["force", "lock", "lock-timeout"],
        "mv" | "rm" => &["dry-run", "lock", "lock-timeout"],
        other => return usage(&format!("Unknown state subcommand {other:?}. Available: list, show, pull, push, mv, rm, history.")),
    };
    // `-no-color` is global: the dispatcher re-parses subcommand arguments from the raw list.
    let known: Vec<&str> = known.iter().copied().chain(["no-color"]).collect();
    if let Some(flag) = args.unknown(&known) {
        return usage(&format!("Failed to parse command-line flags: flag provided but not defined: -{flag}"));
    }
    let Some(session) = super::load_session(&ctx) else { return 1 };
    let store = Store::open(&ctx.dir, &session);
    let sources = session.sources.clone();
    let fail = |d: Diagnostic| {
        print_diags(&sources, &[d]);
        1
    };
    match sub {
        "list" => {
            let replay = match store.load_replay() {
                Ok(r) => r,
                Err(d) => return fail(d),
            };
            let filters = &args.positional;
            let mut entries = replay.list();
            entries.sort_by(|a, b| a.address.cmp(&b.address));
            for e in entries {
                let addr = &e.address;
                if !filters.is_empty() && !filters.iter().any(|f| addr == f || addr.starts_with(&format!("{f}.")) || addr.starts_with(&format!("{f}["))) {
                    continue;
                }
                match e.unconfirmed {
                    Some(action) => println!("{addr} (unconfirmed: {action} in progress when the last run stopped)"),
                    None => println!("{addr}"),
                }
            }
            0
        }
        "show" => {
            let Some(target) = args.positional.first() else {
                return usage("Exactly one argument expected: the address of the resource instance to show.");
            };
            let addr = match StateAddr::parse(target) {
                Ok(a) => a,
                Err(d) => return fail(d),
            };
            let ws = match args.value("serial") {
                None => match store.load(&session) {
                    Ok((_, ws)) => ws,
                    Err(d) => return fail(d),
                },
                Some(serial) => {
                    let Ok(serial) = serial.parse::<u64>() else {
                        return fail(Diagnostic::error("Invalid -serial value", format!("{serial:?} is not a serial number; \"infra state history\" lists the kept ones.")));
                    };
                    let snapshot = match store.opened() {
                        Ok(o) => guard(&o.state).history_snapshot(serial),
                        Err(d) => return fail(first(d)),
                    };
                    match snapshot.map_err(|e| state_diag("Failed to read state history", &e)).and_then(|sf| session.decode_state(Some(&sf))) {
                        Ok(ws) => ws,
                        Err(d) => return fail(d),
                    }
                }
            };
            for r in ws.resources.values() {
                for (k, inst) in &r.instances {
                    let a = r.addr.instance(k.clone());
                    if a.to_string() == addr.to_string() {
                        println!("# {a}:");
                        print!("{}", format_instance(&a, inst));
                        return 0;
                    }
                }
            }
            eprintln!("╷\n│ Error: No instance found for the given address!\n│\n│ This command requires that the address references one specific instance.\n│ To view the available instances, use \"infra state list\". Please modify\n│ the address to reference a specific instance.\n╵");
            1
        }
        "pull" => match store.load_file() {
            Ok(Some(sf)) => {
                print!("{}", infra_state::write_state(&sf));
                0
            }
            Ok(None) => 0,
            Err(d) => fail(d),
        },
        "history" => {
            let entries = match store.opened() {
                Ok(o) => guard(&o.state).history(),
                Err(d) => return fail(first(d)),
            };
            match entries {
                Ok(entries) => {
                    if entries.is_empty() {
                        println!("No state snapshots are kept for this workspace yet.");
                    }
                    for e in entries.iter().rev() {
                        println!("serial {:<6} lineage {}", e.serial, e.lineage);
                    }
                    0
                }
                Err(e) => fail(state_diag("Failed to read state history", &e)),
            }
        }
        "rm" => {
            if args.positional.is_empty() {
                return usage("At least one address is required.");
            }
            let mut addrs = Vec::new();
            for a in &args.positional {
                match StateAddr::parse(a) {
                    Ok(a) => addrs.push(a),
                    Err(d) => return fail(d),
                }
            }
            let dry_run = args.has("dry-run");
            let mut removed = 0;
            let code = store.change(args, "OperationTypeInvalid", |state| {
                let before = state.instances().filter(|(_, i)| i.deposed.is_none()).count();
                let r = state_rm(state, &addrs, dry_run);
                removed = before - state.instances().filter(|(_, i)| i.deposed.is_none()).count();
                r
            });
            if code == 0 && !dry_run {
                println!("Successfully removed {removed} resource instance(s).");
            }
            code
        }
        "mv" => {
            let [from, to] = args.positional.as_slice() else {
                return usage("Exactly two arguments expected: the source and destination addresses.");
            };
            let (from, to) = match (StateAddr::parse(from), StateAddr::parse(to)) {
                (Ok(f), Ok(t)) => (f, t),
                (Err(d), _) | (_, Err(d)) => return fail(d),
            };
            let dry_run = args.has("dry-run");
            let code = store.change(args, "OperationTypeInvalid", |state| state_mv(state, &from, &to, dry_run));
            if code == 0 && !dry_run {
                println!("Successfully moved 1 object(s).");
            }
            code
        }
        "push" => {
            let [path] = args.positional.as_slice() else {
                return usage("Exactly one argument expected: the path to a state file, or \"-\" to read it from standard input.");
            };
            let bytes = if path == "-" {
                let mut buf = Vec::new();
                match std::io::Read::read_to_end(&mut std::io::stdin(), &mut buf) {
                    Ok(_) => buf,
                    Err(e) => return fail(Diagnostic::error("Error reading source state", format!("Reading standard input: {e}"))),
                }
            } else {
                match std::fs::read(path) {
                    Ok(b) => b,
                    Err(e) => return fail(Diagnostic::error("Error reading source state", format!("Error reading source state {path:?}: {e}"))),
                }
            };
            let pushed = match infra_state::read_state(&bytes) {
                Ok(Some(s)) => s,
                Ok(None) => return fail(Diagnostic::error("Error reading source state", format!("The state file {path:?} is empty: there is nothing to push."))),
                Err(e) => return fail(Diagnostic::error("Error reading source state", format!("Error reading source state {path:?}: {e}"))),
            };
            let force = args.has("force");
            let _lock = match store.lock_if(args, "OperationTypeInvalid") {
                Ok(l) => l,
                Err(code) => return code,
            };
            let Ok(opened) = store.opened() else { return 1 };
            let mut st = guard(&opened.state);
            let current = match st.load() {
                Ok(r) => r,
                Err(e) => return fail(state_diag("Failed to load destination state", &e)),
            };
            // Terraform's CheckValidImport: an empty destination may always be overwritten,
            // whatever its lineage (a new pg or s3 workspace holds an empty state of its own);
            // the same serial with other content is refused like another lineage.
            let empty = current.state.resources.is_empty() && current.state.outputs.is_empty() && current.pending.is_empty();
            if !force && !empty && current.state.lineage == pushed.lineage && current.state.serial == pushed.serial && !current.state.same_content(&pushed) {
                return fail(Diagnostic::error(
                    "Failed to write state",
                    format!("Cannot overwrite the existing state with serial {} with a different state that has the same serial. (Pull the current state, or push with -force.)", pushed.serial),
                ));
            }
            let result = merge_journal(&mut **st).and_then(|_| st.push_snapshot(&pushed, force || empty));
            match result {
                Ok(()) => 0,
                Err(e) => fail(state_diag("Failed to write state", &e)),
            }
        }
        other => usage(&format!("Unknown state subcommand {other:?}. Available: list, show, pull, push, mv, rm, history.")),
    }
}

pub fn cmd_force_unlock(ctx: &Ctx, args: &Args) -> i32 {
    let Some(id) = args.positional.first() else {
        return usage("Expected a single argument: LOCK_ID");
    };
    let Some(session) = super::load_session(ctx) else { return 1 };
    let store = Store::open(&ctx.dir, &session);
    let result = match store.opened() {
        Ok(o) => guard(&o.state).force_unlock(id),
        Err(d) => {
            print_diags(&session.sources, &d);
            return 1;
        }
    };
    match result {
        Ok(()) => {
            println!("infra state has been successfully unlocked!\n\nThe state has been unlocked, and infra commands should now be able to\nobtain a new lock on the remote state.");
            0
        }
        Err(e) => {
            print_diags(&session.sources, &[state_diag("Failed to unlock state", &e)]);
            1
        }
    }
}
