//! Pages any visitor can read: the start page, the accessibility statement, preferences.

use super::PageContext;
use super::components::{Banner, Choice, ChoiceGroup, button, choices, form, notification_banner};
use super::layout::{Page, render};
use crate::domain::{Contrast, Prefs, TextSize};
use crate::paths;
use maud::{Markup, html};

/// The start page.
pub fn home(ctx: &PageContext) -> Markup {
    let body = html! {
        h1 .heading-xl { (ctx.t("home.title")) }
        p .lead { (ctx.t("home.lead")) }
        p { (ctx.t("home.who")) }
        h2 .heading-m { (ctx.t("home.online_heading")) }
        ul .list .list--bullet {
            li { a href=(paths::requests::NEW) { (ctx.t("home.link_request")) } }
            li { a href=(paths::booking::START) { (ctx.t("home.link_book")) } }
            li { a href=(paths::proxy::APPLY) { (ctx.t("home.link_proxy")) } }
        }
        p { (ctx.t("home.online_more")) }
        h2 .heading-m { (ctx.t("home.help_heading")) }
        ul .list .list--bullet {
            li { a href=(paths::public::PREFERENCES) { (ctx.t("home.link_preferences")) } }
            li { a href=(paths::public::ACCESSIBILITY) { (ctx.t("home.link_accessibility")) } }
            li { a href=(paths::public::POLICY) { (ctx.t("home.link_policy")) } }
        }
        h2 .heading-m { (ctx.t("home.promise_heading")) }
        ul .list .list--bullet {
            li { (ctx.t("home.promise_no_phone")) }
            li { (ctx.t("home.promise_no_time_limit")) }
            li { (ctx.t("home.promise_languages")) }
        }
    };
    render(ctx, Page::new(ctx.t("home.title"), body))
}

/// The accessibility statement.
pub fn accessibility(ctx: &PageContext, contact_email: Option<&str>) -> Markup {
    let body = html! {
        h1 .heading-xl { (ctx.t("a11y.title")) }
        p .lead { (ctx.t("a11y.lead")) }
        h2 .heading-m { (ctx.t("a11y.should_heading")) }
        ul .list .list--bullet {
            li { (ctx.t("a11y.should_zoom")) }
            li { (ctx.t("a11y.should_keyboard")) }
            li { (ctx.t("a11y.should_screen_reader")) }
            li { (ctx.t("a11y.should_no_script")) }
            li { (ctx.t("a11y.should_no_phone")) }
            li { (ctx.t("a11y.should_no_time_limit")) }
            li { (ctx.t("a11y.should_languages")) }
        }
        p { (ctx.t("a11y.preferences")) " " a href=(paths::public::PREFERENCES) { (ctx.t("a11y.preferences_link")) } }
        h2 .heading-m { (ctx.t("a11y.status_heading")) }
        p { (ctx.t("a11y.status")) }
        h2 .heading-m { (ctx.t("a11y.tested_heading")) }
        ul .list .list--bullet {
            li { (ctx.t("a11y.tested_structure")) }
            li { (ctx.t("a11y.tested_forms")) }
            li { (ctx.t("a11y.tested_browser")) }
            li { (ctx.t("a11y.tested_contrast")) }
        }
        h2 .heading-m { (ctx.t("a11y.limits_heading")) }
        ul .list .list--bullet {
            li { (ctx.t("a11y.limits_browser")) }
            li { (ctx.t("a11y.limits_staff")) }
        }
        h2 .heading-m { (ctx.t("a11y.report_heading")) }
        p { (ctx.t("a11y.report")) }
        (super::components::write_to_us(ctx, None))
        @if let Some(email) = contact_email {
            p { (ctx.t("a11y.report_email")) " " a href={ "mailto:" (email) } { (email) } }
        }
        p { (ctx.t("a11y.report_answer")) }
    };
    render(ctx, Page::new(ctx.t("a11y.title"), body))
}

/// The display preferences page.
pub fn preferences(ctx: &PageContext, prefs: Prefs, saved: bool) -> Markup {
    let size_choices = TextSize::ALL
        .iter()
        .map(|size| Choice {
            value: size.as_str(),
            label: ctx.t(&format!("prefs.text_{}", size.as_str())).to_owned(),
            hint: None,
        })
        .collect();
    let contrast_choices = Contrast::ALL
        .iter()
        .map(|c| Choice {
            value: c.as_str(),
            label: ctx.t(&format!("prefs.contrast_{}", c.as_str())).to_owned(),
            hint: Some(
                ctx.t(&format!("prefs.contrast_{}_hint", c.as_str()))
                    .to_owned(),
            ),
        })
        .collect();
    let body = html! {
        @if saved {
            (notification_banner(ctx, Banner::Success, html! { p .banner__heading { (ctx.t("prefs.saved")) } }))
        }
        h1 .heading-xl { (ctx.t("prefs.title")) }
        p { (ctx.t("prefs.lead")) }
        (form(ctx, paths::public::PREFERENCES, html! {
            (choices(ctx, ChoiceGroup {
                name: "text_size",
                legend: ctx.t("prefs.text_legend"),
                legend_is_heading: false,
                hint: None,
                choices: size_choices,
                selected: vec![prefs.text_size.as_str()],
                error: None,
                multiple: false,
            }))
            (choices(ctx, ChoiceGroup {
                name: "contrast",
                legend: ctx.t("prefs.contrast_legend"),
                legend_is_heading: false,
                hint: None,
                choices: contrast_choices,
                selected: vec![prefs.contrast.as_str()],
                error: None,
                multiple: false,
            }))
            (button(ctx.t("prefs.save")))
        }))
        p { (ctx.t("prefs.browser_zoom")) }
    };
    render(ctx, Page::new(ctx.t("prefs.title"), body))
}
