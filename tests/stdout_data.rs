//! Commands whose standard output is data (`state pull`, `output -json`, `show -json`,
//! `graph`) keep it clean: a configuration warning goes to stderr, so the output still parses.
//! `plan` prints its warnings with the plan on stdout, as Terraform does.

mod binary;

use binary::infra;

#[test]
fn data_commands_keep_warnings_off_stdout() {
    let dir = tempfile::tempdir().expect("temp dir");
    // A quoted reference in depends_on is accepted with a deprecation warning.
    std::fs::write(
        dir.path().join("main.tf"),
        "resource \"terraform_data\" \"a\" {\n  input = \"x\"\n}\n\nresource \"terraform_data\" \"b\" {\n  input      = \"y\"\n  depends_on = [\"terraform_data.a\"]\n}\n\noutput \"o\" {\n  value = terraform_data.a.output\n}\n",
    )
    .expect("write main.tf");
    let apply = infra(dir.path(), &["apply", "-auto-approve"]).ok();
    assert!(
        apply.stdout.contains("Warning: Quoted references are deprecated"),
        "apply prints the warning with its output"
    );

    for args in [&["state", "pull"][..], &["output", "-json"], &["show", "-json"]] {
        let out = infra(dir.path(), args);
        assert_eq!(out.code, 0, "{args:?} failed: {}", out.stderr);
        let stdout = &out.stdout;
        assert!(serde_json::from_str::<serde_json::Value>(stdout).is_ok(), "{args:?} stdout is not JSON:\n{stdout}");
        assert!(
            out.stderr.contains("Quoted references are deprecated"),
            "{args:?}: the warning still reaches the user, on stderr"
        );
    }
    let graph = infra(dir.path(), &["graph"]);
    assert_eq!(graph.code, 0, "{}", graph.text());
    assert!(graph.stdout.trim_start().starts_with("digraph"), "graph stdout starts with the DOT graph");
}
