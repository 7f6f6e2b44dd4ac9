//! Single-use links emailed to an account of any realm: to choose the first password (a
//! staff member's invitation, a proxy's activation; valid 7 days) or a new one after
//! forgetting it (valid 1 hour). Only the hash of a link's token is stored; a link works
//! once, and a newer link of the same purpose retires the unused older ones.

use super::account::{Account, Event, action, link_email};
use super::sessions;
use crate::config::Config;
use crate::db::begin_write;
use crate::domain::{Email, Lang, LinkPurpose, Realm, Token};
use crate::entities::account_link;
use crate::i18n::format_datetime;
use crate::mail;
use crate::services::{UseCase, audit};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr,
    EntityTrait, QueryFilter, Select,
};
use serde_json::json;
use time::{Duration, OffsetDateTime};

/// How often a reset link may be sent to one account.
const RESET_EVERY: Duration = Duration::minutes(5);

/// The links of a realm with this purpose.
fn of(realm: Realm, purpose: LinkPurpose) -> Select<account_link::Entity> {
    account_link::Entity::find()
        .filter(account_link::Column::Realm.eq(realm.as_str()))
        .filter(account_link::Column::Purpose.eq(purpose.as_str(realm)))
}

/// Makes a new link for an account (retiring its unused ones of the same purpose) and
/// writes its email, in `lang`, into the outbox, inside the caller's transaction.
pub async fn issue<C: ConnectionTrait>(
    conn: &C,
    now: OffsetDateTime,
    config: &Config,
    account: &Account,
    purpose: LinkPurpose,
    lang: Lang,
) -> Result<(), DbErr> {
    let realm = account.realm;
    account_link::Entity::delete_many()
        .filter(account_link::Column::Realm.eq(realm.as_str()))
        .filter(account_link::Column::AccountId.eq(account.id))
        .filter(account_link::Column::Purpose.eq(purpose.as_str(realm)))
        .filter(account_link::Column::UsedAt.is_null())
        .exec(conn)
        .await?;
    let token = Token::generate();
    let expires_at = now + purpose.lifetime();
    account_link::ActiveModel {
        token_hash: Set(token.hash()),
        realm: Set(realm.as_str().to_owned()),
        account_id: Set(account.id),
        purpose: Set(purpose.as_str(realm).to_owned()),
        created_at: Set(now),
        expires_at: Set(expires_at),
        used_at: Set(None),
    }
    .insert(conn)
    .await?;
    let link = config.link(&format!("{}{}", realm.link_path(purpose), token.expose()));
    let until = format_datetime(lang, expires_at, config.timezone);
    let back = match realm {
        Realm::Staff => crate::services::contact::staff_way_back(config),
        Realm::Proxy => crate::services::contact::way_back(conn, config, None).await?,
    };
    let (kind, template) = link_email(realm, purpose);
    let message = template(lang, &account.display_name, &link, &until, back);
    let recipient = Email::parse(&account.email).map_err(|_| {
        DbErr::Custom(format!(
            "stored email of {} {} is invalid",
            realm.as_str(),
            account.id
        ))
    })?;
    mail::enqueue_plain(conn, now, &config.base_url, kind, recipient, lang, message).await?;
    Ok(())
}

/// Emails a password reset link when an account of the realm uses `email` and may reset
/// its password; does nothing otherwise, so the answer never tells whether an account
/// exists. At most one link every five minutes. A staff member's email is written in the
/// language of the page they asked from; a proxy's, like all their emails, in their own.
/// The audit row names the account, at the visitor's address.
pub async fn request_reset(
    uc: &UseCase<'_>,
    realm: Realm,
    email: &Email,
    page_lang: Lang,
) -> Result<bool, DbErr> {
    let UseCase {
        now, config, actor, ..
    } = *uc;
    let txn = uc.begin().await?;
    let Some(account) = Account::by_email(&txn, realm, email.as_str())
        .await?
        .filter(Account::may_reset)
    else {
        return Ok(false);
    };
    let recent = of(realm, LinkPurpose::PasswordReset)
        .filter(account_link::Column::AccountId.eq(account.id))
        .filter(account_link::Column::CreatedAt.gt(now - RESET_EVERY))
        .one(&txn)
        .await?;
    if recent.is_some() {
        return Ok(false);
    }
    let lang = match realm {
        Realm::Staff => page_lang,
        Realm::Proxy => account.lang,
    };
    issue(
        &txn,
        now,
        config,
        &account,
        LinkPurpose::PasswordReset,
        lang,
    )
    .await?;
    audit::record(
        &txn,
        now,
        &account.actor(actor.ip.clone()),
        action(realm, Event::ResetRequested),
        Some(account.target()),
        json!({}),
    )
    .await?;
    uc.commit(txn).await?;
    Ok(true)
}

/// The account a presented link belongs to, while the link is usable.
pub async fn holder(
    db: &DatabaseConnection,
    now: OffsetDateTime,
    realm: Realm,
    purpose: LinkPurpose,
    token: &Token,
) -> Result<Option<Account>, DbErr> {
    let Some(link) = of(realm, purpose)
        .filter(account_link::Column::TokenHash.eq(token.hash()))
        .filter(account_link::Column::UsedAt.is_null())
        .filter(account_link::Column::ExpiresAt.gt(now))
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    Ok(Account::by_id(db, realm, link.account_id)
        .await?
        .filter(|a| a.active))
}

/// Sets the password chosen through a link and uses the link up. Every session of the
/// account ends. Answers `None` when the link was not usable (used meanwhile, expired,
/// unknown, or its account may no longer sign in).
pub async fn redeem(
    db: &DatabaseConnection,
    now: OffsetDateTime,
    realm: Realm,
    purpose: LinkPurpose,
    token: &Token,
    password_hash: String,
    ip: Option<String>,
) -> Result<Option<i64>, DbErr> {
    let txn = begin_write(db).await?;
    // Using the link up first, conditionally, makes two simultaneous uses impossible.
    let used = account_link::Entity::update_many()
        .col_expr(account_link::Column::UsedAt, Expr::value(now))
        .filter(account_link::Column::TokenHash.eq(token.hash()))
        .filter(account_link::Column::Realm.eq(realm.as_str()))
        .filter(account_link::Column::Purpose.eq(purpose.as_str(realm)))
        .filter(account_link::Column::UsedAt.is_null())
        .filter(account_link::Column::ExpiresAt.gt(now))
        .exec(&txn)
        .await?;
    if used.rows_affected != 1 {
        return Ok(None);
    }
    let Some(link) = account_link::Entity::find_by_id(token.hash())
        .one(&txn)
        .await?
    else {
        return Ok(None);
    };
    // Left without committing, the transaction takes the use of the link back.
    let Some(account) = Account::by_id(&txn, realm, link.account_id)
        .await?
        .filter(|a| a.active)
    else {
        return Ok(None);
    };
    account.set_password(&txn, now, password_hash).await?;
    sessions::end_all(&txn, realm, account.id).await?;
    audit::record(
        &txn,
        now,
        &account.actor(ip),
        action(realm, Event::LinkUsed(purpose)),
        Some(account.target()),
        json!({}),
    )
    .await?;
    txn.commit().await?;
    Ok(Some(account.id))
}
