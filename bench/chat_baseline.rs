//! The baseline for `bench/chat-run`: the floor for a chat message's way from one side's
//! POST to the other side's Server-Sent Events stream on this machine with this client.
//!
//! A bare axum server with no middleware, no database and no templates: `POST
//! /rooms/{id}/chat` reads the form's `chat_message`, wraps it in a list item as the room's
//! page would (HTML-escaped, with a message id), sends it on the room's in-process tokio
//! broadcast channel and answers 303, as Yorisoi does; `GET /rooms/{id}/events` streams the
//! room's messages as `event: message` with the id, keeping the connection alive with a
//! comment every 15 seconds, as Yorisoi does.
//!
//! Usage: `BASELINE_BIND=127.0.0.1:3921 bench_chat_baseline`.

use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Router, body::Bytes};
use std::collections::HashMap;
use std::convert::Infallible;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::broadcast;

/// A message as broadcast: its id and its list item.
type Item = (u64, Arc<str>);

/// The rooms, each with its channel, and the last message id given.
#[derive(Default)]
struct Rooms {
    channels: Mutex<HashMap<u64, broadcast::Sender<Item>>>,
    last_id: AtomicU64,
}

impl Rooms {
    fn channel(&self, room: u64) -> broadcast::Sender<Item> {
        self.channels
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .entry(room)
            .or_insert_with(|| broadcast::channel(64).0)
            .clone()
    }
}

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            _ => out.push(c),
        }
    }
    out
}

async fn write(State(rooms): State<Arc<Rooms>>, Path(room): Path<u64>, body: Bytes) -> Response {
    let fields: Vec<(String, String)> = serde_urlencoded::from_bytes(&body).unwrap_or_default();
    let Some((_, message)) = fields.into_iter().find(|(k, _)| k == "chat_message") else {
        return StatusCode::UNPROCESSABLE_ENTITY.into_response();
    };
    let id = rooms.last_id.fetch_add(1, Ordering::Relaxed) + 1;
    let item = format!(
        "<li class=\"chat-message\" id=\"message-{id}\"><p class=\"chat-who\">Customer</p><p class=\"chat-body\">{}</p></li>",
        escape(&message)
    );
    // Nobody listening is not an error.
    let _ = rooms.channel(room).send((id, item.into()));
    (
        StatusCode::SEE_OTHER,
        [(header::LOCATION, format!("/rooms/{room}/chat"))],
    )
        .into_response()
}

async fn events(State(rooms): State<Arc<Rooms>>, Path(room): Path<u64>) -> Response {
    let receiver = rooms.channel(room).subscribe();
    let stream = futures_util::stream::unfold(receiver, |mut receiver| async move {
        loop {
            match receiver.recv().await {
                Ok((id, item)) => {
                    let event = Event::default()
                        .event("message")
                        .id(id.to_string())
                        .data(&*item);
                    return Some((Ok::<_, Infallible>(event), receiver));
                }
                Err(broadcast::error::RecvError::Lagged(_)) => continue,
                Err(broadcast::error::RecvError::Closed) => return None,
            }
        }
    });
    Sse::new(stream)
        .keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
        .into_response()
}

#[tokio::main]
async fn main() {
    let bind = std::env::var("BASELINE_BIND").unwrap_or_else(|_| "127.0.0.1:3921".into());
    let app = Router::new()
        .route("/rooms/{room}/chat", post(write))
        .route("/rooms/{room}/events", get(events))
        .route("/", get(|| async { "ok" }))
        .with_state(Arc::new(Rooms::default()));
    let listener = tokio::net::TcpListener::bind(&bind).await.expect("bind");
    axum::serve(listener, app).await.expect("serve");
}
