//! The emails about a booked session: to whoever manages it (booked, moved, cancelled,
//! reminded), and to an interpreter a session is given to or taken off.

use super::{EmailContent, Rendered, WayBack, card_stop_paragraphs, render};
use crate::domain::{CardStop, Joining, Lang};
use crate::i18n::{t, tf};

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

/// One message of a written-chat session, as its transcript writes it.
#[derive(Debug, Clone)]
pub struct TranscriptLine<'a> {
    /// Who wrote it: the customer's name as booked, or a staff member's display name.
    pub who: &'a str,
    /// When, written in the desk's zone.
    pub at: &'a str,
    /// What it says.
    pub body: &'a str,
}

/// What the transcript of a written-chat session says.
#[derive(Debug, Clone)]
pub struct TranscriptFacts<'a> {
    /// The session's reference number.
    pub reference: &'a str,
    /// Whom the email greets: the customer, as booked, or the proxy who booked for them.
    pub greeting_name: &'a str,
    /// A line saying whom the session is for, or who booked it, when a proxy did.
    pub note: Option<&'a str>,
    /// A last paragraph, such as how a customer tells us a copy was not wanted.
    pub aside: Option<&'a str>,
    /// When the session was, written in the desk's zone.
    pub when: &'a str,
    /// The messages, oldest first.
    pub lines: &'a [TranscriptLine<'a>],
    /// The room's page, where the messages stay to be read; none in a copy, which the
    /// reader cannot follow into the room.
    pub room_link: Option<&'a str>,
    /// How the reader writes back.
    pub way_back: &'a WayBack,
}

/// The conversation of a written-chat session, sent to the customer when staff end it:
/// every message as "name (time): text", in order, and the room where it stays to be read.
pub fn chat_transcript(lang: Lang, facts: &TranscriptFacts<'_>) -> Rendered {
    let mut before = vec![t(lang, "email.chat_transcript.body").to_owned()];
    before.extend(facts.note.map(str::to_owned));
    before.push(tf(
        lang,
        "email.chat_transcript.when",
        &[("when", facts.when)],
    ));
    before.extend(facts.lines.iter().map(|line| {
        tf(
            lang,
            "email.chat_transcript.line",
            &[("name", line.who), ("time", line.at), ("text", line.body)],
        )
    }));
    render(
        lang,
        &EmailContent {
            subject: tf(
                lang,
                "email.chat_transcript.subject",
                &[("reference", facts.reference)],
            ),
            greeting: tf(
                lang,
                "email.customer_greeting",
                &[("name", facts.greeting_name)],
            ),
            reference: Some(facts.reference.to_owned()),
            before,
            action: facts.room_link.map(|link| {
                (
                    t(lang, "email.chat_transcript.action").to_owned(),
                    link.to_owned(),
                )
            }),
            links: Vec::new(),
            after: facts.aside.map(str::to_owned).into_iter().collect(),
            way_back: facts.way_back.clone(),
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::DeskContact;
    use crate::mail::templates::tests::way_back;

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
    fn a_transcript_writes_every_message_in_order_and_links_to_the_room() {
        let back = way_back(DeskContact::default());
        let lines = [
            TranscriptLine {
                who: "Hanako",
                at: "Tue 24 Nov 2026, 14:01",
                body: "Hello",
            },
            TranscriptLine {
                who: "Sato",
                at: "Tue 24 Nov 2026, 14:02",
                body: "How can I help?",
            },
        ];
        let facts = TranscriptFacts {
            reference: "S-7K3M-XR9P",
            greeting_name: "Hanako",
            note: None,
            aside: None,
            when: "Tue 24 Nov 2026, 14:00–14:30",
            lines: &lines,
            room_link: Some("https://desk.example.jp/bookings/abc/chat"),
            way_back: &back,
        };
        for lang in [Lang::Ja, Lang::En] {
            let sent = chat_transcript(lang, &facts);
            assert!(sent.subject.contains("S-7K3M-XR9P"));
            let line = |who: &str, at: &str, text: &str| {
                tf(
                    lang,
                    "email.chat_transcript.line",
                    &[("name", who), ("time", at), ("text", text)],
                )
            };
            let first = sent
                .text
                .find(&line("Hanako", "Tue 24 Nov 2026, 14:01", "Hello"))
                .unwrap();
            let second = sent
                .text
                .find(&line("Sato", "Tue 24 Nov 2026, 14:02", "How can I help?"))
                .unwrap();
            assert!(first < second, "{}", sent.text);
            assert!(sent.text.contains("How can I help?"));
            assert!(
                sent.text
                    .contains("https://desk.example.jp/bookings/abc/chat")
            );
            assert!(
                sent.html
                    .contains("https://desk.example.jp/bookings/abc/chat")
            );
        }
    }
}
