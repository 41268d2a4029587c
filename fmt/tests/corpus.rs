//! The corpus: every `cases/<name>.in.tf` must format to `cases/<name>.out.tf`, which was recorded
//! with the real `terraform fmt` by `record.sh`. Each case also checks that formatting is
//! idempotent and that the canonical output is left byte-identical.

use std::fs;
use std::path::{Path, PathBuf};

fn cases_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("cases")
}

/// Every case name, sorted; fails if the corpus went missing.
fn case_names() -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(cases_dir())
        .expect("cases directory is readable")
        .filter_map(|entry| {
            let name = entry.ok()?.file_name().into_string().ok()?;
            name.strip_suffix(".in.tf").map(str::to_owned)
        })
        .collect();
    names.sort();
    assert!(names.len() >= 30, "corpus has only {} cases", names.len());
    names
}

fn read(name: &str, suffix: &str) -> String {
    let path = cases_dir().join(format!("{name}.{suffix}"));
    fs::read_to_string(&path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()))
}

/// Shows where two texts first differ, with line endings and tabs made visible.
fn first_difference(expected: &str, actual: &str) -> String {
    let visible = |s: &str| s.replace('\r', "\\r").replace('\t', "\\t");
    for (i, (e, a)) in expected
        .split_inclusive('\n')
        .zip(actual.split_inclusive('\n'))
        .enumerate()
    {
        if e != a {
            return format!(
                "line {}:\n  expected {:?}\n  actual   {:?}",
                i + 1,
                visible(e),
                visible(a)
            );
        }
    }
    format!(
        "lengths differ: expected {} bytes, actual {} bytes",
        expected.len(),
        actual.len()
    )
}

#[test]
fn every_case_matches_terraform_fmt() {
    let mut failures = Vec::new();
    for name in case_names() {
        let input = read(&name, "in.tf");
        let expected = read(&name, "out.tf");
        match infra_fmt::format_source(&input) {
            Ok(actual) if actual == expected => {}
            Ok(actual) => {
                failures.push(format!("{name}: {}", first_difference(&expected, &actual)))
            }
            Err(err) => failures.push(format!("{name}: unexpected error {err}")),
        }
    }
    assert!(
        failures.is_empty(),
        "{} case(s) differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn formatting_is_idempotent() {
    for name in case_names() {
        let input = read(&name, "in.tf");
        let Ok(once) = infra_fmt::format_source(&input) else {
            panic!("{name}: does not format");
        };
        let twice = infra_fmt::format_source(&once);
        assert_eq!(
            twice.as_ref(),
            Ok(&once),
            "{name}: second pass changed the output"
        );
    }
}

#[test]
fn canonical_files_are_left_byte_identical() {
    for name in case_names() {
        let canonical = read(&name, "out.tf");
        assert_eq!(
            infra_fmt::format_source(&canonical).as_ref(),
            Ok(&canonical),
            "{name}: canonical output was changed"
        );
        assert_eq!(infra_fmt::is_formatted(&canonical), Ok(true), "{name}");
    }
    // And the corpus is not trivially canonical: most inputs do need formatting.
    let changed = case_names()
        .iter()
        .filter(|name| read(name, "in.tf") != read(name, "out.tf"))
        .count();
    assert!(changed >= 30, "only {changed} cases change when formatted");
}

#[test]
fn stdout_mode_ends_with_a_newline() {
    let input = read("no_trailing_newline", "in.tf");
    let on_disk = read("no_trailing_newline", "out.tf");
    assert!(!on_disk.ends_with('\n'));
    assert_eq!(
        infra_fmt::format_source_for_stdout(&input),
        Ok(format!("{on_disk}\n"))
    );
}

/// Inputs `terraform fmt` refuses with a syntax error (exit status 2): they must be refused here
/// too, with the line of the problem, rather than formatted.
#[test]
fn syntax_errors_are_refused_with_a_location() {
    let cases: &[(&str, usize)] = &[
        // A binary operator cannot continue onto the next line outside brackets.
        ("locals {\n  sum = 1 +\n  2\n}\n", 2),
        // Heredoc introducers must end their line.
        ("locals {\n  a = [<<A, <<B]\n}\n", 2),
        // Argument names are never quoted.
        ("locals {\n  a = 1\n  \"b\" = 2\n}\n", 3),
        // A heredoc needs its closing marker on a line of its own, ended by a newline.
        ("a = <<EOT\nfoo\nEOT", 1),
        ("a = \"unterminated\n", 1),
        ("resource \"a\" \"b\" {\n", 1),
        ("a = 1\nb = = 2\n", 2),
    ];
    for (src, line) in cases {
        match infra_fmt::format_source(src) {
            Ok(out) => panic!("{src:?} formatted to {out:?}, expected a syntax error"),
            Err(err) => {
                assert!(!err.message.is_empty(), "{src:?}: empty message");
                assert!(
                    err.line >= 1 && err.line <= *line + 1,
                    "{src:?}: error reported on line {}, expected about line {line}: {err}",
                    err.line
                );
            }
        }
        assert!(infra_fmt::is_formatted(src).is_err());
    }
}
