//! The pages shown when something is missing, forbidden or broken.

use super::layout::{Page, render};
use super::{KeptForm, PageContext};
use crate::paths;
use maud::{Markup, html};

/// The page for an error status.
pub fn page(ctx: &PageContext, status: u16) -> Markup {
    let (title, body) = match status {
        404 => (
            ctx.t("error404.title"),
            html! {
                p { (ctx.t("error404.body")) }
                p { (ctx.t("error404.check")) }
                @if ctx.staff.is_none() {
                    // A mistyped manage or thread link is a dead end without a way to write.
                    p { (ctx.t("error404.write")) " " a href=(paths::requests::NEW) { (ctx.t("error404.write_link")) } }
                }
                p { a href=(paths::public::HOME) { (ctx.t("error.go_home")) } }
            },
        ),
        403 => (
            ctx.t("error403.title"),
            html! {
                @if ctx.staff.is_some() {
                    p { (ctx.t("error403.body")) }
                    p { (ctx.t("error403.help")) }
                } @else {
                    p { (ctx.t("error403.public_body")) }
                    p { (ctx.t("error404.write")) " " a href=(paths::requests::NEW) { (ctx.t("error404.write_link")) } }
                }
                p { a href=(if ctx.staff.is_some() { paths::staff::HOME } else { paths::public::HOME }) { (ctx.t("error.go_home")) } }
            },
        ),
        500..=599 => (
            ctx.t("error500.title"),
            html! {
                p { (ctx.t("error500.body")) }
                p { (ctx.t("error500.nothing_lost")) }
                p { (ctx.t("error500.reference")) " " strong .request-id { (ctx.request_id) } }
                p { a href=(paths::public::HOME) { (ctx.t("error.go_home")) } }
            },
        ),
        429 => (
            ctx.t("error429.title"),
            html! {
                p { (ctx.t("error429.body")) }
                p { (ctx.t("error429.kept")) }
                // A lost or stolen card is never made to wait.
                p { a href=(paths::requests::LOST_CARD) { (ctx.t("error429.lost_card")) } }
                p { a href=(paths::public::HOME) { (ctx.t("error.go_home")) } }
            },
        ),
        413 => (
            ctx.t("error413.title"),
            html! {
                p { (ctx.t("error413.body")) }
                p { a href=(paths::public::HOME) { (ctx.t("error.go_home")) } }
            },
        ),
        _ => (
            ctx.t("error400.title"),
            html! {
                p { (ctx.t("error400.body")) }
                p { a href=(paths::public::HOME) { (ctx.t("error.go_home")) } }
            },
        ),
    };
    let title = title.to_owned();
    render(
        ctx,
        Page::new(title.clone(), html! { h1 .heading-l { (title) } (body) }),
    )
}

/// The page for a form refused because its security token had gone stale, when the form
/// itself cannot be shown again: what the visitor wrote is shown so that it can be copied.
pub fn stale_form(ctx: &PageContext, kept: &KeptForm, back: Option<&str>) -> Markup {
    let title = ctx.t("form.kept.title").to_owned();
    let body = html! {
        h1 .heading-l { (title) }
        p { (ctx.t("form.kept.lost_form")) }
        @let writing: Vec<&str> = kept.writing().collect();
        @if !writing.is_empty() {
            h2 .heading-m { (ctx.t("form.kept.what_you_wrote")) }
            @for text in writing {
                div .kept-text { (text) }
            }
        }
        @if let Some(back) = back {
            p { a href=(back) { (ctx.t("form.kept.back")) } }
        }
        p { a href=(paths::public::HOME) { (ctx.t("error.go_home")) } }
    };
    render(ctx, Page::new(title, body))
}
