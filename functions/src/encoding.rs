//! Terraform's encoding functions: base64, gzip, CSV, JSON, YAML, URL and text encodings.
//!
//! `jsonencode` reproduces Go's `encoding/json` text byte for byte (compact, keys sorted, `<`
//! `>` `&` escaped), since users compare and hash its output. `base64gzip` produces Go's gzip
//! bytes exactly (Go's own deflate at level 6, see [`goflate`]), since users hash and compare
//! that output too. YAML lives in [`yaml`].

use std::sync::LazyLock;

use base64::Engine;
use infra_value::value::Kind;
use infra_value::{Type, Value};

use crate::registry::{arg_error, call_error, Function, Param};
use crate::string::{format_number_text, go_json_quote, text};
use crate::{FuncContext, FuncError};

static FUNCTIONS: LazyLock<Vec<Function>> = LazyLock::new(|| {
    let s = |name| Param::new(name, Type::String);
    let ret_string: fn(&[Value]) -> Result<Type, FuncError> = |_| Ok(Type::String);
    vec![
        Function::new("base64decode", vec![s("str")], ret_string, base64decode),
        Function::new("base64encode", vec![s("str")], ret_string, base64encode),
        Function::new("base64gzip", vec![s("str")], ret_string, base64gzip),
        Function::new("csvdecode", vec![s("str")], csvdecode_type, csvdecode),
        Function::new("jsondecode", vec![s("str")], |_| Ok(Type::Dynamic), jsondecode),
        Function::new(
            "jsonencode",
            vec![Param::new("val", Type::Dynamic).allow_null().allow_unknown().allow_dynamic_type()],
            ret_string,
            jsonencode,
        ),
        Function::new("textdecodebase64", vec![s("source"), s("encoding")], ret_string, textdecodebase64),
        Function::new("textencodebase64", vec![s("string"), s("encoding")], ret_string, textencodebase64),
        Function::new("urlencode", vec![s("str")], ret_string, urlencode),
        Function::new("yamldecode", vec![s("src")], |_| Ok(Type::Dynamic), crate::encoding::yaml::yamldecode),
        Function::new(
            "yamlencode",
            vec![Param::new("value", Type::Dynamic).allow_null().allow_unknown().allow_dynamic_type()],
            ret_string,
            crate::encoding::yaml::yamlencode,
        ),
    ]
});

/// This family's functions (see `registry` for how a family registers them).
pub fn functions() -> &'static [Function] {
    &FUNCTIONS
}

// ----- JSON -----

/// Encodes a wholly known value as cty's `json.Marshal` does (Go's `encoding/json` text):
/// compact, object and map keys sorted, numbers in full decimal (`1e21` is
/// `1000000000000000000000`). Errors for unknown values and infinities.
pub(crate) fn json_encode(v: &Value) -> Result<String, String> {
    let mut out = String::new();
    json_encode_into(v, &mut out)?;
    Ok(out)
}

fn json_encode_into(v: &Value, out: &mut String) -> Result<(), String> {
    match v.kind() {
        Kind::Unknown(_) => return Err("value is not known".into()),
        Kind::Null(_) => out.push_str("null"),
        Kind::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Kind::Number(n) => {
            if n.is_infinite() {
                return Err("json: unsupported value: infinity".into());
            }
            out.push_str(&format_number_text(n, 'f', None));
        }
        Kind::String(s) => go_json_quote(s, out),
        Kind::List(_, es) | Kind::Set(_, es) | Kind::Tuple(es) => {
            out.push('[');
            for (i, e) in es.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                json_encode_into(e, out)?;
            }
            out.push(']');
        }
        Kind::Map(_, m) | Kind::Object(m) => {
            out.push('{');
            for (i, (k, e)) in m.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                go_json_quote(k, out);
                out.push(':');
                json_encode_into(e, out)?;
            }
            out.push('}');
        }
    }
    Ok(())
}

fn jsonencode(args: &[Value], _: &Type, _: &FuncContext) -> Result<Value, FuncError> {
    let v = &args[0];
    if !v.is_wholly_known() {
        return Ok(Value::unknown(Type::String));
    }
    json_encode(v).map(Value::string).map_err(call_error)
}

fn jsondecode(args: &[Value], _: &Type, _: &FuncContext) -> Result<Value, FuncError> {
    let src = text(&args[0]);
    match serde_json::from_str::<serde_json::Value>(src) {
        Ok(j) => Ok(infra_value::json::implied_value(&j)),
        Err(e) => Err(call_error(go_json_error(src, &e))),
    }
}

/// Approximates the messages of Go's JSON decoder as cty reports them.
fn go_json_error(src: &str, e: &serde_json::Error) -> String {
    use serde_json::error::Category;
    match e.classify() {
        Category::Eof => "EOF".into(),
        Category::Syntax => {
            if e.to_string().starts_with("trailing characters") {
                return "extraneous data after JSON object".into();
            }
            // serde_json reports 1-based line and column of the offending character.
            let line = src.lines().nth(e.line().saturating_sub(1)).unwrap_or("");
            let c = line.chars().nth(e.column().saturating_sub(1));
            match c {
                Some(c) => format!("invalid character '{c}'"),
                None => "unexpected end of JSON input".into(),
            }
        }
        _ => e.to_string(),
    }
}

// ----- base64 and gzip -----

fn base64decode(args: &[Value], _: &Type, _: &FuncContext) -> Result<Value, FuncError> {
    let s = text(&args[0]);
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(s)
        .map_err(|_| call_error(format!("failed to decode base64 data {}", go_quote(s))))?;
    String::from_utf8(bytes)
        .map(Value::string)
        .map_err(|_| call_error("the result of decoding the provided string is not valid UTF-8"))
}

/// Go's `%q` of a string, as Terraform's messages quote user data.
pub(crate) fn go_quote(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => {
                if (c as u32) < 0x100 {
                    out.push_str(&format!("\\x{:02x}", c as u32));
                } else {
                    out.push_str(&format!("\\u{:04x}", c as u32));
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn base64encode(args: &[Value], _: &Type, _: &FuncContext) -> Result<Value, FuncError> {
    Ok(Value::string(base64::engine::general_purpose::STANDARD.encode(text(&args[0]))))
}

fn base64gzip(args: &[Value], _: &Type, _: &FuncContext) -> Result<Value, FuncError> {
    // Byte-identical to Terraform's Go `compress/gzip` output; see `goflate`.
    let bytes = goflate::gzip(text(&args[0]).as_bytes());
    Ok(Value::string(base64::engine::general_purpose::STANDARD.encode(bytes)))
}

// ----- text encodings -----

/// The encodings `textencodebase64` and `textdecodebase64` support, by IANA name or alias.
#[derive(Clone, Copy, PartialEq, Eq)]
enum TextEncoding {
    Utf8,
    Utf16Le,
    Utf16Be,
    /// UTF-16 with a byte order mark (big-endian when encoding, as Go's).
    Utf16,
    Latin1,
    Ascii,
}

fn text_encoding(name: &str) -> Option<TextEncoding> {
    let n = name.to_ascii_lowercase();
    Some(match n.as_str() {
        "utf-8" | "utf8" | "csutf8" => TextEncoding::Utf8,
        "utf-16le" | "csutf16le" => TextEncoding::Utf16Le,
        "utf-16be" | "csutf16be" => TextEncoding::Utf16Be,
        "utf-16" | "csutf16" => TextEncoding::Utf16,
        "iso-8859-1" | "iso_8859-1" | "latin1" | "l1" | "iso-ir-100" | "ibm819" | "cp819" | "csisolatin1"
        | "iso_8859-1:1987" => TextEncoding::Latin1,
        "us-ascii" | "ascii" | "iso646-us" | "csascii" | "ansi_x3.4-1968" | "us" | "ibm367" | "cp367" => {
            TextEncoding::Ascii
        }
        _ => return None,
    })
}

fn unsupported_encoding(name: &str) -> FuncError {
    arg_error(1, format!("{} is not a supported IANA encoding name or alias in this Terraform version", go_quote(name)))
}

fn textencodebase64(args: &[Value], _: &Type, _: &FuncContext) -> Result<Value, FuncError> {
    let s = text(&args[0]);
    let name = text(&args[1]);
    let enc = text_encoding(name).ok_or_else(|| unsupported_encoding(name))?;
    let bytes: Vec<u8> = match enc {
        TextEncoding::Utf8 => s.as_bytes().to_vec(),
        TextEncoding::Utf16Le => s.encode_utf16().flat_map(u16::to_le_bytes).collect(),
        TextEncoding::Utf16Be => s.encode_utf16().flat_map(u16::to_be_bytes).collect(),
        TextEncoding::Utf16 => [0xfeu8, 0xff].into_iter().chain(s.encode_utf16().flat_map(u16::to_be_bytes)).collect(),
        TextEncoding::Latin1 | TextEncoding::Ascii => {
            let limit = if enc == TextEncoding::Latin1 { 0xff } else { 0x7f };
            let mut out = Vec::with_capacity(s.len());
            for (i, c) in s.chars().enumerate() {
                if c as u32 > limit {
                    return Err(arg_error(
                        0,
                        format!("the given string contains characters that cannot be represented in {name}; character {i} is {}", go_quote(&c.to_string())),
                    ));
                }
                out.push(c as u8);
            }
            out
        }
    };
    Ok(Value::string(base64::engine::general_purpose::STANDARD.encode(bytes)))
}

fn textdecodebase64(args: &[Value], _: &Type, _: &FuncContext) -> Result<Value, FuncError> {
    let src = text(&args[0]);
    let name = text(&args[1]);
    let enc = text_encoding(name).ok_or_else(|| unsupported_encoding(name))?;
    let bytes = base64::engine::general_purpose::STANDARD.decode(src).map_err(|e| {
        let offset = match e {
            base64::DecodeError::InvalidByte(offset, _) | base64::DecodeError::InvalidLastSymbol(offset, _) => offset,
            _ => src.len(),
        };
        arg_error(0, format!("the given value is has an invalid base64 symbol at offset {offset}"))
    })?;
    let utf16 = |be: bool, bytes: &[u8]| -> String {
        let units: Vec<u16> = bytes
            .chunks(2)
            .map(|c| {
                let pair = [c[0], c.get(1).copied().unwrap_or(0)];
                if be {
                    u16::from_be_bytes(pair)
                } else {
                    u16::from_le_bytes(pair)
                }
            })
            .collect();
        String::from_utf16_lossy(&units)
    };
    let decoded = match enc {
        TextEncoding::Utf8 => String::from_utf8_lossy(&bytes).into_owned(),
        TextEncoding::Utf16Le => utf16(false, &bytes),
        TextEncoding::Utf16Be => utf16(true, &bytes),
        TextEncoding::Utf16 => match bytes.as_slice() {
            [0xff, 0xfe, rest @ ..] => utf16(false, rest),
            [0xfe, 0xff, rest @ ..] => utf16(true, rest),
            rest => utf16(true, rest),
        },
        TextEncoding::Latin1 => bytes.iter().map(|b| *b as char).collect(),
        TextEncoding::Ascii => bytes.iter().map(|b| if *b < 0x80 { *b as char } else { '\u{fffd}' }).collect(),
    };
    Ok(Value::string(decoded))
}

/// Go's `url.QueryEscape`.
fn urlencode(args: &[Value], _: &Type, _: &FuncContext) -> Result<Value, FuncError> {
    let mut out = String::new();
    for b in text(&args[0]).bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => out.push(b as char),
            b' ' => out.push('+'),
            b => out.push_str(&format!("%{b:02X}")),
        }
    }
    Ok(Value::string(out))
}

// ----- CSV -----

/// Why Go's `encoding/csv` rejects input, with the line it reports.
struct CsvError {
    line: usize,
    message: &'static str,
}

/// Go's `encoding/csv` reader with its defaults: `,` separator, RFC 4180 quotes, empty lines
/// skipped, `\r\n` read as `\n`, every record as long as the first.
fn parse_csv(src: &str) -> Result<Vec<Vec<String>>, CsvError> {
    let src = src.replace("\r\n", "\n");
    let chars: Vec<char> = src.chars().collect();
    let mut records: Vec<Vec<String>> = Vec::new();
    let mut i = 0;
    let mut line = 1;
    while i < chars.len() {
        if chars[i] == '\n' {
            line += 1;
            i += 1;
            continue;
        }
        let record_line = line;
        let mut record = Vec::new();
        loop {
            let mut field = String::new();
            if i < chars.len() && chars[i] == '"' {
                i += 1;
                loop {
                    match chars.get(i) {
                        None => return Err(CsvError { line, message: "extraneous or missing \" in quoted-field" }),
                        Some('"') => match chars.get(i + 1) {
                            Some('"') => {
                                field.push('"');
                                i += 2;
                            }
                            Some(',') | Some('\n') | None => {
                                i += 1;
                                break;
                            }
                            Some(_) => {
                                return Err(CsvError { line, message: "extraneous or missing \" in quoted-field" })
                            }
                        },
                        Some(c) => {
                            if *c == '\n' {
                                line += 1;
                            }
                            field.push(*c);
                            i += 1;
                        }
                    }
                }
            } else {
                while i < chars.len() && chars[i] != ',' && chars[i] != '\n' {
                    if chars[i] == '"' {
                        return Err(CsvError { line, message: "bare \" in non-quoted-field" });
                    }
                    field.push(chars[i]);
                    i += 1;
                }
            }
            record.push(field);
            match chars.get(i) {
                Some(',') => i += 1,
                Some('\n') => {
                    line += 1;
                    i += 1;
                    break;
                }
                _ => break,
            }
        }
        if let Some(first) = records.first() {
            if first.len() != record.len() {
                return Err(CsvError { line: record_line, message: "wrong number of fields" });
            }
        }
        records.push(record);
    }
    Ok(records)
}

fn csv_error(e: CsvError) -> FuncError {
    call_error(format!("CSV parse error on line {}: {}", e.line, e.message))
}

fn csvdecode_type(args: &[Value]) -> Result<Type, FuncError> {
    if !args[0].is_known() {
        return Ok(Type::Dynamic);
    }
    let records = parse_csv(text(&args[0])).map_err(csv_error)?;
    let Some(headers) = records.first() else {
        return Err(call_error("missing header line"));
    };
    let mut attrs = std::collections::BTreeMap::new();
    for name in headers {
        if attrs.insert(name.clone(), Type::String).is_some() {
            return Err(call_error(format!("duplicate column name {}", go_quote(name))));
        }
    }
    Ok(Type::list(Type::object(attrs)))
}

fn csvdecode(args: &[Value], ret: &Type, _: &FuncContext) -> Result<Value, FuncError> {
    let records = parse_csv(text(&args[0])).map_err(csv_error)?;
    let elem_ty = ret.element_type().cloned().unwrap_or(Type::Dynamic);
    let Some((headers, rows)) = records.split_first() else {
        return Err(call_error("missing header line"));
    };
    let rows = rows
        .iter()
        .map(|row| Value::object(headers.iter().cloned().zip(row.iter().map(Value::string)).collect()))
        .collect();
    Ok(Value::list(elem_ty, rows))
}

/// YAML, as Terraform's `go-cty-yaml` reads and writes it.
pub mod goflate;
pub mod yaml;
