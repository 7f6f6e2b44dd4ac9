//! A proxy registration: one person's application to act for one customer, its
//! verification by staff, and its life (approved until a date, or rejected, revoked,
//! stepped down from or expired).

use crate::domain::Lang;
use crate::domain::proxy::{ConsentMethod, EndedBy, IdDocument, RegistrationStatus, Relationship};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "proxy_registrations")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub reference: String,
    /// Where it stands.
    pub status: RegistrationStatus,
    /// The language the application was made in, for the emails.
    pub lang: Lang,
    pub principal_full_name: String,
    pub principal_kana: String,
    /// `YYYY-MM-DD`.
    pub principal_birth_date: String,
    pub principal_member_number: Option<String>,
    #[sea_orm(column_type = "Text")]
    pub principal_address: String,
    pub principal_email: Option<String>,
    /// The name in kana and the date of birth, normalised: the same customer's registrations
    /// share it.
    pub principal_key: String,
    pub proxy_full_name: String,
    pub proxy_kana: String,
    pub relationship: Relationship,
    pub proxy_email: String,
    #[sea_orm(column_type = "Text")]
    pub proxy_address: String,
    pub scope_ask: bool,
    pub scope_book: bool,
    pub scope_procedures: bool,
    /// How the customer's own consent is to be confirmed.
    pub consent_method: ConsentMethod,
    pub submitted_at: TimeDateTimeWithTimeZone,
    pub review_started_at: Option<TimeDateTimeWithTimeZone>,
    /// The identity document staff checked for the customer.
    pub principal_document: Option<IdDocument>,
    pub principal_document_at: Option<TimeDateTimeWithTimeZone>,
    /// The identity document staff checked for the proxy.
    pub proxy_document: Option<IdDocument>,
    pub proxy_document_at: Option<TimeDateTimeWithTimeZone>,
    /// How the customer's consent was confirmed, and on which day (`YYYY-MM-DD`).
    pub consent_confirmed_how: Option<ConsentMethod>,
    pub consent_confirmed_on: Option<String>,
    pub consent_recorded_at: Option<TimeDateTimeWithTimeZone>,
    /// When it was approved or rejected.
    pub decided_at: Option<TimeDateTimeWithTimeZone>,
    pub valid_until: Option<TimeDateTimeWithTimeZone>,
    #[sea_orm(column_type = "Text", nullable)]
    pub rejection_reason: Option<String>,
    /// When it stopped: revoked by staff, stepped down from by the proxy, ended at the
    /// customer's request, or expired.
    pub ended_at: Option<TimeDateTimeWithTimeZone>,
    /// Who ended it.
    pub ended_by: Option<EndedBy>,
    #[sea_orm(column_type = "Text", nullable)]
    pub end_reason: Option<String>,
    pub expiry_reminder_sent_at: Option<TimeDateTimeWithTimeZone>,
    pub renewal_requested_at: Option<TimeDateTimeWithTimeZone>,
    pub proxy_account_id: Option<i64>,
    pub updated_at: TimeDateTimeWithTimeZone,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
