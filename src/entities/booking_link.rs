//! The hash of one manage link sent for a session, and who holds it: the customer, or the
//! proxy who booked it for them (whose link works only while their registration does).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "booking_links")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub token_hash: String,
    pub booking_id: i64,
    pub created_at: TimeDateTimeWithTimeZone,
    /// The registration of the proxy the link was made for; none for the customer's own.
    pub proxy_registration_id: Option<i64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
