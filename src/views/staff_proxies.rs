//! Staff pages for proxy registrations: the queue by status, a registration's page with
//! the checks and decisions, customers' requests to end a registration, and the settings.

use super::PageContext;
use super::components::{
    Banner, Choice, ChoiceGroup, Errors, Input, SummaryRow, back_link, button, choices, date_input,
    error_summary, form, input, lines, notification_banner, secondary_button, summary_list,
    textarea, warning_button,
};
use super::layout::{Page, render};
use super::proxy::label;
use crate::domain::proxy::{
    ConsentMethod, EndedBy, IdDocument, RegistrationStatus, Relationship, Scopes, birth_year,
    masked_address,
};
use crate::paths;
use maud::{Markup, html};
use serde::Deserialize;
use time::OffsetDateTime;

/// One registration in the queue; the date of birth and address already masked.
#[derive(Debug, Clone)]
pub struct QueueRow {
    /// Its id.
    pub id: i64,
    /// Its reference.
    pub reference: String,
    /// The customer's name.
    pub customer: String,
    /// The customer's date of birth, year only.
    pub birth: String,
    /// The first characters of the customer's address.
    pub address: String,
    /// The proxy's name.
    pub proxy: String,
    /// Who the proxy is to the customer.
    pub relationship: Relationship,
    /// When it was sent.
    pub submitted_at: OffsetDateTime,
    /// The end date, once approved.
    pub until: Option<String>,
    /// Whether its proxy asked for renewal.
    pub renewal_requested: bool,
}

/// The queue: one status at a time, with the count of each.
pub fn queue(
    ctx: &PageContext,
    status: RegistrationStatus,
    counts: &[(RegistrationStatus, u64)],
    rows: &[QueueRow],
    open_requests: usize,
) -> Markup {
    let title = ctx.t("proxies.title");
    let body = html! {
        h1 .heading-l { (title) }
        p { (ctx.t("proxies.lead")) }
        @if open_requests > 0 {
            (notification_banner(ctx, Banner::Important, html! {
                p .banner__heading {
                    a href=(paths::staff::PROXY_END_REQUESTS) { (ctx.tf("proxies.open_requests", &[("count", &open_requests.to_string())])) }
                }
            }))
        } @else {
            p { a href=(paths::staff::PROXY_END_REQUESTS) { (ctx.t("proxies.end_requests_link")) } }
        }
        nav .tabs aria-label=(ctx.t("proxies.states")) {
            ul .tabs__list {
                @for (s, count) in counts {
                    li .tabs__item {
                        a href={ (paths::staff::PROXIES) "?status=" (s.as_str()) } aria-current=[(*s == status).then_some("page")] {
                            (label(ctx, "status", s.as_str())) " (" (count) ")"
                        }
                    }
                }
            }
        }
        @if rows.is_empty() {
            p { (ctx.t("proxies.empty")) }
        } @else {
            div .table-wrap role="region" aria-labelledby="queue-caption" tabindex="0" {
                table .table {
                    caption #queue-caption .table__caption { (label(ctx, "status", status.as_str())) }
                    thead { tr {
                        th scope="col" { (ctx.t("proxies.reference")) }
                        th scope="col" { (ctx.t("proxies.customer")) }
                        th scope="col" { (ctx.t("proxies.birth")) }
                        th scope="col" { (ctx.t("proxies.address")) }
                        th scope="col" { (ctx.t("proxies.proxy")) }
                        th scope="col" { (ctx.t("proxies.submitted")) }
                        @if status == RegistrationStatus::Approved || status == RegistrationStatus::Expired {
                            th scope="col" { (ctx.t("proxies.until")) }
                        }
                    } }
                    tbody {
                        @for row in rows {
                            tr {
                                td .nowrap { a href=(paths::staff::proxy(row.id)) { (row.reference) } }
                                td { (row.customer) }
                                td .nowrap { (ctx.born_in(&row.birth)) }
                                td { (row.address) }
                                td { (row.proxy) br; span .muted { (label(ctx, "relationship", row.relationship.as_str())) } }
                                td .nowrap { (ctx.datetime(row.submitted_at)) }
                                @if status == RegistrationStatus::Approved || status == RegistrationStatus::Expired {
                                    td .nowrap {
                                        (row.until.clone().unwrap_or_default())
                                        @if row.renewal_requested { br; strong .tag { (ctx.t("proxies.renewal_requested")) } }
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

/// What staff typed on a registration's page, kept when a form is refused.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct DecisionForm {
    /// The document checked for the customer.
    pub customer_document: String,
    /// The document checked for the proxy.
    pub proxy_document: String,
    /// How consent was confirmed.
    pub consent_how: String,
    /// On which day: year.
    #[serde(rename = "consent_on-year")]
    pub consent_year: String,
    /// Month.
    #[serde(rename = "consent_on-month")]
    pub consent_month: String,
    /// Day.
    #[serde(rename = "consent_on-day")]
    pub consent_day: String,
    /// The reason for turning down or revoking.
    pub reason: String,
}

/// What a registration's staff page shows of it, as it stands.
#[derive(Debug, Clone)]
pub struct RegistrationFacts {
    /// Its id.
    pub id: i64,
    /// Its reference.
    pub reference: String,
    /// The customer's full name.
    pub principal_full_name: String,
    /// The customer's name in kana.
    pub principal_kana: String,
    /// The customer's date of birth, `YYYY-MM-DD`.
    pub principal_birth_date: String,
    /// The customer's member number, if given.
    pub principal_member_number: Option<String>,
    /// The customer's postal address.
    pub principal_address: String,
    /// The customer's email, if given.
    pub principal_email: Option<String>,
    /// The proxy's full name.
    pub proxy_full_name: String,
    /// The proxy's name in kana.
    pub proxy_kana: String,
    /// Who the proxy is to the customer.
    pub relationship: Relationship,
    /// The proxy's email.
    pub proxy_email: String,
    /// The proxy's postal address.
    pub proxy_address: String,
    /// How the customer's own consent is to be confirmed.
    pub consent_method: ConsentMethod,
    /// When it was sent.
    pub submitted_at: OffsetDateTime,
    /// The identity document staff checked for the customer.
    pub principal_document: Option<IdDocument>,
    /// When the customer's document was recorded.
    pub principal_document_at: Option<OffsetDateTime>,
    /// The identity document staff checked for the proxy.
    pub proxy_document: Option<IdDocument>,
    /// When the proxy's document was recorded.
    pub proxy_document_at: Option<OffsetDateTime>,
    /// How the customer's consent was confirmed.
    pub consent_confirmed_how: Option<ConsentMethod>,
    /// On which day the consent was confirmed, `YYYY-MM-DD`.
    pub consent_confirmed_on: Option<String>,
    /// Why it was turned down.
    pub rejection_reason: Option<String>,
    /// When it stopped.
    pub ended_at: Option<OffsetDateTime>,
    /// Who ended it.
    pub ended_by: Option<EndedBy>,
    /// Why it was ended, in the desk's words.
    pub end_reason: Option<String>,
    /// When its proxy asked for renewal.
    pub renewal_requested_at: Option<OffsetDateTime>,
}

impl QueueRow {
    /// A row with the customer's private details masked.
    pub fn masked(r: &RegistrationFacts, until: Option<String>) -> Self {
        QueueRow {
            id: r.id,
            reference: r.reference.clone(),
            customer: r.principal_full_name.clone(),
            birth: birth_year(&r.principal_birth_date),
            address: masked_address(&r.principal_address),
            proxy: r.proxy_full_name.clone(),
            relationship: r.relationship,
            submitted_at: r.submitted_at,
            until,
            renewal_requested: r.renewal_requested_at.is_some(),
        }
    }
}

/// A registration as its staff page shows it.
pub struct Detail<'a> {
    /// The registration.
    pub r: &'a RegistrationFacts,
    /// Its status.
    pub status: RegistrationStatus,
    /// Whether its proxy can act now.
    pub active: bool,
    /// Its scope.
    pub scopes: Scopes,
    /// Its end date, written for people.
    pub until: Option<String>,
    /// Whether everything approval needs is recorded.
    pub checks_done: bool,
    /// The same customer's other registrations.
    pub others: Vec<QueueRow>,
    /// Open requests from the customer to end this one.
    pub end_requests: Vec<(i64, String)>,
    /// The entries of the audit log about it: when, what.
    pub history: Vec<(OffsetDateTime, String)>,
}

fn recorded(
    ctx: &PageContext,
    value: Option<&str>,
    group: &str,
    at: Option<OffsetDateTime>,
) -> Markup {
    match value {
        Some(v) => html! {
            (label(ctx, group, v))
            @if let Some(at) = at { br; span .muted { (ctx.tf("proxies.recorded_at", &[("time", &ctx.datetime(at))])) } }
        },
        None => html! { strong .tag .tag--submitted { (ctx.t("proxies.not_recorded")) } },
    }
}

fn document_choices<'a>(
    ctx: &PageContext,
    name: &'a str,
    legend: &'a str,
    selected: &'a str,
    errors: &Errors,
) -> Markup {
    choices(
        ctx,
        ChoiceGroup {
            name,
            legend,
            legend_is_heading: false,
            hint: None,
            choices: IdDocument::ALL
                .iter()
                .map(|d| Choice {
                    value: d.as_str(),
                    label: label(ctx, "document", d.as_str()),
                    hint: None,
                })
                .collect(),
            selected: vec![selected],
            error: errors.message(ctx, name),
            multiple: false,
        },
    )
}

/// A registration's page: the application, the checks staff record, and the decisions.
pub fn detail(
    ctx: &PageContext,
    d: &Detail<'_>,
    typed: &DecisionForm,
    errors: &Errors,
    notice: Option<&str>,
) -> Markup {
    let r = d.r;
    let title = ctx.tf("proxies.detail_title", &[("reference", &r.reference)]);
    let open = matches!(
        d.status,
        RegistrationStatus::Submitted | RegistrationStatus::UnderReview
    );
    // An ended or expired registration's scope is shown as what the proxy was allowed to do.
    let ended = matches!(
        d.status,
        RegistrationStatus::Revoked | RegistrationStatus::Expired
    ) || (d.status == RegistrationStatus::Approved && !d.active);
    let body = html! {
        (back_link(ctx, &format!("{}?status={}", paths::staff::PROXIES, d.status.as_str())))
        @if let Some(notice) = notice {
            (notification_banner(ctx, Banner::Success, html! { p .banner__heading { (notice) } }))
        }
        (error_summary(ctx, errors))
        span .caption #status { (label(ctx, "status", if d.status == RegistrationStatus::Approved && !d.active { "expired" } else { d.status.as_str() })) }
        h1 .heading-l { (title) }
        @if r.renewal_requested_at.is_some() {
            (notification_banner(ctx, Banner::Important, html! { p .banner__heading { (ctx.t("proxies.renewal_requested_banner")) } }))
        }
        @if !d.end_requests.is_empty() {
            (notification_banner(ctx, Banner::Important, html! {
                p .banner__heading { (ctx.t("proxies.end_request_banner")) }
                ul { @for (id, reference) in &d.end_requests { li { a href={ (paths::staff::PROXY_END_REQUESTS) "#request-" (id) } { (reference) } } } }
            }))
        }
        h2 .heading-m { (ctx.t("apply.check.customer")) }
        (summary_list(ctx, &[
            SummaryRow { key: ctx.t("apply.field.principal_full_name").to_owned(), value: html! { (r.principal_full_name) }, change: None },
            SummaryRow { key: ctx.t("apply.field.principal_kana").to_owned(), value: html! { (r.principal_kana) }, change: None },
            SummaryRow { key: ctx.t("apply.field.birth").to_owned(), value: html! { (ctx.stored_day(&r.principal_birth_date)) }, change: None },
            SummaryRow { key: ctx.t("apply.field.principal_address").to_owned(), value: lines(&r.principal_address), change: None },
            SummaryRow { key: ctx.t("apply.field.principal_member_number").to_owned(), value: html! { (r.principal_member_number.clone().unwrap_or_else(|| ctx.t("apply.check.none").to_owned())) }, change: None },
            SummaryRow { key: ctx.t("apply.field.principal_email").to_owned(), value: html! { (r.principal_email.clone().unwrap_or_else(|| ctx.t("apply.check.none").to_owned())) }, change: None },
        ]))
        h2 .heading-m { (ctx.t("apply.check.proxy")) }
        (summary_list(ctx, &[
            SummaryRow { key: ctx.t("apply.field.proxy_full_name").to_owned(), value: html! { (r.proxy_full_name) }, change: None },
            SummaryRow { key: ctx.t("apply.field.proxy_kana").to_owned(), value: html! { (r.proxy_kana) }, change: None },
            SummaryRow { key: ctx.t("apply.field.relationship").to_owned(), value: html! { (label(ctx, "relationship", r.relationship.as_str())) }, change: None },
            SummaryRow { key: ctx.t("apply.field.proxy_email").to_owned(), value: html! { (r.proxy_email) }, change: None },
            SummaryRow { key: ctx.t("apply.field.proxy_address").to_owned(), value: lines(&r.proxy_address), change: None },
        ]))
        h2 .heading-m { (ctx.t(if ended { "proxies.granted_ended" } else { "apply.check.granted" })) }
        (summary_list(ctx, &[
            SummaryRow { key: ctx.t(if ended { "proxies.scope_ended" } else { "apply.field.scope" }).to_owned(), value: html! {
                ul .list { @for s in d.scopes.list() { li { (label(ctx, "scope", s.as_str())) } } }
            }, change: None },
            SummaryRow { key: ctx.t("apply.field.consent_method").to_owned(), value: html! { (label(ctx, "consent", r.consent_method.as_str())) }, change: None },
            SummaryRow { key: ctx.t("proxies.submitted").to_owned(), value: html! { (ctx.datetime(r.submitted_at)) }, change: None },
            SummaryRow { key: ctx.t("proxies.until").to_owned(), value: html! { (d.until.clone().unwrap_or_else(|| ctx.t("apply.check.none").to_owned())) }, change: None },
        ]))
        h2 .heading-m { (ctx.t("proxies.checks_heading")) }
        (summary_list(ctx, &[
            SummaryRow { key: ctx.t("proxies.customer_document").to_owned(), value: recorded(ctx, r.principal_document.map(IdDocument::as_str), "document", r.principal_document_at), change: None },
            SummaryRow { key: ctx.t("proxies.proxy_document").to_owned(), value: recorded(ctx, r.proxy_document.map(IdDocument::as_str), "document", r.proxy_document_at), change: None },
            SummaryRow { key: ctx.t("proxies.consent").to_owned(), value: match (&r.consent_confirmed_how, &r.consent_confirmed_on) {
                (Some(how), Some(on)) => html! { (label(ctx, "consent", how.as_str())) " (" (on) ")" },
                _ => html! { strong .tag .tag--submitted { (ctx.t("proxies.not_recorded")) } },
            }, change: None },
        ]))
        @if r.rejection_reason.is_some() || r.end_reason.is_some() || r.ended_by.is_some() {
            h2 .heading-m { (ctx.t("proxies.outcome_heading")) }
            @if let Some(reason) = &r.rejection_reason { p { (ctx.tf("proxies.rejected_because", &[("reason", reason)])) } }
            @if let Some(by) = &r.ended_by {
                p { @match r.ended_at {
                    Some(at) => (ctx.tf("proxies.ended_on", &[("date", &ctx.datetime(at)), ("by", &label(ctx, "ended_by", by.as_str()))])),
                    None => (ctx.tf("proxies.ended_by", &[("by", &label(ctx, "ended_by", by.as_str()))])),
                } }
                @if let Some(reason) = &r.end_reason { p { (reason) } }
            }
        }
        @if open {
            @if d.status == RegistrationStatus::Submitted {
                (form(ctx, &paths::staff::proxy_review(r.id), html! { (secondary_button(ctx.t("proxies.start_review"))) }))
            }
            h2 .heading-m #record-documents { (ctx.t("proxies.record_documents")) }
            (form(ctx, &paths::staff::proxy_documents(r.id), html! {
                (document_choices(ctx, "customer_document", ctx.t("proxies.customer_document"), &typed.customer_document, errors))
                (document_choices(ctx, "proxy_document", ctx.t("proxies.proxy_document"), &typed.proxy_document, errors))
                (button(ctx.t("proxies.save_documents")))
            }))
            h2 .heading-m #record-consent { (ctx.t("proxies.record_consent")) }
            (form(ctx, &paths::staff::proxy_consent(r.id), html! {
                (choices(ctx, ChoiceGroup {
                    name: "consent_how",
                    legend: ctx.t("proxies.consent_how"),
                    legend_is_heading: false,
                    hint: None,
                    choices: ConsentMethod::ALL.iter().map(|c| Choice { value: c.as_str(), label: label(ctx, "consent", c.as_str()), hint: None }).collect(),
                    selected: vec![typed.consent_how.as_str()],
                    error: errors.message(ctx, "consent_how"),
                    multiple: false,
                }))
                (date_input(ctx, "consent_on", ctx.t("proxies.consent_on"), Some(ctx.t("proxies.consent_on_hint")),
                    (&typed.consent_year, &typed.consent_month, &typed.consent_day), errors.message(ctx, "consent_on").as_deref()))
                (button(ctx.t("proxies.save_consent")))
            }))
            h2 .heading-m { (ctx.t("proxies.decide_heading")) }
            @if d.checks_done {
                p { (ctx.t("proxies.approve_lead")) }
                (form(ctx, &paths::staff::proxy_approve(r.id), html! { (button(ctx.t("proxies.approve"))) }))
            } @else {
                p { (ctx.t("proxies.approve_needs")) }
            }
            form method="post" action=(paths::staff::proxy_reject(r.id)) novalidate data-destructive {
                (super::components::csrf_field(ctx))
                (textarea(ctx, "reason", ctx.t("proxies.reject_reason"), Some(ctx.t("proxies.reason_hint")), &typed.reason,
                    errors.message(ctx, "reason").as_deref()))
                (warning_button(ctx.t("proxies.reject")))
            }
        }
        @if d.status == RegistrationStatus::Approved || d.status == RegistrationStatus::Expired {
            @if r.renewal_requested_at.is_some() || d.status == RegistrationStatus::Expired || !d.active {
                h2 .heading-m { (ctx.t("proxies.renew_heading")) }
                p { (ctx.t("proxies.renew_lead")) }
                (form(ctx, &paths::staff::proxy_renew(r.id), html! { (button(ctx.t("proxies.renew"))) }))
            }
        }
        @if d.status == RegistrationStatus::Approved {
            h2 .heading-m { (ctx.t("proxies.revoke_heading")) }
            form method="post" action=(paths::staff::proxy_revoke(r.id)) novalidate data-destructive {
                (super::components::csrf_field(ctx))
                (textarea(ctx, "reason", ctx.t("proxies.revoke_reason"), Some(ctx.t("proxies.reason_hint")), &typed.reason,
                    errors.message(ctx, "reason").as_deref()))
                (warning_button(ctx.t("proxies.revoke")))
            }
        }
        @if !d.others.is_empty() {
            h2 .heading-m { (ctx.t("proxies.others_heading")) }
            ul .list {
                @for o in &d.others {
                    li { a href=(paths::staff::proxy(o.id)) { (o.reference) } " — " (o.proxy) " (" (label(ctx, "relationship", o.relationship.as_str())) ")" }
                }
            }
        }
        p { a href={ (paths::staff::INCIDENT_NEW) "?registration=" (r.id) } { (ctx.t("incident.report_from_here")) } }
        h2 .heading-m { (ctx.t("proxies.history_heading")) }
        ul .list {
            @for (at, action) in &d.history {
                li { span .nowrap { (ctx.datetime(*at)) } " " (ctx.t(&format!("audit.{action}"))) }
            }
        }
    };
    render(ctx, Page::new(title, body).with_errors(errors.len()))
}

/// One request from a customer to end a registration.
#[derive(Debug, Clone)]
pub struct EndRequestRow {
    /// Its id.
    pub id: i64,
    /// Its reference.
    pub reference: String,
    /// When it came.
    pub requested_at: OffsetDateTime,
    /// What was typed: the reference, the name, the date of birth (the year only).
    pub typed: (String, String, String),
    /// Anything else they said.
    pub note: Option<String>,
    /// The registration it matched: id, reference, proxy's name, whether it is active.
    pub matched: Option<(i64, String, String, bool)>,
}

/// The customers' open requests to end a registration.
pub fn end_requests(ctx: &PageContext, rows: &[EndRequestRow], notice: Option<&str>) -> Markup {
    let title = ctx.t("proxies.end_requests_title");
    let body = html! {
        (back_link(ctx, paths::staff::PROXIES))
        @if let Some(notice) = notice {
            (notification_banner(ctx, Banner::Success, html! { p .banner__heading { (notice) } }))
        }
        h1 .heading-l { (title) }
        p { (ctx.t("proxies.end_requests_lead")) }
        @if rows.is_empty() {
            p { (ctx.t("proxies.end_requests_empty")) }
        }
        @for row in rows {
            div .card #{ "request-" (row.id) } {
                h2 .heading-m { (row.reference) }
                (summary_list(ctx, &[
                    SummaryRow { key: ctx.t("proxies.requested_at").to_owned(), value: html! { (ctx.datetime(row.requested_at)) }, change: None },
                    SummaryRow { key: ctx.t("proxies.end_typed.reference").to_owned(), value: html! { (row.typed.0) }, change: None },
                    SummaryRow { key: ctx.t("proxies.end_typed.name").to_owned(), value: html! { (row.typed.1) }, change: None },
                    SummaryRow { key: ctx.t("proxies.end_typed.birth").to_owned(), value: html! { (ctx.born_in(&row.typed.2)) }, change: None },
                    SummaryRow { key: ctx.t("proxies.end_typed.note").to_owned(), value: html! { (row.note.clone().unwrap_or_default()) }, change: None },
                    SummaryRow { key: ctx.t("proxies.matched").to_owned(), value: match &row.matched {
                        Some((id, reference, proxy, _)) => html! { a href=(paths::staff::proxy(id)) { (reference) } " — " (proxy) },
                        None => html! { (ctx.t("proxies.unmatched")) },
                    }, change: None },
                ]))
                div .button-group {
                    @if let Some((_, reference, _, true)) = &row.matched {
                        form method="post" action=(paths::staff::proxy_end_confirm(row.id)) novalidate data-destructive {
                            (super::components::csrf_field(ctx))
                            button .button .button--warning type="submit" { (ctx.t("proxies.confirm_end")) span .visually-hidden { " " (reference) } }
                        }
                    }
                    form method="post" action=(paths::staff::proxy_end_decline(row.id)) novalidate data-destructive {
                        (super::components::csrf_field(ctx))
                        button .button .button--secondary type="submit" { (ctx.t("proxies.close_request")) span .visually-hidden { " " (row.reference) } }
                    }
                }
            }
        }
    };
    render(ctx, Page::new(title, body))
}

/// What an admin typed on the proxy settings page.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct SettingsForm {
    /// Years an approval lasts.
    pub validity_years: String,
    /// Proxies a customer may have at once.
    pub max_active: String,
}

/// The proxy settings.
pub fn settings(ctx: &PageContext, typed: &SettingsForm, errors: &Errors, saved: bool) -> Markup {
    let title = ctx.t("proxies.settings_title");
    let body = html! {
        (back_link(ctx, paths::staff::PROXIES))
        @if saved {
            (notification_banner(ctx, Banner::Success, html! { p .banner__heading { (ctx.t("proxies.settings_saved")) } }))
        }
        (error_summary(ctx, errors))
        h1 .heading-l { (title) }
        (form(ctx, paths::staff::SETTINGS_PROXIES, html! {
            (input(ctx, Input { name: "validity_years", label: ctx.t("proxies.validity_years"), hint: Some(ctx.t("proxies.validity_years_hint")),
                value: &typed.validity_years, kind: "text", error: errors.message(ctx, "validity_years"), width: Some("width-4"),
                autocomplete: Some("off"), ..Default::default() }))
            (input(ctx, Input { name: "max_active", label: ctx.t("proxies.max_active"), hint: Some(ctx.t("proxies.max_active_hint")),
                value: &typed.max_active, kind: "text", error: errors.message(ctx, "max_active"), width: Some("width-4"),
                autocomplete: Some("off"), ..Default::default() }))
            (button(ctx.t("proxies.settings_save")))
        }))
    };
    render(ctx, Page::new(title, body).with_errors(errors.len()))
}

/// Where a request or session came from when a proxy made it, as its staff page shows it.
#[derive(Debug, Clone)]
pub struct ProxyOrigin {
    /// The proxy's name.
    pub proxy: String,
    /// The registration's id.
    pub registration_id: i64,
    /// The registration's reference.
    pub reference: String,
    /// When the registration ended or expired, written for people; none while it lets the
    /// proxy act.
    pub ended_on: Option<String>,
    /// The customer's own email address, if she gave one.
    pub customer_email: Option<String>,
    /// The customer's postal address.
    pub customer_address: String,
}

impl ProxyOrigin {
    /// Whether nobody is emailed about it: the registration ended and the customer gave no
    /// email address.
    pub fn emails_nobody(&self) -> bool {
        self.ended_on.is_some() && self.customer_email.is_none()
    }
}

/// The value of a "sent by" or "booked by" row: the proxy, their registration, and whom the
/// desk writes to while it is active.
pub fn origin_value(ctx: &PageContext, o: &ProxyOrigin) -> Markup {
    html! {
        (ctx.tf("requests.sent_by_proxy", &[("proxy", &o.proxy)])) br;
        a href=(paths::staff::proxy(o.registration_id)) { (o.reference) }
        @if o.ended_on.is_none() { br; span .muted { (ctx.t("proxy_origin.active")) } }
    }
}

/// What a staff page of a request or session a proxy made says once the registration has
/// ended: that it has, when, and how to reach the customer now. Nothing while it is active.
pub fn origin_notice(ctx: &PageContext, o: &ProxyOrigin) -> Markup {
    let Some(ended_on) = &o.ended_on else {
        return html! {};
    };
    html! {
        section .warning-text #proxy-ended aria-labelledby="proxy-ended-title" {
            h2 .heading-s #proxy-ended-title { (ctx.t("proxy_origin.ended_title")) }
            p { (ctx.tf("proxy_origin.ended", &[("proxy", &o.proxy), ("reference", &o.reference), ("date", ended_on)])) }
            @match &o.customer_email {
                Some(email) => p { (ctx.tf("proxy_origin.reach_email", &[("email", email)])) },
                None => p { strong { (ctx.t("proxy_origin.reach_post")) } },
            }
            p { strong { (ctx.t("proxy_origin.address")) } br; (lines(&o.customer_address)) }
            p { (ctx.t("proxy_origin.typed_by_proxy")) }
        }
    }
}
