//! Something added to an incident after it was reported: a note, the follow-up offered to
//! the staff member affected, or a change of status. Additions are never edited.

use crate::domain::incident::AdditionKind;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "incident_additions")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub incident_id: i64,
    pub author_id: i64,
    pub kind: AdditionKind,
    #[sea_orm(column_type = "Text")]
    pub body: String,
    pub created_at: TimeDateTimeWithTimeZone,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
