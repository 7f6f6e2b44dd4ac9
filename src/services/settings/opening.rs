//! When the desk is open: its weekly opening hours, the days staff close, holidays and the
//! year-end break staff open all the same, and the rules that close days by themselves.
//! Every change here changes the free times, so each commits as a roster change.

use super::{HOLIDAYS_KEY, YEAR_END_KEY, commit_roster_saved, load, put};
use crate::domain::AuditAction;
use crate::domain::dates::iso_day;
use crate::domain::holidays::AnnualBreak;
use crate::domain::schedule::{LocalSpan, hhmm, week_as_text};
use crate::entities::{desk_closed_day, desk_hour, desk_open_day};
use crate::services::UseCase;
use crate::services::audit::{self, Target};
use crate::services::schedule_changes::commit_roster_change;
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveValue::{NotSet, Set},
    ColumnTrait, DbErr, EntityTrait, QueryFilter,
};
use serde_json::json;
use std::collections::BTreeMap;
use time::Date;

/// Replaces the weekly opening hours.
pub async fn save_hours(
    uc: &UseCase<'_>,
    hours: &BTreeMap<u8, Vec<LocalSpan>>,
) -> Result<(), DbErr> {
    let txn = uc.begin().await?;
    desk_hour::Entity::delete_many().exec(&txn).await?;
    let rows: Vec<desk_hour::ActiveModel> = hours
        .iter()
        .flat_map(|(weekday, spans)| {
            spans.iter().map(move |s| desk_hour::ActiveModel {
                id: NotSet,
                weekday: Set(i16::from(*weekday)),
                opens: Set(hhmm(s.starts)),
                closes: Set(hhmm(s.ends)),
            })
        })
        .collect();
    if !rows.is_empty() {
        desk_hour::Entity::insert_many(rows)
            .exec_without_returning(&txn)
            .await?;
    }
    let written = week_as_text(hours);
    commit_roster_saved(uc, txn, None, json!({ "opening_hours": written })).await
}

/// What the audit log says a change to one day's opening was about.
fn day_target(day: Date) -> Option<Target> {
    Some(Target {
        kind: "closed_day",
        id: iso_day(day),
    })
}

/// Marks a day closed (or changes its note).
pub async fn close_day(uc: &UseCase<'_>, day: Date, note: &str) -> Result<(), DbErr> {
    let txn = uc.begin().await?;
    desk_closed_day::Entity::insert(desk_closed_day::ActiveModel {
        day: Set(iso_day(day)),
        note: Set(note.to_owned()),
    })
    .on_conflict(
        OnConflict::column(desk_closed_day::Column::Day)
            .update_column(desk_closed_day::Column::Note)
            .to_owned(),
    )
    .exec_without_returning(&txn)
    .await?;
    desk_open_day::Entity::delete_many()
        .filter(desk_open_day::Column::Day.eq(iso_day(day)))
        .exec(&txn)
        .await?;
    commit_roster_saved(
        uc,
        txn,
        day_target(day),
        json!({ "closed": iso_day(day), "note": note }),
    )
    .await
}

/// Opens a day again: a day staff closed is no longer closed, and a holiday or break day
/// opens all the same (which is stored, since the rule would close it).
pub async fn reopen_day(uc: &UseCase<'_>, day: Date) -> Result<(), DbErr> {
    let now = uc.now;
    let txn = uc.begin().await?;
    desk_closed_day::Entity::delete_many()
        .filter(desk_closed_day::Column::Day.eq(iso_day(day)))
        .exec(&txn)
        .await?;
    let rule = load(&txn).await?.closed.by_rule(day);
    if rule.is_some() {
        desk_open_day::Entity::insert(desk_open_day::ActiveModel {
            day: Set(iso_day(day)),
            opened_at: Set(now),
        })
        .on_conflict(
            OnConflict::column(desk_open_day::Column::Day)
                .do_nothing()
                .to_owned(),
        )
        .exec_without_returning(&txn)
        .await?;
    }
    commit_roster_saved(
        uc,
        txn,
        day_target(day),
        json!({ "reopened": iso_day(day), "holiday_or_break": rule.is_some() }),
    )
    .await
}

/// Closes again a holiday or break day that was opened; `false` when it was not open.
pub async fn close_by_rule_again(uc: &UseCase<'_>, day: Date) -> Result<bool, DbErr> {
    let UseCase { now, actor, .. } = *uc;
    let txn = uc.begin().await?;
    let removed = desk_open_day::Entity::delete_many()
        .filter(desk_open_day::Column::Day.eq(iso_day(day)))
        .exec(&txn)
        .await?
        .rows_affected
        > 0;
    if removed {
        audit::record(
            &txn,
            now,
            actor,
            AuditAction::DeskSettingsChanged,
            day_target(day),
            json!({ "closed_again": iso_day(day) }),
        )
        .await?;
    }
    commit_roster_change(uc, txn).await?;
    Ok(removed)
}

/// Saves whether the national holidays close the desk, and its year-end break (none when
/// `None`).
pub async fn save_closure_rules(
    uc: &UseCase<'_>,
    national_holidays: bool,
    year_end: Option<AnnualBreak>,
) -> Result<(), DbErr> {
    let now = uc.now;
    let txn = uc.begin().await?;
    let year_end = year_end
        .map(|b| format!("{}..{}", b.first.as_string(), b.last.as_string()))
        .unwrap_or_default();
    put(
        &txn,
        now,
        HOLIDAYS_KEY.to_owned(),
        if national_holidays { "1" } else { "0" }.to_owned(),
    )
    .await?;
    put(&txn, now, YEAR_END_KEY.to_owned(), year_end.clone()).await?;
    commit_roster_saved(
        uc,
        txn,
        None,
        json!({ "national_holidays": national_holidays, "year_end": year_end }),
    )
    .await
}
