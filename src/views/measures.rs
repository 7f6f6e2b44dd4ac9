//! Measures, as staff and as the person they are about see them. For supervisors, on an
//! incident's page: each measure with its approval, lifting and appeals, and the form to
//! take one. For the person: their notice (what is limited, until when, why, what always
//! stays open, and the appeal), and the calm page met instead of sending a request or
//! booking a session while a measure holds it.

use super::PageContext;
use super::components::{
    Banner, Choice, ChoiceGroup, Errors, Input, button, choices, date_input, error_summary, form,
    input, notification_banner, secondary_button, textarea, textarea_with_id, warning_button,
};
use super::layout::{Page, render};
use crate::domain::Lang;
use crate::domain::measure::{
    APPEAL_MAX_CHARS, AppealOutcome, Held, InForce, MeasureForm, MeasureKind, MeasureStatus,
    REASON_MAX_CHARS,
};
use crate::i18n::{always_open_lines, last_day, measure_terms};
use crate::paths;
use maud::{Markup, html};
use serde::Deserialize;
use time::OffsetDateTime;

/// The form on an incident's page that was refused, so that its errors and what was typed
/// show there and nowhere else.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Focus {
    /// Lifting the measure with this id.
    Lift(i64),
    /// Deciding the appeal with this id.
    Appeal(i64),
}

/// One appeal as shown.
#[derive(Debug, Clone)]
pub struct AppealLine {
    pub id: i64,
    pub body: String,
    pub received_at: OffsetDateTime,
    /// The outcome, the answer, who decided (display name; staff pages only) and when.
    pub decided: Option<(AppealOutcome, String, String, OffsetDateTime)>,
    /// Whether the viewer may decide it (staff pages only).
    pub viewer_may_decide: bool,
}

/// One measure as shown to staff.
#[derive(Debug, Clone)]
pub struct MeasureLine {
    pub id: i64,
    pub reference: String,
    pub kind: MeasureKind,
    pub status: MeasureStatus,
    /// Whether it is in force now.
    pub in_force: bool,
    pub terms: InForce,
    pub reason: String,
    /// Who proposed or took it, and when.
    pub proposed: (String, OffsetDateTime),
    /// Who approved, declined or took it, and when.
    pub decided: Option<(String, OffsetDateTime)>,
    /// Who lifted it, when and why.
    pub lifted: Option<(String, OffsetDateTime, String)>,
    /// Whether it has an email address to write to.
    pub has_email: bool,
    /// Whether the viewer proposed it (and so may not approve it).
    pub viewer_proposed: bool,
    pub appeals: Vec<AppealLine>,
}

/// What the measure forms typed, kept when one is refused.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct StepForm {
    /// A reason for lifting, or the answer to an appeal.
    pub answer: String,
    /// `upheld` or `lifted`.
    pub outcome: String,
}

fn kind_name(ctx: &PageContext, kind: MeasureKind) -> &str {
    ctx.t(match kind {
        MeasureKind::Warning => "measure.kind.warning",
        MeasureKind::Limits => "measure.kind.limits",
        MeasureKind::Suspension => "measure.kind.suspension",
    })
}

fn status_line(ctx: &PageContext, m: &MeasureLine) -> String {
    match m.status {
        MeasureStatus::Active if m.in_force => ctx.t("measure.status.in_force").to_owned(),
        MeasureStatus::Active => ctx.t("measure.status.ended").to_owned(),
        other => ctx
            .t(&format!("measure.status.{}", other.as_str()))
            .to_owned(),
    }
}

/// The id of an answer box: several forms on an incident's page send an `answer` (lifting
/// each measure in force, deciding each appeal), so each box has an id of its own, but the
/// refused form's is `answer`, which its error summary links to.
fn answer_id(refused: bool, form: &str, id: i64) -> String {
    if refused {
        "answer".to_owned()
    } else {
        format!("answer-{form}-{id}")
    }
}

fn appeal_lines(
    ctx: &PageContext,
    appeals: &[AppealLine],
    staff: bool,
    errors: &Errors,
    typed: &StepForm,
    focus: Option<Focus>,
) -> Markup {
    let max = crate::domain::measure::REASON_MAX_CHARS.to_string();
    html! {
        @for a in appeals {
            div .note {
                p .note__meta { (ctx.tf("measure.appeal.received", &[("time", &ctx.datetime(a.received_at))])) }
                p .note__body .pre-line { (a.body) }
                @if let Some((outcome, reply, by, at)) = &a.decided {
                    p { strong { (ctx.t(&format!("measure.appeal.outcome.{}", outcome.as_str()))) } " "
                        @if staff { (ctx.tf("measure.appeal.decided_by", &[("name", by), ("time", &ctx.datetime(*at))])) }
                        @else { (ctx.tf("measure.appeal.decided_on", &[("time", &ctx.datetime(*at))])) } }
                    p .pre-line { (reply) }
                } @else if staff {
                    @if a.viewer_may_decide {
                        @let here = focus == Some(Focus::Appeal(a.id));
                        (form(ctx, &paths::staff::appeal_decide(a.id), html! {
                            (choices(ctx, ChoiceGroup {
                                name: "outcome", legend: ctx.t("measure.appeal.decide_legend"), legend_is_heading: false,
                                hint: None,
                                choices: vec![
                                    Choice { value: "upheld", label: ctx.t("measure.appeal.outcome.upheld").to_owned(), hint: None },
                                    Choice { value: "lifted", label: ctx.t("measure.appeal.outcome.lifted").to_owned(), hint: None },
                                ],
                                selected: if here { vec![typed.outcome.as_str()] } else { vec![] },
                                error: if here { errors.message(ctx, "outcome") } else { None },
                                multiple: false,
                            }))
                            (textarea_with_id(ctx, &answer_id(here, "appeal", a.id), "answer", ctx.t("measure.appeal.answer_label"),
                                Some(&ctx.tf("measure.hint.answer", &[("max", &max)])),
                                if here { &typed.answer } else { "" },
                                if here { errors.message(ctx, "answer") } else { None }.as_deref()))
                            (button(ctx.t("measure.appeal.decide")))
                        }))
                    } @else {
                        p { (ctx.t("measure.appeal.not_yours")) }
                    }
                } @else {
                    p { (ctx.t("measure.appeal.waiting")) }
                }
            }
        }
    }
}

/// The measures section of an incident's page: each measure and what can be done with it
/// now, then the form to take one. `focus` names the measure or appeal whose form was
/// refused, so its errors and typed text show there.
#[allow(clippy::too_many_arguments)]
pub fn section(
    ctx: &PageContext,
    incident_id: i64,
    measures: &[MeasureLine],
    can_attach: bool,
    typed: &MeasureForm,
    step: &StepForm,
    errors: &Errors,
    focus: Option<Focus>,
) -> Markup {
    let tz = ctx.tz;
    let reason_max = REASON_MAX_CHARS.to_string();
    html! {
        h2 .heading-m #measures { (ctx.t("measure.section.heading")) }
        p { (ctx.t("measure.section.lead")) }
        @if measures.is_empty() {
            p { (ctx.t("measure.section.none")) }
        }
        @for m in measures {
            section .measure aria-labelledby={ "measure-" (m.id) } {
                h3 .heading-s #{ "measure-" (m.id) } { (kind_name(ctx, m.kind)) " " span .nowrap { (m.reference) } }
                p { strong .tag { (status_line(ctx, m)) } }
                ul .list {
                    @for line in measure_terms(ctx.lang, m.kind, &m.terms, tz) { li { (line) } }
                }
                p { strong { (ctx.t("measure.field.reason")) } }
                p .pre-line { (m.reason) }
                p .hint { (ctx.tf("measure.proposed_by", &[("name", &m.proposed.0), ("time", &ctx.datetime(m.proposed.1))])) }
                @if let Some((name, at)) = &m.decided {
                    p .hint { (ctx.tf(&format!("measure.decided_by.{}", m.status.as_str()), &[("name", name), ("time", &ctx.datetime(*at))])) }
                }
                @if let Some((name, at, why)) = &m.lifted {
                    p .hint { (ctx.tf("measure.lifted_by", &[("name", name), ("time", &ctx.datetime(*at))])) }
                    p .pre-line { (why) }
                }
                @if !m.has_email {
                    p .warning-text { strong { (ctx.t("measure.no_email")) } }
                }
                @if m.status == MeasureStatus::Proposed {
                    @if m.viewer_proposed {
                        p { (ctx.t("measure.waiting_second")) }
                    } @else {
                        p { (ctx.t("measure.approve_lead")) }
                        div .button-group {
                            (form(ctx, &paths::staff::measure_approve(m.id), html! { (button(ctx.t("measure.approve"))) }))
                            (form(ctx, &paths::staff::measure_decline(m.id), html! { (secondary_button(ctx.t("measure.decline"))) }))
                        }
                    }
                }
                @if m.in_force {
                    @let here = focus == Some(Focus::Lift(m.id));
                    details .details {
                        summary .details__summary { (ctx.t("measure.lift_heading")) }
                        (form(ctx, &paths::staff::measure_lift(m.id), html! {
                            (textarea_with_id(ctx, &answer_id(here, "lift", m.id), "answer", ctx.t("measure.lift_label"),
                                Some(&ctx.tf("measure.hint.answer", &[("max", &reason_max)])),
                                if here { &step.answer } else { "" },
                                if here { errors.message(ctx, "answer") } else { None }.as_deref()))
                            (warning_button(ctx.t("measure.lift")))
                        }))
                    }
                }
                @if !m.appeals.is_empty() {
                    h4 .heading-s { (ctx.t("measure.appeals_heading")) }
                    (appeal_lines(ctx, &m.appeals, true, errors, step, focus))
                }
            }
        }
        h3 .heading-s #take-measure { (ctx.t("measure.take_heading")) }
        @if can_attach {
            p { (ctx.t("measure.take_lead")) }
            (form(ctx, &paths::staff::incident_measures(incident_id), html! {
                (choices(ctx, ChoiceGroup {
                    name: "measure_kind", legend: ctx.t("measure.field.kind"), legend_is_heading: false, hint: None,
                    choices: MeasureKind::ALL.iter().map(|k| Choice {
                        value: k.as_str(), label: kind_name(ctx, *k).to_owned(),
                        hint: Some(ctx.t(&format!("measure.kind_hint.{}", k.as_str())).to_owned()),
                    }).collect(),
                    selected: vec![typed.measure_kind.as_str()],
                    error: errors.message(ctx, "measure_kind"),
                    multiple: false,
                }))
                (choices(ctx, ChoiceGroup {
                    name: "email_only", legend: ctx.t("measure.field.limits"), legend_is_heading: false,
                    hint: Some(ctx.t("measure.hint.limits")),
                    choices: vec![Choice { value: "yes", label: ctx.t("measure.limit.email_only").to_owned(), hint: None }],
                    selected: vec![typed.email_only.as_str()],
                    error: errors.message(ctx, "email_only"),
                    multiple: true,
                }))
                (choices(ctx, ChoiceGroup {
                    name: "sessions_need_approval", legend: ctx.t("measure.field.sessions_limit"), legend_is_heading: false,
                    hint: None,
                    choices: vec![Choice { value: "yes", label: ctx.t("measure.limit.sessions_need_approval").to_owned(), hint: None }],
                    selected: vec![typed.sessions_need_approval.as_str()],
                    error: None,
                    multiple: true,
                }))
                (input(ctx, Input {
                    name: "weekly_requests", label: ctx.t("measure.field.weekly_requests"),
                    hint: Some(ctx.t("measure.hint.weekly_requests")), value: &typed.weekly_requests,
                    width: Some("width-2"), error: errors.message(ctx, "weekly_requests"),
                    ..Input::default()
                }))
                (choices(ctx, ChoiceGroup {
                    name: "suspend", legend: ctx.t("measure.field.suspend"), legend_is_heading: false,
                    hint: Some(ctx.t("measure.hint.suspend")),
                    choices: vec![
                        Choice { value: "requests", label: ctx.t("measure.suspend.requests").to_owned(), hint: None },
                        Choice { value: "sessions", label: ctx.t("measure.suspend.sessions").to_owned(), hint: None },
                    ],
                    selected: typed.suspend.iter().map(String::as_str).collect(),
                    error: errors.message(ctx, "suspend"),
                    multiple: true,
                }))
                (textarea(ctx, "measure_reason", ctx.t("measure.field.reason"),
                    Some(&ctx.tf("measure.hint.reason", &[("max", &reason_max)])),
                    &typed.reason, errors.message(ctx, "measure_reason").as_deref()))
                (date_input(ctx, "ends", ctx.t("measure.field.ends"), Some(ctx.t("measure.hint.ends")),
                    (&typed.ends_year, &typed.ends_month, &typed.ends_day),
                    errors.message(ctx, "ends").as_deref()))
                (choices(ctx, ChoiceGroup {
                    name: "letter_lang", legend: ctx.t("measure.field.letter_lang"), legend_is_heading: false,
                    hint: None,
                    choices: Lang::ALL.iter().map(|l| Choice {
                        value: l.code(), label: ctx.t(&format!("request.lang.{}", l.code())).to_owned(), hint: None,
                    }).collect(),
                    selected: vec![typed.letter_lang.as_str()],
                    error: errors.message(ctx, "letter_lang"),
                    multiple: false,
                }))
                (button(ctx.t("measure.take")))
            }))
        } @else {
            p { (ctx.t("measure.cannot_attach")) }
        }
    }
}

/// The id of the notice's appeal section, which its letters and the list of what stays open
/// link to; `appeal` is the box's.
pub const APPEAL_SECTION: &str = "appealing";

/// The ways in that never close, each with where it starts.
fn always_open(ctx: &PageContext, appeal_here: bool) -> Markup {
    // A lost card first reads how to stop it at once; the others start with the topic.
    let topic = paths::requests::step("topic");
    let targets = [
        Some(paths::requests::LOST_CARD.to_owned()),
        Some(topic.clone()),
        Some(topic.clone()),
        Some(topic),
        appeal_here.then(|| format!("#{APPEAL_SECTION}")),
        Some(paths::proxy::REVOKE.to_owned()),
    ];
    html! {
        ul .list .list--bullet {
            @for (line, target) in always_open_lines(ctx.lang).into_iter().zip(targets) {
                li {
                    @match target {
                        Some(href) => a href=(href) { (line) },
                        None => (line),
                    }
                }
            }
        }
    }
}

/// The person's notice, as one of its letters' links opens it.
pub struct NoticeView<'a> {
    pub reference: &'a str,
    pub kind: MeasureKind,
    pub status: MeasureStatus,
    pub in_force: bool,
    pub terms: InForce,
    pub reason: &'a str,
    /// When it was lifted and why.
    pub lifted: Option<(OffsetDateTime, &'a str)>,
    pub appeals: &'a [AppealLine],
    /// Whether an appeal may be sent now.
    pub may_appeal: bool,
    /// Where the appeal posts.
    pub appeal_action: &'a str,
    /// What was typed, kept when refused.
    pub typed: &'a str,
    pub notice: Option<&'a str>,
}

/// The person's notice: what was decided and why, what it means and until when, what
/// always stays open, the policy, and the appeal.
pub fn notice(ctx: &PageContext, v: &NoticeView<'_>, errors: &Errors) -> Markup {
    let title = ctx
        .t(&format!("notice.title.{}", v.kind.as_str()))
        .to_owned();
    let max = APPEAL_MAX_CHARS.to_string();
    let body = html! {
        @if let Some(notice) = v.notice {
            (notification_banner(ctx, Banner::Success, html! { p .banner__heading { (notice) } }))
        }
        (error_summary(ctx, errors))
        h1 .heading-l { (title) }
        p .lead { (ctx.tf("notice.reference", &[("reference", v.reference)])) }
        @if let Some((at, why)) = v.lifted {
            (notification_banner(ctx, Banner::Important, html! {
                p .banner__heading { (ctx.tf("notice.lifted", &[("time", &ctx.datetime(at))])) }
                p .pre-line { (why) }
            }))
        } @else if !v.in_force && v.status == MeasureStatus::Active {
            p { strong { (ctx.tf("notice.ended", &[("day", &last_day(ctx.lang, v.terms.ends_at, ctx.tz))])) } }
        }
        h2 .heading-m { (ctx.t("notice.why_heading")) }
        p .pre-line { (v.reason) }
        h2 .heading-m { (ctx.t("notice.means_heading")) }
        ul .list .list--bullet {
            @for line in measure_terms(ctx.lang, v.kind, &v.terms, ctx.tz) { li { (line) } }
        }
        h2 .heading-m { (ctx.t("notice.open_heading")) }
        p { (ctx.t("notice.open_lead")) }
        (always_open(ctx, v.may_appeal))
        p { (ctx.t("notice.policy")) " " a href=(paths::public::POLICY) { (ctx.t("notice.policy_link")) } }
        h2 .heading-m #(APPEAL_SECTION) { (ctx.t("notice.appeal_heading")) }
        p { (ctx.t("notice.appeal_lead")) }
        (appeal_lines(ctx, v.appeals, false, &Errors::new(), &StepForm::default(), None))
        @if v.may_appeal {
            (form(ctx, v.appeal_action, html! {
                (textarea(ctx, "appeal", ctx.t("notice.appeal_label"),
                    Some(&ctx.tf("notice.appeal_hint", &[("max", &max)])), v.typed,
                    errors.message(ctx, "appeal").as_deref()))
                (button(ctx.t("notice.appeal_send")))
            }))
        } @else if v.appeals.iter().any(|a| a.decided.is_none()) {
            p { (ctx.t("notice.appeal_waiting")) }
        } @else {
            p { (ctx.t("notice.appeal_closed")) }
        }
        (super::components::write_to_us(ctx, None))
    };
    render(ctx, Page::new(title, body).with_errors(errors.len()))
}

/// The calm page met instead of sending a request or booking a session while a measure
/// holds it: what is held and until when, how to go on with what stays open, and how to
/// appeal. `change_topic` is where the topic is chosen again.
pub fn held(
    ctx: &PageContext,
    held: Held,
    change_topic: &str,
    change_reply: Option<&str>,
) -> Markup {
    let title = ctx.t("held.title");
    let (key, until) = match held {
        Held::Suspended { until } => ("held.suspended", until),
        Held::WeeklyLimit { until, .. } => ("held.weekly", until),
        Held::EmailOnly { until } => ("held.email_only", until),
        Held::NeedsApproval { until } => ("held.needs_approval", until),
    };
    let day = last_day(ctx.lang, until, ctx.tz);
    let limit = match held {
        Held::WeeklyLimit { limit, .. } => limit.to_string(),
        _ => String::new(),
    };
    let body = html! {
        h1 .heading-l { (title) }
        p .lead { (ctx.tf(key, &[("day", &day), ("count", &limit)])) }
        @if let (Held::EmailOnly { .. }, Some(change)) = (held, change_reply) {
            p { a .button href=(change) { (ctx.t("held.choose_email")) } }
        }
        @if let Held::NeedsApproval { .. } = held {
            p { a .button href=(paths::requests::NEW) { (ctx.t("held.ask_by_request")) } }
        }
        h2 .heading-m { (ctx.t("notice.open_heading")) }
        p { (ctx.t("held.open_lead")) }
        (always_open(ctx, false))
        p { a href=(change_topic) { (ctx.t("held.change_topic")) } }
        h2 .heading-m { (ctx.t("notice.appeal_heading")) }
        p { (ctx.t("held.appeal")) }
        p { (ctx.t("notice.policy")) " " a href=(paths::public::POLICY) { (ctx.t("notice.policy_link")) } }
        (super::components::write_to_us(ctx, None))
    };
    render(ctx, Page::new(title, body))
}
