//! HCL's canonical layout: the whitespace-only pass of `hclwrite` that `terraform fmt` ends with.
//!
//! The pass sees the file as lines of tokens (a line ends at a newline token or at a `#`/`//`
//! comment, which swallows its newline) and splits each line into up to three cells:
//!
//! - *lead*: everything up to the `=` of an attribute, or the whole line;
//! - *assign*: from the `=` to the end, when the line holds a whole `name = value` whose
//!   brackets balance on that line;
//! - *comment*: a trailing single-line comment after other tokens.
//!
//! Then, in order: each line is indented two spaces per open bracket level (a line opening
//! several brackets indents the following lines only once); the spaces between tokens inside a
//! cell are set by [`space_after`]; and the `=` cells of consecutive lines, then their comment
//! cells, are aligned into columns. Only `spaces_before` changes; token text never does, which is
//! why heredoc bodies and multi-line comments come out untouched.
//!
//! **Invariant:** every token except the final end-of-file token gets its `spaces_before`
//! recomputed here, so the result does not depend on the input's spacing (or on the spacing of
//! tokens synthesized by the rewrites).

use unicode_segmentation::UnicodeSegmentation;

use crate::token::{Token, TokenKind};

/// One line, as index ranges into the token vector: `lead` is `[start, assign)`, `assign` is
/// `[assign, comment)` and `comment` is `[comment, end)`; an empty range means the cell is absent.
#[derive(Debug, Clone, Copy)]
struct Line {
    start: usize,
    assign: usize,
    comment: usize,
    end: usize,
}

impl Line {
    fn lead(&self) -> std::ops::Range<usize> {
        self.start..self.assign
    }
    fn assign_cell(&self) -> std::ops::Range<usize> {
        self.assign..self.comment
    }
    fn comment_cell(&self) -> std::ops::Range<usize> {
        self.comment..self.end
    }
    fn has_assign(&self) -> bool {
        self.assign < self.comment
    }
    fn has_comment(&self) -> bool {
        self.comment < self.end
    }
}

/// Applies the canonical layout to `tokens` in place.
pub(crate) fn apply(tokens: &mut [Token]) {
    let lines = split_lines(tokens);
    indent(tokens, &lines);
    space(tokens, &lines);
    align(tokens, &lines);
}

/// Writes the tokens back out as text.
pub(crate) fn render(tokens: &[Token]) -> String {
    let mut out = String::with_capacity(tokens.iter().map(|t| t.text.len() + 1).sum());
    for token in tokens {
        out.extend(std::iter::repeat_n(' ', token.spaces_before));
        out.push_str(&token.text);
    }
    out
}

fn split_lines(tokens: &[Token]) -> Vec<Line> {
    let mut lines = Vec::new();
    let mut start = 0;
    for (i, token) in tokens.iter().enumerate() {
        if token.kind == TokenKind::Eof {
            // The end-of-file token belongs to no line.
            lines.push(Line {
                start,
                assign: i,
                comment: i,
                end: i,
            });
            start = tokens.len();
            break;
        }
        if token.is_newline() {
            lines.push(Line {
                start,
                assign: i + 1,
                comment: i + 1,
                end: i + 1,
            });
            start = i + 1;
        }
    }
    if start < tokens.len() {
        lines.push(Line {
            start,
            assign: tokens.len(),
            comment: tokens.len(),
            end: tokens.len(),
        });
    }

    for line in &mut lines {
        if line.start == line.end {
            continue;
        }
        let mut lead_end = line.end;
        if line.end - line.start > 1 && tokens[line.end - 1].kind == TokenKind::Comment {
            lead_end = line.end - 1;
        }
        line.assign = lead_end;
        line.comment = lead_end;

        // The `=` (not the first token) starts the assign cell, but only if what follows it
        // closes every bracket it opens: otherwise the value runs on over later lines.
        let equals = (line.start + 1..lead_end).find(|&i| tokens[i].kind == TokenKind::Equal);
        if let Some(eq) = equals {
            let net: i32 = tokens[eq..lead_end].iter().map(Token::bracket_change).sum();
            if net == 0 {
                line.assign = eq;
            }
        }
    }
    lines
}

fn indent(tokens: &mut [Token], lines: &[Line]) {
    // Each entry is the number of brackets a line opened; a later line closing brackets pops
    // entries, so asymmetric bracket use across lines cannot push code too far either way.
    let mut indents: Vec<i32> = Vec::with_capacity(10);
    for line in lines {
        if line.start == line.assign {
            continue;
        }
        if tokens[line.start].kind == TokenKind::Newline {
            tokens[line.start].spaces_before = 0;
            continue;
        }

        let mut net = 0;
        for token in &tokens[line.lead()] {
            net += token.bracket_change();
            if token.kind == TokenKind::OHeredoc {
                break;
            }
        }
        net += tokens[line.assign_cell()]
            .iter()
            .map(Token::bracket_change)
            .sum::<i32>();

        if net > 0 {
            tokens[line.start].spaces_before = 2 * indents.len();
            indents.push(net);
        } else {
            if net < 0 {
                let mut closed = -net;
                while closed > 0 {
                    let Some(top) = indents.last_mut() else {
                        break;
                    };
                    if closed >= *top {
                        closed -= *top;
                        indents.pop();
                    } else {
                        *top -= closed;
                        closed = 0;
                    }
                }
            }
            tokens[line.start].spaces_before = 2 * indents.len();
        }
    }
}

fn space(tokens: &mut [Token], lines: &[Line]) {
    for line in lines {
        space_cell(tokens, line.lead(), false);
        space_cell(tokens, line.assign_cell(), true);
    }
}

fn space_cell(tokens: &mut [Token], cell: std::ops::Range<usize>, is_assign: bool) {
    if cell.is_empty() {
        return;
    }
    if is_assign {
        // The `=` is always separated from what it assigns to; alignment may widen this later.
        tokens[cell.start].spaces_before = 1;
    }
    for i in cell.start..cell.end.saturating_sub(1) {
        let before = if i > cell.start {
            Some(&tokens[i - 1])
        } else {
            None
        };
        let spaced = space_after(&tokens[i], before, &tokens[i + 1]);
        tokens[i + 1].spaces_before = usize::from(spaced);
    }
}

/// Whether `subject` is followed by a space when `before` precedes it (`None` at the start of a
/// cell) and `after` follows it. The rules and their order are HCL's.
fn space_after(subject: &Token, before: Option<&Token>, after: &Token) -> bool {
    use TokenKind as K;
    let before_kind = before.map(|t| t.kind);
    let s = subject.kind;
    let a = after.kind;

    if a == K::Newline || a == K::Eof {
        return false;
    }
    if s == K::Ident && a == K::OParen {
        // A function name stays next to its arguments.
        return false;
    }
    if (s == K::Ident && a == K::DoubleColon) || (s == K::DoubleColon && a == K::Ident) {
        // Namespaced function names (`provider::aws::arn_parse`).
        return false;
    }
    if s == K::Dot || a == K::Dot {
        return false;
    }
    if a == K::Comma || a == K::Ellipsis {
        return false;
    }
    if s == K::Comma {
        return true;
    }
    if matches!(s, K::QuotedLit | K::StringLit | K::OQuote | K::OHeredoc)
        || matches!(a, K::QuotedLit | K::StringLit | K::CQuote | K::CHeredoc)
    {
        // Template text is never padded.
        return false;
    }
    if s == K::Ident && subject.text == "in" && before_kind == Some(K::Ident) {
        // `for x in [a]`: `in` here is a keyword, not something being indexed.
        return true;
    }
    if a == K::OBrack && (s == K::Ident || s == K::NumberLit || subject.bracket_change() < 0) {
        // Indexing: `a[0]`, `f()[0]`.
        return false;
    }
    if s == K::Bang {
        return false;
    }
    if s == K::Minus {
        // A minus is negation (no space) unless what precedes it can end an operand.
        return !matches!(
            before_kind,
            None | Some(
                K::OParen
                    | K::OBrace
                    | K::OBrack
                    | K::Equal
                    | K::Colon
                    | K::Comma
                    | K::Question
                    | K::Plus
                    | K::Star
                    | K::Slash
                    | K::Percent
                    | K::Minus
                    | K::EqualOp
                    | K::NotEqual
                    | K::GreaterThan
                    | K::GreaterThanEq
                    | K::LessThan
                    | K::LessThanEq
                    | K::And
                    | K::Or
                    | K::Bang
            )
        );
    }
    if s == K::OBrace || a == K::CBrace {
        // Braces are padded inside (`{ a = 1 }`), except an empty pair (`{}`).
        return !(s == K::OBrace && a == K::CBrace);
    }
    if (s == K::TemplateInterp || s == K::TemplateControl) && a == K::OBrace {
        return true;
    }
    if s == K::CBrace && a == K::TemplateSeqEnd {
        return true;
    }
    if s == K::TemplateSeqEnd && (a == K::TemplateInterp || a == K::TemplateControl) {
        return false;
    }
    if subject.bracket_change() > 0 {
        return false;
    }
    if after.bracket_change() < 0 {
        return false;
    }
    true
}

/// Display width of tokens with their leading spaces, counted in grapheme clusters as HCL does.
fn columns(tokens: &[Token]) -> usize {
    tokens
        .iter()
        .map(|t| t.spaces_before + t.text.graphemes(true).count())
        .sum()
}

fn align(tokens: &mut [Token], lines: &[Line]) {
    // The `=` cells first, since moving them moves the comment cells too.
    for chain in chains(lines, Line::has_assign) {
        let widest = chain
            .iter()
            .map(|line| columns(&tokens[line.lead()]))
            .max()
            .unwrap_or(0);
        for line in chain {
            let width = columns(&tokens[line.lead()]);
            tokens[line.assign].spaces_before = widest - width + 1;
        }
    }
    for chain in chains(lines, Line::has_comment) {
        let width_of = |tokens: &[Token], line: &Line| {
            columns(&tokens[line.lead()]) + columns(&tokens[line.assign_cell()])
        };
        let widest = chain
            .iter()
            .map(|line| width_of(tokens, line))
            .max()
            .unwrap_or(0);
        for line in chain {
            let width = width_of(tokens, line);
            let first = line.comment_cell().start;
            tokens[first].spaces_before = widest - width + 1;
        }
    }
}

/// Runs of consecutive lines that all have the cell `has` looks for.
fn chains(lines: &[Line], has: fn(&Line) -> bool) -> Vec<&[Line]> {
    lines
        .split(|line| !has(line))
        .filter(|chain| !chain.is_empty())
        .collect()
}
