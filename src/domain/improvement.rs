//! An improvement case: what customers said, what the desk did about it, in Japanese and
//! English, moving from proposed to in progress to done; a supervisor publishes done cases
//! on the public "you said, we did" page.

use super::Invalid;
use super::booking::optional_text;
use super::journey::{Refusals, StepErrors};

/// The longest "you said" or "we did", in characters.
pub const TEXT_MAX: usize = 2000;

stored_names! {
    /// Where a case stands.
    CaseStatus {
        /// Written up, not yet being worked on.
        Proposed = "proposed",
        /// Being worked on.
        InProgress = "in_progress",
        /// Done: a supervisor may publish it.
        Done = "done",
    }
}

impl CaseStatus {
    /// The statuses a case may move to from this one: forward one step, or back one.
    pub fn next(self) -> &'static [CaseStatus] {
        match self {
            CaseStatus::Proposed => &[CaseStatus::InProgress],
            CaseStatus::InProgress => &[CaseStatus::Done, CaseStatus::Proposed],
            CaseStatus::Done => &[CaseStatus::InProgress],
        }
    }
}

/// What a move does to one of a case's moments.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stamp {
    /// Left as it is.
    Keep,
    /// Set to the moment of the move.
    Now,
    /// Cleared: the case is no longer there.
    Clear,
}

/// What moving a case does besides changing its status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Move {
    /// When work on it started.
    pub started: Stamp,
    /// When it was done.
    pub done: Stamp,
    /// Whether it leaves the public page: a published case that is no longer done.
    pub withdraws: bool,
}

/// Why a case cannot move.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MoveRefused {
    /// The status does not follow the case's own (see [`CaseStatus::next`]).
    NotNext,
    /// A done case needs "we did" in both languages.
    WeDidMissing,
}

impl CaseStatus {
    /// What moving a case from this status to `to` does, when it may: `we_did_written` is
    /// whether "we did" is written in both languages, `published` whether the case is on
    /// the public page.
    pub fn move_to(
        self,
        to: CaseStatus,
        we_did_written: bool,
        published: bool,
    ) -> Result<Move, MoveRefused> {
        if !self.next().contains(&to) {
            return Err(MoveRefused::NotNext);
        }
        if to == CaseStatus::Done && !we_did_written {
            return Err(MoveRefused::WeDidMissing);
        }
        let keep = Move {
            started: Stamp::Keep,
            done: Stamp::Keep,
            withdraws: false,
        };
        Ok(match (self, to) {
            (CaseStatus::Proposed, CaseStatus::InProgress) => Move {
                started: Stamp::Now,
                ..keep
            },
            (CaseStatus::InProgress, CaseStatus::Proposed) => Move {
                started: Stamp::Clear,
                ..keep
            },
            (CaseStatus::InProgress, CaseStatus::Done) => Move {
                done: Stamp::Now,
                ..keep
            },
            (CaseStatus::Done, CaseStatus::InProgress) => Move {
                done: Stamp::Clear,
                withdraws: published,
                ..keep
            },
            _ => keep,
        })
    }

    /// Whether a case in this status may be on the public page: only a done one, with
    /// "we did" in both languages.
    pub fn publishable(self, we_did_written: bool) -> bool {
        self == CaseStatus::Done && we_did_written
    }
}

/// The case form, exactly as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(default)]
pub struct CaseForm {
    /// What customers said, in Japanese.
    pub you_said_ja: String,
    /// What customers said, in English.
    pub you_said_en: String,
    /// What the desk did, in Japanese; may wait until the case is done.
    pub we_did_ja: String,
    /// What the desk did, in English; may wait until the case is done.
    pub we_did_en: String,
}

/// A case's words that passed every check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseText {
    /// What customers said, in Japanese.
    pub you_said_ja: String,
    /// What customers said, in English.
    pub you_said_en: String,
    /// What the desk did, in Japanese.
    pub we_did_ja: Option<String>,
    /// What the desk did, in English.
    pub we_did_en: Option<String>,
}

impl CaseText {
    /// Whether "we did" is written in both languages, as a done case needs.
    pub fn we_did_written(&self) -> bool {
        self.we_did_ja.is_some() && self.we_did_en.is_some()
    }
}

fn required(raw: &str) -> Result<String, Invalid> {
    optional_text(raw, TEXT_MAX)?.ok_or(Invalid::Missing)
}

impl CaseForm {
    /// Checks every field. A case that is `done` needs "we did" in both languages.
    pub fn check(&self, status: CaseStatus) -> Result<CaseText, StepErrors> {
        let mut refusals = Refusals::default();
        let you_said_ja = refusals.keep("you_said_ja", required(&self.you_said_ja));
        let you_said_en = refusals.keep("you_said_en", required(&self.you_said_en));
        let (we_did_ja, we_did_en) = if status == CaseStatus::Done {
            (
                refusals.keep("we_did_ja", required(&self.we_did_ja).map(Some)),
                refusals.keep("we_did_en", required(&self.we_did_en).map(Some)),
            )
        } else {
            (
                refusals.keep("we_did_ja", optional_text(&self.we_did_ja, TEXT_MAX)),
                refusals.keep("we_did_en", optional_text(&self.we_did_en, TEXT_MAX)),
            )
        };
        match (you_said_ja, you_said_en, we_did_ja, we_did_en) {
            (Some(you_said_ja), Some(you_said_en), Some(we_did_ja), Some(we_did_en)) => {
                Ok(CaseText {
                    you_said_ja,
                    you_said_en,
                    we_did_ja,
                    we_did_en,
                })
            }
            _ => Err(refusals.into_errors()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(you_said: &str, we_did: &str) -> CaseForm {
        CaseForm {
            you_said_ja: you_said.into(),
            you_said_en: you_said.into(),
            we_did_ja: we_did.into(),
            we_did_en: we_did.into(),
        }
    }

    #[test]
    fn a_proposed_case_needs_only_what_customers_said() {
        let text = form("字幕がほしい", "")
            .check(CaseStatus::Proposed)
            .unwrap();
        assert_eq!(text.you_said_ja, "字幕がほしい");
        assert!(!text.we_did_written());
    }

    #[test]
    fn a_done_case_needs_what_was_done_in_both_languages() {
        assert_eq!(
            form("a", "").check(CaseStatus::Done),
            Err(vec![
                ("we_did_ja", Invalid::Missing),
                ("we_did_en", Invalid::Missing)
            ])
        );
        assert!(
            form("a", "b")
                .check(CaseStatus::Done)
                .unwrap()
                .we_did_written()
        );
        assert_eq!(
            form("", "").check(CaseStatus::Proposed),
            Err(vec![
                ("you_said_ja", Invalid::Missing),
                ("you_said_en", Invalid::Missing)
            ])
        );
    }

    #[test]
    fn a_case_moves_one_step_at_a_time() {
        assert_eq!(CaseStatus::Proposed.next(), &[CaseStatus::InProgress]);
        assert!(CaseStatus::InProgress.next().contains(&CaseStatus::Done));
        assert!(!CaseStatus::Proposed.next().contains(&CaseStatus::Done));
    }

    #[test]
    fn a_move_stamps_when_work_started_and_ended() {
        use CaseStatus::*;
        let started = Proposed.move_to(InProgress, false, false).unwrap();
        assert_eq!((started.started, started.done), (Stamp::Now, Stamp::Keep));
        let back = InProgress.move_to(Proposed, false, false).unwrap();
        assert_eq!(back.started, Stamp::Clear);
        let done = InProgress.move_to(Done, true, false).unwrap();
        assert_eq!((done.started, done.done), (Stamp::Keep, Stamp::Now));
        assert!(!done.withdraws);
    }

    #[test]
    fn a_case_is_done_only_with_what_was_done_and_never_by_a_jump() {
        use CaseStatus::*;
        assert_eq!(
            InProgress.move_to(Done, false, false),
            Err(MoveRefused::WeDidMissing)
        );
        assert_eq!(
            Proposed.move_to(Done, true, false),
            Err(MoveRefused::NotNext)
        );
        assert_eq!(Done.move_to(Done, true, true), Err(MoveRefused::NotNext));
        assert_eq!(
            Done.move_to(Proposed, true, false),
            Err(MoveRefused::NotNext)
        );
    }

    #[test]
    fn reopening_a_published_case_withdraws_it() {
        use CaseStatus::*;
        let reopened = Done.move_to(InProgress, true, true).unwrap();
        assert_eq!(reopened.done, Stamp::Clear);
        assert!(reopened.withdraws);
        assert!(!Done.move_to(InProgress, true, false).unwrap().withdraws);
        assert!(Done.publishable(true));
        assert!(!Done.publishable(false));
        assert!(!InProgress.publishable(true));
    }
}
