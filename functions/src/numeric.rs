//! Terraform's numeric functions: `abs`, `ceil`, `floor`, `log`, `max`, `min`, `parseint`, `pow`,
//! `signum` (cty 1.16's `stdlib`, which Terraform 1.11 uses for all of them). `log` and `pow`
//! compute with 64-bit floats, as Terraform does; the others are exact.

use std::sync::LazyLock;

use infra_value::{Number, Type, Value};
use num_bigint::BigInt;

use crate::registry::{arg_error, call_error, Function, Param};
use crate::{FuncContext, FuncError};

type R = Result<Value, FuncError>;

static FUNCTIONS: LazyLock<Vec<Function>> = LazyLock::new(|| {
    let number = |_: &[Value]| Ok(Type::Number);
    vec![
        Function::new(
            "abs",
            vec![Param::new("num", Type::Number)
                .allow_dynamic_type()
                .allow_marked()],
            number,
            abs,
        ),
        Function::new("ceil", vec![Param::new("num", Type::Number)], number, ceil),
        Function::new(
            "floor",
            vec![Param::new("num", Type::Number)],
            number,
            floor,
        ),
        Function::new(
            "log",
            vec![
                Param::new("num", Type::Number),
                Param::new("base", Type::Number),
            ],
            number,
            log,
        ),
        Function::new("max", vec![], number, max)
            .variadic(Param::new("numbers", Type::Number).allow_dynamic_type()),
        Function::new("min", vec![], number, min)
            .variadic(Param::new("numbers", Type::Number).allow_dynamic_type()),
        Function::new(
            "parseint",
            vec![
                Param::new("number", Type::Dynamic),
                Param::new("base", Type::Number),
            ],
            parseint_type,
            parseint,
        ),
        Function::new(
            "pow",
            vec![
                Param::new("num", Type::Number),
                Param::new("power", Type::Number),
            ],
            number,
            pow,
        ),
        Function::new(
            "signum",
            vec![Param::new("num", Type::Number)],
            number,
            signum,
        ),
    ]
});

/// This family's functions.
pub fn functions() -> &'static [Function] {
    &FUNCTIONS
}

/// gocty's message when a number does not fit a Go `int`.
pub(crate) const INT_RANGE_MESSAGE: &str =
    "value must be a whole number, between -9223372036854775808 and 9223372036854775807";

/// The number in `v` as an integer, as gocty converts a cty number to a Go `int`.
pub(crate) fn to_int(v: &Value) -> Result<i64, String> {
    v.as_number()
        .and_then(Number::to_i64)
        .ok_or_else(|| INT_RANGE_MESSAGE.to_string())
}

fn number_arg(v: &Value) -> Result<Number, FuncError> {
    v.as_number()
        .cloned()
        .ok_or_else(|| call_error("a number is required"))
}

/// A float result as cty's `NumberFloatVal`, which panics on NaN; Terraform reports that panic.
fn float_result(f: f64) -> R {
    Number::from_f64(f)
        .map(Value::number)
        .ok_or_else(|| call_error("panic in function implementation: Float.SetFloat64(NaN)"))
}

fn abs(args: &[Value], _: &Type, _: &FuncContext) -> R {
    let (v, marks) = args[0].clone().unmark();
    Ok(Value::number(number_arg(&v)?.abs()).mark(marks))
}

fn ceil(args: &[Value], _: &Type, _: &FuncContext) -> R {
    Ok(Value::number(number_arg(&args[0])?.ceil()))
}

fn floor(args: &[Value], _: &Type, _: &FuncContext) -> R {
    Ok(Value::number(number_arg(&args[0])?.floor()))
}

fn log(args: &[Value], _: &Type, _: &FuncContext) -> R {
    let num = number_arg(&args[0])?.to_f64();
    let base = number_arg(&args[1])?.to_f64();
    float_result(num.ln() / base.ln())
}

fn pow(args: &[Value], _: &Type, _: &FuncContext) -> R {
    let num = number_arg(&args[0])?.to_f64();
    let power = number_arg(&args[1])?.to_f64();
    // Rust's `powf` has the same special cases as Go's `math.Pow`.
    float_result(num.powf(power))
}

fn max(args: &[Value], _: &Type, _: &FuncContext) -> R {
    if args.is_empty() {
        return Err(call_error("must pass at least one number"));
    }
    let mut best = Number::infinity(true);
    for a in args {
        let n = number_arg(a)?;
        if n > best {
            best = n;
        }
    }
    Ok(Value::number(best))
}

fn min(args: &[Value], _: &Type, _: &FuncContext) -> R {
    if args.is_empty() {
        return Err(call_error("must pass at least one number"));
    }
    let mut best = Number::infinity(false);
    for a in args {
        let n = number_arg(a)?;
        if n < best {
            best = n;
        }
    }
    Ok(Value::number(best))
}

fn parseint_type(args: &[Value]) -> Result<Type, FuncError> {
    let ty = args[0].ty();
    if ty != Type::String {
        return Err(arg_error(
            0,
            format!(
                "first argument must be a string, not {}",
                ty.friendly_name()
            ),
        ));
    }
    Ok(Type::Number)
}

fn parseint(args: &[Value], _: &Type, _: &FuncContext) -> R {
    let text = args[0]
        .as_str()
        .ok_or_else(|| arg_error(0, "string required"))?;
    let base = to_int(&args[1]).map_err(|e| arg_error(1, e))?;
    if !(2..=62).contains(&base) {
        return Err(arg_error(
            1,
            "base must be a whole number between 2 and 62 inclusive",
        ));
    }
    let parsed = parse_big_int(text, base as u32).ok_or_else(|| {
        arg_error(
            0,
            format!("cannot parse {} as a base {} integer", go_quote(text), base),
        )
    })?;
    Number::parse(&parsed.to_string())
        .map(Value::number)
        .ok_or_else(|| call_error(format!("cannot represent {parsed} as a number")))
}

/// Go's `big.Int.SetString(s, base)` for 2 ≤ base ≤ 62: an optional sign, then at least one
/// digit; digits above 9 are letters, case-insensitive up to base 36, and for larger bases
/// `a`–`z` are 10–35 and `A`–`Z` 36–61. No underscores or prefixes with an explicit base.
fn parse_big_int(s: &str, base: u32) -> Option<BigInt> {
    let (negative, digits) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    if digits.is_empty() {
        return None;
    }
    let mut out = BigInt::from(0u32);
    for c in digits.bytes() {
        let d = match c {
            b'0'..=b'9' => u32::from(c - b'0'),
            b'a'..=b'z' => u32::from(c - b'a') + 10,
            b'A'..=b'Z' if base <= 36 => u32::from(c - b'A') + 10,
            b'A'..=b'Z' => u32::from(c - b'A') + 36,
            _ => return None,
        };
        if d >= base {
            return None;
        }
        out = out * base + d;
    }
    Some(if negative { -out } else { out })
}

/// Go's `%q` for the strings users pass: a double-quoted string with Go escapes.
pub(crate) fn go_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\x{:02x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn signum(args: &[Value], _: &Type, _: &FuncContext) -> R {
    let n = to_int(&args[0]).map_err(call_error)?;
    Ok(Value::from_i64(n.signum()))
}
