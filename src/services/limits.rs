//! Limits on what one client may make the desk do in a while: start new journeys (each
//! stores a draft), or send proxy applications (each emails two people). An event is counted
//! under a hash of the client's address or the recipient's email, so the table never holds
//! either, and is forgotten when its window has passed.

use crate::entities::rate_event::{self, Column};
use sea_orm::{
    ActiveModelTrait, ActiveValue::NotSet, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr,
    EntityTrait, PaginatorTrait, QueryFilter,
};
use sha2::{Digest, Sha256};
use time::{Duration, OffsetDateTime};

/// One limit: at most `max` events of `kind` for one subject within `window`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limit {
    /// The stored name of the limit.
    pub kind: &'static str,
    /// Events allowed in a window.
    pub max: u64,
    /// How far back events count.
    pub window: Duration,
}

/// The longest window of any limit: events older than this are pruned.
pub const LONGEST_WINDOW: Duration = Duration::days(1);

/// New journeys started from one address in an hour (the number is a setting).
pub fn new_journeys(max: u64) -> Limit {
    Limit {
        kind: "new_journey",
        max,
        window: Duration::hours(1),
    }
}

/// Proxy applications sent from one address in an hour.
pub const APPLICATIONS_FROM_ADDRESS: Limit = Limit {
    kind: "application_from",
    max: 10,
    window: Duration::hours(1),
};

/// Proxy applications naming one email address (as proxy or as customer) in a day: a carer
/// may apply for several people, but nobody's inbox can be filled through the form.
pub const APPLICATIONS_TO_EMAIL: Limit = Limit {
    kind: "application_to",
    max: 10,
    window: Duration::days(1),
};

/// Feedback sent on the open form from one address in an hour.
pub const FEEDBACK_FROM_ADDRESS: Limit = Limit {
    kind: "feedback_from",
    max: 20,
    window: Duration::hours(1),
};

/// Feedback on the open form asking for a reply at one email address in a day: each opens a
/// request, which is acknowledged by email, so no inbox can be filled through the form.
pub const FEEDBACK_TO_EMAIL: Limit = Limit {
    kind: "feedback_to",
    max: 5,
    window: Duration::days(1),
};

/// The stored form of a subject: a hash, so the table holds no address or email.
pub fn subject(raw: &str) -> String {
    hex::encode(&Sha256::digest(raw.as_bytes())[..16])
}

/// Whether one more event fits within the limit for every subject. When it does, it is
/// counted for each; when it does not, nothing is counted. Run it inside the transaction
/// that does the limited thing, so that a refusal leaves nothing behind.
pub async fn take<C: ConnectionTrait>(
    conn: &C,
    now: OffsetDateTime,
    limit: Limit,
    subjects: &[&str],
) -> Result<bool, DbErr> {
    let subjects: Vec<String> = subjects.iter().map(|s| subject(s)).collect();
    for s in &subjects {
        let recent = rate_event::Entity::find()
            .filter(Column::Kind.eq(limit.kind))
            .filter(Column::Subject.eq(s.as_str()))
            .filter(Column::At.gt(now - limit.window))
            .count(conn)
            .await?;
        if recent >= limit.max {
            return Ok(false);
        }
    }
    for s in subjects {
        rate_event::ActiveModel {
            id: NotSet,
            kind: Set(limit.kind.to_owned()),
            subject: Set(s),
            at: Set(now),
        }
        .insert(conn)
        .await?;
    }
    Ok(true)
}

/// Forgets events older than any window.
pub async fn prune<C: ConnectionTrait>(conn: &C, now: OffsetDateTime) -> Result<u64, DbErr> {
    Ok(rate_event::Entity::delete_many()
        .filter(Column::At.lt(now - LONGEST_WINDOW))
        .exec(conn)
        .await?
        .rows_affected)
}
