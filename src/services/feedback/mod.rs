//! The voice of the customer. When a session ends, a request is first resolved or a proxy
//! registration is approved, the customer (or the proxy acting for them) is asked once, by
//! email and on the contact's own page, how easy it was; anyone may also write at any time
//! on the open form. Staff triage what comes in ([`triage`]), gather it into improvement
//! cases, and see its measures. Answering is never a condition of anything.
//!
//! This module holds what a contact is and the asking; [`answer`] takes the answers.

pub mod answer;
pub mod digest;
pub mod measures;
pub mod themes;
pub mod triage;

use crate::config::Config;
use crate::domain::booking::BookingStatus;
use crate::domain::feedback::Channel;
use crate::domain::proxy::RegistrationStatus;
use crate::domain::{Email, Lang, Token};
use crate::entities::{feedback, feedback_invitation, feedback_link, staff_user};
use crate::i18n::{format_datetime, tf};
use crate::mail::{self, templates};
use crate::paths;
use crate::services::incidents::measures::{Identity, in_force};
use crate::services::proxy_handover::{self, Correspondent};
use crate::services::{booking, proxies, requests};
use sea_orm::{
    ActiveModelTrait,
    ActiveValue::{NotSet, Set},
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QuerySelect,
};
use time::OffsetDateTime;

/// Feedback as stored.
pub type Feedback = feedback::Model;
/// An invitation as stored.
pub type Invitation = feedback_invitation::Model;

/// One contact the customer can be asked about, as it stands.
#[derive(Debug, Clone)]
pub struct Contact {
    /// A session's mode, a request, or a registration.
    pub channel: Channel,
    /// The booking's, request's or registration's id.
    pub id: i64,
    /// Its reference, as the customer knows it.
    pub reference: String,
    /// The staff member the customer dealt with, when one is known.
    pub staff_user_id: Option<i64>,
    /// The customer's language.
    pub lang: Lang,
    /// Who the customer is, to tell whether a measure was in force.
    pub who: Identity,
    /// Whom to write to, when anyone: the address, the greeting and the language.
    pub addressee: Option<(Email, String, Lang)>,
    /// The customer's name, for a request opened to answer a complaint.
    pub customer_name: String,
    /// What the contact was, in a sentence of the reader's language.
    about: About,
}

#[derive(Debug, Clone)]
enum About {
    Session(OffsetDateTime),
    Request,
    Registration(String),
}

impl Contact {
    /// The sentence that says which contact the feedback is about.
    pub fn about(&self, lang: Lang, config: &Config) -> String {
        let reference = self.reference.as_str();
        match &self.about {
            About::Session(at) => {
                let at = format_datetime(lang, *at, config.timezone);
                tf(
                    lang,
                    "feedback.about.session",
                    &[("when", &at), ("reference", reference)],
                )
            }
            About::Request => tf(lang, "feedback.about.request", &[("reference", reference)]),
            About::Registration(customer) => tf(
                lang,
                "feedback.about.registration",
                &[("customer", customer), ("reference", reference)],
            ),
        }
    }
}

/// Whom to write to about something made under `registration_id`: the contact's own
/// address while no proxy made it or while the proxy may act (greeting the proxy), or else
/// the customer's own, when she gave one.
async fn addressee<C: ConnectionTrait>(
    conn: &C,
    now: OffsetDateTime,
    own: Option<&str>,
    name: &str,
    lang: Lang,
    registration_id: Option<i64>,
) -> Result<Option<(Email, String, Lang)>, DbErr> {
    let own = own.and_then(|a| Email::parse(a).ok());
    Ok(
        match proxy_handover::correspondent(conn, now, registration_id).await? {
            None => own.map(|a| (a, name.to_owned(), lang)),
            Some(Correspondent::Proxy(p)) => own.map(|a| (a, p.proxy_full_name.clone(), lang)),
            Some(Correspondent::Customer(p)) => proxy_handover::customer_email(&p)
                .map(|a| (a, name.to_owned(), proxy_handover::customer_lang(&p))),
        },
    )
}

/// The contact `channel` and `id` name, when it can be asked about at `now`: a session
/// that has ended (not cancelled), a request once resolved, a registration once approved.
pub async fn contact<C: ConnectionTrait>(
    conn: &C,
    now: OffsetDateTime,
    channel: Channel,
    id: i64,
) -> Result<Option<Contact>, DbErr> {
    match channel {
        Channel::SignLanguage | Channel::WrittenChat => {
            let Some(b) = booking::get(conn, id).await? else {
                return Ok(None);
            };
            let ended = b.ends_at <= now || b.chat_closed_at.is_some();
            if b.status == BookingStatus::Cancelled
                || !ended
                || Channel::of_session(b.mode) != channel
            {
                return Ok(None);
            }
            let addressee = addressee(
                conn,
                now,
                Some(&b.email),
                &b.customer_name,
                b.lang,
                b.proxy_registration_id,
            )
            .await?;
            Ok(Some(Contact {
                channel,
                id,
                reference: b.reference.clone(),
                staff_user_id: Some(b.interpreter_id),
                lang: b.lang,
                who: Identity::Customer {
                    email: Some(b.email.clone()),
                    member_number: b.member_number.clone(),
                },
                addressee,
                customer_name: b.customer_name.clone(),
                about: About::Session(b.starts_at),
            }))
        }
        Channel::Request => {
            let Some(r) = requests::get(conn, id).await? else {
                return Ok(None);
            };
            if r.first_resolved_at.is_none() {
                return Ok(None);
            }
            let addressee = addressee(
                conn,
                now,
                r.email.as_deref(),
                &r.customer_name,
                r.lang,
                r.proxy_registration_id,
            )
            .await?;
            Ok(Some(Contact {
                channel,
                id,
                reference: r.reference.clone(),
                staff_user_id: r.assignee_id,
                lang: r.lang,
                who: Identity::Customer {
                    email: r.email.clone(),
                    member_number: r.member_number.clone(),
                },
                addressee,
                customer_name: r.customer_name.clone(),
                about: About::Request,
            }))
        }
        Channel::Proxy => {
            let Some(r) = proxies::get(conn, id).await? else {
                return Ok(None);
            };
            let approved = r.decided_at.is_some()
                && !matches!(
                    r.status,
                    RegistrationStatus::Rejected
                        | RegistrationStatus::Submitted
                        | RegistrationStatus::UnderReview
                );
            if !approved {
                return Ok(None);
            }
            Ok(Some(Contact {
                channel,
                id,
                reference: r.reference.clone(),
                staff_user_id: None,
                lang: r.lang,
                who: match r.proxy_account_id {
                    Some(account) => Identity::Proxy(account),
                    None => Identity::Customer {
                        email: Some(r.proxy_email.clone()),
                        member_number: None,
                    },
                },
                addressee: Email::parse(&r.proxy_email)
                    .ok()
                    .map(|a| (a, r.proxy_full_name.clone(), r.lang)),
                customer_name: r.proxy_full_name.clone(),
                about: About::Registration(r.principal_full_name.clone()),
            }))
        }
        Channel::General => Ok(None),
    }
}

/// The invitation for a contact, when it was asked about.
pub async fn invitation<C: ConnectionTrait>(
    conn: &C,
    channel: Channel,
    id: i64,
) -> Result<Option<Invitation>, DbErr> {
    feedback_invitation::Entity::find()
        .filter(feedback_invitation::Column::Channel.eq(channel))
        .filter(feedback_invitation::Column::ContactId.eq(id))
        .one(conn)
        .await
}

/// The invitation for a contact, written now if it was never asked about (a contact from
/// before the desk asked, reached from its page).
pub async fn invitation_for<C: ConnectionTrait>(
    conn: &C,
    now: OffsetDateTime,
    contact: &Contact,
) -> Result<Invitation, DbErr> {
    if let Some(found) = invitation(conn, contact.channel, contact.id).await? {
        return Ok(found);
    }
    let under_measure = !in_force(conn, now, &contact.who).await?.is_empty();
    feedback_invitation::ActiveModel {
        id: NotSet,
        channel: Set(contact.channel),
        contact_id: Set(contact.id),
        staff_user_id: Set(contact.staff_user_id),
        lang: Set(contact.lang),
        under_measure: Set(under_measure),
        created_at: Set(now),
        answered_at: Set(None),
    }
    .insert(conn)
    .await
}

/// Whether a contact's page should offer the form: it can be asked about and has not been
/// answered.
pub async fn offered<C: ConnectionTrait>(
    conn: &C,
    now: OffsetDateTime,
    channel: Channel,
    id: i64,
) -> Result<bool, DbErr> {
    if contact(conn, now, channel, id).await?.is_none() {
        return Ok(false);
    }
    Ok(invitation(conn, channel, id)
        .await?
        .is_none_or(|i| i.answered_at.is_none()))
}

/// Asks about a contact, once: the invitation is written and the customer (or the proxy
/// acting for them) emailed a link to the form. Nothing when it was asked before, when it
/// cannot be asked about, or (the invitation kept, for the page) when there is nobody to
/// write to. `staff` names the staff member who dealt with it when the contact does not.
pub async fn ask<C: ConnectionTrait>(
    conn: &C,
    now: OffsetDateTime,
    config: &Config,
    channel: Channel,
    id: i64,
    staff: Option<i64>,
) -> Result<(), DbErr> {
    if invitation(conn, channel, id).await?.is_some() {
        return Ok(());
    }
    let Some(mut contact) = contact(conn, now, channel, id).await? else {
        return Ok(());
    };
    contact.staff_user_id = contact.staff_user_id.or(staff);
    let invitation = invitation_for(conn, now, &contact).await?;
    let Some((to, greeting, lang)) = contact.addressee.clone() else {
        return Ok(());
    };
    let token = new_link(conn, now, invitation.id).await?;
    let link = config.link(&paths::feedback::by_link(token.expose()));
    let back = crate::services::contact::way_back(conn, config, None).await?;
    let message = templates::feedback_invitation(
        lang,
        &greeting,
        Some(&contact.reference),
        contact.about(lang, config),
        link,
        back,
    );
    mail::enqueue_plain(conn, now, &config.base_url, "feedback", to, lang, message).await?;
    Ok(())
}

/// Writes a new link to an invitation's form; only its hash is kept.
async fn new_link<C: ConnectionTrait>(
    conn: &C,
    now: OffsetDateTime,
    invitation_id: i64,
) -> Result<Token, DbErr> {
    let token = Token::generate();
    feedback_link::Entity::insert(feedback_link::ActiveModel {
        token_hash: Set(token.hash()),
        invitation_id: Set(invitation_id),
        created_at: Set(now),
    })
    .exec_without_returning(conn)
    .await?;
    Ok(token)
}

/// The invitation a link opens.
pub async fn by_link<C: ConnectionTrait>(
    conn: &C,
    token: &str,
) -> Result<Option<Invitation>, DbErr> {
    let Some(token) = Token::from_presented(token) else {
        return Ok(None);
    };
    let Some(link) = feedback_link::Entity::find_by_id(token.hash())
        .one(conn)
        .await?
    else {
        return Ok(None);
    };
    feedback_invitation::Entity::find_by_id(link.invitation_id)
        .one(conn)
        .await
}

/// The display name of the staff member a contact names, as the customer may see it.
pub async fn display_name<C: ConnectionTrait>(
    conn: &C,
    staff_user_id: Option<i64>,
) -> Result<Option<String>, DbErr> {
    let Some(id) = staff_user_id else {
        return Ok(None);
    };
    Ok(staff_user::Entity::find_by_id(id)
        .one(conn)
        .await?
        .map(|s| s.display_name))
}

/// Asks about every session that has ended since `since` and was never asked about: the
/// minute job's part, for sessions nobody ended by hand, each in a transaction of its own.
/// Returns how many were asked.
pub async fn ask_about_ended_sessions(
    db: &sea_orm::DatabaseConnection,
    now: OffsetDateTime,
    config: &Config,
    since: OffsetDateTime,
) -> Result<usize, DbErr> {
    use crate::entities::booking as b;
    use sea_orm::sea_query::{Expr, ExprTrait, Query};
    let asked = Query::select()
        .column(feedback_invitation::Column::ContactId)
        .from(feedback_invitation::Entity)
        .and_where(Expr::col(feedback_invitation::Column::Channel).is_in([
            Channel::SignLanguage.as_str(),
            Channel::WrittenChat.as_str(),
        ]))
        .to_owned();
    let ended: Vec<(i64, crate::domain::schedule::SessionMode)> = b::Entity::find()
        .select_only()
        .column(b::Column::Id)
        .column(b::Column::Mode)
        .filter(
            b::Column::Status.is_not_in([BookingStatus::Cancelled, BookingStatus::NoShowCustomer]),
        )
        .filter(b::Column::EndsAt.lte(now))
        .filter(b::Column::EndsAt.gt(since))
        .filter(b::Column::Id.not_in_subquery(asked))
        .into_tuple()
        .all(db)
        .await?;
    for (id, mode) in &ended {
        let txn = crate::db::begin_write(db).await?;
        ask(&txn, now, config, Channel::of_session(*mode), *id, None).await?;
        txn.commit().await?;
    }
    Ok(ended.len())
}
