//! Staff accounts, their sessions, sign-in attempts, the first-run setup token and the
//! audit log.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum StaffUsers {
    Table,
    Id,
    Email,
    FullName,
    DisplayName,
    Role,
    PasswordHash,
    Active,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum StaffSessions {
    Table,
    Id,
    StaffUserId,
    CreatedAt,
    LastSeenAt,
}

#[derive(DeriveIden)]
enum LoginAttempts {
    Table,
    Id,
    Email,
    Ip,
    AttemptedAt,
    Succeeded,
}

#[derive(DeriveIden)]
enum SetupTokens {
    Table,
    TokenHash,
    CreatedAt,
}

#[derive(DeriveIden)]
enum AuditEvents {
    Table,
    Id,
    OccurredAt,
    ActorStaffId,
    ActorRole,
    Action,
    TargetType,
    TargetId,
    Detail,
    Ip,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(StaffUsers::Table)
                    .col(big_pk_auto(StaffUsers::Id))
                    .col(string_len_uniq(StaffUsers::Email, 254))
                    .col(string_len(StaffUsers::FullName, 100))
                    .col(string_len(StaffUsers::DisplayName, 40))
                    .col(string_len(StaffUsers::Role, 20))
                    .col(string_len_null(StaffUsers::PasswordHash, 200))
                    .col(boolean(StaffUsers::Active))
                    .col(timestamp_with_time_zone(StaffUsers::CreatedAt))
                    .col(timestamp_with_time_zone(StaffUsers::UpdatedAt))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(StaffSessions::Table)
                    .col(string_len(StaffSessions::Id, 64).primary_key())
                    .col(big_integer(StaffSessions::StaffUserId))
                    .col(timestamp_with_time_zone(StaffSessions::CreatedAt))
                    .col(timestamp_with_time_zone(StaffSessions::LastSeenAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(StaffSessions::Table, StaffSessions::StaffUserId)
                            .to(StaffUsers::Table, StaffUsers::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_staff_sessions_user")
                    .table(StaffSessions::Table)
                    .col(StaffSessions::StaffUserId)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(LoginAttempts::Table)
                    .col(big_pk_auto(LoginAttempts::Id))
                    .col(string_len(LoginAttempts::Email, 254))
                    .col(string_len_null(LoginAttempts::Ip, 64))
                    .col(timestamp_with_time_zone(LoginAttempts::AttemptedAt))
                    .col(boolean(LoginAttempts::Succeeded))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_login_attempts_email")
                    .table(LoginAttempts::Table)
                    .col(LoginAttempts::Email)
                    .col(LoginAttempts::AttemptedAt)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_login_attempts_ip")
                    .table(LoginAttempts::Table)
                    .col(LoginAttempts::Ip)
                    .col(LoginAttempts::AttemptedAt)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(SetupTokens::Table)
                    .col(string_len(SetupTokens::TokenHash, 64).primary_key())
                    .col(timestamp_with_time_zone(SetupTokens::CreatedAt))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(AuditEvents::Table)
                    .col(big_pk_auto(AuditEvents::Id))
                    .col(timestamp_with_time_zone(AuditEvents::OccurredAt))
                    .col(big_integer_null(AuditEvents::ActorStaffId))
                    .col(string_len_null(AuditEvents::ActorRole, 20))
                    .col(string_len(AuditEvents::Action, 60))
                    .col(string_len_null(AuditEvents::TargetType, 40))
                    .col(string_len_null(AuditEvents::TargetId, 64))
                    .col(text(AuditEvents::Detail))
                    .col(string_len_null(AuditEvents::Ip, 64))
                    .foreign_key(
                        ForeignKey::create()
                            .from(AuditEvents::Table, AuditEvents::ActorStaffId)
                            .to(StaffUsers::Table, StaffUsers::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        for (name, column) in [
            ("idx_audit_events_occurred", AuditEvents::OccurredAt),
            ("idx_audit_events_action", AuditEvents::Action),
            ("idx_audit_events_actor", AuditEvents::ActorStaffId),
        ] {
            manager
                .create_index(
                    Index::create()
                        .name(name)
                        .table(AuditEvents::Table)
                        .col(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            AuditEvents::Table.into_iden(),
            SetupTokens::Table.into_iden(),
            LoginAttempts::Table.into_iden(),
            StaffSessions::Table.into_iden(),
            StaffUsers::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
