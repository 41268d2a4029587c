//! Diagnostics as Terraform prints them (`internal/command/format/diagnostic.go`): with colour,
//! inside a box drawn with `╷ │ ╵` and the subject underlined; without colour, the plain form
//! (`\nError: summary\n\n  on main.tf line 3, in resource "x" "y":\n   3:   count = -1\n\n…`)
//! that Terraform prints with `-no-color`. Errors go to stderr and warnings to stdout; that
//! choice is the caller's.

use infra_engine::config::parse::parse_native;
use infra_engine::source::{SourceFile, SourceMap};
use infra_value::{Diagnostic, Severity, SourceRange};

use super::text::{colorize, wrap_string, DEFAULT_COLUMNS};

/// Renders one diagnostic. `sources` supplies the configuration text for the snippet; when the
/// file is not there the snippet says "(source code not available)" as Terraform's does.
pub fn render_diagnostic(d: &Diagnostic, sources: &SourceMap, color: bool) -> String {
    render_diagnostic_width(d, sources, color, DEFAULT_COLUMNS)
}

/// As [`render_diagnostic`] for a terminal `width` columns wide.
pub fn render_diagnostic_width(d: &Diagnostic, sources: &SourceMap, color: bool, width: usize) -> String {
    let mut buf = String::new();
    if color {
        match d.severity {
            Severity::Error => buf.push_str(&colorize("[bold][red]Error: [reset]", true)),
            Severity::Warning => buf.push_str(&colorize("[bold][yellow]Warning: [reset]", true)),
        }
        // colorstring appends its reset after the whole format string, newlines included.
        buf.push_str(&format!("\x1b[1m{}\x1b[0m\n\n\x1b[0m", d.summary));
    } else {
        buf.push_str(match d.severity {
            Severity::Error => "\nError: ",
            Severity::Warning => "\nWarning: ",
        });
        buf.push_str(&d.summary);
        buf.push_str("\n\n");
    }
    append_snippet(&mut buf, d, sources, color);

    // The box's left rule takes two columns in colour mode.
    let para_width = if color { width.saturating_sub(3) } else { width.saturating_sub(1) };
    if !d.detail.is_empty() {
        for line in d.detail.split('\n') {
            if para_width > 0 && !line.starts_with(' ') {
                buf.push_str(&wrap_string(line, para_width));
            } else {
                buf.push_str(line);
            }
            buf.push('\n');
        }
    }
    if !color {
        return buf;
    }

    let code = match d.severity {
        Severity::Error => "red",
        Severity::Warning => "yellow",
    };
    let rule_line = colorize(&format!("[{code}]│[reset] "), true);
    let mut out = colorize(&format!("[{code}]╷[reset]"), true);
    out.push('\n');
    for line in buf.lines() {
        if line.is_empty() {
            out.push_str(rule_line.trim_end_matches(' '));
        } else {
            out.push_str(&rule_line);
        }
        out.push_str(line);
        out.push('\n');
    }
    out.push_str(&colorize(&format!("[{code}]╵[reset]"), true));
    out.push('\n');
    out
}

fn append_snippet(buf: &mut String, d: &Diagnostic, sources: &SourceMap, color: bool) {
    if let Some(addr) = &d.address {
        buf.push_str(&format!("  with {addr},\n"));
    }
    let Some(subject) = &d.subject else { return };
    let Some(file) = sources.find_by_name(&subject.filename) else {
        buf.push_str(&format!("  on {} line {}:\n  (source code not available)\n\n", subject.filename, subject.start.line));
        return;
    };
    // The highlighted range; an empty range highlights one character, as HCL does.
    let hl_start = subject.start.byte;
    let hl_end = if subject.end.byte <= hl_start { hl_start + 1 } else { subject.end.byte };
    // The snippet covers the context range, widened to include the subject.
    let (mut sn_start, mut sn_end) = (hl_start, hl_end);
    if let Some(ctx) = d.context.as_ref().filter(|c| c.filename == subject.filename) {
        sn_start = sn_start.min(ctx.start.byte);
        sn_end = sn_end.max(ctx.end.byte);
    }
    let first_line = file.pos(sn_start).line;
    let last_line = file.pos(sn_end.saturating_sub(1).max(sn_start)).line.max(first_line);

    match context_string(&file, subject) {
        Some(ctx) => buf.push_str(&format!("  on {} line {}, in {ctx}:\n", subject.filename, subject.start.line)),
        None => buf.push_str(&format!("  on {} line {}:\n", subject.filename, subject.start.line)),
    }

    let text: &str = &file.text;
    let code_start = line_start_byte(text, sn_start.min(text.len()));
    let code = (first_line..=last_line).map(|l| file.line_text(l)).collect::<Vec<_>>().join("\n");
    let code = if color {
        let floor = |mut i: usize| {
            i = i.min(code.len());
            while !code.is_char_boundary(i) {
                i -= 1;
            }
            i
        };
        let start = floor(hl_start.saturating_sub(code_start));
        let end = floor(start + (hl_end - hl_start)).max(start);
        format!("{}\x1b[4m{}\x1b[0m{}\x1b[0m", &code[..start], &code[start..end], &code[end..])
    } else {
        code
    };
    for (i, line) in code.split('\n').enumerate() {
        buf.push_str(&format!("{:>4}: {line}\n", first_line as usize + i));
    }
    buf.push('\n');
}

/// Terraform's JSON diagnostic `snippet` (`views/json.DiagnosticSnippet`): the enclosing block
/// header as `context`, the source lines of the subject (widened to the diagnostic's context
/// range) as `code`, and the subject's byte offsets inside `code`. Expression values are not
/// tracked, so `values` is empty.
pub fn snippet_json(d: &Diagnostic, sources: &SourceMap) -> Option<serde_json::Value> {
    let subject = d.subject.as_ref()?;
    let file = sources.find_by_name(&subject.filename)?;
    let hl_start = subject.start.byte;
    let hl_end = subject.end.byte.max(hl_start);
    let (mut sn_start, mut sn_end) = (hl_start, hl_end.max(hl_start + 1));
    if let Some(ctx) = d.context.as_ref().filter(|c| c.filename == subject.filename) {
        sn_start = sn_start.min(ctx.start.byte);
        sn_end = sn_end.max(ctx.end.byte);
    }
    let text: &str = &file.text;
    let first_line = file.pos(sn_start.min(text.len())).line;
    let last_line = file.pos(sn_end.saturating_sub(1).max(sn_start).min(text.len())).line.max(first_line);
    let code_start = line_start_byte(text, sn_start.min(text.len()));
    let code = (first_line..=last_line).map(|l| file.line_text(l)).collect::<Vec<_>>().join("\n");
    Some(serde_json::json!({
        "context": context_string(&file, subject),
        "code": code,
        "start_line": first_line,
        "highlight_start_offset": hl_start.saturating_sub(code_start),
        "highlight_end_offset": hl_end.saturating_sub(code_start),
        "values": [],
    }))
}

fn line_start_byte(text: &str, byte: usize) -> usize {
    text.get(..byte).and_then(|t| t.rfind('\n')).map_or(0, |i| i + 1)
}

/// hcled's `ContextString`: the header of the top-level block containing the byte just before
/// the subject (`resource "aws_instance" "web"`, `locals`), for native-syntax files.
fn context_string(file: &SourceFile, subject: &SourceRange) -> Option<String> {
    if file.name.ends_with(".json") {
        return None;
    }
    let offset = subject.start.byte.checked_sub(1)?;
    with_block_headers(file, |headers| {
        let (_, _, header) = headers?.iter().find(|(start, end, _)| *start <= offset && offset < *end)?;
        Some(header.clone())
    })
}

/// The top-level blocks of a file as (start byte, end byte, header), `None` when it does not
/// parse.
type BlockHeaders = Option<Vec<(usize, usize, String)>>;

thread_local! {
    /// The block headers of the file last asked about, keyed by its text (the `Arc` itself: a
    /// source map never changes a file's text). Diagnostics come in runs about one file, and
    /// without this a plan with a warning per resource re-parsed the whole file per warning.
    static LAST_FILE_HEADERS: std::cell::RefCell<Option<(std::sync::Arc<str>, std::rc::Rc<BlockHeaders>)>> =
        const { std::cell::RefCell::new(None) };
}

fn with_block_headers<R>(file: &SourceFile, f: impl FnOnce(Option<&[(usize, usize, String)]>) -> R) -> R {
    let cached = LAST_FILE_HEADERS.with(|c| {
        c.borrow().as_ref().filter(|(text, _)| std::sync::Arc::ptr_eq(text, &file.text)).map(|(_, h)| h.clone())
    });
    let headers = match cached {
        Some(h) => h,
        None => {
            let h = std::rc::Rc::new(block_headers(file));
            LAST_FILE_HEADERS.with(|c| *c.borrow_mut() = Some((file.text.clone(), h.clone())));
            h
        }
    };
    f(headers.as_deref())
}

fn block_headers(file: &SourceFile) -> BlockHeaders {
    let scratch = SourceMap::new();
    let id = scratch.add(&file.name, &file.text);
    let mut diags = Vec::new();
    let body = parse_native(id, &file.name, &file.text, &scratch, &mut diags)?;
    Some(
        body.blocks
            .iter()
            .map(|block| {
                let mut s = block.ty.clone();
                for l in &block.labels {
                    s.push(' ');
                    s.push_str(&super::diff::go_quote(l));
                }
                (block.span.start as usize, block.span.end as usize, s)
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use infra_value::SourcePos;
    use std::sync::Arc;

    fn range(sources: &SourceMap, name: &str, start: usize, end: usize) -> SourceRange {
        let f = sources.find_by_name(name).expect("file added by the test");
        SourceRange { filename: Arc::from(name), start: f.pos(start), end: f.pos(end) }
    }

    const COUNT_NEGATIVE: &str = "resource \"terraform_data\" \"node\" {\n  count = -1\n  input = \"node\"\n}\n";

    #[test]
    fn plain_error_with_snippet_and_context() {
        let sources = SourceMap::new();
        sources.add("main.tf", COUNT_NEGATIVE);
        let start = COUNT_NEGATIVE.find("-1").unwrap_or(0);
        let d = Diagnostic::error(
            "Invalid count argument",
            "The given \"count\" argument value is unsuitable: must be greater than or equal to zero.",
        )
        .with_subject(range(&sources, "main.tf", start, start + 2));
        assert_eq!(
            render_diagnostic(&d, &sources, false),
            "\nError: Invalid count argument\n\n  on main.tf line 2, in resource \"terraform_data\" \"node\":\n   2:   count = -1\n\nThe given \"count\" argument value is unsuitable: must be greater than or equal\nto zero.\n"
        );
    }

    #[test]
    fn coloured_error_in_a_box() {
        let sources = SourceMap::new();
        sources.add("main.tf", COUNT_NEGATIVE);
        let start = COUNT_NEGATIVE.find("-1").unwrap_or(0);
        let d = Diagnostic::error(
            "Invalid count argument",
            "The given \"count\" argument value is unsuitable: must be greater than or equal to zero.",
        )
        .with_subject(range(&sources, "main.tf", start, start + 2));
        let out = render_diagnostic(&d, &sources, true);
        // Recorded from `terraform validate` (1.11.4) on this configuration.
        let expected = "\x1b[31m╷\x1b[0m\x1b[0m\n\x1b[31m│\x1b[0m \x1b[0m\x1b[1m\x1b[31mError: \x1b[0m\x1b[0m\x1b[1mInvalid count argument\x1b[0m\n\x1b[31m│\x1b[0m \x1b[0m\n\x1b[31m│\x1b[0m \x1b[0m\x1b[0m  on main.tf line 2, in resource \"terraform_data\" \"node\":\n\x1b[31m│\x1b[0m \x1b[0m   2:   count = \x1b[4m-1\x1b[0m\x1b[0m\n\x1b[31m│\x1b[0m \x1b[0m\n\x1b[31m│\x1b[0m \x1b[0mThe given \"count\" argument value is unsuitable: must be greater than or\n\x1b[31m│\x1b[0m \x1b[0mequal to zero.\n\x1b[31m╵\x1b[0m\x1b[0m\n";
        assert_eq!(out, expected);
        assert_eq!(colorize_strip(&out), colorize_strip(expected));
    }

    fn colorize_strip(s: &str) -> String {
        let mut out = String::new();
        let mut it = s.chars().peekable();
        while let Some(c) = it.next() {
            if c == '\x1b' {
                for d in it.by_ref() {
                    if d == 'm' {
                        break;
                    }
                }
            } else {
                out.push(c);
            }
        }
        out
    }

    #[test]
    fn warning_without_source_and_with_address() {
        let sources = SourceMap::new();
        let d = Diagnostic::warning("Resource targeting is in effect", "You are creating a plan with the -target option.")
            .with_address("terraform_data.x");
        assert_eq!(
            render_diagnostic(&d, &sources, false),
            "\nWarning: Resource targeting is in effect\n\n  with terraform_data.x,\nYou are creating a plan with the -target option.\n"
        );
        let d = Diagnostic::error("Oops", "").with_subject(SourceRange {
            filename: Arc::from("gone.tf"),
            start: SourcePos { line: 4, column: 1, byte: 30 },
            end: SourcePos { line: 4, column: 2, byte: 31 },
        });
        assert_eq!(render_diagnostic(&d, &sources, false), "\nError: Oops\n\n  on gone.tf line 4:\n  (source code not available)\n\n");
    }

    #[test]
    fn indented_detail_lines_are_not_wrapped() {
        let sources = SourceMap::new();
        let long = format!("  {}", "x ".repeat(60));
        let d = Diagnostic::error("S", format!("intro\n{long}"));
        let out = render_diagnostic(&d, &sources, false);
        assert!(out.contains(&long));
    }
}
