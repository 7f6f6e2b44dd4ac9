//! One-time links emailed to staff: the invitation to choose a first password (valid 7 days)
//! and the link to reset a forgotten one (valid 1 hour). Only the hash of a link's token is
//! stored; a link works once.

use super::Actor;
use super::audit::{self, Target};
use crate::config::{Config, mail_domain};
use crate::db::begin_write;
use crate::domain::{AuditAction, Email, Lang, Token};
use crate::entities::{staff_session, staff_token, staff_user};
use crate::i18n::format_datetime;
use crate::mail::{self, OutgoingEmail, templates};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr,
    EntityTrait, QueryFilter,
};
use serde_json::json;
use time::{Duration, OffsetDateTime};

/// What a link lets its holder do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// Choose the first password of a new account.
    Invitation,
    /// Choose a new password after forgetting the old one.
    PasswordReset,
}

impl Purpose {
    fn as_str(self) -> &'static str {
        match self {
            Purpose::Invitation => "invitation",
            Purpose::PasswordReset => "password_reset",
        }
    }

    /// How long a link stays usable.
    pub fn lifetime(self) -> Duration {
        match self {
            Purpose::Invitation => Duration::days(7),
            Purpose::PasswordReset => Duration::hours(1),
        }
    }

    fn path(self) -> &'static str {
        match self {
            Purpose::Invitation => "/staff/invitation/",
            Purpose::PasswordReset => "/staff/reset/",
        }
    }
}

/// Makes a new link for `user` (retiring their unused ones of the same purpose) and writes its
/// email into the outbox, all on `conn`, which should be the caller's transaction.
pub(crate) async fn issue<C: ConnectionTrait>(
    conn: &C,
    now: OffsetDateTime,
    config: &Config,
    user: &staff_user::Model,
    purpose: Purpose,
    lang: Lang,
) -> Result<(), DbErr> {
    staff_token::Entity::delete_many()
        .filter(staff_token::Column::StaffUserId.eq(user.id))
        .filter(staff_token::Column::Purpose.eq(purpose.as_str()))
        .filter(staff_token::Column::UsedAt.is_null())
        .exec(conn)
        .await?;
    let token = Token::generate();
    let expires_at = now + purpose.lifetime();
    staff_token::ActiveModel {
        token_hash: Set(token.hash()),
        staff_user_id: Set(user.id),
        purpose: Set(purpose.as_str().to_owned()),
        created_at: Set(now),
        expires_at: Set(expires_at),
        used_at: Set(None),
    }
    .insert(conn)
    .await?;
    let link = config.link(&format!("{}{}", purpose.path(), token.expose()));
    let until = format_datetime(lang, expires_at, config.timezone);
    let back = super::contact::way_back(conn, config, None).await?;
    let (kind, message) = match purpose {
        Purpose::Invitation => (
            "staff_invitation",
            templates::staff_invitation(lang, &user.display_name, &link, &until, back),
        ),
        Purpose::PasswordReset => (
            "password_reset",
            templates::password_reset(lang, &user.display_name, &link, &until, back),
        ),
    };
    let recipient = Email::parse(&user.email)
        .map_err(|_| DbErr::Custom(format!("stored email of staff {} is invalid", user.id)))?;
    mail::enqueue(
        conn,
        now,
        &mail_domain(&config.base_url),
        OutgoingEmail {
            kind,
            recipient,
            lang,
            message,
            attachments: Vec::new(),
        },
    )
    .await?;
    Ok(())
}

/// Emails a fresh invitation to an account that has not chosen a password yet.
pub async fn reinvite(
    db: &DatabaseConnection,
    now: OffsetDateTime,
    config: &Config,
    actor: &Actor,
    id: i64,
    lang: Lang,
) -> Result<bool, DbErr> {
    let txn = begin_write(db).await?;
    let Some(user) = staff_user::Entity::find_by_id(id).one(&txn).await? else {
        return Ok(false);
    };
    if user.password_hash.is_some() || !user.active {
        return Ok(false);
    }
    issue(&txn, now, config, &user, Purpose::Invitation, lang).await?;
    audit::record(
        &txn,
        now,
        actor,
        AuditAction::StaffInvited,
        Some(Target::staff(id)),
        json!({ "email": user.email }),
    )
    .await?;
    txn.commit().await?;
    Ok(true)
}

/// Emails a password reset link when an active account uses `email`; does nothing otherwise,
/// so the answer never tells whether an account exists. At most one link every five minutes.
pub async fn request_reset(
    db: &DatabaseConnection,
    now: OffsetDateTime,
    config: &Config,
    email: &Email,
    lang: Lang,
    ip: Option<String>,
) -> Result<bool, DbErr> {
    let txn = begin_write(db).await?;
    let Some(user) = staff_user::Entity::find()
        .filter(staff_user::Column::Email.eq(email.as_str()))
        .filter(staff_user::Column::Active.eq(true))
        .one(&txn)
        .await?
    else {
        return Ok(false);
    };
    let recent = staff_token::Entity::find()
        .filter(staff_token::Column::StaffUserId.eq(user.id))
        .filter(staff_token::Column::Purpose.eq(Purpose::PasswordReset.as_str()))
        .filter(staff_token::Column::CreatedAt.gt(now - Duration::minutes(5)))
        .one(&txn)
        .await?;
    if recent.is_some() {
        return Ok(false);
    }
    issue(&txn, now, config, &user, Purpose::PasswordReset, lang).await?;
    let actor = Actor {
        staff_id: Some(user.id),
        role: crate::domain::Role::parse(&user.role).ok(),
        ip,
        proxy_id: None,
    };
    audit::record(
        &txn,
        now,
        &actor,
        AuditAction::PasswordResetRequested,
        Some(Target::staff(user.id)),
        json!({}),
    )
    .await?;
    txn.commit().await?;
    Ok(true)
}

/// The account a presented link belongs to, while the link is usable.
pub async fn holder(
    db: &DatabaseConnection,
    now: OffsetDateTime,
    token: &Token,
    purpose: Purpose,
) -> Result<Option<staff_user::Model>, DbErr> {
    let found = staff_token::Entity::find_by_id(token.hash())
        .filter(staff_token::Column::Purpose.eq(purpose.as_str()))
        .filter(staff_token::Column::UsedAt.is_null())
        .filter(staff_token::Column::ExpiresAt.gt(now))
        .find_also_related(staff_user::Entity)
        .one(db)
        .await?;
    Ok(found.and_then(|(_, user)| user).filter(|u| u.active))
}

/// Sets the password chosen through a link and uses the link up. Every session of the account
/// ends. Answers `None` when the link was not usable (used meanwhile, expired, unknown).
pub async fn redeem(
    db: &DatabaseConnection,
    now: OffsetDateTime,
    token: &Token,
    purpose: Purpose,
    password_hash: String,
    ip: Option<String>,
) -> Result<Option<i64>, DbErr> {
    let txn = begin_write(db).await?;
    // Using the link up first, conditionally, makes two simultaneous uses impossible.
    let used = staff_token::Entity::update_many()
        .col_expr(staff_token::Column::UsedAt, Expr::value(now))
        .filter(staff_token::Column::TokenHash.eq(token.hash()))
        .filter(staff_token::Column::Purpose.eq(purpose.as_str()))
        .filter(staff_token::Column::UsedAt.is_null())
        .filter(staff_token::Column::ExpiresAt.gt(now))
        .exec(&txn)
        .await?;
    if used.rows_affected != 1 {
        return Ok(None);
    }
    let Some(user) = staff_token::Entity::find_by_id(token.hash())
        .find_also_related(staff_user::Entity)
        .one(&txn)
        .await?
        .and_then(|(_, user)| user)
        .filter(|u| u.active)
    else {
        return Ok(None);
    };
    let mut model: staff_user::ActiveModel = user.clone().into();
    model.password_hash = Set(Some(password_hash));
    model.updated_at = Set(now);
    model.update(&txn).await?;
    staff_session::Entity::delete_many()
        .filter(staff_session::Column::StaffUserId.eq(user.id))
        .exec(&txn)
        .await?;
    let actor = Actor {
        staff_id: Some(user.id),
        role: crate::domain::Role::parse(&user.role).ok(),
        ip,
        proxy_id: None,
    };
    let action = match purpose {
        Purpose::Invitation => AuditAction::InvitationAccepted,
        Purpose::PasswordReset => AuditAction::PasswordReset,
    };
    audit::record(
        &txn,
        now,
        &actor,
        action,
        Some(Target::staff(user.id)),
        json!({}),
    )
    .await?;
    txn.commit().await?;
    Ok(Some(user.id))
}
