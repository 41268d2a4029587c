//! The chunked parallel parse of native-syntax files against the sequential whole-file parse:
//! for every `.tf` file of the repository's corpus and examples, and for generated big files
//! full of the constructs that could confuse the chunk scanner (heredocs, `}` in strings and
//! templates, braces in comments, escapes), the lowered body and the diagnostics must be
//! identical — or the chunked parse must decline, and then the whole-file parse is used.

use std::path::{Path, PathBuf};

use infra_engine::config::chunked::{parse_chunked, split_points, PARALLEL_MIN_BYTES};
use infra_engine::config::parse::{parse_native, parse_native_whole};
use infra_engine::source::SourceMap;

/// What a parse produces, in a comparable form: the body's full debug rendering (every span,
/// expression and literal) and the diagnostics'.
fn sequential(name: &str, text: &str) -> (Option<String>, String) {
    let sources = SourceMap::new();
    let id = sources.add(name, text);
    let mut diags = Vec::new();
    let body = parse_native_whole(id, name, text, &sources, &mut diags);
    (body.map(|b| format!("{b:#?}")), format!("{diags:#?}"))
}

/// The chunked parse with `pieces` chunks; `None` when it declines.
fn chunked(name: &str, text: &str, pieces: usize) -> Option<(Option<String>, String)> {
    let sources = SourceMap::new();
    let id = sources.add(name, text);
    let parsed = parse_chunked(id, text, &sources, pieces)?;
    Some((Some(format!("{:#?}", parsed.body)), format!("{:#?}", parsed.diagnostics)))
}

/// The public entry point (chunked for big files when cores allow, whole otherwise).
fn entry(name: &str, text: &str) -> (Option<String>, String) {
    let sources = SourceMap::new();
    let id = sources.add(name, text);
    let mut diags = Vec::new();
    let body = parse_native(id, name, text, &sources, &mut diags);
    (body.map(|b| format!("{b:#?}")), format!("{diags:#?}"))
}

fn tf_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            tf_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "tf") {
            out.push(p);
        }
    }
}

/// Compares both paths on `text`; returns how many piece counts took the chunked path.
fn check(name: &str, text: &str) -> usize {
    let expected = sequential(name, text);
    let mut chunked_runs = 0;
    for pieces in [2, 3, 4, 7] {
        if let Some(got) = chunked(name, text, pieces) {
            chunked_runs += 1;
            assert!(expected.0.is_some(), "{name}: the chunked parse accepted a file the whole-file parse rejects");
            assert_eq!(got.0, expected.0, "{name}: bodies differ with {pieces} chunks");
            assert_eq!(got.1, expected.1, "{name}: diagnostics differ with {pieces} chunks");
        }
    }
    assert_eq!(entry(name, text), expected, "{name}: parse_native differs from the whole-file parse");
    chunked_runs
}

#[test]
fn corpus_and_examples_parse_the_same_in_chunks() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut files = Vec::new();
    tf_files(&root.join("tests/corpus"), &mut files);
    tf_files(&root.join("examples"), &mut files);
    tf_files(&root.join("tests/golden"), &mut files);
    files.sort();
    assert!(files.len() > 50, "the corpus is where it should be ({} files)", files.len());
    let mut chunked_files = 0;
    for f in &files {
        let Ok(text) = std::fs::read_to_string(f) else { continue };
        if check(&f.display().to_string(), &text) > 0 {
            chunked_files += 1;
        }
    }
    // Not vacuous: most multi-block files really take the chunked path.
    assert!(chunked_files > files.len() / 3, "only {chunked_files} of {} files were parsed in chunks", files.len());
}

/// A big configuration with everything the chunk scanner must see through.
fn generated(blocks: usize) -> String {
    let mut s = String::from("# A generated configuration.\n/* A comment with braces: } { ]\n   over lines */\n\n");
    for i in 0..blocks {
        match i % 6 {
            0 => s.push_str(&format!(
                "resource \"terraform_data\" \"h{i}\" {{\n  input = <<EOF\nline }} with a brace {{\n${{var.x}} and %{{ if true }}yes%{{ endif }}\n  EOFX is not the end\nEOF\n  other = <<-EOT\n    indented }}\n      more ${{upper(\"}}\")}}\n    EOT\n}}\n\n"
            )),
            1 => s.push_str(&format!(
                "resource \"terraform_data\" \"s{i}\" {{\n  input = \"a }} b \\\" c ${{ {{ k = \"}}\" }}.k }} $${{not}} %%{{nor}} \\\\\"\n  # }} in a comment\n  // {{ in another\n  n = 1234567890123456789012345678901234567890.5\n}}\n"
            )),
            2 => s.push_str(&format!(
                "locals {{\n  l{i} = [for x in [1, 2] : {{ v = x, s = \"${{x}}}}\" }}]\n  m{i} = {{\n    a = (1 + 2) * 3\n  }}\n}}\n// trailing }} comment\n"
            )),
            3 => s.push_str(&format!(
                "data \"terraform_remote_state\" \"d{i}\" {{ backend = \"local\" }}\n\n\n"
            )),
            4 => s.push_str(&format!(
                "resource \"terraform_data\" \"n{i}\" {{\n  lifecycle {{\n    ignore_changes = [input]\n  }}\n  a = 1 /* an inline comment }} */ + 2\n  provisioner \"local-exec\" {{\n    command = \"echo ${{self.id}} }}\"\n  }}\n}}\n"
            )),
            _ => s.push_str(&format!(
                "output \"o{i}\" {{\n  value = <<EOF\n%{{ for x in [1] ~}}\n${{x}}\n%{{ endfor ~}}\nEOF\n}}\r\n"
            )),
        }
    }
    s
}

#[test]
fn generated_big_files_parse_the_same_in_chunks() {
    let text = generated(300);
    assert!(split_points(&text).is_some_and(|p| p.len() > 300), "the scanner finds the top level of the generated file");
    assert_eq!(check("main.tf", &text), 4, "every chunk count took the chunked path");
    // Past the threshold, the public entry point is exercised for real.
    let big = generated(1200);
    assert!(big.len() > PARALLEL_MIN_BYTES);
    assert_eq!(check("main.tf", &big), 4);
}

#[test]
fn a_syntax_error_in_the_middle_gives_the_whole_file_diagnostic() {
    let mut text = generated(600);
    let middle = text.len() / 2;
    let at = middle + text[middle..].find("\nresource ").unwrap_or(0) + 1;
    text.insert_str(at, "resource \"terraform_data\" \"broken\" {\n  input = 1 +\n}\n");
    let line = text[..at].matches('\n').count() + 2;
    for pieces in [2, 3, 4] {
        assert!(chunked("main.tf", &text, pieces).is_none(), "a chunk with a syntax error declines");
    }
    let expected = sequential("main.tf", &text);
    assert!(expected.0.is_none());
    assert!(expected.1.contains(&format!("line: {line},")), "the error is reported on line {line}: {}", expected.1);
    assert_eq!(entry("main.tf", &text), expected);
}

#[test]
fn a_duplicate_argument_in_the_middle_gives_the_whole_file_diagnostic() {
    // hcl-edit rejects a body that sets an argument twice; the HCL-compatible re-scan then
    // reports "Attribute redefined" with both places.
    let mut text = generated(600);
    let at = text.len() / 2 + text[text.len() / 2..].find("\nresource ").unwrap_or(0) + 1;
    text.insert_str(at, "resource \"terraform_data\" \"twice\" {\n  input = 1\n  input = 2\n}\n");
    for pieces in [2, 3, 4] {
        assert!(chunked("main.tf", &text, pieces).is_none());
    }
    let expected = sequential("main.tf", &text);
    assert!(expected.1.contains("Attribute redefined"), "{}", expected.1);
    assert_eq!(entry("main.tf", &text), expected);
}

#[test]
fn a_top_level_attribute_declines() {
    let mut text = generated(30);
    text.push_str("stray = 1\n");
    for pieces in [2, 3] {
        assert!(chunked("main.tf", &text, pieces).is_none());
    }
    assert_eq!(entry("main.tf", &text), sequential("main.tf", &text));
}

#[test]
fn duplicate_blocks_across_chunks_are_reported_as_before() {
    // Two resources with the same address far apart, in different chunks of a big file: the
    // module's duplicate check sees the merged body and points at both places.
    let mut text = generated(1200);
    let first_line = text.matches('\n').count() + 1;
    text.push_str("resource \"terraform_data\" \"h0\" {\n}\n");
    let dir = tempfile::tempdir().expect("temporary directory");
    std::fs::write(dir.path().join("main.tf"), &text).expect("write main.tf");
    let sources = SourceMap::new();
    let mut diags = Vec::new();
    infra_engine::config::parse::parse_module_dir(dir.path(), ".", &sources, &mut diags);
    let dup: Vec<_> = diags.iter().filter(|d| d.summary.starts_with("Duplicate resource")).collect();
    assert_eq!(dup.len(), 1, "{diags:#?}");
    assert!(dup[0].detail.contains("already declared at main.tf:5,1-31"), "{}", dup[0].detail);
    let subject = dup[0].subject.as_ref().expect("subject");
    assert_eq!(subject.start.line as usize, first_line);
}

