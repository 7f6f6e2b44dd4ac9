//! Handlers for the links emailed to staff (invitations and password resets), for asking for a
//! reset, and for the outbox page.

use super::AppState;
use super::context::{ClientIp, CurrentStaff};
use super::forms::{rejected, see_other};
use super::staff::new_password;
use crate::domain::{AuditAction, Email, Token};
use crate::error::{Error, Result};
use crate::mail::outbox::{self, status};
use crate::services::audit;
use crate::services::staff_links::{self, Purpose};
use crate::views::components::Errors;
use crate::views::staff::{ForgotForm, OutboxRow};
use crate::views::{self, PageContext};
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

#[derive(Debug, Deserialize, Default)]
#[serde(default)]
pub struct PasswordFields {
    new_password: String,
    new_password_confirm: String,
}

fn texts(purpose: Purpose) -> (&'static str, &'static str, &'static str) {
    match purpose {
        Purpose::Invitation => (
            "/staff/invitation/",
            "links.invitation_title",
            "links.invitation_lead",
        ),
        Purpose::PasswordReset => ("/staff/reset/", "links.reset_title", "links.reset_lead"),
    }
}

async fn show(
    state: &AppState,
    ctx: &PageContext,
    raw: &str,
    purpose: Purpose,
    errors: &Errors,
) -> Result<Response> {
    let holder = match Token::from_presented(raw) {
        Some(token) => staff_links::holder(&state.db, state.now(), &token, purpose).await?,
        None => None,
    };
    let Some(holder) = holder else {
        return Ok((StatusCode::NOT_FOUND, views::staff::link_gone(ctx)).into_response());
    };
    let (path, title, lead) = texts(purpose);
    let lead = ctx.tf(lead, &[("name", &holder.display_name)]);
    let page = views::staff::choose_password(ctx, &format!("{path}{raw}"), title, &lead, errors);
    Ok(if errors.is_empty() {
        page.into_response()
    } else {
        rejected(page)
    })
}

async fn save(
    state: AppState,
    ctx: PageContext,
    ip: Option<String>,
    raw: String,
    purpose: Purpose,
    form: PasswordFields,
) -> Result<Response> {
    let mut errors = Errors::new();
    let password = new_password(
        &mut errors,
        "new_password",
        "new_password_confirm",
        &form.new_password,
        &form.new_password_confirm,
    );
    let (Some(password), Some(token)) = (password, Token::from_presented(&raw)) else {
        return show(&state, &ctx, &raw, purpose, &errors).await;
    };
    let hash = state.hasher.hash(password.expose()).await?;
    match staff_links::redeem(&state.db, state.now(), &token, purpose, hash, ip).await? {
        Some(_) => Ok(see_other("/staff/login?password_set=1")),
        None => Ok((StatusCode::NOT_FOUND, views::staff::link_gone(&ctx)).into_response()),
    }
}

/// The page where an invited staff member chooses their password.
pub async fn invitation_form(
    State(state): State<AppState>,
    ctx: PageContext,
    Path(raw): Path<String>,
) -> Result<Response> {
    show(&state, &ctx, &raw, Purpose::Invitation, &Errors::new()).await
}

/// Saves the password chosen from an invitation.
pub async fn invitation_save(
    State(state): State<AppState>,
    ctx: PageContext,
    ClientIp(ip): ClientIp,
    Path(raw): Path<String>,
    Form(form): Form<PasswordFields>,
) -> Result<Response> {
    save(state, ctx, ip, raw, Purpose::Invitation, form).await
}

/// The page where a staff member chooses a new password from a reset link.
pub async fn reset_form(
    State(state): State<AppState>,
    ctx: PageContext,
    Path(raw): Path<String>,
) -> Result<Response> {
    show(&state, &ctx, &raw, Purpose::PasswordReset, &Errors::new()).await
}

/// Saves the password chosen from a reset link.
pub async fn reset_save(
    State(state): State<AppState>,
    ctx: PageContext,
    ClientIp(ip): ClientIp,
    Path(raw): Path<String>,
    Form(form): Form<PasswordFields>,
) -> Result<Response> {
    save(state, ctx, ip, raw, Purpose::PasswordReset, form).await
}

/// The "forgot your password" form.
pub async fn forgot_form(ctx: PageContext) -> Response {
    views::staff::forgot(&ctx, &ForgotForm::default(), &Errors::new()).into_response()
}

/// Emails a reset link if an account uses the address, and says the same either way.
pub async fn forgot(
    State(state): State<AppState>,
    ctx: PageContext,
    ClientIp(ip): ClientIp,
    Form(form): Form<ForgotForm>,
) -> Result<Response> {
    let mut errors = Errors::new();
    let Some(email) = errors.check("email", Email::parse(&form.email)) else {
        return Ok(rejected(views::staff::forgot(&ctx, &form, &errors)));
    };
    if staff_links::request_reset(&state.db, state.now(), &state.config, &email, ctx.lang, ip)
        .await?
    {
        state.mail_waiting();
    }
    Ok(views::staff::forgot_sent(&ctx, email.as_str()).into_response())
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
