//! Staff handlers for support requests: the queue, a request's page and what staff do on
//! it (reply, note, assign, change the status), and the response-time targets.

use super::AppState;
use super::context::{CurrentStaff, StaffAct};
use super::forms::DoneQuery;
use super::forms::{rejected, see_other};
use crate::domain::Invalid;
use crate::domain::request::{Author, MESSAGE_MAX_CHARS, ReplyChannel, RequestStatus, Topic};
use crate::error::{Error, Result};
use crate::paths;
use crate::services::audit;
use crate::services::requests::queue::{Assignee, QueueFilter};
use crate::services::requests::{self, RequestError};
use crate::services::settings::Targets;
use crate::views::PageContext;
use crate::views::components::{Errors, topic_name};
use crate::views::requests::ThreadLine;
use crate::views::staff_requests::{
    self as view, AGES, Detail, QueueQuery, QueueRow, QueueView, RequestForms, topic_field,
};
use crate::web::forms::Form;
use crate::web::forms::Query;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

/// Reads the queue's filters; anything unknown is no filter.
pub fn filter_of(query: &QueueQuery, me: i64) -> QueueFilter {
    QueueFilter {
        statuses: match query.status.as_str() {
            "all" => RequestStatus::ALL.to_vec(),
            other => RequestStatus::parse(other).into_iter().collect(),
        },
        topic: Topic::parse(&query.topic),
        channel: ReplyChannel::parse(&query.channel),
        assignee: match query.assignee.as_str() {
            "me" => Assignee::Staff(me),
            "none" => Assignee::Nobody,
            other => other.parse().map(Assignee::Staff).unwrap_or_default(),
        },
        older_than_days: query.age.parse().ok().filter(|d| AGES.contains(d)),
        overdue_only: query.overdue == "1",
        wrote_again_only: query.wrote_again == "1",
    }
}

/// The queue.
pub async fn queue(
    State(state): State<AppState>,
    ctx: PageContext,
    CurrentStaff(staff): CurrentStaff,
    Query(query): Query<QueueQuery>,
) -> Result<Response> {
    let now = state.now();
    let filter = filter_of(&query, staff.id);
    let page = query.page.parse().unwrap_or(1);
    let found = requests::queue::queue(&state.db, now, &filter, page).await?;
    let names = crate::services::staff::display_names(&state.db).await?;
    let rows: Vec<QueueRow> = found
        .rows
        .into_iter()
        .map(|r| QueueRow {
            assignee: r.assignee_id.and_then(|id| names.get(&id).cloned()),
            overdue: requests::overdue(&r, now),
            wrote_again: requests::queue::wrote_again(&r),
            r: (&r).into(),
        })
        .collect();
    let counts = requests::queue::counts(&state.db, now).await?;
    let staff_list = requests::staff::assignable(&state.db).await?;
    Ok(view::queue(
        &ctx,
        QueueView {
            query: &query,
            staff: &staff_list,
            rows: &rows,
            total: found.total,
            page: found.page,
            pages: found.pages,
            overdue: counts.overdue,
            new: counts.new,
            wrote_again: counts.wrote_again,
        },
    )
    .into_response())
}

async fn detail_page(
    state: &AppState,
    ctx: &PageContext,
    id: i64,
    typed: &RequestForms,
    errors: &Errors,
    done: &str,
) -> Result<maud::Markup> {
    let r = requests::get(&state.db, id).await?.ok_or(Error::NotFound)?;
    let names = crate::services::staff::display_names(&state.db).await?;
    let staff_list = requests::staff::assignable(&state.db).await?;
    let proxy = super::staff_proxies::origin(state, ctx, r.proxy_registration_id).await?;
    let lines = requests::thread::messages(&state.db, r.id, true)
        .await?
        .into_iter()
        .map(|m| {
            let author = m.author;
            let who = match author {
                Author::Customer => r.customer_name.clone(),
                Author::Proxy => ctx.tf(
                    "requests.thread.proxy",
                    &[(
                        "proxy",
                        proxy.as_ref().map(|p| p.proxy.as_str()).unwrap_or_default(),
                    )],
                ),
                Author::Staff => m
                    .staff_id
                    .and_then(|id| names.get(&id).cloned())
                    .unwrap_or_default(),
            };
            ThreadLine {
                who,
                from_desk: author == Author::Staff,
                internal: m.internal,
                at: m.created_at,
                body: m.body,
            }
        })
        .collect();
    let sessions = requests::thread::sessions(&state.db, r.id)
        .await?
        .iter()
        .map(|b| {
            let mode = b.mode;
            (
                b.id,
                format!(
                    "{} — {} ({})",
                    b.reference,
                    crate::i18n::format_session_time(
                        ctx.lang,
                        b.starts_at,
                        b.ends_at,
                        state.config.timezone
                    ),
                    crate::i18n::mode_name(ctx.lang, mode)
                ),
            )
        })
        .collect();
    let history = audit::about(&state.db, "support_request", &r.id.to_string())
        .await?
        .into_iter()
        .map(|e| (e.occurred_at, e.action))
        .collect();
    let notice = match done {
        "reply" if proxy.as_ref().is_some_and(|o| o.emails_nobody()) => {
            Some(ctx.t("proxy_origin.done_not_emailed").to_owned())
        }
        "reply" | "note" | "assigned" | "status" => {
            Some(ctx.t(&format!("requests.done.{done}")).to_owned())
        }
        _ => None,
    };
    let d = Detail {
        r: &(&r).into(),
        overdue: requests::overdue(&r, state.now()),
        assignee: r.assignee_id.and_then(|id| names.get(&id).cloned()),
        proxy,
        lines,
        sessions,
        staff: &staff_list,
        history,
    };
    Ok(view::detail(ctx, &d, typed, errors, notice.as_deref()))
}

/// A request's page.
pub async fn detail(
    State(state): State<AppState>,
    ctx: PageContext,
    Path(id): Path<i64>,
    Query(query): Query<DoneQuery>,
) -> Result<Response> {
    let page = detail_page(
        &state,
        &ctx,
        id,
        &RequestForms::default(),
        &Errors::new(),
        &query.done,
    )
    .await?;
    Ok(page.into_response())
}

/// The page again, with what was typed and why it was refused.
async fn refused(
    StaffAct { state, ctx, .. }: &StaffAct,
    id: i64,
    typed: &RequestForms,
    errors: &Errors,
) -> Result<Response> {
    Ok(rejected(
        detail_page(state, ctx, id, typed, errors, "").await?,
    ))
}

/// Reads a reply or note: required, and no longer than a message may be.
fn text_of(errors: &mut Errors, field: &'static str, raw: &str) -> Option<String> {
    let value = raw.trim();
    if value.is_empty() {
        errors.invalid(field, Invalid::Missing);
        None
    } else if value.chars().count() > MESSAGE_MAX_CHARS {
        errors.add_with(
            field,
            "error.message.too_long",
            vec![
                ("max", MESSAGE_MAX_CHARS.to_string()),
                ("count", value.chars().count().to_string()),
            ],
        );
        None
    } else {
        Some(value.to_owned())
    }
}

/// Where a change leads: back to the request's page, saying what was `done`, or the page
/// again with why it was refused, next to `field`.
async fn answered<T>(
    act: &StaffAct,
    id: i64,
    typed: &RequestForms,
    (field, done): (&'static str, &str),
    outcome: std::result::Result<T, RequestError>,
) -> Result<Response> {
    let mut errors = Errors::new();
    match outcome {
        Ok(_) => {
            return Ok(see_other(&format!(
                "{}?done={done}",
                paths::staff::request(id)
            )));
        }
        Err(RequestError::NotFound) => return Err(Error::NotFound),
        Err(RequestError::Database(e)) => return Err(e.into()),
        Err(RequestError::Closed) => errors.add(field, "error.request.closed"),
        Err(RequestError::NotAssignable) => errors.add(field, "error.assignee.not_a_choice"),
    }
    refused(act, id, typed, &errors).await
}

/// Replies to the customer.
pub async fn reply(
    act: StaffAct,
    Path(id): Path<i64>,
    Form(typed): Form<RequestForms>,
) -> Result<Response> {
    let mut errors = Errors::new();
    let Some(body) = text_of(&mut errors, "reply", &typed.reply) else {
        return refused(&act, id, &typed, &errors).await;
    };
    let outcome = requests::staff::reply(&act.uc(), id, &body).await;
    answered(&act, id, &typed, ("reply", "reply"), outcome).await
}

/// Adds an internal note.
pub async fn note(
    act: StaffAct,
    Path(id): Path<i64>,
    Form(typed): Form<RequestForms>,
) -> Result<Response> {
    let mut errors = Errors::new();
    let Some(body) = text_of(&mut errors, "note", &typed.note) else {
        return refused(&act, id, &typed, &errors).await;
    };
    let outcome = requests::staff::add_note(&act.uc(), id, &body).await;
    answered(&act, id, &typed, ("note", "note"), outcome).await
}

/// Gives the request to a staff member, or to nobody.
pub async fn assign(
    act: StaffAct,
    Path(id): Path<i64>,
    Form(typed): Form<RequestForms>,
) -> Result<Response> {
    let to = match typed.assignee.trim() {
        "" => None,
        raw => match raw.parse::<i64>() {
            Ok(id) => Some(id),
            Err(_) => {
                let mut errors = Errors::new();
                errors.invalid("assignee", Invalid::NotAChoice);
                return refused(&act, id, &typed, &errors).await;
            }
        },
    };
    let outcome = requests::staff::assign(&act.uc(), id, to).await;
    answered(&act, id, &typed, ("assignee", "assigned"), outcome).await
}

/// Moves the request to another status.
pub async fn status(
    act: StaffAct,
    Path(id): Path<i64>,
    Form(typed): Form<RequestForms>,
) -> Result<Response> {
    let Some(to) = RequestStatus::parse(&typed.status) else {
        let mut errors = Errors::new();
        errors.invalid("status", Invalid::NotAChoice);
        return refused(&act, id, &typed, &errors).await;
    };
    let outcome = requests::staff::set_status(&act.uc(), id, to).await;
    answered(&act, id, &typed, ("status", "status"), outcome).await
}

/// `?saved=1` after the targets were saved.
#[derive(Debug, Deserialize, Default)]
#[serde(default)]
pub struct SavedQuery {
    saved: String,
}

/// The longest target an admin can set, in working hours: a month of working days.
const MAX_TARGET_HOURS: i64 = 8 * 31;

/// The response-time targets.
pub async fn settings_form(
    State(state): State<AppState>,
    ctx: PageContext,
    Query(query): Query<SavedQuery>,
) -> Result<Response> {
    let targets = crate::services::settings::response_times::load(&state.db).await?;
    let values: Vec<(Topic, String)> = Topic::ALL
        .iter()
        .map(|t| (*t, hours_text(targets.minutes(*t))))
        .collect();
    Ok(view::settings(&ctx, &values, &Errors::new(), query.saved == "1").into_response())
}

/// Minutes as the form shows them: whole hours, or hours and a decimal.
fn hours_text(minutes: i64) -> String {
    if minutes % 60 == 0 {
        (minutes / 60).to_string()
    } else {
        format!("{:.1}", minutes as f64 / 60.0)
    }
}

/// Reads hours typed as `8`, `1.5` or `０．５`, to whole minutes.
fn minutes_of(raw: &str) -> std::result::Result<i64, Invalid> {
    let ascii: String = raw
        .trim()
        .chars()
        .map(|c| match c {
            '０'..='９' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            '．' => '.',
            other => other,
        })
        .collect();
    if ascii.is_empty() {
        return Err(Invalid::Missing);
    }
    let hours: f64 = ascii.parse().map_err(|_| Invalid::BadFormat)?;
    if !hours.is_finite() || hours <= 0.0 || hours > MAX_TARGET_HOURS as f64 {
        return Err(Invalid::BadFormat);
    }
    Ok(((hours * 60.0).round() as i64).max(1))
}

/// Saves the response-time targets.
pub async fn settings_save(
    act: StaffAct,
    // A field a topic: the names come from the topic list.
    Form(form): Form<std::collections::HashMap<String, String>>,
) -> Result<Response> {
    let mut errors = Errors::new();
    let mut values = Vec::new();
    let mut targets = Targets::default();
    for topic in Topic::ALL {
        let name = topic_field(*topic);
        let raw = form.get(name).cloned().unwrap_or_default();
        match minutes_of(&raw) {
            Ok(minutes) => {
                targets.0.insert(*topic, minutes);
            }
            Err(why) => errors.add_with(
                name,
                format!(
                    "error.target.{}",
                    if why == Invalid::Missing {
                        "missing"
                    } else {
                        "bad_format"
                    }
                ),
                vec![
                    ("topic", topic_name(&act.ctx, topic.as_str()).to_owned()),
                    ("max", MAX_TARGET_HOURS.to_string()),
                ],
            ),
        }
        values.push((*topic, raw));
    }
    if !errors.is_empty() {
        return Ok(rejected(view::settings(&act.ctx, &values, &errors, false)));
    }
    crate::services::settings::response_times::save(&act.uc(), &targets).await?;
    Ok(see_other(&format!(
        "{}?saved=1",
        paths::staff::SETTINGS_REQUESTS
    )))
}
