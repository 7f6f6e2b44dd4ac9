//! The conversation the customer follows: the thread a link opens (without an account),
//! what it shows, where an email about the request leads back to, and the customer (or
//! their proxy) writing again, which opens the request again and tells whoever has it.

use super::{
    LINK_KEPT_AFTER_CLOSE, Message, Request, RequestError, Writer, add_message, due_from, get,
    new_link,
};
use crate::config::Config;
use crate::domain::request::RequestStatus;
use crate::domain::{AuditAction, Email, Lang, Token};
use crate::entities::{booking, request_link, request_message, staff_user, support_request};
use crate::mail::{self, templates};
use crate::paths;
use crate::services::UseCase;
use crate::services::audit::{self, Target};
use crate::services::proxy_handover::{self, Correspondent};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait,
    QueryFilter, QueryOrder,
};
use serde_json::json;
use time::OffsetDateTime;

/// The request a thread link opens: the link must be known, and the request not closed for
/// longer than [`LINK_KEPT_AFTER_CLOSE`].
pub async fn by_link<C: ConnectionTrait>(
    conn: &C,
    now: OffsetDateTime,
    token: &Token,
) -> Result<Option<Request>, DbErr> {
    let Some(link) = request_link::Entity::find_by_id(token.hash())
        .one(conn)
        .await?
    else {
        return Ok(None);
    };
    Ok(get(conn, link.request_id)
        .await?
        .filter(|r| r.closed_at.is_none_or(|c| now < c + LINK_KEPT_AFTER_CLOSE)))
}

/// The requests a proxy sent under a registration, newest first.
pub async fn under_registration<C: ConnectionTrait>(
    conn: &C,
    registration_id: i64,
) -> Result<Vec<Request>, DbErr> {
    support_request::Entity::find()
        .filter(support_request::Column::ProxyRegistrationId.eq(registration_id))
        .order_by_desc(support_request::Column::CreatedAt)
        .order_by_desc(support_request::Column::Id)
        .all(conn)
        .await
}

/// A request's thread, oldest first; internal notes only when `with_notes`.
pub async fn messages<C: ConnectionTrait>(
    conn: &C,
    request_id: i64,
    with_notes: bool,
) -> Result<Vec<Message>, DbErr> {
    let mut query =
        request_message::Entity::find().filter(request_message::Column::RequestId.eq(request_id));
    if !with_notes {
        query = query.filter(request_message::Column::Internal.eq(false));
    }
    query
        .order_by_asc(request_message::Column::CreatedAt)
        .order_by_asc(request_message::Column::Id)
        .all(conn)
        .await
}

/// The sessions booked to answer a request, by id.
pub async fn sessions<C: ConnectionTrait>(
    conn: &C,
    request_id: i64,
) -> Result<Vec<booking::Model>, DbErr> {
    booking::Entity::find()
        .filter(booking::Column::RequestId.eq(request_id))
        .order_by_asc(booking::Column::StartsAt)
        .all(conn)
        .await
}

/// Where an email about something done for a request (a session booked to answer it) leads
/// back to its thread: the proxy's portal while the registration lasts, or else a fresh link
/// of the customer's own.
pub async fn thread_link_for_email<C: ConnectionTrait>(
    conn: &C,
    now: OffsetDateTime,
    config: &Config,
    request_id: i64,
) -> Result<Option<String>, DbErr> {
    let Some(r) = get(conn, request_id).await? else {
        return Ok(None);
    };
    Ok(Some(
        match proxy_handover::correspondent(conn, now, r.proxy_registration_id).await? {
            Some(Correspondent::Proxy(p)) => config.link(&paths::proxy::request(p.id, r.id)),
            _ => {
                let token = new_link(conn, now, r.id).await?;
                config.link(&paths::requests::thread(token.expose()))
            }
        },
    ))
}

/// The customer (or their proxy) writes again: the message joins the thread, and a request
/// that was waiting for them or resolved is open again, with a new due time.
pub async fn customer_message(
    uc: &UseCase<'_>,
    id: i64,
    body: &str,
) -> Result<Request, RequestError> {
    let UseCase {
        now, config, actor, ..
    } = *uc;
    let txn = uc.begin().await?;
    let r = get(&txn, id).await?.ok_or(RequestError::NotFound)?;
    let before = r.status;
    if before == RequestStatus::Closed {
        return Err(RequestError::Closed);
    }
    let after = before.after_customer_message();
    let writer = Writer::Sender {
        proxy_id: actor.proxy_id,
    };
    add_message(&txn, now, r.id, writer, body).await?;
    let due = match r.due_at {
        Some(due) => Some(due),
        None => Some(due_from(&txn, config, r.topic, now).await?),
    };
    let mut row: support_request::ActiveModel = r.clone().into();
    row.status = Set(after);
    row.due_at = Set(due);
    row.updated_at = Set(now);
    if after != before {
        row.resolved_at = Set(None);
    }
    let r = row.update(&txn).await?;
    audit::record(
        &txn,
        now,
        actor,
        AuditAction::RequestCustomerMessage,
        Some(Target::request(r.id)),
        json!({ "reference": r.reference, "status_before": before.as_str(), "status": after.as_str() }),
    )
    .await?;
    tell_assignee(&txn, now, config, &r).await?;
    uc.commit(txn).await?;
    Ok(r)
}

/// Tells the staff member a request is with that the customer has written again, by email
/// in the desk's first language, with the link to the request's staff page.
async fn tell_assignee<C: ConnectionTrait>(
    conn: &C,
    now: OffsetDateTime,
    config: &Config,
    r: &Request,
) -> Result<(), DbErr> {
    let Some(assignee) = r.assignee_id else {
        return Ok(());
    };
    let Some(staff) = staff_user::Entity::find_by_id(assignee)
        .one(conn)
        .await?
        .filter(|s| s.active)
    else {
        return Ok(());
    };
    let Ok(recipient) = Email::parse(&staff.email) else {
        return Ok(());
    };
    let lang = Lang::default();
    let link = config.link(&paths::staff::request(r.id));
    let message = templates::staff_request_notice(
        lang,
        &staff.display_name,
        &r.reference,
        &r.customer_name,
        &link,
        crate::services::contact::staff_way_back(config),
    );
    let kind = "staff_request_notice";
    mail::enqueue_plain(conn, now, &config.base_url, kind, recipient, lang, message).await?;
    Ok(())
}
