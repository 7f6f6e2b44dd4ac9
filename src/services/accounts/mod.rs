//! The account kit: everyone who signs in, staff and proxies alike, one [`Realm`] each.
//! Signing in with its throttling ([`sign_in`]), sessions ([`sessions`]) and the
//! single-use links emailed to choose a password ([`links`]) are written once over the
//! realm; what differs between realms (which table holds the accounts, what the audit log
//! calls each event, which email carries a link) is said in one place, [`account`].

pub mod account;
pub mod links;
pub mod sessions;
pub mod sign_in;

pub use account::Account;
pub use sign_in::{SignIn, sign_in};

use super::Actor;
use super::passwords::{HashError, Hasher};
use crate::db::begin_write;
use crate::domain::{AuditAction, Password, Realm, Role};
use sea_orm::{DatabaseConnection, DbErr};
use serde_json::json;
use time::OffsetDateTime;

/// Why something in the account kit failed.
#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    /// The database failed.
    #[error(transparent)]
    Database(#[from] DbErr),
    /// Hashing failed.
    #[error(transparent)]
    Hash(#[from] HashError),
}

impl From<AccountError> for crate::Error {
    fn from(e: AccountError) -> Self {
        match e {
            AccountError::Database(e) => crate::Error::Database(e),
            AccountError::Hash(e) => e.into(),
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

/// Someone with a live session, in either realm.
#[derive(Debug, Clone)]
pub enum SignedIn {
    /// A staff member.
    Staff(SignedInStaff),
    /// A proxy.
    Proxy(SignedInProxy),
}

impl SignedIn {
    /// The realm signed in to.
    pub fn realm(&self) -> Realm {
        match self {
            SignedIn::Staff(_) => Realm::Staff,
            SignedIn::Proxy(_) => Realm::Proxy,
        }
    }

    /// The account signed in.
    pub fn account_id(&self) -> i64 {
        match self {
            SignedIn::Staff(staff) => staff.id,
            SignedIn::Proxy(proxy) => proxy.id,
        }
    }

    /// The session's id.
    pub fn session_id(&self) -> &str {
        match self {
            SignedIn::Staff(staff) => &staff.session_id,
            SignedIn::Proxy(proxy) => &proxy.session_id,
        }
    }

    /// The account as the actor of a change.
    pub fn actor(&self, ip: Option<String>) -> Actor {
        match self {
            SignedIn::Staff(staff) => staff.actor(ip),
            SignedIn::Proxy(proxy) => proxy.actor(ip),
        }
    }
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
) -> Result<PasswordChange, AccountError> {
    let account = Account::by_id(db, Realm::Staff, staff.id).await?;
    let stored = account.as_ref().and_then(|a| a.password_hash.as_deref());
    let (Some(account), true) = (&account, hasher.verify(current, stored).await?) else {
        return Ok(PasswordChange::WrongCurrentPassword);
    };
    let hash = hasher.hash(new.expose()).await?;
    let txn = begin_write(db).await?;
    account.set_password(&txn, now, hash).await?;
    sessions::end_all_but(&txn, Realm::Staff, staff.id, Some(&staff.session_id)).await?;
    super::audit::record(
        &txn,
        now,
        &staff.actor(ip),
        AuditAction::PasswordChanged,
        Some(account.target()),
        json!({}),
    )
    .await?;
    txn.commit().await?;
    Ok(PasswordChange::Changed)
}

/// Deletes sign-in attempts and sessions too old to matter any more.
pub async fn prune(db: &DatabaseConnection, now: OffsetDateTime) -> Result<(), DbErr> {
    sign_in::prune(db, now).await?;
    sessions::prune(db, now).await
}
