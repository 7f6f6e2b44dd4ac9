//! A room of its own for every video session: `bookings.room` holds a random name, from which
//! the join address is made with the desk's room-address template. Sessions already booked
//! get a room here. The interpreters' permanent rooms, which every customer of an
//! interpreter was sent, are no longer used and are removed.

use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Bookings {
    Table,
    Room,
}

#[derive(DeriveIden)]
enum InterpreterProfiles {
    Table,
    StaffUserId,
    JoinUrl,
    UpdatedAt,
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
            .alter_table(
                Table::alter()
                    .table(Bookings::Table)
                    .add_column(string_len_null(Bookings::Room, 64))
                    .to_owned(),
            )
            .await?;
        // 128 random bits as 32 lowercase hexadecimal characters, as the app makes them.
        let fresh_room = match manager.get_database_backend() {
            DbBackend::Postgres => "md5(gen_random_uuid()::text || gen_random_uuid()::text)",
            _ => "lower(hex(randomblob(16)))",
        };
        manager
            .get_connection()
            .execute_unprepared(&format!(
                "UPDATE bookings SET room = {fresh_room} \
                 WHERE room IS NULL AND mode = 'sign_language_video' AND status = 'booked'"
            ))
            .await?;
        manager
            .drop_table(Table::drop().table(InterpreterProfiles::Table).to_owned())
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(InterpreterProfiles::Table)
                    .col(big_integer(InterpreterProfiles::StaffUserId).primary_key())
                    .col(string_len(InterpreterProfiles::JoinUrl, 500))
                    .col(timestamp_with_time_zone(InterpreterProfiles::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(InterpreterProfiles::Table, InterpreterProfiles::StaffUserId)
                            .to(StaffUsers::Table, StaffUsers::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Bookings::Table)
                    .drop_column(Bookings::Room)
                    .to_owned(),
            )
            .await?;
        Ok(())
    }
}
