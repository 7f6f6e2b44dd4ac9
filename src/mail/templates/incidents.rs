//! The emails about customer-harassment incidents. This part holds those to supervisors: a
//! new report, and a staff member's call for support. None names the customer: the link
//! leads to the incident, which is read only on the staff pages.

use super::{EmailContent, Rendered, WayBack, render};
use crate::domain::Lang;
use crate::i18n::{t, tf};

/// Tells a supervisor a staff member reported an incident.
pub fn incident_reported(
    lang: Lang,
    display_name: &str,
    reference: &str,
    link: &str,
    way_back: WayBack,
) -> Rendered {
    render(
        lang,
        &EmailContent {
            subject: tf(
                lang,
                "email.incident_reported.subject",
                &[("reference", reference)],
            ),
            greeting: tf(lang, "email.greeting", &[("name", display_name)]),
            reference: Some(reference.to_owned()),
            before: vec![t(lang, "email.incident_reported.body").to_owned()],
            action: Some((
                t(lang, "email.incident_reported.action").to_owned(),
                link.to_owned(),
            )),
            links: Vec::new(),
            after: Vec::new(),
            way_back,
        },
    )
}

/// Tells a supervisor a staff member has called for support, with the page where calls
/// are taken.
pub fn support_called(
    lang: Lang,
    display_name: &str,
    caller: &str,
    link: &str,
    way_back: WayBack,
) -> Rendered {
    render(
        lang,
        &EmailContent {
            subject: tf(lang, "email.support_called.subject", &[("name", caller)]),
            greeting: tf(lang, "email.greeting", &[("name", display_name)]),
            reference: None,
            before: vec![tf(lang, "email.support_called.body", &[("name", caller)])],
            action: Some((
                t(lang, "email.support_called.action").to_owned(),
                link.to_owned(),
            )),
            links: Vec::new(),
            after: Vec::new(),
            way_back,
        },
    )
}
