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
    let mut ser = serde_json::Serializer::with_formatter(&mut out, GoFormatter(serde_json::ser::PrettyFormatter::with_indent(b"  ")));
    value.serialize(&mut ser)?;
    // The serializer writes only what its formatter is given: valid UTF-8 in, UTF-8 out.
    String::from_utf8(out).map_err(|e| serde_json::Error::io(std::io::Error::new(std::io::ErrorKind::InvalidData, e)))
}

/// serde_json's pretty layout is Go's (two spaces, `"key": value`, `[]`/`{}`); only string
/// escaping differs. serde_json escapes `"`, `\` and control characters itself (as Go does:
/// `\b \f \n \r \t`, else `\u00xx` in lowercase) and hands every other run of text to
/// `write_string_fragment`, where Go's HTML-safe escapes are added.
struct GoFormatter<'a>(serde_json::ser::PrettyFormatter<'a>);

impl serde_json::ser::Formatter for GoFormatter<'_> {
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
    fn begin_array<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.begin_array(w)
    }
    fn end_array<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.end_array(w)
    }
    fn begin_array_value<W: ?Sized + std::io::Write>(&mut self, w: &mut W, first: bool) -> std::io::Result<()> {
        self.0.begin_array_value(w, first)
    }
    fn end_array_value<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.end_array_value(w)
    }
    fn begin_object<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.begin_object(w)
    }
    fn end_object<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.end_object(w)
    }
    fn begin_object_key<W: ?Sized + std::io::Write>(&mut self, w: &mut W, first: bool) -> std::io::Result<()> {
        self.0.begin_object_key(w, first)
    }
    fn begin_object_value<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.begin_object_value(w)
    }
    fn end_object_value<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.end_object_value(w)
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
    }
}
