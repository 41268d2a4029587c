//! Resources with many instances have their configurations evaluated on several threads, a
//! large state is decoded on several threads (engine/src/par.rs), and a large graph is walked
//! on several threads (engine/src/schedule.rs). Results and diagnostics must be exactly those of
//! a one-by-one evaluation: each instance sees its own `count.index` / `each`, values land on
//! the right instance, and errors come in instance order and in the graph's order.

mod binary;

use binary::infra;

#[test]
fn many_instances_get_their_own_values_and_errors_in_order() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(
        dir.path().join("main.tf"),
        r#"
resource "terraform_data" "c" {
  count = 700
  input = { i = count.index, sq = count.index * count.index, h = md5(tostring(count.index)) }
}

resource "terraform_data" "e" {
  for_each = { for i in range(400) : format("k%03d", i) => i }
  input    = "${each.key}=${each.value * 3}"
}

output "ok" {
  value = alltrue([for i, r in terraform_data.c : r.output.i == i && r.output.sq == i * i && r.output.h == md5(tostring(i))])
}

output "sum" {
  value = sum([for r in terraform_data.c : r.output.i])
}

output "e" {
  value = [for k, r in terraform_data.e : r.output if k == "k007" || k == "k399"]
}
"#,
    )
    .expect("write main.tf");
    infra(dir.path(), &["apply", "-auto-approve"]).ok();
    let out = infra(dir.path(), &["output", "-json"]);
    let json: serde_json::Value = serde_json::from_str(&out.stdout).expect("output -json");
    assert_eq!(json["ok"]["value"], serde_json::json!(true));
    assert_eq!(json["sum"]["value"], serde_json::json!(700 * 699 / 2));
    assert_eq!(json["e"]["value"], serde_json::json!(["k007=21", "k399=1197"]));

    // The 700-object state is decoded in parallel on the next plan: nothing changes.
    let plan = infra(dir.path(), &["plan", "-detailed-exitcode"]);
    assert_eq!(plan.code, 0, "{}", plan.text());

    // Errors in some instances: reported once each, in instance order.
    std::fs::write(
        dir.path().join("main.tf"),
        r#"
resource "terraform_data" "c" {
  count = 300
  input = count.index % 100 == 7 ? file("missing-${count.index}.txt") : count.index
}
"#,
    )
    .expect("write main.tf");
    let plan = infra(dir.path(), &["plan"]);
    assert_eq!(plan.code, 1, "{}", plan.text());
    let stderr = &plan.stderr;
    let order: Vec<usize> = ["missing-7.txt", "missing-107.txt", "missing-207.txt"]
        .iter()
        .map(|m| stderr.find(m).unwrap_or_else(|| panic!("{m} not reported:\n{stderr}")))
        .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "errors out of instance order:\n{stderr}");
    assert_eq!(stderr.matches("no file exists at").count(), 3, "{stderr}");
}

/// A layered graph of 3 × 60 resources: each resource of a layer refers to two of the layer
/// before, some fail (a missing file), and what depends on a failed resource is not planned.
fn layered_config(failing: &[(usize, usize)]) -> String {
    let mut tf = String::new();
    for layer in 0..3 {
        for i in 0..60 {
            let input = if failing.contains(&(layer, i)) {
                format!("file(\"missing-{layer}-{i}.txt\")")
            } else if layer == 0 {
                format!("md5(\"seed-{i}\")")
            } else {
                let p = layer - 1;
                format!("\"${{terraform_data.l{p}_{i}.output}}-${{terraform_data.l{p}_{}.output}}\"", (i + 1) % 60)
            };
            tf.push_str(&format!("resource \"terraform_data\" \"l{layer}_{i}\" {{\n  input = {input}\n}}\n\n"));
        }
    }
    tf.push_str("output \"lengths\" {\n  value = [length(terraform_data.l2_0.output), length(terraform_data.l1_59.output)]\n}\n");
    tf
}

#[test]
fn graph_walked_on_several_threads_reports_like_one_thread() {
    let dir = tempfile::tempdir().expect("temp dir");
    // Failures in every layer, early and late in each: the errors must come in the graph's
    // order whichever thread met them first.
    let failing = [(0, 3), (0, 41), (1, 17), (1, 58), (2, 0), (2, 30)];
    std::fs::write(dir.path().join("main.tf"), layered_config(&failing)).expect("write main.tf");
    let one = infra(dir.path(), &["plan", "-no-color", "-parallelism=1"]);
    assert_eq!(one.code, 1, "{}", one.text());
    for m in ["missing-0-3.txt", "missing-0-41.txt", "missing-1-17.txt", "missing-1-58.txt", "missing-2-0.txt", "missing-2-30.txt"] {
        assert_eq!(one.stderr.matches(&format!("no file exists at \"{m}\"")).count(), 1, "{m} not reported once:\n{}", one.stderr);
    }
    for _ in 0..5 {
        let many = infra(dir.path(), &["plan", "-no-color"]);
        assert_eq!(many.code, 1, "{}", many.text());
        assert_eq!(many.stdout, one.stdout, "plan text differs between one and several threads");
        assert_eq!(many.stderr, one.stderr, "diagnostics differ between one and several threads");
    }
}

#[test]
fn graph_walked_on_several_threads_applies_every_resource_once() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("main.tf"), layered_config(&[])).expect("write main.tf");
    let plan_one = infra(dir.path(), &["plan", "-no-color", "-parallelism=1"]).ok();
    let plan_many = infra(dir.path(), &["plan", "-no-color"]).ok();
    assert_eq!(plan_many.stdout, plan_one.stdout);
    assert!(plan_many.stdout.contains("Plan: 180 to add, 0 to change, 0 to destroy."), "{}", plan_many.stdout);
    infra(dir.path(), &["apply", "-auto-approve", "-no-color"]).ok().stdout_has("Apply complete! Resources: 180 added, 0 changed, 0 destroyed.");
    // Layer 2 joins two layer-1 values, each of which joins two md5 sums (32 characters).
    let out = infra(dir.path(), &["output", "-json"]).ok();
    let json: serde_json::Value = serde_json::from_str(&out.stdout).expect("output -json");
    assert_eq!(json["lengths"]["value"], serde_json::json!([2 * (2 * 32 + 1) + 1, 2 * 32 + 1]));
    let list = infra(dir.path(), &["state", "list"]).ok();
    assert_eq!(list.stdout.lines().count(), 180, "{}", list.stdout);
    let state: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("terraform.tfstate")).expect("state")).expect("state json");
    let output_of = |name: &str| {
        let r = state["resources"].as_array().expect("resources").iter().find(|r| r["name"] == name);
        r.and_then(|r| r["instances"][0]["attributes"]["output"]["value"].as_str()).unwrap_or_else(|| panic!("{name} in state")).to_string()
    };
    for i in [0, 5, 59] {
        let (p, q) = (format!("l0_{i}"), format!("l0_{}", (i + 1) % 60));
        assert_eq!(output_of(&format!("l1_{i}")), format!("{}-{}", output_of(&p), output_of(&q)));
        let (p, q) = (format!("l1_{i}"), format!("l1_{}", (i + 1) % 60));
        assert_eq!(output_of(&format!("l2_{i}")), format!("{}-{}", output_of(&p), output_of(&q)));
    }
    // Nothing left to do, whichever way the next plan walks.
    assert_eq!(infra(dir.path(), &["plan", "-detailed-exitcode"]).code, 0);
    assert_eq!(infra(dir.path(), &["plan", "-detailed-exitcode", "-parallelism=1"]).code, 0);
}
