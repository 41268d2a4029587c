//! Commands. Each parses its flags, calls the engine, and renders a view; exit codes follow
//! Terraform's (0 success, 1 error, 2 "changes present" with `-detailed-exitcode`).

mod args;
mod backend;
mod hooks;
mod interrupt;
mod planfile;
mod state;
mod ui_json;
mod workspace;

use std::collections::BTreeMap;
use std::io::{BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use infra_engine::plan::{Action, Plan, PlanMode};
use infra_engine::session::Session;
use infra_engine::source::SourceMap;
use infra_engine::variables::VarArg;
use infra_engine::walk::RunOptions;
use infra_provider_sdk::ProviderFactory;
use infra_value::{Diagnostic, Severity, Value};

use crate::render;
use args::Args;

pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// The compiled-in providers. This is the one place that lists them.
pub fn factories() -> Vec<ProviderFactory> {
    vec![
        infra_provider_terraform::factory(),
        infra_provider_random::factory(),
        infra_provider_tls::factory(),
        infra_provider_local::factory(),
        infra_provider_time::factory(),
    ]
}

/// Shared state of one CLI invocation.
pub struct Ctx {
    pub dir: PathBuf,
    pub color: bool,
    pub sources: SourceMap,
}

impl Ctx {
    pub fn print_diags(&self, diags: &[Diagnostic]) {
        let mut sorted: Vec<&Diagnostic> = diags.iter().collect();
        // Errors after warnings, each group in source order, as Terraform prints them.
        sorted.sort_by_key(|d| (d.severity == Severity::Error, d.subject.as_ref().map(|s| (s.filename.to_string(), s.start.line, s.start.column))));
        // As Terraform's views: errors go to stderr; plan, apply and destroy print warnings to
        // stdout (they are part of a plan's text, e.g. "Resource targeting is in effect").
        // Commands whose stdout is data (`output -json`, `show -json`, `state pull`, `graph`)
        // keep it clean: their warnings go to stderr.
        let warnings_to_stdout = WARNINGS_TO_STDOUT.load(Ordering::Relaxed);
        for d in sorted {
            let text = render::render_diagnostic(d, &self.sources, self.color);
            if d.severity == Severity::Error || !warnings_to_stdout {
                let _ = write!(std::io::stderr().lock(), "{text}");
            } else {
                let _ = write!(std::io::stdout().lock(), "{text}");
            }
        }
    }
}

/// Whether warnings belong on stdout (plan, apply, destroy); see [`Ctx::print_diags`].
static WARNINGS_TO_STDOUT: AtomicBool = AtomicBool::new(false);

pub fn run(raw: Vec<String>) -> i32 {
    // Global options come before the command.
    let mut dir = PathBuf::from(".");
    let mut rest = raw.as_slice();
    while let Some(first) = rest.first() {
        if let Some(d) = first.strip_prefix("-chdir=") {
            dir = PathBuf::from(d);
            rest = &rest[1..];
        } else if first == "-version" || first == "--version" || first == "-v" {
            println!("infra v{VERSION}\non linux_amd64");
            return 0;
        } else if first == "-help" || first == "--help" || first == "-h" {
            print_help();
            return 0;
        } else {
            break;
        }
    }
    let Some(cmd) = rest.first().cloned() else {
        print_help();
        return 1;
    };
    // -chdir switches the process's working directory, as Terraform does, so that relative
    // paths (path.module, file names in resources, -var-file) resolve inside it.
    if dir != Path::new(".") {
        if let Err(e) = std::env::set_current_dir(&dir) {
            eprintln!("Error: Invalid -chdir option: chdir {}: {e}", dir.display());
            return 1;
        }
        dir = PathBuf::from(".");
    }
    let mut args = Args::parse(&rest[1..]);
    let color = !args.has("no-color") && std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    args.flags.retain(|(k, _)| k != "no-color");
    let ctx = Ctx { dir, color, sources: SourceMap::new() };
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("Error: failed to start the async runtime: {e}");
            return 1;
        }
    };
    let sub = args.positional.first().cloned().unwrap_or_default();
    match cmd.as_str() {
        "version" => {
            println!("infra v{VERSION}\non linux_amd64");
            0
        }
        "init" => cmd_init(&ctx, &args),
        "validate" => runtime.block_on(cmd_validate(ctx, &args)),
        "fmt" => cmd_fmt(&ctx, &args),
        "plan" => {
            WARNINGS_TO_STDOUT.store(true, Ordering::Relaxed);
            runtime.block_on(cmd_plan(ctx, &args))
        }
        "apply" => {
            WARNINGS_TO_STDOUT.store(true, Ordering::Relaxed);
            runtime.block_on(cmd_apply(ctx, &args, false))
        }
        "destroy" => {
            WARNINGS_TO_STDOUT.store(true, Ordering::Relaxed);
            runtime.block_on(cmd_apply(ctx, &args, true))
        }
        "output" => runtime.block_on(cmd_output(ctx, &args)),
        "show" => runtime.block_on(cmd_show(ctx, &args)),
        "graph" => cmd_graph(ctx),
        "state" => {
            let sub_args = Args::parse(&rest[2.min(rest.len())..]);
            runtime.block_on(state::cmd_state(ctx, &sub, &sub_args))
        }
        "force-unlock" => state::cmd_force_unlock(&ctx, &args),
        "workspace" => workspace::cmd_workspace(&ctx, &sub, &Args::parse(&rest[2.min(rest.len())..])),
        other => {
            eprintln!("infra has no command named {other:?}. Run \"infra -help\" for the list of commands.");
            1
        }
    }
}

fn print_help() {
    println!(
        "Usage: infra [global options] <subcommand> [args]

The available commands for execution are listed below.

Main commands:
  init          Prepare your working directory for other commands
  validate      Check whether the configuration is valid
  plan          Show changes required by the current configuration
  apply         Create or update infrastructure
  destroy       Destroy previously-created infrastructure

All other commands:
  fmt           Reformat your configuration in the standard style
  force-unlock  Release a stuck lock on the current workspace
  graph         Generate a Graphviz graph of the steps in an operation
  output        Show output values from your root module
  show          Show the current state or a saved plan
  state         Advanced state management
  version       Show the current infra version
  workspace     Workspace management

Global options (use these before the subcommand, if any):
  -chdir=DIR    Switch to a different working directory before executing the
                given subcommand.
  -help         Show this help output, or the help for a specified subcommand.
  -version      An alias for the \"version\" subcommand."
    );
}

/// Loads the configuration; prints diagnostics (as JSON with `json`); `None` on errors.
pub fn load_session(ctx: &Ctx) -> Option<Session> {
    load_session_as(ctx, false)
}

pub fn load_session_as(ctx: &Ctx, json: bool) -> Option<Session> {
    load_session_with(ctx, json, false)
}

/// `init`'s view of the configuration: module directories are reported as Terraform's module
/// installer reports them.
pub fn load_session_init(ctx: &Ctx, json: bool) -> Option<Session> {
    load_session_with(ctx, json, true)
}

fn load_session_with(ctx: &Ctx, json: bool, installing: bool) -> Option<Session> {
    let (session, diags, sources) = Session::load_with_sources(&ctx.dir, factories(), installing);
    if json {
        if session.is_none() {
            ui_json::print_diagnostics_only_with(&diags, Some(&sources));
        }
        return session;
    }
    match session {
        Some(s) => {
            let ctx2 = Ctx { dir: ctx.dir.clone(), color: ctx.color, sources: s.sources.clone() };
            ctx2.print_diags(&diags);
            Some(s)
        }
        None => {
            let ctx2 = Ctx { dir: ctx.dir.clone(), color: ctx.color, sources };
            ctx2.print_diags(&diags);
            None
        }
    }
}

fn with_sources(ctx: &Ctx, s: &Session) -> Ctx {
    Ctx { dir: ctx.dir.clone(), color: ctx.color, sources: s.sources.clone() }
}

fn var_args(args: &Args) -> Vec<VarArg> {
    args.flags
        .iter()
        .filter_map(|(k, v)| match (k.as_str(), v) {
            ("var", Some(v)) => Some(VarArg::Var(v.clone())),
            ("var-file", Some(v)) => Some(VarArg::File(v.clone())),
            _ => None,
        })
        .collect()
}

fn env_vars() -> Vec<(String, String)> {
    std::env::vars().filter(|(k, _)| k.starts_with("TF_VAR_")).collect()
}

fn cmd_init(ctx: &Ctx, args: &Args) -> i32 {
    let Some(session) = load_session_init(ctx, args.bool_or("json", false)) else { return 1 };
    let mut used: BTreeMap<String, String> = BTreeMap::new();
    for m in session.config.all_modules() {
        for r in m.module.resources.values() {
            if let Ok(e) = session.providers.for_resource(&session.config, &m.path, r) {
                used.insert(e.type_name.clone(), e.fqn.clone());
            }
        }
    }
    println!("\nInitializing the backend...");
    if let Err(diags) = backend::initialize(&ctx.dir, &session, args) {
        if args.bool_or("json", false) {
            ui_json::print_diagnostics_only(&diags);
        } else {
            with_sources(ctx, &session).print_diags(&diags);
        }
        return 1;
    }
    println!("\nInitializing provider plugins...");
    for (name, fqn) in &used {
        println!("- {fqn}: built in ({name}), nothing to download");
    }
    println!("\ninfra has been successfully initialized!");
    println!("\nYou may now begin working with infra. Try running \"infra plan\" to see\nany changes that are required for your infrastructure.");
    0
}

async fn cmd_validate(ctx: Ctx, args: &Args) -> i32 {
    let json = args.has("json");
    let Some(session) = load_session_as(&ctx, json) else { return 1 };
    let ctx = with_sources(&ctx, &session);
    let (vars, mut diags) = infra_engine::variables::collect(&session.config, &session.sources, &[], &[], true);
    diags.retain(|d| d.is_error());
    diags.extend(session.validate(vars).await);
    let errors = diags.iter().filter(|d| d.is_error()).count();
    if json {
        let out = serde_json::json!({
            "format_version": "1.0",
            "valid": errors == 0,
            "error_count": errors,
            "warning_count": diags.len() - errors,
            "diagnostics": diags.iter().map(ui_json::diagnostic_json).collect::<Vec<_>>(),
        });
        println!("{}", serde_json::to_string_pretty(&out).unwrap_or_default());
        return if errors > 0 { 1 } else { 0 };
    }
    ctx.print_diags(&diags);
    if errors > 0 {
        return 1;
    }
    println!("Success! The configuration is valid.\n");
    0
}

fn cmd_fmt(ctx: &Ctx, args: &Args) -> i32 {
    let check = args.has("check");
    let recursive = args.has("recursive");
    let list = args.bool_or("list", true);
    let write = args.bool_or("write", !check);
    let diff = args.has("diff");
    let mut targets: Vec<PathBuf> = args.positional.iter().map(|p| ctx.dir.join(p)).collect();
    if targets.is_empty() {
        targets.push(ctx.dir.clone());
    }
    if args.positional.first().map(|p| p == "-").unwrap_or(false) {
        let mut src = String::new();
        let _ = std::io::Read::read_to_string(&mut std::io::stdin(), &mut src);
        return match infra_fmt::format_source_for_stdout(&src) {
            Ok(out) => {
                print!("{out}");
                0
            }
            Err(e) => {
                eprintln!("Error: Invalid syntax\n\n  on <stdin> line {}: {}", e.line, e.message);
                1
            }
        };
    }
    let mut files = Vec::new();
    for t in &targets {
        collect_fmt_files(t, recursive, &mut files);
    }
    files.sort();
    let mut changed = false;
    let mut failed = false;
    for f in files {
        let Ok(src) = std::fs::read_to_string(&f) else { continue };
        match infra_fmt::format_source(&src) {
            Ok(out) => {
                if out != src {
                    changed = true;
                    let shown = f.strip_prefix(&ctx.dir).unwrap_or(&f).display().to_string();
                    if list {
                        println!("{shown}");
                    }
                    if diff {
                        for change in similar::TextDiff::from_lines(&src, &out).unified_diff().header(&shown, &shown).to_string().lines() {
                            println!("{change}");
                        }
                    }
                    if write && std::fs::write(&f, &out).is_err() {
                        eprintln!("Error: failed to write {shown}");
                        failed = true;
                    }
                }
            }
            Err(e) => {
                eprintln!("Error: Invalid syntax in {}:{}:{}: {}", f.display(), e.line, e.column, e.message);
                failed = true;
            }
        }
    }
    if failed {
        2
    } else if check && changed {
        3
    } else {
        0
    }
}

fn collect_fmt_files(p: &Path, recursive: bool, out: &mut Vec<PathBuf>) {
    if p.is_file() {
        out.push(p.to_path_buf());
        return;
    }
    let Ok(rd) = std::fs::read_dir(p) else { return };
    for e in rd.flatten() {
        let path = e.path();
        let name = e.file_name().to_string_lossy().to_string();
        if name.starts_with('.') {
            continue;
        }
        if path.is_dir() {
            if recursive {
                collect_fmt_files(&path, recursive, out);
            }
        } else if name.ends_with(".tf") || name.ends_with(".tfvars") || name.ends_with(".tftest.hcl") {
            out.push(path);
        }
    }
}

/// Options shared by plan, apply and destroy.
fn run_options(args: &Args, destroy: bool) -> Result<RunOptions, String> {
    let mut opts = RunOptions::default();
    if destroy || args.has("destroy") {
        opts.mode = PlanMode::Destroy;
    }
    if args.has("refresh-only") {
        opts.mode = PlanMode::RefreshOnly;
    }
    opts.refresh = args.bool_or("refresh", true);
    opts.targets = args.values("target");
    opts.replace = args.values("replace");
    if let Some(p) = args.value("parallelism") {
        opts.parallelism = p.parse().map_err(|_| format!("Invalid -parallelism value {p:?}: a positive integer is required."))?;
        if opts.parallelism == 0 {
            return Err("The -parallelism value must be at least 1.".into());
        }
    }
    opts.workspace = state::current_workspace(&PathBuf::from("."));
    opts.plan_timestamp = chrono_now();
    Ok(opts)
}

pub fn chrono_now() -> String {
    // RFC 3339 in UTC, seconds precision, as Terraform's plan timestamp.
    let secs = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
    infra_engine_time(secs as i64)
}

fn infra_engine_time(secs: i64) -> String {
    // Civil-from-days (Howard Hinnant's algorithm), to avoid a date crate in the CLI.
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = if m <= 2 { y + 1 } else { y };
    format!("{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z", rem / 3600, rem % 3600 / 60, rem % 60)
}

async fn cmd_plan(ctx: Ctx, args: &Args) -> i32 {
    let opts = match run_options(args, false) {
        Ok(o) => o,
        Err(e) => {
            eprintln!("Error: {e}");
            return 1;
        }
    };
    let detailed = args.has("detailed-exitcode");
    let json = args.has("json");
    let markdown = args.has("markdown");
    infra_engine::timings::mark("runtime started");
    let prefetch = state::Prefetch::start(&ctx.dir, args, "OperationTypePlan", factories());
    let Some(session) = load_session_as(&ctx, json) else { return 1 };
    infra_engine::timings::mark("configuration loaded");
    // The configuration, the states and the plan are large trees the process exits right after
    // using: freeing them block by block took a tenth of a big plan's time. See `kept`.
    let session = kept(session);
    if json {
        // The stream starts here: refresh events follow while planning.
        ui_json::print_version();
    }
    let ctx = with_sources(&ctx, &session);
    interrupt::listen(&opts.interrupt);
    let (_store, _lock, prior_file, prior) = match prefetch.finish(&ctx.dir, args, &session, "OperationTypePlan") {
        Ok(state::Loaded { store, lock, state, decoded }) => (store, lock, kept(state), decoded),
        Err(state::LoadFailure::Exit(code)) => return code,
        Err(state::LoadFailure::Load(d)) => {
            if json {
                ui_json::print_diagnostics(&[d], Some(&session.sources));
            } else {
                ctx.print_diags(&[d]);
            }
            return 1;
        }
    };
    infra_engine::timings::mark("state loaded");
    let (vars, vdiags) = infra_engine::variables::collect(&session.config, &session.sources, &var_args(args), &env_vars(), false);
    if vdiags.iter().any(Diagnostic::is_error) {
        if json {
            ui_json::print_diagnostics(&vdiags, Some(&session.sources));
        } else {
            ctx.print_diags(&vdiags);
        }
        return 1;
    }
    // Refresh lines would spoil a markdown comment and are events in the JSON stream.
    let plan_hooks: Box<dyn infra_engine::hooks::Hooks> = if json {
        Box::new(ui_json::JsonHooks)
    } else if markdown {
        Box::new(infra_engine::hooks::NoHooks)
    } else {
        Box::new(hooks::PlanHooks::default())
    };
    let result = kept(session.plan(prior, vars.clone(), &opts, plan_hooks.as_ref()).await);
    // Progress lines still pending are written before anything else.
    drop(plan_hooks);
    infra_engine::timings::mark("planned");
    if result.interrupted {
        if !json {
            println!("\nPlan interrupted: no plan was made and no state was written.");
        }
        return interrupt::EXIT_INTERRUPTED;
    }
    if !json && !markdown {
        // A plan only reports reconciliation; the next apply records it.
        print_recoveries(&result.recovered);
    }
    let mut diags = vdiags;
    diags.extend(result.diagnostics.clone());
    diags.extend(result.plan.warnings.clone());
    if json {
        let mut errored = diags.iter().any(Diagnostic::is_error);
        if let (Some(out), false) = (args.value("out"), errored) {
            // `plan -json -out=FILE` saves the plan like the human form, without the next-step
            // note (Terraform's JSON view has none).
            let doc = planfile::to_json(&session, &result.plan, prior_file.as_ref(), &vars, &opts, render::configuration_json(&session));
            if let Err(e) = planfile::write(Path::new(&out), &doc) {
                diags.push(Diagnostic::error("Failed to write plan file", e));
                errored = true;
            }
        }
        ui_json::print_plan_stream(&result.plan, &diags, &session.sources);
        return if errored { 1 } else if detailed && result.plan.has_changes() { 2 } else { 0 };
    }
    if diags.iter().any(Diagnostic::is_error) {
        // Like Terraform, show what was planned before the error (e.g. prevent_destroy).
        if result.plan.has_changes() && !markdown {
            print!("{}", render::render_plan(&result.plan, &render::TextOptions { color: ctx.color, schemas: Some(&session.lookup()) }));
        }
        ctx.print_diags(&diags);
        return 1;
    }
    if markdown {
        print!("{}", render::plan_markdown(&result.plan, Some(&session.lookup())));
    } else {
        print!("{}", render::render_plan(&result.plan, &render::TextOptions { color: ctx.color, schemas: Some(&session.lookup()) }));
    }
    infra_engine::timings::mark("rendered");
    ctx.print_diags(&diags);
    if let Some(out) = args.value("out") {
        let path = if Path::new(&out).is_absolute() { PathBuf::from(&out) } else { PathBuf::from(&out) };
        let doc = planfile::to_json(&session, &result.plan, prior_file.as_ref(), &vars, &opts, render::configuration_json(&session));
        if let Err(e) = planfile::write(&path, &doc) {
            eprintln!("Error: Failed to write plan file: {e}");
            return 1;
        }
        if !markdown {
            println!("\n─────────────────────────────────────────────────────────────────────────────\n\nSaved the plan to: {out}\n\nTo perform exactly these actions, run the following command to apply:\n    infra apply \"{out}\"");
        }
    }
    if detailed && result.plan.has_changes() {
        2
    } else {
        0
    }
}

async fn cmd_apply(ctx: Ctx, args: &Args, destroy: bool) -> i32 {
    let auto = args.has("auto-approve");
    let opts = match run_options(args, destroy) {
        Ok(o) => o,
        Err(e) => {
            eprintln!("Error: {e}");
            return 1;
        }
    };
    let prefetch = state::Prefetch::start(&ctx.dir, args, "OperationTypeApply", factories());
    let Some(session) = load_session(&ctx) else { return 1 };
    let mut session = kept(session);
    let ctx = with_sources(&ctx, &session);
    let interrupt = infra_engine::walk::Interrupt::new();
    interrupt::listen(&interrupt);
    let (store, _lock, prior_file, prior) = match prefetch.finish(&ctx.dir, args, &session, "OperationTypeApply") {
        Ok(state::Loaded { store, lock, state, decoded }) => (store, lock, kept(state), decoded),
        Err(state::LoadFailure::Exit(code)) => return code,
        Err(state::LoadFailure::Load(d)) => {
            ctx.print_diags(&[d]);
            return 1;
        }
    };
    // `apply PLANFILE`: the saved plan's inputs, checked against current state and config.
    let saved = match args.positional.first() {
        Some(path) if !destroy => match planfile::read(Path::new(path), &session, prior_file.as_ref()) {
            Ok(p) => Some(p),
            Err(d) => {
                ctx.print_diags(&[d]);
                return 1;
            }
        },
        _ => None,
    };
    let (vars, opts) = match &saved {
        Some(p) => (p.variables.clone(), p.options.clone()),
        None => {
            let (vars, vdiags) = infra_engine::variables::collect(&session.config, &session.sources, &var_args(args), &env_vars(), false);
            if vdiags.iter().any(Diagnostic::is_error) {
                ctx.print_diags(&vdiags);
                return 1;
            }
            ctx.print_diags(&vdiags);
            (vars, opts)
        }
    };
    let mut opts = opts;
    opts.interrupt = interrupt.clone();
    let mode = opts.mode;
    // What this run's plan reconciled of an interrupted run's operations; recorded in the
    // journal before anything is applied.
    let mut recovered = Vec::new();
    let plan = kept(if let Some(p) = &saved {
        p.plan.clone()
    } else {
        // The hooks (a temporary) write their last progress lines at the end of the statement.
        let result = session.plan(prior.clone(), vars.clone(), &opts, &hooks::PlanHooks::default()).await;
        infra_engine::timings::mark("planned");
        if result.interrupted {
            println!("\nInterrupted while planning: nothing was applied and no state was written.");
            return interrupt::EXIT_INTERRUPTED;
        }
        print_recoveries(&result.recovered);
        recovered = result.recovered.clone();
        let mut diags = result.diagnostics.clone();
        diags.extend(result.plan.warnings.clone());
        if diags.iter().any(Diagnostic::is_error) {
            ctx.print_diags(&diags);
            return 1;
        }
        print!("{}", render::render_plan(&result.plan, &render::TextOptions { color: ctx.color, schemas: Some(&session.lookup()) }));
        ctx.print_diags(&diags);
        if !result.plan.has_changes() && mode != PlanMode::RefreshOnly {
            // Nothing to do; outputs are still refreshed in state.
        } else if !auto {
            let question = if mode == PlanMode::Destroy {
                "\nDo you really want to destroy all resources?\n  infra will destroy all your managed infrastructure, as shown above.\n  There is no undo. Only 'yes' will be accepted to confirm.\n\n  Enter a value: "
            } else {
                "\nDo you want to perform these actions?\n  infra will perform the actions described above.\n  Only 'yes' will be accepted to approve.\n\n  Enter a value: "
            };
            print!("{question}");
            let _ = std::io::stdout().flush();
            let Some(answer) = prompt_answer(&interrupt) else {
                eprintln!("\nError: {} cancelled.", if mode == PlanMode::Destroy { "Destroy" } else { "Apply" });
                return interrupt::EXIT_INTERRUPTED;
            };
            println!();
            if answer.trim() != "yes" {
                eprintln!("\nError: {} cancelled.", if mode == PlanMode::Destroy { "Destroy" } else { "Apply" });
                return 1;
            }
        }
        result.plan
    });
    let hooks = hooks::LineHooks::new(ctx.color);
    let journal = store.journal(prior_file.as_ref(), &session);
    // The plan just made already refreshed everything: apply starts from its refreshed state.
    let (prior, opts) = if let Some(saved) = &saved {
        // Apply exactly the reviewed plan or nothing: plan again from the same inputs and refuse
        // before changing anything if an instance's action or a recorded known value differs
        // (e.g. a file changed outside infra since). The apply walk checks each instance again
        // with the values it learns.
        let check = session.plan(prior, vars.clone(), &opts, &infra_engine::hooks::NoHooks).await;
        if check.interrupted {
            println!("\nInterrupted while planning: nothing was applied and no state was written.");
            return interrupt::EXIT_INTERRUPTED;
        }
        print_recoveries(&check.recovered);
        recovered = check.recovered.clone();
        if check.diagnostics.iter().any(Diagnostic::is_error) {
            ctx.print_diags(&check.diagnostics);
            return 1;
        }
        if let Some(d) = planfile::compare(&saved.plan, &check.plan) {
            ctx.print_diags(&[d]);
            return 1;
        }
        let mut o = opts.clone();
        o.refresh = false;
        (check.plan.prior_state, o)
    } else {
        let mut o = opts.clone();
        o.refresh = false;
        (plan.prior_state.clone(), o)
    };
    journal.record_recoveries(&session, &recovered);
    infra_engine::timings::mark("plan rendered");
    let result = kept(session.apply(prior, vars, &opts, &hooks, &journal, saved.as_ref().map(|_| &*plan)).await);
    infra_engine::timings::mark("applied");
    let mut diags = result.diagnostics.clone();
    diags.extend(result.plan.warnings.clone());
    // The reviewed plan is needed from here on only to summarise an interrupted run. Otherwise
    // it is freed before the state is encoded and written, which is when memory peaks.
    let plan = if result.interrupted { Some(plan) } else { drop(std::mem::ManuallyDrop::into_inner(plan)); None };
    // Persist whatever happened, errors or not: state records all that succeeded. The
    // configuration is not needed any more: freed first, its memory holds the state's text.
    session.release_configuration();
    let write_err = store.save(&session, &result.state, prior_file.as_ref(), &journal);
    infra_engine::timings::mark("state written");
    ctx.print_diags(&diags);
    if let Err(d) = write_err {
        ctx.print_diags(&[d]);
        return 1;
    }
    if result.interrupted {
        if let Some(plan) = &plan {
            print_interrupted_summary(plan, &journal.completed(), mode);
        }
        return interrupt::EXIT_INTERRUPTED;
    }
    if diags.iter().any(Diagnostic::is_error) {
        return 1;
    }
    let s = applied_counts(&result.plan);
    if mode == PlanMode::Destroy {
        println!("\nDestroy complete! Resources: {} destroyed.", s.2);
    } else {
        let mut line = String::from("\nApply complete! Resources: ");
        if s.3 > 0 {
            line.push_str(&format!("{} imported, ", s.3));
        }
        line.push_str(&format!("{} added, {} changed, {} destroyed.", s.0, s.1, s.2));
        println!("{line}");
    }
    if mode != PlanMode::Destroy && !result.outputs.is_empty() {
        println!("\nOutputs:\n");
        for (name, o) in &result.outputs {
            if o.sensitive {
                println!("{name} = <sensitive>");
            } else {
                println!("{name} = {}", crate::values::format_value(&o.value, 0));
            }
        }
    }
    0
}

/// One line per operation of an interrupted run that this plan reconciled.
fn print_recoveries(recovered: &[infra_engine::recover::Recovery]) {
    for r in recovered {
        println!("{}", r.message());
    }
    if !recovered.is_empty() {
        println!();
    }
}

/// Reads the approval answer on a thread of its own, so that Ctrl-C at the prompt cancels the
/// apply (`None`) without waiting for a line of input.
fn prompt_answer(interrupt: &infra_engine::walk::Interrupt) -> Option<String> {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut answer = String::new();
        let _ = std::io::stdin().lock().read_line(&mut answer);
        let _ = tx.send(answer);
    });
    loop {
        if interrupt.is_set() {
            return None;
        }
        match rx.recv_timeout(std::time::Duration::from_millis(100)) {
            Ok(answer) => return Some(answer),
            Err(std::sync::mpsc::RecvTimeoutError::Timeout) => continue,
            Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => return Some(String::new()),
        }
    }
}

/// What an interrupted apply did and did not do. The state was saved before this is printed.
fn print_interrupted_summary(plan: &Plan, completed: &std::collections::HashSet<String>, mode: PlanMode) {
    let planned: Vec<String> = plan.changes.iter().filter(|c| !matches!(c.action, Action::NoOp | Action::Read)).map(|c| c.addr.to_string()).collect();
    let not_done: Vec<&String> = planned.iter().filter(|a| !completed.contains(*a)).collect();
    let what = if mode == PlanMode::Destroy { "Destroy" } else { "Apply" };
    println!(
        "\n{what} interrupted: {} of {} planned changes were made; {} were not started.",
        planned.len() - not_done.len(),
        planned.len(),
        not_done.len()
    );
    if !not_done.is_empty() {
        let shown: Vec<&str> = not_done.iter().take(10).map(|s| s.as_str()).collect();
        let more = if not_done.len() > shown.len() { format!(", and {} more", not_done.len() - shown.len()) } else { String::new() };
        println!("Not started: {}{more}.", shown.join(", "));
    }
    println!("The state records every change that was made and the lock is released. Run \"infra {}\" again to finish.", if mode == PlanMode::Destroy { "destroy" } else { "apply" });
}

fn applied_counts(plan: &Plan) -> (usize, usize, usize, usize) {
    let mut s = (0, 0, 0, 0);
    for c in &plan.changes {
        if c.importing.is_some() {
            s.3 += 1;
        }
        match c.action {
            Action::Create => s.0 += 1,
            Action::Update => s.1 += 1,
            Action::Delete => s.2 += 1,
            Action::DeleteThenCreate | Action::CreateThenDelete => {
                s.0 += 1;
                s.2 += 1
            }
            _ => {}
        }
    }
    s
}

async fn cmd_output(ctx: Ctx, args: &Args) -> i32 {
    let Some(session) = load_session(&ctx) else { return 1 };
    let ctx = with_sources(&ctx, &session);
    let store = state::Store::open(&ctx.dir, &session);
    let (_, ws) = match store.load(&session) {
        Ok(p) => p,
        Err(d) => {
            ctx.print_diags(&[d]);
            return 1;
        }
    };
    let json = args.has("json");
    let raw = args.has("raw");
    if let Some(name) = args.positional.first() {
        let Some(o) = ws.outputs.get(name) else {
            eprintln!("╷\n│ Error: Output \"{name}\" not found\n│\n│ The output variable requested could not be found in the state file. If you\n│ recently added this to your configuration, be sure to run `infra apply`,\n│ since the state won't be updated with new output variables until that\n│ command is run.\n╵");
            return 1;
        };
        let (v, _) = o.value.unmark_deep();
        if json {
            println!("{}", serde_json::to_string(&infra_value::json::value_to_json(&v)).unwrap_or_default());
        } else if raw {
            match v.kind() {
                infra_value::value::Kind::String(s) => print!("{s}"),
                infra_value::value::Kind::Number(n) => print!("{n}"),
                infra_value::value::Kind::Bool(b) => print!("{b}"),
                _ => {
                    eprintln!("╷\n│ Error: Unsupported value for raw output\n│\n│ The -raw option only supports strings, numbers, and boolean values, but\n│ output value \"{name}\" is {}.\n│\n│ Use the -json option for machine-readable representations of output values\n│ that have complex types.\n╵", article(&v));
                    return 1;
                }
            }
        } else {
            println!("{}", crate::values::format_value(&v, 0));
        }
        return 0;
    }
    if json {
        let mut m = serde_json::Map::new();
        for (name, o) in &ws.outputs {
            let (v, _) = o.value.unmark_deep();
            m.insert(
                name.clone(),
                serde_json::json!({
                    "sensitive": o.sensitive,
                    "type": infra_value::json::type_to_json(&v.ty()),
                    "value": infra_value::json::value_to_json(&v),
                }),
            );
        }
        println!("{}", serde_json::to_string_pretty(&serde_json::Value::Object(m)).unwrap_or_default());
        return 0;
    }
    if ws.outputs.is_empty() {
        eprintln!("╷\n│ Warning: No outputs found\n│\n│ The state file either has no outputs defined, or all the defined outputs\n│ are empty. Please define an output in your configuration with the `output`\n│ keyword and run `infra refresh` for it to become available. If you are\n│ using interpolation, please verify the interpolated value is not empty. You\n│ can use the `infra console` command to assist.\n╵");
        return 0;
    }
    for (name, o) in &ws.outputs {
        if o.sensitive {
            println!("{name} = <sensitive>");
        } else {
            println!("{name} = {}", crate::values::format_value(&o.value, 0));
        }
    }
    0
}

fn article(v: &Value) -> String {
    match v.ty() {
        infra_value::Type::Object(_) => "an object".into(),
        infra_value::Type::Tuple(_) => "a tuple".into(),
        t => format!("a {}", t.friendly_name()),
    }
}

async fn cmd_show(ctx: Ctx, args: &Args) -> i32 {
    let json = args.has("json");
    let markdown = args.has("markdown");
    // A saved plan is rendered from the file alone: no configuration or state is needed.
    if let Some(path) = args.positional.first() {
        let saved = match planfile::read_unchecked(Path::new(path)) {
            Ok(p) => p,
            Err(msg) => {
                ctx.print_diags(&[Diagnostic::error("Failed to read the given file as a plan", msg)]);
                return 1;
            }
        };
        if json {
            let v = render::plan_json(&saved.plan, saved.configuration, saved.relevant_attributes);
            println!("{}", serde_json::to_string(&v).unwrap_or_default());
        } else {
            // The built-in providers' schemas need no configuration.
            let providers = infra_engine::providers::Providers::new(factories());
            let lookup = infra_engine::session::schema_lookup(&providers);
            if markdown {
                print!("{}", render::plan_markdown(&saved.plan, Some(&lookup)));
            } else {
                print!("{}", render::render_plan(&saved.plan, &render::TextOptions { color: ctx.color, schemas: Some(&lookup) }));
            }
        }
        return 0;
    }
    let Some(session) = load_session(&ctx) else { return 1 };
    let ctx = with_sources(&ctx, &session);
    let store = state::Store::open(&ctx.dir, &session);
    let (_, ws) = match store.load(&session) {
        Ok(p) => p,
        Err(d) => {
            ctx.print_diags(&[d]);
            return 1;
        }
    };
    if json {
        println!("{}", serde_json::to_string(&render::state_json(&ws)).unwrap_or_default());
        return 0;
    }
    if ws.resources.is_empty() && ws.outputs.is_empty() {
        println!("The state file is empty. No resources are represented.");
        return 0;
    }
    for r in ws.resources.values() {
        for (k, inst) in &r.instances {
            let addr = r.addr.instance(k.clone());
            println!("# {addr}:");
            print!("{}", state::format_instance(&addr, inst));
            println!();
        }
    }
    if !ws.outputs.is_empty() {
        println!("\nOutputs:\n");
        for (name, o) in &ws.outputs {
            if o.sensitive {
                println!("{name} = (sensitive value)");
            } else {
                println!("{name} = {}", crate::values::format_value(&o.value, 0));
            }
        }
    }
    0
}

fn cmd_graph(ctx: Ctx) -> i32 {
    let Some(session) = load_session(&ctx) else { return 1 };
    print!("{}", session.graph.to_dot());
    0
}

/// Keeps `value` alive until the process exits: it is never dropped.
///
/// `plan` and `apply` build trees of millions of small allocations (configuration, prior and
/// planned states, the plan) and exit right after printing. Freeing them one block at a time
/// took about a tenth of a 1 000-resource plan; the kernel reclaims the whole heap at exit at
/// once. Only values whose drop does nothing but free memory may be kept this way (not locks,
/// files being written, or anything else with an effect in `Drop`).
fn kept<T>(value: T) -> std::mem::ManuallyDrop<T> {
    std::mem::ManuallyDrop::new(value)
}
