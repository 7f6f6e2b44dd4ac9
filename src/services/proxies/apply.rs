//! An application arrives: a family member or carer asks to act for a customer. The
//! registration is written as submitted and both people it names are told, within limits
//! on how often one address or one email may be used.

use super::{Notice, ProxyError, Registration, To, label, scopes_of, tell};
use crate::domain::proxy::{Application, RegistrationStatus, iso_date, principal_key};
use crate::domain::{AuditAction, Lang, Reference, Token};
use crate::entities::proxy_registration;
use crate::i18n::t;
use crate::services::UseCase;
use crate::services::audit::{self, Target};
use crate::services::limits;
use sea_orm::{
    ActiveModelTrait,
    ActiveValue::{NotSet, Set},
};
use serde_json::json;

/// Sends an application: the registration is written as submitted, the proxy (and the
/// customer, when they gave an address) are told, and the journey `draft` names keeps only
/// the reference.
pub async fn submit(
    uc: &UseCase<'_>,
    application: &Application,
    lang: Lang,
    draft: Option<&Token>,
) -> Result<Registration, ProxyError> {
    let UseCase {
        now, config, actor, ..
    } = *uc;
    let a = application;
    let txn = uc.begin().await?;
    // Each application emails the two people it names: nobody may use the form to have the
    // desk write to addresses over and over.
    let mut emails = vec![a.proxy_email.as_str()];
    emails.extend(a.principal_email.as_ref().map(|e| e.as_str()));
    let within = match &actor.ip {
        Some(ip) => limits::take(&txn, now, limits::APPLICATIONS_FROM_ADDRESS, &[ip]).await?,
        None => true,
    } && limits::take(&txn, now, limits::APPLICATIONS_TO_EMAIL, &emails).await?;
    if !within {
        return Err(ProxyError::TooManyApplications);
    }
    let r = proxy_registration::ActiveModel {
        id: NotSet,
        reference: Set(Reference::generate('P').as_str().to_owned()),
        status: Set(RegistrationStatus::Submitted),
        lang: Set(lang),
        principal_full_name: Set(a.principal_full_name.clone()),
        principal_kana: Set(a.principal_kana.clone()),
        principal_birth_date: Set(iso_date(a.principal_birth_date)),
        principal_member_number: Set(a.principal_member_number.clone()),
        principal_address: Set(a.principal_address.clone()),
        principal_email: Set(a.principal_email.as_ref().map(|e| e.as_str().to_owned())),
        principal_key: Set(principal_key(&a.principal_kana, a.principal_birth_date)),
        proxy_full_name: Set(a.proxy_full_name.clone()),
        proxy_kana: Set(a.proxy_kana.clone()),
        relationship: Set(a.relationship),
        proxy_email: Set(a.proxy_email.as_str().to_owned()),
        proxy_address: Set(a.proxy_address.clone()),
        scope_ask: Set(a.scopes.ask),
        scope_book: Set(a.scopes.book),
        scope_procedures: Set(a.scopes.procedures),
        consent_method: Set(a.consent_method),
        submitted_at: Set(now),
        review_started_at: Set(None),
        principal_document: Set(None),
        principal_document_at: Set(None),
        proxy_document: Set(None),
        proxy_document_at: Set(None),
        consent_confirmed_how: Set(None),
        consent_confirmed_on: Set(None),
        consent_recorded_at: Set(None),
        decided_at: Set(None),
        valid_until: Set(None),
        rejection_reason: Set(None),
        ended_at: Set(None),
        ended_by: Set(None),
        end_reason: Set(None),
        expiry_reminder_sent_at: Set(None),
        renewal_requested_at: Set(None),
        proxy_account_id: Set(None),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        now,
        actor,
        AuditAction::ProxyApplied,
        Some(Target::registration(r.id)),
        json!({ "reference": r.reference, "relationship": r.relationship.as_str(),
                "scope": scopes_of(&r).list().iter().map(|s| s.as_str()).collect::<Vec<_>>() }),
    )
    .await?;
    let how = label(lang, "consent", a.consent_method.as_str());
    let how = [("how", how.as_str())];
    let notice = Notice {
        extra: &how,
        ..Notice::of("applied")
    };
    tell(&txn, now, config, &r, To::Proxy, notice).await?;
    // The customer's own way to say "this was not me", without the reference.
    let not_me = match &r.principal_email {
        Some(_) => Some((
            t(lang, "email.proxy.not_me.action").to_owned(),
            crate::services::not_me::issue(&txn, now, config, r.id).await?,
        )),
        None => None,
    };
    let notice = Notice {
        extra: &how,
        action: not_me,
        ..Notice::of("applied_customer")
    };
    tell(&txn, now, config, &r, To::Customer, notice).await?;
    if let Some(token) = draft {
        let done = crate::domain::proxy::ApplicationDraft {
            submitted: Some(r.reference.clone()),
            ..Default::default()
        };
        crate::services::drafts::save(&txn, now, token, &done).await?;
    }
    uc.commit(txn).await?;
    Ok(r)
}
