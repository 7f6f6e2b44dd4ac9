//! A single-use link emailed to a staff member or a proxy, to choose a first password or a
//! new one. Only the hash of the link's token is stored; `realm` says which accounts table
//! `account_id` points into.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "account_links")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub token_hash: String,
    /// `staff` or `proxy`.
    pub realm: String,
    pub account_id: i64,
    /// `invitation` (staff) or `activation` (proxies), or `password_reset`.
    pub purpose: String,
    pub created_at: TimeDateTimeWithTimeZone,
    pub expires_at: TimeDateTimeWithTimeZone,
    pub used_at: Option<TimeDateTimeWithTimeZone>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
