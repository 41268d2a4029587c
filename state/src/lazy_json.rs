//! [`LazyJson`]: a JSON value kept as the text it was read from until someone looks inside.
//!
//! Resource attributes are most of a state file's bytes, and most runs never look at them as
//! JSON: the engine decodes them straight into typed values from their text (guided by the
//! provider schema, see `infra_value::json::value_from_json_str`). Parsing every attribute into
//! a `serde_json::Value` on read — with this workspace's `preserve_order` and
//! `arbitrary_precision`, an ordered hash map per object and an owned string per number — was
//! most of the cost of loading a large state, for a tree the engine then threw away.
//!
//! So [`read_state`](crate::read_state) keeps each instance's attributes as the raw JSON text
//! ([`LazyJson::raw_text`]) and the `serde_json::Value` is built on first use ([`Deref`]).
//! Mutation ([`DerefMut`]) switches to the parsed form for good. Writing always goes through the
//! parsed value, never the raw text: the file is pretty-printed at a different indentation, and
//! Go's escaping may differ from the text read, so only re-serialising gives the exact bytes.
//!
//! Only `read_state` captures text: its own reader cuts the text out of the file after checking
//! it (`crate::fast_read`, [`LazyJson::from_checked_text`]), and for a file that reader leaves to
//! `serde_json`, a raw capture keeps it (see [`capture_raw`]); every other deserialisation
//! (journal records, tests, `serde_json::from_value`) parses into a `Value` as before.
//! `read_state` also makes sure the text kept is JSON that `serde_json` parses into a `Value`
//! (the raw capture is more lenient about nesting depth and lone UTF-16 surrogates, see
//! [`parses_as_value`]; the fast reader refuses both), so the deferred parse cannot fail.

use std::cell::Cell;
use std::fmt;
use std::ops::{Deref, DerefMut};
use std::sync::OnceLock;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::value::RawValue;
use serde_json::Value;

/// A JSON value read as text and parsed on demand; see the [module docs](self).
#[derive(Default)]
pub struct LazyJson {
    /// The text as read, when this value came from [`read_state`](crate::read_state) and has
    /// not been modified since. Starts at the value's first byte (no leading whitespace).
    raw: Option<Raw>,
    /// With `raw`: its parse, made on first use.
    parsed: OnceLock<Value>,
    /// Without `raw`: the value (with `raw`, `Null` and unused).
    owned: Value,
    /// `raw` is compact JSON in Go's escaping made by the engine's encoder
    /// ([`LazyJson::from_canonical`]), which the state writer may copy as it is (indented in
    /// place); text read from a file is always re-serialised instead.
    canonical: bool,
}

/// The text of a [`LazyJson`]: captured by `serde_json` (a file read by `serde_json`, or the
/// engine's canonical text, checked by [`RawValue::from_string`]), or cut out of a file by the
/// state reader's own scanner, which checked it as strictly (see `crate::fast_read`) — copying
/// it into a `RawValue` would have parsed it once more.
#[derive(Clone)]
enum Raw {
    Captured(Box<RawValue>),
    Scanned(Box<str>),
}

impl Raw {
    fn get(&self) -> &str {
        match self {
            Raw::Captured(raw) => raw.get(),
            Raw::Scanned(text) => text,
        }
    }
}

/// Text a raw capture accepted, as a value. `read_state` only keeps text that parses (see
/// [`parses_as_value`]); were it not to, null is the least harmful reading, and it cannot happen
/// for text from a file.
fn parse(raw: &Raw) -> Value {
    serde_json::from_str(raw.get()).unwrap_or(Value::Null)
}

impl LazyJson {
    /// A value that is already parsed.
    pub fn from_value(value: Value) -> Self {
        LazyJson { raw: None, parsed: OnceLock::new(), owned: value, canonical: false }
    }

    /// A value given as compact JSON text exactly as Go's `json.Marshal` writes it (keys in
    /// the order to write, Go's escaping, canonical numbers): the engine encodes a state's
    /// attributes this way, straight from typed values. The writer copies the text, indented
    /// where it lands, instead of building and serialising a `Value` tree for every object of
    /// the state (for a large apply, that tree was the peak of memory). Text that is not JSON
    /// (not made by that encoder) becomes `null`.
    pub fn from_canonical(text: String) -> Self {
        match RawValue::from_string(text) {
            Ok(raw) => LazyJson { raw: Some(Raw::Captured(raw)), parsed: OnceLock::new(), owned: Value::Null, canonical: true },
            Err(_) => LazyJson::from_value(Value::Null),
        }
    }

    /// A value as the text of a state file: JSON that the state reader's scanner checked as
    /// strictly as `serde_json` reads it, and that `serde_json` parses into a value (no nesting
    /// near its limit, no surrogate escapes) — the caller's promise, which is what lets this
    /// text skip the check a `RawValue` would make. Starts and ends with the value.
    pub(crate) fn from_checked_text(text: &str) -> Self {
        LazyJson { raw: Some(Raw::Scanned(text.into())), parsed: OnceLock::new(), owned: Value::Null, canonical: false }
    }

    /// The JSON text this value was read from, if it was read as text and not changed since.
    /// It is valid JSON that `serde_json` parses into this value.
    pub fn raw_text(&self) -> Option<&str> {
        self.raw.as_ref().map(Raw::get)
    }

    /// The value, parsed now if it has not been yet.
    pub fn value(&self) -> &Value {
        match &self.raw {
            Some(raw) => self.parsed.get_or_init(|| parse(raw)),
            None => &self.owned,
        }
    }

    /// The value, taken out.
    pub fn into_value(mut self) -> Value {
        self.make_owned();
        self.owned
    }

    /// Whether the value is `null`, without parsing the text.
    pub fn is_null(&self) -> bool {
        match self.raw_text() {
            Some(text) => text.starts_with('n'),
            None => self.owned.is_null(),
        }
    }

    /// Whether the value is an object, without parsing the text.
    pub fn is_object(&self) -> bool {
        match self.raw_text() {
            Some(text) => text.starts_with('{'),
            None => self.owned.is_object(),
        }
    }

    /// Switches to the parsed form for good (the text would no longer match after a change).
    fn make_owned(&mut self) {
        self.canonical = false;
        if let Some(raw) = self.raw.take() {
            self.owned = self.parsed.take().unwrap_or_else(|| parse(&raw));
        }
    }
}

impl From<Value> for LazyJson {
    fn from(value: Value) -> Self {
        LazyJson::from_value(value)
    }
}

impl Deref for LazyJson {
    type Target = Value;
    fn deref(&self) -> &Value {
        self.value()
    }
}

impl DerefMut for LazyJson {
    /// Parses, drops the raw text, and hands out the value.
    fn deref_mut(&mut self) -> &mut Value {
        self.make_owned();
        &mut self.owned
    }
}

impl Clone for LazyJson {
    fn clone(&self) -> Self {
        LazyJson { raw: self.raw.clone(), parsed: self.parsed.clone(), owned: self.owned.clone(), canonical: self.canonical }
    }
}

impl PartialEq for LazyJson {
    /// Equal values; the same text is the same value without parsing either.
    fn eq(&self, other: &Self) -> bool {
        if let (Some(a), Some(b)) = (self.raw_text(), other.raw_text()) {
            if a == b {
                return true;
            }
        }
        self.value() == other.value()
    }
}

impl PartialEq<Value> for LazyJson {
    fn eq(&self, other: &Value) -> bool {
        self.value() == other
    }
}

impl fmt::Debug for LazyJson {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.value(), f)
    }
}

impl Serialize for LazyJson {
    /// Canonical text ([`LazyJson::from_canonical`]) as it is — `gojson`'s pretty writer
    /// indents it in place; anything else through the parsed value (text read from a file may
    /// be laid out or escaped differently, see the module docs).
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match &self.raw {
            Some(Raw::Captured(raw)) if self.canonical => raw.serialize(serializer),
            _ => self.value().serialize(serializer),
        }
    }
}

thread_local! {
    /// Set by [`capture_raw`] while `read_state` parses a file.
    static CAPTURE_RAW: Cell<bool> = const { Cell::new(false) };
}

impl<'de> Deserialize<'de> for LazyJson {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        if CAPTURE_RAW.with(Cell::get) {
            let raw = Box::<RawValue>::deserialize(deserializer)?;
            Ok(LazyJson { raw: Some(Raw::Captured(raw)), parsed: OnceLock::new(), owned: Value::Null, canonical: false })
        } else {
            Value::deserialize(deserializer).map(LazyJson::from_value)
        }
    }
}

/// Runs `f` (a `serde_json` parse from text or bytes, which can capture raw values) with
/// [`LazyJson`] fields keeping their text instead of parsing it.
pub(crate) fn capture_raw<T>(f: impl FnOnce() -> T) -> T {
    struct Reset(bool);
    impl Drop for Reset {
        fn drop(&mut self) {
            CAPTURE_RAW.with(|c| c.set(self.0));
        }
    }
    let _reset = Reset(CAPTURE_RAW.with(|c| c.replace(true)));
    f()
}

/// Whether `serde_json` will parse `text` — JSON a raw capture accepted, `depth` levels of
/// arrays and objects deep in its document — into a `Value`, the way the whole document would
/// have been parsed. A raw capture checks the grammar and UTF-8 but not two things a `Value`
/// parse refuses: nesting beyond `serde_json`'s recursion limit (128 levels from the document's
/// root), and `\u` escapes of UTF-16 surrogates that do not pair up. This check is conservative:
/// it answers `false` for any surrogate escape and for nesting deeper than 100 in all, and the
/// caller then parses the whole document into values as before.
pub(crate) fn parses_as_value(text: &str, depth: usize) -> bool {
    const LIMIT: usize = 100;
    let bytes = text.as_bytes();
    // Cheap upper bound first: nesting needs as many brackets as levels. (Counted in bytes per
    // chunk of 255, which the compiler turns into wide vector code.)
    let brackets: usize = bytes
        .chunks(255)
        .map(|chunk| usize::from(chunk.iter().fold(0u8, |n, &b| n + u8::from(b == b'[' || b == b'{'))))
        .sum();
    let deep = depth + brackets > LIMIT && depth + max_depth(bytes) > LIMIT;
    !deep && !has_surrogate_escape(bytes)
}

/// The deepest nesting of arrays and objects in JSON text (brackets inside strings excluded).
fn max_depth(bytes: &[u8]) -> usize {
    let (mut depth, mut max, mut in_string, mut escaped) = (0usize, 0usize, false, false);
    for &b in bytes {
        if in_string {
            if escaped {
                escaped = false;
            } else if b == b'\\' {
                escaped = true;
            } else if b == b'"' {
                in_string = false;
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                max = max.max(depth);
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    max
}

/// Whether the text has a `\uD800`–`\uDFFF` escape (or the same six characters after an escaped
/// backslash, `\\uD800`, which is not one: counting it costs only a slower parse).
fn has_surrogate_escape(bytes: &[u8]) -> bool {
    memchr::memmem::find_iter(bytes, b"\\u").any(|i| {
        matches!(bytes.get(i + 2), Some(b'd' | b'D')) && matches!(bytes.get(i + 3), Some(b'8'..=b'9' | b'a'..=b'f' | b'A'..=b'F'))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_text_is_kept_and_parsed_on_demand() {
        let lazy: LazyJson = capture_raw(|| serde_json::from_str(r#" {"a": [1, 2.50, 1E5]} "#)).unwrap();
        assert_eq!(lazy.raw_text(), Some(r#"{"a": [1, 2.50, 1E5]}"#));
        assert!(lazy.is_object() && !lazy.is_null());
        assert_eq!(*lazy, serde_json::from_str::<Value>(r#"{"a": [1, 2.50, 1E5]}"#).unwrap());
        // Serialised from the parsed value, not the text.
        assert_eq!(serde_json::to_string(&lazy).unwrap(), r#"{"a":[1,2.50,1e+5]}"#);
    }

    #[test]
    fn without_capture_a_value_is_parsed() {
        let lazy: LazyJson = serde_json::from_str(r#"{"a":1}"#).unwrap();
        assert_eq!(lazy.raw_text(), None);
        assert_eq!(lazy, serde_json::json!({"a": 1}));
    }

    #[test]
    fn mutation_drops_the_text() {
        let mut lazy: LazyJson = capture_raw(|| serde_json::from_str(r#"{"a":1}"#)).unwrap();
        lazy["a"] = serde_json::json!(2);
        assert_eq!(lazy.raw_text(), None);
        assert_eq!(lazy, serde_json::json!({"a": 2}));
        assert!(lazy.is_object());
    }

    #[test]
    fn equality_is_by_value() {
        let a: LazyJson = capture_raw(|| serde_json::from_str(r#"{"a":1, "b":2}"#)).unwrap();
        let b: LazyJson = capture_raw(|| serde_json::from_str(r#"{"a": 1,"b": 2}"#)).unwrap();
        let c: LazyJson = capture_raw(|| serde_json::from_str(r#"{"a": 1,"b": 3}"#)).unwrap();
        assert_eq!(a, b);
        assert_ne!(a, c);
        assert_eq!(a, LazyJson::from(serde_json::json!({"a": 1, "b": 2})));
    }

    #[test]
    fn canonical_text_is_written_as_it_is_and_indented_in_place() {
        let value = serde_json::json!({"a": [1, {"b": "x<y", "c": []}, {}], "d": {"e": null, "f": "q\"\\,:{}[]"}, "n": 12345678901234567890.5});
        let canonical = LazyJson::from_canonical(crate::gojson::to_string_compact(&value));
        assert_eq!(canonical.raw_text(), Some(crate::gojson::to_string_compact(&value).as_str()));
        assert_eq!(canonical, value);
        #[derive(Serialize)]
        struct Instance<'a> {
            attributes: &'a LazyJson,
            schema_version: u32,
        }
        #[derive(Serialize)]
        struct Doc<'a> {
            version: u32,
            instances: Vec<Instance<'a>>,
        }
        let parsed = LazyJson::from_value(value.clone());
        let doc = |a| Doc { version: 4, instances: vec![Instance { attributes: a, schema_version: 0 }] };
        assert_eq!(
            crate::gojson::to_string_pretty_from(&doc(&canonical)).unwrap(),
            crate::gojson::to_string_pretty_from(&doc(&parsed)).unwrap()
        );
        assert_eq!(
            crate::gojson::to_string_compact_from(&doc(&canonical)).unwrap(),
            crate::gojson::to_string_compact_from(&doc(&parsed)).unwrap()
        );
        // Changed, it is written from the value.
        let mut changed = canonical.clone();
        changed["d"]["e"] = serde_json::json!(1);
        assert_eq!(changed.raw_text(), None);
        assert!(crate::gojson::to_string_pretty_from(&doc(&changed)).unwrap().contains("\"e\": 1"));
        assert_eq!(LazyJson::from_canonical("{not json".into()), Value::Null);
    }

    #[test]
    fn screening_finds_what_a_value_parse_refuses() {
        assert!(parses_as_value(r#"{"a":"\u00e9 \\ud7ff [[[["}"#, 6));
        assert!(!parses_as_value(r#"{"a":"\ud83d\ude00"}"#, 6));
        assert!(!parses_as_value(r#"{"a":"\uDC00"}"#, 6));
        let deep = format!("{}{}", "[".repeat(120), "]".repeat(120));
        assert!(!parses_as_value(&deep, 6));
        let shallow_but_many = format!("[{}]", vec!["[]"; 200].join(","));
        assert!(parses_as_value(&shallow_but_many, 6));
    }
}
