//! What every question page of a journey shares: where its form posts and where its back
//! link goes, and the page around a question's fields (the back link, the error summary, the
//! form and its continue button).

use super::PageContext;
use super::components::{Errors, back_link, button, error_summary, form};
use super::layout::{Page, render};
use maud::{Markup, html};

/// Where a step's form posts and where its back link goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepNav {
    /// The form's address.
    pub action: String,
    /// The back link.
    pub back: String,
}

/// One question page: `fields` (which hold the page's heading, or a legend that is one) in
/// a form that continues to the next question.
pub fn question_page(
    ctx: &PageContext,
    title: String,
    nav: &StepNav,
    errors: &Errors,
    fields: Markup,
) -> Markup {
    let body = html! {
        (back_link(ctx, &nav.back))
        (error_summary(ctx, errors))
        (form(ctx, &nav.action, html! {
            (fields)
            (button(ctx.t("book.continue")))
        }))
    };
    render(ctx, Page::new(title, body).with_errors(errors.len()))
}
