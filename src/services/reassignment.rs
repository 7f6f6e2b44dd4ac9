//! Giving a session to another interpreter, or asking its customer to choose another time,
//! when its interpreter can no longer take it. Both tell the people concerned: the customer,
//! and each interpreter a session is given to or taken off, in their own language.

use super::UseCase;
use super::audit::{self, Target};
use super::booking::emails::{AboutSession, tell_customer};
use super::booking::manage::{ChangedBy, booked_for_change};
use super::booking::{Booking, BookingError, hold, interpreter_card, is_unique_violation, release};
use super::calendar::{Calendar, local_date};
use super::settings::DeskSettings;
use crate::config::Config;
use crate::domain::schedule::ModeRules;
use crate::domain::{AuditAction, LanguageFit};
use crate::entities::{booking as booking_row, staff_user};
use crate::mail::templates::{self, InterpreterFacts, InterpreterNotice, SessionEmail};
use crate::paths;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ConnectionTrait, DbErr, EntityTrait};
use serde_json::json;
use time::OffsetDateTime;
use time_tz::Tz;

/// The interpreters staff may give a session to: active, qualified for its mode, free
/// then, and signing the language the customer asked for (when it is one offered by name).
pub async fn reassign_choices<C: ConnectionTrait>(
    conn: &C,
    tz: &'static Tz,
    b: &Booking,
) -> Result<Vec<i64>, DbErr> {
    let mode = b.mode;
    let day = local_date(b.starts_at, tz);
    let calendar = Calendar::load(conn, tz, mode, day, day, Some(b.id)).await?;
    Ok(calendar
        .free_interpreters(b.starts_at)
        .into_iter()
        .filter(|id| *id != b.interpreter_id)
        .filter(|id| {
            !matches!(
                calendar.language_fit(*id, b.sign_language.as_deref()),
                LanguageFit::Lacks(_)
            )
        })
        .collect())
}

/// Gives a session to another interpreter (staff only), and tells the customer and both
/// interpreters.
pub async fn reassign(
    uc: &UseCase<'_>,
    id: i64,
    interpreter: i64,
) -> Result<Booking, BookingError> {
    let now = uc.now;
    let result = async {
        let txn = uc.begin().await?;
        let (b, desk, rules) = booked_for_change(&txn, now, id, ChangedBy::Staff).await?;
        let b = reassign_in(&txn, uc, b, &desk, &rules, interpreter).await?;
        super::schedule_changes::commit_holds_change(uc, txn).await?;
        Ok(b)
    }
    .await;
    busy_if_raced(result)
}

/// A write that lost a race for an interpreter's quarter hour means that interpreter is
/// no longer free.
pub(super) fn busy_if_raced<T>(result: Result<T, BookingError>) -> Result<T, BookingError> {
    match result {
        Err(BookingError::Database(e)) if is_unique_violation(&e) => {
            Err(BookingError::InterpreterBusy)
        }
        other => other,
    }
}

/// Gives a booked session to `interpreter` inside the caller's transaction: checks they may
/// take it, moves the held time, records it, and tells the customer and both interpreters.
pub async fn reassign_in<C: ConnectionTrait>(
    conn: &C,
    uc: &UseCase<'_>,
    b: Booking,
    desk: &DeskSettings,
    rules: &ModeRules,
    interpreter: i64,
) -> Result<Booking, BookingError> {
    let UseCase {
        now, config, actor, ..
    } = *uc;
    if !reassign_choices(conn, config.timezone, &b)
        .await?
        .contains(&interpreter)
    {
        return Err(BookingError::InterpreterBusy);
    }
    release(conn, b.id).await?;
    hold(conn, interpreter, b.id, b.starts_at, rules).await?;
    let previous = b.interpreter_id;
    let mut row: booking_row::ActiveModel = b.into();
    row.interpreter_id = Set(interpreter);
    row.sequence = Set(row.sequence.as_ref() + 1);
    row.rebook_asked_at = Set(None);
    row.updated_at = Set(now);
    let b = row.update(conn).await?;
    audit::record(
        conn,
        now,
        actor,
        AuditAction::BookingReassigned,
        Some(Target::booking(b.id)),
        json!({ "reference": b.reference, "interpreter_from": previous, "interpreter_to": interpreter }),
    )
    .await?;
    let card = interpreter_card(conn, &b).await?;
    tell_customer(
        conn,
        now,
        config,
        &AboutSession {
            desk,
            booking: &b,
            card: &card,
        },
        SessionEmail::InterpreterChanged,
        true,
    )
    .await?;
    tell_interpreters(conn, now, config, &b, previous).await?;
    Ok(b)
}

/// Asks the customer of a booked session to choose another time (staff only): the session
/// stays booked, and flagged, until they do.
pub async fn ask_new_time(uc: &UseCase<'_>, id: i64) -> Result<Booking, BookingError> {
    let now = uc.now;
    let txn = uc.begin().await?;
    let (b, desk, _) = booked_for_change(&txn, now, id, ChangedBy::Staff).await?;
    let b = ask_new_time_in(&txn, uc, b, &desk).await?;
    uc.commit(txn).await?;
    Ok(b)
}

/// Asks the customer to choose another time inside the caller's transaction: emails them
/// a fresh manage link, from which they may move the session even past the usual cut-off.
pub async fn ask_new_time_in<C: ConnectionTrait>(
    conn: &C,
    uc: &UseCase<'_>,
    b: Booking,
    desk: &DeskSettings,
) -> Result<Booking, BookingError> {
    let UseCase {
        now, config, actor, ..
    } = *uc;
    let mut row: booking_row::ActiveModel = b.into();
    row.rebook_asked_at = Set(Some(now));
    row.updated_at = Set(now);
    let b = row.update(conn).await?;
    audit::record(
        conn,
        now,
        actor,
        AuditAction::BookingNewTimeAsked,
        Some(Target::booking(b.id)),
        json!({ "reference": b.reference, "interpreter_id": b.interpreter_id }),
    )
    .await?;
    let card = interpreter_card(conn, &b).await?;
    tell_customer(
        conn,
        now,
        config,
        &AboutSession {
            desk,
            booking: &b,
            card: &card,
        },
        SessionEmail::NewTimeNeeded,
        true,
    )
    .await?;
    Ok(b)
}

/// Emails the interpreter a session was taken off and the one it was given to, each in
/// their own language, with a link to the session's page. Deactivated accounts get
/// nothing.
pub async fn tell_interpreters<C: ConnectionTrait>(
    conn: &C,
    now: OffsetDateTime,
    config: &Config,
    b: &Booking,
    previous: i64,
) -> Result<(), DbErr> {
    let way_back = super::contact::staff_way_back(config);
    for (staff_id, which) in [
        (previous, InterpreterNotice::TakenOff),
        (b.interpreter_id, InterpreterNotice::Given),
    ] {
        let Some(staff) = staff_user::Entity::find_by_id(staff_id).one(conn).await? else {
            continue;
        };
        let Ok(recipient) = crate::domain::Email::parse(&staff.email) else {
            continue;
        };
        if !staff.active {
            continue;
        }
        let lang = staff.lang;
        let mode = b.mode;
        let when = crate::i18n::format_session_time(lang, b.starts_at, b.ends_at, config.timezone);
        let link = config.link(&paths::staff::session(b.id));
        let message = templates::interpreter_session(
            lang,
            which,
            &InterpreterFacts {
                reference: &b.reference,
                interpreter: &staff.display_name,
                mode_name: crate::i18n::mode_name(lang, mode),
                when: &when,
                link: &link,
                way_back: &way_back,
            },
        );
        let (kind, base) = (which.kind(), &config.base_url);
        crate::mail::enqueue_plain(conn, now, base, kind, recipient, lang, message).await?;
    }
    Ok(())
}
