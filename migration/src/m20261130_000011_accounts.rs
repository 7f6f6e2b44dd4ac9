//! One sessions table and one links table for every realm of accounts. Staff and proxies
//! had twin tables (`staff_sessions` and `proxy_sessions`, `staff_tokens` and
//! `proxy_tokens`); their rows move, unchanged, into `account_sessions` and
//! `account_links`, where a `realm` column (`staff` or `proxy`, as in `login_attempts`) and
//! an `account_id` say whose they are, and the twins are dropped.
//!
//! No foreign key: a `realm` column means the account id points into `staff_users` or into
//! `proxy_accounts`, which one key cannot say. What the old keys' `ON DELETE CASCADE` did
//! never happened, since no account is ever deleted (a staff account is deactivated, a
//! proxy account is kept for the audit trail); what ends sessions and links is written in
//! the code where it always was (deactivation, a revoked registration, a new password), and
//! a row whose account cannot be found counts as no session or no link. Nullable per-realm
//! key columns beside `account_id` would say each account twice and grow with every realm,
//! for a cascade that has nothing to cascade. A check keeps `realm` to the two names.

use sea_orm_migration::sea_orm::ConnectionTrait;
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum AccountSessions {
    Table,
    Id,
    Realm,
    AccountId,
    CreatedAt,
    LastSeenAt,
}

#[derive(DeriveIden)]
enum AccountLinks {
    Table,
    TokenHash,
    Realm,
    AccountId,
    Purpose,
    CreatedAt,
    ExpiresAt,
    UsedAt,
}

/// One realm's old tables: its sessions and its links, the column naming the account in
/// both, the accounts table it points into, and the old tables' indexes.
struct Twin {
    realm: &'static str,
    sessions: &'static str,
    links: &'static str,
    account: &'static str,
    accounts: &'static str,
    sessions_index: &'static str,
    links_index: Option<&'static str>,
}

const TWINS: [Twin; 2] = [
    Twin {
        realm: "staff",
        sessions: "staff_sessions",
        links: "staff_tokens",
        account: "staff_user_id",
        accounts: "staff_users",
        sessions_index: "idx_staff_sessions_user",
        links_index: Some("idx_staff_tokens_user"),
    },
    Twin {
        realm: "proxy",
        sessions: "proxy_sessions",
        links: "proxy_tokens",
        account: "proxy_account_id",
        accounts: "proxy_accounts",
        sessions_index: "idx_proxy_sessions_account",
        links_index: None,
    },
];

impl Twin {
    /// The key from one of the twin tables to its accounts, as it was before the move.
    fn account_key(&self, table: &'static str) -> ForeignKeyCreateStatement {
        ForeignKey::create()
            .from(Alias::new(table), Alias::new(self.account))
            .to(Alias::new(self.accounts), Alias::new("id"))
            .on_delete(ForeignKeyAction::Cascade)
            .to_owned()
    }

    /// An index on one column of a twin table, as it was before the move.
    fn index(
        name: &'static str,
        table: &'static str,
        column: &'static str,
    ) -> IndexCreateStatement {
        Index::create()
            .name(name)
            .table(Alias::new(table))
            .col(Alias::new(column))
            .to_owned()
    }
}

fn realm_column(column: impl IntoIden) -> ColumnDef {
    string_len(column, 10)
        .check(Expr::col(Alias::new("realm")).is_in(["staff", "proxy"]))
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(AccountSessions::Table)
                    .col(string_len(AccountSessions::Id, 64).primary_key())
                    .col(realm_column(AccountSessions::Realm))
                    .col(big_integer(AccountSessions::AccountId))
                    .col(timestamp_with_time_zone(AccountSessions::CreatedAt))
                    .col(timestamp_with_time_zone(AccountSessions::LastSeenAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_account_sessions_account")
                    .table(AccountSessions::Table)
                    .col(AccountSessions::Realm)
                    .col(AccountSessions::AccountId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(AccountLinks::Table)
                    .col(string_len(AccountLinks::TokenHash, 64).primary_key())
                    .col(realm_column(AccountLinks::Realm))
                    .col(big_integer(AccountLinks::AccountId))
                    .col(string_len(AccountLinks::Purpose, 20))
                    .col(timestamp_with_time_zone(AccountLinks::CreatedAt))
                    .col(timestamp_with_time_zone(AccountLinks::ExpiresAt))
                    .col(timestamp_with_time_zone_null(AccountLinks::UsedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_account_links_account")
                    .table(AccountLinks::Table)
                    .col(AccountLinks::Realm)
                    .col(AccountLinks::AccountId)
                    .col(AccountLinks::Purpose)
                    .to_owned(),
            )
            .await?;

        let db = manager.get_connection();
        for Twin {
            realm,
            sessions,
            links,
            account,
            ..
        } in TWINS
        {
            db.execute_unprepared(&format!(
                "INSERT INTO account_sessions (id, realm, account_id, created_at, last_seen_at) \
                 SELECT id, '{realm}', {account}, created_at, last_seen_at FROM {sessions}"
            ))
            .await?;
            db.execute_unprepared(&format!(
                "INSERT INTO account_links \
                 (token_hash, realm, account_id, purpose, created_at, expires_at, used_at) \
                 SELECT token_hash, '{realm}', {account}, purpose, created_at, expires_at, used_at \
                 FROM {links}"
            ))
            .await?;
            for table in [sessions, links] {
                manager
                    .drop_table(Table::drop().table(Alias::new(table)).to_owned())
                    .await?;
            }
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        for twin in TWINS {
            let Twin {
                realm,
                sessions,
                links,
                account,
                ..
            } = twin;
            manager
                .create_table(
                    Table::create()
                        .table(Alias::new(sessions))
                        .col(string_len(AccountSessions::Id, 64).primary_key())
                        .col(big_integer(Alias::new(account)))
                        .col(timestamp_with_time_zone(AccountSessions::CreatedAt))
                        .col(timestamp_with_time_zone(AccountSessions::LastSeenAt))
                        .foreign_key(&mut twin.account_key(sessions))
                        .to_owned(),
                )
                .await?;
            manager
                .create_index(Twin::index(twin.sessions_index, sessions, account))
                .await?;
            manager
                .create_table(
                    Table::create()
                        .table(Alias::new(links))
                        .col(string_len(AccountLinks::TokenHash, 64).primary_key())
                        .col(big_integer(Alias::new(account)))
                        .col(string_len(AccountLinks::Purpose, 20))
                        .col(timestamp_with_time_zone(AccountLinks::CreatedAt))
                        .col(timestamp_with_time_zone(AccountLinks::ExpiresAt))
                        .col(timestamp_with_time_zone_null(AccountLinks::UsedAt))
                        .foreign_key(&mut twin.account_key(links))
                        .to_owned(),
                )
                .await?;
            if let Some(index) = twin.links_index {
                manager
                    .create_index(Twin::index(index, links, account))
                    .await?;
            }
            db.execute_unprepared(&format!(
                "INSERT INTO {sessions} (id, {account}, created_at, last_seen_at) \
                 SELECT id, account_id, created_at, last_seen_at FROM account_sessions \
                 WHERE realm = '{realm}'"
            ))
            .await?;
            db.execute_unprepared(&format!(
                "INSERT INTO {links} \
                 (token_hash, {account}, purpose, created_at, expires_at, used_at) \
                 SELECT token_hash, account_id, purpose, created_at, expires_at, used_at \
                 FROM account_links WHERE realm = '{realm}'"
            ))
            .await?;
        }
        manager
            .drop_table(Table::drop().table(AccountLinks::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(AccountSessions::Table).to_owned())
            .await?;
        Ok(())
    }
}
