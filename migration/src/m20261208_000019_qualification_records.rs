//! When a staff member obtained each qualification, and until when it holds. Rows recorded
//! before keep both empty: the date obtained is unknown, and an empty expiry means the
//! qualification does not expire, so nobody loses a session by this change.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum StaffQualifications {
    Table,
    ObtainedOn,
    ExpiresOn,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column a statement: SQLite alters a table one change at a time.
        for column in [
            StaffQualifications::ObtainedOn,
            StaffQualifications::ExpiresOn,
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(StaffQualifications::Table)
                        .add_column(date_null(column))
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in [
            StaffQualifications::ExpiresOn,
            StaffQualifications::ObtainedOn,
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(StaffQualifications::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
