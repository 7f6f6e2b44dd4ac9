//! The week board: a row per interpreter, a column per day.

use super::{line, monday_of, sane_day, today};
use crate::domain::schedule::SessionMode;
use crate::domain::{BookingStatus, Qualification};
use crate::error::Result;
use crate::services::{attention, booking, interpreters, settings};
use crate::views::PageContext;
use crate::views::schedule::{self as view, AttentionRow, Board, BoardRow};
use crate::web::AppState;
use crate::web::forms::Query;
use axum::extract::State;
use maud::Markup;
use serde::Deserialize;
use time::Duration;

/// The board's address: which week, which mode.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct BoardQuery {
    week: String,
    mode: String,
}

/// The week board: `?week=YYYY-MM-DD` (any day of the week) and `?mode=`. Values that
/// cannot be read fall back to this week and every mode.
pub async fn board(
    State(state): State<AppState>,
    ctx: PageContext,
    Query(query): Query<BoardQuery>,
) -> Result<Markup> {
    let tz = state.config.timezone;
    let this_monday = monday_of(today(&state));
    let monday = sane_day(&query.week).map(monday_of).unwrap_or(this_monday);
    let mode = SessionMode::parse(&query.mode);
    let from = crate::services::calendar::day_start(monday, tz);
    let until = crate::services::calendar::day_start(monday + Duration::days(7), tz);
    let sessions = booking::queries::between(&state.db, from, until, mode, None).await?;
    let list = interpreters::list(&state.db).await?;
    let names = crate::services::staff::display_names(&state.db).await?;

    let booked_ids: Vec<i64> = sessions.iter().map(|b| b.interpreter_id).collect();
    let mut order: Vec<(i64, String, bool)> = list
        .iter()
        .filter(|i| {
            let serves = i.active && mode.is_none_or(|m| i.holds(Qualification::for_mode(m)));
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
    // Only sessions still to come (or under way) can be helped.
    let now = state.now();
    let to_come: Vec<_> = sessions
        .iter()
        .filter(|b| b.ends_at > now)
        .cloned()
        .collect();
    let mut needs = attention::attention_for(&state.db, tz, &to_come).await?;
    for b in &sessions {
        let day = (crate::services::calendar::local_date(b.starts_at, tz) - monday).whole_days();
        let row = order.iter().position(|(id, _, _)| *id == b.interpreter_id);
        if let (Some(row), Ok(day @ 0..=6)) = (row, usize::try_from(day)) {
            let mut line = line(b);
            line.needs = needs.remove(&b.id).unwrap_or_default();
            rows[row].days[day].push(line);
        }
    }
    let desk = settings::load(&state.db).await?;
    let closures = (0..7)
        .map(|i| desk.closed.closure(monday + Duration::days(i)))
        .collect::<Vec<_>>();
    let flagged = rows
        .iter()
        .flat_map(|r| r.days.iter().flatten())
        .filter(|s| !s.needs.is_empty())
        .count();
    // Cancelled sessions stay on the board, but are not sessions this week.
    let count = sessions
        .iter()
        .filter(|b| b.status != BookingStatus::Cancelled)
        .count();
    Ok(view::board(
        &ctx,
        Board {
            monday,
            this_monday,
            mode,
            rows: &rows,
            count,
            flagged,
            closures: &closures,
            no_room_template: desk.room_template.is_none(),
        },
    ))
}

/// Every session still to come that needs staff: its interpreter can no longer take it, or
/// does not sign the language asked for.
pub async fn attention_list(State(state): State<AppState>, ctx: PageContext) -> Result<Markup> {
    let tz = state.config.timezone;
    let names = crate::services::staff::display_names(&state.db).await?;
    let rows: Vec<AttentionRow> = attention::upcoming(&state.db, tz, state.now())
        .await?
        .into_iter()
        .map(|(b, needs)| AttentionRow {
            interpreter: names.get(&b.interpreter_id).cloned().unwrap_or_default(),
            new_time_asked: b.rebook_asked_at,
            session: line(&b),
            needs,
        })
        .collect();
    Ok(view::attention_list(&ctx, &rows))
}
