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
