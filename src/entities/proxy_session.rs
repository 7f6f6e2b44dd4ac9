//! A signed-in proxy's session. The id is the hash of the cookie's secret.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "proxy_sessions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub proxy_account_id: i64,
    pub created_at: TimeDateTimeWithTimeZone,
    pub last_seen_at: TimeDateTimeWithTimeZone,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::proxy_account::Entity",
        from = "Column::ProxyAccountId",
        to = "super::proxy_account::Column::Id",
        on_delete = "Cascade"
    )]
    ProxyAccount,
}

impl Related<super::proxy_account::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::ProxyAccount.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
