//! End-to-end differential tests: the `infra` binary against the corpus recorded from Terraform
//! 1.11.4 (`tests/corpus/`, layout in its README).
//!
//! Every test runs ALL cases of its category, collects each case's problems (with unified diffs
//! for text) and fails once at the end listing every failing case, so one run shows everything.
//! Run a single case with `CORPUS_CASE=<substring> cargo test --test corpus_e2e`; set
//! `CORPUS_E2E_REPORT=<dir>` to also get one JSON summary per test.
//!
//! The expensive runs (plan → apply → output → replan of a valid case, a steps sequence, an
//! invalid case) are done once per process and shared between the tests that look at them from
//! different angles (e.g. summary/exit code in one test, exact plan text in a stricter one).

mod support;

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::Duration;

use support::*;

// =============================================================================================
// Valid cases: fresh plan → apply → output → replan, and a plan against Terraform's state.

/// Everything observed for one valid case, starting from an empty state.
struct ValidRun {
    dir: PathBuf,
    name: String,
    /// Setup problem (copying files, reading goldens) that prevents any comparison.
    setup_error: Option<String>,
    plan: Run,
    apply: Run,
    output: Run,
    replan: Run,
}

/// One valid case planned against the golden `terraform.tfstate` written by Terraform.
struct GoldenStateRun {
    dir: PathBuf,
    name: String,
    setup_error: Option<String>,
    plan: Run,
    state_before: Vec<u8>,
    state_after: Option<Vec<u8>>,
}

fn plan_args(extra: &[String]) -> Vec<String> {
    argv(&["plan", "-no-color", "-input=false", "-detailed-exitcode"], extra)
}

fn apply_args(extra: &[String]) -> Vec<String> {
    argv(&["apply", "-auto-approve", "-no-color", "-input=false"], extra)
}

fn output_json() -> Vec<String> {
    argv(&["output", "-json"], &[])
}

fn valid_runs() -> &'static [ValidRun] {
    static RUNS: OnceLock<Vec<ValidRun>> = OnceLock::new();
    RUNS.get_or_init(|| cases("valid").into_iter().map(|d| run_valid(&d)).collect())
}

fn run_valid(dir: &Path) -> ValidRun {
    let mut r = ValidRun {
        dir: dir.to_owned(),
        name: case_name(dir),
        setup_error: None,
        plan: Run::default(),
        apply: Run::default(),
        output: Run::default(),
        replan: Run::default(),
    };
    let work = match tempfile::tempdir() {
        Ok(w) => w,
        Err(e) => {
            r.setup_error = Some(format!("tempdir: {e}"));
            return r;
        }
    };
    if let Err(e) = copy_config(dir, work.path()) {
        r.setup_error = Some(e);
        return r;
    }
    let env = read_env(&dir.join("env"));
    let args = read_lines(&dir.join("args"));
    r.plan = infra(work.path(), &plan_args(&args), &env);
    r.apply = infra(work.path(), &apply_args(&args), &env);
    if r.apply.code == Some(0) {
        r.output = infra(work.path(), &output_json(), &env);
        r.replan = infra(work.path(), &plan_args(&args), &env);
    }
    r
}

fn golden_state_runs() -> &'static [GoldenStateRun] {
    static RUNS: OnceLock<Vec<GoldenStateRun>> = OnceLock::new();
    RUNS.get_or_init(|| cases("valid").into_iter().map(|d| run_golden_state(&d)).collect())
}

fn run_golden_state(dir: &Path) -> GoldenStateRun {
    let mut r = GoldenStateRun {
        dir: dir.to_owned(),
        name: case_name(dir),
        setup_error: None,
        plan: Run::default(),
        state_before: Vec::new(),
        state_after: None,
    };
    let work = match tempfile::tempdir() {
        Ok(w) => w,
        Err(e) => {
            r.setup_error = Some(format!("tempdir: {e}"));
            return r;
        }
    };
    if let Err(e) = copy_config(dir, work.path()) {
        r.setup_error = Some(e);
        return r;
    }
    let state_path = work.path().join("terraform.tfstate");
    match fs::read(dir.join("golden/terraform.tfstate")) {
        Ok(b) => r.state_before = b,
        Err(e) => {
            r.setup_error = Some(format!("golden/terraform.tfstate: {e}"));
            return r;
        }
    }
    if let Err(e) = fs::write(&state_path, &r.state_before) {
        r.setup_error = Some(format!("write state: {e}"));
        return r;
    }
    let env = read_env(&dir.join("env"));
    let args = read_lines(&dir.join("args"));
    r.plan = infra(work.path(), &plan_args(&args), &env);
    r.state_after = fs::read(&state_path).ok();
    r
}

/// Checks a plan's exit code and summary line against golden `*.txt` / `*.exitcode` files.
fn check_plan_summary(what: &str, run: &Run, golden_txt: &Path, golden_code: &Path, problems: &mut Vec<String>) {
    let want_code = match read_exitcode(golden_code) {
        Ok(c) => c,
        Err(e) => {
            problems.push(format!("{what}: {e}"));
            return;
        }
    };
    if let Some(m) = run.expect_code(want_code) {
        problems.push(format!("{what}: {m}"));
    }
    let want = read_text(golden_txt).ok().and_then(|t| plan_summary(&t));
    let got = plan_summary(&run.stdout);
    if want != got {
        problems.push(format!(
            "{what}: summary line differs\n      want: {}\n      got:  {}",
            want.as_deref().unwrap_or("<none>"),
            got.as_deref().unwrap_or("<none>")
        ));
    }
}

/// 1. Plan exit code and summary, apply, `output -json`, and replan of every valid case.
#[test]
fn valid_cases() {
    let mut report = Report::new("valid_cases");
    for r in valid_runs() {
        let mut p = Vec::new();
        if let Some(e) = &r.setup_error {
            p.push(format!("setup: {e}"));
            report.case(&r.name, p);
            continue;
        }
        let g = r.dir.join("golden");
        check_plan_summary("plan", &r.plan, &g.join("plan.txt"), &g.join("plan.exitcode"), &mut p);
        if let Some(m) = r.apply.expect_code(0) {
            p.push(format!("apply: {m}"));
        } else {
            if let Some(m) = compare_outputs("output -json", &g.join("outputs.json"), &r.output) {
                p.push(m);
            }
            check_plan_summary("replan", &r.replan, &g.join("replan.txt"), &g.join("replan.exitcode"), &mut p);
        }
        report.case(&r.name, p);
    }
    report.finish();
}

/// Compares a plan's stdout with a golden plan text exactly, after sorting the leading refresh
/// block as the recorder did, neutralising the tool name ([`rebrand`]) and optionally masking
/// UUIDs (for plans against infra's own state, whose ids are random).
fn check_plan_text(what: &str, run: &Run, golden_txt: &Path, mask: bool, problems: &mut Vec<String>) {
    let want = match read_text(golden_txt) {
        Ok(t) => t,
        Err(e) => {
            problems.push(format!("{what}: {e}"));
            return;
        }
    };
    let mut got = rebrand(&sort_refresh(&run.stdout));
    let mut want = rebrand(&want);
    if mask {
        got = mask_uuids(&got);
        want = mask_uuids(&want);
    }
    if got != want {
        let label = golden_txt.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        problems.push(format!(
            "{what}: plan text differs from golden/{label} (exit {})\n{}",
            run.code_str(),
            unified_diff(&want, &got, &format!("golden/{label}"), "infra")
        ));
    }
}

/// 2. The exact plan text: the first plan (empty state), the replan after infra's own apply
/// (UUIDs masked), and the plan against Terraform's state (exact, same ids).
#[test]
fn valid_plan_text() {
    let mut report = Report::new("valid_plan_text");
    let golden_runs = golden_state_runs();
    for r in valid_runs() {
        let mut p = Vec::new();
        if let Some(e) = &r.setup_error {
            p.push(format!("setup: {e}"));
            report.case(&r.name, p);
            continue;
        }
        let g = r.dir.join("golden");
        check_plan_text("plan", &r.plan, &g.join("plan.txt"), false, &mut p);
        if r.apply.code == Some(0) {
            check_plan_text("replan after infra apply", &r.replan, &g.join("replan.txt"), true, &mut p);
        }
        if let Some(gr) = golden_runs.iter().find(|gr| gr.name == r.name) {
            if gr.setup_error.is_none() {
                check_plan_text("plan against golden terraform.tfstate", &gr.plan, &g.join("replan.txt"), false, &mut p);
            }
        }
        report.case(&r.name, p);
    }
    report.finish();
}

/// 3. Terraform-state compatibility: planning each valid case against the state Terraform wrote
/// gives "No changes." (exit 0 with -detailed-exitcode) and leaves the state file untouched.
#[test]
fn terraform_state_compat() {
    let mut report = Report::new("terraform_state_compat");
    for r in golden_state_runs() {
        let mut p = Vec::new();
        if let Some(e) = &r.setup_error {
            p.push(format!("setup: {e}"));
            report.case(&r.name, p);
            continue;
        }
        if let Some(m) = r.plan.expect_code(0) {
            p.push(format!("plan: {m}"));
        }
        let got = plan_summary(&r.plan.stdout);
        if !got.as_deref().is_some_and(|s| s.starts_with("No changes.")) {
            p.push(format!(
                "plan: expected \"No changes. Your infrastructure matches the configuration.\", got {}\n{}",
                got.as_deref().unwrap_or("<no summary line>"),
                unified_diff(
                    &read_text(&r.dir.join("golden/replan.txt")).unwrap_or_default(),
                    &sort_refresh(&r.plan.stdout),
                    "golden/replan.txt",
                    "infra"
                )
            ));
        }
        match &r.state_after {
            Some(after) if *after == r.state_before => {}
            Some(_) => p.push("plan modified terraform.tfstate (plan must never write state)".into()),
            None => p.push("terraform.tfstate disappeared after plan".into()),
        }
        report.case(&r.name, p);
    }
    report.finish();
}

// =============================================================================================
// Steps cases

/// What happened at one step N ≥ 2 of a steps case.
struct StepRun {
    step: String,
    plan: Run,
    /// `plan -json` diagnostics run (only when the golden expects a failing plan).
    diag_run: Option<Run>,
    state_before: Option<Vec<u8>>,
    state_after_plan: Option<Vec<u8>>,
    apply: Option<Run>,
    output: Option<Run>,
}

struct StepsRun {
    dir: PathBuf,
    name: String,
    /// Problems that stopped the sequence early (setup, v1 apply).
    setup_error: Option<String>,
    v1_apply: Option<Run>,
    v1_output: Option<Run>,
    steps: Vec<StepRun>,
}

fn step_names(dir: &Path) -> Vec<String> {
    (1..=9).map(|i| format!("v{i}")).take_while(|s| dir.join(s).is_dir()).collect()
}

/// Runs one step's plan (and diagnostics or apply) in `work`, which already holds the step's
/// configuration and the prior state.
fn run_step(dir: &Path, work: &Path, step: &str, env: &[(String, String)]) -> StepRun {
    let args = read_lines(&dir.join(format!("{step}.args")));
    let state_path = work.join("terraform.tfstate");
    let state_before = fs::read(&state_path).ok();
    let plan = infra(work, &plan_args(&args), env);
    let state_after_plan = fs::read(&state_path).ok();
    let g = dir.join("golden");
    let expect_fail = g.join(format!("{step}.diagnostics.json")).exists();
    let mut s = StepRun {
        step: step.to_owned(),
        plan,
        diag_run: None,
        state_before,
        state_after_plan,
        apply: None,
        output: None,
    };
    if expect_fail {
        s.diag_run = Some(infra(work, &argv(&["plan", "-json", "-input=false"], &args), env));
        s.state_after_plan = fs::read(&state_path).ok();
        return s;
    }
    if matches!(s.plan.code, Some(0) | Some(2)) {
        let apply = infra(work, &apply_args(&args), env);
        if apply.code == Some(0) {
            s.output = Some(infra(work, &output_json(), env));
        }
        s.apply = Some(apply);
    }
    s
}

fn steps_own_runs() -> &'static [StepsRun] {
    static RUNS: OnceLock<Vec<StepsRun>> = OnceLock::new();
    RUNS.get_or_init(|| cases("steps").into_iter().map(|d| run_steps_own(&d)).collect())
}

/// v1 applied by infra, then each later step planned and applied against infra's own state.
fn run_steps_own(dir: &Path) -> StepsRun {
    let mut r = StepsRun {
        dir: dir.to_owned(),
        name: case_name(dir),
        setup_error: None,
        v1_apply: None,
        v1_output: None,
        steps: Vec::new(),
    };
    let work = match tempfile::tempdir() {
        Ok(w) => w,
        Err(e) => {
            r.setup_error = Some(format!("tempdir: {e}"));
            return r;
        }
    };
    let env = read_env(&dir.join("env"));
    for step in step_names(dir) {
        if let Err(e) = clear_except_state(work.path()).and_then(|_| copy_config(&dir.join(&step), work.path())) {
            r.setup_error = Some(format!("{step}: {e}"));
            return r;
        }
        if step == "v1" {
            let args = read_lines(&dir.join("v1.args"));
            let apply = infra(work.path(), &apply_args(&args), &env);
            let ok = apply.code == Some(0);
            r.v1_apply = Some(apply);
            if !ok {
                return r;
            }
            r.v1_output = Some(infra(work.path(), &output_json(), &env));
            continue;
        }
        let s = run_step(dir, work.path(), &step, &env);
        let continue_on = s.apply.as_ref().is_some_and(|a| a.code == Some(0));
        r.steps.push(s);
        if !continue_on {
            break;
        }
    }
    r
}

fn steps_golden_runs() -> &'static [StepsRun] {
    static RUNS: OnceLock<Vec<StepsRun>> = OnceLock::new();
    RUNS.get_or_init(|| cases("steps").into_iter().map(|d| run_steps_golden(&d)).collect())
}

/// Each step N ≥ 2 planned (and applied) against the golden state Terraform wrote at step N-1.
fn run_steps_golden(dir: &Path) -> StepsRun {
    let mut r = StepsRun {
        dir: dir.to_owned(),
        name: case_name(dir),
        setup_error: None,
        v1_apply: None,
        v1_output: None,
        steps: Vec::new(),
    };
    let env = read_env(&dir.join("env"));
    let names = step_names(dir);
    for pair in names.windows(2) {
        let (prev, step) = (&pair[0], &pair[1]);
        let prior = dir.join("golden").join(format!("{prev}.tfstate"));
        if !prior.exists() {
            if dir.join("golden").join(format!("{step}.plan.exitcode")).exists() {
                r.setup_error = Some(format!("{step}: golden/{prev}.tfstate is missing"));
            }
            // Otherwise the previous step failed in Terraform too and nothing later was recorded.
            break;
        }
        let work = match tempfile::tempdir() {
            Ok(w) => w,
            Err(e) => {
                r.setup_error = Some(format!("tempdir: {e}"));
                return r;
            }
        };
        let setup = copy_config(&dir.join(step), work.path()).and_then(|_| {
            fs::copy(&prior, work.path().join("terraform.tfstate"))
                .map(|_| ())
                .map_err(|e| format!("copy {}: {e}", prior.display()))
        });
        if let Err(e) = setup {
            r.setup_error = Some(format!("{step}: {e}"));
            return r;
        }
        r.steps.push(run_step(dir, work.path(), step, &env));
    }
    r
}

fn check_step(dir: &Path, s: &StepRun, p: &mut Vec<String>) {
    let g = dir.join("golden");
    let step = &s.step;
    check_plan_summary(
        &format!("{step} plan"),
        &s.plan,
        &g.join(format!("{step}.plan.txt")),
        &g.join(format!("{step}.plan.exitcode")),
        p,
    );
    let diag_path = g.join(format!("{step}.diagnostics.json"));
    if diag_path.exists() {
        if let Some(d) = &s.diag_run {
            match (golden_diags(&diag_path), infra_diags(&d.stdout)) {
                (Ok(want), Ok(got)) => {
                    if let Some(m) = compare_diags(&want, &got, false) {
                        p.push(format!("{step} plan -json: {m}"));
                    }
                }
                (Err(e), _) => p.push(format!("{step}: {e}")),
                (_, Err(e)) => p.push(format!("{step} `{}`: {e}\n{}", d.cmdline(), d.excerpt())),
            }
        }
        if s.state_before != s.state_after_plan {
            p.push(format!("{step}: the failing plan modified terraform.tfstate (must stay byte-identical)"));
        }
        return;
    }
    if s.state_before != s.state_after_plan {
        p.push(format!("{step}: plan modified terraform.tfstate (plan must never write state)"));
    }
    match &s.apply {
        None => {} // the plan failed; reported by the exit-code check above
        Some(a) => {
            if let Some(m) = a.expect_code(0) {
                p.push(format!("{step} apply: {m}"));
            } else if let Some(o) = &s.output {
                if let Some(m) = compare_outputs(&format!("{step} output -json"), &g.join(format!("{step}.outputs.json")), o) {
                    p.push(m);
                }
            }
        }
    }
}

fn check_steps(r: &StepsRun, p: &mut Vec<String>) {
    if let Some(e) = &r.setup_error {
        p.push(format!("setup: {e}"));
    }
    for s in &r.steps {
        check_step(&r.dir, s, p);
    }
    check_all_steps_ran(r, p);
}

/// Reports the steps Terraform recorded that were never reached.
fn check_all_steps_ran(r: &StepsRun, p: &mut Vec<String>) {
    let recorded: Vec<String> = step_names(&r.dir)
        .into_iter()
        .skip(1)
        .filter(|s| r.dir.join("golden").join(format!("{s}.plan.exitcode")).exists())
        .collect();
    for s in recorded.iter().skip(r.steps.len()) {
        p.push(format!("{s}: not run (an earlier step failed)"));
    }
}

/// 4a. Steps: v1 applied by infra, later versions planned and applied against infra's state.
#[test]
fn steps_cases() {
    let mut report = Report::new("steps_cases");
    for r in steps_own_runs() {
        let mut p = Vec::new();
        match (&r.v1_apply, &r.v1_output) {
            (Some(a), _) if a.code != Some(0) => p.push(format!("v1 apply: {}", a.expect_code(0).unwrap_or_default())),
            (Some(_), Some(o)) => {
                if let Some(m) = compare_outputs("v1 output -json", &r.dir.join("golden/v1.outputs.json"), o) {
                    p.push(m);
                }
            }
            _ => {}
        }
        check_steps(r, &mut p);
        report.case(&r.name, p);
    }
    report.finish();
}

/// 4b. Steps from Terraform's state: each step planned against the golden state of the
/// previous step (so plans are checked against Terraform-written state).
#[test]
fn steps_from_terraform_state() {
    let mut report = Report::new("steps_from_terraform_state");
    for r in steps_golden_runs() {
        let mut p = Vec::new();
        check_steps(r, &mut p);
        report.case(&r.name, p);
    }
    report.finish();
}

/// 4c. The exact plan text of each step against the golden state of the previous step (the ids
/// are Terraform's, so no masking is needed), and the stderr of failing plans.
#[test]
fn steps_plan_text() {
    let mut report = Report::new("steps_plan_text");
    for r in steps_golden_runs() {
        let mut p = Vec::new();
        if let Some(e) = &r.setup_error {
            p.push(format!("setup: {e}"));
        }
        check_all_steps_ran(r, &mut p);
        let g = r.dir.join("golden");
        for s in &r.steps {
            check_plan_text(&format!("{} plan", s.step), &s.plan, &g.join(format!("{}.plan.txt", s.step)), false, &mut p);
            let stderr_golden = g.join(format!("{}.plan.stderr.txt", s.step));
            if let Ok(want) = read_text(&stderr_golden) {
                let (want, got) = (rebrand(&want), rebrand(&s.plan.stderr));
                if got != want {
                    p.push(format!(
                        "{} plan: stderr differs from golden/{}.plan.stderr.txt\n{}",
                        s.step,
                        s.step,
                        unified_diff(&want, &got, "golden stderr", "infra stderr")
                    ));
                }
            }
        }
        report.case(&r.name, p);
    }
    report.finish();
}

// =============================================================================================
// Invalid cases

struct InvalidRun {
    name: String,
    dir: PathBuf,
    setup_error: Option<String>,
    command: String,
    run: Run,
    json_run: Run,
    state_before: Vec<u8>,
    state_after: Option<Vec<u8>>,
}

/// A small valid state (Terraform's, from the first valid case) written before every invalid
/// case, so that "errors never write state" is checked against an existing file.
/// Falls back to a small Terraform-format state when no golden state file is present (e.g. a
/// corpus filtered down to invalid cases), so the invalid cases never depend on the valid ones.
fn seed_state() -> Result<Vec<u8>, String> {
    match cases_unfiltered_first_valid() {
        Some(first) => fs::read(&first).map_err(|e| format!("read {}: {e}", first.display())),
        None => Ok(FALLBACK_STATE.as_bytes().to_vec()),
    }
}

const FALLBACK_STATE: &str = r#"{
  "version": 4,
  "terraform_version": "1.11.4",
  "serial": 2,
  "lineage": "6d28dbfd-f869-553c-9eaa-48ab5ee1cd87",
  "outputs": {},
  "resources": [
    {
      "mode": "managed",
      "type": "terraform_data",
      "name": "seed",
      "provider": "provider[\"terraform.io/builtin/terraform\"]",
      "instances": [
        {
          "schema_version": 0,
          "attributes": {
            "id": "58da17f9-4372-5e9d-b387-b3b8a87ff32f",
            "input": {
              "value": "seed",
              "type": "string"
            },
            "output": {
              "value": "seed",
              "type": "string"
            },
            "triggers_replace": null
          },
          "sensitive_attributes": []
        }
      ]
    }
  ],
  "check_results": null
}
"#;

fn cases_unfiltered_first_valid() -> Option<PathBuf> {
    let mut dirs: Vec<PathBuf> = fs::read_dir(corpus_root().join("valid")).ok()?.flatten().map(|e| e.path()).collect();
    dirs.sort();
    dirs.into_iter().map(|d| d.join("golden/terraform.tfstate")).find(|p| p.exists())
}

fn invalid_runs() -> &'static [InvalidRun] {
    static RUNS: OnceLock<Vec<InvalidRun>> = OnceLock::new();
    RUNS.get_or_init(|| cases("invalid").into_iter().map(|d| run_invalid(&d)).collect())
}

fn run_invalid(dir: &Path) -> InvalidRun {
    let mut r = InvalidRun {
        name: case_name(dir),
        dir: dir.to_owned(),
        setup_error: None,
        command: String::new(),
        run: Run::default(),
        json_run: Run::default(),
        state_before: Vec::new(),
        state_after: None,
    };
    let setup = (|| -> Result<tempfile::TempDir, String> {
        r.command = read_text(&dir.join("golden/command"))?.trim().to_owned();
        r.state_before = seed_state()?;
        let work = tempfile::tempdir().map_err(|e| format!("tempdir: {e}"))?;
        copy_config(dir, work.path())?;
        fs::write(work.path().join("terraform.tfstate"), &r.state_before).map_err(|e| format!("write state: {e}"))?;
        Ok(work)
    })();
    let work = match setup {
        Ok(w) => w,
        Err(e) => {
            r.setup_error = Some(e);
            return r;
        }
    };
    let env = read_env(&dir.join("env"));
    let args = read_lines(&dir.join("args"));
    let (text_args, json_args) = match r.command.as_str() {
        "plan" => (argv(&["plan", "-no-color", "-input=false"], &args), argv(&["plan", "-json", "-input=false"], &args)),
        "init" => (argv(&["init", "-no-color", "-input=false"], &[]), argv(&["init", "-json", "-input=false"], &[])),
        other => (argv(&[other, "-no-color"], &[]), argv(&[other, "-json"], &[])),
    };
    r.run = infra(work.path(), &text_args, &env);
    r.json_run = infra(work.path(), &json_args, &env);
    r.state_after = fs::read(work.path().join("terraform.tfstate")).ok();
    r
}

fn check_invalid(r: &InvalidRun, with_detail: bool) -> Vec<String> {
    let mut p = Vec::new();
    if let Some(e) = &r.setup_error {
        p.push(format!("setup: {e}"));
        return p;
    }
    let g = r.dir.join("golden");
    if !with_detail {
        match read_exitcode(&g.join("exitcode")) {
            Ok(want) => {
                if let Some(m) = r.run.expect_code(want) {
                    p.push(format!("{}: {m}", r.command));
                }
            }
            Err(e) => p.push(e),
        }
    }
    match (golden_diags(&g.join("diagnostics.json")), infra_diags(&r.json_run.stdout)) {
        (Ok(want), Ok(got)) => {
            if let Some(m) = compare_diags(&want, &got, with_detail) {
                p.push(format!("`{}`: {m}", r.json_run.cmdline()));
            }
        }
        (Err(e), _) => p.push(e),
        (_, Err(e)) => p.push(format!(
            "`{}` (exit {}): {e}\n{}",
            r.json_run.cmdline(),
            r.json_run.code_str(),
            r.json_run.excerpt()
        )),
    }
    if !with_detail {
        match &r.state_after {
            Some(after) if *after == r.state_before => {}
            Some(_) => p.push("terraform.tfstate was modified (an invalid configuration must never write state)".into()),
            None => p.push("terraform.tfstate disappeared".into()),
        }
    }
    p
}

/// 5a. Invalid cases: exit code, error diagnostics as (file, line, column, summary), state
/// untouched.
#[test]
fn invalid_cases() {
    let mut report = Report::new("invalid_cases");
    for r in invalid_runs() {
        report.case(&r.name, check_invalid(r, false));
    }
    report.finish();
}

/// 5b. Invalid cases, stricter: the diagnostics' detail text too.
#[test]
fn invalid_diagnostic_details() {
    let mut report = Report::new("invalid_diagnostic_details");
    for r in invalid_runs() {
        report.case(&r.name, check_invalid(r, true));
    }
    report.finish();
}

// =============================================================================================
// Generated configurations

/// 6. One thousand `terraform_data` instances (500 independent blocks, a chain of 100, one
/// count = 400) apply, and the next plan finds nothing to do.
#[test]
fn thousand_resources() {
    let mut report = Report::new("thousand_resources");
    let mut p = Vec::new();
    match tempfile::tempdir() {
        Err(e) => p.push(format!("tempdir: {e}")),
        Ok(work) => {
            let mut cfg = String::new();
            for i in 0..500 {
                cfg.push_str(&format!("resource \"terraform_data\" \"independent_{i}\" {{\n  input = \"value-{i}\"\n}}\n\n"));
            }
            for i in 0..100 {
                let input = if i == 0 { "\"chain-start\"".to_owned() } else { format!("terraform_data.chain_{}.output", i - 1) };
                cfg.push_str(&format!("resource \"terraform_data\" \"chain_{i}\" {{\n  input = {input}\n}}\n\n"));
            }
            cfg.push_str("resource \"terraform_data\" \"counted\" {\n  count = 400\n  input = \"item-${count.index}\"\n}\n\n");
            cfg.push_str("output \"chain_end\" {\n  value = terraform_data.chain_99.output\n}\n\n");
            cfg.push_str("output \"counted\" {\n  value = length(terraform_data.counted)\n}\n");
            match fs::write(work.path().join("main.tf"), cfg) {
                Err(e) => p.push(format!("write main.tf: {e}")),
                Ok(()) => {
                    let long = Duration::from_secs(900);
                    let apply = infra_timeout(work.path(), &apply_args(&[]), &[], long);
                    if let Some(m) = apply.expect_code(0) {
                        p.push(format!("apply: {m}"));
                    } else {
                        if !apply.stdout.contains("Resources: 1000 added, 0 changed, 0 destroyed.") {
                            p.push(format!("apply: no \"Resources: 1000 added, 0 changed, 0 destroyed.\" line\n{}", apply.excerpt()));
                        }
                        let out = infra(work.path(), &output_json(), &[]);
                        match serde_json::from_str::<serde_json::Value>(&out.stdout) {
                            Ok(v) => {
                                let want = serde_json::json!({
                                    "chain_end": {"sensitive": false, "type": "string", "value": "chain-start"},
                                    "counted": {"sensitive": false, "type": "number", "value": 400},
                                });
                                for d in json_diff(&want, &v) {
                                    p.push(format!("output -json: {d}"));
                                }
                            }
                            Err(e) => p.push(format!("output -json: invalid JSON ({e})\n{}", out.excerpt())),
                        }
                        let plan = infra_timeout(work.path(), &plan_args(&[]), &[], long);
                        if let Some(m) = plan.expect_code(0) {
                            p.push(format!("plan after apply: {m}"));
                        }
                        let summary = plan_summary(&plan.stdout);
                        if summary.as_deref() != Some("No changes. Your infrastructure matches the configuration.") {
                            p.push(format!("plan after apply: summary {:?}", summary));
                        }
                        eprintln!("thousand_resources: apply {:?}, plan {:?}", apply.elapsed, plan.elapsed);
                    }
                }
            }
        }
    }
    report.case("generated/thousand_resources", p);
    report.finish();
}

const PLANFILE_CONFIG: &str = r#"
variable "x" {
  type    = string
  default = "default"
}

resource "terraform_data" "a" {
  input = var.x
}

output "x" {
  value = terraform_data.a.output
}
"#;

fn output_x(work: &Path) -> Result<String, String> {
    let out = infra(work, &output_json(), &[]);
    if let Some(m) = out.expect_code(0) {
        return Err(m);
    }
    let v: serde_json::Value = serde_json::from_str(&out.stdout).map_err(|e| format!("output -json: {e}"))?;
    v.pointer("/x/value")
        .and_then(|x| x.as_str())
        .map(str::to_owned)
        .ok_or_else(|| format!("output -json has no string x.value: {}", out.stdout.trim()))
}

/// 7a. A saved plan is refused once the state has moved on since it was made.
#[test]
fn stale_plan_file_refused() {
    let mut report = Report::new("stale_plan_file_refused");
    let mut p = Vec::new();
    let result = (|| -> Result<(), String> {
        let work = tempfile::tempdir().map_err(|e| format!("tempdir: {e}"))?;
        let w = work.path();
        fs::write(w.join("main.tf"), PLANFILE_CONFIG).map_err(|e| format!("write: {e}"))?;
        let plan = infra(w, &argv(&["plan", "-no-color", "-input=false", "-out=p1", "-var=x=one"], &[]), &[]);
        if let Some(m) = plan.expect_code(0) {
            return Err(format!("plan -out=p1: {m}"));
        }
        let apply = infra(w, &argv(&["apply", "-auto-approve", "-no-color", "-input=false", "-var=x=two"], &[]), &[]);
        if let Some(m) = apply.expect_code(0) {
            return Err(format!("apply -auto-approve: {m}"));
        }
        let state = fs::read(w.join("terraform.tfstate")).ok();
        let stale = infra(w, &argv(&["apply", "-no-color", "-input=false", "p1"], &[]), &[]);
        if let Some(m) = stale.expect_code(1) {
            p.push(format!("apply p1 (stale): {m}"));
        }
        let text = format!("{}{}", stale.stdout, stale.stderr);
        if !text.to_lowercase().contains("stale") {
            p.push(format!("apply p1 (stale): message does not mention \"stale\":\n{}", stale.excerpt()));
        }
        if fs::read(w.join("terraform.tfstate")).ok() != state {
            p.push("apply p1 (stale): terraform.tfstate was modified".into());
        }
        if output_x(w)? != "two" {
            p.push("apply p1 (stale): output x is no longer \"two\"".into());
        }
        Ok(())
    })();
    if let Err(e) = result {
        p.push(e);
    }
    report.case("generated/stale_plan_file", p);
    report.finish();
}

/// 7b. A fresh saved plan applies exactly what it planned (even with no -var on the apply
/// command line), after which the same plan file is stale.
#[test]
fn fresh_plan_file_applies() {
    let mut report = Report::new("fresh_plan_file_applies");
    let mut p = Vec::new();
    let result = (|| -> Result<(), String> {
        let work = tempfile::tempdir().map_err(|e| format!("tempdir: {e}"))?;
        let w = work.path();
        fs::write(w.join("main.tf"), PLANFILE_CONFIG).map_err(|e| format!("write: {e}"))?;
        let apply = infra(w, &argv(&["apply", "-auto-approve", "-no-color", "-input=false", "-var=x=before"], &[]), &[]);
        if let Some(m) = apply.expect_code(0) {
            return Err(format!("apply -auto-approve: {m}"));
        }
        let plan = infra(w, &argv(&["plan", "-no-color", "-input=false", "-out=p2", "-var=x=planned"], &[]), &[]);
        if let Some(m) = plan.expect_code(0) {
            return Err(format!("plan -out=p2: {m}"));
        }
        if plan_summary(&plan.stdout).as_deref() != Some("Plan: 0 to add, 1 to change, 0 to destroy.") {
            p.push(format!("plan -out=p2: summary {:?}", plan_summary(&plan.stdout)));
        }
        let applied = infra(w, &argv(&["apply", "-no-color", "-input=false", "p2"], &[]), &[]);
        if let Some(m) = applied.expect_code(0) {
            return Err(format!("apply p2: {m}"));
        }
        if !applied.stdout.contains("Resources: 0 added, 1 changed, 0 destroyed.") {
            p.push(format!("apply p2: no \"Resources: 0 added, 1 changed, 0 destroyed.\" line\n{}", applied.excerpt()));
        }
        let x = output_x(w)?;
        if x != "planned" {
            p.push(format!("apply p2: output x = {x:?}, want \"planned\" (the saved plan's value)"));
        }
        let again = infra(w, &argv(&["plan", "-no-color", "-input=false", "-detailed-exitcode", "-var=x=planned"], &[]), &[]);
        if let Some(m) = again.expect_code(0) {
            p.push(format!("plan after apply p2: {m}"));
        }
        let twice = infra(w, &argv(&["apply", "-no-color", "-input=false", "p2"], &[]), &[]);
        if let Some(m) = twice.expect_code(1) {
            p.push(format!("apply p2 a second time (now stale): {m}"));
        }
        Ok(())
    })();
    if let Err(e) = result {
        p.push(e);
    }
    report.case("generated/fresh_plan_file", p);
    report.finish();
}
