//! The emails: one layout with an HTML part and a plain-text part, short and plain, in the
//! recipient's language, with the reference number near the top when there is one, and
//! ending with the way back to the desk in writing.
//!
//! This module holds the layout and what every email ends with; the emails themselves live
//! by whom they are for and what they are about: [`accounts`] (staff and proxy sign-in
//! links), [`proxies`] (a registration's steps), [`sessions`] (a booked session, to the
//! customer or an interpreter) and [`requests`] (a support request's thread).

mod accounts;
mod feedback;
mod incidents;
mod proxies;
mod requests;
mod sessions;

// The emails are called as `templates::…`: where each is written is this module's concern.
pub use accounts::{password_reset, proxy_activation, proxy_password_reset, staff_invitation};
pub use feedback::{compliment_shared, feedback_digest, feedback_invitation};
pub use incidents::{
    MeasureFacts, appeal_decided, appeal_received, measure_lifted, measure_taken, supervisor_notice,
};
pub use proxies::{Closing, proxy_hand_over, proxy_notice};
pub use requests::{request_notice, staff_request_notice};
pub use sessions::{
    InterpreterFacts, InterpreterNotice, SessionEmail, SessionFacts, TranscriptFacts,
    TranscriptLine, chat_transcript, interpreter_session, session,
};

use crate::domain::{CardStop, DeskContact, Lang};
use crate::i18n::{t, tf};
use maud::{DOCTYPE, Markup, html};

/// How a paragraph of an email's HTML part is drawn: the line breaks a paragraph has (a
/// message of several lines, quoted) are kept, as the plain-text part keeps them.
const PARAGRAPH: &str = "margin:0 0 16px;white-space:pre-line";

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
    /// Whether the reader is a staff member: their emails end with the staff pages instead,
    /// as the desk's ways in are for customers.
    pub for_staff: bool,
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
    for (label, url) in content.action.iter().chain(&content.links) {
        text.push_str(label);
        text.push_str(t(lang, "email.link_colon"));
        text.push('\n');
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
                    @for paragraph in &content.before { p style=(PARAGRAPH) { (paragraph) } }
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
                    @for paragraph in &content.after { p style=(PARAGRAPH) { (paragraph) } }
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
    if way.for_staff {
        line(t(lang, "email.way_back.staff"));
        line(&way.link);
        line(t(lang, "email.way_back.sent_by"));
        return out;
    }
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
    if way.for_staff {
        return html! {
            p style=(small) {
                (t(lang, "email.way_back.staff")) br;
                a href=(way.link) style="color:#1a56a8;font-weight:bold;word-break:break-all" { (way.link) }
            }
            p style=(small) { (t(lang, "email.way_back.sent_by")) }
        };
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The way back of an email on a desk with only the given contacts.
    pub(super) fn way_back(desk: DeskContact) -> WayBack {
        WayBack {
            link: "https://desk.example.jp/requests/new".into(),
            thread: false,
            desk,
            for_staff: false,
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
