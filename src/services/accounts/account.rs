//! One account of either realm, read from its own table into one shape, and what each realm
//! calls the things that happen to it: its audit actions and targets, the actor it is, the
//! emails its links go out in. Everything else in the account kit is written once over
//! this.

use crate::domain::{AuditAction, Lang, LinkPurpose, Realm, Role};
use crate::entities::{proxy_account, staff_user};
use crate::mail::templates::{self, Rendered, WayBack};
use crate::services::Actor;
use crate::services::audit::Target;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};
use time::OffsetDateTime;

/// An account of either realm, as the account kit sees it.
#[derive(Debug, Clone)]
pub struct Account {
    /// Whose account.
    pub realm: Realm,
    /// Its id in its realm's table.
    pub id: i64,
    /// Its email address, as stored.
    pub email: String,
    /// The full name.
    pub full_name: String,
    /// The name it is greeted by in emails and on link pages: a staff member's display
    /// name, a proxy's full name.
    pub display_name: String,
    /// A staff member's role; proxies have none.
    pub role: Option<Role>,
    /// The stored password hash, once a password was chosen.
    pub password_hash: Option<String>,
    /// Whether it may sign in and use its links. A deactivated staff account may not;
    /// proxy accounts always may, and their registrations say what they may do.
    pub active: bool,
    /// The language of its own emails.
    pub lang: Lang,
    /// When a proxy first chose a password (staff accounts do not keep it).
    pub activated_at: Option<OffsetDateTime>,
}

impl From<staff_user::Model> for Account {
    fn from(user: staff_user::Model) -> Self {
        Account {
            realm: Realm::Staff,
            id: user.id,
            email: user.email,
            full_name: user.full_name,
            display_name: user.display_name,
            role: Some(user.role),
            password_hash: user.password_hash,
            active: user.active,
            lang: user.lang,
            activated_at: None,
        }
    }
}

impl From<proxy_account::Model> for Account {
    fn from(account: proxy_account::Model) -> Self {
        Account {
            realm: Realm::Proxy,
            id: account.id,
            email: account.email,
            display_name: account.full_name.clone(),
            full_name: account.full_name,
            role: None,
            password_hash: account.password_hash,
            active: true,
            lang: account.lang,
            activated_at: account.activated_at,
        }
    }
}

impl Account {
    /// The account of a realm that uses `email`.
    pub(super) async fn by_email<C: ConnectionTrait>(
        conn: &C,
        realm: Realm,
        email: &str,
    ) -> Result<Option<Account>, DbErr> {
        Ok(match realm {
            Realm::Staff => staff_user::Entity::find()
                .filter(staff_user::Column::Email.eq(email))
                .one(conn)
                .await?
                .map(Account::from),
            Realm::Proxy => proxy_account::Entity::find()
                .filter(proxy_account::Column::Email.eq(email))
                .one(conn)
                .await?
                .map(Account::from),
        })
    }

    /// The account of a realm with this id.
    pub(super) async fn by_id<C: ConnectionTrait>(
        conn: &C,
        realm: Realm,
        id: i64,
    ) -> Result<Option<Account>, DbErr> {
        Ok(match realm {
            Realm::Staff => staff_user::Entity::find_by_id(id)
                .one(conn)
                .await?
                .map(Account::from),
            Realm::Proxy => proxy_account::Entity::find_by_id(id)
                .one(conn)
                .await?
                .map(Account::from),
        })
    }

    /// Stores a new password hash. A staff account notes when it changed; a proxy account
    /// notes when its first password made it active.
    pub(super) async fn set_password<C: ConnectionTrait>(
        &self,
        conn: &C,
        now: OffsetDateTime,
        hash: String,
    ) -> Result<(), DbErr> {
        match self.realm {
            Realm::Staff => {
                staff_user::Entity::update_many()
                    .col_expr(staff_user::Column::PasswordHash, Expr::value(hash))
                    .col_expr(staff_user::Column::UpdatedAt, Expr::value(now))
                    .filter(staff_user::Column::Id.eq(self.id))
                    .exec(conn)
                    .await?;
            }
            Realm::Proxy => {
                let activated_at = self.activated_at.unwrap_or(now);
                proxy_account::Entity::update_many()
                    .col_expr(proxy_account::Column::PasswordHash, Expr::value(hash))
                    .col_expr(
                        proxy_account::Column::ActivatedAt,
                        Expr::value(activated_at),
                    )
                    .filter(proxy_account::Column::Id.eq(self.id))
                    .exec(conn)
                    .await?;
            }
        }
        Ok(())
    }

    /// This account as the actor of a change.
    pub fn actor(&self, ip: Option<String>) -> Actor {
        match self.realm {
            Realm::Staff => Actor {
                staff_id: Some(self.id),
                role: self.role,
                ip,
                proxy_id: None,
            },
            Realm::Proxy => Actor::proxy(self.id, ip),
        }
    }

    /// This account as what an audit row is about.
    pub fn target(&self) -> Target {
        target(self.realm, self.id)
    }

    /// Whether a reset link may be sent: to an active staff account, and to a proxy
    /// account once it was activated (before that, its activation link is the way in).
    pub(super) fn may_reset(&self) -> bool {
        match self.realm {
            Realm::Staff => self.active,
            Realm::Proxy => self.password_hash.is_some(),
        }
    }
}

/// An account of a realm as what an audit row is about.
pub(super) fn target(realm: Realm, id: i64) -> Target {
    match realm {
        Realm::Staff => Target::staff(id),
        Realm::Proxy => Target {
            kind: "proxy_account",
            id: id.to_string(),
        },
    }
}

/// What happens to an account, each with its audit action in each realm.
#[derive(Debug, Clone, Copy)]
pub(super) enum Event {
    SignedIn,
    SignInFailed,
    LockedOut,
    SignedOut,
    ResetRequested,
    LinkUsed(LinkPurpose),
}

/// The audit action of an event in a realm, as the audit log has always named it.
pub(super) fn action(realm: Realm, event: Event) -> AuditAction {
    use LinkPurpose::{FirstPassword, PasswordReset};
    match (realm, event) {
        (Realm::Staff, Event::SignedIn) => AuditAction::SignedIn,
        (Realm::Staff, Event::SignInFailed) => AuditAction::SignInFailed,
        (Realm::Staff, Event::LockedOut) => AuditAction::LockedOut,
        (Realm::Staff, Event::SignedOut) => AuditAction::SignedOut,
        (Realm::Staff, Event::ResetRequested) => AuditAction::PasswordResetRequested,
        (Realm::Staff, Event::LinkUsed(FirstPassword)) => AuditAction::InvitationAccepted,
        (Realm::Staff, Event::LinkUsed(PasswordReset)) => AuditAction::PasswordReset,
        (Realm::Proxy, Event::SignedIn) => AuditAction::ProxySignedIn,
        (Realm::Proxy, Event::SignInFailed) => AuditAction::ProxySignInFailed,
        (Realm::Proxy, Event::LockedOut) => AuditAction::ProxyLockedOut,
        (Realm::Proxy, Event::SignedOut) => AuditAction::ProxySignedOut,
        (Realm::Proxy, Event::ResetRequested) => AuditAction::ProxyPasswordResetRequested,
        (Realm::Proxy, Event::LinkUsed(FirstPassword)) => AuditAction::ProxyActivated,
        (Realm::Proxy, Event::LinkUsed(PasswordReset)) => AuditAction::ProxyPasswordReset,
    }
}

/// How a link's email is written: greeted by name, with the link and until when it works.
type LinkEmail = fn(Lang, &str, &str, &str, WayBack) -> Rendered;

/// The outbox kind and the template of the email that carries a realm's link.
pub(super) fn link_email(realm: Realm, purpose: LinkPurpose) -> (&'static str, LinkEmail) {
    match (realm, purpose) {
        (Realm::Staff, LinkPurpose::FirstPassword) => {
            ("staff_invitation", templates::staff_invitation)
        }
        (Realm::Staff, LinkPurpose::PasswordReset) => ("password_reset", templates::password_reset),
        (Realm::Proxy, LinkPurpose::FirstPassword) => {
            ("proxy_activation", templates::proxy_activation)
        }
        (Realm::Proxy, LinkPurpose::PasswordReset) => {
            ("proxy_password_reset", templates::proxy_password_reset)
        }
    }
}
