//! A day the desk is closed, such as a public holiday.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "desk_closed_days")]
pub struct Model {
    /// `YYYY-MM-DD`, in the desk's time zone.
    #[sea_orm(primary_key, auto_increment = false)]
    pub day: String,
    pub note: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
