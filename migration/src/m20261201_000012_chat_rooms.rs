//! The written-chat room of a session: its messages, in the order written, and when staff
//! opened the room early or ended the session. A message's id rises with every message, so
//! everyone reads them in the same order and a reader can ask for what came after the last
//! one seen.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ChatMessages {
    Table,
    Id,
    BookingId,
    Author,
    StaffUserId,
    AuthorName,
    Body,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Bookings {
    Table,
    Id,
    ChatOpenedAt,
    ChatClosedAt,
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
                    .table(ChatMessages::Table)
                    .col(big_pk_auto(ChatMessages::Id))
                    .col(big_integer(ChatMessages::BookingId))
                    .col(string_len(ChatMessages::Author, 16))
                    .col(big_integer_null(ChatMessages::StaffUserId))
                    .col(string_len(ChatMessages::AuthorName, 200))
                    .col(text(ChatMessages::Body))
                    .col(timestamp_with_time_zone(ChatMessages::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(ChatMessages::Table, ChatMessages::BookingId)
                            .to(Bookings::Table, Bookings::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(ChatMessages::Table, ChatMessages::StaffUserId)
                            .to(StaffUsers::Table, StaffUsers::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_chat_messages_booking")
                    .table(ChatMessages::Table)
                    .col(ChatMessages::BookingId)
                    .col(ChatMessages::Id)
                    .to_owned(),
            )
            .await?;
        // One column a statement: SQLite adds one at a time.
        for column in [Bookings::ChatOpenedAt, Bookings::ChatClosedAt] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Bookings::Table)
                        .add_column(timestamp_with_time_zone_null(column))
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in [Bookings::ChatClosedAt, Bookings::ChatOpenedAt] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Bookings::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .drop_table(Table::drop().table(ChatMessages::Table).to_owned())
            .await
    }
}
