//! When each support request was first resolved. `resolved_at` is cleared when the customer
//! writes again, so contact after a matter was resolved is counted from this, which stays.
//! A request resolved before takes the time of its first change to resolved or closed in the
//! audit log, or else its `resolved_at`. Indexes let contacts be found by when they were
//! made and requests by who sent them.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum SupportRequests {
    Table,
    FirstResolvedAt,
    CreatedAt,
    Email,
    MemberNumber,
}

#[derive(DeriveIden)]
enum RequestMessages {
    Table,
    CreatedAt,
}

/// The first change of each request to resolved or closed, as the audit log recorded it.
const BACKFILL: &str = r#"UPDATE support_requests SET first_resolved_at = COALESCE(
    (SELECT MIN(a.occurred_at) FROM audit_events a
      WHERE a.action = 'request.status_changed'
        AND a.target_type = 'support_request'
        AND a.target_id = CAST(support_requests.id AS TEXT)
        AND (a.detail LIKE '%"to":"resolved"%' OR a.detail LIKE '%"to":"closed"%')),
    resolved_at)"#;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(SupportRequests::Table)
                    .add_column(timestamp_with_time_zone_null(
                        SupportRequests::FirstResolvedAt,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .get_connection()
            .execute_unprepared(BACKFILL)
            .await?;
        for (name, columns) in [
            (
                "idx_support_requests_created",
                vec![SupportRequests::CreatedAt],
            ),
            (
                "idx_support_requests_email",
                vec![SupportRequests::Email, SupportRequests::FirstResolvedAt],
            ),
            (
                "idx_support_requests_member",
                vec![
                    SupportRequests::MemberNumber,
                    SupportRequests::FirstResolvedAt,
                ],
            ),
        ] {
            let mut index = Index::create();
            index.name(name).table(SupportRequests::Table);
            for column in columns {
                index.col(column);
            }
            manager.create_index(index.to_owned()).await?;
        }
        manager
            .create_index(
                Index::create()
                    .name("idx_request_messages_created")
                    .table(RequestMessages::Table)
                    .col(RequestMessages::CreatedAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (name, table) in [
            (
                "idx_request_messages_created",
                RequestMessages::Table.into_iden(),
            ),
            (
                "idx_support_requests_member",
                SupportRequests::Table.into_iden(),
            ),
            (
                "idx_support_requests_email",
                SupportRequests::Table.into_iden(),
            ),
            (
                "idx_support_requests_created",
                SupportRequests::Table.into_iden(),
            ),
        ] {
            manager
                .drop_index(Index::drop().name(name).table(table).to_owned())
                .await?;
        }
        manager
            .alter_table(
                Table::alter()
                    .table(SupportRequests::Table)
                    .drop_column(SupportRequests::FirstResolvedAt)
                    .to_owned(),
            )
            .await
    }
}
