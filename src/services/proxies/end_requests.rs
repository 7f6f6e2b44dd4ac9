//! A customer asks for a registration to end, on a form that tells nobody what exists:
//! the request is kept whether or not it matches one, and staff confirm it (the
//! registration ends at once) or decline it.

use super::lifecycle::end;
use super::{EndRequest, ProxyError, Registration};
use crate::domain::proxy::{EndRequestStatus, EndedBy, iso_date, parse_iso_date};
use crate::domain::{AuditAction, Lang, Reference};
use crate::entities::{proxy_end_request, proxy_registration};
use crate::i18n::t;
use crate::services::UseCase;
use crate::services::audit::{self, Target};
use sea_orm::{
    ActiveModelTrait,
    ActiveValue::{NotSet, Set},
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
};
use serde_json::json;
use time::Date;

/// What a customer typed on the form to end a registration.
#[derive(Debug, Clone)]
pub struct EndRequestTyped {
    /// The registration's reference, as typed.
    pub reference: String,
    /// The customer's name, as typed.
    pub name: String,
    /// The customer's date of birth.
    pub birth: Date,
    /// Anything else they want to say.
    pub note: Option<String>,
}

/// Folds a name for comparison: no spaces, katakana as hiragana, letters in lower case.
fn folded_name(name: &str) -> String {
    name.chars()
        .filter(|c| !c.is_whitespace() && *c != '・')
        .map(|c| match c {
            '\u{30A1}'..='\u{30F6}' => char::from_u32(c as u32 - 0x60).unwrap_or(c),
            other => other,
        })
        .flat_map(char::to_lowercase)
        .collect()
}

/// Takes a customer's request to end a registration. The request is kept whether or not it
/// matches one (the answer is the same, so the form tells nobody what exists); staff see
/// which registration it matched, if any, and confirm it.
pub async fn request_end(
    uc: &UseCase<'_>,
    typed: &EndRequestTyped,
    lang: Lang,
) -> Result<EndRequest, DbErr> {
    let UseCase { now, actor, .. } = *uc;
    let txn = uc.begin().await?;
    let matched = match Reference::parse(&typed.reference, 'P') {
        Some(reference) => proxy_registration::Entity::find()
            .filter(proxy_registration::Column::Reference.eq(reference.as_str()))
            .one(&txn)
            .await?
            .filter(|r| {
                parse_iso_date(&r.principal_birth_date) == Some(typed.birth)
                    && [&r.principal_full_name, &r.principal_kana]
                        .iter()
                        .any(|n| folded_name(n) == folded_name(&typed.name))
            }),
        None => None,
    };
    let request = proxy_end_request::ActiveModel {
        id: NotSet,
        reference: Set(Reference::generate('E').as_str().to_owned()),
        typed_reference: Set(typed.reference.trim().chars().take(40).collect()),
        typed_name: Set(typed.name.clone()),
        typed_birth_date: Set(iso_date(typed.birth)),
        note: Set(typed.note.clone()),
        registration_id: Set(matched.as_ref().map(|r| r.id)),
        lang: Set(lang),
        requested_at: Set(now),
        status: Set(EndRequestStatus::Open),
        handled_at: Set(None),
        handled_by: Set(None),
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        now,
        actor,
        AuditAction::ProxyEndRequested,
        matched.as_ref().map(|r| Target::registration(r.id)),
        json!({ "request": request.reference, "matched": matched.is_some() }),
    )
    .await?;
    uc.commit(txn).await?;
    Ok(request)
}

/// The customers' requests still to be handled, oldest first.
pub async fn open_end_requests<C: ConnectionTrait>(conn: &C) -> Result<Vec<EndRequest>, DbErr> {
    proxy_end_request::Entity::find()
        .filter(proxy_end_request::Column::Status.eq(EndRequestStatus::Open))
        .order_by_asc(proxy_end_request::Column::RequestedAt)
        .all(conn)
        .await
}

/// One request.
pub async fn end_request<C: ConnectionTrait>(
    conn: &C,
    id: i64,
) -> Result<Option<EndRequest>, DbErr> {
    proxy_end_request::Entity::find_by_id(id).one(conn).await
}

async fn close_request(
    uc: &UseCase<'_>,
    request: EndRequest,
    status: EndRequestStatus,
) -> Result<(), DbErr> {
    let UseCase { now, actor, .. } = *uc;
    let txn = uc.begin().await?;
    let closed = proxy_end_request::Entity::update_many()
        .col_expr(
            proxy_end_request::Column::Status,
            sea_orm::sea_query::Expr::value(status),
        )
        .col_expr(
            proxy_end_request::Column::HandledAt,
            sea_orm::sea_query::Expr::value(now),
        )
        .col_expr(
            proxy_end_request::Column::HandledBy,
            sea_orm::sea_query::Expr::value(actor.staff_id),
        )
        .filter(proxy_end_request::Column::Id.eq(request.id))
        .filter(proxy_end_request::Column::Status.eq(EndRequestStatus::Open))
        .exec(&txn)
        .await?;
    if closed.rows_affected == 1 && status == EndRequestStatus::Declined {
        audit::record(
            &txn,
            now,
            actor,
            AuditAction::ProxyEndDeclined,
            request.registration_id.map(Target::registration),
            json!({ "request": request.reference }),
        )
        .await?;
    }
    uc.commit(txn).await
}

/// Staff confirm a customer's request: the registration it matched ends at once.
pub async fn confirm_end(uc: &UseCase<'_>, request_id: i64) -> Result<Registration, ProxyError> {
    let db = uc.db;
    let request = end_request(db, request_id)
        .await?
        .filter(|r| r.status == EndRequestStatus::Open)
        .ok_or(ProxyError::RequestNotOpen)?;
    let registration = request.registration_id.ok_or(ProxyError::RequestNotOpen)?;
    let reason = t(request.lang, "proxy.end.customer_reason").to_owned();
    let ended = end(uc, registration, EndedBy::Customer, Some(&reason)).await?;
    close_request(uc, request, EndRequestStatus::Confirmed).await?;
    Ok(ended)
}

/// Staff close a request without ending anything (it matched nothing, or was not genuine).
pub async fn decline_end(uc: &UseCase<'_>, request_id: i64) -> Result<(), ProxyError> {
    let db = uc.db;
    let request = end_request(db, request_id)
        .await?
        .filter(|r| r.status == EndRequestStatus::Open)
        .ok_or(ProxyError::RequestNotOpen)?;
    close_request(uc, request, EndRequestStatus::Declined).await?;
    Ok(())
}
