//! A chat room followed live: its news as Server-Sent Events, for the room's page when the
//! browser runs its script (`assets/chat.js`); the page works without it.
//!
//! The stream sends each message written after the last one the reader has (the
//! `Last-Event-ID` a reconnecting browser sends, or `?after=` from the page), read from the
//! database in id order, so a reconnect resumes exactly where it left off, on any instance.
//! Each event's data is the message's list item as the page draws it, in the reader's
//! language. When staff end the session, an `ended` event says so and the stream ends; a
//! room already over with nothing left to send answers 204, which tells the browser not to
//! reconnect. Comments keep the connection alive through proxies.
//!
//! Before anything is sent after a quiet spell, who is reading is checked again: a manage
//! link whose proxy registration has ended, or a staff member signed out, stops getting
//! news at once rather than when the connection happens to drop.

use crate::domain::chat::RoomState;
use crate::error::{Error, Result};
use crate::services::accounts::{SignedIn, sessions};
use crate::services::booking::Booking;
use crate::services::chat;
use crate::services::chat_hub::Follower;
use crate::views::PageContext;
use crate::views::chat::message_item;
use crate::web::AppState;
use crate::web::chat::{customer_session, line, staff_session};
use crate::web::context::StaffAct;
use crate::web::forms::Query;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use std::collections::VecDeque;
use std::convert::Infallible;
use std::time::Duration;

/// How often a comment is sent to keep the connection open.
const KEEP_ALIVE: Duration = Duration::from_secs(15);

/// How long a quiet stream waits before checking its reader and the room again, in case a
/// ring was missed.
const LOOK_AGAIN: Duration = Duration::from_secs(30);

/// The most messages one read sends.
const BATCH: u64 = 200;

/// `?after=`: the last message the page already shows.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct AfterQuery {
    after: String,
}

/// The last message the reader has: the browser's `Last-Event-ID` when it reconnects, else
/// the page's `?after=`, else none (the whole conversation is sent).
fn last_seen(headers: &HeaderMap, query: &AfterQuery) -> i64 {
    headers
        .get("last-event-id")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse().ok())
        .or_else(|| query.after.trim().parse().ok())
        .unwrap_or(0)
        .max(0)
}

/// Who follows the room, as checked again before news is sent.
#[derive(Clone)]
enum Reader {
    /// Whoever holds the manage link.
    Link(String),
    /// A staff member's signed-in session, and the session's id as the path gave it.
    Staff { session_id: String, booking: String },
}

impl Reader {
    /// The session, when the reader may still follow its room.
    async fn session(&self, state: &AppState, ctx: &PageContext) -> Result<Option<Booking>> {
        match self {
            Reader::Link(token) => match customer_session(state, ctx, token).await {
                Ok(Ok(room)) => Ok(Some(room.booking)),
                Ok(Err(_)) | Err(Error::NotFound | Error::Forbidden) => Ok(None),
                Err(e) => Err(e),
            },
            Reader::Staff {
                session_id,
                booking,
            } => {
                let signed_in = sessions::find_by_id(
                    &state.db,
                    state.now(),
                    crate::domain::Realm::Staff,
                    session_id.clone(),
                )
                .await?;
                let Some(SignedIn::Staff(staff)) = signed_in else {
                    return Ok(None);
                };
                match staff_session(state, &staff, booking).await {
                    Ok(b) => Ok(Some(b)),
                    Err(Error::NotFound | Error::Forbidden) => Ok(None),
                    Err(e) => Err(e),
                }
            }
        }
    }
}

/// A stream's place in the room.
struct Feed {
    state: AppState,
    ctx: PageContext,
    reader: Reader,
    follower: Follower,
    /// The session whose room it is.
    booking_id: i64,
    /// The last message sent.
    cursor: i64,
    /// Events read and not yet sent.
    queue: VecDeque<Event>,
    /// Whether to read before waiting: at the start, and after a full batch.
    read_now: bool,
    /// Nothing more will be sent once the queue is empty.
    over: bool,
}

impl Feed {
    /// Reads what is new into the queue, or marks the feed over.
    async fn read(&mut self) -> Result<()> {
        // The messages first, then the reader: a message read here was written after a
        // sign-out or an ended registration that the check below then sees, so nothing
        // written after the reader lost the room reaches them.
        let messages =
            chat::messages_after(&self.state.db, self.booking_id, self.cursor, BATCH).await?;
        let Some(b) = self.reader.session(&self.state, &self.ctx).await? else {
            self.over = true;
            return Ok(());
        };
        self.read_now = messages.len() as u64 == BATCH;
        for m in messages {
            self.cursor = m.id;
            let id = m.id.to_string();
            let item = message_item(&self.ctx, &line(m, &b.customer_name)).into_string();
            self.queue
                .push_back(Event::default().event("message").id(id).data(item));
        }
        if !self.read_now
            && chat::state(&self.state.db, self.state.now(), &b).await? == RoomState::Closed
        {
            let closed = match self.reader {
                Reader::Link(_) => "chat.closed",
                Reader::Staff { .. } => "chat.staff.closed",
            };
            self.queue
                .push_back(Event::default().event("ended").data(self.ctx.t(closed)));
            self.over = true;
        }
        Ok(())
    }

    /// The next event, waiting for news when there is none.
    async fn next(mut self) -> Option<(std::result::Result<Event, Infallible>, Feed)> {
        loop {
            if let Some(event) = self.queue.pop_front() {
                return Some((Ok(event), self));
            }
            if self.over {
                return None;
            }
            if !self.read_now && !self.follower.news(LOOK_AGAIN).await {
                return None;
            }
            self.read_now = false;
            if let Err(e) = self.read().await {
                tracing::warn!(error = %e, "a live chat page could not be sent its news");
                return None;
            }
        }
    }
}

/// The stream for a reader who may follow the room of `b` now, from `after` on.
async fn stream(
    state: AppState,
    ctx: PageContext,
    reader: Reader,
    b: &Booking,
    after: i64,
) -> Result<Response> {
    let over = chat::state(&state.db, state.now(), b).await? == RoomState::Closed;
    if over
        && chat::messages_after(&state.db, b.id, after, 1)
            .await?
            .is_empty()
    {
        return Ok(StatusCode::NO_CONTENT.into_response());
    }
    let follower = state.chat_hub.follow(b.id);
    let feed = Feed {
        state,
        ctx,
        reader,
        follower,
        booking_id: b.id,
        cursor: after,
        queue: VecDeque::new(),
        read_now: true,
        over: false,
    };
    let events = futures_util::stream::unfold(feed, Feed::next);
    let mut response = Sse::new(events)
        .keep_alive(KeepAlive::new().interval(KEEP_ALIVE))
        .into_response();
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    // Proxies that buffer answers would hold the news back.
    headers.insert("x-accel-buffering", HeaderValue::from_static("no"));
    Ok(response)
}

/// The customer's room, live.
pub async fn customer_events(
    State(state): State<AppState>,
    ctx: PageContext,
    Path(token): Path<String>,
    Query(query): Query<AfterQuery>,
    headers: HeaderMap,
) -> Result<Response> {
    let b = match customer_session(&state, &ctx, &token).await? {
        Ok(room) => room.booking,
        Err(page) => return Ok(page),
    };
    let after = last_seen(&headers, &query);
    stream(state, ctx, Reader::Link(token), &b, after).await
}

/// Staff's room, live.
pub async fn staff_events(
    act: StaffAct,
    Path(id): Path<String>,
    Query(query): Query<AfterQuery>,
    headers: HeaderMap,
) -> Result<Response> {
    let StaffAct {
        state, ctx, staff, ..
    } = act;
    let b = staff_session(&state, &staff, &id).await?;
    let after = last_seen(&headers, &query);
    let reader = Reader::Staff {
        session_id: staff.session_id.clone(),
        booking: id,
    };
    stream(state, ctx, reader, &b, after).await
}
