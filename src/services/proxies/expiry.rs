//! The end date: every approved registration past it is marked expired (its proxy could do
//! nothing after it whether or not this has run), and the proxy is reminded once, a month
//! before, so they can ask for a renewal. Each registration is claimed by a conditional
//! update, so two app instances never do one twice.

use super::{Notice, To, lang_of, tell, tell_both};
use crate::config::Config;
use crate::db::begin_write;
use crate::domain::AuditAction;
use crate::domain::proxy::{EndedBy, RegistrationStatus};
use crate::entities::proxy_registration;
use crate::i18n::t;
use crate::paths;
use crate::services::Actor;
use crate::services::audit::{self, Target};
use sea_orm::{ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter};
use serde_json::json;
use time::{Duration, OffsetDateTime};

/// How long before its end a registration's proxy is reminded.
pub const EXPIRY_REMINDER: Duration = Duration::days(30);

/// Marks as expired every approved registration past its end date, telling the proxy and
/// the customer, and handing what the proxy booked and asked back to the customer. A registration's proxy can do nothing after its end date whether or not
/// this has run yet.
pub async fn expire_due(
    db: &DatabaseConnection,
    now: OffsetDateTime,
    config: &Config,
) -> Result<usize, DbErr> {
    let due = proxy_registration::Entity::find()
        .filter(proxy_registration::Column::Status.eq(RegistrationStatus::Approved))
        .filter(proxy_registration::Column::ValidUntil.lte(now))
        .all(db)
        .await?;
    let mut n = 0;
    for r in due {
        let txn = begin_write(db).await?;
        // Claimed by a conditional update, so two app instances never expire one twice.
        let claimed = proxy_registration::Entity::update_many()
            .col_expr(
                proxy_registration::Column::Status,
                sea_orm::sea_query::Expr::value(RegistrationStatus::Expired),
            )
            .col_expr(
                proxy_registration::Column::EndedAt,
                sea_orm::sea_query::Expr::value(r.valid_until),
            )
            .col_expr(
                proxy_registration::Column::EndedBy,
                sea_orm::sea_query::Expr::value(EndedBy::Expiry),
            )
            .col_expr(
                proxy_registration::Column::UpdatedAt,
                sea_orm::sea_query::Expr::value(now),
            )
            .filter(proxy_registration::Column::Id.eq(r.id))
            .filter(proxy_registration::Column::Status.eq(RegistrationStatus::Approved))
            .filter(proxy_registration::Column::ValidUntil.lte(now))
            .exec(&txn)
            .await?;
        if claimed.rows_affected == 1 {
            audit::record(
                &txn,
                now,
                &Actor::default(),
                AuditAction::ProxyExpired,
                Some(Target::registration(r.id)),
                json!({ "reference": r.reference }),
            )
            .await?;
            tell_both(&txn, now, config, &r, "expired", &[]).await?;
            crate::services::proxy_handover::hand_over(&txn, now, config, &Actor::default(), &r)
                .await?;
            n += 1;
        }
        txn.commit().await?;
    }
    Ok(n)
}

/// Reminds the proxy of every registration ending within [`EXPIRY_REMINDER`], once.
pub async fn send_expiry_reminders(
    db: &DatabaseConnection,
    now: OffsetDateTime,
    config: &Config,
) -> Result<usize, DbErr> {
    let due = proxy_registration::Entity::find()
        .filter(proxy_registration::Column::Status.eq(RegistrationStatus::Approved))
        .filter(proxy_registration::Column::ValidUntil.gt(now))
        .filter(proxy_registration::Column::ValidUntil.lte(now + EXPIRY_REMINDER))
        .filter(proxy_registration::Column::ExpiryReminderSentAt.is_null())
        .all(db)
        .await?;
    let mut n = 0;
    for r in due {
        let txn = begin_write(db).await?;
        let claimed = proxy_registration::Entity::update_many()
            .col_expr(
                proxy_registration::Column::ExpiryReminderSentAt,
                sea_orm::sea_query::Expr::value(now),
            )
            .filter(proxy_registration::Column::Id.eq(r.id))
            .filter(proxy_registration::Column::ExpiryReminderSentAt.is_null())
            .exec(&txn)
            .await?;
        if claimed.rows_affected == 1 {
            let renew = (
                t(lang_of(&r), "email.proxy.sign_in").to_owned(),
                config.link(paths::proxy::LOGIN),
            );
            let notice = Notice {
                action: Some(renew),
                ..Notice::of("expiring")
            };
            tell(&txn, now, config, &r, To::Proxy, notice).await?;
            n += 1;
        }
        txn.commit().await?;
    }
    Ok(n)
}
