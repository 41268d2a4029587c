//! `infra-fmt`: canonical formatting of Terraform-language files, byte for byte what
//! `terraform fmt` (1.11) writes.
//!
//! What it is: a pure function from source text to formatted text ([`format_source`]), plus
//! [`is_formatted`] for `fmt -check`. What it is not: it does not read or write files, walk
//! directories, print diffs or evaluate anything; the CLI does those.
//!
//! How it works, in the order a file goes through it (start reading at [`format_source`]):
//!
//! 1. **Validate.** The file must parse (with `hcl-edit`); a syntax error is returned as a
//!    [`FormatError`] with its line and column, and nothing is formatted, because formatting
//!    broken input can make changes that are hard to undo (Terraform refuses for the same reason).
//! 2. **Scan** (`lexer`) into the same tokens as HCL's native scanner. The layout rules are
//!    written in terms of those tokens, so matching them is what makes the output match.
//! 3. **Rewrite** (`rewrite`) what Terraform changes beyond whitespace: `"${x}"` to `x`,
//!    legacy variable types, and block labels to quoted strings.
//! 4. **Lay out** (`layout`) with HCL's whitespace pass: indentation, spacing between tokens,
//!    and alignment of `=` and trailing comments across consecutive lines.
//!
//! Facts about `terraform fmt` this reproduces, some of them surprising:
//! line endings are kept as they are (CRLF stays CRLF); blank lines are kept, never collapsed;
//! heredoc bodies and multi-line comments are untouched; a missing final newline is not added
//! (only Terraform's *stdout* adds one, see [`format_source_for_stdout`]); a byte-order mark is
//! dropped; spaces or tabs after the last newline are kept (as that many spaces).
//!
//! **Architecture invariant:** formatting changes only whitespace between tokens, except for the
//! three rewrites in step 3; token text is never edited.

mod layout;
mod lexer;
mod rewrite;
mod token;

use token::TokenKind;

/// A syntax error that stops a file from being formatted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{line}:{column}: {message}")]
pub struct FormatError {
    /// One-based line of the problem.
    pub line: usize,
    /// One-based column (in characters) of the problem.
    pub column: usize,
    /// What is wrong, in a sentence.
    pub message: String,
}

impl FormatError {
    fn at_offset(src: &str, offset: usize, message: String) -> FormatError {
        let before = src.get(..offset).unwrap_or(src);
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map(|i| i + 1).unwrap_or(0);
        let column = before
            .get(line_start..)
            .map(|s| s.chars().count())
            .unwrap_or(0)
            + 1;
        FormatError {
            line,
            column,
            message,
        }
    }
}

const BYTE_ORDER_MARK: char = '\u{feff}';

/// Formats a Terraform-language file (`.tf`, `.tfvars`, `.tftest.hcl`) exactly as
/// `terraform fmt` would rewrite it on disk.
///
/// Returns a [`FormatError`] if the file has a syntax error; the input is then left alone.
pub fn format_source(src: &str) -> Result<String, FormatError> {
    let (body, bom_len) = match src.strip_prefix(BYTE_ORDER_MARK) {
        Some(rest) => (rest, BYTE_ORDER_MARK.len_utf8()),
        None => (src, 0),
    };

    if let Err(err) = hcl_edit::parser::parse_body(body) {
        let location = err.location();
        return Err(FormatError {
            line: location.line(),
            column: location.column(),
            message: err.message().to_owned(),
        });
    }

    let tokens = lexer::lex(body, bom_len)
        .map_err(|err| FormatError::at_offset(body, err.offset, err.message))?;
    if let Some(bad) = tokens
        .iter()
        .find(|t| matches!(t.kind, TokenKind::Invalid | TokenKind::QuotedNewline))
    {
        let message = match bad.kind {
            TokenKind::QuotedNewline => {
                "Invalid multi-line string: quoted strings may not be split over multiple lines."
                    .to_owned()
            }
            _ => format!("Invalid character {:?}.", bad.text),
        };
        return Err(FormatError::at_offset(body, bad.offset, message));
    }

    let mut tokens = rewrite::apply(tokens)
        .map_err(|err| FormatError::at_offset(body, err.offset, err.message))?;
    layout::apply(&mut tokens);
    Ok(layout::render(&tokens))
}

/// Whether `src` is already canonical, i.e. `terraform fmt -check` would accept it.
pub fn is_formatted(src: &str) -> Result<bool, FormatError> {
    Ok(format_source(src)? == src)
}

/// What `terraform fmt -` prints for `src`: the formatted text, always ending in a newline
/// (Terraform's output writer adds one when the file lacks it).
pub fn format_source_for_stdout(src: &str) -> Result<String, FormatError> {
    let mut formatted = format_source(src)?;
    if !formatted.ends_with('\n') {
        formatted.push('\n');
    }
    Ok(formatted)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn syntax_error_has_a_location() {
        let err = format_source("a = 1\nb = = 2\n").err();
        assert!(matches!(err, Some(FormatError { line: 2, .. })), "{err:?}");
    }

    #[test]
    fn missing_final_newline_is_kept_except_on_stdout() {
        assert_eq!(format_source("a=1").as_deref(), Ok("a = 1"));
        assert_eq!(format_source_for_stdout("a=1").as_deref(), Ok("a = 1\n"));
    }

    #[test]
    fn byte_order_mark_is_dropped() {
        assert_eq!(format_source("\u{feff}a=1\n").as_deref(), Ok("a = 1\n"));
    }

    #[test]
    fn is_formatted_reports_both_ways() {
        assert_eq!(is_formatted("a = 1\n"), Ok(true));
        assert_eq!(is_formatted("a=1\n"), Ok(false));
    }
}
