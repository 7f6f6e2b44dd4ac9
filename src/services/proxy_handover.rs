//! What a proxy does for a customer is the customer's own. While the registration lets the
//! proxy act, the desk writes to the proxy about the requests they sent and the sessions
//! they booked, and sends the customer a copy of each thing done in her name, saying how to
//! tell us it was not wanted. Once the registration has ended or expired, by whatever path,
//! the desk writes about them to the customer (when she gave an email address) and never to
//! the proxy, and she is sent a manage link and thread links of her own: the proxy's links
//! stop working with the registration.

use super::Actor;
use super::audit::{self, Target};
use super::proxies::{self, Registration};
use crate::config::Config;
use crate::domain::request::RequestStatus;
use crate::domain::{AuditAction, BookingStatus, Email, Lang};
use crate::entities::{booking, support_request};
use crate::i18n::{t, tf};
use crate::mail::{self, templates};
use crate::paths;
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder};
use serde_json::json;
use time::OffsetDateTime;

/// Whom the desk writes to about something a proxy did for a customer.
#[derive(Debug, Clone)]
pub enum Correspondent {
    /// The proxy, while the registration lets them act; the customer gets a copy.
    Proxy(Registration),
    /// The customer herself: the registration has ended or expired.
    Customer(Registration),
}

/// Whom to write to about a request or session made under `registration_id` (none when no
/// proxy made it).
pub async fn correspondent<C: ConnectionTrait>(
    conn: &C,
    now: OffsetDateTime,
    registration_id: Option<i64>,
) -> Result<Option<Correspondent>, DbErr> {
    let Some(id) = registration_id else {
        return Ok(None);
    };
    Ok(proxies::get(conn, id).await?.map(|r| {
        if proxies::active(&r, now) {
            Correspondent::Proxy(r)
        } else {
            Correspondent::Customer(r)
        }
    }))
}

/// The customer's own email address on a registration, when she gave one.
pub fn customer_email(r: &Registration) -> Option<Email> {
    r.principal_email
        .as_deref()
        .and_then(|e| Email::parse(e).ok())
}

/// The language the customer is written to in: the registration's.
pub fn customer_lang(r: &Registration) -> Lang {
    r.lang
}

/// The last paragraph of every copy the customer gets of what her proxy did: how to tell us
/// it was not wanted.
pub fn not_wanted(config: &Config, r: &Registration) -> String {
    tf(
        customer_lang(r),
        "email.proxy_copy.not_wanted",
        &[
            ("proxy", &r.proxy_full_name),
            ("registration", &r.reference),
            ("link", &config.link(paths::proxy::REVOKE)),
        ],
    )
}

/// Gives the customer what she needs to carry on when a registration has just ended or
/// expired, inside the transaction that ended it: for every session still to come that the
/// proxy booked, a manage link of her own, and for every request of theirs not closed, a
/// thread link of her own, in one email (when she gave an address). Written to the audit
/// log either way, so staff see what was handed back.
pub async fn hand_over<C: ConnectionTrait>(
    conn: &C,
    now: OffsetDateTime,
    config: &Config,
    actor: &Actor,
    r: &Registration,
) -> Result<(), DbErr> {
    let sessions = booking::Entity::find()
        .filter(booking::Column::ProxyRegistrationId.eq(r.id))
        .filter(booking::Column::Status.eq(BookingStatus::Booked))
        .filter(booking::Column::StartsAt.gt(now.to_offset(time::UtcOffset::UTC)))
        .order_by_asc(booking::Column::StartsAt)
        .all(conn)
        .await?;
    let requests = support_request::Entity::find()
        .filter(support_request::Column::ProxyRegistrationId.eq(r.id))
        .filter(support_request::Column::Status.ne(RequestStatus::Closed))
        .order_by_asc(support_request::Column::CreatedAt)
        .order_by_asc(support_request::Column::Id)
        .all(conn)
        .await?;
    if sessions.is_empty() && requests.is_empty() {
        return Ok(());
    }
    let recipient = customer_email(r);
    if let Some(recipient) = &recipient {
        let lang = customer_lang(r);
        let mut links = Vec::new();
        for b in &sessions {
            let token = super::booking::manage::new_link(conn, now, b.id, None).await?;
            let mode = b.mode;
            let when =
                crate::i18n::format_session_time(lang, b.starts_at, b.ends_at, config.timezone);
            links.push((
                tf(
                    lang,
                    "email.proxy.handed_over.session",
                    &[
                        ("reference", &b.reference),
                        ("when", &when),
                        ("mode", crate::i18n::mode_name(lang, mode)),
                    ],
                ),
                config.link(&paths::booking::manage(token.expose())),
            ));
        }
        for q in &requests {
            let token = super::requests::new_link(conn, now, q.id).await?;
            let topic_key = format!("topic.{}", q.topic.as_str());
            let topic = t(lang, &topic_key);
            links.push((
                tf(
                    lang,
                    "email.proxy.handed_over.request",
                    &[("reference", &q.reference), ("topic", topic)],
                ),
                config.link(&paths::requests::thread(token.expose())),
            ));
        }
        let message = templates::proxy_hand_over(
            lang,
            &r.principal_full_name,
            &r.reference,
            &r.proxy_full_name,
            links,
            super::contact::way_back(conn, config, None).await?,
        );
        let kind = "proxy_hand_over";
        mail::enqueue_plain(
            conn,
            now,
            &config.base_url,
            kind,
            recipient.clone(),
            lang,
            message,
        )
        .await?;
    }
    audit::record(
        conn,
        now,
        actor,
        AuditAction::ProxyHandedOver,
        Some(Target::registration(r.id)),
        json!({ "reference": r.reference,
                "sessions": sessions.iter().map(|b| b.reference.as_str()).collect::<Vec<_>>(),
                "requests": requests.iter().map(|q| q.reference.as_str()).collect::<Vec<_>>(),
                "emailed": recipient.is_some() }),
    )
    .await
}
