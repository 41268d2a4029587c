//! Resources with many instances have their configurations evaluated on several threads, and a
//! large state is decoded on several threads (engine/src/par.rs). Results and diagnostics must
//! be exactly those of a one-by-one evaluation: each instance sees its own `count.index` /
//! `each`, values land on the right instance, and errors come in instance order.

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
