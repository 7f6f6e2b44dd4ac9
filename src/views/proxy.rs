//! Senior Support pages for customers and proxies: the application (one question a page,
//! check your answers, confirmation), the form a customer uses to end a registration, and
//! the proxy's portal.

use super::PageContext;
use super::components::{
    Banner, Choice, ChoiceGroup, Errors, Input, SummaryRow, back_link, button, choices, date_input,
    error_summary, form, input, lines, notification_banner, secondary_button, summary_list,
    textarea, warning_button,
};
use super::journey::{StepNav, question_page};
use super::layout::{Page, render};
use crate::domain::journey::Step;
use crate::domain::proxy::{
    ApplicationDraft, ApplyStep, ConsentMethod, RegistrationStatus, Relationship, Scope,
};
use crate::paths;
use maud::{Markup, html};
use serde::Deserialize;

/// The label of a stored choice: `proxy.{group}.{value}`.
pub fn label(ctx: &PageContext, group: &str, value: &str) -> String {
    ctx.t(&format!("proxy.{group}.{value}")).to_owned()
}

/// The start page of the application.
pub fn apply_start(ctx: &PageContext, resume: Option<&str>) -> Markup {
    let title = ctx.t("apply.start.title");
    let body = html! {
        h1 .heading-xl { (title) }
        p .lead { (ctx.t("apply.start.lead")) }
        h2 .heading-m { (ctx.t("apply.start.who_heading")) }
        p { (ctx.t("apply.start.who")) }
        h2 .heading-m { (ctx.t("apply.start.need_heading")) }
        ul .list .list--bullet {
            li { (ctx.t("apply.start.need_customer")) }
            li { (ctx.t("apply.start.need_proxy")) }
            li { (ctx.t("apply.start.need_email")) }
        }
        h2 .heading-m { (ctx.t("apply.start.next_heading")) }
        ol .list .list--number {
            li { (ctx.t("apply.start.next_1")) }
            li { (ctx.t("apply.start.next_2")) }
            li { (ctx.t("apply.start.next_3")) }
        }
        p { (ctx.t("apply.start.no_limit")) }
        p { a .button href=(paths::proxy::apply_step(ApplyStep::ALL[0].slug())) draggable="false" { (ctx.t("apply.start.button")) } }
        @if let Some(href) = resume {
            p { a href=(href) { (ctx.t("apply.start.continue")) } }
        }
        h2 .heading-m { (ctx.t("apply.start.end_heading")) }
        p { a href=(paths::proxy::REVOKE) { (ctx.t("apply.start.end_link")) } }
    };
    render(ctx, Page::new(title, body))
}

fn text_input<'a>(
    ctx: &'a PageContext,
    errors: &Errors,
    name: &'a str,
    value: &'a str,
    autocomplete: Option<&'a str>,
    hint: Option<&'a str>,
) -> Markup {
    input(
        ctx,
        Input {
            name,
            label: ctx.t(&format!("apply.field.{name}")),
            hint,
            value,
            kind: if name.ends_with("email") {
                "email"
            } else {
                "text"
            },
            autocomplete,
            error: errors.message(ctx, name),
            no_spellcheck: true,
            width: None,
        },
    )
}

/// One question page of the application.
pub fn apply_step(
    ctx: &PageContext,
    step: ApplyStep,
    draft: &ApplicationDraft,
    nav: &StepNav,
    errors: &Errors,
) -> Markup {
    let title = ctx.t(&format!("apply.{}.title", step.slug())).to_owned();
    let heading = html! { h1 .heading-l { (title) } };
    let fields = match step {
        ApplyStep::CustomerName => html! {
            (heading)
            p { (ctx.t("apply.customer-name.lead")) }
            (text_input(ctx, errors, "principal_full_name", &draft.principal_full_name, Some("off"), None))
            (text_input(ctx, errors, "principal_kana", &draft.principal_kana, Some("off"), Some(ctx.t("apply.hint.kana"))))
        },
        ApplyStep::CustomerBirth => {
            let (y, m, d) = &draft.birth;
            html! {
                (heading)
                (date_input(ctx, "birth", ctx.t("apply.field.birth"), Some(ctx.t("apply.hint.birth")),
                    (y, m, d), errors.message(ctx, "birth").as_deref()))
            }
        }
        ApplyStep::CustomerAddress => html! {
            (heading)
            (textarea(ctx, "principal_address", ctx.t("apply.field.principal_address"),
                Some(ctx.t("apply.hint.address")), &draft.principal_address,
                errors.message(ctx, "principal_address").as_deref()))
        },
        ApplyStep::CustomerContact => html! {
            (heading)
            (text_input(ctx, errors, "principal_member_number", &draft.principal_member_number, Some("off"), Some(ctx.t("apply.hint.member_number"))))
            (text_input(ctx, errors, "principal_email", &draft.principal_email, Some("off"), Some(ctx.t("apply.hint.principal_email"))))
        },
        ApplyStep::ProxyName => html! {
            (heading)
            p { (ctx.t("apply.proxy-name.lead")) }
            (text_input(ctx, errors, "proxy_full_name", &draft.proxy_full_name, Some("name"), None))
            (text_input(ctx, errors, "proxy_kana", &draft.proxy_kana, Some("off"), Some(ctx.t("apply.hint.kana"))))
        },
        ApplyStep::Relationship => html! {
            (choices(ctx, ChoiceGroup {
                name: "relationship",
                legend: &title,
                legend_is_heading: true,
                hint: Some(ctx.t("apply.hint.relationship")),
                choices: Relationship::ALL.iter().map(|r| Choice {
                    value: r.as_str(),
                    label: label(ctx, "relationship", r.as_str()),
                    hint: None,
                }).collect(),
                selected: vec![draft.relationship.as_str()],
                error: errors.message(ctx, "relationship"),
                multiple: false,
            }))
        },
        ApplyStep::ProxyContact => html! {
            (heading)
            (text_input(ctx, errors, "proxy_email", &draft.proxy_email, Some("email"), Some(ctx.t("apply.hint.proxy_email"))))
            (textarea(ctx, "proxy_address", ctx.t("apply.field.proxy_address"),
                Some(ctx.t("apply.hint.address")), &draft.proxy_address,
                errors.message(ctx, "proxy_address").as_deref()))
        },
        ApplyStep::Scope => html! {
            (choices(ctx, ChoiceGroup {
                name: "scope",
                legend: &title,
                legend_is_heading: true,
                hint: Some(ctx.t("apply.hint.scope")),
                choices: Scope::ALL.iter().map(|s| Choice {
                    value: s.as_str(),
                    label: label(ctx, "scope", s.as_str()),
                    hint: Some(ctx.t(&format!("proxy.scope_hint.{}", s.as_str())).to_owned()),
                }).collect(),
                selected: draft.scope.iter().map(String::as_str).collect(),
                error: errors.message(ctx, "scope"),
                multiple: true,
            }))
        },
        ApplyStep::Consent => html! {
            (choices(ctx, ChoiceGroup {
                name: "consent_method",
                legend: &title,
                legend_is_heading: true,
                hint: Some(ctx.t("apply.hint.consent")),
                choices: ConsentMethod::ALL.iter().map(|c| Choice {
                    value: c.as_str(),
                    label: label(ctx, "consent", c.as_str()),
                    hint: Some(ctx.t(&format!("proxy.consent_hint.{}", c.as_str())).to_owned()),
                }).collect(),
                selected: vec![draft.consent_method.as_str()],
                error: errors.message(ctx, "consent_method"),
                multiple: false,
            }))
        },
        ApplyStep::Declaration => html! {
            (heading)
            ul .list .list--bullet {
                li { (ctx.t("apply.declaration.point_1")) }
                li { (ctx.t("apply.declaration.point_2")) }
                li { (ctx.t("apply.declaration.point_3")) }
                li { (ctx.t("apply.declaration.point_4")) }
            }
            (choices(ctx, ChoiceGroup {
                name: "declaration",
                legend: ctx.t("apply.declaration.legend"),
                legend_is_heading: false,
                hint: None,
                choices: vec![Choice { value: "yes", label: ctx.t("apply.declaration.agree").to_owned(), hint: None }],
                selected: if draft.declaration { vec!["yes"] } else { vec![] },
                error: errors.message(ctx, "declaration"),
                multiple: true,
            }))
        },
    };
    question_page(ctx, title, nav, errors, fields)
}

/// The check-your-answers page of the application.
pub fn apply_check(ctx: &PageContext, draft: &ApplicationDraft, errors: &Errors) -> Markup {
    let title = ctx.t("apply.check.title");
    let change = |step: ApplyStep, what: &str| {
        Some((
            format!("{}?change=1", paths::proxy::apply_step(step.slug())),
            ctx.t(what).to_owned(),
        ))
    };
    let row = |key: &str, value: Markup, step: ApplyStep| SummaryRow {
        key: ctx.t(key).to_owned(),
        value,
        change: change(step, key),
    };
    let (y, m, d) = &draft.birth;
    let none = ctx.t("apply.check.none");
    let or_none = |v: &str| -> Markup {
        if v.trim().is_empty() {
            html! { (none) }
        } else {
            html! { (v.trim()) }
        }
    };
    let customer = [
        row(
            "apply.field.principal_full_name",
            html! { (draft.principal_full_name) },
            ApplyStep::CustomerName,
        ),
        row(
            "apply.field.principal_kana",
            html! { (draft.principal_kana) },
            ApplyStep::CustomerName,
        ),
        row(
            "apply.field.birth",
            html! {
                @match crate::domain::dates::typed_date(y, m, d) {
                    Ok(day) => (ctx.day(day)),
                    Err(_) => (format!("{y} {m} {d}")),
                }
            },
            ApplyStep::CustomerBirth,
        ),
        row(
            "apply.field.principal_address",
            lines(&draft.principal_address),
            ApplyStep::CustomerAddress,
        ),
        row(
            "apply.field.principal_member_number",
            or_none(&draft.principal_member_number),
            ApplyStep::CustomerContact,
        ),
        row(
            "apply.field.principal_email",
            or_none(&draft.principal_email),
            ApplyStep::CustomerContact,
        ),
    ];
    let scope_list = html! {
        ul .list {
            @for s in &draft.scope { li { (label(ctx, "scope", s)) } }
        }
    };
    let proxy = [
        row(
            "apply.field.proxy_full_name",
            html! { (draft.proxy_full_name) },
            ApplyStep::ProxyName,
        ),
        row(
            "apply.field.proxy_kana",
            html! { (draft.proxy_kana) },
            ApplyStep::ProxyName,
        ),
        row(
            "apply.field.relationship",
            html! { (label(ctx, "relationship", &draft.relationship)) },
            ApplyStep::Relationship,
        ),
        row(
            "apply.field.proxy_email",
            html! { (draft.proxy_email) },
            ApplyStep::ProxyContact,
        ),
        row(
            "apply.field.proxy_address",
            lines(&draft.proxy_address),
            ApplyStep::ProxyContact,
        ),
    ];
    let granted = [
        row("apply.field.scope", scope_list, ApplyStep::Scope),
        row(
            "apply.field.consent_method",
            html! { (label(ctx, "consent", &draft.consent_method)) },
            ApplyStep::Consent,
        ),
    ];
    let body = html! {
        (back_link(ctx, &paths::proxy::apply_step(ApplyStep::Declaration.slug())))
        (error_summary(ctx, errors))
        h1 .heading-l { (title) }
        h2 .heading-m { (ctx.t("apply.check.customer")) }
        (summary_list(ctx, &customer))
        h2 .heading-m { (ctx.t("apply.check.proxy")) }
        (summary_list(ctx, &proxy))
        h2 .heading-m { (ctx.t("apply.check.granted")) }
        (summary_list(ctx, &granted))
        h2 .heading-m { (ctx.t("apply.check.send_heading")) }
        p { (ctx.t("apply.check.send_lead")) }
        (form(ctx, paths::proxy::APPLY_CHECK, html! {
            (button(ctx.t("apply.check.send")))
        }))
    };
    render(ctx, Page::new(title, body).with_errors(errors.len()))
}

/// The confirmation page of the application.
pub fn apply_done(ctx: &PageContext, reference: &str, customer_email: bool) -> Markup {
    let title = ctx.t("apply.done.title");
    let body = html! {
        div .panel {
            h1 .panel__title { (title) }
            div .panel__body {
                (ctx.t("apply.done.reference")) br;
                strong .reference { (reference) }
            }
        }
        p { (ctx.t("apply.done.email")) }
        @if customer_email { p { (ctx.t("apply.done.customer_email")) } }
        h2 .heading-m { (ctx.t("apply.done.next_heading")) }
        ol .list .list--number {
            li { (ctx.t("apply.done.next_1")) }
            li { (ctx.t("apply.done.next_2")) }
            li { (ctx.t("apply.done.next_3")) }
        }
        p { (ctx.t("apply.done.keep_reference")) }
        (super::components::write_to_us(ctx, None))
        p { a href=(paths::public::HOME) { (ctx.t("apply.done.home")) } }
    };
    render(ctx, Page::new(title, body))
}

/// What was typed into the form that ends a registration.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct EndForm {
    /// The registration's reference.
    pub reference: String,
    /// The customer's name.
    pub name: String,
    /// The customer's date of birth: year.
    #[serde(rename = "birth-year")]
    pub birth_year: String,
    /// Month.
    #[serde(rename = "birth-month")]
    pub birth_month: String,
    /// Day.
    #[serde(rename = "birth-day")]
    pub birth_day: String,
    /// Anything else.
    pub note: String,
}

/// The form a customer uses to ask for a registration to end.
pub fn end_form(ctx: &PageContext, values: &EndForm, errors: &Errors) -> Markup {
    let title = ctx.t("end.title");
    let body = html! {
        (back_link(ctx, paths::proxy::APPLY))
        (error_summary(ctx, errors))
        h1 .heading-l { (title) }
        p .lead { (ctx.t("end.lead")) }
        p { (ctx.t("end.how")) }
        (form(ctx, paths::proxy::REVOKE, html! {
            (input(ctx, Input {
                name: "reference", label: ctx.t("end.field.reference"), hint: Some(ctx.t("end.hint.reference")),
                value: &values.reference, autocomplete: Some("off"), error: errors.message(ctx, "reference"),
                no_spellcheck: true, width: Some("width-20"), ..Default::default()
            }))
            (input(ctx, Input {
                name: "name", label: ctx.t("end.field.name"), hint: Some(ctx.t("end.hint.name")),
                value: &values.name, autocomplete: Some("name"), error: errors.message(ctx, "name"),
                no_spellcheck: true, ..Default::default()
            }))
            (date_input(ctx, "birth", ctx.t("end.field.birth"), Some(ctx.t("apply.hint.birth")),
                (&values.birth_year, &values.birth_month, &values.birth_day),
                errors.message(ctx, "birth").as_deref()))
            (textarea(ctx, "note", ctx.t("end.field.note"), Some(ctx.t("end.hint.note")), &values.note,
                errors.message(ctx, "note").as_deref()))
            (button(ctx.t("end.submit")))
        }))
        p { (ctx.t("end.no_phone")) }
        (super::components::write_to_us(ctx, None))
    };
    render(ctx, Page::new(title, body).with_errors(errors.len()))
}

/// The page after a request to end a registration. It says the same whether or not a
/// registration matched.
pub fn end_done(ctx: &PageContext, reference: &str) -> Markup {
    let title = ctx.t("end.done.title");
    let body = html! {
        div .panel {
            h1 .panel__title { (title) }
            div .panel__body {
                (ctx.t("end.done.reference")) br;
                strong .reference { (reference) }
            }
        }
        p { (ctx.t("end.done.next")) }
        p { (ctx.t("end.done.unmatched")) }
        p { a href=(paths::public::HOME) { (ctx.t("apply.done.home")) } }
    };
    render(ctx, Page::new(title, body))
}

/// One customer on the proxy's portal.
#[derive(Debug, Clone)]
pub struct CustomerCard {
    /// The registration.
    pub id: i64,
    /// Its reference.
    pub reference: String,
    /// The customer's name.
    pub customer: String,
    /// What the proxy may do.
    pub scopes: Vec<Scope>,
    /// Where it stands, as the proxy sees it: approved, expired, revoked...
    pub status: RegistrationStatus,
    /// Whether the proxy can act now.
    pub active: bool,
    /// Until when, written for people.
    pub until: Option<String>,
    /// Whether the proxy asked for renewal.
    pub renewal_requested: bool,
    /// Whether renewal can be asked for now.
    pub renewable: bool,
    /// Whether the proxy is asked how registering went (once, until answered).
    pub feedback: bool,
}

fn status_tag(ctx: &PageContext, status: RegistrationStatus, active: bool) -> Markup {
    let key = if status == RegistrationStatus::Approved && !active {
        "expired"
    } else {
        status.as_str()
    };
    html! { strong .tag .{ "tag--" (key) } { (label(ctx, "status", key)) } }
}

/// The label of a registration's scope: what the proxy may do, or, once it has ended, what
/// they were allowed to.
fn scope_key(ctx: &PageContext, card: &CustomerCard) -> String {
    ctx.t(if card.active {
        "portal.scope"
    } else {
        "portal.scope_ended"
    })
    .to_owned()
}

/// The portal's start: the customers a proxy acts for.
pub fn portal(ctx: &PageContext, cards: &[CustomerCard], notice: Option<&str>) -> Markup {
    let title = ctx.t("portal.title");
    let body = html! {
        @if let Some(notice) = notice {
            (notification_banner(ctx, Banner::Success, html! { p .banner__heading { (notice) } }))
        }
        h1 .heading-l { (title) }
        p .lead { (ctx.t("portal.lead")) }
        @if cards.is_empty() {
            p { (ctx.t("portal.none")) }
        }
        @for card in cards {
            div .card {
                h2 .heading-m {
                    a href=(paths::proxy::customer(card.id)) { (card.customer) }
                }
                (summary_list(ctx, &[
                    SummaryRow { key: ctx.t("portal.reference").to_owned(), value: html! { (card.reference) }, change: None },
                    SummaryRow { key: ctx.t("portal.status").to_owned(), value: status_tag(ctx, card.status, card.active), change: None },
                    SummaryRow { key: scope_key(ctx, card), value: html! {
                        ul .list { @for s in &card.scopes { li { (label(ctx, "scope", s.as_str())) } } }
                    }, change: None },
                    SummaryRow { key: ctx.t("portal.until").to_owned(), value: html! { (card.until.clone().unwrap_or_default()) }, change: None },
                ]))
            }
        }
        h2 .heading-m { (ctx.t("portal.another_heading")) }
        p { (ctx.t("portal.another")) " " a href=(paths::proxy::APPLY) { (ctx.t("portal.another_link")) } }
    };
    render(ctx, Page::new(title, body))
}

/// A session on the customer's page.
#[derive(Debug, Clone)]
pub struct SessionLine {
    /// Its id.
    pub id: i64,
    /// Its reference.
    pub reference: String,
    /// The kind of session.
    pub mode: String,
    /// When, written for people.
    pub when: String,
    /// Where it stands.
    pub status: String,
    /// Whether it can still be changed online.
    pub changeable: bool,
    /// Whether it has a written-chat room to go to.
    pub chat: bool,
}

/// One customer's page on the portal: what the proxy may do, the sessions they booked.
pub fn customer(
    ctx: &PageContext,
    card: &CustomerCard,
    sessions: &[SessionLine],
    requests: &[RequestLine],
    notice: Option<&str>,
) -> Markup {
    let title = card.customer.clone();
    let can_book = card.active && card.scopes.contains(&Scope::Book);
    let can_ask = card.active && card.scopes.contains(&Scope::Ask);
    let body = html! {
        (back_link(ctx, paths::proxy::HOME))
        @if let Some(notice) = notice {
            (notification_banner(ctx, Banner::Success, html! { p .banner__heading { (notice) } }))
        }
        span .caption { (ctx.t("portal.customer_caption")) }
        h1 .heading-l { (title) }
        @if !card.active {
            (notification_banner(ctx, Banner::Important, html! {
                p .banner__heading { (ctx.t("portal.not_active")) }
                p { (ctx.t("portal.not_active_body")) }
            }))
        }
        (summary_list(ctx, &[
            SummaryRow { key: ctx.t("portal.reference").to_owned(), value: html! { (card.reference) }, change: None },
            SummaryRow { key: ctx.t("portal.status").to_owned(), value: status_tag(ctx, card.status, card.active), change: None },
            SummaryRow { key: scope_key(ctx, card), value: html! {
                ul .list { @for s in &card.scopes { li { (label(ctx, "scope", s.as_str())) } } }
            }, change: None },
            SummaryRow { key: ctx.t("portal.until").to_owned(), value: html! { (card.until.clone().unwrap_or_default()) }, change: None },
        ]))
        @if card.feedback {
            (super::feedback::offer(ctx, &paths::feedback::proxy(card.id, "registration")))
        }
        @if card.active { h2 .heading-m { (ctx.t("portal.do_heading")) } }
        @if can_book {
            (form(ctx, &paths::proxy::customer_book(card.id), html! {
                (button(ctx.t("portal.book")))
            }))
        } @else if card.active {
            p { (ctx.t("portal.book_not_granted")) }
        }
        @if can_ask {
            (form(ctx, &paths::proxy::ask(card.id), html! {
                (secondary_button(ctx.t("portal.ask")))
            }))
        } @else if card.active {
            p { (ctx.t("portal.ask_not_granted")) }
        }
        @if card.active && card.scopes.contains(&Scope::Procedures) {
            p { (ctx.t("portal.other_scopes")) }
            (super::components::write_to_us(ctx, None))
        }
        @if can_ask {
            h2 .heading-m { (ctx.t("portal.requests_heading")) }
            @if requests.is_empty() {
                p { (ctx.t("portal.no_requests")) }
            } @else {
                ul .list {
                    @for q in requests {
                        li {
                            a href=(paths::proxy::request(card.id, q.id)) { (q.reference) ": " (q.topic) }
                            " " strong .tag { (q.status) }
                            br; span .muted { (ctx.tf("portal.request_sent_at", &[("time", &ctx.datetime(q.sent_at))])) }
                        }
                    }
                }
            }
        }
        @if !card.active {
            p { (ctx.t("portal.handed_over")) }
        } @else {
            h2 .heading-m { (ctx.t("portal.sessions_heading")) }
            @if sessions.is_empty() {
                p { (ctx.t("portal.no_sessions")) }
            } @else {
                div .table-wrap role="region" aria-labelledby="sessions-caption" tabindex="0" {
                    table .table {
                        caption #sessions-caption .table__caption { (ctx.tf("portal.sessions_caption", &[("customer", &card.customer)])) }
                        thead { tr {
                            th scope="col" { (ctx.t("portal.session_when")) }
                            th scope="col" { (ctx.t("portal.session_mode")) }
                            th scope="col" { (ctx.t("portal.reference")) }
                            th scope="col" { (ctx.t("portal.session_status")) }
                            th scope="col" { span .visually-hidden { (ctx.t("portal.session_actions")) } }
                        } }
                        tbody {
                            @for s in sessions {
                                tr {
                                    td { (s.when) }
                                    td { (s.mode) }
                                    td .nowrap { (s.reference) }
                                    td { (ctx.t(&format!("booking_status.{}", s.status))) }
                                    td {
                                        @if s.changeable {
                                            (form(ctx, &paths::proxy::customer_session(card.id, s.id), html! {
                                                button .button .button--secondary .button--small type="submit" {
                                                    (ctx.t("portal.manage")) span .visually-hidden { " " (s.reference) }
                                                }
                                            }))
                                        }
                                        @if s.chat {
                                            (form(ctx, &paths::proxy::customer_session_chat(card.id, s.id), html! {
                                                button .button .button--secondary .button--small type="submit" {
                                                    (ctx.t("portal.chat")) span .visually-hidden { " " (s.reference) }
                                                }
                                            }))
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        @if card.renewable && !card.renewal_requested {
            h2 .heading-m { (ctx.t("portal.renew_heading")) }
            p { (ctx.t("portal.renew_body")) }
            (form(ctx, &paths::proxy::renew(card.id), html! {
                (button(ctx.t("portal.renew")))
            }))
        } @else if card.renewal_requested {
            p { (ctx.t("portal.renewal_requested")) }
        }
        @if card.active {
            h2 .heading-m { (ctx.t("portal.step_down_heading")) }
            p { a href=(paths::proxy::step_down(card.id)) { (ctx.t("portal.step_down_link")) } }
        }
    };
    render(ctx, Page::new(title, body))
}

/// One request a proxy sent for the customer, as their page lists it.
#[derive(Debug, Clone)]
pub struct RequestLine {
    /// Its id.
    pub id: i64,
    /// Its reference.
    pub reference: String,
    /// What it is about, written out.
    pub topic: String,
    /// Where it stands, written out.
    pub status: String,
    /// When it was sent.
    pub sent_at: time::OffsetDateTime,
}

/// The page that asks a proxy to confirm they are stepping down.
pub fn step_down(ctx: &PageContext, card: &CustomerCard) -> Markup {
    let title = ctx.tf("portal.step_down_title", &[("customer", &card.customer)]);
    let body = html! {
        (back_link(ctx, &paths::proxy::customer(card.id)))
        h1 .heading-l { (title) }
        p { (ctx.t("portal.step_down_body")) }
        p { (ctx.t("portal.step_down_emails")) }
        form method="post" action=(paths::proxy::step_down(card.id)) novalidate data-destructive {
            (super::components::csrf_field(ctx))
            (warning_button(ctx.t("portal.step_down_confirm")))
        }
        p { a href=(paths::proxy::customer(card.id)) { (ctx.t("portal.step_down_cancel")) } }
    };
    render(ctx, Page::new(title, body))
}

/// The page a proxy meets when they may not do what they asked.
pub fn refused(ctx: &PageContext, heading_key: &str, body_key: &str, back: &str) -> Markup {
    let title = ctx.t(heading_key);
    let body = html! {
        h1 .heading-l { (title) }
        p { (ctx.t(body_key)) }
        p { a href=(back) { (ctx.t("portal.back_to_customers")) } }
    };
    render(ctx, Page::new(title, body))
}
