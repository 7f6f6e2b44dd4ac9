//! What the desk does about an incident: graduated measures (a warning, limits, a
//! suspension that a second person approves), each attached to the customer's or the
//! proxy's identity with a reason and an end date; the links to the person's notice, one
//! for each letter (only their hashes); and the person's written appeals.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Measures {
    Table,
    Id,
    Reference,
    IncidentId,
    Kind,
    Status,
    EmailOnly,
    SessionsNeedApproval,
    WeeklyRequests,
    SuspendRequests,
    SuspendSessions,
    Reason,
    Lang,
    Subject,
    Email,
    MemberNumber,
    ProxyAccountId,
    EndsAt,
    ProposedBy,
    ProposedAt,
    DecidedBy,
    DecidedAt,
    LiftedBy,
    LiftedAt,
    LiftReason,
}

#[derive(DeriveIden)]
enum MeasureAppeals {
    Table,
    Id,
    MeasureId,
    Body,
    ReceivedAt,
    DecidedBy,
    DecidedAt,
    Outcome,
    Reply,
}

#[derive(DeriveIden)]
enum MeasureLinks {
    Table,
    TokenHash,
    MeasureId,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Incidents {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum StaffUsers {
    Table,
    Id,
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
                    .table(Measures::Table)
                    .col(big_pk_auto(Measures::Id))
                    .col(string_len_uniq(Measures::Reference, 16))
                    .col(big_integer(Measures::IncidentId))
                    .col(string_len(Measures::Kind, 20))
                    .col(string_len(Measures::Status, 20))
                    .col(boolean(Measures::EmailOnly).default(false))
                    .col(boolean(Measures::SessionsNeedApproval).default(false))
                    .col(integer_null(Measures::WeeklyRequests))
                    .col(boolean(Measures::SuspendRequests).default(false))
                    .col(boolean(Measures::SuspendSessions).default(false))
                    .col(text(Measures::Reason))
                    .col(string_len(Measures::Lang, 5))
                    .col(string_len(Measures::Subject, 10))
                    .col(string_len_null(Measures::Email, 320))
                    .col(string_len_null(Measures::MemberNumber, 20))
                    .col(big_integer_null(Measures::ProxyAccountId))
                    .col(timestamp_with_time_zone(Measures::EndsAt))
                    .col(big_integer(Measures::ProposedBy))
                    .col(timestamp_with_time_zone(Measures::ProposedAt))
                    .col(big_integer_null(Measures::DecidedBy))
                    .col(timestamp_with_time_zone_null(Measures::DecidedAt))
                    .col(big_integer_null(Measures::LiftedBy))
                    .col(timestamp_with_time_zone_null(Measures::LiftedAt))
                    .col(text_null(Measures::LiftReason))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Measures::Table, Measures::IncidentId)
                            .to(Incidents::Table, Incidents::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(&mut to_staff(Measures::Table, Measures::ProposedBy))
                    .foreign_key(&mut to_staff(Measures::Table, Measures::DecidedBy))
                    .foreign_key(&mut to_staff(Measures::Table, Measures::LiftedBy))
                    .to_owned(),
            )
            .await?;
        for (name, column) in [
            ("idx_measures_email", Measures::Email),
            ("idx_measures_member", Measures::MemberNumber),
            ("idx_measures_proxy", Measures::ProxyAccountId),
            ("idx_measures_incident", Measures::IncidentId),
            ("idx_measures_status", Measures::Status),
        ] {
            manager
                .create_index(
                    Index::create()
                        .name(name)
                        .table(Measures::Table)
                        .col(column)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .create_table(
                Table::create()
                    .table(MeasureLinks::Table)
                    .col(string_len(MeasureLinks::TokenHash, 64).primary_key())
                    .col(big_integer(MeasureLinks::MeasureId))
                    .col(timestamp_with_time_zone(MeasureLinks::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(MeasureLinks::Table, MeasureLinks::MeasureId)
                            .to(Measures::Table, Measures::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_measure_links_measure")
                    .table(MeasureLinks::Table)
                    .col(MeasureLinks::MeasureId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(MeasureAppeals::Table)
                    .col(big_pk_auto(MeasureAppeals::Id))
                    .col(big_integer(MeasureAppeals::MeasureId))
                    .col(text(MeasureAppeals::Body))
                    .col(timestamp_with_time_zone(MeasureAppeals::ReceivedAt))
                    .col(big_integer_null(MeasureAppeals::DecidedBy))
                    .col(timestamp_with_time_zone_null(MeasureAppeals::DecidedAt))
                    .col(string_len_null(MeasureAppeals::Outcome, 20))
                    .col(text_null(MeasureAppeals::Reply))
                    .foreign_key(
                        ForeignKey::create()
                            .from(MeasureAppeals::Table, MeasureAppeals::MeasureId)
                            .to(Measures::Table, Measures::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(&mut to_staff(
                        MeasureAppeals::Table,
                        MeasureAppeals::DecidedBy,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_measure_appeals_measure")
                    .table(MeasureAppeals::Table)
                    .col(MeasureAppeals::MeasureId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(MeasureAppeals::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(MeasureLinks::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(Measures::Table).to_owned())
            .await
    }
}
