//! Senior Support: proxy registrations from the application to their end. A customer (the
//! principal) names a trusted person (the proxy); staff check both identities and the
//! customer's own consent before approving; the proxy then acts within the scope granted,
//! until the registration's end date, until staff revoke it, the proxy steps down or the
//! customer asks for it to end. Every step is written to the audit log, and every email in
//! the same transaction as the change it announces.

use super::Actor;
use super::accounts::{Account, SignedInProxy, links, sessions};
use super::audit::{self, Target};
use super::limits;
use crate::config::{Config, mail_domain};
use crate::db::begin_write;
use crate::domain::LinkPurpose::FirstPassword;
use crate::domain::proxy::{
    Application, ConsentMethod, EndedBy, IdDocument, RegistrationStatus, Scope, Scopes, is_active,
    iso_date, parse_iso_date, principal_key,
};
use crate::domain::{AuditAction, Email, Lang, Realm, Reference, Token};
use crate::entities::{proxy_account, proxy_end_request, proxy_registration, setting};
use crate::i18n::{self, format_date, t};
use crate::mail::{self, OutgoingEmail, templates};
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveModelTrait,
    ActiveValue::{NotSet, Set},
    ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder,
};
use serde_json::json;
use std::collections::BTreeMap;
use time::{Date, Duration, OffsetDateTime};

/// A registration as stored.
pub type Registration = proxy_registration::Model;

/// A customer's request to end a registration, as stored.
pub type EndRequest = proxy_end_request::Model;

/// How long before its end a registration's proxy is reminded.
pub const EXPIRY_REMINDER: Duration = Duration::days(30);

/// The desk's rules for proxies, set by admins.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProxySettings {
    /// How many years an approval lasts.
    pub validity_years: i64,
    /// How many proxies one customer may have active at once.
    pub max_active: i64,
}

impl Default for ProxySettings {
    fn default() -> Self {
        ProxySettings {
            validity_years: 3,
            max_active: 3,
        }
    }
}

const VALIDITY_KEY: &str = "proxy.validity_years";
const MAX_ACTIVE_KEY: &str = "proxy.max_active";

/// Reads the proxy settings, with the defaults for any not set.
pub async fn settings<C: ConnectionTrait>(conn: &C) -> Result<ProxySettings, DbErr> {
    let stored: BTreeMap<String, String> = setting::Entity::find()
        .filter(setting::Column::Key.is_in([VALIDITY_KEY, MAX_ACTIVE_KEY]))
        .all(conn)
        .await?
        .into_iter()
        .map(|s| (s.key, s.value))
        .collect();
    let number = |key: &str| stored.get(key).and_then(|v| v.parse::<i64>().ok());
    let defaults = ProxySettings::default();
    Ok(ProxySettings {
        validity_years: number(VALIDITY_KEY).unwrap_or(defaults.validity_years),
        max_active: number(MAX_ACTIVE_KEY).unwrap_or(defaults.max_active),
    })
}

/// Saves the proxy settings, with an audit row.
pub async fn save_settings(
    db: &DatabaseConnection,
    now: OffsetDateTime,
    actor: &Actor,
    new: &ProxySettings,
) -> Result<(), DbErr> {
    let txn = begin_write(db).await?;
    for (key, value) in [
        (VALIDITY_KEY, new.validity_years),
        (MAX_ACTIVE_KEY, new.max_active),
    ] {
        setting::Entity::insert(setting::ActiveModel {
            key: Set(key.to_owned()),
            value: Set(value.to_string()),
            updated_at: Set(now),
        })
        .on_conflict(
            OnConflict::column(setting::Column::Key)
                .update_columns([setting::Column::Value, setting::Column::UpdatedAt])
                .to_owned(),
        )
        .exec_without_returning(&txn)
        .await?;
    }
    audit::record(
        &txn,
        now,
        actor,
        AuditAction::DeskSettingsChanged,
        None,
        json!({ "proxy_validity_years": new.validity_years, "proxy_max_active": new.max_active }),
    )
    .await?;
    txn.commit().await
}

/// Why a change to a registration was refused.
#[derive(Debug, thiserror::Error)]
pub enum ProxyError {
    /// No such registration (or request).
    #[error("no such registration")]
    NotFound,
    /// The registration is not in a state that allows this.
    #[error("the registration is {0:?}")]
    WrongStatus(RegistrationStatus),
    /// Approval needs both identity documents and the customer's consent recorded.
    #[error("identity documents or consent not recorded")]
    ChecksMissing,
    /// The customer already has as many active proxies as allowed.
    #[error("the customer already has {0} active proxies")]
    TooManyProxies(i64),
    /// The request is not open, or matched no registration.
    #[error("the request cannot be confirmed")]
    RequestNotOpen,
    /// Too many applications came from this address, or named this email address, lately.
    #[error("too many applications lately")]
    TooManyApplications,
    /// The database failed.
    #[error(transparent)]
    Database(#[from] DbErr),
}

/// The stored status of a registration.
pub fn status_of(r: &Registration) -> RegistrationStatus {
    RegistrationStatus::parse(&r.status).unwrap_or(RegistrationStatus::Submitted)
}

/// The scope a registration grants.
pub fn scopes_of(r: &Registration) -> Scopes {
    Scopes {
        ask: r.scope_ask,
        book: r.scope_book,
        procedures: r.scope_procedures,
    }
}

/// Whether a registration lets its proxy act now.
pub fn active(r: &Registration, now: OffsetDateTime) -> bool {
    is_active(status_of(r), r.valid_until, now)
}

fn lang_of(r: &Registration) -> Lang {
    Lang::from_code(&r.lang).unwrap_or_default()
}

/// A date as the registration's emails write it.
fn date_for(lang: Lang, at: OffsetDateTime, config: &Config) -> String {
    format_date(
        lang,
        time_tz::OffsetDateTimeExt::to_timezone(&at, config.timezone).date(),
    )
}

/// Who gets an email about a registration.
#[derive(Clone, Copy, PartialEq, Eq)]
enum To {
    Proxy,
    Customer,
}

/// Writes one email about a registration to the proxy or (when they gave an address) the
/// customer: `email.proxy.{which}`, given the names, the end date and `extra` values.
#[allow(clippy::too_many_arguments)]
async fn tell<C: ConnectionTrait>(
    conn: &C,
    now: OffsetDateTime,
    config: &Config,
    r: &Registration,
    to: To,
    which: &str,
    extra: &[(&str, &str)],
    action: Option<(String, String)>,
) -> Result<(), DbErr> {
    let lang = lang_of(r);
    let (address, name) = match to {
        To::Proxy => (Some(r.proxy_email.as_str()), r.proxy_full_name.as_str()),
        To::Customer => (r.principal_email.as_deref(), r.principal_full_name.as_str()),
    };
    let Some(recipient) = address.and_then(|a| Email::parse(a).ok()) else {
        return Ok(());
    };
    let until = r
        .valid_until
        .map(|u| date_for(lang, u, config))
        .unwrap_or_default();
    let mut args = vec![
        ("customer", r.principal_full_name.as_str()),
        ("proxy", r.proxy_full_name.as_str()),
        ("until", until.as_str()),
    ];
    args.extend_from_slice(extra);
    let message = templates::proxy_notice(
        lang,
        which,
        name,
        Some(&r.reference),
        &args,
        action,
        vec![t(lang, "email.proxy.questions").to_owned()],
        super::contact::way_back(conn, config, None).await?,
    );
    mail::enqueue(
        conn,
        now,
        &mail_domain(&config.base_url),
        OutgoingEmail {
            kind: "proxy_registration",
            recipient,
            lang,
            message,
            attachments: Vec::new(),
        },
    )
    .await?;
    Ok(())
}

/// Sends an application: the registration is written as submitted, the proxy (and the
/// customer, when they gave an address) are told, and the journey `draft` names keeps only
/// the reference.
pub async fn apply(
    db: &DatabaseConnection,
    now: OffsetDateTime,
    config: &Config,
    actor: &Actor,
    application: &Application,
    lang: Lang,
    draft: Option<&Token>,
) -> Result<Registration, ProxyError> {
    let a = application;
    let txn = begin_write(db).await?;
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
        status: Set(RegistrationStatus::Submitted.as_str().to_owned()),
        lang: Set(lang.code().to_owned()),
        principal_full_name: Set(a.principal_full_name.clone()),
        principal_kana: Set(a.principal_kana.clone()),
        principal_birth_date: Set(iso_date(a.principal_birth_date)),
        principal_member_number: Set(a.principal_member_number.clone()),
        principal_address: Set(a.principal_address.clone()),
        principal_email: Set(a.principal_email.as_ref().map(|e| e.as_str().to_owned())),
        principal_key: Set(principal_key(&a.principal_kana, a.principal_birth_date)),
        proxy_full_name: Set(a.proxy_full_name.clone()),
        proxy_kana: Set(a.proxy_kana.clone()),
        relationship: Set(a.relationship.as_str().to_owned()),
        proxy_email: Set(a.proxy_email.as_str().to_owned()),
        proxy_address: Set(a.proxy_address.clone()),
        scope_ask: Set(a.scopes.ask),
        scope_book: Set(a.scopes.book),
        scope_procedures: Set(a.scopes.procedures),
        consent_method: Set(a.consent_method.as_str().to_owned()),
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
        json!({ "reference": r.reference, "relationship": r.relationship,
                "scope": scopes_of(&r).list().iter().map(|s| s.as_str()).collect::<Vec<_>>() }),
    )
    .await?;
    let how = label(lang, "consent", a.consent_method.as_str());
    let how = [("how", how.as_str())];
    tell(&txn, now, config, &r, To::Proxy, "applied", &how, None).await?;
    // The customer's own way to say "this was not me", without the reference.
    let not_me = match &r.principal_email {
        Some(_) => Some((
            t(lang, "email.proxy.not_me.action").to_owned(),
            super::not_me::issue(&txn, now, config, r.id).await?,
        )),
        None => None,
    };
    tell(
        &txn,
        now,
        config,
        &r,
        To::Customer,
        "applied_customer",
        &how,
        not_me,
    )
    .await?;
    if let Some(token) = draft {
        let done = crate::domain::proxy::ApplicationDraft {
            submitted: Some(r.reference.clone()),
            ..Default::default()
        };
        super::drafts::save(&txn, now, token, &done).await?;
    }
    txn.commit().await?;
    Ok(r)
}

/// How many registrations stand in each status.
pub async fn counts<C: ConnectionTrait>(
    conn: &C,
) -> Result<BTreeMap<RegistrationStatus, u64>, DbErr> {
    let mut out = BTreeMap::new();
    for status in RegistrationStatus::ALL {
        let n = proxy_registration::Entity::find()
            .filter(proxy_registration::Column::Status.eq(status.as_str()))
            .count(conn)
            .await?;
        out.insert(*status, n);
    }
    Ok(out)
}

/// The registrations in one status: the oldest first while waiting for staff, the latest
/// change first otherwise.
pub async fn list<C: ConnectionTrait>(
    conn: &C,
    status: RegistrationStatus,
) -> Result<Vec<Registration>, DbErr> {
    let query = proxy_registration::Entity::find()
        .filter(proxy_registration::Column::Status.eq(status.as_str()));
    let query = match status {
        RegistrationStatus::Submitted | RegistrationStatus::UnderReview => {
            query.order_by_asc(proxy_registration::Column::SubmittedAt)
        }
        _ => query.order_by_desc(proxy_registration::Column::UpdatedAt),
    };
    query
        .order_by_asc(proxy_registration::Column::Id)
        .all(conn)
        .await
}

/// One registration.
pub async fn get<C: ConnectionTrait>(conn: &C, id: i64) -> Result<Option<Registration>, DbErr> {
    proxy_registration::Entity::find_by_id(id).one(conn).await
}

/// One registration, by its reference.
pub async fn by_reference<C: ConnectionTrait>(
    conn: &C,
    reference: &str,
) -> Result<Option<Registration>, DbErr> {
    proxy_registration::Entity::find()
        .filter(proxy_registration::Column::Reference.eq(reference))
        .one(conn)
        .await
}

/// The same customer's other registrations, newest first.
pub async fn same_customer<C: ConnectionTrait>(
    conn: &C,
    r: &Registration,
) -> Result<Vec<Registration>, DbErr> {
    proxy_registration::Entity::find()
        .filter(proxy_registration::Column::PrincipalKey.eq(r.principal_key.clone()))
        .filter(proxy_registration::Column::Id.ne(r.id))
        .order_by_desc(proxy_registration::Column::SubmittedAt)
        .all(conn)
        .await
}

/// Loads a registration for a change, inside the transaction, checking its status.
async fn for_change<C: ConnectionTrait>(
    conn: &C,
    id: i64,
    allowed: &[RegistrationStatus],
) -> Result<Registration, ProxyError> {
    let r = get(conn, id).await?.ok_or(ProxyError::NotFound)?;
    let status = status_of(&r);
    if !allowed.contains(&status) {
        return Err(ProxyError::WrongStatus(status));
    }
    Ok(r)
}

const OPEN: &[RegistrationStatus] = &[
    RegistrationStatus::Submitted,
    RegistrationStatus::UnderReview,
];

/// Marks an application as being checked.
pub async fn start_review(
    db: &DatabaseConnection,
    now: OffsetDateTime,
    actor: &Actor,
    id: i64,
) -> Result<Registration, ProxyError> {
    let txn = begin_write(db).await?;
    let r = for_change(&txn, id, &[RegistrationStatus::Submitted]).await?;
    let mut row: proxy_registration::ActiveModel = r.into();
    row.status = Set(RegistrationStatus::UnderReview.as_str().to_owned());
    row.review_started_at = Set(Some(now));
    row.updated_at = Set(now);
    let r = row.update(&txn).await?;
    audit::record(
        &txn,
        now,
        actor,
        AuditAction::ProxyReviewStarted,
        Some(Target::registration(r.id)),
        json!({ "reference": r.reference }),
    )
    .await?;
    txn.commit().await?;
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
    db: &DatabaseConnection,
    now: OffsetDateTime,
    actor: &Actor,
    id: i64,
    person: Person,
    document: IdDocument,
) -> Result<Registration, ProxyError> {
    let txn = begin_write(db).await?;
    let r = for_change(&txn, id, OPEN).await?;
    let mut row: proxy_registration::ActiveModel = r.into();
    match person {
        Person::Customer => {
            row.principal_document = Set(Some(document.as_str().to_owned()));
            row.principal_document_at = Set(Some(now));
        }
        Person::Proxy => {
            row.proxy_document = Set(Some(document.as_str().to_owned()));
            row.proxy_document_at = Set(Some(now));
        }
    }
    under_review(&mut row, now);
    let r = row.update(&txn).await?;
    audit::record(
        &txn,
        now,
        actor,
        AuditAction::ProxyDocumentRecorded,
        Some(Target::registration(r.id)),
        json!({ "reference": r.reference, "person": person.as_str(), "document": document.as_str() }),
    )
    .await?;
    txn.commit().await?;
    Ok(r)
}

fn under_review(row: &mut proxy_registration::ActiveModel, now: OffsetDateTime) {
    if row.status.as_ref() == RegistrationStatus::Submitted.as_str() {
        row.status = Set(RegistrationStatus::UnderReview.as_str().to_owned());
        row.review_started_at = Set(Some(now));
    }
    row.updated_at = Set(now);
}

/// Records how, and on which day, the customer's own consent was confirmed.
pub async fn record_consent(
    db: &DatabaseConnection,
    now: OffsetDateTime,
    actor: &Actor,
    id: i64,
    how: ConsentMethod,
    on: Date,
) -> Result<Registration, ProxyError> {
    let txn = begin_write(db).await?;
    let r = for_change(&txn, id, OPEN).await?;
    let mut row: proxy_registration::ActiveModel = r.into();
    row.consent_confirmed_how = Set(Some(how.as_str().to_owned()));
    row.consent_confirmed_on = Set(Some(iso_date(on)));
    row.consent_recorded_at = Set(Some(now));
    under_review(&mut row, now);
    let r = row.update(&txn).await?;
    audit::record(
        &txn,
        now,
        actor,
        AuditAction::ProxyConsentRecorded,
        Some(Target::registration(r.id)),
        json!({ "reference": r.reference, "how": how.as_str(), "on": iso_date(on) }),
    )
    .await?;
    txn.commit().await?;
    Ok(r)
}

/// Whether staff have recorded everything approval needs.
pub fn checks_done(r: &Registration) -> bool {
    r.principal_document.is_some()
        && r.proxy_document.is_some()
        && r.consent_confirmed_how.is_some()
        && r.consent_confirmed_on.is_some()
}

/// How many registrations of the customer let their proxy act now.
async fn active_for_customer<C: ConnectionTrait>(
    conn: &C,
    now: OffsetDateTime,
    key: &str,
) -> Result<i64, DbErr> {
    Ok(proxy_registration::Entity::find()
        .filter(proxy_registration::Column::PrincipalKey.eq(key))
        .filter(proxy_registration::Column::Status.eq(RegistrationStatus::Approved.as_str()))
        .filter(proxy_registration::Column::ValidUntil.gt(now))
        .count(conn)
        .await? as i64)
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
        lang: Set(r.lang.clone()),
        created_at: Set(now),
        activated_at: Set(None),
    }
    .insert(conn)
    .await
}

/// The end date of an approval made now: the same day, the configured number of years on
/// (28 February for an approval on 29 February).
fn valid_from_now(now: OffsetDateTime, settings: &ProxySettings) -> OffsetDateTime {
    let years = settings.validity_years.clamp(1, 10) as i32;
    let year = now.year() + years;
    now.replace_year(year)
        .or_else(|_| (now - Duration::days(1)).replace_year(year))
        .unwrap_or(now + Duration::days(365 * i64::from(years)))
}

/// Approves an application whose identity documents and consent are recorded. The
/// registration lasts the configured number of years. A proxy new to the desk is emailed a
/// link to choose a password; one with an account is told they can act for the customer.
pub async fn approve(
    db: &DatabaseConnection,
    now: OffsetDateTime,
    config: &Config,
    actor: &Actor,
    id: i64,
) -> Result<Registration, ProxyError> {
    let txn = begin_write(db).await?;
    let r = for_change(&txn, id, OPEN).await?;
    if !checks_done(&r) {
        return Err(ProxyError::ChecksMissing);
    }
    let rules = settings(&txn).await?;
    if active_for_customer(&txn, now, &r.principal_key).await? >= rules.max_active {
        return Err(ProxyError::TooManyProxies(rules.max_active));
    }
    let account = account_for(&txn, now, &r).await?;
    let mut row: proxy_registration::ActiveModel = r.into();
    row.status = Set(RegistrationStatus::Approved.as_str().to_owned());
    row.decided_at = Set(Some(now));
    row.valid_until = Set(Some(valid_from_now(now, &rules)));
    row.proxy_account_id = Set(Some(account.id));
    row.updated_at = Set(now);
    let r = row.update(&txn).await?;
    audit::record(
        &txn,
        now,
        actor,
        AuditAction::ProxyApproved,
        Some(Target::registration(r.id)),
        json!({ "reference": r.reference, "valid_until": r.valid_until.map(|u| u.unix_timestamp()),
                "proxy_account_id": account.id }),
    )
    .await?;
    if account.activated_at.is_none() {
        tell(&txn, now, config, &r, To::Proxy, "approved_new", &[], None).await?;
        let account = Account::from(account);
        links::issue(&txn, now, config, &account, FirstPassword, account.lang).await?;
    } else {
        let sign_in = (
            t(lang_of(&r), "email.proxy.sign_in").to_owned(),
            config.link("/proxy/login"),
        );
        tell(
            &txn,
            now,
            config,
            &r,
            To::Proxy,
            "approved",
            &[],
            Some(sign_in),
        )
        .await?;
    }
    tell(
        &txn,
        now,
        config,
        &r,
        To::Customer,
        "approved_customer",
        &[],
        None,
    )
    .await?;
    txn.commit().await?;
    Ok(r)
}

/// Turns an application down, with a reason the proxy is told in plain words.
pub async fn reject(
    db: &DatabaseConnection,
    now: OffsetDateTime,
    config: &Config,
    actor: &Actor,
    id: i64,
    reason: &str,
) -> Result<Registration, ProxyError> {
    let txn = begin_write(db).await?;
    let r = for_change(&txn, id, OPEN).await?;
    let mut row: proxy_registration::ActiveModel = r.into();
    row.status = Set(RegistrationStatus::Rejected.as_str().to_owned());
    row.decided_at = Set(Some(now));
    row.rejection_reason = Set(Some(reason.to_owned()));
    row.updated_at = Set(now);
    let r = row.update(&txn).await?;
    audit::record(
        &txn,
        now,
        actor,
        AuditAction::ProxyRejected,
        Some(Target::registration(r.id)),
        json!({ "reference": r.reference, "reason": reason }),
    )
    .await?;
    let why = [("reason", reason)];
    tell(&txn, now, config, &r, To::Proxy, "rejected", &why, None).await?;
    tell(
        &txn,
        now,
        config,
        &r,
        To::Customer,
        "rejected_customer",
        &why,
        None,
    )
    .await?;
    txn.commit().await?;
    Ok(r)
}

/// Ends an approved registration at once: its proxy can do nothing more for the customer,
/// the proxy's sessions end, both are told, and what the proxy booked and asked for her
/// becomes the customer's own.
async fn end(
    db: &DatabaseConnection,
    now: OffsetDateTime,
    config: &Config,
    actor: &Actor,
    id: i64,
    by: EndedBy,
    reason: Option<&str>,
) -> Result<Registration, ProxyError> {
    let txn = begin_write(db).await?;
    let r = for_change(&txn, id, &[RegistrationStatus::Approved]).await?;
    let account = r.proxy_account_id;
    let mut row: proxy_registration::ActiveModel = r.into();
    row.status = Set(RegistrationStatus::Revoked.as_str().to_owned());
    row.ended_at = Set(Some(now));
    row.ended_by = Set(Some(by.as_str().to_owned()));
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
    // One sentence says who ended what, and when; only the desk's own reason is repeated.
    let lang = lang_of(&r);
    let on = date_for(lang, now, config);
    let ended = i18n::tf(
        lang,
        &format!("email.proxy.end_sentence.{}", by.as_str()),
        &[
            ("customer", &r.principal_full_name),
            ("proxy", &r.proxy_full_name),
            ("date", &on),
        ],
    );
    let ended = match (by, reason) {
        (EndedBy::Staff, Some(reason)) => format!(
            "{ended} {}",
            i18n::tf(lang, "email.proxy.end_reason", &[("reason", reason)])
        ),
        _ => ended,
    };
    let args = [("ended", ended.as_str())];
    tell(&txn, now, config, &r, To::Proxy, "ended", &args, None).await?;
    tell(
        &txn,
        now,
        config,
        &r,
        To::Customer,
        "ended_customer",
        &args,
        None,
    )
    .await?;
    super::proxy_handover::hand_over(&txn, now, config, actor, &r).await?;
    txn.commit().await?;
    Ok(r)
}

/// Staff revoke an approved registration, with a reason.
pub async fn revoke(
    db: &DatabaseConnection,
    now: OffsetDateTime,
    config: &Config,
    actor: &Actor,
    id: i64,
    reason: &str,
) -> Result<Registration, ProxyError> {
    end(db, now, config, actor, id, EndedBy::Staff, Some(reason)).await
}

/// A proxy steps down from acting for a customer.
pub async fn step_down(
    db: &DatabaseConnection,
    now: OffsetDateTime,
    config: &Config,
    proxy: &SignedInProxy,
    ip: Option<String>,
    id: i64,
) -> Result<Registration, ProxyError> {
    let r = get(db, id).await?.ok_or(ProxyError::NotFound)?;
    if r.proxy_account_id != Some(proxy.id) {
        return Err(ProxyError::NotFound);
    }
    end(db, now, config, &proxy.actor(ip), id, EndedBy::Proxy, None).await
}

/// Why a proxy may not do something for a customer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// Not one of this proxy's registrations (or no such registration): nothing about it
    /// is shown.
    NotTheirs,
    /// The registration does not let its proxy act now: not approved yet, ended, expired.
    NotActive(RegistrationStatus),
    /// The customer did not grant this.
    OutOfScope(Scope),
}

/// The registration a proxy acts under, when it is theirs, active, and (if `scope` is
/// given) covers what they want to do. Every proxy action checks this first.
pub async fn acting_for<C: ConnectionTrait>(
    conn: &C,
    now: OffsetDateTime,
    proxy_id: i64,
    id: i64,
    scope: Option<Scope>,
) -> Result<Result<Registration, Refusal>, DbErr> {
    let Some(r) = get(conn, id)
        .await?
        .filter(|r| r.proxy_account_id == Some(proxy_id))
    else {
        return Ok(Err(Refusal::NotTheirs));
    };
    if !active(&r, now) {
        let status = match status_of(&r) {
            RegistrationStatus::Approved => RegistrationStatus::Expired,
            other => other,
        };
        return Ok(Err(Refusal::NotActive(status)));
    }
    if let Some(scope) = scope
        && !scopes_of(&r).covers(scope)
    {
        return Ok(Err(Refusal::OutOfScope(scope)));
    }
    Ok(Ok(r))
}

/// Every registration a proxy account holds, the ones that let them act first.
pub async fn of_proxy<C: ConnectionTrait>(
    conn: &C,
    now: OffsetDateTime,
    proxy_id: i64,
) -> Result<Vec<Registration>, DbErr> {
    let mut all = proxy_registration::Entity::find()
        .filter(proxy_registration::Column::ProxyAccountId.eq(proxy_id))
        .order_by_asc(proxy_registration::Column::PrincipalFullName)
        .order_by_asc(proxy_registration::Column::Id)
        .all(conn)
        .await?;
    all.sort_by_key(|r| !active(r, now));
    Ok(all)
}

/// A proxy asks for their registration to be renewed before or after its end date.
pub async fn request_renewal(
    db: &DatabaseConnection,
    now: OffsetDateTime,
    proxy: &SignedInProxy,
    ip: Option<String>,
    id: i64,
) -> Result<Registration, ProxyError> {
    let txn = begin_write(db).await?;
    let r = get(&txn, id)
        .await?
        .filter(|r| r.proxy_account_id == Some(proxy.id))
        .ok_or(ProxyError::NotFound)?;
    let status = status_of(&r);
    let renewable = status == RegistrationStatus::Expired
        || (status == RegistrationStatus::Approved
            && r.valid_until.is_some_and(|u| u - EXPIRY_REMINDER <= now));
    if !renewable || r.renewal_requested_at.is_some() {
        return Err(ProxyError::WrongStatus(status));
    }
    let mut row: proxy_registration::ActiveModel = r.into();
    row.renewal_requested_at = Set(Some(now));
    row.updated_at = Set(now);
    let r = row.update(&txn).await?;
    audit::record(
        &txn,
        now,
        &proxy.actor(ip),
        AuditAction::ProxyRenewalRequested,
        Some(Target::registration(r.id)),
        json!({ "reference": r.reference }),
    )
    .await?;
    txn.commit().await?;
    Ok(r)
}

/// Staff renew an approved or expired registration for another full term from now.
pub async fn renew(
    db: &DatabaseConnection,
    now: OffsetDateTime,
    config: &Config,
    actor: &Actor,
    id: i64,
) -> Result<Registration, ProxyError> {
    let txn = begin_write(db).await?;
    let r = for_change(
        &txn,
        id,
        &[RegistrationStatus::Approved, RegistrationStatus::Expired],
    )
    .await?;
    let rules = settings(&txn).await?;
    if status_of(&r) == RegistrationStatus::Expired
        && active_for_customer(&txn, now, &r.principal_key).await? >= rules.max_active
    {
        return Err(ProxyError::TooManyProxies(rules.max_active));
    }
    let mut row: proxy_registration::ActiveModel = r.into();
    row.status = Set(RegistrationStatus::Approved.as_str().to_owned());
    row.valid_until = Set(Some(valid_from_now(now, &rules)));
    row.renewal_requested_at = Set(None);
    row.expiry_reminder_sent_at = Set(None);
    row.ended_at = Set(None);
    row.ended_by = Set(None);
    row.updated_at = Set(now);
    let r = row.update(&txn).await?;
    audit::record(
        &txn,
        now,
        actor,
        AuditAction::ProxyRenewed,
        Some(Target::registration(r.id)),
        json!({ "reference": r.reference, "valid_until": r.valid_until.map(|u| u.unix_timestamp()) }),
    )
    .await?;
    tell(&txn, now, config, &r, To::Proxy, "renewed", &[], None).await?;
    tell(
        &txn,
        now,
        config,
        &r,
        To::Customer,
        "renewed_customer",
        &[],
        None,
    )
    .await?;
    txn.commit().await?;
    Ok(r)
}

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
    db: &DatabaseConnection,
    now: OffsetDateTime,
    actor: &Actor,
    typed: &EndRequestTyped,
    lang: Lang,
) -> Result<EndRequest, DbErr> {
    let txn = begin_write(db).await?;
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
        lang: Set(lang.code().to_owned()),
        requested_at: Set(now),
        status: Set("open".to_owned()),
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
    txn.commit().await?;
    Ok(request)
}

/// The customers' requests still to be handled, oldest first.
pub async fn open_end_requests<C: ConnectionTrait>(conn: &C) -> Result<Vec<EndRequest>, DbErr> {
    proxy_end_request::Entity::find()
        .filter(proxy_end_request::Column::Status.eq("open"))
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
    db: &DatabaseConnection,
    now: OffsetDateTime,
    actor: &Actor,
    request: EndRequest,
    status: &str,
) -> Result<(), DbErr> {
    let txn = begin_write(db).await?;
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
        .filter(proxy_end_request::Column::Status.eq("open"))
        .exec(&txn)
        .await?;
    if closed.rows_affected == 1 && status == "declined" {
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
    txn.commit().await
}

/// Staff confirm a customer's request: the registration it matched ends at once.
pub async fn confirm_end(
    db: &DatabaseConnection,
    now: OffsetDateTime,
    config: &Config,
    actor: &Actor,
    request_id: i64,
) -> Result<Registration, ProxyError> {
    let request = end_request(db, request_id)
        .await?
        .filter(|r| r.status == "open")
        .ok_or(ProxyError::RequestNotOpen)?;
    let registration = request.registration_id.ok_or(ProxyError::RequestNotOpen)?;
    let reason = t(
        Lang::from_code(&request.lang).unwrap_or_default(),
        "proxy.end.customer_reason",
    )
    .to_owned();
    let ended = end(
        db,
        now,
        config,
        actor,
        registration,
        EndedBy::Customer,
        Some(&reason),
    )
    .await?;
    close_request(db, now, actor, request, "confirmed").await?;
    Ok(ended)
}

/// Staff close a request without ending anything (it matched nothing, or was not genuine).
pub async fn decline_end(
    db: &DatabaseConnection,
    now: OffsetDateTime,
    actor: &Actor,
    request_id: i64,
) -> Result<(), ProxyError> {
    let request = end_request(db, request_id)
        .await?
        .filter(|r| r.status == "open")
        .ok_or(ProxyError::RequestNotOpen)?;
    close_request(db, now, actor, request, "declined").await?;
    Ok(())
}

/// Marks as expired every approved registration past its end date, telling the proxy and
/// the customer, and handing what the proxy booked and asked back to the customer. A registration's proxy can do nothing after its end date whether or not
/// this has run yet.
pub async fn expire_due(
    db: &DatabaseConnection,
    now: OffsetDateTime,
    config: &Config,
) -> Result<usize, DbErr> {
    let due = proxy_registration::Entity::find()
        .filter(proxy_registration::Column::Status.eq(RegistrationStatus::Approved.as_str()))
        .filter(proxy_registration::Column::ValidUntil.lte(now))
        .all(db)
        .await?;
    let mut n = 0;
    for r in due {
        let txn = begin_write(db).await?;
        // Claimed by a conditional update, so two app instances never expire one twice.
        let claimed = proxy_registration::Entity::update_many()
            .col_expr(
                proxy_registration::Column::Status,
                sea_orm::sea_query::Expr::value(RegistrationStatus::Expired.as_str()),
            )
            .col_expr(
                proxy_registration::Column::EndedAt,
                sea_orm::sea_query::Expr::value(r.valid_until),
            )
            .col_expr(
                proxy_registration::Column::EndedBy,
                sea_orm::sea_query::Expr::value(EndedBy::Expiry.as_str()),
            )
            .col_expr(
                proxy_registration::Column::UpdatedAt,
                sea_orm::sea_query::Expr::value(now),
            )
            .filter(proxy_registration::Column::Id.eq(r.id))
            .filter(proxy_registration::Column::Status.eq(RegistrationStatus::Approved.as_str()))
            .filter(proxy_registration::Column::ValidUntil.lte(now))
            .exec(&txn)
            .await?;
        if claimed.rows_affected == 1 {
            audit::record(
                &txn,
                now,
                &Actor::default(),
                AuditAction::ProxyExpired,
                Some(Target::registration(r.id)),
                json!({ "reference": r.reference }),
            )
            .await?;
            tell(&txn, now, config, &r, To::Proxy, "expired", &[], None).await?;
            tell(
                &txn,
                now,
                config,
                &r,
                To::Customer,
                "expired_customer",
                &[],
                None,
            )
            .await?;
            super::proxy_handover::hand_over(&txn, now, config, &Actor::default(), &r).await?;
            n += 1;
        }
        txn.commit().await?;
    }
    Ok(n)
}

/// Reminds the proxy of every registration ending within [`EXPIRY_REMINDER`], once.
pub async fn send_expiry_reminders(
    db: &DatabaseConnection,
    now: OffsetDateTime,
    config: &Config,
) -> Result<usize, DbErr> {
    let due = proxy_registration::Entity::find()
        .filter(proxy_registration::Column::Status.eq(RegistrationStatus::Approved.as_str()))
        .filter(proxy_registration::Column::ValidUntil.gt(now))
        .filter(proxy_registration::Column::ValidUntil.lte(now + EXPIRY_REMINDER))
        .filter(proxy_registration::Column::ExpiryReminderSentAt.is_null())
        .all(db)
        .await?;
    let mut n = 0;
    for r in due {
        let txn = begin_write(db).await?;
        let claimed = proxy_registration::Entity::update_many()
            .col_expr(
                proxy_registration::Column::ExpiryReminderSentAt,
                sea_orm::sea_query::Expr::value(now),
            )
            .filter(proxy_registration::Column::Id.eq(r.id))
            .filter(proxy_registration::Column::ExpiryReminderSentAt.is_null())
            .exec(&txn)
            .await?;
        if claimed.rows_affected == 1 {
            let renew = (
                t(lang_of(&r), "email.proxy.sign_in").to_owned(),
                config.link("/proxy/login"),
            );
            tell(
                &txn,
                now,
                config,
                &r,
                To::Proxy,
                "expiring",
                &[],
                Some(renew),
            )
            .await?;
            n += 1;
        }
        txn.commit().await?;
    }
    Ok(n)
}

/// The dates a registration's pages show, written in a language.
pub fn until_text(lang: Lang, r: &Registration, config: &Config) -> Option<String> {
    r.valid_until.map(|u| date_for(lang, u, config))
}

/// The label of a stored choice, from `proxy.{group}.{value}`.
pub fn label(lang: Lang, group: &str, value: &str) -> String {
    i18n::t(lang, &format!("proxy.{group}.{value}")).to_owned()
}
