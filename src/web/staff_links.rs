//! Handlers for the links emailed to staff (invitations and password resets), and for asking
//! for a reset.

use super::AppState;
use super::context::ClientIp;
use super::door::{self, Link, PasswordFields};
use crate::error::Result;
use crate::views::components::Errors;
use crate::views::door::{Door, ForgotForm};
use crate::views::{self, PageContext};
use axum::Form;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};

/// The page where an invited staff member chooses their password.
pub async fn invitation_form(
    State(state): State<AppState>,
    ctx: PageContext,
    Path(raw): Path<String>,
) -> Result<Response> {
    door::link_page(&state, &ctx, Link::StaffInvitation, &raw, &Errors::new()).await
}

/// Saves the password chosen from an invitation.
pub async fn invitation_save(
    State(state): State<AppState>,
    ctx: PageContext,
    ClientIp(ip): ClientIp,
    Path(raw): Path<String>,
    Form(form): Form<PasswordFields>,
) -> Result<Response> {
    door::link_save(&state, &ctx, ip, Link::StaffInvitation, &raw, form).await
}

/// The page where a staff member chooses a new password from a reset link.
pub async fn reset_form(
    State(state): State<AppState>,
    ctx: PageContext,
    Path(raw): Path<String>,
) -> Result<Response> {
    door::link_page(&state, &ctx, Link::StaffReset, &raw, &Errors::new()).await
}

/// Saves the password chosen from a reset link.
pub async fn reset_save(
    State(state): State<AppState>,
    ctx: PageContext,
    ClientIp(ip): ClientIp,
    Path(raw): Path<String>,
    Form(form): Form<PasswordFields>,
) -> Result<Response> {
    door::link_save(&state, &ctx, ip, Link::StaffReset, &raw, form).await
}

/// The "forgot your password" form.
pub async fn forgot_form(ctx: PageContext) -> Response {
    views::door::forgot(&ctx, Door::Staff, &ForgotForm::default(), &Errors::new()).into_response()
}

/// Emails a reset link if an account uses the address, and says the same either way.
pub async fn forgot(
    State(state): State<AppState>,
    ctx: PageContext,
    ClientIp(ip): ClientIp,
    Form(form): Form<ForgotForm>,
) -> Result<Response> {
    door::forgot(Door::Staff, &state, &ctx, ip, form).await
}
