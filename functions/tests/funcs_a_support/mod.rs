//! Test support for the funcs-a suites: a tiny evaluator for function-call expressions written as
//! in `terraform console` (literals, tuples `[..]`, objects `{a = 1}`, nested calls), and a
//! renderer that prints results as the console does (whitespace collapsed), so that expected
//! results can be taken verbatim from Terraform 1.11.4.
//!
//! Test-only extras, which the console cannot express: `unknown("<type>")` makes an unknown of a
//! primitive type or `any`, `ulist("<type>")` an unknown list of that element type.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::PathBuf;

use infra_functions::{FuncContext, FuncError};
use infra_value::value::Kind;
use infra_value::{Number, Type, Value};

pub fn ctx() -> FuncContext {
    FuncContext {
        base_dir: PathBuf::from("."),
        plan_timestamp: "2024-01-01T00:00:00Z".into(),
        planning: false,
    }
}

/// Evaluates `expr` and renders the result (or error) as `terraform console` prints it.
pub fn eval_render(expr: &str) -> String {
    match eval(expr) {
        Ok(v) => render(&v),
        Err(e) => e,
    }
}

pub fn eval(expr: &str) -> Result<Value, String> {
    let mut p = Parser {
        s: expr.as_bytes(),
        i: 0,
    };
    let v = p.expr()?;
    p.ws();
    if p.i != p.s.len() {
        return Err(format!("test parser: trailing input at {}", p.i));
    }
    Ok(v)
}

/// Renders a function error as the console shows it, whitespace collapsed:
/// `Error: <summary> <detail>`.
pub fn render_error(name: &str, e: &FuncError) -> String {
    match e {
        FuncError::UnknownFunction => {
            format!("Error: Call to unknown function There is no function named \"{name}\".")
        }
        FuncError::Arity { summary, detail } => format!("Error: {summary} {detail}"),
        FuncError::Arg { param, message, .. } => {
            format!("Error: Invalid function argument Invalid value for \"{param}\" parameter: {message}.")
        }
        FuncError::Call { message } => {
            format!("Error: Error in function call Call to function \"{name}\" failed: {message}.")
        }
    }
}

struct Parser<'a> {
    s: &'a [u8],
    i: usize,
}

impl Parser<'_> {
    fn ws(&mut self) {
        while self.i < self.s.len() && (self.s[self.i] as char).is_whitespace() {
            self.i += 1;
        }
    }
    fn peek(&mut self) -> Option<u8> {
        self.ws();
        self.s.get(self.i).copied()
    }
    fn eat(&mut self, c: u8) -> bool {
        if self.peek() == Some(c) {
            self.i += 1;
            true
        } else {
            false
        }
    }
    fn expect(&mut self, c: u8) -> Result<(), String> {
        if self.eat(c) {
            Ok(())
        } else {
            Err(format!(
                "test parser: expected {:?} at {}",
                c as char, self.i
            ))
        }
    }
    fn ident(&mut self) -> String {
        self.ws();
        let start = self.i;
        while self.i < self.s.len()
            && (self.s[self.i].is_ascii_alphanumeric()
                || self.s[self.i] == b'_'
                || self.s[self.i] == b':')
        {
            self.i += 1;
        }
        String::from_utf8_lossy(&self.s[start..self.i]).into_owned()
    }
    fn string(&mut self) -> Result<String, String> {
        self.expect(b'"')?;
        let mut out = Vec::new();
        while self.i < self.s.len() && self.s[self.i] != b'"' {
            if self.s[self.i] == b'\\' && self.i + 1 < self.s.len() {
                self.i += 1;
                match self.s[self.i] {
                    b'n' => out.push(b'\n'),
                    b't' => out.push(b'\t'),
                    b'u' if self.i + 4 < self.s.len() => {
                        let hex =
                            String::from_utf8_lossy(&self.s[self.i + 1..self.i + 5]).into_owned();
                        let c = u32::from_str_radix(&hex, 16)
                            .ok()
                            .and_then(char::from_u32)
                            .unwrap_or('?');
                        out.extend_from_slice(c.to_string().as_bytes());
                        self.i += 4;
                    }
                    other => out.push(other),
                }
            } else {
                out.push(self.s[self.i]);
            }
            self.i += 1;
        }
        self.expect(b'"')?;
        Ok(String::from_utf8_lossy(&out).into_owned())
    }
    fn expr(&mut self) -> Result<Value, String> {
        let v = self.primary()?;
        // Only unary minus on literals and `/` between numbers are supported (enough for 1/3).
        if self.eat(b'/') {
            let rhs = self.primary()?;
            let (Some(a), Some(b)) = (v.as_number(), rhs.as_number()) else {
                return Err("test parser: / on non-numbers".into());
            };
            return a.div(b).map(Value::number).map_err(|e| e.to_string());
        }
        Ok(v)
    }
    fn primary(&mut self) -> Result<Value, String> {
        match self.peek() {
            Some(b'"') => Ok(Value::string(self.string()?)),
            Some(b'[') => {
                self.i += 1;
                let mut elems = Vec::new();
                while !self.eat(b']') {
                    elems.push(self.expr()?);
                    self.eat(b',');
                }
                Ok(Value::tuple(elems))
            }
            Some(b'{') => {
                self.i += 1;
                let mut attrs = BTreeMap::new();
                while !self.eat(b'}') {
                    let key = if self.peek() == Some(b'"') {
                        self.string()?
                    } else {
                        self.ident()
                    };
                    if !self.eat(b'=') {
                        self.expect(b':')?;
                    }
                    let v = self.expr()?;
                    attrs.insert(key, v);
                    self.eat(b',');
                }
                Ok(Value::object(attrs))
            }
            Some(c) if c == b'-' || c.is_ascii_digit() => {
                let start = self.i;
                self.i += 1;
                while self.i < self.s.len()
                    && (self.s[self.i].is_ascii_digit() || b".eE".contains(&self.s[self.i]))
                {
                    self.i += 1;
                }
                let text = String::from_utf8_lossy(&self.s[start..self.i]).into_owned();
                Number::parse(&text)
                    .map(Value::number)
                    .ok_or_else(|| format!("test parser: bad number {text}"))
            }
            Some(_) => {
                let name = self.ident();
                match name.as_str() {
                    "true" => return Ok(Value::bool(true)),
                    "false" => return Ok(Value::bool(false)),
                    "null" => return Ok(Value::dynamic_null()),
                    "" => return Err(format!("test parser: unexpected input at {}", self.i)),
                    _ => {}
                }
                self.expect(b'(')?;
                let mut args = Vec::new();
                while !self.eat(b')') {
                    args.push(self.expr()?);
                    self.eat(b',');
                }
                match name.as_str() {
                    "unknown" => {
                        return Ok(Value::unknown(parse_type(args[0].as_str().unwrap_or(""))))
                    }
                    "ulist" => {
                        return Ok(Value::unknown(Type::list(parse_type(
                            args[0].as_str().unwrap_or(""),
                        ))))
                    }
                    _ => {}
                }
                infra_functions::call(&name, args, &ctx()).map_err(|e| render_error(&name, &e))
            }
            None => Err("test parser: unexpected end".into()),
        }
    }
}

fn parse_type(s: &str) -> Type {
    match s {
        "string" => Type::String,
        "number" => Type::Number,
        "bool" => Type::Bool,
        _ => Type::Dynamic,
    }
}

/// The console's rendering, whitespace collapsed to single spaces.
pub fn render(v: &Value) -> String {
    let mut out = String::new();
    render_into(v, &mut out);
    out
}

fn quote(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn render_into(v: &Value, out: &mut String) {
    if !v.is_known() {
        out.push_str("(known after apply)");
        return;
    }
    if v.is_sensitive() {
        out.push_str("(sensitive value)");
        return;
    }
    if v.marks().contains(infra_value::Marks::EPHEMERAL) {
        out.push_str("(ephemeral value)");
        return;
    }
    let seq = |prefix: &str, suffix: &str, es: &[Value], out: &mut String| {
        if es.is_empty() {
            out.push_str(&format!("{prefix}[]{suffix}"));
            return;
        }
        out.push_str(&format!("{prefix}["));
        for e in es {
            out.push(' ');
            render_into(e, out);
            out.push(',');
        }
        out.push_str(&format!(" ]{suffix}"));
    };
    let map = |prefix: &str, suffix: &str, m: &BTreeMap<String, Value>, out: &mut String| {
        if m.is_empty() {
            out.push_str(&format!("{prefix}{{}}{suffix}"));
            return;
        }
        out.push_str(&format!("{prefix}{{"));
        for (k, e) in m {
            out.push(' ');
            out.push_str(&quote(k));
            out.push_str(" = ");
            render_into(e, out);
        }
        out.push_str(&format!(" }}{suffix}"));
    };
    match v.kind() {
        Kind::Null(ty) => out.push_str(&match ty {
            Type::Dynamic => "null".to_string(),
            Type::String => "tostring(null)".to_string(),
            Type::Number => "tonumber(null)".to_string(),
            Type::Bool => "tobool(null)".to_string(),
            Type::List(e) => format!("tolist(null) /* of {} */", e.friendly_name()),
            Type::Set(e) => format!("toset(null) /* of {} */", e.friendly_name()),
            Type::Map(e) => format!("tomap(null) /* of {} */", e.friendly_name()),
            other => format!("null /* {} */", other.friendly_name()),
        }),
        Kind::Unknown(_) => out.push_str("(known after apply)"),
        Kind::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Kind::Number(n) => out.push_str(&n.to_string()),
        Kind::String(s) => out.push_str(&quote(s)),
        Kind::List(_, es) => seq("tolist(", ")", es, out),
        Kind::Set(_, es) => seq("toset(", ")", es, out),
        Kind::Tuple(es) => seq("", "", es, out),
        Kind::Map(_, m) => map("tomap(", ")", m, out),
        Kind::Object(m) => map("", "", m, out),
    }
}

/// Checks every `(expression, expected console output)` case and reports all mismatches at once.
pub fn check_all(cases: &[(&str, &str)]) {
    let mut failures = Vec::new();
    for (expr, want) in cases {
        let got = eval_render(expr);
        if got != *want {
            failures.push(format!("  {expr}\n    want: {want}\n    got:  {got}"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}
