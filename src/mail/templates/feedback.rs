//! The emails of the feedback cycle: asking a customer once how a contact went, sharing a
//! compliment with the staff member it names, and the weekly digest for staff who chose it.

use super::{EmailContent, Rendered, WayBack, render};
use crate::domain::Lang;
use crate::i18n::{t, tf};

/// Asks, once, how easy a contact was: `about` says which contact in a sentence.
pub fn feedback_invitation(
    lang: Lang,
    greeting: &str,
    reference: Option<&str>,
    about: String,
    link: String,
    way_back: WayBack,
) -> Rendered {
    render(
        lang,
        &EmailContent {
            subject: t(lang, "email.feedback.subject").to_owned(),
            greeting: tf(lang, "email.customer_greeting", &[("name", greeting)]),
            reference: reference.map(str::to_owned),
            before: vec![about, t(lang, "email.feedback.ask").to_owned()],
            action: Some((t(lang, "email.feedback.action").to_owned(), link)),
            links: Vec::new(),
            after: vec![t(lang, "email.feedback.optional").to_owned()],
            way_back,
        },
    )
}

/// Tells a staff member a customer thanked them, with the customer's words.
pub fn compliment_shared(
    lang: Lang,
    display_name: &str,
    words: Option<&str>,
    link: String,
    way_back: WayBack,
) -> Rendered {
    let mut before = vec![t(lang, "email.compliment.body").to_owned()];
    if let Some(words) = words {
        before.push(words.to_owned());
    }
    render(
        lang,
        &EmailContent {
            subject: t(lang, "email.compliment.subject").to_owned(),
            greeting: tf(lang, "email.greeting", &[("name", display_name)]),
            reference: None,
            before,
            action: Some((t(lang, "email.compliment.action").to_owned(), link)),
            links: Vec::new(),
            after: Vec::new(),
            way_back,
        },
    )
}

/// The week's feedback in figures and a few of its comments, for a staff member who chose
/// the digest.
pub fn feedback_digest(
    lang: Lang,
    display_name: &str,
    week: &str,
    lines: Vec<String>,
    link: String,
    way_back: WayBack,
) -> Rendered {
    let mut before = vec![tf(lang, "email.digest.body", &[("week", week)])];
    before.extend(lines);
    render(
        lang,
        &EmailContent {
            subject: tf(lang, "email.digest.subject", &[("week", week)]),
            greeting: tf(lang, "email.greeting", &[("name", display_name)]),
            reference: None,
            before,
            action: Some((t(lang, "email.digest.action").to_owned(), link)),
            links: Vec::new(),
            after: vec![t(lang, "email.digest.opt_out").to_owned()],
            way_back,
        },
    )
}
