//! The CLI over every state backend: workspaces, `state` subcommands, `init -migrate-state`,
//! locking between concurrent applies, and refusal of bad inputs — each run through the built
//! `infra` binary against a local directory, a real PostgreSQL server and moto (started by the
//! servers helper shared with `state/tests`, see `state/tests/support/README.md`).

#[path = "../state/tests/support/mod.rs"]
mod support;
mod binary;

use binary::{command, infra, words, Run};

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// A working directory with `main.tf`.
fn workdir(main_tf: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temporary directory");
    write_config(dir.path(), main_tf);
    dir
}

fn write_config(dir: &Path, main_tf: &str) {
    std::fs::write(dir.join("main.tf"), main_tf).expect("writing main.tf");
}

// ---------------------------------------------------------------------------------------------
// Backends under test

#[derive(Clone, Copy, Debug)]
enum Kind {
    Local,
    Pg,
    S3,
}

/// The `terraform { backend ... }` block of a fresh, empty store of `kind` (own schema or
/// bucket), or nothing for the default local backend.
fn backend_block(kind: Kind) -> String {
    match kind {
        Kind::Local => String::new(),
        Kind::Pg => format!(
            "terraform {{\n  backend \"pg\" {{\n    conn_str    = \"{}\"\n    schema_name = \"{}\"\n  }}\n}}\n",
            support::pg().url(),
            support::unique("cli_")
        ),
        Kind::S3 => {
            let bucket = support::unique("cli-").to_lowercase();
            http(&support::moto().endpoint(), "PUT", &format!("/{bucket}"), b"");
            s3_block(&bucket)
        }
    }
}

fn s3_block(bucket: &str) -> String {
    let endpoint = support::moto().endpoint();
    format!(
        r#"terraform {{
  backend "s3" {{
    bucket         = "{bucket}"
    key            = "app/terraform.tfstate"
    region         = "us-east-1"
    endpoints      = {{ s3 = "{endpoint}" }}
    use_path_style = true
    use_lockfile   = true
    access_key     = "test"
    secret_key     = "test"
  }}
}}
"#
    )
}

/// A plain HTTP request to moto; returns the body, asserting a
/// 200 status.
fn http(endpoint: &str, method: &str, path: &str, body: &[u8]) -> Vec<u8> {
    let host = endpoint.trim_start_matches("http://");
    let mut stream = TcpStream::connect(host).expect("connecting to moto");
    // moto refuses anonymous object requests but does not verify signatures: any SigV4-shaped
    // header for the backend's access key will do.
    let auth = "AWS4-HMAC-SHA256 Credential=test/20200101/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=0";
    write!(stream, "{method} {path} HTTP/1.1\r\nHost: {host}\r\nAuthorization: {auth}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n", body.len()).expect("sending request");
    stream.write_all(body).expect("sending body");
    let mut response = Vec::new();
    let _ = stream.read_to_end(&mut response);
    let split = response.windows(4).position(|w| w == b"\r\n\r\n").unwrap_or(response.len());
    let head = String::from_utf8_lossy(&response[..split]).into_owned();
    assert!(head.starts_with("HTTP/1.1 200") || head.starts_with("HTTP/1.0 200"), "{method} {path}: {head}");
    let mut payload = response[(split + 4).min(response.len())..].to_vec();
    if head.to_ascii_lowercase().contains("transfer-encoding: chunked") {
        payload = dechunk(&payload);
    }
    payload
}

fn dechunk(mut data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(eol) = data.windows(2).position(|w| w == b"\r\n") {
        let size = usize::from_str_radix(String::from_utf8_lossy(&data[..eol]).trim(), 16).unwrap_or(0);
        if size == 0 {
            break;
        }
        let start = eol + 2;
        out.extend_from_slice(&data[start..(start + size).min(data.len())]);
        data = &data[(start + size + 2).min(data.len())..];
    }
    out
}

/// The stored state as `state pull` prints it.
fn pull(dir: &Path) -> String {
    infra(dir, &["state", "pull"]).ok().stdout
}

fn list(dir: &Path) -> Vec<String> {
    infra(dir, &["state", "list"]).ok().stdout.lines().map(String::from).collect()
}

const RESOURCES: &str = r#"
resource "terraform_data" "a" {
  count = 2
  input = "a${count.index}"
}

resource "terraform_data" "b" {
  input = "b"
}

output "workspace" {
  value = terraform.workspace
}
"#;

// ---------------------------------------------------------------------------------------------
// Workspaces

#[test]
fn workspace_lifecycle() {
    let dir = workdir(RESOURCES);
    let d = dir.path();
    infra(d, &["init"]).ok();
    assert_eq!(infra(d, &["workspace", "show"]).ok().stdout, "default\n");
    let created = infra(d, &["workspace", "new", "dev"]).ok();
    assert!(created.stdout.contains("Created and switched to workspace \"dev\"!"), "{}", created.text());
    assert_eq!(std::fs::read_to_string(d.join(".terraform/environment")).unwrap_or_default(), "dev");
    infra(d, &["workspace", "new", "dev"]).fails_with("Workspace \"dev\" already exists");
    infra(d, &["workspace", "new", "a/b"]).fails_with("is not allowed");
    assert_eq!(infra(d, &["workspace", "list"]).ok().stdout, "  default\n* dev\n\n");

    // terraform.workspace sees the selection; the state lives in Terraform's layout.
    let applied = infra(d, &["apply", "-auto-approve"]).ok();
    assert!(applied.stdout.contains("workspace = \"dev\""), "{}", applied.text());
    assert!(d.join("terraform.tfstate.d/dev/terraform.tfstate").is_file());
    assert!(!d.join("terraform.tfstate").exists(), "the default workspace's state must not be written");
    assert_eq!(list(d).len(), 3);

    infra(d, &["workspace", "delete", "dev"]).fails_with("Workspace \"dev\" is your active workspace");
    let switched = infra(d, &["workspace", "select", "default"]).ok();
    assert_eq!(switched.stdout, "Switched to workspace \"default\".\n");
    assert!(list(d).is_empty(), "the default workspace has its own, empty state");
    infra(d, &["workspace", "select", "nope"]).fails_with("Workspace \"nope\" doesn't exist.");
    infra(d, &["workspace", "delete", "default"]).fails_with("Workspace \"default\" is your active workspace");

    let refused = infra(d, &["workspace", "delete", "dev"]).fails_with("Workspace is not empty");
    assert!(refused.stderr.contains("terraform_data.a[0]"), "{}", refused.text());
    assert!(d.join("terraform.tfstate.d/dev/terraform.tfstate").is_file(), "a refused delete keeps the state");
    let deleted = infra(d, &["workspace", "delete", "-force", "dev"]).ok();
    assert!(deleted.stdout.contains("Deleted workspace \"dev\"!") && deleted.stdout.contains("WARNING: \"dev\" was non-empty."), "{}", deleted.text());
    assert_eq!(infra(d, &["workspace", "list"]).ok().stdout, "* default\n\n");

    let or_create = infra(d, &["workspace", "select", "-or-create", "qa"]).ok();
    assert!(or_create.stdout.contains("Created and switched to workspace \"qa\"!"), "{}", or_create.text());
    let empty_delete = {
        infra(d, &["workspace", "select", "default"]).ok();
        infra(d, &["workspace", "delete", "qa"]).ok()
    };
    assert_eq!(empty_delete.stdout, "Deleted workspace \"qa\"!\n");
}

#[test]
fn workspaces_on_pg_and_s3() {
    for kind in [Kind::Pg, Kind::S3] {
        let dir = workdir(&format!("{}{RESOURCES}", backend_block(kind)));
        let d = dir.path();
        infra(d, &["init"]).ok();
        infra(d, &["workspace", "new", "staging"]).ok();
        infra(d, &["apply", "-auto-approve"]).ok();
        assert_eq!(infra(d, &["workspace", "list"]).ok().stdout, "  default\n* staging\n\n", "{kind:?}");
        assert_eq!(infra(d, &["output", "-raw", "workspace"]).ok().stdout, "staging", "{kind:?}");
        infra(d, &["workspace", "select", "default"]).ok();
        assert!(list(d).is_empty(), "{kind:?}: default is separate");
        infra(d, &["workspace", "delete", "staging"]).fails_with("Workspace is not empty");
        infra(d, &["workspace", "delete", "-force", "staging"]).ok();
        assert_eq!(infra(d, &["workspace", "list"]).ok().stdout, "* default\n\n", "{kind:?}");
    }
}

// ---------------------------------------------------------------------------------------------
// state subcommands

fn serial_of(state_json: &str) -> u64 {
    let v: serde_json::Value = serde_json::from_str(state_json).expect("state pull prints JSON");
    v["serial"].as_u64().expect("serial")
}

fn exercise_state_commands(kind: Kind) {
    let dir = workdir(&format!("{}{RESOURCES}", backend_block(kind)));
    let d = dir.path();
    infra(d, &["init"]).ok();
    infra(d, &["apply", "-auto-approve"]).ok();
    assert_eq!(list(d), ["terraform_data.a[0]", "terraform_data.a[1]", "terraform_data.b"], "{kind:?}");
    let original = pull(d);

    // Dry runs change nothing.
    let dry = infra(d, &["state", "mv", "-dry-run", "terraform_data.b", "terraform_data.c"]).ok();
    assert_eq!(dry.stdout, "Would move \"terraform_data.b\" to \"terraform_data.c\"\n", "{kind:?}");
    let dry = infra(d, &["state", "rm", "-dry-run", "terraform_data.a"]).ok();
    assert_eq!(dry.stdout, "Would remove terraform_data.a[0]\nWould remove terraform_data.a[1]\n", "{kind:?}");
    assert_eq!(pull(d), original, "{kind:?}: dry runs must not write");

    // Bad inputs: diagnostics, exit 1, bytes unchanged.
    infra(d, &["state", "rm", "terraform_data."]).fails_with("Invalid address");
    infra(d, &["state", "rm", "terraform_data.nope"]).fails_with("No matching objects found");
    infra(d, &["state", "mv", "terraform_data.nope", "terraform_data.x"]).fails_with("does not match anything in the current state");
    infra(d, &["state", "mv", "terraform_data.b", "terraform_data.a"]).fails_with("there is already a resource at that address");
    infra(d, &["state", "mv", "terraform_data.b", "random_id.b"]).fails_with("the resource type must stay the same");
    assert_eq!(pull(d), original, "{kind:?}: refused changes must not write");

    let moved = infra(d, &["state", "mv", "terraform_data.b", "terraform_data.c"]).ok();
    assert_eq!(moved.stdout, "Move \"terraform_data.b\" to \"terraform_data.c\"\nSuccessfully moved 1 object(s).\n", "{kind:?}");
    let moved = infra(d, &["state", "mv", "terraform_data.a[1]", "terraform_data.d[\"x\"]"]).ok();
    assert!(moved.stdout.contains("Successfully moved 1 object(s)."), "{}", moved.text());
    let removed = infra(d, &["state", "rm", "terraform_data.a[0]"]).ok();
    assert_eq!(removed.stdout, "Removed terraform_data.a[0]\nSuccessfully removed 1 resource instance(s).\n", "{kind:?}");
    assert_eq!(list(d), ["terraform_data.c", "terraform_data.d[\"x\"]"], "{kind:?}");
    let show = infra(d, &["state", "show", "terraform_data.c"]).ok();
    assert!(show.stdout.contains("resource \"terraform_data\" \"c\"") && show.stdout.contains("\"b\""), "{}", show.text());

    // History keeps earlier snapshots; show -serial reads one.
    let first_serial = serial_of(&original);
    let history = infra(d, &["state", "history"]).ok();
    assert!(history.stdout.contains(&format!("serial {first_serial} ")), "{kind:?}: {}", history.text());
    let old = infra(d, &["state", "show", "-serial", &first_serial.to_string(), "terraform_data.b"]).ok();
    let same = infra(d, &["state", "show", &format!("-serial={first_serial}"), "terraform_data.b"]).ok();
    assert_eq!(old.stdout, same.stdout);
    assert!(old.stdout.contains("# terraform_data.b:"), "{}", old.text());
    infra(d, &["state", "show", "-serial", "9999", "terraform_data.b"]).fails_with("No state snapshot with serial 9999");

    // push: another lineage or an older serial is refused unless -force.
    let current = pull(d);
    let current_serial = serial_of(&current);
    let file = d.join("pushed.tfstate");
    let mut foreign: serde_json::Value = serde_json::from_str(&original).expect("json");
    foreign["lineage"] = "00000000-0000-4000-8000-000000000000".into();
    foreign["serial"] = (current_serial + 10).into();
    std::fs::write(&file, serde_json::to_string_pretty(&foreign).expect("json")).expect("write");
    infra(d, &["state", "push", "pushed.tfstate"]).fails_with("lineage");
    std::fs::write(&file, &original).expect("write");
    infra(d, &["state", "push", "pushed.tfstate"]).fails_with("newer than the serial");
    std::fs::write(&file, "{\"version\": 4, \"serial\": ").expect("write");
    infra(d, &["state", "push", "pushed.tfstate"]).fails_with("Error reading source state");
    assert_eq!(pull(d), current, "{kind:?}: refused pushes must not write");
    std::fs::write(&file, &original).expect("write");
    let mut same_serial: serde_json::Value = serde_json::from_str(&current).expect("json");
    same_serial["resources"] = serde_json::json!([]);
    std::fs::write(&file, serde_json::to_string_pretty(&same_serial).expect("json")).expect("write");
    infra(d, &["state", "push", "pushed.tfstate"]).fails_with("with a different state that has the same serial");
    assert_eq!(pull(d), current, "{kind:?}: refused pushes must not write");
    std::fs::write(&file, &original).expect("write");
    infra(d, &["state", "push", "-force", "pushed.tfstate"]).ok();
    assert_eq!(list(d), ["terraform_data.a[0]", "terraform_data.a[1]", "terraform_data.b"], "{kind:?}");

    // An empty state (a new workspace's) may be overwritten by any lineage without -force.
    infra(d, &["workspace", "new", "copy"]).ok();
    infra(d, &["state", "push", "pushed.tfstate"]).ok();
    assert_eq!(list(d).len(), 3, "{kind:?}: pushed into the new workspace");
    assert_eq!(serde_json::from_str::<serde_json::Value>(&pull(d)).expect("json")["lineage"], serde_json::from_str::<serde_json::Value>(&original).expect("json")["lineage"]);
    infra(d, &["workspace", "select", "default"]).ok();
    let plan = infra(d, &["plan"]).ok();
    assert!(plan.stdout.contains("No changes."), "{kind:?}: the pushed state matches the configuration again:\n{}", plan.text());
}

#[test]
fn state_commands_local() {
    exercise_state_commands(Kind::Local);
}

#[test]
fn state_commands_pg() {
    exercise_state_commands(Kind::Pg);
}

#[test]
fn state_commands_s3() {
    exercise_state_commands(Kind::S3);
}

// ---------------------------------------------------------------------------------------------
// init -migrate-state

#[test]
fn migrate_local_to_pg_to_s3() {
    let dir = workdir(RESOURCES);
    let d = dir.path();
    infra(d, &["apply", "-auto-approve"]).ok();
    infra(d, &["workspace", "new", "dev"]).ok();
    infra(d, &["apply", "-auto-approve"]).ok();
    infra(d, &["workspace", "select", "default"]).ok();
    let default_state: serde_json::Value = serde_json::from_str(&pull(d)).expect("json");

    for kind in [Kind::Pg, Kind::S3] {
        write_config(d, &format!("{}{RESOURCES}", backend_block(kind)));
        infra(d, &["plan"]).fails_with("Backend initialization required, please run \"infra init\"");
        infra(d, &["init"]).fails_with("Backend configuration changed");
        let init = infra(d, &["init", "-migrate-state", "-force-copy"]).ok();
        assert!(init.stdout.contains("Successfully configured the backend"), "{}", init.text());
        let record = std::fs::read_to_string(d.join(".terraform/terraform.tfstate")).expect("backend record");
        let record: serde_json::Value = serde_json::from_str(&record).expect("json");
        assert_eq!(record["backend"]["type"], format!("{kind:?}").to_lowercase());

        let migrated: serde_json::Value = serde_json::from_str(&pull(d)).expect("json");
        assert_eq!(migrated["lineage"], default_state["lineage"], "{kind:?}");
        assert_eq!(migrated["resources"], default_state["resources"], "{kind:?}: data intact");
        assert!(infra(d, &["plan"]).ok().stdout.contains("No changes."), "{kind:?}");
        assert_eq!(infra(d, &["workspace", "list"]).ok().stdout, "* default\n  dev\n\n", "{kind:?}");
        infra(d, &["workspace", "select", "dev"]).ok();
        assert_eq!(list(d).len(), 3, "{kind:?}: dev migrated");
        assert_eq!(infra(d, &["output", "-raw", "workspace"]).ok().stdout, "dev");
        infra(d, &["workspace", "select", "default"]).ok();
    }
}

#[test]
fn init_reconfigure_and_first_configuration() {
    // A new configuration with a pg backend and no previous state initialises without flags.
    let dir = workdir(&format!("{}{RESOURCES}", backend_block(Kind::Pg)));
    let d = dir.path();
    infra(d, &["plan"]).fails_with("Initial configuration of the requested backend \"pg\"");
    infra(d, &["init"]).ok();
    infra(d, &["apply", "-auto-approve"]).ok();
    // -reconfigure switches without copying.
    write_config(d, RESOURCES);
    infra(d, &["plan"]).fails_with("Unsetting the previously set backend \"pg\"");
    infra(d, &["init", "-reconfigure"]).ok();
    assert!(list(d).is_empty(), "-reconfigure does not copy state");
    assert!(!d.join(".terraform/terraform.tfstate").exists(), "the implicit local backend is recorded as none");
}

// ---------------------------------------------------------------------------------------------
// Two concurrent applies

const SLEEPER: &str = r#"
resource "time_sleep" "hold" {
  create_duration = "4s"
}
"#;

/// An `infra` process whose stdout lines arrive on a channel.
struct Running {
    child: Child,
    lines: mpsc::Receiver<String>,
    seen: Vec<String>,
    stderr: std::thread::JoinHandle<String>,
}

fn spawn(dir: &Path, args: &[&str]) -> Running {
    let mut child = command(dir, args).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().expect("spawning infra");
    let stdout = child.stdout.take().expect("stdout");
    let mut stderr = child.stderr.take().expect("stderr");
    let (tx, lines) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let stderr = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = stderr.read_to_string(&mut s);
        s
    });
    Running { child, lines, seen: Vec::new(), stderr }
}

impl Running {
    /// Waits for a stdout line containing `needle` (the apply holds the lock by then).
    fn wait_for(&mut self, needle: &str) {
        let deadline = Instant::now() + Duration::from_secs(120);
        while Instant::now() < deadline {
            match self.lines.recv_timeout(Duration::from_millis(200)) {
                Ok(line) => {
                    let hit = line.contains(needle);
                    self.seen.push(line);
                    if hit {
                        return;
                    }
                }
                Err(mpsc::RecvTimeoutError::Timeout) => {}
                Err(mpsc::RecvTimeoutError::Disconnected) => break,
            }
        }
        panic!("no line containing {needle:?}; output so far:\n{}", self.seen.join("\n"));
    }

    fn finish(mut self) -> Run {
        let status = self.child.wait().expect("waiting for infra");
        let mut stdout = self.seen.join("\n");
        for line in self.lines.iter() {
            stdout.push('\n');
            stdout.push_str(&line);
        }
        Run { code: status.code().unwrap_or(-1), stdout, stderr: self.stderr.join().unwrap_or_default() }
    }
}

fn concurrent_applies(kind: Kind) {
    let dir = workdir(&format!("{}{SLEEPER}", backend_block(kind)));
    let d = dir.path();
    infra(d, &["init"]).ok();

    // Without a timeout the second apply fails at once, naming the holder.
    let mut first = spawn(d, &["apply", "-auto-approve"]);
    first.wait_for("time_sleep.hold: Creating...");
    let second = infra(d, &["apply", "-auto-approve"]).fails_with("Error acquiring the state lock");
    for field in ["ID:", "Operation: OperationTypeApply", "Who:", "Created:"] {
        assert!(second.stderr.contains(field), "{kind:?}: the lock error names the holder ({field}):\n{}", second.text());
    }
    assert!(!second.stdout.contains("Creating..."), "{kind:?}: the second apply must not proceed:\n{}", second.text());
    // Reading is not blocked, and -lock=false skips the lock.
    assert_eq!(infra(d, &["state", "list"]).ok().stdout, "time_sleep.hold (unconfirmed: create in progress when the last run stopped)\n", "{kind:?}");
    infra(d, &["plan", "-lock=false"]).ok();
    let first = first.finish().ok();
    assert!(first.stdout.contains("Apply complete! Resources: 1 added"), "{}", first.text());

    // With -lock-timeout the second waits for the first, then runs.
    let mut first = spawn(d, &["apply", "-auto-approve", "-replace=time_sleep.hold"]);
    first.wait_for("time_sleep.hold: Creating...");
    let started = Instant::now();
    let second = infra(d, &["apply", "-auto-approve", "-lock-timeout=120s"]).ok();
    let first = first.finish().ok();
    assert!(first.stdout.contains("1 added, 0 changed, 1 destroyed"), "{}", first.text());
    assert!(second.stdout.contains("No changes."), "{kind:?}: the waiting apply sees the first one's result:\n{}", second.text());
    assert!(started.elapsed() >= Duration::from_secs(1), "{kind:?}: the second apply must have waited");
    assert_eq!(list(d), ["time_sleep.hold"]);
}

#[test]
fn concurrent_apply_local() {
    concurrent_applies(Kind::Local);
}

#[test]
fn concurrent_apply_pg() {
    concurrent_applies(Kind::Pg);
}

#[test]
fn concurrent_apply_s3() {
    concurrent_applies(Kind::S3);
}

// ---------------------------------------------------------------------------------------------
// Bad inputs

#[test]
fn malformed_backend_blocks_are_diagnostics() {
    let cases = [
        ("terraform {\n  backend \"pg\" {\n    conn_str = var.conn\n  }\n}\nvariable \"conn\" {}\n", "Variables not allowed", Some("main.tf line 3")),
        ("terraform {\n  backend \"pg\" {\n    conn_str = lower(\"X\")\n  }\n}\n", "Function calls not allowed", Some("main.tf line 3")),
        ("terraform {\n  backend \"consul\" {}\n}\n", "Unsupported backend type", None),
        ("terraform {\n  backend \"local\" {\n    nope = 1\n  }\n}\n", "an argument named \"nope\" is not expected", None),
        ("terraform {\n  backend \"s3\" {\n    key = \"k\"\n  }\n}\n", "The attribute \"bucket\" is required", None),
    ];
    for (config, needle, at) in cases {
        let dir = workdir(config);
        let d = dir.path();
        let run = infra(d, &["init"]).fails_with(needle);
        if needle == "Unsupported backend type" {
            assert!(run.stderr.contains("local, pg, s3"), "the error lists the supported backends:\n{}", run.text());
        }
        if let Some(at) = at {
            assert!(run.stderr.contains(at), "the diagnostic points at the expression ({at}):\n{}", run.text());
        }
        // plan checks the block the same way; an s3 block that init refused is still
        // uninitialised, which plan reports first.
        let expected = if needle.contains("bucket") { "Backend initialization required" } else { needle };
        infra(d, &["plan"]).fails_with(expected);
        assert!(!d.join(".terraform/terraform.tfstate").exists(), "a failed init records nothing");
    }
}

#[test]
fn corrupt_local_state_is_refused_and_kept() {
    let dir = workdir(RESOURCES);
    let d = dir.path();
    infra(d, &["apply", "-auto-approve"]).ok();
    let state = std::fs::read(d.join("terraform.tfstate")).expect("state");
    let cut = &state[..state.len() / 2];
    std::fs::write(d.join("terraform.tfstate"), cut).expect("write");
    for args in [
        &["plan"][..],
        &["apply", "-auto-approve"],
        &["state", "list"],
        &["state", "rm", "terraform_data.b"],
        &["state", "mv", "terraform_data.b", "terraform_data.c"],
        &["state", "pull"],
    ] {
        infra(d, args).fails_with("truncated");
        assert_eq!(std::fs::read(d.join("terraform.tfstate")).expect("state"), cut, "{args:?} must not touch a corrupt state");
    }
}

#[test]
fn force_unlock_names_a_missing_lock() {
    let dir = workdir(RESOURCES);
    let d = dir.path();
    infra(d, &["apply", "-auto-approve"]).ok();
    infra(d, &["force-unlock", "0000"]).fails_with("Failed to unlock state");
}

/// plan and apply start reading the state while the configuration is parsed, from the backend
/// `infra init` recorded or else the default local one. A configuration that names another
/// backend must be planned and applied against that backend's state, and the guessed one left
/// as it was.
#[test]
fn state_read_before_the_configuration_follows_the_configured_backend() {
    let dir = workdir("resource \"terraform_data\" \"decoy\" {\n  input = 1\n}\n");
    let d = dir.path();
    infra(d, &["apply", "-auto-approve"]).ok();
    let decoy = std::fs::read(d.join("terraform.tfstate")).expect("default state");
    write_config(d, "terraform {\n  backend \"local\" {\n    path = \"custom.tfstate\"\n  }\n}\n\nresource \"terraform_data\" \"real\" {\n  input = 2\n}\n");
    for args in [&["plan"][..], &["apply", "-auto-approve"]] {
        let run = infra(d, args).ok();
        assert!(run.stdout.contains("1 to add, 0 to change, 0 to destroy") || run.stdout.contains("Resources: 1 added, 0 changed, 0 destroyed"), "{args:?}:\n{}", run.text());
        assert!(!run.stdout.contains("decoy"), "{args:?} must not see the default backend's state:\n{}", run.text());
    }
    assert_eq!(std::fs::read(d.join("terraform.tfstate")).expect("default state"), decoy, "the guessed state is left alone");
    assert_eq!(list(d), ["terraform_data.real"]);
    infra(d, &["plan"]).ok().stdout_has("No changes.");
}

/// A command that stops at a configuration error releases the lock its early state read took
/// before it exits: the lock info file, written once the lock is held and removed as it is
/// released, would otherwise stay behind (naming a holder that is gone).
#[test]
fn configuration_error_releases_the_lock_of_the_early_state_read() {
    let dir = workdir(RESOURCES);
    let d = dir.path();
    infra(d, &["apply", "-auto-approve"]).ok();
    write_config(d, "resource \"terraform_data\" \"broken\" {\n  input =\n}\n");
    for args in [&["plan"][..], &["apply", "-auto-approve"], &["plan"]] {
        let run = infra(d, args);
        assert_eq!(run.code, 1, "{args:?}:\n{}", run.text());
        assert!(run.stderr.contains("on main.tf line 2"), "{args:?} reports the configuration error:\n{}", run.text());
        assert!(!d.join(".terraform.tfstate.lock.info").exists(), "{args:?} left the state locked");
    }
    write_config(d, RESOURCES);
    infra(d, &["plan"]).ok().stdout_has("No changes.");
}

#[test]
fn corrupt_s3_state_is_refused_and_kept() {
    let bucket = support::unique("cli-").to_lowercase();
    let endpoint = support::moto().endpoint();
    http(&endpoint, "PUT", &format!("/{bucket}"), b"");
    let dir = workdir(&format!("{}{RESOURCES}", s3_block(&bucket)));
    let d = dir.path();
    infra(d, &["init"]).ok();
    infra(d, &["apply", "-auto-approve"]).ok();
    let object = format!("/{bucket}/app/terraform.tfstate");
    let corrupt = b"{\"version\": 4, \"serial\": 3, \"lineage\": \"x\", \"resources\": [".to_vec();
    http(&endpoint, "PUT", &object, &corrupt);
    for args in [&["plan"][..], &["apply", "-auto-approve"], &["state", "list"], &["state", "rm", "terraform_data.b"]] {
        infra(d, args).fails_with("truncated");
        assert_eq!(http(&endpoint, "GET", &object, b""), corrupt, "{args:?} must not touch a corrupt state");
    }
}

#[test]
fn encrypted_state_never_holds_plaintext_and_a_wrong_key_is_refused() {
    let dir = workdir(RESOURCES);
    let d = dir.path();
    let with_pass = |pass: &str, args: &[&str]| Run::from(command(d, args).env("INFRA_STATE_PASSPHRASE", pass).output().expect("running infra"));
    with_pass("right horse battery", &["apply", "-auto-approve"]).ok();
    let bytes = std::fs::read(d.join("terraform.tfstate")).expect("state");
    assert!(!String::from_utf8_lossy(&bytes).contains("terraform_data"), "the snapshot must be encrypted");
    let journal = std::fs::read(d.join("terraform.tfstate.journal")).unwrap_or_default();
    assert!(!String::from_utf8_lossy(&journal).contains("terraform_data"), "the journal must be encrypted");
    assert_eq!(with_pass("right horse battery", &["state", "list"]).ok().stdout.lines().count(), 3);
    let wrong = with_pass("wrong", &["state", "list"]);
    assert_eq!(wrong.code, 1, "{}", wrong.text());
    assert!(wrong.stderr.to_lowercase().contains("decrypt") || wrong.stderr.contains("key"), "{}", wrong.text());
    infra(d, &["plan"]).fails_with("encrypted");
    assert_eq!(std::fs::read(d.join("terraform.tfstate")).expect("state"), bytes);
}

/// The corrupt-state corpus of `state/tests/fixtures/corrupt` (with its expected messages),
/// through the binary: every command that reads state refuses it with that message, exit 1,
/// and leaves the file byte for byte as it was, with no backup, history or journal written.
#[test]
fn corrupt_state_corpus_through_the_cli() {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("state/tests/fixtures/corrupt");
    let manifest = std::fs::read_to_string(corpus.join("expected.tsv")).expect("expected.tsv");
    let cases: Vec<(&str, &str)> = manifest.lines().filter(|l| !l.starts_with('#') && !l.is_empty()).filter_map(|l| l.split_once('\t')).collect();
    assert!(cases.len() >= 50, "{} cases", cases.len());
    let mut failures = Vec::new();
    for (file, expect) in cases {
        let dir = workdir(RESOURCES);
        let d = dir.path();
        let bytes = std::fs::read(corpus.join(file)).expect("fixture");
        std::fs::write(d.join("terraform.tfstate"), &bytes).expect("write");
        for args in [&["plan"][..], &["apply", "-auto-approve"], &["state", "list"], &["state", "rm", "terraform_data.b"], &["output"]] {
            let run = infra(d, args);
            if run.code != 1 || !words(&run.stderr).contains(&words(expect)) {
                failures.push(format!("{file}: {args:?}: expected exit 1 and {expect:?}:\n{}", run.text()));
            }
            if std::fs::read(d.join("terraform.tfstate")).ok().as_deref() != Some(&bytes[..]) {
                failures.push(format!("{file}: {args:?} changed the state file"));
            }
        }
        for extra in ["terraform.tfstate.backup", "terraform.tfstate.history", "terraform.tfstate.journal"] {
            if d.join(extra).exists() {
                failures.push(format!("{file}: {extra} was written"));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// An apply killed with SIGKILL while it holds the lock: the object in flight is listed as
/// unconfirmed, the lock does not outlive the process where the store can tell (local `flock`,
/// PostgreSQL session locks), and on s3 — whose lock is an object — the next apply names the
/// dead holder and `force-unlock ID` clears it. Each time the next apply converges.
fn killed_holder(kind: Kind) {
    let dir = workdir(&format!("{}{SLEEPER}", backend_block(kind)));
    let d = dir.path();
    infra(d, &["init"]).ok();
    let mut first = spawn(d, &["apply", "-auto-approve"]);
    first.wait_for("time_sleep.hold: Creating...");
    first.child.kill().expect("SIGKILL");
    let _ = first.child.wait();
    let listed = infra(d, &["state", "list"]).ok();
    assert!(listed.stdout.starts_with("time_sleep.hold (unconfirmed: create"), "{kind:?}: the operation in flight is listed:\n{}", listed.text());
    if let Kind::S3 = kind {
        let refused = infra(d, &["apply", "-auto-approve"]).fails_with("Error acquiring the state lock");
        let id = refused
            .stderr
            .lines()
            .find_map(|l| l.trim().trim_start_matches('│').trim().strip_prefix("ID:").map(|id| id.trim().to_owned()))
            .unwrap_or_else(|| panic!("no lock ID in:\n{}", refused.text()));
        infra(d, &["force-unlock", "not-the-id"]).fails_with("Failed to unlock state");
        let unlocked = infra(d, &["force-unlock", &id]).ok();
        assert!(unlocked.stdout.contains("successfully unlocked"), "{}", unlocked.text());
    }
    // The operation in flight is reported: reconciled with its provider by token ("Recovered
    // ..."), or, where that is not possible, as a warning.
    let reported = |run: &Run| run.stdout.contains("Recovered time_sleep.hold") || (words(&run.stderr).contains("Unconfirmed operations from an interrupted run") && run.stderr.contains("time_sleep.hold: create"));
    let planned = infra(d, &["plan"]).ok();
    assert!(reported(&planned), "{kind:?}: plan reports the operation in flight:\n{}", planned.text());
    let converged = infra(d, &["apply", "-auto-approve"]).ok();
    assert!(converged.stdout.contains("Apply complete!"), "{}", converged.text());
    assert!(reported(&converged), "{kind:?}: apply reports it too:\n{}", converged.text());
    // Completed again by this apply: no longer unconfirmed.
    assert_eq!(list(d), ["time_sleep.hold"], "{kind:?}");
    assert!(infra(d, &["plan"]).ok().stdout.contains("No changes."), "{kind:?}");
}

#[test]
fn killed_holder_local() {
    killed_holder(Kind::Local);
}

#[test]
fn killed_holder_pg() {
    killed_holder(Kind::Pg);
}

#[test]
fn killed_holder_s3() {
    killed_holder(Kind::S3);
}

/// Partial configuration: settings left out of the block come from `-backend-config` (a
/// `KEY=VALUE` pair or a file); init records them and later commands use the record, as long
/// as the block itself does not change.
#[test]
fn partial_backend_configuration() {
    let schema = support::unique("partial_");
    let dir = workdir(&format!("terraform {{\n  backend \"pg\" {{\n    schema_name = \"{schema}\"\n  }}\n}}\n{RESOURCES}"));
    let d = dir.path();
    infra(d, &["init"]).fails_with("\"conn_str\" is required");
    let conn = format!("conn_str={}", support::pg().url());
    infra(d, &["init", &format!("-backend-config={conn}")]).ok();
    infra(d, &["apply", "-auto-approve"]).ok();
    assert_eq!(list(d).len(), 3);
    // init again without the flag keeps the recorded value.
    infra(d, &["init"]).ok();
    assert!(infra(d, &["plan"]).ok().stdout.contains("No changes."));

    // The same from a file, for s3 credentials.
    let bucket = support::unique("partial-").to_lowercase();
    http(&support::moto().endpoint(), "PUT", &format!("/{bucket}"), b"");
    let block = s3_block(&bucket).replace("    access_key     = \"test\"\n    secret_key     = \"test\"\n", "");
    write_config(d, &format!("{block}{RESOURCES}"));
    std::fs::write(d.join("creds.s3.tfbackend"), "access_key = \"test\"\nsecret_key = \"test\"\n").expect("write");
    infra(d, &["plan"]).fails_with("Backend type changed from \"pg\" to \"s3\"");
    infra(d, &["init", "-migrate-state", "-force-copy", "-backend-config=creds.s3.tfbackend"]).ok();
    assert_eq!(list(d).len(), 3, "migrated with the credentials from the file");
    std::fs::write(d.join("bad.tfbackend"), "access_key = var.x\n").expect("write");
    infra(d, &["init", "-reconfigure", "-backend-config=bad.tfbackend"]).fails_with("Variables not allowed");
    assert!(infra(d, &["plan"]).ok().stdout.contains("No changes."), "a failed init keeps the previous record");
}
