//! Staff pages for sessions: the week board, one session, one's own sessions, interpreters'
//! availability and the desk's session settings.

use super::PageContext;
use super::components::{
    Banner, Choice, ChoiceGroup, Errors, Input, SummaryRow, back_link, button, choices, csrf_field,
    date_input, error_summary, form, input, notification_banner, secondary_button, summary_list,
    textarea, warning_button,
};
use super::layout::{Page, render};
use super::staff_proxies::{ProxyOrigin, origin_notice, origin_value};
use crate::domain::schedule::SessionMode;
use crate::domain::{BookingStatus, Joining, Qualification};
use crate::i18n;
use maud::{Markup, html};
use serde::Deserialize;
use std::collections::HashMap;
use std::sync::LazyLock;
use time::{Date, Duration, OffsetDateTime};
use time_tz::OffsetDateTimeExt;

// ---------------------------------------------------------------------------------------
// Words and small pieces shared by the pages.

/// A date as the `week` and `day` parameters write it: `YYYY-MM-DD`.
pub fn iso(day: Date) -> String {
    format!(
        "{:04}-{:02}-{:02}",
        day.year(),
        u8::from(day.month()),
        day.day()
    )
}

/// The local clock time of an instant, `HH:MM`, in the desk's zone.
fn clock(ctx: &PageContext, at: OffsetDateTime) -> String {
    let local = at.to_timezone(ctx.tz);
    format!("{:02}:{:02}", local.hour(), local.minute())
}

/// A session's date and times: `Tue 24 Nov 2026, 14:00–14:30`.
fn when(ctx: &PageContext, start: OffsetDateTime, end: OffsetDateTime) -> String {
    format!("{}–{}", ctx.datetime(start), clock(ctx, end))
}

/// The full name of a mode, as customers read it.
fn mode_name(ctx: &PageContext, mode: Option<SessionMode>) -> &'static str {
    match mode {
        Some(SessionMode::SignLanguageVideo) => i18n::t(ctx.lang, "mode.sign_language_video"),
        Some(SessionMode::WrittenChat) => i18n::t(ctx.lang, "mode.written_chat"),
        None => i18n::t(ctx.lang, "schedule.mode_unknown"),
    }
}

/// The short name of a mode, for the board's narrow cells.
fn mode_short(ctx: &PageContext, mode: Option<SessionMode>) -> &'static str {
    match mode {
        Some(SessionMode::SignLanguageVideo) => {
            i18n::t(ctx.lang, "schedule.mode_short.sign_language_video")
        }
        Some(SessionMode::WrittenChat) => i18n::t(ctx.lang, "schedule.mode_short.written_chat"),
        None => i18n::t(ctx.lang, "schedule.mode_unknown"),
    }
}

/// Where a session stands, in words.
pub fn status_label(ctx: &PageContext, status: Option<BookingStatus>) -> &'static str {
    let key = match status {
        Some(BookingStatus::Booked) => "schedule.status.booked",
        Some(BookingStatus::Cancelled) => "schedule.status.cancelled",
        Some(BookingStatus::Completed) => "schedule.status.completed",
        Some(BookingStatus::NoShowCustomer) => "schedule.status.no_show_customer",
        Some(BookingStatus::NoShowInterpreter) => "schedule.status.no_show_interpreter",
        None => "schedule.status.unknown",
    };
    i18n::t(ctx.lang, key)
}

/// The status as a tag; the words carry the meaning, the colour only repeats it.
fn status_tag(ctx: &PageContext, status: Option<BookingStatus>) -> Markup {
    let class = match status {
        Some(BookingStatus::Booked) => "tag tag--blue",
        _ => "tag tag--grey",
    };
    html! { strong class=(class) { (status_label(ctx, status)) } }
}

/// The name of a weekday, 1 = Monday … 7 = Sunday.
pub fn weekday_name(ctx: &PageContext, weekday: u8) -> &'static str {
    let key = match weekday {
        1 => "schedule.weekday.1",
        2 => "schedule.weekday.2",
        3 => "schedule.weekday.3",
        4 => "schedule.weekday.4",
        5 => "schedule.weekday.5",
        6 => "schedule.weekday.6",
        _ => "schedule.weekday.7",
    };
    i18n::t(ctx.lang, key)
}

/// The name of a qualification.
pub fn qualification_name(ctx: &PageContext, q: Qualification) -> &'static str {
    let key = match q {
        Qualification::SignLanguageInterpreter => {
            "schedule.qualification.sign_language_interpreter"
        }
        Qualification::WrittenChat => "schedule.qualification.written_chat",
        Qualification::ConsumerAffairsProfessional => {
            "schedule.qualification.consumer_affairs_professional"
        }
        Qualification::DementiaSupporter => "schedule.qualification.dementia_supporter",
        Qualification::UniversalManners => "schedule.qualification.universal_manners",
    };
    i18n::t(ctx.lang, key)
}

fn success(ctx: &PageContext, notice: Option<&str>) -> Markup {
    html! {
        @if let Some(notice) = notice {
            (notification_banner(ctx, Banner::Success, html! { p .banner__heading { (notice) } }))
        }
    }
}

/// An error shown next to something that is not a form field, such as a session's status.
fn inline_error(ctx: &PageContext, errors: &Errors, field: &str) -> Markup {
    html! {
        @if let Some(message) = errors.message(ctx, field) {
            p .error-message #{ (field) "-error" } {
                span .visually-hidden { (ctx.t("error.prefix")) } (message)
            }
        }
    }
}

// ---------------------------------------------------------------------------------------
// Weekly spans: an interpreter's usual hours and the desk's opening hours.

/// Which weekly form a span field belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SpanForm {
    /// An interpreter's usual weekly availability: up to 3 spans a day.
    Availability,
    /// The desk's opening hours: up to 2 spans a day.
    Opening,
}

impl SpanForm {
    /// How many spans a day the form offers.
    pub fn per_day(self) -> usize {
        match self {
            SpanForm::Availability => 3,
            SpanForm::Opening => 2,
        }
    }

    fn prefix(self) -> &'static str {
        match self {
            SpanForm::Availability => "avail",
            SpanForm::Opening => "hours",
        }
    }
}

// Field names live as long as the program, so errors (which keep `&'static str` names) can
// point at them.
static SPAN_FIELDS: LazyLock<Vec<String>> = LazyLock::new(|| {
    let mut names = Vec::new();
    for form in [SpanForm::Availability, SpanForm::Opening] {
        for day in 1..=7u8 {
            for n in 1..=form.per_day() {
                for end in ["from", "to"] {
                    names.push(format!("{}-{day}-{n}-{end}", form.prefix()));
                }
            }
        }
    }
    names
});

/// The name (and id) of one time field: weekday 1–7, span `n` from 1, start or end.
pub fn span_field(form: SpanForm, day: u8, n: usize, end: bool) -> &'static str {
    let wanted = format!(
        "{}-{day}-{n}-{}",
        form.prefix(),
        if end { "to" } else { "from" }
    );
    SPAN_FIELDS
        .iter()
        .find(|name| **name == wanted)
        .map(String::as_str)
        .unwrap_or("spans")
}

/// The visible label of one time field, such as "Monday, from (1)".
pub fn span_label(ctx: &PageContext, form: SpanForm, day: u8, n: usize, end: bool) -> String {
    let key = match (form, end) {
        (SpanForm::Availability, false) => "schedule.span.avail_from",
        (SpanForm::Availability, true) => "schedule.span.avail_to",
        (SpanForm::Opening, false) => "schedule.span.hours_from",
        (SpanForm::Opening, true) => "schedule.span.hours_to",
    };
    ctx.tf(
        key,
        &[("day", weekday_name(ctx, day)), ("n", &n.to_string())],
    )
}

fn span_fields(
    ctx: &PageContext,
    form: SpanForm,
    values: &HashMap<String, String>,
    errors: &Errors,
) -> Markup {
    html! {
        @for day in 1..=7u8 {
            fieldset .fieldset .span-day {
                legend .fieldset__legend { (weekday_name(ctx, day)) }
                @for n in 1..=form.per_day() {
                    div .span-pair {
                        @for end in [false, true] {
                            @let name = span_field(form, day, n, end);
                            @let label = span_label(ctx, form, day, n, end);
                            (input(ctx, Input {
                                name, label: &label,
                                value: values.get(name).map(String::as_str).unwrap_or(""),
                                autocomplete: Some("off"), error: errors.message(ctx, name),
                                no_spellcheck: true, width: Some("width-5"),
                                ..Default::default()
                            }))
                        }
                    }
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------------------
// The week board.

/// One session as the board and lists show it.
#[derive(Debug, Clone)]
pub struct SessionLine {
    /// The booking's id, for its page.
    pub id: i64,
    /// Its reference number.
    pub reference: String,
    /// When it starts.
    pub starts_at: OffsetDateTime,
    /// When it ends.
    pub ends_at: OffsetDateTime,
    /// Its mode.
    pub mode: Option<SessionMode>,
    /// Where it stands.
    pub status: Option<BookingStatus>,
}

/// One interpreter's week on the board.
#[derive(Debug, Clone)]
pub struct BoardRow {
    /// Their display name.
    pub name: String,
    /// Whether their account is deactivated.
    pub inactive: bool,
    /// Their sessions, one list per day from Monday.
    pub days: Vec<Vec<SessionLine>>,
}

/// What the board shows.
pub struct Board<'a> {
    /// The Monday of the week shown.
    pub monday: Date,
    /// The Monday of this week.
    pub this_monday: Date,
    /// The mode filter, if any.
    pub mode: Option<SessionMode>,
    /// One row per interpreter.
    pub rows: &'a [BoardRow],
    /// How many sessions the week holds (after the filter).
    pub count: usize,
    /// Whether video sessions lack a join address because no room-address template is set.
    pub no_room_template: bool,
}

fn board_link(monday: Date, mode: Option<SessionMode>) -> String {
    match mode {
        Some(mode) => format!(
            "/staff/schedule?week={}&mode={}",
            iso(monday),
            mode.as_str()
        ),
        None => format!("/staff/schedule?week={}", iso(monday)),
    }
}

/// The week board: a row per interpreter, a column per day.
pub fn board(ctx: &PageContext, view: Board<'_>) -> Markup {
    let days: Vec<Date> = (0..7).map(|i| view.monday + Duration::days(i)).collect();
    let sunday = days[6];
    let range = ctx.tf(
        "schedule.board.range",
        &[
            ("from", &i18n::format_date(ctx.lang, view.monday)),
            ("to", &i18n::format_date(ctx.lang, sunday)),
        ],
    );
    let caption = match view.mode {
        Some(mode) => ctx.tf(
            "schedule.board.caption_mode",
            &[("mode", mode_name(ctx, Some(mode))), ("range", &range)],
        ),
        None => ctx.tf("schedule.board.caption", &[("range", &range)]),
    };
    let selected = view.mode.map(SessionMode::as_str).unwrap_or("all");
    let mut mode_choices = vec![Choice {
        value: "all",
        label: ctx.t("schedule.board.all_modes").to_owned(),
        hint: None,
    }];
    for mode in SessionMode::ALL {
        mode_choices.push(Choice {
            value: mode.as_str(),
            label: mode_name(ctx, Some(mode)).to_owned(),
            hint: None,
        });
    }
    let body = html! {
        h1 .heading-l { (ctx.t("schedule.board.title")) }
        @if view.no_room_template {
            (no_room_template_warning(ctx))
        }
        p { (ctx.t("schedule.board.lead")) }
        nav .week-nav aria-label=(ctx.t("schedule.board.weeks")) {
            ul .week-nav__list {
                li { a href=(board_link(view.monday - Duration::days(7), view.mode)) rel="prev" { (ctx.t("schedule.board.previous")) } }
                @if view.monday != view.this_monday {
                    li { a href=(board_link(view.this_monday, view.mode)) { (ctx.t("schedule.board.this_week")) } }
                }
                li { a href=(board_link(view.monday + Duration::days(7), view.mode)) rel="next" { (ctx.t("schedule.board.next")) } }
            }
        }
        form .filter method="get" action="/staff/schedule" novalidate {
            input type="hidden" name="week" value=(iso(view.monday));
            (choices(ctx, ChoiceGroup {
                name: "mode", legend: ctx.t("schedule.board.mode_legend"), legend_is_heading: false,
                hint: None, choices: mode_choices, selected: vec![selected], error: None, multiple: false,
            }))
            (secondary_button(ctx.t("schedule.board.filter")))
        }
        p { (ctx.tf("schedule.board.count", &[("count", &view.count.to_string())])) }
        @if view.rows.is_empty() {
            p { (ctx.t("schedule.board.no_interpreters")) }
        } @else {
            div .table-scroll role="region" aria-labelledby="board-caption" tabindex="0" {
                table .table .board {
                    caption #board-caption .table__caption { (caption) }
                    thead { tr {
                        th scope="col" { (ctx.t("schedule.board.interpreter")) }
                        @for day in &days {
                            th scope="col" { (i18n::format_date(ctx.lang, *day)) }
                        }
                    } }
                    tbody {
                        @for row in view.rows {
                            tr {
                                th scope="row" {
                                    (row.name)
                                    @if row.inactive { br; span .muted { (ctx.t("schedule.inactive")) } }
                                }
                                @for cell in &row.days {
                                    td {
                                        @if !cell.is_empty() {
                                            ul .board__sessions {
                                                @for s in cell {
                                                    li .board__session {
                                                        a href={ "/staff/sessions/" (s.id) } { (s.reference) }
                                                        br;
                                                        (clock(ctx, s.starts_at)) "–" (clock(ctx, s.ends_at))
                                                        br;
                                                        (mode_short(ctx, s.mode))
                                                        br;
                                                        (status_tag(ctx, s.status))
                                                    }
                                                }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    };
    render(ctx, Page::new(ctx.t("schedule.board.title"), body))
}

// ---------------------------------------------------------------------------------------
// One session.

/// Everything staff see about one session.
#[derive(Debug, Clone)]
pub struct SessionDetail {
    /// The booking's id.
    pub id: i64,
    /// Its reference number.
    pub reference: String,
    /// Its mode.
    pub mode: Option<SessionMode>,
    /// When it starts.
    pub starts_at: OffsetDateTime,
    /// When it ends.
    pub ends_at: OffsetDateTime,
    /// Where it stands.
    pub status: Option<BookingStatus>,
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
}

/// The outcomes staff can record.
pub const OUTCOMES: [BookingStatus; 3] = [
    BookingStatus::Completed,
    BookingStatus::NoShowCustomer,
    BookingStatus::NoShowInterpreter,
];

fn topic_name(ctx: &PageContext, topic: &str) -> String {
    super::components::topic_name(ctx, topic)
}

fn sign_language_name(ctx: &PageContext, code: &str) -> String {
    match code {
        "jsl" => ctx.t("schedule.sign_language.jsl").to_owned(),
        "other" => ctx.t("schedule.sign_language.other").to_owned(),
        other => other.to_owned(),
    }
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
    let booked = d.status == Some(BookingStatus::Booked);
    let title = ctx.tf("schedule.session.title", &[("reference", &d.reference)]);
    let outcome_choices: Vec<Choice> = OUTCOMES
        .iter()
        .map(|o| Choice {
            value: o.as_str(),
            label: status_label(ctx, Some(*o)).to_owned(),
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
    let current_outcome = if view.forms.outcome.is_empty() && !booked {
        d.status.map(BookingStatus::as_str).unwrap_or("")
    } else {
        view.forms.outcome.as_str()
    };
    let mut rows = session_rows(ctx, d);
    if let Some(origin) = view.proxy {
        rows.push(SummaryRow {
            key: ctx.t("proxy_origin.booked_by").to_owned(),
            value: origin_value(ctx, origin),
            change: None,
        });
    }
    let body = html! {
        (back_link(ctx, view.back))
        (success(ctx, view.notice))
        (error_summary(ctx, errors))
        h1 .heading-l { (title) }
        p #session-status {
            (ctx.t("schedule.session.status")) " " (status_tag(ctx, d.status))
        }
        (inline_error(ctx, errors, "session-status"))
        @if let Some(origin) = view.proxy { (origin_notice(ctx, origin)) }
        (summary_list(ctx, &rows))

        @if view.manage && booked {
            h2 .heading-m { (ctx.t("schedule.reassign.heading")) }
            @if view.choices.is_empty() {
                p #interpreter { (ctx.t("schedule.reassign.none")) }
                (inline_error(ctx, errors, "interpreter"))
            } @else {
                (form(ctx, &format!("/staff/sessions/{}/reassign", d.id), html! {
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

        @if view.manage && d.status != Some(BookingStatus::Cancelled) {
            h2 .heading-m { (ctx.t("schedule.outcome.heading")) }
            (form(ctx, &format!("/staff/sessions/{}/outcome", d.id), html! {
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
            p { a .button .button--warning href={ "/staff/sessions/" (d.id) "/cancel" } { (ctx.t("schedule.cancel.start")) } }
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
        (form(ctx, &format!("/staff/sessions/{}/notes", d.id), html! {
            (textarea(ctx, "note", ctx.t("schedule.notes.label"), Some(ctx.t("schedule.notes.hint")),
                &view.forms.note, errors.message(ctx, "note").as_deref()))
            (button(ctx.t("schedule.notes.submit")))
        }))

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
    let booked = d.status == Some(BookingStatus::Booked);
    let title = ctx.tf("schedule.cancel.title", &[("reference", &d.reference)]);
    let back = format!("/staff/sessions/{}", d.id);
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
            (form(ctx, &format!("/staff/sessions/{}/cancel", d.id), html! {
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

// ---------------------------------------------------------------------------------------
// One's own sessions.

/// An interpreter's own sessions from today on.
pub fn my_sessions(ctx: &PageContext, sessions: &[SessionLine]) -> Markup {
    let body = html! {
        h1 .heading-l { (ctx.t("schedule.mine.title")) }
        p { (ctx.t("schedule.mine.lead")) }
        p { a href="/staff/availability" { (ctx.t("schedule.mine.availability_link")) } }
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
                                td { a href={ "/staff/sessions/" (s.id) } { (s.reference) } }
                            }
                        }
                    }
                }
            }
        }
    };
    render(ctx, Page::new(ctx.t("schedule.mine.title"), body))
}

// ---------------------------------------------------------------------------------------
// Interpreters.

/// An interpreter as the staff pages show them.
#[derive(Debug, Clone)]
pub struct InterpreterRow {
    /// Their staff account.
    pub id: i64,
    /// The name customers see.
    pub display_name: String,
    /// Their full name, for staff.
    pub full_name: String,
    /// Whether the account can sign in.
    pub active: bool,
    /// What they are qualified for.
    pub qualifications: Vec<Qualification>,
}

fn qualification_list(ctx: &PageContext, list: &[Qualification]) -> Markup {
    html! {
        @if list.is_empty() {
            (ctx.t("schedule.interpreters.no_qualifications"))
        } @else {
            ul .plain-list {
                @for q in list { li { (qualification_name(ctx, *q)) } }
            }
        }
    }
}

/// The list of interpreters.
pub fn interpreters(ctx: &PageContext, rows: &[InterpreterRow]) -> Markup {
    let body = html! {
        h1 .heading-l { (ctx.t("schedule.interpreters.title")) }
        p { (ctx.t("schedule.interpreters.lead")) }
        @if rows.is_empty() {
            p { (ctx.t("schedule.interpreters.none")) }
        } @else {
            div .table-scroll role="region" aria-labelledby="interpreters-caption" tabindex="0" {
                table .table {
                    caption #interpreters-caption .table__caption { (ctx.tf("schedule.interpreters.caption", &[("count", &rows.len().to_string())])) }
                    thead { tr {
                        th scope="col" { (ctx.t("schedule.interpreters.display_name")) }
                        th scope="col" { (ctx.t("schedule.interpreters.full_name")) }
                        th scope="col" { (ctx.t("schedule.interpreters.qualifications")) }
                        th scope="col" { (ctx.t("schedule.interpreters.status")) }
                    } }
                    tbody {
                        @for row in rows {
                            tr {
                                td { a href={ "/staff/interpreters/" (row.id) } { (row.display_name) } }
                                td { (row.full_name) }
                                td { (qualification_list(ctx, &row.qualifications)) }
                                td {
                                    @if row.active { (ctx.t("schedule.active")) }
                                    @else { strong .tag .tag--grey { (ctx.t("schedule.inactive")) } }
                                }
                            }
                        }
                    }
                }
            }
        }
    };
    render(ctx, Page::new(ctx.t("schedule.interpreters.title"), body))
}

/// A date exception as listed.
#[derive(Debug, Clone)]
pub struct ExceptionRow {
    /// Its id, for removing it.
    pub id: i64,
    /// The date.
    pub day: Date,
    /// The extra hours, `None` for a day off.
    pub extra: Option<(String, String)>,
}

/// What was typed into the "add a date" form.
#[derive(Debug, Clone, Default)]
pub struct ExceptionForm {
    /// Year, month and day as typed.
    pub year: String,
    /// Month.
    pub month: String,
    /// Day of the month.
    pub day: String,
    /// `off` or `extra`.
    pub kind: String,
    /// Start of the extra hours.
    pub from: String,
    /// End of the extra hours.
    pub to: String,
}

/// The availability page of one interpreter.
pub struct InterpreterView<'a> {
    /// The interpreter.
    pub interpreter: &'a InterpreterRow,
    /// Whether the viewer manages the schedule (and may change qualifications).
    pub manage: bool,
    /// Whether the page is the viewer's own.
    pub own: bool,
    /// The weekly fields, by field name.
    pub weekly: &'a HashMap<String, String>,
    /// The qualifications ticked.
    pub qualifications: &'a [&'a str],
    /// Date exceptions from today on.
    pub exceptions: &'a [ExceptionRow],
    /// The "add a date" form.
    pub exception_form: &'a ExceptionForm,
    /// What was wrong.
    pub errors: &'a Errors,
    /// A success message.
    pub notice: Option<&'a str>,
}

/// The availability page of one interpreter.
pub fn interpreter(ctx: &PageContext, view: InterpreterView<'_>) -> Markup {
    let i = view.interpreter;
    let errors = view.errors;
    let title = if view.own {
        ctx.t("schedule.interpreter.own_title").to_owned()
    } else {
        ctx.tf("schedule.interpreter.title", &[("name", &i.display_name)])
    };
    let base = format!("/staff/interpreters/{}", i.id);
    let back = if view.manage {
        "/staff/interpreters"
    } else {
        "/staff/my-sessions"
    };
    let qualification_choices: Vec<Choice> = Qualification::ALL
        .iter()
        .map(|q| Choice {
            value: q.as_str(),
            label: qualification_name(ctx, *q).to_owned(),
            hint: None,
        })
        .collect();
    let kind_choices = vec![
        Choice {
            value: "off",
            label: ctx.t("schedule.exception.off").to_owned(),
            hint: None,
        },
        Choice {
            value: "extra",
            label: ctx.t("schedule.exception.extra").to_owned(),
            hint: Some(ctx.t("schedule.exception.extra_hint").to_owned()),
        },
    ];
    let f = view.exception_form;
    let mut facts = vec![SummaryRow {
        key: ctx.t("schedule.interpreters.display_name").to_owned(),
        value: html! { (i.display_name) },
        change: None,
    }];
    if view.manage {
        facts.push(SummaryRow {
            key: ctx.t("schedule.interpreters.full_name").to_owned(),
            value: html! { (i.full_name) },
            change: None,
        });
        facts.push(SummaryRow {
            key: ctx.t("schedule.interpreters.status").to_owned(),
            value: html! {
                @if i.active { (ctx.t("schedule.active")) } @else { (ctx.t("schedule.inactive")) }
            },
            change: None,
        });
    }
    let body = html! {
        (back_link(ctx, back))
        (success(ctx, view.notice))
        (error_summary(ctx, errors))
        h1 .heading-l { (title) }
        (summary_list(ctx, &facts))

        h2 .heading-m { (ctx.t("schedule.weekly.heading")) }
        p { (ctx.t("schedule.weekly.lead")) }
        (form(ctx, &format!("{base}/weekly"), html! {
            div .hint { (ctx.t("schedule.time_hint")) }
            (span_fields(ctx, SpanForm::Availability, view.weekly, errors))
            (button(ctx.t("schedule.weekly.submit")))
        }))

        h2 .heading-m { (ctx.t("schedule.exceptions.heading")) }
        p { (ctx.t("schedule.exceptions.lead")) }
        @if view.exceptions.is_empty() {
            p { (ctx.t("schedule.exceptions.none")) }
        } @else {
            ul .exception-list {
                @for e in view.exceptions {
                    @let what = match &e.extra {
                        Some((from, to)) => ctx.tf("schedule.exception.extra_span", &[("from", from), ("to", to)]),
                        None => ctx.t("schedule.exception.off").to_owned(),
                    };
                    @let date = i18n::format_date(ctx.lang, e.day);
                    li .exception-list__item {
                        span { strong { (date) } " " (what) }
                        form method="post" action={ (base) "/exceptions/" (e.id) "/delete" } novalidate data-destructive {
                            (csrf_field(ctx))
                            button .button .button--secondary .button--small type="submit" {
                                (ctx.t("schedule.exceptions.remove")) span .visually-hidden { " " (date) " " (what) }
                            }
                        }
                    }
                }
            }
        }
        h3 .heading-s { (ctx.t("schedule.exceptions.add_heading")) }
        (form(ctx, &format!("{base}/exceptions"), html! {
            (date_input(ctx, "exception_day", ctx.t("schedule.exceptions.date"), Some(ctx.t("schedule.date_hint")),
                (&f.year, &f.month, &f.day), errors.message(ctx, "exception_day").as_deref()))
            (choices(ctx, ChoiceGroup {
                name: "exception_kind", legend: ctx.t("schedule.exceptions.kind"), legend_is_heading: false,
                hint: None, choices: kind_choices, selected: vec![f.kind.as_str()],
                error: errors.message(ctx, "exception_kind"), multiple: false,
            }))
            div .span-pair {
                (input(ctx, Input {
                    name: "exception_from", label: ctx.t("schedule.exceptions.from"), value: &f.from,
                    autocomplete: Some("off"), error: errors.message(ctx, "exception_from"),
                    no_spellcheck: true, width: Some("width-5"), ..Default::default()
                }))
                (input(ctx, Input {
                    name: "exception_to", label: ctx.t("schedule.exceptions.to"), value: &f.to,
                    autocomplete: Some("off"), error: errors.message(ctx, "exception_to"),
                    no_spellcheck: true, width: Some("width-5"), ..Default::default()
                }))
            }
            (button(ctx.t("schedule.exceptions.submit")))
        }))

        h2 .heading-m { (ctx.t("schedule.interpreters.qualifications")) }
        @if view.manage {
            (form(ctx, &format!("{base}/qualifications"), html! {
                (choices(ctx, ChoiceGroup {
                    name: "qualification", legend: ctx.t("schedule.qualifications.legend"), legend_is_heading: false,
                    hint: Some(ctx.t("schedule.qualifications.hint")), choices: qualification_choices,
                    selected: view.qualifications.to_vec(), error: errors.message(ctx, "qualification"),
                    multiple: true,
                }))
                (button(ctx.t("schedule.qualifications.submit")))
            }))
        } @else {
            (qualification_list(ctx, &i.qualifications))
            p { (ctx.t("schedule.qualifications.ask")) }
        }
    };
    render(ctx, Page::new(title, body).with_errors(errors.len()))
}

// ---------------------------------------------------------------------------------------
// The desk's session settings.

/// The fields of a mode's rules, in the order shown.
pub const RULE_FIELDS: [&str; 5] = ["length", "buffer", "notice", "horizon", "cutoff"];

static RULE_NAMES: LazyLock<Vec<String>> = LazyLock::new(|| {
    SessionMode::ALL
        .iter()
        .flat_map(|m| {
            RULE_FIELDS
                .iter()
                .map(move |f| format!("{}-{f}", m.as_str()))
        })
        .collect()
});

/// The name (and id) of one rule field of a mode.
pub fn rule_field(mode: SessionMode, field: &str) -> &'static str {
    let wanted = format!("{}-{field}", mode.as_str());
    RULE_NAMES
        .iter()
        .find(|name| **name == wanted)
        .map(String::as_str)
        .unwrap_or("rules")
}

/// The smallest and largest value each rule field accepts.
pub fn rule_bounds(field: &str) -> (i64, i64) {
    match field {
        "length" => (5, 240),
        "buffer" => (0, 120),
        "horizon" => (1, 365),
        // Notice and cut-off: up to a week.
        _ => (0, 10080),
    }
}

/// The visible label of a rule field.
pub fn rule_label(ctx: &PageContext, field: &str) -> &'static str {
    let key = match field {
        "length" => "schedule.settings.length",
        "buffer" => "schedule.settings.buffer",
        "notice" => "schedule.settings.notice",
        "horizon" => "schedule.settings.horizon",
        _ => "schedule.settings.cutoff",
    };
    i18n::t(ctx.lang, key)
}

/// What was typed into the "close a day" form.
#[derive(Debug, Clone, Default)]
pub struct ClosedForm {
    /// Year as typed.
    pub year: String,
    /// Month.
    pub month: String,
    /// Day of the month.
    pub day: String,
    /// The note, such as the holiday's name.
    pub note: String,
}

/// The settings page.
pub struct SettingsView<'a> {
    /// The rule fields, by field name.
    pub rules: &'a HashMap<String, String>,
    /// The reminder field.
    pub reminder_hours: &'a str,
    /// The room-address template field.
    pub room_template: &'a str,
    /// Whether a room-address template is saved.
    pub template_set: bool,
    /// The opening-hour fields, by field name.
    pub hours: &'a HashMap<String, String>,
    /// Closed days from today on.
    pub closed: &'a [(Date, String)],
    /// The "close a day" form.
    pub closed_form: &'a ClosedForm,
    /// What was wrong.
    pub errors: &'a Errors,
    /// A success message.
    pub notice: Option<&'a str>,
}

/// Tells staff that video sessions have no join address until a room-address template is
/// set.
fn no_room_template_warning(ctx: &PageContext) -> Markup {
    html! {
        div .warning-text #no-room-template {
            strong { (ctx.t("schedule.settings.rooms_missing")) }
        }
    }
}

/// The session settings page.
pub fn settings(ctx: &PageContext, view: SettingsView<'_>) -> Markup {
    let errors = view.errors;
    let c = view.closed_form;
    let body = html! {
        (success(ctx, view.notice))
        (error_summary(ctx, errors))
        h1 .heading-l { (ctx.t("schedule.settings.title")) }
        p { (ctx.t("schedule.settings.lead")) }
        @for mode in SessionMode::ALL {
            h2 .heading-m { (mode_name(ctx, Some(mode))) }
            (form(ctx, &format!("/staff/settings/sessions/{}", mode.as_str()), html! {
                @for field in RULE_FIELDS {
                    @let name = rule_field(mode, field);
                    @let (min, max) = rule_bounds(field);
                    @let hint = ctx.tf("schedule.settings.bounds", &[("min", &min.to_string()), ("max", &max.to_string())]);
                    (input(ctx, Input {
                        name, label: rule_label(ctx, field), hint: Some(&hint),
                        value: view.rules.get(name).map(String::as_str).unwrap_or(""),
                        autocomplete: Some("off"), error: errors.message(ctx, name),
                        no_spellcheck: true, width: Some("width-5"), ..Default::default()
                    }))
                }
                (button(&ctx.tf("schedule.settings.save_mode", &[("mode", mode_name(ctx, Some(mode)))])))
            }))
        }

        h2 .heading-m #video-rooms { (ctx.t("schedule.settings.rooms_heading")) }
        @if !view.template_set {
            (no_room_template_warning(ctx))
        }
        p { (ctx.t("schedule.settings.rooms_lead")) }
        (form(ctx, "/staff/settings/video-rooms", html! {
            (input(ctx, Input {
                name: "room_template", label: ctx.t("schedule.settings.rooms_label"),
                hint: Some(ctx.t("schedule.settings.rooms_hint")), value: view.room_template,
                // A template, not yet an address: `{room}` is not allowed in a URL field's value.
                kind: "text", autocomplete: Some("off"), error: errors.message(ctx, "room_template"),
                no_spellcheck: true, ..Default::default()
            }))
            (button(ctx.t("schedule.settings.rooms_submit")))
        }))

        h2 .heading-m { (ctx.t("schedule.settings.reminder_heading")) }
        (form(ctx, "/staff/settings/reminders", html! {
            (input(ctx, Input {
                name: "reminder_hours", label: ctx.t("schedule.settings.reminder_label"),
                hint: Some(ctx.t("schedule.settings.reminder_hint")), value: view.reminder_hours,
                autocomplete: Some("off"), error: errors.message(ctx, "reminder_hours"),
                no_spellcheck: true, width: Some("width-5"), ..Default::default()
            }))
            (button(ctx.t("schedule.settings.reminder_submit")))
        }))

        h2 .heading-m { (ctx.t("schedule.settings.hours_heading")) }
        p { (ctx.t("schedule.settings.hours_lead")) }
        (form(ctx, "/staff/settings/hours", html! {
            div .hint { (ctx.t("schedule.time_hint")) }
            (span_fields(ctx, SpanForm::Opening, view.hours, errors))
            (button(ctx.t("schedule.settings.hours_submit")))
        }))

        h2 .heading-m { (ctx.t("schedule.settings.closed_heading")) }
        p { (ctx.t("schedule.settings.closed_lead")) }
        @if view.closed.is_empty() {
            p { (ctx.t("schedule.settings.closed_none")) }
        } @else {
            ul .exception-list {
                @for (day, note) in view.closed {
                    @let date = i18n::format_date(ctx.lang, *day);
                    li .exception-list__item {
                        span { strong { (date) } @if !note.is_empty() { " " (note) } }
                        form method="post" action={ "/staff/settings/closed-days/" (iso(*day)) "/delete" } novalidate data-destructive {
                            (csrf_field(ctx))
                            button .button .button--secondary .button--small type="submit" {
                                (ctx.t("schedule.settings.reopen")) span .visually-hidden { " " (date) }
                            }
                        }
                    }
                }
            }
        }
        h3 .heading-s { (ctx.t("schedule.settings.close_heading")) }
        (form(ctx, "/staff/settings/closed-days", html! {
            (date_input(ctx, "closed_day", ctx.t("schedule.settings.close_date"), Some(ctx.t("schedule.date_hint")),
                (&c.year, &c.month, &c.day), errors.message(ctx, "closed_day").as_deref()))
            (input(ctx, Input {
                name: "closed_note", label: ctx.t("schedule.settings.close_note"),
                hint: Some(ctx.t("schedule.settings.close_note_hint")), value: &c.note,
                autocomplete: Some("off"), error: errors.message(ctx, "closed_note"),
                width: Some("width-20"), ..Default::default()
            }))
            (button(ctx.t("schedule.settings.close_submit")))
        }))
    };
    render(
        ctx,
        Page::new(ctx.t("schedule.settings.title"), body).with_errors(errors.len()),
    )
}
