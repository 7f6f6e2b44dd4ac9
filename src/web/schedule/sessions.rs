//! One session (reassign, outcome, notes, cancel), and an interpreter's own sessions.

use super::{DoneQuery, booking_error, line, may_see, monday_of, parse_id, today};
use crate::domain::LanguageFit;
use crate::domain::qualification::language_fit;
use crate::domain::schedule::SessionMode;
use crate::domain::{BookingStatus, Permission};
use crate::error::{Error, Result};
use crate::paths;
use crate::services::accounts::SignedInStaff;
use crate::services::booking::manage::ChangedBy;
use crate::services::booking::{self, Booking, BookingError};
use crate::services::{attention, chat, reassignment, schedule_board, settings};
use crate::views::PageContext;
use crate::views::components::Errors;
use crate::views::schedule::{
    self as view, HistoryLine, NoteLine, OUTCOMES, SessionDetail, SessionFlags, SessionForms,
    SessionLine, SessionView, iso,
};
use crate::web::AppState;
use crate::web::context::{CurrentStaff, StaffAct};
use crate::web::forms::Form;
use crate::web::forms::Query;
use crate::web::forms::{rejected, see_other};
use axum::extract::{Path, State};
use axum::response::Response;
use maud::Markup;
use serde::Deserialize;
use std::collections::HashMap;

/// The longest internal note, in characters.
const NOTE_MAX_CHARS: usize = 2000;
/// The longest reason for a cancellation, in characters.
const REASON_MAX_CHARS: usize = 500;

/// Loads a session the staff member may see, and whether they may manage it.
async fn visible_session(
    state: &AppState,
    staff: &SignedInStaff,
    raw_id: &str,
) -> Result<(Booking, bool)> {
    let id = parse_id(raw_id)?;
    let b = booking::get(&state.db, id).await?.ok_or(Error::NotFound)?;
    if !may_see(staff, b.interpreter_id) {
        return Err(Error::NotFound);
    }
    Ok((b, staff.role.may(Permission::ManageSchedule)))
}

fn detail(b: &Booking, names: &HashMap<i64, String>, d: &settings::DeskSettings) -> SessionDetail {
    SessionDetail {
        joining: booking::joining(d, b),
        id: b.id,
        reference: b.reference.clone(),
        mode: b.mode,
        starts_at: b.starts_at,
        ends_at: b.ends_at,
        status: b.status,
        interpreter: names.get(&b.interpreter_id).cloned().unwrap_or_default(),
        customer_name: b.customer_name.clone(),
        email: b.email.clone(),
        member_number: b.member_number.clone(),
        topic: b.topic.as_str().to_owned(),
        topic_other: b.topic_other.clone(),
        sign_language: b.sign_language.clone(),
        sign_language_other: b.sign_language_other.clone(),
        needs: b.needs.clone(),
        created_at: b.created_at,
        cancelled_at: b.cancelled_at,
        cancel_reason: b.cancel_reason.clone(),
    }
}

/// The particulars of one history line, in words.
fn history_detail(
    ctx: &PageContext,
    action: &str,
    raw: &str,
    names: &HashMap<i64, String>,
) -> Option<String> {
    let detail: serde_json::Value = serde_json::from_str(raw).ok()?;
    let name = |key: &str| -> Option<String> {
        let id = detail.get(key)?.as_i64()?;
        Some(names.get(&id).cloned().unwrap_or_else(|| id.to_string()))
    };
    match action {
        "booking.created" => Some(ctx.tf(
            "schedule.history.created_with",
            &[("name", &name("interpreter_id")?)],
        )),
        "booking.reassigned" => Some(ctx.tf(
            "schedule.history.reassigned",
            &[
                ("from", &name("interpreter_from")?),
                ("to", &name("interpreter_to")?),
            ],
        )),
        "booking.rescheduled" => {
            let to = detail.get("to")?.as_i64()?;
            let at = time::OffsetDateTime::from_unix_timestamp(to).ok()?;
            Some(ctx.tf("schedule.history.moved_to", &[("time", &ctx.datetime(at))]))
        }
        "booking.status_changed" => {
            let to = BookingStatus::parse(detail.get("to")?.as_str()?)?;
            Some(view::status_label(ctx, to).to_owned())
        }
        "booking.cancelled" => {
            let by = match detail.get("by")?.as_str()? {
                "customer" => ctx.t("schedule.history.by_customer"),
                _ => ctx.t("schedule.history.by_staff"),
            };
            match detail.get("reason").and_then(|r| r.as_str()) {
                Some(reason) => Some(format!(
                    "{by} {}",
                    ctx.tf("schedule.history.reason", &[("reason", reason)])
                )),
                None => Some(by.to_owned()),
            }
        }
        _ => None,
    }
}

/// Draws the session page, with what was typed and what was wrong, and what was just
/// `done`.
async fn session_markup(
    state: &AppState,
    ctx: &PageContext,
    b: &Booking,
    manage: bool,
    forms: &SessionForms,
    errors: &Errors,
    done: &str,
) -> Result<Markup> {
    let tz = state.config.timezone;
    let names = crate::services::staff::display_names(&state.db).await?;
    let notes: Vec<NoteLine> = booking::queries::notes(&state.db, b.id)
        .await?
        .into_iter()
        .map(|n| NoteLine {
            author: n.author,
            at: n.at,
            body: n.body,
        })
        .collect();
    let history: Vec<HistoryLine> = schedule_board::history(&state.db, b.id)
        .await?
        .into_iter()
        .map(|e| HistoryLine {
            at: e.occurred_at,
            actor: e
                .actor_staff_id
                .and_then(|id| names.get(&id).cloned())
                .unwrap_or_else(|| ctx.t("schedule.history.no_staff").to_owned()),
            action: ctx.t(&format!("audit.{}", e.action)).to_owned(),
            detail: history_detail(ctx, &e.action, &e.detail, &names),
        })
        .collect();
    let booked = b.status == BookingStatus::Booked;
    let mut choices: Vec<(i64, String)> = if manage && booked {
        reassignment::reassign_choices(&state.db, tz, b)
            .await?
            .into_iter()
            .map(|id| (id, names.get(&id).cloned().unwrap_or_default()))
            .collect()
    } else {
        Vec::new()
    };
    choices.sort_by(|a, b| a.1.cmp(&b.1).then(a.0.cmp(&b.0)));
    let back = if manage {
        format!(
            "{}?week={}",
            paths::staff::SCHEDULE,
            iso(monday_of(crate::services::calendar::local_date(
                b.starts_at,
                tz
            )))
        )
    } else {
        paths::staff::MY_SESSIONS.to_owned()
    };
    let detail = detail(b, &names, &settings::load(&state.db).await?);
    // Those who run the schedule see who booked it, and how to reach the customer once a
    // proxy's registration has ended.
    let proxy = match manage {
        true => crate::web::staff_proxies::origin(state, ctx, b.proxy_registration_id).await?,
        false => None,
    };
    let notice = match done {
        "reassigned" | "cancelled" if proxy.as_ref().is_some_and(|o| o.emails_nobody()) => {
            Some(ctx.t("proxy_origin.done_not_emailed"))
        }
        _ => session_notice(ctx, done),
    };
    let transcript = match b.mode {
        SessionMode::WrittenChat => Some(crate::web::chat::lines(state, b).await?),
        _ => None,
    };
    let chat_notes = match b.mode {
        SessionMode::WrittenChat => crate::web::staff_room::note_lines(state, b.id).await?,
        _ => Vec::new(),
    };
    let flags = SessionFlags {
        attention: attention::attention_for(&state.db, tz, std::slice::from_ref(b))
            .await?
            .remove(&b.id)
            .unwrap_or_default(),
        language_unchecked: booked
            && language_fit(b.sign_language.as_deref(), &[]) == LanguageFit::Unchecked,
        new_time_asked: b.rebook_asked_at.filter(|_| booked),
        started: b.starts_at <= state.now(),
    };
    Ok(view::session(
        ctx,
        SessionView {
            detail: &detail,
            flags: &flags,
            notes: &notes,
            history: &history,
            manage,
            choices: &choices,
            forms,
            errors,
            notice,
            back: &back,
            proxy: proxy.as_ref(),
            transcript: transcript.as_deref(),
            chat_notes: &chat_notes,
        },
    ))
}

fn session_notice(ctx: &PageContext, done: &str) -> Option<&'static str> {
    let key = match done {
        "reassigned" => "schedule.done.reassigned",
        "outcome" => "schedule.done.outcome",
        "note" => "schedule.done.note",
        "cancelled" => "schedule.done.cancelled",
        "new_time_asked" => "attention.done.new_time_asked",
        _ => return None,
    };
    Some(crate::i18n::t(ctx.lang, key))
}

/// One session. A written-chat session's messages are part of its record: a reader other
/// than its interpreter is recorded in the audit log when there are messages to read.
pub async fn session(
    act: StaffAct,
    Path(id): Path<String>,
    Query(query): Query<DoneQuery>,
) -> Result<Markup> {
    let StaffAct {
        state, ctx, staff, ..
    } = &act;
    let (b, manage) = visible_session(state, staff, &id).await?;
    if b.mode == SessionMode::WrittenChat {
        let read = chat::messages(&state.db, b.id).await?.len();
        chat::note_read(&act.uc(), &b, read).await?;
    }
    session_markup(
        state,
        ctx,
        &b,
        manage,
        &SessionForms::default(),
        &Errors::new(),
        &query.done,
    )
    .await
}

async fn session_rejected(
    state: &AppState,
    ctx: &PageContext,
    b: &Booking,
    manage: bool,
    forms: &SessionForms,
    errors: &Errors,
) -> Result<Response> {
    Ok(rejected(
        session_markup(state, ctx, b, manage, forms, errors, "").await?,
    ))
}

/// The fields of a session page's forms; each form sends one of them.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct SessionForm {
    interpreter: String,
    outcome: String,
    note: String,
    reason: String,
}

fn done(b: &Booking, what: &str) -> Response {
    see_other(&format!("{}?done={what}", paths::staff::session(b.id)))
}

/// Gives a session to another interpreter.
pub async fn reassign(
    act: StaffAct,
    Path(id): Path<String>,
    Form(form): Form<SessionForm>,
) -> Result<Response> {
    let StaffAct {
        state, ctx, staff, ..
    } = &act;
    let (b, manage) = visible_session(state, staff, &id).await?;
    let forms = SessionForms {
        interpreter: form.interpreter,
        ..Default::default()
    };
    let mut errors = Errors::new();
    if b.status != BookingStatus::Booked {
        errors.add("session-status", "schedule.error.not_booked");
        return session_rejected(state, ctx, &b, manage, &forms, &errors).await;
    }
    let Ok(target) = forms.interpreter.trim().parse::<i64>() else {
        errors.add("interpreter", "schedule.error.interpreter_missing");
        return session_rejected(state, ctx, &b, manage, &forms, &errors).await;
    };
    match reassignment::reassign(&act.uc(), b.id, target).await {
        Ok(_) => Ok(done(&b, "reassigned")),
        Err(BookingError::InterpreterBusy) => {
            let names = crate::services::staff::display_names(&state.db).await?;
            match names.get(&target) {
                Some(name) => errors.add_with(
                    "interpreter",
                    "schedule.error.interpreter_busy",
                    vec![("name", name.clone())],
                ),
                None => errors.add("interpreter", "schedule.error.interpreter_missing"),
            }
            session_rejected(state, ctx, &b, manage, &forms, &errors).await
        }
        Err(BookingError::NotBooked) => {
            errors.add("session-status", "schedule.error.not_booked");
            let b = booking::get(&state.db, b.id).await?.unwrap_or(b);
            session_rejected(state, ctx, &b, manage, &forms, &errors).await
        }
        Err(e) => Err(booking_error(e)),
    }
}

/// Says that how a session went can be told only once it has started.
fn not_started(ctx: &PageContext, errors: &mut Errors, b: &Booking) {
    errors.add_with(
        "session-status",
        "schedule.error.outcome_not_started",
        vec![("time", ctx.datetime(b.starts_at))],
    );
}

/// Asks the customer to choose another time, when the interpreter can no longer come.
pub async fn ask_new_time(act: StaffAct, Path(id): Path<String>) -> Result<Response> {
    let StaffAct {
        state, ctx, staff, ..
    } = &act;
    let (b, manage) = visible_session(state, staff, &id).await?;
    match reassignment::ask_new_time(&act.uc(), b.id).await {
        Ok(_) => Ok(done(&b, "new_time_asked")),
        Err(BookingError::NotBooked) => {
            let mut errors = Errors::new();
            errors.add("session-status", "schedule.error.not_booked");
            let b = booking::get(&state.db, b.id).await?.unwrap_or(b);
            let forms = SessionForms::default();
            session_rejected(state, ctx, &b, manage, &forms, &errors).await
        }
        Err(e) => Err(booking_error(e)),
    }
}

/// Records how a session went.
pub async fn outcome(
    act: StaffAct,
    Path(id): Path<String>,
    Form(form): Form<SessionForm>,
) -> Result<Response> {
    let StaffAct {
        state, ctx, staff, ..
    } = &act;
    let (b, manage) = visible_session(state, staff, &id).await?;
    let forms = SessionForms {
        outcome: form.outcome,
        ..Default::default()
    };
    let mut errors = Errors::new();
    if b.status == BookingStatus::Cancelled {
        errors.add("session-status", "schedule.error.cancelled");
        return session_rejected(state, ctx, &b, manage, &forms, &errors).await;
    }
    if b.starts_at > state.now() {
        not_started(ctx, &mut errors, &b);
        return session_rejected(state, ctx, &b, manage, &forms, &errors).await;
    }
    let Some(outcome) = BookingStatus::parse(&forms.outcome).filter(|s| OUTCOMES.contains(s))
    else {
        errors.add("outcome", "schedule.error.outcome_missing");
        return session_rejected(state, ctx, &b, manage, &forms, &errors).await;
    };
    match booking::manage::set_outcome(&act.uc(), b.id, outcome).await {
        Ok(_) => Ok(done(&b, "outcome")),
        Err(BookingError::NotStarted { .. }) => {
            not_started(ctx, &mut errors, &b);
            session_rejected(state, ctx, &b, manage, &forms, &errors).await
        }
        Err(BookingError::NotBooked) => {
            errors.add("session-status", "schedule.error.cancelled");
            let b = booking::get(&state.db, b.id).await?.unwrap_or(b);
            session_rejected(state, ctx, &b, manage, &forms, &errors).await
        }
        Err(e) => Err(booking_error(e)),
    }
}

/// Adds an internal note to a session.
pub async fn add_note(
    act: StaffAct,
    Path(id): Path<String>,
    Form(form): Form<SessionForm>,
) -> Result<Response> {
    let StaffAct {
        state, ctx, staff, ..
    } = &act;
    let (b, manage) = visible_session(state, staff, &id).await?;
    let forms = SessionForms {
        note: form.note,
        ..Default::default()
    };
    let body = forms.note.trim();
    let mut errors = Errors::new();
    if body.is_empty() {
        errors.add("note", "schedule.error.note_missing");
    } else if body.chars().count() > NOTE_MAX_CHARS {
        errors.add_with(
            "note",
            "schedule.error.note_too_long",
            vec![("max", NOTE_MAX_CHARS.to_string())],
        );
    }
    if !errors.is_empty() {
        return session_rejected(state, ctx, &b, manage, &forms, &errors).await;
    }
    booking::manage::add_note(&act.uc(), staff.id, b.id, body)
        .await
        .map_err(booking_error)?;
    Ok(done(&b, "note"))
}

/// The page that asks before a session is cancelled.
pub async fn cancel_form(
    State(state): State<AppState>,
    ctx: PageContext,
    CurrentStaff(staff): CurrentStaff,
    Path(id): Path<String>,
) -> Result<Markup> {
    let (b, _) = visible_session(&state, &staff, &id).await?;
    let names = crate::services::staff::display_names(&state.db).await?;
    Ok(view::cancel_confirm(
        &ctx,
        &detail(&b, &names, &settings::load(&state.db).await?),
        "",
        &Errors::new(),
    ))
}

/// Cancels a session; the customer is emailed.
pub async fn cancel(
    act: StaffAct,
    Path(id): Path<String>,
    Form(form): Form<SessionForm>,
) -> Result<Response> {
    let StaffAct {
        state, ctx, staff, ..
    } = &act;
    let (b, manage) = visible_session(state, staff, &id).await?;
    let typed = form.reason.as_str();
    let reason = typed.trim();
    let mut errors = Errors::new();
    if reason.chars().count() > REASON_MAX_CHARS {
        errors.add_with(
            "reason",
            "schedule.error.reason_too_long",
            vec![("max", REASON_MAX_CHARS.to_string())],
        );
        let names = crate::services::staff::display_names(&state.db).await?;
        return Ok(rejected(view::cancel_confirm(
            ctx,
            &detail(&b, &names, &settings::load(&state.db).await?),
            typed,
            &errors,
        )));
    }
    let reason = (!reason.is_empty()).then(|| reason.to_owned());
    match booking::manage::cancel(&act.uc(), b.id, ChangedBy::Staff, reason).await {
        Ok(_) => Ok(done(&b, "cancelled")),
        Err(BookingError::NotBooked) => {
            errors.add("session-status", "schedule.error.not_booked");
            session_rejected(state, ctx, &b, manage, &SessionForms::default(), &errors).await
        }
        Err(e) => Err(booking_error(e)),
    }
}

/// The signed-in interpreter's sessions from today on.
pub async fn my_sessions(
    State(state): State<AppState>,
    ctx: PageContext,
    CurrentStaff(staff): CurrentStaff,
) -> Result<Markup> {
    let from = crate::services::calendar::day_start(today(&state), state.config.timezone);
    let sessions: Vec<SessionLine> = schedule_board::sessions_from(&state.db, staff.id, from)
        .await?
        .iter()
        .map(line)
        .collect();
    Ok(view::my_sessions(&ctx, &sessions))
}

/// Sends an interpreter to their own availability page.
pub async fn my_availability(CurrentStaff(staff): CurrentStaff) -> Response {
    see_other(&paths::staff::interpreter(staff.id))
}
