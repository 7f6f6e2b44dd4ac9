//! The staff side of a written-chat room: each staff member's saved phrases, which they put
//! into a message with one press, and the notes staff write about a session in its room,
//! which the customer never sees.

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
enum ChatNotes {
    Table,
    Id,
    BookingId,
    StaffUserId,
    AuthorName,
    Body,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Bookings {
    Table,
    Id,
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
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ChatNotes::Table)
                    .col(big_pk_auto(ChatNotes::Id))
                    .col(big_integer(ChatNotes::BookingId))
                    .col(big_integer_null(ChatNotes::StaffUserId))
                    .col(string_len(ChatNotes::AuthorName, 200))
                    .col(text(ChatNotes::Body))
                    .col(timestamp_with_time_zone(ChatNotes::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(ChatNotes::Table, ChatNotes::BookingId)
                            .to(Bookings::Table, Bookings::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(ChatNotes::Table, ChatNotes::StaffUserId)
                            .to(StaffUsers::Table, StaffUsers::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_chat_notes_booking")
                    .table(ChatNotes::Table)
                    .col(ChatNotes::BookingId)
                    .col(ChatNotes::Id)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(ChatNotes::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(StaffPhrases::Table).to_owned())
            .await
    }
}
