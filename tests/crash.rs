//! Crash safety of `apply`, through the built binary: an apply of 200 `local_file` instances
//! (files on disk are real side effects) paced by `time_sleep`, killed with SIGKILL at 20
//! moments spread over its duration, and stopped with Ctrl-C (SIGINT) once and twice.
//!
//! After every kill: each file that exists is listed by `infra state list` (snapshot + journal;
//! objects whose create was in flight are listed as unconfirmed), the state reads back as JSON,
//! the next `apply` reconciles what was in flight with the provider and converges, and a final
//! `plan -detailed-exitcode` finds nothing to do. Without the journal the first check fails (the
//! snapshot is written only when an apply ends); without reconciliation the unconfirmed entries
//! would stay; without the signal handling SIGINT would kill the process (no exit 130, no
//! summary, objects in flight left unconfirmed).
//!
//! A deterministic part writes the journal of an interrupted create by hand (the record format
//! is the state crate's) and checks that the next plan adopts, taints or forgets the object.

mod binary;

use binary::{command, infra, Run};
use std::collections::BTreeSet;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const WAVES: usize = 20;
const PER_WAVE: usize = 10;
const TOTAL: usize = WAVES * PER_WAVE;

/// 20 waves of 10 files; wave `w` waits for a 100 ms `time_sleep` that waits for wave `w - 1`,
/// so the apply takes a few seconds and is in a different phase at every moment (and so does a
/// destroy, which sleeps 100 ms between waves too).
fn config() -> String {
    let mut out = String::new();
    for w in 0..WAVES {
        let after = if w == 0 { String::new() } else { format!("\n  depends_on      = [local_file.f{}]", w - 1) };
        out.push_str(&format!(
            "resource \"time_sleep\" \"w{w}\" {{\n  create_duration  = \"100ms\"\n  destroy_duration = \"100ms\"{after}\n}}\n\n\
             resource \"local_file\" \"f{w}\" {{\n  count      = {PER_WAVE}\n  filename   = \"${{path.module}}/files/f{w}_${{count.index}}.txt\"\n  content    = \"wave {w} file ${{count.index}}\\n\"\n  depends_on = [time_sleep.w{w}]\n}}\n\n"
        ));
    }
    out
}


/// Starts an apply whose output goes to `apply.out` / `apply.err` in `dir` (a pipe nobody reads
/// would fill up and block it).
fn spawn_apply(dir: &Path) -> Child {
    spawn(dir, &["apply", "-auto-approve"])
}

fn spawn(dir: &Path, args: &[&str]) -> Child {
    let out = std::fs::File::create(dir.join("apply.out")).expect("apply.out");
    let err = std::fs::File::create(dir.join("apply.err")).expect("apply.err");
    command(dir, args).stdout(out).stderr(err).spawn().expect("spawning infra")
}

/// Waits for `child` at most `limit`; `None` when it is still running then.
fn wait_for_exit(child: &mut Child, limit: Duration, output_dir: Option<&Path>) -> Option<Run> {
    let start = Instant::now();
    loop {
        if let Ok(Some(_)) = child.try_wait() {
            break;
        }
        if start.elapsed() > limit {
            return None;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    let mut out = String::new();
    let mut err = String::new();
    if let Some(mut s) = child.stdout.take() {
        let _ = std::io::Read::read_to_string(&mut s, &mut out);
    }
    if let Some(mut s) = child.stderr.take() {
        let _ = std::io::Read::read_to_string(&mut s, &mut err);
    }
    if let Some(dir) = output_dir {
        out.push_str(&std::fs::read_to_string(dir.join("apply.out")).unwrap_or_default());
        err.push_str(&std::fs::read_to_string(dir.join("apply.err")).unwrap_or_default());
    }
    let code = child.try_wait().ok().flatten().and_then(|s| s.code()).unwrap_or(-1);
    Some(Run { code, stdout: out, stderr: err })
}

fn signal(child: &Child, name: &str) {
    let status = Command::new("kill").arg(format!("-{name}")).arg(child.id().to_string()).status().expect("running kill");
    assert!(status.success(), "kill -{name} failed");
}

/// The addresses of the files that exist, from their names (`f3_7.txt` is `local_file.f3[7]`).
fn files_on_disk(dir: &Path) -> BTreeSet<String> {
    let Ok(entries) = std::fs::read_dir(dir.join("files")) else { return BTreeSet::new() };
    entries
        .flatten()
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            let (wave, index) = name.strip_suffix(".txt")?.strip_prefix('f')?.split_once('_')?;
            Some(format!("local_file.f{wave}[{index}]"))
        })
        .collect()
}

/// `state list`: the addresses, and those listed as unconfirmed.
fn state_list(dir: &Path) -> (BTreeSet<String>, BTreeSet<String>) {
    let run = infra(dir, &["state", "list"]);
    assert_eq!(run.code, 0, "state list:\n{}", run.text());
    let mut all = BTreeSet::new();
    let mut unconfirmed = BTreeSet::new();
    for line in run.stdout.lines().filter(|l| !l.is_empty()) {
        match line.split_once(" (unconfirmed") {
            Some((addr, _)) => {
                unconfirmed.insert(addr.to_string());
                all.insert(addr.to_string());
            }
            None => {
                all.insert(line.to_string());
            }
        }
    }
    (all, unconfirmed)
}

/// Every file that exists is in `state list`, and the state reads back as JSON.
#[track_caller]
fn assert_no_orphans_and_readable(dir: &Path, moment: &str) -> usize {
    let on_disk = files_on_disk(dir);
    let (listed, unconfirmed) = state_list(dir);
    let orphans: Vec<&String> = on_disk.difference(&listed).collect();
    assert!(orphans.is_empty(), "{moment}: files exist that state list does not show: {orphans:?}\nlisted: {listed:?}");
    let pulled = infra(dir, &["state", "pull"]);
    assert_eq!(pulled.code, 0, "{moment}: state pull:\n{}", pulled.text());
    if pulled.stdout.trim().is_empty() {
        assert!(on_disk.is_empty(), "{moment}: no state, yet files exist: {on_disk:?}");
    } else {
        let json: serde_json::Value = serde_json::from_str(&pulled.stdout).unwrap_or_else(|e| panic!("{moment}: state pull is not JSON ({e}):\n{}", pulled.stdout));
        assert_eq!(json["version"], 4, "{moment}");
    }
    unconfirmed.len()
}

/// The next apply converges and a plan then finds nothing to do, with every file in place.
#[track_caller]
fn assert_converges(dir: &Path, moment: &str) -> String {
    let applied = infra(dir, &["apply", "-auto-approve"]);
    assert_eq!(applied.code, 0, "{moment}: the next apply:\n{}", applied.text());
    assert!(applied.stdout.contains("Apply complete!"), "{moment}:\n{}", applied.text());
    let planned = infra(dir, &["plan", "-detailed-exitcode"]);
    assert_eq!(planned.code, 0, "{moment}: plan after converging:\n{}", planned.text());
    let (listed, unconfirmed) = state_list(dir);
    assert!(unconfirmed.is_empty(), "{moment}: still unconfirmed after converging: {unconfirmed:?}");
    for w in 0..WAVES {
        assert!(listed.contains(&format!("time_sleep.w{w}")), "{moment}");
        for k in 0..PER_WAVE {
            let content = std::fs::read_to_string(dir.join(format!("files/f{w}_{k}.txt"))).unwrap_or_else(|e| panic!("{moment}: f{w}_{k}: {e}"));
            assert_eq!(content, format!("wave {w} file {k}\n"), "{moment}");
        }
    }
    assert_eq!(files_on_disk(dir).len(), TOTAL, "{moment}");
    applied.stdout
}

fn workdir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temporary directory");
    std::fs::write(dir.path().join("main.tf"), config()).expect("writing main.tf");
    dir
}

/// A small seeded generator (xorshift64*): the kill moments are the same on every run.
struct Rng(u64);

impl Rng {
    fn next_f64(&mut self) -> f64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 11) as f64 / (1u64 << 53) as f64
    }
}

#[test]
fn sigkill_at_twenty_moments_loses_nothing() {
    // How long an uninterrupted apply takes here, to spread the kills over it.
    let reference = workdir();
    let started = Instant::now();
    assert_converges(reference.path(), "uninterrupted apply");
    let duration = started.elapsed();
    let mut rng = Rng(0x5eed_c0ff_ee15_bad5);
    let mut recovered_lines = 0;
    let mut unconfirmed_seen = 0;
    let mut partial_kills = 0;
    for i in 0..20 {
        // One moment in each twentieth of the apply, at a random point inside it.
        let at = duration.mul_f64((i as f64 + rng.next_f64()) / 20.0);
        let dir = workdir();
        let d = dir.path();
        let mut child = spawn_apply(d);
        std::thread::sleep(at);
        let _ = child.kill();
        let _ = child.wait();
        let moment = format!("kill {i} at {at:?} of {duration:?}");
        let on_disk = files_on_disk(d).len();
        if on_disk > 0 && on_disk < TOTAL {
            partial_kills += 1;
        }
        unconfirmed_seen += assert_no_orphans_and_readable(d, &moment);
        let out = assert_converges(d, &moment);
        recovered_lines += out.lines().filter(|l| l.starts_with("Recovered ")).count();
    }
    // The kills landed mid-apply, with operations in flight, which the next apply reconciled.
    assert!(partial_kills >= 10, "only {partial_kills} kills left a partial apply");
    assert!(unconfirmed_seen > 0, "no kill caught an operation in flight");
    assert!(recovered_lines > 0, "no apply reconciled an interrupted operation");
}

#[test]
fn ctrl_c_once_stops_scheduling_saves_and_exits_130() {
    let dir = workdir();
    let d = dir.path();
    let mut child = spawn_apply(d);
    let start = Instant::now();
    while files_on_disk(d).len() < 30 {
        assert!(start.elapsed() < Duration::from_secs(30), "the apply made no progress");
        std::thread::sleep(Duration::from_millis(5));
    }
    signal(&child, "INT");
    let run = wait_for_exit(&mut child, Duration::from_secs(20), Some(d)).expect("the apply stops after one interrupt");
    assert_eq!(run.code, 130, "{}", run.text());
    assert!(run.stdout.contains("Interrupt received."), "{}", run.text());
    assert!(run.stdout.contains("Stopping operation..."), "{}", run.text());
    assert!(run.stdout.contains("Apply interrupted:"), "{}", run.text());
    let on_disk = files_on_disk(d);
    assert!(on_disk.len() < TOTAL, "the interrupt did not stop scheduling: all {TOTAL} files were written");
    // Operations in flight finished and were recorded: nothing is unconfirmed, nothing orphaned.
    let unconfirmed = assert_no_orphans_and_readable(d, "after one interrupt");
    assert_eq!(unconfirmed, 0, "a graceful stop leaves nothing unconfirmed");
    // The lock was released: another command runs (and sees the remaining work).
    let planned = infra(d, &["plan", "-detailed-exitcode"]);
    assert_eq!(planned.code, 2, "{}", planned.text());
    assert_converges(d, "after one interrupt");
}

#[test]
fn ctrl_c_twice_exits_at_once_and_loses_nothing() {
    let dir = workdir();
    let d = dir.path();
    let mut child = spawn_apply(d);
    let start = Instant::now();
    while files_on_disk(d).len() < 30 {
        assert!(start.elapsed() < Duration::from_secs(30), "the apply made no progress");
        std::thread::sleep(Duration::from_millis(5));
    }
    // Wave 2's files are written: the 100 ms `time_sleep.w3` starts now. Both interrupts land
    // inside it, so the graceful stop is still waiting for it when the second one arrives
    // (interrupted between waves, with nothing in flight, the apply stops gracefully within
    // a few milliseconds, before a second interrupt).
    std::thread::sleep(Duration::from_millis(30));
    signal(&child, "INT");
    std::thread::sleep(Duration::from_millis(10));
    signal(&child, "INT");
    let run = wait_for_exit(&mut child, Duration::from_secs(3), Some(d)).expect("the second interrupt exits at once");
    assert_eq!(run.code, 130, "{}", run.text());
    assert!(run.stdout.contains("Two interrupts received."), "{}", run.text());
    assert_no_orphans_and_readable(d, "after two interrupts");
    assert_converges(d, "after two interrupts");
}

/// SIGTERM is handled as Ctrl-C, and `destroy` stops the same way: what was destroyed is gone
/// from state, what remains is listed, and the next destroy finishes.
#[test]
fn sigterm_during_destroy_stops_it_and_the_next_destroy_finishes() {
    let dir = workdir();
    let d = dir.path();
    assert_converges(d, "setup");
    let mut child = spawn(d, &["destroy", "-auto-approve"]);
    let start = Instant::now();
    while files_on_disk(d).len() > TOTAL - 30 {
        assert!(start.elapsed() < Duration::from_secs(30), "the destroy made no progress");
        std::thread::sleep(Duration::from_millis(5));
    }
    signal(&child, "TERM");
    let run = wait_for_exit(&mut child, Duration::from_secs(20), Some(d)).expect("the destroy stops");
    assert_eq!(run.code, 130, "{}", run.text());
    assert!(run.stdout.contains("Destroy interrupted:"), "{}", run.text());
    let remaining = files_on_disk(d);
    assert!(!remaining.is_empty(), "the signal did not stop the destroy");
    assert_eq!(assert_no_orphans_and_readable(d, "destroy stopped"), 0);
    let (listed, _) = state_list(d);
    let gone: Vec<&String> = listed.iter().filter(|a| a.starts_with("local_file.") && !remaining.contains(*a)).collect();
    assert!(gone.is_empty(), "destroyed files still in state: {gone:?}");
    let finished = infra(d, &["destroy", "-auto-approve"]);
    assert_eq!(finished.code, 0, "{}", finished.text());
    assert!(files_on_disk(d).is_empty());
    assert!(state_list(d).0.is_empty());
}

/// The plan blocks reading a data source from a FIFO; Ctrl-C arrives while it waits; once the
/// read is released the plan schedules nothing more and exits 130 without writing state.
#[test]
fn ctrl_c_during_plan_exits_130_and_writes_nothing() {
    use std::io::BufRead;
    let dir = tempfile::tempdir().expect("temporary directory");
    let d = dir.path();
    std::fs::write(
        d.join("main.tf"),
        "data \"local_file\" \"gate\" {\n  filename = \"${path.module}/gate.fifo\"\n}\n\nresource \"local_file\" \"after\" {\n  count    = 3\n  filename = \"${path.module}/after_${count.index}.txt\"\n  content  = data.local_file.gate.content\n}\n",
    )
    .expect("main.tf");
    let fifo = d.join("gate.fifo");
    assert!(Command::new("mkfifo").arg(&fifo).status().expect("mkfifo").success());
    let mut child = command(d, &["plan"]).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().expect("spawning plan");
    let stdout = child.stdout.take().expect("stdout");
    let (tx, rx) = std::sync::mpsc::channel();
    let reader = std::thread::spawn(move || {
        let mut lines = Vec::new();
        for line in std::io::BufReader::new(stdout).lines().map_while(Result::ok) {
            if line.contains("data.local_file.gate: Reading...") {
                let _ = tx.send(());
            }
            lines.push(line);
        }
        lines.join("\n")
    });
    // The read blocks on the FIFO until we write to it.
    let _ = rx.recv_timeout(Duration::from_secs(10));
    std::thread::sleep(Duration::from_millis(200));
    signal(&child, "INT");
    std::thread::sleep(Duration::from_millis(200));
    std::fs::write(&fifo, "opened\n").expect("releasing the read");
    let run = wait_for_exit(&mut child, Duration::from_secs(20), None).expect("plan stops");
    let stdout = reader.join().expect("reader");
    assert_eq!(run.code, 130, "{stdout}\n{}", run.text());
    assert!(stdout.contains("Interrupt received."), "{stdout}");
    assert!(stdout.contains("Plan interrupted"), "{stdout}");
    assert!(!stdout.contains("Plan:"), "no plan is shown: {stdout}");
    for written in ["terraform.tfstate", "terraform.tfstate.journal"] {
        assert!(!d.join(written).exists(), "plan wrote {written}");
    }
}

// ---------------------------------------------------------------------------------------------
// Reconciliation of a create left in flight, with the journal written by hand.

const ONE_FILE: &str = r#"
resource "local_file" "a" {
  filename = "${path.module}/a.txt"
  content  = "alpha\n"
}

resource "local_file" "b" {
  filename = "${path.module}/b.txt"
  content  = "bravo\n"
}
"#;

/// Applies only `local_file.a`, then leaves the journal as a run killed while creating
/// `local_file.b` would: an intent with its planned object and no outcome.
fn interrupted_create_of_b() -> tempfile::TempDir {
    interrupted_create_of_b_at(Some("./b.txt"))
}

/// [`interrupted_create_of_b`] with the planned `filename` as recorded (`None`: not yet known
/// at plan time, so the intent holds null).
fn interrupted_create_of_b_at(filename: Option<&str>) -> tempfile::TempDir {
    use infra_state::journal::{encode_frame, new_idempotency_token, Intent, ObjectAddr, Record};
    let dir = tempfile::tempdir().expect("temporary directory");
    let d = dir.path();
    std::fs::write(d.join("main.tf"), ONE_FILE).expect("main.tf");
    let applied = infra(d, &["apply", "-auto-approve", "-target=local_file.a"]);
    assert_eq!(applied.code, 0, "{}", applied.text());
    let state: serde_json::Value = serde_json::from_slice(&std::fs::read(d.join("terraform.tfstate")).expect("state")).expect("json");
    let planned = serde_json::json!({
        "filename": filename, "content": "bravo\n", "content_base64": null, "source": null, "sensitive_content": null,
        "file_permission": "0777", "directory_permission": "0777",
        "id": null, "content_md5": null, "content_sha1": null, "content_sha256": null,
        "content_base64sha256": null, "content_sha512": null, "content_base64sha512": null,
    });
    let intent = Intent {
        id: 7,
        addr: ObjectAddr::instance(None, infra_state::ResourceMode::Managed, "local_file", "b", None),
        action: "create".into(),
        token: new_idempotency_token(),
        provider: "provider[\"registry.terraform.io/hashicorp/local\"]".into(),
        planned,
        at: "2026-01-01T00:00:00.000Z".into(),
    };
    let mut bytes = infra_state::journal::JOURNAL_MAGIC.to_vec();
    let begin = Record::Begin {
        lineage: state["lineage"].as_str().expect("lineage").to_string(),
        base_serial: state["serial"].as_u64().expect("serial"),
    };
    bytes.extend(encode_frame(&begin, None).expect("frame"));
    bytes.extend(encode_frame(&Record::Intent(intent), None).expect("frame"));
    std::fs::write(d.join("terraform.tfstate.journal"), bytes).expect("journal");
    let (listed, unconfirmed) = state_list(d);
    assert!(listed.contains("local_file.a"), "{listed:?}");
    assert_eq!(unconfirmed.into_iter().collect::<Vec<_>>(), ["local_file.b"]);
    dir
}

#[test]
fn a_complete_file_from_an_interrupted_create_is_adopted() {
    let dir = interrupted_create_of_b();
    let d = dir.path();
    std::fs::write(d.join("b.txt"), "bravo\n").expect("b.txt");
    let planned = infra(d, &["plan", "-detailed-exitcode"]);
    assert!(planned.stdout.contains("Recovered local_file.b from an interrupted create (adopted)"), "{}", planned.text());
    assert_eq!(planned.code, 0, "the adopted file needs no change:\n{}", planned.text());
    // plan only reports; apply records the adoption.
    assert_eq!(state_list(d).1.len(), 1);
    let applied = infra(d, &["apply", "-auto-approve"]);
    assert!(applied.stdout.contains("Recovered local_file.b from an interrupted create (adopted)"), "{}", applied.text());
    assert!(applied.stdout.contains("0 added, 0 changed, 0 destroyed"), "{}", applied.text());
    let (listed, unconfirmed) = state_list(d);
    assert!(unconfirmed.is_empty() && listed.contains("local_file.b"), "{listed:?} {unconfirmed:?}");
    assert_eq!(infra(d, &["plan", "-detailed-exitcode"]).code, 0);
}

#[test]
fn a_torn_file_from_an_interrupted_create_is_adopted_tainted_and_replaced() {
    let dir = interrupted_create_of_b();
    let d = dir.path();
    std::fs::write(d.join("b.txt"), "bra").expect("b.txt");
    infra(d, &["apply", "-auto-approve"])
        .ok()
        .stdout_has("Recovered local_file.b from an interrupted create (adopted as tainted")
        .stdout_has("1 added, 0 changed, 1 destroyed");
    assert_eq!(std::fs::read_to_string(d.join("b.txt")).expect("b.txt"), "bravo\n");
    assert_eq!(infra(d, &["plan", "-detailed-exitcode"]).code, 0);
}

#[test]
fn an_interrupted_create_that_made_nothing_is_forgotten_and_created() {
    let dir = interrupted_create_of_b();
    let d = dir.path();
    infra(d, &["apply", "-auto-approve"])
        .ok()
        .stdout_has("Recovered local_file.b from an interrupted create (nothing had been created)")
        .stdout_has("1 added, 0 changed, 0 destroyed");
    assert!(state_list(d).1.is_empty());
}

/// The provider cannot tell (no filename was known when the intent was written): the planned
/// object is kept as tainted rather than forgotten; the refresh then finds no such file and the
/// apply creates it.
#[test]
fn an_interrupted_create_the_provider_cannot_tell_is_kept_tainted_then_refreshed() {
    let dir = interrupted_create_of_b_at(None);
    let d = dir.path();
    infra(d, &["apply", "-auto-approve"])
        .ok()
        .stdout_has("Recovered local_file.b from an interrupted create (the provider cannot tell whether it exists: kept as tainted")
        .stdout_has("1 added, 0 changed, 0 destroyed");
    assert_eq!(std::fs::read_to_string(d.join("b.txt")).expect("b.txt"), "bravo\n");
    assert!(state_list(d).1.is_empty());
    assert_eq!(infra(d, &["plan", "-detailed-exitcode"]).code, 0);
}

#[test]
fn destroy_adopts_an_interrupted_create_and_destroys_it() {
    let dir = interrupted_create_of_b();
    let d = dir.path();
    std::fs::write(d.join("b.txt"), "bravo\n").expect("b.txt");
    infra(d, &["destroy", "-auto-approve"])
        .ok()
        .stdout_has("Recovered local_file.b from an interrupted create (adopted)")
        .stdout_has("2 destroyed");
    assert!(!d.join("b.txt").exists() && !d.join("a.txt").exists());
    let (listed, _) = state_list(d);
    assert!(listed.is_empty(), "{listed:?}");
}

/// Intents record the planned object for reconciliation, but never a sensitive value in clear:
/// killed while a later operation is in flight, the journal's intent for an object built from a
/// sensitive variable holds null where the secret was.
#[test]
fn intents_never_hold_sensitive_values() {
    const SECRET: &str = "hunter2-correct-horse";
    let dir = tempfile::tempdir().expect("temporary directory");
    let d = dir.path();
    std::fs::write(
        d.join("main.tf"),
        format!(
            "variable \"secret\" {{\n  type      = string\n  sensitive = true\n  default   = \"{SECRET}\"\n}}\n\n\
             resource \"terraform_data\" \"holder\" {{\n  input = var.secret\n}}\n\n\
             resource \"local_sensitive_file\" \"key\" {{\n  filename = \"${{path.module}}/key.txt\"\n  content  = var.secret\n}}\n\n\
             resource \"time_sleep\" \"after\" {{\n  create_duration = \"3s\"\n  depends_on      = [terraform_data.holder, local_sensitive_file.key]\n}}\n"
        ),
    )
    .expect("main.tf");
    let mut child = spawn_apply(d);
    let journal_path = d.join("terraform.tfstate.journal");
    let start = Instant::now();
    let intents = loop {
        assert!(start.elapsed() < Duration::from_secs(30), "the apply never reached time_sleep.after");
        if let Ok(contents) = infra_state::journal::read_journal(&journal_path) {
            let intents: Vec<infra_state::journal::Intent> = contents
                .records
                .into_iter()
                .filter_map(|r| match r {
                    infra_state::journal::Record::Intent(i) => Some(i),
                    _ => None,
                })
                .collect();
            if intents.iter().any(|i| i.addr.type_ == "time_sleep") {
                break intents;
            }
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    let _ = child.kill();
    let _ = child.wait();
    for i in &intents {
        let planned = serde_json::to_string(&i.planned).expect("json");
        assert!(!planned.contains(SECRET), "the intent for {} holds the secret: {planned}", i.addr);
    }
    let holder = intents.iter().find(|i| i.addr.type_ == "terraform_data").expect("an intent for terraform_data.holder");
    assert!(holder.planned["input"].is_null(), "{:?}", holder.planned);
    let key = intents.iter().find(|i| i.addr.type_ == "local_sensitive_file").expect("an intent for the sensitive file");
    assert!(key.planned["content"].is_null() && key.planned["filename"] == "./key.txt", "{:?}", key.planned);
    // The next run reconciles the sleep that was in flight and converges without showing the
    // secret.
    let applied = infra(d, &["apply", "-auto-approve"]);
    assert_eq!(applied.code, 0, "{}", applied.text());
    assert!(!applied.stdout.contains(SECRET), "{}", applied.text());
    assert_eq!(std::fs::read_to_string(d.join("key.txt")).expect("key.txt"), SECRET);
    assert_eq!(infra(d, &["plan", "-detailed-exitcode"]).code, 0);
}

/// Ctrl-C at the approval prompt cancels the apply at once (no line of input needed): exit 130,
/// nothing applied, the lock released.
#[test]
fn ctrl_c_at_the_prompt_cancels_the_apply() {
    let dir = workdir();
    let d = dir.path();
    let out = std::fs::File::create(d.join("apply.out")).expect("apply.out");
    let err = std::fs::File::create(d.join("apply.err")).expect("apply.err");
    // A stdin pipe that stays open and silent: the prompt waits.
    let mut child = command(d, &["apply"]).stdin(Stdio::piped()).stdout(out).stderr(err).spawn().expect("spawning apply");
    let start = Instant::now();
    while !std::fs::read_to_string(d.join("apply.out")).unwrap_or_default().contains("Enter a value:") {
        assert!(start.elapsed() < Duration::from_secs(30), "no prompt");
        std::thread::sleep(Duration::from_millis(10));
    }
    signal(&child, "INT");
    let run = wait_for_exit(&mut child, Duration::from_secs(5), Some(d)).expect("the prompt is cancelled at once");
    assert_eq!(run.code, 130, "{}", run.text());
    assert!(run.stderr.contains("Apply cancelled."), "{}", run.text());
    assert!(files_on_disk(d).is_empty());
    assert!(state_list(d).0.is_empty());
    let planned = infra(d, &["plan", "-detailed-exitcode"]);
    assert_eq!(planned.code, 2, "the lock is released:\n{}", planned.text());
}
