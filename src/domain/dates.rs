//! Dates and instants that come from outside: typed into a form, carried in an address, or
//! read back from a journey's draft. Each is kept within a window of years the desk can reason
//! about, so what is done with it afterwards (adding weeks, moving it into the desk's time
//! zone, comparing it with a database's timestamps) can never overflow or be refused deeper
//! down.

use super::Invalid;
use time::macros::date;
use time::{Date, Month, OffsetDateTime};

/// The first year a date may fall in.
pub const FIRST_YEAR: i32 = 1900;

/// The last year a date may fall in.
pub const LAST_YEAR: i32 = 2200;

/// The first day of the window.
pub const FIRST_DAY: Date = date!(1900 - 01 - 01);

/// The last day of the window.
pub const LAST_DAY: Date = date!(2200 - 12 - 31);

/// Whether a day lies within the window.
pub fn within_window(day: Date) -> bool {
    (FIRST_DAY..=LAST_DAY).contains(&day)
}

/// Whether an instant falls on a day (in UTC) within the window. Far from the ends of the
/// years `time` holds, any time zone's local date of such an instant can be taken safely.
pub fn instant_within_window(at: OffsetDateTime) -> bool {
    // Compared as seconds, which no offset can push past the ends of `time`'s years.
    let first = FIRST_DAY.midnight().assume_utc().unix_timestamp();
    let after = LAST_DAY.midnight().assume_utc().unix_timestamp() + 86_400;
    (first..after).contains(&at.unix_timestamp())
}

/// A date written `YYYY-MM-DD`, as stored and as the pages put it in links.
pub fn iso_day(day: Date) -> String {
    format!(
        "{:04}-{:02}-{:02}",
        day.year(),
        u8::from(day.month()),
        day.day()
    )
}

/// Turns full-width digits and signs (as Japanese keyboards type them) into ASCII.
fn half_width(raw: &str) -> String {
    super::width::numeric(raw.trim())
}

/// A whole number written in ASCII digits, perhaps signed: `None` when it is not one, and
/// `Some(None)` when it is one too large for any calendar.
fn whole_number(raw: &str, signed: bool) -> Option<Option<i64>> {
    let (negative, digits) = match raw.as_bytes().first() {
        Some(b'-') if signed => (true, &raw[1..]),
        Some(b'+') if signed => (false, &raw[1..]),
        _ => (false, raw),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    // Leading zeros carry no value; a number of more than 18 digits is out of every range.
    let significant = digits.trim_start_matches('0');
    if significant.len() > 18 {
        return Some(None);
    }
    let value: i64 = significant.parse().unwrap_or(0);
    Some(Some(if negative { -value } else { value }))
}

/// Reads a year, month and day that may be out of the window: a month must be 1 to 12 and a
/// day must exist in that month (in a leap year when the year cannot be known), or the
/// value is refused as badly formed; a real date outside the window is out of range.
fn calendar_date(year: Option<i64>, month: i64, day: i64) -> Result<Date, Invalid> {
    let month = u8::try_from(month)
        .ok()
        .and_then(|m| Month::try_from(m).ok())
        .ok_or(Invalid::BadFormat)?;
    let day = u8::try_from(day).map_err(|_| Invalid::BadFormat)?;
    let Some(year) = year.and_then(|y| i32::try_from(y).ok()) else {
        // Too large for `time`: refuse what no year has, and the rest as out of range.
        return match Date::from_calendar_date(2000, month, day) {
            Ok(_) => Err(Invalid::OutOfRange),
            Err(_) => Err(Invalid::BadFormat),
        };
    };
    if !(FIRST_YEAR..=LAST_YEAR).contains(&year) {
        // Checked in a year of the same leap-ness, since `time` holds only some years.
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
        let stand_in = if leap { 2000 } else { 2001 };
        return match Date::from_calendar_date(stand_in, month, day) {
            Ok(_) => Err(Invalid::OutOfRange),
            Err(_) => Err(Invalid::BadFormat),
        };
    }
    Date::from_calendar_date(year, month, day).map_err(|_| Invalid::BadFormat)
}

/// Reads a day written `YYYY-MM-DD` (a link's or a date box's form), within the window.
/// Empty is missing; a real day outside the window is out of range; anything else is badly
/// formed.
pub fn parse_day(raw: &str) -> Result<Date, Invalid> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Err(Invalid::Missing);
    }
    // The year may carry a sign, so split the month and day off the end.
    let mut parts = raw.rsplitn(3, '-');
    let (Some(day), Some(month), Some(year)) = (parts.next(), parts.next(), parts.next()) else {
        return Err(Invalid::BadFormat);
    };
    let short = |part: &str| (1..=2).contains(&part.len());
    if !short(month) || !short(day) {
        return Err(Invalid::BadFormat);
    }
    let (Some(Some(month)), Some(Some(day)), Some(year)) = (
        whole_number(month, false),
        whole_number(day, false),
        whole_number(year, true),
    ) else {
        return Err(Invalid::BadFormat);
    };
    calendar_date(year, month, day)
}

/// Reads a date typed as three boxes, year, month and day, in half- or full-width digits,
/// within the window. All three empty is missing.
pub fn typed_date(year: &str, month: &str, day: &str) -> Result<Date, Invalid> {
    let (year, month, day) = (half_width(year), half_width(month), half_width(day));
    if year.is_empty() && month.is_empty() && day.is_empty() {
        return Err(Invalid::Missing);
    }
    let strip = |part: &str, mark: char| part.trim_end_matches(mark).trim().to_owned();
    let (year, month, day) = (strip(&year, '年'), strip(&month, '月'), strip(&day, '日'));
    let year = match era_year(&year) {
        Some(Ok(western)) => western.to_string(),
        Some(Err(why)) => return Err(why),
        None => year,
    };
    let (Some(year), Some(Some(month)), Some(Some(day))) = (
        whole_number(&year, true),
        whole_number(&month, false),
        whole_number(&day, false),
    ) else {
        return Err(Invalid::BadFormat);
    };
    calendar_date(year, month, day)
}

/// The Japanese eras a living person's date of birth may be written in: name, name in
/// letters, initial, the western year of its first year, and the western year of its last.
const ERAS: [(&str, &str, char, i64, Option<i64>); 5] = [
    ("明治", "meiji", 'm', 1868, Some(1912)),
    ("大正", "taisho", 't', 1912, Some(1926)),
    ("昭和", "showa", 's', 1926, Some(1989)),
    ("平成", "heisei", 'h', 1989, Some(2019)),
    ("令和", "reiwa", 'r', 2019, None),
];

/// Reads a year written in a Japanese era (`昭和23`, `S23`, `平成元`) as its western year;
/// `None` when the year names no era. A year the era never reached is out of range.
fn era_year(year: &str) -> Option<Result<i64, Invalid>> {
    let lower = year.to_lowercase();
    let (first, last, rest) = ERAS
        .iter()
        .find_map(|(name, letters, initial, first, last)| {
            let rest = lower
                .strip_prefix(name)
                .or_else(|| lower.strip_prefix(letters))
                .or_else(|| lower.strip_prefix(*initial))?;
            Some((*first, *last, rest.trim().to_owned()))
        })?;
    let rest = rest.as_str();
    let n = if rest == "元" {
        1
    } else {
        match whole_number(rest, false) {
            Some(Some(n)) => n,
            _ => return Some(Err(Invalid::BadFormat)),
        }
    };
    let western = first + n - 1;
    if n < 1 || last.is_some_and(|last| western > last) {
        return Some(Err(Invalid::OutOfRange));
    }
    Some(Ok(western))
}

/// Reads an instant written as whole seconds since 1970 (UTC), as the time pages send a
/// chosen start, within the window.
pub fn parse_unix_instant(raw: &str) -> Result<OffsetDateTime, Invalid> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Err(Invalid::Missing);
    }
    let Some(seconds) = whole_number(raw, true) else {
        return Err(Invalid::BadFormat);
    };
    seconds
        .and_then(|s| OffsetDateTime::from_unix_timestamp(s).ok())
        .filter(|at| instant_within_window(*at))
        .ok_or(Invalid::OutOfRange)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn a_year_may_be_written_in_a_japanese_era() {
        let day = |y: &str| typed_date(y, "3", "15");
        assert_eq!(day("昭和23"), Ok(time::macros::date!(1948 - 03 - 15)));
        assert_eq!(day("昭和２３年"), Ok(time::macros::date!(1948 - 03 - 15)));
        assert_eq!(day("S23"), Ok(time::macros::date!(1948 - 03 - 15)));
        assert_eq!(day("h1"), Ok(time::macros::date!(1989 - 03 - 15)));
        assert_eq!(day("平成元"), Ok(time::macros::date!(1989 - 03 - 15)));
        assert_eq!(day("令和5"), Ok(time::macros::date!(2023 - 03 - 15)));
        assert_eq!(day("Showa 16"), Ok(time::macros::date!(1941 - 03 - 15)));
        assert_eq!(day("大正15"), Ok(time::macros::date!(1926 - 03 - 15)));
        assert_eq!(
            typed_date("1948年", "３月", "15日"),
            Ok(time::macros::date!(1948 - 03 - 15))
        );
        assert_eq!(
            day("昭和70"),
            Err(Invalid::OutOfRange),
            "Showa ended in its 64th year"
        );
        assert_eq!(day("昭和0"), Err(Invalid::OutOfRange));
        assert_eq!(day("昭和"), Err(Invalid::BadFormat));
        assert_eq!(day("昭和X"), Err(Invalid::BadFormat));
    }

    #[test]
    fn days_are_read_within_the_window() {
        assert_eq!(parse_day(" 2026-11-24 "), Ok(date!(2026 - 11 - 24)));
        assert_eq!(parse_day("2026-1-2"), Ok(date!(2026 - 01 - 02)));
        assert_eq!(parse_day("1900-01-01"), Ok(FIRST_DAY));
        assert_eq!(parse_day("2200-12-31"), Ok(LAST_DAY));
        assert_eq!(parse_day(""), Err(Invalid::Missing));
        for far in [
            "0001-01-01",
            "-5000-01-01",
            "+10000-01-01",
            "9999-12-31",
            "1899-12-31",
            "2201-01-01",
            "99999999999999999999999-01-01",
            "-0004-02-29",
        ] {
            assert_eq!(parse_day(far), Err(Invalid::OutOfRange), "{far}");
        }
        for bad in [
            "2026-13-01",
            "2026-02-30",
            "2026-11",
            "2026/11/24",
            "2026-011-24",
            "--2026-01-01",
            "2026-+1-01",
            "２０２６-11-24",
            "2027-02-29",
            "1900-02-29",
            "abc",
        ] {
            assert_eq!(parse_day(bad), Err(Invalid::BadFormat), "{bad}");
        }
        assert_eq!(parse_day("2028-02-29"), Ok(date!(2028 - 02 - 29)));
    }

    #[test]
    fn typed_dates_forgive_full_width_digits() {
        assert_eq!(
            typed_date("２０２７", "４", "１"),
            Ok(date!(2027 - 04 - 01))
        );
        assert_eq!(typed_date(" ", "", ""), Err(Invalid::Missing));
        assert_eq!(typed_date("99999", "1", "1"), Err(Invalid::OutOfRange));
        assert_eq!(typed_date("-5000", "1", "1"), Err(Invalid::OutOfRange));
        assert_eq!(typed_date("2100", "13", "1"), Err(Invalid::BadFormat));
        assert_eq!(typed_date("2100", "2", "29"), Err(Invalid::BadFormat));
        assert_eq!(typed_date("1941", "", "9"), Err(Invalid::BadFormat));
    }

    #[test]
    fn instants_are_read_within_the_window() {
        assert_eq!(
            parse_unix_instant("1795996800"),
            Ok(datetime!(2026-11-30 00:00 UTC))
        );
        for far in [
            "253402300799",
            "-377705116800",
            "9223372036854775807",
            "-9223372036854775808",
            "99999999999999999999",
        ] {
            assert_eq!(parse_unix_instant(far), Err(Invalid::OutOfRange), "{far}");
        }
        assert_eq!(parse_unix_instant(""), Err(Invalid::Missing));
        assert_eq!(parse_unix_instant("12.5"), Err(Invalid::BadFormat));
        assert_eq!(parse_unix_instant("１２"), Err(Invalid::BadFormat));
    }

    #[test]
    fn a_day_written_out_reads_back_as_itself() {
        for day in [FIRST_DAY, LAST_DAY, date!(2026 - 02 - 28)] {
            assert_eq!(parse_day(&iso_day(day)), Ok(day));
        }
    }
}
