//! The emails about a support request: to the customer (or their proxy) about their
//! thread, and to the staff member who has it when the customer writes again.

use super::{EmailContent, Rendered, WayBack, render};
use crate::domain::Lang;
use crate::i18n::{t, tf};

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
