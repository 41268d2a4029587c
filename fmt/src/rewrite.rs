//! The rewrites `terraform fmt` makes beyond whitespace (Terraform's `internal/command/fmt.go`):
//!
//! - every attribute value that is a single interpolation, `"${var.x}"`, becomes the bare
//!   expression `var.x` (wrapped in parentheses if it spans lines);
//! - in a top-level `variable` block, the legacy type constraints `"string"`, `"list"`, `"map"`
//!   become `string`, `list(string)`, `map(string)`, and a bare `list`, `map` or `set` becomes
//!   `list(any)`, `map(any)`, `set(any)`;
//! - every block label is rewritten as a quoted string (`resource aws_instance web` becomes
//!   `resource "aws_instance" "web"`), which also drops any comments between the block type
//!   and its labels.
//!
//! The rewrites work on the token stream: a small walker finds the bodies, attributes and blocks
//! (the structure HCL's writer recovers from its parser) and splices replacement tokens in. The
//! input has already been checked for syntax errors, so the walker only reports, never guesses,
//! when it meets something it does not expect.

use unicode_normalization::UnicodeNormalization;

use crate::token::{Token, TokenKind};

/// Where the walker stopped understanding the input: a byte offset and a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct StructureError {
    pub offset: usize,
    pub message: String,
}

/// Applies Terraform's rewrites to `tokens`, returning the new token sequence.
pub(crate) fn apply(tokens: Vec<Token>) -> Result<Vec<Token>, StructureError> {
    let mut walker = Walker {
        tokens: &tokens,
        splices: Vec::new(),
        blocks: Vec::new(),
    };
    let end = walker.body(0, false)?;
    if tokens.get(end).map(|t| t.kind) != Some(TokenKind::Eof) {
        return Err(walker.unexpected(end));
    }
    let splices = std::mem::take(&mut walker.splices);

    let mut out = Vec::with_capacity(tokens.len());
    let mut source = tokens.into_iter().enumerate().peekable();
    for splice in splices {
        while let Some((_, token)) = source.next_if(|(i, _)| *i < splice.start) {
            out.push(token);
        }
        while source.next_if(|(i, _)| *i < splice.end).is_some() {}
        out.extend(splice.replacement);
    }
    out.extend(source.map(|(_, token)| token));
    Ok(out)
}

/// Replace `tokens[start..end]` with `replacement`.
struct Splice {
    start: usize,
    end: usize,
    replacement: Vec<Token>,
}

struct Walker<'t> {
    tokens: &'t [Token],
    /// In source order and never overlapping: each is recorded as the walk passes it.
    splices: Vec<Splice>,
    /// Types of the blocks enclosing the current body, outermost first.
    blocks: Vec<String>,
}

impl Walker<'_> {
    fn kind(&self, i: usize) -> TokenKind {
        self.tokens.get(i).map(|t| t.kind).unwrap_or(TokenKind::Eof)
    }

    fn unexpected(&self, i: usize) -> StructureError {
        let (offset, text) = match self.tokens.get(i) {
            Some(token) => (token.offset, token.text.as_str()),
            None => (self.tokens.last().map(|t| t.offset).unwrap_or(0), ""),
        };
        StructureError {
            offset,
            message: format!("Unexpected {text:?} where an argument or block was expected."),
        }
    }

    /// The next index at or after `i` that is not an inline (`/* */`) comment. A single-line
    /// comment counts as the newline it ends with, as in HCL's parser.
    fn skip_inline_comments(&self, mut i: usize) -> usize {
        while let Some(token) = self.tokens.get(i) {
            if token.kind == TokenKind::Comment && !token.is_newline() {
                i += 1;
            } else {
                break;
            }
        }
        i
    }

    /// Walks the items of a body starting at `i`; returns the index of the `}` that closes a
    /// nested body, or of the end-of-file token at the top level.
    fn body(&mut self, mut i: usize, nested: bool) -> Result<usize, StructureError> {
        loop {
            while matches!(self.kind(i), TokenKind::Newline | TokenKind::Comment) {
                i += 1;
            }
            match self.kind(i) {
                TokenKind::Eof if !nested => return Ok(i),
                TokenKind::CBrace if nested => return Ok(i),
                TokenKind::Ident => {}
                _ => return Err(self.unexpected(i)),
            }
            let name = i;
            let after_name = self.skip_inline_comments(name + 1);
            i = if self.kind(after_name) == TokenKind::Equal {
                self.attribute(name, after_name + 1)?
            } else {
                self.block(name, after_name)?
            };
        }
    }

    /// An attribute whose value starts after the `=` at `value_start`; returns where its line
    /// ends (the newline, or the `}` closing a single-line block).
    fn attribute(&mut self, name: usize, value_start: usize) -> Result<usize, StructureError> {
        let mut depth = 0i32;
        let mut first = None;
        let mut last = None;
        let mut i = value_start;
        while let Some(token) = self.tokens.get(i) {
            if depth == 0 && (token.is_newline() || token.kind == TokenKind::Eof) {
                break;
            }
            let change = token.bracket_change();
            if depth == 0 && change < 0 {
                // The `}` of a single-line block such as `tags { a = 1 }`.
                break;
            }
            depth += change;
            if token.kind != TokenKind::Comment {
                first.get_or_insert(i);
                last = Some(i);
            }
            i += 1;
        }
        let (Some(first), Some(last)) = (first, last) else {
            return Err(StructureError {
                offset: self.tokens.get(i).map(|t| t.offset).unwrap_or(0),
                message: "Missing expression after \"=\".".to_owned(),
            });
        };

        let value = &self.tokens[first..=last];
        let in_variable = self.blocks.len() == 1 && self.blocks[0] == "variable";
        let replacement = if in_variable && self.tokens[name].text == "type" {
            legacy_type(value)
        } else {
            unwrap_interpolation(value)
        };
        if let Some(replacement) = replacement {
            self.splices.push(Splice {
                start: first,
                end: last + 1,
                replacement,
            });
        }
        Ok(i)
    }

    /// A block whose type name is at `name` and whose labels (if any) start at `i`; returns the
    /// index just after its closing brace.
    fn block(&mut self, name: usize, mut i: usize) -> Result<usize, StructureError> {
        let mut labels: Vec<Option<String>> = Vec::new();
        let mut labels_end = None;
        loop {
            match self.kind(i) {
                TokenKind::Ident => {
                    labels.push(Some(self.tokens[i].text.clone()));
                    labels_end = Some(i + 1);
                    i = self.skip_inline_comments(i + 1);
                }
                TokenKind::OQuote => {
                    let close = (i + 1..self.tokens.len())
                        .find(|&j| {
                            matches!(
                                self.kind(j),
                                TokenKind::CQuote | TokenKind::Newline | TokenKind::Eof
                            )
                        })
                        .filter(|&j| self.kind(j) == TokenKind::CQuote)
                        .ok_or_else(|| self.unexpected(i))?;
                    labels.push(quoted_label(&self.tokens[i + 1..close]));
                    labels_end = Some(close + 1);
                    i = self.skip_inline_comments(close + 1);
                }
                TokenKind::OBrace => break,
                _ => return Err(self.unexpected(i)),
            }
        }
        if let Some(end) = labels_end {
            let offset = self.tokens[name].offset;
            let replacement = labels
                .into_iter()
                .flatten()
                .flat_map(|label| label_tokens(&label, offset))
                .collect();
            self.splices.push(Splice {
                start: name + 1,
                end,
                replacement,
            });
        }

        self.blocks.push(self.tokens[name].text.clone());
        let close = self.body(i + 1, true)?;
        self.blocks.pop();
        Ok(close + 1)
    }
}

/// The value of a quoted label from the tokens between its quotes, as HCL's writer reads it:
/// `None` (and the label is then dropped, as Terraform does) unless it is a single literal.
fn quoted_label(inner: &[Token]) -> Option<String> {
    match inner {
        [] => Some(String::new()),
        [lit] if lit.kind == TokenKind::QuotedLit => decode_quoted(&lit.text),
        _ => None,
    }
}

/// Resolves the escapes of a quoted-string literal (`\n`, `\"`, `\u00e9`, `$${`, ...).
fn decode_quoted(text: &str) -> Option<String> {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next()? {
                'n' => out.push('\n'),
                'r' => out.push('\r'),
                't' => out.push('\t'),
                '"' => out.push('"'),
                '\\' => out.push('\\'),
                selector @ ('u' | 'U') => {
                    let digits = if selector == 'u' { 4 } else { 8 };
                    let hex: String = (0..digits).filter_map(|_| chars.next()).collect();
                    if hex.len() != digits {
                        return None;
                    }
                    let code = u32::from_str_radix(&hex, 16).ok()?;
                    out.push(char::from_u32(code)?);
                }
                _ => return None,
            },
            '$' | '%' if chars.peek() == Some(&c) => {
                // `$${` and `%%{` stand for a literal `${` and `%{`.
                let mut ahead = chars.clone();
                ahead.next();
                if ahead.peek() == Some(&'{') {
                    chars.next();
                }
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    Some(out)
}

/// Tokens of a label written the canonical way: a quoted string, escaped as HCL's writer escapes
/// string values (after Unicode normalisation, which every string value gets).
fn label_tokens(label: &str, offset: usize) -> Vec<Token> {
    let normalized: String = label.nfc().collect();
    let mut escaped = String::with_capacity(normalized.len());
    let mut chars = normalized.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\n' => escaped.push_str("\\n"),
            '\r' => escaped.push_str("\\r"),
            '\t' => escaped.push_str("\\t"),
            '"' => escaped.push_str("\\\""),
            '\\' => escaped.push_str("\\\\"),
            '$' | '%' => {
                escaped.push(c);
                if chars.peek() == Some(&'{') {
                    escaped.push(c);
                }
            }
            c if !is_printable(c) => {
                let code = u32::from(c);
                if code < 0x10000 {
                    escaped.push_str(&format!("\\u{code:04x}"));
                } else {
                    escaped.push_str(&format!("\\U{code:08x}"));
                }
            }
            c => escaped.push(c),
        }
    }
    let mut tokens = vec![Token::synthetic(TokenKind::OQuote, "\"", offset)];
    if !escaped.is_empty() {
        tokens.push(Token::synthetic(TokenKind::QuotedLit, &escaped, offset));
    }
    tokens.push(Token::synthetic(TokenKind::CQuote, "\"", offset));
    tokens
}

/// An approximation of Go's `unicode.IsPrint`: controls, format characters and every space
/// other than U+0020 are not printable.
fn is_printable(c: char) -> bool {
    if c == ' ' {
        return true;
    }
    if c.is_control() || c.is_whitespace() {
        return false;
    }
    !matches!(
        c,
        '\u{ad}'
            | '\u{600}'..='\u{605}'
            | '\u{61c}'
            | '\u{6dd}'
            | '\u{70f}'
            | '\u{180e}'
            | '\u{200b}'..='\u{200f}'
            | '\u{202a}'..='\u{202e}'
            | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{206f}'
            | '\u{feff}'
            | '\u{fff9}'..='\u{fffb}'
            | '\u{e000}'..='\u{f8ff}'
            | '\u{f0000}'..
    )
}

/// `"${expr}"` becomes `expr` when the string is exactly one interpolation: no literal text and
/// no second sequence at its own level (sequences inside nested strings are fine).
fn unwrap_interpolation(value: &[Token]) -> Option<Vec<Token>> {
    use TokenKind as K;
    if value.len() < 5 {
        return None;
    }
    let n = value.len();
    if value[0].kind != K::OQuote
        || value[1].kind != K::TemplateInterp
        || value[n - 2].kind != K::TemplateSeqEnd
        || value[n - 1].kind != K::CQuote
    {
        return None;
    }
    let inside = &value[2..n - 2];

    let mut quotes = 0i32;
    for token in inside {
        match token.kind {
            K::OQuote => quotes += 1,
            K::CQuote => quotes -= 1,
            _ if quotes > 0 => {}
            K::TemplateInterp | K::TemplateSeqEnd | K::QuotedLit => return None,
            _ => {}
        }
    }

    // Newlines just inside `${` and `}` would leave a dangling line once unwrapped.
    let first = inside.iter().position(|t| t.kind != K::Newline)?;
    let last = inside.iter().rposition(|t| t.kind != K::Newline)?;
    let trimmed = &inside[first..=last];

    let multi_line = trimmed.iter().any(|t| t.kind == K::Newline);
    let parenthesized = trimmed.first().map(|t| t.kind) == Some(K::OParen)
        && trimmed.len() > 1
        && trimmed.last().map(|t| t.kind) == Some(K::CParen);
    let mut out = Vec::with_capacity(trimmed.len() + 2);
    // A multi-line expression (a conditional, say) only parses unwrapped inside parentheses.
    let wrap = multi_line && !parenthesized;
    if wrap {
        out.push(Token::synthetic(K::OParen, "(", value[0].offset));
    }
    out.extend(trimmed.iter().cloned());
    if wrap {
        out.push(Token::synthetic(K::CParen, ")", value[n - 1].offset));
    }
    Some(out)
}

/// The type-constraint rewrites of a `variable` block's `type`.
fn legacy_type(value: &[Token]) -> Option<Vec<Token>> {
    use TokenKind as K;
    let offset = value.first()?.offset;
    let call = |name: &str, arg: &str| {
        vec![
            Token::synthetic(K::Ident, name, offset),
            Token::synthetic(K::OParen, "(", offset),
            Token::synthetic(K::Ident, arg, offset),
            Token::synthetic(K::CParen, ")", offset),
        ]
    };
    match value {
        [keyword] if keyword.kind == K::Ident => match keyword.text.as_str() {
            // A collection without an element type means "of any".
            name @ ("list" | "map" | "set") => Some(call(name, "any")),
            _ => None,
        },
        [open, lit, close]
            if open.kind == K::OQuote && lit.kind == K::QuotedLit && close.kind == K::CQuote =>
        {
            // Terraform 0.11 quoted types; their elements were strings then.
            match lit.text.as_str() {
                "string" => Some(vec![Token::synthetic(K::Ident, "string", offset)]),
                name @ ("list" | "map") => Some(call(name, "string")),
                _ => None,
            }
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_label_escapes() {
        assert_eq!(
            decode_quoted(r"a\u0041\n$${x}").as_deref(),
            Some("aA\n${x}")
        );
        assert_eq!(decode_quoted(r"bad\q"), None);
    }

    #[test]
    fn escapes_labels_like_hcl() {
        let text: String = label_tokens("a\"b${c}\u{7}", 0)
            .into_iter()
            .map(|t| t.text)
            .collect();
        assert_eq!(text, r#""a\"b$${c}\u0007""#);
    }
}
