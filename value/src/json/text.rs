//! Decoding JSON *text* straight into typed values, without a `serde_json::Value` in between.
//!
//! Reading a large state is mostly decoding resource attributes. Through `serde_json::Value`
//! that meant, for every object, an ordered hash map (the workspace enables `preserve_order`)
//! and, for every number, an owned string (`arbitrary_precision`) — all thrown away once the
//! typed [`Value`] was built. The small scanner here reads the text once, guided by the type:
//! strings without escapes are borrowed, numbers are parsed from their text, attributes the
//! type does not have are skipped.
//!
//! **Same answers as [`value_from_json`]**: the scanner handles the common, well-formed shapes
//! and gives up on anything else — invalid or unusual JSON (duplicate keys, unpaired surrogate
//! escapes, deep nesting) and every value the type does not accept. The public functions then
//! take the old road (`serde_json` + [`value_from_json`]), so results and error messages are
//! those of `value_from_json` by construction; the `try_` functions leave that to the caller.
//! Numbers get the text `serde_json` would have given them (`arbitrary_precision` writes the
//! exponent as `e+N`/`e-N`), because that text is what `value_from_json` parses — and what a
//! number becomes when the type is `string`.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use serde_json::Value as Json;

use super::{type_from_json, value_from_json};
use crate::number::Number;
use crate::types::{ObjectType, Type};
use crate::value::Value;

/// Decodes JSON text into a value of `ty`: exactly `value_from_json(&serde_json::from_str(text)?,
/// ty)`, faster. Text that is not JSON is an error naming `serde_json`'s complaint.
pub fn value_from_json_str(text: &str, ty: &Type) -> Result<Value, String> {
    match try_value_from_json_str(text, ty) {
        Some(v) => Ok(v),
        None => value_from_json(&parse(text)?, ty),
    }
}

/// [`value_from_json_str`] where the scanner can decide by itself: `None` for anything unusual
/// and for every error, so that the caller can take its own way to the exact answer.
pub fn try_value_from_json_str(text: &str, ty: &Type) -> Option<Value> {
    let mut s = Scanner::new(text);
    let v = s.value(ty).ok()?;
    s.end().ok()?;
    Some(v)
}

/// Parses cty's JSON type encoding from text: exactly `type_from_json(&serde_json::from_str(text)?)`.
pub fn type_from_json_str(text: &str) -> Result<Type, String> {
    let mut s = Scanner::new(text);
    if let Ok(t) = s.ty() {
        if s.end().is_ok() {
            return Ok(t);
        }
    }
    type_from_json(&parse(text)?)
}

/// Reads a JSON object member by member, for callers that decide how to decode each member
/// (by key) as they go, in one pass over the text. Every method answers `None` when the text is
/// not well-formed or is unusual (as the other `try_` functions of this module), and the reader
/// is then of no further use.
///
/// After [`next_key`](Self::next_key) gives a key, at most one of the value methods reads that
/// member's value; a value not read is skipped by the next `next_key`. A clone is a
/// checkpoint: a caller that tries one reading of a value can go back to it and try another.
#[derive(Clone)]
pub struct JsonObjectReader<'a> {
    scanner: Scanner<'a>,
    state: ReaderState,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum ReaderState {
    /// After the `{`.
    First,
    /// After a key and its colon: the value is next.
    Value,
    /// After a value: a `,` or the `}` is next.
    AfterValue,
    /// After the `}`.
    End,
}

impl<'a> JsonObjectReader<'a> {
    /// A reader of the object `text` is; `None` when it does not start with `{` (after any
    /// whitespace).
    pub fn new(text: &'a str) -> Option<Self> {
        let mut scanner = Scanner::new(text);
        if scanner.peek().ok()? != b'{' {
            return None;
        }
        scanner.enter().ok()?;
        Some(JsonObjectReader { scanner, state: ReaderState::First })
    }

    /// The next member's key (unescaped), `Some(None)` after the last member.
    pub fn next_key(&mut self) -> Option<Option<Cow<'a, str>>> {
        let s = &mut self.scanner;
        match self.state {
            ReaderState::End => return Some(None),
            ReaderState::Value => {
                s.skip().ok()?;
                self.state = ReaderState::AfterValue;
            }
            ReaderState::First | ReaderState::AfterValue => {}
        }
        match (self.state, s.peek().ok()?) {
            (ReaderState::AfterValue, b',') => s.pos += 1,
            (_, b'}') => {
                s.pos += 1;
                s.depth -= 1;
                self.state = ReaderState::End;
                return Some(None);
            }
            (ReaderState::First, _) => {}
            _ => return None,
        }
        if s.peek().ok()? != b'"' {
            return None;
        }
        let key = s.string().ok()?;
        if s.peek().ok()? != b':' {
            return None;
        }
        s.pos += 1;
        self.state = ReaderState::Value;
        Some(Some(key))
    }

    fn take_value(&mut self) -> Option<()> {
        if self.state != ReaderState::Value {
            return None;
        }
        self.state = ReaderState::AfterValue;
        Some(())
    }

    /// The first byte of the current member's value, not read.
    pub fn peek_value(&mut self) -> Option<u8> {
        if self.state != ReaderState::Value {
            return None;
        }
        self.scanner.peek().ok()
    }

    /// The current member's value as a value of `ty`, as [`try_value_from_json_str`] decodes it.
    pub fn value(&mut self, ty: &Type) -> Option<Value> {
        self.take_value()?;
        self.scanner.value(ty).ok()
    }

    /// [`value`](Self::value), with the text the value was read from (no whitespace around).
    pub fn value_and_text(&mut self, ty: &Type) -> Option<(Value, &'a str)> {
        self.take_value()?;
        let start = self.scanner.skip_ws_pos();
        let value = self.scanner.value(ty).ok()?;
        Some((value, &self.scanner.text[start..self.scanner.pos]))
    }

    /// Whether the current member's value is `text`, byte for byte (after whitespace): read if
    /// it is, left unread if not. `text` must be a whole JSON string, array or object — one
    /// that was checked before — so that the value, starting with it, ends where it ends;
    /// text that cannot be one (by its first and last bytes) is refused (`None`).
    pub fn value_is(&mut self, text: &str) -> Option<bool> {
        match (text.as_bytes().first(), text.as_bytes().last()) {
            (Some(b'"'), Some(b'"')) | (Some(b'['), Some(b']')) | (Some(b'{'), Some(b'}')) if text.len() >= 2 => {}
            _ => return None,
        }
        if self.state != ReaderState::Value {
            return None;
        }
        let start = self.scanner.skip_ws_pos();
        if !self.scanner.bytes[start..].starts_with(text.as_bytes()) {
            return Some(false);
        }
        self.scanner.pos += text.len();
        self.state = ReaderState::AfterValue;
        Some(true)
    }

    /// The current member's value as a type in cty's JSON encoding, as
    /// [`type_from_json_str`] reads it.
    pub fn type_value(&mut self) -> Option<Type> {
        self.take_value()?;
        self.scanner.ty().ok()
    }

    /// Skips the current member's value, checked as strictly as `serde_json` reads it, and
    /// gives its text.
    pub fn skip_value(&mut self) -> Option<&'a str> {
        self.take_value()?;
        let start = self.scanner.skip_ws_pos();
        self.scanner.skip().ok()?;
        Some(&self.scanner.text[start..self.scanner.pos])
    }

    /// The current member's value text, found by matching brackets and quotes only: *not*
    /// checked. For a caller that decodes the text next with a checking decoder (such as
    /// [`try_value_from_json_str`]), which then refuses what [`skip_value`](Self::skip_value)
    /// would have — the text is scanned once instead of twice. Wherever the text is malformed,
    /// the value ends at a bracket that closes it or at the end of the text (`None`).
    pub fn value_text(&mut self) -> Option<&'a str> {
        self.take_value()?;
        let start = self.scanner.skip_ws_pos();
        self.scanner.skip_unchecked().ok()?;
        Some(&self.scanner.text[start..self.scanner.pos])
    }

    /// Reads the current member's value, an object, with a reader of its own given to `f`;
    /// members `f` leaves unread are skipped.
    pub fn nested<R>(&mut self, f: impl FnOnce(&mut JsonObjectReader<'a>) -> Option<R>) -> Option<R> {
        if self.peek_value()? != b'{' {
            return None;
        }
        self.take_value()?;
        let mut inner = JsonObjectReader { scanner: self.scanner.clone(), state: ReaderState::First };
        inner.scanner.enter().ok()?;
        let result = f(&mut inner)?;
        while inner.next_key()?.is_some() {}
        self.scanner = inner.scanner;
        Some(result)
    }

    /// Checks that the object was read to its end and nothing but whitespace follows it.
    pub fn finish(mut self) -> Option<()> {
        while self.next_key()?.is_some() {}
        self.scanner.end().ok()
    }
}

fn parse(text: &str) -> Result<Json, String> {
    serde_json::from_str(text).map_err(|e| format!("invalid JSON: {e}"))
}

/// The scanner gave up: the caller takes the `serde_json` road.
struct Unusual;

type Scan<T> = Result<T, Unusual>;

/// Nesting beyond this is left to `serde_json` (whose own limit is 128), which also keeps the
/// scanner's recursion shallow whatever the input.
const MAX_DEPTH: usize = 100;

#[derive(Clone)]
struct Scanner<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
    depth: usize,
}

/// The position of the first byte at or after `pos` that is not JSON whitespace. Pretty-printed
/// text indents with runs of spaces: they are passed eight at a time, the run's end found in its
/// last eight.
#[inline]
pub fn skip_whitespace(bytes: &[u8], mut pos: usize) -> usize {
    const SPACES: u64 = u64::from_ne_bytes(*b"        ");
    while let Some(b' ' | b'\n' | b'\t' | b'\r') = bytes.get(pos) {
        pos += 1;
        while let Some(chunk) = bytes.get(pos..pos + 8) {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            let not_spaces = u64::from_le_bytes(word) ^ SPACES;
            if not_spaces != 0 {
                pos += (not_spaces.trailing_zeros() / 8) as usize;
                break;
            }
            pos += 8;
        }
    }
    pos
}

/// The position of the next `"`, `\\` or control byte at or after `pos` (or the end): the end of
/// a string's plain text, found eight bytes at a time — the way `serde_json` scans strings.
#[inline]
pub fn skip_string_text(bytes: &[u8], mut pos: usize) -> usize {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    while let Some(chunk) = bytes.get(pos..pos + 8) {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let w = u64::from_le_bytes(word);
        let quote = w ^ (ONES * u64::from(b'"'));
        let backslash = w ^ (ONES * u64::from(b'\\'));
        // High bit of each byte that is a quote, a backslash or below 0x20; a false hit can only
        // follow a true one, so the lowest hit is exact.
        let hits = (quote.wrapping_sub(ONES) & !quote | backslash.wrapping_sub(ONES) & !backslash | w.wrapping_sub(ONES * 0x20) & !w) & HIGH;
        if hits != 0 {
            return pos + (hits.trailing_zeros() / 8) as usize;
        }
        pos += 8;
    }
    while let Some(&b) = bytes.get(pos) {
        if b == b'"' || b == b'\\' || b < 0x20 {
            return pos;
        }
        pos += 1;
    }
    pos
}

impl<'a> Scanner<'a> {
    fn new(text: &'a str) -> Self {
        Scanner { text, bytes: text.as_bytes(), pos: 0, depth: 0 }
    }

    fn skip_ws(&mut self) {
        self.pos = skip_whitespace(self.bytes, self.pos);
    }

    /// Moves to the next `"`, `\` or control byte of a string's text (or the end of input).
    fn skip_plain(&mut self) {
        self.pos = skip_string_text(self.bytes, self.pos);
    }

    fn skip_ws_pos(&mut self) -> usize {
        self.skip_ws();
        self.pos
    }

    /// The next significant byte, not consumed.
    fn peek(&mut self) -> Scan<u8> {
        self.skip_ws();
        self.bytes.get(self.pos).copied().ok_or(Unusual)
    }

    /// Only whitespace left.
    fn end(&mut self) -> Scan<()> {
        self.skip_ws();
        if self.pos == self.bytes.len() {
            Ok(())
        } else {
            Err(Unusual)
        }
    }

    fn literal(&mut self, lit: &[u8]) -> Scan<()> {
        if self.bytes[self.pos..].starts_with(lit) {
            self.pos += lit.len();
            Ok(())
        } else {
            Err(Unusual)
        }
    }

    /// A value of type `ty`, as [`value_from_json`] decodes it.
    fn value(&mut self, ty: &Type) -> Scan<Value> {
        let b = self.peek()?;
        if b == b'n' {
            self.literal(b"null")?;
            return Ok(Value::null(ty.clone()));
        }
        match ty {
            Type::Dynamic => self.implied(),
            Type::Bool => match b {
                b't' => self.literal(b"true").map(|()| Value::bool(true)),
                b'f' => self.literal(b"false").map(|()| Value::bool(false)),
                b'"' => match &*self.string()? {
                    "true" => Ok(Value::bool(true)),
                    "false" => Ok(Value::bool(false)),
                    _ => Err(Unusual),
                },
                _ => Err(Unusual),
            },
            Type::Number => {
                let text = match b {
                    b'"' => self.string()?,
                    b'-' | b'0'..=b'9' => self.number()?,
                    _ => return Err(Unusual),
                };
                Number::parse(&text).map(Value::number).ok_or(Unusual)
            }
            Type::String => match b {
                b'"' => Ok(Value::string(&*self.string()?)),
                b'-' | b'0'..=b'9' => Ok(Value::string(&*self.number()?)),
                b't' => self.literal(b"true").map(|()| Value::string("true")),
                b'f' => self.literal(b"false").map(|()| Value::string("false")),
                _ => Err(Unusual),
            },
            Type::List(e) | Type::Set(e) => {
                if b != b'[' {
                    return Err(Unusual);
                }
                let mut items = Vec::new();
                self.array(|s, _| {
                    items.push(s.value(e)?);
                    Ok(())
                })?;
                Ok(if matches!(ty, Type::List(_)) { Value::list((**e).clone(), items) } else { Value::set((**e).clone(), items) })
            }
            Type::Map(e) => {
                if b != b'{' {
                    return Err(Unusual);
                }
                let mut entries = BTreeMap::new();
                self.object(|s, key| {
                    let v = s.value(e)?;
                    match entries.insert(key.into_owned(), v) {
                        None => Ok(()),
                        Some(_) => Err(Unusual),
                    }
                })?;
                Ok(Value::map((**e).clone(), entries))
            }
            Type::Tuple(ts) => {
                if b != b'[' {
                    return Err(Unusual);
                }
                let mut items = Vec::with_capacity(ts.len());
                self.array(|s, i| {
                    items.push(s.value(ts.get(i).ok_or(Unusual)?)?);
                    Ok(())
                })?;
                if items.len() != ts.len() {
                    return Err(Unusual);
                }
                Ok(Value::tuple(items))
            }
            Type::Object(ot) => {
                if b != b'{' {
                    return Err(Unusual);
                }
                self.object_of(ot)
            }
        }
    }

    /// An object of type `ot`: attributes the type does not have are skipped, those the text
    /// does not have are null.
    fn object_of(&mut self, ot: &ObjectType) -> Scan<Value> {
        let mut attrs = BTreeMap::new();
        self.object(|s, key| match ot.attrs.get_key_value(&*key) {
            Some((name, t)) => {
                let v = s.value(t)?;
                match attrs.insert(name.clone(), v) {
                    None => Ok(()),
                    Some(_) => Err(Unusual),
                }
            }
            None => s.skip(),
        })?;
        if attrs.len() != ot.attrs.len() {
            for (name, t) in &ot.attrs {
                if !attrs.contains_key(name) {
                    attrs.insert(name.clone(), Value::null(t.clone()));
                }
            }
        }
        Ok(Value::object(attrs))
    }

    /// The value the JSON implies without a type, as [`super::implied_value`] decodes it.
    fn implied(&mut self) -> Scan<Value> {
        match self.peek()? {
            b'n' => self.literal(b"null").map(|()| Value::dynamic_null()),
            b't' => self.literal(b"true").map(|()| Value::bool(true)),
            b'f' => self.literal(b"false").map(|()| Value::bool(false)),
            b'"' => Ok(Value::string(&*self.string()?)),
            b'-' | b'0'..=b'9' => {
                let text = self.number()?;
                Ok(Number::parse(&text).map(Value::number).unwrap_or_else(|| Value::string(&*text)))
            }
            b'[' => {
                let mut items = Vec::new();
                self.array(|s, _| {
                    items.push(s.implied()?);
                    Ok(())
                })?;
                Ok(Value::tuple(items))
            }
            b'{' => {
                let mut attrs = BTreeMap::new();
                self.object(|s, key| {
                    let v = s.implied()?;
                    match attrs.insert(key.into_owned(), v) {
                        None => Ok(()),
                        Some(_) => Err(Unusual),
                    }
                })?;
                Ok(Value::object(attrs))
            }
            _ => Err(Unusual),
        }
    }

    /// Any one value, checked as strictly as `serde_json` reads it, and dropped.
    fn skip(&mut self) -> Scan<()> {
        match self.peek()? {
            b'n' => self.literal(b"null"),
            b't' => self.literal(b"true"),
            b'f' => self.literal(b"false"),
            b'"' => self.string().map(drop),
            b'-' | b'0'..=b'9' => self.number().map(drop),
            b'[' => self.array(|s, _| s.skip()),
            b'{' => self.object(|s, _| s.skip()),
            _ => Err(Unusual),
        }
    }

    /// Any one value, delimited by matching brackets and quotes only (see
    /// [`JsonObjectReader::value_text`]): strings through their closing quote, arrays and
    /// objects through their closing bracket, anything else up to the next `,`, `]`, `}` or
    /// whitespace. `Unusual` only at the end of the text or when nothing is there.
    fn skip_unchecked(&mut self) -> Scan<()> {
        let start = self.pos;
        let mut depth = 0usize;
        loop {
            let Some(&b) = self.bytes.get(self.pos) else {
                // The end of the text: it ends a scalar only.
                return if depth == 0 && self.pos > start { Ok(()) } else { Err(Unusual) };
            };
            match b {
                b'"' => {
                    self.pos += 1;
                    loop {
                        self.skip_plain();
                        match self.bytes.get(self.pos) {
                            Some(b'"') => break,
                            Some(b'\\') => self.pos += 2,
                            Some(_) => self.pos += 1,
                            None => {
                                self.pos = self.bytes.len();
                                return Err(Unusual);
                            }
                        }
                    }
                    self.pos += 1;
                }
                b'[' | b'{' => {
                    depth += 1;
                    self.pos += 1;
                    continue;
                }
                b']' | b'}' if depth > 0 => {
                    depth -= 1;
                    self.pos += 1;
                }
                b']' | b'}' => break,
                b',' | b' ' | b'\n' | b'\t' | b'\r' if depth == 0 => break,
                // Indentation, eight spaces at a time.
                b' ' | b'\n' | b'\t' | b'\r' => {
                    self.skip_ws();
                    continue;
                }
                _ => {
                    self.pos += 1;
                    continue;
                }
            }
            // A string or a closing bracket just ended: at the top, so did the value.
            if depth == 0 {
                break;
            }
        }
        if self.pos == start {
            return Err(Unusual);
        }
        Ok(())
    }

    /// cty's JSON type encoding, as [`type_from_json`] reads it in its usual shapes.
    fn ty(&mut self) -> Scan<Type> {
        match self.peek()? {
            b'"' => match &*self.string()? {
                "dynamic" => Ok(Type::Dynamic),
                "bool" => Ok(Type::Bool),
                "number" => Ok(Type::Number),
                "string" => Ok(Type::String),
                _ => Err(Unusual),
            },
            b'[' => {
                let mut kind: Option<Cow<'a, str>> = None;
                let mut elem: Option<Type> = None;
                let mut attrs: Option<BTreeMap<String, Type>> = None;
                let mut optional = BTreeSet::new();
                self.array(|s, i| match (i, kind.as_deref()) {
                    (0, _) => {
                        if s.peek()? != b'"' {
                            return Err(Unusual);
                        }
                        kind = Some(s.string()?);
                        Ok(())
                    }
                    (1, Some("list" | "set" | "map")) => {
                        elem = Some(s.ty()?);
                        Ok(())
                    }
                    (1, Some("tuple")) => {
                        if s.peek()? != b'[' {
                            return Err(Unusual);
                        }
                        let mut elems = Vec::new();
                        s.array(|s, _| {
                            elems.push(s.ty()?);
                            Ok(())
                        })?;
                        elem = Some(Type::Tuple(Arc::new(elems)));
                        Ok(())
                    }
                    (1, Some("object")) => {
                        if s.peek()? != b'{' {
                            return Err(Unusual);
                        }
                        let mut map = BTreeMap::new();
                        s.object(|s, key| {
                            let t = s.ty()?;
                            match map.insert(key.into_owned(), t) {
                                None => Ok(()),
                                Some(_) => Err(Unusual),
                            }
                        })?;
                        attrs = Some(map);
                        Ok(())
                    }
                    // An object type's optional attributes, when they are all strings.
                    (2, Some("object")) => {
                        if s.peek()? != b'[' {
                            return Err(Unusual);
                        }
                        s.array(|s, _| {
                            if s.peek()? != b'"' {
                                return Err(Unusual);
                            }
                            optional.insert(s.string()?.into_owned());
                            Ok(())
                        })
                    }
                    _ => Err(Unusual),
                })?;
                match (kind.as_deref(), elem, attrs) {
                    (Some("list"), Some(e), _) => Ok(Type::List(Arc::new(e))),
                    (Some("set"), Some(e), _) => Ok(Type::Set(Arc::new(e))),
                    (Some("map"), Some(e), _) => Ok(Type::Map(Arc::new(e))),
                    (Some("tuple"), Some(t), _) => Ok(t),
                    (Some("object"), _, Some(attrs)) => Ok(Type::Object(Arc::new(ObjectType { attrs, optional }))),
                    _ => Err(Unusual),
                }
            }
            _ => Err(Unusual),
        }
    }

    /// An array (the next byte is `[`): `item(scanner, index)` reads each element.
    fn array(&mut self, mut item: impl FnMut(&mut Self, usize) -> Scan<()>) -> Scan<()> {
        self.enter()?;
        if self.peek()? == b']' {
            self.pos += 1;
            self.depth -= 1;
            return Ok(());
        }
        let mut i = 0;
        loop {
            item(self, i)?;
            i += 1;
            match self.peek()? {
                b',' => self.pos += 1,
                b']' => {
                    self.pos += 1;
                    self.depth -= 1;
                    return Ok(());
                }
                _ => return Err(Unusual),
            }
        }
    }

    /// An object (the next byte is `{`): `member(scanner, key)` reads each member's value.
    fn object(&mut self, mut member: impl FnMut(&mut Self, Cow<'a, str>) -> Scan<()>) -> Scan<()> {
        self.enter()?;
        if self.peek()? == b'}' {
            self.pos += 1;
            self.depth -= 1;
            return Ok(());
        }
        loop {
            if self.peek()? != b'"' {
                return Err(Unusual);
            }
            let key = self.string()?;
            if self.peek()? != b':' {
                return Err(Unusual);
            }
            self.pos += 1;
            member(self, key)?;
            match self.peek()? {
                b',' => self.pos += 1,
                b'}' => {
                    self.pos += 1;
                    self.depth -= 1;
                    return Ok(());
                }
                _ => return Err(Unusual),
            }
        }
    }

    /// Consumes the opening bracket of an array or object.
    fn enter(&mut self) -> Scan<()> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(Unusual);
        }
        self.pos += 1;
        Ok(())
    }

    /// A string (the next byte is `"`), unescaped; borrowed when it has no escapes.
    fn string(&mut self) -> Scan<Cow<'a, str>> {
        self.pos += 1;
        let start = self.pos;
        self.skip_plain();
        match self.bytes.get(self.pos) {
            Some(b'"') => {
                let s = &self.text[start..self.pos];
                self.pos += 1;
                Ok(Cow::Borrowed(s))
            }
            Some(b'\\') => self.string_escaped(start),
            _ => Err(Unusual),
        }
    }

    /// The rest of a string from its first escape on (`start` is where its text began).
    fn string_escaped(&mut self, start: usize) -> Scan<Cow<'a, str>> {
        let mut out = String::with_capacity(self.pos - start + 16);
        out.push_str(&self.text[start..self.pos]);
        loop {
            match self.bytes.get(self.pos) {
                Some(b'"') => {
                    self.pos += 1;
                    return Ok(Cow::Owned(out));
                }
                Some(b'\\') => {
                    let c = match self.bytes.get(self.pos + 1) {
                        Some(b'"') => '"',
                        Some(b'\\') => '\\',
                        Some(b'/') => '/',
                        Some(b'b') => '\u{8}',
                        Some(b'f') => '\u{c}',
                        Some(b'n') => '\n',
                        Some(b'r') => '\r',
                        Some(b't') => '\t',
                        Some(b'u') => {
                            self.pos += 2;
                            out.push(self.unicode_escape()?);
                            continue;
                        }
                        _ => return Err(Unusual),
                    };
                    out.push(c);
                    self.pos += 2;
                }
                Some(&b) if b < 0x20 => return Err(Unusual),
                Some(_) => {
                    // A run of plain text up to the next quote, backslash or control byte
                    // (all ASCII, so the slice ends on a character boundary).
                    let run = self.pos;
                    self.skip_plain();
                    out.push_str(&self.text[run..self.pos]);
                }
                None => return Err(Unusual),
            }
        }
    }

    /// The character of a `\u` escape (`pos` is after the `u`); surrogates must come in pairs.
    fn unicode_escape(&mut self) -> Scan<char> {
        let first = self.hex4()?;
        let code = match first {
            0xD800..=0xDBFF => {
                if self.bytes.get(self.pos) != Some(&b'\\') || self.bytes.get(self.pos + 1) != Some(&b'u') {
                    return Err(Unusual);
                }
                self.pos += 2;
                let second = self.hex4()?;
                if !(0xDC00..=0xDFFF).contains(&second) {
                    return Err(Unusual);
                }
                0x10000 + ((u32::from(first) - 0xD800) << 10) + (u32::from(second) - 0xDC00)
            }
            0xDC00..=0xDFFF => return Err(Unusual),
            other => u32::from(other),
        };
        char::from_u32(code).ok_or(Unusual)
    }

    fn hex4(&mut self) -> Scan<u16> {
        let digits = self.bytes.get(self.pos..self.pos + 4).ok_or(Unusual)?;
        let mut n = 0u16;
        for &d in digits {
            let v = match d {
                b'0'..=b'9' => d - b'0',
                b'a'..=b'f' => d - b'a' + 10,
                b'A'..=b'F' => d - b'A' + 10,
                _ => return Err(Unusual),
            };
            n = (n << 4) | u16::from(v);
        }
        self.pos += 4;
        Ok(n)
    }

    /// A number's text as `serde_json` (with `arbitrary_precision`) keeps it: as written, except
    /// that the exponent is written `e` with an explicit sign (`1E5` → `1e+5`).
    fn number(&mut self) -> Scan<Cow<'a, str>> {
        let start = self.pos;
        if self.bytes.get(self.pos) == Some(&b'-') {
            self.pos += 1;
        }
        match self.bytes.get(self.pos) {
            Some(b'0') => {
                self.pos += 1;
                if matches!(self.bytes.get(self.pos), Some(b'0'..=b'9')) {
                    return Err(Unusual);
                }
            }
            Some(b'1'..=b'9') => self.digits(),
            _ => return Err(Unusual),
        }
        if self.bytes.get(self.pos) == Some(&b'.') {
            self.pos += 1;
            if !matches!(self.bytes.get(self.pos), Some(b'0'..=b'9')) {
                return Err(Unusual);
            }
            self.digits();
        }
        if !matches!(self.bytes.get(self.pos), Some(b'e' | b'E')) {
            return Ok(Cow::Borrowed(&self.text[start..self.pos]));
        }
        let mantissa = &self.text[start..self.pos];
        self.pos += 1;
        let sign = match self.bytes.get(self.pos) {
            Some(b'-') => {
                self.pos += 1;
                '-'
            }
            Some(b'+') => {
                self.pos += 1;
                '+'
            }
            _ => '+',
        };
        let exp_start = self.pos;
        if !matches!(self.bytes.get(self.pos), Some(b'0'..=b'9')) {
            return Err(Unusual);
        }
        self.digits();
        let mut out = String::with_capacity(self.pos - start + 2);
        out.push_str(mantissa);
        out.push('e');
        out.push(sign);
        out.push_str(&self.text[exp_start..self.pos]);
        Ok(Cow::Owned(out))
    }

    fn digits(&mut self) {
        while matches!(self.bytes.get(self.pos), Some(b'0'..=b'9')) {
            self.pos += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// JSON texts that exercise every branch: numbers in each spelling (exponents, `-0`, beyond
    /// 64 bits, beyond `f64`), strings with escapes, surrogate pairs, lone surrogates and text
    /// that needs NFC, duplicate keys, whitespace, malformed text of every kind, deep nesting.
    fn atoms() -> Vec<String> {
        let mut atoms: Vec<String> = [
            "null", "true", "false", "0", "-0", "1", "-1", "0.1", "1.50", "1e400", "1E5", "1e-5", "2.5E+3", "-2.5e-3",
            "12345678901234567890123", "18446744073709551615", "18446744073709551616", "-9223372036854775808",
            "-9223372036854775809", "1e-400", r#""""#, r#""true""#, r#""false""#, r#""12""#, r#""1e3""#, r#""-0""#,
            r#"" 12""#, r#""abc""#, "\"e\u{301}\"", r#""\u00e9""#, r#""\ud83d\ude00""#, r#""\ud800""#, r#""\udc00""#,
            r#""\ud800\u0041""#, r#""a\"b\\c\/d\b\f\n\r\t""#, r#""<>&\u2028""#, "\"tab\tinside\"", r#""\x""#, r#""\u12""#,
            "\"\u{7f} é 😀\"", "[]", "[1,2]", r#"[1,"a",null]"#, "[[1],[2,3]]", "{}", r#"{"a":1}"#, r#"{"a":1,"b":"x"}"#,
            r#"{"a":1,"a":2}"#, r#"{"b":null,"a":[true]}"#, r#"{"value":1,"type":"number"}"#, "[1,]", r#"{"a":1,}"#, "01",
            "1.", "-", ".5", "+1", "[1 2]", r#"{"a" 1}"#, r#"{a:1}"#, "tru", "nul", "\"unterminated", "1 2", "  1  ",
            " [ 1 , 2 ] ", "\n{\n  \"a\": [\n    1\n  ]\n}\n", "", "   ", "[", "{", "]", "NaN", "Infinity", "1e", "1e+",
        ]
        .into_iter()
        .map(str::to_owned)
        .collect();
        for depth in [5, 99, 100, 101, 127, 128, 129, 300] {
            atoms.push(format!("{}1{}", "[".repeat(depth), "]".repeat(depth)));
            atoms.push(format!("{}1{}", "{\"a\":".repeat(depth), "}".repeat(depth)));
        }
        atoms
    }

    fn texts() -> Vec<String> {
        let atoms = atoms();
        let mut texts = atoms.clone();
        for a in &atoms {
            texts.push(format!("[{a}]"));
            texts.push(format!("[{a},{a}]"));
            texts.push(format!("{{\"a\":{a}}}"));
            texts.push(format!("{{\"a\":{a},\"b\":{a},\"z\":{a}}}"));
            texts.push(format!("{{\"x\":{a},\"a\":1}}"));
        }
        texts
    }

    fn types() -> Vec<Type> {
        let obj = |attrs: &[(&str, Type)]| Type::object(attrs.iter().map(|(k, t)| (k.to_string(), t.clone())).collect());
        vec![
            Type::Dynamic,
            Type::Bool,
            Type::Number,
            Type::String,
            Type::list(Type::Number),
            Type::list(Type::String),
            Type::list(Type::Dynamic),
            Type::set(Type::Number),
            Type::set(Type::String),
            Type::map(Type::String),
            Type::map(Type::Number),
            Type::map(Type::Dynamic),
            Type::tuple(vec![Type::Number]),
            Type::tuple(vec![Type::Number, Type::String]),
            Type::tuple(vec![Type::Number, Type::String, Type::Dynamic]),
            obj(&[("a", Type::Number)]),
            obj(&[("a", Type::String), ("b", Type::String)]),
            obj(&[("a", Type::Dynamic), ("b", Type::Bool), ("z", Type::list(Type::Number))]),
            obj(&[("a", Type::list(Type::Number))]),
            obj(&[("a", obj(&[("a", Type::Dynamic)]))]),
            obj(&[]),
            Type::list(Type::list(Type::Number)),
        ]
    }

    /// The old road: a `serde_json::Value` first.
    fn through_serde(text: &str, ty: &Type) -> Result<Value, String> {
        value_from_json(&parse(text)?, ty)
    }

    #[test]
    fn decoding_text_agrees_with_decoding_through_serde_json() {
        let (mut decided, mut total) = (0, 0);
        for text in texts() {
            for ty in types() {
                let expected = format!("{:?}", through_serde(&text, &ty));
                assert_eq!(format!("{:?}", value_from_json_str(&text, &ty)), expected, "{text} as {ty:?}");
                if let Some(v) = try_value_from_json_str(&text, &ty) {
                    assert_eq!(format!("{:?}", Ok::<_, String>(v)), expected, "fast: {text} as {ty:?}");
                    decided += 1;
                }
                total += 1;
            }
        }
        // Honest: the well-formed cases that the type accepts are the scanner's own.
        assert!(decided * 10 > total, "the scanner decided {decided} of {total}");
    }

    #[test]
    fn numbers_keep_serde_json_text() {
        for (text, expected) in [("1E5", "1e+5"), ("2.5E-3", "2.5e-3"), ("1e400", "1e+400"), ("-0", "-0"), ("1.50", "1.50")] {
            assert_eq!(try_value_from_json_str(text, &Type::String), Some(Value::string(expected)), "{text}");
        }
    }

    #[test]
    fn type_text_agrees_with_type_from_json() {
        let mut texts: Vec<String> = [
            r#""string""#, r#""number""#, r#""bool""#, r#""dynamic""#, r#""other""#, r#"["list","string"]"#, r#"["set",["map","number"]]"#,
            r#"["tuple",["string","number"]]"#, r#"["tuple",[]]"#, r#"["object",{}]"#, r#"["object",{"a":"string","b":["list","bool"]}]"#,
            r#"["object",{"a":"string"},["a"]]"#, r#"["object",{"a":"string"},["a",1]]"#, r#"["object",{"a":"string"},"x"]"#,
            r#"["list","string","extra"]"#, r#"["list"]"#, r#"[]"#, r#"["object",{"a":"string","a":"number"}]"#, "null", "1",
            r#"["nope","string"]"#, r#"[1,"string"]"#, r#"["tuple","string"]"#, r#"["object",[]]"#, "[\"list\",", " \"string\" ",
        ]
        .into_iter()
        .map(str::to_owned)
        .collect();
        texts.push(format!("{}\"string\"{}", "[\"list\",".repeat(120), "]".repeat(120)));
        for text in texts {
            let expected = parse(&text).and_then(|j| type_from_json(&j));
            assert_eq!(format!("{:?}", type_from_json_str(&text)), format!("{expected:?}"), "{text}");
        }
    }

    /// `value_text` only delimits; decoded by a checking decoder after, it accepts exactly
    /// what `skip_value` accepts, with the same text — and damaged text never makes it panic.
    #[test]
    fn a_delimited_value_checked_by_its_decoding_is_a_skipped_value() {
        let mut agreed = 0;
        for text in texts() {
            for doc in [format!("{{\"v\": {text}, \"t\": 1}}"), format!("{{\"v\":{text}}}"), format!("{{\"v\": {text}")] {
                let mut delimited = JsonObjectReader::new(&doc).unwrap();
                let mut skipped = JsonObjectReader::new(&doc).unwrap();
                assert_eq!(delimited.next_key().unwrap().as_deref(), Some("v"));
                assert_eq!(skipped.next_key().unwrap().as_deref(), Some("v"));
                let by_skip = skipped.skip_value();
                let Some(found) = delimited.value_text() else {
                    assert_eq!(by_skip, None, "{doc}");
                    continue;
                };
                for ty in [Type::Dynamic, Type::list(Type::Number), Type::String] {
                    if try_value_from_json_str(found, &ty).is_some() {
                        // In place, the value is one level deeper: at the nesting limit, only
                        // the skip gives up (and the decoding then reached the same value).
                        let at_limit = found.matches(['[', '{']).count() >= MAX_DEPTH;
                        assert!(by_skip == Some(found) || at_limit && by_skip.is_none(), "{doc} as {ty:?}");
                        agreed += 1;
                    }
                }
                // The rest of the object reads the same either way.
                let rest = |mut r: JsonObjectReader<'_>| {
                    let mut keys = Vec::new();
                    while let Some(Some(key)) = r.next_key() {
                        keys.push(key.into_owned());
                    }
                    (keys, r.finish())
                };
                if by_skip == Some(found) {
                    assert_eq!(rest(delimited), rest(skipped), "{doc}");
                }
            }
        }
        assert!(agreed > 100, "{agreed} values decoded");
    }

    #[test]
    fn an_object_is_read_member_by_member() {
        let text = r#" {"a": 1, "b": {"value": [1, "x"], "type": ["tuple", ["number", "string"]], "c": {}}, "c": "skipped", "d": true} "#;
        let mut reader = JsonObjectReader::new(text).unwrap();
        assert_eq!(reader.next_key().unwrap().as_deref(), Some("a"));
        assert_eq!(reader.value(&Type::Number), Some(Value::from_i64(1)));
        assert_eq!(reader.next_key().unwrap().as_deref(), Some("b"));
        let (value, ty) = reader
            .nested(|inner| {
                assert_eq!(inner.next_key()?.as_deref(), Some("value"));
                let value = inner.skip_value()?;
                assert_eq!(inner.next_key()?.as_deref(), Some("type"));
                Some((value, inner.type_value()?))
            })
            .unwrap();
        assert_eq!(value, r#"[1, "x"]"#);
        assert_eq!(ty, Type::tuple(vec![Type::Number, Type::String]));
        assert_eq!(reader.next_key().unwrap().as_deref(), Some("c"));
        // "c" not read: skipped by the next key.
        assert_eq!(reader.next_key().unwrap().as_deref(), Some("d"));
        assert_eq!(reader.peek_value(), Some(b't'));
        assert_eq!(reader.next_key().unwrap(), None);
        assert_eq!(reader.finish(), Some(()));
        // Malformed: every method gives up.
        let mut reader = JsonObjectReader::new(r#"{"a": 1,}"#).unwrap();
        assert!(reader.next_key().is_some());
        assert!(reader.next_key().is_none());
        assert!(JsonObjectReader::new(r#"{"a": 1} x"#).unwrap().finish().is_none());
        assert!(JsonObjectReader::new("[1]").is_none());
    }
}
