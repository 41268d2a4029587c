//! Parallel parsing of big native-syntax files.
//!
//! hcl-edit's parser keeps every byte of formatting and is the largest part of loading a big
//! configuration. A configuration file's top level is a sequence of blocks, each of which
//! parses the same on its own as inside the file, so a big file is cut at top-level line starts
//! into a few chunks, every chunk is parsed and lowered on its own thread, and the chunks'
//! blocks are concatenated in source order.
//!
//! **Invariant: the result is exactly the sequential whole-file parse, or nothing.** Spans are
//! file byte offsets (every chunk is lowered with its start as the span offset, against the
//! whole file's text), and diagnostics are merged in the order the sequential lowering emits
//! them. Whenever the cut could make a difference — the scanner is unsure where the top level
//! is, any chunk has a syntax error, or the top level has an attribute (whose duplicate checks
//! span the whole body) — [`parse_chunked`] returns `None` and the caller parses the whole file
//! as before, so every syntax diagnostic stays what it was. `tests/parse_chunked.rs` compares
//! both paths on every `.tf` file of the repository's corpus and on generated files.
//!
//! The direct parser ([`super::fast`]) is chunked the same way ([`parse_fast_chunked`]): it is
//! tried first, and the hcl-edit chunks only parse what it declines.

use infra_value::Diagnostic;

use super::body::Body;
use super::parse::lower_body;
use crate::lang::lower::Lowerer;
use crate::source::{SourceMap, Span};

/// Files smaller than this are parsed whole: below it, starting threads costs more than it saves.
pub const PARALLEL_MIN_BYTES: usize = 64 * 1024;

/// How many chunks to cut a file of `len` bytes into: one for files under
/// [`PARALLEL_MIN_BYTES`], otherwise a few per available core, so that a core slowed by other
/// work does not hold the others up (threads take the next chunk as they finish one).
pub fn chunk_count(len: usize) -> usize {
    if len < PARALLEL_MIN_BYTES {
        return 1;
    }
    let cores = worker_threads(usize::MAX);
    if cores < 2 {
        return 1;
    }
    cores * 4
}

/// Threads worth starting for `jobs` jobs: the available cores (at most 8), no more than jobs.
pub(crate) fn worker_threads(jobs: usize) -> usize {
    crate::par::cores().min(8).min(jobs)
}

/// `items.iter().map(f)` on up to [`worker_threads`] scoped threads (this one included), each
/// taking the next item as it finishes one; the results are in the items' order. A panic in
/// `f` is resumed on this thread, as it would have surfaced without threads. Unlike
/// [`crate::par::map`]'s fixed split, threads pull work: chunks and files differ in cost, and a
/// core shared with another process should not hold the others up.
pub(crate) fn parallel_map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let threads = worker_threads(items.len());
    if threads < 2 {
        return items.iter().map(f).collect();
    }
    let next = std::sync::atomic::AtomicUsize::new(0);
    let mut indexed: Vec<(usize, R)> = std::thread::scope(|scope| {
        let worker = || {
            let mut out = Vec::new();
            loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let Some(item) = items.get(i) else { break };
                out.push((i, f(item)));
            }
            out
        };
        let handles: Vec<_> = (1..threads)
            .map(|_| {
                scope.spawn(move || {
                    crate::par::thread_started();
                    worker()
                })
            }).collect();
        let mut all = worker();
        for h in handles {
            match h.join() {
                Ok(part) => all.extend(part),
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }
        all
    });
    indexed.sort_by_key(|(i, _)| *i);
    indexed.into_iter().map(|(_, r)| r).collect()
}

/// Drops `value` on a short-lived thread of its own. hcl-edit's syntax tree of a big file is
/// hundreds of thousands of small allocations, and freeing them took a fifth of parsing it;
/// nothing waits for that. Dropped here when no thread can be started.
pub(crate) fn drop_in_background<T: Send + 'static>(value: T) {
    let _ = std::thread::Builder::new().name("drop-syntax-tree".into()).spawn(move || drop(value));
}

/// The byte offsets at which `text` may be cut: every line start at the top level (not inside
/// brackets, a quoted string, a heredoc, a template interpolation or a comment). `None` when the
/// text does not look like a well-formed configuration to this scanner (an unclosed bracket,
/// string, heredoc or comment, a newline inside a quoted string, a stray closing bracket, a
/// non-ASCII heredoc marker): the whole-file parser then reports whatever is wrong.
///
/// The scanner follows hcl-edit's lexical rules: `\` escapes in quoted strings only, `$${` and
/// `%%{` are literal, `${`/`%{` open an interpolation or directive that ends at its unmatched
/// `}`, and a heredoc ends at a line holding optional spaces and its marker not followed by an
/// identifier character.
pub fn split_points(text: &str) -> Option<Vec<usize>> {
    let b = text.as_bytes();
    let mut points = Vec::new();
    // The innermost context last. The root is always a `Code` frame.
    let mut stack: Vec<Frame<'_>> = vec![Frame::Code { depth: 0 }];
    let mut i = 0;
    while i < b.len() {
        let Some(frame) = stack.last_mut() else { return None };
        match frame {
            Frame::Code { depth } => match b[i] {
                c if !CODE_SPECIAL[c as usize] => i = skip_plain(b, i + 1, &CODE_SPECIAL),
                b'#' => i = line_end(b, i),
                b'/' if b.get(i + 1) == Some(&b'/') => i = line_end(b, i),
                b'/' if b.get(i + 1) == Some(&b'*') => {
                    let close = find(b, i + 2, b"*/")?;
                    i = close + 2;
                }
                b'"' => {
                    stack.push(Frame::Quoted);
                    i += 1;
                }
                b'<' if b.get(i + 1) == Some(&b'<') => match heredoc_start(b, i)? {
                    Some((marker, body_start)) => {
                        stack.push(Frame::Heredoc { marker });
                        i = body_start;
                        // The body starts at a line start: check for an immediate end marker.
                        if let Some(after) = heredoc_end(b, i, marker)? {
                            stack.pop();
                            i = after;
                        }
                    }
                    None => i += 2,
                },
                b'{' | b'[' | b'(' => {
                    *depth += 1;
                    i += 1;
                }
                c @ (b'}' | b']' | b')') => {
                    if *depth == 0 {
                        // Only an interpolation's own `}` may close at depth zero.
                        if c != b'}' || stack.len() == 1 {
                            return None;
                        }
                        stack.pop();
                    } else {
                        *depth -= 1;
                    }
                    i += 1;
                }
                b'\n' => {
                    i += 1;
                    if stack.len() == 1 && matches!(stack[0], Frame::Code { depth: 0 }) && i < b.len() {
                        points.push(i);
                    }
                }
                _ => i += 1,
            },
            Frame::Quoted => match b[i] {
                c if !QUOTED_SPECIAL[c as usize] => i = skip_plain(b, i + 1, &QUOTED_SPECIAL),
                b'\\' => i += 2,
                b'"' => {
                    stack.pop();
                    i += 1;
                }
                b'\n' => return None,
                b'$' | b'%' => i = template_marker(b, i, &mut stack),
                _ => i += 1,
            },
            Frame::Heredoc { marker } => {
                let marker = *marker;
                match b[i] {
                    b'\n' => {
                        i += 1;
                        if let Some(after) = heredoc_end(b, i, marker)? {
                            stack.pop();
                            i = after;
                        }
                    }
                    b'$' | b'%' => i = template_marker(b, i, &mut stack),
                    _ => i += 1,
                }
            }
        }
    }
    if stack.len() != 1 || !matches!(stack[0], Frame::Code { depth: 0 }) {
        return None;
    }
    Some(points)
}

/// The bytes [`split_points`] acts on in code: comments, strings, heredocs, brackets, newlines.
/// Runs of other bytes (most of a file) are skipped by [`skip_plain`] without looking at the
/// context for each byte.
static CODE_SPECIAL: [bool; 256] = special(b"#/\"<{[(}])\n");
/// The bytes [`split_points`] acts on inside a quoted string: escapes, its end, template
/// markers and a (forbidden) newline.
static QUOTED_SPECIAL: [bool; 256] = special(b"\\\"$%\n");

const fn special(bytes: &[u8]) -> [bool; 256] {
    let mut table = [false; 256];
    let mut k = 0;
    while k < bytes.len() {
        table[bytes[k] as usize] = true;
        k += 1;
    }
    table
}

/// The index of the first byte at or after `i` that `special` marks (or the end of the text).
fn skip_plain(b: &[u8], mut i: usize, special: &[bool; 256]) -> usize {
    while let Some(&c) = b.get(i) {
        if special[c as usize] {
            break;
        }
        i += 1;
    }
    i
}

/// A lexical context of [`split_points`].
enum Frame<'a> {
    /// Expressions: brackets nest; in an interpolation an unmatched `}` closes it.
    Code { depth: u32 },
    /// Inside `"…"`.
    Quoted,
    /// Inside a heredoc's body, with its marker.
    Heredoc { marker: &'a [u8] },
}

/// At a `$` or `%` in a template: `$${`/`%%{` are literal, `${`/`%{` open a code frame.
fn template_marker<'a>(b: &[u8], i: usize, stack: &mut Vec<Frame<'a>>) -> usize {
    let c = b[i];
    if b.get(i + 1) == Some(&c) && b.get(i + 2) == Some(&b'{') {
        return i + 3;
    }
    if b.get(i + 1) == Some(&b'{') {
        stack.push(Frame::Code { depth: 0 });
        return i + 2;
    }
    i + 1
}

/// The index of the `\n` ending the line at `i` (or the end of the text).
fn line_end(b: &[u8], i: usize) -> usize {
    b[i..].iter().position(|&c| c == b'\n').map_or(b.len(), |p| i + p)
}

fn find(b: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    b.get(from..)?.windows(needle.len()).position(|w| w == needle).map(|p| from + p)
}

fn is_ident_continue(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_' || c == b'-'
}

/// At `<<`: a heredoc introducer `<<MARKER` or `<<-MARKER` followed by a line ending gives
/// `Some(Some((marker, body start)))`; anything else is not a heredoc (`Some(None)`, the
/// parser's to report). `None` (unsure) for a marker with non-ASCII characters, whose
/// identifier rules this scanner does not repeat.
#[allow(clippy::type_complexity)]
fn heredoc_start(b: &[u8], i: usize) -> Option<Option<(&[u8], usize)>> {
    let mut j = i + 2;
    if b.get(j) == Some(&b'-') {
        j += 1;
    }
    let start = j;
    match b.get(j) {
        Some(c) if c.is_ascii_alphabetic() || *c == b'_' => {}
        Some(c) if !c.is_ascii() => return None,
        _ => return Some(None),
    }
    while b.get(j).is_some_and(|c| is_ident_continue(*c)) {
        j += 1;
    }
    let marker = &b[start..j];
    match (b.get(j), b.get(j + 1)) {
        (Some(b'\n'), _) => Some(Some((marker, j + 1))),
        (Some(b'\r'), Some(b'\n')) => Some(Some((marker, j + 2))),
        (Some(c), _) if !c.is_ascii() => None,
        _ => Some(None),
    }
}

/// At the start of a heredoc body line: `Some(Some(end))` when the line closes the heredoc
/// (spaces, the marker, no identifier character after it), `Some(None)` when it does not, and
/// `None` (unsure) when a non-ASCII character follows the marker.
fn heredoc_end(b: &[u8], i: usize, marker: &[u8]) -> Option<Option<usize>> {
    let mut j = i;
    while matches!(b.get(j), Some(b' ' | b'\t')) {
        j += 1;
    }
    if !b.get(j..).is_some_and(|rest| rest.starts_with(marker)) {
        return Some(None);
    }
    let after = j + marker.len();
    match b.get(after) {
        Some(c) if is_ident_continue(*c) => Some(None),
        Some(c) if !c.is_ascii() => None,
        _ => Some(Some(after)),
    }
}

/// A chunked parse's result: the file's body and the diagnostics of lowering it, in the order
/// the whole-file path emits them.
#[derive(Debug)]
pub struct ChunkedParse {
    pub body: Body,
    pub diagnostics: Vec<Diagnostic>,
}

/// Parses `text` (file `file_id`, already in `sources`) in up to `pieces` chunks, on as many
/// threads as there are cores. `None` when the file must be parsed whole (see the module
/// documentation): the cut points are unclear, a chunk has a syntax error, or the top level
/// has an attribute.
pub fn parse_chunked(file_id: u32, text: &str, sources: &SourceMap, pieces: usize) -> Option<ChunkedParse> {
    let points = split_points(text)?;
    let ranges = cut(text.len(), &points, pieces);
    if ranges.len() < 2 {
        return None;
    }
    let results = parallel_map(&ranges, |r| parse_one(file_id, text, r.clone(), sources));
    let mut body = Body { span: Span { file: file_id, start: 0, end: text.len() as u32 }, ..Default::default() };
    let mut structure_diags = Vec::new();
    let mut expr_diags = Vec::new();
    let mut trees = Vec::with_capacity(results.len());
    for r in results {
        let r = r?;
        body.blocks.extend(r.blocks);
        structure_diags.extend(r.structure_diags);
        expr_diags.extend(r.expr_diags);
        trees.push(r.tree);
    }
    drop_in_background(trees);
    // The whole-file path emits the body's structural diagnostics as it walks, then the
    // expression lowerer's.
    structure_diags.extend(expr_diags);
    Some(ChunkedParse { body, diagnostics: structure_diags })
}

/// [`parse_chunked`] with the direct parser ([`super::fast`]): the chunks' blocks in source
/// order and their attributes, or `None` when the cut points are unclear, a chunk declines,
/// or two chunks set the same attribute (the whole-file parse declines that too).
pub fn parse_fast_chunked(file_id: u32, text: &str, pieces: usize) -> Option<Body> {
    let points = split_points(text)?;
    let ranges = cut(text.len(), &points, pieces);
    if ranges.len() < 2 {
        return None;
    }
    let results = parallel_map(&ranges, |r| super::fast::parse_range(file_id, text, r.clone()));
    let mut body = Body { span: Span { file: file_id, start: 0, end: text.len() as u32 }, ..Default::default() };
    for r in results {
        let r = r?;
        for (name, attr) in r.attrs {
            if body.attrs.insert(name, attr).is_some() {
                return None;
            }
        }
        body.blocks.extend(r.blocks);
    }
    Some(body)
}

/// Groups the cut points into at most `pieces` ranges of similar size covering `0..len`.
fn cut(len: usize, points: &[usize], pieces: usize) -> Vec<std::ops::Range<usize>> {
    let mut ranges = Vec::new();
    let mut start = 0;
    for k in 1..pieces {
        let target = len * k / pieces;
        // The first cut point at or after the target.
        let at = points.partition_point(|&p| p < target);
        let Some(&p) = points.get(at) else { break };
        if p > start {
            ranges.push(start..p);
            start = p;
        }
    }
    ranges.push(start..len);
    ranges
}

struct ChunkOut {
    /// hcl-edit's tree of the chunk, to be dropped off the critical path.
    tree: hcl_edit::structure::Body,
    blocks: Vec<super::body::NestedBlock>,
    structure_diags: Vec<Diagnostic>,
    expr_diags: Vec<Diagnostic>,
}

fn parse_one(file_id: u32, text: &str, range: std::ops::Range<usize>, sources: &SourceMap) -> Option<ChunkOut> {
    let chunk = text.get(range.clone())?;
    let parsed = hcl_edit::parser::parse_body(chunk).ok()?;
    if parsed.iter().any(|s| s.is_attribute()) {
        return None;
    }
    let mut lowerer = Lowerer::with_offset(file_id, text, sources, range.start);
    let mut structure_diags = Vec::new();
    let span = Span { file: file_id, start: range.start as u32, end: range.end as u32 };
    let body = lower_body(&mut lowerer, &parsed, span, &mut structure_diags);
    let expr_diags = lowerer.diagnostics;
    Some(ChunkOut { tree: parsed, blocks: body.blocks, structure_diags, expr_diags })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cuts_only_at_top_level_line_starts() {
        let text = "a {\n  b = \"}\\\"\n\"\n}\n# {\nc \"x\" {\n  d = <<EOF\n}\n  EOF\n}\n";
        // The quoted string has a newline: hcl-edit accepts it, HCL does not; not cut.
        assert_eq!(split_points(text), None);
        let text = "a {\n  b = \"}\\\"${ {x=\"}\"}.x }\"\n}\n# {\nc \"x\" {\n  d = <<EOF\n}\n  EOF\n}\n/* } */\ne {}\n";
        let points = split_points(text).expect("well-formed");
        let starts: Vec<&str> = points.iter().map(|&p| text[p..].lines().next().unwrap_or("")).collect();
        assert_eq!(starts, vec!["# {", "c \"x\" {", "/* } */", "e {}"]);
    }

    #[test]
    fn unsure_on_unbalanced_text() {
        assert_eq!(split_points("a {\n"), None);
        assert_eq!(split_points("}\n"), None);
        assert_eq!(split_points("a = \"x\n"), None);
        assert_eq!(split_points("a = <<EOF\nx\n"), None);
        assert_eq!(split_points("/* x\n"), None);
    }

    #[test]
    fn template_escapes_do_not_open_interpolations() {
        let text = "a {\n  b = \"$${x\"\n  c = \"%%{y\"\n  d = \"$$${z}\"\n}\nb {}\n";
        assert_eq!(split_points(text).map(|p| p.len()), Some(1));
    }

    #[test]
    fn heredoc_marker_needs_a_line_of_its_own() {
        // `EOFX` does not end the heredoc; a `}` inside it is text.
        let text = "a {\n  b = <<-EOF\n  }\n  EOFX }\n    EOF\n}\nc {}\n";
        assert_eq!(split_points(text).map(|p| p.len()), Some(1));
    }

    #[test]
    fn cut_groups_points_evenly() {
        assert_eq!(cut(100, &[10, 20, 45, 60, 90], 2), vec![0..60, 60..100]);
        assert_eq!(cut(100, &[10, 20, 45, 60, 90], 4), vec![0..45, 45..60, 60..90, 90..100]);
        assert_eq!(cut(100, &[], 4), vec![0..100]);
    }
}
