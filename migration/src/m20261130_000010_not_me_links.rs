//! "This was not me": the customer named in a proxy application gets a link that stops it
//! without the reference number. Only the hash of the link's token is kept, with when it
//! was used.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ProxyNotMeLinks {
    Table,
    TokenHash,
    RegistrationId,
    CreatedAt,
    UsedAt,
}

#[derive(DeriveIden)]
enum ProxyRegistrations {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(ProxyNotMeLinks::Table)
                    .col(string_len(ProxyNotMeLinks::TokenHash, 64).primary_key())
                    .col(big_integer(ProxyNotMeLinks::RegistrationId))
                    .col(timestamp_with_time_zone(ProxyNotMeLinks::CreatedAt))
                    .col(timestamp_with_time_zone_null(ProxyNotMeLinks::UsedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(ProxyNotMeLinks::Table, ProxyNotMeLinks::RegistrationId)
                            .to(ProxyRegistrations::Table, ProxyRegistrations::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(ProxyNotMeLinks::Table).to_owned())
            .await
    }
}
