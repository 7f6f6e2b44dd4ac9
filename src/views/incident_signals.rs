//! The list of customers who contacted the desk repeatedly after their matter was resolved,
//! for supervisors and admins to look at (never a verdict), and the admin's incident
//! settings: how long incidents are kept, and the list's threshold and window.

use super::PageContext;
use super::components::{
    Banner, Errors, Input, back_link, button, error_summary, form, input, notification_banner,
};
use super::layout::{Page, render};
use crate::domain::incident_settings::{
    IncidentSettingsForm, RETENTION_YEARS, SIGNAL_THRESHOLD, SIGNAL_WINDOW_DAYS,
};
use crate::paths;
use maud::{Markup, html};
use std::ops::RangeInclusive;
use time::OffsetDateTime;

/// One customer on the list.
#[derive(Debug, Clone)]
pub struct SignalRow {
    /// The name on their latest request counted.
    pub name: String,
    /// The email addresses they used.
    pub emails: Vec<String>,
    /// The member numbers they gave.
    pub member_numbers: Vec<String>,
    /// How many contacts were counted.
    pub contacts: u64,
    /// The first contact counted.
    pub first: OffsetDateTime,
    /// The last contact counted.
    pub last: OffsetDateTime,
    /// Their requests, as a reference and its staff page, newest first.
    pub requests: Vec<(String, String)>,
}

/// What the list shows.
#[derive(Debug, Clone)]
pub struct SignalsView<'a> {
    /// The customers listed.
    pub rows: &'a [SignalRow],
    /// More contacts than this put a customer on the list.
    pub threshold: i64,
    /// The days counted, ending now.
    pub window_days: i64,
}

/// The list of repeated contact, with plain words about what it is and is not.
pub fn signals(ctx: &PageContext, v: &SignalsView<'_>) -> Markup {
    let title = ctx.t("signals.title");
    let threshold = v.threshold.to_string();
    let days = v.window_days.to_string();
    let body = html! {
        (back_link(ctx, paths::staff::INCIDENTS))
        h1 .heading-l { (title) }
        div #about-signals {
            p .lead { (ctx.t("signals.lead")) }
            p { (ctx.t("signals.not_a_verdict")) }
            p { (ctx.t("signals.often")) }
            p { (ctx.t("signals.policy_before")) " "
                a href=(paths::public::POLICY) { (ctx.t("signals.policy_link")) } }
        }
        h2 .heading-m { (ctx.t("signals.counted_heading")) }
        p #rule { (ctx.tn("signals.rule", v.threshold.max(0) as u64, &[("threshold", &threshold), ("days", &days)])) }
        ul .list .list--bullet {
            li { (ctx.t("signals.counted.messages")) }
            li { (ctx.t("signals.counted.requests")) }
            li { (ctx.t("signals.never.sessions")) }
            li { (ctx.t("signals.never.lost_card")) }
        }
        @if ctx.staff_may(crate::domain::Permission::ManageDeskSettings) {
            p { a href=(paths::staff::SETTINGS_INCIDENTS) { (ctx.t("signals.settings_link")) } }
        }
        h2 .heading-m { (ctx.t("signals.list_heading")) }
        @if v.rows.is_empty() {
            p #no-signals { (ctx.t("signals.empty")) }
        } @else {
            div .table-wrap role="region" aria-labelledby="signals-caption" tabindex="0" {
                table .table #signals {
                    caption #signals-caption .table__caption {
                        (ctx.tn("signals.caption", v.rows.len() as u64, &[("count", &v.rows.len().to_string())]))
                    }
                    thead { tr {
                        th scope="col" { (ctx.t("signals.col.customer")) }
                        th scope="col" { (ctx.t("signals.col.identity")) }
                        th scope="col" { (ctx.t("signals.col.contacts")) }
                        th scope="col" { (ctx.t("signals.col.period")) }
                        th scope="col" { (ctx.t("signals.col.requests")) }
                    } }
                    tbody {
                        @for r in v.rows {
                            tr {
                                th scope="row" { (r.name) }
                                td .break-anywhere {
                                    @for e in &r.emails { (e) br; }
                                    @for n in &r.member_numbers { (ctx.tf("signals.member_number", &[("number", n)])) br; }
                                    @if r.emails.is_empty() && r.member_numbers.is_empty() { (ctx.t("signals.no_identity")) }
                                }
                                td .contacts { (r.contacts) }
                                td { (ctx.tf("signals.period", &[("from", &ctx.datetime(r.first)), ("to", &ctx.datetime(r.last))])) }
                                td {
                                    ul .plain-list {
                                        @for (reference, href) in &r.requests {
                                            li { a .nowrap href=(href) { (reference) } }
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
    render(ctx, Page::new(title, body))
}

fn range_args(range: &RangeInclusive<i64>) -> [(&'static str, String); 2] {
    [
        ("min", range.start().to_string()),
        ("max", range.end().to_string()),
    ]
}

/// The admin's incident settings.
pub fn settings(
    ctx: &PageContext,
    typed: &IncidentSettingsForm,
    errors: &Errors,
    saved: bool,
) -> Markup {
    let title = ctx.t("incident_settings.title");
    let hint = |key: &str, range: &RangeInclusive<i64>| {
        let args = range_args(range);
        let args: Vec<(&str, &str)> = args.iter().map(|(k, v)| (*k, v.as_str())).collect();
        ctx.tf(key, &args)
    };
    let years_hint = hint("incident_settings.retention_years_hint", &RETENTION_YEARS);
    let threshold_hint = hint("incident_settings.signal_threshold_hint", &SIGNAL_THRESHOLD);
    let window_hint = hint(
        "incident_settings.signal_window_days_hint",
        &SIGNAL_WINDOW_DAYS,
    );
    let body = html! {
        (back_link(ctx, paths::staff::HOME))
        @if saved {
            (notification_banner(ctx, Banner::Success, html! { p .banner__heading { (ctx.t("incident_settings.saved")) } }))
        }
        (error_summary(ctx, errors))
        h1 .heading-l { (title) }
        (form(ctx, paths::staff::SETTINGS_INCIDENTS, html! {
            h2 .heading-m { (ctx.t("incident_settings.retention_heading")) }
            p { (ctx.t("incident_settings.retention_lead")) }
            (input(ctx, Input { name: "retention_years", label: ctx.t("incident_settings.retention_years"),
                hint: Some(&years_hint), value: &typed.retention_years, kind: "text",
                error: errors.message(ctx, "retention_years"), width: Some("width-4"),
                autocomplete: Some("off"), no_spellcheck: true }))
            h2 .heading-m { (ctx.t("incident_settings.signals_heading")) }
            p { (ctx.t("incident_settings.signals_lead")) " "
                a href=(paths::staff::INCIDENT_SIGNALS) { (ctx.t("incident_settings.signals_link")) } }
            (input(ctx, Input { name: "signal_threshold", label: ctx.t("incident_settings.signal_threshold"),
                hint: Some(&threshold_hint), value: &typed.signal_threshold, kind: "text",
                error: errors.message(ctx, "signal_threshold"), width: Some("width-4"),
                autocomplete: Some("off"), no_spellcheck: true }))
            (input(ctx, Input { name: "signal_window_days", label: ctx.t("incident_settings.signal_window_days"),
                hint: Some(&window_hint), value: &typed.signal_window_days, kind: "text",
                error: errors.message(ctx, "signal_window_days"), width: Some("width-4"),
                autocomplete: Some("off"), no_spellcheck: true }))
            (button(ctx.t("incident_settings.save")))
        }))
    };
    render(ctx, Page::new(title, body).with_errors(errors.len()))
}
