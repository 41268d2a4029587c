//! HCL's JSON scanner and parser (`json/scanner.go`, `json/parser.go`) with their diagnostics
//! and recovery, plus the part of Terraform's decoding that looks at the partial result: the
//! root must be an object, and the top-level block types unpack their labels from nested
//! objects (`json/structure.go`), so a value that failed to parse where a block body belongs is
//! reported as "Incorrect JSON value type" as well.

use infra_value::SourcePos;

use super::scan::{is_grapheme_extend, Rng};
use super::{go_quote, name_suggestion, Diag};

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum T {
    BraceO,
    BraceC,
    BrackO,
    BrackC,
    Comma,
    Colon,
    Equals,
    Keyword,
    String,
    Number,
    Eof,
    Invalid,
}

#[derive(Clone, Copy)]
struct Tok {
    kind: T,
    start: usize,
    end: usize,
    range: Rng,
}

fn scan(text: &str) -> Vec<Tok> {
    let b = text.as_bytes();
    let mut toks = Vec::new();
    let mut i = 0;
    let mut p = SourcePos { line: 1, column: 1, byte: 0 };
    loop {
        // Whitespace as HCL's JSON scanner counts it (a tab is two columns, "\r" none).
        while let Some(&c) = b.get(i) {
            match c {
                b' ' => p.column += 1,
                b'\n' => {
                    p.line += 1;
                    p.column = 1;
                }
                b'\r' => {}
                b'\t' => p.column += 2,
                _ => break,
            }
            i += 1;
            p.byte += 1;
        }
        let start = p;
        let from = i;
        let Some(&first) = b.get(i) else {
            toks.push(Tok { kind: T::Eof, start: i, end: i, range: Rng::at(p) });
            return toks;
        };
        let kind = match first {
            b'{' => Some(T::BraceO),
            b'}' => Some(T::BraceC),
            b'[' => Some(T::BrackO),
            b']' => Some(T::BrackC),
            b',' => Some(T::Comma),
            b':' => Some(T::Colon),
            b'=' => Some(T::Equals),
            _ => None,
        };
        if let Some(kind) = kind {
            i += 1;
            p.byte += 1;
            p.column += 1;
            toks.push(Tok { kind, start: from, end: i, range: Rng { start, end: p } });
            continue;
        }
        match first {
            b'"' => {
                i += 1;
                p.byte += 1;
                p.column += 1;
                let mut escaping = false;
                let mut prev: Option<char> = None;
                while let Some(&c) = b.get(i) {
                    match c {
                        b'\\' => {
                            escaping = !escaping;
                            i += 1;
                            p.byte += 1;
                            p.column += 1;
                            prev = Some('\\');
                        }
                        b'"' => {
                            i += 1;
                            p.byte += 1;
                            p.column += 1;
                            if !escaping {
                                break;
                            }
                            escaping = false;
                            prev = Some('"');
                        }
                        c if c < 32 => break,
                        _ => {
                            let ch = text.get(i..).and_then(|r| r.chars().next()).unwrap_or('\u{fffd}');
                            let len = ch.len_utf8();
                            let joins = prev == Some('\u{200D}') || is_grapheme_extend(ch);
                            i += len;
                            p.byte += len;
                            if !joins {
                                p.column += 1;
                            }
                            escaping = false;
                            prev = Some(ch);
                        }
                    }
                }
                toks.push(Tok { kind: T::String, start: from, end: i, range: Rng { start, end: p } });
            }
            b'-' | b'+' | b'.' | b'0'..=b'9' => {
                while matches!(b.get(i), Some(b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9')) {
                    i += 1;
                    p.byte += 1;
                    p.column += 1;
                }
                toks.push(Tok { kind: T::Number, start: from, end: i, range: Rng { start, end: p } });
            }
            c if c.is_ascii_alphabetic() => {
                while b.get(i).is_some_and(|c| c.is_ascii_alphabetic() || *c == b'_') {
                    i += 1;
                    p.byte += 1;
                    p.column += 1;
                }
                toks.push(Tok { kind: T::Keyword, start: from, end: i, range: Rng { start, end: p } });
            }
            _ => {
                // An invalid byte ends the scan (HCL stops here, one byte and one column wide).
                let mut end = p;
                end.byte += 1;
                end.column += 1;
                toks.push(Tok { kind: T::Invalid, start: from, end: from + 1, range: Rng { start, end } });
                toks.push(Tok { kind: T::Eof, start: from + 1, end: from + 1, range: Rng::at(end) });
                return toks;
            }
        }
    }
}

/// A parsed JSON value, as much of it as the parser produced.
enum Node {
    Object { attrs: Vec<Attr>, open: Rng, close: Rng },
    Array { values: Vec<Node>, open: Rng, close: Rng },
    Null(Rng),
    /// A string, with its value.
    Str(Rng, String),
    /// A number or boolean.
    Scalar(Rng),
    /// Where a value failed to parse (HCL's `invalidVal`).
    Invalid(Rng),
}

struct Attr {
    name: String,
    name_range: Rng,
    value: Node,
}

impl Node {
    fn start_range(&self) -> Rng {
        match self {
            Node::Object { open, .. } | Node::Array { open, .. } => *open,
            Node::Null(r) | Node::Scalar(r) | Node::Invalid(r) | Node::Str(r, _) => *r,
        }
    }
    fn range(&self) -> Rng {
        match self {
            Node::Object { open, close, .. } | Node::Array { open, close, .. } => Rng::between(*open, *close),
            Node::Null(r) | Node::Scalar(r) | Node::Invalid(r) | Node::Str(r, _) => *r,
        }
    }
}

struct Parser<'a> {
    text: &'a str,
    toks: Vec<Tok>,
    pos: usize,
    diags: Vec<Diag>,
}

fn diag(summary: &str, detail: impl Into<String>, subject: Rng) -> Diag {
    Diag { summary: summary.to_owned(), detail: detail.into(), subject, context: None }
}

impl Parser<'_> {
    fn peek(&self) -> Tok {
        match self.toks.get(self.pos).or(self.toks.last()) {
            Some(t) => *t,
            None => Tok { kind: T::Eof, start: 0, end: 0, range: Rng::default() },
        }
    }

    fn read(&mut self) -> Tok {
        let t = self.peek();
        if t.kind != T::Eof {
            self.pos += 1;
        }
        t
    }

    fn bytes(&self, t: &Tok) -> &str {
        self.text.get(t.start..t.end).unwrap_or("")
    }

    /// HCL's `parseValue`: a value, or an invalid placeholder at the token where it failed.
    fn value(&mut self) -> Node {
        let tok = self.peek();
        let parsed = match tok.kind {
            T::BraceO => self.object(),
            T::BrackO => self.array(),
            T::Number => self.number(),
            T::String => self.string().map(|v| Node::Str(tok.range, v)),
            T::Keyword => self.keyword(),
            T::BraceC => {
                self.diags.push(diag(
                    "Missing JSON value",
                    "A JSON value must start with a brace, a bracket, a number, a string, or a keyword.",
                    tok.range,
                ));
                None
            }
            T::BrackC => {
                self.diags.push(diag(
                    "Missing array element value",
                    "A JSON value must start with a brace, a bracket, a number, a string, or a keyword.",
                    tok.range,
                ));
                None
            }
            T::Eof => {
                self.diags.push(diag("Missing value", "The JSON data ends prematurely.", tok.range));
                None
            }
            _ => {
                self.diags.push(diag(
                    "Invalid start of value",
                    "A JSON value must start with a brace, a bracket, a number, a string, or a keyword.",
                    tok.range,
                ));
                None
            }
        };
        parsed.unwrap_or(Node::Invalid(tok.range))
    }

    /// Skips to what seems to be the end of the current object or array.
    fn recover(&mut self, mut tok: Tok, open_kind: T, close_kind: T) {
        let mut open = 1;
        loop {
            if tok.kind == open_kind {
                open += 1;
            } else if tok.kind == close_kind {
                open -= 1;
                if open <= 1 {
                    return;
                }
            } else if tok.kind == T::Eof {
                return;
            }
            tok = self.read();
        }
    }

    fn object(&mut self) -> Option<Node> {
        let open = self.read();
        let mut attrs = Vec::new();
        loop {
            if self.peek().kind == T::BraceC {
                break;
            }
            let key_tok = self.peek();
            let name = match self.value() {
                Node::Str(_, name) => name,
                other => {
                    self.diags.push(diag(
                        "Invalid object property name",
                        "A JSON object property name must be a string",
                        other.start_range(),
                    ));
                    return None;
                }
            };

            let colon = self.read();
            if colon.kind != T::Colon {
                self.recover(colon, T::BraceO, T::BraceC);
                let d = match colon.kind {
                    T::BraceC | T::Comma => diag(
                        "Missing object value",
                        "A JSON object attribute must have a value, introduced by a colon.",
                        colon.range,
                    ),
                    T::Equals => diag(
                        "Missing property value colon",
                        "JSON uses a colon as its name/value delimiter, not an equals sign.",
                        colon.range,
                    ),
                    _ => diag(
                        "Missing property value colon",
                        "A colon must appear between an object property's name and its value.",
                        colon.range,
                    ),
                };
                self.diags.push(d);
                return None;
            }

            let value = self.value();
            attrs.push(Attr { name, name_range: key_tok.range, value });

            match self.peek().kind {
                T::Comma => {
                    let comma = self.read();
                    if self.peek().kind == T::BraceC {
                        self.diags.push(diag(
                            "Trailing comma in object",
                            "JSON does not permit a trailing comma after the final property in an object.",
                            comma.range,
                        ));
                        return None;
                    }
                }
                T::Eof => {
                    self.diags.push(diag("Unclosed object", "No closing brace was found for this JSON object.", open.range));
                    return None;
                }
                T::BrackC => {
                    self.read();
                    let at = self.peek().range;
                    self.diags.push(diag("Mismatched braces", "A JSON object must be closed with a brace, not a bracket.", at));
                    return None;
                }
                T::BraceC => break,
                _ => {
                    let t = self.read();
                    self.recover(t, T::BraceO, T::BraceC);
                    let at = self.peek().range;
                    self.diags.push(diag(
                        "Missing attribute seperator comma",
                        "A comma must appear between each property definition in an object.",
                        at,
                    ));
                    return None;
                }
            }
        }
        let close = self.read();
        Some(Node::Object { attrs, open: open.range, close: close.range })
    }

    fn array(&mut self) -> Option<Node> {
        let open = self.read();
        let mut values = Vec::new();
        loop {
            if self.peek().kind == T::BrackC {
                break;
            }
            values.push(self.value());
            match self.peek().kind {
                T::Comma => {
                    let comma = self.read();
                    if self.peek().kind == T::BrackC {
                        self.diags.push(diag(
                            "Trailing comma in array",
                            "JSON does not permit a trailing comma after the final value in an array.",
                            comma.range,
                        ));
                        return None;
                    }
                }
                T::Colon => {
                    let t = self.read();
                    self.recover(t, T::BrackO, T::BrackC);
                    let at = self.peek().range;
                    self.diags.push(diag("Invalid array value", "A colon is not used to introduce values in a JSON array.", at));
                    return None;
                }
                T::Eof => {
                    let t = self.read();
                    self.recover(t, T::BrackO, T::BrackC);
                    self.diags.push(diag("Unclosed object", "No closing bracket was found for this JSON array.", open.range));
                    return None;
                }
                T::BraceC => {
                    let t = self.read();
                    self.recover(t, T::BrackO, T::BrackC);
                    let at = self.peek().range;
                    self.diags.push(diag("Mismatched brackets", "A JSON array must be closed with a bracket, not a brace.", at));
                    return None;
                }
                T::BrackC => break,
                _ => {
                    let t = self.read();
                    self.recover(t, T::BrackO, T::BrackC);
                    let at = self.peek().range;
                    self.diags.push(diag(
                        "Missing attribute seperator comma",
                        "A comma must appear between each value in an array.",
                        at,
                    ));
                    return None;
                }
            }
        }
        let close = self.read();
        Some(Node::Array { values, open: open.range, close: close.range })
    }

    fn number(&mut self) -> Option<Node> {
        let tok = self.read();
        if is_json_number(self.bytes(&tok)) {
            Some(Node::Scalar(tok.range))
        } else {
            self.diags.push(diag("Invalid JSON number", "There is a syntax error in the given JSON number.", tok.range));
            None
        }
    }

    fn string(&mut self) -> Option<String> {
        let tok = self.read();
        match json_string_error(self.bytes(&tok)) {
            None => Some(json_string_value(self.bytes(&tok)).unwrap_or_default()),
            Some(offset) => {
                let mut start = tok.range.start;
                start.byte += offset;
                start.column += offset as u32;
                let mut end = start;
                end.byte += 1;
                end.column += 1;
                let subject = Rng { start, end };
                let context = (subject != tok.range).then_some(tok.range);
                self.diags.push(Diag {
                    summary: "Invalid JSON string".to_owned(),
                    detail: "There is a syntax error in the given JSON string.".to_owned(),
                    subject,
                    context,
                });
                None
            }
        }
    }

    fn keyword(&mut self) -> Option<Node> {
        let tok = self.read();
        let s = self.bytes(&tok).to_owned();
        match s.as_str() {
            "true" | "false" => Some(Node::Scalar(tok.range)),
            "null" => Some(Node::Null(tok.range)),
            "undefined" | "NaN" | "Infinity" => {
                self.diags.push(diag(
                    "Invalid JSON keyword",
                    format!("The JavaScript identifier {} cannot be used in JSON.", go_quote(&s)),
                    tok.range,
                ));
                None
            }
            _ => {
                let dym = name_suggestion(&s, &["false", "true", "null"])
                    .map(|k| format!(" Did you mean {}?", go_quote(k)))
                    .unwrap_or_default();
                self.diags.push(diag(
                    "Invalid JSON keyword",
                    format!("{} is not a valid JSON keyword.{dym}", go_quote(&s)),
                    tok.range,
                ));
                None
            }
        }
    }
}

/// JSON's number grammar (what Go's `encoding/json` accepts).
fn is_json_number(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    if b.get(i) == Some(&b'-') {
        i += 1;
    }
    match b.get(i) {
        Some(b'0') => i += 1,
        Some(b'1'..=b'9') => {
            while b.get(i).is_some_and(u8::is_ascii_digit) {
                i += 1;
            }
        }
        _ => return false,
    }
    if b.get(i) == Some(&b'.') {
        i += 1;
        if !b.get(i).is_some_and(u8::is_ascii_digit) {
            return false;
        }
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        if !b.get(i).is_some_and(u8::is_ascii_digit) {
            return false;
        }
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
    }
    i == b.len()
}

/// Where Go's JSON decoder would report a syntax error in a string token, as its error offset
/// (the number of bytes read, counting the offending byte), or `None` if the string is valid.
fn json_string_error(s: &str) -> Option<usize> {
    let b = s.as_bytes();
    let mut i = 1; // the opening quote
    while i < b.len() {
        match b[i] {
            b'"' => {
                return if i + 1 == b.len() { None } else { Some(i + 2) };
            }
            b'\\' => {
                match b.get(i + 1) {
                    Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') => i += 2,
                    Some(b'u') => {
                        for k in 0..4 {
                            match b.get(i + 2 + k) {
                                Some(c) if c.is_ascii_hexdigit() => {}
                                Some(_) => return Some(i + 2 + k + 1),
                                None => return Some(b.len()),
                            }
                        }
                        i += 6;
                    }
                    Some(_) => return Some(i + 2),
                    None => return Some(b.len()),
                }
            }
            c if c < 0x20 => return Some(i + 1),
            _ => i += 1,
        }
    }
    Some(b.len())
}

/// The value of a valid JSON string token.
fn json_string_value(s: &str) -> Option<String> {
    serde_json::from_str::<String>(s).ok()
}

/// Terraform's top-level block types and their label names.
const FILE_BLOCKS: &[(&str, &[&str])] = &[
    ("terraform", &[]),
    ("required_providers", &[]),
    ("provider", &["name"]),
    ("variable", &["name"]),
    ("locals", &[]),
    ("output", &["name"]),
    ("module", &["name"]),
    ("resource", &["type", "name"]),
    ("data", &["type", "name"]),
    ("ephemeral", &["type", "name"]),
    ("moved", &[]),
    ("removed", &[]),
    ("import", &[]),
    ("check", &["name"]),
];

pub(crate) fn diagnose(text: &str) -> Vec<Diag> {
    let mut p = Parser { text, toks: scan(text), pos: 0, diags: Vec::new() };
    let root = p.value();
    if p.diags.is_empty() && p.peek().kind != T::Eof {
        let at = p.peek().range;
        p.diags.push(diag("Extraneous data after value", "Extra characters appear after the JSON value.", at));
    }
    let mut diags = p.diags;
    let root = match root {
        Node::Object { .. } | Node::Array { .. } => root,
        other => {
            diags.push(diag(
                "Root value must be object",
                "The root value in a JSON-based configuration must be either a JSON object or a JSON array of objects.",
                other.start_range(),
            ));
            return diags;
        }
    };
    decode_file(&root, &mut diags);
    diags
}

/// `collectDeepAttrs`: the properties of an object, or of each object in an array.
fn deep_attrs<'n>(v: &'n Node, label: Option<&str>, diags: &mut Vec<Diag>) -> Vec<&'n Attr> {
    match v {
        Node::Null(_) => Vec::new(),
        Node::Object { attrs, .. } => attrs.iter().collect(),
        Node::Array { values, .. } => {
            let mut out = Vec::new();
            for ev in values {
                match ev {
                    Node::Object { attrs, .. } => out.extend(attrs.iter()),
                    other => diags.push(diag(
                        "Incorrect JSON value type",
                        match label {
                            Some(l) => format!("A JSON object is required here, to specify {l} labels for this block."),
                            None => "A JSON object is required here, to define arguments and child blocks.".to_owned(),
                        },
                        other.start_range(),
                    )),
                }
            }
            out
        }
        other => {
            diags.push(diag(
                "Incorrect JSON value type",
                match label {
                    Some(l) => format!(
                        "Either a JSON object or JSON array of objects is required here, to specify {l} labels for this block."
                    ),
                    None => "Either a JSON object or JSON array of objects is required here, to define arguments and child blocks.".to_owned(),
                },
                other.start_range(),
            ));
            Vec::new()
        }
    }
}

/// Terraform's `body.Content(configFileSchema)` on the JSON root, then the first decoding step
/// of each block found.
fn decode_file(root: &Node, diags: &mut Vec<Diag>) {
    let names: Vec<&str> = FILE_BLOCKS.iter().map(|(n, _)| *n).collect();
    let mut bodies: Vec<(&str, &Node)> = Vec::new();
    // Terraform reads the root four times (two sniffing passes for `terraform` blocks, then
    // `Content`, which collects the properties twice), and reports its shape errors each time.
    let attrs = deep_attrs(root, None, diags);
    let mut again = Vec::new();
    for _ in 0..3 {
        deep_attrs(root, None, &mut again);
    }
    diags.extend(again);
    for attr in &attrs {
        match FILE_BLOCKS.iter().find(|(n, _)| *n == attr.name) {
            Some((ty, labels)) => {
                // `terraform` blocks are also unpacked by the two sniffing passes.
                let times = if *ty == "terraform" { 3 } else { 1 };
                for i in 0..times {
                    let mut found = Vec::new();
                    unpack_block(&attr.value, ty, labels, &mut found, diags);
                    if i == 0 {
                        bodies.extend(found);
                    }
                }
            }
            None if attr.name == "//" => {}
            None => {
                let suggestion = name_suggestion(&attr.name, &names)
                    .map(|s| format!(" Did you mean {}?", go_quote(s)))
                    .unwrap_or_default();
                diags.push(Diag {
                    summary: "Extraneous JSON object property".to_owned(),
                    detail: format!("No argument or block type is named {}.{suggestion}", go_quote(&attr.name)),
                    subject: attr.name_range,
                    context: Some(Rng::between(attr.name_range, attr.value.range())),
                });
            }
        }
    }
    for (ty, body) in bodies {
        if ty == "locals" {
            if !matches!(body, Node::Object { .. }) {
                diags.push(diag(
                    "Incorrect JSON value type",
                    "A JSON object is required here, setting the arguments for this block.",
                    body.start_range(),
                ));
            }
        } else {
            deep_attrs(body, None, diags);
        }
    }
}

/// `unpackBlock`: peels one nesting level per label, then expects the block body(s).
fn unpack_block<'n>(v: &'n Node, ty: &'n str, labels: &[&str], bodies: &mut Vec<(&'n str, &'n Node)>, diags: &mut Vec<Diag>) {
    if let Some((label, rest)) = labels.split_first() {
        let attrs = deep_attrs(v, Some(label), diags);
        if attrs.is_empty() {
            diags.push(diag(
                "Missing block label",
                format!("At least one object property is required, whose name represents the {ty} block's {label}."),
                v.start_range(),
            ));
            return;
        }
        for a in attrs {
            unpack_block(&a.value, ty, rest, bodies, diags);
        }
        return;
    }
    match v {
        Node::Null(_) => {}
        Node::Object { .. } => bodies.push((ty, v)),
        Node::Array { values, .. } => bodies.extend(values.iter().map(|b| (ty, b))),
        other => diags.push(diag(
            "Incorrect JSON value type",
            format!(
                "Either a JSON object or a JSON array is required, representing the contents of one or more {} blocks.",
                go_quote(ty)
            ),
            other.start_range(),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sums(text: &str) -> Vec<(String, u32, u32)> {
        diagnose(text).into_iter().map(|d| (d.summary, d.subject.start.line, d.subject.start.column)).collect()
    }

    #[test]
    fn numbers() {
        assert!(is_json_number("-0.5e+3"));
        assert!(!is_json_number("01"));
        assert!(!is_json_number("1."));
        assert!(!is_json_number("+1"));
    }

    #[test]
    fn string_errors() {
        assert_eq!(json_string_error(r#""abc""#), None);
        assert_eq!(json_string_error(r#""a\qb""#), Some(4));
        assert_eq!(json_string_error("\"abc"), Some(4));
    }

    #[test]
    fn valid_file_is_clean() {
        assert!(sums(r#"{"resource": {"a": {"b": {"x": 1}}}, "//": "c"}"#).is_empty());
    }
}
