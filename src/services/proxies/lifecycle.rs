//! An approved registration after the decision: it ends at once (staff revoke it, the proxy
//! steps down, or the customer's request is confirmed), handing what the proxy did back to
//! the customer; or its proxy asks for a renewal and staff renew it for another term.

use super::expiry::EXPIRY_REMINDER;
use super::{
    Notice, ProxyError, Registration, To, active_for_customer, date_for, end_it, for_change, get,
    lang_of, recorded, tell, valid_from_now,
};
use crate::domain::AuditAction;
use crate::domain::Realm;
use crate::domain::proxy::{EndedBy, RegistrationStatus};
use crate::entities::proxy_registration;
use crate::i18n;
use crate::services::accounts::sessions;
use crate::services::audit::{self, Target};
use crate::services::settings;
use crate::services::{Actor, UseCase};
use sea_orm::{ActiveModelTrait, ActiveValue::Set};
use serde_json::json;

/// Ends an approved registration at once: its proxy can do nothing more for the customer,
/// the proxy's sessions end, both are told, and what the proxy booked and asked for her
/// becomes the customer's own.
pub(super) async fn end(
    uc: &UseCase<'_>,
    id: i64,
    by: EndedBy,
    reason: Option<&str>,
) -> Result<Registration, ProxyError> {
    let UseCase {
        now, config, actor, ..
    } = *uc;
    let txn = uc.begin().await?;
    let r = for_change(&txn, id, &[RegistrationStatus::Approved]).await?;
    let account = r.proxy_account_id;
    let mut row: proxy_registration::ActiveModel = r.into();
    row.status = Set(RegistrationStatus::Revoked);
    row.ended_at = Set(Some(now));
    row.ended_by = Set(Some(by));
    row.end_reason = Set(reason.map(str::to_owned));
    row.updated_at = Set(now);
    let r = row.update(&txn).await?;
    if by != EndedBy::Proxy
        && let Some(account) = account
    {
        sessions::end_all(&txn, Realm::Proxy, account).await?;
    }
    let action = match by {
        EndedBy::Proxy => AuditAction::ProxySteppedDown,
        EndedBy::Customer => AuditAction::ProxyEndConfirmed,
        EndedBy::Staff | EndedBy::Expiry => AuditAction::ProxyRevoked,
    };
    audit::record(
        &txn,
        now,
        actor,
        action,
        Some(Target::registration(r.id)),
        json!({ "reference": r.reference, "by": by.as_str(), "reason": reason }),
    )
    .await?;
    // One sentence says who ended what, and when, to each of the two in their own words;
    // only the desk's own reason is repeated.
    let lang = lang_of(&r);
    let on = date_for(lang, now, config);
    let ended = |to: To| {
        let key = format!("email.proxy.end_sentence.{}.{}", by.as_str(), to.as_str());
        let sentence = i18n::tf(
            lang,
            &key,
            &[
                ("customer", &r.principal_full_name),
                ("proxy", &r.proxy_full_name),
                ("date", &on),
            ],
        );
        match (by, reason) {
            (EndedBy::Staff, Some(reason)) => {
                let why = i18n::tf(lang, "email.proxy.end_reason", &[("reason", reason)]);
                i18n::sentences(lang, &[&sentence, &why])
            }
            _ => sentence,
        }
    };
    for (to, which) in [(To::Proxy, "ended"), (To::Customer, "ended_customer")] {
        let sentence = ended(to);
        let args = [("ended", sentence.as_str())];
        let notice = Notice {
            extra: &args,
            ..Notice::of(which)
        };
        tell(&txn, now, config, &r, to, notice).await?;
    }
    crate::services::proxy_handover::hand_over(&txn, now, config, actor, &r).await?;
    uc.commit(txn).await?;
    Ok(r)
}

/// Staff revoke an approved registration, with a reason.
pub async fn revoke(uc: &UseCase<'_>, id: i64, reason: &str) -> Result<Registration, ProxyError> {
    end(uc, id, EndedBy::Staff, Some(reason)).await
}

/// Whether a registration is the acting proxy's own.
fn theirs(actor: &Actor, r: &Registration) -> bool {
    actor.proxy_id.is_some() && r.proxy_account_id == actor.proxy_id
}

/// The acting proxy steps down from acting for a customer.
pub async fn step_down(uc: &UseCase<'_>, id: i64) -> Result<Registration, ProxyError> {
    let r = get(uc.db, id).await?.ok_or(ProxyError::NotFound)?;
    if !theirs(uc.actor, &r) {
        return Err(ProxyError::NotFound);
    }
    end(uc, id, EndedBy::Proxy, None).await
}

/// The acting proxy asks for their registration to be renewed before or after its end
/// date.
pub async fn request_renewal(uc: &UseCase<'_>, id: i64) -> Result<Registration, ProxyError> {
    let UseCase { now, actor, .. } = *uc;
    let txn = uc.begin().await?;
    let r = get(&txn, id)
        .await?
        .filter(|r| theirs(actor, r))
        .ok_or(ProxyError::NotFound)?;
    let status = r.status;
    let renewable = status == RegistrationStatus::Expired
        || (status == RegistrationStatus::Approved
            && r.valid_until.is_some_and(|u| u - EXPIRY_REMINDER <= now));
    if !renewable || r.renewal_requested_at.is_some() {
        return Err(ProxyError::WrongStatus(status));
    }
    let mut row: proxy_registration::ActiveModel = r.into();
    row.renewal_requested_at = Set(Some(now));
    row.updated_at = Set(now);
    let r = recorded(
        &txn,
        uc,
        row,
        AuditAction::ProxyRenewalRequested,
        |r| json!({ "reference": r.reference }),
    )
    .await?;
    uc.commit(txn).await?;
    Ok(r)
}

/// Staff renew an approved or expired registration for another full term from now.
pub async fn renew(uc: &UseCase<'_>, id: i64) -> Result<Registration, ProxyError> {
    let UseCase { now, config, .. } = *uc;
    let txn = uc.begin().await?;
    let r = for_change(
        &txn,
        id,
        &[RegistrationStatus::Approved, RegistrationStatus::Expired],
    )
    .await?;
    let rules = settings::proxies::load(&txn).await?;
    if r.status == RegistrationStatus::Expired
        && active_for_customer(&txn, now, &r.principal_key).await? >= rules.max_active
    {
        return Err(ProxyError::TooManyProxies(rules.max_active));
    }
    let mut row: proxy_registration::ActiveModel = r.into();
    row.status = Set(RegistrationStatus::Approved);
    row.valid_until = Set(Some(valid_from_now(now, &rules)));
    row.renewal_requested_at = Set(None);
    row.expiry_reminder_sent_at = Set(None);
    row.ended_at = Set(None);
    row.ended_by = Set(None);
    row.updated_at = Set(now);
    let r = recorded(&txn, uc, row, AuditAction::ProxyRenewed, |r| json!({ "reference": r.reference, "valid_until": r.valid_until.map(|u| u.unix_timestamp()) })).await?;
    tell(&txn, now, config, &r, To::Proxy, Notice::of("renewed")).await?;
    let notice = Notice {
        action: Some(end_it(&r, config)),
        ..Notice::of("renewed_customer")
    };
    tell(&txn, now, config, &r, To::Customer, notice).await?;
    uc.commit(txn).await?;
    Ok(r)
}
