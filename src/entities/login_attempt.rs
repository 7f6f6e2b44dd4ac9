//! One attempt to sign in, kept for the lock-out window.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "login_attempts")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub email: String,
    pub ip: Option<String>,
    pub attempted_at: TimeDateTimeWithTimeZone,
    pub succeeded: bool,
    /// Whose sign-in: `staff` or `proxy`.
    pub realm: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
