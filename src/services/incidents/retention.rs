//! Closed incidents are kept for the years an admin sets (three unless changed), counted
//! from when they were closed, and then deleted with everything that belongs to them: the
//! staff they affected, the messages they quote and what was added to them (the database
//! cascades the deletion; a call for support that started one keeps its own row). Each
//! deletion leaves one audit row with the incident's reference and category, and nothing
//! about the customer. An incident still open is never deleted by time.

use super::incident_key;
use crate::db::{begin_write, take_turn};
use crate::domain::AuditAction;
use crate::domain::incident::IncidentStatus;
use crate::entities::incident;
use crate::services::Actor;
use crate::services::audit::{self, Target};
use crate::services::settings;
use sea_orm::{
    ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};
use serde_json::json;
use time::OffsetDateTime;

/// How many incidents one look reads before deleting them.
const BATCH: u64 = 100;

/// Deletes every closed incident whose time is up at `now`, each in its own transaction with
/// its audit row; how many were deleted. An incident opened again meanwhile stays.
pub async fn delete_expired(db: &DatabaseConnection, now: OffsetDateTime) -> Result<usize, DbErr> {
    let kept_since = settings::incidents::load(db).await?.kept_since(now);
    let mut deleted = 0;
    loop {
        let due: Vec<(i64, String, crate::domain::incident::Category)> = incident::Entity::find()
            .select_only()
            .column(incident::Column::Id)
            .column(incident::Column::Reference)
            .column(incident::Column::Category)
            .filter(incident::Column::Status.eq(IncidentStatus::Closed))
            .filter(incident::Column::ClosedAt.lt(kept_since))
            .order_by_asc(incident::Column::Id)
            .limit(BATCH)
            .into_tuple()
            .all(db)
            .await?;
        let looked_at = due.len();
        for (id, reference, category) in due {
            let txn = begin_write(db).await?;
            take_turn(&txn, &incident_key(id)).await?;
            // Claimed by a conditional delete: two instances never record one deletion
            // twice, and an incident opened again since it was read stays.
            let gone = incident::Entity::delete_many()
                .filter(incident::Column::Id.eq(id))
                .filter(incident::Column::Status.eq(IncidentStatus::Closed))
                .filter(incident::Column::ClosedAt.lt(kept_since))
                .exec(&txn)
                .await?
                .rows_affected;
            if gone == 1 {
                audit::record(
                    &txn,
                    now,
                    &Actor::default(),
                    AuditAction::IncidentDeleted,
                    Some(Target::incident(id)),
                    json!({ "reference": reference, "category": category.as_str() }),
                )
                .await?;
                deleted += 1;
            }
            txn.commit().await?;
        }
        if looked_at < BATCH as usize {
            return Ok(deleted);
        }
    }
}
