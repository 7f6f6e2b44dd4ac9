//! Signing in with an email and a password, the same for every realm: argon2 through
//! [`Hasher`], the same work for an unknown account as for a known one, and failures
//! throttled per account and per client address. Failures are counted per realm, so a staff
//! member and a proxy who share an email address never pause each other's sign-in; the
//! limit per address counts both.

use super::AccountError;
use super::account::{Account, Event, action};
use super::sessions;
use crate::db::{begin_write, take_turn};
use crate::domain::{Email, Realm, Token};
use crate::entities::login_attempt;
use crate::services::Actor;
use crate::services::audit;
use crate::services::passwords::Hasher;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait,
    ActiveValue::{NotSet, Set},
    ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};
use serde_json::json;
use time::{Duration, OffsetDateTime};

/// Failed sign-ins for one account that lock it for a while.
pub const MAX_FAILURES_PER_ACCOUNT: u64 = 10;
/// Failed sign-ins from one address that refuse it for a while, whatever the accounts.
pub const MAX_FAILURES_PER_ADDRESS: u64 = 100;
/// The window in which failures are counted.
pub const FAILURE_WINDOW: Duration = Duration::minutes(15);

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

/// Tries to sign in to a realm with an email and a password, and starts a session with a
/// new id when they match an account that may sign in.
pub async fn sign_in(
    db: &DatabaseConnection,
    hasher: &Hasher,
    now: OffsetDateTime,
    realm: Realm,
    email: &Email,
    password: &str,
    ip: Option<String>,
) -> Result<SignIn, AccountError> {
    let (attempt, locked) = open_attempt(db, now, realm, email, ip.as_deref()).await?;
    if let Some(until) = locked {
        return Ok(SignIn::LockedOut { until });
    }

    let account = Account::by_email(db, realm, email.as_str())
        .await?
        .filter(|a| a.active);
    let stored = account.as_ref().and_then(|a| a.password_hash.as_deref());
    let matched = hasher.verify(password, stored).await?;

    let txn = begin_write(db).await?;
    // Two sign-ins to one account closing at once would each lock its own attempt and then
    // the other's: they take turns instead.
    take_turn(
        &txn,
        &format!("sign-in {} {}", realm.as_str(), email.as_str()),
    )
    .await?;
    let (failures, paused) = close_attempt(&txn, now, realm, email, attempt, matched).await?;
    let actor = match &account {
        Some(account) => account.actor(ip),
        None => Actor::visitor(ip),
    };
    let outcome = match account {
        Some(account) if matched => {
            let token = sessions::create(&txn, now, realm, account.id).await?;
            audit::record(
                &txn,
                now,
                &actor,
                action(realm, Event::SignedIn),
                Some(account.target()),
                json!({}),
            )
            .await?;
            SignIn::Accepted {
                token,
                account_id: account.id,
            }
        }
        account => {
            let target = account.as_ref().map(Account::target);
            audit::record(
                &txn,
                now,
                &actor,
                action(realm, Event::SignInFailed),
                target.clone(),
                json!({ "email": email.as_str() }),
            )
            .await?;
            if failures == MAX_FAILURES_PER_ACCOUNT {
                audit::record(
                    &txn,
                    now,
                    &actor,
                    action(realm, Event::LockedOut),
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

/// Records a sign-in attempt as a failure before its password is checked, and answers until
/// when the account or the address is locked, if it already was (not counting this attempt).
/// Recording first means that attempts arriving together all see each other, so a parallel
/// flood cannot have more passwords checked than the limit allows. An attempt refused because
/// of older failures is taken back, so trying again while locked does not lengthen the lock;
/// one refused only because of attempts that came with it stays, so that of a flood at least
/// the limit's worth always stays and keeps the lock.
async fn open_attempt(
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
async fn close_attempt<C: ConnectionTrait>(
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

async fn recent_failures<C: ConnectionTrait>(
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
async fn locked_until<C: ConnectionTrait>(
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

/// Deletes sign-in attempts too old to matter any more.
pub(super) async fn prune(db: &DatabaseConnection, now: OffsetDateTime) -> Result<(), DbErr> {
    login_attempt::Entity::delete_many()
        .filter(login_attempt::Column::AttemptedAt.lt(now - Duration::days(1)))
        .exec(db)
        .await?;
    Ok(())
}
