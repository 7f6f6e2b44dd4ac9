//! Email addresses as the desk stores them.

use super::Invalid;
use std::fmt;

/// An email address that has a plausible shape, trimmed and lower-cased so that one person
/// cannot hold two accounts by changing the case of their address.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Email(String);

impl Email {
    /// The longest address the desk accepts (RFC 5321's path limit).
    pub const MAX_LEN: usize = 254;

    /// Parses what a person typed.
    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        let value = raw.trim();
        if value.is_empty() {
            return Err(Invalid::Missing);
        }
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
        Ok(Self(value.to_lowercase()))
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
    }
}
