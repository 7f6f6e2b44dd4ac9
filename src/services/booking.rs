//! Booking sessions: the free times of a mode, confirming a booking, and everything that
//! happens to a session afterwards (cancel, move, reassign, outcome, notes, reminders).
//!
//! The rule that matters most — never two sessions for one interpreter at once — is kept by
//! the database: a booking writes one `interpreter_holds` row per quarter hour it holds its
//! interpreter, under a primary key of (interpreter, cell). Whatever races happen above, the
//! second writer of a cell fails, and its transaction rolls back whole.

use super::Actor;
use super::audit::{self, Target};
use super::calendar::{InterpreterCard, ScheduleCache, cards, commit_holds_change};
use super::desk::{self, Desk};
use super::proxy_handover::{self, Correspondent};
use crate::config::{Config, mail_domain};
use crate::db::begin_write;
use crate::domain::booking::Details;
use crate::domain::request::Topic;
use crate::domain::schedule::{self, ModeRules, SessionMode};
use crate::domain::{AuditAction, BookingStatus, Joining, Lang, Reference, Room, Token};
use crate::entities::{booking, booking_link, booking_note, interpreter_hold, staff_user};
use crate::i18n;
use crate::mail::ics::{CalendarEvent, Method};
use crate::mail::outbox::{Attachment, OutgoingEmail};
use crate::mail::templates::{self, SessionEmail, SessionFacts};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait,
    ActiveValue::{NotSet, Set},
    ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, SqlErr,
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

pub use super::calendar::{Calendar, Roster, day_start, local_date, qualified};

/// The last day a customer can book, counting from today in the desk's zone.
pub fn last_bookable_day(rules: &ModeRules, now: OffsetDateTime, tz: &Tz) -> Date {
    let today = local_date(now, tz);
    today
        .checked_add(Duration::days(rules.horizon_days))
        .unwrap_or(today)
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
    /// When a proxy books for the customer they act for.
    pub on_behalf: Option<OnBehalf>,
    /// The support request the session is booked to answer.
    pub request_id: Option<i64>,
}

/// A session a proxy books for a customer, under one of their registrations.
#[derive(Debug, Clone)]
pub struct OnBehalf {
    /// The proxy account booking.
    pub proxy_id: i64,
    /// The registration they act under.
    pub registration_id: i64,
    /// The customer's own address, for a copy of the emails.
    pub copy_to: Option<crate::domain::Email>,
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
        .filter(booking::Column::Status.eq(BookingStatus::Booked.as_str()))
        .filter(booking::Column::StartsAt.gte(from))
        .filter(booking::Column::StartsAt.lt(until))
        .group_by(booking::Column::InterpreterId)
        .into_tuple::<(i64, i64)>()
        .all(conn)
        .await?
        .into_iter()
        .collect())
}

/// Among free interpreters, the one with the fewest sessions that week; ties go to the
/// lowest id, so the choice is stable.
fn least_booked(free: &[i64], counts: &HashMap<i64, i64>) -> Option<i64> {
    free.iter()
        .copied()
        .min_by_key(|id| (counts.get(id).copied().unwrap_or(0), *id))
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

/// Makes a new manage link for a session and returns its token. A link made for the proxy
/// who booked it names their registration, and works only while it lets them act; a link
/// made for the customer names none, and is hers to keep.
pub(super) async fn new_link<C: ConnectionTrait>(
    conn: &C,
    now: OffsetDateTime,
    booking_id: i64,
    proxy_registration_id: Option<i64>,
) -> Result<Token, DbErr> {
    let token = Token::generate();
    booking_link::Entity::insert(booking_link::ActiveModel {
        token_hash: Set(token.hash()),
        booking_id: Set(booking_id),
        created_at: Set(now),
        proxy_registration_id: Set(proxy_registration_id),
    })
    .exec_without_returning(conn)
    .await?;
    Ok(token)
}

/// A fresh manage link for a session, for a proxy opening it from the portal under their
/// registration.
pub async fn manage_link(
    db: &DatabaseConnection,
    now: OffsetDateTime,
    booking_id: i64,
    proxy_registration_id: i64,
) -> Result<Token, DbErr> {
    let txn = begin_write(db).await?;
    let token = new_link(&txn, now, booking_id, Some(proxy_registration_id)).await?;
    txn.commit().await?;
    Ok(token)
}

/// The sessions booked under a proxy registration, the latest first.
pub async fn under_registration<C: ConnectionTrait>(
    conn: &C,
    registration_id: i64,
) -> Result<Vec<Booking>, DbErr> {
    booking::Entity::find()
        .filter(booking::Column::ProxyRegistrationId.eq(registration_id))
        .order_by_desc(booking::Column::StartsAt)
        .all(conn)
        .await
}

/// A session opened by its manage link, and who holds the link.
#[derive(Debug, Clone)]
pub struct Managed {
    /// The session.
    pub booking: Booking,
    /// The registration of the proxy the link was made for; none when it is the
    /// customer's own.
    pub proxy_registration_id: Option<i64>,
}

/// The session a manage link opens.
pub async fn by_link<C: ConnectionTrait>(
    conn: &C,
    token: &Token,
) -> Result<Option<Managed>, DbErr> {
    let Some(link) = booking_link::Entity::find_by_id(token.hash())
        .one(conn)
        .await?
    else {
        return Ok(None);
    };
    Ok(booking::Entity::find_by_id(link.booking_id)
        .one(conn)
        .await?
        .map(|booking| Managed {
            booking,
            proxy_registration_id: link.proxy_registration_id,
        }))
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

/// How the customer joins a session: a booked video session at the address made from its
/// own room with the desk's template (or, with no template yet, by a link the desk sends),
/// a booked written-chat session as the chat text says, and a cancelled or finished
/// session nowhere.
pub fn joining(desk: &Desk, b: &Booking) -> Joining {
    if BookingStatus::parse(&b.status) != Some(BookingStatus::Booked) {
        return Joining::Nothing;
    }
    match SessionMode::parse(&b.mode) {
        Some(SessionMode::SignLanguageVideo) => match (&desk.room_template, &b.room) {
            (Some(template), Some(room)) => Joining::Video(template.address(room)),
            _ => Joining::VideoLinkLater,
        },
        Some(SessionMode::WrittenChat) | None => Joining::WrittenChat,
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

/// Writes the emails about a session into the outbox, with its calendar file, and, when
/// `with_link`, a fresh manage link for whoever manages the session; gives back that link's
/// token (none when nobody could be written to).
///
/// A session a proxy booked is the proxy's to manage while their registration lets them
/// act: the email goes to them, saying whom it is for, and a copy (without the manage
/// link) to the customer when she gave an address. Once the registration has ended or
/// expired the session is the customer's: the email goes to her alone, with a link of her
/// own, and the proxy is told nothing more.
#[allow(clippy::too_many_arguments)]
pub(super) async fn tell_customer<C: ConnectionTrait>(
    conn: &C,
    now: OffsetDateTime,
    config: &Config,
    desk: &Desk,
    b: &Booking,
    card: &InterpreterCard,
    which: SessionEmail,
    with_link: bool,
) -> Result<Option<Token>, DbErr> {
    let lang = Lang::from_code(&b.lang).unwrap_or_default();
    let link = |token: &Token| config.link(&format!("/bookings/{}", token.expose()));
    match proxy_handover::correspondent(conn, now, b.proxy_registration_id).await? {
        None => {
            let token = match with_link {
                true => Some(new_link(conn, now, b.id, None).await?),
                false => None,
            };
            let url = token.as_ref().map(link);
            let letter = Letter {
                to: &b.email,
                greeting: &b.customer_name,
                note: None,
                aside: None,
                manage_link: url.as_deref(),
                own_thread: true,
            };
            send_session_email(conn, now, config, desk, b, card, which, lang, &letter).await?;
            Ok(token)
        }
        Some(Correspondent::Proxy(r)) => {
            let token = match with_link {
                true => Some(new_link(conn, now, b.id, Some(r.id)).await?),
                false => None,
            };
            let url = token.as_ref().map(link);
            let for_customer = i18n::tf(
                lang,
                "email.session.for_customer",
                &[("customer", &b.customer_name)],
            );
            let to_proxy = Letter {
                to: &b.email,
                greeting: &r.proxy_full_name,
                note: Some(&for_customer),
                aside: None,
                manage_link: url.as_deref(),
                own_thread: true,
            };
            send_session_email(conn, now, config, desk, b, card, which, lang, &to_proxy).await?;
            if let Some(copy) = b.copy_email.as_deref() {
                let lang = proxy_handover::customer_lang(&r);
                let by_proxy = i18n::tf(
                    lang,
                    "email.session.by_proxy",
                    &[("proxy", &r.proxy_full_name)],
                );
                let not_wanted = proxy_handover::not_wanted(config, &r);
                let to_customer = Letter {
                    to: copy,
                    greeting: &b.customer_name,
                    note: Some(&by_proxy),
                    aside: Some(&not_wanted),
                    manage_link: None,
                    own_thread: false,
                };
                send_session_email(conn, now, config, desk, b, card, which, lang, &to_customer)
                    .await?;
            }
            Ok(token)
        }
        Some(Correspondent::Customer(r)) => {
            let Some(address) = proxy_handover::customer_email(&r) else {
                // Nobody to write to: staff see on the session's page how to reach her.
                return Ok(None);
            };
            let token = match with_link {
                true => Some(new_link(conn, now, b.id, None).await?),
                false => None,
            };
            let url = token.as_ref().map(link);
            let lang = proxy_handover::customer_lang(&r);
            let handed = i18n::tf(
                lang,
                "email.session.proxy_ended",
                &[("proxy", &r.proxy_full_name)],
            );
            let to_customer = Letter {
                to: address.as_str(),
                greeting: &b.customer_name,
                note: Some(&handed),
                aside: None,
                manage_link: url.as_deref(),
                own_thread: true,
            };
            send_session_email(conn, now, config, desk, b, card, which, lang, &to_customer).await?;
            Ok(token)
        }
    }
}

/// One email about a session: to whom, how it greets them, a line saying whom the session
/// is for or who booked it, a last paragraph for a copy, the manage link if this reader
/// gets it, and whether its way back is the thread of the request the session answers (the
/// customer's copy of a proxy's booking is not: the proxy follows that thread in their
/// portal).
struct Letter<'a> {
    to: &'a str,
    greeting: &'a str,
    note: Option<&'a str>,
    aside: Option<&'a str>,
    manage_link: Option<&'a str>,
    own_thread: bool,
}

#[allow(clippy::too_many_arguments)]
async fn send_session_email<C: ConnectionTrait>(
    conn: &C,
    now: OffsetDateTime,
    config: &Config,
    desk: &Desk,
    b: &Booking,
    card: &InterpreterCard,
    which: SessionEmail,
    lang: Lang,
    letter: &Letter<'_>,
) -> Result<(), DbErr> {
    let Ok(recipient) = crate::domain::Email::parse(letter.to) else {
        return Ok(());
    };
    let mode = SessionMode::parse(&b.mode).unwrap_or(SessionMode::WrittenChat);
    let interpreter = &card.display_name;
    let joining = joining(desk, b);
    let tz = config.timezone;
    let when = when(lang, b.starts_at, b.ends_at, tz);
    let thread = match b.request_id {
        Some(id) if letter.own_thread => {
            super::requests::thread_link_for_email(conn, now, config, id).await?
        }
        _ => None,
    };
    let way_back = super::contact::way_back(conn, config, thread).await?;
    let card_stop = if b.topic == Topic::LostStolen.as_str() {
        Some(super::contact::load(conn, config).await?.card_stop)
    } else {
        None
    };
    let language_note = match which {
        SessionEmail::Cancelled => None,
        _ => language_note(conn, lang, b, card).await?,
    };
    let facts = SessionFacts {
        reference: &b.reference,
        greeting_name: letter.greeting,
        note: letter.note,
        aside: letter.aside,
        mode_name: mode_name(lang, mode),
        when: &when,
        interpreter,
        joining: &joining,
        manage_link: letter.manage_link,
        language_note: language_note.as_deref(),
        lost_card: card_stop.as_ref(),
        way_back: &way_back,
    };
    let message = templates::session(lang, which, &facts);
    let host = mail_domain(&config.base_url);
    let mut description = vec![
        i18n::tf(lang, "email.reference", &[("reference", &b.reference)]),
        i18n::tf(lang, "email.session.interpreter", &[("name", interpreter)]),
    ];
    if let Some(url) = joining.address() {
        description.push(url.to_owned());
    }
    if let Some(link) = letter.manage_link {
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
        location: joining.address().map(str::to_owned),
        method: if which == SessionEmail::Cancelled {
            Method::Cancel
        } else {
            Method::Request
        },
        organizer: crate::mail::transport::parse_mailbox(&config.mail_from)
            .ok()
            .map(|m| m.email.to_string()),
        attendee: Some(recipient.as_str().to_owned()),
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

/// What the customer is told when the interpreter of their session does not sign the
/// language they asked for: plainly, and what the desk does next.
pub async fn language_note<C: ConnectionTrait>(
    conn: &C,
    lang: Lang,
    b: &Booking,
    card: &InterpreterCard,
) -> Result<Option<String>, DbErr> {
    let signs = super::interpreters::sign_languages_of(conn, &[b.interpreter_id])
        .await?
        .remove(&b.interpreter_id)
        .unwrap_or_default();
    Ok(
        match crate::domain::qualification::language_fit(b.sign_language.as_deref(), &signs) {
            crate::domain::LanguageFit::Lacks(language) => Some(i18n::tf(
                lang,
                "email.session.language_lacking",
                &[
                    (
                        "language",
                        i18n::t(lang, &format!("sign_language.{}", language.as_str())),
                    ),
                    ("name", &card.display_name),
                ],
            )),
            _ => None,
        },
    )
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
///
/// The desk's rules and the interpreters' hours come from `calendars` (read at most
/// [`super::calendar::FRESH_FOR`] ago, or since this process last changed them); what is
/// held at that time is read inside the transaction, and the database refuses a second
/// hold of any quarter hour.
pub async fn confirm(
    db: &DatabaseConnection,
    calendars: &ScheduleCache,
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
    // A start no calendar is kept for is no free time, and never reaches the time zone.
    if !crate::domain::dates::instant_within_window(new.start) {
        return Err(BookingError::Taken);
    }
    let day = local_date(new.start, tz);
    let roster = calendars.roster(db, tz, new.mode, day, day).await?;
    // Most presses that lose a race arrive after the winner committed: they learn it here,
    // without waiting for a turn to write.
    let held = roster.holds_at(db, new.start).await?;
    if !roster.offers(new.start, now, &held) {
        return Err(BookingError::Taken);
    }
    // Who has the fewest sessions decides only whose turn it is, not whether the time is
    // free, so it is read before the transaction, keeping the write lock short.
    let counts = week_counts(
        db,
        &roster.free_interpreters(new.start, &held),
        new.start,
        tz,
    )
    .await?;
    for _ in 0..ATTEMPTS {
        match try_confirm(db, &roster, &counts, now, config, actor, new, draft).await {
            // Another transaction wrote one of our cells (or our reference) first: look again.
            Err(BookingError::Database(e)) if is_unique_violation(&e) => continue,
            other => return other,
        }
    }
    Err(BookingError::Taken)
}

#[allow(clippy::too_many_arguments)]
async fn try_confirm(
    db: &DatabaseConnection,
    roster: &Roster,
    counts: &HashMap<i64, i64>,
    now: OffsetDateTime,
    config: &Config,
    actor: &Actor,
    new: &NewBooking,
    draft: Option<&Token>,
) -> Result<Confirmed, BookingError> {
    let txn = begin_write(db).await?;
    // A proxy's registration is checked inside the transaction: one revoked a moment ago
    // books nothing.
    if let Some(on_behalf) = &new.on_behalf
        && super::proxies::acting_for(
            &txn,
            now,
            on_behalf.proxy_id,
            on_behalf.registration_id,
            Some(crate::domain::proxy::Scope::Book),
        )
        .await?
        .is_err()
    {
        return Err(BookingError::NotAllowed);
    }
    let held = roster.holds_at(&txn, new.start).await?;
    if !roster.offers(new.start, now, &held) {
        return Err(BookingError::Taken);
    }
    let d = &new.details;
    // Someone who signs the language asked for, when anyone free does.
    let free = roster.preferring_language(
        &roster.free_interpreters(new.start, &held),
        d.sign_language.as_deref(),
    );
    let Some(interpreter) = least_booked(&free, counts) else {
        return Err(BookingError::Taken);
    };
    let rules = roster.rules;
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
        reminder_sent_at: Set(reminder_needless(&roster.desk, new.start, now).then_some(now)),
        cancelled_at: Set(None),
        cancel_reason: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        proxy_registration_id: Set(new.on_behalf.as_ref().map(|o| o.registration_id)),
        copy_email: Set(new
            .on_behalf
            .as_ref()
            .and_then(|o| o.copy_to.as_ref())
            .map(|e| e.as_str().to_owned())),
        request_id: Set(new.request_id),
        room: Set((new.mode == SessionMode::SignLanguageVideo)
            .then(|| Room::generate().as_str().to_owned())),
        rebook_asked_at: Set(None),
    }
    .insert(&txn)
    .await?;
    hold(&txn, interpreter, row.id, new.start, &rules).await?;
    if let Some(request_id) = new.request_id {
        super::requests::note_session_booked(&txn, now, actor, request_id, &row.reference).await?;
    }
    audit::record(
        &txn,
        now,
        actor,
        AuditAction::BookingCreated,
        Some(Target::booking(row.id)),
        json!({ "reference": row.reference, "mode": row.mode, "starts_at": row.starts_at.unix_timestamp(),
                "interpreter_id": interpreter,
                "on_behalf_of_registration": row.proxy_registration_id }),
    )
    .await?;
    let card = roster.cards.get(&interpreter).cloned().unwrap_or_default();
    // The registration was checked above, so the proxy (or the customer booking for
    // herself) gets the link.
    let Some(token) = tell_customer(
        &txn,
        now,
        config,
        &roster.desk,
        &row,
        &card,
        SessionEmail::Booked,
        true,
    )
    .await?
    else {
        return Err(BookingError::NotAllowed);
    };
    if let Some(token) = draft {
        let done = crate::domain::booking::Draft {
            confirmed: Some(row.id),
            ..Default::default()
        };
        super::drafts::save(&txn, now, token, &done).await?;
    }
    commit_holds_change(txn).await?;
    Ok(Confirmed {
        booking: row,
        interpreter: card.display_name,
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

pub(super) async fn booked_for_change<C: ConnectionTrait>(
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
    // A customer the desk asked to choose another time may do so until the session starts.
    let asked = b.rebook_asked_at.is_some() && now < b.starts_at;
    if by == ChangedBy::Customer && now > cutoff && !asked {
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
    let (b, desk, _) = booked_for_change(&txn, now, id, by).await?;
    release(&txn, b.id).await?;
    let mut row: booking::ActiveModel = b.into();
    row.status = Set(BookingStatus::Cancelled.as_str().to_owned());
    // Cancelling ends the room: nobody is sent there again.
    row.room = Set(None);
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
    let card = interpreter_card(&txn, &b).await?;
    tell_customer(
        &txn,
        now,
        config,
        &desk,
        &b,
        &card,
        SessionEmail::Cancelled,
        false,
    )
    .await?;
    commit_holds_change(txn).await?;
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
    if !crate::domain::dates::instant_within_window(start) {
        return Err(BookingError::Taken);
    }
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
        least_booked(&free, &week_counts(&txn, &free, start, tz).await?)
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
    row.rebook_asked_at = Set(None);
    row.updated_at = Set(now);
    let b = row.update(&txn).await?;
    if previous_interpreter != interpreter {
        super::reassignment::tell_interpreters(&txn, now, config, &b, previous_interpreter).await?;
    }
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
    let card = interpreter_card(&txn, &b).await?;
    tell_customer(
        &txn,
        now,
        config,
        &calendar.desk,
        &b,
        &card,
        SessionEmail::Moved,
        true,
    )
    .await?;
    commit_holds_change(txn).await?;
    Ok(b)
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
    if b.starts_at > now {
        return Err(BookingError::NotStarted {
            starts: b.starts_at,
        });
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
    commit_holds_change(txn).await?;
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
            let card = interpreter_card(&txn, &b).await?;
            tell_customer(
                &txn,
                now,
                config,
                &desk,
                &b,
                &card,
                SessionEmail::Reminder,
                true,
            )
            .await?;
            sent += 1;
        }
        txn.commit().await?;
    }
    Ok(sent)
}
