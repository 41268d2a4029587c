//! Terraform's string functions (cty's stdlib plus Terraform's `startswith`, `endswith`,
//! `strcontains` and `replace`), and the `format` verbs shared with `formatlist`.
//!
//! Lengths and offsets (`substr`, `strrev`, `format` widths) count grapheme clusters, as
//! Terraform does. Case mapping is Go's *simple* (one character to one character) mapping, so
//! `upper("ß")` stays `"ß"` as in Terraform.

use std::sync::LazyLock;

use infra_value::convert::convert;
use infra_value::{Number, Type, Value};
use num_bigint::BigUint;
use unicode_segmentation::UnicodeSegmentation;

use crate::registry::{arg_error, call_error, Function, Param};
use crate::{FuncContext, FuncError};

static FUNCTIONS: LazyLock<Vec<Function>> = LazyLock::new(|| {
    let s = |name| Param::new(name, Type::String);
    let ret_string: fn(&[Value]) -> Result<Type, FuncError> = |_| Ok(Type::String);
    let ret_bool: fn(&[Value]) -> Result<Type, FuncError> = |_| Ok(Type::Bool);
    let ret_list: fn(&[Value]) -> Result<Type, FuncError> = |_| Ok(Type::list(Type::String));
    let fmt_args = Param::new("args", Type::Dynamic).allow_null().allow_unknown().allow_dynamic_type();
    vec![
        Function::new("chomp", vec![s("str")], ret_string, chomp),
        Function::new("endswith", vec![s("str"), s("suffix")], ret_bool, endswith),
        Function::new("format", vec![s("format")], ret_string, format).variadic(fmt_args.clone()),
        Function::new("formatlist", vec![s("format")], ret_list, formatlist).variadic(fmt_args),
        Function::new("indent", vec![Param::new("spaces", Type::Number), s("str")], ret_string, indent),
        Function::new("join", vec![s("separator")], ret_string, join)
            .variadic(Param::new("lists", Type::list(Type::String))),
        Function::new("lower", vec![s("str").allow_dynamic_type()], ret_string, lower),
        Function::new("regex", vec![s("pattern"), s("string")], regex_type, regex),
        Function::new("regexall", vec![s("pattern"), s("string")], regexall_type, regexall),
        Function::new("replace", vec![s("str"), s("substr"), s("replace")], ret_string, replace),
        Function::new("split", vec![s("separator"), s("str")], ret_list, split),
        Function::new("startswith", vec![s("str"), s("prefix")], ret_bool, startswith),
        Function::new("strcontains", vec![s("str"), s("substr")], ret_bool, strcontains),
        Function::new("strrev", vec![s("str").allow_dynamic_type()], ret_string, strrev),
        Function::new(
            "substr",
            vec![
                s("str").allow_dynamic_type(),
                Param::new("offset", Type::Number).allow_dynamic_type(),
                Param::new("length", Type::Number).allow_dynamic_type(),
            ],
            ret_string,
            substr,
        ),
        Function::new("title", vec![s("str")], ret_string, title),
        Function::new("trim", vec![s("str"), s("cutset")], ret_string, trim),
        Function::new("trimprefix", vec![s("str"), s("prefix")], ret_string, trimprefix),
        Function::new("trimspace", vec![s("str")], ret_string, trimspace),
        Function::new("trimsuffix", vec![s("str"), s("suffix")], ret_string, trimsuffix),
        Function::new("upper", vec![s("str").allow_dynamic_type()], ret_string, upper),
    ]
});

/// This family's functions (see `registry` for how a family registers them).
pub fn functions() -> &'static [Function] {
    &FUNCTIONS
}

// ----- helpers shared with the other families of this crate -----

/// The text of a converted string argument (the registry guarantees known, non-null strings
/// unless a parameter opts out; anything else reads as empty).
pub(crate) fn text(v: &Value) -> &str {
    v.as_str().unwrap_or("")
}

/// Converts a number argument to an `i64` as gocty does, with its message for fractions and
/// out-of-range values.
pub(crate) fn whole_number(v: &Value) -> Result<i64, String> {
    v.as_number()
        .and_then(Number::to_i64)
        .ok_or_else(|| "value must be a whole number, between -9223372036854775808 and 9223372036854775807".to_string())
}

/// Number of grapheme clusters, Terraform's notion of string length.
pub(crate) fn grapheme_len(s: &str) -> usize {
    s.graphemes(true).count()
}

/// Go's `json.Marshal` of a string: `<`, `>`, `&`, U+2028 and U+2029 escaped, control
/// characters as `\u00XX` except the short forms Go uses.
pub(crate) fn go_json_quote(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '<' | '>' | '&' | '\u{2028}' | '\u{2029}' => out.push_str(&format!("\\u{:04x}", c as u32)),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Go's `unicode.ToUpper` applied to every character: simple mappings only.
fn go_upper(s: &str) -> String {
    // ASCII letters are the only ASCII characters with a case mapping, and they map to ASCII.
    if s.is_ascii() {
        return s.to_ascii_uppercase();
    }
    s.chars()
        .map(|c| {
            let mut up = c.to_uppercase();
            match (up.next(), up.next()) {
                (Some(u), None) => u,
                _ => c,
            }
        })
        .collect()
}

/// Go's `unicode.ToLower` applied to every character. The only multi-character full lowercase
/// mapping is U+0130, whose simple mapping is `i`.
fn go_lower(s: &str) -> String {
    if s.is_ascii() {
        return s.to_ascii_lowercase();
    }
    s.chars()
        .map(|c| {
            let mut low = c.to_lowercase();
            match (low.next(), low.next()) {
                (Some(l), None) => l,
                (Some(l), Some(_)) if c == '\u{130}' => l,
                _ => c,
            }
        })
        .collect()
}

// ----- simple string functions -----

fn chomp(args: &[Value], _: &Type, _: &FuncContext) -> Result<Value, FuncError> {
    let mut s = text(&args[0]);
    loop {
        if let Some(rest) = s.strip_suffix("\r\n") {
            s = rest;
        } else if let Some(rest) = s.strip_suffix('\n').or_else(|| s.strip_suffix('\r')) {
            s = rest;
        } else {
            break;
        }
    }
    Ok(Value::string(s))
}

fn endswith(args: &[Value], _: &Type, _: &FuncContext) -> Result<Value, FuncError> {
    Ok(Value::bool(text(&args[0]).ends_with(text(&args[1]))))
}

fn startswith(args: &[Value], _: &Type, _: &FuncContext) -> Result<Value, FuncError> {
    Ok(Value::bool(text(&args[0]).starts_with(text(&args[1]))))
}

fn strcontains(args: &[Value], _: &Type, _: &FuncContext) -> Result<Value, FuncError> {
    Ok(Value::bool(text(&args[0]).contains(text(&args[1]))))
}

/// The most padding `indent` adds to one string (256 MiB).
const MAX_INDENT_BYTES: usize = 256 << 20;

fn indent(args: &[Value], _: &Type, _: &FuncContext) -> Result<Value, FuncError> {
    let spaces = whole_number(&args[0]).map_err(call_error)?;
    let spaces = usize::try_from(spaces).unwrap_or(0);
    let s = text(&args[1]);
    // `indent(9999999999, "a\nb")` would otherwise ask for gigabytes and abort the process
    // (Go's strings.Repeat panics there too); no real configuration comes near this bound.
    let newlines = s.matches('\n').count();
    if newlines == 0 || spaces == 0 {
        return Ok(Value::string(s));
    }
    if newlines.checked_mul(spaces).is_none_or(|n| n > MAX_INDENT_BYTES) {
        return Err(call_error("the indented string would be too large"));
    }
    let pad = " ".repeat(spaces);
    Ok(Value::string(s.replace('\n', &format!("\n{pad}"))))
}

fn join(args: &[Value], _: &Type, _: &FuncContext) -> Result<Value, FuncError> {
    let sep = text(&args[0]);
    let lists = &args[1..];
    if lists.is_empty() {
        return Err(call_error("at least one list is required"));
    }
    if lists.iter().any(|l| !l.is_wholly_known()) {
        return Ok(Value::unknown(Type::String));
    }
    let mut items = Vec::new();
    for (list_index, list) in lists.iter().enumerate() {
        for (element_index, element) in list.as_elements().unwrap_or(&[]).iter().enumerate() {
            if element.is_null() {
                let message = if lists.len() > 1 {
                    format!("element {element_index} of list {} is null; cannot concatenate null values", list_index + 1)
                } else {
                    format!("element {element_index} is null; cannot concatenate null values")
                };
                return Err(arg_error(list_index + 1, message));
            }
            items.push(text(element));
        }
    }
    Ok(Value::string(items.join(sep)))
}

fn lower(args: &[Value], _: &Type, _: &FuncContext) -> Result<Value, FuncError> {
    Ok(Value::string(go_lower(text(&args[0]))))
}

fn upper(args: &[Value], _: &Type, _: &FuncContext) -> Result<Value, FuncError> {
    Ok(Value::string(go_upper(text(&args[0]))))
}

fn split(args: &[Value], _: &Type, _: &FuncContext) -> Result<Value, FuncError> {
    let sep = text(&args[0]);
    let s = text(&args[1]);
    // Go's strings.Split: an empty separator splits into characters (none for "").
    let parts: Vec<Value> = if sep.is_empty() {
        s.chars().map(|c| Value::string(c.to_string())).collect()
    } else {
        s.split(sep).map(Value::string).collect()
    };
    Ok(Value::list(Type::String, parts))
}

fn strrev(args: &[Value], _: &Type, _: &FuncContext) -> Result<Value, FuncError> {
    Ok(Value::string(text(&args[0]).graphemes(true).rev().collect::<String>()))
}

fn substr(args: &[Value], _: &Type, _: &FuncContext) -> Result<Value, FuncError> {
    let s = text(&args[0]);
    let mut offset = whole_number(&args[1]).map_err(call_error)?;
    let length = whole_number(&args[2]).map_err(call_error)?;
    let clusters: Vec<&str> = s.graphemes(true).collect();
    let total = clusters.len() as i64;
    if offset < 0 {
        // Offsets from the end that reach past the start clamp to the start, as cty does.
        offset = (offset + total).max(0);
    } else if length == 0 {
        return Ok(Value::string(""));
    }
    if offset >= total {
        return Ok(Value::string(""));
    }
    let start = offset as usize;
    let end = if length < 0 { clusters.len() } else { start.saturating_add(length as usize).min(clusters.len()) };
    Ok(Value::string(clusters[start..end].concat()))
}

/// Go's `strings.Title`: upper-cases the first letter of each word, where letters, digits,
/// underscores and non-space non-ASCII characters continue a word.
fn title(args: &[Value], _: &Type, _: &FuncContext) -> Result<Value, FuncError> {
    fn is_separator(c: char) -> bool {
        if c.is_ascii() {
            return !(c.is_ascii_alphanumeric() || c == '_');
        }
        if c.is_alphanumeric() {
            return false;
        }
        c.is_whitespace()
    }
    let mut out = String::new();
    let mut prev = ' ';
    for c in text(&args[0]).chars() {
        if is_separator(prev) {
            out.push_str(&go_upper(&c.to_string()));
        } else {
            out.push(c);
        }
        prev = c;
    }
    Ok(Value::string(out))
}

fn trim(args: &[Value], _: &Type, _: &FuncContext) -> Result<Value, FuncError> {
    let cutset: Vec<char> = text(&args[1]).chars().collect();
    Ok(Value::string(text(&args[0]).trim_matches(|c| cutset.contains(&c))))
}

fn trimprefix(args: &[Value], _: &Type, _: &FuncContext) -> Result<Value, FuncError> {
    let s = text(&args[0]);
    Ok(Value::string(s.strip_prefix(text(&args[1])).unwrap_or(s)))
}

fn trimsuffix(args: &[Value], _: &Type, _: &FuncContext) -> Result<Value, FuncError> {
    let s = text(&args[0]);
    Ok(Value::string(s.strip_suffix(text(&args[1])).unwrap_or(s)))
}

fn trimspace(args: &[Value], _: &Type, _: &FuncContext) -> Result<Value, FuncError> {
    // Go's unicode.IsSpace is Unicode White_Space, as Rust's char::is_whitespace.
    Ok(Value::string(text(&args[0]).trim()))
}

// ----- regular expressions -----

/// Compiles an RE2 pattern with Go's meaning: Go's `\d`, `\w`, `\s` and `\b` are ASCII-only
/// where Rust's are Unicode, and Go rejects a repetition applied directly to a repetition
/// (`a**`). On failure returns Go's error code and the offending expression text.
pub(crate) fn compile_go_regex(pattern: &str) -> Result<regex::Regex, (String, String)> {
    match regex_syntax::ast::parse::Parser::new().parse(pattern) {
        Ok(ast) => {
            if let Some(span) = nested_repetition(&ast) {
                let expr = pattern.get(span.0..span.1).unwrap_or(pattern).to_string();
                return Err(("invalid nested repetition operator".into(), expr));
            }
        }
        Err(e) => return Err(go_regex_error(pattern, &e)),
    }
    regex::Regex::new(&translate_perl_classes(pattern)).map_err(|e| (e.to_string(), pattern.to_string()))
}

/// Byte span of the operators of the first `x**`-like nested repetition.
fn nested_repetition(ast: &regex_syntax::ast::Ast) -> Option<(usize, usize)> {
    use regex_syntax::ast::Ast;
    match ast {
        Ast::Repetition(rep) => {
            if let Ast::Repetition(inner) = rep.ast.as_ref() {
                return Some((inner.op.span.start.offset, rep.op.span.end.offset));
            }
            nested_repetition(&rep.ast)
        }
        Ast::Group(g) => nested_repetition(&g.ast),
        Ast::Alternation(a) => a.asts.iter().find_map(nested_repetition),
        Ast::Concat(c) => c.asts.iter().find_map(nested_repetition),
        _ => None,
    }
}

fn go_regex_error(pattern: &str, e: &regex_syntax::ast::Error) -> (String, String) {
    use regex_syntax::ast::ErrorKind as K;
    let span = e.span();
    let from = |start: usize| pattern.get(start..).unwrap_or(pattern).to_string();
    let within = |start: usize, end: usize| pattern.get(start..end).unwrap_or(pattern).to_string();
    match e.kind() {
        K::GroupUnclosed => ("missing closing )".into(), pattern.to_string()),
        K::GroupUnopened => ("unexpected )".into(), pattern.to_string()),
        K::ClassUnclosed => ("missing closing ]".into(), from(span.start.offset)),
        K::RepetitionMissing => ("missing argument to repetition operator".into(), within(span.start.offset, span.end.offset)),
        K::RepetitionCountUnclosed | K::RepetitionCountInvalid | K::RepetitionCountDecimalEmpty => {
            ("invalid repeat count".into(), from(span.start.offset))
        }
        K::EscapeUnrecognized | K::EscapeUnexpectedEof => ("invalid escape sequence".into(), from(span.start.offset)),
        K::ClassRangeInvalid => ("invalid character class range".into(), within(span.start.offset, span.end.offset)),
        K::GroupNameInvalid | K::GroupNameEmpty | K::GroupNameUnexpectedEof => {
            ("invalid named capture".into(), from(span.start.offset))
        }
        K::GroupNameDuplicate { .. } => ("duplicate capture group name".into(), within(span.start.offset, span.end.offset)),
        K::FlagUnrecognized | K::FlagDuplicate { .. } | K::FlagRepeatedNegation { .. } | K::FlagDanglingNegation => {
            ("invalid or unsupported Perl syntax".into(), from(span.start.offset))
        }
        _ => (e.to_string(), pattern.to_string()),
    }
}

/// Rewrites Perl classes to their ASCII (Go) meaning, leaving everything else untouched.
fn translate_perl_classes(pattern: &str) -> String {
    let mut out = String::with_capacity(pattern.len() + 16);
    let mut chars = pattern.chars().peekable();
    let mut class_depth = 0usize;
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                let Some(next) = chars.next() else {
                    out.push(c);
                    break;
                };
                let in_class = class_depth > 0;
                let replacement = match (next, in_class) {
                    ('d', false) => Some("[0-9]"),
                    ('D', false) => Some("[^0-9]"),
                    ('w', false) => Some("[0-9A-Za-z_]"),
                    ('W', false) => Some("[^0-9A-Za-z_]"),
                    ('s', false) => Some("[\\t\\n\\f\\r ]"),
                    ('S', false) => Some("[^\\t\\n\\f\\r ]"),
                    ('b', false) => Some("(?-u:\\b)"),
                    ('B', false) => Some("(?-u:\\B)"),
                    ('d', true) => Some("0-9"),
                    ('w', true) => Some("0-9A-Za-z_"),
                    ('s', true) => Some("\\t\\n\\f\\r "),
                    _ => None,
                };
                match replacement {
                    Some(r) => out.push_str(r),
                    None => {
                        out.push('\\');
                        out.push(next);
                    }
                }
            }
            '[' => {
                out.push(c);
                if class_depth == 0 || chars.peek() == Some(&':') {
                    class_depth += 1;
                    // A leading `]` or `^]` is a literal inside the class.
                    if chars.peek() == Some(&'^') {
                        out.push('^');
                        chars.next();
                    }
                    if chars.peek() == Some(&']') {
                        out.push(']');
                        chars.next();
                    }
                }
            }
            ']' => {
                out.push(c);
                class_depth = class_depth.saturating_sub(1);
            }
            _ => out.push(c),
        }
    }
    out
}

/// The result type of `regex` for a pattern: string, tuple of strings (unnamed groups) or
/// object of strings (named groups).
fn pattern_result_type(pattern: &str) -> Result<Type, FuncError> {
    let re = compile_go_regex(pattern)
        .map_err(|(code, expr)| arg_error(0, format!("invalid regexp pattern: {code} in {expr}")))?;
    let names: Vec<Option<&str>> = re.capture_names().skip(1).collect();
    let unnamed = names.iter().filter(|n| n.is_none()).count();
    let named: Vec<&str> = names.iter().flatten().copied().collect();
    match (unnamed, named.len()) {
        (0, 0) => Ok(Type::String),
        (u, n) if u > 0 && n > 0 => {
            Err(arg_error(0, "invalid regexp pattern: cannot mix both named and unnamed capture groups"))
        }
        (u, _) if u > 0 => Ok(Type::tuple(vec![Type::String; u])),
        _ => Ok(Type::object(named.into_iter().map(|n| (n.to_string(), Type::String)).collect())),
    }
}

fn regex_type(args: &[Value]) -> Result<Type, FuncError> {
    if !args[0].is_known() {
        return Ok(Type::Dynamic);
    }
    pattern_result_type(text(&args[0]))
}

fn regexall_type(args: &[Value]) -> Result<Type, FuncError> {
    if !args[0].is_known() {
        return Ok(Type::list(Type::Dynamic));
    }
    Ok(Type::list(pattern_result_type(text(&args[0]))?))
}

fn captures_value(re: &regex::Regex, caps: &regex::Captures<'_>, ty: &Type) -> Value {
    match ty {
        Type::Tuple(_) => Value::tuple(
            (1..caps.len())
                .map(|i| caps.get(i).map(|m| Value::string(m.as_str())).unwrap_or_else(|| Value::null(Type::String)))
                .collect(),
        ),
        Type::Object(_) => Value::object(
            re.capture_names()
                .enumerate()
                .filter_map(|(i, name)| {
                    let name = name?;
                    let v = caps.get(i).map(|m| Value::string(m.as_str())).unwrap_or_else(|| Value::null(Type::String));
                    Some((name.to_string(), v))
                })
                .collect(),
        ),
        _ => Value::string(caps.get(0).map(|m| m.as_str()).unwrap_or("")),
    }
}

fn regex(args: &[Value], ret: &Type, _: &FuncContext) -> Result<Value, FuncError> {
    let re = compile_go_regex(text(&args[0]))
        .map_err(|(code, expr)| arg_error(0, format!("invalid regexp pattern: {code} in {expr}")))?;
    let caps = re
        .captures(text(&args[1]))
        .ok_or_else(|| call_error("pattern did not match any part of the given string"))?;
    Ok(captures_value(&re, &caps, ret))
}

fn regexall(args: &[Value], ret: &Type, _: &FuncContext) -> Result<Value, FuncError> {
    let re = compile_go_regex(text(&args[0]))
        .map_err(|(code, expr)| arg_error(0, format!("invalid regexp pattern: {code} in {expr}")))?;
    let elem_ty = ret.element_type().cloned().unwrap_or(Type::String);
    let matches: Vec<Value> = re.captures_iter(text(&args[1])).map(|c| captures_value(&re, &c, &elem_ty)).collect();
    Ok(Value::list(elem_ty, matches))
}

fn replace(args: &[Value], _: &Type, _: &FuncContext) -> Result<Value, FuncError> {
    let s = text(&args[0]);
    let substr = text(&args[1]);
    let replacement = text(&args[2]);
    if substr.len() > 1 && substr.starts_with('/') && substr.ends_with('/') {
        let pattern = &substr[1..substr.len() - 1];
        let re = compile_go_regex(pattern)
            .map_err(|(code, expr)| call_error(format!("error parsing regexp: {code}: `{expr}`")))?;
        // Go's Regexp.Expand and Rust's replacement syntax agree: `$1`, `${name}`, `$$`.
        return Ok(Value::string(re.replace_all(s, replacement).into_owned()));
    }
    Ok(Value::string(s.replace(substr, replacement)))
}

// ----- format and formatlist -----

fn format(args: &[Value], _: &Type, _: &FuncContext) -> Result<Value, FuncError> {
    let fmt = text(&args[0]);
    let values = &args[1..];
    if values.iter().any(|v| !v.is_wholly_known()) {
        return Ok(Value::unknown(Type::String));
    }
    format_values(fmt, values).map(Value::string)
}

fn formatlist(args: &[Value], ret: &Type, _: &FuncContext) -> Result<Value, FuncError> {
    let fmt = text(&args[0]);
    let values = &args[1..];
    if values.is_empty() {
        return Ok(Value::list(Type::String, vec![Value::string(format_values(fmt, &[])?)]));
    }
    let mut iter_len: Option<(usize, usize)> = None;
    let mut unknown = false;
    for (i, v) in values.iter().enumerate() {
        let ty = v.ty();
        if ty.is_list_like() && !v.is_null() {
            let Some(len) = v.len().or_else(|| if let Type::Tuple(ts) = &ty { Some(ts.len()) } else { None }) else {
                unknown = true;
                continue;
            };
            match iter_len {
                None => iter_len = Some((len, i)),
                Some((want, chooser)) if want != len => {
                    return Err(arg_error(
                        i + 1,
                        format!(
                            "argument {} has length {len}, which is inconsistent with argument {} of length {want}",
                            i + 1,
                            chooser + 1
                        ),
                    ));
                }
                Some(_) => {}
            }
            if !v.is_known() {
                unknown = true;
            }
        } else if !v.is_known() && v.ty() == Type::Dynamic {
            unknown = true;
        }
    }
    if unknown {
        return Ok(Value::unknown(ret.clone()));
    }
    let rounds = match iter_len {
        Some((0, _)) => return Ok(Value::empty_list(Type::String)),
        Some((n, _)) => n,
        None => 1,
    };
    let mut results = Vec::with_capacity(rounds);
    'rounds: for round in 0..rounds {
        let mut round_args = Vec::with_capacity(values.len());
        for v in values {
            let arg = if v.ty().is_list_like() && !v.is_null() {
                v.as_elements().and_then(|es| es.get(round)).cloned().unwrap_or_else(Value::dynamic_null)
            } else {
                v.clone()
            };
            if !arg.is_wholly_known() {
                results.push(Value::unknown(Type::String));
                continue 'rounds;
            }
            round_args.push(arg);
        }
        match format_values(fmt, &round_args) {
            Ok(s) => results.push(Value::string(s)),
            Err(FuncError::Call { message }) | Err(FuncError::Arg { message, .. }) => {
                return Err(call_error(format!("error on format iteration {round}: {message}")));
            }
            Err(other) => return Err(other),
        }
    }
    Ok(Value::list(Type::String, results))
}

/// One `%…` sequence of a format string.
#[derive(Default, Debug)]
struct Verb<'f> {
    /// The verb's text in the format string (borrowed: only error messages need it).
    raw: &'f str,
    offset: usize,
    arg_num: usize,
    mode: char,
    zero: bool,
    sharp: bool,
    plus: bool,
    minus: bool,
    space: bool,
    width: Option<usize>,
    prec: Option<usize>,
}

/// The largest width or precision `format` accepts (Go's fmt refuses larger ones).
const MAX_FORMAT_WIDTH: usize = 10_000_000;

/// cty's format scanner: `%` flags width `.`precision `[n]` verb.
fn format_values(fmt: &str, args: &[Value]) -> Result<String, FuncError> {
    let bytes = fmt.as_bytes();
    // Room for the literal text and the arguments, so appending rarely reallocates.
    let room: usize = args.iter().map(|a| a.as_str().map_or(24, str::len)).sum();
    let mut out = String::with_capacity(fmt.len() + room);
    let mut next_arg = 1usize;
    let mut highest = 0usize;
    let mut p = 0usize;
    let invalid = |p: usize| call_error(format!("invalid format string starting at offset {p}"));
    while p < bytes.len() {
        if bytes[p] != b'%' {
            // Copy the literal text up to the next verb (`%` is ASCII, so this ends on a
            // character boundary).
            let run = fmt[p..].find('%').unwrap_or(fmt.len() - p);
            out.push_str(&fmt[p..p + run]);
            p += run;
            continue;
        }
        let start = p;
        p += 1;
        if p >= bytes.len() {
            return Err(invalid(p));
        }
        if bytes[p] == b'%' {
            out.push('%');
            p += 1;
            continue;
        }
        let mut verb = Verb { arg_num: next_arg, offset: start, ..Verb::default() };
        while p < bytes.len() {
            match bytes[p] {
                b'0' => verb.zero = true,
                b'#' => verb.sharp = true,
                b'-' => verb.minus = true,
                b'+' => verb.plus = true,
                b' ' => verb.space = true,
                _ => break,
            }
            p += 1;
        }
        if p < bytes.len() && (b'1'..=b'9').contains(&bytes[p]) {
            let mut w = 0usize;
            while p < bytes.len() && bytes[p].is_ascii_digit() {
                w = w.saturating_mul(10).saturating_add((bytes[p] - b'0') as usize);
                p += 1;
            }
            verb.width = Some(w);
        }
        if p < bytes.len() && bytes[p] == b'.' {
            p += 1;
            let mut prec = 0usize;
            while p < bytes.len() && bytes[p].is_ascii_digit() {
                prec = prec.saturating_mul(10).saturating_add((bytes[p] - b'0') as usize);
                p += 1;
            }
            verb.prec = Some(prec);
        }
        // Go's fmt gives up on widths and precisions past about ten million (its `tooLarge`);
        // refusing them here keeps `%99999999999d` from asking for an impossible allocation.
        if verb.width.max(verb.prec).is_some_and(|n| n > MAX_FORMAT_WIDTH) {
            return Err(call_error(format!("width or precision too large at offset {start}")));
        }
        if p < bytes.len() && bytes[p] == b'[' {
            p += 1;
            if p >= bytes.len() || !(b'1'..=b'9').contains(&bytes[p]) {
                return Err(unrecognized(fmt, p));
            }
            let mut n = 0usize;
            while p < bytes.len() && bytes[p].is_ascii_digit() {
                n = n.saturating_mul(10).saturating_add((bytes[p] - b'0') as usize);
                p += 1;
            }
            if p >= bytes.len() {
                return Err(invalid(p));
            }
            if bytes[p] != b']' {
                return Err(unrecognized(fmt, p));
            }
            p += 1;
            verb.arg_num = n;
        }
        if p >= bytes.len() {
            return Err(invalid(p));
        }
        if !bytes[p].is_ascii_alphabetic() {
            return Err(unrecognized(fmt, p));
        }
        verb.mode = bytes[p] as char;
        p += 1;
        verb.raw = &fmt[start..p];
        highest = highest.max(verb.arg_num);
        format_append(&verb, &mut out, args)?;
        next_arg = verb.arg_num + 1;
    }
    if highest < args.len() {
        // Argument indexes count the format string as argument 0.
        return Err(if highest == 0 {
            arg_error(1, "too many arguments; no verbs in format string")
        } else {
            arg_error(highest + 1, format!("too many arguments; only {highest} used by format string"))
        });
    }
    Ok(out)
}

fn unrecognized(fmt: &str, p: usize) -> FuncError {
    let c = fmt.get(p..).and_then(|s| s.chars().next()).unwrap_or('\u{fffd}');
    call_error(format!("unrecognized format character {} at offset {p}", go_quote_rune(c)))
}

/// Go's `%q` of a rune: `'x'`.
fn go_quote_rune(c: char) -> String {
    match c {
        '\'' => "'\\''".into(),
        '\\' => "'\\\\'".into(),
        '\n' => "'\\n'".into(),
        '\t' => "'\\t'".into(),
        '\r' => "'\\r'".into(),
        c if c.is_control() => format!("'\\x{:02x}'", c as u32),
        c => format!("'{c}'"),
    }
}

fn format_append(verb: &Verb<'_>, out: &mut String, args: &[Value]) -> Result<(), FuncError> {
    let Some(arg) = verb.arg_num.checked_sub(1).and_then(|i| args.get(i)) else {
        return Err(call_error(format!(
            "not enough arguments for {:?} at {}: need index {} but have {} total",
            verb.raw,
            verb.offset,
            verb.arg_num,
            args.len()
        )));
    };
    let unsupported = |msg: &str| call_error(format!("unsupported value for {:?} at {}: {msg}", verb.raw, verb.offset));
    if verb.mode != 'v' && arg.is_null() {
        return Err(unsupported("null value cannot be formatted"));
    }
    match verb.mode {
        'v' => {
            if !verb.sharp && !arg.is_null() {
                if let Some(s) = arg.as_str() {
                    push_padded(verb, out, s);
                    return Ok(());
                }
                if let Some(n) = arg.as_number() {
                    out.push_str(&pad_width(verb, format_number_text(n, 'g', None)));
                    return Ok(());
                }
            }
            let json = crate::encoding::json_encode(arg).map_err(|e| unsupported(&e))?;
            out.push_str(&pad_width(verb, json));
            Ok(())
        }
        't' => {
            let b = convert(arg, &Type::Bool).map_err(|e| unsupported(&e.to_string()))?;
            out.push_str(if b.as_bool() == Some(true) { "true" } else { "false" });
            Ok(())
        }
        'b' | 'd' | 'o' | 'x' | 'X' | 'e' | 'E' | 'f' | 'g' | 'G' => {
            let converted;
            let n = match arg.as_number() {
                Some(n) => n,
                None => {
                    converted = convert(arg, &Type::Number).map_err(|e| unsupported(&e.to_string()))?;
                    let Some(n) = converted.as_number() else {
                        return Err(unsupported("a number is required"));
                    };
                    n
                }
            };
            if matches!(verb.mode, 'b' | 'd' | 'o' | 'x' | 'X') {
                if let Some(small) = exact_small_integer(n) {
                    let mut buf = [0u8; 64];
                    let digits = small_integer_text(verb.mode, small.unsigned_abs(), &mut buf);
                    go_format_integer(verb, small < 0, digits, out);
                    return Ok(());
                }
                let Some(magnitude) = integer_value(n) else {
                    return Err(unsupported("an integer is required"));
                };
                let radix = match verb.mode {
                    'b' => 2,
                    'o' => 8,
                    'x' | 'X' => 16,
                    _ => 10,
                };
                let mut digits = magnitude.to_str_radix(radix);
                if verb.mode == 'X' {
                    digits = digits.to_uppercase();
                }
                go_format_integer(verb, n.is_negative(), &digits, out);
            } else {
                out.push_str(&go_format_float(verb, n));
            }
            Ok(())
        }
        's' if verb.prec.is_none() && arg.as_str().is_some() => {
            // Already a string and nothing to cut: no conversion or copy needed.
            push_padded(verb, out, text(arg));
            Ok(())
        }
        's' | 'q' => {
            let s = convert(arg, &Type::String).map_err(|e| unsupported(&e.to_string()))?;
            let mut s = text(&s).to_string();
            if let Some(prec) = verb.prec.filter(|p| *p > 0) {
                s = s.graphemes(true).take(prec).collect();
            }
            if verb.mode == 'q' {
                let mut quoted = String::new();
                go_json_quote(&s, &mut quoted);
                s = quoted;
            }
            out.push_str(&pad_width(verb, s));
            Ok(())
        }
        m => Err(call_error(format!("unsupported format verb {} in {:?} at offset {}", go_quote_rune(m), verb.raw, verb.offset))),
    }
}

/// [`pad_width`] of a borrowed string, appended to `out` without copying it first.
fn push_padded(verb: &Verb<'_>, out: &mut String, s: &str) {
    let pad = match verb.width {
        Some(width) => width.saturating_sub(grapheme_len(s)),
        None => 0,
    };
    let fill = if verb.zero { '0' } else { ' ' };
    if !verb.minus {
        out.extend(std::iter::repeat_n(fill, pad));
    }
    out.push_str(s);
    if verb.minus {
        out.extend(std::iter::repeat_n(fill, pad));
    }
}

/// cty's own padding for `%s`, `%q` and `%v`: width in grapheme clusters, `0` pads with zeros
/// even on the right when combined with `-`.
fn pad_width(verb: &Verb<'_>, s: String) -> String {
    let Some(width) = verb.width else { return s };
    let len = grapheme_len(&s);
    if len >= width {
        return s;
    }
    let pad = (if verb.zero { "0" } else { " " }).repeat(width - len);
    if verb.minus {
        s + &pad
    } else {
        pad + &s
    }
}

// ----- numbers in decimal -----

/// A number as decimal digits: value = 0.`digits` × 10^`exp` (Go's `big.decimal`), with no
/// leading or trailing zeros in `digits` (empty for zero).
#[derive(Clone, Debug)]
pub(crate) struct Decimal {
    pub negative: bool,
    pub digits: Vec<u8>,
    pub exp: i64,
}

impl Decimal {
    /// The shortest digits of a [`Number`], its canonical text (`-12.5`, `1e+21`, `1.5e-07`):
    /// Go's `Text(format, -1)`. `None` for infinities.
    pub(crate) fn from_number(n: &Number) -> Option<Decimal> {
        Decimal::parse(&n.to_string())
    }

    /// Every digit of the binary value of a [`Number`], as Go's `Text(format, prec)` rounds it
    /// to `prec` places: `format("%.0f", pow(2, 60))` is `1152921504606846976`, not the
    /// shortest text's `1152921504606847000`. `None` for infinities.
    pub(crate) fn exact(n: &Number) -> Option<Decimal> {
        let d = n.exact_decimal()?;
        Some(Decimal { negative: d.negative, digits: d.digits.bytes().map(|b| b - b'0').collect(), exp: d.exponent })
    }

    /// The digits to print `n` with: its exact value when rounded to `prec` places, its shortest
    /// text when `prec` is `None`.
    fn for_precision(n: &Number, prec: Option<usize>) -> Option<Decimal> {
        if prec.is_some() {
            Decimal::exact(n)
        } else {
            Decimal::from_number(n)
        }
    }

    fn parse(text: &str) -> Option<Decimal> {
        let (negative, rest) = match text.strip_prefix('-') {
            Some(r) => (true, r),
            None => (false, text.strip_prefix('+').unwrap_or(text)),
        };
        let (mantissa, exponent) = match rest.find(['e', 'E']) {
            Some(i) => (&rest[..i], rest[i + 1..].parse::<i64>().ok()?),
            None => (rest, 0),
        };
        let (int_part, frac_part) = match mantissa.find('.') {
            Some(i) => (&mantissa[..i], &mantissa[i + 1..]),
            None => (mantissa, ""),
        };
        if int_part.is_empty() && frac_part.is_empty() {
            return None;
        }
        if !int_part.bytes().chain(frac_part.bytes()).all(|b| b.is_ascii_digit()) {
            return None;
        }
        let mut digits: Vec<u8> = int_part.bytes().chain(frac_part.bytes()).map(|b| b - b'0').collect();
        let mut exp = int_part.len() as i64 + exponent;
        let leading = digits.iter().take_while(|d| **d == 0).count();
        digits.drain(..leading);
        exp -= leading as i64;
        while digits.last() == Some(&0) {
            digits.pop();
        }
        if digits.is_empty() {
            exp = 0;
        }
        Some(Decimal { negative, digits, exp })
    }

    /// Go's `shouldRoundUp`: digits rounded are every digit of the value, so a lone trailing 5
    /// is exactly halfway, and rounds to even.
    fn should_round_up(&self, n: usize) -> bool {
        if self.digits[n] == 5 && n + 1 == self.digits.len() {
            return n > 0 && self.digits[n - 1] % 2 == 1;
        }
        self.digits[n] >= 5
    }

    /// Rounds to `n` significant digits (Go's `decimal.round`); negative `n` does nothing.
    fn round(&mut self, n: i64) {
        if n < 0 || n as usize >= self.digits.len() {
            return;
        }
        let mut n = n as usize;
        if self.should_round_up(n) {
            while n > 0 && self.digits[n - 1] >= 9 {
                n -= 1;
            }
            if n == 0 {
                self.digits.truncate(1);
                self.digits[0] = 1;
                self.exp += 1;
                return;
            }
            self.digits[n - 1] += 1;
            self.digits.truncate(n);
        } else {
            self.digits.truncate(n);
            while self.digits.last() == Some(&0) {
                self.digits.pop();
            }
            if self.digits.is_empty() {
                self.exp = 0;
            }
        }
    }

    fn digit(&self, i: i64) -> char {
        if i >= 0 && (i as usize) < self.digits.len() {
            (b'0' + self.digits[i as usize]) as char
        } else {
            '0'
        }
    }

    /// Go's `fmtE`: `d.ddddde±XX`.
    fn fmt_e(&self, upper: bool, prec: i64) -> String {
        let mut s = String::new();
        s.push(self.digit(0));
        if prec > 0 {
            s.push('.');
            for i in 1..=prec {
                s.push(self.digit(i));
            }
        }
        s.push(if upper { 'E' } else { 'e' });
        let exp = if self.digits.is_empty() { 0 } else { self.exp - 1 };
        s.push(if exp < 0 { '-' } else { '+' });
        let abs = exp.unsigned_abs();
        if abs < 10 {
            s.push('0');
        }
        s.push_str(&abs.to_string());
        s
    }

    /// Go's `fmtF`: `ddd.ddd` with `prec` fraction digits.
    fn fmt_f(&self, prec: i64) -> String {
        let mut s = String::new();
        if self.exp > 0 {
            for i in 0..self.exp {
                s.push(self.digit(i));
            }
        } else {
            s.push('0');
        }
        if prec > 0 {
            s.push('.');
            for i in 1..=prec {
                s.push(self.digit(self.exp - 1 + i));
            }
        }
        s
    }
}

/// Go's `big.Float.Text(format, prec)` (`prec` `None` is the shortest form).
pub(crate) fn format_number_text(n: &Number, format: char, prec: Option<usize>) -> String {
    let Some(d) = Decimal::for_precision(n, prec) else {
        return if n.is_negative() { "-Inf".into() } else { "+Inf".into() };
    };
    let body = decimal_text(d.clone(), format, prec);
    if d.negative {
        format!("-{body}")
    } else {
        body
    }
}

/// The unsigned text of `d` in Go's `e`, `E`, `f`, `g` or `G` format.
fn decimal_text(mut d: Decimal, format: char, prec: Option<usize>) -> String {
    let shortest = prec.is_none();
    let mut prec: i64 = match prec {
        Some(p) => {
            let p = p as i64;
            match format {
                'e' | 'E' => d.round(1 + p),
                'f' => d.round(d.exp + p),
                _ => {}
            }
            p
        }
        None => match format {
            'e' | 'E' => d.digits.len() as i64 - 1,
            'f' => (d.digits.len() as i64 - d.exp).max(0),
            _ => d.digits.len() as i64,
        },
    };
    match format {
        'e' | 'E' => d.fmt_e(format == 'E', prec),
        'f' => d.fmt_f(prec),
        _ => {
            if !shortest {
                if prec == 0 {
                    prec = 1;
                }
                d.round(prec);
            }
            let len = d.digits.len() as i64;
            let mut eprec = prec;
            if eprec > len && len >= d.exp {
                eprec = len;
            }
            if shortest {
                eprec = 6;
            }
            let exp = d.exp - 1;
            let upper = format == 'G';
            if exp < -4 || exp >= eprec {
                if prec > len {
                    prec = len;
                }
                return d.fmt_e(upper, prec - 1);
            }
            if prec > d.exp {
                prec = len;
            }
            d.fmt_f((prec - d.exp).max(0))
        }
    }
}

/// Go's `fmt` of a `big.Float` with `%e %E %f %g %G`, flags, width and precision.
fn go_format_float(verb: &Verb<'_>, n: &Number) -> String {
    let prec = match verb.mode {
        'g' | 'G' => verb.prec,
        _ => Some(verb.prec.unwrap_or(6)),
    };
    let (sign_text, body) = match Decimal::for_precision(n, prec) {
        Some(d) => (if d.negative { "-" } else { "" }, decimal_text(d, verb.mode, prec)),
        None => (if n.is_negative() { "-" } else { "+" }, "Inf".to_string()),
    };
    let infinite = n.is_infinite();
    let sign = match sign_text {
        "-" => "-",
        "+" if verb.space => " ",
        "+" => "+",
        _ if verb.plus => "+",
        _ if verb.space => " ",
        _ => "",
    };
    let len = sign.len() + body.len();
    let padding = verb.width.map(|w| w.saturating_sub(len)).unwrap_or(0);
    if verb.minus {
        format!("{sign}{body}{}", " ".repeat(padding))
    } else if verb.zero && !infinite {
        format!("{sign}{}{body}", "0".repeat(padding))
    } else {
        format!("{}{sign}{body}", " ".repeat(padding))
    }
}

/// The magnitude of `n` when it is an integer: its exact value, as cty's `%d` prints the
/// number's `big.Float` (`format("%d", pow(2, 60))` is `"1152921504606846976"` in Terraform
/// 1.11.4, while `pow(2, 60)` itself prints as its 53-bit shortest text `1152921504606847000`).
/// (`to_big_int` is `None` for fractions and infinities.)
fn integer_value(n: &Number) -> Option<BigUint> {
    n.to_big_int().map(|i| i.into_parts().1)
}

/// The value of `n` when it is an integer that fits an `i64` (other than `i64::MIN`, whose
/// magnitude does not): the integer verbs' fast path. (`to_i64` is `None` for fractions.)
fn exact_small_integer(n: &Number) -> Option<i64> {
    n.to_i64().filter(|v| *v != i64::MIN)
}

/// Writes the digits of `magnitude` in the radix of integer verb `mode` (`X` in upper case) at
/// the end of `buf`, returning them (64 places hold a `u64` even in binary).
fn small_integer_text(mode: char, mut magnitude: u64, buf: &mut [u8; 64]) -> &str {
    let (radix, digits): (u64, &[u8; 16]) = match mode {
        'b' => (2, b"0123456789abcdef"),
        'o' => (8, b"0123456789abcdef"),
        'x' => (16, b"0123456789abcdef"),
        'X' => (16, b"0123456789ABCDEF"),
        _ => (10, b"0123456789abcdef"),
    };
    let mut at = buf.len();
    loop {
        at -= 1;
        buf[at] = digits[(magnitude % radix) as usize];
        magnitude /= radix;
        if magnitude == 0 {
            break;
        }
    }
    // Only ASCII digits were written.
    std::str::from_utf8(&buf[at..]).unwrap_or_default()
}

/// Go's `big.Int.Format` for `%b %d %o %x %X` with flags, width and precision, given the
/// magnitude's digits in the verb's radix; appends to `out`.
fn go_format_integer(verb: &Verb<'_>, negative: bool, digits: &str, out: &mut String) {
    let prefix = match verb.mode {
        'b' => "0b",
        'o' => "0",
        'x' => "0x",
        'X' => "0X",
        _ => "",
    };
    let negative = negative && !digits.chars().all(|c| c == '0');
    let sign = if negative {
        "-"
    } else if verb.plus {
        "+"
    } else if verb.space {
        " "
    } else {
        ""
    };
    let prefix = if verb.sharp { prefix } else { "" };
    let mut zeros = 0;
    if let Some(prec) = verb.prec {
        if digits.len() < prec {
            zeros = prec - digits.len();
        } else if digits == "0" && prec == 0 {
            return;
        }
    }
    let length = sign.len() + prefix.len() + zeros + digits.len();
    let (mut left, mut right) = (0, 0);
    if let Some(width) = verb.width.filter(|w| *w > length) {
        let d = width - length;
        if verb.minus {
            right = d;
        } else if verb.zero && verb.prec.is_none() {
            zeros = d;
        } else {
            left = d;
        }
    }
    out.reserve(left + sign.len() + prefix.len() + zeros + digits.len() + right);
    out.extend(std::iter::repeat_n(' ', left));
    out.push_str(sign);
    out.push_str(prefix);
    out.extend(std::iter::repeat_n('0', zeros));
    out.push_str(digits);
    out.extend(std::iter::repeat_n(' ', right));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn halves_round_like_512_bit_floats() {
        // 2.675 and 0.45 are just below their decimal text at 512 bits; 0.25 is exact.
        let number = |s: &str| Number::parse(s).unwrap_or_else(|| panic!("{s}"));
        let f = |s: &str, p| format_number_text(&number(s), 'f', Some(p));
        assert_eq!(f("2.675", 2), "2.67");
        assert_eq!(f("0.35", 1), "0.3");
        assert_eq!(f("0.45", 1), "0.4");
        assert_eq!(f("0.25", 1), "0.2");
        assert_eq!(f("2.5", 0), "2");
        assert_eq!(f("1.005", 2), "1.00");
        assert_eq!(f("-0.125", 2), "-0.12");
        // The shortest text is what prints without a precision.
        assert_eq!(format_number_text(&number("2.675"), 'f', None), "2.675");
    }

    /// A float from a function (53 bits, as cty's `NumberFloatVal`) prints every digit of its
    /// binary value when a precision asks for them, as Terraform 1.11.4 does:
    /// `format("%.20f", pow(2, 0.5))` is `1.41421356237309514547`, and
    /// `format("%.0f", pow(2, 60))` is `1152921504606846976`; without a precision `%g` and `%v`
    /// print the shortest text, `1.152921504606847e+18`.
    #[test]
    fn precision_prints_the_binary_value_not_the_shortest_text() {
        let f = |fmt: &str, x: f64| {
            let n = Number::from_f64(x).unwrap_or_else(|| panic!("{x}"));
            format_values(fmt, &[Value::number(n)]).unwrap_or_else(|e| panic!("{fmt}: {e:?}"))
        };
        assert_eq!(f("%.20f", 2f64.sqrt()), "1.41421356237309514547");
        assert_eq!(f("%.0f", 2f64.powi(60)), "1152921504606846976");
        assert_eq!(f("%.3e", 2f64.powi(60)), "1.153e+18");
        assert_eq!(f("%g", 2f64.powi(60)), "1.152921504606847e+18");
        assert_eq!(f("%v", 2f64.powi(60)), "1.152921504606847e+18");
    }

    /// Found by the `eval_expr` fuzz target: a width that saturated `usize` made the integer and
    /// float verbs ask for a `usize::MAX` allocation (capacity overflow panic).
    #[test]
    fn huge_width_or_precision_is_an_error_not_a_panic() {
        let args = [Value::from_i64(1)];
        for fmt in ["%833333333333333333333333333333.3f", "%99999999999d", "%.99999999999f", "%10000001s"] {
            match format_values(fmt, &args) {
                Err(FuncError::Call { message }) => assert!(message.contains("too large"), "{fmt}: {message}"),
                other => panic!("{fmt}: {other:?}"),
            }
        }
        assert_eq!(format_values("%5d|", &args).ok().as_deref(), Some("    1|"));
    }

    /// The integer verbs print small integers from their `i64` and everything else from the
    /// number's exact integer value; both paths must agree at their boundary, for every radix
    /// and flag. An integer wider than its precision prints exactly, not as its rounded text:
    /// Terraform 1.11.4 gives `"1152921504606846976"` for `format("%d", pow(2, 60))`.
    #[test]
    fn integer_verbs_agree_between_fast_and_general_paths() {
        let f = |fmt: &str, n: Number| format_values(fmt, &[Value::number(n)]).unwrap_or_else(|e| panic!("{fmt}: {e:?}"));
        let two60 = Number::from_f64(2f64.powi(60)).unwrap_or_else(|| panic!("2^60"));
        assert_eq!(two60.to_string(), "1152921504606847000");
        assert_eq!(f("%d", two60.clone()), "1152921504606846976");
        assert_eq!(f("%x", two60.neg()), "-1000000000000000");
        let two70 = Number::from_f64(2f64.powi(70)).unwrap_or_else(|| panic!("2^70"));
        assert_eq!(f("%d", two70), "1180591620717411303424");
        assert_eq!(f("%d", Number::from_i64(i64::MAX)), "9223372036854775807");
        assert_eq!(f("%d", Number::from_i64(i64::MIN)), "-9223372036854775808");
        assert_eq!(f("%x", Number::from_i64(-255)), "-ff");
        assert_eq!(f("%X", Number::from_i64(255)), "FF");
        assert_eq!(f("%#x", Number::from_i64(255)), "0xff");
        assert_eq!(f("%b", Number::from_i64(5)), "101");
        assert_eq!(f("%o", Number::from_i64(8)), "10");
        assert_eq!(f("%05d", Number::from_i64(-42)), "-0042");
        assert_eq!(f("%+d", Number::from_i64(7)), "+7");
        assert_eq!(f("%-5d|", Number::from_i64(3)), "3    |");
        assert_eq!(f("%.3d", Number::from_i64(9)), "009");
        assert_eq!(f("%.0d|", Number::from_i64(0)), "|");
        assert_eq!(f("%05d", Number::from_i64(12345)), "12345");
        let parsed = Number::parse("123456789012345678901234567890").unwrap_or_else(|| panic!("parse"));
        assert_eq!(f("%d", parsed), "123456789012345678901234567890");
        assert!(format_values("%d", &[Value::number(Number::parse("1.5").unwrap_or_else(|| panic!("1.5")))]).is_err());
    }

    #[test]
    fn upper_and_lower_keep_non_ascii_rules() {
        assert_eq!(go_upper("item-00001-abc"), "ITEM-00001-ABC");
        assert_eq!(go_upper("straße ǆ"), "STRAßE Ǆ");
        assert_eq!(go_lower("ITEM-İ"), "item-i");
    }

    /// Found with the `eval_expr` fuzz target's inputs: a huge indent aborted the process on an
    /// impossible allocation instead of failing the call.
    #[test]
    fn huge_indent_is_an_error_not_an_abort() {
        let c = FuncContext { base_dir: "/".into(), plan_timestamp: String::new(), planning: false };
        let call = |n: i64, s: &str| indent(&[Value::from_i64(n), Value::string(s)], &Type::String, &c);
        assert!(matches!(call(9_999_999_999, "a\nb"), Err(FuncError::Call { .. })));
        assert_eq!(call(9_999_999_999, "no newline").ok(), Some(Value::string("no newline")));
        assert_eq!(call(2, "a\nb").ok(), Some(Value::string("a\n  b")));
    }
}
