//! A customer-harassment incident as a staff member reported it. Nothing here changes once
//! reported except where it stands (`status`, `updated_at`, `closed_at`); more is added as
//! [`super::incident_addition`] rows.

use crate::domain::incident::{Category, Channel, DemandTest, IncidentStatus, MannerTest, Subject};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "incidents")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub reference: String,
    pub status: IncidentStatus,
    /// The staff member who reported it.
    pub reported_by: i64,
    pub reported_at: TimeDateTimeWithTimeZone,
    /// When it happened, as the reporter gave it.
    pub occurred_at: TimeDateTimeWithTimeZone,
    pub channel: Channel,
    pub category: Category,
    /// What happened, in the reporter's words.
    #[sea_orm(column_type = "Text")]
    pub account: String,
    pub demand: DemandTest,
    pub manner: MannerTest,
    /// What was done at the time.
    #[sea_orm(column_type = "Text", nullable)]
    pub done_then: Option<String>,
    /// Whose conduct it was.
    pub subject: Subject,
    /// The customer, as the request, session or registration named them, or as typed.
    pub customer_name: Option<String>,
    pub customer_email: Option<String>,
    pub member_number: Option<String>,
    /// The proxy account, when a proxy was involved.
    pub proxy_account_id: Option<i64>,
    /// Where it happened, when it was in a request, a session or around a registration.
    pub request_id: Option<i64>,
    pub booking_id: Option<i64>,
    pub proxy_registration_id: Option<i64>,
    pub updated_at: TimeDateTimeWithTimeZone,
    pub closed_at: Option<TimeDateTimeWithTimeZone>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
