//! The admin's settings for incidents: how many years a closed incident is kept before it
//! is deleted, and when repeated contact after a resolved matter is listed for a supervisor
//! to look at (more contacts than the threshold within the window of days).

use super::Invalid;
use super::journey::{Refusals, StepErrors};
use std::ops::RangeInclusive;
use time::{Duration, Month, OffsetDateTime};

/// How many whole years an admin may keep closed incidents for.
pub const RETENTION_YEARS: RangeInclusive<i64> = 1..=10;
/// The thresholds an admin may set, in contacts.
pub const SIGNAL_THRESHOLD: RangeInclusive<i64> = 1..=100;
/// The windows an admin may set, in days.
pub const SIGNAL_WINDOW_DAYS: RangeInclusive<i64> = 1..=365;

/// How long incidents are kept, and when repeated contact is listed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IncidentSettings {
    /// Whole years a closed incident is kept, counted from when it was closed.
    pub retention_years: i64,
    /// A customer is listed when they contacted the desk more times than this.
    pub signal_threshold: i64,
    /// The days, ending now, in which contacts are counted.
    pub signal_window_days: i64,
}

impl Default for IncidentSettings {
    /// Three years, and more than five contacts in thirty days.
    fn default() -> Self {
        IncidentSettings {
            retention_years: 3,
            signal_threshold: 5,
            signal_window_days: 30,
        }
    }
}

impl IncidentSettings {
    /// Incidents closed before this moment are no longer kept.
    pub fn kept_since(&self, now: OffsetDateTime) -> OffsetDateTime {
        years_before(now, self.retention_years)
    }

    /// The start of the window in which contacts are counted, which ends `now`.
    pub fn window_start(&self, now: OffsetDateTime) -> OffsetDateTime {
        now - Duration::days(self.signal_window_days)
    }

    /// Whether so many contacts in the window put a customer on the list: more than the
    /// threshold, never as many.
    pub fn listed(&self, contacts: usize) -> bool {
        i64::try_from(contacts).is_ok_and(|n| n > self.signal_threshold)
    }

    /// The settings as the form shows them.
    pub fn as_form(&self) -> IncidentSettingsForm {
        IncidentSettingsForm {
            retention_years: self.retention_years.to_string(),
            signal_threshold: self.signal_threshold.to_string(),
            signal_window_days: self.signal_window_days.to_string(),
        }
    }
}

/// The same moment `years` calendar years earlier; the 29th of February becomes the 28th
/// in a year without one.
pub fn years_before(at: OffsetDateTime, years: i64) -> OffsetDateTime {
    let year = i64::from(at.year()) - years;
    let Ok(year) = i32::try_from(year) else {
        return OffsetDateTime::UNIX_EPOCH;
    };
    at.replace_year(year)
        .or_else(|_| {
            // Only the 29th of February has no counterpart in another year.
            at.replace_day(28)
                .and_then(|d| d.replace_month(Month::February))
                .and_then(|d| d.replace_year(year))
        })
        .unwrap_or(OffsetDateTime::UNIX_EPOCH)
}

/// The settings form, exactly as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(default)]
pub struct IncidentSettingsForm {
    /// Whole years.
    pub retention_years: String,
    /// Contacts.
    pub signal_threshold: String,
    /// Days.
    pub signal_window_days: String,
}

/// Reads a whole number typed in ASCII or full-width digits, within `range`.
fn whole_number(raw: &str, range: &RangeInclusive<i64>) -> Result<i64, Invalid> {
    let typed = super::width::numeric(raw);
    let typed = typed.trim();
    if typed.is_empty() {
        return Err(Invalid::Missing);
    }
    if !typed.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Invalid::BadFormat);
    }
    match typed.trim_start_matches('0').parse::<i64>() {
        Ok(n) if range.contains(&n) => Ok(n),
        // Nothing but zeros.
        Err(_) if typed.bytes().all(|b| b == b'0') && range.contains(&0) => Ok(0),
        _ => Err(Invalid::OutOfRange),
    }
}

impl IncidentSettingsForm {
    /// Checks every field; each refused field is named, in the order the page asks them.
    pub fn check(&self) -> Result<IncidentSettings, StepErrors> {
        let mut refusals = Refusals::default();
        let retention_years = refusals.keep(
            "retention_years",
            whole_number(&self.retention_years, &RETENTION_YEARS),
        );
        let signal_threshold = refusals.keep(
            "signal_threshold",
            whole_number(&self.signal_threshold, &SIGNAL_THRESHOLD),
        );
        let signal_window_days = refusals.keep(
            "signal_window_days",
            whole_number(&self.signal_window_days, &SIGNAL_WINDOW_DAYS),
        );
        match (retention_years, signal_threshold, signal_window_days) {
            (Some(retention_years), Some(signal_threshold), Some(signal_window_days)) => {
                Ok(IncidentSettings {
                    retention_years,
                    signal_threshold,
                    signal_window_days,
                })
            }
            _ => Err(refusals.into_errors()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn form(years: &str, threshold: &str, days: &str) -> IncidentSettingsForm {
        IncidentSettingsForm {
            retention_years: years.into(),
            signal_threshold: threshold.into(),
            signal_window_days: days.into(),
        }
    }

    #[test]
    fn the_defaults_are_three_years_and_more_than_five_contacts_in_thirty_days() {
        let d = IncidentSettings::default();
        assert_eq!(
            (d.retention_years, d.signal_threshold, d.signal_window_days),
            (3, 5, 30)
        );
        assert!(!d.listed(5));
        assert!(d.listed(6));
    }

    #[test]
    fn a_filled_form_is_read_full_width_digits_included() {
        assert_eq!(
            form(" ２ ", "10", "060").check(),
            Ok(IncidentSettings {
                retention_years: 2,
                signal_threshold: 10,
                signal_window_days: 60,
            })
        );
    }

    #[test]
    fn each_refused_field_is_named_with_its_reason() {
        assert_eq!(
            form("", "five", "0").check(),
            Err(vec![
                ("retention_years", Invalid::Missing),
                ("signal_threshold", Invalid::BadFormat),
                ("signal_window_days", Invalid::OutOfRange),
            ])
        );
        assert_eq!(
            form("11", "-1", "99999999999999999999999").check(),
            Err(vec![
                ("retention_years", Invalid::OutOfRange),
                ("signal_threshold", Invalid::BadFormat),
                ("signal_window_days", Invalid::OutOfRange),
            ])
        );
        assert_eq!(
            form("1.5", "3", "30").check(),
            Err(vec![("retention_years", Invalid::BadFormat)])
        );
    }

    #[test]
    fn closed_incidents_are_kept_whole_calendar_years() {
        let d = IncidentSettings::default();
        assert_eq!(
            d.kept_since(datetime!(2030-06-15 09:30 UTC)),
            datetime!(2027-06-15 09:30 UTC)
        );
        assert_eq!(
            years_before(datetime!(2028-02-29 00:00 UTC), 1),
            datetime!(2027-02-28 00:00 UTC)
        );
        assert_eq!(
            years_before(datetime!(2028-02-29 00:00 UTC), 4),
            datetime!(2024-02-29 00:00 UTC)
        );
    }

    #[test]
    fn the_window_ends_now() {
        let d = IncidentSettings::default();
        assert_eq!(
            d.window_start(datetime!(2030-06-15 09:30 UTC)),
            datetime!(2030-05-16 09:30 UTC)
        );
    }
}
