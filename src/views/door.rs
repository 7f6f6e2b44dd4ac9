//! The doors to an account, the same for staff and proxies: signing in, asking for a
//! password reset link, choosing a password from an emailed link, and the page for a link
//! that no longer works. Each door has its own addresses and, where they differ, its own
//! words.

use super::PageContext;
use super::components::{Errors, Input, button, error_summary, form, input};
use super::layout::{Page, render};
use maud::{Markup, html};
use serde::Deserialize;

/// Whose door: staff (`/staff/...`) or proxies (`/proxy/...`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Door {
    /// Desk staff.
    Staff,
    /// Proxies acting for customers.
    Proxy,
}

impl Door {
    /// An address behind this door, such as `/proxy/login`.
    pub fn path(self, tail: &str) -> String {
        match self {
            Door::Staff => format!("/staff{tail}"),
            Door::Proxy => format!("/proxy{tail}"),
        }
    }

    /// The catalogue key of a sentence, where the two doors say different things.
    pub fn key(self, key: &'static str) -> &'static str {
        match (self, key) {
            (Door::Staff, key) => key,
            (Door::Proxy, "login.title") => "proxy_door.login_title",
            (Door::Proxy, "login.lead") => "proxy_door.login_lead",
            (Door::Proxy, "forgot.lead") => "proxy_door.forgot_lead",
            (Door::Proxy, "forgot.sent_body") => "proxy_door.forgot_sent_body",
            (Door::Proxy, "forgot.sent_spam") => "proxy_door.forgot_sent_spam",
            (Door::Proxy, "links.gone_body") => "proxy_door.links_gone_body",
            (Door::Proxy, key) => key,
        }
    }
}

/// What was typed into the sign-in form.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct LoginForm {
    /// The email typed.
    pub email: String,
    /// The password typed; never shown again.
    pub password: String,
    /// Where to go after signing in.
    pub next: String,
}

/// The sign-in page. `notice` carries a lock-out message or a "signed out" banner.
pub fn login(
    ctx: &PageContext,
    door: Door,
    form_values: &LoginForm,
    errors: &Errors,
    notice: Option<Markup>,
) -> Markup {
    let title = ctx.t(door.key("login.title"));
    let body = html! {
        @if let Some(notice) = notice { (notice) }
        (error_summary(ctx, errors))
        h1 .heading-l { (title) }
        p { (ctx.t(door.key("login.lead"))) }
        (form(ctx, &door.path("/login"), html! {
            input type="hidden" name="next" value=(form_values.next);
            (input(ctx, Input {
                name: "email", label: ctx.t("field.email"), value: &form_values.email, kind: "email",
                autocomplete: Some("username"), error: errors.message(ctx, "email"), no_spellcheck: true,
                ..Default::default()
            }))
            (input(ctx, Input {
                name: "password", label: ctx.t("field.password"), value: "", kind: "password",
                autocomplete: Some("current-password"), error: errors.message(ctx, "password"),
                ..Default::default()
            }))
            (button(ctx.t("login.submit")))
        }))
        p { a href=(door.path("/forgot")) { (ctx.t("login.forgot_link")) } }
    };
    render(ctx, Page::new(title, body).with_errors(errors.len()))
}

/// What was typed into the "forgot your password" form.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ForgotForm {
    /// The email typed.
    pub email: String,
}

/// The "forgot your password" form.
pub fn forgot(ctx: &PageContext, door: Door, values: &ForgotForm, errors: &Errors) -> Markup {
    let body = html! {
        (super::components::back_link(ctx, &door.path("/login")))
        (error_summary(ctx, errors))
        h1 .heading-l { (ctx.t("forgot.title")) }
        p { (ctx.t(door.key("forgot.lead"))) }
        (form(ctx, &door.path("/forgot"), html! {
            (input(ctx, Input {
                name: "email", label: ctx.t("field.email"), value: &values.email, kind: "email",
                autocomplete: Some("username"), error: errors.message(ctx, "email"), no_spellcheck: true,
                ..Default::default()
            }))
            (button(ctx.t("forgot.submit")))
        }))
    };
    render(
        ctx,
        Page::new(ctx.t("forgot.title"), body).with_errors(errors.len()),
    )
}

/// The same answer whether or not an account uses the address.
pub fn forgot_sent(ctx: &PageContext, door: Door, email: &str) -> Markup {
    let body = html! {
        h1 .heading-l { (ctx.t("forgot.sent_title")) }
        p { (ctx.tf(door.key("forgot.sent_body"), &[("email", email)])) }
        p { (ctx.t(door.key("forgot.sent_spam"))) }
        @if door == Door::Proxy {
            (super::components::write_to_us(ctx, None))
        }
        p { a href=(door.path("/login")) { (ctx.t("forgot.back_to_login")) } }
    };
    render(ctx, Page::new(ctx.t("forgot.sent_title"), body))
}

/// The page where someone chooses a password from an emailed link.
pub fn choose_password(
    ctx: &PageContext,
    action: &str,
    title_key: &str,
    lead: &str,
    errors: &Errors,
) -> Markup {
    let title = ctx.t(title_key).to_owned();
    let body = html! {
        (error_summary(ctx, errors))
        h1 .heading-l { (title) }
        p { (lead) }
        (form(ctx, action, html! {
            (super::staff::new_password_fields(ctx, errors, "new_password", "new_password_confirm"))
            (button(ctx.t("links.save_password")))
        }))
    };
    render(ctx, Page::new(title, body).with_errors(errors.len()))
}

/// The page for a link that was used, expired, or never existed.
pub fn link_gone(ctx: &PageContext, door: Door) -> Markup {
    let body = html! {
        h1 .heading-l { (ctx.t("links.gone_title")) }
        p { (ctx.t(door.key("links.gone_body"))) }
        p { a href=(door.path("/forgot")) { (ctx.t("links.gone_forgot")) } }
    };
    render(ctx, Page::new(ctx.t("links.gone_title"), body))
}
