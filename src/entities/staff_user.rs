//! A staff account.

use crate::domain::{Lang, Role};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "staff_users")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub email: String,
    pub full_name: String,
    pub display_name: String,
    pub role: Role,
    pub password_hash: Option<String>,
    pub active: bool,
    /// The language of the emails the staff member gets.
    pub lang: Lang,
    pub created_at: TimeDateTimeWithTimeZone,
    pub updated_at: TimeDateTimeWithTimeZone,
    /// Whether they get the weekly digest of customers' feedback.
    pub feedback_digest: bool,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
