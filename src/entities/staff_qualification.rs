//! A qualification a staff member holds: since when, and until when it holds.

use crate::domain::Qualification;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "staff_qualifications")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub staff_user_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub qualification: Qualification,
    pub created_at: TimeDateTimeWithTimeZone,
    /// The day it was obtained; empty for a record made before dates were kept.
    pub obtained_on: Option<TimeDate>,
    /// The last day it holds; empty when it does not expire.
    pub expires_on: Option<TimeDate>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
