//! "This was not me": the customer named in a proxy application is emailed a link with which
//! she stops it in two steps (open the link, press the button), without the reference
//! number. Using it tells staff at once (a request in their queue, in her name, which she
//! follows from the acknowledgement she is emailed) and stops the application: one still
//! waiting is turned down, one already approved ends. The link says nothing about the
//! application beyond what her email said, and works once.

use super::UseCase;
use super::audit::{self, Target};
use super::proxies::end_requests::EndRequestTyped;
use super::proxies::{self, ProxyError, Registration};
use super::requests;
use crate::config::Config;
use crate::domain::proxy::{RegistrationStatus, parse_iso_date};
use crate::domain::request::{NewRequest, ReplyChannel, Topic};
use crate::domain::{AuditAction, Email, Lang, Token};
use crate::entities::proxy_not_me_link;
use crate::i18n::{t, tf};
use crate::paths;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};
use serde_json::json;
use time::OffsetDateTime;

/// Writes a new link for a registration on `conn` (the application's transaction) and
/// answers its full address; only the token's hash is kept.
pub async fn issue<C: ConnectionTrait>(
    conn: &C,
    now: OffsetDateTime,
    config: &Config,
    registration_id: i64,
) -> Result<String, DbErr> {
    let token = Token::generate();
    proxy_not_me_link::Entity::insert(proxy_not_me_link::ActiveModel {
        token_hash: Set(token.hash()),
        registration_id: Set(registration_id),
        created_at: Set(now),
        used_at: Set(None),
    })
    .exec_without_returning(conn)
    .await?;
    Ok(config.link(&paths::proxy::not_me(token.expose())))
}

/// Where a link stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkState {
    /// Not used yet: the page offers to stop the application.
    Ready,
    /// Used: the page says it was done.
    Used,
}

/// Where the link with this token stands; `None` for a link that was never issued.
pub async fn state<C: ConnectionTrait>(
    conn: &C,
    token: &Token,
) -> Result<Option<LinkState>, DbErr> {
    Ok(proxy_not_me_link::Entity::find_by_id(token.hash())
        .one(conn)
        .await?
        .map(|link| match link.used_at {
            Some(_) => LinkState::Used,
            None => LinkState::Ready,
        }))
}

/// The customer says "this was not me", with an optional note. Answers `None` for a link
/// never issued. A link already used changes nothing more.
///
/// Telling staff and using up the link happen in one transaction; the application is then
/// stopped with the desk's own steps (turned down, or ended on the customer's request). Were
/// that to fail, the request in the staff queue still says what she asked.
pub async fn stop(
    uc: &UseCase<'_>,
    token: &Token,
    note: Option<&str>,
) -> Result<Option<LinkState>, ProxyError> {
    let UseCase { now, actor, .. } = *uc;
    let txn = uc.begin().await?;
    let Some(link) = proxy_not_me_link::Entity::find_by_id(token.hash())
        .one(&txn)
        .await?
    else {
        return Ok(None);
    };
    // The conditional update is the claim: of two presses at once, one does the work.
    let claimed = proxy_not_me_link::Entity::update_many()
        .col_expr(proxy_not_me_link::Column::UsedAt, Expr::value(now))
        .filter(proxy_not_me_link::Column::TokenHash.eq(link.token_hash.clone()))
        .filter(proxy_not_me_link::Column::UsedAt.is_null())
        .exec(&txn)
        .await?;
    let Some(r) = proxies::get(&txn, link.registration_id).await? else {
        return Ok(Some(LinkState::Used));
    };
    if claimed.rows_affected != 1 {
        return Ok(Some(LinkState::Used));
    }
    let lang = r.lang;
    audit::record(
        &txn,
        now,
        actor,
        AuditAction::ProxyNotMe,
        Some(Target::registration(r.id)),
        json!({ "reference": r.reference, "status": r.status.as_str() }),
    )
    .await?;
    requests::submit::open(&txn, uc, &request_for_staff(&r, lang, note), lang, None).await?;
    uc.commit(txn).await?;
    stop_registration(uc, &r, lang).await?;
    Ok(Some(LinkState::Used))
}

/// The request that tells staff, in the customer's name and language, answered to the
/// address her email went to.
fn request_for_staff(r: &Registration, lang: Lang, note: Option<&str>) -> NewRequest {
    let mut details = tf(
        lang,
        "not_me.request.details",
        &[("reference", &r.reference), ("proxy", &r.proxy_full_name)],
    );
    if let Some(note) = note {
        details.push_str("\n\n");
        details.push_str(&tf(lang, "not_me.request.note", &[("note", note)]));
    }
    let email = r
        .principal_email
        .as_deref()
        .and_then(|e| Email::parse(e).ok());
    let channel = match email {
        Some(_) => ReplyChannel::Email,
        None => ReplyChannel::Post,
    };
    NewRequest {
        topic: Topic::Other,
        details,
        name: r.principal_full_name.clone(),
        member_number: r.principal_member_number.clone(),
        channel,
        address: (channel == ReplyChannel::Post).then(|| r.principal_address.clone()),
        email,
        fax: None,
    }
}

/// Stops the registration with the desk's own steps: an application still waiting is
/// turned down; an approved one ends as on the customer's request. One already decided
/// otherwise, or changed meanwhile, is left as it is.
async fn stop_registration(
    uc: &UseCase<'_>,
    r: &Registration,
    lang: Lang,
) -> Result<(), ProxyError> {
    let reason = t(lang, "not_me.reason");
    let done = match r.status {
        RegistrationStatus::Submitted | RegistrationStatus::UnderReview => {
            proxies::review::reject(uc, r.id, reason).await.map(|_| ())
        }
        RegistrationStatus::Approved => {
            let Some(birth) = parse_iso_date(&r.principal_birth_date) else {
                return Ok(());
            };
            let typed = EndRequestTyped {
                reference: r.reference.clone(),
                name: r.principal_full_name.clone(),
                birth,
                note: Some(reason.to_owned()),
            };
            let request = proxies::end_requests::request_end(uc, &typed, lang).await?;
            proxies::end_requests::confirm_end(uc, request.id)
                .await
                .map(|_| ())
        }
        _ => Ok(()),
    };
    match done {
        Ok(()) | Err(ProxyError::WrongStatus(_) | ProxyError::RequestNotOpen) => Ok(()),
        Err(other) => Err(other),
    }
}
