//! Booking sessions: the free times of a mode, confirming a booking, and everything that
//! happens to a session afterwards (cancel, move, reassign, outcome, notes, reminders).
//!
//! The rule that matters most — never two sessions for one interpreter at once — is kept by
//! the database: a booking writes one `interpreter_holds` row per quarter hour it holds its
//! interpreter, under a primary key of (interpreter, cell). Whatever races happen above, the
//! second writer of a cell fails, and its transaction rolls back whole.
//!
//! This module holds what every use-case reads: the session as stored, what holds its
//! interpreter, and who is free to take it. The use-cases live by what they serve:
//! [`make`] (a customer or proxy books), [`manage`] (the manage link; cancel, move,
//! outcome and notes), [`emails`] (what the customer is told, with its calendar file),
//! [`reminders`] (the reminder before a session) and [`queries`] (what pages list).

pub mod emails;
pub mod make;
pub mod manage;
pub mod queries;
pub mod reminders;

use super::calendar::{InterpreterCard, cards, day_start, local_date};
use super::settings::DeskSettings;
use crate::domain::schedule::{self, ModeRules, SessionMode};
use crate::domain::{BookingStatus, Joining};
use crate::entities::{booking, interpreter_hold};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QuerySelect,
    SqlErr,
};
use std::collections::HashMap;
use time::{Duration, OffsetDateTime};
use time_tz::Tz;

/// How many times a confirmation is tried again after losing a race for a cell.
const ATTEMPTS: usize = 4;

/// A booking as staff and the manage page show it.
pub type Booking = booking::Model;

/// What blocked a change to a session.
#[derive(Debug, thiserror::Error)]
pub enum BookingError {
    /// The time is no longer free (or was never offered).
    #[error("that time is no longer free")]
    Taken,
    /// The interpreter asked for is not free then.
    #[error("that interpreter is not free then")]
    InterpreterBusy,
    /// Too close to the start for the customer to change it online.
    #[error("too late to change online")]
    TooLate {
        /// The last moment a change was possible.
        cutoff: OffsetDateTime,
    },
    /// The session is not booked any more (cancelled, completed, …).
    #[error("the session is not booked")]
    NotBooked,
    /// The session has not started yet, so how it went cannot be told.
    #[error("the session has not started")]
    NotStarted {
        /// When it starts.
        starts: OffsetDateTime,
    },
    /// No such session.
    #[error("no such session")]
    NotFound,
    /// The proxy booking for a customer may not (any more): the registration ended, or does
    /// not cover booking.
    #[error("the proxy may not book for this customer")]
    NotAllowed,
    /// The database failed.
    #[error(transparent)]
    Database(#[from] DbErr),
}

/// Every instant is stored in UTC: on SQLite, timestamps compare as text, so one offset
/// for all of them keeps the comparisons right.
fn utc(at: OffsetDateTime) -> OffsetDateTime {
    at.to_offset(time::UtcOffset::UTC)
}

pub(super) fn is_unique_violation(e: &DbErr) -> bool {
    matches!(e.sql_err(), Some(SqlErr::UniqueConstraintViolation(_)))
}

/// The week (Monday to Sunday, in the desk's zone) an instant falls in.
fn week_of(at: OffsetDateTime, tz: &Tz) -> (OffsetDateTime, OffsetDateTime) {
    let day = local_date(at, tz);
    let monday = day - Duration::days(i64::from(day.weekday().number_days_from_monday()));
    (
        day_start(monday, tz),
        day_start(monday + Duration::days(7), tz),
    )
}

/// How many sessions each of the given interpreters has booked in the week `start` falls in.
async fn week_counts<C: ConnectionTrait>(
    conn: &C,
    ids: &[i64],
    start: OffsetDateTime,
    tz: &Tz,
) -> Result<HashMap<i64, i64>, DbErr> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let (from, until) = week_of(start, tz);
    Ok(booking::Entity::find()
        .select_only()
        .column(booking::Column::InterpreterId)
        .column_as(booking::Column::Id.count(), "sessions")
        .filter(booking::Column::InterpreterId.is_in(ids.to_vec()))
        .filter(booking::Column::Status.eq(BookingStatus::Booked))
        .filter(booking::Column::StartsAt.gte(from))
        .filter(booking::Column::StartsAt.lt(until))
        .group_by(booking::Column::InterpreterId)
        .into_tuple::<(i64, i64)>()
        .all(conn)
        .await?
        .into_iter()
        .collect())
}

/// Whether a customer known by `email` and `member_number` has a proxy acting for them now.
async fn has_proxy<C: ConnectionTrait>(
    conn: &C,
    now: OffsetDateTime,
    email: &crate::domain::Email,
    member_number: Option<&str>,
) -> Result<bool, DbErr> {
    super::proxies::has_active_proxy(conn, now, Some(email.as_str()), member_number).await
}

/// Whether a booked session goes first to someone with care training: it was booked by a
/// proxy, or its customer has one now.
async fn wants_care<C: ConnectionTrait>(
    conn: &C,
    now: OffsetDateTime,
    b: &Booking,
) -> Result<bool, DbErr> {
    Ok(b.proxy_registration_id.is_some()
        || super::proxies::has_active_proxy(conn, now, Some(&b.email), b.member_number.as_deref())
            .await?)
}

/// Writes the cells a session holds.
pub(super) async fn hold<C: ConnectionTrait>(
    conn: &C,
    interpreter: i64,
    booking_id: i64,
    start: OffsetDateTime,
    rules: &ModeRules,
) -> Result<(), DbErr> {
    let rows: Vec<_> = schedule::cells(&schedule::held(start, rules))
        .into_iter()
        .map(|cell| interpreter_hold::ActiveModel {
            staff_user_id: Set(interpreter),
            cell_start: Set(cell.unix_timestamp()),
            booking_id: Set(booking_id),
        })
        .collect();
    interpreter_hold::Entity::insert_many(rows)
        .exec_without_returning(conn)
        .await?;
    Ok(())
}

pub(super) async fn release<C: ConnectionTrait>(conn: &C, booking_id: i64) -> Result<(), DbErr> {
    interpreter_hold::Entity::delete_many()
        .filter(interpreter_hold::Column::BookingId.eq(booking_id))
        .exec(conn)
        .await?;
    Ok(())
}

/// One session by id.
pub async fn get<C: ConnectionTrait>(conn: &C, id: i64) -> Result<Option<Booking>, DbErr> {
    booking::Entity::find_by_id(id).one(conn).await
}

/// How the customer joins a session: a booked video session at the address made from its
/// own room with the desk's template (or, with no template yet, by a link the desk sends),
/// a booked written-chat session as the chat text says, and a cancelled or finished
/// session nowhere.
pub fn joining(desk: &DeskSettings, b: &Booking) -> Joining {
    if b.status != BookingStatus::Booked {
        return Joining::Nothing;
    }
    match b.mode {
        SessionMode::SignLanguageVideo => match (&desk.room_template, &b.room) {
            (Some(template), Some(room)) => Joining::Video(template.address(room)),
            _ => Joining::VideoLinkLater,
        },
        SessionMode::WrittenChat => Joining::WrittenChat,
    }
}

/// What the customer of a session is told of its interpreter.
pub async fn interpreter_card<C: ConnectionTrait>(
    conn: &C,
    b: &Booking,
) -> Result<InterpreterCard, DbErr> {
    Ok(cards(conn, &[b.interpreter_id])
        .await?
        .remove(&b.interpreter_id)
        .unwrap_or_default())
}

/// Whether the reminder would come too late to be useful: the session starts within the
/// reminder window. The confirmation (or change) email serves instead.
fn reminder_needless(desk: &DeskSettings, start: OffsetDateTime, now: OffsetDateTime) -> bool {
    desk.reminder_hours <= 0 || start - now <= Duration::hours(desk.reminder_hours)
}
