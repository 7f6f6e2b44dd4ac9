//! Staff sign-in, sessions, lock-out and password changes.

use super::Actor;
use super::audit::{self, Target};
use super::passwords::{HashError, Hasher};
use crate::db::begin_write;
use crate::domain::{AuditAction, Email, Password, Role, Token};
use crate::entities::{login_attempt, staff_session, staff_user};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait,
    ActiveValue::{NotSet, Set},
    ColumnTrait, Condition, DatabaseConnection, DbErr, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect,
};
use serde_json::json;
use time::{Duration, OffsetDateTime};

/// Failed sign-ins for one account that lock it for a while.
pub const MAX_FAILURES_PER_ACCOUNT: u64 = 10;
/// Failed sign-ins from one address that refuse it for a while, whatever the accounts.
pub const MAX_FAILURES_PER_ADDRESS: u64 = 100;
/// The window in which failures are counted.
pub const FAILURE_WINDOW: Duration = Duration::minutes(15);
/// A session ends after this long without a request.
pub const SESSION_IDLE: Duration = Duration::hours(2);
/// A session ends this long after sign-in, however busy.
pub const SESSION_MAX_AGE: Duration = Duration::hours(12);
/// How stale a session's last-seen time may grow before it is written again.
const TOUCH_EVERY: Duration = Duration::minutes(1);

/// Why something in this module failed.
#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    /// The database failed.
    #[error(transparent)]
    Database(#[from] DbErr),
    /// Hashing failed.
    #[error(transparent)]
    Hash(#[from] HashError),
}

impl From<AuthError> for crate::Error {
    fn from(e: AuthError) -> Self {
        match e {
            AuthError::Database(e) => crate::Error::Database(e),
            AuthError::Hash(e) => e.into(),
        }
    }
}

/// A staff member with a live session.
#[derive(Debug, Clone)]
pub struct SignedInStaff {
    /// The account.
    pub id: i64,
    /// Their email address.
    pub email: String,
    /// Their full name (staff-facing only).
    pub full_name: String,
    /// The name customers see.
    pub display_name: String,
    /// Their role.
    pub role: Role,
    /// The hash of the session token, which is the session's id.
    pub session_id: String,
}

impl SignedInStaff {
    /// This staff member as the actor of a change.
    pub fn actor(&self, ip: Option<String>) -> Actor {
        Actor {
            staff_id: Some(self.id),
            role: Some(self.role),
            ip,
            proxy_id: None,
        }
    }
}

/// Whose sign-in: staff or proxies. Failures are counted apart, so a staff member and a
/// proxy who share an email address never pause each other's sign-in; the limit per client
/// address counts both.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Realm {
    /// Staff sign-in, at `/staff/login`.
    Staff,
    /// Proxy sign-in, at `/proxy/login`.
    Proxy,
}

impl Realm {
    fn as_str(self) -> &'static str {
        match self {
            Realm::Staff => "staff",
            Realm::Proxy => "proxy",
        }
    }
}

/// Records a sign-in attempt as a failure before its password is checked, and answers until
/// when the account or the address is locked, if it already was (not counting this attempt).
/// Recording first means that attempts arriving together all see each other, so a parallel
/// flood cannot have more passwords checked than the limit allows. An attempt refused because
/// of older failures is taken back, so trying again while locked does not lengthen the lock;
/// one refused only because of attempts that came with it stays, so that of a flood at least
/// the limit's worth always stays and keeps the lock.
pub(crate) async fn open_attempt(
    db: &DatabaseConnection,
    now: OffsetDateTime,
    realm: Realm,
    email: &Email,
    ip: Option<&str>,
) -> Result<(i64, Option<OffsetDateTime>), DbErr> {
    let txn = begin_write(db).await?;
    let attempt = login_attempt::ActiveModel {
        id: NotSet,
        email: Set(email.as_str().to_owned()),
        ip: Set(ip.map(str::to_owned)),
        attempted_at: Set(now),
        succeeded: Set(false),
        realm: Set(realm.as_str().to_owned()),
    }
    .insert(&txn)
    .await?;
    txn.commit().await?;
    let others = Condition::all().add(login_attempt::Column::Id.ne(attempt.id));
    let locked = locked_until(db, now, realm, email, ip, others).await?;
    if locked.is_some() {
        let older = Condition::all().add(login_attempt::Column::Id.lt(attempt.id));
        if locked_until(db, now, realm, email, ip, older)
            .await?
            .is_some()
        {
            login_attempt::Entity::delete_by_id(attempt.id)
                .exec(db)
                .await?;
        }
    }
    Ok((attempt.id, locked))
}

/// Records how an attempt opened by [`open_attempt`] ended. On success the account's failures
/// are cleared; on failure, answers how many failures the account now has in the window, and
/// until when it is paused if that reaches the limit.
pub(crate) async fn close_attempt<C: sea_orm::ConnectionTrait>(
    conn: &C,
    now: OffsetDateTime,
    realm: Realm,
    email: &Email,
    attempt: i64,
    matched: bool,
) -> Result<(u64, Option<OffsetDateTime>), DbErr> {
    if matched {
        login_attempt::Entity::update_many()
            .col_expr(login_attempt::Column::Succeeded, Expr::value(true))
            .filter(login_attempt::Column::Id.eq(attempt))
            .exec(conn)
            .await?;
        login_attempt::Entity::delete_many()
            .filter(login_attempt::Column::Realm.eq(realm.as_str()))
            .filter(login_attempt::Column::Email.eq(email.as_str()))
            .filter(login_attempt::Column::Succeeded.eq(false))
            .exec(conn)
            .await?;
        return Ok((0, None));
    }
    let failures = recent_failures(conn, now, realm, email).await?;
    let paused = if failures >= MAX_FAILURES_PER_ACCOUNT {
        Some(
            locked_until(conn, now, realm, email, None, Condition::all())
                .await?
                .unwrap_or(now + FAILURE_WINDOW),
        )
    } else {
        None
    };
    Ok((failures, paused))
}

/// How a sign-in attempt ended.
#[derive(Debug)]
pub enum SignIn {
    /// Signed in: the token goes into the session cookie.
    Accepted {
        /// The new session's token.
        token: Token,
        /// The account signed in.
        account_id: i64,
    },
    /// The email or the password was wrong (the answer does not say which).
    Rejected,
    /// Too many failures: refused until the given instant.
    LockedOut { until: OffsetDateTime },
}

/// Tries to sign in with an email and a password.
pub async fn sign_in(
    db: &DatabaseConnection,
    hasher: &Hasher,
    now: OffsetDateTime,
    email: &Email,
    password: &str,
    ip: Option<String>,
) -> Result<SignIn, AuthError> {
    let (attempt, locked) = open_attempt(db, now, Realm::Staff, email, ip.as_deref()).await?;
    if let Some(until) = locked {
        return Ok(SignIn::LockedOut { until });
    }

    let account = staff_user::Entity::find()
        .filter(staff_user::Column::Email.eq(email.as_str()))
        .one(db)
        .await?
        .filter(|u| u.active);
    let stored = account.as_ref().and_then(|u| u.password_hash.as_deref());
    let matched = hasher.verify(password, stored).await?;

    let txn = begin_write(db).await?;
    let (failures, paused) =
        close_attempt(&txn, now, Realm::Staff, email, attempt, matched).await?;
    let outcome = match account {
        Some(user) if matched => {
            let role = Role::parse(&user.role).ok();
            let token = Token::generate();
            staff_session::ActiveModel {
                id: Set(token.hash()),
                staff_user_id: Set(user.id),
                created_at: Set(now),
                last_seen_at: Set(now),
            }
            .insert(&txn)
            .await?;
            let actor = Actor {
                staff_id: Some(user.id),
                role,
                ip,
                proxy_id: None,
            };
            audit::record(
                &txn,
                now,
                &actor,
                AuditAction::SignedIn,
                Some(Target::staff(user.id)),
                json!({}),
            )
            .await?;
            SignIn::Accepted {
                token,
                account_id: user.id,
            }
        }
        account => {
            let actor = Actor {
                staff_id: account.as_ref().map(|u| u.id),
                role: account.as_ref().and_then(|u| Role::parse(&u.role).ok()),
                ip: ip.clone(),
                proxy_id: None,
            };
            let target = account.as_ref().map(|u| Target::staff(u.id));
            audit::record(
                &txn,
                now,
                &actor,
                AuditAction::SignInFailed,
                target.clone(),
                json!({ "email": email.as_str() }),
            )
            .await?;
            if failures == MAX_FAILURES_PER_ACCOUNT {
                audit::record(
                    &txn,
                    now,
                    &actor,
                    AuditAction::LockedOut,
                    target,
                    json!({ "email": email.as_str() }),
                )
                .await?;
            }
            match paused {
                Some(until) => SignIn::LockedOut { until },
                None => SignIn::Rejected,
            }
        }
    };
    txn.commit().await?;
    Ok(outcome)
}

async fn recent_failures<C: sea_orm::ConnectionTrait>(
    conn: &C,
    now: OffsetDateTime,
    realm: Realm,
    email: &Email,
) -> Result<u64, DbErr> {
    login_attempt::Entity::find()
        .filter(login_attempt::Column::Realm.eq(realm.as_str()))
        .filter(login_attempt::Column::Email.eq(email.as_str()))
        .filter(login_attempt::Column::Succeeded.eq(false))
        .filter(login_attempt::Column::AttemptedAt.gt(now - FAILURE_WINDOW))
        .count(conn)
        .await
}

/// When the account (or the address) may try again, if it is locked now. The lock lifts when
/// the oldest failure that keeps the count at the limit leaves the window. Only the attempts
/// matching `among` count.
pub(crate) async fn locked_until<C: sea_orm::ConnectionTrait>(
    conn: &C,
    now: OffsetDateTime,
    realm: Realm,
    email: &Email,
    ip: Option<&str>,
    among: Condition,
) -> Result<Option<OffsetDateTime>, DbErr> {
    let window_start = now - FAILURE_WINDOW;
    let mut until: Option<OffsetDateTime> = None;
    let mut consider = |limit: u64, found: Vec<OffsetDateTime>| {
        if found.len() as u64 >= limit
            && let Some(edge) = found.last()
        {
            let lifts = *edge + FAILURE_WINDOW;
            until = Some(until.map_or(lifts, |u| u.max(lifts)));
        }
    };
    let by_account: Vec<OffsetDateTime> = login_attempt::Entity::find()
        .select_only()
        .column(login_attempt::Column::AttemptedAt)
        .filter(login_attempt::Column::Realm.eq(realm.as_str()))
        .filter(login_attempt::Column::Email.eq(email.as_str()))
        .filter(login_attempt::Column::Succeeded.eq(false))
        .filter(login_attempt::Column::AttemptedAt.gt(window_start))
        .filter(among.clone())
        .order_by_desc(login_attempt::Column::AttemptedAt)
        .limit(MAX_FAILURES_PER_ACCOUNT)
        .into_tuple()
        .all(conn)
        .await?;
    consider(MAX_FAILURES_PER_ACCOUNT, by_account);
    if let Some(ip) = ip {
        let by_address: Vec<OffsetDateTime> = login_attempt::Entity::find()
            .select_only()
            .column(login_attempt::Column::AttemptedAt)
            .filter(login_attempt::Column::Ip.eq(ip))
            .filter(login_attempt::Column::Succeeded.eq(false))
            .filter(login_attempt::Column::AttemptedAt.gt(window_start))
            .filter(among)
            .order_by_desc(login_attempt::Column::AttemptedAt)
            .limit(MAX_FAILURES_PER_ADDRESS)
            .into_tuple()
            .all(conn)
            .await?;
        consider(MAX_FAILURES_PER_ADDRESS, by_address);
    }
    Ok(until)
}

/// Finds the live session for a cookie's token, ending it if it has expired or its account
/// was deactivated, and noting that it was seen.
pub async fn session(
    db: &DatabaseConnection,
    now: OffsetDateTime,
    token: &Token,
) -> Result<Option<SignedInStaff>, DbErr> {
    let id = token.hash();
    let Some((session, Some(user))) = staff_session::Entity::find_by_id(id.clone())
        .find_also_related(staff_user::Entity)
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let expired =
        session.last_seen_at + SESSION_IDLE <= now || session.created_at + SESSION_MAX_AGE <= now;
    let role = Role::parse(&user.role).ok();
    let (Some(role), false, true) = (role, expired, user.active) else {
        staff_session::Entity::delete_by_id(id).exec(db).await?;
        return Ok(None);
    };
    if now - session.last_seen_at >= TOUCH_EVERY {
        staff_session::Entity::update_many()
            .col_expr(
                staff_session::Column::LastSeenAt,
                sea_orm::sea_query::Expr::value(now),
            )
            .filter(staff_session::Column::Id.eq(id.clone()))
            .exec(db)
            .await?;
    }
    Ok(Some(SignedInStaff {
        id: user.id,
        email: user.email,
        full_name: user.full_name,
        display_name: user.display_name,
        role,
        session_id: id,
    }))
}

/// Ends a session and records the sign-out.
pub async fn sign_out(
    db: &DatabaseConnection,
    now: OffsetDateTime,
    staff: &SignedInStaff,
    ip: Option<String>,
) -> Result<(), DbErr> {
    let txn = begin_write(db).await?;
    staff_session::Entity::delete_by_id(staff.session_id.clone())
        .exec(&txn)
        .await?;
    audit::record(
        &txn,
        now,
        &staff.actor(ip),
        AuditAction::SignedOut,
        Some(Target::staff(staff.id)),
        json!({}),
    )
    .await?;
    txn.commit().await
}

/// How a password change ended.
#[derive(Debug, PartialEq, Eq)]
pub enum PasswordChange {
    /// Changed; every other session of the account has ended.
    Changed,
    /// The current password given was wrong.
    WrongCurrentPassword,
}

/// Changes a staff member's own password after checking the current one. Every other session
/// of the account ends, so a stolen session does not outlive the change.
pub async fn change_password(
    db: &DatabaseConnection,
    hasher: &Hasher,
    now: OffsetDateTime,
    staff: &SignedInStaff,
    current: &str,
    new: &Password,
    ip: Option<String>,
) -> Result<PasswordChange, AuthError> {
    let stored = staff_user::Entity::find_by_id(staff.id)
        .one(db)
        .await?
        .and_then(|u| u.password_hash);
    if !hasher.verify(current, stored.as_deref()).await? {
        return Ok(PasswordChange::WrongCurrentPassword);
    }
    let hash = hasher.hash(new.expose()).await?;
    let txn = begin_write(db).await?;
    staff_user::Entity::update_many()
        .col_expr(
            staff_user::Column::PasswordHash,
            sea_orm::sea_query::Expr::value(hash),
        )
        .col_expr(
            staff_user::Column::UpdatedAt,
            sea_orm::sea_query::Expr::value(now),
        )
        .filter(staff_user::Column::Id.eq(staff.id))
        .exec(&txn)
        .await?;
    staff_session::Entity::delete_many()
        .filter(staff_session::Column::StaffUserId.eq(staff.id))
        .filter(staff_session::Column::Id.ne(staff.session_id.clone()))
        .exec(&txn)
        .await?;
    audit::record(
        &txn,
        now,
        &staff.actor(ip),
        AuditAction::PasswordChanged,
        Some(Target::staff(staff.id)),
        json!({}),
    )
    .await?;
    txn.commit().await?;
    Ok(PasswordChange::Changed)
}

/// Deletes sign-in attempts and sessions too old to matter any more.
pub async fn prune(db: &DatabaseConnection, now: OffsetDateTime) -> Result<(), DbErr> {
    login_attempt::Entity::delete_many()
        .filter(login_attempt::Column::AttemptedAt.lt(now - Duration::days(1)))
        .exec(db)
        .await?;
    staff_session::Entity::delete_many()
        .filter(staff_session::Column::LastSeenAt.lt(now - SESSION_IDLE))
        .exec(db)
        .await?;
    Ok(())
}
