//! A scanner that cuts Terraform-language source into the same tokens as HCL's native-syntax
//! scanner (`hclsyntax/scan_tokens.rl`).
//!
//! Like HCL's, it is a small stack machine: the main (expression) mode, quoted-template mode and
//! heredoc mode, entered and left as strings, heredocs and `${`/`%{` sequences open and close.
//! Spaces and tabs between tokens are not tokens; each token instead records how many such
//! bytes preceded it (a tab counts as one, which is what HCL's writer does too).
//!
//! It never panics: input the scanner cannot match becomes an [`TokenKind::Invalid`] token or a
//! [`LexError`], so a caller can report it.

use crate::token::{Token, TokenKind};

/// A problem found while scanning: the byte offset where it starts and what it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct LexError {
    pub offset: usize,
    pub message: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Main,
    Quoted,
    Heredoc,
}

#[derive(Debug)]
struct HeredocInProgress {
    marker: String,
    /// Whether the scanner is at the start of a heredoc line (only such a line can close it).
    start_of_line: bool,
    /// Where the heredoc opened, to report it if it never closes.
    offset: usize,
}

struct Lexer<'a> {
    src: &'a str,
    bytes: &'a [u8],
    pos: usize,
    /// End of the previous token, to compute `spaces_before`.
    last_end: usize,
    tokens: Vec<Token>,
    modes: Vec<Mode>,
    braces: i32,
    /// Brace levels at which a `}` closes a template sequence rather than an object or block.
    ret_braces: Vec<i32>,
    heredocs: Vec<HeredocInProgress>,
    /// Where the innermost open quoted string started.
    quote_starts: Vec<usize>,
}

/// Scans `src` (with any UTF-8 byte-order mark already removed; `bom_len` is its length, which
/// HCL's writer counts as spaces before the first token).
pub(crate) fn lex(src: &str, bom_len: usize) -> Result<Vec<Token>, LexError> {
    let mut lexer = Lexer {
        src,
        bytes: src.as_bytes(),
        pos: 0,
        last_end: 0,
        tokens: Vec::new(),
        modes: vec![Mode::Main],
        braces: 0,
        ret_braces: Vec::new(),
        heredocs: Vec::new(),
        quote_starts: Vec::new(),
    };
    lexer.run()?;
    if let Some(first) = lexer.tokens.first_mut() {
        first.spaces_before += bom_len;
    }
    Ok(lexer.tokens)
}

fn is_ident_start(c: char) -> bool {
    c == '_' || unicode_ident::is_xid_start(c)
}

fn is_ident_continue(c: char) -> bool {
    c == '-' || unicode_ident::is_xid_continue(c)
}

impl<'a> Lexer<'a> {
    fn run(&mut self) -> Result<(), LexError> {
        while self.pos < self.bytes.len() {
            let mode = self.modes.last().copied().unwrap_or(Mode::Main);
            match mode {
                Mode::Main => self.scan_main()?,
                Mode::Quoted => self.scan_quoted()?,
                Mode::Heredoc => self.scan_heredoc()?,
            }
        }
        if let Some(start) = self.quote_starts.last() {
            return Err(LexError {
                offset: *start,
                message:
                    "Unterminated template string: no closing marker was found for the string."
                        .to_owned(),
            });
        }
        if let Some(doc) = self.heredocs.last() {
            return Err(LexError {
                offset: doc.offset,
                message: format!(
                    "Unterminated template string: no closing marker \"{}\" was found for the heredoc.",
                    doc.marker
                ),
            });
        }
        self.emit(TokenKind::Eof, self.bytes.len(), self.bytes.len());
        Ok(())
    }

    fn emit(&mut self, kind: TokenKind, start: usize, end: usize) {
        let text = self.src.get(start..end).unwrap_or_default().to_owned();
        self.tokens.push(Token {
            kind,
            text,
            spaces_before: start.saturating_sub(self.last_end),
            offset: start,
        });
        self.last_end = end;
        self.pos = end;
    }

    fn peek(&self, at: usize) -> Option<u8> {
        self.bytes.get(at).copied()
    }

    fn char_at(&self, at: usize) -> Option<char> {
        self.src.get(at..).and_then(|rest| rest.chars().next())
    }

    /// Emits one whole character as an invalid token.
    fn invalid_char(&mut self) {
        let len = self.char_at(self.pos).map(char::len_utf8).unwrap_or(1);
        self.emit(TokenKind::Invalid, self.pos, self.pos + len);
    }

    fn enter_template_sequence(&mut self, kind: TokenKind) {
        let start = self.pos;
        let mut end = start + 2;
        if self.peek(end) == Some(b'~') {
            end += 1;
        }
        self.emit(kind, start, end);
        self.braces += 1;
        self.ret_braces.push(self.braces);
        if let Some(doc) = self.heredocs.last_mut() {
            doc.start_of_line = false;
        }
        self.modes.push(Mode::Main);
    }

    /// Closes a `${`/`%{` sequence if the brace level says this `}` belongs to one.
    fn close_brace(&mut self, start: usize, end: usize, strip_marker: bool) {
        if self.ret_braces.last() == Some(&self.braces) {
            self.emit(TokenKind::TemplateSeqEnd, start, end);
            self.braces -= 1;
            self.ret_braces.pop();
            self.modes.pop();
        } else if strip_marker {
            // HCL emits a sequence end even here so that its parser reports the misplaced `~}`.
            self.emit(TokenKind::TemplateSeqEnd, start, end);
            self.braces -= 1;
        } else {
            self.emit(TokenKind::CBrace, start, end);
            self.braces -= 1;
        }
    }

    fn scan_main(&mut self) -> Result<(), LexError> {
        let p = self.pos;
        let Some(b) = self.peek(p) else {
            return Ok(());
        };
        let next = self.peek(p + 1);
        match b {
            b' ' | b'\t' => {
                let mut end = p;
                while matches!(self.peek(end), Some(b' ' | b'\t')) {
                    end += 1;
                }
                self.pos = end;
            }
            b'0'..=b'9' => {
                let end = self.number_end(p);
                self.emit(TokenKind::NumberLit, p, end);
            }
            b'#' => {
                let end = self.line_end_inclusive(p);
                self.emit(TokenKind::Comment, p, end);
            }
            b'/' if next == Some(b'/') => {
                let end = self.line_end_inclusive(p);
                self.emit(TokenKind::Comment, p, end);
            }
            b'/' if next == Some(b'*') => match self.src.get(p + 2..).and_then(|r| r.find("*/")) {
                Some(found) => self.emit(TokenKind::Comment, p, p + 2 + found + 2),
                None => {
                    return Err(LexError {
                        offset: p,
                        message: "Unterminated comment: a /* comment must end with */.".to_owned(),
                    })
                }
            },
            b'\n' => self.emit(TokenKind::Newline, p, p + 1),
            b'\r' if next == Some(b'\n') => self.emit(TokenKind::Newline, p, p + 2),
            b'=' if next == Some(b'=') => self.emit(TokenKind::EqualOp, p, p + 2),
            b'=' if next == Some(b'>') => self.emit(TokenKind::FatArrow, p, p + 2),
            b'!' if next == Some(b'=') => self.emit(TokenKind::NotEqual, p, p + 2),
            b'>' if next == Some(b'=') => self.emit(TokenKind::GreaterThanEq, p, p + 2),
            b'<' if next == Some(b'<') && self.heredoc_intro_end(p).is_some() => {
                self.begin_heredoc(p);
            }
            b'<' if next == Some(b'=') => self.emit(TokenKind::LessThanEq, p, p + 2),
            b'&' if next == Some(b'&') => self.emit(TokenKind::And, p, p + 2),
            b'|' if next == Some(b'|') => self.emit(TokenKind::Or, p, p + 2),
            b':' if next == Some(b':') => self.emit(TokenKind::DoubleColon, p, p + 2),
            b'.' if next == Some(b'.') && self.peek(p + 2) == Some(b'.') => {
                self.emit(TokenKind::Ellipsis, p, p + 3)
            }
            b'~' if next == Some(b'}') => self.close_brace(p, p + 2, true),
            b'{' => {
                self.emit(TokenKind::OBrace, p, p + 1);
                self.braces += 1;
            }
            b'}' => self.close_brace(p, p + 1, false),
            b'"' => {
                self.emit(TokenKind::OQuote, p, p + 1);
                self.quote_starts.push(p);
                self.modes.push(Mode::Quoted);
            }
            _ => {
                if let Some(kind) = self_token(b) {
                    self.emit(kind, p, p + 1);
                } else {
                    match self.char_at(p) {
                        Some(c) if is_ident_start(c) => {
                            let mut end = p + c.len_utf8();
                            while let Some(c) = self.char_at(end) {
                                if !is_ident_continue(c) {
                                    break;
                                }
                                end += c.len_utf8();
                            }
                            self.emit(TokenKind::Ident, p, end);
                        }
                        _ => self.invalid_char(),
                    }
                }
            }
        }
        Ok(())
    }

    /// End of a number literal starting at `start` (a digit): digits, dots and exponents, never
    /// ending in a dot (`1.` is the number `1` followed by a dot).
    fn number_end(&self, start: usize) -> usize {
        let mut pos = start + 1;
        let mut last_good = pos;
        loop {
            match self.peek(pos) {
                Some(b'0'..=b'9') => {
                    pos += 1;
                    last_good = pos;
                }
                Some(b'.') => pos += 1,
                Some(b'e' | b'E') => {
                    let mut at = pos + 1;
                    if matches!(self.peek(at), Some(b'+' | b'-')) {
                        at += 1;
                    }
                    if matches!(self.peek(at), Some(b'0'..=b'9')) {
                        pos = at + 1;
                        last_good = pos;
                    } else {
                        break;
                    }
                }
                _ => break,
            }
        }
        last_good
    }

    /// End of the line starting at or after `start`, including its newline (or end of input).
    fn line_end_inclusive(&self, start: usize) -> usize {
        match self.src.get(start..).and_then(|r| r.find('\n')) {
            Some(found) => start + found + 1,
            None => self.bytes.len(),
        }
    }

    /// If a heredoc introducer (`<<ID` or `<<-ID` then a newline) starts at `p`, where it ends.
    fn heredoc_intro_end(&self, p: usize) -> Option<usize> {
        let mut at = p + 2;
        if self.peek(at) == Some(b'-') {
            at += 1;
        }
        let first = self.char_at(at)?;
        if !is_ident_start(first) {
            return None;
        }
        at += first.len_utf8();
        while let Some(c) = self.char_at(at) {
            if !is_ident_continue(c) {
                break;
            }
            at += c.len_utf8();
        }
        match (self.peek(at), self.peek(at + 1)) {
            (Some(b'\n'), _) => Some(at + 1),
            (Some(b'\r'), Some(b'\n')) => Some(at + 2),
            _ => None,
        }
    }

    fn begin_heredoc(&mut self, p: usize) {
        let Some(end) = self.heredoc_intro_end(p) else {
            return;
        };
        let intro = self.src.get(p + 2..end).unwrap_or_default();
        let marker = intro
            .trim_start_matches('-')
            .trim_end_matches('\n')
            .trim_end_matches('\r')
            .to_owned();
        self.emit(TokenKind::OHeredoc, p, end);
        self.heredocs.push(HeredocInProgress {
            marker,
            start_of_line: true,
            offset: p,
        });
        self.modes.push(Mode::Heredoc);
    }

    fn scan_quoted(&mut self) -> Result<(), LexError> {
        let p = self.pos;
        let Some(b) = self.peek(p) else {
            return Ok(());
        };
        let next = self.peek(p + 1);
        match b {
            b'$' if next == Some(b'{') => self.enter_template_sequence(TokenKind::TemplateInterp),
            b'%' if next == Some(b'{') => self.enter_template_sequence(TokenKind::TemplateControl),
            b'"' => {
                self.emit(TokenKind::CQuote, p, p + 1);
                self.quote_starts.pop();
                self.modes.pop();
            }
            b'$' | b'%' => {
                // `$${` and `%%{` are escapes (one literal token); any other lone `$` or `%` is
                // a literal token of its own, as HCL's scanner cuts it.
                let end = if next == Some(b) && self.peek(p + 2) == Some(b'{') {
                    if self.peek(p + 3) == Some(b'~') {
                        p + 4
                    } else {
                        p + 3
                    }
                } else if next.is_none() {
                    self.invalid_char();
                    return Ok(());
                } else {
                    p + 1
                };
                self.emit(TokenKind::QuotedLit, p, end);
            }
            b'\r' | b'\n' => {
                let mut end = p;
                while matches!(self.peek(end), Some(b'\r' | b'\n')) {
                    end += 1;
                }
                self.emit(TokenKind::QuotedNewline, p, end);
            }
            _ => {
                let mut end = p;
                loop {
                    match self.peek(end) {
                        Some(b'\\') => match self.char_at(end + 1) {
                            Some(c) if c != '\r' && c != '\n' => end += 1 + c.len_utf8(),
                            _ => break,
                        },
                        Some(b'$' | b'%' | b'"' | b'\r' | b'\n') | None => break,
                        Some(_) => {
                            end += self.char_at(end).map(char::len_utf8).unwrap_or(1);
                        }
                    }
                }
                if end == p {
                    self.invalid_char();
                } else {
                    self.emit(TokenKind::QuotedLit, p, end);
                }
            }
        }
        Ok(())
    }

    fn scan_heredoc(&mut self) -> Result<(), LexError> {
        let p = self.pos;
        let next = self.peek(p + 1);
        match self.peek(p) {
            None => return Ok(()),
            Some(b'$') if next == Some(b'{') => {
                self.enter_template_sequence(TokenKind::TemplateInterp);
                return Ok(());
            }
            Some(b'%') if next == Some(b'{') => {
                self.enter_template_sequence(TokenKind::TemplateControl);
                return Ok(());
            }
            Some(_) => {}
        }

        // A literal run: up to and including the end of the line, or up to the next `${`/`%{`.
        // (HCL's scanner cuts literals at every `$` and `%` too, but those pieces are written back
        // side by side with no spaces, and a line holding `$` or `%` can never be the closing
        // marker, so cutting only where it matters gives the same result.)
        let mut end = p;
        let mut newline_len = 0;
        loop {
            match self.peek(end) {
                None => break,
                Some(b'\n') => {
                    newline_len = 1;
                    end += 1;
                    break;
                }
                Some(b'\r') if self.peek(end + 1) == Some(b'\n') => {
                    newline_len = 2;
                    end += 2;
                    break;
                }
                Some(c @ (b'$' | b'%')) => match self.peek(end + 1) {
                    Some(b'{') => break,
                    Some(d) if d == c && self.peek(end + 2) == Some(b'{') => end += 3,
                    _ => end += 1,
                },
                Some(_) => end += self.char_at(end).map(char::len_utf8).unwrap_or(1),
            }
        }

        if newline_len == 0 {
            if let Some(doc) = self.heredocs.last_mut() {
                doc.start_of_line = false;
            }
            self.emit(TokenKind::StringLit, p, end);
            return Ok(());
        }

        let line = self.src.get(p..end).unwrap_or_default();
        let closes = match self.heredocs.last() {
            Some(doc) => doc.start_of_line && line.trim() == doc.marker,
            None => false,
        };
        if closes {
            let marker_end = end - newline_len;
            self.emit(TokenKind::CHeredoc, p, marker_end);
            self.emit(TokenKind::Newline, marker_end, end);
            self.heredocs.pop();
            self.modes.pop();
        } else {
            if let Some(doc) = self.heredocs.last_mut() {
                doc.start_of_line = true;
            }
            self.emit(TokenKind::StringLit, p, end);
        }
        Ok(())
    }
}

/// The single-byte tokens of HCL's scanner that stand for themselves.
fn self_token(b: u8) -> Option<TokenKind> {
    Some(match b {
        b'[' => TokenKind::OBrack,
        b']' => TokenKind::CBrack,
        b'(' => TokenKind::OParen,
        b')' => TokenKind::CParen,
        b'.' => TokenKind::Dot,
        b',' => TokenKind::Comma,
        b'*' => TokenKind::Star,
        b'/' => TokenKind::Slash,
        b'%' => TokenKind::Percent,
        b'+' => TokenKind::Plus,
        b'-' => TokenKind::Minus,
        b'=' => TokenKind::Equal,
        b'<' => TokenKind::LessThan,
        b'>' => TokenKind::GreaterThan,
        b'!' => TokenKind::Bang,
        b'?' => TokenKind::Question,
        b':' => TokenKind::Colon,
        b'&' => TokenKind::BitwiseAnd,
        b'|' => TokenKind::BitwiseOr,
        b'~' => TokenKind::BitwiseNot,
        b'^' => TokenKind::BitwiseXor,
        b';' => TokenKind::Semicolon,
        b'`' => TokenKind::Backtick,
        b'\'' => TokenKind::Apostrophe,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(src: &str) -> Vec<TokenKind> {
        match lex(src, 0) {
            Ok(tokens) => tokens.into_iter().map(|t| t.kind).collect(),
            Err(e) => panic!("lex error: {e:?}"),
        }
    }

    #[test]
    fn template_with_interpolation() {
        use TokenKind::*;
        assert_eq!(
            kinds(r#"a = "x${b.c}y""#),
            vec![
                Ident,
                Equal,
                OQuote,
                QuotedLit,
                TemplateInterp,
                Ident,
                Dot,
                Ident,
                TemplateSeqEnd,
                QuotedLit,
                CQuote,
                Eof
            ]
        );
    }

    #[test]
    fn heredoc_closes_only_on_a_whole_marker_line() {
        use TokenKind::*;
        assert_eq!(
            kinds("a = <<-EOT\n  EOTX\n  ${x}EOT\n  EOT\n"),
            vec![
                Ident,
                Equal,
                OHeredoc,
                StringLit,
                StringLit,
                TemplateInterp,
                Ident,
                TemplateSeqEnd,
                StringLit,
                CHeredoc,
                Newline,
                Eof
            ]
        );
    }

    #[test]
    fn numbers_never_end_in_a_dot_and_idents_take_dashes() {
        use TokenKind::*;
        assert_eq!(kinds("1.5e+3"), vec![NumberLit, Eof]);
        assert_eq!(kinds("1."), vec![NumberLit, Dot, Eof]);
        assert_eq!(kinds("a-b - c"), vec![Ident, Minus, Ident, Eof]);
    }

    #[test]
    fn dollar_in_quoted_string_is_cut_like_hcl() {
        use TokenKind::*;
        assert_eq!(
            kinds(r#""a$b$${c}""#),
            vec![OQuote, QuotedLit, QuotedLit, QuotedLit, QuotedLit, QuotedLit, CQuote, Eof]
        );
    }

    #[test]
    fn unterminated_heredoc_is_an_error() {
        assert!(lex("a = <<EOT\nfoo\nEOT", 0).is_err());
    }
}
