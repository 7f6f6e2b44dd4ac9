//! Staff pages: sign-in, first-run setup, the dashboard, one's password, accounts, audit log.

use super::PageContext;
use super::components::{
    Banner, Choice, ChoiceGroup, Errors, Input, SummaryRow, button, choices, error_summary, form,
    input, notification_banner, secondary_button, summary_list,
};
use super::layout::{Page, render};
use crate::domain::{AuditAction, Lang, Permission, Role};
use crate::paths;
use maud::{Markup, html};
use serde::Deserialize;
use time::OffsetDateTime;

/// What was typed into a staff account form.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct StaffForm {
    /// Email address.
    pub email: String,
    /// Full name.
    pub full_name: String,
    /// Display name.
    pub display_name: String,
    /// Role name.
    pub role: String,
    /// Initial password.
    pub password: String,
    /// The same password again.
    pub password_confirm: String,
}

fn role_choices(ctx: &PageContext) -> Vec<Choice<'static>> {
    Role::ALL
        .iter()
        .map(|role| Choice {
            value: role.as_str(),
            label: ctx.t(&format!("role.{}", role.as_str())).to_owned(),
            hint: Some(ctx.t(&format!("role.{}.hint", role.as_str())).to_owned()),
        })
        .collect()
}

fn identity_fields(ctx: &PageContext, values: &StaffForm, errors: &Errors) -> Markup {
    html! {
        (input(ctx, Input {
            name: "email", label: ctx.t("field.email"), hint: Some(ctx.t("staff_form.email_hint")), value: &values.email,
            kind: "email", autocomplete: Some("off"), error: errors.message(ctx, "email"), no_spellcheck: true,
            ..Default::default()
        }))
        (input(ctx, Input {
            name: "full_name", label: ctx.t("field.full_name"), hint: Some(ctx.t("staff_form.full_name_hint")),
            value: &values.full_name, autocomplete: Some("off"), error: errors.message(ctx, "full_name"),
            no_spellcheck: true, ..Default::default()
        }))
        (display_name_field(ctx, values, errors))
    }
}

fn display_name_field(ctx: &PageContext, values: &StaffForm, errors: &Errors) -> Markup {
    input(
        ctx,
        Input {
            name: "display_name",
            label: ctx.t("field.display_name"),
            hint: Some(ctx.t("staff_form.display_name_hint")),
            value: &values.display_name,
            autocomplete: Some("off"),
            error: errors.message(ctx, "display_name"),
            no_spellcheck: true,
            width: Some("width-20"),
            ..Default::default()
        },
    )
}

pub(crate) fn new_password_fields(
    ctx: &PageContext,
    errors: &Errors,
    name: &'static str,
    confirm: &'static str,
) -> Markup {
    let min = crate::domain::Password::MIN_CHARS.to_string();
    html! {
        (input(ctx, Input {
            name, label: ctx.t(&format!("field.{name}")), hint: Some(&ctx.tf("password.hint", &[("min", &min)])),
            kind: "password", autocomplete: Some("new-password"), error: errors.message(ctx, name),
            ..Default::default()
        }))
        (input(ctx, Input {
            name: confirm, label: ctx.t(&format!("field.{confirm}")), kind: "password",
            autocomplete: Some("new-password"), error: errors.message(ctx, confirm), ..Default::default()
        }))
    }
}

/// The first-run page that creates the first admin.
pub fn setup(ctx: &PageContext, action: &str, values: &StaffForm, errors: &Errors) -> Markup {
    let body = html! {
        (error_summary(ctx, errors))
        h1 .heading-l { (ctx.t("setup.title")) }
        p { (ctx.t("setup.lead")) }
        (form(ctx, action, html! {
            (identity_fields(ctx, values, errors))
            (new_password_fields(ctx, errors, "password", "password_confirm"))
            (button(ctx.t("setup.submit")))
        }))
    };
    render(
        ctx,
        Page::new(ctx.t("setup.title"), body).with_errors(errors.len()),
    )
}

/// The staff dashboard: what this role can do here.
pub fn dashboard(
    ctx: &PageContext,
    display_name: &str,
    role: Role,
    figures: &[(u64, &str, String)],
    calls: &[super::incidents::CallLine],
) -> Markup {
    let areas = [
        (
            Permission::ManageStaff,
            paths::staff::USERS,
            "dashboard.staff_users",
            "dashboard.staff_users_hint",
        ),
        (
            Permission::ViewAudit,
            paths::staff::AUDIT,
            "dashboard.audit",
            "dashboard.audit_hint",
        ),
        (
            Permission::ViewOutbox,
            paths::staff::OUTBOX,
            "dashboard.outbox",
            "dashboard.outbox_hint",
        ),
        (
            Permission::HandleRequests,
            paths::staff::REQUESTS,
            "dashboard.requests",
            "dashboard.requests_hint",
        ),
        (
            Permission::VerifyProxies,
            paths::staff::PROXIES,
            "dashboard.proxies",
            "dashboard.proxies_hint",
        ),
        (
            Permission::ManageSchedule,
            paths::staff::SCHEDULE,
            "schedule.dashboard.board",
            "schedule.dashboard.board_hint",
        ),
        (
            Permission::ManageSchedule,
            paths::staff::INTERPRETERS,
            "schedule.dashboard.interpreters",
            "schedule.dashboard.interpreters_hint",
        ),
        (
            Permission::ManageOwnSessions,
            paths::staff::MY_SESSIONS,
            "schedule.dashboard.mine",
            "schedule.dashboard.mine_hint",
        ),
        (
            Permission::ManageOwnSessions,
            paths::staff::AVAILABILITY,
            "schedule.dashboard.availability",
            "schedule.dashboard.availability_hint",
        ),
        (
            Permission::ManageDeskSettings,
            paths::staff::SETTINGS_SESSIONS,
            "schedule.dashboard.settings",
            "schedule.dashboard.settings_hint",
        ),
        (
            Permission::ManageDeskSettings,
            paths::staff::SETTINGS_PROXIES,
            "dashboard.proxy_settings",
            "dashboard.proxy_settings_hint",
        ),
        (
            Permission::ManageDeskSettings,
            paths::staff::SETTINGS_REQUESTS,
            "dashboard.request_settings",
            "dashboard.request_settings_hint",
        ),
        (
            Permission::ManageDeskSettings,
            paths::staff::SETTINGS_CONTACT,
            "dashboard.contact_settings",
            "dashboard.contact_settings_hint",
        ),
        (
            Permission::ManageDeskSettings,
            paths::staff::SETTINGS_INCIDENTS,
            "dashboard.incident_settings",
            "dashboard.incident_settings_hint",
        ),
        (
            Permission::HandleIncidents,
            paths::staff::INCIDENTS,
            "dashboard.incidents",
            "dashboard.incidents_hint",
        ),
        (
            Permission::HandleIncidents,
            paths::staff::INCIDENT_SIGNALS,
            "dashboard.signals",
            "dashboard.signals_hint",
        ),
        (
            Permission::ReportIncidents,
            paths::staff::INCIDENTS_MINE,
            "dashboard.my_incidents",
            "dashboard.my_incidents_hint",
        ),
        (
            Permission::TriageFeedback,
            paths::feedback::CASES,
            "improvements.dashboard",
            "improvements.dashboard_hint",
        ),
        (
            Permission::ViewDashboard,
            paths::staff::PHRASES,
            "dashboard.phrases",
            "dashboard.phrases_hint",
        ),
        (
            Permission::ChangeOwnPassword,
            paths::staff::PASSWORD,
            "dashboard.password",
            "dashboard.password_hint",
        ),
    ];
    let body = html! {
        (super::incidents::calls_banner(ctx, calls))
        h1 .heading-l { (ctx.tf("dashboard.title", &[("name", display_name)])) }
        p { (ctx.tf("dashboard.role", &[("role", ctx.t(&format!("role.{}", role.as_str())))])) }
        @if !figures.is_empty() {
            h2 .heading-m { (ctx.t("dashboard.today")) }
            ul .stat-list {
                @for (number, key, href) in figures {
                    li .stat { span .stat__number { (number) } a href=(href) { (ctx.t(key)) } }
                }
            }
        }
        h2 .heading-m { (ctx.t("dashboard.areas")) }
        ul .card-list {
            @for (permission, href, title, hint) in areas {
                @if role.may(permission) {
                    li .card {
                        h3 .heading-s { a href=(href) { (ctx.t(title)) } }
                        p { (ctx.t(hint)) }
                    }
                }
            }
        }
    };
    render(ctx, Page::new(ctx.t("dashboard.page_title"), body))
}

/// The form to change one's own password.
pub fn password(ctx: &PageContext, errors: &Errors, changed: bool) -> Markup {
    let body = html! {
        @if changed {
            (notification_banner(ctx, Banner::Success, html! { p .banner__heading { (ctx.t("password.changed")) } }))
        }
        (error_summary(ctx, errors))
        h1 .heading-l { (ctx.t("password.title")) }
        p { (ctx.t("password.lead")) }
        (form(ctx, paths::staff::PASSWORD, html! {
            (input(ctx, Input {
                name: "current_password", label: ctx.t("field.current_password"), kind: "password",
                autocomplete: Some("current-password"), error: errors.message(ctx, "current_password"),
                ..Default::default()
            }))
            (new_password_fields(ctx, errors, "new_password", "new_password_confirm"))
            (button(ctx.t("password.submit")))
        }))
    };
    render(
        ctx,
        Page::new(ctx.t("password.title"), body).with_errors(errors.len()),
    )
}

/// One staff account as the list shows it.
#[derive(Debug, Clone)]
pub struct StaffRow {
    /// Account id.
    pub id: i64,
    /// Email.
    pub email: String,
    /// Full name.
    pub full_name: String,
    /// Display name.
    pub display_name: String,
    /// Role.
    pub role: Option<Role>,
    /// Whether it can sign in.
    pub active: bool,
    /// Whether it still waits for its holder to choose a password from the invitation.
    pub invited: bool,
}

fn role_label(ctx: &PageContext, role: Option<Role>) -> String {
    match role {
        Some(role) => ctx.t(&format!("role.{}", role.as_str())).to_owned(),
        None => ctx.t("role.unknown").to_owned(),
    }
}

/// The list of staff accounts.
pub fn users(ctx: &PageContext, rows: &[StaffRow], notice: Option<&str>) -> Markup {
    let body = html! {
        @if let Some(notice) = notice {
            (notification_banner(ctx, Banner::Success, html! { p .banner__heading { (notice) } }))
        }
        h1 .heading-l { (ctx.t("users.title")) }
        p { a .button href=(paths::staff::USER_NEW) { (ctx.t("users.create")) } }
        div .table-wrap role="region" aria-labelledby="users-caption" tabindex="0" {
            table .table {
                caption #users-caption .table__caption { (ctx.tf("users.caption", &[("count", &rows.len().to_string())])) }
                thead { tr {
                    th scope="col" { (ctx.t("field.display_name")) }
                    th scope="col" { (ctx.t("field.full_name")) }
                    th scope="col" { (ctx.t("field.email")) }
                    th scope="col" { (ctx.t("field.role")) }
                    th scope="col" { (ctx.t("users.status")) }
                } }
                tbody {
                    @for row in rows {
                        tr {
                            td { a href=(paths::staff::user(row.id)) { (row.display_name) } }
                            td { (row.full_name) }
                            td .break-anywhere { (row.email) }
                            td { (role_label(ctx, row.role)) }
                            td {
                                @if !row.active { strong .tag .tag--grey { (ctx.t("users.inactive")) } }
                                @else if row.invited { strong .tag .tag--blue { (ctx.t("users.invited")) } }
                                @else { (ctx.t("users.active")) }
                            }
                        }
                    }
                }
            }
        }
    };
    render(ctx, Page::new(ctx.t("users.title"), body))
}

/// The form to create a staff account.
pub fn user_new(ctx: &PageContext, values: &StaffForm, errors: &Errors) -> Markup {
    let body = html! {
        (super::components::back_link(ctx, paths::staff::USERS))
        (error_summary(ctx, errors))
        h1 .heading-l { (ctx.t("users.new_title")) }
        (form(ctx, paths::staff::USER_NEW, html! {
            (identity_fields(ctx, values, errors))
            (choices(ctx, ChoiceGroup {
                name: "role", legend: ctx.t("field.role"), legend_is_heading: false, hint: None,
                choices: role_choices(ctx), selected: vec![values.role.as_str()],
                error: errors.message(ctx, "role"), multiple: false,
            }))
            p { (ctx.t("users.new_invitation_lead")) }
            (button(ctx.t("users.create_submit")))
        }))
    };
    render(
        ctx,
        Page::new(ctx.t("users.new_title"), body).with_errors(errors.len()),
    )
}

/// The page to edit one account, with deactivation.
pub fn user_edit(
    ctx: &PageContext,
    user: &StaffRow,
    values: &StaffForm,
    errors: &Errors,
    notice: Option<&str>,
) -> Markup {
    let title = ctx.tf("users.edit_title", &[("name", &user.display_name)]);
    let body = html! {
        (super::components::back_link(ctx, paths::staff::USERS))
        @if let Some(notice) = notice {
            (notification_banner(ctx, Banner::Success, html! { p .banner__heading { (notice) } }))
        }
        (error_summary(ctx, errors))
        h1 .heading-l { (title) }
        (summary_list(ctx, &[
            SummaryRow { key: ctx.t("field.email").to_owned(), value: html! { (user.email) }, change: None },
            SummaryRow { key: ctx.t("field.full_name").to_owned(), value: html! { (user.full_name) }, change: None },
            SummaryRow {
                key: ctx.t("users.status").to_owned(),
                value: html! {
                    @if !user.active { (ctx.t("users.inactive")) }
                    @else if user.invited { (ctx.t("users.invited")) }
                    @else { (ctx.t("users.active")) }
                },
                change: None,
            },
        ]))
        h2 .heading-m { (ctx.t("users.edit_heading")) }
        (form(ctx, &paths::staff::user(user.id), html! {
            (display_name_field(ctx, values, errors))
            (choices(ctx, ChoiceGroup {
                name: "role", legend: ctx.t("field.role"), legend_is_heading: false, hint: None,
                choices: role_choices(ctx), selected: vec![values.role.as_str()],
                error: errors.message(ctx, "role"), multiple: false,
            }))
            (button(ctx.t("users.save")))
        }))
        @if user.active && user.invited {
            h2 .heading-m { (ctx.t("users.reinvite_heading")) }
            p { (ctx.t("users.reinvite_lead")) }
            (form(ctx, &paths::staff::user_invite(user.id), secondary_button(ctx.t("users.reinvite"))))
        }
        @if user.active {
            h2 .heading-m { (ctx.t("users.deactivate_heading")) }
            p { (ctx.t("users.deactivate_lead")) }
            @if let Some(problem) = errors.message(ctx, "deactivate") {
                p .error-message #deactivate-error { span .visually-hidden { (ctx.t("error.prefix")) } (problem) }
            }
            (form(ctx, &paths::staff::user_deactivate(user.id), html! {
                button #deactivate .button .button--warning type="submit" aria-describedby=[errors.message(ctx, "deactivate").map(|_| "deactivate-error")] {
                    (ctx.t("users.deactivate"))
                }
            }))
        } @else {
            h2 .heading-m { (ctx.t("users.reactivate_heading")) }
            p { (ctx.t("users.reactivate_lead")) }
            (form(ctx, &paths::staff::user_reactivate(user.id), secondary_button(ctx.t("users.reactivate"))))
        }
    };
    render(ctx, Page::new(title, body).with_errors(errors.len()))
}

/// What the audit filter form holds, as typed.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct AuditQuery {
    /// Staff id of the actor, or empty.
    pub actor: String,
    /// Action name, or empty.
    pub action: String,
    /// First day, `YYYY-MM-DD`, or empty.
    pub from: String,
    /// Last day, `YYYY-MM-DD`, or empty.
    pub to: String,
    /// Page number.
    pub page: String,
}

/// One audit row as shown.
#[derive(Debug, Clone)]
pub struct AuditRow {
    /// When it happened.
    pub at: OffsetDateTime,
    /// Who did it, as staff know them.
    pub actor: Option<String>,
    /// In which role.
    pub role: Option<Role>,
    /// What happened.
    pub action: String,
    /// What it was about, such as "staff_user 3".
    pub target: Option<String>,
    /// Particulars, as label and value.
    pub details: Vec<(String, String)>,
    /// From which address.
    pub ip: Option<String>,
}

/// One page of the audit log, with its filter.
pub struct AuditView<'a> {
    /// The filter as typed.
    pub query: &'a AuditQuery,
    /// Problems with the filter.
    pub errors: &'a Errors,
    /// Staff to filter by: id and label.
    pub actors: &'a [(i64, String)],
    /// The rows on this page.
    pub rows: &'a [AuditRow],
    /// How many rows match in all.
    pub total: u64,
    /// This page's number, from 1.
    pub page: u64,
    /// How many pages there are.
    pub pages: u64,
}

/// The audit log page.
pub fn audit(ctx: &PageContext, view: AuditView<'_>) -> Markup {
    let AuditView {
        query,
        errors,
        actors,
        rows,
        total,
        page,
        pages,
    } = view;
    let page_link = |n: u64| {
        format!(
            "{}?actor={}&action={}&from={}&to={}&page={n}",
            paths::staff::AUDIT,
            super::layout::encode(&query.actor),
            super::layout::encode(&query.action),
            super::layout::encode(&query.from),
            super::layout::encode(&query.to)
        )
    };
    let body = html! {
        (error_summary(ctx, errors))
        h1 .heading-l { (ctx.t("audit.title")) }
        form .filter method="get" action=(paths::staff::AUDIT) {
            div .filter__row {
                div .form-group {
                    label .label for="actor" { (ctx.t("audit.actor")) }
                    select .select #actor name="actor" {
                        option value="" { (ctx.t("audit.anyone")) }
                        @for (id, name) in actors {
                            option value=(id) selected[query.actor == id.to_string()] { (name) }
                        }
                    }
                }
                div .form-group {
                    label .label for="action" { (ctx.t("audit.action")) }
                    select .select #action name="action" {
                        option value="" { (ctx.t("audit.any_action")) }
                        @for action in AuditAction::ALL {
                            option value=(action.as_str()) selected[query.action == action.as_str()] { (ctx.t(&format!("audit.{}", action.as_str()))) }
                        }
                    }
                }
                @for (name, label) in [("from", "audit.from"), ("to", "audit.to")] {
                    @let error = errors.message(ctx, name);
                    @let described = if error.is_some() { format!("{name}-hint {name}-error") } else { format!("{name}-hint") };
                    div .form-group .form-group--error[error.is_some()] {
                        label .label for=(name) { (ctx.t(label)) }
                        div .hint #{ (name) "-hint" } { (ctx.t("audit.date_hint")) }
                        @if let Some(error) = &error {
                            p .error-message #{ (name) "-error" } { span .visually-hidden { (ctx.t("error.prefix")) } (error) }
                        }
                        // Plain text, not a date control, so a mistyped date is shown again as typed.
                        input .input .width-10 type="text" inputmode="numeric" autocomplete="off" id=(name) name=(name)
                            value=(if name == "from" { &query.from } else { &query.to })
                            aria-describedby=(described);
                    }
                }
            }
            (secondary_button(ctx.t("audit.filter")))
        }
        p { (ctx.tn("audit.count", total, &[])) }
        @if !rows.is_empty() {
            div .table-wrap role="region" aria-labelledby="audit-caption" tabindex="0" {
                table .table {
                    caption #audit-caption .table__caption { (ctx.tf("audit.caption", &[("page", &page.to_string()), ("pages", &pages.to_string())])) }
                    thead { tr {
                        th scope="col" { (ctx.t("audit.when")) }
                        th scope="col" { (ctx.t("audit.actor")) }
                        th scope="col" { (ctx.t("audit.action")) }
                        th scope="col" { (ctx.t("audit.target")) }
                        th scope="col" { (ctx.t("audit.detail")) }
                        th scope="col" { (ctx.t("audit.address")) }
                    } }
                    tbody {
                        @for row in rows {
                            tr {
                                td .nowrap { (ctx.datetime(row.at)) }
                                td {
                                    (row.actor.clone().unwrap_or_else(|| ctx.t("audit.no_actor").to_owned()))
                                    @if let Some(role) = row.role { br; span .muted { (role_label(ctx, Some(role))) } }
                                }
                                td { (ctx.t(&format!("audit.{}", row.action))) }
                                td { (row.target.clone().unwrap_or_default()) }
                                td .break-anywhere {
                                    @if !row.details.is_empty() {
                                        ul .audit-detail {
                                            @for (label, value) in &row.details {
                                                li {
                                                    @if !label.is_empty() { span .audit-detail__label { (label) ": " } }
                                                    (value)
                                                }
                                            }
                                        }
                                    }
                                }
                                td { (row.ip.clone().unwrap_or_default()) }
                            }
                        }
                    }
                }
            }
        }
        @if pages > 1 {
            nav .pagination aria-label=(ctx.t("pagination.label")) {
                ul {
                    @if page > 1 { li { a href=(page_link(page - 1)) rel="prev" { (ctx.t("pagination.previous")) } } }
                    li { (ctx.tf("pagination.position", &[("page", &page.to_string()), ("pages", &pages.to_string())])) }
                    @if page < pages { li { a href=(page_link(page + 1)) rel="next" { (ctx.t("pagination.next")) } } }
                }
            }
        }
    };
    render(
        ctx,
        Page::new(ctx.t("audit.title"), body).with_errors(errors.len()),
    )
}

/// One outbox row as staff see it.
#[derive(Debug, Clone)]
pub struct OutboxRow {
    /// Row id.
    pub id: i64,
    /// When it was written.
    pub created_at: OffsetDateTime,
    /// What kind of email.
    pub kind: String,
    /// To whom.
    pub recipient: String,
    /// Its subject.
    pub subject: String,
    /// The language it is written in, which its subject is marked with.
    pub lang: Lang,
    /// Attempts so far.
    pub attempts: i32,
    /// The last error, if any.
    pub last_error: Option<String>,
    /// The next attempt (pending) or when it was sent.
    pub when: Option<OffsetDateTime>,
}

/// The outbox page: one state at a time, with counts for each.
pub fn outbox(
    ctx: &PageContext,
    state: &str,
    counts: &[(&str, u64)],
    rows: &[OutboxRow],
    notice: Option<&str>,
) -> Markup {
    let when_heading = if state == "sent" {
        "outbox.sent_at"
    } else {
        "outbox.next_attempt"
    };
    let body = html! {
        @if let Some(notice) = notice {
            (notification_banner(ctx, Banner::Success, html! { p .banner__heading { (notice) } }))
        }
        h1 .heading-l { (ctx.t("outbox.title")) }
        p { (ctx.t("outbox.lead")) }
        nav .tabs aria-label=(ctx.t("outbox.states")) {
            ul .tabs__list {
                @for (name, count) in counts {
                    li .tabs__item {
                        a href={ (paths::staff::OUTBOX) "?status=" (name) } aria-current=[(*name == state).then_some("page")] {
                            (ctx.t(&format!("outbox.state_{name}"))) " (" (count) ")"
                        }
                    }
                }
            }
        }
        @if rows.is_empty() {
            p { (ctx.t("outbox.empty")) }
        } @else {
            div .table-wrap role="region" aria-labelledby="outbox-caption" tabindex="0" {
                table .table {
                    caption #outbox-caption .table__caption { (ctx.t(&format!("outbox.state_{state}"))) }
                    thead { tr {
                        th scope="col" { (ctx.t("outbox.created")) }
                        th scope="col" { (ctx.t("outbox.recipient")) }
                        th scope="col" { (ctx.t("outbox.subject")) }
                        th scope="col" { (ctx.t("outbox.attempts")) }
                        th scope="col" { (ctx.t(when_heading)) }
                        th scope="col" { (ctx.t("outbox.last_error")) }
                        @if state != "sent" { th scope="col" { span .visually-hidden { (ctx.t("outbox.actions")) } } }
                    } }
                    tbody {
                        @for row in rows {
                            tr {
                                td .nowrap { (ctx.datetime(row.created_at)) }
                                td .break-anywhere { (row.recipient) }
                                td { span lang=(row.lang.code()) { (row.subject) } br; span .muted { (row.kind) } }
                                td { (row.attempts) }
                                td .nowrap { @if let Some(when) = row.when { (ctx.datetime(when)) } }
                                td .break-anywhere { (row.last_error.clone().unwrap_or_default()) }
                                @if state != "sent" {
                                    td {
                                        (form(ctx, &paths::staff::outbox_retry(row.id), html! {
                                            button .button .button--secondary .button--small type="submit" {
                                                (ctx.t("outbox.retry")) span .visually-hidden { " " (row.recipient) }
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
    };
    render(ctx, Page::new(ctx.t("outbox.title"), body))
}
