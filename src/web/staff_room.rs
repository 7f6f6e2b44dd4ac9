//! The staff side of a written-chat room: a saved phrase put into the message being written
//! (the room again, with nothing sent), an internal note about the session (the same notes
//! as on the session's staff page, which only staff read), and
//! the page where each staff member keeps their own phrases (`/staff/phrases`).

use super::AppState;
use super::context::StaffAct;
use super::forms::{Form, Query, rejected, see_other};
use crate::domain::staff_room::{self as rules, with_phrase};
use crate::error::{Error, Result};
use crate::paths;
use crate::services::booking::{self, Booking, BookingError};
use crate::services::phrases::{self, PhraseError};
use crate::views::components::Errors;
use crate::views::schedule::NoteLine;
use crate::views::staff_room::{self as view, PhraseLine, PhrasesView, StaffDesk};
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

/// What staff's room shows of the staff side, read for one viewer and session.
pub struct DeskData {
    phrases: Vec<PhraseLine>,
    phrases_page: String,
    notes: Vec<NoteLine>,
    note_action: String,
    support_action: String,
    report_link: String,
}

impl DeskData {
    /// The view of it, with `note_typed` in the note box.
    pub fn view<'a>(&'a self, note_typed: &'a str) -> StaffDesk<'a> {
        StaffDesk {
            phrases: &self.phrases,
            phrases_page: &self.phrases_page,
            notes: &self.notes,
            note_action: &self.note_action,
            note_typed,
            support_action: &self.support_action,
            report_link: &self.report_link,
        }
    }
}

/// A session's internal notes as shown.
async fn note_lines(state: &AppState, booking_id: i64) -> Result<Vec<NoteLine>> {
    Ok(booking::queries::notes(&state.db, booking_id)
        .await?
        .into_iter()
        .map(|n| NoteLine {
            author: n.author,
            at: n.at,
            body: n.body,
        })
        .collect())
}

/// Reads the viewer's phrases and the session's notes for staff's room.
pub async fn desk(state: &AppState, staff_user_id: i64, b: &Booking) -> Result<DeskData> {
    let phrases = phrases::list(&state.db, staff_user_id)
        .await?
        .into_iter()
        .map(|p| PhraseLine {
            id: p.id,
            body: p.body,
        })
        .collect();
    Ok(DeskData {
        phrases,
        phrases_page: phrases_address(Some(b.id), ""),
        notes: note_lines(state, b.id).await?,
        note_action: paths::staff::session_chat_notes(b.id),
        support_action: paths::staff::session_chat_support(b.id),
        report_link: format!("{}?session={}", paths::staff::INCIDENT_NEW, b.id),
    })
}

/// Puts one of the viewer's own phrases after what was typed and shows the room again:
/// nothing is sent. Another's phrase, or none, is not found.
pub async fn insert_phrase(
    act: &StaffAct,
    b: &Booking,
    typed: &str,
    raw_id: &str,
) -> Result<Response> {
    let id = raw_id.parse::<i64>().map_err(|_| Error::NotFound)?;
    let phrase = phrases::own(&act.state.db, act.staff.id, id)
        .await?
        .ok_or(Error::NotFound)?;
    let typed = with_phrase(typed, &phrase.body);
    super::chat::staff_room_again(act, b, &typed, "", Errors::new(), StatusCode::OK).await
}

/// What the note form sends.
#[derive(Debug, Deserialize, Default)]
#[serde(default)]
pub struct NoteForm {
    chat_note: String,
}

/// A staff member who may be in the room writes a note about the session, whether the room
/// is open or not. A refused note comes back with what was typed.
pub async fn add_note(
    act: StaffAct,
    Path(id): Path<String>,
    Form(form): Form<NoteForm>,
) -> Result<Response> {
    let b = super::chat::staff_session(&act.state, &act.staff, &id).await?;
    let body = match rules::note_body(&form.chat_note) {
        Ok(body) => body,
        Err(why) => {
            let mut errors = Errors::new();
            errors.invalid("chat_note", why);
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            return super::chat::staff_room_again(&act, &b, "", &form.chat_note, errors, status)
                .await;
        }
    };
    match booking::manage::add_note(&act.uc(), act.staff.id, b.id, &body).await {
        Ok(()) => Ok(see_other(&format!(
            "{}?done=note#chat-notes",
            paths::staff::session_chat(b.id)
        ))),
        Err(BookingError::NotFound) => Err(Error::NotFound),
        Err(e) => Err(e.into()),
    }
}

/// Where the phrases page came from, and what was just done there.
#[derive(Debug, Deserialize, Default)]
#[serde(default)]
pub struct PhrasesQuery {
    /// The session whose room the staff member came from.
    session: String,
    done: String,
}

impl PhrasesQuery {
    fn session(&self) -> Option<i64> {
        self.session.parse::<i64>().ok().filter(|id| *id > 0)
    }
}

/// The phrases page's address, remembering the room to go back to, with `done` when given.
fn phrases_address(session: Option<i64>, done: &str) -> String {
    let mut query = Vec::new();
    if let Some(id) = session {
        query.push(format!("session={id}"));
    }
    if !done.is_empty() {
        query.push(format!("done={done}"));
    }
    match query.is_empty() {
        true => paths::staff::PHRASES.to_owned(),
        false => format!("{}?{}", paths::staff::PHRASES, query.join("&")),
    }
}

async fn phrases_markup(
    act: &StaffAct,
    session: Option<i64>,
    typed: &str,
    errors: &Errors,
    notice: Option<&'static str>,
) -> Result<maud::Markup> {
    let lines: Vec<PhraseLine> = phrases::list(&act.state.db, act.staff.id)
        .await?
        .into_iter()
        .map(|p| PhraseLine {
            id: p.id,
            body: p.body,
        })
        .collect();
    let action = phrases_address(session, "");
    let remove = |id: i64| {
        let path = paths::staff::phrase_delete(id);
        match session {
            Some(s) => format!("{path}?session={s}"),
            None => path,
        }
    };
    let back = match session {
        Some(id) => paths::staff::session_chat(id),
        None => paths::staff::HOME.to_owned(),
    };
    Ok(view::phrases_page(
        &act.ctx,
        &PhrasesView {
            phrases: &lines,
            action: &action,
            remove: &remove,
            back: &back,
            typed,
            errors,
            notice,
        },
    ))
}

/// One's own saved phrases.
pub async fn phrases(act: StaffAct, Query(query): Query<PhrasesQuery>) -> Result<maud::Markup> {
    let notice = match query.done.as_str() {
        "added" => Some("phrases.done.added"),
        "removed" => Some("phrases.done.removed"),
        _ => None,
    };
    phrases_markup(&act, query.session(), "", &Errors::new(), notice).await
}

/// What the phrase form sends.
#[derive(Debug, Deserialize, Default)]
#[serde(default)]
pub struct PhraseForm {
    phrase: String,
}

/// Adds a phrase at the end of one's list. A refused one comes back with what was typed.
pub async fn add_phrase(
    act: StaffAct,
    Query(query): Query<PhrasesQuery>,
    Form(form): Form<PhraseForm>,
) -> Result<Response> {
    let session = query.session();
    let mut errors = Errors::new();
    let refused = match rules::phrase_body(&form.phrase) {
        Ok(body) => match phrases::add(&act.uc(), act.staff.id, &body).await {
            Ok(_) => return Ok(see_other(&phrases_address(session, "added"))),
            Err(PhraseError::Full) => {
                errors.add_with(
                    "phrase",
                    "error.phrase.full",
                    vec![("max", rules::PHRASES_MAX.to_string())],
                );
                errors
            }
            Err(PhraseError::NotFound) => return Err(Error::NotFound),
            Err(PhraseError::Database(e)) => return Err(e.into()),
        },
        Err(why) => {
            errors.invalid("phrase", why);
            errors
        }
    };
    Ok(rejected(
        phrases_markup(&act, session, &form.phrase, &refused, None).await?,
    ))
}

/// Removes one of one's own phrases; another's is not found.
pub async fn remove_phrase(
    act: StaffAct,
    Path(id): Path<String>,
    Query(query): Query<PhrasesQuery>,
) -> Result<Response> {
    let id = id.parse::<i64>().map_err(|_| Error::NotFound)?;
    match phrases::remove(&act.uc(), act.staff.id, id).await {
        Ok(()) => Ok(see_other(&phrases_address(query.session(), "removed"))),
        Err(PhraseError::NotFound) => Err(Error::NotFound),
        Err(PhraseError::Full) => Err(Error::NotFound),
        Err(PhraseError::Database(e)) => Err(e.into()),
    }
}
