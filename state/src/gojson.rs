//! JSON text exactly as Go's `encoding/json` writes it.
//!
//! Terraform serialises state with `json.MarshalIndent(v, "", "  ")`, so a state file written by
//! `infra` is byte-identical to one written by Terraform only if we reproduce Go's choices, which
//! differ from `serde_json`'s pretty printer in string escaping:
//!
//! - `<`, `>` and `&` are escaped as `\u003c`, `\u003e`, `\u0026` (Go's HTML-safe default, which
//!   also applies to `json.RawMessage` values such as resource attributes);
//! - U+2028 and U+2029 are escaped as `\u2028` and `\u2029`;
//! - control characters use `\b`, `\f`, `\n`, `\r`, `\t` where they exist and `\u00XX` with
//!   lowercase hex otherwise; DEL (U+007F) and all other characters are written raw.
//!
//! Layout: two-space indent, `"key": value`, empty arrays and objects as `[]` and `{}`. Numbers
//! are written with their original text (the workspace enables `serde_json/arbitrary_precision`),
//! matching Go's pass-through of raw JSON numbers.

use serde_json::Value;

/// Writes `value` as Go's `json.MarshalIndent(value, "", "  ")` would, without a trailing newline.
pub fn to_string_pretty(value: &Value) -> String {
    let mut out = String::with_capacity(4096);
    write_value(&mut out, value, 0, true);
    out
}

/// Serialises `value` straight to Go's `MarshalIndent` text, without building a
/// [`serde_json::Value`] first (for a large state that intermediate tree was a second copy of
/// it in memory). Same bytes as `to_string_pretty(&serde_json::to_value(value))`.
pub fn to_string_pretty_from<T: serde::Serialize>(value: &T) -> Result<String, serde_json::Error> {
    let mut out = Vec::with_capacity(64 << 10);
    let mut ser = serde_json::Serializer::with_formatter(&mut out, GoFormatter::new(serde_json::ser::PrettyFormatter::with_indent(b"  "), true));
    value.serialize(&mut ser)?;
    // The serializer writes only what its formatter is given: valid UTF-8 in, UTF-8 out.
    String::from_utf8(out).map_err(|e| serde_json::Error::io(std::io::Error::new(std::io::ErrorKind::InvalidData, e)))
}

/// [`to_string_compact`] of a serialisable value, without an intermediate `Value`.
pub fn to_string_compact_from<T: serde::Serialize>(value: &T) -> Result<String, serde_json::Error> {
    let mut out = Vec::with_capacity(512);
    let mut ser = serde_json::Serializer::with_formatter(&mut out, GoFormatter::new(serde_json::ser::CompactFormatter, false));
    value.serialize(&mut ser)?;
    String::from_utf8(out).map_err(|e| serde_json::Error::io(std::io::Error::new(std::io::ErrorKind::InvalidData, e)))
}

/// serde_json's pretty layout is Go's (two spaces, `"key": value`, `[]`/`{}`); only string
/// escaping differs. serde_json escapes `"`, `\` and control characters itself (as Go does:
/// `\b \f \n \r \t`, else `\u00xx` in lowercase) and hands every other run of text to
/// `write_string_fragment`, where Go's HTML-safe escapes are added.
///
/// Raw fragments (`serde_json::value::RawValue`) must be compact Go-style JSON text, such as
/// attributes encoded by the engine straight to text (`LazyJson::from_canonical`): the pretty
/// formatter indents them at the depth they appear at, the compact one writes them as they are.
struct GoFormatter<F> {
    inner: F,
    /// Whether the layout is indented (`MarshalIndent`), and how deep the writer is (the number
    /// of objects and arrays open), to indent raw fragments the way the rest is.
    pretty: bool,
    depth: usize,
}

impl<F> GoFormatter<F> {
    fn new(inner: F, pretty: bool) -> Self {
        GoFormatter { inner, pretty, depth: 0 }
    }
}

/// Writes compact JSON `text` indented as `MarshalIndent` lays out a value whose enclosing
/// object or array is `depth` levels deep: two spaces per level, `"key": value`, and `{}`/`[]`
/// for empty ones. Only whitespace is added; strings are copied as they are.
pub fn write_indented(out: &mut Vec<u8>, text: &str, depth: usize) {
    let b = text.as_bytes();
    let mut level = depth;
    let newline = |out: &mut Vec<u8>, level: usize| {
        out.push(b'\n');
        out.extend(std::iter::repeat_n(b' ', 2 * level));
    };
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        match c {
            b'"' => {
                // Copy the string through its closing quote, skipping escaped characters.
                let start = i;
                i += 1;
                while i < b.len() && b[i] != b'"' {
                    i += if b[i] == b'\\' { 2 } else { 1 };
                }
                i = (i + 1).min(b.len());
                out.extend_from_slice(&b[start..i]);
                continue;
            }
            b'{' | b'[' => {
                out.push(c);
                let close = if c == b'{' { b'}' } else { b']' };
                if b.get(i + 1) == Some(&close) {
                    out.push(close);
                    i += 2;
                    continue;
                }
                level += 1;
                newline(out, level);
            }
            b'}' | b']' => {
                level = level.saturating_sub(1);
                newline(out, level);
                out.push(c);
            }
            b',' => {
                out.push(b',');
                newline(out, level);
            }
            b':' => out.extend_from_slice(b": "),
            b' ' | b'\n' | b'\r' | b'\t' => {}
            _ => out.push(c),
        }
        i += 1;
    }
}

impl<F: serde_json::ser::Formatter> serde_json::ser::Formatter for GoFormatter<F> {
    fn write_string_fragment<W: ?Sized + std::io::Write>(&mut self, writer: &mut W, fragment: &str) -> std::io::Result<()> {
        let mut start = 0;
        for (i, c) in fragment.char_indices() {
            let escape = match c {
                '<' => "\\u003c",
                '>' => "\\u003e",
                '&' => "\\u0026",
                '\u{2028}' => "\\u2028",
                '\u{2029}' => "\\u2029",
                _ => continue,
            };
            writer.write_all(&fragment.as_bytes()[start..i])?;
            writer.write_all(escape.as_bytes())?;
            start = i + c.len_utf8();
        }
        writer.write_all(&fragment.as_bytes()[start..])
    }
    fn write_raw_fragment<W: ?Sized + std::io::Write>(&mut self, writer: &mut W, fragment: &str) -> std::io::Result<()> {
        if !self.pretty {
            return writer.write_all(fragment.as_bytes());
        }
        let mut out = Vec::with_capacity(fragment.len() * 2);
        write_indented(&mut out, fragment, self.depth);
        writer.write_all(&out)
    }
    fn begin_array<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.depth += 1;
        self.inner.begin_array(w)
    }
    fn end_array<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.depth = self.depth.saturating_sub(1);
        self.inner.end_array(w)
    }
    fn begin_array_value<W: ?Sized + std::io::Write>(&mut self, w: &mut W, first: bool) -> std::io::Result<()> {
        self.inner.begin_array_value(w, first)
    }
    fn end_array_value<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.inner.end_array_value(w)
    }
    fn begin_object<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.depth += 1;
        self.inner.begin_object(w)
    }
    fn end_object<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.depth = self.depth.saturating_sub(1);
        self.inner.end_object(w)
    }
    fn begin_object_key<W: ?Sized + std::io::Write>(&mut self, w: &mut W, first: bool) -> std::io::Result<()> {
        self.inner.begin_object_key(w, first)
    }
    fn begin_object_value<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.inner.begin_object_value(w)
    }
    fn end_object_value<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.inner.end_object_value(w)
    }
}

/// Writes `value` as Go's `json.Marshal` would (compact, HTML-safe escaping).
pub fn to_string_compact(value: &Value) -> String {
    let mut out = String::with_capacity(256);
    write_value(&mut out, value, 0, false);
    out
}

fn newline_indent(out: &mut String, depth: usize) {
    out.push('\n');
    for _ in 0..depth {
        out.push_str("  ");
    }
}

fn write_value(out: &mut String, value: &Value, depth: usize, pretty: bool) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(true) => out.push_str("true"),
        Value::Bool(false) => out.push_str("false"),
        Value::Number(n) => out.push_str(&n.to_string()),
        Value::String(s) => write_string(out, s),
        Value::Array(items) => {
            if items.is_empty() {
                out.push_str("[]");
                return;
            }
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                if pretty {
                    newline_indent(out, depth + 1);
                }
                write_value(out, item, depth + 1, pretty);
            }
            if pretty {
                newline_indent(out, depth);
            }
            out.push(']');
        }
        Value::Object(map) => {
            if map.is_empty() {
                out.push_str("{}");
                return;
            }
            out.push('{');
            for (i, (key, item)) in map.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                if pretty {
                    newline_indent(out, depth + 1);
                }
                write_string(out, key);
                out.push(':');
                if pretty {
                    out.push(' ');
                }
                write_value(out, item, depth + 1, pretty);
            }
            if pretty {
                newline_indent(out, depth);
            }
            out.push('}');
        }
    }
}

/// Go's `appendString` with `escapeHTML = true`.
pub fn write_string(out: &mut String, s: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '<' | '>' | '&' | '\u{0}'..='\u{1f}' => {
                let b = c as u32 as u8;
                out.push_str("\\u00");
                out.push(HEX[(b >> 4) as usize] as char);
                out.push(HEX[(b & 0xf) as usize] as char);
            }
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            other => out.push(other),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_like_go() {
        let v = Value::String("a<b>&c\u{8}\u{c}\n\t\r\u{2028}\u{2029}\u{1}\u{7f} é \\ \" /".into());
        assert_eq!(
            to_string_compact(&v),
            "\"a\\u003cb\\u003e\\u0026c\\b\\f\\n\\t\\r\\u2028\\u2029\\u0001\u{7f} é \\\\ \\\" /\""
        );
    }

    #[test]
    fn layout_like_marshal_indent() {
        let v: Value = serde_json::from_str(r#"{"a":[],"b":{},"c":[1,{"d":null}]}"#).unwrap();
        assert_eq!(
            to_string_pretty(&v),
            "{\n  \"a\": [],\n  \"b\": {},\n  \"c\": [\n    1,\n    {\n      \"d\": null\n    }\n  ]\n}"
        );
    }

    #[test]
    fn serializing_directly_gives_the_same_bytes_as_through_a_value() {
        let v: Value = serde_json::from_str(
            r#"{"a":[],"b":{},"c":[1,{"d":null,"e":"x<y>&z\u2028\u2029\u0001\u007f\b\f\n\r\t\"\\/ é 😀"}],"f":1.50,"g":-0,"h":12345678901234567890123}"#,
        )
        .unwrap();
        assert_eq!(to_string_pretty_from(&v).unwrap(), to_string_pretty(&v));
        assert_eq!(to_string_compact_from(&v).unwrap(), to_string_compact(&v));
    }
}
