//! Unfinished journeys (booking a session, applying as a proxy, sending a request), kept on
//! the server so a person can take as long as they need, each under its kind
//! ([`Journey::KIND`]). A journey untouched for 30 days is removed.
//!
//! What is kept is bounded, so that nobody can fill the disk with journeys: one address may
//! start only so many journeys in an hour (a journey under way is never refused), and an
//! answer is kept only up to the longest any question accepts — a longer one is shown back
//! to the person whole on the rejected page, but not stored.

use crate::domain::Token;
use crate::domain::journey::Journey;
use crate::entities::journey_draft;
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait,
    QueryFilter,
};
use time::{Duration, OffsetDateTime};

/// How long an untouched journey is kept.
pub const KEPT_FOR: Duration = Duration::days(30);

/// The longest answer kept, in characters: as long as the longest any question accepts.
pub const KEPT_CHARS: usize = {
    let longest =
        if crate::domain::request::DETAILS_MAX_CHARS > crate::domain::booking::NEEDS_MAX_CHARS {
            crate::domain::request::DETAILS_MAX_CHARS
        } else {
            crate::domain::booking::NEEDS_MAX_CHARS
        };
    if longest > crate::domain::request::MESSAGE_MAX_CHARS {
        longest
    } else {
        crate::domain::request::MESSAGE_MAX_CHARS
    }
};

/// The most one journey's stored answers may take, in bytes.
pub const MAX_BYTES: usize = 32 * 1024;

/// Why a journey could not be kept.
#[derive(Debug, thiserror::Error)]
pub enum DraftError {
    /// This address has started too many journeys lately.
    #[error("too many new journeys from one address")]
    TooMany,
    /// The answers are larger than any real journey's.
    #[error("journey too large to keep")]
    TooLarge,
    /// The database failed.
    #[error(transparent)]
    Database(#[from] DbErr),
}

/// Starts a new journey under a fresh token, if the address it comes from (when known) has
/// not started `per_hour` journeys in the last hour; the journey and the count are written
/// together.
pub async fn start<J: Journey>(
    db: &DatabaseConnection,
    now: OffsetDateTime,
    token: &Token,
    draft: &J,
    address: Option<&str>,
    per_hour: u64,
) -> Result<(), DraftError> {
    let data = stored(draft)?;
    let txn = crate::db::begin_write(db).await?;
    if let Some(address) = address
        && !super::limits::take(&txn, now, super::limits::new_journeys(per_hour), &[address])
            .await?
    {
        return Err(DraftError::TooMany);
    }
    write::<J, _>(&txn, now, token, data).await?;
    txn.commit().await?;
    Ok(())
}

/// The journey a token names, if it is still kept.
pub async fn load<J: Journey, C: ConnectionTrait>(
    conn: &C,
    token: &Token,
) -> Result<Option<J>, DbErr> {
    Ok(journey_draft::Entity::find_by_id(token.hash())
        .filter(journey_draft::Column::Kind.eq(J::KIND))
        .one(conn)
        .await?
        .and_then(|row| serde_json::from_str(&row.data).ok()))
}

/// Saves the answers of a journey under way in a transaction of its own, which waits its
/// turn with the other writers (see [`crate::db::begin_write`]).
pub async fn save_now<J: Journey>(
    db: &DatabaseConnection,
    now: OffsetDateTime,
    token: &Token,
    draft: &J,
) -> Result<(), DraftError> {
    let data = stored(draft)?;
    let txn = crate::db::begin_write(db).await?;
    write::<J, _>(&txn, now, token, data).await?;
    txn.commit().await?;
    Ok(())
}

/// Saves a journey's answers inside a transaction that does more (finishing the journey).
pub async fn save<J: Journey, C: ConnectionTrait>(
    conn: &C,
    now: OffsetDateTime,
    token: &Token,
    draft: &J,
) -> Result<(), DbErr> {
    let data = stored(draft).map_err(|e| match e {
        DraftError::Database(e) => e,
        other => DbErr::Custom(other.to_string()),
    })?;
    write::<J, _>(conn, now, token, data).await
}

/// The answers as stored: each text cut to [`KEPT_CHARS`], the whole at most [`MAX_BYTES`].
fn stored<J: Journey>(draft: &J) -> Result<String, DraftError> {
    let mut value = serde_json::to_value(draft).map_err(|e| DbErr::Custom(e.to_string()))?;
    cut_answers(&mut value);
    let data = value.to_string();
    if data.len() > MAX_BYTES {
        return Err(DraftError::TooLarge);
    }
    Ok(data)
}

async fn write<J: Journey, C: ConnectionTrait>(
    conn: &C,
    now: OffsetDateTime,
    token: &Token,
    data: String,
) -> Result<(), DbErr> {
    journey_draft::Entity::insert(journey_draft::ActiveModel {
        token_hash: Set(token.hash()),
        data: Set(data),
        created_at: Set(now),
        updated_at: Set(now),
        kind: Set(J::KIND.to_owned()),
    })
    .on_conflict(
        OnConflict::column(journey_draft::Column::TokenHash)
            .update_columns([
                journey_draft::Column::Data,
                journey_draft::Column::UpdatedAt,
            ])
            .to_owned(),
    )
    .exec_without_returning(conn)
    .await?;
    Ok(())
}

/// Cuts every text in the stored answers to [`KEPT_CHARS`].
fn cut_answers(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::String(text) => {
            if let Some((at, _)) = text.char_indices().nth(KEPT_CHARS) {
                text.truncate(at);
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(cut_answers),
        serde_json::Value::Object(fields) => fields.values_mut().for_each(cut_answers),
        _ => {}
    }
}

/// Forgets a journey, by its token's hash.
pub async fn delete<C: ConnectionTrait>(conn: &C, token_hash: &str) -> Result<(), DbErr> {
    journey_draft::Entity::delete_by_id(token_hash.to_owned())
        .exec(conn)
        .await?;
    Ok(())
}

/// Removes journeys untouched for [`KEPT_FOR`].
pub async fn prune<C: ConnectionTrait>(conn: &C, now: OffsetDateTime) -> Result<u64, DbErr> {
    Ok(journey_draft::Entity::delete_many()
        .filter(journey_draft::Column::UpdatedAt.lt(now - KEPT_FOR))
        .exec(conn)
        .await?
        .rows_affected)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_answers_are_cut_on_a_character_boundary() {
        let mut value = serde_json::json!({
            "details": "あ".repeat(KEPT_CHARS + 500),
            "short": "ok",
            "list": ["x".repeat(KEPT_CHARS * 3)],
        });
        cut_answers(&mut value);
        assert_eq!(
            value["details"].as_str().unwrap().chars().count(),
            KEPT_CHARS
        );
        assert_eq!(value["short"], "ok");
        assert_eq!(value["list"][0].as_str().unwrap().len(), KEPT_CHARS);
    }
}
