//! A change to an interpreter's usual week on one date: a day off or extra hours.

use crate::domain::schedule::ExceptionKind;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "availability_exceptions")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub staff_user_id: i64,
    /// `YYYY-MM-DD`, in the desk's time zone.
    pub day: String,
    /// A day off, or extra hours from `starts` to `ends`.
    pub kind: ExceptionKind,
    pub starts: Option<String>,
    pub ends: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
