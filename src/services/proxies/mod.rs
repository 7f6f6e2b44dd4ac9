//! Senior Support: proxy registrations from the application to their end. A customer (the
//! principal) names a trusted person (the proxy); staff check both identities and the
//! customer's own consent before approving; the proxy then acts within the scope granted,
//! until the registration's end date, until staff revoke it, the proxy steps down or the
//! customer asks for it to end. Every step is written to the audit log, and every email in
//! the same transaction as the change it announces.
//!
//! This module holds what every step reads: the registration as stored, whether it lets its
//! proxy act, and the one way its emails are written. The steps live by what they serve:
//! [`apply`] (an application arrives), [`review`] (staff check and decide), [`lifecycle`]
//! (an approved registration ends or is renewed), [`end_requests`] (a customer asks for it
//! to end) and [`expiry`] (the end date and its reminder).

pub mod apply;
pub mod end_requests;
pub mod expiry;
pub mod lifecycle;
pub mod review;

use super::settings::ProxySettings;
use crate::config::Config;
use crate::domain::AuditAction;
use crate::domain::proxy::{RegistrationStatus, Scope, Scopes, is_active};
use crate::domain::{Email, Lang};
use crate::entities::{proxy_end_request, proxy_registration};
use crate::i18n::{self, format_date, t};
use crate::mail::{self, templates};
use crate::services::UseCase;
use crate::services::audit::{self, Target};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder,
};
use std::collections::BTreeMap;
use time::{Duration, OffsetDateTime};

/// A registration as stored.
pub type Registration = proxy_registration::Model;

/// A customer's request to end a registration, as stored.
pub type EndRequest = proxy_end_request::Model;

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
    is_active(r.status, r.valid_until, now)
}

fn lang_of(r: &Registration) -> Lang {
    r.lang
}

/// A date as the registration's emails write it.
fn date_for(lang: Lang, at: OffsetDateTime, config: &Config) -> String {
    format_date(
        lang,
        time_tz::OffsetDateTimeExt::to_timezone(&at, config.timezone).date(),
    )
}

/// Writes a registration's changed row on `txn`, with the audit row of the step: every step
/// of a registration ends so. `detail` says what the audit row keeps of the row written.
async fn recorded<C: ConnectionTrait>(
    txn: &C,
    uc: &UseCase<'_>,
    row: proxy_registration::ActiveModel,
    action: AuditAction,
    detail: impl FnOnce(&Registration) -> serde_json::Value,
) -> Result<Registration, DbErr> {
    let r = ActiveModelTrait::update(row, txn).await?;
    audit::record(
        txn,
        uc.now,
        uc.actor,
        action,
        Some(Target::registration(r.id)),
        detail(&r),
    )
    .await?;
    Ok(r)
}

/// Who gets an email about a registration.
#[derive(Clone, Copy, PartialEq, Eq)]
enum To {
    Proxy,
    Customer,
}

impl To {
    /// The recipient's part of a message key, as in `email.proxy.end_sentence.staff.to_proxy`.
    fn as_str(self) -> &'static str {
        match self {
            To::Proxy => "to_proxy",
            To::Customer => "to_customer",
        }
    }
}

/// The link by which a customer asks for a registration to end, for emails that tell her a
/// proxy acts for her.
fn end_it(r: &Registration, config: &Config) -> (String, String) {
    let label = crate::i18n::t(lang_of(r), "email.proxy.end_it").to_owned();
    (label, config.link(crate::paths::proxy::REVOKE))
}

/// What one email about a registration says: the catalogue's `email.proxy.{which}`, the
/// values it is given besides the names and the end date, and a link to follow, if any.
struct Notice<'a> {
    which: &'a str,
    extra: &'a [(&'a str, &'a str)],
    action: Option<(String, String)>,
}

impl<'a> Notice<'a> {
    /// `email.proxy.{which}`, with no other values and no link.
    fn of(which: &'a str) -> Self {
        Notice {
            which,
            extra: &[],
            action: None,
        }
    }
}

/// Writes one email about a registration to the proxy or (when they gave an address) the
/// customer: the `notice`, given the names and the end date.
async fn tell<C: ConnectionTrait>(
    conn: &C,
    now: OffsetDateTime,
    config: &Config,
    r: &Registration,
    to: To,
    notice: Notice<'_>,
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
    args.extend_from_slice(notice.extra);
    let closing = templates::Closing {
        action: notice.action,
        after: vec![t(lang, "email.proxy.questions").to_owned()],
        way_back: crate::services::contact::way_back(conn, config, None).await?,
    };
    let message =
        templates::proxy_notice(lang, notice.which, name, Some(&r.reference), &args, closing);
    let (kind, base) = ("proxy_registration", &config.base_url);
    mail::enqueue_plain(conn, now, base, kind, recipient, lang, message).await?;
    Ok(())
}

/// Tells the proxy (`email.proxy.{which}`) and the customer (`{which}_customer`) of the
/// same step, with the same values.
async fn tell_both<C: ConnectionTrait>(
    conn: &C,
    now: OffsetDateTime,
    config: &Config,
    r: &Registration,
    which: &str,
    extra: &[(&str, &str)],
) -> Result<(), DbErr> {
    let to_proxy = Notice {
        extra,
        ..Notice::of(which)
    };
    tell(conn, now, config, r, To::Proxy, to_proxy).await?;
    let which = format!("{which}_customer");
    let to_customer = Notice {
        extra,
        ..Notice::of(&which)
    };
    tell(conn, now, config, r, To::Customer, to_customer).await
}

/// How many registrations stand in each status.
pub async fn counts<C: ConnectionTrait>(
    conn: &C,
) -> Result<BTreeMap<RegistrationStatus, u64>, DbErr> {
    let mut out = BTreeMap::new();
    for status in RegistrationStatus::ALL {
        let n = proxy_registration::Entity::find()
            .filter(proxy_registration::Column::Status.eq(*status))
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
    let query =
        proxy_registration::Entity::find().filter(proxy_registration::Column::Status.eq(status));
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

/// Whether a customer, known by their email address or member number, has a registration
/// that lets a proxy act for them now: the desk then treats them as a customer who may
/// need more care.
pub async fn has_active_proxy<C: ConnectionTrait>(
    conn: &C,
    now: OffsetDateTime,
    email: Option<&str>,
    member_number: Option<&str>,
) -> Result<bool, DbErr> {
    let mut same = sea_orm::Condition::any();
    if let Some(email) = email.filter(|e| !e.is_empty()) {
        same = same.add(proxy_registration::Column::PrincipalEmail.eq(email));
    }
    if let Some(number) = member_number.filter(|n| !n.is_empty()) {
        same = same.add(proxy_registration::Column::PrincipalMemberNumber.eq(number));
    }
    if same.is_empty() {
        return Ok(false);
    }
    Ok(proxy_registration::Entity::find()
        .filter(same)
        .filter(proxy_registration::Column::Status.eq(RegistrationStatus::Approved))
        .filter(proxy_registration::Column::ValidUntil.gt(now))
        .count(conn)
        .await?
        > 0)
}

/// Loads a registration for a change, inside the transaction, checking its status.
async fn for_change<C: ConnectionTrait>(
    conn: &C,
    id: i64,
    allowed: &[RegistrationStatus],
) -> Result<Registration, ProxyError> {
    let r = get(conn, id).await?.ok_or(ProxyError::NotFound)?;
    let status = r.status;
    if !allowed.contains(&status) {
        return Err(ProxyError::WrongStatus(status));
    }
    Ok(r)
}

const OPEN: &[RegistrationStatus] = &[
    RegistrationStatus::Submitted,
    RegistrationStatus::UnderReview,
];

/// How many registrations of the customer let their proxy act now.
async fn active_for_customer<C: ConnectionTrait>(
    conn: &C,
    now: OffsetDateTime,
    key: &str,
) -> Result<i64, DbErr> {
    Ok(proxy_registration::Entity::find()
        .filter(proxy_registration::Column::PrincipalKey.eq(key))
        .filter(proxy_registration::Column::Status.eq(RegistrationStatus::Approved))
        .filter(proxy_registration::Column::ValidUntil.gt(now))
        .count(conn)
        .await? as i64)
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
    Ok(may_act(&r, now, scope).map(|()| r))
}

/// Whether a registration lets its proxy act now, and (if `scope` is given) do that.
fn may_act(r: &Registration, now: OffsetDateTime, scope: Option<Scope>) -> Result<(), Refusal> {
    if !active(r, now) {
        let status = match r.status {
            RegistrationStatus::Approved => RegistrationStatus::Expired,
            other => other,
        };
        return Err(Refusal::NotActive(status));
    }
    if let Some(scope) = scope
        && !scopes_of(r).covers(scope)
    {
        return Err(Refusal::OutOfScope(scope));
    }
    Ok(())
}

/// The registration a link made for its proxy (such as a session's manage link) stands
/// for, when it lets the proxy act now and covers `scope`. The link is the proxy's proof,
/// so nobody need be signed in; the same rules as [`acting_for`] decide, checked on every
/// use of the link, so it stops the moment the registration ends.
pub async fn by_proxy_link<C: ConnectionTrait>(
    conn: &C,
    now: OffsetDateTime,
    id: i64,
    scope: Scope,
) -> Result<Result<Registration, Refusal>, DbErr> {
    let Some(r) = get(conn, id).await? else {
        return Ok(Err(Refusal::NotTheirs));
    };
    Ok(may_act(&r, now, Some(scope)).map(|()| r))
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

/// The dates a registration's pages show, written in a language.
pub fn until_text(lang: Lang, r: &Registration, config: &Config) -> Option<String> {
    r.valid_until.map(|u| date_for(lang, u, config))
}

/// The label of a stored choice, from `proxy.{group}.{value}`.
pub fn label(lang: Lang, group: &str, value: &str) -> String {
    i18n::t(lang, &format!("proxy.{group}.{value}")).to_owned()
}
