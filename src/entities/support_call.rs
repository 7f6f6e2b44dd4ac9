//! A staff member's call for a supervisor's support during a request or a session: raised
//! at once, taken by a supervisor, and the start of the incident report it may become.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "support_calls")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// Who called.
    pub staff_user_id: i64,
    /// The request or session they were in.
    pub request_id: Option<i64>,
    pub booking_id: Option<i64>,
    pub raised_at: TimeDateTimeWithTimeZone,
    /// The supervisor who took it, and when.
    pub taken_by: Option<i64>,
    pub taken_at: Option<TimeDateTimeWithTimeZone>,
    /// The incident reported from it, once there is one.
    pub incident_id: Option<i64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
