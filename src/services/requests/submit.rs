//! A request arrives: from the customer by the public journey, or from a proxy for the
//! customer they act for. It is written as new with its first message and due time, and
//! acknowledged by email; a proxy's request is copied to the customer.

use super::{Request, Writer, add_message, due_from, new_link, tell};
use crate::config::Config;
use crate::domain::request::{NewRequest, RequestDraft, RequestStatus, Topic};
use crate::domain::{AuditAction, Lang, Reference, Token};
use crate::entities::support_request;
use crate::i18n::{format_datetime, t, tf};
use crate::mail::{self, templates};
use crate::services::UseCase;
use crate::services::audit::{self, Target};
use crate::services::proxy_handover::{self, Correspondent};
use sea_orm::{
    ActiveModelTrait,
    ActiveValue::{NotSet, Set},
    ConnectionTrait, DbErr,
};
use serde_json::json;
use time::OffsetDateTime;

/// A proxy sending a request for the customer they act for.
#[derive(Debug, Clone)]
pub struct ProxySender {
    /// The proxy account.
    pub proxy_id: i64,
    /// The registration they act under.
    pub registration_id: i64,
}

/// Sends the customer a copy of a request her proxy just sent for her, in her language,
/// saying how to tell us it was not wanted. Nothing when she gave no address.
async fn copy_to_customer<C: ConnectionTrait>(
    conn: &C,
    now: OffsetDateTime,
    config: &Config,
    r: &Request,
) -> Result<(), DbErr> {
    let Some(Correspondent::Proxy(p)) =
        proxy_handover::correspondent(conn, now, r.proxy_registration_id).await?
    else {
        return Ok(());
    };
    let Some(recipient) = proxy_handover::customer_email(&p) else {
        return Ok(());
    };
    let lang = proxy_handover::customer_lang(&p);
    let topic_key = format!("topic.{}", r.topic.as_str());
    let topic = t(lang, &topic_key);
    let before = vec![
        tf(
            lang,
            "email.request.proxy_copy.body",
            &[("proxy", &p.proxy_full_name), ("topic", topic)],
        ),
        r.details.clone(),
        tf(
            lang,
            "email.request.proxy_copy.answer",
            &[("proxy", &p.proxy_full_name)],
        ),
        proxy_handover::not_wanted(config, &p),
    ];
    // The thread is her proxy's while the registration lasts: she writes back on a new request.
    let back = crate::services::contact::way_back(conn, config, None).await?;
    let message = templates::request_notice(
        lang,
        "proxy_copy",
        &r.customer_name,
        &r.reference,
        before,
        None,
        back,
    );
    mail::enqueue_plain(
        conn,
        now,
        &config.base_url,
        "support_request_copy",
        recipient,
        lang,
        message,
    )
    .await?;
    Ok(())
}

/// What [`send`] gives back: the request, and the link to its thread when it has one.
#[derive(Debug)]
pub struct Sent {
    /// The request as stored.
    pub request: Request,
    /// The thread's link token, shown once on the confirmation page (none for a proxy, who
    /// follows the thread in the portal).
    pub token: Option<Token>,
}

/// Sends a request: it is written as new with its first message and a due time, the
/// sender is emailed an acknowledgement with the link to the thread, and the journey `draft`
/// names keeps only the reference.
pub async fn send(
    uc: &UseCase<'_>,
    new: &NewRequest,
    lang: Lang,
    by_proxy: Option<&ProxySender>,
    draft: Option<&Token>,
) -> Result<Sent, DbErr> {
    let now = uc.now;
    let txn = uc.begin().await?;
    let sent = open(&txn, uc, new, lang, by_proxy).await?;
    if let Some(draft) = draft {
        let done = RequestDraft {
            sent: Some(sent.request.reference.clone()),
            ..Default::default()
        };
        crate::services::drafts::save(&txn, now, draft, &done).await?;
    }
    uc.commit(txn).await?;
    Ok(sent)
}

/// Writes a new request on `conn` (the caller's transaction) with its first message, due
/// time, audit row and acknowledgement email: what [`send`] does, for other use-cases that
/// open a request for the customer. A request about a lost or stolen card is acknowledged
/// with how to stop the card at any hour first.
pub async fn open<C: ConnectionTrait>(
    conn: &C,
    uc: &UseCase<'_>,
    new: &NewRequest,
    lang: Lang,
    by_proxy: Option<&ProxySender>,
) -> Result<Sent, DbErr> {
    let UseCase {
        now, config, actor, ..
    } = *uc;
    let due = due_from(conn, config, new.topic, now).await?;
    let r = support_request::ActiveModel {
        id: NotSet,
        reference: Set(Reference::generate('R').as_str().to_owned()),
        status: Set(RequestStatus::New),
        topic: Set(new.topic),
        details: Set(new.details.clone()),
        customer_name: Set(new.name.clone()),
        member_number: Set(new.member_number.clone()),
        channel: Set(new.channel),
        email: Set(new.email.as_ref().map(|e| e.as_str().to_owned())),
        fax: Set(new.fax.clone()),
        postal_address: Set(new.address.clone()),
        lang: Set(lang),
        assignee_id: Set(None),
        proxy_registration_id: Set(by_proxy.map(|p| p.registration_id)),
        created_at: Set(now),
        updated_at: Set(now),
        due_at: Set(Some(due)),
        first_reply_at: Set(None),
        resolved_at: Set(None),
        first_resolved_at: Set(None),
        closed_at: Set(None),
    }
    .insert(conn)
    .await?;
    let writer = Writer::Sender {
        proxy_id: by_proxy.map(|p| p.proxy_id),
    };
    add_message(conn, now, r.id, writer, &new.details).await?;
    let token = match by_proxy {
        Some(_) => None,
        None => Some(new_link(conn, now, r.id).await?),
    };
    audit::record(
        conn,
        now,
        actor,
        AuditAction::RequestSent,
        Some(Target::request(r.id)),
        json!({ "reference": r.reference, "topic": r.topic.as_str(), "channel": r.channel.as_str(),
                "proxy_registration_id": r.proxy_registration_id }),
    )
    .await?;
    let channel_key = format!("request.channel.{}", r.channel.as_str());
    let card_stop = match new.topic {
        Topic::LostStolen => Some(
            crate::services::contact::load(conn, config)
                .await?
                .card_stop,
        ),
        _ => None,
    };
    tell(
        conn,
        now,
        config,
        &r,
        "received",
        |lang| {
            let channel = t(lang, &channel_key);
            let by = format_datetime(lang, due, config.timezone);
            let mut said = vec![tf(
                lang,
                "email.request.received.body",
                &[("channel", channel)],
            )];
            if let Some(stop) = &card_stop {
                said.extend(templates::card_stop_paragraphs(lang, stop));
            }
            said.push(tf(lang, "email.request.received.due", &[("due", &by)]));
            said
        },
        token.as_ref(),
    )
    .await?;
    copy_to_customer(conn, now, config, &r).await?;
    Ok(Sent { request: r, token })
}
