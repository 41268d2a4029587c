//! `infra workspace list|new|select|delete|show`: named states in the configured backend, with
//! Terraform's messages and exit codes. The selected workspace is `.terraform/environment`
//! (overridden by `TF_WORKSPACE`), which is also what `terraform.workspace` evaluates to.

use infra_state::{valid_workspace_name, DEFAULT_WORKSPACE};
use infra_value::Diagnostic;

use super::args::Args;
use super::state::{current_workspace, open_backend, print_diags, set_workspace, state_diag, workspace_override};
use super::Ctx;

fn error(msg: &str) -> i32 {
    eprintln!("{}", msg.trim());
    1
}

fn does_not_exist(name: &str) -> String {
    format!("Workspace {name:?} doesn't exist.\n\nYou can create this workspace with the \"new\" subcommand \nor include the \"-or-create\" flag with the \"select\" subcommand.")
}

const OVERRIDDEN_SELECT: &str = "The selected workspace is currently overridden using the TF_WORKSPACE
environment variable.

To select a new workspace, either update this environment variable or unset
it and then run this command again.";

const OVERRIDDEN_NEW: &str = "The workspace is currently overridden using the TF_WORKSPACE environment
variable. You cannot create a new workspace when using this setting.

To create a new workspace, either unset this environment variable or update it
to match the workspace name you are trying to create, and then run this command
again.";

pub fn cmd_workspace(ctx: &Ctx, sub: &str, args: &Args) -> i32 {
    let known: &[&str] = match sub {
        "new" => &["lock", "lock-timeout"],
        "select" => &["or-create"],
        "delete" => &["force", "lock", "lock-timeout"],
        "list" | "show" => &[],
        other => return error(&format!("infra workspace has no subcommand {other:?}. Available: list, new, select, delete, show.")),
    };
    // `-no-color` is global: the dispatcher re-parses subcommand arguments from the raw list.
    let known: Vec<&str> = known.iter().copied().chain(["no-color"]).collect();
    if let Some(flag) = args.unknown(&known) {
        return error(&format!("Failed to parse command-line flags: flag provided but not defined: -{flag}"));
    }
    if sub == "show" {
        println!("{}", current_workspace(&ctx.dir));
        return 0;
    }
    let Some(session) = super::load_session(ctx) else { return 1 };
    let fail = |d: Vec<Diagnostic>| {
        print_diags(&session.sources, &d);
        1
    };
    let backend = match open_backend(&ctx.dir, &session) {
        Ok(b) => b,
        Err(d) => return fail(d),
    };
    let workspaces = match backend.workspaces() {
        Ok(w) => w,
        Err(e) => return fail(vec![state_diag("Failed to get configured named states", &e)]),
    };
    let current = current_workspace(&ctx.dir);
    let name = args.positional.first().cloned();
    match (sub, name) {
        ("list", _) => {
            for ws in &workspaces {
                if *ws == current {
                    println!("* {ws}");
                } else {
                    println!("  {ws}");
                }
            }
            println!();
            if workspace_override().is_some() {
                eprintln!("\nThe active workspace is being overridden using the TF_WORKSPACE environment\nvariable.");
            }
            0
        }
        ("new", Some(name)) => {
            if workspace_override().is_some_and(|w| w != name) {
                return error(OVERRIDDEN_NEW);
            }
            if !valid_workspace_name(&name) {
                return error(&format!("The workspace name {name:?} is not allowed. The name must contain only URL safe\ncharacters, contain no path separators, and not be an empty string."));
            }
            if workspaces.contains(&name) {
                return error(&format!("Workspace {name:?} already exists"));
            }
            if let Err(e) = backend.create_workspace(&name) {
                return fail(vec![state_diag("Failed to create the workspace", &e)]);
            }
            // Opening the state creates what a backend needs for it (pg's row), as Terraform's
            // StateMgr does.
            if let Err(e) = backend.state(&name) {
                return fail(vec![state_diag("Failed to create the workspace", &e)]);
            }
            if let Err(e) = set_workspace(&ctx.dir, &name) {
                return error(&format!("Error selecting new workspace: {e}"));
            }
            println!("Created and switched to workspace {name:?}!\n\nYou're now on a new, empty workspace. Workspaces isolate their state,\nso if you run \"infra plan\" infra will not see any existing state\nfor this configuration.");
            0
        }
        ("select", Some(name)) => {
            if workspace_override().is_some() {
                return error(OVERRIDDEN_SELECT);
            }
            if name == current {
                return 0;
            }
            let mut created = false;
            if !workspaces.contains(&name) {
                if !args.has("or-create") {
                    return error(&does_not_exist(&name));
                }
                if let Err(e) = backend.create_workspace(&name).and_then(|_| backend.state(&name).map(|_| ())) {
                    return fail(vec![state_diag("Failed to create the workspace", &e)]);
                }
                created = true;
            }
            if let Err(e) = set_workspace(&ctx.dir, &name) {
                return error(&e.to_string());
            }
            if created {
                println!("Created and switched to workspace {name:?}!\n\nYou're now on a new, empty workspace. Workspaces isolate their state,\nso if you run \"infra plan\" infra will not see any existing state\nfor this configuration.");
            } else {
                println!("Switched to workspace {name:?}.");
            }
            0
        }
        ("delete", Some(name)) => {
            if !workspaces.contains(&name) {
                return error(&does_not_exist(&name));
            }
            if name == current {
                return error(&format!("Workspace {name:?} is your active workspace.\n\nYou cannot delete the currently active workspace. Please switch\nto another workspace and try again."));
            }
            if name == DEFAULT_WORKSPACE {
                return error("Cannot delete the default workspace");
            }
            let mut store = match backend.state(&name) {
                Ok(s) => s,
                Err(e) => return fail(vec![state_diag("Failed to open the workspace's state", &e)]),
            };
            if args.bool_or("lock", true) {
                let timeout = match args.value("lock-timeout") {
                    None => std::time::Duration::ZERO,
                    Some(t) => match super::state::parse_duration(&t) {
                        Some(d) => d,
                        None => return error(&format!("Invalid -lock-timeout value {t:?}: use a number with a unit, e.g. \"10s\".")),
                    },
                };
                if let Err(e) = store.lock(infra_state::LockInfo::new("OperationTypeInvalid"), timeout) {
                    return fail(vec![state_diag("Error acquiring the state lock", &e)]);
                }
            }
            let loaded = store.load();
            let _ = store.unlock();
            let replay = match loaded {
                Ok(r) => r,
                Err(e) => return fail(vec![state_diag("Failed to load state", &e)]),
            };
            let managed: Vec<String> = replay
                .state
                .instances()
                .filter(|(r, _)| r.mode == infra_state::ResourceMode::Managed)
                .map(|(r, i)| match &i.deposed {
                    None => format!("\n  - {}", r.instance_address(i.index_key.as_ref())),
                    Some(d) => format!("\n  - {} (deposed object {d})", r.instance_address(i.index_key.as_ref())),
                })
                .collect();
            let has_resources = !managed.is_empty() || !replay.pending.is_empty();
            if has_resources && !args.has("force") {
                return fail(vec![Diagnostic::error(
                    "Workspace is not empty",
                    format!("Workspace {name:?} is currently tracking the following resource instances:{}\n\nDeleting this workspace would cause infra to lose track of any associated remote objects, which would then require you to delete them manually outside of infra. You should destroy these objects with infra before deleting the workspace.\n\nIf you want to delete this workspace anyway, and have infra forget about these managed objects, use the -force option to disable this safety check.", managed.concat()),
                )]);
            }
            drop(store);
            if let Err(e) = backend.delete_workspace(&name) {
                return fail(vec![state_diag("Failed to delete the workspace", &e)]);
            }
            println!("Deleted workspace {name:?}!");
            if has_resources {
                println!("WARNING: {name:?} was non-empty.\nThe resources managed by the deleted workspace may still exist,\nbut are no longer manageable by infra since the state has\nbeen deleted.");
            }
            0
        }
        ("new" | "select" | "delete", None) => error("Expected a single argument: NAME."),
        (other, _) => error(&format!("infra workspace has no subcommand {other:?}. Available: list, new, select, delete, show.")),
    }
}
