//! The voice of the customer: feedback invitations (one for each contact: a session that
//! ended, a request resolved, a proxy registration approved), the links that open them (only
//! their hashes), the feedback itself from those links or from the open form, the themes the
//! admin keeps and their tags, the improvement cases feedback is gathered into, and each
//! staff member's choice of the weekly digest.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum FeedbackInvitations {
    Table,
    Id,
    Channel,
    ContactId,
    StaffUserId,
    Lang,
    UnderMeasure,
    CreatedAt,
    AnsweredAt,
}

#[derive(DeriveIden)]
enum FeedbackLinks {
    Table,
    TokenHash,
    InvitationId,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Feedback {
    Table,
    Id,
    Reference,
    InvitationId,
    Channel,
    Kind,
    Ease,
    Comment,
    Name,
    Email,
    WantsReply,
    Lang,
    StaffUserId,
    UnderMeasure,
    RequestId,
    CaseId,
    CreatedAt,
}

#[derive(DeriveIden)]
enum FeedbackThemes {
    Table,
    Id,
    NameJa,
    NameEn,
    Archived,
    CreatedAt,
}

#[derive(DeriveIden)]
enum FeedbackThemeTags {
    Table,
    FeedbackId,
    ThemeId,
}

#[derive(DeriveIden)]
enum ImprovementCases {
    Table,
    Id,
    Reference,
    Status,
    YouSaidJa,
    YouSaidEn,
    WeDidJa,
    WeDidEn,
    CreatedBy,
    CreatedAt,
    UpdatedAt,
    StartedAt,
    DoneAt,
    PublishedAt,
    PublishedBy,
}

#[derive(DeriveIden)]
enum StaffUsers {
    Table,
    Id,
    FeedbackDigest,
}

#[derive(DeriveIden)]
enum SupportRequests {
    Table,
    Id,
}

fn to_staff(table: impl IntoIden, column: impl IntoIden) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(table, column)
        .to(StaffUsers::Table, StaffUsers::Id)
        .on_delete(ForeignKeyAction::SetNull)
        .to_owned()
}

async fn index(
    manager: &SchemaManager<'_>,
    name: &str,
    table: impl IntoIden + 'static,
    columns: Vec<impl IntoIden + 'static>,
    unique: bool,
) -> Result<(), DbErr> {
    let mut index = Index::create();
    index.name(name).table(table);
    for column in columns {
        index.col(column);
    }
    if unique {
        index.unique();
    }
    manager.create_index(index.to_owned()).await
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(FeedbackInvitations::Table)
                    .col(big_pk_auto(FeedbackInvitations::Id))
                    .col(string_len(FeedbackInvitations::Channel, 20))
                    .col(big_integer(FeedbackInvitations::ContactId))
                    .col(big_integer_null(FeedbackInvitations::StaffUserId))
                    .col(string_len(FeedbackInvitations::Lang, 5))
                    .col(boolean(FeedbackInvitations::UnderMeasure).default(false))
                    .col(timestamp_with_time_zone(FeedbackInvitations::CreatedAt))
                    .col(timestamp_with_time_zone_null(
                        FeedbackInvitations::AnsweredAt,
                    ))
                    .foreign_key(&mut to_staff(
                        FeedbackInvitations::Table,
                        FeedbackInvitations::StaffUserId,
                    ))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "idx_feedback_invitations_contact",
            FeedbackInvitations::Table,
            vec![FeedbackInvitations::Channel, FeedbackInvitations::ContactId],
            true,
        )
        .await?;
        index(
            manager,
            "idx_feedback_invitations_created",
            FeedbackInvitations::Table,
            vec![FeedbackInvitations::CreatedAt],
            false,
        )
        .await?;
        manager
            .create_table(
                Table::create()
                    .table(FeedbackLinks::Table)
                    .col(string_len(FeedbackLinks::TokenHash, 64).primary_key())
                    .col(big_integer(FeedbackLinks::InvitationId))
                    .col(timestamp_with_time_zone(FeedbackLinks::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(FeedbackLinks::Table, FeedbackLinks::InvitationId)
                            .to(FeedbackInvitations::Table, FeedbackInvitations::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ImprovementCases::Table)
                    .col(big_pk_auto(ImprovementCases::Id))
                    .col(string_len_uniq(ImprovementCases::Reference, 16))
                    .col(string_len(ImprovementCases::Status, 20))
                    .col(text(ImprovementCases::YouSaidJa))
                    .col(text(ImprovementCases::YouSaidEn))
                    .col(text_null(ImprovementCases::WeDidJa))
                    .col(text_null(ImprovementCases::WeDidEn))
                    .col(big_integer_null(ImprovementCases::CreatedBy))
                    .col(timestamp_with_time_zone(ImprovementCases::CreatedAt))
                    .col(timestamp_with_time_zone(ImprovementCases::UpdatedAt))
                    .col(timestamp_with_time_zone_null(ImprovementCases::StartedAt))
                    .col(timestamp_with_time_zone_null(ImprovementCases::DoneAt))
                    .col(timestamp_with_time_zone_null(ImprovementCases::PublishedAt))
                    .col(big_integer_null(ImprovementCases::PublishedBy))
                    .foreign_key(&mut to_staff(
                        ImprovementCases::Table,
                        ImprovementCases::CreatedBy,
                    ))
                    .foreign_key(&mut to_staff(
                        ImprovementCases::Table,
                        ImprovementCases::PublishedBy,
                    ))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "idx_improvement_cases_published",
            ImprovementCases::Table,
            vec![ImprovementCases::PublishedAt],
            false,
        )
        .await?;
        manager
            .create_table(
                Table::create()
                    .table(Feedback::Table)
                    .col(big_pk_auto(Feedback::Id))
                    .col(string_len_uniq(Feedback::Reference, 16))
                    .col(big_integer_null(Feedback::InvitationId).unique_key())
                    .col(string_len(Feedback::Channel, 20))
                    .col(string_len(Feedback::Kind, 20))
                    .col(small_integer(Feedback::Ease))
                    .col(text_null(Feedback::Comment))
                    .col(string_len_null(Feedback::Name, 200))
                    .col(string_len_null(Feedback::Email, 320))
                    .col(boolean(Feedback::WantsReply).default(false))
                    .col(string_len(Feedback::Lang, 5))
                    .col(big_integer_null(Feedback::StaffUserId))
                    .col(boolean(Feedback::UnderMeasure).default(false))
                    .col(big_integer_null(Feedback::RequestId))
                    .col(big_integer_null(Feedback::CaseId))
                    .col(timestamp_with_time_zone(Feedback::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Feedback::Table, Feedback::InvitationId)
                            .to(FeedbackInvitations::Table, FeedbackInvitations::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .foreign_key(&mut to_staff(Feedback::Table, Feedback::StaffUserId))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Feedback::Table, Feedback::RequestId)
                            .to(SupportRequests::Table, SupportRequests::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Feedback::Table, Feedback::CaseId)
                            .to(ImprovementCases::Table, ImprovementCases::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "idx_feedback_created",
            Feedback::Table,
            vec![Feedback::CreatedAt],
            false,
        )
        .await?;
        index(
            manager,
            "idx_feedback_case",
            Feedback::Table,
            vec![Feedback::CaseId],
            false,
        )
        .await?;
        index(
            manager,
            "idx_feedback_staff",
            Feedback::Table,
            vec![Feedback::StaffUserId, Feedback::CreatedAt],
            false,
        )
        .await?;
        manager
            .create_table(
                Table::create()
                    .table(FeedbackThemes::Table)
                    .col(big_pk_auto(FeedbackThemes::Id))
                    .col(string_len(FeedbackThemes::NameJa, 100))
                    .col(string_len(FeedbackThemes::NameEn, 100))
                    .col(boolean(FeedbackThemes::Archived).default(false))
                    .col(timestamp_with_time_zone(FeedbackThemes::CreatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(FeedbackThemeTags::Table)
                    .col(big_integer(FeedbackThemeTags::FeedbackId))
                    .col(big_integer(FeedbackThemeTags::ThemeId))
                    .primary_key(
                        Index::create()
                            .col(FeedbackThemeTags::FeedbackId)
                            .col(FeedbackThemeTags::ThemeId),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(FeedbackThemeTags::Table, FeedbackThemeTags::FeedbackId)
                            .to(Feedback::Table, Feedback::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(FeedbackThemeTags::Table, FeedbackThemeTags::ThemeId)
                            .to(FeedbackThemes::Table, FeedbackThemes::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "idx_feedback_theme_tags_theme",
            FeedbackThemeTags::Table,
            vec![FeedbackThemeTags::ThemeId],
            false,
        )
        .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(StaffUsers::Table)
                    .add_column(boolean(StaffUsers::FeedbackDigest).default(false))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(StaffUsers::Table)
                    .drop_column(StaffUsers::FeedbackDigest)
                    .to_owned(),
            )
            .await?;
        for table in [
            FeedbackThemeTags::Table.into_iden(),
            FeedbackThemes::Table.into_iden(),
            Feedback::Table.into_iden(),
            ImprovementCases::Table.into_iden(),
            FeedbackLinks::Table.into_iden(),
            FeedbackInvitations::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
