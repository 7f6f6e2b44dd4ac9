//! The emails that carry a single-use link to an account: a staff member's invitation and
//! password reset, a proxy's activation and password reset.

use super::{Closing, EmailContent, Rendered, WayBack, proxy_notice, render};
use crate::domain::Lang;
use crate::i18n::{t, tf};

/// What a link's email says after the link: until when it works, and what to do when the
/// email was not expected (`ignore`, a catalogue key).
fn after_link(lang: Lang, valid_until: &str, ignore: &str) -> Vec<String> {
    vec![
        tf(lang, "email.link_valid_until", &[("time", valid_until)]),
        t(lang, ignore).to_owned(),
    ]
}

/// A staff member's email with a single-use link, from the catalogue's
/// `email.{which}.subject`, `.body`, `.action` and `.ignore`.
fn staff_link(
    lang: Lang,
    which: &str,
    display_name: &str,
    link: &str,
    valid_until: &str,
    way_back: WayBack,
) -> Rendered {
    let key = |part: &str| format!("email.{which}.{part}");
    render(
        lang,
        &EmailContent {
            subject: t(lang, &key("subject")).to_owned(),
            greeting: tf(lang, "email.greeting", &[("name", display_name)]),
            reference: None,
            before: vec![t(lang, &key("body")).to_owned()],
            action: Some((t(lang, &key("action")).to_owned(), link.to_owned())),
            links: Vec::new(),
            after: after_link(lang, valid_until, &key("ignore")),
            way_back,
        },
    )
}

/// The invitation a new staff member gets, with the link to set their password.
pub fn staff_invitation(
    lang: Lang,
    display_name: &str,
    link: &str,
    valid_until: &str,
    way_back: WayBack,
) -> Rendered {
    staff_link(
        lang,
        "invitation",
        display_name,
        link,
        valid_until,
        way_back,
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
    staff_link(lang, "reset", display_name, link, valid_until, way_back)
}

/// The link a proxy gets once approved, to choose their password.
pub fn proxy_activation(
    lang: Lang,
    name: &str,
    link: &str,
    valid_until: &str,
    way_back: WayBack,
) -> Rendered {
    let action = t(lang, "email.proxy.activation.action").to_owned();
    let after = after_link(lang, valid_until, "email.proxy.activation.ignore");
    let action = Some((action, link.to_owned()));
    let closing = Closing {
        action,
        after,
        way_back,
    };
    proxy_notice(lang, "activation", name, None, &[], closing)
}

/// The link a proxy gets when they forgot their password.
pub fn proxy_password_reset(
    lang: Lang,
    name: &str,
    link: &str,
    valid_until: &str,
    way_back: WayBack,
) -> Rendered {
    let action = Some((t(lang, "email.reset.action").to_owned(), link.to_owned()));
    let after = after_link(lang, valid_until, "email.reset.ignore");
    let closing = Closing {
        action,
        after,
        way_back,
    };
    proxy_notice(lang, "password_reset", name, None, &[], closing)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::DeskContact;
    use crate::mail::templates::tests::way_back;

    #[test]
    fn invitations_are_written_in_the_recipients_language() {
        let invite = |lang, name, until| {
            let contact = way_back(DeskContact::default());
            staff_invitation(lang, name, "https://x/i/1", until, contact)
        };
        let ja = invite(Lang::Ja, "佐藤", "2026年11月29日(日) 12:00");
        assert!(ja.subject.contains("職員アカウント"));
        assert!(ja.text.contains("佐藤さん"));
        let en = invite(Lang::En, "Sato", "Sun 29 Nov 2026, 12:00");
        assert!(en.text.contains("Hello Sato"));
        assert!(en.text.contains("Sun 29 Nov 2026, 12:00"));
    }
}
