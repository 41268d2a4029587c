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
}
