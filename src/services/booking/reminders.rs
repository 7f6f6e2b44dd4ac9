//! The reminder before a session: sent once, a set number of hours before it starts, to
//! whoever manages the session.

use super::emails::{AboutSession, tell_customer};
use super::{interpreter_card, utc};
use crate::config::Config;
use crate::db::begin_write;
use crate::domain::BookingStatus;
use crate::entities::booking;
use crate::mail::templates::SessionEmail;
use crate::services::settings;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter};
use time::{Duration, OffsetDateTime};

/// Sends every reminder that is due: sessions still booked, starting within the reminder
/// window, not reminded yet. Each is claimed by a conditional update in its own
/// transaction with its email, so two app instances never send one reminder twice.
pub async fn send_due_reminders(
    db: &DatabaseConnection,
    now: OffsetDateTime,
    config: &Config,
) -> Result<usize, DbErr> {
    let desk = settings::load(db).await?;
    if desk.reminder_hours <= 0 {
        return Ok(0);
    }
    let due = booking::Entity::find()
        .filter(booking::Column::Status.eq(BookingStatus::Booked))
        .filter(booking::Column::ReminderSentAt.is_null())
        .filter(booking::Column::StartsAt.gt(utc(now)))
        .filter(booking::Column::StartsAt.lte(utc(now) + Duration::hours(desk.reminder_hours)))
        .all(db)
        .await?;
    let mut sent = 0;
    for b in due {
        let txn = begin_write(db).await?;
        let claimed = booking::Entity::update_many()
            .col_expr(booking::Column::ReminderSentAt, Expr::value(now))
            .filter(booking::Column::Id.eq(b.id))
            .filter(booking::Column::ReminderSentAt.is_null())
            .filter(booking::Column::Status.eq(BookingStatus::Booked))
            .exec(&txn)
            .await?
            .rows_affected
            == 1;
        if claimed {
            let card = interpreter_card(&txn, &b).await?;
            tell_customer(
                &txn,
                now,
                config,
                &AboutSession {
                    desk: &desk,
                    booking: &b,
                    card: &card,
                },
                SessionEmail::Reminder,
                true,
            )
            .await?;
            sent += 1;
        }
        txn.commit().await?;
    }
    Ok(sent)
}
