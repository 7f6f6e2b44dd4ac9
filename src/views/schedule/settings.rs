//! The desk's session settings page.

use super::{SpanForm, mode_name, no_room_template_warning, span_fields, success};
use crate::domain::schedule::SessionMode;
use crate::i18n;
use crate::paths;
use crate::views::PageContext;
use crate::views::components::{Errors, Input, button, error_summary, form, input};
use crate::views::layout::{Page, render};
use maud::{Markup, html};
use std::collections::HashMap;
use std::sync::LazyLock;

/// The fields of a mode's rules, in the order shown.
pub const RULE_FIELDS: [&str; 5] = ["length", "buffer", "notice", "horizon", "cutoff"];

static RULE_NAMES: LazyLock<Vec<String>> = LazyLock::new(|| {
    SessionMode::ALL
        .iter()
        .flat_map(|m| {
            RULE_FIELDS
                .iter()
                .map(move |f| format!("{}-{f}", m.as_str()))
        })
        .collect()
});

/// The name (and id) of one rule field of a mode.
pub fn rule_field(mode: SessionMode, field: &str) -> &'static str {
    let wanted = format!("{}-{field}", mode.as_str());
    RULE_NAMES
        .iter()
        .find(|name| **name == wanted)
        .map(String::as_str)
        .unwrap_or("rules")
}

/// The smallest and largest value each rule field accepts.
pub fn rule_bounds(field: &str) -> (i64, i64) {
    match field {
        "length" => (5, 240),
        "buffer" => (0, 120),
        "horizon" => (1, 365),
        // Notice and cut-off: up to a week.
        _ => (0, 10080),
    }
}

/// The visible label of a rule field.
pub fn rule_label(ctx: &PageContext, field: &str) -> &'static str {
    let key = match field {
        "length" => "schedule.settings.length",
        "buffer" => "schedule.settings.buffer",
        "notice" => "schedule.settings.notice",
        "horizon" => "schedule.settings.horizon",
        _ => "schedule.settings.cutoff",
    };
    i18n::t(ctx.lang, key)
}

/// The settings page.
pub struct SettingsView<'a> {
    /// The rule fields, by field name.
    pub rules: &'a HashMap<String, String>,
    /// The reminder field.
    pub reminder_hours: &'a str,
    /// The room-address template field.
    pub room_template: &'a str,
    /// Whether a room-address template is saved.
    pub template_set: bool,
    /// The field of minutes before the start a written-chat room opens by itself.
    pub chat_opens_minutes: &'a str,
    /// The opening-hour fields, by field name.
    pub hours: &'a HashMap<String, String>,
    /// What was wrong.
    pub errors: &'a Errors,
    /// A success message.
    pub notice: Option<&'a str>,
}

/// The session settings page.
pub fn settings(ctx: &PageContext, view: SettingsView<'_>) -> Markup {
    let errors = view.errors;
    let body = html! {
        (success(ctx, view.notice))
        (error_summary(ctx, errors))
        h1 .heading-l { (ctx.t("schedule.settings.title")) }
        p { (ctx.t("schedule.settings.lead")) }
        @for mode in SessionMode::ALL {
            h2 .heading-m { (mode_name(ctx, mode)) }
            (form(ctx, &paths::staff::settings_session_mode(mode.as_str()), html! {
                @for field in RULE_FIELDS {
                    @let name = rule_field(mode, field);
                    @let (min, max) = rule_bounds(field);
                    @let hint = ctx.tf("schedule.settings.bounds", &[("min", &min.to_string()), ("max", &max.to_string())]);
                    (input(ctx, Input {
                        name, label: rule_label(ctx, field), hint: Some(&hint),
                        value: view.rules.get(name).map(String::as_str).unwrap_or(""),
                        autocomplete: Some("off"), error: errors.message(ctx, name),
                        no_spellcheck: true, width: Some("width-5"), ..Default::default()
                    }))
                }
                (button(&ctx.tf("schedule.settings.save_mode", &[("mode", mode_name(ctx, mode))])))
            }))
        }

        h2 .heading-m #video-rooms { (ctx.t("schedule.settings.rooms_heading")) }
        @if !view.template_set {
            (no_room_template_warning(ctx))
        }
        p { (ctx.t("schedule.settings.rooms_lead")) }
        (form(ctx, paths::staff::SETTINGS_VIDEO_ROOMS, html! {
            (input(ctx, Input {
                name: "room_template", label: ctx.t("schedule.settings.rooms_label"),
                hint: Some(ctx.t("schedule.settings.rooms_hint")), value: view.room_template,
                // A template, not yet an address: `{room}` is not allowed in a URL field's value.
                kind: "text", autocomplete: Some("off"), error: errors.message(ctx, "room_template"),
                no_spellcheck: true, ..Default::default()
            }))
            (button(ctx.t("schedule.settings.rooms_submit")))
        }))

        h2 .heading-m #chat-rooms { (ctx.t("schedule.settings.chat_heading")) }
        p { (ctx.t("schedule.settings.chat_lead")) }
        (form(ctx, paths::staff::SETTINGS_CHAT_ROOMS, html! {
            (input(ctx, Input {
                name: "chat_opens_minutes", label: ctx.t("schedule.settings.chat_label"),
                hint: Some(ctx.t("schedule.settings.chat_hint")), value: view.chat_opens_minutes,
                autocomplete: Some("off"), error: errors.message(ctx, "chat_opens_minutes"),
                no_spellcheck: true, width: Some("width-5"), ..Default::default()
            }))
            (button(ctx.t("schedule.settings.chat_submit")))
        }))

        h2 .heading-m { (ctx.t("schedule.settings.reminder_heading")) }
        (form(ctx, paths::staff::SETTINGS_REMINDERS, html! {
            (input(ctx, Input {
                name: "reminder_hours", label: ctx.t("schedule.settings.reminder_label"),
                hint: Some(ctx.t("schedule.settings.reminder_hint")), value: view.reminder_hours,
                autocomplete: Some("off"), error: errors.message(ctx, "reminder_hours"),
                no_spellcheck: true, width: Some("width-5"), ..Default::default()
            }))
            (button(ctx.t("schedule.settings.reminder_submit")))
        }))

        h2 .heading-m { (ctx.t("schedule.settings.hours_heading")) }
        p { (ctx.t("schedule.settings.hours_lead")) }
        (form(ctx, paths::staff::SETTINGS_HOURS, html! {
            div .hint { (ctx.t("schedule.time_hint")) }
            (span_fields(ctx, SpanForm::Opening, view.hours, errors))
            (button(ctx.t("schedule.settings.hours_submit")))
        }))

        h2 .heading-m { (ctx.t("schedule.settings.closed_heading")) }
        p { (ctx.t("closed_days.settings_lead")) }
        p { a href=(paths::staff::CLOSED_DAYS) { (ctx.t("closed_days.settings_link")) } }
    };
    render(
        ctx,
        Page::new(ctx.t("schedule.settings.title"), body).with_errors(errors.len()),
    )
}
