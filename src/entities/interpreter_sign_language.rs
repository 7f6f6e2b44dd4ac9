//! A sign language an interpreter signs.

use crate::domain::SignLanguage;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "interpreter_sign_languages")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub staff_user_id: i64,
    /// One of the sign languages offered by name, such as `jsl` or `asl`.
    #[sea_orm(primary_key, auto_increment = false)]
    pub code: SignLanguage,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
