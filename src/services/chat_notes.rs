//! Notes staff write about a written-chat session in its room. Only staff read them: they
//! are shown in staff's room and on the session's staff page, and never reach the customer's
//! room, manage page, transcript email or request thread. A note may be written whether the
//! room is not yet open, open or closed; each is in the audit log.

use super::UseCase;
use super::audit::{self, Target};
use super::booking;
use crate::domain::AuditAction;
use crate::domain::schedule::SessionMode;
use crate::entities::chat_note;
use sea_orm::{
    ActiveModelTrait,
    ActiveValue::{NotSet, Set},
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
};
use serde_json::json;

/// One note as stored.
pub type Note = chat_note::Model;

/// Why a note was not written.
#[derive(Debug, thiserror::Error)]
pub enum NoteError {
    /// No such session, or not a written-chat one.
    #[error("no such chat room")]
    NotFound,
    /// The database failed.
    #[error(transparent)]
    Database(#[from] DbErr),
}

/// A session's notes, oldest first.
pub async fn list<C: ConnectionTrait>(conn: &C, booking_id: i64) -> Result<Vec<Note>, DbErr> {
    chat_note::Entity::find()
        .filter(chat_note::Column::BookingId.eq(booking_id))
        .order_by_asc(chat_note::Column::Id)
        .all(conn)
        .await
}

/// Writes a note (already read by [`crate::domain::staff_room::note_body`]) about a
/// written-chat session, under the writer's display name, with its audit row.
pub async fn add(
    uc: &UseCase<'_>,
    booking_id: i64,
    staff_user_id: i64,
    author_name: &str,
    body: &str,
) -> Result<Note, NoteError> {
    let UseCase { now, actor, .. } = *uc;
    let txn = uc.begin().await?;
    let b = booking::get(&txn, booking_id)
        .await?
        .filter(|b| b.mode == SessionMode::WrittenChat)
        .ok_or(NoteError::NotFound)?;
    let note = chat_note::ActiveModel {
        id: NotSet,
        booking_id: Set(b.id),
        staff_user_id: Set(Some(staff_user_id)),
        author_name: Set(author_name.to_owned()),
        body: Set(body.to_owned()),
        created_at: Set(now),
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        now,
        actor,
        AuditAction::ChatNoteAdded,
        Some(Target::booking(b.id)),
        json!({ "reference": b.reference }),
    )
    .await?;
    uc.commit(txn).await?;
    Ok(note)
}
