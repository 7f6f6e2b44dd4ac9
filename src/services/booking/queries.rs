//! What pages list of sessions: those in a range of days, those booked under a proxy
//! registration, and a session's internal notes.

use super::{Booking, utc};
use crate::domain::schedule::SessionMode;
use crate::entities::{booking, booking_note};
use crate::services::staff::display_names;
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder};
use time::OffsetDateTime;

/// The sessions booked under a proxy registration, the latest first.
pub async fn under_registration<C: ConnectionTrait>(
    conn: &C,
    registration_id: i64,
) -> Result<Vec<Booking>, DbErr> {
    booking::Entity::find()
        .filter(booking::Column::ProxyRegistrationId.eq(registration_id))
        .order_by_desc(booking::Column::StartsAt)
        .all(conn)
        .await
}

/// An internal note with its author's display name.
#[derive(Debug, Clone)]
pub struct Note {
    /// Who wrote it.
    pub author: String,
    /// When.
    pub at: OffsetDateTime,
    /// What.
    pub body: String,
}

/// A session's notes, oldest first.
pub async fn notes<C: ConnectionTrait>(conn: &C, id: i64) -> Result<Vec<Note>, DbErr> {
    let rows = booking_note::Entity::find()
        .filter(booking_note::Column::BookingId.eq(id))
        .order_by_asc(booking_note::Column::CreatedAt)
        .order_by_asc(booking_note::Column::Id)
        .all(conn)
        .await?;
    let names = display_names(conn).await?;
    Ok(rows
        .into_iter()
        .map(|n| Note {
            author: names.get(&n.staff_user_id).cloned().unwrap_or_default(),
            at: n.created_at,
            body: n.body,
        })
        .collect())
}

/// Sessions starting between two instants, optionally of one mode or one interpreter,
/// by start.
pub async fn between<C: ConnectionTrait>(
    conn: &C,
    from: OffsetDateTime,
    until: OffsetDateTime,
    mode: Option<SessionMode>,
    interpreter: Option<i64>,
) -> Result<Vec<Booking>, DbErr> {
    let mut query = booking::Entity::find()
        .filter(booking::Column::StartsAt.gte(utc(from)))
        .filter(booking::Column::StartsAt.lt(utc(until)));
    if let Some(mode) = mode {
        query = query.filter(booking::Column::Mode.eq(mode));
    }
    if let Some(id) = interpreter {
        query = query.filter(booking::Column::InterpreterId.eq(id));
    }
    query
        .order_by_asc(booking::Column::StartsAt)
        .order_by_asc(booking::Column::Id)
        .all(conn)
        .await
}
