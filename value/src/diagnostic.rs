//! The diagnostic model every layer reports user errors with. Rendering (source line, caret,
//! colours) happens only in the CLI.

use std::fmt;
use std::sync::Arc;

use crate::path::AttrPath;

#[derive(Clone, Copy, PartialEq, Eq, Debug, PartialOrd, Ord, Hash)]
pub enum Severity {
    Error,
    Warning,
}

/// A position in a source file. Lines and columns are 1-based; columns count characters (as
/// HCL does), `byte` is the 0-based byte offset.
#[derive(Clone, Copy, PartialEq, Eq, Debug, PartialOrd, Ord, Hash, Default)]
pub struct SourcePos {
    pub line: u32,
    pub column: u32,
    pub byte: usize,
}

/// A range in a source file, as HCL's `hcl.Range`.
#[derive(Clone, PartialEq, Eq, Debug, PartialOrd, Ord, Hash)]
pub struct SourceRange {
    /// Path of the file as the user would name it (relative to the working directory when
    /// possible), e.g. `main.tf` or `modules/net/main.tf`.
    pub filename: Arc<str>,
    pub start: SourcePos,
    pub end: SourcePos,
}

impl fmt::Display for SourceRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.filename, self.start.line, self.start.column)
    }
}

/// One problem found in the user's input or reported by a provider.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Diagnostic {
    pub severity: Severity,
    /// One line, no trailing period needed (Terraform style: "Unsupported argument").
    pub summary: String,
    /// A paragraph explaining the problem and, where possible, how to fix it.
    pub detail: String,
    /// The tight range of the offending construct.
    pub subject: Option<SourceRange>,
    /// A wider range giving context (e.g. the whole block), when useful.
    pub context: Option<SourceRange>,
    /// For provider diagnostics: the attribute inside the resource the problem is about.
    pub attr_path: Option<AttrPath>,
    /// The address of the object the problem concerns, e.g. `aws_instance.web[0]`, when known.
    pub address: Option<String>,
}

impl Diagnostic {
    pub fn error(summary: impl Into<String>, detail: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Error,
            summary: summary.into(),
            detail: detail.into(),
            subject: None,
            context: None,
            attr_path: None,
            address: None,
        }
    }
    pub fn warning(summary: impl Into<String>, detail: impl Into<String>) -> Diagnostic {
        Diagnostic { severity: Severity::Warning, ..Diagnostic::error(summary, detail) }
    }
    pub fn with_subject(mut self, subject: SourceRange) -> Diagnostic {
        self.subject = Some(subject);
        self
    }
    pub fn with_subject_opt(mut self, subject: Option<SourceRange>) -> Diagnostic {
        if subject.is_some() {
            self.subject = subject;
        }
        self
    }
    pub fn with_context(mut self, context: SourceRange) -> Diagnostic {
        self.context = Some(context);
        self
    }
    pub fn with_attr_path(mut self, path: AttrPath) -> Diagnostic {
        self.attr_path = Some(path);
        self
    }
    pub fn with_address(mut self, address: impl Into<String>) -> Diagnostic {
        self.address = Some(address.into());
        self
    }
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// An ordered collection of diagnostics. Functions return their result *and* diagnostics, so a
/// user sees every problem of a run at once.
#[derive(Clone, Default, Debug, PartialEq, Eq)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    pub fn new() -> Diagnostics {
        Diagnostics(Vec::new())
    }
    pub fn push(&mut self, d: Diagnostic) {
        self.0.push(d)
    }
    pub fn extend(&mut self, other: Diagnostics) {
        self.0.extend(other.0)
    }
    pub fn has_errors(&self) -> bool {
        self.0.iter().any(Diagnostic::is_error)
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.0.iter()
    }
}

impl From<Diagnostic> for Diagnostics {
    fn from(d: Diagnostic) -> Diagnostics {
        Diagnostics(vec![d])
    }
}

impl IntoIterator for Diagnostics {
    type Item = Diagnostic;
    type IntoIter = std::vec::IntoIter<Diagnostic>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}
