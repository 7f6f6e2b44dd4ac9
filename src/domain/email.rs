//! Email addresses as the desk stores them, accepted only when the mailer can send to them.

use super::Invalid;
use lettre::Address;
use lettre::message::Mailbox;
use std::fmt;
use std::str::FromStr;

/// Whether a character changes the direction of text or takes no width: such a character
/// makes an address read differently from where mail goes, and no mail server takes it.
pub fn is_hidden_or_bidi(c: char) -> bool {
    matches!(c,
        '\u{200B}'..='\u{200F}'
        | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{2064}'
        | '\u{2066}'..='\u{2069}'
        | '\u{FEFF}')
}

/// Whether a character can stand unquoted in an address (RFC 5322's atext, the dot and the
/// at sign, and letters and digits of any script).
fn plain_in_address(c: char) -> bool {
    c.is_alphanumeric() || "!#$%&'*+-/=?^_`{|}~.@".contains(c)
}

/// An email address that has a plausible shape, trimmed and lower-cased so that one person
/// cannot hold two accounts by changing the case of their address.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Email(String);

impl Email {
    /// The longest address the desk accepts (RFC 5321's path limit).
    pub const MAX_LEN: usize = 254;

    /// Parses what a person typed: trimmed, lower-cased, at most [`Email::MAX_LEN`] bytes,
    /// of a plausible shape, and read by the mailer as exactly this address.
    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        // `ｈａｎａ＠ｅｘａｍｐｌｅ．ｊｐ` as a Japanese keyboard may type it.
        let value = super::width::ascii(raw);
        let value = value.trim();
        if value.is_empty() {
            return Err(Invalid::Missing);
        }
        if value.chars().any(is_hidden_or_bidi) {
            return Err(Invalid::Unsendable);
        }
        let value = value.to_lowercase();
        let value = value.as_str();
        if value.len() > Self::MAX_LEN {
            return Err(Invalid::TooLong);
        }
        let (local, domain) = value.rsplit_once('@').ok_or(Invalid::BadFormat)?;
        let plausible = !local.is_empty()
            && local.len() <= 64
            && domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains("..")
            && value
                .chars()
                .all(|c| !c.is_whitespace() && !c.is_control() && c != '<' && c != '>')
            && !domain.contains('@');
        if !plausible {
            return Err(Invalid::BadFormat);
        }
        // The outbox reads the address as a mailbox: it must read back as this very address
        // (a comment such as `a(b)@x.jp` would otherwise be dropped), and be one lettre takes.
        let sendable = Address::from_str(value).is_ok()
            && Mailbox::from_str(value)
                .is_ok_and(|m| m.name.is_none() && AsRef::<str>::as_ref(&m.email) == value);
        if !sendable {
            return Err(if value.chars().all(plain_in_address) {
                Invalid::BadFormat
            } else {
                Invalid::Unsendable
            });
        }
        Ok(Self(value.to_owned()))
    }

    /// The address as stored.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_and_normalises() {
        assert_eq!(
            Email::parse("  Hanako.Sato@Example.JP ").unwrap().as_str(),
            "hanako.sato@example.jp"
        );
    }

    #[test]
    fn refuses_what_cannot_be_an_address() {
        assert_eq!(Email::parse(""), Err(Invalid::Missing));
        for bad in [
            "hanako",
            "hanako@",
            "@example.jp",
            "a b@example.jp",
            "a@example",
            "a@.jp",
            "a@b..jp",
        ] {
            assert_eq!(Email::parse(bad), Err(Invalid::BadFormat), "{bad}");
        }
        let long = format!("{}@example.jp", "a".repeat(250));
        assert_eq!(Email::parse(&long), Err(Invalid::TooLong));
        // A character whose lower case is longer still counts against the limit.
        let grows = format!("{}@example.jp", "\u{130}".repeat(90));
        assert_eq!(Email::parse(&grows), Err(Invalid::TooLong));
    }

    #[test]
    fn refuses_what_the_mailer_cannot_send_to() {
        for unsendable in [
            "a,b@x.jp",
            "a;b@x.jp",
            "a(b)@x.jp",
            "a\"b@x.jp",
            "a:b@x.jp",
            "a[b]@x.jp",
            "a\\b@x.jp",
            "a@x,y.jp",
            "a@x_(y).jp",
        ] {
            assert_eq!(
                Email::parse(unsendable),
                Err(Invalid::Unsendable),
                "{unsendable}"
            );
        }
    }

    #[test]
    fn refuses_direction_marks_and_invisible_characters() {
        let hidden = [
            '\u{200B}', '\u{200C}', '\u{200D}', '\u{200E}', '\u{200F}', '\u{202A}', '\u{202B}',
            '\u{202C}', '\u{202D}', '\u{202E}', '\u{2060}', '\u{2061}', '\u{2062}', '\u{2063}',
            '\u{2064}', '\u{2066}', '\u{2067}', '\u{2068}', '\u{2069}', '\u{FEFF}',
        ];
        for c in hidden {
            for typed in [
                format!("hanako{c}@example.jp"),
                format!("hanako@exa{c}mple.jp"),
                format!("{c}hanako@example.jp"),
                format!("hanako@example.jp{c}"),
            ] {
                assert_eq!(Email::parse(&typed), Err(Invalid::Unsendable), "{typed:?}");
            }
        }
    }

    #[test]
    fn accepts_what_the_mailer_sends_to() {
        for fine in [
            "hanako+desk@example.jp",
            "o'brien@example.co.uk",
            "a_b-c.d@sub.example.jp",
            "山田@例え.jp",
        ] {
            let email = Email::parse(fine).unwrap_or_else(|e| panic!("{fine}: {e:?}"));
            assert_eq!(Email::parse(email.as_str()), Ok(email.clone()), "{fine}");
            assert!(email.as_str().parse::<Mailbox>().is_ok(), "{fine}");
        }
        // Shapes the mailer refuses for their form rather than a character are badly formed.
        for bad in ["a.@example.jp", ".a@example.jp", "a@-example.jp"] {
            assert_eq!(Email::parse(bad), Err(Invalid::BadFormat), "{bad}");
        }
    }
}
