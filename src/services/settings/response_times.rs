//! The response-time target of each request topic, in minutes of the desk's opening time:
//! how long the desk may take to answer before a request counts as overdue.

use super::{commit_saved, put, read};
use crate::domain::request::Topic;
use crate::services::UseCase;
use sea_orm::{ConnectionTrait, DbErr};
use serde_json::json;
use std::collections::BTreeMap;

/// The response-time target of each topic, in minutes of the desk's opening time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Targets(pub BTreeMap<Topic, i64>);

impl Targets {
    /// One working day (the desk's default eight hours) for everything, and one working hour
    /// for a lost or stolen card and for card use the customer did not make.
    pub fn default_minutes(topic: Topic) -> i64 {
        match topic {
            Topic::LostStolen | Topic::UnauthorisedUse => 60,
            _ => 8 * 60,
        }
    }

    /// The target of a topic.
    pub fn minutes(&self, topic: Topic) -> i64 {
        self.0
            .get(&topic)
            .copied()
            .unwrap_or_else(|| Targets::default_minutes(topic))
    }
}

impl Default for Targets {
    fn default() -> Self {
        Targets(
            Topic::ALL
                .iter()
                .map(|t| (*t, Targets::default_minutes(*t)))
                .collect(),
        )
    }
}

fn target_key(topic: Topic) -> String {
    format!("requests.target_minutes.{}", topic.as_str())
}

/// Reads the response-time targets, with the defaults for any not set.
pub async fn load<C: ConnectionTrait>(conn: &C) -> Result<Targets, DbErr> {
    let keys: Vec<String> = Topic::ALL.iter().map(|t| target_key(*t)).collect();
    let stored = read(conn, &keys).await?;
    Ok(Targets(
        Topic::ALL
            .iter()
            .map(|topic| {
                let minutes = stored
                    .get(&target_key(*topic))
                    .and_then(|v| v.parse::<i64>().ok())
                    .unwrap_or_else(|| Targets::default_minutes(*topic));
                (*topic, minutes)
            })
            .collect(),
    ))
}

/// Saves the response-time targets, with an audit row.
pub async fn save(uc: &UseCase<'_>, new: &Targets) -> Result<(), DbErr> {
    let now = uc.now;
    let txn = uc.begin().await?;
    for topic in Topic::ALL {
        put(
            &txn,
            now,
            target_key(*topic),
            new.minutes(*topic).to_string(),
        )
        .await?;
    }
    let detail: serde_json::Map<String, serde_json::Value> = Topic::ALL
        .iter()
        .map(|t| (t.as_str().to_owned(), json!(new.minutes(*t))))
        .collect();
    commit_saved(uc, txn, json!({ "request_target_minutes": detail })).await
}
