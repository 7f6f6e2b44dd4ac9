//! Saving a change to an interpreter's hours over booked sessions: when a day off or
//! shorter weekly hours would leave sessions without their interpreter, the change is not
//! saved at once. A page lists those sessions first; a coordinator chooses for each (give it
//! to a free interpreter, ask the customer to choose another time, or decide later), and the
//! change is saved with those choices in one go. An interpreter changing their own hours is
//! shown the sessions and saves; a coordinator deals with them from the board.

use super::{Fields, value};
use crate::domain::schedule::DayChange;
use crate::error::Result;
use crate::i18n;
use crate::paths;
use crate::services::attention::{self, Answer, HoursError};
use crate::services::booking::Booking;
use crate::services::interpreters::{HoursChange, Interpreter};
use crate::services::reassignment;
use crate::views::PageContext;
use crate::views::components::Errors;
use crate::views::schedule::{
    ASK_NEW_TIME, AffectedSession, HoursCheck, LATER, MAX_ASKED, answer_field, given_to,
    hours_check,
};
use crate::web::AppState;
use crate::web::context::StaffAct;
use crate::web::forms::{rejected, see_other};
use axum::response::{IntoResponse, Response};
use std::collections::{BTreeMap, HashMap};

/// What is being saved, and what was typed.
pub(super) struct Saving<'a> {
    /// The interpreter whose hours change.
    pub interpreter: &'a Interpreter,
    /// Whether the staff member manages the schedule.
    pub manage: bool,
    /// Everything the form sent.
    pub typed: &'a Fields,
    /// Where the form posts.
    pub action: &'a str,
    /// Where the interpreter's page says it was done.
    pub done: &'a str,
}

/// The answers read from the form, by booking id, as typed and as understood.
fn read_answers(typed: &Fields) -> (HashMap<i64, String>, BTreeMap<i64, Answer>) {
    let mut raw = HashMap::new();
    let mut answers = BTreeMap::new();
    for n in 1..=MAX_ASKED {
        let field = answer_field(n);
        let Ok(id) = value(typed, &format!("{field}-id")).parse::<i64>() else {
            continue;
        };
        let chosen = value(typed, field);
        let answer = match chosen {
            ASK_NEW_TIME => Some(Answer::AskNewTime),
            LATER => Some(Answer::Later),
            other => given_to(other).map(Answer::GiveTo),
        };
        raw.insert(id, chosen.to_owned());
        if let Some(answer) = answer {
            answers.insert(id, answer);
        }
    }
    (raw, answers)
}

/// The fields of the change itself, to send again with the answers.
fn change_fields(typed: &Fields) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = typed
        .iter()
        .filter(|(k, _)| *k != "csrf_token" && *k != "confirm" && !k.starts_with("session-"))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    out.sort();
    out
}

fn change_words(ctx: &PageContext, change: &HoursChange) -> String {
    match change {
        HoursChange::Weekly(_) => ctx.t("hours_check.change.weekly").to_owned(),
        HoursChange::Exception(day, DayChange::Off) => ctx.tf(
            "hours_check.change.day_off",
            &[("date", &i18n::format_date(ctx.lang, *day))],
        ),
        HoursChange::Exception(day, DayChange::Extra(_)) => ctx.tf(
            "hours_check.change.extra",
            &[("date", &i18n::format_date(ctx.lang, *day))],
        ),
    }
}

async fn affected_view(state: &AppState, sessions: &[Booking]) -> Result<Vec<AffectedSession>> {
    let names = crate::services::staff::display_names(&state.db).await?;
    let mut out = Vec::new();
    for b in sessions.iter().take(MAX_ASKED) {
        let mut free: Vec<(i64, String)> =
            reassignment::reassign_choices(&state.db, state.config.timezone, b)
                .await?
                .into_iter()
                .map(|id| (id, names.get(&id).cloned().unwrap_or_default()))
                .collect();
        free.sort_by(|a, b| a.1.cmp(&b.1).then(a.0.cmp(&b.0)));
        out.push(AffectedSession {
            id: b.id,
            reference: b.reference.clone(),
            customer_name: b.customer_name.clone(),
            starts_at: b.starts_at,
            ends_at: b.ends_at,
            mode: b.mode,
            sign_language: b
                .sign_language
                .clone()
                .map(|code| (code, b.sign_language_other.clone())),
            free,
        });
    }
    Ok(out)
}

async fn check_page(
    state: &AppState,
    ctx: &PageContext,
    saving: &Saving<'_>,
    change: &HoursChange,
    sessions: &[Booking],
    chosen: &HashMap<i64, String>,
    errors: &Errors,
) -> Result<Response> {
    let view_sessions = affected_view(state, sessions).await?;
    let hidden = change_fields(saving.typed);
    let back = paths::staff::interpreter(saving.interpreter.id);
    let page = hours_check(
        ctx,
        HoursCheck {
            interpreter: &saving.interpreter.display_name,
            change: &change_words(ctx, change),
            action: saving.action,
            back: &back,
            hidden: &hidden,
            sessions: &view_sessions,
            answers: chosen,
            manage: saving.manage,
            errors,
        },
    );
    Ok(if errors.is_empty() {
        page.into_response()
    } else {
        rejected(page)
    })
}

/// Saves a change of hours, or answers with the page that asks about the sessions it would
/// leave without their interpreter.
pub(super) async fn save(
    act: &StaffAct,
    saving: Saving<'_>,
    change: HoursChange,
) -> Result<Response> {
    let StaffAct { state, ctx, .. } = act;
    let uc = act.uc();
    let tz = state.config.timezone;
    let now = uc.now;
    let staff_id = saving.interpreter.id;
    let affected = attention::affected_by(&state.db, tz, now, staff_id, &change).await?;
    let (chosen, mut answers) = read_answers(saving.typed);
    if !saving.manage {
        // An interpreter leaves their sessions to a coordinator.
        answers = affected.iter().map(|b| (b.id, Answer::Later)).collect();
    }
    // Past the most one page asks about, sessions wait on the board.
    for b in affected.iter().skip(MAX_ASKED) {
        answers.entry(b.id).or_insert(Answer::Later);
    }
    let confirming = !value(saving.typed, "confirm").is_empty();
    if !affected.is_empty() && !confirming {
        return check_page(
            state,
            ctx,
            &saving,
            &change,
            &affected,
            &chosen,
            &Errors::new(),
        )
        .await;
    }
    let mut errors = Errors::new();
    for (i, b) in affected.iter().enumerate().take(MAX_ASKED) {
        if !answers.contains_key(&b.id) {
            errors.add_with(
                answer_field(i + 1),
                "hours_check.error.missing",
                vec![("reference", b.reference.clone())],
            );
        }
    }
    if !errors.is_empty() {
        return check_page(state, ctx, &saving, &change, &affected, &chosen, &errors).await;
    }
    match attention::save_hours(&uc, staff_id, &change, &answers).await {
        Ok(()) => Ok(see_other(&format!(
            "{}?done={}",
            paths::staff::interpreter(staff_id),
            saving.done
        ))),
        Err(HoursError::Unanswered) => {
            // Booked since the page was shown: ask again, with the new ones.
            let affected = attention::affected_by(&state.db, tz, now, staff_id, &change).await?;
            errors.add("sessions", "hours_check.error.new_sessions");
            check_page(state, ctx, &saving, &change, &affected, &chosen, &errors).await
        }
        Err(HoursError::Busy(id)) => {
            let position = affected.iter().position(|b| b.id == id).unwrap_or(0);
            let reference = affected
                .get(position)
                .map(|b| b.reference.clone())
                .unwrap_or_default();
            errors.add_with(
                answer_field(position + 1),
                "hours_check.error.busy",
                vec![("reference", reference)],
            );
            let affected = attention::affected_by(&state.db, tz, now, staff_id, &change).await?;
            check_page(state, ctx, &saving, &change, &affected, &chosen, &errors).await
        }
        Err(e @ HoursError::Database(_)) => Err(e.into()),
    }
}
