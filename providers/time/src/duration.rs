//! Go duration strings (`time.ParseDuration`): `300ms`, `1.5h`, `2h45m`, `-1m`; units `ns`,
//! `us` (`µs`, `μs`), `ms`, `s`, `m`, `h`. Error texts are Go's.

use std::time::Duration;

/// A parsed duration in nanoseconds (may be negative, as in Go).
pub fn parse_go_duration(s: &str) -> Result<i64, String> {
    let invalid = || format!("time: invalid duration {s:?}");
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
    let mut total: u128 = 0;
    while !rest.is_empty() {
        // The number: digits, optionally a fraction.
        let int_len = rest.bytes().take_while(u8::is_ascii_digit).count();
        let int_part = &rest[..int_len];
        rest = &rest[int_len..];
        let mut frac_part = "";
        if let Some(r) = rest.strip_prefix('.') {
            let frac_len = r.bytes().take_while(u8::is_ascii_digit).count();
            frac_part = &r[..frac_len];
            rest = &r[frac_len..];
            if int_part.is_empty() && frac_part.is_empty() {
                return Err(invalid());
            }
        } else if int_part.is_empty() {
            return Err(invalid());
        }
        let unit_len = rest.find(|c: char| c == '.' || c.is_ascii_digit()).unwrap_or(rest.len());
        let unit = &rest[..unit_len];
        rest = &rest[unit_len..];
        let nanos_per_unit: u128 = match unit {
            "" => return Err(format!("time: missing unit in duration {s:?}")),
            "ns" => 1,
            "us" | "µs" | "μs" => 1_000,
            "ms" => 1_000_000,
            "s" => 1_000_000_000,
            "m" => 60_000_000_000,
            "h" => 3_600_000_000_000,
            other => return Err(format!("time: unknown unit {other:?} in duration {s:?}")),
        };
        let whole: u128 = if int_part.is_empty() { 0 } else { int_part.parse().map_err(|_| invalid())? };
        let mut value = whole.checked_mul(nanos_per_unit).ok_or_else(invalid)?;
        if !frac_part.is_empty() {
            // Truncated like Go: the fraction's digits scaled by the unit.
            let digits = &frac_part[..frac_part.len().min(30)];
            let frac: u128 = digits.parse().map_err(|_| invalid())?;
            let scale = 10u128.pow(digits.len() as u32);
            value = value.checked_add(frac.checked_mul(nanos_per_unit).ok_or_else(invalid)? / scale).ok_or_else(invalid)?;
        }
        total = total.checked_add(value).ok_or_else(invalid)?;
    }
    let limit = if negative { 1u128 << 63 } else { (1u128 << 63) - 1 };
    if total > limit {
        return Err(invalid());
    }
    let total = total as i128;
    Ok((if negative { -total } else { total }) as i64)
}

/// As a sleep length: negative durations sleep for no time, as Go's `time.After` does.
pub fn to_std(nanos: i64) -> Duration {
    Duration::from_nanos(u64::try_from(nanos).unwrap_or(0))
}

/// The stricter form `time_sleep` validates its arguments with.
pub fn matches_sleep_syntax(s: &str) -> bool {
    let unit_at = s.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(s.len());
    let (number, unit) = s.split_at(unit_at);
    let number_ok = match number.split_once('.') {
        Some((a, b)) => !a.is_empty() && !b.is_empty() && b.bytes().all(|c| c.is_ascii_digit()),
        None => !number.is_empty(),
    };
    number_ok && number.bytes().all(|c| c.is_ascii_digit() || c == b'.') && matches!(unit, "ms" | "s" | "m" | "h")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_go_durations() {
        assert_eq!(parse_go_duration("300ms"), Ok(300_000_000));
        assert_eq!(parse_go_duration("1.5h"), Ok(5_400_000_000_000));
        assert_eq!(parse_go_duration("2h45m"), Ok(9_900_000_000_000));
        assert_eq!(parse_go_duration("-1m"), Ok(-60_000_000_000));
        assert_eq!(parse_go_duration("0"), Ok(0));
        assert_eq!(parse_go_duration("1µs"), Ok(1_000));
        assert_eq!(parse_go_duration("1"), Err(r#"time: missing unit in duration "1""#.to_string()));
        assert_eq!(parse_go_duration("1x"), Err(r#"time: unknown unit "x" in duration "1x""#.to_string()));
        assert_eq!(parse_go_duration(""), Err(r#"time: invalid duration """#.to_string()));
        assert_eq!(parse_go_duration("s"), Err(r#"time: invalid duration "s""#.to_string()));
    }

    #[test]
    fn sleep_syntax() {
        for ok in ["30s", "1.5m", "100ms", "2h"] {
            assert!(matches_sleep_syntax(ok), "{ok}");
        }
        for bad in ["30", "1h30m", "-1s", ".5s", "1.s", "1us", "30x"] {
            assert!(!matches_sleep_syntax(bad), "{bad}");
        }
    }
}
