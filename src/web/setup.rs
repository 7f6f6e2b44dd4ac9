//! The first-run setup link, which creates the first admin and then answers 404 for ever.

use super::AppState;
use super::context::ClientIp;
use super::forms::{rejected, see_other};
use super::staff::{new_password, parse_identity};
use crate::domain::{Role, Token};
use crate::error::{Error, Result};
use crate::paths;
use crate::services::setup::{self, Setup};
use crate::services::staff::NewStaff;
use crate::views::components::Errors;
use crate::views::staff::StaffForm;
use crate::views::{self, PageContext};
use crate::web::forms::Form;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};

async fn valid_token(state: &AppState, raw: &str) -> Result<Token> {
    let token = Token::from_presented(raw).ok_or(Error::NotFound)?;
    if setup::token_is_valid(&state.db, &token).await? {
        Ok(token)
    } else {
        Err(Error::NotFound)
    }
}

/// The setup form, while the link is good.
pub async fn form(
    State(state): State<AppState>,
    ctx: PageContext,
    Path(raw): Path<String>,
) -> Result<Response> {
    let token = valid_token(&state, &raw).await?;
    let action = paths::public::setup(token.expose());
    Ok(views::staff::setup(&ctx, &action, &StaffForm::default(), &Errors::new()).into_response())
}

/// Creates the first admin.
pub async fn submit(
    State(state): State<AppState>,
    ctx: PageContext,
    ClientIp(ip): ClientIp,
    Path(raw): Path<String>,
    Form(form): Form<StaffForm>,
) -> Result<Response> {
    let token = valid_token(&state, &raw).await?;
    let action = paths::public::setup(token.expose());
    let mut errors = Errors::new();
    let (email, full_name, display_name) = parse_identity(&mut errors, &form);
    let password = new_password(
        &mut errors,
        "password",
        "password_confirm",
        &form.password,
        &form.password_confirm,
    );
    let (Some(email), Some(full_name), Some(display_name), Some(password), true) =
        (email, full_name, display_name, password, errors.is_empty())
    else {
        return Ok(rejected(views::staff::setup(&ctx, &action, &form, &errors)));
    };
    let hash = state.hasher.hash(password.expose()).await?;
    let new = NewStaff {
        email,
        full_name,
        display_name,
        role: Role::Admin,
        password_hash: Some(hash),
    };
    match setup::create_first_admin(&state.db, state.now(), &token, new, ip).await {
        Ok(Setup::Created(_)) => Ok(see_other(&format!("{}?created=1", paths::staff::LOGIN))),
        Ok(Setup::Gone) => Err(Error::NotFound),
        Err(e) => Err(e.into()),
    }
}
