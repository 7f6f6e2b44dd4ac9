//! Staff check an application and decide: the review starts, the identity documents and
//! the customer's own consent are recorded, and the application is approved (making the
//! proxy's account on their first approval) or turned down with a reason.

use super::{
    Notice, OPEN, ProxyError, Registration, To, active_for_customer, end_it, for_change, lang_of,
    recorded, tell, tell_both, valid_from_now,
};
use crate::domain::AuditAction;
use crate::domain::LinkPurpose::FirstPassword;
use crate::domain::proxy::{ConsentMethod, IdDocument, RegistrationStatus, iso_date};
use crate::entities::{proxy_account, proxy_registration};
use crate::i18n::t;
use crate::paths;
use crate::services::UseCase;
use crate::services::accounts::{Account, links};
use crate::services::settings;
use sea_orm::{
    ActiveModelTrait,
    ActiveValue::{NotSet, Set},
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter,
};
use serde_json::json;
use time::{Date, OffsetDateTime};

/// Marks an application as being checked.
pub async fn start_review(uc: &UseCase<'_>, id: i64) -> Result<Registration, ProxyError> {
    let UseCase { now, .. } = *uc;
    let txn = uc.begin().await?;
    let r = for_change(&txn, id, &[RegistrationStatus::Submitted]).await?;
    let mut row: proxy_registration::ActiveModel = r.into();
    row.status = Set(RegistrationStatus::UnderReview);
    row.review_started_at = Set(Some(now));
    row.updated_at = Set(now);
    let r = recorded(
        &txn,
        uc,
        row,
        AuditAction::ProxyReviewStarted,
        |r| json!({ "reference": r.reference }),
    )
    .await?;
    uc.commit(txn).await?;
    Ok(r)
}

/// Whose identity document was checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Person {
    /// The customer.
    Customer,
    /// The proxy.
    Proxy,
}

impl Person {
    /// The name used in forms and the audit log.
    pub fn as_str(self) -> &'static str {
        match self {
            Person::Customer => "customer",
            Person::Proxy => "proxy",
        }
    }
}

/// Records the identity document staff checked for one person. Checking starts the review
/// if it had not started.
pub async fn record_document(
    uc: &UseCase<'_>,
    id: i64,
    person: Person,
    document: IdDocument,
) -> Result<Registration, ProxyError> {
    let UseCase { now, .. } = *uc;
    let txn = uc.begin().await?;
    let r = for_change(&txn, id, OPEN).await?;
    let mut row: proxy_registration::ActiveModel = r.into();
    match person {
        Person::Customer => {
            row.principal_document = Set(Some(document));
            row.principal_document_at = Set(Some(now));
        }
        Person::Proxy => {
            row.proxy_document = Set(Some(document));
            row.proxy_document_at = Set(Some(now));
        }
    }
    under_review(&mut row, now);
    let r = recorded(&txn, uc, row, AuditAction::ProxyDocumentRecorded, |r| json!({ "reference": r.reference, "person": person.as_str(), "document": document.as_str() })).await?;
    uc.commit(txn).await?;
    Ok(r)
}

fn under_review(row: &mut proxy_registration::ActiveModel, now: OffsetDateTime) {
    if *row.status.as_ref() == RegistrationStatus::Submitted {
        row.status = Set(RegistrationStatus::UnderReview);
        row.review_started_at = Set(Some(now));
    }
    row.updated_at = Set(now);
}

/// Records how, and on which day, the customer's own consent was confirmed.
pub async fn record_consent(
    uc: &UseCase<'_>,
    id: i64,
    how: ConsentMethod,
    on: Date,
) -> Result<Registration, ProxyError> {
    let UseCase { now, .. } = *uc;
    let txn = uc.begin().await?;
    let r = for_change(&txn, id, OPEN).await?;
    let mut row: proxy_registration::ActiveModel = r.into();
    row.consent_confirmed_how = Set(Some(how));
    row.consent_confirmed_on = Set(Some(iso_date(on)));
    row.consent_recorded_at = Set(Some(now));
    under_review(&mut row, now);
    let r = recorded(
        &txn,
        uc,
        row,
        AuditAction::ProxyConsentRecorded,
        |r| json!({ "reference": r.reference, "how": how.as_str(), "on": iso_date(on) }),
    )
    .await?;
    uc.commit(txn).await?;
    Ok(r)
}

/// Whether staff have recorded everything approval needs.
pub fn checks_done(r: &Registration) -> bool {
    r.principal_document.is_some()
        && r.proxy_document.is_some()
        && r.consent_confirmed_how.is_some()
        && r.consent_confirmed_on.is_some()
}

/// The proxy account for an email address, made when the first registration is approved.
async fn account_for<C: ConnectionTrait>(
    conn: &C,
    now: OffsetDateTime,
    r: &Registration,
) -> Result<proxy_account::Model, DbErr> {
    if let Some(found) = proxy_account::Entity::find()
        .filter(proxy_account::Column::Email.eq(r.proxy_email.clone()))
        .one(conn)
        .await?
    {
        return Ok(found);
    }
    proxy_account::ActiveModel {
        id: NotSet,
        email: Set(r.proxy_email.clone()),
        full_name: Set(r.proxy_full_name.clone()),
        password_hash: Set(None),
        lang: Set(r.lang),
        created_at: Set(now),
        activated_at: Set(None),
    }
    .insert(conn)
    .await
}

/// Approves an application whose identity documents and consent are recorded. The
/// registration lasts the configured number of years. A proxy new to the desk is emailed a
/// link to choose a password; one with an account is told they can act for the customer.
pub async fn approve(uc: &UseCase<'_>, id: i64) -> Result<Registration, ProxyError> {
    let UseCase { now, config, .. } = *uc;
    let txn = uc.begin().await?;
    let r = for_change(&txn, id, OPEN).await?;
    if !checks_done(&r) {
        return Err(ProxyError::ChecksMissing);
    }
    let rules = settings::proxies::load(&txn).await?;
    if active_for_customer(&txn, now, &r.principal_key).await? >= rules.max_active {
        return Err(ProxyError::TooManyProxies(rules.max_active));
    }
    let account = account_for(&txn, now, &r).await?;
    let mut row: proxy_registration::ActiveModel = r.into();
    row.status = Set(RegistrationStatus::Approved);
    row.decided_at = Set(Some(now));
    row.valid_until = Set(Some(valid_from_now(now, &rules)));
    row.proxy_account_id = Set(Some(account.id));
    row.updated_at = Set(now);
    let r = recorded(&txn, uc, row, AuditAction::ProxyApproved, |r| {
        json!({ "reference": r.reference, "valid_until": r.valid_until.map(|u| u.unix_timestamp()),
                "proxy_account_id": account.id })
    })
    .await?;
    if account.activated_at.is_none() {
        let notice = Notice::of("approved_new");
        tell(&txn, now, config, &r, To::Proxy, notice).await?;
        let account = Account::from(account);
        links::issue(&txn, now, config, &account, FirstPassword, account.lang).await?;
    } else {
        let sign_in = (
            t(lang_of(&r), "email.proxy.sign_in").to_owned(),
            config.link(paths::proxy::LOGIN),
        );
        let notice = Notice {
            action: Some(sign_in),
            ..Notice::of("approved")
        };
        tell(&txn, now, config, &r, To::Proxy, notice).await?;
    }
    let notice = Notice {
        action: Some(end_it(&r, config)),
        ..Notice::of("approved_customer")
    };
    tell(&txn, now, config, &r, To::Customer, notice).await?;
    let channel = crate::domain::feedback::Channel::Proxy;
    let staff = uc.actor.staff_id;
    crate::services::feedback::ask(&txn, now, config, channel, r.id, staff).await?;
    uc.commit(txn).await?;
    Ok(r)
}

/// Turns an application down, with a reason the proxy is told in plain words.
pub async fn reject(uc: &UseCase<'_>, id: i64, reason: &str) -> Result<Registration, ProxyError> {
    let UseCase { now, config, .. } = *uc;
    let txn = uc.begin().await?;
    let r = for_change(&txn, id, OPEN).await?;
    let mut row: proxy_registration::ActiveModel = r.into();
    row.status = Set(RegistrationStatus::Rejected);
    row.decided_at = Set(Some(now));
    row.rejection_reason = Set(Some(reason.to_owned()));
    row.updated_at = Set(now);
    let r = recorded(
        &txn,
        uc,
        row,
        AuditAction::ProxyRejected,
        |r| json!({ "reference": r.reference, "reason": reason }),
    )
    .await?;
    let why = [("reason", reason)];
    tell_both(&txn, now, config, &r, "rejected", &why).await?;
    uc.commit(txn).await?;
    Ok(r)
}
