//! The desk's settings: each session mode's rules, reminders, the room-address template of
//! video sessions, opening hours and closed days (the national holidays and the year-end
//! break by rule, days staff close, and holidays staff open all the same).
//! Missing settings fall back to the defaults, so a new desk works at once.

use super::Actor;
use super::audit::{self, Target};
use crate::db::begin_write;
use crate::domain::holidays::{AnnualBreak, ClosedDays, MonthDay};
use crate::domain::schedule::{LocalSpan, ModeRules, SessionMode, hhmm, parse_hhmm};
use crate::domain::{AuditAction, RoomTemplate};
use crate::entities::{desk_closed_day, desk_hour, desk_open_day, setting};
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveValue::{NotSet, Set},
    ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QueryOrder,
};
use serde_json::json;
use std::collections::{BTreeMap, HashMap};
use time::{Date, Duration, OffsetDateTime, Time};

/// The default hours before a session when the reminder goes out.
pub const DEFAULT_REMINDER_HOURS: i64 = 24;

const REMINDER_KEY: &str = "reminder.hours_before";
const ROOM_TEMPLATE_KEY: &str = "video.room_template";
const HOLIDAYS_KEY: &str = "closed.national_holidays";
/// The year-end break as `12-29..01-03`, or empty for none.
const YEAR_END_KEY: &str = "closed.year_end";

/// Everything the slot arithmetic and the emails need to know about the desk.
#[derive(Debug, Clone)]
pub struct Desk {
    /// Each mode's rules.
    pub modes: HashMap<SessionMode, ModeRules>,
    /// Hours before a session the reminder goes out; 0 sends none.
    pub reminder_hours: i64,
    /// How a video session's join address is made from its room; none until an admin sets
    /// it, and then the desk sends the links itself.
    pub room_template: Option<RoomTemplate>,
    /// Opening hours by weekday (1 = Monday … 7 = Sunday).
    pub hours: BTreeMap<u8, Vec<LocalSpan>>,
    /// The days the desk is closed, and why.
    pub closed: ClosedDays,
}

impl Desk {
    /// The rules of a mode.
    pub fn rules(&self, mode: SessionMode) -> ModeRules {
        self.modes.get(&mode).copied().unwrap_or_default()
    }

    /// The opening hours on a day, as `(opens, closes)`; empty when closed.
    pub fn opening_on(&self, day: Date) -> Vec<(Time, Time)> {
        if self.closed.closure(day).is_some() {
            return Vec::new();
        }
        self.hours
            .get(&day.weekday().number_from_monday())
            .map(|spans| spans.iter().map(|s| (s.starts, s.ends)).collect())
            .unwrap_or_default()
    }
}

fn key(mode: SessionMode, field: &str) -> String {
    format!("mode.{}.{field}", mode.as_str())
}

/// The fields of [`ModeRules`] as stored, in minutes (the horizon in days).
const RULE_FIELDS: [&str; 5] = [
    "length_minutes",
    "buffer_minutes",
    "notice_minutes",
    "horizon_days",
    "cancel_cutoff_minutes",
];

fn rule_values(rules: &ModeRules) -> [i64; 5] {
    [
        rules.length.whole_minutes(),
        rules.buffer.whole_minutes(),
        rules.min_notice.whole_minutes(),
        rules.horizon_days,
        rules.cancel_cutoff.whole_minutes(),
    ]
}

fn rules_from(values: [i64; 5]) -> ModeRules {
    ModeRules {
        length: Duration::minutes(values[0]),
        buffer: Duration::minutes(values[1]),
        min_notice: Duration::minutes(values[2]),
        horizon_days: values[3],
        cancel_cutoff: Duration::minutes(values[4]),
    }
}

/// Reads the whole desk: four small queries.
pub async fn load<C: ConnectionTrait>(conn: &C) -> Result<Desk, DbErr> {
    let stored: HashMap<String, String> = setting::Entity::find()
        .all(conn)
        .await?
        .into_iter()
        .map(|s| (s.key, s.value))
        .collect();
    let number = |k: &str| stored.get(k).and_then(|v| v.parse::<i64>().ok());
    let mut modes = HashMap::new();
    for mode in SessionMode::ALL {
        let mut values = rule_values(&ModeRules::default());
        for (i, field) in RULE_FIELDS.iter().enumerate() {
            if let Some(v) = number(&key(mode, field)) {
                values[i] = v;
            }
        }
        modes.insert(mode, rules_from(values));
    }
    let reminder_hours = number(REMINDER_KEY).unwrap_or(DEFAULT_REMINDER_HOURS);
    // A stored template was checked when saved; one that no longer parses counts as none.
    let room_template = stored
        .get(ROOM_TEMPLATE_KEY)
        .and_then(|v| RoomTemplate::parse(v).ok().flatten());

    let mut hours: BTreeMap<u8, Vec<LocalSpan>> = BTreeMap::new();
    for row in desk_hour::Entity::find()
        .order_by_asc(desk_hour::Column::Weekday)
        .order_by_asc(desk_hour::Column::Opens)
        .all(conn)
        .await?
    {
        if let (Ok(starts), Ok(ends)) = (parse_hhmm(&row.opens), parse_hhmm(&row.closes)) {
            hours
                .entry(row.weekday as u8)
                .or_default()
                .push(LocalSpan { starts, ends });
        }
    }
    let desk_days = desk_closed_day::Entity::find()
        .order_by_asc(desk_closed_day::Column::Day)
        .all(conn)
        .await?
        .into_iter()
        .filter_map(|d| parse_day(&d.day).map(|day| (day, d.note)))
        .collect();
    let reopened = desk_open_day::Entity::find()
        .all(conn)
        .await?
        .into_iter()
        .filter_map(|d| parse_day(&d.day))
        .collect();
    let out_of_the_box = ClosedDays::out_of_the_box();
    let closed = ClosedDays {
        desk: desk_days,
        reopened,
        national_holidays: stored
            .get(HOLIDAYS_KEY)
            .map_or(out_of_the_box.national_holidays, |v| v == "1"),
        year_end: match stored.get(YEAR_END_KEY) {
            None => out_of_the_box.year_end,
            Some(v) => year_end_from(v),
        },
    };
    Ok(Desk {
        modes,
        reminder_hours,
        room_template,
        hours,
        closed,
    })
}

/// Reads a stored year-end break, `12-29..01-03`; anything else is none.
fn year_end_from(stored: &str) -> Option<AnnualBreak> {
    let (first, last) = stored.split_once("..")?;
    Some(AnnualBreak {
        first: MonthDay::parse(first).ok()?,
        last: MonthDay::parse(last).ok()?,
    })
}

/// Reads a stored (or linked) `YYYY-MM-DD`, within the years the desk keeps.
pub fn parse_day(raw: &str) -> Option<Date> {
    crate::domain::dates::parse_day(raw).ok()
}

/// Writes a day as stored, `YYYY-MM-DD`.
pub fn day_key(day: Date) -> String {
    crate::domain::dates::iso_day(day)
}

async fn put<C: ConnectionTrait>(
    conn: &C,
    now: OffsetDateTime,
    key: String,
    value: String,
) -> Result<(), DbErr> {
    setting::Entity::insert(setting::ActiveModel {
        key: Set(key),
        value: Set(value),
        updated_at: Set(now),
    })
    .on_conflict(
        OnConflict::column(setting::Column::Key)
            .update_columns([setting::Column::Value, setting::Column::UpdatedAt])
            .to_owned(),
    )
    .exec_without_returning(conn)
    .await?;
    Ok(())
}

/// Writes one setting, or removes it when there is no value.
pub(super) async fn put_or_remove<C: ConnectionTrait>(
    conn: &C,
    now: OffsetDateTime,
    key: &str,
    value: Option<&str>,
) -> Result<(), DbErr> {
    match value {
        Some(value) => put(conn, now, key.to_owned(), value.to_owned()).await,
        None => {
            setting::Entity::delete_many()
                .filter(setting::Column::Key.eq(key))
                .exec(conn)
                .await?;
            Ok(())
        }
    }
}

/// Saves a mode's rules and the reminder setting, with an audit row.
pub async fn save_rules(
    db: &DatabaseConnection,
    now: OffsetDateTime,
    actor: &Actor,
    mode: SessionMode,
    rules: &ModeRules,
) -> Result<(), DbErr> {
    let txn = begin_write(db).await?;
    for (field, value) in RULE_FIELDS.iter().zip(rule_values(rules)) {
        put(&txn, now, key(mode, field), value.to_string()).await?;
    }
    audit::record(
        &txn,
        now,
        actor,
        AuditAction::DeskSettingsChanged,
        None,
        json!({ "mode": mode.as_str(), "length_minutes": rules.length.whole_minutes(),
                "buffer_minutes": rules.buffer.whole_minutes(),
                "notice_minutes": rules.min_notice.whole_minutes(),
                "horizon_days": rules.horizon_days,
                "cancel_cutoff_minutes": rules.cancel_cutoff.whole_minutes() }),
    )
    .await?;
    super::calendar::commit_roster_change(txn).await
}

/// Saves how many hours before a session the reminder goes (0 for none).
pub async fn save_reminder_hours(
    db: &DatabaseConnection,
    now: OffsetDateTime,
    actor: &Actor,
    hours: i64,
) -> Result<(), DbErr> {
    let txn = begin_write(db).await?;
    put(&txn, now, REMINDER_KEY.to_owned(), hours.to_string()).await?;
    audit::record(
        &txn,
        now,
        actor,
        AuditAction::DeskSettingsChanged,
        None,
        json!({ "reminder_hours": hours }),
    )
    .await?;
    super::calendar::commit_roster_change(txn).await
}

/// Saves the room-address template of video sessions, or removes it (`None`), with an
/// audit row. Every session booked keeps its room; only the address made from it changes.
pub async fn save_room_template(
    db: &DatabaseConnection,
    now: OffsetDateTime,
    actor: &Actor,
    template: Option<&RoomTemplate>,
) -> Result<(), DbErr> {
    let txn = begin_write(db).await?;
    put_or_remove(
        &txn,
        now,
        ROOM_TEMPLATE_KEY,
        template.map(RoomTemplate::as_str),
    )
    .await?;
    audit::record(
        &txn,
        now,
        actor,
        AuditAction::DeskSettingsChanged,
        None,
        json!({ "room_template": template.map(RoomTemplate::as_str) }),
    )
    .await?;
    super::calendar::commit_roster_change(txn).await
}

/// Replaces the weekly opening hours.
pub async fn save_hours(
    db: &DatabaseConnection,
    now: OffsetDateTime,
    actor: &Actor,
    hours: &BTreeMap<u8, Vec<LocalSpan>>,
) -> Result<(), DbErr> {
    let txn = begin_write(db).await?;
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
    let written: BTreeMap<String, Vec<String>> = hours
        .iter()
        .map(|(d, spans)| {
            (
                d.to_string(),
                spans
                    .iter()
                    .map(|s| format!("{}-{}", hhmm(s.starts), hhmm(s.ends)))
                    .collect(),
            )
        })
        .collect();
    audit::record(
        &txn,
        now,
        actor,
        AuditAction::DeskSettingsChanged,
        None,
        json!({ "opening_hours": written }),
    )
    .await?;
    super::calendar::commit_roster_change(txn).await
}

/// Marks a day closed (or changes its note).
pub async fn close_day(
    db: &DatabaseConnection,
    now: OffsetDateTime,
    actor: &Actor,
    day: Date,
    note: &str,
) -> Result<(), DbErr> {
    let txn = begin_write(db).await?;
    desk_closed_day::Entity::insert(desk_closed_day::ActiveModel {
        day: Set(day_key(day)),
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
        .filter(desk_open_day::Column::Day.eq(day_key(day)))
        .exec(&txn)
        .await?;
    audit::record(
        &txn,
        now,
        actor,
        AuditAction::DeskSettingsChanged,
        Some(Target {
            kind: "closed_day",
            id: day_key(day),
        }),
        json!({ "closed": day_key(day), "note": note }),
    )
    .await?;
    super::calendar::commit_roster_change(txn).await
}

/// Opens a day again: a day staff closed is no longer closed, and a holiday or break day
/// opens all the same (which is stored, since the rule would close it).
pub async fn reopen_day(
    db: &DatabaseConnection,
    now: OffsetDateTime,
    actor: &Actor,
    day: Date,
) -> Result<(), DbErr> {
    let txn = begin_write(db).await?;
    desk_closed_day::Entity::delete_many()
        .filter(desk_closed_day::Column::Day.eq(day_key(day)))
        .exec(&txn)
        .await?;
    let rule = load(&txn).await?.closed.by_rule(day);
    if rule.is_some() {
        desk_open_day::Entity::insert(desk_open_day::ActiveModel {
            day: Set(day_key(day)),
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
    audit::record(
        &txn,
        now,
        actor,
        AuditAction::DeskSettingsChanged,
        Some(Target {
            kind: "closed_day",
            id: day_key(day),
        }),
        json!({ "reopened": day_key(day), "holiday_or_break": rule.is_some() }),
    )
    .await?;
    super::calendar::commit_roster_change(txn).await
}

/// Closes again a holiday or break day that was opened; `false` when it was not open.
pub async fn close_by_rule_again(
    db: &DatabaseConnection,
    now: OffsetDateTime,
    actor: &Actor,
    day: Date,
) -> Result<bool, DbErr> {
    let txn = begin_write(db).await?;
    let removed = desk_open_day::Entity::delete_many()
        .filter(desk_open_day::Column::Day.eq(day_key(day)))
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
            Some(Target {
                kind: "closed_day",
                id: day_key(day),
            }),
            json!({ "closed_again": day_key(day) }),
        )
        .await?;
    }
    super::calendar::commit_roster_change(txn).await?;
    Ok(removed)
}

/// Saves whether the national holidays close the desk, and its year-end break (none when
/// `None`).
pub async fn save_closure_rules(
    db: &DatabaseConnection,
    now: OffsetDateTime,
    actor: &Actor,
    national_holidays: bool,
    year_end: Option<AnnualBreak>,
) -> Result<(), DbErr> {
    let txn = begin_write(db).await?;
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
    audit::record(
        &txn,
        now,
        actor,
        AuditAction::DeskSettingsChanged,
        None,
        json!({ "national_holidays": national_holidays, "year_end": year_end }),
    )
    .await?;
    super::calendar::commit_roster_change(txn).await
}
