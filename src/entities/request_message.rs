//! One message in a request's thread: the customer's, a proxy's, a staff reply, or an
//! internal note that only staff see.

use crate::domain::request::Author;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "request_messages")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub request_id: i64,
    /// `customer`, `proxy` or `staff`.
    pub author: Author,
    pub staff_id: Option<i64>,
    pub proxy_id: Option<i64>,
    /// An internal note: never shown to the customer.
    pub internal: bool,
    #[sea_orm(column_type = "Text")]
    pub body: String,
    pub created_at: TimeDateTimeWithTimeZone,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
