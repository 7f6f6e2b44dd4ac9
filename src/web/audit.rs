//! The audit log for staff: its filters, and each event's particulars written out as a
//! reader expects them (names for staff, dates for instants, labels for the desk's words),
//! not as the JSON they are stored in.

use super::AppState;
use crate::domain::{AuditAction, Invalid, Role, dates};
use crate::error::Result;
use crate::services::audit::{self, Filter};
use crate::services::staff as staff_service;
use crate::views::components::Errors;
use crate::views::staff::{AuditQuery, AuditRow, AuditView};
use crate::views::{self, PageContext};
use crate::web::forms::Query;
use axum::extract::State;
use maud::Markup;
use sea_orm::EntityTrait;
use serde_json::Value;
use std::collections::HashMap;
use time::{Date, OffsetDateTime};

/// Reads one of a filter's days (the audit log's, the feedback export's): empty is no filter; a day that cannot be read, or
/// one outside the years the desk keeps, is named in an error.
pub(crate) fn filter_day(errors: &mut Errors, field: &'static str, raw: &str) -> Option<Date> {
    match dates::parse_day(raw) {
        Ok(day) => Some(day),
        Err(Invalid::Missing) => None,
        Err(Invalid::OutOfRange) => {
            errors.add_with(
                field,
                format!("error.{field}.out_of_range"),
                vec![
                    ("first", dates::iso_day(dates::FIRST_DAY)),
                    ("last", dates::iso_day(dates::LAST_DAY)),
                ],
            );
            None
        }
        Err(_) => {
            errors.add(field, format!("error.{field}.bad_format"));
            None
        }
    }
}

/// Reads the audit log's filters, as typed in the address: what cannot be read is no filter,
/// and the days that cannot be used are named in the errors.
pub fn audit_filter(query: &AuditQuery, tz: &time_tz::Tz) -> (Filter, Errors) {
    let mut errors = Errors::new();
    let from = filter_day(&mut errors, "from", &query.from).map(|d| audit::start_of_day(d, tz));
    let until = filter_day(&mut errors, "to", &query.to)
        .and_then(|d| d.next_day())
        .map(|d| audit::start_of_day(d, tz));
    let filter = Filter {
        actor_staff_id: query.actor.trim().parse().ok(),
        action: AuditAction::parse(&query.action),
        from,
        until,
    };
    (filter, errors)
}

/// The audit log, filtered.
pub async fn audit(
    State(state): State<AppState>,
    ctx: PageContext,
    Query(query): Query<AuditQuery>,
) -> Result<Markup> {
    let (filter, errors) = audit_filter(&query, state.config.timezone);
    let page_number = query.page.parse().unwrap_or(1);
    let page = audit::list(&state.db, &filter, page_number).await?;
    let staff = staff_service::list(&state.db).await?;
    let names: HashMap<i64, String> = staff
        .iter()
        .map(|u| (u.id, format!("{} ({})", u.display_name, u.email)))
        .collect();
    let actors: Vec<(i64, String)> = staff.iter().map(|u| (u.id, names[&u.id].clone())).collect();
    let staff_names: HashMap<i64, String> = staff
        .iter()
        .map(|u| (u.id, u.display_name.clone()))
        .collect();
    // A proxy's acts name the proxy, as staff know them.
    let proxies: HashMap<i64, String> = crate::entities::proxy_account::Entity::find()
        .all(&state.db)
        .await?
        .into_iter()
        .map(|p| {
            let who = format!("{} ({})", p.full_name, p.email);
            (p.id, ctx.tf("audit.proxy_actor", &[("proxy", &who)]))
        })
        .collect();
    let rows: Vec<AuditRow> = page
        .rows
        .into_iter()
        .map(|event| AuditRow {
            at: event.occurred_at,
            actor: event
                .actor_staff_id
                .and_then(|id| names.get(&id).cloned())
                .or_else(|| {
                    event
                        .actor_proxy_id
                        .and_then(|id| proxies.get(&id).cloned())
                }),
            role: event
                .actor_role
                .as_deref()
                .and_then(|r| Role::parse(r).ok()),
            target: event
                .target_type
                .map(|t| format!("{t} {}", event.target_id.unwrap_or_default())),
            details: readable(&ctx, &event.action, &event.detail, &staff_names),
            action: event.action,
            ip: event.ip,
        })
        .collect();
    Ok(views::staff::audit(
        &ctx,
        AuditView {
            query: &query,
            errors: &errors,
            actors: &actors,
            rows: &rows,
            total: page.total,
            page: page.page,
            pages: page.pages,
        },
    ))
}

/// The earliest number read as an instant: 2001-09-09. Ids stay far below it.
const FIRST_INSTANT: i64 = 1_000_000_000;

/// Keys whose number is a staff member's id.
const STAFF_KEYS: [&str; 3] = ["interpreter_id", "interpreter_from", "interpreter_to"];

/// An event's particulars, as label and value pairs in the order they were written. What is
/// not a JSON object is shown as it is.
pub fn readable(
    ctx: &PageContext,
    action: &str,
    detail: &str,
    staff: &HashMap<i64, String>,
) -> Vec<(String, String)> {
    let Ok(Value::Object(fields)) = serde_json::from_str::<Value>(detail) else {
        return if detail.trim().is_empty() || detail.trim() == "{}" || detail.trim() == "null" {
            Vec::new()
        } else {
            vec![(String::new(), detail.to_owned())]
        };
    };
    // Whose a request was and is are staff ids; elsewhere `from` and `to` are instants or words.
    let names_staff = |key: &str| {
        STAFF_KEYS.contains(&key)
            || (action == AuditAction::RequestAssigned.as_str() && matches!(key, "from" | "to"))
    };
    fields
        .iter()
        .map(|(key, value)| {
            let label = label(ctx, key);
            let shown = match value {
                Value::Number(n) if names_staff(key) => n
                    .as_i64()
                    .and_then(|id| staff.get(&id).cloned())
                    .unwrap_or_else(|| n.to_string()),
                Value::Null if names_staff(key) => ctx.t("audit.value.nobody").to_owned(),
                Value::String(word) => word_text(ctx, action, key, word),
                // A list of stored words the catalogue names, such as the words of a case
                // that changed.
                Value::Array(items) if word_prefix(action, key).is_some() => items
                    .iter()
                    .map(|item| match item {
                        Value::String(word) => word_text(ctx, action, key, word),
                        other => value_text(ctx, other),
                    })
                    .collect::<Vec<_>>()
                    .join(", "),
                other => value_text(ctx, other),
            };
            (label, shown)
        })
        .collect()
}

/// Where the catalogue names the desk's stored words, by the key they are stored under.
fn word_prefix(action: &str, key: &str) -> Option<&'static str> {
    Some(match key {
        "how" => "proxy.consent",
        "document" => "proxy.document",
        "person" => "apply.check",
        "role" => "role",
        "topic" => "topic",
        "status" | "status_before" => "requests.status",
        "from" | "to" if action == AuditAction::RequestStatusChanged.as_str() => "requests.status",
        "by" if action.starts_with("proxy.") => "proxy.ended_by",
        "venue" => "incident.channel",
        "from" | "to" if action == AuditAction::IncidentStatusChanged.as_str() => "incident.status",
        "kind" if action.starts_with("measure.") => "measure.kind",
        "outcome" if action.starts_with("measure.") => "measure.appeal.outcome",
        "from" | "to" if action == AuditAction::ImprovementChanged.as_str() => {
            "improvements.status"
        }
        "changed_words" => "improvements.field",
        _ => return None,
    })
}

/// A stored word as the reader knows it: its name in the catalogue, a stored day in the
/// page's style, or else the word itself.
fn word_text(ctx: &PageContext, action: &str, key: &str, word: &str) -> String {
    if let Some(name) = word_prefix(action, key)
        .and_then(|prefix| crate::i18n::find(ctx.lang, &format!("{prefix}.{word}")))
    {
        return name.to_owned();
    }
    // An incident's category, by the name the published policy gives it.
    if key == "category"
        && action.starts_with("incident.")
        && let Some(name) = crate::i18n::find(ctx.lang, &format!("policy.category.{word}.name"))
    {
        return name.to_owned();
    }
    if word.len() == 10 && dates::parse_day(word).is_ok() {
        return ctx.stored_day(word);
    }
    word.to_owned()
}

fn label(ctx: &PageContext, key: &str) -> String {
    crate::i18n::find(ctx.lang, &format!("audit.field.{key}"))
        .map(str::to_owned)
        .unwrap_or_else(|| key.replace('_', " "))
}

fn value_text(ctx: &PageContext, value: &Value) -> String {
    match value {
        Value::Null => ctx.t("audit.value.none").to_owned(),
        Value::Bool(true) => ctx.t("audit.value.yes").to_owned(),
        Value::Bool(false) => ctx.t("audit.value.no").to_owned(),
        Value::Number(n) => match n.as_i64() {
            Some(seconds) if seconds >= FIRST_INSTANT => {
                OffsetDateTime::from_unix_timestamp(seconds)
                    .map(|at| ctx.datetime(at))
                    .unwrap_or_else(|_| n.to_string())
            }
            _ => n.to_string(),
        },
        Value::String(text) if text.len() == 10 && dates::parse_day(text).is_ok() => {
            ctx.stored_day(text)
        }
        Value::String(text) => text.clone(),
        Value::Array(items) => items
            .iter()
            .map(|item| value_text(ctx, item))
            .collect::<Vec<_>>()
            .join(", "),
        Value::Object(fields) => fields
            .iter()
            .map(|(key, value)| format!("{}: {}", label(ctx, key), value_text(ctx, value)))
            .collect::<Vec<_>>()
            .join("; "),
    }
}
