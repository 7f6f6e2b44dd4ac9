//! A measure the desk takes about an incident — a warning, limits or a suspension — attached
//! to the identity of the person whose conduct it was, with the reason written to them,
//! and an end date.

use crate::domain::Lang;
use crate::domain::incident::Subject;
use crate::domain::measure::{MeasureKind, MeasureStatus};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "measures")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub reference: String,
    pub incident_id: i64,
    pub kind: MeasureKind,
    pub status: MeasureStatus,
    /// Limits: requests answered by email only, handled by a supervisor.
    pub email_only: bool,
    /// Limits: sessions only with a supervisor's approval.
    pub sessions_need_approval: bool,
    /// Limits: at most this many new requests a week.
    pub weekly_requests: Option<i32>,
    /// Suspension: of new requests.
    pub suspend_requests: bool,
    /// Suspension: of new sessions.
    pub suspend_sessions: bool,
    /// The reason, as written to the person.
    #[sea_orm(column_type = "Text")]
    pub reason: String,
    /// The language the person is written to in.
    pub lang: Lang,
    /// Whose identity it is attached to.
    pub subject: Subject,
    pub email: Option<String>,
    pub member_number: Option<String>,
    pub proxy_account_id: Option<i64>,
    /// When it ends.
    pub ends_at: TimeDateTimeWithTimeZone,
    pub proposed_by: i64,
    pub proposed_at: TimeDateTimeWithTimeZone,
    /// Who approved or declined a suspension (for a warning or limits, the one who took it).
    pub decided_by: Option<i64>,
    /// When it took effect, or was declined.
    pub decided_at: Option<TimeDateTimeWithTimeZone>,
    pub lifted_by: Option<i64>,
    pub lifted_at: Option<TimeDateTimeWithTimeZone>,
    #[sea_orm(column_type = "Text", nullable)]
    pub lift_reason: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
