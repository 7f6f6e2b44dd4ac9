//! Customer-harassment incidents as staff report them, kept unchanged once made: the staff
//! they affected, the chat messages they quote word for word, what is added to them later,
//! and the calls for a supervisor's support that start them.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Incidents {
    Table,
    Id,
    Reference,
    Status,
    ReportedBy,
    ReportedAt,
    OccurredAt,
    Channel,
    Category,
    Account,
    Demand,
    Manner,
    DoneThen,
    Subject,
    CustomerName,
    CustomerEmail,
    MemberNumber,
    ProxyAccountId,
    RequestId,
    BookingId,
    ProxyRegistrationId,
    UpdatedAt,
    ClosedAt,
}

#[derive(DeriveIden)]
enum IncidentStaff {
    Table,
    IncidentId,
    StaffUserId,
}

#[derive(DeriveIden)]
enum IncidentQuotes {
    Table,
    Id,
    IncidentId,
    ChatMessageId,
    Author,
    SentAt,
    Body,
}

#[derive(DeriveIden)]
enum IncidentAdditions {
    Table,
    Id,
    IncidentId,
    AuthorId,
    Kind,
    Body,
    CreatedAt,
}

#[derive(DeriveIden)]
enum SupportCalls {
    Table,
    Id,
    StaffUserId,
    RequestId,
    BookingId,
    RaisedAt,
    TakenBy,
    TakenAt,
    IncidentId,
}

#[derive(DeriveIden)]
enum StaffUsers {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum SupportRequests {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Bookings {
    Table,
    Id,
}

fn to_incident(table: impl IntoIden, column: impl IntoIden) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(table, column)
        .to(Incidents::Table, Incidents::Id)
        .on_delete(ForeignKeyAction::Cascade)
        .to_owned()
}

fn to_staff(table: impl IntoIden, column: impl IntoIden) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(table, column)
        .to(StaffUsers::Table, StaffUsers::Id)
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Incidents::Table)
                    .col(big_pk_auto(Incidents::Id))
                    .col(string_len_uniq(Incidents::Reference, 16))
                    .col(string_len(Incidents::Status, 20))
                    .col(big_integer(Incidents::ReportedBy))
                    .col(timestamp_with_time_zone(Incidents::ReportedAt))
                    .col(timestamp_with_time_zone(Incidents::OccurredAt))
                    .col(string_len(Incidents::Channel, 20))
                    .col(string_len(Incidents::Category, 30))
                    .col(text(Incidents::Account))
                    .col(string_len(Incidents::Demand, 20))
                    .col(string_len(Incidents::Manner, 20))
                    .col(text_null(Incidents::DoneThen))
                    .col(string_len(Incidents::Subject, 10))
                    .col(string_len_null(Incidents::CustomerName, 200))
                    .col(string_len_null(Incidents::CustomerEmail, 320))
                    .col(string_len_null(Incidents::MemberNumber, 20))
                    .col(big_integer_null(Incidents::ProxyAccountId))
                    .col(big_integer_null(Incidents::RequestId))
                    .col(big_integer_null(Incidents::BookingId))
                    .col(big_integer_null(Incidents::ProxyRegistrationId))
                    .col(timestamp_with_time_zone(Incidents::UpdatedAt))
                    .col(timestamp_with_time_zone_null(Incidents::ClosedAt))
                    .foreign_key(&mut to_staff(Incidents::Table, Incidents::ReportedBy))
                    .to_owned(),
            )
            .await?;
        for (name, columns) in [
            (
                "idx_incidents_status",
                vec![Incidents::Status, Incidents::ReportedAt],
            ),
            (
                "idx_incidents_reporter",
                vec![Incidents::ReportedBy, Incidents::ReportedAt],
            ),
            ("idx_incidents_email", vec![Incidents::CustomerEmail]),
            ("idx_incidents_member", vec![Incidents::MemberNumber]),
            ("idx_incidents_proxy", vec![Incidents::ProxyAccountId]),
            ("idx_incidents_reported_at", vec![Incidents::ReportedAt]),
        ] {
            let mut index = Index::create();
            index.name(name).table(Incidents::Table);
            for column in columns {
                index.col(column);
            }
            manager.create_index(index.to_owned()).await?;
        }
        manager
            .create_table(
                Table::create()
                    .table(IncidentStaff::Table)
                    .col(big_integer(IncidentStaff::IncidentId))
                    .col(big_integer(IncidentStaff::StaffUserId))
                    .primary_key(
                        Index::create()
                            .col(IncidentStaff::IncidentId)
                            .col(IncidentStaff::StaffUserId),
                    )
                    .foreign_key(&mut to_incident(
                        IncidentStaff::Table,
                        IncidentStaff::IncidentId,
                    ))
                    .foreign_key(&mut to_staff(
                        IncidentStaff::Table,
                        IncidentStaff::StaffUserId,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(IncidentQuotes::Table)
                    .col(big_pk_auto(IncidentQuotes::Id))
                    .col(big_integer(IncidentQuotes::IncidentId))
                    .col(big_integer_null(IncidentQuotes::ChatMessageId))
                    .col(string_len(IncidentQuotes::Author, 300))
                    .col(timestamp_with_time_zone(IncidentQuotes::SentAt))
                    .col(text(IncidentQuotes::Body))
                    .foreign_key(&mut to_incident(
                        IncidentQuotes::Table,
                        IncidentQuotes::IncidentId,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_incident_quotes_incident")
                    .table(IncidentQuotes::Table)
                    .col(IncidentQuotes::IncidentId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(IncidentAdditions::Table)
                    .col(big_pk_auto(IncidentAdditions::Id))
                    .col(big_integer(IncidentAdditions::IncidentId))
                    .col(big_integer(IncidentAdditions::AuthorId))
                    .col(string_len(IncidentAdditions::Kind, 20))
                    .col(text(IncidentAdditions::Body))
                    .col(timestamp_with_time_zone(IncidentAdditions::CreatedAt))
                    .foreign_key(&mut to_incident(
                        IncidentAdditions::Table,
                        IncidentAdditions::IncidentId,
                    ))
                    .foreign_key(&mut to_staff(
                        IncidentAdditions::Table,
                        IncidentAdditions::AuthorId,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_incident_additions_incident")
                    .table(IncidentAdditions::Table)
                    .col(IncidentAdditions::IncidentId)
                    .col(IncidentAdditions::Id)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(SupportCalls::Table)
                    .col(big_pk_auto(SupportCalls::Id))
                    .col(big_integer(SupportCalls::StaffUserId))
                    .col(big_integer_null(SupportCalls::RequestId))
                    .col(big_integer_null(SupportCalls::BookingId))
                    .col(timestamp_with_time_zone(SupportCalls::RaisedAt))
                    .col(big_integer_null(SupportCalls::TakenBy))
                    .col(timestamp_with_time_zone_null(SupportCalls::TakenAt))
                    .col(big_integer_null(SupportCalls::IncidentId))
                    .foreign_key(&mut to_staff(
                        SupportCalls::Table,
                        SupportCalls::StaffUserId,
                    ))
                    .foreign_key(&mut to_staff(SupportCalls::Table, SupportCalls::TakenBy))
                    .foreign_key(
                        ForeignKey::create()
                            .from(SupportCalls::Table, SupportCalls::RequestId)
                            .to(SupportRequests::Table, SupportRequests::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(SupportCalls::Table, SupportCalls::BookingId)
                            .to(Bookings::Table, Bookings::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(SupportCalls::Table, SupportCalls::IncidentId)
                            .to(Incidents::Table, Incidents::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_support_calls_open")
                    .table(SupportCalls::Table)
                    .col(SupportCalls::TakenAt)
                    .col(SupportCalls::RaisedAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            SupportCalls::Table.into_iden(),
            IncidentAdditions::Table.into_iden(),
            IncidentQuotes::Table.into_iden(),
            IncidentStaff::Table.into_iden(),
            Incidents::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
