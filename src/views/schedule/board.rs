//! The week board.

use super::{
    attention_text, clock, closure_name, iso, mode_name, mode_short, no_room_template_warning,
    status_tag, when,
};
use crate::domain::BookingStatus;
use crate::domain::attention::Attention;
use crate::domain::holidays::Closure;
use crate::domain::schedule::SessionMode;
use crate::i18n;
use crate::paths;
use crate::views::PageContext;
use crate::views::components::{Choice, ChoiceGroup, choices, secondary_button};
use crate::views::layout::{Page, render};
use maud::{Markup, html};
use time::{Date, Duration, OffsetDateTime};

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
    pub mode: SessionMode,
    /// Where it stands.
    pub status: BookingStatus,
    /// What it needs staff for (only on the board).
    pub needs: Vec<Attention>,
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
    /// How many sessions the week holds (after the filter), cancelled ones aside.
    pub count: usize,
    /// How many of them need staff.
    pub flagged: usize,
    /// Why the desk is closed on each day of the week, Monday first.
    pub closures: &'a [Option<Closure>],
    /// Whether video sessions lack a join address because no room-address template is set.
    pub no_room_template: bool,
}

fn board_link(monday: Date, mode: Option<SessionMode>) -> String {
    match mode {
        Some(mode) => format!(
            "{}?week={}&mode={}",
            paths::staff::SCHEDULE,
            iso(monday),
            mode.as_str()
        ),
        None => format!("{}?week={}", paths::staff::SCHEDULE, iso(monday)),
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
            &[("mode", mode_name(ctx, mode)), ("range", &range)],
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
            label: mode_name(ctx, mode).to_owned(),
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
        form .filter method="get" action=(paths::staff::SCHEDULE) novalidate {
            input type="hidden" name="week" value=(iso(view.monday));
            (choices(ctx, ChoiceGroup {
                name: "mode", legend: ctx.t("schedule.board.mode_legend"), legend_is_heading: false,
                hint: None, choices: mode_choices, selected: vec![selected], error: None, multiple: false,
            }))
            (secondary_button(ctx.t("schedule.board.filter")))
        }
        p { (ctx.tf("schedule.board.count", &[("count", &view.count.to_string())])) }
        @if view.flagged > 0 {
            div .warning-text #board-attention {
                strong { (ctx.tf("attention.board.count", &[("count", &view.flagged.to_string())])) }
                " "
                a href=(paths::staff::ATTENTION) { (ctx.t("attention.board.link")) }
            }
        }
        @if view.rows.is_empty() {
            p { (ctx.t("schedule.board.no_interpreters")) }
        } @else {
            div .table-scroll role="region" aria-labelledby="board-caption" tabindex="0" {
                table .table .board {
                    caption #board-caption .table__caption { (caption) }
                    thead { tr {
                        th scope="col" { (ctx.t("schedule.board.interpreter")) }
                        @for (day, closed) in days.iter().zip(view.closures.iter().chain(std::iter::repeat(&None))) {
                            th scope="col" {
                                (i18n::format_date(ctx.lang, *day))
                                @if let Some(why) = closed {
                                    br; span .muted { (closure_name(ctx, why)) }
                                }
                            }
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
                                                        a href=(paths::staff::session(s.id)) { (s.reference) }
                                                        br;
                                                        (clock(ctx, s.starts_at)) "–" (clock(ctx, s.ends_at))
                                                        br;
                                                        (mode_short(ctx, s.mode))
                                                        br;
                                                        (status_tag(ctx, s.status))
                                                        @for need in &s.needs {
                                                            br;
                                                            strong .tag .tag--attention { (ctx.t(&format!("attention.tag.{}", need.key()))) }
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
        }
    };
    render(ctx, Page::new(ctx.t("schedule.board.title"), body))
}

/// A session on the list of those needing staff.
#[derive(Debug, Clone)]
pub struct AttentionRow {
    /// The session.
    pub session: SessionLine,
    /// Its interpreter's display name.
    pub interpreter: String,
    /// Why it needs staff.
    pub needs: Vec<Attention>,
    /// When the customer was asked to choose another time, if they were.
    pub new_time_asked: Option<OffsetDateTime>,
}

/// The sessions still to come that need staff.
pub fn attention_list(ctx: &PageContext, rows: &[AttentionRow]) -> Markup {
    let title = ctx.t("attention.list.title");
    let body = html! {
        h1 .heading-l { (title) }
        p { (ctx.t("attention.list.lead")) }
        @if rows.is_empty() {
            p { (ctx.t("attention.list.none")) }
        } @else {
            div .table-scroll role="region" aria-labelledby="attention-caption" tabindex="0" {
                table .table {
                    caption #attention-caption .table__caption { (ctx.tf("attention.list.caption", &[("count", &rows.len().to_string())])) }
                    thead { tr {
                        th scope="col" { (ctx.t("schedule.session.reference")) }
                        th scope="col" { (ctx.t("schedule.session.when")) }
                        th scope="col" { (ctx.t("schedule.session.mode")) }
                        th scope="col" { (ctx.t("schedule.session.interpreter")) }
                        th scope="col" { (ctx.t("attention.list.needs")) }
                    } }
                    tbody {
                        @for row in rows {
                            @let s = &row.session;
                            tr {
                                td { a href=(paths::staff::session(s.id)) { (s.reference) } }
                                td { (when(ctx, s.starts_at, s.ends_at)) }
                                td { (mode_name(ctx, s.mode)) }
                                td { (row.interpreter) }
                                td {
                                    ul .plain-list {
                                        @for need in &row.needs {
                                            li { (attention_text(ctx, *need, &row.interpreter)) }
                                        }
                                        @if let Some(at) = row.new_time_asked {
                                            li { (ctx.tf("attention.new_time_asked", &[("time", &ctx.datetime(at))])) }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        p { a href=(paths::staff::SCHEDULE) { (ctx.t("attention.list.board")) } }
    };
    render(ctx, Page::new(title, body))
}
