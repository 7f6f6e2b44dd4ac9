//! The emails: one layout with an HTML part and a plain-text part, short and plain, in the
//! recipient's language, with the reference number near the top when there is one, and
//! ending with the way back to the desk in writing.

use crate::domain::{CardStop, DeskContact, Joining, Lang};
use crate::i18n::{t, tf};
use maud::{DOCTYPE, Markup, html};

/// How the reader of an email writes back to the desk: every email ends with it, so none
/// can leave its reader without a written route.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WayBack {
    /// The page to write on: the thread the email belongs to, or the form for a new request.
    pub link: String,
    /// Whether `link` is the thread of a request (rather than the form for a new one).
    pub thread: bool,
    /// The desk's other written ways in, each shown when set; with an email address,
    /// replies to the email reach the desk.
    pub desk: DeskContact,
}

/// What an email says, before it is laid out. There is no default: every email names its
/// way back.
#[derive(Debug, Clone)]
pub struct EmailContent {
    /// The subject line.
    pub subject: String,
    /// The first line, such as "Hello Sato".
    pub greeting: String,
    /// A reference number to quote, if any.
    pub reference: Option<String>,
    /// Paragraphs before the action.
    pub before: Vec<String>,
    /// A link to follow: its label and address.
    pub action: Option<(String, String)>,
    /// More links, one a line after the action: each a label and an address.
    pub links: Vec<(String, String)>,
    /// Paragraphs after the action.
    pub after: Vec<String>,
    /// How the reader writes back; the layout ends both parts with it.
    pub way_back: WayBack,
}

/// An email ready for the outbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    /// The subject line.
    pub subject: String,
    /// The plain-text part.
    pub text: String,
    /// The HTML part.
    pub html: String,
}

/// Lays out an email in both parts.
pub fn render(lang: Lang, content: &EmailContent) -> Rendered {
    let site = t(lang, "site.name");
    let reference = content
        .reference
        .as_ref()
        .map(|r| tf(lang, "email.reference", &[("reference", r)]));

    let mut text = String::new();
    if let Some(reference) = &reference {
        text.push_str(reference);
        text.push_str("\n\n");
    }
    text.push_str(&content.greeting);
    text.push_str("\n\n");
    for paragraph in &content.before {
        text.push_str(paragraph);
        text.push_str("\n\n");
    }
    if let Some((label, url)) = &content.action {
        text.push_str(label);
        text.push_str(":\n");
        text.push_str(url);
        text.push_str("\n\n");
    }
    for (label, url) in &content.links {
        text.push_str(label);
        text.push_str(":\n");
        text.push_str(url);
        text.push_str("\n\n");
    }
    for paragraph in &content.after {
        text.push_str(paragraph);
        text.push_str("\n\n");
    }
    text.push_str("-- \n");
    text.push_str(site);
    text.push('\n');
    text.push_str(&way_back_text(lang, &content.way_back));

    let body = html! {
        (DOCTYPE)
        html lang=(lang.code()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (content.subject) }
            }
            body style="margin:0;padding:16px;background:#ffffff;color:#0b0c0c;font-family:sans-serif;font-size:19px;line-height:1.6" {
                div style="max-width:600px" {
                    p style="margin:0 0 16px;font-weight:bold;color:#0b4f6c" { (site) }
                    @if let Some(reference) = &reference {
                        p style="margin:0 0 16px;padding:8px 12px;border-left:5px solid #0b4f6c;background:#f3f2f1;font-weight:bold" { (reference) }
                    }
                    p style="margin:0 0 16px" { (content.greeting) }
                    @for paragraph in &content.before { p style="margin:0 0 16px" { (paragraph) } }
                    @if let Some((label, url)) = &content.action {
                        p style="margin:0 0 16px" {
                            a href=(url) style="color:#1a56a8;font-weight:bold" { (label) }
                        }
                        p style="margin:0 0 16px;font-size:16px;color:#484949;word-break:break-all" { (url) }
                    }
                    @for (label, url) in &content.links {
                        p style="margin:0 0 16px" {
                            a href=(url) style="color:#1a56a8;font-weight:bold" { (label) }
                            br;
                            span style="font-size:16px;color:#484949;word-break:break-all" { (url) }
                        }
                    }
                    @for paragraph in &content.after { p style="margin:0 0 16px" { (paragraph) } }
                    hr style="border:0;border-top:1px solid #b1b4b6";
                    (way_back_html(lang, &content.way_back))
                }
            }
        }
    };
    Rendered {
        subject: content.subject.clone(),
        text,
        html: body.into_string(),
    }
}

/// The way back, as the plain-text part ends.
fn way_back_text(lang: Lang, way: &WayBack) -> String {
    let mut out = String::new();
    let mut line = |s: &str| {
        out.push_str(s);
        out.push('\n');
    };
    line(t(lang, way_back_key(way)));
    line(&way.link);
    line(t(lang, reply_key(&way.desk)));
    if let Some(fax) = &way.desk.fax {
        line(&tf(lang, "email.way_back.fax", &[("fax", fax)]));
    }
    if let Some(address) = &way.desk.postal_address {
        line(t(lang, "email.way_back.post"));
        for part in address.lines() {
            line(&format!("  {part}"));
        }
    }
    line(t(lang, "email.way_back.sent_by"));
    out
}

/// The way back, as the HTML part ends.
fn way_back_html(lang: Lang, way: &WayBack) -> Markup {
    let small = "margin:0 0 8px;font-size:16px;color:#484949";
    html! {
        p style=(small) {
            (t(lang, way_back_key(way))) br;
            a href=(way.link) style="color:#1a56a8;font-weight:bold;word-break:break-all" { (way.link) }
        }
        p style=(small) { (t(lang, reply_key(&way.desk))) }
        @if let Some(fax) = &way.desk.fax {
            p style=(small) { (tf(lang, "email.way_back.fax", &[("fax", fax)])) }
        }
        @if let Some(address) = &way.desk.postal_address {
            p style=(small) {
                (t(lang, "email.way_back.post"))
                @for part in address.lines() { br; (part) }
            }
        }
        p style=(small) { (t(lang, "email.way_back.sent_by")) }
    }
}

fn way_back_key(way: &WayBack) -> &'static str {
    if way.thread {
        "email.way_back.thread"
    } else {
        "email.way_back.new"
    }
}

/// Whether replies reach anyone: only when the desk has an email address of its own.
fn reply_key(desk: &DeskContact) -> &'static str {
    if desk.email.is_some() {
        "email.way_back.reply"
    } else {
        "email.way_back.no_reply"
    }
}

/// What an email about a lost or stolen card says first: a request or a session is not the
/// way to stop a card, and how to stop it at any hour, the 24-hour line reached through the
/// public telephone relay service by anyone who cannot phone.
pub fn card_stop_paragraphs(lang: Lang, stop: &CardStop) -> Vec<String> {
    let mut out = vec![t(lang, "lost.stop.email_first").to_owned()];
    if let Some(page) = &stop.page {
        out.push(tf(lang, "lost.stop.email_page", &[("url", page)]));
    }
    match &stop.line {
        Some(line) => {
            out.push(tf(lang, "lost.stop.email_line", &[("number", line)]));
            out.push(t(lang, "lost.stop.relay").to_owned());
        }
        None => out.push(t(lang, "lost.stop.relay_issuer").to_owned()),
    }
    out
}

/// The invitation a new staff member gets, with the link to set their password.
pub fn staff_invitation(
    lang: Lang,
    display_name: &str,
    link: &str,
    valid_until: &str,
    way_back: WayBack,
) -> Rendered {
    render(
        lang,
        &EmailContent {
            subject: t(lang, "email.invitation.subject").to_owned(),
            greeting: tf(lang, "email.greeting", &[("name", display_name)]),
            reference: None,
            before: vec![t(lang, "email.invitation.body").to_owned()],
            action: Some((
                t(lang, "email.invitation.action").to_owned(),
                link.to_owned(),
            )),
            links: Vec::new(),
            after: vec![
                tf(lang, "email.link_valid_until", &[("time", valid_until)]),
                t(lang, "email.invitation.ignore").to_owned(),
            ],
            way_back,
        },
    )
}

/// The link a staff member gets when they forgot their password.
pub fn password_reset(
    lang: Lang,
    display_name: &str,
    link: &str,
    valid_until: &str,
    way_back: WayBack,
) -> Rendered {
    render(
        lang,
        &EmailContent {
            subject: t(lang, "email.reset.subject").to_owned(),
            greeting: tf(lang, "email.greeting", &[("name", display_name)]),
            reference: None,
            before: vec![t(lang, "email.reset.body").to_owned()],
            action: Some((t(lang, "email.reset.action").to_owned(), link.to_owned())),
            links: Vec::new(),
            after: vec![
                tf(lang, "email.link_valid_until", &[("time", valid_until)]),
                t(lang, "email.reset.ignore").to_owned(),
            ],
            way_back,
        },
    )
}

/// An email about a proxy registration, from the catalogue's `email.proxy.{which}.subject`
/// and `.body` (both given `args`, and the subject the reference), then the paragraphs in
/// `after`, with a link to follow when there is one.
#[allow(clippy::too_many_arguments)]
pub fn proxy_notice(
    lang: Lang,
    which: &str,
    name: &str,
    reference: Option<&str>,
    args: &[(&str, &str)],
    action: Option<(String, String)>,
    after: Vec<String>,
    way_back: WayBack,
) -> Rendered {
    let mut subject_args = args.to_vec();
    subject_args.push(("reference", reference.unwrap_or_default()));
    render(
        lang,
        &EmailContent {
            subject: tf(lang, &format!("email.proxy.{which}.subject"), &subject_args),
            greeting: tf(lang, "email.customer_greeting", &[("name", name)]),
            reference: reference.map(str::to_owned),
            before: vec![tf(lang, &format!("email.proxy.{which}.body"), args)],
            action,
            links: Vec::new(),
            after,
            way_back,
        },
    )
}

/// What a customer gets when her proxy's registration ends: a link of her own to each
/// session and request the proxy made for her.
pub fn proxy_hand_over(
    lang: Lang,
    customer: &str,
    reference: &str,
    proxy: &str,
    links: Vec<(String, String)>,
    way_back: WayBack,
) -> Rendered {
    render(
        lang,
        &EmailContent {
            subject: tf(
                lang,
                "email.proxy.handed_over.subject",
                &[("reference", reference)],
            ),
            greeting: tf(lang, "email.customer_greeting", &[("name", customer)]),
            reference: Some(reference.to_owned()),
            before: vec![tf(
                lang,
                "email.proxy.handed_over.body",
                &[("proxy", proxy)],
            )],
            action: None,
            links,
            after: vec![
                t(lang, "email.proxy.handed_over.yours").to_owned(),
                t(lang, "email.proxy.questions").to_owned(),
            ],
            way_back,
        },
    )
}

/// The link a proxy gets once approved, to choose their password.
pub fn proxy_activation(
    lang: Lang,
    name: &str,
    link: &str,
    valid_until: &str,
    way_back: WayBack,
) -> Rendered {
    proxy_notice(
        lang,
        "activation",
        name,
        None,
        &[],
        Some((
            t(lang, "email.proxy.activation.action").to_owned(),
            link.to_owned(),
        )),
        vec![
            tf(lang, "email.link_valid_until", &[("time", valid_until)]),
            t(lang, "email.proxy.activation.ignore").to_owned(),
        ],
        way_back,
    )
}

/// The link a proxy gets when they forgot their password.
pub fn proxy_password_reset(
    lang: Lang,
    name: &str,
    link: &str,
    valid_until: &str,
    way_back: WayBack,
) -> Rendered {
    proxy_notice(
        lang,
        "password_reset",
        name,
        None,
        &[],
        Some((t(lang, "email.reset.action").to_owned(), link.to_owned())),
        vec![
            tf(lang, "email.link_valid_until", &[("time", valid_until)]),
            t(lang, "email.reset.ignore").to_owned(),
        ],
        way_back,
    )
}

/// What every email about a session says about it.
#[derive(Debug, Clone)]
pub struct SessionFacts<'a> {
    /// The booking's reference number.
    pub reference: &'a str,
    /// Whom the email greets: the customer, or the proxy who booked for them.
    pub greeting_name: &'a str,
    /// A line saying whom the session is for, or who booked it, when a proxy did.
    pub note: Option<&'a str>,
    /// A last paragraph, such as how a customer tells us a copy was not wanted.
    pub aside: Option<&'a str>,
    /// The mode's name, such as "Sign-language video session".
    pub mode_name: &'a str,
    /// When, written in the desk's zone, such as `2026年11月24日(火) 14:00–14:30`.
    pub when: &'a str,
    /// The interpreter's display name.
    pub interpreter: &'a str,
    /// How the customer joins: the session's own video address, a link to come, or the
    /// written chat.
    pub joining: &'a Joining,
    /// The manage link, when the session can still be changed.
    pub manage_link: Option<&'a str>,
    /// What the customer is told when their interpreter does not sign the language they
    /// asked for, and what happens next.
    pub language_note: Option<&'a str>,
    /// How to stop a card at any hour, when the session is about a lost or stolen card:
    /// the confirmation says it first.
    pub lost_card: Option<&'a CardStop>,
    /// How the reader writes back.
    pub way_back: &'a WayBack,
}

/// Which session email this is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionEmail {
    /// Just booked.
    Booked,
    /// The session is about a day away.
    Reminder,
    /// Moved to another time.
    Moved,
    /// Given to another interpreter.
    InterpreterChanged,
    /// Called off.
    Cancelled,
    /// The interpreter can no longer come: the customer is asked to choose another time.
    NewTimeNeeded,
}

impl SessionEmail {
    /// The `kind` stored in the outbox.
    pub fn kind(self) -> &'static str {
        match self {
            SessionEmail::Booked => "session_booked",
            SessionEmail::Reminder => "session_reminder",
            SessionEmail::Moved => "session_moved",
            SessionEmail::InterpreterChanged => "session_interpreter_changed",
            SessionEmail::Cancelled => "session_cancelled",
            SessionEmail::NewTimeNeeded => "session_new_time_needed",
        }
    }

    fn key(self) -> &'static str {
        match self {
            SessionEmail::Booked => "booked",
            SessionEmail::Reminder => "reminder",
            SessionEmail::Moved => "moved",
            SessionEmail::InterpreterChanged => "interpreter_changed",
            SessionEmail::Cancelled => "cancelled",
            SessionEmail::NewTimeNeeded => "new_time_needed",
        }
    }
}

/// An email about a session, with the facts, how to join, and the manage link.
pub fn session(lang: Lang, which: SessionEmail, facts: &SessionFacts<'_>) -> Rendered {
    let key = |part: &str| format!("email.session.{}.{part}", which.key());
    let mut before = vec![t(lang, &key("body")).to_owned()];
    if which == SessionEmail::Booked
        && let Some(stop) = facts.lost_card
    {
        before.extend(card_stop_paragraphs(lang, stop));
    }
    if let Some(note) = facts.note {
        before.push(note.to_owned());
    }
    before.push(tf(
        lang,
        "email.session.what",
        &[("mode", facts.mode_name), ("when", facts.when)],
    ));
    let mut after = Vec::new();
    if which != SessionEmail::Cancelled {
        before.push(tf(
            lang,
            "email.session.interpreter",
            &[("name", facts.interpreter)],
        ));
        match facts.joining {
            Joining::Video(url) => before.push(tf(lang, "email.session.join", &[("url", url)])),
            Joining::VideoLinkLater => before.push(t(lang, "email.session.join_later").to_owned()),
            Joining::WrittenChat => before.push(t(lang, "email.session.chat").to_owned()),
            Joining::Nothing => {}
        }
        if let Some(note) = facts.language_note {
            before.push(note.to_owned());
        }
        if facts.manage_link.is_some() {
            after.push(t(lang, "email.session.manage_hint").to_owned());
        }
        after.push(t(lang, "email.session.calendar").to_owned());
    } else {
        after.push(t(lang, "email.session.cancelled.again").to_owned());
    }
    after.extend(facts.aside.map(str::to_owned));
    render(
        lang,
        &EmailContent {
            subject: tf(lang, &key("subject"), &[("reference", facts.reference)]),
            greeting: tf(
                lang,
                "email.customer_greeting",
                &[("name", facts.greeting_name)],
            ),
            reference: Some(facts.reference.to_owned()),
            before,
            action: facts
                .manage_link
                .filter(|_| which != SessionEmail::Cancelled)
                .map(|link| {
                    let label = if which == SessionEmail::NewTimeNeeded {
                        "email.session.new_time_needed.action"
                    } else {
                        "email.session.manage"
                    };
                    (t(lang, label).to_owned(), link.to_owned())
                }),
            links: Vec::new(),
            after,
            way_back: facts.way_back.clone(),
        },
    )
}

/// Whether a session was given to an interpreter or taken off them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InterpreterNotice {
    /// The session is now theirs.
    Given,
    /// The session is no longer theirs.
    TakenOff,
}

impl InterpreterNotice {
    /// The `kind` stored in the outbox.
    pub fn kind(self) -> &'static str {
        match self {
            InterpreterNotice::Given => "interpreter_session_given",
            InterpreterNotice::TakenOff => "interpreter_session_taken_off",
        }
    }

    fn key(self) -> &'static str {
        match self {
            InterpreterNotice::Given => "given",
            InterpreterNotice::TakenOff => "taken_off",
        }
    }
}

/// What an interpreter is told of a session given to them or taken off them.
#[derive(Debug, Clone)]
pub struct InterpreterFacts<'a> {
    /// The session's reference number.
    pub reference: &'a str,
    /// The interpreter's display name.
    pub interpreter: &'a str,
    /// The mode's name.
    pub mode_name: &'a str,
    /// When, written in the desk's zone.
    pub when: &'a str,
    /// The session's page on the staff side.
    pub link: &'a str,
    /// How the interpreter writes back.
    pub way_back: &'a WayBack,
}

/// An email to an interpreter about a session given to them or taken off them, in their
/// language.
pub fn interpreter_session(
    lang: Lang,
    which: InterpreterNotice,
    facts: &InterpreterFacts<'_>,
) -> Rendered {
    let key = |part: &str| format!("email.interpreter.{}.{part}", which.key());
    render(
        lang,
        &EmailContent {
            subject: tf(lang, &key("subject"), &[("reference", facts.reference)]),
            greeting: tf(lang, "email.greeting", &[("name", facts.interpreter)]),
            reference: Some(facts.reference.to_owned()),
            before: vec![
                t(lang, &key("body")).to_owned(),
                tf(
                    lang,
                    "email.session.what",
                    &[("mode", facts.mode_name), ("when", facts.when)],
                ),
            ],
            action: Some((
                t(lang, "email.interpreter.action").to_owned(),
                facts.link.to_owned(),
            )),
            links: Vec::new(),
            after: Vec::new(),
            way_back: facts.way_back.clone(),
        },
    )
}

/// An email about a support request: `email.request.{which}.subject`, the paragraphs given,
/// and the link to the thread when there is one.
pub fn request_notice(
    lang: Lang,
    which: &str,
    name: &str,
    reference: &str,
    before: Vec<String>,
    action: Option<(String, String)>,
    way_back: WayBack,
) -> Rendered {
    render(
        lang,
        &EmailContent {
            subject: tf(
                lang,
                &format!("email.request.{which}.subject"),
                &[("reference", reference)],
            ),
            greeting: tf(lang, "email.customer_greeting", &[("name", name)]),
            reference: Some(reference.to_owned()),
            after: match action {
                Some(_) => vec![t(lang, "email.request.no_phone").to_owned()],
                None => Vec::new(),
            },
            before,
            action,
            links: Vec::new(),
            way_back,
        },
    )
}

/// Tells the staff member a request is with that the customer has written again.
pub fn staff_request_notice(
    lang: Lang,
    display_name: &str,
    reference: &str,
    customer: &str,
    link: &str,
    way_back: WayBack,
) -> Rendered {
    render(
        lang,
        &EmailContent {
            subject: tf(
                lang,
                "email.staff_wrote_again.subject",
                &[("reference", reference)],
            ),
            greeting: tf(lang, "email.greeting", &[("name", display_name)]),
            reference: Some(reference.to_owned()),
            before: vec![tf(
                lang,
                "email.staff_wrote_again.body",
                &[("customer", customer)],
            )],
            action: Some((
                t(lang, "email.staff_wrote_again.action").to_owned(),
                link.to_owned(),
            )),
            links: Vec::new(),
            after: Vec::new(),
            way_back,
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn way_back(desk: DeskContact) -> WayBack {
        WayBack {
            link: "https://desk.example.jp/requests/new".into(),
            thread: false,
            desk,
        }
    }

    #[test]
    fn both_parts_carry_the_reference_first_and_the_link() {
        let content = EmailContent {
            subject: "Booked".into(),
            greeting: "Hello".into(),
            reference: Some("K7P3-XW2M".into()),
            before: vec!["Your session is booked.".into()],
            action: Some((
                "Manage your booking".into(),
                "https://desk.example.jp/b/abc".into(),
            )),
            links: vec![],
            after: vec![],
            way_back: way_back(DeskContact::default()),
        };
        let mail = render(Lang::En, &content);
        assert!(
            mail.text.starts_with("Reference number: K7P3-XW2M\n"),
            "{}",
            mail.text
        );
        assert!(mail.text.contains("https://desk.example.jp/b/abc"));
        assert!(mail.html.contains(r#"<html lang="en">"#));
        let reference_at = mail.html.find("K7P3-XW2M").unwrap();
        assert!(
            reference_at < mail.html.find("Hello").unwrap(),
            "the reference comes before the greeting"
        );
    }

    #[test]
    fn invitations_are_written_in_the_recipients_language() {
        let ja = staff_invitation(
            Lang::Ja,
            "佐藤",
            "https://x/i/1",
            "2026年11月29日(日) 12:00",
            way_back(DeskContact::default()),
        );
        assert!(ja.subject.contains("職員アカウント"));
        assert!(ja.text.contains("佐藤さん"));
        let en = staff_invitation(
            Lang::En,
            "Sato",
            "https://x/i/1",
            "Sun 29 Nov 2026, 12:00",
            way_back(DeskContact::default()),
        );
        assert!(en.text.contains("Hello Sato"));
        assert!(en.text.contains("Sun 29 Nov 2026, 12:00"));
    }

    #[test]
    fn a_session_email_names_the_interpreter_the_time_and_the_link() {
        let facts = SessionFacts {
            reference: "S-7K3M-XR9P",
            greeting_name: "Hanako",
            note: None,
            aside: None,
            mode_name: "Sign-language video session",
            when: "Tue 24 Nov 2026, 14:00–14:30",
            interpreter: "Sato",
            joining: &Joining::Video("https://meet.example.jp/0123abcd".into()),
            manage_link: Some("https://desk.example.jp/bookings/abc"),
            language_note: None,
            lost_card: None,
            way_back: &way_back(DeskContact::default()),
        };
        let booked = session(Lang::En, SessionEmail::Booked, &facts);
        assert!(booked.subject.contains("S-7K3M-XR9P"));
        for part in [&booked.text, &booked.html] {
            assert!(part.contains("Sato"));
            assert!(part.contains("Tue 24 Nov 2026, 14:00–14:30"));
            assert!(part.contains("https://meet.example.jp/0123abcd"));
            assert!(part.contains("https://desk.example.jp/bookings/abc"));
        }
        let cancelled = session(Lang::Ja, SessionEmail::Cancelled, &facts);
        assert!(
            !cancelled
                .text
                .contains("https://desk.example.jp/bookings/abc")
        );
        assert!(!cancelled.text.contains("https://meet.example.jp/0123abcd"));
    }

    #[test]
    fn a_chat_session_email_says_how_the_chat_happens_and_has_no_address() {
        let back = way_back(DeskContact::default());
        let facts = SessionFacts {
            reference: "S-7K3M-XR9P",
            greeting_name: "花子",
            note: None,
            aside: None,
            mode_name: "文字チャット",
            when: "2026年11月24日(火) 14:00–14:30",
            interpreter: "佐藤",
            joining: &Joining::WrittenChat,
            manage_link: None,
            language_note: None,
            lost_card: None,
            way_back: &back,
        };
        let ja = session(Lang::Ja, SessionEmail::Booked, &facts);
        assert!(ja.text.contains(t(Lang::Ja, "email.session.chat")));
        assert!(!ja.text.contains(t(Lang::Ja, "email.session.join_later")));
        let later = SessionFacts {
            joining: &Joining::VideoLinkLater,
            ..facts
        };
        let en = session(Lang::En, SessionEmail::Reminder, &later);
        assert!(en.text.contains(t(Lang::En, "email.session.join_later")));
        assert!(!en.text.contains(t(Lang::En, "email.session.chat")));
    }

    #[test]
    fn every_email_ends_with_the_way_back_in_both_parts() {
        let content = EmailContent {
            subject: "Booked".into(),
            greeting: "Hello".into(),
            reference: None,
            before: vec![],
            action: None,
            links: vec![],
            after: vec![],
            way_back: way_back(DeskContact::default()),
        };
        let bare = render(Lang::En, &content);
        for part in [&bare.text, &bare.html] {
            assert!(part.contains("https://desk.example.jp/requests/new"));
            assert!(part.contains(t(Lang::En, "email.way_back.no_reply")));
            assert!(!part.contains("Fax:"));
        }
        let desk = DeskContact {
            email: Some("desk@example.jp".into()),
            fax: Some("03-1234-5678".into()),
            postal_address: Some("〒100-0001\n東京都千代田区千代田1-1".into()),
        };
        let full = render(
            Lang::En,
            &EmailContent {
                way_back: way_back(desk),
                ..content
            },
        );
        for part in [&full.text, &full.html] {
            assert!(part.contains(t(Lang::En, "email.way_back.reply")));
            assert!(part.contains("03-1234-5678"));
            assert!(part.contains("東京都千代田区千代田1-1"));
        }
        assert!(
            full.html
                .contains(r#"href="https://desk.example.jp/requests/new""#)
        );
    }

    #[test]
    fn a_lost_card_email_names_the_stop_page_the_line_and_the_relay_service() {
        let stop = CardStop {
            page: Some("https://card.example.jp/stop".into()),
            line: Some("0120-000-000".into()),
        };
        let said = card_stop_paragraphs(Lang::Ja, &stop).join("\n");
        assert!(said.contains("https://card.example.jp/stop"));
        assert!(said.contains("0120-000-000"));
        assert!(said.contains("電話リレーサービス"));
        let unset = card_stop_paragraphs(Lang::En, &CardStop::default()).join("\n");
        assert!(unset.contains("relay"), "{unset}");
    }
}
