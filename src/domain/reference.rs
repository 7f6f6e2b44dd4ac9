//! Reference numbers: short, unambiguous, and easy to read aloud or fingerspell. They use
//! digits and capital letters without the look-alikes 0/O, 1/I/L, 5/S and 8/B, so one code
//! written by hand, read on a screen or signed can only be one thing.

use rand::Rng;

/// The characters a reference is made of.
pub const ALPHABET: &[u8] = b"234679ACDEFGHJKMNPQRTUVWXYZ";

/// A reference number such as `S-7K3M-XR9P`: a letter saying what it refers to, then eight
/// characters in two groups of four.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Reference(String);

impl Reference {
    /// Draws a new reference with the given kind letter (`S` for a session, `P` for a proxy
    /// registration, `R` for a request).
    pub fn generate(kind: char) -> Self {
        let mut rng = rand::rng();
        let mut pick = || ALPHABET[rng.random_range(0..ALPHABET.len())] as char;
        let first: String = (0..4).map(|_| pick()).collect();
        let second: String = (0..4).map(|_| pick()).collect();
        Reference(format!("{kind}-{first}-{second}"))
    }

    /// Reads a reference as a person might type it: any case, with or without hyphens and
    /// spaces, with a lower-case `o` or `i` mistaken for a digit corrected.
    pub fn parse(raw: &str, kind: char) -> Option<Self> {
        let cleaned: String = super::width::numeric(raw)
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '-')
            .map(|c| c.to_ascii_uppercase())
            .collect();
        let rest = cleaned.strip_prefix(kind).unwrap_or(&cleaned);
        if rest.len() != 8 || !rest.bytes().all(|b| ALPHABET.contains(&b)) {
            return None;
        }
        Some(Reference(format!("{kind}-{}-{}", &rest[..4], &rest[4..])))
    }

    /// The reference as written.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for Reference {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_avoid_look_alikes_and_read_back() {
        for _ in 0..200 {
            let r = Reference::generate('S');
            assert_eq!(r.as_str().len(), 11);
            assert!(!r.as_str()[2..].contains(['0', 'O', '1', 'I', 'L', '5', 'S', '8', 'B']));
            let typed = r.as_str().to_lowercase().replace('-', " ");
            assert_eq!(Reference::parse(&typed, 'S'), Some(r));
        }
        assert_eq!(Reference::parse("S-0000-0000", 'S'), None);
        assert_eq!(Reference::parse("S-2345", 'S'), None);
    }
}
