//! The written-chat room of a session: reading its messages, writing one while it is open,
//! and what staff do to the room — open it before it opens by itself, and end the session.
//!
//! Messages are read in id order: ids rise with every message, so everyone reads the same
//! order, and a reader who has seen up to one id can later be sent what came after it.
//!
//! When staff end a session that had messages, the conversation (its transcript) is
//! emailed to the customer unless they unticked it in the room, and written into the
//! thread of the support request the session was booked from, in the same transaction. A
//! staff member other than the session's interpreter who reads the messages is audited.
//!
//! A proxy who booked the session for the customer writes under their own name, and is
//! shown to everyone as the customer's proxy. The conversation of such a session is emailed
//! as the session's other emails are: to the proxy while the registration lets them act,
//! with a copy to the customer, and to the customer alone once it has ended.

use super::UseCase;
use super::audit::{self, Target};
use super::booking::{self, Booking};
use super::chat_hub;
use super::settings;
use crate::config::Config;
use crate::db::take_turn;
use crate::domain::chat::{Author, Room, RoomState};
use crate::domain::schedule::SessionMode;
use crate::domain::{AuditAction, BookingStatus, Email, Lang, Token};
use crate::entities::{booking as booking_row, chat_message};
use crate::i18n::{format_datetime, format_session_time, tf};
use crate::mail::{self, templates};
use crate::paths;
use crate::services::proxy_handover::{self, Correspondent};
use sea_orm::{
    ActiveModelTrait,
    ActiveValue::{NotSet, Set},
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};
use serde_json::json;
use time::OffsetDateTime;

/// One message as stored.
pub type Message = chat_message::Model;

/// Why the room refused.
#[derive(Debug, thiserror::Error)]
pub enum ChatError {
    /// No such session, or not a written-chat one.
    #[error("no such chat room")]
    NotFound,
    /// The room is not in the state the change needs (writing and ending need it open,
    /// opening early needs it not yet open). Nothing was written.
    #[error("the chat room is {0:?}")]
    Refused(RoomState),
    /// The database failed.
    #[error(transparent)]
    Database(#[from] DbErr),
}

/// What decides a session's room: a cancelled session's room counts as closed.
pub fn room(opens_minutes_before: i64, b: &Booking) -> Room {
    Room {
        starts_at: b.starts_at,
        opened_at: b.chat_opened_at,
        closed_at: b
            .chat_closed_at
            .or(b.cancelled_at)
            .or((b.status == BookingStatus::Cancelled).then_some(b.updated_at)),
        opens_minutes_before,
    }
}

/// Where a session's room stands at `now`.
pub async fn state<C: ConnectionTrait>(
    conn: &C,
    now: OffsetDateTime,
    b: &Booking,
) -> Result<RoomState, DbErr> {
    Ok(room(settings::chat_opens_minutes(conn).await?, b).state(now))
}

/// A written-chat session by id, for a change in the transaction `conn`.
async fn chat_session<C: ConnectionTrait>(conn: &C, booking_id: i64) -> Result<Booking, ChatError> {
    booking::get(conn, booking_id)
        .await?
        .filter(|b| b.mode == SessionMode::WrittenChat)
        .ok_or(ChatError::NotFound)
}

/// A session's messages, oldest first.
pub async fn messages<C: ConnectionTrait>(
    conn: &C,
    booking_id: i64,
) -> Result<Vec<Message>, DbErr> {
    chat_message::Entity::find()
        .filter(chat_message::Column::BookingId.eq(booking_id))
        .order_by_asc(chat_message::Column::Id)
        .all(conn)
        .await
}

/// A session's messages written after the message `after`, oldest first, at most `limit`:
/// what a page following the room has not yet been sent.
pub async fn messages_after<C: ConnectionTrait>(
    conn: &C,
    booking_id: i64,
    after: i64,
    limit: u64,
) -> Result<Vec<Message>, DbErr> {
    chat_message::Entity::find()
        .filter(chat_message::Column::BookingId.eq(booking_id))
        .filter(chat_message::Column::Id.gt(after))
        .order_by_asc(chat_message::Column::Id)
        .limit(limit)
        .all(conn)
        .await
}

/// Who writes a message: how they are shown, and the staff account when staff write.
#[derive(Debug, Clone)]
pub struct Writer<'a> {
    /// Customer, proxy or staff.
    pub author: Author,
    /// The staff member writing, when staff do.
    pub staff_user_id: Option<i64>,
    /// The name shown: the customer's name as booked, the proxy's name on their
    /// registration, or a staff member's display name.
    pub name: &'a str,
}

/// Who wrote a message, as everyone is shown it in `lang`: a proxy's name says whose proxy
/// they are (`customer`, the session's customer as booked); the customer's and staff's
/// names stand alone.
pub fn shown_author(lang: Lang, m: &Message, customer: &str) -> String {
    match m.author {
        Author::Proxy => tf(
            lang,
            "chat.author.proxy",
            &[("name", &m.author_name), ("customer", customer)],
        ),
        Author::Customer | Author::Staff => m.author_name.clone(),
    }
}

/// Writes a message (already read by [`crate::domain::chat::message_body`]) in the room of
/// a session, while the room is open; otherwise writes nothing.
pub async fn post(
    uc: &UseCase<'_>,
    booking_id: i64,
    writer: &Writer<'_>,
    body: &str,
) -> Result<Message, ChatError> {
    let now = uc.now;
    let txn = uc.begin().await?;
    take_turn(&txn, &room_key(booking_id)).await?;
    let b = chat_session(&txn, booking_id).await?;
    let state = state(&txn, now, &b).await?;
    if state != RoomState::Open {
        return Err(ChatError::Refused(state));
    }
    let message = chat_message::ActiveModel {
        id: NotSet,
        booking_id: Set(b.id),
        author: Set(writer.author),
        staff_user_id: Set(writer.staff_user_id),
        author_name: Set(writer.name.to_owned()),
        body: Set(body.to_owned()),
        created_at: Set(now),
    }
    .insert(&txn)
    .await?;
    uc.commit(txn).await?;
    chat_hub::notify_others(uc.db, b.id).await;
    Ok(message)
}

/// Staff open a session's room before it opens by itself.
pub async fn open_now(uc: &UseCase<'_>, booking_id: i64) -> Result<Booking, ChatError> {
    change(uc, booking_id, RoomChange::Open).await
}

/// Staff end a session: its room closes, its messages stay to be read, and how it went
/// (`outcome`: it took place, or the customer did not come) is recorded, unless the
/// session's page already says.
pub async fn end(
    uc: &UseCase<'_>,
    booking_id: i64,
    outcome: EndOutcome,
) -> Result<Booking, ChatError> {
    change(uc, booking_id, RoomChange::End(outcome)).await
}

/// How a written-chat session went, as staff say when they end it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EndOutcome {
    /// It took place.
    Completed,
    /// The customer did not come.
    NoShowCustomer,
}

impl EndOutcome {
    /// The session's status it records.
    pub fn status(self) -> BookingStatus {
        match self {
            EndOutcome::Completed => BookingStatus::Completed,
            EndOutcome::NoShowCustomer => BookingStatus::NoShowCustomer,
        }
    }

    /// The outcome a form's value names: `completed` (also when none is given) or
    /// `no_show_customer`.
    pub fn parse(raw: &str) -> Option<EndOutcome> {
        match raw.trim() {
            "" | "completed" => Some(EndOutcome::Completed),
            "no_show_customer" => Some(EndOutcome::NoShowCustomer),
            _ => None,
        }
    }
}

/// What writers to one room take turns on: a message and the end of the session never
/// cross, so nothing is written to a room after it closes.
fn room_key(booking_id: i64) -> String {
    format!("chat room {booking_id}")
}

#[derive(Clone, Copy)]
enum RoomChange {
    Open,
    End(EndOutcome),
}

async fn change(uc: &UseCase<'_>, booking_id: i64, what: RoomChange) -> Result<Booking, ChatError> {
    let UseCase { now, actor, .. } = *uc;
    let txn = uc.begin().await?;
    take_turn(&txn, &room_key(booking_id)).await?;
    let b = chat_session(&txn, booking_id).await?;
    let state = state(&txn, now, &b).await?;
    let allowed = match what {
        RoomChange::Open => matches!(state, RoomState::NotYet { .. }),
        RoomChange::End(_) => state == RoomState::Open,
    };
    if !allowed {
        return Err(ChatError::Refused(state));
    }
    let reference = b.reference.clone();
    let previous = b.status;
    let mut row: booking_row::ActiveModel = b.into();
    let action = match what {
        RoomChange::Open => {
            row.chat_opened_at = Set(Some(now));
            AuditAction::ChatOpened
        }
        RoomChange::End(_) => {
            row.chat_closed_at = Set(Some(now));
            AuditAction::ChatEnded
        }
    };
    // How it went, unless already recorded on the session's page.
    let recorded = match what {
        RoomChange::End(outcome) if previous == BookingStatus::Booked => {
            row.status = Set(outcome.status());
            true
        }
        _ => false,
    };
    row.updated_at = Set(now);
    let b = row.update(&txn).await?;
    audit::record(
        &txn,
        now,
        actor,
        action,
        Some(Target::booking(b.id)),
        json!({ "reference": reference }),
    )
    .await?;
    if recorded {
        booking::manage::audit_outcome(&txn, uc, &b, previous).await?;
    }
    if let RoomChange::End(_) = what {
        keep_transcript(&txn, uc, &b).await?;
        let channel = crate::domain::feedback::Channel::WrittenChat;
        crate::services::feedback::ask(&txn, now, uc.config, channel, b.id, None).await?;
    }
    if recorded {
        crate::services::schedule_changes::commit_holds_change(uc, txn).await?;
    } else {
        uc.commit(txn).await?;
    }
    chat_hub::notify_others(uc.db, b.id).await;
    Ok(b)
}

/// Whether the customer of a session is emailed its conversation when it ends. They may
/// change their mind until staff end the session; after that the room refuses.
pub async fn set_transcript_by_email(
    uc: &UseCase<'_>,
    booking_id: i64,
    wanted: bool,
) -> Result<Booking, ChatError> {
    let now = uc.now;
    let txn = uc.begin().await?;
    take_turn(&txn, &room_key(booking_id)).await?;
    let b = chat_session(&txn, booking_id).await?;
    let state = state(&txn, now, &b).await?;
    if state == RoomState::Closed {
        return Err(ChatError::Refused(state));
    }
    let mut row: booking_row::ActiveModel = b.into();
    row.chat_transcript_by_email = Set(wanted);
    row.updated_at = Set(now);
    let b = row.update(&txn).await?;
    uc.commit(txn).await?;
    Ok(b)
}

/// One message of session `b` as a transcript writes it, in `lang`: "name (time): text".
fn transcript_line(lang: Lang, config: &Config, b: &Booking, m: &Message) -> String {
    tf(
        lang,
        "email.chat_transcript.line",
        &[
            ("name", &shown_author(lang, m, &b.customer_name)),
            (
                "time",
                &format_datetime(lang, m.created_at, config.timezone),
            ),
            ("text", &m.body),
        ],
    )
}

/// What ending a session keeps of its conversation, in the transaction that ends it: the
/// email to the customer (unless they unticked it) and the message in the thread of the
/// request it was booked from. Nothing when nobody wrote.
async fn keep_transcript<C: ConnectionTrait>(
    conn: &C,
    uc: &UseCase<'_>,
    b: &Booking,
) -> Result<(), DbErr> {
    let UseCase {
        now, config, actor, ..
    } = *uc;
    let messages = messages(conn, b.id).await?;
    if messages.is_empty() {
        return Ok(());
    }
    let lang = b.lang;
    if let Some(request_id) = b.request_id {
        let mut body = tf(
            lang,
            "chat.transcript.thread_heading",
            &[("reference", &b.reference)],
        );
        body.push('\n');
        for m in &messages {
            body.push('\n');
            body.push_str(&transcript_line(lang, config, b, m));
        }
        crate::services::requests::staff::add_chat_transcript(
            conn,
            now,
            actor.staff_id,
            request_id,
            &body,
        )
        .await?;
    }
    if b.chat_transcript_by_email {
        email_transcript(conn, now, config, b, &messages).await?;
    }
    Ok(())
}

/// Writes the conversation of a session into the outbox, where its other emails go, each
/// with a fresh link to the room (where it stays to be read) made for its reader. A session
/// a proxy booked is written about to the proxy while their registration lets them act,
/// with a copy to the customer when she gave an address (without a link, as every copy);
/// once it has ended, to the customer alone, with a link of her own, and never to the
/// proxy.
async fn email_transcript<C: ConnectionTrait>(
    conn: &C,
    now: OffsetDateTime,
    config: &Config,
    b: &Booking,
    messages: &[Message],
) -> Result<(), DbErr> {
    let room_link = |token: &Token| config.link(&paths::booking::chat(token.expose()));
    match proxy_handover::correspondent(conn, now, b.proxy_registration_id).await? {
        None => {
            let token = booking::manage::new_link(conn, now, b.id, None).await?;
            let reader = Reader {
                to: &b.email,
                lang: b.lang,
                greeting: &b.customer_name,
                note: None,
                aside: None,
                room_link: Some(room_link(&token)),
                own_thread: true,
            };
            send_transcript(conn, now, config, b, messages, &reader).await
        }
        Some(Correspondent::Proxy(r)) => {
            let token = booking::manage::new_link(conn, now, b.id, Some(r.id)).await?;
            let for_customer = tf(
                b.lang,
                "email.session.for_customer",
                &[("customer", &b.customer_name)],
            );
            let to_proxy = Reader {
                to: &b.email,
                lang: b.lang,
                greeting: &r.proxy_full_name,
                note: Some(&for_customer),
                aside: None,
                room_link: Some(room_link(&token)),
                own_thread: true,
            };
            send_transcript(conn, now, config, b, messages, &to_proxy).await?;
            if let Some(copy) = b.copy_email.as_deref() {
                let lang = proxy_handover::customer_lang(&r);
                let by_proxy = tf(
                    lang,
                    "email.session.by_proxy",
                    &[("proxy", &r.proxy_full_name)],
                );
                let not_wanted = proxy_handover::not_wanted(config, &r);
                let to_customer = Reader {
                    to: copy,
                    lang,
                    greeting: &b.customer_name,
                    note: Some(&by_proxy),
                    aside: Some(&not_wanted),
                    room_link: None,
                    own_thread: false,
                };
                send_transcript(conn, now, config, b, messages, &to_customer).await?;
            }
            Ok(())
        }
        Some(Correspondent::Customer(r)) => {
            let Some(address) = proxy_handover::customer_email(&r) else {
                // Nobody to write to: staff see on the session's page how to reach her.
                return Ok(());
            };
            let token = booking::manage::new_link(conn, now, b.id, None).await?;
            let lang = proxy_handover::customer_lang(&r);
            let handed = tf(
                lang,
                "email.session.proxy_ended",
                &[("proxy", &r.proxy_full_name)],
            );
            let to_customer = Reader {
                to: address.as_str(),
                lang,
                greeting: &b.customer_name,
                note: Some(&handed),
                aside: None,
                room_link: Some(room_link(&token)),
                own_thread: true,
            };
            send_transcript(conn, now, config, b, messages, &to_customer).await
        }
    }
}

/// One reader of a transcript: the address, the language, whom it greets, a line saying
/// whom the session is for or who booked it, a last paragraph for a copy, the link to the
/// room if this reader gets one, and whether its way back is the thread of the request the
/// session answers.
struct Reader<'a> {
    to: &'a str,
    lang: Lang,
    greeting: &'a str,
    note: Option<&'a str>,
    aside: Option<&'a str>,
    room_link: Option<String>,
    own_thread: bool,
}

/// Writes one transcript email into the outbox.
async fn send_transcript<C: ConnectionTrait>(
    conn: &C,
    now: OffsetDateTime,
    config: &Config,
    b: &Booking,
    messages: &[Message],
    reader: &Reader<'_>,
) -> Result<(), DbErr> {
    let Ok(recipient) = Email::parse(reader.to) else {
        return Ok(());
    };
    let lang = reader.lang;
    let thread = match b.request_id {
        Some(id) if reader.own_thread => {
            crate::services::requests::thread::thread_link_for_email(conn, now, config, id).await?
        }
        _ => None,
    };
    let way_back = crate::services::contact::way_back(conn, config, thread).await?;
    let shown: Vec<(String, String)> = messages
        .iter()
        .map(|m| {
            (
                shown_author(lang, m, &b.customer_name),
                format_datetime(lang, m.created_at, config.timezone),
            )
        })
        .collect();
    let lines: Vec<templates::TranscriptLine<'_>> = messages
        .iter()
        .zip(&shown)
        .map(|(m, (who, at))| templates::TranscriptLine {
            who,
            at,
            body: &m.body,
        })
        .collect();
    let when = format_session_time(lang, b.starts_at, b.ends_at, config.timezone);
    let message = templates::chat_transcript(
        lang,
        &templates::TranscriptFacts {
            reference: &b.reference,
            greeting_name: reader.greeting,
            note: reader.note,
            aside: reader.aside,
            when: &when,
            lines: &lines,
            room_link: reader.room_link.as_deref(),
            way_back: &way_back,
        },
    );
    let kind = "chat_transcript";
    mail::enqueue_plain(conn, now, &config.base_url, kind, recipient, lang, message).await?;
    Ok(())
}

/// Records that a staff member other than the session's interpreter read its messages:
/// those who run the schedule may, and the log says they did. Nothing is written when the
/// reader is the session's interpreter or nobody wrote.
pub async fn note_read(uc: &UseCase<'_>, b: &Booking, messages: usize) -> Result<(), DbErr> {
    let UseCase { now, actor, .. } = *uc;
    if messages == 0 || actor.staff_id.is_none_or(|id| id == b.interpreter_id) {
        return Ok(());
    }
    let txn = uc.begin().await?;
    audit::record(
        &txn,
        now,
        actor,
        AuditAction::ChatTranscriptRead,
        Some(Target::booking(b.id)),
        json!({ "reference": b.reference, "messages": messages }),
    )
    .await?;
    uc.commit(txn).await?;
    Ok(())
}
