//! The outbox page: pending, given-up and sent emails, and trying one again at once.

use super::AppState;
use super::context::StaffAct;
use super::forms::{Query, see_other};
use crate::error::{Error, Result};
use crate::mail::outbox::{self, status};
use crate::paths;
use crate::services;
use crate::views::staff::OutboxRow;
use crate::views::{self, PageContext};
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

/// The outbox page's address: which emails, which page, and whether one was just retried.
#[derive(Debug, Deserialize, Default)]
#[serde(default)]
pub struct OutboxQuery {
    status: String,
    page: String,
    retried: String,
}

/// The outbox: pending, given-up and sent emails.
pub async fn page(
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
            lang: row.lang,
            attempts: row.attempts,
            last_error: row.last_error,
        })
        .collect();
    let notice = (query.retried == "1").then(|| ctx.t("outbox.retried"));
    Ok(views::staff::outbox(&ctx, shown, &counts, &rows, notice).into_response())
}

/// Makes a waiting or given-up email due now; committing wakes the relay.
pub async fn retry(act: StaffAct, Path(id): Path<String>) -> Result<Response> {
    let id: i64 = id.parse().map_err(|_| Error::NotFound)?;
    if !services::outbox::retry(&act.uc(), id).await? {
        return Err(Error::NotFound);
    }
    Ok(see_other(&format!("{}?retried=1", paths::staff::OUTBOX)))
}
