//! Proxies' accounts: sign-in (the same hashing, throttling and session rules as staff),
//! sessions, and the one-time links that activate an account (valid 7 days) or reset a
//! forgotten password (valid 1 hour).

use super::Actor;
use super::audit::{self, Target};
use super::auth::{
    self, AuthError, MAX_FAILURES_PER_ACCOUNT, Realm, SESSION_IDLE, SESSION_MAX_AGE, SignIn,
};
use super::passwords::Hasher;
use crate::config::{Config, mail_domain};
use crate::db::begin_write;
use crate::domain::{AuditAction, Email, Lang, Token};
use crate::entities::{proxy_account, proxy_session, proxy_token};
use crate::i18n::format_datetime;
use crate::mail::{self, OutgoingEmail, templates};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr,
    EntityTrait, QueryFilter,
};
use serde_json::json;
use time::{Duration, OffsetDateTime};

/// How stale a session's last-seen time may grow before it is written again.
const TOUCH_EVERY: Duration = Duration::minutes(1);

/// A proxy with a live session.
#[derive(Debug, Clone)]
pub struct SignedInProxy {
    /// The account.
    pub id: i64,
    /// Their email address.
    pub email: String,
    /// Their full name.
    pub full_name: String,
    /// The hash of the session token, which is the session's id.
    pub session_id: String,
}

impl SignedInProxy {
    /// This proxy as the actor of a change.
    pub fn actor(&self, ip: Option<String>) -> Actor {
        Actor::proxy(self.id, ip)
    }
}

fn target(account_id: i64) -> Target {
    Target {
        kind: "proxy_account",
        id: account_id.to_string(),
    }
}

/// Tries to sign a proxy in with an email and a password.
pub async fn sign_in(
    db: &DatabaseConnection,
    hasher: &Hasher,
    now: OffsetDateTime,
    email: &Email,
    password: &str,
    ip: Option<String>,
) -> Result<SignIn, AuthError> {
    let (attempt, locked) = auth::open_attempt(db, now, Realm::Proxy, email, ip.as_deref()).await?;
    if let Some(until) = locked {
        return Ok(SignIn::LockedOut { until });
    }
    let account = proxy_account::Entity::find()
        .filter(proxy_account::Column::Email.eq(email.as_str()))
        .one(db)
        .await?;
    let stored = account.as_ref().and_then(|a| a.password_hash.as_deref());
    let matched = hasher.verify(password, stored).await?;

    let txn = begin_write(db).await?;
    let (failures, paused) =
        auth::close_attempt(&txn, now, Realm::Proxy, email, attempt, matched).await?;
    let actor = Actor {
        proxy_id: account.as_ref().map(|a| a.id),
        ..Actor::visitor(ip)
    };
    let outcome = match account {
        Some(account) if matched => {
            let token = Token::generate();
            proxy_session::ActiveModel {
                id: Set(token.hash()),
                proxy_account_id: Set(account.id),
                created_at: Set(now),
                last_seen_at: Set(now),
            }
            .insert(&txn)
            .await?;
            audit::record(
                &txn,
                now,
                &actor,
                AuditAction::ProxySignedIn,
                Some(target(account.id)),
                json!({}),
            )
            .await?;
            SignIn::Accepted {
                token,
                account_id: account.id,
            }
        }
        account => {
            let about = account.as_ref().map(|a| target(a.id));
            audit::record(
                &txn,
                now,
                &actor,
                AuditAction::ProxySignInFailed,
                about.clone(),
                json!({ "email": email.as_str() }),
            )
            .await?;
            if failures == MAX_FAILURES_PER_ACCOUNT {
                audit::record(
                    &txn,
                    now,
                    &actor,
                    AuditAction::ProxyLockedOut,
                    about,
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

/// Finds the live session for a cookie's token, ending it if it has expired, and noting
/// that it was seen.
pub async fn session(
    db: &DatabaseConnection,
    now: OffsetDateTime,
    token: &Token,
) -> Result<Option<SignedInProxy>, DbErr> {
    let id = token.hash();
    let Some((session, Some(account))) = proxy_session::Entity::find_by_id(id.clone())
        .find_also_related(proxy_account::Entity)
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    if session.last_seen_at + SESSION_IDLE <= now || session.created_at + SESSION_MAX_AGE <= now {
        proxy_session::Entity::delete_by_id(id).exec(db).await?;
        return Ok(None);
    }
    if now - session.last_seen_at >= TOUCH_EVERY {
        proxy_session::Entity::update_many()
            .col_expr(proxy_session::Column::LastSeenAt, Expr::value(now))
            .filter(proxy_session::Column::Id.eq(id.clone()))
            .exec(db)
            .await?;
    }
    Ok(Some(SignedInProxy {
        id: account.id,
        email: account.email,
        full_name: account.full_name,
        session_id: id,
    }))
}

/// Ends a proxy's session and records the sign-out.
pub async fn sign_out(
    db: &DatabaseConnection,
    now: OffsetDateTime,
    proxy: &SignedInProxy,
    ip: Option<String>,
) -> Result<(), DbErr> {
    let txn = begin_write(db).await?;
    proxy_session::Entity::delete_by_id(proxy.session_id.clone())
        .exec(&txn)
        .await?;
    audit::record(
        &txn,
        now,
        &proxy.actor(ip),
        AuditAction::ProxySignedOut,
        Some(target(proxy.id)),
        json!({}),
    )
    .await?;
    txn.commit().await
}

/// Ends every session of a proxy account, inside the caller's transaction.
pub(crate) async fn end_sessions<C: ConnectionTrait>(
    conn: &C,
    account_id: i64,
) -> Result<(), DbErr> {
    proxy_session::Entity::delete_many()
        .filter(proxy_session::Column::ProxyAccountId.eq(account_id))
        .exec(conn)
        .await?;
    Ok(())
}

/// What a link emailed to a proxy lets its holder do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkPurpose {
    /// Choose the first password, after the registration was approved.
    Activation,
    /// Choose a new password after forgetting the old one.
    PasswordReset,
}

impl LinkPurpose {
    fn as_str(self) -> &'static str {
        match self {
            LinkPurpose::Activation => "activation",
            LinkPurpose::PasswordReset => "password_reset",
        }
    }

    /// How long a link stays usable.
    pub fn lifetime(self) -> Duration {
        match self {
            LinkPurpose::Activation => Duration::days(7),
            LinkPurpose::PasswordReset => Duration::hours(1),
        }
    }

    fn path(self) -> &'static str {
        match self {
            LinkPurpose::Activation => "/proxy/activate/",
            LinkPurpose::PasswordReset => "/proxy/reset/",
        }
    }
}

/// Makes a new link for a proxy account (retiring its unused ones of the same purpose)
/// and writes its email into the outbox, inside the caller's transaction.
pub(crate) async fn issue_link<C: ConnectionTrait>(
    conn: &C,
    now: OffsetDateTime,
    config: &Config,
    account: &proxy_account::Model,
    purpose: LinkPurpose,
) -> Result<(), DbErr> {
    proxy_token::Entity::delete_many()
        .filter(proxy_token::Column::ProxyAccountId.eq(account.id))
        .filter(proxy_token::Column::Purpose.eq(purpose.as_str()))
        .filter(proxy_token::Column::UsedAt.is_null())
        .exec(conn)
        .await?;
    let token = Token::generate();
    let expires_at = now + purpose.lifetime();
    proxy_token::ActiveModel {
        token_hash: Set(token.hash()),
        proxy_account_id: Set(account.id),
        purpose: Set(purpose.as_str().to_owned()),
        created_at: Set(now),
        expires_at: Set(expires_at),
        used_at: Set(None),
    }
    .insert(conn)
    .await?;
    let lang = Lang::from_code(&account.lang).unwrap_or_default();
    let link = config.link(&format!("{}{}", purpose.path(), token.expose()));
    let until = format_datetime(lang, expires_at, config.timezone);
    let back = super::contact::way_back(conn, config, None).await?;
    let (kind, message) = match purpose {
        LinkPurpose::Activation => (
            "proxy_activation",
            templates::proxy_activation(lang, &account.full_name, &link, &until, back),
        ),
        LinkPurpose::PasswordReset => (
            "proxy_password_reset",
            templates::proxy_password_reset(lang, &account.full_name, &link, &until, back),
        ),
    };
    let recipient = Email::parse(&account.email)
        .map_err(|_| DbErr::Custom(format!("stored email of proxy {} is invalid", account.id)))?;
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

/// Emails a password reset link when an activated proxy account uses `email`; does nothing
/// otherwise, so the answer never tells whether an account exists. At most one link every
/// five minutes.
pub async fn request_reset(
    db: &DatabaseConnection,
    now: OffsetDateTime,
    config: &Config,
    email: &Email,
    ip: Option<String>,
) -> Result<bool, DbErr> {
    let txn = begin_write(db).await?;
    let Some(account) = proxy_account::Entity::find()
        .filter(proxy_account::Column::Email.eq(email.as_str()))
        .filter(proxy_account::Column::PasswordHash.is_not_null())
        .one(&txn)
        .await?
    else {
        return Ok(false);
    };
    let recent = proxy_token::Entity::find()
        .filter(proxy_token::Column::ProxyAccountId.eq(account.id))
        .filter(proxy_token::Column::Purpose.eq(LinkPurpose::PasswordReset.as_str()))
        .filter(proxy_token::Column::CreatedAt.gt(now - Duration::minutes(5)))
        .one(&txn)
        .await?;
    if recent.is_some() {
        return Ok(false);
    }
    issue_link(&txn, now, config, &account, LinkPurpose::PasswordReset).await?;
    audit::record(
        &txn,
        now,
        &Actor::proxy(account.id, ip),
        AuditAction::ProxyPasswordResetRequested,
        Some(target(account.id)),
        json!({}),
    )
    .await?;
    txn.commit().await?;
    Ok(true)
}

/// The account a presented link belongs to, while the link is usable.
pub async fn link_holder(
    db: &DatabaseConnection,
    now: OffsetDateTime,
    token: &Token,
    purpose: LinkPurpose,
) -> Result<Option<proxy_account::Model>, DbErr> {
    let Some(link) = proxy_token::Entity::find_by_id(token.hash())
        .filter(proxy_token::Column::Purpose.eq(purpose.as_str()))
        .filter(proxy_token::Column::UsedAt.is_null())
        .filter(proxy_token::Column::ExpiresAt.gt(now))
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    proxy_account::Entity::find_by_id(link.proxy_account_id)
        .one(db)
        .await
}

/// Sets the password chosen through a link and uses the link up. Every session of the
/// account ends. Answers `None` when the link was not usable (used meanwhile, expired,
/// unknown).
pub async fn redeem(
    db: &DatabaseConnection,
    now: OffsetDateTime,
    token: &Token,
    purpose: LinkPurpose,
    password_hash: String,
    ip: Option<String>,
) -> Result<Option<i64>, DbErr> {
    let txn = begin_write(db).await?;
    // Using the link up first, conditionally, makes two simultaneous uses impossible.
    let used = proxy_token::Entity::update_many()
        .col_expr(proxy_token::Column::UsedAt, Expr::value(now))
        .filter(proxy_token::Column::TokenHash.eq(token.hash()))
        .filter(proxy_token::Column::Purpose.eq(purpose.as_str()))
        .filter(proxy_token::Column::UsedAt.is_null())
        .filter(proxy_token::Column::ExpiresAt.gt(now))
        .exec(&txn)
        .await?;
    if used.rows_affected != 1 {
        return Ok(None);
    }
    let Some(link) = proxy_token::Entity::find_by_id(token.hash())
        .one(&txn)
        .await?
    else {
        return Ok(None);
    };
    let Some(account) = proxy_account::Entity::find_by_id(link.proxy_account_id)
        .one(&txn)
        .await?
    else {
        return Ok(None);
    };
    let first = account.activated_at.is_none();
    let mut model: proxy_account::ActiveModel = account.clone().into();
    model.password_hash = Set(Some(password_hash));
    if first {
        model.activated_at = Set(Some(now));
    }
    model.update(&txn).await?;
    end_sessions(&txn, account.id).await?;
    let action = match purpose {
        LinkPurpose::Activation => AuditAction::ProxyActivated,
        LinkPurpose::PasswordReset => AuditAction::ProxyPasswordReset,
    };
    audit::record(
        &txn,
        now,
        &Actor::proxy(account.id, ip),
        action,
        Some(target(account.id)),
        json!({}),
    )
    .await?;
    txn.commit().await?;
    Ok(Some(account.id))
}

/// Deletes proxy sessions idle too long to matter any more.
pub async fn prune(db: &DatabaseConnection, now: OffsetDateTime) -> Result<(), DbErr> {
    proxy_session::Entity::delete_many()
        .filter(proxy_session::Column::LastSeenAt.lt(now - SESSION_IDLE))
        .exec(db)
        .await?;
    Ok(())
}
