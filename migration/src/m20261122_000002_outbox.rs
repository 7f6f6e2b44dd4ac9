//! The outbox of emails to send, and one-time tokens for staff (invitations, password resets).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum OutboxMessages {
    Table,
    Id,
    MessageId,
    Kind,
    Recipient,
    Lang,
    Subject,
    TextBody,
    HtmlBody,
    Attachments,
    Status,
    Attempts,
    NextAttemptAt,
    LeaseOwner,
    LeaseUntil,
    LastError,
    CreatedAt,
    SentAt,
}

#[derive(DeriveIden)]
enum StaffTokens {
    Table,
    TokenHash,
    StaffUserId,
    Purpose,
    CreatedAt,
    ExpiresAt,
    UsedAt,
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
                    .table(OutboxMessages::Table)
                    .col(big_pk_auto(OutboxMessages::Id))
                    .col(string_len_uniq(OutboxMessages::MessageId, 200))
                    .col(string_len(OutboxMessages::Kind, 40))
                    .col(string_len(OutboxMessages::Recipient, 254))
                    .col(string_len(OutboxMessages::Lang, 5))
                    .col(string_len(OutboxMessages::Subject, 300))
                    .col(text(OutboxMessages::TextBody))
                    .col(text(OutboxMessages::HtmlBody))
                    .col(text(OutboxMessages::Attachments))
                    .col(string_len(OutboxMessages::Status, 10))
                    .col(integer(OutboxMessages::Attempts))
                    .col(timestamp_with_time_zone(OutboxMessages::NextAttemptAt))
                    .col(string_len_null(OutboxMessages::LeaseOwner, 64))
                    .col(timestamp_with_time_zone_null(OutboxMessages::LeaseUntil))
                    .col(text_null(OutboxMessages::LastError))
                    .col(timestamp_with_time_zone(OutboxMessages::CreatedAt))
                    .col(timestamp_with_time_zone_null(OutboxMessages::SentAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_outbox_due")
                    .table(OutboxMessages::Table)
                    .col(OutboxMessages::Status)
                    .col(OutboxMessages::NextAttemptAt)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_outbox_lease")
                    .table(OutboxMessages::Table)
                    .col(OutboxMessages::LeaseOwner)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(StaffTokens::Table)
                    .col(string_len(StaffTokens::TokenHash, 64).primary_key())
                    .col(big_integer(StaffTokens::StaffUserId))
                    .col(string_len(StaffTokens::Purpose, 20))
                    .col(timestamp_with_time_zone(StaffTokens::CreatedAt))
                    .col(timestamp_with_time_zone(StaffTokens::ExpiresAt))
                    .col(timestamp_with_time_zone_null(StaffTokens::UsedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(StaffTokens::Table, StaffTokens::StaffUserId)
                            .to(StaffUsers::Table, StaffUsers::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_staff_tokens_user")
                    .table(StaffTokens::Table)
                    .col(StaffTokens::StaffUserId)
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(StaffTokens::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(OutboxMessages::Table).to_owned())
            .await
    }
}
