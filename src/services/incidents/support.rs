//! "I need support": a staff member in a request or a chat room calls the supervisors, who
//! are told at once (a banner on their dashboard and an email). A supervisor takes the
//! call — a request is handed to them, a room is theirs to join — and the caller's report
//! starts from the call.

use super::{IncidentError, Notice, tell_supervisors};
use crate::domain::AuditAction;
use crate::entities::support_call;
use crate::paths;
use crate::services::UseCase;
use crate::services::audit::{self, Target};
use crate::services::requests::{self, RequestError};
use crate::services::staff;
use sea_orm::{
    ActiveModelTrait,
    ActiveValue::{NotSet, Set},
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
};

/// One call for support.
pub type Call = support_call::Model;

/// Where the call was made from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    /// A support request's staff page.
    Request(i64),
    /// A session's chat room.
    Session(i64),
}

impl Place {
    /// The staff page of the place.
    pub fn page(self) -> String {
        match self {
            Place::Request(id) => paths::staff::request(id),
            Place::Session(id) => paths::staff::session_chat(id),
        }
    }
}

/// Where a stored call was made from.
pub fn place(call: &Call) -> Option<Place> {
    match (call.request_id, call.booking_id) {
        (Some(id), _) => Some(Place::Request(id)),
        (None, Some(id)) => Some(Place::Session(id)),
        (None, None) => None,
    }
}

/// Calls the supervisors from `place`: writes the call, audits it and emails them, in one
/// transaction. The handler has checked that the caller may be there.
pub async fn call(uc: &UseCase<'_>, caller: i64, at: Place) -> Result<Call, IncidentError> {
    let txn = uc.begin().await?;
    let by = staff::display_names(&txn)
        .await?
        .remove(&caller)
        .unwrap_or_default();
    let (request_id, booking_id) = match at {
        Place::Request(id) => (Some(id), None),
        Place::Session(id) => (None, Some(id)),
    };
    let call = support_call::ActiveModel {
        id: NotSet,
        staff_user_id: Set(caller),
        request_id: Set(request_id),
        booking_id: Set(booking_id),
        raised_at: Set(uc.now),
        taken_by: Set(None),
        taken_at: Set(None),
        incident_id: Set(None),
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        uc.now,
        uc.actor,
        AuditAction::SupportCalled,
        Some(Target::support_call(call.id)),
        serde_json::json!({ "request": request_id, "session": booking_id }),
    )
    .await?;
    let link = paths::staff::INCIDENTS.to_owned();
    tell_supervisors(&txn, uc.now, uc.config, Notice::Called { by: &by, link }).await?;
    uc.commit(txn).await?;
    Ok(call)
}

/// The calls no supervisor has taken yet, oldest first.
pub async fn waiting<C: ConnectionTrait>(conn: &C) -> Result<Vec<Call>, DbErr> {
    support_call::Entity::find()
        .filter(support_call::Column::TakenAt.is_null())
        .order_by_asc(support_call::Column::RaisedAt)
        .order_by_asc(support_call::Column::Id)
        .all(conn)
        .await
}

/// A supervisor takes a call: the call is theirs, and a request it came from is handed to
/// them. A call already taken stays with whoever took it first; taking it again changes
/// nothing and answers with the call as it is.
pub async fn take(uc: &UseCase<'_>, supervisor: i64, id: i64) -> Result<Call, IncidentError> {
    let txn = uc.begin().await?;
    crate::db::take_turn(&txn, &format!("support call {id}")).await?;
    let found = support_call::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or(IncidentError::NotFound)?;
    if found.taken_at.is_some() {
        return Ok(found);
    }
    let mut row: support_call::ActiveModel = found.clone().into();
    row.taken_by = Set(Some(supervisor));
    row.taken_at = Set(Some(uc.now));
    let call = row.update(&txn).await?;
    if let Some(request) = call.request_id {
        match requests::staff::assign_in(&txn, uc, request, Some(supervisor)).await {
            Ok(_) => {}
            Err(RequestError::Database(e)) => return Err(e.into()),
            Err(_) => return Err(IncidentError::NotFound),
        }
    }
    audit::record(
        &txn,
        uc.now,
        uc.actor,
        AuditAction::SupportTaken,
        Some(Target::support_call(call.id)),
        serde_json::json!({ "request": call.request_id, "session": call.booking_id }),
    )
    .await?;
    uc.commit(txn).await?;
    Ok(call)
}

/// The calls a staff member made that no report has come from yet, newest first: the
/// drafts waiting on their "my reports" page.
pub async fn unreported<C: ConnectionTrait>(conn: &C, caller: i64) -> Result<Vec<Call>, DbErr> {
    support_call::Entity::find()
        .filter(support_call::Column::StaffUserId.eq(caller))
        .filter(support_call::Column::IncidentId.is_null())
        .order_by_desc(support_call::Column::RaisedAt)
        .all(conn)
        .await
}
