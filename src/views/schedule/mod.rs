//! Staff pages for sessions: the week board, one session, one's own sessions, interpreters'
//! availability and the desk's session settings.

mod board;
mod closed_days;
mod hours_check;
mod interpreters;
mod session;
mod settings;

pub use board::{AttentionRow, Board, BoardRow, SessionLine, attention_list, board};
pub use closed_days::{ClosedDaysView, ClosedForm, ClosureRulesForm, closed_days};
pub use hours_check::{
    ASK_NEW_TIME, AffectedSession, HoursCheck, LATER, MAX_ASKED, answer_field, give_to, given_to,
    hours_check,
};
pub use interpreters::{
    ExceptionForm, ExceptionRow, InterpreterRow, InterpreterView, interpreter, interpreters,
};
pub use session::{
    HistoryLine, NoteLine, OUTCOMES, SessionDetail, SessionFlags, SessionForms, SessionView,
    cancel_confirm, my_sessions, session,
};
pub use settings::{RULE_FIELDS, SettingsView, rule_bounds, rule_field, rule_label, settings};

use super::PageContext;
use super::components::{Banner, Errors, Input, input, notification_banner};
use crate::domain::attention::Attention;
use crate::domain::holidays::Closure;
use crate::domain::schedule::SessionMode;
use crate::domain::{BookingStatus, Qualification};
use crate::i18n;
use maud::{Markup, html};
use std::collections::HashMap;
use std::sync::LazyLock;
use time::{Date, OffsetDateTime};
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
fn mode_name(ctx: &PageContext, mode: SessionMode) -> &'static str {
    i18n::mode_name(ctx.lang, mode)
}

/// The short name of a mode, for the board's narrow cells.
fn mode_short(ctx: &PageContext, mode: SessionMode) -> &'static str {
    match mode {
        SessionMode::SignLanguageVideo => {
            i18n::t(ctx.lang, "schedule.mode_short.sign_language_video")
        }
        SessionMode::WrittenChat => i18n::t(ctx.lang, "schedule.mode_short.written_chat"),
    }
}

/// The name of a sign language asked for (its stored name), or the stored value itself.
pub fn sign_language_name(ctx: &PageContext, code: &str) -> String {
    match code {
        "jsl" => ctx.t("schedule.sign_language.jsl").to_owned(),
        "asl" => ctx.t("sign_language.asl").to_owned(),
        "other" => ctx.t("schedule.sign_language.other").to_owned(),
        other => other.to_owned(),
    }
}

/// Why the desk is closed on a day, in words: the holiday's name, the year-end break, or
/// the note staff wrote.
pub fn closure_name(ctx: &PageContext, why: &Closure) -> String {
    match why {
        Closure::Holiday(h) => ctx.t(&format!("holiday.{}", h.as_str())).to_owned(),
        Closure::YearEnd => ctx.t("closed_days.year_end").to_owned(),
        Closure::Desk(note) if note.is_empty() => ctx.t("closed_days.closed").to_owned(),
        Closure::Desk(note) => note.clone(),
    }
}

/// What a session needs staff for, in words naming its interpreter.
pub fn attention_text(ctx: &PageContext, a: Attention, interpreter: &str) -> String {
    match a {
        Attention::QualificationExpired(qualification, last_day) => ctx.tf(
            "attention.qualification_expired",
            &[
                ("name", interpreter),
                ("qualification", qualification_name(ctx, qualification)),
                ("date", &ctx.day(last_day)),
            ],
        ),
        Attention::LanguageLacking(language) => ctx.tf(
            "attention.language_lacking",
            &[
                ("language", &sign_language_name(ctx, language.as_str())),
                ("name", interpreter),
            ],
        ),
        other => ctx.tf(
            &format!("attention.{}", other.key()),
            &[("name", interpreter)],
        ),
    }
}

/// Where a session stands, in words.
pub fn status_label(ctx: &PageContext, status: BookingStatus) -> &'static str {
    let key = match status {
        BookingStatus::Booked => "schedule.status.booked",
        BookingStatus::Cancelled => "schedule.status.cancelled",
        BookingStatus::Completed => "schedule.status.completed",
        BookingStatus::NoShowCustomer => "schedule.status.no_show_customer",
        BookingStatus::NoShowInterpreter => "schedule.status.no_show_interpreter",
    };
    i18n::t(ctx.lang, key)
}

/// The status as a tag; the words carry the meaning, the colour only repeats it.
fn status_tag(ctx: &PageContext, status: BookingStatus) -> Markup {
    let class = match status {
        BookingStatus::Booked => "tag tag--blue",
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

/// Tells staff that video sessions have no join address until a room-address template is
/// set.
fn no_room_template_warning(ctx: &PageContext) -> Markup {
    html! {
        div .warning-text #no-room-template {
            strong { (ctx.t("schedule.settings.rooms_missing")) }
        }
    }
}
