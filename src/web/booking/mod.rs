//! The public booking pages: the journey that books a session ([`journey`]) and the pages
//! its manage link opens to see, move or cancel it ([`manage`]). Here are the pieces both
//! draw on: a week of days with free times, a day's free times, and the facts of a booked
//! session as the public pages show them.

pub mod journey;
pub mod manage;

use super::AppState;
use crate::domain::holidays::Closure;
use crate::domain::request::Topic;
use crate::domain::schedule::SessionMode;
use crate::domain::{BookingStatus, Joining, Lang};
use crate::error::Result;
use crate::services::booking;
use crate::services::booking::make::last_bookable_day;
use crate::services::calendar::{Calendar, local_date};
use crate::services::settings;
use crate::views::PageContext;
use crate::views::booking::{self as view, DayList, Session, TimeChoice};
use crate::views::components::Errors;
use serde::Deserialize;
use std::sync::Arc;
use time::{Date, Duration, OffsetDateTime};

/// Starts a booking journey with some answers already given (a proxy booking for a
/// customer, or a customer booking the session a request asked for), on a fresh cookie, at
/// the first question still open.
pub use super::journey::begin;

/// `?week=`: the week of days a day page shows, counted from this one.
#[derive(Debug, Deserialize, Default)]
#[serde(default)]
pub struct WeekQuery {
    week: String,
}

/// The furthest week a link can ask for: the longest horizon an admin can set is a year.
const MAX_WEEKS: i64 = 53;

/// How many weeks a customer can page through: up to the horizon.
fn last_week(
    state: &AppState,
    mode: SessionMode,
    desk: &settings::DeskSettings,
    today: Date,
) -> i64 {
    let last = last_bookable_day(&desk.rules(mode), state.now(), state.config.timezone);
    ((last - today).whole_days() / 7).max(0)
}

/// The days of week `n` (counting from today) with free times.
async fn week_list(state: &AppState, mode: SessionMode, raw_week: &str) -> Result<Week> {
    let tz = state.config.timezone;
    let now = state.now();
    let today = local_date(now, tz);
    let asked = crate::domain::booking::week_number(raw_week, MAX_WEEKS);
    let week = |n: i64| {
        let from = today + Duration::days(7 * n);
        state
            .calendars
            .calendar(&state.db, tz, mode, from, from + Duration::days(6))
    };
    let mut calendar = week(asked.min(MAX_WEEKS)).await?;
    let max = last_week(state, mode, &calendar.desk, today);
    let n = asked.min(max);
    if n != asked.min(MAX_WEEKS) {
        calendar = week(n).await?;
    }
    let from = today + Duration::days(7 * n);
    Ok(Week {
        number: n,
        last: max,
        from,
        days: calendar.days_with_free_times(from, 7, now),
        closed: calendar.desk.closed.between(from, from + Duration::days(6)),
    })
}

/// One week of the day page: which it is, its days with free times, and the days the desk
/// is closed in it.
struct Week {
    /// Counting from 0 for the coming seven days.
    number: i64,
    /// The last week that can be shown.
    last: i64,
    /// Its first day.
    from: Date,
    /// The days with free times, with how many.
    days: Vec<(Date, usize)>,
    /// The days the desk is closed, and why.
    closed: Vec<(Date, Closure)>,
}

/// Where a day page's form goes and how, and where its links lead.
struct DayRoutes<'a> {
    action: &'a str,
    method: &'a str,
    back: &'a str,
    week_link: &'a str,
}

fn day_page(
    ctx: &PageContext,
    routes: &DayRoutes<'_>,
    mode: SessionMode,
    week: Week,
    selected: Option<&str>,
    errors: &Errors,
) -> maud::Markup {
    let DayRoutes {
        action,
        method,
        back,
        week_link,
    } = *routes;
    view::day(
        ctx,
        &DayList {
            action,
            method,
            back,
            mode,
            week: (week.from, week.from + Duration::days(6)),
            week_number: week.number,
            week_link,
            has_next: week.number < week.last,
            days: &week.days,
            closed: &week.closed,
            selected,
        },
        errors,
    )
}

/// The week number (from today) a day falls in.
fn week_number_of(day: Date, today: Date) -> i64 {
    ((day - today).whole_days() / 7).max(0)
}

/// The free times of a day, for the time page.
async fn free_times(
    state: &AppState,
    mode: SessionMode,
    day: Date,
    ignore_booking: Option<i64>,
) -> Result<(Arc<Calendar>, Vec<OffsetDateTime>)> {
    let tz = state.config.timezone;
    let calendar = match ignore_booking {
        // Moving a session: its own hold does not count, so this calendar is its own.
        Some(id) => Arc::new(Calendar::load(&state.db, tz, mode, day, day, Some(id)).await?),
        None => {
            state
                .calendars
                .calendar(&state.db, tz, mode, day, day)
                .await?
        }
    };
    let starts = calendar.free_starts(day, state.now());
    Ok((calendar, starts))
}

fn time_choices(
    state: &AppState,
    calendar: &Calendar,
    starts: &[OffsetDateTime],
) -> Vec<TimeChoice> {
    starts
        .iter()
        .map(|s| TimeChoice {
            value: s.unix_timestamp().to_string(),
            label: view::time_range(*s, *s + calendar.rules.length, state.config.timezone),
            hint: None,
            afternoon: time_tz::OffsetDateTimeExt::to_timezone(s, state.config.timezone).hour()
                >= 12,
        })
        .collect()
}

fn parse_start(raw: &str) -> Option<OffsetDateTime> {
    crate::domain::dates::parse_unix_instant(raw).ok()
}

/// Whether the desk asked the customer to choose another time for a session still to come:
/// then they may move it until it starts, whatever the usual cut-off.
fn new_time_asked(state: &AppState, b: &booking::Booking) -> bool {
    b.rebook_asked_at.is_some() && b.starts_at > state.now()
}

/// The facts of a session for the public pages.
async fn session_facts(state: &AppState, lang: Lang, b: &booking::Booking) -> Result<SessionView> {
    let card = booking::interpreter_card(&state.db, b).await?;
    let desk = crate::services::settings::load(&state.db).await?;
    let booked = b.status == BookingStatus::Booked;
    let language_note = if booked && b.starts_at > state.now() {
        booking::emails::language_note(&state.db, lang, b, &card).await?
    } else {
        None
    };
    Ok(SessionView {
        language_note,
        new_time_asked: booked && new_time_asked(state, b),
        reference: b.reference.clone(),
        mode: b.mode,
        when: crate::i18n::format_session_time(lang, b.starts_at, b.ends_at, state.config.timezone),
        interpreter: card.display_name,
        joining: booking::joining(&desk, b),
        email: b.email.clone(),
        status: b.status,
        lost_card: b.topic == Topic::LostStolen,
    })
}

/// Owned facts, lent to the views as a [`Session`].
struct SessionView {
    language_note: Option<String>,
    new_time_asked: bool,
    reference: String,
    mode: SessionMode,
    when: String,
    interpreter: String,
    joining: Joining,
    email: String,
    status: BookingStatus,
    lost_card: bool,
}

impl SessionView {
    fn view(&self) -> Session<'_> {
        Session {
            language_note: self.language_note.as_deref(),
            new_time_asked: self.new_time_asked,
            reference: &self.reference,
            mode: self.mode,
            when: self.when.clone(),
            interpreter: &self.interpreter,
            joining: &self.joining,
            email: &self.email,
            status: self.status,
            lost_card: self.lost_card,
        }
    }
}
