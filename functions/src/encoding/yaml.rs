//! `yamlencode` and `yamldecode`, as Terraform 1.11 implements them through `go-cty-yaml` v1.1.0.
//!
//! **Encoding** reproduces the text of go-yaml's libyaml-derived emitter byte for byte, since
//! users diff, hash and template its output: block style with two-space indentation, a sequence
//! under a mapping key not indented (`a:\n- 1`), every string double-quoted (keys included),
//! strings containing a line break as literal blocks (`|`, `|-`, `|+`, with an indentation hint
//! when the text starts with a space or break), empty collections as `[]`/`{}`, keys sorted,
//! double-quoted text folded after column 80, and a root plain scalar closed by `...`.
//! The emitter below keeps libyaml's state (column, indent stack, "last write was whitespace",
//! "at indentation") because every one of those quirks follows from it.
//!
//! **Decoding** uses a libyaml port for the event stream (its syntax error texts and marks are
//! libyaml's, which go-yaml shares) and applies go-cty-yaml's rules on top: the YAML 1.1 scalar
//! resolution of go-yaml v2 (`yes`/`on`/`y` are booleans, `~` is null, `0x`/`0o` integers,
//! `.inf`, timestamps become RFC 3339 strings), anchors and aliases (no recursion), `<<` merge
//! keys, one document only, mappings to objects and sequences to tuples. Error texts and their
//! oddly counted positions ("on line N, column M", with lines counted from 0 for most errors and
//! none at all on the first line) are go-cty-yaml's.

use std::collections::{BTreeMap, HashMap};

use base64::Engine;
use infra_value::value::Kind;
use infra_value::{Number, Type, Value};
use libyaml_safer::{EventData, Mark, Parser, ScalarStyle};

use crate::encoding::go_quote;
use crate::registry::call_error;
use crate::string::{format_number_text, text};
use crate::{FuncContext, FuncError};

pub(crate) fn yamlencode(args: &[Value], _: &Type, _: &FuncContext) -> Result<Value, FuncError> {
    let v = &args[0];
    if !v.is_wholly_known() {
        return Ok(Value::unknown(Type::String));
    }
    Ok(Value::string(encode(v)))
}

pub(crate) fn yamldecode(args: &[Value], _: &Type, _: &FuncContext) -> Result<Value, FuncError> {
    decode(text(&args[0])).map_err(|e| call_error(e.to_string()))
}

// ===================================================================================== encoding

/// Encodes a wholly known value as go-cty-yaml's `Standard.Marshal` does.
pub fn encode(v: &Value) -> String {
    let mut e = Emitter::new();
    e.emit_node(
        v,
        Context {
            root: true,
            ..Context::default()
        },
    );
    // DOCUMENT-END (implicit): end the last line.
    e.write_indent();
    // STREAM-END: a plain scalar at the root leaves the stream "open ended".
    if e.open_ended {
        e.write_indicator("...", true, false, false);
        e.write_indent();
    }
    e.out
}

/// libyaml's preferred line width and indentation (the defaults go-cty-yaml keeps).
const BEST_WIDTH: usize = 80;
const BEST_INDENT: i64 = 2;

/// The longest key, in bytes, libyaml writes as a simple `key: value` (longer ones use `? key`).
const MAX_SIMPLE_KEY_LEN: usize = 128;

/// Where a node sits, as libyaml's `emit_node` records it.
#[derive(Clone, Copy, Default)]
struct Context {
    root: bool,
    mapping: bool,
    simple_key: bool,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum ScalarKind {
    Plain,
    DoubleQuoted,
    Literal,
}

/// libyaml's `scalar_data` analysis: which styles can represent a scalar faithfully.
struct ScalarAnalysis {
    multiline: bool,
    block_plain_allowed: bool,
    block_allowed: bool,
}

struct Emitter {
    out: String,
    /// Characters (not bytes) written on the current line.
    column: usize,
    indent: i64,
    indents: Vec<i64>,
    /// The last thing written was whitespace (or nothing yet on this line's indentation).
    whitespace: bool,
    /// Only indentation (and indicators like `-`) has been written on this line.
    indention: bool,
    open_ended: bool,
    ctx: Context,
}

impl Emitter {
    fn new() -> Emitter {
        Emitter {
            out: String::new(),
            column: 0,
            indent: -1,
            indents: Vec::new(),
            whitespace: true,
            indention: true,
            open_ended: false,
            ctx: Context::default(),
        }
    }

    fn put(&mut self, c: char) {
        self.out.push(c);
        self.column += 1;
    }

    fn put_break(&mut self) {
        self.out.push('\n');
        self.column = 0;
    }

    fn increase_indent(&mut self, flow: bool, indentless: bool) {
        self.indents.push(self.indent);
        if self.indent < 0 {
            self.indent = if flow { BEST_INDENT } else { 0 };
        } else if !indentless {
            self.indent += BEST_INDENT;
        }
    }

    fn pop_indent(&mut self) {
        self.indent = self.indents.pop().unwrap_or(-1);
    }

    fn write_indent(&mut self) {
        let indent = self.indent.max(0) as usize;
        if !self.indention || self.column > indent || (self.column == indent && !self.whitespace) {
            self.put_break();
        }
        while self.column < indent {
            self.put(' ');
        }
        self.whitespace = true;
        self.indention = true;
    }

    fn write_indicator(
        &mut self,
        indicator: &str,
        need_whitespace: bool,
        is_whitespace: bool,
        is_indention: bool,
    ) {
        if need_whitespace && !self.whitespace {
            self.put(' ');
        }
        for c in indicator.chars() {
            self.put(c);
        }
        self.whitespace = is_whitespace;
        self.indention = self.indention && is_indention;
        self.open_ended = false;
    }

    fn emit_node(&mut self, v: &Value, ctx: Context) {
        self.ctx = ctx;
        match v.kind() {
            Kind::Null(_) | Kind::Unknown(_) => self.emit_scalar("null", ScalarKind::Plain),
            Kind::Bool(b) => self.emit_scalar(if *b { "true" } else { "false" }, ScalarKind::Plain),
            Kind::Number(n) => {
                self.emit_scalar(&format_number_text(n, 'f', None), ScalarKind::Plain)
            }
            Kind::String(s) => {
                let kind = if s.contains('\n') {
                    ScalarKind::Literal
                } else {
                    ScalarKind::DoubleQuoted
                };
                self.emit_scalar(s, kind)
            }
            Kind::List(_, es) | Kind::Set(_, es) | Kind::Tuple(es) => self.emit_sequence(es),
            Kind::Map(_, m) | Kind::Object(m) => self.emit_mapping(m),
        }
    }

    fn emit_sequence(&mut self, elems: &[Value]) {
        if elems.is_empty() {
            self.write_indicator("[", true, true, false);
            self.increase_indent(true, false);
            self.pop_indent();
            self.write_indicator("]", false, false, false);
            return;
        }
        // A block sequence directly under a mapping key is not indented further.
        let indentless = self.ctx.mapping && !self.indention;
        self.increase_indent(false, indentless);
        for e in elems {
            self.write_indent();
            self.write_indicator("-", true, false, true);
            self.emit_node(e, Context::default());
        }
        self.pop_indent();
    }

    fn emit_mapping(&mut self, entries: &BTreeMap<String, Value>) {
        if entries.is_empty() {
            self.write_indicator("{", true, true, false);
            self.increase_indent(true, false);
            self.pop_indent();
            self.write_indicator("}", false, false, false);
            return;
        }
        self.increase_indent(false, false);
        let value_ctx = Context {
            mapping: true,
            ..Context::default()
        };
        for (k, v) in entries {
            self.write_indent();
            let simple = !analyze_scalar(k).multiline && k.len() <= MAX_SIMPLE_KEY_LEN;
            let key = Value::string(k);
            if simple {
                self.emit_node(
                    &key,
                    Context {
                        mapping: true,
                        simple_key: true,
                        ..Context::default()
                    },
                );
                self.write_indicator(":", false, false, false);
            } else {
                self.write_indicator("?", true, false, true);
                self.emit_node(&key, value_ctx);
                self.write_indent();
                self.write_indicator(":", true, false, true);
            }
            self.emit_node(v, value_ctx);
        }
        self.pop_indent();
    }

    fn emit_scalar(&mut self, value: &str, requested: ScalarKind) {
        let analysis = analyze_scalar(value);
        let mut style = requested;
        if self.ctx.simple_key && analysis.multiline {
            style = ScalarKind::DoubleQuoted;
        }
        // go-cty-yaml only asks for plain style for numbers, bools and null, which libyaml
        // always accepts as plain in block context; anything else falls back to quotes.
        if style == ScalarKind::Plain && !analysis.block_plain_allowed {
            style = ScalarKind::DoubleQuoted;
        }
        if style == ScalarKind::Literal && (!analysis.block_allowed || self.ctx.simple_key) {
            style = ScalarKind::DoubleQuoted;
        }
        self.increase_indent(true, false);
        match style {
            ScalarKind::Plain => self.write_plain(value),
            ScalarKind::DoubleQuoted => self.write_double_quoted(value, !self.ctx.simple_key),
            ScalarKind::Literal => self.write_literal(value),
        }
        self.pop_indent();
    }

    fn write_plain(&mut self, value: &str) {
        if !self.whitespace {
            self.put(' ');
        }
        for c in value.chars() {
            self.put(c);
        }
        self.whitespace = false;
        self.indention = false;
        if self.ctx.root {
            self.open_ended = true;
        }
    }

    fn write_double_quoted(&mut self, value: &str, allow_breaks: bool) {
        self.write_indicator("\"", true, false, false);
        // libyaml tests for a byte order mark at the start of the whole value on every
        // character, so such a value comes out entirely escaped.
        let starts_with_bom = value.starts_with('\u{feff}');
        let mut spaces = false;
        let len = value.len();
        let mut chars = value.char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            if !is_printable(c) || starts_with_bom || is_break(c) || c == '"' || c == '\\' {
                self.put('\\');
                match c {
                    '\0' => self.put('0'),
                    '\u{07}' => self.put('a'),
                    '\u{08}' => self.put('b'),
                    '\t' => self.put('t'),
                    '\n' => self.put('n'),
                    '\u{0b}' => self.put('v'),
                    '\u{0c}' => self.put('f'),
                    '\r' => self.put('r'),
                    '\u{1b}' => self.put('e'),
                    '"' => self.put('"'),
                    '\\' => self.put('\\'),
                    '\u{85}' => self.put('N'),
                    '\u{a0}' => self.put('_'),
                    '\u{2028}' => self.put('L'),
                    '\u{2029}' => self.put('P'),
                    _ => {
                        let v = c as u32;
                        let (letter, digits) = if v <= 0xff {
                            ('x', 2)
                        } else if v <= 0xffff {
                            ('u', 4)
                        } else {
                            ('U', 8)
                        };
                        self.put(letter);
                        for d in format!("{v:0digits$X}").chars() {
                            self.put(d);
                        }
                    }
                }
                spaces = false;
            } else if c == ' ' {
                if allow_breaks && !spaces && self.column > BEST_WIDTH && i > 0 && i < len - 1 {
                    self.write_indent();
                    if matches!(chars.peek(), Some((_, ' '))) {
                        self.put('\\');
                    }
                } else {
                    self.put(c);
                }
                spaces = true;
            } else {
                self.put(c);
                spaces = false;
            }
        }
        self.write_indicator("\"", false, false, false);
        self.whitespace = false;
        self.indention = false;
    }

    fn write_literal(&mut self, value: &str) {
        self.write_indicator("|", true, false, false);
        // Block scalar hints: an explicit indentation when the text starts with a space or
        // break, and the chomping indicator from how many line breaks end it.
        if value.starts_with(' ') || value.chars().next().is_some_and(is_break) {
            self.write_indicator(&BEST_INDENT.to_string(), false, false, false);
        }
        self.open_ended = false;
        let mut rev = value.chars().rev();
        let chomp = match (rev.next(), rev.next()) {
            (None, _) => Some("-"),
            (Some(last), _) if !is_break(last) => Some("-"),
            (Some(_), None) => Some("+"),
            (Some(_), Some(prev)) if is_break(prev) => Some("+"),
            _ => None,
        };
        if let Some(chomp) = chomp {
            self.write_indicator(chomp, false, false, false);
        }
        self.put_break();
        self.indention = true;
        self.whitespace = true;
        let mut breaks = true;
        for c in value.chars() {
            if is_break(c) {
                if c == '\n' {
                    self.put_break();
                } else {
                    self.out.push(c);
                    self.column = 0;
                }
                self.indention = true;
                breaks = true;
            } else {
                if breaks {
                    self.write_indent();
                }
                self.put(c);
                self.indention = false;
                breaks = false;
            }
        }
    }
}

/// libyaml's `is_printable`: what may appear unescaped in its output.
fn is_printable(c: char) -> bool {
    matches!(c as u32, 0x0a | 0x20..=0x7e | 0xa0..=0xd7ff | 0xe000..=0xfffd) && c != '\u{feff}'
}

fn is_break(c: char) -> bool {
    matches!(c, '\r' | '\n' | '\u{85}' | '\u{2028}' | '\u{2029}')
}

fn is_blank(c: char) -> bool {
    c == ' ' || c == '\t'
}

/// libyaml's `yaml_emitter_analyze_scalar`, reduced to the flags the styles used here need.
fn analyze_scalar(value: &str) -> ScalarAnalysis {
    if value.is_empty() {
        return ScalarAnalysis {
            multiline: false,
            block_plain_allowed: true,
            block_allowed: false,
        };
    }
    let mut block_indicators = value.starts_with("---") || value.starts_with("...");
    let (mut line_breaks, mut special_characters) = (false, false);
    let (mut leading_space, mut leading_break, mut trailing_space, mut trailing_break) =
        (false, false, false, false);
    let (mut break_space, mut space_break) = (false, false);
    let (mut previous_space, mut previous_break) = (false, false);
    let mut preceded_by_whitespace = true;
    let chars: Vec<(usize, char)> = value.char_indices().collect();
    for (n, &(i, c)) in chars.iter().enumerate() {
        let next = chars.get(n + 1).map(|&(_, c)| c);
        let followed_by_whitespace = next.is_none_or(is_blank);
        let is_last = next.is_none();
        if i == 0 {
            match c {
                '#' | ',' | '[' | ']' | '{' | '}' | '&' | '*' | '!' | '|' | '>' | '\'' | '"'
                | '%' | '@' | '`' => block_indicators = true,
                '?' | ':' | '-' if followed_by_whitespace => block_indicators = true,
                _ => {}
            }
        } else {
            match c {
                ':' if followed_by_whitespace => block_indicators = true,
                '#' if preceded_by_whitespace => block_indicators = true,
                _ => {}
            }
        }
        if !is_printable(c) {
            special_characters = true;
        }
        if c == ' ' {
            leading_space |= i == 0;
            trailing_space |= is_last;
            break_space |= previous_break;
            previous_space = true;
            previous_break = false;
        } else if is_break(c) {
            line_breaks = true;
            leading_break |= i == 0;
            trailing_break |= is_last;
            space_break |= previous_space;
            previous_space = false;
            previous_break = true;
        } else {
            previous_space = false;
            previous_break = false;
        }
        preceded_by_whitespace = is_blank(c) || is_break(c) || c == '\0';
    }
    let mut block_plain_allowed = true;
    let mut block_allowed = true;
    if leading_space
        || leading_break
        || trailing_space
        || trailing_break
        || break_space
        || line_breaks
    {
        block_plain_allowed = false;
    }
    if trailing_space || space_break || special_characters {
        block_allowed = false;
    }
    if space_break || special_characters || block_indicators {
        block_plain_allowed = false;
    }
    ScalarAnalysis {
        multiline: line_breaks,
        block_plain_allowed,
        block_allowed,
    }
}

// ===================================================================================== decoding

/// Why `yamldecode` rejected its source, with go-cty-yaml's position (if it gives one).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{}{message}", position.map(|(l, c)| format!("on line {l}, column {c}: ")).unwrap_or_default())]
pub struct DecodeError {
    /// Line and column as go-cty-yaml reports them (see [`at_mark`]).
    pub position: Option<(u64, u64)>,
    pub message: String,
}

/// An error located at an event, as go-cty-yaml's `parseEventErrorWrap` places it: the line is
/// libyaml's zero-based line number printed as is, the column is one-based, and an event on the
/// first line (line 0) gets no position at all.
fn at_mark(mark: Mark, message: impl Into<String>) -> DecodeError {
    let position = (mark.line != 0).then_some((mark.line, mark.column + 1));
    DecodeError {
        position,
        message: message.into(),
    }
}

fn unplaced(message: impl Into<String>) -> DecodeError {
    DecodeError {
        position: None,
        message: message.into(),
    }
}

/// A syntax error from the libyaml port, placed as go-cty-yaml's `parserErrorWrap` does:
/// scanner errors at the start of the line after the zero-based problem line, parser errors at
/// the zero-based problem line, else at the context mark, else nowhere.
fn syntax_error(e: &libyaml_safer::Error) -> DecodeError {
    let message = if e.problem().is_empty() {
        "invalid YAML syntax"
    } else {
        e.problem()
    };
    let position = match (e.problem_mark(), e.context_mark()) {
        (Some(p), _) if p.line != 0 => {
            if e.kind() == libyaml_safer::ErrorKind::Scanner {
                Some((p.line + 1, 1))
            } else {
                Some((p.line, p.column + 1))
            }
        }
        (_, Some(c)) if c.line != 0 => Some((c.line, c.column + 1)),
        _ => None,
    };
    DecodeError {
        position,
        message: message.into(),
    }
}

const STR_TAG: &str = "tag:yaml.org,2002:str";
const BINARY_TAG: &str = "tag:yaml.org,2002:binary";
const BOOL_TAG: &str = "tag:yaml.org,2002:bool";
const INT_TAG: &str = "tag:yaml.org,2002:int";
const FLOAT_TAG: &str = "tag:yaml.org,2002:float";
const NULL_TAG: &str = "tag:yaml.org,2002:null";
const TIMESTAMP_TAG: &str = "tag:yaml.org,2002:timestamp";
const MAP_TAG: &str = "tag:yaml.org,2002:map";
const SEQ_TAG: &str = "tag:yaml.org,2002:seq";

/// Decodes one YAML document into a value as go-cty-yaml's `Standard.Unmarshal` with its
/// implied type does: mappings become objects, sequences tuples, untyped nulls `null`.
pub fn decode(src: &str) -> Result<Value, DecodeError> {
    let src = if src.is_empty() { "\n" } else { src };
    // The libyaml port has a few `panic!`s on input its C original accepts (a tag followed
    // directly by `,` inside a flow collection, which go-yaml reads as part of the tag and then
    // rejects as an unsupported tag); report those as a syntax error instead of taking the
    // process down, and without the panic message on stderr.
    install_quiet_panic_hook();
    QUIET_PANICS.with(|q| q.set(true));
    let result = std::panic::catch_unwind(|| Decoder::new().document(src));
    QUIET_PANICS.with(|q| q.set(false));
    result.unwrap_or_else(|_| Err(unplaced("invalid YAML syntax")))
}

thread_local! {
    /// Set while this thread runs the YAML parser, whose panics are caught and reported.
    static QUIET_PANICS: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Wraps the process's panic hook once so that panics caught in [`decode`] print nothing;
/// every other panic still goes to the previous hook.
fn install_quiet_panic_hook() {
    static INSTALL: std::sync::Once = std::sync::Once::new();
    INSTALL.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !QUIET_PANICS.with(|q| q.get()) {
                previous(info);
            }
        }));
    });
}

/// A scalar's resolution: a value, or the `<<` merge key.
enum Resolved {
    Value(Value),
    Merge,
}

/// How deeply collections may nest. The decoder recurses per level; this bound keeps a hostile
/// document (`[[[[…`) from overflowing a 2 MiB worker-thread stack, far beyond real configuration.
const MAX_DEPTH: usize = 256;

#[derive(Default)]
struct Decoder {
    /// Collections currently open around the node being read.
    depth: usize,
    /// Anchors whose node is still being read, counted (an anchor may be redefined inside
    /// itself). An alias to one of these would be an infinite value.
    anchors_pending: HashMap<String, usize>,
    anchor_values: HashMap<String, Value>,
}

type Events<'a, 'b> = Parser<&'b mut &'a [u8]>;

fn next_event(p: &mut Events<'_, '_>) -> Result<libyaml_safer::Event, DecodeError> {
    p.parse().map_err(|e| syntax_error(&e))
}

fn event_name(data: &EventData) -> &'static str {
    match data {
        EventData::StreamStart { .. } => "stream start",
        EventData::StreamEnd => "stream end",
        EventData::DocumentStart { .. } => "document start",
        EventData::DocumentEnd { .. } => "document end",
        EventData::Alias { .. } => "alias",
        EventData::Scalar { .. } => "scalar",
        EventData::SequenceStart { .. } => "sequence start",
        EventData::SequenceEnd => "sequence end",
        EventData::MappingStart { .. } => "mapping start",
        EventData::MappingEnd => "mapping end",
    }
}

impl Decoder {
    fn new() -> Decoder {
        Decoder::default()
    }

    fn document(mut self, src: &str) -> Result<Value, DecodeError> {
        let mut input = src.as_bytes();
        let mut p: Events<'_, '_> = Parser::new();
        p.set_input_string(&mut input);

        let e = next_event(&mut p)?;
        if !matches!(e.data, EventData::StreamStart { .. }) {
            return Err(at_mark(e.start_mark, "missing stream start token"));
        }
        let e = next_event(&mut p)?;
        match &e.data {
            EventData::DocumentStart {
                version_directive, ..
            } => {
                // go-yaml knows YAML 1.1 only; this libyaml port also takes `%YAML 1.2`.
                if version_directive.is_some_and(|v| v.minor != 1) {
                    return Err(at_mark(e.start_mark, "found incompatible YAML document"));
                }
            }
            _ => return Err(at_mark(e.start_mark, "missing start of document")),
        }
        let value = self.node(&mut p)?;
        let e = next_event(&mut p)?;
        match e.data {
            EventData::DocumentEnd { .. } => {}
            EventData::DocumentStart { .. } => {
                return Err(at_mark(e.start_mark, "only a single document is allowed"))
            }
            other => {
                return Err(at_mark(
                    e.start_mark,
                    format!(
                        "unexpected extra content ({}) after value",
                        event_name(&other)
                    ),
                ))
            }
        }
        let e = next_event(&mut p)?;
        if !matches!(e.data, EventData::StreamEnd) {
            return Err(at_mark(
                e.start_mark,
                "unexpected extra content after value",
            ));
        }
        Ok(value)
    }

    fn node(&mut self, p: &mut Events<'_, '_>) -> Result<Value, DecodeError> {
        let e = next_event(p)?;
        self.node_from(e, p)
    }

    fn node_from(
        &mut self,
        e: libyaml_safer::Event,
        p: &mut Events<'_, '_>,
    ) -> Result<Value, DecodeError> {
        let mark = e.start_mark;
        match e.data {
            EventData::Scalar {
                anchor,
                tag,
                value,
                style,
                ..
            } => {
                if let Some(a) = &anchor {
                    self.begin_anchor(a);
                }
                let v = match resolve_scalar(tag.as_deref().unwrap_or(""), &value, style) {
                    Ok(Resolved::Value(v)) => v,
                    // Outside a mapping key, `<<` is just text.
                    Ok(Resolved::Merge) => Value::string("<<"),
                    Err(message) => return Err(at_mark(mark, message)),
                };
                if let Some(a) = &anchor {
                    self.complete_anchor(a, v.clone());
                }
                Ok(v)
            }
            EventData::Alias { anchor } => self.alias(&anchor).map_err(|m| at_mark(mark, m)),
            EventData::MappingStart { .. } | EventData::SequenceStart { .. }
                if self.depth >= MAX_DEPTH =>
            {
                Err(at_mark(
                    mark,
                    format!("collections nested more than {MAX_DEPTH} levels deep"),
                ))
            }
            EventData::MappingStart { anchor, tag, .. } => {
                self.depth += 1;
                let v = self.mapping(anchor, tag, mark, p);
                self.depth -= 1;
                v
            }
            EventData::SequenceStart { anchor, tag, .. } => {
                self.depth += 1;
                let v = self.sequence(anchor, tag, mark, p);
                self.depth -= 1;
                v
            }
            EventData::DocumentStart { .. } => {
                Err(at_mark(mark, "only a single document is allowed"))
            }
            EventData::StreamEnd => Err(at_mark(mark, "expecting value but found end of stream")),
            other => Err(at_mark(
                mark,
                format!("unexpected parser event {}", event_name(&other)),
            )),
        }
    }

    fn mapping(
        &mut self,
        anchor: Option<String>,
        tag: Option<String>,
        mark: Mark,
        p: &mut Events<'_, '_>,
    ) -> Result<Value, DecodeError> {
        if let Some(tag) = tag.filter(|t| !t.is_empty() && t != MAP_TAG) {
            return Err(at_mark(mark, format!("can't interpret mapping as {tag}")));
        }
        if let Some(a) = &anchor {
            self.begin_anchor(a);
        }
        let mut attrs = BTreeMap::new();
        loop {
            let e = next_event(p)?;
            let key_mark = e.start_mark;
            let (tag, value, style) = match e.data {
                EventData::MappingEnd => break,
                EventData::Scalar {
                    tag, value, style, ..
                } => (tag, value, style),
                _ => {
                    return Err(at_mark(
                        key_mark,
                        "only strings are allowed as mapping keys",
                    ))
                }
            };
            // go-cty-yaml returns a key's resolution error without a position.
            let key = match resolve_scalar(tag.as_deref().unwrap_or(""), &value, style)
                .map_err(unplaced)?
            {
                Resolved::Merge => {
                    let merged = self.node(p)?;
                    match merged.kind() {
                        Kind::Object(m) | Kind::Map(_, m) => {
                            for (k, v) in m.iter() {
                                attrs.insert(k.clone(), v.clone());
                            }
                        }
                        _ => {
                            return Err(at_mark(
                                key_mark,
                                format!(
                                    "cannot merge {} into mapping",
                                    merged.ty().friendly_name()
                                ),
                            ))
                        }
                    }
                    continue;
                }
                Resolved::Value(v) => match v.kind() {
                    Kind::String(s) => s.to_string(),
                    Kind::Bool(b) => b.to_string(),
                    Kind::Number(n) => format_number_text(n, 'f', None),
                    Kind::Null(_) => return Err(at_mark(key_mark, "mapping key cannot be null")),
                    _ => {
                        return Err(at_mark(
                            key_mark,
                            "only strings are allowed as mapping keys",
                        ))
                    }
                },
            };
            let value = self.node(p)?;
            attrs.insert(key, value);
        }
        let v = Value::object(attrs);
        if let Some(a) = &anchor {
            self.complete_anchor(a, v.clone());
        }
        Ok(v)
    }

    fn sequence(
        &mut self,
        anchor: Option<String>,
        tag: Option<String>,
        mark: Mark,
        p: &mut Events<'_, '_>,
    ) -> Result<Value, DecodeError> {
        if let Some(tag) = tag.filter(|t| !t.is_empty() && t != SEQ_TAG) {
            return Err(at_mark(mark, format!("can't interpret sequence as {tag}")));
        }
        if let Some(a) = &anchor {
            self.begin_anchor(a);
        }
        let mut elems = Vec::new();
        loop {
            let e = next_event(p)?;
            if matches!(e.data, EventData::SequenceEnd) {
                break;
            }
            elems.push(self.node_from(e, p)?);
        }
        let v = Value::tuple(elems);
        if let Some(a) = &anchor {
            self.complete_anchor(a, v.clone());
        }
        Ok(v)
    }

    fn begin_anchor(&mut self, name: &str) {
        *self.anchors_pending.entry(name.to_string()).or_default() += 1;
    }

    fn complete_anchor(&mut self, name: &str, v: Value) {
        if let Some(count) = self.anchors_pending.get_mut(name) {
            *count -= 1;
            if *count == 0 {
                self.anchors_pending.remove(name);
            }
        }
        self.anchor_values.insert(name.to_string(), v);
    }

    fn alias(&self, name: &str) -> Result<Value, String> {
        if self.anchors_pending.contains_key(name) {
            return Err(format!(
                "cannot refer to anchor {} from inside its own definition",
                go_quote(name)
            ));
        }
        self.anchor_values
            .get(name)
            .cloned()
            .ok_or_else(|| format!("reference to undefined anchor {}", go_quote(name)))
    }
}

/// go-cty-yaml's `resolveScalar`: the value of a scalar from its tag, text and style, with
/// go-yaml v2's YAML 1.1 implicit typing for untagged plain scalars.
fn resolve_scalar(tag: &str, src: &str, style: ScalarStyle) -> Result<Resolved, String> {
    if !matches!(
        tag,
        "" | STR_TAG | BOOL_TAG | INT_TAG | FLOAT_TAG | NULL_TAG | TIMESTAMP_TAG | BINARY_TAG
    ) {
        return Err(format!("unsupported tag {}", go_quote(tag)));
    }
    // The first byte hints at what a plain scalar may be: Sign, Digit, in the Map, or '.'.
    let hint = match src.as_bytes().first() {
        None => Some('N'),
        Some(b'+' | b'-') => Some('S'),
        Some(b'0'..=b'9') => Some('D'),
        Some(b'y' | b'Y' | b'n' | b'N' | b't' | b'T' | b'f' | b'F' | b'o' | b'O' | b'~') => {
            Some('M')
        }
        Some(b'.') => Some('.'),
        Some(_) => None,
    };
    let mut tag = tag;
    if let Some(hint) = hint {
        if tag != STR_TAG && tag != BINARY_TAG {
            if matches!(style, ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted) {
                return Ok(Resolved::Value(Value::string(src)));
            }
            if let Some(v) = resolve_map(src) {
                return Ok(Resolved::Value(v));
            }
            if tag.is_empty() && matches!(src, ".nan" | ".NaN" | ".NAN") {
                return Err("floating point NaN is not supported".into());
            }
            match hint {
                '.' => {
                    if let Some(n) = Number::parse(src) {
                        return Ok(Resolved::Value(Value::number(n)));
                    }
                }
                'D' | 'S' => {
                    if tag.is_empty() || tag == TIMESTAMP_TAG {
                        if let Some(t) = parse_timestamp(src) {
                            return Ok(Resolved::Value(Value::string(t)));
                        }
                    }
                    if is_yaml_int(src) {
                        tag = INT_TAG;
                    } else if is_yaml_float(src) {
                        tag = FLOAT_TAG;
                    }
                }
                _ => {}
            }
        }
    }
    if tag.is_empty() && src == "<<" {
        return Ok(Resolved::Merge);
    }
    let cannot_parse = || format!("cannot parse {} as {tag}", go_quote(src));
    match tag {
        STR_TAG | BINARY_TAG => {
            if tag == BINARY_TAG {
                // Go's standard decoder skips line breaks and tolerates non-zero trailing bits.
                let compact: String = src.chars().filter(|c| *c != '\r' && *c != '\n').collect();
                let engine = base64::engine::GeneralPurpose::new(
                    &base64::alphabet::STANDARD,
                    base64::engine::GeneralPurposeConfig::new()
                        .with_decode_allow_trailing_bits(true),
                );
                if engine.decode(compact).is_err() {
                    return Err(format!("{}: not valid base64", cannot_parse()));
                }
            }
            Ok(Resolved::Value(Value::string(src)))
        }
        BOOL_TAG => match resolve_map(src) {
            Some(v) if v.as_bool().is_some() => Ok(Resolved::Value(v)),
            _ => Err(cannot_parse()),
        },
        INT_TAG | FLOAT_TAG => {
            let plain: String = src.chars().filter(|c| *c != '_').collect();
            if let Some(n) = Number::parse(&plain) {
                return Ok(Resolved::Value(Value::number(n)));
            }
            parse_go_int(&plain)
                .map(|n| Resolved::Value(Value::number(n)))
                .ok_or_else(cannot_parse)
        }
        TIMESTAMP_TAG => parse_timestamp(src)
            .map(|t| Resolved::Value(Value::string(t)))
            .ok_or_else(cannot_parse),
        NULL_TAG => Ok(Resolved::Value(Value::dynamic_null())),
        _ => Ok(Resolved::Value(Value::string(src))),
    }
}

/// go-yaml v2's table of plain scalars with a fixed meaning (YAML 1.1 booleans included).
fn resolve_map(src: &str) -> Option<Value> {
    Some(match src {
        "y" | "Y" | "yes" | "Yes" | "YES" | "true" | "True" | "TRUE" | "on" | "On" | "ON" => {
            Value::bool(true)
        }
        "n" | "N" | "no" | "No" | "NO" | "false" | "False" | "FALSE" | "off" | "Off" | "OFF" => {
            Value::bool(false)
        }
        "" | "~" | "null" | "Null" | "NULL" => Value::dynamic_null(),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => {
            Value::number(Number::infinity(false))
        }
        "-.inf" | "-.Inf" | "-.INF" => Value::number(Number::infinity(true)),
        _ => return None,
    })
}

/// YAML 1.2's integer pattern: `[-+]?[0-9]+`, `0o[0-7]+` or `0x[0-9a-fA-F]+`.
fn is_yaml_int(s: &str) -> bool {
    let all = |t: &str, f: fn(&u8) -> bool| !t.is_empty() && t.as_bytes().iter().all(f);
    if let Some(t) = s.strip_prefix("0o") {
        if all(t, |b| (b'0'..=b'7').contains(b)) {
            return true;
        }
    }
    if let Some(t) = s.strip_prefix("0x") {
        if all(t, u8::is_ascii_hexdigit) {
            return true;
        }
    }
    let t = s.strip_prefix(['-', '+']).unwrap_or(s);
    all(t, u8::is_ascii_digit)
}

/// YAML 1.2's float pattern: `[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?`.
fn is_yaml_float(s: &str) -> bool {
    let b = s.strip_prefix(['-', '+']).unwrap_or(s).as_bytes();
    let digits = |from: usize| b[from..].iter().take_while(|c| c.is_ascii_digit()).count();
    let mut i;
    if b.first() == Some(&b'.') {
        let n = digits(1);
        if n == 0 {
            return false;
        }
        i = 1 + n;
    } else {
        let n = digits(0);
        if n == 0 {
            return false;
        }
        i = n;
        if b.get(i) == Some(&b'.') {
            i += 1 + digits(i + 1);
        }
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'-' | b'+')) {
            i += 1;
        }
        let n = digits(i);
        if n == 0 {
            return false;
        }
        i += n;
    }
    i == b.len()
}

/// Go's `strconv.ParseInt(s, 0, 64)`, then `ParseUint(s, 0, 64)`: an optional sign (signed
/// only), a `0x`/`0o`/`0b`/`0` base prefix, and a result within 64 bits.
fn parse_go_int(s: &str) -> Option<Number> {
    let (negative, signed, body) = match s.as_bytes().first() {
        Some(b'-') => (true, true, &s[1..]),
        Some(b'+') => (false, true, &s[1..]),
        _ => (false, false, s),
    };
    let lower = body.to_ascii_lowercase();
    let (radix, digits) = if let Some(d) = lower.strip_prefix("0x") {
        (16, d)
    } else if let Some(d) = lower.strip_prefix("0o") {
        (8, d)
    } else if let Some(d) = lower.strip_prefix("0b") {
        (2, d)
    } else if lower.len() > 1 && lower.starts_with('0') {
        (8, &lower[1..])
    } else {
        (10, lower.as_str())
    };
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    let magnitude = u64::from_str_radix(digits, radix).ok()?;
    if !signed {
        return Some(Number::from_u64(magnitude));
    }
    if negative {
        if magnitude <= i64::MAX as u64 + 1 {
            return Some(Number::from_i64((magnitude as i64).wrapping_neg()));
        }
        None
    } else {
        i64::try_from(magnitude).ok().map(Number::from_i64)
    }
}

/// go-yaml's timestamp recognition (a subset of YAML 1.1's timestamp type, through Go's
/// `time.Parse` with four layouts), rendered as RFC 3339 without fractional seconds as
/// go-cty-yaml does.
fn parse_timestamp(s: &str) -> Option<String> {
    let b = s.as_bytes();
    // Quick check: every accepted form starts with four digits and a dash.
    let year_digits = b.iter().take_while(|c| c.is_ascii_digit()).count();
    if year_digits != 4 || b.get(4) != Some(&b'-') {
        return None;
    }
    for layout in [
        Layout::DateTimeZone(b'T'),
        Layout::DateTimeZone(b't'),
        Layout::DateSpaceTime,
        Layout::Date,
    ] {
        if let Some(t) = parse_layout(b, layout) {
            return Some(t);
        }
    }
    None
}

#[derive(Clone, Copy)]
enum Layout {
    /// `2006-1-2T15:4:5.999999999Z07:00`, with the given `T` separator.
    DateTimeZone(u8),
    /// `2006-1-2 15:4:5.999999999`, in UTC.
    DateSpaceTime,
    /// `2006-1-2`.
    Date,
}

/// A one- or two-digit number, as Go's `getnum(s, false)` reads it.
fn getnum(b: &[u8], i: &mut usize) -> Option<u32> {
    let d0 = *b.get(*i).filter(|c| c.is_ascii_digit())?;
    *i += 1;
    match b.get(*i).filter(|c| c.is_ascii_digit()) {
        Some(d1) => {
            *i += 1;
            Some(u32::from(d0 - b'0') * 10 + u32::from(d1 - b'0'))
        }
        None => Some(u32::from(d0 - b'0')),
    }
}

fn expect(b: &[u8], i: &mut usize, c: u8) -> Option<()> {
    (b.get(*i) == Some(&c)).then(|| *i += 1)
}

fn parse_layout(b: &[u8], layout: Layout) -> Option<String> {
    let year: u32 = std::str::from_utf8(&b[..4]).ok()?.parse().ok()?;
    let mut i = 4;
    expect(b, &mut i, b'-')?;
    let month = getnum(b, &mut i)?;
    if !(1..=12).contains(&month) {
        return None;
    }
    expect(b, &mut i, b'-')?;
    let day = getnum(b, &mut i)?;
    let (mut hour, mut minute, mut second, mut offset_minutes) = (0, 0, 0, 0i64);
    if !matches!(layout, Layout::Date) {
        expect(
            b,
            &mut i,
            if let Layout::DateTimeZone(t) = layout {
                t
            } else {
                b' '
            },
        )?;
        hour = getnum(b, &mut i)?;
        expect(b, &mut i, b':')?;
        minute = getnum(b, &mut i)?;
        expect(b, &mut i, b':')?;
        second = getnum(b, &mut i)?;
        if hour >= 24 || minute >= 60 || second >= 60 {
            return None;
        }
        // Optional fractional seconds (dropped from the output).
        if matches!(b.get(i), Some(b'.' | b',')) && b.get(i + 1).is_some_and(u8::is_ascii_digit) {
            i += 1;
            while b.get(i).is_some_and(u8::is_ascii_digit) {
                i += 1;
            }
        }
        if let Layout::DateTimeZone(_) = layout {
            if b.get(i) == Some(&b'Z') {
                i += 1;
            } else {
                let z = b.get(i..i + 6)?;
                let sign = match z[0] {
                    b'+' => 1,
                    b'-' => -1,
                    _ => return None,
                };
                let two = |p: &[u8]| -> Option<i64> {
                    (p[0].is_ascii_digit() && p[1].is_ascii_digit())
                        .then(|| i64::from(p[0] - b'0') * 10 + i64::from(p[1] - b'0'))
                };
                if z[3] != b':' {
                    return None;
                }
                let (oh, om) = (two(&z[1..3])?, two(&z[4..6])?);
                if oh > 24 || om > 60 {
                    return None;
                }
                offset_minutes = sign * (oh * 60 + om);
                i += 6;
            }
        }
    }
    if i != b.len() || day < 1 || day > days_in_month(month, year) {
        return None;
    }
    let zone = if offset_minutes == 0 {
        "Z".to_string()
    } else {
        let m = offset_minutes.abs();
        format!(
            "{}{:02}:{:02}",
            if offset_minutes < 0 { '-' } else { '+' },
            m / 60,
            m % 60
        )
    };
    Some(format!(
        "{year:04}-{month:02}-{day:02}T{hour:02}:{minute:02}:{second:02}{zone}"
    ))
}

fn days_in_month(month: u32, year: u32) -> u32 {
    match month {
        2 if year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400)) => {
            29
        }
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}
