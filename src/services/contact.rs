//! The desk's written ways in (the desk email from the environment, the fax number and
//! postal address admins set) and the card issuer's 24-hour way to stop a card: read from
//! the settings, saved by admins with an audit row, kept briefly for pages, and made into
//! the way back that ends every email.

use super::UseCase;
use super::settings;
use crate::config::Config;
use crate::domain::{CardStop, DeskContact};
use crate::mail::templates::WayBack;
use crate::paths;
use sea_orm::{ConnectionTrait, DbErr};
use serde_json::json;
use std::collections::HashMap;
use std::sync::RwLock;
use std::time::{Duration, Instant};

const FAX_KEY: &str = "contact.fax";
const POSTAL_KEY: &str = "contact.postal_address";
const CARD_PAGE_KEY: &str = "lost_card.stop_page";
const CARD_LINE_KEY: &str = "lost_card.line";
const KEYS: [&str; 4] = [FAX_KEY, POSTAL_KEY, CARD_PAGE_KEY, CARD_LINE_KEY];

/// The desk's written ways in and the card issuer's stop route, as set now.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Contacts {
    /// How to write to the desk besides the website.
    pub desk: DeskContact,
    /// How to stop a lost or stolen card at any hour.
    pub card_stop: CardStop,
}

/// Reads the contacts: the settings admins saved, and the desk email from `config`.
pub async fn load<C: ConnectionTrait>(conn: &C, config: &Config) -> Result<Contacts, DbErr> {
    let keys = KEYS.map(str::to_owned);
    let mut stored: HashMap<String, String> = settings::read(conn, &keys)
        .await?
        .into_iter()
        .filter(|(_, value)| !value.trim().is_empty())
        .collect();
    Ok(Contacts {
        desk: DeskContact {
            email: config.desk_email.clone(),
            fax: stored.remove(FAX_KEY),
            postal_address: stored.remove(POSTAL_KEY),
        },
        card_stop: CardStop {
            page: stored.remove(CARD_PAGE_KEY),
            line: stored.remove(CARD_LINE_KEY),
        },
    })
}

/// Saves the fax number, postal address and the card issuer's stop page and line (each
/// removed when `None`), with an audit row. The desk email is not saved: it comes from the
/// environment.
pub async fn save(uc: &UseCase<'_>, new: &Contacts) -> Result<(), DbErr> {
    let now = uc.now;
    let txn = uc.begin().await?;
    let values = [
        (FAX_KEY, &new.desk.fax),
        (POSTAL_KEY, &new.desk.postal_address),
        (CARD_PAGE_KEY, &new.card_stop.page),
        (CARD_LINE_KEY, &new.card_stop.line),
    ];
    for (key, value) in values {
        settings::put_or_remove(&txn, now, key, value.as_deref()).await?;
    }
    let detail = json!({ "desk_fax": new.desk.fax, "desk_postal_address": new.desk.postal_address,
                "card_stop_page": new.card_stop.page, "card_stop_line": new.card_stop.line });
    settings::commit_saved(uc, txn, detail).await
}

/// The way back an email ends with: the page of the thread it belongs to (`thread`, a full
/// address), or else the form for a new request, with the desk's other written ways in.
pub async fn way_back<C: ConnectionTrait>(
    conn: &C,
    config: &Config,
    thread: Option<String>,
) -> Result<WayBack, DbErr> {
    let desk = load(conn, config).await?.desk;
    Ok(match thread {
        Some(link) => WayBack {
            link,
            thread: true,
            desk,
            for_staff: false,
        },
        None => WayBack {
            link: config.link(paths::requests::NEW),
            thread: false,
            desk,
            for_staff: false,
        },
    })
}

/// The way back a staff member's email ends with: the staff pages, not the desk's ways in
/// meant for customers.
pub fn staff_way_back(config: &Config) -> WayBack {
    WayBack {
        link: config.link(paths::staff::HOME),
        thread: false,
        desk: DeskContact::default(),
        for_staff: true,
    }
}

/// How long pages may show contacts read earlier; a change made by this process shows at
/// once, one made by another process on the same database within this time.
const FRESH_FOR: Duration = Duration::from_secs(10);

/// The contacts as pages show them, read again at most every [`FRESH_FOR`].
#[derive(Debug, Default)]
pub struct ContactCache(RwLock<Option<(Instant, Contacts)>>);

impl ContactCache {
    /// The contacts, from the last read if it is fresh.
    pub async fn get<C: ConnectionTrait>(
        &self,
        conn: &C,
        config: &Config,
    ) -> Result<Contacts, DbErr> {
        if let Some((read_at, kept)) = &*self.0.read().unwrap_or_else(|e| e.into_inner())
            && read_at.elapsed() < FRESH_FOR
        {
            return Ok(kept.clone());
        }
        let read_at = Instant::now();
        let fresh = load(conn, config).await?;
        *self.0.write().unwrap_or_else(|e| e.into_inner()) = Some((read_at, fresh.clone()));
        Ok(fresh)
    }

    /// Drops what was read, after a change.
    pub fn forget(&self) {
        *self.0.write().unwrap_or_else(|e| e.into_inner()) = None;
    }
}
