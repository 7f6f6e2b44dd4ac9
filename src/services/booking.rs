//! Booking sessions: the free times of a mode, confirming a booking, and everything that
//! happens to a session afterwards (cancel, move, reassign, outcome, notes, reminders).
//!
//! The rule that matters most — never two sessions for one interpreter at once — is kept by
//! the database: a booking writes one `interpreter_holds` row per quarter hour it holds its
//! interpreter, under a primary key of (interpreter, cell). Whatever races happen above, the
//! second writer of a cell fails, and its transaction rolls back whole.

use super::Actor;
use super::audit::{self, Target};
use super::desk::{self, Desk};
use super::interpreters::{self, Exception, Weekly};
use crate::config::{Config, mail_domain};
use crate::db::begin_write;
use crate::domain::booking::Details;
use crate::domain::schedule::{
    self, Candidate, DayChange, DayQuestion, GRID_MINUTES, Interval, ModeRules, SessionMode,
};
use crate::domain::{AuditAction, BookingStatus, Lang, Qualification, Reference, Role, Token};
use crate::entities::{
    booking, booking_link, booking_note, interpreter_hold, interpreter_profile,
    staff_qualification, staff_user,
};
use crate::i18n;
use crate::mail::ics::{CalendarEvent, Method};
use crate::mail::outbox::{Attachment, OutgoingEmail};
use crate::mail::templates::{self, SessionEmail, SessionFacts};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait,
    ActiveValue::{NotSet, Set},
    ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QueryOrder,
    SqlErr,
};
use serde_json::json;
use std::collections::HashMap;
use time::{Date, Duration, OffsetDateTime};
use time_tz::{OffsetDateTimeExt, Tz};

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
    /// No such session.
    #[error("no such session")]
    NotFound,
    /// The database failed.
    #[error(transparent)]
    Database(#[from] DbErr),
}

/// Every instant is stored in UTC: on SQLite, timestamps compare as text, so one offset
/// for all of them keeps the comparisons right.
fn utc(at: OffsetDateTime) -> OffsetDateTime {
    at.to_offset(time::UtcOffset::UTC)
}

fn is_unique_violation(e: &DbErr) -> bool {
    matches!(e.sql_err(), Some(SqlErr::UniqueConstraintViolation(_)))
}

/// Everything the free-time arithmetic needs for a mode over a range of days, read in a
/// handful of queries.
#[derive(Debug, Clone)]
pub struct Calendar {
    /// The desk's settings.
    pub desk: Desk,
    /// The mode.
    pub mode: SessionMode,
    /// The mode's rules.
    pub rules: ModeRules,
    tz: &'static Tz,
    interpreters: Vec<i64>,
    weekly: Weekly,
    exceptions: HashMap<i64, Vec<Exception>>,
    holds: HashMap<i64, Vec<Interval>>,
}

/// The first instant of a local day.
pub fn day_start(day: Date, tz: &Tz) -> OffsetDateTime {
    audit::start_of_day(day, tz).to_offset(time::UtcOffset::UTC)
}

/// The local date of an instant.
pub fn local_date(at: OffsetDateTime, tz: &Tz) -> Date {
    at.to_timezone(tz).date()
}

/// The active interpreters qualified for a mode, by id.
pub async fn qualified<C: ConnectionTrait>(conn: &C, mode: SessionMode) -> Result<Vec<i64>, DbErr> {
    let ids: Vec<i64> = staff_qualification::Entity::find()
        .filter(
            staff_qualification::Column::Qualification.eq(Qualification::for_mode(mode).as_str()),
        )
        .all(conn)
        .await?
        .into_iter()
        .map(|q| q.staff_user_id)
        .collect();
    if ids.is_empty() {
        return Ok(ids);
    }
    let mut active: Vec<i64> = staff_user::Entity::find()
        .filter(staff_user::Column::Id.is_in(ids))
        .filter(staff_user::Column::Active.eq(true))
        .filter(staff_user::Column::Role.eq(Role::Interpreter.as_str()))
        .all(conn)
        .await?
        .into_iter()
        .map(|s| s.id)
        .collect();
    active.sort_unstable();
    Ok(active)
}

/// The cells held by the given interpreters between two instants, as merged intervals per
/// interpreter, leaving out one booking's own cells when asked.
async fn holds_between<C: ConnectionTrait>(
    conn: &C,
    ids: &[i64],
    from: OffsetDateTime,
    until: OffsetDateTime,
    ignore_booking: Option<i64>,
) -> Result<HashMap<i64, Vec<Interval>>, DbErr> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let mut query = interpreter_hold::Entity::find()
        .filter(interpreter_hold::Column::StaffUserId.is_in(ids.to_vec()))
        .filter(interpreter_hold::Column::CellStart.gte(from.unix_timestamp()))
        .filter(interpreter_hold::Column::CellStart.lt(until.unix_timestamp()));
    if let Some(id) = ignore_booking {
        query = query.filter(interpreter_hold::Column::BookingId.ne(id));
    }
    let mut cells: HashMap<i64, Vec<Interval>> = HashMap::new();
    for hold in query.all(conn).await? {
        let Ok(start) = OffsetDateTime::from_unix_timestamp(hold.cell_start) else {
            continue;
        };
        cells.entry(hold.staff_user_id).or_default().push(Interval {
            start,
            end: start + Duration::minutes(GRID_MINUTES),
        });
    }
    Ok(cells
        .into_iter()
        .map(|(id, list)| (id, schedule::merged(&list)))
        .collect())
}

impl Calendar {
    /// Reads what a mode's free times depend on, from `from` to `until` (inclusive), leaving
    /// out one booking's own hold (when it is being moved or reassigned).
    pub async fn load<C: ConnectionTrait>(
        conn: &C,
        tz: &'static Tz,
        mode: SessionMode,
        from: Date,
        until: Date,
        ignore_booking: Option<i64>,
    ) -> Result<Calendar, DbErr> {
        let desk = desk::load(conn).await?;
        let rules = desk.rules(mode);
        let interpreters = qualified(conn, mode).await?;
        let weekly = interpreters::weekly_of(conn, &interpreters).await?;
        let exceptions = interpreters::exceptions_between(conn, &interpreters, from, until).await?;
        // A hold from the evening before can reach into the first day.
        let holds = holds_between(
            conn,
            &interpreters,
            day_start(from, tz) - Duration::days(1),
            day_start(until.next_day().unwrap_or(until), tz) + Duration::days(1),
            ignore_booking,
        )
        .await?;
        Ok(Calendar {
            desk,
            mode,
            rules,
            tz,
            interpreters,
            weekly,
            exceptions,
            holds,
        })
    }

    /// The qualified interpreters' days, for the arithmetic.
    fn candidates(&self, day: Date) -> Vec<Candidate> {
        let weekday = day.weekday().number_from_monday();
        self.interpreters
            .iter()
            .map(|&id| {
                let usual = self
                    .weekly
                    .get(&id)
                    .and_then(|w| w.get(&weekday))
                    .cloned()
                    .unwrap_or_default();
                let changes: Vec<DayChange> = self
                    .exceptions
                    .get(&id)
                    .map(|list| {
                        list.iter()
                            .filter(|e| e.day == day)
                            .map(|e| e.change)
                            .collect()
                    })
                    .unwrap_or_default();
                Candidate {
                    interpreter_id: id,
                    available: schedule::available_on(day, self.tz, &usual, &changes),
                    held: self.holds.get(&id).cloned().unwrap_or_default(),
                }
            })
            .collect()
    }

    /// The start times a customer can choose on a day.
    pub fn free_starts(&self, day: Date, now: OffsetDateTime) -> Vec<OffsetDateTime> {
        let opening = self.desk.opening_on(day);
        let candidates = self.candidates(day);
        schedule::free_starts(&DayQuestion {
            day,
            tz: self.tz,
            opening: &opening,
            rules: &self.rules,
            now,
            candidates: &candidates,
        })
    }

    /// The qualified interpreters free for a session starting at `start`, whatever the
    /// notice and opening hours (staff may place a session anywhere an interpreter is free).
    pub fn free_interpreters(&self, start: OffsetDateTime) -> Vec<i64> {
        self.candidates(local_date(start, self.tz))
            .into_iter()
            .filter(|c| c.free_for(start, &self.rules))
            .map(|c| c.interpreter_id)
            .collect()
    }

    /// Whether a start time is one a customer could choose now.
    pub fn offers(&self, start: OffsetDateTime, now: OffsetDateTime) -> bool {
        self.free_starts(local_date(start, self.tz), now)
            .contains(&start)
    }
}

/// The last day a customer can book, counting from today in the desk's zone.
pub fn last_bookable_day(rules: &ModeRules, now: OffsetDateTime, tz: &Tz) -> Date {
    let today = local_date(now, tz);
    today
        .checked_add(Duration::days(rules.horizon_days))
        .unwrap_or(today)
}

/// The days from `from` for `days` days that have at least one free time, with how many.
pub async fn days_with_free_times<C: ConnectionTrait>(
    conn: &C,
    tz: &'static Tz,
    mode: SessionMode,
    from: Date,
    days: i64,
    now: OffsetDateTime,
) -> Result<Vec<(Date, usize)>, DbErr> {
    let until = from + Duration::days(days - 1);
    let calendar = Calendar::load(conn, tz, mode, from, until, None).await?;
    let mut out = Vec::new();
    for offset in 0..days {
        let day = from + Duration::days(offset);
        let n = calendar.free_starts(day, now).len();
        if n > 0 {
            out.push((day, n));
        }
    }
    Ok(out)
}

/// What a confirmed booking needs.
#[derive(Debug, Clone)]
pub struct NewBooking {
    /// The mode.
    pub mode: SessionMode,
    /// When it starts.
    pub start: OffsetDateTime,
    /// Who it is for.
    pub details: Details,
    /// The language of the customer's emails.
    pub lang: Lang,
}

/// A booking just confirmed.
#[derive(Debug, Clone)]
pub struct Confirmed {
    /// The booking.
    pub booking: Booking,
    /// The interpreter's display name.
    pub interpreter: String,
    /// The token of the manage link in the confirmation email.
    pub manage_token: Token,
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

/// Among free interpreters, the one with the fewest sessions that week; ties go to the
/// lowest id, so the choice is stable.
async fn least_booked<C: ConnectionTrait>(
    conn: &C,
    free: &[i64],
    start: OffsetDateTime,
    tz: &Tz,
) -> Result<Option<i64>, DbErr> {
    if free.is_empty() {
        return Ok(None);
    }
    let (from, until) = week_of(start, tz);
    let mut counts: HashMap<i64, usize> = free.iter().map(|&id| (id, 0)).collect();
    for b in booking::Entity::find()
        .filter(booking::Column::InterpreterId.is_in(free.to_vec()))
        .filter(booking::Column::Status.eq(BookingStatus::Booked.as_str()))
        .filter(booking::Column::StartsAt.gte(from))
        .filter(booking::Column::StartsAt.lt(until))
        .all(conn)
        .await?
    {
        *counts.entry(b.interpreter_id).or_default() += 1;
    }
    Ok(free.iter().copied().min_by_key(|id| (counts[id], *id)))
}

/// Writes the cells a session holds.
async fn hold<C: ConnectionTrait>(
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

async fn release<C: ConnectionTrait>(conn: &C, booking_id: i64) -> Result<(), DbErr> {
    interpreter_hold::Entity::delete_many()
        .filter(interpreter_hold::Column::BookingId.eq(booking_id))
        .exec(conn)
        .await?;
    Ok(())
}

/// Makes a new manage link for a session and returns its token.
async fn new_link<C: ConnectionTrait>(
    conn: &C,
    now: OffsetDateTime,
    booking_id: i64,
) -> Result<Token, DbErr> {
    let token = Token::generate();
    booking_link::Entity::insert(booking_link::ActiveModel {
        token_hash: Set(token.hash()),
        booking_id: Set(booking_id),
        created_at: Set(now),
    })
    .exec_without_returning(conn)
    .await?;
    Ok(token)
}

/// The session a manage link opens.
pub async fn by_link<C: ConnectionTrait>(
    conn: &C,
    token: &Token,
) -> Result<Option<Booking>, DbErr> {
    let Some(link) = booking_link::Entity::find_by_id(token.hash())
        .one(conn)
        .await?
    else {
        return Ok(None);
    };
    booking::Entity::find_by_id(link.booking_id).one(conn).await
}

/// One session by id.
pub async fn get<C: ConnectionTrait>(conn: &C, id: i64) -> Result<Option<Booking>, DbErr> {
    booking::Entity::find_by_id(id).one(conn).await
}

/// A session's start and end written for people: `2026年11月24日(火) 14:00–14:30`.
pub fn when(lang: Lang, start: OffsetDateTime, end: OffsetDateTime, tz: &Tz) -> String {
    let local_end = end.to_timezone(tz);
    format!(
        "{}–{:02}:{:02}",
        i18n::format_datetime(lang, start, tz),
        local_end.hour(),
        local_end.minute()
    )
}

/// The name of a mode in a language.
pub fn mode_name(lang: Lang, mode: SessionMode) -> &'static str {
    let key = match mode {
        SessionMode::SignLanguageVideo => "mode.sign_language_video",
        SessionMode::WrittenChat => "mode.written_chat",
    };
    i18n::t(lang, key)
}

/// Writes an email about a session into the outbox, with its calendar file.
async fn tell_customer<C: ConnectionTrait>(
    conn: &C,
    now: OffsetDateTime,
    config: &Config,
    b: &Booking,
    which: SessionEmail,
    manage: Option<&Token>,
) -> Result<(), DbErr> {
    let lang = Lang::from_code(&b.lang).unwrap_or_default();
    let mode = SessionMode::parse(&b.mode).unwrap_or(SessionMode::WrittenChat);
    let interpreter = staff_user::Entity::find_by_id(b.interpreter_id)
        .one(conn)
        .await?
        .map(|s| s.display_name)
        .unwrap_or_default();
    let join_url = interpreter_profile::Entity::find_by_id(b.interpreter_id)
        .one(conn)
        .await?
        .map(|p| p.join_url);
    let manage_link = manage.map(|t| config.link(&format!("/bookings/{}", t.expose())));
    let tz = config.timezone;
    let when = when(lang, b.starts_at, b.ends_at, tz);
    let facts = SessionFacts {
        reference: &b.reference,
        customer_name: &b.customer_name,
        mode_name: mode_name(lang, mode),
        when: &when,
        interpreter: &interpreter,
        join_url: join_url.as_deref(),
        manage_link: manage_link.as_deref(),
    };
    let message = templates::session(lang, which, &facts);
    let host = mail_domain(&config.base_url);
    let mut description = vec![
        i18n::tf(lang, "email.reference", &[("reference", &b.reference)]),
        i18n::tf(lang, "email.session.interpreter", &[("name", &interpreter)]),
    ];
    if let Some(url) = &join_url {
        description.push(url.clone());
    }
    if let Some(link) = &manage_link {
        description.push(format!("{}: {link}", i18n::t(lang, "email.session.manage")));
    }
    let event = CalendarEvent {
        uid: format!("{}@{host}", b.reference),
        sequence: b.sequence.max(0) as u32,
        stamp: now,
        start: b.starts_at,
        end: b.ends_at,
        summary: format!("{} ({})", mode_name(lang, mode), i18n::t(lang, "site.name")),
        description: description.join("\n"),
        location: join_url.clone(),
        method: if which == SessionEmail::Cancelled {
            Method::Cancel
        } else {
            Method::Request
        },
    };
    let Ok(recipient) = crate::domain::Email::parse(&b.email) else {
        return Ok(());
    };
    crate::mail::enqueue(
        conn,
        now,
        &host,
        OutgoingEmail {
            kind: which.kind(),
            recipient,
            lang,
            message,
            attachments: vec![Attachment {
                filename: format!("{}.ics", b.reference),
                content_type: event.content_type().to_owned(),
                content: event.render(),
            }],
        },
    )
    .await?;
    Ok(())
}

/// Whether the reminder would come too late to be useful: the session starts within the
/// reminder window. The confirmation (or change) email serves instead.
fn reminder_needless(desk: &Desk, start: OffsetDateTime, now: OffsetDateTime) -> bool {
    desk.reminder_hours <= 0 || start - now <= Duration::hours(desk.reminder_hours)
}

/// Confirms a booking: checks again that the time is free, picks the least-booked free
/// interpreter, and writes the booking, its held cells, its audit row, its manage link and
/// its confirmation email in one transaction. The journey `draft` names, if any, is
/// emptied in the same transaction, keeping only which booking it made. When another
/// booking took the time meanwhile, answers [`BookingError::Taken`].
pub async fn confirm(
    db: &DatabaseConnection,
    now: OffsetDateTime,
    config: &Config,
    actor: &Actor,
    new: &NewBooking,
    draft: Option<&Token>,
) -> Result<Confirmed, BookingError> {
    for _ in 0..ATTEMPTS {
        match try_confirm(db, now, config, actor, new, draft).await {
            // Another transaction wrote one of our cells (or our reference) first: look again.
            Err(BookingError::Database(e)) if is_unique_violation(&e) => continue,
            other => return other,
        }
    }
    Err(BookingError::Taken)
}

async fn try_confirm(
    db: &DatabaseConnection,
    now: OffsetDateTime,
    config: &Config,
    actor: &Actor,
    new: &NewBooking,
    draft: Option<&Token>,
) -> Result<Confirmed, BookingError> {
    let tz = config.timezone;
    let new = &NewBooking {
        start: utc(new.start),
        ..new.clone()
    };
    let day = local_date(new.start, tz);
    let txn = begin_write(db).await?;
    let calendar = Calendar::load(&txn, tz, new.mode, day, day, None).await?;
    if !calendar.offers(new.start, now) {
        return Err(BookingError::Taken);
    }
    let free = calendar.free_interpreters(new.start);
    let Some(interpreter) = least_booked(&txn, &free, new.start, tz).await? else {
        return Err(BookingError::Taken);
    };
    let d = &new.details;
    let rules = calendar.rules;
    let row = booking::ActiveModel {
        id: NotSet,
        reference: Set(Reference::generate('S').as_str().to_owned()),
        mode: Set(new.mode.as_str().to_owned()),
        status: Set(BookingStatus::Booked.as_str().to_owned()),
        starts_at: Set(new.start),
        ends_at: Set(new.start + rules.length),
        interpreter_id: Set(interpreter),
        customer_name: Set(d.name.clone()),
        email: Set(d.email.as_str().to_owned()),
        member_number: Set(d.member_number.clone()),
        topic: Set(d.topic.clone()),
        topic_other: Set(d.topic_other.clone()),
        sign_language: Set(d.sign_language.clone()),
        sign_language_other: Set(d.sign_language_other.clone()),
        needs: Set(d.needs.clone()),
        lang: Set(new.lang.code().to_owned()),
        sequence: Set(0),
        reminder_sent_at: Set(reminder_needless(&calendar.desk, new.start, now).then_some(now)),
        cancelled_at: Set(None),
        cancel_reason: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await?;
    hold(&txn, interpreter, row.id, new.start, &rules).await?;
    audit::record(
        &txn,
        now,
        actor,
        AuditAction::BookingCreated,
        Some(Target::booking(row.id)),
        json!({ "reference": row.reference, "mode": row.mode, "starts_at": row.starts_at.unix_timestamp(),
                "interpreter_id": interpreter }),
    )
    .await?;
    let token = new_link(&txn, now, row.id).await?;
    tell_customer(&txn, now, config, &row, SessionEmail::Booked, Some(&token)).await?;
    if let Some(token) = draft {
        let done = crate::domain::booking::Draft {
            confirmed: Some(row.id),
            ..Default::default()
        };
        super::drafts::save(&txn, now, token, &done).await?;
    }
    txn.commit().await?;
    let interpreter = staff_user::Entity::find_by_id(interpreter)
        .one(db)
        .await?
        .map(|s| s.display_name)
        .unwrap_or_default();
    Ok(Confirmed {
        booking: row,
        interpreter,
        manage_token: token,
    })
}

/// Who is changing a session: the customer by their link (bound by the cut-off) or staff.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChangedBy {
    /// The customer, through a manage link.
    Customer,
    /// A staff member.
    Staff,
}

/// The last moment the customer can change or cancel a session online.
pub fn cutoff(rules: &ModeRules, b: &Booking) -> OffsetDateTime {
    b.starts_at - rules.cancel_cutoff
}

async fn booked_for_change<C: ConnectionTrait>(
    conn: &C,
    now: OffsetDateTime,
    id: i64,
    by: ChangedBy,
) -> Result<(Booking, Desk, ModeRules), BookingError> {
    let b = get(conn, id).await?.ok_or(BookingError::NotFound)?;
    if BookingStatus::parse(&b.status) != Some(BookingStatus::Booked) {
        return Err(BookingError::NotBooked);
    }
    let desk = desk::load(conn).await?;
    let mode = SessionMode::parse(&b.mode).unwrap_or(SessionMode::WrittenChat);
    let rules = desk.rules(mode);
    let cutoff = cutoff(&rules, &b);
    if by == ChangedBy::Customer && now > cutoff {
        return Err(BookingError::TooLate { cutoff });
    }
    Ok((b, desk, rules))
}

/// Cancels a session: frees its interpreter, tells the customer, records who and why.
pub async fn cancel(
    db: &DatabaseConnection,
    now: OffsetDateTime,
    config: &Config,
    actor: &Actor,
    id: i64,
    by: ChangedBy,
    reason: Option<String>,
) -> Result<Booking, BookingError> {
    let txn = begin_write(db).await?;
    let (b, _, _) = booked_for_change(&txn, now, id, by).await?;
    release(&txn, b.id).await?;
    let mut row: booking::ActiveModel = b.into();
    row.status = Set(BookingStatus::Cancelled.as_str().to_owned());
    row.cancelled_at = Set(Some(now));
    row.cancel_reason = Set(reason.clone());
    row.sequence = Set(row.sequence.as_ref() + 1);
    row.updated_at = Set(now);
    let b = row.update(&txn).await?;
    audit::record(
        &txn,
        now,
        actor,
        AuditAction::BookingCancelled,
        Some(Target::booking(b.id)),
        json!({ "reference": b.reference, "by": match by { ChangedBy::Customer => "customer", ChangedBy::Staff => "staff" },
                "reason": reason }),
    )
    .await?;
    tell_customer(&txn, now, config, &b, SessionEmail::Cancelled, None).await?;
    txn.commit().await?;
    Ok(b)
}

/// Moves a session to another free time. With `keep_interpreter`, only its interpreter
/// will do; otherwise the least-booked free one is chosen (its own interpreter first when
/// free). The customer gets the new time with the next calendar `SEQUENCE`.
#[allow(clippy::too_many_arguments)]
pub async fn reschedule(
    db: &DatabaseConnection,
    now: OffsetDateTime,
    config: &Config,
    actor: &Actor,
    id: i64,
    by: ChangedBy,
    start: OffsetDateTime,
    keep_interpreter: bool,
) -> Result<Booking, BookingError> {
    for _ in 0..ATTEMPTS {
        match try_reschedule(db, now, config, actor, id, by, start, keep_interpreter).await {
            Err(BookingError::Database(e)) if is_unique_violation(&e) => continue,
            other => return other,
        }
    }
    Err(BookingError::Taken)
}

#[allow(clippy::too_many_arguments)]
async fn try_reschedule(
    db: &DatabaseConnection,
    now: OffsetDateTime,
    config: &Config,
    actor: &Actor,
    id: i64,
    by: ChangedBy,
    start: OffsetDateTime,
    keep_interpreter: bool,
) -> Result<Booking, BookingError> {
    let tz = config.timezone;
    let start = utc(start);
    let txn = begin_write(db).await?;
    let (b, _, rules) = booked_for_change(&txn, now, id, by).await?;
    let mode = SessionMode::parse(&b.mode).unwrap_or(SessionMode::WrittenChat);
    let day = local_date(start, tz);
    let calendar = Calendar::load(&txn, tz, mode, day, day, Some(b.id)).await?;
    if !calendar.offers(start, now) {
        return Err(BookingError::Taken);
    }
    let free = calendar.free_interpreters(start);
    let interpreter = if free.contains(&b.interpreter_id) {
        b.interpreter_id
    } else if keep_interpreter {
        return Err(BookingError::InterpreterBusy);
    } else {
        least_booked(&txn, &free, start, tz)
            .await?
            .ok_or(BookingError::Taken)?
    };
    release(&txn, b.id).await?;
    hold(&txn, interpreter, b.id, start, &rules).await?;
    let before = b.starts_at;
    let previous_interpreter = b.interpreter_id;
    let mut row: booking::ActiveModel = b.into();
    row.starts_at = Set(start);
    row.ends_at = Set(start + rules.length);
    row.interpreter_id = Set(interpreter);
    row.sequence = Set(row.sequence.as_ref() + 1);
    row.reminder_sent_at = Set(reminder_needless(&calendar.desk, start, now).then_some(now));
    row.updated_at = Set(now);
    let b = row.update(&txn).await?;
    audit::record(
        &txn,
        now,
        actor,
        AuditAction::BookingRescheduled,
        Some(Target::booking(b.id)),
        json!({ "reference": b.reference, "from": before.unix_timestamp(), "to": start.unix_timestamp(),
                "interpreter_from": previous_interpreter, "interpreter_to": interpreter }),
    )
    .await?;
    let token = new_link(&txn, now, b.id).await?;
    tell_customer(&txn, now, config, &b, SessionEmail::Moved, Some(&token)).await?;
    txn.commit().await?;
    Ok(b)
}

/// The interpreters staff may give a session to: qualified, active and free then.
pub async fn reassign_choices<C: ConnectionTrait>(
    conn: &C,
    tz: &'static Tz,
    b: &Booking,
) -> Result<Vec<i64>, DbErr> {
    let mode = SessionMode::parse(&b.mode).unwrap_or(SessionMode::WrittenChat);
    let day = local_date(b.starts_at, tz);
    let calendar = Calendar::load(conn, tz, mode, day, day, Some(b.id)).await?;
    Ok(calendar
        .free_interpreters(b.starts_at)
        .into_iter()
        .filter(|id| *id != b.interpreter_id)
        .collect())
}

/// Gives a session to another qualified, free interpreter (staff only) and tells the
/// customer.
pub async fn reassign(
    db: &DatabaseConnection,
    now: OffsetDateTime,
    config: &Config,
    actor: &Actor,
    id: i64,
    interpreter: i64,
) -> Result<Booking, BookingError> {
    let tz = config.timezone;
    let result = async {
        let txn = begin_write(db).await?;
        let (b, _, rules) = booked_for_change(&txn, now, id, ChangedBy::Staff).await?;
        if !reassign_choices(&txn, tz, &b).await?.contains(&interpreter) {
            return Err(BookingError::InterpreterBusy);
        }
        release(&txn, b.id).await?;
        hold(&txn, interpreter, b.id, b.starts_at, &rules).await?;
        let previous = b.interpreter_id;
        let mut row: booking::ActiveModel = b.into();
        row.interpreter_id = Set(interpreter);
        row.sequence = Set(row.sequence.as_ref() + 1);
        row.updated_at = Set(now);
        let b = row.update(&txn).await?;
        audit::record(
            &txn,
            now,
            actor,
            AuditAction::BookingReassigned,
            Some(Target::booking(b.id)),
            json!({ "reference": b.reference, "interpreter_from": previous, "interpreter_to": interpreter }),
        )
        .await?;
        let token = new_link(&txn, now, b.id).await?;
        tell_customer(
            &txn,
            now,
            config,
            &b,
            SessionEmail::InterpreterChanged,
            Some(&token),
        )
        .await?;
        txn.commit().await?;
        Ok(b)
    }
    .await;
    match result {
        // The interpreter was booked by someone else between the check and the write.
        Err(BookingError::Database(e)) if is_unique_violation(&e) => {
            Err(BookingError::InterpreterBusy)
        }
        other => other,
    }
}

/// Records how a session went: completed, or a no-show by the customer or the interpreter.
pub async fn set_outcome(
    db: &DatabaseConnection,
    now: OffsetDateTime,
    actor: &Actor,
    id: i64,
    outcome: BookingStatus,
) -> Result<Booking, BookingError> {
    let txn = begin_write(db).await?;
    let b = get(&txn, id).await?.ok_or(BookingError::NotFound)?;
    if BookingStatus::parse(&b.status) == Some(BookingStatus::Cancelled)
        || outcome == BookingStatus::Cancelled
    {
        return Err(BookingError::NotBooked);
    }
    let previous = b.status.clone();
    let mut row: booking::ActiveModel = b.into();
    row.status = Set(outcome.as_str().to_owned());
    row.updated_at = Set(now);
    let b = row.update(&txn).await?;
    audit::record(
        &txn,
        now,
        actor,
        AuditAction::BookingStatusChanged,
        Some(Target::booking(b.id)),
        json!({ "reference": b.reference, "from": previous, "to": outcome.as_str() }),
    )
    .await?;
    txn.commit().await?;
    Ok(b)
}

/// An internal note with its author's display name.
#[derive(Debug, Clone)]
pub struct Note {
    /// Who wrote it.
    pub author: String,
    /// When.
    pub at: OffsetDateTime,
    /// What.
    pub body: String,
}

/// Adds an internal note to a session.
pub async fn add_note(
    db: &DatabaseConnection,
    now: OffsetDateTime,
    actor: &Actor,
    staff_id: i64,
    id: i64,
    body: &str,
) -> Result<(), BookingError> {
    let txn = begin_write(db).await?;
    let b = get(&txn, id).await?.ok_or(BookingError::NotFound)?;
    booking_note::Entity::insert(booking_note::ActiveModel {
        id: NotSet,
        booking_id: Set(b.id),
        staff_user_id: Set(staff_id),
        body: Set(body.to_owned()),
        created_at: Set(now),
    })
    .exec_without_returning(&txn)
    .await?;
    audit::record(
        &txn,
        now,
        actor,
        AuditAction::BookingNoteAdded,
        Some(Target::booking(b.id)),
        json!({ "reference": b.reference }),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// A session's notes, oldest first.
pub async fn notes<C: ConnectionTrait>(conn: &C, id: i64) -> Result<Vec<Note>, DbErr> {
    let rows = booking_note::Entity::find()
        .filter(booking_note::Column::BookingId.eq(id))
        .order_by_asc(booking_note::Column::CreatedAt)
        .order_by_asc(booking_note::Column::Id)
        .all(conn)
        .await?;
    let names = display_names(conn).await?;
    Ok(rows
        .into_iter()
        .map(|n| Note {
            author: names.get(&n.staff_user_id).cloned().unwrap_or_default(),
            at: n.created_at,
            body: n.body,
        })
        .collect())
}

/// Every staff member's display name, by id.
pub async fn display_names<C: ConnectionTrait>(conn: &C) -> Result<HashMap<i64, String>, DbErr> {
    Ok(staff_user::Entity::find()
        .all(conn)
        .await?
        .into_iter()
        .map(|s| (s.id, s.display_name))
        .collect())
}

/// Sessions starting between two instants, optionally of one mode or one interpreter,
/// by start.
pub async fn between<C: ConnectionTrait>(
    conn: &C,
    from: OffsetDateTime,
    until: OffsetDateTime,
    mode: Option<SessionMode>,
    interpreter: Option<i64>,
) -> Result<Vec<Booking>, DbErr> {
    let mut query = booking::Entity::find()
        .filter(booking::Column::StartsAt.gte(utc(from)))
        .filter(booking::Column::StartsAt.lt(utc(until)));
    if let Some(mode) = mode {
        query = query.filter(booking::Column::Mode.eq(mode.as_str()));
    }
    if let Some(id) = interpreter {
        query = query.filter(booking::Column::InterpreterId.eq(id));
    }
    query
        .order_by_asc(booking::Column::StartsAt)
        .order_by_asc(booking::Column::Id)
        .all(conn)
        .await
}

/// Sends every reminder that is due: sessions still booked, starting within the reminder
/// window, not reminded yet. Each is claimed by a conditional update in its own
/// transaction with its email, so two app instances never send one reminder twice.
pub async fn send_due_reminders(
    db: &DatabaseConnection,
    now: OffsetDateTime,
    config: &Config,
) -> Result<usize, DbErr> {
    let desk = desk::load(db).await?;
    if desk.reminder_hours <= 0 {
        return Ok(0);
    }
    let due = booking::Entity::find()
        .filter(booking::Column::Status.eq(BookingStatus::Booked.as_str()))
        .filter(booking::Column::ReminderSentAt.is_null())
        .filter(booking::Column::StartsAt.gt(utc(now)))
        .filter(booking::Column::StartsAt.lte(utc(now) + Duration::hours(desk.reminder_hours)))
        .all(db)
        .await?;
    let mut sent = 0;
    for b in due {
        let txn = begin_write(db).await?;
        let claimed = booking::Entity::update_many()
            .col_expr(booking::Column::ReminderSentAt, Expr::value(now))
            .filter(booking::Column::Id.eq(b.id))
            .filter(booking::Column::ReminderSentAt.is_null())
            .filter(booking::Column::Status.eq(BookingStatus::Booked.as_str()))
            .exec(&txn)
            .await?
            .rows_affected
            == 1;
        if claimed {
            let token = new_link(&txn, now, b.id).await?;
            tell_customer(&txn, now, config, &b, SessionEmail::Reminder, Some(&token)).await?;
            sent += 1;
        }
        txn.commit().await?;
    }
    Ok(sent)
}
