//! Sessions: desk settings and opening hours, interpreters' qualifications and availability,
//! bookings, the cells that hold interpreters (one row per 15 minutes, under a unique key, so
//! the database itself refuses a double booking), staff notes, and unfinished journeys.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Settings {
    Table,
    Key,
    Value,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum DeskHours {
    Table,
    Id,
    Weekday,
    Opens,
    Closes,
}

#[derive(DeriveIden)]
enum DeskClosedDays {
    Table,
    Day,
    Note,
}

#[derive(DeriveIden)]
enum StaffQualifications {
    Table,
    StaffUserId,
    Qualification,
    CreatedAt,
}

#[derive(DeriveIden)]
enum InterpreterProfiles {
    Table,
    StaffUserId,
    JoinUrl,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum AvailabilityWeekly {
    Table,
    Id,
    StaffUserId,
    Weekday,
    Starts,
    Ends,
}

#[derive(DeriveIden)]
enum AvailabilityExceptions {
    Table,
    Id,
    StaffUserId,
    Day,
    Kind,
    Starts,
    Ends,
}

#[derive(DeriveIden)]
enum Bookings {
    Table,
    Id,
    Reference,
    Mode,
    Status,
    StartsAt,
    EndsAt,
    InterpreterId,
    CustomerName,
    Email,
    MemberNumber,
    Topic,
    TopicOther,
    SignLanguage,
    SignLanguageOther,
    Needs,
    Lang,
    Sequence,
    ReminderSentAt,
    CancelledAt,
    CancelReason,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum BookingLinks {
    Table,
    TokenHash,
    BookingId,
    CreatedAt,
}

#[derive(DeriveIden)]
enum InterpreterHolds {
    Table,
    StaffUserId,
    CellStart,
    BookingId,
}

#[derive(DeriveIden)]
enum BookingNotes {
    Table,
    Id,
    BookingId,
    StaffUserId,
    Body,
    CreatedAt,
}

#[derive(DeriveIden)]
enum BookingDrafts {
    Table,
    TokenHash,
    Data,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum StaffUsers {
    Table,
    Id,
}

fn staff_fk(from_table: impl IntoIden, from_col: impl IntoIden) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(from_table, from_col)
        .to(StaffUsers::Table, StaffUsers::Id)
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
                    .table(Settings::Table)
                    .col(string_len(Settings::Key, 80).primary_key())
                    .col(string_len(Settings::Value, 200))
                    .col(timestamp_with_time_zone(Settings::UpdatedAt))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(DeskHours::Table)
                    .col(big_pk_auto(DeskHours::Id))
                    .col(small_integer(DeskHours::Weekday))
                    .col(string_len(DeskHours::Opens, 5))
                    .col(string_len(DeskHours::Closes, 5))
                    .to_owned(),
            )
            .await?;
        // The desk opens on weekdays from nine to five until an admin says otherwise.
        let mut seed = Query::insert();
        seed.into_table(DeskHours::Table).columns([
            DeskHours::Weekday,
            DeskHours::Opens,
            DeskHours::Closes,
        ]);
        for weekday in 1..=5 {
            seed.values_panic([weekday.into(), "09:00".into(), "17:00".into()]);
        }
        manager.exec_stmt(seed.to_owned()).await?;

        manager
            .create_table(
                Table::create()
                    .table(DeskClosedDays::Table)
                    .col(string_len(DeskClosedDays::Day, 10).primary_key())
                    .col(string_len(DeskClosedDays::Note, 200))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(StaffQualifications::Table)
                    .col(big_integer(StaffQualifications::StaffUserId))
                    .col(string_len(StaffQualifications::Qualification, 40))
                    .col(timestamp_with_time_zone(StaffQualifications::CreatedAt))
                    .primary_key(
                        Index::create()
                            .col(StaffQualifications::StaffUserId)
                            .col(StaffQualifications::Qualification),
                    )
                    .foreign_key(&mut staff_fk(
                        StaffQualifications::Table,
                        StaffQualifications::StaffUserId,
                    ))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(InterpreterProfiles::Table)
                    .col(big_integer(InterpreterProfiles::StaffUserId).primary_key())
                    .col(string_len(InterpreterProfiles::JoinUrl, 500))
                    .col(timestamp_with_time_zone(InterpreterProfiles::UpdatedAt))
                    .foreign_key(&mut staff_fk(
                        InterpreterProfiles::Table,
                        InterpreterProfiles::StaffUserId,
                    ))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(AvailabilityWeekly::Table)
                    .col(big_pk_auto(AvailabilityWeekly::Id))
                    .col(big_integer(AvailabilityWeekly::StaffUserId))
                    .col(small_integer(AvailabilityWeekly::Weekday))
                    .col(string_len(AvailabilityWeekly::Starts, 5))
                    .col(string_len(AvailabilityWeekly::Ends, 5))
                    .foreign_key(&mut staff_fk(
                        AvailabilityWeekly::Table,
                        AvailabilityWeekly::StaffUserId,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "idx_availability_weekly_staff",
                AvailabilityWeekly::Table,
                &["staff_user_id"],
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(AvailabilityExceptions::Table)
                    .col(big_pk_auto(AvailabilityExceptions::Id))
                    .col(big_integer(AvailabilityExceptions::StaffUserId))
                    .col(string_len(AvailabilityExceptions::Day, 10))
                    .col(string_len(AvailabilityExceptions::Kind, 10))
                    .col(string_len_null(AvailabilityExceptions::Starts, 5))
                    .col(string_len_null(AvailabilityExceptions::Ends, 5))
                    .foreign_key(&mut staff_fk(
                        AvailabilityExceptions::Table,
                        AvailabilityExceptions::StaffUserId,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "idx_availability_exceptions_staff_day",
                AvailabilityExceptions::Table,
                &["staff_user_id", "day"],
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Bookings::Table)
                    .col(big_pk_auto(Bookings::Id))
                    .col(string_len_uniq(Bookings::Reference, 20))
                    .col(string_len(Bookings::Mode, 30))
                    .col(string_len(Bookings::Status, 30))
                    .col(timestamp_with_time_zone(Bookings::StartsAt))
                    .col(timestamp_with_time_zone(Bookings::EndsAt))
                    .col(big_integer(Bookings::InterpreterId))
                    .col(string_len(Bookings::CustomerName, 200))
                    .col(string_len(Bookings::Email, 254))
                    .col(string_len_null(Bookings::MemberNumber, 40))
                    .col(string_len(Bookings::Topic, 40))
                    .col(text_null(Bookings::TopicOther))
                    .col(string_len_null(Bookings::SignLanguage, 20))
                    .col(string_len_null(Bookings::SignLanguageOther, 200))
                    .col(text_null(Bookings::Needs))
                    .col(string_len(Bookings::Lang, 5))
                    .col(integer(Bookings::Sequence))
                    .col(timestamp_with_time_zone_null(Bookings::ReminderSentAt))
                    .col(timestamp_with_time_zone_null(Bookings::CancelledAt))
                    .col(text_null(Bookings::CancelReason))
                    .col(timestamp_with_time_zone(Bookings::CreatedAt))
                    .col(timestamp_with_time_zone(Bookings::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Bookings::Table, Bookings::InterpreterId)
                            .to(StaffUsers::Table, StaffUsers::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "idx_bookings_starts",
                Bookings::Table,
                &["starts_at"],
            ))
            .await?;
        manager
            .create_index(index(
                "idx_bookings_interpreter",
                Bookings::Table,
                &["interpreter_id", "starts_at"],
            ))
            .await?;

        // Every email about a session carries its own manage link; each is stored only as
        // the hash of its token, and any of them opens the session.
        manager
            .create_table(
                Table::create()
                    .table(BookingLinks::Table)
                    .col(string_len(BookingLinks::TokenHash, 64).primary_key())
                    .col(big_integer(BookingLinks::BookingId))
                    .col(timestamp_with_time_zone(BookingLinks::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(BookingLinks::Table, BookingLinks::BookingId)
                            .to(Bookings::Table, Bookings::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "idx_booking_links_booking",
                BookingLinks::Table,
                &["booking_id"],
            ))
            .await?;

        // One row per quarter hour an interpreter is held: the primary key refuses a second
        // session over the same cell, whatever the isolation level.
        manager
            .create_table(
                Table::create()
                    .table(InterpreterHolds::Table)
                    .col(big_integer(InterpreterHolds::StaffUserId))
                    .col(big_integer(InterpreterHolds::CellStart))
                    .col(big_integer(InterpreterHolds::BookingId))
                    .primary_key(
                        Index::create()
                            .col(InterpreterHolds::StaffUserId)
                            .col(InterpreterHolds::CellStart),
                    )
                    .foreign_key(&mut staff_fk(
                        InterpreterHolds::Table,
                        InterpreterHolds::StaffUserId,
                    ))
                    .foreign_key(
                        ForeignKey::create()
                            .from(InterpreterHolds::Table, InterpreterHolds::BookingId)
                            .to(Bookings::Table, Bookings::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "idx_interpreter_holds_booking",
                InterpreterHolds::Table,
                &["booking_id"],
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(BookingNotes::Table)
                    .col(big_pk_auto(BookingNotes::Id))
                    .col(big_integer(BookingNotes::BookingId))
                    .col(big_integer(BookingNotes::StaffUserId))
                    .col(text(BookingNotes::Body))
                    .col(timestamp_with_time_zone(BookingNotes::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(BookingNotes::Table, BookingNotes::BookingId)
                            .to(Bookings::Table, Bookings::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(&mut staff_fk(
                        BookingNotes::Table,
                        BookingNotes::StaffUserId,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "idx_booking_notes_booking",
                BookingNotes::Table,
                &["booking_id"],
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(BookingDrafts::Table)
                    .col(string_len(BookingDrafts::TokenHash, 64).primary_key())
                    .col(text(BookingDrafts::Data))
                    .col(timestamp_with_time_zone(BookingDrafts::CreatedAt))
                    .col(timestamp_with_time_zone(BookingDrafts::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            BookingDrafts::Table.into_iden(),
            BookingNotes::Table.into_iden(),
            InterpreterHolds::Table.into_iden(),
            BookingLinks::Table.into_iden(),
            Bookings::Table.into_iden(),
            AvailabilityExceptions::Table.into_iden(),
            AvailabilityWeekly::Table.into_iden(),
            InterpreterProfiles::Table.into_iden(),
            StaffQualifications::Table.into_iden(),
            DeskClosedDays::Table.into_iden(),
            DeskHours::Table.into_iden(),
            Settings::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
