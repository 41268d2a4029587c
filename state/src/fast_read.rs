//! A reader of well-formed v4 state files written for speed: the first road of
//! [`read_state`](crate::read_state).
//!
//! Reading a large state through `serde_json` (attributes captured as text, see [`LazyJson`])
//! spent most of its time in `serde_json`'s general-purpose skipping of the attribute texts —
//! byte by byte over the indentation of a pretty-printed file, which is half its bytes. This
//! reader knows the file's layout (root object → `resources` → `instances`), reads those
//! levels itself, and checks every attribute text in one pass that skips indentation and plain
//! string text eight bytes at a time. Members that are rare or small (outputs, check results,
//! sensitive paths, unusual spellings of anything) are handed to `serde_json` as sub-slices.
//!
//! **It decides nothing alone.** It answers `None` for every error and for anything it does
//! not read itself: a duplicate field, a missing required field, a number that is not a plain
//! integer, a key with escapes, a struct written as an array, nesting deeper than
//! [`MAX_DEPTH`], any `\u` escape of a UTF-16 surrogate, bytes that are not UTF-8. `read_state`
//! then reads the file as it always did, which gives the state or the exact error. What this
//! reader accepts, `serde_json` accepts too and reads into the same [`StateFile`]: the grammar
//! checked here is JSON's (RFC 8259, as `serde_json` reads it) and never more lenient; the tests
//! of [`crate::format`] compare both readings on damaged and unusual files.

use std::collections::BTreeMap;

use serde::de::DeserializeOwned;

use crate::model::{InstanceKey, InstanceState, InstanceStatus, LazyJson, ResourceMode, ResourceState, StateFile};

/// Nesting (arrays and objects, from the document's root) beyond this is left to `serde_json`.
/// `serde_json` refuses nesting beyond 128; staying well under it means that every sub-slice
/// handed to it, and every attribute text parsed later (see [`LazyJson`]), parses as it would
/// have in place.
const MAX_DEPTH: usize = 100;

/// The state in `bytes`, or `None` where the usual reading must decide (see the module docs).
pub(crate) fn read(bytes: &[u8]) -> Option<StateFile> {
    // One check of the whole file: every slice below is then text, whatever it holds.
    let text = std::str::from_utf8(bytes).ok()?;
    let mut reader = Reader { text, bytes, pos: 0, depth: 0 };
    reader.skip_ws();
    let state = reader.state_file()?;
    reader.skip_ws();
    (reader.pos == bytes.len()).then_some(state)
}

struct Reader<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
    /// Arrays and objects open at `pos`.
    depth: usize,
}

/// Marks a field as read, `None` if it was already: `serde`'s derived readers refuse a
/// duplicate field.
fn first_time(seen: &mut u32, bit: u32) -> Option<()> {
    if *seen & bit != 0 {
        return None;
    }
    *seen |= bit;
    Some(())
}

/// The text of a string that [`Reader::skip_string`] checked (between its quotes), unescaped:
/// every escape is one of JSON's, and none is of a surrogate.
fn unescape(text: &str) -> Option<String> {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find('\\') {
        out.push_str(rest.get(..i)?);
        let (c, len) = match *rest.as_bytes().get(i + 1)? {
            b'"' => ('"', 2),
            b'\\' => ('\\', 2),
            b'/' => ('/', 2),
            b'b' => ('\u{8}', 2),
            b'f' => ('\u{c}', 2),
            b'n' => ('\n', 2),
            b'r' => ('\r', 2),
            b't' => ('\t', 2),
            b'u' => {
                let mut code = 0u32;
                for &digit in rest.as_bytes().get(i + 2..i + 6)? {
                    code = code << 4 | char::from(digit).to_digit(16)?;
                }
                (char::from_u32(code)?, 6)
            }
            _ => return None,
        };
        out.push(c);
        rest = rest.get(i + len..)?;
    }
    out.push_str(rest);
    Some(out)
}

impl<'a> Reader<'a> {
    fn state_file(&mut self) -> Option<StateFile> {
        let (mut seen, mut version) = (0u32, None);
        let mut state = StateFile {
            version: 0,
            terraform_version: String::new(),
            serial: 0,
            lineage: String::new(),
            outputs: BTreeMap::new(),
            resources: Vec::new(),
            check_results: None,
        };
        self.object(|r, key| {
            match key {
                "version" => {
                    first_time(&mut seen, 1)?;
                    version = Some(r.integer()?);
                }
                "terraform_version" => {
                    first_time(&mut seen, 2)?;
                    state.terraform_version = r.string()?;
                }
                "serial" => {
                    first_time(&mut seen, 4)?;
                    state.serial = r.integer()?;
                }
                "lineage" => {
                    first_time(&mut seen, 8)?;
                    state.lineage = r.string()?;
                }
                "outputs" => {
                    first_time(&mut seen, 16)?;
                    state.outputs = r.delegate()?;
                }
                "resources" => {
                    first_time(&mut seen, 32)?;
                    r.array(|r| {
                        let resource = r.resource()?;
                        state.resources.push(resource);
                        Some(())
                    })?;
                }
                "check_results" => {
                    first_time(&mut seen, 64)?;
                    state.check_results = if r.null() { None } else { r.delegate()? };
                }
                _ => r.skip_value()?,
            }
            Some(())
        })?;
        state.version = version?;
        Some(state)
    }

    fn resource(&mut self) -> Option<ResourceState> {
        let mut seen = 0u32;
        let (mut module, mut mode, mut type_, mut name, mut each, mut provider) = (None, None, None, None, None, None);
        let mut instances = Vec::new();
        self.object(|r, key| {
            match key {
                "module" => {
                    first_time(&mut seen, 1)?;
                    module = r.string_or_null()?.filter(|m| !m.is_empty());
                }
                "mode" => {
                    first_time(&mut seen, 2)?;
                    mode = Some(match r.plain_string() {
                        Some("managed") => ResourceMode::Managed,
                        Some("data") => ResourceMode::Data,
                        _ => return None,
                    });
                }
                "type" => {
                    first_time(&mut seen, 4)?;
                    type_ = Some(r.string()?);
                }
                "name" => {
                    first_time(&mut seen, 8)?;
                    name = Some(r.string()?);
                }
                "each" => {
                    first_time(&mut seen, 16)?;
                    each = r.string_or_null()?;
                }
                "provider" => {
                    first_time(&mut seen, 32)?;
                    provider = Some(r.string()?);
                }
                "instances" => {
                    first_time(&mut seen, 64)?;
                    r.array(|r| {
                        let instance = r.instance()?;
                        instances.push(instance);
                        Some(())
                    })?;
                }
                _ => r.skip_value()?,
            }
            Some(())
        })?;
        Some(ResourceState { module, mode: mode?, type_: type_?, name: name?, each, provider: provider?, instances })
    }

    fn instance(&mut self) -> Option<InstanceState> {
        let mut seen = 0u32;
        let mut instance = InstanceState::with_attributes(None, LazyJson::default());
        self.object(|r, key| {
            match key {
                "index_key" => {
                    first_time(&mut seen, 1)?;
                    instance.index_key = r.index_key()?;
                }
                "status" => {
                    first_time(&mut seen, 2)?;
                    instance.status = match r.peek()? {
                        b'n' if r.null() => None,
                        _ if r.plain_string() == Some("tainted") => Some(InstanceStatus::Tainted),
                        _ => return None,
                    };
                }
                "deposed" => {
                    first_time(&mut seen, 4)?;
                    instance.deposed = r.string_or_null()?.filter(|d| !d.is_empty());
                }
                "schema_version" => {
                    first_time(&mut seen, 8)?;
                    instance.schema_version = r.integer()?;
                }
                "attributes" => {
                    first_time(&mut seen, 16)?;
                    instance.attributes = LazyJson::from_checked_text(r.value_text()?);
                }
                "attributes_flat" => {
                    first_time(&mut seen, 32)?;
                    instance.attributes_flat = r.delegate()?;
                }
                "sensitive_attributes" => {
                    first_time(&mut seen, 64)?;
                    if !r.empty_array() {
                        instance.sensitive_attributes = r.delegate()?;
                    }
                }
                "private" => {
                    first_time(&mut seen, 128)?;
                    instance.private = r.string_or_null()?.filter(|p| !p.is_empty());
                }
                "dependencies" => {
                    first_time(&mut seen, 256)?;
                    if r.peek()? != b'[' {
                        return None;
                    }
                    r.array(|r| {
                        let dependency = r.string()?;
                        instance.dependencies.push(dependency);
                        Some(())
                    })?;
                }
                "create_before_destroy" => {
                    first_time(&mut seen, 512)?;
                    instance.create_before_destroy = match r.peek()? {
                        b't' => r.literal(b"true").map(|()| true)?,
                        b'f' => r.literal(b"false").map(|()| false)?,
                        _ => return None,
                    };
                }
                _ => r.skip_value()?,
            }
            Some(())
        })?;
        Some(instance)
    }

    /// An instance key: a plain integer or string here, anything else as `serde` reads it.
    fn index_key(&mut self) -> Option<Option<InstanceKey>> {
        match self.peek()? {
            b'0'..=b'9' => {
                let start = self.pos;
                // Up to 18 digits always fits an `i64`; a longer number is for `serde`.
                if let Some(n) = self.integer().filter(|_| self.pos - start <= 18) {
                    return Some(Some(InstanceKey::Int(i64::try_from(n).ok()?)));
                }
                self.pos = start;
                self.delegate()
            }
            b'"' => {
                let start = self.pos;
                match self.plain_string() {
                    Some(key) => Some(Some(InstanceKey::Str(key.to_owned()))),
                    None => {
                        self.pos = start;
                        self.delegate()
                    }
                }
            }
            _ => self.delegate(),
        }
    }

    /// The next value read by `serde_json` from its text alone (checked and delimited here
    /// first, so that `serde_json` reads it as it would have in place).
    fn delegate<T: DeserializeOwned>(&mut self) -> Option<T> {
        serde_json::from_str(self.value_text()?).ok()
    }

    /// The text of the next value, checked.
    fn value_text(&mut self) -> Option<&'a str> {
        let start = self.pos;
        self.skip_value()?;
        self.text.get(start..self.pos)
    }

    /// An object (the next byte must be `{`): `member(reader, key)` reads each member's value.
    /// Keys with escapes are left to `serde` (they may spell a field's name).
    fn object(&mut self, mut member: impl FnMut(&mut Self, &'a str) -> Option<()>) -> Option<()> {
        if self.peek()? != b'{' {
            return None;
        }
        self.enter()?;
        self.skip_ws();
        if self.eat(b'}') {
            self.depth -= 1;
            return Some(());
        }
        loop {
            let key = self.plain_string()?;
            self.skip_ws();
            if !self.eat(b':') {
                return None;
            }
            self.skip_ws();
            member(self, key)?;
            self.skip_ws();
            match self.next_byte()? {
                b',' => self.skip_ws(),
                b'}' => {
                    self.depth -= 1;
                    return Some(());
                }
                _ => return None,
            }
        }
    }

    /// An array (the next byte must be `[`): `item(reader)` reads each element.
    fn array(&mut self, mut item: impl FnMut(&mut Self) -> Option<()>) -> Option<()> {
        if self.peek()? != b'[' {
            return None;
        }
        self.enter()?;
        self.skip_ws();
        if self.eat(b']') {
            self.depth -= 1;
            return Some(());
        }
        loop {
            item(self)?;
            self.skip_ws();
            match self.next_byte()? {
                b',' => self.skip_ws(),
                b']' => {
                    self.depth -= 1;
                    return Some(());
                }
                _ => return None,
            }
        }
    }

    /// `[]` (with any whitespace inside), consumed; `false` (nothing consumed) for anything else.
    fn empty_array(&mut self) -> bool {
        let start = self.pos;
        if self.eat(b'[') {
            self.skip_ws();
            if self.eat(b']') {
                return true;
            }
        }
        self.pos = start;
        false
    }

    /// `null`, consumed; `false` (nothing consumed) for anything else.
    fn null(&mut self) -> bool {
        self.literal(b"null").is_some()
    }

    /// A string, unescaped.
    fn string(&mut self) -> Option<String> {
        if self.peek()? != b'"' {
            return None;
        }
        let start = self.pos + 1;
        self.skip_string()?;
        let text = self.text.get(start..self.pos - 1)?;
        if !text.contains('\\') {
            return Some(text.to_owned());
        }
        unescape(text)
    }

    /// `null` or a string (an `Option<String>` field).
    fn string_or_null(&mut self) -> Option<Option<String>> {
        if self.null() {
            return Some(None);
        }
        self.string().map(Some)
    }

    /// A string without escapes, as it is; `None` for a string with escapes (position then
    /// unspecified) or anything else.
    fn plain_string(&mut self) -> Option<&'a str> {
        if self.peek()? != b'"' {
            return None;
        }
        self.pos += 1;
        let start = self.pos;
        self.skip_plain();
        if self.bytes.get(self.pos) != Some(&b'"') {
            return None;
        }
        self.pos += 1;
        self.text.get(start..self.pos - 1)
    }

    /// A non-negative integer written as digits only (no sign, fraction or exponent), fitting
    /// a `u64`: what `serde` reads into a `u64` without question.
    fn integer(&mut self) -> Option<u64> {
        let start = self.pos;
        while let Some(b'0'..=b'9') = self.bytes.get(self.pos) {
            self.pos += 1;
        }
        let digits = self.text.get(start..self.pos)?;
        if digits.is_empty() || digits.len() > 19 || (digits.len() > 1 && digits.starts_with('0')) {
            return None;
        }
        if let Some(b'.' | b'e' | b'E') = self.bytes.get(self.pos) {
            return None;
        }
        digits.parse().ok()
    }

    /// Any one value, checked as strictly as `serde_json` reads it (and more: see the module
    /// docs), without recursion: `kinds` holds, per open container from the value's own, whether
    /// it is an object (1) or an array (0).
    fn skip_value(&mut self) -> Option<()> {
        let base = self.depth;
        let mut kinds: u128 = 0;
        loop {
            // A value starts here.
            self.skip_ws();
            match *self.bytes.get(self.pos)? {
                b'"' => self.skip_string()?,
                b'{' => {
                    self.enter()?;
                    kinds = kinds << 1 | 1;
                    self.skip_ws();
                    if !self.eat(b'}') {
                        self.member_key()?;
                        continue;
                    }
                    self.depth -= 1;
                    kinds >>= 1;
                }
                b'[' => {
                    self.enter()?;
                    kinds <<= 1;
                    self.skip_ws();
                    if !self.eat(b']') {
                        continue;
                    }
                    self.depth -= 1;
                    kinds >>= 1;
                }
                b'-' | b'0'..=b'9' => self.skip_number()?,
                b't' => self.literal(b"true")?,
                b'f' => self.literal(b"false")?,
                b'n' => self.literal(b"null")?,
                _ => return None,
            }
            // A value ended: close the containers it ends until one goes on.
            loop {
                if self.depth == base {
                    return Some(());
                }
                self.skip_ws();
                let in_object = kinds & 1 == 1;
                match (self.next_byte()?, in_object) {
                    (b',', true) => {
                        self.skip_ws();
                        self.member_key()?;
                        break;
                    }
                    (b',', false) => break,
                    (b'}', true) | (b']', false) => {
                        self.depth -= 1;
                        kinds >>= 1;
                    }
                    _ => return None,
                }
            }
        }
    }

    /// An object member's key and colon (at the key's opening quote).
    fn member_key(&mut self) -> Option<()> {
        if self.bytes.get(self.pos) != Some(&b'"') {
            return None;
        }
        self.skip_string()?;
        self.skip_ws();
        self.eat(b':').then_some(())
    }

    /// A string (at its opening quote), checked: no control characters, valid escapes, and no
    /// surrogate escapes at all (a lone one is refused by a later parse into a value; pairs are
    /// rare enough to leave to `serde_json` too).
    fn skip_string(&mut self) -> Option<()> {
        self.pos += 1;
        loop {
            self.skip_plain();
            match *self.bytes.get(self.pos)? {
                b'"' => {
                    self.pos += 1;
                    return Some(());
                }
                b'\\' => match *self.bytes.get(self.pos + 1)? {
                    b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => self.pos += 2,
                    b'u' => {
                        let hex = self.bytes.get(self.pos + 2..self.pos + 6)?;
                        let mut code = 0u32;
                        for &digit in hex {
                            code = code << 4 | char::from(digit).to_digit(16)?;
                        }
                        if (0xD800..=0xDFFF).contains(&code) {
                            return None;
                        }
                        self.pos += 6;
                    }
                    _ => return None,
                },
                // A control character.
                _ => return None,
            }
        }
    }

    /// A number (at its first byte), JSON's grammar: `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE]
    /// [+-]? [0-9]+)?`. A digit right after a leading `0` is left for the caller to refuse.
    fn skip_number(&mut self) -> Option<()> {
        self.eat(b'-');
        match *self.bytes.get(self.pos)? {
            b'0' => self.pos += 1,
            b'1'..=b'9' => self.digits(),
            _ => return None,
        }
        if self.eat(b'.') {
            if !matches!(self.bytes.get(self.pos), Some(b'0'..=b'9')) {
                return None;
            }
            self.digits();
        }
        if let Some(b'e' | b'E') = self.bytes.get(self.pos) {
            self.pos += 1;
            if let Some(b'+' | b'-') = self.bytes.get(self.pos) {
                self.pos += 1;
            }
            if !matches!(self.bytes.get(self.pos), Some(b'0'..=b'9')) {
                return None;
            }
            self.digits();
        }
        Some(())
    }

    fn digits(&mut self) {
        while let Some(b'0'..=b'9') = self.bytes.get(self.pos) {
            self.pos += 1;
        }
    }

    fn literal(&mut self, literal: &[u8]) -> Option<()> {
        if !self.bytes.get(self.pos..)?.starts_with(literal) {
            return None;
        }
        self.pos += literal.len();
        Some(())
    }

    /// Consumes an opening bracket.
    fn enter(&mut self) -> Option<()> {
        self.depth += 1;
        self.pos += 1;
        (self.depth <= MAX_DEPTH).then_some(())
    }

    fn eat(&mut self, byte: u8) -> bool {
        let found = self.bytes.get(self.pos) == Some(&byte);
        self.pos += usize::from(found);
        found
    }

    fn next_byte(&mut self) -> Option<u8> {
        let byte = *self.bytes.get(self.pos)?;
        self.pos += 1;
        Some(byte)
    }

    /// The next byte after whitespace, not consumed.
    fn peek(&mut self) -> Option<u8> {
        self.skip_ws();
        self.bytes.get(self.pos).copied()
    }

    fn skip_ws(&mut self) {
        self.pos = infra_value::json::skip_whitespace(self.bytes, self.pos);
    }

    /// Moves to the next `"`, `\` or control byte (or the end): the plain text of a string.
    fn skip_plain(&mut self) {
        self.pos = infra_value::json::skip_string_text(self.bytes, self.pos);
    }
}
