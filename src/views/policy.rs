//! The published customer-harassment policy: why the desk has it, what counts and what never
//! does, what the desk does about it, how staff are looked after, and when it applies.

use super::PageContext;
use super::layout::{Page, render};
use crate::domain::incident::Category;
use crate::domain::policy::EFFECTIVE;
use crate::paths;
use maud::{Markup, html};

/// The page's sections in reading order: each one's `id` (the contents list links to it) and
/// the catalogue key of its heading.
const SECTIONS: [(&str, &str); 7] = [
    ("why", "policy.why.heading"),
    ("harassment", "policy.harassment.heading"),
    ("never-harassment", "policy.never.heading"),
    ("what-we-do", "policy.steps.heading"),
    ("staff", "policy.staff.heading"),
    ("questions", "policy.questions.heading"),
    ("effective-date", "policy.effective.heading"),
];

/// A section's heading, with the `id` the contents list links to.
fn heading(ctx: &PageContext, index: usize) -> Markup {
    let (id, key) = SECTIONS[index];
    html! { h2 .heading-m #(id) { (ctx.t(key)) } }
}

/// The customer-harassment policy.
pub fn page(ctx: &PageContext) -> Markup {
    let body = html! {
        h1 .heading-xl { (ctx.t("policy.title")) }
        p .lead { (ctx.t("policy.lead")) }
        nav aria-labelledby="policy-contents" {
            h2 .heading-s #policy-contents { (ctx.t("policy.contents")) }
            ul .list .list--bullet {
                @for (id, key) in SECTIONS {
                    li { a href={ "#" (id) } { (ctx.t(key)) } }
                }
            }
        }

        (heading(ctx, 0))
        p { (ctx.t("policy.why.desk")) }
        p { (ctx.t("policy.why.safety")) }
        p { (ctx.t("policy.why.views")) }
        p { (ctx.t("policy.why.law")) }
        p { (ctx.t("policy.why.definition")) }

        (heading(ctx, 1))
        p { (ctx.t("policy.harassment.lead")) }
        ul .list .list--bullet {
            @for category in Category::ALL {
                li {
                    strong { (ctx.t(&format!("policy.category.{}.name", category.as_str()))) }
                    br;
                    (ctx.t(&format!("policy.category.{}.text", category.as_str())))
                }
            }
        }
        p { (ctx.t("policy.harassment.not_only")) }

        (heading(ctx, 2))
        p { (ctx.t("policy.never.lead")) }
        ul .list .list--bullet {
            li { (ctx.t("policy.never.complaints")) }
            li { (ctx.t("policy.never.accommodation")) }
            li { (ctx.t("policy.never.writing")) }
            li { (ctx.t("policy.never.asking_again")) }
            li { (ctx.t("policy.never.proxy")) }
            li { (ctx.t("policy.never.lost_card")) }
            li { (ctx.t("policy.never.complaining_about_staff")) }
        }
        p { strong { (ctx.t("policy.never.open_lead")) } }
        ul .list .list--bullet {
            li { a href=(paths::requests::LOST_CARD) { (ctx.t("policy.never.open_lost_card")) } }
            li { (ctx.t("policy.never.open_unauthorised")) }
            li { (ctx.t("policy.never.open_accommodation")) }
            li { (ctx.t("policy.never.open_complaint")) }
            li { (ctx.t("policy.never.open_appeal")) }
            li { a href=(paths::proxy::REVOKE) { (ctx.t("policy.never.open_proxy_end")) } }
        }

        (heading(ctx, 3))
        p { (ctx.t("policy.steps.lead")) }
        ol .list .list--number {
            li { (ctx.t("policy.steps.answer")) }
            li { (ctx.t("policy.steps.say_so")) }
            li { (ctx.t("policy.steps.record")) }
            li { (ctx.t("policy.steps.warning")) }
            li {
                (ctx.t("policy.steps.limits"))
                ul .list .list--bullet {
                    li { (ctx.t("policy.steps.limit_email")) }
                    li { (ctx.t("policy.steps.limit_sessions")) }
                    li { (ctx.t("policy.steps.limit_requests")) }
                }
            }
            li { (ctx.t("policy.steps.suspension")) }
            li { (ctx.t("policy.steps.police")) }
        }
        p { (ctx.t("policy.steps.in_writing")) }
        p { (ctx.t("policy.steps.appeal")) }
        p { (ctx.t("policy.steps.never_closed")) }

        (heading(ctx, 4))
        ul .list .list--bullet {
            li { (ctx.t("policy.staff.training")) }
            li { (ctx.t("policy.staff.supervisor")) }
            li { (ctx.t("policy.staff.follow_up")) }
            li { (ctx.t("policy.staff.reporting")) }
            li { (ctx.t("policy.staff.privacy")) }
        }

        (heading(ctx, 5))
        p { (ctx.t("policy.questions.lead")) }
        (super::components::write_to_us(ctx, None))

        (heading(ctx, 6))
        p { (ctx.tf("policy.effective.text", &[("date", &ctx.day(EFFECTIVE))])) }
    };
    render(ctx, Page::new(ctx.t("policy.title"), body))
}
