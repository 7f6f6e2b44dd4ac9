//! Support requests: the request, the messages of its thread (customer's, proxy's, staff
//! replies and internal notes), the links that open the thread without an account, and
//! the session a customer booked to get their answer.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum SupportRequests {
    Table,
    Id,
    Reference,
    Status,
    Topic,
    Details,
    CustomerName,
    MemberNumber,
    Channel,
    Email,
    Fax,
    PostalAddress,
    Lang,
    AssigneeId,
    ProxyRegistrationId,
    CreatedAt,
    UpdatedAt,
    DueAt,
    FirstReplyAt,
    ResolvedAt,
    ClosedAt,
}

#[derive(DeriveIden)]
enum RequestMessages {
    Table,
    Id,
    RequestId,
    Author,
    StaffId,
    ProxyId,
    Internal,
    Body,
    CreatedAt,
}

#[derive(DeriveIden)]
enum RequestLinks {
    Table,
    TokenHash,
    RequestId,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Bookings {
    Table,
    RequestId,
}

#[derive(DeriveIden)]
enum AuditEvents {
    Table,
}

#[derive(DeriveIden)]
enum StaffUsers {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum ProxyRegistrations {
    Table,
    Id,
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
                    .table(SupportRequests::Table)
                    .col(big_pk_auto(SupportRequests::Id))
                    .col(string_len_uniq(SupportRequests::Reference, 16))
                    .col(string_len(SupportRequests::Status, 20))
                    .col(string_len(SupportRequests::Topic, 30))
                    .col(text(SupportRequests::Details))
                    .col(string_len(SupportRequests::CustomerName, 100))
                    .col(string_len_null(SupportRequests::MemberNumber, 20))
                    .col(string_len(SupportRequests::Channel, 20))
                    .col(string_len_null(SupportRequests::Email, 254))
                    .col(string_len_null(SupportRequests::Fax, 30))
                    .col(text_null(SupportRequests::PostalAddress))
                    .col(string_len(SupportRequests::Lang, 2))
                    .col(big_integer_null(SupportRequests::AssigneeId))
                    .col(big_integer_null(SupportRequests::ProxyRegistrationId))
                    .col(timestamp_with_time_zone(SupportRequests::CreatedAt))
                    .col(timestamp_with_time_zone(SupportRequests::UpdatedAt))
                    .col(timestamp_with_time_zone_null(SupportRequests::DueAt))
                    .col(timestamp_with_time_zone_null(SupportRequests::FirstReplyAt))
                    .col(timestamp_with_time_zone_null(SupportRequests::ResolvedAt))
                    .col(timestamp_with_time_zone_null(SupportRequests::ClosedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(SupportRequests::Table, SupportRequests::AssigneeId)
                            .to(StaffUsers::Table, StaffUsers::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(SupportRequests::Table, SupportRequests::ProxyRegistrationId)
                            .to(ProxyRegistrations::Table, ProxyRegistrations::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        for (name, cols) in [
            // Counts by status, and the overdue count (status and due time).
            ("idx_support_requests_status", &["status", "due_at"][..]),
            ("idx_support_requests_assignee", &["assignee_id"][..]),
            (
                "idx_support_requests_registration",
                &["proxy_registration_id"][..],
            ),
        ] {
            manager
                .create_index(index(name, SupportRequests::Table, cols))
                .await?;
        }

        // The queue's order (late and due first, then what is owed nothing, oldest first),
        // read in index order so a page costs its rows, not a sort of every request. The
        // expression is written exactly as the queue's query writes it.
        manager
            .get_connection()
            .execute_unprepared(
                "CREATE INDEX idx_support_requests_queue ON support_requests \
                 ((CASE WHEN due_at IS NULL THEN 1 ELSE 0 END), due_at, created_at, id)",
            )
            .await?;
        // A request's page shows its own history, as other pages do: the audit rows about
        // one thing.
        manager
            .create_index(index(
                "idx_audit_events_target",
                AuditEvents::Table,
                &["target_type", "target_id"],
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(RequestMessages::Table)
                    .col(big_pk_auto(RequestMessages::Id))
                    .col(big_integer(RequestMessages::RequestId))
                    .col(string_len(RequestMessages::Author, 20))
                    .col(big_integer_null(RequestMessages::StaffId))
                    .col(big_integer_null(RequestMessages::ProxyId))
                    .col(boolean(RequestMessages::Internal))
                    .col(text(RequestMessages::Body))
                    .col(timestamp_with_time_zone(RequestMessages::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(RequestMessages::Table, RequestMessages::RequestId)
                            .to(SupportRequests::Table, SupportRequests::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(RequestMessages::Table, RequestMessages::StaffId)
                            .to(StaffUsers::Table, StaffUsers::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "idx_request_messages_request",
                RequestMessages::Table,
                &["request_id", "created_at"],
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(RequestLinks::Table)
                    .col(string_len(RequestLinks::TokenHash, 64).primary_key())
                    .col(big_integer(RequestLinks::RequestId))
                    .col(timestamp_with_time_zone(RequestLinks::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(RequestLinks::Table, RequestLinks::RequestId)
                            .to(SupportRequests::Table, SupportRequests::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;

        manager
            .alter_table(
                Table::alter()
                    .table(Bookings::Table)
                    .add_column(big_integer_null(Bookings::RequestId))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "idx_bookings_request",
                Bookings::Table,
                &["request_id"],
            ))
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("idx_bookings_request")
                    .table(Bookings::Table)
                    .to_owned(),
            )
            .await?;
        manager
            .drop_index(
                Index::drop()
                    .name("idx_audit_events_target")
                    .table(AuditEvents::Table)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Bookings::Table)
                    .drop_column(Bookings::RequestId)
                    .to_owned(),
            )
            .await?;
        for table in [
            RequestLinks::Table.into_iden(),
            RequestMessages::Table.into_iden(),
            SupportRequests::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
