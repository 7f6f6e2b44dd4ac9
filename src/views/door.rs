//! The doors to an account, the same for staff and proxies: signing in, asking for a
//! password reset link, choosing a password from an emailed link, and the page for a link
//! that no longer works. Each realm's door has its own addresses and, where they differ,
//! its own words.

use super::PageContext;
use super::components::{Errors, Input, button, error_summary, form, input};
use super::layout::{Page, render};
use crate::domain::{LinkPurpose, Realm};
use maud::{Markup, html};
use serde::Deserialize;

/// The catalogue key of a sentence, where the two realms' doors say different things.
fn key(realm: Realm, key: &'static str) -> &'static str {
    match (realm, key) {
        (Realm::Staff, key) => key,
        (Realm::Proxy, "login.title") => "proxy_door.login_title",
        (Realm::Proxy, "login.lead") => "proxy_door.login_lead",
        (Realm::Proxy, "forgot.lead") => "proxy_door.forgot_lead",
        (Realm::Proxy, "forgot.sent_body") => "proxy_door.forgot_sent_body",
        (Realm::Proxy, "forgot.sent_spam") => "proxy_door.forgot_sent_spam",
        (Realm::Proxy, "links.gone_body") => "proxy_door.links_gone_body",
        (Realm::Proxy, key) => key,
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
    realm: Realm,
    form_values: &LoginForm,
    errors: &Errors,
    notice: Option<Markup>,
) -> Markup {
    let title = ctx.t(key(realm, "login.title"));
    let body = html! {
        @if let Some(notice) = notice { (notice) }
        (error_summary(ctx, errors))
        h1 .heading-l { (title) }
        p { (ctx.t(key(realm, "login.lead"))) }
        (form(ctx, realm.login(), html! {
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
        p { a href=(realm.forgot()) { (ctx.t("login.forgot_link")) } }
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
pub fn forgot(ctx: &PageContext, realm: Realm, values: &ForgotForm, errors: &Errors) -> Markup {
    let body = html! {
        (super::components::back_link(ctx, realm.login()))
        (error_summary(ctx, errors))
        h1 .heading-l { (ctx.t("forgot.title")) }
        p { (ctx.t(key(realm, "forgot.lead"))) }
        (form(ctx, realm.forgot(), html! {
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
pub fn forgot_sent(ctx: &PageContext, realm: Realm, email: &str) -> Markup {
    let body = html! {
        h1 .heading-l { (ctx.t("forgot.sent_title")) }
        p { (ctx.tf(key(realm, "forgot.sent_body"), &[("email", email)])) }
        p { (ctx.t(key(realm, "forgot.sent_spam"))) }
        @if realm == Realm::Proxy {
            (super::components::write_to_us(ctx, None))
        }
        p { a href=(realm.login()) { (ctx.t("forgot.back_to_login")) } }
    };
    render(ctx, Page::new(ctx.t("forgot.sent_title"), body))
}

/// The page where someone chooses a password from an emailed link, greeted by `name`.
pub fn choose_password(
    ctx: &PageContext,
    realm: Realm,
    purpose: LinkPurpose,
    token: &str,
    name: &str,
    errors: &Errors,
) -> Markup {
    let (title_key, lead_key) = match (realm, purpose) {
        (Realm::Staff, LinkPurpose::FirstPassword) => {
            ("links.invitation_title", "links.invitation_lead")
        }
        (Realm::Staff, LinkPurpose::PasswordReset) => ("links.reset_title", "links.reset_lead"),
        (Realm::Proxy, LinkPurpose::FirstPassword) => {
            ("links.activation_title", "links.activation_lead")
        }
        (Realm::Proxy, LinkPurpose::PasswordReset) => {
            ("links.reset_title", "links.proxy_reset_lead")
        }
    };
    let title = ctx.t(title_key).to_owned();
    let action = format!("{}{token}", realm.link_path(purpose));
    let body = html! {
        (error_summary(ctx, errors))
        h1 .heading-l { (title) }
        p { (ctx.tf(lead_key, &[("name", name)])) }
        (form(ctx, &action, html! {
            (super::staff::new_password_fields(ctx, errors, "new_password", "new_password_confirm"))
            (button(ctx.t("links.save_password")))
        }))
    };
    render(ctx, Page::new(title, body).with_errors(errors.len()))
}

/// The page for a link that was used, expired, or never existed.
pub fn link_gone(ctx: &PageContext, realm: Realm) -> Markup {
    let body = html! {
        h1 .heading-l { (ctx.t("links.gone_title")) }
        p { (ctx.t(key(realm, "links.gone_body"))) }
        p { a href=(realm.forgot()) { (ctx.t("links.gone_forgot")) } }
    };
    render(ctx, Page::new(ctx.t("links.gone_title"), body))
}
