//! Writing emails into the outbox, and reading it for staff.

use super::templates::Rendered;
use crate::domain::{Email, Lang, Token};
use crate::entities::outbox_message::{self, Column};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait,
    ActiveValue::{NotSet, Set},
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

/// A file attached to an email, such as a calendar event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attachment {
    /// The file name shown to the recipient.
    pub filename: String,
    /// The MIME type.
    pub content_type: String,
    /// The content, as text.
    pub content: String,
}

/// The states of an outbox row.
pub mod status {
    /// Waiting for its next attempt.
    pub const PENDING: &str = "pending";
    /// Taken by the mail server.
    pub const SENT: &str = "sent";
    /// Given up on.
    pub const FAILED: &str = "failed";
}

/// An email to write into the outbox.
#[derive(Debug, Clone)]
pub struct OutgoingEmail {
    /// What kind of email it is, such as `staff_invitation`; shown to staff.
    pub kind: &'static str,
    /// Who it goes to.
    pub recipient: Email,
    /// The language it is written in.
    pub lang: Lang,
    /// The subject and both parts.
    pub message: Rendered,
    /// Files attached.
    pub attachments: Vec<Attachment>,
}

/// Writes an email into the outbox on `conn`, which should be the transaction of the change
/// the email announces. `host` goes into the `Message-ID`.
pub async fn enqueue<C: ConnectionTrait>(
    conn: &C,
    now: OffsetDateTime,
    host: &str,
    email: OutgoingEmail,
) -> Result<i64, DbErr> {
    let OutgoingEmail {
        kind,
        recipient,
        lang,
        message,
        attachments,
    } = email;
    let message_id = format!("<{}@{}>", &Token::generate().expose()[..32], host);
    let attachments = serde_json::to_string(&attachments).unwrap_or_else(|_| "[]".to_owned());
    let row = outbox_message::ActiveModel {
        id: NotSet,
        message_id: Set(message_id),
        kind: Set(kind.to_owned()),
        recipient: Set(recipient.as_str().to_owned()),
        lang: Set(lang),
        subject: Set(message.subject),
        text_body: Set(message.text),
        html_body: Set(message.html),
        attachments: Set(attachments),
        status: Set(status::PENDING.to_owned()),
        attempts: Set(0),
        next_attempt_at: Set(now),
        lease_owner: Set(None),
        lease_until: Set(None),
        last_error: Set(None),
        created_at: Set(now),
        sent_at: Set(None),
    }
    .insert(conn)
    .await?;
    Ok(row.id)
}

/// Writes an email without attachments into the outbox, as [`enqueue`] does, for the desk
/// at `base_url`.
pub async fn enqueue_plain<C: ConnectionTrait>(
    conn: &C,
    now: OffsetDateTime,
    base_url: &str,
    kind: &'static str,
    recipient: Email,
    lang: Lang,
    message: Rendered,
) -> Result<i64, DbErr> {
    let email = OutgoingEmail {
        kind,
        recipient,
        lang,
        message,
        attachments: Vec::new(),
    };
    enqueue(conn, now, &crate::config::mail_domain(base_url), email).await
}

/// Rows shown on one page of the outbox.
pub const PAGE_SIZE: u64 = 50;

/// One page of outbox rows in a state, newest first, and how many there are in each state.
pub async fn list<C: ConnectionTrait>(
    conn: &C,
    state: &str,
    page: u64,
) -> Result<(Vec<outbox_message::Model>, [(&'static str, u64); 3]), DbErr> {
    let mut counts = [(status::PENDING, 0), (status::FAILED, 0), (status::SENT, 0)];
    for (name, count) in counts.iter_mut() {
        *count = outbox_message::Entity::find()
            .filter(Column::Status.eq(*name))
            .count(conn)
            .await?;
    }
    let rows = outbox_message::Entity::find()
        .filter(Column::Status.eq(state))
        .order_by_desc(Column::CreatedAt)
        .order_by_desc(Column::Id)
        .paginate(conn, PAGE_SIZE)
        .fetch_page(page.saturating_sub(1))
        .await?;
    Ok((rows, counts))
}

/// Makes a pending or failed message due now. Answers whether there was such a message.
pub async fn retry_now<C: ConnectionTrait>(
    conn: &C,
    now: OffsetDateTime,
    id: i64,
) -> Result<bool, DbErr> {
    let result = outbox_message::Entity::update_many()
        .col_expr(Column::Status, Expr::value(status::PENDING))
        .col_expr(Column::NextAttemptAt, Expr::value(now))
        .filter(Column::Id.eq(id))
        .filter(Column::Status.is_in([status::PENDING, status::FAILED]))
        .exec(conn)
        .await?;
    Ok(result.rows_affected > 0)
}
