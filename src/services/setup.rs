//! First run: while no staff account exists, a one-time link creates the first admin.

use super::Actor;
use super::audit;
use super::staff::{self, NewStaff, StaffError};
use crate::db::begin_write;
use crate::domain::{AuditAction, Role, Token};
use crate::entities::setup_token;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, DatabaseConnection, DbErr, EntityTrait};
use serde_json::json;
use time::OffsetDateTime;

/// Makes a new setup token when no staff account exists yet. Every running instance may make
/// its own; the first one used wins and the rest stop working.
pub async fn issue_token(
    db: &DatabaseConnection,
    now: OffsetDateTime,
) -> Result<Option<Token>, DbErr> {
    if staff::any_exist(db).await? {
        return Ok(None);
    }
    let token = Token::generate();
    setup_token::ActiveModel {
        token_hash: Set(token.hash()),
        created_at: Set(now),
    }
    .insert(db)
    .await?;
    Ok(Some(token))
}

/// Whether a presented setup token is usable now.
pub async fn token_is_valid(db: &DatabaseConnection, token: &Token) -> Result<bool, DbErr> {
    if staff::any_exist(db).await? {
        return Ok(false);
    }
    Ok(setup_token::Entity::find_by_id(token.hash())
        .one(db)
        .await?
        .is_some())
}

/// How using the setup link ended.
#[derive(Debug)]
pub enum Setup {
    /// The first admin exists now.
    Created(i64),
    /// The link was used already, or never existed.
    Gone,
}

/// Creates the first admin with a setup token, and retires every setup token. Of two people
/// racing with two tokens, exactly one succeeds: deleting the tokens serialises them.
pub async fn create_first_admin(
    db: &DatabaseConnection,
    now: OffsetDateTime,
    token: &Token,
    mut new: NewStaff,
    ip: Option<String>,
) -> Result<Setup, StaffError> {
    new.role = Role::Admin;
    let txn = begin_write(db).await?;
    if setup_token::Entity::find_by_id(token.hash())
        .one(&txn)
        .await?
        .is_none()
    {
        return Ok(Setup::Gone);
    }
    let retired = setup_token::Entity::delete_many()
        .exec(&txn)
        .await?
        .rows_affected;
    if retired == 0 || staff::any_exist(&txn).await? {
        return Ok(Setup::Gone);
    }
    let user = staff::insert(&txn, now, &new).await?;
    let actor = Actor {
        staff_id: Some(user.id),
        role: Some(Role::Admin),
        ip,
        proxy_id: None,
    };
    audit::record(
        &txn,
        now,
        &actor,
        AuditAction::FirstAdminCreated,
        Some(audit::Target::staff(user.id)),
        json!({ "email": user.email }),
    )
    .await?;
    txn.commit().await?;
    Ok(Setup::Created(user.id))
}
