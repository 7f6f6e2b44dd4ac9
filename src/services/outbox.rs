//! What staff do with the outbox: sending a waiting or given-up email again at once.

use super::Actor;
use super::audit::{self, Target};
use crate::db::begin_write;
use crate::domain::AuditAction;
use crate::mail::outbox;
use sea_orm::{DatabaseConnection, DbErr};
use serde_json::json;
use time::OffsetDateTime;

/// Makes a waiting or given-up email due now and records who asked. Answers `false` when
/// there is no such email (none with that id, or one already sent); the caller wakes the
/// relay.
pub async fn retry(
    db: &DatabaseConnection,
    now: OffsetDateTime,
    actor: &Actor,
    id: i64,
) -> Result<bool, DbErr> {
    let txn = begin_write(db).await?;
    if !outbox::retry_now(&txn, now, id).await? {
        return Ok(false);
    }
    audit::record(
        &txn,
        now,
        actor,
        AuditAction::EmailRetried,
        Some(Target {
            kind: "outbox_message",
            id: id.to_string(),
        }),
        json!({}),
    )
    .await?;
    txn.commit().await?;
    Ok(true)
}
