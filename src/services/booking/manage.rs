//! A session after it is booked: the manage link that opens it, and what the customer (by
//! that link, until the cut-off) or staff change — cancelling, moving to another free time,
//! recording how it went, and notes only staff read.

use super::emails::{AboutSession, tell_customer};
use super::{
    ATTEMPTS, Booking, BookingError, get, hold, interpreter_card, is_unique_violation, release,
    reminder_needless, utc, wants_care, week_counts,
};
use crate::db::{WriteTxn, begin_write};
use crate::domain::matching::Wants;
use crate::domain::schedule::ModeRules;
use crate::domain::{AuditAction, BookingStatus, Token};
use crate::entities::{booking, booking_link, booking_note};
use crate::mail::templates::SessionEmail;
use crate::services::UseCase;
use crate::services::audit::{self, Target};
use crate::services::calendar::{Calendar, local_date};
use crate::services::schedule_changes::commit_holds_change;
use crate::services::settings::{self, DeskSettings};
use sea_orm::{
    ActiveModelTrait,
    ActiveValue::{NotSet, Set},
    ConnectionTrait, DatabaseConnection, DbErr, EntityTrait,
};
use serde_json::json;
use time::OffsetDateTime;

/// Makes a new manage link for a session and returns its token. A link made for the proxy
/// who booked it names their registration, and works only while it lets them act; a link
/// made for the customer names none, and is hers to keep.
pub(in crate::services) async fn new_link<C: ConnectionTrait>(
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

pub(in crate::services) async fn booked_for_change<C: ConnectionTrait>(
    conn: &C,
    now: OffsetDateTime,
    id: i64,
    by: ChangedBy,
) -> Result<(Booking, DeskSettings, ModeRules), BookingError> {
    let b = get(conn, id).await?.ok_or(BookingError::NotFound)?;
    if b.status != BookingStatus::Booked {
        return Err(BookingError::NotBooked);
    }
    let desk = settings::load(conn).await?;
    let mode = b.mode;
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
    uc: &UseCase<'_>,
    id: i64,
    by: ChangedBy,
    reason: Option<String>,
) -> Result<Booking, BookingError> {
    let UseCase { now, actor, .. } = *uc;
    let txn = uc.begin().await?;
    let (b, desk, _) = booked_for_change(&txn, now, id, by).await?;
    release(&txn, b.id).await?;
    let mut row: booking::ActiveModel = b.into();
    row.status = Set(BookingStatus::Cancelled);
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
    tell_and_commit(uc, txn, &desk, &b, SessionEmail::Cancelled, false).await?;
    Ok(b)
}

/// Moves a session to another free time. With `keep_interpreter`, only its interpreter
/// will do; otherwise its own interpreter keeps it when free, and else the free one the
/// desk prefers takes it (see [`crate::domain::matching`]). The customer gets the new time
/// with the next calendar `SEQUENCE`.
pub async fn reschedule(
    uc: &UseCase<'_>,
    id: i64,
    by: ChangedBy,
    start: OffsetDateTime,
    keep_interpreter: bool,
) -> Result<Booking, BookingError> {
    for _ in 0..ATTEMPTS {
        match try_reschedule(uc, id, by, start, keep_interpreter).await {
            Err(BookingError::Database(e)) if is_unique_violation(&e) => continue,
            other => return other,
        }
    }
    Err(BookingError::Taken)
}

async fn try_reschedule(
    uc: &UseCase<'_>,
    id: i64,
    by: ChangedBy,
    start: OffsetDateTime,
    keep_interpreter: bool,
) -> Result<Booking, BookingError> {
    let UseCase {
        now, config, actor, ..
    } = *uc;
    let tz = config.timezone;
    let start = utc(start);
    if !crate::domain::dates::instant_within_window(start) {
        return Err(BookingError::Taken);
    }
    let txn = uc.begin().await?;
    let (b, _, rules) = booked_for_change(&txn, now, id, by).await?;
    let mode = b.mode;
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
        let wants = Wants {
            sign_language: b.sign_language.as_deref(),
            care: wants_care(&txn, now, &b).await?,
        };
        let counts = week_counts(&txn, &free, start, tz).await?;
        *calendar
            .preferred(start, &wants, &counts)
            .first()
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
        crate::services::reassignment::tell_interpreters(
            &txn,
            now,
            config,
            &b,
            previous_interpreter,
        )
        .await?;
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
    tell_and_commit(uc, txn, &calendar.desk, &b, SessionEmail::Moved, true).await?;
    Ok(b)
}

/// Tells the customer what became of their session (with a new manage link when
/// `with_link`), then commits the change of holds.
async fn tell_and_commit(
    uc: &UseCase<'_>,
    txn: WriteTxn,
    desk: &DeskSettings,
    b: &Booking,
    which: SessionEmail,
    with_link: bool,
) -> Result<(), DbErr> {
    let card = interpreter_card(&txn, b).await?;
    let about = AboutSession {
        desk,
        booking: b,
        card: &card,
    };
    tell_customer(&txn, uc.now, uc.config, &about, which, with_link).await?;
    commit_holds_change(uc, txn).await
}

/// Records how a session went: completed, or a no-show by the customer or the interpreter.
pub async fn set_outcome(
    uc: &UseCase<'_>,
    id: i64,
    outcome: BookingStatus,
) -> Result<Booking, BookingError> {
    let now = uc.now;
    let txn = uc.begin().await?;
    let b = get(&txn, id).await?.ok_or(BookingError::NotFound)?;
    if b.status == BookingStatus::Cancelled || outcome == BookingStatus::Cancelled {
        return Err(BookingError::NotBooked);
    }
    if b.starts_at > now {
        return Err(BookingError::NotStarted {
            starts: b.starts_at,
        });
    }
    let previous = b.status;
    let mut row: booking::ActiveModel = b.into();
    row.status = Set(outcome);
    row.updated_at = Set(now);
    let b = row.update(&txn).await?;
    audit_outcome(&txn, uc, &b, previous).await?;
    commit_holds_change(uc, txn).await?;
    Ok(b)
}

/// The audit row of a session's outcome changing from `previous` to what `b` now says.
pub(crate) async fn audit_outcome<C: ConnectionTrait>(
    conn: &C,
    uc: &UseCase<'_>,
    b: &Booking,
    previous: BookingStatus,
) -> Result<(), DbErr> {
    audit::record(
        conn,
        uc.now,
        uc.actor,
        AuditAction::BookingStatusChanged,
        Some(Target::booking(b.id)),
        json!({ "reference": b.reference, "from": previous.as_str(), "to": b.status.as_str() }),
    )
    .await
}

/// Adds an internal note to a session.
pub async fn add_note(
    uc: &UseCase<'_>,
    staff_id: i64,
    id: i64,
    body: &str,
) -> Result<(), BookingError> {
    let UseCase { now, actor, .. } = *uc;
    let txn = uc.begin().await?;
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
    uc.commit(txn).await?;
    Ok(())
}
