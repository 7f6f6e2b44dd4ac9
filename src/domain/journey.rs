//! Journeys: a form asked one question a page (applying as a proxy, sending a request,
//! booking a session), whose answers are kept as typed between pages so nothing is lost and
//! there is no time limit. A journey knows its steps in order, takes a step's fields from
//! what its page sent, checks a step, finds the first step still to answer, and, once every
//! step is accepted, reads the whole into the value it was for.
//!
//! Here too are the small readers every journey's checks share.

use super::{Email, Invalid};
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::fmt::Debug;
use time::Date;

/// The refused fields of a step, in the order of the page: the field's name (which is also
/// its element id) and why.
pub type StepErrors = Vec<(&'static str, Invalid)>;

/// One step of a journey: a page with its own part of the address.
pub trait Step: Copy + Eq + Ord + Debug + Send + Sync + 'static {
    /// Every step, in the order they are asked.
    const ALL: &'static [Self];

    /// The step's part of the address, as in `/proxy/apply/customer-name`.
    fn slug(self) -> &'static str;

    /// The step with a slug.
    fn from_slug(slug: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|s| s.slug() == slug)
    }

    /// The step before, if any.
    fn previous(self) -> Option<Self> {
        let i = Self::ALL.iter().position(|s| *s == self)?;
        i.checked_sub(1).map(|i| Self::ALL[i])
    }

    /// The step after, if any.
    fn next(self) -> Option<Self> {
        let i = Self::ALL.iter().position(|s| *s == self)?;
        Self::ALL.get(i + 1).copied()
    }
}

/// Where a page of a journey leads: its start page, one of its steps, or the page where the
/// answers are checked before they are sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place<S> {
    /// The journey's start page.
    Start,
    /// One question.
    Step(S),
    /// Check your answers.
    Check,
}

/// The answers of one kind of journey, exactly as typed, so a refused page shows them again
/// and closing the browser loses nothing.
pub trait Journey: Default + Serialize + DeserializeOwned + Send + Sync + 'static {
    /// The journey's name, kept beside its answers, so that one journey's token never opens
    /// another kind of journey.
    const KIND: &'static str;

    /// Its steps.
    type Step: Step;

    /// What a step's page sends, typed: the fields of every step, each step taking its own.
    type Form: Send;

    /// The value the journey is for, read from every answer once each is accepted.
    type Finished;

    /// Copies a step's fields from what its page sent into the answers.
    fn take(&mut self, step: Self::Step, form: &Self::Form);

    /// Checks the answers of one step; `today` is the desk's day (a date of birth is in the
    /// past).
    fn check(&self, step: Self::Step, today: Date) -> StepErrors;

    /// Whether a step's answers were accepted.
    fn is_done(&self, step: Self::Step) -> bool;

    /// Marks a step's answers accepted or not.
    fn mark(&mut self, step: Self::Step, accepted: bool);

    /// Whether the journey has been sent: then only what its confirmation needs is kept.
    fn is_sent(&self) -> bool;

    /// The whole, when every answer is acceptable.
    fn finish(&self, today: Date) -> Result<Self::Finished, StepErrors>;

    /// The first step not yet accepted, or `None` when every step is.
    fn next_step(&self) -> Option<Self::Step> {
        Self::Step::ALL.iter().copied().find(|s| !self.is_done(*s))
    }

    /// Where the journey goes next: the first step not yet accepted, or the check page.
    fn next_place(&self) -> Place<Self::Step> {
        self.next_step().map_or(Place::Check, Place::Step)
    }

    /// Whether any step has been answered, so the journey can be taken up again.
    fn is_started(&self) -> bool {
        Self::Step::ALL.iter().any(|s| self.is_done(*s))
    }

    /// Takes and checks one step's answers, keeping them even when refused (so that they are
    /// shown again), and marks the step accepted or not.
    fn answer(&mut self, step: Self::Step, form: &Self::Form, today: Date) -> StepErrors {
        self.take(step, form);
        let refused = self.check(step, today);
        self.mark(step, refused.is_empty());
        refused
    }

    /// Opens again every step whose answers no longer hold, when the whole was refused at
    /// the last moment (a step refused meanwhile): the journey asks for them again.
    fn ask_again(&mut self, today: Date) {
        for step in Self::Step::ALL.iter().copied() {
            if !self.check(step, today).is_empty() {
                self.mark(step, false);
            }
        }
    }
}

/// Where a step page's back link goes: from the check page (`change`), back there; else to
/// the step before, or to the start page from the first.
pub fn back_from<S: Step>(step: S, change: bool) -> Place<S> {
    if change {
        return Place::Check;
    }
    step.previous().map_or(Place::Start, Place::Step)
}

/// Gathers a step's refused fields while keeping the accepted values.
#[derive(Debug, Default)]
pub struct Refusals(StepErrors);

impl Refusals {
    /// Keeps a parsed value, or records why the field was refused.
    pub fn keep<T>(&mut self, field: &'static str, parsed: Result<T, Invalid>) -> Option<T> {
        parsed.map_err(|why| self.0.push((field, why))).ok()
    }

    /// Records a refused field.
    pub fn refuse(&mut self, field: &'static str, why: Invalid) {
        self.0.push((field, why));
    }

    /// Whether every field was accepted.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The refused fields, in the order they were checked.
    pub fn into_errors(self) -> StepErrors {
        self.0
    }
}

/// Reads one of a closed list of choices: nothing chosen is missing, anything else not on
/// the list is not a choice.
pub fn choice<T>(raw: &str, parse: impl Fn(&str) -> Option<T>) -> Result<T, Invalid> {
    if raw.is_empty() {
        return Err(Invalid::Missing);
    }
    parse(raw).ok_or(Invalid::NotAChoice)
}

/// Why a value sent for a choice was refused: nothing chosen is missing, anything else was
/// not among the choices offered.
pub fn refused_choice(raw: &str) -> Invalid {
    if raw.is_empty() {
        Invalid::Missing
    } else {
        Invalid::NotAChoice
    }
}

/// Replaces an accepted answer with the form it is kept in, when `read` gives one: what a
/// check page then shows is what will be sent.
pub fn tidy(answer: &mut String, read: impl FnOnce(&str) -> Option<String>) {
    if let Some(kept) = read(answer) {
        *answer = kept;
    }
}

/// Reads an email address that may be left out.
pub fn optional_email(raw: &str) -> Result<Option<Email>, Invalid> {
    if raw.trim().is_empty() {
        Ok(None)
    } else {
        Email::parse(raw).map(Some)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::{Deserialize, Serialize};
    use std::collections::BTreeSet;
    use time::macros::date;

    const TODAY: Date = date!(2026 - 11 - 25);

    #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
    enum Question {
        Name,
        Colour,
        Email,
    }

    impl Step for Question {
        const ALL: &'static [Self] = &[Question::Name, Question::Colour, Question::Email];

        fn slug(self) -> &'static str {
            match self {
                Question::Name => "name",
                Question::Colour => "colour",
                Question::Email => "email",
            }
        }
    }

    /// A journey of three questions, the second a choice.
    #[derive(Debug, Default, Serialize, Deserialize)]
    struct Survey {
        name: String,
        colour: String,
        email: String,
        done: BTreeSet<String>,
        sent: bool,
    }

    #[derive(Debug, Default)]
    struct SurveyForm {
        name: String,
        colour: String,
        email: String,
    }

    fn colour(raw: &str) -> Option<&'static str> {
        ["red", "blue"].into_iter().find(|c| *c == raw)
    }

    impl Journey for Survey {
        const KIND: &'static str = "survey";
        type Step = Question;
        type Form = SurveyForm;
        type Finished = (String, &'static str, Option<Email>);

        fn take(&mut self, step: Question, form: &SurveyForm) {
            match step {
                Question::Name => self.name = form.name.clone(),
                Question::Colour => self.colour = form.colour.clone(),
                Question::Email => self.email = form.email.clone(),
            }
        }

        fn check(&self, step: Question, _: Date) -> StepErrors {
            let mut refused = Refusals::default();
            match step {
                Question::Name => {
                    refused.keep("name", super::super::required_text(&self.name, 10));
                }
                Question::Colour => {
                    refused.keep("colour", choice(&self.colour, colour));
                }
                Question::Email => {
                    refused.keep("email", optional_email(&self.email));
                }
            }
            refused.into_errors()
        }

        fn is_done(&self, step: Question) -> bool {
            self.done.contains(step.slug())
        }

        fn mark(&mut self, step: Question, accepted: bool) {
            if accepted {
                self.done.insert(step.slug().to_owned());
            } else {
                self.done.remove(step.slug());
            }
        }

        fn is_sent(&self) -> bool {
            self.sent
        }

        fn finish(&self, today: Date) -> Result<Self::Finished, StepErrors> {
            let errors: StepErrors = Question::ALL
                .iter()
                .flat_map(|s| self.check(*s, today))
                .collect();
            if !errors.is_empty() {
                return Err(errors);
            }
            let refused = || vec![("survey", Invalid::BadFormat)];
            Ok((
                self.name.trim().to_owned(),
                colour(&self.colour).ok_or_else(refused)?,
                optional_email(&self.email).map_err(|_| refused())?,
            ))
        }
    }

    #[test]
    fn steps_go_in_order_and_are_found_by_slug() {
        assert_eq!(Question::from_slug("colour"), Some(Question::Colour));
        assert_eq!(Question::from_slug("Colour"), None);
        assert_eq!(Question::from_slug(""), None);
        assert_eq!(Question::Name.previous(), None);
        assert_eq!(Question::Email.previous(), Some(Question::Colour));
        assert_eq!(Question::Name.next(), Some(Question::Colour));
        assert_eq!(Question::Email.next(), None);
        for step in Question::ALL {
            assert_eq!(Question::from_slug(step.slug()), Some(*step));
        }
    }

    #[test]
    fn the_next_step_is_the_first_not_yet_accepted() {
        let mut survey = Survey::default();
        assert!(!survey.is_started());
        assert_eq!(survey.next_place(), Place::Step(Question::Name));
        // A later step answered first does not skip the earlier one.
        let form = SurveyForm {
            name: "Hanako".into(),
            colour: "blue".into(),
            ..Default::default()
        };
        assert!(survey.answer(Question::Colour, &form, TODAY).is_empty());
        assert!(survey.is_started());
        assert_eq!(survey.next_step(), Some(Question::Name));
        assert!(survey.answer(Question::Name, &form, TODAY).is_empty());
        assert_eq!(survey.next_step(), Some(Question::Email));
        assert!(survey.answer(Question::Email, &form, TODAY).is_empty());
        assert_eq!(survey.next_place(), Place::Check);
        assert_eq!(
            survey.finish(TODAY),
            Ok(("Hanako".to_owned(), "blue", None))
        );
    }

    #[test]
    fn a_refused_answer_is_kept_and_its_step_opened_again() {
        let mut survey = Survey::default();
        for step in Question::ALL {
            let form = SurveyForm {
                name: "Hanako".into(),
                colour: "red".into(),
                ..Default::default()
            };
            assert!(survey.answer(*step, &form, TODAY).is_empty());
        }
        let green = SurveyForm {
            colour: "green".into(),
            ..Default::default()
        };
        assert_eq!(
            survey.answer(Question::Colour, &green, TODAY),
            vec![("colour", Invalid::NotAChoice)]
        );
        assert_eq!(survey.colour, "green", "what was typed is kept");
        assert_eq!(survey.next_step(), Some(Question::Colour));
        // Accepted once, refused later (as a date of birth can be): asked again.
        survey.mark(Question::Colour, true);
        assert_eq!(survey.next_place(), Place::Check);
        assert_eq!(
            survey.finish(TODAY),
            Err(vec![("colour", Invalid::NotAChoice)])
        );
        survey.ask_again(TODAY);
        assert_eq!(survey.next_step(), Some(Question::Colour));
        assert!(survey.is_done(Question::Name) && survey.is_done(Question::Email));
    }

    #[test]
    fn a_step_opened_from_the_check_page_goes_back_there() {
        assert_eq!(back_from(Question::Colour, true), Place::Check);
        assert_eq!(back_from(Question::Name, true), Place::Check);
        assert_eq!(
            back_from(Question::Colour, false),
            Place::Step(Question::Name)
        );
        assert_eq!(back_from(Question::Name, false), Place::Start);
    }

    #[test]
    fn shared_readers_name_what_is_wrong() {
        assert_eq!(choice("", colour), Err(Invalid::Missing));
        assert_eq!(choice("green", colour), Err(Invalid::NotAChoice));
        assert_eq!(choice("red", colour), Ok("red"));
        assert_eq!(refused_choice(""), Invalid::Missing);
        assert_eq!(refused_choice(" "), Invalid::NotAChoice);
        assert_eq!(optional_email("  "), Ok(None));
        assert!(optional_email("hanako@example.jp").unwrap().is_some());
        assert_eq!(optional_email("hanako"), Err(Invalid::BadFormat));
        let mut refused = Refusals::default();
        assert_eq!(refused.keep("a", Ok::<_, Invalid>(1)), Some(1));
        assert_eq!(refused.keep::<u8>("b", Err(Invalid::TooLong)), None);
        refused.refuse("c", Invalid::Missing);
        assert_eq!(
            refused.into_errors(),
            vec![("b", Invalid::TooLong), ("c", Invalid::Missing)]
        );
    }
}
