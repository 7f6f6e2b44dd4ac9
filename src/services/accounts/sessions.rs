//! Server-side sessions of every realm, in one table. A session gets a new id at each
//! sign-in (the hash of the cookie's secret, which is never stored), ends after two idle
//! hours or twelve hours in all, and ends at once on sign-out, on deactivation, on a new
//! password or when the desk ends what a proxy may do.

use super::account::{Account, Event, action};
use super::{SignedIn, SignedInProxy, SignedInStaff};
use crate::db::begin_write;
use crate::domain::{Realm, Token};
use crate::entities::account_session;
use crate::services::audit;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr,
    EntityTrait, QueryFilter,
};
use serde_json::json;
use time::{Duration, OffsetDateTime};

/// A session ends after this long without a request.
pub const SESSION_IDLE: Duration = Duration::hours(2);
/// A session ends this long after sign-in, however busy.
pub const SESSION_MAX_AGE: Duration = Duration::hours(12);
/// How stale a session's last-seen time may grow before it is written again.
const TOUCH_EVERY: Duration = Duration::minutes(1);

/// Starts a session for an account, inside the caller's transaction, and answers the token
/// for its cookie.
pub(super) async fn create<C: ConnectionTrait>(
    conn: &C,
    now: OffsetDateTime,
    realm: Realm,
    account_id: i64,
) -> Result<Token, DbErr> {
    let token = Token::generate();
    account_session::ActiveModel {
        id: Set(token.hash()),
        realm: Set(realm.as_str().to_owned()),
        account_id: Set(account_id),
        created_at: Set(now),
        last_seen_at: Set(now),
    }
    .insert(conn)
    .await?;
    Ok(token)
}

/// Finds the live session of a realm for a cookie's token, ending it if it has expired or
/// its account may no longer sign in, and noting that it was seen.
pub async fn find(
    db: &DatabaseConnection,
    now: OffsetDateTime,
    realm: Realm,
    token: &Token,
) -> Result<Option<SignedIn>, DbErr> {
    find_by_id(db, now, realm, token.hash()).await
}

/// Finds a live session by its id (the hash of its token), as [`find`] does: for a page
/// that stays open, to check it is still signed in.
pub async fn find_by_id(
    db: &DatabaseConnection,
    now: OffsetDateTime,
    realm: Realm,
    id: String,
) -> Result<Option<SignedIn>, DbErr> {
    let Some(session) = account_session::Entity::find_by_id(id.clone())
        .filter(account_session::Column::Realm.eq(realm.as_str()))
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let Some(account) = Account::by_id(db, realm, session.account_id).await? else {
        return Ok(None);
    };
    let expired =
        session.last_seen_at + SESSION_IDLE <= now || session.created_at + SESSION_MAX_AGE <= now;
    let signed_in = if expired || !account.active {
        None
    } else {
        signed_in(account, id.clone())
    };
    let Some(signed_in) = signed_in else {
        account_session::Entity::delete_by_id(id).exec(db).await?;
        return Ok(None);
    };
    if now - session.last_seen_at >= TOUCH_EVERY {
        account_session::Entity::update_many()
            .col_expr(account_session::Column::LastSeenAt, Expr::value(now))
            .filter(account_session::Column::Id.eq(id))
            .exec(db)
            .await?;
    }
    Ok(Some(signed_in))
}

/// Who a live session is: a staff member needs a role the desk knows.
fn signed_in(account: Account, session_id: String) -> Option<SignedIn> {
    Some(match account.realm {
        Realm::Staff => SignedIn::Staff(SignedInStaff {
            id: account.id,
            email: account.email,
            full_name: account.full_name,
            display_name: account.display_name,
            role: account.role?,
            session_id,
        }),
        Realm::Proxy => SignedIn::Proxy(SignedInProxy {
            id: account.id,
            email: account.email,
            full_name: account.full_name,
            session_id,
        }),
    })
}

/// Ends a session and records the sign-out.
pub async fn sign_out(
    db: &DatabaseConnection,
    now: OffsetDateTime,
    signed_in: &SignedIn,
    ip: Option<String>,
) -> Result<(), DbErr> {
    let realm = signed_in.realm();
    let txn = begin_write(db).await?;
    account_session::Entity::delete_by_id(signed_in.session_id().to_owned())
        .exec(&txn)
        .await?;
    audit::record(
        &txn,
        now,
        &signed_in.actor(ip),
        action(realm, Event::SignedOut),
        Some(super::account::target(realm, signed_in.account_id())),
        json!({}),
    )
    .await?;
    txn.commit().await
}

/// Ends every session of an account, inside the caller's transaction.
pub async fn end_all<C: ConnectionTrait>(
    conn: &C,
    realm: Realm,
    account_id: i64,
) -> Result<(), DbErr> {
    end_all_but(conn, realm, account_id, None).await
}

/// Ends every session of an account but `keep`, inside the caller's transaction.
pub(super) async fn end_all_but<C: ConnectionTrait>(
    conn: &C,
    realm: Realm,
    account_id: i64,
    keep: Option<&str>,
) -> Result<(), DbErr> {
    let mut ending = account_session::Entity::delete_many()
        .filter(account_session::Column::Realm.eq(realm.as_str()))
        .filter(account_session::Column::AccountId.eq(account_id));
    if let Some(keep) = keep {
        ending = ending.filter(account_session::Column::Id.ne(keep));
    }
    ending.exec(conn).await?;
    Ok(())
}

/// Deletes sessions idle too long to matter any more.
pub(super) async fn prune(db: &DatabaseConnection, now: OffsetDateTime) -> Result<(), DbErr> {
    account_session::Entity::delete_many()
        .filter(account_session::Column::LastSeenAt.lt(now - SESSION_IDLE))
        .exec(db)
        .await?;
    Ok(())
}
