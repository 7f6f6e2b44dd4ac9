//! The customer's feedback pages: the one-page form about a contact or on its own, the
//! thanks, and the page for a contact already answered. The form asks how easy it was on a
//! labelled five-point scale and what kind of remark it is; the comment is optional, and so
//! is everything on the open form that says who wrote it.

use super::PageContext;
use super::components::{
    Choice, ChoiceGroup, Errors, Input, button, choices, error_summary, form, input, textarea,
};
use super::layout::{Page, render};
use crate::domain::feedback::{COMMENT_MAX, EASE, FeedbackForm, Kind};
use crate::paths;
use maud::{Markup, html};

/// What the form is about.
pub enum About<'a> {
    /// One contact: the sentence naming it, and the staff member the customer dealt with,
    /// by display name.
    Contact {
        /// Which contact, in a sentence.
        sentence: &'a str,
        /// The staff member's display name.
        staff: Option<&'a str>,
    },
    /// The open form.
    Open,
}

fn ease_group(ctx: &PageContext, typed: &FeedbackForm, errors: &Errors) -> Markup {
    let values = ["1", "2", "3", "4", "5"];
    let group = ChoiceGroup {
        name: "ease",
        legend: ctx.t("feedback.ease.question"),
        legend_is_heading: false,
        hint: Some(ctx.t("feedback.ease.hint")),
        choices: EASE
            .iter()
            .zip(values)
            .map(|(n, value)| Choice {
                value,
                label: format!("{n} – {}", ctx.t(&format!("feedback.ease.{n}"))),
                hint: None,
            })
            .collect(),
        selected: vec![typed.ease.as_str()],
        error: errors.message(ctx, "ease"),
        multiple: false,
    };
    choices(ctx, group)
}

fn kind_group(ctx: &PageContext, typed: &FeedbackForm, errors: &Errors) -> Markup {
    let group = ChoiceGroup {
        name: "feedback_kind",
        legend: ctx.t("feedback.kind.question"),
        legend_is_heading: false,
        hint: None,
        choices: Kind::ALL
            .iter()
            .map(|k| Choice {
                value: k.as_str(),
                label: ctx.t(&format!("feedback.kind.{}", k.as_str())).to_owned(),
                hint: Some(
                    ctx.t(&format!("feedback.kind.{}.hint", k.as_str()))
                        .to_owned(),
                ),
            })
            .collect(),
        selected: vec![typed.feedback_kind.as_str()],
        error: errors.message(ctx, "feedback_kind"),
        multiple: false,
    };
    choices(ctx, group)
}

/// The form, about a contact or open.
pub fn form_page(
    ctx: &PageContext,
    action: &str,
    about: &About<'_>,
    typed: &FeedbackForm,
    errors: &Errors,
) -> Markup {
    let title = match about {
        About::Contact { .. } => ctx.t("feedback.title.contact"),
        About::Open => ctx.t("feedback.title.open"),
    };
    let comment_hint = ctx.tf(
        "feedback.comment.hint",
        &[("max", &COMMENT_MAX.to_string())],
    );
    let reply = ChoiceGroup {
        name: "wants_reply",
        legend: ctx.t("feedback.reply.legend"),
        legend_is_heading: false,
        hint: None,
        choices: vec![Choice {
            value: "1",
            label: ctx.t("feedback.reply.label").to_owned(),
            hint: Some(
                match about {
                    About::Contact { .. } => ctx.t("feedback.reply.hint.contact"),
                    About::Open => ctx.t("feedback.reply.hint.open"),
                }
                .to_owned(),
            ),
        }],
        selected: vec![typed.wants_reply.as_str()],
        error: None,
        multiple: true,
    };
    let body = html! {
        (error_summary(ctx, errors))
        h1 .heading-l { (title) }
        @match about {
            About::Contact { sentence, staff } => {
                p .lead { (sentence) }
                @if let Some(staff) = staff {
                    p { (ctx.tf("feedback.staff_named", &[("name", staff)])) }
                }
            }
            About::Open => {
                p .lead { (ctx.t("feedback.open.lead")) }
            }
        }
        p { (ctx.t("feedback.optional")) }
        (form(ctx, action, html! {
            (ease_group(ctx, typed, errors))
            (kind_group(ctx, typed, errors))
            (textarea(ctx, "comment", ctx.t("feedback.comment.label"), Some(&comment_hint),
                &typed.comment, errors.message(ctx, "comment").as_deref()))
            @if matches!(about, About::Open) {
                h2 .heading-m { (ctx.t("feedback.open.who")) }
                p .hint { (ctx.t("feedback.open.who_hint")) }
                (input(ctx, Input {
                    name: "name",
                    label: ctx.t("feedback.open.name"),
                    value: &typed.name,
                    autocomplete: Some("name"),
                    error: errors.message(ctx, "name"),
                    no_spellcheck: true,
                    ..Input::default()
                }))
                (input(ctx, Input {
                    name: "reply_email",
                    label: ctx.t("feedback.open.email"),
                    hint: Some(ctx.t("feedback.open.email_hint")),
                    value: &typed.reply_email,
                    kind: "email",
                    autocomplete: Some("email"),
                    error: errors.message(ctx, "reply_email"),
                    no_spellcheck: true,
                    ..Input::default()
                }))
            }
            (choices(ctx, reply))
            p { (ctx.t("feedback.complaint_answered")) }
            (button(ctx.t("feedback.send")))
        }))
    };
    render(ctx, Page::new(title, body).with_errors(errors.len()))
}

/// Thanks, with the request opened to answer it when one was.
pub fn thanks(ctx: &PageContext, request: Option<&str>) -> Markup {
    let title = ctx.t("feedback.thanks.title");
    let body = html! {
        div .panel {
            h1 .heading-xl { (title) }
        }
        p { (ctx.t("feedback.thanks.body")) }
        @if let Some(reference) = request {
            p { (ctx.tf("feedback.thanks.request", &[("reference", reference)])) }
        }
        p { a href=(paths::feedback::IMPROVEMENTS) { (ctx.t("feedback.thanks.improvements")) } }
    };
    render(ctx, Page::new(title, body))
}

/// A contact whose feedback was already given: asked once, answered once.
pub fn already(ctx: &PageContext) -> Markup {
    let title = ctx.t("feedback.already.title");
    let body = html! {
        h1 .heading-l { (title) }
        p { (ctx.t("feedback.already.body")) }
        p { a href=(paths::feedback::OPEN) { (ctx.t("feedback.already.open")) } }
    };
    render(ctx, Page::new(title, body))
}

/// The short offer a contact's page shows once it can be asked about.
pub fn offer(ctx: &PageContext, href: &str) -> Markup {
    html! {
        section .feedback-offer aria-labelledby="feedback-offer-title" {
            h2 .heading-m #feedback-offer-title { (ctx.t("feedback.offer.title")) }
            p { (ctx.t("feedback.offer.body")) }
            p { a href=(href) { (ctx.t("feedback.offer.link")) } }
        }
    }
}
