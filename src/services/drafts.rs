//! Unfinished booking journeys, kept on the server so a customer can take as long as they
//! need. A journey untouched for 30 days is removed.

use crate::domain::Token;
use crate::domain::booking::Draft;
use crate::entities::booking_draft;
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait,
    QueryFilter,
};
use time::{Duration, OffsetDateTime};

/// How long an untouched journey is kept.
pub const KEPT_FOR: Duration = Duration::days(30);

/// The journey a token names, if it is still kept.
pub async fn load<C: ConnectionTrait>(conn: &C, token: &Token) -> Result<Option<Draft>, DbErr> {
    Ok(booking_draft::Entity::find_by_id(token.hash())
        .one(conn)
        .await?
        .and_then(|row| serde_json::from_str(&row.data).ok()))
}

/// Saves a journey's answers in a transaction of its own, which waits its turn with the
/// other writers (see [`crate::db::begin_write`]).
pub async fn save_now(
    db: &DatabaseConnection,
    now: OffsetDateTime,
    token: &Token,
    draft: &Draft,
) -> Result<(), DbErr> {
    let txn = crate::db::begin_write(db).await?;
    save(&txn, now, token, draft).await?;
    txn.commit().await
}

/// Saves a journey's answers.
pub async fn save<C: ConnectionTrait>(
    conn: &C,
    now: OffsetDateTime,
    token: &Token,
    draft: &Draft,
) -> Result<(), DbErr> {
    let data = serde_json::to_string(draft).map_err(|e| DbErr::Custom(e.to_string()))?;
    booking_draft::Entity::insert(booking_draft::ActiveModel {
        token_hash: Set(token.hash()),
        data: Set(data),
        created_at: Set(now),
        updated_at: Set(now),
    })
    .on_conflict(
        OnConflict::column(booking_draft::Column::TokenHash)
            .update_columns([
                booking_draft::Column::Data,
                booking_draft::Column::UpdatedAt,
            ])
            .to_owned(),
    )
    .exec_without_returning(conn)
    .await?;
    Ok(())
}

/// Forgets a journey, by its token's hash.
pub async fn delete<C: ConnectionTrait>(conn: &C, token_hash: &str) -> Result<(), DbErr> {
    booking_draft::Entity::delete_by_id(token_hash.to_owned())
        .exec(conn)
        .await?;
    Ok(())
}

/// Removes journeys untouched for [`KEPT_FOR`].
pub async fn prune<C: ConnectionTrait>(conn: &C, now: OffsetDateTime) -> Result<u64, DbErr> {
    Ok(booking_draft::Entity::delete_many()
        .filter(booking_draft::Column::UpdatedAt.lt(now - KEPT_FOR))
        .exec(conn)
        .await?
        .rows_affected)
}
