//! What the customer of a session is told, and by whom: the email about a booking, a move,
//! a cancellation or a reminder, with its calendar file and (when asked) a fresh manage
//! link — to the proxy who booked it while their registration lets them act, with a copy to
//! the customer, or else to the customer alone.

use super::manage::new_link;
use super::{Booking, joining};
use crate::config::{Config, mail_domain};
use crate::domain::request::Topic;
use crate::domain::{Lang, Token};
use crate::i18n::{self, format_session_time, mode_name};
use crate::mail::ics::{CalendarEvent, Method};
use crate::mail::outbox::{Attachment, OutgoingEmail};
use crate::mail::templates::{self, SessionEmail, SessionFacts};
use crate::paths;
use crate::services::calendar::InterpreterCard;
use crate::services::proxy_handover::{self, Correspondent};
use crate::services::settings::DeskSettings;
use sea_orm::{ConnectionTrait, DbErr};
use time::OffsetDateTime;

/// Writes the emails about a session into the outbox, with its calendar file, and, when
/// `with_link`, a fresh manage link for whoever manages the session; gives back that link's
/// token (none when nobody could be written to).
///
/// A session a proxy booked is the proxy's to manage while their registration lets them
/// act: the email goes to them, saying whom it is for, and a copy (without the manage
/// link) to the customer when she gave an address. Once the registration has ended or
/// expired the session is the customer's: the email goes to her alone, with a link of her
/// own, and the proxy is told nothing more.
pub(in crate::services) async fn tell_customer<C: ConnectionTrait>(
    conn: &C,
    now: OffsetDateTime,
    config: &Config,
    about: &AboutSession<'_>,
    which: SessionEmail,
    with_link: bool,
) -> Result<Option<Token>, DbErr> {
    let b = about.booking;
    let lang = b.lang;
    let link = |token: &Token| config.link(&paths::booking::manage(token.expose()));
    match proxy_handover::correspondent(conn, now, b.proxy_registration_id).await? {
        None => {
            let token = match with_link {
                true => Some(new_link(conn, now, b.id, None).await?),
                false => None,
            };
            let url = token.as_ref().map(link);
            let letter = Letter {
                to: &b.email,
                greeting: &b.customer_name,
                note: None,
                aside: None,
                manage_link: url.as_deref(),
                own_thread: true,
            };
            send_session_email(conn, now, config, about, which, lang, &letter).await?;
            Ok(token)
        }
        Some(Correspondent::Proxy(r)) => {
            let token = match with_link {
                true => Some(new_link(conn, now, b.id, Some(r.id)).await?),
                false => None,
            };
            let url = token.as_ref().map(link);
            let for_customer = i18n::tf(
                lang,
                "email.session.for_customer",
                &[("customer", &b.customer_name)],
            );
            let to_proxy = Letter {
                to: &b.email,
                greeting: &r.proxy_full_name,
                note: Some(&for_customer),
                aside: None,
                manage_link: url.as_deref(),
                own_thread: true,
            };
            send_session_email(conn, now, config, about, which, lang, &to_proxy).await?;
            if let Some(copy) = b.copy_email.as_deref() {
                let lang = proxy_handover::customer_lang(&r);
                let by_proxy = i18n::tf(
                    lang,
                    "email.session.by_proxy",
                    &[("proxy", &r.proxy_full_name)],
                );
                let not_wanted = proxy_handover::not_wanted(config, &r);
                let to_customer = Letter {
                    to: copy,
                    greeting: &b.customer_name,
                    note: Some(&by_proxy),
                    aside: Some(&not_wanted),
                    manage_link: None,
                    own_thread: false,
                };
                send_session_email(conn, now, config, about, which, lang, &to_customer).await?;
            }
            Ok(token)
        }
        Some(Correspondent::Customer(r)) => {
            let Some(address) = proxy_handover::customer_email(&r) else {
                // Nobody to write to: staff see on the session's page how to reach her.
                return Ok(None);
            };
            let token = match with_link {
                true => Some(new_link(conn, now, b.id, None).await?),
                false => None,
            };
            let url = token.as_ref().map(link);
            let lang = proxy_handover::customer_lang(&r);
            let handed = i18n::tf(
                lang,
                "email.session.proxy_ended",
                &[("proxy", &r.proxy_full_name)],
            );
            let to_customer = Letter {
                to: address.as_str(),
                greeting: &b.customer_name,
                note: Some(&handed),
                aside: None,
                manage_link: url.as_deref(),
                own_thread: true,
            };
            send_session_email(conn, now, config, about, which, lang, &to_customer).await?;
            Ok(token)
        }
    }
}

/// The session an email is about: the booking, what the customer is told of its
/// interpreter, and the desk's settings that say how to join it.
#[derive(Clone, Copy)]
pub(in crate::services) struct AboutSession<'a> {
    /// The desk's settings, which say how to join.
    pub desk: &'a DeskSettings,
    /// The booking.
    pub booking: &'a Booking,
    /// Its interpreter, as the customer sees them.
    pub card: &'a InterpreterCard,
}

/// One email about a session: to whom, how it greets them, a line saying whom the session
/// is for or who booked it, a last paragraph for a copy, the manage link if this reader
/// gets it, and whether its way back is the thread of the request the session answers (the
/// customer's copy of a proxy's booking is not: the proxy follows that thread in their
/// portal).
struct Letter<'a> {
    to: &'a str,
    greeting: &'a str,
    note: Option<&'a str>,
    aside: Option<&'a str>,
    manage_link: Option<&'a str>,
    own_thread: bool,
}

async fn send_session_email<C: ConnectionTrait>(
    conn: &C,
    now: OffsetDateTime,
    config: &Config,
    about: &AboutSession<'_>,
    which: SessionEmail,
    lang: Lang,
    letter: &Letter<'_>,
) -> Result<(), DbErr> {
    let AboutSession {
        desk,
        booking: b,
        card,
    } = *about;
    let Ok(recipient) = crate::domain::Email::parse(letter.to) else {
        return Ok(());
    };
    let mode = b.mode;
    let interpreter = &card.display_name;
    let joining = joining(desk, b);
    let tz = config.timezone;
    let when = format_session_time(lang, b.starts_at, b.ends_at, tz);
    let thread = match b.request_id {
        Some(id) if letter.own_thread => {
            crate::services::requests::thread::thread_link_for_email(conn, now, config, id).await?
        }
        _ => None,
    };
    let way_back = crate::services::contact::way_back(conn, config, thread).await?;
    let card_stop = if b.topic == Topic::LostStolen {
        Some(
            crate::services::contact::load(conn, config)
                .await?
                .card_stop,
        )
    } else {
        None
    };
    let language_note = match which {
        SessionEmail::Cancelled => None,
        _ => language_note(conn, lang, b, card).await?,
    };
    let facts = SessionFacts {
        reference: &b.reference,
        greeting_name: letter.greeting,
        note: letter.note,
        aside: letter.aside,
        mode_name: mode_name(lang, mode),
        when: &when,
        interpreter,
        joining: &joining,
        manage_link: letter.manage_link,
        language_note: language_note.as_deref(),
        lost_card: card_stop.as_ref(),
        way_back: &way_back,
    };
    let message = templates::session(lang, which, &facts);
    let host = mail_domain(&config.base_url);
    let mut description = vec![
        i18n::tf(lang, "email.reference", &[("reference", &b.reference)]),
        i18n::tf(lang, "email.session.interpreter", &[("name", interpreter)]),
    ];
    if let Some(url) = joining.address() {
        description.push(url.to_owned());
    }
    if let Some(link) = letter.manage_link {
        description.push(format!("{}: {link}", i18n::t(lang, "email.session.manage")));
    }
    let event = CalendarEvent {
        uid: format!("{}@{host}", b.reference),
        sequence: b.sequence.max(0) as u32,
        stamp: now,
        start: b.starts_at,
        end: b.ends_at,
        summary: format!("{} ({})", mode_name(lang, mode), i18n::t(lang, "site.name")),
        description: description.join("\n"),
        location: joining.address().map(str::to_owned),
        method: if which == SessionEmail::Cancelled {
            Method::Cancel
        } else {
            Method::Request
        },
        organizer: crate::mail::transport::parse_mailbox(&config.mail_from)
            .ok()
            .map(|m| m.email.to_string()),
        attendee: Some(recipient.as_str().to_owned()),
    };
    crate::mail::enqueue(
        conn,
        now,
        &host,
        OutgoingEmail {
            kind: which.kind(),
            recipient,
            lang,
            message,
            attachments: vec![Attachment {
                filename: format!("{}.ics", b.reference),
                content_type: event.content_type().to_owned(),
                content: event.render(),
            }],
        },
    )
    .await?;
    Ok(())
}

/// What the customer is told when the interpreter of their session does not sign the
/// language they asked for: plainly, and what the desk does next.
pub async fn language_note<C: ConnectionTrait>(
    conn: &C,
    lang: Lang,
    b: &Booking,
    card: &InterpreterCard,
) -> Result<Option<String>, DbErr> {
    let signs = crate::services::interpreters::sign_languages_of(conn, &[b.interpreter_id])
        .await?
        .remove(&b.interpreter_id)
        .unwrap_or_default();
    Ok(
        match crate::domain::qualification::language_fit(b.sign_language.as_deref(), &signs) {
            crate::domain::LanguageFit::Lacks(language) => Some(i18n::tf(
                lang,
                "email.session.language_lacking",
                &[
                    (
                        "language",
                        i18n::t(lang, &format!("sign_language.{}", language.as_str())),
                    ),
                    ("name", &card.display_name),
                ],
            )),
            _ => None,
        },
    )
}
