//! What staff do with the outbox: sending a waiting or given-up email again at once.

use super::UseCase;
use super::audit::{self, Target};
use crate::domain::AuditAction;
use crate::mail::outbox;
use sea_orm::DbErr;
use serde_json::json;

/// Makes a waiting or given-up email due now and records who asked. Answers `false` when
/// there is no such email (none with that id, or one already sent); committing wakes the
/// relay.
pub async fn retry(uc: &UseCase<'_>, id: i64) -> Result<bool, DbErr> {
    let UseCase { now, actor, .. } = *uc;
    let txn = uc.begin().await?;
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
    uc.commit(txn).await?;
    Ok(true)
}
