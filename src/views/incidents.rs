//! Staff pages for customer-harassment incidents: the report form, a reporter's own
//! reports, and the supervisors' list and incident page with the customer's history. Calls
//! for support are shown to supervisors as a banner, here and on the dashboard.

use super::PageContext;
use super::components::{
    Banner, Choice, ChoiceGroup, Errors, Input, SummaryRow, back_link, button, choices, date_input,
    error_summary, form, input, lines, notification_banner, secondary_button, summary_list,
    textarea,
};
use super::layout::{Page, render};
use super::requests::with_reference;
use crate::domain::incident::{
    ACCOUNT_MAX_CHARS, ADDITION_MAX_CHARS, AdditionKind, Category, Channel, DemandTest,
    IncidentStatus, MannerTest, ReportForm, Subject,
};
use crate::paths;
use maud::{Markup, html};
use serde::Deserialize;
use time::OffsetDateTime;

/// A category's short name, as the published policy names it.
pub fn category_name(ctx: &PageContext, category: Category) -> String {
    ctx.t(&format!("policy.category.{}.name", category.as_str()))
        .to_owned()
}

fn status_name(ctx: &PageContext, status: IncidentStatus) -> String {
    ctx.t(&format!("incident.status.{}", status.as_str()))
        .to_owned()
}

fn status_tag(ctx: &PageContext, status: IncidentStatus) -> Markup {
    html! { strong .tag { (status_name(ctx, status)) } }
}

fn channel_name(ctx: &PageContext, channel: Channel) -> String {
    ctx.t(&format!("incident.channel.{}", channel.as_str()))
        .to_owned()
}

/// A call for support no supervisor has taken yet.
#[derive(Debug, Clone)]
pub struct CallLine {
    /// The call's id, for the take button.
    pub id: i64,
    /// Who called, by display name.
    pub by: String,
    /// Where: "request R-…" or "session S-…".
    pub place: String,
    /// The staff page of the place.
    pub link: String,
    /// When.
    pub at: OffsetDateTime,
}

/// The banner of waiting calls for support, for supervisors: each with a button to take
/// it. Nothing when none are waiting.
pub fn calls_banner(ctx: &PageContext, calls: &[CallLine]) -> Markup {
    if calls.is_empty() {
        return html! {};
    }
    notification_banner(
        ctx,
        Banner::Important,
        html! {
            h2 .banner__heading #support-calls { (ctx.t("incident.calls.heading")) }
            ul .list {
                @for call in calls {
                    li {
                        (ctx.tf("incident.calls.line", &[("name", &call.by), ("time", &ctx.datetime(call.at))]))
                        " "
                        a href=(call.link) { (call.place) }
                        (form(ctx, &paths::staff::support_call_take(call.id), html! {
                            (button(&ctx.tf("incident.calls.take", &[("name", &call.by)])))
                        }))
                    }
                }
            }
        },
    )
}

/// What a staff member in a conversation can do when it turns abusive: call a supervisor
/// at once, or write a report. Shown on a request's page and in a chat room.
pub fn support_box(ctx: &PageContext, call_action: &str, report_link: &str) -> Markup {
    html! {
        section #support .staff-only aria-labelledby="support-heading" {
            h2 .heading-m #support-heading { (ctx.t("incident.support.heading")) }
            p { (ctx.t("incident.support.lead")) }
            (form(ctx, call_action, html! {
                (secondary_button(ctx.t("incident.support.call")))
            }))
            p { a href=(report_link) { (ctx.t("incident.support.report")) } }
        }
    }
}

/// A chat message the report may quote.
#[derive(Debug, Clone)]
pub struct QuoteChoice {
    /// The message's id.
    pub id: i64,
    /// Who wrote it, as shown in the room.
    pub author: String,
    /// When.
    pub at: OffsetDateTime,
    /// What it said.
    pub body: String,
}

/// The report form's page.
pub struct ReportPage<'a> {
    /// Where the form posts (its start kept in the query).
    pub action: &'a str,
    /// What it starts from, shown at the top: a label and the staff page.
    pub origin: Option<(String, String)>,
    /// The customer's name, when the origin gives it.
    pub customer: Option<&'a str>,
    /// The proxy's name, when a proxy was involved: the form asks whose conduct it was.
    pub proxy: Option<&'a str>,
    /// The session's chat messages, to quote.
    pub quotable: &'a [QuoteChoice],
    /// Every staff member, by id and display name, to name those affected.
    pub staff: &'a [(i64, String)],
    /// What is in the boxes.
    pub typed: &'a ReportForm,
    /// Whether it comes from a call for support just made.
    pub called: bool,
}

/// The report form.
pub fn report_form(ctx: &PageContext, p: &ReportPage<'_>, errors: &Errors) -> Markup {
    let title = ctx.t("incident.new.title");
    let t = p.typed;
    let quote_ids: Vec<String> = p.quotable.iter().map(|q| q.id.to_string()).collect();
    let staff_ids: Vec<String> = p.staff.iter().map(|(id, _)| id.to_string()).collect();
    let account_hint = ctx.tf(
        "incident.hint.account",
        &[("max", &ACCOUNT_MAX_CHARS.to_string())],
    );
    let body = html! {
        (back_link(ctx, paths::staff::HOME))
        @if p.called {
            (notification_banner(ctx, Banner::Success, html! {
                p .banner__heading { (ctx.t("incident.new.called")) }
            }))
        }
        (error_summary(ctx, errors))
        h1 .heading-l { (title) }
        p .lead { (ctx.t("incident.new.lead")) }
        p { (ctx.t("incident.new.never_against_you")) " "
            a href=(paths::public::POLICY) { (ctx.t("incident.new.policy_link")) } }
        @if let Some((label, link)) = &p.origin {
            p { (ctx.t("incident.new.from")) " " a href=(link) { (label) } }
        }
        (form(ctx, p.action, html! {
            (date_input(ctx, "occurred", ctx.t("incident.field.occurred"), None,
                (&t.occurred_year, &t.occurred_month, &t.occurred_day),
                errors.message(ctx, "occurred").as_deref()))
            (input(ctx, Input {
                name: "occurred_time", label: ctx.t("incident.field.occurred_time"),
                hint: Some(ctx.t("incident.hint.occurred_time")), value: &t.occurred_time,
                width: Some("width-5"), error: errors.message(ctx, "occurred_time"),
                ..Input::default()
            }))
            (choices(ctx, ChoiceGroup {
                name: "venue", legend: ctx.t("incident.field.channel"), legend_is_heading: false,
                hint: None,
                choices: Channel::ALL.iter().map(|c| Choice {
                    value: c.as_str(), label: channel_name(ctx, *c), hint: None,
                }).collect(),
                selected: vec![t.channel.as_str()],
                error: errors.message(ctx, "venue"),
                multiple: false,
            }))
            @if let Some(proxy) = p.proxy {
                (choices(ctx, ChoiceGroup {
                    name: "subject", legend: ctx.t("incident.field.subject"), legend_is_heading: false,
                    hint: Some(ctx.t("incident.hint.subject")),
                    choices: vec![
                        Choice { value: Subject::Customer.as_str(),
                            label: ctx.tf("incident.subject.customer_named", &[("name", p.customer.unwrap_or_default())]), hint: None },
                        Choice { value: Subject::Proxy.as_str(),
                            label: ctx.tf("incident.subject.proxy_named", &[("name", proxy)]), hint: None },
                    ],
                    selected: vec![t.subject.as_str()],
                    error: errors.message(ctx, "subject"),
                    multiple: false,
                }))
            }
            @if let Some(customer) = p.customer {
                p { strong { (ctx.t("incident.field.customer")) } " " (customer) }
            } @else {
                h2 .heading-m { (ctx.t("incident.new.who_heading")) }
                p .hint { (ctx.t("incident.hint.who")) }
                (input(ctx, Input {
                    name: "customer_name", label: ctx.t("incident.field.customer_name"),
                    value: &t.customer_name, error: errors.message(ctx, "customer_name"),
                    no_spellcheck: true, ..Input::default()
                }))
                (input(ctx, Input {
                    name: "customer_email", label: ctx.t("incident.field.customer_email"),
                    kind: "email", value: &t.customer_email,
                    error: errors.message(ctx, "customer_email"), no_spellcheck: true,
                    ..Input::default()
                }))
                (input(ctx, Input {
                    name: "member_number", label: ctx.t("incident.field.member_number"),
                    value: &t.member_number, error: errors.message(ctx, "member_number"),
                    width: Some("width-10"), no_spellcheck: true, ..Input::default()
                }))
            }
            (choices(ctx, ChoiceGroup {
                name: "category", legend: ctx.t("incident.field.category"), legend_is_heading: false,
                hint: None,
                choices: Category::ALL.iter().map(|c| Choice {
                    value: c.as_str(), label: category_name(ctx, *c),
                    hint: Some(ctx.t(&format!("policy.category.{}.text", c.as_str())).to_owned()),
                }).collect(),
                selected: vec![t.category.as_str()],
                error: errors.message(ctx, "category"),
                multiple: false,
            }))
            (textarea(ctx, "account", ctx.t("incident.field.account"), Some(&account_hint),
                &t.account, errors.message(ctx, "account").as_deref()))
            @if !p.quotable.is_empty() {
                (choices(ctx, ChoiceGroup {
                    name: "quotes", legend: ctx.t("incident.field.quotes"), legend_is_heading: false,
                    hint: Some(ctx.t("incident.hint.quotes")),
                    choices: p.quotable.iter().zip(&quote_ids).map(|(q, id)| Choice {
                        value: id, label: format!("{}: {}", q.author, q.body),
                        hint: Some(ctx.datetime(q.at)),
                    }).collect(),
                    selected: t.quotes.iter().map(String::as_str).collect(),
                    error: errors.message(ctx, "quotes"),
                    multiple: true,
                }))
            }
            h2 .heading-m { (ctx.t("incident.new.tests_heading")) }
            p { (ctx.t("incident.new.tests_lead")) }
            (choices(ctx, ChoiceGroup {
                name: "demand", legend: ctx.t("incident.field.demand"), legend_is_heading: false,
                hint: Some(ctx.t("incident.hint.demand")),
                choices: DemandTest::ALL.iter().map(|d| Choice {
                    value: d.as_str(), label: ctx.t(&format!("incident.demand.{}", d.as_str())).to_owned(), hint: None,
                }).collect(),
                selected: vec![t.demand.as_str()],
                error: errors.message(ctx, "demand"),
                multiple: false,
            }))
            (choices(ctx, ChoiceGroup {
                name: "manner", legend: ctx.t("incident.field.manner"), legend_is_heading: false,
                hint: Some(ctx.t("incident.hint.manner")),
                choices: MannerTest::ALL.iter().map(|m| Choice {
                    value: m.as_str(), label: ctx.t(&format!("incident.manner.{}", m.as_str())).to_owned(), hint: None,
                }).collect(),
                selected: vec![t.manner.as_str()],
                error: errors.message(ctx, "manner"),
                multiple: false,
            }))
            (choices(ctx, ChoiceGroup {
                name: "affected", legend: ctx.t("incident.field.affected"), legend_is_heading: false,
                hint: Some(ctx.t("incident.hint.affected")),
                choices: p.staff.iter().zip(&staff_ids).map(|((_, name), id)| Choice {
                    value: id, label: name.clone(), hint: None,
                }).collect(),
                selected: t.affected.iter().map(String::as_str).collect(),
                error: errors.message(ctx, "affected"),
                multiple: true,
            }))
            (textarea(ctx, "done_then", ctx.t("incident.field.done_then"), Some(ctx.t("incident.hint.done_then")),
                &t.done_then, errors.message(ctx, "done_then").as_deref()))
            (choices(ctx, ChoiceGroup {
                name: "not_accommodation", legend: ctx.t("incident.field.accommodation"), legend_is_heading: false,
                hint: Some(ctx.t("incident.hint.accommodation")),
                choices: vec![Choice { value: "yes", label: ctx.t("incident.accommodation.confirm").to_owned(), hint: None }],
                selected: vec![t.not_accommodation.as_str()],
                error: errors.message(ctx, "not_accommodation"),
                multiple: true,
            }))
            (button(ctx.t("incident.new.send")))
        }))
    };
    render(ctx, Page::new(title, body).with_errors(errors.len()))
}

/// What an incident says, as its pages show it.
#[derive(Debug, Clone)]
pub struct IncidentFacts {
    pub id: i64,
    pub reference: String,
    pub status: IncidentStatus,
    /// The reporter's display name.
    pub reported_by: String,
    pub reported_at: OffsetDateTime,
    pub occurred_at: OffsetDateTime,
    pub channel: Channel,
    pub category: Category,
    pub account: String,
    pub demand: DemandTest,
    pub manner: MannerTest,
    pub done_then: Option<String>,
    pub subject: Subject,
    pub customer_name: Option<String>,
    pub customer_email: Option<String>,
    pub member_number: Option<String>,
    /// The proxy's name, when a proxy was involved.
    pub proxy_name: Option<String>,
    /// Where it happened: a label and the staff page.
    pub origin: Option<(String, String)>,
    /// The staff affected, by display name.
    pub affected: Vec<String>,
}

/// A quoted chat message.
#[derive(Debug, Clone)]
pub struct QuoteLine {
    pub author: String,
    pub at: OffsetDateTime,
    pub body: String,
}

/// Something added to an incident.
#[derive(Debug, Clone)]
pub struct AdditionLine {
    pub kind: AdditionKind,
    /// Who added it, by display name.
    pub author: String,
    pub at: OffsetDateTime,
    pub body: String,
}

fn fact_rows(ctx: &PageContext, f: &IncidentFacts, for_supervisor: bool) -> Vec<SummaryRow> {
    let none = ctx.t("incident.none");
    let row = |key: &str, value: Markup| SummaryRow {
        key: ctx.t(key).to_owned(),
        value,
        change: None,
    };
    let mut rows = vec![
        row("incident.field.status", status_tag(ctx, f.status)),
        row(
            "incident.field.occurred",
            html! { (ctx.datetime(f.occurred_at)) },
        ),
        row(
            "incident.field.reported_at",
            html! { (ctx.datetime(f.reported_at)) },
        ),
    ];
    if for_supervisor {
        rows.push(row("incident.field.reported_by", html! { (f.reported_by) }));
    }
    rows.push(row(
        "incident.field.channel",
        html! { (channel_name(ctx, f.channel)) },
    ));
    if let Some((label, link)) = &f.origin {
        rows.push(row(
            "incident.field.origin",
            html! { a href=(link) { (label) } },
        ));
    }
    rows.push(row(
        "incident.field.customer",
        html! { (f.customer_name.as_deref().unwrap_or(none)) },
    ));
    if for_supervisor {
        rows.push(row(
            "incident.field.customer_email",
            html! { (f.customer_email.as_deref().unwrap_or(none)) },
        ));
        rows.push(row(
            "incident.field.member_number",
            html! { (f.member_number.as_deref().unwrap_or(none)) },
        ));
    }
    if let Some(proxy) = &f.proxy_name {
        rows.push(row("incident.field.proxy", html! { (proxy) }));
        let whose = match f.subject {
            Subject::Customer => ctx.t("incident.subject.customer"),
            Subject::Proxy => ctx.t("incident.subject.proxy"),
        };
        rows.push(row("incident.field.subject", html! { (whose) }));
    }
    rows.push(row(
        "incident.field.category",
        html! { (category_name(ctx, f.category)) },
    ));
    rows.push(row("incident.field.account", lines(&f.account)));
    rows.push(row(
        "incident.field.demand",
        html! { (ctx.t(&format!("incident.demand.{}", f.demand.as_str()))) },
    ));
    rows.push(row(
        "incident.field.manner",
        html! { (ctx.t(&format!("incident.manner.{}", f.manner.as_str()))) },
    ));
    rows.push(row(
        "incident.field.affected",
        html! {
            @if f.affected.is_empty() { (none) } @else { ul .list { @for name in &f.affected { li { (name) } } } }
        },
    ));
    rows.push(row(
        "incident.field.done_then",
        match &f.done_then {
            Some(text) => lines(text),
            None => html! { (none) },
        },
    ));
    rows
}

fn quotes_section(ctx: &PageContext, quotes: &[QuoteLine]) -> Markup {
    html! {
        @if !quotes.is_empty() {
            h2 .heading-m { (ctx.t("incident.quotes_heading")) }
            p { (ctx.t("incident.quotes_lead")) }
            ol .chat-log {
                @for q in quotes {
                    li .chat-message {
                        p .chat-message__meta { strong { (q.author) } " " span .nowrap { (ctx.datetime(q.at)) } }
                        blockquote .chat-message__body { (lines(&q.body)) }
                    }
                }
            }
        }
    }
}

fn additions_section(ctx: &PageContext, additions: &[AdditionLine]) -> Markup {
    html! {
        h2 .heading-m #additions { (ctx.t("incident.additions_heading")) }
        @if additions.is_empty() {
            p { (ctx.t("incident.additions_none")) }
        } @else {
            ul .list {
                @for a in additions {
                    li {
                        p { strong { (ctx.t(&format!("incident.addition.{}", a.kind.as_str()))) } " — "
                            (a.author) ", " span .nowrap { (ctx.datetime(a.at)) } }
                        @match a.kind {
                            AdditionKind::Status => p { (IncidentStatus::parse(&a.body).map(|s| status_name(ctx, s)).unwrap_or_default()) },
                            _ => p { (lines(&a.body)) },
                        }
                    }
                }
            }
        }
    }
}

/// One row of the supervisors' list, or of a reporter's own.
#[derive(Debug, Clone)]
pub struct IncidentRow {
    pub id: i64,
    pub reference: String,
    pub reported_at: OffsetDateTime,
    pub category: Category,
    pub status: IncidentStatus,
    pub customer: Option<String>,
    pub channel: Channel,
}

/// The list's filters as typed in the address.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ListQuery {
    pub status: String,
    pub category: String,
    pub done: String,
}

/// The supervisors' list.
pub struct ListView<'a> {
    pub query: &'a ListQuery,
    pub rows: &'a [IncidentRow],
    /// How many match the filters.
    pub total: u64,
    /// How many are in each status.
    pub counts: &'a [(IncidentStatus, u64)],
    /// Calls for support waiting.
    pub calls: &'a [CallLine],
    /// Suspensions waiting for a second person, and appeals waiting for a decision: each a
    /// line and the incident's page.
    pub waiting: &'a [(String, String)],
    /// What was just done, if anything.
    pub notice: Option<&'a str>,
}

fn incidents_table(ctx: &PageContext, rows: &[IncidentRow], link: fn(i64) -> String) -> Markup {
    html! {
        div .table-wrap role="region" aria-labelledby="incidents-caption" tabindex="0" {
            table .table {
                caption .visually-hidden #incidents-caption { (ctx.t("incident.list.caption")) }
                thead { tr {
                    th scope="col" { (ctx.t("incident.field.reference")) }
                    th scope="col" { (ctx.t("incident.field.reported_at")) }
                    th scope="col" { (ctx.t("incident.field.category")) }
                    th scope="col" { (ctx.t("incident.field.channel")) }
                    th scope="col" { (ctx.t("incident.field.customer")) }
                    th scope="col" { (ctx.t("incident.field.status")) }
                } }
                tbody {
                    @for r in rows {
                        tr {
                            td { a .nowrap href=(link(r.id)) { (r.reference) } }
                            td { (ctx.datetime(r.reported_at)) }
                            td { (category_name(ctx, r.category)) }
                            td { (channel_name(ctx, r.channel)) }
                            td { (r.customer.as_deref().unwrap_or(ctx.t("incident.none"))) }
                            td { (status_tag(ctx, r.status)) }
                        }
                    }
                }
            }
        }
    }
}

/// The supervisors' list of incidents, with the waiting calls for support above it.
pub fn list(ctx: &PageContext, v: &ListView<'_>) -> Markup {
    let title = ctx.t("incident.list.title");
    let q = v.query;
    let body = html! {
        (back_link(ctx, paths::staff::HOME))
        @if let Some(notice) = v.notice {
            (notification_banner(ctx, Banner::Success, html! { p .banner__heading { (notice) } }))
        }
        (calls_banner(ctx, v.calls))
        h1 .heading-l { (title) }
        ul .list {
            li { a href=(paths::staff::INCIDENT_NEW) { (ctx.t("incident.list.report_link")) } }
            li { a href=(paths::staff::INCIDENT_REPORTS) { (ctx.t("incident.list.reports_link")) } }
            li { a href=(paths::staff::INCIDENT_SIGNALS) { (ctx.t("signals.from_incidents")) } }
        }
        @if !v.waiting.is_empty() {
            h2 .heading-m { (ctx.t("incident.list.waiting_heading")) }
            ul .list {
                @for (line, link) in v.waiting { li { a href=(link) { (line) } } }
            }
        }
        nav aria-label=(ctx.t("incident.list.by_status")) {
            ul .list .list--inline {
                li { a href=(paths::staff::INCIDENTS) aria-current=[q.status.is_empty().then_some("page")] { (ctx.t("incident.list.all")) } }
                @for (status, n) in v.counts {
                    li { a href={ (paths::staff::INCIDENTS) "?status=" (status.as_str()) }
                        aria-current=[(q.status == status.as_str()).then_some("page")] {
                        (ctx.tf("incident.list.status_count", &[("status", &status_name(ctx, *status)), ("count", &n.to_string())]))
                    } }
                }
            }
        }
        form method="get" action=(paths::staff::INCIDENTS) {
            @if !q.status.is_empty() { input type="hidden" name="status" value=(q.status); }
            div .form-group {
                label .label for="category" { (ctx.t("incident.field.category")) }
                select .select #category name="category" {
                    option value="" { (ctx.t("incident.list.every_category")) }
                    @for c in Category::ALL {
                        option value=(c.as_str()) selected[q.category == c.as_str()] { (category_name(ctx, *c)) }
                    }
                }
            }
            (secondary_button(ctx.t("incident.list.filter")))
        }
        p { (ctx.tn("incident.list.count", v.total, &[("count", &v.total.to_string())])) }
        @if v.rows.is_empty() {
            p { (ctx.t("incident.list.empty")) }
        } @else {
            (incidents_table(ctx, v.rows, paths::staff::incident))
        }
    };
    render(ctx, Page::new(title, body))
}

/// A call for support its caller has not yet turned into a report.
#[derive(Debug, Clone)]
pub struct DraftLine {
    /// Where the report form starts from it.
    pub link: String,
    /// Where the call was made.
    pub place: String,
    pub at: OffsetDateTime,
}

/// A reporter's own reports, with the calls for support still waiting for one.
pub fn mine(
    ctx: &PageContext,
    rows: &[IncidentRow],
    drafts: &[DraftLine],
    notice: Option<&str>,
) -> Markup {
    let title = ctx.t("incident.mine.title");
    let body = html! {
        (back_link(ctx, paths::staff::HOME))
        @if let Some(notice) = notice {
            (notification_banner(ctx, Banner::Success, html! { p .banner__heading { (notice) } }))
        }
        h1 .heading-l { (title) }
        p { (ctx.t("incident.mine.lead")) }
        p { a href=(paths::staff::INCIDENT_NEW) { (ctx.t("incident.list.report_link")) } }
        @if !drafts.is_empty() {
            h2 .heading-m { (ctx.t("incident.mine.drafts_heading")) }
            ul .list {
                @for d in drafts {
                    li { (ctx.tf("incident.mine.draft", &[("place", &d.place), ("time", &ctx.datetime(d.at))])) " "
                        a href=(d.link) { (ctx.t("incident.mine.finish")) } }
                }
            }
        }
        h2 .heading-m { (ctx.t("incident.mine.reports_heading")) }
        @if rows.is_empty() {
            p { (ctx.t("incident.mine.empty")) }
        } @else {
            (incidents_table(ctx, rows, paths::staff::incident_mine))
        }
    };
    render(ctx, Page::new(title, body))
}

/// The customer's history around an incident: each line a label and a staff page.
#[derive(Debug, Clone, Default)]
pub struct HistoryView {
    pub requests: Vec<(String, String)>,
    pub sessions: Vec<(String, String)>,
    pub incidents: Vec<(String, String)>,
}

/// What the incident pages' forms hold, kept when one is refused.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct AdditionForm {
    /// What is added.
    #[serde(rename = "addition")]
    pub body: String,
    /// `note` or `follow_up` (supervisors only).
    #[serde(rename = "addition_kind")]
    pub kind: String,
    /// The new status.
    pub status: String,
}

/// One incident, for supervisors: the report, the quotes, the additions, the customer's
/// history, and the forms to add to it and move it on.
pub struct DetailView<'a> {
    pub facts: &'a IncidentFacts,
    pub quotes: &'a [QuoteLine],
    pub additions: &'a [AdditionLine],
    pub history: &'a HistoryView,
    /// Whether the follow-up offered to the staff affected is recorded.
    pub followed_up: bool,
    pub notice: Option<&'a str>,
    /// The measures section (see [`super::measures::section`]).
    pub measures: Markup,
}

fn history_list(ctx: &PageContext, heading: &str, items: &[(String, String)]) -> Markup {
    html! {
        h3 .heading-s { (ctx.t(heading)) }
        @if items.is_empty() {
            p { (ctx.t("incident.none")) }
        } @else {
            ul .list { @for (label, link) in items { li { a href=(link) { (label) } } } }
        }
    }
}

/// An incident's page for supervisors and admins.
pub fn detail(
    ctx: &PageContext,
    v: &DetailView<'_>,
    typed: &AdditionForm,
    errors: &Errors,
) -> Markup {
    let f = v.facts;
    let title = ctx.tf("incident.detail.title", &[("reference", &f.reference)]);
    let max = ADDITION_MAX_CHARS.to_string();
    let body = html! {
        (back_link(ctx, paths::staff::INCIDENTS))
        @if let Some(notice) = v.notice {
            (notification_banner(ctx, Banner::Success, html! { p .banner__heading { (notice) } }))
        }
        (error_summary(ctx, errors))
        h1 .heading-l { (with_reference(ctx, "incident.detail.title", &f.reference)) }
        @if !v.followed_up && !f.affected.is_empty() {
            (notification_banner(ctx, Banner::Important, html! {
                p .banner__heading { (ctx.t("incident.detail.follow_up_due")) }
            }))
        }
        (summary_list(ctx, &fact_rows(ctx, f, true)))
        (quotes_section(ctx, v.quotes))
        (additions_section(ctx, v.additions))
        h2 .heading-m { (ctx.t("incident.detail.add_heading")) }
        (form(ctx, &paths::staff::incident_add(f.id), html! {
            (choices(ctx, ChoiceGroup {
                name: "addition_kind", legend: ctx.t("incident.field.kind"), legend_is_heading: false, hint: None,
                choices: vec![
                    Choice { value: AdditionKind::FollowUp.as_str(), label: ctx.t("incident.addition.follow_up").to_owned(),
                        hint: Some(ctx.t("incident.hint.follow_up").to_owned()) },
                    Choice { value: AdditionKind::Note.as_str(), label: ctx.t("incident.addition.note").to_owned(), hint: None },
                ],
                selected: vec![if typed.kind.is_empty() { AdditionKind::Note.as_str() } else { typed.kind.as_str() }],
                error: errors.message(ctx, "addition_kind"),
                multiple: false,
            }))
            (textarea(ctx, "addition", ctx.t("incident.field.body"), Some(&ctx.tf("incident.hint.body", &[("max", &max)])),
                &typed.body, errors.message(ctx, "addition").as_deref()))
            (secondary_button(ctx.t("incident.detail.add")))
        }))
        h2 .heading-m { (ctx.t("incident.detail.status_heading")) }
        (form(ctx, &paths::staff::incident_status(f.id), html! {
            @let current = if typed.status.is_empty() { f.status.as_str() } else { typed.status.as_str() };
            @let error = errors.message(ctx, "status");
            div .form-group .form-group--error[error.is_some()] {
                label .label for="status" { (ctx.t("incident.field.new_status")) }
                div .hint #status-hint { (ctx.t("incident.hint.status")) }
                @if let Some(error) = &error {
                    p .error-message #status-error { span .visually-hidden { (ctx.t("error.prefix")) } (error) }
                }
                select .select #status name="status"
                    aria-describedby=(if error.is_some() { "status-hint status-error" } else { "status-hint" }) {
                    @for s in IncidentStatus::ALL {
                        option value=(s.as_str()) selected[current == s.as_str()] { (status_name(ctx, *s)) }
                    }
                }
            }
            (secondary_button(ctx.t("incident.detail.set_status")))
        }))
        (v.measures)
        h2 .heading-m { (ctx.t("incident.detail.history_heading")) }
        p { (ctx.t("incident.detail.history_lead")) }
        (history_list(ctx, "incident.detail.history_requests", &v.history.requests))
        (history_list(ctx, "incident.detail.history_sessions", &v.history.sessions))
        (history_list(ctx, "incident.detail.history_incidents", &v.history.incidents))
    };
    render(ctx, Page::new(title, body).with_errors(errors.len()))
}

/// A reporter's own report: what they wrote, where it stands, the follow-up offered, and a
/// form to add to it.
pub fn own(
    ctx: &PageContext,
    facts: &IncidentFacts,
    quotes: &[QuoteLine],
    additions: &[AdditionLine],
    typed: &AdditionForm,
    errors: &Errors,
    notice: Option<&str>,
) -> Markup {
    let title = ctx.tf("incident.detail.title", &[("reference", &facts.reference)]);
    let max = ADDITION_MAX_CHARS.to_string();
    let body = html! {
        (back_link(ctx, paths::staff::INCIDENTS_MINE))
        @if let Some(notice) = notice {
            (notification_banner(ctx, Banner::Success, html! { p .banner__heading { (notice) } }))
        }
        (error_summary(ctx, errors))
        h1 .heading-l { (with_reference(ctx, "incident.detail.title", &facts.reference)) }
        p { (ctx.t("incident.own.lead")) }
        (summary_list(ctx, &fact_rows(ctx, facts, false)))
        (quotes_section(ctx, quotes))
        (additions_section(ctx, additions))
        h2 .heading-m { (ctx.t("incident.own.add_heading")) }
        (form(ctx, &paths::staff::incident_mine_add(facts.id), html! {
            (textarea(ctx, "addition", ctx.t("incident.field.body"), Some(&ctx.tf("incident.hint.body", &[("max", &max)])),
                &typed.body, errors.message(ctx, "addition").as_deref()))
            (secondary_button(ctx.t("incident.detail.add")))
        }))
    };
    render(ctx, Page::new(title, body).with_errors(errors.len()))
}
