//! Support requests: what they are about, how the customer wants the answer, where they
//! stand, the answers of the journey that sends one, and the arithmetic of response-time
//! targets, which count only the desk's opening hours.

use super::booking::{member_number, optional_text};
use super::journey::{Journey, Refusals, Step, StepErrors, choice, optional_email, tidy};
use super::proxy::postal_address;
use super::schedule::local_instant;
use super::{Email, Invalid, required_text};
use serde::{Deserialize, Serialize};
use time::{Date, Duration, OffsetDateTime, Time};
use time_tz::{OffsetDateTimeExt, Tz};

stored_names! {
    /// What a request is about.
    Topic {
        /// Card use and payments.
        CardPayments = "card_payments",
        /// Statements and bills.
        Statements = "statements",
        /// Points.
        Points = "points",
        /// A change of name, address or other personal details.
        PersonalDetails = "personal_details",
        /// A lost or stolen card.
        LostStolen = "lost_stolen",
        /// Card use the customer did not make.
        UnauthorisedUse = "unauthorised_use",
        /// A change to how the desk communicates with the customer: more time, an
        /// interpreter, answers in writing.
        Accommodation = "accommodation",
        /// A complaint about how a staff member treated the customer.
        StaffConduct = "staff_conduct",
        /// Anything else.
        Other = "other",
    }
}

stored_names! {
    /// How the customer wants the answer. There is no phone-only way.
    ReplyChannel {
        /// By email.
        Email = "email",
        /// In a written-chat session.
        WrittenChat = "written_chat",
        /// In a sign-language video session.
        SignLanguage = "sign_language",
        /// By fax.
        Fax = "fax",
        /// By post.
        Post = "post",
    }
}

stored_names! {
    /// Where a request stands.
    RequestStatus {
        /// Sent, not yet looked at.
        New = "new",
        /// Being worked on.
        Open = "open",
        /// Answered; waiting for the customer.
        Waiting = "waiting",
        /// Done, unless the customer writes again.
        Resolved = "resolved",
        /// Finished for good.
        Closed = "closed",
    }
}

stored_names! {
    /// Who wrote a message in a request's thread.
    Author {
        /// The customer.
        Customer = "customer",
        /// A proxy, for the customer.
        Proxy = "proxy",
        /// A member of staff.
        Staff = "staff",
    }
}

impl ReplyChannel {
    /// Whether the answer is given in a session, which the customer books next.
    pub fn is_session(self) -> bool {
        matches!(self, ReplyChannel::WrittenChat | ReplyChannel::SignLanguage)
    }
}

impl RequestStatus {
    /// Whether staff still owe the customer something.
    pub fn is_active(self) -> bool {
        matches!(self, RequestStatus::New | RequestStatus::Open)
    }

    /// The status after the customer writes again: a request waiting for them, or done,
    /// is open again; a closed one stays closed (its thread takes no messages).
    pub fn after_customer_message(self) -> RequestStatus {
        match self {
            RequestStatus::Waiting | RequestStatus::Resolved => RequestStatus::Open,
            other => other,
        }
    }
}

/// The longest request, in characters.
pub const DETAILS_MAX_CHARS: usize = 2000;

/// The longest message in a thread, in characters.
pub const MESSAGE_MAX_CHARS: usize = 2000;

/// Reads a fax number: digits, with spaces, hyphens, brackets and a leading `+` allowed;
/// 6 to 20 digits.
pub fn fax_number(raw: &str) -> Result<String, Invalid> {
    let value = raw.trim();
    if value.is_empty() {
        return Err(Invalid::Missing);
    }
    let digits = super::width::numeric(value);
    let ok = digits
        .chars()
        .enumerate()
        .all(|(i, c)| c.is_ascii_digit() || " -()".contains(c) || (i == 0 && c == '+'));
    let count = digits.chars().filter(char::is_ascii_digit).count();
    if !ok || !(6..=20).contains(&count) {
        return Err(Invalid::BadFormat);
    }
    Ok(digits)
}

/// The answers of an unfinished request, exactly as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct RequestDraft {
    /// One of [`Topic`].
    pub topic: String,
    /// What the request is.
    pub details: String,
    /// The customer's name.
    pub name: String,
    /// Their member number, if they want to give it.
    pub member_number: String,
    /// One of [`ReplyChannel`].
    pub channel: String,
    /// Their email: for the answer, or for the acknowledgement and the link.
    pub email: String,
    /// Their fax number, for an answer by fax.
    pub fax: String,
    /// Their postal address, for an answer by post.
    pub address: String,
    /// The steps whose answers were accepted.
    pub done: Vec<String>,
    /// When a proxy sends it for a customer: the registration they act under.
    pub for_registration: Option<i64>,
    /// And the customer's name, shown on every page.
    pub for_customer: Option<String>,
    /// Once sent: the request's reference.
    pub sent: Option<String>,
}

/// An accepted request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewRequest {
    /// What it is about.
    pub topic: Topic,
    /// What it is.
    pub details: String,
    /// The customer's name.
    pub name: String,
    /// Their member number.
    pub member_number: Option<String>,
    /// How they want the answer.
    pub channel: ReplyChannel,
    /// Their email, if given.
    pub email: Option<Email>,
    /// Their fax number, for an answer by fax.
    pub fax: Option<String>,
    /// Their postal address, for an answer by post.
    pub address: Option<String>,
}

/// The steps of the journey, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum RequestStep {
    /// What it is about.
    Topic,
    /// What it is.
    Details,
    /// The customer's name and member number.
    AboutYou,
    /// How they want the answer.
    Channel,
    /// Where to send it.
    Contact,
}

impl Step for RequestStep {
    const ALL: &'static [RequestStep] = &[
        RequestStep::Topic,
        RequestStep::Details,
        RequestStep::AboutYou,
        RequestStep::Channel,
        RequestStep::Contact,
    ];

    fn slug(self) -> &'static str {
        match self {
            RequestStep::Topic => "topic",
            RequestStep::Details => "details",
            RequestStep::AboutYou => "about-you",
            RequestStep::Channel => "reply",
            RequestStep::Contact => "contact",
        }
    }
}

/// What a page of the journey sends: the fields of every step, each step taking its own.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct RequestForm {
    /// One of [`Topic`].
    pub topic: String,
    /// What the request is.
    pub details: String,
    /// The customer's name.
    pub name: String,
    /// Their member number.
    pub member_number: String,
    /// One of [`ReplyChannel`].
    pub channel: String,
    /// Their email.
    pub email: String,
    /// Their fax number.
    pub fax: String,
    /// Their postal address.
    pub address: String,
}

impl RequestDraft {
    /// The chosen topic.
    pub fn topic(&self) -> Option<Topic> {
        Topic::parse(&self.topic)
    }

    /// The chosen channel.
    pub fn channel(&self) -> Option<ReplyChannel> {
        ReplyChannel::parse(&self.channel)
    }
}

impl Journey for RequestDraft {
    const KIND: &'static str = "support_request";
    type Step = RequestStep;
    type Form = RequestForm;
    type Finished = NewRequest;

    fn take(&mut self, step: RequestStep, form: &RequestForm) {
        match step {
            RequestStep::Topic => self.topic = form.topic.clone(),
            RequestStep::Details => self.details = form.details.clone(),
            RequestStep::AboutYou => {
                self.name = form.name.clone();
                self.member_number = form.member_number.clone();
            }
            RequestStep::Channel => {
                // A new channel asks for its own contact details again.
                if self.channel != form.channel {
                    self.mark(RequestStep::Contact, false);
                }
                self.channel = form.channel.clone();
            }
            RequestStep::Contact => {
                self.email = form.email.clone();
                self.fax = form.fax.clone();
                self.address = form.address.clone();
            }
        }
    }

    fn check(&self, step: RequestStep, _today: Date) -> StepErrors {
        let mut e = Refusals::default();
        match step {
            RequestStep::Topic => {
                e.keep("topic", choice(&self.topic, Topic::parse));
            }
            RequestStep::Details => {
                e.keep(
                    "details",
                    optional_text(&self.details, DETAILS_MAX_CHARS)
                        .and_then(|d| d.ok_or(Invalid::Missing)),
                );
            }
            RequestStep::AboutYou => {
                e.keep("name", required_text(&self.name, 100));
                e.keep("member_number", member_number(&self.member_number));
            }
            RequestStep::Channel => {
                e.keep("channel", choice(&self.channel, ReplyChannel::parse));
            }
            RequestStep::Contact => match self.channel() {
                // An answer by email, or a session whose confirmation comes by email.
                Some(
                    ReplyChannel::Email | ReplyChannel::WrittenChat | ReplyChannel::SignLanguage,
                ) => {
                    e.keep("email", Email::parse(&self.email));
                }
                Some(ReplyChannel::Fax) => {
                    e.keep("fax", fax_number(&self.fax));
                    e.keep("email", optional_email(&self.email));
                }
                Some(ReplyChannel::Post) => {
                    e.keep("address", postal_address(&self.address));
                    e.keep("email", optional_email(&self.email));
                }
                None => e.refuse("channel", Invalid::Missing),
            },
        }
        e.into_errors()
    }

    fn is_done(&self, step: RequestStep) -> bool {
        self.done.iter().any(|d| d == step.slug())
    }

    fn mark(&mut self, step: RequestStep, accepted: bool) {
        self.done.retain(|d| d != step.slug());
        if accepted {
            // Kept as they will be sent, so the check page shows exactly that.
            match step {
                RequestStep::AboutYou => tidy(&mut self.member_number, |n| {
                    member_number(n).ok().map(Option::unwrap_or_default)
                }),
                RequestStep::Contact => {
                    tidy(&mut self.email, |e| {
                        optional_email(e)
                            .ok()
                            .map(|e| e.map(|e| e.as_str().to_owned()).unwrap_or_default())
                    });
                    tidy(&mut self.fax, |f| fax_number(f).ok());
                }
                _ => {}
            }
            self.done.push(step.slug().to_owned());
        }
    }

    fn is_sent(&self) -> bool {
        self.sent.is_some()
    }

    fn finish(&self, today: Date) -> Result<NewRequest, StepErrors> {
        let errors: StepErrors = RequestStep::ALL
            .iter()
            .flat_map(|s| self.check(*s, today))
            .collect();
        let (Some(topic), Some(channel), true) = (self.topic(), self.channel(), errors.is_empty())
        else {
            return Err(if errors.is_empty() {
                vec![("topic", Invalid::Missing)]
            } else {
                errors
            });
        };
        let refused = || vec![("details", Invalid::BadFormat)];
        Ok(NewRequest {
            topic,
            details: optional_text(&self.details, DETAILS_MAX_CHARS)
                .ok()
                .flatten()
                .ok_or_else(refused)?,
            name: self.name.trim().to_owned(),
            member_number: member_number(&self.member_number).map_err(|_| refused())?,
            channel,
            email: optional_email(&self.email).map_err(|_| refused())?,
            fax: (channel == ReplyChannel::Fax)
                .then(|| fax_number(&self.fax).ok())
                .flatten(),
            address: (channel == ReplyChannel::Post)
                .then(|| optional_text(&self.address, 300).ok().flatten())
                .flatten(),
        })
    }
}

/// The instant by which `minutes` of the desk's opening time have passed after `from`.
/// `opening` gives a day's opening hours in local time (empty when closed). When the desk
/// opens on no day of the next year, the time counts around the clock instead. No time at
/// all is due at once; more than a year of it counts as a year.
pub fn after_working_minutes(
    from: OffsetDateTime,
    minutes: i64,
    tz: &Tz,
    opening: impl Fn(Date) -> Vec<(Time, Time)>,
) -> OffsetDateTime {
    if minutes <= 0 {
        return from;
    }
    // A target is hours or days; a larger number is a mistake that must not overflow.
    let minutes = minutes.min(366 * 24 * 60);
    let mut left = Duration::minutes(minutes);
    let mut day = from.to_timezone(tz).date();
    for _ in 0..=366 {
        let mut spans: Vec<(OffsetDateTime, OffsetDateTime)> = opening(day)
            .into_iter()
            .filter_map(|(open, close)| {
                Some((
                    local_instant(day, open, tz)?,
                    local_instant(day, close, tz)?,
                ))
            })
            .filter(|(open, close)| open < close)
            .collect();
        spans.sort();
        for (open, close) in spans {
            let start = open.max(from);
            if start >= close {
                continue;
            }
            let available = close - start;
            if left <= available {
                return start + left;
            }
            left -= available;
        }
        match day.next_day() {
            Some(next) => day = next,
            None => break,
        }
    }
    from + Duration::minutes(minutes.max(0))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use time::macros::{datetime, time};

    const TOKYO: &Tz = time_tz::timezones::db::asia::TOKYO;
    /// A request's answers hold on any day.
    const TODAY: Date = time::macros::date!(2026 - 11 - 25);

    /// Weekdays nine to five, and 2026-11-23 (a Monday holiday) closed.
    fn desk(day: Date) -> Vec<(Time, Time)> {
        let closed = day == Date::from_calendar_date(2026, time::Month::November, 23).unwrap();
        if closed || day.weekday().number_from_monday() > 5 {
            Vec::new()
        } else {
            vec![(time!(09:00), time!(12:00)), (time!(13:00), time!(17:00))]
        }
    }

    #[test]
    fn a_working_day_is_counted_in_opening_hours_only() {
        // Friday 16:00 in Tokyo, seven working hours: 1 on Friday, then the weekend and the
        // Monday holiday pass, then 6 on Tuesday: 09:00-12:00 and 13:00-16:00.
        let friday = datetime!(2026-11-20 07:00 UTC);
        let due = after_working_minutes(friday, 7 * 60, TOKYO, desk);
        assert_eq!(due, datetime!(2026-11-24 07:00 UTC));
        // Sent at night: the clock starts when the desk opens.
        let night = datetime!(2026-11-24 13:00 UTC);
        let due = after_working_minutes(night, 60, TOKYO, desk);
        assert_eq!(due, datetime!(2026-11-25 01:00 UTC));
        // A desk that never opens counts around the clock.
        let never = after_working_minutes(night, 60, TOKYO, |_| Vec::new());
        assert_eq!(never, night + Duration::hours(1));
    }

    /// The same count, a minute at a time.
    fn oracle(from: OffsetDateTime, minutes: i64) -> OffsetDateTime {
        let mut at = from;
        let mut left = minutes;
        loop {
            let local = at.to_timezone(TOKYO);
            let now = Time::from_hms(local.hour(), local.minute(), 0).unwrap();
            let open = desk(local.date())
                .iter()
                .any(|(o, c)| *o <= now && now < *c);
            if left == 0 {
                return at;
            }
            if open {
                left -= 1;
            }
            at += Duration::minutes(1);
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        #[test]
        fn matches_counting_minute_by_minute(start in 0i64..(14 * 24 * 60), minutes in 0i64..(3 * 8 * 60)) {
            let from = datetime!(2026-11-16 00:00 UTC) + Duration::minutes(start);
            prop_assert_eq!(after_working_minutes(from, minutes, TOKYO, desk), oracle(from, minutes));
        }
    }

    #[test]
    fn the_journey_asks_for_what_the_channel_needs() {
        let mut draft = RequestDraft {
            topic: "statements".into(),
            details: "My statement shows a payment twice.".into(),
            name: "山田 花子".into(),
            channel: "fax".into(),
            fax: "03-1234-5678".into(),
            ..Default::default()
        };
        let request = draft.finish(TODAY).unwrap();
        assert_eq!(request.fax.as_deref(), Some("03-1234-5678"));
        assert_eq!(request.email, None);
        draft.channel = "email".into();
        assert_eq!(
            draft.finish(TODAY).unwrap_err(),
            vec![("email", Invalid::Missing)]
        );
        draft.channel = "phone".into();
        assert!(draft.finish(TODAY).is_err(), "there is no phone channel");
        assert_eq!(
            fax_number("０３ー１２３４ー５６７８"),
            Ok("03-1234-5678".into())
        );
        assert_eq!(fax_number("call me"), Err(Invalid::BadFormat));
    }

    #[test]
    fn accepted_answers_are_kept_as_they_will_be_sent() {
        let mut draft = RequestDraft::default();
        let about = RequestForm {
            name: "山田 花子".into(),
            member_number: "ＡＢ１２ ３４５".into(),
            ..Default::default()
        };
        assert!(
            draft
                .answer(RequestStep::AboutYou, &about, TODAY)
                .is_empty()
        );
        assert_eq!(draft.member_number, "AB12345");
        let by_fax = RequestForm {
            channel: "fax".into(),
            fax: "０３ー１２３４ー５６７８".into(),
            email: "hanako＠example.jp".into(),
            ..Default::default()
        };
        assert!(
            draft
                .answer(RequestStep::Channel, &by_fax, TODAY)
                .is_empty()
        );
        assert!(
            draft
                .answer(RequestStep::Contact, &by_fax, TODAY)
                .is_empty()
        );
        assert_eq!(draft.fax, "03-1234-5678");
        assert_eq!(draft.email, "hanako@example.jp");
        // A refused answer is kept as typed, to be corrected.
        let wrong = RequestForm {
            channel: "fax".into(),
            fax: "call me".into(),
            ..Default::default()
        };
        assert!(!draft.answer(RequestStep::Contact, &wrong, TODAY).is_empty());
        assert_eq!(draft.fax, "call me");
    }

    #[test]
    fn a_new_channel_asks_for_its_contact_details_again() {
        let by_email = RequestForm {
            channel: "email".into(),
            email: "hanako@example.jp".into(),
            ..Default::default()
        };
        let mut draft = RequestDraft::default();
        assert!(
            draft
                .answer(RequestStep::Channel, &by_email, TODAY)
                .is_empty()
        );
        assert!(
            draft
                .answer(RequestStep::Contact, &by_email, TODAY)
                .is_empty()
        );
        assert!(
            draft
                .answer(RequestStep::Channel, &by_email, TODAY)
                .is_empty()
        );
        assert!(
            draft.is_done(RequestStep::Contact),
            "the same channel keeps them"
        );
        let by_fax = RequestForm {
            channel: "fax".into(),
            ..by_email
        };
        assert!(
            draft
                .answer(RequestStep::Channel, &by_fax, TODAY)
                .is_empty()
        );
        assert_eq!(draft.next_step(), Some(RequestStep::Topic));
        assert!(!draft.is_done(RequestStep::Contact));
        assert_eq!(
            draft.check(RequestStep::Contact, TODAY),
            vec![("fax", Invalid::Missing)]
        );
    }

    #[test]
    fn a_customer_message_reopens_what_waits_for_them() {
        assert_eq!(
            RequestStatus::Resolved.after_customer_message(),
            RequestStatus::Open
        );
        assert_eq!(
            RequestStatus::Waiting.after_customer_message(),
            RequestStatus::Open
        );
        assert_eq!(
            RequestStatus::New.after_customer_message(),
            RequestStatus::New
        );
        assert_eq!(
            RequestStatus::Closed.after_customer_message(),
            RequestStatus::Closed
        );
    }
}
