//! Manage links say who holds them. A link sent to (or opened by) a proxy names the proxy's
//! registration and works only while that registration lets them act; a link without one
//! is the customer's own and keeps working when a proxy's registration ends. Every link
//! made so far for a session a proxy booked went to that proxy.

use sea_orm_migration::sea_orm::ConnectionTrait;
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum BookingLinks {
    Table,
    ProxyRegistrationId,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(BookingLinks::Table)
                    .add_column(big_integer_null(BookingLinks::ProxyRegistrationId))
                    .to_owned(),
            )
            .await?;
        manager
            .get_connection()
            .execute_unprepared(
                "UPDATE booking_links SET proxy_registration_id = \
                 (SELECT b.proxy_registration_id FROM bookings b WHERE b.id = booking_links.booking_id)",
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(BookingLinks::Table)
                    .drop_column(BookingLinks::ProxyRegistrationId)
                    .to_owned(),
            )
            .await?;
        Ok(())
    }
}
