//! Staff accounts: listing, creating, inviting, editing, deactivating.

use super::UseCase;
use super::accounts::{links, sessions};
use super::audit::{self, Target};
use crate::domain::LinkPurpose::FirstPassword;
use crate::domain::{AuditAction, DisplayName, Email, FullName, Lang, Realm, Role};
use crate::entities::staff_user;
use sea_orm::{
    ActiveModelTrait,
    ActiveValue::{NotSet, Set},
    ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, SqlErr,
};
use serde_json::json;
use std::collections::HashMap;
use time::OffsetDateTime;

/// A rule that stopped a change to a staff account.
#[derive(Debug, thiserror::Error)]
pub enum StaffError {
    /// Another account already uses the email address.
    #[error("email already in use")]
    EmailTaken,
    /// The change would leave the desk with no active admin.
    #[error("last admin")]
    LastAdmin,
    /// Admins cannot deactivate their own account.
    #[error("own account")]
    OwnAccount,
    /// No such account.
    #[error("not found")]
    NotFound,
    /// The database failed.
    #[error(transparent)]
    Database(#[from] DbErr),
}

/// A new staff account.
#[derive(Debug, Clone)]
pub struct NewStaff {
    /// Their email, which they sign in with.
    pub email: Email,
    /// Their full name.
    pub full_name: FullName,
    /// The name customers see.
    pub display_name: DisplayName,
    /// Their role.
    pub role: Role,
    /// Their password's hash, when one is set at creation.
    pub password_hash: Option<String>,
}

/// Every staff account, active ones first, then by display name.
pub async fn list(db: &DatabaseConnection) -> Result<Vec<staff_user::Model>, DbErr> {
    staff_user::Entity::find()
        .order_by_desc(staff_user::Column::Active)
        .order_by_asc(staff_user::Column::DisplayName)
        .order_by_asc(staff_user::Column::Id)
        .all(db)
        .await
}

/// One staff account.
pub async fn get(db: &DatabaseConnection, id: i64) -> Result<Option<staff_user::Model>, DbErr> {
    staff_user::Entity::find_by_id(id).one(db).await
}

/// Whether any staff account exists.
pub async fn any_exist<C: ConnectionTrait>(conn: &C) -> Result<bool, DbErr> {
    Ok(staff_user::Entity::find().count(conn).await? > 0)
}

/// Inserts an account inside a caller's transaction, refusing a taken email.
pub(crate) async fn insert<C: ConnectionTrait>(
    conn: &C,
    now: OffsetDateTime,
    new: &NewStaff,
) -> Result<staff_user::Model, StaffError> {
    let taken = staff_user::Entity::find()
        .filter(staff_user::Column::Email.eq(new.email.as_str()))
        .count(conn)
        .await?
        > 0;
    if taken {
        return Err(StaffError::EmailTaken);
    }
    staff_user::ActiveModel {
        id: NotSet,
        email: Set(new.email.as_str().to_owned()),
        full_name: Set(new.full_name.as_str().to_owned()),
        display_name: Set(new.display_name.as_str().to_owned()),
        role: Set(new.role),
        password_hash: Set(new.password_hash.clone()),
        active: Set(true),
        lang: Set(crate::domain::Lang::default()),
        created_at: Set(now),
        updated_at: Set(now),
        feedback_digest: Set(false),
    }
    .insert(conn)
    .await
    .map_err(|e| match e.sql_err() {
        // Two admins creating the same address at once: the unique index decides.
        Some(SqlErr::UniqueConstraintViolation(_)) => StaffError::EmailTaken,
        _ => StaffError::Database(e),
    })
}

/// Creates a staff account and records who created it. An account created without a
/// password gets an invitation email, in `lang`, with a link to choose one.
pub async fn create(
    uc: &UseCase<'_>,
    new: &NewStaff,
    lang: Lang,
) -> Result<staff_user::Model, StaffError> {
    let UseCase { now, actor, .. } = *uc;
    let txn = uc.begin().await?;
    let mut user = insert(&txn, now, new).await?;
    // The language they are invited in is the language of their emails, until changed.
    if user.lang != lang {
        let mut row: staff_user::ActiveModel = user.into();
        row.lang = Set(lang);
        user = row.update(&txn).await?;
    }
    audit::record(
        &txn,
        now,
        actor,
        AuditAction::StaffCreated,
        Some(Target::staff(user.id)),
        json!({ "email": user.email, "display_name": user.display_name, "role": user.role.as_str() }),
    )
    .await?;
    if user.password_hash.is_none() {
        invite(&txn, uc, &user, lang).await?;
    }
    uc.commit(txn).await?;
    Ok(user)
}

/// Emails an account an invitation to choose its first password, in `lang`, and records
/// who sent it, inside the caller's transaction.
async fn invite<C: ConnectionTrait>(
    conn: &C,
    uc: &UseCase<'_>,
    user: &staff_user::Model,
    lang: Lang,
) -> Result<(), DbErr> {
    let UseCase {
        now, config, actor, ..
    } = *uc;
    let account = user.clone().into();
    links::issue(conn, now, config, &account, FirstPassword, lang).await?;
    audit::record(
        conn,
        now,
        actor,
        AuditAction::StaffInvited,
        Some(Target::staff(user.id)),
        json!({ "email": user.email }),
    )
    .await
}

/// Emails a fresh invitation, in `lang`, to an active account that has not chosen a
/// password yet. Answers `false` for any other account.
pub async fn reinvite(uc: &UseCase<'_>, id: i64, lang: Lang) -> Result<bool, DbErr> {
    let txn = uc.begin().await?;
    let Some(user) = staff_user::Entity::find_by_id(id).one(&txn).await? else {
        return Ok(false);
    };
    if user.password_hash.is_some() || !user.active {
        return Ok(false);
    }
    invite(&txn, uc, &user, lang).await?;
    uc.commit(txn).await?;
    Ok(true)
}

async fn other_active_admins<C: ConnectionTrait>(conn: &C, except: i64) -> Result<u64, DbErr> {
    staff_user::Entity::find()
        .filter(staff_user::Column::Role.eq(Role::Admin.as_str()))
        .filter(staff_user::Column::Active.eq(true))
        .filter(staff_user::Column::Id.ne(except))
        .count(conn)
        .await
}

/// Changes an account's display name and role. The last active admin keeps the admin role.
pub async fn update(
    uc: &UseCase<'_>,
    id: i64,
    display_name: &DisplayName,
    role: Role,
) -> Result<staff_user::Model, StaffError> {
    let UseCase { now, actor, .. } = *uc;
    let txn = uc.begin().await?;
    let user = staff_user::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or(StaffError::NotFound)?;
    let was_admin = user.role == Role::Admin;
    if was_admin && role != Role::Admin && user.active && other_active_admins(&txn, id).await? == 0
    {
        return Err(StaffError::LastAdmin);
    }
    let before = json!({ "display_name": user.display_name, "role": user.role.as_str() });
    let mut model: staff_user::ActiveModel = user.into();
    model.display_name = Set(display_name.as_str().to_owned());
    model.role = Set(role);
    model.updated_at = Set(now);
    let user = model.update(&txn).await?;
    audit::record(
        &txn,
        now,
        actor,
        AuditAction::StaffUpdated,
        Some(Target::staff(id)),
        json!({ "before": before, "after": { "display_name": user.display_name, "role": user.role.as_str() } }),
    )
    .await?;
    super::schedule_changes::commit_roster_change(uc, txn).await?;
    Ok(user)
}

/// Deactivates an account: it can no longer sign in and its sessions end at once.
pub async fn deactivate(uc: &UseCase<'_>, id: i64) -> Result<(), StaffError> {
    let UseCase { now, actor, .. } = *uc;
    if actor.staff_id == Some(id) {
        return Err(StaffError::OwnAccount);
    }
    let txn = uc.begin().await?;
    let user = staff_user::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or(StaffError::NotFound)?;
    if !user.active {
        return Ok(());
    }
    if user.role == Role::Admin && other_active_admins(&txn, id).await? == 0 {
        return Err(StaffError::LastAdmin);
    }
    set_active(&txn, now, id, false).await?;
    sessions::end_all(&txn, Realm::Staff, id).await?;
    audit::record(
        &txn,
        now,
        actor,
        AuditAction::StaffDeactivated,
        Some(Target::staff(id)),
        json!({ "email": user.email }),
    )
    .await?;
    super::schedule_changes::commit_roster_change(uc, txn).await?;
    Ok(())
}

/// Lets a deactivated account sign in again.
pub async fn reactivate(uc: &UseCase<'_>, id: i64) -> Result<(), StaffError> {
    let UseCase { now, actor, .. } = *uc;
    let txn = uc.begin().await?;
    let user = staff_user::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or(StaffError::NotFound)?;
    if user.active {
        return Ok(());
    }
    set_active(&txn, now, id, true).await?;
    audit::record(
        &txn,
        now,
        actor,
        AuditAction::StaffReactivated,
        Some(Target::staff(id)),
        json!({ "email": user.email }),
    )
    .await?;
    super::schedule_changes::commit_roster_change(uc, txn).await?;
    Ok(())
}

async fn set_active<C: ConnectionTrait>(
    conn: &C,
    now: OffsetDateTime,
    id: i64,
    active: bool,
) -> Result<(), DbErr> {
    staff_user::Entity::update_many()
        .col_expr(
            staff_user::Column::Active,
            sea_orm::sea_query::Expr::value(active),
        )
        .col_expr(
            staff_user::Column::UpdatedAt,
            sea_orm::sea_query::Expr::value(now),
        )
        .filter(staff_user::Column::Id.eq(id))
        .exec(conn)
        .await?;
    Ok(())
}

/// Every staff member's display name, by id.
pub async fn display_names<C: ConnectionTrait>(conn: &C) -> Result<HashMap<i64, String>, DbErr> {
    Ok(staff_user::Entity::find()
        .all(conn)
        .await?
        .into_iter()
        .map(|s| (s.id, s.display_name))
        .collect())
}
