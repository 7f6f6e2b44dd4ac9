//! A theme on a piece of feedback.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "feedback_theme_tags")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub feedback_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub theme_id: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
