//! The fast road of [`read_state`](crate::read_state) for a well-formed state: one checking
//! pass of our own over the whole text, then `serde_json` over what is left once the
//! attributes are taken out.
//!
//! Instance attributes are most of a state file's bytes, and they are kept as their text (see
//! [`LazyJson`](crate::LazyJson)). Captured through `serde_json`'s `RawValue`, every byte of
//! them was checked by its general-purpose `ignore_value`, then screened again for what a later
//! parse into a `Value` refuses (deep nesting, lone surrogates): most of the time of reading a
//! large state. Here instead:
//!
//! 1. [`scan`] checks the whole text against JSON's grammar exactly as strictly as `serde_json`
//!    reads it (plus the screening: nesting at most [`MAX_DEPTH`] deep, no `\u` escape of a
//!    UTF-16 surrogate), eight bytes at a time through strings, and notes where each
//!    `resources[*].instances[*].attributes` value is;
//! 2. the document is copied with each of those values replaced by a placeholder, its index
//!    (`"attributes": 0`), and `serde_json` reads that small document into the model, each
//!    placeholder becoming its text ([`lazy_json::with_texts`]).
//!
//! Anything unusual — text `serde_json` would refuse, an escaped key where the attributes are
//! looked for, nesting or escapes the screening excludes — answers `None`, and the caller takes
//! the old road, which decides between the state and the exact error as before. So this road
//! changes no outcome: it only answers, faster, when the answer is a state.

use crate::lazy_json;
use crate::model::StateFile;

/// Nesting (arrays and objects, from the document's root) beyond this is left to the old road,
/// whose screening answers the same (`serde_json`'s own limit is 128 levels).
pub(crate) const MAX_DEPTH: usize = 100;

/// Reads a well-formed state, `None` for anything else (see the [module docs](self)).
pub(crate) fn read(bytes: &[u8]) -> Option<StateFile> {
    let text = std::str::from_utf8(bytes).ok()?;
    let spans = scan(text)?;
    let taken: usize = spans.iter().map(|(start, end)| end - start).sum();
    let mut reduced = String::with_capacity(text.len() - taken + spans.len() * 8);
    let mut texts = Vec::with_capacity(spans.len());
    let mut at = 0;
    for (index, &(start, end)) in spans.iter().enumerate() {
        reduced.push_str(&text[at..start]);
        reduced.push_str(itoa(index, &mut [0u8; 20]));
        texts.push(Some(Box::<str>::from(&text[start..end])));
        at = end;
    }
    reduced.push_str(&text[at..]);
    match lazy_json::with_texts(texts, || serde_json::from_str::<StateFile>(&reduced)) {
        (Ok(state), true) => Some(state),
        _ => None,
    }
}

/// `n` in decimal, written into `buf`.
fn itoa(mut n: usize, buf: &mut [u8; 20]) -> &str {
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    // Only ASCII digits were written.
    std::str::from_utf8(&buf[i..]).unwrap_or("0")
}

/// Checks that `text` is one JSON value as `serde_json` reads it (and within the screening, see
/// the [module docs](self)), and gives the spans (start and end byte) of every
/// `resources[*].instances[*].attributes` value in document order; `None` for anything else.
pub(crate) fn scan(text: &str) -> Option<Vec<(usize, usize)>> {
    let mut s = Scanner { bytes: text.as_bytes(), pos: 0, depth: 0, spans: Vec::new() };
    s.value(Role::Root)?;
    s.skip_ws();
    (s.pos == s.bytes.len()).then_some(s.spans)
}

/// Where a value sits on the way to the attributes.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Role {
    /// The document.
    Root,
    /// The root's `resources`.
    Resources,
    /// An element of `resources`.
    Resource,
    /// A resource's `instances`.
    Instances,
    /// An element of `instances`.
    Instance,
    /// An instance's `attributes`: its span is noted.
    Attributes,
    /// Anywhere else.
    Other,
}

struct Scanner<'a> {
    bytes: &'a [u8],
    pos: usize,
    depth: usize,
    spans: Vec<(usize, usize)>,
}

impl Scanner<'_> {
    /// Skips JSON whitespace (the four characters `serde_json` accepts).
    fn skip_ws(&mut self) {
        while let Some(b' ' | b'\n' | b'\t' | b'\r') = self.bytes.get(self.pos) {
            self.pos += 1;
            // Pretty-printed text indents with runs of spaces: eight at a time.
            while let Some(chunk) = self.bytes.get(self.pos..self.pos + 8) {
                let mut word = [0u8; 8];
                word.copy_from_slice(chunk);
                if u64::from_ne_bytes(word) != u64::from_ne_bytes(*b"        ") {
                    break;
                }
                self.pos += 8;
            }
        }
    }

    fn peek(&mut self) -> Option<u8> {
        self.skip_ws();
        self.bytes.get(self.pos).copied()
    }

    /// One value in `role`.
    fn value(&mut self, role: Role) -> Option<()> {
        let b = self.peek()?;
        let start = self.pos;
        match b {
            b'{' => self.object(role)?,
            b'[' => self.array(role)?,
            b'"' => self.string()?,
            b'-' | b'0'..=b'9' => self.number()?,
            b't' => self.literal(b"true")?,
            b'f' => self.literal(b"false")?,
            b'n' => self.literal(b"null")?,
            _ => return None,
        }
        if role == Role::Attributes {
            self.spans.push((start, self.pos));
        }
        Some(())
    }

    fn literal(&mut self, lit: &[u8]) -> Option<()> {
        if self.bytes.get(self.pos..self.pos + lit.len()) == Some(lit) {
            self.pos += lit.len();
            Some(())
        } else {
            None
        }
    }

    fn enter(&mut self) -> Option<()> {
        self.depth += 1;
        self.pos += 1;
        (self.depth <= MAX_DEPTH).then_some(())
    }

    /// An object (at `{`); its members' roles follow from `role` and their keys.
    fn object(&mut self, role: Role) -> Option<()> {
        self.enter()?;
        // Keys are compared only where the way to the attributes goes on.
        let keyed = matches!(role, Role::Root | Role::Resource | Role::Instance);
        if self.peek()? == b'}' {
            self.pos += 1;
            self.depth -= 1;
            return Some(());
        }
        loop {
            if self.peek()? != b'"' {
                return None;
            }
            let key_start = self.pos + 1;
            self.string()?;
            let member = if keyed {
                let key = &self.bytes[key_start..self.pos - 1];
                if key.contains(&b'\\') {
                    // `serde_json` would unescape it and might match a field: not ours to guess.
                    return None;
                }
                match (role, key) {
                    (Role::Root, b"resources") => Role::Resources,
                    (Role::Resource, b"instances") => Role::Instances,
                    (Role::Instance, b"attributes") => Role::Attributes,
                    _ => Role::Other,
                }
            } else {
                Role::Other
            };
            if self.peek()? != b':' {
                return None;
            }
            self.pos += 1;
            self.value(member)?;
            match self.peek()? {
                b',' => self.pos += 1,
                b'}' => {
                    self.pos += 1;
                    self.depth -= 1;
                    return Some(());
                }
                _ => return None,
            }
        }
    }

    /// An array (at `[`); its elements' role follows from `role`.
    fn array(&mut self, role: Role) -> Option<()> {
        self.enter()?;
        let element = match role {
            Role::Resources => Role::Resource,
            Role::Instances => Role::Instance,
            _ => Role::Other,
        };
        if self.peek()? == b']' {
            self.pos += 1;
            self.depth -= 1;
            return Some(());
        }
        loop {
            self.value(element)?;
            match self.peek()? {
                b',' => self.pos += 1,
                b']' => {
                    self.pos += 1;
                    self.depth -= 1;
                    return Some(());
                }
                _ => return None,
            }
        }
    }

    /// A string (at `"`): no control characters, only JSON's escapes, and no `\u` escape of a
    /// surrogate (see the [module docs](self)). UTF-8 was checked for the whole text.
    fn string(&mut self) -> Option<()> {
        self.pos += 1;
        loop {
            self.skip_plain();
            match self.bytes.get(self.pos)? {
                b'"' => {
                    self.pos += 1;
                    return Some(());
                }
                b'\\' => {
                    match self.bytes.get(self.pos + 1)? {
                        b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => self.pos += 2,
                        b'u' => {
                            let hex = self.bytes.get(self.pos + 2..self.pos + 6)?;
                            if !hex.iter().all(u8::is_ascii_hexdigit) {
                                return None;
                            }
                            // D800–DFFF: a surrogate, paired or not.
                            if matches!(hex[0], b'd' | b'D') && matches!(hex[1], b'8'..=b'9' | b'a'..=b'f' | b'A'..=b'F') {
                                return None;
                            }
                            self.pos += 6;
                        }
                        _ => return None,
                    }
                }
                // A control character.
                _ => return None,
            }
        }
    }

    /// Moves to the next `"`, `\\` or control byte (or the end of input), eight bytes at a time.
    fn skip_plain(&mut self) {
        const ONES: u64 = 0x0101_0101_0101_0101;
        const HIGH: u64 = 0x8080_8080_8080_8080;
        while let Some(chunk) = self.bytes.get(self.pos..self.pos + 8) {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            let w = u64::from_le_bytes(word);
            let quote = w ^ (ONES * u64::from(b'"'));
            let backslash = w ^ (ONES * u64::from(b'\\'));
            // High bit of each byte that is a quote, a backslash or below 0x20; a false hit can
            // only follow a true one, so the lowest hit is exact.
            let hits = (quote.wrapping_sub(ONES) & !quote | backslash.wrapping_sub(ONES) & !backslash | w.wrapping_sub(ONES * 0x20) & !w) & HIGH;
            if hits != 0 {
                self.pos += (hits.trailing_zeros() / 8) as usize;
                return;
            }
            self.pos += 8;
        }
        while let Some(&b) = self.bytes.get(self.pos) {
            if b == b'"' || b == b'\\' || b < 0x20 {
                return;
            }
            self.pos += 1;
        }
    }

    /// A number: `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`.
    fn number(&mut self) -> Option<()> {
        if self.bytes.get(self.pos) == Some(&b'-') {
            self.pos += 1;
        }
        match self.bytes.get(self.pos)? {
            b'0' => self.pos += 1,
            b'1'..=b'9' => self.digits(),
            _ => return None,
        }
        if self.bytes.get(self.pos) == Some(&b'.') {
            self.pos += 1;
            if !self.bytes.get(self.pos)?.is_ascii_digit() {
                return None;
            }
            self.digits();
        }
        if matches!(self.bytes.get(self.pos), Some(b'e' | b'E')) {
            self.pos += 1;
            if matches!(self.bytes.get(self.pos), Some(b'+' | b'-')) {
                self.pos += 1;
            }
            if !self.bytes.get(self.pos)?.is_ascii_digit() {
                return None;
            }
            self.digits();
        }
        Some(())
    }

    fn digits(&mut self) {
        while self.bytes.get(self.pos).is_some_and(u8::is_ascii_digit) {
            self.pos += 1;
        }
    }
}
