//! The qualifications a staff member can hold, and which session modes they open.

use super::schedule::SessionMode;

/// A qualification recorded for a staff member.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Qualification {
    /// A certified sign-language interpreter: serves sign-language video sessions.
    SignLanguageInterpreter,
    /// Trained for written chat: serves written-chat sessions.
    WrittenChat,
    /// Consumer Affairs Professional (CAP): broad knowledge of customer consultation.
    ConsumerAffairsProfessional,
    /// Completed the training for supporting people with dementia.
    DementiaSupporter,
    /// Certified in universal manners (serving every customer with consideration).
    UniversalManners,
}

impl Qualification {
    /// Every qualification, in the order shown.
    pub const ALL: [Qualification; 5] = [
        Qualification::SignLanguageInterpreter,
        Qualification::WrittenChat,
        Qualification::ConsumerAffairsProfessional,
        Qualification::DementiaSupporter,
        Qualification::UniversalManners,
    ];

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Qualification::SignLanguageInterpreter => "sign_language_interpreter",
            Qualification::WrittenChat => "written_chat",
            Qualification::ConsumerAffairsProfessional => "consumer_affairs_professional",
            Qualification::DementiaSupporter => "dementia_supporter",
            Qualification::UniversalManners => "universal_manners",
        }
    }

    /// Reads a stored name back.
    pub fn parse(raw: &str) -> Option<Qualification> {
        Qualification::ALL.into_iter().find(|q| q.as_str() == raw)
    }

    /// The qualification a session mode needs.
    pub fn for_mode(mode: SessionMode) -> Qualification {
        match mode {
            SessionMode::SignLanguageVideo => Qualification::SignLanguageInterpreter,
            SessionMode::WrittenChat => Qualification::WrittenChat,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_read_back_and_each_mode_needs_its_own() {
        for q in Qualification::ALL {
            assert_eq!(Qualification::parse(q.as_str()), Some(q));
        }
        assert_ne!(
            Qualification::for_mode(SessionMode::SignLanguageVideo),
            Qualification::for_mode(SessionMode::WrittenChat)
        );
    }
}
