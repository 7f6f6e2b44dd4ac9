//! One stretch of an interpreter's weekly availability.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "availability_weekly")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub staff_user_id: i64,
    /// 1 is Monday, 7 is Sunday.
    pub weekday: i16,
    /// Local time, `HH:MM`.
    pub starts: String,
    /// Local time, `HH:MM`.
    pub ends: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
