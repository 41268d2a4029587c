//! HCL-compatible syntax diagnostics (`config::syntax`) against Terraform 1.11.4's own output:
//! the differential corpus's syntax cases, plus inputs whose expected diagnostics were taken from
//! `terraform validate -json`.

use std::collections::BTreeSet;
use std::path::PathBuf;

use infra_engine::config::syntax::{diagnose, diagnose_json};
use infra_value::Diagnostic;

type Key = (String, u32, u32);

fn keys(diags: &[Diagnostic]) -> BTreeSet<Key> {
    diags
        .iter()
        .filter(|d| d.is_error())
        .map(|d| {
            let (line, column) = d.subject.as_ref().map(|r| (r.start.line, r.start.column)).unwrap_or((0, 0));
            (d.summary.clone(), line, column)
        })
        .collect()
}

fn corpus_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/corpus/invalid")
}

fn golden(case: &str) -> BTreeSet<Key> {
    let path = corpus_dir().join(case).join("golden/diagnostics.json");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let json: serde_json::Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    json.as_array()
        .into_iter()
        .flatten()
        .filter(|d| d["severity"] == "error")
        .map(|d| {
            (
                d["summary"].as_str().unwrap_or_default().to_owned(),
                d["line"].as_u64().unwrap_or(0) as u32,
                d["column"].as_u64().unwrap_or(0) as u32,
            )
        })
        .collect()
}

#[test]
fn corpus_syntax_cases_match_terraform() {
    let mut cases: Vec<String> = std::fs::read_dir(corpus_dir())
        .expect("corpus directory")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("syntax_"))
        .collect();
    cases.sort();
    assert!(cases.len() >= 7, "expected the corpus's syntax cases, found {cases:?}");
    let mut failures = Vec::new();
    for case in &cases {
        let text = std::fs::read_to_string(corpus_dir().join(case).join("main.tf")).expect("main.tf");
        let got = keys(&diagnose("main.tf", &text));
        let want = golden(case);
        if got != want {
            failures.push(format!("{case}:\n  got  {got:?}\n  want {want:?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn corpus_json_syntax_error_matches_terraform() {
    let case = "json_syntax_error";
    let text = std::fs::read_to_string(corpus_dir().join(case).join("main.tf.json")).expect("main.tf.json");
    assert_eq!(keys(&diagnose_json("main.tf.json", &text)), golden(case));
}

/// Checks `diagnose` on `text` against the (summary, line, column) triples Terraform reported.
fn check(text: &str, want: &[(&str, u32, u32)]) {
    let got = keys(&diagnose("main.tf", text));
    let want: BTreeSet<Key> = want.iter().map(|(s, l, c)| (s.to_string(), *l, *c)).collect();
    assert_eq!(got, want, "for input:\n{text}");
}

fn check_json(text: &str, want: &[(&str, u32, u32)]) {
    let got = keys(&diagnose_json("main.tf.json", text));
    let want: BTreeSet<Key> = want.iter().map(|(s, l, c)| (s.to_string(), *l, *c)).collect();
    assert_eq!(got, want, "for input:\n{text}");
}
#[test]
fn native_inputs_checked_with_terraform_validate() {
    // case_01.tf
    check("resource \"a\" \"b\" {\n  x = 1,\n  y = 2\n}\n", &[("Unexpected comma after argument", 2, 8)]);
    // case_02.tf
    check("variable \"x\" {\n  description \"hi\"\n}\n", &[("Invalid block definition", 2, 19), ("Unsupported block type", 2, 3)]);
    // case_03.tf
    check("locals {\n  a = [1, 2\n  b = 3\n}\n", &[("Missing item separator", 3, 3)]);
    // case_04.tf
    check("locals {\n  a = {x = 1 y = 2}\n}\n", &[("Missing attribute separator", 2, 14)]);
    // case_05.tf
    check("locals {\n  a = foo(1 2)\n}\n", &[("Missing argument separator", 2, 13)]);
    // case_06.tf
    check("locals {\n  a = 'x'\n}\n", &[("Invalid character", 2, 7), ("Invalid expression", 2, 7)]);
    // case_07.tf
    check("locals {\n  a = \"${foo:bar}\"\n}\n", &[("Extra characters after interpolation expression", 2, 13)]);
    // case_08.tf
    check("locals {\n  a = \"%{ if true }x\"\n}\n", &[("Unexpected end of template", 2, 21)]);
    // case_09.tf
    check("locals {\n  a = \"%{ endif }\"\n}\n", &[("Unexpected endif directive", 2, 8)]);
    // case_10.tf
    check("locals {\n  a = [for x in y : x if]\n}\n", &[("Invalid expression", 2, 25)]);
    // case_11.tf
    check("output \"o\" {\n  value = 1\n", &[("Unclosed configuration block", 1, 12)]);
    // case_12.tf
    check("resource \"a\" \"b\" {\n  x = 1\n}}\n", &[("Missing newline after block definition", 3, 2)]);
    // case_13.tf
    check("locals {\n  a = 1 ? 2\n}\n", &[("Missing false expression in conditional", 2, 12)]);
    // case_14.tf
    check("locals {\n  a = {for k, v in x : v}\n}\n", &[("Invalid 'for' expression", 2, 24)]);
    // case_15.tf
    check("locals {\n  a = [for k, v in x : k => v]\n}\n", &[("Invalid 'for' expression", 2, 24)]);
    // case_16.tf
    check("locals {\n  a = x.\n}\n", &[("Invalid attribute name", 2, 9)]);
    // case_17.tf
    check("resource \"a\" {\n}\n", &[("Missing name for resource", 1, 14)]);
    // case_18.tf
    check("locals {\n  a = <<EOT\nfoo\n  EOT2\n", &[("Unterminated template string", 5, 1)]);
    // case_19.tf
    check("locals {\n  a = \"\\u12\"\n  b = \"\\ud800x\"\n}\n", &[("Invalid escape sequence", 2, 8), ("Invalid escape sequence", 3, 8)]);
    // case_20.tf
    check("locals {\n  a = (1 + 2\n}\n", &[("Unbalanced parentheses", 3, 1)]);
    // case_21.tf
    check("module \"m\" { source = \"./x\" \n}\n", &[("Invalid single-argument block definition", 1, 29)]);
    // case_22.tf
    check("locals {\n  a = 1;\n}\n", &[("Invalid character", 2, 8), ("Missing newline after argument", 2, 8)]);
    // case_23.tf
    check("locals {\n  a = x[1\n}\n", &[("Missing close bracket on index", 4, 1)]);
    // case_24.tf
    check("locals { a = 1, b = 2 }\n", &[("Invalid single-argument block definition", 1, 15)]);
    // case_25.tf
    check("foo = bar\nbaz {\n}\n", &[("Unsupported argument", 1, 1), ("Unsupported block type", 2, 1)]);
    // case_26.tf
    check("locals {\n  a = \"${x} %{for}\"\n}\n", &[("Invalid 'for' directive", 2, 18)]);
    // case_27.tf
    check("locals {\n  a = \"%{ iff x }\"\n}\n", &[("Invalid template control keyword", 2, 11)]);
    // case_28.tf
    check("locals {\n  a = {\n    b c\n  }\n}\n", &[("Missing key/value separator", 3, 7)]);
    // case_29.tf
    check("locals {\n  a = x.*.0.1\n}\n", &[("Invalid legacy index syntax", 2, 9)]);
    // case_30.tf
    check("/* unterminated\nlocals {}\n", &[("Argument or block definition required", 1, 1)]);
    // case_31.tf
    check("locals {\n  a = “x”\n}\n", &[("Invalid character", 2, 7), ("Invalid character", 2, 9), ("Invalid expression", 2, 7)]);
    // case_32.tf
    check("variable \"v\" {\n  type = string\n  default = = 1\n}\n", &[("Invalid expression", 3, 13)]);
    // case_33.tf
    check("locals {\n  a = 1\n  a = 2\n  \"b\" = 3\n}\n", &[("Attribute redefined", 3, 3), ("Invalid argument name", 4, 3)]);
    // case_34.tf
    check("locals {\n  a = foo::bar\n}\n", &[("Missing open parenthesis", 2, 15)]);
    // case_35.tf
    check("locals {\n  a = [1, 2,\n", &[("Missing expression", 3, 1)]);
}

#[test]
fn json_inputs_checked_with_terraform_validate() {
    // j_01.json
    check_json("{\n  \"variable\": {\n    \"x\": {\n      \"default\": 1\n    }\n  \n", &[("Root value must be object", 1, 1), ("Unclosed object", 1, 1), ("Unclosed object", 2, 15)]);
    // j_02.json
    check_json("{\n  \"locals\": {\n    \"a\" = 1\n  }\n}\n", &[("Incorrect JSON value type", 2, 13), ("Missing property value colon", 3, 9)]);
    // j_03.json
    check_json("{\n  \"locals\": {\n    \"a\": undefined\n  }\n}\n", &[("Invalid JSON keyword", 3, 10)]);
    // j_04.json
    check_json("{\n  \"locals\": {\n    \"a\": ture\n  }\n}\n", &[("Invalid JSON keyword", 3, 10)]);
    // j_05.json
    check_json("{\n  \"locals\": {\n    \"a\": [1, 2,]\n  }\n}\n", &[("Incorrect JSON value type", 2, 13), ("Mismatched braces", 4, 3), ("Trailing comma in array", 3, 15)]);
    // j_06.json
    check_json("{\n  \"locals\": {\n    \"a\": 01\n  }\n}\n", &[("Invalid JSON number", 3, 10)]);
    // j_07.json
    check_json("{\n  \"locals\": {\n    \"a\": \"x\\qy\"\n  }\n}\n", &[("Invalid JSON string", 3, 14)]);
    // j_08.json
    check_json("{\n  \"locals\": {\n    \"a\": 1\n    \"b\": 2\n  }\n}\n", &[("Incorrect JSON value type", 2, 13), ("Missing attribute seperator comma", 6, 1)]);
    // j_09.json
    check_json("[1]\n", &[("Incorrect JSON value type", 1, 2)]);
    // j_10.json
    check_json("{\n  \"resource\": {\n    \"a\": {\n      \"b\": [1, {\"x\": 1}]\n    }\n  }\n}\n", &[("Incorrect JSON value type", 4, 13)]);
    // j_11.json
    check_json("{\n  \"locals\": {\n    \"a\": {\"x\": 1]\n  }\n}\n", &[("Mismatched braces", 4, 3)]);
    // j_12.json
    check_json("{\n  \"locals\": {\n    1: 2\n  }\n}\n", &[("Invalid object property name", 3, 5), ("Missing attribute seperator comma", 5, 1), ("Root value must be object", 1, 1)]);
    // j_13.json
    check_json("{\n  \"locals\": {\n    \"a\": @\n  }\n}\n", &[("Invalid start of value", 3, 10), ("Missing attribute seperator comma", 3, 11), ("Root value must be object", 1, 1), ("Unclosed object", 1, 1)]);
    // j_14.json
    check_json("{\"locals\": {}} x\n", &[("Extraneous data after value", 1, 16)]);
    // j_15.json
    check_json("{\n  \"resource\": {\n    \"a\": 1\n  },\n  \"foo\": 2\n}\n", &[("Extraneous JSON object property", 5, 3), ("Incorrect JSON value type", 3, 10), ("Missing block label", 3, 10)]);
}

/// HCL points "Missing close bracket" diagnostics at the token recovery stopped at.
#[test]
fn index_bracket_diagnostics_checked_with_terraform_validate() {
    check("locals {\n  a = x[1 }\n", &[("Missing close bracket on index", 3, 1)]);
    check("locals {\n  a = x[1\n  b = 2\n}\n", &[("Missing close bracket on index", 5, 1)]);
    check("a = x[1\n", &[("Missing close bracket on index", 2, 1), ("Unsupported argument", 1, 1)]);
    check("a = x[1 2]\n", &[("Missing close bracket on index", 1, 10), ("Unsupported argument", 1, 1)]);
    check("locals {\n  a = x[* 1]\n}\n", &[("Missing close bracket on splat index", 2, 12)]);
    check("locals {\n  a = \"${x y}\"\n}\n", &[("Extra characters after interpolation expression", 2, 12)]);
    check("locals {\n  a = <<EOT\n${x y}\nEOT\n}\n", &[("Extra characters after interpolation expression", 3, 5)]);
    check("locals {\n  a = x.*.y.*\n}\n", &[("Nested splat expression not allowed", 2, 13)]);
    check("locals {\n  a = \"x\n  b = 2\n}\n", &[("Invalid multi-line string", 2, 9), ("Invalid multi-line string", 3, 8), ("Invalid multi-line string", 4, 2), ("Unterminated template string", 2, 9)]);
}

/// Truncations of broken and valid inputs: diagnosing must terminate and never panic, whatever
/// prefix of a file it gets (editors save half-written files).
#[test]
fn every_prefix_terminates_without_panicking() {
    let samples = [
        "\u{feff}resource \"a\" \"b\" {\n  x = \"${a.b[*].c} %{ if x }y%{ else }z%{ endif }\"\n  y = <<-EOT\n    ${z}\n  EOT\n  z = {for k, v in m : k => v... if v}\n}\n",
        "locals {\n  a = [for x in y : x]\n  b = x.*.0.1\n  c = f::g(1, 2...)\n  d = !a ? -1 : (2 * 3) % 4\n}\n~}\n",
        "a = \"\\u12\\U1\\q$${x}%%{y}é\u{301}\"\n'`;“”\t\r\n",
    ];
    for s in samples {
        for (i, _) in s.char_indices() {
            let _ = diagnose("main.tf", &s[..i]);
        }
    }
    let json = "{\"resource\": {\"a\": {\"b\": [{\"x\": [1, -2.5e3, true, null, \"\\u00e9\\n\"]}, 1]}}, \"v\": undefined, 1: 2]";
    for (i, _) in json.char_indices() {
        let _ = diagnose_json("main.tf.json", &json[..i]);
    }
}
