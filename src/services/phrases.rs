//! Each staff member's saved phrases: their own list, kept in the order added, put into a
//! chat message with one press. Nobody else sees, uses or removes them.

use super::UseCase;
use crate::db::take_turn;
use crate::domain::staff_room::PHRASES_MAX;
use crate::entities::staff_phrase;
use sea_orm::{
    ActiveModelTrait,
    ActiveValue::{NotSet, Set},
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
};

/// One saved phrase as stored.
pub type Phrase = staff_phrase::Model;

/// Why a change to the list was refused.
#[derive(Debug, thiserror::Error)]
pub enum PhraseError {
    /// The list holds [`PHRASES_MAX`] phrases already. Nothing was written.
    #[error("the list of phrases is full")]
    Full,
    /// No such phrase of this staff member: someone else's is not theirs to remove.
    #[error("no such phrase")]
    NotFound,
    /// The database failed.
    #[error(transparent)]
    Database(#[from] DbErr),
}

/// A staff member's phrases, in the order added.
pub async fn list<C: ConnectionTrait>(conn: &C, staff_user_id: i64) -> Result<Vec<Phrase>, DbErr> {
    staff_phrase::Entity::find()
        .filter(staff_phrase::Column::StaffUserId.eq(staff_user_id))
        .order_by_asc(staff_phrase::Column::Id)
        .all(conn)
        .await
}

/// One of a staff member's own phrases; another's is none.
pub async fn own<C: ConnectionTrait>(
    conn: &C,
    staff_user_id: i64,
    id: i64,
) -> Result<Option<Phrase>, DbErr> {
    staff_phrase::Entity::find_by_id(id)
        .filter(staff_phrase::Column::StaffUserId.eq(staff_user_id))
        .one(conn)
        .await
}

/// What adds to one staff member's list takes turns on, so that two at once cannot pass
/// the limit together.
fn list_key(staff_user_id: i64) -> String {
    format!("staff phrases {staff_user_id}")
}

/// Adds a phrase (already read by [`crate::domain::staff_room::phrase_body`]) at the end of
/// a staff member's list, unless it is full.
pub async fn add(uc: &UseCase<'_>, staff_user_id: i64, body: &str) -> Result<Phrase, PhraseError> {
    let txn = uc.begin().await?;
    take_turn(&txn, &list_key(staff_user_id)).await?;
    let held = staff_phrase::Entity::find()
        .filter(staff_phrase::Column::StaffUserId.eq(staff_user_id))
        .count(&txn)
        .await?;
    if held >= PHRASES_MAX as u64 {
        return Err(PhraseError::Full);
    }
    let phrase = staff_phrase::ActiveModel {
        id: NotSet,
        staff_user_id: Set(staff_user_id),
        body: Set(body.to_owned()),
        created_at: Set(uc.now),
    }
    .insert(&txn)
    .await?;
    uc.commit(txn).await?;
    Ok(phrase)
}

/// Removes one of a staff member's own phrases.
pub async fn remove(uc: &UseCase<'_>, staff_user_id: i64, id: i64) -> Result<(), PhraseError> {
    let txn = uc.begin().await?;
    let removed = staff_phrase::Entity::delete_many()
        .filter(staff_phrase::Column::Id.eq(id))
        .filter(staff_phrase::Column::StaffUserId.eq(staff_user_id))
        .exec(&txn)
        .await?;
    if removed.rows_affected == 0 {
        return Err(PhraseError::NotFound);
    }
    uc.commit(txn).await?;
    Ok(())
}
