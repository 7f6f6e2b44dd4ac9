//! Secret tokens carried in cookies and links. Only their hash is ever stored.

use rand::RngCore;
use sha2::{Digest, Sha256};

/// A random secret of 256 bits, written as 64 hexadecimal characters.
#[derive(Clone, PartialEq, Eq)]
pub struct Token(String);

impl Token {
    /// Draws a new token from the operating system's random source.
    pub fn generate() -> Self {
        let mut bytes = [0u8; 32];
        rand::rng().fill_bytes(&mut bytes);
        Self(hex::encode(bytes))
    }

    /// Accepts a token presented by a browser, if it has the right shape.
    pub fn from_presented(raw: &str) -> Option<Self> {
        (raw.len() == 64 && raw.bytes().all(|b| b.is_ascii_hexdigit()))
            .then(|| Self(raw.to_ascii_lowercase()))
    }

    /// The token as sent to the browser.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// The SHA-256 of the token, as stored in the database.
    pub fn hash(&self) -> String {
        hex::encode(Sha256::digest(self.0.as_bytes()))
    }
}

impl std::fmt::Debug for Token {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Token(…)")
    }
}

/// The address of a link before its token: `/proxy/not-me/` of the pattern
/// `/proxy/not-me/{token}`. A pattern that does not end in its token is a mistake, and
/// stops the build when the prefix is a constant.
pub const fn before_token(pattern: &'static str) -> &'static str {
    const PART: &[u8] = b"{token}";
    match pattern.split_at_checked(pattern.len().saturating_sub(PART.len())) {
        Some((prefix, part)) if matches!(part.as_bytes(), PART) => prefix,
        _ => panic!("a link's pattern ends in {{token}}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_unique_and_hash_stably() {
        let a = Token::generate();
        let b = Token::generate();
        assert_ne!(a, b);
        assert_eq!(a.expose().len(), 64);
        assert_eq!(a.hash(), Token::from_presented(a.expose()).unwrap().hash());
        assert_ne!(a.hash(), a.expose());
        assert!(Token::from_presented("not-a-token").is_none());
    }

    #[test]
    fn a_link_pattern_loses_only_its_token() {
        assert_eq!(before_token("/proxy/not-me/{token}"), "/proxy/not-me/");
    }
}
