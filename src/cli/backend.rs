//! Which backend holds the state: the root module's `terraform { backend "..." {} }` block,
//! evaluated as literals, opened as an `infra_state::Backend`; and the record of the backend
//! `infra init` last initialised (`.terraform/terraform.tfstate`, as Terraform keeps it), which
//! decides whether a command may run or must ask for `infra init` first.
//!
//! Supported types: `local` (the default when there is no block), `pg`, `s3`. Encryption at rest
//! applies to all of them when `INFRA_STATE_ENCRYPTION_KEY` or `INFRA_STATE_PASSPHRASE` is set.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use infra_engine::lang::ast::{Expr, ExprKind, TemplatePart, UnOp};
use infra_engine::session::Session;
use infra_state::{Backend, Encryption, LocalBackend, PgBackend, S3Backend};
use infra_value::Diagnostic;
use serde_json::Value as Json;

/// The backend types `infra` implements.
pub const SUPPORTED: &[&str] = &["local", "pg", "s3"];

/// Where the record of the initialised backend lives (Terraform's path).
const RECORD_PATH: &str = ".terraform/terraform.tfstate";

/// A backend type and its settings, as written in configuration (cty JSON values). `explicit`
/// is false for the implicit `local` backend of a configuration without a `backend` block.
#[derive(Debug, Clone, PartialEq)]
pub struct BackendSettings {
    pub kind: String,
    pub config: BTreeMap<String, Json>,
    pub explicit: bool,
}

impl BackendSettings {
    /// The implicit local backend (no `backend` block).
    pub fn implicit_local() -> Self {
        BackendSettings { kind: "local".into(), config: BTreeMap::new(), explicit: false }
    }

    /// Same backend: same type and settings. The implicit local backend equals an explicit
    /// `backend "local" {}` with no settings (both mean `terraform.tfstate` here).
    pub fn same_as(&self, other: &BackendSettings) -> bool {
        self.kind == other.kind && self.config == other.config
    }
}

/// The configured backend, from the root module. Errors are diagnostics at the offending
/// expression (references and function calls are not allowed in a backend block, as in
/// Terraform) or at the block (unknown type).
pub fn configured(session: &Session) -> Result<BackendSettings, Vec<Diagnostic>> {
    let Some(block) = &session.config.root.module.backend else {
        return Ok(BackendSettings::implicit_local());
    };
    let range = |span| session.sources.range(span);
    let mut diags = Vec::new();
    if !SUPPORTED.contains(&block.kind.as_str()) {
        diags.push(
            Diagnostic::error(
                "Unsupported backend type",
                format!("There is no backend type named \"{}\". infra supports the backend types: {}.", block.kind, SUPPORTED.join(", ")),
            )
            .with_subject_opt(range(block.span)),
        );
        return Err(diags);
    }
    for nested in &block.body.blocks {
        diags.push(
            Diagnostic::error("Unsupported block type", format!("Blocks of type \"{}\" are not expected here.", nested.ty))
                .with_subject_opt(range(nested.span)),
        );
    }
    let mut config = BTreeMap::new();
    for (name, attr) in &block.body.attrs {
        match static_value(&attr.expr) {
            Ok(v) => {
                config.insert(name.clone(), v);
            }
            Err((summary, detail, span)) => diags.push(Diagnostic::error(summary, detail).with_subject_opt(range(span))),
        }
    }
    if diags.is_empty() {
        Ok(BackendSettings { kind: block.kind.clone(), config, explicit: true })
    } else {
        Err(diags)
    }
}

type StaticError = (&'static str, &'static str, infra_engine::source::Span);

/// The value of an expression that may use only literals (strings without interpolation,
/// numbers, bools, null, tuples and objects of those): Terraform decodes backend blocks without
/// an evaluation context.
fn static_value(e: &Expr) -> Result<Json, StaticError> {
    const NOT_LITERAL: (&str, &str) =
        ("Invalid backend configuration", "A backend block accepts only literal values: strings, numbers, bools, lists and objects of those.");
    match &e.kind {
        ExprKind::Literal(v) => Ok(infra_value::json::value_to_json(v)),
        ExprKind::Parens(inner) | ExprKind::TemplateWrap(inner) => static_value(inner),
        ExprKind::Template(parts) => {
            let mut out = String::new();
            for part in parts {
                match part {
                    TemplatePart::Literal(s) => out.push_str(s),
                    TemplatePart::Interp(inner) => match static_value(inner)? {
                        Json::String(s) => out.push_str(&s),
                        Json::Number(n) => out.push_str(&n.to_string()),
                        Json::Bool(b) => out.push_str(&b.to_string()),
                        _ => return Err((NOT_LITERAL.0, NOT_LITERAL.1, inner.span)),
                    },
                    _ => return Err((NOT_LITERAL.0, NOT_LITERAL.1, e.span)),
                }
            }
            Ok(Json::String(out))
        }
        ExprKind::Tuple(items) => items.iter().map(static_value).collect::<Result<Vec<_>, _>>().map(Json::Array),
        ExprKind::Object(items) => {
            let mut map = serde_json::Map::new();
            for (k, v) in items {
                let key = match static_value(k)? {
                    Json::String(s) => s,
                    _ => return Err(("Invalid object key", "An object key in a backend block must be a string.", k.span)),
                };
                map.insert(key, static_value(v)?);
            }
            Ok(Json::Object(map))
        }
        ExprKind::Unary { op: UnOp::Neg, operand } => match static_value(operand)? {
            Json::Number(n) => serde_json::from_str(&format!("-{n}")).map_err(|_| (NOT_LITERAL.0, NOT_LITERAL.1, e.span)),
            _ => Err((NOT_LITERAL.0, NOT_LITERAL.1, e.span)),
        },
        ExprKind::Traversal { .. } => Err(("Variables not allowed", "Variables may not be used here.", e.span)),
        ExprKind::Call { .. } => Err(("Function calls not allowed", "Functions may not be called here.", e.span)),
        _ => Err((NOT_LITERAL.0, NOT_LITERAL.1, e.span)),
    }
}

/// Opens a backend. Relative local paths are relative to `dir`.
pub fn open(dir: &Path, settings: &BackendSettings) -> Result<Box<dyn Backend>, Diagnostic> {
    let encryption = Encryption::from_env()
        .map_err(|e| Diagnostic::error("Invalid state encryption settings", e.to_string()))?
        .map(Arc::new);
    let failed = |e: &dyn std::fmt::Display| {
        Diagnostic::error(format!("Failed to configure the backend \"{}\"", settings.kind), e.to_string())
    };
    match settings.kind.as_str() {
        "local" => {
            let string = |name: &str| -> Result<Option<String>, Diagnostic> {
                match settings.config.get(name) {
                    None | Some(Json::Null) => Ok(None),
                    Some(Json::String(s)) => Ok(Some(s.clone())),
                    Some(_) => Err(failed(&format!("Invalid local backend configuration: the attribute \"{name}\" must be a string."))),
                }
            };
            if let Some(k) = settings.config.keys().find(|k| !["path", "workspace_dir"].contains(&k.as_str())) {
                return Err(failed(&format!("Unsupported argument: an argument named \"{k}\" is not expected in a local backend block.")));
            }
            let path = string("path")?.unwrap_or_else(|| "terraform.tfstate".into());
            let workspace_dir = string("workspace_dir")?.unwrap_or_else(|| "terraform.tfstate.d".into());
            Ok(Box::new(LocalBackend::with_paths(dir.join(path), dir.join(workspace_dir)).with_encryption(encryption)))
        }
        "pg" => match PgBackend::from_attributes(&settings.config) {
            Err(e) => Err(failed(&e)),
            Ok(Err(e)) => Err(failed(&e)),
            Ok(Ok(b)) => Ok(Box::new(b.with_encryption(encryption))),
        },
        "s3" => match S3Backend::from_attributes(&settings.config) {
            Err(e) => Err(failed(&e)),
            Ok(Err(e)) => Err(failed(&e)),
            Ok(Ok(b)) => Ok(Box::new(b.with_encryption(encryption))),
        },
        other => Err(Diagnostic::error(
            "Unsupported backend type",
            format!("There is no backend type named \"{other}\". infra supports the backend types: {}.", SUPPORTED.join(", ")),
        )),
    }
}

/// What `infra init` recorded: the effective settings (the block merged with `-backend-config`
/// values) and the hash of the block alone, which later commands compare with the block they
/// read, as Terraform does.
#[derive(Debug, Clone, PartialEq)]
pub struct Recorded {
    pub settings: BackendSettings,
    pub block_hash: Option<u64>,
}

/// A stable hash of a backend block's type and settings (what the configuration says, before
/// `-backend-config`).
pub fn block_hash(settings: &BackendSettings) -> u64 {
    let config: serde_json::Map<String, Json> = settings.config.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
    let digest = <sha2::Sha256 as sha2::Digest>::digest(format!("{}\n{}", settings.kind, Json::Object(config)).as_bytes());
    u64::from_be_bytes([digest[0], digest[1], digest[2], digest[3], digest[4], digest[5], digest[6], digest[7]]) >> 1
}

/// The backend recorded by the last `infra init` (`None`: never initialised, or initialised
/// without a backend block).
pub fn recorded(dir: &Path) -> Result<Option<Recorded>, Diagnostic> {
    let path = dir.join(RECORD_PATH);
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(Diagnostic::error("Failed to read the backend record", format!("Reading {}: {e}", path.display()))),
    };
    let bad = |why: String| {
        Diagnostic::error(
            "Failed to read the backend record",
            format!("{} is not a valid backend record ({why}). Run \"infra init -reconfigure\" to recreate it.", path.display()),
        )
    };
    let json: Json = serde_json::from_str(&text).map_err(|e| bad(e.to_string()))?;
    let Some(backend) = json.get("backend").filter(|b| !b.is_null()) else { return Ok(None) };
    let kind = backend.get("type").and_then(Json::as_str).ok_or_else(|| bad("no backend type".into()))?;
    let config = match backend.get("config") {
        None | Some(Json::Null) => BTreeMap::new(),
        Some(Json::Object(m)) => m.iter().filter(|(_, v)| !v.is_null()).map(|(k, v)| (k.clone(), v.clone())).collect(),
        Some(_) => return Err(bad("the backend config is not an object".into())),
    };
    Ok(Some(Recorded {
        settings: BackendSettings { kind: kind.to_owned(), config, explicit: true },
        block_hash: backend.get("hash").and_then(Json::as_u64),
    }))
}

/// Records `effective` (block + `-backend-config`) as the initialised backend, with the hash
/// of `block`, in Terraform's layout (version 3, `backend.type`, `backend.config`,
/// `backend.hash`). The implicit local backend is recorded as no backend.
pub fn record(dir: &Path, block: &BackendSettings, effective: &BackendSettings) -> std::io::Result<()> {
    let path = dir.join(RECORD_PATH);
    if !effective.explicit {
        return match std::fs::remove_file(&path) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        };
    }
    let config: serde_json::Map<String, Json> = effective.config.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
    let doc = serde_json::json!({
        "version": 3,
        "terraform_version": infra_state::TERRAFORM_VERSION,
        "backend": { "type": effective.kind, "config": config, "hash": block_hash(block) },
    });
    std::fs::create_dir_all(dir.join(".terraform"))?;
    let tmp = path.with_extension("tfstate.tmp");
    std::fs::write(&tmp, serde_json::to_string_pretty(&doc).unwrap_or_default() + "\n")?;
    std::fs::rename(&tmp, &path)
}

/// The settings to use for a command: the recorded ones when the configured block is the one
/// `infra init` set up, else Terraform's "Backend initialization required" error. A
/// configuration that was never initialised may use the local backend (Terraform would ask for
/// `init` first; infra needs no plugins, so a local state just works).
pub fn check_initialized(dir: &Path, block: &BackendSettings) -> Result<BackendSettings, Diagnostic> {
    let recorded = recorded(dir)?;
    let reason = match &recorded {
        None if block.kind == "local" => return Ok(block.clone()),
        None => format!("Initial configuration of the requested backend {:?}", block.kind),
        Some(r) if r.settings.kind == block.kind && r.block_hash == Some(block_hash(block)) => return Ok(r.settings.clone()),
        Some(r) if !block.explicit => format!("Unsetting the previously set backend {:?}", r.settings.kind),
        Some(r) if r.settings.kind != block.kind => format!("Backend type changed from {:?} to {:?}", r.settings.kind, block.kind),
        Some(_) => "Backend configuration block has changed".into(),
    };
    Err(init_required(&reason))
}

/// `-backend-config` values merged over the block: `key=value` pairs (string values) and files
/// of `key = value` attributes (literals only, like the block).
pub fn with_overrides(dir: &Path, block: &BackendSettings, overrides: &[String]) -> Result<BackendSettings, Vec<Diagnostic>> {
    if overrides.is_empty() {
        return Ok(block.clone());
    }
    if !block.explicit {
        return Err(vec![Diagnostic::error(
            "Invalid backend configuration argument",
            "The -backend-config option applies to a backend block, but the root module has none: add a terraform { backend \"TYPE\" {} } block.",
        )]);
    }
    let mut effective = block.clone();
    let mut diags = Vec::new();
    for item in overrides {
        let file = dir.join(item);
        if file.is_file() || !item.contains('=') {
            let text = match std::fs::read_to_string(&file) {
                Ok(t) => t,
                Err(e) => {
                    diags.push(Diagnostic::error("Invalid backend configuration file", format!("The backend configuration file {item:?} could not be read: {e}.")));
                    continue;
                }
            };
            let sources = infra_engine::source::SourceMap::new();
            let id = sources.add(item, &text);
            let mut parse_diags = Vec::new();
            let body = if item.ends_with(".json") {
                infra_engine::config::json::parse_json_body(id, &text, &sources, &mut parse_diags)
            } else {
                infra_engine::config::parse::parse_native(id, item, &text, &sources, &mut parse_diags)
            };
            if parse_diags.iter().any(Diagnostic::is_error) {
                diags.extend(parse_diags);
                continue;
            }
            let Some(body) = body else { continue };
            for nested in &body.blocks {
                diags.push(Diagnostic::error("Unsupported block type", format!("Blocks of type {:?} are not expected in a backend configuration file.", nested.ty)).with_subject_opt(sources.range(nested.span)));
            }
            for (name, attr) in &body.attrs {
                match static_value(&attr.expr) {
                    Ok(v) => {
                        effective.config.insert(name.clone(), v);
                    }
                    Err((summary, detail, span)) => diags.push(
                        Diagnostic::error(summary, format!("{detail} (in the backend configuration file {item:?})")).with_subject_opt(sources.range(span)),
                    ),
                }
            }
        } else if let Some((key, value)) = item.split_once('=') {
            let key = key.trim();
            if key.is_empty() {
                diags.push(Diagnostic::error("Invalid backend configuration argument", format!("The backend configuration argument {item:?} given on the command line is not expected: use KEY=VALUE or a file name.")));
                continue;
            }
            effective.config.insert(key.to_owned(), Json::String(value.to_owned()));
        }
    }
    if diags.is_empty() {
        Ok(effective)
    } else {
        Err(diags)
    }
}

/// Terraform's `errBackendInitDiag`.
pub fn init_required(reason: &str) -> Diagnostic {
    Diagnostic::error(
        "Backend initialization required, please run \"infra init\"",
        format!(
            "Reason: {reason}

The \"backend\" is the interface that infra uses to store state,
perform operations, etc. If this message is showing up, it means that the
infra configuration you're using is using a custom configuration for
the infra backend.

Changes to backend configurations require reinitialization. This allows
infra to set up the new configuration, copy existing state, etc. Please run
\"infra init\" with either the \"-reconfigure\" or \"-migrate-state\" flags to
use the current configuration.

If the change reason above is incorrect, please verify your configuration
hasn't changed and try again. At this point, no changes to your existing
configuration or state have been made."
        ),
    )
}

/// Terraform's "Backend configuration changed" error of `init` without a migration flag.
fn changed_without_flag() -> Diagnostic {
    Diagnostic::error(
        "Backend configuration changed",
        "A change in the backend configuration has been detected, which may require migrating existing state.\n\nIf you wish to attempt automatic migration of the state, use \"infra init -migrate-state\".\nIf you wish to store the current configuration with no changes to the state, use \"infra init -reconfigure\".",
    )
}

/// The `init` step for the backend: compares the configured backend (the block, with any
/// `-backend-config` values) with the recorded one, migrates every workspace's state when asked
/// (`-migrate-state`, `-force-copy` answering yes), and records the configured backend. Prints
/// progress; errors are diagnostics.
pub fn initialize(dir: &Path, session: &Session, args: &super::args::Args) -> Result<(), Vec<Diagnostic>> {
    let (migrate, reconfigure, force_copy) = (args.has("migrate-state"), args.has("reconfigure"), args.has("force-copy"));
    let overrides = args.values("backend-config");
    let block = configured(session)?;
    let recorded = recorded(dir).map_err(|d| vec![d])?;
    // Re-running init without -backend-config keeps the values given before, as Terraform does.
    let effective = match &recorded {
        Some(r) if overrides.is_empty() && r.settings.kind == block.kind && r.block_hash == Some(block_hash(&block)) => r.settings.clone(),
        _ => with_overrides(dir, &block, &overrides)?,
    };
    let previous = recorded.as_ref().map(|r| r.settings.clone()).unwrap_or_else(BackendSettings::implicit_local);
    let new_backend = open(dir, &effective).map_err(|d| vec![d])?;
    let changed = !previous.same_as(&effective) || recorded.as_ref().is_some_and(|r| r.block_hash != Some(block_hash(&block)));
    if changed && !reconfigure {
        let old_backend = open(dir, &previous).map_err(|d| vec![d])?;
        let old_has_state = has_any_state(&*old_backend).map_err(|e| vec![super::state::state_diag("Failed to read the previous backend's state", &e)])?;
        // Nothing to migrate from a never-initialised local state, nor between two settings
        // of the same store: just configure.
        let trivial = (recorded.is_none() && !old_has_state) || previous.same_as(&effective);
        if !trivial {
            if !(migrate || force_copy) {
                return Err(vec![changed_without_flag()]);
            }
            if old_has_state {
                if !force_copy && !confirm(&previous.kind, &effective.kind) {
                    return Err(vec![Diagnostic::error("Migration cancelled", "The state was not copied; the backend configuration was not changed.")]);
                }
                let lock_timeout = match args.value("lock-timeout") {
                    None => Some(std::time::Duration::ZERO),
                    Some(t) => Some(super::state::parse_duration(&t).ok_or_else(|| {
                        vec![Diagnostic::error("Invalid -lock-timeout value", format!("{t:?} is not a duration: use a number with a unit, e.g. \"10s\"."))]
                    })?),
                };
                let lock_timeout = if args.bool_or("lock", true) { lock_timeout } else { None };
                migrate_states(&*old_backend, &*new_backend, force_copy, lock_timeout)?;
                println!("Successfully migrated every workspace's state from the {:?} backend to the {:?} backend.", previous.kind, effective.kind);
            }
        }
    }
    record(dir, &block, &effective).map_err(|e| vec![Diagnostic::error("Failed to record the backend configuration", format!("Writing {}: {e}", dir.join(RECORD_PATH).display()))])?;
    if effective.explicit && (changed || recorded.is_none()) {
        println!("\nSuccessfully configured the backend {:?}! infra will automatically\nuse this backend unless the backend configuration changes.", effective.kind);
    }
    Ok(())
}

fn confirm(from: &str, to: &str) -> bool {
    use std::io::{BufRead, Write};
    print!("Do you want to copy existing state to the new backend?\n  Pre-existing state was found while migrating the previous {from:?} backend to the\n  newly configured {to:?} backend. Enter \"yes\" to copy and \"no\" to start with\n  an empty state.\n\n  Enter a value: ");
    let _ = std::io::stdout().flush();
    let mut answer = String::new();
    let _ = std::io::stdin().lock().read_line(&mut answer);
    println!();
    answer.trim() == "yes"
}

/// Whether any workspace of `backend` holds a state with resources or outputs (or a journal
/// with records).
fn has_any_state(backend: &dyn Backend) -> infra_state::Result<bool> {
    for ws in backend.workspaces()? {
        let mut store = backend.state(&ws)?;
        let replay = store.load()?;
        if ws != infra_state::DEFAULT_WORKSPACE || !is_empty(&replay.state) || !replay.pending.is_empty() {
            return Ok(true);
        }
    }
    Ok(false)
}

fn is_empty(state: &infra_state::StateFile) -> bool {
    state.resources.is_empty() && state.outputs.is_empty()
}

/// Copies every workspace's current state (snapshot + journal) from `old` to `new`, each
/// under both backends' locks. A non-empty state of another lineage in the destination is
/// overwritten only with `force` (Terraform asks; `-force-copy` answers yes).
/// `lock_timeout` is `None` with `-lock=false`.
fn migrate_states(old: &dyn Backend, new: &dyn Backend, force: bool, lock_timeout: Option<std::time::Duration>) -> Result<(), Vec<Diagnostic>> {
    use super::state::state_diag;
    let existing = new.workspaces().map_err(|e| vec![state_diag("Failed to list the new backend's workspaces", &e)])?;
    for ws in old.workspaces().map_err(|e| vec![state_diag("Failed to list the previous backend's workspaces", &e)])? {
        let failed = |what: &str, e: infra_state::Error| vec![state_diag(&format!("Failed to migrate workspace {ws:?}: {what}"), &e)];
        let mut from = old.state(&ws).map_err(|e| failed("opening the previous state", e))?;
        if let Some(timeout) = lock_timeout {
            from.lock(infra_state::LockInfo::new("OperationTypeInvalid"), timeout).map_err(|e| failed("locking the previous state", e))?;
        }
        let replay = from.load().map_err(|e| failed("loading the previous state", e))?;
        if !replay.pending.is_empty() {
            eprintln!("Warning: workspace {ws:?} has {} operation(s) that were in flight when its last run stopped; run \"infra apply\" to reconcile them (their objects may exist without being in state).", replay.pending.len());
        }
        if ws != infra_state::DEFAULT_WORKSPACE && !existing.contains(&ws) {
            new.create_workspace(&ws).map_err(|e| failed("creating it in the new backend", e))?;
        }
        let mut to = new.state(&ws).map_err(|e| failed("opening the new state", e))?;
        if let Some(timeout) = lock_timeout {
            to.lock(infra_state::LockInfo::new("OperationTypeInvalid"), timeout).map_err(|e| failed("locking the new state", e))?;
        }
        let target = to.load().map_err(|e| failed("loading the new state", e))?;
        let overwrite_empty = is_empty(&target.state) && target.pending.is_empty();
        if !overwrite_empty && !force && target.state.lineage != replay.state.lineage {
            return Err(vec![Diagnostic::error(
                format!("Failed to migrate workspace {ws:?}"),
                format!("The new backend already holds a non-empty state of another lineage ({}) for this workspace. Run \"infra init -migrate-state -force-copy\" to overwrite it with the previous state.", target.state.lineage),
            )]);
        }
        let empty_source = is_empty(&replay.state) && replay.state.serial == 0;
        if !empty_source {
            let mut state = replay.state.clone();
            if state.lineage.is_empty() {
                state.lineage = infra_state::new_lineage();
            }
            to.push_snapshot(&state, true).map_err(|e| failed("writing the new state", e))?;
        }
        let _ = to.unlock();
        let _ = from.unlock();
    }
    Ok(())
}
