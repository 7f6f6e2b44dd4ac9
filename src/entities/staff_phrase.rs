//! One saved phrase of a staff member, which they put into a chat message with one press.
//! Each staff member's list is their own; ids rise, so a list reads in the order added.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "staff_phrases")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// Whose phrase it is.
    pub staff_user_id: i64,
    #[sea_orm(column_type = "Text")]
    pub body: String,
    pub created_at: TimeDateTimeWithTimeZone,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
