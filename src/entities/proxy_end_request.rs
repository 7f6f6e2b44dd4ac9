//! A customer's request to end a proxy registration, made on the public form. It keeps
//! what was typed, and the registration it matched, if any, for staff to confirm.

use crate::domain::Lang;
use crate::domain::proxy::EndRequestStatus;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "proxy_end_requests")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The request's own reference, given to the customer.
    #[sea_orm(unique)]
    pub reference: String,
    pub typed_reference: String,
    pub typed_name: String,
    /// `YYYY-MM-DD`.
    pub typed_birth_date: String,
    #[sea_orm(column_type = "Text", nullable)]
    pub note: Option<String>,
    pub registration_id: Option<i64>,
    pub lang: Lang,
    pub requested_at: TimeDateTimeWithTimeZone,
    /// Open until staff confirm or decline it.
    pub status: EndRequestStatus,
    pub handled_at: Option<TimeDateTimeWithTimeZone>,
    pub handled_by: Option<i64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
