//! One contact the customer was asked about: a session that ended, a request resolved, a
//! proxy registration approved. Each contact is asked once; `answered_at` is set when the
//! feedback comes.

use crate::domain::Lang;
use crate::domain::feedback::Channel;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "feedback_invitations")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub channel: Channel,
    /// The booking, request or proxy registration.
    pub contact_id: i64,
    /// The staff member the customer dealt with, named to them by display name.
    pub staff_user_id: Option<i64>,
    pub lang: Lang,
    /// Whether the customer was under a harassment measure at the time of the contact: such
    /// contacts are left out of each staff member's own figures.
    pub under_measure: bool,
    pub created_at: TimeDateTimeWithTimeZone,
    pub answered_at: Option<TimeDateTimeWithTimeZone>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
