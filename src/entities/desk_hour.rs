//! One stretch of the desk's weekly opening hours.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "desk_hours")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// 1 is Monday, 7 is Sunday.
    pub weekday: i16,
    /// Local time, `HH:MM`.
    pub opens: String,
    /// Local time, `HH:MM`.
    pub closes: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
