//! The staff side of a written-chat room: each staff member's saved phrases, which they put
//! into a message with one press. (Notes written in the room are the session's internal
//! notes, `booking_notes`.)

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum StaffPhrases {
    Table,
    Id,
    StaffUserId,
    Body,
    CreatedAt,
}

#[derive(DeriveIden)]
enum StaffUsers {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(StaffPhrases::Table)
                    .col(big_pk_auto(StaffPhrases::Id))
                    .col(big_integer(StaffPhrases::StaffUserId))
                    .col(text(StaffPhrases::Body))
                    .col(timestamp_with_time_zone(StaffPhrases::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(StaffPhrases::Table, StaffPhrases::StaffUserId)
                            .to(StaffUsers::Table, StaffUsers::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_staff_phrases_staff_user")
                    .table(StaffPhrases::Table)
                    .col(StaffPhrases::StaffUserId)
                    .col(StaffPhrases::Id)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(StaffPhrases::Table).to_owned())
            .await
    }
}
