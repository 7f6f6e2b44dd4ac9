//! The written-chat room of a session: the customer's, by the manage link
//! (`/bookings/{token}/chat`), and staff's (`/staff/sessions/{id}/chat`), with opening the
//! room early and ending the session, and the customer's choice of the conversation by
//! email when the session ends. Reading changes nothing but the audit log, which records a
//! staff member other than the session's interpreter reading its messages; writing is
//! post, 303, and the page again.
//!
//! A manage link made for the proxy who booked the session opens the same room for the
//! proxy, who writes as themself, while their registration lets them book sessions for the
//! customer; otherwise it shows the portal's refusal, and nothing of the room.

use crate::domain::Permission;
use crate::domain::chat::{self as rules, Author, RoomState};
use crate::domain::schedule::SessionMode;
use crate::error::{Error, Result};
use crate::paths;
use crate::services::booking::{self, Booking};
use crate::services::chat::{self, ChatError, Writer};
use crate::services::proxies::Registration;
use crate::services::{Actor, UseCase};
use crate::views::PageContext;
use crate::views::chat::{self as view, ChatLine, ChatPage, StaffControls, TranscriptChoice};
use crate::views::components::Errors;
use crate::web::AppState;
use crate::web::booking::manage::link_session;
use crate::web::context::{ClientIp, StaffAct};
use crate::web::forms::{DoneQuery, Form, Query, see_other};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

/// What the room's form sends.
#[derive(Debug, Deserialize, Default)]
#[serde(default)]
pub struct ChatForm {
    chat_message: String,
    /// One of the staff member's saved phrases to put into the message instead of sending.
    insert_phrase: String,
}

/// What the customer's choice of the conversation by email sends: `yes` when ticked,
/// nothing when not.
#[derive(Debug, Deserialize, Default)]
#[serde(default)]
pub struct TranscriptForm {
    transcript_by_email: String,
}

/// The messages of a session as shown.
pub async fn lines(state: &AppState, b: &Booking) -> Result<Vec<ChatLine>> {
    Ok(chat::messages(&state.db, b.id)
        .await?
        .into_iter()
        .map(|m| line(m, &b.customer_name))
        .collect())
}

/// One message of a session whose customer is `customer` (as booked), as shown.
pub fn line(m: chat::Message, customer: &str) -> ChatLine {
    ChatLine {
        id: m.id,
        from_desk: m.author == Author::Staff,
        proxy_for: (m.author == Author::Proxy).then(|| customer.to_owned()),
        who: m.author_name,
        at: m.created_at,
        body: m.body,
    }
}

/// What a page of the room needs besides the session: what was typed, what was wrong, and
/// the status to answer with.
struct Answer<'a> {
    typed: &'a str,
    errors: Errors,
    status: StatusCode,
    notice: Option<&'static str>,
}

impl Answer<'_> {
    fn fresh(notice: Option<&'static str>) -> Self {
        Answer {
            typed: "",
            errors: Errors::new(),
            status: StatusCode::OK,
            notice,
        }
    }
}

/// The refusal of a message the room did not take: the page again with why, and what was
/// typed kept.
fn refused(typed: &str, state: RoomState) -> Answer<'_> {
    let mut errors = Errors::new();
    let key = match state {
        RoomState::Closed => "chat.error.closed",
        _ => "chat.error.not_open",
    };
    errors.add("chat_state", key);
    Answer {
        typed,
        errors,
        status: StatusCode::CONFLICT,
        notice: None,
    }
}

/// Who a manage link lets into a session's room: the customer, or the proxy who booked it.
pub(crate) struct InRoom {
    pub(crate) booking: Booking,
    /// The registration of the proxy the link was made for; none for the customer.
    proxy: Option<Registration>,
}

impl InRoom {
    /// Who writes from this side of the room, and under which name.
    fn writer(&self) -> Writer<'_> {
        match &self.proxy {
            Some(r) => Writer {
                author: Author::Proxy,
                staff_user_id: None,
                name: &r.proxy_full_name,
            },
            None => Writer {
                author: Author::Customer,
                staff_user_id: None,
                name: &self.booking.customer_name,
            },
        }
    }

    /// Who acts, for the record.
    fn actor(&self, ip: Option<String>) -> Actor {
        match self.proxy.as_ref().and_then(|r| r.proxy_account_id) {
            Some(proxy_id) => Actor::proxy(proxy_id, ip),
            None => Actor::visitor(ip),
        }
    }
}

/// The written-chat session a manage link opens, with who is coming in, or the page to
/// answer with instead. A link made for a proxy opens it only while their registration
/// lets them book sessions for the customer: an ended or expired one shows the portal's
/// refusal, before anything of the room is read.
pub(crate) async fn customer_session(
    state: &AppState,
    ctx: &PageContext,
    token: &str,
) -> Result<std::result::Result<InRoom, Response>> {
    let managed = match link_session(state, ctx, token).await? {
        Ok(managed) => managed,
        Err(page) => return Ok(Err(page)),
    };
    let proxy = match managed.proxy_registration_id {
        Some(id) => match crate::web::proxy_portal::room_holder(state, ctx, id).await? {
            Ok(r) => Some(r),
            Err(page) => return Ok(Err(page)),
        },
        None => None,
    };
    if managed.booking.mode != SessionMode::WrittenChat {
        return Err(Error::NotFound);
    }
    Ok(Ok(InRoom {
        booking: managed.booking,
        proxy,
    }))
}

async fn customer_page(
    state: &AppState,
    ctx: &PageContext,
    token: &str,
    holder: &InRoom,
    answer: Answer<'_>,
) -> Result<Response> {
    let b = &holder.booking;
    let room_state = chat::state(&state.db, state.now(), b).await?;
    let lines = lines(state, b).await?;
    let action = paths::booking::chat(token);
    let back = paths::booking::manage(token);
    let transcript = paths::booking::chat_transcript(token);
    let events = paths::booking::chat_events(token);
    let page = view::room(
        ctx,
        &ChatPage {
            reference: &b.reference,
            state: room_state,
            lines: &lines,
            action: &action,
            back: &back,
            events: &events,
            typed: answer.typed,
            errors: &answer.errors,
            notice: answer.notice,
            staff: None,
            transcript: Some(TranscriptChoice {
                action: &transcript,
                by_email: b.chat_transcript_by_email,
            }),
            proxy_for: holder.proxy.as_ref().map(|_| b.customer_name.as_str()),
        },
    );
    Ok((answer.status, page).into_response())
}

/// The customer's room.
pub async fn customer_room(
    State(state): State<AppState>,
    ctx: PageContext,
    Path(token): Path<String>,
    Query(query): Query<DoneQuery>,
) -> Result<Response> {
    let holder = match customer_session(&state, &ctx, &token).await? {
        Ok(holder) => holder,
        Err(page) => return Ok(page),
    };
    let notice = match query.done.as_str() {
        "transcript" => Some("chat.transcript.saved"),
        _ => None,
    };
    customer_page(&state, &ctx, &token, &holder, Answer::fresh(notice)).await
}

/// The customer chooses whether the conversation is emailed to them when the session ends.
/// Once it has ended the room says so, and the choice no longer matters.
pub async fn customer_transcript(
    State(state): State<AppState>,
    ctx: PageContext,
    ClientIp(ip): ClientIp,
    Path(token): Path<String>,
    Form(form): Form<TranscriptForm>,
) -> Result<Response> {
    let holder = match customer_session(&state, &ctx, &token).await? {
        Ok(holder) => holder,
        Err(page) => return Ok(page),
    };
    let b = &holder.booking;
    let actor = holder.actor(ip);
    let wanted = form.transcript_by_email == "yes";
    let room = paths::booking::chat(&token);
    match chat::set_transcript_by_email(&state.act(&actor), b.id, wanted).await {
        Ok(_) => Ok(see_other(&format!("{room}?done=transcript"))),
        Err(ChatError::Refused(_)) => Ok(see_other(&room)),
        Err(ChatError::NotFound) => Err(Error::NotFound),
        Err(ChatError::Database(e)) => Err(e.into()),
    }
}

/// The customer writes a message.
pub async fn customer_post(
    State(state): State<AppState>,
    ctx: PageContext,
    ClientIp(ip): ClientIp,
    Path(token): Path<String>,
    Form(form): Form<ChatForm>,
) -> Result<Response> {
    let holder = match customer_session(&state, &ctx, &token).await? {
        Ok(holder) => holder,
        Err(page) => return Ok(page),
    };
    let b = &holder.booking;
    let body = match rules::message_body(&form.chat_message) {
        Ok(body) => body,
        Err(why) => {
            let mut errors = Errors::new();
            errors.invalid("chat_message", why);
            let answer = Answer {
                typed: &form.chat_message,
                errors,
                status: StatusCode::UNPROCESSABLE_ENTITY,
                notice: None,
            };
            return customer_page(&state, &ctx, &token, &holder, answer).await;
        }
    };
    let actor = holder.actor(ip);
    match chat::post(&state.act(&actor), b.id, &holder.writer(), &body).await {
        Ok(_) => {
            state.chat_hub.ring(b.id);
            Ok(see_other(&paths::booking::chat(&token)))
        }
        Err(ChatError::Refused(room)) => {
            let answer = refused(&form.chat_message, room);
            customer_page(&state, &ctx, &token, &holder, answer).await
        }
        Err(ChatError::NotFound) => Err(Error::NotFound),
        Err(ChatError::Database(e)) => Err(e.into()),
    }
}

/// The written-chat session of a staff page, when the staff member may be in its room:
/// the assigned staff member, and those who run the schedule. Another interpreter is
/// refused; a session that is not a written chat is not found.
pub(crate) async fn staff_session(
    state: &AppState,
    staff: &crate::services::accounts::SignedInStaff,
    raw_id: &str,
) -> Result<Booking> {
    let id = raw_id.parse::<i64>().map_err(|_| Error::NotFound)?;
    let b = booking::get(&state.db, id)
        .await?
        .filter(|b| b.mode == SessionMode::WrittenChat)
        .ok_or(Error::NotFound)?;
    if !(staff.role.may(Permission::ManageSchedule) || staff.id == b.interpreter_id) {
        return Err(Error::Forbidden);
    }
    Ok(b)
}

async fn staff_page(
    state: &AppState,
    ctx: &PageContext,
    staff_id: i64,
    b: &Booking,
    answer: Answer<'_>,
) -> Result<Response> {
    staff_page_with(state, ctx, staff_id, b, answer, "").await
}

/// Staff's room again after a form of the staff side (a phrase put into the message, a note
/// refused): `typed` in the message box and `note` in the note box, with `errors`.
pub(super) async fn staff_room_again(
    act: &StaffAct,
    b: &Booking,
    typed: &str,
    note: &str,
    errors: Errors,
    status: StatusCode,
) -> Result<Response> {
    let answer = Answer {
        typed,
        errors,
        status,
        notice: None,
    };
    staff_page_with(&act.state, &act.ctx, act.staff.id, b, answer, note).await
}

async fn staff_page_with(
    state: &AppState,
    ctx: &PageContext,
    staff_id: i64,
    b: &Booking,
    answer: Answer<'_>,
    note_typed: &str,
) -> Result<Response> {
    let room_state = chat::state(&state.db, state.now(), b).await?;
    let desk = super::staff_room::desk(state, staff_id, b).await?;
    let lines = lines(state, b).await?;
    let action = paths::staff::session_chat(b.id);
    let back = paths::staff::session(b.id);
    let open = paths::staff::session_chat_open(b.id);
    let end = paths::staff::session_chat_end(b.id);
    let events = paths::staff::session_chat_events(b.id);
    let page = view::room(
        ctx,
        &ChatPage {
            reference: &b.reference,
            state: room_state,
            lines: &lines,
            action: &action,
            back: &back,
            events: &events,
            typed: answer.typed,
            errors: &answer.errors,
            notice: answer.notice,
            staff: Some(StaffControls {
                open: &open,
                end: &end,
                customer: &b.customer_name,
                desk: desk.view(note_typed),
            }),
            transcript: None,
            proxy_for: None,
        },
    );
    Ok((answer.status, page).into_response())
}

/// Staff's room. A reader other than the session's interpreter is recorded in the audit
/// log when there are messages to read.
pub async fn staff_room(
    act: StaffAct,
    Path(id): Path<String>,
    Query(query): Query<DoneQuery>,
) -> Result<Response> {
    let StaffAct {
        state, ctx, staff, ..
    } = &act;
    let b = staff_session(state, staff, &id).await?;
    let notice = match query.done.as_str() {
        "opened" => Some("chat.staff.done.opened"),
        "ended" => Some("chat.staff.done.ended"),
        "note" => Some("chat_notes.done"),
        _ => None,
    };
    let read = chat::messages(&state.db, b.id).await?.len();
    chat::note_read(&act.uc(), &b, read).await?;
    staff_page(state, ctx, staff.id, &b, Answer::fresh(notice)).await
}

/// A staff member writes a message, under their display name.
pub async fn staff_post(
    act: StaffAct,
    Path(id): Path<String>,
    Form(form): Form<ChatForm>,
) -> Result<Response> {
    let StaffAct {
        state, ctx, staff, ..
    } = &act;
    let b = staff_session(state, staff, &id).await?;
    if !form.insert_phrase.is_empty() {
        let (typed, phrase) = (&form.chat_message, &form.insert_phrase);
        return super::staff_room::insert_phrase(&act, &b, typed, phrase).await;
    }
    let body = match rules::message_body(&form.chat_message) {
        Ok(body) => body,
        Err(why) => {
            let mut errors = Errors::new();
            errors.invalid("chat_message", why);
            let answer = Answer {
                typed: &form.chat_message,
                errors,
                status: StatusCode::UNPROCESSABLE_ENTITY,
                notice: None,
            };
            return staff_page(state, ctx, staff.id, &b, answer).await;
        }
    };
    let writer = Writer {
        author: Author::Staff,
        staff_user_id: Some(staff.id),
        name: &staff.display_name,
    };
    match chat::post(&act.uc(), b.id, &writer, &body).await {
        Ok(_) => {
            state.chat_hub.ring(b.id);
            Ok(see_other(&paths::staff::session_chat(b.id)))
        }
        Err(ChatError::Refused(room)) => {
            staff_page(state, ctx, staff.id, &b, refused(&form.chat_message, room)).await
        }
        Err(ChatError::NotFound) => Err(Error::NotFound),
        Err(ChatError::Database(e)) => Err(e.into()),
    }
}

/// Opens the room before it opens by itself. When it is already open or over, the room's
/// page says where it stands.
pub async fn staff_open(act: StaffAct, Path(id): Path<String>) -> Result<Response> {
    room_change(act, &id, chat::open_now, "opened").await
}

/// What ending a session sends: how it went.
#[derive(Debug, Deserialize, Default)]
#[serde(default)]
pub struct EndForm {
    outcome: String,
}

/// Ends the session: the room closes, and how it went is recorded. An outcome the form
/// does not offer shows the room again with why.
pub async fn staff_end(
    act: StaffAct,
    Path(id): Path<String>,
    Form(form): Form<EndForm>,
) -> Result<Response> {
    let Some(outcome) = chat::EndOutcome::parse(&form.outcome) else {
        let b = staff_session(&act.state, &act.staff, &id).await?;
        let mut errors = Errors::new();
        errors.add("outcome", "chat.staff.error.outcome");
        let status = StatusCode::UNPROCESSABLE_ENTITY;
        return staff_room_again(&act, &b, "", "", errors, status).await;
    };
    let end =
        async move |uc: &UseCase<'_>, booking_id: i64| chat::end(uc, booking_id, outcome).await;
    room_change(act, &id, end, "ended").await
}

/// Opens or ends a room, then shows it with `done` as its notice; a change the room's state
/// refuses shows the room as it stands.
async fn room_change<F>(act: StaffAct, id: &str, change: F, done: &str) -> Result<Response>
where
    F: AsyncFnOnce(&UseCase<'_>, i64) -> std::result::Result<Booking, ChatError>,
{
    let b = staff_session(&act.state, &act.staff, id).await?;
    let room = paths::staff::session_chat(b.id);
    match change(&act.uc(), b.id).await {
        Ok(_) => {
            act.state.chat_hub.ring(b.id);
            Ok(see_other(&format!("{room}?done={done}")))
        }
        Err(ChatError::Refused(_)) => Ok(see_other(&room)),
        Err(ChatError::NotFound) => Err(Error::NotFound),
        Err(ChatError::Database(e)) => Err(e.into()),
    }
}
