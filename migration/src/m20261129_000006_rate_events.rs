//! Counted events for limits on what one client may do in a while: new journeys started from
//! one address, proxy applications sent from one address or to one email address. Only a hash
//! of the address or email is kept.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum RateEvents {
    Table,
    Id,
    Kind,
    Subject,
    At,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(RateEvents::Table)
                    .if_not_exists()
                    .col(big_pk_auto(RateEvents::Id))
                    .col(string_len(RateEvents::Kind, 40))
                    .col(string_len(RateEvents::Subject, 64))
                    .col(timestamp_with_time_zone(RateEvents::At))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_rate_events_kind_subject_at")
                    .table(RateEvents::Table)
                    .col(RateEvents::Kind)
                    .col(RateEvents::Subject)
                    .col(RateEvents::At)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_rate_events_at")
                    .table(RateEvents::Table)
                    .col(RateEvents::At)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(RateEvents::Table).to_owned())
            .await
    }
}
