//! The desk's rules for proxies: how long an approval lasts, and how many proxies one
//! customer may have active at once.

use super::{commit_saved, put, read};
use crate::services::UseCase;
use sea_orm::{ConnectionTrait, DbErr};
use serde_json::json;

/// The desk's rules for proxies, set by admins.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProxySettings {
    /// How many years an approval lasts.
    pub validity_years: i64,
    /// How many proxies one customer may have active at once.
    pub max_active: i64,
}

impl Default for ProxySettings {
    fn default() -> Self {
        ProxySettings {
            validity_years: 3,
            max_active: 3,
        }
    }
}

const VALIDITY_KEY: &str = "proxy.validity_years";
const MAX_ACTIVE_KEY: &str = "proxy.max_active";

/// Reads the proxy settings, with the defaults for any not set.
pub async fn load<C: ConnectionTrait>(conn: &C) -> Result<ProxySettings, DbErr> {
    let stored = read(conn, &[VALIDITY_KEY.to_owned(), MAX_ACTIVE_KEY.to_owned()]).await?;
    let number = |key: &str| stored.get(key).and_then(|v| v.parse::<i64>().ok());
    let defaults = ProxySettings::default();
    Ok(ProxySettings {
        validity_years: number(VALIDITY_KEY).unwrap_or(defaults.validity_years),
        max_active: number(MAX_ACTIVE_KEY).unwrap_or(defaults.max_active),
    })
}

/// Saves the proxy settings, with an audit row.
pub async fn save(uc: &UseCase<'_>, new: &ProxySettings) -> Result<(), DbErr> {
    let now = uc.now;
    let txn = uc.begin().await?;
    for (key, value) in [
        (VALIDITY_KEY, new.validity_years),
        (MAX_ACTIVE_KEY, new.max_active),
    ] {
        put(&txn, now, key.to_owned(), value.to_string()).await?;
    }
    commit_saved(
        uc,
        txn,
        json!({ "proxy_validity_years": new.validity_years, "proxy_max_active": new.max_active }),
    )
    .await
}
