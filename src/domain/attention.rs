//! Why a booked session needs staff: its interpreter can no longer take it (their
//! qualification will have expired by its day, among other reasons), or does not sign the
//! language the customer asked for. Pure, so the board, the dashboard and the
//! session page all judge a session the same way.

use super::qualification::{LanguageFit, Qualification, SignLanguage};
use super::schedule::{Interval, merged};
use time::Date;

/// Something about a booked session staff must deal with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Attention {
    /// Nobody can take it: the interpreter's account is gone, deactivated, no longer an
    /// interpreter, or no longer qualified for the mode.
    NoInterpreter,
    /// The interpreter's qualification for the mode holds only until the day given, before
    /// the session's day.
    QualificationExpired(Qualification, Date),
    /// The interpreter is not available at that time any more (a day off, shorter hours).
    InterpreterUnavailable,
    /// The interpreter does not sign the language the customer asked for.
    LanguageLacking(SignLanguage),
}

impl Attention {
    /// The part of a message key naming it.
    pub fn key(self) -> &'static str {
        match self {
            Attention::NoInterpreter => "no_interpreter",
            Attention::QualificationExpired(..) => "qualification_expired",
            Attention::InterpreterUnavailable => "interpreter_unavailable",
            Attention::LanguageLacking(_) => "language_lacking",
        }
    }

    /// Whether the session needs another interpreter (or another time) to go ahead at all.
    pub fn blocks(self) -> bool {
        !matches!(self, Attention::LanguageLacking(_))
    }
}

/// What is known of a booked session's interpreter.
#[derive(Debug, Clone)]
pub struct Assigned<'a> {
    /// Whether they can serve the session's mode at all: an active interpreter with the
    /// mode's qualification.
    pub can_serve: bool,
    /// When they are available on the session's day.
    pub available: &'a [Interval],
    /// How their sign languages meet the customer's request.
    pub fit: LanguageFit,
    /// When their qualification for the mode will have expired by the session's day: which
    /// one, and its last day.
    pub expired: Option<(Qualification, Date)>,
}

/// Everything a booked session needs staff for, most pressing first.
pub fn attention(session: Interval, assigned: &Assigned<'_>) -> Vec<Attention> {
    let mut out = Vec::new();
    if !assigned.can_serve {
        out.push(Attention::NoInterpreter);
    } else {
        if let Some((qualification, last_day)) = assigned.expired {
            out.push(Attention::QualificationExpired(qualification, last_day));
        }
        if !covers(assigned.available, session) {
            out.push(Attention::InterpreterUnavailable);
        }
    }
    if let LanguageFit::Lacks(lang) = assigned.fit {
        out.push(Attention::LanguageLacking(lang));
    }
    out
}

/// Whether the available time holds the whole session.
pub fn covers(available: &[Interval], session: Interval) -> bool {
    merged(available).iter().any(|a| a.contains(&session))
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::Duration;
    use time::macros::datetime;

    fn span(from: time::OffsetDateTime, minutes: i64) -> Interval {
        Interval {
            start: from,
            end: from + Duration::minutes(minutes),
        }
    }

    #[test]
    fn a_session_outside_the_interpreters_hours_or_language_is_flagged() {
        let session = span(datetime!(2026-12-01 10:00 +9), 30);
        let day = [
            span(datetime!(2026-12-01 09:00 +9), 60),
            span(datetime!(2026-12-01 10:00 +9), 60),
        ];
        let fine = Assigned {
            can_serve: true,
            available: &day,
            fit: LanguageFit::Fits,
            expired: None,
        };
        assert!(attention(session, &fine).is_empty(), "adjoining spans join");
        let off = Assigned {
            available: &[],
            ..fine.clone()
        };
        assert_eq!(
            attention(session, &off),
            [Attention::InterpreterUnavailable]
        );
        let gone = Assigned {
            can_serve: false,
            fit: LanguageFit::Lacks(SignLanguage::Asl),
            ..fine
        };
        assert_eq!(
            attention(session, &gone),
            [
                Attention::NoInterpreter,
                Attention::LanguageLacking(SignLanguage::Asl)
            ]
        );
        assert!(!Attention::LanguageLacking(SignLanguage::Asl).blocks());
    }

    #[test]
    fn a_qualification_expired_by_the_sessions_day_is_flagged_and_blocks() {
        let session = span(datetime!(2026-12-01 10:00 +9), 30);
        let day = [span(datetime!(2026-12-01 09:00 +9), 180)];
        let last_day = time::macros::date!(2026 - 11 - 30);
        let lapsed = Assigned {
            can_serve: true,
            available: &day,
            fit: LanguageFit::Fits,
            expired: Some((Qualification::SignLanguageInterpreter, last_day)),
        };
        let needs = attention(session, &lapsed);
        assert_eq!(
            needs,
            [Attention::QualificationExpired(
                Qualification::SignLanguageInterpreter,
                last_day
            )]
        );
        assert!(needs[0].blocks());
        assert_eq!(needs[0].key(), "qualification_expired");
    }
}
