//! An improvement case: what customers said and what the desk did, in both languages.

use crate::domain::improvement::CaseStatus;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "improvement_cases")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub reference: String,
    pub status: CaseStatus,
    #[sea_orm(column_type = "Text")]
    pub you_said_ja: String,
    #[sea_orm(column_type = "Text")]
    pub you_said_en: String,
    #[sea_orm(column_type = "Text", nullable)]
    pub we_did_ja: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub we_did_en: Option<String>,
    pub created_by: Option<i64>,
    pub created_at: TimeDateTimeWithTimeZone,
    pub updated_at: TimeDateTimeWithTimeZone,
    pub started_at: Option<TimeDateTimeWithTimeZone>,
    pub done_at: Option<TimeDateTimeWithTimeZone>,
    /// When a supervisor published it on the public page; none while unpublished.
    pub published_at: Option<TimeDateTimeWithTimeZone>,
    pub published_by: Option<i64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
