//! A direct parser of HCL native syntax into [`Body`], for files without errors.
//!
//! The general path parses a file with hcl-edit, which keeps every byte of formatting in a
//! tree, and then lowers that tree into our AST ([`crate::lang::lower`]). For a big
//! configuration that was a third of a plan's time. This parser reads the text once, borrows
//! from it while scanning and builds only the AST.
//!
//! **Invariant: the result is exactly what hcl-edit and the lowering give, or nothing.** The
//! grammar here mirrors hcl-edit's (including its quirks: where newlines may appear inside an
//! expression depends on whether an array, a call or an object `for` has been seen, a `-` right
//! before a number is part of the literal, …), spans are the same file byte offsets, and the
//! template post-processing (strip markers, heredoc indentation, literal merging) is the
//! lowering's own code. Whenever the input is malformed, or merely unusual in a way this parser
//! does not mirror exactly, it returns `None` and the caller parses the file the general way,
//! which reports every diagnostic as before; this parser never produces diagnostics.
//! `tests/parse_fast.rs` compares both paths on the repository's corpus, on hand-written edge
//! cases and on thousands of mutated files.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::sync::Arc;

use infra_value::value::Kind;
use infra_value::{Number, Value};

use super::body::{Attr, Body, NestedBlock};
use crate::lang::ast::{BinOp, Expr, ExprKind, ForExpr, Step, TemplatePart, UnOp};
use crate::lang::lower::{apply_directive_strips, apply_strips, build_tree, flush_heredoc, strip_first, strip_last, wrap_template, Tok};
use crate::source::Span;

/// The bytes [`Parser::literal`] acts on in some mode (template markers, quotes, escapes, line
/// endings); every other byte is literal text in every mode.
static LITERAL_SPECIAL: [bool; 256] = {
    let mut t = [false; 256];
    t[b'$' as usize] = true;
    t[b'%' as usize] = true;
    t[b'"' as usize] = true;
    t[b'\\' as usize] = true;
    t[b'\n' as usize] = true;
    t[b'\r' as usize] = true;
    t
};

/// Nesting levels (counted where hcl-edit counts them) beyond which the parser declines.
/// hcl-edit rejects input nested deeper than 64 levels; declining well before keeps this
/// parser's recursion shallow and leaves the boundary cases to hcl-edit.
const MAX_DEPTH: u32 = 40;

/// Binary operators in one attribute value beyond which the parser declines (hcl-edit rejects
/// more than 128 on one path through an expression).
const MAX_OPERATORS: usize = 100;

/// Parses a whole file. `None`: use the general path.
pub fn parse_body(file: u32, text: &str) -> Option<Body> {
    parse_range(file, text, 0..text.len())
}

/// Parses `text[range]` as a file of its own whose spans are offsets into `text` (one chunk of
/// a file cut at top-level line starts). The body's span is `range`.
pub fn parse_range(file: u32, text: &str, range: std::ops::Range<usize>) -> Option<Body> {
    let src = text.get(..range.end)?;
    let part = src.get(range.start..)?;
    // A carriage return not followed by a line feed is whitespace in some places for hcl-edit
    // and an error in others: left to it.
    if has_lone_cr(part.as_bytes()) {
        return None;
    }
    let mut p = Parser { s: src, b: src.as_bytes(), pos: range.start, file, depth: 0, ops: 0, names: Names::default() };
    let (attrs, blocks) = p.body()?;
    if p.pos != p.b.len() {
        return None;
    }
    Some(Body { attrs, blocks, span: Span::new(file, range) })
}

fn has_lone_cr(b: &[u8]) -> bool {
    let mut from = 0;
    while let Some(i) = b.get(from..).and_then(|r| r.iter().position(|&c| c == b'\r')) {
        if b.get(from + i + 1) != Some(&b'\n') {
            return true;
        }
        from += i + 1;
    }
    false
}

/// hcl-edit's identifier rules (Unicode XID plus `_` and `-`); non-ASCII characters are
/// checked through hcl-edit itself.
#[inline]
fn is_id_start(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphabetic() || c == '_'
    } else {
        non_ascii_id_start(c)
    }
}

#[inline]
fn is_id_continue(c: char) -> bool {
    if c.is_ascii() {
        ID_CONTINUE_ASCII[c as usize]
    } else {
        non_ascii_id_continue(c)
    }
}

#[cold]
#[inline(never)]
fn non_ascii_id_start(c: char) -> bool {
    hcl_edit::Ident::try_new(c.to_string()).is_ok()
}

#[cold]
#[inline(never)]
fn non_ascii_id_continue(c: char) -> bool {
    hcl_edit::Ident::try_new(format!("a{c}")).is_ok()
}

/// ASCII bytes that continue an identifier: letters, digits, `_` and `-`.
static ID_CONTINUE_ASCII: [bool; 256] = {
    let mut t = [false; 256];
    let mut i = 0;
    while i < 128 {
        let b = i as u8;
        t[i] = b.is_ascii_alphanumeric() || b == b'_' || b == b'-';
        i += 1;
    }
    t
};

/// Where a template literal ends, besides `${` and `%{`.
#[derive(Clone, Copy)]
enum Mode<'a> {
    /// The top level of a quoted string: ends at `"`; backslash escapes apply.
    Quoted,
    /// A directive's body inside a quoted string. hcl-edit reads it as a heredoc's (no escapes,
    /// `"` is text): declined when that would differ from HCL.
    QuotedDirective,
    /// The top level of a heredoc: ends at a line ending followed by spaces and the marker.
    Heredoc(&'a str),
    /// A directive's body inside a heredoc.
    Template,
}

/// A template element as hcl-edit parses it, before the lowering's post-processing.
enum El<'a> {
    Lit(Cow<'a, str>),
    /// expression, strip before, strip after
    Interp(Expr, bool, bool),
    If {
        cond: Expr,
        strip: (bool, bool),
        then: Vec<El<'a>>,
        then_span: Span,
        otherwise: Option<((bool, bool), Vec<El<'a>>)>,
        endif: (bool, bool),
    },
    For {
        key_var: Option<Arc<str>>,
        value_var: Arc<str>,
        collection: Expr,
        strip: (bool, bool),
        body: Vec<El<'a>>,
        body_span: Span,
        endfor: (bool, bool),
    },
}

struct Parser<'a> {
    s: &'a str,
    b: &'a [u8],
    pos: usize,
    file: u32,
    /// hcl-edit's nesting depth at this point.
    depth: u32,
    /// Binary operators in the current attribute value.
    ops: usize,
    /// Shared copies of the names and short strings read so far.
    names: Names<'a>,
}

/// Shared copies of the identifiers (traversal roots and attributes, function names, `for`
/// variables, object keys) and short string literals of one parse: a configuration repeats
/// them (`terraform_data`, `var`, `output`, `format`, tag names) and one allocation each was
/// a large share of parsing it. Only the allocation is shared; the AST is the same.
///
/// A small direct-mapped cache rather than a hash map: a hash map's lookup cost about as much
/// as the allocation it saved, while a repeated name is nearly always still in its slot.
struct Names<'a> {
    slots: Vec<Option<(&'a str, Arc<str>)>>,
}

impl Default for Names<'_> {
    fn default() -> Self {
        Names { slots: vec![None; NAME_SLOTS] }
    }
}

/// Slots of [`Names`] (a power of two).
const NAME_SLOTS: usize = 512;

/// Strings longer than this are not shared: long texts rarely repeat.
const SHARED_MAX_LEN: usize = 48;

impl<'a> Names<'a> {
    fn get(&mut self, s: &'a str) -> Arc<str> {
        let b = s.as_bytes();
        let (Some(&first), Some(&last)) = (b.first(), b.last()) else { return Arc::from(s) };
        if b.len() > SHARED_MAX_LEN {
            return Arc::from(s);
        }
        // The length and the first, middle and last bytes tell most names apart.
        let mid = b.get(b.len() / 2).copied().unwrap_or(0);
        let h = (b.len() as u32).wrapping_mul(0x9E37_79B1)
            ^ u32::from(first).wrapping_mul(0x85EB_CA77)
            ^ u32::from(mid).wrapping_mul(0xC2B2_AE3D)
            ^ u32::from(last).wrapping_mul(0x27D4_EB2F);
        let Some(slot) = self.slots.get_mut((h >> 7) as usize & (NAME_SLOTS - 1)) else { return Arc::from(s) };
        if let Some((text, shared)) = slot {
            if *text == s {
                return shared.clone();
            }
        }
        let shared: Arc<str> = Arc::from(s);
        *slot = Some((s, shared.clone()));
        shared
    }

    /// A string value of `s`: the shared text when it is ASCII (already NFC, as
    /// [`Value::string`] would normalise it), else `Value::string`'s own.
    fn value(&mut self, s: &'a str) -> Value {
        if s.is_ascii() && s.len() <= SHARED_MAX_LEN {
            Value::from_kind(Kind::String(self.get(s)))
        } else {
            Value::string(s)
        }
    }

    /// The string value of a shared name (an identifier key).
    fn value_of(&mut self, name: &Arc<str>) -> Value {
        if name.is_ascii() {
            Value::from_kind(Kind::String(name.clone()))
        } else {
            Value::string(&**name)
        }
    }
}

impl<'a> Parser<'a> {
    // ---- Scanning ----

    fn peek(&self) -> Option<u8> {
        self.b.get(self.pos).copied()
    }

    fn peek_at(&self, n: usize) -> Option<u8> {
        self.b.get(self.pos + n).copied()
    }

    fn rest(&self) -> &'a [u8] {
        self.b.get(self.pos..).unwrap_or(&[])
    }

    fn starts(&self, s: &str) -> bool {
        self.rest().starts_with(s.as_bytes())
    }

    fn peek_char(&self) -> Option<char> {
        match self.peek()? {
            // An ASCII byte is always a whole character (and a character boundary).
            b if b.is_ascii() => Some(b as char),
            _ => self.s.get(self.pos..)?.chars().next(),
        }
    }

    fn span(&self, start: usize) -> Span {
        Span { file: self.file, start: start as u32, end: self.pos as u32 }
    }

    fn eat(&mut self, c: u8) -> bool {
        if self.peek() == Some(c) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn expect(&mut self, c: u8) -> Option<()> {
        self.eat(c).then_some(())
    }

    fn expect_str(&mut self, s: &str) -> Option<()> {
        if self.starts(s) {
            self.pos += s.len();
            Some(())
        } else {
            None
        }
    }

    /// A keyword matched as hcl-edit's tags do (a prefix), declined when an identifier
    /// character follows: there hcl-edit would split the word.
    fn keyword(&mut self, kw: &str) -> Option<()> {
        self.expect_str(kw)?;
        match self.peek_char() {
            Some(c) if is_id_continue(c) => None,
            _ => Some(()),
        }
    }

    /// Whether a keyword (whole word) starts here.
    fn at_keyword(&self, kw: &str) -> bool {
        self.starts(kw)
            && self.s.get(self.pos + kw.len()..).and_then(|r| r.chars().next()).is_none_or(|c| !is_id_continue(c))
    }

    fn enter(&mut self) -> Option<()> {
        if self.depth >= MAX_DEPTH {
            return None;
        }
        self.depth += 1;
        Some(())
    }

    fn leave(&mut self) {
        self.depth = self.depth.saturating_sub(1);
    }

    /// Spaces, tabs and `/* */` comments (hcl-edit's `sp`). Most calls find none: that case
    /// is decided inline from one byte.
    #[inline(always)]
    fn sp(&mut self) -> Option<()> {
        match self.peek() {
            Some(b' ' | b'\t' | b'/') => self.sp_slow(),
            _ => Some(()),
        }
    }

    fn sp_slow(&mut self) -> Option<()> {
        loop {
            while matches!(self.peek(), Some(b' ' | b'\t')) {
                self.pos += 1;
            }
            if self.starts("/*") {
                self.skip_block_comment()?;
            } else {
                return Some(());
            }
        }
    }

    /// Whitespace including line endings, and comments of every kind (hcl-edit's `ws`). As
    /// with [`Self::sp`], finding none is decided inline.
    #[inline(always)]
    fn ws(&mut self) -> Option<()> {
        match self.peek() {
            Some(b' ' | b'\t' | b'\r' | b'\n' | b'#' | b'/') => self.ws_slow(),
            _ => Some(()),
        }
    }

    fn ws_slow(&mut self) -> Option<()> {
        loop {
            while matches!(self.peek(), Some(b' ' | b'\t' | b'\r' | b'\n')) {
                self.pos += 1;
            }
            match (self.peek(), self.peek_at(1)) {
                (Some(b'#'), _) | (Some(b'/'), Some(b'/')) => self.skip_line(),
                (Some(b'/'), Some(b'*')) => self.skip_block_comment()?,
                _ => return Some(()),
            }
        }
    }

    #[inline(always)]
    fn ws_or_sp(&mut self, newlines: bool) -> Option<()> {
        if newlines {
            self.ws()
        } else {
            self.sp()
        }
    }

    /// At `/*`: past the closing `*/`. An unterminated comment declines.
    fn skip_block_comment(&mut self) -> Option<()> {
        let from = self.pos + 2;
        let rest = self.b.get(from..)?;
        let at = rest.windows(2).position(|w| w == b"*/")?;
        self.pos = from + at + 2;
        Some(())
    }

    /// To the end of the line (before its line ending).
    fn skip_line(&mut self) {
        let rest = self.rest();
        let n = rest.iter().position(|&c| c == b'\n' || c == b'\r').unwrap_or(rest.len());
        self.pos += n;
    }

    /// An optional `#` or `//` comment (hcl-edit's `opt(line_comment)`).
    fn opt_line_comment(&mut self) {
        if self.peek() == Some(b'#') || self.starts("//") {
            self.skip_line();
        }
    }

    fn line_ending(&mut self) -> bool {
        if self.eat(b'\n') {
            return true;
        }
        if self.starts("\r\n") {
            self.pos += 2;
            return true;
        }
        false
    }

    fn ident(&mut self) -> Option<&'a str> {
        let start = self.pos;
        let c = self.peek_char()?;
        if !is_id_start(c) {
            return None;
        }
        self.pos += c.len_utf8();
        loop {
            // The ASCII part in one tight loop; a non-ASCII character is checked on its own.
            let rest = self.rest();
            self.pos += rest.iter().position(|&b| !ID_CONTINUE_ASCII[b as usize]).unwrap_or(rest.len());
            match self.peek() {
                Some(b) if !b.is_ascii() => match self.peek_char() {
                    Some(c) if is_id_continue(c) => self.pos += c.len_utf8(),
                    _ => break,
                },
                _ => break,
            }
        }
        self.s.get(start..self.pos)
    }

    fn at_id_start(&self) -> bool {
        self.peek_char().is_some_and(is_id_start)
    }

    // ---- Structure ----

    /// A body's attributes and blocks, to its end (`}` or the end of the text, not consumed).
    fn body(&mut self) -> Option<(BTreeMap<String, Attr>, Vec<NestedBlock>)> {
        let mut attrs = BTreeMap::new();
        let mut blocks = Vec::new();
        loop {
            let before = self.pos;
            self.ws()?;
            if !self.at_id_start() {
                self.pos = before;
                break;
            }
            self.structure(&mut attrs, &mut blocks)?;
            self.sp()?;
            self.opt_line_comment();
            if !self.line_ending() && self.pos != self.b.len() {
                return None;
            }
        }
        self.ws()?;
        Some((attrs, blocks))
    }

    fn structure(&mut self, attrs: &mut BTreeMap<String, Attr>, blocks: &mut Vec<NestedBlock>) -> Option<()> {
        let start = self.pos;
        let name = self.ident()?;
        let name_span = self.span(start);
        self.sp()?;
        match self.peek()? {
            b'=' => {
                // hcl-edit rejects a second definition; its diagnostic comes from the general path.
                if attrs.contains_key(name) {
                    return None;
                }
                self.pos += 1;
                self.sp()?;
                let expr = self.root_expr()?;
                attrs.insert(name.to_string(), Attr { name: name.to_string(), expr, name_span, span: self.span(start) });
            }
            _ => {
                let mut labels = Vec::new();
                let mut header_end = name_span.end;
                loop {
                    match self.peek() {
                        Some(b'"') => {
                            let label = self.string_label()?;
                            labels.push(label);
                        }
                        Some(_) if self.at_id_start() => {
                            let label = self.ident()?;
                            labels.push(label.to_string());
                        }
                        _ => break,
                    }
                    header_end = self.pos as u32;
                    self.sp()?;
                }
                if self.peek() != Some(b'{') {
                    return None;
                }
                let body = self.block_body(start)?;
                blocks.push(NestedBlock {
                    ty: name.to_string(),
                    labels,
                    type_span: Span { file: self.file, start: name_span.start, end: header_end },
                    span: body.span,
                    body,
                });
            }
        }
        Some(())
    }

    /// A quoted block label: a string without template sequences.
    fn string_label(&mut self) -> Option<String> {
        self.expect(b'"')?;
        let text = self.literal(Mode::Quoted)?;
        self.expect(b'"')?;
        Some(text.into_owned())
    }

    /// At `{`: a block's body, multi-line or one-line (`{}`, `{ a = 1 }`); its span starts at
    /// the block's type name (`start`).
    fn block_body(&mut self, start: usize) -> Option<Body> {
        self.enter()?;
        self.expect(b'{')?;
        let after_brace = self.pos;
        self.sp()?;
        self.opt_line_comment();
        let (attrs, blocks) = if self.line_ending() {
            self.body()?
        } else {
            self.pos = after_brace;
            self.sp()?;
            let mut attrs = BTreeMap::new();
            if self.at_id_start() {
                let a_start = self.pos;
                let name = self.ident()?;
                let name_span = self.span(a_start);
                self.sp()?;
                self.expect(b'=')?;
                self.sp()?;
                let expr = self.root_expr()?;
                attrs.insert(name.to_string(), Attr { name: name.to_string(), expr, name_span, span: self.span(a_start) });
                self.sp()?;
            }
            (attrs, Vec::new())
        };
        self.expect(b'}')?;
        self.leave();
        Some(Body { attrs, blocks, span: self.span(start) })
    }

    // ---- Expressions ----
    //
    // `nl` is hcl-edit's per-expression "newlines allowed" state: set from the start inside
    // brackets, parentheses and interpolations, and set on the current expression by an array,
    // a function call or an object `for` (so that the rest of that expression may continue on
    // the next line). Where hcl-edit clones the state, the callee gets a copy.

    /// An attribute's value.
    fn root_expr(&mut self) -> Option<Expr> {
        self.ops = 0;
        let mut nl = false;
        self.expr_inner(&mut nl)
    }

    /// A nested expression (hcl-edit's `expr`, `multiline_expr`, `expr_with_state`).
    fn nested_expr(&mut self, nl: bool) -> Option<Expr> {
        self.enter()?;
        let mut nl = nl;
        let e = self.expr_inner(&mut nl)?;
        self.leave();
        Some(e)
    }

    fn expr_inner(&mut self, nl: &mut bool) -> Option<Expr> {
        let start = self.pos;
        let mut e = self.expr_term(nl)?;
        loop {
            let before = self.pos;
            self.ws_or_sp(*nl)?;
            let r = self.rest();
            let (Some(&c0), Some(&c1)) = (r.first(), r.get(1)) else {
                self.pos = before;
                return Some(e);
            };
            if c0 == b'?' {
                return self.conditional(*nl, e, start);
            }
            let comment = c0 == b'/' && (c1 == b'/' || c1 == b'*');
            if !comment && ((c0 == b'=' && c1 == b'=') || matches!(c0, b'!' | b'<' | b'>' | b'+' | b'-' | b'*' | b'/' | b'%' | b'&' | b'|')) {
                self.pos = before;
                e = self.binary_ops(*nl, e)?;
                continue;
            }
            self.pos = before;
            return Some(e);
        }
    }

    fn conditional(&mut self, nl: bool, cond: Expr, start: usize) -> Option<Expr> {
        self.expect(b'?')?;
        self.ws_or_sp(nl)?;
        let then = self.nested_expr(nl)?;
        self.ws_or_sp(nl)?;
        self.expect(b':')?;
        self.ws_or_sp(nl)?;
        let otherwise = self.nested_expr(nl)?;
        Some(Expr {
            kind: ExprKind::Conditional { cond: Box::new(cond), then: Box::new(then), otherwise: Box::new(otherwise) },
            span: self.span(start),
        })
    }

    /// A chain of binary operators after `first`, combined by precedence (all left-associative).
    fn binary_ops(&mut self, nl: bool, first: Expr) -> Option<Expr> {
        let mut operands = vec![first];
        let mut ops = Vec::new();
        loop {
            let before = self.pos;
            self.ws_or_sp(nl)?;
            let Some(op) = self.binary_operator() else {
                if ops.is_empty() {
                    return None;
                }
                self.pos = before;
                break;
            };
            self.ws_or_sp(nl)?;
            let mut operand_nl = nl;
            operands.push(self.expr_term(&mut operand_nl)?);
            ops.push(op);
        }
        self.ops += ops.len();
        if self.ops > MAX_OPERATORS {
            return None;
        }
        // Shunting-yard: equal precedence reduces first (left associativity).
        let mut out: Vec<Expr> = Vec::with_capacity(operands.len());
        let mut stack: Vec<BinOp> = Vec::new();
        let mut operands = operands.into_iter();
        out.push(operands.next()?);
        for (op, rhs) in ops.into_iter().zip(operands) {
            while stack.last().is_some_and(|&top| precedence(top) >= precedence(op)) {
                reduce(&mut out, &mut stack)?;
            }
            stack.push(op);
            out.push(rhs);
        }
        while !stack.is_empty() {
            reduce(&mut out, &mut stack)?;
        }
        if out.len() != 1 {
            return None;
        }
        out.pop()
    }

    fn binary_operator(&mut self) -> Option<BinOp> {
        let (op, len) = match (self.peek()?, self.peek_at(1)) {
            (b'=', Some(b'=')) => (BinOp::Eq, 2),
            (b'!', Some(b'=')) => (BinOp::NotEq, 2),
            (b'<', Some(b'=')) => (BinOp::LessEq, 2),
            (b'<', _) => (BinOp::Less, 1),
            (b'>', Some(b'=')) => (BinOp::GreaterEq, 2),
            (b'>', _) => (BinOp::Greater, 1),
            (b'+', _) => (BinOp::Add, 1),
            (b'-', _) => (BinOp::Sub, 1),
            (b'*', _) => (BinOp::Mul, 1),
            (b'/', Some(b'/' | b'*')) => return None,
            (b'/', _) => (BinOp::Div, 1),
            (b'%', _) => (BinOp::Mod, 1),
            (b'&', Some(b'&')) => (BinOp::And, 2),
            (b'|', Some(b'|')) => (BinOp::Or, 2),
            _ => return None,
        };
        self.pos += len;
        Some(op)
    }

    /// An expression term and the traversal after it.
    fn expr_term(&mut self, nl: &mut bool) -> Option<Expr> {
        let start = self.pos;
        let mut number = false;
        let e = match self.peek()? {
            b'"' => self.quoted()?,
            b'[' => self.array(nl)?,
            b'{' => self.object(nl)?,
            b'0'..=b'9' => {
                number = true;
                self.number(start)?
            }
            b'<' => self.heredoc()?,
            b'-' => {
                // `-` right before a number is part of the literal; with anything between, the
                // literal's text would not be a number: declined.
                self.pos += 1;
                let after = self.pos;
                self.sp()?;
                if self.peek().is_some_and(|c| c.is_ascii_digit()) {
                    if self.pos != after {
                        return None;
                    }
                    number = true;
                    self.number(start)?
                } else {
                    self.pos = start;
                    self.unary(*nl, UnOp::Neg)?
                }
            }
            b'!' => self.unary(*nl, UnOp::Not)?,
            b'(' => self.parens()?,
            _ if self.at_id_start() => self.identlike(nl)?,
            _ => return None,
        };
        let before = self.pos;
        self.ws_or_sp(*nl)?;
        let r = self.rest();
        if r.len() >= 2 && !r.starts_with(b"..") && (r[0] == b'.' || r[0] == b'[') {
            // hcl-edit reads `1.x` and `1.5.0` its own way; rare enough to leave to it.
            if number {
                return None;
            }
            return self.traversal(*nl, e, start);
        }
        self.pos = before;
        Some(e)
    }

    fn traversal(&mut self, nl: bool, source: Expr, start: usize) -> Option<Expr> {
        let mut steps = Vec::new();
        loop {
            let before = self.pos;
            self.ws_or_sp(nl)?;
            if self.starts("..") {
                self.pos = before;
                break;
            }
            let op_start = self.pos;
            match self.peek() {
                Some(b'.') => {
                    self.pos += 1;
                    self.ws()?;
                    match self.peek()? {
                        b'*' => {
                            self.pos += 1;
                            steps.push(Step::AttrSplat(self.span(op_start)));
                        }
                        b'0'..=b'9' => {
                            let digits_start = self.pos;
                            while self.peek().is_some_and(|c| c.is_ascii_digit()) {
                                self.pos += 1;
                            }
                            let digits = self.s.get(digits_start..self.pos)?;
                            if digits.len() > 1 && digits.starts_with('0') {
                                return None;
                            }
                            let n: u64 = digits.parse().ok()?;
                            let span = self.span(op_start);
                            steps.push(Step::Index(Box::new(Expr::literal(Value::number(Number::from_u64(n)), span)), span));
                        }
                        _ => {
                            let name = self.ident()?;
                            steps.push(Step::Attr(self.names.get(name), self.span(op_start)));
                        }
                    }
                }
                Some(b'[') => {
                    self.pos += 1;
                    self.ws()?;
                    if self.eat(b'*') {
                        self.ws()?;
                        self.expect(b']')?;
                        steps.push(Step::Splat(self.span(op_start)));
                    } else {
                        let index = self.nested_expr(true)?;
                        self.ws()?;
                        self.expect(b']')?;
                        steps.push(Step::Index(Box::new(index), self.span(op_start)));
                    }
                }
                _ => {
                    self.pos = before;
                    break;
                }
            }
        }
        if steps.is_empty() {
            return None;
        }
        let span = self.span(start);
        let kind = match source.kind {
            ExprKind::Traversal { root, root_span, steps: none } if none.is_empty() => {
                ExprKind::Traversal { root, root_span, steps }
            }
            kind => ExprKind::Relative { source: Box::new(Expr { kind, span: source.span }), steps },
        };
        Some(Expr { kind, span })
    }

    fn unary(&mut self, nl: bool, op: UnOp) -> Option<Expr> {
        let start = self.pos;
        self.pos += 1;
        self.sp()?;
        self.enter()?;
        let mut operand_nl = nl;
        let operand = self.expr_term(&mut operand_nl)?;
        self.leave();
        Some(Expr { kind: ExprKind::Unary { op, operand: Box::new(operand) }, span: self.span(start) })
    }

    fn parens(&mut self) -> Option<Expr> {
        let start = self.pos;
        self.expect(b'(')?;
        self.ws()?;
        let inner = self.nested_expr(true)?;
        self.ws()?;
        self.expect(b')')?;
        Some(Expr { kind: ExprKind::Parens(Box::new(inner)), span: self.span(start) })
    }

    /// A number literal at `start` (after an optional `-`). Its value is the lowering's
    /// (`Number::parse` of the text); the parser declines wherever hcl-edit's own reading of
    /// the digits would have been used or would have failed.
    fn number(&mut self, start: usize) -> Option<Expr> {
        let digits_start = self.pos;
        self.digits()?;
        let mut float = false;
        if self.peek() == Some(b'.') && self.peek_at(1).is_some_and(|c| c.is_ascii_digit()) {
            self.pos += 1;
            self.digits()?;
            float = true;
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.pos += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.pos += 1;
            }
            self.digits()?;
            float = true;
        }
        // hcl-edit's own reading must succeed as the one it takes: a finite float, or an
        // integer that fits a u64 or else a finite float.
        let unsigned = self.s.get(digits_start..self.pos)?;
        // Most numbers are small integers: the float reading is needed only when the u64 one
        // fails (parsing it first was a tenth of parsing a number-heavy file).
        let finite = || unsigned.parse::<f64>().is_ok_and(f64::is_finite);
        let readable = if float { finite() } else { unsigned.parse::<u64>().is_ok() || finite() };
        if !readable {
            return None;
        }
        let raw = self.s.get(start..self.pos)?;
        let n = Number::parse(raw)?;
        Some(Expr::literal(Value::number(n), self.span(start)))
    }

    fn digits(&mut self) -> Option<()> {
        let start = self.pos;
        while self.peek().is_some_and(|c| c.is_ascii_digit()) {
            self.pos += 1;
        }
        (self.pos > start).then_some(())
    }

    /// An identifier: a function call, a keyword literal or a variable.
    fn identlike(&mut self, nl: &mut bool) -> Option<Expr> {
        let start = self.pos;
        let name = self.ident()?;
        let name_span = self.span(start);
        let before = self.pos;
        self.ws_or_sp(*nl)?;
        let r = self.rest();
        if r.len() >= 2 && (r.starts_with(b"::") || r[0] == b'(') {
            let mut full: Cow<'a, str> = Cow::Borrowed(name);
            let mut last_span = name_span;
            if r.starts_with(b"::") {
                let mut joined = String::from(name);
                while self.starts("::") {
                    self.pos += 2;
                    self.ws_or_sp(*nl)?;
                    let s = self.pos;
                    let part = self.ident()?;
                    last_span = self.span(s);
                    self.ws_or_sp(*nl)?;
                    joined.push_str("::");
                    joined.push_str(part);
                }
                full = Cow::Owned(joined);
            }
            *nl = true;
            let (args, expand_final) = self.call_args()?;
            return Some(Expr {
                kind: ExprKind::Call { name: self.call_name(full), name_span: last_span, args, expand_final },
                span: self.span(start),
            });
        }
        self.pos = before;
        let kind = match name {
            "null" => ExprKind::Literal(Value::dynamic_null()),
            "true" => ExprKind::Literal(Value::bool(true)),
            "false" => ExprKind::Literal(Value::bool(false)),
            _ => ExprKind::Traversal { root: self.names.get(name), root_span: name_span, steps: Vec::new() },
        };
        Some(Expr { kind, span: name_span })
    }

    /// A function's name: shared unless it was joined from `::` parts.
    fn call_name(&mut self, full: Cow<'a, str>) -> Arc<str> {
        match full {
            Cow::Borrowed(name) => self.names.get(name),
            Cow::Owned(name) => Arc::from(name),
        }
    }

    /// At `(`: a call's arguments, and whether the last one is expanded (`...`).
    fn call_args(&mut self) -> Option<(Vec<Expr>, bool)> {
        self.expect(b'(')?;
        let mut args = Vec::new();
        let mut expand = false;
        let before = self.pos;
        self.ws()?;
        match self.peek()? {
            b',' | b'.' | b')' => self.pos = before,
            _ => {
                args.push(self.nested_expr(true)?);
                self.ws()?;
                while self.peek() == Some(b',') {
                    let comma = self.pos;
                    self.pos += 1;
                    self.ws()?;
                    match self.peek() {
                        None | Some(b',' | b'.' | b')') => {
                            self.pos = comma;
                            break;
                        }
                        Some(_) => {
                            args.push(self.nested_expr(true)?);
                            self.ws()?;
                        }
                    }
                }
                match self.peek() {
                    Some(b',') => self.pos += 1,
                    Some(b'.') => {
                        self.expect_str("...")?;
                        expand = true;
                    }
                    _ => {}
                }
            }
        }
        self.ws()?;
        self.expect(b')')?;
        Some((args, expand))
    }

    /// Whether `for` (as hcl-edit recognises it) follows the opening bracket.
    fn for_ahead(&mut self) -> Option<bool> {
        let before = self.pos;
        self.ws()?;
        let yes = self.starts("for") && matches!(self.peek_at(3), Some(b' ' | b'\t' | b'#' | b'/' | b'\n'));
        self.pos = before;
        Some(yes)
    }

    fn array(&mut self, nl: &mut bool) -> Option<Expr> {
        let start = self.pos;
        *nl = true;
        self.expect(b'[')?;
        if self.for_ahead()? {
            let (key_var, value_var, collection) = self.for_intro()?;
            self.ws()?;
            let value = self.nested_expr(*nl)?;
            self.ws()?;
            let cond = self.for_cond(*nl)?;
            self.expect(b']')?;
            let f = ForExpr { key_var, value_var, collection, key: None, value, cond, grouping: false };
            return Some(Expr { kind: ExprKind::For(Box::new(f)), span: self.span(start) });
        }
        let mut items = Vec::new();
        let before = self.pos;
        self.ws()?;
        if self.peek() == Some(b']') {
            self.pos = before;
        } else {
            items.push(self.nested_expr(*nl)?);
            self.ws()?;
            while self.peek() == Some(b',') {
                let comma = self.pos;
                self.pos += 1;
                self.ws()?;
                if self.peek() == Some(b']') {
                    self.pos = comma;
                    break;
                }
                items.push(self.nested_expr(*nl)?);
                self.ws()?;
            }
        }
        if self.eat(b',') && items.is_empty() {
            // `[,]`: hcl-edit's reading, not HCL's.
            return None;
        }
        self.ws()?;
        self.expect(b']')?;
        Some(Expr { kind: ExprKind::Tuple(items), span: self.span(start) })
    }

    /// `for k, v in coll :` (after the opening bracket).
/// `NAME [, NAME] in COLLECTION` of a `for` expression or `%{for}` directive, with the
    /// whitespace after it.
    fn for_vars_and_collection(&mut self) -> Option<(&'a str, Option<&'a str>, Expr)> {
        let first = self.ident()?;
        self.ws()?;
        let second = if self.eat(b',') {
            self.ws()?;
            let v = self.ident()?;
            self.ws()?;
            Some(v)
        } else {
            None
        };
        self.keyword("in")?;
        self.ws()?;
        let collection = self.nested_expr(false)?;
        self.ws()?;
        Some((first, second, collection))
    }

        fn for_intro(&mut self) -> Option<(Option<Arc<str>>, Arc<str>, Expr)> {
        self.ws()?;
        self.expect_str("for")?;
        self.ws()?;
        let (first, second, collection) = self.for_vars_and_collection()?;
        self.expect(b':')?;
        let (key_var, value_var) = match second {
            Some(v) => (Some(self.names.get(first)), self.names.get(v)),
            None => (None, self.names.get(first)),
        };
        Some((key_var, value_var, collection))
    }

    /// An optional `if cond` of a `for` expression.
    fn for_cond(&mut self, nl: bool) -> Option<Option<Expr>> {
        let before = self.pos;
        self.ws()?;
        if !self.starts("if") {
            self.pos = before;
            return Some(None);
        }
        self.keyword("if")?;
        self.ws()?;
        let cond = self.nested_expr(nl)?;
        self.ws()?;
        Some(Some(cond))
    }

    fn object(&mut self, nl: &mut bool) -> Option<Expr> {
        let start = self.pos;
        self.expect(b'{')?;
        if self.for_ahead()? {
            *nl = true;
            let (key_var, value_var, collection) = self.for_intro()?;
            self.ws()?;
            let key = self.nested_expr(false)?;
            self.ws()?;
            self.expect_str("=>")?;
            self.ws()?;
            let value = self.nested_expr(false)?;
            self.ws()?;
            let grouping = if self.starts("...") {
                self.pos += 3;
                self.ws()?;
                true
            } else {
                false
            };
            let cond = self.for_cond(*nl)?;
            self.expect(b'}')?;
            let f = ForExpr { key_var, value_var, collection, key: Some(key), value, cond, grouping };
            return Some(Expr { kind: ExprKind::For(Box::new(f)), span: self.span(start) });
        }
        let mut items: Vec<(Expr, Expr)> = Vec::new();
        let mut ident_keys: Vec<bool> = Vec::new();
        loop {
            self.ws()?;
            if self.peek()? == b'}' {
                break;
            }
            let key = self.nested_expr(false)?;
            self.sp()?;
            // A bare identifier key is its name as a string.
            let (key, ident) = match key.kind {
                ExprKind::Traversal { root, root_span, steps } if steps.is_empty() => {
                    (Expr::literal(self.names.value_of(&root), root_span), true)
                }
                kind => (Expr { kind, span: key.span }, false),
            };
            match self.peek()? {
                b'=' | b':' => self.pos += 1,
                _ => return None,
            }
            self.sp()?;
            let value = self.nested_expr(false)?;
            self.sp()?;
            items.push((key, value));
            ident_keys.push(ident);
            match self.peek()? {
                b'}' => break,
                b',' | b'\n' => self.pos += 1,
                b'\r' => self.expect_str("\r\n")?,
                b'#' | b'/' => {
                    if !(self.peek() == Some(b'#') || self.starts("//")) {
                        return None;
                    }
                    self.skip_line();
                    if !self.line_ending() {
                        return None;
                    }
                }
                _ => return None,
            }
        }
        self.expect(b'}')?;
        if !keys_distinct(&items, &ident_keys) {
            return None;
        }
        Some(Expr { kind: ExprKind::Object(items), span: self.span(start) })
    }

    // ---- Templates ----

    /// At `"`: a string literal or a string template.
    fn quoted(&mut self) -> Option<Expr> {
        let start = self.pos;
        self.expect(b'"')?;
        let first = self.literal(Mode::Quoted)?;
        if self.peek() == Some(b'"') {
            self.pos += 1;
            let value = match first {
                Cow::Borrowed(text) => self.names.value(text),
                Cow::Owned(text) => Value::string(text),
            };
            return Some(Expr::literal(value, self.span(start)));
        }
        let mut els = Vec::new();
        if !first.is_empty() {
            els.push(El::Lit(first));
        }
        self.elements(Mode::Quoted, &mut els)?;
        self.expect(b'"')?;
        let span = self.span(start);
        Some(wrap_template(template_elements(els), span))
    }

    /// At `<<`: a heredoc, processed as the lowering processes it.
    fn heredoc(&mut self) -> Option<Expr> {
        let start = self.pos;
        self.expect_str("<<")?;
        let flush = self.eat(b'-');
        let marker = self.ident()?;
        if !self.line_ending() {
            return None;
        }
        // A first line that is already the end marker: hcl-edit finds the end elsewhere.
        if self.heredoc_end_at(self.pos, marker).is_some() {
            return None;
        }
        let mut els = Vec::new();
        self.elements(Mode::Heredoc(marker), &mut els)?;
        let le_start = self.pos;
        if !self.line_ending() {
            return None;
        }
        let line_ending = self.s.get(le_start..self.pos)?;
        // hcl-edit gives the line ending before the marker to the last literal.
        match els.last_mut() {
            Some(El::Lit(s)) => s.to_mut().push_str(line_ending),
            _ => els.push(El::Lit(Cow::Borrowed(line_ending))),
        }
        while matches!(self.peek(), Some(b' ' | b'\t')) {
            self.pos += 1;
        }
        self.expect_str(marker)?;
        if self.peek_char().is_some_and(is_id_continue) {
            return None;
        }
        let span = self.span(start);
        let mut toks = Vec::new();
        flatten(els, true, &mut toks);
        let mut toks = apply_strips(toks);
        if flush {
            flush_heredoc(&mut toks);
        }
        Some(wrap_template(build_tree(toks), span))
    }

    /// Whether a heredoc's end marker line starts at `at` (a line start): spaces, the marker,
    /// no identifier character after it.
    fn heredoc_end_at(&self, at: usize, marker: &str) -> Option<()> {
        let mut i = at;
        while matches!(self.b.get(i), Some(b' ' | b'\t')) {
            i += 1;
        }
        let rest = self.s.get(i..)?;
        let after = rest.strip_prefix(marker)?;
        match after.chars().next() {
            Some(c) if is_id_continue(c) => None,
            _ => Some(()),
        }
    }

    /// Template elements up to what ends them in `mode` (a closing quote, a heredoc's end, an
    /// `else`/`endif`/`endfor` directive or the end of the text), not consumed.
    fn elements(&mut self, mode: Mode<'a>, out: &mut Vec<El<'a>>) -> Option<()> {
        loop {
            let lit = self.literal(mode)?;
            if !lit.is_empty() {
                out.push(El::Lit(lit));
            }
            if self.starts("${") {
                self.pos += 2;
                let s0 = self.eat(b'~');
                self.ws()?;
                let e = self.nested_expr(true)?;
                self.ws()?;
                let s1 = self.eat(b'~');
                self.expect(b'}')?;
                out.push(El::Interp(e, s0, s1));
            } else if self.starts("%{") {
                let at = self.pos;
                self.pos += 2;
                self.eat(b'~');
                self.ws()?;
                let is_if = self.at_keyword("if");
                let is_for = self.at_keyword("for");
                let is_end = self.at_keyword("else") || self.at_keyword("endif") || self.at_keyword("endfor");
                self.pos = at;
                if is_if {
                    out.push(self.if_directive(mode)?);
                } else if is_for {
                    out.push(self.for_directive(mode)?);
                } else if is_end {
                    return Some(());
                } else {
                    return None;
                }
            } else {
                return Some(());
            }
        }
    }

    /// `%{` with its strip marker, the keyword, and whitespace after it.
    fn directive_open(&mut self, kw: &str) -> Option<bool> {
        self.expect_str("%{")?;
        let strip = self.eat(b'~');
        self.ws()?;
        self.keyword(kw)?;
        self.ws()?;
        Some(strip)
    }

    /// An optional strip marker and the closing `}` of a directive.
    fn directive_close(&mut self) -> Option<bool> {
        let strip = self.eat(b'~');
        self.expect(b'}')?;
        Some(strip)
    }

    /// A directive's body, as hcl-edit reads it in `mode`'s context.
    fn directive_body(&mut self, mode: Mode<'a>) -> Option<(Vec<El<'a>>, Span)> {
        let body_mode = match mode {
            Mode::Quoted | Mode::QuotedDirective => Mode::QuotedDirective,
            Mode::Heredoc(_) | Mode::Template => Mode::Template,
        };
        self.enter()?;
        let start = self.pos;
        let mut els = Vec::new();
        self.elements(body_mode, &mut els)?;
        let span = self.span(start);
        self.leave();
        Some((els, span))
    }

    fn if_directive(&mut self, mode: Mode<'a>) -> Option<El<'a>> {
        let s0 = self.directive_open("if")?;
        let cond = self.nested_expr(false)?;
        self.ws()?;
        let s1 = self.directive_close()?;
        let (then, then_span) = self.directive_body(mode)?;
        let mut otherwise = None;
        let at = self.pos;
        self.expect_str("%{")?;
        self.eat(b'~');
        self.ws()?;
        let has_else = self.at_keyword("else");
        self.pos = at;
        if has_else {
            let e0 = self.directive_open("else")?;
            let e1 = self.directive_close()?;
            let (els, _) = self.directive_body(mode)?;
            otherwise = Some(((e0, e1), els));
        }
        let n0 = self.directive_open("endif")?;
        let n1 = self.directive_close()?;
        Some(El::If { cond, strip: (s0, s1), then, then_span, otherwise, endif: (n0, n1) })
    }

    fn for_directive(&mut self, mode: Mode<'a>) -> Option<El<'a>> {
        let s0 = self.directive_open("for")?;
        let (first, second, collection) = self.for_vars_and_collection()?;
        let s1 = self.directive_close()?;
        let (body, body_span) = self.directive_body(mode)?;
        let e0 = self.directive_open("endfor")?;
        let e1 = self.directive_close()?;
        let (key_var, value_var) = match second {
            Some(v) => (Some(self.names.get(first)), self.names.get(v)),
            None => (None, self.names.get(first)),
        };
        Some(El::For { key_var, value_var, collection, strip: (s0, s1), body, body_span, endfor: (e0, e1) })
    }

    /// A template literal up to `${`, `%{` or what ends it in `mode`; `$${` and `%%{` are
    /// literal `${` and `%{`, and in a quoted string backslash escapes apply. Borrowed from the
    /// text unless an escape changed it.
    fn literal(&mut self, mode: Mode<'a>) -> Option<Cow<'a, str>> {
        let start = self.pos;
        let mut owned: Option<String> = None;
        let mut seg = self.pos;
        loop {
            // Bytes that mean nothing in any mode are skipped in one tight loop.
            while self.b.get(self.pos).is_some_and(|&c| !LITERAL_SPECIAL[c as usize]) {
                self.pos += 1;
            }
            let Some(c) = self.peek() else { break };
            match c {
                b'$' | b'%' if self.peek_at(1) == Some(c) && self.peek_at(2) == Some(b'{') => {
                    let buf = owned.get_or_insert_with(String::new);
                    buf.push_str(self.s.get(seg..self.pos)?);
                    buf.push(c as char);
                    buf.push('{');
                    self.pos += 3;
                    seg = self.pos;
                    continue;
                }
                b'$' | b'%' if self.peek_at(1) == Some(b'{') => break,
                _ => {}
            }
            match mode {
                Mode::Quoted => match c {
                    b'"' => break,
                    b'\n' => return None,
                    b'\\' => {
                        let buf = owned.get_or_insert_with(String::new);
                        buf.push_str(self.s.get(seg..self.pos)?);
                        self.pos += 1;
                        let ch = self.escape()?;
                        buf.push(ch);
                        seg = self.pos;
                        continue;
                    }
                    _ => {}
                },
                Mode::QuotedDirective => {
                    if matches!(c, b'"' | b'\\' | b'\n') {
                        return None;
                    }
                }
                Mode::Heredoc(marker) => {
                    if c == b'\n' || (c == b'\r' && self.peek_at(1) == Some(b'\n')) {
                        let next_line = self.pos + if c == b'\n' { 1 } else { 2 };
                        if self.heredoc_end_at(next_line, marker).is_some() {
                            break;
                        }
                    }
                }
                Mode::Template => {}
            }
            self.pos += 1;
        }
        let tail = self.s.get(seg..self.pos)?;
        Some(match owned {
            Some(mut buf) => {
                buf.push_str(tail);
                Cow::Owned(buf)
            }
            None => Cow::Borrowed(self.s.get(start..self.pos)?),
        })
    }

    /// After a backslash in a quoted string: the escaped character.
    fn escape(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.pos += 1;
        Some(match c {
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b'\\' => '\\',
            b'"' => '"',
            b'u' => self.hex_escape(4)?,
            b'U' => self.hex_escape(8)?,
            _ => return None,
        })
    }

    fn hex_escape(&mut self, n: usize) -> Option<char> {
        let hex = self.s.get(self.pos..self.pos + n)?;
        if !hex.bytes().all(|c| c.is_ascii_hexdigit()) {
            return None;
        }
        self.pos += n;
        char::from_u32(u32::from_str_radix(hex, 16).ok()?)
    }
}

fn precedence(op: BinOp) -> u8 {
    match op {
        BinOp::Mul | BinOp::Div | BinOp::Mod => 6,
        BinOp::Add | BinOp::Sub => 5,
        BinOp::Less | BinOp::LessEq | BinOp::Greater | BinOp::GreaterEq => 4,
        BinOp::Eq | BinOp::NotEq => 3,
        BinOp::And => 2,
        BinOp::Or => 1,
    }
}

fn reduce(out: &mut Vec<Expr>, stack: &mut Vec<BinOp>) -> Option<()> {
    let op = stack.pop()?;
    let rhs = out.pop()?;
    let lhs = out.pop()?;
    let span = Span { file: lhs.span.file, start: lhs.span.start, end: rhs.span.end };
    out.push(Expr { kind: ExprKind::Binary { op, lhs: Box::new(lhs), rhs: Box::new(rhs) }, span });
    Some(())
}

/// Whether an object's keys are certainly distinct as hcl-edit compares them (it rejects an
/// object with a repeated key). Identifier keys compare by name; other keys are compared
/// coarsely (any two string literals with the same text, any two other literals, any two keys
/// of the same other kind count as possibly equal), so that "distinct" is never wrong.
fn keys_distinct(items: &[(Expr, Expr)], ident_keys: &[bool]) -> bool {
    if items.len() < 2 {
        return true;
    }
    let classes = items.iter().zip(ident_keys).map(|((k, _), &ident)| key_class(k, ident));
    // Most objects are small: compared pairwise without allocating.
    if items.len() <= 16 {
        let mut seen: [(u8, &str); 16] = [(u8::MAX, ""); 16];
        for (i, class) in classes.enumerate() {
            if seen.iter().take(i).any(|s| *s == class) {
                return false;
            }
            if let Some(slot) = seen.get_mut(i) {
                *slot = class;
            }
        }
        return true;
    }
    let mut classes: Vec<(u8, &str)> = classes.collect();
    classes.sort_unstable();
    classes.windows(2).all(|w| w[0] != w[1])
}

/// An object key's equivalence class for [`keys_distinct`].
fn key_class(k: &Expr, ident: bool) -> (u8, &str) {
    match &k.kind {
        ExprKind::Literal(v) if ident => (0, v.as_str().unwrap_or("")),
        ExprKind::Literal(v) => match v.as_str() {
            Some(s) => (1, s),
            None => (2, ""),
        },
        ExprKind::Template(_) => (3, ""),
        ExprKind::TemplateWrap(_) => (4, ""),
        ExprKind::Tuple(_) => (5, ""),
        ExprKind::Object(_) => (6, ""),
        ExprKind::Traversal { .. } => (7, ""),
        ExprKind::Relative { .. } => (8, ""),
        ExprKind::Call { .. } => (9, ""),
        ExprKind::Unary { .. } => (10, ""),
        ExprKind::Binary { .. } => (11, ""),
        ExprKind::Conditional { .. } => (12, ""),
        ExprKind::For(_) => (13, ""),
        ExprKind::Parens(_) => (14, ""),
    }
}

/// The lowering's `flatten`: HCL's flat token sequence of template elements.
fn flatten(els: Vec<El<'_>>, split_lines: bool, out: &mut Vec<Tok>) {
    for el in els {
        match el {
            El::Lit(text) => {
                if split_lines {
                    for line in text.split_inclusive('\n') {
                        out.push(Tok::Lit(line.to_string()));
                    }
                } else {
                    out.push(Tok::Lit(text.into_owned()));
                }
            }
            El::Interp(e, a, b) => out.push(Tok::Interp(e, a, b)),
            El::If { cond, strip, then, then_span, otherwise, endif } => {
                out.push(Tok::If(cond, then_span, strip.0, strip.1));
                flatten(then, split_lines, out);
                if let Some((es, body)) = otherwise {
                    out.push(Tok::Else(es.0, es.1));
                    flatten(body, split_lines, out);
                }
                out.push(Tok::EndIf(endif.0, endif.1));
            }
            El::For { key_var, value_var, collection, strip, body, body_span, endfor } => {
                out.push(Tok::For(key_var, value_var, collection, body_span, strip.0, strip.1));
                flatten(body, split_lines, out);
                out.push(Tok::EndFor(endfor.0, endfor.1));
            }
        }
    }
}

/// The lowering's `template`: a directive body's parts.
fn template(els: Vec<El<'_>>) -> Vec<TemplatePart> {
    let mut flat = Vec::new();
    flatten(els, false, &mut flat);
    build_tree(apply_strips(flat))
}

/// The lowering's `template_elements`: a quoted string template's parts.
fn template_elements(els: Vec<El<'_>>) -> Vec<TemplatePart> {
    let mut parts: Vec<(TemplatePart, bool, bool)> = Vec::with_capacity(els.len());
    for el in els {
        match el {
            El::Lit(s) => parts.push((TemplatePart::Literal(Arc::from(s.as_ref())), false, false)),
            El::Interp(e, a, b) => parts.push((TemplatePart::Interp(e), a, b)),
            El::If { cond, strip, then, then_span, otherwise, endif } => {
                let mut then = template(then);
                strip_first(&mut then, strip.1);
                let mut other = Vec::new();
                let mut last_strip = endif.0;
                if let Some((es, body)) = otherwise {
                    strip_last(&mut then, es.0);
                    other = template(body);
                    strip_first(&mut other, es.1);
                    strip_last(&mut other, last_strip);
                    last_strip = false;
                }
                strip_last(&mut then, last_strip);
                parts.push((TemplatePart::If { cond, then, otherwise: other, span: then_span }, strip.0, endif.1));
            }
            El::For { key_var, value_var, collection, strip, body, body_span, endfor } => {
                let mut body = template(body);
                strip_first(&mut body, strip.1);
                strip_last(&mut body, endfor.0);
                parts.push((TemplatePart::For { key_var, value_var, collection, body, span: body_span }, strip.0, endfor.1));
            }
        }
    }
    apply_directive_strips(parts)
}
