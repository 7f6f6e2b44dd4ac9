//! Booking a session: the last day a customer may choose, and confirming a chosen time —
//! checked again, given to the free interpreter the desk prefers (see
//! [`crate::domain::matching`]), and written with its held cells, audit row, manage link
//! and confirmation email in one transaction.

use super::emails::{AboutSession, tell_customer};
use super::{
    ATTEMPTS, Booking, BookingError, hold, is_unique_violation, reminder_needless, utc, week_counts,
};
use crate::domain::booking::Details;
use crate::domain::matching::Wants;
use crate::domain::schedule::{ModeRules, SessionMode};
use crate::domain::{AuditAction, BookingStatus, Lang, Reference, Room, Token};
use crate::entities::booking;
use crate::mail::templates::SessionEmail;
use crate::services::UseCase;
use crate::services::audit::{self, Target};
use crate::services::calendar::{Roster, ScheduleCache, local_date};
use crate::services::schedule_changes::commit_holds_change;
use sea_orm::{
    ActiveModelTrait,
    ActiveValue::{NotSet, Set},
};
use serde_json::json;
use std::collections::HashMap;
use time::{Date, Duration, OffsetDateTime};
use time_tz::Tz;

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

/// Confirms a booking: checks again that the time is free, gives it to the free
/// interpreter the desk prefers, and writes the booking, its held cells, its audit row, its
/// manage link and its confirmation email in one transaction. The journey `draft` names, if any, is
/// emptied in the same transaction, keeping only which booking it made. When another
/// booking took the time meanwhile, answers [`BookingError::Taken`].
///
/// The desk's rules and the interpreters' hours come from `calendars` (read at most
/// [`crate::services::calendar::FRESH_FOR`] ago, or since this process last changed them); what is
/// held at that time is read inside the transaction, and the database refuses a second
/// hold of any quarter hour.
pub async fn confirm(
    uc: &UseCase<'_>,
    calendars: &ScheduleCache,
    new: &NewBooking,
    draft: Option<&Token>,
) -> Result<Confirmed, BookingError> {
    let UseCase {
        db, now, config, ..
    } = *uc;
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
    // So is whether the customer has a proxy: it only orders those free.
    let care = new.on_behalf.is_some()
        || super::has_proxy(
            db,
            now,
            &new.details.email,
            new.details.member_number.as_deref(),
        )
        .await?;
    let chosen = Choosing {
        counts: &counts,
        care,
    };
    for _ in 0..ATTEMPTS {
        match try_confirm(uc, &roster, &chosen, new, draft).await {
            // Another transaction wrote one of our cells (or our reference) first: look again.
            Err(BookingError::Database(e)) if is_unique_violation(&e) => continue,
            other => return other,
        }
    }
    Err(BookingError::Taken)
}

/// What orders the interpreters free at the chosen time, read before the transaction.
struct Choosing<'a> {
    /// Each one's sessions that week.
    counts: &'a HashMap<i64, i64>,
    /// Whether the customer has a proxy.
    care: bool,
}

async fn try_confirm(
    uc: &UseCase<'_>,
    roster: &Roster,
    chosen: &Choosing<'_>,
    new: &NewBooking,
    draft: Option<&Token>,
) -> Result<Confirmed, BookingError> {
    let UseCase {
        now, config, actor, ..
    } = *uc;
    let txn = uc.begin().await?;
    // A proxy's registration is checked inside the transaction: one revoked a moment ago
    // books nothing.
    if let Some(on_behalf) = &new.on_behalf
        && crate::services::proxies::acting_for(
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
    let wants = Wants {
        sign_language: d.sign_language.as_deref(),
        care: chosen.care,
    };
    let Some(&interpreter) = roster
        .preferred(new.start, &held, &wants, chosen.counts)
        .first()
    else {
        return Err(BookingError::Taken);
    };
    let rules = roster.rules;
    let row = booking::ActiveModel {
        id: NotSet,
        reference: Set(Reference::generate('S').as_str().to_owned()),
        mode: Set(new.mode),
        status: Set(BookingStatus::Booked),
        starts_at: Set(new.start),
        ends_at: Set(new.start + rules.length),
        interpreter_id: Set(interpreter),
        customer_name: Set(d.name.clone()),
        email: Set(d.email.as_str().to_owned()),
        member_number: Set(d.member_number.clone()),
        topic: Set(d.topic),
        topic_other: Set(d.topic_other.clone()),
        sign_language: Set(d.sign_language.clone()),
        sign_language_other: Set(d.sign_language_other.clone()),
        needs: Set(d.needs.clone()),
        lang: Set(new.lang),
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
        chat_opened_at: Set(None),
        chat_closed_at: Set(None),
        chat_transcript_by_email: Set(true),
    }
    .insert(&txn)
    .await?;
    hold(&txn, interpreter, row.id, new.start, &rules).await?;
    if let Some(request_id) = new.request_id {
        crate::services::requests::staff::note_session_booked(&txn, uc, request_id, &row.reference)
            .await?;
    }
    audit::record(
        &txn,
        now,
        actor,
        AuditAction::BookingCreated,
        Some(Target::booking(row.id)),
        json!({ "reference": row.reference, "mode": row.mode.as_str(), "starts_at": row.starts_at.unix_timestamp(),
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
        &AboutSession {
            desk: &roster.desk,
            booking: &row,
            card: &card,
        },
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
        crate::services::drafts::save(&txn, now, token, &done).await?;
    }
    commit_holds_change(uc, txn).await?;
    Ok(Confirmed {
        booking: row,
        interpreter: card.display_name,
        manage_token: token,
    })
}
