//! The desk's settings, set by admins at `/staff/settings/…`: each session mode's rules,
//! reminders, the room-address template of video sessions and when written-chat rooms open
//! ([`DeskSettings`], read by the slot arithmetic, the rooms and the emails), when the desk
//! is open ([`opening`]), the proxy rules ([`proxies`]), the response-time targets of
//! requests ([`response_times`]), and how long incidents are kept and when repeated contact
//! is listed ([`incidents`]). Missing settings fall back to the defaults, so a new desk
//! works at once.

pub mod incidents;
pub mod opening;
pub mod proxies;
pub mod response_times;

pub use proxies::ProxySettings;
pub use response_times::Targets;

use super::UseCase;
use super::audit::{self, Target};
use super::schedule_changes::commit_roster_change;
use crate::db::WriteTxn;
use crate::domain::dates::parse_day;
use crate::domain::holidays::{AnnualBreak, ClosedDays, MonthDay};
use crate::domain::schedule::{LocalSpan, ModeRules, SessionMode, parse_hhmm};
use crate::domain::{AuditAction, RoomTemplate};
use crate::entities::{desk_closed_day, desk_hour, desk_open_day, setting};
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
};
use serde_json::json;
use std::collections::{BTreeMap, HashMap};
use time::{Date, Duration, OffsetDateTime, Time};

/// The default hours before a session when the reminder goes out.
pub const DEFAULT_REMINDER_HOURS: i64 = 24;

const REMINDER_KEY: &str = "reminder.hours_before";
const ROOM_TEMPLATE_KEY: &str = "video.room_template";
const CHAT_OPENS_KEY: &str = "chat.opens_minutes_before";
const HOLIDAYS_KEY: &str = "closed.national_holidays";
/// The year-end break as `12-29..01-03`, or empty for none.
const YEAR_END_KEY: &str = "closed.year_end";

/// Everything the slot arithmetic and the emails need to know about the desk.
#[derive(Debug, Clone)]
pub struct DeskSettings {
    /// Each mode's rules.
    pub modes: HashMap<SessionMode, ModeRules>,
    /// Hours before a session the reminder goes out; 0 sends none.
    pub reminder_hours: i64,
    /// How a video session's join address is made from its room; none until an admin sets
    /// it, and then the desk sends the links itself.
    pub room_template: Option<RoomTemplate>,
    /// Minutes before a written-chat session's start when its room opens by itself.
    pub chat_opens_minutes: i64,
    /// Opening hours by weekday (1 = Monday … 7 = Sunday).
    pub hours: BTreeMap<u8, Vec<LocalSpan>>,
    /// The days the desk is closed, and why.
    pub closed: ClosedDays,
}

impl DeskSettings {
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

/// How many minutes before the start a chat room opens, from the stored setting.
fn chat_opens_from(stored: Option<i64>) -> i64 {
    stored
        .unwrap_or(crate::domain::chat::DEFAULT_OPENS_MINUTES_BEFORE)
        .max(0)
}

/// How many minutes before the start a chat room opens: the one setting a room's page
/// needs, in one query rather than the whole desk's.
pub async fn chat_opens_minutes<C: ConnectionTrait>(conn: &C) -> Result<i64, DbErr> {
    let stored = setting::Entity::find_by_id(CHAT_OPENS_KEY.to_owned())
        .one(conn)
        .await?;
    Ok(chat_opens_from(stored.and_then(|s| s.value.parse().ok())))
}

/// Reads the whole desk: four small queries.
pub async fn load<C: ConnectionTrait>(conn: &C) -> Result<DeskSettings, DbErr> {
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
    let chat_opens_minutes = chat_opens_from(number(CHAT_OPENS_KEY));
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
        .filter_map(|d| parse_day(&d.day).ok().map(|day| (day, d.note)))
        .collect();
    let reopened = desk_open_day::Entity::find()
        .all(conn)
        .await?
        .into_iter()
        .filter_map(|d| parse_day(&d.day).ok())
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
    Ok(DeskSettings {
        modes,
        reminder_hours,
        room_template,
        chat_opens_minutes,
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

/// The stored values of the given keys, by key.
pub(in crate::services) async fn read<C: ConnectionTrait>(
    conn: &C,
    keys: &[String],
) -> Result<HashMap<String, String>, DbErr> {
    Ok(setting::Entity::find()
        .filter(setting::Column::Key.is_in(keys.iter().cloned()))
        .all(conn)
        .await?
        .into_iter()
        .map(|s| (s.key, s.value))
        .collect())
}

/// Writes one setting, replacing what was there.
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
pub(in crate::services) async fn put_or_remove<C: ConnectionTrait>(
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

/// Writes the audit row of a settings change and commits it.
pub(in crate::services) async fn commit_saved(
    uc: &UseCase<'_>,
    txn: WriteTxn,
    detail: serde_json::Value,
) -> Result<(), DbErr> {
    let UseCase { now, actor, .. } = *uc;
    audit::record(
        &txn,
        now,
        actor,
        AuditAction::DeskSettingsChanged,
        None,
        detail,
    )
    .await?;
    uc.commit(txn).await
}

/// Writes the audit row of a change the free times depend on, and commits it as a roster
/// change, so the pages read them again.
async fn commit_roster_saved(
    uc: &UseCase<'_>,
    txn: WriteTxn,
    target: Option<Target>,
    detail: serde_json::Value,
) -> Result<(), DbErr> {
    let UseCase { now, actor, .. } = *uc;
    audit::record(
        &txn,
        now,
        actor,
        AuditAction::DeskSettingsChanged,
        target,
        detail,
    )
    .await?;
    commit_roster_change(uc, txn).await
}

/// Saves a mode's rules and the reminder setting, with an audit row.
pub async fn save_rules(
    uc: &UseCase<'_>,
    mode: SessionMode,
    rules: &ModeRules,
) -> Result<(), DbErr> {
    let now = uc.now;
    let txn = uc.begin().await?;
    for (field, value) in RULE_FIELDS.iter().zip(rule_values(rules)) {
        put(&txn, now, key(mode, field), value.to_string()).await?;
    }
    commit_roster_saved(
        uc,
        txn,
        None,
        json!({ "mode": mode.as_str(), "length_minutes": rules.length.whole_minutes(),
                "buffer_minutes": rules.buffer.whole_minutes(),
                "notice_minutes": rules.min_notice.whole_minutes(),
                "horizon_days": rules.horizon_days,
                "cancel_cutoff_minutes": rules.cancel_cutoff.whole_minutes() }),
    )
    .await
}

/// Saves how many hours before a session the reminder goes (0 for none).
pub async fn save_reminder_hours(uc: &UseCase<'_>, hours: i64) -> Result<(), DbErr> {
    let now = uc.now;
    let txn = uc.begin().await?;
    put(&txn, now, REMINDER_KEY.to_owned(), hours.to_string()).await?;
    commit_roster_saved(uc, txn, None, json!({ "reminder_hours": hours })).await
}

/// Saves the room-address template of video sessions, or removes it (`None`), with an
/// audit row. Every session booked keeps its room; only the address made from it changes.
pub async fn save_room_template(
    uc: &UseCase<'_>,
    template: Option<&RoomTemplate>,
) -> Result<(), DbErr> {
    let now = uc.now;
    let txn = uc.begin().await?;
    put_or_remove(
        &txn,
        now,
        ROOM_TEMPLATE_KEY,
        template.map(RoomTemplate::as_str),
    )
    .await?;
    commit_roster_saved(
        uc,
        txn,
        None,
        json!({ "room_template": template.map(RoomTemplate::as_str) }),
    )
    .await
}

/// Saves how many minutes before a written-chat session's start its room opens by itself,
/// with an audit row. Rooms already opened early or ended stay as they are.
pub async fn save_chat_opens_minutes(uc: &UseCase<'_>, minutes: i64) -> Result<(), DbErr> {
    let now = uc.now;
    let txn = uc.begin().await?;
    put(&txn, now, CHAT_OPENS_KEY.to_owned(), minutes.to_string()).await?;
    commit_saved(uc, txn, json!({ "chat_opens_minutes": minutes })).await
}
