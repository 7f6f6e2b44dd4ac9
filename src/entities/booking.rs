//! A booked session: who, when, with which interpreter, and where it stands.

use crate::domain::request::Topic;
use crate::domain::schedule::SessionMode;
use crate::domain::{BookingStatus, Lang};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "bookings")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub reference: String,
    pub mode: SessionMode,
    pub status: BookingStatus,
    pub starts_at: TimeDateTimeWithTimeZone,
    pub ends_at: TimeDateTimeWithTimeZone,
    pub interpreter_id: i64,
    pub customer_name: String,
    pub email: String,
    pub member_number: Option<String>,
    pub topic: Topic,
    #[sea_orm(column_type = "Text", nullable)]
    pub topic_other: Option<String>,
    pub sign_language: Option<String>,
    pub sign_language_other: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub needs: Option<String>,
    /// The customer's language, for emails.
    pub lang: Lang,
    /// The calendar `SEQUENCE`: up by one with every change the customer is told of.
    pub sequence: i32,
    pub reminder_sent_at: Option<TimeDateTimeWithTimeZone>,
    pub cancelled_at: Option<TimeDateTimeWithTimeZone>,
    #[sea_orm(column_type = "Text", nullable)]
    pub cancel_reason: Option<String>,
    pub created_at: TimeDateTimeWithTimeZone,
    pub updated_at: TimeDateTimeWithTimeZone,
    /// The proxy registration under which a proxy booked this session for the customer.
    pub proxy_registration_id: Option<i64>,
    /// Where a copy of each email about the session goes (the customer, when a proxy
    /// booked it and the customer gave an address).
    pub copy_email: Option<String>,
    /// The support request the customer booked this session to be answered in.
    pub request_id: Option<i64>,
    /// A video session's own room name, from which its join address is made; none for a
    /// written-chat session.
    pub room: Option<String>,
    /// When the desk asked the customer to choose another time because the interpreter can
    /// no longer come; cleared when the session moves.
    pub rebook_asked_at: Option<TimeDateTimeWithTimeZone>,
    /// When staff opened a written-chat session's room before it opened by itself.
    pub chat_opened_at: Option<TimeDateTimeWithTimeZone>,
    /// When staff ended a written-chat session, closing its room.
    pub chat_closed_at: Option<TimeDateTimeWithTimeZone>,
    /// Whether the customer is emailed the conversation when staff end a written-chat
    /// session: yes unless they unticked it in the room.
    pub chat_transcript_by_email: bool,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
