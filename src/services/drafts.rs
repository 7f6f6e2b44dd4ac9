//! Unfinished journeys (booking a session, applying as a proxy), kept on the server so a
//! person can take as long as they need. A journey untouched for 30 days is removed.

use crate::domain::Token;
use crate::entities::journey_draft;
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait,
    QueryFilter,
};
use serde::Serialize;
use serde::de::DeserializeOwned;
use time::{Duration, OffsetDateTime};

/// How long an untouched journey is kept.
pub const KEPT_FOR: Duration = Duration::days(30);

/// The answers of one kind of journey.
pub trait Journey: Serialize + DeserializeOwned {
    /// The kind stored beside the answers, so one journey's token never opens another's.
    const KIND: &'static str;
}

impl Journey for crate::domain::booking::Draft {
    const KIND: &'static str = "booking";
}

impl Journey for crate::domain::proxy::ApplicationDraft {
    const KIND: &'static str = "proxy_application";
}

impl Journey for crate::domain::request::RequestDraft {
    const KIND: &'static str = "support_request";
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

/// Saves a journey's answers in a transaction of its own, which waits its turn with the
/// other writers (see [`crate::db::begin_write`]).
pub async fn save_now<J: Journey>(
    db: &DatabaseConnection,
    now: OffsetDateTime,
    token: &Token,
    draft: &J,
) -> Result<(), DbErr> {
    let txn = crate::db::begin_write(db).await?;
    save(&txn, now, token, draft).await?;
    txn.commit().await
}

/// Saves a journey's answers.
pub async fn save<J: Journey, C: ConnectionTrait>(
    conn: &C,
    now: OffsetDateTime,
    token: &Token,
    draft: &J,
) -> Result<(), DbErr> {
    let data = serde_json::to_string(draft).map_err(|e| DbErr::Custom(e.to_string()))?;
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
