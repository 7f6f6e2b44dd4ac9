//! The hash of a one-time link sent to a staff member: an invitation or a password reset.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "staff_tokens")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub token_hash: String,
    pub staff_user_id: i64,
    /// `invitation` or `password_reset`.
    pub purpose: String,
    pub created_at: TimeDateTimeWithTimeZone,
    pub expires_at: TimeDateTimeWithTimeZone,
    pub used_at: Option<TimeDateTimeWithTimeZone>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::staff_user::Entity",
        from = "Column::StaffUserId",
        to = "super::staff_user::Column::Id",
        on_delete = "Cascade"
    )]
    StaffUser,
}

impl Related<super::staff_user::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::StaffUser.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
