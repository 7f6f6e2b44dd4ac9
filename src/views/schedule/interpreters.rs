//! The list of interpreters and one interpreter's availability page.

use super::{SpanForm, sign_language_name, span_fields, success};
use crate::domain::{Lang, SignLanguage};
use crate::i18n;
use crate::paths;
use crate::views::PageContext;
use crate::views::components::{
    Choice, ChoiceGroup, Errors, Input, SummaryRow, back_link, button, choices, csrf_field,
    date_input, error_summary, form, input, summary_list,
};
use crate::views::layout::{Page, render};
use crate::views::qualifications::{RecordForm, record_fields, record_list};
use maud::{Markup, html};
use std::collections::HashMap;
use time::Date;

pub use crate::domain::staff::Interpreter as InterpreterRow;

/// The list of interpreters, with their qualifications and whether any has expired on
/// `today`.
pub fn interpreters(ctx: &PageContext, rows: &[InterpreterRow], today: Date) -> Markup {
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
                                td { a href=(paths::staff::interpreter(row.id)) { (row.display_name) } }
                                td { (row.full_name) }
                                td { (record_list(ctx, &row.records, today)) }
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
    /// The qualifications ticked, with their dates.
    pub records: &'a RecordForm,
    /// Today, for telling what has expired.
    pub today: Date,
    /// The sign languages ticked.
    pub sign_languages: &'a [&'a str],
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
    let back = if view.manage {
        paths::staff::INTERPRETERS
    } else {
        paths::staff::MY_SESSIONS
    };
    let language_choices: Vec<Choice> = SignLanguage::ALL
        .iter()
        .map(|l| Choice {
            value: l.as_str(),
            label: sign_language_name(ctx, l.as_str()),
            hint: None,
        })
        .collect();
    let lang_choices: Vec<Choice> = [Lang::Ja, Lang::En]
        .into_iter()
        .map(|l| Choice {
            value: l.code(),
            label: ctx
                .t(&format!("interpreter.email_lang.{}", l.code()))
                .to_owned(),
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
        (form(ctx, &paths::staff::interpreter_weekly(i.id), html! {
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
                        form method="post" action=(paths::staff::interpreter_exception_delete(i.id, e.id)) novalidate data-destructive {
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
        (form(ctx, &paths::staff::interpreter_exceptions(i.id), html! {
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
            (form(ctx, &paths::staff::interpreter_qualifications(i.id), html! {
                (record_fields(ctx, view.records, errors))
                (choices(ctx, ChoiceGroup {
                    name: "sign_language", legend: ctx.t("interpreter.sign_languages.legend"), legend_is_heading: false,
                    hint: Some(ctx.t("interpreter.sign_languages.hint")), choices: language_choices,
                    selected: view.sign_languages.to_vec(), error: errors.message(ctx, "sign_language"),
                    multiple: true,
                }))
                (button(ctx.t("schedule.qualifications.submit")))
            }))
        } @else {
            (record_list(ctx, &i.records, view.today))
            @if !i.sign_languages.is_empty() {
                p { (ctx.t("interpreter.sign_languages.legend")) }
                ul .plain-list {
                    @for l in &i.sign_languages { li { (sign_language_name(ctx, l.as_str())) } }
                }
            }
            p { (ctx.t("schedule.qualifications.ask")) }
        }

        h2 .heading-m { (ctx.t("interpreter.email_lang.heading")) }
        (form(ctx, &paths::staff::interpreter_email_language(i.id), html! {
            (choices(ctx, ChoiceGroup {
                name: "email_lang", legend: ctx.t("interpreter.email_lang.legend"), legend_is_heading: false,
                hint: Some(ctx.t("interpreter.email_lang.hint")), choices: lang_choices,
                selected: vec![i.lang.code()], error: errors.message(ctx, "email_lang"),
                multiple: false,
            }))
            (button(ctx.t("interpreter.email_lang.submit")))
        }))
    };
    render(ctx, Page::new(title, body).with_errors(errors.len()))
}
