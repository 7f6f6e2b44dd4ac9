//! Support requests: a customer (or a proxy for them) tells the desk what they need and how
//! they want the answer; staff see every request in one queue, answer it, note what only
//! staff should read, and keep to a response-time target counted in the desk's opening
//! hours. The customer follows the thread by a link that needs no account; a proxy follows
//! it in their portal. Every change writes its audit row, and every email, in the same
//! transaction.

use super::Actor;
use super::audit::{self, Target};
use super::proxy_handover::{self, Correspondent};
use crate::config::Config;
use crate::db::begin_write;
use crate::domain::request::{
    Author, NewRequest, ReplyChannel, RequestDraft, RequestStatus, Topic, after_working_minutes,
};
use crate::domain::{AuditAction, Email, Lang, Reference, Token};
use crate::entities::{
    booking, request_link, request_message, setting, staff_user, support_request,
};
use crate::i18n::{format_datetime, t, tf};
use crate::mail::{self, templates};
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{
    ActiveModelTrait,
    ActiveValue::{NotSet, Set},
    ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};
use serde_json::json;
use std::collections::BTreeMap;
use time::{Duration, OffsetDateTime};

/// A request as stored.
pub type Request = support_request::Model;

/// One message of a request's thread, as stored.
pub type Message = request_message::Model;

/// How long after a request is closed its link still opens the thread.
pub const LINK_KEPT_AFTER_CLOSE: Duration = Duration::days(30);

/// The response-time target of each topic, in minutes of the desk's opening time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Targets(pub BTreeMap<Topic, i64>);

impl Targets {
    /// One working day (the desk's default eight hours) for everything, and one working hour
    /// for a lost or stolen card.
    pub fn default_minutes(topic: Topic) -> i64 {
        match topic {
            Topic::LostStolen => 60,
            _ => 8 * 60,
        }
    }

    /// The target of a topic.
    pub fn minutes(&self, topic: Topic) -> i64 {
        self.0
            .get(&topic)
            .copied()
            .unwrap_or_else(|| Targets::default_minutes(topic))
    }
}

impl Default for Targets {
    fn default() -> Self {
        Targets(
            Topic::ALL
                .iter()
                .map(|t| (*t, Targets::default_minutes(*t)))
                .collect(),
        )
    }
}

fn target_key(topic: Topic) -> String {
    format!("requests.target_minutes.{}", topic.as_str())
}

/// Reads the response-time targets, with the defaults for any not set.
pub async fn targets<C: ConnectionTrait>(conn: &C) -> Result<Targets, DbErr> {
    let stored: BTreeMap<String, String> = setting::Entity::find()
        .filter(setting::Column::Key.starts_with("requests.target_minutes."))
        .all(conn)
        .await?
        .into_iter()
        .map(|s| (s.key, s.value))
        .collect();
    Ok(Targets(
        Topic::ALL
            .iter()
            .map(|topic| {
                let minutes = stored
                    .get(&target_key(*topic))
                    .and_then(|v| v.parse::<i64>().ok())
                    .unwrap_or_else(|| Targets::default_minutes(*topic));
                (*topic, minutes)
            })
            .collect(),
    ))
}

/// Saves the response-time targets, with an audit row.
pub async fn save_targets(
    db: &DatabaseConnection,
    now: OffsetDateTime,
    actor: &Actor,
    new: &Targets,
) -> Result<(), DbErr> {
    let txn = begin_write(db).await?;
    for topic in Topic::ALL {
        setting::Entity::insert(setting::ActiveModel {
            key: Set(target_key(*topic)),
            value: Set(new.minutes(*topic).to_string()),
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
    let detail: serde_json::Map<String, serde_json::Value> = Topic::ALL
        .iter()
        .map(|t| (t.as_str().to_owned(), json!(new.minutes(*t))))
        .collect();
    audit::record(
        &txn,
        now,
        actor,
        AuditAction::DeskSettingsChanged,
        None,
        json!({ "request_target_minutes": detail }),
    )
    .await?;
    txn.commit().await
}

/// When the desk's reply to a request on `topic` is due, counted from `from`.
async fn due_from<C: ConnectionTrait>(
    conn: &C,
    config: &Config,
    topic: Topic,
    from: OffsetDateTime,
) -> Result<OffsetDateTime, DbErr> {
    let desk = super::desk::load(conn).await?;
    let minutes = targets(conn).await?.minutes(topic);
    Ok(after_working_minutes(
        from,
        minutes,
        config.timezone,
        |day| desk.opening_on(day),
    ))
}

/// The stored topic of a request.
pub fn topic_of(r: &Request) -> Topic {
    Topic::parse(&r.topic).unwrap_or(Topic::Other)
}

/// The stored status of a request.
pub fn status_of(r: &Request) -> RequestStatus {
    RequestStatus::parse(&r.status).unwrap_or(RequestStatus::New)
}

/// The stored reply channel of a request.
pub fn channel_of(r: &Request) -> ReplyChannel {
    ReplyChannel::parse(&r.channel).unwrap_or(ReplyChannel::Email)
}

/// Whether the desk owes a reply that is late now.
pub fn overdue(r: &Request, now: OffsetDateTime) -> bool {
    status_of(r).is_active() && r.due_at.is_some_and(|due| due <= now)
}

fn lang_of(r: &Request) -> Lang {
    Lang::from_code(&r.lang).unwrap_or_default()
}

/// A proxy sending a request for the customer they act for.
#[derive(Debug, Clone)]
pub struct ProxySender {
    /// The proxy account.
    pub proxy_id: i64,
    /// The registration they act under.
    pub registration_id: i64,
}

/// Where an email about something done for a request (a session booked to answer it) leads
/// back to its thread: the proxy's portal while the registration lasts, or else a fresh link
/// of the customer's own.
pub async fn thread_link_for_email<C: ConnectionTrait>(
    conn: &C,
    now: OffsetDateTime,
    config: &Config,
    request_id: i64,
) -> Result<Option<String>, DbErr> {
    let Some(r) = get(conn, request_id).await? else {
        return Ok(None);
    };
    Ok(Some(
        match proxy_handover::correspondent(conn, now, r.proxy_registration_id).await? {
            Some(Correspondent::Proxy(p)) => {
                config.link(&format!("/proxy/customers/{}/requests/{}", p.id, r.id))
            }
            _ => {
                let token = new_link(conn, now, r.id).await?;
                config.link(&format!("/requests/{}", token.expose()))
            }
        },
    ))
}

/// Writes a new link for a request's thread; only its hash is kept.
pub(super) async fn new_link<C: ConnectionTrait>(
    conn: &C,
    now: OffsetDateTime,
    request_id: i64,
) -> Result<Token, DbErr> {
    let token = Token::generate();
    request_link::Entity::insert(request_link::ActiveModel {
        token_hash: Set(token.hash()),
        request_id: Set(request_id),
        created_at: Set(now),
    })
    .exec_without_returning(conn)
    .await?;
    Ok(token)
}

/// Writes one email about a request, `email.request.{which}`, with the paragraphs `before`
/// gives in the reader's language.
///
/// The customer's own request is written about to the address it gives, with `token`'s
/// link to the thread. A request a proxy sent is written about to the proxy while their
/// registration lets them act, greeting them and linking to the portal; once it has ended
/// or expired, to the customer alone (when she gave an address), with a link of her own,
/// and the proxy is told nothing more.
#[allow(clippy::too_many_arguments)]
async fn tell<C: ConnectionTrait>(
    conn: &C,
    now: OffsetDateTime,
    config: &Config,
    r: &Request,
    which: &str,
    before: impl Fn(Lang) -> Vec<String>,
    token: Option<&Token>,
) -> Result<(), DbErr> {
    let lang = lang_of(r);
    let thread = |token: &Token| config.link(&format!("/requests/{}", token.expose()));
    let (recipient, lang, greeting, mut paragraphs, url) =
        match proxy_handover::correspondent(conn, now, r.proxy_registration_id).await? {
            None => (
                r.email.as_deref().and_then(|a| Email::parse(a).ok()),
                lang,
                r.customer_name.clone(),
                Vec::new(),
                token.map(thread),
            ),
            Some(Correspondent::Proxy(p)) => (
                r.email.as_deref().and_then(|a| Email::parse(a).ok()),
                lang,
                p.proxy_full_name.clone(),
                vec![tf(
                    lang,
                    "email.request.for_customer",
                    &[("customer", &r.customer_name)],
                )],
                Some(config.link(&format!("/proxy/customers/{}/requests/{}", p.id, r.id))),
            ),
            Some(Correspondent::Customer(p)) => {
                let Some(address) = proxy_handover::customer_email(&p) else {
                    // Nobody to write to: staff see on the request's page how to reach her.
                    return Ok(());
                };
                let lang = proxy_handover::customer_lang(&p);
                let own = new_link(conn, now, r.id).await?;
                (
                    Some(address),
                    lang,
                    r.customer_name.clone(),
                    vec![tf(
                        lang,
                        "email.request.proxy_ended",
                        &[("proxy", &p.proxy_full_name)],
                    )],
                    Some(thread(&own)),
                )
            }
        };
    let Some(recipient) = recipient else {
        return Ok(());
    };
    paragraphs.extend(before(lang));
    let back = super::contact::way_back(conn, config, url.clone()).await?;
    let action = url.map(|url| (t(lang, "email.request.action").to_owned(), url));
    let message = templates::request_notice(
        lang,
        which,
        &greeting,
        &r.reference,
        paragraphs,
        action,
        back,
    );
    mail::enqueue_plain(
        conn,
        now,
        &config.base_url,
        "support_request",
        recipient,
        lang,
        message,
    )
    .await?;
    Ok(())
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
    let topic_key = format!("topic.{}", r.topic);
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
    let back = super::contact::way_back(conn, config, None).await?;
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
#[allow(clippy::too_many_arguments)]
pub async fn send(
    db: &DatabaseConnection,
    now: OffsetDateTime,
    config: &Config,
    actor: &Actor,
    new: &NewRequest,
    lang: Lang,
    by_proxy: Option<&ProxySender>,
    draft: Option<&Token>,
) -> Result<Sent, DbErr> {
    let txn = begin_write(db).await?;
    let sent = open(&txn, now, config, actor, new, lang, by_proxy).await?;
    if let Some(draft) = draft {
        let done = RequestDraft {
            sent: Some(sent.request.reference.clone()),
            ..Default::default()
        };
        super::drafts::save(&txn, now, draft, &done).await?;
    }
    txn.commit().await?;
    Ok(sent)
}

/// Writes a new request on `conn` (the caller's transaction) with its first message, due
/// time, audit row and acknowledgement email: what [`send`] does, for other use-cases that
/// open a request for the customer. A request about a lost or stolen card is acknowledged
/// with how to stop the card at any hour first.
pub async fn open<C: ConnectionTrait>(
    conn: &C,
    now: OffsetDateTime,
    config: &Config,
    actor: &Actor,
    new: &NewRequest,
    lang: Lang,
    by_proxy: Option<&ProxySender>,
) -> Result<Sent, DbErr> {
    let due = due_from(conn, config, new.topic, now).await?;
    let r = support_request::ActiveModel {
        id: NotSet,
        reference: Set(Reference::generate('R').as_str().to_owned()),
        status: Set(RequestStatus::New.as_str().to_owned()),
        topic: Set(new.topic.as_str().to_owned()),
        details: Set(new.details.clone()),
        customer_name: Set(new.name.clone()),
        member_number: Set(new.member_number.clone()),
        channel: Set(new.channel.as_str().to_owned()),
        email: Set(new.email.as_ref().map(|e| e.as_str().to_owned())),
        fax: Set(new.fax.clone()),
        postal_address: Set(new.address.clone()),
        lang: Set(lang.code().to_owned()),
        assignee_id: Set(None),
        proxy_registration_id: Set(by_proxy.map(|p| p.registration_id)),
        created_at: Set(now),
        updated_at: Set(now),
        due_at: Set(Some(due)),
        first_reply_at: Set(None),
        resolved_at: Set(None),
        closed_at: Set(None),
    }
    .insert(conn)
    .await?;
    request_message::ActiveModel {
        id: NotSet,
        request_id: Set(r.id),
        author: Set(if by_proxy.is_some() {
            Author::Proxy
        } else {
            Author::Customer
        }
        .as_str()
        .to_owned()),
        staff_id: Set(None),
        proxy_id: Set(by_proxy.map(|p| p.proxy_id)),
        internal: Set(false),
        body: Set(new.details.clone()),
        created_at: Set(now),
    }
    .insert(conn)
    .await?;
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
        json!({ "reference": r.reference, "topic": r.topic, "channel": r.channel,
                "proxy_registration_id": r.proxy_registration_id }),
    )
    .await?;
    let channel_key = format!("request.channel.{}", r.channel);
    let card_stop = match new.topic {
        Topic::LostStolen => Some(super::contact::load(conn, config).await?.card_stop),
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

/// The request a thread link opens: the link must be known, and the request not closed for
/// longer than [`LINK_KEPT_AFTER_CLOSE`].
pub async fn by_link<C: ConnectionTrait>(
    conn: &C,
    now: OffsetDateTime,
    token: &Token,
) -> Result<Option<Request>, DbErr> {
    let Some(link) = request_link::Entity::find_by_id(token.hash())
        .one(conn)
        .await?
    else {
        return Ok(None);
    };
    Ok(get(conn, link.request_id)
        .await?
        .filter(|r| r.closed_at.is_none_or(|c| now < c + LINK_KEPT_AFTER_CLOSE)))
}

/// One request.
pub async fn get<C: ConnectionTrait>(conn: &C, id: i64) -> Result<Option<Request>, DbErr> {
    support_request::Entity::find_by_id(id).one(conn).await
}

/// One request, by its reference.
pub async fn by_reference<C: ConnectionTrait>(
    conn: &C,
    reference: &str,
) -> Result<Option<Request>, DbErr> {
    support_request::Entity::find()
        .filter(support_request::Column::Reference.eq(reference))
        .one(conn)
        .await
}

/// The requests a proxy sent under a registration, newest first.
pub async fn under_registration<C: ConnectionTrait>(
    conn: &C,
    registration_id: i64,
) -> Result<Vec<Request>, DbErr> {
    support_request::Entity::find()
        .filter(support_request::Column::ProxyRegistrationId.eq(registration_id))
        .order_by_desc(support_request::Column::CreatedAt)
        .order_by_desc(support_request::Column::Id)
        .all(conn)
        .await
}

/// A request's thread, oldest first; internal notes only when `with_notes`.
pub async fn thread<C: ConnectionTrait>(
    conn: &C,
    request_id: i64,
    with_notes: bool,
) -> Result<Vec<Message>, DbErr> {
    let mut query =
        request_message::Entity::find().filter(request_message::Column::RequestId.eq(request_id));
    if !with_notes {
        query = query.filter(request_message::Column::Internal.eq(false));
    }
    query
        .order_by_asc(request_message::Column::CreatedAt)
        .order_by_asc(request_message::Column::Id)
        .all(conn)
        .await
}

/// The sessions booked to answer a request, by id.
pub async fn sessions<C: ConnectionTrait>(
    conn: &C,
    request_id: i64,
) -> Result<Vec<booking::Model>, DbErr> {
    booking::Entity::find()
        .filter(booking::Column::RequestId.eq(request_id))
        .order_by_asc(booking::Column::StartsAt)
        .all(conn)
        .await
}

/// Why a change to a request was refused.
#[derive(Debug, thiserror::Error)]
pub enum RequestError {
    /// No such request.
    #[error("no such request")]
    NotFound,
    /// The request is closed: its thread takes no more messages.
    #[error("the request is closed")]
    Closed,
    /// The staff member to assign cannot take requests.
    #[error("that staff member cannot take requests")]
    NotAssignable,
    /// The database failed.
    #[error(transparent)]
    Database(#[from] DbErr),
}

/// The customer (or their proxy) writes again: the message joins the thread, and a request
/// that was waiting for them or resolved is open again, with a new due time.
pub async fn customer_message(
    db: &DatabaseConnection,
    now: OffsetDateTime,
    config: &Config,
    actor: &Actor,
    id: i64,
    body: &str,
) -> Result<Request, RequestError> {
    let txn = begin_write(db).await?;
    let r = get(&txn, id).await?.ok_or(RequestError::NotFound)?;
    let before = status_of(&r);
    if before == RequestStatus::Closed {
        return Err(RequestError::Closed);
    }
    let after = before.after_customer_message();
    request_message::ActiveModel {
        id: NotSet,
        request_id: Set(r.id),
        author: Set(if actor.proxy_id.is_some() {
            Author::Proxy
        } else {
            Author::Customer
        }
        .as_str()
        .to_owned()),
        staff_id: Set(None),
        proxy_id: Set(actor.proxy_id),
        internal: Set(false),
        body: Set(body.to_owned()),
        created_at: Set(now),
    }
    .insert(&txn)
    .await?;
    let due = match r.due_at {
        Some(due) => Some(due),
        None => Some(due_from(&txn, config, topic_of(&r), now).await?),
    };
    let mut row: support_request::ActiveModel = r.clone().into();
    row.status = Set(after.as_str().to_owned());
    row.due_at = Set(due);
    row.updated_at = Set(now);
    if after != before {
        row.resolved_at = Set(None);
    }
    let r = row.update(&txn).await?;
    audit::record(
        &txn,
        now,
        actor,
        AuditAction::RequestCustomerMessage,
        Some(Target::request(r.id)),
        json!({ "reference": r.reference, "status_before": before.as_str(), "status": after.as_str() }),
    )
    .await?;
    tell_assignee(&txn, now, config, &r).await?;
    txn.commit().await?;
    Ok(r)
}

/// Tells the staff member a request is with that the customer has written again, by email
/// in the desk's first language, with the link to the request's staff page.
async fn tell_assignee<C: ConnectionTrait>(
    conn: &C,
    now: OffsetDateTime,
    config: &Config,
    r: &Request,
) -> Result<(), DbErr> {
    let Some(assignee) = r.assignee_id else {
        return Ok(());
    };
    let Some(staff) = staff_user::Entity::find_by_id(assignee)
        .one(conn)
        .await?
        .filter(|s| s.active)
    else {
        return Ok(());
    };
    let Ok(recipient) = Email::parse(&staff.email) else {
        return Ok(());
    };
    let lang = Lang::default();
    let link = config.link(&format!("/staff/requests/{}", r.id));
    let message = templates::staff_request_notice(
        lang,
        &staff.display_name,
        &r.reference,
        &r.customer_name,
        &link,
        super::contact::way_back(conn, config, Some(link.clone())).await?,
    );
    let kind = "staff_request_notice";
    mail::enqueue_plain(conn, now, &config.base_url, kind, recipient, lang, message).await?;
    Ok(())
}

/// Staff answer the customer: the reply joins the thread and is emailed (in the customer's
/// language, with a fresh link); nothing is owed until the customer writes again.
pub async fn reply(
    db: &DatabaseConnection,
    now: OffsetDateTime,
    config: &Config,
    actor: &Actor,
    id: i64,
    body: &str,
) -> Result<Request, RequestError> {
    let txn = begin_write(db).await?;
    let r = get(&txn, id).await?.ok_or(RequestError::NotFound)?;
    let before = status_of(&r);
    if before == RequestStatus::Closed {
        return Err(RequestError::Closed);
    }
    request_message::ActiveModel {
        id: NotSet,
        request_id: Set(r.id),
        author: Set(Author::Staff.as_str().to_owned()),
        staff_id: Set(actor.staff_id),
        proxy_id: Set(None),
        internal: Set(false),
        body: Set(body.to_owned()),
        created_at: Set(now),
    }
    .insert(&txn)
    .await?;
    let mut row: support_request::ActiveModel = r.clone().into();
    let after = match before {
        RequestStatus::Resolved => RequestStatus::Resolved,
        _ => RequestStatus::Waiting,
    };
    row.status = Set(after.as_str().to_owned());
    row.due_at = Set(None);
    row.updated_at = Set(now);
    if r.first_reply_at.is_none() {
        row.first_reply_at = Set(Some(now));
    }
    if r.assignee_id.is_none() {
        row.assignee_id = Set(actor.staff_id);
    }
    let r = row.update(&txn).await?;
    audit::record(
        &txn,
        now,
        actor,
        AuditAction::RequestReplied,
        Some(Target::request(r.id)),
        json!({ "reference": r.reference, "status_before": before.as_str(), "status": after.as_str() }),
    )
    .await?;
    let token = match r.proxy_registration_id {
        Some(_) => None,
        None => Some(new_link(&txn, now, r.id).await?),
    };
    tell(
        &txn,
        now,
        config,
        &r,
        "reply",
        |lang| {
            vec![
                t(lang, "email.request.reply.body").to_owned(),
                body.to_owned(),
            ]
        },
        token.as_ref(),
    )
    .await?;
    txn.commit().await?;
    Ok(r)
}

/// Staff add a note that only staff read.
pub async fn add_note(
    db: &DatabaseConnection,
    now: OffsetDateTime,
    actor: &Actor,
    id: i64,
    body: &str,
) -> Result<(), RequestError> {
    let txn = begin_write(db).await?;
    let r = get(&txn, id).await?.ok_or(RequestError::NotFound)?;
    request_message::ActiveModel {
        id: NotSet,
        request_id: Set(r.id),
        author: Set(Author::Staff.as_str().to_owned()),
        staff_id: Set(actor.staff_id),
        proxy_id: Set(None),
        internal: Set(true),
        body: Set(body.to_owned()),
        created_at: Set(now),
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        now,
        actor,
        AuditAction::RequestNoteAdded,
        Some(Target::request(r.id)),
        json!({ "reference": r.reference }),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// The staff who can take requests, by display name: active accounts whose role handles
/// requests.
pub async fn assignable<C: ConnectionTrait>(conn: &C) -> Result<Vec<(i64, String)>, DbErr> {
    let roles: Vec<&str> = crate::domain::Permission::HandleRequests
        .roles()
        .iter()
        .map(|r| r.as_str())
        .collect();
    Ok(staff_user::Entity::find()
        .filter(staff_user::Column::Role.is_in(roles))
        .filter(staff_user::Column::Active.eq(true))
        .order_by_asc(staff_user::Column::DisplayName)
        .order_by_asc(staff_user::Column::Id)
        .all(conn)
        .await?
        .into_iter()
        .map(|s| (s.id, s.display_name))
        .collect())
}

/// Gives a request to a staff member (or to nobody). A new request being taken is open.
pub async fn assign(
    db: &DatabaseConnection,
    now: OffsetDateTime,
    actor: &Actor,
    id: i64,
    to: Option<i64>,
) -> Result<Request, RequestError> {
    let txn = begin_write(db).await?;
    let r = get(&txn, id).await?.ok_or(RequestError::NotFound)?;
    if let Some(staff) = to
        && !assignable(&txn).await?.iter().any(|(id, _)| *id == staff)
    {
        return Err(RequestError::NotAssignable);
    }
    let before = r.assignee_id;
    let mut row: support_request::ActiveModel = r.clone().into();
    row.assignee_id = Set(to);
    row.updated_at = Set(now);
    if to.is_some() && status_of(&r) == RequestStatus::New {
        row.status = Set(RequestStatus::Open.as_str().to_owned());
    }
    let r = row.update(&txn).await?;
    audit::record(
        &txn,
        now,
        actor,
        AuditAction::RequestAssigned,
        Some(Target::request(r.id)),
        json!({ "reference": r.reference, "from": before, "to": to }),
    )
    .await?;
    txn.commit().await?;
    Ok(r)
}

/// Moves a request to another status. Waiting, resolved and closed owe nothing; going back
/// to new or open starts a new due time when none is running.
pub async fn set_status(
    db: &DatabaseConnection,
    now: OffsetDateTime,
    config: &Config,
    actor: &Actor,
    id: i64,
    to: RequestStatus,
) -> Result<Request, RequestError> {
    let txn = begin_write(db).await?;
    let r = get(&txn, id).await?.ok_or(RequestError::NotFound)?;
    let before = status_of(&r);
    if before == to {
        return Ok(r);
    }
    let mut row: support_request::ActiveModel = r.clone().into();
    row.status = Set(to.as_str().to_owned());
    row.updated_at = Set(now);
    if to.is_active() {
        if r.due_at.is_none() {
            row.due_at = Set(Some(due_from(&txn, config, topic_of(&r), now).await?));
        }
    } else {
        row.due_at = Set(None);
    }
    row.resolved_at = Set(match to {
        RequestStatus::Resolved => Some(now),
        RequestStatus::Closed => r.resolved_at.or(Some(now)),
        _ => None,
    });
    row.closed_at = Set((to == RequestStatus::Closed).then_some(now));
    let r = row.update(&txn).await?;
    audit::record(
        &txn,
        now,
        actor,
        AuditAction::RequestStatusChanged,
        Some(Target::request(r.id)),
        json!({ "reference": r.reference, "from": before.as_str(), "to": to.as_str() }),
    )
    .await?;
    txn.commit().await?;
    Ok(r)
}

/// Records, on the request's own history, the session booked to answer it.
pub async fn note_session_booked<C: ConnectionTrait>(
    conn: &C,
    now: OffsetDateTime,
    actor: &Actor,
    request_id: i64,
    booking_reference: &str,
) -> Result<(), DbErr> {
    audit::record(
        conn,
        now,
        actor,
        AuditAction::RequestSessionBooked,
        Some(Target::request(request_id)),
        json!({ "booking": booking_reference }),
    )
    .await
}

/// Who a request is with, for the queue's filter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Assignee {
    /// Anyone or no one.
    #[default]
    Any,
    /// No one yet.
    Nobody,
    /// This staff member.
    Staff(i64),
}

/// Which requests the queue shows.
#[derive(Debug, Clone, Default)]
pub struct QueueFilter {
    /// Only these statuses; empty means new, open and waiting.
    pub statuses: Vec<RequestStatus>,
    /// Only this topic.
    pub topic: Option<Topic>,
    /// Only this reply channel.
    pub channel: Option<ReplyChannel>,
    /// Whose they are.
    pub assignee: Assignee,
    /// Only requests sent at least this many days ago.
    pub older_than_days: Option<i64>,
    /// Only requests past their target.
    pub overdue_only: bool,
    /// Only requests the customer wrote again on after an answer, not yet answered again.
    pub wrote_again_only: bool,
}

/// The statuses shown when the filter names none: everything not yet done.
pub const NOT_DONE: [RequestStatus; 3] = [
    RequestStatus::New,
    RequestStatus::Open,
    RequestStatus::Waiting,
];

/// One page of the queue.
#[derive(Debug, Clone)]
pub struct QueuePage {
    /// The requests on this page.
    pub rows: Vec<Request>,
    /// How many match in all.
    pub total: u64,
    /// The page shown, from 1.
    pub page: u64,
    /// How many pages there are.
    pub pages: u64,
}

/// Requests on one page of the queue.
pub const QUEUE_PAGE_SIZE: u64 = 50;

/// Reads one page of the queue: late ones first, then by due time, then the oldest.
pub async fn queue<C: ConnectionTrait>(
    conn: &C,
    now: OffsetDateTime,
    filter: &QueueFilter,
    page: u64,
) -> Result<QueuePage, DbErr> {
    let statuses: Vec<&str> = if filter.statuses.is_empty() {
        NOT_DONE.iter().map(|s| s.as_str()).collect()
    } else {
        filter.statuses.iter().map(|s| s.as_str()).collect()
    };
    let mut query =
        support_request::Entity::find().filter(support_request::Column::Status.is_in(statuses));
    if let Some(topic) = filter.topic {
        query = query.filter(support_request::Column::Topic.eq(topic.as_str()));
    }
    if let Some(channel) = filter.channel {
        query = query.filter(support_request::Column::Channel.eq(channel.as_str()));
    }
    query = match filter.assignee {
        Assignee::Any => query,
        Assignee::Nobody => query.filter(support_request::Column::AssigneeId.is_null()),
        Assignee::Staff(id) => query.filter(support_request::Column::AssigneeId.eq(id)),
    };
    if let Some(days) = filter.older_than_days {
        query = query.filter(support_request::Column::CreatedAt.lte(now - Duration::days(days)));
    }
    if filter.overdue_only {
        query = query.filter(overdue_condition(now));
    }
    if filter.wrote_again_only {
        query = query.filter(wrote_again_condition());
    }
    // Counted without the order, which only the page needs.
    let total = query.clone().count(conn).await?;
    let pages = total.div_ceil(QUEUE_PAGE_SIZE).max(1);
    let page = page.clamp(1, pages);
    // Nulls (nothing owed) after every due time, on both databases; the same expression as
    // the `idx_support_requests_queue` index, so the page is read in index order.
    let rows = query
        .order_by_asc(Expr::cust("CASE WHEN due_at IS NULL THEN 1 ELSE 0 END"))
        .order_by_asc(support_request::Column::DueAt)
        .order_by_asc(support_request::Column::CreatedAt)
        .order_by_asc(support_request::Column::Id)
        .offset((page - 1) * QUEUE_PAGE_SIZE)
        .limit(QUEUE_PAGE_SIZE)
        .all(conn)
        .await?;
    Ok(QueuePage {
        rows,
        total,
        page,
        pages,
    })
}

/// Whether the customer wrote again after an answer and has not been answered since: a
/// request open again once staff had replied (a reply makes it waiting).
pub fn wrote_again(r: &Request) -> bool {
    status_of(r) == RequestStatus::Open && r.first_reply_at.is_some()
}

fn wrote_again_condition() -> Condition {
    Condition::all()
        .add(support_request::Column::Status.eq(RequestStatus::Open.as_str()))
        .add(support_request::Column::FirstReplyAt.is_not_null())
}

fn overdue_condition(now: OffsetDateTime) -> Condition {
    Condition::all()
        .add(
            support_request::Column::Status
                .is_in([RequestStatus::New.as_str(), RequestStatus::Open.as_str()]),
        )
        .add(support_request::Column::DueAt.lte(now))
}

/// The counts the dashboard shows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// Requests nobody has looked at yet.
    pub new: u64,
    /// Requests past their response-time target.
    pub overdue: u64,
    /// Requests the customer wrote again on, waiting for another answer.
    pub wrote_again: u64,
}

/// Counts new and overdue requests.
pub async fn counts<C: ConnectionTrait>(conn: &C, now: OffsetDateTime) -> Result<Counts, DbErr> {
    let new = support_request::Entity::find()
        .filter(support_request::Column::Status.eq(RequestStatus::New.as_str()))
        .count(conn)
        .await?;
    let overdue = support_request::Entity::find()
        .filter(overdue_condition(now))
        .count(conn)
        .await?;
    let wrote_again = support_request::Entity::find()
        .filter(wrote_again_condition())
        .count(conn)
        .await?;
    Ok(Counts {
        new,
        overdue,
        wrote_again,
    })
}

/// How many requests stand in each status.
pub async fn status_counts<C: ConnectionTrait>(
    conn: &C,
) -> Result<BTreeMap<RequestStatus, u64>, DbErr> {
    let rows: Vec<(String, i64)> = support_request::Entity::find()
        .select_only()
        .column(support_request::Column::Status)
        .column_as(support_request::Column::Id.count(), "n")
        .group_by(support_request::Column::Status)
        .into_tuple()
        .all(conn)
        .await?;
    let mut out: BTreeMap<RequestStatus, u64> =
        RequestStatus::ALL.iter().map(|s| (*s, 0)).collect();
    for (status, n) in rows {
        if let Some(s) = RequestStatus::parse(&status) {
            out.insert(s, n.max(0) as u64);
        }
    }
    Ok(out)
}
