//! The measures the desk may take after an incident, graduated as the published policy
//! says: a written warning; limits (answers by email only from a supervisor, sessions only
//! with a supervisor's approval, a number of new requests a week); a suspension of requests,
//! sessions or both, which a second person must approve. Each has a reason and an end date.
//!
//! Whatever is in force, some ways in never close: reporting a lost or stolen card,
//! disputing unauthorised use, asking for an accommodation, complaining about staff,
//! appealing, and ending a proxy registration. [`always_open`] names the request topics
//! among them; the rest are pages no measure is ever checked on.

use super::Lang;
use super::booking::optional_text;
use super::journey::{Refusals, StepErrors, choice};
use super::request::{ReplyChannel, Topic};
use super::{Invalid, dates};
use time::{Date, Duration, OffsetDateTime};

stored_names! {
    /// How far a measure goes.
    MeasureKind {
        /// A written warning; nothing is limited.
        Warning = "warning",
        /// Limits on how the person reaches the desk.
        Limits = "limits",
        /// New requests, sessions or both are suspended.
        Suspension = "suspension",
    }
}

stored_names! {
    /// Where a measure stands.
    MeasureStatus {
        /// A suspension waiting for a second person's approval; not in force.
        Proposed = "proposed",
        /// In force until its end date.
        Active = "active",
        /// A proposed suspension the second person did not approve.
        Declined = "declined",
        /// Ended early, with a reason.
        Lifted = "lifted",
    }
}

stored_names! {
    /// What an appeal came to.
    AppealOutcome {
        /// The measure stays as it is.
        Upheld = "upheld",
        /// The measure was lifted.
        Lifted = "lifted",
    }
}

/// The longest reason or reply, in characters.
pub const REASON_MAX_CHARS: usize = 2_000;
/// The longest appeal, in characters.
pub const APPEAL_MAX_CHARS: usize = 4_000;
/// The most new requests a week a limit may allow.
pub const WEEKLY_MAX: u32 = 20;
/// The longest a measure may last, in days.
pub const LONGEST_DAYS: i64 = 366;

/// Whether a request about `topic` is taken whatever measure is in force: a lost or stolen
/// card, unauthorised use, an accommodation, or a complaint about staff.
pub fn always_open(topic: Topic) -> bool {
    matches!(
        topic,
        Topic::LostStolen | Topic::UnauthorisedUse | Topic::Accommodation | Topic::StaffConduct
    )
}

/// A measure's form as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(default)]
pub struct MeasureForm {
    /// One of [`MeasureKind`].
    pub measure_kind: String,
    /// `yes` for answers by email only, from a supervisor.
    pub email_only: String,
    /// `yes` for sessions only with a supervisor's approval.
    pub sessions_need_approval: String,
    /// A number of new requests a week, or empty.
    pub weekly_requests: String,
    /// `requests`, `sessions`, or both.
    pub suspend: Vec<String>,
    /// The reason, as the person will read it.
    #[serde(rename = "measure_reason")]
    pub reason: String,
    #[serde(rename = "ends-year")]
    pub ends_year: String,
    #[serde(rename = "ends-month")]
    pub ends_month: String,
    #[serde(rename = "ends-day")]
    pub ends_day: String,
    /// The language the person is written to in.
    pub letter_lang: String,
}

/// A measure that passed every check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewMeasure {
    pub kind: MeasureKind,
    pub email_only: bool,
    pub sessions_need_approval: bool,
    pub weekly_requests: Option<u32>,
    pub suspend_requests: bool,
    pub suspend_sessions: bool,
    pub reason: String,
    /// The last day it is in force, in the desk's zone.
    pub ends_on: Date,
    pub lang: Lang,
}

fn weekly(raw: &str) -> Result<Option<u32>, Invalid> {
    let raw = super::width::numeric(raw.trim());
    if raw.is_empty() {
        return Ok(None);
    }
    match raw.parse::<u32>() {
        Ok(n) if (1..=WEEKLY_MAX).contains(&n) => Ok(Some(n)),
        Ok(_) => Err(Invalid::OutOfRange),
        Err(_) => Err(Invalid::BadFormat),
    }
}

/// Reads a reason or a reply: 1 to [`REASON_MAX_CHARS`] characters, line breaks kept.
pub fn reason(raw: &str) -> Result<String, Invalid> {
    optional_text(raw, REASON_MAX_CHARS)?.ok_or(Invalid::Missing)
}

/// Reads an appeal: 1 to [`APPEAL_MAX_CHARS`] characters, line breaks kept.
pub fn appeal(raw: &str) -> Result<String, Invalid> {
    optional_text(raw, APPEAL_MAX_CHARS)?.ok_or(Invalid::Missing)
}

impl MeasureForm {
    /// Checks the form on `today` (in the desk's zone). Every refused field is named, in
    /// the order the page asks them.
    pub fn check(&self, today: Date) -> Result<NewMeasure, StepErrors> {
        let mut refusals = Refusals::default();
        let kind = refusals.keep(
            "measure_kind",
            choice(&self.measure_kind, MeasureKind::parse),
        );
        let email_only = self.email_only == "yes";
        let sessions_need_approval = self.sessions_need_approval == "yes";
        let weekly_requests = refusals.keep("weekly_requests", weekly(&self.weekly_requests));
        let suspend_requests = self.suspend.iter().any(|s| s == "requests");
        let suspend_sessions = self.suspend.iter().any(|s| s == "sessions");
        if self
            .suspend
            .iter()
            .any(|s| s != "requests" && s != "sessions")
        {
            refusals.refuse("suspend", Invalid::NotAChoice);
        }
        let limits_chosen =
            email_only || sessions_need_approval || self.weekly_requests.trim() != "";
        match kind {
            Some(MeasureKind::Limits) if !limits_chosen => {
                refusals.refuse("email_only", Invalid::Missing)
            }
            Some(MeasureKind::Suspension) if !(suspend_requests || suspend_sessions) => {
                refusals.refuse("suspend", Invalid::Missing)
            }
            _ => {}
        }
        let reason = refusals.keep("measure_reason", reason(&self.reason));
        let ends_on = refusals.keep(
            "ends",
            dates::typed_date(&self.ends_year, &self.ends_month, &self.ends_day).and_then(|d| {
                if d <= today || d > today + Duration::days(LONGEST_DAYS) {
                    Err(Invalid::OutOfRange)
                } else {
                    Ok(d)
                }
            }),
        );
        let lang = refusals.keep("letter_lang", choice(&self.letter_lang, Lang::from_code));
        if !refusals.is_empty() {
            return Err(refusals.into_errors());
        }
        match (kind, reason, ends_on, lang, weekly_requests) {
            (Some(kind), Some(reason), Some(ends_on), Some(lang), Some(weekly_requests)) => {
                // Only what the kind of measure means is kept: a warning limits nothing.
                let limits = kind == MeasureKind::Limits;
                let suspension = kind == MeasureKind::Suspension;
                Ok(NewMeasure {
                    kind,
                    email_only: limits && email_only,
                    sessions_need_approval: limits && sessions_need_approval,
                    weekly_requests: weekly_requests.filter(|_| limits),
                    suspend_requests: suspension && suspend_requests,
                    suspend_sessions: suspension && suspend_sessions,
                    reason,
                    ends_on,
                    lang,
                })
            }
            _ => Err(vec![("measure_kind", Invalid::Missing)]),
        }
    }
}

/// What one measure in force stops, as the checks need it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InForce {
    pub email_only: bool,
    pub sessions_need_approval: bool,
    pub weekly_requests: Option<u32>,
    pub suspend_requests: bool,
    pub suspend_sessions: bool,
    pub ends_at: OffsetDateTime,
}

/// Why a new request or session is not taken, with the day it can be again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Held {
    /// New requests, or sessions, are suspended.
    Suspended { until: OffsetDateTime },
    /// The week's requests have been sent.
    WeeklyLimit { limit: u32, until: OffsetDateTime },
    /// Answers come by email only.
    EmailOnly { until: OffsetDateTime },
    /// Sessions are arranged with a supervisor.
    NeedsApproval { until: OffsetDateTime },
}

/// Whether a new request is taken from someone under `measures` who sent `this_week`
/// requests in the last seven days. A request about an always-open topic always is.
pub fn request_held(
    measures: &[InForce],
    topic: Topic,
    channel: ReplyChannel,
    this_week: u64,
) -> Option<Held> {
    if always_open(topic) {
        return None;
    }
    let latest = |pick: &dyn Fn(&InForce) -> bool| {
        measures.iter().filter(|m| pick(m)).map(|m| m.ends_at).max()
    };
    if let Some(until) = latest(&|m| m.suspend_requests) {
        return Some(Held::Suspended { until });
    }
    let tightest = measures
        .iter()
        .filter_map(|m| m.weekly_requests.map(|n| (n, m.ends_at)))
        .min_by_key(|(n, _)| *n);
    if let Some((limit, until)) = tightest
        && this_week >= u64::from(limit)
    {
        return Some(Held::WeeklyLimit { limit, until });
    }
    if channel != ReplyChannel::Email
        && let Some(until) = latest(&|m| m.email_only)
    {
        return Some(Held::EmailOnly { until });
    }
    None
}

/// Whether a new session is booked for someone under `measures`. A session about an
/// always-open topic always is.
pub fn booking_held(measures: &[InForce], topic: Topic) -> Option<Held> {
    if always_open(topic) {
        return None;
    }
    let latest = |pick: &dyn Fn(&InForce) -> bool| {
        measures.iter().filter(|m| pick(m)).map(|m| m.ends_at).max()
    };
    if let Some(until) = latest(&|m| m.suspend_sessions) {
        return Some(Held::Suspended { until });
    }
    latest(&|m| m.sessions_need_approval).map(|until| Held::NeedsApproval { until })
}

/// Whether any measure in force means a request is handled by a supervisor.
pub fn handled_by_supervisor(measures: &[InForce]) -> bool {
    measures.iter().any(|m| m.email_only)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{date, datetime};

    const TODAY: Date = date!(2026 - 12 - 10);

    fn form(kind: &str) -> MeasureForm {
        MeasureForm {
            measure_kind: kind.into(),
            reason: "You wrote threats to our staff on 9 December.".into(),
            ends_year: "2027".into(),
            ends_month: "3".into(),
            ends_day: "31".into(),
            letter_lang: "ja".into(),
            ..MeasureForm::default()
        }
    }

    fn fields(errors: StepErrors) -> Vec<&'static str> {
        errors.into_iter().map(|(f, _)| f).collect()
    }

    #[test]
    fn a_warning_limits_nothing_whatever_was_ticked() {
        let mut warning = form("warning");
        warning.email_only = "yes".into();
        warning.suspend = vec!["requests".into()];
        let m = warning.check(TODAY).unwrap();
        assert_eq!(m.kind, MeasureKind::Warning);
        assert!(!m.email_only && !m.suspend_requests);
        assert_eq!(m.ends_on, date!(2027 - 03 - 31));
        assert_eq!(m.lang, Lang::Ja);
    }

    #[test]
    fn limits_and_suspensions_must_say_what_they_limit() {
        assert_eq!(
            fields(form("limits").check(TODAY).unwrap_err()),
            vec!["email_only"]
        );
        assert_eq!(
            fields(form("suspension").check(TODAY).unwrap_err()),
            vec!["suspend"]
        );
        let mut limits = form("limits");
        limits.weekly_requests = "２".into();
        assert_eq!(limits.check(TODAY).unwrap().weekly_requests, Some(2));
        limits.weekly_requests = "0".into();
        assert_eq!(
            limits.check(TODAY).unwrap_err(),
            vec![("weekly_requests", Invalid::OutOfRange)]
        );
        let mut suspension = form("suspension");
        suspension.suspend = vec!["sessions".into()];
        let m = suspension.check(TODAY).unwrap();
        assert!(m.suspend_sessions && !m.suspend_requests);
    }

    #[test]
    fn a_measure_ends_after_today_and_within_a_year() {
        let mut past = form("warning");
        past.ends_year = "2026".into();
        past.ends_month = "12".into();
        past.ends_day = "10".into();
        assert_eq!(
            past.check(TODAY).unwrap_err(),
            vec![("ends", Invalid::OutOfRange)]
        );
        past.ends_year = "2028".into();
        assert_eq!(
            past.check(TODAY).unwrap_err(),
            vec![("ends", Invalid::OutOfRange)]
        );
        let empty = MeasureForm::default().check(TODAY).unwrap_err();
        assert_eq!(
            fields(empty),
            vec!["measure_kind", "measure_reason", "ends", "letter_lang"]
        );
    }

    fn suspension() -> InForce {
        InForce {
            email_only: false,
            sessions_need_approval: false,
            weekly_requests: None,
            suspend_requests: true,
            suspend_sessions: true,
            ends_at: datetime!(2027-03-31 15:00 UTC),
        }
    }

    #[test]
    fn the_ways_that_never_close_stay_open_under_a_suspension() {
        let m = [suspension()];
        for topic in [
            Topic::LostStolen,
            Topic::UnauthorisedUse,
            Topic::Accommodation,
            Topic::StaffConduct,
        ] {
            assert_eq!(request_held(&m, topic, ReplyChannel::Fax, 99), None);
            assert_eq!(booking_held(&m, topic), None);
        }
        assert!(matches!(
            request_held(&m, Topic::Points, ReplyChannel::Email, 0),
            Some(Held::Suspended { .. })
        ));
        assert!(matches!(
            booking_held(&m, Topic::Points),
            Some(Held::Suspended { .. })
        ));
    }

    #[test]
    fn limits_hold_only_what_they_name() {
        let limits = InForce {
            email_only: true,
            sessions_need_approval: true,
            weekly_requests: Some(2),
            suspend_requests: false,
            suspend_sessions: false,
            ends_at: datetime!(2027-03-31 15:00 UTC),
        };
        let m = [limits];
        assert_eq!(
            request_held(&m, Topic::Points, ReplyChannel::Email, 1),
            None
        );
        assert!(matches!(
            request_held(&m, Topic::Points, ReplyChannel::Email, 2),
            Some(Held::WeeklyLimit { limit: 2, .. })
        ));
        assert!(matches!(
            request_held(&m, Topic::Points, ReplyChannel::Post, 0),
            Some(Held::EmailOnly { .. })
        ));
        assert!(matches!(
            booking_held(&m, Topic::Statements),
            Some(Held::NeedsApproval { .. })
        ));
        assert!(handled_by_supervisor(&m));
        assert_eq!(
            request_held(&[], Topic::Points, ReplyChannel::Post, 50),
            None
        );
    }
}
