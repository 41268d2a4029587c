//! The token model the formatter works on.
//!
//! The kinds mirror HCL's native-syntax scanner (`hclsyntax.TokenType`) one for one, because the
//! layout rules of `terraform fmt` are written in terms of those kinds: a rule such as "no space
//! before a close bracket" or "a `#` comment ends its line" only gives Terraform's output if the
//! tokens are cut exactly where HCL cuts them.

/// The kind of one token, as HCL's scanner names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TokenKind {
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

    /// Literal text inside a quoted string (escapes still encoded).
    QuotedLit,
    /// Literal text inside a heredoc, including its newline.
    StringLit,
    NumberLit,
    Ident,

    /// `#`/`//` comments include their terminating newline; `/* */` comments do not.
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
    /// A newline inside a quoted string: always a syntax error.
    QuotedNewline,
    /// Anything the scanner cannot match: always a syntax error.
    Invalid,
}

/// One token: its kind, its exact source text, and the run of spaces written before it.
///
/// Formatting only ever changes `spaces_before`; the text of a token is never altered (the
/// Terraform-specific rewrites replace whole tokens instead).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Token {
    pub kind: TokenKind,
    pub text: String,
    pub spaces_before: usize,
    /// Byte offset of the token in the original source; synthesized tokens carry the offset of
    /// the token they replace. Used only to locate errors.
    pub offset: usize,
}

impl Token {
    pub(crate) fn synthetic(kind: TokenKind, text: &str, offset: usize) -> Token {
        Token {
            kind,
            text: text.to_owned(),
            spaces_before: 0,
            offset,
        }
    }

    /// Whether this token ends a line: a newline, or a single-line comment (which swallows the
    /// newline that ends it).
    pub(crate) fn is_newline(&self) -> bool {
        match self.kind {
            TokenKind::Newline => true,
            TokenKind::Comment => self.text.ends_with('\n'),
            _ => false,
        }
    }

    /// How this token changes the bracket nesting depth: +1 for openers (including `${` and
    /// `%{`), -1 for closers, 0 otherwise. Quotes and heredoc markers do not count, exactly as in
    /// HCL's formatter.
    pub(crate) fn bracket_change(&self) -> i32 {
        match self.kind {
            TokenKind::OBrace
            | TokenKind::OBrack
            | TokenKind::OParen
            | TokenKind::TemplateControl
            | TokenKind::TemplateInterp => 1,
            TokenKind::CBrace
            | TokenKind::CBrack
            | TokenKind::CParen
            | TokenKind::TemplateSeqEnd => -1,
            _ => 0,
        }
    }
}
