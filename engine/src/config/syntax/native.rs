//! HCL's native-syntax parser (`hclsyntax/parser.go`, `parser_template.go`), reduced to what
//! its diagnostics need: the same recursive descent, the same recovery moves and the same
//! `recovery` flag that silences follow-on errors, so that a broken file yields exactly the
//! diagnostics HCL reports, at the same ranges. It builds only a skeleton of the file (argument
//! names and blocks), which the Terraform-level checks in `decode` look at, as Terraform
//! decodes HCL's partial result even when parsing failed.

use super::scan::{Rng, Tk, Token};
use super::{go_quote, name_suggestion, range_string, Diag};

/// One argument of a partially parsed body.
pub(crate) struct Attribute {
    pub name: String,
    pub name_range: Rng,
}

/// One block of a partially parsed body.
pub(crate) struct Block {
    pub ty: String,
    pub ty_range: Rng,
    pub labels: Vec<String>,
    pub label_ranges: Vec<Rng>,
    pub open_brace_range: Rng,
    pub body: Body,
}

/// A partially parsed body: what HCL's parser returns alongside its errors.
#[derive(Default)]
pub(crate) struct Body {
    pub attrs: Vec<Attribute>,
    pub blocks: Vec<Block>,
    /// Where HCL reports a missing required argument (`MissingItemRange`: the start of the
    /// body's range, i.e. its opening brace).
    pub missing_item: Rng,
}

enum Item {
    Attr(Attribute),
    Block(Block),
}

/// An expression, reduced to its source range.
#[derive(Clone, Copy)]
struct Ex {
    range: Rng,
}

type Diags = Vec<Diag>;

fn diag(summary: &str, detail: impl Into<String>, subject: Rng, context: Option<Rng>) -> Diag {
    Diag { summary: summary.to_owned(), detail: detail.into(), subject, context }
}

/// The operators of each precedence level, loosest first (`binaryOps`).
const BINARY_OPS: [&[Tk]; 6] = [
    &[Tk::Or],
    &[Tk::And],
    &[Tk::EqualOp, Tk::NotEqual],
    &[Tk::GreaterThan, Tk::GreaterThanEq, Tk::LessThan, Tk::LessThanEq],
    &[Tk::Plus, Tk::Minus],
    &[Tk::Star, Tk::Slash, Tk::Percent],
];

pub(crate) struct Parser<'a> {
    text: &'a str,
    filename: &'a str,
    tokens: &'a [Token],
    next: usize,
    newlines: Vec<bool>,
    recovery: bool,
}

impl<'a> Parser<'a> {
    /// `text` is the scanned text (without a byte-order mark); `tokens` always end with `Eof`.
    pub(crate) fn new(text: &'a str, filename: &'a str, tokens: &'a [Token]) -> Parser<'a> {
        Parser { text, filename, tokens, next: 0, newlines: vec![true], recovery: false }
    }

    // ---- the peeker -------------------------------------------------------------------------

    fn eof(&self) -> Token {
        match self.tokens.last() {
            Some(t) => *t,
            None => Token { kind: Tk::Eof, start: 0, end: 0, range: Rng::default() },
        }
    }

    fn next_token(&self) -> (Token, usize) {
        let include = self.newlines.last().copied().unwrap_or(true);
        let mut i = self.next;
        while let Some(tok) = self.tokens.get(i) {
            match tok.kind {
                Tk::Comment => {
                    // A comment ending in a newline stands for that newline where newlines count.
                    if include && self.bytes(tok).ends_with('\n') {
                        let fake = Token { kind: Tk::Newline, start: tok.end - 1, end: tok.end, range: tok.range };
                        return (fake, i + 1);
                    }
                }
                Tk::Newline if !include => {}
                _ => return (*tok, i + 1),
            }
            i += 1;
        }
        (self.eof(), self.tokens.len())
    }

    fn peek(&self) -> Token {
        self.next_token().0
    }

    fn read(&mut self) -> Token {
        let (tok, next) = self.next_token();
        self.next = next;
        tok
    }

    fn next_range(&self) -> Rng {
        self.peek().range
    }

    fn prev_range(&self) -> Rng {
        match self.next.checked_sub(1).and_then(|i| self.tokens.get(i)) {
            Some(t) => t.range,
            None => self.next_range(),
        }
    }

    fn push_nl(&mut self, include: bool) {
        self.newlines.push(include);
    }

    fn pop_nl(&mut self) {
        if self.newlines.len() > 1 {
            self.newlines.pop();
        }
    }

    fn bytes(&self, tok: &Token) -> &'a str {
        self.text.get(tok.start..tok.end).unwrap_or("")
    }

    fn is_keyword(&self, tok: &Token, kw: &str) -> bool {
        tok.kind == Tk::Ident && self.bytes(tok) == kw
    }

    fn rs(&self, r: Rng) -> String {
        range_string(self.filename, r)
    }

    // ---- recovery ---------------------------------------------------------------------------

    fn set_recovery(&mut self) {
        self.recovery = true;
    }

    /// Skips to just after the `end` token closing the current bracket (`recover`).
    fn recover(&mut self, end: Tk) -> Token {
        let start = opposite(end);
        self.recovery = true;
        let mut nest = 0;
        loop {
            let tok = self.read();
            let mut ty = tok.kind;
            if end == Tk::TemplateSeqEnd && ty == Tk::TemplateControl {
                ty = Tk::TemplateInterp;
            }
            if ty == start && start != Tk::Nil {
                nest += 1;
            } else if ty == end {
                if nest < 1 {
                    return tok;
                }
                nest -= 1;
            } else if ty == Tk::Eof {
                return tok;
            }
        }
    }

    fn recover_over(&mut self, start: Tk) {
        loop {
            let tok = self.read();
            if tok.kind == start || tok.kind == Tk::Eof {
                break;
            }
        }
        self.recover(opposite(start));
    }

    fn recover_after_body_item(&mut self) {
        self.recovery = true;
        let mut open: Vec<Tk> = Vec::new();
        loop {
            let tok = self.read();
            match tok.kind {
                Tk::Newline if open.is_empty() => break,
                Tk::Eof => break,
                Tk::OBrace | Tk::OBrack | Tk::OParen | Tk::OQuote | Tk::OHeredoc | Tk::TemplateInterp | Tk::TemplateControl => {
                    open.push(tok.kind)
                }
                Tk::CBrace | Tk::CBrack | Tk::CParen | Tk::CQuote | Tk::CHeredoc => {
                    let opener = opposite(tok.kind);
                    while open.last().is_some_and(|o| *o != opener) {
                        open.pop();
                    }
                    open.pop();
                }
                Tk::TemplateSeqEnd => {
                    while open.last().is_some_and(|o| *o != Tk::TemplateInterp && *o != Tk::TemplateControl) {
                        open.pop();
                    }
                    open.pop();
                }
                _ => {}
            }
        }
    }

    // ---- structure --------------------------------------------------------------------------

    pub(crate) fn parse_body(&mut self, end: Tk) -> (Body, Diags) {
        let mut body = Body::default();
        let mut diags = Diags::new();
        let start_range = self.prev_range();
        loop {
            let next = self.peek();
            if next.kind == end {
                self.read();
                break;
            }
            match next.kind {
                Tk::Newline => {
                    self.read();
                }
                Tk::Ident => {
                    let (item, item_diags) = self.parse_body_item();
                    diags.extend(item_diags);
                    match item {
                        Some(Item::Block(b)) => body.blocks.push(b),
                        Some(Item::Attr(a)) => {
                            if let Some(existing) = body.attrs.iter().find(|e| e.name == a.name) {
                                diags.push(diag(
                                    "Attribute redefined",
                                    format!(
                                        "The argument {} was already set at {}. Each argument may be set only once.",
                                        go_quote(&a.name),
                                        self.rs(existing.name_range)
                                    ),
                                    a.name_range,
                                    None,
                                ));
                            } else {
                                body.attrs.push(a);
                            }
                        }
                        None => {}
                    }
                }
                _ => {
                    let bad = self.read();
                    if !self.recovery {
                        diags.push(match bad.kind {
                            Tk::OQuote => diag("Invalid argument name", "Argument names must not be quoted.", bad.range, None),
                            Tk::Eof if end == Tk::CBrace => diag(
                                "Unclosed configuration block",
                                "There is no closing brace for this block before the end of the file. This may be caused by incorrect brace nesting elsewhere in this file.",
                                start_range,
                                None,
                            ),
                            Tk::Eof => diag(
                                "Unclosed configuration body",
                                "Found end of file before the end of this configuration body.",
                                start_range,
                                None,
                            ),
                            _ => diag(
                                "Argument or block definition required",
                                "An argument or block definition is required here.",
                                bad.range,
                                None,
                            ),
                        });
                    }
                    self.recover(end);
                    break;
                }
            }
        }
        body.missing_item = Rng::at(start_range.start);
        (body, diags)
    }

    fn parse_body_item(&mut self) -> (Option<Item>, Diags) {
        let ident = self.read();
        if ident.kind != Tk::Ident {
            self.recover_after_body_item();
            return (
                None,
                vec![diag(
                    "Argument or block definition required",
                    "An argument or block definition is required here.",
                    ident.range,
                    None,
                )],
            );
        }
        match self.peek().kind {
            Tk::Equal => {
                let (attr, diags) = self.finish_attribute(ident, false);
                (Some(Item::Attr(attr)), diags)
            }
            Tk::OQuote | Tk::OBrace | Tk::Ident => {
                let (block, diags) = self.finish_block(ident);
                (Some(Item::Block(block)), diags)
            }
            _ => {
                self.recover_after_body_item();
                (None, vec![missing_equals(ident.range)])
            }
        }
    }

    fn parse_single_attr_body(&mut self) -> (Option<Body>, Diags) {
        let ident = self.read();
        if ident.kind != Tk::Ident {
            self.recover_after_body_item();
            return (
                None,
                vec![diag(
                    "Argument or block definition required",
                    "An argument or block definition is required here.",
                    ident.range,
                    None,
                )],
            );
        }
        let next = self.peek();
        match next.kind {
            Tk::Equal => {
                let (attr, diags) = self.finish_attribute(ident, true);
                let missing_item = Rng::at(attr.name_range.start);
                let body = Body { attrs: vec![attr], blocks: Vec::new(), missing_item };
                (Some(body), diags)
            }
            Tk::OQuote | Tk::OBrace | Tk::Ident => {
                self.recover_after_body_item();
                let detail = format!(
                    "A single-line block definition can contain only a single argument. If you meant to define argument {}, use an equals sign to assign it a value. To define a nested block, place it on a line of its own within its parent block.",
                    go_quote(self.bytes(&ident))
                );
                (None, vec![diag("Argument definition required", detail, Rng::between(ident.range, next.range), None)])
            }
            _ => {
                self.recover_after_body_item();
                (None, vec![missing_equals(ident.range)])
            }
        }
    }

    fn finish_attribute(&mut self, ident: Token, single_line: bool) -> (Attribute, Diags) {
        self.read(); // the equals sign
        let (_, mut diags) = self.parse_expression();
        if self.recovery && !diags.is_empty() {
            self.recover_after_body_item();
        } else if !single_line {
            let end = self.peek();
            if end.kind != Tk::Newline && end.kind != Tk::Eof {
                if !self.recovery {
                    let (summary, detail) = if end.kind == Tk::Comma {
                        (
                            "Unexpected comma after argument",
                            "Argument definitions must be separated by newlines, not commas. An argument definition must end with a newline.",
                        )
                    } else {
                        ("Missing newline after argument", "An argument definition must end with a newline.")
                    };
                    diags.push(diag(summary, detail, end.range, Some(Rng::between(ident.range, end.range))));
                }
                self.recover_after_body_item();
            } else {
                self.read(); // the newline
            }
        }
        (Attribute { name: self.bytes(&ident).to_owned(), name_range: ident.range }, diags)
    }

    fn finish_block(&mut self, ident: Token) -> (Block, Diags) {
        let mut diags = Diags::new();
        let mut labels = Vec::new();
        let mut label_ranges = Vec::new();
        let ty = self.bytes(&ident).to_owned();
        let o_brace;
        loop {
            let tok = self.peek();
            match tok.kind {
                Tk::OBrace => {
                    o_brace = self.read();
                    break;
                }
                Tk::OQuote => {
                    let (label, range, label_diags) = self.parse_quoted_string_literal();
                    diags.extend(label_diags);
                    labels.push(label);
                    label_ranges.push(range);
                }
                Tk::Ident => {
                    let tok = self.read();
                    labels.push(self.bytes(&tok).to_owned());
                    label_ranges.push(tok.range);
                }
                _ => {
                    let context = Some(Rng::between(ident.range, tok.range));
                    match tok.kind {
                        Tk::Equal => diags.push(diag(
                            "Invalid block definition",
                            "The equals sign \"=\" indicates an argument definition, and must not be used when defining a block.",
                            tok.range,
                            context,
                        )),
                        Tk::Newline => diags.push(diag(
                            "Invalid block definition",
                            "A block definition must have block content delimited by \"{\" and \"}\", starting on the same line as the block header.",
                            tok.range,
                            context,
                        )),
                        _ if !self.recovery => diags.push(diag(
                            "Invalid block definition",
                            "Either a quoted string block label or an opening brace (\"{\") is expected here.",
                            tok.range,
                            context,
                        )),
                        _ => {}
                    }
                    self.recover_after_body_item();
                    let body = Body { missing_item: Rng::at(ident.range.start), ..Body::default() };
                    let block = Block { ty, ty_range: ident.range, labels, label_ranges, open_brace_range: ident.range, body };
                    return (block, diags);
                }
            }
        }

        let (body, body_diags) = match self.peek().kind {
            Tk::Newline | Tk::Eof | Tk::CBrace => {
                let (body, d) = self.parse_body(Tk::CBrace);
                (Some(body), d)
            }
            _ => {
                let (body, d) = self.parse_single_attr_body();
                let next = self.peek();
                match next.kind {
                    Tk::CBrace => {
                        self.read();
                    }
                    Tk::Comma => {
                        diags.push(diag(
                            "Invalid single-argument block definition",
                            "Single-line block syntax can include only one argument definition. To define multiple arguments, use the multi-line block syntax with one argument definition per line.",
                            next.range,
                            None,
                        ));
                        self.recover(Tk::CBrace);
                    }
                    Tk::Newline => {
                        diags.push(diag(
                            "Invalid single-argument block definition",
                            "An argument definition on the same line as its containing block creates a single-line block definition, which must also be closed on the same line. Place the block's closing brace immediately after the argument definition.",
                            next.range,
                            None,
                        ));
                        self.recover(Tk::CBrace);
                    }
                    _ => {
                        if !self.recovery {
                            if next.kind == Tk::Eof {
                                diags.push(diag(
                                    "Unclosed configuration block",
                                    "There is no closing brace for this block before the end of the file. This may be caused by incorrect brace nesting elsewhere in this file.",
                                    o_brace.range,
                                    Some(Rng::between(ident.range, o_brace.range)),
                                ));
                            } else {
                                diags.push(diag(
                                    "Invalid single-argument block definition",
                                    "A single-line block definition must end with a closing brace immediately after its single argument definition.",
                                    next.range,
                                    None,
                                ));
                            }
                        }
                        self.recover(Tk::CBrace);
                    }
                }
                (body, d)
            }
        };
        diags.extend(body_diags);

        let eol = self.peek();
        if eol.kind == Tk::Newline || eol.kind == Tk::Eof {
            self.read();
        } else {
            if !self.recovery {
                diags.push(diag(
                    "Missing newline after block definition",
                    "A block definition must end with a newline.",
                    eol.range,
                    Some(Rng::between(ident.range, eol.range)),
                ));
            }
            self.recover_after_body_item();
        }
        let body = body.unwrap_or(Body { missing_item: Rng::at(o_brace.range.start), ..Body::default() });
        (Block { ty, ty_range: ident.range, labels, label_ranges, open_brace_range: o_brace.range, body }, diags)
    }

    // ---- expressions ------------------------------------------------------------------------

    fn parse_expression(&mut self) -> (Ex, Diags) {
        self.parse_ternary()
    }

    fn parse_ternary(&mut self) -> (Ex, Diags) {
        let start_range = self.next_range();
        let (cond, mut diags) = self.parse_binary_ops(0);
        if self.recovery && !diags.is_empty() {
            return (cond, diags);
        }
        if self.peek().kind != Tk::Question {
            return (cond, diags);
        }
        self.read();
        let (_, true_diags) = self.parse_expression();
        let failed = !true_diags.is_empty();
        diags.extend(true_diags);
        if self.recovery && failed {
            return (cond, diags);
        }
        let colon = self.peek();
        if colon.kind != Tk::Colon {
            diags.push(diag(
                "Missing false expression in conditional",
                "The conditional operator (...?...:...) requires a false expression, delimited by a colon.",
                colon.range,
                Some(Rng::between(start_range, colon.range)),
            ));
            return (cond, diags);
        }
        self.read();
        let (false_expr, false_diags) = self.parse_expression();
        let failed = !false_diags.is_empty();
        diags.extend(false_diags);
        if self.recovery && failed {
            return (cond, diags);
        }
        (Ex { range: Rng::between(start_range, false_expr.range) }, diags)
    }

    fn parse_binary_ops(&mut self, level: usize) -> (Ex, Diags) {
        let Some(ops) = BINARY_OPS.get(level) else {
            return self.parse_expression_with_traversals();
        };
        let (lhs, mut diags) = self.parse_binary_ops(level + 1);
        if self.recovery && !diags.is_empty() {
            return (lhs, diags);
        }
        let mut result = lhs;
        loop {
            let next = self.peek();
            if !ops.contains(&next.kind) {
                break;
            }
            self.read();
            let (rhs, rhs_diags) = self.parse_binary_ops(level + 1);
            let failed = !rhs_diags.is_empty();
            diags.extend(rhs_diags);
            if self.recovery && failed {
                return (result, diags);
            }
            result = Ex { range: Rng::between(lhs.range, rhs.range) };
        }
        (result, diags)
    }

    fn parse_expression_with_traversals(&mut self) -> (Ex, Diags) {
        let (term, mut diags) = self.parse_expression_term();
        let (ret, more) = self.parse_expression_traversals(term);
        diags.extend(more);
        (ret, diags)
    }

    fn parse_expression_traversals(&mut self, from: Ex) -> (Ex, Diags) {
        let mut diags = Diags::new();
        let mut ret = from;
        loop {
            let next = self.peek();
            match next.kind {
                Tk::Dot => {
                    let dot = self.read();
                    let attr_tok = self.peek();
                    match attr_tok.kind {
                        Tk::Ident => {
                            let t = self.read();
                            ret = Ex { range: Rng::between(from.range, t.range) };
                        }
                        Tk::NumberLit => {
                            let num = self.read();
                            let text = self.bytes(&num);
                            if let Some((first, second)) = text.split_once('.') {
                                diags.push(diag(
                                    "Invalid legacy index syntax",
                                    format!("When using the legacy index syntax, chaining two indexes together is not permitted. Use the proper index syntax instead, like [{first}][{second}]."),
                                    num.range,
                                    None,
                                ));
                            }
                            ret = Ex { range: Rng::between(from.range, num.range) };
                        }
                        Tk::Star => {
                            let marker = self.read();
                            let mut last = marker.range;
                            while self.peek().kind == Tk::Dot {
                                self.read();
                                if self.peek().kind == Tk::NumberLit {
                                    let num = self.read();
                                    let text = self.bytes(&num);
                                    if let Some((first, second)) = text.split_once('.') {
                                        diags.push(diag(
                                            "Invalid legacy index syntax",
                                            format!("When using the legacy index syntax, chaining two indexes together is not permitted. Use the proper index syntax with a full splat expression [*] instead, like [{first}][{second}]."),
                                            marker.range,
                                            None,
                                        ));
                                    }
                                    last = num.range;
                                    continue;
                                }
                                if self.peek().kind != Tk::Ident {
                                    if !self.recovery {
                                        if self.peek().kind == Tk::Star {
                                            diags.push(diag(
                                                "Nested splat expression not allowed",
                                                "A splat expression (*) cannot be used inside another attribute-only splat expression.",
                                                self.next_range(),
                                                None,
                                            ));
                                        } else {
                                            diags.push(diag(
                                                "Invalid attribute name",
                                                "An attribute name is required after a dot.",
                                                marker.range,
                                                None,
                                            ));
                                        }
                                    }
                                    self.set_recovery();
                                    break;
                                }
                                last = self.read().range;
                            }
                            ret = Ex { range: Rng::between(from.range, last) };
                        }
                        _ => {
                            diags.push(diag(
                                "Invalid attribute name",
                                "An attribute name is required after a dot.",
                                attr_tok.range,
                                None,
                            ));
                            ret = Ex { range: Rng::between(from.range, dot.range) };
                            self.set_recovery();
                        }
                    }
                }
                Tk::OBrack => {
                    let open = self.read();
                    if self.peek().kind == Tk::Star {
                        self.read();
                        let mut close = self.read();
                        if close.kind != Tk::CBrack && !self.recovery {
                            // HCL's diagnostic points at the variable it then reassigns to the
                            // recovered token, so the subject is where recovery stopped.
                            close = self.recover(Tk::CBrack);
                            diags.push(diag(
                                "Missing close bracket on splat index",
                                "The star for a full splat operator must be immediately followed by a closing bracket (\"]\").",
                                close.range,
                                None,
                            ));
                        }
                        let item = Ex { range: Rng::between(open.range, close.range) };
                        let (each, nested) = self.parse_expression_traversals(item);
                        diags.extend(nested);
                        ret = Ex { range: Rng::between(from.range, each.range) };
                    } else {
                        self.push_nl(false);
                        let (_, key_diags) = self.parse_expression();
                        let failed = !key_diags.is_empty();
                        diags.extend(key_diags);
                        let close = if self.recovery && failed {
                            self.recover(Tk::CBrack)
                        } else {
                            let mut close = self.read();
                            if close.kind != Tk::CBrack && !self.recovery {
                                // As above: the subject ends up being the recovered token.
                                close = self.recover(Tk::CBrack);
                                diags.push(diag(
                                    "Missing close bracket on index",
                                    "The index operator must end with a closing bracket (\"]\").",
                                    close.range,
                                    None,
                                ));
                            }
                            close
                        };
                        self.pop_nl();
                        ret = Ex { range: Rng::between(from.range, close.range) };
                    }
                }
                _ => break,
            }
        }
        (ret, diags)
    }

    fn parse_expression_term(&mut self) -> (Ex, Diags) {
        let start = self.peek();
        match start.kind {
            Tk::OParen => {
                let open = self.read();
                self.push_nl(false);
                let (expr, mut diags) = self.parse_expression();
                if !diags.is_empty() {
                    self.recover(Tk::CParen);
                    self.pop_nl();
                    return (expr, diags);
                }
                let close = self.peek();
                if close.kind != Tk::CParen {
                    diags.push(diag(
                        "Unbalanced parentheses",
                        "Expected a closing parenthesis to terminate the expression.",
                        close.range,
                        Some(Rng::between(start.range, close.range)),
                    ));
                    self.set_recovery();
                }
                let close = self.read();
                self.pop_nl();
                (Ex { range: Rng::between(open.range, close.range) }, diags)
            }
            Tk::NumberLit => {
                let tok = self.read();
                (Ex { range: tok.range }, Diags::new())
            }
            Tk::Ident => {
                let tok = self.read();
                if matches!(self.peek().kind, Tk::OParen | Tk::DoubleColon) {
                    return self.finish_function_call(tok);
                }
                (Ex { range: tok.range }, Diags::new())
            }
            Tk::OQuote | Tk::OHeredoc => {
                let open = self.read();
                let closer = opposite(open.kind);
                let diags = self.parse_template_inner(closer);
                let close_range = self.prev_range();
                (Ex { range: Rng::between(open.range, close_range) }, diags)
            }
            Tk::Minus | Tk::Bang => {
                let tok = self.read();
                let (operand, diags) = self.parse_expression_with_traversals();
                (Ex { range: Rng::between(tok.range, operand.range) }, diags)
            }
            Tk::OBrack => self.parse_tuple_cons(),
            Tk::OBrace => self.parse_object_cons(),
            _ => {
                let mut diags = Diags::new();
                if !self.recovery {
                    if start.kind == Tk::Eof {
                        diags.push(diag(
                            "Missing expression",
                            "Expected the start of an expression, but found the end of the file.",
                            start.range,
                            None,
                        ));
                    } else {
                        diags.push(diag(
                            "Invalid expression",
                            "Expected the start of an expression, but found an invalid expression token.",
                            start.range,
                            None,
                        ));
                    }
                }
                self.set_recovery();
                (Ex { range: start.range }, diags)
            }
        }
    }

    fn finish_function_call(&mut self, name: Token) -> (Ex, Diags) {
        let mut diags = Diags::new();
        let mut open = self.read();
        while open.kind == Tk::DoubleColon {
            let next_name = self.read();
            if next_name.kind != Tk::Ident {
                diags.push(diag(
                    "Missing function name",
                    "Function scope resolution symbol :: must be followed by a function name in this scope.",
                    next_name.range,
                    Some(Rng::between(name.range, next_name.range)),
                ));
                self.recover_over(Tk::OParen);
                return (Ex { range: Rng::between(name.range, next_name.range) }, diags);
            }
            open = self.read();
        }
        if open.kind != Tk::OParen {
            diags.push(diag(
                "Missing open parenthesis",
                "Function selector must be followed by an open parenthesis to begin the function call.",
                open.range,
                Some(Rng::between(name.range, open.range)),
            ));
            self.recover_over(Tk::OParen);
            return (Ex { range: Rng::between(name.range, open.range) }, diags);
        }

        self.push_nl(false);
        let mut close: Option<Token> = None;
        loop {
            if self.peek().kind == Tk::CParen {
                close = Some(self.read());
                break;
            }
            let (_, arg_diags) = self.parse_expression();
            let failed = !arg_diags.is_empty();
            diags.extend(arg_diags);
            if self.recovery && failed {
                let recovered = self.recover(Tk::CParen);
                if recovered.kind == Tk::CParen {
                    close = Some(recovered);
                }
                break;
            }
            let sep = self.read();
            if sep.kind == Tk::CParen {
                close = Some(sep);
                break;
            }
            if sep.kind == Tk::Ellipsis {
                if self.peek().kind != Tk::CParen {
                    if !self.recovery {
                        diags.push(diag(
                            "Missing closing parenthesis",
                            "An expanded function argument (with ...) must be immediately followed by closing parentheses.",
                            sep.range,
                            Some(Rng::between(name.range, sep.range)),
                        ));
                    }
                    close = Some(self.recover(Tk::CParen));
                } else {
                    close = Some(self.read());
                }
                break;
            }
            if sep.kind != Tk::Comma {
                if sep.kind == Tk::Eof {
                    diags.push(diag(
                        "Unterminated function call",
                        "There is no closing parenthesis for this function call before the end of the file. This may be caused by incorrect parenthesis nesting elsewhere in this file.",
                        Rng::between(name.range, open.range),
                        None,
                    ));
                } else {
                    diags.push(diag(
                        "Missing argument separator",
                        "A comma is required to separate each function argument from the next.",
                        sep.range,
                        Some(Rng::between(name.range, sep.range)),
                    ));
                }
                close = Some(self.recover(Tk::CParen));
                break;
            }
            if self.peek().kind == Tk::CParen {
                close = Some(self.read());
                break;
            }
        }
        self.pop_nl();
        let end = close.map(|c| c.range).unwrap_or_else(|| self.prev_range());
        (Ex { range: Rng::between(name.range, end) }, diags)
    }

    fn parse_tuple_cons(&mut self) -> (Ex, Diags) {
        let open = self.read();
        self.push_nl(false);
        let result = self.parse_tuple_items(open);
        self.pop_nl();
        result
    }

    fn parse_tuple_items(&mut self, open: Token) -> (Ex, Diags) {
        if self.is_keyword(&self.peek(), "for") {
            return self.finish_for_expr(open);
        }
        let mut diags = Diags::new();
        let close;
        loop {
            if self.peek().kind == Tk::CBrack {
                close = self.read();
                break;
            }
            let (_, expr_diags) = self.parse_expression();
            let failed = !expr_diags.is_empty();
            diags.extend(expr_diags);
            if self.recovery && failed {
                close = self.recover(Tk::CBrack);
                break;
            }
            let next = self.peek();
            if next.kind == Tk::CBrack {
                close = self.read();
                break;
            }
            if next.kind != Tk::Comma {
                if !self.recovery {
                    if next.kind == Tk::Eof {
                        diags.push(diag(
                            "Unterminated tuple constructor expression",
                            "There is no corresponding closing bracket before the end of the file. This may be caused by incorrect bracket nesting elsewhere in this file.",
                            open.range,
                            None,
                        ));
                    } else {
                        diags.push(diag(
                            "Missing item separator",
                            "Expected a comma to mark the beginning of the next item.",
                            next.range,
                            Some(Rng::between(open.range, next.range)),
                        ));
                    }
                }
                close = self.recover(Tk::CBrack);
                break;
            }
            self.read();
        }
        (Ex { range: Rng::between(open.range, close.range) }, diags)
    }

    fn parse_object_cons(&mut self) -> (Ex, Diags) {
        let open = self.read();
        self.push_nl(false);
        let is_for = self.is_keyword(&self.peek(), "for");
        self.pop_nl();
        if is_for {
            return self.finish_for_expr(open);
        }
        self.push_nl(true);
        let result = self.parse_object_items(open);
        self.pop_nl();
        result
    }

    fn parse_object_items(&mut self, open: Token) -> (Ex, Diags) {
        let mut diags = Diags::new();
        let close;
        loop {
            let next = self.peek();
            if next.kind == Tk::Newline {
                self.read();
                continue;
            }
            if next.kind == Tk::CBrace {
                close = self.read();
                break;
            }
            let (_, key_diags) = self.parse_expression();
            let failed = !key_diags.is_empty();
            diags.extend(key_diags);
            if self.recovery && failed {
                close = self.recover(Tk::CBrace);
                break;
            }
            let next = self.peek();
            if next.kind != Tk::Equal && next.kind != Tk::Colon {
                if !self.recovery {
                    let context = Some(Rng::between(open.range, next.range));
                    diags.push(match next.kind {
                        Tk::Newline | Tk::Comma => diag(
                            "Missing attribute value",
                            "Expected an attribute value, introduced by an equals sign (\"=\").",
                            next.range,
                            context,
                        ),
                        Tk::Ident => diag(
                            "Missing key/value separator",
                            "Expected an equals sign (\"=\") to mark the beginning of the attribute value. If you intended to given an attribute name containing periods or spaces, write the name in quotes to create a string literal.",
                            next.range,
                            context,
                        ),
                        Tk::Eof => diag(
                            "Unterminated object constructor expression",
                            "There is no corresponding closing brace before the end of the file. This may be caused by incorrect brace nesting elsewhere in this file.",
                            open.range,
                            None,
                        ),
                        _ => diag(
                            "Missing key/value separator",
                            "Expected an equals sign (\"=\") to mark the beginning of the attribute value.",
                            next.range,
                            context,
                        ),
                    });
                }
                close = self.recover(Tk::CBrace);
                break;
            }
            self.read();
            let (_, value_diags) = self.parse_expression();
            let failed = !value_diags.is_empty();
            diags.extend(value_diags);
            if self.recovery && failed {
                close = self.recover(Tk::CBrace);
                break;
            }
            let next = self.peek();
            if next.kind == Tk::CBrace {
                close = self.read();
                break;
            }
            if next.kind != Tk::Comma && next.kind != Tk::Newline {
                if !self.recovery {
                    if next.kind == Tk::Eof {
                        diags.push(diag(
                            "Unterminated object constructor expression",
                            "There is no corresponding closing brace before the end of the file. This may be caused by incorrect brace nesting elsewhere in this file.",
                            open.range,
                            None,
                        ));
                    } else {
                        diags.push(diag(
                            "Missing attribute separator",
                            "Expected a newline or comma to mark the beginning of the next attribute.",
                            next.range,
                            Some(Rng::between(open.range, next.range)),
                        ));
                    }
                }
                close = self.recover(Tk::CBrace);
                break;
            }
            self.read();
        }
        (Ex { range: Rng::between(open.range, close.range) }, diags)
    }

    fn finish_for_expr(&mut self, open: Token) -> (Ex, Diags) {
        self.push_nl(false);
        let result = self.finish_for_expr_inner(open);
        self.pop_nl();
        result
    }

    fn for_error(&mut self, open: Token, close_type: Tk, detail: &str, mut diags: Diags) -> (Ex, Diags) {
        if !self.recovery {
            let at = self.peek();
            diags.push(diag("Invalid 'for' expression", detail, at.range, Some(Rng::between(open.range, at.range))));
        }
        let close = self.recover(close_type);
        (Ex { range: Rng::between(open.range, close.range) }, diags)
    }

    fn finish_for_expr_inner(&mut self, open: Token) -> (Ex, Diags) {
        self.read(); // "for"
        let make_obj = open.kind == Tk::OBrace;
        let close_type = if make_obj { Tk::CBrace } else { Tk::CBrack };
        let mut diags = Diags::new();

        if self.peek().kind != Tk::Ident {
            return self.for_error(open, close_type, "For expression requires variable name after 'for'.", diags);
        }
        self.read();
        if self.peek().kind == Tk::Comma {
            self.read();
            if self.peek().kind != Tk::Ident {
                return self.for_error(open, close_type, "For expression requires value variable name after comma.", diags);
            }
            self.read();
        }
        if !self.is_keyword(&self.peek(), "in") {
            return self.for_error(open, close_type, "For expression requires the 'in' keyword after its name declarations.", diags);
        }
        self.read();

        let (_, coll_diags) = self.parse_expression();
        let failed = !coll_diags.is_empty();
        diags.extend(coll_diags);
        if self.recovery && failed {
            let close = self.recover(close_type);
            return (Ex { range: Rng::between(open.range, close.range) }, diags);
        }
        if self.peek().kind != Tk::Colon {
            return self.for_error(open, close_type, "For expression requires a colon after the collection expression.", diags);
        }
        self.read();

        let (mut val_expr, mut val_diags) = self.parse_expression();
        let mut key: Option<(Ex, Diags)> = None;
        if self.peek().kind == Tk::FatArrow {
            self.read();
            key = Some((val_expr, val_diags));
            let (v, d) = self.parse_expression();
            val_expr = v;
            val_diags = d;
        }
        let key_expr = key.as_ref().map(|(e, _)| *e);
        let key_failed = key.as_ref().is_some_and(|(_, d)| !d.is_empty());
        if let Some((_, d)) = key {
            diags.extend(d);
        }
        let val_failed = !val_diags.is_empty();
        diags.extend(val_diags);
        if self.recovery && (key_failed || val_failed) {
            let close = self.recover(close_type);
            return (Ex { range: Rng::between(open.range, close.range) }, diags);
        }

        let mut ellipsis = None;
        if self.peek().kind == Tk::Ellipsis {
            ellipsis = Some(self.read());
        }
        if self.is_keyword(&self.peek(), "if") {
            self.read();
            let (_, cond_diags) = self.parse_expression();
            let failed = !cond_diags.is_empty();
            diags.extend(cond_diags);
            if self.recovery && failed {
                let close = self.recover(close_type);
                return (Ex { range: Rng::between(open.range, close.range) }, diags);
            }
        }

        let close = if self.peek().kind == close_type {
            self.read()
        } else {
            if !self.recovery {
                let at = self.peek();
                diags.push(diag(
                    "Invalid 'for' expression",
                    "Extra characters after the end of the 'for' expression.",
                    at.range,
                    Some(Rng::between(open.range, at.range)),
                ));
            }
            self.recover(close_type)
        };
        let whole = Rng::between(open.range, close.range);
        if !make_obj {
            if let Some(k) = key_expr {
                diags.push(diag(
                    "Invalid 'for' expression",
                    "Key expression is not valid when building a tuple.",
                    k.range,
                    Some(whole),
                ));
            }
            if let Some(e) = ellipsis {
                diags.push(diag(
                    "Invalid 'for' expression",
                    "Grouping ellipsis (...) cannot be used when building a tuple.",
                    e.range,
                    Some(whole),
                ));
            }
        } else if key_expr.is_none() {
            diags.push(diag(
                "Invalid 'for' expression",
                "Key expression is required when building an object.",
                val_expr.range,
                Some(whole),
            ));
        }
        (Ex { range: whole }, diags)
    }

    /// A quoted string that may not contain template sequences (a block label).
    fn parse_quoted_string_literal(&mut self) -> (String, Rng, Diags) {
        let o_quote = self.read();
        let mut diags = Diags::new();
        let mut value = String::new();
        let end_range;
        loop {
            let tok = self.read();
            match tok.kind {
                Tk::CQuote => {
                    end_range = tok.range;
                    break;
                }
                Tk::QuotedLit => {
                    let (s, d) = string_literal(self.bytes(&tok), tok.range, true);
                    diags.extend(d);
                    value.push_str(&s);
                }
                Tk::TemplateControl | Tk::TemplateInterp => {
                    let which = if tok.kind == Tk::TemplateControl { "%" } else { "$" };
                    diags.push(diag(
                        "Invalid string literal",
                        format!(
                            "Template sequences are not allowed in this string. To include a literal {}, double it (as \"{which}{which}\") to escape it.",
                            go_quote(which)
                        ),
                        tok.range,
                        Some(Rng::between(o_quote.range, tok.range)),
                    ));
                    value.push_str(which);
                    value.push_str("{ ... }");
                    self.recover(Tk::TemplateSeqEnd);
                }
                Tk::Eof => {
                    diags.push(diag(
                        "Unterminated string literal",
                        "Unable to find the closing quote mark before the end of the file.",
                        tok.range,
                        Some(Rng::between(o_quote.range, tok.range)),
                    ));
                    end_range = tok.range;
                    break;
                }
                _ => {
                    diags.push(diag(
                        "Invalid string literal",
                        "This item is not valid in a string literal.",
                        tok.range,
                        Some(Rng::between(o_quote.range, tok.range)),
                    ));
                    self.recover(Tk::CQuote);
                    end_range = tok.range;
                    break;
                }
            }
        }
        (value, Rng::between(o_quote.range, end_range), diags)
    }

    // ---- templates --------------------------------------------------------------------------

    fn parse_template_inner(&mut self, end: Tk) -> Diags {
        let (parts, mut diags) = self.parse_template_parts(end);
        let mut tp = TemplateParser { parts: &parts, pos: 0, filename: self.filename };
        diags.extend(tp.parse_root());
        diags
    }

    fn parse_template_parts(&mut self, end: Tk) -> (Vec<Part>, Diags) {
        let mut parts = Vec::new();
        let mut diags = Diags::new();
        let start_range = self.next_range();
        let end_range;
        loop {
            let next = self.read();
            if next.kind == end {
                end_range = next.range;
                break;
            }
            match next.kind {
                Tk::StringLit | Tk::QuotedLit => {
                    let (_, d) = string_literal(self.bytes(&next), next.range, next.kind == Tk::QuotedLit);
                    diags.extend(d);
                    parts.push(Part::Literal);
                }
                Tk::TemplateInterp => {
                    self.push_nl(false);
                    let (_, expr_diags) = self.parse_expression();
                    diags.extend(expr_diags);
                    let close = self.peek();
                    if close.kind != Tk::TemplateSeqEnd {
                        if !self.recovery {
                            let context = Some(Rng::between(start_range, close.range));
                            diags.push(match close.kind {
                                Tk::Eof => diag(
                                    "Unclosed template interpolation sequence",
                                    "There is no closing brace for this interpolation sequence before the end of the file. This might be caused by incorrect nesting inside the given expression.",
                                    start_range,
                                    None,
                                ),
                                Tk::Colon => diag(
                                    "Extra characters after interpolation expression",
                                    "Template interpolation doesn't expect a colon at this location. Did you intend this to be a literal sequence to be processed as part of another language? If so, you can escape it by starting with \"$${\" instead of just \"${\".",
                                    close.range,
                                    context,
                                ),
                                Tk::CQuote | Tk::OQuote if end == Tk::CQuote => diag(
                                    "Unclosed template interpolation sequence",
                                    "There is no closing brace for this interpolation sequence before the end of the quoted template. This might be caused by incorrect nesting inside the given expression.",
                                    start_range,
                                    None,
                                ),
                                _ => diag(
                                    "Extra characters after interpolation expression",
                                    "Expected a closing brace to end the interpolation expression, but found extra characters.\n\nThis can happen when you include interpolation syntax for another language, such as shell scripting, but forget to escape the interpolation start token. If this is an embedded sequence for another language, escape it by starting with \"$${\" instead of just \"${\".",
                                    close.range,
                                    context,
                                ),
                            });
                        }
                        self.recover(Tk::TemplateSeqEnd);
                    } else {
                        self.read();
                    }
                    self.pop_nl();
                    parts.push(Part::Interp);
                }
                Tk::TemplateControl => {
                    self.push_nl(false);
                    match self.parse_directive(next, &mut diags) {
                        Some((part, kw)) => {
                            parts.push(part);
                            let close = self.peek();
                            if close.kind != Tk::TemplateSeqEnd {
                                if !self.recovery {
                                    diags.push(diag(
                                        &format!("Extra characters in {kw} marker"),
                                        "Expected a closing brace to end the sequence, but found extra characters.",
                                        close.range,
                                        Some(Rng::between(start_range, close.range)),
                                    ));
                                }
                                self.recover(Tk::TemplateSeqEnd);
                            } else {
                                self.read();
                            }
                        }
                        None => {
                            self.recover(Tk::TemplateSeqEnd);
                        }
                    }
                    self.pop_nl();
                }
                _ => {
                    if !self.recovery {
                        diags.push(diag(
                            "Unterminated template string",
                            "No closing marker was found for the string.",
                            next.range,
                            Some(Rng::between(start_range, next.range)),
                        ));
                    }
                    let last = self.recover(end);
                    end_range = last.range;
                    break;
                }
            }
        }
        if parts.is_empty() {
            parts.push(Part::Literal);
        }
        parts.push(Part::End(end_range));
        (parts, diags)
    }

    /// Parses a `%{ ... ` directive after its opener. `None`: the directive was rejected (the
    /// caller recovers to the end of the sequence); otherwise the directive and its keyword,
    /// read up to where the closing brace should be.
    fn parse_directive(&mut self, open: Token, diags: &mut Diags) -> Option<(Part, &'a str)> {
        let kw = self.peek();
        if kw.kind != Tk::Ident {
            if !self.recovery {
                diags.push(diag(
                    "Invalid template directive",
                    "A template directive keyword (\"if\", \"for\", etc) is expected at the beginning of a %{ sequence.",
                    kw.range,
                    Some(Rng::between(open.range, kw.range)),
                ));
            }
            return None;
        }
        self.read();
        let word = self.bytes(&kw);
        let part = match word {
            "if" => {
                let (_, d) = self.parse_expression();
                diags.extend(d);
                Part::If(Rng::between(open.range, self.next_range()))
            }
            "else" => Part::EndCtrl(Ctrl::Else, Rng::between(open.range, self.next_range())),
            "endif" => Part::EndCtrl(Ctrl::EndIf, Rng::between(open.range, self.next_range())),
            "endfor" => Part::EndCtrl(Ctrl::EndFor, Rng::between(open.range, self.next_range())),
            "for" => {
                let fail = |p: &mut Self, diags: &mut Diags, detail: &str| {
                    if !p.recovery {
                        diags.push(diag("Invalid 'for' directive", detail, p.next_range(), None));
                    }
                };
                if self.peek().kind != Tk::Ident {
                    fail(self, diags, "For directive requires variable name after 'for'.");
                    return None;
                }
                self.read();
                if self.peek().kind == Tk::Comma {
                    self.read();
                    if self.peek().kind != Tk::Ident {
                        fail(self, diags, "For directive requires value variable name after comma.");
                        return None;
                    }
                    self.read();
                }
                if !self.is_keyword(&self.peek(), "in") {
                    fail(self, diags, "For directive requires 'in' keyword after names.");
                    return None;
                }
                self.read();
                let (_, d) = self.parse_expression();
                diags.extend(d);
                Part::For(Rng::between(open.range, self.next_range()))
            }
            _ => {
                if !self.recovery {
                    let suggestion = name_suggestion(word, &["if", "for", "else", "endif", "endfor"])
                        .map(|s| format!(" Did you mean {}?", go_quote(s)))
                        .unwrap_or_default();
                    diags.push(diag(
                        "Invalid template control keyword",
                        format!("{} is not a valid template control keyword.{suggestion}", go_quote(word)),
                        kw.range,
                        Some(Rng::between(open.range, kw.range)),
                    ));
                }
                return None;
            }
        };
        Some((part, word))
    }
}

fn missing_equals(subject: Rng) -> Diag {
    diag(
        "Argument or block definition required",
        "An argument or block definition is required here. To set an argument, use the equals sign \"=\" to introduce the argument value.",
        subject,
        None,
    )
}

/// HCL's `oppositeBracket`.
fn opposite(t: Tk) -> Tk {
    match t {
        Tk::OBrace => Tk::CBrace,
        Tk::OBrack => Tk::CBrack,
        Tk::OParen => Tk::CParen,
        Tk::OQuote => Tk::CQuote,
        Tk::OHeredoc => Tk::CHeredoc,
        Tk::CBrace => Tk::OBrace,
        Tk::CBrack => Tk::OBrack,
        Tk::CParen => Tk::OParen,
        Tk::CQuote => Tk::OQuote,
        Tk::CHeredoc => Tk::OHeredoc,
        Tk::TemplateControl | Tk::TemplateInterp => Tk::TemplateSeqEnd,
        Tk::TemplateSeqEnd => Tk::TemplateInterp,
        _ => Tk::Nil,
    }
}

// ---- template structure ---------------------------------------------------------------------

#[derive(Clone, Copy, PartialEq, Eq)]
enum Ctrl {
    EndIf,
    Else,
    EndFor,
}

impl Ctrl {
    fn name(self) -> &'static str {
        match self {
            Ctrl::EndIf => "endif",
            Ctrl::Else => "else",
            Ctrl::EndFor => "endfor",
        }
    }
}

/// HCL's template tokens, reduced to what the directive-balancing diagnostics need.
#[derive(Clone, Copy)]
enum Part {
    Literal,
    Interp,
    If(Rng),
    For(Rng),
    EndCtrl(Ctrl, Rng),
    End(Rng),
}

struct TemplateParser<'p> {
    parts: &'p [Part],
    pos: usize,
    filename: &'p str,
}

impl TemplateParser<'_> {
    fn peek(&self) -> Part {
        self.parts.get(self.pos).copied().unwrap_or(Part::End(Rng::default()))
    }

    fn read(&mut self) -> Part {
        let p = self.peek();
        if !matches!(p, Part::End(_)) {
            self.pos += 1;
        }
        p
    }

    fn parse_root(&mut self) -> Diags {
        let mut diags = Diags::new();
        while !matches!(self.peek(), Part::End(_)) {
            diags.extend(self.parse_expr());
        }
        diags
    }

    fn parse_expr(&mut self) -> Diags {
        match self.peek() {
            Part::Literal | Part::Interp => {
                self.read();
                Vec::new()
            }
            Part::If(_) => self.parse_if(),
            Part::For(_) => self.parse_for(),
            Part::End(r) => {
                self.read();
                vec![diag("Unexpected end of template", "The control directives within this template are unbalanced.", r, None)]
            }
            Part::EndCtrl(c, r) => {
                self.read();
                vec![diag(
                    &format!("Unexpected {} directive", c.name()),
                    "The control directives within this template are unbalanced.",
                    r,
                    None,
                )]
            }
        }
    }

    fn parse_if(&mut self) -> Diags {
        let Part::If(open) = self.read() else { return Vec::new() };
        let open_s = range_string(self.filename, open);
        let mut diags = Diags::new();
        let mut in_else = false;
        loop {
            match self.peek() {
                Part::End(r) => {
                    diags.push(diag(
                        "Unexpected end of template",
                        format!("The if directive at {open_s} is missing its corresponding endif directive."),
                        r,
                        None,
                    ));
                    return diags;
                }
                Part::EndCtrl(c, r) => {
                    self.read();
                    match c {
                        Ctrl::Else if !in_else => {
                            in_else = true;
                            continue;
                        }
                        Ctrl::Else => diags.push(diag(
                            "Unexpected else directive",
                            format!("Already in the else clause for the if started at {open_s}."),
                            r,
                            None,
                        )),
                        Ctrl::EndIf => return diags,
                        Ctrl::EndFor => diags.push(diag(
                            "Unexpected endfor directive",
                            format!("Expecting an endif directive for the if started at {open_s}."),
                            r,
                            None,
                        )),
                    }
                    return diags;
                }
                _ => diags.extend(self.parse_expr()),
            }
        }
    }

    fn parse_for(&mut self) -> Diags {
        let Part::For(open) = self.read() else { return Vec::new() };
        let open_s = range_string(self.filename, open);
        let mut diags = Diags::new();
        loop {
            match self.peek() {
                Part::End(r) => {
                    diags.push(diag(
                        "Unexpected end of template",
                        format!("The for directive at {open_s} is missing its corresponding endfor directive."),
                        r,
                        None,
                    ));
                    return diags;
                }
                Part::EndCtrl(c, r) => {
                    self.read();
                    match c {
                        Ctrl::Else => diags.push(diag(
                            "Unexpected else directive",
                            "An else clause is not expected for a for directive.",
                            r,
                            None,
                        )),
                        Ctrl::EndFor => return diags,
                        Ctrl::EndIf => diags.push(diag(
                            "Unexpected endif directive",
                            format!("Expecting an endfor directive corresponding to the for directive at {open_s}."),
                            r,
                            None,
                        )),
                    }
                    return diags;
                }
                _ => diags.extend(self.parse_expr()),
            }
        }
    }
}

// ---- string literals ------------------------------------------------------------------------

/// HCL's `ParseStringLiteralToken`: resolves escapes in a literal token, reporting invalid
/// ones. `quoted` is true for quoted strings (heredocs have no backslash escapes).
fn string_literal(text: &str, range: Rng, quoted: bool) -> (String, Diags) {
    let mut out = String::new();
    let mut diags = Diags::new();
    let mut pos = range.start;
    for slice in string_slices(text, quoted) {
        if slice.is_empty() {
            continue;
        }
        let start = pos;
        pos = super::scan::advance(pos, slice);
        // HCL advances lines on "\r" as well as "\n" here.
        let rng = Rng { start, end: pos };
        let mut chars = slice.chars();
        let first = chars.next();
        if quoted && first == Some('\\') {
            let rest = chars.as_str();
            let Some(sel) = rest.chars().next() else {
                diags.push(diag(
                    "Invalid escape sequence",
                    "Backslash must be followed by an escape sequence selector character.",
                    rng,
                    None,
                ));
                out.push_str(slice);
                continue;
            };
            match sel {
                'n' => out.push('\n'),
                'r' => out.push('\r'),
                't' => out.push('\t'),
                '"' => out.push('"'),
                '\\' => out.push('\\'),
                'u' | 'U' => {
                    let want = if sel == 'u' { 6 } else { 10 };
                    if slice.len() != want {
                        let detail = if sel == 'u' {
                            "The \\u escape sequence must be followed by four hexadecimal digits."
                        } else {
                            "The \\U escape sequence must be followed by eight hexadecimal digits."
                        };
                        diags.push(diag("Invalid escape sequence", detail, rng, None));
                        out.push_str(slice);
                        continue;
                    }
                    let hex = slice.get(2..).unwrap_or("");
                    match u32::from_str_radix(hex, 16).ok().and_then(char::from_u32) {
                        Some(c) => out.push(c),
                        None => {
                            let num = u32::from_str_radix(hex, 16).unwrap_or(0);
                            diags.push(diag(
                                "Invalid escape sequence",
                                format!("Cannot encode character U+{num:04x} in UTF-8."),
                                rng,
                                None,
                            ));
                            out.push_str(slice);
                        }
                    }
                }
                _ => {
                    diags.push(diag(
                        "Invalid escape sequence",
                        format!("The symbol {} is not a valid escape sequence selector.", go_quote(rest)),
                        rng,
                        None,
                    ));
                    out.push_str(rest);
                }
            }
            continue;
        }
        if (first == Some('$') || first == Some('%')) && slice.len() == 3 {
            let b = slice.as_bytes();
            if b[1] == b[0] && b[2] == b'{' {
                out.push(b[0] as char);
                out.push('{');
                continue;
            }
        }
        out.push_str(slice);
    }
    (out, diags)
}

/// HCL's `scanStringLit`: cuts a literal into escape sequences, template escapes, newlines and
/// runs of plain characters.
fn string_slices(text: &str, quoted: bool) -> Vec<&str> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut lit_start = 0;
    let mut i = 0;
    while i < b.len() {
        let tok_len = match b[i] {
            b'\\' if quoted => {
                let mut j = i + 1;
                match b.get(j) {
                    Some(b'u') | Some(b'U') => {
                        let max = if b[j] == b'u' { 4 } else { 8 };
                        j += 1;
                        let mut n = 0;
                        while n < max && b.get(j).is_some_and(|c| c.is_ascii_hexdigit()) {
                            j += 1;
                            n += 1;
                        }
                    }
                    Some(_) => {
                        let len = text.get(j..).and_then(|r| r.chars().next()).map(char::len_utf8).unwrap_or(1);
                        j += len;
                    }
                    None => {}
                }
                j - i
            }
            c @ (b'$' | b'%') => {
                if b.get(i + 1) == Some(&c) {
                    if b.get(i + 2) == Some(&b'{') {
                        3
                    } else {
                        2
                    }
                } else {
                    1
                }
            }
            b'\r' if b.get(i + 1) == Some(&b'\n') => 2,
            b'\r' | b'\n' => 1,
            _ => 0,
        };
        if tok_len == 0 {
            i += text.get(i..).and_then(|r| r.chars().next()).map(char::len_utf8).unwrap_or(1);
            continue;
        }
        if lit_start < i {
            out.extend(text.get(lit_start..i));
        }
        let end = (i + tok_len).min(b.len());
        out.extend(text.get(i..end));
        i = end;
        lit_start = end;
    }
    if lit_start < b.len() {
        out.extend(text.get(lit_start..));
    }
    out
}
