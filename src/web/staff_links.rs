//! Handlers for the links emailed to staff (invitations and password resets), for asking for a
//! reset, and for the outbox page.

use super::AppState;
use super::context::{ClientIp, CurrentStaff};
use super::door::{self, Link, PasswordFields};
use super::forms::see_other;
use crate::domain::AuditAction;
use crate::error::{Error, Result};
use crate::mail::outbox::{self, status};
use crate::services::audit;
use crate::views::components::Errors;
use crate::views::door::{Door, ForgotForm};
use crate::views::staff::OutboxRow;
use crate::views::{self, PageContext};
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

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

#[derive(Debug, Deserialize, Default)]
#[serde(default)]
pub struct OutboxQuery {
    status: String,
    page: String,
    retried: String,
}

/// The outbox: pending, given-up and sent emails.
pub async fn outbox_page(
    State(state): State<AppState>,
    ctx: PageContext,
    Query(query): Query<OutboxQuery>,
) -> Result<Response> {
    let shown = match query.status.as_str() {
        status::FAILED => status::FAILED,
        status::SENT => status::SENT,
        _ => status::PENDING,
    };
    let page = query.page.parse().unwrap_or(1);
    let (rows, counts) = outbox::list(&state.db, shown, page).await?;
    let rows: Vec<OutboxRow> = rows
        .into_iter()
        .map(|row| OutboxRow {
            id: row.id,
            created_at: row.created_at,
            when: if row.status == status::SENT {
                row.sent_at
            } else if row.status == status::PENDING {
                Some(row.next_attempt_at)
            } else {
                None
            },
            kind: row.kind,
            recipient: row.recipient,
            subject: row.subject,
            attempts: row.attempts,
            last_error: row.last_error,
        })
        .collect();
    let notice = (query.retried == "1").then(|| ctx.t("outbox.retried"));
    Ok(views::staff::outbox(&ctx, shown, &counts, &rows, notice).into_response())
}

/// Makes a waiting or given-up email due now and wakes the relay.
pub async fn outbox_retry(
    State(state): State<AppState>,
    CurrentStaff(staff): CurrentStaff,
    ClientIp(ip): ClientIp,
    Path(id): Path<String>,
) -> Result<Response> {
    let id: i64 = id.parse().map_err(|_| Error::NotFound)?;
    let now = state.now();
    let txn = crate::db::begin_write(&state.db).await?;
    if !outbox::retry_now(&txn, now, id).await? {
        return Err(Error::NotFound);
    }
    audit::record(
        &txn,
        now,
        &staff.actor(ip),
        AuditAction::EmailRetried,
        Some(audit::Target {
            kind: "outbox_message",
            id: id.to_string(),
        }),
        serde_json::json!({}),
    )
    .await?;
    txn.commit().await?;
    state.mail_waiting();
    Ok(see_other("/staff/outbox?retried=1"))
}
