//! The admin's settings for incidents: how many years closed incidents are kept, and the
//! threshold and window of the repeated-contact list.

use super::{commit_saved, put, read};
use crate::domain::incident_settings::IncidentSettings;
use crate::services::UseCase;
use sea_orm::{ConnectionTrait, DbErr};
use serde_json::{Map, Value, json};

const RETENTION_KEY: &str = "incidents.retention_years";
const THRESHOLD_KEY: &str = "incidents.signal_threshold";
const WINDOW_KEY: &str = "incidents.signal_window_days";

/// Reads the incident settings, with the defaults for any not set.
pub async fn load<C: ConnectionTrait>(conn: &C) -> Result<IncidentSettings, DbErr> {
    let keys = [RETENTION_KEY, THRESHOLD_KEY, WINDOW_KEY].map(str::to_owned);
    let stored = read(conn, &keys).await?;
    let number = |key: &str| stored.get(key).and_then(|v| v.parse::<i64>().ok());
    let defaults = IncidentSettings::default();
    Ok(IncidentSettings {
        retention_years: number(RETENTION_KEY).unwrap_or(defaults.retention_years),
        signal_threshold: number(THRESHOLD_KEY).unwrap_or(defaults.signal_threshold),
        signal_window_days: number(WINDOW_KEY).unwrap_or(defaults.signal_window_days),
    })
}

/// Saves the incident settings (already checked), with an audit row naming each value that
/// changed, before and after. Saving the same values again writes nothing.
pub async fn save(uc: &UseCase<'_>, new: &IncidentSettings) -> Result<(), DbErr> {
    let now = uc.now;
    let txn = uc.begin().await?;
    let before = load(&txn).await?;
    let mut changed = Map::new();
    for (key, field, was, is) in [
        (
            RETENTION_KEY,
            "incident_retention_years",
            before.retention_years,
            new.retention_years,
        ),
        (
            THRESHOLD_KEY,
            "incident_signal_threshold",
            before.signal_threshold,
            new.signal_threshold,
        ),
        (
            WINDOW_KEY,
            "incident_signal_window_days",
            before.signal_window_days,
            new.signal_window_days,
        ),
    ] {
        put(&txn, now, key.to_owned(), is.to_string()).await?;
        if was != is {
            changed.insert(format!("{field}_from"), json!(was));
            changed.insert(format!("{field}_to"), json!(is));
        }
    }
    if changed.is_empty() {
        return uc.commit(txn).await;
    }
    commit_saved(uc, txn, Value::Object(changed)).await
}
