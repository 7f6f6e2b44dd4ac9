//! Reads for the staff schedule pages that the booking services do not offer: a session's
//! own history and an interpreter's sessions from a given moment on.

use super::booking::Booking;
use crate::entities::{audit_event, booking};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder};
use time::OffsetDateTime;

/// One line of a session's history, as the audit log recorded it.
pub type HistoryEvent = audit_event::Model;

/// Everything the audit log holds about one session, oldest first.
pub async fn history<C: ConnectionTrait>(
    conn: &C,
    booking_id: i64,
) -> Result<Vec<HistoryEvent>, DbErr> {
    audit_event::Entity::find()
        .filter(audit_event::Column::TargetType.eq("booking"))
        .filter(audit_event::Column::TargetId.eq(booking_id.to_string()))
        .order_by_asc(audit_event::Column::OccurredAt)
        .order_by_asc(audit_event::Column::Id)
        .all(conn)
        .await
}

/// One interpreter's sessions starting at or after `from`, in order, whatever their status.
pub async fn sessions_from<C: ConnectionTrait>(
    conn: &C,
    interpreter: i64,
    from: OffsetDateTime,
) -> Result<Vec<Booking>, DbErr> {
    booking::Entity::find()
        .filter(booking::Column::InterpreterId.eq(interpreter))
        .filter(booking::Column::StartsAt.gte(from))
        .order_by_asc(booking::Column::StartsAt)
        .order_by_asc(booking::Column::Id)
        .all(conn)
        .await
}
