//! The desk's session settings: each mode's rules, reminders, video rooms and opening hours.

use super::fields::{only_span_fields, read_spans, spans_to_fields};
use super::{DoneQuery, Fields, value};
use crate::domain::RoomTemplate;
use crate::domain::room::TemplateRefused;
use crate::domain::schedule::{ModeRules, SessionMode};
use crate::error::{Error, Result};
use crate::paths;
use crate::services::settings;
use crate::views::PageContext;
use crate::views::components::Errors;
use crate::views::schedule::{
    self as view, RULE_FIELDS, SettingsView, SpanForm, rule_bounds, rule_field, rule_label,
};
use crate::web::AppState;
use crate::web::context::StaffAct;
use crate::web::forms::Form;
use crate::web::forms::Query;
use crate::web::forms::{rejected, see_other};
use axum::extract::{Path, State};
use axum::response::Response;
use maud::Markup;
use serde::Deserialize;
use std::collections::HashMap;
use time::Duration;

/// The largest number of hours before a session for the reminder (a week).
const REMINDER_MAX_HOURS: i64 = 168;
/// The most minutes before a written-chat session's start its room may open by itself.
const CHAT_OPENS_MAX_MINUTES: i64 = 120;

#[derive(Default)]
struct SettingsTyped {
    rules: Option<Fields>,
    reminder_hours: Option<String>,
    room_template: Option<String>,
    chat_opens_minutes: Option<String>,
    hours: Option<Fields>,
}

fn rule_values(rules: &ModeRules) -> [i64; 5] {
    [
        rules.length.whole_minutes(),
        rules.buffer.whole_minutes(),
        rules.min_notice.whole_minutes(),
        rules.horizon_days,
        rules.cancel_cutoff.whole_minutes(),
    ]
}

fn stored_rules(d: &settings::DeskSettings) -> Fields {
    let mut out = HashMap::new();
    for mode in SessionMode::ALL {
        for (field, number) in RULE_FIELDS.iter().zip(rule_values(&d.rules(mode))) {
            out.insert(rule_field(mode, field).to_owned(), number.to_string());
        }
    }
    out
}

async fn settings_markup(
    state: &AppState,
    ctx: &PageContext,
    typed: SettingsTyped,
    errors: &Errors,
    notice: Option<&str>,
) -> Result<Markup> {
    let d = settings::load(&state.db).await?;
    let rules = typed.rules.unwrap_or_else(|| stored_rules(&d));
    let reminder = typed
        .reminder_hours
        .unwrap_or_else(|| d.reminder_hours.to_string());
    let template_set = d.room_template.is_some();
    let room_template = typed.room_template.unwrap_or_else(|| {
        d.room_template
            .as_ref()
            .map(|t| t.as_str().to_owned())
            .unwrap_or_default()
    });
    let hours = typed
        .hours
        .unwrap_or_else(|| spans_to_fields(SpanForm::Opening, &d.hours));
    let chat_opens = typed
        .chat_opens_minutes
        .unwrap_or_else(|| d.chat_opens_minutes.to_string());
    Ok(view::settings(
        ctx,
        SettingsView {
            rules: &rules,
            reminder_hours: &reminder,
            room_template: &room_template,
            template_set,
            chat_opens_minutes: &chat_opens,
            hours: &hours,
            errors,
            notice,
        },
    ))
}

/// The session settings.
pub async fn settings(
    State(state): State<AppState>,
    ctx: PageContext,
    Query(query): Query<DoneQuery>,
) -> Result<Markup> {
    let notice = query.notice(
        &ctx,
        &[
            ("rules", "schedule.done.rules"),
            ("reminders", "schedule.done.reminders"),
            ("rooms", "schedule.done.rooms"),
            ("chat_rooms", "schedule.done.chat_rooms"),
            ("hours", "schedule.done.hours"),
        ],
    );
    settings_markup(
        &state,
        &ctx,
        SettingsTyped::default(),
        &Errors::new(),
        notice,
    )
    .await
}

/// Reads a whole number within bounds; `label` names the field in the error.
fn number_field(
    errors: &mut Errors,
    name: &'static str,
    raw: &str,
    label: &str,
    (min, max): (i64, i64),
) -> Option<i64> {
    let raw = raw.trim();
    let args = vec![
        ("label", label.to_owned()),
        ("min", min.to_string()),
        ("max", max.to_string()),
    ];
    if raw.is_empty() {
        errors.add_with(name, "schedule.error.number_missing", args);
        return None;
    }
    match raw.parse::<i64>() {
        Ok(n) if (min..=max).contains(&n) => Some(n),
        Ok(_) => {
            errors.add_with(name, "schedule.error.number_range", args);
            None
        }
        Err(_) => {
            errors.add_with(name, "schedule.error.number_format", args);
            None
        }
    }
}

fn settings_done(what: &str) -> Response {
    see_other(&format!("{}?done={what}", paths::staff::SETTINGS_SESSIONS))
}

/// Saves one mode's rules.
pub async fn save_rules(
    act: StaffAct,
    Path(mode): Path<String>,
    Form(typed): Form<Fields>,
) -> Result<Response> {
    let StaffAct { state, ctx, .. } = &act;
    let mode = SessionMode::parse(&mode).ok_or(Error::NotFound)?;
    let mut errors = Errors::new();
    let mut numbers = [0i64; 5];
    let mut complete = true;
    for (i, field) in RULE_FIELDS.iter().enumerate() {
        let name = rule_field(mode, field);
        match number_field(
            &mut errors,
            name,
            value(&typed, name),
            rule_label(ctx, field),
            rule_bounds(field),
        ) {
            Some(n) => numbers[i] = n,
            None => complete = false,
        }
    }
    if !complete {
        let mut shown = stored_rules(&settings::load(&state.db).await?);
        for field in RULE_FIELDS {
            let name = rule_field(mode, field);
            shown.insert(name.to_owned(), value(&typed, name).to_owned());
        }
        let typed = SettingsTyped {
            rules: Some(shown),
            ..Default::default()
        };
        return Ok(rejected(
            settings_markup(state, ctx, typed, &errors, None).await?,
        ));
    }
    let rules = ModeRules {
        length: Duration::minutes(numbers[0]),
        buffer: Duration::minutes(numbers[1]),
        min_notice: Duration::minutes(numbers[2]),
        horizon_days: numbers[3],
        cancel_cutoff: Duration::minutes(numbers[4]),
    };
    settings::save_rules(&act.uc(), mode, &rules).await?;
    Ok(settings_done("rules"))
}

/// The fields of the settings page's one-field forms.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct SettingsForm {
    reminder_hours: String,
    room_template: String,
    chat_opens_minutes: String,
}

/// Saves how long before a session the reminder goes.
pub async fn save_reminders(act: StaffAct, Form(form): Form<SettingsForm>) -> Result<Response> {
    let StaffAct { state, ctx, .. } = &act;
    let raw = form.reminder_hours.as_str();
    let mut errors = Errors::new();
    let Some(hours) = number_field(
        &mut errors,
        "reminder_hours",
        raw,
        ctx.t("schedule.settings.reminder_label"),
        (0, REMINDER_MAX_HOURS),
    ) else {
        let typed = SettingsTyped {
            reminder_hours: Some(raw.to_owned()),
            ..Default::default()
        };
        return Ok(rejected(
            settings_markup(state, ctx, typed, &errors, None).await?,
        ));
    };
    settings::save_reminder_hours(&act.uc(), hours).await?;
    Ok(settings_done("reminders"))
}

/// Saves (or, when left empty, removes) the room-address template of video sessions.
pub async fn save_room_template(act: StaffAct, Form(form): Form<SettingsForm>) -> Result<Response> {
    let StaffAct { state, ctx, .. } = &act;
    let raw = form.room_template.as_str();
    let template = match RoomTemplate::parse(raw) {
        Ok(template) => template,
        Err(why) => {
            let key = match why {
                TemplateRefused::TooLong => "schedule.error.room_template_too_long",
                TemplateRefused::NotWebAddress => "schedule.error.room_template_format",
                TemplateRefused::RoomNotOnce => "schedule.error.room_template_room",
            };
            let mut errors = Errors::new();
            errors.add_with(
                "room_template",
                key,
                vec![("max", RoomTemplate::MAX_CHARS.to_string())],
            );
            let typed = SettingsTyped {
                room_template: Some(raw.to_owned()),
                ..Default::default()
            };
            return Ok(rejected(
                settings_markup(state, ctx, typed, &errors, None).await?,
            ));
        }
    };
    settings::save_room_template(&act.uc(), template.as_ref()).await?;
    Ok(settings_done("rooms"))
}

/// Saves how many minutes before a written-chat session's start its room opens by itself.
pub async fn save_chat_rooms(act: StaffAct, Form(form): Form<SettingsForm>) -> Result<Response> {
    let StaffAct { state, ctx, .. } = &act;
    let raw = form.chat_opens_minutes.as_str();
    let mut errors = Errors::new();
    let Some(minutes) = number_field(
        &mut errors,
        "chat_opens_minutes",
        raw,
        ctx.t("schedule.settings.chat_label"),
        (0, CHAT_OPENS_MAX_MINUTES),
    ) else {
        let typed = SettingsTyped {
            chat_opens_minutes: Some(raw.to_owned()),
            ..Default::default()
        };
        return Ok(rejected(
            settings_markup(state, ctx, typed, &errors, None).await?,
        ));
    };
    settings::save_chat_opens_minutes(&act.uc(), minutes).await?;
    Ok(settings_done("chat_rooms"))
}

/// Saves the weekly opening hours.
pub async fn save_hours(act: StaffAct, Form(typed): Form<Fields>) -> Result<Response> {
    let StaffAct { state, ctx, .. } = &act;
    let mut errors = Errors::new();
    let hours = read_spans(ctx, SpanForm::Opening, &typed, &mut errors);
    if !errors.is_empty() {
        let typed = SettingsTyped {
            hours: Some(only_span_fields(SpanForm::Opening, &typed)),
            ..Default::default()
        };
        return Ok(rejected(
            settings_markup(state, ctx, typed, &errors, None).await?,
        ));
    }
    settings::opening::save_hours(&act.uc(), &hours).await?;
    Ok(settings_done("hours"))
}
