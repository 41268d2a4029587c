//! A tolerant scanner producing the tokens of HCL's native-syntax scanner
//! (`hclsyntax/scan_tokens.rl`), with HCL's positions.
//!
//! Unlike the formatter's scanner it never gives up: unterminated strings, heredocs and comments
//! simply run to the end of the input (or fall back to shorter tokens, as HCL's longest-match
//! scanner does), because the parser needs every token to produce HCL's diagnostics.
//!
//! Positions follow `hclsyntax.tokenAccum.emitToken`: spaces and tabs skipped between tokens
//! count one column per byte; inside a token, columns count grapheme clusters and only `\n` and
//! `\r\n` start a new line.

use infra_value::SourcePos;

/// A source range without its filename (added when a diagnostic is built).
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub(crate) struct Rng {
    pub start: SourcePos,
    pub end: SourcePos,
}

impl Rng {
    /// HCL's `RangeBetween`: from the start of `a` to the end of `b`.
    pub(crate) fn between(a: Rng, b: Rng) -> Rng {
        Rng { start: a.start, end: b.end }
    }
    pub(crate) fn at(p: SourcePos) -> Rng {
        Rng { start: p, end: p }
    }
}

/// HCL's token types (`hclsyntax.TokenType`).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Tk {
    OBrace,
    CBrace,
    OBrack,
    CBrack,
    OParen,
    CParen,
    OQuote,
    CQuote,
    OHeredoc,
    CHeredoc,
    Star,
    Slash,
    Plus,
    Minus,
    Percent,
    Equal,
    EqualOp,
    NotEqual,
    LessThan,
    LessThanEq,
    GreaterThan,
    GreaterThanEq,
    And,
    Or,
    Bang,
    Dot,
    Comma,
    DoubleColon,
    Ellipsis,
    FatArrow,
    Question,
    Colon,
    TemplateInterp,
    TemplateControl,
    TemplateSeqEnd,
    QuotedLit,
    StringLit,
    NumberLit,
    Ident,
    Comment,
    Newline,
    Eof,
    BitwiseAnd,
    BitwiseOr,
    BitwiseNot,
    BitwiseXor,
    Semicolon,
    Backtick,
    Apostrophe,
    QuotedNewline,
    Invalid,
    /// No token type (HCL's `TokenNil`), for "no opposite bracket".
    Nil,
}

/// One token: its type, its bytes (`start..end` in the scanned text) and its range.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) struct Token {
    pub kind: Tk,
    pub start: usize,
    pub end: usize,
    pub range: Rng,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Main,
    Quoted,
    Heredoc,
}

struct Heredoc {
    marker: String,
    start_of_line: bool,
}

struct Scanner<'a> {
    src: &'a str,
    bytes: &'a [u8],
    pos: usize,
    /// Byte offset of `src` in the file (a stripped byte-order mark).
    base: usize,
    /// Position just after the previous token.
    at: SourcePos,
    tokens: Vec<Token>,
    modes: Vec<Mode>,
    braces: i32,
    ret_braces: Vec<i32>,
    heredocs: Vec<Heredoc>,
}

/// Scans a whole file. A leading byte-order mark is skipped (it counts in byte offsets only).
pub(crate) fn scan(text: &str) -> (Vec<Token>, usize) {
    let (src, base) = match text.strip_prefix('\u{feff}') {
        Some(rest) => (rest, text.len() - rest.len()),
        None => (text, 0),
    };
    let mut s = Scanner {
        src,
        bytes: src.as_bytes(),
        pos: 0,
        base,
        at: SourcePos { line: 1, column: 1, byte: base },
        tokens: Vec::new(),
        modes: vec![Mode::Main],
        braces: 0,
        ret_braces: Vec::new(),
        heredocs: Vec::new(),
    };
    while s.pos < s.bytes.len() {
        match s.modes.last().copied().unwrap_or(Mode::Main) {
            Mode::Main => s.scan_main(),
            Mode::Quoted => s.scan_quoted(),
            Mode::Heredoc => s.scan_heredoc(),
        }
    }
    let end = s.bytes.len();
    s.emit(Tk::Eof, end, end);
    (s.tokens, base)
}

pub(crate) fn is_ident_start(c: char) -> bool {
    c == '_' || c.is_alphabetic()
}

pub(crate) fn is_ident_continue(c: char) -> bool {
    c == '-' || c == '_' || c.is_alphanumeric() || is_grapheme_extend(c)
}

/// Characters that continue the previous grapheme cluster (combining marks, joiners, variation
/// selectors, emoji modifiers): an approximation of Unicode's extend rules, enough for columns.
pub(crate) fn is_grapheme_extend(c: char) -> bool {
    matches!(c as u32,
        0x0300..=0x036F | 0x0483..=0x0489 | 0x0591..=0x05BD | 0x0610..=0x061A | 0x064B..=0x065F
        | 0x0E31 | 0x0E34..=0x0E3A | 0x0E47..=0x0E4E | 0x1AB0..=0x1AFF | 0x1DC0..=0x1DFF
        | 0x200C | 0x200D | 0x20D0..=0x20FF | 0xFE00..=0xFE0F | 0xFE20..=0xFE2F
        | 0x1F3FB..=0x1F3FF | 0xE0020..=0xE007F | 0xE0100..=0xE01EF)
}

/// Advances `pos` over `text` as HCL counts: one column per grapheme cluster, a new line after
/// `\n` or `\r\n`.
pub(crate) fn advance(mut pos: SourcePos, text: &str) -> SourcePos {
    let mut prev: Option<char> = None;
    for c in text.chars() {
        pos.byte += c.len_utf8();
        let joins = match prev {
            Some('\r') => c == '\n',
            Some('\u{200D}') => true,
            Some(_) => is_grapheme_extend(c),
            None => false,
        };
        if c == '\n' {
            // A lone "\n" or the cluster "\r\n" ends the line.
            pos.line += 1;
            pos.column = 1;
        } else if !joins {
            pos.column += 1;
        }
        prev = Some(c);
    }
    pos
}

impl<'a> Scanner<'a> {
    fn emit(&mut self, kind: Tk, start: usize, end: usize) {
        let mut from = self.at;
        let abs = start + self.base;
        from.column += abs.saturating_sub(from.byte) as u32;
        from.byte = abs;
        let to = advance(from, self.src.get(start..end).unwrap_or(""));
        self.tokens.push(Token { kind, start, end, range: Rng { start: from, end: to } });
        self.at = to;
        self.pos = end;
    }

    fn peek(&self, at: usize) -> Option<u8> {
        self.bytes.get(at).copied()
    }

    fn char_at(&self, at: usize) -> Option<char> {
        self.src.get(at..).and_then(|r| r.chars().next())
    }

    fn invalid_char(&mut self) {
        let len = self.char_at(self.pos).map(char::len_utf8).unwrap_or(1);
        self.emit(Tk::Invalid, self.pos, self.pos + len);
    }

    fn enter_sequence(&mut self, kind: Tk) {
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

    fn close_brace(&mut self, start: usize, end: usize, strip_marker: bool) {
        if self.ret_braces.last() == Some(&self.braces) {
            self.emit(Tk::TemplateSeqEnd, start, end);
            self.braces -= 1;
            self.ret_braces.pop();
            self.modes.pop();
        } else {
            // HCL emits a sequence end for a misplaced `~}` so that its parser reports it.
            self.emit(if strip_marker { Tk::TemplateSeqEnd } else { Tk::CBrace }, start, end);
            self.braces -= 1;
        }
    }

    fn scan_main(&mut self) {
        let p = self.pos;
        let Some(b) = self.peek(p) else { return };
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
                self.emit(Tk::NumberLit, p, end);
            }
            b'#' => {
                let end = self.line_end_inclusive(p);
                self.emit(Tk::Comment, p, end);
            }
            b'/' if next == Some(b'/') => {
                let end = self.line_end_inclusive(p);
                self.emit(Tk::Comment, p, end);
            }
            b'/' if next == Some(b'*') => match self.src.get(p + 2..).and_then(|r| r.find("*/")) {
                Some(found) => self.emit(Tk::Comment, p, p + 2 + found + 2),
                // No comment matches, so the longest match is the slash alone.
                None => self.emit(Tk::Slash, p, p + 1),
            },
            b'\n' => self.emit(Tk::Newline, p, p + 1),
            b'\r' if next == Some(b'\n') => self.emit(Tk::Newline, p, p + 2),
            b'=' if next == Some(b'=') => self.emit(Tk::EqualOp, p, p + 2),
            b'=' if next == Some(b'>') => self.emit(Tk::FatArrow, p, p + 2),
            b'!' if next == Some(b'=') => self.emit(Tk::NotEqual, p, p + 2),
            b'>' if next == Some(b'=') => self.emit(Tk::GreaterThanEq, p, p + 2),
            b'<' if next == Some(b'<') && self.heredoc_intro_end(p).is_some() => self.begin_heredoc(p),
            b'<' if next == Some(b'=') => self.emit(Tk::LessThanEq, p, p + 2),
            b'&' if next == Some(b'&') => self.emit(Tk::And, p, p + 2),
            b'|' if next == Some(b'|') => self.emit(Tk::Or, p, p + 2),
            b':' if next == Some(b':') => self.emit(Tk::DoubleColon, p, p + 2),
            b'.' if next == Some(b'.') && self.peek(p + 2) == Some(b'.') => self.emit(Tk::Ellipsis, p, p + 3),
            b'~' if next == Some(b'}') => self.close_brace(p, p + 2, true),
            b'{' => {
                self.emit(Tk::OBrace, p, p + 1);
                self.braces += 1;
            }
            b'}' => self.close_brace(p, p + 1, false),
            b'"' => {
                self.emit(Tk::OQuote, p, p + 1);
                self.modes.push(Mode::Quoted);
            }
            _ => {
                if let Some(kind) = self_token(b) {
                    self.emit(kind, p, p + 1);
                    return;
                }
                match self.char_at(p) {
                    Some(c) if is_ident_start(c) => {
                        let mut end = p + c.len_utf8();
                        while let Some(c) = self.char_at(end) {
                            if !is_ident_continue(c) {
                                break;
                            }
                            end += c.len_utf8();
                        }
                        self.emit(Tk::Ident, p, end);
                    }
                    _ => self.invalid_char(),
                }
            }
        }
    }

    /// Digits, dots and exponents, never ending in a dot.
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

    fn line_end_inclusive(&self, start: usize) -> usize {
        match self.src.get(start..).and_then(|r| r.find('\n')) {
            Some(found) => start + found + 1,
            None => self.bytes.len(),
        }
    }

    /// Where a heredoc introducer (`<<ID` or `<<-ID` and a newline) starting at `p` ends.
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
        let Some(end) = self.heredoc_intro_end(p) else { return };
        let intro = self.src.get(p + 2..end).unwrap_or_default();
        let marker = intro.strip_prefix('-').unwrap_or(intro).trim_end_matches('\n').trim_end_matches('\r').to_owned();
        self.emit(Tk::OHeredoc, p, end);
        self.heredocs.push(Heredoc { marker, start_of_line: true });
        self.modes.push(Mode::Heredoc);
    }

    fn scan_quoted(&mut self) {
        let p = self.pos;
        let Some(b) = self.peek(p) else { return };
        let next = self.peek(p + 1);
        match b {
            b'$' if next == Some(b'{') => self.enter_sequence(Tk::TemplateInterp),
            b'%' if next == Some(b'{') => self.enter_sequence(Tk::TemplateControl),
            b'"' => {
                self.emit(Tk::CQuote, p, p + 1);
                self.modes.pop();
            }
            b'$' | b'%' => {
                // `$${` / `%%{` (optionally with `~`) is one escape token; any other `$` or `%`
                // is a one-character literal token; at the very end it matches nothing.
                if next.is_none() {
                    self.invalid_char();
                    return;
                }
                let end = if next == Some(b) && self.peek(p + 2) == Some(b'{') {
                    if self.peek(p + 3) == Some(b'~') {
                        p + 4
                    } else {
                        p + 3
                    }
                } else {
                    p + 1
                };
                self.emit(Tk::QuotedLit, p, end);
            }
            b'\r' | b'\n' => {
                let mut end = p;
                while matches!(self.peek(end), Some(b'\r' | b'\n')) {
                    end += 1;
                }
                self.emit(Tk::QuotedNewline, p, end);
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
                        Some(_) => end += self.char_at(end).map(char::len_utf8).unwrap_or(1),
                    }
                }
                if end == p {
                    self.invalid_char();
                } else {
                    self.emit(Tk::QuotedLit, p, end);
                }
            }
        }
    }

    fn scan_heredoc(&mut self) {
        let p = self.pos;
        let next = self.peek(p + 1);
        match self.peek(p) {
            None => return,
            Some(b'$') if next == Some(b'{') => return self.enter_sequence(Tk::TemplateInterp),
            Some(b'%') if next == Some(b'{') => return self.enter_sequence(Tk::TemplateControl),
            Some(_) => {}
        }
        // A literal run: through the end of the line, or up to the next `${`/`%{`. (HCL cuts
        // literals at every `$` and `%` too; a line holding one can never close the heredoc,
        // and literal boundaries inside a heredoc never show in a diagnostic.)
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
                    Some(b'{') if end > p => break,
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
            self.emit(Tk::StringLit, p, end);
            return;
        }
        let line = self.src.get(p..end).unwrap_or_default();
        let closes = self.heredocs.last().is_some_and(|doc| doc.start_of_line && line.trim() == doc.marker);
        if closes {
            let marker_end = end - newline_len;
            self.emit(Tk::CHeredoc, p, marker_end);
            self.emit(Tk::Newline, marker_end, end);
            self.heredocs.pop();
            self.modes.pop();
        } else {
            if let Some(doc) = self.heredocs.last_mut() {
                doc.start_of_line = true;
            }
            self.emit(Tk::StringLit, p, end);
        }
    }
}

/// The single-byte tokens that stand for themselves.
fn self_token(b: u8) -> Option<Tk> {
    Some(match b {
        b'[' => Tk::OBrack,
        b']' => Tk::CBrack,
        b'(' => Tk::OParen,
        b')' => Tk::CParen,
        b'.' => Tk::Dot,
        b',' => Tk::Comma,
        b'*' => Tk::Star,
        b'/' => Tk::Slash,
        b'%' => Tk::Percent,
        b'+' => Tk::Plus,
        b'-' => Tk::Minus,
        b'=' => Tk::Equal,
        b'<' => Tk::LessThan,
        b'>' => Tk::GreaterThan,
        b'!' => Tk::Bang,
        b'?' => Tk::Question,
        b':' => Tk::Colon,
        b'&' => Tk::BitwiseAnd,
        b'|' => Tk::BitwiseOr,
        b'~' => Tk::BitwiseNot,
        b'^' => Tk::BitwiseXor,
        b';' => Tk::Semicolon,
        b'`' => Tk::Backtick,
        b'\'' => Tk::Apostrophe,
        _ => return None,
    })
}
