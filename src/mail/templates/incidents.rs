//! The emails about customer-harassment incidents. To supervisors: a new report, a staff
//! member's call for support, a suspension to approve, an appeal to decide — none names the
//! customer; the link leads to the staff pages. To the person a measure is about: each
//! measure, its lifting and the answer to an appeal, in their language, calm and plain,
//! always with the reason, the last day, what stays open and how to appeal.

use super::{EmailContent, Rendered, WayBack, render};
use crate::domain::Lang;
use crate::domain::measure::{AppealOutcome, InForce, MeasureKind};
use crate::i18n::{always_open_lines, measure_terms, t, tf};
use time_tz::Tz;

/// Tells a supervisor something waits for them: `which` names the notice in the catalogue
/// (`email.supervisor.{which}.subject`, `.body` and `.action`: `reported`, a new report;
/// `called`, a call for support; `approval`, a suspension to approve; `appeal`, an appeal
/// to decide), `fill` its placeholders, and `link` the staff page it leads to.
pub fn supervisor_notice(
    lang: Lang,
    which: &str,
    display_name: &str,
    fill: &[(&str, &str)],
    reference: Option<&str>,
    link: &str,
    way_back: WayBack,
) -> Rendered {
    let key = |part: &str| format!("email.supervisor.{which}.{part}");
    render(
        lang,
        &EmailContent {
            subject: tf(lang, &key("subject"), fill),
            greeting: tf(lang, "email.greeting", &[("name", display_name)]),
            reference: reference.map(str::to_owned),
            before: vec![tf(lang, &key("body"), fill)],
            action: Some((t(lang, &key("action")).to_owned(), link.to_owned())),
            links: Vec::new(),
            after: Vec::new(),
            way_back,
        },
    )
}

/// What every letter about a measure draws on.
#[derive(Debug, Clone)]
pub struct MeasureFacts<'a> {
    /// The measure's reference.
    pub reference: &'a str,
    /// Who is written to.
    pub name: &'a str,
    pub kind: MeasureKind,
    /// What it limits, and until when.
    pub terms: InForce,
    /// The reason, as the supervisor wrote it.
    pub reason: &'a str,
    /// The person's notice page, with the appeal.
    pub notice: String,
    /// The published policy.
    pub policy: String,
    /// The desk's zone, for the last day.
    pub timezone: &'static Tz,
}

/// A letter: its subject and opening from `email.measure.{which}`, then `middle`, then what
/// always stays open, the notice (where to appeal) and the policy.
fn letter(
    lang: Lang,
    which: &str,
    facts: &MeasureFacts<'_>,
    middle: Vec<String>,
    way_back: WayBack,
) -> Rendered {
    let mut before = vec![t(lang, &format!("email.measure.{which}.lead")).to_owned()];
    before.extend(middle);
    let mut open = t(lang, "email.measure.open_heading").to_owned();
    for line in always_open_lines(lang) {
        open.push_str("\n・");
        open.push_str(line);
    }
    before.push(open);
    render(
        lang,
        &EmailContent {
            subject: tf(
                lang,
                &format!("email.measure.{which}.subject"),
                &[("reference", facts.reference)],
            ),
            greeting: tf(lang, "email.customer_greeting", &[("name", facts.name)]),
            reference: Some(facts.reference.to_owned()),
            before,
            action: Some((
                t(lang, "email.measure.notice_action").to_owned(),
                facts.notice.clone(),
            )),
            links: vec![(
                t(lang, "email.measure.policy_link").to_owned(),
                facts.policy.clone(),
            )],
            after: vec![t(lang, "email.measure.no_phone").to_owned()],
            way_back,
        },
    )
}

fn reason_and_terms(lang: Lang, facts: &MeasureFacts<'_>) -> Vec<String> {
    let mut lines = vec![tf(
        lang,
        "email.measure.reason",
        &[("reason", facts.reason)],
    )];
    lines.push(measure_terms(lang, facts.kind, &facts.terms, facts.timezone).join("\n"));
    lines.push(t(lang, "email.measure.appeal_how").to_owned());
    lines
}

/// The letter telling the person of a measure now in force: a warning, limits or a
/// suspension, with the reason, what it means, until when, what stays open, and how to
/// reply or appeal.
pub fn measure_taken(lang: Lang, facts: &MeasureFacts<'_>, way_back: WayBack) -> Rendered {
    letter(
        lang,
        facts.kind.as_str(),
        facts,
        reason_and_terms(lang, facts),
        way_back,
    )
}

/// The letter telling the person a measure was lifted early, and why.
pub fn measure_lifted(
    lang: Lang,
    facts: &MeasureFacts<'_>,
    why: &str,
    way_back: WayBack,
) -> Rendered {
    let middle = vec![tf(lang, "email.measure.lifted.why", &[("reason", why)])];
    letter(lang, "lifted", facts, middle, way_back)
}

/// The letter telling the person their appeal arrived and who will decide it.
pub fn appeal_received(lang: Lang, facts: &MeasureFacts<'_>, way_back: WayBack) -> Rendered {
    let middle = vec![t(lang, "email.measure.appeal_received.body").to_owned()];
    letter(lang, "appeal_received", facts, middle, way_back)
}

/// The letter with the decision on an appeal.
pub fn appeal_decided(
    lang: Lang,
    facts: &MeasureFacts<'_>,
    outcome: AppealOutcome,
    reply: &str,
    way_back: WayBack,
) -> Rendered {
    let which = format!("appeal_{}", outcome.as_str());
    let mut middle = vec![tf(lang, "email.measure.answer", &[("reply", reply)])];
    if outcome == AppealOutcome::Upheld {
        middle.extend(reason_and_terms(lang, facts));
    }
    letter(lang, &which, facts, middle, way_back)
}
