//! Days and times as the desk reads them (in Tokyo), and moving the app's clock.

use super::TestApp;
use time::{Date, OffsetDateTime, Time};
use time_tz::{OffsetDateTimeExt, PrimitiveDateTimeExt, Tz};

/// The desk's time zone in every test.
pub const TOKYO: &Tz = time_tz::timezones::db::asia::TOKYO;

/// The desk's day by the app's clock.
pub fn today(app: &TestApp) -> Date {
    app.state().now().to_timezone(TOKYO).date()
}

/// The desk's next day by the app's clock.
pub fn tomorrow(app: &TestApp) -> Date {
    today(app) + time::Duration::days(1)
}

/// A local time on a day, in the desk's zone.
pub fn at(day: Date, hh: u8, mm: u8) -> OffsetDateTime {
    day.with_time(Time::from_hms(hh, mm, 0).unwrap())
        .assume_timezone(TOKYO)
        .take_first()
        .unwrap()
}

/// A day as forms and addresses write it: `2025-04-01`.
pub fn key(day: Date) -> String {
    format!(
        "{:04}-{:02}-{:02}",
        day.year(),
        u8::from(day.month()),
        day.day()
    )
}

impl TestApp {
    /// Moves the app's clock so that it reads `at` now.
    pub fn set_now(&self, at: OffsetDateTime) {
        self.clock.advance(at - self.state().now());
    }
}
