//! A support request: what the customer asked, how they want the answer, who is on it and
//! where it stands, with the time by which the desk should next reply.

use crate::domain::Lang;
use crate::domain::request::{ReplyChannel, RequestStatus, Topic};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "support_requests")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub reference: String,
    /// Where it stands.
    pub status: RequestStatus,
    pub topic: Topic,
    #[sea_orm(column_type = "Text")]
    pub details: String,
    pub customer_name: String,
    pub member_number: Option<String>,
    /// How the customer wants the answer.
    pub channel: ReplyChannel,
    pub email: Option<String>,
    pub fax: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub postal_address: Option<String>,
    /// The customer's language, for the emails.
    pub lang: Lang,
    pub assignee_id: Option<i64>,
    /// The registration under which a proxy sent it for the customer.
    pub proxy_registration_id: Option<i64>,
    pub created_at: TimeDateTimeWithTimeZone,
    pub updated_at: TimeDateTimeWithTimeZone,
    /// When the desk's next reply is due; none while nothing is owed.
    pub due_at: Option<TimeDateTimeWithTimeZone>,
    pub first_reply_at: Option<TimeDateTimeWithTimeZone>,
    pub resolved_at: Option<TimeDateTimeWithTimeZone>,
    /// When it was first resolved (or closed): kept when the customer writes again, which
    /// clears `resolved_at`.
    pub first_resolved_at: Option<TimeDateTimeWithTimeZone>,
    pub closed_at: Option<TimeDateTimeWithTimeZone>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
