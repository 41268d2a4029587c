//! The state store of the CLI (local backend: `terraform.tfstate` or `backend "local" { path }`,
//! workspaces under `terraform.tfstate.d/`), the apply journal, and the `state` subcommands.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Duration;

use infra_engine::addrs::ResourceInstance;
use infra_engine::config::Mode;
use infra_engine::plan::Action;
use infra_engine::session::Session;
use infra_engine::state_bridge::{sensitive_paths, StateInstance, WorkingState};
use infra_engine::walk::Persister;
use infra_state::journal::{Intent, ObjectAddr, ObjectChange, Outcome};
use infra_state::model::{InstanceState, ResourceMode};
use infra_state::{LocalJournal, LocalLock, LocalStateFile, LockInfo, StateFile};
use infra_value::{Diagnostic, Type, Value};

use super::args::Args;
use super::Ctx;

/// The selected workspace (`.terraform/environment`), `default` when none.
pub fn current_workspace(dir: &Path) -> String {
    std::fs::read_to_string(dir.join(".terraform/environment")).map(|s| s.trim().to_string()).ok().filter(|s| !s.is_empty()).unwrap_or_else(|| "default".into())
}

pub struct Store {
    pub path: PathBuf,
}

impl Store {
    pub fn open(dir: &Path, session: &Session) -> Store {
        let mut path = dir.join("terraform.tfstate");
        if let Some(b) = &session.config.root.module.backend {
            if b.kind == "local" {
                if let Some(p) = b.body.attr("path").and_then(|a| infra_engine::config::literal_of(&a.expr)).and_then(|v| v.as_str().map(String::from)) {
                    path = dir.join(p);
                }
            }
        }
        let ws = current_workspace(dir);
        if ws != "default" {
            path = dir.join("terraform.tfstate.d").join(&ws).join("terraform.tfstate");
        }
        Store { path }
    }

    /// Locks the state unless `-lock=false`. On failure prints the holder and returns exit 1.
    pub fn lock_if(&self, args: &Args, operation: &str) -> Result<Option<LocalLock>, i32> {
        if !args.bool_or("lock", true) {
            return Ok(None);
        }
        let timeout = args.value("lock-timeout").and_then(|t| parse_duration(&t)).unwrap_or(Duration::ZERO);
        match LocalLock::acquire(&self.path, LockInfo::new(operation), timeout) {
            Ok(l) => Ok(Some(l)),
            Err(e) => {
                eprintln!("╷\n│ Error: Error acquiring the state lock\n│\n│ {}\n╵", e.to_string().replace('\n', "\n│ "));
                Err(1)
            }
        }
    }

    fn journal_path(&self) -> PathBuf {
        infra_state::journal::journal_path(&self.path)
    }

    /// Reads the snapshot and replays the journal over it (objects recorded after the last
    /// snapshot, e.g. by an apply that was killed).
    pub fn load_file(&self) -> Result<Option<StateFile>, Diagnostic> {
        let mut f = LocalStateFile::new(&self.path);
        let snap = f.read().map_err(|e| Diagnostic::error("Failed to load state", e.to_string()))?;
        let jp = self.journal_path();
        if !jp.exists() {
            return Ok(snap);
        }
        let contents = infra_state::journal::read_journal(&jp).map_err(|e| Diagnostic::error("Failed to read the state journal", e.to_string()))?;
        if contents.records.len() <= 1 {
            return Ok(snap);
        }
        let replay = infra_state::journal::replay(snap, &contents, &jp).map_err(|e| Diagnostic::error("Failed to replay the state journal", e.to_string()))?;
        Ok(Some(replay.state))
    }

    pub fn load(&self, session: &Session) -> Result<(Option<StateFile>, WorkingState), Diagnostic> {
        let sf = self.load_file()?;
        let ws = session.decode_state(sf.as_ref())?;
        Ok((sf, ws))
    }

    /// Opens the journal for an apply.
    pub fn journal(&self, prior: Option<&StateFile>, _session: &Session) -> JournalPersister {
        let (lineage, serial) = prior.map(|s| (s.lineage.clone(), s.serial)).unwrap_or_default();
        let journal = LocalJournal::open(&self.journal_path(), &lineage, serial).ok().map(|(j, _)| j);
        JournalPersister { journal, tokens: Mutex::new(HashMap::new()), failed: Mutex::new(None) }
    }

    /// Writes the final state of an apply as a snapshot and compacts the journal.
    pub fn save(&self, session: &Session, ws: &WorkingState, prior: Option<&StateFile>, journal: &JournalPersister) -> Result<(), Diagnostic> {
        let mut sf = session.encode_state(ws);
        if let Some(p) = prior {
            sf.lineage = p.lineage.clone();
            sf.serial = p.serial;
        } else {
            sf.lineage = String::new();
        }
        let mut file = LocalStateFile::new(&self.path);
        if let Some(err) = journal.failed.lock().ok().and_then(|g| g.clone()) {
            eprintln!("Warning: the state journal could not be written ({err}); the snapshot is written now.");
        }
        match &journal.journal {
            Some(j) => {
                let mut result: Result<(), infra_state::Error> = Ok(());
                let mut persist = |merged: &mut StateFile| -> infra_state::Result<()> {
                    // The engine's final state supersedes the replayed journal: it also holds
                    // outputs, moves and refreshes, which are not journaled.
                    let (lineage, serial) = (merged.lineage.clone(), merged.serial);
                    *merged = sf.clone();
                    if merged.lineage.is_empty() {
                        merged.lineage = lineage;
                        merged.serial = serial;
                    }
                    match file.write(merged) {
                        Ok(_) => Ok(()),
                        Err(e) => {
                            let msg = e.to_string();
                            result = Err(e);
                            Err(infra_state::Error::Journal { path: PathBuf::new(), reason: msg })
                        }
                    }
                };
                let snap = LocalStateFile::new(&self.path).read().ok().flatten();
                let r = j.compact(snap, &mut persist);
                result.and(r.map(|_| ())).map_err(|e| Diagnostic::error("Failed to save state", e.to_string()))
            }
            None => file.write(&mut sf).map(|_| ()).map_err(|e| Diagnostic::error("Failed to save state", e.to_string())),
        }
    }
}

pub fn parse_duration(s: &str) -> Option<Duration> {
    let s = s.trim();
    let (num, unit) = s.split_at(s.find(|c: char| !c.is_ascii_digit() && c != '.').unwrap_or(s.len()));
    let n: f64 = num.parse().ok()?;
    let secs = match unit {
        "" | "s" => n,
        "ms" => n / 1000.0,
        "m" => n * 60.0,
        "h" => n * 3600.0,
        _ => return None,
    };
    Some(Duration::from_secs_f64(secs))
}

/// Records every provider operation in the journal (intent before, outcome after).
pub struct JournalPersister {
    journal: Option<LocalJournal>,
    tokens: Mutex<HashMap<String, u64>>,
    failed: Mutex<Option<String>>,
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
        let (plain, _) = planned.unmark_deep();
        let intent = Intent {
            id: 0,
            addr: object_addr(addr),
            action: format!("{action:?}").to_lowercase(),
            token: token.clone(),
            provider: provider.to_string(),
            // Planned values may be sensitive; the journal stores only what state would.
            planned: if planned.has_marks_deep() { serde_json::Value::Null } else { infra_value::json::value_to_json(&plain) },
            at: super::chrono_now(),
        };
        match j.record_intent(intent) {
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
        let object = new.map(|inst| {
            let mut is = InstanceState::new(addr.key.clone(), infra_engine::state_bridge::encode_attributes(&inst.value, schema_ty));
            is.sensitive_attributes = sensitive_paths(&inst.value);
            is.private = inst.private.clone();
            is.dependencies = inst.dependencies.clone();
            is.create_before_destroy = inst.create_before_destroy;
            if inst.tainted {
                is.status = Some(infra_state::model::InstanceStatus::Tainted);
            }
            is
        });
        let change = ObjectChange { addr: object_addr(addr), provider: provider.to_string(), object };
        let id = self.tokens.lock().ok().and_then(|t| t.get(token).copied());
        let r = match id {
            Some(id) => j.record_outcome(Outcome { intent: id, changes: vec![change], error: None }),
            None => j.append(&infra_state::journal::Record::Change(change)),
        };
        if let Err(e) = r {
            if let Ok(mut f) = self.failed.lock() {
                *f = Some(e.to_string());
            }
        }
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

pub async fn cmd_state(ctx: Ctx, sub: &str, args: &Args) -> i32 {
    let Some(session) = super::load_session(&ctx) else { return 1 };
    let store = Store::open(&ctx.dir, &session);
    match sub {
        "list" => {
            let snap = match LocalStateFile::new(&store.path).read() {
                Ok(s) => s,
                Err(e) => {
                    eprintln!("Error: Failed to load state: {e}");
                    return 1;
                }
            };
            let jp = store.journal_path();
            let entries: Vec<(String, Option<String>)> = if jp.exists() {
                match infra_state::journal::read_journal(&jp).and_then(|c| infra_state::journal::replay(snap.clone(), &c, &jp)) {
                    Ok(r) => r.list().into_iter().map(|e| (e.address, e.unconfirmed)).collect(),
                    Err(e) => {
                        eprintln!("Error: Failed to read the state journal: {e}");
                        return 1;
                    }
                }
            } else {
                snap.map(|s| s.instances().filter(|(_, i)| i.deposed.is_none()).map(|(r, i)| (r.instance_address(i.index_key.as_ref()), None)).collect()).unwrap_or_default()
            };
            let filters = &args.positional;
            let mut sorted = entries;
            sorted.sort();
            for (addr, unconfirmed) in sorted {
                if !filters.is_empty() && !filters.iter().any(|f| addr == *f || addr.starts_with(&format!("{f}.")) || addr.starts_with(&format!("{f}["))) {
                    continue;
                }
                match unconfirmed {
                    Some(action) => println!("{addr} (unconfirmed: {action} in progress when the last run stopped)"),
                    None => println!("{addr}"),
                }
            }
            0
        }
        "show" => {
            let Some(target) = args.positional.first() else {
                eprintln!("Error: Exactly one argument expected: the address of the resource instance to show.");
                return 1;
            };
            let (_, ws) = match store.load(&session) {
                Ok(p) => p,
                Err(d) => {
                    ctx.print_diags(&[d]);
                    return 1;
                }
            };
            for r in ws.resources.values() {
                for (k, inst) in &r.instances {
                    let addr = r.addr.instance(k.clone());
                    if addr.to_string() == *target {
                        println!("# {addr}:");
                        print!("{}", format_instance(&addr, inst));
                        return 0;
                    }
                }
            }
            eprintln!("╷\n│ Error: No instance found for the given address!\n│\n│ This command requires that the address references one specific instance.\n│ To view the available instances, use \"infra state list\". Please modify\n│ the address to reference a specific instance.\n╵");
            1
        }
        "pull" => match std::fs::read_to_string(&store.path) {
            Ok(s) => {
                print!("{s}");
                0
            }
            Err(_) => 0,
        },
        other => {
            eprintln!("Error: unknown state subcommand {other:?}. Available: list, show, pull.");
            1
        }
    }
}

pub fn cmd_force_unlock(ctx: &Ctx, args: &Args) -> i32 {
    let Some(id) = args.positional.first() else {
        eprintln!("Error: Expected a single argument: LOCK_ID");
        return 1;
    };
    let path = ctx.dir.join("terraform.tfstate");
    match infra_state::force_unlock(&path, id) {
        Ok(()) => {
            println!("infra state has been successfully unlocked!\n\nThe state has been unlocked, and infra commands should now be able to\nobtain a new lock on the remote state.");
            0
        }
        Err(e) => {
            eprintln!("Error: Failed to unlock state: {e}");
            1
        }
    }
}
