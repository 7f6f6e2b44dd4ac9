//! What the schedule needs to meet interpreters' days off and the desk's holidays:
//!
//! - `desk_open_days`: national holidays and year-end break days an admin opened all the
//!   same (the holidays themselves are worked out, never stored);
//! - `interpreter_sign_languages`: the sign languages each interpreter signs. Every
//!   interpreter already qualified for sign-language sessions signs Japanese Sign Language;
//! - `staff_users.lang`: the language a staff member's emails are written in;
//! - `bookings.rebook_asked_at`: when the desk asked the customer to choose another time,
//!   because the interpreter can no longer come.

use sea_orm_migration::sea_orm::ConnectionTrait;
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum DeskOpenDays {
    Table,
    Day,
    OpenedAt,
}

#[derive(DeriveIden)]
enum InterpreterSignLanguages {
    Table,
    StaffUserId,
    Code,
}

#[derive(DeriveIden)]
enum StaffUsers {
    Table,
    Id,
    Lang,
}

#[derive(DeriveIden)]
enum Bookings {
    Table,
    RebookAskedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(DeskOpenDays::Table)
                    .col(string_len(DeskOpenDays::Day, 10).primary_key())
                    .col(timestamp_with_time_zone(DeskOpenDays::OpenedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(InterpreterSignLanguages::Table)
                    .col(big_integer(InterpreterSignLanguages::StaffUserId))
                    .col(string_len(InterpreterSignLanguages::Code, 20))
                    .primary_key(
                        Index::create()
                            .col(InterpreterSignLanguages::StaffUserId)
                            .col(InterpreterSignLanguages::Code),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(
                                InterpreterSignLanguages::Table,
                                InterpreterSignLanguages::StaffUserId,
                            )
                            .to(StaffUsers::Table, StaffUsers::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .get_connection()
            .execute_unprepared(
                "INSERT INTO interpreter_sign_languages (staff_user_id, code) \
                 SELECT staff_user_id, 'jsl' FROM staff_qualifications \
                 WHERE qualification = 'sign_language_interpreter'",
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(StaffUsers::Table)
                    .add_column(string_len(StaffUsers::Lang, 5).default("ja"))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Bookings::Table)
                    .add_column(timestamp_with_time_zone_null(Bookings::RebookAskedAt))
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Bookings::Table)
                    .drop_column(Bookings::RebookAskedAt)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(StaffUsers::Table)
                    .drop_column(StaffUsers::Lang)
                    .to_owned(),
            )
            .await?;
        manager
            .drop_table(
                Table::drop()
                    .table(InterpreterSignLanguages::Table)
                    .to_owned(),
            )
            .await?;
        manager
            .drop_table(Table::drop().table(DeskOpenDays::Table).to_owned())
            .await?;
        Ok(())
    }
}
