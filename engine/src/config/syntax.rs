//! Terraform's syntax-error diagnostics for files `hcl-edit` rejected.
//!
//! `hcl-edit` tells us *that* a file is malformed, with one message in its own words. Terraform
//! users expect HCL's diagnostics: its summaries and details, at its ranges, and all of them at
//! once (HCL recovers after an error and keeps going). This module reproduces them by re-reading
//! the text the way HCL does:
//!
//! - [`diagnose`] (native syntax): a scanner giving HCL's tokens (`scan`), HCL's lexical checks
//!   (`check_invalid_tokens`), a port of HCL's recursive-descent parser with its recovery rules
//!   (`native`), then the checks Terraform makes while decoding the partial result (`decode`),
//!   because Terraform decodes what HCL could parse even when parsing failed.
//! - [`diagnose_json`] (`.tf.json`): HCL's JSON scanner and parser (`json`), and the block
//!   unpacking Terraform's top-level schema drives.
//!
//! Both are meant for text the main parser rejected; on valid text they return no errors (or
//! the few decoding errors a valid file can have, which the main decoder reports anyway).

mod decode;
mod json;
mod native;
mod scan;

use std::sync::Arc;

use infra_value::{Diagnostic, SourceRange};

use scan::{Rng, Tk, Token};

/// A diagnostic before the filename is attached.
pub(crate) struct Diag {
    pub summary: String,
    pub detail: String,
    pub subject: Rng,
    pub context: Option<Rng>,
}

/// The diagnostics HCL (and Terraform's decoding of HCL's partial result) reports for a
/// native-syntax file, in HCL's order: lexical errors, then parse errors, then decoding errors.
/// `file_name` is the name shown to the user (it appears in ranges and in messages that cite
/// other ranges).
pub fn diagnose(file_name: &str, text: &str) -> Vec<Diagnostic> {
    let (tokens, bom) = scan::scan(text);
    let body_text = text.get(bom..).unwrap_or("");
    let mut diags = check_invalid_tokens(body_text, &tokens);
    let mut parser = native::Parser::new(body_text, file_name, &tokens);
    let (body, parse_diags) = parser.parse_body(Tk::Eof);
    diags.extend(parse_diags);
    let is_override = is_override_file(file_name);
    diags.extend(decode::config_file(file_name, &body, is_override));
    finish(file_name, diags)
}

/// The diagnostics HCL's JSON parser (and Terraform's decoding of its partial result) reports
/// for a `.tf.json` file.
pub fn diagnose_json(file_name: &str, text: &str) -> Vec<Diagnostic> {
    finish(file_name, json::diagnose(text))
}

fn is_override_file(file_name: &str) -> bool {
    let base = file_name.rsplit(['/', '\\']).next().unwrap_or(file_name);
    let stem = base.strip_suffix(".tf.json").or_else(|| base.strip_suffix(".tf")).unwrap_or(base);
    stem == "override" || stem.ends_with("_override")
}

fn finish(file_name: &str, diags: Vec<Diag>) -> Vec<Diagnostic> {
    let filename: Arc<str> = Arc::from(file_name);
    let range = |r: Rng| SourceRange { filename: filename.clone(), start: r.start, end: r.end };
    diags
        .into_iter()
        .map(|d| {
            let mut out = Diagnostic::error(d.summary, d.detail).with_subject(range(d.subject));
            if let Some(c) = d.context {
                out = out.with_context(range(c));
            }
            out
        })
        .collect()
}

/// HCL's `Range.String()`, used where a message cites another place in the file.
pub(crate) fn range_string(filename: &str, r: Rng) -> String {
    if r.start.line == r.end.line {
        format!("{}:{},{}-{}", filename, r.start.line, r.start.column, r.end.column)
    } else {
        format!("{}:{},{}-{},{}", filename, r.start.line, r.start.column, r.end.line, r.end.column)
    }
}

/// Go's `%q` for a string: double-quoted with Go escapes.
pub(crate) fn go_quote(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\u{b}' => out.push_str("\\v"),
            c if (c as u32) < 0x20 || c as u32 == 0x7f => out.push_str(&format!("\\x{:02x}", c as u32)),
            c if c.is_control() => {
                if (c as u32) < 0x10000 {
                    out.push_str(&format!("\\u{:04x}", c as u32))
                } else {
                    out.push_str(&format!("\\U{:08x}", c as u32))
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// HCL's `nameSuggestion`: the first candidate within Levenshtein distance 2.
pub(crate) fn name_suggestion<'s>(given: &str, candidates: &[&'s str]) -> Option<&'s str> {
    candidates.iter().copied().find(|c| levenshtein(given, c) < 3)
}

fn levenshtein(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.iter().enumerate() {
        cur[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

/// HCL's `checkInvalidTokens`: errors for characters and operators the language does not use,
/// each kind reported a limited number of times as HCL does.
fn check_invalid_tokens(text: &str, tokens: &[Token]) -> Vec<Diag> {
    let mut diags = Vec::new();
    let mut told_bitwise = 0;
    let mut told_backtick = 0;
    let mut told_apostrophe = 0;
    let mut told_semicolon = 0;
    let d = |summary: &str, detail: String, subject: Rng| Diag { summary: summary.to_owned(), detail, subject, context: None };
    for tok in tokens {
        match tok.kind {
            Tk::BitwiseAnd | Tk::BitwiseOr | Tk::BitwiseXor | Tk::BitwiseNot => {
                if told_bitwise < 4 {
                    let suggestion = match tok.kind {
                        Tk::BitwiseAnd => " Did you mean boolean AND (\"&&\")?",
                        Tk::BitwiseOr => " Did you mean boolean OR (\"||\")?",
                        Tk::BitwiseNot => " Did you mean boolean NOT (\"!\")?",
                        _ => "",
                    };
                    diags.push(d("Unsupported operator", format!("Bitwise operators are not supported.{suggestion}"), tok.range));
                    told_bitwise += 1;
                }
            }
            Tk::Backtick => {
                if told_backtick % 2 == 0 {
                    diags.push(d(
                        "Invalid character",
                        "The \"`\" character is not valid. To create a multi-line string, use the \"heredoc\" syntax, like \"<<EOT\".".to_owned(),
                        tok.range,
                    ));
                }
                if told_backtick <= 2 {
                    told_backtick += 1;
                }
            }
            Tk::Apostrophe => {
                if told_apostrophe % 2 == 0 {
                    diags.push(d(
                        "Invalid character",
                        "Single quotes are not valid. Use double quotes (\") to enclose strings.".to_owned(),
                        tok.range,
                    ));
                }
                if told_apostrophe <= 2 {
                    told_apostrophe += 1;
                }
            }
            Tk::Semicolon => {
                if told_semicolon < 1 {
                    diags.push(d(
                        "Invalid character",
                        "The \";\" character is not valid. Use newlines to separate arguments and blocks, and commas to separate items in collection values.".to_owned(),
                        tok.range,
                    ));
                    told_semicolon += 1;
                }
            }
            Tk::QuotedNewline => diags.push(d(
                "Invalid multi-line string",
                "Quoted strings may not be split over multiple lines. To produce a multi-line string, either use the \\n escape to represent a newline character or use the \"heredoc\" multi-line template syntax.".to_owned(),
                tok.range,
            )),
            Tk::Invalid => {
                let chars = text.get(tok.start..tok.end).unwrap_or("");
                let detail = if chars == "\u{201c}" || chars == "\u{201d}" {
                    "\"Curly quotes\" are not valid here. These can sometimes be inadvertently introduced when sharing code via documents or discussion forums. It might help to replace the character with a \"straight quote\"."
                } else {
                    "This character is not used within the language."
                };
                diags.push(d("Invalid character", detail.to_owned(), tok.range));
            }
            _ => {}
        }
    }
    diags
}


#[cfg(test)]
mod tests {
    use super::*;

    fn summaries(text: &str) -> Vec<(String, u32, u32)> {
        diagnose("main.tf", text)
            .into_iter()
            .map(|d| {
                let s = d.subject.map(|r| (r.start.line, r.start.column)).unwrap_or((0, 0));
                (d.summary, s.0, s.1)
            })
            .collect()
    }

    #[test]
    fn valid_text_has_no_diagnostics() {
        assert!(summaries("locals {\n  a = 1\n  b = \"x${a}\"\n}\nresource \"x\" \"y\" {\n  v = [for i in a : i]\n}\n").is_empty());
    }

    #[test]
    fn levenshtein_distances() {
        assert_eq!(levenshtein("defualt", "default"), 2);
        assert_eq!(levenshtein("", "abc"), 3);
        assert_eq!(name_suggestion("fo", &["if", "for"]), Some("if"));
    }

    #[test]
    fn go_quote_escapes() {
        assert_eq!(go_quote("a\"b\\"), r#""a\"b\\""#);
        assert_eq!(go_quote("q"), "\"q\"");
    }

    #[test]
    fn override_files() {
        assert!(is_override_file("override.tf"));
        assert!(is_override_file("mod/x_override.tf.json"));
        assert!(!is_override_file("main.tf"));
    }
}
