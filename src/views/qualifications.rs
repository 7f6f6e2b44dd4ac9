//! Staff qualifications: the boxes that record them with their dates (on an interpreter's
//! page, and on the page of a staff member who is not one), a read-only list of them, and
//! the supervisors' page of who holds what, first what has expired or expires soon.

use super::PageContext;
use super::components::{
    Banner, Choice, ChoiceGroup, Errors, Input, SummaryRow, back_link, button, choices,
    error_summary, form, input, notification_banner, summary_list,
};
use super::layout::{Page, render};
use super::schedule::{qualification_name, sign_language_name};
use crate::domain::qualification_record::{
    EXPIRY_NOTICE_DAYS, StaffRecords, Standing, expires_field, expiring, holders, obtained_field,
};
use crate::domain::{Qualification, QualificationRecord, Role};
use crate::paths;
use maud::{Markup, html};
use std::collections::HashMap;
use time::Date;

/// What the qualifications boxes show: those ticked and the dates, as stored or as typed.
#[derive(Debug, Clone, Default)]
pub struct RecordForm {
    /// The values of the boxes ticked.
    pub held: Vec<String>,
    /// The dates, by the name of their box.
    pub dates: HashMap<String, String>,
}

impl RecordForm {
    /// The form as `records` fill it.
    pub fn stored(records: &[QualificationRecord]) -> Self {
        let iso = |day: Option<Date>| day.map(crate::domain::dates::iso_day).unwrap_or_default();
        RecordForm {
            held: records
                .iter()
                .map(|r| r.qualification.as_str().to_owned())
                .collect(),
            dates: records
                .iter()
                .flat_map(|r| {
                    [
                        (
                            obtained_field(r.qualification).to_owned(),
                            iso(r.obtained_on),
                        ),
                        (expires_field(r.qualification).to_owned(), iso(r.expires_on)),
                    ]
                })
                .collect(),
        }
    }

    fn date(&self, name: &str) -> &str {
        self.dates.get(name).map(String::as_str).unwrap_or("")
    }
}

/// The kind of box for a date: the browser's date control, unless what was typed is not a
/// day written `YYYY-MM-DD`, which that control cannot hold; then a text box shows it
/// back as typed.
fn date_kind(value: &str) -> &'static str {
    let day = crate::domain::dates::parse_day(value).map(crate::domain::dates::iso_day);
    if value.is_empty() || day.as_deref() == Ok(value) {
        "date"
    } else {
        "text"
    }
}

/// The boxes of the qualifications held, then a pair of dates for each: the day obtained
/// and the last valid day. Goes inside a form.
pub fn record_fields(ctx: &PageContext, typed: &RecordForm, errors: &Errors) -> Markup {
    let qualification_choices: Vec<Choice> = Qualification::ALL
        .iter()
        .map(|q| Choice {
            value: q.as_str(),
            label: qualification_name(ctx, *q).to_owned(),
            hint: None,
        })
        .collect();
    html! {
        (choices(ctx, ChoiceGroup {
            name: "qualification", legend: ctx.t("schedule.qualifications.legend"), legend_is_heading: false,
            hint: Some(ctx.t("schedule.qualifications.hint")), choices: qualification_choices,
            selected: typed.held.iter().map(String::as_str).collect(),
            error: errors.message(ctx, "qualification"), multiple: true,
        }))
        h3 .heading-s { (ctx.t("qualifications.dates.heading")) }
        p { (ctx.t("qualifications.dates.lead")) }
        @for q in Qualification::ALL {
            @let (obtained, expires) = (obtained_field(q), expires_field(q));
            div .form-group {
                fieldset .fieldset role="group" {
                    legend .fieldset__legend { (qualification_name(ctx, q)) }
                    div .span-pair {
                        (input(ctx, Input {
                            name: obtained, label: ctx.t("qualifications.obtained_on"),
                            hint: Some(ctx.t("qualifications.obtained_hint")), value: typed.date(obtained),
                            kind: date_kind(typed.date(obtained)), autocomplete: Some("off"), error: errors.message(ctx, obtained),
                            no_spellcheck: true, width: Some("width-10"),
                        }))
                        (input(ctx, Input {
                            name: expires, label: ctx.t("qualifications.expires_on"),
                            hint: Some(ctx.t("qualifications.expires_hint")), value: typed.date(expires),
                            kind: date_kind(typed.date(expires)), autocomplete: Some("off"), error: errors.message(ctx, expires),
                            no_spellcheck: true, width: Some("width-10"),
                        }))
                    }
                }
            }
        }
    }
}

/// How a qualification's last day stands, in words: "Expired", "Expires in 12 days".
pub fn standing_text(ctx: &PageContext, standing: Standing) -> String {
    match standing {
        Standing::Current => ctx.t("qualifications.standing.current").to_owned(),
        Standing::Expired => ctx.t("qualifications.standing.expired").to_owned(),
        Standing::ExpiresSoon(0) => ctx.t("qualifications.standing.today").to_owned(),
        Standing::ExpiresSoon(days) => {
            ctx.tn("qualifications.standing.soon", days.unsigned_abs(), &[])
        }
    }
}

/// The standing as a tag: the words carry the meaning; the colour only repeats it.
fn standing_tag(ctx: &PageContext, standing: Standing) -> Markup {
    let class = match standing {
        Standing::Expired => "tag tag--attention",
        Standing::ExpiresSoon(_) => "tag tag--open",
        Standing::Current => "tag tag--grey",
    };
    html! { strong class=(class) { (standing_text(ctx, standing)) } }
}

fn obtained_text(ctx: &PageContext, r: &QualificationRecord) -> String {
    match r.obtained_on {
        Some(day) => ctx.day(day),
        None => ctx.t("qualifications.not_recorded").to_owned(),
    }
}

fn last_day_text(ctx: &PageContext, r: &QualificationRecord) -> String {
    match r.expires_on {
        Some(day) => ctx.day(day),
        None => ctx.t("qualifications.no_expiry").to_owned(),
    }
}

/// Qualifications with their dates, for reading: each with the day it was obtained, its
/// last valid day, and whether it has expired or expires soon.
pub fn record_list(ctx: &PageContext, records: &[QualificationRecord], today: Date) -> Markup {
    html! {
        @if records.is_empty() {
            (ctx.t("schedule.interpreters.no_qualifications"))
        } @else {
            ul .plain-list {
                @for r in records {
                    @let standing = r.standing(today);
                    li {
                        (qualification_name(ctx, r.qualification))
                        span .hint { " " (ctx.tf("qualifications.record.dates", &[
                            ("obtained", &r.obtained_on.map_or_else(|| ctx.t("qualifications.record.not_recorded").to_owned(), |d| ctx.day(d))),
                            ("last", &r.expires_on.map_or_else(|| ctx.t("qualifications.record.no_expiry").to_owned(), |d| ctx.day(d))),
                        ])) }
                        @if standing != Standing::Current { " " (standing_tag(ctx, standing)) }
                    }
                }
            }
        }
    }
}

/// Where a staff member's qualifications are recorded: an interpreter's own page, or the
/// qualifications page of anyone else.
pub fn record_page(staff: &StaffRecords) -> String {
    if staff.role == Role::Interpreter {
        paths::staff::interpreter(staff.id)
    } else {
        paths::staff::staff_qualifications(staff.id)
    }
}

fn name_link(staff: &StaffRecords) -> Markup {
    html! { a href=(record_page(staff)) { (staff.display_name) } }
}

/// The supervisors' page: what has expired or expires soon, then who holds each
/// qualification.
pub fn overview(ctx: &PageContext, staff: &[StaffRecords], today: Date) -> Markup {
    let title = ctx.t("qualifications.title");
    let days = EXPIRY_NOTICE_DAYS.to_string();
    let soon = expiring(staff, today);
    let body = html! {
        h1 .heading-l { (title) }
        p .lead { (ctx.t("qualifications.lead")) }
        h2 .heading-m #expiring-heading { (ctx.tf("qualifications.expiring.heading", &[("days", &days)])) }
        @if soon.is_empty() {
            p #expiring-none { (ctx.tf("qualifications.expiring.none", &[("days", &days)])) }
        } @else {
            div .table-scroll role="region" aria-labelledby="expiring-caption" tabindex="0" {
                table .table #expiring {
                    caption #expiring-caption .table__caption { (ctx.tf("qualifications.expiring.caption", &[("count", &soon.len().to_string())])) }
                    thead { tr {
                        th scope="col" { (ctx.t("qualifications.col.name")) }
                        th scope="col" { (ctx.t("qualifications.col.full_name")) }
                        th scope="col" { (ctx.t("qualifications.col.qualification")) }
                        th scope="col" { (ctx.t("qualifications.col.expires_on")) }
                        th scope="col" { (ctx.t("qualifications.col.standing")) }
                    } }
                    tbody {
                        @for e in &soon {
                            tr {
                                td { (name_link(e.staff)) }
                                td { (e.staff.full_name) }
                                td { (qualification_name(ctx, e.record.qualification)) }
                                td { (last_day_text(ctx, &e.record)) }
                                td { (standing_tag(ctx, e.standing)) }
                            }
                        }
                    }
                }
            }
        }
        @for q in Qualification::ALL {
            @let held = holders(staff, q);
            @let id = format!("held-{}", q.as_str());
            @let signs = q == Qualification::SignLanguageInterpreter;
            h2 .heading-m #{ (id) "-heading" } { (qualification_name(ctx, q)) }
            @if held.is_empty() {
                p { (ctx.t("qualifications.holders.none")) }
            } @else {
                div .table-scroll role="region" aria-labelledby={ (id) "-caption" } tabindex="0" {
                    table .table #(id) {
                        caption #{ (id) "-caption" } .table__caption {
                            (ctx.tf("qualifications.holders.caption", &[("qualification", qualification_name(ctx, q)), ("count", &held.len().to_string())]))
                        }
                        thead { tr {
                            th scope="col" { (ctx.t("qualifications.col.name")) }
                            th scope="col" { (ctx.t("qualifications.col.full_name")) }
                            th scope="col" { (ctx.t("qualifications.col.role")) }
                            th scope="col" { (ctx.t("qualifications.col.obtained_on")) }
                            th scope="col" { (ctx.t("qualifications.col.expires_on")) }
                            @if signs { th scope="col" { (ctx.t("qualifications.col.sign_languages")) } }
                        } }
                        tbody {
                            @for (s, r) in &held {
                                @let standing = r.standing(today);
                                tr {
                                    td { (name_link(s)) }
                                    td { (s.full_name) }
                                    td { (ctx.t(&format!("role.{}", s.role.as_str()))) }
                                    td { (obtained_text(ctx, r)) }
                                    td {
                                        (last_day_text(ctx, r))
                                        @if standing != Standing::Current { " " (standing_tag(ctx, standing)) }
                                    }
                                    @if signs {
                                        td {
                                            @if s.sign_languages.is_empty() {
                                                (ctx.t("qualifications.not_recorded"))
                                            } @else {
                                                ul .plain-list {
                                                    @for l in &s.sign_languages { li { (sign_language_name(ctx, l.as_str())) } }
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
        @let none: Vec<&StaffRecords> = staff.iter().filter(|s| s.records.is_empty()).collect();
        @if !none.is_empty() {
            h2 .heading-m #unrecorded-heading { (ctx.t("qualifications.unrecorded.heading")) }
            p { (ctx.t("qualifications.unrecorded.lead")) }
            ul .plain-list #unrecorded {
                @for s in none {
                    li {
                        (name_link(s)) " "
                        span .hint { (ctx.tf("qualifications.unrecorded.who", &[("full_name", &s.full_name), ("role", ctx.t(&format!("role.{}", s.role.as_str())))])) }
                    }
                }
            }
        }
    };
    render(ctx, Page::new(title, body))
}

/// The qualifications page of a staff member who is not an interpreter.
pub struct StaffQualificationsView<'a> {
    /// The staff member.
    pub staff: &'a StaffRecords,
    /// The boxes, as stored or as typed.
    pub form: &'a RecordForm,
    /// What was wrong.
    pub errors: &'a Errors,
    /// A success message.
    pub notice: Option<&'a str>,
}

/// The qualifications page of a staff member who is not an interpreter.
pub fn staff_qualifications(ctx: &PageContext, view: StaffQualificationsView<'_>) -> Markup {
    let s = view.staff;
    let title = ctx.tf("qualifications.staff.title", &[("name", &s.display_name)]);
    let facts = [
        SummaryRow {
            key: ctx.t("qualifications.col.name").to_owned(),
            value: html! { (s.display_name) },
            change: None,
        },
        SummaryRow {
            key: ctx.t("qualifications.col.full_name").to_owned(),
            value: html! { (s.full_name) },
            change: None,
        },
        SummaryRow {
            key: ctx.t("qualifications.col.role").to_owned(),
            value: html! { (ctx.t(&format!("role.{}", s.role.as_str()))) },
            change: None,
        },
    ];
    let body = html! {
        (back_link(ctx, paths::staff::QUALIFICATIONS))
        @if let Some(notice) = view.notice {
            (notification_banner(ctx, Banner::Success, html! { p .banner__heading { (notice) } }))
        }
        (error_summary(ctx, view.errors))
        h1 .heading-l { (title) }
        (summary_list(ctx, &facts))
        h2 .heading-m { (ctx.t("schedule.interpreters.qualifications")) }
        (form(ctx, &paths::staff::staff_qualifications(s.id), html! {
            (record_fields(ctx, view.form, view.errors))
            (button(ctx.t("schedule.qualifications.submit")))
        }))
    };
    render(ctx, Page::new(title, body).with_errors(view.errors.len()))
}

#[cfg(test)]
mod tests {
    use super::date_kind;

    #[test]
    fn a_date_box_shows_back_what_it_cannot_hold_as_text() {
        assert_eq!(date_kind(""), "date");
        assert_eq!(date_kind("2027-03-31"), "date");
        for typed in ["2024-02-30", "2027-3-31", "x", "２０２７－０３－３１"] {
            assert_eq!(date_kind(typed), "text", "{typed}");
        }
    }
}
