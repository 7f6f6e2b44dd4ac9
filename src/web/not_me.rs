//! "This was not me": the link in the email to the customer named in a proxy application.
//! Opening it changes nothing (mail scanners open links too); pressing its one button stops
//! the application and tells staff.

use super::AppState;
use super::context::ClientIp;
use super::forms::{rejected, see_other};
use crate::domain::Token;
use crate::domain::booking::optional_text;
use crate::error::{Error, Result};
use crate::paths;
use crate::services::Actor;
use crate::services::not_me::{self, LinkState};
use crate::views::PageContext;
use crate::views::components::Errors;
use crate::views::not_me::{self as view, NOTE_MAX_CHARS, NotMeForm};
use crate::web::forms::Form;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};

fn token(raw: &str) -> Result<Token> {
    Token::from_presented(raw).ok_or(Error::NotFound)
}

/// The page the link opens: the button, or (once used) that it is done.
pub async fn form(
    State(state): State<AppState>,
    ctx: PageContext,
    Path(raw): Path<String>,
) -> Result<Response> {
    let token = token(&raw)?;
    match not_me::state(&state.db, &token).await? {
        None => Err(Error::NotFound),
        Some(LinkState::Used) => Ok(view::done(&ctx).into_response()),
        Some(LinkState::Ready) => {
            let action = paths::proxy::not_me(&raw);
            Ok(
                view::form_page(&ctx, &action, &NotMeForm::default(), &Errors::new())
                    .into_response(),
            )
        }
    }
}

/// Stops the application and tells staff, then shows that it is done.
pub async fn stop(
    State(state): State<AppState>,
    ctx: PageContext,
    ClientIp(ip): ClientIp,
    Path(raw): Path<String>,
    Form(typed): Form<NotMeForm>,
) -> Result<Response> {
    let token = token(&raw)?;
    let path = paths::proxy::not_me(&raw);
    let mut errors = Errors::new();
    let Some(note) = errors.check("note", optional_text(&typed.note, NOTE_MAX_CHARS)) else {
        if not_me::state(&state.db, &token).await?.is_none() {
            return Err(Error::NotFound);
        }
        return Ok(rejected(view::form_page(&ctx, &path, &typed, &errors)));
    };
    let actor = Actor::visitor(ip);
    let done = not_me::stop(&state.act(&actor), &token, note.as_deref()).await?;
    if done.is_none() {
        return Err(Error::NotFound);
    }
    Ok(see_other(&path))
}
