//! A theme staff tag feedback with, from the list the admin keeps. Archived themes stay on
//! what they tag but are no longer offered.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "feedback_themes")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub name_ja: String,
    pub name_en: String,
    pub archived: bool,
    pub created_at: TimeDateTimeWithTimeZone,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
