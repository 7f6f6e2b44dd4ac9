//! Reading what the app sent: the emails written to the mail folder (when no SMTP server is
//! set) or delivered to the test's SMTP receiver, their parts, and the links in them.

use super::TestApp;
use crate::smtp::{Arrived, Receiver};
use mail_parser::{MessageParser, MimeHeaders};
use std::time::Duration;

/// How often, and how many times, a test looks again for an email the relay is sending.
const LOOK_EVERY: Duration = Duration::from_millis(50);
const LOOKS: usize = 200;

impl TestApp {
    /// Emails written to the mail folder (no SMTP server configured), oldest first.
    pub fn dropped_emails(&self) -> Vec<Vec<u8>> {
        let Ok(entries) = std::fs::read_dir(&self.mail_dir) else {
            return Vec::new();
        };
        let mut paths: Vec<_> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "eml"))
            .collect();
        paths.sort_by_key(|p| written_order(p));
        paths
            .into_iter()
            .map(|p| std::fs::read(p).unwrap())
            .collect()
    }

    /// Waits until `n` emails were written to the mail folder, and returns them.
    pub async fn wait_for_dropped(&self, n: usize) -> Vec<Vec<u8>> {
        for _ in 0..LOOKS {
            let found = self.dropped_emails();
            if found.len() >= n {
                return found;
            }
            tokio::time::sleep(LOOK_EVERY).await;
        }
        self.dropped_emails()
    }

    /// The emails written so far whose first recipient is `address`, oldest first.
    pub fn emails_to(&self, address: &str) -> Vec<Vec<u8>> {
        self.dropped_emails()
            .into_iter()
            .filter(|raw| first_recipient(raw).as_deref() == Some(address))
            .collect()
    }

    /// Waits for an email to `address` whose subject or text contains `needle`, and returns
    /// the latest such.
    pub async fn email_with(&self, address: &str, needle: &str) -> Vec<u8> {
        for _ in 0..LOOKS {
            let written = self.dropped_emails().into_iter().rev();
            if let Some(found) = written
                .into_iter()
                .find(|raw| is_to_with(raw, address, needle))
            {
                return found;
            }
            tokio::time::sleep(LOOK_EVERY).await;
        }
        panic!("no email to {address} with {needle}");
    }

    /// The path on this app of a full link, as a browser would follow it.
    pub fn path_of(&self, link: &str) -> String {
        link.strip_prefix(&self.base).unwrap_or(link).to_owned()
    }

    /// The path of the first link in an email's text to this app's `path` and below.
    pub fn link_path(&self, raw: &[u8], path: &str) -> String {
        self.path_of(&link_in(raw, &format!("{}{path}", self.base)))
    }
}

impl Receiver {
    /// Waits for a message to `address` whose subject or text contains `needle`, and
    /// returns the latest such. The address is read from the `To` header: one connection
    /// can carry several messages, so the envelope is not.
    pub async fn email_with(&self, address: &str, needle: &str) -> Arrived {
        for _ in 0..2 * LOOKS {
            let arrived = self.arrived().into_iter().rev();
            if let Some(found) = arrived
                .into_iter()
                .find(|a| is_to_with(&a.data, address, needle))
            {
                return found;
            }
            tokio::time::sleep(LOOK_EVERY).await;
        }
        panic!("no email to {address} with {needle}");
    }
}

/// The messages addressed to `address`, by their `To` header.
pub fn addressed_to<'a>(arrived: &'a [Arrived], address: &str) -> Vec<&'a Arrived> {
    arrived
        .iter()
        .filter(|a| first_recipient(&a.data).as_deref() == Some(address))
        .collect()
}

/// Whether an email's first recipient is `address` and its subject or text contains
/// `needle`.
pub fn is_to_with(raw: &[u8], address: &str, needle: &str) -> bool {
    first_recipient(raw).as_deref() == Some(address)
        && (subject_of(raw).contains(needle) || text_of(raw).contains(needle))
}

/// Where a file of the mail folder comes in the order the relay wrote them: by name
/// (`00000012-kind.eml`), a copy sent again after a crash (`00000012-kind.resent-2.eml`)
/// after the first and in the order of its number, even past 9.
fn written_order(path: &std::path::Path) -> (String, u32) {
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    let stem = name.trim_end_matches(".eml");
    match stem.rsplit_once(".resent-") {
        Some((first, copy)) => (first.to_owned(), copy.parse().unwrap_or(u32::MAX)),
        None => (stem.to_owned(), 1),
    }
}

/// The text part of an email and the first link in it to a path starting with `prefix`.
pub fn link_in(raw: &[u8], prefix: &str) -> String {
    let message = MessageParser::default().parse(raw).expect("parsable email");
    let text = message.body_text(0).expect("a text part").into_owned();
    let start = text
        .find(prefix)
        .unwrap_or_else(|| panic!("no {prefix} link in {text}"));
    text[start..].split_whitespace().next().unwrap().to_owned()
}

fn parsed(raw: &[u8]) -> mail_parser::Message<'_> {
    MessageParser::default().parse(raw).expect("parsable email")
}

/// An email's subject.
pub fn subject_of(raw: &[u8]) -> String {
    parsed(raw).subject().unwrap_or_default().to_owned()
}

/// An email's text part.
pub fn text_of(raw: &[u8]) -> String {
    parsed(raw).body_text(0).unwrap_or_default().into_owned()
}

/// An email's HTML part.
pub fn html_of(raw: &[u8]) -> String {
    parsed(raw).body_html(0).unwrap_or_default().into_owned()
}

/// The address of an email's first recipient.
pub fn first_recipient(raw: &[u8]) -> Option<String> {
    parsed(raw)
        .to()
        .and_then(|to| to.first())
        .and_then(|a| a.address())
        .map(str::to_owned)
}

/// The calendar file attached to an email, with its folded lines joined again.
pub fn ics_of(raw: &[u8]) -> String {
    let message = parsed(raw);
    let ics = message
        .attachments()
        .find(|a| {
            a.content_type()
                .is_some_and(|c| c.subtype() == Some("calendar"))
        })
        .expect("a calendar attachment");
    String::from_utf8_lossy(ics.contents()).replace("\r\n ", "")
}
