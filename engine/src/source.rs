//! Source files and byte spans. Every expression and block keeps a [`Span`]; line and column are
//! computed only when a diagnostic is rendered.

use std::sync::{Arc, OnceLock, RwLock};

use infra_value::{SourcePos, SourceRange};

/// A byte range in one source file.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Default)]
pub struct Span {
    pub file: u32,
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub fn new(file: u32, range: std::ops::Range<usize>) -> Span {
        Span { file, start: range.start as u32, end: range.end as u32 }
    }
    /// The smallest span covering both (same file assumed).
    pub fn to(self, other: Span) -> Span {
        Span { file: self.file, start: self.start.min(other.start), end: self.end.max(other.end) }
    }
}

pub struct SourceFile {
    /// Path as shown to users (relative to the working directory when possible).
    pub name: Arc<str>,
    pub text: Arc<str>,
    /// The byte offset of every line's start, computed the first time a position is asked
    /// for: a run without diagnostics never needs it.
    line_starts: OnceLock<Vec<usize>>,
}

impl SourceFile {
    fn new(name: &str, text: &str) -> SourceFile {
        SourceFile { name: Arc::from(name), text: Arc::from(text), line_starts: OnceLock::new() }
    }

    fn line_starts(&self) -> &[usize] {
        self.line_starts.get_or_init(|| {
            let mut starts = vec![0];
            starts.extend(self.text.bytes().enumerate().filter(|&(_, b)| b == b'\n').map(|(i, _)| i + 1));
            starts
        })
    }

    pub fn pos(&self, byte: usize) -> SourcePos {
        let byte = byte.min(self.text.len());
        let line_starts = self.line_starts();
        let line = match line_starts.binary_search(&byte) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        };
        let start = line_starts.get(line).copied().unwrap_or(0);
        let column = self.text.get(start..byte).map(|s| s.chars().count()).unwrap_or(byte - start) + 1;
        SourcePos { line: line as u32 + 1, column: column as u32, byte }
    }

    /// The text of 1-based line `line`, without its newline.
    pub fn line_text(&self, line: u32) -> &str {
        let i = (line as usize).saturating_sub(1);
        let line_starts = self.line_starts();
        let Some(&start) = line_starts.get(i) else { return "" };
        let end = line_starts.get(i + 1).copied().unwrap_or(self.text.len());
        self.text.get(start..end).unwrap_or("").trim_end_matches(['\n', '\r'])
    }
}

/// All source files of a run, shared by the parser (which adds) and diagnostics rendering
/// (which reads). Cheap to clone.
#[derive(Clone, Default)]
pub struct SourceMap {
    files: Arc<RwLock<Vec<Arc<SourceFile>>>>,
}

impl SourceMap {
    pub fn new() -> SourceMap {
        SourceMap::default()
    }

    pub fn add(&self, name: &str, text: &str) -> u32 {
        let mut files = self.files.write().unwrap_or_else(|e| e.into_inner());
        files.push(Arc::new(SourceFile::new(name, text)));
        (files.len() - 1) as u32
    }

    pub fn get(&self, file: u32) -> Option<Arc<SourceFile>> {
        self.files.read().unwrap_or_else(|e| e.into_inner()).get(file as usize).cloned()
    }

    pub fn find_by_name(&self, name: &str) -> Option<Arc<SourceFile>> {
        self.files.read().unwrap_or_else(|e| e.into_inner()).iter().find(|f| &*f.name == name).cloned()
    }

    pub fn range(&self, span: Span) -> Option<SourceRange> {
        let f = self.get(span.file)?;
        Some(SourceRange { filename: f.name.clone(), start: f.pos(span.start as usize), end: f.pos(span.end as usize) })
    }

    /// The span of the first `ch` at or after the end of `span` (e.g. a block's `{`).
    pub fn find_after(&self, span: Span, ch: char) -> Option<Span> {
        let f = self.get(span.file)?;
        let rest = f.text.get(span.end as usize..)?;
        let off = rest.find(ch)?;
        let start = span.end + off as u32;
        Some(Span { file: span.file, start, end: start + ch.len_utf8() as u32 })
    }

    /// The source text of a span.
    pub fn snippet(&self, span: Span) -> String {
        self.get(span.file)
            .and_then(|f| f.text.get(span.start as usize..span.end as usize).map(str::to_string))
            .unwrap_or_default()
    }
}
