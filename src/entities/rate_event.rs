//! One counted event of a limit (see `services::limits`): what kind, whose (a hash), when.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "rate_events")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// Which limit, such as `new_journey`.
    pub kind: String,
    /// A hash of the address or email the limit is kept for.
    pub subject: String,
    pub at: TimeDateTimeWithTimeZone,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
