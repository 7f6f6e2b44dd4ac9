//! Staff members: their names, and an interpreter as the staff pages show them.

use super::{Invalid, Lang, Qualification, QualificationRecord, SignLanguage, required_text};

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

/// An interpreter as staff pages show them.
#[derive(Debug, Clone)]
pub struct Interpreter {
    /// Their staff account.
    pub id: i64,
    /// The name customers see.
    pub display_name: String,
    /// Their full name, for staff.
    pub full_name: String,
    /// Whether the account can sign in.
    pub active: bool,
    /// What they are qualified for, with the dates, whether or not it has expired.
    pub records: Vec<QualificationRecord>,
    /// The sign languages they sign.
    pub sign_languages: Vec<SignLanguage>,
    /// The language of their emails.
    pub lang: Lang,
}

impl Interpreter {
    /// Whether a qualification is on record for them, whether or not it has expired.
    pub fn holds(&self, q: Qualification) -> bool {
        self.records.iter().any(|r| r.qualification == q)
    }
}
