//! The closed-days page: the national holidays and the year-end break the desk keeps, the
//! days staff close, and the holidays opened all the same, each day removable on its own.

use super::{closure_name, iso, success};
use crate::domain::holidays::{Closure, ListedDay};
use crate::i18n;
use crate::paths;
use crate::views::PageContext;
use crate::views::components::{
    Choice, ChoiceGroup, Errors, Input, button, choices, csrf_field, date_input, error_summary,
    form, input,
};
use crate::views::layout::{Page, render};
use maud::{Markup, html};
use time::Date;

/// What was typed into the "close a day" form.
#[derive(Debug, Clone, Default)]
pub struct ClosedForm {
    /// Year as typed.
    pub year: String,
    /// Month.
    pub month: String,
    /// Day of the month.
    pub day: String,
    /// The note, such as the reason.
    pub note: String,
}

/// What the rules form shows: as stored, or as typed when refused.
#[derive(Debug, Clone, Default)]
pub struct ClosureRulesForm {
    /// Whether the national holidays close the desk.
    pub national_holidays: bool,
    /// Whether the desk keeps a year-end break.
    pub year_end: bool,
    /// Its first day, `12-29`.
    pub first: String,
    /// Its last day, `01-03`.
    pub last: String,
}

/// The closed-days page.
pub struct ClosedDaysView<'a> {
    /// The closed days (and reopened holidays) from today on.
    pub days: &'a [ListedDay],
    /// The last day the rules are listed for.
    pub until: Date,
    /// The rules form.
    pub rules: &'a ClosureRulesForm,
    /// The "close a day" form.
    pub closed_form: &'a ClosedForm,
    /// What was wrong.
    pub errors: &'a Errors,
    /// A success message.
    pub notice: Option<&'a str>,
}

fn kind(ctx: &PageContext, why: &Closure) -> &'static str {
    match why {
        Closure::Holiday(_) => i18n::t(ctx.lang, "closed_days.kind.holiday"),
        Closure::YearEnd => i18n::t(ctx.lang, "closed_days.kind.year_end"),
        Closure::Desk(_) => i18n::t(ctx.lang, "closed_days.kind.desk"),
    }
}

fn day_list(ctx: &PageContext, days: &[ListedDay]) -> Markup {
    html! {
        ul .exception-list #closed-days {
            @for listed in days {
                @let date = i18n::format_date(ctx.lang, listed.day);
                @let name = closure_name(ctx, &listed.why);
                li .exception-list__item {
                    span {
                        strong { (date) } " " (name) " "
                        @if listed.reopened {
                            strong .tag .tag--blue { (ctx.t("closed_days.reopened")) }
                        } @else {
                            span .muted { "(" (kind(ctx, &listed.why)) ")" }
                        }
                    }
                    @if listed.reopened {
                        form method="post" action=(paths::staff::closed_day_restore(iso(listed.day))) novalidate {
                            (csrf_field(ctx))
                            button .button .button--secondary .button--small type="submit" {
                                (ctx.t("closed_days.close_again")) span .visually-hidden { " " (date) " " (name) }
                            }
                        }
                    } @else {
                        form method="post" action=(paths::staff::closed_day_delete(iso(listed.day))) novalidate data-destructive {
                            (csrf_field(ctx))
                            button .button .button--secondary .button--small type="submit" {
                                (ctx.t("schedule.settings.reopen")) span .visually-hidden { " " (date) " " (name) }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// The closed-days page.
pub fn closed_days(ctx: &PageContext, view: ClosedDaysView<'_>) -> Markup {
    let errors = view.errors;
    let c = view.closed_form;
    let r = view.rules;
    let title = ctx.t("closed_days.title");
    let holidays_choice = vec![Choice {
        value: "1",
        label: ctx.t("closed_days.rules.holidays").to_owned(),
        hint: Some(ctx.t("closed_days.rules.holidays_hint").to_owned()),
    }];
    let year_end_choice = vec![Choice {
        value: "1",
        label: ctx.t("closed_days.rules.year_end").to_owned(),
        hint: None,
    }];
    let body = html! {
        (success(ctx, view.notice))
        (error_summary(ctx, errors))
        h1 .heading-l { (title) }
        p { (ctx.t("closed_days.lead")) }

        h2 .heading-m { (ctx.t("closed_days.rules.heading")) }
        (form(ctx, paths::staff::CLOSED_DAYS_RULES, html! {
            (choices(ctx, ChoiceGroup {
                name: "national_holidays", legend: ctx.t("closed_days.rules.holidays_legend"), legend_is_heading: false,
                hint: None, choices: holidays_choice,
                selected: if r.national_holidays { vec!["1"] } else { Vec::new() },
                error: errors.message(ctx, "national_holidays"), multiple: true,
            }))
            (choices(ctx, ChoiceGroup {
                name: "year_end", legend: ctx.t("closed_days.rules.year_end_legend"), legend_is_heading: false,
                hint: None, choices: year_end_choice,
                selected: if r.year_end { vec!["1"] } else { Vec::new() },
                error: errors.message(ctx, "year_end"), multiple: true,
            }))
            div .span-pair {
                (input(ctx, Input {
                    name: "year_end_first", label: ctx.t("closed_days.rules.first"),
                    hint: Some(ctx.t("closed_days.rules.day_hint")), value: &r.first,
                    autocomplete: Some("off"), error: errors.message(ctx, "year_end_first"),
                    no_spellcheck: true, width: Some("width-5"), ..Default::default()
                }))
                (input(ctx, Input {
                    name: "year_end_last", label: ctx.t("closed_days.rules.last"),
                    hint: Some(ctx.t("closed_days.rules.day_hint")), value: &r.last,
                    autocomplete: Some("off"), error: errors.message(ctx, "year_end_last"),
                    no_spellcheck: true, width: Some("width-5"), ..Default::default()
                }))
            }
            (button(ctx.t("closed_days.rules.submit")))
        }))

        h2 .heading-m { (ctx.tf("closed_days.list.heading", &[("until", &i18n::format_date(ctx.lang, view.until))])) }
        p { (ctx.t("closed_days.list.lead")) }
        @if view.days.is_empty() {
            p { (ctx.t("schedule.settings.closed_none")) }
        } @else {
            (day_list(ctx, view.days))
        }

        h2 .heading-m { (ctx.t("schedule.settings.close_heading")) }
        (form(ctx, paths::staff::CLOSED_DAYS, html! {
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
        p { a href=(paths::staff::SETTINGS_SESSIONS) { (ctx.t("closed_days.back_to_settings")) } }
    };
    render(ctx, Page::new(title, body).with_errors(errors.len()))
}
