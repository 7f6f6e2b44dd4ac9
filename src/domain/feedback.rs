//! The voice of the customer: what a customer tells the desk after a contact or at any time,
//! how easy it was on a labelled five-point scale, and what kind of remark it is. Answering
//! is never a condition of anything, and each contact is asked once.

use super::Invalid;
use super::booking::optional_text;
use super::email::Email;
use super::journey::{Refusals, StepErrors, choice, optional_email};
use super::schedule::SessionMode;

/// The longest comment, in characters.
pub const COMMENT_MAX: usize = 4000;
/// The longest name, in characters.
pub const NAME_MAX: usize = 100;

stored_names! {
    /// Which contact the feedback is about.
    Channel {
        /// A sign-language video session.
        SignLanguage = "sign_language",
        /// A written-chat session.
        WrittenChat = "written_chat",
        /// A support request.
        Request = "request",
        /// A proxy registration.
        Proxy = "proxy",
        /// No contact in particular: the open form.
        General = "general",
    }
}

impl Channel {
    /// The channel of a session held in `mode`.
    pub fn of_session(mode: SessionMode) -> Channel {
        match mode {
            SessionMode::SignLanguageVideo => Channel::SignLanguage,
            SessionMode::WrittenChat => Channel::WrittenChat,
        }
    }
}

stored_names! {
    /// What kind of remark it is, as the customer chose.
    Kind {
        /// Thanks or praise.
        Compliment = "compliment",
        /// An idea for doing better.
        Suggestion = "suggestion",
        /// Something went wrong: it is answered as a support request.
        Complaint = "complaint",
        /// Anything else.
        Other = "other",
    }
}

/// How easy it was to get what they needed: 1 (very hard) to 5 (very easy).
pub const EASE: [i16; 5] = [1, 2, 3, 4, 5];

/// Whether a rating counts as satisfied: easy or very easy (the top two of five).
pub fn satisfied(ease: i16) -> bool {
    ease >= 4
}

/// The feedback form, exactly as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(default)]
pub struct FeedbackForm {
    /// "1" to "5".
    pub ease: String,
    /// One of [`Kind`]'s stored names.
    pub feedback_kind: String,
    /// The comment, optional.
    pub comment: String,
    /// The name, optional (the open form only).
    pub name: String,
    /// The email address for a reply, optional (the open form only).
    pub reply_email: String,
    /// "1" when they would like a reply.
    pub wants_reply: String,
}

/// Feedback that passed every check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    /// 1 to 5.
    pub ease: i16,
    /// What kind of remark.
    pub kind: Kind,
    /// The comment, when one was written.
    pub comment: Option<String>,
    /// The name given, on the open form.
    pub name: Option<String>,
    /// The address to reply to, on the open form.
    pub email: Option<Email>,
    /// Whether they asked for a reply.
    pub wants_reply: bool,
}

impl Answer {
    /// Whether the desk answers it as a support request: a complaint always, anything else
    /// when a reply was asked for; either only when there is somewhere to write to.
    pub fn needs_answer(&self, address_known: bool) -> bool {
        address_known && (self.kind == Kind::Complaint || self.wants_reply)
    }
}

fn ease(raw: &str) -> Result<i16, Invalid> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Err(Invalid::Missing);
    }
    raw.parse::<i16>()
        .ok()
        .filter(|n| EASE.contains(n))
        .ok_or(Invalid::NotAChoice)
}

impl FeedbackForm {
    /// Checks every field. `open` is the open form, which asks for a name and an address;
    /// asking for a reply there needs the address.
    pub fn check(&self, open: bool) -> Result<Answer, StepErrors> {
        let mut refusals = Refusals::default();
        let ease = refusals.keep("ease", ease(&self.ease));
        let kind = refusals.keep("feedback_kind", choice(&self.feedback_kind, Kind::parse));
        let comment = refusals.keep("comment", optional_text(&self.comment, COMMENT_MAX));
        let wants_reply = self.wants_reply == "1";
        let (name, email) = if open {
            let name = refusals.keep("name", optional_text(&self.name, NAME_MAX));
            let email = refusals.keep("reply_email", optional_email(&self.reply_email));
            if wants_reply && matches!(email, Some(None)) {
                refusals.refuse("reply_email", Invalid::Missing);
            }
            (
                name.flatten().map(|n| n.replace('\n', " ")),
                email.flatten(),
            )
        } else {
            (None, None)
        };
        match (ease, kind, comment) {
            (Some(ease), Some(kind), Some(comment)) if refusals.is_empty() => Ok(Answer {
                ease,
                kind,
                comment,
                name,
                email,
                wants_reply,
            }),
            _ => Err(refusals.into_errors()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(ease: &str, kind: &str) -> FeedbackForm {
        FeedbackForm {
            ease: ease.into(),
            feedback_kind: kind.into(),
            ..FeedbackForm::default()
        }
    }

    #[test]
    fn a_rating_and_a_kind_are_enough() {
        let answer = form("4", "suggestion").check(false).unwrap();
        assert_eq!((answer.ease, answer.kind), (4, Kind::Suggestion));
        assert_eq!(answer.comment, None);
        assert!(!answer.needs_answer(true));
    }

    #[test]
    fn each_refused_field_is_named() {
        assert_eq!(
            form("", "").check(false),
            Err(vec![
                ("ease", Invalid::Missing),
                ("feedback_kind", Invalid::Missing)
            ])
        );
        assert_eq!(
            form("6", "praise").check(false),
            Err(vec![
                ("ease", Invalid::NotAChoice),
                ("feedback_kind", Invalid::NotAChoice)
            ])
        );
        let mut long = form("3", "other");
        long.comment = "あ".repeat(COMMENT_MAX + 1);
        assert_eq!(long.check(false), Err(vec![("comment", Invalid::TooLong)]));
    }

    #[test]
    fn a_reply_on_the_open_form_needs_an_address() {
        let mut open = form("2", "suggestion");
        open.wants_reply = "1".into();
        assert_eq!(
            open.check(true),
            Err(vec![("reply_email", Invalid::Missing)])
        );
        open.reply_email = "not an address".into();
        assert_eq!(
            open.check(true),
            Err(vec![("reply_email", Invalid::BadFormat)])
        );
        open.reply_email = "hanako@example.jp".into();
        open.name = " 山田 花子 ".into();
        let answer = open.check(true).unwrap();
        assert_eq!(answer.name.as_deref(), Some("山田 花子"));
        assert!(answer.needs_answer(true));
    }

    #[test]
    fn a_complaint_is_answered_when_there_is_somewhere_to_write() {
        let answer = form("1", "complaint").check(true).unwrap();
        assert!(answer.needs_answer(true));
        assert!(!answer.needs_answer(false));
    }

    #[test]
    fn the_top_two_ratings_count_as_satisfied() {
        assert_eq!(
            EASE.iter().map(|&e| satisfied(e)).collect::<Vec<_>>(),
            vec![false, false, false, true, true]
        );
    }
}
