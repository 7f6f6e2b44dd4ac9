//! The pages shown when something is missing, forbidden or broken.

use super::PageContext;
use super::layout::{Page, render};
use maud::{Markup, html};

/// The page for an error status.
pub fn page(ctx: &PageContext, status: u16) -> Markup {
    let (title, body) = match status {
        404 => (
            ctx.t("error404.title"),
            html! {
                p { (ctx.t("error404.body")) }
                p { (ctx.t("error404.check")) }
                p { a href="/" { (ctx.t("error.go_home")) } }
            },
        ),
        403 => (
            ctx.t("error403.title"),
            html! {
                p { (ctx.t("error403.body")) }
                p { (ctx.t("error403.help")) }
                p { a href=(if ctx.staff.is_some() { "/staff" } else { "/" }) { (ctx.t("error.go_home")) } }
            },
        ),
        500..=599 => (
            ctx.t("error500.title"),
            html! {
                p { (ctx.t("error500.body")) }
                p { (ctx.t("error500.nothing_lost")) }
                p { (ctx.t("error500.reference")) " " strong .request-id { (ctx.request_id) } }
                p { a href="/" { (ctx.t("error.go_home")) } }
            },
        ),
        429 => (
            ctx.t("error429.title"),
            html! {
                p { (ctx.t("error429.body")) }
                p { (ctx.t("error429.kept")) }
                // A lost or stolen card is never made to wait.
                p { a href="/requests/new/lost-card" { (ctx.t("error429.lost_card")) } }
                p { a href="/" { (ctx.t("error.go_home")) } }
            },
        ),
        413 => (
            ctx.t("error413.title"),
            html! {
                p { (ctx.t("error413.body")) }
                p { a href="/" { (ctx.t("error.go_home")) } }
            },
        ),
        _ => (
            ctx.t("error400.title"),
            html! {
                p { (ctx.t("error400.body")) }
                p { a href="/" { (ctx.t("error.go_home")) } }
            },
        ),
    };
    let title = title.to_owned();
    render(
        ctx,
        Page::new(title.clone(), html! { h1 .heading-l { (title) } (body) }),
    )
}
