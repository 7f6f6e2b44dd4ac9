//! Support requests: a customer (or a proxy for them) tells the desk what they need and how
//! they want the answer; staff see every request in one queue, answer it, note what only
//! staff should read, and keep to a response-time target counted in the desk's opening
//! hours. The customer follows the thread by a link that needs no account; a proxy follows
//! it in their portal. Every change writes its audit row, and every email, in the same
//! transaction.
//!
//! This module holds what every use-case reads: the request as stored, when its answer is
//! due, and the one way its emails are written. The use-cases live by what they serve:
//! [`submit`] (a request arrives), [`thread`] (the conversation the customer follows, and
//! their messages), [`staff`] (replies, notes, assignment and status) and [`queue`] (the
//! staff queue, its filters and counts).

pub mod queue;
pub mod staff;
pub mod submit;
pub mod thread;

use crate::config::Config;
use crate::domain::request::{Author, Topic, after_working_minutes};
use crate::domain::{Email, Lang, Token};
use crate::entities::{request_link, request_message, support_request};
use crate::i18n::{t, tf};
use crate::mail::{self, templates};
use crate::paths;
use crate::services::proxy_handover::{self, Correspondent};
use sea_orm::{
    ActiveModelTrait,
    ActiveValue::{NotSet, Set},
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter,
};
use time::{Duration, OffsetDateTime};

/// A request as stored.
pub type Request = support_request::Model;

/// One message of a request's thread, as stored.
pub type Message = request_message::Model;

/// How long after a request is closed its link still opens the thread.
pub const LINK_KEPT_AFTER_CLOSE: Duration = Duration::days(30);

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

/// When the desk's reply to a request on `topic` is due, counted from `from`.
async fn due_from<C: ConnectionTrait>(
    conn: &C,
    config: &Config,
    topic: Topic,
    from: OffsetDateTime,
) -> Result<OffsetDateTime, DbErr> {
    let desk = super::settings::load(conn).await?;
    let minutes = super::settings::response_times::load(conn)
        .await?
        .minutes(topic);
    Ok(after_working_minutes(
        from,
        minutes,
        config.timezone,
        |day| desk.opening_on(day),
    ))
}

/// Whether the desk owes a reply that is late now.
pub fn overdue(r: &Request, now: OffsetDateTime) -> bool {
    r.status.is_active() && r.due_at.is_some_and(|due| due <= now)
}

fn lang_of(r: &Request) -> Lang {
    r.lang
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

/// Who writes a message of a thread.
#[derive(Debug, Clone, Copy)]
enum Writer {
    /// The customer, or the proxy (named) who sent the request for her.
    Sender { proxy_id: Option<i64> },
    /// A staff member; an internal note only staff read.
    Staff {
        staff_id: Option<i64>,
        internal: bool,
    },
}

/// Adds a message to a request's thread.
async fn add_message<C: ConnectionTrait>(
    conn: &C,
    now: OffsetDateTime,
    request_id: i64,
    writer: Writer,
    body: &str,
) -> Result<(), DbErr> {
    let (author, staff_id, proxy_id, internal) = match writer {
        Writer::Sender { proxy_id: None } => (Author::Customer, None, None, false),
        Writer::Sender { proxy_id } => (Author::Proxy, None, proxy_id, false),
        Writer::Staff { staff_id, internal } => (Author::Staff, staff_id, None, internal),
    };
    request_message::ActiveModel {
        id: NotSet,
        request_id: Set(request_id),
        author: Set(author),
        staff_id: Set(staff_id),
        proxy_id: Set(proxy_id),
        internal: Set(internal),
        body: Set(body.to_owned()),
        created_at: Set(now),
    }
    .insert(conn)
    .await?;
    Ok(())
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
    let thread = |token: &Token| config.link(&paths::requests::thread(token.expose()));
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
                Some(config.link(&paths::proxy::request(p.id, r.id))),
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
    let back = crate::services::contact::way_back(conn, config, url.clone()).await?;
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
