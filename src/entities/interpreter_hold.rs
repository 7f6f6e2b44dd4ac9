//! A quarter hour an interpreter is held by a session (the session and its buffer).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "interpreter_holds")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub staff_user_id: i64,
    /// The cell's start, in seconds since 1970 (UTC).
    #[sea_orm(primary_key, auto_increment = false)]
    pub cell_start: i64,
    pub booking_id: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
