//! Names of staff members.

use super::{Invalid, required_text};

/// A staff member's full name. Seen by staff only; never shown to a customer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FullName(String);

impl FullName {
    /// Longest full name accepted.
    pub const MAX_CHARS: usize = 100;

    /// Parses what was typed.
    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        required_text(raw, Self::MAX_CHARS).map(Self)
    }

    /// The name as stored.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The name a staff member is shown by to customers, such as "Sato (interpreter)".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DisplayName(String);

impl DisplayName {
    /// Longest display name accepted.
    pub const MAX_CHARS: usize = 40;

    /// Parses what was typed.
    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        required_text(raw, Self::MAX_CHARS).map(Self)
    }

    /// The name as stored.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The address of an interpreter's video or chat room, sent to customers in emails.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JoinUrl(String);

impl JoinUrl {
    /// Longest address accepted.
    pub const MAX_CHARS: usize = 500;

    /// Accepts an `https://` (or `http://`) address with a host and no spaces.
    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        let value = required_text(raw, Self::MAX_CHARS)?;
        let rest = value
            .strip_prefix("https://")
            .or_else(|| value.strip_prefix("http://"))
            .ok_or(Invalid::BadFormat)?;
        let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
        if host.is_empty()
            || value.chars().any(char::is_whitespace)
            || value.contains(['<', '>', '"'])
        {
            return Err(Invalid::BadFormat);
        }
        Ok(Self(value))
    }

    /// The address.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn join_links_are_web_addresses() {
        assert!(JoinUrl::parse("https://video.example.jp/room/sato").is_ok());
        assert_eq!(JoinUrl::parse("video.example.jp"), Err(Invalid::BadFormat));
        assert_eq!(JoinUrl::parse("https:///path"), Err(Invalid::BadFormat));
        assert_eq!(
            JoinUrl::parse("javascript:alert(1)"),
            Err(Invalid::BadFormat)
        );
        assert_eq!(JoinUrl::parse(""), Err(Invalid::Missing));
    }
}
