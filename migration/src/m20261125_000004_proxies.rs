//! Senior Support: proxy registrations (the application, its verification and its life),
//! proxy accounts with their sessions and one-time links, customers' requests to end a
//! registration, sessions booked by a proxy, the proxy as an actor in the audit log, and
//! unfinished journeys of any kind (the booking journey's table, renamed).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ProxyAccounts {
    Table,
    Id,
    Email,
    FullName,
    PasswordHash,
    Lang,
    CreatedAt,
    ActivatedAt,
}

#[derive(DeriveIden)]
enum ProxySessions {
    Table,
    Id,
    ProxyAccountId,
    CreatedAt,
    LastSeenAt,
}

#[derive(DeriveIden)]
enum ProxyTokens {
    Table,
    TokenHash,
    ProxyAccountId,
    Purpose,
    CreatedAt,
    ExpiresAt,
    UsedAt,
}

#[derive(DeriveIden)]
enum ProxyRegistrations {
    Table,
    Id,
    Reference,
    Status,
    Lang,
    PrincipalFullName,
    PrincipalKana,
    PrincipalBirthDate,
    PrincipalMemberNumber,
    PrincipalAddress,
    PrincipalEmail,
    PrincipalKey,
    ProxyFullName,
    ProxyKana,
    Relationship,
    ProxyEmail,
    ProxyAddress,
    ScopeAsk,
    ScopeBook,
    ScopeProcedures,
    ConsentMethod,
    SubmittedAt,
    ReviewStartedAt,
    PrincipalDocument,
    PrincipalDocumentAt,
    ProxyDocument,
    ProxyDocumentAt,
    ConsentConfirmedHow,
    ConsentConfirmedOn,
    ConsentRecordedAt,
    DecidedAt,
    ValidUntil,
    RejectionReason,
    EndedAt,
    EndedBy,
    EndReason,
    ExpiryReminderSentAt,
    RenewalRequestedAt,
    ProxyAccountId,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum ProxyEndRequests {
    Table,
    Id,
    Reference,
    TypedReference,
    TypedName,
    TypedBirthDate,
    Note,
    RegistrationId,
    Lang,
    RequestedAt,
    Status,
    HandledAt,
    HandledBy,
}

#[derive(DeriveIden)]
enum Bookings {
    Table,
    ProxyRegistrationId,
    CopyEmail,
}

#[derive(DeriveIden)]
enum AuditEvents {
    Table,
    ActorProxyId,
}

#[derive(DeriveIden)]
enum LoginAttempts {
    Table,
    Realm,
}

#[derive(DeriveIden)]
enum BookingDrafts {
    Table,
}

#[derive(DeriveIden)]
enum JourneyDrafts {
    Table,
    Kind,
}

#[derive(DeriveIden)]
enum StaffUsers {
    Table,
    Id,
}

fn proxy_fk(from_table: impl IntoIden, from_col: impl IntoIden) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(from_table, from_col)
        .to(ProxyAccounts::Table, ProxyAccounts::Id)
        .on_delete(ForeignKeyAction::Cascade)
        .to_owned()
}

fn index(name: &str, table: impl IntoIden, cols: &[&'static str]) -> IndexCreateStatement {
    let mut index = Index::create();
    index.name(name).table(table);
    for col in cols {
        index.col(Alias::new(*col));
    }
    index.to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(ProxyAccounts::Table)
                    .col(big_pk_auto(ProxyAccounts::Id))
                    .col(string_len_uniq(ProxyAccounts::Email, 254))
                    .col(string_len(ProxyAccounts::FullName, 100))
                    .col(string_len_null(ProxyAccounts::PasswordHash, 200))
                    .col(string_len(ProxyAccounts::Lang, 2))
                    .col(timestamp_with_time_zone(ProxyAccounts::CreatedAt))
                    .col(timestamp_with_time_zone_null(ProxyAccounts::ActivatedAt))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(ProxySessions::Table)
                    .col(string_len(ProxySessions::Id, 64).primary_key())
                    .col(big_integer(ProxySessions::ProxyAccountId))
                    .col(timestamp_with_time_zone(ProxySessions::CreatedAt))
                    .col(timestamp_with_time_zone(ProxySessions::LastSeenAt))
                    .foreign_key(&mut proxy_fk(
                        ProxySessions::Table,
                        ProxySessions::ProxyAccountId,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "idx_proxy_sessions_account",
                ProxySessions::Table,
                &["proxy_account_id"],
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(ProxyTokens::Table)
                    .col(string_len(ProxyTokens::TokenHash, 64).primary_key())
                    .col(big_integer(ProxyTokens::ProxyAccountId))
                    .col(string_len(ProxyTokens::Purpose, 20))
                    .col(timestamp_with_time_zone(ProxyTokens::CreatedAt))
                    .col(timestamp_with_time_zone(ProxyTokens::ExpiresAt))
                    .col(timestamp_with_time_zone_null(ProxyTokens::UsedAt))
                    .foreign_key(&mut proxy_fk(
                        ProxyTokens::Table,
                        ProxyTokens::ProxyAccountId,
                    ))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(ProxyRegistrations::Table)
                    .col(big_pk_auto(ProxyRegistrations::Id))
                    .col(string_len_uniq(ProxyRegistrations::Reference, 16))
                    .col(string_len(ProxyRegistrations::Status, 20))
                    .col(string_len(ProxyRegistrations::Lang, 2))
                    .col(string_len(ProxyRegistrations::PrincipalFullName, 100))
                    .col(string_len(ProxyRegistrations::PrincipalKana, 100))
                    .col(string_len(ProxyRegistrations::PrincipalBirthDate, 10))
                    .col(string_len_null(
                        ProxyRegistrations::PrincipalMemberNumber,
                        20,
                    ))
                    .col(text(ProxyRegistrations::PrincipalAddress))
                    .col(string_len_null(ProxyRegistrations::PrincipalEmail, 254))
                    .col(string_len(ProxyRegistrations::PrincipalKey, 120))
                    .col(string_len(ProxyRegistrations::ProxyFullName, 100))
                    .col(string_len(ProxyRegistrations::ProxyKana, 100))
                    .col(string_len(ProxyRegistrations::Relationship, 30))
                    .col(string_len(ProxyRegistrations::ProxyEmail, 254))
                    .col(text(ProxyRegistrations::ProxyAddress))
                    .col(boolean(ProxyRegistrations::ScopeAsk))
                    .col(boolean(ProxyRegistrations::ScopeBook))
                    .col(boolean(ProxyRegistrations::ScopeProcedures))
                    .col(string_len(ProxyRegistrations::ConsentMethod, 20))
                    .col(timestamp_with_time_zone(ProxyRegistrations::SubmittedAt))
                    .col(timestamp_with_time_zone_null(
                        ProxyRegistrations::ReviewStartedAt,
                    ))
                    .col(string_len_null(ProxyRegistrations::PrincipalDocument, 30))
                    .col(timestamp_with_time_zone_null(
                        ProxyRegistrations::PrincipalDocumentAt,
                    ))
                    .col(string_len_null(ProxyRegistrations::ProxyDocument, 30))
                    .col(timestamp_with_time_zone_null(
                        ProxyRegistrations::ProxyDocumentAt,
                    ))
                    .col(string_len_null(ProxyRegistrations::ConsentConfirmedHow, 20))
                    .col(string_len_null(ProxyRegistrations::ConsentConfirmedOn, 10))
                    .col(timestamp_with_time_zone_null(
                        ProxyRegistrations::ConsentRecordedAt,
                    ))
                    .col(timestamp_with_time_zone_null(ProxyRegistrations::DecidedAt))
                    .col(timestamp_with_time_zone_null(
                        ProxyRegistrations::ValidUntil,
                    ))
                    .col(text_null(ProxyRegistrations::RejectionReason))
                    .col(timestamp_with_time_zone_null(ProxyRegistrations::EndedAt))
                    .col(string_len_null(ProxyRegistrations::EndedBy, 20))
                    .col(text_null(ProxyRegistrations::EndReason))
                    .col(timestamp_with_time_zone_null(
                        ProxyRegistrations::ExpiryReminderSentAt,
                    ))
                    .col(timestamp_with_time_zone_null(
                        ProxyRegistrations::RenewalRequestedAt,
                    ))
                    .col(big_integer_null(ProxyRegistrations::ProxyAccountId))
                    .col(timestamp_with_time_zone(ProxyRegistrations::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(
                                ProxyRegistrations::Table,
                                ProxyRegistrations::ProxyAccountId,
                            )
                            .to(ProxyAccounts::Table, ProxyAccounts::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        for (name, cols) in [
            (
                "idx_proxy_registrations_status",
                &["status", "submitted_at"][..],
            ),
            (
                "idx_proxy_registrations_principal",
                &["principal_key", "status"][..],
            ),
            ("idx_proxy_registrations_account", &["proxy_account_id"][..]),
            (
                "idx_proxy_registrations_valid_until",
                &["status", "valid_until"][..],
            ),
        ] {
            manager
                .create_index(index(name, ProxyRegistrations::Table, cols))
                .await?;
        }

        manager
            .create_table(
                Table::create()
                    .table(ProxyEndRequests::Table)
                    .col(big_pk_auto(ProxyEndRequests::Id))
                    .col(string_len_uniq(ProxyEndRequests::Reference, 16))
                    .col(string_len(ProxyEndRequests::TypedReference, 40))
                    .col(string_len(ProxyEndRequests::TypedName, 100))
                    .col(string_len(ProxyEndRequests::TypedBirthDate, 10))
                    .col(text_null(ProxyEndRequests::Note))
                    .col(big_integer_null(ProxyEndRequests::RegistrationId))
                    .col(string_len(ProxyEndRequests::Lang, 2))
                    .col(timestamp_with_time_zone(ProxyEndRequests::RequestedAt))
                    .col(string_len(ProxyEndRequests::Status, 20))
                    .col(timestamp_with_time_zone_null(ProxyEndRequests::HandledAt))
                    .col(big_integer_null(ProxyEndRequests::HandledBy))
                    .foreign_key(
                        ForeignKey::create()
                            .from(ProxyEndRequests::Table, ProxyEndRequests::RegistrationId)
                            .to(ProxyRegistrations::Table, ProxyRegistrations::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(ProxyEndRequests::Table, ProxyEndRequests::HandledBy)
                            .to(StaffUsers::Table, StaffUsers::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "idx_proxy_end_requests_status",
                ProxyEndRequests::Table,
                &["status", "requested_at"],
            ))
            .await?;

        // SQLite adds one column a statement.
        manager
            .alter_table(
                Table::alter()
                    .table(Bookings::Table)
                    .add_column(big_integer_null(Bookings::ProxyRegistrationId))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Bookings::Table)
                    .add_column(string_len_null(Bookings::CopyEmail, 254))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "idx_bookings_proxy_registration",
                Bookings::Table,
                &["proxy_registration_id", "starts_at"],
            ))
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(AuditEvents::Table)
                    .add_column(big_integer_null(AuditEvents::ActorProxyId))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(LoginAttempts::Table)
                    .add_column(string_len(LoginAttempts::Realm, 10).default("staff"))
                    .to_owned(),
            )
            .await?;

        manager
            .rename_table(
                Table::rename()
                    .table(BookingDrafts::Table, JourneyDrafts::Table)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(JourneyDrafts::Table)
                    .add_column(string_len(JourneyDrafts::Kind, 20).default("booking"))
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(JourneyDrafts::Table)
                    .drop_column(JourneyDrafts::Kind)
                    .to_owned(),
            )
            .await?;
        manager
            .rename_table(
                Table::rename()
                    .table(JourneyDrafts::Table, BookingDrafts::Table)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(LoginAttempts::Table)
                    .drop_column(LoginAttempts::Realm)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(AuditEvents::Table)
                    .drop_column(AuditEvents::ActorProxyId)
                    .to_owned(),
            )
            .await?;
        manager
            .drop_index(
                Index::drop()
                    .name("idx_bookings_proxy_registration")
                    .table(Bookings::Table)
                    .to_owned(),
            )
            .await?;
        for column in [Bookings::CopyEmail, Bookings::ProxyRegistrationId] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Bookings::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        for table in [
            ProxyEndRequests::Table.into_iden(),
            ProxyRegistrations::Table.into_iden(),
            ProxyTokens::Table.into_iden(),
            ProxySessions::Table.into_iden(),
            ProxyAccounts::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
