//! Shared machinery of the end-to-end corpus harness (`tests/corpus_e2e.rs`).
//!
//! The corpus (`tests/corpus/`, see its README) was recorded from Terraform 1.11.4. This module
//! knows its layout (which files are recorder metadata, how `args` and `env` are read), runs the
//! `infra` binary in throw-away working directories with a clean environment, and provides the
//! comparisons the tests need: plan summary lines, UUID masking, JSON values, reduced
//! diagnostics and unified diffs for failure messages.
//!
//! Nothing here panics on corpus or binary output: problems become failure messages, so that one
//! test run reports every case that differs.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::fs;
use std::io::{Read as _, Seek as _, SeekFrom};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value as Json;

/// The `infra` binary built by cargo for this integration test.
pub fn infra_bin() -> &'static str {
    env!("CARGO_BIN_EXE_infra")
}

/// The corpus root, `tests/corpus`.
pub fn corpus_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests").join("corpus")
}

/// How long one `infra` command may take before the harness kills it and reports a hang.
pub const COMMAND_TIMEOUT: Duration = Duration::from_secs(180);

/// Case directories of one corpus category (`valid`, `steps`, `invalid`), sorted by name,
/// restricted to names containing `$CORPUS_CASE` when that variable is set.
pub fn cases(category: &str) -> Vec<PathBuf> {
    let filter = std::env::var("CORPUS_CASE").ok().filter(|f| !f.is_empty());
    let dir = corpus_root().join(category);
    let mut out = Vec::new();
    if let Ok(entries) = fs::read_dir(&dir) {
        for e in entries.flatten() {
            let p = e.path();
            if !p.is_dir() {
                continue;
            }
            let name = case_name(&p);
            if let Some(f) = &filter {
                if !name.contains(f.as_str()) {
                    continue;
                }
            }
            out.push(p);
        }
    }
    out.sort();
    out
}

/// `category/name` of a case directory, used in every failure message.
pub fn case_name(dir: &Path) -> String {
    let name = dir.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let cat = dir
        .parent()
        .and_then(|p| p.file_name())
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    format!("{cat}/{name}")
}

/// Whether a top-level entry of a case directory is recorder metadata that the README says must
/// not reach the working directory (so `fileset(path.module, …)` never sees it).
fn is_metadata(name: &str) -> bool {
    matches!(name, "golden" | "args" | "env" | "command" | ".terraform" | ".terraform.lock.hcl")
        || name.ends_with(".args")
        || name.starts_with("terraform.tfstate")
}

/// Copies the root-module files of `src` into `dst` (recursively), skipping recorder metadata
/// at the top level.
pub fn copy_config(src: &Path, dst: &Path) -> Result<(), String> {
    copy_dir(src, dst, true)
}

fn copy_dir(src: &Path, dst: &Path, top: bool) -> Result<(), String> {
    fs::create_dir_all(dst).map_err(|e| format!("create {}: {e}", dst.display()))?;
    let entries = fs::read_dir(src).map_err(|e| format!("read {}: {e}", src.display()))?;
    for e in entries {
        let e = e.map_err(|e| format!("read {}: {e}", src.display()))?;
        let name = e.file_name().to_string_lossy().into_owned();
        if top && is_metadata(&name) {
            continue;
        }
        let from = e.path();
        let to = dst.join(&name);
        let ft = e.file_type().map_err(|e| format!("stat {}: {e}", from.display()))?;
        if ft.is_dir() {
            copy_dir(&from, &to, false)?;
        } else {
            fs::copy(&from, &to).map_err(|e| format!("copy {}: {e}", from.display()))?;
        }
    }
    Ok(())
}

/// Removes everything from a working directory except the state file (and its journal, which
/// belongs to the state), as the recorder does between steps.
pub fn clear_except_state(dir: &Path) -> Result<(), String> {
    let entries = fs::read_dir(dir).map_err(|e| format!("read {}: {e}", dir.display()))?;
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        if name.starts_with("terraform.tfstate") || name.starts_with(".infra") {
            continue;
        }
        let p = e.path();
        let r = if p.is_dir() { fs::remove_dir_all(&p) } else { fs::remove_file(&p) };
        r.map_err(|e| format!("remove {}: {e}", p.display()))?;
    }
    Ok(())
}

/// The non-empty lines of a file (used for `args`, `vN.args` and `env`); empty when absent.
pub fn read_lines(path: &Path) -> Vec<String> {
    match fs::read_to_string(path) {
        Ok(s) => s.lines().filter(|l| !l.is_empty()).map(str::to_owned).collect(),
        Err(_) => Vec::new(),
    }
}

/// `NAME=value` lines of an `env` file as pairs (split at the first `=`).
pub fn read_env(path: &Path) -> Vec<(String, String)> {
    read_lines(path)
        .into_iter()
        .filter_map(|l| l.split_once('=').map(|(k, v)| (k.to_owned(), v.to_owned())))
        .collect()
}

pub fn read_text(path: &Path) -> Result<String, String> {
    fs::read_to_string(path).map_err(|e| format!("read {}: {e}", path.display()))
}

pub fn read_exitcode(path: &Path) -> Result<i32, String> {
    let t = read_text(path)?;
    t.trim().parse::<i32>().map_err(|e| format!("{}: bad exit code {t:?}: {e}", path.display()))
}

pub fn read_json(path: &Path) -> Result<Json, String> {
    let t = read_text(path)?;
    serde_json::from_str(&t).map_err(|e| format!("{}: invalid JSON: {e}", path.display()))
}

/// The result of one `infra` invocation.
#[derive(Clone, Debug, Default)]
pub struct Run {
    /// The command line, for messages.
    pub argv: Vec<String>,
    /// Exit code; `None` when killed by a signal or the timeout.
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
    pub timed_out: bool,
    pub elapsed: Duration,
}

impl Run {
    /// `infra plan -x y` for messages.
    pub fn cmdline(&self) -> String {
        let mut s = String::from("infra");
        for a in &self.argv {
            s.push(' ');
            if a.contains(' ') || a.contains('"') || a.is_empty() {
                s.push_str(&format!("'{a}'"));
            } else {
                s.push_str(a);
            }
        }
        s
    }

    pub fn code_str(&self) -> String {
        match (self.timed_out, self.code) {
            (true, _) => format!("timeout after {:?}", self.elapsed),
            (false, Some(c)) => c.to_string(),
            (false, None) => "killed by signal (crash?)".to_owned(),
        }
    }

    /// A short tail of stderr (and stdout when stderr is empty) to explain an unexpected exit.
    pub fn excerpt(&self) -> String {
        let src = if self.stderr.trim().is_empty() { &self.stdout } else { &self.stderr };
        let lines: Vec<&str> = src.lines().collect();
        let start = lines.len().saturating_sub(25);
        let mut s = String::new();
        if start > 0 {
            s.push_str("      …\n");
        }
        for l in &lines[start..] {
            let _ = writeln!(s, "      | {l}");
        }
        s
    }

    /// `cmd exited X (expected Y)` with output excerpt, or `None` when the code matches.
    pub fn expect_code(&self, want: i32) -> Option<String> {
        if self.code == Some(want) && !self.timed_out {
            return None;
        }
        Some(format!("`{}` exited {} (expected {want})\n{}", self.cmdline(), self.code_str(), self.excerpt()))
    }
}

/// Runs `infra` in `dir` with exactly `env` added to a cleaned environment: no inherited
/// `TF_VAR_*`/`TF_CLI_ARGS*`/`TF_WORKSPACE`/…, `TF_IN_AUTOMATION=1` as when recording.
pub fn infra(dir: &Path, args: &[String], env: &[(String, String)]) -> Run {
    infra_timeout(dir, args, env, COMMAND_TIMEOUT)
}

pub fn infra_timeout(dir: &Path, args: &[String], env: &[(String, String)], timeout: Duration) -> Run {
    let mut run = Run { argv: args.to_vec(), ..Run::default() };
    // Output goes to anonymous temporary files outside the working directory (pipes could fill
    // up and block the child; files inside the work dir would be seen by `fileset()`).
    let files = (|| {
        let out = tempfile::tempfile()?;
        let err = tempfile::tempfile()?;
        Ok::<_, std::io::Error>((out.try_clone()?, err.try_clone()?, out, err))
    })();
    let (out_f, err_f, mut out_r, mut err_r) = match files {
        Ok(f) => f,
        Err(e) => {
            run.stderr = format!("harness: cannot create output files: {e}");
            return run;
        }
    };
    let mut cmd = Command::new(infra_bin());
    cmd.args(args).current_dir(dir).stdin(Stdio::null()).stdout(out_f).stderr(err_f);
    for (k, _) in std::env::vars() {
        if k.starts_with("TF_") || k == "CHECKPOINT_DISABLE" || k.starts_with("INFRA_") || k == "NO_COLOR" {
            cmd.env_remove(&k);
        }
    }
    cmd.env("TF_IN_AUTOMATION", "1").env("CHECKPOINT_DISABLE", "1");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let start = Instant::now();
    let mut child = match cmd.spawn() {
        Ok(c) => c,
        Err(e) => {
            run.stderr = format!("harness: cannot start {}: {e}", infra_bin());
            return run;
        }
    };
    loop {
        match child.try_wait() {
            Ok(Some(status)) => {
                run.code = status.code();
                break;
            }
            Ok(None) => {
                if start.elapsed() > timeout {
                    let _ = child.kill();
                    let _ = child.wait();
                    run.timed_out = true;
                    break;
                }
                std::thread::sleep(Duration::from_millis(5));
            }
            Err(e) => {
                run.stderr = format!("harness: wait failed: {e}");
                return run;
            }
        }
    }
    run.elapsed = start.elapsed();
    run.stdout = read_lossy(&mut out_r);
    run.stderr = read_lossy(&mut err_r);
    run
}

fn read_lossy(f: &mut fs::File) -> String {
    let mut buf = Vec::new();
    if f.seek(SeekFrom::Start(0)).is_ok() {
        let _ = f.read_to_end(&mut buf);
    }
    String::from_utf8_lossy(&buf).into_owned()
}

/// Builds an argument vector from string slices plus the case's extra arguments.
pub fn argv(base: &[&str], extra: &[String]) -> Vec<String> {
    base.iter().map(|s| (*s).to_owned()).chain(extra.iter().cloned()).collect()
}

// ---------------------------------------------------------------------------------------------
// Plan text

/// The summary line of a plan's stdout: the last `Plan: …` line, `No changes. …` line, or the
/// first line of the output-only message (`You can apply this plan to save these new output
/// values …`). `None` when the plan printed none of these.
///
/// The text is [`rebrand`]ed first, so the output-only message compares as one joined line.
pub fn plan_summary(stdout: &str) -> Option<String> {
    rebrand(stdout)
        .lines()
        .rev()
        .find(|l| {
            l.starts_with("Plan: ")
                || l.starts_with("No changes.")
                || l.starts_with("You can apply this plan to save these new output values")
        })
        .map(|l| l.trim_end().to_owned())
}

fn is_refresh_line(l: &str) -> bool {
    l.contains(": Refreshing state... [") || l.contains(": Preparing import... [")
}

/// Sorts the leading block of `Refreshing state...` / `Preparing import...` lines in byte order,
/// exactly as the recorder normalised the goldens (Terraform refreshes in parallel).
pub fn sort_refresh(text: &str) -> String {
    let mut lines: Vec<&str> = text.split('\n').collect();
    let n = lines.iter().take_while(|l| is_refresh_line(l)).count();
    lines[..n].sort();
    lines.join("\n")
}

/// Neutralises the one deliberate difference between the two tools' plan text: `infra` says
/// "infra" where Terraform says "Terraform" (and so wraps those sentences differently).
///
/// Every whole word `Terraform` becomes `infra`; then each prose paragraph that mentions `infra`
/// (a run of non-empty lines not starting with whitespace, e.g. "infra used the selected
/// providers … following symbols:" or "infra has compared your real infrastructure …") is
/// joined into one line, so that only the words are compared, not where they wrap. Everything
/// else, indented lines included, is left exactly as is. Applied to both sides.
pub fn rebrand(text: &str) -> String {
    let replaced = replace_word(text, "Terraform", "infra");
    let lines: Vec<&str> = replaced.split('\n').collect();
    let mut out: Vec<String> = Vec::with_capacity(lines.len());
    let is_prose = |l: &str| !l.is_empty() && !l.starts_with(char::is_whitespace);
    let mut i = 0;
    while i < lines.len() {
        if is_prose(lines[i]) {
            let mut j = i;
            while j < lines.len() && is_prose(lines[j]) {
                j += 1;
            }
            let para = &lines[i..j];
            if para.iter().any(|l| contains_word(l, "infra")) {
                out.push(para.iter().map(|l| l.trim_end()).collect::<Vec<_>>().join(" "));
            } else {
                out.extend(para.iter().map(|l| (*l).to_owned()));
            }
            i = j;
        } else {
            out.push(lines[i].to_owned());
            i += 1;
        }
    }
    out.join("\n")
}

fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

fn word_positions(s: &str, word: &str) -> Vec<usize> {
    let b = s.as_bytes();
    s.match_indices(word)
        .map(|(i, _)| i)
        .filter(|&i| {
            let before = i == 0 || !is_word_byte(b[i - 1]);
            let end = i + word.len();
            let after = end >= b.len() || !is_word_byte(b[end]);
            before && after
        })
        .collect()
}

fn contains_word(s: &str, word: &str) -> bool {
    !word_positions(s, word).is_empty()
}

fn replace_word(s: &str, word: &str, with: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut last = 0;
    for i in word_positions(s, word) {
        out.push_str(&s[last..i]);
        out.push_str(with);
        last = i + word.len();
    }
    out.push_str(&s[last..]);
    out
}

/// Replaces every lowercase hex UUID (8-4-4-4-12) in `s` by `<uuid>`.
pub fn mask_uuids(s: &str) -> String {
    const GROUPS: [usize; 5] = [8, 4, 4, 4, 12];
    let b = s.as_bytes();
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    let mut copied = 0;
    while i < b.len() {
        let mut j = i;
        let mut ok = true;
        for (gi, g) in GROUPS.iter().enumerate() {
            for _ in 0..*g {
                if j < b.len() && b[j].is_ascii_hexdigit() && !b[j].is_ascii_uppercase() {
                    j += 1;
                } else {
                    ok = false;
                    break;
                }
            }
            if !ok {
                break;
            }
            if gi < 4 {
                if j < b.len() && b[j] == b'-' {
                    j += 1;
                } else {
                    ok = false;
                    break;
                }
            }
        }
        let boundary_before = i == 0 || !b[i - 1].is_ascii_alphanumeric();
        let boundary_after = j >= b.len() || !b[j].is_ascii_alphanumeric();
        if ok && boundary_before && boundary_after {
            out.push_str(&s[copied..i]);
            out.push_str("<uuid>");
            i = j;
            copied = j;
        } else {
            // Advance by one character (keep UTF-8 boundaries).
            i += 1;
            while i < b.len() && !s.is_char_boundary(i) {
                i += 1;
            }
        }
    }
    out.push_str(&s[copied..]);
    out
}

/// A unified diff of `want` (golden) against `got` (infra), indented for a failure message,
/// truncated to `max_lines`.
pub fn unified_diff(want: &str, got: &str, want_label: &str, got_label: &str) -> String {
    let diff = similar::TextDiff::from_lines(want, got);
    let text = diff.unified_diff().context_radius(3).header(want_label, got_label).to_string();
    let max_lines = 120;
    let lines: Vec<&str> = text.lines().collect();
    let mut s = String::new();
    for l in lines.iter().take(max_lines) {
        let _ = writeln!(s, "      {l}");
    }
    if lines.len() > max_lines {
        let _ = writeln!(s, "      … ({} more diff lines)", lines.len() - max_lines);
    }
    if s.is_empty() && want != got {
        s.push_str("      (texts differ only in a trailing newline)\n");
    }
    s
}

// ---------------------------------------------------------------------------------------------
// JSON values

/// Masks UUIDs inside every string of a JSON value.
pub fn mask_json(v: &Json) -> Json {
    match v {
        Json::String(s) => Json::String(mask_uuids(s)),
        Json::Array(a) => Json::Array(a.iter().map(mask_json).collect()),
        Json::Object(o) => Json::Object(o.iter().map(|(k, v)| (k.clone(), mask_json(v))).collect()),
        other => other.clone(),
    }
}

/// Compares two JSON values; numbers are equal when their text is equal or they are the same
/// float64 (Terraform's `output -json` prints float64s). Object key order is ignored. Returns the
/// paths that differ (at most a few dozen).
pub fn json_diff(want: &Json, got: &Json) -> Vec<String> {
    let mut out = Vec::new();
    json_diff_at("$", want, got, &mut out);
    out
}

fn json_diff_at(path: &str, want: &Json, got: &Json, out: &mut Vec<String>) {
    if out.len() >= 30 {
        return;
    }
    match (want, got) {
        (Json::Number(a), Json::Number(b)) => {
            let same = a.to_string() == b.to_string()
                || matches!((a.to_string().parse::<f64>(), b.to_string().parse::<f64>()), (Ok(x), Ok(y)) if x == y);
            if !same {
                out.push(format!("{path}: want {a}, got {b}"));
            }
        }
        (Json::Array(a), Json::Array(b)) => {
            if a.len() != b.len() {
                out.push(format!("{path}: want {} elements, got {}", a.len(), b.len()));
            }
            for (i, (x, y)) in a.iter().zip(b.iter()).enumerate() {
                json_diff_at(&format!("{path}[{i}]"), x, y, out);
            }
        }
        (Json::Object(a), Json::Object(b)) => {
            for (k, x) in a {
                match b.get(k) {
                    Some(y) => json_diff_at(&format!("{path}.{k}"), x, y, out),
                    None => out.push(format!("{path}.{k}: missing (want {})", short(x))),
                }
            }
            for (k, y) in b {
                if !a.contains_key(k) {
                    out.push(format!("{path}.{k}: unexpected (got {})", short(y)));
                }
            }
        }
        (a, b) if a == b => {}
        (a, b) => out.push(format!("{path}: want {}, got {}", short(a), short(b))),
    }
}

fn short(v: &Json) -> String {
    let s = v.to_string();
    if s.chars().count() > 160 {
        let t: String = s.chars().take(160).collect();
        format!("{t}…")
    } else {
        s
    }
}

/// Compares `infra output -json` stdout with a golden outputs file after masking UUIDs.
/// Returns a failure message or `None`.
pub fn compare_outputs(what: &str, golden: &Path, run: &Run) -> Option<String> {
    if let Some(m) = run.expect_code(0) {
        return Some(format!("{what}: {m}"));
    }
    let want = match read_json(golden) {
        Ok(v) => mask_json(&v),
        Err(e) => return Some(format!("{what}: {e}")),
    };
    let got = match serde_json::from_str::<Json>(&run.stdout) {
        Ok(v) => mask_json(&v),
        Err(e) => return Some(format!("{what}: `infra output -json` printed invalid JSON ({e}):\n{}", run.excerpt())),
    };
    let diffs = json_diff(&want, &got);
    if diffs.is_empty() {
        return None;
    }
    let mut s = format!("{what}: outputs differ from {}:\n", golden.file_name().map(|n| n.to_string_lossy()).unwrap_or_default());
    for d in &diffs {
        let _ = writeln!(s, "      {d}");
    }
    Some(s)
}

// ---------------------------------------------------------------------------------------------
// Diagnostics

/// One diagnostic reduced as the recorder does.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Diag {
    pub filename: Option<String>,
    pub line: Option<i64>,
    pub column: Option<i64>,
    pub summary: String,
    pub detail: String,
    pub severity: String,
}

impl Diag {
    /// `(file:line:col) summary`.
    pub fn key(&self) -> String {
        format!(
            "{}:{}:{} {:?}",
            self.filename.as_deref().unwrap_or("-"),
            self.line.map(|l| l.to_string()).unwrap_or_else(|| "-".into()),
            self.column.map(|l| l.to_string()).unwrap_or_else(|| "-".into()),
            self.summary
        )
    }
}

/// Sorts the node names of a `Cycle: a, b, c` summary, since Terraform lists them randomly.
pub fn cycle_sorted(summary: &str) -> String {
    match summary.strip_prefix("Cycle: ") {
        Some(rest) => {
            let mut names: Vec<&str> = rest.split(", ").collect();
            names.sort();
            format!("Cycle: {}", names.join(", "))
        }
        None => summary.to_owned(),
    }
}

fn diag_from_fields(severity: &Json, summary: &Json, detail: &Json, filename: &Json, line: &Json, column: &Json) -> Diag {
    Diag {
        severity: severity.as_str().unwrap_or("").to_owned(),
        summary: cycle_sorted(summary.as_str().unwrap_or("")),
        detail: detail.as_str().unwrap_or("").to_owned(),
        filename: filename.as_str().map(str::to_owned),
        line: line.as_i64(),
        column: column.as_i64(),
    }
}

/// Reads a golden `diagnostics.json` (already reduced).
pub fn golden_diags(path: &Path) -> Result<Vec<Diag>, String> {
    let v = read_json(path)?;
    let arr = v.as_array().ok_or_else(|| format!("{}: not an array", path.display()))?;
    let null = Json::Null;
    let mut out: Vec<Diag> = arr
        .iter()
        .map(|d| {
            let g = |k: &str| d.get(k).unwrap_or(&null);
            diag_from_fields(g("severity"), g("summary"), g("detail"), g("filename"), g("line"), g("column"))
        })
        .collect();
    out.sort();
    Ok(out)
}

/// Reduces one Terraform-style JSON diagnostic (`{severity, summary, detail, range}`).
fn reduce_diag(d: &Json) -> Diag {
    let null = Json::Null;
    let g = |k: &str| d.get(k).unwrap_or(&null);
    let range = g("range");
    let filename = range.get("filename").unwrap_or(&null);
    let start = range.get("start").unwrap_or(&null);
    diag_from_fields(
        g("severity"),
        g("summary"),
        g("detail"),
        filename,
        start.get("line").unwrap_or(&null),
        start.get("column").unwrap_or(&null),
    )
}

/// Diagnostics from `infra validate -json` (one JSON document with `.diagnostics`), or from the
/// streamed `{"type":"diagnostic"}` lines of `plan -json` / `init -json`. Accepts either form.
pub fn infra_diags(stdout: &str) -> Result<Vec<Diag>, String> {
    let mut out = Vec::new();
    if let Ok(doc) = serde_json::from_str::<Json>(stdout.trim()) {
        if let Some(arr) = doc.get("diagnostics").and_then(Json::as_array) {
            out.extend(arr.iter().map(reduce_diag));
            out.sort();
            return Ok(out);
        }
    }
    let mut parsed_any = false;
    for line in stdout.lines() {
        let Ok(v) = serde_json::from_str::<Json>(line) else { continue };
        parsed_any = true;
        if v.get("type").and_then(Json::as_str) == Some("diagnostic") {
            if let Some(d) = v.get("diagnostic") {
                out.push(reduce_diag(d));
            }
        }
    }
    if !parsed_any {
        return Err("no JSON in stdout".into());
    }
    out.sort();
    Ok(out)
}

/// Compares two diagnostic multisets (errors only) on their `(filename, line, column, summary)`
/// and, when `with_detail`, also their detail text.
pub fn compare_diags(want: &[Diag], got: &[Diag], with_detail: bool) -> Option<String> {
    let key = |d: &Diag| {
        if with_detail {
            format!("{}\n        detail: {:?}", d.key(), replace_word(&d.detail, "Terraform", "infra"))
        } else {
            d.key()
        }
    };
    let errors = |ds: &[Diag]| -> BTreeMap<String, usize> {
        let mut m = BTreeMap::new();
        for d in ds.iter().filter(|d| d.severity == "error") {
            *m.entry(key(d)).or_insert(0) += 1;
        }
        m
    };
    let w = errors(want);
    let g = errors(got);
    if w == g {
        return None;
    }
    let mut s = String::from("error diagnostics differ:\n");
    for (k, n) in &w {
        let have = g.get(k).copied().unwrap_or(0);
        if have < *n {
            let _ = writeln!(s, "      missing:    {k}");
        }
    }
    for (k, n) in &g {
        let want_n = w.get(k).copied().unwrap_or(0);
        if want_n < *n {
            let _ = writeln!(s, "      unexpected: {k}");
        }
    }
    Some(s)
}

// ---------------------------------------------------------------------------------------------
// Failure collection and reporting

/// The cases of `test` listed in tests/corpus/known-divergences.txt (`<test> <case>  # reason`).
fn known_divergences(test: &str) -> std::collections::BTreeSet<String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus/known-divergences.txt");
    let text = fs::read_to_string(path).unwrap_or_default();
    text.lines()
        .map(|l| l.split('#').next().unwrap_or("").trim())
        .filter_map(|l| {
            let mut it = l.split_whitespace();
            match (it.next(), it.next()) {
                (Some(t), Some(c)) if t == test => Some(c.to_string()),
                _ => None,
            }
        })
        .collect()
}

/// Collects the failures of one test across all cases, then fails once listing them all.
pub struct Report {
    test: &'static str,
    total: usize,
    failures: Vec<(String, Vec<String>)>,
    passed: Vec<String>,
}

impl Report {
    pub fn new(test: &'static str) -> Self {
        Report { test, total: 0, failures: Vec::new(), passed: Vec::new() }
    }

    /// Records one case's problems (none = pass).
    pub fn case(&mut self, name: &str, problems: Vec<String>) {
        self.total += 1;
        if problems.is_empty() {
            self.passed.push(name.to_owned());
        } else {
            self.failures.push((name.to_owned(), problems));
        }
    }

    /// Writes a machine-readable summary to `$CORPUS_E2E_REPORT/<test>.json` when that variable
    /// is set (used to build the failure report), then panics if any case failed.
    pub fn finish(self) {
        if let Ok(dir) = std::env::var("CORPUS_E2E_REPORT") {
            let _ = fs::create_dir_all(&dir);
            let doc = serde_json::json!({
                "test": self.test,
                "total": self.total,
                "passed": self.passed,
                "failed": self.failures.iter().map(|(n, p)| serde_json::json!({"case": n, "problems": p})).collect::<Vec<_>>(),
            });
            let _ = fs::write(Path::new(&dir).join(format!("{}.json", self.test)), doc.to_string());
        }
        // Known divergences from Terraform are listed, with their reason, in
        // tests/corpus/known-divergences.txt. A listed case that fails is reported but does not
        // fail the test; a listed case that passes DOES fail it, so the list only ever shrinks
        // and never hides a regression in an unlisted case.
        let listed = known_divergences(self.test);
        // Cases are named `valid/<case>`, `steps/<case>`, `invalid/<case>`; the list names the case.
        let known_case = |n: &str| listed.contains(n) || n.rsplit('/').next().is_some_and(|b| listed.contains(b));
        let mut stale: Vec<String> = Vec::new();
        if std::env::var_os("CORPUS_CASE").is_none() {
            for name in &self.passed {
                if known_case(name) {
                    stale.push(name.clone());
                }
            }
        }
        let (expected, failures): (Vec<_>, Vec<_>) = self.failures.into_iter().partition(|(n, _)| known_case(n));
        for (name, problems) in &expected {
            eprintln!("{}: known divergence {name} ({} problem(s)):", self.test, problems.len());
            for p in problems {
                eprintln!("    {}", p.trim_end().lines().next().unwrap_or(""));
            }
        }
        if !stale.is_empty() {
            panic!(
                "{}: these cases are listed in tests/corpus/known-divergences.txt but now pass; remove them from the list: {}",
                self.test,
                stale.join(", ")
            );
        }
        let passed_count = self.total - failures.len() - expected.len();
        let this = Report { test: self.test, total: self.total, failures, passed: self.passed };
        if this.failures.is_empty() {
            eprintln!("{}: {passed_count} of {} cases passed, {} known divergences", this.test, this.total, expected.len());
            return;
        }
        this.fail();
    }

    fn fail(self) {
        let mut s = format!(
            "{}: {} of {} cases failed ({} passed)\n",
            self.test,
            self.failures.len(),
            self.total,
            self.total - self.failures.len()
        );
        for (name, problems) in &self.failures {
            let _ = writeln!(s, "\n=== {name}");
            for p in problems {
                let _ = writeln!(s, "  - {}", p.trim_end());
            }
        }
        let _ = writeln!(
            s,
            "\n{}: {} of {} cases failed (run one case with CORPUS_CASE=<name>)",
            self.test,
            self.failures.len(),
            self.total
        );
        panic!("{s}");
    }
}
