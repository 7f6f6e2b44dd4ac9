//! The page a customer opens from "this was not me" in the email about a proxy application:
//! one button that stops it, and the page that says it was done. Neither shows anything
//! about the application: her email already named it.

use super::PageContext;
use super::components::{Errors, error_summary, form, textarea, warning_button, write_to_us};
use super::layout::{Page, render};
use maud::{Markup, html};
use serde::Deserialize;

/// The longest note accepted, in characters.
pub const NOTE_MAX_CHARS: usize = 1000;

/// What the customer typed, kept when refused.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct NotMeForm {
    /// Anything she wants to tell the desk.
    pub note: String,
}

/// The page with the button.
pub fn form_page(ctx: &PageContext, action: &str, typed: &NotMeForm, errors: &Errors) -> Markup {
    let title = ctx.t("not_me.title");
    let hint = ctx.tf("not_me.note_hint", &[("max", &NOTE_MAX_CHARS.to_string())]);
    let body = html! {
        (error_summary(ctx, errors))
        h1 .heading-l { (title) }
        p .lead { (ctx.t("not_me.lead")) }
        p { (ctx.t("not_me.what_happens")) }
        (form(ctx, action, html! {
            (textarea(ctx, "note", ctx.t("not_me.note"), Some(&hint), &typed.note,
                errors.message(ctx, "note").as_deref()))
            (warning_button(ctx.t("not_me.stop")))
        }))
        p { (ctx.t("not_me.if_agree")) }
    };
    render(ctx, Page::new(title, body).with_errors(errors.len()))
}

/// The page once it is done (and whenever the used link is opened again).
pub fn done(ctx: &PageContext) -> Markup {
    let title = ctx.t("not_me.done.title");
    let body = html! {
        div .panel {
            h1 .heading-xl { (title) }
        }
        p { (ctx.t("not_me.done.body")) }
        p { (ctx.t("not_me.done.email")) }
        (write_to_us(ctx, None))
    };
    render(ctx, Page::new(title, body))
}
