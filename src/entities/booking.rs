//! A booked session: who, when, with which interpreter, and where it stands.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "bookings")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub reference: String,
    pub mode: String,
    /// `booked`, `cancelled`, `completed`, `no_show_customer` or `no_show_interpreter`.
    pub status: String,
    pub starts_at: TimeDateTimeWithTimeZone,
    pub ends_at: TimeDateTimeWithTimeZone,
    pub interpreter_id: i64,
    pub customer_name: String,
    pub email: String,
    pub member_number: Option<String>,
    pub topic: String,
    #[sea_orm(column_type = "Text", nullable)]
    pub topic_other: Option<String>,
    pub sign_language: Option<String>,
    pub sign_language_other: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub needs: Option<String>,
    /// The customer's language, for emails.
    pub lang: String,
    /// The calendar `SEQUENCE`: up by one with every change the customer is told of.
    pub sequence: i32,
    pub reminder_sent_at: Option<TimeDateTimeWithTimeZone>,
    pub cancelled_at: Option<TimeDateTimeWithTimeZone>,
    #[sea_orm(column_type = "Text", nullable)]
    pub cancel_reason: Option<String>,
    pub created_at: TimeDateTimeWithTimeZone,
    pub updated_at: TimeDateTimeWithTimeZone,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
