//! The page shown before a day off or shorter hours are saved over booked sessions: which
//! sessions the change leaves without their interpreter, and for each, who is free to take
//! it, or to ask the customer to choose another time.

use super::{mode_name, sign_language_name, when};
use crate::domain::schedule::SessionMode;
use crate::views::PageContext;
use crate::views::components::{
    Choice, ChoiceGroup, Errors, SummaryRow, back_link, button, choices, error_summary, form,
    summary_list,
};
use crate::views::layout::{Page, render};
use maud::{Markup, html};
use std::collections::HashMap;
use std::sync::LazyLock;
use time::OffsetDateTime;

/// The most sessions one page asks about; more would not be read anyway.
pub const MAX_ASKED: usize = 300;

static ANSWER_FIELDS: LazyLock<Vec<String>> =
    LazyLock::new(|| (1..=MAX_ASKED).map(|n| format!("session-{n}")).collect());

/// The name (and id) of the answer for the `n`-th session on the page, from 1. The booking
/// it answers for goes in `{name}-id` beside it.
pub fn answer_field(n: usize) -> &'static str {
    ANSWER_FIELDS
        .get(n.wrapping_sub(1))
        .map(String::as_str)
        .unwrap_or("sessions")
}

/// The value of the answer "give it to this interpreter".
pub fn give_to(interpreter: i64) -> String {
    format!("give-{interpreter}")
}

/// The interpreter a "give it to" answer names.
pub fn given_to(raw: &str) -> Option<i64> {
    raw.strip_prefix("give-")?.parse().ok()
}

/// The value of the answer "ask the customer to choose another time".
pub const ASK_NEW_TIME: &str = "ask";

/// The value of the answer "decide later".
pub const LATER: &str = "later";

/// One session the change affects.
#[derive(Debug, Clone)]
pub struct AffectedSession {
    /// The booking's id.
    pub id: i64,
    /// Its reference number.
    pub reference: String,
    /// The customer's name.
    pub customer_name: String,
    /// When it starts.
    pub starts_at: OffsetDateTime,
    /// When it ends.
    pub ends_at: OffsetDateTime,
    /// Its mode.
    pub mode: SessionMode,
    /// The sign language asked for (stored name), and the one written in.
    pub sign_language: Option<(String, Option<String>)>,
    /// The interpreters free to take it: id and display name.
    pub free: Vec<(i64, String)>,
}

/// The page.
pub struct HoursCheck<'a> {
    /// The interpreter whose hours change.
    pub interpreter: &'a str,
    /// What changes, in words.
    pub change: &'a str,
    /// Where the form posts (the form that asked for the change).
    pub action: &'a str,
    /// Where "go back" leads.
    pub back: &'a str,
    /// The fields of the change, sent again with the answers.
    pub hidden: &'a [(String, String)],
    /// The sessions affected.
    pub sessions: &'a [AffectedSession],
    /// The answers chosen so far, by booking id.
    pub answers: &'a HashMap<i64, String>,
    /// Whether the viewer manages the schedule (and so chooses for each session).
    pub manage: bool,
    /// What was wrong.
    pub errors: &'a Errors,
}

fn answer_choices<'a>(
    ctx: &PageContext,
    s: &AffectedSession,
    values: &'a [String],
) -> Vec<Choice<'a>> {
    let mut out: Vec<Choice<'a>> = s
        .free
        .iter()
        .zip(values)
        .map(|((_, name), value)| Choice {
            value: value.as_str(),
            label: ctx.tf("hours_check.give_to", &[("name", name)]),
            hint: None,
        })
        .collect();
    out.push(Choice {
        value: ASK_NEW_TIME,
        label: ctx.t("hours_check.ask_new_time").to_owned(),
        hint: Some(ctx.t("hours_check.ask_new_time_hint").to_owned()),
    });
    out.push(Choice {
        value: LATER,
        label: ctx.t("hours_check.later").to_owned(),
        hint: Some(ctx.t("hours_check.later_hint").to_owned()),
    });
    out
}

fn session_facts(ctx: &PageContext, s: &AffectedSession) -> Vec<SummaryRow> {
    let row = |key: &str, value: Markup| SummaryRow {
        key: ctx.t(key).to_owned(),
        value,
        change: None,
    };
    let mut rows = vec![
        row("schedule.session.reference", html! { (s.reference) }),
        row("schedule.session.customer", html! { (s.customer_name) }),
        row(
            "schedule.session.when",
            html! { (when(ctx, s.starts_at, s.ends_at)) },
        ),
        row("schedule.session.mode", html! { (mode_name(ctx, s.mode)) }),
    ];
    if let Some((code, other)) = &s.sign_language {
        rows.push(row(
            "schedule.session.sign_language",
            html! {
                (sign_language_name(ctx, code))
                @if let Some(other) = other { ": " (other) }
            },
        ));
    }
    rows
}

/// The page that asks before a change of hours is saved over booked sessions.
pub fn hours_check(ctx: &PageContext, view: HoursCheck<'_>) -> Markup {
    let errors = view.errors;
    let title = ctx.t("hours_check.title");
    let count = view.sessions.len().to_string();
    let body = html! {
        (back_link(ctx, view.back))
        (error_summary(ctx, errors))
        h1 .heading-l { (title) }
        p #sessions { (ctx.tf("hours_check.lead", &[("name", view.interpreter), ("change", view.change), ("count", &count)])) }
        @if view.manage {
            p { (ctx.t("hours_check.choose")) }
        } @else {
            p { (ctx.t("hours_check.coordinator_will")) }
        }
        (form(ctx, view.action, html! {
            @for (name, value) in view.hidden {
                input type="hidden" name=(name) value=(value);
            }
            input type="hidden" name="confirm" value="1";
            @for (i, s) in view.sessions.iter().enumerate() {
                @let n = i + 1;
                @let field = answer_field(n);
                section .affected-session aria-labelledby={ (field) "-heading" } {
                    h2 .heading-m #{ (field) "-heading" } {
                        (ctx.tf("hours_check.session_heading", &[("reference", &s.reference), ("when", &when(ctx, s.starts_at, s.ends_at))]))
                    }
                    (summary_list(ctx, &session_facts(ctx, s)))
                    @if view.manage {
                        input type="hidden" name={ (field) "-id" } value=(s.id);
                        @if s.free.is_empty() {
                            p { (ctx.t("hours_check.nobody_free")) }
                        }
                        @let values: Vec<String> = s.free.iter().map(|(id, _)| give_to(*id)).collect();
                        @let chosen = view.answers.get(&s.id).map(String::as_str).unwrap_or("");
                        (choices(ctx, ChoiceGroup {
                            name: field,
                            legend: &ctx.tf("hours_check.legend", &[("reference", &s.reference)]),
                            legend_is_heading: false,
                            hint: None,
                            choices: answer_choices(ctx, s, &values),
                            selected: vec![chosen],
                            error: errors.message(ctx, field),
                            multiple: false,
                        }))
                    }
                }
            }
            (button(ctx.t("hours_check.submit")))
        }))
        p { a href=(view.back) { (ctx.t("hours_check.go_back")) } }
    };
    render(ctx, Page::new(title, body).with_errors(errors.len()))
}
