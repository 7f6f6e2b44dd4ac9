//! One session's page, the page that asks before cancelling it, and an interpreter's own
//! sessions.

use super::{
    SessionLine, attention_text, inline_error, mode_name, sign_language_name, status_label,
    status_tag, success, when,
};
use crate::domain::attention::Attention;
use crate::domain::schedule::SessionMode;
use crate::domain::{BookingStatus, Joining};
use crate::paths;
use crate::views::PageContext;
use crate::views::chat::{ChatLine, messages};
use crate::views::components::{
    Choice, ChoiceGroup, Errors, SummaryRow, back_link, button, choices, error_summary, form,
    secondary_button, summary_list, textarea, warning_button,
};
use crate::views::layout::{Page, render};
use crate::views::staff_proxies::{ProxyOrigin, origin_notice, origin_value};
use maud::{Markup, html};
use serde::Deserialize;
use time::OffsetDateTime;

/// Everything staff see about one session.
#[derive(Debug, Clone)]
pub struct SessionDetail {
    /// The booking's id.
    pub id: i64,
    /// Its reference number.
    pub reference: String,
    /// Its mode.
    pub mode: SessionMode,
    /// When it starts.
    pub starts_at: OffsetDateTime,
    /// When it ends.
    pub ends_at: OffsetDateTime,
    /// Where it stands.
    pub status: BookingStatus,
    /// The interpreter's display name.
    pub interpreter: String,
    /// How the customer joins, as they were told.
    pub joining: Joining,
    /// The customer's name.
    pub customer_name: String,
    /// The customer's email address.
    pub email: String,
    /// Their member number, if given.
    pub member_number: Option<String>,
    /// The topic's stored name.
    pub topic: String,
    /// What it is about, when the topic is "other".
    pub topic_other: Option<String>,
    /// The sign language's stored name, for sign-language sessions.
    pub sign_language: Option<String>,
    /// The sign language, when "other".
    pub sign_language_other: Option<String>,
    /// Anything else the customer told us.
    pub needs: Option<String>,
    /// When it was booked.
    pub created_at: OffsetDateTime,
    /// When it was cancelled.
    pub cancelled_at: Option<OffsetDateTime>,
    /// Why, if staff said.
    pub cancel_reason: Option<String>,
}

/// An internal note as shown.
#[derive(Debug, Clone)]
pub struct NoteLine {
    /// Its author's display name.
    pub author: String,
    /// When it was written.
    pub at: OffsetDateTime,
    /// What it says.
    pub body: String,
}

/// One line of a session's history.
#[derive(Debug, Clone)]
pub struct HistoryLine {
    /// When.
    pub at: OffsetDateTime,
    /// Who, as staff know them, or "the customer or the system".
    pub actor: String,
    /// What happened, in words.
    pub action: String,
    /// Particulars in words, such as the interpreters before and after.
    pub detail: Option<String>,
}

/// What was typed into the forms of the session page.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct SessionForms {
    /// The interpreter chosen to take over, by id.
    pub interpreter: String,
    /// The outcome chosen.
    pub outcome: String,
    /// The note being written.
    pub note: String,
}

/// The session page.
pub struct SessionView<'a> {
    /// The session.
    pub detail: &'a SessionDetail,
    /// What it needs staff for, and whether it has started.
    pub flags: &'a SessionFlags,
    /// Its notes, oldest first.
    pub notes: &'a [NoteLine],
    /// Its history, oldest first.
    pub history: &'a [HistoryLine],
    /// Whether the viewer may reassign, record outcomes and cancel.
    pub manage: bool,
    /// The interpreters it could be given to: id and display name.
    pub choices: &'a [(i64, String)],
    /// What was typed.
    pub forms: &'a SessionForms,
    /// What was wrong with it.
    pub errors: &'a Errors,
    /// A success message.
    pub notice: Option<&'a str>,
    /// Where the back link goes.
    pub back: &'a str,
    /// The proxy who booked it, when one did (shown to those who run the schedule).
    pub proxy: Option<&'a ProxyOrigin>,
    /// A written-chat session's messages, oldest first, kept as part of its record; none
    /// for other sessions.
    pub transcript: Option<&'a [ChatLine]>,
}

/// What a session needs staff for, and where it is in time.
#[derive(Debug, Clone, Default)]
pub struct SessionFlags {
    /// Why it needs staff, most pressing first.
    pub attention: Vec<Attention>,
    /// Whether the customer wrote in a sign language no record can confirm.
    pub language_unchecked: bool,
    /// When the customer was asked to choose another time, if they were.
    pub new_time_asked: Option<OffsetDateTime>,
    /// Whether it has started (so how it went can be recorded).
    pub started: bool,
}

/// The outcomes staff can record.
pub const OUTCOMES: [BookingStatus; 3] = [
    BookingStatus::Completed,
    BookingStatus::NoShowCustomer,
    BookingStatus::NoShowInterpreter,
];

fn topic_name(ctx: &PageContext, topic: &str) -> String {
    crate::views::components::topic_name(ctx, topic)
}

fn session_rows(ctx: &PageContext, d: &SessionDetail) -> Vec<SummaryRow> {
    let row = |key: &str, value: Markup| SummaryRow {
        key: ctx.t(key).to_owned(),
        value,
        change: None,
    };
    let not_given = ctx.t("schedule.session.not_given");
    let mut rows = vec![
        row("schedule.session.reference", html! { (d.reference) }),
        row("schedule.session.mode", html! { (mode_name(ctx, d.mode)) }),
        row(
            "schedule.session.when",
            html! { (when(ctx, d.starts_at, d.ends_at)) },
        ),
        row("schedule.session.interpreter", html! { (d.interpreter) }),
    ];
    match &d.joining {
        Joining::Video(url) => rows.push(row(
            "schedule.session.join",
            html! { a #join-address .break-anywhere href=(url) { (url) } },
        )),
        Joining::VideoLinkLater => rows.push(row(
            "schedule.session.join",
            html! { (ctx.t("schedule.session.join_later")) },
        )),
        Joining::WrittenChat => rows.push(row(
            "schedule.session.join",
            html! { (ctx.t("schedule.session.join_chat")) },
        )),
        Joining::Nothing => {}
    }
    rows.extend([
        row("schedule.session.customer", html! { (d.customer_name) }),
        row(
            "schedule.session.email",
            html! { a href={ "mailto:" (d.email) } { (d.email) } },
        ),
        row(
            "schedule.session.member_number",
            html! { (d.member_number.as_deref().unwrap_or(not_given)) },
        ),
        row(
            "schedule.session.topic",
            html! {
                (topic_name(ctx, &d.topic))
                @if let Some(other) = &d.topic_other { ": " (other) }
            },
        ),
    ]);
    if let Some(code) = &d.sign_language {
        rows.push(row(
            "schedule.session.sign_language",
            html! {
                (sign_language_name(ctx, code))
                @if let Some(other) = &d.sign_language_other { ": " (other) }
            },
        ));
    }
    rows.push(row(
        "schedule.session.needs",
        html! {
            @match &d.needs {
                Some(needs) => span .pre-line { (needs) },
                None => (not_given),
            }
        },
    ));
    rows.push(row(
        "schedule.session.created",
        html! { (ctx.datetime(d.created_at)) },
    ));
    if let Some(at) = d.cancelled_at {
        rows.push(row(
            "schedule.session.cancelled_at",
            html! { (ctx.datetime(at)) },
        ));
        rows.push(row(
            "schedule.session.cancel_reason",
            html! { (d.cancel_reason.as_deref().unwrap_or(not_given)) },
        ));
    }
    rows
}

/// The page of one session, with its notes, history and the forms the viewer may use.
pub fn session(ctx: &PageContext, view: SessionView<'_>) -> Markup {
    let d = view.detail;
    let errors = view.errors;
    let booked = d.status == BookingStatus::Booked;
    let title = ctx.tf("schedule.session.title", &[("reference", &d.reference)]);
    let outcome_choices: Vec<Choice> = OUTCOMES
        .iter()
        .map(|o| Choice {
            value: o.as_str(),
            label: status_label(ctx, *o).to_owned(),
            hint: None,
        })
        .collect();
    let interpreter_values: Vec<String> =
        view.choices.iter().map(|(id, _)| id.to_string()).collect();
    let interpreter_choices: Vec<Choice> = view
        .choices
        .iter()
        .zip(&interpreter_values)
        .map(|((_, name), value)| Choice {
            value: value.as_str(),
            label: name.clone(),
            hint: None,
        })
        .collect();
    let mut rows = session_rows(ctx, d);
    if let Some(origin) = view.proxy {
        rows.push(SummaryRow {
            key: ctx.t("proxy_origin.booked_by").to_owned(),
            value: origin_value(ctx, origin),
            change: None,
        });
    }
    let current_outcome = if view.forms.outcome.is_empty() && !booked {
        d.status.as_str()
    } else {
        view.forms.outcome.as_str()
    };
    let body = html! {
        (back_link(ctx, view.back))
        (success(ctx, view.notice))
        (error_summary(ctx, errors))
        h1 .heading-l { (title) }
        p #session-status {
            (ctx.t("schedule.session.status")) " " (status_tag(ctx, d.status))
        }
        (inline_error(ctx, errors, "session-status"))
        @if booked && (!view.flags.attention.is_empty() || view.flags.language_unchecked || view.flags.new_time_asked.is_some()) {
            div .warning-text #session-attention {
                strong { (ctx.t("attention.heading")) }
                ul .list {
                    @for a in &view.flags.attention {
                        li { (attention_text(ctx, *a, &d.interpreter)) }
                    }
                    @if view.flags.language_unchecked {
                        li { (ctx.tf("attention.language_unchecked", &[("name", &d.interpreter)])) }
                    }
                    @if let Some(at) = view.flags.new_time_asked {
                        li { (ctx.tf("attention.new_time_asked", &[("time", &ctx.datetime(at))])) }
                    }
                }
            }
        }
        @if let Some(origin) = view.proxy { (origin_notice(ctx, origin)) }
        (summary_list(ctx, &rows))
        @if d.mode == SessionMode::WrittenChat && d.status != BookingStatus::Cancelled {
            p { a #chat-room href=(paths::staff::session_chat(d.id)) { (ctx.t("chat.staff.link")) } }
        }
        @if let Some(lines) = view.transcript {
            section #transcript aria-labelledby="transcript-heading" {
                h2 .heading-m #transcript-heading { (ctx.t("chat.transcript.heading")) }
                (messages(ctx, lines, "chat.transcript.none"))
            }
        }

        @if view.manage && booked {
            h2 .heading-m { (ctx.t("schedule.reassign.heading")) }
            @if view.choices.is_empty() {
                p #interpreter { (ctx.t("schedule.reassign.none")) }
                (inline_error(ctx, errors, "interpreter"))
            } @else {
                (form(ctx, &paths::staff::session_reassign(d.id), html! {
                    (choices(ctx, ChoiceGroup {
                        name: "interpreter", legend: ctx.t("schedule.reassign.legend"), legend_is_heading: false,
                        hint: Some(ctx.t("schedule.reassign.hint")), choices: interpreter_choices,
                        selected: vec![view.forms.interpreter.as_str()],
                        error: errors.message(ctx, "interpreter"), multiple: false,
                    }))
                    (button(ctx.t("schedule.reassign.submit")))
                }))
            }
        }

        @if view.manage && booked {
            h2 .heading-m { (ctx.t("attention.ask.heading")) }
            p { (ctx.t("attention.ask.lead")) }
            (form(ctx, &paths::staff::session_ask_new_time(d.id), html! {
                (secondary_button(ctx.t("attention.ask.submit")))
            }))
        }

        // How a session went can be told once it has started, not before.
        @if view.manage && view.flags.started && d.status != BookingStatus::Cancelled {
            h2 .heading-m { (ctx.t("schedule.outcome.heading")) }
            (form(ctx, &paths::staff::session_outcome(d.id), html! {
                (choices(ctx, ChoiceGroup {
                    name: "outcome", legend: ctx.t("schedule.outcome.legend"), legend_is_heading: false,
                    hint: None, choices: outcome_choices, selected: vec![current_outcome],
                    error: errors.message(ctx, "outcome"), multiple: false,
                }))
                (button(ctx.t("schedule.outcome.submit")))
            }))
        }

        @if view.manage && booked {
            h2 .heading-m { (ctx.t("schedule.cancel.heading")) }
            p { (ctx.t("schedule.cancel.lead")) }
            p { a .button .button--warning href=(paths::staff::session_cancel(d.id)) { (ctx.t("schedule.cancel.start")) } }
        }

        h2 .heading-m #notes-heading { (ctx.t("schedule.notes.heading")) }
        p { (ctx.t("schedule.notes.lead")) }
        @if view.notes.is_empty() {
            p { (ctx.t("schedule.notes.none")) }
        } @else {
            ul .note-list aria-labelledby="notes-heading" {
                @for note in view.notes {
                    li .note {
                        p .note__meta { (ctx.tf("schedule.notes.meta", &[("name", &note.author), ("time", &ctx.datetime(note.at))])) }
                        p .note__body .pre-line { (note.body) }
                    }
                }
            }
        }
        (form(ctx, &paths::staff::session_notes(d.id), html! {
            (textarea(ctx, "note", ctx.t("schedule.notes.label"), Some(ctx.t("schedule.notes.hint")),
                &view.forms.note, errors.message(ctx, "note").as_deref()))
            (button(ctx.t("schedule.notes.submit")))
        }))
        p { a href={ (paths::staff::INCIDENT_NEW) "?session=" (d.id) } { (ctx.t("incident.report_from_here")) } }

        h2 .heading-m { (ctx.t("schedule.history.heading")) }
        @if view.history.is_empty() {
            p { (ctx.t("schedule.history.none")) }
        } @else {
            div .table-scroll role="region" aria-labelledby="history-caption" tabindex="0" {
                table .table {
                    caption #history-caption .table__caption { (ctx.tf("schedule.history.caption", &[("reference", &d.reference)])) }
                    thead { tr {
                        th scope="col" { (ctx.t("schedule.history.when")) }
                        th scope="col" { (ctx.t("schedule.history.who")) }
                        th scope="col" { (ctx.t("schedule.history.what")) }
                    } }
                    tbody {
                        @for line in view.history {
                            tr {
                                td .nowrap { (ctx.datetime(line.at)) }
                                td { (line.actor) }
                                td {
                                    (line.action)
                                    @if let Some(detail) = &line.detail { br; span .muted .break-anywhere { (detail) } }
                                }
                            }
                        }
                    }
                }
            }
        }
    };
    render(ctx, Page::new(title, body).with_errors(errors.len()))
}

/// The page that asks before a session is cancelled.
pub fn cancel_confirm(
    ctx: &PageContext,
    d: &SessionDetail,
    reason: &str,
    errors: &Errors,
) -> Markup {
    let booked = d.status == BookingStatus::Booked;
    let title = ctx.tf("schedule.cancel.title", &[("reference", &d.reference)]);
    let back = paths::staff::session(d.id);
    let body = html! {
        (back_link(ctx, &back))
        (error_summary(ctx, errors))
        h1 .heading-l { (title) }
        (summary_list(ctx, &[
            SummaryRow { key: ctx.t("schedule.session.when").to_owned(), value: html! { (when(ctx, d.starts_at, d.ends_at)) }, change: None },
            SummaryRow { key: ctx.t("schedule.session.mode").to_owned(), value: html! { (mode_name(ctx, d.mode)) }, change: None },
            SummaryRow { key: ctx.t("schedule.session.customer").to_owned(), value: html! { (d.customer_name) }, change: None },
            SummaryRow { key: ctx.t("schedule.session.interpreter").to_owned(), value: html! { (d.interpreter) }, change: None },
        ]))
        @if booked {
            p { (ctx.t("schedule.cancel.warning")) }
            (form(ctx, &paths::staff::session_cancel(d.id), html! {
                (textarea(ctx, "reason", ctx.t("schedule.cancel.reason_label"), Some(ctx.t("schedule.cancel.reason_hint")),
                    reason, errors.message(ctx, "reason").as_deref()))
                (warning_button(ctx.t("schedule.cancel.submit")))
            }))
        } @else {
            p { (ctx.t("schedule.cancel.not_booked")) }
        }
        p { a href=(back) { (ctx.t("schedule.cancel.keep")) } }
    };
    render(ctx, Page::new(title, body).with_errors(errors.len()))
}

/// An interpreter's own sessions from today on.
pub fn my_sessions(ctx: &PageContext, sessions: &[SessionLine]) -> Markup {
    let body = html! {
        h1 .heading-l { (ctx.t("schedule.mine.title")) }
        p { (ctx.t("schedule.mine.lead")) }
        p { a href=(paths::staff::AVAILABILITY) { (ctx.t("schedule.mine.availability_link")) } }
        @if sessions.is_empty() {
            p { (ctx.t("schedule.mine.none")) }
        } @else {
            div .table-scroll role="region" aria-labelledby="mine-caption" tabindex="0" {
                table .table {
                    caption #mine-caption .table__caption { (ctx.tf("schedule.mine.caption", &[("count", &sessions.len().to_string())])) }
                    thead { tr {
                        th scope="col" { (ctx.t("schedule.session.when")) }
                        th scope="col" { (ctx.t("schedule.session.mode")) }
                        th scope="col" { (ctx.t("schedule.session.status")) }
                        th scope="col" { (ctx.t("schedule.session.reference")) }
                    } }
                    tbody {
                        @for s in sessions {
                            tr {
                                td { (when(ctx, s.starts_at, s.ends_at)) }
                                td { (mode_name(ctx, s.mode)) }
                                td { (status_tag(ctx, s.status)) }
                                td { a href=(paths::staff::session(s.id)) { (s.reference) } }
                            }
                        }
                    }
                }
            }
        }
    };
    render(ctx, Page::new(ctx.t("schedule.mine.title"), body))
}
