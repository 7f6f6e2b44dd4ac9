//! Handlers for the staff side of sessions: the week board, one session (reassign, outcome,
//! notes, cancel), an interpreter's own sessions, interpreters' availability, and the desk's
//! session settings.
//!
//! Some routes are open to two kinds of staff: coordinators (and above) for anyone, and an
//! interpreter for their own. Those routes name `ViewDashboard` in the route table and check
//! here; a page that is not the interpreter's own answers 404, so its existence is not told.

use super::AppState;
use super::context::{ClientIp, CurrentStaff};
use super::forms::{rejected, see_other};
use crate::domain::room::TemplateRefused;
use crate::domain::schedule::{DayChange, LocalSpan, ModeRules, SessionMode, hhmm, parse_hhmm};
use crate::domain::{BookingStatus, Invalid, Permission, Qualification, RoomTemplate, dates};
use crate::error::{Error, Result};
use crate::services::auth::SignedInStaff;
use crate::services::booking::{self, Booking, BookingError, ChangedBy};
use crate::services::interpreters::{self, Interpreter};
use crate::services::{desk, schedule_board};
use crate::views::PageContext;
use crate::views::components::Errors;
use crate::views::schedule::{
    self as view, Board, BoardRow, ClosedForm, ExceptionForm, ExceptionRow, HistoryLine,
    InterpreterRow, InterpreterView, NoteLine, OUTCOMES, RULE_FIELDS, SessionDetail, SessionForms,
    SessionLine, SessionView, SettingsView, SpanForm, iso, rule_bounds, rule_field, rule_label,
    span_field, span_label,
};
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use maud::Markup;
use std::collections::{BTreeMap, HashMap};
use time::{Date, Duration, Time};

/// The longest internal note, in characters.
const NOTE_MAX_CHARS: usize = 2000;
/// The longest reason for a cancellation, in characters.
const REASON_MAX_CHARS: usize = 500;
/// The longest note on a closed day, in characters.
const CLOSED_NOTE_MAX_CHARS: usize = 100;
/// The largest number of hours before a session for the reminder (a week).
const REMINDER_MAX_HOURS: i64 = 168;
/// How far ahead date exceptions and closed days are listed.
const LIST_AHEAD_DAYS: i64 = 3 * 366;

/// A submitted form or query string, first value of each name kept.
type Fields = HashMap<String, String>;

fn fields(pairs: Vec<(String, String)>) -> Fields {
    let mut out = HashMap::new();
    for (k, v) in pairs {
        out.entry(k).or_insert(v);
    }
    out
}

fn value<'a>(fields: &'a Fields, name: &str) -> &'a str {
    fields.get(name).map(String::as_str).unwrap_or("")
}

fn parse_id(raw: &str) -> Result<i64> {
    raw.parse::<i64>().map_err(|_| Error::NotFound)
}

fn today(state: &AppState) -> Date {
    booking::local_date(state.now(), state.config.timezone)
}

fn monday_of(day: Date) -> Date {
    day - Duration::days(i64::from(day.weekday().number_days_from_monday()))
}

/// A date from the address bar or a form, kept within years where adding a few weeks or
/// years can never overflow.
fn sane_day(raw: &str) -> Option<Date> {
    dates::parse_day(raw).ok()
}

fn booking_error(e: BookingError) -> Error {
    match e {
        BookingError::NotFound => Error::NotFound,
        BookingError::Database(e) => Error::Database(e),
        other => Error::Internal(other.to_string()),
    }
}

/// Whether a staff member may see one interpreter's page or one session of theirs.
fn may_see(staff: &SignedInStaff, interpreter_id: i64) -> bool {
    staff.role.may(Permission::ManageSchedule)
        || (staff.role.may(Permission::ManageOwnSessions) && staff.id == interpreter_id)
}

fn line(b: &Booking) -> SessionLine {
    SessionLine {
        id: b.id,
        reference: b.reference.clone(),
        starts_at: b.starts_at,
        ends_at: b.ends_at,
        mode: SessionMode::parse(&b.mode),
        status: BookingStatus::parse(&b.status),
    }
}

// ---------------------------------------------------------------------------------------
// The week board.

/// The week board: `?week=YYYY-MM-DD` (any day of the week) and `?mode=`. Values that
/// cannot be read fall back to this week and every mode.
pub async fn board(
    State(state): State<AppState>,
    ctx: PageContext,
    Query(query): Query<Vec<(String, String)>>,
) -> Result<Markup> {
    let query = fields(query);
    let tz = state.config.timezone;
    let this_monday = monday_of(today(&state));
    let monday = sane_day(value(&query, "week"))
        .map(monday_of)
        .unwrap_or(this_monday);
    let mode = SessionMode::parse(value(&query, "mode"));
    let from = booking::day_start(monday, tz);
    let until = booking::day_start(monday + Duration::days(7), tz);
    let sessions = booking::between(&state.db, from, until, mode, None).await?;
    let list = interpreters::list(&state.db).await?;
    let names = booking::display_names(&state.db).await?;

    let booked_ids: Vec<i64> = sessions.iter().map(|b| b.interpreter_id).collect();
    let mut order: Vec<(i64, String, bool)> = list
        .iter()
        .filter(|i| {
            let serves = i.active
                && mode.is_none_or(|m| i.qualifications.contains(&Qualification::for_mode(m)));
            serves || booked_ids.contains(&i.id)
        })
        .map(|i| (i.id, i.display_name.clone(), !i.active))
        .collect();
    // A session can outlive its interpreter's role: give it a row all the same.
    for id in &booked_ids {
        if !order.iter().any(|(known, _, _)| known == id) {
            let name = names.get(id).cloned().unwrap_or_else(|| id.to_string());
            order.push((*id, name, false));
        }
    }
    let mut rows: Vec<BoardRow> = order
        .iter()
        .map(|(_, name, inactive)| BoardRow {
            name: name.clone(),
            inactive: *inactive,
            days: vec![Vec::new(); 7],
        })
        .collect();
    for b in &sessions {
        let day = (booking::local_date(b.starts_at, tz) - monday).whole_days();
        let row = order.iter().position(|(id, _, _)| *id == b.interpreter_id);
        if let (Some(row), Ok(day @ 0..=6)) = (row, usize::try_from(day)) {
            rows[row].days[day].push(line(b));
        }
    }
    Ok(view::board(
        &ctx,
        Board {
            monday,
            this_monday,
            mode,
            rows: &rows,
            count: sessions.len(),
            no_room_template: desk::load(&state.db).await?.room_template.is_none(),
        },
    ))
}

// ---------------------------------------------------------------------------------------
// One session.

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

fn detail(b: &Booking, names: &HashMap<i64, String>, d: &desk::Desk) -> SessionDetail {
    SessionDetail {
        joining: booking::joining(d, b),
        id: b.id,
        reference: b.reference.clone(),
        mode: SessionMode::parse(&b.mode),
        starts_at: b.starts_at,
        ends_at: b.ends_at,
        status: BookingStatus::parse(&b.status),
        interpreter: names.get(&b.interpreter_id).cloned().unwrap_or_default(),
        customer_name: b.customer_name.clone(),
        email: b.email.clone(),
        member_number: b.member_number.clone(),
        topic: b.topic.clone(),
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
            let to = BookingStatus::parse(detail.get("to")?.as_str()?);
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
    let names = booking::display_names(&state.db).await?;
    let notes: Vec<NoteLine> = booking::notes(&state.db, b.id)
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
    let booked = BookingStatus::parse(&b.status) == Some(BookingStatus::Booked);
    let mut choices: Vec<(i64, String)> = if manage && booked {
        booking::reassign_choices(&state.db, tz, b)
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
            "/staff/schedule?week={}",
            iso(monday_of(booking::local_date(b.starts_at, tz)))
        )
    } else {
        "/staff/my-sessions".to_owned()
    };
    let detail = detail(b, &names, &desk::load(&state.db).await?);
    // Those who run the schedule see who booked it, and how to reach the customer once a
    // proxy's registration has ended.
    let proxy = match manage {
        true => super::staff_proxies::origin(state, ctx, b.proxy_registration_id).await?,
        false => None,
    };
    let notice = match done {
        "reassigned" | "cancelled" if proxy.as_ref().is_some_and(|o| o.emails_nobody()) => {
            Some(ctx.t("proxy_origin.done_not_emailed"))
        }
        _ => session_notice(ctx, done),
    };
    Ok(view::session(
        ctx,
        SessionView {
            detail: &detail,
            notes: &notes,
            history: &history,
            manage,
            choices: &choices,
            forms,
            errors,
            notice,
            back: &back,
            proxy: proxy.as_ref(),
        },
    ))
}

fn session_notice(ctx: &PageContext, done: &str) -> Option<&'static str> {
    let key = match done {
        "reassigned" => "schedule.done.reassigned",
        "outcome" => "schedule.done.outcome",
        "note" => "schedule.done.note",
        "cancelled" => "schedule.done.cancelled",
        _ => return None,
    };
    Some(crate::i18n::t(ctx.lang, key))
}

/// One session.
pub async fn session(
    State(state): State<AppState>,
    ctx: PageContext,
    CurrentStaff(staff): CurrentStaff,
    Path(id): Path<String>,
    Query(query): Query<Vec<(String, String)>>,
) -> Result<Markup> {
    let (b, manage) = visible_session(&state, &staff, &id).await?;
    let query = fields(query);
    session_markup(
        &state,
        &ctx,
        &b,
        manage,
        &SessionForms::default(),
        &Errors::new(),
        value(&query, "done"),
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

fn done(b: &Booking, what: &str) -> Response {
    see_other(&format!("/staff/sessions/{}?done={what}", b.id))
}

/// Gives a session to another interpreter.
pub async fn reassign(
    State(state): State<AppState>,
    ctx: PageContext,
    CurrentStaff(staff): CurrentStaff,
    ClientIp(ip): ClientIp,
    Path(id): Path<String>,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response> {
    let (b, manage) = visible_session(&state, &staff, &id).await?;
    let form = fields(form);
    let forms = SessionForms {
        interpreter: value(&form, "interpreter").to_owned(),
        ..Default::default()
    };
    let mut errors = Errors::new();
    if BookingStatus::parse(&b.status) != Some(BookingStatus::Booked) {
        errors.add("session-status", "schedule.error.not_booked");
        return session_rejected(&state, &ctx, &b, manage, &forms, &errors).await;
    }
    let Ok(target) = forms.interpreter.trim().parse::<i64>() else {
        errors.add("interpreter", "schedule.error.interpreter_missing");
        return session_rejected(&state, &ctx, &b, manage, &forms, &errors).await;
    };
    match booking::reassign(
        &state.db,
        state.now(),
        &state.config,
        &staff.actor(ip),
        b.id,
        target,
    )
    .await
    {
        Ok(_) => {
            state.mail_waiting();
            Ok(done(&b, "reassigned"))
        }
        Err(BookingError::InterpreterBusy) => {
            let names = booking::display_names(&state.db).await?;
            match names.get(&target) {
                Some(name) => errors.add_with(
                    "interpreter",
                    "schedule.error.interpreter_busy",
                    vec![("name", name.clone())],
                ),
                None => errors.add("interpreter", "schedule.error.interpreter_missing"),
            }
            session_rejected(&state, &ctx, &b, manage, &forms, &errors).await
        }
        Err(BookingError::NotBooked) => {
            errors.add("session-status", "schedule.error.not_booked");
            let b = booking::get(&state.db, b.id).await?.unwrap_or(b);
            session_rejected(&state, &ctx, &b, manage, &forms, &errors).await
        }
        Err(e) => Err(booking_error(e)),
    }
}

/// Records how a session went.
pub async fn outcome(
    State(state): State<AppState>,
    ctx: PageContext,
    CurrentStaff(staff): CurrentStaff,
    ClientIp(ip): ClientIp,
    Path(id): Path<String>,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response> {
    let (b, manage) = visible_session(&state, &staff, &id).await?;
    let form = fields(form);
    let forms = SessionForms {
        outcome: value(&form, "outcome").to_owned(),
        ..Default::default()
    };
    let mut errors = Errors::new();
    if BookingStatus::parse(&b.status) == Some(BookingStatus::Cancelled) {
        errors.add("session-status", "schedule.error.cancelled");
        return session_rejected(&state, &ctx, &b, manage, &forms, &errors).await;
    }
    let Some(outcome) = BookingStatus::parse(&forms.outcome).filter(|s| OUTCOMES.contains(s))
    else {
        errors.add("outcome", "schedule.error.outcome_missing");
        return session_rejected(&state, &ctx, &b, manage, &forms, &errors).await;
    };
    match booking::set_outcome(&state.db, state.now(), &staff.actor(ip), b.id, outcome).await {
        Ok(_) => Ok(done(&b, "outcome")),
        Err(BookingError::NotBooked) => {
            errors.add("session-status", "schedule.error.cancelled");
            let b = booking::get(&state.db, b.id).await?.unwrap_or(b);
            session_rejected(&state, &ctx, &b, manage, &forms, &errors).await
        }
        Err(e) => Err(booking_error(e)),
    }
}

/// Adds an internal note to a session.
pub async fn add_note(
    State(state): State<AppState>,
    ctx: PageContext,
    CurrentStaff(staff): CurrentStaff,
    ClientIp(ip): ClientIp,
    Path(id): Path<String>,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response> {
    let (b, manage) = visible_session(&state, &staff, &id).await?;
    let form = fields(form);
    let forms = SessionForms {
        note: value(&form, "note").to_owned(),
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
        return session_rejected(&state, &ctx, &b, manage, &forms, &errors).await;
    }
    booking::add_note(
        &state.db,
        state.now(),
        &staff.actor(ip),
        staff.id,
        b.id,
        body,
    )
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
    let names = booking::display_names(&state.db).await?;
    Ok(view::cancel_confirm(
        &ctx,
        &detail(&b, &names, &desk::load(&state.db).await?),
        "",
        &Errors::new(),
    ))
}

/// Cancels a session; the customer is emailed.
pub async fn cancel(
    State(state): State<AppState>,
    ctx: PageContext,
    CurrentStaff(staff): CurrentStaff,
    ClientIp(ip): ClientIp,
    Path(id): Path<String>,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response> {
    let (b, manage) = visible_session(&state, &staff, &id).await?;
    let form = fields(form);
    let typed = value(&form, "reason");
    let reason = typed.trim();
    let mut errors = Errors::new();
    if reason.chars().count() > REASON_MAX_CHARS {
        errors.add_with(
            "reason",
            "schedule.error.reason_too_long",
            vec![("max", REASON_MAX_CHARS.to_string())],
        );
        let names = booking::display_names(&state.db).await?;
        return Ok(rejected(view::cancel_confirm(
            &ctx,
            &detail(&b, &names, &desk::load(&state.db).await?),
            typed,
            &errors,
        )));
    }
    let reason = (!reason.is_empty()).then(|| reason.to_owned());
    match booking::cancel(
        &state.db,
        state.now(),
        &state.config,
        &staff.actor(ip),
        b.id,
        ChangedBy::Staff,
        reason,
    )
    .await
    {
        Ok(_) => {
            state.mail_waiting();
            Ok(done(&b, "cancelled"))
        }
        Err(BookingError::NotBooked) => {
            errors.add("session-status", "schedule.error.not_booked");
            session_rejected(&state, &ctx, &b, manage, &SessionForms::default(), &errors).await
        }
        Err(e) => Err(booking_error(e)),
    }
}

// ---------------------------------------------------------------------------------------
// One's own sessions.

/// The signed-in interpreter's sessions from today on.
pub async fn my_sessions(
    State(state): State<AppState>,
    ctx: PageContext,
    CurrentStaff(staff): CurrentStaff,
) -> Result<Markup> {
    let from = booking::day_start(today(&state), state.config.timezone);
    let sessions: Vec<SessionLine> = schedule_board::sessions_from(&state.db, staff.id, from)
        .await?
        .iter()
        .map(line)
        .collect();
    Ok(view::my_sessions(&ctx, &sessions))
}

/// Sends an interpreter to their own availability page.
pub async fn my_availability(CurrentStaff(staff): CurrentStaff) -> Response {
    see_other(&format!("/staff/interpreters/{}", staff.id))
}

// ---------------------------------------------------------------------------------------
// Interpreters.

fn interpreter_row(i: Interpreter) -> InterpreterRow {
    InterpreterRow {
        id: i.id,
        display_name: i.display_name,
        full_name: i.full_name,
        active: i.active,
        qualifications: i.qualifications,
    }
}

/// Every interpreter, with qualifications.
pub async fn interpreters_list(State(state): State<AppState>, ctx: PageContext) -> Result<Markup> {
    let rows: Vec<InterpreterRow> = interpreters::list(&state.db)
        .await?
        .into_iter()
        .map(interpreter_row)
        .collect();
    Ok(view::interpreters(&ctx, &rows))
}

/// Loads an interpreter the staff member may see, and whether they manage the schedule.
async fn visible_interpreter(
    state: &AppState,
    staff: &SignedInStaff,
    raw_id: &str,
) -> Result<(Interpreter, bool)> {
    let id = parse_id(raw_id)?;
    if !may_see(staff, id) {
        return Err(Error::NotFound);
    }
    let found = interpreters::get(&state.db, id)
        .await?
        .ok_or(Error::NotFound)?;
    Ok((found, staff.role.may(Permission::ManageSchedule)))
}

/// What the interpreter page's forms show instead of the stored values, after a rejection.
#[derive(Default)]
struct InterpreterTyped {
    weekly: Option<Fields>,
    qualifications: Option<Vec<String>>,
    exception: ExceptionForm,
}

fn spans_to_fields(form: SpanForm, week: &BTreeMap<u8, Vec<LocalSpan>>) -> Fields {
    let mut out = HashMap::new();
    for (day, spans) in week {
        for (i, span) in spans.iter().take(form.per_day()).enumerate() {
            out.insert(
                span_field(form, *day, i + 1, false).to_owned(),
                hhmm(span.starts),
            );
            out.insert(
                span_field(form, *day, i + 1, true).to_owned(),
                hhmm(span.ends),
            );
        }
    }
    out
}

#[allow(clippy::too_many_arguments)]
async fn interpreter_markup(
    state: &AppState,
    ctx: &PageContext,
    staff: &SignedInStaff,
    found: Interpreter,
    manage: bool,
    typed: InterpreterTyped,
    errors: &Errors,
    notice: Option<&str>,
) -> Result<Markup> {
    let id = found.id;
    let weekly = match typed.weekly {
        Some(typed) => typed,
        None => {
            let stored = interpreters::weekly_of(&state.db, &[id]).await?;
            stored
                .get(&id)
                .map(|week| spans_to_fields(SpanForm::Availability, week))
                .unwrap_or_default()
        }
    };
    let from = today(state);
    let exceptions: Vec<ExceptionRow> = interpreters::exceptions_between(
        &state.db,
        &[id],
        from,
        from + Duration::days(LIST_AHEAD_DAYS),
    )
    .await?
    .remove(&id)
    .unwrap_or_default()
    .into_iter()
    .map(|e| ExceptionRow {
        id: e.id,
        day: e.day,
        extra: match e.change {
            DayChange::Off => None,
            DayChange::Extra(span) => Some((hhmm(span.starts), hhmm(span.ends))),
        },
    })
    .collect();
    let qualifications: Vec<String> = typed.qualifications.unwrap_or_else(|| {
        found
            .qualifications
            .iter()
            .map(|q| q.as_str().to_owned())
            .collect()
    });
    let ticked: Vec<&str> = qualifications.iter().map(String::as_str).collect();
    let row = interpreter_row(found);
    Ok(view::interpreter(
        ctx,
        InterpreterView {
            interpreter: &row,
            manage,
            own: staff.id == id,
            weekly: &weekly,
            qualifications: &ticked,
            exceptions: &exceptions,
            exception_form: &typed.exception,
            errors,
            notice,
        },
    ))
}

fn interpreter_notice(ctx: &PageContext, done: &str) -> Option<&'static str> {
    let key = match done {
        "weekly" => "schedule.done.weekly",
        "qualifications" => "schedule.done.qualifications",
        "exception_added" => "schedule.done.exception_added",
        "exception_removed" => "schedule.done.exception_removed",
        _ => return None,
    };
    Some(crate::i18n::t(ctx.lang, key))
}

/// One interpreter's availability and qualifications.
pub async fn interpreter_page(
    State(state): State<AppState>,
    ctx: PageContext,
    CurrentStaff(staff): CurrentStaff,
    Path(id): Path<String>,
    Query(query): Query<Vec<(String, String)>>,
) -> Result<Markup> {
    let (found, manage) = visible_interpreter(&state, &staff, &id).await?;
    let query = fields(query);
    let notice = interpreter_notice(&ctx, value(&query, "done"));
    interpreter_markup(
        &state,
        &ctx,
        &staff,
        found,
        manage,
        InterpreterTyped::default(),
        &Errors::new(),
        notice,
    )
    .await
}

fn interpreter_done(id: i64, what: &str) -> Response {
    see_other(&format!("/staff/interpreters/{id}?done={what}"))
}

/// Reads a time field; `label` names the field in the error.
fn time_field(errors: &mut Errors, name: &'static str, raw: &str, label: &str) -> Option<Time> {
    match parse_hhmm(raw) {
        Ok(at) => Some(at),
        Err(why) => {
            let key = if why == Invalid::Missing {
                "schedule.error.time_missing"
            } else {
                "schedule.error.time_format"
            };
            errors.add_with(name, key, vec![("label", label.to_owned())]);
            None
        }
    }
}

/// Reads a week of spans (availability or opening hours): each pair both empty or both
/// times on the quarter hour, the end after the start, no two spans of a day overlapping.
fn read_spans(
    ctx: &PageContext,
    form: SpanForm,
    typed: &Fields,
    errors: &mut Errors,
) -> BTreeMap<u8, Vec<LocalSpan>> {
    let mut week = BTreeMap::new();
    for day in 1..=7u8 {
        let mut spans: Vec<(usize, LocalSpan)> = Vec::new();
        for n in 1..=form.per_day() {
            let from_name = span_field(form, day, n, false);
            let to_name = span_field(form, day, n, true);
            let from = value(typed, from_name).trim();
            let to = value(typed, to_name).trim();
            if from.is_empty() && to.is_empty() {
                continue;
            }
            let from_label = span_label(ctx, form, day, n, false);
            let to_label = span_label(ctx, form, day, n, true);
            let starts = time_field(errors, from_name, from, &from_label);
            let ends = time_field(errors, to_name, to, &to_label);
            if let (Some(starts), Some(ends)) = (starts, ends) {
                if ends <= starts {
                    errors.add_with(
                        to_name,
                        "schedule.error.end_before_start",
                        vec![("label", to_label)],
                    );
                } else {
                    spans.push((n, LocalSpan { starts, ends }));
                }
            }
        }
        spans.sort_by_key(|(_, span)| *span);
        let mut kept: Vec<LocalSpan> = Vec::new();
        for (n, span) in spans {
            let overlaps = kept.last().is_some_and(|last| span.starts < last.ends);
            if overlaps {
                errors.add_with(
                    span_field(form, day, n, false),
                    "schedule.error.overlap",
                    vec![("label", span_label(ctx, form, day, n, false))],
                );
            } else {
                kept.push(span);
            }
        }
        if !kept.is_empty() {
            week.insert(day, kept);
        }
    }
    week
}

fn only_span_fields(form: SpanForm, typed: &Fields) -> Fields {
    let mut out = HashMap::new();
    for day in 1..=7u8 {
        for n in 1..=form.per_day() {
            for end in [false, true] {
                let name = span_field(form, day, n, end);
                out.insert(name.to_owned(), value(typed, name).to_owned());
            }
        }
    }
    out
}

/// Saves an interpreter's usual weekly hours.
pub async fn save_weekly(
    State(state): State<AppState>,
    ctx: PageContext,
    CurrentStaff(staff): CurrentStaff,
    ClientIp(ip): ClientIp,
    Path(id): Path<String>,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response> {
    let (found, manage) = visible_interpreter(&state, &staff, &id).await?;
    let typed = fields(form);
    let mut errors = Errors::new();
    let week = read_spans(&ctx, SpanForm::Availability, &typed, &mut errors);
    if !errors.is_empty() {
        let typed = InterpreterTyped {
            weekly: Some(only_span_fields(SpanForm::Availability, &typed)),
            ..Default::default()
        };
        let page =
            interpreter_markup(&state, &ctx, &staff, found, manage, typed, &errors, None).await?;
        return Ok(rejected(page));
    }
    interpreters::save_weekly(&state.db, state.now(), &staff.actor(ip), found.id, &week).await?;
    Ok(interpreter_done(found.id, "weekly"))
}

/// Replaces an interpreter's qualifications (coordinators and above only).
pub async fn save_qualifications(
    State(state): State<AppState>,
    ctx: PageContext,
    CurrentStaff(staff): CurrentStaff,
    ClientIp(ip): ClientIp,
    Path(id): Path<String>,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response> {
    let (found, manage) = visible_interpreter(&state, &staff, &id).await?;
    let ticked: Vec<String> = form
        .into_iter()
        .filter(|(k, _)| k == "qualification")
        .map(|(_, v)| v)
        .collect();
    let mut chosen: Vec<Qualification> = Vec::new();
    let mut unknown = false;
    for raw in &ticked {
        match Qualification::parse(raw) {
            Some(q) if !chosen.contains(&q) => chosen.push(q),
            Some(_) => {}
            None => unknown = true,
        }
    }
    if unknown {
        let mut errors = Errors::new();
        errors.add("qualification", "schedule.error.qualification_unknown");
        let typed = InterpreterTyped {
            qualifications: Some(ticked),
            ..Default::default()
        };
        let page =
            interpreter_markup(&state, &ctx, &staff, found, manage, typed, &errors, None).await?;
        return Ok(rejected(page));
    }
    chosen.sort_by_key(|q| Qualification::ALL.iter().position(|x| x == q));
    interpreters::set_qualifications(&state.db, state.now(), &staff.actor(ip), found.id, &chosen)
        .await?;
    Ok(interpreter_done(found.id, "qualifications"))
}

/// Reads a date typed as three fields (`{name}-year`, `-month`, `-day`), today or later.
fn date_field(
    errors: &mut Errors,
    name: &'static str,
    typed: &Fields,
    today: Date,
) -> Option<Date> {
    let part = |p: &str| value(typed, &format!("{name}-{p}"));
    match dates::typed_date(part("year"), part("month"), part("day")) {
        Ok(date) if date < today => {
            errors.add(name, "schedule.error.date_past");
            None
        }
        Ok(date) => Some(date),
        Err(Invalid::Missing) => {
            errors.add(name, "schedule.error.date_missing");
            None
        }
        Err(Invalid::OutOfRange) => {
            let last = dates::iso_day(dates::LAST_DAY);
            errors.add_with(name, "schedule.error.date_range", vec![("last", last)]);
            None
        }
        Err(_) => {
            errors.add(name, "schedule.error.date_invalid");
            None
        }
    }
}

/// Adds a day off or extra hours on one date.
pub async fn add_exception(
    State(state): State<AppState>,
    ctx: PageContext,
    CurrentStaff(staff): CurrentStaff,
    ClientIp(ip): ClientIp,
    Path(id): Path<String>,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response> {
    let (found, manage) = visible_interpreter(&state, &staff, &id).await?;
    let typed = fields(form);
    let mut errors = Errors::new();
    let day = date_field(&mut errors, "exception_day", &typed, today(&state));
    let kind = value(&typed, "exception_kind");
    let change = match kind {
        "off" => Some(DayChange::Off),
        "extra" => {
            let from = time_field(
                &mut errors,
                "exception_from",
                value(&typed, "exception_from"),
                ctx.t("schedule.exceptions.from"),
            );
            let to = time_field(
                &mut errors,
                "exception_to",
                value(&typed, "exception_to"),
                ctx.t("schedule.exceptions.to"),
            );
            match (from, to) {
                (Some(starts), Some(ends)) if ends > starts => {
                    Some(DayChange::Extra(LocalSpan { starts, ends }))
                }
                (Some(_), Some(_)) => {
                    errors.add_with(
                        "exception_to",
                        "schedule.error.end_before_start",
                        vec![("label", ctx.t("schedule.exceptions.to").to_owned())],
                    );
                    None
                }
                _ => None,
            }
        }
        _ => {
            errors.add("exception_kind", "schedule.error.kind_missing");
            None
        }
    };
    let (Some(day), Some(change)) = (day, change.filter(|_| errors.is_empty())) else {
        let typed = InterpreterTyped {
            exception: ExceptionForm {
                year: value(&typed, "exception_day-year").to_owned(),
                month: value(&typed, "exception_day-month").to_owned(),
                day: value(&typed, "exception_day-day").to_owned(),
                kind: kind.to_owned(),
                from: value(&typed, "exception_from").to_owned(),
                to: value(&typed, "exception_to").to_owned(),
            },
            ..Default::default()
        };
        let page =
            interpreter_markup(&state, &ctx, &staff, found, manage, typed, &errors, None).await?;
        return Ok(rejected(page));
    };
    interpreters::add_exception(
        &state.db,
        state.now(),
        &staff.actor(ip),
        found.id,
        day,
        change,
    )
    .await?;
    Ok(interpreter_done(found.id, "exception_added"))
}

/// Removes one date exception.
pub async fn remove_exception(
    State(state): State<AppState>,
    CurrentStaff(staff): CurrentStaff,
    ClientIp(ip): ClientIp,
    Path((id, exception_id)): Path<(String, String)>,
) -> Result<Response> {
    let (found, _) = visible_interpreter(&state, &staff, &id).await?;
    let exception_id = parse_id(&exception_id)?;
    if !interpreters::remove_exception(
        &state.db,
        state.now(),
        &staff.actor(ip),
        found.id,
        exception_id,
    )
    .await?
    {
        return Err(Error::NotFound);
    }
    Ok(interpreter_done(found.id, "exception_removed"))
}

// ---------------------------------------------------------------------------------------
// The desk's session settings.

#[derive(Default)]
struct SettingsTyped {
    rules: Option<Fields>,
    reminder_hours: Option<String>,
    room_template: Option<String>,
    hours: Option<Fields>,
    closed: ClosedForm,
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

fn stored_rules(d: &desk::Desk) -> Fields {
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
    let d = desk::load(&state.db).await?;
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
    let from = today(state);
    let closed: Vec<(Date, String)> = d
        .closed
        .iter()
        .filter(|(day, _)| **day >= from)
        .map(|(day, note)| (*day, note.clone()))
        .collect();
    Ok(view::settings(
        ctx,
        SettingsView {
            rules: &rules,
            reminder_hours: &reminder,
            room_template: &room_template,
            template_set,
            hours: &hours,
            closed: &closed,
            closed_form: &typed.closed,
            errors,
            notice,
        },
    ))
}

/// The session settings.
pub async fn settings(
    State(state): State<AppState>,
    ctx: PageContext,
    Query(query): Query<Vec<(String, String)>>,
) -> Result<Markup> {
    let query = fields(query);
    let key = match value(&query, "done") {
        "rules" => Some("schedule.done.rules"),
        "reminders" => Some("schedule.done.reminders"),
        "rooms" => Some("schedule.done.rooms"),
        "hours" => Some("schedule.done.hours"),
        "closed" => Some("schedule.done.closed"),
        "reopened" => Some("schedule.done.reopened"),
        _ => None,
    };
    let notice = key.map(|k| crate::i18n::t(ctx.lang, k));
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
    see_other(&format!("/staff/settings/sessions?done={what}"))
}

/// Saves one mode's rules.
pub async fn save_rules(
    State(state): State<AppState>,
    ctx: PageContext,
    CurrentStaff(staff): CurrentStaff,
    ClientIp(ip): ClientIp,
    Path(mode): Path<String>,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response> {
    let mode = SessionMode::parse(&mode).ok_or(Error::NotFound)?;
    let typed = fields(form);
    let mut errors = Errors::new();
    let mut numbers = [0i64; 5];
    let mut complete = true;
    for (i, field) in RULE_FIELDS.iter().enumerate() {
        let name = rule_field(mode, field);
        match number_field(
            &mut errors,
            name,
            value(&typed, name),
            rule_label(&ctx, field),
            rule_bounds(field),
        ) {
            Some(n) => numbers[i] = n,
            None => complete = false,
        }
    }
    if !complete {
        let mut shown = stored_rules(&desk::load(&state.db).await?);
        for field in RULE_FIELDS {
            let name = rule_field(mode, field);
            shown.insert(name.to_owned(), value(&typed, name).to_owned());
        }
        let typed = SettingsTyped {
            rules: Some(shown),
            ..Default::default()
        };
        return Ok(rejected(
            settings_markup(&state, &ctx, typed, &errors, None).await?,
        ));
    }
    let rules = ModeRules {
        length: Duration::minutes(numbers[0]),
        buffer: Duration::minutes(numbers[1]),
        min_notice: Duration::minutes(numbers[2]),
        horizon_days: numbers[3],
        cancel_cutoff: Duration::minutes(numbers[4]),
    };
    desk::save_rules(&state.db, state.now(), &staff.actor(ip), mode, &rules).await?;
    Ok(settings_done("rules"))
}

/// Saves how long before a session the reminder goes.
pub async fn save_reminders(
    State(state): State<AppState>,
    ctx: PageContext,
    CurrentStaff(staff): CurrentStaff,
    ClientIp(ip): ClientIp,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response> {
    let typed = fields(form);
    let raw = value(&typed, "reminder_hours");
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
            settings_markup(&state, &ctx, typed, &errors, None).await?,
        ));
    };
    desk::save_reminder_hours(&state.db, state.now(), &staff.actor(ip), hours).await?;
    Ok(settings_done("reminders"))
}

/// Saves (or, when left empty, removes) the room-address template of video sessions.
pub async fn save_room_template(
    State(state): State<AppState>,
    ctx: PageContext,
    CurrentStaff(staff): CurrentStaff,
    ClientIp(ip): ClientIp,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response> {
    let typed = fields(form);
    let raw = value(&typed, "room_template");
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
                settings_markup(&state, &ctx, typed, &errors, None).await?,
            ));
        }
    };
    desk::save_room_template(&state.db, state.now(), &staff.actor(ip), template.as_ref()).await?;
    Ok(settings_done("rooms"))
}

/// Saves the weekly opening hours.
pub async fn save_hours(
    State(state): State<AppState>,
    ctx: PageContext,
    CurrentStaff(staff): CurrentStaff,
    ClientIp(ip): ClientIp,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response> {
    let typed = fields(form);
    let mut errors = Errors::new();
    let hours = read_spans(&ctx, SpanForm::Opening, &typed, &mut errors);
    if !errors.is_empty() {
        let typed = SettingsTyped {
            hours: Some(only_span_fields(SpanForm::Opening, &typed)),
            ..Default::default()
        };
        return Ok(rejected(
            settings_markup(&state, &ctx, typed, &errors, None).await?,
        ));
    }
    desk::save_hours(&state.db, state.now(), &staff.actor(ip), &hours).await?;
    Ok(settings_done("hours"))
}

/// Closes the desk on a date.
pub async fn close_day(
    State(state): State<AppState>,
    ctx: PageContext,
    CurrentStaff(staff): CurrentStaff,
    ClientIp(ip): ClientIp,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response> {
    let typed = fields(form);
    let mut errors = Errors::new();
    let day = date_field(&mut errors, "closed_day", &typed, today(&state));
    let note = value(&typed, "closed_note").trim();
    if note.chars().count() > CLOSED_NOTE_MAX_CHARS {
        errors.add_with(
            "closed_note",
            "schedule.error.closed_note_too_long",
            vec![("max", CLOSED_NOTE_MAX_CHARS.to_string())],
        );
    } else if note.chars().any(char::is_control) {
        errors.add("closed_note", "schedule.error.closed_note_format");
    }
    let Some(day) = day.filter(|_| errors.is_empty()) else {
        let typed = SettingsTyped {
            closed: ClosedForm {
                year: value(&typed, "closed_day-year").to_owned(),
                month: value(&typed, "closed_day-month").to_owned(),
                day: value(&typed, "closed_day-day").to_owned(),
                note: value(&typed, "closed_note").to_owned(),
            },
            ..Default::default()
        };
        return Ok(rejected(
            settings_markup(&state, &ctx, typed, &errors, None).await?,
        ));
    };
    desk::close_day(&state.db, state.now(), &staff.actor(ip), day, note).await?;
    Ok(settings_done("closed"))
}

/// Opens a closed day again.
pub async fn reopen_day(
    State(state): State<AppState>,
    CurrentStaff(staff): CurrentStaff,
    ClientIp(ip): ClientIp,
    Path(day): Path<String>,
) -> Result<Response> {
    let day = sane_day(&day).ok_or(Error::NotFound)?;
    if !desk::load(&state.db).await?.closed.contains_key(&day) {
        return Err(Error::NotFound);
    }
    desk::reopen_day(&state.db, state.now(), &staff.actor(ip), day).await?;
    Ok(settings_done("reopened"))
}
