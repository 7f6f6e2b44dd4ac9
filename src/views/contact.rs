//! The admin's page of the desk's written ways in (fax number, postal address; the email
//! address comes from the server's settings) and the card issuer's 24-hour way to stop a
//! lost or stolen card.

use super::PageContext;
use super::components::{
    Banner, Errors, Input, back_link, button, error_summary, form, input, notification_banner,
    textarea,
};
use super::layout::{Page, render};
use crate::paths;
use maud::{Markup, html};
use serde::Deserialize;

/// What an admin typed on the contact settings page, kept as typed when refused.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ContactForm {
    /// The desk's fax number.
    pub desk_fax: String,
    /// The desk's postal address.
    pub desk_address: String,
    /// The card issuer's 24-hour stop page.
    pub card_stop_page: String,
    /// The card issuer's 24-hour lost and stolen card line.
    pub card_stop_line: String,
}

/// The contact settings page.
pub fn settings(ctx: &PageContext, typed: &ContactForm, errors: &Errors, saved: bool) -> Markup {
    let title = ctx.t("contact.settings.title");
    let body = html! {
        (back_link(ctx, paths::staff::HOME))
        @if saved {
            (notification_banner(ctx, Banner::Success, html! { p .banner__heading { (ctx.t("contact.settings.saved")) } }))
        }
        (error_summary(ctx, errors))
        h1 .heading-l { (title) }
        p .lead { (ctx.t("contact.settings.lead")) }
        (form(ctx, paths::staff::SETTINGS_CONTACT, html! {
            h2 .heading-m { (ctx.t("contact.settings.desk_heading")) }
            p {
                (ctx.t("contact.settings.desk_email")) " "
                @match &ctx.desk.email {
                    Some(email) => strong .break-anywhere { (email) },
                    None => strong { (ctx.t("contact.settings.desk_email_none")) },
                }
            }
            p .hint { (ctx.t("contact.settings.desk_email_hint")) }
            (input(ctx, Input { name: "desk_fax", label: ctx.t("contact.settings.desk_fax"),
                hint: Some(ctx.t("contact.settings.desk_fax_hint")), value: &typed.desk_fax, kind: "tel",
                autocomplete: Some("off"), error: errors.message(ctx, "desk_fax"), no_spellcheck: true,
                width: Some("width-10") }))
            (textarea(ctx, "desk_address", ctx.t("contact.settings.desk_address"),
                Some(ctx.t("contact.settings.desk_address_hint")), &typed.desk_address,
                errors.message(ctx, "desk_address").as_deref()))
            h2 .heading-m { (ctx.t("contact.settings.card_heading")) }
            p { (ctx.t("contact.settings.card_lead")) }
            (input(ctx, Input { name: "card_stop_page", label: ctx.t("contact.settings.card_stop_page"),
                hint: Some(ctx.t("contact.settings.card_stop_page_hint")), value: &typed.card_stop_page,
                kind: "url", autocomplete: Some("off"), error: errors.message(ctx, "card_stop_page"),
                no_spellcheck: true, width: None }))
            (input(ctx, Input { name: "card_stop_line", label: ctx.t("contact.settings.card_stop_line"),
                hint: Some(ctx.t("contact.settings.card_stop_line_hint")), value: &typed.card_stop_line,
                kind: "tel", autocomplete: Some("off"), error: errors.message(ctx, "card_stop_line"),
                no_spellcheck: true, width: Some("width-10") }))
            (button(ctx.t("contact.settings.save")))
        }))
    };
    render(ctx, Page::new(title, body).with_errors(errors.len()))
}
