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

/// The longest theme name, in characters.
pub const THEME_MAX: usize = 100;

/// The admin's form for a theme, exactly as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(default)]
pub struct ThemeForm {
    /// The name in Japanese.
    pub theme_ja: String,
    /// The name in English.
    pub theme_en: String,
    /// "1" to archive it: it stays on what it tags, and is no longer offered.
    pub archived: String,
}

/// A theme's names, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ThemeNames {
    /// In Japanese.
    pub ja: String,
    /// In English.
    pub en: String,
    /// Whether it is archived.
    pub archived: bool,
}

impl ThemeForm {
    /// Checks both names: each is needed, so the theme reads in either language.
    pub fn check(&self) -> Result<ThemeNames, StepErrors> {
        let mut refusals = Refusals::default();
        let ja = refusals.keep("theme_ja", super::required_text(&self.theme_ja, THEME_MAX));
        let en = refusals.keep("theme_en", super::required_text(&self.theme_en, THEME_MAX));
        match (ja, en) {
            (Some(ja), Some(en)) => Ok(ThemeNames {
                ja,
                en,
                archived: self.archived == "1",
            }),
            _ => Err(refusals.into_errors()),
        }
    }
}

/// The triage list's filters, exactly as in the address.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(default)]
pub struct FilterQuery {
    /// A [`Kind`]'s stored name, or empty for every kind.
    pub kind: String,
    /// A [`Channel`]'s stored name, or empty for every channel.
    pub channel: String,
    /// The first day, `YYYY-MM-DD`, or empty.
    pub from: String,
    /// The last day, `YYYY-MM-DD`, or empty.
    pub to: String,
    /// A theme's id, or empty.
    pub theme: String,
}

/// The triage list's filters, read.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Filter {
    /// Only this kind.
    pub kind: Option<Kind>,
    /// Only this channel.
    pub channel: Option<Channel>,
    /// From this day, in the desk's time zone.
    pub from: Option<time::Date>,
    /// Up to and including this day.
    pub to: Option<time::Date>,
    /// Only feedback tagged with this theme.
    pub theme: Option<i64>,
}

fn optional_day(raw: &str) -> Result<Option<time::Date>, Invalid> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    let format = time::macros::format_description!("[year]-[month]-[day]");
    time::Date::parse(raw, &format)
        .map(Some)
        .map_err(|_| Invalid::BadFormat)
}

fn optional_choice<T>(raw: &str, parse: impl Fn(&str) -> Option<T>) -> Result<Option<T>, Invalid> {
    if raw.is_empty() {
        Ok(None)
    } else {
        parse(raw).map(Some).ok_or(Invalid::NotAChoice)
    }
}

impl FilterQuery {
    /// Reads the filters: what cannot be read is named and left out of the filter, so the
    /// list still shows.
    pub fn read(&self) -> (Filter, StepErrors) {
        let mut refusals = Refusals::default();
        let kind = refusals.keep("kind", optional_choice(&self.kind, Kind::parse));
        let channel = refusals.keep("channel", optional_choice(&self.channel, Channel::parse));
        let mut from = refusals.keep("from", optional_day(&self.from));
        let mut to = refusals.keep("to", optional_day(&self.to));
        // A period typed the wrong way round is read the right way round.
        if let (Some(Some(first)), Some(Some(last))) = (from, to)
            && last < first
        {
            (from, to) = (to, from);
        }
        let theme = refusals.keep(
            "theme",
            optional_choice(&self.theme, |raw| raw.parse::<i64>().ok()),
        );
        let filter = Filter {
            kind: kind.flatten(),
            channel: channel.flatten(),
            from: from.flatten(),
            to: to.flatten(),
            theme: theme.flatten(),
        };
        (filter, refusals.into_errors())
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
    fn a_theme_needs_both_names() {
        let form = ThemeForm {
            theme_ja: " 待ち時間 ".into(),
            theme_en: "".into(),
            archived: String::new(),
        };
        assert_eq!(form.check(), Err(vec![("theme_en", Invalid::Missing)]));
    }

    #[test]
    fn filters_that_cannot_be_read_are_named_and_left_out() {
        let query = FilterQuery {
            kind: "complaint".into(),
            channel: "fax".into(),
            from: "2026-11-01".into(),
            to: "2026-10-01".into(),
            theme: "x".into(),
        };
        let (filter, errors) = query.read();
        assert_eq!(filter.kind, Some(Kind::Complaint));
        assert_eq!(filter.channel, None);
        // The period was typed the wrong way round: it is read the right way round.
        assert_eq!(filter.from, Some(time::macros::date!(2026 - 10 - 01)));
        assert_eq!(filter.to, Some(time::macros::date!(2026 - 11 - 01)));
        assert_eq!(
            errors,
            vec![
                ("channel", Invalid::NotAChoice),
                ("theme", Invalid::NotAChoice)
            ]
        );
    }

    #[test]
    fn the_top_two_ratings_count_as_satisfied() {
        assert_eq!(
            EASE.iter().map(|&e| satisfied(e)).collect::<Vec<_>>(),
            vec![false, false, false, true, true]
        );
    }
}
