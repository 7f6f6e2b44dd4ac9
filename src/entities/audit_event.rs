//! One line of the audit log: who did what, when, from which role.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "audit_events")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub occurred_at: TimeDateTimeWithTimeZone,
    pub actor_staff_id: Option<i64>,
    pub actor_role: Option<String>,
    pub action: String,
    pub target_type: Option<String>,
    pub target_id: Option<String>,
    /// A JSON object with the particulars of the event.
    #[sea_orm(column_type = "Text")]
    pub detail: String,
    pub ip: Option<String>,
    /// The proxy account acting, when a proxy acted for a customer.
    pub actor_proxy_id: Option<i64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::staff_user::Entity",
        from = "Column::ActorStaffId",
        to = "super::staff_user::Column::Id",
        on_delete = "SetNull"
    )]
    Actor,
}

impl Related<super::staff_user::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Actor.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
