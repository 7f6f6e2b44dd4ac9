//! What staff do with a request: answer the customer, add a note only staff read, give the
//! request to someone, move it through its statuses, and record a session booked for it.

use super::{Request, RequestError, Writer, add_message, due_from, get, new_link, tell};
use crate::domain::AuditAction;
use crate::domain::request::RequestStatus;
use crate::entities::{staff_user, support_request};
use crate::i18n::t;
use crate::services::UseCase;
use crate::services::audit::{self, Target};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait,
    QueryFilter, QueryOrder,
};
use serde_json::json;

/// Staff answer the customer: the reply joins the thread and is emailed (in the customer's
/// language, with a fresh link); nothing is owed until the customer writes again.
pub async fn reply(uc: &UseCase<'_>, id: i64, body: &str) -> Result<Request, RequestError> {
    let UseCase {
        now, config, actor, ..
    } = *uc;
    let txn = uc.begin().await?;
    let r = get(&txn, id).await?.ok_or(RequestError::NotFound)?;
    let before = r.status;
    if before == RequestStatus::Closed {
        return Err(RequestError::Closed);
    }
    let writer = Writer::Staff {
        staff_id: actor.staff_id,
        internal: false,
    };
    add_message(&txn, now, r.id, writer, body).await?;
    let mut row: support_request::ActiveModel = r.clone().into();
    let after = match before {
        RequestStatus::Resolved => RequestStatus::Resolved,
        _ => RequestStatus::Waiting,
    };
    row.status = Set(after);
    row.due_at = Set(None);
    row.updated_at = Set(now);
    if r.first_reply_at.is_none() {
        row.first_reply_at = Set(Some(now));
    }
    if r.assignee_id.is_none() {
        row.assignee_id = Set(actor.staff_id);
    }
    let r = row.update(&txn).await?;
    audit::record(
        &txn,
        now,
        actor,
        AuditAction::RequestReplied,
        Some(Target::request(r.id)),
        json!({ "reference": r.reference, "status_before": before.as_str(), "status": after.as_str() }),
    )
    .await?;
    let token = match r.proxy_registration_id {
        Some(_) => None,
        None => Some(new_link(&txn, now, r.id).await?),
    };
    tell(
        &txn,
        now,
        config,
        &r,
        "reply",
        |lang| {
            vec![
                t(lang, "email.request.reply.body").to_owned(),
                body.to_owned(),
            ]
        },
        token.as_ref(),
    )
    .await?;
    uc.commit(txn).await?;
    Ok(r)
}

/// Staff add a note that only staff read.
pub async fn add_note(uc: &UseCase<'_>, id: i64, body: &str) -> Result<(), RequestError> {
    let UseCase { now, actor, .. } = *uc;
    let txn = uc.begin().await?;
    let r = get(&txn, id).await?.ok_or(RequestError::NotFound)?;
    let writer = Writer::Staff {
        staff_id: actor.staff_id,
        internal: true,
    };
    add_message(&txn, now, r.id, writer, body).await?;
    audit::record(
        &txn,
        now,
        actor,
        AuditAction::RequestNoteAdded,
        Some(Target::request(r.id)),
        json!({ "reference": r.reference }),
    )
    .await?;
    uc.commit(txn).await?;
    Ok(())
}

/// The staff who can take requests, by display name: active accounts whose role handles
/// requests.
pub async fn assignable<C: ConnectionTrait>(conn: &C) -> Result<Vec<(i64, String)>, DbErr> {
    let roles: Vec<&str> = crate::domain::Permission::HandleRequests
        .roles()
        .iter()
        .map(|r| r.as_str())
        .collect();
    Ok(staff_user::Entity::find()
        .filter(staff_user::Column::Role.is_in(roles))
        .filter(staff_user::Column::Active.eq(true))
        .order_by_asc(staff_user::Column::DisplayName)
        .order_by_asc(staff_user::Column::Id)
        .all(conn)
        .await?
        .into_iter()
        .map(|s| (s.id, s.display_name))
        .collect())
}

/// Gives a request to a staff member (or to nobody). A new request being taken is open.
pub async fn assign(uc: &UseCase<'_>, id: i64, to: Option<i64>) -> Result<Request, RequestError> {
    let txn = uc.begin().await?;
    let r = assign_in(&txn, uc, id, to).await?;
    uc.commit(txn).await?;
    Ok(r)
}

/// Gives a request to a staff member (or to nobody) inside the transaction of a larger
/// change, such as a supervisor taking over a conversation.
pub async fn assign_in<C: ConnectionTrait>(
    txn: &C,
    uc: &UseCase<'_>,
    id: i64,
    to: Option<i64>,
) -> Result<Request, RequestError> {
    let UseCase { now, actor, .. } = *uc;
    let r = get(txn, id).await?.ok_or(RequestError::NotFound)?;
    if let Some(staff) = to
        && !assignable(txn).await?.iter().any(|(id, _)| *id == staff)
    {
        return Err(RequestError::NotAssignable);
    }
    let before = r.assignee_id;
    let mut row: support_request::ActiveModel = r.clone().into();
    row.assignee_id = Set(to);
    row.updated_at = Set(now);
    if to.is_some() && r.status == RequestStatus::New {
        row.status = Set(RequestStatus::Open);
    }
    let r = row.update(txn).await?;
    audit::record(
        txn,
        now,
        actor,
        AuditAction::RequestAssigned,
        Some(Target::request(r.id)),
        json!({ "reference": r.reference, "from": before, "to": to }),
    )
    .await?;
    Ok(r)
}

/// Moves a request to another status. Waiting, resolved and closed owe nothing; going back
/// to new or open starts a new due time when none is running.
pub async fn set_status(
    uc: &UseCase<'_>,
    id: i64,
    to: RequestStatus,
) -> Result<Request, RequestError> {
    let UseCase {
        now, config, actor, ..
    } = *uc;
    let txn = uc.begin().await?;
    let r = get(&txn, id).await?.ok_or(RequestError::NotFound)?;
    let before = r.status;
    if before == to {
        return Ok(r);
    }
    let mut row: support_request::ActiveModel = r.clone().into();
    row.status = Set(to);
    row.updated_at = Set(now);
    if to.is_active() {
        if r.due_at.is_none() {
            row.due_at = Set(Some(due_from(&txn, config, r.topic, now).await?));
        }
    } else {
        row.due_at = Set(None);
    }
    let resolved_at = match to {
        RequestStatus::Resolved => Some(now),
        RequestStatus::Closed => r.resolved_at.or(Some(now)),
        _ => None,
    };
    row.resolved_at = Set(resolved_at);
    // The first resolution stays when the customer writes again: contact after it counts.
    let first_resolution = r.first_resolved_at.is_none() && resolved_at.is_some();
    if first_resolution {
        row.first_resolved_at = Set(resolved_at);
    }
    row.closed_at = Set((to == RequestStatus::Closed).then_some(now));
    let r = row.update(&txn).await?;
    audit::record(
        &txn,
        now,
        actor,
        AuditAction::RequestStatusChanged,
        Some(Target::request(r.id)),
        json!({ "reference": r.reference, "from": before.as_str(), "to": to.as_str() }),
    )
    .await?;
    if first_resolution {
        let channel = crate::domain::feedback::Channel::Request;
        let staff = actor.staff_id;
        crate::services::feedback::ask(&txn, now, config, channel, r.id, staff).await?;
    }
    uc.commit(txn).await?;
    Ok(r)
}

/// Records, on the request's own history, the session booked to answer it.
pub async fn note_session_booked<C: ConnectionTrait>(
    conn: &C,
    uc: &UseCase<'_>,
    request_id: i64,
    booking_reference: &str,
) -> Result<(), DbErr> {
    let UseCase { now, actor, .. } = *uc;
    audit::record(
        conn,
        now,
        actor,
        AuditAction::RequestSessionBooked,
        Some(Target::request(request_id)),
        json!({ "booking": booking_reference }),
    )
    .await
}

/// Adds the conversation of a written-chat session booked to answer a request to its
/// thread, as a message from the staff member who ended the session, so the request shows
/// what was said. The request's status and due time stay as they are, and nobody is
/// emailed: the customer is sent the conversation with the session's own email.
pub async fn add_chat_transcript<C: ConnectionTrait>(
    conn: &C,
    now: time::OffsetDateTime,
    staff_id: Option<i64>,
    request_id: i64,
    body: &str,
) -> Result<(), DbErr> {
    if get(conn, request_id).await?.is_none() {
        return Ok(());
    }
    let writer = Writer::Staff {
        staff_id,
        internal: false,
    };
    add_message(conn, now, request_id, writer, body).await
}
