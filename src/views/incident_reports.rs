//! The incident reports for supervisors: incidents by month and by category, measures
//! taken and lifted, and how incidents were handled, as charts each followed by a table of
//! the same figures.

use super::PageContext;
use super::charts::{Fill, Series, bar_chart};
use super::components::back_link;
use super::incidents::category_name;
use super::layout::{Page, render};
use crate::domain::incident::Category;
use crate::paths;
use maud::{Markup, html};

/// One month of the reports, as shown.
#[derive(Debug, Clone)]
pub struct ReportMonth {
    /// The month, written the reader's way.
    pub label: String,
    pub by_category: Vec<(Category, u64)>,
    pub reported: u64,
    pub measures_taken: u64,
    pub measures_lifted: u64,
    pub closed: u64,
    pub median_hours_to_close: Option<u64>,
    pub affected_staff: u64,
    pub followed_up: u64,
}

/// The reports: incidents by month (a chart) and by category (a table), measures taken and
/// lifted (a chart), and how incidents were handled (a table), with the CSV of them all.
pub fn reports(ctx: &PageContext, months: &[ReportMonth]) -> Markup {
    let title = ctx.t("incident.reports.title");
    let labels: Vec<String> = months.iter().map(|m| m.label.clone()).collect();
    let reported = [Series {
        name: ctx.t("incident.reports.reported").to_owned(),
        values: months.iter().map(|m| m.reported).collect(),
        fill: Fill::Solid,
    }];
    let measures = [
        Series {
            name: ctx.t("incident.reports.measures_taken").to_owned(),
            values: months.iter().map(|m| m.measures_taken).collect(),
            fill: Fill::Solid,
        },
        Series {
            name: ctx.t("incident.reports.measures_lifted").to_owned(),
            values: months.iter().map(|m| m.measures_lifted).collect(),
            fill: Fill::Hatched,
        },
    ];
    let body = html! {
        (back_link(ctx, paths::staff::INCIDENTS))
        h1 .heading-l { (title) }
        p .lead { (ctx.t("incident.reports.lead")) }
        p { a href=(paths::staff::INCIDENT_REPORTS_CSV) download { (ctx.t("incident.reports.csv")) } }
        h2 .heading-m { (ctx.t("incident.reports.reported_heading")) }
        (bar_chart(ctx, "reported", ctx.t("incident.reports.reported_caption"), &labels, &reported))
        h2 .heading-m #by-category { (ctx.t("incident.reports.category_heading")) }
        div .table-wrap role="region" aria-labelledby="categories-caption" tabindex="0" {
            table .table {
                caption .table__caption #categories-caption { (ctx.t("incident.reports.category_caption")) }
                thead { tr {
                    th scope="col" { (ctx.t("chart.period")) }
                    @for c in Category::ALL { th scope="col" .table__numeric { (category_name(ctx, *c)) } }
                    th scope="col" .table__numeric { (ctx.t("incident.reports.total")) }
                } }
                tbody {
                    @for m in months {
                        tr {
                            th scope="row" { (m.label) }
                            @for (_, n) in &m.by_category { td .table__numeric { (n) } }
                            td .table__numeric { (m.reported) }
                        }
                    }
                }
            }
        }
        h2 .heading-m { (ctx.t("incident.reports.measures_heading")) }
        (bar_chart(ctx, "measures", ctx.t("incident.reports.measures_caption"), &labels, &measures))
        h2 .heading-m { (ctx.t("incident.reports.handling_heading")) }
        p { (ctx.t("incident.reports.handling_lead")) }
        div .table-wrap role="region" aria-labelledby="handling-caption" tabindex="0" {
            table .table {
                caption .table__caption #handling-caption { (ctx.t("incident.reports.handling_caption")) }
                thead { tr {
                    th scope="col" { (ctx.t("chart.period")) }
                    th scope="col" .table__numeric { (ctx.t("incident.reports.closed")) }
                    th scope="col" .table__numeric { (ctx.t("incident.reports.median_hours")) }
                    th scope="col" .table__numeric { (ctx.t("incident.reports.affected")) }
                    th scope="col" .table__numeric { (ctx.t("incident.reports.followed_up")) }
                } }
                tbody {
                    @for m in months {
                        tr {
                            th scope="row" { (m.label) }
                            td .table__numeric { (m.closed) }
                            td .table__numeric { @match m.median_hours_to_close { Some(h) => (h), None => "–" } }
                            td .table__numeric { (m.affected_staff) }
                            td .table__numeric { (m.followed_up) }
                        }
                    }
                }
            }
        }
        p .hint { (ctx.t("incident.reports.never_against")) }
    };
    render(ctx, Page::new(title, body))
}
