//! Bookings: where a session stands, what the customer tells us, and the answers of an
//! unfinished booking journey: its mode and details are asked as any journey's steps are,
//! its day and time are chosen against the calendar by pages of their own.

use super::journey::{Journey, Refusals, Step, StepErrors, choice, tidy};
use super::request::Topic;
use super::schedule::SessionMode;
use super::{Email, Invalid, dates, required_text};
use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};

/// Where a session stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BookingStatus {
    /// Booked and still to come (or under way).
    Booked,
    /// Called off by the customer or by staff.
    Cancelled,
    /// Took place.
    Completed,
    /// The customer did not come.
    NoShowCustomer,
    /// The interpreter did not come.
    NoShowInterpreter,
}

impl BookingStatus {
    /// Every status, in the order staff filter by.
    pub const ALL: [BookingStatus; 5] = [
        BookingStatus::Booked,
        BookingStatus::Completed,
        BookingStatus::Cancelled,
        BookingStatus::NoShowCustomer,
        BookingStatus::NoShowInterpreter,
    ];

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            BookingStatus::Booked => "booked",
            BookingStatus::Cancelled => "cancelled",
            BookingStatus::Completed => "completed",
            BookingStatus::NoShowCustomer => "no_show_customer",
            BookingStatus::NoShowInterpreter => "no_show_interpreter",
        }
    }

    /// Reads a stored name back.
    pub fn parse(raw: &str) -> Option<BookingStatus> {
        BookingStatus::ALL.into_iter().find(|s| s.as_str() == raw)
    }

    /// Whether the session still holds its interpreter's time.
    pub fn holds_time(self) -> bool {
        self == BookingStatus::Booked
    }
}

/// The sign languages offered by name (see [`super::qualification::SignLanguage`]), and
/// `other` for one written in.
pub const SIGN_LANGUAGES: [&str; 3] = ["jsl", "asl", "other"];

/// The longest "other needs" note, in characters.
pub const NEEDS_MAX_CHARS: usize = 1000;

/// The customer's answers on the "your details" page, exactly as typed, so a rejected page
/// shows them again.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct DetailsForm {
    /// Their name.
    pub name: String,
    /// Where the confirmation goes.
    pub email: String,
    /// Their card member number, if they want to give it.
    pub member_number: String,
    /// The stored name of a [`Topic`].
    pub topic: String,
    /// What it is about, when the topic is "other".
    pub topic_other: String,
    /// One of [`SIGN_LANGUAGES`], for sign-language sessions.
    pub sign_language: String,
    /// The sign language, when "other".
    pub sign_language_other: String,
    /// Anything else we should know.
    pub needs: String,
}

/// The customer's details once accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Details {
    /// Their name.
    pub name: String,
    /// Where the confirmation goes.
    pub email: Email,
    /// Their member number, digits and letters only.
    pub member_number: Option<String>,
    /// What it is about: the same topics as requests.
    pub topic: Topic,
    /// What it is about, when "other".
    pub topic_other: Option<String>,
    /// One of [`SIGN_LANGUAGES`], for sign-language sessions.
    pub sign_language: Option<String>,
    /// The sign language, when "other".
    pub sign_language_other: Option<String>,
    /// Anything else.
    pub needs: Option<String>,
}

/// Trims an optional note; empty is `None`. Line breaks are kept.
pub fn optional_text(raw: &str, max: usize) -> Result<Option<String>, Invalid> {
    if raw.trim().is_empty() {
        return Ok(None);
    }
    let value = raw.trim();
    if value.chars().count() > max {
        return Err(Invalid::TooLong);
    }
    // Line breaks are welcome in a note; other control characters are not.
    if value
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t')
    {
        return Err(Invalid::BadFormat);
    }
    // Every line break as `\n`, so that the note reads back as itself (`\r\r\n` must not
    // leave a `\r\n` behind).
    Ok(Some(value.replace("\r\n", "\n").replace('\r', "\n")))
}

/// Reads a member number: spaces and hyphens dropped, 4 to 20 letters or digits.
pub fn member_number(raw: &str) -> Result<Option<String>, Invalid> {
    // Full-width digits and letters, as Japanese keyboards often type them.
    let cleaned: String = super::width::numeric(raw)
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .collect();
    if cleaned.is_empty() {
        return Ok(None);
    }
    if cleaned.len() > 20 {
        return Err(Invalid::TooLong);
    }
    if cleaned.len() < 4 || !cleaned.chars().all(|c| c.is_ascii_alphanumeric()) {
        return Err(Invalid::BadFormat);
    }
    Ok(Some(cleaned.to_ascii_uppercase()))
}

/// Reads the week a day page asks for, counted from this week (0): what cannot be read is
/// this week, a negative week is this week, and a week beyond `last` is `last`.
pub fn week_number(raw: &str, last: i64) -> i64 {
    let raw = raw.trim();
    let digits = raw.strip_prefix('+').unwrap_or(raw);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return 0;
    }
    // All digits: a number too large to hold is beyond every horizon.
    digits
        .parse::<i64>()
        .unwrap_or(i64::MAX)
        .clamp(0, last.max(0))
}

impl DetailsForm {
    /// Checks every answer for a session of `mode`. Errors come in the order of the fields.
    pub fn validate(&self, mode: SessionMode) -> Result<Details, StepErrors> {
        let mut errors = Refusals::default();
        let name = errors.keep("name", required_text(&self.name, 100));
        let email = errors.keep("email", Email::parse(&self.email));
        let member = errors.keep("member_number", member_number(&self.member_number));
        let topic = errors.keep(
            "topic",
            match self.topic.as_str() {
                "" => Err(Invalid::Missing),
                t => Topic::parse(t).ok_or(Invalid::NotAChoice),
            },
        );
        let topic_other = if self.topic == "other" {
            errors
                .keep("topic_other", required_text(&self.topic_other, 200))
                .map(Some)
        } else {
            Some(None)
        };
        let (sign_language, sign_language_other) = if mode == SessionMode::SignLanguageVideo {
            let chosen = errors.keep(
                "sign_language",
                match self.sign_language.as_str() {
                    "" => Err(Invalid::Missing),
                    s if SIGN_LANGUAGES.contains(&s) => Ok(s.to_owned()),
                    _ => Err(Invalid::NotAChoice),
                },
            );
            let other = if self.sign_language == "other" {
                errors
                    .keep(
                        "sign_language_other",
                        required_text(&self.sign_language_other, 100),
                    )
                    .map(Some)
            } else {
                Some(None)
            };
            (chosen.map(Some), other)
        } else {
            (Some(None), Some(None))
        };
        let needs = errors.keep("needs", optional_text(&self.needs, NEEDS_MAX_CHARS));
        match (
            name,
            email,
            member,
            topic,
            topic_other,
            sign_language,
            sign_language_other,
            needs,
        ) {
            (
                Some(name),
                Some(email),
                Some(member_number),
                Some(topic),
                Some(topic_other),
                Some(sign_language),
                Some(sign_language_other),
                Some(needs),
            ) if errors.is_empty() => Ok(Details {
                name,
                email,
                member_number,
                topic,
                topic_other,
                sign_language,
                sign_language_other,
                needs,
            }),
            _ => Err(errors.into_errors()),
        }
    }
}

/// The answers of a booking journey so far, kept on the server between pages.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Draft {
    /// The chosen mode's stored name.
    pub mode: Option<String>,
    /// The chosen day, `YYYY-MM-DD`.
    pub day: Option<String>,
    /// The chosen start, in seconds since 1970 (UTC).
    pub start: Option<i64>,
    /// The details page, as typed.
    pub details: DetailsForm,
    /// Whether the details page has been accepted.
    pub details_done: bool,
    /// Once booked: the booking, for the confirmation page.
    pub confirmed: Option<i64>,
    /// Whether the confirmation has been shown: it is shown once, so that the next person at
    /// a shared computer cannot open it again; the manage link in the email is the way back.
    pub confirmation_shown: bool,
    /// When a proxy books for a customer: the registration they act under.
    pub for_registration: Option<i64>,
    /// And the customer's name, shown on every page of the journey.
    pub for_customer: Option<String>,
    /// The support request this session is booked to answer, by reference.
    pub request: Option<String>,
}

impl Draft {
    /// The chosen mode.
    pub fn mode(&self) -> Option<SessionMode> {
        self.mode.as_deref().and_then(SessionMode::parse)
    }

    /// The chosen start, while it lies within the years the desk keeps.
    pub fn start_at(&self) -> Option<OffsetDateTime> {
        self.start
            .and_then(|s| OffsetDateTime::from_unix_timestamp(s).ok())
            .filter(|at| dates::instant_within_window(*at))
    }
}

/// The steps of the booking journey, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum BookingStep {
    /// Which kind of session.
    Mode,
    /// Which day, among the days with free times.
    Day,
    /// Which of the day's free times.
    Time,
    /// The customer's details.
    Details,
}

impl Step for BookingStep {
    const ALL: &'static [BookingStep] = &[
        BookingStep::Mode,
        BookingStep::Day,
        BookingStep::Time,
        BookingStep::Details,
    ];

    fn slug(self) -> &'static str {
        match self {
            BookingStep::Mode => "mode",
            BookingStep::Day => "day",
            BookingStep::Time => "time",
            BookingStep::Details => "details",
        }
    }
}

/// What the mode and details pages send.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BookingForm {
    /// The chosen mode's stored name (the mode page).
    pub mode: String,
    /// The customer's details (the details page).
    pub details: DetailsForm,
}

/// A booking journey with every answer accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BookingAnswers {
    /// The kind of session.
    pub mode: SessionMode,
    /// When it starts.
    pub start: OffsetDateTime,
    /// The customer's details.
    pub details: Details,
}

impl Journey for Draft {
    const KIND: &'static str = "booking";
    type Step = BookingStep;
    type Form = BookingForm;
    type Finished = BookingAnswers;

    /// Takes the mode or the details; the day and the time are chosen against the calendar,
    /// by their own pages.
    fn take(&mut self, step: BookingStep, form: &BookingForm) {
        match step {
            BookingStep::Mode => {
                if self.mode.as_deref() != Some(form.mode.as_str()) {
                    // Another mode has other free times (and other questions): ask them
                    // again.
                    self.mode = Some(form.mode.clone());
                    self.day = None;
                    self.start = None;
                    self.details_done = false;
                }
            }
            BookingStep::Details => self.details = form.details.clone(),
            BookingStep::Day | BookingStep::Time => {}
        }
    }

    fn check(&self, step: BookingStep, _today: Date) -> StepErrors {
        let mut refused = Refusals::default();
        match step {
            BookingStep::Mode => {
                let mode = self.mode.as_deref().unwrap_or_default();
                refused.keep("mode", choice(mode, SessionMode::parse));
            }
            BookingStep::Day => {
                let day = self.day.as_deref().unwrap_or_default();
                refused.keep("day", dates::parse_day(day));
            }
            BookingStep::Time => {
                if self.start_at().is_none() {
                    refused.refuse("start", Invalid::Missing);
                }
            }
            BookingStep::Details => match self.mode() {
                Some(mode) => return self.details.validate(mode).err().unwrap_or_default(),
                None => refused.refuse("mode", Invalid::Missing),
            },
        }
        refused.into_errors()
    }

    fn is_done(&self, step: BookingStep) -> bool {
        match step {
            BookingStep::Mode => self.mode().is_some(),
            BookingStep::Day => self.day.is_some(),
            BookingStep::Time => self.start.is_some(),
            BookingStep::Details => self.details_done,
        }
    }

    /// Marks the details accepted or not; the mode, the day and the time are accepted by
    /// being chosen, and a refused one is cleared.
    fn mark(&mut self, step: BookingStep, accepted: bool) {
        match (step, accepted) {
            (BookingStep::Details, true) => {
                // Kept as they will be booked, so the check page shows exactly that.
                let d = &mut self.details;
                tidy(&mut d.email, |e| {
                    Email::parse(e).ok().map(|e| e.as_str().to_owned())
                });
                tidy(&mut d.member_number, |n| {
                    member_number(n).ok().map(Option::unwrap_or_default)
                });
                self.details_done = true;
            }
            (BookingStep::Details, false) => self.details_done = false,
            (_, true) => {}
            (BookingStep::Mode, false) => self.mode = None,
            (BookingStep::Day, false) => self.day = None,
            (BookingStep::Time, false) => self.start = None,
        }
    }

    fn is_sent(&self) -> bool {
        self.confirmed.is_some()
    }

    /// Asks for the details again, whatever no longer holds: a time no longer chosen is
    /// asked first anyway, as the first step still open, and the details after it.
    fn ask_again(&mut self, _today: Date) {
        self.details_done = false;
    }

    /// The mode, the start and the details: the day only leads to the start.
    fn finish(&self, _today: Date) -> Result<BookingAnswers, StepErrors> {
        let Some(mode) = self.mode() else {
            return Err(vec![("mode", Invalid::Missing)]);
        };
        let Some(start) = self.start_at() else {
            return Err(vec![("start", Invalid::Missing)]);
        };
        let details = self.details.validate(mode)?;
        Ok(BookingAnswers {
            mode,
            start,
            details,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form() -> DetailsForm {
        DetailsForm {
            name: " 山田 花子 ".into(),
            email: "hanako@example.jp".into(),
            topic: "statements".into(),
            sign_language: "jsl".into(),
            ..Default::default()
        }
    }

    #[test]
    fn good_details_are_accepted_and_trimmed() {
        let d = form().validate(SessionMode::SignLanguageVideo).unwrap();
        assert_eq!(d.name, "山田 花子");
        assert_eq!(d.sign_language.as_deref(), Some("jsl"));
        let chat = form().validate(SessionMode::WrittenChat).unwrap();
        assert_eq!(chat.sign_language, None, "no sign language for a chat");
    }

    #[test]
    fn every_missing_answer_is_named_in_page_order() {
        let errors = DetailsForm::default()
            .validate(SessionMode::SignLanguageVideo)
            .unwrap_err();
        let fields: Vec<_> = errors.iter().map(|(f, _)| *f).collect();
        assert_eq!(fields, ["name", "email", "topic", "sign_language"]);
        let mut other = form();
        other.topic = "other".into();
        other.sign_language = "other".into();
        let errors = other.validate(SessionMode::SignLanguageVideo).unwrap_err();
        let fields: Vec<_> = errors.iter().map(|(f, _)| *f).collect();
        assert_eq!(fields, ["topic_other", "sign_language_other"]);
    }

    #[test]
    fn member_numbers_forgive_spacing_and_full_width() {
        assert_eq!(
            member_number("１２３４ ５６７８-9012"),
            Ok(Some("123456789012".into()))
        );
        assert_eq!(member_number(""), Ok(None));
        assert_eq!(member_number("12"), Err(Invalid::BadFormat));
        assert_eq!(member_number("12#4"), Err(Invalid::BadFormat));
    }

    #[test]
    fn notes_keep_their_line_breaks_as_newlines() {
        assert_eq!(
            optional_text(" a\r\nb\rc\nd ", 100),
            Ok(Some("a\nb\nc\nd".into()))
        );
        let odd = optional_text("\u{200b}\r\r\n\u{200b}", 100)
            .unwrap()
            .unwrap();
        assert_eq!(odd, "\u{200b}\n\n\u{200b}");
        assert_eq!(optional_text(&odd, 100), Ok(Some(odd.clone())));
    }

    #[test]
    fn the_journey_asks_the_mode_day_time_and_details_in_turn() {
        let today = time::macros::date!(2026 - 11 - 25);
        let mode = |m: &str| BookingForm {
            mode: m.into(),
            ..Default::default()
        };
        let mut draft = Draft::default();
        assert_eq!(draft.next_step(), Some(BookingStep::Mode));
        assert!(
            draft
                .answer(BookingStep::Mode, &mode("written_chat"), today)
                .is_empty()
        );
        assert_eq!(draft.next_step(), Some(BookingStep::Day));
        draft.day = Some("2026-12-01".into());
        assert_eq!(draft.next_step(), Some(BookingStep::Time));
        let start = time::macros::datetime!(2026-12-01 01:00 UTC);
        draft.start = Some(start.unix_timestamp());
        assert_eq!(draft.next_step(), Some(BookingStep::Details));
        let details = BookingForm {
            details: form(),
            ..Default::default()
        };
        assert!(
            draft
                .answer(BookingStep::Details, &details, today)
                .is_empty()
        );
        assert_eq!(draft.next_step(), None);
        let answers = draft.finish(today).unwrap();
        assert_eq!(
            (answers.mode, answers.start),
            (SessionMode::WrittenChat, start)
        );
        // The same mode again keeps every answer.
        assert!(
            draft
                .answer(BookingStep::Mode, &mode("written_chat"), today)
                .is_empty()
        );
        assert_eq!(draft.next_step(), None);
        // A mode not offered is refused.
        let mut refused = draft.clone();
        assert_eq!(
            refused.answer(BookingStep::Mode, &mode("phone"), today),
            vec![("mode", Invalid::NotAChoice)]
        );
        // Another mode has other times and questions: they are asked again, the details
        // shown as typed.
        let video = mode("sign_language_video");
        assert!(draft.answer(BookingStep::Mode, &video, today).is_empty());
        assert_eq!(draft.next_step(), Some(BookingStep::Day));
        assert_eq!((draft.day.clone(), draft.start), (None, None));
        assert!(!draft.details_done && draft.details == form());
    }

    #[test]
    fn week_numbers_stay_between_this_week_and_the_last() {
        assert_eq!(week_number("3", 8), 3);
        assert_eq!(week_number(" +3 ", 8), 3);
        assert_eq!(week_number("-3", 8), 0);
        assert_eq!(week_number("", 8), 0);
        assert_eq!(week_number("1e9", 8), 0);
        assert_eq!(week_number("99999999999999999999", 8), 8);
        assert_eq!(week_number("5", -1), 0);
    }
}
