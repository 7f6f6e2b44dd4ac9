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

stored_names! {
    /// A sign language the desk offers by name: customers choose it, interpreters sign it.
    SignLanguage {
        /// Japanese Sign Language (日本手話).
        Jsl = "jsl",
        /// American Sign Language.
        Asl = "asl",
    }
}

/// How an interpreter's sign languages meet what a session asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LanguageFit {
    /// Nothing to check: they sign it, or no sign language was asked for.
    Fits,
    /// A language offered by name that the interpreter does not sign.
    Lacks(SignLanguage),
    /// A language the customer wrote in, which no record can confirm: staff check by hand.
    Unchecked,
}

/// Whether an interpreter who signs `signs` fits a session whose stored `sign_language` is
/// `requested` (`None` for a written-chat session, `other` for one written in).
pub fn language_fit(requested: Option<&str>, signs: &[SignLanguage]) -> LanguageFit {
    match requested {
        None | Some("") => LanguageFit::Fits,
        Some(code) => match SignLanguage::parse(code) {
            Some(lang) if signs.contains(&lang) => LanguageFit::Fits,
            Some(lang) => LanguageFit::Lacks(lang),
            None => LanguageFit::Unchecked,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_named_language_must_be_signed_and_a_written_in_one_is_checked_by_hand() {
        let jsl = [SignLanguage::Jsl];
        assert_eq!(language_fit(None, &jsl), LanguageFit::Fits);
        assert_eq!(language_fit(Some("jsl"), &jsl), LanguageFit::Fits);
        assert_eq!(
            language_fit(Some("asl"), &jsl),
            LanguageFit::Lacks(SignLanguage::Asl)
        );
        assert_eq!(language_fit(Some("other"), &jsl), LanguageFit::Unchecked);
    }

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
