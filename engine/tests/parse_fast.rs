//! The direct parser (`config::fast`) against the general path (hcl-edit, then the lowering):
//! whenever the direct parser accepts a text, its body must be exactly the general path's
//! (every span, expression and literal, compared through the full debug rendering), and the
//! general path must have accepted the text without a diagnostic. On malformed text the direct
//! parser must decline, so that the general path reports the errors.
//!
//! Inputs: every `.tf` file of the repository, generated big files, hand-written edge cases,
//! and thousands of mutations of corpus files (fixed seed).

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};

use infra_engine::config::{chunked, fast};
use infra_engine::config::parse::{parse_native, parse_native_whole};
use infra_engine::source::SourceMap;

/// The general path: the body's debug rendering and the diagnostics'.
fn general(text: &str) -> (Option<String>, String) {
    let sources = SourceMap::new();
    let id = sources.add("main.tf", text);
    let mut diags = Vec::new();
    let body = parse_native_whole(id, "main.tf", text, &sources, &mut diags);
    (body.map(|b| format!("{b:#?}")), format!("{diags:#?}"))
}

/// The direct parser's body, rendered the same way; `None` when it declines.
fn direct(text: &str) -> Option<String> {
    let sources = SourceMap::new();
    let id = sources.add("main.tf", text);
    fast::parse_body(id, text).map(|b| format!("{b:#?}"))
}

/// Compares both paths on `text`; returns whether the direct parser accepted it.
fn check(name: &str, text: &str) -> bool {
    let got = direct(text);
    let Some(got) = got else { return false };
    let (expected, diags) = general(text);
    assert_eq!(diags, "[]", "{name}: the direct parser accepted a text the general path reports on:\n{text}");
    let Some(expected) = expected else { panic!("{name}: the direct parser accepted a text hcl-edit rejects:\n{text}") };
    if got != expected {
        let line = got.lines().zip(expected.lines()).position(|(a, b)| a != b).unwrap_or(0);
        let window = |s: &str| s.lines().skip(line.saturating_sub(12)).take(24).collect::<Vec<_>>().join("\n");
        panic!(
            "{name}: bodies differ at rendering line {line}\n--- text:\n{text}\n--- direct:\n{}\n--- general:\n{}",
            window(&got),
            window(&expected)
        );
    }
    true
}

fn tf_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for e in entries.flatten() {
        let p = e.path();
        let name = e.file_name();
        if name == "target" || name.to_string_lossy().starts_with('.') {
            continue;
        }
        if p.is_dir() {
            tf_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "tf") {
            out.push(p);
        }
    }
}

fn corpus() -> Vec<(String, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut files = Vec::new();
    tf_files(&root, &mut files);
    files.sort();
    files
        .into_iter()
        .filter_map(|f| std::fs::read_to_string(&f).ok().map(|t| (f.display().to_string(), t)))
        .collect()
}

#[test]
fn every_tf_file_of_the_repository_parses_the_same() {
    let files = corpus();
    assert!(files.len() > 200, "the corpus is where it should be ({} files)", files.len());
    let mut accepted = 0;
    let mut clean = 0;
    let mut declined = Vec::new();
    for (name, text) in &files {
        if check(name, text) {
            accepted += 1;
        }
        let (body, diags) = general(text);
        if body.is_some() && diags == "[]" {
            clean += 1;
            if direct(text).is_none() {
                declined.push(name.clone());
            }
        }
    }
    eprintln!("{accepted} of {} files took the direct path; {} of {clean} clean files declined: {declined:?}", files.len(), declined.len());
    // Not vacuous: nearly every file the general path reads cleanly takes the direct path.
    assert!(declined.len() * 50 <= clean, "{} of {clean} clean files declined: {declined:#?}", declined.len());
    assert!(accepted > files.len() / 2, "{accepted} of {} files", files.len());
}

/// Snippets the direct parser must accept, each compared with the general path.
const ACCEPTED: &[&str] = &[
    "",
    "\n\n",
    "# only a comment",
    "a = 1",
    "a = 1\n",
    "a = 1\r\nb = \"x\"\r\n",
    "resource \"a\" \"b\" {}\n",
    "resource \"a\" \"b\" { }\n",
    "resource \"a\" \"b\" { x = 1 }\n",
    "resource a b {\n}\n",
    "resource \"a\" \"b\" /* c */ {\n  x = 1 # trailing\n  y = 2 // trailing\n  /* lead */ z = 3\n}\n",
    "b {\r\n  x = [1,\r\n    2,\r\n  ]\r\n}\r\n",
    "a = \"\"\nb = \"plain\"\nc = \"esc \\n \\t \\r \\\" \\\\ \\u00e9 \\U0001F600\"\n",
    "a = \"$${not} %%{nor} $$ %% $x %x $$${y}\"\n",
    "a = \"${x}\"\nb = \"${x}${y}\"\nc = \"pre ${x} post\"\nd = \"${~ x ~}\"\n",
    "a = \" ${~ x} | ${x ~} \"\n",
    "a = \"%{ if c }yes%{ else }no%{ endif }\"\n",
    "a = \"x %{~ if c ~} yes %{~ else ~} no %{~ endif ~} y\"\n",
    "a = \"%{ for k, v in m }${k}=${v},%{ endfor }\"\n",
    "a = \"%{for v in l~} ${v} %{~endfor}\"\n",
    "a = \"%{if a}%{if b}x%{endif}%{endif}\"\n",
    "a = \"${ \"nested ${x} \" }\"\n",
    "a = <<EOF\nhello\nEOF\n",
    "a = <<EOF\r\nhello\r\n  world\r\nEOF\r\n",
    "a = <<EOT\n${x}\nEOT\n",
    "a = <<-EOT\n    indented\n      more ${x}\n    EOT\n",
    "a = <<-EOT\n\t\ttabs\n\t\t  x\n\tEOT\n",
    "a = <<-EOT\n    a\n\n    b\n  EOT\n",
    "a = <<-EOT\n    ${x} first\n    second\n    EOT\n",
    "a = <<EOF\n%{ if c ~}\n  yes\n%{~ endif }\nEOF\n",
    "a = <<EOF\n%{ for x in l ~}\n${x}\n%{ endfor ~}\nEOF\n",
    "a = <<-EOF\n  %{ for x in l ~}\n    ${x}\n  %{ endfor ~}\n  EOF\n",
    "a = <<EOF\nEOFX is not the end\n  EOF\n",
    "a = <<EOF\n$${literal} %%{literal} \\n stays\nEOF\n",
    "a = <<EOF\n\nEOF\n",
    "a = <<EOF\nx\nEOF\nb = <<EOF\ny\nEOF\n",
    "a = [for x in l : x]\nb = [for i, x in l : x if i > 0]\n",
    "a = {for k, v in m : k => v}\nb = {for k, v in m : v => k... if k != \"\"}\n",
    "a = [\n  for x in l :\n  upper(x)\n  if x != \"\"\n]\n",
    "a = { for k in [\"a\", \"b\"] : k => \"${k}-0\" }\n",
    "a = l[*].id\nb = l.*.id\nc = l[*]\nd = a.b[0][\"k\"].c\ne = x[ * ].y\n",
    "a = a.0.b\nb = a.10\nc = (x).y\nd = f(x)[0]\ne = [1, 2][0]\nf = \"s\"[0]\n",
    "a = c ? 1 : 2\nb = c ? d ? 1 : 2 : e ? 3 : 4\nc = a == b ? x : y\n",
    "a = -1\nb = - x\nc = -x.y\nd = !c\ne = 1 - -1\nf = -1.5e3\ng = !!c\nh = -(1)\n",
    "a = 1 + 2 * 3 - 4 / 5 % 6\nb = a || b && c == d != e < f <= g > h >= i\nc = (1 + 2) * 3\n",
    "a = 1 - 2 - 3\nb = 8 / 4 / 2\nc = a < b == c > d\nd = a || b || c && d\n",
    "a = 1.5\nb = 0\nc = 12345678901234567890123\nd = 1e10\ne = 1E-3\nf = 0.1\ng = 007\n",
    "a = null\nb = true\nc = false\nd = nullx\ne = true.x\n",
    "a = f()\nb = f(1)\nc = f(1, 2,)\nd = f(l...)\ne = f(\n  1,\n  2\n)\nf = provider::p::fn(1)\ng = f (1)\n",
    "a = { a = 1, b = 2 }\nb = {\n  a = 1\n  b = 2\n}\nc = { a: 1, \"b\": 2, (k) = 3, \"c\" = 4 }\nd = {}\ne = {\n}\n",
    "a = { a = 1, }\nb = {\n  a = 1 # c\n  b = 2 // c\n  c = 3,\n}\n",
    "a = { true = 1, k = 2 }\nb = { null = 1 }\nc = { 1 = 3 }\n",
    "a = { \"a\" = 1, a = 2 }\n",
    "a = [\n  # a comment\n  1, /* inline */ 2,\n  // another\n  3\n]\n",
    "a = x /* comment */ + /* more */ y\n",
    "a = [1]\nb = f(1)\n# trailing comment without newline",
    "a = [1]\n\n  + [2]\n",
    "a = f(x)\n  .y\n",
    "ünïcödé = \"ß\"\nb { ä = ö }\n",
    "a = \"é\u{301}\"\n",
    "locals {\n  a = 1\n  b = 2\n}\nlocals {\n  a = 3\n}\n",
    "a {\n  b { c = 1 }\n  d {}\n}\n",
    "a \"label\" ident \"l\\\"q\" {\n}\n",
    "terraform {\n  required_providers {\n    aws = {\n      source  = \"hashicorp/aws\"\n      version = \"~> 5.0\"\n    }\n  }\n}\n",
    "a = upper(\"x\") == \"X\" ? format(\"%s\", var.y) : join(\",\", [for s in var.l : lower(s)])\n",
    "a = x[\n  0\n]\nb = (\n  1 +\n  2\n)\n",
    "a = tomap({\n  a = 1\n})\n",
    "a = !x == y\nb = -x * y\n",
    "a = \"${a}%{if b}c%{endif}\"\n",
    "a = \"%{if a}%{endif}\"\nb = \"%{for x in y}%{endfor}\"\n",
    "a = \"${x}\" # c\nb = \"\\\\${x}\"\n",
    "a = x.y.z[0].*.w\n",
    "a = [for x in l : { n = x }]\nb = { for x in l : x.k => [x.v] }\n",
    "a = 1 # comment\n\n\n# comment\n\n",
    "resource \"a\" \"b\" {\n  count = 3\n  x = count.index\n  lifecycle {\n    ignore_changes = [tags]\n  }\n}\n",
];

#[test]
fn edge_cases_parse_the_same() {
    for (i, text) in ACCEPTED.iter().enumerate() {
        assert!(check(&format!("snippet {i}"), text), "snippet {i} was declined:\n{text}");
    }
}

/// Text hcl-edit reads but where the direct parser declines (rare forms it does not mirror);
/// whatever each path does, they must not disagree.
const DECLINED_OR_SAME: &[&str] = &[
    "a = 1.x\n",
    "a = 1.5.0\n",
    "a = - 1\n",
    "a = [,]\n",
    "a = <<EOF\nEOF\n",
    "a = \"%{if a}\\n%{endif}\"\n",
    "a = \"%{if a}\"%{endif}\"\n",
    "a = x.01\n",
    "a = [for x in y: x ifx]\n",
    "a = { (x) = 1, (y) = 2 }\n",
    "a = { \"k\" = 1, \"k\" = 2 }\n",
    "a = \"line\nbreak\"\n",
    "a = 1\rb = 2\n",
    "a = 1e400\n",
];

#[test]
fn unusual_forms_decline_or_parse_the_same() {
    for (i, text) in DECLINED_OR_SAME.iter().enumerate() {
        let accepted = check(&format!("unusual {i}"), text);
        eprintln!("unusual {i}: {}", if accepted { "parsed the same" } else { "declined" });
    }
}

/// Malformed text: the direct parser declines, the general path reports.
const MALFORMED: &[&str] = &[
    "a = \n",
    "a = 1 +\n",
    "a = 1\na = 2\n",
    "b {\n  a = 1\n  a = 2\n}\n",
    "a = { k = 1, k = 2 }\n",
    "resource \"a\" \"b\" {\n",
    "resource \"a\" \"b\" }\n",
    "}\n",
    "a = \"unterminated\n",
    "a = \"\\q\"\n",
    "a = \"\\u12\"\n",
    "a = <<EOF\nnever ends\n",
    "a = [1, 2\n",
    "a = f(1,,2)\n",
    "a = f(,)\n",
    "a = x.\n",
    "a = x[\n",
    "a = (1\n",
    "a = c ? 1\n",
    "a = \"${x\"\n",
    "a = \"%{if x}y\"\n",
    "a = \"%{ bogus }\"\n",
    "a = \"%{endif}\"\n",
    "a = [for x in y]\n",
    "a = {for k, v in m : k}\n",
    "a = 1 b = 2\n",
    "a { b = 1 c = 2 }\n",
    "a { b {} }\n",
    "a { b { c { d = 1 } } }\n",
    "/* unterminated\na = 1\n",
    "a = 1 /* unterminated\n",
    "resource \"a${x}\" \"b\" {}\n",
    "a = 1e\n",
    "a = x ! y\n",
    "a = {\n  k\n  = 1\n}\n",
    "a = [for x in y\n + z : x]\n",
    "\u{feff}a = 1\n",
    "a = 1\n}\n",
    "a = @\n",
];

#[test]
fn malformed_text_declines_and_the_general_path_reports() {
    for (i, text) in MALFORMED.iter().enumerate() {
        assert!(direct(text).is_none(), "malformed {i} was accepted:\n{text}");
        let (body, diags) = general(text);
        assert!(body.is_none() || diags != "[]", "malformed {i}: the general path reports nothing either:\n{text}");
    }
}

#[test]
fn repeated_object_keys_decline_in_small_and_big_objects() {
    for n in [3, 16, 17, 40] {
        let keys: Vec<String> = (0..n).map(|i| format!("k{i} = {i}")).collect();
        let distinct = format!("a = {{ {} }}\n", keys.join(", "));
        assert!(check(&format!("{n} keys"), &distinct), "{n} distinct keys declined");
        let quoted: Vec<String> = (0..n).map(|i| format!("\"k{i}\" = {i}")).collect();
        assert!(check(&format!("{n} quoted keys"), &format!("a = {{ {} }}\n", quoted.join(", "))));
        for repeated in [format!("a = {{ {}, k1 = 0 }}\n", keys.join(", ")), format!("a = {{ {}, \"k1\" = 0 }}\n", quoted.join(", "))] {
            assert!(direct(&repeated).is_none(), "a repeated key among {n} was accepted");
            let (body, diags) = general(&repeated);
            assert!(body.is_none() || diags != "[]");
        }
    }
}

#[test]
fn deep_nesting_declines_without_overflowing() {
    for depth in [10, 39, 40, 41, 63, 64, 65, 200, 5000] {
        let arrays = format!("a = {}1{}\n", "[".repeat(depth), "]".repeat(depth));
        let parens = format!("a = {}1{}\n", "(".repeat(depth), ")".repeat(depth));
        let unary = format!("a = {}x\n", "!".repeat(depth));
        let blocks = format!("{}{}\n", "b {\n".repeat(depth), "}\n".repeat(depth));
        let templates = format!("a = {}x{}\n", "\"${".repeat(depth), "}\"".repeat(depth));
        for text in [arrays, parens, unary, blocks, templates] {
            let accepted = check(&format!("depth {depth}"), &text);
            if depth >= 64 {
                assert!(!accepted, "nesting {depth} deep was accepted:\n{text}");
            }
        }
        // hcl-edit allows at most 128 chained binary operators.
        let operators = format!("a = {}\n", vec!["1"; depth + 1].join(" + "));
        let accepted = check(&format!("{depth} operators"), &operators);
        if depth > 128 {
            assert!(!accepted, "{depth} operators were accepted");
        }
    }
}

/// A generated configuration with a little of everything.
fn generated(blocks: usize) -> String {
    let mut s = String::from("# generated\n/* block\n   comment */\n\n");
    for i in 0..blocks {
        s.push_str(&match i % 5 {
            0 => format!(
                "resource \"terraform_data\" \"w{i}\" {{\n  input = {{\n    name   = format(\"res-%05d\", {i})\n    upper  = upper(\"name-{i}\")\n    subnet = cidrsubnet(\"10.0.0.0/8\", 16, {i})\n    tags   = {{ for k in [\"a\", \"b\", \"c\"] : k => \"${{k}}-{i}\" }}\n  }}\n}}\n\n"
            ),
            1 => format!(
                "resource \"terraform_data\" \"c{i}\" {{\n  count = var.n > 2 ? 2 : var.n\n  input = terraform_data.w{}[count.index].output\n  triggers_replace = [self.id, -1, 2.5]\n}}\n\n",
                i - 1
            ),
            2 => format!("locals {{\n  l{i} = <<-EOT\n    line ${{var.x}}\n      %{{ if true ~}}yes%{{ endif }}\n    EOT\n  m{i} = {{ a = 1, b = [for x in local.y : x * 2 if x > 0] }}\n}}\n"),
            3 => format!("output \"o{i}\" {{ value = \"${{local.l{}}} $${{x}} \\\"q\\\"\" }}\n\r\n", i - 1),
            _ => format!("data \"d\" \"x{i}\" {{\n  a = data.d.x{}.*.id\n  b = [\n    1, // one\n    2, # two\n  ]\n}}\n", i - 1),
        });
    }
    s
}

#[test]
fn generated_files_parse_the_same() {
    for n in [1, 7, 120, 1500] {
        let text = generated(n);
        assert!(check(&format!("generated {n}"), &text), "generated {n} was declined");
    }
}

#[test]
fn the_public_entry_point_agrees_with_the_whole_file_parse() {
    for text in [generated(2000), generated(30)] {
        let sources = SourceMap::new();
        let id = sources.add("main.tf", &text);
        let mut diags = Vec::new();
        let body = parse_native(id, "main.tf", &text, &sources, &mut diags);
        assert_eq!((body.map(|b| format!("{b:#?}")), format!("{diags:#?}")), general(&text));
    }
}

#[test]
fn the_chunked_direct_parse_is_the_whole_file_parse() {
    let chunked = |text: &str, pieces: usize| {
        let sources = SourceMap::new();
        let id = sources.add("main.tf", text);
        chunked::parse_fast_chunked(id, text, pieces).map(|b| format!("{b:#?}"))
    };
    let text = generated(1500);
    for pieces in [2, 3, 8] {
        let got = chunked(&text, pieces);
        assert!(got.is_some(), "{pieces} chunks declined");
        assert_eq!(got, general(&text).0, "{pieces} chunks");
    }
    // Top-level attributes (a variable definitions file) merge across chunks...
    let vars: String = (0..3000).map(|i| format!("v{i} = \"{i}\"\n")).collect();
    let got = chunked(&vars, 4);
    assert!(got.is_some());
    assert_eq!(got, general(&vars).0);
    // ...and one set twice, in different chunks, is left to the general path.
    let twice = format!("{vars}v0 = 1\n");
    assert_eq!(chunked(&twice, 4), None);
    assert_eq!(direct(&twice), None);
    assert!(general(&twice).1.contains("redefined"));
}

/// A small deterministic generator (xorshift64*).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
}

/// Tokens worth inserting: the characters that change how HCL text is read.
const SPLICES: &[&str] = &[
    "\"", "{", "}", "[", "]", "(", ")", "${", "%{", "~", "\n", "\r\n", "#", "//", "/*", "*/", "<<EOF\n", "EOF", "-", ".", ",",
    ":", "=", "==", "?", "...", "\\", "$$", "%%", " ", "\t", "0", "1.5", "x", "for ", "if ", "in ", "endif", "else", "é",
];

/// Mutates `text` once: deletes, duplicates or moves a byte range, or splices in a token.
fn mutate(rng: &mut Rng, text: &str) -> Option<String> {
    let b = text.as_bytes();
    let len = b.len();
    let at = rng.below(len + 1);
    let max = if rng.below(4) == 0 { 64 } else { 4 };
    let span = 1 + rng.below(max);
    let end = (at + span).min(len);
    let mut out: Vec<u8> = Vec::with_capacity(len + 16);
    match rng.below(4) {
        0 => {
            out.extend_from_slice(&b[..at]);
            out.extend_from_slice(&b[end..]);
        }
        1 => {
            out.extend_from_slice(&b[..end]);
            out.extend_from_slice(&b[at..]);
        }
        2 => {
            let to = rng.below(len + 1);
            let piece = &b[at..end];
            let rest: Vec<u8> = [&b[..at], &b[end..]].concat();
            let to = to.min(rest.len());
            out.extend_from_slice(&rest[..to]);
            out.extend_from_slice(piece);
            out.extend_from_slice(&rest[to..]);
        }
        _ => {
            let token = SPLICES[rng.below(SPLICES.len())];
            out.extend_from_slice(&b[..at]);
            out.extend_from_slice(token.as_bytes());
            out.extend_from_slice(&b[at..]);
        }
    }
    String::from_utf8(out).ok()
}

#[test]
fn mutated_corpus_files_never_disagree() {
    let mut sources: Vec<String> = corpus().into_iter().map(|(_, t)| t).filter(|t| t.len() < 20_000).collect();
    sources.extend(ACCEPTED.iter().map(|s| s.to_string()));
    sources.push(generated(10));
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut accepted = 0;
    let mut cases = 0;
    while cases < 6000 {
        let base = &sources[rng.below(sources.len())];
        let Some(mut text) = mutate(&mut rng, base) else { continue };
        if rng.below(3) == 0 {
            if let Some(t) = mutate(&mut rng, &text) {
                text = t;
            }
        }
        cases += 1;
        let got = catch_unwind(AssertUnwindSafe(|| direct(&text)));
        let Ok(got) = got else { panic!("the direct parser panicked on:\n{text:?}") };
        if got.is_none() {
            continue;
        }
        // hcl-edit itself may panic on some malformed input; the direct parser accepted this
        // text, so hcl-edit must read it.
        let expected = catch_unwind(AssertUnwindSafe(|| general(&text)));
        let Ok(_) = expected else { panic!("the general path panicked on a text the direct parser accepted:\n{text:?}") };
        assert!(check("mutation", &text));
        accepted += 1;
    }
    eprintln!("{accepted} of {cases} mutations took the direct path");
    // Not vacuous: a good share of the mutations are still valid and take the direct path.
    assert!(accepted > cases / 10, "only {accepted} of {cases} mutations were accepted");
}
