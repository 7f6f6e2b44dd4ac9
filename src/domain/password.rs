//! The rules a staff password must meet.

use super::Invalid;

/// A new password that meets the desk's rules. Long passphrases and password managers are
/// welcome; there are no composition rules, only a length.
#[derive(Clone, PartialEq, Eq)]
pub struct Password(String);

impl Password {
    /// Fewest characters accepted, as recommended for a password that is the only factor.
    pub const MIN_CHARS: usize = 15;
    /// Most characters accepted; longer input only costs hashing time.
    pub const MAX_CHARS: usize = 256;

    /// Checks a new password.
    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        let count = raw.chars().count();
        if count == 0 {
            return Err(Invalid::Missing);
        }
        if count < Self::MIN_CHARS || raw.trim().is_empty() {
            return Err(Invalid::TooShort);
        }
        if count > Self::MAX_CHARS {
            return Err(Invalid::TooLong);
        }
        Ok(Self(raw.to_owned()))
    }

    /// The password itself, for hashing.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Password(…)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn length_is_the_only_rule() {
        assert_eq!(Password::parse(""), Err(Invalid::Missing));
        assert_eq!(Password::parse("short"), Err(Invalid::TooShort));
        assert_eq!(Password::parse(&" ".repeat(20)), Err(Invalid::TooShort));
        assert!(Password::parse("correct horse battery").is_ok());
        assert!(Password::parse("ながいながいあいことばです、ほんとうに").is_ok());
        assert_eq!(Password::parse(&"x".repeat(257)), Err(Invalid::TooLong));
        assert_eq!(
            format!("{:?}", Password::parse("correct horse battery").unwrap()),
            "Password(…)"
        );
    }
}
