//! A national holiday or year-end break day the desk opens all the same.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "desk_open_days")]
pub struct Model {
    /// `YYYY-MM-DD`, in the desk's time zone.
    #[sea_orm(primary_key, auto_increment = false)]
    pub day: String,
    pub opened_at: TimeDateTimeWithTimeZone,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
