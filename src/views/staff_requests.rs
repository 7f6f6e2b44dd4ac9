//! Staff pages for support requests: the queue with its filters, a request's page with the
//! thread, replies, internal notes, assignment, status and history, and the response-time
//! targets.

use super::PageContext;
use super::components::{
    Banner, Errors, Input, SummaryRow, back_link, button, error_summary, form, input, lines,
    notification_banner, secondary_button, summary_list, textarea, topic_name,
};
use super::layout::{Page, encode, render};
use super::requests::{RequestFacts, ThreadLine, label, messages, with_reference};
use super::staff_proxies::{ProxyOrigin, origin_notice, origin_value};
use crate::domain::Permission;
use crate::domain::request::{ReplyChannel, RequestStatus, Topic};
use crate::paths;
use maud::{Markup, html};
use serde::Deserialize;
use time::OffsetDateTime;

/// The queue's filters as typed in the address.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct QueueQuery {
    /// A status, `all`, or empty for everything not done.
    pub status: String,
    /// A topic, or empty.
    pub topic: String,
    /// A reply channel, or empty.
    pub channel: String,
    /// `me`, `none`, a staff id, or empty.
    pub assignee: String,
    /// Sent at least this many days ago, or empty.
    pub age: String,
    /// `1` for overdue requests only.
    pub overdue: String,
    /// `1` for requests the customer wrote again on.
    pub wrote_again: String,
    /// The page, from 1.
    pub page: String,
}

impl QueueQuery {
    fn link(&self, page: u64) -> String {
        format!(
            "{}?status={}&topic={}&channel={}&assignee={}&age={}&overdue={}&wrote_again={}&page={page}",
            paths::staff::REQUESTS,
            encode(&self.status),
            encode(&self.topic),
            encode(&self.channel),
            encode(&self.assignee),
            encode(&self.age),
            encode(&self.overdue),
            encode(&self.wrote_again),
        )
    }
}

/// The ages the queue can filter by, in days.
pub const AGES: [i64; 4] = [1, 3, 7, 30];

/// One request in the queue.
#[derive(Debug, Clone)]
pub struct QueueRow {
    /// The request.
    pub r: RequestFacts,
    /// Who it is with, by display name.
    pub assignee: Option<String>,
    /// Whether it is past its target.
    pub overdue: bool,
    /// Whether the customer wrote again after an answer.
    pub wrote_again: bool,
}

/// What the queue page shows.
pub struct QueueView<'a> {
    /// The filters.
    pub query: &'a QueueQuery,
    /// Staff who can take requests: id and display name.
    pub staff: &'a [(i64, String)],
    /// The rows of this page.
    pub rows: &'a [QueueRow],
    /// How many match.
    pub total: u64,
    /// This page.
    pub page: u64,
    /// How many pages.
    pub pages: u64,
    /// How many are overdue, whatever the filter.
    pub overdue: u64,
    /// How many are new, whatever the filter.
    pub new: u64,
    /// How many the customer wrote again on, whatever the filter.
    pub wrote_again: u64,
}

/// A labelled drop-down of `(value, text)` options with `current` chosen, for filters.
pub fn select(
    ctx: &PageContext,
    name: &str,
    label_key: &str,
    current: &str,
    options: &[(String, String)],
) -> Markup {
    html! {
        div .form-group {
            label .label for=(name) { (ctx.t(label_key)) }
            select .select #(name) name=(name) {
                @for (value, text) in options {
                    option value=(value) selected[current == value] { (text) }
                }
            }
        }
    }
}

/// A status as staff read it (the customer's words speak to the customer: "waiting for you").
pub fn status_label(ctx: &PageContext, status: &str) -> String {
    ctx.t(&format!("requests.status.{status}")).to_owned()
}

/// A status as a tag.
pub fn status_tag(ctx: &PageContext, status: &str) -> Markup {
    html! { strong class={ "tag tag--" (status) } { (status_label(ctx, status)) } }
}

/// The queue.
pub fn queue(ctx: &PageContext, v: QueueView<'_>) -> Markup {
    let title = ctx.t("requests.title");
    let q = v.query;
    let mut statuses = vec![
        (String::new(), ctx.t("requests.filter.not_done").to_owned()),
        ("all".to_owned(), ctx.t("requests.filter.all").to_owned()),
    ];
    statuses.extend(
        RequestStatus::ALL
            .iter()
            .map(|s| (s.as_str().to_owned(), status_label(ctx, s.as_str()))),
    );
    let any = || (String::new(), ctx.t("requests.filter.any").to_owned());
    let topics: Vec<_> = std::iter::once(any())
        .chain(Topic::ALL.iter().map(|t| {
            (
                t.as_str().to_owned(),
                topic_name(ctx, t.as_str()).to_owned(),
            )
        }))
        .collect();
    let channels: Vec<_> = std::iter::once(any())
        .chain(ReplyChannel::ALL.iter().map(|c| {
            (
                c.as_str().to_owned(),
                label(ctx, "channel", c.as_str()).to_owned(),
            )
        }))
        .collect();
    let assignees: Vec<_> = [
        any(),
        ("me".to_owned(), ctx.t("requests.filter.me").to_owned()),
        (
            "none".to_owned(),
            ctx.t("requests.filter.nobody").to_owned(),
        ),
    ]
    .into_iter()
    .chain(
        v.staff
            .iter()
            .map(|(id, name)| (id.to_string(), name.clone())),
    )
    .collect();
    let ages: Vec<_> = std::iter::once(any())
        .chain(AGES.iter().map(|d| {
            (
                d.to_string(),
                ctx.tn("requests.filter.older_than", d.unsigned_abs(), &[]),
            )
        }))
        .collect();
    let body = html! {
        h1 .heading-l { (title) }
        ul .stat-list {
            li .stat { span .stat__number { (v.new) } a href={ (paths::staff::REQUESTS) "?status=new" } { (ctx.t("requests.count.new")) } }
            li .stat { span .stat__number { (v.overdue) } a href={ (paths::staff::REQUESTS) "?overdue=1" } { (ctx.t("requests.count.overdue")) } }
            li .stat { span .stat__number { (v.wrote_again) } a href={ (paths::staff::REQUESTS) "?wrote_again=1" } { (ctx.t("requests.count.wrote_again")) } }
        }
        form .filter method="get" action=(paths::staff::REQUESTS) {
            div .filter__row {
                (select(ctx, "status", "requests.field.status", &q.status, &statuses))
                (select(ctx, "topic", "requests.field.topic", &q.topic, &topics))
                (select(ctx, "channel", "requests.field.channel", &q.channel, &channels))
                (select(ctx, "assignee", "requests.field.assignee", &q.assignee, &assignees))
                (select(ctx, "age", "requests.field.age", &q.age, &ages))
            }
            div .form-group {
                div .choice {
                    input .choice__input type="checkbox" id="overdue" name="overdue" value="1" checked[q.overdue == "1"];
                    label .choice__label for="overdue" { (ctx.t("requests.filter.overdue")) }
                }
                div .choice {
                    input .choice__input type="checkbox" id="wrote_again" name="wrote_again" value="1" checked[q.wrote_again == "1"];
                    label .choice__label for="wrote_again" { (ctx.t("requests.filter.wrote_again")) }
                }
            }
            (secondary_button(ctx.t("requests.filter.apply")))
        }
        p { (ctx.tf("requests.count.shown", &[("count", &v.total.to_string())])) }
        @if v.rows.is_empty() {
            p { (ctx.t("requests.empty")) }
        } @else {
            div .table-wrap role="region" aria-labelledby="requests-caption" tabindex="0" {
                table .table .table--queue {
                    caption #requests-caption .table__caption {
                        (ctx.tf("requests.caption", &[("page", &v.page.to_string()), ("pages", &v.pages.to_string())]))
                    }
                    thead { tr {
                        th scope="col" { (ctx.t("requests.field.reference")) }
                        th scope="col" { (ctx.t("requests.field.received")) }
                        th scope="col" { (ctx.t("requests.field.customer")) }
                        th scope="col" { (ctx.t("requests.field.topic")) }
                        th scope="col" { (ctx.t("requests.field.channel")) }
                        th scope="col" { (ctx.t("requests.field.status")) }
                        th scope="col" { (ctx.t("requests.field.assignee")) }
                        th scope="col" { (ctx.t("requests.field.due")) }
                    } }
                    tbody {
                        @for row in v.rows {
                            tr {
                                td .nowrap { a href=(paths::staff::request(row.r.id)) { (row.r.reference) } }
                                td { (ctx.datetime(row.r.created_at)) }
                                td {
                                    (row.r.customer_name)
                                    @if row.r.proxy_registration_id.is_some() { br; span .muted { (ctx.t("requests.by_proxy")) } }
                                }
                                td { (topic_name(ctx, row.r.topic.as_str())) }
                                td { (label(ctx, "channel", row.r.channel.as_str())) }
                                td { (status_tag(ctx, row.r.status.as_str())) }
                                td { (row.assignee.clone().unwrap_or_else(|| ctx.t("requests.nobody").to_owned())) }
                                td {
                                    @if let Some(due) = row.r.due_at { (ctx.datetime(due)) }
                                    @else { (ctx.t("requests.nothing_due")) }
                                    @if row.overdue { br; strong .tag .tag--overdue { (ctx.t("requests.overdue")) } }
                                    @if row.wrote_again { br; strong .tag { (ctx.t("requests.wrote_again")) } }
                                }
                            }
                        }
                    }
                }
            }
        }
        @if v.pages > 1 {
            nav .pagination aria-label=(ctx.t("pagination.label")) {
                ul {
                    @if v.page > 1 { li { a href=(q.link(v.page - 1)) rel="prev" { (ctx.t("pagination.previous")) } } }
                    li { (ctx.tf("pagination.position", &[("page", &v.page.to_string()), ("pages", &v.pages.to_string())])) }
                    @if v.page < v.pages { li { a href=(q.link(v.page + 1)) rel="next" { (ctx.t("pagination.next")) } } }
                }
            }
        }
        // Only those who may change the response times are offered the link (admins).
        @if ctx.staff_may(Permission::ManageDeskSettings) {
            p { a href=(paths::staff::SETTINGS_REQUESTS) { (ctx.t("requests.targets_link")) } }
        }
    };
    render(ctx, Page::new(title, body))
}

/// What staff typed on a request's page, kept when a form is refused.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct RequestForms {
    /// A reply to the customer.
    pub reply: String,
    /// An internal note.
    pub note: String,
    /// Whom to assign it to: a staff id, or empty for nobody.
    pub assignee: String,
    /// The new status.
    pub status: String,
}

/// A request's page.
pub struct Detail<'a> {
    /// The request.
    pub r: &'a RequestFacts,
    /// Whether it is past its target.
    pub overdue: bool,
    /// Who it is with.
    pub assignee: Option<String>,
    /// The proxy who sent it, their registration, and whether it has ended.
    pub proxy: Option<ProxyOrigin>,
    /// The whole thread, notes included.
    pub lines: Vec<ThreadLine>,
    /// The sessions booked for it.
    pub sessions: Vec<(i64, String)>,
    /// Staff who can take it.
    pub staff: &'a [(i64, String)],
    /// Its own audit history: when, what.
    pub history: Vec<(OffsetDateTime, String)>,
}

/// A request's page.
pub fn detail(
    ctx: &PageContext,
    d: &Detail<'_>,
    typed: &RequestForms,
    errors: &Errors,
    notice: Option<&str>,
) -> Markup {
    let r = d.r;
    let title = ctx.tf("requests.detail.title", &[("reference", &r.reference)]);
    let closed = r.status == RequestStatus::Closed;
    let none = ctx.t("request.check.none");
    let mut rows = vec![
        SummaryRow {
            key: ctx.t("requests.field.status").to_owned(),
            value: html! {
                (status_tag(ctx, r.status.as_str()))
                @if d.overdue { " " strong .tag .tag--overdue { (ctx.t("requests.overdue")) } }
            },
            change: None,
        },
        SummaryRow {
            key: ctx.t("requests.field.customer").to_owned(),
            value: html! { (r.customer_name) },
            change: None,
        },
        SummaryRow {
            key: ctx.t("request.field.member_number").to_owned(),
            value: html! { (r.member_number.as_deref().unwrap_or(none)) },
            change: None,
        },
        SummaryRow {
            key: ctx.t("requests.field.topic").to_owned(),
            value: html! { (topic_name(ctx, r.topic.as_str())) },
            change: None,
        },
        SummaryRow {
            key: ctx.t("requests.field.channel").to_owned(),
            value: html! { (label(ctx, "channel", r.channel.as_str())) },
            change: None,
        },
    ];
    if let Some(fax) = &r.fax {
        rows.push(SummaryRow {
            key: ctx.t("request.field.fax").to_owned(),
            value: html! { (fax) },
            change: None,
        });
    }
    if let Some(address) = &r.postal_address {
        rows.push(SummaryRow {
            key: ctx.t("request.field.address").to_owned(),
            value: lines(address),
            change: None,
        });
    }
    rows.push(SummaryRow {
        key: ctx.t("request.field.email").to_owned(),
        value: html! { (r.email.as_deref().unwrap_or(none)) },
        change: None,
    });
    rows.push(SummaryRow {
        key: ctx.t("requests.field.language").to_owned(),
        value: html! { (label(ctx, "lang", r.lang.code())) },
        change: None,
    });
    if let Some(origin) = &d.proxy {
        rows.push(SummaryRow {
            key: ctx.t("requests.field.sent_by").to_owned(),
            value: origin_value(ctx, origin),
            change: None,
        });
    }
    rows.push(SummaryRow {
        key: ctx.t("requests.field.received").to_owned(),
        value: html! { (ctx.datetime(r.created_at)) },
        change: None,
    });
    rows.push(SummaryRow { key: ctx.t("requests.field.due").to_owned(), value: html! {
        @if let Some(due) = r.due_at { (ctx.datetime(due)) } @else { (ctx.t("requests.nothing_due")) }
    }, change: None });
    rows.push(SummaryRow { key: ctx.t("requests.field.first_reply").to_owned(), value: html! {
        @if let Some(at) = r.first_reply_at { (ctx.datetime(at)) } @else { (ctx.t("requests.no_reply_yet")) }
    }, change: None });
    rows.push(SummaryRow {
        key: ctx.t("requests.field.assignee").to_owned(),
        value: html! {
            (d.assignee.clone().unwrap_or_else(|| ctx.t("requests.nobody").to_owned()))
        },
        change: None,
    });
    let limit = crate::domain::request::MESSAGE_MAX_CHARS.to_string();
    let body = html! {
        (back_link(ctx, paths::staff::REQUESTS))
        @if let Some(notice) = notice {
            (notification_banner(ctx, Banner::Success, html! { p .banner__heading { (notice) } }))
        }
        (error_summary(ctx, errors))
        h1 .heading-l { (with_reference(ctx, "requests.detail.title", &r.reference)) }
        @if let Some(origin) = &d.proxy { (origin_notice(ctx, origin)) }
        (summary_list(ctx, &rows))
        @if !d.sessions.is_empty() {
            h2 .heading-m { (ctx.t("request.thread.sessions")) }
            ul .list { @for (id, text) in &d.sessions { li { a href=(paths::staff::session(id)) { (text) } } } }
        }
        h2 .heading-m #messages { (ctx.t("request.thread.messages")) }
        (messages(ctx, &d.lines))
        @if closed {
            p { (ctx.t("requests.detail.closed")) }
        } @else {
            h2 .heading-m { (ctx.t("requests.detail.reply_heading")) }
            (form(ctx, &paths::staff::request_reply(r.id), html! {
                (textarea(ctx, "reply", ctx.t("requests.field.reply"),
                    Some(&ctx.tf("requests.hint.reply", &[("max", &limit)])), &typed.reply,
                    errors.message(ctx, "reply").as_deref()))
                (button(ctx.t("requests.detail.send_reply")))
            }))
        }
        h2 .heading-m { (ctx.t("requests.detail.note_heading")) }
        (form(ctx, &paths::staff::request_note(r.id), html! {
            (textarea(ctx, "note", ctx.t("requests.field.note"), Some(ctx.t("requests.hint.note")),
                &typed.note, errors.message(ctx, "note").as_deref()))
            (secondary_button(ctx.t("requests.detail.add_note")))
        }))
        h2 .heading-m { (ctx.t("requests.detail.assign_heading")) }
        (form(ctx, &paths::staff::request_assign(r.id), html! {
            @let current = if typed.assignee.is_empty() { r.assignee_id.map(|i| i.to_string()).unwrap_or_default() } else { typed.assignee.clone() };
            @let error = errors.message(ctx, "assignee");
            div .form-group .form-group--error[error.is_some()] {
                label .label for="assignee" { (ctx.t("requests.field.assign_to")) }
                @if let Some(error) = &error {
                    p .error-message #assignee-error { span .visually-hidden { (ctx.t("error.prefix")) } (error) }
                }
                select .select #assignee name="assignee" aria-describedby=[error.as_ref().map(|_| "assignee-error")] {
                    option value="" { (ctx.t("requests.nobody")) }
                    @for (id, name) in d.staff {
                        option value=(id) selected[current == id.to_string()] { (name) }
                    }
                }
            }
            (secondary_button(ctx.t("requests.detail.assign")))
        }))
        h2 .heading-m { (ctx.t("requests.detail.status_heading")) }
        (form(ctx, &paths::staff::request_status(r.id), html! {
            @let current = if typed.status.is_empty() { r.status.as_str().to_owned() } else { typed.status.clone() };
            div .form-group {
                label .label for="status" { (ctx.t("requests.field.new_status")) }
                div .hint #status-hint { (ctx.t("requests.hint.status")) }
                select .select #status name="status" aria-describedby="status-hint" {
                    @for s in RequestStatus::ALL {
                        option value=(s.as_str()) selected[current == s.as_str()] { (status_label(ctx, s.as_str())) }
                    }
                }
            }
            (secondary_button(ctx.t("requests.detail.set_status")))
        }))
        (super::incidents::support_box(ctx, &paths::staff::request_support(r.id),
            &format!("{}?request={}", paths::staff::INCIDENT_NEW, r.id)))
        h2 .heading-m { (ctx.t("requests.detail.history")) }
        ul .list {
            @for (at, action) in &d.history {
                li { span .nowrap { (ctx.datetime(*at)) } " — " (ctx.t(&format!("audit.{action}"))) }
            }
        }
    };
    render(ctx, Page::new(title, body).with_errors(errors.len()))
}

/// What an admin typed into the targets form: whole hours per topic.
pub type TargetsForm = Vec<(String, String)>;

/// The response-time targets.
pub fn settings(
    ctx: &PageContext,
    values: &[(Topic, String)],
    errors: &Errors,
    saved: bool,
) -> Markup {
    let title = ctx.t("requests.settings.title");
    let body = html! {
        (back_link(ctx, paths::staff::REQUESTS))
        @if saved {
            (notification_banner(ctx, Banner::Success, html! { p .banner__heading { (ctx.t("requests.settings.saved")) } }))
        }
        (error_summary(ctx, errors))
        h1 .heading-l { (title) }
        p { (ctx.t("requests.settings.lead")) }
        (form(ctx, paths::staff::SETTINGS_REQUESTS, html! {
            @for (topic, value) in values {
                @let name = topic_field(*topic);
                @let topic_label = topic_name(ctx, topic.as_str());
                (input(ctx, Input {
                    name,
                    label: &topic_label,
                    hint: Some(ctx.t("requests.settings.hint")),
                    value,
                    kind: "text",
                    autocomplete: Some("off"),
                    error: errors.message(ctx, name),
                    no_spellcheck: true,
                    width: Some("width-5"),
                }))
            }
            (button(ctx.t("requests.settings.save")))
        }))
    };
    render(ctx, Page::new(title, body).with_errors(errors.len()))
}

/// The form field of a topic's target.
pub fn topic_field(topic: Topic) -> &'static str {
    match topic {
        Topic::CardPayments => "target_card_payments",
        Topic::Statements => "target_statements",
        Topic::Points => "target_points",
        Topic::PersonalDetails => "target_personal_details",
        Topic::LostStolen => "target_lost_stolen",
        Topic::UnauthorisedUse => "target_unauthorised_use",
        Topic::Accommodation => "target_accommodation",
        Topic::StaffConduct => "target_staff_conduct",
        Topic::Other => "target_other",
    }
}
