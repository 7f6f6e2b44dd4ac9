//! The public booking journey (one question a page, with back links, a check page and a
//! confirmation) and the pages a manage link opens (see, move, cancel).

use super::PageContext;
use super::components::{
    Banner, Choice, ChoiceGroup, Errors, Input, SummaryRow, back_link, button, card_stop_box,
    choices, error_summary, form, input, notification_banner, textarea, topic_name, warning_button,
    write_to_us,
};
use super::layout::{Page, render};
use crate::domain::booking::{DetailsForm, NEEDS_MAX_CHARS, SIGN_LANGUAGES};
use crate::domain::chat::RoomState;
use crate::domain::dates::iso_day;
use crate::domain::holidays::Closure;
use crate::domain::request::Topic;
use crate::domain::schedule::SessionMode;
use crate::domain::{BookingStatus, Joining};
use crate::i18n;
use crate::paths;
use maud::{Markup, html};
use time::{Date, OffsetDateTime};
use time_tz::OffsetDateTimeExt;

/// Whether the topic typed is a lost or stolen card: a session days away is not the way to
/// stop a card, so every page of the journey that knows it says how to stop one now.
fn about_lost_card(topic: &str) -> bool {
    topic == Topic::LostStolen.as_str()
}

/// The start page of the journey.
pub fn start(ctx: &PageContext, can_continue: Option<&str>) -> Markup {
    let body = html! {
        h1 .heading-xl { (ctx.t("book.start.title")) }
        p .lead { (ctx.t("book.start.lead")) }
        h2 .heading-m { (ctx.t("book.start.modes_heading")) }
        ul .list .list--bullet {
            li { (ctx.t("book.start.mode_sign")) }
            li { (ctx.t("book.start.mode_chat")) }
        }
        h2 .heading-m { (ctx.t("book.start.need_heading")) }
        ul .list .list--bullet {
            li { (ctx.t("book.start.need_email")) }
            li { (ctx.t("book.start.need_member")) }
        }
        p { (ctx.t("book.start.no_phone")) }
        p { (ctx.t("book.start.no_limit")) }
        div .warning-text #lost-card-first {
            (ctx.t("lost.book.start")) " "
            a href=(paths::requests::LOST_CARD) { (ctx.t("lost.book.start_link")) }
        }
        p { a .button href=(paths::booking::MODE) draggable="false" { (ctx.t("book.start.button")) } }
        @if let Some(href) = can_continue {
            p { a href=(href) { (ctx.t("book.start.continue")) } }
        }
    };
    render(ctx, Page::new(ctx.t("book.start.title"), body))
}

fn mode_label(ctx: &PageContext, mode: SessionMode) -> &'static str {
    i18n::mode_name(ctx.lang, mode)
}

/// Which kind of session.
pub fn mode(ctx: &PageContext, selected: Option<&str>, errors: &Errors) -> Markup {
    let title = ctx.t("book.mode.title");
    let body = html! {
        (back_link(ctx, paths::booking::START))
        (error_summary(ctx, errors))
        (form(ctx, paths::booking::MODE, html! {
            (choices(ctx, ChoiceGroup {
                name: "mode",
                legend: title,
                legend_is_heading: true,
                hint: None,
                choices: SessionMode::ALL.iter().map(|m| Choice {
                    value: m.as_str(),
                    label: mode_label(ctx, *m).to_owned(),
                    hint: Some(ctx.t(&format!("book.mode.hint.{}", m.as_str())).to_owned()),
                }).collect(),
                selected: selected.into_iter().collect(),
                error: errors.message(ctx, "mode"),
                multiple: false,
            }))
            (button(ctx.t("book.continue")))
        }))
    };
    render(ctx, Page::new(title, body).with_errors(errors.len()))
}

/// A list of days with free times, a week at a time.
pub struct DayList<'a> {
    /// Where the form posts (or, for GET, goes).
    pub action: &'a str,
    /// `post` for the journey, `get` for moving a booked session.
    pub method: &'a str,
    /// Where the back link goes.
    pub back: &'a str,
    /// The mode, named in the hint.
    pub mode: SessionMode,
    /// The first and last day of the week shown.
    pub week: (Date, Date),
    /// Which week this is, counting from 0 for the coming seven days.
    pub week_number: i64,
    /// The path (without `week=`) the previous/next links go to.
    pub week_link: &'a str,
    /// Whether there is a later week to show.
    pub has_next: bool,
    /// The days of the week with free times, with how many.
    pub days: &'a [(Date, usize)],
    /// The days of the week the desk is closed, and why.
    pub closed: &'a [(Date, Closure)],
    /// The day already chosen, `YYYY-MM-DD`.
    pub selected: Option<&'a str>,
}

fn week_href(base: &str, week: i64) -> String {
    let joiner = if base.contains('?') { '&' } else { '?' };
    format!("{base}{joiner}week={week}")
}

/// The day page.
pub fn day(ctx: &PageContext, list: &DayList<'_>, errors: &Errors) -> Markup {
    let title = ctx.t("book.day.title");
    let from = i18n::format_date(ctx.lang, list.week.0);
    let until = i18n::format_date(ctx.lang, list.week.1);
    let range = ctx.tf("book.day.week", &[("from", &from), ("until", &until)]);
    let keys: Vec<String> = list.days.iter().map(|(d, _)| iso_day(*d)).collect();
    let body = html! {
        (back_link(ctx, list.back))
        (error_summary(ctx, errors))
        @if list.days.is_empty() {
            h1 .heading-l { (title) }
            p .lead { (range) }
            p { (ctx.tf("book.day.none", &[("mode", mode_label(ctx, list.mode))])) }
        } @else {
            form method=(list.method) action=(list.action) novalidate {
                @if list.method == "post" { (super::components::csrf_field(ctx)) }
                input type="hidden" name="week" value=(list.week_number);
                (choices(ctx, ChoiceGroup {
                    name: "day",
                    legend: title,
                    legend_is_heading: true,
                    hint: Some(&range),
                    choices: list.days.iter().zip(&keys).map(|((d, n), key)| Choice {
                        value: key.as_str(),
                        label: i18n::format_date(ctx.lang, *d),
                        hint: Some(ctx.tn("book.day.free", *n as u64, &[])),
                    }).collect(),
                    selected: list.selected.into_iter().collect(),
                    error: errors.message(ctx, "day"),
                    multiple: false,
                }))
                (button(ctx.t("book.continue")))
            }
        }
        @if !list.closed.is_empty() {
            p #closed-days { (ctx.t("book.day.closed")) }
            ul .list {
                @for (day, why) in list.closed {
                    li { (i18n::format_date(ctx.lang, *day)) " " (public_closure_name(ctx, why)) }
                }
            }
        }
        nav .pagination aria-label=(ctx.t("book.day.weeks")) {
            ul .list {
                @if list.week_number > 0 {
                    li { a href=(week_href(list.week_link, list.week_number - 1)) { (ctx.t("book.day.previous")) } }
                }
                @if list.has_next {
                    li { a href=(week_href(list.week_link, list.week_number + 1)) { (ctx.t("book.day.next")) } }
                }
            }
        }
    };
    render(ctx, Page::new(title, body).with_errors(errors.len()))
}

/// Why the desk is closed on a day, as customers are told: a holiday or the year-end break
/// by name, a day staff closed without their note.
fn public_closure_name(ctx: &PageContext, why: &Closure) -> String {
    match why {
        Closure::Holiday(h) => ctx.t(&format!("holiday.{}", h.as_str())).to_owned(),
        Closure::YearEnd => ctx.t("closed_days.year_end").to_owned(),
        Closure::Desk(_) => ctx.t("closed_days.closed").to_owned(),
    }
}

/// One free time on the time page.
pub struct TimeChoice {
    /// The start, in seconds since 1970.
    pub value: String,
    /// "10:00–10:30".
    pub label: String,
    /// A note such as "with Sato".
    pub hint: Option<String>,
    /// Whether it starts at noon or later (in the desk's zone).
    pub afternoon: bool,
}

/// A list of free times on a day.
pub struct TimeList<'a> {
    /// Where the form posts.
    pub action: &'a str,
    /// Where the back link goes.
    pub back: &'a str,
    /// The day.
    pub day: Date,
    /// The free times.
    pub times: Vec<TimeChoice>,
    /// The time chosen.
    pub selected: Option<&'a str>,
    /// Shown when the time chosen before was taken meanwhile.
    pub taken: bool,
    /// Extra fields inside the form (moving a session offers to keep the interpreter).
    pub extra: Option<Markup>,
    /// Hidden fields to carry along.
    pub hidden: Vec<(&'a str, String)>,
    /// The button's words.
    pub submit: &'a str,
}

/// Writes a start time and end time: `10:00–10:30`.
pub fn time_range(start: OffsetDateTime, end: OffsetDateTime, tz: &time_tz::Tz) -> String {
    let (s, e) = (start.to_timezone(tz), end.to_timezone(tz));
    format!(
        "{:02}:{:02}–{:02}:{:02}",
        s.hour(),
        s.minute(),
        e.hour(),
        e.minute()
    )
}

/// The name of the desk's time zone, as customers read it: "Japan time" for Tokyo.
fn zone_name(ctx: &PageContext) -> String {
    use time_tz::TimeZone;
    match ctx.tz.name() {
        "Asia/Tokyo" => ctx.t("book.time.zone_japan").to_owned(),
        other => ctx.tf("book.time.zone_other", &[("zone", other)]),
    }
}

/// The free times as radios, in a morning group and an afternoon group, under one question
/// that names the time zone. The first radio carries the field's id, so the error summary
/// links to it.
fn grouped_times(ctx: &PageContext, list: &TimeList<'_>, title: &str, errors: &Errors) -> Markup {
    let error = errors.message(ctx, "start");
    let described = if error.is_some() {
        "start-hint start-error"
    } else {
        "start-hint"
    };
    let groups = [
        (false, ctx.t("book.time.morning")),
        (true, ctx.t("book.time.afternoon")),
    ];
    let mut n = 0;
    html! {
        div .form-group .form-group--error[error.is_some()] {
            fieldset .fieldset aria-describedby=(described) {
                legend .fieldset__legend .fieldset__legend--heading { h1 .heading-l { (title) } }
                div .hint #start-hint {
                    (ctx.t("book.time.hint")) " "
                    (ctx.tf("book.time.zone", &[("zone", &zone_name(ctx))]))
                }
                @if let Some(error) = &error {
                    p .error-message #start-error {
                        span .visually-hidden { (ctx.t("error.prefix")) } (error)
                    }
                }
                @for (afternoon, legend) in groups {
                    @let times: Vec<&TimeChoice> = list.times.iter().filter(|t| t.afternoon == afternoon).collect();
                    @if !times.is_empty() {
                        fieldset .fieldset .time-group {
                            legend .fieldset__legend { (legend) }
                            div .choices {
                                @for t in times {
                                    @let id = { n += 1; if n == 1 { "start".to_owned() } else { format!("start-{n}") } };
                                    div .choice {
                                        input .choice__input type="radio" id=(id) name="start" value=(t.value)
                                            checked[list.selected == Some(t.value.as_str())]
                                            aria-describedby=[t.hint.as_ref().map(|_| format!("{id}-item-hint"))];
                                        label .choice__label for=(id) { (t.label) }
                                        @if let Some(hint) = &t.hint {
                                            div .hint .choice__hint #{ (id) "-item-hint" } { (hint) }
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

/// The time page.
pub fn time(ctx: &PageContext, list: &TimeList<'_>, errors: &Errors) -> Markup {
    let title = ctx.tf(
        "book.time.title",
        &[("day", &i18n::format_date(ctx.lang, list.day))],
    );
    let body = html! {
        (back_link(ctx, list.back))
        @if list.taken {
            (notification_banner(ctx, Banner::Important, html! {
                p .banner__heading { (ctx.t("book.time.taken")) }
                p { (ctx.t("book.time.taken_kept")) }
            }))
        }
        (error_summary(ctx, errors))
        @if list.times.is_empty() {
            h1 .heading-l { (title) }
            p { (ctx.t("book.time.none")) }
            p { a href=(list.back) { (ctx.t("book.time.other_day")) } }
        } @else {
            (form(ctx, list.action, html! {
                @for (name, value) in &list.hidden {
                    input type="hidden" name=(name) value=(value);
                }
                (grouped_times(ctx, list, &title, errors))
                @if let Some(extra) = &list.extra { (extra) }
                (button(list.submit))
            }))
        }
    };
    render(ctx, Page::new(title, body).with_errors(errors.len()))
}

/// The "your details" page.
pub fn details(
    ctx: &PageContext,
    mode: SessionMode,
    values: &DetailsForm,
    errors: &Errors,
) -> Markup {
    let title = ctx.t("book.details.title");
    let needs_hint = ctx.tf(
        "book.field.needs_hint",
        &[("max", &NEEDS_MAX_CHARS.to_string())],
    );
    let body = html! {
        (back_link(ctx, paths::booking::TIME))
        (error_summary(ctx, errors))
        h1 .heading-l { (title) }
        p { (ctx.t("book.details.lead")) }
        @if about_lost_card(&values.topic) {
            (card_stop_box(ctx, "lost.stop.session_warning"))
        }
        (form(ctx, paths::booking::DETAILS, html! {
            (input(ctx, Input {
                name: "name", label: ctx.t("book.field.name"), value: &values.name,
                autocomplete: Some("name"), error: errors.message(ctx, "name"), no_spellcheck: true,
                ..Default::default()
            }))
            (input(ctx, Input {
                name: "email", label: ctx.t("book.field.email"), hint: Some(ctx.t("book.field.email_hint")),
                value: &values.email, kind: "email", autocomplete: Some("email"),
                error: errors.message(ctx, "email"), no_spellcheck: true, ..Default::default()
            }))
            (input(ctx, Input {
                name: "member_number", label: ctx.t("book.field.member_number"),
                hint: Some(ctx.t("book.field.member_number_hint")), value: &values.member_number,
                error: errors.message(ctx, "member_number"), no_spellcheck: true, width: Some("width-10"),
                ..Default::default()
            }))
            (choices(ctx, ChoiceGroup {
                name: "topic",
                legend: ctx.t("book.field.topic"),
                legend_is_heading: false,
                hint: None,
                choices: Topic::ALL.iter().map(|t| Choice { value: t.as_str(), label: topic_name(ctx, t.as_str()), hint: None }).collect(),
                selected: vec![values.topic.as_str()],
                error: errors.message(ctx, "topic"),
                multiple: false,
            }))
            (input(ctx, Input {
                name: "topic_other", label: ctx.t("book.field.topic_other"),
                hint: Some(ctx.t("book.field.topic_other_hint")), value: &values.topic_other,
                error: errors.message(ctx, "topic_other"), ..Default::default()
            }))
            @if mode == SessionMode::SignLanguageVideo {
                (choices(ctx, ChoiceGroup {
                    name: "sign_language",
                    legend: ctx.t("book.field.sign_language"),
                    legend_is_heading: false,
                    hint: None,
                    choices: SIGN_LANGUAGES.iter().map(|s| Choice {
                        value: s, label: ctx.t(&format!("sign_language.{s}")).to_owned(), hint: None,
                    }).collect(),
                    selected: vec![values.sign_language.as_str()],
                    error: errors.message(ctx, "sign_language"),
                    multiple: false,
                }))
                (input(ctx, Input {
                    name: "sign_language_other", label: ctx.t("book.field.sign_language_other"),
                    hint: Some(ctx.t("book.field.sign_language_other_hint")), value: &values.sign_language_other,
                    error: errors.message(ctx, "sign_language_other"), ..Default::default()
                }))
            }
            (textarea(ctx, "needs", ctx.t("book.field.needs"), Some(&needs_hint), &values.needs,
                errors.message(ctx, "needs").as_deref()))
            (button(ctx.t("book.continue")))
        }))
    };
    render(ctx, Page::new(title, body).with_errors(errors.len()))
}

/// What the check page shows.
pub struct Answers<'a> {
    /// The mode.
    pub mode: SessionMode,
    /// When, written out.
    pub when: String,
    /// The details as typed (already accepted).
    pub details: &'a DetailsForm,
}

fn or_none(ctx: &PageContext, value: &str) -> String {
    if value.trim().is_empty() {
        ctx.t("book.check.none").to_owned()
    } else {
        value.trim().to_owned()
    }
}

fn answer_rows(ctx: &PageContext, a: &Answers<'_>, changes: bool) -> Vec<SummaryRow> {
    let change = |href: &str, what: &str| changes.then(|| (href.to_owned(), what.to_owned()));
    let field = |id: &str| format!("{}#{id}", paths::booking::DETAILS);
    let d = a.details;
    let mut topic = topic_name(ctx, &d.topic);
    if d.topic == "other" {
        topic = format!("{topic}: {}", d.topic_other.trim());
    }
    let mut rows = vec![
        SummaryRow {
            key: ctx.t("book.check.mode").into(),
            value: html! { (mode_label(ctx, a.mode)) },
            change: change(paths::booking::MODE, ctx.t("book.check.mode")),
        },
        SummaryRow {
            key: ctx.t("book.check.when").into(),
            value: html! { (a.when) },
            change: change(paths::booking::DAY, ctx.t("book.check.when")),
        },
        SummaryRow {
            key: ctx.t("book.field.name").into(),
            value: html! { (d.name.trim()) },
            change: change(&field("name"), ctx.t("book.field.name")),
        },
        SummaryRow {
            key: ctx.t("book.field.email").into(),
            value: html! { span .break-anywhere { (d.email.trim()) } },
            change: change(&field("email"), ctx.t("book.field.email")),
        },
        SummaryRow {
            key: ctx.t("book.field.member_number").into(),
            value: html! { (or_none(ctx, &d.member_number)) },
            change: change(&field("member_number"), ctx.t("book.field.member_number")),
        },
        SummaryRow {
            key: ctx.t("book.field.topic").into(),
            value: html! { (topic) },
            change: change(&field("topic"), ctx.t("book.field.topic")),
        },
    ];
    if a.mode == SessionMode::SignLanguageVideo {
        let mut language = ctx
            .t(&format!("sign_language.{}", d.sign_language))
            .to_owned();
        if d.sign_language == "other" {
            language = format!("{language}: {}", d.sign_language_other.trim());
        }
        rows.push(SummaryRow {
            key: ctx.t("book.field.sign_language").into(),
            value: html! { (language) },
            change: change(&field("sign_language"), ctx.t("book.field.sign_language")),
        });
    }
    rows.push(SummaryRow {
        key: ctx.t("book.field.needs").into(),
        value: html! { (or_none(ctx, &d.needs)) },
        change: change(&field("needs"), ctx.t("book.field.needs")),
    });
    rows
}

/// Check your answers, with change links and the confirm button.
pub fn check(ctx: &PageContext, answers: &Answers<'_>, request: Option<&str>) -> Markup {
    let title = ctx.t("book.check.title");
    let body = html! {
        (back_link(ctx, paths::booking::DETAILS))
        h1 .heading-l { (title) }
        @if let Some(reference) = request {
            p { (ctx.tf("book.check.for_request", &[("reference", reference)])) }
        }
        @if about_lost_card(&answers.details.topic) {
            (card_stop_box(ctx, "lost.stop.session_warning"))
        }
        (super::components::summary_list(ctx, &answer_rows(ctx, answers, true)))
        h2 .heading-m { (ctx.t("book.check.now_heading")) }
        p { (ctx.t("book.check.now")) }
        (form(ctx, paths::booking::CHECK, html! { (button(ctx.t("book.check.confirm"))) }))
    };
    render(ctx, Page::new(title, body))
}

/// What the confirmation and manage pages show of a booked session.
pub struct Session<'a> {
    /// What the customer is told when their interpreter does not sign the language they
    /// asked for, and what happens next.
    pub language_note: Option<&'a str>,
    /// Whether the desk asked them to choose another time.
    pub new_time_asked: bool,
    /// The reference number.
    pub reference: &'a str,
    /// The mode.
    pub mode: SessionMode,
    /// When, written out.
    pub when: String,
    /// The interpreter's display name.
    pub interpreter: &'a str,
    /// How the customer joins it.
    pub joining: &'a Joining,
    /// Where the emails go.
    pub email: &'a str,
    /// Where it stands.
    pub status: BookingStatus,
    /// Whether it is about a lost or stolen card.
    pub lost_card: bool,
}

/// The confirmation page.
pub fn confirmation(ctx: &PageContext, s: &Session<'_>) -> Markup {
    let title = ctx.t("book.done.title");
    let body = html! {
        div .panel {
            h1 .heading-xl { (title) }
            p .panel__body {
                (ctx.t("book.done.reference")) br;
                strong { (s.reference) }
            }
        }
        p { (ctx.tf("book.done.email", &[("email", s.email)])) }
        @if s.lost_card {
            (card_stop_box(ctx, "lost.stop.session_warning"))
        }
        (super::components::summary_list(ctx, &session_rows(ctx, s)))
        @if let Some(note) = s.language_note {
            div .warning-text #language-note { (note) }
        }
        h2 .heading-m { (ctx.t("book.done.next_heading")) }
        ul .list .list--bullet {
            li { (ctx.t("book.done.next_email")) }
            @match s.joining {
                Joining::Video(_) => li { (ctx.t("book.done.next_join")) },
                Joining::VideoLinkLater => li { (ctx.t("book.manage.join_later")) },
                Joining::WrittenChat => li { (ctx.t("book.manage.chat_how")) },
                Joining::Nothing => {},
            }
            li { (ctx.t("book.done.next_change")) }
        }
        p { a href=(paths::booking::MODE) { (ctx.t("book.done.another")) } }
    };
    render(ctx, Page::new(title, body))
}

fn session_rows(ctx: &PageContext, s: &Session<'_>) -> Vec<SummaryRow> {
    session_rows_with(ctx, s, None)
}

/// The rows of a session, and for a written-chat session on its manage page, where its
/// room stands and the way in (`room`: its state and address).
fn session_rows_with(
    ctx: &PageContext,
    s: &Session<'_>,
    room: Option<(RoomState, &str)>,
) -> Vec<SummaryRow> {
    let mut rows = vec![
        SummaryRow {
            key: ctx.t("book.check.mode").into(),
            value: html! { (mode_label(ctx, s.mode)) },
            change: None,
        },
        SummaryRow {
            key: ctx.t("book.check.when").into(),
            value: html! { (s.when) },
            change: None,
        },
        SummaryRow {
            key: ctx.t("book.manage.interpreter").into(),
            value: html! { (s.interpreter) },
            change: None,
        },
    ];
    // A cancelled or finished session has nowhere to join.
    let joining = match s.joining {
        Joining::Video(url) => Some((
            "book.manage.join",
            html! { a #join-address .break-anywhere href=(url) { (url) } },
        )),
        Joining::VideoLinkLater => Some((
            "book.manage.join",
            html! { (ctx.t("book.manage.join_later")) },
        )),
        Joining::WrittenChat if room.is_some() => None,
        Joining::WrittenChat => Some((
            "book.manage.chat",
            html! { (ctx.t("book.manage.chat_how")) },
        )),
        Joining::Nothing => None,
    };
    let joining = match room {
        Some((state, href)) => Some(("book.manage.chat", chat_room(ctx, state, href))),
        None => joining,
    };
    if let Some((key, value)) = joining {
        rows.push(SummaryRow {
            key: ctx.t(key).into(),
            value,
            change: None,
        });
    }
    rows
}

/// Where a written-chat session's room stands, and the link to it.
fn chat_room(ctx: &PageContext, state: RoomState, href: &str) -> Markup {
    html! {
        @match state {
            RoomState::NotYet { opens_at } => {
                p { (ctx.tf("book.manage.chat_opens", &[("time", &ctx.datetime(opens_at))])) }
                p { a #chat-room href=(href) { (ctx.t("book.manage.chat_link")) } }
            }
            RoomState::Open => {
                p { (ctx.t("book.manage.chat_open")) }
                p { a #chat-room href=(href) { (ctx.t("book.manage.chat_link")) } }
            }
            RoomState::Closed => {
                p { (ctx.t("book.manage.chat_ended")) }
                p { a #chat-room href=(href) { (ctx.t("book.manage.chat_transcript")) } }
            }
        }
    }
}

/// What can still be done with a session from its manage link.
pub enum ManageState {
    /// Booked, and still open to changes until the cut-off.
    Open {
        /// The cut-off, written out.
        until: String,
    },
    /// Booked, but past the cut-off.
    TooLate,
    /// Over, cancelled or recorded.
    Closed,
}

/// The page a manage link opens.
pub fn manage(
    ctx: &PageContext,
    token: &str,
    s: &Session<'_>,
    state: &ManageState,
    notice: Option<&str>,
    (room, feedback): (Option<RoomState>, bool),
) -> Markup {
    let title = ctx.tf("book.manage.title", &[("reference", s.reference)]);
    let room_href = paths::booking::chat(token);
    let rows = session_rows_with(ctx, s, room.map(|r| (r, room_href.as_str())));
    let status = ctx
        .t(&format!("booking_status.{}", s.status.as_str()))
        .to_owned();
    let body = html! {
        @if let Some(key) = notice {
            (notification_banner(ctx, Banner::Success, html! { p .banner__heading { (ctx.t(key)) } }))
        }
        @if s.new_time_asked {
            (notification_banner(ctx, Banner::Important, html! {
                p .banner__heading { (ctx.t("book.manage.new_time_needed")) }
                p { (ctx.t("book.manage.new_time_needed_how")) }
            }))
        }
        h1 .heading-l { (title) }
        p { strong .tag .tag--blue { (status) } }
        @if feedback {
            (super::feedback::offer(ctx, &paths::feedback::session(token)))
        }
        (super::components::summary_list(ctx, &rows))
        @if let Some(note) = s.language_note {
            div .warning-text #language-note { (note) }
        }
        @match state {
            ManageState::Open { until } => {
                h2 .heading-m { (ctx.t("book.manage.change_heading")) }
                p { (ctx.tf("book.manage.change_until", &[("time", until)])) }
                ul .list {
                    li { a href=(paths::booking::move_day(token)) { (ctx.t("book.manage.reschedule")) } }
                    li { a href=(paths::booking::cancel(token)) { (ctx.t("book.manage.cancel")) } }
                }
            }
            ManageState::TooLate => {
                p { (ctx.t("book.manage.too_late")) }
                (write_to_us(ctx, None))
            }
            ManageState::Closed => {
                p { a href=(paths::booking::START) { (ctx.t("book.manage.book_again")) } }
            }
        }
    };
    render(ctx, Page::new(title, body))
}

/// "Are you sure?" before cancelling, with an optional reason.
pub fn cancel(
    ctx: &PageContext,
    token: &str,
    s: &Session<'_>,
    reason: &str,
    errors: &Errors,
) -> Markup {
    let title = ctx.t("book.cancel.title");
    let manage = paths::booking::manage(token);
    let body = html! {
        (back_link(ctx, &manage))
        (error_summary(ctx, errors))
        h1 .heading-l { (title) }
        (super::components::summary_list(ctx, &session_rows(ctx, s)))
        (form(ctx, &paths::booking::cancel(token), html! {
            (textarea(ctx, "cancel_reason", ctx.t("book.cancel.reason"), Some(ctx.t("book.cancel.reason_hint")),
                reason, errors.message(ctx, "cancel_reason").as_deref()))
            (warning_button(ctx.t("book.cancel.confirm")))
        }))
        p { a href=(manage) { (ctx.t("book.cancel.keep")) } }
    };
    render(ctx, Page::new(title, body).with_errors(errors.len()))
}

/// A manage-link page that cannot be used: the link is wrong, or too late.
pub fn manage_message(
    ctx: &PageContext,
    title_key: &str,
    body_key: &str,
    back: Option<&str>,
) -> Markup {
    let title = ctx.t(title_key);
    let body = html! {
        @if let Some(back) = back { (back_link(ctx, back)) }
        h1 .heading-l { (title) }
        p { (ctx.t(body_key)) }
        // Never a dead end: how to write to the desk about the booking.
        (write_to_us(ctx, None))
    };
    render(ctx, Page::new(title, body))
}
