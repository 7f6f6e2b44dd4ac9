//! The emails about a proxy registration: each step, to the proxy and the customer, and
//! the hand-over of what the proxy made to the customer when it ends.

use super::{EmailContent, Rendered, WayBack, render};
use crate::domain::Lang;
use crate::i18n::{t, tf};

/// What follows the body of an email about a proxy registration: a link to follow, if
/// any, the paragraphs after it, and how the reader writes back.
pub struct Closing {
    /// The link to follow: its label and address.
    pub action: Option<(String, String)>,
    /// Paragraphs after the link.
    pub after: Vec<String>,
    /// How the reader writes back.
    pub way_back: WayBack,
}

/// An email about a proxy registration, from the catalogue's `email.proxy.{which}.subject`
/// and `.body` (both given `args`, and the subject the reference), then its `closing`.
pub fn proxy_notice(
    lang: Lang,
    which: &str,
    name: &str,
    reference: Option<&str>,
    args: &[(&str, &str)],
    closing: Closing,
) -> Rendered {
    let Closing {
        action,
        after,
        way_back,
    } = closing;
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
