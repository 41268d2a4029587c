//! Terraform's date and time functions. Timestamps are RFC 3339 strings; `formatdate` uses
//! cty's format language (`YYYY-MM-DD'T'hh:mm:ssZ`), `timeadd` Go's duration syntax (`1h30m`).
//! `timestamp` is impure and so unknown while planning; `plantimestamp` is the plan's fixed
//! time from the context.

use std::sync::LazyLock;

use chrono::{DateTime, Datelike, Duration, FixedOffset, NaiveDate, TimeZone, Timelike, Utc};
use infra_value::{Number, Type, Value};

use crate::registry::{arg_error, call_error, Function, Param};
use crate::string::text;
use crate::{FuncContext, FuncError};

static FUNCTIONS: LazyLock<Vec<Function>> = LazyLock::new(|| {
    let s = |name| Param::new(name, Type::String);
    let ret_string: fn(&[Value]) -> Result<Type, FuncError> = |_| Ok(Type::String);
    vec![
        Function::new("formatdate", vec![s("format"), s("time")], ret_string, formatdate),
        Function::new("plantimestamp", vec![], ret_string, plantimestamp),
        Function::new("timeadd", vec![s("timestamp"), s("duration")], ret_string, timeadd),
        Function::new("timecmp", vec![s("timestamp_a"), s("timestamp_b")], |_| Ok(Type::Number), timecmp),
        Function::new("timestamp", vec![], ret_string, timestamp),
    ]
});

/// This family's functions (see `registry` for how a family registers them).
pub fn functions() -> &'static [Function] {
    &FUNCTIONS
}

/// A parsed timestamp; `utc_z` remembers a literal `Z`, which Go names "UTC" in `ZZZ`.
struct Timestamp {
    time: DateTime<FixedOffset>,
    utc_z: bool,
}

/// cty's RFC 3339 parser, with its messages.
fn parse_rfc3339(s: &str) -> Result<Timestamp, String> {
    let b = s.as_bytes();
    let mut p = 0usize;
    let digits = |p: &mut usize, n: usize, what: &str| -> Result<u32, String> {
        let part = s.get(*p..*p + n).filter(|t| t.bytes().all(|c| c.is_ascii_digit()));
        match part {
            Some(t) => {
                *p += n;
                t.parse::<u32>().map_err(|_| format!("cannot use {:?} as {what}", t))
            }
            None => Err(format!("cannot use {:?} as {what}", s.get(*p..).unwrap_or(""))),
        }
    };
    let expect = |p: &mut usize, c: u8, what: &str| -> Result<(), String> {
        if b.get(*p) == Some(&c) {
            *p += 1;
            Ok(())
        } else {
            Err(what.to_string())
        }
    };
    let year = digits(&mut p, 4, "year")?;
    expect(&mut p, b'-', "missing '-' after year")?;
    let month = digits(&mut p, 2, "month")?;
    expect(&mut p, b'-', "missing '-' after month")?;
    let day = digits(&mut p, 2, "day")?;
    if !matches!(b.get(p), Some(b'T') | Some(b't')) {
        return Err("missing required time introducer 'T'".into());
    }
    p += 1;
    let hour = digits(&mut p, 2, "hour")?;
    expect(&mut p, b':', "missing ':' after hour")?;
    let minute = digits(&mut p, 2, "minute")?;
    expect(&mut p, b':', "missing ':' after minute")?;
    let second = digits(&mut p, 2, "second")?;
    let mut nanos = 0u32;
    if b.get(p) == Some(&b'.') {
        p += 1;
        let start = p;
        while p < b.len() && b[p].is_ascii_digit() {
            p += 1;
        }
        let frac = &s[start..p];
        if frac.is_empty() {
            return Err("missing fractional seconds".into());
        }
        let padded: String = frac.chars().chain(std::iter::repeat('0')).take(9).collect();
        nanos = padded.parse().unwrap_or(0);
    }
    let (offset_secs, utc_z) = match b.get(p) {
        Some(b'Z') | Some(b'z') => {
            p += 1;
            (0i32, true)
        }
        Some(sign @ (b'+' | b'-')) => {
            let negative = *sign == b'-';
            p += 1;
            let oh = digits(&mut p, 2, "offset hours")?;
            expect(&mut p, b':', "missing ':' in offset")?;
            let om = digits(&mut p, 2, "offset minutes")?;
            let secs = (oh * 3600 + om * 60) as i32;
            (if negative { -secs } else { secs }, false)
        }
        _ => return Err("missing timezone offset".into()),
    };
    if p != b.len() {
        return Err(format!("unexpected extra characters {:?}", &s[p..]));
    }
    if !(1..=12).contains(&month) {
        return Err("month must be between 1 and 12 inclusive".into());
    }
    if hour > 23 {
        return Err("hour must be between 0 and 23 inclusive".into());
    }
    if minute > 59 {
        return Err("minute must be between 0 and 59 inclusive".into());
    }
    if second > 60 {
        return Err("second must be between 0 and 60 inclusive".into());
    }
    let date = NaiveDate::from_ymd_opt(year as i32, month, day).ok_or("day out of range for month")?;
    let naive = date
        .and_hms_nano_opt(hour, minute, second.min(59), nanos)
        .ok_or("time out of range")?;
    let offset = FixedOffset::east_opt(offset_secs).ok_or("offset out of range")?;
    let time = offset.from_local_datetime(&naive).single().ok_or("time out of range")?;
    Ok(Timestamp { time, utc_z })
}

fn timestamp_arg(v: &Value, index: usize) -> Result<Timestamp, FuncError> {
    parse_rfc3339(text(v)).map_err(|e| arg_error(index, format!("not a valid RFC3339 timestamp: {e}")))
}

/// Go's `time.RFC3339` output: no fractional seconds, `Z` for a zero offset.
fn format_rfc3339(t: &DateTime<FixedOffset>) -> String {
    let base = t.format("%Y-%m-%dT%H:%M:%S").to_string();
    let off = t.offset().local_minus_utc();
    if off == 0 {
        format!("{base}Z")
    } else {
        format!("{base}{}", offset_text(off, true))
    }
}

fn offset_text(secs: i32, colon: bool) -> String {
    let sign = if secs < 0 { '-' } else { '+' };
    let abs = secs.unsigned_abs();
    let (h, m) = (abs / 3600, (abs % 3600) / 60);
    if colon {
        format!("{sign}{h:02}:{m:02}")
    } else {
        format!("{sign}{h:02}{m:02}")
    }
}

fn formatdate(args: &[Value], _: &Type, _: &FuncContext) -> Result<Value, FuncError> {
    let format = text(&args[0]);
    let ts = timestamp_arg(&args[1], 1)?;
    let t = &ts.time;
    let chars: Vec<char> = format.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '\'' {
            // A quoted literal; '' inside (or alone) is a single quote.
            if chars.get(i + 1) == Some(&'\'') {
                out.push('\'');
                i += 2;
                continue;
            }
            let mut j = i + 1;
            loop {
                match chars.get(j) {
                    None => return Err(arg_error(0, "unterminated literal '")),
                    Some('\'') if chars.get(j + 1) == Some(&'\'') => {
                        out.push('\'');
                        j += 2;
                    }
                    Some('\'') => break,
                    Some(ch) => {
                        out.push(*ch);
                        j += 1;
                    }
                }
            }
            i = j + 1;
            continue;
        }
        if !c.is_ascii_alphabetic() {
            out.push(c);
            i += 1;
            continue;
        }
        let mut j = i;
        while j < chars.len() && chars[j] == c {
            j += 1;
        }
        let verb: String = chars[i..j].iter().collect();
        i = j;
        let bad = |detail: &str| {
            if detail.is_empty() {
                arg_error(0, format!("invalid date format verb {verb:?}"))
            } else {
                arg_error(0, format!("invalid date format verb {verb:?}: {detail}"))
            }
        };
        let hour12 = match t.hour() % 12 {
            0 => 12,
            h => h,
        };
        let piece = match verb.as_str() {
            "YYYY" => format!("{:04}", t.year()),
            "YY" => format!("{:02}", t.year().rem_euclid(100)),
            "MMMM" => t.format("%B").to_string(),
            "MMM" => t.format("%b").to_string(),
            "MM" => format!("{:02}", t.month()),
            "M" => t.month().to_string(),
            "DD" => format!("{:02}", t.day()),
            "D" => t.day().to_string(),
            "EEEE" => t.format("%A").to_string(),
            "EEE" => t.format("%a").to_string(),
            "hh" => format!("{:02}", t.hour()),
            "h" => t.hour().to_string(),
            "HH" => format!("{hour12:02}"),
            "H" => hour12.to_string(),
            "AA" => (if t.hour() < 12 { "AM" } else { "PM" }).to_string(),
            "aa" => (if t.hour() < 12 { "am" } else { "pm" }).to_string(),
            "mm" => format!("{:02}", t.minute()),
            "m" => t.minute().to_string(),
            "ss" => format!("{:02}", t.second()),
            "s" => t.second().to_string(),
            "ZZZZZ" => offset_text(t.offset().local_minus_utc(), true),
            "ZZZZ" => offset_text(t.offset().local_minus_utc(), false),
            "ZZZ" if ts.utc_z => "UTC".to_string(),
            "ZZZ" => offset_text(t.offset().local_minus_utc(), false),
            "Z" if t.offset().local_minus_utc() == 0 => "Z".to_string(),
            "Z" => offset_text(t.offset().local_minus_utc(), true),
            _ => {
                return Err(match c {
                    'Y' => bad("year must either be \"YY\" or \"YYYY\""),
                    'M' => bad("month must be \"M\", \"MM\", \"MMM\", or \"MMMM\""),
                    'D' => bad("day of month must either be \"D\" or \"DD\""),
                    'E' => bad("day of week must either be \"EEE\" or \"EEEE\""),
                    'h' => bad("24-hour must either be \"h\" or \"hh\""),
                    'H' => bad("12-hour must either be \"H\" or \"HH\""),
                    'A' => bad("must be \"AA\""),
                    'a' => bad("must be \"aa\""),
                    'm' => bad("minute must either be \"m\" or \"mm\""),
                    's' => bad("second must either be \"s\" or \"ss\""),
                    'Z' => bad("timezone must be Z, ZZZZ, or ZZZZZ"),
                    _ => bad(""),
                })
            }
        };
        out.push_str(&piece);
    }
    Ok(Value::string(out))
}

/// Go's `time.ParseDuration`, in nanoseconds.
fn parse_go_duration(s: &str) -> Result<i128, String> {
    let invalid = || format!("time: invalid duration {}", crate::encoding::go_quote(s));
    let mut rest = s;
    let mut negative = false;
    if let Some(r) = rest.strip_prefix('-') {
        negative = true;
        rest = r;
    } else if let Some(r) = rest.strip_prefix('+') {
        rest = r;
    }
    if rest == "0" {
        return Ok(0);
    }
    if rest.is_empty() {
        return Err(invalid());
    }
    let mut total: f64 = 0.0;
    let mut exact: i128 = 0;
    let mut all_integer = true;
    while !rest.is_empty() {
        let num_end = rest.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(rest.len());
        let number = &rest[..num_end];
        if number.is_empty() || number == "." {
            return Err(invalid());
        }
        rest = &rest[num_end..];
        let unit_end = rest.find(|c: char| c.is_ascii_digit() || c == '.').unwrap_or(rest.len());
        let unit = &rest[..unit_end];
        rest = &rest[unit_end..];
        let scale: i128 = match unit {
            "" => return Err(format!("time: missing unit in duration {}", crate::encoding::go_quote(s))),
            "ns" => 1,
            "us" | "µs" | "μs" => 1_000,
            "ms" => 1_000_000,
            "s" => 1_000_000_000,
            "m" => 60_000_000_000,
            "h" => 3_600_000_000_000,
            other => {
                return Err(format!(
                    "time: unknown unit {} in duration {}",
                    crate::encoding::go_quote(other),
                    crate::encoding::go_quote(s)
                ))
            }
        };
        match number.parse::<i128>() {
            Ok(n) if all_integer => exact = exact.saturating_add(n.saturating_mul(scale)),
            _ => {
                all_integer = false;
                let f: f64 = number.parse().map_err(|_| invalid())?;
                total += f * scale as f64;
            }
        }
    }
    let nanos = if all_integer { exact } else { (total + exact as f64) as i128 };
    if nanos > i64::MAX as i128 {
        return Err(invalid());
    }
    Ok(if negative { -nanos } else { nanos })
}

fn timeadd(args: &[Value], _: &Type, _: &FuncContext) -> Result<Value, FuncError> {
    let ts = parse_rfc3339(text(&args[0]))
        .map_err(|e| call_error(format!("not a valid RFC3339 timestamp: {e}")))?;
    let nanos = parse_go_duration(text(&args[1])).map_err(call_error)?;
    let duration = Duration::nanoseconds(nanos as i64);
    let result = ts.time.checked_add_signed(duration).ok_or_else(|| call_error("time out of range"))?;
    Ok(Value::string(format_rfc3339(&result)))
}

fn timecmp(args: &[Value], _: &Type, _: &FuncContext) -> Result<Value, FuncError> {
    let a = timestamp_arg(&args[0], 0)?;
    let b = timestamp_arg(&args[1], 1)?;
    let n = match a.time.cmp(&b.time) {
        std::cmp::Ordering::Less => -1,
        std::cmp::Ordering::Equal => 0,
        std::cmp::Ordering::Greater => 1,
    };
    Ok(Value::number(Number::from_i64(n)))
}

fn timestamp(_: &[Value], _: &Type, ctx: &FuncContext) -> Result<Value, FuncError> {
    if ctx.planning {
        return Ok(Value::unknown(Type::String));
    }
    let now = Utc::now().fixed_offset();
    Ok(Value::string(format_rfc3339(&now)))
}

fn plantimestamp(_: &[Value], _: &Type, ctx: &FuncContext) -> Result<Value, FuncError> {
    Ok(Value::string(ctx.plan_timestamp.clone()))
}
