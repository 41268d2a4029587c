//! RFC 3339 timestamps as HashiCorp's time provider handles them (Go's `time` package):
//! parsing with Go's error texts, formatting without fractional seconds and with `Z` for a zero
//! offset, and Go's calendar arithmetic (`AddDate` normalises overflowing days and months, so
//! January 31 plus one month is March 3 or 2, not February 28).

use chrono::{DateTime, Datelike, Duration, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Timelike, Utc};

/// A timestamp with the offset it was written with.
pub type Timestamp = DateTime<FixedOffset>;

const LAYOUT: &str = "2006-01-02T15:04:05Z07:00";

/// Parses as Go's `time.Parse(time.RFC3339, s)`. The error text is Go's.
pub fn parse_rfc3339(s: &str) -> Result<Timestamp, String> {
    let fail = |rest: &str, elem: &str| format!("parsing time {s:?} as {LAYOUT:?}: cannot parse {rest:?} as {elem:?}");
    let range = |what: &str| format!("parsing time {s:?}: {what} out of range");
    let mut rest = s;
    let num = |rest: &mut &str, width: usize, elem: &str| -> Result<u32, String> {
        let digits = rest.get(..width).filter(|d| d.bytes().all(|b| b.is_ascii_digit()));
        match digits {
            Some(d) => {
                *rest = &rest[width..];
                d.parse::<u32>().map_err(|_| fail(rest, elem))
            }
            None => Err(fail(rest, elem)),
        }
    };
    let lit = |rest: &mut &str, l: &str| -> Result<(), String> {
        match rest.strip_prefix(l) {
            Some(r) => {
                *rest = r;
                Ok(())
            }
            None => Err(fail(rest, l)),
        }
    };
    let year = num(&mut rest, 4, "2006")?;
    lit(&mut rest, "-")?;
    let month = num(&mut rest, 2, "01")?;
    lit(&mut rest, "-")?;
    let day = num(&mut rest, 2, "02")?;
    lit(&mut rest, "T")?;
    let hour = num(&mut rest, 2, "15")?;
    lit(&mut rest, ":")?;
    let minute = num(&mut rest, 2, "04")?;
    lit(&mut rest, ":")?;
    let second = num(&mut rest, 2, "05")?;
    // Go accepts a fractional second after the seconds even when the layout has none.
    let mut nanos = 0u32;
    if let Some(after) = rest.strip_prefix('.').or_else(|| rest.strip_prefix(',')) {
        let digits: String = after.chars().take_while(char::is_ascii_digit).collect();
        if !digits.is_empty() {
            let padded: String = digits.chars().chain(std::iter::repeat('0')).take(9).collect();
            nanos = padded.parse().unwrap_or(0);
            rest = &after[digits.len()..];
        }
    }
    let offset_secs: i32 = if let Some(r) = rest.strip_prefix('Z') {
        rest = r;
        0
    } else {
        let bytes = rest.as_bytes();
        let ok = bytes.len() >= 6
            && (bytes[0] == b'+' || bytes[0] == b'-')
            && bytes[3] == b':'
            && bytes[1..3].iter().chain(&bytes[4..6]).all(u8::is_ascii_digit);
        if !ok {
            return Err(fail(rest, "Z07:00"));
        }
        let hh: i32 = rest[1..3].parse().map_err(|_| fail(rest, "Z07:00"))?;
        let mm: i32 = rest[4..6].parse().map_err(|_| fail(rest, "Z07:00"))?;
        if hh > 24 || mm > 60 {
            return Err(range("time zone offset"));
        }
        let sign = if bytes[0] == b'-' { -1 } else { 1 };
        rest = &rest[6..];
        sign * (hh * 3600 + mm * 60)
    };
    if !rest.is_empty() {
        return Err(format!("parsing time {s:?}: extra text: {rest:?}"));
    }
    if !(1..=12).contains(&month) {
        return Err(range("month"));
    }
    if hour > 23 {
        return Err(range("hour"));
    }
    if minute > 59 {
        return Err(range("minute"));
    }
    if second > 59 {
        return Err(range("second"));
    }
    let date = NaiveDate::from_ymd_opt(year as i32, month, day).ok_or_else(|| range("day"))?;
    let time = NaiveTime::from_hms_nano_opt(hour, minute, second, nanos).ok_or_else(|| range("second"))?;
    let offset = FixedOffset::east_opt(offset_secs).ok_or_else(|| range("time zone offset"))?;
    offset.from_local_datetime(&date.and_time(time)).single().ok_or_else(|| range("time"))
}

/// Formats as Go's `t.Format(time.RFC3339)`: whole seconds, `Z` for a zero offset.
pub fn format_rfc3339(t: &Timestamp) -> String {
    let off = t.offset().local_minus_utc();
    let zone = if off == 0 {
        "Z".to_string()
    } else {
        let sign = if off < 0 { '-' } else { '+' };
        let a = off.abs();
        format!("{sign}{:02}:{:02}", a / 3600, (a % 3600) / 60)
    };
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}{zone}",
        t.year(),
        t.month(),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

/// The current time in UTC, truncated to whole seconds (all that the formatted state keeps).
pub fn from_utc(now: DateTime<Utc>) -> Timestamp {
    let whole = now.with_nanosecond(0).unwrap_or(now);
    whole.fixed_offset()
}

/// Go's `t.AddDate(years, months, days)`: months overflow into years, then days overflow
/// across months, on the wall clock of `t`'s offset. `None` when out of range.
pub fn add_date(t: &Timestamp, years: i64, months: i64, days: i64) -> Option<Timestamp> {
    let local: NaiveDateTime = t.naive_local();
    let total_months = i64::from(local.year()) * 12 + i64::from(local.month0()) + years.checked_mul(12)? + months;
    let year = i32::try_from(total_months.div_euclid(12)).ok()?;
    let month0 = total_months.rem_euclid(12) as u32;
    let first = NaiveDate::from_ymd_opt(year, month0 + 1, 1)?;
    let date = first.checked_add_signed(Duration::try_days(i64::from(local.day()) - 1 + days)?)?;
    t.offset().from_local_datetime(&date.and_time(local.time())).single()
}

/// `t` plus a whole number of `unit`s (Go's `t.Add(n * unit)`).
pub fn add_duration(t: &Timestamp, n: i64, unit_seconds: i64) -> Option<Timestamp> {
    t.checked_add_signed(Duration::try_seconds(n.checked_mul(unit_seconds)?)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Timestamp {
        parse_rfc3339(s).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn parses_and_formats_like_go() {
        assert_eq!(format_rfc3339(&p("2020-02-12T06:36:13Z")), "2020-02-12T06:36:13Z");
        assert_eq!(format_rfc3339(&p("2020-02-12T06:36:13.999+00:00")), "2020-02-12T06:36:13Z");
        assert_eq!(format_rfc3339(&p("2020-02-12T06:36:13-05:30")), "2020-02-12T06:36:13-05:30");
        assert_eq!(p("2020-02-12T06:36:13-05:30").timestamp(), 1581509173);
        assert_eq!(
            parse_rfc3339("20:43:16-05:00").unwrap_err(),
            r#"parsing time "20:43:16-05:00" as "2006-01-02T15:04:05Z07:00": cannot parse "20:43:16-05:00" as "2006""#
        );
        assert_eq!(parse_rfc3339("2020-02-30T00:00:00Z").unwrap_err(), r#"parsing time "2020-02-30T00:00:00Z": day out of range"#);
        assert!(parse_rfc3339("2020-02-12T06:36:13").is_err());
        assert!(parse_rfc3339("2020-02-12T06:36:13Zjunk").is_err());
    }

    #[test]
    fn add_date_normalises_like_go() {
        let t = p("2021-01-31T10:00:00+02:00");
        assert_eq!(format_rfc3339(&add_date(&t, 0, 1, 0).expect("in range")), "2021-03-03T10:00:00+02:00");
        assert_eq!(format_rfc3339(&add_date(&t, 0, -2, 0).expect("in range")), "2020-12-01T10:00:00+02:00");
        assert_eq!(format_rfc3339(&add_date(&p("2020-02-29T00:00:00Z"), 1, 0, 0).expect("in range")), "2021-03-01T00:00:00Z");
        assert_eq!(format_rfc3339(&add_date(&t, 0, 0, 1).expect("in range")), "2021-02-01T10:00:00+02:00");
    }
}
